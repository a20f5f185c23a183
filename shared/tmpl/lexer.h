/*
 * shared/tmpl/lexer.h - tokens of a template.
 *
 * The lexer turns the whole source into an array of tokens up front:
 * DATA (literal text, with whitespace control already applied: "{%-"
 * and "-%}" strip all whitespace, newlines included, on their side),
 * VAR_BEGIN ... VAR_END for {{ }}, BLOCK_BEGIN ... BLOCK_END for {% %},
 * and the expression tokens in between.  Comments {# #} vanish; {% raw %}
 * ... {% endraw %} becomes one DATA token.  Without keep_trailing_newline
 * one newline at the very end of the source is dropped (Jinja's default).
 *
 * Ownership: token text points into the source (which must outlive the
 * tokens) or, for strings with escapes, into the arena.
 *
 * Errors: reported to the diagnostics with position; a bad tag gets an
 * ERROR token before its end so the parser skips it without a second
 * message.  An unclosed tag or comment ends the token stream.  Returns 0,
 * or -1 on OOM only.
 */
#ifndef BF_SHARED_TMPL_LEXER_H
#define BF_SHARED_TMPL_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/tmpl/error.h"

typedef enum {
    BF_TK_EOF = 0,
    BF_TK_DATA,
    BF_TK_VAR_BEGIN,
    BF_TK_VAR_END,
    BF_TK_BLOCK_BEGIN,
    BF_TK_BLOCK_END,
    BF_TK_ERROR,
    BF_TK_NAME,
    BF_TK_INT,
    BF_TK_FLOAT,
    BF_TK_STRING,
    BF_TK_ADD,
    BF_TK_SUB,
    BF_TK_MUL,
    BF_TK_DIV,
    BF_TK_FLOORDIV,
    BF_TK_MOD,
    BF_TK_POW,
    BF_TK_TILDE,
    BF_TK_EQ,
    BF_TK_NE,
    BF_TK_LT,
    BF_TK_LE,
    BF_TK_GT,
    BF_TK_GE,
    BF_TK_ASSIGN,
    BF_TK_LPAREN,
    BF_TK_RPAREN,
    BF_TK_LBRACKET,
    BF_TK_RBRACKET,
    BF_TK_LBRACE,
    BF_TK_RBRACE,
    BF_TK_COMMA,
    BF_TK_DOT,
    BF_TK_COLON,
    BF_TK_PIPE,       /* | and |> */
    BF_TK_COALESCE,   /* ?? */
    BF_TK_OPTDOT,     /* ?. */
    BF_TK_OPTBRACKET, /* ?[ */
} bf_tk_type_t;

typedef struct {
    uint8_t type;
    uint32_t line, col; /* 1-based; col in bytes */
    const char *p;      /* DATA: text; NAME: name; STRING: decoded value */
    uint32_t len;
    union {
        int64_t i;
        double f;
    } v;
} bf_tok_t;

typedef struct {
    bf_tok_t *toks; /* n tokens, the last is EOF */
    size_t n;
} bf_tokens_t;

int bf_tmpl_lex(bf_arena_t *a, const char *name, const char *src, size_t len,
                bool keep_trailing_newline, bf_tmpl_diag_t *d, bf_tokens_t *out);

/* Display text of a token type for messages: "name", "'}}'", ... */
const char *bf_tmpl_tok_desc(int type);

#endif
