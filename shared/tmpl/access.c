/*
 * shared/tmpl/access.c - Jinja's rules for reading values (see access.h):
 * attributes, items and slices, iteration, length, membership.
 *
 * x.name reads a map key or an object attribute; x[key] reads an index
 * (negative from the end, by code point for strings) or a key, and falls
 * back to the attribute of that name.  A miss is not an error here: the
 * caller makes an undefined value that fails only when used.
 */
#include "shared/tmpl/access.h"

#include <string.h>

bool bf_tmpl_is_mapping(bf_tv_t v)
{
    return v.kind == BF_TV_MAP || (v.kind == BF_TV_TREE && v.u.tree->kind == BF_VAL_MAP) ||
           (v.kind == BF_TV_OBJ && v.u.obj->cls->shape == BF_TMPL_SHAPE_MAP);
}

int bf_tmpl_map_items(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t **keys, bf_tv_t **vals, size_t *n)
{
    if (v.kind == BF_TV_MAP) {
        *keys = v.u.map->keys;
        *vals = v.u.map->vals;
        *n = v.u.map->n;
        return 0;
    }
    size_t cnt = v.kind == BF_TV_TREE ? v.u.tree->u.c.n
               : v.u.obj->cls->len ? v.u.obj->cls->len(v) : 0;
    bf_tv_t *k = bf_arena_alloc(rt->arena, (cnt ? cnt : 1) * sizeof *k);
    bf_tv_t *x = bf_arena_alloc(rt->arena, (cnt ? cnt : 1) * sizeof *x);
    if (!k || !x)
        return bf_tmpl_rt_oom(rt);
    for (size_t i = 0; i < cnt; i++) {
        if (v.kind == BF_TV_TREE) {
            k[i] = bf_tv_str(v.u.tree->u.c.keys[i], v.u.tree->u.c.key_lens[i]);
            x[i] = bf_tv_from_value(v.u.tree->u.c.items[i]);
        } else {
            if (v.u.obj->cls->item(rt, v, i, &k[i]) < 0)
                return -1;
            int r = bf_tmpl_getitem(rt, v, k[i], &x[i]);
            if (r < 0)
                return -1;
            if (r == 0)
                x[i] = bf_tv_null();
        }
    }
    *keys = k;
    *vals = x;
    *n = cnt;
    return 0;
}

int bf_tmpl_getattr(bf_tmpl_rt_t *rt, bf_tv_t v, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    switch (v.kind) {
    case BF_TV_MAP: {
        bf_tv_t *p = bf_tv_map_get_name(v.u.map, name);
        if (!p)
            return 0;
        *out = *p;
        return 1;
    }
    case BF_TV_TREE: {
        const bf_value_t *t = v.u.tree;
        if (t->kind != BF_VAL_MAP)
            return 0;
        for (size_t i = 0; i < t->u.c.n; i++) {
            if (t->u.c.key_lens[i] == name->len &&
                memcmp(t->u.c.keys[i], name->s, name->len) == 0) {
                *out = bf_tv_from_value(t->u.c.items[i]);
                return 1;
            }
        }
        return 0;
    }
    case BF_TV_OBJ:
        if (v.u.obj->cls->get_attr)
            return v.u.obj->cls->get_attr(rt, v, name, out);
        return 0;
    default:
        return 0;
    }
}

/* Byte offset of code point i of s[0..n) (n if past the end). */
static size_t cp_offset(const char *s, size_t n, size_t i)
{
    size_t off = 0;
    while (off < n && i > 0) {
        off++;
        while (off < n && ((unsigned char)s[off] & 0xc0) == 0x80)
            off++;
        i--;
    }
    return off;
}

static size_t cp_width(const char *s, size_t n, size_t off)
{
    size_t e = off + 1;
    while (e < n && ((unsigned char)s[e] & 0xc0) == 0x80)
        e++;
    return e - off;
}

int bf_tmpl_getitem(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t key, bf_tv_t *out)
{
    if (key.kind == BF_TV_INT || key.kind == BF_TV_BOOL) {
        int64_t i = key.kind == BF_TV_INT ? key.u.i : key.u.b;
        size_t n;
        switch (v.kind) {
        case BF_TV_LIST:
            n = v.u.list->n;
            break;
        case BF_TV_TREE:
            if (v.u.tree->kind != BF_VAL_LIST)
                return 0;
            n = v.u.tree->u.c.n;
            break;
        case BF_TV_STR:
            n = bf_tv_utf8_len(v.u.s, v.aux);
            break;
        case BF_TV_OBJ:
            if (v.u.obj->cls->shape == BF_TMPL_SHAPE_MAP && v.u.obj->cls->get_item)
                return v.u.obj->cls->get_item(rt, v, key, out);
            if (v.u.obj->cls->shape != BF_TMPL_SHAPE_SEQ || !v.u.obj->cls->len)
                return 0;
            n = v.u.obj->cls->len(v);
            break;
        case BF_TV_MAP: {
            bf_tv_t *p = bf_tv_map_get(v.u.map, key);
            if (!p)
                return 0;
            *out = *p;
            return 1;
        }
        default:
            return 0;
        }
        if (i < 0)
            i += (int64_t)n;
        if (i < 0 || (uint64_t)i >= n)
            return 0;
        switch (v.kind) {
        case BF_TV_LIST:
            *out = v.u.list->items[i];
            return 1;
        case BF_TV_TREE:
            *out = bf_tv_from_value(v.u.tree->u.c.items[i]);
            return 1;
        case BF_TV_STR: {
            size_t off = cp_offset(v.u.s, v.aux, (size_t)i);
            *out = bf_tv_str(v.u.s + off, cp_width(v.u.s, v.aux, off));
            return 1;
        }
        default:
            return v.u.obj->cls->item(rt, v, (size_t)i, out) < 0 ? -1 : 1;
        }
    }
    if (v.kind == BF_TV_MAP) {
        bf_tv_t *p = bf_tv_map_get(v.u.map, key);
        if (!p)
            return 0;
        *out = *p;
        return 1;
    }
    if (v.kind == BF_TV_OBJ && v.u.obj->cls->get_item)
        return v.u.obj->cls->get_item(rt, v, key, out);
    if (key.kind == BF_TV_STR) {
        bf_tmpl_name_t nm = {key.u.s, key.aux, 0};
        return bf_tmpl_getattr(rt, v, &nm, out);
    }
    return 0;
}

/* Python slice indices for length n. */
static int slice_idx(bf_tmpl_rt_t *rt, bf_tv_t v, int64_t n, int64_t step, bool start,
                     int64_t *out)
{
    if (bf_tv_is_absent(v) || v.kind == BF_TV_NULL) {
        *out = step > 0 ? (start ? 0 : n) : (start ? n - 1 : -1);
        return 0;
    }
    if (v.kind != BF_TV_INT)
        return bf_tmpl_rt_error(rt, "slice indices must be integers");
    int64_t i = v.u.i;
    if (i < 0) {
        i += n;
        if (i < 0)
            i = step > 0 ? 0 : -1;
    } else if (i >= n) {
        i = step > 0 ? n : n - 1;
    }
    *out = i;
    return 0;
}

int bf_tmpl_slice(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t start, bf_tv_t stop, bf_tv_t step,
                  bf_tv_t *out)
{
    int64_t st = 1;
    if (!bf_tv_is_absent(step) && step.kind != BF_TV_NULL) {
        if (step.kind != BF_TV_INT)
            return bf_tmpl_rt_error(rt, "slice indices must be integers");
        st = step.u.i;
        if (st == 0)
            return bf_tmpl_rt_error(rt, "slice step cannot be zero");
    }
    const bf_tv_t *items = NULL;
    size_t n;
    bool is_str = v.kind == BF_TV_STR;
    if (bf_tmpl_iter(rt, v, &items, &n) < 0)
        return -1;
    int64_t a, b;
    if (slice_idx(rt, start, (int64_t)n, st, true, &a) < 0 ||
        slice_idx(rt, stop, (int64_t)n, st, false, &b) < 0)
        return -1;
    bf_tv_list_t *l = bf_tv_list_new(rt->arena, 0);
    if (!l)
        return bf_tmpl_rt_oom(rt);
    for (int64_t i = a; st > 0 ? i < b : i > b; i += st) {
        if (bf_tv_list_push(rt->arena, l, items[i]) < 0)
            return bf_tmpl_rt_oom(rt);
    }
    if (!is_str) {
        *out = bf_tv_list(l);
        if (v.kind == BF_TV_LIST)
            out->flags = v.flags & BF_TV_F_TUPLE;
        return 0;
    }
    size_t total = 0;
    for (uint32_t i = 0; i < l->n; i++)
        total += l->items[i].aux;
    char *p = bf_arena_alloc(rt->arena, total + 1);
    if (!p)
        return bf_tmpl_rt_oom(rt);
    size_t o = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        memcpy(p + o, l->items[i].u.s, l->items[i].aux);
        o += l->items[i].aux;
    }
    p[o] = '\0';
    *out = bf_tv_str(p, o);
    out->flags = v.flags & BF_TV_F_SAFE;
    return 0;
}

int bf_tmpl_iter(bf_tmpl_rt_t *rt, bf_tv_t v, const bf_tv_t **items, size_t *n)
{
    switch (v.kind) {
    case BF_TV_LIST:
        *items = v.u.list->items;
        *n = v.u.list->n;
        return 0;
    case BF_TV_MAP:
        *items = v.u.map->keys;
        *n = v.u.map->n;
        return 0;
    case BF_TV_TREE: {
        size_t cnt = v.u.tree->u.c.n;
        bf_tv_t *a = bf_arena_alloc(rt->arena, (cnt ? cnt : 1) * sizeof *a);
        if (!a)
            return bf_tmpl_rt_oom(rt);
        for (size_t i = 0; i < cnt; i++) {
            if (v.u.tree->kind == BF_VAL_LIST)
                a[i] = bf_tv_from_value(v.u.tree->u.c.items[i]);
            else
                a[i] = bf_tv_str(v.u.tree->u.c.keys[i], v.u.tree->u.c.key_lens[i]);
        }
        *items = a;
        *n = cnt;
        return 0;
    }
    case BF_TV_STR: {
        size_t cnt = bf_tv_utf8_len(v.u.s, v.aux);
        bf_tv_t *a = bf_arena_alloc(rt->arena, (cnt ? cnt : 1) * sizeof *a);
        if (!a)
            return bf_tmpl_rt_oom(rt);
        size_t off = 0;
        for (size_t i = 0; i < cnt; i++) {
            size_t w = cp_width(v.u.s, v.aux, off);
            a[i] = bf_tv_str(v.u.s + off, w);
            a[i].flags = v.flags & BF_TV_F_SAFE;
            off += w;
        }
        *items = a;
        *n = cnt;
        return 0;
    }
    case BF_TV_OBJ: {
        const bf_tmpl_class_t *c = v.u.obj->cls;
        if (c->shape == BF_TMPL_SHAPE_PLAIN || !c->len || !c->item)
            break;
        size_t cnt = c->len(v);
        bf_tv_t *a = bf_arena_alloc(rt->arena, (cnt ? cnt : 1) * sizeof *a);
        if (!a)
            return bf_tmpl_rt_oom(rt);
        for (size_t i = 0; i < cnt; i++) {
            if (c->item(rt, v, i, &a[i]) < 0)
                return -1;
        }
        *items = a;
        *n = cnt;
        return 0;
    }
    case BF_TV_UNDEF:
        return bf_tmpl_rt_undefined(rt, v);
    default:
        break;
    }
    return bf_tmpl_rt_error(rt, "cannot iterate over %s", bf_tv_type_name(v));
}

int bf_tmpl_len(bf_tmpl_rt_t *rt, bf_tv_t v, size_t *n)
{
    switch (v.kind) {
    case BF_TV_STR:
        *n = bf_tv_utf8_len(v.u.s, v.aux);
        return 0;
    case BF_TV_LIST:
        *n = v.u.list->n;
        return 0;
    case BF_TV_MAP:
        *n = v.u.map->n;
        return 0;
    case BF_TV_TREE:
        *n = v.u.tree->u.c.n;
        return 0;
    case BF_TV_OBJ:
        if (v.u.obj->cls->shape != BF_TMPL_SHAPE_PLAIN && v.u.obj->cls->len) {
            *n = v.u.obj->cls->len(v);
            return 0;
        }
        break;
    case BF_TV_UNDEF:
        return bf_tmpl_rt_undefined(rt, v);
    default:
        break;
    }
    return bf_tmpl_rt_error(rt, "%s has no length", bf_tv_type_name(v));
}

int bf_tmpl_contains(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t x, bool *res)
{
    if (x.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, x);
    if (v.kind == BF_TV_STR) {
        if (x.kind != BF_TV_STR)
            return bf_tmpl_rt_error(rt, "\"in\" a string needs a string, not %s",
                                    bf_tv_type_name(x));
        *res = x.aux == 0 || memmem(v.u.s, v.aux, x.u.s, x.aux) != NULL;
        return 0;
    }
    if (bf_tmpl_is_mapping(v)) {
        bf_tv_t tmp;
        int r;
        if (v.kind == BF_TV_MAP)
            r = bf_tv_map_get(v.u.map, x) != NULL;
        else
            r = bf_tmpl_getitem(rt, v, x, &tmp);
        if (r < 0)
            return -1;
        *res = r > 0;
        return 0;
    }
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, v, &items, &n) < 0)
        return -1;
    *res = false;
    for (size_t i = 0; i < n; i++) {
        if (bf_tv_eq(items[i], x)) {
            *res = true;
            break;
        }
    }
    return 0;
}

