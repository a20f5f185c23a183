/*
 * coordinator/state.h - the state directory: where a site's builds keep
 * the snapshot, the lock and the caches (bengal-farm(1), INCREMENTAL
 * BUILDS).
 *
 * --cache-dir (bf_site_opts_t.cache_dir) or BENGAL_CACHE_DIR names it
 * anywhere; else it is build.cache_dir (.bengal) inside the site, each
 * component made when missing and refused when it is a symlink or not a
 * directory.  s->state_disp names it in messages once it is opened.
 */
#ifndef BF_COORDINATOR_STATE_H
#define BF_COORDINATOR_STATE_H

#include <stddef.h>

#include "coordinator/site.h"
#include "snapshot-format/reader.h"

/* The state directory, opened (*state) and locked (*lock, flock: a second
 * command on the same directory stops at once); what a killed build left
 * there goes.  Both -1 when not.  0, or -1 logged. */
int bf_state_take(bf_site_t *s, int *state, int *lock);

/* Discovery's result frozen into STATE/snapshot.bfs and mapped (*snap),
 * under the lock; written beside the old one and validated before it
 * replaces it.  *bytes: its size.  0, or -1 logged. */
int bf_state_write_snapshot(bf_site_t *s, int state, bf_snap_t **snap, size_t *bytes);

#endif
