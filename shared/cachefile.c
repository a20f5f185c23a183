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

int bf_cache_write(int dirfd, const char *name, uint32_t kind, uint32_t version,
                   const struct iovec *iov, size_t n, int do_sync)
{
    header_t h = {.magic = BF_CACHE_MAGIC, .kind = kind, .version = version};
    struct iovec all[16];
    if (n >= sizeof all / sizeof all[0]) {
        errno = EINVAL;
        return -1;
    }
    bf_hasher_t *x = bf_hasher_new(0);
    if (!x)
        return -1;
    for (size_t i = 0; i < n; i++) {
        bf_hasher_update(x, iov[i].iov_base, iov[i].iov_len);
        h.length += iov[i].iov_len;
    }
    h.checksum = bf_hasher_digest(x);
    bf_hasher_free(x);
    all[0] = (struct iovec){&h, sizeof h};
    memcpy(all + 1, iov, n * sizeof *iov);
    return bf_fs_write_atomic_at(dirfd, name, all, n + 1, do_sync);
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
