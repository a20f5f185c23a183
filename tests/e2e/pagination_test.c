/*
 * tests/e2e/pagination_test.c - pagination of list pages, end to end: a
 * site made here (pagination.per_page: 2, a docs section with N pages)
 * built by the real binary with the embedded theme.  Pager 1 is the
 * section's own page, pager N > 1 is at docs/page/N/index.html; a pager
 * whose URL is another page's (here an alias) is skipped with a warning.
 */
#include "tests/e2e/helpers.h"

TestSuite(pagination, .fini = e2e_cleanup, .timeout = 60);

/* A site with n pages p1..pn in content/docs; extra goes into p1's front
 * matter.  Returns the site directory. */
static char *make_site(int n, const char *extra)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/content/docs", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site),
              "title: Paged\nbaseurl: https://example.org/\npagination:\n  per_page: 2\n");
    e2e_write_str(e2e_fmt("%s/content/docs/_index.md", site), "---\ntitle: Docs\n---\nAll docs.\n");
    for (int i = 1; i <= n; i++)
        e2e_write_str(e2e_fmt("%s/content/docs/p%d.md", site, i),
                  e2e_fmt("---\ntitle: Page %d\nweight: %d\n%s---\nBody %d.\n", i, i,
                          i == 1 && extra ? extra : "", i));
    return site;
}

/* Builds site (not quiet: warnings are shown); returns its stderr (lives
 * until cleanup). */
static char *build(const char *site)
{
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build failed:\n%s", r.err);
    char *err = e2e_own(strdup(r.err));
    e2e_run_free(&r);
    return err;
}

Test(pagination, no_pages_one_empty_pager)
{
    char *site = make_site(0, NULL);
    cr_assert_str_eq(build(site), "");
    char *list = e2e_out_file(site, "docs/index.html");
    cr_assert(strstr(list, "<h1>Docs</h1>"), "%s", list);
    cr_assert(!strstr(list, "aria-label=\"pagination\""), "%s", list);
    cr_assert(!strstr(list, "class=\"page-list\""), "%s", list);
    cr_assert(!e2e_exists(e2e_fmt("%s/public/docs/page", site)));
}

Test(pagination, exactly_per_page_no_second_pager)
{
    char *site = make_site(2, NULL);
    cr_assert_str_eq(build(site), "");
    char *list = e2e_out_file(site, "docs/index.html");
    cr_assert_eq(e2e_count(list, "<li><h3><a href=\"/docs/p"), 2, "%s", list);
    cr_assert(strstr(list, "<a href=\"/docs/p1/\">Page 1</a>"), "%s", list);
    cr_assert(strstr(list, "<a href=\"/docs/p2/\">Page 2</a>"), "%s", list);
    cr_assert(!strstr(list, "aria-label=\"pagination\""), "%s", list);
    cr_assert(!e2e_exists(e2e_fmt("%s/public/docs/page/2/index.html", site)));
    cr_assert(!e2e_exists(e2e_fmt("%s/public/docs/page", site)));
}

Test(pagination, one_more_than_per_page_two_pagers)
{
    char *site = make_site(3, NULL);
    cr_assert_str_eq(build(site), "");

    char *first = e2e_out_file(site, "docs/index.html");
    cr_assert_eq(e2e_count(first, "<li><h3><a href=\"/docs/p"), 2, "%s", first);
    cr_assert(strstr(first, "<a href=\"/docs/p1/\">Page 1</a>"), "%s", first);
    cr_assert(strstr(first, "<a href=\"/docs/p2/\">Page 2</a>"), "%s", first);
    cr_assert(strstr(first, "<nav class=\"pagination\" aria-label=\"pagination\">\n"
                            "<span aria-current=\"page\">1</span>\n"
                            "<a href=\"/docs/page/2/\">2</a>\n"
                            "<a rel=\"next\" href=\"/docs/page/2/\">Next</a>\n</nav>"),
              "%s", first);
    cr_assert(!strstr(first, "<a rel=\"prev\""), "%s", first);

    char *second = e2e_out_file(site, "docs/page/2/index.html");
    cr_assert_eq(e2e_count(second, "<li><h3><a href=\"/docs/p"), 1, "%s", second);
    cr_assert(strstr(second, "<li><h3><a href=\"/docs/p3/\">Page 3</a></h3>"), "%s", second);
    cr_assert(strstr(second, "<h1>Docs</h1>"), "%s", second);
    cr_assert(strstr(second, "<nav class=\"pagination\" aria-label=\"pagination\">\n"
                             "<a rel=\"prev\" href=\"/docs/\">Previous</a>\n"
                             "<a href=\"/docs/\">1</a>\n"
                             "<span aria-current=\"page\">2</span>\n</nav>"),
              "%s", second);
    cr_assert(!strstr(second, "<a rel=\"next\""), "%s", second);
    cr_assert(!e2e_exists(e2e_fmt("%s/public/docs/page/3", site)));

    /* each pager is its own canonical page, as in Hugo */
    cr_assert(strstr(first, "<link rel=\"canonical\" href=\"https://example.org/docs/\">"),
              "%s", first);
    cr_assert(strstr(second, "<link rel=\"canonical\" href=\"https://example.org/docs/page/2/\">"),
              "%s", second);

    /* the sitemap stays one entry per page */
    char *map = e2e_out_file(site, "sitemap.xml");
    cr_assert(!strstr(map, "/page/2/"), "%s", map);
}

Test(pagination, pager_colliding_with_an_alias_is_skipped)
{
    char *site = make_site(3, "aliases: [/docs/page/2/]\n");
    char *err = build(site);
    cr_assert(e2e_match(err, "/content/docs/_index\\.md: warning: pager 2 not written: its URL "
                             "\"/docs/page/2/\" is another page's$", 0), "%s", err);
    cr_assert_eq(e2e_count_lines(err), 1, "only the one warning: %s", err);
    /* the alias keeps its redirect; the pager did not overwrite it */
    char *alias = e2e_out_file(site, "docs/page/2/index.html");
    cr_assert(strstr(alias, "http-equiv=\"refresh\""), "%s", alias);
    cr_assert(!strstr(alias, "aria-label=\"pagination\""), "%s", alias);
}

/* The navigation of a long list shows a window of its pagers, not every
 * one: on pager 13 of 20, pagers 1, 11-15 and 20 with an ellipsis either
 * side; on pager 1, pagers 1-3 and 20.  Listing every pager on every
 * pager is quadratic (a million-page site's tag pages were 44 GB). */
Test(pagination, a_long_list_shows_a_window_of_pagers)
{
    char *site = make_site(40, NULL); /* 2 per page: 20 pagers */
    cr_assert_str_eq(build(site), "");
    char *mid = e2e_out_file(site, "docs/page/13/index.html");
    const char *nav = strstr(mid, "aria-label=\"pagination\"");
    cr_assert(nav, "no pager navigation:\n%s", mid);
    char *end = strstr(nav, "</nav>");
    cr_assert(end);
    *end = '\0';
    cr_assert(strstr(nav, "<a href=\"/docs/\">1</a>"), "%s", nav);
    for (int k = 11; k <= 15; k++) {
        char want[64];
        snprintf(want, sizeof want, k == 13 ? ">13</span>" : "/docs/page/%d/\">%d</a>", k, k);
        cr_assert(strstr(nav, want), "no %s in %s", want, nav);
    }
    cr_assert(strstr(nav, "/docs/page/20/\">20</a>"), "%s", nav);
    cr_assert(!strstr(nav, "/docs/page/10/\">") && !strstr(nav, "/docs/page/16/\">"), "%s", nav);
    cr_assert_eq(e2e_count(nav, "class=\"gap\""), 2, "%s", nav);
    char *first = e2e_out_file(site, "docs/index.html");
    nav = strstr(first, "aria-label=\"pagination\"");
    cr_assert(nav);
    cr_assert(strstr(nav, "/docs/page/3/\">3</a>") && !strstr(nav, "/docs/page/4/\">"), "%s", nav);
    cr_assert(strstr(nav, "/docs/page/20/\">20</a>"), "%s", nav);
}
