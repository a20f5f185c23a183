/*
 * tests/e2e/special_pages_test.c - the pages a build makes without content:
 * /404.html and /search/ (theme templates 404.html and search.html), end to
 * end through the real binary.  They are published, listed nowhere (no
 * sitemap entry, not in site.pages), replaced by a content page at the
 * same place or by a site template of the same name, and the search page
 * goes with `outputs.search: false`.
 */
#include "tests/e2e/helpers.h"

TestSuite(special_pages, .fini = e2e_cleanup, .timeout = 60);

/* A two-page site; config is appended to bengal.yaml. */
static char *make_site(const char *config)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/content/docs", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site),
              e2e_fmt("title: Special\nbaseurl: https://example.org/\n%s", config ? config : ""));
    e2e_write_str(e2e_fmt("%s/content/_index.md", site), "Welcome.\n");
    e2e_write_str(e2e_fmt("%s/content/docs/intro.md", site),
              "---\ntitle: Intro\n---\nSee the [search](/search/) page.\n");
    return site;
}

static void build(const char *site)
{
    e2e_run_t r;
    e2e_bf(&r, "--strict", "-q", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build failed:\n%s", r.err);
    cr_assert_eq(r.err_len, 0, "warnings:\n%s", r.err);
    e2e_run_free(&r);
}

Test(special_pages, not_found_page_is_published_noindex_and_unlisted)
{
    char *site = make_site(NULL);
    build(site);
    char *nf = e2e_out_file(site, "404.html");
    cr_assert(strstr(nf, "<h1>Page not found</h1>"), "%s", nf);
    cr_assert(strstr(nf, "<meta name=\"robots\" content=\"noindex\">"), "%s", nf);
    cr_assert(strstr(nf, "<a href=\"/\">Go to the home page</a>"), "%s", nf);
    cr_assert(strstr(nf, "href=\"/docs/\""), "sections are not offered:\n%s", nf);
    char *map = e2e_out_file(site, "sitemap.xml");
    cr_assert(!strstr(map, "404") && !strstr(map, "/search/"), "%s", map);
    cr_assert(strstr(map, "<loc>https://example.org/docs/intro/</loc>"), "%s", map);
    char *idx = e2e_out_file(site, "index.json");
    cr_assert(!strstr(idx, "\"/404.html\"") && !strstr(idx, "\"/search/\""), "%s", idx);
}

Test(special_pages, search_page_is_published_and_linked_from_the_top_bar)
{
    char *site = make_site(NULL);
    build(site); /* --strict: the link to /search/ is not broken */
    char *sp = e2e_out_file(site, "search/index.html");
    cr_assert(strstr(sp, "<form id=\"search-page\" role=\"search\" action=\"/search/\" "
                         "data-index=\"/index.json\">"), "%s", sp);
    cr_assert(strstr(sp, "<link rel=\"canonical\" href=\"https://example.org/search/\">"),
              "%s", sp);
    char *page = e2e_out_file(site, "docs/intro/index.html");
    cr_assert(strstr(page, "<form class=\"search\" role=\"search\" action=\"/search/\""),
              "the top bar does not submit to the search page:\n%s", page);
}

Test(special_pages, no_search_page_without_the_search_index)
{
    char *site = make_site("outputs:\n  search: false\n");
    e2e_write_str(e2e_fmt("%s/content/docs/intro.md", site), "---\ntitle: Intro\n---\nText.\n");
    build(site);
    cr_assert(!e2e_exists(e2e_fmt("%s/public/search/index.html", site)));
    cr_assert(!e2e_exists(e2e_fmt("%s/public/index.json", site)));
    cr_assert(e2e_exists(e2e_fmt("%s/public/404.html", site)));
    char *page = e2e_out_file(site, "docs/intro/index.html");
    cr_assert(!strstr(page, "/search/"), "%s", page);
}

Test(special_pages, content_at_the_same_place_wins)
{
    char *site = make_site(NULL);
    e2e_write_str(e2e_fmt("%s/content/search.md", site), "---\ntitle: Find things\n---\nMine.\n");
    e2e_write_str(e2e_fmt("%s/content/gone.md", site),
              "---\ntitle: Lost\nurl: /404.html\n---\nMy own not-found page.\n");
    build(site);
    char *sp = e2e_out_file(site, "search/index.html");
    cr_assert(strstr(sp, "Find things") && strstr(sp, "Mine."), "%s", sp);
    cr_assert(!strstr(sp, "id=\"search-page\""), "%s", sp);
    /* the top bar still submits there: it is the site's search page now */
    cr_assert(strstr(e2e_out_file(site, "docs/intro/index.html"),
                     "<form class=\"search\" role=\"search\" action=\"/search/\""));
    char *nf = e2e_out_file(site, "404.html");
    cr_assert(strstr(nf, "My own not-found page."), "%s", nf);
}

Test(special_pages, site_template_overrides_the_theme)
{
    char *site = make_site(NULL);
    cr_assert(mkdir(e2e_fmt("%s/templates", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/templates/404.html", site),
              "<p>{{ page.kind }}: {{ page.title }} of {{ site.title }}</p>\n");
    build(site);
    char *nf = e2e_out_file(site, "404.html");
    /* Jinja drops the final newline */
    cr_assert_str_eq(nf, "<p>404: Page not found of Special</p>");
}
