/*
 * tests/worker/markdown_include_test.c - include directives expanded as
 * the markdown adapter feeds its one parse (worker/markdown.h, step 0):
 * the included text is parsed as if it were written in the page (the
 * same HTML as the page with the text pasted in, footnotes and all),
 * diagnostics and links name the file and line they are in, line ends of
 * every kind are handled, plain mode ignores includes, a snapshot that
 * nests includes without end is cut at the depth limit, and an include
 * that reaches the parser (in a quote or list, or without a site) is
 * reported.
 *
 * The snapshot is the smallest one of snapfix.h and a few included files, whose include
 * directives are found by the coordinator's own scan (shared/myst.h), as
 * the page's are for each render.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "shared/myst.h"
#include "snapshot-format/writer.h"
#include "tests/snapshot-format/snapfix.h"
#include "tests/worker/mdfix.h"

#define PAGE "content/docs/page.md"

static const struct {
    const char *source, *body;
    uint32_t body_line;
} frags[] = {
    {"content/_snippets/a.md",
     "## From A\n\nA text with [[nowhere]].\n\n:::{include} b.md\n:::\n", 4},
    {"content/_snippets/b.md", "B text[^n] and [a link](../docs/other.md).\n\n[^n]: B's note.\n", 1},
    {"content/_snippets/cr.md", "CR one\rCR two\r\r- item [[cr-nowhere]]\r", 1},
    {"content/_snippets/nonl.md", "No newline at the end", 1},
    {"content/_snippets/self.md", "Self\n\n:::{include} self.md\n:::\n", 1},
};
#define N_FRAGS (sizeof frags / sizeof frags[0])

static bf_snap_t *snap;
static bf_buf_t img = BF_BUF_INIT;

/* The include records of text (a file at source), as the coordinator
 * makes them: fragment ids are indexes into frags; n set. */
static bf_snap_include_t found[16];

typedef struct {
    const char *source;
    size_t n;
} scan_ctx_t;

static int on_include(void *p, const bf_myst_include_t *inc)
{
    scan_ctx_t *c = p;
    char path[256];
    const char *why;
    cr_assert_null(inc->error, "%s", inc->error);
    cr_assert_eq(bf_myst_include_path(c->source, inc->path, inc->path_len, path, sizeof path,
                                      &why), 0);
    size_t k = 0;
    while (k < N_FRAGS && strcmp(frags[k].source, path) != 0)
        k++;
    cr_assert(k < N_FRAGS, "no fixture file %s", path);
    cr_assert(c->n < 16);
    found[c->n++] = (bf_snap_include_t){(uint32_t)inc->off, (uint32_t)inc->len, (uint32_t)k};
    return 0;
}

static size_t scan(const char *source, const char *text)
{
    scan_ctx_t c = {source, 0};
    bf_myst_includes(text, strlen(text), on_include, &c);
    return c.n;
}

static void setup(void)
{
    mdfix_setup();
    bf_snapw_t *w = fix_minimal();
    for (size_t i = 0; i < N_FRAGS; i++) {
        size_t n = scan(frags[i].source, frags[i].body);
        bf_snap_fragment_t f = {bf_snapw_cstr(w, frags[i].source),
                                bf_snapw_body(w, frags[i].body, strlen(frags[i].body)),
                                (uint32_t)strlen(frags[i].body), frags[i].body_line,
                                bf_snapw_includes(w, found, n)};
        bf_snapw_add(w, BF_SNAP_T_FRAGMENTS, &f);
    }
    cr_assert_eq(bf_snapw_finish_mem(w, &img), 0);
    cr_assert_eq(bf_snap_from_mem(img.data, img.len, "inc", &snap), 0);
    bf_snapw_free(w);
}

static void teardown(void)
{
    bf_snap_close(snap);
    bf_buf_free(&img);
    mdfix_teardown();
}

TestSuite(include, .init = setup, .fini = teardown);

/* Renders text as the page PAGE (body from line body_line), its includes
 * expanded. */
static const char *render_at(const char *text, uint32_t body_line, unsigned flags)
{
    size_t n = scan(PAGE, text);
    bf_md_page_t in = {.body = text, .body_len = strlen(text), .body_line = body_line,
                       .source = PAGE, .snap = snap, .flags = flags,
                       .extensions = BF_MD_EXT_ALL, .includes = found, .n_includes = n};
    cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
    cr_assert_eq(strlen(r.html), r.html_len);
    return r.html;
}

static const char *render(const char *text)
{
    return render_at(text, 1, 0);
}

/* The same page with the included text pasted in by hand. */
static char *pasted(const char *text)
{
    bf_md_page_t in = {.body = text, .body_len = strlen(text), .body_line = 1,
                       .source = PAGE, .snap = snap, .extensions = BF_MD_EXT_ALL};
    cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
    return strdup(r.html);
}

/* The result has one diagnostic: an include one at line (of source,
 * NULL: the page), its message holding words. */
static void one_include_diag(uint32_t line, const char *source, const char *words)
{
    cr_assert_eq(r.n_diags, 1);
    cr_assert_eq(r.diags[0].kind, BF_MD_DIAG_INCLUDE);
    cr_assert_eq(r.diags[0].line, line);
    cr_assert(source ? r.diags[0].source && !strcmp(r.diags[0].source, source)
                     : !r.diags[0].source, "source %s", r.diags[0].source);
    cr_assert(strstr(r.diags[0].message, words), "%s", r.diags[0].message);
}

static const bf_md_diag_t *diag_about(const char *target)
{
    for (size_t i = 0; i < r.n_diags; i++)
        if (strcmp(r.diags[i].target, target) == 0)
            return &r.diags[i];
    cr_assert_fail("no diagnostic about \"%s\"", target);
    return NULL;
}

Test(include, parsed_as_if_written_there)
{
    char *want = pasted("Before.\n\n"
                        "B text[^n] and [a link](../docs/other.md).\n\n[^n]: B's note.\n"
                        "\nAfter, with its own note[^m].\n\n[^m]: The page's note.\n");
    const char *got = render("Before.\n"
                             ":::{include} ../_snippets/b.md\n:::\n"
                             "After, with its own note[^m].\n\n[^m]: The page's note.\n");
    cr_assert_str_eq(got, want);
    cr_assert(strstr(got, "<section class=\"footnotes\""), "%s", got);
    free(want);
    /* the fenced form, nested includes */
    want = pasted("Top\n\n## From A\n\nA text with [[nowhere]].\n\n\n"
                  "B text[^n] and [a link](../docs/other.md).\n\n[^n]: B's note.\n\n\nEnd\n");
    got = render("Top\n```{include} ../_snippets/a.md\n```\nEnd\n");
    cr_assert_str_eq(got, want);
    cr_assert(strstr(got, "<h2 id=\"from-a\">From A</h2>"), "%s", got);
    cr_assert_eq(r.n_toc, 1);
    cr_assert_str_eq(r.toc[0].id, "from-a");
    free(want);
}

Test(include, diagnostics_and_links_name_their_file)
{
    render_at("Intro\n\n:::{include} ../_snippets/a.md\n:::\n\nSee [[also-nowhere]].\n", 10, 0);
    const bf_md_diag_t *d = diag_about("nowhere");
    cr_assert_str_eq(d->source, "content/_snippets/a.md");
    cr_assert_eq(d->line, 6, "body line 3 of a file whose body starts on line 4");
    d = diag_about("also-nowhere");
    cr_assert_null(d->source);
    cr_assert_eq(d->line, 15);
    d = diag_about("../docs/other.md");
    cr_assert_str_eq(d->source, "content/_snippets/b.md");
    cr_assert_eq(d->line, 1);
    bool seen = false;
    for (size_t i = 0; i < r.n_internal_links; i++) {
        const bf_md_link_t *l = &r.internal_links[i];
        if (strcmp(l->target, "../docs/other.md") == 0) {
            cr_assert_str_eq(l->source, "content/_snippets/b.md");
            cr_assert_eq(l->line, 1);
            seen = true;
        } else if (strcmp(l->target, "also-nowhere") == 0) {
            cr_assert_null(l->source);
            cr_assert_eq(l->line, 15);
        }
    }
    cr_assert(seen);
    /* a saved result keeps where each one is */
    bf_buf_t b = BF_BUF_INIT;
    bf_md_result_t back;
    const uint64_t *deps;
    cr_assert_eq(bf_md_result_save(&r, NULL, &b), 0);
    cr_assert_eq(bf_md_result_load(arena, b.data, b.len, &back, &deps), 0);
    cr_assert_eq(back.n_diags, r.n_diags);
    for (size_t i = 0; i < r.n_diags; i++) {
        cr_assert_eq(!r.diags[i].source, !back.diags[i].source);
        if (r.diags[i].source)
            cr_assert_str_eq(r.diags[i].source, back.diags[i].source);
    }
    for (size_t i = 0; i < r.n_internal_links; i++)
        if (r.internal_links[i].source)
            cr_assert_str_eq(r.internal_links[i].source, back.internal_links[i].source);
    bf_buf_free(&b);
}

Test(include, line_ends_of_every_kind)
{
    /* a file without a final newline: the page goes on in a block of its own */
    cr_assert_str_eq(render("X\n:::{include} ../_snippets/nonl.md\n:::\nY [[y-nowhere]]\n"),
                     "<p>X</p>\n<p>No newline at the end</p>\n<p>Y <a class=\"xref broken\" "
                     "data-target=\"y-nowhere\">y-nowhere</a></p>\n");
    cr_assert_eq(diag_about("y-nowhere")->line, 4);
    /* lone CRs on both sides: no line is lost or merged */
    const char *got = render("X\r:::{include} ../_snippets/cr.md\r:::\rY [[y-nowhere]]\r");
    cr_assert(strstr(got, "<p>X</p>\n<p>CR one\nCR two</p>\n<ul>\n<li>item"), "%s", got);
    cr_assert(strstr(got, "<p>Y <a"), "%s", got);
    cr_assert_eq(diag_about("y-nowhere")->line, 4);
    cr_assert_null(diag_about("y-nowhere")->source);
    cr_assert_eq(diag_about("cr-nowhere")->line, 4);
    cr_assert_str_eq(diag_about("cr-nowhere")->source, "content/_snippets/cr.md");
    /* CRLF */
    got = render("X\r\n:::{include} ../_snippets/nonl.md\r\n:::\r\nY [[y-nowhere]]\r\n");
    cr_assert(strstr(got, "<p>No newline at the end</p>\n<p>Y"), "%s", got);
    cr_assert_eq(diag_about("y-nowhere")->line, 4);
}

Test(include, plain_mode_is_cmark)
{
    const char *text =
        "Before\n:::{include} ../_snippets/b.md\n:::\n```{include} ../_snippets/a.md\n```\n";
    char *want = mdfix_cmark_html(text, BF_MD_EXT_ALL, 0);
    cr_assert_str_eq(render_at(text, 1, BF_MD_PLAIN), want);
    free(want);
}

Test(include, endless_nesting_stops_at_the_limit)
{
    const char *got = render(":::{include} ../_snippets/self.md\n:::\n");
    size_t selves = 0;
    for (const char *p = got; (p = strstr(p, "<p>Self</p>")); p++)
        selves++;
    cr_assert_eq(selves, BF_MYST_INCLUDE_DEPTH);
    one_include_diag(3, "content/_snippets/self.md", "too deep");
}

Test(include, not_expanded_is_reported)
{
    /* in a quote or a list: the scan does not take it, the parser does */
    cr_assert_str_eq(render("> :::{include} ../_snippets/b.md\n> :::\n"),
                     "<blockquote>\n</blockquote>\n");
    one_include_diag(1, NULL, "must start its own line");
    cr_assert_str_eq(render("1.  x\n\n    ```{include} ../_snippets/b.md\n    ```\n"),
                     "<ol>\n<li>\n<p>x</p>\n</li>\n</ol>\n");
    one_include_diag(3, NULL, "must start its own line");
    /* no site to take the text from */
    mdfix_render(":::{include} b.md\n:::\n", 0, PAGE, 1, NULL);
    one_include_diag(1, NULL, "when a site is built");
}
