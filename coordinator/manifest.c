/*
 * coordinator/manifest.c - output manifests (see manifest.h).
 *
 * Payload of a manifest file (little-endian):
 *
 *     u64 dev, ino; i64 btime_sec; u32 btime_nsec; u32 n
 *     n x { u64 size; u64 digest_lo, digest_hi; u32 path_len; u32 zero }
 *     the n paths, back to back (no NULs)
 */
#include "coordinator/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/cachefile.h"

#define KIND BF_CACHE_KIND('M', 'A', 'N', 'I')

typedef struct {
    uint64_t dev, ino;
    int64_t btime_sec;
    uint32_t btime_nsec, n;
} head_t;

typedef struct {
    uint64_t size, lo, hi;
    uint32_t len, zero;
} rec_t;

static void slot_name(unsigned slot, char *name, size_t n)
{
    snprintf(name, n, "manifest.%u", slot);
}

int bf_tree_id(int dirfd, const char *path, bf_tree_id_t *id)
{
    struct statx sx;
    if (statx(dirfd, path, AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME | STATX_TYPE, &sx) < 0)
        return -1;
    if (!S_ISDIR(sx.stx_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    if (!(sx.stx_mask & STATX_BTIME)) {
        errno = EOPNOTSUPP;
        return -1;
    }
    *id = (bf_tree_id_t){
        .dev = ((uint64_t)sx.stx_dev_major << 32) | sx.stx_dev_minor,
        .ino = sx.stx_ino,
        .btime_sec = sx.stx_btime.tv_sec,
        .btime_nsec = sx.stx_btime.tv_nsec,
    };
    return 0;
}

bool bf_tree_id_eq(const bf_tree_id_t *a, const bf_tree_id_t *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->btime_sec == b->btime_sec &&
           a->btime_nsec == b->btime_nsec && a->ino != 0;
}

void bf_manifest_init(bf_manifest_t *m, bf_arena_t *a)
{
    memset(m, 0, sizeof *m);
    m->arena = a;
}

int bf_manifest_put(bf_manifest_t *m, const char *path, size_t len, uint64_t size,
                    bf_digest_t digest)
{
    uintptr_t at = (uintptr_t)bf_strmap_get(&m->index, path, len);
    if (at) {
        m->e[at - 1].size = size;
        m->e[at - 1].digest = digest;
        return 0;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 256;
        bf_manifest_entry_t *e = bf_arena_alloc(m->arena, cap * sizeof *e);
        if (!e)
            return -1;
        if (m->n)
            memcpy(e, m->e, m->n * sizeof *e);
        m->e = e, m->cap = cap;
    }
    char *key = bf_arena_strndup(m->arena, path, len);
    if (!key || !bf_strmap_put(m->arena, &m->index, key, len, (void *)(uintptr_t)(m->n + 1)))
        return -1;
    m->e[m->n++] = (bf_manifest_entry_t){key, (uint32_t)len, size, digest};
    return 0;
}

const bf_manifest_entry_t *bf_manifest_get(const bf_manifest_t *m, const char *path,
                                           size_t len)
{
    uintptr_t at = (uintptr_t)bf_strmap_get(&m->index, path, len);
    return at ? &m->e[at - 1] : NULL;
}

int bf_manifest_load(bf_manifest_t *m, int state_fd, unsigned slot, const char **why)
{
    char name[32];
    slot_name(slot, name, sizeof name);
    bf_buf_t b = BF_BUF_INIT;
    int rc = bf_cache_read(state_fd, name, KIND, BF_MANIFEST_VERSION, 0, &b, why);
    if (rc <= 0) {
        bf_buf_free(&b);
        return rc;
    }
    head_t h;
    rc = -1;
    *why = "malformed";
    if (b.len < sizeof h)
        goto out;
    memcpy(&h, b.data, sizeof h);
    size_t recs = sizeof h + (size_t)h.n * sizeof(rec_t);
    if (h.n > (b.len - sizeof h) / sizeof(rec_t))
        goto out;
    m->id = (bf_tree_id_t){h.dev, h.ino, h.btime_sec, h.btime_nsec};
    size_t at = recs;
    for (uint32_t i = 0; i < h.n; i++) {
        rec_t r;
        memcpy(&r, b.data + sizeof h + (size_t)i * sizeof r, sizeof r);
        if (r.len == 0 || r.len > b.len - at || memchr(b.data + at, '\0', r.len))
            goto out;
        if (bf_manifest_put(m, b.data + at, r.len, r.size, (bf_digest_t){r.lo, r.hi}) < 0) {
            *why = "out of memory";
            goto out;
        }
        at += r.len;
    }
    rc = at == b.len ? 1 : -1;
out:
    bf_buf_free(&b);
    return rc;
}

int bf_manifest_save(const bf_manifest_t *m, int state_fd, unsigned slot, bool do_sync)
{
    char name[32];
    slot_name(slot, name, sizeof name);
    head_t h = {m->id.dev, m->id.ino, m->id.btime_sec, m->id.btime_nsec, (uint32_t)m->n};
    bf_buf_t recs = BF_BUF_INIT, paths = BF_BUF_INIT;
    int rc = -1;
    for (size_t i = 0; i < m->n; i++) {
        const bf_manifest_entry_t *e = &m->e[i];
        rec_t r = {e->size, e->digest.lo, e->digest.hi, e->len, 0};
        if (bf_buf_append(&recs, &r, sizeof r) < 0 || bf_buf_append(&paths, e->path, e->len) < 0)
            goto out;
    }
    struct iovec iov[3] = {{&h, sizeof h}, {recs.data, recs.len}, {paths.data, paths.len}};
    rc = bf_cache_write(state_fd, name, KIND, BF_MANIFEST_VERSION, iov, 3, do_sync);
out:
    bf_buf_free(&recs);
    bf_buf_free(&paths);
    return rc;
}

int bf_manifest_drop(int state_fd, unsigned slot, bool do_sync)
{
    char name[32];
    slot_name(slot, name, sizeof name);
    if (unlinkat(state_fd, name, 0) < 0 && errno != ENOENT)
        return -1;
    return do_sync ? fsync(state_fd) : 0;
}
