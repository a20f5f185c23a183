/*
 * shared/tmpl/eval.c - expressions (see eval.h).
 *
 * Every function returns 0 or -1; on -1 the error is in rt and has been
 * located at the innermost node that knew where it was.
 */
#include "shared/tmpl/eval.h"

#include <math.h>
#include <stdio.h>

#include "shared/tmpl/access.h"
#include "shared/tmpl/exec.h"
#include "shared/tmpl/filters.h"
#include "shared/tmpl/objects.h"

/* Strings and lists built by operators stay below the output limit (and
 * 256 MiB): nothing bigger could be printed anyway. */
#define MAX_STR (rt->max_output && rt->max_output < ((size_t)256 << 20) ? rt->max_output \
                                                                         : ((size_t)256 << 20))

int bf_tmpl_truth(bf_tmpl_rt_t *rt, bf_tv_t v, bool *res)
{
    if (v.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, v);
    *res = bf_tv_truthy(v);
    return 0;
}

static bf_tframe_t *frame_up(bf_tframe_t *f, unsigned depth)
{
    while (depth-- > 0 && f->up)
        f = f->up;
    return f;
}

static __attribute__((noinline)) int load_name(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t *out)
{
    if (n->slot >= 0) {
        bf_tv_t v = frame_up(f, n->depth)->slots[n->slot];
        if (!bf_tv_is_absent(v)) {
            *out = v;
            return 0;
        }
        for (const bf_tres_t *r = n->ext; r && r->slot >= 0; r = r->outer) {
            v = frame_up(f, r->depth)->slots[r->slot];
            if (!bf_tv_is_absent(v)) {
                *out = v;
                return 0;
            }
        }
    }
    int r = bf_tmpl_ctx_lookup(rt, f->ctx, &n->name, out);
    if (r < 0)
        return -1;
    if (r > 0)
        return 0;
    if (f->block && n->name.len == 5 && memcmp(n->name.s, "super", 5) == 0) {
        bf_tsuper_t *s = bf_arena_alloc(rt->arena, sizeof *s);
        if (!s)
            return bf_tmpl_rt_oom(rt);
        s->hdr.cls = &bf_tmpl_super_class;
        s->frame = f;
        *out = bf_tv_obj(&s->hdr, 0);
        return 0;
    }
    if (n->name.len == 4 && memcmp(n->name.s, "self", 4) == 0) {
        bf_tself_t *s = bf_arena_alloc(rt->arena, sizeof *s);
        if (!s)
            return bf_tmpl_rt_oom(rt);
        s->hdr.cls = &bf_tmpl_self_class;
        s->frame = f;
        *out = bf_tv_obj(&s->hdr, 0);
        return 0;
    }
    *out = bf_tv_undef(n);
    return 0;
}

static int concat_str(bf_tmpl_rt_t *rt, bf_tv_t a, bf_tv_t b, bool esc, bf_tv_t *out)
{
    if (bf_tmpl_rt_to_str(rt, a, &a) < 0 || bf_tmpl_rt_to_str(rt, b, &b) < 0)
        return -1;
    bool safe = false;
    if (esc && ((a.flags | b.flags) & BF_TV_F_SAFE)) {
        if (bf_tmpl_rt_escape(rt, a, &a) < 0 || bf_tmpl_rt_escape(rt, b, &b) < 0)
            return -1;
        safe = true;
    }
    size_t n = (size_t)a.aux + b.aux;
    if (n > MAX_STR)
        return bf_tmpl_rt_error(rt, "string too long");
    char *p = bf_arena_alloc(rt->arena, n + 1);
    if (!p)
        return bf_tmpl_rt_oom(rt);
    memcpy(p, a.u.s, a.aux);
    memcpy(p + a.aux, b.u.s, b.aux);
    p[n] = '\0';
    *out = bf_tv_str(p, n);
    if (safe)
        out->flags = BF_TV_F_SAFE;
    return 0;
}

static const char *op_text(int op)
{
    static const char *const t[] = {"?", "+", "-", "*", "/", "//", "%", "**", "~",
                                    "==", "!=", "<", "<=", ">", ">=", "in", "not in"};
    return op > 0 && op <= BF_OP_NOTIN ? t[op] : "?";
}

static bool is_int(bf_tv_t v)
{
    return v.kind == BF_TV_INT || v.kind == BF_TV_BOOL;
}

static int64_t as_int(bf_tv_t v)
{
    return v.kind == BF_TV_INT ? v.u.i : (int64_t)v.u.b;
}

static double as_float(bf_tv_t v)
{
    return v.kind == BF_TV_FLOAT ? v.u.f : (double)as_int(v);
}

static int int_arith(bf_tmpl_rt_t *rt, int op, int64_t x, int64_t y, bf_tv_t *out)
{
    int64_t r;
    switch (op) {
    case BF_OP_ADD:
        if (__builtin_add_overflow(x, y, &r))
            goto overflow;
        break;
    case BF_OP_SUB:
        if (__builtin_sub_overflow(x, y, &r))
            goto overflow;
        break;
    case BF_OP_MUL:
        if (__builtin_mul_overflow(x, y, &r))
            goto overflow;
        break;
    case BF_OP_DIV:
        if (y == 0)
            return bf_tmpl_rt_error(rt, "division by zero");
        *out = bf_tv_float((double)x / (double)y);
        return 0;
    case BF_OP_FLOORDIV:
    case BF_OP_MOD:
        if (y == 0)
            return bf_tmpl_rt_error(rt, "%s by zero",
                                    op == BF_OP_MOD ? "modulo" : "integer division");
        if (x == INT64_MIN && y == -1)
            goto overflow;
        if (op == BF_OP_FLOORDIV) {
            r = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0)))
                r--;
        } else {
            r = x % y;
            if (r != 0 && ((r < 0) != (y < 0)))
                r += y;
        }
        break;
    case BF_OP_POW:
        if (y < 0) {
            if (x == 0)
                return bf_tmpl_rt_error(rt, "zero to a negative power");
            *out = bf_tv_float(pow((double)x, (double)y));
            return 0;
        }
        r = 1;
        for (int64_t base = x, e = y; e > 0; e >>= 1) {
            if ((e & 1) && __builtin_mul_overflow(r, base, &r))
                goto overflow;
            if (e > 1 && __builtin_mul_overflow(base, base, &base))
                goto overflow;
        }
        break;
    default:
        return bf_tmpl_rt_error(rt, "bad operator");
    }
    *out = bf_tv_int(r);
    return 0;
overflow:
    return bf_tmpl_rt_error(rt, "integer overflow in \"%s\"", op_text(op));
}

static int float_arith(bf_tmpl_rt_t *rt, int op, double x, double y, bf_tv_t *out)
{
    double r;
    switch (op) {
    case BF_OP_ADD: r = x + y; break;
    case BF_OP_SUB: r = x - y; break;
    case BF_OP_MUL: r = x * y; break;
    case BF_OP_DIV:
        if (y == 0)
            return bf_tmpl_rt_error(rt, "division by zero");
        r = x / y;
        break;
    case BF_OP_FLOORDIV:
        if (y == 0)
            return bf_tmpl_rt_error(rt, "division by zero");
        r = floor(x / y);
        break;
    case BF_OP_MOD:
        if (y == 0)
            return bf_tmpl_rt_error(rt, "modulo by zero");
        r = fmod(x, y);
        if (r != 0 && ((r < 0) != (y < 0)))
            r += y;
        break;
    case BF_OP_POW:
        r = pow(x, y);
        break;
    default:
        return bf_tmpl_rt_error(rt, "bad operator");
    }
    *out = bf_tv_float(r);
    return 0;
}

/* Repetition of a string or list n times. */
static int repeat(bf_tmpl_rt_t *rt, bf_tv_t v, int64_t n, bf_tv_t *out)
{
    if (n < 0)
        n = 0;
    if (v.kind == BF_TV_STR) {
        if (v.aux && (uint64_t)n > MAX_STR / v.aux)
            return bf_tmpl_rt_error(rt, "string too long");
        size_t len = (size_t)n * v.aux;
        char *p = bf_arena_alloc(rt->arena, len + 1);
        if (!p)
            return bf_tmpl_rt_oom(rt);
        for (int64_t i = 0; i < n; i++)
            memcpy(p + (size_t)i * v.aux, v.u.s, v.aux);
        p[len] = '\0';
        *out = bf_tv_str(p, len);
        out->flags = v.flags & BF_TV_F_SAFE;
        return 0;
    }
    const bf_tv_t *items;
    size_t cnt;
    if (bf_tmpl_iter(rt, v, &items, &cnt) < 0)
        return -1;
    if (cnt && (uint64_t)n > (MAX_STR / 16) / cnt)
        return bf_tmpl_rt_error(rt, "list too long");
    bf_tv_list_t *l = bf_tv_list_new(rt->arena, (size_t)n * cnt);
    if (!l)
        return bf_tmpl_rt_oom(rt);
    for (int64_t i = 0; i < n; i++) {
        memcpy(l->items + (size_t)i * cnt, items, cnt * sizeof *items);
    }
    l->n = (uint32_t)((size_t)n * cnt);
    *out = bf_tv_list(l);
    out->flags = v.flags & BF_TV_F_TUPLE;
    return 0;
}

static bool is_seq(bf_tv_t v)
{
    return v.kind == BF_TV_LIST || (v.kind == BF_TV_TREE && v.u.tree->kind == BF_VAL_LIST);
}

int bf_tmpl_binop(bf_tmpl_rt_t *rt, int op, bf_tv_t a, bf_tv_t b, bool esc, bf_tv_t *out)
{
    if (a.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, a);
    if (b.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, b);
    if (op == BF_OP_CONCAT)
        return concat_str(rt, a, b, esc, out);
    bool an = is_int(a) || a.kind == BF_TV_FLOAT, bn = is_int(b) || b.kind == BF_TV_FLOAT;
    if (an && bn) {
        if (is_int(a) && is_int(b))
            return int_arith(rt, op, as_int(a), as_int(b), out);
        return float_arith(rt, op, as_float(a), as_float(b), out);
    }
    if (op == BF_OP_ADD && a.kind == BF_TV_STR && b.kind == BF_TV_STR)
        return concat_str(rt, a, b, (a.flags | b.flags) & BF_TV_F_SAFE, out);
    if (op == BF_OP_ADD && is_seq(a) && is_seq(b)) {
        const bf_tv_t *x, *y;
        size_t nx, ny;
        if (bf_tmpl_iter(rt, a, &x, &nx) < 0 || bf_tmpl_iter(rt, b, &y, &ny) < 0)
            return -1;
        bf_tv_list_t *l = bf_tv_list_new(rt->arena, nx + ny);
        if (!l)
            return bf_tmpl_rt_oom(rt);
        memcpy(l->items, x, nx * sizeof *x);
        memcpy(l->items + nx, y, ny * sizeof *y);
        l->n = (uint32_t)(nx + ny);
        *out = bf_tv_list(l);
        out->flags = a.flags & b.flags & BF_TV_F_TUPLE;
        return 0;
    }
    if (op == BF_OP_MUL && is_int(b) && (a.kind == BF_TV_STR || is_seq(a)))
        return repeat(rt, a, as_int(b), out);
    if (op == BF_OP_MUL && is_int(a) && (b.kind == BF_TV_STR || is_seq(b)))
        return repeat(rt, b, as_int(a), out);
    if (op == BF_OP_MOD && a.kind == BF_TV_STR)
        return bf_tmpl_pyformat(rt, a, b, out);
    return bf_tmpl_rt_error(rt, "unsupported operand types for %s: %s and %s", op_text(op),
                            bf_tv_type_name(a), bf_tv_type_name(b));
}

static int compare(bf_tmpl_rt_t *rt, int op, bf_tv_t a, bf_tv_t b, bool *res)
{
    if (a.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, a);
    if (b.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, b);
    int c;
    switch (op) {
    case BF_OP_EQ:
        *res = bf_tv_eq(a, b);
        return 0;
    case BF_OP_NE:
        *res = !bf_tv_eq(a, b);
        return 0;
    case BF_OP_IN:
    case BF_OP_NOTIN:
        if (bf_tmpl_contains(rt, b, a, res) < 0)
            return -1;
        if (op == BF_OP_NOTIN)
            *res = !*res;
        return 0;
    default:
        if (bf_tv_cmp(a, b, &c) < 0)
            return bf_tmpl_rt_error(rt, "cannot compare %s and %s with \"%s\"",
                                    bf_tv_type_name(a), bf_tv_type_name(b), op_text(op));
        *res = op == BF_OP_LT ? c < 0 : op == BF_OP_LE ? c <= 0 : op == BF_OP_GT ? c > 0 : c >= 0;
        return 0;
    }
}

static int eval_filter(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t *out)
{
    const bf_tmpl_filter_t *flt = n->ext;
    if (!flt)
        return bf_tmpl_rt_error_at(rt, n, "unknown filter \"%.*s\"", (int)n->name.len,
                                   n->name.s);
    bf_tv_t in;
    if (n->a) {
        if (bf_tmpl_eval(rt, f, n->a, &in) < 0)
            return -1;
    } else {
        in = rt->pipe_in ? *rt->pipe_in : bf_tv_null();
    }
    if (in.kind == BF_TV_UNDEF && !(flt->flags & BF_TMPL_FF_UNDEF_OK))
        return bf_tmpl_rt_undefined(rt, in);
    bf_tv_t argbuf[8];
    bf_tv_t *args = argbuf;
    if (n->argc > 8) {
        args = bf_arena_alloc(rt->arena, n->argc * sizeof *args);
        if (!args)
            return bf_tmpl_rt_oom(rt);
    }
    for (unsigned i = 0; i < n->argc; i++) {
        if (!n->argv[i]) {
            args[i] = bf_tv_absent();
            continue;
        }
        if (bf_tmpl_eval(rt, f, n->argv[i], &args[i]) < 0)
            return -1;
        if (args[i].kind == BF_TV_UNDEF && !(flt->flags & BF_TMPL_FF_UNDEF_OK))
            return bf_tmpl_rt_undefined(rt, args[i]);
    }
    rt->autoescape = n->flags & BF_NF_ESC;
    if (rt->prof && n->kind == BF_N_FILTER)
        bf_tmpl_rt_prof(rt, BF_TPROF_FILTER, NULL, flt->name, 0);
    if (flt->fn(rt, in, args, n->argc, out) < 0) {
        bf_tmpl_rt_locate(rt, n);
        return -1;
    }
    if (n->kind == BF_N_TEST && (n->flags & BF_NF_NEG))
        out->u.b = !out->u.b;
    return 0;
}

int bf_tmpl_call_value(bf_tmpl_rt_t *rt, bf_tv_t fn, const bf_tmpl_args_t *a, bf_tv_t *out,
                       bool direct, const bf_tn_t *at)
{
    if (fn.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, fn);
    if (fn.kind == BF_TV_OBJ) {
        const bf_tmpl_class_t *c = fn.u.obj->cls;
        if (c == &bf_tmpl_macro_class)
            return bf_tmpl_call_macro(rt, (const bf_tmacro_t *)fn.u.obj, a, out, direct, at);
        if (c == &bf_tmpl_super_class) {
            if (a->npos || a->nkw)
                return bf_tmpl_rt_error_at(rt, at, "super() takes no arguments");
            return bf_tmpl_super(rt, ((bf_tsuper_t *)fn.u.obj)->frame, out, direct, at);
        }
        if (c->call) {
            if (c->call(rt, fn, a, out) < 0) {
                bf_tmpl_rt_locate(rt, at);
                return -1;
            }
            return 0;
        }
    }
    return bf_tmpl_rt_error_at(rt, at, "%s is not callable", bf_tv_type_name(fn));
}

int bf_tmpl_eval_call(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t *out,
                      bool direct, const bf_tmpl_name_t *extra_kw, bf_tv_t extra_val)
{
    size_t npos = 0, nkw = extra_kw ? 1 : 0;
    for (const bf_tn_t *x = n->b; x; x = x->next) {
        if (x->kind == BF_N_KWARG)
            nkw++;
        else
            npos++;
    }
    bf_tv_t posbuf[8], kwbuf[4];
    bf_tmpl_name_t namebuf[4];
    bf_tv_t *pos = posbuf, *kw = kwbuf;
    bf_tmpl_name_t *names = namebuf;
    if (npos > 8 || nkw > 4) {
        pos = bf_arena_alloc(rt->arena, (npos + 1) * sizeof *pos);
        kw = bf_arena_alloc(rt->arena, (nkw + 1) * sizeof *kw);
        names = bf_arena_alloc(rt->arena, (nkw + 1) * sizeof *names);
        if (!pos || !kw || !names)
            return bf_tmpl_rt_oom(rt);
    }
    size_t ip = 0, ik = 0;
    for (const bf_tn_t *x = n->b; x; x = x->next) {
        if (x->kind == BF_N_KWARG) {
            names[ik] = x->name;
            if (bf_tmpl_eval(rt, f, x->a, &kw[ik++]) < 0)
                return -1;
        } else if (bf_tmpl_eval(rt, f, x, &pos[ip++]) < 0) {
            return -1;
        }
    }
    if (extra_kw) {
        names[ik] = *extra_kw;
        kw[ik++] = extra_val;
    }
    bf_tmpl_args_t args = {pos, npos, names, kw, nkw};
    const bf_tn_t *callee = n->a;
    bf_tv_t fn;
    if (callee->kind == BF_N_GETATTR) {
        bf_tv_t self;
        if (bf_tmpl_eval(rt, f, callee->a, &self) < 0)
            return -1;
        if (self.kind == BF_TV_UNDEF)
            return bf_tmpl_rt_undefined(rt, self);
        int r = 0;
        if (self.kind == BF_TV_OBJ && self.u.obj->cls->call_method)
            r = self.u.obj->cls->call_method(rt, self, &callee->name, &args, out);
        if (r == 0)
            r = bf_tmpl_call_method(rt, self, &callee->name, &args, out);
        if (r < 0) {
            bf_tmpl_rt_locate(rt, callee);
            return -1;
        }
        if (r > 0)
            return 0;
        r = bf_tmpl_getattr(rt, self, &callee->name, &fn);
        if (r < 0) {
            bf_tmpl_rt_locate(rt, callee);
            return -1;
        }
        if (r == 0)
            fn = bf_tv_undef(callee);
    } else if (bf_tmpl_eval(rt, f, callee, &fn) < 0) {
        return -1;
    }
    return bf_tmpl_call_value(rt, fn, &args, out, direct, n);
}

/* obj.name / obj[key] / obj[a:b] for node n, obj already evaluated. */
static __attribute__((noinline)) int attr_of(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n,
                                              bf_tv_t obj, bf_tv_t *out)
{
    bool opt = n->flags & BF_NF_OPT;
    if (obj.kind == BF_TV_UNDEF || obj.kind == BF_TV_NULL) {
        if (opt)
            *out = bf_tv_null();
        else
            *out = obj.kind == BF_TV_UNDEF ? obj : bf_tv_undef(n);
        return 0;
    }
    int r;
    if (n->kind == BF_N_GETATTR && obj.kind == BF_TV_MAP) { /* the common case, inline */
        const bf_tv_t *v = bf_tv_map_get_name(obj.u.map, &n->name);
        if (v)
            *out = *v;
        else
            *out = opt ? bf_tv_null() : bf_tv_undef(n);
        return 0;
    }
    if (n->kind == BF_N_GETATTR) {
        r = bf_tmpl_getattr(rt, obj, &n->name, out);
    } else if (n->b->kind == BF_N_SLICE) {
        bf_tv_t parts[3];
        const bf_tn_t *pn[3] = {n->b->a, n->b->b, n->b->c};
        for (int i = 0; i < 3; i++) {
            parts[i] = bf_tv_absent();
            if (pn[i] && bf_tmpl_eval(rt, f, pn[i], &parts[i]) < 0)
                return -1;
            if (parts[i].kind == BF_TV_UNDEF && !bf_tv_is_absent(parts[i]))
                return bf_tmpl_rt_undefined(rt, parts[i]);
        }
        if (bf_tmpl_slice(rt, obj, parts[0], parts[1], parts[2], out) < 0) {
            bf_tmpl_rt_locate(rt, n);
            return -1;
        }
        return 0;
    } else {
        bf_tv_t key;
        if (bf_tmpl_eval(rt, f, n->b, &key) < 0)
            return -1;
        if (key.kind == BF_TV_UNDEF)
            return bf_tmpl_rt_undefined(rt, key);
        r = bf_tmpl_getitem(rt, obj, key, out);
    }
    if (r < 0) {
        bf_tmpl_rt_locate(rt, n);
        return -1;
    }
    if (r == 0)
        *out = opt ? bf_tv_null() : bf_tv_undef(n);
    return 0;
}

static int eval_getattr(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t *out)
{
    bf_tv_t obj;
    if (bf_tmpl_eval(rt, f, n->a, &obj) < 0)
        return -1;
    return attr_of(rt, f, n, obj, out);
}

static int eval_collection(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t *out)
{
    size_t cnt = 0;
    for (const bf_tn_t *x = n->a; x; x = x->next)
        cnt++;
    if (n->kind == BF_N_DICT) {
        bf_tv_map_t *m = bf_tv_map_new(rt->arena, cnt);
        if (!m)
            return bf_tmpl_rt_oom(rt);
        for (const bf_tn_t *x = n->a; x; x = x->next) {
            bf_tv_t k, v;
            if (bf_tmpl_eval(rt, f, x->a, &k) < 0 || bf_tmpl_eval(rt, f, x->b, &v) < 0)
                return -1;
            if (k.kind == BF_TV_UNDEF)
                return bf_tmpl_rt_undefined(rt, k);
            if (bf_tv_map_set(rt->arena, m, k, v) < 0)
                return bf_tmpl_rt_oom(rt);
        }
        *out = bf_tv_map(m);
        return 0;
    }
    bf_tv_list_t *l = bf_tv_list_new(rt->arena, cnt);
    if (!l)
        return bf_tmpl_rt_oom(rt);
    for (const bf_tn_t *x = n->a; x; x = x->next) {
        if (bf_tmpl_eval(rt, f, x, &l->items[l->n]) < 0)
            return -1;
        l->n++;
    }
    *out = bf_tv_list(l);
    if (n->kind == BF_N_TUPLE)
        out->flags = BF_TV_F_TUPLE;
    return 0;
}

/* Everything but the hot cases of bf_tmpl_eval, kept out of line so that
 * the hot path has a small stack frame. */
static __attribute__((noinline)) int eval_slow(bf_tmpl_rt_t *rt, bf_tframe_t *f,
                                                const bf_tn_t *n, bf_tv_t *out)
{
    bf_tv_t a, b;
    bool t = false;
    switch (n->kind) {
    case BF_N_LIT:
        *out = n->lit;
        return 0;
    case BF_N_NAME:
        return load_name(rt, f, n, out);
    case BF_N_GETATTR:
    case BF_N_GETITEM:
        return eval_getattr(rt, f, n, out);
    case BF_N_LIST:
    case BF_N_TUPLE:
    case BF_N_DICT:
        return eval_collection(rt, f, n, out);
    case BF_N_CALL:
        return bf_tmpl_eval_call(rt, f, n, out, false, NULL, bf_tv_null());
    case BF_N_FILTER:
    case BF_N_TEST:
        return eval_filter(rt, f, n, out);
    case BF_N_BINOP:
        if (bf_tmpl_eval(rt, f, n->a, &a) < 0 || bf_tmpl_eval(rt, f, n->b, &b) < 0)
            return -1;
        if (bf_tmpl_binop(rt, n->op, a, b, n->flags & BF_NF_ESC, out) < 0) {
            bf_tmpl_rt_locate(rt, n);
            return -1;
        }
        return 0;
    case BF_N_CMP: {
        if (bf_tmpl_eval(rt, f, n->a, &a) < 0)
            return -1;
        bool res = true;
        for (const bf_tn_t *c = n->b; c; c = c->next) {
            if (bf_tmpl_eval(rt, f, c->a, &b) < 0)
                return -1;
            if (compare(rt, c->op, a, b, &res) < 0) {
                bf_tmpl_rt_locate(rt, c);
                return -1;
            }
            if (!res)
                break;
            a = b;
        }
        *out = bf_tv_bool(res);
        return 0;
    }
    case BF_N_AND:
    case BF_N_OR:
        if (bf_tmpl_eval(rt, f, n->a, &a) < 0 || bf_tmpl_truth(rt, a, &t) < 0)
            return -1;
        if (t == (n->kind == BF_N_OR)) {
            *out = a;
            return 0;
        }
        return bf_tmpl_eval(rt, f, n->b, out);
    case BF_N_NOT:
        if (bf_tmpl_eval(rt, f, n->a, &a) < 0 || bf_tmpl_truth(rt, a, &t) < 0)
            return -1;
        *out = bf_tv_bool(!t);
        return 0;
    case BF_N_NEG:
    case BF_N_POS:
        if (bf_tmpl_eval(rt, f, n->a, &a) < 0)
            return -1;
        if (a.kind == BF_TV_UNDEF)
            return bf_tmpl_rt_undefined(rt, a);
        if (is_int(a)) {
            if (n->kind == BF_N_NEG && as_int(a) == INT64_MIN)
                return bf_tmpl_rt_error_at(rt, n, "integer overflow in \"-\"");
            *out = bf_tv_int(n->kind == BF_N_NEG ? -as_int(a) : as_int(a));
        } else if (a.kind == BF_TV_FLOAT) {
            *out = bf_tv_float(n->kind == BF_N_NEG ? -a.u.f : a.u.f);
        } else {
            return bf_tmpl_rt_error_at(rt, n, "bad operand for unary %s: %s",
                                       n->kind == BF_N_NEG ? "-" : "+", bf_tv_type_name(a));
        }
        return 0;
    case BF_N_COND:
        if (bf_tmpl_eval(rt, f, n->b, &a) < 0 || bf_tmpl_truth(rt, a, &t) < 0)
            return -1;
        if (t)
            return bf_tmpl_eval(rt, f, n->a, out);
        if (n->c)
            return bf_tmpl_eval(rt, f, n->c, out);
        *out = bf_tv_str("", 0); /* Jinja: an undefined that prints nothing */
        return 0;
    case BF_N_COALESCE:
        if (bf_tmpl_eval(rt, f, n->a, &a) < 0)
            return -1;
        if (a.kind == BF_TV_UNDEF || a.kind == BF_TV_NULL)
            return bf_tmpl_eval(rt, f, n->b, out);
        *out = a;
        return 0;
    default:
        return bf_tmpl_rt_error_at(rt, n, "cannot evaluate this node");
    }
}

/* The hot path: literals, local variables, attributes of maps. */
int bf_tmpl_eval(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t *out)
{
    switch (n->kind) {
    case BF_N_LIT:
        *out = n->lit;
        return 0;
    case BF_N_NAME:
        if (n->slot >= 0 && n->depth == 0 && !bf_tv_is_absent(f->slots[n->slot])) {
            *out = f->slots[n->slot];
            return 0;
        }
        return load_name(rt, f, n, out);
    case BF_N_GETATTR: {
        bf_tv_t obj;
        if (bf_tmpl_eval(rt, f, n->a, &obj) < 0)
            return -1;
        if (obj.kind == BF_TV_MAP) {
            const bf_tv_t *v = bf_tv_map_get_name(obj.u.map, &n->name);
            if (v) {
                *out = *v;
                return 0;
            }
        }
        return attr_of(rt, f, n, obj, out);
    }
    default:
        return eval_slow(rt, f, n, out);
    }
}

int bf_tmpl_assign(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *t, bf_tv_t v)
{
    switch (t->kind) {
    case BF_N_NAME:
        if (t->slot >= 0) {
            f->slots[t->slot] = v;
            return 0;
        }
        return bf_tmpl_ctx_set(rt, f->ctx, t->name.s, t->name.len, v);
    case BF_N_TUPLE: {
        if (v.kind == BF_TV_UNDEF)
            return bf_tmpl_rt_undefined(rt, v);
        const bf_tv_t *items;
        size_t n, want = 0;
        if (bf_tmpl_iter(rt, v, &items, &n) < 0) {
            bf_tmpl_rt_locate(rt, t);
            return -1;
        }
        for (const bf_tn_t *x = t->a; x; x = x->next)
            want++;
        if (n != want)
            return bf_tmpl_rt_error_at(rt, t, "cannot unpack %zu value%s into %zu names", n,
                                       n == 1 ? "" : "s", want);
        size_t i = 0;
        for (const bf_tn_t *x = t->a; x; x = x->next) {
            if (bf_tmpl_assign(rt, f, x, items[i++]) < 0)
                return -1;
        }
        return 0;
    }
    case BF_N_GETATTR: {
        bf_tv_t ns;
        if (bf_tmpl_eval(rt, f, t->a, &ns) < 0)
            return -1;
        if (ns.kind == BF_TV_UNDEF)
            return bf_tmpl_rt_undefined(rt, ns);
        if (ns.kind != BF_TV_OBJ || ns.u.obj->cls != &bf_tmpl_ns_class)
            return bf_tmpl_rt_error_at(rt, t, "cannot set an attribute of %s (only of a namespace)",
                                       bf_tv_type_name(ns));
        bf_tns_t *o = (bf_tns_t *)ns.u.obj;
        if (bf_tv_map_set(rt->arena, o->attrs, bf_tv_str(t->name.s, t->name.len), v) < 0)
            return bf_tmpl_rt_oom(rt);
        return 0;
    }
    default:
        return bf_tmpl_rt_error_at(rt, t, "cannot assign to this");
    }
}
