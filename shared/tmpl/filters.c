/*
 * shared/tmpl/filters.c - the filter registry, helpers and the string
 * filters (see filters.h).  Sequence filters are in filters_seq.c, the
 * formatting ones (tojson, urlencode, date, format ...) in filters_fmt.c,
 * numbers in filters_num.c.
 *
 * Case mapping covers ASCII, Latin-1, Greek and Cyrillic (the two-byte
 * UTF-8 ranges whose case pairs keep their length); other characters are
 * left as they are.  Whitespace is ASCII whitespace.
 */
#include "shared/tmpl/filters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/tmpl/access.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/rt.h"

/* ---- helpers ------------------------------------------------------------ */

int bf_tmpl_fstr(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t *s)
{
    return bf_tmpl_rt_to_str(rt, v, s);
}

int bf_tmpl_fint(bf_tmpl_rt_t *rt, bf_tv_t v, int64_t def, int64_t *out)
{
    if (bf_tv_is_absent(v) || v.kind == BF_TV_NULL) {
        *out = def;
        return 0;
    }
    if (v.kind == BF_TV_INT) {
        *out = v.u.i;
        return 0;
    }
    if (v.kind == BF_TV_BOOL) {
        *out = v.u.b;
        return 0;
    }
    if (v.kind == BF_TV_FLOAT && v.u.f >= -9e18 && v.u.f <= 9e18) {
        *out = (int64_t)v.u.f;
        return 0;
    }
    return bf_tmpl_rt_error(rt, "expected an integer argument, not %s", bf_tv_type_name(v));
}

bool bf_tmpl_fbool(bf_tv_t v, bool def)
{
    return bf_tv_is_absent(v) ? def : bf_tv_truthy(v);
}

int bf_tmpl_fstrarg(bf_tmpl_rt_t *rt, bf_tv_t v, const char *def, bf_tv_t *out)
{
    if (bf_tv_is_absent(v)) {
        *out = bf_tv_str(def, strlen(def));
        return 0;
    }
    return bf_tmpl_rt_to_str(rt, v, out);
}

int bf_tmpl_fnew(bf_tmpl_rt_t *rt, const char *p, size_t n, bool safe, bf_tv_t *out)
{
    if (bf_tv_str_dup(rt->arena, p, n, out) < 0)
        return bf_tmpl_rt_oom(rt);
    if (safe)
        out->flags = BF_TV_F_SAFE;
    return 0;
}

int bf_tmpl_attr_path(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t path, bf_tv_t *out)
{
    if (path.kind == BF_TV_INT)
        return bf_tmpl_getitem(rt, v, path, out);
    if (path.kind != BF_TV_STR)
        return bf_tmpl_rt_error(rt, "attribute must be a string, not %s",
                                bf_tv_type_name(path));
    const char *p = path.u.s, *end = path.u.s + path.aux;
    for (;;) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        const char *e = dot ? dot : end;
        int r;
        bool digits = e > p;
        for (const char *q = p; q < e; q++)
            digits &= *q >= '0' && *q <= '9';
        if (digits && e - p < 18) {
            r = bf_tmpl_getitem(rt, v, bf_tv_int(strtoll(p, NULL, 10)), &v);
        } else {
            bf_tmpl_name_t nm = {p, (uint32_t)(e - p), 0};
            r = bf_tmpl_getattr(rt, v, &nm, &v);
            if (r == 0)
                r = bf_tmpl_getitem(rt, v, bf_tv_str(p, (size_t)(e - p)), &v);
        }
        if (r <= 0)
            return r;
        if (!dot)
            break;
        p = dot + 1;
    }
    *out = v;
    return 1;
}

/* ---- case mapping --------------------------------------------------------- */

static uint32_t cp_upper(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return c - 32;
    if (c < 0x80)
        return c;
    if ((c >= 0xe0 && c <= 0xfe && c != 0xf7) || (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) ||
        (c >= 0x430 && c <= 0x44f))
        return c - 32;
    if (c >= 0x450 && c <= 0x45f)
        return c - 80;
    return c;
}

static uint32_t cp_lower(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c < 0x80)
        return c;
    if ((c >= 0xc0 && c <= 0xde && c != 0xd7) || (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) ||
        (c >= 0x410 && c <= 0x42f))
        return c + 32;
    if (c >= 0x400 && c <= 0x40f)
        return c + 80;
    return c;
}

/* Decodes the code point at s[i] (2-byte sequences only; others are
 * returned as their lead byte with *w covering the sequence). */
static uint32_t decode(const unsigned char *s, size_t n, size_t i, size_t *w)
{
    unsigned char c = s[i];
    if (c < 0x80) {
        *w = 1;
        return c;
    }
    size_t k = 1;
    while (i + k < n && (s[i + k] & 0xc0) == 0x80)
        k++;
    *w = k;
    if ((c & 0xe0) == 0xc0 && k == 2)
        return ((uint32_t)(c & 0x1f) << 6) | (s[i + 1] & 0x3f);
    return 0xffffffffu;
}

enum { CASE_UPPER, CASE_LOWER, CASE_TITLE, CASE_CAPITALIZE };

static bool title_sep(unsigned char c)
{
    return c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v' || c == '(' || c == '{' || c == '[' || c == '<';
}

static int case_map(bf_tmpl_rt_t *rt, bf_tv_t s, int mode, bf_tv_t *out)
{
    if (s.kind != BF_TV_STR && bf_tmpl_rt_to_str(rt, s, &s) < 0)
        return -1;
    char *p = bf_arena_alloc(rt->arena, (size_t)s.aux + 1);
    if (!p)
        return bf_tmpl_rt_oom(rt);
    const unsigned char *in = (const unsigned char *)s.u.s;
    bool start = true;
    for (size_t i = 0; i < s.aux;) {
        size_t w;
        uint32_t c = decode(in, s.aux, i, &w);
        bool up;
        switch (mode) {
        case CASE_UPPER: up = true; break;
        case CASE_LOWER: up = false; break;
        case CASE_CAPITALIZE: up = i == 0; break;
        default: up = start; break;
        }
        if (mode == CASE_TITLE)
            start = title_sep(in[i]);
        if (c == 0xffffffffu) {
            memcpy(p + i, in + i, w);
        } else {
            uint32_t m = up ? cp_upper(c) : cp_lower(c);
            if (w == 1) {
                p[i] = (char)m;
            } else {
                p[i] = (char)(0xc0 | (m >> 6));
                p[i + 1] = (char)(0x80 | (m & 0x3f));
            }
        }
        i += w;
    }
    p[s.aux] = '\0';
    *out = bf_tv_str(p, s.aux);
    out->flags = s.flags & BF_TV_F_SAFE;
    return 0;
}

int bf_tmpl_lower(bf_tmpl_rt_t *rt, bf_tv_t s, bf_tv_t *out)
{
    return case_map(rt, s, CASE_LOWER, out);
}

#define FILTER(name) \
    static int name(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, size_t nargs, bf_tv_t *out)

FILTER(f_upper) { return case_map(rt, in, CASE_UPPER, out); }
FILTER(f_lower) { return case_map(rt, in, CASE_LOWER, out); }
FILTER(f_title) { return case_map(rt, in, CASE_TITLE, out); }
FILTER(f_capitalize) { return case_map(rt, in, CASE_CAPITALIZE, out); }

FILTER(f_default)
{
    bool use = in.kind == BF_TV_UNDEF || (bf_tmpl_fbool(args[1], false) && !bf_tv_truthy(in));
    if (!use) {
        *out = in;
        return 0;
    }
    *out = bf_tv_is_absent(args[0]) ? bf_tv_str("", 0) : args[0];
    return 0;
}

FILTER(f_escape) { return bf_tmpl_rt_escape(rt, in, out); }

FILTER(f_forceescape)
{
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    in.flags &= (uint8_t)~BF_TV_F_SAFE;
    return bf_tmpl_rt_escape(rt, in, out);
}

FILTER(f_safe)
{
    if (bf_tmpl_rt_to_str(rt, in, out) < 0)
        return -1;
    out->flags |= BF_TV_F_SAFE;
    return 0;
}

FILTER(f_string) { return bf_tmpl_rt_to_str(rt, in, out); }

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           (c >= 0x1c && c <= 0x1f);
}

/* strip (both), lstrip, rstrip with Python's chars argument. */
static int strip(bf_tmpl_rt_t *rt, bf_tv_t in, bf_tv_t chars, bool left, bool right,
                 bf_tv_t *out)
{
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    bool set[256] = {false};
    bool ws = bf_tv_is_absent(chars) || chars.kind == BF_TV_NULL;
    if (!ws) {
        if (bf_tmpl_rt_to_str(rt, chars, &chars) < 0)
            return -1;
        for (uint32_t i = 0; i < chars.aux; i++)
            set[(unsigned char)chars.u.s[i]] = true;
    }
    const char *s = in.u.s, *e = in.u.s + in.aux;
#define STRIPS(c) (ws ? is_ws((unsigned char)(c)) : set[(unsigned char)(c)])
    while (left && s < e && STRIPS(*s))
        s++;
    while (right && e > s && STRIPS(e[-1]))
        e--;
#undef STRIPS
    *out = bf_tv_str(s, (size_t)(e - s));
    out->flags = in.flags & BF_TV_F_SAFE;
    return 0;
}

FILTER(f_trim) { return strip(rt, in, args[0], true, true, out); }
FILTER(f_lstrip) { return strip(rt, in, nargs ? args[0] : bf_tv_absent(), true, false, out); }
FILTER(f_rstrip) { return strip(rt, in, nargs ? args[0] : bf_tv_absent(), false, true, out); }

FILTER(f_truncate)
{
    int64_t length, leeway;
    bf_tv_t end;
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0 || bf_tmpl_fint(rt, args[0], 255, &length) < 0 ||
        bf_tmpl_fstrarg(rt, args[2], "...", &end) < 0 || bf_tmpl_fint(rt, args[3], 5, &leeway) < 0)
        return -1;
    bool killwords = bf_tmpl_fbool(args[1], false);
    int64_t endlen = (int64_t)bf_tv_utf8_len(end.u.s, end.aux);
    if (length < endlen)
        return bf_tmpl_rt_error(rt, "truncate length %lld is shorter than the end \"%.*s\"",
                                (long long)length, (int)end.aux, end.u.s);
    if (leeway < 0)
        return bf_tmpl_rt_error(rt, "truncate leeway must not be negative");
    int64_t n = (int64_t)bf_tv_utf8_len(in.u.s, in.aux);
    if (n <= length + leeway) {
        *out = in;
        return 0;
    }
    /* Byte offset of code point length - len(end). */
    int64_t keep = length - endlen;
    size_t off = 0;
    for (int64_t k = 0; k < keep && off < in.aux; k++) {
        off++;
        while (off < in.aux && ((unsigned char)in.u.s[off] & 0xc0) == 0x80)
            off++;
    }
    if (!killwords) {
        /* rsplit(" ", 1)[0] */
        for (size_t i = off; i-- > 0;) {
            if (in.u.s[i] == ' ') {
                off = i;
                break;
            }
        }
    }
    bf_buf_t b = BF_BUF_INIT;
    int rc = bf_buf_append(&b, in.u.s, off) < 0 || bf_buf_append(&b, end.u.s, end.aux) < 0
                 ? bf_tmpl_rt_oom(rt) : bf_tmpl_fnew(rt, b.data, b.len, false, out);
    bf_buf_free(&b);
    return rc;
}

FILTER(f_replace)
{
    bf_tv_t old, new_;
    int64_t count;
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0 || bf_tmpl_rt_to_str(rt, args[0], &old) < 0 ||
        bf_tmpl_rt_to_str(rt, args[1], &new_) < 0 || bf_tmpl_fint(rt, args[2], -1, &count) < 0)
        return -1;
    bool safe = false;
    /* Jinja with autoescape: markup involved means escape the rest. */
    if (rt->autoescape && ((in.flags | old.flags | new_.flags) & BF_TV_F_SAFE)) {
        if (bf_tmpl_rt_escape(rt, in, &in) < 0 || bf_tmpl_rt_escape(rt, old, &old) < 0 ||
            bf_tmpl_rt_escape(rt, new_, &new_) < 0)
            return -1;
        safe = true;
    } else if (in.flags & BF_TV_F_SAFE) {
        safe = true;
    }
    bf_buf_t b = BF_BUF_INIT;
    const char *p = in.u.s, *end = in.u.s + in.aux;
    int rc = 0;
    if (old.aux == 0) {
        /* Python: insert new between every character (and at both ends). */
        int64_t done = 0;
        while (rc == 0) {
            if (count < 0 || done < count) {
                rc = bf_buf_append(&b, new_.u.s, new_.aux);
                done++;
            }
            if (p == end)
                break;
            size_t w = 1;
            while (p + w < end && ((unsigned char)p[w] & 0xc0) == 0x80)
                w++;
            if (rc == 0)
                rc = bf_buf_append(&b, p, w);
            p += w;
        }
    } else {
        int64_t done = 0;
        while (rc == 0) {
            const char *q = count >= 0 && done >= count ? NULL
                                                        : memmem(p, (size_t)(end - p), old.u.s, old.aux);
            if (!q) {
                rc = bf_buf_append(&b, p, (size_t)(end - p));
                break;
            }
            rc = bf_buf_append(&b, p, (size_t)(q - p));
            if (rc == 0)
                rc = bf_buf_append(&b, new_.u.s, new_.aux);
            p = q + old.aux;
            done++;
        }
    }
    rc = rc < 0 ? bf_tmpl_rt_oom(rt) : bf_tmpl_fnew(rt, b.data ? b.data : "", b.len, safe, out);
    bf_buf_free(&b);
    return rc;
}

FILTER(f_wordcount)
{
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    int64_t words = 0;
    bool inword = false;
    for (uint32_t i = 0; i < in.aux; i++) {
        unsigned char c = (unsigned char)in.u.s[i];
        bool w = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c >= 0x80;
        if (w && !inword)
            words++;
        inword = w;
    }
    *out = bf_tv_int(words);
    return 0;
}

FILTER(f_center)
{
    int64_t width;
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0 || bf_tmpl_fint(rt, args[0], 80, &width) < 0)
        return -1;
    int64_t n = (int64_t)bf_tv_utf8_len(in.u.s, in.aux);
    if (width <= n || width > 100000) {
        *out = in;
        return 0;
    }
    /* Python: left = pad // 2 + (pad & width & 1) */
    int64_t pad = width - n, left = pad / 2 + (pad & width & 1), right = pad - left;
    char *p = bf_arena_alloc(rt->arena, (size_t)(in.aux + pad) + 1);
    if (!p)
        return bf_tmpl_rt_oom(rt);
    memset(p, ' ', (size_t)left);
    memcpy(p + left, in.u.s, in.aux);
    memset(p + left + in.aux, ' ', (size_t)right);
    p[in.aux + pad] = '\0';
    *out = bf_tv_str(p, (size_t)(in.aux + pad));
    return 0;
}

/* Hidden helpers behind str methods: "_startswith" ... */
static int starts_ends(bf_tmpl_rt_t *rt, bf_tv_t in, bf_tv_t arg, bool ends, bf_tv_t *out)
{
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    const bf_tv_t *cands = &arg;
    size_t n = 1;
    if (arg.kind == BF_TV_LIST && bf_tmpl_iter(rt, arg, &cands, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        bf_tv_t c = cands[i];
        if (c.kind != BF_TV_STR)
            return bf_tmpl_rt_error(rt, "%s() takes a string or a tuple of strings",
                                    ends ? "endswith" : "startswith");
        if (c.aux <= in.aux &&
            memcmp(ends ? in.u.s + in.aux - c.aux : in.u.s, c.u.s, c.aux) == 0) {
            *out = bf_tv_bool(true);
            return 0;
        }
    }
    *out = bf_tv_bool(false);
    return 0;
}

FILTER(f_startswith)
{
    if (nargs < 1)
        return bf_tmpl_rt_error(rt, "startswith() takes one argument");
    return starts_ends(rt, in, args[0], false, out);
}

FILTER(f_endswith)
{
    if (nargs < 1)
        return bf_tmpl_rt_error(rt, "endswith() takes one argument");
    return starts_ends(rt, in, args[0], true, out);
}

static int find_sub(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, size_t nargs, int mode,
                    bf_tv_t *out)
{
    bf_tv_t sub;
    if (nargs < 1)
        return bf_tmpl_rt_error(rt, "expected a substring argument");
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0 || bf_tmpl_rt_to_str(rt, args[0], &sub) < 0)
        return -1;
    int64_t count = 0, pos = -1;
    const char *p = in.u.s, *end = in.u.s + in.aux;
    while (p <= end) {
        const char *q = sub.aux ? memmem(p, (size_t)(end - p), sub.u.s, sub.aux)
                                : (p <= end ? p : NULL);
        if (!q)
            break;
        int64_t cp = (int64_t)bf_tv_utf8_len(in.u.s, (size_t)(q - in.u.s));
        if (mode == 1 && pos < 0) { /* find */
            pos = cp;
            break;
        }
        pos = cp;
        count++;
        if (sub.aux == 0) {
            if (q == end)
                break;
            p = q + 1;
            while (p < end && ((unsigned char)*p & 0xc0) == 0x80)
                p++;
        } else {
            p = q + sub.aux;
        }
    }
    *out = bf_tv_int(mode == 0 ? count : pos);
    return 0;
}

FILTER(f_count_sub) { return find_sub(rt, in, args, nargs, 0, out); }
FILTER(f_find) { return find_sub(rt, in, args, nargs, 1, out); }
FILTER(f_rfind) { return find_sub(rt, in, args, nargs, 2, out); }

FILTER(f_splitlines)
{
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    bf_tv_list_t *l = bf_tv_list_new(rt->arena, 0);
    if (!l)
        return bf_tmpl_rt_oom(rt);
    const char *p = in.u.s, *end = in.u.s + in.aux, *start = p;
    while (p < end) {
        char c = *p;
        if (c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            if (bf_tv_list_push(rt->arena, l, bf_tv_str(start, (size_t)(p - start))) < 0)
                return bf_tmpl_rt_oom(rt);
            p += (c == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
            start = p;
        } else {
            p++;
        }
    }
    if (start < end && bf_tv_list_push(rt->arena, l, bf_tv_str(start, (size_t)(end - start))) < 0)
        return bf_tmpl_rt_oom(rt);
    *out = bf_tv_list(l);
    return 0;
}

static int char_class(bf_tmpl_rt_t *rt, bf_tv_t in, int cls, bf_tv_t *out)
{
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    bool any_cased = false, ok = in.aux > 0;
    for (uint32_t i = 0; i < in.aux && ok; i++) {
        unsigned char c = (unsigned char)in.u.s[i];
        bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';
        bool digit = c >= '0' && c <= '9';
        switch (cls) {
        case 0: ok = digit; break;
        case 1: ok = lower || upper || c >= 0x80; break;
        case 2: ok = lower || upper || digit || c >= 0x80; break;
        case 3: ok = is_ws(c); break;
        case 4: ok = !upper; any_cased |= lower; break;
        default: ok = !lower; any_cased |= upper; break;
        }
    }
    if (cls >= 4)
        ok = ok && any_cased;
    *out = bf_tv_bool(ok);
    return 0;
}

FILTER(f_isdigit) { return char_class(rt, in, 0, out); }
FILTER(f_isalpha) { return char_class(rt, in, 1, out); }
FILTER(f_isalnum) { return char_class(rt, in, 2, out); }
FILTER(f_isspace) { return char_class(rt, in, 3, out); }
FILTER(f_islower) { return char_class(rt, in, 4, out); }
FILTER(f_isupper) { return char_class(rt, in, 5, out); }

static const bf_tmpl_filter_t str_filters[] = {
    {"default", f_default, "default_value,boolean", BF_TMPL_FF_UNDEF_OK},
    {"d", f_default, "default_value,boolean", BF_TMPL_FF_UNDEF_OK},
    {"escape", f_escape, "", 0},
    {"e", f_escape, "", 0},
    {"forceescape", f_forceescape, "", 0},
    {"safe", f_safe, "", 0},
    {"string", f_string, "", 0},
    {"upper", f_upper, "", 0},
    {"lower", f_lower, "", 0},
    {"title", f_title, "", 0},
    {"capitalize", f_capitalize, "", 0},
    {"trim", f_trim, "chars", 0},
    {"strip", f_trim, "chars", 0},
    {"truncate", f_truncate, "length,killwords,end,leeway", 0},
    {"replace", f_replace, "old,new,count", 0},
    {"wordcount", f_wordcount, "", 0},
    {"center", f_center, "width", 0},
    {"_lstrip", f_lstrip, "*", 0},
    {"_rstrip", f_rstrip, "*", 0},
    {"_startswith", f_startswith, "*", 0},
    {"_endswith", f_endswith, "*", 0},
    {"_count", f_count_sub, "*", 0},
    {"_find", f_find, "*", 0},
    {"_rfind", f_rfind, "*", 0},
    {"_splitlines", f_splitlines, "*", 0},
    {"_isdigit", f_isdigit, "", 0},
    {"_isalpha", f_isalpha, "", 0},
    {"_isalnum", f_isalnum, "", 0},
    {"_isspace", f_isspace, "", 0},
    {"_islower", f_islower, "", 0},
    {"_isupper", f_isupper, "", 0},
};

const bf_tmpl_filter_t *bf_tmpl_builtin_filter(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof str_filters / sizeof str_filters[0]; i++) {
        if (strlen(str_filters[i].name) == len && memcmp(str_filters[i].name, name, len) == 0)
            return &str_filters[i];
    }
    const bf_tmpl_filter_t *f = bf_tmpl_seq_filter(name, len);
    if (!f)
        f = bf_tmpl_fmt_filter(name, len);
    return f ? f : bf_tmpl_num_filter(name, len);
}

void bf_tmpl_params_parse(const char *spec, bf_tmpl_params_t *out)
{
    memset(out, 0, sizeof *out);
    for (const char *p = spec; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 1 && *p == '*') {
            out->star = true;
            out->pre_star = out->n_named;
        } else if (n) {
            out->n_named++;
        }
        if (!e)
            break;
        p = e + 1;
    }
    if (!out->star)
        out->pre_star = out->n_named;
}

int bf_tmpl_params_index(const char *spec, const char *name, size_t len)
{
    int idx = 0;
    for (const char *p = spec; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (!(n == 1 && *p == '*') && n) {
            if (n == len && memcmp(p, name, len) == 0)
                return idx;
            idx++;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return -1;
}

/* Maps positional runtime arguments onto a spec as the compile pass does. */
static int call_by_name(bf_tmpl_rt_t *rt, const bf_tmpl_filter_t *f, bf_tv_t in,
                        const bf_tv_t *args, size_t nargs, bf_tv_t *out)
{
    bf_tmpl_params_t ps;
    bf_tmpl_params_parse(f->params, &ps);
    if (nargs > ps.pre_star && !ps.star)
        return bf_tmpl_rt_error(rt, "\"%s\" takes at most %zu argument%s", f->name, ps.pre_star,
                                ps.pre_star == 1 ? "" : "s");
    size_t nvar = nargs > ps.pre_star ? nargs - ps.pre_star : 0;
    size_t argc = ps.n_named + nvar;
    bf_tv_t buf[16];
    bf_tv_t *a = argc <= 16 ? buf : bf_arena_alloc(rt->arena, argc * sizeof *a);
    if (!a)
        return bf_tmpl_rt_oom(rt);
    for (size_t i = 0; i < argc; i++)
        a[i] = bf_tv_absent();
    for (size_t i = 0; i < nargs; i++) {
        if (i < ps.pre_star)
            a[i] = args[i];
        else
            a[ps.n_named + i - ps.pre_star] = args[i];
    }
    if (in.kind == BF_TV_UNDEF && !(f->flags & BF_TMPL_FF_UNDEF_OK))
        return bf_tmpl_rt_undefined(rt, in);
    return f->fn(rt, in, a, argc, out);
}

int bf_tmpl_call_filter(bf_tmpl_rt_t *rt, const char *name, size_t len, bf_tv_t in,
                        const bf_tv_t *args, size_t nargs, bf_tv_t *out)
{
    const bf_tmpl_filter_t *f = bf_tmpl_env_lookup(rt->env, name, len, false);
    if (!f)
        return bf_tmpl_rt_error(rt, "unknown filter \"%.*s\"", (int)len, name);
    return call_by_name(rt, f, in, args, nargs, out);
}

int bf_tmpl_call_test(bf_tmpl_rt_t *rt, const char *name, size_t len, bf_tv_t in,
                      const bf_tv_t *args, size_t nargs, bool *res)
{
    const bf_tmpl_filter_t *f = bf_tmpl_env_lookup(rt->env, name, len, true);
    if (!f)
        return bf_tmpl_rt_error(rt, "unknown test \"%.*s\"", (int)len, name);
    bf_tv_t out;
    if (call_by_name(rt, f, in, args, nargs, &out) < 0)
        return -1;
    *res = bf_tv_truthy(out);
    return 0;
}
