/*
 * coordinator/farm.h - forking the render farm and supervising it.
 *
 * bf_farm_run() creates the shared region (shared/farm.h: wave queue,
 * slots, summary table, a doorbell per writer, one ring per worker) before
 * fork, makes the staging directory beside the output, forks the writers
 * (coordinator/writer.h: W of them, each draining a fixed group of rings;
 * the lead, writer 0, publishes) and N workers (the entry point main.c
 * hands over in roles), and then only supervises: it reaps children and never renders
 * or touches ring contents.
 *
 *   - a worker that dies (signal, exit 1, OOM kill) is replaced in its slot
 *     and the replacement finishes the dead one's wave from the first page
 *     not yet pushed; a wave it had claimed but not recorded is released
 *     to the other workers (shared/farm.h); a page that killed two workers
 *     fails the build, named by its source file (with keep_going it is
 *     skipped instead and the build ends with status 1 after publishing
 *     the rest); a site-wide output (sitemap, feed...) that killed two
 *     workers fails the build, named;
 *   - a dead writer (any of them) fails the build with the previous output
 *     intact, and
 *     so do errors reported by the workers (--strict diagnostics);
 *   - SIGINT/SIGTERM stop the children, remove the staging directory and
 *     return 130/143;
 *   - but once the exchange has published (output.h tells), a dead writer
 *     or a signal is reported as what it is: the build is complete, 0;
 *   - children die with the coordinator (PR_SET_PDEATHSIG) and workers
 *     raise their oom_score_adj so the OOM killer picks them first.
 *
 * Returns the exit status of the build: 0 published; 1 not published or
 * pages skipped; 3 internal failure; 130/143 interrupted.
 */
#ifndef BF_COORDINATOR_FARM_H
#define BF_COORDINATOR_FARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coordinator/assets.h"
#include "coordinator/output.h"
#include "coordinator/pagecache.h"
#include "shared/farm.h"
#include "snapshot-format/reader.h"

typedef struct {
    const bf_snap_t *snap;
    const char *site_dir;     /* for messages: sources are site-relative */
    int root_fd;              /* the site directory, open: static/ and
                                 bundle resources are read beneath it */
    bf_output_t *output;      /* the output directory, prepared and locked
                                 (NULL for a dry run) */
    bool fsync;               /* sync the staged tree before publishing */
    unsigned jobs;            /* workers, >= 1 */
    unsigned writers;         /* writer processes (bf_jobs_writers), at
                                 most jobs; 0: one.  `check` has one */
    size_t ring_capacity;     /* bytes per ring */
    bool keep_going;
    unsigned page_timeout;    /* seconds a worker may spend on one page
                                 before it is killed (and the page retried
                                 like a crash); 0: no watchdog */
    bool progress;            /* pages done, rate, ETA on stderr (a TTY) */
    bool dry_run;             /* `check`: render everything, write nothing */
    bf_fault_t fault;
    const void *tmpl_env;     /* bf_tmpl_env_t * compiled before the farm
                                 runs (never NULL) */
    void *hl;                 /* bf_hl_t * with queries compiled before the
                                 farm runs (each worker has its copy), or
                                 NULL: each worker makes its own */
    bf_tmpl_profile_t *profile; /* not NULL: --profile-templates; the
                                 workers' tables are added into it */
    const bf_katex_t *katex;  /* published when a page has math; NULL:
                                 not found */
    const bf_pagecache_t *pages; /* pages reused from the last build; NULL:
                                 none (`check`) */
    unsigned precompress;     /* zstd level of FILE.zst outputs; 0: none */
    const bf_pack_t *pack;    /* the render pack, or NULL (shared/pack.h) */
    uint64_t self;            /* the binary's hash (bf_inputs_self) */
    const uint8_t *waves;     /* per wave, 1: render it; NULL: all.  A
                                 shard (coordinator/shard.h) renders its
                                 level-0 waves, and the writer publishes
                                 their pages' files alone: the other
                                 waves are counted finished before the
                                 workers start */
} bf_farm_opts_t;

typedef struct {
    uint32_t pages;           /* pages pushed */
    uint32_t warnings;
    uint32_t skipped;         /* pages skipped under keep_going */
    uint32_t respawns;        /* workers replaced */
    uint32_t writers;         /* writer processes */
    uint32_t math_pages;      /* pages with math (a page rendered twice
                                 after a worker died counts twice) */
    double render_seconds;    /* first fork until the last worker ended */
    double publish_seconds;   /* then until the writer published */
    uint64_t worker_rss_kb, writer_rss_kb; /* peak RSS of each role's children */
    uint64_t full_waits, empty_waits;
    uint64_t files_written, files_linked, files_kept, files_removed; /* the
                                 writer's, when it published */
    uint64_t bytes_written;
    uint32_t pages_reused;    /* of `pages`, not rendered (pagecache.h) */
    uint32_t md_from_pack;    /* of the rest, markdown from the render pack */
    uint64_t files_parsed;    /* set by the caller: content files parsed, */
    uint64_t files_unparsed;  /* and taken as parsed last time (srccache.h) */
    bool build_time_read;     /* a template read site.build_time */
    uint64_t busy_ns[256];    /* per worker slot (first 256) */
    uint64_t slot_pages[256];
} bf_farm_report_t;

int bf_farm_run(const bf_farm_opts_t *o, const bf_farm_roles_t *roles, bf_farm_report_t *rep);

/* Parses BENGAL_FAULT ("worker-crash:page=N", ...); 0, or -1 if malformed. */
int bf_farm_parse_fault(const char *spec, bf_fault_t *out);

#endif
