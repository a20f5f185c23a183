/*
 * coordinator/watch.c - inotify watches over a site (see watch.h).
 *
 * Invariants:
 *   - ents holds one entry per live inotify watch, sorted by watch
 *     descriptor (the kernel hands them out in increasing order, so an
 *     insertion is nearly always an append); the site directory's entry
 *     has rel "".  An entry leaves when its IN_IGNORED arrives or when we
 *     remove the watch (a directory deleted or moved away: forget()).
 *   - A directory is in ents or in defer (the watch limit refused it), or
 *     below one of defer's directories, or not watched at all (hidden,
 *     excluded, too deep, unreadable).
 *   - seen holds the burst being gathered (busy), in w->arena; after
 *     bf_watch_wait() handed it out (delivered) it stays untouched until
 *     the next call, which starts a new one.
 *
 * Paths are site-relative everywhere; directories are opened beneath the
 * site descriptor (bf_fs_open_beneath) and given to inotify_add_watch()
 * as /proc/self/fd/N, so that the directory watched is exactly the one
 * opened, whatever is renamed meanwhile.
 *
 * Events are not paired by cookie: a rename is a removal under the old
 * name (the watches below it go) and an appearance under the new one (new
 * watches, the directory read again).  Simpler, and the same answer.
 */
#include "coordinator/watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/arena.h"
#include "shared/clock.h"
#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/log.h"
#include "shared/strmap.h"

#define MS 1000000ull

/* What a directory's watch reports.  IN_MODIFY as well as IN_CLOSE_WRITE:
 * a long write keeps the burst open until it is done. */
#define DIR_MASK                                                                                   \
    (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY |            \
     IN_ATTRIB | IN_ONLYDIR | IN_EXCL_UNLINK)
/* The site directory's own: and whether it went itself. */
#define TOP_MASK (DIR_MASK | IN_DELETE_SELF | IN_MOVE_SELF)

/* Reads of the inotify descriptor per wake-up before the clock is looked
 * at again: a producer faster than us still lets max_delay_ms end the
 * burst. */
#define MAX_READS 64

static const char *const default_roots[] = {"content", "templates", "static", "data"};

typedef struct {
    int wd;
    unsigned pass; /* the resync that last reached it */
    char *rel;     /* malloc'd; "" for the site directory */
} ent_t;

/* A directory the watch limit refused, rescanned instead. */
typedef struct {
    char *rel;       /* malloc'd */
    uint64_t digest; /* of everything below it, at the last rescan */
} defer_t;

typedef enum { CHG_WRITE, CHG_CREATE, CHG_REMOVE } chg_kind_t;

/* One path of the burst (a value in seen, keyed by the path). */
typedef struct {
    bool created; /* its first event in the burst made it */
    bool gone;    /* its last event removed it */
    bool config;
} change_t;

struct bf_watch {
    int fd;           /* inotify, non-blocking */
    int root_fd;      /* our duplicate of the site's */
    bf_arena_t *keep; /* the options, for the watcher's life */
    char **roots;
    size_t n_roots;
    char **exclude;
    size_t n_exclude;
    char *site_dir; /* for messages, or NULL */
    uint64_t settle_ns, max_delay_ns;

    ent_t *ents;
    size_t n_ents, cap_ents;
    unsigned pass;  /* bumped by each resync */
    bool resyncing; /* a known directory under a new name is renamed, not an alias */
    size_t n_links; /* symlinks followed to a directory (then a file removed may
                       have been one: forget() it) */
    defer_t *defer;
    size_t n_defer, cap_defer;
    uint64_t next_rescan;
    bool warned_limit;

    bf_arena_t *arena; /* the burst */
    bf_strmap_t seen;  /* path -> change_t */
    bool busy, overflow, delivered;
    uint64_t first_ns, last_ns;

    union {
        struct inotify_event ev; /* alignment */
        char bytes[64 * 1024];
    } buf;
};

/* ---- names and paths ---- */

static bool has_suffix(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* Hidden names and editors' scratch files (watch.h lists them). */
static bool ignored_name(const char *name)
{
    static const char *const suffixes[] = {"~",    ".swp",         ".swo",
                                           ".swx", "___jb_tmp___", "___jb_old___"};
    size_t n = strlen(name);
    if (n == 0 || name[0] == '.' || strcmp(name, "4913") == 0)
        return true;
    if (name[0] == '#' && n > 1 && name[n - 1] == '#')
        return true;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (has_suffix(name, n, suffixes[i]))
            return true;
    return false;
}

/* path is prefix, or below it. */
static bool under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool excluded(const bf_watch_t *w, const char *path)
{
    for (size_t i = 0; i < w->n_exclude; i++)
        if (under(path, w->exclude[i]))
            return true;
    return false;
}

static bool is_root(const bf_watch_t *w, const char *name)
{
    for (size_t i = 0; i < w->n_roots; i++)
        if (strcmp(name, w->roots[i]) == 0)
            return true;
    return false;
}

/* out = rel/name (name alone below the site directory), unless name is
 * ignored, the result excluded or too long: then -1. */
static int child_path(const bf_watch_t *w, const char *rel, const char *name, char *out)
{
    if (ignored_name(name))
        return -1;
    int n = snprintf(out, BF_PATH_MAX, "%s%s%s", rel, *rel ? "/" : "", name);
    if (n < 0 || n >= BF_PATH_MAX || excluded(w, out))
        return -1;
    return n;
}

/* Depth below the root: "content" 0, "content/a" 1. */
static unsigned depth_of(const char *path)
{
    unsigned d = 0;
    for (; *path; path++)
        d += *path == '/';
    return d;
}

/* rel as the user can find it ("" is the site directory). */
static const char *disp(const bf_watch_t *w, const char *rel, char *buf)
{
    if (!*rel)
        return w->site_dir ? w->site_dir : ".";
    if (!w->site_dir || strcmp(w->site_dir, ".") == 0)
        return rel;
    snprintf(buf, BF_PATH_MAX, "%s/%s", w->site_dir, rel);
    return buf;
}

/* ---- the burst ---- */

static void touch_burst(bf_watch_t *w)
{
    uint64_t now = bf_clock_ns();
    if (!w->busy)
        w->first_ns = now;
    w->busy = true;
    w->last_ns = now;
}

static void record(bf_watch_t *w, const char *path, size_t len, chg_kind_t kind, bool config)
{
    touch_burst(w);
    change_t *c = bf_strmap_get(&w->seen, path, len);
    if (!c) {
        char *key = bf_arena_strndup(w->arena, path, len);
        c = key ? bf_arena_zalloc(w->arena, sizeof *c) : NULL;
        if (!c || bf_strmap_put(w->arena, &w->seen, key, len, c) != c) {
            w->overflow = true; /* lost, as in a queue overflow */
            return;
        }
        c->created = kind == CHG_CREATE;
        c->config = config;
    }
    c->gone = kind == CHG_REMOVE;
}

static void reset_burst(bf_watch_t *w)
{
    bf_arena_reset(w->arena);
    memset(&w->seen, 0, sizeof w->seen);
    w->busy = w->overflow = w->delivered = false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fills *out with the burst, less the names that came and went.  false
 * when nothing is left (the burst is then forgotten). */
static bool deliver(bf_watch_t *w, bf_watch_changes_t *out)
{
    const char **v = bf_arena_calloc(w->arena, w->seen.n + 1, sizeof *v);
    size_t n = 0;
    bool config = false;
    if (!v)
        w->overflow = true;
    for (size_t i = 0; v && i < w->seen.cap; i++) {
        const change_t *c = w->seen.vals[i];
        if (!w->seen.keys[i] || (c->created && c->gone))
            continue;
        v[n++] = w->seen.keys[i];
        config |= c->config;
    }
    if (n == 0 && !w->overflow) {
        reset_burst(w);
        return false;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *out = (bf_watch_changes_t){.paths = v, .n = n, .config = config, .overflow = w->overflow};
    w->delivered = true;
    return true;
}

/* ---- the table of watches ---- */

static int cmp_wd(const void *key, const void *ent)
{
    int a = *(const int *)key, b = ((const ent_t *)ent)->wd;
    return (a > b) - (a < b);
}

static ent_t *find(const bf_watch_t *w, int wd)
{
    return w->n_ents ? bsearch(&wd, w->ents, w->n_ents, sizeof *w->ents, cmp_wd) : NULL;
}

/* Drops the entry at i; rm: also remove the kernel's watch. */
static void drop(bf_watch_t *w, size_t i, bool rm)
{
    if (rm)
        inotify_rm_watch(w->fd, w->ents[i].wd); /* EINVAL: already gone */
    free(w->ents[i].rel);
    memmove(&w->ents[i], &w->ents[i + 1], (w->n_ents - i - 1) * sizeof *w->ents);
    w->n_ents--;
}

/* Records wd as rel.  1 when it was known already: an alias, a loop, or
 * a directory found twice (mkdir -p: by reading its parent, then by its
 * IN_CREATE), not to be walked again; except in a resync, where the first
 * time a pass reaches it it is renamed to rel (it may have moved while
 * events were lost) and walked.  0 when new or renamed, -1 out of memory
 * (errno ENOMEM; the watch is removed). */
static int remember(bf_watch_t *w, int wd, const char *rel)
{
    ent_t *e = find(w, wd);
    if (e && (!w->resyncing || e->pass == w->pass))
        return 1;
    if (e) {
        char *copy = strcmp(e->rel, rel) ? strdup(rel) : NULL;
        e->pass = w->pass;
        if (copy) { /* reached under another name now (out of memory: the old one stays) */
            free(e->rel);
            e->rel = copy;
        }
        return 0;
    }
    char *copy = strdup(rel);
    if (!copy || (w->n_ents == w->cap_ents && w->cap_ents > SIZE_MAX / 2 / sizeof *w->ents))
        goto fail;
    if (w->n_ents == w->cap_ents) {
        size_t cap = w->cap_ents ? w->cap_ents * 2 : 64;
        ent_t *v = realloc(w->ents, cap * sizeof *v);
        if (!v)
            goto fail;
        w->ents = v;
        w->cap_ents = cap;
    }
    size_t i = w->n_ents; /* wds grow: an append, but for a wrap-around */
    while (i > 0 && w->ents[i - 1].wd > wd)
        i--;
    memmove(&w->ents[i + 1], &w->ents[i], (w->n_ents - i) * sizeof *w->ents);
    w->ents[i] = (ent_t){.wd = wd, .pass = w->pass, .rel = copy};
    w->n_ents++;
    return 0;
fail:
    free(copy);
    inotify_rm_watch(w->fd, wd);
    errno = ENOMEM;
    return -1;
}

static void undefer_at(bf_watch_t *w, size_t i)
{
    free(w->defer[i].rel);
    w->defer[i] = w->defer[--w->n_defer];
}

/* Removes every watch and deferred directory at rel or below: it was
 * deleted or moved away (a directory moved back gets new watches). */
static void forget(bf_watch_t *w, const char *rel)
{
    for (size_t i = w->n_ents; i-- > 0;)
        if (w->ents[i].rel[0] && under(w->ents[i].rel, rel))
            drop(w, i, true);
    for (size_t i = w->n_defer; i-- > 0;)
        if (under(w->defer[i].rel, rel))
            undefer_at(w, i);
}

/* ---- walking directories ---- */

typedef void child_fn(bf_watch_t *w, int dfd, const struct dirent *e, const char *path, int len,
                      void *arg);

/* Calls fn for each entry of the directory fd (rel; fd is closed here)
 * that is neither ignored nor excluded. */
static void each_child(bf_watch_t *w, int fd, const char *rel, child_fn *fn, void *arg)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    char path[BF_PATH_MAX];
    for (struct dirent *e; (e = readdir(d));) {
        int n = child_path(w, rel, e->d_name, path);
        if (n >= 0)
            fn(w, dirfd(d), e, path, n, arg);
    }
    closedir(d);
}

/* A hash of the stat of everything below the directory rel (real
 * directories only: a symlink's own stat counts, not its target's).
 * -1 when rel is gone or not a directory. */
static int tree_digest(bf_watch_t *w, const char *rel, uint64_t *sum);

static void digest_child(bf_watch_t *w, int dfd, const struct dirent *e, const char *path, int len,
                         void *arg)
{
    uint64_t *sum = arg;
    struct stat st;
    if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
    int64_t rec[6] = {(int64_t)st.st_ino, (int64_t)st.st_size, st.st_mtim.tv_sec,
                      st.st_mtim.tv_nsec, st.st_ctim.tv_sec,   st.st_ctim.tv_nsec};
    *sum += bf_hash64_seed(rec, sizeof rec, bf_hash64(path, (size_t)len) ^ st.st_mode);
    if (S_ISDIR(st.st_mode))
        tree_digest(w, path, sum);
}

static int tree_digest(bf_watch_t *w, const char *rel, uint64_t *sum)
{
    if (depth_of(rel) > BF_WATCH_MAX_DEPTH)
        return 0;
    int fd = bf_fs_open_beneath(w->root_fd, rel, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return -1;
    each_child(w, fd, rel, digest_child, sum);
    return 0;
}

/* Leaves rel to the periodic rescan: the watch limit refused it. */
static void defer_dir(bf_watch_t *w, const char *rel)
{
    char buf[BF_PATH_MAX], value[32] = "?";
    if (!w->warned_limit) {
        FILE *f = fopen("/proc/sys/fs/inotify/max_user_watches", "re");
        if (f) {
            if (fscanf(f, "%31s", value) != 1)
                strcpy(value, "?");
            fclose(f);
        }
        bf_log_warn("cannot watch \"%s\": the inotify watch limit is reached "
                    "(fs.inotify.max_user_watches = %s); the directories beyond it are "
                    "rescanned every %d ms instead (raise it: sysctl "
                    "fs.inotify.max_user_watches=524288)",
                    disp(w, rel, buf), value, BF_WATCH_RESCAN_MS);
        w->warned_limit = true;
    }
    for (size_t i = 0; i < w->n_defer; i++)
        if (strcmp(w->defer[i].rel, rel) == 0)
            return;
    if (w->n_defer == w->cap_defer) {
        size_t cap = w->cap_defer ? w->cap_defer * 2 : 16;
        defer_t *v = realloc(w->defer, cap * sizeof *v);
        if (!v) {
            w->overflow = true;
            return;
        }
        w->defer = v;
        w->cap_defer = cap;
    }
    defer_t *d = &w->defer[w->n_defer];
    d->digest = 0;
    if (!(d->rel = strdup(rel))) {
        w->overflow = true;
        return;
    }
    tree_digest(w, rel, &d->digest);
    w->n_defer++;
}

static int watch_tree(bf_watch_t *w, const char *rel, bool report);

/* watch_tree(), with a refusal by the watch limit sent to the rescan.
 * -1 (errno) when rel is not a directory that could be watched or
 * deferred. */
static int watch_or_defer(bf_watch_t *w, const char *rel, bool report)
{
    char buf[BF_PATH_MAX];
    if (depth_of(rel) > BF_WATCH_MAX_DEPTH) {
        errno = ELOOP;
        return -1;
    }
    if (watch_tree(w, rel, report) == 0)
        return 0;
    if (errno == ENOSPC) {
        defer_dir(w, rel);
        return 0;
    }
    if (errno != ENOENT && errno != ENOTDIR && errno != EXDEV && errno != ELOOP)
        bf_log_warn("cannot watch \"%s\": %s; its changes are not seen", disp(w, rel, buf),
                    strerror(errno));
    return -1;
}

static void watch_child(bf_watch_t *w, int dfd, const struct dirent *e, const char *path, int len,
                        void *arg)
{
    bool report = *(const bool *)arg;
    if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN)
        watch_or_defer(w, path, report); /* -1: not a directory after all */
    else if (e->d_type == DT_LNK && watch_or_defer(w, path, report) == 0)
        w->n_links++;
    if (report)
        record(w, path, (size_t)len, CHG_CREATE, false);
}

/* Watches the directory rel and, unless it was watched already (see
 * remember()), every directory below it.  report: every name found below is a change
 * (the directory just appeared: files may have been made in it before its
 * watch existed).  0, or -1 with errno: ENOSPC (the watch limit), ENOENT,
 * ENOTDIR, EXDEV (gone, not a directory, or leads out of the site), or
 * another. */
static int watch_tree(bf_watch_t *w, const char *rel, bool report)
{
    int fd = bf_fs_open_beneath(w->root_fd, rel, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int wd = inotify_add_watch(w->fd, proc, *rel ? DIR_MASK : TOP_MASK);
    int seen = wd < 0 ? -1 : remember(w, wd, rel);
    if (seen != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return seen > 0 ? 0 : -1;
    }
    for (size_t i = w->n_defer; i-- > 0;)
        if (strcmp(w->defer[i].rel, rel) == 0)
            undefer_at(w, i); /* the limit let it in at last */
    if (!*rel) {
        close(fd); /* the top: its roots are walked by the caller */
        return 0;
    }
    each_child(w, fd, rel, watch_child, &report);
    return 0;
}

/* Every root walked again, in a new pass; the watches no walk reached
 * (directories gone or renamed while events were lost) removed. */
static void resync(bf_watch_t *w)
{
    w->pass++;
    w->resyncing = true;
    for (size_t i = 0; i < w->n_roots; i++)
        if (!excluded(w, w->roots[i]))
            watch_or_defer(w, w->roots[i], false);
    w->resyncing = false;
    for (size_t i = w->n_ents; i-- > 0;)
        if (w->ents[i].rel[0] && w->ents[i].pass != w->pass)
            drop(w, i, true);
}

/* The deferred directories: a change below one is a change of its path;
 * each is tried again for a watch. */
static void rescan(bf_watch_t *w)
{
    for (size_t i = w->n_defer; i-- > 0;) {
        defer_t *d = &w->defer[i];
        uint64_t sum = 0;
        if (tree_digest(w, d->rel, &sum) < 0) {
            undefer_at(w, i); /* gone: its parent's watch says so */
            continue;
        }
        if (sum != d->digest)
            record(w, d->rel, strlen(d->rel), CHG_WRITE, false);
        d->digest = sum;
        char rel[BF_PATH_MAX];
        snprintf(rel, sizeof rel, "%s", d->rel);
        watch_tree(w, rel, false); /* removes the entry when it works */
    }
}

/* ---- events ---- */

static chg_kind_t kind_of(uint32_t mask)
{
    if (mask & IN_CREATE)
        return CHG_CREATE;
    if (mask & (IN_DELETE | IN_MOVED_FROM))
        return CHG_REMOVE;
    return CHG_WRITE;
}

/* A directory at path appeared or went. */
static void dir_event(bf_watch_t *w, const char *path, size_t len, uint32_t mask)
{
    if (mask & (IN_DELETE | IN_MOVED_FROM)) {
        forget(w, path);
        record(w, path, len, CHG_REMOVE, false);
    } else if (mask & (IN_CREATE | IN_MOVED_TO)) {
        record(w, path, len, kind_of(mask), false);
        watch_or_defer(w, path, true);
    }
}

/* Anything else at path: a file, or a symlink, which may lead to a
 * directory inside the site (followed, as discovery follows it). */
static void file_event(bf_watch_t *w, const char *path, size_t len, uint32_t mask)
{
    struct stat st;
    chg_kind_t kind = kind_of(mask);
    if (kind == CHG_REMOVE && w->n_links)
        forget(w, path);
    record(w, path, len, kind, false);
    if ((mask & (IN_CREATE | IN_MOVED_TO)) &&
        fstatat(w->root_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
        watch_or_defer(w, path, true) == 0)
        w->n_links++;
}

static void handle(bf_watch_t *w, const struct inotify_event *ev)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        touch_burst(w);
        w->overflow = true;
        resync(w);
        return;
    }
    const ent_t *e = find(w, ev->wd);
    if (!e)
        return; /* a watch we removed: its last events */
    bool top = e->rel[0] == '\0';
    if (ev->mask & IN_IGNORED) {
        drop(w, (size_t)(e - w->ents), false);
        return;
    }
    if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
        if (top || (ev->mask & IN_UNMOUNT)) {
            touch_burst(w); /* the whole site went: everything changed */
            w->overflow = true;
        }
        return;
    }
    char path[BF_PATH_MAX];
    int n = ev->len ? child_path(w, e->rel, ev->name, path) : -1;
    if (n < 0)
        return;
    bool dir = ev->mask & IN_ISDIR;
    if (top && is_root(w, ev->name))
        dir_event(w, path, (size_t)n, ev->mask); /* a directory, or a symlink to one */
    else if (top && !dir && strncmp(ev->name, "bengal.", 7) == 0)
        record(w, path, (size_t)n, kind_of(ev->mask), true);
    else if (top)
        return; /* the output, the state directory, anything else */
    else if (dir)
        dir_event(w, path, (size_t)n, ev->mask);
    else
        file_event(w, path, (size_t)n, ev->mask);
}

/* Reads what is queued (at most MAX_READS times).  0, or -1 logged. */
static int drain(bf_watch_t *w)
{
    for (int k = 0; k < MAX_READS; k++) {
        ssize_t n = read(w->fd, w->buf.bytes, sizeof w->buf.bytes);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 0;
        if (n <= 0) {
            bf_log_error("cannot read inotify events: %s", n < 0 ? strerror(errno) : "end of file");
            return -1;
        }
        for (ssize_t off = 0; off < n;) {
            const struct inotify_event *ev = (const void *)(w->buf.bytes + off);
            handle(w, ev);
            off += (ssize_t)(sizeof *ev + ev->len);
        }
    }
    return 0;
}

/* ---- the API ---- */

/* A copy of v[0..n) in a; NULL out of memory. */
static char **copy_list(bf_arena_t *a, const char *const *v, size_t n)
{
    char **c = bf_arena_calloc(a, n + 1, sizeof *c);
    for (size_t i = 0; c && i < n; i++)
        if (!(c[i] = bf_arena_strdup(a, v[i])))
            return NULL;
    return c;
}

/* "./public/" -> "public": the output directory as a config may write
 * it.  A path that leaves the site simply never matches. */
static void tidy(char *path)
{
    size_t skip = 0, n;
    while (path[skip] == '.' && path[skip + 1] == '/')
        skip += 2;
    memmove(path, path + skip, strlen(path + skip) + 1);
    for (n = strlen(path); n > 1 && path[n - 1] == '/';)
        path[--n] = '\0';
}

/* Checks and copies the options into w.  0, or -1 logged. */
static int take_opts(bf_watch_t *w, const bf_watch_opts_t *o)
{
    const char *const *roots = o->roots ? o->roots : default_roots;
    size_t n_roots = o->roots ? o->n_roots : sizeof default_roots / sizeof *default_roots;
    const char *why = NULL;
    for (size_t i = 0; i < n_roots; i++)
        if (bf_path_check(roots[i], strlen(roots[i]), &why) < 0 || strchr(roots[i], '/')) {
            bf_log_error("cannot watch \"%s\": a root is one name in the site directory (%s)",
                         roots[i], why ? why : "it contains \"/\"");
            return -1;
        }
    w->settle_ns = (o->settle_ms ? o->settle_ms : BF_WATCH_SETTLE_MS) * MS;
    w->max_delay_ns = (o->max_delay_ms ? o->max_delay_ms : BF_WATCH_MAX_DELAY_MS) * MS;
    w->n_roots = n_roots;
    w->n_exclude = o->n_exclude;
    w->arena = bf_arena_create(0);
    if (!(w->keep = bf_arena_create(4096)) || !w->arena ||
        !(w->roots = copy_list(w->keep, roots, n_roots)) ||
        !(w->exclude = copy_list(w->keep, o->exclude, o->n_exclude)) ||
        (o->site_dir && !(w->site_dir = bf_arena_strdup(w->keep, o->site_dir)))) {
        bf_log_error("cannot watch the site: %s", strerror(ENOMEM));
        return -1;
    }
    for (size_t i = 0; i < w->n_exclude; i++)
        tidy(w->exclude[i]);
    return 0;
}

bf_watch_t *bf_watch_open(int site_fd, const bf_watch_opts_t *opts)
{
    static const bf_watch_opts_t none;
    bf_watch_t *w = calloc(1, sizeof *w);
    if (!w) {
        bf_log_error("cannot watch the site: %s", strerror(ENOMEM));
        return NULL;
    }
    w->fd = w->root_fd = -1;
    if (take_opts(w, opts ? opts : &none) < 0)
        goto fail;
    char buf[BF_PATH_MAX];
    if ((w->root_fd = fcntl(site_fd, F_DUPFD_CLOEXEC, 3)) < 0) {
        bf_log_error("cannot watch \"%s\": %s", disp(w, "", buf), strerror(errno));
        goto fail;
    }
    if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
        bf_log_error("cannot start inotify: %s%s", strerror(errno),
                     errno == EMFILE ? " (open files, or inotify instances: "
                                       "fs.inotify.max_user_instances)"
                                     : "");
        goto fail;
    }
    if (watch_tree(w, "", false) < 0) {
        bf_log_error("cannot watch \"%s\": %s%s", disp(w, "", buf), strerror(errno),
                     errno == ENOSPC ? " (the inotify watch limit, "
                                       "fs.inotify.max_user_watches)"
                                     : "");
        goto fail;
    }
    for (size_t i = 0; i < w->n_roots; i++)
        if (!excluded(w, w->roots[i]))
            watch_or_defer(w, w->roots[i], false);
    w->next_rescan = bf_clock_ns() + BF_WATCH_RESCAN_MS * MS;
    reset_burst(w); /* a warning's fallout is not a change */
    return w;
fail:
    bf_watch_free(w);
    return NULL;
}

/* Milliseconds from now to at, rounded up (poll must not wake early and
 * spin), or -1 for "no bound" (at 0). */
static int ms_until(uint64_t at, uint64_t now)
{
    if (!at)
        return -1;
    if (at <= now)
        return 0;
    uint64_t ms = (at - now + MS - 1) / MS;
    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return !a ? b : !b ? a : a < b ? a : b;
}

bf_watch_status_t bf_watch_wait(bf_watch_t *w, int timeout_ms, int intr_fd, bf_watch_changes_t *out)
{
    if (w->delivered)
        reset_burst(w);
    uint64_t end = timeout_ms >= 0 ? bf_clock_ns() + (uint64_t)timeout_ms * MS : 0;
    for (;;) {
        uint64_t now = bf_clock_ns(), at;
        if (w->n_defer && now >= w->next_rescan) {
            rescan(w);
            w->next_rescan = now + BF_WATCH_RESCAN_MS * MS;
        }
        if (w->busy) {
            at = earliest(w->last_ns + w->settle_ns, w->first_ns + w->max_delay_ns);
            if (now >= at) {
                if (deliver(w, out))
                    return BF_WATCH_CHANGED;
                continue;
            }
        } else {
            at = end; /* 0: no bound */
        }
        at = earliest(at, w->n_defer ? w->next_rescan : 0);
        struct pollfd p[2] = {{.fd = w->fd, .events = POLLIN}, {.fd = intr_fd, .events = POLLIN}};
        if (poll(p, intr_fd >= 0 ? 2 : 1, ms_until(at, now)) < 0) {
            if (errno == EINTR)
                return BF_WATCH_INTERRUPTED;
            bf_log_error("cannot wait for changes: %s", strerror(errno));
            return BF_WATCH_ERROR;
        }
        if (intr_fd >= 0 && (p[1].revents & POLLNVAL)) {
            bf_log_error("cannot wait for changes: descriptor %d is not open", intr_fd);
            return BF_WATCH_ERROR;
        }
        if (intr_fd >= 0 && p[1].revents)
            return BF_WATCH_INTERRUPTED;
        if (p[0].revents && drain(w) < 0)
            return BF_WATCH_ERROR;
        if (!w->busy && timeout_ms >= 0 && bf_clock_ns() >= end)
            return BF_WATCH_TIMEOUT;
    }
}

int bf_watch_fd(const bf_watch_t *w)
{
    return w->fd;
}

void bf_watch_counts(const bf_watch_t *w, size_t *watched, size_t *rescanned)
{
    *watched = w->n_ents;
    *rescanned = w->n_defer;
}

void bf_watch_free(bf_watch_t *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd); /* removes every watch */
    if (w->root_fd >= 0)
        close(w->root_fd);
    for (size_t i = 0; i < w->n_ents; i++)
        free(w->ents[i].rel);
    free(w->ents);
    for (size_t i = 0; i < w->n_defer; i++)
        free(w->defer[i].rel);
    free(w->defer);
    bf_arena_destroy(w->keep);
    bf_arena_destroy(w->arena);
    free(w);
}
