/*
 * worker/md_mkdocs.h - MkDocs admonitions (Python-Markdown's admonition
 * extension and pymdownx.details, as Material for MkDocs writes them) as
 * a cmark-gfm block extension (private to the markdown adapter; includes
 * cmark-gfm).
 *
 *     !!! note "Optional title"          ??? tip "Closed until clicked"
 *         Body, indented 4 columns:          Body.
 *         *markdown*, lists, code,
 *         other admonitions.             ???+ warning
 *                                            Open at first.
 *     !!! danger ""
 *         No title at all.
 *
 * The opening line, as Python-Markdown's regular expression has it:
 * "!!!" (or "???", "???+"), at most one space, one or more classes
 * ([A-Za-z0-9_-] and non-ASCII bytes, separated by spaces; the first is
 * the type), optionally spaces and a "quoted title" (up to the line's
 * last quote), trailing blanks.  Indented less than 4 columns; it may
 * interrupt a paragraph.  Anything else on the line: not an admonition.
 *
 * The body is every following line indented 4 or more columns (tabs
 * count to the next multiple of 4, as cmark and Python-Markdown expand
 * them), and blank lines between them; those 4 columns are consumed, so
 * cmark does not see an indented code block (code inside the body is
 * indented 8).  The first non-blank line indented less ends the block.
 * One difference from Python-Markdown, which cmark's block structure
 * imposes: a paragraph of the body continues on an unindented line that
 * directly follows it (a lazy continuation line, as in a list item);
 * leave a blank line after the body.
 *
 * The node is of the directive type of md_admon.h (bf_md_admon_t state,
 * syntax BF_MD_SYN_MKDOCS / _DETAILS / _DETAILS_OPEN, always closed); the
 * 16-deep nesting limit counts both syntaxes.
 */
#ifndef BF_WORKER_MD_MKDOCS_H
#define BF_WORKER_MD_MKDOCS_H

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>

/* Creates the extension (bf_md_init, once, after bf_md_admon_new: its
 * nodes are of the directive type).  NULL on OOM. */
cmark_syntax_extension *bf_md_mkdocs_new(void);

#endif
