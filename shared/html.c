/*
 * shared/html.c - HTML/XML and JSON escaping (see html.h).
 */
#include "shared/html.h"

#include <stdio.h>

static const char *const html_rep[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};
/* cmark-gfm's set (houdini_escape_html0 with secure = 0): no apostrophe */
static const char *const text_rep[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
};

static int escape(bf_buf_t *out, const char *const rep_of[256], const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = rep_of[(unsigned char)s[i]];
        if (!rep)
            continue;
        if (bf_buf_append(out, s + run, i - run) < 0 || bf_buf_puts(out, rep) < 0)
            return -1;
        run = i + 1;
    }
    return bf_buf_append(out, s + run, n - run);
}

int bf_html_escape(bf_buf_t *out, const char *s, size_t n)
{
    return escape(out, html_rep, s, n);
}

int bf_html_escape_text(bf_buf_t *out, const char *s, size_t n)
{
    return escape(out, text_rep, s, n);
}

int bf_json_escape(bf_buf_t *out, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        char rep[8];
        switch (c) {
        case '"': snprintf(rep, sizeof rep, "\\\""); break;
        case '\\': snprintf(rep, sizeof rep, "\\\\"); break;
        case '\n': snprintf(rep, sizeof rep, "\\n"); break;
        case '\t': snprintf(rep, sizeof rep, "\\t"); break;
        case '\r': snprintf(rep, sizeof rep, "\\r"); break;
        default: snprintf(rep, sizeof rep, "\\u%04x", c); break;
        }
        if (bf_buf_append(out, s + run, i - run) < 0 || bf_buf_puts(out, rep) < 0)
            return -1;
        run = i + 1;
    }
    return bf_buf_append(out, s + run, n - run);
}
