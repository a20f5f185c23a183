/*
 * shared/hash.h - the one xxhash adapter.
 *
 * XXH3 64-bit: content hashes of sources, the snapshot checksum, hash
 * tables.  Stable across runs and machines (it is written to disk).
 */
#ifndef BF_SHARED_HASH_H
#define BF_SHARED_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t bf_hash64(const void *p, size_t n);
uint64_t bf_hash64_seed(const void *p, size_t n, uint64_t seed);

/* XXH3 128-bit: what identifies a file's content between builds (output
 * manifests, caches), where a 64-bit collision over millions of files
 * a night would be a silently stale page. */
typedef struct {
    uint64_t lo, hi;
} bf_digest_t;
bf_digest_t bf_hash128(const void *p, size_t n);
static inline int bf_digest_eq(bf_digest_t a, bf_digest_t b)
{
    return a.lo == b.lo && a.hi == b.hi;
}

/* Streaming form, for hashing something in pieces (e.g. source + options). */
typedef struct bf_hasher bf_hasher_t;
bf_hasher_t *bf_hasher_new(uint64_t seed); /* NULL on OOM */
void bf_hasher_update(bf_hasher_t *h, const void *p, size_t n);
uint64_t bf_hasher_digest(const bf_hasher_t *h);
void bf_hasher_free(bf_hasher_t *h);
/* A new hasher in h's state (what was fed to h, fed to it); NULL on OOM. */
bf_hasher_t *bf_hasher_dup(const bf_hasher_t *h);

#endif
