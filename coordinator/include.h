/*
 * coordinator/include.h - the include directives of the site's markdown
 * (MyST ":::{include} path", shared/myst.h), found and resolved during
 * discovery, frozen into the snapshot for the workers.
 *
 * Workers read no source file: the text a page includes must be in the
 * snapshot.  So discovery finds the include directives of every page as
 * it reads it (bf_include_scan: the line scan of shared/myst.h, which
 * costs one memmem for a page without "{include}"), and once every page
 * is read, bf_include_resolve() follows them: each path is taken relative
 * to the file that holds the directive and must stay in content/ (after
 * "." and ".."; absolute paths refused), each file is read once beneath
 * content/ (a symlink that leaves it is refused by the kernel, shared/fs.h)
 * and scanned in turn.  An included file is markdown whose front matter,
 * if any, is skipped; a page's own file may be included (its body is
 * already in the snapshot).
 *
 * Limits: includes nest BF_MYST_INCLUDE_DEPTH deep at most (a page
 * including a file is depth 1); a file that includes itself, however
 * indirectly, is a cycle; a page with everything it includes must fit in
 * build.max_file_size.  Every problem is an error at the directive's
 * file:line, said once however many pages reach it, and names the chain
 * of includes where one matters:
 *
 *   content/b.md:1: error: include cycle: content/a.md:3 includes
 *   content/b.md, content/b.md:1 includes content/a.md
 *
 * Errors are counted in bf_ctx.n_errors, which fails the build before
 * anything is published; a page whose includes fail is kept in the tree
 * (the build stops anyway) so that later phases still report their own
 * problems in the same run.
 *
 * What a page includes is part of what it is: its includes_hash (a digest
 * of the path, place and bytes of every file it includes, however deep)
 * goes into the snapshot and into every cache key of the page
 * (coordinator/pagecache.c, the render pack of worker/render.c).  The
 * discovery cache (srccache.h) keeps what a file is by itself: the scan
 * and the resolution run every build, whether the page was parsed again
 * or not, so an edited included file is never missed.  A page's title
 * comes from its own text, not from the files it includes.
 *
 * Memory: everything is in the site's arena.
 */
#ifndef BF_COORDINATOR_INCLUDE_H
#define BF_COORDINATOR_INCLUDE_H

#include <stddef.h>

#include "coordinator/site.h"
#include "snapshot-format/writer.h"

/* Scans the body of page p (the bytes discovery put in the snapshot for
 * it; p->source, p->hash and the body fields set) for include directives;
 * a page with some is kept for bf_include_resolve.  A directive that is
 * not usable (not closed, indented, options) is reported now.  0, -1
 * after an error (reported), or -2 on OOM (not reported). */
int bf_include_scan(bf_site_t *s, bf_page_t *p, const char *body);

/* rel, a content file that failed to load (its error reported): an
 * include of it fails without a second message.  -1 on OOM. */
int bf_include_failed(bf_site_t *s, const char *rel);

/* After the walk: follows the includes of every page scanned, reading
 * the files they name, and sets each such page's includes_hash.  0, or
 * -1 when an error was reported (or on OOM, reported). */
int bf_include_resolve(bf_site_t *s);

/* Freezes the included files into the snapshot's FRAGMENTS (sorted by
 * path, so the same site gives the same bytes) with their INCLUDES; call
 * before any page is added. */
void bf_include_freeze(const bf_site_t *s, bf_snapw_t *w);

/* The include directives of p as snapshot records, after
 * bf_include_freeze: appended to INCLUDES; {0, 0} when none. */
bf_snap_range_t bf_include_freeze_page(bf_snapw_t *w, const bf_page_t *p);

#endif
