/*
 * worker/md_render.h - the single walk over a parsed page: HTML output
 * and metadata (private to the markdown adapter).
 *
 * Included only by worker/markdown.c and worker/md_*.c: it brings in
 * cmark-gfm's headers, including its internal node.h (installed by
 * libcmark-gfm-dev) for what the public API does not give: the footnote
 * numbering and labels (md_blocks.c), a block's "open" flag
 * (md_admon.c) and a paragraph's start line (md_directive.c).  bf_md_init refuses a library whose version differs from
 * these headers.
 *
 * The walk is split by concern: md_render.c (the walk, fixed tags, output
 * helpers), md_blocks.c (headings, code, raw HTML, links, footnotes,
 * tables), md_directive.c (directives and GitHub alerts), md_inline.c
 * (text: cross-references, words, math, excerpt cut).
 *
 * bf_md_walk_t is the state of one page's render.  Its buffers and vectors
 * belong to the bf_md_t and are only borrowed; the walk never frees.
 * Output errors are sticky: a failed append sets oom and later appends do
 * nothing, so handlers need not check every call; bf_md_render looks at
 * oom once at the end.
 */
#ifndef BF_WORKER_MD_RENDER_H
#define BF_WORKER_MD_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm/node.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "worker/markdown.h"
#include "worker/md_slug.h"

/* Extension objects and node types, found once by bf_md_init (before fork)
 * and read-only afterwards. */
typedef struct {
    cmark_syntax_extension *table, *strikethrough, *autolink, *tagfilter, *tasklist;
    cmark_syntax_extension *admonition, *mkdocs;
    /* t_admon: every directive node, of both syntaxes (md_admon.h) */
    cmark_node_type t_table, t_row, t_cell, t_strike, t_admon;
} bf_md_types_t;

const bf_md_types_t *bf_md_types(void);

/* A growable array of fixed-size elements (malloc'd, reused per page). */
typedef struct {
    void *p;
    size_t n, cap;
} bf_md_vec_t;

/* Pointer to a new zeroed element, or NULL on OOM. */
void *bf_md_vec_push(bf_md_vec_t *v, size_t elem);

/* A same-page [[#anchor]] to check once every heading id is known. */
typedef struct {
    const char *anchor; /* in the result arena */
    uint32_t line;      /* of the text parsed (bf_md_src_line) */
} bf_md_anchor_ref_t;

/* Where the text parsed comes from: from cmark's line start on (to the
 * next segment's), lines are those of source from line on.  The body
 * with no include is one segment; each include adds its file's and the
 * page's again after it (markdown.c). */
typedef struct {
    uint32_t start;     /* line of the text parsed, 1-based */
    uint32_t line;      /* its line in source */
    const char *source; /* NULL: the page; else an included file (snapshot) */
} bf_md_seg_t;

typedef struct bf_md_walk {
    /* the page */
    const bf_md_page_t *in;
    bf_md_result_t *out;
    bf_arena_t *arena;          /* results */
    bool plain, unsafe, tagfilter, anchor_links;
    bf_md_vec_t *segs;          /* bf_md_seg_t, by start: the line map */
    const char *url_prefix;
    size_t url_prefix_len;
    uint8_t toc_min, toc_max;

    /* borrowed from the bf_md_t */
    bf_buf_t *html;
    bf_buf_t *run;              /* a run of text nodes, joined */
    bf_buf_t *heading;          /* plain text of the heading being rendered */
    bf_buf_t *tmp;              /* paths, small strings */
    bf_md_ids_t *ids;
    bf_md_vec_t *toc, *ilinks, *elinks, *images, *diags, *langs, *anchors;

    /* cmark-gfm html.c state, reproduced */
    int footnote_ix, written_footnote_ix;
    bool in_table_header, need_closing_tbody;
    unsigned cell_ix;
    cmark_node *plain_node;     /* image whose alt text is being written */

    /* directives */
    uint32_t tab_sets;          /* tab-sets written so far (their ids) */

    /* where we are */
    uint32_t line;              /* line of inline content in the text
                                   parsed (cmark's count) */
    uint64_t nodes;             /* nodes entered */

    /* words */
    size_t words;
    bool in_word;

    /* heading being rendered */
    bool in_heading;
    size_t heading_attr;        /* html offset right after "<hN" */
    const char *custom_id;      /* {#id} (arena), or NULL */
    uint32_t last_toc[7];       /* latest TOC item of each level, or NONE */

    /* excerpt: 0 looking for the first paragraph, 1 inside it, 2 done */
    int ex_state;
    size_t ex_start;            /* html offset of its "<p>" */
    size_t ex_words;
    size_t ex_cut;              /* html offset of the cut, 0 if none */
    const char *ex_closers;     /* tags closing what is open at the cut */
    cmark_node *ex_para;
    const char *ex_html;        /* the first paragraph excerpt (arena) */
    size_t ex_len;
    const char *more_html;      /* everything before <!--more--> (arena) */
    size_t more_len;

    int oom;
} bf_md_walk_t;

/* ---- output helpers (sticky OOM) ---- */

int bf_md_grow_slow(bf_md_walk_t *w, bf_buf_t *b, size_t n);

static inline void bf_md_put(bf_md_walk_t *w, const void *p, size_t n)
{
    bf_buf_t *b = w->html;
    if (b->cap - b->len < n + 1 && bf_md_grow_slow(w, b, n) < 0)
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void bf_md_puts(bf_md_walk_t *w, const char *s)
{
    bf_md_put(w, s, strlen(s));
}

static inline void bf_md_putc(bf_md_walk_t *w, char c)
{
    bf_md_put(w, &c, 1);
}

/* cmark_html_render_cr: a newline unless at the start or after one. */
static inline void bf_md_cr(bf_md_walk_t *w)
{
    if (w->html->len && w->html->data[w->html->len - 1] != '\n')
        bf_md_putc(w, '\n');
}

/* houdini_escape_html0(secure = 0): & < > " escaped. */
void bf_md_escape_html(bf_md_walk_t *w, const char *s, size_t n);
/* houdini_escape_href: URL-safe bytes kept, & and ' as entities, the rest
 * %XX. */
void bf_md_escape_href(bf_md_walk_t *w, const char *s, size_t n);

/* The line in its file of line (of the text parsed, as cmark counts),
 * and that file (*source: NULL for the page itself). */
uint32_t bf_md_src_line(const bf_md_walk_t *w, uint32_t line, const char **source);

/* Adds a diagnostic at line of the text parsed (mapped to its file and
 * line), the message built with printf-style fmt in the arena. */
void bf_md_diag(bf_md_walk_t *w, bf_md_diag_kind_t kind, uint32_t line, const char *target,
                size_t target_len, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Records a link (url as written) in the list for its kind. */
void bf_md_note_link(bf_md_walk_t *w, bf_md_vec_t *list, bf_md_link_kind_t kind,
                     const char *target, size_t len, const char *frag, size_t frag_len,
                     uint32_t page);

/* The block node starts a new line count (cmark's start line; nodes that
 * an extension made while parsing have none, and keep the count). */
static inline void bf_md_set_line(bf_md_walk_t *w, cmark_node *node)
{
    int l = cmark_node_get_start_line(node);
    if (l > 0)
        w->line = (uint32_t)l;
}

/* Line (of the text parsed) of the inline content being rendered. */
static inline uint32_t bf_md_line(const bf_md_walk_t *w)
{
    return w->line;
}

/* The walk: renders doc and fills the walk's metadata; each node is
 * entered once (counted in w->nodes).  Returns 0, or -1 on OOM. */
int bf_md_walk(bf_md_walk_t *w, cmark_node *doc);

/* Tags that close every element open around node (up to the document),
 * innermost first, in the arena; used to end an excerpt cut inside them. */
const char *bf_md_closers(bf_md_walk_t *w, cmark_node *node);

/* Inserts s[0..n) at offset pos of the output (the id of a heading whose
 * content is already written: the content moves, nothing is re-read). */
void bf_md_insert(bf_md_walk_t *w, size_t pos, const char *s, size_t n);

#endif
