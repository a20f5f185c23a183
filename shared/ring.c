/*
 * shared/ring.c - SPSC byte rings in shared memory (see ring.h for the
 * record format and the wait protocol).
 *
 * Invariants:
 *  - tail <= head <= tail + capacity; both are multiples of BF_RING_ALIGN,
 *    so a chunk header (BF_RING_ALIGN bytes) never wraps.
 *  - Bytes in [tail, head) are complete chunks, written before head was
 *    stored (release) and not touched again until tail passes them.
 *  - Only the producer stores head, only the consumer stores tail and
 *    space_seq; prod_need is set by the producer and cleared by either.
 *
 * Ordering: head/tail publication is release/acquire.  The two sleep
 * protocols are Dekker pairs (store my flag, then load the other side's
 * progress) and use sequentially consistent operations for both halves:
 *   consumer: sleeping = 1; load bell.seq      producer: bell.seq++; load sleeping
 *   producer: prod_need = n; load tail         consumer: store tail; load prod_need
 * so at least one side sees the other, and the futex value check closes
 * the remaining window between the check and the sleep.  Flags are cleared
 * only where a bump of the futex word follows: the consumer clears its own
 * `sleeping`; the consumer clears prod_need with a compare-and-swap and
 * then bumps space_seq, so even a clear that hits a later sleep's value is
 * followed by a bump that sleep cannot miss (it loaded space_seq before it
 * stored prod_need).
 */
#include "shared/ring.h"

#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/ctx.h"
#include "shared/futex.h"

#define CHUNK_HDR ((uint64_t)sizeof(bf_ring_chunk_t))

static uint64_t align_up(uint64_t n)
{
    return (n + BF_RING_ALIGN - 1) & ~(uint64_t)(BF_RING_ALIGN - 1);
}

/* After a futex wait returned -1: should the caller give up?  Only a
 * signal the process wants to act on (STYLE 7: handlers set the flag). */
static bool stop_requested(void)
{
    return errno == EINTR && bf_ctx.stop_signal;
}

/* ---- setup ---- */

size_t bf_ring_size_for(size_t capacity)
{
    if (capacity > BF_RING_MAX_CAPACITY)
        return 0;
    size_t cap = BF_RING_MIN_CAPACITY;
    while (cap < capacity)
        cap <<= 1;
    return sizeof(bf_ring_hdr_t) + cap;
}

int bf_ring_init(void *mem, size_t size)
{
    if ((uintptr_t)mem % BF_RING_CACHELINE != 0 ||
        size < sizeof(bf_ring_hdr_t) + BF_RING_MIN_CAPACITY) {
        errno = EINVAL;
        return -1;
    }
    size_t avail = size - sizeof(bf_ring_hdr_t);
    uint64_t cap = BF_RING_MAX_CAPACITY;
    while (cap > avail)
        cap >>= 1;

    bf_ring_hdr_t *h = mem;
    memset(h, 0, sizeof *h);
    h->magic = BF_RING_MAGIC;
    h->version = BF_RING_VERSION;
    h->capacity = cap;
    atomic_init(&h->head, 0);
    atomic_init(&h->full_waits, 0);
    atomic_init(&h->records, 0);
    atomic_init(&h->bytes, 0);
    atomic_init(&h->tail, 0);
    atomic_init(&h->space_seq, 0);
    atomic_init(&h->prod_need, 0);
    atomic_thread_fence(memory_order_release);
    return 0;
}

void bf_ring_bell_init(bf_ring_bell_t *bell)
{
    memset(bell, 0, sizeof *bell);
    atomic_init(&bell->seq, 0);
    atomic_init(&bell->sleeping, 0);
    atomic_init(&bell->shutdown, 0);
    atomic_init(&bell->empty_waits, 0);
    bell->magic = BF_RING_BELL_MAGIC;
    atomic_thread_fence(memory_order_release);
}

int bf_ring_attach(bf_ring_t *r, void *mem, bf_ring_bell_t *bell)
{
    bf_ring_hdr_t *h = mem;
    if (!mem || !bell || (uintptr_t)mem % BF_RING_CACHELINE != 0 ||
        h->magic != BF_RING_MAGIC || h->version != BF_RING_VERSION ||
        bell->magic != BF_RING_BELL_MAGIC || h->capacity < BF_RING_MIN_CAPACITY ||
        h->capacity > BF_RING_MAX_CAPACITY || (h->capacity & (h->capacity - 1))) {
        errno = EINVAL;
        return -1;
    }
    r->hdr = h;
    r->data = (unsigned char *)mem + sizeof *h;
    r->mask = h->capacity - 1;
    r->cached_tail = atomic_load_explicit(&h->tail, memory_order_acquire);
    r->bell = bell;
    r->kill_mid_record = false;
    return 0;
}

/* ---- anyone ---- */

void bf_ring_bell_ring(bf_ring_bell_t *bell)
{
    atomic_fetch_add(&bell->seq, 1);
    /* Skip the system call unless the consumer announced it sleeps.  Only
     * the consumer clears the flag: a producer clearing it after a stale
     * look could erase the announcement of a later sleep and lose the
     * wakeup.  Several producers may wake the same sleep; that costs a few
     * system calls, once per sleep. */
    if (atomic_load(&bell->sleeping))
        bf_futex_wake(&bell->seq, 1);
}

void bf_ring_shutdown(bf_ring_bell_t *bell, bf_ring_t *rings, unsigned n)
{
    atomic_store(&bell->shutdown, 1);
    atomic_fetch_add(&bell->seq, 1);
    bf_futex_wake(&bell->seq, INT_MAX);
    for (unsigned i = 0; i < n; i++) {
        atomic_fetch_add(&rings[i].hdr->space_seq, 1);
        bf_futex_wake(&rings[i].hdr->space_seq, INT_MAX);
    }
}

bool bf_ring_is_shutdown(const bf_ring_bell_t *bell)
{
    return atomic_load_explicit(&bell->shutdown, memory_order_acquire) != 0;
}

void bf_ring_stats(const bf_ring_t *r, bf_ring_stats_t *out)
{
    bf_ring_hdr_t *h = r->hdr;
    out->records = atomic_load_explicit(&h->records, memory_order_relaxed);
    out->bytes = atomic_load_explicit(&h->bytes, memory_order_relaxed);
    out->full_waits = atomic_load_explicit(&h->full_waits, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&h->tail, memory_order_acquire);
    uint64_t head = atomic_load_explicit(&h->head, memory_order_acquire);
    out->pending = head >= tail ? head - tail : 0;
}

uint64_t bf_ring_bell_empty_waits(const bf_ring_bell_t *bell)
{
    return atomic_load_explicit(&bell->empty_waits, memory_order_relaxed);
}

/* ---- producer ---- */

/* Copies n bytes to stream position pos, wrapping at the end of the data. */
static void put(bf_ring_t *r, uint64_t pos, const void *src, uint64_t n)
{
    if (n == 0)
        return;
    uint64_t off = pos & r->mask;
    uint64_t first = r->mask + 1 - off;
    if (first > n)
        first = n;
    memcpy(r->data + off, src, first);
    if (n > first)
        memcpy(r->data, (const unsigned char *)src + first, n - first);
}

/* Returns once need bytes are free after head; sleeps on space_seq. */
static int wait_space(bf_ring_t *r, uint64_t head, uint64_t need)
{
    bf_ring_hdr_t *h = r->hdr;
    uint64_t cap = r->mask + 1;

    if (cap - (head - r->cached_tail) >= need)
        return 0;
    r->cached_tail = atomic_load_explicit(&h->tail, memory_order_acquire);
    if (cap - (head - r->cached_tail) >= need)
        return 0;

    atomic_fetch_add_explicit(&h->full_waits, 1, memory_order_relaxed);
    for (;;) {
        /* seq before the shutdown flag and tail: a wake after these loads
         * changes seq, so the futex below does not sleep through it. */
        uint32_t seq = atomic_load(&h->space_seq);
        if (atomic_load(&r->bell->shutdown)) {
            atomic_store(&h->prod_need, 0);
            errno = ESHUTDOWN;
            return -1;
        }
        atomic_store(&h->prod_need, (uint32_t)need);
        r->cached_tail = atomic_load(&h->tail);
        if (cap - (head - r->cached_tail) >= need) {
            atomic_store(&h->prod_need, 0);
            return 0;
        }
        if (bf_futex_wait(&h->space_seq, seq, 0) == -1 && stop_requested()) {
            atomic_store(&h->prod_need, 0);
            errno = EINTR;
            return -1;
        }
    }
}

/* Writes one chunk at *head, publishes it and advances *head. */
static int put_chunk(bf_ring_t *r, uint64_t *head, const bf_ring_chunk_t *ch,
                     const void *path, const void *piece, uint64_t piece_len)
{
    uint64_t need = CHUNK_HDR + align_up(ch->size);
    if (wait_space(r, *head, need) != 0)
        return -1;
    memcpy(r->data + (*head & r->mask), ch, sizeof *ch);
    put(r, *head + CHUNK_HDR, path, ch->path_len);
    put(r, *head + CHUNK_HDR + ch->path_len, piece, piece_len);
    *head += need;
    atomic_store_explicit(&r->hdr->head, *head, memory_order_release);
    bf_ring_bell_ring(r->bell);
    return 0;
}

int bf_ring_push(bf_ring_t *r, uint32_t page_id, const char *path, const void *data,
                 size_t len)
{
    size_t path_len = strnlen(path, BF_RING_PATH_MAX + 1);
    if (path_len > BF_RING_PATH_MAX) {
        errno = EINVAL;
        return -1;
    }
    bf_ring_hdr_t *h = r->hdr;
    uint64_t body_max = BF_RING_CHUNK_MAX(r->mask + 1) - CHUNK_HDR;
    uint64_t head = atomic_load_explicit(&h->head, memory_order_relaxed);
    uint64_t off = 0;
    const unsigned char *bytes = data;
    bf_ring_chunk_t ch = {
        .magic = BF_RING_CHUNK_MAGIC,
        .flags = BF_RING_FIRST,
        .path_len = (uint16_t)path_len,
        .page_id = page_id,
        .total = len,
    };

    for (;;) {
        uint64_t room = body_max - ch.path_len;
        uint64_t piece = len - off < room ? len - off : room;
        if (off + piece == len)
            ch.flags |= BF_RING_LAST;
        ch.size = (uint32_t)(ch.path_len + piece);
        ch.offset = off;
        if (put_chunk(r, &head, &ch, path, bytes + off, piece) != 0)
            return -1;
        off += piece;
        if (ch.flags & BF_RING_LAST)
            break;
        if (r->kill_mid_record)
            raise(SIGKILL);
        ch.flags = 0;
        ch.path_len = 0;
    }
    atomic_fetch_add_explicit(&h->records, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->bytes, len, memory_order_relaxed);
    return 0;
}

int bf_ring_recover(bf_ring_t *r)
{
    bf_ring_hdr_t *h = r->hdr;
    /* The predecessor may have died asleep with prod_need set. */
    atomic_store(&h->prod_need, 0);
    r->cached_tail = atomic_load_explicit(&h->tail, memory_order_acquire);
    uint64_t head = atomic_load_explicit(&h->head, memory_order_relaxed);
    bf_ring_chunk_t ch = {.magic = BF_RING_CHUNK_MAGIC, .flags = BF_RING_ABANDON};
    return put_chunk(r, &head, &ch, NULL, NULL, 0);
}

/* ---- consumer ---- */

typedef struct {
    bf_ring_t ring;
    uint64_t tail;     /* local copy; the consumer is its only writer */
    bool open;         /* a record is begun and not ended */
    uint32_t page_id;  /* of the open record */
    uint64_t total;    /* its payload length */
    uint64_t got;      /* payload bytes delivered so far */
    char path[BF_RING_PATH_MAX + 1];
} ring_state_t;

struct bf_ring_reader {
    bf_ring_bell_t *bell;
    bf_ring_sink_t sink;
    unsigned n;
    uint32_t seen;  /* bell.seq at the start of the last poll */
    int failed;     /* errno of the failure that stopped the reader, or 0 */
    char why[160];
    ring_state_t st[];
};

bf_ring_reader_t *bf_ring_reader_new(bf_ring_bell_t *bell, const bf_ring_t *rings,
                                     unsigned n, const bf_ring_sink_t *sink)
{
    size_t bytes;
    if (n == 0 || !sink->begin || !sink->data || !sink->end) {
        errno = EINVAL;
        return NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        if (rings[i].bell != bell) {
            errno = EINVAL;
            return NULL;
        }
    }
    if (__builtin_mul_overflow((size_t)n, sizeof(ring_state_t), &bytes) ||
        __builtin_add_overflow(bytes, sizeof(bf_ring_reader_t), &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    bf_ring_reader_t *rd = calloc(1, bytes);
    if (!rd)
        return NULL;
    rd->bell = bell;
    rd->sink = *sink;
    rd->n = n;
    rd->seen = atomic_load_explicit(&bell->seq, memory_order_acquire);
    for (unsigned i = 0; i < n; i++) {
        rd->st[i].ring = rings[i];
        rd->st[i].tail = atomic_load_explicit(&rings[i].hdr->tail, memory_order_acquire);
    }
    return rd;
}

void bf_ring_reader_free(bf_ring_reader_t *rd)
{
    free(rd);
}

static int corrupt(bf_ring_reader_t *rd, unsigned i, uint64_t pos, const char *what)
{
    snprintf(rd->why, sizeof rd->why, "ring %u at %llu: %s", i, (unsigned long long)pos,
             what);
    rd->failed = EBADMSG;
    errno = EBADMSG;
    return -1;
}

static int sink_failed(bf_ring_reader_t *rd)
{
    if (errno == 0)
        errno = EIO;
    rd->failed = errno;
    snprintf(rd->why, sizeof rd->why, "sink: %s", strerror(errno));
    return -1;
}

static void drop_open(bf_ring_reader_t *rd, unsigned i)
{
    rd->st[i].open = false;
    if (rd->sink.abandon)
        rd->sink.abandon(rd->sink.arg, i);
}

/* Hands n payload bytes at stream position pos to the sink: one call, or
 * two when they wrap. */
static int give(bf_ring_reader_t *rd, unsigned i, uint64_t pos, uint64_t n)
{
    bf_ring_t *r = &rd->st[i].ring;
    while (n > 0) {
        uint64_t off = pos & r->mask;
        uint64_t k = r->mask + 1 - off;
        if (k > n)
            k = n;
        errno = 0;
        if (rd->sink.data(rd->sink.arg, i, r->data + off, (size_t)k) != 0)
            return sink_failed(rd);
        pos += k;
        n -= k;
    }
    return 0;
}

/* Starts a record from a FIRST chunk; returns the payload bytes it holds. */
static int64_t begin_record(bf_ring_reader_t *rd, unsigned i, const bf_ring_chunk_t *ch,
                            uint64_t pos)
{
    ring_state_t *rs = &rd->st[i];
    bf_ring_t *r = &rs->ring;
    if (rs->open)
        return corrupt(rd, i, pos, "record begun inside another");
    if (ch->path_len > BF_RING_PATH_MAX || ch->path_len > ch->size || ch->offset != 0)
        return corrupt(rd, i, pos, "bad first chunk");
    uint64_t off = (pos + CHUNK_HDR) & r->mask;
    uint64_t k = r->mask + 1 - off;
    if (k > ch->path_len)
        k = ch->path_len;
    memcpy(rs->path, r->data + off, k);
    memcpy(rs->path + k, r->data, ch->path_len - k);
    rs->path[ch->path_len] = '\0';
    if (memchr(rs->path, '\0', ch->path_len))
        return corrupt(rd, i, pos, "NUL in output path");
    rs->open = true;
    rs->page_id = ch->page_id;
    rs->total = ch->total;
    rs->got = 0;
    errno = 0;
    if (rd->sink.begin(rd->sink.arg, i, ch->page_id, rs->path, ch->total) != 0)
        return sink_failed(rd);
    return (int64_t)(ch->size - ch->path_len);
}

/* Delivers the chunk whose validated header is ch, at stream position pos. */
static int deliver(bf_ring_reader_t *rd, unsigned i, const bf_ring_chunk_t *ch,
                   uint64_t pos)
{
    ring_state_t *rs = &rd->st[i];
    uint64_t piece;

    if (ch->flags == BF_RING_ABANDON) {
        if (ch->size != 0)
            return corrupt(rd, i, pos, "abandon marker with a body");
        if (rs->open)
            drop_open(rd, i);
        return 0;
    }
    if (ch->flags & ~(BF_RING_FIRST | BF_RING_LAST))
        return corrupt(rd, i, pos, "bad chunk flags");
    if (ch->flags & BF_RING_FIRST) {
        int64_t p = begin_record(rd, i, ch, pos);
        if (p < 0)
            return -1;
        piece = (uint64_t)p;
    } else {
        if (!rs->open)
            return corrupt(rd, i, pos, "chunk outside a record");
        if (ch->path_len != 0 || ch->page_id != rs->page_id || ch->total != rs->total ||
            ch->offset != rs->got)
            return corrupt(rd, i, pos, "chunk does not continue its record");
        piece = ch->size;
    }
    bool last = (ch->flags & BF_RING_LAST) != 0;
    if (piece > rs->total - rs->got || last != (rs->got + piece == rs->total))
        return corrupt(rd, i, pos, "chunk length disagrees with the record length");
    if (give(rd, i, pos + CHUNK_HDR + (ch->size - piece), piece) != 0)
        return -1;
    rs->got += piece;
    if (last) {
        rs->open = false;
        errno = 0;
        if (rd->sink.end(rd->sink.arg, i) != 0)
            return sink_failed(rd);
    }
    return 0;
}

/* After tail moved: wake the producer if it sleeps and now has room. */
static void wake_producer(bf_ring_t *r, uint64_t tail)
{
    bf_ring_hdr_t *h = r->hdr;
    uint32_t need = atomic_load(&h->prod_need);
    if (need == 0)
        return;
    uint64_t head = atomic_load_explicit(&h->head, memory_order_acquire);
    if (r->mask + 1 - (head - tail) < need)
        return;
    if (atomic_compare_exchange_strong(&h->prod_need, &need, 0)) {
        atomic_fetch_add(&h->space_seq, 1);
        bf_futex_wake(&h->space_seq, 1);
    }
}

/* Consumes every chunk of ring i below its current head. */
static long drain(bf_ring_reader_t *rd, unsigned i)
{
    ring_state_t *rs = &rd->st[i];
    bf_ring_t *r = &rs->ring;
    uint64_t cap = r->mask + 1;
    uint64_t body_max = BF_RING_CHUNK_MAX(cap) - CHUNK_HDR;
    uint64_t tail = rs->tail;
    uint64_t head = atomic_load_explicit(&r->hdr->head, memory_order_acquire);
    long n = 0;

    if (head - tail > cap || head % BF_RING_ALIGN != 0)
        return corrupt(rd, i, head, "head out of range");
    while (tail != head) {
        bf_ring_chunk_t ch;
        /* A copy: the header is validated once and then trusted. */
        memcpy(&ch, r->data + (tail & r->mask), sizeof ch);
        if (ch.magic != BF_RING_CHUNK_MAGIC)
            return corrupt(rd, i, tail, "bad chunk magic");
        if (ch.size > body_max || CHUNK_HDR + align_up(ch.size) > head - tail)
            return corrupt(rd, i, tail, "chunk runs past head");
        if (deliver(rd, i, &ch, tail) != 0)
            return -1;
        tail += CHUNK_HDR + align_up(ch.size);
        rs->tail = tail;
        atomic_store(&r->hdr->tail, tail);
        wake_producer(r, tail);
        n++;
    }
    return n;
}

long bf_ring_reader_poll(bf_ring_reader_t *rd)
{
    if (rd->failed) {
        errno = rd->failed;
        return -1;
    }
    /* Before the scan: a publish we miss below bumps seq past this. */
    rd->seen = atomic_load_explicit(&rd->bell->seq, memory_order_acquire);
    long total = 0;
    for (unsigned i = 0; i < rd->n; i++) {
        long k = drain(rd, i);
        if (k < 0)
            return -1;
        total += k;
    }
    return total;
}

int bf_ring_reader_wait(bf_ring_reader_t *rd)
{
    bf_ring_bell_t *b = rd->bell;
    if (atomic_load(&b->shutdown))
        return 1;
    atomic_store(&b->sleeping, 1);
    if (atomic_load(&b->seq) != rd->seen || atomic_load(&b->shutdown)) {
        atomic_store(&b->sleeping, 0);
        return atomic_load(&b->shutdown) ? 1 : 0;
    }
    atomic_fetch_add_explicit(&b->empty_waits, 1, memory_order_relaxed);
    int rc = bf_futex_wait(&b->seq, rd->seen, 0);
    bool stop = rc == -1 && stop_requested();
    atomic_store(&b->sleeping, 0);
    if (stop) {
        errno = EINTR;
        return -1;
    }
    return atomic_load(&b->shutdown) ? 1 : 0;
}

int bf_ring_reader_run(bf_ring_reader_t *rd)
{
    for (;;) {
        long n = bf_ring_reader_poll(rd);
        if (n < 0)
            return -1;
        if (n > 0)
            continue;
        int w = bf_ring_reader_wait(rd);
        if (w < 0)
            return -1;
        if (w == 1)
            return bf_ring_reader_poll(rd) < 0 ? -1 : 0;
    }
}

int bf_ring_reader_abandon(bf_ring_reader_t *rd, unsigned i)
{
    if (i >= rd->n) {
        errno = EINVAL;
        return -1;
    }
    if (rd->failed) {
        errno = rd->failed;
        return -1;
    }
    if (drain(rd, i) < 0)
        return -1;
    if (!rd->st[i].open)
        return 0;
    drop_open(rd, i);
    return 1;
}

bool bf_ring_reader_open(const bf_ring_reader_t *rd, unsigned i)
{
    return i < rd->n && rd->st[i].open;
}

const char *bf_ring_reader_why(const bf_ring_reader_t *rd)
{
    return rd->why[0] ? rd->why : "no error";
}
