/*
 * shared/tmpl/exec.h - executing statements, templates, blocks, macros.
 *
 * Inheritance: running a template runs its top level; "extends" records
 * the parent and everything the child prints afterwards is dropped (its
 * sets, imports and macros still happen, in the shared context); then
 * the parent runs with the same context, and each {% block %} renders the
 * most derived definition along the chain (child first).  super() renders
 * the next one.
 *
 * Includes run the named template with a new context whose parent is the
 * current one (plus the locals visible at the include), so sets in the
 * included template do not leak back.  Depth is limited to 50 with an
 * error naming the chain.
 *
 * Return values: 0, BF_X_BREAK / BF_X_CONTINUE from loop bodies, -1 on
 * error (recorded in rt).
 */
#ifndef BF_SHARED_TMPL_EXEC_H
#define BF_SHARED_TMPL_EXEC_H

#include "shared/tmpl/objects.h"
#include "shared/tmpl/rt.h"

enum {
    BF_X_BREAK = 1,
    BF_X_CONTINUE = 2,
};

int bf_tmpl_exec(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *body);
/* Runs template t (and its parents) with context ctx. */
int bf_tmpl_run(bf_tmpl_rt_t *rt, const bf_tmpl_t *t, bf_tctx_t *ctx);
/* Calls a macro or call-block body; see bf_tmpl_eval_call for direct. */
int bf_tmpl_call_macro(bf_tmpl_rt_t *rt, const bf_tmacro_t *m, const bf_tmpl_args_t *a,
                       bf_tv_t *out, bool direct, const bf_tn_t *at);
/* loop(items) of a recursive for. */
int bf_tmpl_loop_recurse(bf_tmpl_rt_t *rt, bf_tloop_t *l, bf_tv_t items, bf_tv_t *out);
/* self.name(): block name rendered (most derived) from frame f's chain;
 * has_block says whether there is one. */
int bf_tmpl_self_block(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tmpl_name_t *name,
                       bf_tv_t *out);
bool bf_tmpl_has_block(const bf_tframe_t *f, const bf_tmpl_name_t *name);
/* super() from a block frame. */
int bf_tmpl_super(bf_tmpl_rt_t *rt, bf_tframe_t *f, bf_tv_t *out, bool direct,
                  const bf_tn_t *at);

#endif
