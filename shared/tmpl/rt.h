/*
 * shared/tmpl/rt.h - the state of one render, shared by the evaluator
 * (eval.c), the statements (exec.c), callables (call.c) and filters.
 *
 * A render (bf_tmpl_rt_t) owns nothing: values and frames go to the
 * per-page arena, output to the caller's buffer, fragments to the
 * worker's cache.  Its own fields are the render context of DESIGN §3:
 * current template, include chain and depth, call depth, the error being
 * reported, so that none of it lives among the user's variables.
 *
 * Errors: the first error wins.  bf_tmpl_rt_error() records a message
 * without a position (filters, hosts); the evaluator attaches the node it
 * was evaluating (bf_tmpl_rt_locate) as the call returns -1; the render
 * entry point reports it once with template, line, column and caret.
 *
 * Output: bf_tmpl_rt_put() appends to the output buffer with an inline
 * fast path; escaping scans for the five HTML specials with a table.
 */
#ifndef BF_SHARED_TMPL_RT_H
#define BF_SHARED_TMPL_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/tmpl/ast.h"
#include "shared/tmpl/error.h"
#include "shared/tmpl/profile.h"
#include "shared/tmpl/value.h"

typedef struct bf_tmpl_env bf_tmpl_env_t;
typedef struct bf_tmpl_cache bf_tmpl_cache_t;

#define BF_TMPL_MAX_INCLUDE_DEPTH 50
#define BF_TMPL_MAX_CALL_DEPTH 500

/* Names set at a template's top level, and where to look next. */
typedef struct bf_tctx {
    bf_tv_map_t *vars;            /* NULL until the first assignment */
    const struct bf_tctx *parent; /* outer context (include with context) */
    bf_tv_t root;                 /* the caller's variables, or UNDEF */
} bf_tctx_t;

/* The inheritance chain of one template render, most derived first. */
typedef struct bf_tlink {
    const bf_tmpl_t *tmpl;
    struct bf_tlink *next;
} bf_tlink_t;

typedef struct bf_tframe {
    bf_tv_t *slots;
    struct bf_tframe *up; /* lexical parent (closures) */
    bf_tctx_t *ctx;
    const bf_tmpl_t *tmpl;     /* template of the code running */
    bf_tlink_t *chain;         /* blocks are looked up here; NULL: own */
    const bf_tlink_t *block_at; /* link of the block being rendered (super) */
    const bf_tn_t *block;      /* that block */
    size_t extended_at;        /* output length at "extends" */
    const bf_tmpl_t *parent_tmpl; /* set by "extends" */
} bf_tframe_t;

struct bf_tmpl_rt {
    const bf_tmpl_env_t *env;
    bf_arena_t *arena;
    bf_buf_t *out;
    bf_tmpl_cache_t *cache;
    void (*cache_note)(void *arg, const char *key, size_t klen, int stage);
    void *cache_note_arg;
    bf_tmpl_profile_t *prof; /* NULL unless --profile-templates */
    const bf_tmpl_t *cur; /* template whose code is running */
    bf_tmpl_diag_t *diag;

    int include_depth;
    const bf_tmpl_t *include_stack[BF_TMPL_MAX_INCLUDE_DEPTH + 1];
    int call_depth;
    const char *stack_base;
    size_t stack_limit;
    uint64_t steps, max_steps;
    size_t max_output;

    bool failed;
    bool located;
    const bf_tmpl_t *err_tmpl;
    uint32_t err_line, err_col;
    char err[768];
    char note[512]; /* "t.html:3:1: note: included from here" lines */
    int nnotes;

    bool autoescape;         /* of the filter being called */
    const bf_tv_t *pipe_in;  /* input of a filter chain whose first filter has no input */
};

/* Records an error (first one wins); -1 for "return bf_tmpl_rt_error()". */
int bf_tmpl_rt_error(bf_tmpl_rt_t *rt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records an error at node n of the running template. */
int bf_tmpl_rt_error_at(bf_tmpl_rt_t *rt, const bf_tn_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Gives the pending error a position if it has none yet. */
void bf_tmpl_rt_locate(bf_tmpl_rt_t *rt, const bf_tn_t *n);
/* The error for using an undefined value (v.u.undef says where). */
int bf_tmpl_rt_undefined(bf_tmpl_rt_t *rt, bf_tv_t v);
/* Out of memory in the render arena or output. */
int bf_tmpl_rt_oom(bf_tmpl_rt_t *rt);
/* After a failed include or call at n: adds "where: note: <what> from
 * here" to the error, unless the error is at n itself (4 notes at most). */
void bf_tmpl_rt_note(bf_tmpl_rt_t *rt, const bf_tn_t *n, const char *what);
/* Stack and call depth check before a call; -1 with an error if too deep. */
int bf_tmpl_rt_enter(bf_tmpl_rt_t *rt, const bf_tn_t *n);
static inline void bf_tmpl_rt_leave(bf_tmpl_rt_t *rt)
{
    rt->call_depth--;
}

bf_arena_t *bf_tmpl_rt_arena(bf_tmpl_rt_t *rt);

/* Profiling: "tmpl:name" entries (blocks, macros) and plain ones. */
void bf_tmpl_rt_prof(bf_tmpl_rt_t *rt, char kind, const bf_tmpl_t *t, const char *name,
                     uint64_t start);

int bf_tmpl_rt_grow(bf_tmpl_rt_t *rt, size_t n);
static inline int bf_tmpl_rt_put(bf_tmpl_rt_t *rt, const char *p, size_t n)
{
    bf_buf_t *b = rt->out;
    if (b->cap - b->len < n && bf_tmpl_rt_grow(rt, n) < 0)
        return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}
int bf_tmpl_rt_put_escaped(bf_tmpl_rt_t *rt, const char *p, size_t n);
/* Prints v (escaping it when esc and v is not markup). */
int bf_tmpl_rt_emit(bf_tmpl_rt_t *rt, bf_tv_t v, bool esc);

/* str(v) as a STR in the arena (STR values come back as they are, with
 * their SAFE flag).  Undefined is an error. */
int bf_tmpl_rt_to_str(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t *out);
/* Appends str(v) / repr(v) to b. */
int bf_tmpl_rt_put_str(bf_tmpl_rt_t *rt, bf_buf_t *b, bf_tv_t v, bool repr);
/* HTML-escaped copy of s as SAFE markup. */
int bf_tmpl_rt_escape(bf_tmpl_rt_t *rt, bf_tv_t s, bf_tv_t *out);

/* Fresh frame of n slots, all unassigned. */
bf_tframe_t *bf_tmpl_frame_new(bf_tmpl_rt_t *rt, uint32_t nslots);
/* Context lookup of a name: context chain, caller's root, globals.  1, 0
 * when absent, -1 error. */
int bf_tmpl_ctx_lookup(bf_tmpl_rt_t *rt, const bf_tctx_t *ctx, const bf_tmpl_name_t *name,
                       bf_tv_t *out);
int bf_tmpl_ctx_set(bf_tmpl_rt_t *rt, bf_tctx_t *ctx, const char *name, size_t len, bf_tv_t v);

#endif
