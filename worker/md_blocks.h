/*
 * worker/md_blocks.h - the node renderers of the walk that do more than
 * write a fixed tag (private to the markdown adapter; includes cmark-gfm
 * through md_render.h).
 *
 * Each is called by the walk (md_render.c) on the node's ENTER event, or
 * on ENTER and EXIT when it takes "entering".  They write into w->html
 * and record metadata in w; errors are sticky in w->oom.
 */
#ifndef BF_WORKER_MD_BLOCKS_H
#define BF_WORKER_MD_BLOCKS_H

#include <stdbool.h>

#include "worker/md_render.h"

/* "<hN" ... ">" then, at EXIT, the id spliced into the start tag (slug of
 * the heading text, or {#custom}), the optional permalink, the TOC entry
 * and the page title (first level-1 heading). */
void bf_md_heading_enter(bf_md_walk_t *w, cmark_node *node);
void bf_md_heading_exit(bf_md_walk_t *w, cmark_node *node);

/* A code block: class="language-X", flags, languages, words; outside
 * plain mode a fence's options and highlighting (md_code.h). */
void bf_md_code_block(bf_md_walk_t *w, cmark_node *node);

/* Raw HTML (omitted unless unsafe, tag-filtered); <!--more--> ends the
 * excerpt and is not written outside plain mode. */
void bf_md_html_block(bf_md_walk_t *w, cmark_node *node);
void bf_md_html_inline(bf_md_walk_t *w, cmark_node *node);

/* The href or src value of a link or image (recorded; relative .md links
 * rewritten to their page's URL outside plain mode), and its title
 * attribute. */
void bf_md_link_target(bf_md_walk_t *w, const char *url, bool image);
void bf_md_link_title(bf_md_walk_t *w, cmark_node *node);

/* Footnotes: a definition (ENTER and EXIT), a reference (ENTER), and the
 * back-references written at the end of a definition's last paragraph. */
void bf_md_footnote_def(bf_md_walk_t *w, cmark_node *node, bool entering);
void bf_md_footnote_ref(bf_md_walk_t *w, cmark_node *node);
void bf_md_footnote_backref(bf_md_walk_t *w, cmark_node *def);

/* Table, row or cell (type says which), as the table extension writes
 * them. */
void bf_md_table(bf_md_walk_t *w, cmark_node *node, cmark_node_type type, bool entering);

#endif
