/*
 * shared/myst.h - the lines of MyST directives, read the same way by the
 * worker's markdown adapter (the directive extension, worker/md_admon.c)
 * and by the coordinator (the include scan of discovery,
 * coordinator/include.c).  The two must never disagree on which lines
 * are directives, so both use these functions.
 *
 * Colon fences (MyST's "colon_fence" syntax):
 *
 *     :::{note} Optional argument       opening: 3 or more ':', "{name}",
 *     :class: wide                      then a blank and the argument
 *     Markdown *inside*.                option lines ":key: value"
 *     :::                               closing: as many ':' or more
 *
 * Includes, `:::{include} path` or ```` ```{include} path ```` (the
 * fenced form MyST writes with backticks or tildes), name another
 * markdown file, relative to the file that holds the directive, whose
 * text takes the directive's place.  They are expanded before the
 * markdown is parsed (see worker/markdown.h), so they are found by a line
 * scan, bf_myst_includes(), with these rules:
 *
 *   - an include starts at column 1: ":::{include} path" or
 *     "```{include} path" (also "``` {include} path" and "~~~"); the same
 *     line indented 1-3 spaces is an error (it would sit inside a list
 *     item or be misread: includes in lists and quotes are not
 *     supported), indented 4 or more it is code;
 *   - it has no options and no content: the colon form's next line is
 *     its closing fence (":::" or longer, indented less than 4), the
 *     fenced form's is the closing code fence; anything else is an error;
 *   - lines inside fenced code blocks (``` or ~~~, CommonMark's rules for
 *     opening and closing them) are never includes, so a page can show
 *     the syntax in a code block;
 *   - lines end at "\n", "\r\n" or a lone "\r", as cmark-gfm counts them.
 *
 * An include inside a block quote or a list item ("> :::{include} x")
 * is not found by the scan; the markdown adapter then sees a directive
 * it cannot expand and says so.
 *
 * Nothing here allocates or logs.
 */
#ifndef BF_SHARED_MYST_H
#define BF_SHARED_MYST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Includes nest at most this deep: a page including a file is depth 1. */
#define BF_MYST_INCLUDE_DEPTH 8

/* An opening colon fence. */
typedef struct {
    uint32_t colons;        /* length of the fence */
    const char *name;       /* between the braces: "note" */
    size_t name_len;
    const char *arg;        /* the rest of the line, blanks trimmed */
    size_t arg_len;
} bf_myst_fence_t;

/* Is s[0..n), a line from its first non-blank byte and without its line
 * end, an opening colon fence ("{name}" of letters, digits, '-' and '_',
 * right after 3 or more colons, then a blank or the end)?  Fills *out. */
bool bf_myst_open(const char *s, size_t n, bf_myst_fence_t *out);

/* The colons of a closing fence s[0..n) (a line from its first non-blank
 * byte, without its line end: 3 or more ':' and blanks only), or 0. */
uint32_t bf_myst_close(const char *s, size_t n);

/* Is s[0..n) (as for bf_myst_close) an option line ":key: value" or
 * ":key:"?  *key (letters, digits, '-', '_') and *value (blanks trimmed,
 * may be empty) point into s. */
bool bf_myst_option(const char *s, size_t n, const char **key, size_t *key_len,
                    const char **value, size_t *value_len);

/* Is the info string s[0..n) of a fenced code block (leading blanks
 * skipped) "{include}" then a blank or the end?  *path is the rest,
 * blanks trimmed. */
bool bf_myst_include_info(const char *s, size_t n, const char **path, size_t *path_len);

/* One include directive found by bf_myst_includes. */
typedef struct {
    size_t off, len;        /* its lines: from the start of the first to
                               after the line end of the last (or to the
                               end of the text) */
    uint32_t line;          /* 1-based line of its opening line */
    const char *path;       /* the argument as written (in the text) */
    size_t path_len;
    /* NULL for a usable include; else why it is not one (a static
     * string, lowercase, to follow "file:line: "), found at err_line */
    const char *error;
    uint32_t err_line;
} bf_myst_include_t;

/* Called for each include in text order; a nonzero return stops the scan
 * and is returned by bf_myst_includes. */
typedef int (*bf_myst_include_fn)(void *ctx, const bf_myst_include_t *inc);

/* Calls fn for every include directive of text[0..n), usable or not (see
 * the top of this file).  Returns 0, or what fn returned to stop it.
 * Linear in n. */
int bf_myst_includes(const char *text, size_t n, bf_myst_include_fn fn, void *ctx);

/* The file an include's path names: path[0..n) relative to the directory
 * of from (a site-relative file, "content/docs/a.md"), "." and ".."
 * applied, into out (cap bytes, NUL-terminated): "content/x.md" for
 * "../x.md".  0, or -1 with *why a static string: the path is empty,
 * absolute, holds a backslash or a NUL byte, leaves content/, or does not
 * fit in cap. */
int bf_myst_include_path(const char *from, const char *path, size_t n, char *out, size_t cap,
                         const char **why);

#endif
