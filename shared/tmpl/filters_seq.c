/*
 * shared/tmpl/filters_seq.c - filters over sequences and numbers: length,
 * first, last, reverse, sort, unique, min, max, sum, join, list, map,
 * select/reject(attr), where, groupby, batch, slice, dictsort, items,
 * attr.  (Numbers: filters_num.c.)
 *
 * Jinja returns generators from map/select/reverse ...; here they return
 * lists (the same items; only printing a generator directly differs).
 * Sorting is stable (merge sort), comparisons are Python's, strings
 * compare case-insensitively unless case_sensitive=true.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/tmpl/access.h"
#include "shared/tmpl/eval.h"
#include "shared/tmpl/filters.h"
#include "shared/tmpl/rt.h"

#define FILTER(name) \
    static int name(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, size_t nargs, bf_tv_t *out)

static int new_list(bf_tmpl_rt_t *rt, size_t cap, bf_tv_list_t **l)
{
    *l = bf_tv_list_new(rt->arena, cap);
    return *l ? 0 : bf_tmpl_rt_oom(rt);
}

static int push(bf_tmpl_rt_t *rt, bf_tv_list_t *l, bf_tv_t v)
{
    return bf_tv_list_push(rt->arena, l, v) < 0 ? bf_tmpl_rt_oom(rt) : 0;
}

static bf_tv_t tuple2(bf_tmpl_rt_t *rt, bf_tv_t a, bf_tv_t b)
{
    bf_tv_list_t *t = bf_tv_list_new(rt->arena, 2);
    if (!t)
        return bf_tv_undef(NULL);
    t->items[0] = a;
    t->items[1] = b;
    t->n = 2;
    bf_tv_t v = bf_tv_list(t);
    v.flags = BF_TV_F_TUPLE;
    return v;
}

/* The sort / comparison key of an item: attribute, then lower case. */
static int item_key(bf_tmpl_rt_t *rt, bf_tv_t item, bf_tv_t attr, bool case_sensitive,
                    bf_tv_t *key)
{
    *key = item;
    if (!bf_tv_is_absent(attr) && attr.kind != BF_TV_NULL) {
        int r = bf_tmpl_attr_path(rt, item, attr, key);
        if (r < 0)
            return -1;
        if (r == 0) {
            bf_tv_t a;
            if (bf_tmpl_rt_to_str(rt, attr, &a) < 0)
                return -1;
            return bf_tmpl_rt_error(rt, "%s has no attribute \"%.*s\"", bf_tv_type_name(item),
                                    (int)a.aux, a.u.s);
        }
    }
    if (!case_sensitive && key->kind == BF_TV_STR)
        return bf_tmpl_lower(rt, *key, key);
    return 0;
}

typedef struct {
    bf_tv_t key, val;
} kv_t;

static int kv_cmp(bf_tmpl_rt_t *rt, const kv_t *a, const kv_t *b, int *c)
{
    if (bf_tv_cmp(a->key, b->key, c) < 0)
        return bf_tmpl_rt_error(rt, "cannot compare %s with %s while sorting",
                                bf_tv_type_name(a->key), bf_tv_type_name(b->key));
    return 0;
}

/* Stable merge sort of a[0..n) (tmp has room for n). */
static int msort(bf_tmpl_rt_t *rt, kv_t *a, kv_t *tmp, size_t n)
{
    if (n < 2)
        return 0;
    size_t h = n / 2;
    if (msort(rt, a, tmp, h) < 0 || msort(rt, a + h, tmp, n - h) < 0)
        return -1;
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        int c;
        if (kv_cmp(rt, &a[j], &a[i], &c) < 0)
            return -1;
        tmp[k++] = c < 0 ? a[j++] : a[i++];
    }
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
    return 0;
}

/* Items with their keys, optionally sorted. */
static int keyed(bf_tmpl_rt_t *rt, bf_tv_t in, bf_tv_t attr, bool cs, bool sort, kv_t **out,
                 size_t *n)
{
    const bf_tv_t *items;
    if (bf_tmpl_iter(rt, in, &items, n) < 0)
        return -1;
    kv_t *a = bf_arena_alloc(rt->arena, (*n ? *n : 1) * 2 * sizeof *a);
    if (!a)
        return bf_tmpl_rt_oom(rt);
    for (size_t i = 0; i < *n; i++) {
        a[i].val = items[i];
        if (item_key(rt, items[i], attr, cs, &a[i].key) < 0)
            return -1;
    }
    if (sort && msort(rt, a, a + *n, *n) < 0)
        return -1;
    *out = a;
    return 0;
}

FILTER(f_length)
{
    size_t n;
    if (bf_tmpl_len(rt, in, &n) < 0)
        return -1;
    *out = bf_tv_int((int64_t)n);
    return 0;
}

FILTER(f_first)
{
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0)
        return -1;
    *out = n ? items[0] : bf_tv_undef(NULL);
    return 0;
}

FILTER(f_last)
{
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0)
        return -1;
    *out = n ? items[n - 1] : bf_tv_undef(NULL);
    return 0;
}

FILTER(f_reverse)
{
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0)
        return -1;
    if (in.kind == BF_TV_STR) {
        char *p = bf_arena_alloc(rt->arena, (size_t)in.aux + 1);
        if (!p)
            return bf_tmpl_rt_oom(rt);
        size_t o = 0;
        for (size_t i = n; i-- > 0;) {
            memcpy(p + o, items[i].u.s, items[i].aux);
            o += items[i].aux;
        }
        p[o] = '\0';
        *out = bf_tv_str(p, o);
        return 0;
    }
    bf_tv_list_t *l;
    if (new_list(rt, n, &l) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        l->items[i] = items[n - 1 - i];
    l->n = (uint32_t)n;
    *out = bf_tv_list(l);
    return 0;
}

FILTER(f_list)
{
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0)
        return -1;
    bf_tv_list_t *l;
    if (new_list(rt, n, &l) < 0)
        return -1;
    memcpy(l->items, items, n * sizeof *items);
    l->n = (uint32_t)n;
    *out = bf_tv_list(l);
    return 0;
}

/* sort(reverse, case_sensitive, attribute) */
FILTER(f_sort)
{
    kv_t *a;
    size_t n;
    bool rev = bf_tmpl_fbool(args[0], false);
    if (keyed(rt, in, args[2], bf_tmpl_fbool(args[1], false), false, &a, &n) < 0)
        return -1;
    if (rev) { /* Python: reverse=True keeps equal items in order */
        for (size_t i = 0; i < n / 2; i++) {
            kv_t t = a[i];
            a[i] = a[n - 1 - i];
            a[n - 1 - i] = t;
        }
    }
    if (msort(rt, a, a + n, n) < 0)
        return -1;
    bf_tv_list_t *l;
    if (new_list(rt, n, &l) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        l->items[i] = a[rev ? n - 1 - i : i].val;
    l->n = (uint32_t)n;
    *out = bf_tv_list(l);
    return 0;
}

/* unique(case_sensitive, attribute) */
FILTER(f_unique)
{
    kv_t *a;
    size_t n;
    if (keyed(rt, in, args[1], bf_tmpl_fbool(args[0], false), false, &a, &n) < 0)
        return -1;
    bf_tv_list_t *l;
    if (new_list(rt, n, &l) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = bf_tv_eq(a[j].key, a[i].key);
        if (!seen)
            l->items[l->n++] = a[i].val;
    }
    *out = bf_tv_list(l);
    return 0;
}

static int min_max(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, bool max, bf_tv_t *out)
{
    kv_t *a;
    size_t n;
    if (keyed(rt, in, args[1], bf_tmpl_fbool(args[0], false), false, &a, &n) < 0)
        return -1;
    if (n == 0) {
        *out = bf_tv_undef(NULL);
        return 0;
    }
    size_t best = 0;
    for (size_t i = 1; i < n; i++) {
        int c;
        if (kv_cmp(rt, &a[i], &a[best], &c) < 0)
            return -1;
        if (max ? c > 0 : c < 0)
            best = i;
    }
    *out = a[best].val;
    return 0;
}

FILTER(f_min) { return min_max(rt, in, args, false, out); }
FILTER(f_max) { return min_max(rt, in, args, true, out); }

/* sum(attribute, start) */
FILTER(f_sum)
{
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0)
        return -1;
    bf_tv_t acc = bf_tv_is_absent(args[1]) ? bf_tv_int(0) : args[1];
    for (size_t i = 0; i < n; i++) {
        bf_tv_t v;
        if (item_key(rt, items[i], args[0], true, &v) < 0 ||
            bf_tmpl_binop(rt, BF_OP_ADD, acc, v, false, &acc) < 0)
            return -1;
    }
    *out = acc;
    return 0;
}

/* join(d, attribute): markup-aware when autoescaping, as Jinja. */
FILTER(f_join)
{
    const bf_tv_t *items;
    size_t n;
    bf_tv_t sep;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0 || bf_tmpl_fstrarg(rt, args[0], "", &sep) < 0)
        return -1;
    bf_tv_t *strs = bf_arena_alloc(rt->arena, (n ? n : 1) * sizeof *strs);
    if (!strs)
        return bf_tmpl_rt_oom(rt);
    bool any_safe = sep.flags & BF_TV_F_SAFE;
    for (size_t i = 0; i < n; i++) {
        if (item_key(rt, items[i], args[1], true, &strs[i]) < 0 ||
            bf_tmpl_rt_to_str(rt, strs[i], &strs[i]) < 0)
            return -1;
        any_safe |= strs[i].flags & BF_TV_F_SAFE;
    }
    bool safe = rt->autoescape && any_safe;
    if (safe && bf_tmpl_rt_escape(rt, sep, &sep) < 0)
        return -1;
    bf_buf_t b = BF_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        bf_tv_t s = strs[i];
        if (safe && bf_tmpl_rt_escape(rt, s, &s) < 0) {
            bf_buf_free(&b);
            return -1;
        }
        if (i)
            rc = bf_buf_append(&b, sep.u.s, sep.aux);
        if (rc == 0)
            rc = bf_buf_append(&b, s.u.s, s.aux);
    }
    rc = rc < 0 ? bf_tmpl_rt_oom(rt) : bf_tmpl_fnew(rt, b.data ? b.data : "", b.len, safe, out);
    bf_buf_free(&b);
    return rc;
}

/* map(*, attribute, default): args = [attribute, default, name, extra...] */
FILTER(f_map)
{
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0)
        return -1;
    bf_tv_list_t *l;
    if (new_list(rt, n, &l) < 0)
        return -1;
    bool by_attr = !bf_tv_is_absent(args[0]);
    bf_tv_t fname = nargs > 2 ? args[2] : bf_tv_absent();
    if (!by_attr && (bf_tv_is_absent(fname) || fname.kind != BF_TV_STR))
        return bf_tmpl_rt_error(rt, "map needs a filter name or attribute=");
    for (size_t i = 0; i < n; i++) {
        bf_tv_t v;
        if (by_attr) {
            int r = bf_tmpl_attr_path(rt, items[i], args[0], &v);
            if (r < 0)
                return -1;
            if (r == 0) {
                if (bf_tv_is_absent(args[1])) {
                    bf_tv_t a;
                    if (bf_tmpl_rt_to_str(rt, args[0], &a) < 0)
                        return -1;
                    return bf_tmpl_rt_error(rt, "map: %s has no attribute \"%.*s\"",
                                            bf_tv_type_name(items[i]), (int)a.aux, a.u.s);
                }
                v = args[1];
            }
        } else if (bf_tmpl_call_filter(rt, fname.u.s, fname.aux, items[i], args + 3, nargs - 3,
                                       &v) < 0) {
            return -1;
        }
        l->items[l->n++] = v;
    }
    *out = bf_tv_list(l);
    return 0;
}

/* select / reject / selectattr / rejectattr; args = [extra...] */
static int select_items(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, size_t nargs,
                        bool attr, bool want, bf_tv_t *out)
{
    const bf_tv_t *items;
    size_t n;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0)
        return -1;
    size_t k = 0;
    bf_tv_t path = bf_tv_absent();
    if (attr) {
        if (nargs < 1)
            return bf_tmpl_rt_error(rt, "selectattr/rejectattr need an attribute name");
        path = args[k++];
    }
    bf_tv_t test = k < nargs ? args[k++] : bf_tv_absent();
    if (!bf_tv_is_absent(test) && test.kind != BF_TV_STR)
        return bf_tmpl_rt_error(rt, "the test must be given by name");
    bf_tv_list_t *l;
    if (new_list(rt, 0, &l) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        bf_tv_t v = items[i];
        if (attr) {
            int r = bf_tmpl_attr_path(rt, items[i], path, &v);
            if (r < 0)
                return -1;
            if (r == 0)
                v = bf_tv_undef(NULL);
        }
        bool ok;
        if (bf_tv_is_absent(test)) {
            if (v.kind == BF_TV_UNDEF)
                return bf_tmpl_rt_undefined(rt, v);
            ok = bf_tv_truthy(v);
        } else if (bf_tmpl_call_test(rt, test.u.s, test.aux, v, args + k, nargs - k, &ok) < 0) {
            return -1;
        }
        if (ok == want && push(rt, l, items[i]) < 0)
            return -1;
    }
    *out = bf_tv_list(l);
    return 0;
}

FILTER(f_select) { return select_items(rt, in, args, nargs, false, true, out); }
FILTER(f_reject) { return select_items(rt, in, args, nargs, false, false, out); }
FILTER(f_selectattr) { return select_items(rt, in, args, nargs, true, true, out); }
FILTER(f_rejectattr) { return select_items(rt, in, args, nargs, true, false, out); }

/* where(key, value, operator="eq"): Bengal/Hugo style selection. */
FILTER(f_where)
{
    const bf_tv_t *items;
    size_t n;
    bf_tv_t op;
    if (bf_tv_is_absent(args[0]))
        return bf_tmpl_rt_error(rt, "where needs a key");
    if (bf_tmpl_iter(rt, in, &items, &n) < 0 || bf_tmpl_fstrarg(rt, args[2], "eq", &op) < 0)
        return -1;
    bf_tv_t want = bf_tv_is_absent(args[1]) ? bf_tv_bool(true) : args[1];
    bf_tv_list_t *l;
    if (new_list(rt, 0, &l) < 0)
        return -1;
#define OPIS(lit_) (op.aux == strlen(lit_) && memcmp(op.u.s, lit_, op.aux) == 0)
    for (size_t i = 0; i < n; i++) {
        bf_tv_t v;
        int r = bf_tmpl_attr_path(rt, items[i], args[0], &v);
        if (r < 0)
            return -1;
        if (r == 0)
            continue;
        bool ok;
        int c = 0;
        if (OPIS("eq") || OPIS("==")) {
            ok = bf_tv_eq(v, want);
        } else if (OPIS("ne") || OPIS("!=")) {
            ok = !bf_tv_eq(v, want);
        } else if (OPIS("in") || OPIS("not in") || OPIS("not_in")) {
            /* A list attribute contains the value, or the value (a list)
             * contains the attribute. */
            bool list_attr = v.kind == BF_TV_LIST || v.kind == BF_TV_TREE ||
                             (v.kind == BF_TV_OBJ && v.u.obj->cls->shape == BF_TMPL_SHAPE_SEQ);
            if (bf_tmpl_contains(rt, list_attr ? v : want, list_attr ? want : v, &ok) < 0)
                return -1;
            if (op.u.s[0] == 'n')
                ok = !ok;
        } else if (OPIS("gt") || OPIS(">") || OPIS("ge") || OPIS("gte") || OPIS(">=") ||
                   OPIS("lt") || OPIS("<") || OPIS("le") || OPIS("lte") || OPIS("<=")) {
            if (bf_tv_cmp(v, want, &c) < 0) {
                ok = false;
            } else {
                bool gt = op.u.s[0] == 'g' || op.u.s[0] == '>';
                bool eq = op.aux == 3 || (op.aux == 2 && (op.u.s[1] == 'e' || op.u.s[1] == '='));
                ok = gt ? (eq ? c >= 0 : c > 0) : (eq ? c <= 0 : c < 0);
            }
        } else {
            return bf_tmpl_rt_error(rt, "where: unknown operator \"%.*s\"", (int)op.aux, op.u.s);
        }
        if (ok && push(rt, l, items[i]) < 0)
            return -1;
    }
#undef OPIS
    *out = bf_tv_list(l);
    return 0;
}

/* groupby results: a (grouper, list) tuple with .grouper and .list. */
typedef struct {
    bf_tmpl_obj_t hdr;
    bf_tv_t grouper, list;
} group_t;

static size_t group_len(bf_tv_t self)
{
    return 2;
}

static int group_item(bf_tmpl_rt_t *rt, bf_tv_t self, size_t i, bf_tv_t *out)
{
    const group_t *g = (const group_t *)self.u.obj;
    *out = i == 0 ? g->grouper : g->list;
    return 1;
}

static int group_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    const group_t *g = (const group_t *)self.u.obj;
    if (name->len == 7 && memcmp(name->s, "grouper", 7) == 0) {
        *out = g->grouper;
        return 1;
    }
    if (name->len == 4 && memcmp(name->s, "list", 4) == 0) {
        *out = g->list;
        return 1;
    }
    return 0;
}

static const bf_tmpl_class_t group_class = {
    .name = "group", .shape = BF_TMPL_SHAPE_SEQ, .get_attr = group_attr,
    .len = group_len, .item = group_item,
};

/* groupby(attribute, default, case_sensitive) */
FILTER(f_groupby)
{
    const bf_tv_t *items;
    size_t n;
    if (bf_tv_is_absent(args[0]))
        return bf_tmpl_rt_error(rt, "groupby needs an attribute");
    if (bf_tmpl_iter(rt, in, &items, &n) < 0)
        return -1;
    bool cs = bf_tmpl_fbool(args[2], false);
    kv_t *a = bf_arena_alloc(rt->arena, (n ? n : 1) * 2 * sizeof *a);
    bf_tv_t *orig = bf_arena_alloc(rt->arena, (n ? n : 1) * sizeof *orig);
    if (!a || !orig)
        return bf_tmpl_rt_oom(rt);
    for (size_t i = 0; i < n; i++) {
        int r = bf_tmpl_attr_path(rt, items[i], args[0], &a[i].key);
        if (r < 0)
            return -1;
        if (r == 0) {
            if (bf_tv_is_absent(args[1]))
                return bf_tmpl_rt_error(rt, "groupby: an item has no such attribute");
            a[i].key = args[1];
        }
        a[i].val = items[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (!cs && a[i].key.kind == BF_TV_STR && bf_tmpl_lower(rt, a[i].key, &a[i].key) < 0)
            return -1;
    }
    if (msort(rt, a, a + n, n) < 0)
        return -1;
    bf_tv_list_t *groups;
    if (new_list(rt, 0, &groups) < 0)
        return -1;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && bf_tv_eq(a[j].key, a[i].key))
            j++;
        group_t *g = bf_arena_alloc(rt->arena, sizeof *g);
        bf_tv_list_t *members;
        if (!g || new_list(rt, j - i, &members) < 0)
            return bf_tmpl_rt_oom(rt);
        for (size_t k = i; k < j; k++)
            members->items[members->n++] = a[k].val;
        g->hdr.cls = &group_class;
        g->list = bf_tv_list(members);
        /* The grouper keeps the first member's original case. */
        if (bf_tmpl_attr_path(rt, a[i].val, args[0], &g->grouper) <= 0)
            g->grouper = a[i].key;
        if (push(rt, groups, bf_tv_obj(&g->hdr, 0)) < 0)
            return -1;
        i = j;
    }
    *out = bf_tv_list(groups);
    return 0;
}

/* batch(linecount, fill_with) */
FILTER(f_batch)
{
    const bf_tv_t *items;
    size_t n;
    int64_t per;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0 || bf_tmpl_fint(rt, args[0], 1, &per) < 0)
        return -1;
    if (per <= 0)
        return bf_tmpl_rt_error(rt, "batch size must be positive");
    bf_tv_list_t *l, *cur = NULL;
    if (new_list(rt, 0, &l) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!cur || (int64_t)cur->n == per) {
            if (new_list(rt, (size_t)(per < 64 ? per : 64), &cur) < 0 ||
                push(rt, l, bf_tv_list(cur)) < 0)
                return -1;
        }
        if (push(rt, cur, items[i]) < 0)
            return -1;
    }
    if (cur && !bf_tv_is_absent(args[1]) && args[1].kind != BF_TV_NULL) {
        while ((int64_t)cur->n < per) {
            if (push(rt, cur, args[1]) < 0)
                return -1;
        }
    }
    *out = bf_tv_list(l);
    return 0;
}

/* slice(slices, fill_with): Jinja's column split. */
FILTER(f_slice)
{
    const bf_tv_t *items;
    size_t n;
    int64_t slices;
    if (bf_tmpl_iter(rt, in, &items, &n) < 0 || bf_tmpl_fint(rt, args[0], 1, &slices) < 0)
        return -1;
    if (slices <= 0 || slices > 100000)
        return bf_tmpl_rt_error(rt, "slice count must be between 1 and 100000");
    bf_tv_list_t *l;
    if (new_list(rt, (size_t)slices, &l) < 0)
        return -1;
    size_t per = n / (size_t)slices, extra = n % (size_t)slices, offset = 0;
    bool fill = !bf_tv_is_absent(args[1]) && args[1].kind != BF_TV_NULL;
    for (size_t s = 0; s < (size_t)slices; s++) {
        size_t start = offset + s * per;
        if (s < extra)
            offset++;
        size_t end = offset + (s + 1) * per;
        bf_tv_list_t *part;
        if (new_list(rt, end - start + 1, &part) < 0)
            return -1;
        memcpy(part->items, items + start, (end - start) * sizeof *items);
        part->n = (uint32_t)(end - start);
        if (fill && s >= extra)
            part->items[part->n++] = args[1];
        l->items[l->n++] = bf_tv_list(part);
    }
    *out = bf_tv_list(l);
    return 0;
}

/* dictsort(case_sensitive, by, reverse) */
FILTER(f_dictsort)
{
    if (!bf_tmpl_is_mapping(in))
        return bf_tmpl_rt_error(rt, "dictsort needs a mapping, not %s", bf_tv_type_name(in));
    bf_tv_t *keys, *vals, by;
    size_t n;
    if (bf_tmpl_map_items(rt, in, &keys, &vals, &n) < 0 ||
        bf_tmpl_fstrarg(rt, args[1], "key", &by) < 0)
        return -1;
    bool by_value = by.aux == 5 && memcmp(by.u.s, "value", 5) == 0;
    if (!by_value && !(by.aux == 3 && memcmp(by.u.s, "key", 3) == 0))
        return bf_tmpl_rt_error(rt, "dictsort: by must be \"key\" or \"value\"");
    bool cs = bf_tmpl_fbool(args[0], false), rev = bf_tmpl_fbool(args[2], false);
    kv_t *a = bf_arena_alloc(rt->arena, (n ? n : 1) * 2 * sizeof *a);
    if (!a)
        return bf_tmpl_rt_oom(rt);
    for (size_t i = 0; i < n; i++) {
        a[rev ? n - 1 - i : i].val = tuple2(rt, keys[i], vals[i]);
        if (item_key(rt, by_value ? vals[i] : keys[i], bf_tv_absent(), cs,
                     &a[rev ? n - 1 - i : i].key) < 0)
            return -1;
    }
    if (msort(rt, a, a + n, n) < 0)
        return -1;
    bf_tv_list_t *l;
    if (new_list(rt, n, &l) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        l->items[i] = a[rev ? n - 1 - i : i].val;
    l->n = (uint32_t)n;
    *out = bf_tv_list(l);
    return 0;
}

FILTER(f_items)
{
    if (in.kind == BF_TV_UNDEF) {
        *out = bf_tv_list(bf_tv_list_new(rt->arena, 0));
        return out->u.list ? 0 : bf_tmpl_rt_oom(rt);
    }
    if (!bf_tmpl_is_mapping(in))
        return bf_tmpl_rt_error(rt, "items needs a mapping, not %s", bf_tv_type_name(in));
    bf_tv_t *keys, *vals;
    size_t n;
    if (bf_tmpl_map_items(rt, in, &keys, &vals, &n) < 0)
        return -1;
    bf_tv_list_t *l;
    if (new_list(rt, n, &l) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        l->items[l->n++] = tuple2(rt, keys[i], vals[i]);
    *out = bf_tv_list(l);
    return 0;
}

FILTER(f_attr)
{
    bf_tv_t name;
    if (bf_tmpl_rt_to_str(rt, args[0], &name) < 0)
        return -1;
    bf_tmpl_name_t nm = {name.u.s, name.aux, 0};
    int r = bf_tmpl_getattr(rt, in, &nm, out);
    if (r < 0)
        return -1;
    if (r == 0)
        *out = bf_tv_undef(NULL);
    return 0;
}

static const bf_tmpl_filter_t seq_filters[] = {
    {"length", f_length, "", 0},
    {"count", f_length, "", 0},
    {"first", f_first, "", 0},
    {"last", f_last, "", 0},
    {"reverse", f_reverse, "", 0},
    {"list", f_list, "", 0},
    {"sort", f_sort, "reverse,case_sensitive,attribute", 0},
    {"unique", f_unique, "case_sensitive,attribute", 0},
    {"min", f_min, "case_sensitive,attribute", 0},
    {"max", f_max, "case_sensitive,attribute", 0},
    {"sum", f_sum, "attribute,start", 0},
    {"join", f_join, "d,attribute", 0},
    {"map", f_map, "*,attribute,default", 0},
    {"select", f_select, "*", 0},
    {"reject", f_reject, "*", 0},
    {"selectattr", f_selectattr, "*", 0},
    {"rejectattr", f_rejectattr, "*", 0},
    {"where", f_where, "key,value,operator", 0},
    {"groupby", f_groupby, "attribute,default,case_sensitive", 0},
    {"batch", f_batch, "linecount,fill_with", 0},
    {"slice", f_slice, "slices,fill_with", 0},
    {"dictsort", f_dictsort, "case_sensitive,by,reverse", 0},
    {"items", f_items, "", BF_TMPL_FF_UNDEF_OK},
    {"attr", f_attr, "name", 0},
};

const bf_tmpl_filter_t *bf_tmpl_seq_filter(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof seq_filters / sizeof seq_filters[0]; i++) {
        if (strlen(seq_filters[i].name) == len && memcmp(seq_filters[i].name, name, len) == 0)
            return &seq_filters[i];
    }
    return NULL;
}
