/*
 * shared/tmpl/error.h - template diagnostics with the source line and a caret.
 *
 * Every template error, at compile time or at render time, reads
 *
 *     page.html:3:8: error: undefined variable "titel"
 *         3 | <h1>{{ titel }}</h1>
 *           |        ^
 *
 * (GNU style first line, then the line of source and a caret under the
 * column; the column counts bytes from 1, the caret is placed by code
 * points so it lines up under UTF-8 text, tabs are kept).
 *
 * A bf_tmpl_diag_t collects errors: each is logged once through shared/log
 * (unless quiet) and appended to an optional text buffer, which tests and
 * callers that want the text read back.
 */
#ifndef BF_SHARED_TMPL_ERROR_H
#define BF_SHARED_TMPL_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

typedef struct {
    bf_buf_t *text; /* may be NULL; messages are appended, each ending in \n */
    bool quiet;     /* true: do not log */
    size_t count;   /* errors reported so far */
} bf_tmpl_diag_t;

/* Reports one error at name:line:col (line 0: no location, no excerpt;
 * src may be NULL: no excerpt).  Never fails (OOM only loses the text). */
void bf_tmpl_diag_error(bf_tmpl_diag_t *d, const char *name, const char *src, size_t len,
                        uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void bf_tmpl_diag_verror(bf_tmpl_diag_t *d, const char *name, const char *src, size_t len,
                         uint32_t line, uint32_t col, const char *fmt, va_list ap);

/* The same with note lines (each "name:line:col: note: ...", may be NULL or
 * empty) after the excerpt, in the same message. */
void bf_tmpl_diag_error_notes(bf_tmpl_diag_t *d, const char *name, const char *src, size_t len,
                              uint32_t line, uint32_t col, const char *notes, const char *fmt,
                              ...) __attribute__((format(printf, 8, 9)));

/* The two excerpt lines ("    3 | ...\n      |    ^") without a final
 * newline, appended to b; nothing when line is 0 or past the end. */
int bf_tmpl_excerpt(bf_buf_t *b, const char *src, size_t len, uint32_t line, uint32_t col);

#endif
