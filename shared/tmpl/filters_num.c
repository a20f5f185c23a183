/*
 * shared/tmpl/filters_num.c - filters over numbers: abs, round, int,
 * float, filesizeformat.
 *
 * Python's conversions: int("1_000") and int(" 12 ") work, int("3.9") is
 * 3 through float, anything else gives the default; round() is correctly
 * rounded half-even on the exact binary value, as Python's round().
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/tmpl/filters.h"
#include "shared/tmpl/rt.h"

#define FILTER(name) \
    static int name(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, size_t nargs, bf_tv_t *out)

FILTER(f_abs)
{
    if (in.kind == BF_TV_INT) {
        if (in.u.i == INT64_MIN)
            return bf_tmpl_rt_error(rt, "integer overflow in abs");
        *out = bf_tv_int(in.u.i < 0 ? -in.u.i : in.u.i);
    } else if (in.kind == BF_TV_BOOL) {
        *out = bf_tv_int(in.u.b);
    } else if (in.kind == BF_TV_FLOAT) {
        *out = bf_tv_float(fabs(in.u.f));
    } else {
        return bf_tmpl_rt_error(rt, "abs needs a number, not %s", bf_tv_type_name(in));
    }
    return 0;
}

/* round(precision, method): Python's correctly rounded round() for
 * "common" (glibc's printf rounds the exact binary value half-even). */
FILTER(f_round)
{
    int64_t prec;
    bf_tv_t method;
    if (bf_tmpl_fint(rt, args[0], 0, &prec) < 0 ||
        bf_tmpl_fstrarg(rt, args[1], "common", &method) < 0)
        return -1;
    if (in.kind != BF_TV_INT && in.kind != BF_TV_FLOAT && in.kind != BF_TV_BOOL)
        return bf_tmpl_rt_error(rt, "round needs a number, not %s", bf_tv_type_name(in));
    bool common = method.aux == 6 && memcmp(method.u.s, "common", 6) == 0;
    bool ceil_ = method.aux == 4 && memcmp(method.u.s, "ceil", 4) == 0;
    bool floor_ = method.aux == 5 && memcmp(method.u.s, "floor", 5) == 0;
    if (!common && !ceil_ && !floor_)
        return bf_tmpl_rt_error(rt, "round: method must be common, ceil or floor");
    if (prec < -300 || prec > 300)
        return bf_tmpl_rt_error(rt, "round: precision out of range");
    double x = in.kind == BF_TV_FLOAT ? in.u.f : (double)(in.kind == BF_TV_INT ? in.u.i : in.u.b);
    if (common && in.kind != BF_TV_FLOAT) {
        *out = in.kind == BF_TV_BOOL ? bf_tv_int(in.u.b) : in; /* round(int) is the int */
        return 0;
    }
    double r;
    if (common && prec >= 0) {
        char buf[400];
        snprintf(buf, sizeof buf, "%.*f", (int)prec, x);
        r = strtod(buf, NULL);
    } else {
        double m = pow(10.0, (double)prec);
        r = common ? nearbyint(x * m) / m : ceil_ ? ceil(x * m) / m : floor(x * m) / m;
    }
    *out = bf_tv_float(r);
    return 0;
}

static bool parse_int(const char *s, size_t n, int base, int64_t *out)
{
    char buf[80];
    size_t k = 0;
    const char *p = s, *e = s + n;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    if (p == e)
        return false;
    for (; p < e && k < sizeof buf - 1; p++) {
        if (*p == '_' && k && p + 1 < e && buf[k - 1] != '_')
            continue;
        buf[k++] = *p;
    }
    if (p < e)
        return false;
    buf[k] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, base);
    if (*end || errno || end == buf)
        return false;
    *out = v;
    return true;
}

FILTER(f_int)
{
    int64_t def, base, v;
    if (bf_tmpl_fint(rt, args[0], 0, &def) < 0 || bf_tmpl_fint(rt, args[1], 10, &base) < 0)
        return -1;
    switch (in.kind) {
    case BF_TV_INT:
        *out = in;
        return 0;
    case BF_TV_BOOL:
        *out = bf_tv_int(in.u.b);
        return 0;
    case BF_TV_FLOAT:
        *out = isfinite(in.u.f) && fabs(in.u.f) < 9.2e18 ? bf_tv_int((int64_t)in.u.f)
                                                          : bf_tv_int(def);
        return 0;
    case BF_TV_STR:
        if (base >= 2 && base <= 36 && parse_int(in.u.s, in.aux, (int)base, &v)) {
            *out = bf_tv_int(v);
            return 0;
        }
        if (in.aux < 64) { /* int(float(s)) */
            char buf[64], *end;
            memcpy(buf, in.u.s, in.aux);
            buf[in.aux] = '\0';
            double d = strtod(buf, &end);
            while (*end == ' ' || *end == '\n' || *end == '\t')
                end++;
            if (end != buf && !*end && isfinite(d) && fabs(d) < 9.2e18) {
                *out = bf_tv_int((int64_t)d);
                return 0;
            }
        }
        /* fallthrough */
    default:
        *out = bf_tv_int(def);
        return 0;
    }
}

FILTER(f_float)
{
    double def = 0.0;
    if (!bf_tv_is_absent(args[0])) {
        if (args[0].kind == BF_TV_FLOAT)
            def = args[0].u.f;
        else if (args[0].kind == BF_TV_INT)
            def = (double)args[0].u.i;
    }
    switch (in.kind) {
    case BF_TV_FLOAT:
        *out = in;
        return 0;
    case BF_TV_INT:
        *out = bf_tv_float((double)in.u.i);
        return 0;
    case BF_TV_BOOL:
        *out = bf_tv_float(in.u.b);
        return 0;
    case BF_TV_STR:
        if (in.aux < 64) {
            char buf[64], *end;
            memcpy(buf, in.u.s, in.aux);
            buf[in.aux] = '\0';
            double d = strtod(buf, &end);
            while (*end == ' ' || *end == '\n' || *end == '\t')
                end++;
            if (end != buf && !*end) {
                *out = bf_tv_float(d);
                return 0;
            }
        }
        /* fallthrough */
    default:
        *out = bf_tv_float(def);
        return 0;
    }
}

FILTER(f_filesizeformat)
{
    double bytes;
    if (in.kind == BF_TV_INT)
        bytes = (double)in.u.i;
    else if (in.kind == BF_TV_BOOL)
        bytes = in.u.b;
    else if (in.kind == BF_TV_FLOAT)
        bytes = in.u.f;
    else if (in.kind == BF_TV_STR && in.aux < 60) {
        char buf[64];
        memcpy(buf, in.u.s, in.aux);
        buf[in.aux] = '\0';
        bytes = strtod(buf, NULL);
    } else
        return bf_tmpl_rt_error(rt, "filesizeformat needs a number");
    bool binary = bf_tmpl_fbool(args[0], false);
    double base = binary ? 1024 : 1000;
    static const char *const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    static const char *const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
    char res[64];
    if (bytes == 1) {
        snprintf(res, sizeof res, "1 Byte");
    } else if (bytes < base) {
        snprintf(res, sizeof res, "%lld Bytes", (long long)bytes);
    } else {
        double unit = base;
        int i;
        for (i = 0; i < 8; i++) {
            unit *= base;
            if (bytes < unit)
                break;
        }
        if (i == 8)
            i = 7;
        snprintf(res, sizeof res, "%.1f %s", base * bytes / unit, binary ? bin[i] : dec[i]);
    }
    return bf_tmpl_fnew(rt, res, strlen(res), false, out);
}

static const bf_tmpl_filter_t num_filters[] = {
    {"abs", f_abs, "", 0},
    {"round", f_round, "precision,method", 0},
    {"int", f_int, "default,base", 0},
    {"float", f_float, "default", 0},
    {"filesizeformat", f_filesizeformat, "binary", 0},
};

const bf_tmpl_filter_t *bf_tmpl_num_filter(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof num_filters / sizeof num_filters[0]; i++) {
        if (strlen(num_filters[i].name) == len && memcmp(num_filters[i].name, name, len) == 0)
            return &num_filters[i];
    }
    return NULL;
}
