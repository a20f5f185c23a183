/*
 * snapshot-format/writer.h - building a snapshot file (coordinator only).
 *
 * The coordinator appends strings, id lists, values and records, then calls
 * bf_snapw_finish() which lays the tables out, fills the header and the
 * checksum and writes the file atomically (temp + rename), so a reader
 * never sees a half-written snapshot.
 *
 * Errors are sticky: an append that fails (out of memory, a table past its
 * 4 GiB / 2^32-element limit) returns a zero value and marks the writer
 * failed; bf_snapw_finish() then reports it once and returns -1.  Callers
 * can therefore append without checking each call.
 *
 * Strings are interned: equal strings share one pool entry.
 */
#ifndef BF_SNAPSHOT_FORMAT_WRITER_H
#define BF_SNAPSHOT_FORMAT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"
#include "shared/value.h"
#include "snapshot-format/snapshot.h"

typedef struct bf_snapw bf_snapw_t;

bf_snapw_t *bf_snapw_new(void); /* NULL on OOM */
void bf_snapw_free(bf_snapw_t *w);

/* Pool string (interned).  s need not be NUL-terminated.  The writer does
 * not check UTF-8; the reader does, so callers pass valid UTF-8.  A NUL
 * byte inside s is a (sticky) error: the reader refuses such strings. */
bf_snap_str_t bf_snapw_str(bf_snapw_t *w, const char *s, size_t len);
bf_snap_str_t bf_snapw_cstr(bf_snapw_t *w, const char *s); /* NULL -> "" */

/* Appends a markdown body to BODIES; returns its offset. */
uint64_t bf_snapw_body(bf_snapw_t *w, const char *s, size_t len);

/* From now on BODIES are written, a MiB at a time and hashed on the way,
 * to an unnamed file in dirfd (O_TMPFILE) instead of being held in
 * memory, at their place in the snapshot (the first table): the file is
 * the snapshot once bf_snapw_finish_at has added the other tables and
 * the header and linked it in under its name (in dirfd: else the bodies
 * are copied into a new file).  Byte for byte the same file as without.
 * Only before the first body; -1 with errno when the file cannot be made
 * (EINVAL: bodies already added), and the writer goes on holding them in
 * memory. */
int bf_snapw_spill(bf_snapw_t *w, int dirfd);

/* Appends n ids to IDS / n strings to STRREFS; returns the range. */
bf_snap_range_t bf_snapw_ids(bf_snapw_t *w, const uint32_t *ids, size_t n);
bf_snap_range_t bf_snapw_strs(bf_snapw_t *w, const bf_snap_str_t *s, size_t n);
/* Appends n include directives to INCLUDES; returns the range. */
bf_snap_range_t bf_snapw_includes(bf_snapw_t *w, const bf_snap_include_t *inc, size_t n);

/* Serialises a value tree; returns the index of its root in VALUES, or
 * BF_SNAP_NONE when v is NULL.  Breadth-first, iterative; a tree deeper
 * than BF_SNAP_MAX_DEPTH is a (sticky) error. */
uint32_t bf_snapw_value(bf_snapw_t *w, const bf_value_t *v);

/* Appends one record to a record table (SITE, PAGES ... FRAGMENTS); rec points
 * at a struct of that table's type.  Returns the new record's index. */
uint32_t bf_snapw_add(bf_snapw_t *w, bf_snap_table_id_t t, const void *rec);
/* The record at index i, for patching after it was added (e.g. prev/next);
 * valid until the next bf_snapw_add to the same table. */
void *bf_snapw_rec(bf_snapw_t *w, bf_snap_table_id_t t, uint32_t i);
uint32_t bf_snapw_count(const bf_snapw_t *w, bf_snap_table_id_t t);

/* Marks the writer failed because the caller ran out of memory while
 * preparing what to append; bf_snapw_finish() then reports it.  Returns
 * an empty range, for callers that are computing one. */
bf_snap_range_t bf_snapw_oom(bf_snapw_t *w);

/* Lays out and writes the file to path atomically.  Logs and returns -1 on
 * a sticky error or an I/O error. */
int bf_snapw_finish(bf_snapw_t *w, const char *path);
/* Same, to the file name in the directory dirfd (disp: the path messages
 * show): shared/fs.h's bf_fs_write_atomic_at, so a symlink at name is
 * replaced, never written through. */
int bf_snapw_finish_at(bf_snapw_t *w, int dirfd, const char *name, const char *disp);
/* Same, into memory (tests, fuzz seeds); out is reset first, so the image
 * starts at out->data (malloc'd, hence 8-aligned for bf_snap_from_mem).
 * Padding fields of the records are zeroed in both forms. */
int bf_snapw_finish_mem(bf_snapw_t *w, bf_buf_t *out);

#endif
