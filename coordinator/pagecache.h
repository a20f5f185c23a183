/*
 * coordinator/pagecache.h - reusing whole pages from the previous build.
 *
 * What a page renders from is its own file, the site's shape and setup,
 * and the records of the other pages it reads:
 *
 *   site key = H(this binary, the build options, the config files at the
 *              top of the site (bengal.*), data/, templates/, KaTeX found
 *              or not, and the shape of the site: which pages exist, of
 *              what kind, in which section, at which URL (and aliases),
 *              every section's and term's pages in order, the menus)
 *   key      = H(site key, the page's name, its whole file)
 *   meta[q]  = H(what another page can read of page q: front matter,
 *              title (perhaps from its first heading), URL, output,
 *              template, flags, section, neighbours, bundle files)
 *
 * While a page renders, the worker notes every page whose record it
 * reads (a page object in a template, a section's or term's or menu
 * item's page, a link it resolved, a neighbour; shared/farm.h), and the
 * writer keeps that list with the digest of those pages' meta in the
 * cache.  A regular page (level 0) whose key and digest are the same now
 * is not rendered: the coordinator fills its summary record from the
 * cache, and the writer keeps or links its files, which the published
 * tree or the standby must hold (manifest.h).  Editing one page's body
 * re-renders that page; editing its title re-renders it and the pages
 * that show that title (its section's navigation, its neighbours...).
 *
 * List pages (level 1) also show other pages' summaries, which are known
 * only once level 0 is done: a list page whose key matches is a
 * candidate, and the worker reuses it when what it read, summaries
 * included, digests to the same value then.  The aggregates (level 2:
 * sitemap, feeds, search index) always render.
 *
 * Pages that rendered with a diagnostic are not kept (their warnings must
 * be said again), and neither is anything of a build in which a template
 * read site.build_time (the workers see every read, however the template
 * named it): such a page differs in every build.
 *
 * The cache file ("pages" in the state directory, cachefile.h) is written
 * by the writer after a build that published.  A missing, corrupt or
 * foreign file is nothing (missing) or one warning, and every page
 * renders.
 */
#ifndef BF_COORDINATOR_PAGECACHE_H
#define BF_COORDINATOR_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "coordinator/manifest.h"
#include "coordinator/output.h"
#include "coordinator/site.h"
#include "shared/buf.h"
#include "shared/farm.h"
#include "snapshot-format/reader.h"

#define BF_PAGECACHE_VERSION 4
/* Bumped by hand with any change to how a page renders that the binary's
 * own hash would not show (it always does: belt and braces). */
#define BF_PAGECACHE_BUILD_ID "pages-1"

typedef struct {
    bf_digest_t key;
    uint32_t word_count, reading_time, flags, excerpt_len;
    const char *excerpt;
    uint32_t n_out;
    bf_manifest_entry_t *out; /* the page's files: main output, aliases,
                                 pagers */
    bool list;                /* a list page (level 1): */
    uint32_t n_deps;          /* the summary records it read, */
    const uint32_t *deps;     /* by page id (valid: the key covers the
                                 site's page ids), */
    bf_digest_t deps_digest;  /* and their digest then */
} bf_pc_entry_t;

/* A tree pages are taken from besides OUT and the standby: a shard's
 * output, for the merge (coordinator/shard.h). */
typedef struct {
    const char *tree;             /* its directory */
    const char *label;            /* "shard 2", in messages */
    bf_buf_t file;                /* its page cache's payload, which its
                                     entries point into */
    bf_strmap_t by_name;          /* its entries */
} bf_pc_source_t;

typedef struct {
    bf_arena_t *arena;
    uint32_t n_pages;
    bf_digest_t *keys;            /* per page id; zero: not cacheable */
    const bf_pc_entry_t **reuse;  /* per page id: reused from this entry */
    bf_farm_summary_ref_t *reused; /* per page id: its summary when reused
                                     (the workers fill the table) */
    const bf_pc_entry_t **candidate; /* per list page id: its entry when
                                     the workers may reuse it */
    bf_farm_deps_ref_t *candidates;  /* the same, for the workers */
    const char **names;           /* per page id: its name in the cache
                                     (NULL: not cacheable) */
    bf_digest_t *meta;            /* per page id: the digest of what other
                                     pages can read of it */
    bf_digest_t all_meta;         /* of all of them (BF_FARM_DEPS_ALL) */
    bf_buf_t file;                /* the cache file's payload, which the
                                     entries point into */
    bf_arena_t *loaded;           /* the entries read from it (both freed
                                     when none is used) */
    uint32_t n_reused;
    uint16_t *from;               /* per page id: k + 1 when its files are
                                     in sources[k].tree; 0: OUT or the
                                     standby (NULL: no sources) */
    bf_pc_source_t *sources;
    unsigned n_sources, sources_cap;
} bf_pagecache_t;

/*
 * Computes every page's key and decides which pages are reused, from the
 * state directory's cache and the output's manifests (a page is reused
 * only when each of its files is in OUT or the standby with the recorded
 * content).  no_cache: keys only, nothing reused.  self: bf_inputs_self()
 * (coordinator/inputs.h), precompress: the zstd level or 0.  0, or -1 out of memory
 * (logged).  pc is always safe to pass to bf_pagecache_free().
 */
int bf_pagecache_plan(bf_pagecache_t *pc, bf_site_t *s, const bf_snap_t *snap, int state_fd,
                      const bf_output_t *out, bool no_cache, uint64_t self,
                      unsigned precompress);

/*
 * Adds the page cache of the state directory state_fd as a source whose
 * files are in the directory tree (label names it in messages), and
 * reuses from it every page of ids[0..n) that is not reused yet and
 * whose entry there matches as an entry of this site's own cache would
 * (same key, output, and records read).  Its files are not looked for
 * now: the writer reads each one back and checks it against the entry
 * (coordinator/writer.c).  *digest: of the cache's payload ({0, 0} when
 * there is none); *stale: pages it has an entry for that does not match
 * (made by another binary, or with other options).  The number of pages
 * taken, or -1 logged (unreadable, out of memory).
 */
int bf_pagecache_add_source(bf_pagecache_t *pc, const bf_snap_t *snap, int state_fd,
                            const char *tree, const char *label, const uint32_t *ids,
                            size_t n, bf_digest_t *digest, uint32_t *stale);

/* The digest of the page cache's payload in state_fd: 1, 0 when there is
 * none, -1 rejected (*why). */
int bf_pagecache_digest(int state_fd, bf_digest_t *digest, const char **why);

/* Reuses nothing but pages p with group[p] == k (a shard's pages). */
void bf_pagecache_only(bf_pagecache_t *pc, const uint32_t *group, uint32_t k);

/* How many of the reused pages have math (KaTeX is then published). */
uint32_t bf_pagecache_math(const bf_pagecache_t *pc);

/* Writes the cache for the next build (the writer, after publishing):
 * every cacheable page that rendered cleanly or was reused, with its
 * files from tree (page_of[i]: the page of tree entry i, or
 * BF_FARM_NONE).  0, or -1 with errno. */
int bf_pagecache_save(const bf_pagecache_t *pc, const bf_snap_t *snap,
                      const bf_farm_summary_t *sums, const bf_manifest_t *tree,
                      const uint32_t *page_of, const bf_farm_deps_ref_t *deps_of, int state_fd,
                      bool do_sync);

/* Removes the cache file (a build whose pages read the clock). */
void bf_pagecache_forget(int state_fd);

void bf_pagecache_free(bf_pagecache_t *pc);

#endif
