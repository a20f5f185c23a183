/*
 * coordinator/srccache.h - discovery's memory of the files it parsed.
 *
 * For every content file it read, a build keeps (file "sources" in the
 * state directory, cachefile.h) the file's length and hash and what
 * parsing it gave: the front matter as a value tree (positions included,
 * for the messages of later phases), the body's first line and length,
 * the title of its first heading.  The next build reads each file again
 * (its body goes into the snapshot, and the hash is what says it is the
 * same), but a file whose length and hash are unchanged is not parsed
 * again: the YAML parse, the UTF-8 check and the heading scan are skipped.
 * Config, data and templates are not here: they are read every build.
 *
 * The cache holds what a file is, not what the site made of it (cascade,
 * defaults, URLs come later, every build), so it never depends on the
 * rest of the site and is right for any build that reads the same bytes.
 * Missing, it is nothing; corrupt, foreign or of another version, one
 * warning and every file is parsed.
 */
#ifndef BF_COORDINATOR_SRCCACHE_H
#define BF_COORDINATOR_SRCCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/strmap.h"
#include "shared/value.h"

/* 2: the title scan (shared/mdtitle.h) drops a heading's {#custom-id} */
#define BF_SRCCACHE_VERSION 2

typedef struct {
    bf_arena_t *arena;     /* the map */
    bf_buf_t file;         /* the last build's records */
    bf_strmap_t old;       /* site-relative path -> its record in file */
    bf_buf_t now;          /* the records of this build */
    uint64_t reused, parsed;
} bf_srccache_t;

/* What parsing a file gave. */
typedef struct {
    uint64_t hash, len;    /* of the whole file */
    uint64_t fm_hash;      /* of the file up to its body */
    uint32_t body_line;
    uint64_t body_len;     /* the body is the file's last body_len bytes */
    const char *title;     /* of its first "# heading", or NULL */
    bf_value_t *meta;      /* front matter, or NULL */
} bf_src_t;

/* Reads the cache of state_fd (fresh: not; --no-cache); disp names the
 * state directory in the warning.  0, or -1 on OOM. */
int bf_srccache_load(bf_srccache_t *c, int state_fd, const char *disp, bool fresh);
void bf_srccache_free(bf_srccache_t *c);

/* A record of the last build's, as bf_srccache_find() found it. */
typedef struct {
    const void *p;
    size_t n;
} bf_srccache_rec_t;

/* The last build's record of rel when the file is still hash/len: 1 with
 * *out filled (strings and meta in a) and *rec set, else 0; -1 on OOM.
 * Reads c only: any number of threads may find at once (the scouts of
 * discover.c), each into its own arena. */
int bf_srccache_find(const bf_srccache_t *c, bf_arena_t *a, const char *rel, uint64_t hash,
                     uint64_t len, bf_src_t *out, bf_srccache_rec_t *rec);

/* Keeps a found record for the next build (and counts it reused); one
 * thread at a time.  -1 on OOM. */
int bf_srccache_keep(bf_srccache_t *c, bf_srccache_rec_t rec);

/* bf_srccache_find, then bf_srccache_keep of what it found. */
int bf_srccache_get(bf_srccache_t *c, bf_arena_t *a, const char *rel, uint64_t hash,
                    uint64_t len, bf_src_t *out);

/* Records rel as parsed now (meta before any cascade).  -1 on OOM. */
int bf_srccache_add(bf_srccache_t *c, const char *rel, const bf_src_t *src);

/* Writes this build's records (what the next build may reuse).  A
 * failure is a debug message: the cache is an optimisation.  The values
 * got stay valid (they are in the caller's arena); c may be freed next,
 * before the farm forks, so that no worker inherits it. */
void bf_srccache_save(bf_srccache_t *c, int state_fd);

#endif
