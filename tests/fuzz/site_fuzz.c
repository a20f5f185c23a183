/*
 * tests/fuzz/site_fuzz.c - the coordinator's whole reading of a site:
 * config, front matter, fields and URLs, cascade, taxonomies, menus, the
 * plan, and the frozen snapshot.
 *
 * The input is split at lines of "=====" into bengal.yaml, then pages
 * content/_index.md, content/docs/_index.md, content/docs/a.md,
 * content/docs/b.md, content/c.md, then data/team.yaml (missing parts:
 * no such file).  The
 * oracle: whatever loads without an error must freeze into a snapshot
 * that the validating reader accepts (FORMAT.md 6); a load that fails
 * must have logged an error.  Files are written to a directory made once
 * per process under /dev/shm (or /tmp), removed at exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/freeze.h"
#include "coordinator/load.h"
#include "shared/ctx.h"
#include "shared/fs.h"
#include "snapshot-format/reader.h"
#include "worker/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
    "bengal.yaml", "content/_index.md", "content/docs/_index.md",
    "content/docs/a.md", "content/docs/b.md", "content/c.md", "data/team.yaml",
};
#define NFILES (sizeof files / sizeof files[0])

static char dir[64];

static void remove_dir(void)
{
    bf_fs_remove_tree(dir);
}

static void put(const char *rel, const char *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    unlink(path);
    if (!p)
        return;
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bf_ctx.log_level = BF_LOG_QUIET;
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/dev/shm/bf-site-fuzz-%d", (int)getpid());
        if (bf_fs_mkdir_p(dir, 0777) < 0) {
            snprintf(dir, sizeof dir, "/tmp/bf-site-fuzz-%d", (int)getpid());
            if (bf_fs_mkdir_p(dir, 0777) < 0)
                abort();
        }
        char sub[96], data[96];
        snprintf(sub, sizeof sub, "%s/content/docs", dir);
        snprintf(data, sizeof data, "%s/data", dir);
        if (bf_fs_mkdir_p(sub, 0777) < 0 || bf_fs_mkdir_p(data, 0777) < 0)
            abort();
        atexit(remove_dir); /* libFuzzer ends with exit() */
    }
    const char *p = (const char *)data, *end = p + size;
    for (size_t i = 0; i < NFILES; i++) {
        if (!p) {
            put(files[i], NULL, 0);
            continue;
        }
        const char *sep = memmem(p, (size_t)(end - p), "\n=====\n", 7);
        size_t n = sep ? (size_t)(sep - p) + 1 : (size_t)(end - p);
        put(files[i], p, n);
        p = sep ? sep + 7 : NULL;
    }

    bf_site_opts_t o = {.site_dir = dir, .now = 1700000000, .theme = bf_theme_templates};
    bf_site_t *s = NULL;
    size_t errors = bf_ctx.n_errors;
    if (bf_site_load(&o, &s) < 0) {
        if (bf_ctx.n_errors == errors)
            abort(); /* failed without saying why */
        return 0;
    }
    char snap_path[96];
    snprintf(snap_path, sizeof snap_path, "%s/snapshot.bfs", dir);
    size_t bytes = 0;
    if (bf_freeze_site(s, snap_path, &bytes) < 0)
        abort(); /* a loaded site always freezes (out of memory aside) */
    bf_snap_t *snap = NULL;
    if (bf_snap_open(snap_path, &snap) < 0)
        abort(); /* the writer produced what the reader refuses */
    bf_snap_close(snap);
    bf_site_free(s);
    return 0;
}
