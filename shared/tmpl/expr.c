/*
 * shared/tmpl/expr.c - expression grammar (see expr.h for precedence).
 *
 * Recursive descent that follows Jinja's parser function by function
 * (parse_condexpr, parse_or ... parse_unary, parse_postfix,
 * parse_filter_expr), so operator binding matches Jinja exactly, e.g.
 * "-x|abs" is "(-x)|abs", "not a|f" is "not (a|f)", "1 + 2 ~ 3" is
 * "1 + (2 ~ 3)" and "**" is left-associative.
 */
#include "shared/tmpl/expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


void bf_p_next(bf_parser_t *p)
{
    int t = p->tk[p->i].type;
    if (t != BF_TK_EOF && t != BF_TK_BLOCK_END && t != BF_TK_VAR_END)
        p->i++;
}

bool bf_p_is_name(const bf_parser_t *p, const char *s)
{
    const bf_tok_t *t = bf_p_cur(p);
    size_t n = strlen(s);
    return t->type == BF_TK_NAME && t->len == n && memcmp(t->p, s, n) == 0;
}

bool bf_p_skip_name(bf_parser_t *p, const char *s)
{
    if (!bf_p_is_name(p, s))
        return false;
    bf_p_next(p);
    return true;
}

void bf_p_error(bf_parser_t *p, const bf_tok_t *tok, const char *fmt, ...)
{
    if (p->tag_err)
        return;
    p->tag_err = true;
    va_list ap;
    va_start(ap, fmt);
    bf_tmpl_diag_verror(p->d, p->t->file, p->t->src, p->t->len, tok->line, tok->col, fmt, ap);
    va_end(ap);
}

static void unexpected(bf_parser_t *p, const char *expected)
{
    const bf_tok_t *t = bf_p_cur(p);
    if (t->type == BF_TK_NAME)
        bf_p_error(p, t, "unexpected \"%.*s\"%s%s", (int)t->len, t->p,
                   expected ? ", expected " : "", expected ? expected : "");
    else if (t->type == BF_TK_STRING || t->type == BF_TK_INT || t->type == BF_TK_FLOAT)
        bf_p_error(p, t, "unexpected %s%s%s", bf_tmpl_tok_desc(t->type),
                   expected ? ", expected " : "", expected ? expected : "");
    else
        bf_p_error(p, t, "unexpected %s%s%s", bf_tmpl_tok_desc(t->type),
                   expected ? ", expected " : "", expected ? expected : "");
}

bool bf_p_expect(bf_parser_t *p, int type, const char *what)
{
    if (bf_p_cur(p)->type == type) {
        bf_p_next(p);
        return true;
    }
    unexpected(p, what ? what : bf_tmpl_tok_desc(type));
    return false;
}

bf_tn_t *bf_p_node(bf_parser_t *p, int kind, const bf_tok_t *at)
{
    bf_tn_t *n = bf_arena_zalloc(p->a, sizeof *n);
    if (!n) {
        p->oom = true;
        return NULL;
    }
    n->kind = (uint8_t)kind;
    n->line = at->line;
    n->col = at->col;
    n->slot = -1;
    return n;
}

bf_tn_t *bf_p_dummy(bf_parser_t *p, const bf_tok_t *at)
{
    bf_tn_t *n = bf_p_node(p, BF_N_LIT, at);
    if (n)
        n->lit = bf_tv_null();
    return n;
}

void bf_p_set_name(bf_tn_t *n, const char *s, size_t len)
{
    n->name.s = s;
    n->name.len = (uint32_t)len;
    n->name.hash = bf_tv_name_hash(s, len);
}

static bool tok_is_name(const bf_tok_t *t, const char *s)
{
    size_t n = strlen(s);
    return t->type == BF_TK_NAME && t->len == n && memcmp(t->p, s, n) == 0;
}

/* Ends of a tuple or expression list. */
static bool at_end(const bf_parser_t *p)
{
    int t = bf_p_cur(p)->type;
    return t == BF_TK_EOF || t == BF_TK_BLOCK_END || t == BF_TK_VAR_END || t == BF_TK_RPAREN ||
           t == BF_TK_ERROR;
}

static bf_tn_t *parse_unary(bf_parser_t *p, bool with_filter);
static bf_tn_t *parse_primary(bf_parser_t *p);

static bf_tn_t *binop(bf_parser_t *p, int kind, int op, const bf_tok_t *at, bf_tn_t *a,
                      bf_tn_t *b)
{
    bf_tn_t *n = bf_p_node(p, kind, at);
    if (!n)
        return NULL;
    n->op = (uint8_t)op;
    n->a = a;
    n->b = b;
    return n;
}

#define CHECK(x)            \
    do {                    \
        if (!(x))           \
            return NULL;    \
    } while (0)

static bf_tn_t *parse_pow(bf_parser_t *p)
{
    bf_tn_t *n = parse_unary(p, true);
    CHECK(n);
    while (bf_p_cur(p)->type == BF_TK_POW) {
        const bf_tok_t *at = bf_p_cur(p);
        bf_p_next(p);
        bf_tn_t *r = parse_unary(p, true);
        CHECK(r);
        n = binop(p, BF_N_BINOP, BF_OP_POW, at, n, r);
        CHECK(n);
    }
    return n;
}

static bf_tn_t *parse_math2(bf_parser_t *p)
{
    bf_tn_t *n = parse_pow(p);
    CHECK(n);
    for (;;) {
        const bf_tok_t *at = bf_p_cur(p);
        int op = at->type == BF_TK_MUL ? BF_OP_MUL : at->type == BF_TK_DIV ? BF_OP_DIV
               : at->type == BF_TK_FLOORDIV ? BF_OP_FLOORDIV : at->type == BF_TK_MOD ? BF_OP_MOD
               : 0;
        if (!op)
            return n;
        bf_p_next(p);
        bf_tn_t *r = parse_pow(p);
        CHECK(r);
        n = binop(p, BF_N_BINOP, op, at, n, r);
        CHECK(n);
    }
}

static bf_tn_t *parse_concat(bf_parser_t *p)
{
    bf_tn_t *n = parse_math2(p);
    CHECK(n);
    while (bf_p_cur(p)->type == BF_TK_TILDE) {
        const bf_tok_t *at = bf_p_cur(p);
        bf_p_next(p);
        bf_tn_t *r = parse_math2(p);
        CHECK(r);
        n = binop(p, BF_N_BINOP, BF_OP_CONCAT, at, n, r);
        CHECK(n);
    }
    return n;
}

static bf_tn_t *parse_math1(bf_parser_t *p)
{
    bf_tn_t *n = parse_concat(p);
    CHECK(n);
    for (;;) {
        const bf_tok_t *at = bf_p_cur(p);
        int op = at->type == BF_TK_ADD ? BF_OP_ADD : at->type == BF_TK_SUB ? BF_OP_SUB : 0;
        if (!op)
            return n;
        bf_p_next(p);
        bf_tn_t *r = parse_concat(p);
        CHECK(r);
        n = binop(p, BF_N_BINOP, op, at, n, r);
        CHECK(n);
    }
}

static bf_tn_t *parse_compare(bf_parser_t *p)
{
    bf_tn_t *n = parse_math1(p);
    CHECK(n);
    bf_tn_t *first = NULL, **tail = &first;
    for (;;) {
        const bf_tok_t *at = bf_p_cur(p);
        int op = 0;
        switch (at->type) {
        case BF_TK_EQ: op = BF_OP_EQ; break;
        case BF_TK_NE: op = BF_OP_NE; break;
        case BF_TK_LT: op = BF_OP_LT; break;
        case BF_TK_LE: op = BF_OP_LE; break;
        case BF_TK_GT: op = BF_OP_GT; break;
        case BF_TK_GE: op = BF_OP_GE; break;
        default: break;
        }
        if (op) {
            bf_p_next(p);
        } else if (tok_is_name(at, "in")) {
            op = BF_OP_IN;
            bf_p_next(p);
        } else if (tok_is_name(at, "not") && tok_is_name(bf_p_peek(p), "in")) {
            op = BF_OP_NOTIN;
            bf_p_next(p);
            bf_p_next(p);
        } else {
            break;
        }
        bf_tn_t *r = parse_math1(p);
        CHECK(r);
        bf_tn_t *c = binop(p, BF_N_CMPOP, op, at, r, NULL);
        CHECK(c);
        *tail = c;
        tail = &c->next;
    }
    if (!first)
        return n;
    bf_tn_t *c = bf_p_node(p, BF_N_CMP, bf_p_cur(p));
    CHECK(c);
    c->line = n->line;
    c->col = n->col;
    c->a = n;
    c->b = first;
    return c;
}

static bf_tn_t *parse_not(bf_parser_t *p)
{
    if (bf_p_is_name(p, "not")) {
        const bf_tok_t *at = bf_p_cur(p);
        bf_p_next(p);
        if (++p->depth > BF_TMPL_MAX_EXPR_DEPTH) {
            bf_p_error(p, at, "expression nested too deeply (limit %d)", BF_TMPL_MAX_EXPR_DEPTH);
            p->depth--;
            return bf_p_dummy(p, at);
        }
        bf_tn_t *a = parse_not(p);
        p->depth--;
        CHECK(a);
        return binop(p, BF_N_NOT, 0, at, a, NULL);
    }
    return parse_compare(p);
}

static bf_tn_t *parse_and(bf_parser_t *p)
{
    bf_tn_t *n = parse_not(p);
    CHECK(n);
    while (bf_p_is_name(p, "and")) {
        const bf_tok_t *at = bf_p_cur(p);
        bf_p_next(p);
        bf_tn_t *r = parse_not(p);
        CHECK(r);
        n = binop(p, BF_N_AND, 0, at, n, r);
        CHECK(n);
    }
    return n;
}

bf_tn_t *bf_p_or_expr(bf_parser_t *p)
{
    bf_tn_t *n = parse_and(p);
    CHECK(n);
    while (bf_p_is_name(p, "or")) {
        const bf_tok_t *at = bf_p_cur(p);
        bf_p_next(p);
        bf_tn_t *r = parse_and(p);
        CHECK(r);
        n = binop(p, BF_N_OR, 0, at, n, r);
        CHECK(n);
    }
    return n;
}

static bf_tn_t *parse_coalesce(bf_parser_t *p)
{
    bf_tn_t *n = bf_p_or_expr(p);
    CHECK(n);
    while (bf_p_cur(p)->type == BF_TK_COALESCE) {
        const bf_tok_t *at = bf_p_cur(p);
        bf_p_next(p);
        bf_tn_t *r = bf_p_or_expr(p);
        CHECK(r);
        n = binop(p, BF_N_COALESCE, 0, at, n, r);
        CHECK(n);
    }
    return n;
}

bf_tn_t *bf_p_expr(bf_parser_t *p)
{
    const bf_tok_t *start = bf_p_cur(p);
    if (++p->depth > BF_TMPL_MAX_EXPR_DEPTH) {
        bf_p_error(p, start, "expression nested too deeply (limit %d)", BF_TMPL_MAX_EXPR_DEPTH);
        p->depth--;
        /* Skip what is left of the tag so that recursion stops here. */
        while (!at_end(p))
            p->i++;
        return bf_p_dummy(p, start);
    }
    bf_tn_t *n = parse_coalesce(p);
    while (n && bf_p_is_name(p, "if")) {
        const bf_tok_t *at = bf_p_cur(p);
        bf_p_next(p);
        bf_tn_t *cond = parse_coalesce(p);
        bf_tn_t *other = NULL;
        if (cond && bf_p_skip_name(p, "else"))
            other = bf_p_expr(p);
        bf_tn_t *c = cond ? bf_p_node(p, BF_N_COND, at) : NULL;
        if (!c) {
            n = NULL;
            break;
        }
        c->a = n;
        c->b = cond;
        c->c = other;
        n = c;
    }
    p->depth--;
    return n;
}

bf_tn_t *bf_p_tuple(bf_parser_t *p, bool condexpr, const char *stop_name)
{
    const bf_tok_t *start = bf_p_cur(p);
    bf_tn_t *first = NULL, **tail = &first;
    bool comma = false;
    size_t count = 0;
    for (;;) {
        if (count && (at_end(p) || (stop_name && bf_p_is_name(p, stop_name))))
            break;
        bf_tn_t *e = condexpr ? bf_p_expr(p) : bf_p_or_expr(p);
        CHECK(e);
        *tail = e;
        tail = &e->next;
        count++;
        if (bf_p_cur(p)->type != BF_TK_COMMA)
            break;
        comma = true;
        bf_p_next(p);
    }
    if (!comma)
        return first;
    bf_tn_t *t = bf_p_node(p, BF_N_TUPLE, start);
    CHECK(t);
    t->a = first;
    return t;
}

bf_tn_t *bf_p_target(bf_parser_t *p, bool allow_tuple, bool allow_attr)
{
    const bf_tok_t *start = bf_p_cur(p);
    bool paren = false;
    if (allow_tuple && start->type == BF_TK_LPAREN) {
        paren = true;
        bf_p_next(p);
    }
    bf_tn_t *first = NULL, **tail = &first;
    size_t count = 0;
    for (;;) {
        const bf_tok_t *t = bf_p_cur(p);
        if (t->type != BF_TK_NAME) {
            unexpected(p, "a variable name");
            return bf_p_dummy(p, t);
        }
        bf_tn_t *n = bf_p_node(p, BF_N_NAME, t);
        CHECK(n);
        bf_p_set_name(n, t->p, t->len);
        bf_p_next(p);
        if (allow_attr && !count && bf_p_cur(p)->type == BF_TK_DOT) {
            bf_p_next(p);
            const bf_tok_t *at = bf_p_cur(p);
            if (at->type != BF_TK_NAME) {
                unexpected(p, "an attribute name");
                return bf_p_dummy(p, at);
            }
            bf_tn_t *g = bf_p_node(p, BF_N_GETATTR, at);
            CHECK(g);
            g->a = n;
            bf_p_set_name(g, at->p, at->len);
            bf_p_next(p);
            return g;
        }
        *tail = n;
        tail = &n->next;
        count++;
        if (!allow_tuple || bf_p_cur(p)->type != BF_TK_COMMA)
            break;
        bf_p_next(p);
        if (paren && bf_p_cur(p)->type == BF_TK_RPAREN)
            break;
    }
    if (paren)
        bf_p_expect(p, BF_TK_RPAREN, "')'");
    if (count == 1 && !paren)
        return first;
    bf_tn_t *t = bf_p_node(p, BF_N_TUPLE, start);
    CHECK(t);
    t->a = first;
    return t;
}

void bf_p_call_args(bf_parser_t *p, bf_tn_t **first)
{
    bf_tn_t **tail = first;
    *first = NULL;
    while (bf_p_cur(p)->type != BF_TK_RPAREN) {
        const bf_tok_t *t = bf_p_cur(p);
        if (t->type == BF_TK_MUL || t->type == BF_TK_POW) {
            bf_p_error(p, t, "\"*args\" and \"**kwargs\" in calls are not supported");
            return;
        }
        bf_tn_t *arg;
        if (t->type == BF_TK_NAME && bf_p_peek(p)->type == BF_TK_ASSIGN) {
            arg = bf_p_node(p, BF_N_KWARG, t);
            if (!arg)
                return;
            bf_p_set_name(arg, t->p, t->len);
            bf_p_next(p);
            bf_p_next(p);
            arg->a = bf_p_expr(p);
            if (!arg->a)
                return;
        } else {
            arg = bf_p_expr(p);
            if (!arg)
                return;
        }
        *tail = arg;
        tail = &arg->next;
        if (bf_p_cur(p)->type != BF_TK_COMMA)
            break;
        bf_p_next(p);
    }
    bf_p_expect(p, BF_TK_RPAREN, "',' or ')'");
}

/* name(.name)* for filters and tests; returns false after an error. */
static bool dotted_name(bf_parser_t *p, bf_tn_t *n)
{
    const bf_tok_t *t = bf_p_cur(p);
    if (t->type != BF_TK_NAME) {
        unexpected(p, "a name");
        return false;
    }
    const char *s = t->p;
    const char *e = t->p + t->len;
    bf_p_next(p);
    while (bf_p_cur(p)->type == BF_TK_DOT && bf_p_peek(p)->type == BF_TK_NAME) {
        bf_p_next(p);
        e = bf_p_cur(p)->p + bf_p_cur(p)->len;
        bf_p_next(p);
    }
    bf_p_set_name(n, s, (size_t)(e - s));
    return true;
}

static bf_tn_t *parse_filter(bf_parser_t *p, bf_tn_t *in)
{
    bf_tn_t *f = bf_p_node(p, BF_N_FILTER, bf_p_cur(p));
    CHECK(f);
    f->a = in;
    if (!dotted_name(p, f))
        return f;
    if (bf_p_cur(p)->type == BF_TK_LPAREN) {
        bf_p_next(p);
        bf_p_call_args(p, &f->b);
    }
    return f;
}

bf_tn_t *bf_p_filter_chain(bf_parser_t *p, bf_tn_t *in)
{
    bf_tn_t *n = parse_filter(p, in);
    while (n && bf_p_cur(p)->type == BF_TK_PIPE) {
        bf_p_next(p);
        n = parse_filter(p, n);
    }
    return n;
}

static bool starts_primary(const bf_parser_t *p)
{
    const bf_tok_t *t = bf_p_cur(p);
    switch (t->type) {
    case BF_TK_NAME:
        return !tok_is_name(t, "else") && !tok_is_name(t, "or") && !tok_is_name(t, "and");
    case BF_TK_STRING:
    case BF_TK_INT:
    case BF_TK_FLOAT:
    case BF_TK_LPAREN:
    case BF_TK_LBRACKET:
    case BF_TK_LBRACE:
        return true;
    default:
        return false;
    }
}

static bf_tn_t *parse_postfix(bf_parser_t *p, bf_tn_t *n);

static bf_tn_t *parse_test(bf_parser_t *p, bf_tn_t *in)
{
    const bf_tok_t *at = bf_p_cur(p);
    bf_p_next(p); /* is */
    bf_tn_t *t = bf_p_node(p, BF_N_TEST, at);
    CHECK(t);
    t->a = in;
    if (bf_p_skip_name(p, "not"))
        t->flags |= BF_NF_NEG;
    if (!dotted_name(p, t))
        return t;
    if (bf_p_cur(p)->type == BF_TK_LPAREN) {
        bf_p_next(p);
        t->flags |= BF_NF_FUNC;
        bf_p_call_args(p, &t->b);
    } else if (starts_primary(p)) {
        bf_tn_t *arg = parse_primary(p);
        CHECK(arg);
        t->b = parse_postfix(p, arg);
        CHECK(t->b);
    }
    return t;
}

static bf_tn_t *parse_filter_expr(bf_parser_t *p, bf_tn_t *n)
{
    for (;;) {
        const bf_tok_t *t = bf_p_cur(p);
        if (t->type == BF_TK_PIPE) {
            bf_p_next(p);
            n = parse_filter(p, n);
        } else if (tok_is_name(t, "is")) {
            n = parse_test(p, n);
        } else if (t->type == BF_TK_LPAREN) {
            bf_tn_t *c = bf_p_node(p, BF_N_CALL, t);
            CHECK(c);
            c->line = n->line; /* errors point at the callee */
            c->col = n->col;
            c->a = n;
            bf_p_next(p);
            bf_p_call_args(p, &c->b);
            n = c;
        } else {
            return n;
        }
        CHECK(n);
    }
}

static bf_tn_t *parse_subscript(bf_parser_t *p)
{
    const bf_tok_t *at = bf_p_cur(p);
    bf_tn_t *parts[3] = {NULL, NULL, NULL};
    int k = 0;
    bool slice = false;
    for (;;) {
        int t = bf_p_cur(p)->type;
        if (t == BF_TK_COLON) {
            slice = true;
            if (++k > 2) {
                unexpected(p, "']'");
                return bf_p_dummy(p, at);
            }
            bf_p_next(p);
            continue;
        }
        if (t == BF_TK_RBRACKET || at_end(p))
            break;
        if (parts[k]) {
            unexpected(p, "']'");
            return bf_p_dummy(p, at);
        }
        parts[k] = bf_p_expr(p);
        CHECK(parts[k]);
    }
    if (!slice) {
        if (!parts[0]) {
            unexpected(p, "an index");
            return bf_p_dummy(p, at);
        }
        return parts[0];
    }
    bf_tn_t *s = bf_p_node(p, BF_N_SLICE, at);
    CHECK(s);
    s->a = parts[0];
    s->b = parts[1];
    s->c = parts[2];
    return s;
}

static bf_tn_t *parse_postfix(bf_parser_t *p, bf_tn_t *n)
{
    for (;;) {
        const bf_tok_t *t = bf_p_cur(p);
        if (t->type == BF_TK_DOT || t->type == BF_TK_OPTDOT) {
            bool opt = t->type == BF_TK_OPTDOT;
            bf_p_next(p);
            const bf_tok_t *nt = bf_p_cur(p);
            bf_tn_t *g;
            if (nt->type == BF_TK_NAME) {
                g = bf_p_node(p, BF_N_GETATTR, nt);
                CHECK(g);
                bf_p_set_name(g, nt->p, nt->len);
            } else if (nt->type == BF_TK_INT) {
                g = bf_p_node(p, BF_N_GETITEM, nt);
                CHECK(g);
                g->b = bf_p_node(p, BF_N_LIT, nt);
                CHECK(g->b);
                g->b->lit = bf_tv_int(nt->v.i);
            } else {
                unexpected(p, "an attribute name");
                return n;
            }
            bf_p_next(p);
            g->a = n;
            if (opt)
                g->flags |= BF_NF_OPT;
            n = g;
        } else if (t->type == BF_TK_LBRACKET || t->type == BF_TK_OPTBRACKET) {
            bf_tn_t *g = bf_p_node(p, BF_N_GETITEM, t);
            CHECK(g);
            if (t->type == BF_TK_OPTBRACKET)
                g->flags |= BF_NF_OPT;
            bf_p_next(p);
            g->a = n;
            g->b = parse_subscript(p);
            CHECK(g->b);
            bf_p_expect(p, BF_TK_RBRACKET, "']'");
            n = g;
        } else if (t->type == BF_TK_LPAREN) {
            bf_tn_t *c = bf_p_node(p, BF_N_CALL, t);
            CHECK(c);
            c->line = n->line; /* errors point at the callee */
            c->col = n->col;
            c->a = n;
            bf_p_next(p);
            bf_p_call_args(p, &c->b);
            n = c;
        } else {
            return n;
        }
    }
}

static bf_tn_t *lit(bf_parser_t *p, const bf_tok_t *at, bf_tv_t v)
{
    bf_tn_t *n = bf_p_node(p, BF_N_LIT, at);
    if (n)
        n->lit = v;
    return n;
}

static bf_tn_t *parse_string(bf_parser_t *p)
{
    const bf_tok_t *t = bf_p_cur(p);
    bf_p_next(p);
    if (bf_p_cur(p)->type != BF_TK_STRING)
        return lit(p, t, bf_tv_str(t->p, t->len));
    /* Adjacent literals concatenate, as in Python. */
    size_t total = t->len;
    size_t j = p->i;
    while (p->tk[j].type == BF_TK_STRING)
        total += p->tk[j++].len;
    char *s = bf_arena_alloc(p->a, total + 1);
    if (!s) {
        p->oom = true;
        return NULL;
    }
    memcpy(s, t->p, t->len);
    size_t o = t->len;
    while (bf_p_cur(p)->type == BF_TK_STRING) {
        memcpy(s + o, bf_p_cur(p)->p, bf_p_cur(p)->len);
        o += bf_p_cur(p)->len;
        bf_p_next(p);
    }
    s[o] = '\0';
    return lit(p, t, bf_tv_str(s, o));
}

static bf_tn_t *parse_list_or_dict(bf_parser_t *p, bool dict)
{
    const bf_tok_t *at = bf_p_cur(p);
    bf_p_next(p);
    bf_tn_t *n = bf_p_node(p, dict ? BF_N_DICT : BF_N_LIST, at);
    CHECK(n);
    bf_tn_t **tail = &n->a;
    int close = dict ? BF_TK_RBRACE : BF_TK_RBRACKET;
    while (bf_p_cur(p)->type != close) {
        if (at_end(p))
            break;
        bf_tn_t *item = bf_p_expr(p);
        CHECK(item);
        if (dict) {
            bf_tn_t *pair = bf_p_node(p, BF_N_PAIR, bf_p_cur(p));
            CHECK(pair);
            pair->a = item;
            if (!bf_p_expect(p, BF_TK_COLON, "':'"))
                return n;
            pair->b = bf_p_expr(p);
            CHECK(pair->b);
            item = pair;
        }
        *tail = item;
        tail = &item->next;
        if (bf_p_cur(p)->type != BF_TK_COMMA)
            break;
        bf_p_next(p);
    }
    bf_p_expect(p, close, dict ? "',' or '}'" : "',' or ']'");
    return n;
}

static bf_tn_t *parse_primary(bf_parser_t *p)
{
    const bf_tok_t *t = bf_p_cur(p);
    switch (t->type) {
    case BF_TK_NAME: {
        if (tok_is_name(t, "true") || tok_is_name(t, "True")) {
            bf_p_next(p);
            return lit(p, t, bf_tv_bool(true));
        }
        if (tok_is_name(t, "false") || tok_is_name(t, "False")) {
            bf_p_next(p);
            return lit(p, t, bf_tv_bool(false));
        }
        if (tok_is_name(t, "none") || tok_is_name(t, "None")) {
            bf_p_next(p);
            return lit(p, t, bf_tv_null());
        }
        bf_tn_t *n = bf_p_node(p, BF_N_NAME, t);
        CHECK(n);
        bf_p_set_name(n, t->p, t->len);
        bf_p_next(p);
        return n;
    }
    case BF_TK_STRING:
        return parse_string(p);
    case BF_TK_INT:
        bf_p_next(p);
        return lit(p, t, bf_tv_int(t->v.i));
    case BF_TK_FLOAT:
        bf_p_next(p);
        return lit(p, t, bf_tv_float(t->v.f));
    case BF_TK_LPAREN: {
        bf_p_next(p);
        if (bf_p_cur(p)->type == BF_TK_RPAREN) { /* () empty tuple */
            bf_p_next(p);
            bf_tn_t *n = bf_p_node(p, BF_N_TUPLE, t);
            return n;
        }
        bf_tn_t *n = bf_p_tuple(p, true, NULL);
        CHECK(n);
        bf_p_expect(p, BF_TK_RPAREN, "')'");
        return n;
    }
    case BF_TK_LBRACKET:
        return parse_list_or_dict(p, false);
    case BF_TK_LBRACE:
        return parse_list_or_dict(p, true);
    default:
        unexpected(p, "an expression");
        return bf_p_dummy(p, t);
    }
}

static bf_tn_t *parse_unary(bf_parser_t *p, bool with_filter)
{
    const bf_tok_t *t = bf_p_cur(p);
    bf_tn_t *n;
    if (++p->depth > BF_TMPL_MAX_EXPR_DEPTH) {
        bf_p_error(p, t, "expression nested too deeply (limit %d)", BF_TMPL_MAX_EXPR_DEPTH);
        p->depth--;
        while (!at_end(p))
            p->i++;
        return bf_p_dummy(p, t);
    }
    if (t->type == BF_TK_SUB || t->type == BF_TK_ADD) {
        bf_p_next(p);
        bf_tn_t *a = parse_unary(p, false);
        n = a ? binop(p, t->type == BF_TK_SUB ? BF_N_NEG : BF_N_POS, 0, t, a, NULL) : NULL;
    } else {
        n = parse_primary(p);
    }
    if (n)
        n = parse_postfix(p, n);
    if (n && with_filter)
        n = parse_filter_expr(p, n);
    p->depth--;
    return n;
}
