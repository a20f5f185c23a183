/*
 * worker/tmpl_ctx.h - the snapshot as template variables (DESIGN §3).
 *
 * Templates see `page`, `section` and `site` as host objects of the
 * template engine (shared/tmpl/value.h, bf_tmpl_class_t) that read the
 * mapped snapshot in place: a page is {OBJ, page class, aux = page id},
 * a section {OBJ, section class, aux = section id}, and so on; params and
 * data are snapshot value-tree nodes {OBJ, map or list class, aux = value
 * index}.  Strings are the snapshot's own (NUL-terminated, mapped for the
 * whole build), returned without copying.  Lists of ids (section.pages,
 * page.ancestors, page.tags ...) are small objects made in the render
 * arena that index the IDS table.
 *
 * What only the current render knows - the HTML the markdown render just
 * produced (page.content, page.toc, page.toc_items, the excerpt and
 * counts) - comes in a bf_tmpl_ctx_page_t for the current page.  Other
 * pages' summary, word_count and reading_time come from the shared
 * summary table (shared/farm.h), which is complete when list pages
 * (level 1) render; a regular page (level 0) sees other pages' summary as
 * "" and counts as 0, so that output never depends on timing.  Other
 * pages' content and toc are "".
 *
 * Ownership: a bf_tmpl_ctx_t belongs to one worker and lives for the
 * build; it keeps pointers to the snapshot and the summary table.  The
 * current page's strings must live until the render ends.  Not thread-safe.
 */
#ifndef BF_WORKER_TMPL_CTX_H
#define BF_WORKER_TMPL_CTX_H

#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/farm.h"
#include "shared/tmpl/value.h"
#include "snapshot-format/reader.h"
#include "worker/markdown.h"

typedef struct bf_tmpl_ctx bf_tmpl_ctx_t;

/* The current page's markdown render (res may be NULL: nothing rendered),
 * and for a list page the pager being rendered (1-based; 0 counts as 1). */
typedef struct {
    uint32_t id;
    const bf_md_result_t *res;
    uint32_t pager;
} bf_tmpl_ctx_page_t;

/* summaries may be NULL (no summary table: summaries are ""). NULL on OOM. */
bf_tmpl_ctx_t *bf_tmpl_ctx_new(const bf_snap_t *snap, const bf_farm_summary_t *summaries);
/* Every summary record a template reads is noted in deps (NULL: none). */
void bf_tmpl_ctx_track(bf_tmpl_ctx_t *c, bf_farm_deps_t *deps);
/* The site's static/_bengal/NAME replaces the theme's NAME (theme.css,
 * theme.js): the ?v= of its link follows the file that is published. */
void bf_tmpl_ctx_asset_override(bf_tmpl_ctx_t *c, const char *name, const void *data,
                                size_t len);
/* *flag is set when a template reads site.build_time (NULL: not watched):
 * such output is not reused in another build (coordinator/pagecache.h). */
void bf_tmpl_ctx_watch_clock(bf_tmpl_ctx_t *c, _Atomic uint32_t *flag);
void bf_tmpl_ctx_free(bf_tmpl_ctx_t *c);

/* The variables of one render: an object whose attributes are page,
 * section and site, and on list pages (every kind but "page") paginator:
 * pager cur->pager of page.pages, per_page (site->per_page) entries a
 * pager, with number, total_pages, total, per_page, has_prev, has_next,
 * prev, next, first, last (URLs with the base path; prev/next none at the
 * ends) and pagers (a list of {number, url}).  No entries: one empty
 * pager.  cur is kept by pointer until the next call. */
bf_tv_t bf_tmpl_ctx_root(bf_tmpl_ctx_t *c, const bf_tmpl_ctx_page_t *cur);

/* Single values, for tests and other renders (aggregates, 404). */
bf_tv_t bf_tmpl_ctx_page(bf_tmpl_ctx_t *c, uint32_t id);
bf_tv_t bf_tmpl_ctx_section(bf_tmpl_ctx_t *c, uint32_t id);
bf_tv_t bf_tmpl_ctx_site(bf_tmpl_ctx_t *c);
/* A snapshot value-tree node (BF_SNAP_NONE: an empty map). */
bf_tv_t bf_tmpl_ctx_value(bf_tmpl_ctx_t *c, uint32_t idx);

/* Pagination (Hugo style, as `.Paginate .RegularPages`).  What the
 * paginator of page id pages through: a section's or the home page's
 * regular pages (its subsections are section.subsections, which a theme
 * shows apart, so no pager is left holding only sections), a term's
 * pages, nothing for other pages. */
bf_snap_range_t bf_tmpl_ctx_paged(const bf_snap_t *s, uint32_t id);
/* Its pagers: ceil(paged / per_page), at least 1 (so 1 for any page
 * that pages nothing). */
uint32_t bf_tmpl_ctx_pagers(const bf_snap_t *s, uint32_t id);
/* The site URL of pager n of page id: the page's URL for n <= 1, else the
 * URL + "page/N/" ("/docs/page/2/").  In a; NULL on out of memory. */
char *bf_tmpl_ctx_pager_url(bf_arena_t *a, const bf_snap_t *s, uint32_t id, uint32_t n);

#endif
