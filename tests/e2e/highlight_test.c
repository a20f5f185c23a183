/*
 * tests/e2e/highlight_test.c - syntax highlighting in a real build: code
 * blocks come out highlighted by the workers, the languages without a
 * grammar make ONE warning for the whole build with their numbers of
 * pages (the workers are separate processes: their tallies meet in the
 * coordinator),
 * markdown.highlight: false turns it off, and `markdown --highlight` does
 * for one file what a build does.
 */
#include "tests/e2e/helpers.h"

TestSuite(highlight, .fini = e2e_cleanup, .timeout = 60);

/* Sections of pages enough for both workers to render some (a wave is a
 * run of one section's pages): cobol on two pages (one with two blocks)
 * and foo on one, in three sections; python and c highlighted. */
static char *make_site(const char *config)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), e2e_fmt("title: Code\n%s", config));
    for (int s = 0; s < 3; s++) {
        cr_assert(mkdir(e2e_fmt("%s/content/s%d", site, s), 0755) == 0);
        for (int i = 0; i < 8; i++)
            e2e_write_str(e2e_fmt("%s/content/s%d/p%02d.md", site, s, i),
                          e2e_fmt("# Page %d\n\n```python\nx = %d  # n\n```\n", i, i));
    }
    e2e_write_str(e2e_fmt("%s/content/s0/a.md", site),
                  "# A\n\n```cobol\nDISPLAY 'A'.\n```\n\n```cobol\nx\n```\n");
    e2e_write_str(e2e_fmt("%s/content/s1/a.md", site), "# A\n\n```foo\nz\n```\n");
    e2e_write_str(e2e_fmt("%s/content/s2/b.md", site),
                  "# B\n\n```cobol\ny\n```\n\n```c {1} linenos\nint x;\n```\n"
                  "\n```text\nnot a language\n```\n");
    return site;
}

static e2e_run_t build(const char *site)
{
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build failed:\n%s", r.err);
    return r;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

Test(highlight, pages_highlighted_and_one_warning_for_the_build)
{
    char *site = make_site("");
    e2e_run_t r = build(site);
    cr_assert_eq(count(r.err, "written plain"), 1, "one warning expected:\n%s", r.err);
    if (e2e_has_grammars())
        cr_assert(strstr(r.err, "warning: code blocks written plain, no grammar for their "
                                "language: cobol (2 pages), foo (1 page)\n"),
                  "%s", r.err);
    else /* built offline: every language is counted, python first */
        cr_assert(strstr(r.err, "built without its grammars"), "%s", r.err);
    e2e_run_free(&r);
    if (!e2e_has_grammars())
        return;
    char *p = e2e_out_file(site, "s1/p03/index.html");
    cr_assert(strstr(p, "<pre><code class=\"language-python\"><span class=\"hl-variable\">x"
                        "</span> <span class=\"hl-operator\">=</span> "
                        "<span class=\"hl-number\">3</span>  "
                        "<span class=\"hl-comment\"># n</span>\n</code></pre>"),
              "%s", p);
    char *b = e2e_out_file(site, "s2/b/index.html");
    cr_assert(strstr(b, "<pre><code class=\"language-cobol\">y\n</code></pre>"), "%s", b);
    cr_assert(strstr(b, "<pre class=\"linenos\"><code class=\"language-c\"><span class=\"line hl\">"
                        "<span class=\"hl-type\">int</span>"),
              "%s", b);
    cr_assert(strstr(b, "<pre><code class=\"language-text\">not a language\n</code></pre>"), "%s",
              b);
}

/* A rebuild that takes the pages' markdown from the render pack (a
 * config edit: nothing is rendered again) still names the languages. */
Test(highlight, warning_again_when_markdown_comes_from_the_pack)
{
    char *site = make_site("");
    e2e_run_t r = build(site);
    e2e_run_free(&r);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: Code, renamed\n");
    r = build(site);
    cr_assert_eq(count(r.err, "written plain"), 1, "one warning expected:\n%s", r.err);
    if (e2e_has_grammars())
        cr_assert(strstr(r.err, "cobol (2 pages), foo (1 page)\n"), "%s", r.err);
    e2e_run_free(&r);
}

Test(highlight, off_in_the_config)
{
    char *site = make_site("markdown:\n  highlight: false\n");
    e2e_run_t r = build(site);
    cr_assert(!strstr(r.err, "not highlighted"), "no warning when highlighting is off:\n%s", r.err);
    e2e_run_free(&r);
    char *p = e2e_out_file(site, "s1/p03/index.html");
    cr_assert(strstr(p, "<pre><code class=\"language-python\">x = 3  # n\n</code></pre>"), "%s", p);
    /* fence options still work */
    char *b = e2e_out_file(site, "s2/b/index.html");
    cr_assert(strstr(b, "<pre class=\"linenos\"><code class=\"language-c\"><span class=\"line hl\">"
                        "int x;\n</span></code></pre>"),
              "%s", b);
}

Test(highlight, markdown_command)
{
    e2e_run_t r;
    const char *md = "```c\nint x;\n```\n\n```cobol\nx\n```\n";
    char *in = e2e_fmt("%s/in.md", e2e_tmpdir());
    e2e_write_str(in, md);

    e2e_runl(&r, "sh", "-c", e2e_fmt("'%s' markdown --highlight < '%s'", e2e_bin(), in), NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    if (e2e_has_grammars())
        cr_assert(strstr(r.out, "<span class=\"hl-type\">int</span>"), "%s", r.out);
    cr_assert(strstr(r.err, "<stdin>: warning: code in \"cobol\" not highlighted"), "%s", r.err);
    e2e_run_free(&r);

    /* --plain: cmark-gfm's output, nothing highlighted, nothing said */
    e2e_runl(&r, "sh", "-c", e2e_fmt("'%s' markdown --plain --highlight < '%s'", e2e_bin(), in),
             NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "<pre><code class=\"language-c\">int x;\n</code></pre>\n"
                            "<pre><code class=\"language-cobol\">x\n</code></pre>\n");
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    e2e_run_free(&r);
}
