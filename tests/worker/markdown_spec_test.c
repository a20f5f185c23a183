/*
 * tests/worker/markdown_spec_test.c - the GFM spec suite through the
 * adapter in plain mode.
 *
 * Every example of $BF_SPEC/spec.txt, extensions.txt and regression.txt
 * is rendered twice: by the adapter (BF_MD_PLAIN | BF_MD_UNSAFE, which is
 * what `bengal-farm markdown --plain --unsafe -e ...` does) and by
 * cmark-gfm's own cmark_render_html with the same extensions.  The two
 * must be byte-for-byte equal on every example: that is the proof that
 * our one-walk renderer reproduces cmark-gfm.  Each is also compared with
 * the example's expected HTML: every example cmark-gfm passes, we pass.
 *
 * Options as cmark-gfm's test suite runs them: raw HTML allowed; spec.txt
 * examples enable the extensions named on their fence line ("example
 * table"); extensions.txt runs with all six extensions; regression.txt
 * with none.  A '→' in an example stands for a tab.
 *
 * Examples cmark-gfm 0.29.0.gfm.6 itself fails (so we do too, identically);
 * the test asserts that cmark-gfm fails exactly these, by line number:
 *   spec.txt:5111 and :5123, "example disabled": the task list examples.
 *     The spec writes the checkbox as <input disabled="" type="checkbox">,
 *     cmark-gfm as <input type="checkbox" disabled="" />; the spec marks
 *     them disabled for that reason (we run them with tasklist on).
 *   extensions.txt:583: its expected output is the placeholder <IGNORE>
 *     (the example only checks that autolinking "(_A_@_.A" does not
 *     crash).
 *   extensions.txt:647 and regression.txt:169 (footnotes): the spec files
 *     predate the footnote HTML of gfm.6, which writes href="#fn-1",
 *     id="fnref-1", data-footnote-ref, data-footnotes and
 *     aria-label="Back to content"; the files expect "#fn1", "fnref1" and
 *     none of the data attributes.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "tests/worker/mdfix.h"
#include "worker/markdown.h"

typedef struct {
    char *md, *html;
    unsigned exts;
    int line;
} example_t;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    bf_buf_t b = BF_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        cr_assert_eq(bf_buf_append(&b, tmp, n), 0);
    fclose(f);
    *len = b.len;
    return bf_buf_detach(&b, len);
}

/* Appends line[0..n) to b with each "→" (U+2192) replaced by a tab. */
static void put_line(bf_buf_t *b, const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n + 0 && (unsigned char)line[i] == 0xe2 &&
            (unsigned char)line[i + 1] == 0x86 && (unsigned char)line[i + 2] == 0x92) {
            bf_buf_putc(b, '\t');
            i += 2;
        } else {
            bf_buf_putc(b, line[i]);
        }
    }
}

#define FENCE "````````````````````````````````"

static size_t parse_examples(const char *text, size_t len, unsigned file_exts,
                             example_t **out)
{
    size_t n = 0, cap = 0;
    example_t *ex = NULL;
    int state = 0, lineno = 0;
    bf_buf_t src = BF_BUF_INIT, html = BF_BUF_INIT;
    unsigned exts = 0;
    int start = 0;
    const char *p = text, *end = text + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        lineno++;
        if (state == 0 && ll >= 40 && strncmp(p, FENCE " example", 40) == 0) {
            state = 1;
            start = lineno;
            exts = file_exts;
            char names[256] = {0};
            size_t k = ll - 40 < sizeof(names) - 1 ? ll - 40 : sizeof(names) - 1;
            memcpy(names, p + 40, k);
            for (char *tok = strtok(names, " \n"); tok; tok = strtok(NULL, " \n"))
                exts |= strcmp(tok, "disabled") == 0 ? BF_MD_EXT_TASKLIST : bf_md_ext_from_name(tok);
            bf_buf_reset(&src);
            bf_buf_reset(&html);
        } else if (state == 1 && ll >= 1 && p[0] == '.' && (ll == 1 || p[1] == '\n')) {
            state = 2;
        } else if (state == 1) {
            put_line(&src, p, ll);
        } else if (state == 2 && strncmp(p, FENCE, 32) == 0) {
            state = 0;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                ex = realloc(ex, cap * sizeof(*ex));
            }
            ex[n].md = strdup(src.data ? src.data : "");
            ex[n].html = strdup(html.data ? html.data : "");
            ex[n].exts = exts;
            ex[n].line = start;
            n++;
        } else if (state == 2) {
            put_line(&html, p, ll);
        }
        p += ll;
    }
    bf_buf_free(&src);
    bf_buf_free(&html);
    *out = ex;
    return n;
}

/* Runs one spec file; returns the number of examples, and the counts of
 * (ours != cmark) and of cmark's failures against the spec. */
static size_t run_file(const char *name, unsigned file_exts, size_t *differ, size_t *cmark_fail,
                       size_t *ours_fail, const int *known, size_t n_known)
{
    const char *dir = getenv("BF_SPEC");
    char path[4096];
    size_t len;

    if (!dir || !*dir)
        cr_skip_test("BF_SPEC is not set (make check sets it to ../shared/spec)");
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *text = slurp(path, &len);
    if (!text)
        cr_skip_test("%s is absent: the GFM spec files are not available here", path);
    cr_assert_eq(bf_md_init(), 0);
    cmark_gfm_core_extensions_ensure_registered();

    example_t *ex;
    size_t n = parse_examples(text, len, file_exts, &ex);
    mdfix_setup();
    *differ = *cmark_fail = *ours_fail = 0;
    for (size_t i = 0; i < n; i++) {
        bf_md_page_t in = {.body = ex[i].md, .body_len = strlen(ex[i].md), .body_line = 1,
                           .flags = BF_MD_PLAIN | BF_MD_UNSAFE, .extensions = ex[i].exts};
        cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
        char *ref = mdfix_cmark_html(ex[i].md, ex[i].exts, CMARK_OPT_UNSAFE);
        if (strlen(ref) != r.html_len || memcmp(ref, r.html, r.html_len) != 0) {
            if (++*differ <= 5)
                fprintf(stderr, "%s:%d: differs from cmark_render_html\n--- cmark\n%s--- ours\n%.*s",
                        name, ex[i].line, ref, (int)r.html_len, r.html);
        }
        if (strcmp(ref, ex[i].html) != 0) {
            bool listed = false;
            for (size_t k = 0; k < n_known; k++)
                listed |= known[k] == ex[i].line;
            ++*cmark_fail;
            if (!listed)
                cr_assert_fail("%s:%d: cmark-gfm fails this example, not listed", name,
                        ex[i].line);
        }
        if (r.html_len != strlen(ex[i].html) || memcmp(r.html, ex[i].html, r.html_len) != 0)
            ++*ours_fail;
        free(ref);
        bf_arena_reset(arena);
        free(ex[i].md);
        free(ex[i].html);
    }
    free(ex);
    free(text);
    mdfix_teardown();
    fprintf(stderr, "%s: %zu examples, %zu differ from cmark-gfm, cmark-gfm fails %zu, "
                    "we fail %zu\n",
            name, n, *differ, *cmark_fail, *ours_fail);
    return n;
}

Test(markdown_spec, spec_txt)
{
    static const int known[] = {5111, 5123};
    size_t differ, cmark_fail, ours_fail;
    size_t n = run_file("spec.txt", 0, &differ, &cmark_fail, &ours_fail, known, 2);
    cr_assert_eq(n, 673);
    cr_assert_eq(differ, 0, "%zu examples differ from cmark_render_html", differ);
    cr_assert_eq(cmark_fail, 2);
    cr_assert_eq(ours_fail, cmark_fail);
}

Test(markdown_spec, extensions_txt)
{
    static const int known[] = {583, 647};
    size_t differ, cmark_fail, ours_fail;
    size_t n = run_file("extensions.txt", BF_MD_EXT_ALL, &differ, &cmark_fail, &ours_fail,
                        known, 2);
    cr_assert_eq(n, 28);
    cr_assert_eq(differ, 0, "%zu examples differ from cmark_render_html", differ);
    cr_assert_eq(cmark_fail, 2);
    cr_assert_eq(ours_fail, cmark_fail);
}

Test(markdown_spec, regression_txt)
{
    static const int known[] = {169};
    size_t differ, cmark_fail, ours_fail;
    size_t n = run_file("regression.txt", 0, &differ, &cmark_fail, &ours_fail, known, 1);
    cr_assert_eq(n, 19);
    cr_assert_eq(differ, 0, "%zu examples differ from cmark_render_html", differ);
    cr_assert_eq(cmark_fail, 1);
    cr_assert_eq(ours_fail, cmark_fail);
}
