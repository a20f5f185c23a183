/*
 * worker/md_link.h - what a link points at: classifying URLs, resolving
 * relative .md links and [[cross-references]] to snapshot pages.
 *
 * Private to the markdown adapter; no cmark-gfm here, only strings and the
 * snapshot reader.  Content paths are the snapshot's page.path keys:
 * "docs/intro" for content/docs/intro.md, "docs" for docs/_index.md,
 * "docs/setup" for docs/setup/index.md, "" for the home page.
 */
#ifndef BF_WORKER_MD_LINK_H
#define BF_WORKER_MD_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"
#include "snapshot-format/reader.h"
#include "worker/markdown.h"

/* EXTERNAL (a scheme, or "//host"), PATH ("/x"), ANCHOR ("#x") or
 * RELATIVE; never MD (see bf_md_link_md_path). */
bf_md_link_kind_t bf_md_link_classify(const char *url, size_t n);

/* When url (relative, see above) names a markdown file ("../setup.md",
 * "x.md#part", "dir/_index.md"), appends to out the content path of the
 * page it is, resolved against the directory of source
 * ("content/docs/a.md": "docs"), and points *frag and *frag_len at the
 * fragment inside url (NULL/0 if none).  A path that climbs above the
 * content root resolves to no page (out gets "\x01", which no page has).
 * Returns 1 for such a link, 0 for any other url, -1 on OOM. */
int bf_md_link_md_path(const char *source, const char *url, size_t n, bf_buf_t *out,
                       const char **frag, size_t *frag_len);

/* The inside of [[...]], split (all parts trimmed of spaces). */
typedef struct {
    const char *target;     /* before '|' */
    size_t target_len;
    const char *text;       /* after '|'; NULL if there is no '|' */
    size_t text_len;
    const char *path;       /* target without "id:" and "#fragment" */
    size_t path_len;
    const char *frag;       /* after '#', NULL if none */
    size_t frag_len;
    bool is_id;             /* [[id:x]] */
} bf_md_xref_t;

/* Splits s[0..n); false when it is not a cross-reference (empty target,
 * a newline, '[' or ']' inside), and then the text stays text. */
bool bf_md_xref_parse(const char *s, size_t n, bf_md_xref_t *x);

/* Page id of a path as written in a link or cross-reference ("docs/intro",
 * "/docs/intro/", "docs/intro.md", "docs/_index"), or BF_SNAP_NONE.
 * tmp is scratch.  snap NULL: BF_SNAP_NONE. */
uint32_t bf_md_find_page(const bf_snap_t *snap, const char *path, size_t n, bf_buf_t *tmp);

/* The page a parsed cross-reference names (BF_SNAP_NONE for none, and for
 * an anchor-only [[#x]]); tmp is scratch. */
uint32_t bf_md_xref_page(const bf_snap_t *snap, const bf_md_xref_t *x, bf_buf_t *tmp);

/* The page of a content path made by bf_md_link_md_path, or BF_SNAP_NONE. */
uint32_t bf_md_md_page(const bf_snap_t *snap, const bf_buf_t *path);

#endif
