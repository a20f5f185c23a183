/*
 * tests/e2e/math_test.c - math and diagram scripts only on the pages that
 * need them.  KaTeX is published from math.katex_dir (here a KaTeX-shaped
 * directory made by the test, with Debian's symlinks, so the test does
 * not depend on libjs-katex) when a page has math, and the page loads it;
 * without KaTeX the build warns once and the TeX stays text.  Mermaid
 * comes from params.mermaid_js.
 */
#include "tests/e2e/helpers.h"

TestSuite(math, .fini = e2e_cleanup, .timeout = 60);

static void mkdirs(const char *base, const char *const *dirs)
{
    for (; *dirs; dirs++)
        cr_assert(mkdir(e2e_fmt("%s/%s", base, *dirs), 0755) == 0, "%s/%s", base, *dirs);
}

/* A KaTeX directory as Debian lays it out: katex.min.js a symlink to
 * katex.js, no auto-render.min.js, fonts/ a symlink elsewhere. */
static char *fake_katex(void)
{
    char *k = e2e_tmpdir();
    static const char *const dirs[] = {"dist", "dist/contrib", "truetype", NULL};
    mkdirs(k, dirs);
    e2e_write_str(e2e_fmt("%s/dist/katex.min.css", k), ".katex{}\n");
    e2e_write_str(e2e_fmt("%s/dist/katex.js", k), "window.katex={};\n");
    cr_assert(symlink("katex.js", e2e_fmt("%s/dist/katex.min.js", k)) == 0);
    e2e_write_str(e2e_fmt("%s/dist/contrib/auto-render.js", k), "window.renderMathInElement=0;\n");
    e2e_write_str(e2e_fmt("%s/truetype/KaTeX_Main-Regular.woff2", k), "wOF2");
    cr_assert(symlink("../truetype", e2e_fmt("%s/dist/fonts", k)) == 0);
    return e2e_fmt("%s/dist", k);
}

/* A site with a page with math, one with a mermaid diagram and one with
 * neither; config is appended to bengal.yaml. */
static char *make_site(const char *config)
{
    char *site = e2e_tmpdir();
    static const char *const dirs[] = {"content", "content/docs", NULL};
    mkdirs(site, dirs);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), e2e_fmt("title: Maths\n%s", config));
    e2e_write_str(e2e_fmt("%s/content/docs/euler.md", site),
              "---\ntitle: Euler\n---\n\n$e^{i\\pi} + 1 = 0$\n");
    e2e_write_str(e2e_fmt("%s/content/docs/flow.md", site),
              "---\ntitle: Flow\n---\n\n```mermaid\ngraph TD; A-->B\n```\n");
    e2e_write_str(e2e_fmt("%s/content/docs/plain.md", site), "---\ntitle: Plain\n---\n\nText.\n");
    return site;
}

static e2e_run_t build(const char *site)
{
    e2e_run_t r;
    e2e_bf(&r, "--strict", "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build failed:\n%s", r.err);
    return r;
}

Test(math, katex_published_and_loaded_only_where_needed)
{
    char *site = make_site(e2e_fmt("math:\n  katex_dir: %s\n", fake_katex()));
    e2e_run_t r = build(site);
    cr_assert_eq(r.err_len, 0, "warnings:\n%s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_out_file(site, "_bengal/katex/katex.min.css"), ".katex{}\n");
    cr_assert_str_eq(e2e_out_file(site, "_bengal/katex/katex.min.js"), "window.katex={};\n");
    cr_assert_str_eq(e2e_out_file(site, "_bengal/katex/auto-render.min.js"),
                     "window.renderMathInElement=0;\n");
    cr_assert_str_eq(e2e_out_file(site, "_bengal/katex/fonts/KaTeX_Main-Regular.woff2"), "wOF2");
    char *euler = e2e_out_file(site, "docs/euler/index.html");
    cr_assert(strstr(euler, "<link rel=\"stylesheet\" href=\"/_bengal/katex/katex.min.css\">"),
              "%s", euler);
    cr_assert(strstr(euler, "<script defer src=\"/_bengal/katex/katex.min.js\"></script>"));
    cr_assert(strstr(euler, "<script defer src=\"/_bengal/katex/auto-render.min.js\"></script>"));
    cr_assert(strstr(euler, "$e^{i\\pi} + 1 = 0$"), "the TeX is in the page for KaTeX");
    for (const char *const *p = (const char *const[]){"docs/plain/index.html",
                                                      "docs/flow/index.html", "index.html",
                                                      NULL};
         *p; p++)
        cr_assert(!strstr(e2e_out_file(site, *p), "katex"), "%s loads KaTeX", *p);
}

Test(math, no_katex_without_a_page_with_math)
{
    char *site = make_site(e2e_fmt("math:\n  katex_dir: %s\n", fake_katex()));
    cr_assert(unlink(e2e_fmt("%s/content/docs/euler.md", site)) == 0);
    e2e_run_t r = build(site);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(e2e_fmt("%s/public/_bengal/katex", site)),
              "KaTeX published for nothing");
}

/* Math on a list page (a section's _index.md) counts too. */
Test(math, katex_for_math_on_a_section_page)
{
    char *site = make_site(e2e_fmt("math:\n  katex_dir: %s\n", fake_katex()));
    cr_assert(unlink(e2e_fmt("%s/content/docs/euler.md", site)) == 0);
    e2e_write_str(e2e_fmt("%s/content/docs/_index.md", site),
                  "---\ntitle: Docs\n---\n\n$$a^2 + b^2 = c^2$$\n");
    e2e_run_t r = build(site);
    e2e_run_free(&r);
    cr_assert(e2e_exists(e2e_fmt("%s/public/_bengal/katex/katex.min.js", site)));
    cr_assert(strstr(e2e_out_file(site, "docs/index.html"), "/_bengal/katex/katex.min.js"));
}

Test(math, missing_katex_is_one_warning_and_text_stays)
{
    char *site = make_site("math:\n  katex_dir: /nonexistent/katex\n");
    e2e_run_t r = build(site);
    cr_assert_str_eq(r.err, "bengal-farm: warning: pages have math, but KaTeX is not in "
                            "\"/nonexistent/katex\": their TeX shows as text (apt-get install "
                            "libjs-katex, or set math.katex_dir)\n");
    cr_assert(e2e_match(r.out, ", 1 warning -> ", 0), "%s", r.out);
    e2e_run_free(&r);
    char *euler = e2e_out_file(site, "docs/euler/index.html");
    cr_assert(!strstr(euler, "katex"), "%s", euler);
    cr_assert(strstr(euler, "$e^{i\\pi} + 1 = 0$"));
    cr_assert(!e2e_exists(e2e_fmt("%s/public/_bengal/katex", site)));

    /* turned off on purpose: no warning */
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: Maths\nmath:\n  katex_dir: \"\"\n");
    r = build(site);
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    e2e_run_free(&r);
}

Test(math, mermaid_script_from_params_only_on_diagram_pages)
{
    char *site = make_site("math:\n  katex_dir: \"\"\nparams:\n  mermaid_js: /js/mermaid.min.js\n");
    e2e_run_t r = build(site);
    e2e_run_free(&r);
    char *flow = e2e_out_file(site, "docs/flow/index.html");
    cr_assert(strstr(flow, "<script defer src=\"/js/mermaid.min.js\"></script>"), "%s", flow);
    cr_assert(strstr(flow, "<pre><code class=\"language-mermaid\">graph TD; A--&gt;B"), "%s", flow);
    cr_assert(!strstr(e2e_out_file(site, "docs/plain/index.html"), "mermaid"));
    cr_assert(!strstr(e2e_out_file(site, "docs/euler/index.html"), "mermaid"));

    /* no script configured: the diagram stays its source */
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: Maths\nmath:\n  katex_dir: \"\"\n");
    r = build(site);
    e2e_run_free(&r);
    flow = e2e_out_file(site, "docs/flow/index.html");
    cr_assert(!strstr(flow, "<script defer src"), "%s", flow);
    cr_assert(strstr(flow, "language-mermaid"));
}
