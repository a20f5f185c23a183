/*
 * worker/md_blocks.c - HTML and metadata of the nodes that need more than
 * a fixed tag: headings (ids, TOC), code blocks, raw HTML, links and
 * images, footnotes and tables (see md_blocks.h).
 *
 * Each function writes exactly what cmark-gfm 0.29.0.gfm.6 writes for the
 * node (src/html.c, extensions/table.c) unless the walk is not in plain
 * mode, where the additions are marked "!w->plain".
 *
 * cmark-gfm gives no public accessor for the footnote numbering it
 * computes (the definition a reference belongs to, the reference's index,
 * the number of references of a definition) nor for a definition's label,
 * so footnotes read those fields from the internal node.h that the -dev
 * package installs; bf_md_init refuses a library whose version differs
 * from the headers, and the spec test compares every byte with
 * cmark_render_html.
 */
#include "worker/md_blocks.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "shared/myst.h"
#include "worker/md_code.h"
#include "worker/md_directive.h"
#include "worker/md_inline.h"
#include "worker/md_link.h"

/* ---- headings and the TOC ---- */

void bf_md_heading_enter(bf_md_walk_t *w, cmark_node *node)
{
    int level = cmark_node_get_heading_level(node);
    char tag[4] = {'<', 'h', (char)('0' + level), 0};

    bf_md_cr(w);
    bf_md_puts(w, tag);
    w->heading_attr = w->html->len;
    bf_md_putc(w, '>');
    w->in_heading = true;
    w->custom_id = NULL;
    bf_buf_reset(w->heading);
}

static void toc_add(bf_md_walk_t *w, int level, const char *text, const char *id)
{
    bf_md_toc_item_t *it = bf_md_vec_push(w->toc, sizeof(*it));
    if (!it) {
        w->oom = 1;
        return;
    }
    uint32_t ix = (uint32_t)(w->toc->n - 1);
    bf_md_toc_item_t *items = w->toc->p;
    it->level = (uint8_t)level;
    it->text = text;
    it->id = id;
    it->parent = it->first_child = it->next_sibling = BF_MD_NONE;
    /* the deepest remembered lower level is the most recent one */
    for (int l = level - 1; l >= 1; l--) {
        if (w->last_toc[l] != BF_MD_NONE) {
            it->parent = w->last_toc[l];
            it->depth = (uint8_t)(items[it->parent].depth + 1);
            break;
        }
    }
    w->last_toc[level] = ix;
    for (int l = level + 1; l <= 6; l++)
        w->last_toc[l] = BF_MD_NONE;
}

void bf_md_heading_exit(bf_md_walk_t *w, cmark_node *node)
{
    int level = cmark_node_get_heading_level(node);
    char tag[7] = {'<', '/', 'h', (char)('0' + level), '>', '\n', 0};
    const char *text = NULL;

    w->in_heading = false;
    if (level == 1 && !w->out->title) {
        text = bf_arena_strndup(w->arena, w->heading->data ? w->heading->data : "",
                                w->heading->len);
        w->out->title = text;
    }
    if (w->plain) {
        bf_md_puts(w, tag);
        return;
    }
    const char *base = w->custom_id;
    size_t base_len = base ? strlen(base) : 0;
    if (!base) {
        bf_buf_reset(w->tmp);
        if (bf_md_slugify(w->heading->data ? w->heading->data : "", w->heading->len, w->tmp) < 0) {
            w->oom = 1;
            return;
        }
        base = w->tmp->data;
        base_len = w->tmp->len;
    }
    const char *idp;
    long n = bf_md_ids_add(w->ids, base, base_len, w->custom_id != NULL, &idp);
    char *id = n < 0 ? NULL : bf_arena_strndup(w->arena, idp, (size_t)n);
    if (!id) {
        w->oom = 1;
        return;
    }
    /* the id goes into the start tag written before the content: the
     * content is moved, the HTML is not re-read */
    size_t end = w->html->len;
    bf_md_puts(w, " id=\"");
    bf_md_escape_html(w, id, (size_t)n);
    bf_md_putc(w, '"');
    if (!w->oom) {
        size_t alen = w->html->len - end;
        char attr[512];
        if (alen <= sizeof(attr)) {
            memcpy(attr, w->html->data + end, alen);
            bf_buf_truncate(w->html, end);
            bf_md_insert(w, w->heading_attr, attr, alen);
        } else {
            char *a = bf_arena_memdup(w->arena, w->html->data + end, alen);
            bf_buf_truncate(w->html, end);
            if (a)
                bf_md_insert(w, w->heading_attr, a, alen);
            else
                w->oom = 1;
        }
    }
    if (w->anchor_links) {
        bf_md_puts(w, "<a class=\"anchor\" href=\"#");
        bf_md_escape_href(w, id, (size_t)n);
        bf_md_puts(w, "\" aria-hidden=\"true\">#</a>");
    }
    bf_md_puts(w, tag);
    if (level >= w->toc_min && level <= w->toc_max) {
        if (!text)
            text = bf_arena_strndup(w->arena, w->heading->data ? w->heading->data : "",
                                    w->heading->len);
        if (!text)
            w->oom = 1;
        else
            toc_add(w, level, text, id);
    }
}

/* ---- code blocks, links, images, raw HTML ---- */

static void add_lang(bf_md_walk_t *w, const char *lang, size_t n)
{
    const char **langs = w->langs->p;
    for (size_t i = 0; i < w->langs->n; i++)
        if (strlen(langs[i]) == n && memcmp(langs[i], lang, n) == 0)
            return;
    const char **slot = bf_md_vec_push(w->langs, sizeof(*slot));
    if (!slot || !(*slot = bf_arena_strndup(w->arena, lang, n)))
        w->oom = 1;
}

/* cmark_isspace: only these four (not \v, not \f). */
static bool is_cmark_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The flags and the list of languages of the page. */
static void note_lang(bf_md_walk_t *w, const char *lang, size_t n)
{
    if (n == 7 && memcmp(lang, "mermaid", 7) == 0)
        w->out->flags |= BF_MD_HAS_MERMAID;
    if (n == 4 && memcmp(lang, "math", 4) == 0)
        w->out->flags |= BF_MD_HAS_MATH;
    if (n)
        add_lang(w, lang, n);
}

void bf_md_code_block(bf_md_walk_t *w, cmark_node *node)
{
    const char *info = cmark_node_get_fence_info(node);
    const char *lit = cmark_node_get_literal(node);
    size_t info_len = info ? strlen(info) : 0;
    size_t lit_len = lit ? strlen(lit) : 0;
    const char *inc;
    size_t inc_len;

    if (!w->plain && bf_myst_include_info(info, info_len, &inc, &inc_len)) {
        bf_md_include_missed(w, (uint32_t)cmark_node_get_start_line(node), inc, inc_len);
        return;
    }
    bf_md_cr(w);
    if (!w->plain && info_len) {
        /* options, highlighting (md_code.h); the language is the first
         * word without braces glued to it */
        bf_md_fence_t fence;
        bf_md_fence_parse(info, info_len, &fence);
        note_lang(w, fence.lang, fence.lang_len);
        bf_md_code_write(w, &fence, lit ? lit : "", lit_len);
    } else {
        size_t first = 0;
        while (first < info_len && !is_cmark_space((unsigned char)info[first]))
            first++;
        note_lang(w, info, first);
        if (info_len == 0) {
            bf_md_puts(w, "<pre><code>");
        } else {
            bf_md_puts(w, "<pre><code class=\"language-");
            bf_md_escape_html(w, info, first);
            bf_md_puts(w, "\">");
        }
        bf_md_escape_html(w, lit, lit_len);
        bf_md_puts(w, "</code></pre>\n");
    }
    w->out->flags |= BF_MD_HAS_CODE;
    bf_md_word_break(w);
    bf_md_count_words(w, lit, lit_len);
    bf_md_word_break(w);
}

/* The summary divider: "<!--more-->", spaces allowed inside and around. */
static bool is_more(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (strncmp(s, "<!--", 4) != 0)
        return false;
    s += 4;
    while (*s == ' ')
        s++;
    if (strncmp(s, "more", 4) != 0)
        return false;
    s += 4;
    while (*s == ' ')
        s++;
    if (strncmp(s, "-->", 3) != 0)
        return false;
    s += 3;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return *s == '\0';
}

/* Records the excerpt that ends at a <!--more--> (first one only). */
static void more_found(bf_md_walk_t *w, cmark_node *node)
{
    if (w->more_html)
        return;
    const char *closers = bf_md_closers(w, cmark_node_parent(node));
    size_t cl = closers ? strlen(closers) : 0;
    size_t len = w->html->len;
    while (len && w->html->data[len - 1] == '\n')
        len--;
    char *s = bf_arena_alloc(w->arena, len + cl + 1);
    if (!s) {
        w->oom = 1;
        return;
    }
    memcpy(s, w->html->data ? w->html->data : "", len);
    memcpy(s + len, closers ? closers : "", cl);
    s[len + cl] = '\0';
    w->more_html = s;
    w->more_len = len + cl;
}

/* tagfilter's list: these tags are written as text (&lt;) even in unsafe
 * mode. */
static bool tag_filtered(const unsigned char *tag, size_t n)
{
    static const char *const names[] = {"title", "textarea", "style", "xmp", "iframe",
                                        "noembed", "noframes", "script", "plaintext"};
    if (n < 3 || tag[0] != '<')
        return false;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        const char *name = names[k];
        size_t i = 1;
        if (tag[i] == '/')
            i++;
        for (; i < n && *name; i++, name++) {
            unsigned char c = tag[i];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
            if (c != (unsigned char)*name)
                break;
        }
        if (*name || i == n)
            continue;
        if (is_cmark_space(tag[i]) || tag[i] == '>')
            return true;
        if (tag[i] == '/' && n >= i + 2 && tag[i + 1] == '>')
            return true;
    }
    return false;
}

void bf_md_html_block(bf_md_walk_t *w, cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    size_t n = lit ? strlen(lit) : 0;

    if (lit && is_more(lit)) {
        more_found(w, node);
        if (!w->plain)
            return;
    }
    bf_md_cr(w);
    if (!w->unsafe) {
        bf_md_puts(w, "<!-- raw HTML omitted -->");
    } else if (w->tagfilter) {
        const char *p = lit, *end = lit + n;
        while (p < end) {
            const char *lt = memchr(p, '<', (size_t)(end - p));
            if (!lt)
                break;
            bf_md_put(w, p, (size_t)(lt - p));
            if (tag_filtered((const unsigned char *)lt, (size_t)(end - lt)))
                bf_md_puts(w, "&lt;");
            else
                bf_md_putc(w, '<');
            p = lt + 1;
        }
        bf_md_put(w, p, (size_t)(end - p));
    } else {
        bf_md_put(w, lit, n);
    }
    bf_md_cr(w);
}

void bf_md_html_inline(bf_md_walk_t *w, cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    size_t n = lit ? strlen(lit) : 0;

    if (lit && is_more(lit)) {
        more_found(w, node);
        if (!w->plain)
            return;
    }
    if (!w->unsafe) {
        bf_md_puts(w, "<!-- raw HTML omitted -->");
    } else if (w->tagfilter && tag_filtered((const unsigned char *)lit, n)) {
        bf_md_puts(w, "&lt;");
        bf_md_put(w, lit + 1, n - 1);
    } else {
        bf_md_put(w, lit, n);
    }
}

/* javascript:, vbscript:, file:, and data: other than four image types. */
static bool dangerous_url(const char *u)
{
    if (strncasecmp(u, "data:", 5) == 0) {
        const char *p = u + 5;
        if (strncasecmp(p, "image/", 6) != 0)
            return true;
        p += 6;
        return !(strncasecmp(p, "png", 3) == 0 || strncasecmp(p, "gif", 3) == 0 ||
                 strncasecmp(p, "jpeg", 4) == 0 || strncasecmp(p, "webp", 4) == 0);
    }
    return strncasecmp(u, "javascript:", 11) == 0 || strncasecmp(u, "vbscript:", 9) == 0 ||
           strncasecmp(u, "file:", 5) == 0;
}

/* Writes the href of a link or the src of an image, after recording it;
 * relative .md links are rewritten to their page's URL, and site paths
 * (/guide/x/, /img/a.png) get the base URL's path in front, as page URLs
 * do, so that a site served under /proj/ keeps its absolute links (not in
 * plain mode).  A site path is always read from the site's root: one that
 * already starts with the base path gets it twice, as [[xrefs]] would. */
void bf_md_link_target(bf_md_walk_t *w, const char *url, bool image)
{
    size_t n = strlen(url);
    bf_md_link_kind_t kind = bf_md_link_classify(url, n);
    const char *frag = NULL;
    size_t frag_len = 0;
    uint32_t page = BF_MD_NONE;

    if (kind == BF_MD_LINK_RELATIVE) {
        bf_buf_reset(w->tmp);
        int r = bf_md_link_md_path(w->in->source, url, n, w->tmp, &frag, &frag_len);
        if (r < 0) {
            w->oom = 1;
            return;
        }
        if (r == 1 && !image) {
            kind = BF_MD_LINK_MD;
            page = bf_md_md_page(w->in->snap, w->tmp);
            if (page == BF_MD_NONE && !w->plain)
                bf_md_diag(w, BF_MD_DIAG_BROKEN_LINK, bf_md_line(w), url, n,
                           "link to \"%s\": no such page", url);
        }
    } else if (kind == BF_MD_LINK_ANCHOR) {
        frag = url + 1;
        frag_len = n - 1;
    } else if (kind == BF_MD_LINK_PATH) {
        const char *h = memchr(url, '#', n);
        if (h) {
            frag = h + 1;
            frag_len = n - (size_t)(h + 1 - url);
        }
    }
    bf_md_note_link(w, image ? w->images : kind == BF_MD_LINK_EXTERNAL ? w->elinks : w->ilinks,
                    kind, url, n, frag, frag_len, page);

    if (page != BF_MD_NONE && !w->plain) {
        const bf_snap_page_t *p = bf_snap_page(w->in->snap, page);
        bf_md_escape_href(w, w->url_prefix, w->url_prefix_len);
        bf_md_escape_href(w, bf_snap_str(w->in->snap, p->url), p->url.len);
        if (frag) {
            bf_md_putc(w, '#');
            bf_md_escape_href(w, frag, frag_len);
        }
        return;
    }
    if (kind == BF_MD_LINK_PATH && !w->plain)
        bf_md_escape_href(w, w->url_prefix, w->url_prefix_len);
    if (w->unsafe || !dangerous_url(url))
        bf_md_escape_href(w, url, n);
}

void bf_md_link_title(bf_md_walk_t *w, cmark_node *node)
{
    const char *title = cmark_node_get_title(node);
    if (title && *title) {
        bf_md_puts(w, "\" title=\"");
        bf_md_escape_html(w, title, strlen(title));
    }
}

/* ---- footnotes (cmark internals, see the top) ---- */

void bf_md_footnote_backref(bf_md_walk_t *w, cmark_node *def)
{
    char n[16];

    if (w->written_footnote_ix >= w->footnote_ix)
        return;
    w->written_footnote_ix = w->footnote_ix;
    const char *label = (const char *)def->as.literal.data;
    size_t len = (size_t)def->as.literal.len;
    bf_md_puts(w, "<a href=\"#fnref-");
    bf_md_escape_href(w, label, len);
    bf_md_puts(w, "\" class=\"footnote-backref\" data-footnote-backref "
                  "aria-label=\"Back to content\">\xe2\x86\xa9</a>");
    for (int i = 2; i <= def->footnote.def_count; i++) {
        snprintf(n, sizeof(n), "%d", i);
        bf_md_puts(w, " <a href=\"#fnref-");
        bf_md_escape_href(w, label, len);
        bf_md_putc(w, '-');
        bf_md_puts(w, n);
        bf_md_puts(w, "\" class=\"footnote-backref\" data-footnote-backref "
                      "aria-label=\"Back to content\">\xe2\x86\xa9<sup class=\"footnote-ref\">");
        bf_md_puts(w, n);
        bf_md_puts(w, "</sup></a>");
    }
}

void bf_md_footnote_def(bf_md_walk_t *w, cmark_node *node, bool entering)
{
    bf_md_word_break(w);
    if (entering) {
        if (w->footnote_ix == 0)
            bf_md_puts(w, "<section class=\"footnotes\" data-footnotes>\n<ol>\n");
        ++w->footnote_ix;
        bf_md_puts(w, "<li id=\"fn-");
        bf_md_escape_href(w, (const char *)node->as.literal.data, (size_t)node->as.literal.len);
        bf_md_puts(w, "\">\n");
        w->out->flags |= BF_MD_HAS_FOOTNOTES;
        return;
    }
    int before = w->written_footnote_ix;
    bf_md_footnote_backref(w, node);
    if (w->written_footnote_ix != before)
        bf_md_putc(w, '\n');
    bf_md_puts(w, "</li>\n");
}

void bf_md_footnote_ref(bf_md_walk_t *w, cmark_node *node)
{
    cmark_node *def = node->parent_footnote_def;
    const char *label = (const char *)def->as.literal.data;
    size_t len = (size_t)def->as.literal.len;
    char n[16];

    bf_md_puts(w, "<sup class=\"footnote-ref\"><a href=\"#fn-");
    bf_md_escape_href(w, label, len);
    bf_md_puts(w, "\" id=\"fnref-");
    bf_md_escape_href(w, label, len);
    if (node->footnote.ref_ix > 1) {
        snprintf(n, sizeof(n), "-%d", node->footnote.ref_ix);
        bf_md_puts(w, n);
    }
    bf_md_puts(w, "\" data-footnote-ref>");
    bf_md_escape_href(w, (const char *)node->as.literal.data, (size_t)node->as.literal.len);
    bf_md_puts(w, "</a></sup>");
}

/* ---- tables (the table extension's html_render) ---- */

void bf_md_table(bf_md_walk_t *w, cmark_node *node, cmark_node_type type, bool entering)
{
    const bf_md_types_t *t = bf_md_types();

    if (type == t->t_table) {
        if (entering) {
            bf_md_cr(w);
            bf_md_puts(w, "<table>");
            w->need_closing_tbody = false;
            w->out->flags |= BF_MD_HAS_TABLES;
        } else {
            if (w->need_closing_tbody) {
                bf_md_cr(w);
                bf_md_puts(w, "</tbody>");
                bf_md_cr(w);
            }
            w->need_closing_tbody = false;
            bf_md_cr(w);
            bf_md_puts(w, "</table>");
            bf_md_cr(w);
        }
    } else if (type == t->t_row) {
        bool header = cmark_gfm_extensions_get_table_row_is_header(node);
        if (entering) {
            bf_md_cr(w);
            if (header) {
                w->in_table_header = true;
                bf_md_puts(w, "<thead>");
                bf_md_cr(w);
            } else if (!w->need_closing_tbody) {
                bf_md_puts(w, "<tbody>");
                bf_md_cr(w);
                w->need_closing_tbody = true;
            }
            bf_md_puts(w, "<tr>");
            w->cell_ix = 0;
            bf_md_set_line(w, node);
        } else {
            bf_md_cr(w);
            bf_md_puts(w, "</tr>");
            if (header) {
                bf_md_cr(w);
                bf_md_puts(w, "</thead>");
                w->in_table_header = false;
            }
        }
    } else {
        if (entering) {
            cmark_node *table = cmark_node_parent(cmark_node_parent(node));
            uint8_t *al = cmark_gfm_extensions_get_table_alignments(table);
            unsigned ncols = cmark_gfm_extensions_get_table_columns(table);
            unsigned ix = w->cell_ix++;
            bf_md_cr(w);
            bf_md_puts(w, w->in_table_header ? "<th" : "<td");
            switch (al && ix < ncols ? al[ix] : 0) {
            case 'l': bf_md_puts(w, " align=\"left\""); break;
            case 'c': bf_md_puts(w, " align=\"center\""); break;
            case 'r': bf_md_puts(w, " align=\"right\""); break;
            }
            bf_md_putc(w, '>');
        } else {
            bf_md_puts(w, w->in_table_header ? "</th>" : "</td>");
        }
        bf_md_word_break(w);
    }
}
