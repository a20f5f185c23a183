/*
 * tests/worker/docsnap.h - the docs fixture (tests/sites/docs) discovered
 * and frozen in-process into a snapshot under /tmp, then mapped: what the
 * worker-side tests render against.  Header-only; each test binary has
 * one snapshot at a time.
 */
#ifndef BF_TESTS_WORKER_DOCSNAP_H
#define BF_TESTS_WORKER_DOCSNAP_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coordinator/freeze.h"
#include "coordinator/load.h"
#include "snapshot-format/reader.h"
#include "worker/theme.h"

static char docsnap_path[64];

/* The mapped snapshot of the docs fixture; dir (if not NULL, at least
 * 4096 bytes) receives the fixture's path. */
static inline bf_snap_t *docsnap_open(char *dir)
{
    const char *top = getenv("BF_TOP");
    char site[4096];
    cr_assert(top && *top, "BF_TOP is not set: run the tests with `make check`");
    snprintf(site, sizeof site, "%s/tests/sites/docs", top);
    if (dir)
        strcpy(dir, site);
    bf_site_opts_t o = {.site_dir = site, .now = 1700000000, .theme = bf_theme_templates};
    bf_site_t *s;
    cr_assert_eq(bf_site_load(&o, &s), 0);
    strcpy(docsnap_path, "/tmp/bf-docsnap-XXXXXX");
    int fd = mkstemp(docsnap_path);
    cr_assert(fd >= 0);
    close(fd);
    size_t bytes;
    cr_assert_eq(bf_freeze_site(s, docsnap_path, &bytes), 0);
    bf_site_free(s);
    bf_snap_t *snap;
    cr_assert_eq(bf_snap_open(docsnap_path, &snap), 0);
    return snap;
}

static inline void docsnap_close(bf_snap_t *snap)
{
    if (snap)
        bf_snap_close(snap);
    unlink(docsnap_path);
}

#endif
