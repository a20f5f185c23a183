/*
 * shared/ring.h - single-producer/single-consumer byte rings in shared
 * memory, one per worker, all drained by the writer process.
 *
 * Records.  A record is (page id, output path, payload).  It travels as one
 * or more chunks; a chunk is a 32-byte header (bf_ring_chunk_t), then the
 * path (first chunk only), then a piece of the payload, padded to 32 bytes.
 * A record whose chunk would exceed half the ring (BF_RING_CHUNK_MAX) is cut
 * into chunks of at most that size, flagged FIRST ... LAST, so records
 * larger than the ring stream through it and producer and consumer overlap.
 * A chunk may wrap around the end of the data area; its header never does.
 *
 * Publication.  The producer writes a whole chunk, then stores head with
 * release order; the consumer loads head with acquire order and only ever
 * reads bytes below it.  A producer that dies mid-chunk therefore leaves
 * nothing visible: the bytes past head are overwritten by its successor.
 * A record small enough for one chunk is all or nothing.  A chunked record
 * can be cut between chunks: the consumer then holds an open record whose
 * LAST chunk never comes.  It is dropped (sink->abandon) either when the
 * replacement producer calls bf_ring_recover(), which publishes an ABANDON
 * marker in stream order (no handshake with the writer needed), or when
 * the writer calls bf_ring_reader_abandon() for a ring whose producer is
 * dead and will not be replaced.  Complete records a dead producer published
 * stay valid and are delivered.
 *
 * Waiting (no spinning, no sleep-polling; a spin burns the CPU quota):
 *  - The consumer sleeps on the doorbell (bf_ring_bell_t), one futex word
 *    shared by all rings of a writer.  bf_ring_reader_poll() loads the bell
 *    sequence before it scans the rings; bf_ring_reader_wait() sleeps only
 *    while the sequence is still that value.  Every producer bumps the
 *    sequence after each publish and calls FUTEX_WAKE only when the consumer
 *    said it is going to sleep (the `sleeping` flag, a Dekker pair with the
 *    bump, both sequentially consistent), so the common case is one atomic
 *    add and no system call.
 *  - A producer that lacks space stores how many bytes it needs in its
 *    ring's prod_need and sleeps on the ring's space_seq.  The consumer,
 *    after advancing tail, wakes it once enough space is free (clearing
 *    prod_need, so it wakes it once).
 *  - bf_ring_shutdown() sets the bell's shutdown flag and wakes everyone:
 *    a waiting producer's push fails with ESHUTDOWN, the consumer's run
 *    loop drains what is published and returns.
 * The futexes are shared (no FUTEX_PRIVATE_FLAG): the words live in a
 * MAP_SHARED region used by several processes.
 *
 * Memory.  Shared structs hold no pointers: bf_ring_hdr_t is followed by the
 * data area inside caller-provided memory (bf_ring_size_for / bf_ring_init),
 * created before fork (shared/shm.h).  bf_ring_t and bf_ring_reader_t are
 * process-local handles that point into it.
 *
 * Signals: a futex sleep interrupted by a signal is resumed, unless
 * bf_ctx.stop_signal is set; then the call fails with EINTR.
 */
#ifndef BF_SHARED_RING_H
#define BF_SHARED_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/fs.h"

#define BF_RING_CACHELINE 64
#define BF_RING_ALIGN 32                  /* chunk alignment in the data area */
#define BF_RING_MIN_CAPACITY (16u * 1024) /* data bytes */
#define BF_RING_MAX_CAPACITY (1u << 30)
#define BF_RING_PATH_MAX (BF_PATH_MAX - 1) /* bytes of an output path, no NUL */

#define BF_RING_MAGIC 0x474e4952u       /* "RING" */
#define BF_RING_BELL_MAGIC 0x4c4c4542u  /* "BELL" */
#define BF_RING_CHUNK_MAGIC 0x4b4e4843u /* "CHNK" */
#define BF_RING_VERSION 1u

/* Chunk flags. */
#define BF_RING_FIRST 0x1u   /* starts a record: path follows the header */
#define BF_RING_LAST 0x2u    /* ends the record */
#define BF_RING_ABANDON 0x4u /* marker: drop the open record, if any */

/* Cross-process atomics must not fall back to a process-local lock. */
_Static_assert(__atomic_always_lock_free(sizeof(uint64_t), 0), "u64 atomics");
_Static_assert(__atomic_always_lock_free(sizeof(uint32_t), 0), "u32 atomics");
_Static_assert(sizeof(_Atomic uint64_t) == 8 && sizeof(_Atomic uint32_t) == 4,
               "atomic sizes");

/*
 * The doorbell: one per writer, in shared memory.
 * Writers of each field are named; "init" is bf_ring_bell_init() in the
 * coordinator before fork.
 */
typedef struct {
    _Alignas(BF_RING_CACHELINE)
    _Atomic uint32_t seq;      /* producers (+1 per publish), coordinator
                                  (shutdown, bf_ring_bell_ring); consumer
                                  sleeps on it (futex word) */
    _Atomic uint32_t sleeping; /* consumer: 1 from just before it sleeps
                                  until it is awake again */
    _Atomic uint32_t shutdown; /* coordinator, once */
    uint32_t magic;            /* init */
    _Atomic uint64_t empty_waits; /* consumer: times it slept on the bell */
    uint8_t pad[40];
} bf_ring_bell_t;

_Static_assert(sizeof(bf_ring_bell_t) == 64, "bell is one cache line");
_Static_assert(offsetof(bf_ring_bell_t, seq) == 0, "bell layout");
_Static_assert(offsetof(bf_ring_bell_t, empty_waits) == 16, "bell layout");

/*
 * The ring header, followed by `capacity` data bytes.  Three cache lines:
 * constants, producer-written, consumer-written, so the two sides never
 * write the same line (prod_need aside, which changes only around a sleep).
 * head and tail count bytes since init and never wrap (2^64 bytes); the
 * data offset of a position is pos & (capacity - 1).
 */
typedef struct {
    /* line 0: init only (coordinator, before fork) */
    _Alignas(BF_RING_CACHELINE)
    uint32_t magic;
    uint32_t version;
    uint64_t capacity; /* data bytes, a power of two */
    uint8_t pad0[48];

    /* line 1: the producer (worker) only */
    _Alignas(BF_RING_CACHELINE)
    _Atomic uint64_t head;       /* end of published chunks (release) */
    _Atomic uint64_t full_waits; /* chunks that had to wait for space */
    _Atomic uint64_t records;    /* records completely published */
    _Atomic uint64_t bytes;      /* payload bytes of those records */
    uint8_t pad1[32];

    /* line 2: the consumer (writer) only, except prod_need */
    _Alignas(BF_RING_CACHELINE)
    _Atomic uint64_t tail;      /* end of consumed chunks */
    _Atomic uint32_t space_seq; /* consumer bumps it when it wakes the
                                   producer; producer sleeps on it (futex) */
    _Atomic uint32_t prod_need; /* producer sets the free bytes it waits for
                                   before sleeping; consumer clears it when
                                   it wakes it (0 = not waiting) */
    uint8_t pad2[48];
} bf_ring_hdr_t;

_Static_assert(sizeof(bf_ring_hdr_t) == 3 * BF_RING_CACHELINE, "ring header size");
_Static_assert(offsetof(bf_ring_hdr_t, capacity) == 8, "ring header layout");
_Static_assert(offsetof(bf_ring_hdr_t, head) == 64, "ring header layout");
_Static_assert(offsetof(bf_ring_hdr_t, bytes) == 88, "ring header layout");
_Static_assert(offsetof(bf_ring_hdr_t, tail) == 128, "ring header layout");
_Static_assert(offsetof(bf_ring_hdr_t, prod_need) == 140, "ring header layout");

/* A chunk header in the data area (written by the producer, before head
 * covers it; read-only for the consumer, which copies and validates it). */
typedef struct {
    uint32_t magic;    /* BF_RING_CHUNK_MAGIC */
    uint32_t size;     /* bytes after this header: path + payload piece */
    uint16_t flags;    /* BF_RING_FIRST | BF_RING_LAST | BF_RING_ABANDON */
    uint16_t path_len; /* FIRST: bytes of path after the header; else 0 */
    uint32_t page_id;
    uint64_t total;    /* payload bytes of the whole record */
    uint64_t offset;   /* payload offset of this chunk's piece */
} bf_ring_chunk_t;

_Static_assert(sizeof(bf_ring_chunk_t) == BF_RING_ALIGN, "chunk header size");
_Static_assert(offsetof(bf_ring_chunk_t, page_id) == 12, "chunk header layout");
_Static_assert(offsetof(bf_ring_chunk_t, offset) == 24, "chunk header layout");
_Static_assert(BF_RING_PATH_MAX <= UINT16_MAX, "path_len is 16 bits");
_Static_assert(BF_RING_PATH_MAX + sizeof(bf_ring_chunk_t) < BF_RING_MIN_CAPACITY / 2,
               "a first chunk holds the longest path");

/* Largest chunk (header + body + padding) of a ring of capacity cap. */
#define BF_RING_CHUNK_MAX(cap) ((cap) / 2)

/* Process-local handle on one ring (either side).  Plain data: it may be
 * filled in the coordinator and inherited over fork(). */
typedef struct {
    bf_ring_hdr_t *hdr;
    unsigned char *data;
    uint64_t mask;        /* capacity - 1 */
    uint64_t cached_tail; /* producer: last tail it loaded (a stale value
                             only underestimates free space) */
    bf_ring_bell_t *bell;
    bool kill_mid_record; /* producer, test hook (BENGAL_FAULT): SIGKILL
                             itself after the first chunk of a record cut
                             in chunks, as a crash mid-record would */
} bf_ring_t;

/* ---- setup (coordinator, before fork) ---- */

/* Shared bytes for a ring of at least capacity data bytes: the header plus
 * capacity rounded up to a power of two, at least BF_RING_MIN_CAPACITY.
 * 0 when that would exceed BF_RING_MAX_CAPACITY. */
size_t bf_ring_size_for(size_t capacity);

/* Initializes a ring in mem[0..size): the largest power-of-two data area
 * that fits, at most BF_RING_MAX_CAPACITY.  mem must be 64-byte aligned.
 * -1 with EINVAL when misaligned or too small for BF_RING_MIN_CAPACITY. */
int bf_ring_init(void *mem, size_t size);

void bf_ring_bell_init(bf_ring_bell_t *bell);

/* Fills a handle for the ring initialized at mem, which rings bell.
 * -1 with EINVAL when mem does not hold an initialized ring. */
int bf_ring_attach(bf_ring_t *r, void *mem, bf_ring_bell_t *bell);

/* ---- producer (one process per ring at a time) ---- */

/* Publishes one record; blocks (futex) while the ring lacks space.  path is
 * NUL-terminated, at most BF_RING_PATH_MAX bytes.  Errors: EINVAL (path too
 * long), ESHUTDOWN (bf_ring_shutdown was called), EINTR (a signal arrived
 * while bf_ctx.stop_signal is set).  After a failure part of a chunked
 * record may be published: the producer must stop pushing (it exits; the
 * consumer treats it like a dead producer). */
int bf_ring_push(bf_ring_t *r, uint32_t page_id, const char *path, const void *data,
                 size_t len);

/* Called once by a replacement producer before its first push: publishes an
 * ABANDON marker so the consumer drops a record its predecessor left open
 * (a no-op for the consumer if there is none).  Same errors as push. */
int bf_ring_recover(bf_ring_t *r);

/* ---- anyone ---- */

/* Bumps the doorbell and wakes the consumer, e.g. after the coordinator
 * recorded that a producer died. */
void bf_ring_bell_ring(bf_ring_bell_t *bell);

/* Sets the shutdown flag, then wakes the consumer and every producer of the
 * n rings that is waiting for space.  Idempotent. */
void bf_ring_shutdown(bf_ring_bell_t *bell, bf_ring_t *rings, unsigned n);

bool bf_ring_is_shutdown(const bf_ring_bell_t *bell);

typedef struct {
    uint64_t records;    /* complete records published */
    uint64_t bytes;      /* their payload bytes */
    uint64_t full_waits; /* chunks whose producer waited for space */
    uint64_t pending;    /* bytes published but not yet consumed */
} bf_ring_stats_t;

/* A racy but consistent-enough snapshot, for --stats-json and progress. */
void bf_ring_stats(const bf_ring_t *r, bf_ring_stats_t *out);
/* Times the consumer went to sleep on an empty doorbell. */
uint64_t bf_ring_bell_empty_waits(const bf_ring_bell_t *bell);

/* ---- consumer (the writer: one process for all rings of a bell) ---- */

/*
 * Where records go.  Chunks of different rings interleave, so the sink
 * keeps one state per ring index.  For each ring the calls are
 * begin (data)* end, or begin (data)* abandon.  path is NUL-terminated and
 * valid until end/abandon; data pointers point into the ring and are valid
 * only during the call.  A callback returning nonzero (with errno set) makes
 * the reader fail: poll returns -1 and the reader must not be used again.
 */
typedef struct {
    int (*begin)(void *arg, unsigned ring, uint32_t page_id, const char *path,
                 uint64_t len);
    int (*data)(void *arg, unsigned ring, const void *p, size_t n);
    int (*end)(void *arg, unsigned ring);
    void (*abandon)(void *arg, unsigned ring); /* may be NULL */
    void *arg;
} bf_ring_sink_t;

typedef struct bf_ring_reader bf_ring_reader_t;

/* A reader over n rings (handles are copied) sharing bell.  NULL with
 * ENOMEM or EINVAL (n == 0, a ring of another bell). */
bf_ring_reader_t *bf_ring_reader_new(bf_ring_bell_t *bell, const bf_ring_t *rings,
                                     unsigned n, const bf_ring_sink_t *sink);
void bf_ring_reader_free(bf_ring_reader_t *rd);

/* Delivers every chunk published so far, without sleeping.  Returns the
 * number of chunks consumed, or -1: EBADMSG for a corrupt ring (the reason
 * is in bf_ring_reader_why), or the errno of a failing sink callback. */
long bf_ring_reader_poll(bf_ring_reader_t *rd);

/* Sleeps until a producer publishes (or anyone rings) after the start of
 * the last poll, or shutdown.  Returns 1 on shutdown, 0 otherwise (also on
 * a spurious or signal wakeup: the caller polls again), -1 with EINTR when
 * bf_ctx.stop_signal is set. */
int bf_ring_reader_wait(bf_ring_reader_t *rd);

/* poll/wait until shutdown, then drains what was published and returns 0;
 * -1 as poll, or EINTR as wait. */
int bf_ring_reader_run(bf_ring_reader_t *rd);

/* For a ring whose producer is dead and will not be replaced: delivers the
 * complete chunks it published, then drops its open record (sink->abandon).
 * Must not be called while a live producer uses ring i (its open record
 * would be dropped); a replacement producer calls bf_ring_recover instead.
 * Returns 1 if a record was dropped, 0 if none was open, -1 as poll. */
int bf_ring_reader_abandon(bf_ring_reader_t *rd, unsigned i);

/* true while ring i has a record begun but not ended (e.g. at the end of a
 * build: the producer of that ring died mid-record). */
bool bf_ring_reader_open(const bf_ring_reader_t *rd, unsigned i);

/* Why the reader failed with EBADMSG ("ring 3 at 123456: bad chunk magic"). */
const char *bf_ring_reader_why(const bf_ring_reader_t *rd);

#endif
