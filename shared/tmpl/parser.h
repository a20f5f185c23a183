/*
 * shared/tmpl/parser.h - template source to an unresolved node tree.
 *
 * Statements: if/elif/else, unless, for (else/empty, if-filter,
 * recursive), set/let/export (also the block form), block, extends,
 * include, import, from-import, macro/def, call, with, capture, cache,
 * autoescape, filter, break, continue, do; raw is handled by the lexer.
 * Every block closes with {% end %} or its own {% endX %}.
 *
 * Errors: all syntax errors of the template are reported (one per tag at
 * most), each with line, column, source line and caret; parsing goes on
 * after each.  A block left open at the end is reported where it opens:
 *     "if" is never closed (missing "endif" or "end")
 * Returns 0 when the tree was built (check d->count for errors), -1 on
 * OOM.  The tree lives in a; t->root.body is set.
 */
#ifndef BF_SHARED_TMPL_PARSER_H
#define BF_SHARED_TMPL_PARSER_H

#include <stdbool.h>

#include "shared/arena.h"
#include "shared/tmpl/ast.h"
#include "shared/tmpl/error.h"

int bf_tmpl_parse(bf_arena_t *a, bf_tmpl_t *t, bool keep_trailing_newline, bf_tmpl_diag_t *d);

#endif
