/*
 * shared/buf.h - growable byte buffer (after git's strbuf).
 *
 * Invariants: data is NULL only while cap == 0; otherwise data[len] == '\0'
 * always, so data can be used as a C string when it holds no NUL.  len <= cap
 * and cap excludes the terminating byte.  A zero-initialised bf_buf_t
 * (BF_BUF_INIT) is a valid empty buffer.  Memory comes from malloc and
 * belongs to the buffer until bf_buf_free or bf_buf_detach.
 *
 * Errors: functions that grow return 0, or -1 with errno = ENOMEM (also on
 * size overflow) and the buffer unchanged.
 */
#ifndef BF_SHARED_BUF_H
#define BF_SHARED_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} bf_buf_t;

#define BF_BUF_INIT {NULL, 0, 0}

/* Makes room for extra more bytes (plus the NUL). */
int bf_buf_grow(bf_buf_t *b, size_t extra);
int bf_buf_append(bf_buf_t *b, const void *p, size_t n);
int bf_buf_puts(bf_buf_t *b, const char *s);
int bf_buf_putc(bf_buf_t *b, int c);
int bf_buf_printf(bf_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int bf_buf_vprintf(bf_buf_t *b, const char *fmt, va_list ap);
/* Shortens to n bytes (n <= len). */
void bf_buf_truncate(bf_buf_t *b, size_t n);
/* len = 0, memory kept for reuse. */
void bf_buf_reset(bf_buf_t *b);
void bf_buf_free(bf_buf_t *b);
/* Hands data to the caller (free() it); the buffer is left empty. May be
 * NULL for a buffer that never held anything. */
char *bf_buf_detach(bf_buf_t *b, size_t *len);

#endif
