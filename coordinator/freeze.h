/*
 * coordinator/freeze.h - the site tree into the snapshot file.
 *
 * Phase 5: writes the planned site through its writer (s->snapw, which
 * already holds the bodies) to the file name in the directory dirfd (the
 * state directory; disp: its path for messages), atomically, with the ids
 * assigned by link.c and plan.c.  Call it once per site.  Sets *bytes to
 * the file's size.  Logs and returns -1 on failure (nothing is written).
 */
#ifndef BF_COORDINATOR_FREEZE_H
#define BF_COORDINATOR_FREEZE_H

#include <stddef.h>

#include "coordinator/site.h"

int bf_freeze_site_at(const bf_site_t *s, int dirfd, const char *name, const char *disp,
                      size_t *bytes);
/* The same to path (its directory opened for the call: tests, fuzz). */
int bf_freeze_site(const bf_site_t *s, const char *path, size_t *bytes);

#endif
