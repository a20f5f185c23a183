/*
 * shared/tmpl/error.c - template diagnostics (see error.h).
 *
 * Errors are rare, so finding the line is a plain scan from the start of
 * the source; compiled nodes keep only line and column.
 */
#include "shared/tmpl/error.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "shared/log.h"

int bf_tmpl_excerpt(bf_buf_t *b, const char *src, size_t len, uint32_t line, uint32_t col)
{
    if (!src || line == 0)
        return 0;
    const char *p = src, *end = src + len;
    for (uint32_t l = 1; l < line; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return 0;
        p = nl + 1;
    }
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    if (eol > p && eol[-1] == '\r')
        eol--;
    size_t n = (size_t)(eol - p);
    /* Very long lines (minified HTML) are cut around the column. */
    size_t from = 0;
    if (n > 200 && col > 100)
        from = col - 60 < n ? col - 60 : 0;
    while (from > 0 && from < n && ((unsigned char)p[from] & 0xc0) == 0x80)
        from++;
    size_t to = n - from > 200 ? from + 200 : n;
    while (to < n && to > from && ((unsigned char)p[to] & 0xc0) == 0x80)
        to--;

    char num[16];
    int w = snprintf(num, sizeof num, "%u", line);
    if (bf_buf_printf(b, "%*s%s | %s", 4, "", num, from ? "..." : "") < 0 ||
        bf_buf_append(b, p + from, to - from) < 0 || bf_buf_puts(b, to < n ? "...\n" : "\n") < 0)
        return -1;
    if (bf_buf_printf(b, "%*s | %s", 4 + w, "", from ? "   " : "") < 0)
        return -1;
    size_t c = col ? col - 1 : 0;
    for (size_t i = from; i < c && i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if ((ch & 0xc0) == 0x80)
            continue;
        if (bf_buf_putc(b, ch == '\t' ? '\t' : ' ') < 0)
            return -1;
    }
    return bf_buf_putc(b, '^');
}

static void diag_report(bf_tmpl_diag_t *d, const char *name, const char *src, size_t len,
                        uint32_t line, uint32_t col, const char *notes, const char *fmt,
                        va_list ap)
{
    bf_buf_t msg = BF_BUF_INIT;
    bf_buf_vprintf(&msg, fmt, ap);
    bf_buf_t ex = BF_BUF_INIT;
    bf_tmpl_excerpt(&ex, src, len, line, col);
    const char *m = msg.data ? msg.data : "error";

    bool has_notes = notes && *notes;
    size_t nl = has_notes ? strlen(notes) : 0;
    if (has_notes && notes[nl - 1] == '\n')
        nl--;
    d->count++;
    if (!d->quiet)
        bf_log_at(BF_LOG_ERROR, name, line, col, "%s%s%s%s%.*s", m, ex.len ? "\n" : "",
                  ex.len ? ex.data : "", has_notes ? "\n" : "", (int)nl, has_notes ? notes : "");
    if (d->text) {
        bf_buf_t *t = d->text;
        bf_buf_puts(t, name ? name : "bengal-farm");
        if (line) {
            bf_buf_printf(t, ":%u", line);
            if (col)
                bf_buf_printf(t, ":%u", col);
        }
        bf_buf_printf(t, ": error: %s\n", m);
        if (ex.len) {
            bf_buf_append(t, ex.data, ex.len);
            bf_buf_putc(t, '\n');
        }
        if (has_notes) {
            bf_buf_append(t, notes, nl);
            bf_buf_putc(t, '\n');
        }
    }
    bf_buf_free(&msg);
    bf_buf_free(&ex);
}

void bf_tmpl_diag_verror(bf_tmpl_diag_t *d, const char *name, const char *src, size_t len,
                         uint32_t line, uint32_t col, const char *fmt, va_list ap)
{
    diag_report(d, name, src, len, line, col, NULL, fmt, ap);
}

void bf_tmpl_diag_error_notes(bf_tmpl_diag_t *d, const char *name, const char *src, size_t len,
                              uint32_t line, uint32_t col, const char *notes, const char *fmt,
                              ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_report(d, name, src, len, line, col, notes, fmt, ap);
    va_end(ap);
}

void bf_tmpl_diag_error(bf_tmpl_diag_t *d, const char *name, const char *src, size_t len,
                        uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bf_tmpl_diag_verror(d, name, src, len, line, col, fmt, ap);
    va_end(ap);
}
