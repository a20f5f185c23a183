/*
 * worker/md_inline.h - text in the walk: runs of text nodes with their
 * cross-references, words, math detection, heading text and excerpt cut
 * (private to the markdown adapter; includes cmark-gfm through
 * md_render.h).
 */
#ifndef BF_WORKER_MD_INLINE_H
#define BF_WORKER_MD_INLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "worker/md_render.h"

/* The run of adjacent text nodes starting at first: writes it with
 * [[cross-references]] as links (not in plain mode), a trailing {#id}
 * removed from a heading, words counted, math looked for.  Returns the
 * last node of the run (the walk continues after it). */
cmark_node *bf_md_text_run(bf_md_walk_t *w, cmark_node *first);

/* Counts the words of s (code, titles), which is written elsewhere. */
void bf_md_count_words(bf_md_walk_t *w, const char *s, size_t n);

/* A word boundary at a block edge. */
void bf_md_word_break(bf_md_walk_t *w);

/* A soft or hard line break inside node's parent: a word boundary where
 * the excerpt may be cut. */
void bf_md_line_break(bf_md_walk_t *w, cmark_node *node);

/* The math of an excerpt (page.summary, and through it lists and
 * index.json), which readers see outside the page and often as plain
 * text: display math ($$...$$, \[...\]) is dropped, a summary being
 * prose; inline math ($...$ as pandoc reads it, \(...\)) becomes
 * <span class="math" data-tex="TeX">…</span> (an ellipsis), which a page that
 * loads KaTeX typesets from data-tex and which reads as an ellipsis where
 * tags are stripped, never as TeX.  Text inside <code> and <pre> and math
 * broken by a tag are left alone.  html[0..n) is escaped HTML; returns it
 * rewritten in the result arena (or html itself when it has no math),
 * length in *len; NULL on out of memory (w->oom set). */
const char *bf_md_excerpt_math(bf_md_walk_t *w, const char *html, size_t n, size_t *len);

/* True when the paragraph HTML p[0..n) ("<p>$$...$$</p>") holds display
 * math and nothing else: no excerpt is taken from it. */
bool bf_md_is_display_math(const char *p, size_t n);

#endif
