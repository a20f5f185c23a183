/*
 * coordinator/discover.h - walking content/ into the site tree.
 *
 * Phase 1 of discovery: reads every markdown file under SITE/content in
 * sorted name order, splits and parses its front matter, and hangs it in
 * the tree: a directory is a section (its _index.md, if any, is the
 * section's list page), a directory holding index.md is a leaf bundle (one
 * page; every other file below it is a resource of that page), any other
 * *.md is a page, and other files in a section are resources of the
 * section's list page.  Hidden files and directories (".x") are skipped.
 *
 * Safety: a symlink is followed only if its target resolves inside the
 * site root (else an error naming the link); a directory already on the
 * current path (a loop) is an error; files larger than
 * build.max_file_size are refused before they are read; anything that is
 * not a regular file or directory is skipped with a warning.
 *
 * Threads: the walk itself (directories, names, stat) is one thread's;
 * the page files it finds are then read, hashed and parsed by
 * s->opts.scouts threads (shared/scout.h), at most a window of files ahead
 * of the walk's thread, which takes their findings in the walk's order
 * (bodies into the snapshot, the discovery cache, include directives).  A
 * scout's parse is a trial that reports nothing: a file it cannot take is
 * read again on the walk's thread, which reports it, so the messages and
 * the snapshot's bytes are the same for any number of threads.  Every
 * thread has ended when bf_discover returns.
 *
 * Errors are reported (file:line:col) and counted in bf_ctx.n_errors; the
 * walk goes on so that one run reports every bad file.  Returns -1 only on
 * a failure that stops the walk (out of memory, no content/ directory).
 */
#ifndef BF_COORDINATOR_DISCOVER_H
#define BF_COORDINATOR_DISCOVER_H

#include "coordinator/site.h"

int bf_discover(bf_site_t *s);

/* A new page or section hung in the tree; NULL on OOM. */
bf_page_t *bf_page_new(bf_site_t *s, bf_snap_kind_t kind, bf_section_t *sec);
bf_section_t *bf_section_new(bf_site_t *s, bf_section_t *parent, const char *name);

/* A content file must be UTF-8 without NUL bytes from byte `from` on (its
 * body: the front matter's own messages are more precise).  0, or -1
 * after an error at the first bad byte of text[0..len), reported against
 * disp (NULL: a trial, nothing reported). */
int bf_discover_check_text(const char *disp, const char *text, size_t len, size_t from);

#endif
