/*
 * worker/md_code.c - fence options and highlighted code blocks (see
 * md_code.h).
 */
#include "worker/md_code.h"

#include <string.h>
#include <strings.h>

#include "worker/highlight.h"
#include "worker/md_render.h"

/* ---- the info string ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A number at *p (below end); false if there is none. */
static bool number(const char **p, const char *end, uint32_t *out)
{
    uint32_t v = 0;
    const char *s = *p;
    if (s >= end || !is_digit(*s))
        return false;
    while (s < end && is_digit(*s)) {
        if (v <= BF_MD_FENCE_LINE_MAX)
            v = v * 10 + (uint32_t)(*s - '0');
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

/* "3-5,9 12" (commas or spaces between): each range into f. */
static void ranges(bf_md_fence_t *f, const char *s, const char *end)
{
    while (s < end) {
        uint32_t a, b;
        if (!number(&s, end, &a)) {
            s++; /* a separator, or something not understood */
            continue;
        }
        b = a;
        if (s < end && *s == '-') {
            s++;
            if (!number(&s, end, &b))
                b = a;
        }
        if (a > b) {
            uint32_t t = a;
            a = b;
            b = t;
        }
        if (a == 0 || b > BF_MD_FENCE_LINE_MAX || f->n_ranges == BF_MD_FENCE_RANGES)
            continue;
        f->ranges[f->n_ranges].from = a;
        f->ranges[f->n_ranges].to = b;
        f->n_ranges++;
    }
}

static bool key_is(const char *k, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(k, name, n) == 0;
}

/* One option: key[0..kn), its value[0..vn) (NULL: a bare word). */
static void option(bf_md_fence_t *f, const char *k, size_t kn, const char *v, size_t vn)
{
    if (key_is(k, kn, "title") && v) {
        f->title = v;
        f->title_len = vn;
    } else if (key_is(k, kn, "hl_lines") && v) {
        ranges(f, v, v + vn);
    } else if (key_is(k, kn, "linenos") || key_is(k, kn, "linenums") ||
               key_is(k, kn, "showLineNumbers")) {
        f->linenos = !v || !(key_is(v, vn, "false") || key_is(v, vn, "0"));
    }
}

void bf_md_fence_parse(const char *info, size_t len, bf_md_fence_t *f)
{
    const char *p = info, *end = info + len;
    memset(f, 0, sizeof *f);
    while (p < end && is_space(*p))
        p++;
    f->lang = p;
    while (p < end && !is_space(*p) && *p != '{')
        p++;
    f->lang_len = (size_t)(p - f->lang);
    while (p < end) {
        if (is_space(*p)) {
            p++;
        } else if (*p == '{') {
            const char *close = memchr(p, '}', (size_t)(end - p));
            const char *stop = close ? close : end;
            ranges(f, p + 1, stop);
            p = close ? close + 1 : end;
        } else {
            const char *k = p, *v = NULL;
            size_t vn = 0;
            while (p < end && !is_space(*p) && *p != '=')
                p++;
            size_t kn = (size_t)(p - k);
            if (p < end && *p == '=') {
                p++;
                char q = p < end && (*p == '"' || *p == '\'') ? *p : 0;
                if (q) {
                    const char *close = memchr(p + 1, q, (size_t)(end - p - 1));
                    v = p + 1;
                    vn = (size_t)((close ? close : end) - v);
                    p = close ? close + 1 : end;
                } else {
                    v = p;
                    while (p < end && !is_space(*p))
                        p++;
                    vn = (size_t)(p - v);
                }
            }
            option(f, k, kn, v, vn);
        }
    }
}

bool bf_md_fence_marked(const bf_md_fence_t *f, uint32_t n)
{
    for (uint32_t i = 0; i < f->n_ranges; i++)
        if (n >= f->ranges[i].from && n <= f->ranges[i].to)
            return true;
    return false;
}

/* ---- the block ---- */

/* bf_hl_lines_t: each line a span, "line hl" when marked. */
static int line_tag(void *arg, bf_buf_t *out, uint32_t n, bool start)
{
    const bf_md_fence_t *f = arg;
    if (!start)
        return bf_buf_append(out, "</span>", 7);
    return bf_buf_puts(out, bf_md_fence_marked(f, n) ? "<span class=\"line hl\">"
                                                     : "<span class=\"line\">");
}

void bf_md_code_write(struct bf_md_walk *w, const bf_md_fence_t *f, const char *lit, size_t n)
{
    bf_hl_lines_t lines = {line_tag, (void *)f};
    bool by_line = f->linenos || f->n_ranges;

    if (f->title) {
        bf_md_puts(w, "<div class=\"code-block\"><div class=\"code-title\">");
        bf_md_escape_html(w, f->title, f->title_len);
        bf_md_puts(w, "</div>\n");
    }
    bf_md_puts(w, f->linenos ? "<pre class=\"linenos\">" : "<pre>");
    if (f->lang_len) {
        bf_md_puts(w, "<code class=\"language-");
        bf_md_escape_html(w, f->lang, f->lang_len);
        bf_md_puts(w, "\">");
    } else {
        bf_md_puts(w, "<code>");
    }
    if (!w->oom &&
        bf_hl_render(w->in->hl, f->lang, f->lang_len, lit, n, by_line ? &lines : NULL, w->html) < 0)
        w->oom = 1;
    bf_md_puts(w, "</code></pre>\n");
    if (f->title)
        bf_md_puts(w, "</div>\n");
}
