/*
 * shared/vec.c - growable pointer array in an arena (see vec.h).
 */
#include "shared/vec.h"

#include <stdint.h>
#include <string.h>

int bf_vec_push(bf_arena_t *a, bf_vec_t *v, void *p)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        if (cap > SIZE_MAX / sizeof(void *))
            return -1;
        void **items = bf_arena_alloc(a, cap * sizeof(void *));
        if (!items)
            return -1;
        if (v->n)
            memcpy(items, v->items, v->n * sizeof(void *));
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = p;
    return 0;
}
