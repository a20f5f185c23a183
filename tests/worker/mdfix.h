/*
 * tests/worker/mdfix.h - what the markdown adapter's unit tests share: one
 * renderer and one result arena per test (mdfix_setup / mdfix_teardown as
 * a suite's init and fini), the last result, a site-mode render, and
 * cmark-gfm's own HTML for a text (what plain mode must equal).
 * Header-only; one test binary includes it once.
 */
#ifndef BF_TESTS_WORKER_MDFIX_H
#define BF_TESTS_WORKER_MDFIX_H

#include <criterion/criterion.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "shared/arena.h"
#include "snapshot-format/reader.h"
#include "worker/markdown.h"

static bf_md_t *md;
static bf_arena_t *arena;
static bf_md_result_t r;

static inline void mdfix_setup(void)
{
    cr_assert_eq(bf_md_init(), 0);
    md = bf_md_new();
    arena = bf_arena_create(0);
    cr_assert_not_null(md);
}

static inline void mdfix_teardown(void)
{
    bf_md_free(md);
    bf_arena_destroy(arena);
}

/* Renders text with every extension into r (checked for a consistent
 * length); returns the HTML. */
static inline const char *mdfix_render(const char *text, unsigned flags, const char *source,
                                       uint32_t body_line, const bf_snap_t *snap)
{
    bf_md_page_t in = {.body = text, .body_len = strlen(text), .body_line = body_line,
                       .source = source, .snap = snap, .flags = flags,
                       .extensions = BF_MD_EXT_ALL};
    cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
    cr_assert_eq(strlen(r.html), r.html_len);
    return r.html;
}

/* cmark-gfm's own rendering of text (malloc'd) with the cmark options
 * opts and the extensions exts (BF_MD_EXT_*), the way its spec tests run
 * it. */
static inline char *mdfix_cmark_html(const char *text, unsigned exts, int opts)
{
    static const char *const names[] = {"table", "strikethrough", "autolink", "tagfilter",
                                        "tasklist"};
    static const unsigned bits[] = {BF_MD_EXT_TABLE, BF_MD_EXT_STRIKETHROUGH,
                                    BF_MD_EXT_AUTOLINK, BF_MD_EXT_TAGFILTER,
                                    BF_MD_EXT_TASKLIST};
    cmark_gfm_core_extensions_ensure_registered();
    opts |= (exts & BF_MD_EXT_FOOTNOTES) ? CMARK_OPT_FOOTNOTES : 0;
    cmark_parser *p = cmark_parser_new(opts);
    for (int i = 0; i < 5; i++)
        if (exts & bits[i])
            cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(p, text, strlen(text));
    cmark_node *doc = cmark_parser_finish(p);
    char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
    cmark_node_free(doc);
    cmark_parser_free(p);
    return html;
}

#endif
