/*
 * shared/tmpl/exec.c - statements (see exec.h).
 *
 * Captured output (macro results, {% set %} blocks, filter blocks, cache
 * fragments) is rendered at the end of the output buffer and then copied
 * into the arena and cut off, so there is never a second buffer to
 * manage.  "{{ m() }}" of a macro skips that copy: the macro writes in
 * place (bf_tmpl_eval_call with direct).
 */
#include "shared/tmpl/exec.h"

#include <stdio.h>

#include "shared/tmpl/access.h"
#include "shared/tmpl/cache.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/eval.h"

/* Copies out[mark..] into the arena as a string and cuts it off. */
static int take_output(bf_tmpl_rt_t *rt, size_t mark, bool safe, bf_tv_t *out)
{
    bf_buf_t *b = rt->out;
    size_t n = b->len - mark;
    if (bf_tv_str_dup(rt->arena, b->data ? b->data + mark : "", n, out) < 0)
        return bf_tmpl_rt_oom(rt);
    if (safe)
        out->flags = BF_TV_F_SAFE;
    bf_buf_truncate(b, mark);
    return 0;
}

static const bf_tn_t *find_block(const bf_tmpl_t *t, const bf_tmpl_name_t *name)
{
    for (size_t i = 0; i < t->nblocks; i++) {
        const bf_tn_t *b = t->blocks[i];
        if (b->name.len == name->len && memcmp(b->name.s, name->s, name->len) == 0)
            return b;
    }
    return NULL;
}

/* Renders block impl (found at link) from a frame of its chain. */
static int render_block(bf_tmpl_rt_t *rt, bf_tframe_t *from, const bf_tn_t *impl,
                        const bf_tlink_t *link, const bf_tn_t *at)
{
    const bf_tfn_t *fn = impl->ext;
    if (!fn)
        return 0;
    if (bf_tmpl_rt_enter(rt, at) < 0)
        return -1;
    bf_tframe_t *f = bf_tmpl_frame_new(rt, fn->nslots);
    if (!f)
        return bf_tmpl_rt_oom(rt);
    f->ctx = from->ctx;
    f->tmpl = fn->tmpl;
    f->chain = from->chain;
    f->block_at = link;
    f->block = impl;
    const bf_tcapture_t *cap = at->ext2;
    if ((at->flags & BF_NF_SCOPED) && cap) {
        /* scoped: the locals at the block's site become names. */
        bf_tctx_t *c = bf_arena_zalloc(rt->arena, sizeof *c);
        if (!c)
            return bf_tmpl_rt_oom(rt);
        c->parent = from->ctx;
        c->root = bf_tv_undef(NULL);
        for (size_t i = 0; i < cap->n; i++) {
            bf_tv_t v;
            if (bf_tmpl_eval(rt, from, cap->names[i], &v) < 0)
                return -1;
            if (v.kind != BF_TV_UNDEF &&
                bf_tmpl_ctx_set(rt, c, cap->names[i]->name.s, cap->names[i]->name.len, v) < 0)
                return -1;
        }
        f->ctx = c;
    }
    const bf_tmpl_t *saved = rt->cur;
    rt->cur = fn->tmpl;
    uint64_t t0 = rt->prof ? bf_tmpl_profile_now() : 0;
    int r = bf_tmpl_exec(rt, f, fn->body);
    if (rt->prof)
        bf_tmpl_rt_prof(rt, BF_TPROF_BLOCK, fn->tmpl, fn->name, t0);
    rt->cur = saved;
    bf_tmpl_rt_leave(rt);
    return r < 0 ? -1 : 0;
}

static int exec_block(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n)
{
    if (f->parent_tmpl)
        return 0; /* after extends: the parent decides what renders */
    const bf_tn_t *impl = n;
    const bf_tlink_t *at = NULL;
    for (const bf_tlink_t *l = f->chain; l; l = l->next) {
        const bf_tn_t *b = find_block(l->tmpl, &n->name);
        if (b) {
            impl = b;
            at = l;
            break;
        }
    }
    if (impl->flags & BF_NF_REQUIRED)
        return bf_tmpl_rt_error_at(rt, n, "required block \"%.*s\" is not defined",
                                   (int)n->name.len, n->name.s);
    return render_block(rt, f, impl, at, n);
}

/* The most derived definition of a block along f's chain (or f's own
 * template's when f has no chain), and the link it was found at. */
static const bf_tn_t *lookup_block(const bf_tframe_t *f, const bf_tmpl_name_t *name,
                                   const bf_tlink_t **at)
{
    *at = NULL;
    for (const bf_tlink_t *l = f->chain; l; l = l->next) {
        const bf_tn_t *b = find_block(l->tmpl, name);
        if (b) {
            *at = l;
            return b;
        }
    }
    return f->chain || !f->tmpl ? NULL : find_block(f->tmpl, name);
}

bool bf_tmpl_has_block(const bf_tframe_t *f, const bf_tmpl_name_t *name)
{
    const bf_tlink_t *at;
    return lookup_block(f, name, &at) != NULL;
}

int bf_tmpl_self_block(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tmpl_name_t *name,
                       bf_tv_t *out)
{
    const bf_tlink_t *at;
    const bf_tn_t *impl = lookup_block(f, name, &at);
    if (!impl)
        return bf_tmpl_rt_error(rt, "no block \"%.*s\"", (int)name->len, name->s);
    size_t mark = rt->out->len;
    if (render_block(rt, f, impl, at, impl) < 0)
        return -1;
    return take_output(rt, mark, ((const bf_tfn_t *)impl->ext)->autoescape, out);
}

int bf_tmpl_super(bf_tmpl_rt_t *rt, bf_tframe_t *f, bf_tv_t *out, bool direct,
                  const bf_tn_t *at)
{
    const bf_tn_t *cur = f->block;
    const bf_tn_t *impl = NULL;
    const bf_tlink_t *l = f->block_at ? f->block_at->next : NULL;
    for (; l; l = l->next) {
        impl = find_block(l->tmpl, &cur->name);
        if (impl)
            break;
    }
    if (!impl)
        return bf_tmpl_rt_error_at(rt, at, "no parent block \"%.*s\" for super()",
                                   (int)cur->name.len, cur->name.s);
    size_t mark = rt->out->len;
    bf_tframe_t from = *f;
    if (render_block(rt, &from, impl, l, at) < 0)
        return -1;
    if (direct) {
        *out = bf_tv_absent();
        return 0;
    }
    return take_output(rt, mark, ((const bf_tfn_t *)impl->ext)->autoescape, out);
}

static int include_chain_error(bf_tmpl_rt_t *rt, const bf_tn_t *n, const bf_tmpl_t *t)
{
    /* The includers so far, then the current template, then t. */
    const bf_tmpl_t *chain[BF_TMPL_MAX_INCLUDE_DEPTH + 2];
    int d = 0;
    for (int i = 0; i < rt->include_depth; i++)
        chain[d++] = rt->include_stack[i];
    chain[d++] = rt->cur;
    /* Show the repeating part when there is one, else the last few. */
    int from = -1;
    for (int i = d - 1; i >= 0 && from < 0; i--) {
        if (chain[i] == t)
            from = i;
    }
    bool cycle = from >= 0;
    if (!cycle || d - from > 8)
        from = d > 8 ? d - 8 : 0;
    char text[600];
    size_t len = 0;
    for (int i = from; i < d && len < sizeof text; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "\"%s\" -> ", chain[i]->name);
    if (len < sizeof text)
        snprintf(text + len, sizeof text - len, "\"%s\"", t->name);
    rt->nnotes = 4; /* the chain is in the message */
    return bf_tmpl_rt_error_at(rt, n, "%s (include depth limit %d): %s",
                               cycle ? "include cycle" : "includes nested too deeply",
                               BF_TMPL_MAX_INCLUDE_DEPTH, text);
}

/* The template named by n->a: literal (resolved) or evaluated. */
static int target_template(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n,
                           const bf_tmpl_t **out)
{
    *out = n->ext;
    if (*out)
        return 0;
    bf_tv_t name;
    if (bf_tmpl_eval(rt, f, n->a, &name) < 0)
        return -1;
    if (name.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, name);
    const bf_tv_t *names = &name;
    size_t cnt = 1;
    if (name.kind == BF_TV_LIST || name.kind == BF_TV_TREE) { /* first that exists */
        if (bf_tmpl_iter(rt, name, &names, &cnt) < 0)
            return -1;
    }
    for (size_t i = 0; i < cnt; i++) {
        if (names[i].kind != BF_TV_STR)
            return bf_tmpl_rt_error_at(rt, n->a, "a template name must be a string, not %s",
                                       bf_tv_type_name(names[i]));
        *out = bf_tmpl_env_get(rt->env, names[i].u.s, names[i].aux);
        if (*out && !bf_tmpl_ok(*out))
            return bf_tmpl_rt_error_at(rt, n->a, "template \"%s\" has errors", (*out)->name);
        if (*out)
            return 0;
    }
    if (n->flags & BF_NF_IGNORE_MISSING)
        return 0;
    if (cnt == 1)
        return bf_tmpl_rt_error_at(rt, n->a, "template \"%.*s\" not found", (int)names[0].aux,
                                   names[0].u.s);
    return bf_tmpl_rt_error_at(rt, n->a, "none of the templates was found");
}

static int exec_include(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n)
{
    const bf_tmpl_t *t;
    if (target_template(rt, f, n, &t) < 0)
        return -1;
    if (!t)
        return 0;
    if (rt->include_depth >= BF_TMPL_MAX_INCLUDE_DEPTH)
        return include_chain_error(rt, n, t);
    bf_tctx_t *c = bf_arena_zalloc(rt->arena, sizeof *c);
    if (!c)
        return bf_tmpl_rt_oom(rt);
    c->root = bf_tv_undef(NULL);
    if (n->flags & BF_NF_WITH_CONTEXT) {
        c->parent = f->ctx;
        const bf_tcapture_t *cap = n->ext2;
        for (size_t i = 0; cap && i < cap->n; i++) {
            bf_tv_t v;
            if (bf_tmpl_eval(rt, f, cap->names[i], &v) < 0)
                return -1;
            if (v.kind != BF_TV_UNDEF &&
                bf_tmpl_ctx_set(rt, c, cap->names[i]->name.s, cap->names[i]->name.len, v) < 0)
                return -1;
        }
    }
    if (bf_tmpl_rt_enter(rt, n) < 0)
        return -1;
    if (rt->prof)
        bf_tmpl_rt_prof(rt, BF_TPROF_INCLUDE, t, NULL, 0);
    rt->include_stack[rt->include_depth++] = rt->cur;
    int r = bf_tmpl_run(rt, t, c);
    rt->include_depth--;
    bf_tmpl_rt_leave(rt);
    if (r < 0)
        bf_tmpl_rt_note(rt, n, "included");
    return r;
}

/* Runs t for import: a module object over its context. */
static int import_module(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tmodule_t **out)
{
    const bf_tmpl_t *t;
    if (target_template(rt, f, n, &t) < 0 || !t)
        return -1;
    bf_tctx_t *c = bf_arena_zalloc(rt->arena, sizeof *c);
    bf_tmodule_t *m = bf_arena_zalloc(rt->arena, sizeof *m);
    if (!c || !m)
        return bf_tmpl_rt_oom(rt);
    c->root = bf_tv_undef(NULL);
    if (n->flags & BF_NF_WITH_CONTEXT)
        c->parent = f->ctx;
    if (rt->include_depth >= BF_TMPL_MAX_INCLUDE_DEPTH)
        return include_chain_error(rt, n, t);
    if (bf_tmpl_rt_enter(rt, n) < 0)
        return -1;
    size_t mark = rt->out->len;
    rt->include_stack[rt->include_depth++] = rt->cur;
    int r = bf_tmpl_run(rt, t, c);
    rt->include_depth--;
    bf_tmpl_rt_leave(rt);
    if (r < 0) {
        bf_tmpl_rt_note(rt, n, "imported");
        return -1;
    }
    bf_buf_truncate(rt->out, mark);
    m->hdr.cls = &bf_tmpl_module_class;
    m->tmpl = t;
    m->ctx = c;
    *out = m;
    return 0;
}

static int exec_import(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n)
{
    bf_tmodule_t *m = NULL;
    if (import_module(rt, f, n, &m) < 0 || !m)
        return -1;
    if (n->kind == BF_N_IMPORT)
        return bf_tmpl_assign(rt, f, n->b, bf_tv_obj(&m->hdr, 0));
    for (const bf_tn_t *p = n->b; p; p = p->next) {
        bf_tv_t *v = m->ctx->vars ? bf_tv_map_get_str(m->ctx->vars, p->a->name.s, p->a->name.len)
                                  : NULL;
        if (!v)
            return bf_tmpl_rt_error_at(rt, p, "template \"%s\" does not export \"%.*s\"",
                                       m->tmpl->name, (int)p->a->name.len, p->a->name.s);
        if (bf_tmpl_assign(rt, f, p->b, *v) < 0)
            return -1;
    }
    return 0;
}

int bf_tmpl_call_macro(bf_tmpl_rt_t *rt, const bf_tmacro_t *m, const bf_tmpl_args_t *a,
                       bf_tv_t *out, bool direct, const bf_tn_t *at)
{
    const bf_tfn_t *fn = m->fn;
    if (bf_tmpl_rt_enter(rt, at) < 0)
        return -1;
    bf_tframe_t *f = bf_tmpl_frame_new(rt, fn->nslots);
    bf_tv_list_t *varargs = bf_tv_list_new(rt->arena, 0);
    bf_tv_map_t *kwargs = bf_tv_map_new(rt->arena, 0);
    if (!f || !varargs || !kwargs)
        return bf_tmpl_rt_oom(rt);
    f->up = m->closure;
    f->ctx = m->ctx;
    f->tmpl = fn->tmpl;
    const bf_tn_t *p = fn->params;
    for (size_t i = 0; i < a->npos; i++) {
        if (p) {
            f->slots[p->slot] = a->pos[i];
            p = p->next;
        } else if (fn->flags & BF_FN_VARARGS) {
            if (bf_tv_list_push(rt->arena, varargs, a->pos[i]) < 0)
                return bf_tmpl_rt_oom(rt);
        } else {
            return bf_tmpl_rt_error_at(rt, at, "\"%s\" takes at most %u argument%s, %zu given",
                                       fn->name, fn->nparams, fn->nparams == 1 ? "" : "s",
                                       a->npos);
        }
    }
    for (size_t i = 0; i < a->nkw; i++) {
        const bf_tmpl_name_t *k = &a->kw_names[i];
        if (k->len == 6 && memcmp(k->s, "caller", 6) == 0) {
            f->slots[0] = a->kw[i];
            continue;
        }
        const bf_tn_t *q = fn->params;
        for (; q; q = q->next) {
            if (q->name.len == k->len && memcmp(q->name.s, k->s, k->len) == 0)
                break;
        }
        if (q) {
            if (!bf_tv_is_absent(f->slots[q->slot]))
                return bf_tmpl_rt_error_at(rt, at, "\"%s\" got argument \"%.*s\" twice",
                                           fn->name, (int)k->len, k->s);
            f->slots[q->slot] = a->kw[i];
        } else if (fn->flags & BF_FN_KWARGS) {
            if (bf_tv_map_set(rt->arena, kwargs, bf_tv_str(k->s, k->len), a->kw[i]) < 0)
                return bf_tmpl_rt_oom(rt);
        } else {
            return bf_tmpl_rt_error_at(rt, at, "\"%s\" has no argument \"%.*s\"", fn->name,
                                       (int)k->len, k->s);
        }
    }
    f->slots[1] = bf_tv_list(varargs);
    f->slots[1].flags = BF_TV_F_TUPLE;
    f->slots[2] = bf_tv_map(kwargs);
    const bf_tmpl_t *saved = rt->cur;
    rt->cur = fn->tmpl;
    for (const bf_tn_t *q = fn->params; q; q = q->next) {
        if (!bf_tv_is_absent(f->slots[q->slot]))
            continue;
        if (q->a) {
            if (bf_tmpl_eval(rt, f, q->a, &f->slots[q->slot]) < 0) {
                rt->cur = saved;
                return -1;
            }
        } else {
            f->slots[q->slot] = bf_tv_undef(q);
        }
    }
    size_t mark = rt->out->len;
    uint64_t t0 = rt->prof ? bf_tmpl_profile_now() : 0;
    int r = bf_tmpl_exec(rt, f, fn->body);
    if (rt->prof)
        bf_tmpl_rt_prof(rt, BF_TPROF_MACRO, fn->tmpl, fn->name, t0);
    rt->cur = saved;
    bf_tmpl_rt_leave(rt);
    if (r < 0) {
        bf_tmpl_rt_note(rt, at, "called");
        return -1;
    }
    if (direct) {
        *out = bf_tv_absent();
        return 0;
    }
    return take_output(rt, mark, fn->autoescape, out);
}

/* Iterations of a for statement over items (also loop() recursion). */
static int run_loop(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n, bf_tv_t seq, int depth0)
{
    const bf_tv_t *items;
    size_t cnt;
    if (seq.kind == BF_TV_UNDEF)
        return bf_tmpl_rt_undefined(rt, seq);
    if (bf_tmpl_iter(rt, seq, &items, &cnt) < 0) {
        bf_tmpl_rt_locate(rt, n->b);
        return -1;
    }
    if (n->c) { /* for x in xs if cond: filter first, so loop.length counts */
        bf_tv_t *kept = bf_arena_alloc(rt->arena, (cnt ? cnt : 1) * sizeof *kept);
        if (!kept)
            return bf_tmpl_rt_oom(rt);
        size_t k = 0;
        for (size_t i = 0; i < cnt; i++) {
            for (uint32_t s = n->slot0; s < n->slot1; s++)
                f->slots[s] = bf_tv_absent();
            bf_tv_t c;
            bool t;
            if (bf_tmpl_assign(rt, f, n->a, items[i]) < 0 || bf_tmpl_eval(rt, f, n->c, &c) < 0 ||
                bf_tmpl_truth(rt, c, &t) < 0)
                return -1;
            if (t)
                kept[k++] = items[i];
        }
        items = kept;
        cnt = k;
    }
    bf_tloop_t *loop = NULL;
    if (n->flags & (BF_NF_USES_LOOP | BF_NF_RECURSIVE)) {
        loop = bf_arena_zalloc(rt->arena, sizeof *loop);
        if (!loop)
            return bf_tmpl_rt_oom(rt);
        loop->hdr.cls = &bf_tmpl_loop_class;
        loop->items = items;
        loop->n = cnt;
        loop->depth0 = depth0;
        loop->node = n;
        loop->frame = f;
    }
    for (size_t i = 0; i < cnt; i++) {
        if (rt->max_steps && ++rt->steps > rt->max_steps)
            return bf_tmpl_rt_error_at(rt, n, "template takes too long (more than %llu steps)",
                                       (unsigned long long)rt->max_steps);
        for (uint32_t s = n->slot0; s < n->slot1; s++)
            f->slots[s] = bf_tv_absent();
        if (bf_tmpl_assign(rt, f, n->a, items[i]) < 0)
            return -1;
        if (loop) {
            loop->i = i;
            f->slots[n->slot] = bf_tv_obj(&loop->hdr, 0);
        }
        int r = bf_tmpl_exec(rt, f, n->body);
        if (r < 0)
            return -1;
        if (r == BF_X_BREAK)
            break;
    }
    if (cnt == 0 && n->orelse)
        return bf_tmpl_exec(rt, f, n->orelse);
    return 0;
}

int bf_tmpl_loop_recurse(bf_tmpl_rt_t *rt, bf_tloop_t *l, bf_tv_t items, bf_tv_t *out)
{
    const bf_tn_t *n = l->node;
    if (!(n->flags & BF_NF_RECURSIVE))
        return bf_tmpl_rt_error(rt, "loop() needs a \"recursive\" for loop");
    if (bf_tmpl_rt_enter(rt, n) < 0)
        return -1;
    /* The body's slots belong to the running iteration: keep them. */
    bf_tframe_t *f = l->frame;
    uint32_t from = (uint32_t)n->slot, count = n->slot1 - from;
    bf_tv_t *saved = bf_arena_alloc(rt->arena, (count ? count : 1) * sizeof *saved);
    if (!saved)
        return bf_tmpl_rt_oom(rt);
    memcpy(saved, f->slots + from, count * sizeof *saved);
    size_t mark = rt->out->len;
    int r = run_loop(rt, f, n, items, l->depth0 + 1);
    memcpy(f->slots + from, saved, count * sizeof *saved);
    bf_tmpl_rt_leave(rt);
    if (r < 0)
        return -1;
    return take_output(rt, mark, n->flags & BF_NF_ESC, out);
}

static int apply_chain(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *chain, bf_tv_t in,
                       bf_tv_t *out)
{
    if (!chain) {
        *out = in;
        return 0;
    }
    const bf_tv_t *saved = rt->pipe_in;
    rt->pipe_in = &in;
    int r = bf_tmpl_eval(rt, f, chain, out);
    rt->pipe_in = saved;
    return r;
}

static int exec_cache(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *n)
{
    bf_tv_t key;
    if (bf_tmpl_eval(rt, f, n->a, &key) < 0 || bf_tmpl_rt_to_str(rt, key, &key) < 0) {
        bf_tmpl_rt_locate(rt, n->a);
        return -1;
    }
    const char *val;
    size_t vlen;
    if (!rt->cache)
        return bf_tmpl_exec(rt, f, n->body);
    if (bf_tmpl_cache_get(rt->cache, key.u.s, key.aux, &val, &vlen)) {
        if (rt->cache_note)
            rt->cache_note(rt->cache_note_arg, key.u.s, key.aux, BF_TMPL_CACHE_HIT);
        return bf_tmpl_rt_put(rt, val, vlen);
    }
    if (rt->cache_note)
        rt->cache_note(rt->cache_note_arg, key.u.s, key.aux, BF_TMPL_CACHE_MISS);
    size_t mark = rt->out->len;
    int r = bf_tmpl_exec(rt, f, n->body);
    size_t before = 0, after = 0;
    if (r == 0) {
        bf_tmpl_cache_stats(rt->cache, NULL, NULL, &before);
        bf_tmpl_cache_put(rt->cache, key.u.s, key.aux, rt->out->data + mark, rt->out->len - mark);
        bf_tmpl_cache_stats(rt->cache, NULL, NULL, &after);
    }
    if (rt->cache_note)
        rt->cache_note(rt->cache_note_arg, key.u.s, key.aux,
                       after > before ? BF_TMPL_CACHE_STORED : BF_TMPL_CACHE_UNSTORED);
    return r;
}

static __attribute__((noinline)) int exec_stmt(bf_tmpl_rt_t *rt, bf_tframe_t *f,
                                                const bf_tn_t *n)
{
    bf_tv_t v;
    bool t;
    int r;
    switch (n->kind) {
    case BF_N_OUTPUT:
        if (n->a->kind == BF_N_CALL) {
            if (bf_tmpl_eval_call(rt, f, n->a, &v, true, NULL, bf_tv_null()) < 0)
                return -1;
            if (bf_tv_is_absent(v))
                return 0;
        } else if (bf_tmpl_eval(rt, f, n->a, &v) < 0) {
            return -1;
        }
        if (v.kind == BF_TV_STR) { /* the common case, inline */
            if ((n->flags & BF_NF_ESC) && !(v.flags & BF_TV_F_SAFE))
                return bf_tmpl_rt_put_escaped(rt, v.u.s, v.aux);
            return bf_tmpl_rt_put(rt, v.u.s, v.aux);
        }
        if (bf_tmpl_rt_emit(rt, v, n->flags & BF_NF_ESC) < 0) {
            bf_tmpl_rt_locate(rt, n->a);
            return -1;
        }
        return 0;
    case BF_N_IF:
        if (bf_tmpl_eval(rt, f, n->a, &v) < 0 || bf_tmpl_truth(rt, v, &t) < 0)
            return -1;
        if (n->flags & BF_NF_NEG)
            t = !t;
        return bf_tmpl_exec(rt, f, t ? n->body : n->orelse);
    case BF_N_FOR:
        if (bf_tmpl_eval(rt, f, n->b, &v) < 0)
            return -1;
        return run_loop(rt, f, n, v, 0);
    case BF_N_SET:
        if (bf_tmpl_eval(rt, f, n->b, &v) < 0)
            return -1;
        return bf_tmpl_assign(rt, f, n->a, v);
    case BF_N_SETBLOCK:
    case BF_N_FILTERBLOCK: {
        size_t mark = rt->out->len;
        r = bf_tmpl_exec(rt, f, n->body);
        if (r < 0 || take_output(rt, mark, n->flags & BF_NF_ESC, &v) < 0 ||
            apply_chain(rt, f, n->c, v, &v) < 0)
            return -1;
        if (n->kind == BF_N_SETBLOCK) {
            if (bf_tmpl_assign(rt, f, n->a, v) < 0)
                return -1;
        } else if (bf_tmpl_rt_emit(rt, v, n->flags & BF_NF_ESC) < 0) {
            bf_tmpl_rt_locate(rt, n);
            return -1;
        }
        return r;
    }
    case BF_N_BLOCK:
        return exec_block(rt, f, n);
    case BF_N_EXTENDS: {
        const bf_tmpl_t *parent;
        if (f->parent_tmpl)
            return bf_tmpl_rt_error_at(rt, n, "template extends more than one template");
        if (target_template(rt, f, n, &parent) < 0)
            return -1;
        f->parent_tmpl = parent;
        f->extended_at = rt->out->len;
        return 0;
    }
    case BF_N_INCLUDE:
        return exec_include(rt, f, n);
    case BF_N_IMPORT:
    case BF_N_FROMIMPORT:
        return exec_import(rt, f, n);
    case BF_N_MACRO: {
        bf_tmacro_t *m = bf_arena_alloc(rt->arena, sizeof *m);
        if (!m)
            return bf_tmpl_rt_oom(rt);
        m->hdr.cls = &bf_tmpl_macro_class;
        m->fn = n->ext;
        m->closure = f;
        m->ctx = f->ctx;
        return bf_tmpl_assign(rt, f, n->a, bf_tv_obj(&m->hdr, 0));
    }
    case BF_N_CALLBLOCK: {
        bf_tmacro_t *m = bf_arena_alloc(rt->arena, sizeof *m);
        if (!m)
            return bf_tmpl_rt_oom(rt);
        m->hdr.cls = &bf_tmpl_macro_class;
        m->fn = n->ext;
        m->closure = f;
        m->ctx = f->ctx;
        static const bf_tmpl_name_t caller = {"caller", 6, 0};
        if (bf_tmpl_eval_call(rt, f, n->a, &v, true, &caller, bf_tv_obj(&m->hdr, 0)) < 0)
            return -1;
        if (bf_tv_is_absent(v))
            return 0;
        return bf_tmpl_rt_emit(rt, v, true);
    }
    case BF_N_WITH: {
        bf_tv_t vals[16];
        size_t cnt = 0;
        for (const bf_tn_t *x = n->b; x; x = x->next)
            cnt++;
        bf_tv_t *vp = cnt <= 16 ? vals : bf_arena_alloc(rt->arena, cnt * sizeof *vp);
        if (!vp)
            return bf_tmpl_rt_oom(rt);
        size_t i = 0;
        for (const bf_tn_t *x = n->b; x; x = x->next) {
            if (bf_tmpl_eval(rt, f, x->b, &vp[i++]) < 0)
                return -1;
        }
        for (uint32_t s = n->slot0; s < n->slot1; s++)
            f->slots[s] = bf_tv_absent();
        i = 0;
        for (const bf_tn_t *x = n->b; x; x = x->next) {
            if (bf_tmpl_assign(rt, f, x->a, vp[i++]) < 0)
                return -1;
        }
        return bf_tmpl_exec(rt, f, n->body);
    }
    case BF_N_CACHE:
        return exec_cache(rt, f, n);
    case BF_N_AUTOESCAPE:
        return bf_tmpl_exec(rt, f, n->body);
    case BF_N_BREAK:
        return BF_X_BREAK;
    case BF_N_CONTINUE:
        return BF_X_CONTINUE;
    case BF_N_DO:
        return bf_tmpl_eval(rt, f, n->a, &v);
    default:
        return bf_tmpl_rt_error_at(rt, n, "cannot execute this statement");
    }
}

/* The hot statements inline (text, plain output, if); the rest out of
 * line in exec_stmt, whose frame is large. */
int bf_tmpl_exec(bf_tmpl_rt_t *rt, bf_tframe_t *f, const bf_tn_t *body)
{
    for (const bf_tn_t *n = body; n; n = n->next) {
        int r;
        bf_tv_t v;
        bool t;
        switch (n->kind) {
        case BF_N_TEXT:
            r = bf_tmpl_rt_put(rt, n->lit.u.s, n->lit.aux);
            break;
        case BF_N_OUTPUT:
            if (n->a->kind == BF_N_CALL) {
                r = exec_stmt(rt, f, n);
                break;
            }
            if (bf_tmpl_eval(rt, f, n->a, &v) < 0)
                return -1;
            if (v.kind == BF_TV_STR) {
                if ((n->flags & BF_NF_ESC) && !(v.flags & BF_TV_F_SAFE))
                    r = bf_tmpl_rt_put_escaped(rt, v.u.s, v.aux);
                else
                    r = bf_tmpl_rt_put(rt, v.u.s, v.aux);
            } else if (bf_tmpl_rt_emit(rt, v, n->flags & BF_NF_ESC) < 0) {
                bf_tmpl_rt_locate(rt, n->a);
                return -1;
            } else {
                r = 0;
            }
            break;
        case BF_N_IF:
            if (bf_tmpl_eval(rt, f, n->a, &v) < 0 || bf_tmpl_truth(rt, v, &t) < 0)
                return -1;
            if (n->flags & BF_NF_NEG)
                t = !t;
            r = bf_tmpl_exec(rt, f, t ? n->body : n->orelse);
            break;
        default:
            r = exec_stmt(rt, f, n);
            break;
        }
        if (r != 0)
            return r;
    }
    return 0;
}

int bf_tmpl_run(bf_tmpl_rt_t *rt, const bf_tmpl_t *t, bf_tctx_t *ctx)
{
    const bf_tmpl_t *saved = rt->cur;
    bf_tlink_t *head = bf_arena_zalloc(rt->arena, sizeof *head);
    if (!head)
        return bf_tmpl_rt_oom(rt);
    head->tmpl = t;
    bf_tlink_t *tail = head;
    int r = 0, levels = 0;
    for (;;) {
        bf_tframe_t *f = bf_tmpl_frame_new(rt, t->root.nslots);
        if (!f) {
            r = bf_tmpl_rt_oom(rt);
            break;
        }
        f->ctx = ctx;
        f->tmpl = t;
        f->chain = head;
        rt->cur = t;
        uint64_t t0 = rt->prof ? bf_tmpl_profile_now() : 0;
        r = bf_tmpl_exec(rt, f, t->root.body);
        if (rt->prof)
            bf_tmpl_rt_prof(rt, BF_TPROF_TEMPLATE, t, NULL, t0);
        if (r < 0 || !f->parent_tmpl)
            break;
        bf_buf_truncate(rt->out, f->extended_at);
        if (++levels > BF_TMPL_MAX_INCLUDE_DEPTH) {
            r = bf_tmpl_rt_error_at(rt, t->extends ? t->extends : t->root.body,
                                    "template inheritance deeper than %d levels (a cycle?)",
                                    BF_TMPL_MAX_INCLUDE_DEPTH);
            break;
        }
        bf_tlink_t *l = bf_arena_zalloc(rt->arena, sizeof *l);
        if (!l) {
            r = bf_tmpl_rt_oom(rt);
            break;
        }
        l->tmpl = f->parent_tmpl;
        tail->next = l;
        tail = l;
        t = f->parent_tmpl;
    }
    rt->cur = saved;
    return r < 0 ? -1 : 0;
}
