/*
 * shared/hash.c - the one xxhash adapter (see hash.h).
 *
 * XXH3 64-bit with an explicit seed; seed 0 gives the same value as the
 * unseeded form, so one-shot and streaming hashes of the same bytes agree.
 * These values are written to disk (snapshot checksum, cache keys): never
 * change the algorithm without bumping the formats that store them.
 */
#include "shared/hash.h"

#include <stdlib.h>
#include <xxhash.h>

struct bf_hasher {
    XXH3_state_t *st; /* the library allocates it with the alignment it needs */
};

uint64_t bf_hash64(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

uint64_t bf_hash64_seed(const void *p, size_t n, uint64_t seed)
{
    return XXH3_64bits_withSeed(p, n, seed);
}

bf_digest_t bf_hash128(const void *p, size_t n)
{
    XXH128_hash_t h = XXH3_128bits(p, n);
    return (bf_digest_t){h.low64, h.high64};
}

bf_hasher_t *bf_hasher_new(uint64_t seed)
{
    bf_hasher_t *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    h->st = XXH3_createState();
    if (!h->st || XXH3_64bits_reset_withSeed(h->st, seed) != XXH_OK) {
        XXH3_freeState(h->st);
        free(h);
        return NULL;
    }
    return h;
}

void bf_hasher_update(bf_hasher_t *h, const void *p, size_t n)
{
    /* Can fail only for a NULL input with n > 0, a caller bug. */
    (void)XXH3_64bits_update(h->st, p, n);
}

uint64_t bf_hasher_digest(const bf_hasher_t *h)
{
    return XXH3_64bits_digest(h->st);
}

bf_hasher_t *bf_hasher_dup(const bf_hasher_t *h)
{
    bf_hasher_t *d = bf_hasher_new(0);
    if (d)
        XXH3_copyState(d->st, h->st);
    return d;
}

void bf_hasher_free(bf_hasher_t *h)
{
    if (!h)
        return;
    XXH3_freeState(h->st);
    free(h);
}
