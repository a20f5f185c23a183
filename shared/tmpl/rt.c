/*
 * shared/tmpl/rt.c - render state helpers (see rt.h): errors, output,
 * str()/repr(), and Jinja's rules for attributes, items, iteration.
 */
#include "shared/tmpl/rt.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "shared/tmpl/access.h"
#include "shared/tmpl/env.h"

int bf_tmpl_rt_error(bf_tmpl_rt_t *rt, const char *fmt, ...)
{
    if (rt->failed)
        return -1;
    rt->failed = true;
    rt->located = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rt->err, sizeof rt->err, fmt, ap);
    va_end(ap);
    return -1;
}

void bf_tmpl_rt_locate(bf_tmpl_rt_t *rt, const bf_tn_t *n)
{
    if (!rt->failed || rt->located || !n)
        return;
    rt->located = true;
    rt->err_tmpl = rt->cur;
    rt->err_line = n->line;
    rt->err_col = n->col;
}

void bf_tmpl_rt_note(bf_tmpl_rt_t *rt, const bf_tn_t *n, const char *what)
{
    if (!rt->failed || !rt->located || !n || !rt->cur)
        return;
    if (rt->err_tmpl == rt->cur && rt->err_line == n->line && rt->err_col == n->col)
        return;
    size_t len = strlen(rt->note);
    if (rt->nnotes >= 4 || len >= sizeof rt->note - 1)
        return;
    char line[256];
    snprintf(line, sizeof line, "%s:%u:%u: note: %s from here\n", rt->cur->file, n->line, n->col,
             what);
    if (strstr(rt->note, line))
        return; /* recursion: once is enough */
    rt->nnotes++;
    snprintf(rt->note + len, sizeof rt->note - len, "%s", line);
}

int bf_tmpl_rt_error_at(bf_tmpl_rt_t *rt, const bf_tn_t *n, const char *fmt, ...)
{
    if (rt->failed)
        return -1;
    rt->failed = true;
    rt->located = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rt->err, sizeof rt->err, fmt, ap);
    va_end(ap);
    bf_tmpl_rt_locate(rt, n);
    return -1;
}

int bf_tmpl_rt_oom(bf_tmpl_rt_t *rt)
{
    return bf_tmpl_rt_error(rt, "out of memory while rendering");
}

bf_arena_t *bf_tmpl_rt_arena(bf_tmpl_rt_t *rt)
{
    return rt->arena;
}

void bf_tmpl_rt_prof(bf_tmpl_rt_t *rt, char kind, const bf_tmpl_t *t, const char *name,
                     uint64_t start)
{
    uint64_t ns = start ? bf_tmpl_profile_now() - start : 0;
    char buf[160];
    int n = t && name ? snprintf(buf, sizeof buf, "%s:%s", t->name, name)
                      : snprintf(buf, sizeof buf, "%s", t ? t->name : name ? name : "?");
    if (n > 0)
        bf_tmpl_profile_count(rt->prof, kind, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1,
                              ns);
}

/* "page.params.x", "items[0]": the text of a name/attribute chain. */
static void path_text(const bf_tn_t *n, char *buf, size_t cap, size_t *len)
{
    if (!n || *len >= cap)
        return;
    int w = 0;
    switch (n->kind) {
    case BF_N_NAME:
        w = snprintf(buf + *len, cap - *len, "%.*s", (int)n->name.len, n->name.s);
        break;
    case BF_N_GETATTR:
        path_text(n->a, buf, cap, len);
        if (*len < cap)
            w = snprintf(buf + *len, cap - *len, "%s%.*s", n->flags & BF_NF_OPT ? "?." : ".",
                         (int)n->name.len, n->name.s);
        break;
    case BF_N_GETITEM:
        path_text(n->a, buf, cap, len);
        if (*len < cap && n->b && n->b->kind == BF_N_LIT && n->b->lit.kind == BF_TV_INT)
            w = snprintf(buf + *len, cap - *len, "[%" PRId64 "]", n->b->lit.u.i);
        else if (*len < cap && n->b && n->b->kind == BF_N_LIT && n->b->lit.kind == BF_TV_STR)
            w = snprintf(buf + *len, cap - *len, "[\"%.*s\"]", (int)n->b->lit.aux,
                         n->b->lit.u.s);
        else if (*len < cap)
            w = snprintf(buf + *len, cap - *len, "[...]");
        break;
    case BF_N_CALL:
        path_text(n->a, buf, cap, len);
        if (*len < cap)
            w = snprintf(buf + *len, cap - *len, "()");
        break;
    default:
        w = snprintf(buf + *len, cap - *len, "(value)");
        break;
    }
    if (w > 0)
        *len += (size_t)w;
    if (*len > cap)
        *len = cap;
}

int bf_tmpl_rt_undefined(bf_tmpl_rt_t *rt, bf_tv_t v)
{
    const bf_tn_t *n = v.u.undef;
    if (!n)
        return bf_tmpl_rt_error(rt, "undefined value");
    char path[160];
    size_t len = 0;
    path[0] = '\0';
    switch (n->kind) {
    case BF_N_NAME:
        return bf_tmpl_rt_error_at(rt, n, "undefined variable \"%.*s\"", (int)n->name.len,
                                   n->name.s);
    case BF_N_GETATTR:
        path_text(n->a, path, sizeof path, &len);
        return bf_tmpl_rt_error_at(rt, n, "\"%s\" has no attribute \"%.*s\"", path,
                                   (int)n->name.len, n->name.s);
    case BF_N_GETITEM:
        path_text(n->a, path, sizeof path, &len);
        if (n->b && n->b->kind == BF_N_LIT && n->b->lit.kind == BF_TV_INT)
            return bf_tmpl_rt_error_at(rt, n, "\"%s\" has no item %" PRId64, path,
                                       n->b->lit.u.i);
        if (n->b && n->b->kind == BF_N_LIT && n->b->lit.kind == BF_TV_STR)
            return bf_tmpl_rt_error_at(rt, n, "\"%s\" has no key \"%.*s\"", path,
                                       (int)n->b->lit.aux, n->b->lit.u.s);
        return bf_tmpl_rt_error_at(rt, n, "\"%s\" has no such item", path);
    case BF_N_PARAM:
        return bf_tmpl_rt_error_at(rt, n, "parameter \"%.*s\" was not provided",
                                   (int)n->name.len, n->name.s);
    default:
        return bf_tmpl_rt_error_at(rt, n, "undefined value");
    }
}

int bf_tmpl_rt_enter(bf_tmpl_rt_t *rt, const bf_tn_t *n)
{
    char probe;
    uintptr_t here = (uintptr_t)&probe, base = (uintptr_t)rt->stack_base;
    size_t used = base > here ? base - here : here - base;
    if (used > rt->stack_limit || rt->call_depth >= BF_TMPL_MAX_CALL_DEPTH)
        return bf_tmpl_rt_error_at(rt, n, "recursion too deep (more than %d nested calls)",
                                   rt->call_depth);
    if (rt->max_steps && ++rt->steps > rt->max_steps)
        return bf_tmpl_rt_error_at(rt, n, "template takes too long (more than %" PRIu64
                                   " steps)", rt->max_steps);
    rt->call_depth++;
    return 0;
}

int bf_tmpl_rt_grow(bf_tmpl_rt_t *rt, size_t n)
{
    bf_buf_t *b = rt->out;
    if (rt->max_output && (n > rt->max_output || b->len > rt->max_output - n))
        return bf_tmpl_rt_error(rt, "output larger than %zu bytes", rt->max_output);
    /* Grow geometrically: bf_buf_grow may grow by just what is asked. */
    size_t want = n;
    if (want < b->cap)
        want = b->cap;
    if (want < 4096)
        want = 4096;
    if (bf_buf_grow(b, want) < 0 && bf_buf_grow(b, n) < 0)
        return bf_tmpl_rt_oom(rt);
    return 0;
}

/* HTML specials: &, <, >, ", ' (markupsafe's replacements). */
static const uint8_t esc_class[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const char *const esc_text[] = {"", "&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
static const uint8_t esc_len[] = {0, 5, 4, 4, 5, 5};

/* Offset of the first HTML special in s[0..n), or n.  SSE2 compares 16
 * bytes with the five specials at once where available (every x86-64);
 * elsewhere a table lookup per byte. */
static inline size_t scan_special(const unsigned char *s, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                  dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\'');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                 _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, gt),
                                                           _mm_cmpeq_epi8(v, dq)),
                                              _mm_cmpeq_epi8(v, sq)));
        int mask = _mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
    }
    if (i < n && n >= 16) {
        /* The tail as the last 16 bytes (overlapping what was scanned:
         * those bytes are known clean, so the first hit is in the tail). */
        __m128i v = _mm_loadu_si128((const __m128i *)(s + n - 16));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                 _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, gt),
                                                           _mm_cmpeq_epi8(v, dq)),
                                              _mm_cmpeq_epi8(v, sq)));
        int mask = _mm_movemask_epi8(m);
        return mask ? n - 16 + (size_t)__builtin_ctz((unsigned)mask) : n;
    }
#endif
    while (i < n && !esc_class[s[i]])
        i++;
    return i;
}

int bf_tmpl_rt_put_escaped(bf_tmpl_rt_t *rt, const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p, *end = s + n, *run = s;
    /* Reserve for the common case (no specials) once. */
    if (rt->out->cap - rt->out->len < n && bf_tmpl_rt_grow(rt, n) < 0)
        return -1;
    while (s < end) {
        s += scan_special(s, (size_t)(end - s));
        if (s > run && bf_tmpl_rt_put(rt, (const char *)run, (size_t)(s - run)) < 0)
            return -1;
        if (s == end)
            break;
        unsigned k = esc_class[*s];
        if (bf_tmpl_rt_put(rt, esc_text[k], esc_len[k]) < 0)
            return -1;
        run = ++s;
    }
    return 0;
}

int bf_tmpl_rt_escape(bf_tmpl_rt_t *rt, bf_tv_t s, bf_tv_t *out)
{
    if (s.kind != BF_TV_STR) {
        if (bf_tmpl_rt_to_str(rt, s, &s) < 0)
            return -1;
    }
    if (s.flags & BF_TV_F_SAFE) {
        *out = s;
        return 0;
    }
    size_t extra = 0;
    for (uint32_t i = 0; i < s.aux; i++)
        extra += esc_len[esc_class[(unsigned char)s.u.s[i]]] - (esc_class[(unsigned char)s.u.s[i]] != 0);
    if (extra == 0) {
        *out = s;
        out->flags |= BF_TV_F_SAFE;
        return 0;
    }
    size_t n = s.aux + extra;
    if (n > UINT32_MAX)
        return bf_tmpl_rt_error(rt, "string too long");
    char *p = bf_arena_alloc(rt->arena, n + 1);
    if (!p)
        return bf_tmpl_rt_oom(rt);
    size_t o = 0;
    for (uint32_t i = 0; i < s.aux; i++) {
        unsigned k = esc_class[(unsigned char)s.u.s[i]];
        if (k) {
            memcpy(p + o, esc_text[k], esc_len[k]);
            o += esc_len[k];
        } else {
            p[o++] = s.u.s[i];
        }
    }
    p[o] = '\0';
    *out = bf_tv_safe_str(p, o);
    return 0;
}

static int put_repr_str(bf_buf_t *b, const char *s, size_t n)
{
    bool has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    if (bf_buf_putc(b, q) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (c == '\\')
            rc = bf_buf_puts(b, "\\\\");
        else if (c == (unsigned char)q)
            rc = bf_buf_printf(b, "\\%c", q);
        else if (c == '\n')
            rc = bf_buf_puts(b, "\\n");
        else if (c == '\r')
            rc = bf_buf_puts(b, "\\r");
        else if (c == '\t')
            rc = bf_buf_puts(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            rc = bf_buf_printf(b, "\\x%02x", c);
        else
            rc = bf_buf_putc(b, c);
        if (rc < 0)
            return -1;
    }
    return bf_buf_putc(b, q);
}

int bf_tmpl_rt_put_str(bf_tmpl_rt_t *rt, bf_buf_t *b, bf_tv_t v, bool repr)
{
    int rc = 0;
    switch (v.kind) {
    case BF_TV_UNDEF:
        return bf_tmpl_rt_undefined(rt, v);
    case BF_TV_NULL:
        rc = bf_buf_puts(b, "None");
        break;
    case BF_TV_BOOL:
        rc = bf_buf_puts(b, v.u.b ? "True" : "False");
        break;
    case BF_TV_INT:
        rc = bf_buf_printf(b, "%" PRId64, v.u.i);
        break;
    case BF_TV_FLOAT:
        rc = bf_tv_put_float(b, v.u.f);
        break;
    case BF_TV_STR:
        rc = repr ? put_repr_str(b, v.u.s, v.aux) : bf_buf_append(b, v.u.s, v.aux);
        break;
    case BF_TV_LIST:
    case BF_TV_TREE:
    case BF_TV_MAP:
    case BF_TV_OBJ: {
        if (v.kind == BF_TV_OBJ && v.u.obj->cls->shape == BF_TMPL_SHAPE_PLAIN) {
            if (v.u.obj->cls->to_str) {
                bf_tv_t s;
                if (v.u.obj->cls->to_str(rt, v, &s) < 0)
                    return -1;
                return repr ? put_repr_str(b, s.u.s, s.aux) < 0 ? bf_tmpl_rt_oom(rt) : 0
                            : bf_buf_append(b, s.u.s, s.aux) < 0 ? bf_tmpl_rt_oom(rt) : 0;
            }
            rc = bf_buf_printf(b, "<%s>", v.u.obj->cls->name);
            break;
        }
        if (bf_tmpl_is_mapping(v)) {
            bf_tv_t *keys, *vals;
            size_t n;
            if (bf_tmpl_map_items(rt, v, &keys, &vals, &n) < 0)
                return -1;
            rc = bf_buf_putc(b, '{');
            for (size_t i = 0; i < n && rc == 0; i++) {
                if (i)
                    rc = bf_buf_puts(b, ", ");
                if (rc == 0 && bf_tmpl_rt_put_str(rt, b, keys[i], true) < 0)
                    return -1;
                if (rc == 0)
                    rc = bf_buf_puts(b, ": ");
                if (rc == 0 && bf_tmpl_rt_put_str(rt, b, vals[i], true) < 0)
                    return -1;
            }
            if (rc == 0)
                rc = bf_buf_putc(b, '}');
            break;
        }
        const bf_tv_t *items;
        size_t n;
        if (bf_tmpl_iter(rt, v, &items, &n) < 0)
            return -1;
        bool tuple = v.kind == BF_TV_LIST && (v.flags & BF_TV_F_TUPLE);
        rc = bf_buf_putc(b, tuple ? '(' : '[');
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (i)
                rc = bf_buf_puts(b, ", ");
            if (rc == 0 && bf_tmpl_rt_put_str(rt, b, items[i], true) < 0)
                return -1;
        }
        if (rc == 0 && tuple && n == 1)
            rc = bf_buf_putc(b, ',');
        if (rc == 0)
            rc = bf_buf_putc(b, tuple ? ')' : ']');
        break;
    }
    default:
        break;
    }
    return rc < 0 ? bf_tmpl_rt_oom(rt) : 0;
}

int bf_tmpl_rt_to_str(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t *out)
{
    char num[40];
    int n;
    switch (v.kind) {
    case BF_TV_STR:
        *out = v;
        return 0;
    case BF_TV_UNDEF:
        return bf_tmpl_rt_undefined(rt, v);
    case BF_TV_NULL:
        *out = bf_tv_str("None", 4);
        return 0;
    case BF_TV_BOOL:
        *out = v.u.b ? bf_tv_str("True", 4) : bf_tv_str("False", 5);
        return 0;
    case BF_TV_INT:
        n = snprintf(num, sizeof num, "%" PRId64, v.u.i);
        return bf_tv_str_dup(rt->arena, num, (size_t)n, out) < 0 ? bf_tmpl_rt_oom(rt) : 0;
    case BF_TV_OBJ:
        if (v.u.obj->cls->to_str)
            return v.u.obj->cls->to_str(rt, v, out);
        /* fallthrough */
    default: {
        bf_buf_t b = BF_BUF_INIT;
        int rc = bf_tmpl_rt_put_str(rt, &b, v, false);
        if (rc == 0 && bf_tv_str_dup(rt->arena, b.data ? b.data : "", b.len, out) < 0)
            rc = bf_tmpl_rt_oom(rt);
        bf_buf_free(&b);
        return rc;
    }
    }
}

int bf_tmpl_rt_emit(bf_tmpl_rt_t *rt, bf_tv_t v, bool esc)
{
    char num[40];
    int n;
    switch (v.kind) {
    case BF_TV_STR:
        if (esc && !(v.flags & BF_TV_F_SAFE))
            return bf_tmpl_rt_put_escaped(rt, v.u.s, v.aux);
        return bf_tmpl_rt_put(rt, v.u.s, v.aux);
    case BF_TV_INT:
        n = snprintf(num, sizeof num, "%" PRId64, v.u.i);
        return bf_tmpl_rt_put(rt, num, (size_t)n);
    case BF_TV_UNDEF:
        return bf_tmpl_rt_undefined(rt, v);
    default: {
        bf_tv_t s;
        if (bf_tmpl_rt_to_str(rt, v, &s) < 0)
            return -1;
        if (esc && !(s.flags & BF_TV_F_SAFE))
            return bf_tmpl_rt_put_escaped(rt, s.u.s, s.aux);
        return bf_tmpl_rt_put(rt, s.u.s, s.aux);
    }
    }
}

bf_tframe_t *bf_tmpl_frame_new(bf_tmpl_rt_t *rt, uint32_t nslots)
{
    bf_tframe_t *f = bf_arena_zalloc(rt->arena, sizeof *f);
    if (!f)
        return NULL;
    if (nslots) {
        f->slots = bf_arena_alloc(rt->arena, nslots * sizeof *f->slots);
        if (!f->slots)
            return NULL;
        for (uint32_t i = 0; i < nslots; i++)
            f->slots[i] = bf_tv_absent();
    }
    return f;
}

int bf_tmpl_ctx_lookup(bf_tmpl_rt_t *rt, const bf_tctx_t *ctx, const bf_tmpl_name_t *name,
                       bf_tv_t *out)
{
    for (const bf_tctx_t *c = ctx; c; c = c->parent) {
        if (c->vars) {
            bf_tv_t *p = bf_tv_map_get_name(c->vars, name);
            if (p) {
                *out = *p;
                return 1;
            }
        }
        if (c->root.kind != BF_TV_UNDEF) {
            int r = bf_tmpl_getattr(rt, c->root, name, out);
            if (r)
                return r;
        }
    }
    return bf_tmpl_env_global(rt->env, name->s, name->len, out) ? 1 : 0;
}

int bf_tmpl_ctx_set(bf_tmpl_rt_t *rt, bf_tctx_t *ctx, const char *name, size_t len, bf_tv_t v)
{
    if (!ctx->vars) {
        ctx->vars = bf_tv_map_new(rt->arena, 8);
        if (!ctx->vars)
            return bf_tmpl_rt_oom(rt);
    }
    if (bf_tv_map_set(rt->arena, ctx->vars, bf_tv_str(name, len), v) < 0)
        return bf_tmpl_rt_oom(rt);
    return 0;
}
