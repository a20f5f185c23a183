/*
 * tests/e2e/nochange_test.c - the "nothing changed" fast path
 * (coordinator/inputs.h): a rebuild whose inputs are as the last clean
 * build saw them, into the tree that build published, does nothing; any
 * change that could change the output takes the ordinary path.
 *
 * Inputs younger than two seconds are "racy" (timestamps are coarse) and
 * never recorded, so each test waits that long after copying its fixture.
 */
#include "tests/e2e/helpers.h"

#include <sys/time.h>
#include <xxhash.h>

TestSuite(nochange, .fini = e2e_cleanup, .timeout = 120);

#define NOTHING "nothing changed since the last build"

/* A build of site with the extra arguments (before SITE); 0 expected. */
static char *build(const char *site, const char *a1, const char *a2)
{
    e2e_run_t r;
    if (a2)
        e2e_bf(&r, "-j", "2", a1, a2, site, NULL);
    else if (a1)
        e2e_bf(&r, "-j", "2", a1, site, NULL);
    else
        e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *out = e2e_own(strdup(r.out));
    e2e_run_free(&r);
    return out;
}

/* A fixture whose files are old enough to be recorded. */
static char *aged_site(void)
{
    char *site = e2e_site("docs");
    usleep(2200 * 1000);
    return site;
}

Test(nochange, a_second_build_does_nothing_and_a_change_builds)
{
    char *site = aged_site();
    char *pub = e2e_fmt("%s/public", site);
    cr_assert(!strstr(build(site, NULL, NULL), NOTHING));
    char *tree = e2e_tree(pub);
    char *out = build(site, NULL, NULL);
    cr_assert(strstr(out, NOTHING), "%s", out);
    cr_assert_str_eq(e2e_tree(pub), tree);
    /* the same bytes written again (an editor's save): ctime moves */
    char *p = e2e_fmt("%s/content/_index.md", site);
    size_t len;
    char *text = e2e_read_file(p, &len);
    e2e_write_file(p, text, len);
    free(text);
    out = build(site, NULL, NULL);
    cr_assert(!strstr(out, NOTHING), "%s", out);
    cr_assert_str_eq(e2e_tree(pub), tree);
}

/* Every kind of input is looked at: a template, a data file, a static
 * file, the config. */
Test(nochange, every_input_counts)
{
    static const char *const touch[] = {"bengal.yaml", "static/robots-extra.txt",
                                        "data/new.yaml", "templates/extra.html"};
    char *site = aged_site();
    build(site, NULL, NULL);
    for (size_t i = 0; i < sizeof touch / sizeof touch[0]; i++) {
        char *f = e2e_fmt("%s/%s", site, touch[i]);
        if (i == 0) {
            size_t len;
            char *text = e2e_read_file(f, &len);
            e2e_write_file(f, text, len);
            free(text);
        } else {
            e2e_run_t r;
            e2e_runl(&r, "mkdir", "-p",
                     e2e_fmt("%s/%s", site, i == 1 ? "static" : i == 2 ? "data" : "templates"),
                     NULL);
            e2e_run_free(&r);
            e2e_write_str(f, "x: 1\n");
        }
        char *out = build(site, NULL, NULL);
        cr_assert(!strstr(out, NOTHING), "after %s: %s", touch[i], out);
    }
}

/* Options that change the output are part of the key. */
Test(nochange, options_count)
{
    char *site = aged_site();
    build(site, NULL, NULL);
    cr_assert(!strstr(build(site, "--drafts", NULL), NOTHING));
    cr_assert(!strstr(build(site, NULL, NULL), NOTHING));
    cr_assert(!strstr(build(site, "--no-cache", NULL), NOTHING));
    char *other = e2e_fmt("%s/elsewhere", e2e_tmpdir());
    cr_assert(!strstr(build(site, "-o", other), NOTHING));
}

/* The published tree must still be the one that build made. */
Test(nochange, a_replaced_output_is_built_again)
{
    char *site = aged_site();
    char *pub = e2e_fmt("%s/public", site);
    build(site, NULL, NULL);
    char *tree = e2e_tree(pub);
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c", e2e_fmt("cp -a '%s' '%s.copy' && rm -rf '%s' && mv '%s.copy' '%s'",
                                     pub, pub, pub, pub, pub), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *out = build(site, NULL, NULL);
    cr_assert(!strstr(out, NOTHING), "%s", out);
    cr_assert_str_eq(e2e_tree(pub), tree);
}

/* A page dated in the future appears when its date comes, with no file
 * changed: the record says until when it holds. */
Test(nochange, a_future_page_appears_on_its_date)
{
    char *site = aged_site();
    e2e_write_str(e2e_fmt("%s/content/soon.md", site),
                  "---\ntitle: Soon\ndate: 2030-01-02\n---\n\nsoon\n");
    usleep(2200 * 1000);
    setenv("SOURCE_DATE_EPOCH", "1893456000", 1); /* 2030-01-01 */
    build(site, NULL, NULL);
    char *out = build(site, NULL, NULL);
    cr_assert(strstr(out, NOTHING), "%s", out);
    cr_assert(!e2e_exists(e2e_fmt("%s/public/soon/index.html", site)));
    setenv("SOURCE_DATE_EPOCH", "1893628800", 1); /* 2030-01-03 */
    out = build(site, NULL, NULL);
    unsetenv("SOURCE_DATE_EPOCH");
    cr_assert(!strstr(out, NOTHING), "%s", out);
    cr_assert(e2e_exists(e2e_fmt("%s/public/soon/index.html", site)));
}

/* A build with warnings is not recorded: they are said again. */
Test(nochange, warnings_are_repeated)
{
    char *site = aged_site();
    e2e_write_str(e2e_fmt("%s/content/broken.md", site),
                  "---\ntitle: Broken\n---\n\nSee [x](no-such-page.md).\n");
    usleep(2200 * 1000);
    e2e_run_t r;
    for (int i = 0; i < 2; i++) {
        e2e_bf(&r, "-j", "2", site, NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        cr_assert(!strstr(r.out, NOTHING), "%s", r.out);
        cr_assert(strstr(r.err, "no-such-page"), "run %d: %s", i, r.err);
        e2e_run_free(&r);
    }
}

/* Not "nothing", but not everything either: after one page's body is
 * edited, the other regular pages are reused, not rendered
 * (coordinator/pagecache.h), and the tree is a clean build's. */
Test(nochange, one_edit_renders_one_regular_page)
{
    char *site = e2e_site("docs");
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    build(site, NULL, NULL);
    build(site, NULL, NULL); /* now with a standby and a page cache */
    char *p = e2e_fmt("%s/content/docs/guide/b.md", site);
    size_t len;
    char *text = e2e_read_file(p, &len);
    cr_assert(text, "the fixture changed: %s", p);
    e2e_write_file(p, e2e_fmt("%s\nOne more line.\n", text), len + 16);
    free(text);
    build(site, "--stats-json", stats);
    char *json = e2e_own_file(stats, NULL);
    unsigned rendered = 0, reused = 0;
    const char *r1 = strstr(json, "\"pages_rendered\": "), *r2 = strstr(json, "\"pages_reused\": ");
    cr_assert(r1 && r2, "%s", json);
    sscanf(r1 + 18, "%u", &rendered);
    sscanf(r2 + 16, "%u", &reused);
    cr_assert_gt(reused, 5, "%s", json);
    cr_assert_lt(rendered, 24 - 5, "%s", json);
    /* and the result is a clean build's */
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), e2e_clean_tree(site, NULL));
}

/* A {% cache %} fragment (the themed site's section navigation) is
 * rendered by the first page of a worker and put out as it is for the
 * others, which never read the pages in it: what the fragment read is
 * kept with it and counted for every page that shows it.  Without that,
 * a title edit left the other pages' navigation stale. */
Test(nochange, a_cached_fragment_counts_what_it_shows)
{
    char *site = e2e_site("themed");
    for (int i = 0; i < 6; i++)
        e2e_write_str(e2e_fmt("%s/content/docs/p%d.md", site, i),
                      e2e_fmt("---\ntitle: Page %d\nweight: %d\n---\n\nBody %d.\n", i, i + 10, i));
    build(site, "-j", "1");
    build(site, "-j", "1");
    e2e_write_str(e2e_fmt("%s/content/docs/p3.md", site),
                  "---\ntitle: Renamed page\nweight: 13\n---\n\nBody 3.\n");
    build(site, "-j", "1");
    char *p5 = e2e_own_file(e2e_fmt("%s/public/docs/p5/index.html", site), NULL);
    cr_assert(p5 && strstr(p5, "Renamed page"), "p5's navigation is stale:\n%s", p5);
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), e2e_clean_tree(site, "-j1"));
}

/* The site's static/_bengal/theme.css replaces the theme's: the ?v= of
 * the stylesheet link on every page is that file's hash (it was the
 * embedded one's, so browsers kept an old stylesheet), and editing the
 * file re-renders the pages (it is part of every page's key). */
Test(nochange, a_replaced_stylesheet_versions_the_links)
{
    char *site = e2e_site("docs");
    char *css = e2e_fmt("%s/static/_bengal/theme.css", site);
    e2e_run_t r;
    e2e_runl(&r, "mkdir", "-p", e2e_fmt("%s/static/_bengal", site), NULL);
    e2e_run_free(&r);
    const char *const looks[] = {"body { color: navy; }\n", "body { color: teal; }\n"};
    for (int i = 0; i < 2; i++) {
        e2e_write_str(css, looks[i]);
        build(site, NULL, NULL);
        char want[64];
        snprintf(want, sizeof want, "theme.css?v=%08x",
                 (unsigned)(XXH3_64bits(looks[i], strlen(looks[i])) & 0xffffffffu));
        char *page = e2e_own_file(e2e_fmt("%s/public/docs/intro/index.html", site), NULL);
        cr_assert(page && strstr(page, want), "round %d: no %s in\n%s", i, want, page);
    }
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), e2e_clean_tree(site, NULL));
}
