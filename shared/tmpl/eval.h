/*
 * shared/tmpl/eval.h - evaluating expressions.
 *
 * Python semantics for operators (int/float promotion, floor division and
 * modulo with the divisor's sign, str + str, list + list, str * n, "%"
 * formatting, chained comparisons, and/or returning an operand) with
 * Jinja's markup rules: in an autoescaping template "~" and "+" with a
 * markup operand escape the other one and give markup.
 *
 * Undefined values flow through attribute access (a.b.c of a missing a.b
 * stays the undefined a.b), and become an error, reported where the
 * missing name or attribute is written, as soon as they are used: printed,
 * computed with, tested for truth, iterated or called.  "is defined",
 * "default" and "??" take them as values.
 *
 * Returns 0, or -1 with the error recorded in rt (and located).
 */
#ifndef BF_SHARED_TMPL_EVAL_H
#define BF_SHARED_TMPL_EVAL_H

#include "shared/tmpl/rt.h"

int bf_tmpl_eval(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t *out);

/* Truth of v; undefined is an error located at n. */
int bf_tmpl_truth(bf_tmpl_rt_t *rt, bf_tv_t v, bool *res);

/* A CALL node.  direct: a macro may write its output straight to the
 * output buffer, and *out is then ABSENT.  extra_kw (may be NULL) adds
 * one keyword argument (caller of a call block). */
int bf_tmpl_eval_call(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t *out,
                      bool direct, const bf_tmpl_name_t *extra_kw, bf_tv_t extra_val);

/* Calls any callable value. */
int bf_tmpl_call_value(bf_tmpl_rt_t *rt, bf_tv_t fn, const bf_tmpl_args_t *a, bf_tv_t *out,
                       bool direct, const bf_tn_t *at);

/* Binary operators, also used by filters (sum). */
int bf_tmpl_binop(bf_tmpl_rt_t *rt, int op, bf_tv_t a, bf_tv_t b, bool esc, bf_tv_t *out);

/* Assigns v to a SET/FOR target (NAME, TUPLE of NAMEs, GETATTR ns.x). */
int bf_tmpl_assign(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *target, bf_tv_t v);

#endif
