/*
 * tests/e2e/hostile_test.c - hostile sites, one table.
 *
 * Each row of the table is a site someone could hand us on purpose: files
 * to write into SITE (over a small good site), the command line, the exit
 * status, and a regex that must match the whole of stderr, from its first
 * byte to its last (the exact message, at file:line:col where there is
 * one; NULL: stderr must be empty).  For every row the test also
 * checks what a hostile site must never do, whatever the exit status:
 *
 *   - write outside the output directory OUT (SITE/public) and the state
 *     directory SITE/.bengal: the whole temporary root (which holds SITE,
 *     and which a "../../x" from OUT lands in) is listed with nftw before
 *     and after the build, and every path that appeared, vanished or
 *     changed must be under one of those two;
 *   - when the build fails, touch a previously published output: a good
 *     build runs first, and OUT must come out of the hostile build with
 *     the same names, types, sizes, mtimes and bytes.
 *
 * Rows that must build (a BOM, CRLF, 20,000 files, raw HTML in safe mode)
 * have a check of their output.  The 100 MB page is a sparse file (made
 * with ftruncate, so it costs no disk and no time) and is deleted after.
 * The whole table runs in 15-30 s (two jobs); the 20,000-file row is most
 * of it.
 */
#include "tests/e2e/helpers.h"

#include <criterion/parameterized.h>
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>

static void setup(void)
{
    cr_assert(setenv("SOURCE_DATE_EPOCH", "1700000000", 1) == 0);
}

TestSuite(hostile, .init = setup, .fini = e2e_cleanup, .timeout = 240);

/* ---- the table ----------------------------------------------------------------------------- */

typedef struct {
    const char *path; /* relative to SITE; directories are made as needed */
    const char *content;
} hostile_file_t;

typedef struct {
    const char *name;
    hostile_file_t files[3];
    void (*make)(const char *site);                   /* more input, made in code */
    const char *args[6];                              /* "@" is SITE */
    int exit;                                         /* expected exit status */
    const char *err_re;                               /* all of stderr; "@" is SITE */
    void (*check)(const char *site, const char *out); /* the output, for exit 0 */
} hostile_row_t;

/* What a worker prints before a message it logs itself (render errors). */
#define WORKER "(bf-worker-[0-9]+\\[[0-9]+\\]: )?"
#define GOOD_MD "---\ntitle: Good\n---\nA good page.\n"

static void make_nesting(const char *site);
static void make_big_page(const char *site);
static void make_many_files(const char *site);
static void check_bom(const char *site, const char *out);
static void check_crlf(const char *site, const char *out);
static void check_many_files(const char *site, const char *out);
static void check_safe_mode(const char *site, const char *out);

static const hostile_row_t rows[] = {
    {"url traversal",
     {{"content/a.md", "---\ntitle: A\nurl: /../../etc/x\n---\nx\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^@/content/a\\.md:3:6: error: url \"/\\.\\./\\.\\./etc/x\" is not a valid path: "
     "contains \"\\.\\.\"\n",
     NULL},
    {"slug traversal",
     {{"content/a.md", "---\ntitle: A\nslug: ../x\n---\nx\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^@/content/a\\.md:3:7: error: slug \"\\.\\./x\" is not a valid URL component: "
     "contains \"\\.\\.\"\n",
     NULL},
    {"aliases traversal",
     {{"content/a.md", "---\ntitle: A\naliases: [\"/../../x\"]\n---\nx\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^@/content/a\\.md:3:11: error: alias \"/\\.\\./\\.\\./x\" is not a valid path: "
     "contains \"\\.\\.\"\n",
     NULL},
    {"YAML anchors bomb",
     {{"content/a.md",
       "---\ntitle: A billion laughs\n"
       "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
       "---\nlol\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^@/content/a\\.md:3:4: error: YAML anchors and aliases are not supported\n",
     NULL},
    /* x: [[[...]]] 200 deep; the map is level 1, so the 64th '[' (column
     * 3 + 64) is level 65. */
    {"YAML nesting depth",
     {{NULL, NULL}},
     make_nesting,
     {"-q", "@"},
     1,
     "^@/content/a\\.md:3:67: error: YAML nesting depth is over the limit of 64\n",
     NULL},
    {"front matter is a list",
     {{"content/a.md", "---\n- a\n- b\n---\nx\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^@/content/a\\.md:2:1: error: front matter must be a map of keys, not a list\n",
     NULL},
    {"invalid UTF-8 in front matter",
     {{"content/a.md", "---\ntitle: caf\xe9\n---\nx\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^@/content/a\\.md:2:11: error: invalid UTF-8: incomplete UTF-8 octet sequence\n",
     NULL},
    {"invalid UTF-8 in the body",
     {{"content/a.md", "---\ntitle: A\n---\nbody caf\xe9\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^@/content/a\\.md:4:9: error: invalid UTF-8: content files must be UTF-8 "
     "\\(convert it, e\\.g\\. with iconv\\)\n",
     NULL},
    {"byte order mark",
     {{"content/a.md", "\xef\xbb\xbf---\ntitle: Bom\n---\nbody\n"}},
     NULL,
     {"-q", "@"},
     0,
     NULL,
     check_bom},
    {"CRLF line endings",
     {{"content/a.md", "---\r\ntitle: Crlf\r\n---\r\nbody\r\n\r\nmore\r\n"}},
     NULL,
     {"build", "-q", "@"},
     0,
     NULL,
     check_crlf},
    {"100 MB page",
     {{NULL, NULL}},
     make_big_page,
     {"-q", "@"},
     1,
     "^@/content/big\\.md: error: file is larger than the limit of 16777216 bytes "
     "\\(raise build\\.max_file_size to allow it\\)\n",
     NULL},
    {"20,000 files in one directory",
     {{NULL, NULL}},
     make_many_files,
     {"-q", "@"},
     0,
     NULL,
     check_many_files},
    {"raw HTML and javascript: links in safe mode",
     {{"content/a.md",
       "---\ntitle: A\n---\n<script>alert(1)</script>\n\n"
       "[x](javascript:alert(2)) <a href=\"javascript:alert(3)\">y</a>\n\n"
       "<img src=x onerror=alert(4)>\n\n"
       "[z](JaVaScRiPt:alert(5)) [v](&#106;avascript:alert(6)) [w](  javascript:alert(7))\n"}},
     NULL,
     {"-q", "@"},
     0,
     NULL,
     check_safe_mode},
    {"template include cycle",
     {{"content/a.md", "---\ntitle: A\nlayout: a.html\n---\nx\n"},
      {"templates/a.html", "A{% include \"a.html\" %}\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^@/templates/a\\.html:1:13: error: template cycle: \"a\\.html\" -> \"a\\.html\"\n"
     "    1 \\| A\\{% include \"a\\.html\" %}\n"
     "      \\|             \\^\n"
     "bengal-farm: error: 1 template error; nothing was built, the previous output is left as "
     "it was\n",
     NULL},
    {"macro recursion",
     {{"content/a.md", "---\ntitle: A\nlayout: a.html\n---\nx\n"},
      {"templates/a.html", "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\n{{ m(0) }}\n"}},
     NULL,
     {"-q", "@"},
     1,
     "^" WORKER "@/templates/a\\.html:1:20: error: recursion too deep \\(more than 500 nested "
     "calls\\)\n"
     "    1 \\| \\{% macro m\\(n\\) %}\\{\\{ m\\(n \\+ 1\\) }}\\{% endmacro %}\n"
     "      \\|                    \\^\n"
     "@/templates/a\\.html:2:4: note: called from here\n"
     "bengal-farm: error: the build stopped on the error above; the previous output is left "
     "as it was\n",
     NULL},
};

#define NROWS (sizeof rows / sizeof rows[0])

/* ---- inputs made in code ------------------------------------------------------------------- */

static void make_nesting(const char *site)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "---\ntitle: N\nx: ");
    for (int i = 0; i < 200; i++)
        buf[n++] = '[';
    for (int i = 0; i < 200; i++)
        buf[n++] = ']';
    memcpy(buf + n, "\n---\nx\n", 8);
    e2e_write_str(e2e_fmt("%s/content/a.md", site), buf);
}

/* 100 MB of which only the front matter is data: ftruncate makes the rest
 * a hole, so the file costs neither disk nor time.  The limit is checked
 * before anything is read. */
static void make_big_page(const char *site)
{
    char *big = e2e_fmt("%s/content/big.md", site);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    cr_assert(fd >= 0, "cannot create %s: %s", big, strerror(errno));
    static const char head[] = "---\ntitle: Big\n---\n";
    cr_assert(write(fd, head, sizeof head - 1) == (ssize_t)(sizeof head - 1));
    cr_assert(ftruncate(fd, 100 << 20) == 0, "ftruncate %s: %s", big, strerror(errno));
    cr_assert(close(fd) == 0);
}

#define MANY 20000

static void make_many_files(const char *site)
{
    char path[4096], text[32];
    snprintf(path, sizeof path, "%s/content/many", site);
    cr_assert(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
    for (int i = 1; i <= MANY; i++) {
        snprintf(path, sizeof path, "%s/content/many/p%05d.md", site, i);
        int n = snprintf(text, sizeof text, "# P%d\n", i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        cr_assert(fd >= 0, "cannot create %s: %s", path, strerror(errno));
        cr_assert(write(fd, text, (size_t)n) == n);
        cr_assert(close(fd) == 0);
    }
}

/* ---- checks of what the rows that build produce --------------------------------------------- */

static char *page(const char *out, const char *rel)
{
    char *path = e2e_fmt("%s/%s", out, rel);
    char *s = e2e_own_file(path, NULL);
    cr_assert(s, "%s was not produced: %s", path, strerror(errno));
    return s;
}

/* The BOM is dropped, not kept as the title's first character. */
static void check_bom(const char *site, const char *out)
{
    char *html = page(out, "a/index.html");
    cr_assert(strstr(html, "<title>Bom | ") && strstr(html, "<h1>Bom</h1>"),
              "the title is not \"Bom\":\n%s", html);
    cr_assert(!strstr(html, "\xef\xbb\xbf"), "the BOM reached the output");
}

static void check_crlf(const char *site, const char *out)
{
    char *html = page(out, "a/index.html");
    cr_assert(strstr(html, "<title>Crlf | ") && strstr(html, "<h1>Crlf</h1>"),
              "the title is not \"Crlf\":\n%s", html);
    cr_assert(strstr(html, "<p>body</p>") && strstr(html, "<p>more</p>"),
              "the body's paragraphs are wrong:\n%s", html);
    cr_assert(!strchr(html, '\r'), "a CR reached the output");
}

static void check_many_files(const char *site, const char *out)
{
    char *first = page(out, "many/p00001/index.html");
    cr_assert(strstr(first, "<h1>P1</h1>"), "many/p00001 is wrong:\n%s", first);
    char *last = page(out, e2e_fmt("many/p%05d/index.html", MANY));
    cr_assert(strstr(last, e2e_fmt("<h1>P%d</h1>", MANY)), "the last page is wrong:\n%s", last);
    /* one directory per page, all of them (besides index.html and the
     * section's pagination in page/) */
    DIR *d = opendir(e2e_fmt("%s/many", out));
    cr_assert(d, "no %s/many", out);
    int pages = 0;
    for (struct dirent *e; (e = readdir(d));)
        pages += e->d_name[0] == 'p' && e->d_name[1] >= '0' && e->d_name[1] <= '9';
    closedir(d);
    cr_assert_eq(pages, MANY, "%d pages under many/, expected %d", pages, MANY);
}

/* Safe mode (the default): no script, event handler or javascript: URL of
 * the page's survives, however it is spelled. */
static void check_safe_mode(const char *site, const char *out)
{
    char *html = page(out, "a/index.html");
    for (int i = 1; i <= 7; i++)
        cr_assert(!strstr(html, e2e_fmt("alert(%d)", i)), "alert(%d) reached the output:\n%s", i,
                  html);
    cr_assert(!e2e_match(html, "<script>alert", REG_ICASE), "a <script> of the page:\n%s", html);
    cr_assert(!e2e_match(html, "href=\"[[:space:]]*javascript:", REG_ICASE),
              "a javascript: link:\n%s", html);
    cr_assert(!e2e_match(html, "onerror", REG_ICASE), "an event handler:\n%s", html);
    cr_assert(strstr(html, "<!-- raw HTML omitted -->"), "raw HTML was not replaced:\n%s", html);
}

/* ---- the tree listing ---------------------------------------------------------------------- */

typedef struct {
    char *path; /* relative to the root */
    char type;  /* f d l o */
    long long size, mtime_ns;
    uint64_t hash; /* FNV-1a of a regular file's bytes; 0 over 1 MiB */
} entry_t;

typedef struct {
    entry_t *e;
    size_t n, cap;
} listing_t;

/* nftw has no user pointer: the listing being filled and its root. */
static listing_t *walk_into;
static size_t walk_root_len;

static uint64_t file_hash(const char *path, long long size)
{
    uint64_t h = 1469598103934665603ull;
    if (size > (1 << 20))
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 1;
    unsigned char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 1099511628211ull;
    close(fd);
    return h;
}

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    listing_t *l = walk_into;
    if (strlen(path) <= walk_root_len)
        return 0; /* the root itself */
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->e = realloc(l->e, l->cap * sizeof *l->e);
        cr_assert(l->e, "out of memory");
    }
    entry_t *e = &l->e[l->n++];
    e->path = strdup(path + walk_root_len + 1);
    cr_assert(e->path, "out of memory");
    e->type = S_ISREG(st->st_mode) ? 'f' : S_ISDIR(st->st_mode) ? 'd' : S_ISLNK(st->st_mode) ? 'l'
                                                                                              : 'o';
    e->size = e->type == 'd' ? 0 : (long long)st->st_size;
    e->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    e->hash = e->type == 'f' ? file_hash(path, e->size) : 0;
    return 0;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry_t *)a)->path, ((const entry_t *)b)->path);
}

static listing_t list_tree(const char *root)
{
    listing_t l = {0};
    walk_into = &l;
    walk_root_len = strlen(root);
    cr_assert(nftw(root, walk_one, 64, FTW_PHYS) == 0, "nftw %s: %s", root, strerror(errno));
    qsort(l.e, l.n, sizeof *l.e, entry_cmp);
    return l;
}

static void listing_free(listing_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->e[i].path);
    free(l->e);
    l->e = NULL;
    l->n = l->cap = 0;
}

/* Whether rel is dir or below it. */
static bool under(const char *rel, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(rel, dir, n) == 0 && (rel[n] == '\0' || rel[n] == '/');
}

static bool same(const entry_t *a, const entry_t *b)
{
    /* A directory's mtime changes with what is in it, which is listed on
     * its own; the rest must be equal to the nanosecond and the byte. */
    return a->type == b->type && a->size == b->size && a->hash == b->hash &&
           (a->type == 'd' || a->mtime_ns == b->mtime_ns);
}

typedef struct {
    char *text;
    size_t len, cap;
} report_t;

static void report_line(report_t *r, const char *what, const entry_t *e)
{
    char line[4200];
    int n = snprintf(line, sizeof line, "  %s %s (%c, %lld bytes)\n", what, e->path, e->type,
                     e->size);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = sizeof line - 1;
    if (r->len + (size_t)n + 1 > r->cap) {
        r->cap = (r->len + (size_t)n + 1) * 2;
        r->text = realloc(r->text, r->cap);
        cr_assert(r->text, "out of memory");
    }
    memcpy(r->text + r->len, line, (size_t)n + 1);
    r->len += (size_t)n;
}

/* Appends to *report one line per path that appeared, vanished or changed
 * between before and after and for which counts(path) is true.  Both
 * listings are sorted by path. */
static void diff_listings(const listing_t *before, const listing_t *after,
                          bool (*counts)(const char *path), report_t *report)
{
    size_t i = 0, j = 0;
    while (i < before->n || j < after->n) {
        int c = i == before->n  ? 1
              : j == after->n   ? -1
                                : strcmp(before->e[i].path, after->e[j].path);
        if (c < 0) {
            if (counts(before->e[i].path))
                report_line(report, "removed", &before->e[i]);
            i++;
        } else if (c > 0) {
            if (counts(after->e[j].path))
                report_line(report, "new", &after->e[j]);
            j++;
        } else {
            if (!same(&before->e[i], &after->e[j]) && counts(after->e[j].path))
                report_line(report, "changed", &after->e[j]);
            i++;
            j++;
        }
    }
}

/* ---- running a row --------------------------------------------------------------------------- */

/* Paths relative to the temporary root. */
#define SITE_REL "site"
#define OUT_REL "site/public"
#define STATE_REL "site/.bengal"

/* OUT.staging, beside the output, is the output's too: the previous
 * output kept as the standby, or the files a failed build staged, which
 * the next build patches (coordinator/output.h). */
static bool outside_out_and_state(const char *rel)
{
    return !under(rel, OUT_REL) && !under(rel, OUT_REL ".staging") && !under(rel, STATE_REL);
}

static bool in_out(const char *rel)
{
    return under(rel, OUT_REL);
}

static void write_under(const char *site, const char *rel, const char *content)
{
    char *path = e2e_fmt("%s/%s", site, rel);
    /* mkdir -p of the parent */
    for (char *p = path + strlen(site) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path,
                  strerror(errno));
        *p = '/';
    }
    e2e_write_str(path, content);
}

/* Whether the extended regex re (REG_NEWLINE: '.' stays on its line)
 * matches all of text, not just a part: e2e_match() would accept a
 * message with more lines around it. */
static bool whole_match(const char *text, const char *re)
{
    regex_t rx;
    regmatch_t m;
    cr_assert(regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE) == 0, "bad regex in test: %s", re);
    bool ok = regexec(&rx, text, 1, &m, 0) == 0 && m.rm_so == 0 &&
              (size_t)m.rm_eo == strlen(text);
    regfree(&rx);
    return ok;
}

/* "@" in s replaced by rep. */
static char *subst(const char *s, const char *rep)
{
    size_t n = 1, rl = strlen(rep);
    for (const char *p = s; *p; p++)
        n += *p == '@' ? rl : 1;
    char *out = e2e_own(malloc(n)), *o = out;
    for (const char *p = s; *p; p++) {
        if (*p == '@') {
            memcpy(o, rep, rl);
            o += rl;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static void build(const char *site, const char *const *args, e2e_run_t *r)
{
    const char *argv[E2E_MAX_ARGS + 1];
    int n = 0;
    argv[n++] = e2e_bin();
    for (int i = 0; args[i]; i++)
        argv[n++] = strcmp(args[i], "@") == 0 ? site : args[i];
    argv[n] = NULL;
    e2e_run(r, argv);
    e2e_assert_no_crash(r);
}

static void run_row(const hostile_row_t *row)
{
    char *root = e2e_tmpdir();
    char *site = e2e_fmt("%s/" SITE_REL, root);
    char *out = e2e_fmt("%s/" OUT_REL, root);
    e2e_run_t r;

    cr_assert(mkdir(site, 0755) == 0, "mkdir %s: %s", site, strerror(errno));
    write_under(site, "content/a.md", GOOD_MD);
    /* A build that fails must leave the last good output as it was: make
     * one first. */
    if (row->exit != 0) {
        static const char *const good_args[] = {"-q", "@", NULL};
        build(site, good_args, &r);
        cr_assert_eq(r.status, 0, "[%s] the good site did not build: %s", row->name, r.err);
        e2e_run_free(&r);
        cr_assert(e2e_exists(e2e_fmt("%s/a/index.html", out)), "[%s] no good output",
                  row->name);
    }

    for (int i = 0; i < 3 && row->files[i].path; i++)
        write_under(site, row->files[i].path, row->files[i].content);
    if (row->make)
        row->make(site);

    listing_t before = list_tree(root);
    build(site, row->args, &r);
    listing_t after = list_tree(root);

    cr_assert_eq(r.status, row->exit, "[%s] exit %d, expected %d; stderr:\n%s", row->name,
                 r.status, row->exit, r.err);
    if (row->err_re) {
        char *re = subst(row->err_re, e2e_re_escape(site));
        cr_assert(whole_match(r.err, re), "[%s] stderr is not /%s/:\n%s", row->name, re, r.err);
    } else {
        cr_assert(r.err_len == 0, "[%s] expected nothing on stderr, got:\n%s", row->name, r.err);
    }

    report_t outside = {0}, published = {0};
    diff_listings(&before, &after, outside_out_and_state, &outside);
    cr_assert(outside.len == 0, "[%s] the build wrote outside %s and %s:\n%s", row->name,
              OUT_REL, STATE_REL, outside.text);
    if (row->exit != 0) {
        diff_listings(&before, &after, in_out, &published);
        cr_assert(published.len == 0, "[%s] the failed build changed the published output:\n%s",
                  row->name, published.text);
    } else if (row->check) {
        row->check(site, out);
    }
    free(outside.text);
    free(published.text);
    listing_free(&before);
    listing_free(&after);
    e2e_run_free(&r);
    /* The 100 MB page (a hole, but still a file a full disk may not want). */
    unlink(e2e_fmt("%s/content/big.md", site));
}

ParameterizedTestParameters(hostile, sites)
{
    static int idx[NROWS];
    for (size_t i = 0; i < NROWS; i++)
        idx[i] = (int)i;
    return cr_make_param_array(int, idx, NROWS);
}

ParameterizedTest(int *i, hostile, sites)
{
    run_row(&rows[*i]);
}
