/*
 * shared/tmpl/filters_fmt.c - formatting filters: tojson, urlencode,
 * date, format (and Python's "%" operator), indent, striptags, slug,
 * absolute_url, relative_url, xmlattr.
 *
 * tojson is Jinja's htmlsafe_json_dumps: json.dumps with sorted keys and
 * ASCII output, then < > & ' as \u escapes, marked safe.  urlencode is
 * urllib's quote (safe "/") for strings and a query string for maps.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/date.h"
#include "shared/tmpl/access.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/filters.h"
#include "shared/tmpl/rt.h"

#define FILTER(name) \
    static int name(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, size_t nargs, bf_tv_t *out)

static int buf_result(bf_tmpl_rt_t *rt, bf_buf_t *b, int rc, bool safe, bf_tv_t *out)
{
    if (rc == 0)
        rc = bf_tmpl_fnew(rt, b->data ? b->data : "", b->len, safe, out);
    else if (!rt->failed)
        rc = bf_tmpl_rt_oom(rt);
    bf_buf_free(b);
    return rc;
}

/* ---- JSON ------------------------------------------------------------------ */

static int json_str(bf_buf_t *b, const char *s, size_t n)
{
    if (bf_buf_putc(b, '"') < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc = 0;
        if (c == '"')
            rc = bf_buf_puts(b, "\\\"");
        else if (c == '\\')
            rc = bf_buf_puts(b, "\\\\");
        else if (c == '\n')
            rc = bf_buf_puts(b, "\\n");
        else if (c == '\r')
            rc = bf_buf_puts(b, "\\r");
        else if (c == '\t')
            rc = bf_buf_puts(b, "\\t");
        else if (c == '\b')
            rc = bf_buf_puts(b, "\\b");
        else if (c == '\f')
            rc = bf_buf_puts(b, "\\f");
        else if (c < 0x20)
            rc = bf_buf_printf(b, "\\u%04x", c);
        else if (c == '<' || c == '>' || c == '&' || c == '\'')
            rc = bf_buf_printf(b, "\\u%04x", c);
        else if (c < 0x80)
            rc = bf_buf_putc(b, c);
        else {
            /* ensure_ascii: decode UTF-8, emit \uXXXX (surrogate pairs). */
            uint32_t cp;
            size_t w = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
            cp = c & (w == 2 ? 0x1f : w == 3 ? 0x0f : 0x07);
            for (size_t k = 1; k < w && i + k < n; k++)
                cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3f);
            i += w - 1;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                rc = bf_buf_printf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
            } else {
                rc = bf_buf_printf(b, "\\u%04x", cp);
            }
        }
        if (rc < 0)
            return -1;
    }
    return bf_buf_putc(b, '"');
}

static int json_indent(bf_buf_t *b, int64_t indent, int depth)
{
    if (indent < 0)
        return 0;
    if (bf_buf_putc(b, '\n') < 0)
        return -1;
    for (int64_t i = 0; i < indent * depth; i++) {
        if (bf_buf_putc(b, ' ') < 0)
            return -1;
    }
    return 0;
}

static int json_value(bf_tmpl_rt_t *rt, bf_buf_t *b, bf_tv_t v, int64_t indent, int depth)
{
    if (depth > 200)
        return bf_tmpl_rt_error(rt, "tojson: value nested too deeply");
    switch (v.kind) {
    case BF_TV_UNDEF:
        return bf_tmpl_rt_undefined(rt, v);
    case BF_TV_NULL:
        return bf_buf_puts(b, "null");
    case BF_TV_BOOL:
        return bf_buf_puts(b, v.u.b ? "true" : "false");
    case BF_TV_INT:
        return bf_buf_printf(b, "%" PRId64, v.u.i);
    case BF_TV_FLOAT:
        if (isnan(v.u.f))
            return bf_buf_puts(b, "NaN");
        if (isinf(v.u.f))
            return bf_buf_puts(b, v.u.f < 0 ? "-Infinity" : "Infinity");
        return bf_tv_put_float(b, v.u.f);
    case BF_TV_STR:
        return json_str(b, v.u.s, v.aux);
    default:
        break;
    }
    if (v.kind == BF_TV_OBJ && v.u.obj->cls->shape == BF_TMPL_SHAPE_PLAIN) {
        bf_tv_t s;
        if (bf_tmpl_rt_to_str(rt, v, &s) < 0)
            return -1;
        return json_str(b, s.u.s, s.aux);
    }
    const char *sep = indent >= 0 ? "," : ", ";
    if (bf_tmpl_is_mapping(v)) {
        bf_tv_t *keys, *vals;
        size_t n;
        if (bf_tmpl_map_items(rt, v, &keys, &vals, &n) < 0)
            return -1;
        /* sort_keys: indexes by key (strings bytewise). */
        size_t *ord = bf_arena_alloc(rt->arena, (n ? n : 1) * sizeof *ord);
        bf_tv_t *skeys = bf_arena_alloc(rt->arena, (n ? n : 1) * sizeof *skeys);
        if (!ord || !skeys)
            return bf_tmpl_rt_oom(rt);
        for (size_t i = 0; i < n; i++) {
            ord[i] = i;
            if (bf_tmpl_rt_to_str(rt, keys[i], &skeys[i]) < 0)
                return -1;
        }
        for (size_t i = 1; i < n; i++) { /* insertion sort: maps are small */
            size_t x = ord[i], j = i;
            while (j > 0) {
                int c;
                bf_tv_cmp(skeys[ord[j - 1]], skeys[x], &c);
                if (c <= 0)
                    break;
                ord[j] = ord[j - 1];
                j--;
            }
            ord[j] = x;
        }
        if (bf_buf_putc(b, '{') < 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            if ((i && bf_buf_puts(b, sep) < 0) || json_indent(b, indent, depth + 1) < 0 ||
                json_str(b, skeys[ord[i]].u.s, skeys[ord[i]].aux) < 0 || bf_buf_puts(b, ": ") < 0)
                return -1;
            if (json_value(rt, b, vals[ord[i]], indent, depth + 1) < 0)
                return -1;
        }
        if (n && json_indent(b, indent, depth) < 0)
            return -1;
        return bf_buf_putc(b, '}');
    }
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, v, &items, &n) < 0)
        return -1;
    if (bf_buf_putc(b, '[') < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if ((i && bf_buf_puts(b, sep) < 0) || json_indent(b, indent, depth + 1) < 0)
            return -1;
        if (json_value(rt, b, items[i], indent, depth + 1) < 0)
            return -1;
    }
    if (n && json_indent(b, indent, depth) < 0)
        return -1;
    return bf_buf_putc(b, ']');
}

FILTER(f_tojson)
{
    int64_t indent;
    if (bf_tmpl_fint(rt, args[0], -1, &indent) < 0)
        return -1;
    bf_buf_t b = BF_BUF_INIT;
    int rc = json_value(rt, &b, in, indent, 0);
    return buf_result(rt, &b, rc, true, out);
}

/* ---- URLs ------------------------------------------------------------------ */

static int url_quote(bf_buf_t *b, const char *s, size_t n, bool for_qs)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || c == '~' || (c == '/' && !for_qs);
        int rc;
        if (keep)
            rc = bf_buf_putc(b, c);
        else if (c == ' ' && for_qs)
            rc = bf_buf_putc(b, '+');
        else
            rc = bf_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
        if (rc < 0)
            return -1;
    }
    return 0;
}

FILTER(f_urlencode)
{
    bf_buf_t b = BF_BUF_INIT;
    int rc = 0;
    if (in.kind == BF_TV_STR || !(bf_tmpl_is_mapping(in) || in.kind == BF_TV_LIST ||
                                  in.kind == BF_TV_TREE)) {
        bf_tv_t s;
        if (bf_tmpl_rt_to_str(rt, in, &s) < 0)
            return -1;
        rc = url_quote(&b, s.u.s, s.aux, false);
        return buf_result(rt, &b, rc, false, out);
    }
    bf_tv_t *keys, *vals;
    size_t n;
    if (bf_tmpl_is_mapping(in)) {
        if (bf_tmpl_map_items(rt, in, &keys, &vals, &n) < 0)
            return -1;
    } else {
        const bf_tv_t *items;
        if (bf_tmpl_iter(rt, in, &items, &n) < 0)
            return -1;
        keys = bf_arena_alloc(rt->arena, (n ? n : 1) * sizeof *keys);
        vals = bf_arena_alloc(rt->arena, (n ? n : 1) * sizeof *vals);
        if (!keys || !vals)
            return bf_tmpl_rt_oom(rt);
        for (size_t i = 0; i < n; i++) {
            const bf_tv_t *kv;
            size_t m;
            if (bf_tmpl_iter(rt, items[i], &kv, &m) < 0)
                return -1;
            if (m != 2)
                return bf_tmpl_rt_error(rt, "urlencode needs (key, value) pairs");
            keys[i] = kv[0];
            vals[i] = kv[1];
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        bf_tv_t k, v;
        if (bf_tmpl_rt_to_str(rt, keys[i], &k) < 0 || bf_tmpl_rt_to_str(rt, vals[i], &v) < 0) {
            bf_buf_free(&b);
            return -1;
        }
        if (i)
            rc = bf_buf_putc(&b, '&');
        if (rc == 0)
            rc = url_quote(&b, k.u.s, k.aux, true);
        if (rc == 0)
            rc = bf_buf_putc(&b, '=');
        if (rc == 0)
            rc = url_quote(&b, v.u.s, v.aux, true);
    }
    return buf_result(rt, &b, rc, false, out);
}

static bool has_scheme(const char *s, size_t n)
{
    if (n >= 2 && s[0] == '/' && s[1] == '/')
        return true;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ':')
            return i > 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.'))
            return false;
    }
    return false;
}

/* baseurl (or its path part) joined with a site path. */
static int join_url(bf_tmpl_rt_t *rt, bf_tv_t in, bool absolute, bf_tv_t *out)
{
    bf_tv_t p;
    if (bf_tmpl_rt_to_str(rt, in, &p) < 0)
        return -1;
    if (has_scheme(p.u.s, p.aux) || (p.aux && p.u.s[0] == '#')) {
        *out = p;
        return 0;
    }
    const char *base = bf_tmpl_env_baseurl(rt->env);
    size_t bn = strlen(base);
    if (!absolute && has_scheme(base, bn)) {
        const char *host = strstr(base, "//");
        const char *path = host ? strchr(host + 2, '/') : NULL;
        base = path ? path : "";
        bn = strlen(base);
    }
    while (bn && base[bn - 1] == '/')
        bn--;
    const char *s = p.u.s;
    size_t n = p.aux;
    while (n && *s == '/') {
        s++;
        n--;
    }
    bf_buf_t b = BF_BUF_INIT;
    int rc = bf_buf_append(&b, base, bn);
    if (rc == 0)
        rc = bf_buf_putc(&b, '/');
    if (rc == 0)
        rc = bf_buf_append(&b, s, n);
    return buf_result(rt, &b, rc, false, out);
}

FILTER(f_absolute_url) { return join_url(rt, in, true, out); }
FILTER(f_relative_url) { return join_url(rt, in, false, out); }

/* ---- text ------------------------------------------------------------------ */

FILTER(f_indent)
{
    bf_tv_t ind;
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    if (!bf_tv_is_absent(args[0]) && args[0].kind == BF_TV_STR) {
        ind = args[0];
    } else {
        int64_t w;
        if (bf_tmpl_fint(rt, args[0], 4, &w) < 0)
            return -1;
        if (w < 0)
            w = 0;
        if (w > 1000)
            return bf_tmpl_rt_error(rt, "indent width too large");
        char *sp = bf_arena_alloc(rt->arena, (size_t)w + 1);
        if (!sp)
            return bf_tmpl_rt_oom(rt);
        memset(sp, ' ', (size_t)w);
        ind = bf_tv_str(sp, (size_t)w);
    }
    bool first = bf_tmpl_fbool(args[1], false), blank = bf_tmpl_fbool(args[2], false);
    bf_buf_t b = BF_BUF_INIT;
    int rc = 0;
    /* Lines as str.splitlines() of s + "\n". */
    const char *p = in.u.s, *end = in.u.s + in.aux;
    bool first_line = true;
    while (rc == 0) {
        const char *q = p;
        while (q < end && *q != '\n' && *q != '\r' && *q != '\v' && *q != '\f')
            q++;
        bool empty = q == p;
        if (!first_line)
            rc = bf_buf_putc(&b, '\n');
        if (rc == 0 && ((first_line && first) || (!first_line && (blank || !empty))))
            rc = bf_buf_append(&b, ind.u.s, ind.aux);
        if (rc == 0)
            rc = bf_buf_append(&b, p, (size_t)(q - p));
        first_line = false;
        if (q >= end)
            break;
        /* After a final newline comes one more (empty) line, as Jinja's
         * (s + "\n").splitlines() has. */
        q += (*q == '\r' && q + 1 < end && q[1] == '\n') ? 2 : 1;
        p = q;
    }
    return buf_result(rt, &b, rc, in.flags & BF_TV_F_SAFE, out);
}

static const struct {
    const char *name;
    const char *utf8;
} entities[] = {
    {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"},
    {"nbsp", "\xc2\xa0"}, {"copy", "\xc2\xa9"}, {"reg", "\xc2\xae"},
    {"hellip", "\xe2\x80\xa6"}, {"mdash", "\xe2\x80\x94"}, {"ndash", "\xe2\x80\x93"},
    {"laquo", "\xc2\xab"}, {"raquo", "\xc2\xbb"}, {"lsquo", "\xe2\x80\x98"},
    {"rsquo", "\xe2\x80\x99"}, {"ldquo", "\xe2\x80\x9c"}, {"rdquo", "\xe2\x80\x9d"},
    {"trade", "\xe2\x84\xa2"}, {"euro", "\xe2\x82\xac"}, {"middot", "\xc2\xb7"},
    {"times", "\xc3\x97"}, {"para", "\xc2\xb6"}, {"sect", "\xc2\xa7"}, {"deg", "\xc2\xb0"},
};

static int put_cp(bf_buf_t *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return bf_buf_append(b, u, n);
}

/* html.unescape for numeric and common named references. */
static int unescape(bf_buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&') {
            if (bf_buf_putc(b, s[i]) < 0)
                return -1;
            continue;
        }
        const char *semi = memchr(s + i, ';', n - i < 34 ? n - i : 34);
        if (semi && i + 2 < n && s[i + 1] == '#') {
            bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';
            char *end;
            unsigned long cp = strtoul(s + i + (hex ? 3 : 2), &end, hex ? 16 : 10);
            if (end == semi && end > s + i + (hex ? 3 : 2)) {
                if (put_cp(b, (uint32_t)(cp > 0x10ffff ? 0xfffd : cp)) < 0)
                    return -1;
                i = (size_t)(semi - s);
                continue;
            }
        } else if (semi) {
            size_t len = (size_t)(semi - s) - i - 1;
            size_t k;
            for (k = 0; k < sizeof entities / sizeof entities[0]; k++) {
                if (strlen(entities[k].name) == len && memcmp(entities[k].name, s + i + 1, len) == 0)
                    break;
            }
            if (k < sizeof entities / sizeof entities[0]) {
                if (bf_buf_puts(b, entities[k].utf8) < 0)
                    return -1;
                i = (size_t)(semi - s);
                continue;
            }
        }
        if (bf_buf_putc(b, '&') < 0)
            return -1;
    }
    return 0;
}

FILTER(f_striptags)
{
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    bf_buf_t t = BF_BUF_INIT, w = BF_BUF_INIT, b = BF_BUF_INIT;
    int rc = bf_buf_append(&t, in.u.s, in.aux);
    /* Comments first, then tags, as markupsafe does. */
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        const char *open = pass == 0 ? "<!--" : "<", *close = pass == 0 ? "-->" : ">";
        size_t from = 0;
        for (;;) {
            char *st = t.len > from ? memmem(t.data + from, t.len - from, open, strlen(open)) : NULL;
            if (!st)
                break;
            size_t sp = (size_t)(st - t.data);
            char *en = memmem(t.data + sp, t.len - sp, close, strlen(close));
            if (!en)
                break;
            size_t ep = (size_t)(en - t.data) + strlen(close);
            memmove(t.data + sp, t.data + ep, t.len - ep);
            t.len -= ep - sp;
            from = sp;
        }
    }
    /* " ".join(value.split()) */
    for (size_t i = 0; i < t.len && rc == 0;) {
        while (i < t.len && strchr(" \t\n\r\f\v", t.data[i]) && t.data[i])
            i++;
        size_t s = i;
        while (i < t.len && !(strchr(" \t\n\r\f\v", t.data[i]) && t.data[i]))
            i++;
        if (i > s) {
            if (w.len)
                rc = bf_buf_putc(&w, ' ');
            if (rc == 0)
                rc = bf_buf_append(&w, t.data + s, i - s);
        }
    }
    if (rc == 0 && w.len)
        rc = unescape(&b, w.data, w.len);
    bf_buf_free(&t);
    bf_buf_free(&w);
    return buf_result(rt, &b, rc, false, out);
}

/* slug: lower-case ASCII letters and digits, other UTF-8 kept; spaces,
 * '-' and '_' become one '-'; other ASCII punctuation is dropped. */
FILTER(f_slug)
{
    if (bf_tmpl_rt_to_str(rt, in, &in) < 0)
        return -1;
    char *p = bf_arena_alloc(rt->arena, (size_t)in.aux + 1);
    if (!p)
        return bf_tmpl_rt_oom(rt);
    size_t o = 0;
    bool dash = false;
    for (uint32_t i = 0; i < in.aux; i++) {
        unsigned char c = (unsigned char)in.u.s[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            if (dash && o)
                p[o++] = '-';
            dash = false;
            p[o++] = (char)c;
        } else if (c >= 'A' && c <= 'Z') {
            if (dash && o)
                p[o++] = '-';
            dash = false;
            p[o++] = (char)(c + 32);
        } else if (c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n' || c == '\r' ||
                   c == '/' || c == '.') {
            dash = true;
        }
    }
    p[o] = '\0';
    *out = bf_tv_str(p, o);
    return 0;
}

FILTER(f_date)
{
    bf_tv_t fmt;
    if (bf_tmpl_fstrarg(rt, args[0], "%Y-%m-%d", &fmt) < 0)
        return -1;
    bf_date_t d = {0};
    if (in.kind == BF_TV_INT) {
        d.epoch = in.u.i;
        d.has_time = 1;
    } else if (in.kind == BF_TV_FLOAT && isfinite(in.u.f)) {
        d.epoch = (int64_t)floor(in.u.f);
        d.has_time = 1;
    } else if (in.kind == BF_TV_STR) {
        size_t col;
        if (bf_date_parse(in.u.s, in.aux, &d, &col) < 0)
            return bf_tmpl_rt_error(rt, "date: \"%.*s\" is not a date (YYYY-MM-DD[THH:MM[:SS]])",
                                    (int)(in.aux > 60 ? 60 : in.aux), in.u.s);
    } else if (in.kind == BF_TV_NULL) {
        *out = bf_tv_str("", 0);
        return 0;
    } else {
        return bf_tmpl_rt_error(rt, "date needs a date string or epoch seconds, not %s",
                                bf_tv_type_name(in));
    }
    char f[256], res[512];
    snprintf(f, sizeof f, "%.*s", (int)fmt.aux, fmt.u.s);
    size_t n = bf_date_format(&d, f, res, sizeof res);
    if (n == 0 && f[0])
        return bf_tmpl_rt_error(rt, "date: cannot format with \"%s\"", f);
    return bf_tmpl_fnew(rt, res, n, false, out);
}

FILTER(f_xmlattr)
{
    if (!bf_tmpl_is_mapping(in))
        return bf_tmpl_rt_error(rt, "xmlattr needs a mapping");
    bf_tv_t *keys, *vals;
    size_t n;
    if (bf_tmpl_map_items(rt, in, &keys, &vals, &n) < 0)
        return -1;
    bf_buf_t b = BF_BUF_INIT;
    int rc = 0;
    bool autospace = bf_tmpl_fbool(args[0], true);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (vals[i].kind == BF_TV_NULL || vals[i].kind == BF_TV_UNDEF)
            continue;
        bf_tv_t k, v;
        if (bf_tmpl_rt_escape(rt, keys[i], &k) < 0 || bf_tmpl_rt_escape(rt, vals[i], &v) < 0) {
            bf_buf_free(&b);
            return -1;
        }
        if (b.len || autospace)
            rc = bf_buf_putc(&b, ' ');
        if (rc == 0)
            rc = bf_buf_printf(&b, "%.*s=\"%.*s\"", (int)k.aux, k.u.s, (int)v.aux, v.u.s);
    }
    return buf_result(rt, &b, rc, true, out);
}

/* ---- Python "%" formatting -------------------------------------------------- */

int bf_tmpl_pyformat(bf_tmpl_rt_t *rt, bf_tv_t fmt, bf_tv_t args, bf_tv_t *out)
{
    const bf_tv_t *pos = &args;
    size_t npos = 1, next = 0;
    bool named = bf_tmpl_is_mapping(args);
    if (args.kind == BF_TV_LIST && (args.flags & BF_TV_F_TUPLE) &&
        bf_tmpl_iter(rt, args, &pos, &npos) < 0)
        return -1;
    bf_buf_t b = BF_BUF_INIT;
    int rc = 0;
    const char *s = fmt.u.s, *end = fmt.u.s + fmt.aux;
    while (s < end && rc == 0) {
        const char *pc = memchr(s, '%', (size_t)(end - s));
        if (!pc) {
            rc = bf_buf_append(&b, s, (size_t)(end - s));
            break;
        }
        rc = bf_buf_append(&b, s, (size_t)(pc - s));
        s = pc + 1;
        if (rc < 0)
            break;
        bf_tv_t v;
        if (s < end && *s == '(') {
            const char *close = memchr(s, ')', (size_t)(end - s));
            if (!close || !named) {
                rc = bf_tmpl_rt_error(rt, "format requires a mapping");
                break;
            }
            bf_tmpl_name_t nm = {s + 1, (uint32_t)(close - s - 1), 0};
            if (bf_tmpl_getattr(rt, args, &nm, &v) <= 0) {
                rc = bf_tmpl_rt_error(rt, "format: no key \"%.*s\"", (int)nm.len, nm.s);
                break;
            }
            s = close + 1;
        } else {
            v = bf_tv_absent();
        }
        char spec[32];
        size_t k = 0;
        spec[k++] = '%';
        while (s < end && strchr("-+ #0", *s) && k < 8)
            spec[k++] = *s++;
        while (s < end && *s >= '0' && *s <= '9' && k < 16)
            spec[k++] = *s++;
        if (s < end && *s == '.') {
            spec[k++] = *s++;
            while (s < end && *s >= '0' && *s <= '9' && k < 24)
                spec[k++] = *s++;
        }
        if (s >= end) {
            rc = bf_tmpl_rt_error(rt, "incomplete format");
            break;
        }
        char conv = *s++;
        if (conv == '%') {
            rc = bf_buf_putc(&b, '%');
            continue;
        }
        if (bf_tv_is_absent(v)) {
            if (named || next >= npos) {
                rc = bf_tmpl_rt_error(rt, "not enough arguments for format string");
                break;
            }
            v = pos[next++];
        }
        if (v.kind == BF_TV_UNDEF) {
            rc = bf_tmpl_rt_undefined(rt, v);
            break;
        }
        char cbuf[64];
        switch (conv) {
        case 's':
        case 'r': {
            bf_buf_t t = BF_BUF_INIT;
            rc = bf_tmpl_rt_put_str(rt, &t, v, conv == 'r');
            if (rc == 0) {
                if (memchr(spec, '.', k)) { /* precision given: cut at it */
                    spec[k++] = 's';
                    spec[k] = '\0';
                    rc = bf_buf_printf(&b, spec, t.data ? t.data : "");
                } else {
                    memcpy(spec + k, ".*s", 4);
                    rc = bf_buf_printf(&b, spec, (int)t.len, t.data ? t.data : "");
                }
            }
            bf_buf_free(&t);
            break;
        }
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        case 'c': {
            int64_t iv;
            if (v.kind == BF_TV_FLOAT)
                iv = (int64_t)v.u.f;
            else if (v.kind == BF_TV_INT || v.kind == BF_TV_BOOL)
                iv = v.kind == BF_TV_INT ? v.u.i : v.u.b;
            else {
                rc = bf_tmpl_rt_error(rt, "%%%c format: a number is required, not %s", conv,
                                      bf_tv_type_name(v));
                break;
            }
            if (conv == 'c') {
                rc = put_cp(&b, (uint32_t)iv);
                break;
            }
            memcpy(spec + k, "ll", 2);
            spec[k + 2] = conv == 'i' || conv == 'u' ? 'd' : conv;
            spec[k + 3] = '\0';
            snprintf(cbuf, sizeof cbuf, spec, (long long)iv);
            rc = bf_buf_puts(&b, cbuf);
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
            double dv;
            if (v.kind == BF_TV_FLOAT)
                dv = v.u.f;
            else if (v.kind == BF_TV_INT || v.kind == BF_TV_BOOL)
                dv = (double)(v.kind == BF_TV_INT ? v.u.i : v.u.b);
            else {
                rc = bf_tmpl_rt_error(rt, "%%%c format: a number is required, not %s", conv,
                                      bf_tv_type_name(v));
                break;
            }
            spec[k] = conv;
            spec[k + 1] = '\0';
            rc = bf_buf_printf(&b, spec, dv);
            break;
        }
        default:
            rc = bf_tmpl_rt_error(rt, "unsupported format character '%c'", conv);
            break;
        }
    }
    if (rc == 0 && !named && next < npos && (args.flags & BF_TV_F_TUPLE))
        rc = bf_tmpl_rt_error(rt, "not all arguments converted during string formatting");
    return buf_result(rt, &b, rc, false, out);
}

/* format(*args, **kwargs) as "value % args" */
FILTER(f_format)
{
    bf_tv_t s;
    if (bf_tmpl_rt_to_str(rt, in, &s) < 0)
        return -1;
    bf_tv_list_t *t = bf_tv_list_new(rt->arena, nargs);
    if (!t)
        return bf_tmpl_rt_oom(rt);
    memcpy(t->items, args, nargs * sizeof *args);
    t->n = (uint32_t)nargs;
    bf_tv_t tup = bf_tv_list(t);
    tup.flags = BF_TV_F_TUPLE;
    return bf_tmpl_pyformat(rt, s, tup, out);
}

static const bf_tmpl_filter_t fmt_filters[] = {
    {"tojson", f_tojson, "indent", 0},
    {"urlencode", f_urlencode, "", 0},
    {"absolute_url", f_absolute_url, "", 0},
    {"relative_url", f_relative_url, "", 0},
    {"indent", f_indent, "width,first,blank", 0},
    {"striptags", f_striptags, "", 0},
    {"slug", f_slug, "", 0},
    {"slugify", f_slug, "", 0},
    {"date", f_date, "format", 0},
    {"dateformat", f_date, "format", 0},
    {"xmlattr", f_xmlattr, "autospace", 0},
    {"format", f_format, "*", 0},
};

const bf_tmpl_filter_t *bf_tmpl_fmt_filter(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof fmt_filters / sizeof fmt_filters[0]; i++) {
        if (strlen(fmt_filters[i].name) == len && memcmp(fmt_filters[i].name, name, len) == 0)
            return &fmt_filters[i];
    }
    return NULL;
}
