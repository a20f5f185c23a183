/*
 * shared/date.h - dates as front matter writes them.
 *
 * Accepted: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]]" and the same with
 * a space instead of 'T', each optionally followed by "Z" or "+HH:MM" /
 * "-HH:MM" (RFC 3339).  Without a zone the time is UTC.  Fields are range
 * checked (month 1-12, day within the month, leap years, hour 0-23 ...).
 */
#ifndef BF_SHARED_DATE_H
#define BF_SHARED_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t epoch;   /* seconds since 1970-01-01T00:00:00Z */
    int32_t tz_min;  /* zone offset the author wrote, in minutes */
    int32_t has_time; /* 0 for a date without a time of day */
} bf_date_t;

/* 0 on success; -1 if s[0..n) is not a date, with *err_col (if not NULL)
 * set to the 0-based offset of the first wrong byte. */
int bf_date_parse(const char *s, size_t n, bf_date_t *out, size_t *err_col);

/* strftime-style formatting of d in its own zone (tz_min applied).  Writes
 * at most cap bytes including the NUL; returns the length, 0 on error. */
size_t bf_date_format(const bf_date_t *d, const char *fmt, char *out, size_t cap);

/* RFC 3339 form, e.g. "2024-01-05T10:00:00+02:00" (sitemaps, feeds); a
 * zero offset is written "Z".  Same return convention as bf_date_format. */
size_t bf_date_rfc3339(const bf_date_t *d, char *out, size_t cap);

#endif
