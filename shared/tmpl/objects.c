/*
 * shared/tmpl/objects.c - engine object classes, global functions and
 * methods of built-in values (see objects.h).
 */
#include "shared/tmpl/objects.h"

#include <stdio.h>
#include <stdlib.h>

#include "shared/tmpl/access.h"
#include "shared/tmpl/eval.h"
#include "shared/tmpl/exec.h"
#include "shared/tmpl/filters.h"

#define MAX_RANGE 10000000

bf_tv_t bf_tmpl_arg(const bf_tmpl_args_t *a, size_t i, const char *kw)
{
    if (i < a->npos)
        return a->pos[i];
    if (kw) {
        size_t l = strlen(kw);
        for (size_t k = 0; k < a->nkw; k++) {
            if (a->kw_names[k].len == l && memcmp(a->kw_names[k].s, kw, l) == 0)
                return a->kw[k];
        }
    }
    return bf_tv_absent();
}

static bool name_eq(const bf_tmpl_name_t *n, const char *s)
{
    size_t l = strlen(s);
    return n->len == l && memcmp(n->s, s, l) == 0;
}

static int str_out(bf_tmpl_rt_t *rt, const char *s, bf_tv_t *out)
{
    return bf_tv_str_dup(rt->arena, s, strlen(s), out) < 0 ? bf_tmpl_rt_oom(rt) : 0;
}

/* ---- macros ---------------------------------------------------------- */

static int macro_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    const bf_tmacro_t *m = (const bf_tmacro_t *)self.u.obj;
    if (name_eq(name, "name"))
        return str_out(rt, m->fn->name, out) < 0 ? -1 : 1;
    return 0;
}

static int macro_str(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t *out)
{
    const bf_tmacro_t *m = (const bf_tmacro_t *)self.u.obj;
    char buf[128];
    snprintf(buf, sizeof buf, "<macro %s>", m->fn->name);
    return str_out(rt, buf, out);
}

const bf_tmpl_class_t bf_tmpl_macro_class = {
    .name = "macro", .get_attr = macro_attr, .to_str = macro_str,
};

/* ---- loop ------------------------------------------------------------ */

static int loop_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    const bf_tloop_t *l = (const bf_tloop_t *)self.u.obj;
    int64_t i = (int64_t)l->i, n = (int64_t)l->n;
    switch (name->len) {
    case 5:
        if (name_eq(name, "index")) { *out = bf_tv_int(i + 1); return 1; }
        if (name_eq(name, "first")) { *out = bf_tv_bool(i == 0); return 1; }
        if (name_eq(name, "depth")) { *out = bf_tv_int(l->depth0 + 1); return 1; }
        break;
    case 4:
        if (name_eq(name, "last")) { *out = bf_tv_bool(i == n - 1); return 1; }
        break;
    case 6:
        if (name_eq(name, "index0")) { *out = bf_tv_int(i); return 1; }
        if (name_eq(name, "length")) { *out = bf_tv_int(n); return 1; }
        if (name_eq(name, "depth0")) { *out = bf_tv_int(l->depth0); return 1; }
        break;
    case 8:
        if (name_eq(name, "revindex")) { *out = bf_tv_int(n - i); return 1; }
        if (name_eq(name, "previtem")) {
            if (i == 0)
                return 0;
            *out = l->items[i - 1];
            return 1;
        }
        if (name_eq(name, "nextitem")) {
            if (i + 1 >= n)
                return 0;
            *out = l->items[i + 1];
            return 1;
        }
        break;
    case 9:
        if (name_eq(name, "revindex0")) { *out = bf_tv_int(n - i - 1); return 1; }
        break;
    default:
        break;
    }
    return 0;
}

static int loop_method(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                       const bf_tmpl_args_t *a, bf_tv_t *out)
{
    bf_tloop_t *l = (bf_tloop_t *)self.u.obj;
    if (name_eq(name, "cycle")) {
        if (a->npos == 0)
            return bf_tmpl_rt_error(rt, "loop.cycle() needs at least one value");
        *out = a->pos[l->i % a->npos];
        return 1;
    }
    if (name_eq(name, "changed")) {
        bf_tv_t v;
        if (a->npos == 1) {
            v = a->pos[0];
        } else {
            bf_tv_list_t *t = bf_tv_list_new(rt->arena, a->npos);
            if (!t)
                return bf_tmpl_rt_oom(rt);
            memcpy(t->items, a->pos, a->npos * sizeof *a->pos);
            t->n = (uint32_t)a->npos;
            v = bf_tv_list(t);
        }
        bool changed = !l->changed_set || !bf_tv_eq(l->changed_last, v);
        l->changed_last = v;
        l->changed_set = true;
        *out = bf_tv_bool(changed);
        return 1;
    }
    return 0;
}

static int loop_call(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    if (a->npos != 1 || a->nkw)
        return bf_tmpl_rt_error(rt, "loop() takes one argument");
    return bf_tmpl_loop_recurse(rt, (bf_tloop_t *)self.u.obj, a->pos[0], out);
}

const bf_tmpl_class_t bf_tmpl_loop_class = {
    .name = "loop", .get_attr = loop_attr, .call_method = loop_method, .call = loop_call,
};

/* ---- namespace, module, super, functions ------------------------------ */

static int ns_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    const bf_tns_t *ns = (const bf_tns_t *)self.u.obj;
    bf_tv_t *v = bf_tv_map_get_name(ns->attrs, name);
    if (!v)
        return 0;
    *out = *v;
    return 1;
}

const bf_tmpl_class_t bf_tmpl_ns_class = {.name = "namespace", .get_attr = ns_attr};

static int module_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    const bf_tmodule_t *m = (const bf_tmodule_t *)self.u.obj;
    bf_tv_t *v = m->ctx->vars ? bf_tv_map_get_name(m->ctx->vars, name) : NULL;
    if (!v)
        return 0;
    *out = *v;
    return 1;
}

const bf_tmpl_class_t bf_tmpl_module_class = {.name = "module", .get_attr = module_attr};
const bf_tmpl_class_t bf_tmpl_super_class = {.name = "super"};

static int blockref_call(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    const bf_tself_t *s = (const bf_tself_t *)self.u.obj;
    if (a->npos || a->nkw)
        return bf_tmpl_rt_error(rt, "self.%.*s() takes no arguments", (int)s->name.len, s->name.s);
    return bf_tmpl_self_block(rt, s->frame, &s->name, out);
}

static const bf_tmpl_class_t blockref_class = {.name = "block", .call = blockref_call};

static int self_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    const bf_tself_t *s = (const bf_tself_t *)self.u.obj;
    if (!bf_tmpl_has_block(s->frame, name))
        return 0;
    bf_tself_t *ref = bf_arena_alloc(rt->arena, sizeof *ref);
    if (!ref)
        return bf_tmpl_rt_oom(rt);
    ref->hdr.cls = &blockref_class;
    ref->frame = s->frame;
    ref->name = *name;
    *out = bf_tv_obj(&ref->hdr, 0);
    return 1;
}

const bf_tmpl_class_t bf_tmpl_self_class = {.name = "self", .get_attr = self_attr};

static int func_call(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    const bf_tfunc_t *fn = (const bf_tfunc_t *)self.u.obj;
    return fn->fn(rt, a, out);
}

static int func_str(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t *out)
{
    const bf_tfunc_t *fn = (const bf_tfunc_t *)self.u.obj;
    char buf[96];
    snprintf(buf, sizeof buf, "<function %s>", fn->name);
    return str_out(rt, buf, out);
}

const bf_tmpl_class_t bf_tmpl_func_class = {
    .name = "function", .call = func_call, .to_str = func_str,
};

/* cycler(a, b, ...): .next(), .current, .reset() */
typedef struct {
    bf_tmpl_obj_t hdr;
    bf_tv_t *items;
    size_t n, pos;
} cycler_t;

static int cycler_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    const cycler_t *c = (const cycler_t *)self.u.obj;
    if (name_eq(name, "current") && c->n) {
        *out = c->items[c->pos];
        return 1;
    }
    return 0;
}

static int cycler_method(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                         const bf_tmpl_args_t *a, bf_tv_t *out)
{
    cycler_t *c = (cycler_t *)self.u.obj;
    if (name_eq(name, "next")) {
        if (!c->n)
            return bf_tmpl_rt_error(rt, "empty cycler");
        *out = c->items[c->pos];
        c->pos = (c->pos + 1) % c->n;
        return 1;
    }
    if (name_eq(name, "reset")) {
        c->pos = 0;
        *out = bf_tv_null();
        return 1;
    }
    return 0;
}

static const bf_tmpl_class_t cycler_class = {
    .name = "cycler", .get_attr = cycler_attr, .call_method = cycler_method,
};

typedef struct {
    bf_tmpl_obj_t hdr;
    bf_tv_t sep;
    bool used;
} joiner_t;

static int joiner_call(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    joiner_t *j = (joiner_t *)self.u.obj;
    if (!j->used) {
        j->used = true;
        *out = bf_tv_str("", 0);
    } else {
        *out = j->sep;
    }
    return 0;
}

static const bf_tmpl_class_t joiner_class = {.name = "joiner", .call = joiner_call};

static int int_arg(bf_tmpl_rt_t *rt, bf_tv_t v, int64_t *out)
{
    if (v.kind == BF_TV_INT) {
        *out = v.u.i;
        return 0;
    }
    if (v.kind == BF_TV_BOOL) {
        *out = v.u.b;
        return 0;
    }
    if (v.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, v);
    return bf_tmpl_rt_error(rt, "expected an integer, not %s", bf_tv_type_name(v));
}

static int fn_range(bf_tmpl_rt_t *rt, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    int64_t start = 0, stop = 0, step = 1;
    if (a->npos < 1 || a->npos > 3 || a->nkw)
        return bf_tmpl_rt_error(rt, "range() takes 1 to 3 integer arguments");
    if (a->npos == 1) {
        if (int_arg(rt, a->pos[0], &stop) < 0)
            return -1;
    } else {
        if (int_arg(rt, a->pos[0], &start) < 0 || int_arg(rt, a->pos[1], &stop) < 0 ||
            (a->npos == 3 && int_arg(rt, a->pos[2], &step) < 0))
            return -1;
    }
    if (step == 0)
        return bf_tmpl_rt_error(rt, "range() step must not be zero");
    double count = step > 0 ? ((double)stop - (double)start) / (double)step
                            : ((double)start - (double)stop) / (double)-step;
    if (count > MAX_RANGE || (rt->max_steps && count > (double)rt->max_steps))
        return bf_tmpl_rt_error(rt, "range() of more than %d items",
                                rt->max_steps && rt->max_steps < MAX_RANGE ? (int)rt->max_steps
                                                                           : MAX_RANGE);
    bf_tv_list_t *l = bf_tv_list_new(rt->arena, count > 0 ? (size_t)count + 1 : 0);
    if (!l)
        return bf_tmpl_rt_oom(rt);
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        l->items[l->n++] = bf_tv_int(i);
        if (__builtin_add_overflow(i, step, &(int64_t){0}))
            break;
    }
    *out = bf_tv_list(l);
    return 0;
}

/* dict(map?, k=v...) and namespace(map?, k=v...) share this. */
static int kw_map(bf_tmpl_rt_t *rt, const bf_tmpl_args_t *a, bf_tv_map_t **out)
{
    bf_tv_map_t *m = bf_tv_map_new(rt->arena, a->nkw + 4);
    if (!m)
        return bf_tmpl_rt_oom(rt);
    if (a->npos > 1)
        return bf_tmpl_rt_error(rt, "expected at most one positional argument");
    if (a->npos == 1) {
        bf_tv_t src = a->pos[0];
        if (!bf_tmpl_is_mapping(src))
            return bf_tmpl_rt_error(rt, "expected a mapping, not %s", bf_tv_type_name(src));
        bf_tv_t *keys, *vals;
        size_t n;
        if (bf_tmpl_map_items(rt, src, &keys, &vals, &n) < 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            if (bf_tv_map_set(rt->arena, m, keys[i], vals[i]) < 0)
                return bf_tmpl_rt_oom(rt);
        }
    }
    for (size_t i = 0; i < a->nkw; i++) {
        if (bf_tv_map_set(rt->arena, m, bf_tv_str(a->kw_names[i].s, a->kw_names[i].len),
                          a->kw[i]) < 0)
            return bf_tmpl_rt_oom(rt);
    }
    *out = m;
    return 0;
}

static int fn_dict(bf_tmpl_rt_t *rt, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    bf_tv_map_t *m;
    if (kw_map(rt, a, &m) < 0)
        return -1;
    *out = bf_tv_map(m);
    return 0;
}

static int fn_namespace(bf_tmpl_rt_t *rt, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    bf_tns_t *ns = bf_arena_alloc(rt->arena, sizeof *ns);
    if (!ns)
        return bf_tmpl_rt_oom(rt);
    ns->hdr.cls = &bf_tmpl_ns_class;
    if (kw_map(rt, a, &ns->attrs) < 0)
        return -1;
    *out = bf_tv_obj(&ns->hdr, 0);
    return 0;
}

static int fn_cycler(bf_tmpl_rt_t *rt, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    cycler_t *c = bf_arena_zalloc(rt->arena, sizeof *c);
    bf_tv_t *items = bf_arena_alloc(rt->arena, (a->npos + 1) * sizeof *items);
    if (!c || !items)
        return bf_tmpl_rt_oom(rt);
    memcpy(items, a->pos, a->npos * sizeof *items);
    c->hdr.cls = &cycler_class;
    c->items = items;
    c->n = a->npos;
    *out = bf_tv_obj(&c->hdr, 0);
    return 0;
}

static int fn_joiner(bf_tmpl_rt_t *rt, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    joiner_t *j = bf_arena_zalloc(rt->arena, sizeof *j);
    if (!j)
        return bf_tmpl_rt_oom(rt);
    j->hdr.cls = &joiner_class;
    bf_tv_t sep = bf_tmpl_arg(a, 0, "sep");
    j->sep = bf_tv_is_absent(sep) ? bf_tv_str(", ", 2) : sep;
    *out = bf_tv_obj(&j->hdr, 0);
    return 0;
}

const bf_tfunc_t bf_tmpl_builtin_funcs[] = {
    {{&bf_tmpl_func_class}, "range", fn_range},
    {{&bf_tmpl_func_class}, "dict", fn_dict},
    {{&bf_tmpl_func_class}, "namespace", fn_namespace},
    {{&bf_tmpl_func_class}, "cycler", fn_cycler},
    {{&bf_tmpl_func_class}, "joiner", fn_joiner},
};
const size_t bf_tmpl_builtin_nfuncs = sizeof bf_tmpl_builtin_funcs / sizeof bf_tmpl_builtin_funcs[0];

/* ---- methods of built-in values ----------------------------------------- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* str.split(sep=None, maxsplit=-1) */
static int str_split(bf_tmpl_rt_t *rt, bf_tv_t s, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    bf_tv_t sep = bf_tmpl_arg(a, 0, "sep"), maxs = bf_tmpl_arg(a, 1, "maxsplit");
    int64_t max = -1;
    if (!bf_tv_is_absent(maxs) && int_arg(rt, maxs, &max) < 0)
        return -1;
    bf_tv_list_t *l = bf_tv_list_new(rt->arena, 0);
    if (!l)
        return bf_tmpl_rt_oom(rt);
    const char *p = s.u.s, *end = s.u.s + s.aux;
    if (bf_tv_is_absent(sep) || sep.kind == BF_TV_NULL) {
        for (;;) {
            while (p < end && is_space((unsigned char)*p))
                p++;
            if (p == end)
                break;
            const char *q = p;
            if (max >= 0 && (int64_t)l->n >= max) {
                q = end;
                while (q > p && is_space((unsigned char)q[-1]))
                    q--;
            } else {
                while (q < end && !is_space((unsigned char)*q))
                    q++;
            }
            if (bf_tv_list_push(rt->arena, l, bf_tv_str(p, (size_t)(q - p))) < 0)
                return bf_tmpl_rt_oom(rt);
            p = q;
        }
    } else {
        if (sep.kind != BF_TV_STR || sep.aux == 0)
            return bf_tmpl_rt_error(rt, "split() separator must be a non-empty string");
        for (;;) {
            const char *q = max >= 0 && (int64_t)l->n >= max
                                ? NULL
                                : memmem(p, (size_t)(end - p), sep.u.s, sep.aux);
            if (!q) {
                if (bf_tv_list_push(rt->arena, l, bf_tv_str(p, (size_t)(end - p))) < 0)
                    return bf_tmpl_rt_oom(rt);
                break;
            }
            if (bf_tv_list_push(rt->arena, l, bf_tv_str(p, (size_t)(q - p))) < 0)
                return bf_tmpl_rt_oom(rt);
            p = q + sep.aux;
        }
    }
    *out = bf_tv_list(l);
    return 0;
}

/* str.format: {} {0} {name} and {{ }}; format specs are not supported. */
static int str_format(bf_tmpl_rt_t *rt, bf_tv_t s, const bf_tmpl_args_t *a, bf_tv_t *out)
{
    bf_buf_t b = BF_BUF_INIT;
    size_t auto_i = 0;
    int rc = 0;
    for (uint32_t i = 0; i < s.aux && rc == 0; i++) {
        char c = s.u.s[i];
        if ((c == '{' || c == '}') && i + 1 < s.aux && s.u.s[i + 1] == c) {
            rc = bf_buf_putc(&b, c);
            i++;
            continue;
        }
        if (c != '{') {
            rc = bf_buf_putc(&b, c);
            continue;
        }
        const char *close = memchr(s.u.s + i, '}', s.aux - i);
        if (!close) {
            rc = bf_tmpl_rt_error(rt, "single '{' in format string");
            break;
        }
        const char *f = s.u.s + i + 1;
        size_t flen = (size_t)(close - f);
        const char *colon = memchr(f, ':', flen);
        if (colon)
            flen = (size_t)(colon - f);
        bf_tv_t v;
        if (flen == 0) {
            v = bf_tmpl_arg(a, auto_i++, NULL);
        } else if (f[0] >= '0' && f[0] <= '9') {
            v = bf_tmpl_arg(a, (size_t)strtoul(f, NULL, 10), NULL);
        } else {
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)flen, f);
            v = bf_tmpl_arg(a, (size_t)-1, key);
        }
        if (bf_tv_is_absent(v)) {
            rc = bf_tmpl_rt_error(rt, "format() has no argument for \"{%.*s}\"", (int)flen, f);
            break;
        }
        rc = bf_tmpl_rt_put_str(rt, &b, v, false);
        i = (uint32_t)(close - s.u.s);
    }
    if (rc == 0 && bf_tv_str_dup(rt->arena, b.data ? b.data : "", b.len, out) < 0)
        rc = bf_tmpl_rt_oom(rt);
    bf_buf_free(&b);
    return rc;
}

static int str_method(bf_tmpl_rt_t *rt, bf_tv_t s, const bf_tmpl_name_t *name,
                      const bf_tmpl_args_t *a, bf_tv_t *out)
{
    /* Methods that are also filters share their code. */
    static const char *const as_filter[][2] = {
        {"upper", "upper"}, {"lower", "lower"}, {"title", "title"},
        {"capitalize", "capitalize"}, {"strip", "trim"}, {"replace", "replace"},
        {"lstrip", "_lstrip"}, {"rstrip", "_rstrip"}, {"startswith", "_startswith"},
        {"endswith", "_endswith"}, {"count", "_count"}, {"find", "_find"},
        {"rfind", "_rfind"}, {"splitlines", "_splitlines"}, {"isdigit", "_isdigit"},
        {"isalpha", "_isalpha"}, {"isalnum", "_isalnum"}, {"isspace", "_isspace"},
        {"islower", "_islower"}, {"isupper", "_isupper"}, {"center", "center"},
    };
    for (size_t i = 0; i < sizeof as_filter / sizeof as_filter[0]; i++) {
        if (name_eq(name, as_filter[i][0])) {
            if (a->nkw)
                return bf_tmpl_rt_error(rt, "str.%s() takes no keyword arguments",
                                        as_filter[i][0]);
            return bf_tmpl_call_filter(rt, as_filter[i][1], strlen(as_filter[i][1]), s, a->pos,
                                       a->npos, out) < 0 ? -1 : 1;
        }
    }
    if (name_eq(name, "split"))
        return str_split(rt, s, a, out) < 0 ? -1 : 1;
    if (name_eq(name, "format"))
        return str_format(rt, s, a, out) < 0 ? -1 : 1;
    if (name_eq(name, "join")) {
        if (a->npos != 1)
            return bf_tmpl_rt_error(rt, "str.join() takes one argument");
        return bf_tmpl_call_filter(rt, "join", 4, a->pos[0], &s, 1, out) < 0 ? -1 : 1;
    }
    return 0;
}

static int map_method(bf_tmpl_rt_t *rt, bf_tv_t m, const bf_tmpl_name_t *name,
                      const bf_tmpl_args_t *a, bf_tv_t *out)
{
    bool items = name_eq(name, "items"), keys = name_eq(name, "keys"),
         values = name_eq(name, "values");
    if (items || keys || values) {
        bf_tv_t *k, *v;
        size_t n;
        if (bf_tmpl_map_items(rt, m, &k, &v, &n) < 0)
            return -1;
        bf_tv_list_t *l = bf_tv_list_new(rt->arena, n);
        if (!l)
            return bf_tmpl_rt_oom(rt);
        for (size_t i = 0; i < n; i++) {
            if (items) {
                bf_tv_list_t *t = bf_tv_list_new(rt->arena, 2);
                if (!t)
                    return bf_tmpl_rt_oom(rt);
                t->items[0] = k[i];
                t->items[1] = v[i];
                t->n = 2;
                l->items[i] = bf_tv_list(t);
                l->items[i].flags = BF_TV_F_TUPLE;
            } else {
                l->items[i] = keys ? k[i] : v[i];
            }
        }
        l->n = (uint32_t)n;
        *out = bf_tv_list(l);
        return 1;
    }
    if (name_eq(name, "get")) {
        bf_tv_t key = bf_tmpl_arg(a, 0, "key"), def = bf_tmpl_arg(a, 1, "default");
        if (bf_tv_is_absent(key))
            return bf_tmpl_rt_error(rt, "get() needs a key");
        int r = bf_tmpl_getitem(rt, m, key, out);
        if (r < 0)
            return -1;
        if (r == 0)
            *out = bf_tv_is_absent(def) ? bf_tv_null() : def;
        return 1;
    }
    return 0;
}

static int list_method(bf_tmpl_rt_t *rt, bf_tv_t l, const bf_tmpl_name_t *name,
                       const bf_tmpl_args_t *a, bf_tv_t *out)
{
    if (name_eq(name, "append")) {
        if (l.kind != BF_TV_LIST || (l.flags & BF_TV_F_TUPLE))
            return bf_tmpl_rt_error(rt, "cannot append to this %s", bf_tv_type_name(l));
        if (a->npos != 1)
            return bf_tmpl_rt_error(rt, "append() takes one argument");
        if (bf_tv_list_push(rt->arena, l.u.list, a->pos[0]) < 0)
            return bf_tmpl_rt_oom(rt);
        *out = bf_tv_null();
        return 1;
    }
    if (name_eq(name, "index") || name_eq(name, "count")) {
        if (a->npos != 1)
            return bf_tmpl_rt_error(rt, "%.*s() takes one argument", (int)name->len, name->s);
        const bf_tv_t *items;
        size_t n;
        if (bf_tmpl_iter(rt, l, &items, &n) < 0)
            return -1;
        int64_t count = 0;
        for (size_t i = 0; i < n; i++) {
            if (bf_tv_eq(items[i], a->pos[0])) {
                if (name->s[0] == 'i') {
                    *out = bf_tv_int((int64_t)i);
                    return 1;
                }
                count++;
            }
        }
        if (name->s[0] == 'i')
            return bf_tmpl_rt_error(rt, "value is not in the list");
        *out = bf_tv_int(count);
        return 1;
    }
    return 0;
}

int bf_tmpl_call_method(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                        const bf_tmpl_args_t *a, bf_tv_t *out)
{
    switch (self.kind) {
    case BF_TV_STR:
        return str_method(rt, self, name, a, out);
    case BF_TV_MAP:
        return map_method(rt, self, name, a, out);
    case BF_TV_TREE:
        if (self.u.tree->kind == BF_VAL_MAP)
            return map_method(rt, self, name, a, out);
        return list_method(rt, self, name, a, out);
    case BF_TV_LIST:
        return list_method(rt, self, name, a, out);
    case BF_TV_OBJ: /* host maps and lists (site.params...) answer as ours */
        if (self.u.obj->cls->shape == BF_TMPL_SHAPE_MAP)
            return map_method(rt, self, name, a, out);
        if (self.u.obj->cls->shape == BF_TMPL_SHAPE_SEQ)
            return list_method(rt, self, name, a, out);
        return 0;
    default:
        return 0;
    }
}
