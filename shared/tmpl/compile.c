/*
 * shared/tmpl/compile.c - name resolution and binding (see compile.h).
 *
 * One walk over the tree in source order with a stack of scopes.  A scope
 * belongs to a function (root, block, macro, call body) whose frame holds
 * its slots; slots are never reused within a function, so the slots made
 * while compiling a loop body form one range [slot0, slot1) that the loop
 * resets each iteration.
 */
#include "shared/tmpl/compile.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef enum {
    SC_TOP,   /* the template's top level: the context */
    SC_FUNC,  /* top of a block, macro or call body */
    SC_LOCAL, /* for, with */
} sc_kind_t;

typedef struct binding {
    const char *s;
    uint32_t len;
    int32_t slot;
} binding_t;

typedef struct scope {
    sc_kind_t kind;
    struct scope *parent;
    bf_tfn_t *fn;
    bool closure;     /* SC_FUNC: sees the enclosing scopes (macros, calls) */
    bf_tn_t *for_node; /* SC_LOCAL of a for: the loop, for "loop" */
    binding_t *b;
    size_t n, cap;
} scope_t;

typedef struct {
    bf_arena_t *a;
    bf_tmpl_t *t;
    bf_tmpl_lookup_fn lookup;
    const void *env;
    bf_tmpl_diag_t *d;
    bool esc;       /* autoescape at this point */
    int loops;      /* loops open in the current function */
    int fn_depth;   /* functions open (0: root) */
    bool in_block;
    bool oom;
    bf_tn_t **blocks;
    size_t nblocks, cap_blocks;
    bf_tn_t **refs;
    size_t nrefs, cap_refs;
} comp_t;

static void error(comp_t *c, const bf_tn_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error(comp_t *c, const bf_tn_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bf_tmpl_diag_verror(c->d, c->t->file, c->t->src, c->t->len, n->line, n->col, fmt, ap);
    va_end(ap);
}

static bool push_ptr(comp_t *c, bf_tn_t ***arr, size_t *n, size_t *cap, bf_tn_t *x)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        bf_tn_t **na = bf_arena_alloc(c->a, nc * sizeof *na);
        if (!na) {
            c->oom = true;
            return false;
        }
        if (*n)
            memcpy(na, *arr, *n * sizeof *na);
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = x;
    return true;
}

static binding_t *find(const scope_t *s, const char *name, uint32_t len)
{
    for (size_t i = s->n; i-- > 0;) {
        if (s->b[i].len == len && memcmp(s->b[i].s, name, len) == 0)
            return &s->b[i];
    }
    return NULL;
}

/* The slot of name in scope s, made if new; -1 for SC_TOP or OOM. */
static int32_t declare(comp_t *c, scope_t *s, const char *name, uint32_t len)
{
    if (s->kind == SC_TOP)
        return -1;
    binding_t *b = find(s, name, len);
    if (b)
        return b->slot;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 8;
        binding_t *nb = bf_arena_alloc(c->a, nc * sizeof *nb);
        if (!nb) {
            c->oom = true;
            return -1;
        }
        if (s->n)
            memcpy(nb, s->b, s->n * sizeof *nb);
        s->b = nb;
        s->cap = nc;
    }
    b = &s->b[s->n++];
    b->s = name;
    b->len = len;
    b->slot = (int32_t)s->fn->nslots++;
    return b->slot;
}

static bool name_is(const bf_tmpl_name_t *n, const char *s)
{
    size_t l = strlen(s);
    return n->len == l && memcmp(n->s, s, l) == 0;
}

/* Resolves a load of n->name from scope s into n->slot/depth/ext. */
static void resolve_load(comp_t *c, scope_t *s, bf_tn_t *n)
{
    bf_tres_t *first = NULL, **tail = &first;
    uint16_t depth = 0;
    for (scope_t *sc = s; sc && sc->kind != SC_TOP; sc = sc->parent) {
        binding_t *b = find(sc, n->name.s, n->name.len);
        if (b) {
            bf_tres_t *r = bf_arena_zalloc(c->a, sizeof *r);
            if (!r) {
                c->oom = true;
                return;
            }
            r->slot = b->slot;
            r->depth = depth;
            *tail = r;
            tail = (bf_tres_t **)&r->outer;
            if (sc->for_node && name_is(&n->name, "loop"))
                sc->for_node->flags |= BF_NF_USES_LOOP;
            if (sc->kind == SC_FUNC && b->slot < BF_TMPL_MACRO_FIXED_SLOTS && sc->closure) {
                if (name_is(&n->name, "caller"))
                    sc->fn->flags |= BF_FN_CALLER;
                else if (name_is(&n->name, "varargs"))
                    sc->fn->flags |= BF_FN_VARARGS;
                else if (name_is(&n->name, "kwargs"))
                    sc->fn->flags |= BF_FN_KWARGS;
            }
        }
        if (sc->kind == SC_FUNC) {
            if (!sc->closure)
                break;
            depth++;
        }
    }
    if (!first) {
        n->slot = -1;
        return;
    }
    n->slot = first->slot;
    n->depth = first->depth;
    n->ext = first->outer;
}

/* Innermost scope that takes assignments. */
static scope_t *store_scope(scope_t *s)
{
    return s;
}

static void compile_expr(comp_t *c, scope_t *s, bf_tn_t *n);
static void compile_body(comp_t *c, scope_t *s, bf_tn_t *n);

static void declare_target(comp_t *c, scope_t *s, bf_tn_t *t, bool let)
{
    if (!t)
        return;
    if (t->kind == BF_N_NAME) {
        t->slot = let ? -1 : declare(c, store_scope(s), t->name.s, t->name.len);
        t->depth = 0;
    } else if (t->kind == BF_N_TUPLE) {
        for (bf_tn_t *x = t->a; x; x = x->next)
            declare_target(c, s, x, let);
    } else if (t->kind == BF_N_GETATTR) {
        compile_expr(c, s, t->a); /* ns.attr: ns is read */
    }
}

/* Binds the arguments of a FILTER or TEST node to its parameters. */
static void bind_filter(comp_t *c, scope_t *s, bf_tn_t *n)
{
    bool test = n->kind == BF_N_TEST;
    if (n->a)
        compile_expr(c, s, n->a);
    for (bf_tn_t *x = n->b; x; x = x->next)
        compile_expr(c, s, x->kind == BF_N_KWARG ? x->a : x);
    if (c->esc)
        n->flags |= BF_NF_ESC;
    /* No name: the parser has reported the missing name ("{{ x| }}"); an
     * 'unknown filter ""' after it would say the same thing twice. */
    if (n->name.len == 0)
        return;
    const bf_tmpl_filter_t *f = c->lookup(c->env, n->name.s, n->name.len, test);
    if (!f) {
        error(c, n, "unknown %s \"%.*s\"", test ? "test" : "filter", (int)n->name.len, n->name.s);
        return;
    }
    bf_tmpl_params_t ps;
    bf_tmpl_params_parse(f->params, &ps);
    size_t npos = 0;
    for (bf_tn_t *x = n->b; x; x = x->next)
        npos += x->kind != BF_N_KWARG;
    size_t nvar = 0;
    if (npos > ps.pre_star) {
        if (!ps.star) {
            error(c, n, "%s \"%.*s\" takes at most %zu argument%s", test ? "test" : "filter",
                  (int)n->name.len, n->name.s, ps.pre_star, ps.pre_star == 1 ? "" : "s");
            return;
        }
        nvar = npos - ps.pre_star;
    }
    size_t argc = ps.n_named + nvar;
    bf_tn_t **argv = bf_arena_zalloc(c->a, (argc ? argc : 1) * sizeof *argv);
    if (!argv) {
        c->oom = true;
        return;
    }
    size_t pi = 0;
    for (bf_tn_t *x = n->b; x; x = x->next) {
        if (x->kind == BF_N_KWARG) {
            int k = bf_tmpl_params_index(f->params, x->name.s, x->name.len);
            if (k < 0) {
                error(c, x, "%s \"%.*s\" has no argument \"%.*s\"", test ? "test" : "filter",
                      (int)n->name.len, n->name.s, (int)x->name.len, x->name.s);
                return;
            }
            if (argv[k]) {
                error(c, x, "argument \"%.*s\" given twice", (int)x->name.len, x->name.s);
                return;
            }
            argv[k] = x->a;
        } else if (pi < ps.pre_star) {
            argv[pi++] = x;
        } else {
            argv[ps.n_named + (pi++ - ps.pre_star)] = x;
        }
    }
    n->argv = argv;
    n->argc = (uint16_t)argc;
    n->ext = f;
}

static void compile_expr(comp_t *c, scope_t *s, bf_tn_t *n)
{
    if (!n || c->oom)
        return;
    switch (n->kind) {
    case BF_N_LIT:
        return;
    case BF_N_NAME:
        resolve_load(c, s, n);
        return;
    case BF_N_FILTER:
    case BF_N_TEST:
        bind_filter(c, s, n);
        return;
    case BF_N_KWARG:
        compile_expr(c, s, n->a);
        return;
    case BF_N_LIST:
    case BF_N_TUPLE:
    case BF_N_DICT:
        for (bf_tn_t *x = n->a; x; x = x->next)
            compile_expr(c, s, x);
        return;
    case BF_N_CALL:
        compile_expr(c, s, n->a);
        for (bf_tn_t *x = n->b; x; x = x->next)
            compile_expr(c, s, x);
        return;
    case BF_N_CMP:
        compile_expr(c, s, n->a);
        for (bf_tn_t *x = n->b; x; x = x->next)
            compile_expr(c, s, x->a);
        return;
    case BF_N_BINOP:
        if (c->esc)
            n->flags |= BF_NF_ESC;
        /* fallthrough */
    default:
        compile_expr(c, s, n->a);
        compile_expr(c, s, n->b);
        compile_expr(c, s, n->c);
        return;
    }
}

static scope_t *new_scope(comp_t *c, scope_t *parent, sc_kind_t kind, bf_tfn_t *fn)
{
    scope_t *s = bf_arena_zalloc(c->a, sizeof *s);
    if (!s) {
        c->oom = true;
        return NULL;
    }
    s->kind = kind;
    s->parent = parent;
    s->fn = fn ? fn : parent->fn;
    return s;
}

/* A function body: block (closure false), macro or call body (true). */
static bf_tfn_t *compile_fn(comp_t *c, scope_t *s, bf_tn_t *n, bool closure, bool macro)
{
    bf_tfn_t *fn = bf_arena_zalloc(c->a, sizeof *fn);
    scope_t *fs = fn ? new_scope(c, s, SC_FUNC, fn) : NULL;
    if (!fs) {
        c->oom = true;
        return NULL;
    }
    fs->closure = closure;
    fn->tmpl = c->t;
    fn->name = n->name.len ? bf_arena_strndup(c->a, n->name.s, n->name.len)
                           : bf_arena_strdup(c->a, "caller");
    fn->body = n->body;
    fn->autoescape = c->esc;
    if (macro) {
        declare(c, fs, "caller", 6);
        declare(c, fs, "varargs", 7);
        declare(c, fs, "kwargs", 6);
        for (bf_tn_t *p = n->b; p; p = p->next) {
            binding_t *dup = find(fs, p->name.s, p->name.len);
            if (dup && dup->slot >= BF_TMPL_MACRO_FIXED_SLOTS)
                error(c, p, "duplicate parameter \"%.*s\"", (int)p->name.len, p->name.s);
            /* Defaults see the parameters before them. */
            compile_expr(c, fs, p->a);
            p->slot = declare(c, fs, p->name.s, p->name.len);
            fn->nparams++;
        }
        fn->params = n->b;
    }
    int saved_loops = c->loops;
    c->loops = 0;
    c->fn_depth++;
    compile_body(c, fs, n->body);
    c->fn_depth--;
    c->loops = saved_loops;
    return fn;
}

/* Locals visible from s, for includes and scoped blocks. */
static const bf_tcapture_t *capture(comp_t *c, scope_t *s)
{
    size_t count = 0;
    for (scope_t *sc = s; sc && sc->kind != SC_TOP; sc = sc->parent) {
        count += sc->n;
        if (sc->kind == SC_FUNC && !sc->closure)
            break;
    }
    if (!count)
        return NULL;
    bf_tcapture_t *cap = bf_arena_zalloc(c->a, sizeof *cap);
    const bf_tn_t **names = bf_arena_zalloc(c->a, count * sizeof *names);
    if (!cap || !names) {
        c->oom = true;
        return NULL;
    }
    /* Outermost first, so inner bindings overwrite outer ones. */
    scope_t *chain[256];
    size_t nchain = 0;
    for (scope_t *sc = s; sc && sc->kind != SC_TOP && nchain < 256; sc = sc->parent) {
        chain[nchain++] = sc;
        if (sc->kind == SC_FUNC && !sc->closure)
            break;
    }
    for (size_t k = nchain; k-- > 0;) {
        scope_t *sc = chain[k];
        for (size_t i = 0; i < sc->n; i++) {
            if (sc->kind == SC_FUNC && sc->b[i].slot < BF_TMPL_MACRO_FIXED_SLOTS && sc->closure)
                continue; /* caller, varargs, kwargs */
            bf_tn_t *nm = bf_arena_zalloc(c->a, sizeof *nm);
            if (!nm) {
                c->oom = true;
                return NULL;
            }
            nm->kind = BF_N_NAME;
            nm->name.s = sc->b[i].s;
            nm->name.len = sc->b[i].len;
            resolve_load(c, s, nm);
            names[cap->n++] = nm;
        }
    }
    cap->names = names;
    return cap;
}

static void compile_stmt(comp_t *c, scope_t *s, bf_tn_t *n)
{
    switch (n->kind) {
    case BF_N_TEXT:
        return;
    case BF_N_OUTPUT:
        if (c->esc)
            n->flags |= BF_NF_ESC;
        compile_expr(c, s, n->a);
        return;
    case BF_N_IF:
        compile_expr(c, s, n->a);
        compile_body(c, s, n->body);
        compile_body(c, s, n->orelse);
        return;
    case BF_N_FOR: {
        if (c->esc)
            n->flags |= BF_NF_ESC;
        compile_expr(c, s, n->b);
        scope_t *ls = new_scope(c, s, SC_LOCAL, NULL);
        if (!ls)
            return;
        ls->for_node = n;
        n->slot = declare(c, ls, "loop", 4);
        n->slot0 = ls->fn->nslots;
        declare_target(c, ls, n->a, false);
        compile_expr(c, ls, n->c);
        c->loops++;
        compile_body(c, ls, n->body);
        c->loops--;
        n->slot1 = ls->fn->nslots;
        compile_body(c, s, n->orelse);
        return;
    }
    case BF_N_SET:
        compile_expr(c, s, n->b);
        declare_target(c, s, n->a, n->flags & BF_NF_LET);
        return;
    case BF_N_SETBLOCK:
        if (c->esc)
            n->flags |= BF_NF_ESC;
        compile_body(c, s, n->body);
        compile_expr(c, s, n->c);
        declare_target(c, s, n->a, n->flags & BF_NF_LET);
        return;
    case BF_N_BLOCK: {
        for (size_t i = 0; i < c->nblocks; i++) {
            if (c->blocks[i]->name.len == n->name.len && n->name.len &&
                memcmp(c->blocks[i]->name.s, n->name.s, n->name.len) == 0) {
                error(c, n, "block \"%.*s\" defined twice (first at line %u)", (int)n->name.len,
                      n->name.s, c->blocks[i]->line);
                return;
            }
        }
        push_ptr(c, &c->blocks, &c->nblocks, &c->cap_blocks, n);
        if (n->flags & BF_NF_SCOPED)
            n->ext2 = capture(c, s);
        bool saved = c->in_block;
        c->in_block = true;
        n->ext = compile_fn(c, s, n, false, false);
        c->in_block = saved;
        return;
    }
    case BF_N_EXTENDS:
        if (c->fn_depth > 0 || s->kind != SC_TOP) {
            error(c, n, "\"extends\" must be at the top level of the template");
            return;
        }
        compile_expr(c, s, n->a);
        if (!c->t->extends)
            c->t->extends = n;
        goto ref;
    case BF_N_INCLUDE:
        compile_expr(c, s, n->a);
        n->ext2 = capture(c, s);
        goto ref;
    case BF_N_IMPORT:
        compile_expr(c, s, n->a);
        declare_target(c, s, n->b, false);
        goto ref;
    case BF_N_FROMIMPORT:
        compile_expr(c, s, n->a);
        for (bf_tn_t *p = n->b; p; p = p->next)
            declare_target(c, s, p->b, false);
        goto ref;
    case BF_N_MACRO:
        n->ext = compile_fn(c, s, n, true, true);
        declare_target(c, s, n->a, false);
        return;
    case BF_N_CALLBLOCK:
        compile_expr(c, s, n->a);
        n->ext = compile_fn(c, s, n, true, true);
        return;
    case BF_N_WITH: {
        for (bf_tn_t *x = n->b; x; x = x->next)
            compile_expr(c, s, x->b);
        scope_t *ws = new_scope(c, s, SC_LOCAL, NULL);
        if (!ws)
            return;
        n->slot0 = ws->fn->nslots;
        for (bf_tn_t *x = n->b; x; x = x->next)
            declare_target(c, ws, x->a, false);
        compile_body(c, ws, n->body);
        n->slot1 = ws->fn->nslots;
        return;
    }
    case BF_N_CACHE:
        compile_expr(c, s, n->a);
        compile_body(c, s, n->body);
        return;
    case BF_N_AUTOESCAPE: {
        bool saved = c->esc;
        if (!n->a || n->a->kind != BF_N_LIT || n->a->lit.kind != BF_TV_BOOL)
            error(c, n, "\"autoescape\" takes true or false");
        else
            c->esc = n->a->lit.u.b;
        compile_body(c, s, n->body);
        c->esc = saved;
        return;
    }
    case BF_N_FILTERBLOCK:
        if (c->esc)
            n->flags |= BF_NF_ESC;
        compile_body(c, s, n->body);
        compile_expr(c, s, n->c);
        return;
    case BF_N_BREAK:
    case BF_N_CONTINUE:
        if (c->loops == 0)
            error(c, n, "\"%s\" outside of a loop", n->kind == BF_N_BREAK ? "break" : "continue");
        return;
    case BF_N_DO:
        compile_expr(c, s, n->a);
        return;
    default:
        return;
    }
ref:
    if (n->a && n->a->kind == BF_N_LIT && n->a->lit.kind == BF_TV_STR)
        push_ptr(c, &c->refs, &c->nrefs, &c->cap_refs, n);
}

static void compile_body(comp_t *c, scope_t *s, bf_tn_t *n)
{
    for (; n && !c->oom; n = n->next)
        compile_stmt(c, s, n);
}

int bf_tmpl_compile(bf_arena_t *a, bf_tmpl_t *t, bf_tmpl_lookup_fn lookup, const void *env,
                    bf_tmpl_diag_t *d)
{
    comp_t c = {.a = a, .t = t, .lookup = lookup, .env = env, .d = d, .esc = t->autoescape};
    /* The root's own top level is the context: no slots.  Its statements
     * that are not under a condition are marked for cycle detection. */
    for (bf_tn_t *n = t->root.body; n; n = n->next) {
        if (n->kind == BF_N_INCLUDE || n->kind == BF_N_EXTENDS || n->kind == BF_N_IMPORT ||
            n->kind == BF_N_FROMIMPORT)
            n->flags |= BF_NF_TOPLEVEL;
    }
    scope_t top = {.kind = SC_TOP, .fn = &t->root};
    t->root.tmpl = t;
    t->root.autoescape = t->autoescape;
    compile_body(&c, &top, t->root.body);
    t->blocks = c.blocks;
    t->nblocks = c.nblocks;
    t->refs = c.refs;
    t->nrefs = c.nrefs;
    return c.oom ? -1 : 0;
}
