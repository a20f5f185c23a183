/*
 * tests/e2e/templates_test.c - site templates in the farm, end to end: the
 * themed fixture (tests/sites/themed: a few docs pages with templates/)
 * built by the real binary; template errors at compile time (before any
 * fork) and at render time (one page) fail the build with the previous
 * output intact; --profile-templates.
 */
#include "tests/e2e/helpers.h"

TestSuite(templates, .fini = e2e_cleanup, .timeout = 60);

static void build_ok(const char *site, const char *jobs)
{
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", jobs, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build -j%s failed:\n%s", jobs, r.err);
    cr_assert_str_eq(r.err, "");
    e2e_run_free(&r);
}

Test(templates, same_tree_for_any_jobs_and_expected_page)
{
    char *site = e2e_site("themed");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "1");
    char *one = e2e_tree(pub);
    build_ok(site, "2");
    cr_assert_str_eq(e2e_tree(pub), one);

    char *page = e2e_own_file(e2e_fmt("%s/docs/install/index.html", pub), NULL);
    cr_assert(strstr(page, "<title>Installation | Example Docs</title>"), "%s", page);
    /* section nav from section.pages (through {% cache %}) */
    cr_assert(strstr(page, "<li><a href=\"/docs/intro/\">Introduction</a></li>\n"
                           "<li><a href=\"/docs/install/\">Installation</a></li>"),
              "%s", page);
    /* page.content and page.toc: the markdown render's HTML, not escaped */
    cr_assert(strstr(page, "<h2 id=\"requirements\">Requirements</h2>"), "%s", page);
    cr_assert(strstr(page, "<aside class=\"toc\"><ul>\n<li><a href=\"#requirements\">"),
              "%s", page);
    cr_assert(strstr(page, "<ul class=\"tags\"><li><a href=\"/tags/setup/\">#setup</a></li></ul>"),
              "%s", page);
    cr_assert(strstr(page, "<a rel=\"prev\" href=\"/docs/intro/\">Introduction</a></nav>"),
              "%s", page);
    cr_assert(strstr(page, "<p class=\"meta\">January 12, 2023 · 27 words · 1 min</p>"), "%s",
              page);
    cr_assert(strstr(page, "<footer>Documentation for the Example project. Version 1.4."),
              "%s", page);
    cr_assert(strstr(page, "<nav class=\"menu\"><a href=\"/docs/\">Docs</a>"), "%s", page);

    /* list pages (level 1) show the other pages' summaries */
    char *list = e2e_own_file(e2e_fmt("%s/docs/index.html", pub), NULL);
    cr_assert(strstr(list, "<li><a href=\"/docs/intro/\">Introduction</a><div class=\"summary\">"
                           "<p>Example is a command-line tool"),
              "%s", list);
    char *home = e2e_own_file(e2e_fmt("%s/index.html", pub), NULL);
    cr_assert(strstr(home, "<title>Example Docs</title>"), "%s", home);
    cr_assert(strstr(home, "<h2><a href=\"/docs/\">Documentation</a></h2>"), "%s", home);
    char *tags = e2e_own_file(e2e_fmt("%s/tags/index.html", pub), NULL);
    cr_assert(strstr(tags, "<li><a href=\"/tags/setup/\">setup</a> (1)</li>"), "%s", tags);
}

Test(templates, syntax_error_fails_before_any_page)
{
    char *site = e2e_site("themed");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "2");
    char *before = e2e_tree(pub);
    e2e_write_str(e2e_fmt("%s/templates/page.html", site),
              "{% extends \"base.html\" %}\n{% block content %}\n{% for x in %}{% endfor %}\n"
              "{% endblock %}\n");
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "status %d:\n%s", r.status, r.err);
    cr_assert(e2e_match(r.err, "page\\.html:3:[0-9]+: error: ", REG_EXTENDED), "%s", r.err);
    cr_assert(strstr(r.err, "previous output is left as it was"), "%s", r.err);
    /* compiled in the coordinator: no worker ever ran */
    cr_assert(!strstr(r.err, "bf-worker"), "%s", r.err);
    cr_assert(!strstr(r.out, "built"), "%s", r.out);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_tree(pub), before);
    cr_assert(e2e_standby_ok(pub), "staging left behind");
}

Test(templates, undefined_variable_fails_the_build)
{
    char *site = e2e_site("themed");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "2");
    char *before = e2e_tree(pub);
    e2e_write_str(e2e_fmt("%s/templates/page.html", site),
              "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ titel }}</h1>\n"
              "{% endblock %}\n");
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "status %d:\n%s", r.status, r.err);
    /* named by its path, as editors open it (a theme template: "<theme>/") */
    cr_assert(strstr(r.err, e2e_fmt("%s/templates/page.html:3:8: error: undefined variable "
                                    "\"titel\"", site)), "%s", r.err);
    cr_assert(strstr(r.err, "previous output is left as it was"), "%s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_tree(pub), before);
    cr_assert(e2e_standby_ok(pub), "staging left behind");
}

Test(templates, profile_templates_prints_a_table)
{
    char *site = e2e_site("themed");
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", "--profile-templates", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "template profile (2 workers)"), "%s", r.err);
    cr_assert(strstr(r.err, "page.html"), "%s", r.err);
    cr_assert(strstr(r.err, "page.html:content"), "%s", r.err);
    e2e_run_free(&r);
}

Test(templates, snapshot_build_rejects_profile_option)
{
    char *site = e2e_site("themed");
    e2e_run_t r;
    e2e_bf(&r, "snapshot", "build", "--profile-templates", site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    e2e_run_free(&r);
}

/* Without templates/ the theme embedded in the binary renders (see
 * tests/worker/theme_test.c for the theme itself). */
Test(templates, site_without_templates_uses_embedded_theme)
{
    char *site = e2e_site("themed");
    e2e_run_t r;
    e2e_runl(&r, "rm", "-rf", e2e_fmt("%s/templates", site), NULL);
    e2e_run_free(&r);
    build_ok(site, "2");
    char *page = e2e_own_file(e2e_fmt("%s/public/docs/install/index.html", site), NULL);
    cr_assert(strstr(page, "<nav class=\"prev-next\" aria-label=\"Previous and next\">"), "%s",
              page);
    cr_assert(strstr(page, "<a class=\"skip-link\" href=\"#content\">"), "%s", page);
    cr_assert(!strstr(page, "section-nav"), "%s", page);
}

/* An error in a template of the embedded theme (here from a params value
 * of the wrong type) names it as "<theme>/NAME", with line and column. */
Test(templates, theme_template_error_names_the_theme)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/content/a.md", site), "hi\n");
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "params:\n  footer_links: 5\n");
    e2e_run_t r;
    e2e_bf(&r, "-j", "1", site, NULL);
    cr_assert_eq(r.status, 1, "status %d:\n%s", r.status, r.err);
    cr_assert(e2e_match(r.err, "<theme>/base\\.html:[0-9]+:[0-9]+: error: cannot iterate over int",
                        0), "%s", r.err);
    e2e_run_free(&r);
}

/* Files under templates/ that are not templates (an image, notes) are
 * left alone; a template that is not UTF-8 is an error that does not
 * print its bytes. */
Test(templates, only_template_files_are_compiled)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/templates", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/content/a.md", site), "hi\n");
    e2e_write_file(e2e_fmt("%s/templates/logo.png", site), "\x89PNG\r\n\x1a\n\xff\xfe", 10);
    e2e_write_str(e2e_fmt("%s/templates/README.md", site), "Notes: {{ not closed\n");
    e2e_run_t r;
    e2e_bf(&r, "--strict", "-q", site, NULL);
    cr_assert_eq(r.status, 0, "status %d:\n%s", r.status, r.err);
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    e2e_run_free(&r);

    e2e_write_file(e2e_fmt("%s/templates/page.html", site), "<p>\xff\xfe</p>\n", 10);
    e2e_bf(&r, "-q", site, NULL);
    cr_assert_eq(r.status, 1, "status %d:\n%s", r.status, r.err);
    cr_assert(strstr(r.err, e2e_fmt("%s/templates/page.html:1:4: error: invalid UTF-8 in "
                                    "template\n", site)), "%s", r.err);
    cr_assert(!memchr(r.err, 0xff, r.err_len), "the bytes were printed:\n%s", r.err);
    e2e_run_free(&r);
}

/* A page titled by its first "# heading" (no front matter title) shows
 * that title once: the theme prints it as the page's <h1> and the body
 * leaves the heading out, as Hugo and Zola themes expect of content.  The
 * ids and the TOC are those of what is on the page.  A front matter title
 * that repeats the heading is the same case; another title keeps both. */
Test(templates, title_from_first_heading_is_shown_once)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/content/docs", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/content/about.md", site),
                  "# About this site\n\nText.\n\n## About this site\n\n## More\n");
    e2e_write_str(e2e_fmt("%s/content/docs/_index.md", site), "# The docs\n\nRead on.\n");
    e2e_write_str(e2e_fmt("%s/content/docs/same.md", site),
                  "---\ntitle: Same Title\n---\n# Same Title\n\nx\n");
    e2e_write_str(e2e_fmt("%s/content/docs/other.md", site),
                  "---\ntitle: Front Matter\n---\n# Body Heading\n\ny\n");
    build_ok(site, "2");

    char *about = e2e_own_file(e2e_fmt("%s/public/about/index.html", site), NULL);
    cr_assert_eq(e2e_count(about, ">About this site</h1>"), 1, "%s", about);
    cr_assert(strstr(about, "<title>About this site"), "%s", about);
    cr_assert(strstr(about, "<h2 id=\"about-this-site\">About this site</h2>"), "%s", about);
    cr_assert(strstr(about, "href=\"#about-this-site\""), "%s", about);
    cr_assert_not(strstr(about, "about-this-site-1"), "%s", about);

    char *docs = e2e_own_file(e2e_fmt("%s/public/docs/index.html", site), NULL);
    cr_assert_eq(e2e_count(docs, ">The docs</h1>"), 1, "%s", docs);
    char *same = e2e_own_file(e2e_fmt("%s/public/docs/same/index.html", site), NULL);
    cr_assert_eq(e2e_count(same, ">Same Title</h1>"), 1, "%s", same);
    char *other = e2e_own_file(e2e_fmt("%s/public/docs/other/index.html", site), NULL);
    cr_assert_eq(e2e_count(other, ">Front Matter</h1>"), 1, "%s", other);
    cr_assert(strstr(other, "<h1 id=\"body-heading\">Body Heading</h1>"), "%s", other);
}
