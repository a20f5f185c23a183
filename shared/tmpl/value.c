/*
 * shared/tmpl/value.c - template values (see value.h).
 *
 * Python semantics throughout, since the templates are Jinja's: truth,
 * equality across int/float/bool, ordering of strings by code point (which
 * for valid UTF-8 is bytewise order), and repr() of floats.
 */
#include "shared/tmpl/value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bf_tv_t bf_tv_from_value(const bf_value_t *v)
{
    if (!v)
        return bf_tv_null();
    switch (v->kind) {
    case BF_VAL_BOOL:
        return bf_tv_bool(v->u.b);
    case BF_VAL_INT:
        return bf_tv_int(v->u.i);
    case BF_VAL_FLOAT:
        return bf_tv_float(v->u.f);
    case BF_VAL_STRING:
        return bf_tv_str(v->u.s.ptr, v->u.s.len);
    case BF_VAL_LIST:
    case BF_VAL_MAP: {
        bf_tv_t t = {.kind = BF_TV_TREE};
        t.u.tree = v;
        return t;
    }
    default:
        return bf_tv_null();
    }
}

int bf_tv_str_dup(bf_arena_t *a, const char *s, size_t n, bf_tv_t *out)
{
    if (n > UINT32_MAX)
        return -1;
    char *p = bf_arena_alloc(a, n + 1);
    if (!p)
        return -1;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    *out = bf_tv_str(p, n);
    return 0;
}

bf_tv_list_t *bf_tv_list_new(bf_arena_t *a, size_t cap)
{
    if (cap > UINT32_MAX / 2)
        return NULL;
    bf_tv_list_t *l = bf_arena_alloc(a, sizeof *l);
    if (!l)
        return NULL;
    /* items is never NULL, even when empty: callers memcpy from it. */
    if (cap == 0)
        cap = 1;
    l->n = 0;
    l->cap = (uint32_t)cap;
    l->items = bf_arena_alloc(a, cap * sizeof(bf_tv_t));
    return l->items ? l : NULL;
}

int bf_tv_list_push(bf_arena_t *a, bf_tv_list_t *l, bf_tv_t v)
{
    if (l->n == l->cap) {
        if (l->cap >= UINT32_MAX / 2)
            return -1;
        uint32_t cap = l->cap ? l->cap * 2 : 8;
        bf_tv_t *items = bf_arena_alloc(a, (size_t)cap * sizeof *items);
        if (!items)
            return -1;
        if (l->n)
            memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = v;
    return 0;
}

bf_tv_map_t *bf_tv_map_new(bf_arena_t *a, size_t cap)
{
    if (cap > UINT32_MAX / 2)
        return NULL;
    bf_tv_map_t *m = bf_arena_zalloc(a, sizeof *m);
    if (!m)
        return NULL;
    if (cap == 0) /* keys and vals are never NULL */
        cap = 1;
    m->keys = bf_arena_alloc(a, cap * sizeof(bf_tv_t));
    m->vals = bf_arena_alloc(a, cap * sizeof(bf_tv_t));
    if (!m->keys || !m->vals)
        return NULL;
    m->cap = (uint32_t)cap;
    return m;
}

/* Keys are short names: an inline compare beats a call to memcmp.  Words
 * at a time; 4 to 7 bytes as two overlapping 4-byte words. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, v;
    while (n >= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
        a += 8;
        b += 8;
        n -= 8;
    }
    if (n >= 4) {
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        if (u != v)
            return false;
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return u == v;
    }
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

/* A key matches when its stored hash (or no hash) and its length agree,
 * and then its bytes. */
static inline bf_tv_t *get_hashed(const bf_tv_map_t *m, const char *s, size_t n, uint16_t h)
{
    for (uint32_t i = 0; i < m->n; i++) {
        const bf_tv_t *k = &m->keys[i];
        if (k->aux == n && (k->pad == h || k->pad == 0) && k->kind == BF_TV_STR &&
            same_bytes(k->u.s, s, n))
            return &m->vals[i];
    }
    return NULL;
}

bf_tv_t *bf_tv_map_get_str(const bf_tv_map_t *m, const char *s, size_t n)
{
    return get_hashed(m, s, n, bf_tv_hash16(bf_tv_name_hash(s, n)));
}

bf_tv_t *bf_tv_map_get_name(const bf_tv_map_t *m, const bf_tmpl_name_t *name)
{
    uint32_t h = name->hash ? name->hash : bf_tv_name_hash(name->s, name->len);
    return get_hashed(m, name->s, name->len, bf_tv_hash16(h));
}

bf_tv_t *bf_tv_map_get(const bf_tv_map_t *m, bf_tv_t key)
{
    if (key.kind == BF_TV_STR)
        return bf_tv_map_get_str(m, key.u.s, key.aux);
    for (uint32_t i = 0; i < m->n; i++) {
        if (bf_tv_eq(m->keys[i], key))
            return &m->vals[i];
    }
    return NULL;
}

int bf_tv_map_set(bf_arena_t *a, bf_tv_map_t *m, bf_tv_t key, bf_tv_t val)
{
    bf_tv_t *slot = bf_tv_map_get(m, key);
    if (slot) {
        *slot = val;
        return 0;
    }
    if (m->n == m->cap) {
        if (m->cap >= UINT32_MAX / 2)
            return -1;
        uint32_t cap = m->cap ? m->cap * 2 : 8;
        bf_tv_t *keys = bf_arena_alloc(a, (size_t)cap * sizeof *keys);
        bf_tv_t *vals = bf_arena_alloc(a, (size_t)cap * sizeof *vals);
        if (!keys || !vals)
            return -1;
        if (m->n) {
            memcpy(keys, m->keys, m->n * sizeof *keys);
            memcpy(vals, m->vals, m->n * sizeof *vals);
        }
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    if (key.kind == BF_TV_STR)
        key.pad = bf_tv_hash16(bf_tv_name_hash(key.u.s, key.aux));
    m->keys[m->n] = key;
    m->vals[m->n] = val;
    m->n++;
    return 0;
}

bool bf_tv_truthy(bf_tv_t v)
{
    switch (v.kind) {
    case BF_TV_BOOL:
        return v.u.b;
    case BF_TV_INT:
        return v.u.i != 0;
    case BF_TV_FLOAT:
        return v.u.f != 0.0;
    case BF_TV_STR:
        return v.aux != 0;
    case BF_TV_LIST:
        return v.u.list->n != 0;
    case BF_TV_MAP:
        return v.u.map->n != 0;
    case BF_TV_TREE:
        return v.u.tree->u.c.n != 0;
    case BF_TV_OBJ:
        if (v.u.obj->cls->shape != BF_TMPL_SHAPE_PLAIN && v.u.obj->cls->len)
            return v.u.obj->cls->len(v) != 0;
        return true;
    default:
        return false;
    }
}

static bool is_number(bf_tv_t v)
{
    return v.kind == BF_TV_INT || v.kind == BF_TV_FLOAT || v.kind == BF_TV_BOOL;
}

static double num_f(bf_tv_t v)
{
    return v.kind == BF_TV_FLOAT ? v.u.f : v.kind == BF_TV_INT ? (double)v.u.i : (double)v.u.b;
}

static int64_t num_i(bf_tv_t v)
{
    return v.kind == BF_TV_INT ? v.u.i : (int64_t)v.u.b;
}

/* Sequence view of LIST and TREE lists for deep comparisons. */
static bool seq_view(bf_tv_t v, size_t *n)
{
    if (v.kind == BF_TV_LIST) {
        *n = v.u.list->n;
        return true;
    }
    if (v.kind == BF_TV_TREE && v.u.tree->kind == BF_VAL_LIST) {
        *n = v.u.tree->u.c.n;
        return true;
    }
    return false;
}

static bf_tv_t seq_at(bf_tv_t v, size_t i)
{
    if (v.kind == BF_TV_LIST)
        return v.u.list->items[i];
    return bf_tv_from_value(v.u.tree->u.c.items[i]);
}

static bool map_view(bf_tv_t v, size_t *n)
{
    if (v.kind == BF_TV_MAP) {
        *n = v.u.map->n;
        return true;
    }
    if (v.kind == BF_TV_TREE && v.u.tree->kind == BF_VAL_MAP) {
        *n = v.u.tree->u.c.n;
        return true;
    }
    return false;
}

static void map_at(bf_tv_t v, size_t i, bf_tv_t *k, bf_tv_t *val)
{
    if (v.kind == BF_TV_MAP) {
        *k = v.u.map->keys[i];
        *val = v.u.map->vals[i];
    } else {
        *k = bf_tv_str(v.u.tree->u.c.keys[i], v.u.tree->u.c.key_lens[i]);
        *val = bf_tv_from_value(v.u.tree->u.c.items[i]);
    }
}

static bool map_lookup(bf_tv_t m, bf_tv_t key, bf_tv_t *out)
{
    size_t n = 0;
    map_view(m, &n);
    for (size_t i = 0; i < n; i++) {
        bf_tv_t k, val;
        map_at(m, i, &k, &val);
        if (bf_tv_eq(k, key)) {
            *out = val;
            return true;
        }
    }
    return false;
}

bool bf_tv_eq(bf_tv_t a, bf_tv_t b)
{
    if (is_number(a) && is_number(b)) {
        if (a.kind == BF_TV_FLOAT || b.kind == BF_TV_FLOAT)
            return num_f(a) == num_f(b);
        return num_i(a) == num_i(b);
    }
    size_t na, nb;
    if (seq_view(a, &na) && seq_view(b, &nb)) {
        /* Python: a tuple never equals a list. */
        if ((a.flags & BF_TV_F_TUPLE) != (b.flags & BF_TV_F_TUPLE) || na != nb)
            return false;
        for (size_t i = 0; i < na; i++) {
            if (!bf_tv_eq(seq_at(a, i), seq_at(b, i)))
                return false;
        }
        return true;
    }
    if (map_view(a, &na) && map_view(b, &nb)) {
        if (na != nb)
            return false;
        for (size_t i = 0; i < na; i++) {
            bf_tv_t k, va, vb;
            map_at(a, i, &k, &va);
            if (!map_lookup(b, k, &vb) || !bf_tv_eq(va, vb))
                return false;
        }
        return true;
    }
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case BF_TV_NULL:
        return true;
    case BF_TV_STR:
        return a.aux == b.aux && memcmp(a.u.s, b.u.s, a.aux) == 0;
    case BF_TV_OBJ:
        return a.u.obj == b.u.obj && a.aux == b.aux;
    default:
        return false;
    }
}

int bf_tv_cmp(bf_tv_t a, bf_tv_t b, int *res)
{
    if (is_number(a) && is_number(b)) {
        if (a.kind == BF_TV_FLOAT || b.kind == BF_TV_FLOAT) {
            double x = num_f(a), y = num_f(b);
            *res = x < y ? -1 : x > y ? 1 : 0;
        } else {
            int64_t x = num_i(a), y = num_i(b);
            *res = x < y ? -1 : x > y ? 1 : 0;
        }
        return 0;
    }
    if (a.kind == BF_TV_STR && b.kind == BF_TV_STR) {
        size_t n = a.aux < b.aux ? a.aux : b.aux;
        int c = n ? memcmp(a.u.s, b.u.s, n) : 0;
        if (c == 0)
            c = a.aux < b.aux ? -1 : a.aux > b.aux ? 1 : 0;
        *res = c < 0 ? -1 : c > 0 ? 1 : 0;
        return 0;
    }
    size_t na, nb;
    if (seq_view(a, &na) && seq_view(b, &nb)) {
        for (size_t i = 0; i < na && i < nb; i++) {
            bf_tv_t x = seq_at(a, i), y = seq_at(b, i);
            if (bf_tv_eq(x, y))
                continue;
            return bf_tv_cmp(x, y, res);
        }
        *res = na < nb ? -1 : na > nb ? 1 : 0;
        return 0;
    }
    return -1;
}

const char *bf_tv_type_name(bf_tv_t v)
{
    switch (v.kind) {
    case BF_TV_UNDEF:
        return "undefined";
    case BF_TV_NULL:
        return "none";
    case BF_TV_BOOL:
        return "bool";
    case BF_TV_INT:
        return "int";
    case BF_TV_FLOAT:
        return "float";
    case BF_TV_STR:
        return "string";
    case BF_TV_LIST:
        return v.flags & BF_TV_F_TUPLE ? "tuple" : "list";
    case BF_TV_MAP:
        return "map";
    case BF_TV_TREE:
        return v.u.tree->kind == BF_VAL_LIST ? "list" : "map";
    case BF_TV_OBJ:
        return v.u.obj->cls->name;
    default:
        return "value";
    }
}

size_t bf_tv_utf8_len(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xc0) != 0x80;
    return count;
}

/*
 * Python's repr(float): the shortest digit string that reads back as the
 * same double, in positional notation when the decimal exponent is in
 * [-4, 16), else as d.ddde+XX.
 */
int bf_tv_put_float(bf_buf_t *b, double f)
{
    if (isnan(f))
        return bf_buf_puts(b, "nan");
    if (isinf(f))
        return bf_buf_puts(b, f < 0 ? "-inf" : "inf");

    char tmp[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, f);
        if (strtod(tmp, NULL) == f)
            break;
    }
    /* tmp: [-]d[.ddd]e[+-]XX */
    const char *p = tmp;
    bool neg = *p == '-';
    if (neg)
        p++;
    char digits[24];
    size_t nd = 0;
    for (; *p && *p != 'e'; p++) {
        if (*p != '.' && nd < sizeof digits - 1)
            digits[nd++] = *p;
    }
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';

    char out[64];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (exp10 >= -4 && exp10 < 16) {
        if (exp10 < 0) {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = 0; i < -exp10 - 1; i++)
                out[o++] = '0';
            memcpy(out + o, digits, nd);
            o += nd;
        } else {
            for (int i = 0; i <= exp10; i++)
                out[o++] = (size_t)i < nd ? digits[i] : '0';
            out[o++] = '.';
            if ((size_t)exp10 + 1 < nd) {
                memcpy(out + o, digits + exp10 + 1, nd - (size_t)exp10 - 1);
                o += nd - (size_t)exp10 - 1;
            } else {
                out[o++] = '0';
            }
        }
    } else {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, nd - 1);
            o += nd - 1;
        }
        o += (size_t)snprintf(out + o, sizeof out - o, "e%c%02d", exp10 < 0 ? '-' : '+',
                              exp10 < 0 ? -exp10 : exp10);
    }
    return bf_buf_append(b, out, o);
}
