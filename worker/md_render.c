/*
 * worker/md_render.c - the one walk, the fixed-tag nodes and the output
 * helpers (see md_render.h).
 *
 * The HTML is cmark-gfm's own (src/html.c and the html_render functions
 * of its table, strikethrough and tasklist extensions, 0.29.0.gfm.6),
 * reproduced node by node so that in plain mode the bytes are identical;
 * tests/worker/markdown_spec_test.c checks that on the whole GFM spec.
 * Nodes that need more than a tag are in md_blocks.c, text in md_inline.c.
 *
 * The walk is our own iteration over first_child/next/parent rather than a
 * cmark_iter so that a run of adjacent text nodes is handled in one step
 * (a cross-reference may span them) and then stepped over.  Events are
 * cmark_iter's: leaves get ENTER only, other nodes ENTER and EXIT; while
 * an image's alt text is written (plain_node), its descendants give only
 * their text, as in cmark's renderer.
 */
#include "worker/md_render.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "worker/md_blocks.h"
#include "worker/md_directive.h"
#include "worker/md_inline.h"

/* ---- output ---- */

int bf_md_grow_slow(bf_md_walk_t *w, bf_buf_t *b, size_t n)
{
    if (w->oom)
        return -1;
    if (bf_buf_grow(b, n) < 0) {
        w->oom = 1;
        return -1;
    }
    return 0;
}

static const unsigned char html_esc[256] = {
    ['"'] = 1, ['&'] = 2, ['<'] = 3, ['>'] = 4,
};
static const char *const html_esc_str[] = {"", "&quot;", "&amp;", "&lt;", "&gt;"};

void bf_md_escape_html(bf_md_walk_t *w, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t org = i;
        while (i < n && html_esc[(unsigned char)s[i]] == 0)
            i++;
        if (i > org)
            bf_md_put(w, s + org, i - org);
        if (i >= n)
            break;
        bf_md_puts(w, html_esc_str[html_esc[(unsigned char)s[i]]]);
        i++;
    }
}

/* houdini's HREF_SAFE set: -_.+!*(),%#@?=;:/$~ and ASCII alphanumerics;
 * bytes 128-255 are 0. */
static const unsigned char href_safe[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
};

void bf_md_escape_href(bf_md_walk_t *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0;

    while (i < n) {
        size_t org = i;
        while (i < n && href_safe[(unsigned char)s[i]])
            i++;
        if (i > org)
            bf_md_put(w, s + org, i - org);
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c == '&') {
            bf_md_puts(w, "&amp;");
        } else if (c == '\'') {
            bf_md_puts(w, "&#x27;");
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            bf_md_put(w, e, 3);
        }
        i++;
    }
}

void bf_md_insert(bf_md_walk_t *w, size_t pos, const char *s, size_t n)
{
    bf_buf_t *b = w->html;
    if (b->cap - b->len < n + 1 && bf_md_grow_slow(w, b, n) < 0)
        return;
    memmove(b->data + pos + n, b->data + pos, b->len - pos);
    memcpy(b->data + pos, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* ---- bookkeeping ---- */

void *bf_md_vec_push(bf_md_vec_t *v, size_t elem)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void *p = realloc(v->p, cap * elem);
        if (!p)
            return NULL;
        v->p = p;
        v->cap = cap;
    }
    void *e = (char *)v->p + v->n++ * elem;
    memset(e, 0, elem);
    return e;
}

uint32_t bf_md_src_line(const bf_md_walk_t *w, uint32_t line, const char **source)
{
    const bf_md_seg_t *s = w->segs->p;
    size_t lo = 0, hi = w->segs->n;
    while (hi - lo > 1) { /* the last segment starting at or before line */
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].start <= line)
            lo = mid;
        else
            hi = mid;
    }
    if (!w->segs->n || line < s[lo].start) {
        *source = NULL;
        return line; /* no map: cannot happen once the parse has begun */
    }
    *source = s[lo].source;
    return s[lo].line + (line - s[lo].start);
}

void bf_md_diag(bf_md_walk_t *w, bf_md_diag_kind_t kind, uint32_t line, const char *target,
                size_t target_len, const char *fmt, ...)
{
    va_list ap;
    bf_md_diag_t *d = bf_md_vec_push(w->diags, sizeof(*d));
    if (!d) {
        w->oom = 1;
        return;
    }
    d->line = bf_md_src_line(w, line, &d->source);
    d->kind = (uint8_t)kind;
    d->target = bf_arena_strndup(w->arena, target ? target : "", target ? target_len : 0);
    va_start(ap, fmt);
    d->message = bf_arena_vsprintf(w->arena, fmt, ap);
    va_end(ap);
    if (!d->target || !d->message)
        w->oom = 1;
}

void bf_md_note_link(bf_md_walk_t *w, bf_md_vec_t *list, bf_md_link_kind_t kind,
                     const char *target, size_t len, const char *frag, size_t frag_len,
                     uint32_t page)
{
    bf_md_link_t *l = bf_md_vec_push(list, sizeof(*l));
    if (!l) {
        w->oom = 1;
        return;
    }
    l->kind = (uint8_t)kind;
    l->page = page;
    l->line = bf_md_src_line(w, bf_md_line(w), &l->source);
    l->target = bf_arena_strndup(w->arena, target, len);
    l->fragment = frag ? bf_arena_strndup(w->arena, frag, frag_len) : NULL;
    if (!l->target || (frag && !l->fragment))
        w->oom = 1;
}

static bool is_leaf(cmark_node_type t)
{
    switch (t) {
    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_THEMATIC_BREAK:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_TEXT:
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
    case CMARK_NODE_CODE:
    case CMARK_NODE_HTML_INLINE:
        return true;
    default:
        return false;
    }
}

static bool para_is_tight(cmark_node *node)
{
    cmark_node *parent = cmark_node_parent(node);
    cmark_node *gp = parent ? cmark_node_parent(parent) : NULL;
    return gp && cmark_node_get_type(gp) == CMARK_NODE_LIST && cmark_node_get_list_tight(gp);
}

const char *bf_md_closers(bf_md_walk_t *w, cmark_node *node)
{
    const bf_md_types_t *t = bf_md_types();
    bf_buf_t *b = w->tmp;
    char tag[8];

    bf_buf_reset(b);
    for (; node; node = cmark_node_parent(node)) {
        cmark_node_type type = cmark_node_get_type(node);
        const char *c = "";
        if (type == CMARK_NODE_PARAGRAPH) {
            c = para_is_tight(node) ? "" : "</p>";
        } else if (type == CMARK_NODE_HEADING) {
            snprintf(tag, sizeof(tag), "</h%d>", cmark_node_get_heading_level(node));
            c = tag;
        } else if (type == CMARK_NODE_EMPH) {
            c = "</em>";
        } else if (type == CMARK_NODE_STRONG) {
            c = "</strong>";
        } else if (type == CMARK_NODE_LINK) {
            c = "</a>";
        } else if (type == CMARK_NODE_ITEM) {
            c = "</li>";
        } else if (type == CMARK_NODE_LIST) {
            c = cmark_node_get_list_type(node) == CMARK_BULLET_LIST ? "</ul>" : "</ol>";
        } else if (type == CMARK_NODE_BLOCK_QUOTE || type == t->t_admon) {
            c = bf_md_directive_closer(node);
        } else if (type == CMARK_NODE_FOOTNOTE_DEFINITION) {
            c = "</li></ol></section>";
        } else if (type == t->t_strike) {
            c = "</del>";
        } else if (type == t->t_cell) {
            c = w->in_table_header ? "</th>" : "</td>";
        } else if (type == t->t_row) {
            c = w->in_table_header ? "</tr></thead>" : "</tr>";
        } else if (type == t->t_table) {
            c = w->need_closing_tbody ? "</tbody></table>" : "</table>";
        }
        if (bf_buf_puts(b, c) < 0)
            w->oom = 1;
    }
    const char *r = bf_arena_strndup(w->arena, b->data ? b->data : "", b->len);
    if (!r)
        w->oom = 1;
    return r;
}

/* ---- the walk ---- */

/* Image alt text: cmark's "plain" rendering of the image's children. */
static void alt_text(bf_md_walk_t *w, cmark_node *node, cmark_node_type type)
{
    const char *lit;
    switch (type) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
    case CMARK_NODE_HTML_INLINE:
        lit = cmark_node_get_literal(node);
        bf_md_escape_html(w, lit, strlen(lit));
        break;
    case CMARK_NODE_LINEBREAK:
    case CMARK_NODE_SOFTBREAK:
        bf_md_putc(w, ' ');
        break;
    default:
        break;
    }
}

static void paragraph(bf_md_walk_t *w, cmark_node *node, bool entering)
{
    cmark_node *parent = cmark_node_parent(node);

    bf_md_word_break(w);
    if (entering) {
        bf_md_set_line(w, node);
        if (w->ex_state == 0 && cmark_node_get_type(parent) == CMARK_NODE_DOCUMENT) {
            w->ex_state = 1;
            w->ex_para = node;
            w->ex_words = 0;
            w->ex_cut = 0;
            bf_md_cr(w);
            w->ex_start = w->html->len;
        }
        if (!para_is_tight(node)) {
            bf_md_cr(w);
            bf_md_puts(w, "<p>");
        }
        return;
    }
    if (!para_is_tight(node)) {
        if (cmark_node_get_type(parent) == CMARK_NODE_FOOTNOTE_DEFINITION &&
            cmark_node_next(node) == NULL) {
            bf_md_putc(w, ' ');
            bf_md_footnote_backref(w, parent);
        }
        bf_md_puts(w, "</p>\n");
    }
    if (node == w->ex_para) {
        w->ex_state = 2;
        size_t end = w->html->len;
        while (end > w->ex_start && w->html->data[end - 1] == '\n')
            end--;
        size_t len = end - w->ex_start, cl = 0;
        if (w->ex_cut && w->ex_words > BF_MD_EXCERPT_WORDS) {
            len = w->ex_cut - w->ex_start;
            cl = strlen(w->ex_closers);
        }
        char *s = bf_arena_alloc(w->arena, len + 3 + cl + 1);
        if (!s) {
            w->oom = 1;
            return;
        }
        memcpy(s, w->html->data + w->ex_start, len);
        if (cl) {
            memcpy(s + len, "\xe2\x80\xa6", 3); /* ... */
            memcpy(s + len + 3, w->ex_closers, cl);
            len += 3 + cl;
        }
        s[len] = '\0';
        if (bf_md_is_display_math(s, len)) {
            w->ex_state = 0; /* a formula is no summary: the next paragraph */
            return;
        }
        w->ex_html = s;
        w->ex_len = len;
    }
}

static void render_enter(bf_md_walk_t *w, cmark_node *node, cmark_node_type type)
{
    const bf_md_types_t *t = bf_md_types();
    char buf[48];

    if (type == t->t_table || type == t->t_row || type == t->t_cell) {
        bf_md_table(w, node, type, true);
        return;
    }
    if (type == t->t_strike) {
        bf_md_puts(w, "<del>");
        return;
    }
    if (type == t->t_admon) {
        bf_md_directive_enter(w, node);
        return;
    }
    switch (type) {
    case CMARK_NODE_DOCUMENT:
        break;
    case CMARK_NODE_BLOCK_QUOTE:
        if (!w->plain && bf_md_alert_enter(w, node))
            break;
        bf_md_word_break(w);
        bf_md_cr(w);
        bf_md_puts(w, "<blockquote>\n");
        break;
    case CMARK_NODE_LIST:
        bf_md_cr(w);
        if (cmark_node_get_list_type(node) == CMARK_BULLET_LIST) {
            bf_md_puts(w, "<ul>\n");
        } else if (cmark_node_get_list_start(node) == 1) {
            bf_md_puts(w, "<ol>\n");
        } else {
            snprintf(buf, sizeof(buf), "<ol start=\"%d\">\n", cmark_node_get_list_start(node));
            bf_md_puts(w, buf);
        }
        break;
    case CMARK_NODE_ITEM:
        bf_md_word_break(w);
        bf_md_cr(w);
        bf_md_puts(w, "<li>");
        if (t->tasklist && cmark_node_get_syntax_extension(node) == t->tasklist)
            bf_md_puts(w, cmark_gfm_extensions_get_tasklist_item_checked(node)
                              ? "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> "
                              : "<input type=\"checkbox\" disabled=\"\" /> ");
        break;
    case CMARK_NODE_HEADING:
        bf_md_word_break(w);
        bf_md_set_line(w, node);
        bf_md_heading_enter(w, node);
        break;
    case CMARK_NODE_CODE_BLOCK:
        bf_md_code_block(w, node);
        break;
    case CMARK_NODE_HTML_BLOCK:
        bf_md_html_block(w, node);
        break;
    case CMARK_NODE_CUSTOM_BLOCK:
    case CMARK_NODE_CUSTOM_INLINE: {
        const char *s = cmark_node_get_on_enter(node);
        if (type == CMARK_NODE_CUSTOM_BLOCK)
            bf_md_cr(w);
        bf_md_puts(w, s ? s : "");
        if (type == CMARK_NODE_CUSTOM_BLOCK)
            bf_md_cr(w);
        break;
    }
    case CMARK_NODE_THEMATIC_BREAK:
        bf_md_cr(w);
        bf_md_puts(w, "<hr />\n");
        break;
    case CMARK_NODE_PARAGRAPH:
        paragraph(w, node, true);
        break;
    case CMARK_NODE_LINEBREAK:
        bf_md_line_break(w, node);
        bf_md_puts(w, "<br />\n");
        w->line++;
        break;
    case CMARK_NODE_SOFTBREAK:
        bf_md_line_break(w, node);
        bf_md_putc(w, '\n');
        w->line++;
        if (w->in_heading)
            bf_buf_putc(w->heading, ' ');
        break;
    case CMARK_NODE_CODE: {
        const char *lit = cmark_node_get_literal(node);
        size_t n = strlen(lit);
        bf_md_puts(w, "<code>");
        bf_md_escape_html(w, lit, n);
        bf_md_puts(w, "</code>");
        bf_md_count_words(w, lit, n);
        if (w->in_heading && bf_buf_append(w->heading, lit, n) < 0)
            w->oom = 1;
        break;
    }
    case CMARK_NODE_HTML_INLINE:
        bf_md_html_inline(w, node);
        break;
    case CMARK_NODE_STRONG:
        bf_md_puts(w, "<strong>");
        break;
    case CMARK_NODE_EMPH:
        bf_md_puts(w, "<em>");
        break;
    case CMARK_NODE_LINK:
        bf_md_puts(w, "<a href=\"");
        bf_md_link_target(w, cmark_node_get_url(node), false);
        bf_md_link_title(w, node);
        bf_md_puts(w, "\">");
        break;
    case CMARK_NODE_IMAGE:
        bf_md_puts(w, "<img src=\"");
        bf_md_link_target(w, cmark_node_get_url(node), true);
        bf_md_puts(w, "\" alt=\"");
        w->plain_node = node;
        break;
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        bf_md_footnote_def(w, node, true);
        break;
    case CMARK_NODE_FOOTNOTE_REFERENCE:
        bf_md_footnote_ref(w, node);
        break;
    default:
        break;
    }
}

static void render_exit(bf_md_walk_t *w, cmark_node *node, cmark_node_type type)
{
    const bf_md_types_t *t = bf_md_types();

    if (type == t->t_table || type == t->t_row || type == t->t_cell) {
        bf_md_table(w, node, type, false);
        return;
    }
    if (type == t->t_strike) {
        bf_md_puts(w, "</del>");
        return;
    }
    if (type == t->t_admon) {
        bf_md_directive_exit(w, node);
        return;
    }
    switch (type) {
    case CMARK_NODE_BLOCK_QUOTE:
        bf_md_word_break(w);
        bf_md_cr(w);
        bf_md_puts(w, bf_md_is_alert(node) ? "</div>\n" : "</blockquote>\n");
        break;
    case CMARK_NODE_LIST:
        bf_md_puts(w, cmark_node_get_list_type(node) == CMARK_BULLET_LIST ? "</ul>\n"
                                                                          : "</ol>\n");
        break;
    case CMARK_NODE_ITEM:
        bf_md_word_break(w);
        bf_md_puts(w, "</li>\n");
        break;
    case CMARK_NODE_HEADING:
        bf_md_word_break(w);
        bf_md_heading_exit(w, node);
        break;
    case CMARK_NODE_CUSTOM_BLOCK:
    case CMARK_NODE_CUSTOM_INLINE: {
        const char *s = cmark_node_get_on_exit(node);
        if (type == CMARK_NODE_CUSTOM_BLOCK)
            bf_md_cr(w);
        bf_md_puts(w, s ? s : "");
        if (type == CMARK_NODE_CUSTOM_BLOCK)
            bf_md_cr(w);
        break;
    }
    case CMARK_NODE_PARAGRAPH:
        paragraph(w, node, false);
        break;
    case CMARK_NODE_STRONG:
        bf_md_puts(w, "</strong>");
        break;
    case CMARK_NODE_EMPH:
        bf_md_puts(w, "</em>");
        break;
    case CMARK_NODE_LINK:
        bf_md_puts(w, "</a>");
        break;
    case CMARK_NODE_IMAGE:
        bf_md_link_title(w, node);
        bf_md_puts(w, "\" />");
        break;
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        bf_md_footnote_def(w, node, false);
        break;
    default:
        break;
    }
}

int bf_md_walk(bf_md_walk_t *w, cmark_node *doc)
{
    cmark_node *node = doc;
    bool entering = true;

    for (int l = 0; l <= 6; l++)
        w->last_toc[l] = BF_MD_NONE;
    for (;;) {
        cmark_node_type type = cmark_node_get_type(node);
        if (w->plain_node == node)
            w->plain_node = NULL;
        if (entering) {
            w->nodes++;
            if (w->plain_node) {
                alt_text(w, node, type);
            } else if (type == CMARK_NODE_TEXT) {
                node = bf_md_text_run(w, node);
            } else {
                render_enter(w, node, type);
            }
            cmark_node *child = is_leaf(type) ? NULL : cmark_node_first_child(node);
            if (child) {
                node = child;
                continue;
            }
            if (!is_leaf(type)) {
                if (w->plain_node == node)
                    w->plain_node = NULL;
                if (!w->plain_node)
                    render_exit(w, node, type);
            }
        } else if (!w->plain_node) {
            render_exit(w, node, type);
        }
        if (node == doc)
            break;
        cmark_node *next = cmark_node_next(node);
        if (next) {
            node = next;
            entering = true;
        } else {
            node = cmark_node_parent(node);
            entering = false;
        }
    }
    if (w->footnote_ix)
        bf_md_puts(w, "</ol>\n</section>\n");
    return w->oom ? -1 : 0;
}
