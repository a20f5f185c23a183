/*
 * shared/pack.h - the render pack: blobs kept between builds, found by
 * what determines them, compressed with lz4.
 *
 * A pack holds at most one blob per group (a 64-bit name: the hash of a
 * page's source path), tagged with a 128-bit key (a digest of everything
 * the blob was made from).  A lookup gives the blob only when the key
 * asked for is the one stored: a blob is never used for inputs it was not
 * made from, so a pack written by any earlier build (or by a build that
 * was killed) is never wrong, only useful or not.
 *
 * On disk, in the directory DIR (STATE/render):
 *
 *   seg.N      segments: a 16-byte header ("BFPS", version), then
 *              entries, each a 48-byte header (magic "BFPE", compressed
 *              and raw length, group, key, checksum) and the lz4 block.
 *              Only ever appended to, never rewritten in place.
 *   new.PID    the segment a process appends to during a build (each
 *              worker process has its own: no lock, no single writer).
 *   index      a cache file (cachefile.h): the segments and their valid
 *              lengths, and per group its key and entry (segment,
 *              offset, length), sorted by group.
 *
 * A build opens the pack before it forks (bf_pack_open: the index is read
 * and validated, the segments opened; the workers inherit both), the
 * workers read with bf_pack_get (pread, checksum, decompress) and append
 * with their own bf_pack_writer_t, and the coordinator ends the build with
 * bf_pack_commit: the new segments are scanned (an entry torn by a kill
 * ends its segment there), renamed seg.N, and a new index keeps, per group
 * still alive, the newest entry.  When the segments hold more than twice
 * the live bytes, the live entries are copied into one new segment
 * (compaction) and the old ones removed after the index is replaced.
 *
 * A pack is a cache: a missing, corrupt, foreign or old-version index is
 * an empty pack (with one warning when it was there but unreadable), a
 * segment that is shorter than the index says or an entry whose checksum
 * fails is a miss, and no failure to read or write it fails a build.
 */
#ifndef BF_SHARED_PACK_H
#define BF_SHARED_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"
#include "shared/hash.h"

#define BF_PACK_VERSION 1

typedef struct bf_pack bf_pack_t;
typedef struct bf_pack_writer bf_pack_writer_t;

/* Opens (creating it) the pack directory name in state_fd; disp names it
 * in messages ("site/.bengal/render").  fresh: the index is not read (the
 * pack starts empty; --no-cache).  NULL when the directory cannot be made
 * or opened (warned: the build goes on without a pack) or out of memory. */
bf_pack_t *bf_pack_open(int state_fd, const char *name, const char *disp, bool fresh);
void bf_pack_close(bf_pack_t *p);

/* Entries the index holds. */
size_t bf_pack_count(const bf_pack_t *p);

/* The blob of group when its key is key: appended to out, 1.  0 when
 * there is none, another key, or the entry cannot be read back intact.
 * -1 out of memory.  p NULL: 0. */
int bf_pack_get(const bf_pack_t *p, uint64_t group, bf_digest_t key, bf_buf_t *out);

/* This process's appender (NULL on OOM); the segment is created at the
 * first put.  After a failed write the writer stops writing (the pack is
 * a cache: the build goes on). */
bf_pack_writer_t *bf_pack_writer_new(const bf_pack_t *p);
void bf_pack_writer_free(bf_pack_writer_t *w);
/* Appends data[0..n) as the blob of group with key.  0, or -1 when it was
 * not written (out of memory, a write error: the writer is off). */
int bf_pack_put(bf_pack_writer_t *w, uint64_t group, bf_digest_t key, const void *data,
                size_t n);

/* Ends a build (no process appends any more): the new segments join the
 * pack and the index is replaced, keeping per group in live[0..n_live)
 * (sorted, unique) its newest entry; the other groups' entries are
 * dropped.  0, or -1 when the index could not be written (warned; the
 * previous index, still valid, stays). */
int bf_pack_commit(bf_pack_t *p, const uint64_t *live, size_t n_live);

#endif
