/*
 * shared/tmpl/expr.h - the parser's state and its expression grammar.
 *
 * Shared by parser.c (statements) and expr.c (expressions).  Precedence,
 * lowest first, as in Jinja with Kida's "??" just above the conditional:
 *
 *     a if c else b  |  ??  |  or  |  and  |  not  |  == != < <= > >= in
 *     not in  |  + -  |  ~  |  * / // %  |  **  |  unary - +  |  filters
 *     (x|f, x is t)  |  postfix (.a ?.a [i] ?[i] (args))  |  primary
 *
 * Error handling: the parser never stops.  The first error inside a tag
 * is reported; later ones in the same tag are suppressed (tag_err), and
 * the statement parser skips to the tag's end.  Functions always return a
 * node (a placeholder literal after an error), so callers need no checks;
 * they return NULL only on OOM, after setting oom.
 */
#ifndef BF_SHARED_TMPL_EXPR_H
#define BF_SHARED_TMPL_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/tmpl/ast.h"
#include "shared/tmpl/error.h"
#include "shared/tmpl/lexer.h"

/* Nesting limits: deeper templates get an error, never a stack overflow. */
#define BF_TMPL_MAX_EXPR_DEPTH 200
#define BF_TMPL_MAX_BLOCK_DEPTH 100

typedef struct {
    bf_arena_t *a;
    bf_tmpl_t *t;
    bf_tmpl_diag_t *d;
    const bf_tok_t *tk;
    size_t i, n;
    int depth;    /* expression nesting */
    bool tag_err; /* an error was reported in the current tag */
    bool oom;
} bf_parser_t;

static inline const bf_tok_t *bf_p_cur(const bf_parser_t *p)
{
    return &p->tk[p->i];
}

/* The token after the current one (EOF at the end). */
static inline const bf_tok_t *bf_p_peek(const bf_parser_t *p)
{
    return &p->tk[p->i + 1 < p->n ? p->i + 1 : p->i];
}

/* Advances unless at EOF or at the end of a tag. */
void bf_p_next(bf_parser_t *p);
/* Current token is the name s. */
bool bf_p_is_name(const bf_parser_t *p, const char *s);
/* Consumes the name s if it is the current token. */
bool bf_p_skip_name(bf_parser_t *p, const char *s);
/* Consumes a token of the type or reports "expected X"; false on error. */
bool bf_p_expect(bf_parser_t *p, int type, const char *what);
/* Reports at tok (once per tag). */
void bf_p_error(bf_parser_t *p, const bf_tok_t *tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bf_tn_t *bf_p_node(bf_parser_t *p, int kind, const bf_tok_t *at);
/* A placeholder after an error (a null literal). */
bf_tn_t *bf_p_dummy(bf_parser_t *p, const bf_tok_t *at);
void bf_p_set_name(bf_tn_t *n, const char *s, size_t len);

/* expression, with the conditional "a if c else b" */
bf_tn_t *bf_p_expr(bf_parser_t *p);
/* expression without the conditional (for loop iterables, Jinja rule) */
bf_tn_t *bf_p_or_expr(bf_parser_t *p);
/* a, b, c: a TUPLE unless there is a single item and no comma.  stop_name
 * (may be NULL) ends the tuple at that name too ("recursive", "if"). */
bf_tn_t *bf_p_tuple(bf_parser_t *p, bool condexpr, const char *stop_name);
/* Assignment target: a name, names separated by commas (tuple), or, with
 * allow_attr, name.attr (namespace assignment). */
bf_tn_t *bf_p_target(bf_parser_t *p, bool allow_tuple, bool allow_attr);
/* A filter chain after '|' was consumed or not: parses "name(args) | ..."
 * for {% filter %} and {% set x | f %}; the first filter's input is in. */
bf_tn_t *bf_p_filter_chain(bf_parser_t *p, bf_tn_t *in);
/* Call arguments after '(' up to and including ')': chained list of
 * expressions and KWARG nodes in *first. */
void bf_p_call_args(bf_parser_t *p, bf_tn_t **first);

#endif
