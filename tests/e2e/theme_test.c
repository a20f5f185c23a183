/*
 * tests/e2e/theme_test.c - what the embedded theme prints, in the built
 * HTML (the browser side is tests/e2e/browser_test.c): the main menu marks
 * the section the reader is in, params.logo is shown in the top bar, the
 * math of an excerpt is not raw TeX in lists and index.json, and a site
 * served under a path links to that path everywhere.
 */
#include "tests/e2e/helpers.h"

#include <dirent.h>

TestSuite(theme, .fini = e2e_cleanup, .timeout = 60);

/* Writes content/<rel> (directories made as needed). */
static void put(const char *site, const char *rel, const char *text)
{
    char *path = e2e_fmt("%s/content/%s", site, rel);
    for (char *s = strchr(path + strlen(site) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    e2e_write_str(path, text);
}

static void build(const char *site)
{
    e2e_run_t r;
    e2e_bf(&r, "-q", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build failed:\n%s", r.err);
    e2e_run_free(&r);
}

/* The <nav class="main-menu"> of an output page, as "name=mark" for each
 * item ("-" when the item has no aria-current), space-separated. */
static char *menu_marks(const char *site, const char *rel)
{
    const char *html = e2e_out_file(site, rel);
    const char *nav = strstr(html, "<nav class=\"main-menu\"");
    cr_assert(nav, "no main menu in %s:\n%s", rel, html);
    const char *end = strstr(nav, "</nav>");
    char *out = e2e_fmt("%s", "");
    for (const char *a = strstr(nav, "<a href="); a && a < end; a = strstr(a + 1, "<a href=")) {
        const char *gt = strchr(a, '>'), *close = strstr(gt, "</a>");
        const char *cur = strstr(a, "aria-current=\"");
        char mark[16] = "-";
        if (cur && cur < gt)
            sscanf(cur + 14, "%15[^\"]", mark);
        out = e2e_fmt("%s%s%.*s=%s", out, *out ? " " : "", (int)(close - gt - 1), gt + 1, mark);
    }
    return out;
}

/* The item of a section stays marked (aria-current="true") on every page
 * under it, subsections included; its own page is aria-current="page";
 * an item by URL (/tags/) is marked under that URL; the home item only
 * on the home page. */
Test(theme, main_menu_marks_the_section_of_the_page)
{
    char *site = e2e_tmpdir();
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site),
                  "title: Menus\nmenus:\n  main:\n"
                  "    - {name: Home, url: /, weight: 1}\n"
                  "    - {name: Docs, page: docs, weight: 2}\n"
                  "    - {name: Blog, page: blog, weight: 3}\n"
                  "    - {name: Tags, url: /tags/, weight: 4}\n");
    put(site, "_index.md", "Home.\n");
    put(site, "docs/_index.md", "---\ntitle: Docs\n---\n");
    put(site, "docs/intro.md", "---\ntitle: Intro\ntags: [a]\n---\nText.\n");
    put(site, "docs/guide/_index.md", "---\ntitle: Guide\n---\n");
    put(site, "docs/guide/deep.md", "---\ntitle: Deep\n---\nText.\n");
    put(site, "blog/_index.md", "---\ntitle: Blog\n---\n");
    put(site, "blog/post.md", "---\ntitle: Post\n---\nText.\n");
    build(site);
    static const struct {
        const char *rel, *want;
    } cases[] = {
        {"index.html", "Home=page Docs=- Blog=- Tags=-"},
        {"docs/index.html", "Home=- Docs=page Blog=- Tags=-"},
        {"docs/intro/index.html", "Home=- Docs=true Blog=- Tags=-"},
        {"docs/guide/index.html", "Home=- Docs=true Blog=- Tags=-"},
        {"docs/guide/deep/index.html", "Home=- Docs=true Blog=- Tags=-"},
        {"blog/post/index.html", "Home=- Docs=- Blog=true Tags=-"},
        {"tags/a/index.html", "Home=- Docs=- Blog=- Tags=true"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = menu_marks(site, cases[i].rel);
        cr_expect_str_eq(got, cases[i].want, "%s", cases[i].rel);
    }
}

/* params.logo: an image in the top bar before the title, its path under
 * the base URL's path (given with or without a leading /; a full URL as
 * it is); params.logo_only keeps the title for screen readers only; no
 * logo, no image. */
Test(theme, logo_in_the_top_bar)
{
    static const struct {
        const char *params, *want;
    } cases[] = {
        {"  logo: img/logo.svg\n",
         "<a class=\"site-title\" href=\"/proj/\"><img class=\"site-logo\" "
         "src=\"/proj/img/logo.svg\" alt=\"\">Logo site</a>"},
        {"  logo: /img/logo.svg\n  logo_only: true\n",
         "<a class=\"site-title\" href=\"/proj/\"><img class=\"site-logo\" "
         "src=\"/proj/img/logo.svg\" alt=\"\"><span class=\"visually-hidden\">Logo site</span></a>"},
        {"  logo: https://cdn.example.org/l.png\n",
         "<img class=\"site-logo\" src=\"https://cdn.example.org/l.png\" alt=\"\">Logo site</a>"},
        {"  other: 1\n", "<a class=\"site-title\" href=\"/proj/\">Logo site</a>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *site = e2e_tmpdir();
        e2e_write_str(e2e_fmt("%s/bengal.yaml", site),
                      e2e_fmt("title: Logo site\nbaseurl: https://x.github.io/proj/\nparams:\n%s",
                              cases[i].params));
        put(site, "_index.md", "Home.\n");
        put(site, "docs/a.md", "---\ntitle: A\n---\nText.\n");
        build(site);
        char *html = e2e_out_file(site, "docs/a/index.html");
        cr_expect(strstr(html, cases[i].want), "case %zu: want %s in\n%.2500s", i, cases[i].want,
                  html);
    }
}
