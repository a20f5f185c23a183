/*
 * tests/e2e/new_test.c - `bengal-farm new SITE`, end to end.
 *
 * The starter site must build cleanly under --strict with no output on
 * stderr at all (a new user's first build shows no warning), and produce
 * its pages, tag pages and search index.  `new` must never write into a
 * directory that holds anything, and must follow the CLI's usage rules
 * (exit 2 without SITE, --help on stdout with exit 0).
 */
#include "tests/e2e/helpers.h"

TestSuite(new, .fini = e2e_cleanup, .timeout = 60);

/* Runs `new dir` and checks it succeeded with its one-line message. */
static void new_ok(const char *dir)
{
    e2e_run_t r;
    e2e_bf(&r, "new", dir, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "new %s failed:\n%s", dir, r.err);
    cr_assert_str_eq(r.err, "");
    cr_assert_str_eq(r.out, e2e_fmt("created %s; build it with: bengal-farm %s\n", dir, dir));
    e2e_run_free(&r);
}

Test(new, builds_strict_without_warnings)
{
    char *site = e2e_fmt("%s/mysite", e2e_tmpdir()); /* missing: new makes it */
    new_ok(site);
    static const char *const files[] = {
        "bengal.yaml", "content/_index.md", "content/docs/_index.md",
        "content/docs/getting-started.md", "content/docs/configuration.md",
        "content/guides/_index.md", "content/guides/first-page.md",
        "content/guides/publishing.md", "static/logo.svg",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        cr_assert(e2e_exists(e2e_fmt("%s/%s", site, files[i])), "new did not write %s", files[i]);

    e2e_run_t r;
    e2e_bf(&r, "-j2", "--strict", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "strict build of the new site failed:\n%s", r.err);
    cr_assert_str_eq(r.err, "", "the new site builds with warnings:\n%s", r.err);
    /* 4 pages + 3 section lists (home, docs, guides) + 2 taxonomies + 5 tags
     * (setup, basics, reference, writing, deploy) + 404.html + search */
    cr_assert(strstr(r.out, "built 16 pages in "), "%s", r.out);
    e2e_run_free(&r);

    char *gs = e2e_out_file(site, "docs/getting-started/index.html");
    cr_assert(strstr(gs, "<table>"), "no table:\n%s", gs);
    cr_assert(strstr(gs, "<div class=\"admonition tip\">"), "no tip admonition:\n%s", gs);
    cr_assert(strstr(gs, "class=\"xref\" href=\"/docs/configuration/\">Configuration</a>"),
              "cross-reference not resolved:\n%s", gs);
    cr_assert(strstr(gs, "<code class=\"language-sh\">"), "no code block:\n%s", gs);
    /* params.logo: the top bar shows the published static/logo.svg */
    cr_assert(strstr(gs, "<a class=\"site-title\" href=\"/\"><img class=\"site-logo\" "
                         "src=\"/logo.svg\" alt=\"\">My Docs</a>"),
              "no logo in the top bar:\n%s", gs);
    cr_assert(e2e_exists(e2e_fmt("%s/public/logo.svg", site)));
    cr_assert(e2e_exists(e2e_fmt("%s/public/index.html", site)));
    cr_assert(e2e_exists(e2e_fmt("%s/public/docs/configuration/index.html", site)));
    cr_assert(e2e_exists(e2e_fmt("%s/public/guides/index.html", site)));
    cr_assert(e2e_exists(e2e_fmt("%s/public/guides/first-page/index.html", site)));
    cr_assert(e2e_exists(e2e_fmt("%s/public/guides/publishing/index.html", site)));

    char *tags = e2e_out_file(site, "tags/index.html");
    cr_assert(strstr(tags, "/tags/basics/"), "%s", tags);
    char *basics = e2e_out_file(site, "tags/basics/index.html");
    cr_assert(strstr(basics, "/docs/getting-started/") && strstr(basics, "/guides/first-page/"),
              "%s", basics);
    cr_assert(e2e_exists(e2e_fmt("%s/public/tags/deploy/index.html", site)));

    char *index = e2e_out_file(site, "index.json");
    cr_assert(strstr(index, "\"url\":\"/docs/getting-started/\""), "%s", index);
    cr_assert(strstr(index, "\"date\":\"2024-01-15T00:00:00Z\""), "%s", index);
}

Test(new, into_empty_directory)
{
    char *site = e2e_tmpdir(); /* exists and is empty: allowed */
    new_ok(site);
    cr_assert(e2e_exists(e2e_fmt("%s/bengal.yaml", site)));
}

Test(new, refuses_non_empty_directory)
{
    char *site = e2e_tmpdir();
    char *keep = e2e_fmt("%s/bengal.yaml", site);
    e2e_write_file(keep, "title: Mine\n", 12);
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "status %d:\n%s", r.status, r.err);
    cr_assert(strstr(r.err, "error: refusing to create a site here: the directory is not empty"),
              "%s", r.err);
    cr_assert_str_eq(r.out, "");
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_own_file(keep, NULL), "title: Mine\n", "an existing file was changed");
    cr_assert(!e2e_exists(e2e_fmt("%s/content", site)), "new wrote into a non-empty directory");

    /* A non-empty directory again: a dot file counts too. */
    char *dot = e2e_tmpdir();
    e2e_write_file(e2e_fmt("%s/.git", dot), "", 0);
    e2e_bf(&r, "new", dot, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    e2e_run_free(&r);
}

Test(new, refuses_a_file)
{
    char *file = e2e_fmt("%s/file", e2e_tmpdir());
    e2e_write_file(file, "x", 1);
    e2e_run_t r;
    e2e_bf(&r, "new", file, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "is not a directory"), "%s", r.err);
    e2e_run_free(&r);
}

Test(new, usage)
{
    e2e_run_t r;
    e2e_bf(&r, "new", NULL);
    cr_assert_eq(r.status, 2, "new without SITE: status %d", r.status);
    /* one line that says what is wrong and where help is, not the help */
    cr_assert(strstr(r.err, "bengal-farm: error: new needs 1 SITE directory, got 0; see "
                            "\"bengal-farm new --help\""), "%s", r.err);
    cr_assert_null(strchr(r.err, '\n') == NULL ? NULL : strchr(strchr(r.err, '\n') + 1, '\n'),
                   "more than one line: %s", r.err);
    cr_assert_str_eq(r.out, "");
    e2e_run_free(&r);

    char *d = e2e_tmpdir();
    e2e_bf(&r, "new", e2e_fmt("%s/a", d), e2e_fmt("%s/b", d), NULL);
    cr_assert_eq(r.status, 2, "new with two SITEs: status %d", r.status);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(e2e_fmt("%s/a", d)) && !e2e_exists(e2e_fmt("%s/b", d)));

    e2e_bf(&r, "new", "--bogus", NULL);
    cr_assert_eq(r.status, 2, "status %d", r.status);
    e2e_run_free(&r);

    e2e_bf(&r, "new", "--help", NULL);
    cr_assert_eq(r.status, 0, "new --help: status %d", r.status);
    cr_assert(strncmp(r.out, "usage: bengal-farm new SITE\n", 28) == 0, "%s", r.out);
    cr_assert_str_eq(r.err, "");
    e2e_run_free(&r);

    e2e_bf(&r, "--help", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(e2e_match(r.out, "\n  new +create a starter documentation site", 0), "%s", r.out);
    e2e_run_free(&r);
}

/* The starter site sets only params its theme reads: every key under
 * params: in its bengal.yaml (set or shown commented out) is read by a
 * template of the embedded theme as site.params.KEY. */
Test(new, starter_params_are_read_by_the_theme)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *cfg = e2e_own_file(e2e_fmt("%s/bengal.yaml", site), NULL);
    const char *p = strstr(cfg, "\nparams:\n");
    cr_assert(p, "%s", cfg);
    int keys = 0;
    for (p = strchr(p + 1, '\n') + 1; *p == ' ' || *p == '\n'; p = strchr(p, '\n') + 1) {
        const char *k = p + 2;
        if (*k == '#')
            k += 2; /* an example left commented out */
        size_t n = strspn(k, "abcdefghijklmnopqrstuvwxyz_");
        if (p[0] == ' ' && p[1] == ' ' && n && k[n] == ':') {
            char *key = e2e_fmt("params.%.*s", (int)n, k);
            e2e_runl(&r, "grep", "-rqF", key, e2e_fmt("%s/worker/theme", e2e_top()), NULL);
            cr_assert_eq(r.status, 0, "the starter sets %s, which no theme template reads", key);
            e2e_run_free(&r);
            keys++;
        }
        if (!strchr(p, '\n'))
            break;
    }
    cr_assert_geq(keys, 3, "%s", cfg);
}
