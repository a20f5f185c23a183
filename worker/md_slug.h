/*
 * worker/md_slug.h - heading ids: GitHub-style slugs and the per-page set
 * of ids that makes repeats unique ("intro", "intro-1", "intro-2").
 *
 * Private to the markdown adapter (worker/markdown.c and worker/md_*.c);
 * no cmark-gfm here.  bf_md_slugify itself is declared in markdown.h.
 *
 * The id set keeps its strings in one growing buffer and an open-addressing
 * table of offsets; bf_md_ids_reset empties it for the next page without
 * freeing, so a renderer reaches a steady state.
 */
#ifndef BF_WORKER_MD_SLUG_H
#define BF_WORKER_MD_SLUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

typedef struct {
    uint32_t off;      /* of the id in bf_md_ids_t.pool; 0 = empty slot */
    uint32_t len;
    uint32_t next_n;   /* next suffix to try for repeats of this id */
    uint32_t hash;
} bf_md_ids_slot_t;

typedef struct {
    bf_buf_t pool;     /* ids, each followed by a NUL; starts with a NUL */
    bf_md_ids_slot_t *slots;
    size_t cap;        /* power of two, or 0 */
    size_t n;
} bf_md_ids_t;

void bf_md_ids_reset(bf_md_ids_t *ids);
void bf_md_ids_free(bf_md_ids_t *ids);
bool bf_md_ids_has(const bf_md_ids_t *ids, const char *id, size_t len);

/* Adds the id made from base (a slug, or a custom id when custom is set):
 * base itself if unused, else base-1, base-2 ... (custom ids are taken as
 * they are, even when repeated).  An empty base becomes "section".  Sets
 * *out to the id inside the set's pool (valid until the next add or
 * reset).  Returns its length, or -1 on OOM. */
long bf_md_ids_add(bf_md_ids_t *ids, const char *base, size_t len, bool custom,
                   const char **out);

#endif
