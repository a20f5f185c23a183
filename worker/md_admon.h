/*
 * worker/md_admon.h - MyST directives as a cmark-gfm block extension, and
 * the block state they share with MkDocs admonitions (md_mkdocs.h)
 * (private to the markdown adapter; includes cmark-gfm).
 *
 *     :::{note} Optional title          ::::{tab-set}
 *     Markdown *inside*.                :::{tab-item} Linux
 *     :::                               :sync: linux
 *                                       apt install x
 *                                       :::
 *                                       ::::
 *
 * An opening fence is 3 or more ':' then "{name}" then an optional
 * argument (the title, a tab's label, a figure's image path), indented
 * less than 4 columns; it may interrupt a paragraph.  The block is a
 * container: everything up to the closing fence is parsed as markdown.
 * A closing fence is a line of at least as many ':' as the opening one
 * and nothing else; like code fences, the innermost open directive takes
 * it first, and a ':::' inside an open fenced code block or HTML block is
 * content, not a fence.  Directives (of both syntaxes) nest 16 deep at
 * most (deeper fences are text).  The closing line is consumed by the
 * extension, so it never shows up as text (no lazy continuation).
 *
 * Options, MyST style: lines ":key: value" (or ":key:") right after the
 * opening fence, before any content or blank line, are the directive's
 * options, consumed and kept in order (bf_md_opt_t); what they mean is the
 * renderer's business (md_directive.c), which reports unknown ones.
 *
 * Names: the admonition kinds (bf_md_admon_default_title), tab-set,
 * tab-item, figure, dropdown and include are known (an include reaches
 * the parser only where it was not expanded, see markdown.h); any other name is kept as
 * BF_MD_DIR_UNKNOWN for the renderer to report.
 *
 * Why a block extension and not a pre-pass that splits the body: the page
 * is parsed once, line numbers stay right, and directives nest inside
 * lists and quotes like any container.
 *
 * The state of each directive node (bf_md_admon_t) is its cmark user
 * data, allocated with the node's cmark_mem: it lives as long as the
 * parsed tree (one page).  The parser fills it; the walk may update the
 * fields marked "walk" (the tree is rendered once).
 */
#ifndef BF_WORKER_MD_ADMON_H
#define BF_WORKER_MD_ADMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>

/* Which syntax opened the block. */
typedef enum {
    BF_MD_SYN_MYST = 0,      /* :::{name} arg ... ::: */
    BF_MD_SYN_MKDOCS,        /* !!! type "title", 4-space indented body */
    BF_MD_SYN_DETAILS,       /* ??? type "title": a closed <details> */
    BF_MD_SYN_DETAILS_OPEN,  /* ???+ type "title": an open <details> */
} bf_md_syntax_t;

/* What the block is. */
typedef enum {
    BF_MD_DIR_UNKNOWN = 0,   /* :::{frobnicate} */
    BF_MD_DIR_ADMONITION,    /* note, tip ... (every MkDocs block) */
    BF_MD_DIR_TAB_SET,
    BF_MD_DIR_TAB_ITEM,
    BF_MD_DIR_FIGURE,
    BF_MD_DIR_DROPDOWN,
    BF_MD_DIR_INCLUDE,       /* one the coordinator did not expand (in a
                                quote or list, or no site): reported */
} bf_md_dir_t;

/* One ":key: value" option line. */
typedef struct bf_md_opt {
    struct bf_md_opt *next;
    const char *key;         /* not NUL-terminated */
    size_t key_len;
    const char *value;       /* trimmed; may be empty */
    size_t value_len;
    uint32_t line;           /* body-relative */
} bf_md_opt_t;

typedef struct {
    uint8_t syntax;          /* bf_md_syntax_t */
    uint8_t dir;             /* bf_md_dir_t */
    bool closed;             /* MyST: a closing fence was seen; MkDocs: always */
    bool opts_done;          /* MyST: past the option lines */
    bool has_title;          /* MkDocs: a "title" was written (maybe "") */
    uint32_t colons;         /* MyST: length of the opening fence */
    uint32_t line;           /* body-relative line of the opening line */
    const char *name;        /* "note"; MkDocs: the first class */
    size_t name_len;
    const char *classes;     /* MkDocs: every class as written, "danger x" */
    size_t classes_len;
    const char *title;       /* MyST: the argument; MkDocs: the title */
    size_t title_len;
    const char *fence;       /* the opening line, without its newline */
    size_t fence_len;
    bf_md_opt_t *opts, **opts_tail;
    /* walk */
    const char *close;       /* tags that end what the enter wrote, or NULL */
    uint32_t serial;         /* a tab-set's number on the page */
    uint32_t items;          /* a tab-set's items entered so far */
    uint32_t selected;       /* a tab-set's item checked first */
} bf_md_admon_t;

/* Creates the extension and its node type (bf_md_init, once).  NULL on
 * OOM. */
cmark_syntax_extension *bf_md_admon_new(cmark_node_type *type);

/* State of a directive node (of either syntax: both use the type that
 * bf_md_admon_new made). */
bf_md_admon_t *bf_md_admon_get(cmark_node *node);

/* Title shown when an admonition has none: "Note", "See also" ...; NULL
 * when name is no admonition kind. */
const char *bf_md_admon_default_title(const char *name, size_t len);

/* ---- for the MkDocs syntax (md_mkdocs.c) ---- */

/* Would a directive opened in parent be nested too deep? */
bool bf_md_admon_too_deep(cmark_node *parent);

/* Length of a line without its end-of-line bytes. */
int bf_md_admon_line_end(const unsigned char *input, int len);

/* Adds a directive node of syntax syn for the line input[off..end) as a
 * child of parent (or of the container cmark moves up to), with zeroed
 * state but the fence copied and the line number set; the rest of the
 * line is consumed.  NULL on failure. */
cmark_node *bf_md_admon_add(cmark_syntax_extension *ext, cmark_parser *parser,
                            cmark_node *parent, const unsigned char *input, int off, int end,
                            bf_md_syntax_t syn);

/* A block extension named name with these functions, whose nodes hold
 * any block but a bare list item.  NULL on OOM. */
cmark_syntax_extension *bf_md_admon_ext(const char *name, cmark_open_block_func open,
                                        cmark_match_block_func matches);

#endif
