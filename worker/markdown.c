/*
 * worker/markdown.c - the markdown adapter: setup, cmark-gfm's memory,
 * the per-page driver and the results (see markdown.h).
 *
 * Per page: a parser is made in the page's cmark arena (cmark-gfm has no
 * way to reset a parser for a new document without allocating its next
 * root in the same memory, so a parser cannot outlive the arena it
 * allocates from; making one is a handful of bump allocations), the
 * extensions are attached, the body is fed and parsed once, the tree is
 * walked once (md_render.c), the results are copied into the caller's
 * arena, and the cmark arena is reset: nothing of cmark-gfm survives the
 * call, and nothing is freed node by node.
 *
 * Why not cmark_get_arena_mem_allocator(): cmark-gfm's own arena is a
 * single global chain that cmark_arena_reset() frees entirely, so every
 * page would calloc (and zero) a fresh 4 MiB first chunk, and it never
 * reuses what cmark frees during the parse.  Our allocator (below) keeps
 * its blocks across pages (bf_arena reaches a steady state) and recycles
 * freed blocks within the page.
 */
#include "worker/markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/ctx.h"
#include "shared/log.h"
#include "shared/mdtitle.h"
#include "shared/myst.h"
#include "worker/md_admon.h"
#include "worker/md_inline.h"
#include "worker/md_mkdocs.h"
#include "worker/md_render.h"

/* Filled once by bf_md_init before fork, read-only afterwards. */
static bf_md_types_t bf_md_g;
static bool bf_md_ready;

const bf_md_types_t *bf_md_types(void)
{
    return &bf_md_g;
}

/* Page bodies larger than this are refused (cmark-gfm counts in int). */
#define BF_MD_MAX_BODY ((size_t)512 << 20)
/* A cmark arena that grew past this for one huge page is given back. */
#define BF_MD_CM_KEEP ((size_t)64 << 20)


/* ---- cmark-gfm's allocator ---- */

/*
 * cmark-gfm allocates a lot of short-lived memory while it parses
 * (temporaries of every table row, strbufs that grow by realloc) and frees
 * it at once.  A plain bump allocator would keep all of it and leave the
 * nodes spread thin among dead blocks, which makes every later pass over
 * the tree slower.  So this is a small allocator inside the page's arena:
 * blocks are bumped from 64 KiB chunks; a freed small block goes on a free
 * list of its size class and is reused; realloc of the last block grows
 * it in place.  Nothing is returned to the arena before the page ends, and
 * the free lists die with it.  Each block is preceded by its capacity; all
 * are 8-aligned, as in cmark-gfm's own arena.
 */
#define CM_HDR 8
#define CM_CHUNK ((size_t)64 * 1024)
#define CM_ALIGN(n) (((n) + 7) & ~(size_t)7)
#define CM_SMALL 512 /* capacities up to this are recycled */

typedef struct {
    bf_arena_t *arena;
    unsigned char *cur, *end;  /* free part of the current chunk */
    unsigned char *last;       /* header of the last block bumped, or NULL */
    void *free[CM_SMALL / 8 + 1]; /* recycled blocks by capacity / 8 */
} bf_md_cm_t;

/* The allocator state in use while a page is rendered: the one
 * process-wide "current arena" STYLE 4 allows (cmark_mem has no context
 * pointer).  NULL outside bf_md_render. */
static bf_md_cm_t *bf_md_cm;

static void cm_oom(size_t n)
{
    bf_log_error("out of memory while parsing markdown (%zu bytes)", n);
    exit(1);
}

static void *cm_alloc(size_t n, bool zero)
{
    bf_md_cm_t *c = bf_md_cm;
    unsigned char *p;

    if (!c) {
        bf_log_error("markdown: cmark-gfm allocated outside a render");
        abort();
    }
    if (n > SIZE_MAX / 2)
        cm_oom(n);
    size_t cap = CM_ALIGN(n ? n : 1);
    if (cap <= CM_SMALL && c->free[cap / 8]) {
        p = (unsigned char *)c->free[cap / 8] - CM_HDR;
        memcpy(&c->free[cap / 8], p + CM_HDR, sizeof(void *));
    } else if (cap + CM_HDR > CM_CHUNK / 4) {
        p = bf_arena_alloc(c->arena, cap + CM_HDR); /* big: a block of its own */
        if (!p)
            cm_oom(n);
    } else {
        if ((size_t)(c->end - c->cur) < cap + CM_HDR) {
            c->cur = bf_arena_alloc(c->arena, CM_CHUNK);
            if (!c->cur)
                cm_oom(n);
            c->end = c->cur + CM_CHUNK;
        }
        p = c->last = c->cur;
        c->cur += cap + CM_HDR;
    }
    memcpy(p, &cap, sizeof(cap));
    if (zero)
        memset(p + CM_HDR, 0, cap);
    return p + CM_HDR;
}

static void *cm_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        cm_oom(SIZE_MAX);
    return cm_alloc(count * size, true);
}

static void *cm_realloc(void *old, size_t n)
{
    bf_md_cm_t *c = bf_md_cm;
    size_t cap;

    if (!old)
        return cm_alloc(n, false);
    unsigned char *h = (unsigned char *)old - CM_HDR;
    memcpy(&cap, h, sizeof(cap));
    if (n <= cap)
        return old;
    if (h == c->last && n <= SIZE_MAX / 2 && (size_t)(c->end - h) >= CM_HDR + CM_ALIGN(n)) {
        size_t grown = CM_ALIGN(n); /* the last block grows in place */
        c->cur = h + CM_HDR + grown;
        memcpy(h, &grown, sizeof(grown));
        return old;
    }
    void *p = cm_alloc(n, false);
    memcpy(p, old, cap);
    if (cap <= CM_SMALL && h != c->last) {
        memcpy(old, &c->free[cap / 8], sizeof(void *));
        c->free[cap / 8] = old;
    }
    return p;
}

static void cm_free(void *p)
{
    bf_md_cm_t *c = bf_md_cm;
    size_t cap;

    if (!p || !c)
        return;
    unsigned char *h = (unsigned char *)p - CM_HDR;
    memcpy(&cap, h, sizeof(cap));
    if (cap <= CM_SMALL) {
        memcpy(p, &c->free[cap / 8], sizeof(void *));
        c->free[cap / 8] = p;
    }
    /* bigger blocks go with the arena after the page */
}

static cmark_mem bf_md_cm_mem = {cm_calloc, cm_realloc, cm_free};

struct bf_md {
    bf_md_cm_t cm;          /* cmark-gfm's memory, reset after each page */
    bf_buf_t html, run, heading, tmp;
    bf_md_ids_t ids;
    bf_md_vec_t toc, ilinks, elinks, images, diags, langs, anchors, segs;
    bf_md_stats_t stats;
};

/* ---- setup ---- */

static const struct {
    const char *name;
    unsigned bit;
} ext_names[] = {
    {"table", BF_MD_EXT_TABLE},         {"strikethrough", BF_MD_EXT_STRIKETHROUGH},
    {"autolink", BF_MD_EXT_AUTOLINK},   {"tagfilter", BF_MD_EXT_TAGFILTER},
    {"tasklist", BF_MD_EXT_TASKLIST},   {"footnotes", BF_MD_EXT_FOOTNOTES},
};

unsigned bf_md_ext_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(ext_names) / sizeof(ext_names[0]); i++)
        if (strcmp(ext_names[i].name, name) == 0)
            return ext_names[i].bit;
    return 0;
}

/* The extensions' node types are numbers handed out at registration;
 * they are learnt from a tiny document rather than from the extensions'
 * uninstalled headers. */
static int learn_types(void)
{
    static const char sample[] = "| a |\n| - |\n| b |\n\n~~s~~\n";
    int rc = -1;
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
    if (!p)
        return -1;
    cmark_parser_attach_syntax_extension(p, bf_md_g.table);
    cmark_parser_attach_syntax_extension(p, bf_md_g.strikethrough);
    cmark_parser_feed(p, sample, sizeof(sample) - 1);
    cmark_node *doc = cmark_parser_finish(p);
    cmark_node *table = doc ? cmark_node_first_child(doc) : NULL;
    cmark_node *row = table ? cmark_node_first_child(table) : NULL;
    cmark_node *cell = row ? cmark_node_first_child(row) : NULL;
    cmark_node *para = table ? cmark_node_next(table) : NULL;
    cmark_node *strike = para ? cmark_node_first_child(para) : NULL;
    if (cell && strike && strcmp(cmark_node_get_type_string(table), "table") == 0 &&
        strcmp(cmark_node_get_type_string(strike), "strikethrough") == 0) {
        bf_md_g.t_table = cmark_node_get_type(table);
        bf_md_g.t_row = cmark_node_get_type(row);
        bf_md_g.t_cell = cmark_node_get_type(cell);
        bf_md_g.t_strike = cmark_node_get_type(strike);
        rc = 0;
    }
    if (doc)
        cmark_node_free(doc);
    cmark_parser_free(p);
    return rc;
}

int bf_md_init(void)
{
    if (bf_md_ready)
        return 0;
    if (cmark_version() != CMARK_GFM_VERSION) {
        /* md_render.c reads three fields of cmark's internal node struct */
        bf_log_error("cmark-gfm library %s does not match the headers %s it was built with",
                     cmark_version_string(), CMARK_GFM_VERSION_STRING);
        return -1;
    }
    cmark_gfm_core_extensions_ensure_registered();
    bf_md_g.table = cmark_find_syntax_extension("table");
    bf_md_g.strikethrough = cmark_find_syntax_extension("strikethrough");
    bf_md_g.autolink = cmark_find_syntax_extension("autolink");
    bf_md_g.tagfilter = cmark_find_syntax_extension("tagfilter");
    bf_md_g.tasklist = cmark_find_syntax_extension("tasklist");
    if (!bf_md_g.table || !bf_md_g.strikethrough || !bf_md_g.autolink ||
        !bf_md_g.tagfilter || !bf_md_g.tasklist || learn_types() < 0) {
        bf_log_error("cmark-gfm extensions are missing (is libcmark-gfm-extensions installed?)");
        return -1;
    }
    bf_md_g.admonition = bf_md_admon_new(&bf_md_g.t_admon);
    bf_md_g.mkdocs = bf_md_g.admonition ? bf_md_mkdocs_new() : NULL;
    if (!bf_md_g.mkdocs) {
        bf_log_error("out of memory");
        return -1;
    }
    bf_md_ready = true;
    return 0;
}

bf_md_t *bf_md_new(void)
{
    bf_md_t *md = calloc(1, sizeof(*md));
    if (md)
        md->cm.arena = bf_arena_create(256 * 1024);
    if (!md || !md->cm.arena) {
        free(md);
        bf_log_error("out of memory");
        return NULL;
    }
    return md;
}

void bf_md_free(bf_md_t *md)
{
    if (!md)
        return;
    bf_arena_destroy(md->cm.arena);
    bf_buf_free(&md->html);
    bf_buf_free(&md->run);
    bf_buf_free(&md->heading);
    bf_buf_free(&md->tmp);
    bf_md_ids_free(&md->ids);
    bf_md_vec_t *v[] = {&md->toc,   &md->ilinks, &md->elinks,  &md->images,
                        &md->diags, &md->langs,  &md->anchors, &md->segs};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        free(v[i]->p);
    free(md);
}

void bf_md_stats(const bf_md_t *md, bf_md_stats_t *out)
{
    *out = md->stats;
}

/* ---- results ---- */

/* Copies a scratch vector into the arena. */
static void *vec_out(bf_md_walk_t *w, const bf_md_vec_t *v, size_t elem, size_t *n)
{
    *n = v->n;
    if (v->n == 0)
        return NULL;
    void *p = bf_arena_memdup(w->arena, v->p, v->n * elem);
    if (!p)
        w->oom = 1;
    return p;
}

/* Copies what was written to the output since mark into the arena and
 * takes it off the output again: how the TOC and the summary excerpt are
 * escaped with the same helpers as the page. */
static const char *take_output(bf_md_walk_t *w, size_t mark, size_t *len)
{
    *len = w->html->len - mark;
    const char *s = w->oom ? NULL : bf_arena_strndup(w->arena, w->html->data + mark, *len);
    bf_buf_truncate(w->html, mark);
    if (!s) {
        w->oom = 1;
        *len = 0;
    }
    return s;
}

/* Links the TOC items into a tree and writes the nested <ul>. */
static void toc_finish(bf_md_walk_t *w)
{
    bf_md_toc_item_t *it = w->toc->p;
    size_t n = w->toc->n, mark = w->html->len;
    uint32_t top = BF_MD_NONE;
    int prev = -1;

    /* backwards, so that each list of children comes out in order */
    for (size_t k = n; k-- > 0;) {
        if (it[k].parent == BF_MD_NONE) {
            it[k].next_sibling = top;
            top = (uint32_t)k;
        } else {
            it[k].next_sibling = it[it[k].parent].first_child;
            it[it[k].parent].first_child = (uint32_t)k;
        }
    }
    /* document order is the tree's preorder: depth grows by one at most */
    for (size_t k = 0; k < n; k++) {
        int d = it[k].depth;
        if (d > prev) {
            bf_md_puts(w, prev >= 0 ? "\n<ul>\n<li>" : "<ul>\n<li>");
        } else {
            bf_md_puts(w, "</li>\n");
            for (int i = prev; i > d; i--)
                bf_md_puts(w, "</ul>\n</li>\n");
            bf_md_puts(w, "<li>");
        }
        prev = d;
        bf_md_puts(w, "<a href=\"#");
        bf_md_escape_href(w, it[k].id, strlen(it[k].id));
        bf_md_puts(w, "\">");
        bf_md_escape_html(w, it[k].text, strlen(it[k].text));
        bf_md_puts(w, "</a>");
    }
    if (prev >= 0) {
        bf_md_puts(w, "</li>\n");
        for (int i = prev; i > 0; i--)
            bf_md_puts(w, "</ul>\n</li>\n");
        bf_md_puts(w, "</ul>\n");
    }
    w->out->toc_html = take_output(w, mark, &w->out->toc_html_len);
}

static void excerpt_finish(bf_md_walk_t *w)
{
    bf_md_result_t *out = w->out;
    const bf_md_page_t *in = w->in;

    if (w->more_html) {
        out->excerpt_html = w->more_html;
        out->excerpt_len = w->more_len;
        out->flags |= BF_MD_EXCERPT_MORE;
    } else if (in->summary && in->summary_len) {
        size_t mark = w->html->len;
        bf_md_puts(w, "<p>");
        bf_md_escape_html(w, in->summary, in->summary_len);
        bf_md_puts(w, "</p>");
        out->excerpt_html = take_output(w, mark, &out->excerpt_len);
    } else if (w->ex_html) {
        out->excerpt_html = w->ex_html;
        out->excerpt_len = w->ex_len;
    } else {
        out->excerpt_html = "";
    }
    out->excerpt_html = bf_md_excerpt_math(w, out->excerpt_html, out->excerpt_len,
                                           &out->excerpt_len);
    if (!out->excerpt_html)
        out->excerpt_html = "";
}

static void results(bf_md_walk_t *w, bf_md_t *md)
{
    bf_md_result_t *out = w->out;

    /* same-page [[#anchor]]s, now that every heading id is known */
    const bf_md_anchor_ref_t *a = md->anchors.p;
    for (size_t i = 0; i < md->anchors.n; i++)
        if (!bf_md_ids_has(&md->ids, a[i].anchor, strlen(a[i].anchor)))
            bf_md_diag(w, BF_MD_DIAG_BROKEN_ANCHOR, a[i].line, a[i].anchor,
                       strlen(a[i].anchor), "no heading with id \"%s\" on this page",
                       a[i].anchor);
    toc_finish(w);
    excerpt_finish(w);
    out->toc = vec_out(w, &md->toc, sizeof(bf_md_toc_item_t), &out->n_toc);
    out->code_langs = vec_out(w, &md->langs, sizeof(const char *), &out->n_code_langs);
    out->internal_links = vec_out(w, &md->ilinks, sizeof(bf_md_link_t),
                                  &out->n_internal_links);
    out->external_links = vec_out(w, &md->elinks, sizeof(bf_md_link_t),
                                  &out->n_external_links);
    out->images = vec_out(w, &md->images, sizeof(bf_md_link_t), &out->n_images);
    out->diags = vec_out(w, &md->diags, sizeof(bf_md_diag_t), &out->n_diags);
    out->word_count = w->words;
    out->reading_time = (uint32_t)((w->words + BF_MD_WPM - 1) / BF_MD_WPM);
    if (out->reading_time == 0)
        out->reading_time = 1;
    out->html = md->html.data;
    out->html_len = md->html.len;
}

/* The path part of the site's baseurl, without a trailing '/'. */
static const char *url_prefix(bf_arena_t *arena, const bf_md_page_t *in, size_t *len)
{
    const char *p = in->url_prefix;
    if (!p && in->snap) {
        p = bf_snap_str(in->snap, bf_snap_site(in->snap)->baseurl);
        const char *scheme = strstr(p, "://");
        if (scheme) {
            p = strchr(scheme + 3, '/');
            if (!p)
                p = "";
        }
    }
    if (!p)
        p = "";
    size_t n = strlen(p);
    while (n && p[n - 1] == '/')
        n--;
    *len = n;
    return bf_arena_strndup(arena, p, n);
}

/* ---- the driver ---- */

static void reset(bf_md_t *md)
{
    if (md->html.cap > BF_MD_CM_KEEP)
        bf_buf_free(&md->html); /* a huge page's buffer is not kept */
    bf_buf_reset(&md->html);
    bf_md_ids_reset(&md->ids);
    md->toc.n = md->ilinks.n = md->elinks.n = md->images.n = 0;
    md->diags.n = md->langs.n = md->anchors.n = md->segs.n = 0;
}

/* ---- feeding the parser: include directives expanded ---- */

/*
 * The parser is fed the body in pieces: the text between include
 * directives as it is, and for each directive a blank line, the included
 * body (fed the same way, one level deeper) and a blank line, so that
 * what comes before and after stays a block of its own.  Every piece
 * starts a segment of the line map (bf_md_seg_t), so that cmark's line
 * numbers, which count the text parsed, map back to a file and its line.
 *
 * Lines are counted as cmark counts them: "
", "
" and a lone "
"
 * end one; pieces are cut at line starts, so no "
" is ever split.
 * cmark remembers a "
" that ended what it was fed and then skips a
 * "
" that starts the next feed; the blank lines fed here take that
 * into account.
 */
typedef struct {
    bf_md_walk_t *w;
    cmark_parser *p;
    uint32_t line;          /* the line the next byte fed starts (1-based) */
    char last;              /* the last byte fed, '\n' at first */
    size_t room;            /* bytes that may still be fed */
} feed_t;

static uint32_t count_lines(const char *s, size_t n)
{
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'));
    return k;
}

/* From the next line fed on, lines are those of source from line on. */
static void seg(feed_t *f, uint32_t line, const char *source)
{
    bf_md_vec_t *v = f->w->segs;
    bf_md_seg_t *s = v->n ? (bf_md_seg_t *)v->p + v->n - 1 : NULL;
    if (!s || s->start != f->line)
        s = bf_md_vec_push(v, sizeof *s);
    if (!s) {
        f->w->oom = 1;
        return;
    }
    *s = (bf_md_seg_t){f->line, line, source};
}

/* Feeds s[0..n); the lines it ends. */
static uint32_t feed(feed_t *f, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    cmark_parser_feed(f->p, s, n);
    f->last = s[n - 1];
    uint32_t k = count_lines(s, n);
    f->line += k;
    return k;
}

/* Ends a last line fed without its end, then feeds a blank line. */
static void blank_line(feed_t *f)
{
    if (f->last != '\n' && f->last != '\r')
        feed(f, "\n", 1);
    if (f->last == '\r')
        cmark_parser_feed(f->p, "\n", 1); /* taken as the "\r"'s own: no line */
    feed(f, "\n", 1);
}

/* Feeds the body text[0..n) of source (NULL: the page), whose first line
 * is line of its file, with its include directives inc[0..n_inc) expanded
 * (depth: of its includes, 1 for a page's). */
static void feed_doc(feed_t *f, const char *text, size_t n, uint32_t line, const char *source,
                     const bf_snap_include_t *inc, size_t n_inc, unsigned depth)
{
    const bf_snap_t *snap = f->w->in->snap;
    size_t pos = 0;
    for (size_t k = 0; k < n_inc; k++) {
        const bf_snap_include_t *e = &inc[k];
        if (e->off < pos || e->off > n || e->len > n - e->off)
            continue; /* not in this body: a snapshot of another file */
        seg(f, line, source);
        line += feed(f, text + pos, e->off - pos);
        pos = e->off + e->len;
        const bf_snap_fragment_t *fr = bf_snap_fragment(snap, e->fragment);
        const char *why = depth > BF_MYST_INCLUDE_DEPTH ? "includes nest too deep"
                          : fr->body_len > f->room    ? "the page would be too large"
                                                      : NULL;
        seg(f, line, source);
        if (why) {
            const char *name = bf_snap_str(snap, fr->source);
            bf_md_diag(f->w, BF_MD_DIAG_INCLUDE, f->line, name, strlen(name),
                       "include of \"%s\" not expanded: %s", name, why);
        } else {
            f->room -= fr->body_len;
            blank_line(f);
            feed_doc(f, bf_snap_fragment_body(snap, fr), fr->body_len, fr->body_line,
                     bf_snap_str(snap, fr->source), bf_snap_includes(snap, fr->includes),
                     fr->includes.count, depth + 1);
            seg(f, line, source);
            blank_line(f);
        }
        line += count_lines(text + e->off, e->len);
    }
    seg(f, line, source);
    if (depth > 1)
        feed(f, text + pos, n - pos);
    else if (n > pos) /* the page's last piece: nothing follows to count for */
        cmark_parser_feed(f->p, text + pos, n - pos);
}

static cmark_node *parse(bf_md_t *md, bf_md_walk_t *w, const bf_md_page_t *in)
{
    const bf_md_types_t *t = &bf_md_g;
    unsigned e = in->extensions;
    int opts = CMARK_OPT_DEFAULT | ((e & BF_MD_EXT_FOOTNOTES) ? CMARK_OPT_FOOTNOTES : 0);

    cmark_parser *p = cmark_parser_new_with_mem(opts, &bf_md_cm_mem);
    /* Directives first: extensions are offered a line in attach order
     * and the table extension claims every line that follows a paragraph
     * (it returns the paragraph when the line is no delimiter row), so a
     * fence after a paragraph would never reach us. */
    if (!(in->flags & BF_MD_PLAIN)) {
        cmark_parser_attach_syntax_extension(p, t->admonition);
        cmark_parser_attach_syntax_extension(p, t->mkdocs);
    }
    /* then the order of cmark-gfm's own tests and CLI */
    if (e & BF_MD_EXT_TABLE)
        cmark_parser_attach_syntax_extension(p, t->table);
    if (e & BF_MD_EXT_STRIKETHROUGH)
        cmark_parser_attach_syntax_extension(p, t->strikethrough);
    if (e & BF_MD_EXT_AUTOLINK)
        cmark_parser_attach_syntax_extension(p, t->autolink);
    if (e & BF_MD_EXT_TAGFILTER)
        cmark_parser_attach_syntax_extension(p, t->tagfilter);
    if (e & BF_MD_EXT_TASKLIST)
        cmark_parser_attach_syntax_extension(p, t->tasklist);
    feed_t f = {w, p, 1, '\n', BF_MD_MAX_BODY - in->body_len};
    bool expand = !(in->flags & BF_MD_PLAIN) && in->snap && in->n_includes;
    feed_doc(&f, in->body ? in->body : "", in->body_len, in->body_line ? in->body_line : 1, NULL,
             in->includes, expand ? in->n_includes : 0, 1);
    cmark_node *doc = cmark_parser_finish(p);
    md->stats.parses++;
    return doc;
}

/* Leaves the body's leading title heading out (bf_md_page_t.title): it is
 * unlinked before the walk, so nothing of it is written or counted. */
static void drop_title(cmark_node *doc, const bf_md_page_t *in)
{
    size_t len;
    bool leading = false;
    const char *t = bf_mdtitle_find(in->body ? in->body : "", in->body_len, &len, &leading);
    cmark_node *h = cmark_node_first_child(doc);
    if (t && leading && strlen(in->title) == len && memcmp(t, in->title, len) == 0 && h &&
        cmark_node_get_type(h) == CMARK_NODE_HEADING && cmark_node_get_heading_level(h) == 1 &&
        !h->as.heading.setext)
        cmark_node_free(h);
}

int bf_md_render(bf_md_t *md, bf_arena_t *arena, const bf_md_page_t *in,
                 bf_md_result_t *out)
{
    bf_md_walk_t w;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (!bf_md_ready) {
        bf_log_error("markdown: bf_md_init was not called");
        return -1;
    }
    if (in->body_len > BF_MD_MAX_BODY) {
        bf_log_at(BF_LOG_ERROR, in->source, 0, 0, "page body too large (%zu bytes, limit %zu)",
                  in->body_len, BF_MD_MAX_BODY);
        return -1;
    }
    reset(md);
    memset(&w, 0, sizeof(w));
    w.in = in;
    w.out = out;
    w.arena = arena;
    w.plain = (in->flags & BF_MD_PLAIN) != 0;
    w.unsafe = (in->flags & BF_MD_UNSAFE) != 0;
    w.anchor_links = (in->flags & BF_MD_ANCHOR_LINKS) != 0;
    w.tagfilter = (in->extensions & BF_MD_EXT_TAGFILTER) != 0;
    w.segs = &md->segs;
    w.line = 1;
    w.toc_min = in->toc_min ? in->toc_min : 2;
    w.toc_max = in->toc_max ? in->toc_max : 4;
    w.html = &md->html;
    w.run = &md->run;
    w.heading = &md->heading;
    w.tmp = &md->tmp;
    w.ids = &md->ids;
    w.toc = &md->toc;
    w.ilinks = &md->ilinks;
    w.elinks = &md->elinks;
    w.images = &md->images;
    w.diags = &md->diags;
    w.langs = &md->langs;
    w.anchors = &md->anchors;
    w.url_prefix = url_prefix(arena, in, &w.url_prefix_len);
    if (!w.url_prefix || bf_buf_grow(&md->html, in->body_len + in->body_len / 4 + 64) < 0)
        goto done;

    md->cm.cur = md->cm.end = md->cm.last = NULL;
    memset(md->cm.free, 0, sizeof(md->cm.free));
    bf_md_cm = &md->cm;
    cmark_node *doc = parse(md, &w, in);
    if (in->title && !w.plain)
        drop_title(doc, in);
    md->stats.walks++;
    if (bf_md_walk(&w, doc) == 0) {
        results(&w, md);
        rc = w.oom ? -1 : 0;
    }
    md->stats.nodes += w.nodes;
    bf_md_cm = NULL;
    if (bf_arena_used(md->cm.arena) > BF_MD_CM_KEEP) {
        bf_arena_t *fresh = bf_arena_create(256 * 1024);
        if (fresh) {
            bf_arena_destroy(md->cm.arena);
            md->cm.arena = fresh;
        }
    }
    bf_arena_reset(md->cm.arena);
done:
    if (rc < 0) {
        bf_log_at(BF_LOG_ERROR, in->source, 0, 0, "out of memory rendering markdown");
        memset(out, 0, sizeof(*out));
    } else {
        md->stats.renders++;
    }
    return rc;
}

bool bf_md_diag_is_broken(const bf_md_diag_t *d)
{
    return d->kind == BF_MD_DIAG_BROKEN_XREF || d->kind == BF_MD_DIAG_BROKEN_LINK ||
           d->kind == BF_MD_DIAG_BROKEN_ANCHOR;
}

size_t bf_md_log_diags(const bf_md_result_t *r, const char *source)
{
    size_t errors = 0;
    for (size_t i = 0; i < r->n_diags; i++) {
        const bf_md_diag_t *d = &r->diags[i];
        bool broken = bf_md_diag_is_broken(d);
        bf_log_level_t lvl = (broken && bf_ctx.strict) ? BF_LOG_ERROR : BF_LOG_WARN;
        errors += lvl == BF_LOG_ERROR;
        bf_log_at(lvl, d->source ? d->source : source ? source : "-", d->line, 0, "%s",
                  d->message);
    }
    return errors;
}
