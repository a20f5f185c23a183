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

/* Checks one link of an output file: a full URL outside the site, a
 * relative path or an #anchor pass; a site path must start with the base
 * URL's path (or be the whole base URL) and name a file of the output.
 * Appends a line describing a problem to bad (bf-style, capped). */
static void check_link(const char *pub, const char *file, const char *u, char *bad, size_t cap)
{
    const char *base = "https://x.github.io/proj/", *path = "/proj/";
    const char *rest = NULL;
    char f[4096], line[8400];
    if (strncmp(u, base, strlen(base)) == 0)
        rest = u + strlen(base);
    else if (strncmp(u, path, strlen(path)) == 0)
        rest = u + strlen(path);
    else if (u[0] != '/' || u[1] == '/')
        return; /* relative, #anchor, another host */
    if (!rest) {
        snprintf(line, sizeof line, "%s: %s is not under %s\n", file, u, path);
    } else {
        int n = (int)strcspn(rest, "?#");
        snprintf(f, sizeof f, "%s/%.*s%s", pub, n, rest,
                 n == 0 || rest[n - 1] == '/' ? "index.html" : "");
        if (e2e_exists(f))
            return;
        snprintf(line, sizeof line, "%s: %s names no file (%s)\n", file, u, f);
    }
    strncat(bad, line, cap - strlen(bad) - 1);
}

/* Every href, src, action and data-index of the .html files under dir,
 * checked (see check_link); counts them in *links. */
static void crawl(const char *pub, const char *dir, size_t *links, char *bad, size_t cap)
{
    static const char *const attrs[] = {" href=\"", " src=\"", " action=\"", " data-index=\""};
    DIR *d = opendir(dir);
    cr_assert(d, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char p[2048], u[2048];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        cr_assert(stat(p, &st) == 0);
        if (S_ISDIR(st.st_mode)) {
            crawl(pub, p, links, bad, cap);
            continue;
        }
        size_t n = strlen(p);
        if (n < 5 || strcmp(p + n - 5, ".html") != 0)
            continue;
        char *html = e2e_read_file(p, NULL);
        cr_assert(html, "cannot read %s", p);
        for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++)
            for (char *at = strstr(html, attrs[a]); at; at = strstr(at + 1, attrs[a])) {
                char *v = at + strlen(attrs[a]);
                snprintf(u, sizeof u, "%.*s", (int)strcspn(v, "\""), v);
                check_link(pub, p + strlen(pub) + 1, u, bad, cap);
                (*links)++;
            }
        free(html);
    }
    closedir(d);
}

/* The starter site served under a path (baseurl https://x.github.io/proj/)
 * with content that links and embeds by site paths (/docs/x/, /logo.svg),
 * by .md paths, [[xrefs]] and anchors: every link of every page (theme,
 * content, 404 page, search page) points under /proj/ at a file that
 * exists, and so do the URLs of index.json. */
Test(theme, site_under_a_path_links_under_it_everywhere)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *conf = e2e_own_file(e2e_fmt("%s/bengal.yaml", site), NULL);
    char *q = strstr(conf, "baseurl: \"\"");
    cr_assert(q, "%s", conf);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site),
                  e2e_fmt("%.*sbaseurl: \"https://x.github.io/proj/\"%s", (int)(q - conf), conf,
                          q + strlen("baseurl: \"\"")));
    put(site, "docs/links.md",
        "---\ntitle: Links\n---\n\n[Configuration](/docs/configuration/), "
        "[a part](/guides/first-page/#tag-the-page), [home](/), ![logo](/logo.svg), "
        "[search](/search/?q=tabs), [md](configuration.md), [[guides/publishing]], "
        "[here](#links), [out](https://example.org/x), [rel](../guides/).\n");
    build(site);
    char *pub = e2e_fmt("%s/public", site);
    size_t links = 0;
    static char bad[16384];
    crawl(pub, pub, &links, bad, sizeof bad);
    cr_assert(!*bad, "%s(%zu links checked)", bad, links);
    cr_assert_gt(links, 300);
    cr_assert(strstr(e2e_out_file(site, "docs/links/index.html"),
                     "<a href=\"/proj/docs/configuration/\">Configuration</a>"));

    char *index = e2e_out_file(site, "index.json");
    size_t urls = 0;
    for (char *u = strstr(index, "\"url\":\""); u; u = strstr(u + 1, "\"url\":\"")) {
        char *v = u + strlen("\"url\":\"");
        char url[1024];
        snprintf(url, sizeof url, "%.*s", (int)strcspn(v, "\""), v);
        cr_expect(strncmp(url, "/proj/", 6) == 0, "index.json url %s", url);
        check_link(pub, "index.json", url, bad, sizeof bad);
        urls++;
    }
    cr_assert_eq(urls, 5, "%s", index);
    cr_assert(!*bad, "%s", bad);
}

/* The math of an excerpt is never raw TeX outside its page: a first
 * paragraph that is only display math is skipped for the next one;
 * inline math is an ellipsis in index.json and in a list page's text,
 * and where KaTeX is published (site.katex) the list page prints the
 * summary as HTML with the TeX in data-tex, for the theme to typeset;
 * dollars that are money and code stay as written. */
Test(theme, excerpt_math_is_not_raw_tex)
{
    char *site = e2e_tmpdir();
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: Maths\n");
    put(site, "_index.md", "Home.\n");
    put(site, "docs/_index.md", "---\ntitle: Docs\n---\n");
    put(site, "docs/euler.md",
        "---\ntitle: Euler\n---\n\n$$\n\\int_0^1 x\\,dx\n$$\n\n"
        "Euler: $e^{i\\pi} + 1 = 0$ holds, for $5 or $6, and `$x$` is code.\n\n"
        "$$y$$\n\nMore.\n");
    put(site, "docs/more.md",
        "---\ntitle: More\n---\n\nBefore $a^2$ the cut.\n\n<!--more-->\n\nAfter.\n");
    build(site);
    char *index = e2e_out_file(site, "index.json");
    cr_assert(strstr(index, "\"excerpt\":\"Euler: \xe2\x80\xa6 holds, for $5 or $6, and $x$ is "
                            "code.\""),
              "%s", index);
    cr_assert(strstr(index, "\"excerpt\":\"Before \xe2\x80\xa6 the cut.\""), "%s", index);
    cr_assert(!strstr(index, "\\\\pi") && !strstr(index, "\\\\int") && !strstr(index, "a^2"),
              "%s", index);

    char *list = e2e_out_file(site, "docs/index.html");
    const char *html = "<div class=\"summary\"><p>Euler: <span class=\"math\" "
                       "data-tex=\"e^{i\\pi} + 1 = 0\">\xe2\x80\xa6</span> holds, for $5 or $6, "
                       "and <code>$x$</code> is code.</p></div>";
    const char *text = "<p>Euler: \xe2\x80\xa6 holds, for $5 or $6, and $x$ is code.</p>";
    bool katex = strstr(list, "katex.min.js") != NULL;
    cr_assert(strstr(list, katex ? html : text), "want %s in\n%s", katex ? html : text, list);
    cr_assert(!strstr(list, "\\int") && !strstr(list, "$a^2$"), "%s", list);
    /* the page itself keeps its math for KaTeX */
    cr_assert(strstr(e2e_out_file(site, "docs/euler/index.html"), "$e^{i\\pi} + 1 = 0$"));
}
