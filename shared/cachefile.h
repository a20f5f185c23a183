/*
 * shared/cachefile.h - the envelope of every file kept in the state
 * directory between builds (output manifests, the render pack, ...).
 *
 * A cache file is a 32-byte header, then the payload:
 *
 *     u32 magic     BF_CACHE_MAGIC ("BFCF")
 *     u32 kind      what the payload is (BF_CACHE_KIND(): 4 ASCII bytes)
 *     u32 version   the payload's format version (the caller's constant)
 *     u32 zero
 *     u64 length    payload bytes
 *     u64 checksum  XXH3-64 of the payload
 *
 * little-endian, as the machines that share a state directory are (the
 * snapshot makes the same assumption).  Written atomically (a temporary
 * beside it, then rename), so a reader sees the old file or the new one,
 * never half of one.  A file that is missing is not an error; one that is
 * truncated, corrupt, of another kind or version, or not a regular file
 * is rejected with a reason, and the caller rebuilds what it held: a cache
 * is never trusted and never fails a build.  Something that is not a
 * regular file at its name (a directory, a symlink) is removed when it is
 * rejected, so that the new file can take its place.
 */
#ifndef BF_SHARED_CACHEFILE_H
#define BF_SHARED_CACHEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "shared/buf.h"

#define BF_CACHE_MAGIC 0x46434642u /* "BFCF" */
#define BF_CACHE_KIND(a, b, c, d) \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define BF_CACHE_HEADER 32

/* Writes name in dirfd: the header, then the n pieces of iov as the
 * payload.  0, or -1 with errno (nothing replaced). */
int bf_cache_write(int dirfd, const char *name, uint32_t kind, uint32_t version,
                   const struct iovec *iov, size_t n, int do_sync);

/* The same with the payload put by fill, as it goes (bf_cache_put), a MiB
 * at a time to the file: for payloads too large to hold.  fill returns 0,
 * or -1 (nothing replaced; errno as it left it, else ENOMEM). */
typedef struct bf_cache_out bf_cache_out_t;
int bf_cache_write_fill(int dirfd, const char *name, uint32_t kind, uint32_t version,
                        int (*fill)(bf_cache_out_t *o, void *arg), void *arg, int do_sync);
int bf_cache_put(bf_cache_out_t *o, const void *p, size_t n); /* 0 or -1 */
uint64_t bf_cache_out_len(const bf_cache_out_t *o);           /* bytes put so far */

/*
 * Reads name in dirfd into out (reset first; out->data is the payload,
 * out->len its length).  1 loaded; 0 no such file; -1 rejected, *why
 * saying why in a few words ("truncated", "checksum mismatch", "format
 * version 1, this build reads 2", "not a regular file", or strerror for
 * an I/O error).  max: files longer are rejected ("too large").
 */
int bf_cache_read(int dirfd, const char *name, uint32_t kind, uint32_t version, size_t max,
                  bf_buf_t *out, const char **why);

#endif
