/*
 * tests/worker/theme_test.c - the embedded documentation theme
 * (worker/theme/, generated into shared/tmpl/embed.c).
 *
 * The generated table must match the template sources (embed.py --check),
 * and a site without templates/ (tests/sites/docs) must build through the
 * theme with no error: every kind of page carries the theme's landmarks,
 * the section navigation, the breadcrumbs and, on pages with headings, the
 * table of contents.  The binary under test is $BF_BIN, as in tests/e2e/.
 */
#include "tests/e2e/helpers.h"

#include "shared/tmpl/env.h"

TestSuite(theme, .fini = e2e_cleanup, .timeout = 60);

Test(theme, embed_c_is_up_to_date)
{
    if (!e2e_have("python3"))
        cr_skip_test("python3 is not installed");
    char *script = e2e_fmt("%s/worker/theme/embed.py", e2e_top());
    e2e_run_t r;
    e2e_runl(&r, "python3", script, "--check", NULL);
    cr_assert_eq(r.status, 0, "shared/tmpl/embed.c is out of date (status %d): %s", r.status,
                 r.err);
    e2e_run_free(&r);
}

/* The table the binary links: the layout and every template the
 * selection of coordinator/plan.c can name. */
Test(theme, table_has_every_template)
{
    static const char *const want[] = {"base.html",     "page.html", "list.html",
                                       "home.html",     "term.html", "taxonomy.html"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const bf_tmpl_embed_t *e = bf_tmpl_default_theme;
        while (e->name && strcmp(e->name, want[i]) != 0)
            e++;
        cr_assert(e->name, "\"%s\" is not in the embedded theme", want[i]);
        cr_assert_eq(strlen(e->src), e->len, "\"%s\": length %zu, text %zu", want[i], e->len,
                     strlen(e->src));
    }
}

/* Builds the docs fixture (no templates/) and returns its output dir. */
static char *build_docs(void)
{
    char *site = e2e_site("docs");
    cr_assert(!e2e_exists(e2e_fmt("%s/templates", site)), "the docs fixture has templates/");
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build failed (status %d):\n%s", r.status, r.err);
    cr_assert_str_eq(r.err, "", "the build printed:\n%s", r.err);
    e2e_run_free(&r);
    return e2e_fmt("%s/public", site);
}

static char *page_of(const char *pub, const char *path)
{
    char *html = e2e_own_file(e2e_fmt("%s/%s", pub, path), NULL);
    cr_assert(html, "%s/%s was not written", pub, path);
    return html;
}

static size_t count_str(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

#define HAS(html, s) cr_assert(strstr((html), (s)), "missing %s in:\n%s", (s), (html))

static void assert_layout(const char *html)
{
    HAS(html, "<!DOCTYPE html>");
    HAS(html, "<a class=\"skip-link\" href=\"#content\">Skip to content</a>");
    HAS(html, "<header class=\"site-header\">");
    HAS(html, "<nav id=\"site-nav\" class=\"sidebar\" aria-label=\"Section\">");
    HAS(html, "<main id=\"content\" tabindex=\"-1\">");
    HAS(html, "<footer class=\"site-footer\">");
    /* one stylesheet and one script, the theme's own, from this site */
    HAS(html, "<link rel=\"stylesheet\" href=\"/_bengal/theme.css?v=");
    HAS(html, "<script src=\"/_bengal/theme.js?v=");
    cr_assert_eq(count_str(html, "<link rel=\"stylesheet\""), 1, "%s", html);
    cr_assert_eq(count_str(html, "<script src="), 1, "%s", html);
}

Test(theme, docs_site_builds_through_the_theme)
{
    char *pub = build_docs();
    char *page = page_of(pub, "docs/intro/index.html");
    assert_layout(page);
    /* the stylesheet and the script, published once for every page */
    char *css = page_of(pub, "_bengal/theme.css");
    /* light and dark: the system's scheme unless the toggle chose one */
    HAS(css, "color-scheme: light dark;");
    HAS(css, ":root[data-theme=\"dark\"] { color-scheme: dark; }");
    HAS(css, "--bg: light-dark(");
    HAS(page_of(pub, "_bengal/theme.js"), "index.json");
    HAS(page, "<title>Introduction | Example Docs</title>");
    /* main menu from site.menus.main, the current page marked */
    HAS(page, "<nav class=\"main-menu\" aria-label=\"Main\">");
    HAS(page, "<li><a href=\"/docs/intro/\" aria-current=\"page\">Introduction</a></li>\n"
              "<li><a href=\"/docs/install/\">Installation</a></li>");
    /* the section tree: the top section's pages and its subsection */
    HAS(page, "<p class=\"sidebar-title\"><a href=\"/docs/\">Documentation</a></p>");
    HAS(page, "<li class=\"nav-section\"><a href=\"/docs/guide/\">User guide</a></li>");
    HAS(page, "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\">\n<ol>\n"
              "<li><a href=\"/\">Example Docs</a></li>\n"
              "<li><a href=\"/docs/\">Documentation</a></li>\n"
              "<li><span aria-current=\"page\">Introduction</span></li>");
    HAS(page, "<aside class=\"toc\" aria-labelledby=\"toc-title\">\n"
              "<h2 id=\"toc-title\">On this page</h2>\n<ul>\n"
              "<li><a href=\"#what-it-is\">What it is</a></li>");
    HAS(page, "<time datetime=\"2023-01-10T00:00:00Z\">January 10, 2023</time>");
    HAS(page, "<a rel=\"next\" href=\"/docs/install/\"><small>Next</small>Installation</a>");
    HAS(page, "<h2 id=\"what-it-is\">What it is</h2>");
}

Test(theme, nested_page_opens_its_trail)
{
    char *pub = build_docs();
    char *page = page_of(pub, "docs/guide/a/index.html");
    assert_layout(page);
    HAS(page, "<li class=\"nav-section is-open\"><a href=\"/docs/guide/\">User guide</a><ul>");
    HAS(page, "<a href=\"/docs/guide/a/\" aria-current=\"page\">");
    HAS(page, "<ul class=\"tags\" aria-label=\"Tags\">");
    HAS(page, "rel=\"tag\" href=\"/tags/");
}

Test(theme, list_pages)
{
    char *pub = build_docs();
    char *sec = page_of(pub, "docs/index.html");
    assert_layout(sec);
    HAS(sec, "<h1>Documentation</h1>");
    HAS(sec, "<ul class=\"card-list\">\n<li><h3><a href=\"/docs/guide/\">User guide</a></h3>");
    HAS(sec, "<ul class=\"page-list\">\n<li><h3><a href=\"/docs/intro/\">Introduction</a></h3>\n"
             "<p>What Example is and when to use it.</p></li>");
    cr_assert(!strstr(sec, "class=\"toc\""), "%s", sec); /* no headings, no TOC */

    char *home = page_of(pub, "index.html");
    assert_layout(home);
    HAS(home, "<title>Example Docs</title>");
    HAS(home, "<li><h3><a href=\"/docs/\">Documentation</a></h3>");
    HAS(home, "<li><h3><a href=\"/blog/\">");

    char *tags = page_of(pub, "tags/index.html");
    assert_layout(tags);
    HAS(tags, "<ul class=\"term-list\">");
    HAS(tags, "<a href=\"/tags/setup/\">setup <span class=\"count\">(2)</span></a>");

    char *term = page_of(pub, "tags/setup/index.html");
    assert_layout(term);
    HAS(term, "2 pages in <a href=\"/tags/\">");
    HAS(term, "<li><h3><a href=\"/docs/install/\">Installation</a></h3>");
}

/* The sidebar of a section of 100 pages shows the 31 around the reader
 * (15 before, 15 after) and links the rest: the nav does not grow with
 * the section, so a site's size does not grow with its square. */
Test(theme, long_section_nav_is_a_window)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/content/big", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/content/big/_index.md", site), "---\ntitle: Big\n---\n");
    for (int i = 1; i <= 100; i++)
        e2e_write_str(e2e_fmt("%s/content/big/p%03d.md", site, i),
                      e2e_fmt("---\ntitle: P%03d\nweight: %d\n---\nText.\n", i, i));
    e2e_run_t r;
    e2e_bf(&r, "-q", "--strict", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);

    char *mid = e2e_out_file(site, "big/p050/index.html");
    char *nav = strstr(mid, "<nav id=\"site-nav\"");
    cr_assert(nav, "%s", mid);
    *strstr(nav, "</nav>") = '\0';
    cr_assert_eq(count_str(nav, "<li><a href=\"/big/p"), 31, "%s", nav);
    cr_assert(strstr(nav, "<li><a href=\"/big/p035/\">P035</a></li>"), "%s", nav);
    cr_assert(strstr(nav, "<li><a href=\"/big/p050/\" aria-current=\"page\">P050</a></li>"),
              "%s", nav);
    cr_assert(strstr(nav, "<li><a href=\"/big/p065/\">P065</a></li>"), "%s", nav);
    cr_assert(!strstr(nav, "/big/p034/") && !strstr(nav, "/big/p066/"), "%s", nav);
    cr_assert(strstr(nav, "<li class=\"nav-more\"><a href=\"/big/\">34 more&hellip;</a></li>"),
              "%s", nav);
    cr_assert(strstr(nav, "<li class=\"nav-more\"><a href=\"/big/\">35 more&hellip;</a></li>"),
              "%s", nav);

    /* at the start: the first 31 and one link after them */
    char *first = e2e_out_file(site, "big/p001/index.html");
    nav = strstr(first, "<nav id=\"site-nav\"");
    *strstr(nav, "</nav>") = '\0';
    cr_assert_eq(count_str(nav, "<li><a href=\"/big/p"), 31, "%s", nav);
    cr_assert_eq(count_str(nav, "nav-more"), 1, "%s", nav);
    cr_assert(strstr(nav, ">69 more&hellip;</a>"), "%s", nav);
}

/* A site restyles the theme by giving its own static/_bengal/theme.css:
 * that one is published, silently, and the theme's script still is. */
Test(theme, site_stylesheet_replaces_the_theme_css)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/static", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/static/_bengal", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/content/a.md", site), "# A\n");
    e2e_write_str(e2e_fmt("%s/static/_bengal/theme.css", site), "body { color: red; }\n");
    e2e_run_t r;
    e2e_bf(&r, "--strict", "-q", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_out_file(site, "_bengal/theme.css"), "body { color: red; }\n");
    HAS(e2e_out_file(site, "_bengal/theme.js"), "index.json");
}
