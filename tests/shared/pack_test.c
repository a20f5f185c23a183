/*
 * tests/shared/pack_test.c - the render pack (shared/pack.h) through a
 * real state directory: blobs put by a writer (of this process or of a
 * forked child, as the workers are), adopted by bf_pack_commit, found
 * again by a reopened pack under their key only; the newest entry of a
 * group wins and dead groups go.  What a kill, a full disk or a stray
 * byte leaves (a torn new segment, a flipped byte, a short segment, a
 * damaged or hostile index, something else at a name) is a miss or an
 * empty pack with one warning, never a crash or a wrong blob, and the
 * next commit works.  Compaction keeps the segments bounded, and the
 * segments no entry points at are removed.
 *
 * Each test has a fresh temporary state directory; the pack is
 * STATE/render.  The index is read back (tests/ may know the on-disk
 * layout: 32-byte cache header, u32 segments, u32 entries, 16-byte
 * segment records {u32 id, u32 0, u64 length}, 40-byte entries {u64
 * group, key lo, key hi; u32 segment, clen; u64 offset}) to check which
 * segments it names.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/cachefile.h"
#include "shared/ctx.h"
#include "shared/hash.h"
#include "shared/pack.h"
#include "tests/capture.h"

#define INDEX_KIND BF_CACHE_KIND('R', 'P', 'I', 'X')
#define SEG_HDR 16
#define ENTRY_HDR 48
#define SEGS_MAX 64 /* compaction when there are more segments (pack.c) */

static char state[64];
static int sfd = -1;

static void setup(void)
{
    strcpy(state, "/tmp/bf-pack-test-XXXXXX");
    cr_assert_not_null(mkdtemp(state));
    sfd = open(state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(sfd, 0);
    bf_ctx_init(BF_ROLE_COORD, 0);
    bf_ctx.log_level = BF_LOG_WARN; /* no debug lines on the test's stderr */
}

static void teardown(void)
{
    char cmd[128];
    if (sfd >= 0)
        close(sfd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", state);
    (void)system(cmd);
}

TestSuite(pack, .init = setup, .fini = teardown, .timeout = 60);

/* STATE/render/name (or STATE/render for NULL); four live at a time. */
static const char *rpath(const char *name)
{
    static char buf[4][512];
    static int k;
    char *p = buf[k++ % 4];
    int n = snprintf(p, 512, "%s/render%s%.200s", state, name ? "/" : "", name ? name : "");
    cr_assert(n > 0 && n < 512);
    return p;
}

static bf_pack_t *pk_open(bool fresh)
{
    bf_pack_t *p = bf_pack_open(sfd, "render", "STATE/render", fresh);
    cr_assert_not_null(p, "bf_pack_open failed");
    return p;
}

static bf_digest_t key(uint64_t v)
{
    return (bf_digest_t){v * 0x9e3779b97f4a7c15ull + 1, v ^ 0x5bd1e995u};
}

/* The blob of group g, version v: n bytes (0: a short text), compressible
 * or not (xorshift bytes). */
static void blob(uint64_t g, uint64_t v, size_t n, bool random, bf_buf_t *out)
{
    bf_buf_reset(out);
    if (!n) {
        cr_assert_eq(bf_buf_printf(out, "<p>group %llu, version %llu</p>\n",
                                   (unsigned long long)g, (unsigned long long)v), 0);
        return;
    }
    uint64_t x = g * 1000003u + v + 1;
    cr_assert_eq(bf_buf_grow(out, n), 0);
    for (size_t i = 0; i < n; i++) {
        if (random) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            out->data[i] = (char)x;
        } else {
            out->data[i] = "group blob text "[(i + g + v) % 16];
        }
    }
    out->len = n;
}

static void put_n(bf_pack_writer_t *w, uint64_t g, uint64_t v, size_t n, bool random)
{
    bf_buf_t b = BF_BUF_INIT;
    blob(g, v, n, random, &b);
    cr_assert_eq(bf_pack_put(w, g, key(v), b.data, b.len), 0, "put of group %llu failed",
                 (unsigned long long)g);
    bf_buf_free(&b);
}

static void put(bf_pack_writer_t *w, uint64_t g, uint64_t v)
{
    put_n(w, g, v, 0, false);
}

/* get of (g, v): 1 with exactly the blob, or 0. */
static int get_n(const bf_pack_t *p, uint64_t g, uint64_t v, size_t n, bool random)
{
    bf_buf_t want = BF_BUF_INIT, got = BF_BUF_INIT;
    blob(g, v, n, random, &want);
    int rc = bf_pack_get(p, g, key(v), &got);
    cr_assert(rc == 0 || rc == 1, "bf_pack_get: %d", rc);
    if (rc == 1)
        cr_assert(got.len == want.len && memcmp(got.data, want.data, got.len) == 0,
                  "group %llu: the blob read back is not the one put", (unsigned long long)g);
    else
        cr_assert_eq(got.len, 0, "a miss appended %zu bytes", got.len);
    bf_buf_free(&want);
    bf_buf_free(&got);
    return rc;
}

static int get(const bf_pack_t *p, uint64_t g, uint64_t v)
{
    return get_n(p, g, v, 0, false);
}

static int commit(bf_pack_t *p, const uint64_t *live, size_t n)
{
    return bf_pack_commit(p, live, n);
}

/* A whole build: open, put groups g[i] at version v, commit with live. */
static void build(const uint64_t *g, size_t ng, uint64_t v, const uint64_t *live, size_t nl)
{
    bf_pack_t *p = pk_open(false);
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    cr_assert_not_null(w);
    for (size_t i = 0; i < ng; i++)
        put(w, g[i], v);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, live, nl), 0);
    bf_pack_close(p);
}

/* Files in STATE/render whose name starts with prefix. */
static int count_files(const char *prefix)
{
    DIR *d = opendir(rpath(NULL));
    cr_assert_not_null(d, "%s: %s", rpath(NULL), strerror(errno));
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* The first name in STATE/render that starts with prefix (static). */
static const char *first_file(const char *prefix)
{
    static char name[256];
    DIR *d = opendir(rpath(NULL));
    cr_assert_not_null(d);
    struct dirent *e;
    name[0] = '\0';
    while ((e = readdir(d)))
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            snprintf(name, sizeof name, "%s", e->d_name);
            break;
        }
    closedir(d);
    cr_assert(name[0], "no %s* in %s", prefix, rpath(NULL));
    return name;
}

static off_t file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
    return st.st_size;
}

static void flip(const char *path, off_t at, unsigned char mask)
{
    int fd = open(path, O_RDWR);
    unsigned char c;
    cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
    cr_assert_eq(pread(fd, &c, 1, at), 1);
    c ^= mask;
    cr_assert_eq(pwrite(fd, &c, 1, at), 1);
    close(fd);
}

/* The ids of the segments the index's entries point at (sorted, unique),
 * and the number of segments it lists; the index must be valid. */
static size_t index_segments(uint32_t *ids, size_t cap, size_t *listed)
{
    bf_buf_t b = BF_BUF_INIT;
    const char *why = NULL;
    int fd = open(rpath(NULL), O_RDONLY | O_DIRECTORY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(bf_cache_read(fd, "index", INDEX_KIND, BF_PACK_VERSION, 0, &b, &why), 1,
                 "the index does not read back: %s", why ? why : "missing");
    close(fd);
    uint32_t ns, ne;
    cr_assert_geq(b.len, 8);
    memcpy(&ns, b.data, 4);
    memcpy(&ne, b.data + 4, 4);
    cr_assert_eq(b.len, 8 + (size_t)ns * 16 + (size_t)ne * 40);
    size_t n = 0;
    for (uint32_t i = 0; i < ne; i++) {
        uint32_t seg, id;
        memcpy(&seg, b.data + 8 + (size_t)ns * 16 + (size_t)i * 40 + 24, 4);
        cr_assert_lt(seg, ns);
        memcpy(&id, b.data + 8 + (size_t)seg * 16, 4);
        size_t k = 0;
        while (k < n && ids[k] != id)
            k++;
        if (k == n) {
            cr_assert_lt(n, cap);
            ids[n++] = id;
        }
    }
    bf_buf_free(&b);
    *listed = ns;
    return n;
}

/* Every seg.* file is a segment the index's entries point at, and each
 * of those is there. */
static void assert_only_referenced_segments(void)
{
    uint32_t ids[1024];
    size_t listed;
    size_t n = index_segments(ids, 1024, &listed);
    cr_assert_eq(listed, n, "the index lists %zu segments, its entries use %zu", listed, n);
    cr_assert_eq((size_t)count_files("seg."), n, "%d seg.* files, %zu referenced",
                 count_files("seg."), n);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "seg.%u", ids[i]);
        struct stat st;
        cr_assert(lstat(rpath(name), &st) == 0 && S_ISREG(st.st_mode),
                  "%s is referenced but not a file", name);
    }
}

/* ---- round trips ---------------------------------------------------------- */

Test(pack, round_trip_through_a_directory)
{
    bf_pack_t *p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), 0);
    struct stat st;
    cr_assert(stat(rpath(NULL), &st) == 0 && S_ISDIR(st.st_mode), "no STATE/render directory");
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    cr_assert_not_null(w);
    put(w, 1, 1);
    put_n(w, 2, 1, 300000, false);     /* compresses */
    put_n(w, 3, 1, 100000, true);      /* does not */
    cr_assert_eq(bf_pack_put(w, 4, key(1), "", 0), 0); /* an empty blob */
    bf_pack_writer_free(w);
    cr_assert_eq(count_files("new."), 1, "the writer's segment is not new.PID");
    uint64_t live[] = {1, 2, 3, 4};
    cr_assert_eq(commit(p, live, 4), 0);
    cr_assert_eq(bf_pack_count(p), 4);
    cr_assert_eq(count_files("new."), 0, "a new segment was left after the commit");
    /* the same handle sees the new index */
    cr_assert_eq(get(p, 1, 1), 1);
    cr_assert_eq(get_n(p, 3, 1, 100000, true), 1);
    bf_pack_close(p);
    cr_assert_lt(file_size(rpath(first_file("seg."))), 300000 + 100000,
                 "the blobs were not compressed");

    p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), 4);
    cr_assert_eq(get(p, 1, 1), 1);
    cr_assert_eq(get_n(p, 2, 1, 300000, false), 1);
    cr_assert_eq(get_n(p, 3, 1, 100000, true), 1);
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_pack_get(p, 4, key(1), &b), 1);
    cr_assert_eq(b.len, 0);
    /* get appends */
    cr_assert_eq(bf_buf_puts(&b, "before:"), 0);
    cr_assert_eq(bf_pack_get(p, 1, key(1), &b), 1);
    cr_assert(b.len > 7 && strncmp(b.data, "before:<p>group 1, version 1</p>", 32) == 0);
    bf_buf_free(&b);
    bf_pack_close(p);
    assert_only_referenced_segments();
}

Test(pack, another_key_or_group_is_a_miss)
{
    uint64_t g[] = {10, 20};
    build(g, 2, 7, g, 2);
    bf_pack_t *p = pk_open(false);
    cr_assert_eq(get(p, 10, 7), 1);
    cr_assert_eq(get(p, 10, 8), 0, "another key gave a blob");
    cr_assert_eq(get(p, 15, 7), 0, "a group never put gave a blob");
    cr_assert_eq(get(p, 0, 7), 0);
    cr_assert_eq(get(p, UINT64_MAX, 7), 0);
    /* half a key is not the key */
    bf_buf_t b = BF_BUF_INIT;
    bf_digest_t k = key(7);
    cr_assert_eq(bf_pack_get(p, 20, (bf_digest_t){k.lo, k.hi + 1}, &b), 0);
    cr_assert_eq(bf_pack_get(p, 20, (bf_digest_t){k.lo + 1, k.hi}, &b), 0);
    cr_assert_eq(b.len, 0);
    bf_buf_free(&b);
    bf_pack_close(p);
}

Test(pack, no_pack)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_pack_get(NULL, 1, key(1), &b), 0);
    cr_assert_eq(bf_pack_count(NULL), 0);
    bf_pack_writer_t *w = bf_pack_writer_new(NULL);
    cr_assert_not_null(w);
    cr_assert_eq(bf_pack_put(w, 1, key(1), "x", 1), -1, "a writer without a pack wrote");
    bf_pack_writer_free(w);
    cr_assert_eq(bf_pack_commit(NULL, NULL, 0), 0);
    bf_pack_close(NULL);
}

Test(pack, groups_not_live_are_dropped)
{
    uint64_t g[] = {1, 2, 3, 4}, live[] = {1, 3};
    build(g, 4, 1, live, 2);
    bf_pack_t *p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), 2);
    cr_assert_eq(get(p, 1, 1), 1);
    cr_assert_eq(get(p, 2, 1), 0, "a group not live at the commit was kept");
    cr_assert_eq(get(p, 3, 1), 1);
    cr_assert_eq(get(p, 4, 1), 0);
    /* a later commit drops what was live before */
    cr_assert_eq(commit(p, (uint64_t[]){3}, 1), 0);
    bf_pack_close(p);
    p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), 1);
    cr_assert_eq(get(p, 1, 1), 0);
    cr_assert_eq(get(p, 3, 1), 1);
    /* nothing live: an empty pack, and no segment */
    cr_assert_eq(commit(p, NULL, 0), 0);
    bf_pack_close(p);
    p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), 0);
    cr_assert_eq(get(p, 3, 1), 0);
    bf_pack_close(p);
    cr_assert_eq(count_files("seg."), 0, "segments of dropped groups are left");
}

Test(pack, newest_entry_of_a_group_wins)
{
    uint64_t g[] = {1, 2};
    build(g, 2, 1, g, 2);
    build(g, 1, 2, g, 2); /* group 1 again, another key */
    bf_pack_t *p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), 2);
    cr_assert_eq(get(p, 1, 2), 1, "the newer entry was not kept");
    cr_assert_eq(get(p, 1, 1), 0, "the older entry is still found");
    cr_assert_eq(get(p, 2, 1), 1);
    /* twice in one segment: the later one */
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    put(w, 2, 3);
    put(w, 2, 4);
    put(w, 2, 5);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, g, 2), 0);
    bf_pack_close(p);
    p = pk_open(false);
    cr_assert_eq(get(p, 2, 5), 1);
    cr_assert_eq(get(p, 2, 4), 0);
    cr_assert_eq(get(p, 2, 1), 0);
    cr_assert_eq(get(p, 1, 2), 1);
    bf_pack_close(p);
    /* the same key put again in a later build (a page that changed back) */
    build(g, 1, 1, g, 2);
    p = pk_open(false);
    cr_assert_eq(get(p, 1, 1), 1);
    cr_assert_eq(get(p, 1, 2), 0);
    bf_pack_close(p);
}

/* As the workers do: the pack opened before fork, each child appends
 * with its own writer and exits (some without freeing it), the parent
 * commits. */
Test(pack, entries_of_forked_children_are_adopted)
{
    enum { KIDS = 4, PER = 25 };
    bf_pack_t *p = pk_open(false);
    pid_t kids[KIDS];
    for (int k = 0; k < KIDS; k++) {
        fflush(NULL);
        kids[k] = fork();
        cr_assert_geq(kids[k], 0);
        if (kids[k] == 0) {
            bf_pack_writer_t *w = bf_pack_writer_new(p);
            int bad = !w;
            for (int i = 0; i < PER && !bad; i++) {
                bf_buf_t b = BF_BUF_INIT;
                blob((uint64_t)(k * PER + i), 1, i % 3 ? 0 : 5000, false, &b);
                bad |= bf_pack_put(w, (uint64_t)(k * PER + i), key(1), b.data, b.len) != 0;
                bf_buf_free(&b);
            }
            if (k % 2)
                bf_pack_writer_free(w);
            _exit(bad);
        }
    }
    for (int k = 0; k < KIDS; k++) {
        int st;
        cr_assert_eq(waitpid(kids[k], &st, 0), kids[k]);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d failed", k);
    }
    /* and the parent's own */
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    put(w, 1000, 1);
    bf_pack_writer_free(w);
    cr_assert_eq(count_files("new."), KIDS + 1, "not one new segment per process");
    uint64_t live[KIDS * PER + 1];
    for (int i = 0; i < KIDS * PER; i++)
        live[i] = (uint64_t)i;
    live[KIDS * PER] = 1000;
    cr_assert_eq(commit(p, live, KIDS * PER + 1), 0);
    bf_pack_close(p);
    cr_assert_eq(count_files("new."), 0);
    p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), KIDS * PER + 1);
    for (int i = 0; i < KIDS * PER; i++)
        cr_assert_eq(get_n(p, (uint64_t)i, 1, i % PER % 3 ? 0 : 5000, false), 1,
                     "group %d, put by a child, was not adopted", i);
    cr_assert_eq(get(p, 1000, 1), 1);
    bf_pack_close(p);
    assert_only_referenced_segments();
}

/* A new segment larger than the window the commit reads it through (1 MiB,
 * pack.c), with entries across the window's edges and one larger than
 * the window: every entry adopted, each read back intact. */
Test(pack, segment_larger_than_the_read_window)
{
    enum { N = 60 };
    bf_pack_t *p = pk_open(false);
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    cr_assert_not_null(w);
    for (int i = 0; i < N; i++)
        put_n(w, (uint64_t)i, 1, i == 17 ? 3 << 20 : 70000 + i * 1000, true);
    bf_pack_writer_free(w);
    cr_assert_gt(file_size(rpath(first_file("new."))), 7 << 20);
    uint64_t live[N];
    for (int i = 0; i < N; i++)
        live[i] = (uint64_t)i;
    cr_assert_eq(commit(p, live, N), 0);
    bf_pack_close(p);
    p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), N);
    for (int i = 0; i < N; i++)
        cr_assert_eq(get_n(p, (uint64_t)i, 1, i == 17 ? 3 << 20 : 70000 + i * 1000, true), 1,
                     "entry %d", i);
    bf_pack_close(p);
}

/* ---- what a kill or a stray byte leaves -------------------------------- */

/* A worker killed in the middle of an entry: the entries before it are
 * kept, the torn one is not, wherever the cut is. */
Test(pack, torn_new_segment_keeps_the_earlier_entries)
{
    /* cut inside: the last entry's payload, its header, the segment
     * header (nothing to adopt) */
    for (int cut = 0; cut < 3; cut++) {
        char sub[32];
        snprintf(sub, sizeof sub, "run%d", cut);
        cr_assert_eq(mkdirat(sfd, sub, 0755), 0);
        int dfd = openat(sfd, sub, O_RDONLY | O_DIRECTORY);
        cr_assert_geq(dfd, 0);
        bf_pack_t *p = bf_pack_open(dfd, "render", "sub/render", false);
        cr_assert_not_null(p);
        bf_pack_writer_t *w = bf_pack_writer_new(p);
        put_n(w, 1, 1, 2000, false);
        put_n(w, 2, 1, 2000, true);
        char path[256], name[64];
        snprintf(name, sizeof name, "new.%ld", (long)getpid());
        snprintf(path, sizeof path, "%s/%s/render/%s", state, sub, name);
        off_t before = file_size(path);
        put_n(w, 3, 1, 2000, true);
        off_t after = file_size(path);
        bf_pack_writer_free(w);
        off_t to = cut == 0 ? before + ENTRY_HDR + (after - before - ENTRY_HDR) / 2
                   : cut == 1 ? before + ENTRY_HDR / 2
                              : SEG_HDR / 2;
        cr_assert_eq(truncate(path, to), 0);
        uint64_t live[] = {1, 2, 3};
        cr_assert_eq(bf_pack_commit(p, live, 3), 0, "cut %d: the commit failed", cut);
        bf_pack_close(p);
        p = bf_pack_open(dfd, "render", "sub/render", false);
        cr_assert_not_null(p);
        int want = cut < 2;
        cr_assert_eq(bf_pack_count(p), cut < 2 ? 2 : 0, "cut %d", cut);
        cr_assert_eq(get_n(p, 1, 1, 2000, false), want, "cut %d: entry 1", cut);
        cr_assert_eq(get_n(p, 2, 1, 2000, true), want, "cut %d: entry 2", cut);
        cr_assert_eq(get_n(p, 3, 1, 2000, true), 0, "cut %d: the torn entry was adopted", cut);
        bf_pack_close(p);
        cr_assert_eq(faccessat(dfd, "render/index", F_OK, 0), 0);
        struct stat st;
        char rn[128];
        snprintf(rn, sizeof rn, "render/%s", name);
        cr_assert(fstatat(dfd, rn, &st, 0) != 0, "cut %d: the torn new segment was left", cut);
        close(dfd);
    }
}

/* A stray byte anywhere in a segment: the entry it falls in is a miss,
 * the others read back, and nothing else comes back but the blob put. */
Test(pack, flipped_byte_in_a_segment_is_a_miss)
{
    bf_pack_t *p = pk_open(false);
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    put(w, 1, 1);
    put_n(w, 2, 1, 600, true);
    put_n(w, 3, 1, 3000, false);
    bf_pack_writer_free(w);
    uint64_t live[] = {1, 2, 3};
    cr_assert_eq(commit(p, live, 3), 0);
    bf_pack_close(p);
    const char *seg = rpath(first_file("seg."));
    off_t size = file_size(seg);
    static const unsigned char masks[] = {0x01, 0x80, 0xff};
    for (off_t at = 0; at < size; at++) {
        for (size_t m = 0; m < sizeof masks; m++) {
            flip(seg, at, masks[m]);
            p = pk_open(false);
            int hits = get(p, 1, 1) + get_n(p, 2, 1, 600, true) + get_n(p, 3, 1, 3000, false);
            bf_pack_close(p);
            flip(seg, at, masks[m]);
            /* the segment header is not read by get; an entry's byte is */
            cr_assert_eq(hits, at < SEG_HDR ? 3 : 2, "byte %lld ^ 0x%02x: %d hits",
                         (long long)at, masks[m], hits);
        }
    }
    /* and once for good: the commit after a flipped byte works, and the
     * damaged entry is put again by the next build */
    flip(seg, SEG_HDR + ENTRY_HDR + 3, 0x10);
    p = pk_open(false);
    cr_assert_eq(get(p, 1, 1), 0);
    w = bf_pack_writer_new(p);
    put(w, 1, 1);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, live, 3), 0);
    bf_pack_close(p);
    p = pk_open(false);
    cr_assert_eq(get(p, 1, 1) + get_n(p, 2, 1, 600, true) + get_n(p, 3, 1, 3000, false), 3);
    bf_pack_close(p);
}

/* A stray byte in a new segment, before it is adopted: what comes before
 * it is kept, and no entry reads back wrong. */
Test(pack, flipped_byte_in_a_new_segment)
{
    bf_pack_t *p = pk_open(false);
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    put_n(w, 1, 1, 500, true);
    put_n(w, 2, 1, 500, true);
    put_n(w, 3, 1, 500, true);
    bf_pack_writer_free(w);
    const char *name = first_file("new.");
    off_t size = file_size(rpath(name));
    off_t second = SEG_HDR + (size - SEG_HDR) / 3; /* inside entry 2 (same sizes) */
    flip(rpath(name), second + ENTRY_HDR + 10, 0x40);
    uint64_t live[] = {1, 2, 3};
    cr_assert_eq(commit(p, live, 3), 0);
    bf_pack_close(p);
    p = pk_open(false);
    cr_assert_eq(get_n(p, 1, 1, 500, true), 1, "the entry before the damage was lost");
    cr_assert_eq(get_n(p, 2, 1, 500, true), 0, "the damaged entry was adopted");
    get_n(p, 3, 1, 500, true); /* kept or not: right if kept (get_n checks) */
    bf_pack_close(p);
}

/* A segment shorter than the index says (truncated, or emptied): its
 * entries miss, the commit drops them, and the file goes. */
Test(pack, short_segment_misses_and_goes)
{
    uint64_t a[] = {1, 2}, b[] = {3, 4}, live[] = {1, 2, 3, 4};
    build(a, 2, 1, live, 4);
    build(b, 2, 1, live, 4);
    cr_assert_eq(count_files("seg."), 2);
    /* the older segment (lower id) holds 1 and 2 */
    const char *seg = rpath("seg.0");
    cr_assert_eq(truncate(seg, file_size(seg) - 1), 0);
    bf_pack_t *p = pk_open(false);
    cr_assert_eq(get(p, 1, 1), 0);
    cr_assert_eq(get(p, 2, 1), 0);
    cr_assert_eq(get(p, 3, 1), 1);
    cr_assert_eq(get(p, 4, 1), 1);
    cr_assert_eq(commit(p, live, 4), 0);
    cr_assert_eq(bf_pack_count(p), 2);
    bf_pack_close(p);
    cr_assert(access(seg, F_OK) != 0, "the short segment was kept");
    assert_only_referenced_segments();
    /* emptied */
    uint64_t c[] = {1, 2};
    build(c, 2, 1, live, 4);
    p = pk_open(false);
    cr_assert_eq(get(p, 1, 1) + get(p, 2, 1) + get(p, 3, 1) + get(p, 4, 1), 4);
    bf_pack_close(p);
    const char *first = rpath(first_file("seg."));
    cr_assert_eq(truncate(first, 0), 0);
    p = pk_open(false);
    int hits = get(p, 1, 1) + get(p, 2, 1) + get(p, 3, 1) + get(p, 4, 1);
    cr_assert_eq(hits, 2, "an emptied segment: %d hits", hits);
    cr_assert_eq(commit(p, live, 4), 0);
    bf_pack_close(p);
    assert_only_referenced_segments();
}

/* Something that is not a file where a segment is (a directory, a
 * symlink to the real one): its entries miss, nothing follows the
 * symlink, and the state directory being ours, the commit removes it
 * like any segment no entry points at. */
Test(pack, not_a_file_in_place_of_a_segment)
{
    uint64_t a[] = {1}, b[] = {2}, live[] = {1, 2};
    build(a, 1, 1, live, 2);
    build(b, 1, 1, live, 2);
    char moved[256];
    snprintf(moved, sizeof moved, "%s/seg.1.real", state);
    cr_assert_eq(rename(rpath("seg.1"), moved), 0);
    cr_assert_eq(symlink(moved, rpath("seg.1")), 0);
    cr_assert_eq(rename(rpath("seg.0"), rpath("seg.0.x")), 0);
    cr_assert_eq(mkdir(rpath("seg.0"), 0755), 0);
    FILE *f = fopen(rpath("seg.0/inside"), "w");
    cr_assert_not_null(f);
    fputs("a file in a directory where a segment belongs\n", f);
    fclose(f);
    unlink(rpath("seg.0.x"));

    bf_pack_t *p = pk_open(false);
    cr_assert_eq(get(p, 1, 1), 0, "a directory gave a blob");
    cr_assert_eq(get(p, 2, 1), 0, "a symlinked segment was followed");
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    put(w, 1, 2);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, live, 2), 0);
    bf_pack_close(p);
    p = pk_open(false);
    cr_assert_eq(get(p, 1, 2), 1);
    bf_pack_close(p);
    struct stat st;
    cr_assert(lstat(rpath("seg.1"), &st) != 0, "the symlink at seg.1 was kept");
    cr_assert(stat(moved, &st) == 0, "the symlink's target was removed");
    cr_expect(lstat(rpath("seg.0"), &st) != 0,
              "the directory at seg.0, which no entry points at, was not removed");
}

/* ---- the index ------------------------------------------------------------- */

enum { I_TRUNC10, I_TRUNC_HALF, I_FLIPPED, I_VERSION, I_KIND, I_EMPTY, I_DIR, I_SYMLINK,
       N_INDEX_DAMAGE };
static const char *const index_damage[] = {
    "truncated to 10 bytes", "truncated by half", "a flipped byte", "version 99",
    "another kind", "empty", "a directory", "a symlink"};

static void damage_index(int how)
{
    const char *ix = rpath("index");
    off_t size = file_size(ix);
    switch (how) {
    case I_TRUNC10:
        cr_assert_eq(truncate(ix, 10), 0);
        break;
    case I_TRUNC_HALF:
        cr_assert_eq(truncate(ix, size / 2), 0);
        break;
    case I_FLIPPED:
        flip(ix, BF_CACHE_HEADER + (size - BF_CACHE_HEADER) / 2, 0x20);
        break;
    case I_VERSION:
        flip(ix, 8, 99 ^ BF_PACK_VERSION);
        break;
    case I_KIND:
        flip(ix, 4, 0x01);
        break;
    case I_EMPTY:
        cr_assert_eq(truncate(ix, 0), 0);
        break;
    case I_DIR:
        cr_assert_eq(unlink(ix), 0);
        cr_assert_eq(mkdir(ix, 0755), 0);
        cr_assert_eq(mkdir(rpath("index/sub"), 0755), 0);
        break;
    case I_SYMLINK: {
        char to[256];
        snprintf(to, sizeof to, "%s/index.real", state);
        cr_assert_eq(rename(ix, to), 0);
        cr_assert_eq(symlink(to, ix), 0);
        break;
    }
    }
}

/* The index damaged in each way: an empty pack with one warning that
 * names it, no crash; the next commit writes a good index and the pack
 * after it is whole. */
Test(pack, damaged_index_is_an_empty_pack)
{
    uint64_t g[] = {1, 2, 3};
    for (int how = 0; how < N_INDEX_DAMAGE; how++) {
        teardown();
        setup();
        build(g, 3, 1, g, 3);
        damage_index(how);
        cap_start();
        bf_pack_t *p = bf_pack_open(sfd, "render", "STATE/render", false);
        size_t warned = bf_ctx.n_warnings;
        char *err = cap_end();
        cr_assert_not_null(p, "%s: no pack", index_damage[how]);
        cr_assert_eq(warned, 1, "%s: %zu warnings:\n%s", index_damage[how], warned, err);
        cr_assert(strstr(err, "STATE/render/index"), "%s: the warning does not name the "
                  "index: %s", index_damage[how], err);
        free(err);
        cr_assert_eq(bf_pack_count(p), 0, "%s: entries from a damaged index", index_damage[how]);
        cr_assert_eq(get(p, 1, 1) + get(p, 2, 1) + get(p, 3, 1), 0, "%s", index_damage[how]);
        bf_pack_writer_t *w = bf_pack_writer_new(p);
        put(w, 1, 2);
        put(w, 2, 2);
        bf_pack_writer_free(w);
        cr_assert_eq(commit(p, g, 3), 0, "%s: the commit failed", index_damage[how]);
        bf_pack_close(p);

        bf_ctx.n_warnings = 0;
        cap_start();
        p = pk_open(false);
        char *err2 = cap_end();
        cr_assert_eq(bf_ctx.n_warnings, 0, "%s: the next open warns again: %s",
                     index_damage[how], err2);
        free(err2);
        cr_assert_eq(bf_pack_count(p), 2, "%s", index_damage[how]);
        cr_assert_eq(get(p, 1, 2) + get(p, 2, 2), 2, "%s", index_damage[how]);
        cr_assert_eq(get(p, 3, 1), 0, "%s", index_damage[how]);
        bf_pack_close(p);
        struct stat st;
        cr_assert(lstat(rpath("index"), &st) == 0 && S_ISREG(st.st_mode),
                  "%s: the index is not a file again", index_damage[how]);
        assert_only_referenced_segments();
        if (how == I_SYMLINK) {
            char to[256];
            snprintf(to, sizeof to, "%s/index.real", state);
            cr_assert(lstat(to, &st) == 0 && st.st_size > BF_CACHE_HEADER,
                      "the symlink's target was changed");
        }
    }
}

/* An index with a good envelope (kind, version, checksum) whose entries
 * do not hold together is as corrupt as a bad checksum: an empty pack
 * and one warning. */
static void write_index(const void *segs, size_t n_segs, const void *ents, size_t n_ents)
{
    uint32_t hdr[2] = {(uint32_t)n_segs, (uint32_t)n_ents};
    struct iovec iov[3] = {{hdr, sizeof hdr}, {(void *)segs, n_segs * 16},
                           {(void *)ents, n_ents * 40}};
    int fd = open(rpath(NULL), O_RDONLY | O_DIRECTORY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(bf_cache_write(fd, "index", INDEX_KIND, BF_PACK_VERSION, iov, 3, 0), 0);
    close(fd);
}

typedef struct {
    uint32_t id, zero;
    uint64_t len;
} t_seg_t;

typedef struct {
    uint64_t group, key_lo, key_hi;
    uint32_t seg, clen;
    uint64_t off;
} t_ent_t;

Test(pack, inconsistent_index_is_an_empty_pack)
{
    uint64_t g[] = {1, 2};
    build(g, 2, 1, g, 2);
    const char *seg = first_file("seg.");
    uint32_t id = (uint32_t)strtoul(seg + 4, NULL, 10);
    uint64_t len = (uint64_t)file_size(rpath(seg));
    /* a sound index (as pack.c writes it), then one defect each */
    bf_digest_t k = key(1);
    uint32_t clen1 = 0;
    {
        int fd = open(rpath(seg), O_RDONLY);
        cr_assert_geq(fd, 0);
        cr_assert_eq(pread(fd, &clen1, 4, SEG_HDR + 4), 4);
        close(fd);
    }
    t_seg_t s = {id, 0, len};
    t_ent_t good = {1, k.lo, k.hi, 0, clen1, SEG_HDR};
    write_index(&s, 1, &good, 1);
    bf_pack_t *p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), 1, "the hand-made sound index was not read");
    cr_assert_eq(get(p, 1, 1), 1);
    bf_pack_close(p);

    struct {
        const char *what;
        t_ent_t e[2];
        size_t n;
        t_seg_t s;
    } bad[] = {
        {"an entry in no segment", {{1, k.lo, k.hi, 1, clen1, SEG_HDR}}, 1, s},
        {"an entry past its segment's end", {{1, k.lo, k.hi, 0, clen1, len}}, 1, s},
        {"an entry inside the segment header", {{1, k.lo, k.hi, 0, clen1, 4}}, 1, s},
        {"entries out of order",
         {{2, k.lo, k.hi, 0, clen1, SEG_HDR}, {1, k.lo, k.hi, 0, clen1, SEG_HDR}}, 2, s},
        {"a group twice",
         {{1, k.lo, k.hi, 0, clen1, SEG_HDR}, {1, k.lo, k.hi, 0, clen1, SEG_HDR}}, 2, s},
        /* off + header + clen wraps around to inside the segment */
        {"an offset that wraps around",
         {{1, k.lo, k.hi, 0, 64, UINT64_MAX - ENTRY_HDR - 64 + 1 + SEG_HDR}}, 1, s},
        {"a length that wraps around",
         {{1, k.lo, k.hi, 0, UINT32_MAX, UINT64_MAX - ENTRY_HDR - UINT32_MAX + 1 + SEG_HDR}},
         1, s},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_index(&bad[i].s, 1, bad[i].e, bad[i].n);
        bf_ctx.n_warnings = 0;
        cap_start();
        p = pk_open(false);
        int hit = get(p, 1, 1);
        size_t count = bf_pack_count(p);
        char *err = cap_end();
        cr_expect_eq(hit, 0, "%s: a blob", bad[i].what);
        cr_expect(count == 0 && bf_ctx.n_warnings == 1,
                  "%s: the index was accepted (%zu entries, %zu warnings)%s", bad[i].what,
                  count, bf_ctx.n_warnings, err);
        free(err);
        cr_assert_eq(commit(p, g, 2), 0, "%s: the commit failed", bad[i].what);
        bf_pack_close(p);
    }
    /* a segment the index says is longer than its file: a sound index
     * (the file was cut), whose entries miss */
    t_seg_t longer = {id, 0, len + 100};
    write_index(&longer, 1, &good, 1);
    p = pk_open(false);
    cr_assert_eq(get(p, 1, 1), 0, "an entry of a short segment gave a blob");
    cr_assert_eq(commit(p, g, 2), 0);
    bf_pack_close(p);

    /* a count that does not match the bytes, and huge counts */
    uint32_t junk[4] = {1, 1u << 30, 0, 0};
    int fd = open(rpath(NULL), O_RDONLY | O_DIRECTORY);
    struct iovec iov[1] = {{junk, sizeof junk}};
    cr_assert_eq(bf_cache_write(fd, "index", INDEX_KIND, BF_PACK_VERSION, iov, 1, 0), 0);
    close(fd);
    bf_ctx.n_warnings = 0;
    cap_start();
    p = pk_open(false);
    free(cap_end());
    cr_assert_eq(bf_pack_count(p), 0);
    cr_assert_eq(bf_ctx.n_warnings, 1);
    cr_assert_eq(commit(p, g, 2), 0);
    bf_pack_close(p);
}

/* fresh (--no-cache): the index is not read, the pack starts empty, and
 * the commit replaces the index and every segment of before. */
Test(pack, fresh_pack_replaces_everything)
{
    uint64_t g[] = {1, 2, 3};
    build(g, 3, 1, g, 3);
    build(g, 1, 2, g, 3);
    cr_assert_eq(count_files("seg."), 2);
    bf_pack_t *p = pk_open(true);
    cr_assert_eq(bf_pack_count(p), 0);
    cr_assert_eq(get(p, 2, 1), 0);
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    put(w, 2, 3);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, g, 3), 0);
    bf_pack_close(p);
    cr_assert(access(rpath("seg.0"), F_OK) != 0 && access(rpath("seg.1"), F_OK) != 0,
              "a segment of before the fresh pack was left");
    cr_assert_eq(count_files("seg."), 1);
    p = pk_open(false);
    cr_assert_eq(bf_pack_count(p), 1);
    cr_assert_eq(get(p, 2, 3), 1);
    cr_assert_eq(get(p, 1, 2) + get(p, 3, 1), 0);
    bf_pack_close(p);
    assert_only_referenced_segments();
}

/* --no-cache after the index was damaged into a directory: the fresh
 * pack does not read the index, so nothing removed the directory; the
 * commit must still be able to write the index (a build with --no-cache
 * is what a user runs when the cache looks broken). */
Test(pack, fresh_pack_over_a_directory_index)
{
    uint64_t g[] = {1, 2};
    build(g, 2, 1, g, 2);
    damage_index(I_DIR);
    bf_ctx.n_warnings = 0;
    cap_start();
    bf_pack_t *p = pk_open(true);
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    put(w, 1, 2);
    bf_pack_writer_free(w);
    int rc = commit(p, g, 2);
    bf_pack_close(p);
    char *err = cap_end();
    cr_expect_eq(rc, 0, "the commit of a fresh pack over a directory index failed:\n%s", err);
    cr_expect_eq(bf_ctx.n_warnings, 0, "warnings:\n%s", err);
    free(err);
    p = pk_open(false);
    cr_expect_eq(get(p, 1, 2), 1, "the fresh pack's entry is not in the next pack");
    bf_pack_close(p);
}

/* ---- the directory ------------------------------------------------------------ */

Test(pack, not_a_directory_in_place_of_render)
{
    /* a regular file */
    FILE *f = fopen(rpath(NULL), "w");
    cr_assert_not_null(f);
    fputs("not a directory\n", f);
    fclose(f);
    bf_pack_t *p = pk_open(false);
    struct stat st;
    cr_assert(lstat(rpath(NULL), &st) == 0 && S_ISDIR(st.st_mode), "render is not a directory");
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    put(w, 1, 1);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, (uint64_t[]){1}, 1), 0);
    bf_pack_close(p);
    p = pk_open(false);
    cr_assert_eq(get(p, 1, 1), 1);
    bf_pack_close(p);

    /* a symlink to a directory elsewhere: replaced, never written through */
    char outside[256];
    snprintf(outside, sizeof outside, "%s/outside", state);
    cr_assert_eq(mkdir(outside, 0755), 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", rpath(NULL));
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(symlink(outside, rpath(NULL)), 0);
    p = pk_open(false);
    cr_assert(lstat(rpath(NULL), &st) == 0 && S_ISDIR(st.st_mode),
              "the symlink at render was kept");
    w = bf_pack_writer_new(p);
    put(w, 1, 1);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, (uint64_t[]){1}, 1), 0);
    bf_pack_close(p);
    DIR *d = opendir(outside);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        cr_assert(e->d_name[0] == '.', "%s was written through the symlink", e->d_name);
    closedir(d);
}

/* ---- compaction and sweeping -------------------------------------------------- */

/* Commit after commit, each rewriting one group of 100 (so that every
 * segment keeps a live entry for a long time): the segments stay under
 * the limit, and every group reads back its newest blob after every
 * commit. */
Test(pack, many_commits_keep_the_segments_bounded)
{
    enum { GROUPS = 100, COMMITS = 260 };
    uint64_t live[GROUPS], version[GROUPS] = {0};
    for (int i = 0; i < GROUPS; i++)
        live[i] = (uint64_t)i * 7919 + 1;
    int most = 0;
    for (int c = 0; c < COMMITS; c++) {
        int gi = c % GROUPS;
        bf_pack_t *p = pk_open(false);
        bf_pack_writer_t *w = bf_pack_writer_new(p);
        version[gi] = (uint64_t)c + 1;
        put(w, live[gi], version[gi]);
        if (c % 7 == 0) { /* sometimes a second group in the same segment */
            int gj = (c / 7) % GROUPS;
            version[gj] = (uint64_t)c + 1;
            put(w, live[gj], version[gj]);
        }
        bf_pack_writer_free(w);
        cr_assert_eq(commit(p, live, GROUPS), 0, "commit %d", c);
        bf_pack_close(p);
        int segs = count_files("seg.");
        if (segs > most)
            most = segs;
        cr_assert_leq(segs, SEGS_MAX + 1, "commit %d: %d segments", c, segs);
        if (c % 13 == 0 || c == COMMITS - 1) {
            p = pk_open(false);
            for (int i = 0; i < GROUPS; i++)
                if (version[i])
                    cr_assert_eq(get(p, live[i], version[i]), 1,
                                 "commit %d: group %d lost its newest blob", c, i);
            bf_pack_close(p);
            assert_only_referenced_segments();
        }
    }
    cr_assert_geq(most, 10, "the test never had many segments (%d)", most);
}

/* Big groups rewritten small: the dead bytes outweigh the live ones, and
 * the commit copies the live entries out (the files shrink). */
Test(pack, dead_space_is_compacted)
{
    enum { BIG = 400000 };
    uint64_t live[] = {1, 2, 3, 4};
    bf_pack_t *p = pk_open(false);
    bf_pack_writer_t *w = bf_pack_writer_new(p);
    for (int g = 1; g <= 4; g++)
        put_n(w, (uint64_t)g, 1, BIG, true);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, live, 4), 0);
    bf_pack_close(p);
    off_t big = file_size(rpath(first_file("seg.")));
    cr_assert_gt(big, 4 * BIG);

    /* 2, 3, 4 again, small: group 1 keeps the big segment alive */
    p = pk_open(false);
    w = bf_pack_writer_new(p);
    for (int g = 2; g <= 4; g++)
        put(w, (uint64_t)g, 2);
    bf_pack_writer_free(w);
    cr_assert_eq(commit(p, live, 4), 0);
    bf_pack_close(p);

    off_t total = 0;
    DIR *d = opendir(rpath(NULL));
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "seg.", 4) == 0)
            total += file_size(rpath(e->d_name));
    closedir(d);
    cr_assert_lt(total, 2 * BIG, "%lld bytes of segments for %d live: not compacted",
                 (long long)total, BIG);
    p = pk_open(false);
    cr_assert_eq(get_n(p, 1, 1, BIG, true), 1);
    for (int g = 2; g <= 4; g++) {
        cr_assert_eq(get(p, (uint64_t)g, 2), 1);
        cr_assert_eq(get_n(p, (uint64_t)g, 1, BIG, true), 0);
    }
    bf_pack_close(p);
    assert_only_referenced_segments();
    cr_assert_eq(count_files("compact"), 0);
}

/* Segments no entry points at go at the commit: those whose entries
 * were all replaced or dropped, and leftovers (a stray seg.N, a
 * compaction's temporary, a new segment with no entry). */
Test(pack, unreferenced_segments_are_removed)
{
    uint64_t g[] = {1, 2, 3}, two[] = {1, 2};
    build(g, 3, 1, g, 3);
    build(g, 2, 2, g, 3);
    cr_assert_eq(count_files("seg."), 2);
    assert_only_referenced_segments();
    build(g, 3, 3, g, 3); /* everything rewritten: the old segments are dead */
    cr_assert_eq(count_files("seg."), 1, "segments with no live entry were kept");
    assert_only_referenced_segments();
    build(NULL, 0, 0, two, 2); /* group 3 dropped: its segment still holds 1 and 2 */
    assert_only_referenced_segments();

    /* leftovers */
    static const char *const junk[] = {"seg.99", "compact.tmp", "new.1", "new.2"};
    for (size_t i = 0; i < 4; i++) {
        FILE *f = fopen(rpath(junk[i]), "w");
        cr_assert_not_null(f);
        if (i == 3)
            fwrite("BFPS\1\0\0\0\0\0\0\0\0\0\0\0", 1, 16, f); /* a header, no entry */
        else
            fputs("leftover", f);
        fclose(f);
    }
    bf_pack_t *p = pk_open(false);
    cr_assert_eq(commit(p, two, 2), 0);
    cr_assert_eq(get(p, 1, 3) + get(p, 2, 3), 2);
    bf_pack_close(p);
    for (size_t i = 0; i < 4; i++)
        cr_assert(access(rpath(junk[i]), F_OK) != 0, "%s was left", junk[i]);
    assert_only_referenced_segments();
    p = pk_open(false);
    cr_assert_eq(get(p, 1, 3) + get(p, 2, 3), 2);
    cr_assert_eq(get(p, 3, 3), 0);
    bf_pack_close(p);
}
