/*
 * shared/farm.h - the render farm's shared control region.
 *
 * One MAP_SHARED region, made by the coordinator before fork and laid out
 * by bf_farm_layout():
 *
 *     ctl | slots[n_slots] | finished_waves[n_waves] | owners[n_waves] |
 *     kills[n_pages] | summaries[n_pages] | profiles[n_slots] |
 *     langs[n_slots] | bells[n_writers] | rings[n_slots]
 *
 * It is the only state the processes share besides the read-only snapshot.
 * Who writes what is named at each field; nobody else writes it.
 *
 * Writers: the rings are drained by n_writers writer processes, each a
 * fixed, contiguous group of slots (bf_farm_writer_of: slot i belongs to
 * writer i * n_writers / n_slots) with a doorbell of its own, so every
 * ring keeps one producer (the worker in its slot, or that worker's
 * replacement) and one consumer (its group's writer).  Writer 0, the
 * lead, publishes for all (coordinator/publish.h); the others count
 * themselves into ctl->writers_done when their part is recorded.
 *
 * Waves: level L owns waves [level_start[L], level_start[L+1]).  A worker
 * takes the next wave of the current level with one fetch-add on next[L]
 * (no lock, no round trip to the coordinator), then claims it with a
 * compare-and-swap of owners[w] from 0 to its slot + 1, and only then
 * records it in its slot (wave, done).  The claim word is the truth: a
 * wave whose cursor has passed but whose owner is 0 was taken by a worker
 * that died (or has not yet CASed: whoever CASes first renders it, the
 * other goes on).  When the cursor has run past the level, a worker sweeps
 * the level for unowned, unfinished waves, then sleeps on the `wake`
 * futex word.  The worker that finishes the last wave of a level advances
 * `level`, bumps `wake` and wakes all.
 *
 * A worker that dies leaves its slot's wave/done behind.  The coordinator
 * copies them into resume_wave/resume_at (that wave stays owned by the
 * slot, so the replacement, forked into the same slot and ring, finishes
 * it first and rewrites a half-written record in stream order), releases
 * every other unfinished wave the slot owned (claimed, never recorded:
 * the SIGKILL between CAS and record), bumps `wake` and wakes sleepers so
 * that they sweep.  A page is pushed to the ring before `done` is
 * advanced past it, so at most the page in flight is rendered twice, and
 * the writer overwrites the file with the same bytes.  Counting a finished
 * wave is idempotent (finished_waves[w] is exchanged to 1 first), so a
 * worker that dies between its last page and the count cannot make a
 * level end early or never.
 */
#ifndef BF_SHARED_FARM_H
#define BF_SHARED_FARM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/hash.h"
#include "shared/pack.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/profile.h"

#define BF_FARM_MAGIC 0x4d524146u /* "FARM" */
#define BF_FARM_LEVELS 3          /* = BF_SNAP_LEVELS */
#define BF_FARM_NONE 0xffffffffu
#define BF_FARM_EXCERPT_MAX 992   /* bytes of excerpt HTML kept per page */

typedef struct {
    uint32_t magic;
    uint32_t n_slots, n_waves, n_pages;     /* coordinator, before fork */
    uint32_t level_start[BF_FARM_LEVELS + 1];
    uint32_t n_writers;                     /* coordinator, before fork:
                                               writer processes, >= 1 */
    _Alignas(64) _Atomic uint32_t level;    /* the level being rendered
                                               (BF_FARM_LEVELS: all done); the
                                               worker that ends a level
                                               advances it */
    _Atomic uint32_t wake;                  /* futex word idle workers sleep
                                               on: bumped by the worker that
                                               ends a level and by the
                                               coordinator when it releases a
                                               dead worker's waves */
    _Atomic uint32_t next[BF_FARM_LEVELS];  /* workers: claim cursors */
    _Atomic uint32_t finished[BF_FARM_LEVELS]; /* workers: waves done */
    _Atomic uint32_t pages_done;            /* workers: pages pushed */
    _Atomic uint32_t failed;                /* coordinator: stop now */
    _Atomic uint32_t warnings;              /* workers: diagnostics */
    _Atomic uint32_t errors;                /* workers: page errors */
    _Atomic uint32_t math_pages;            /* workers: pages with math
                                               (the writer publishes KaTeX) */
    _Atomic uint32_t broken_n;              /* workers: broken-link records
                                               claimed in the broken file */
    _Atomic uint32_t claims;                /* workers: waves claimed (the
                                               claim fault counts them) */
    _Atomic uint32_t fault_fired;           /* anyone: a one-shot fault hook
                                               has fired */
    /* writers, before the lead publishes: what they did with the files,
     * each adding its own counts (files_removed: the lead alone) */
    _Atomic uint64_t files_written;         /* new content written */
    _Atomic uint64_t files_linked;          /* hard-linked from OUT */
    _Atomic uint64_t files_kept;            /* the standby had them */
    _Atomic uint64_t files_removed;         /* stale, removed */
    _Atomic uint64_t bytes_written;         /* bytes of the files written */
    _Atomic uint32_t pages_reused;          /* workers: pages not rendered,
                                               their outputs reused */
    _Atomic uint32_t build_time_read;       /* workers: a template read
                                               site.build_time: nothing of
                                               this build is reusable */
    _Atomic uint32_t md_from_pack;          /* workers: pages whose markdown
                                               came from the render pack */
    _Atomic uint32_t writers_done;          /* writers 1..n_writers-1: +1
                                               once their part is recorded
                                               (futex word the lead sleeps
                                               on) */
} bf_farm_ctl_t;
_Static_assert(sizeof(bf_farm_ctl_t) == 192, "ctl size");
_Static_assert(offsetof(bf_farm_ctl_t, n_writers) == 32, "ctl layout");
_Static_assert(offsetof(bf_farm_ctl_t, writers_done) == 180, "ctl layout");

typedef struct {
    _Atomic uint32_t pid;         /* coordinator: the process in the slot */
    _Atomic uint32_t wave;        /* worker: wave in hand, NONE when idle */
    _Atomic uint32_t done;        /* worker: pages of `wave` pushed */
    _Atomic uint32_t resume_wave; /* coordinator: wave a replacement must
                                     finish first, NONE */
    _Atomic uint32_t resume_at;   /* coordinator: its first page to render */
    _Atomic uint32_t generation;  /* coordinator: processes that used it */
    _Atomic uint64_t pages;       /* worker: pages rendered */
    _Atomic uint64_t busy_ns;     /* worker: time spent rendering */
    _Atomic uint32_t pushing;     /* worker: 1 while it hands a file to its
                                     ring (a full ring waits for the writer:
                                     not a stuck page, says the watchdog) */
    uint8_t pad[20];
} bf_farm_slot_t;
_Static_assert(sizeof(bf_farm_slot_t) == 64, "slot size");

/* What a level-0 render leaves for list pages (level 1) to show. */
typedef struct {
    _Atomic uint32_t ready;       /* worker: 1 once the rest is written
                                     (release; readers acquire) */
    uint32_t word_count;
    uint32_t reading_time;
    uint32_t flags;               /* BF_MD_HAS_* of the page */
    uint32_t excerpt_len;
    uint32_t cache;               /* worker: BF_FARM_SUM_CLEAN when the page
                                     rendered without a diagnostic (its
                                     outputs may be reused next build);
                                     coordinator: BF_FARM_SUM_REUSED */
    char excerpt[BF_FARM_EXCERPT_MAX]; /* HTML, cut at a tag boundary */
} bf_farm_summary_t;
#define BF_FARM_SUM_CLEAN 1u
#define BF_FARM_SUM_REUSED 2u

/*
 * Page reuse (coordinator/pagecache.h).  While a page renders, every page
 * whose record it reads (a title, a URL, a summary) is noted
 * (bf_farm_deps_note), and the worker sends the list with a digest of
 * those records to the writer, which keeps it in the page cache.  Next
 * build, a regular page whose key and digest match is not rendered (the
 * coordinator decides); a list page whose key matched is a candidate, and
 * the worker reuses it when what it read, summaries included, digests to
 * the same value now.
 *
 * Ring records with a page id marked by a bit below are not files: REUSE
 * (no payload) says "page's files are the candidate's", DEPS carries
 * the digest (16 bytes) and the ids read (u32 each).  Page ids stay
 * below 2^30.
 */
#define BF_FARM_RECORD_REUSE 0x80000000u
#define BF_FARM_RECORD_DEPS 0x40000000u
#define BF_FARM_RECORD_KEEP 0xc0000000u /* both bits: path is the file the
                                           trees hold with this size and
                                           digest (payload: u64 size,
                                           16 bytes digest); page
                                           BF_FARM_RECORD_NOPAGE: none
                                           (not NONE's bits, which are
                                           all set) */
#define BF_FARM_RECORD_PAGE 0x3fffffffu
#define BF_FARM_RECORD_NOPAGE 0x3ffffffeu

/* Looks for the file path in the trees a build takes files from (the
 * published output and the standby): 1, with its size and digest there,
 * when a tree that holds src with exactly src_size/src_digest also holds
 * path (a FILE.zst made from that very FILE); 0 otherwise. */
typedef int (*bf_farm_lookup_fn)(const void *ctx, const char *src, uint64_t src_size,
                                 bf_digest_t src_digest, const char *path, uint64_t *size,
                                 bf_digest_t *digest);

typedef struct {
    uint32_t *ids;
    size_t n, cap;
    int on;        /* noting */
    int overflow;  /* more than BF_FARM_DEPS_MAX pages read (or out of
                      memory): the page depends on every page's record */
    unsigned finishes; /* times ids was sorted (indexes into it moved) */
} bf_farm_deps_t;

/* Pages a page may read before it is taken to read them all: the list,
 * its digest and what the writer keeps stay linear in the site (a page
 * that lists a 10,000-page section would make them quadratic).  Such a
 * page's list is the one id BF_FARM_DEPS_ALL, and its digest is that of
 * every page's record (bf_farm_deps_ref_t.digest of the whole site). */
#define BF_FARM_DEPS_MAX 512
#define BF_FARM_DEPS_ALL 0xffffffffu

/* A reused page's summary, from the page cache (excerpt NULL: the page
 * is not reused). */
typedef struct {
    uint32_t word_count, reading_time, flags, excerpt_len;
    const char *excerpt;
} bf_farm_summary_ref_t;

/* A candidate's record of what it read (ids NULL: not a candidate). */
typedef struct {
    const uint32_t *ids;
    uint32_t n;
    bf_digest_t digest;
} bf_farm_deps_ref_t;

void bf_farm_deps_note(bf_farm_deps_t *d, uint32_t id);
/* Sorts and dedups d->ids. */
void bf_farm_deps_finish(bf_farm_deps_t *d);
/* The digest of what a page read of the pages ids[0..n): their records
 * (meta[id], one digest per page, coordinator/pagecache.h) and, for a
 * list page (sums not NULL), their summary records. */
bf_digest_t bf_farm_deps_digest(const bf_digest_t *meta, const bf_farm_summary_t *sums,
                                const uint32_t *ids, size_t n);
_Static_assert(sizeof(bf_farm_summary_t) == 1016, "summary size");

/*
 * A worker's --profile-templates counters (shared/tmpl/profile.h records),
 * one table per slot.  Written by the worker in the slot: it copies its
 * whole table here after each wave (entries first, then n with release),
 * and a replacement starts from what its predecessor left.  Read by the
 * coordinator once every worker has ended.  Pages stay untouched (and so
 * cost no memory) when profiling is off.
 */
#define BF_FARM_PROFILE_MAX 480
typedef struct {
    _Atomic uint32_t n;           /* worker: entries valid */
    uint32_t dropped;             /* worker: entries that did not fit */
    uint8_t pad[56];
    bf_tprof_entry_t e[BF_FARM_PROFILE_MAX];
} bf_farm_profile_t;
_Static_assert(sizeof(bf_farm_profile_t) == 64 + 136 * BF_FARM_PROFILE_MAX, "profile size");

/*
 * The languages of code blocks a worker had no highlighting grammar for
 * (worker/highlight.h), with their numbers of pages, one table per slot,
 * like the profiles: written by the worker in the slot after each wave
 * (entries first, then n with release), and a replacement starts from
 * what its predecessor left; read by the coordinator once every worker
 * has ended, which warns once for the whole build.  Names past the
 * table's size are counted under "...".
 */
#define BF_FARM_LANGS_MAX 32
#define BF_FARM_LANG_NAME 28
typedef struct {
    _Atomic uint32_t n;           /* worker: entries valid */
    uint32_t grammars;            /* worker: languages compiled in (0: the
                                     binary was built without grammars) */
    uint8_t pad[56];
    struct {
        char name[BF_FARM_LANG_NAME]; /* lowercase, NUL-terminated */
        uint32_t pages;
    } e[BF_FARM_LANGS_MAX];
} bf_farm_langs_t;
_Static_assert(sizeof(bf_farm_langs_t) == 64 + 32 * BF_FARM_LANGS_MAX, "langs size");

/*
 * Broken links and cross-references the workers find, which the
 * coordinator lists at the end of the build, sorted by file and line and
 * each once (a page rendered again after a worker died reports again).
 * They go to one unlinked memory file (memfd) made before fork, not to the
 * mapped region: it holds any number of them and costs memory only for
 * what is written.  A worker claims record i with one fetch-add on
 * ctl->broken_n and writes it with one pwrite at i * sizeof(record); a
 * record whose worker died before the pwrite reads as zeros (ready 0) and
 * is skipped.  A message longer than the record is cut, marked "...".
 */
typedef struct {
    uint32_t ready;          /* worker: BF_FARM_BROKEN_READY */
    uint32_t page;           /* page whose source has it */
    uint32_t line;           /* in the source file, 1-based; 0 unknown */
    uint8_t error;           /* 1: an error (--strict), 0: a warning */
    uint8_t pad[3];
    uint32_t fragment;       /* the included file (snapshot fragment id)
                                the line is in; NONE: the page's own */
    char message[236];       /* NUL-terminated, without the location */
} bf_farm_broken_t;
_Static_assert(sizeof(bf_farm_broken_t) == 256, "broken entry size");
#define BF_FARM_BROKEN_READY 0x4b4e5242u /* "BRNK" */

typedef struct {
    size_t slots, waves, owners, kills, summaries, profiles, langs,
        bells,  /* n_writers doorbells (bf_ring_bell_t), one per group */
        rings, ring_size, total;
} bf_farm_layout_t;

struct bf_snap;   /* snapshot-format/reader.h: shared/ may not include it */

/* Fault injection for tests (BENGAL_FAULT, parsed by the coordinator):
 * "worker-crash:page=P" crashes (SIGSEGV) the first worker that renders
 * page P, "worker-crash-always:page=P" every one, "worker-oom:page=P" the
 * first one as the OOM killer would (SIGKILL), "worker-hang:page=P" makes
 * it hang (for interrupting a build), "worker-kill-at-claim:claims=N"
 * SIGKILLs the worker that takes the N-th wave, between the fetch-add and
 * the claim (once), "worker-kill-mid-record:page=P" SIGKILLs the first
 * worker that pushes page P after the first chunk of a record cut in
 * chunks, "aggregate-crash-always" SIGKILLs every worker that renders a
 * site-wide output (sitemap, feeds...), "writer-crash:files=N" kills the
 * writer after N files (0: once its rings are drained),
 * "writer-stall:seconds=S" makes it sleep S seconds after its first file
 * (a stalled disk: the rings fill up), "writer-enospc:files=N" fails the
 * writer's N-th file write with ENOSPC (a full disk) (these three take
 * ",writer=G" after N: writer G of several; the lead, 0, by default),
 * "writer-kill-after-swap" SIGKILLs it just after the
 * exchange that publishes, "build-kill-removing:removed=N" SIGKILLs the
 * coordinator and the writer (a whole build killed) once the writer has
 * removed N top-level entries of the previous output after the exchange, "worker-rlimit-as:mib=M" gives every worker an
 * address-space limit (RLIMIT_AS) of M MiB above what it has mapped when
 * it starts (out of memory in workers only).  P is a page id or a content path
 * ("docs/intro"). */
typedef enum {
    BF_FAULT_NONE = 0,
    BF_FAULT_WORKER_CRASH,
    BF_FAULT_WORKER_CRASH_ALWAYS,
    BF_FAULT_WORKER_OOM,
    BF_FAULT_WORKER_HANG,
    BF_FAULT_WORKER_KILL_AT_CLAIM,
    BF_FAULT_WORKER_KILL_MID_RECORD,
    BF_FAULT_AGGREGATE_CRASH_ALWAYS,
    BF_FAULT_WORKER_RLIMIT_AS,
    BF_FAULT_WRITER_CRASH,
    BF_FAULT_WRITER_STALL,
    BF_FAULT_WRITER_ENOSPC,
    BF_FAULT_WRITER_KILL_AFTER_SWAP,
    BF_FAULT_BUILD_KILL_REMOVING,
} bf_fault_kind_t;

typedef struct {
    bf_fault_kind_t kind;
    uint32_t arg;       /* page id, or number of files */
    uint32_t writer;    /* writer-crash, -stall, -enospc: which writer */
    char page[256];     /* the page as a content path, until resolved */
} bf_fault_t;

/* What a worker process is given (filled before fork, inherited). */
typedef struct {
    const struct bf_snap *snap;
    bf_farm_ctl_t *ctl;
    bf_farm_slot_t *slots;
    _Atomic uint8_t *finished_waves; /* workers: 1 once a wave is counted */
    _Atomic uint32_t *owners;        /* per wave: claiming slot + 1, 0 free */
    _Atomic uint8_t *kills;          /* coordinator: deaths per page */
    bf_farm_summary_t *summaries;
    bf_farm_profile_t *profile;      /* this slot's table; NULL: not profiling */
    bf_farm_langs_t *langs;          /* this slot's unknown code languages */
    int broken_fd;                   /* memfd of broken-link records */
    const void *tmpl_env;            /* bf_tmpl_env_t * compiled before fork,
                                        read-only (the site's templates and
                                        the theme's: never NULL) */
    void *hl;                        /* bf_hl_t * prepared before fork (this
                                        process's copy, its own to use and
                                        free); NULL: make one */
    void *ring;                      /* bf_ring_t * of this worker's slot */
    unsigned slot;
    const char *site_dir;            /* for messages */
    bf_fault_t fault;
    const bf_farm_summary_ref_t *reused; /* per page: its summary when its
                                        outputs are reused (coordinator/
                                        pagecache.h): not rendered, the
                                        worker copies the summary into
                                        the table; NULL: none */
    const bf_farm_deps_ref_t *candidates; /* per page: a list page that
                                        may be reused (see above); NULL:
                                        no page cache, nothing noted */
    const bf_digest_t *page_meta;    /* per page: the digest of its record */
    bf_digest_t all_meta;            /* the digest of every page's record */
    unsigned precompress;            /* zstd level of FILE.zst beside each
                                        text output; 0: none */
    bf_farm_lookup_fn lookup;        /* unchanged FILE.zst to keep, not */
    const void *lookup_ctx;          /* compress again; NULL: none */
    int root_fd;                     /* the site: static/ to precompress */
    const bf_pack_t *pack;           /* the render pack (markdown results
                                        of earlier builds); NULL: none */
    uint64_t self;                   /* the binary's hash (its keys) */
} bf_farm_worker_args_t;

/* Worker entry points handed to the coordinator by main.c (STYLE 3: the
 * coordinator does not include worker/). */
typedef struct {
    void (*main)(const bf_farm_worker_args_t *a) __attribute__((noreturn));
    /* The highlighting languages compiled in (worker/highlight.h): the
     * i-th name and its package, NULL past the last (`version`). */
    const char *(*language)(size_t i, const char **package);
    /* The embedded theme (worker/theme.h): its templates, compiled after
     * the site's and planned against, and its assets, published by the
     * writer.  Tables ending with a NULL name. */
    const bf_tmpl_embed_t *theme;
    const bf_tmpl_embed_t *theme_assets;
    /* A highlighter (worker/highlight.h) with the languages langs[0..n)
     * compiled on up to `threads` threads, for the workers to inherit
     * (bf_farm_worker_args_t.hl); NULL on out of memory.  hl_free frees it. */
    void *(*hl_prepare)(const char *const *langs, size_t n, unsigned threads);
    void (*hl_free)(void *hl);
} bf_farm_roles_t;

/* Are all the waves of level counted finished (none: yes)? */
static inline int bf_farm_level_done(bf_farm_ctl_t *c, uint32_t level)
{
    return atomic_load(&c->finished[level]) == c->level_start[level + 1] - c->level_start[level];
}

/* Offsets of the parts for n_slots workers drained by n_writers writers
 * (1..n_slots), n_waves waves, n_pages pages, rings of ring_capacity data
 * bytes each.  -1 on overflow or a bad count. */
int bf_farm_layout(uint32_t n_slots, uint32_t n_writers, uint32_t n_waves, uint32_t n_pages,
                   size_t ring_capacity, bf_farm_layout_t *out);

/* The writer whose group slot belongs to: slot * n_writers / n_slots.
 * Groups are contiguous and differ in size by at most one ring. */
unsigned bf_farm_writer_of(unsigned slot, unsigned n_slots, unsigned n_writers);

/* Writer g's group: slots [*first, *first + *count).  count >= 1 when
 * n_writers <= n_slots. */
void bf_farm_group(unsigned g, unsigned n_slots, unsigned n_writers, unsigned *first,
                   unsigned *count);

#endif
