/*
 * coordinator/srccache.c - discovery's memory of the files it parsed
 * (see srccache.h).
 *
 * The file's payload is a sequence of records: u32 path length, path,
 * u64 hash, len, fm_hash, body_len, u32 body_line, u32 title length
 * (0xffffffff: none) and title, u32 length of the front matter and the
 * front matter (bf_value_save).
 * Loading only indexes the records by path; a record is decoded when its
 * file is asked for, and copied as it is into this build's records when
 * the file is unchanged.
 */
#include "coordinator/srccache.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "shared/cachefile.h"
#include "shared/log.h"

#define KIND BF_CACHE_KIND('S', 'R', 'C', 'S')
#define NO_TITLE 0xffffffffu

typedef struct {
    uint64_t hash, len, fm_hash, body_len;
    uint32_t body_line;
} fixed_t;
_Static_assert(sizeof(fixed_t) == 40, "record size");

typedef struct {
    const unsigned char *p;  /* the record, from its path on */
    size_t n;
} rec_t;

/* One record at p (n bytes left): its length, or 0 when it does not hold
 * together.  The front matter is only skipped here (decoded, and checked,
 * when its file is asked for). */
static size_t record_len(const unsigned char *p, size_t n, const char **path,
                         size_t *path_len)
{
    uint32_t k, t, m;
    size_t at;
    if (n < 4 || (memcpy(&k, p, 4), n - 4 < k))
        return 0;
    *path = (const char *)p + 4;
    *path_len = k;
    at = 4 + k;
    if (n - at < sizeof(fixed_t) + 4)
        return 0;
    at += sizeof(fixed_t);
    memcpy(&t, p + at, 4);
    at += 4;
    if (t != NO_TITLE) {
        if (n - at < t)
            return 0;
        at += t;
    }
    if (n - at < 4 || (memcpy(&m, p + at, 4), n - at - 4 < m))
        return 0;
    return at + 4 + m;
}

int bf_srccache_load(bf_srccache_t *c, int state_fd, const char *disp, bool fresh)
{
    memset(c, 0, sizeof *c);
    if (!(c->arena = bf_arena_create(1 << 20)))
        return -1;
    if (fresh)
        return 0;
    const char *why = NULL;
    int rc = bf_cache_read(state_fd, "sources", KIND, BF_SRCCACHE_VERSION, 0, &c->file, &why);
    if (rc <= 0) {
        if (rc < 0)
            bf_log_warn("%s/sources: ignored (%s); every content file is parsed", disp, why);
        bf_buf_free(&c->file);
        return 0;
    }
    const unsigned char *d = (const unsigned char *)c->file.data;
    size_t n = c->file.len;
    for (size_t at = 0; at < n;) {
        const char *path;
        size_t path_len, k = record_len(d + at, n - at, &path, &path_len);
        rec_t *r = k ? bf_arena_alloc(c->arena, sizeof *r) : NULL;
        if (!k) {
            bf_log_warn("%s/sources: ignored (its records do not hold together); every "
                        "content file is parsed", disp);
            memset(&c->old, 0, sizeof c->old);
            break;
        }
        if (!r)
            return -1;
        r->p = d + at;
        r->n = k;
        if (!bf_strmap_put(c->arena, &c->old, path, path_len, r))
            return -1;
        at += k;
    }
    return 0;
}

void bf_srccache_free(bf_srccache_t *c)
{
    bf_arena_destroy(c->arena);
    bf_buf_free(&c->file);
    bf_buf_free(&c->now);
    memset(c, 0, sizeof *c);
}

int bf_srccache_find(const bf_srccache_t *c, bf_arena_t *a, const char *rel, uint64_t hash,
                     uint64_t len, bf_src_t *out, bf_srccache_rec_t *rec)
{
    size_t rl = strlen(rel);
    const rec_t *r = c->arena ? bf_strmap_get(&c->old, rel, rl) : NULL;
    fixed_t f;
    uint32_t t, m;
    size_t at = 4 + rl, used;
    if (!r)
        return 0;
    memcpy(&f, r->p + at, sizeof f);
    if (f.hash != hash || f.len != len || f.body_len > len)
        return 0;
    at += sizeof f;
    memcpy(&t, r->p + at, 4);
    at += 4;
    out->title = NULL;
    if (t != NO_TITLE) {
        if (!(out->title = bf_arena_strndup(a, (const char *)r->p + at, t)))
            return -1;
        at += t;
    }
    memcpy(&m, r->p + at, 4);
    at += 4;
    if (bf_value_load(a, r->p + at, m, &used, &out->meta) < 0)
        return errno == ENOMEM ? -1 : 0;
    if (used != m)
        return 0;
    out->hash = f.hash;
    out->len = f.len;
    out->fm_hash = f.fm_hash;
    out->body_len = f.body_len;
    out->body_line = f.body_line;
    *rec = (bf_srccache_rec_t){r->p, r->n};
    return 1;
}

int bf_srccache_keep(bf_srccache_t *c, bf_srccache_rec_t rec)
{
    c->reused++;
    /* this build knows the file as the last one did */
    return bf_buf_append(&c->now, rec.p, rec.n);
}

int bf_srccache_get(bf_srccache_t *c, bf_arena_t *a, const char *rel, uint64_t hash,
                    uint64_t len, bf_src_t *out)
{
    bf_srccache_rec_t rec;
    int got = bf_srccache_find(c, a, rel, hash, len, out, &rec);
    if (got != 1)
        return got;
    return bf_srccache_keep(c, rec) < 0 ? -1 : 1;
}

int bf_srccache_add(bf_srccache_t *c, const char *rel, const bf_src_t *src)
{
    uint32_t k = (uint32_t)strlen(rel), t = src->title ? (uint32_t)strlen(src->title) : NO_TITLE;
    fixed_t f = {src->hash, src->len, src->fm_hash, src->body_len, src->body_line};
    size_t mark = c->now.len, m_at;
    uint32_t m;
    c->parsed++;
    if (bf_buf_append(&c->now, &k, 4) | bf_buf_append(&c->now, rel, k) |
        bf_buf_append(&c->now, &f, sizeof f) | bf_buf_append(&c->now, &t, 4) |
        (src->title ? bf_buf_append(&c->now, src->title, t) : 0) |
        bf_buf_append(&c->now, "\0\0\0\0", 4))
        goto oom;
    m_at = c->now.len;
    if (bf_value_save(src->meta, &c->now) < 0 || c->now.len - m_at > UINT32_MAX)
        goto oom;
    m = (uint32_t)(c->now.len - m_at);
    memcpy(c->now.data + m_at - 4, &m, 4);
    return 0;
oom:
    bf_buf_truncate(&c->now, mark);
    return -1;
}

void bf_srccache_save(bf_srccache_t *c, int state_fd)
{
    struct iovec iov = {c->now.data ? c->now.data : "", c->now.len};
    if (bf_cache_write(state_fd, "sources", KIND, BF_SRCCACHE_VERSION, &iov, 1, 0) < 0)
        bf_log_debug("cannot write the discovery cache: %s", strerror(errno));
    else
        bf_log_debug("discovery: %llu files parsed, %llu as last time",
                     (unsigned long long)c->parsed, (unsigned long long)c->reused);
}
