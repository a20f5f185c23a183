/*
 * worker/highlight.h - syntax highlighting of code blocks with tree-sitter
 * grammars and their highlight queries, at build time.
 *
 * This module (worker/highlight.c) is the only code that includes or links
 * tree-sitter (STYLE 13); no tree-sitter type appears here.  The grammars
 * are compiled into the binary (worker/hl_grammars.h, grammars/languages);
 * a binary built without them (offline) knows no language and writes every
 * block plain.
 *
 * Output: the code, HTML-escaped exactly as cmark-gfm escapes code blocks
 * (& < > "), with <span class="hl-NAME">...</span> around each node the
 * language's highlights.scm captures as @NAME, dots made dashes
 * (@function.builtin -> hl-function-builtin: themes style a family with
 * a prefix selector, [class^="hl-function"]).  Captures that are not
 * highlights (names starting with "_", "local", "injection", "spell",
 * "nospell", "conceal", "none") are not written.  Spans nest properly:
 * a capture inside another is a span inside the other's (the innermost
 * decides the colour), two captures of the same range give one span (the
 * query's last pattern wins, or its first for the grammars whose queries
 * are written so: grammars/languages), and no two spans overlap.  Removing the tags and undoing
 * the escapes gives back the input byte for byte.  Injections (script
 * inside HTML) are not followed.
 *
 * Lines (bf_hl_lines_t): each line is wrapped in what the caller writes
 * at its start and end (line numbers, highlighted lines); spans open
 * across a line end are closed before it and opened again after, so every
 * line is well-formed HTML on its own.
 *
 * A bf_hl_t belongs to one process and is used by one render at a time.
 * Each language's parser and compiled query are made the first time a
 * block of that language is seen and kept for every later page; one query
 * cursor and the span buffers serve all languages.  Nothing is made per
 * page but tree-sitter's syntax tree.
 *
 * Errors: -1 only on out of memory (logged), with out partly written.  A
 * grammar whose query the runtime rejects is logged once and its blocks
 * come out plain; so does a block tree-sitter gives up on (its parse is
 * bounded in time: BF_HL_PARSE_TIMEOUT_US).
 */
#ifndef BF_WORKER_HIGHLIGHT_H
#define BF_WORKER_HIGHLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

typedef struct bf_hl bf_hl_t;

/* bf_hl_render's "no grammar for this language" (the code is written
 * plain, escaped). */
#define BF_HL_UNKNOWN 1

/* The parse of one block gives up after this long (the block is plain). */
#define BF_HL_PARSE_TIMEOUT_US 5000000

/* Longest language name kept in the tally of unknown languages, and the
 * number of names it keeps. */
#define BF_HL_NAME_MAX 27
#define BF_HL_UNKNOWN_MAX 32

/* What wraps each line (NULL in bf_hl_render: no wrapping).  line() is
 * called with start true before anything of line n (1-based) is written,
 * and with start false after its '\n' (or its last byte); it appends to
 * out and returns 0, or -1 on out of memory. */
typedef struct {
    int (*line)(void *arg, bf_buf_t *out, uint32_t n, bool start);
    void *arg;
} bf_hl_lines_t;

/* NULL on out of memory (logged).  Makes no parser yet. */
bf_hl_t *bf_hl_new(void);

/* Makes the parsers and queries of the languages named in langs[0..n)
 * (names or aliases; unknown ones are skipped) now, compiling the queries
 * on up to `threads` threads: the coordinator does this once for the
 * fence languages discovery saw, before the workers are forked, so that
 * no worker compiles them again (tens of milliseconds a language).  A
 * language not prepared is made at its first block, as always.  0, or -1
 * on out of memory (logged). */
int bf_hl_prepare(bf_hl_t *hl, const char *const *langs, size_t n, unsigned threads);

/* Languages whose parser and query are made (by bf_hl_prepare or a
 * block), for tests and -v. */
size_t bf_hl_ready_count(const bf_hl_t *hl);
void bf_hl_free(bf_hl_t *hl);

/* Appends code[0..len) to out, highlighted as the language lang[0..
 * lang_len) (a name or an alias, any case: "py", "C++"; see
 * bf_hl_canonical), each line wrapped by lines when not NULL.  Returns 0
 * when highlighted, BF_HL_UNKNOWN when no grammar has that name (the code
 * is written plain), 0 too when a known language's block could not be
 * highlighted (written plain) or is not a language ("text"), -1 on out of
 * memory.  hl NULL: the code is written plain (lines wrapped). */
int bf_hl_render(bf_hl_t *hl, const char *lang, size_t lang_len, const char *code, size_t len,
                 const bf_hl_lines_t *lines, bf_buf_t *out);

/* The canonical name of a language name or alias ("js" -> "javascript"),
 * whether or not its grammar is compiled in; NULL when it names no
 * language this module knows.  Case does not matter. */
const char *bf_hl_canonical(const char *lang, size_t lang_len);

/* Is lang one that is never highlighted and never "unknown" ("text",
 * "plain", "output", "mermaid", "math", ...)? */
bool bf_hl_is_plain(const char *lang, size_t lang_len);

/* The languages compiled in, sorted: the i-th name (with its package and
 * version in *package when not NULL), NULL past the last. */
const char *bf_hl_language(size_t i, const char **package);

/* The tally of languages without a grammar, for the build's one warning.
 * A page is counted once per such language its code blocks use (the
 * caller notes the page's languages, bf_md_result_t.code_langs, whether
 * its markdown was rendered now or taken from a cache), so a count is a
 * number of pages. */

/* Counts lang[0..len) (a fence's language as written) once, unless a
 * grammar has it or it is not a language (bf_hl_is_plain). */
void bf_hl_note(bf_hl_t *hl, const char *lang, size_t len);

/* The languages counted, in order of first sight: the i-th (lowercase,
 * cut at BF_HL_NAME_MAX bytes) with its count in *pages; NULL past the
 * last. */
const char *bf_hl_unknown(const bf_hl_t *hl, size_t i, uint32_t *pages);

/* Adds pages to the count of a language (a replacement worker takes over
 * its predecessor's counts).  The tally holds BF_HL_UNKNOWN_MAX names;
 * past that, new names are counted under "...". */
void bf_hl_unknown_add(bf_hl_t *hl, const char *name, size_t name_len, uint32_t pages);

/* Bytes of code highlighted (not written plain) since bf_hl_new. */
uint64_t bf_hl_bytes(const bf_hl_t *hl);

#endif
