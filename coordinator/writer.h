/*
 * coordinator/writer.h - the writer processes.
 *
 * A writer drains its group of the workers' rings (shared/ring.h; one
 * writer for up to 4 workers by default, coordinator/jobs.h) into files
 * under the staging directory, which all writers share.  When the
 * coordinator shuts the rings down after a successful render, the lead
 * (writer 0) gathers what the others placed, and publishes
 * (coordinator/publish.h): renameat2(RENAME_EXCHANGE) between the
 * staging directory and the output directory (plain rename on the first
 * build).  Until that one rename the previous output is untouched.
 *
 * Several writers in one directory: each writes changed files through a
 * temporary of its own (bf_writer_tmp_name) and takes EEXIST from mkdir
 * as another writer's directory; two writers never write one path but in
 * a collision, which fails the build.  The files of reused pages are
 * shared out by page (id modulo the writers).  Everything that is done
 * once for the tree (static files, resources, theme, KaTeX, stale
 * files, manifest, page cache, the swap) is the lead's.
 *
 * The staging directory is the standby when there is one (output.h): the
 * tree published the build before, described by its manifest
 * (manifest.h).  Each record is taken whole, its XXH3-128 computed, and
 * the file is kept when the standby has exactly it, hard-linked from OUT
 * when OUT has it, else written to a temporary and renamed (an inode may
 * be shared with OUT: never written in place); pages reused from the
 * last build (pagecache.h) are placed the same way without a record.
 * Files of the standby that the new tree lacks are removed, the new
 * tree's manifest and the page cache are saved, and after the exchange
 * the old output stays as the next standby.  A build that fails leaves a
 * manifest of what the staging tree holds, so the next one patches it.
 *
 * Files are opened beneath the staging directory's fd, by paths that pass
 * shared/fs.h's check (relative, no ".."), in directories the writer made
 * itself: nothing can be written outside it.  Each directory is created
 * once.
 *
 * Files that are not rendered are copied in after the rings are drained:
 * SITE/static/ to the root of the output, and the resources of leaf
 * bundles (and the non-markdown files of sections) beside their page.
 * They are read beneath the site's directory fd (shared/fs.h,
 * bf_fs_open_beneath): symlinks under static/ are skipped with a warning,
 * and a static/ that is itself a symlink out of the site is an error:
 * nothing outside the site is published.  KaTeX (coordinator/assets.h) is
 * copied too when a page has math; its symlinks are followed (Debian links
 * its fonts).  Such files are read whole, like records, to be compared.
 *
 * Collisions: the writer knows who wrote every path (a page's source, a
 * generated output, a static file, a bundle resource, the theme), and two
 * of them at one path fail the build with an error naming both, `check`
 * included.  The one documented override: static/_bengal/theme.css (or
 * theme.js) replaces the embedded theme's file (said with -v).  The page
 * a dead worker left half-written and its replacement writes again is the
 * same writer, not a collision.
 *
 * With fsync (--fsync), the staged tree is synced (syncfs) before the
 * exchange and the output's parent directory after it.
 *
 * Exit status: 0 published (the lead) or part recorded (the others); 1
 * not published (the build failed, a record
 * was left incomplete, a collision, or an I/O error, logged).
 */
#ifndef BF_COORDINATOR_WRITER_H
#define BF_COORDINATOR_WRITER_H

#include <stdbool.h>

#include "coordinator/assets.h"
#include "coordinator/output.h"
#include "coordinator/pagecache.h"
#include "shared/farm.h"
#include "shared/ring.h"
#include "snapshot-format/reader.h"

typedef struct {
    const char *staging;  /* made by the coordinator before fork */
    const char *output;
    const bf_output_t *out; /* its manifests and state directory; NULL
                               for `check` */
    const bf_pagecache_t *pages; /* reused pages, whose files the writer
                               keeps; the cache it saves; NULL: none */
    const bf_farm_summary_t *sums; /* the workers' summary records */
    bf_ring_bell_t *bell;     /* this writer's group's doorbell */
    bf_ring_t *rings;         /* its group: the rings of slots */
    unsigned n_rings;         /* [first_ring, first_ring + n_rings) */
    unsigned first_ring;
    unsigned writer;          /* this writer's index; 0: the lead */
    unsigned n_writers;       /* >= 1; 1 for `check` */
    const int *parts;         /* n_writers memfds made before fork: part g
                                 is writer g's record for the lead
                                 (publish.h); NULL with one writer */
    bf_farm_ctl_t *ctl;
    bf_fault_t fault;
    const bf_snap_t *snap;    /* page resources to copy */
    const char *site_dir;     /* for messages */
    int root_fd;              /* the site directory: static/ and resources
                                 are read beneath it */
    bool fsync;               /* sync the staged tree before publishing */
    bool dry_run;             /* `check`: drain and validate, write nothing */
    bool part;                /* a shard's part of the site (shard.h): the
                                 pages' files only; static files,
                                 resources, KaTeX and the theme's assets
                                 are the merge's */
    const bf_katex_t *katex;  /* published to BF_SNAP_KATEX_DIR when a
                                 page has math (ctl->math_pages); NULL: none */
    const bf_tmpl_embed_t *theme_assets; /* published to BF_SNAP_THEME_DIR
                                 unless static/ has them (worker/theme.h,
                                 by way of bf_farm_roles_t); NULL: none */
} bf_writer_args_t;

void bf_writer_main(const bf_writer_args_t *a) __attribute__((noreturn));

#endif
