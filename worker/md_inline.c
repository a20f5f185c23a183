/*
 * worker/md_inline.c - runs of text: cross-references, words, math, the
 * heading text and the excerpt cut (see md_render.h).
 *
 * cmark-gfm leaves "[[docs/intro]]" as text: the core inline parser owns
 * '[' and never offers it to an inline extension (extensions only see
 * characters that the core does not handle), so a cross-reference cannot
 * be an inline syntax extension.  It is recognised here instead, on the
 * parsed tree, while the text is being written: in text nodes only, so
 * never inside code spans, code blocks, raw HTML or link destinations.
 * Adjacent text nodes are joined first, because the parser may split a
 * text at a bracket or a delimiter it gave up on.
 */
#include "worker/md_inline.h"

#include "worker/md_link.h"

static inline bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Records the excerpt cut at the current end of the output: the first
 * paragraph is shown up to here, then "..." and the closing tags. */
static void cut_here(bf_md_walk_t *w, cmark_node *parent)
{
    w->ex_cut = w->html->len;
    w->ex_closers = bf_md_closers(w, parent);
    if (!w->ex_closers)
        w->ex_cut = 0;
}

void bf_md_word_break(bf_md_walk_t *w)
{
    w->in_word = false;
}

void bf_md_line_break(bf_md_walk_t *w, cmark_node *node)
{
    if (w->in_word && w->ex_state == 1 && !w->ex_cut && w->ex_words >= BF_MD_EXCERPT_WORDS)
        cut_here(w, cmark_node_parent(node));
    w->in_word = false;
}

void bf_md_count_words(bf_md_walk_t *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (is_space((unsigned char)s[i])) {
            w->in_word = false;
        } else if (!w->in_word) {
            w->in_word = true;
            w->words++;
            if (w->ex_state == 1)
                w->ex_words++;
        }
    }
}

/* Writes text (escaped), counts its words, adds it to the heading text;
 * when parent is set, the excerpt may be cut at a space inside it. */
static void emit_text(bf_md_walk_t *w, const char *s, size_t n, cmark_node *parent)
{
    size_t org = 0;
    bool cut = parent && w->ex_state == 1 && !w->ex_cut;

    if (w->in_heading && bf_buf_append(w->heading, s, n) < 0)
        w->oom = 1;
    for (size_t i = 0; i < n; i++) {
        if (is_space((unsigned char)s[i])) {
            if (w->in_word) {
                w->in_word = false;
                if (cut && w->ex_words >= BF_MD_EXCERPT_WORDS) {
                    bf_md_escape_html(w, s + org, i - org);
                    org = i;
                    cut_here(w, parent);
                    cut = false;
                }
            }
        } else if (!w->in_word) {
            w->in_word = true;
            w->words++;
            if (w->ex_state == 1)
                w->ex_words++;
        }
    }
    bf_md_escape_html(w, s + org, n - org);
}

/* Inline math as pandoc reads it: $ then a non-space, ..., a non-space
 * then $ not followed by a digit; also $$, \( \) and \[ \]. */
static bool has_math(const char *s, size_t n)
{
    if (memmem(s, n, "$$", 2))
        return true;
    if ((memmem(s, n, "\\(", 2) && memmem(s, n, "\\)", 2)) ||
        (memmem(s, n, "\\[", 2) && memmem(s, n, "\\]", 2)))
        return true;
    const char *p = memchr(s, '$', n);
    while (p) {
        size_t i = (size_t)(p - s);
        if (i + 1 < n && !is_space((unsigned char)s[i + 1])) {
            for (size_t j = i + 2; j < n; j++) {
                if (s[j] != '$')
                    continue;
                if (!is_space((unsigned char)s[j - 1]) &&
                    !(j + 1 < n && s[j + 1] >= '0' && s[j + 1] <= '9'))
                    return true;
                break;
            }
        }
        p = i + 1 < n ? memchr(s + i + 1, '$', n - i - 1) : NULL;
    }
    return false;
}

/* Strips a trailing "{#custom-id}" from a heading's last text; returns
 * the new length and sets w->custom_id. */
static size_t custom_id(bf_md_walk_t *w, const char *s, size_t n)
{
    size_t end = n;
    while (end && is_space((unsigned char)s[end - 1]))
        end--;
    if (end < 4 || s[end - 1] != '}')
        return n;
    size_t open = end - 1;
    while (open > 0 && s[open - 1] != '{')
        open--;
    if (open == 0 || open + 1 >= end - 1 || s[open] != '#')
        return n;
    for (size_t i = open + 1; i < end - 1; i++)
        if (is_space((unsigned char)s[i]) || s[i] == '{' || s[i] == '}')
            return n;
    w->custom_id = bf_arena_strndup(w->arena, s + open + 1, end - 1 - open - 1);
    if (!w->custom_id)
        w->oom = 1;
    size_t k = open - 1;
    while (k && is_space((unsigned char)s[k - 1]))
        k--;
    return k;
}

/* One [[...]]: a link to the page (or a marked broken link). */
static void xref(bf_md_walk_t *w, const bf_md_xref_t *x)
{
    const bf_snap_t *snap = w->in->snap;
    uint32_t page = BF_MD_NONE;
    bool anchor_only = !x->is_id && x->path_len == 0;
    const char *text = x->text;
    size_t text_len = x->text_len;

    if (anchor_only) {
        bf_md_anchor_ref_t *a = bf_md_vec_push(w->anchors, sizeof(*a));
        if (!a || !(a->anchor = bf_arena_strndup(w->arena, x->frag, x->frag_len))) {
            w->oom = 1;
            return;
        }
        a->line = bf_md_line(w);
    } else {
        page = bf_md_xref_page(snap, x, w->tmp);
    }
    bf_md_note_link(w, w->ilinks, BF_MD_LINK_XREF, x->target, x->target_len, x->frag,
                    x->frag_len, page);
    const bf_snap_page_t *p = page != BF_MD_NONE ? bf_snap_page(snap, page) : NULL;
    if (!text || text_len == 0) {
        if (p && p->title.len) {
            text = bf_snap_str(snap, p->title);
            text_len = p->title.len;
        } else if (anchor_only) {
            text = x->frag;
            text_len = x->frag_len;
        } else {
            text = x->target;
            text_len = x->target_len;
        }
    }
    if (p || anchor_only) {
        bf_md_puts(w, "<a class=\"xref\" href=\"");
        if (p) {
            bf_md_escape_href(w, w->url_prefix, w->url_prefix_len);
            bf_md_escape_href(w, bf_snap_str(snap, p->url), p->url.len);
        }
        if (x->frag) {
            bf_md_putc(w, '#');
            bf_md_escape_href(w, x->frag, x->frag_len);
        }
    } else {
        bf_md_diag(w, BF_MD_DIAG_BROKEN_XREF, bf_md_line(w), x->target, x->target_len,
                   "unresolved cross-reference \"[[%.*s]]\"", (int)x->target_len, x->target);
        bf_md_puts(w, "<a class=\"xref broken\" data-target=\"");
        bf_md_escape_html(w, x->target, x->target_len);
    }
    bf_md_puts(w, "\">");
    emit_text(w, text, text_len, NULL);
    bf_md_puts(w, "</a>");
}

/* Text with the cross-references in it rendered as links.  Each "]]" is
 * paired with the last "[[" before it (and after the previous "]]"), so
 * the scan is linear whatever the brackets: "[[[a]]]" is "[" + [[a]] + "]". */
static void text_with_xrefs(bf_md_walk_t *w, const char *s, size_t n, cmark_node *parent)
{
    size_t pos = 0, from = 0;

    while (from + 4 <= n) {
        const char *close = memmem(s + from, n - from, "]]", 2);
        if (!close)
            break;
        size_t lo = from, j = (size_t)(close - s), i = j;
        from = j + 2;
        while (i >= lo + 2 && !(s[i - 1] == '[' && s[i - 2] == '['))
            i--;
        bf_md_xref_t x;
        if (i < lo + 2 || !bf_md_xref_parse(s + i, j - i, &x))
            continue; /* no "[[" since the last "]]", or not a reference */
        emit_text(w, s + pos, i - 2 - pos, parent);
        xref(w, &x);
        pos = from;
    }
    emit_text(w, s + pos, n - pos, parent);
}

cmark_node *bf_md_text_run(bf_md_walk_t *w, cmark_node *first)
{
    cmark_node *last = first, *next;
    const char *s = cmark_node_get_literal(first);
    size_t n = strlen(s);

    next = cmark_node_next(first);
    if (next && cmark_node_get_type(next) == CMARK_NODE_TEXT) {
        bf_buf_reset(w->run);
        if (bf_buf_append(w->run, s, n) < 0)
            w->oom = 1;
        for (; next && cmark_node_get_type(next) == CMARK_NODE_TEXT;
             next = cmark_node_next(next)) {
            const char *t = cmark_node_get_literal(next);
            if (bf_buf_append(w->run, t, strlen(t)) < 0)
                w->oom = 1;
            last = next;
            w->nodes++;
        }
        if (w->oom)
            return last;
        s = w->run->data;
        n = w->run->len;
    }
    cmark_node *parent = cmark_node_parent(first);
    if (!(w->out->flags & BF_MD_HAS_MATH) && (memchr(s, '$', n) || memchr(s, '\\', n)) &&
        has_math(s, n))
        w->out->flags |= BF_MD_HAS_MATH;
    if (w->plain) {
        emit_text(w, s, n, parent);
        return last;
    }
    if (w->in_heading && !cmark_node_next(last))
        n = custom_id(w, s, n);
    text_with_xrefs(w, s, n, parent);
    return last;
}

/* ---- math in excerpts (see md_inline.h) ---- */

/* The end of the math that starts at s[i] in the text run s[0..n) (the
 * index after its closing delimiter), its TeX in [*t0, *t1), and whether
 * it is display math; 0 when no math starts there. */
static size_t math_at(const char *s, size_t i, size_t n, size_t *t0, size_t *t1, bool *display)
{
    static const struct {
        const char *open, *close;
        bool display;
    } delims[] = {{"$$", "$$", true}, {"\\[", "\\]", true}, {"\\(", "\\)", false}};
    for (size_t d = 0; d < sizeof delims / sizeof delims[0]; d++) {
        size_t ol = strlen(delims[d].open);
        if (i + ol > n || memcmp(s + i, delims[d].open, ol) != 0)
            continue;
        const char *c = memmem(s + i + ol, n - i - ol, delims[d].close, 2);
        if (!c || c == s + i + ol)
            return 0;
        *t0 = i + ol;
        *t1 = (size_t)(c - s);
        *display = delims[d].display;
        return *t1 + 2;
    }
    /* $x$: a non-space after the opening $, a non-space before the
     * closing one, no digit after it (pandoc: "$5 and $6" is money) */
    if (s[i] != '$' || i + 2 >= n || is_space((unsigned char)s[i + 1]))
        return 0;
    for (size_t j = i + 2; j < n; j++) {
        if (s[j] != '$')
            continue;
        if (is_space((unsigned char)s[j - 1]) || (j + 1 < n && s[j + 1] >= '0' && s[j + 1] <= '9'))
            return 0;
        *t0 = i + 1;
        *t1 = j;
        *display = false;
        return j + 1;
    }
    return 0;
}

const char *bf_md_excerpt_math(bf_md_walk_t *w, const char *html, size_t n, size_t *len)
{
    *len = n;
    if (!memchr(html, '$', n) && !memchr(html, '\\', n))
        return html;
    /* written at the end of the page's output, then taken off it again:
     * no heap of its own (html is in the arena, never in w->html) */
    size_t mark = w->html->len, i = 0;
    int code = 0; /* depth of <code> / <pre> */
    bool changed = false;
    while (i < n) {
        if (html[i] == '<') { /* a tag: copied; <code>, <pre> and their ends counted */
            const char *gt = memchr(html + i, '>', n - i);
            size_t e = gt ? (size_t)(gt - html) + 1 : n;
            bool close = i + 1 < n && html[i + 1] == '/';
            const char *name = html + i + 1 + close;
            if ((size_t)(html + n - name) >= 4 &&
                (memcmp(name, "code", 4) == 0 || memcmp(name, "pre", 3) == 0))
                code += close ? (code > 0 ? -1 : 0) : 1;
            bf_md_put(w, html + i, e - i);
            i = e;
            continue;
        }
        const char *lt = memchr(html + i, '<', n - i);
        size_t e = lt ? (size_t)(lt - html) : n; /* the text run [i, e) */
        size_t org = i;
        while (!code && i < e) {
            size_t t0, t1, end;
            bool display;
            if ((html[i] != '$' && html[i] != '\\') ||
                !(end = math_at(html, i, e, &t0, &t1, &display))) {
                i++;
                continue;
            }
            bf_md_put(w, html + org, i - org);
            if (!display) {
                bf_md_puts(w, "<span class=\"math\" data-tex=\"");
                bf_md_put(w, html + t0, t1 - t0);
                bf_md_puts(w, "\">\xe2\x80\xa6</span>"); /* ... */
            }
            i = org = end;
            changed = true;
        }
        bf_md_put(w, html + org, e - org);
        i = e;
    }
    const char *out = html;
    if (changed && !w->oom) {
        *len = w->html->len - mark;
        out = bf_arena_strndup(w->arena, w->html->data + mark, *len);
    }
    bf_buf_truncate(w->html, mark);
    if (w->oom || !out) {
        w->oom = 1;
        *len = 0;
        return NULL;
    }
    return out;
}

bool bf_md_is_display_math(const char *p, size_t n)
{
    if (n >= 7 && memcmp(p, "<p>", 3) == 0 && memcmp(p + n - 4, "</p>", 4) == 0) {
        p += 3;
        n -= 7;
    }
    while (n && is_space((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n && is_space((unsigned char)p[n - 1]))
        n--;
    return n >= 4 && ((memcmp(p, "$$", 2) == 0 && memcmp(p + n - 2, "$$", 2) == 0) ||
                      (memcmp(p, "\\[", 2) == 0 && memcmp(p + n - 2, "\\]", 2) == 0));
}
