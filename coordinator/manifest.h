/*
 * coordinator/manifest.h - what an output tree holds: every file's path,
 * size and content digest (XXH3-128), and which directory it describes.
 *
 * A build keeps two trees beside each other: the published one (OUT) and
 * the standby (OUT.staging), the tree published the build before.  Each
 * has its manifest in the state directory, in one of two slots
 * (BF_MANIFEST_SLOTS: "manifest.0", "manifest.1", cachefile.h envelopes).
 * A manifest names its tree by identity, not by path: the directory's
 * device, inode and birth time (statx), which the exchange that publishes
 * carries along, so after any crash each manifest still describes the
 * directory it names, wherever that directory now is, and a directory
 * made later at a reused inode has another birth time.  A filesystem
 * without birth times gets no manifests: every build writes every file.
 *
 * The marker (.bengal-output) is not listed: every tree of ours has it.
 *
 * Memory: an arena the caller owns; entries are appended, found by path
 * through a hash map.
 */
#ifndef BF_COORDINATOR_MANIFEST_H
#define BF_COORDINATOR_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/hash.h"
#include "shared/strmap.h"

#define BF_MANIFEST_SLOTS 2
#define BF_MANIFEST_VERSION 1

typedef struct {
    uint64_t dev, ino;
    int64_t btime_sec;
    uint32_t btime_nsec;
} bf_tree_id_t;

typedef struct {
    const char *path;
    uint32_t len;
    uint64_t size;
    bf_digest_t digest;
} bf_manifest_entry_t;

typedef struct {
    bf_tree_id_t id;
    bf_arena_t *arena;
    bf_manifest_entry_t *e;
    size_t n, cap;
    bf_strmap_t index; /* path -> entry + 1 (as a pointer-sized integer) */
} bf_manifest_t;

/* The identity of the directory at path (dirfd: AT_FDCWD or a base);
 * -1 with errno (EOPNOTSUPP: no birth time here). */
int bf_tree_id(int dirfd, const char *path, bf_tree_id_t *id);
bool bf_tree_id_eq(const bf_tree_id_t *a, const bf_tree_id_t *b);

void bf_manifest_init(bf_manifest_t *m, bf_arena_t *a);

/* Adds (or replaces) path's entry.  0, or -1 out of memory. */
int bf_manifest_put(bf_manifest_t *m, const char *path, size_t len, uint64_t size,
                    bf_digest_t digest);
const bf_manifest_entry_t *bf_manifest_get(const bf_manifest_t *m, const char *path,
                                           size_t len);

/* Slot `slot` of the state directory into m (initialised by the caller).
 * 1 loaded, 0 none there, -1 rejected (*why: see bf_cache_read). */
int bf_manifest_load(bf_manifest_t *m, int state_fd, unsigned slot, const char **why);
/* m into slot `slot`, atomically.  0, or -1 with errno. */
int bf_manifest_save(const bf_manifest_t *m, int state_fd, unsigned slot, bool do_sync);
/* Removes slot `slot` (its tree is about to change).  0, or -1 with errno. */
int bf_manifest_drop(int state_fd, unsigned slot, bool do_sync);

#endif
