/*
 * shared/vec.h - a growable array of pointers in an arena.
 *
 * Used by the coordinator's mutable site tree (children, pages, terms).
 * Growth doubles and copies within the arena; the old array is simply left
 * behind (the arena frees everything at once).  A zeroed bf_vec_t is empty.
 */
#ifndef BF_SHARED_VEC_H
#define BF_SHARED_VEC_H

#include <stddef.h>

#include "shared/arena.h"

typedef struct {
    void **items;
    size_t n, cap;
} bf_vec_t;

/* Appends p; -1 on OOM (the vector is unchanged). */
int bf_vec_push(bf_arena_t *a, bf_vec_t *v, void *p);

#endif
