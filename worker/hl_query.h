/*
 * worker/hl_query.h - one language's compiled highlight query: the
 * tree-sitter query, the span tag of each capture, and its predicates
 * (private to the highlighter, worker/highlight.c; includes tree-sitter).
 *
 * tree-sitter parses a query's predicates but leaves their evaluation to
 * the caller.  Evaluated here: #eq?, #not-eq?, #match?, #not-match?,
 * #any-of?, #not-any-of? (a capture against a string, another capture or
 * a list).  Others (#set!, #is-not? local, #strip!, ...) say nothing
 * about whether a node is highlighted and are ignored.  #match? takes the
 * regular expressions of Rust's regex crate, which the queries are
 * written for: they are translated to POSIX extended expressions (\d, \w,
 * \s, (?i), lazy quantifiers); a pattern whose expression cannot be
 * translated or compiled is disabled, deterministically, not guessed at.
 *
 * A bf_hl_query_t owns its TSQuery and everything here; it is read-only
 * once made and used by one process.
 */
#ifndef BF_WORKER_HL_QUERY_H
#define BF_WORKER_HL_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tree_sitter/api.h>

typedef struct bf_hl_query bf_hl_query_t;

/* Compiles src[0..len) for lang.  NULL when the runtime rejects it (logged
 * once, naming the language `name` and the offset) or on out of memory
 * (logged). */
bf_hl_query_t *bf_hl_query_new(const TSLanguage *lang, const char *name, const char *src,
                               size_t len);

/* bf_hl_query_new's second half, for a query the runtime compiled already
 * (ts, or NULL with the offset and error ts_query_new gave): the compile is
 * the slow part and may run on any thread (bf_hl_prepare); this part logs.
 * Takes ts. */
bf_hl_query_t *bf_hl_query_adopt(TSQuery *ts, const char *name, uint32_t off, TSQueryError err);

void bf_hl_query_free(bf_hl_query_t *q);

const TSQuery *bf_hl_query_ts(const bf_hl_query_t *q);

/* The start tag written for capture id, "<span class=\"hl-NAME\">", with
 * its length in *len; NULL for a capture that is not a highlight. */
const char *bf_hl_query_tag(const bf_hl_query_t *q, uint32_t capture, size_t *len);

/* Do the predicates of m's pattern hold?  src is the text parsed. */
bool bf_hl_query_accept(const bf_hl_query_t *q, const TSQueryMatch *m, const char *src);

/* Translates a Rust regex to a POSIX extended one into out (cap bytes,
 * NUL-terminated), *icase set by a leading (?i).  0, or -1 when it uses
 * what has no translation (or out is too small).  Exposed for tests. */
int bf_hl_regex_to_ere(const char *re, size_t len, char *out, size_t cap, bool *icase);

#endif
