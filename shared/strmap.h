/*
 * shared/strmap.h - string -> pointer hash map in an arena.
 *
 * Open addressing with linear probing, keys hashed with bf_hash64.  Keys
 * are not copied: they must outlive the map (arena strings do).  Grows at
 * 50% load.  No deletion (the coordinator only ever adds).
 */
#ifndef BF_SHARED_STRMAP_H
#define BF_SHARED_STRMAP_H

#include <stddef.h>

#include "shared/arena.h"

typedef struct {
    const char **keys;
    size_t *lens;
    void **vals;
    size_t n, cap; /* cap is 0 or a power of two */
} bf_strmap_t;

/* Value for key, or NULL. */
void *bf_strmap_get(const bf_strmap_t *m, const char *key, size_t len);
/* Inserts key -> val unless key is present.  Returns the value now stored
 * for key (the old one if it was present: compare with val to detect a
 * duplicate), or NULL on OOM. */
void *bf_strmap_put(bf_arena_t *a, bf_strmap_t *m, const char *key, size_t len, void *val);

#endif
