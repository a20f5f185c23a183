/*
 * worker/hl_grammars.h - the table of the tree-sitter grammars compiled
 * into the binary (private to the highlighter, worker/highlight.c).
 *
 * The table is not in the repository: the GNUmakefile generates it
 * (grammars/grammars.sh table) into build/grammars/table.c, from
 * grammars/languages and the grammars `make deps` fetched, and compiles
 * it with the grammars into build/grammars/libgrammars.a.  Built offline,
 * it holds no language and every code block is plain.
 *
 * Entries are sorted by name and end with one whose name is NULL.  All of
 * it is constant data, shared by every process.
 */
#ifndef BF_WORKER_HL_GRAMMARS_H
#define BF_WORKER_HL_GRAMMARS_H

#include <stddef.h>

typedef struct {
    const char *name;              /* "cpp": the canonical language name */
    const void *(*language)(void); /* returns its const TSLanguage * */
    const char *query;             /* highlights.scm (concatenated, NUL-ended) */
    size_t query_len;
    const char *package; /* "tree-sitter-cpp 0.23.4" */
    int first_wins;      /* 1: of the patterns that capture one node,
                            the first decides (the query's convention,
                            grammars/languages); 0: the last */
} bf_hl_grammar_t;

extern const bf_hl_grammar_t bf_hl_grammars[];

#endif
