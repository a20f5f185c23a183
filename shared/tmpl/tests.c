/*
 * shared/tmpl/tests.c - the "is" tests: defined, undefined, none,
 * boolean, true, false, integer, float, number, string, mapping,
 * iterable, sequence, callable, sameas, escaped, even, odd, divisibleby,
 * lower, upper, in, and the comparisons eq/ne/lt/le/gt/ge (with Jinja's
 * aliases ==, equalto, lessthan ...).
 *
 * Python's types decide, as in Jinja: bools are numbers, strings are
 * iterable sequences, maps are sequences too.
 */
#include <string.h>

#include "shared/tmpl/access.h"
#include "shared/tmpl/filters.h"
#include "shared/tmpl/rt.h"

#define TEST(name) \
    static int name(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, size_t nargs, bf_tv_t *out)

static int need_arg(bf_tmpl_rt_t *rt, const bf_tv_t *args, size_t nargs, const char *test)
{
    if (nargs < 1 || bf_tv_is_absent(args[0]))
        return bf_tmpl_rt_error(rt, "test \"%s\" needs an argument", test);
    if (args[0].kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, args[0]);
    return 0;
}

#define RESULT(expr)                \
    do {                            \
        *out = bf_tv_bool(expr);    \
        return 0;                   \
    } while (0)

TEST(t_defined) { RESULT(in.kind != BF_TV_UNDEF); }
TEST(t_undefined) { RESULT(in.kind == BF_TV_UNDEF); }
TEST(t_none) { RESULT(in.kind == BF_TV_NULL); }
TEST(t_boolean) { RESULT(in.kind == BF_TV_BOOL); }
TEST(t_true) { RESULT(in.kind == BF_TV_BOOL && in.u.b); }
TEST(t_false) { RESULT(in.kind == BF_TV_BOOL && !in.u.b); }
TEST(t_integer) { RESULT(in.kind == BF_TV_INT); }
TEST(t_float) { RESULT(in.kind == BF_TV_FLOAT); }
TEST(t_number) { RESULT(in.kind == BF_TV_INT || in.kind == BF_TV_FLOAT || in.kind == BF_TV_BOOL); }
TEST(t_string) { RESULT(in.kind == BF_TV_STR); }
TEST(t_mapping) { RESULT(bf_tmpl_is_mapping(in)); }
TEST(t_escaped) { RESULT(in.kind == BF_TV_STR && (in.flags & BF_TV_F_SAFE)); }

TEST(t_iterable)
{
    RESULT(in.kind == BF_TV_STR || in.kind == BF_TV_LIST || in.kind == BF_TV_MAP ||
           in.kind == BF_TV_TREE ||
           (in.kind == BF_TV_OBJ && in.u.obj->cls->shape != BF_TMPL_SHAPE_PLAIN));
}

TEST(t_sequence) { return t_iterable(rt, in, args, nargs, out); }

TEST(t_callable)
{
    RESULT(in.kind == BF_TV_OBJ && (in.u.obj->cls->call || strcmp(in.u.obj->cls->name, "macro") == 0 ||
                                    strcmp(in.u.obj->cls->name, "super") == 0));
}

TEST(t_sameas)
{
    if (need_arg(rt, args, nargs, "sameas") < 0)
        return -1;
    bf_tv_t b = args[0];
    bool same = in.kind == b.kind;
    if (same) {
        switch (in.kind) {
        case BF_TV_NULL: break;
        case BF_TV_BOOL: same = in.u.b == b.u.b; break;
        case BF_TV_INT: same = in.u.i == b.u.i; break;
        case BF_TV_FLOAT: same = in.u.f == b.u.f; break;
        case BF_TV_STR: same = in.u.s == b.u.s && in.aux == b.aux; break;
        case BF_TV_LIST: same = in.u.list == b.u.list; break;
        case BF_TV_MAP: same = in.u.map == b.u.map; break;
        case BF_TV_TREE: same = in.u.tree == b.u.tree; break;
        case BF_TV_OBJ: same = in.u.obj == b.u.obj && in.aux == b.aux; break;
        default: same = false; break;
        }
    }
    RESULT(same);
}

static int int_in(bf_tmpl_rt_t *rt, bf_tv_t in, const char *test, int64_t *v)
{
    if (in.kind == BF_TV_INT) {
        *v = in.u.i;
        return 0;
    }
    if (in.kind == BF_TV_BOOL) {
        *v = in.u.b;
        return 0;
    }
    if (in.kind == BF_TV_FLOAT && in.u.f == (double)(int64_t)in.u.f) {
        *v = (int64_t)in.u.f;
        return 0;
    }
    return bf_tmpl_rt_error(rt, "test \"%s\" needs an integer, not %s", test, bf_tv_type_name(in));
}

TEST(t_even)
{
    int64_t v = 0;
    if (int_in(rt, in, "even", &v) < 0)
        return -1;
    RESULT(v % 2 == 0);
}

TEST(t_odd)
{
    int64_t v = 0;
    if (int_in(rt, in, "odd", &v) < 0)
        return -1;
    RESULT(v % 2 != 0);
}

TEST(t_divisibleby)
{
    int64_t v = 0, d = 0;
    if (need_arg(rt, args, nargs, "divisibleby") < 0 || int_in(rt, in, "divisibleby", &v) < 0 ||
        int_in(rt, args[0], "divisibleby", &d) < 0)
        return -1;
    if (d == 0)
        return bf_tmpl_rt_error(rt, "divisibleby 0");
    RESULT(d == -1 || v % d == 0);
}

static int case_test(bf_tmpl_rt_t *rt, bf_tv_t in, bool upper, bf_tv_t *out)
{
    if (in.kind != BF_TV_STR)
        RESULT(false);
    bool cased = false;
    for (uint32_t i = 0; i < in.aux; i++) {
        char c = in.u.s[i];
        if ((upper && c >= 'a' && c <= 'z') || (!upper && c >= 'A' && c <= 'Z'))
            RESULT(false);
        cased |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    RESULT(cased);
}

TEST(t_lower) { return case_test(rt, in, false, out); }
TEST(t_upper) { return case_test(rt, in, true, out); }

TEST(t_in)
{
    bool r;
    if (need_arg(rt, args, nargs, "in") < 0 || bf_tmpl_contains(rt, args[0], in, &r) < 0)
        return -1;
    RESULT(r);
}

static int cmp_test(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args, size_t nargs, int op,
                    bf_tv_t *out)
{
    static const char *const names[] = {"eq", "ne", "lt", "le", "gt", "ge"};
    if (need_arg(rt, args, nargs, names[op]) < 0)
        return -1;
    if (op == 0)
        RESULT(bf_tv_eq(in, args[0]));
    if (op == 1)
        RESULT(!bf_tv_eq(in, args[0]));
    int c;
    if (bf_tv_cmp(in, args[0], &c) < 0)
        return bf_tmpl_rt_error(rt, "cannot compare %s and %s", bf_tv_type_name(in),
                                bf_tv_type_name(args[0]));
    RESULT(op == 2 ? c < 0 : op == 3 ? c <= 0 : op == 4 ? c > 0 : c >= 0);
}

TEST(t_eq) { return cmp_test(rt, in, args, nargs, 0, out); }
TEST(t_ne) { return cmp_test(rt, in, args, nargs, 1, out); }
TEST(t_lt) { return cmp_test(rt, in, args, nargs, 2, out); }
TEST(t_le) { return cmp_test(rt, in, args, nargs, 3, out); }
TEST(t_gt) { return cmp_test(rt, in, args, nargs, 4, out); }
TEST(t_ge) { return cmp_test(rt, in, args, nargs, 5, out); }

static const bf_tmpl_filter_t tests[] = {
    {"defined", t_defined, "", BF_TMPL_FF_UNDEF_OK},
    {"undefined", t_undefined, "", BF_TMPL_FF_UNDEF_OK},
    {"none", t_none, "", 0},
    {"boolean", t_boolean, "", 0},
    {"true", t_true, "", 0},
    {"false", t_false, "", 0},
    {"integer", t_integer, "", 0},
    {"float", t_float, "", 0},
    {"number", t_number, "", 0},
    {"string", t_string, "", 0},
    {"mapping", t_mapping, "", 0},
    {"iterable", t_iterable, "", 0},
    {"sequence", t_sequence, "", 0},
    {"callable", t_callable, "", 0},
    {"sameas", t_sameas, "other", 0},
    {"escaped", t_escaped, "", 0},
    {"even", t_even, "", 0},
    {"odd", t_odd, "", 0},
    {"divisibleby", t_divisibleby, "num", 0},
    {"lower", t_lower, "", 0},
    {"upper", t_upper, "", 0},
    {"in", t_in, "seq", 0},
    {"eq", t_eq, "other", 0},
    {"equalto", t_eq, "other", 0},
    {"==", t_eq, "other", 0},
    {"ne", t_ne, "other", 0},
    {"!=", t_ne, "other", 0},
    {"lt", t_lt, "other", 0},
    {"lessthan", t_lt, "other", 0},
    {"<", t_lt, "other", 0},
    {"le", t_le, "other", 0},
    {"<=", t_le, "other", 0},
    {"gt", t_gt, "other", 0},
    {"greaterthan", t_gt, "other", 0},
    {">", t_gt, "other", 0},
    {"ge", t_ge, "other", 0},
    {">=", t_ge, "other", 0},
};

const bf_tmpl_filter_t *bf_tmpl_builtin_test(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (strlen(tests[i].name) == len && memcmp(tests[i].name, name, len) == 0)
            return &tests[i];
    }
    return NULL;
}
