/*
 * coordinator/frontmatter.h - splitting a markdown file into front matter
 * and body.
 *
 * A file has front matter when its first line is exactly "---" (trailing
 * spaces and a UTF-8 BOM before it allowed, CRLF allowed).  The block ends
 * at the next line that is exactly "---" or "..."; the body starts on the
 * line after it.  Without an opening "---" the whole file is the body and
 * meta is NULL (front matter is optional).  An opening "---" with no closing
 * line is an error at the opening line ("unterminated front matter: no
 * closing \"---\"").  The block must parse (coordinator/yaml.h) to a map or
 * be empty; anything else is an error ("front matter must be a map of
 * keys, not a list").
 *
 * Errors: logs one error (file:line:col) and returns -1; with file NULL,
 * a trial (yaml.h): returns -1 and logs nothing.
 */
#ifndef BF_COORDINATOR_FRONTMATTER_H
#define BF_COORDINATOR_FRONTMATTER_H

#include <stddef.h>

#include "coordinator/yaml.h"
#include "shared/arena.h"
#include "shared/value.h"

typedef struct {
    bf_value_t *meta;   /* MAP, or NULL when there is none or it is empty */
    const char *body;   /* points into the caller's text */
    size_t body_len;
    unsigned body_line; /* 1-based line of body[0] in the file */
} bf_fm_t;

int bf_fm_parse(bf_arena_t *a, const char *file, const char *text, size_t len,
                const bf_yaml_limits_t *lim, bf_fm_t *out);

#endif
