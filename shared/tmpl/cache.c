/*
 * shared/tmpl/cache.c - fragment cache (see cache.h): a strmap in its own
 * arena, so that fragments outlive every per-page arena.
 */
#include "shared/tmpl/cache.h"

#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/strmap.h"

typedef struct {
    const char *p;
    size_t len;
} frag_t;

struct bf_tmpl_cache {
    bf_arena_t *a;
    bf_strmap_t map;
    size_t max_bytes, used;
    size_t hits, misses;
};

bf_tmpl_cache_t *bf_tmpl_cache_new(size_t max_bytes)
{
    bf_tmpl_cache_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->a = bf_arena_create(0);
    if (!c->a) {
        free(c);
        return NULL;
    }
    c->max_bytes = max_bytes ? max_bytes : (size_t)64 << 20;
    return c;
}

void bf_tmpl_cache_free(bf_tmpl_cache_t *c)
{
    if (!c)
        return;
    bf_arena_destroy(c->a);
    free(c);
}

bool bf_tmpl_cache_get(const bf_tmpl_cache_t *c, const char *key, size_t klen,
                       const char **val, size_t *vlen)
{
    bf_tmpl_cache_t *mc = (bf_tmpl_cache_t *)c; /* statistics only */
    frag_t *f = bf_strmap_get(&c->map, key, klen);
    if (!f) {
        mc->misses++;
        return false;
    }
    mc->hits++;
    *val = f->p;
    *vlen = f->len;
    return true;
}

void bf_tmpl_cache_put(bf_tmpl_cache_t *c, const char *key, size_t klen, const char *val,
                       size_t vlen)
{
    if (klen + vlen + 64 > c->max_bytes - c->used || bf_strmap_get(&c->map, key, klen))
        return;
    char *k = bf_arena_strndup(c->a, key, klen);
    char *v = bf_arena_memdup(c->a, val, vlen ? vlen : 1);
    frag_t *f = bf_arena_alloc(c->a, sizeof *f);
    if (!k || !v || !f)
        return;
    f->p = v;
    f->len = vlen;
    if (bf_strmap_put(c->a, &c->map, k, klen, f))
        c->used += klen + vlen + 64;
}

void bf_tmpl_cache_stats(const bf_tmpl_cache_t *c, size_t *hits, size_t *misses, size_t *n)
{
    if (hits)
        *hits = c->hits;
    if (misses)
        *misses = c->misses;
    if (n)
        *n = c->map.n;
}
