/*
 * shared/tmpl/render.c - the render entry point (see render.h).
 */
#include "shared/tmpl/render.h"

#include <stdio.h>

#include "shared/tmpl/ast.h"
#include "shared/tmpl/exec.h"
#include "shared/tmpl/rt.h"

bf_tv_t bf_tmpl_context_from_value(const bf_value_t *map)
{
    if (!map || map->kind != BF_VAL_MAP)
        return bf_tv_undef(NULL);
    return bf_tv_from_value(map);
}

int bf_tmpl_render(const bf_tmpl_env_t *env, const bf_tmpl_t *t, const bf_tmpl_render_opts_t *o,
                   bf_buf_t *out)
{
    char base;
    bf_tmpl_diag_t diag = {.text = o->errors, .quiet = o->quiet};
    bf_tmpl_rt_t *rt = bf_arena_zalloc(o->arena, sizeof *rt);
    if (!rt) {
        bf_tmpl_diag_error(&diag, t->file, NULL, 0, 0, 0, "out of memory while rendering");
        return -1;
    }
    if (!t->ok) {
        bf_tmpl_diag_error(&diag, t->file, NULL, 0, 0, 0, "template has errors");
        return -1;
    }
    rt->env = env;
    rt->arena = o->arena;
    rt->out = out;
    rt->cache = o->cache;
    rt->cache_note = o->cache_note;
    rt->cache_note_arg = o->cache_note_arg;
    rt->prof = o->profile;
    rt->cur = t;
    rt->diag = &diag;
    rt->stack_base = &base;
    rt->stack_limit = o->stack_limit ? o->stack_limit : (size_t)2 << 20;
    rt->max_steps = o->max_steps;
    rt->max_output = o->max_output ? o->max_output : (size_t)1 << 30;
    /* Make room up front so that the first appends never grow. */
    if (out->cap - out->len < 16384 && bf_buf_grow(out, 16384) < 0) {
        bf_tmpl_diag_error(&diag, t->file, NULL, 0, 0, 0, "out of memory while rendering");
        return -1;
    }
    bf_tctx_t *ctx = bf_arena_zalloc(o->arena, sizeof *ctx);
    if (!ctx) {
        bf_tmpl_diag_error(&diag, t->file, NULL, 0, 0, 0, "out of memory while rendering");
        return -1;
    }
    ctx->root = o->context;
    if (bf_tmpl_run(rt, t, ctx) == 0)
        return 0;
    const bf_tmpl_t *et = rt->located && rt->err_tmpl ? rt->err_tmpl : t;
    if (rt->located)
        bf_tmpl_diag_error_notes(&diag, et->file, et->src, et->len, rt->err_line, rt->err_col,
                                 rt->note, "%s", rt->err);
    else
        bf_tmpl_diag_error(&diag, et->file, NULL, 0, 0, 0, "%s", rt->err);
    return -1;
}
