/*
 * tests/e2e/cli_test.c - the command line, end to end.
 *
 * Runs the real binary ($BF_BIN) against a copy of tests/sites/docs in a
 * temporary directory: help and usage errors, version, `snapshot build`
 * (summary line, page counts, drafts and future pages, determinism) and
 * `snapshot dump` (text golden file, JSON that parses, refusal of damaged
 * files).  The CLI contract these tests pin is in README.md and
 * man/bengal-farm.1.
 *
 * Every test runs with SOURCE_DATE_EPOCH=1700000000 (2023-11-14) unless it
 * says otherwise, so "now" does not depend on the machine: every dated page
 * of the fixture is older than that, except content/docs/future.md (2099).
 *
 * Golden file: tests/sites/docs.dump.golden is the text dump of the
 * fixture.  After an intended change to the format or the fixture,
 * regenerate it with `BF_UPDATE_GOLDEN=1 make check` and review the diff.
 */
#include "tests/e2e/helpers.h"

/*
 * What tests/sites/docs contains, and so what `snapshot build` must count.
 *
 * Regular pages (9): docs/intro, docs/install, docs/guide/a, docs/guide/b,
 *   docs/guide/c, docs/guide/bundle (leaf bundle: index.md; its png and csv
 *   are resources, not pages), blog/release-1-4, blog/faster-builds, about
 *   (no front matter).  Not counted: content/.hidden.md (dot file, skipped),
 *   docs/draft.md (draft), docs/future.md (dated 2099).
 * Sections (4): the root (home), docs, docs/guide, and blog (a directory
 *   without _index.md is still a section).  Each has one list page: 4 pages.
 * Taxonomies (2, the defaults): tags and categories, one page each: 2 pages.
 * Terms (7), one page each:
 *   tags: setup (install, a), cli (a, b, release-1-4), config (b, c),
 *         release (both posts), performance (faster-builds)   -> 5
 *   categories: guides (a, b), reference (c)                   -> 2
 * Made by the build (2): /404.html and /search/.
 * Pages = 9 + 4 + 2 + 7 + 2 = 24.
 * draft.md and future.md have no tags or categories, so --drafts and
 * --future each add exactly one page and no term.
 * Menus: one (main) with 5 items (Docs with 2 children, Blog, GitHub).
 */
#define DOCS_REGULAR 9
#define DOCS_SECTIONS 4
#define DOCS_TAXONOMIES 2
#define DOCS_TERMS 7
#define DOCS_SPECIAL 2 /* 404.html, search/ */
#define DOCS_PAGES (DOCS_REGULAR + DOCS_SECTIONS + DOCS_TAXONOMIES + DOCS_TERMS + DOCS_SPECIAL)
_Static_assert(DOCS_PAGES == 24, "the docs fixture has 24 pages");
#define DOCS_MENUS 1
#define DOCS_MENU_ITEMS 5

#define EPOCH "1700000000"

static void setup(void)
{
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH, 1) == 0);
}

TestSuite(cli, .init = setup, .fini = e2e_cleanup, .timeout = 60);

/* Runs `snapshot build [opt1] [opt2] site` (options may be NULL) and checks
 * that it succeeded; returns the run for the caller to inspect. */
static e2e_run_t build(const char *site, const char *opt1, const char *opt2)
{
    const char *argv[8];
    int n = 0;
    e2e_run_t r;

    argv[n++] = e2e_bin();
    argv[n++] = "snapshot";
    argv[n++] = "build";
    if (opt1)
        argv[n++] = opt1;
    if (opt2)
        argv[n++] = opt2;
    argv[n++] = site;
    argv[n] = NULL;
    e2e_run(&r, argv);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "snapshot build %s %s %s: exit %d, stderr:\n%s", opt1 ? opt1 : "",
                 opt2 ? opt2 : "", site, r.status, r.err);
    return r;
}

/* Asserts the summary line's counts. */
static void assert_counts(const e2e_run_t *r, int pages, int sections, int terms)
{
    char *re = e2e_fmt("^snapshot: %d pages, %d sections, %d terms, [0-9]+ waves -> ", pages,
                       sections, terms);

    cr_assert(e2e_match(r->out, re, 0), "expected a summary matching /%s/, got stdout:\n%s", re,
              r->out);
}

static void assert_help(const char *a1, const char *a2, const char *a3)
{
    e2e_run_t r;

    e2e_bf(&r, a1, a2, a3, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "`bengal-farm %s %s %s`: exit %d, stderr:\n%s", a1, a2 ? a2 : "",
                 a2 && a3 ? a3 : "", r.status, r.err);
    cr_assert(e2e_match(r.out, "usage", REG_ICASE),
              "`bengal-farm %s %s %s`: no \"usage\" on stdout:\n%s", a1, a2 ? a2 : "",
              a2 && a3 ? a3 : "", r.out);
    e2e_run_free(&r);
}

Test(cli, help_top_level)
{
    assert_help("--help", NULL, NULL);
    assert_help("help", NULL, NULL);
}

Test(cli, help_after_every_command)
{
    assert_help("snapshot", "--help", NULL);
    assert_help("snapshot", "build", "--help");
    assert_help("snapshot", "dump", "--help");
    assert_help("build", "--help", NULL);
    assert_help("version", "--help", NULL);
}

/* A usage error: exit 2, a message on stderr, nothing built. */
static void assert_usage_error(const char *what, e2e_run_t *r)
{
    e2e_assert_no_crash(r);
    cr_assert_eq(r->status, 2, "%s: expected exit 2 (usage), got %d; stderr:\n%s", what, r->status,
                 r->err);
    cr_assert(r->err_len > 0, "%s: a usage error must say what is wrong on stderr", what);
}

Test(cli, unknown_option_is_usage_error)
{
    e2e_run_t r;
    char *site = e2e_site("docs");

    e2e_bf(&r, "--no-such-option", NULL);
    assert_usage_error("bengal-farm --no-such-option", &r);
    e2e_run_free(&r);

    e2e_bf(&r, "snapshot", "build", "--no-such-option", site, NULL);
    assert_usage_error("snapshot build --no-such-option", &r);
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal/snapshot.bfs", site)),
              "a usage error must not build anything");
    e2e_run_free(&r);

    e2e_bf(&r, "snapshot", "dump", "--no-such-option", "x.bfs", NULL);
    assert_usage_error("snapshot dump --no-such-option", &r);
    e2e_run_free(&r);
}

Test(cli, unknown_command_is_usage_error)
{
    e2e_run_t r;

    e2e_bf(&r, "snapshot", "frobnicate", NULL);
    assert_usage_error("bengal-farm snapshot frobnicate", &r);
    e2e_run_free(&r);
}

Test(cli, dump_without_file_is_usage_error)
{
    e2e_run_t r;

    e2e_bf(&r, "snapshot", "dump", NULL);
    assert_usage_error("bengal-farm snapshot dump", &r);
    e2e_run_free(&r);

    e2e_bf(&r, "snapshot", "dump", "--json", NULL);
    assert_usage_error("bengal-farm snapshot dump --json", &r);
    e2e_run_free(&r);
}

Test(cli, version)
{
    e2e_run_t a, b;

    e2e_bf(&a, "version", NULL);
    e2e_assert_no_crash(&a);
    cr_assert_eq(a.status, 0, "version: exit %d", a.status);
    cr_assert(e2e_match(a.out, "^bengal-farm [0-9]+\\.[0-9]+\\.[0-9]+\n", 0),
              "version: the first line is not \"bengal-farm X.Y.Z\": %s", a.out);
    /* then the highlighting languages, one a line with its grammar, or
     * the one line that says there are none */
    cr_assert(strstr(a.out, "\nhighlighting: no grammar compiled in") ||
                  e2e_match(a.out, "\n(highlighting:| {13}) python +tree-sitter-python [0-9.]+\n",
                            0),
              "version: no highlighting languages:\n%s", a.out);

    e2e_bf(&b, "--version", NULL);
    e2e_assert_no_crash(&b);
    cr_assert_eq(b.status, 0, "--version: exit %d", b.status);
    cr_assert_str_eq(b.out, a.out, "`version` and `--version` differ");
    e2e_run_free(&a);
    e2e_run_free(&b);
}

Test(cli, snapshot_build_docs)
{
    char *site = e2e_site("docs");
    e2e_run_t r = build(site, NULL, NULL);

    cr_assert_eq(e2e_count_lines(r.out), 1, "one summary line expected on stdout:\n%s", r.out);
    assert_counts(&r, DOCS_PAGES, DOCS_SECTIONS, DOCS_TERMS);
    char *re = e2e_fmt("^snapshot: [0-9]+ pages, [0-9]+ sections, [0-9]+ terms, [0-9]+ waves -> "
                       "%s/\\.bengal/snapshot\\.bfs \\([^)]+\\) in [0-9]+(\\.[0-9]+)? s$",
                       e2e_re_escape(site));
    cr_assert(e2e_match(r.out, re, 0), "summary line does not match /%s/:\n%s", re, r.out);
    cr_assert(!strstr(r.err, "error"), "the docs fixture has no errors, stderr:\n%s", r.err);

    size_t len = 0;
    char *snap = e2e_own_file(e2e_fmt("%s/.bengal/snapshot.bfs", site), &len);
    cr_assert(snap, "SITE/.bengal/snapshot.bfs was not written");
    cr_assert(len > 432 && memcmp(snap, "BFSNAP\r\n", 8) == 0,
              "snapshot.bfs does not start with the snapshot magic");
    e2e_run_free(&r);
}

/* --strict turns warnings into errors: the fixture must have none. */
Test(cli, snapshot_build_docs_strict_quiet_verbose)
{
    char *site = e2e_site("docs");
    e2e_run_t r = build(site, "--strict", NULL);

    cr_assert_str_eq(r.err, "", "the docs fixture builds without warnings; stderr:\n%s", r.err);
    e2e_run_free(&r);
    r = build(site, "-q", NULL);
    e2e_run_free(&r);
    r = build(site, "--quiet", NULL);
    e2e_run_free(&r);
    r = build(site, "-v", NULL);
    e2e_run_free(&r);
    r = build(site, "--verbose", NULL);
    assert_counts(&r, DOCS_PAGES, DOCS_SECTIONS, DOCS_TERMS);
    e2e_run_free(&r);
}

/* Makes TMP/site with the given content files (name, text pairs, NULL to
 * end) and no bengal.yaml; returns the site path. */
static char *make_site(const char *name, ...)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    va_list ap;

    cr_assert(mkdir(site, 0755) == 0 && mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    va_start(ap, name);
    for (const char *n = name; n; n = va_arg(ap, const char *)) {
        const char *text = va_arg(ap, const char *);
        e2e_write_file(e2e_fmt("%s/content/%s", site, n), text, strlen(text));
    }
    va_end(ap);
    return site;
}

/* DESIGN §3: a bare content/ folder builds.  No config, no front matter:
 * the default taxonomies exist but have no terms.  Their list pages exist
 * anyway, as in Hugo: 1 page + home + /tags/ + /categories/ + 404 +
 * search = 6 pages. */
Test(cli, snapshot_build_bare_content_folder)
{
    char *site = make_site("a.md", "# Just a page\n\nNo front matter, no config.\n", NULL);
    e2e_run_t r = build(site, NULL, NULL);

    assert_counts(&r, 6, 1, 0);
    e2e_run_free(&r);
    e2e_bf(&r, "snapshot", "dump", e2e_fmt("%s/.bengal/snapshot.bfs", site), NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "dump of a bare site's snapshot: exit %d:\n%s", r.status, r.err);
    e2e_run_free(&r);
}

/* Tags but no categories: one taxonomy with a term, one without.
 * 1 page + home + /tags/ + /tags/x/ + /categories/ + 404 + search = 7. */
Test(cli, snapshot_build_taxonomy_without_terms)
{
    char *site = make_site("a.md", "---\ntitle: A\ntags: [x]\n---\n\nText.\n", NULL);
    e2e_run_t r = build(site, NULL, NULL);

    assert_counts(&r, 7, 1, 1);
    e2e_run_free(&r);
}

/* SITE defaults to the current directory. */
Test(cli, snapshot_build_default_site_is_cwd)
{
    char *site = e2e_site("docs");

    cr_assert(chdir(site) == 0);
    e2e_run_t r;
    e2e_bf(&r, "snapshot", "build", NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "snapshot build in the site directory: exit %d:\n%s", r.status,
                 r.err);
    assert_counts(&r, DOCS_PAGES, DOCS_SECTIONS, DOCS_TERMS);
    cr_assert(e2e_exists(".bengal/snapshot.bfs"), "./.bengal/snapshot.bfs was not written");
    e2e_run_free(&r);
}

Test(cli, drafts_and_future_pages)
{
    char *site = e2e_site("docs");
    e2e_run_t r;

    r = build(site, "--drafts", NULL);
    assert_counts(&r, DOCS_PAGES + 1, DOCS_SECTIONS, DOCS_TERMS);
    e2e_run_free(&r);

    r = build(site, "--future", NULL);
    assert_counts(&r, DOCS_PAGES + 1, DOCS_SECTIONS, DOCS_TERMS);
    e2e_run_free(&r);

    r = build(site, "--drafts", "--future");
    assert_counts(&r, DOCS_PAGES + 2, DOCS_SECTIONS, DOCS_TERMS);
    e2e_run_free(&r);

    /* Back to the default: both left out again. */
    r = build(site, NULL, NULL);
    assert_counts(&r, DOCS_PAGES, DOCS_SECTIONS, DOCS_TERMS);
    e2e_run_free(&r);
}

/* Without SOURCE_DATE_EPOCH "now" is the clock: 2099 is still the future. */
Test(cli, build_without_source_date_epoch)
{
    char *site = e2e_site("docs");

    cr_assert(unsetenv("SOURCE_DATE_EPOCH") == 0);
    e2e_run_t r = build(site, NULL, NULL);
    assert_counts(&r, DOCS_PAGES, DOCS_SECTIONS, DOCS_TERMS);
    e2e_run_free(&r);
}

/* Builds the docs fixture into a fresh copy and returns the snapshot path. */
static char *built_docs(void)
{
    char *site = e2e_site("docs");
    e2e_run_t r = build(site, NULL, NULL);

    e2e_run_free(&r);
    return e2e_fmt("%s/.bengal/snapshot.bfs", site);
}

Test(cli, dump_json_parses)
{
    if (!e2e_have("python3"))
        cr_skip_test("python3 is not installed");
    char *snap = built_docs();
    e2e_run_t r;

    e2e_bf(&r, "snapshot", "dump", "--json", snap, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "dump --json: exit %d:\n%s", r.status, r.err);
    char *json = e2e_fmt("%s.json", snap);
    e2e_write_file(json, r.out, r.out_len);
    e2e_run_free(&r);

    e2e_runl(&r, "python3", "-m", "json.tool", json, NULL);
    cr_assert_eq(r.status, 0, "dump --json is not valid JSON: %s", r.err);
    e2e_run_free(&r);

    /* The top-level keys, and one entry per record. */
    static const char count_py[] =
        "import json, sys\n"
        "d = json.load(open(sys.argv[1]))\n"
        "keys = ['site', 'pages', 'sections', 'taxonomies', 'terms', 'menus',\n"
        "        'menu_items', 'waves']\n"
        "missing = [k for k in keys if k not in d]\n"
        "if missing: sys.exit('missing keys: %s' % missing)\n"
        "print(len(d['pages']), len(d['sections']), len(d['taxonomies']),\n"
        "      len(d['terms']), len(d['menus']), len(d['menu_items']))\n";
    e2e_runl(&r, "python3", "-c", count_py, json, NULL);
    cr_assert_eq(r.status, 0, "JSON check failed: %s", r.err);
    char *want = e2e_fmt("%d %d %d %d %d %d\n", DOCS_PAGES, DOCS_SECTIONS, DOCS_TAXONOMIES,
                         DOCS_TERMS, DOCS_MENUS, DOCS_MENU_ITEMS);
    cr_assert_str_eq(r.out, want,
                     "pages sections taxonomies terms menus menu_items: got %s, want %s", r.out,
                     want);
    e2e_run_free(&r);
}

/* What discovery made of the fixture, read back through the JSON dump:
 * every page's URL (slug, url:, leaf bundle, a section without _index.md,
 * taxonomy and term pages), titles from a heading, cascade, aliases. */
Test(cli, dump_json_urls_and_fields)
{
    if (!e2e_have("python3"))
        cr_skip_test("python3 is not installed");
    char *snap = built_docs();
    e2e_run_t r;

    e2e_bf(&r, "snapshot", "dump", "--json", snap, NULL);
    cr_assert_eq(r.status, 0, "dump --json: exit %d:\n%s", r.status, r.err);
    char *json = e2e_fmt("%s.json", snap);
    e2e_write_file(json, r.out, r.out_len);
    e2e_run_free(&r);

    static const char check_py[] =
        "import json, sys\n"
        "d = json.load(open(sys.argv[1]))\n"
        "pages = d['pages']\n"
        "urls = sorted(p['url'] for p in pages)\n"
        "want = sorted(['/', '/about/', '/docs/', '/docs/intro/', '/docs/install/',\n"
        "  '/docs/guide/', '/docs/guide/a/', '/docs/guide/configuration/',\n"
        "  '/custom/path/', '/docs/guide/bundle/', '/blog/', '/blog/release-1-4/',\n"
        "  '/blog/faster-builds/', '/tags/', '/tags/setup/', '/tags/cli/',\n"
        "  '/tags/config/', '/tags/release/', '/tags/performance/', '/categories/',\n"
        "  '/categories/guides/', '/categories/reference/', '/404.html', '/search/'])\n"
        "if urls != want:\n"
        "    sys.exit('urls differ:\\n  extra %s\\n  missing %s' % (\n"
        "        sorted(set(urls) - set(want)), sorted(set(want) - set(urls))))\n"
        "by = {p['source']: p for p in pages if p['source']}\n"
        "def check(cond, what):\n"
        "    if not cond: sys.exit(what)\n"
        "check(not any('.hidden' in s or 'draft' in s or 'future' in s for s in by),\n"
        "      'hidden, draft or future page present: %s' % sorted(by))\n"
        "about = by['content/about.md']\n"
        "check(about['title'] == 'About this site', 'about title: %r' % about['title'])\n"
        "a = by['content/docs/guide/a.md']\n"
        "check(sorted(a['aliases']) == ['/guide/writing-pages/', '/old/writing/'],\n"
        "      'aliases of a.md: %r' % a['aliases'])\n"
        "check(a['ref_id'] == 'writing', 'ref_id of a.md: %r' % a['ref_id'])\n"
        "check(by['content/docs/intro.md']['type'] == 'docs', 'cascade type not applied')\n"
        "check(by['content/blog/faster-builds.md']['type'] != 'docs', 'cascade leaked')\n"
        "res = by['content/docs/guide/bundle/index.md']['resources']\n"
        "check(sorted(x.rsplit('/', 1)[-1] for x in res) == ['data.csv', 'diagram.png'],\n"
        "      'bundle resources: %r' % res)\n"
        "print('ok')\n";
    e2e_runl(&r, "python3", "-c", check_py, json, NULL);
    cr_assert_eq(r.status, 0, "JSON content check failed: %s%s", r.out, r.err);
    cr_assert_str_eq(r.out, "ok\n");
    e2e_run_free(&r);
}

/* Same site, same SOURCE_DATE_EPOCH: the same bytes. */
Test(cli, snapshot_is_deterministic)
{
    char *site = e2e_site("docs");
    char *path = e2e_fmt("%s/.bengal/snapshot.bfs", site);
    size_t n1 = 0, n2 = 0;

    e2e_run_t r = build(site, NULL, NULL);
    e2e_run_free(&r);
    char *first = e2e_own_file(path, &n1);
    cr_assert(first, "no snapshot after the first build");
    r = build(site, NULL, NULL);
    e2e_run_free(&r);
    char *second = e2e_own_file(path, &n2);
    cr_assert(second, "no snapshot after the second build");
    cr_assert(n1 == n2 && memcmp(first, second, n1) == 0,
              "two builds with SOURCE_DATE_EPOCH=" EPOCH " differ (%zu vs %zu bytes)", n1, n2);
}

/* DESIGN: output does not depend on readdir order or where the site is:
 * two copies (different directories, different inode order) give the same
 * bytes. */
Test(cli, snapshot_does_not_depend_on_site_location)
{
    char *a = built_docs(), *b = built_docs();
    size_t na = 0, nb = 0;
    char *ba = e2e_own_file(a, &na), *bb = e2e_own_file(b, &nb);

    cr_assert(ba && bb, "snapshot missing");
    cr_assert(na == nb && memcmp(ba, bb, na) == 0,
              "snapshots of two copies of the same site differ (%zu vs %zu bytes)", na, nb);
}

/* A damaged or foreign file: exit 1 with one error on stderr. */
static void assert_dump_refuses(const char *file, const char *what)
{
    e2e_run_t r;

    e2e_bf(&r, "snapshot", "dump", file, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "dump of %s: expected exit 1, got %d; stderr:\n%s", what, r.status,
                 r.err);
    cr_assert(e2e_match(r.err, "error: ", 0), "dump of %s: no error on stderr:\n%s", what, r.err);
    cr_assert_eq(e2e_count_lines(r.err), 1, "dump of %s: one error line expected:\n%s", what,
                 r.err);
    e2e_run_free(&r);

    e2e_bf(&r, "snapshot", "dump", "--json", file, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "dump --json of %s: expected exit 1, got %d", what, r.status);
    e2e_run_free(&r);
}

Test(cli, dump_refuses_damaged_files)
{
    char *snap = built_docs();
    size_t len = 0;
    char *bytes = e2e_own_file(snap, &len);
    cr_assert(bytes && len > 1000, "snapshot too small: %zu bytes", len);

    char *trunc = e2e_fmt("%s.truncated", snap);
    e2e_write_file(trunc, bytes, len / 2);
    assert_dump_refuses(trunc, "a truncated snapshot");

    char *shortf = e2e_fmt("%s.short", snap);
    e2e_write_file(shortf, bytes, 16);
    assert_dump_refuses(shortf, "the first 16 bytes of a snapshot");

    char *flip = e2e_fmt("%s.flipped", snap);
    bytes[len - 3] ^= 0x55; /* in the body: caught by the checksum */
    e2e_write_file(flip, bytes, len);
    assert_dump_refuses(flip, "a snapshot with one byte changed");

    char *yaml = e2e_fmt("%s/tests/sites/docs/bengal.yaml", e2e_top());
    assert_dump_refuses(yaml, "a YAML file");

    char *empty = e2e_fmt("%s.empty", snap);
    e2e_write_file(empty, "", 0);
    assert_dump_refuses(empty, "an empty file");

    assert_dump_refuses(e2e_fmt("%s.does-not-exist", snap), "a missing file");
}

/* Replaces every occurrence of from in s (malloc'd result). */
static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), n = 0;

    for (const char *p = s; (p = strstr(p, from)); p += fl)
        n++;
    char *out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1), *o = out;

    cr_assert(out, "out of memory");
    for (const char *p;;) {
        p = strstr(s, from);
        if (!p)
            break;
        memcpy(o, s, (size_t)(p - s));
        o += p - s;
        memcpy(o, to, tl);
        o += tl;
        s = p + fl;
    }
    strcpy(o, s);
    return out;
}

/* The text dump of the fixture, byte for byte.  The temporary site path is
 * replaced by "SITE" should the dump ever print it. */
Test(cli, dump_text_golden)
{
    char *site = e2e_site("docs");
    e2e_run_t r = build(site, NULL, NULL);
    e2e_run_free(&r);

    e2e_bf(&r, "snapshot", "dump", e2e_fmt("%s/.bengal/snapshot.bfs", site), NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "snapshot dump: exit %d:\n%s", r.status, r.err);
    cr_assert(r.out_len > 0, "snapshot dump printed nothing");
    char *got = e2e_own(replace_all(r.out, site, "SITE"));
    e2e_run_free(&r);

    char *golden = e2e_fmt("%s/tests/sites/docs.dump.golden", e2e_top());
    const char *update = getenv("BF_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        e2e_write_file(golden, got, strlen(got));
        cr_log_warn("wrote %s: review it with git diff", golden);
        return;
    }
    size_t glen = 0;
    char *want = e2e_own_file(golden, &glen);
    cr_assert(want,
              "%s does not exist: create it with `BF_UPDATE_GOLDEN=1 make check`, "
              "then review it and commit it",
              golden);

    if (strcmp(got, want) != 0) {
        /* Point at the first differing line and keep the output for diff. */
        size_t line = 1, i = 0;
        for (; got[i] && got[i] == want[i]; i++)
            line += got[i] == '\n';
        const char *actual = "/tmp/bf-docs.dump.actual";
        e2e_write_file(actual, got, strlen(got));
        cr_assert_fail("snapshot dump differs from %s at line %zu; see `diff -u %s %s`; "
                       "if the change is intended: BF_UPDATE_GOLDEN=1 make check",
                       golden, line, golden, actual);
    }
}

/* ---- a command line like its peers' (issue 13) ---- */

/* stderr is exactly one line starting "bengal-farm: error: " and holding
 * want. */
static void assert_one_error_line(const char *what, const e2e_run_t *r, const char *want)
{
    cr_assert_eq(r->status, 2, "%s: exit %d, stderr:\n%s", what, r->status, r->err);
    cr_assert(strncmp(r->err, "bengal-farm: error: ", 20) == 0, "%s: stderr:\n%s", what,
              r->err);
    const char *nl = strchr(r->err, '\n');
    cr_assert(nl && nl[1] == '\0', "%s: more than one line on stderr:\n%s", what, r->err);
    cr_assert(strstr(r->err, want), "%s: no \"%s\" in:\n%s", what, want, r->err);
}

Test(cli, unknown_command_suggests_the_closest)
{
    e2e_run_t r;
    const char *argv[] = {e2e_bin(), "buidl", NULL}; /* no such directory here */
    e2e_run(&r, argv);
    assert_one_error_line("bengal-farm buidl", &r, "unknown command \"buidl\" (did you mean "
                                                   "\"build\"?)");
    e2e_run_free(&r);
    const char *argv2[] = {e2e_bin(), "frobnicate", NULL};
    e2e_run(&r, argv2);
    assert_one_error_line("bengal-farm frobnicate", &r, "unknown command \"frobnicate\"");
    cr_assert_null(strstr(r.err, "did you mean"), "%s", r.err);
    e2e_run_free(&r);
}

Test(cli, unknown_option_suggests_the_closest)
{
    e2e_run_t r;
    e2e_bf(&r, "build", "--jbos", "2", NULL);
    assert_one_error_line("build --jbos", &r, "unknown option \"--jbos\" (did you mean "
                                              "\"--jobs\"?); see \"bengal-farm build --help\"");
    e2e_run_free(&r);
    e2e_bf(&r, "check", "-j", NULL);
    assert_one_error_line("check -j", &r, "-j needs a value");
    e2e_run_free(&r);
    e2e_bf(&r, "build", "-j", "0", NULL);
    assert_one_error_line("build -j 0", &r, "--jobs wants a number of workers");
    e2e_run_free(&r);
}

Test(cli, options_before_and_after_site)
{
    char *site = e2e_site("docs");
    char *out1 = e2e_fmt("%s/../o1", site), *out2 = e2e_fmt("%s/../o2", site);
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", "-o", out1, site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    e2e_bf(&r, "build", site, "-q", "--jobs=2", "--output", out2, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert(e2e_exists(e2e_fmt("%s/index.html", out1)) &&
              e2e_exists(e2e_fmt("%s/index.html", out2)));
    /* "--" ends the options: a site named like an option */
    e2e_bf(&r, "check", "-q", "--", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
}

Test(cli, help_for_every_command)
{
    const char *cmds[] = {"build", "check", "new", "clean", "snapshot", "markdown",
                          "template", "version", "help", "plan", "merge"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        assert_help(cmds[i], "--help", NULL);
        assert_help(cmds[i], "-h", NULL);
        assert_help("help", cmds[i], NULL);
    }
    /* the help lists every option the command takes, and the table
     * parses what the help says */
    e2e_run_t r;
    e2e_bf(&r, "build", "--help", NULL);
    const char *opts[] = {"--jobs", "--output", "--no-cache", "--cache-dir", "--precompress",
                          "--drafts", "--future", "--strict", "--environment", "--config",
                          "--baseurl", "--stats-json", "--quiet", "--shard"};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        cr_assert(strstr(r.out, opts[i]), "build --help has no %s:\n%s", opts[i], r.out);
    e2e_run_free(&r);
}

Test(cli, profile_templates_shows_only_what_it_measures)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    e2e_run_free(&r);
    e2e_bf(&r, "-q", "--profile-templates", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* templates are timed; filters are counted, not timed: no column of zeros */
    cr_assert(e2e_match(r.err, "\ntemplates +calls +total ms +us/call\n", 0), "%s", r.err);
    cr_assert(e2e_match(r.err, "\nfilters +calls\n", 0), "%s", r.err);
    e2e_run_free(&r);
}
