/*
 * shared/log.h - diagnostics to stderr.
 *
 * Format (GNU style, so editors jump to the spot):
 *     content/docs/a.md:3:7: error: unknown key "tittle"
 *     bengal.yaml: warning: unknown key "foo"
 *     bengal-farm: error: cannot open "x": No such file or directory
 * Processes other than the coordinator put "bf-worker-3[1234]: " (role and
 * pid) in front, as do all processes at debug level; a message without a
 * file then reads "bf-writer[77]: error: ..." (the prefix names it).  line/col 0 mean
 * unknown and are left out.  Info messages carry no level word ("file: msg"),
 * the others "error: ", "warning: ", "debug: ".  Each message is written with a single write(2)
 * so lines of concurrent processes never interleave.
 *
 * Every BF_LOG_WARN and BF_LOG_ERROR message counts into bf_ctx.n_warnings
 * / n_errors, even when the level filter hides it.
 */
#ifndef BF_SHARED_LOG_H
#define BF_SHARED_LOG_H

#include <stdarg.h>

#include "shared/ctx.h"

/* Message with a location; file may be NULL ("bengal-farm" is used). */
void bf_log_at(bf_log_level_t lvl, const char *file, unsigned line, unsigned col,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void bf_log_vat(bf_log_level_t lvl, const char *file, unsigned line, unsigned col,
                const char *fmt, va_list ap);

#define bf_log_error(...) bf_log_at(BF_LOG_ERROR, NULL, 0, 0, __VA_ARGS__)
#define bf_log_warn(...) bf_log_at(BF_LOG_WARN, NULL, 0, 0, __VA_ARGS__)
#define bf_log_info(...) bf_log_at(BF_LOG_INFO, NULL, 0, 0, __VA_ARGS__)
#define bf_log_debug(...) bf_log_at(BF_LOG_DEBUG, NULL, 0, 0, __VA_ARGS__)

#endif
