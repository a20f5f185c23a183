/*
 * shared/tmpl/cache.h - the fragment cache of {% cache "key" %}.
 *
 * One per worker, made before the first page and kept for the whole
 * build: a fragment rendered once (navigation of a section, a footer) is
 * copied out of the page's output into the cache and appended again on
 * every later page that asks for the same key.  Keys are the evaluated
 * key strings; nothing else (not the template name) goes into them.
 *
 * Memory: the cache has its own arena, bounded by max_bytes (keys plus
 * fragments); past the bound new fragments are simply not stored (they
 * render every time), never evicted, so output does not depend on order.
 * Not shared between processes; not thread-safe.
 */
#ifndef BF_SHARED_TMPL_CACHE_H
#define BF_SHARED_TMPL_CACHE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bf_tmpl_cache bf_tmpl_cache_t;

/* What a render is told of a {% cache %} block (render.h, cache_note):
 * MISS before its body renders, then STORED once the fragment is in the
 * cache or UNSTORED (the body failed, the cache is full); HIT when the
 * stored fragment is put out instead. */
enum {
    BF_TMPL_CACHE_MISS = 0,
    BF_TMPL_CACHE_STORED = 1,
    BF_TMPL_CACHE_UNSTORED = 2,
    BF_TMPL_CACHE_HIT = 3,
};

/* max_bytes 0: 64 MiB.  NULL on OOM. */
bf_tmpl_cache_t *bf_tmpl_cache_new(size_t max_bytes);
void bf_tmpl_cache_free(bf_tmpl_cache_t *c);

/* Stored fragment for key, or false. */
bool bf_tmpl_cache_get(const bf_tmpl_cache_t *c, const char *key, size_t klen,
                       const char **val, size_t *vlen);
/* Stores a copy (ignored when full or on OOM: the cache is an optimisation). */
void bf_tmpl_cache_put(bf_tmpl_cache_t *c, const char *key, size_t klen, const char *val,
                       size_t vlen);

/* Statistics: lookups that hit / missed, fragments stored (each may be
 * NULL). */
void bf_tmpl_cache_stats(const bf_tmpl_cache_t *c, size_t *hits, size_t *misses, size_t *n);

#endif
