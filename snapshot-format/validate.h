/*
 * snapshot-format/validate.h - checking a snapshot image before it is read.
 *
 * Private to snapshot-format/: reader.c calls bf_snap_validate() from
 * bf_snap_open() and bf_snap_from_mem(), and everything else opens a
 * snapshot through reader.h, which is the public contract.
 *
 * bf_snap_validate() checks size bytes at base against every rule of
 * FORMAT.md section 6 ("What the reader checks"), in that order, and on
 * success fills a layout: where each table starts and how many elements it
 * has.  Once it has returned 0, every string, range, id and value index
 * stored anywhere in the image is in bounds for the layout, so the
 * reader's accessors may index it without checks.
 *
 * The validator gets bytes and gives back a layout, not the reader's
 * struct bf_snap: that struct stays private to reader.c, and no check can
 * call an accessor (which trusts the image) on a table not yet checked.
 *
 * fd: -1, or the file that base maps (all of it): the checksum is then
 * computed by reading the file, not through the mapping (see
 * file_checksum in validate.c).
 *
 * Ownership: base is only read and must stay mapped and unchanged for as
 * long as the layout is used (the layout points into it).  Scratch memory
 * is freed before returning.
 *
 * Errors: logs one line naming the file (name) and what is wrong,
 * "x.bfs: error: corrupt snapshot: page 3: title out of bounds" (out of
 * memory included), and returns -1; *out is then partly filled and
 * meaningless.
 */
#ifndef BF_SNAPSHOT_FORMAT_VALIDATE_H
#define BF_SNAPSHOT_FORMAT_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot-format/snapshot.h"

/* The table directory of a checked image, resolved to pointers. */
typedef struct {
    uint32_t n[BF_SNAP_T_COUNT];      /* elements in each table */
    const void *tab[BF_SNAP_T_COUNT]; /* its first element, inside the image */
} bf_snap_layout_t;

int bf_snap_validate(const unsigned char *base, size_t size, int fd, const char *name,
                     bf_snap_layout_t *out);

/* The order of site.by_path and site.by_ref_id: bytewise, a shorter prefix
 * first; <0, 0 or >0 like memcmp.  Validation checks the lists are strictly
 * increasing in it, and the reader's binary searches rely on that. */
int bf_snap_key_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
