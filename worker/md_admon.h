/*
 * worker/md_admon.h - MyST-style admonitions as a cmark-gfm block
 * extension (private to the markdown adapter; includes cmark-gfm).
 *
 *     :::{note} Optional title          ::::{warning}
 *     Markdown *inside*.                :::{tip}
 *     :::                               nested: the outer fence is longer
 *                                       :::
 *                                       ::::
 *
 * An opening fence is 3 or more ':' then "{name}" then an optional title,
 * indented less than 4 columns; it may interrupt a paragraph.  The block
 * is a container: everything up to the closing fence is parsed as
 * markdown.  A closing fence is a line of at least as many ':' as the
 * opening one and nothing else; like code fences, the innermost open
 * admonition takes it first, and a ':::' inside an open fenced code block
 * or HTML block is content, not a fence.  Admonitions nest 16 deep at
 * most (deeper fences are text).  The closing line is consumed
 * by the extension, so it never shows up as text (no lazy continuation).
 *
 * Why a block extension and not a pre-pass that splits the body: the page
 * is parsed once, line numbers stay right, and admonitions nest inside
 * lists and quotes like any container.
 *
 * The state of each admonition node (bf_md_admon_t) is its cmark user
 * data, allocated with the node's cmark_mem: it lives as long as the
 * parsed tree (one page).
 */
#ifndef BF_WORKER_MD_ADMON_H
#define BF_WORKER_MD_ADMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>

typedef struct {
    uint32_t colons;        /* length of the opening fence */
    uint32_t line;          /* body-relative line of the opening fence */
    bool closed;            /* a closing fence was seen */
    bool known;             /* name is one of the admonition kinds */
    const char *name;       /* "note" (not NUL-terminated) */
    size_t name_len;
    const char *title;      /* text after "{name}", trimmed; may be empty */
    size_t title_len;
    const char *fence;      /* the opening line, without its newline */
    size_t fence_len;
} bf_md_admon_t;

/* Creates the extension and its node type (bf_md_init, once).  NULL on
 * OOM. */
cmark_syntax_extension *bf_md_admon_new(cmark_node_type *type);

/* State of an admonition node. */
const bf_md_admon_t *bf_md_admon_get(cmark_node *node);

/* Title shown when the fence has none: "Note", "See also" ... */
const char *bf_md_admon_default_title(const char *name, size_t len);

#endif
