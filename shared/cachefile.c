/*
 * shared/cachefile.c - the state directory's file envelope (cachefile.h).
 */
#include "shared/cachefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/fs.h"
#include "shared/hash.h"

typedef struct {
    uint32_t magic, kind, version, zero;
    uint64_t length, checksum;
} header_t;
_Static_assert(sizeof(header_t) == BF_CACHE_HEADER, "cache header size");

/* Payload bytes are written a chunk at a time: a cache file (the page
 * cache of a large site: ~1 KB a page) is never held whole. */
#define CHUNK ((size_t)1 << 20)

struct bf_cache_out {
    int fd;
    bf_hasher_t *x;
    bf_buf_t buf; /* put, not written yet */
    uint64_t len; /* payload bytes put */
};

static int out_flush(bf_cache_out_t *o)
{
    int rc = bf_fs_write_all(o->fd, o->buf.data, o->buf.len);
    bf_buf_reset(&o->buf);
    return rc;
}

int bf_cache_put(bf_cache_out_t *o, const void *p, size_t n)
{
    if (!n)
        return 0;
    bf_hasher_update(o->x, p, n);
    o->len += n;
    if (n >= CHUNK)
        return out_flush(o) < 0 ? -1 : bf_fs_write_all(o->fd, p, n);
    if (bf_buf_append(&o->buf, p, n) < 0)
        return -1;
    return o->buf.len >= CHUNK ? out_flush(o) : 0;
}

uint64_t bf_cache_out_len(const bf_cache_out_t *o)
{
    return o->len;
}

typedef struct {
    uint32_t kind, version;
    int (*fill)(bf_cache_out_t *o, void *arg);
    void *arg;
} fill_t;

/* The file: a header to be, the payload as fill puts it, then the header
 * with the payload's length and checksum, over the first. */
static int fill_file(int fd, void *arg)
{
    const fill_t *f = arg;
    header_t h = {.magic = BF_CACHE_MAGIC, .kind = f->kind, .version = f->version};
    bf_cache_out_t o = {.fd = fd, .x = bf_hasher_new(0)};
    int rc = -1;
    errno = 0;
    if (!o.x || bf_fs_write_all(fd, &h, sizeof h) < 0 || f->fill(&o, f->arg) < 0 ||
        out_flush(&o) < 0)
        goto out;
    h.length = o.len;
    h.checksum = bf_hasher_digest(o.x);
    rc = pwrite(fd, &h, sizeof h, 0) == (ssize_t)sizeof h ? 0 : -1;
out:
    if (rc < 0 && !errno)
        errno = ENOMEM;
    bf_hasher_free(o.x);
    bf_buf_free(&o.buf);
    return rc;
}

int bf_cache_write_fill(int dirfd, const char *name, uint32_t kind, uint32_t version,
                        int (*fill)(bf_cache_out_t *o, void *arg), void *arg, int do_sync)
{
    fill_t f = {kind, version, fill, arg};
    return bf_fs_write_atomic_fill_at(dirfd, name, fill_file, &f, do_sync);
}

typedef struct {
    const struct iovec *iov;
    size_t n;
} pieces_t;

static int put_pieces(bf_cache_out_t *o, void *arg)
{
    const pieces_t *p = arg;
    for (size_t i = 0; i < p->n; i++)
        if (bf_cache_put(o, p->iov[i].iov_base, p->iov[i].iov_len) < 0)
            return -1;
    return 0;
}

int bf_cache_write(int dirfd, const char *name, uint32_t kind, uint32_t version,
                   const struct iovec *iov, size_t n, int do_sync)
{
    pieces_t p = {iov, n};
    return bf_cache_write_fill(dirfd, name, kind, version, put_pieces, &p, do_sync);
}

int bf_cache_read(int dirfd, const char *name, uint32_t kind, uint32_t version, size_t max,
                  bf_buf_t *out, const char **why)
{
    static char version_why[64];
    bf_buf_reset(out);
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        *why = errno == ELOOP ? "a symlink" : strerror(errno);
        if (errno == ELOOP)
            unlinkat(dirfd, name, 0); /* never followed, only replaced */
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        *why = "not a regular file";
        close(fd);
        bf_fs_remove_at(dirfd, name); /* ours to replace: the next write can */
        return -1;
    }
    if (max && (uint64_t)st.st_size > max + BF_CACHE_HEADER) {
        *why = "too large";
        close(fd);
        return -1;
    }
    close(fd);
    if (bf_fs_read_file_at(dirfd, name, max ? max + BF_CACHE_HEADER : 0, out) < 0) {
        *why = strerror(errno);
        return -1;
    }
    header_t h;
    if (out->len < sizeof h) {
        *why = out->len ? "truncated" : "empty";
        return -1;
    }
    memcpy(&h, out->data, sizeof h);
    if (h.magic != BF_CACHE_MAGIC || h.kind != kind) {
        *why = "not this kind of bengal-farm cache";
        return -1;
    }
    if (h.version != version) {
        snprintf(version_why, sizeof version_why, "format version %u, this build reads %u",
                 h.version, version);
        *why = version_why;
        return -1;
    }
    if (h.length != out->len - sizeof h) {
        *why = h.length > out->len - sizeof h ? "truncated" : "trailing bytes";
        return -1;
    }
    if (bf_hash64(out->data + sizeof h, (size_t)h.length) != h.checksum) {
        *why = "checksum mismatch";
        return -1;
    }
    memmove(out->data, out->data + sizeof h, (size_t)h.length);
    bf_buf_truncate(out, (size_t)h.length);
    return 1;
}
