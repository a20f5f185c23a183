/*
 * shared/buf.c - growable byte buffer (see buf.h for the invariants).
 *
 * Growth doubles the capacity so that appending n bytes one at a time costs
 * O(n); every size computation is checked for overflow and fails with
 * ENOMEM before touching the buffer.
 */
#include "shared/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bf_buf_grow(bf_buf_t *b, size_t extra)
{
    if (extra > SIZE_MAX - 1 - b->len) {
        errno = ENOMEM;
        return -1;
    }
    size_t need = b->len + extra; /* excluding the NUL */
    if (b->data && need <= b->cap)
        return 0;

    size_t cap = b->cap < 32 ? 32 : b->cap;
    while (cap < need) {
        if (cap > (SIZE_MAX - 1) / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap + 1);
    if (!d) {
        errno = ENOMEM;
        return -1;
    }
    if (!b->data)
        d[0] = '\0';
    b->data = d;
    b->cap = cap;
    return 0;
}

int bf_buf_append(bf_buf_t *b, const void *p, size_t n)
{
    if (bf_buf_grow(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int bf_buf_puts(bf_buf_t *b, const char *s)
{
    return bf_buf_append(b, s, strlen(s));
}

int bf_buf_putc(bf_buf_t *b, int c)
{
    unsigned char ch = (unsigned char)c;
    return bf_buf_append(b, &ch, 1);
}

int bf_buf_vprintf(bf_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    size_t avail = b->data ? b->cap - b->len + 1 : 0;
    int n = vsnprintf(b->data ? b->data + b->len : NULL, avail, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        if (b->data)
            b->data[b->len] = '\0';
        return -1; /* errno from vsnprintf (EOVERFLOW, EILSEQ) */
    }
    if ((size_t)n >= avail) {
        if (bf_buf_grow(b, (size_t)n) < 0) {
            if (b->data)
                b->data[b->len] = '\0';
            return -1;
        }
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
    return 0;
}

int bf_buf_printf(bf_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = bf_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void bf_buf_truncate(bf_buf_t *b, size_t n)
{
    if (n >= b->len)
        return;
    b->len = n;
    b->data[n] = '\0';
}

void bf_buf_reset(bf_buf_t *b)
{
    bf_buf_truncate(b, 0);
}

void bf_buf_free(bf_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

char *bf_buf_detach(bf_buf_t *b, size_t *len)
{
    char *d = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return d;
}
