/*
 * coordinator/inputs.h - "nothing changed": the fast path of a rebuild.
 *
 * Before it reads the site, a build takes the stat(2) of every file it
 * could read: the config files at the top of the site (bengal.*), content/,
 * templates/, data/ and static/ (recursively), and KaTeX's directory when
 * the config names one: path, type, size, inode, device, mtime and ctime
 * (nanoseconds), summed into one digest.  After a build that published
 * cleanly (no warning, no error), that digest is saved in the state
 * directory ("inputs", cachefile.h) with what else decided the output:
 * this binary, the options, the published tree's identity (manifest.h),
 * and until when the page set stays the same (the first future-dated page
 * not yet shown).  The next build whose scan gives the same digest, with
 * the same options, while OUT is still that tree, and whose "now" lies
 * between that build's and the first date that shows another page, has
 * nothing to do and says so: the output is already what the build would
 * make.
 *
 * ctime is in the digest because it cannot be set back (an editor or a
 * checkout that restores mtime still changes it).  A file changed within
 * a clock tick of the scan could keep equal times (timestamps are
 * coarse): when any input is newer than two seconds before the scan, the
 * record is not saved (git calls this "racy clean"), and the next build
 * takes the ordinary path, which compares contents.  A build in which a
 * template read site.build_time (however it named it: the worker sees
 * the read) differs from every other: no record then either.
 */
#ifndef BF_COORDINATOR_INPUTS_H
#define BF_COORDINATOR_INPUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "coordinator/manifest.h"
#include "shared/hash.h"

typedef struct {
    bf_digest_t files;        /* the scan */
    int64_t newest_ns;        /* newest mtime or ctime seen */
    int64_t scanned_ns;       /* when the scan began (CLOCK_REALTIME) */
    uint64_t count;
} bf_inputs_scan_t;

typedef struct {
    bf_digest_t files;
    bf_digest_t options;      /* binary, drafts, future, strict, output */
    bf_tree_id_t published;   /* OUT as that build left it */
    int64_t built_at;         /* epoch seconds: "now" of that build (a
                                 clock set back may hide pages again) */
    int64_t valid_until;      /* epoch seconds: a future page appears */
    uint32_t pages;           /* for the message */
} bf_inputs_t;

/* Scans the site below root_fd (and katex_dir, absolute or relative to
 * the working directory, when not NULL/empty). */
void bf_inputs_scan(int root_fd, const char *katex_dir, bf_inputs_scan_t *out);

/* This program's own bytes, hashed (read once a build: a new build of
 * bengal-farm makes every cache key new; coordinator/pagecache.h uses it
 * too). */
uint64_t bf_inputs_self(void);

/* The options part of the key; self: bf_inputs_self(); config:
 * bf_config_digest() (the layers of the config, -e, --baseurl). */
bf_digest_t bf_inputs_options(uint64_t self, bool drafts, bool future, bool strict,
                              unsigned precompress, const char *output, bf_digest_t config);

/* 1 loaded; 0 none, or rejected (warned: the build reads the site). */
int bf_inputs_load(int state_fd, bf_inputs_t *rec);
int bf_inputs_save(int state_fd, const bf_inputs_t *rec);
void bf_inputs_forget(int state_fd);

#endif
