/*
 * tests/e2e/golden_test.c - the complete-site features, end to end, against
 * a golden output tree.
 *
 * tests/sites/features is a small site that uses every feature a user
 * writes (see its bengal.yaml and the list below), built by the real
 * binary ($BF_BIN) with the embedded theme.  Two kinds of test:
 *
 *   - golden: the WHOLE output tree, file list and bytes, against
 *     tests/sites/features.golden/.  After an intended change to the theme,
 *     the outputs or the fixture, regenerate it with
 *         BF_UPDATE_GOLDEN=1 make check
 *     and review `git diff tests/sites/features.golden`.  A failing run
 *     leaves what it built in /tmp/bf-features.actual for `diff -ru`.
 *   - one test per feature, each asserting the exact fact, so that a broken
 *     feature fails a test named after it even while the golden tree is
 *     being regenerated.
 *
 * The fixture (regular pages are the 12 listed in index.json):
 *
 *   content/_index.md           home; [[docs/intro]]
 *   about.md                    `menu: main` (string form), weight 30
 *   syntax.md                   titled by its first heading (shown once);
 *                               GitHub alerts, MkDocs admonitions, MyST
 *                               tab-set, figure and dropdown
 *   docs/                       intro.md (tags, category, relative .md link
 *                               to setup/index.md), setup/ (leaf bundle with
 *                               diagram.svg and notes.txt), guide/
 *   docs/guide/                 install.md (alias /old/install/; code
 *                               blocks highlighted, one with fence
 *                               options; includes .shared/requirements.md,
 *                               which includes platforms.md),
 *                               configure.md ([[docs/intro]], ../intro.md#...)
 *   docs/guide/advanced/        tuning.md (`menu: {main: {parent: Docs}}`)
 *   blog/                       3 posts: blog/page/2/ exists
 *   pair/                       exactly 2 pages (+ a draft): no page/2/
 *   empty/                      0 pages (its one page is dated 2999)
 *   templates/partials/term.html  overrides the theme's partial by name and
 *                               prints site.data.team / site.data.project
 *   .shared/                    included files (hidden: not pages)
 *   static/css/extra.css, static/img/x.svg
 *
 * Every page has a fixed date, and every build runs with SOURCE_DATE_EPOCH
 * (2025-06-15, after every date but the 2999 one), so the output does not
 * depend on the clock or on file times.
 */
#include "tests/e2e/helpers.h"

#include <dirent.h>

#define EPOCH "1750000000"
#define BASE "https://features.example.org"
#define REGEN "BF_UPDATE_GOLDEN=1 make check"

static void setup(void)
{
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH, 1) == 0);
}

TestSuite(golden, .init = setup, .fini = e2e_cleanup, .timeout = 120);

/* ---- helpers -------------------------------------------------------------- */

/* A growable list of malloc'd strings (freed by strs_free). */
typedef struct {
    char **v;
    size_t n, cap;
} strs_t;

static void strs_push(strs_t *l, char *s)
{
    cr_assert(s, "out of memory");
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        cr_assert(l->v, "out of memory");
    }
    l->v[l->n++] = s;
}

static void strs_free(strs_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The list joined with '\n' after each entry (lives until cleanup). */
static char *strs_join(const strs_t *l)
{
    size_t len = 1;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(l->v[i]) + 1;
    char *out = e2e_own(malloc(len)), *o = out;
    for (size_t i = 0; i < l->n; i++)
        o += sprintf(o, "%s\n", l->v[i]);
    *o = '\0';
    return out;
}

/* Appends the paths (relative to root) of every file under root/rel.  Only
 * regular files and directories may be there: the output is a plain tree. */
static void walk(const char *root, const char *rel, strs_t *out)
{
    char *dir = NULL;
    cr_assert(asprintf(&dir, "%s%s%s", root, *rel ? "/" : "", rel) >= 0, "out of memory");
    DIR *d = opendir(dir);
    cr_assert(d, "cannot open \"%s\": %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *sub = NULL, *path = NULL;
        struct stat st;
        cr_assert(asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >= 0 &&
                      asprintf(&path, "%s/%s", dir, e->d_name) >= 0,
                  "out of memory");
        cr_assert(lstat(path, &st) == 0, "lstat %s: %s", path, strerror(errno));
        cr_assert(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode),
                  "%s is neither a file nor a directory", path);
        free(path);
        if (S_ISDIR(st.st_mode)) {
            walk(root, sub, out);
            free(sub);
        } else {
            strs_push(out, sub);
        }
    }
    closedir(d);
    free(dir);
}

/* Every file under root, relative paths, sorted. */
static strs_t tree_files(const char *root)
{
    strs_t l = {0};
    walk(root, "", &l);
    if (l.n > 1)
        qsort(l.v, l.n, sizeof(*l.v), cmp_str);
    return l;
}

/* The file dir/rel, which must be readable; the caller frees it. */
static char *read_in(const char *dir, const char *rel, size_t *len)
{
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/%s", dir, rel) >= 0, "out of memory");
    char *s = e2e_read_file(path, len);
    cr_assert(s, "cannot read %s: %s", path, strerror(errno));
    free(path);
    return s;
}

/* Line `line` (1-based) of s, at most 160 bytes of it (lives until cleanup). */
static char *line_of(const char *s, size_t len, size_t line)
{
    const char *p = s, *end = s + len;
    for (size_t l = 1; l < line && p < end; p++)
        l += *p == '\n';
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    return e2e_fmt("%.*s%s", (int)(n > 160 ? 160 : n), p, n > 160 ? "..." : "");
}

/* NULL if the file lists and bytes of got/ and want/ are identical, else
 * what differs: the missing and extra files by name, or the first file
 * that differs with its first differing line (lives until cleanup). */
static char *tree_diff(const char *got, const char *want)
{
    strs_t g = tree_files(got), w = tree_files(want), missing = {0}, extra = {0};
    size_t i = 0, k = 0;
    while (i < g.n || k < w.n) {
        int c = i == g.n ? 1 : k == w.n ? -1 : strcmp(g.v[i], w.v[k]);
        if (c < 0)
            strs_push(&extra, strdup(g.v[i++]));
        else if (c > 0)
            strs_push(&missing, strdup(w.v[k++]));
        else
            i++, k++;
    }
    char *msg = NULL;
    if (missing.n || extra.n) {
        msg = e2e_fmt("%zu file(s) expected but not produced:\n%s"
                      "%zu file(s) produced but not expected:\n%s",
                      missing.n, strs_join(&missing), extra.n, strs_join(&extra));
        goto done;
    }
    for (i = 0; i < g.n && !msg; i++) {
        size_t glen = 0, wlen = 0;
        char *gs = read_in(got, g.v[i], &glen), *ws = read_in(want, g.v[i], &wlen);
        if (glen != wlen || memcmp(gs, ws, glen) != 0) {
            size_t at = 0, line = 1;
            for (; at < glen && at < wlen && gs[at] == ws[at]; at++)
                line += gs[at] == '\n';
            msg =
                e2e_fmt("%s differs at line %zu (%zu bytes produced, %zu expected):\n"
                        "  expected: %s\n  produced: %s\n",
                        g.v[i], line, glen, wlen, line_of(ws, wlen, line), line_of(gs, glen, line));
        }
        free(gs);
        free(ws);
    }
done:
    strs_free(&g);
    strs_free(&w);
    strs_free(&missing);
    strs_free(&extra);
    return msg;
}

/* Builds site with `--strict -j jobs` and opt (may be NULL): exit 0 and
 * nothing on stderr (no warning).  Returns the output directory. */
static char *build_with(const char *site, const char *jobs, const char *opt)
{
    const char *argv[8];
    int n = 0;
    e2e_run_t r;

    argv[n++] = e2e_bin();
    argv[n++] = "--strict";
    argv[n++] = "-j";
    argv[n++] = jobs;
    if (opt)
        argv[n++] = opt;
    argv[n++] = site;
    argv[n] = NULL;
    e2e_run(&r, argv);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "bengal-farm --strict -j %s %s %s: exit %d, stderr:\n%s", jobs,
                 opt ? opt : "", site, r.status, r.err);
    cr_assert_str_eq(r.err, "", "bengal-farm --strict %s: expected no warning, stderr:\n%s",
                     opt ? opt : "", r.err);
    e2e_run_free(&r);
    return e2e_fmt("%s/public", site);
}

/* A fresh copy of the fixture, built: returns its output directory. */
static char *build_fixture(const char *opt)
{
    return build_with(e2e_site("features"), "3", opt);
}

/* The contents of out/rel, which must exist (lives until cleanup). */
static char *out_file(const char *out, const char *rel)
{
    char *path = e2e_fmt("%s/%s", out, rel);
    char *s = e2e_own_file(path, NULL);
    cr_assert(s, "%s was not produced: %s", rel, strerror(errno));
    return s;
}

/* The part of html from `start` up to and including the next `end`
 * (lives until cleanup); fails if there is none. */
static char *slice(const char *html, const char *start, const char *end, const char *what)
{
    const char *a = strstr(html, start);
    cr_assert(a, "%s: no \"%s\" in:\n%s", what, start, html);
    const char *b = strstr(a, end);
    cr_assert(b, "%s: no \"%s\" after \"%s\"", what, end, start);
    return e2e_fmt("%.*s", (int)(b + strlen(end) - a), a);
}

/* The href of every entry of the page lists (`<li><h3><a href="...">`) of
 * the <main> of html, in order, one a line. */
static char *listed(const char *html, const char *what)
{
    const char *main = slice(html, "<main", "</main>", what), *p = main;
    const char *tag = "<li><h3><a href=\"";
    strs_t l = {0};
    while ((p = strstr(p, tag))) {
        p += strlen(tag);
        strs_push(&l, strndup(p, strcspn(p, "\"")));
    }
    char *s = strs_join(&l);
    strs_free(&l);
    return s;
}

static void assert_same_bytes(const char *got_path, const char *want_path)
{
    size_t glen = 0, wlen = 0;
    char *got = e2e_own_file(got_path, &glen), *want = e2e_own_file(want_path, &wlen);
    cr_assert(want, "cannot read %s: %s", want_path, strerror(errno));
    cr_assert(got, "%s was not produced: %s", got_path, strerror(errno));
    cr_assert(glen == wlen && memcmp(got, want, glen) == 0,
              "%s (%zu bytes) is not a byte-identical copy of %s (%zu bytes)", got_path, glen,
              want_path, wlen);
}

/* ---- the golden tree ------------------------------------------------------- */

static void update_golden(const char *out, const char *golden)
{
    e2e_run_t r;
    e2e_runl(&r, "rm", "-rf", golden, NULL);
    cr_assert_eq(r.status, 0, "rm -rf %s: %s", golden, r.err);
    e2e_run_free(&r);
    cr_assert(mkdir(golden, 0755) == 0, "mkdir %s: %s", golden, strerror(errno));
    e2e_runl(&r, "cp", "-R", e2e_fmt("%s/.", out), golden, NULL);
    cr_assert_eq(r.status, 0, "cp -R %s/. %s: %s", out, golden, r.err);
    e2e_run_free(&r);
    cr_log_warn("rewrote %s: review it with `git diff %s`", golden, golden);
}

/* Keeps a failed run's output where the message says it is. */
static void keep_actual(const char *out, const char *keep)
{
    e2e_run_t r;
    e2e_runl(&r, "rm", "-rf", keep, NULL);
    e2e_run_free(&r);
    e2e_runl(&r, "cp", "-R", out, keep, NULL);
    e2e_run_free(&r);
}

Test(golden, whole_output_tree)
{
    char *out = build_fixture(NULL);
    char *golden = e2e_fmt("%s/tests/sites/features.golden", e2e_top());
    const char *update = getenv("BF_UPDATE_GOLDEN");

    if (update && strcmp(update, "1") == 0) {
        update_golden(out, golden);
        return;
    }
    struct stat st;
    cr_assert(stat(golden, &st) == 0 && S_ISDIR(st.st_mode),
              "%s does not exist: create it with `" REGEN "`, then review it with `git diff`",
              golden);
    char *diff = tree_diff(out, golden);
    if (diff) {
        const char *keep = "/tmp/bf-features.actual";
        keep_actual(out, keep);
        cr_assert_fail("the output of tests/sites/features differs from %s:\n%s\n"
                       "compare with `diff -ru %s %s`; if the change is intended, "
                       "regenerate it with `" REGEN "` and review `git diff`",
                       golden, diff, golden, keep);
    }
}

/* The golden tree is only meaningful if the output is deterministic: the
 * same site at -j1 and -j4, built twice, gives the same bytes. */
Test(golden, output_is_deterministic)
{
    char *one = build_with(e2e_site("features"), "1", NULL);
    char *four = build_with(e2e_site("features"), "4", NULL);
    char *diff = tree_diff(four, one);
    cr_assert(!diff, "-j4 and -j1 builds of the same site differ:\n%s", diff);
}

/* ---- one feature at a time ------------------------------------------------- */

/* Scans every file of out for needle; returns the first file holding it. */
static char *file_containing(const char *out, const char *needle)
{
    strs_t l = tree_files(out);
    char *hit = NULL;
    for (size_t i = 0; i < l.n && !hit; i++) {
        char *s = read_in(out, l.v[i], NULL);
        if (strstr(s, needle))
            hit = e2e_fmt("%s", l.v[i]);
        free(s);
    }
    strs_free(&l);
    return hit;
}

Test(golden, drafts_and_future_pages_not_published)
{
    char *out = build_fixture(NULL);
    cr_assert(!e2e_exists(e2e_fmt("%s/pair/draft", out)), "the draft page was published");
    cr_assert(!e2e_exists(e2e_fmt("%s/empty/future", out)), "the future page was published");
    char *f = file_containing(out, "DRAFT-MARKER");
    cr_assert(!f, "the draft's content is in %s", f);
    f = file_containing(out, "FUTURE-MARKER");
    cr_assert(!f, "the future page's content is in %s", f);
    f = file_containing(out, "Draft in progress");
    cr_assert(!f, "the draft's title is in %s", f);
    f = file_containing(out, "From the future");
    cr_assert(!f, "the future page's title is in %s", f);
    /* Both carry the tag "news": its count is the three posts only. */
    char *tags = out_file(out, "tags/index.html");
    cr_assert(strstr(tags, "<a href=\"/tags/news/\">news <span class=\"count\">(3)</span></a>"),
              "tags/index.html must count 3 pages for news:\n%s",
              slice(tags, "<main", "</main>", "tags/index.html"));
}

Test(golden, drafts_option_publishes_the_draft)
{
    char *out = build_fixture("--drafts");
    char *draft = out_file(out, "pair/draft/index.html");
    cr_assert(strstr(draft, "DRAFT-MARKER"), "pair/draft/index.html lacks its content");
    /* pair/ now lists three pages: a second pager. */
    cr_assert(e2e_exists(e2e_fmt("%s/pair/page/2/index.html", out)),
              "with --drafts pair/ lists 3 pages: pair/page/2/ must exist");
    cr_assert(!e2e_exists(e2e_fmt("%s/empty/future", out)), "--drafts published the future page");
}

Test(golden, future_option_publishes_the_future_page)
{
    char *out = build_fixture("--future");
    char *future = out_file(out, "empty/future/index.html");
    cr_assert(strstr(future, "FUTURE-MARKER"), "empty/future/index.html lacks its content");
    cr_assert(!e2e_exists(e2e_fmt("%s/pair/draft", out)), "--future published the draft");
    cr_assert_str_eq(listed(out_file(out, "empty/index.html"), "empty/index.html"),
                     "/empty/future/\n");
}

Test(golden, pagination_edges)
{
    char *out = build_fixture(NULL);

    /* 0 pages: one pager, the section's own page, with no list and no nav. */
    char *empty = out_file(out, "empty/index.html");
    cr_assert_str_eq(listed(empty, "empty/index.html"), "");
    cr_assert(!strstr(empty, "aria-label=\"pagination\""), "empty/ has a pager nav");
    cr_assert(!e2e_exists(e2e_fmt("%s/empty/page", out)), "empty/page/ must not exist");

    /* exactly per_page (2): one pager. */
    char *pair = out_file(out, "pair/index.html");
    cr_assert_str_eq(listed(pair, "pair/index.html"), "/pair/first/\n/pair/second/\n");
    cr_assert(!strstr(pair, "aria-label=\"pagination\""), "pair/ has a pager nav");
    cr_assert(!e2e_exists(e2e_fmt("%s/pair/page", out)), "pair/page/ must not exist");

    /* per_page + 1 (3): two pagers; pager 1 is the section's own page, so
     * there is no blog/page/1/ and no blog/page/3/. */
    char *blog = out_file(out, "blog/index.html");
    cr_assert_str_eq(listed(blog, "blog/index.html"), "/blog/post-3/\n/blog/post-2/\n");
    cr_assert(strstr(blog, "<a rel=\"next\" href=\"/blog/page/2/\">Next</a>"), "no next link");
    char *blog2 = out_file(out, "blog/page/2/index.html");
    cr_assert_str_eq(listed(blog2, "blog/page/2/index.html"), "/blog/post-1/\n");
    cr_assert(strstr(blog2, "<a rel=\"prev\" href=\"/blog/\">Previous</a>"), "no prev link");
    cr_assert(strstr(blog2, "<span aria-current=\"page\">2</span>"), "pager 2 not current");
    cr_assert(!strstr(blog2, "<a rel=\"next\""), "the last pager has a next link");
    cr_assert(!e2e_exists(e2e_fmt("%s/blog/page/1", out)), "blog/page/1/ must not exist");
    cr_assert(!e2e_exists(e2e_fmt("%s/blog/page/3", out)), "blog/page/3/ must not exist");
}

/* A pager after the first exists to show pages: one that lists nothing is
 * a page a reader reaches by "Next" and finds empty.  (docs/ lists intro,
 * setup and the subsection guide/; the section template shows subsections
 * as cards on pager 1 only, so if pagination counted guide/ as an entry,
 * docs/page/2/ would list nothing.) */
Test(golden, pagers_are_never_empty)
{
    char *out = build_fixture(NULL);
    strs_t l = tree_files(out), empty = {0};

    for (size_t i = 0; i < l.n; i++) {
        if (!e2e_match(l.v[i], "(^|/)page/[0-9]+/index\\.html$", 0))
            continue;
        char *html = read_in(out, l.v[i], NULL);
        if (!*listed(html, l.v[i]))
            strs_push(&empty, strdup(l.v[i]));
        free(html);
    }
    char *names = strs_join(&empty);
    size_t n = empty.n;
    strs_free(&l);
    strs_free(&empty);
    cr_assert_eq(n, 0, "%zu pager(s) list no page:\n%s", n, names);
}

Test(golden, alias_page_redirects)
{
    char *out = build_fixture(NULL);
    char *a = out_file(out, "old/install/index.html");
    const char *target = BASE "/docs/guide/install/";

    cr_assert(strstr(a, e2e_fmt("<meta http-equiv=\"refresh\" content=\"0; url=%s\">", target)),
              "no meta refresh to %s:\n%s", target, a);
    cr_assert(strstr(a, e2e_fmt("<link rel=\"canonical\" href=\"%s\">", target)),
              "no canonical link to %s:\n%s", target, a);
    cr_assert(strstr(a, "<meta name=\"robots\" content=\"noindex\">"), "no noindex:\n%s", a);
    /* The page itself is still at its own URL. */
    cr_assert(strstr(out_file(out, "docs/guide/install/index.html"), "<h1>Installing</h1>"));
}

/* Code blocks are highlighted at build time (markdown.highlight is on by
 * default), and fence options give a title, line numbers and marked
 * lines; the class attribute is cmark-gfm's. */
Test(golden, code_blocks_highlighted)
{
    char *out = build_fixture(NULL);
    char *html = out_file(out, "docs/guide/install/index.html");

    if (!e2e_has_grammars())
        cr_skip_test("this bengal-farm was built without grammars");
    cr_assert(strstr(html, "<pre><code class=\"language-sh\"><span class=\"hl-function\">make"
                           "</span> <span class=\"hl-operator\">&amp;&amp;</span>"),
              "the sh block is not highlighted:\n%s", html);
    cr_assert(strstr(html,
                     "<div class=\"code-block\"><div class=\"code-title\">setup.py</div>\n"
                     "<pre class=\"linenos\"><code class=\"language-python\">"
                     "<span class=\"line\"><span class=\"hl-keyword\">import</span> "
                     "<span class=\"hl-variable\">os</span>\n</span>"
                     "<span class=\"line hl\"><span class=\"hl-function-builtin\">print</span>"),
              "the python block has no title, line numbers or marked line 2:\n%s", html);
    cr_assert(strstr(html, "<span class=\"hl-comment\"># &quot;posix&quot; &amp; more</span>\n"
                           "</span></code></pre>\n</div>\n"),
              "the python block's end:\n%s", html);
}

Test(golden, static_files_copied_verbatim)
{
    char *out = build_fixture(NULL);
    char *src = e2e_fmt("%s/tests/sites/features/static", e2e_top());

    assert_same_bytes(e2e_fmt("%s/css/extra.css", out), e2e_fmt("%s/css/extra.css", src));
    assert_same_bytes(e2e_fmt("%s/img/x.svg", out), e2e_fmt("%s/img/x.svg", src));
    cr_assert(!e2e_exists(e2e_fmt("%s/static", out)), "static/ itself must not be in the output");
}

Test(golden, bundle_resources_beside_the_page)
{
    char *out = build_fixture(NULL);
    char *src = e2e_fmt("%s/tests/sites/features/content/docs/setup", e2e_top());

    char *page = out_file(out, "docs/setup/index.html");
    cr_assert(strstr(page, "<img src=\"diagram.svg\" alt=\"Diagram\" />"), "no image");
    assert_same_bytes(e2e_fmt("%s/docs/setup/diagram.svg", out), e2e_fmt("%s/diagram.svg", src));
    assert_same_bytes(e2e_fmt("%s/docs/setup/notes.txt", out), e2e_fmt("%s/notes.txt", src));
    cr_assert(!e2e_exists(e2e_fmt("%s/docs/setup/index.md", out)), "the bundle's markdown copied");
}

Test(golden, term_pages_list_the_tagged_pages)
{
    char *out = build_fixture(NULL);

    cr_assert_str_eq(listed(out_file(out, "tags/cli/index.html"), "tags/cli"),
                     "/docs/guide/configure/\n/docs/guide/install/\n");
    cr_assert_str_eq(listed(out_file(out, "tags/markdown/index.html"), "tags/markdown"),
                     "/docs/intro/\n");
    cr_assert_str_eq(listed(out_file(out, "categories/reference/index.html"), "reference"),
                     "/pair/first/\n/docs/guide/configure/\n");
    /* basics has 3 pages (newest first): two pagers of the term page too. */
    char *b1 = listed(out_file(out, "tags/basics/index.html"), "tags/basics");
    char *b2 = listed(out_file(out, "tags/basics/page/2/index.html"), "tags/basics/page/2");
    cr_assert_str_eq(e2e_fmt("%s%s", b1, b2), "/docs/guide/install/\n/docs/setup/\n/docs/intro/\n");
    /* A page links its tags. */
    char *intro = out_file(out, "docs/intro/index.html");
    cr_assert(strstr(intro, "<li><a rel=\"tag\" href=\"/tags/basics/\">basics</a></li>"));
    cr_assert(strstr(intro, "<li><a rel=\"tag\" href=\"/tags/markdown/\">markdown</a></li>"));
}

/* The main menu of page rel: exactly one item is the current page's
 * (aria-current="page"), and it is `item` (or none when item is NULL).
 * The items of the sections above the page are aria-current="true"
 * (tests/e2e/theme_test.c), not counted here. */
static void assert_active(const char *out, const char *rel, const char *item)
{
    char *menu = slice(out_file(out, rel), "<nav class=\"main-menu\"", "</nav>", rel);
    size_t n = e2e_count(menu, "aria-current=\"page\"");
    if (!item) {
        cr_assert_eq(n, 0, "%s: no menu item should be active:\n%s", rel, menu);
        return;
    }
    cr_assert_eq(n, 1, "%s: exactly one menu item should be active, got %zu:\n%s", rel, n, menu);
    cr_assert(strstr(menu, item), "%s: the active item should be %s:\n%s", rel, item, menu);
}

Test(golden, menu_marks_the_current_page)
{
    char *out = build_fixture(NULL);

    /* From front matter, `menu: main`. */
    assert_active(out, "about/index.html", "<a href=\"/about/\" aria-current=\"page\">About</a>");
    /* Config, by page:, as a child of Docs. */
    assert_active(out, "docs/intro/index.html",
                  "<a href=\"/docs/intro/\" aria-current=\"page\">Introduction</a>");
    assert_active(out, "docs/setup/index.html",
                  "<a href=\"/docs/setup/\" aria-current=\"page\">Setup</a>");
    assert_active(out, "docs/index.html", "<a href=\"/docs/\" aria-current=\"page\">Docs</a>");
    /* Front matter map form, moved under Docs by `parent:`. */
    assert_active(out, "docs/guide/advanced/tuning/index.html",
                  "<a href=\"/docs/guide/advanced/tuning/\" aria-current=\"page\">"
                  "Tuning guide</a>");
    /* Not in the menu: nothing active. */
    assert_active(out, "index.html", NULL);
    assert_active(out, "docs/guide/install/index.html", NULL);
    assert_active(out, "blog/post-1/index.html", NULL);

    /* The menu's shape: weights order it, children nest. */
    char *menu = slice(out_file(out, "index.html"), "<nav class=\"main-menu\"", "</nav>", "home");
    const char *want = "<nav class=\"main-menu\" aria-label=\"Main\">\n<ul>\n"
                       "<li><a href=\"/docs/\">Docs</a>\n<ul>\n"
                       "<li><a href=\"/docs/intro/\">Introduction</a></li>\n"
                       "<li><a href=\"/docs/setup/\">Setup</a></li>\n"
                       "<li><a href=\"/docs/guide/advanced/tuning/\">Tuning guide</a></li>\n"
                       "</ul></li>\n"
                       "<li><a href=\"/blog/\">Blog</a></li>\n"
                       "<li><a href=\"/about/\">About</a></li>\n"
                       "<li><a href=\"https://example.org/feature-tour\">Source</a></li>\n"
                       "</ul>\n</nav>";
    cr_assert_str_eq(menu, want);
}

/* An item given by `url:` that is a page of the site (Blog, /blog/) is the
 * current item on that page, as Hugo's IsMenuCurrent compares the URL of an
 * entry without a page; a page below it (a post) does not make it current
 * (item.is_active), but the theme marks the item as the one the page is
 * under, as Hugo's HasMenuCurrent would. */
Test(golden, menu_url_item_active_on_its_page)
{
    char *out = build_fixture(NULL);

    assert_active(out, "blog/index.html", "<a href=\"/blog/\" aria-current=\"page\">Blog</a>");
    assert_active(out, "blog/post-2/index.html", NULL);
    cr_assert(strstr(out_file(out, "blog/post-2/index.html"),
                     "<a href=\"/blog/\" aria-current=\"true\">Blog</a>"));
}

Test(golden, overridden_partial_prints_site_data)
{
    char *out = build_fixture(NULL);
    const char *line = "<p class=\"curator\">Curated by Ada Lovelace (maintainer), MIT since "
                       "2021</p>";

    /* The theme's term.html includes partials/term.html: the site's wins. */
    cr_assert(strstr(out_file(out, "tags/news/index.html"), line), "tags/news lacks: %s", line);
    cr_assert(strstr(out_file(out, "tags/news/page/2/index.html"), line),
              "tags/news/page/2 lacks: %s", line);
    cr_assert(strstr(out_file(out, "categories/tutorial/index.html"), line),
              "categories/tutorial lacks: %s", line);
    /* Other pages keep the theme's templates. */
    cr_assert(!strstr(out_file(out, "tags/index.html"), "curator"), "taxonomy page overridden");
    cr_assert(!strstr(out_file(out, "docs/intro/index.html"), "curator"), "page overridden");
}

Test(golden, cross_references_and_md_links)
{
    char *out = build_fixture(NULL);
    char *conf = out_file(out, "docs/guide/configure/index.html");

    cr_assert(strstr(conf, "<a class=\"xref\" href=\"/docs/intro/\">Introduction</a>"),
              "[[docs/intro]] not resolved:\n%s", slice(conf, "<main", "</main>", "configure"));
    cr_assert(strstr(conf, "<a href=\"/docs/intro/#what-it-is\">introduction</a>"),
              "../intro.md#what-it-is not resolved");
    cr_assert(strstr(out_file(out, "docs/intro/index.html"),
                     "<a href=\"/docs/setup/\">link to the setup</a>"),
              "setup/index.md not resolved");
    cr_assert(strstr(out_file(out, "index.html"),
                     "<a class=\"xref\" href=\"/docs/intro/\">Introduction</a>"),
              "[[docs/intro]] on the home page not resolved");
}

/* Every list and regular page the build publishes (not pagers, not
 * aliases), sorted. */
static const char *const published[] = {
    "/",
    "/about/",
    "/blog/",
    "/blog/post-1/",
    "/blog/post-2/",
    "/blog/post-3/",
    "/categories/",
    "/categories/reference/",
    "/categories/tutorial/",
    "/docs/",
    "/docs/guide/",
    "/docs/guide/advanced/",
    "/docs/guide/advanced/tuning/",
    "/docs/guide/configure/",
    "/docs/guide/install/",
    "/docs/intro/",
    "/docs/setup/",
    "/empty/",
    "/pair/",
    "/pair/first/",
    "/pair/second/",
    "/syntax/",
    "/tags/",
    "/tags/basics/",
    "/tags/cli/",
    "/tags/markdown/",
    "/tags/news/",
    "/tags/performance/",
};

Test(golden, sitemap_lists_exactly_the_published_pages)
{
    char *out = build_fixture(NULL);
    char *xml = out_file(out, "sitemap.xml");
    strs_t got = {0}, want = {0};

    for (const char *p = xml; (p = strstr(p, "<loc>"));) {
        p += 5;
        const char *e = strstr(p, "</loc>");
        cr_assert(e, "unterminated <loc> in sitemap.xml");
        strs_push(&got, strndup(p, (size_t)(e - p)));
    }
    qsort(got.v, got.n, sizeof(*got.v), cmp_str);
    for (size_t i = 0; i < sizeof(published) / sizeof(*published); i++)
        strs_push(&want, strdup(e2e_fmt(BASE "%s", published[i])));
    char *g = strs_join(&got), *w = strs_join(&want);
    strs_free(&got);
    strs_free(&want);
    cr_assert_str_eq(g, w, "sitemap.xml <loc>s (sorted):\n%s\nexpected:\n%s", g, w);
}

/* Runs python3 on index.json with a script; returns its stdout. */
static char *python_on_index(const char *out, const char *script)
{
    if (!e2e_have("python3"))
        cr_skip_test("python3 is not installed");
    e2e_run_t r;
    char *json = e2e_fmt("%s/index.json", out);
    e2e_runl(&r, "python3", "-m", "json.tool", json, NULL);
    cr_assert_eq(r.status, 0, "index.json does not parse (python3 -m json.tool):\n%s", r.err);
    e2e_run_free(&r);
    e2e_runl(&r, "python3", "-c", script, json, NULL);
    cr_assert_eq(r.status, 0, "python3 on index.json failed:\n%s", r.err);
    char *s = e2e_own(strdup(r.out));
    e2e_run_free(&r);
    return s;
}

Test(golden, search_index_has_one_entry_per_regular_page)
{
    char *out = build_fixture(NULL);
    char *urls = python_on_index(out, "import json, sys\n"
                                      "d = json.load(open(sys.argv[1]))\n"
                                      "for u in sorted(e['url'] for e in d):\n"
                                      "    print(u)\n");
    cr_assert_str_eq(urls,
                     "/about/\n/blog/post-1/\n/blog/post-2/\n/blog/post-3/\n"
                     "/docs/guide/advanced/tuning/\n/docs/guide/configure/\n"
                     "/docs/guide/install/\n/docs/intro/\n/docs/setup/\n"
                     "/pair/first/\n/pair/second/\n/syntax/\n",
                     "index.json urls (sorted):\n%s", urls);
}

/* index.json's "tags" are the page's tags (page.tags), not every term of
 * every taxonomy: a category is not a tag. */
Test(golden, search_index_tags_are_the_page_tags)
{
    char *out = build_fixture(NULL);
    char *tags = python_on_index(out, "import json, sys\n"
                                      "d = json.load(open(sys.argv[1]))\n"
                                      "for e in sorted(d, key=lambda e: e['url']):\n"
                                      "    print(e['url'], ','.join(e['tags']))\n");
    cr_assert_str_eq(tags,
                     "/about/ \n/blog/post-1/ news\n/blog/post-2/ news\n/blog/post-3/ news\n"
                     "/docs/guide/advanced/tuning/ performance\n/docs/guide/configure/ cli\n"
                     "/docs/guide/install/ basics,cli\n/docs/intro/ basics,markdown\n"
                     "/docs/setup/ basics\n/pair/first/ \n/pair/second/ \n/syntax/ \n",
                     "index.json url and tags:\n%s", tags);
}

/* syntax.md: titled by its first heading, which the page shows once (as
 * the theme's <h1>); each block syntax writers bring from GitHub, MkDocs
 * and MyST comes out as the theme's markup (the whole page is in the
 * golden tree; these are the facts a regression would break first). */
Test(golden, writing_syntax_page)
{
    char *out = build_fixture(NULL);
    char *html = out_file(out, "syntax/index.html");
    cr_assert(strstr(html, "<title>Writing syntax | Feature Tour</title>"), "%s", html);
    cr_assert(strstr(html, "<h1>Writing syntax</h1>"), "%s", html);
    cr_assert(!strstr(html, "id=\"writing-syntax\""), "the title heading is repeated");
    cr_assert(strstr(html, "<div class=\"admonition caution\">\n<p class=\"admonition-title\">"
                           "Caution</p>"), "%s", html);
    cr_assert(strstr(html, "<blockquote>\n<p>[!NOTE] Not a title"), "%s", html);
    cr_assert(strstr(html, "<div class=\"admonition abstract\">\n<p class=\"admonition-title\">"
                           "Abstract</p>"), "%s", html);
    cr_assert(strstr(html, "<details class=\"admonition warning\" open>"), "%s", html);
    cr_assert(strstr(html, "<label class=\"tab-label\" for=\"tabs-1-1\" data-sync=\"linux\">"
                           "Linux</label>"), "%s", html);
    cr_assert(strstr(html, "<img src=\"/img/x.svg\" alt=\"The example image\" />"), "%s", html);
    cr_assert(strstr(html, "<details class=\"dropdown\" open>"), "%s", html);
    char *css = out_file(out, "_bengal/theme.css");
    cr_assert(strstr(css, ".tab-input:checked + .tab-label + .tab-panel { display: block; }"));
    cr_assert(strstr(css, ".admonition:is(.caution, .danger"));
}

Test(golden, includes_expanded_in_place)
{
    char *out = build_fixture(NULL);
    char *html = out_file(out, "docs/guide/install/index.html");
    /* requirements.md in place of its directive, front matter skipped, its
     * heading with an id and in the TOC, its cross-reference resolved;
     * platforms.md inside it (the fenced form) */
    const char *want = "<h2 id=\"from-source\"";
    char *at = strstr(html, want);
    cr_assert(at, "%s", html);
    at = strstr(at, "<h3 id=\"requirements\"");
    cr_assert(at, "the included heading is not after \"From source\": %s", html);
    cr_assert(strstr(at, "<p>A C compiler and make; <a class=\"xref\" href=\"/docs/intro/\""), "%s", html);
    cr_assert(strstr(at, "<p>Tested on Linux and the BSDs.</p>"), "%s", html);
    cr_assert(strstr(html, "href=\"#requirements\""), "not in the TOC: %s", html);
    cr_assert(!strstr(html, "front matter of an included file"), "%s", html);
    cr_assert(!strstr(html, "{include}"), "%s", html);
    /* an include in a code block is code; included files are not pages */
    char *syntax = out_file(out, "syntax/index.html");
    cr_assert(strstr(syntax, ":::{include} ../.shared/requirements.md\n:::\n</code>"), "%s",
              syntax);
    cr_assert(!e2e_exists(e2e_fmt("%s/.shared", out)));
    cr_assert(!e2e_exists(e2e_fmt("%s/shared", out)));
}
