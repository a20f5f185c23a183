/*
 * shared/date.c - parsing and formatting of front matter dates (see date.h).
 *
 * All calendar arithmetic is done here on the proleptic Gregorian calendar
 * (days_from_civil / civil_from_days, after Howard Hinnant), and names of
 * months and days come from tables: the result never depends on TZ, the
 * locale or the C library, so output is the same on every build machine.
 */
#include "shared/date.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};
static const char *const day_names[7] = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Days since 1970-01-01 of y-m-d (m 1-12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                  /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Reads exactly width digits at s[*pos]; on failure *pos is the bad byte. */
static bool digits(const char *s, size_t n, size_t *pos, int width, int *out)
{
    int v = 0;
    for (int k = 0; k < width; k++) {
        if (*pos >= n || s[*pos] < '0' || s[*pos] > '9')
            return false;
        v = v * 10 + (s[*pos] - '0');
        (*pos)++;
    }
    *out = v;
    return true;
}

static bool expect(const char *s, size_t n, size_t *pos, char c)
{
    if (*pos >= n || s[*pos] != c)
        return false;
    (*pos)++;
    return true;
}

/* A field in [lo, hi] read at *pos; on a range error *pos is its start. */
static bool field(const char *s, size_t n, size_t *pos, int width, int lo, int hi,
                  int *out)
{
    size_t start = *pos;
    if (!digits(s, n, pos, width, out))
        return false;
    if (*out < lo || *out > hi) {
        *pos = start;
        return false;
    }
    return true;
}

/* Parses the "HH:MM[:SS[.frac]][Z|+HH:MM|-HH:MM]" part; adds to *secs. */
static bool parse_time(const char *s, size_t n, size_t *pos, int64_t *secs,
                       int32_t *tz_min)
{
    int hh, mm, ss = 0;
    if (!field(s, n, pos, 2, 0, 23, &hh) || !expect(s, n, pos, ':') ||
        !field(s, n, pos, 2, 0, 59, &mm))
        return false;
    if (*pos < n && s[*pos] == ':') {
        (*pos)++;
        if (!field(s, n, pos, 2, 0, 59, &ss))
            return false;
        if (*pos < n && s[*pos] == '.') {
            (*pos)++;
            size_t start = *pos;
            while (*pos < n && s[*pos] >= '0' && s[*pos] <= '9')
                (*pos)++;
            if (*pos == start)
                return false; /* "." needs at least one digit */
        }
    }
    *secs += (int64_t)hh * 3600 + mm * 60 + ss;

    if (*pos >= n)
        return true;
    char c = s[*pos];
    if (c == 'Z' || c == 'z') {
        (*pos)++;
        return true;
    }
    if (c != '+' && c != '-')
        return false;
    (*pos)++;
    int oh, om;
    if (!field(s, n, pos, 2, 0, 23, &oh) || !expect(s, n, pos, ':') ||
        !field(s, n, pos, 2, 0, 59, &om))
        return false;
    int32_t off = oh * 60 + om;
    *tz_min = c == '-' ? -off : off;
    *secs -= (int64_t)*tz_min * 60;
    return true;
}

int bf_date_parse(const char *s, size_t n, bf_date_t *out, size_t *err_col)
{
    size_t pos = 0;
    int y, m, d;
    if (!digits(s, n, &pos, 4, &y) || !expect(s, n, &pos, '-') ||
        !field(s, n, &pos, 2, 1, 12, &m) || !expect(s, n, &pos, '-'))
        goto bad;
    size_t day_at = pos;
    if (!digits(s, n, &pos, 2, &d))
        goto bad;
    if (d < 1 || d > days_in_month(y, m)) {
        pos = day_at;
        goto bad;
    }

    bf_date_t r = {0};
    int64_t secs = days_from_civil(y, m, d) * 86400;
    if (pos < n) {
        if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')
            goto bad;
        pos++;
        if (!parse_time(s, n, &pos, &secs, &r.tz_min))
            goto bad;
        if (pos != n)
            goto bad;
        r.has_time = 1;
    }
    r.epoch = secs;
    *out = r;
    return 0;

bad:
    if (err_col)
        *err_col = pos;
    return -1;
}

/* Output cursor that remembers whether anything did not fit. */
typedef struct {
    char *p;
    size_t cap, len;
    bool full;
} out_t;

static void emit(out_t *o, const char *s, size_t n)
{
    if (o->full || n >= o->cap - o->len) {
        o->full = true;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void emitf(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emitf(out_t *o, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        o->full = true;
    else
        emit(o, tmp, (size_t)n);
}

static void emit_offset(out_t *o, int32_t tz, bool colon)
{
    int32_t a = tz < 0 ? -tz : tz;
    emitf(o, colon ? "%c%02d:%02d" : "%c%02d%02d", tz < 0 ? '-' : '+', (int)(a / 60),
          (int)(a % 60));
}

/* Broken-down local time of a date, in its own zone. */
typedef struct {
    int64_t year, days;
    int mon, mday, hour, min, sec, wday, yday;
} tm_t;

static void breakdown(const bf_date_t *d, tm_t *t)
{
    int64_t local = d->epoch + (int64_t)d->tz_min * 60;
    t->days = floor_div(local, 86400);
    int64_t sod = local - t->days * 86400;
    civil_from_days(t->days, &t->year, &t->mon, &t->mday);
    t->hour = (int)(sod / 3600);
    t->min = (int)(sod / 60 % 60);
    t->sec = (int)(sod % 60);
    t->wday = (int)(((t->days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
    t->yday = (int)(t->days - days_from_civil(t->year, 1, 1)); /* 0-based */
}

static void format_one(out_t *o, const bf_date_t *d, const tm_t *t, char c)
{
    int h12 = t->hour % 12 == 0 ? 12 : t->hour % 12;
    switch (c) {
    case 'Y': emitf(o, "%04lld", (long long)t->year); break;
    case 'C': emitf(o, "%02lld", (long long)floor_div(t->year, 100)); break;
    case 'y': emitf(o, "%02d", (int)(((t->year % 100) + 100) % 100)); break;
    case 'm': emitf(o, "%02d", t->mon); break;
    case 'd': emitf(o, "%02d", t->mday); break;
    case 'e': emitf(o, "%2d", t->mday); break;
    case 'j': emitf(o, "%03d", t->yday + 1); break;
    case 'H': emitf(o, "%02d", t->hour); break;
    case 'k': emitf(o, "%2d", t->hour); break;
    case 'I': emitf(o, "%02d", h12); break;
    case 'l': emitf(o, "%2d", h12); break;
    case 'M': emitf(o, "%02d", t->min); break;
    case 'S': emitf(o, "%02d", t->sec); break;
    case 'p': emit(o, t->hour < 12 ? "AM" : "PM", 2); break;
    case 'P': emit(o, t->hour < 12 ? "am" : "pm", 2); break;
    case 'b':
    case 'h': emit(o, month_names[t->mon - 1], 3); break;
    case 'B': emitf(o, "%s", month_names[t->mon - 1]); break;
    case 'a': emit(o, day_names[t->wday], 3); break;
    case 'A': emitf(o, "%s", day_names[t->wday]); break;
    case 'u': emitf(o, "%d", t->wday == 0 ? 7 : t->wday); break;
    case 'w': emitf(o, "%d", t->wday); break;
    case 's': emitf(o, "%lld", (long long)d->epoch); break;
    case 'z': emit_offset(o, d->tz_min, false); break;
    case 'Z':
        if (d->tz_min == 0)
            emit(o, "UTC", 3);
        else
            emit_offset(o, d->tz_min, true);
        break;
    case 'F':
        emitf(o, "%04lld-%02d-%02d", (long long)t->year, t->mon, t->mday);
        break;
    case 'T': emitf(o, "%02d:%02d:%02d", t->hour, t->min, t->sec); break;
    case 'R': emitf(o, "%02d:%02d", t->hour, t->min); break;
    case 'D':
        emitf(o, "%02d/%02d/%02d", t->mon, t->mday, (int)(((t->year % 100) + 100) % 100));
        break;
    case 'n': emit(o, "\n", 1); break;
    case 't': emit(o, "\t", 1); break;
    case '%': emit(o, "%", 1); break;
    default: {
        /* Unknown conversions are copied as written. */
        char two[2] = {'%', c};
        emit(o, two, 2);
        break;
    }
    }
}

size_t bf_date_format(const bf_date_t *d, const char *fmt, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out_t o = {out, cap, 0, false};
    tm_t t;
    breakdown(d, &t);

    for (const char *f = fmt; *f && !o.full; f++) {
        if (*f != '%') {
            emit(&o, f, 1);
        } else if (f[1] == '\0') {
            emit(&o, "%", 1); /* a lone '%' at the end */
        } else {
            f++;
            format_one(&o, d, &t, *f);
        }
    }
    if (o.full) {
        out[0] = '\0';
        return 0;
    }
    out[o.len] = '\0';
    return o.len;
}

size_t bf_date_rfc3339(const bf_date_t *d, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out_t o = {out, cap, 0, false};
    tm_t t;
    breakdown(d, &t);
    emitf(&o, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)t.year, t.mon, t.mday,
          t.hour, t.min, t.sec);
    if (d->tz_min == 0)
        emit(&o, "Z", 1);
    else
        emit_offset(&o, d->tz_min, true);
    if (o.full) {
        out[0] = '\0';
        return 0;
    }
    out[o.len] = '\0';
    return o.len;
}
