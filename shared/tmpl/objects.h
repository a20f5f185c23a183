/*
 * shared/tmpl/objects.h - the engine's own object classes and functions.
 *
 * Macros (and call-block bodies), loop variables, namespaces, imported
 * modules, super(), cyclers and joiners are OBJ values of the classes
 * below, allocated in the render arena.  The global functions (range,
 * dict, namespace, cycler, joiner) and the methods of built-in values
 * ("a,b".split(","), d.items(), list.append(x)) are here too.
 */
#ifndef BF_SHARED_TMPL_OBJECTS_H
#define BF_SHARED_TMPL_OBJECTS_H

#include "shared/tmpl/rt.h"

typedef struct {
    bf_tmpl_obj_t hdr;
    const bf_tfn_t *fn;
    bf_tframe_t *closure; /* frame the macro was defined in */
    bf_tctx_t *ctx;       /* context of the template that defined it */
} bf_tmacro_t;

typedef struct {
    bf_tmpl_obj_t hdr;
    const bf_tv_t *items;
    size_t n, i;
    int depth0;
    const bf_tn_t *node;  /* the for statement (recursive loop()) */
    bf_tframe_t *frame;
    bf_tv_t changed_last;
    bool changed_set;
} bf_tloop_t;

typedef struct {
    bf_tmpl_obj_t hdr;
    bf_tv_map_t *attrs;
} bf_tns_t; /* namespace */

typedef struct {
    bf_tmpl_obj_t hdr;
    const bf_tmpl_t *tmpl;
    bf_tctx_t *ctx;
} bf_tmodule_t;

typedef struct {
    bf_tmpl_obj_t hdr;
    bf_tframe_t *frame; /* the block frame super() was called from */
} bf_tsuper_t;

/* self (the blocks of the running template chain) and self.name. */
typedef struct {
    bf_tmpl_obj_t hdr;
    bf_tframe_t *frame;
    bf_tmpl_name_t name; /* blockref only */
} bf_tself_t;

typedef int (*bf_tmpl_builtin_fn)(bf_tmpl_rt_t *rt, const bf_tmpl_args_t *a, bf_tv_t *out);
typedef struct {
    bf_tmpl_obj_t hdr;
    const char *name;
    bf_tmpl_builtin_fn fn;
} bf_tfunc_t;

extern const bf_tmpl_class_t bf_tmpl_macro_class;
extern const bf_tmpl_class_t bf_tmpl_loop_class;
extern const bf_tmpl_class_t bf_tmpl_ns_class;
extern const bf_tmpl_class_t bf_tmpl_module_class;
extern const bf_tmpl_class_t bf_tmpl_super_class;
extern const bf_tmpl_class_t bf_tmpl_self_class;
extern const bf_tmpl_class_t bf_tmpl_func_class;

/* The global functions, for the environment to register. */
extern const bf_tfunc_t bf_tmpl_builtin_funcs[];
extern const size_t bf_tmpl_builtin_nfuncs;

/* Methods of STR, LIST, MAP and TREE values, and of host objects shaped
 * as maps or lists (after their own call_method): 1 done, 0 no such method,
 * -1 error. */
int bf_tmpl_call_method(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                        const bf_tmpl_args_t *a, bf_tv_t *out);

/* Argument helpers for functions and methods: positional i or keyword
 * name, else ABSENT. */
bf_tv_t bf_tmpl_arg(const bf_tmpl_args_t *a, size_t i, const char *kw);

#endif
