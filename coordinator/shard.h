/*
 * coordinator/shard.h - one site built by several machines (bengal-farm(1),
 * SHARDED BUILDS).
 *
 * Three commands share a state directory SHARED (--cache-dir), which every
 * machine sees at the same path or not (nothing here holds a path of
 * another machine):
 *
 *   plan      discovery and the snapshot, once: SHARED/plan/ holds the
 *             snapshot and the plan record (the number of shards N, the
 *             build time every shard uses, the snapshot's digest);
 *   build --shard I/N
 *             discovers the site again and proves its snapshot is the
 *             plan's (the snapshot is deterministic: same digest), then
 *             renders the level-0 waves of shard I into SHARED/shards/I/:
 *             an ordinary output tree (out/, published by the same atomic
 *             swap as any build) and an ordinary state directory
 *             (state/: its page cache is the shard's summaries: every
 *             page's title is in the snapshot already; the cache adds
 *             excerpts, word counts, the pages it read, its files with
 *             their digests).  Then, last, the record SHARED/shards/I/done
 *             names the plan and the digest of that page cache;
 *   merge     checks that every shard has its record, for this plan, with
 *             the page cache it names, then builds the site as one
 *             machine would, taking every level-0 page a shard rendered
 *             cleanly from its tree (each file read back and checked
 *             against the digest the shard recorded, then hard-linked, or
 *             copied across filesystems) and rendering the rest: list
 *             pages, aggregates, and pages a shard rendered with a warning
 *             (rendered again, so that the merge reports every warning
 *             once, sorted, as a one-machine build does).
 *
 * Which shard renders a wave is a function of the wave alone (its first
 * page's output path, hashed): not of timing or host.  A page keeps its
 * shard while the site changes around it, so each shard's own page cache
 * keeps working across nightly builds (incremental builds per shard).
 *
 * A shard's record is removed before it builds and written after it
 * published, so a shard killed mid-way has none, and its retry writes the
 * same files (the build is deterministic) and the record again.
 */
#ifndef BF_COORDINATOR_SHARD_H
#define BF_COORDINATOR_SHARD_H

#include <stdbool.h>
#include <stdint.h>

#include "coordinator/pagecache.h"
#include "shared/hash.h"
#include "snapshot-format/reader.h"

#define BF_SHARD_MAX 4096

typedef struct {
    uint32_t count;        /* N */
    int64_t now;           /* the build time of every shard and the merge */
    bf_digest_t snapshot;  /* bf_shard_snapshot_digest() of the plan's */
    bf_digest_t id;        /* of all of the above: names the plan */
} bf_shard_plan_t;

/* What a build does as part of a sharded build (bf_build_opts_t.shard). */
typedef struct {
    const char *shared;    /* SHARED */
    bf_shard_plan_t plan;
    uint32_t index;        /* build --shard: I; merge: BF_SHARD_MERGE */
} bf_shard_job_t;
#define BF_SHARD_MERGE UINT32_MAX

/* The digest of the snapshot's bytes. */
bf_digest_t bf_shard_snapshot_digest(const bf_snap_t *snap);

/* The shard that renders level-0 wave w, of count. */
uint32_t bf_shard_of(const bf_snap_t *snap, uint32_t wave, uint32_t count);

/* Per wave, 1 when shard index renders it (the level-0 waves of index);
 * NULL out of memory (logged).  free() it. */
uint8_t *bf_shard_waves(const bf_snap_t *snap, uint32_t index, uint32_t count);

/* Per page, the shard that renders it (BF_SHARD_NONE: no shard, the
 * merge: list pages, generated pages).  NULL out of memory (logged).
 * free() it. */
uint32_t *bf_shard_pages(const bf_snap_t *snap, uint32_t count);
#define BF_SHARD_NONE UINT32_MAX

/* "I/N" (0 <= I < N <= BF_SHARD_MAX), or "auto": I from
 * SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX and N unknown (0: the
 * plan's; SLURM_ARRAY_TASK_COUNT, when set, must agree).  0, or -1 with a
 * message in why. */
int bf_shard_parse(const char *arg, uint32_t *index, uint32_t *count, const char **why);

/* Paths under SHARED: "plan", "shards/I/state", "shards/I/out"...  into
 * out (cap bytes); -1 when too long. */
int bf_shard_path(char *out, size_t cap, const char *shared, uint32_t index, const char *what);

/* The plan record into SHARED/plan/plan (atomically; p->id is set).  0, or
 * -1 logged. */
int bf_shard_plan_save(const char *shared, bf_shard_plan_t *p);

/* The plan record of SHARED.  0, or -1 logged ("run `bengal-farm plan`"). */
int bf_shard_plan_load(const char *shared, bf_shard_plan_t *p);

/* Removes shard index's record (before it builds).  0, or -1 logged. */
int bf_shard_forget(const char *shared, uint32_t index);

/* Writes shard index's record after its build published: the plan's id
 * and the digest of its page cache.  0, or -1 logged. */
int bf_shard_done(const char *shared, const bf_shard_plan_t *p, uint32_t index);

/* Checks that every shard of the plan has its record, for this plan; each
 * one missing or foreign is named (all of them, then -1). */
int bf_shard_check_all(const char *shared, const bf_shard_plan_t *p);

/*
 * The merge's part of the page cache: for every level-0 page the plan's
 * shard rendered cleanly (its entry in the shard's page cache, whose
 * digest the shard's record names) and that pc does not already reuse,
 * the page is reused from the shard's tree (pc->from[id]: the source).
 * Entries whose key differs (another binary, other options) are rendered
 * again, and counted in the debug log.  0, or -1 logged (a shard whose
 * page cache is not the one its record names: changed since it
 * finished).
 */
int bf_shard_take(bf_pagecache_t *pc, const bf_snap_t *snap, const char *shared,
                  const bf_shard_plan_t *p);

#endif
