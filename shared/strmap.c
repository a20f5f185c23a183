/*
 * shared/strmap.c - string -> pointer hash map (see strmap.h).
 */
#include "shared/strmap.h"

#include <stdint.h>
#include <string.h>

#include "shared/hash.h"

static size_t slot_of(const bf_strmap_t *m, const char *key, size_t len)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)bf_hash64(key, len) & mask;
    while (m->keys[i] && (m->lens[i] != len || memcmp(m->keys[i], key, len) != 0))
        i = (i + 1) & mask;
    return i;
}

void *bf_strmap_get(const bf_strmap_t *m, const char *key, size_t len)
{
    if (m->cap == 0)
        return NULL;
    size_t i = slot_of(m, key, len);
    return m->keys[i] ? m->vals[i] : NULL;
}

static int grow(bf_arena_t *a, bf_strmap_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    bf_strmap_t nm = {
        .keys = bf_arena_calloc(a, cap, sizeof(char *)),
        .lens = bf_arena_calloc(a, cap, sizeof(size_t)),
        .vals = bf_arena_calloc(a, cap, sizeof(void *)),
        .n = m->n,
        .cap = cap,
    };
    if (!nm.keys || !nm.lens || !nm.vals)
        return -1;
    for (size_t j = 0; j < m->cap; j++) {
        if (!m->keys[j])
            continue;
        size_t i = slot_of(&nm, m->keys[j], m->lens[j]);
        nm.keys[i] = m->keys[j];
        nm.lens[i] = m->lens[j];
        nm.vals[i] = m->vals[j];
    }
    *m = nm;
    return 0;
}

void *bf_strmap_put(bf_arena_t *a, bf_strmap_t *m, const char *key, size_t len, void *val)
{
    if ((m->n + 1) * 2 > m->cap && grow(a, m) < 0)
        return NULL;
    size_t i = slot_of(m, key, len);
    if (m->keys[i])
        return m->vals[i];
    m->keys[i] = key;
    m->lens[i] = len;
    m->vals[i] = val;
    m->n++;
    return val;
}
