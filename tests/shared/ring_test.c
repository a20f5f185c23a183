/*
 * tests/shared/ring_test.c - the shared-memory rings between workers and
 * the writer.
 *
 * Real processes: producers are fork()ed children pushing into rings made
 * with bf_shm_create, the test body is the consumer.  Every record carries
 * its producer id and per-producer sequence number and ends with an xxhash
 * of the rest, and its length follows a seeded random sequence that the
 * consumer replays, so a lost, duplicated, reordered, torn or truncated
 * record fails an exact check.  Producers die with the test
 * (PR_SET_PDEATHSIG) so a failed assertion leaves nothing behind.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/hash.h"
#include "shared/ring.h"
#include "shared/shm.h"

#define MAXR 8
#define REC_HDR 16 /* producer id u32, generation u32, seq u64 */
#define REC_MIN (REC_HDR + 8)

/* ---- a region holding one bell and n rings ---- */

typedef struct {
    bf_shm_t shm;
    bf_ring_bell_t *bell;
    bf_ring_t rings[MAXR];
    unsigned n;
    size_t cap;
} farm_t;

static void farm_make(farm_t *f, unsigned n, size_t cap)
{
    size_t rsize = bf_ring_size_for(cap);
    cr_assert_gt(rsize, 0);
    cr_assert_leq(n, MAXR);
    cr_assert_eq(bf_shm_create(&f->shm, BF_RING_CACHELINE + n * rsize, "bf-ring-test"), 0);
    f->bell = f->shm.base;
    bf_ring_bell_init(f->bell);
    for (unsigned i = 0; i < n; i++) {
        void *mem = (char *)f->shm.base + BF_RING_CACHELINE + i * rsize;
        cr_assert_eq(bf_ring_init(mem, rsize), 0);
        cr_assert_eq(bf_ring_attach(&f->rings[i], mem, f->bell), 0);
    }
    f->n = n;
    f->cap = f->rings[0].mask + 1;
    cr_assert_geq(f->cap, cap);
}

/* ---- deterministic record contents ---- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

typedef enum {
    LEN_STRESS, /* mostly small, some medium, 2 in 1000 larger than the ring */
    LEN_CHUNKY, /* half the records need several chunks */
} len_mode_t;

static size_t next_len(uint64_t *rng, size_t cap, len_mode_t mode)
{
    uint64_t r = splitmix(rng);
    unsigned k = (unsigned)(r % 1000);
    r >>= 10;
    if (mode == LEN_CHUNKY)
        return k < 500 ? REC_MIN + r % 500 : cap / 2 + r % (2 * cap);
    if (k < 900)
        return REC_MIN + r % 233;
    if (k < 998)
        return 256 + r % 4000;
    return cap + r % (2 * cap);
}

/* Fills buf[0..len) as record seq of producer prod: a header (producer,
 * low 32 bits of len, seq), noise, and an xxhash of all that. */
static void make_record(unsigned char *buf, size_t len, uint32_t prod, uint64_t seq)
{
    uint32_t len32 = (uint32_t)len;
    memcpy(buf, &prod, 4);
    memcpy(buf + 4, &len32, 4);
    memcpy(buf + 8, &seq, 8);
    uint64_t s = ((uint64_t)prod << 48) ^ seq;
    size_t i = REC_HDR;
    for (; i + 8 <= len - 8; i += 8) {
        uint64_t v = splitmix(&s);
        memcpy(buf + i, &v, 8);
    }
    for (; i < len - 8; i++)
        buf[i] = (unsigned char)splitmix(&s);
    uint64_t h = bf_hash64(buf, len - 8);
    memcpy(buf + len - 8, &h, 8);
}

static void rec_path(char *out, size_t n, uint32_t prod, uint64_t seq)
{
    snprintf(out, n, "p%u/%llu.html", prod, (unsigned long long)seq);
}

/* ---- a verifying sink ---- */

#define MAXP 64

typedef struct {
    unsigned char *buf; /* the record being received */
    size_t bufcap;
    uint64_t total;
    uint64_t got;
    uint32_t page_id;
    char path[256];
    bool open;
} sink_ring_t;

typedef struct {
    sink_ring_t r[MAXR];
    /* Per producer: the next sequence number, and a replay of its length
     * sequence (when its seed is known). */
    uint64_t next_seq[MAXP];
    uint64_t rng[MAXP];
    bool replay[MAXP];
    len_mode_t mode;
    size_t cap;
    /* Per ring: the newest producer seen.  Producer ids only grow on a
     * ring (a replacement gets a new id), so an old producer's record
     * after a newer one's is a reordering. */
    uint32_t ring_prod[MAXR];
    bool prod_is_ring; /* stress test: producer p owns ring p */
    uint64_t records;
    uint64_t abandons;
    uint64_t begun;
} vsink_t;

static int v_begin(void *arg, unsigned ring, uint32_t page_id, const char *path,
                   uint64_t len)
{
    vsink_t *v = arg;
    sink_ring_t *s = &v->r[ring];
    cr_assert(!s->open, "begin inside an open record on ring %u", ring);
    cr_assert_geq(len, REC_MIN);
    if (len > s->bufcap) {
        s->buf = realloc(s->buf, len);
        cr_assert_not_null(s->buf);
        s->bufcap = len;
    }
    s->open = true;
    s->total = len;
    s->got = 0;
    s->page_id = page_id;
    cr_assert_lt(strlen(path), sizeof s->path);
    strcpy(s->path, path);
    v->begun++;
    return 0;
}

static int v_data(void *arg, unsigned ring, const void *p, size_t n)
{
    vsink_t *v = arg;
    sink_ring_t *s = &v->r[ring];
    cr_assert(s->open);
    cr_assert_gt(n, 0);
    cr_assert_leq(n, s->total - s->got, "ring %u: more data than announced", ring);
    memcpy(s->buf + s->got, p, n);
    s->got += n;
    return 0;
}

/* Checks the header of what ring has received; returns the producer id. */
static uint32_t check_header(vsink_t *v, unsigned ring, uint64_t *seq)
{
    sink_ring_t *s = &v->r[ring];
    uint32_t prod, len32;
    memcpy(&prod, s->buf, 4);
    memcpy(&len32, s->buf + 4, 4);
    memcpy(seq, s->buf + 8, 8);
    cr_assert_lt(prod, MAXP);
    cr_assert_eq(len32, (uint32_t)s->total);
    if (v->prod_is_ring)
        cr_assert_eq(prod, ring);
    cr_assert_geq(prod, v->ring_prod[ring], "ring %u: producer %u after %u", ring, prod,
                  v->ring_prod[ring]);
    v->ring_prod[ring] = prod;
    cr_assert_eq(*seq, v->next_seq[prod], "producer %u: got seq %llu, expected %llu",
                 prod, (unsigned long long)*seq, (unsigned long long)v->next_seq[prod]);
    return prod;
}

static int v_end(void *arg, unsigned ring)
{
    vsink_t *v = arg;
    sink_ring_t *s = &v->r[ring];
    cr_assert(s->open);
    cr_assert_eq(s->got, s->total);
    uint64_t h, seq;
    memcpy(&h, s->buf + s->total - 8, 8);
    cr_assert_eq(h, bf_hash64(s->buf, s->total - 8), "ring %u: torn record %s", ring,
                 s->path);
    uint32_t prod = check_header(v, ring, &seq);
    cr_assert_eq(s->page_id, (uint32_t)seq);
    char want[256];
    rec_path(want, sizeof want, prod, seq);
    cr_assert_str_eq(s->path, want);
    if (v->replay[prod])
        cr_assert_eq(s->total, next_len(&v->rng[prod], v->cap, v->mode),
                     "producer %u seq %llu", prod, (unsigned long long)seq);
    v->next_seq[prod]++;
    v->records++;
    s->open = false;
    return 0;
}

static void v_abandon(void *arg, unsigned ring)
{
    vsink_t *v = arg;
    sink_ring_t *s = &v->r[ring];
    cr_assert(s->open);
    cr_assert_lt(s->got, s->total, "abandoned a complete record");
    /* What arrived is a true prefix of the record the producer meant. */
    if (s->got >= REC_HDR) {
        uint64_t seq;
        uint32_t prod = check_header(v, ring, &seq);
        unsigned char *want = malloc(s->total);
        cr_assert_not_null(want);
        make_record(want, s->total, prod, seq);
        cr_assert_eq(memcmp(want, s->buf, s->got), 0);
        free(want);
    }
    s->open = false;
    v->abandons++;
}

static vsink_t *vsink_new(len_mode_t mode, size_t cap)
{
    vsink_t *v = calloc(1, sizeof *v);
    cr_assert_not_null(v);
    v->mode = mode;
    v->cap = cap;
    return v;
}

static void vsink_free(vsink_t *v)
{
    for (int i = 0; i < MAXR; i++)
        free(v->r[i].buf);
    free(v);
}

static bf_ring_reader_t *reader_for(farm_t *f, vsink_t *v)
{
    bf_ring_sink_t sink = {v_begin, v_data, v_end, v_abandon, v};
    bf_ring_reader_t *rd = bf_ring_reader_new(f->bell, f->rings, f->n, &sink);
    cr_assert_not_null(rd);
    return rd;
}

/* ---- producers ---- */

static void child_setup(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Pushes count records (forever if count is 0) as producer prod, lengths
 * from seed; exits 0, or 3 when a push fails. */
static void __attribute__((noreturn))
produce(bf_ring_t *r, uint32_t prod, uint64_t count, uint64_t seed, size_t cap,
        len_mode_t mode, bool recover)
{
    child_setup();
    if (recover && bf_ring_recover(r) != 0)
        _exit(3);
    uint64_t rng = seed;
    unsigned char *buf = malloc(3 * cap + 4096);
    char path[256];
    if (!buf)
        _exit(4);
    for (uint64_t seq = 0; count == 0 || seq < count; seq++) {
        size_t len = next_len(&rng, cap, mode);
        make_record(buf, len, prod, seq);
        rec_path(path, sizeof path, prod, seq);
        if (bf_ring_push(r, (uint32_t)seq, path, buf, len) != 0)
            _exit(3);
    }
    _exit(0);
}

static pid_t spawn(bf_ring_t *r, uint32_t prod, uint64_t count, uint64_t seed, size_t cap,
                   len_mode_t mode, bool recover)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0)
        produce(r, prod, count, seed, cap, mode, recover);
    return pid;
}

static void reap_ok(pid_t pid)
{
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "producer status %#x", st);
}

static void reap_killed(pid_t pid)
{
    int st;
    cr_assert_eq(kill(pid, SIGKILL), 0);
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "producer status %#x", st);
}

/* Consumes until the sink has seen `records` complete records. */
static void consume_until(bf_ring_reader_t *rd, vsink_t *v, uint64_t records)
{
    while (v->records < records) {
        long n = bf_ring_reader_poll(rd);
        cr_assert_geq(n, 0, "poll: %s", bf_ring_reader_why(rd));
        if (n == 0)
            cr_assert_geq(bf_ring_reader_wait(rd), 0);
    }
}

static double cpu_seconds(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

/* ---- sizes and setup ---- */

Test(ring, size_for_rounds_and_checks_overflow)
{
    size_t h = sizeof(bf_ring_hdr_t);
    cr_assert_eq(h, 192);
    cr_assert_eq(bf_ring_size_for(0), h + BF_RING_MIN_CAPACITY);
    cr_assert_eq(bf_ring_size_for(BF_RING_MIN_CAPACITY), h + BF_RING_MIN_CAPACITY);
    cr_assert_eq(bf_ring_size_for(BF_RING_MIN_CAPACITY + 1), h + 2 * BF_RING_MIN_CAPACITY);
    cr_assert_eq(bf_ring_size_for(1000000), h + (1u << 20));
    cr_assert_eq(bf_ring_size_for(BF_RING_MAX_CAPACITY), h + BF_RING_MAX_CAPACITY);
    cr_assert_eq(bf_ring_size_for((size_t)BF_RING_MAX_CAPACITY + 1), 0);
    cr_assert_eq(bf_ring_size_for(SIZE_MAX), 0);
}

Test(ring, init_rejects_small_or_misaligned_memory)
{
    bf_shm_t shm;
    cr_assert_eq(bf_shm_create(&shm, 1 << 20, NULL), 0);
    char *m = shm.base;
    bf_ring_bell_t bell;
    bf_ring_bell_init(&bell);
    bf_ring_t r;

    errno = 0;
    cr_assert_eq(bf_ring_init(m, sizeof(bf_ring_hdr_t) + BF_RING_MIN_CAPACITY - 1), -1);
    cr_assert_eq(errno, EINVAL);
    errno = 0;
    cr_assert_eq(bf_ring_init(m + 8, 1 << 19), -1);
    cr_assert_eq(errno, EINVAL);
    /* Not initialized yet: attach refuses. */
    cr_assert_eq(bf_ring_attach(&r, m, &bell), -1);
    cr_assert_eq(errno, EINVAL);

    /* The largest power of two that fits. */
    cr_assert_eq(bf_ring_init(m, sizeof(bf_ring_hdr_t) + 50000), 0);
    cr_assert_eq(bf_ring_attach(&r, m, &bell), 0);
    cr_assert_eq(r.mask + 1, 32768);
    cr_assert_eq(r.data, (unsigned char *)m + 192);
    bf_shm_destroy(&shm);
}

/* ---- single process: framing, chunking, wrap, errors ---- */

typedef struct {
    int begins, ends, abandons;
    size_t datas;
    uint32_t page_id;
    char path[BF_RING_PATH_MAX + 1];
    unsigned char *buf;
    size_t len, got;
    int fail_begin; /* errno to fail begin with, or 0 */
} rec_t;

static int r_begin(void *arg, unsigned ring, uint32_t page_id, const char *path,
                   uint64_t len)
{
    rec_t *r = arg;
    if (r->fail_begin) {
        errno = r->fail_begin;
        return -1;
    }
    r->begins++;
    r->page_id = page_id;
    strcpy(r->path, path);
    r->buf = realloc(r->buf, len ? len : 1);
    r->len = len;
    r->got = 0;
    return 0;
}

static int r_data(void *arg, unsigned ring, const void *p, size_t n)
{
    rec_t *r = arg;
    cr_assert_leq(n, r->len - r->got);
    memcpy(r->buf + r->got, p, n);
    r->got += n;
    r->datas++;
    return 0;
}

static int r_end(void *arg, unsigned ring)
{
    ((rec_t *)arg)->ends++;
    return 0;
}

static void r_abandon(void *arg, unsigned ring)
{
    ((rec_t *)arg)->abandons++;
}

static bf_ring_reader_t *one_ring(farm_t *f, rec_t *rec)
{
    farm_make(f, 1, BF_RING_MIN_CAPACITY);
    bf_ring_sink_t sink = {r_begin, r_data, r_end, r_abandon, rec};
    bf_ring_reader_t *rd = bf_ring_reader_new(f->bell, f->rings, 1, &sink);
    cr_assert_not_null(rd);
    return rd;
}

Test(ring, framing_chunks_and_wrap_in_one_process)
{
    farm_t f;
    rec_t rec = {0};
    bf_ring_reader_t *rd = one_ring(&f, &rec);
    bf_ring_t *r = &f.rings[0];
    uint64_t cap = f.cap;
    uint64_t body_max = cap / 2 - sizeof(bf_ring_chunk_t);
    unsigned char *buf = malloc(3 * cap);
    for (size_t i = 0; i < 3 * cap; i++)
        buf[i] = (unsigned char)(i * 7 + 3);

    /* An empty payload is one chunk. */
    cr_assert_eq(bf_ring_push(r, 7, "a/index.html", NULL, 0), 0);
    cr_assert_eq(bf_ring_reader_poll(rd), 1);
    cr_assert_eq(rec.begins, 1);
    cr_assert_eq(rec.ends, 1);
    cr_assert_eq(rec.datas, 0);
    cr_assert_eq(rec.page_id, 7);
    cr_assert_str_eq(rec.path, "a/index.html");

    /* Exactly the largest single chunk, then one byte more: two chunks. */
    const char *path = "x.html";
    size_t one = body_max - strlen(path);
    cr_assert_eq(bf_ring_push(r, 8, path, buf, one), 0);
    cr_assert_eq(bf_ring_reader_poll(rd), 1);
    cr_assert_eq(rec.ends, 2);
    cr_assert_eq(rec.got, one);
    cr_assert_eq(memcmp(rec.buf, buf, one), 0);
    cr_assert_eq(bf_ring_push(r, 9, path, buf, one + 1), 0);
    cr_assert_eq(bf_ring_reader_poll(rd), 2);
    cr_assert_eq(rec.ends, 3);
    cr_assert_eq(rec.got, one + 1);
    cr_assert_eq(memcmp(rec.buf, buf, one + 1), 0);

    /* Many odd sizes so that headers, paths and payloads straddle the end
     * of the data area at every offset: each is delivered intact. */
    char lp[64];
    for (unsigned k = 0; k < 500; k++) {
        size_t len = (k * 997) % 3000;
        snprintf(lp, sizeof lp, "dir-%u/page-%u.html", k % 13, k);
        cr_assert_eq(bf_ring_push(r, k, lp, buf + k, len), 0);
        cr_assert_eq(bf_ring_reader_poll(rd), 1);
        cr_assert_eq(rec.page_id, k);
        cr_assert_str_eq(rec.path, lp);
        cr_assert_eq(rec.got, len);
        cr_assert_eq(memcmp(rec.buf, buf + k, len), 0);
    }

    /* A path of the maximum length fits in a first chunk. */
    char *longp = malloc(BF_RING_PATH_MAX + 2);
    memset(longp, 'p', BF_RING_PATH_MAX);
    longp[BF_RING_PATH_MAX] = '\0';
    cr_assert_eq(bf_ring_push(r, 1, longp, buf, 5000), 0);
    cr_assert_eq(bf_ring_reader_poll(rd), 2);
    cr_assert_str_eq(rec.path, longp);
    cr_assert_eq(memcmp(rec.buf, buf, 5000), 0);

    /* One byte longer is refused and publishes nothing. */
    bf_ring_stats_t st;
    bf_ring_stats(r, &st);
    uint64_t records = st.records;
    longp[BF_RING_PATH_MAX] = 'p';
    longp[BF_RING_PATH_MAX + 1] = '\0';
    errno = 0;
    cr_assert_eq(bf_ring_push(r, 1, longp, buf, 10), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(bf_ring_reader_poll(rd), 0);
    bf_ring_stats(r, &st);
    cr_assert_eq(st.records, records);
    cr_assert_eq(st.records, 504);
    cr_assert_eq(st.pending, 0);
    cr_assert_eq(rec.abandons, 0);

    free(longp);
    free(buf);
    free(rec.buf);
    bf_ring_reader_free(rd);
    bf_shm_destroy(&f.shm);
}

Test(ring, corrupt_chunk_is_reported_not_delivered)
{
    farm_t f;
    rec_t rec = {0};
    bf_ring_reader_t *rd = one_ring(&f, &rec);
    bf_ring_t *r = &f.rings[0];
    cr_assert_eq(bf_ring_push(r, 1, "a.html", "hello", 5), 0);
    cr_assert_eq(bf_ring_reader_poll(rd), 1);
    cr_assert_eq(bf_ring_push(r, 2, "b.html", "world", 5), 0);
    r->data[64] ^= 0xff; /* the second chunk's magic (first chunk: 32 + 32) */
    errno = 0;
    cr_assert_eq(bf_ring_reader_poll(rd), -1);
    cr_assert_eq(errno, EBADMSG);
    cr_assert_str_eq(bf_ring_reader_why(rd), "ring 0 at 64: bad chunk magic");
    cr_assert_eq(rec.begins, 1);
    /* The reader stays failed. */
    cr_assert_eq(bf_ring_reader_poll(rd), -1);
    cr_assert_eq(errno, EBADMSG);
    free(rec.buf);
    bf_ring_reader_free(rd);
    bf_shm_destroy(&f.shm);
}

Test(ring, sink_error_stops_the_reader)
{
    farm_t f;
    rec_t rec = {.fail_begin = ENOSPC};
    bf_ring_reader_t *rd = one_ring(&f, &rec);
    cr_assert_eq(bf_ring_push(&f.rings[0], 1, "a.html", "hello", 5), 0);
    errno = 0;
    cr_assert_eq(bf_ring_reader_poll(rd), -1);
    cr_assert_eq(errno, ENOSPC);
    cr_assert_eq(bf_ring_reader_run(rd), -1);
    cr_assert_eq(errno, ENOSPC);
    bf_ring_reader_free(rd);
    bf_shm_destroy(&f.shm);
}

Test(ring, reader_refuses_a_ring_of_another_bell)
{
    farm_t a, b;
    farm_make(&a, 1, BF_RING_MIN_CAPACITY);
    farm_make(&b, 1, BF_RING_MIN_CAPACITY);
    bf_ring_sink_t sink = {r_begin, r_data, r_end, NULL, NULL};
    bf_ring_t mixed[2] = {a.rings[0], b.rings[0]};
    errno = 0;
    cr_assert_null(bf_ring_reader_new(a.bell, mixed, 2, &sink));
    cr_assert_eq(errno, EINVAL);
    bf_shm_destroy(&a.shm);
    bf_shm_destroy(&b.shm);
}

/* ---- the stress test ---- */

#define STRESS_PRODUCERS 4
#ifndef STRESS_RECORDS
#define STRESS_RECORDS 500000 /* per producer: 2 million in all */
#endif
#define STRESS_CAP (32 * 1024)

Test(ring, many_producer_processes_nothing_lost_or_torn, .timeout = 60)
{
    farm_t f;
    farm_make(&f, STRESS_PRODUCERS, STRESS_CAP);
    vsink_t *v = vsink_new(LEN_STRESS, f.cap);
    v->prod_is_ring = true;
    pid_t pids[STRESS_PRODUCERS];
    for (unsigned p = 0; p < STRESS_PRODUCERS; p++) {
        v->rng[p] = 0x5eed0000 + p;
        v->replay[p] = true;
        pids[p] = spawn(&f.rings[p], p, STRESS_RECORDS, v->rng[p], f.cap, LEN_STRESS, false);
    }
    bf_ring_reader_t *rd = reader_for(&f, v);

    consume_until(rd, v, (uint64_t)STRESS_PRODUCERS * STRESS_RECORDS);
    for (unsigned p = 0; p < STRESS_PRODUCERS; p++)
        reap_ok(pids[p]);
    cr_assert_eq(bf_ring_reader_poll(rd), 0);

    uint64_t big = 0;
    for (unsigned p = 0; p < STRESS_PRODUCERS; p++) {
        cr_assert_eq(v->next_seq[p], STRESS_RECORDS);
        cr_assert(!bf_ring_reader_open(rd, p));
        bf_ring_stats_t st;
        bf_ring_stats(&f.rings[p], &st);
        cr_assert_eq(st.records, STRESS_RECORDS);
        cr_assert_eq(st.pending, 0);
        /* A record larger than the ring cannot be sent without waiting. */
        cr_assert_gt(st.full_waits, 0);
        uint64_t rng = 0x5eed0000 + p;
        for (unsigned k = 0; k < STRESS_RECORDS; k++)
            big += next_len(&rng, f.cap, LEN_STRESS) > f.cap;
    }
    cr_assert_gt(big, (uint64_t)STRESS_PRODUCERS * STRESS_RECORDS / 1000,
                 "the test must include records larger than the ring");
    cr_assert_eq(v->abandons, 0);
    cr_assert_eq(v->records, (uint64_t)STRESS_PRODUCERS * STRESS_RECORDS);
    bf_ring_reader_free(rd);
    vsink_free(v);
    bf_shm_destroy(&f.shm);
}

/* ---- dying producers ---- */

/* Waits (test-only polling) until the producer of r sleeps for space. */
static void await_blocked(bf_ring_t *r)
{
    for (int i = 0; i < 5000 && atomic_load(&r->hdr->prod_need) == 0; i++)
        usleep(1000);
    cr_assert_neq(atomic_load(&r->hdr->prod_need), 0, "producer never blocked");
}

/* Producer 0: three small records, then one of three ring sizes, which
 * blocks after its first chunks because nobody reads. */
static pid_t spawn_blocker(bf_ring_t *r, size_t cap)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        child_setup();
        unsigned char *buf = malloc(4 * cap);
        char path[64];
        for (uint64_t seq = 0; seq < 4; seq++) {
            size_t len = seq < 3 ? 100 + seq : 3 * cap;
            make_record(buf, len, 0, seq);
            rec_path(path, sizeof path, 0, seq);
            if (bf_ring_push(r, (uint32_t)seq, path, buf, len) != 0)
                _exit(3);
        }
        _exit(0);
    }
    return pid;
}

Test(ring, killed_producer_leaves_no_torn_record_and_is_abandoned)
{
    farm_t f;
    farm_make(&f, 1, BF_RING_MIN_CAPACITY);
    vsink_t *v = vsink_new(LEN_STRESS, f.cap);
    bf_ring_reader_t *rd = reader_for(&f, v);
    bf_ring_t *r = &f.rings[0];

    pid_t pid = spawn_blocker(r, f.cap);
    await_blocked(r);
    reap_killed(pid);

    /* The three small records, and the beginning of the big one. */
    cr_assert_gt(bf_ring_reader_poll(rd), 3);
    cr_assert_eq(v->records, 3);
    cr_assert_eq(v->begun, 4);
    cr_assert(bf_ring_reader_open(rd, 0));
    cr_assert_gt(v->r[0].got, 0);
    cr_assert_lt(v->r[0].got, 3 * f.cap);
    cr_assert_eq(v->r[0].total, 3 * f.cap);

    /* The coordinator says the producer is dead: drop the partial record. */
    cr_assert_eq(bf_ring_reader_abandon(rd, 0), 1);
    cr_assert_eq(v->abandons, 1);
    cr_assert(!bf_ring_reader_open(rd, 0));
    cr_assert_eq(bf_ring_reader_abandon(rd, 0), 0);

    /* A replacement on the same ring: its recovery marker finds nothing
     * open any more, and its records come through whole. */
    pid = spawn(r, 1, 50, 99, f.cap, LEN_STRESS, true);
    consume_until(rd, v, 3 + 50);
    reap_ok(pid);
    cr_assert_eq(v->abandons, 1);
    cr_assert_eq(v->next_seq[0], 3);
    cr_assert_eq(v->next_seq[1], 50);
    bf_ring_reader_free(rd);
    vsink_free(v);
    bf_shm_destroy(&f.shm);
}

Test(ring, replacement_producer_recovers_without_handshake)
{
    farm_t f;
    farm_make(&f, 1, BF_RING_MIN_CAPACITY);
    vsink_t *v = vsink_new(LEN_STRESS, f.cap);
    bf_ring_reader_t *rd = reader_for(&f, v);
    bf_ring_t *r = &f.rings[0];

    pid_t pid = spawn_blocker(r, f.cap);
    await_blocked(r);
    reap_killed(pid);

    /* The ring is still full of the dead producer's chunks; the replacement
     * starts at once, its marker waits for space.  The consumer sees the
     * three whole records, the partial one dropped in stream order, then
     * the new producer's records. */
    v->rng[1] = 7;
    v->replay[1] = true;
    pid = spawn(r, 1, 40, 7, f.cap, LEN_STRESS, true);
    consume_until(rd, v, 3 + 40);
    reap_ok(pid);
    cr_assert_eq(v->abandons, 1);
    cr_assert_eq(v->begun, 3 + 1 + 40);
    cr_assert_eq(v->next_seq[0], 3);
    cr_assert_eq(v->next_seq[1], 40);
    cr_assert(!bf_ring_reader_open(rd, 0));
    cr_assert_eq(bf_ring_reader_abandon(rd, 0), 0);
    bf_ring_reader_free(rd);
    vsink_free(v);
    bf_shm_destroy(&f.shm);
}

/* Producers killed at arbitrary moments, each replaced by a new one on the
 * same small ring, half their records chunked: every delivered record is
 * whole and in order, every partial one is dropped, and exactly when the
 * killed producer had one open. */
Test(ring, random_kills_never_deliver_a_torn_record, .timeout = 60)
{
    farm_t f;
    farm_make(&f, 1, BF_RING_MIN_CAPACITY);
    vsink_t *v = vsink_new(LEN_CHUNKY, f.cap);
    bf_ring_reader_t *rd = reader_for(&f, v);
    bf_ring_t *r = &f.rings[0];
    uint64_t rng = 42;
    unsigned open_at_kill = 0;
    const uint32_t gens = 40;

    for (uint32_t g = 0; g < gens; g++) {
        uint64_t before = v->records;
        v->rng[g] = 1000 + g;
        v->replay[g] = true;
        pid_t pid = spawn(r, g, 0, v->rng[g], f.cap, LEN_CHUNKY, g > 0);
        consume_until(rd, v, before + 1 + splitmix(&rng) % 200);
        reap_killed(pid);
        cr_assert_geq(bf_ring_reader_poll(rd), 0);
        cr_assert_eq(v->next_seq[g], v->records - before);
        open_at_kill += bf_ring_reader_open(rd, 0);
    }
    int last = bf_ring_reader_abandon(rd, 0);
    cr_assert_geq(last, 0);
    cr_assert_eq(v->abandons, open_at_kill, "abandons %llu, open at kill %u",
                 (unsigned long long)v->abandons, open_at_kill);
    cr_assert_gt(open_at_kill, 0, "no kill landed inside a chunked record");
    bf_ring_reader_free(rd);
    vsink_free(v);
    bf_shm_destroy(&f.shm);
}

/* ---- sleeping, not spinning ---- */

static int count_end(void *arg, unsigned ring)
{
    (*(int *)arg)++;
    return 0;
}

static int ignore_begin(void *arg, unsigned ring, uint32_t id, const char *p, uint64_t n)
{
    return 0;
}

static int ignore_data(void *arg, unsigned ring, const void *p, size_t n)
{
    return 0;
}

Test(ring, idle_consumer_sleeps_and_wakes_for_new_records)
{
    farm_t f;
    farm_make(&f, 2, BF_RING_MIN_CAPACITY);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        child_setup();
        int ends = 0;
        bf_ring_sink_t sink = {ignore_begin, ignore_data, count_end, NULL, &ends};
        bf_ring_reader_t *rd = bf_ring_reader_new(f.bell, f.rings, 2, &sink);
        if (!rd || bf_ring_reader_run(rd) != 0)
            _exit(100);
        _exit(ends);
    }
    /* The parent produces: one record, 300 ms of silence, one more. */
    cr_assert_eq(bf_ring_push(&f.rings[0], 1, "a.html", "a", 1), 0);
    usleep(300 * 1000);
    cr_assert_eq(bf_ring_push(&f.rings[1], 2, "b.html", "b", 1), 0);
    /* The consumer wakes for it: its pending bytes go to zero (test-only
     * polling, bounded). */
    bf_ring_stats_t st = {.pending = 1};
    for (int i = 0; i < 2000 && st.pending; i++) {
        usleep(1000);
        bf_ring_stats(&f.rings[1], &st);
    }
    cr_assert_eq(st.pending, 0, "the consumer did not wake for a new record");
    bf_ring_shutdown(f.bell, f.rings, 2);

    int status;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    cr_assert(WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), 2);
    /* Spinning for 300 ms would cost about 300 ms of CPU. */
    cr_assert_lt(cpu_seconds(&ru), 0.03, "idle consumer used %.3f s of CPU",
                 cpu_seconds(&ru));
    cr_assert_geq(bf_ring_bell_empty_waits(f.bell), 1);
    bf_shm_destroy(&f.shm);
}

Test(ring, producer_sleeps_on_a_full_ring_until_shutdown)
{
    farm_t f;
    farm_make(&f, 1, BF_RING_MIN_CAPACITY);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        child_setup();
        char buf[1000] = {0};
        for (;;) {
            if (bf_ring_push(&f.rings[0], 0, "x.html", buf, sizeof buf) != 0)
                _exit(errno == ESHUTDOWN ? 0 : 1);
        }
    }
    await_blocked(&f.rings[0]);
    usleep(300 * 1000);
    cr_assert(!bf_ring_is_shutdown(f.bell));
    bf_ring_shutdown(f.bell, f.rings, 1);
    cr_assert(bf_ring_is_shutdown(f.bell));

    int status;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
    cr_assert_lt(cpu_seconds(&ru), 0.03, "blocked producer used %.3f s of CPU",
                 cpu_seconds(&ru));
    bf_ring_stats_t st;
    bf_ring_stats(&f.rings[0], &st);
    cr_assert_eq(st.full_waits, 1);
    /* 1000-byte payload + "x.html" = 1006 -> 1024 + 32 per chunk. */
    cr_assert_eq(st.records, f.cap / 1056);
    bf_shm_destroy(&f.shm);
}
