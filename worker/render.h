/*
 * worker/render.h - one page (or one aggregate) of the snapshot to bytes.
 *
 * A page is rendered by its template (chosen by the coordinator,
 * page.template, from the site's templates/ or the embedded theme,
 * worker/theme.h) of the environment compiled before fork, with `page`,
 * `section` and `site` as variables (worker/tmpl_ctx.h) and the markdown
 * just rendered as page.content / page.toc.  There is no layout besides
 * the templates: the theme always provides one.  Aggregates (level 2) are
 * complete: sitemap.xml, rss.xml, index.json (search index, DESIGN §2),
 * llms.txt, robots.txt.
 *
 * A level-0 render also fills the page's summary record (excerpt, counts,
 * flags) in the shared table; list pages and aggregates read those
 * records, which the level barrier guarantees are complete.
 *
 * Ownership: a bf_render_t belongs to one worker process; output goes to
 * the caller's buffer; temporaries go to the caller's per-page arena.
 * Errors: -1 on out of memory (fatal in a worker, STYLE 6).
 */
#ifndef BF_WORKER_RENDER_H
#define BF_WORKER_RENDER_H

#include <stdint.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/farm.h"
#include "shared/pack.h"
#include "shared/tmpl/profile.h"
#include "snapshot-format/reader.h"
#include "worker/highlight.h"

typedef struct bf_render bf_render_t;

/* site_dir prefixes source paths in messages, as the coordinator's do. */
bf_render_t *bf_render_new(const bf_snap_t *snap, bf_farm_summary_t *summaries,
                           const char *site_dir);
void bf_render_free(bf_render_t *r);

/* Renders for the farm: broken links and cross-references go to the
 * records of broken_fd (shared/farm.h; printed by the coordinator at the
 * end of the build) instead of the log, and pages with math (any kind)
 * are counted in ctl->math_pages. */
void bf_render_use_farm(bf_render_t *r, bf_farm_ctl_t *ctl, int broken_fd);

/* The highlighter the pages' code blocks go through (the site's
 * markdown.highlight), which tallies the languages it has no grammar
 * for; NULL when highlighting is off. */
bf_hl_t *bf_render_highlighter(bf_render_t *r);

/* Highlights with hl (prepared before the fork, worker/highlight.h), which
 * r then owns, instead of its own; NULL: keeps its own.  Nothing when the
 * site does not highlight. */
void bf_render_use_highlighter(bf_render_t *r, bf_hl_t *hl);

/* The site's own file replaces the theme's asset name (theme.css,
 * theme.js; bf_render_use_templates first): its hash versions the link. */
void bf_render_theme_override(bf_render_t *r, const char *name, const void *data, size_t len);

/* Notes in deps every summary record a page reads (level 1: list pages),
 * from now on (bf_render_use_templates first); NULL: none. */
void bf_render_track(bf_render_t *r, bf_farm_deps_t *deps);

/* Takes the markdown of pages from the render pack when it is there
 * (shared/pack.h; keyed by the page's body, options and self, the
 * binary's hash, and checked against what its links resolve to now), and
 * appends the pages rendered anew to this process's segment.  -1 on OOM. */
int bf_render_use_pack(bf_render_t *r, const bf_pack_t *pack, uint64_t self);
/* Pages whose markdown came from the pack so far. */
uint64_t bf_render_pack_hits(const bf_render_t *r);

/* Renders pages with templates of env (a compiled bf_tmpl_env_t, read
 * only, not NULL; before any bf_render_page), counting into prof when not
 * NULL.  Makes the worker's fragment cache.  -1 on out of memory. */
int bf_render_use_templates(bf_render_t *r, const void *env, bf_tmpl_profile_t *prof);

/* Renders page id into out (reset first).  Diagnostics of its markdown are
 * logged; their count is added to *warnings, and those that are errors
 * (under --strict) to *errors.  Returns 0, or 1 when the page's template
 * failed (reported with template, line and column, counted in *errors) or
 * is not in the environment (reported, counted): out then holds nothing
 * to publish.  -1 on out of memory. */
int bf_render_page(bf_render_t *r, bf_arena_t *a, uint32_t id, bf_buf_t *out,
                   uint32_t *warnings, uint32_t *errors);

/* Pagination of list pages (Hugo style, see worker/tmpl_ctx.h): a list
 * page has bf_render_pagers() pagers (1 for every other page), of which
 * bf_render_page() renders the first, at the page's own output. */
uint32_t bf_render_pagers(const bf_render_t *r, uint32_t id);

/* Pager n (2..pagers) of list page id into out, *path its output path
 * ("docs/page/2/index.html", arena).  The page's markdown is rendered
 * again but its diagnostics are not reported again.  Returns as
 * bf_render_page(), or 2 when the pager's URL is another page's or an
 * alias: nothing to publish (warned, counted in *warnings). */
int bf_render_pager(bf_render_t *r, bf_arena_t *a, uint32_t id, uint32_t n, bf_buf_t *out,
                    const char **path, uint32_t *warnings, uint32_t *errors);

/* The redirect page for one alias of page id (meta refresh, canonical,
 * noindex) into out; *path gets its output path (arena).  0, -1 on OOM. */
int bf_render_alias(bf_render_t *r, bf_arena_t *a, uint32_t id, uint32_t alias, bf_buf_t *out,
                    const char **path);

/* Renders file number part (0, 1, ...) of the aggregate of a level-2 wave
 * (its template names the output: "sitemap.xml", ...); *path gets the
 * output path, valid until the next call.  1 when there is no such part
 * (most aggregates are one file; an unknown name has none). */
int bf_render_aggregate(bf_render_t *r, uint32_t wave, unsigned part, bf_buf_t *out,
                        const char **path);

/* URLs per sitemap file (default 50,000, the protocol's limit); tests
 * lower it to see the split without 50,000 pages. */
void bf_render_set_sitemap_max(bf_render_t *r, uint32_t max);

#endif
