/*
 * coordinator/output.h - the output directory: whose it is, who builds
 * into it, and whether a build published.
 *
 * A build replaces its output directory wholesale (writer.h), so it must
 * never replace one that is not its own.  An output bengal-farm made
 * carries a marker file at its root, BF_OUTPUT_MARKER, written into the
 * staging directory when it is made, so it is part of every tree that can
 * be published.  bf_output_prepare() lets a build use OUT only when OUT
 *
 *   - does not exist (its parent is made), or
 *   - is an empty directory, or
 *   - is a directory holding the marker, or any directory with --force;
 *
 * a regular file, a symlink, anything else is refused (exit 2, with what
 * to do), always: --force replaces directories only.  When the output
 * comes from the site's config (build.output_dir) rather than the command
 * line, every component of it must be a real directory inside the site: a
 * config cannot point the build through a symlink at a directory elsewhere.
 *
 * Locking: OUT.lock, beside OUT, is flock'ed for the whole build, so two
 * builds (of the same site or of two sites) never share OUT and its
 * staging directory OUT.staging.  The lock file is removed when the build
 * ends; the usual open/lock/check-it-is-still-linked loop makes that safe.
 *
 * Staging: OUT.staging is the standby, the previous output kept for the
 * next build to patch, when a manifest in the state directory describes
 * it (manifest.h).  Otherwise (a build was killed while it changed it, a
 * manifest was lost) it is removed when it is empty or holds the marker;
 * anything else there is refused like OUT (--force takes it).
 *
 * Truth after a failure: OUT is the very directory this build staged
 * (same device and inode) exactly when the exchange happened, whatever
 * killed the writer or interrupted the coordinator after it (the lock
 * keeps anyone else from moving it): bf_output_published() is how the
 * build knows what to report.
 */
#ifndef BF_COORDINATOR_OUTPUT_H
#define BF_COORDINATOR_OUTPUT_H

#include <stdbool.h>
#include <sys/types.h>

#include "coordinator/manifest.h"
#include "shared/fs.h"

#define BF_OUTPUT_MARKER ".bengal-output"

typedef struct {
    char path[BF_PATH_MAX];     /* OUT, as given (no trailing '/') */
    char staging[BF_PATH_MAX + 16];   /* OUT.staging */
    char lock_path[BF_PATH_MAX + 16]; /* OUT.lock */
    dev_t staged_dev;           /* the staging directory this build made */
    ino_t staged_ino;           /* (0: none yet) */
    int lock_fd;                /* -1 when not held */
    /* Incremental publishing (manifest.h); all unset without a state
     * directory or without birth times. */
    int state_fd;               /* the state directory (not owned), or -1 */
    bf_arena_t *arena;          /* the manifests' memory */
    bf_manifest_t published;    /* OUT's manifest, when has_published */
    bf_manifest_t standby;      /* OUT.staging's, when has_standby: the
                                   tree the build patches */
    bool has_published, has_standby;
    int published_slot;         /* its slot, or -1 */
    unsigned new_slot;          /* where the new tree's manifest goes */
} bf_output_t;

/*
 * Checks and locks the output path for a build of the site in site_dir
 * (see above).  config_rel: not NULL when output is site_dir joined with
 * the site's build.output_dir, config_rel (messages name config_name, the
 * config file).  dry_run (`check`): only the checks, no lock, nothing
 * made.  state_fd: the state directory, where the manifests are (-1:
 * none); fresh (--no-cache): they are dropped, and the build writes a
 * whole new tree.  0, or -1 after one logged error; *refused then tells a
 * refusal (exit 2) from a failure (a busy lock, an I/O error: exit 3).
 */
int bf_output_prepare(bf_output_t *o, const char *site_dir, const char *output,
                      const char *config_rel, const char *config_name, bool force,
                      bool dry_run, int state_fd, bool fresh, bool *refused);

/* Makes o->staging with the marker in it, or takes the standby (its
 * manifest is dropped first, and with do_sync (--fsync) that is on disk
 * before the tree changes), and remembers which directory it is.  0, or
 * -1 logged. */
int bf_output_stage(bf_output_t *o, bool do_sync);

/* Does OUT now hold this build's tree (the exchange happened)? */
bool bf_output_published(const bf_output_t *o);

/* Removes o->staging if it is there, unless a manifest describes it (a
 * standby, or a tree the writer left described when its build failed):
 * a half-built tree nothing describes, or an old output without a
 * manifest.  Best effort, warned. */
void bf_output_unstage(const bf_output_t *o);

/*
 * Removes the tree at path (a staging directory, or the previous output
 * after the exchange) so that a removal cut short (the process killed, an
 * I/O error) leaves a tree the next build still knows as its own: the
 * marker is made first when missing (an output taken with --force) and
 * removed last, after every other entry.  each, when not NULL, is called
 * with arg before each top-level entry is removed (a test hook).  A
 * missing path is success.  0, or -1 with errno.
 */
int bf_output_remove(const char *path, void (*each)(void *), void *arg);

/* bf_farm_lookup_fn over o's manifests (ctx: o): a FILE.zst the standby
 * or OUT holds beside the very FILE given. */
int bf_output_lookup(const void *ctx, const char *src, uint64_t src_size, bf_digest_t src_digest,
                     const char *path, uint64_t *size, bf_digest_t *digest);

/* Unlocks and removes the lock file; idempotent. */
void bf_output_release(bf_output_t *o);

#endif
