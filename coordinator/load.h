/*
 * coordinator/load.h - discovery from a site folder to a planned tree.
 *
 * bf_site_load() runs every phase of discovery in order: config
 * (config.h), data/ files, the content walk (discover.h), fields and URLs
 * (fields.h), order and links (link.h), templates and waves (plan.h).  It
 * reports every problem it finds, not only the first.
 *
 * Returns 0 and a site to be freed with bf_site_free(); or -1 when any
 * error was reported (exit status 1) with *out NULL.  Out of memory is
 * reported as such.
 */
#ifndef BF_COORDINATOR_LOAD_H
#define BF_COORDINATOR_LOAD_H

#include "coordinator/site.h"

int bf_site_load(const bf_site_opts_t *opts, bf_site_t **out);
/* The same in two steps: the site directory and its config (a build looks
 * at its state and output before it reads the rest), then everything else
 * (-1 when an error was reported; s is still the caller's to free). */
int bf_site_open(const bf_site_opts_t *opts, bf_site_t **out);
int bf_site_read(bf_site_t *s);
void bf_site_free(bf_site_t *s);

#endif
