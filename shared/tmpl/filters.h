/*
 * shared/tmpl/filters.h - built-in filters and tests.
 *
 * A filter is a C function over an input value and its arguments.  Its
 * parameters are declared as a string, e.g. "length,killwords,end,leeway":
 * the compile pass maps positional and keyword arguments of each call onto
 * that list once, so at run time args[i] is parameter i, or an ABSENT
 * undefined (bf_tv_is_absent) when the call did not give it.  A "*" in the
 * list collects extra positional arguments after the named ones: for
 * "*,attribute,default" args are [attribute, default, extra...].
 *
 * Tests ("x is divisibleby 3") use the same shape and put a BOOL in *out.
 *
 * Filters return 0, or -1 after bf_tmpl_rt_error().  Results live in the
 * render arena (bf_tmpl_rt_arena).  Input that is undefined never reaches
 * a filter unless it is flagged UNDEF_OK (default, the defined tests):
 * the evaluator reports the undefined name first.
 */
#ifndef BF_SHARED_TMPL_FILTERS_H
#define BF_SHARED_TMPL_FILTERS_H

#include <stddef.h>

#include "shared/tmpl/value.h"

typedef int (*bf_tmpl_filter_fn)(bf_tmpl_rt_t *rt, bf_tv_t in, const bf_tv_t *args,
                                 size_t nargs, bf_tv_t *out);

enum {
    BF_TMPL_FF_UNDEF_OK = 1, /* input may be undefined */
};

typedef struct {
    const char *name;
    bf_tmpl_filter_fn fn;
    const char *params; /* comma-separated names, "*" for extra positionals */
    unsigned flags;     /* BF_TMPL_FF_* */
} bf_tmpl_filter_t;

/* Built-in filter / test by name, or NULL. */
const bf_tmpl_filter_t *bf_tmpl_builtin_filter(const char *name, size_t len);
const bf_tmpl_filter_t *bf_tmpl_builtin_test(const char *name, size_t len);

/* Calls a filter / test by name at run time (map('upper'), select('odd'),
 * selectattr('x', 'eq', 1)): positional args only.  -1 after an error
 * (unknown name included). */
int bf_tmpl_call_filter(bf_tmpl_rt_t *rt, const char *name, size_t len, bf_tv_t in,
                        const bf_tv_t *args, size_t nargs, bf_tv_t *out);
int bf_tmpl_call_test(bf_tmpl_rt_t *rt, const char *name, size_t len, bf_tv_t in,
                      const bf_tv_t *args, size_t nargs, bool *res);

/* Python's "fmt % args": args is a tuple or list (positional), a map
 * (%(name)s) or a single value.  Conversions: s r d i f F e E g G x X o c %. */
int bf_tmpl_pyformat(bf_tmpl_rt_t *rt, bf_tv_t fmt, bf_tv_t args, bf_tv_t *out);

/* Helpers for filter code (filters*.c, tests.c). */
/* str(v); undefined is an error. */
int bf_tmpl_fstr(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t *s);
/* An int argument: absent gives def; bools and ints; else an error. */
int bf_tmpl_fint(bf_tmpl_rt_t *rt, bf_tv_t v, int64_t def, int64_t *out);
/* A bool argument: absent gives def, else its truth. */
bool bf_tmpl_fbool(bf_tv_t v, bool def);
/* A string argument: absent gives def. */
int bf_tmpl_fstrarg(bf_tmpl_rt_t *rt, bf_tv_t v, const char *def, bf_tv_t *out);
/* Copy of p[0..n) in the arena as a STR (SAFE if safe). */
int bf_tmpl_fnew(bf_tmpl_rt_t *rt, const char *p, size_t n, bool safe, bf_tv_t *out);
/* v.a.b.0: attribute path as written in sort(attribute="a.b"); 1, 0, -1. */
int bf_tmpl_attr_path(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t path, bf_tv_t *out);
/* Lower-cased copy of a string (for case-insensitive comparisons). */
int bf_tmpl_lower(bf_tmpl_rt_t *rt, bf_tv_t s, bf_tv_t *out);

/* Filters defined in the other filter files. */
const bf_tmpl_filter_t *bf_tmpl_seq_filter(const char *name, size_t len);
const bf_tmpl_filter_t *bf_tmpl_fmt_filter(const char *name, size_t len);
const bf_tmpl_filter_t *bf_tmpl_num_filter(const char *name, size_t len);

/* Parameters of a spec: number of named parameters, and whether "*"
 * collects extra positionals (pre_star = named ones before it). */
typedef struct {
    size_t n_named;
    size_t pre_star;
    bool star;
} bf_tmpl_params_t;
void bf_tmpl_params_parse(const char *spec, bf_tmpl_params_t *out);
/* Index of a named parameter in spec, -1 if none. */
int bf_tmpl_params_index(const char *spec, const char *name, size_t len);

#endif
