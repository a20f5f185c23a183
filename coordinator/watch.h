/*
 * coordinator/watch.h - what changed in a site, from inotify: the watching
 * half of `bengal-farm serve`.
 *
 * What is watched.  The site directory itself, not recursively, for the
 * config files at its top (every name beginning "bengal.": bengal.yaml,
 * bengal.NAME.yaml, bengal.yml) and for the roots appearing, going or
 * moving; and each root (content, templates, static, data unless told
 * otherwise) recursively, directories created or moved in later included.
 * A root missing at the start (no data/ yet) is watched from the moment it
 * appears; a root deleted and made again is watched again.  Never watched
 * or reported:
 *   - the paths in bf_watch_opts_t.exclude and everything below them (the
 *     output and the state directory when they lie inside a root);
 *   - every hidden name (".git", ".bengal", ".a.md.swp", ".#a.md"), at any
 *     depth, with all below it, as discovery skips them;
 *   - editors' scratch files: "*~", "#*#", "*.swp", "*.swo", "*.swx",
 *     "4913" (vim's probe), "*___jb_tmp___" and "*___jb_old___" (JetBrains);
 *   - a name that appears and goes within one burst (a temporary written
 *     and renamed over its target, as sed -i does): only the target is
 *     reported.
 * A symlink to a directory is followed when it resolves beneath the site
 * (bf_fs_open_beneath), as discovery follows it; a directory reached twice
 * (an alias, a loop) is watched once, under the first path that reached it.
 *
 * Debounce.  bf_watch_wait() sleeps until the first relevant event, then
 * keeps reading until settle_ms have passed without another one, or until
 * max_delay_ms after the first (a stream that never pauses still gives a
 * change every max_delay_ms).  An editor's save (write a temporary and
 * rename it over, or truncate and write, or write and chmod) is a burst of
 * events, hence one change.  Nothing is lost between two calls: events
 * that arrive while the caller rebuilds queue in the kernel and make the
 * next change.
 *
 * A directory that appears is read right after its watch is added: the
 * files made in it before that moment (mkdir -p a/b/c && echo x > a/b/c/f)
 * are reported with the rest, each path once.
 *
 * Limits.  When the kernel's queue overflows (fs.inotify.max_queued_events)
 * events are lost: the change says so (overflow: treat everything as
 * changed) and every root is walked again to watch the directories whose
 * creation was missed.  When the watch limit is reached
 * (fs.inotify.max_user_watches: inotify_add_watch fails with ENOSPC), one
 * warning names the sysctl to raise; each directory that could not be
 * watched is then rescanned (stat of everything below it) every
 * BF_WATCH_RESCAN_MS while bf_watch_wait() runs, reported as a change of
 * the directory's own path when anything below it differs, and watched as
 * soon as the limit allows.  A directory deeper than BF_WATCH_MAX_DEPTH
 * below its root is not watched.
 *
 * Ownership: the watcher owns its inotify descriptor, a duplicate of the
 * site's descriptor, and the strings of the last change it returned.  One
 * process, one thread.  Errors are logged once, here, and come back as
 * NULL or BF_WATCH_ERROR.
 */
#ifndef BF_COORDINATOR_WATCH_H
#define BF_COORDINATOR_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#define BF_WATCH_SETTLE_MS 100
#define BF_WATCH_MAX_DELAY_MS 1000
#define BF_WATCH_RESCAN_MS 1000
#define BF_WATCH_MAX_DEPTH 128

typedef struct bf_watch bf_watch_t;

typedef struct {
    /* Names in the site directory (one component each), watched
     * recursively; NULL: content, templates, static and data. */
    const char *const *roots;
    size_t n_roots;
    /* Site-relative paths left out with everything below them, whether
     * or not they exist yet: the output directory, its OUT.staging
     * sibling and the state directory, when inside a root ("./x/" is
     * read as "x"; a path outside the site is simply never met). */
    const char *const *exclude;
    size_t n_exclude;
    unsigned settle_ms;    /* 0: BF_WATCH_SETTLE_MS */
    unsigned max_delay_ms; /* 0: BF_WATCH_MAX_DELAY_MS */
    /* The site directory as the user named it, for messages only
     * ("site/content/x"); NULL: paths are shown site-relative. */
    const char *site_dir;
} bf_watch_opts_t;

/* One settled burst.  paths: the site-relative paths that were written,
 * created, deleted, renamed from or to, or had their attributes changed,
 * sorted (strcmp), each once.  A directory's path means the directory
 * appeared, went or moved (its files that were seen are listed too), or,
 * for a directory beyond the watch limit, that something below it
 * changed.  The strings belong to the watcher until the next
 * bf_watch_wait() or bf_watch_free(). */
typedef struct {
    const char *const *paths;
    size_t n;
    bool config;   /* a config file at the top is among paths */
    bool overflow; /* events were lost (the kernel's queue overflowed, or
                      memory ran out): anything may have changed, paths
                      holds only what was seen */
} bf_watch_changes_t;

typedef enum {
    BF_WATCH_ERROR = -1,      /* logged; the watcher is still usable */
    BF_WATCH_TIMEOUT = 0,     /* no change began within the timeout */
    BF_WATCH_CHANGED = 1,     /* *out holds the burst */
    BF_WATCH_INTERRUPTED = 2, /* intr_fd is readable, or a signal came */
} bf_watch_status_t;

/* Starts watching the site open at site_fd (borrowed: the watcher keeps
 * its own duplicate).  opts may be NULL (all defaults).  NULL on error,
 * logged: no inotify (or too many instances: fs.inotify.
 * max_user_instances), the site directory not watchable, a root that is
 * not one valid path component, out of memory.  Roots missing or
 * unreadable are not errors (watched when they appear; the build reports
 * what it cannot read). */
bf_watch_t *bf_watch_open(int site_fd, const bf_watch_opts_t *opts);

/* Waits for the next change and puts it in *out.  timeout_ms bounds the
 * wait for a burst to begin (-1: no bound, 0: only what is already
 * queued); a burst once begun is always let settle, at most max_delay_ms.
 * intr_fd (-1: none) is polled for reading alongside and never read: the
 * caller's eventfd or pipe that says "shut down".  A signal that
 * interrupts the wait (EINTR) returns BF_WATCH_INTERRUPTED too, so that
 * the caller looks at its flags.  After INTERRUPTED or TIMEOUT, what was
 * seen is kept for the next call. */
bf_watch_status_t bf_watch_wait(bf_watch_t *w, int timeout_ms, int intr_fd,
                                bf_watch_changes_t *out);

/* The inotify descriptor (readable when an event is queued), for a
 * caller's own poll loop: call bf_watch_wait() when it is readable.
 * Never read it directly. */
int bf_watch_fd(const bf_watch_t *w);

/* Directories watched through inotify (the site directory included), and
 * those left to the periodic rescan by the watch limit (statistics,
 * tests). */
void bf_watch_counts(const bf_watch_t *w, size_t *watched, size_t *rescanned);

/* Removes every watch and closes every descriptor; NULL is fine. */
void bf_watch_free(bf_watch_t *w);

#endif
