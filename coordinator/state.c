/*
 * coordinator/state.c - the state directory (see state.h).
 */
#include "coordinator/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/freeze.h"
#include "shared/fs.h"
#include "shared/log.h"

/*
 * The state directory: --cache-dir or BENGAL_CACHE_DIR, anywhere (the
 * user's choice, made when missing); else build.cache_dir (.bengal)
 * inside the site, each component made when missing and refused when it
 * is a symlink or not a directory (a site must not send the snapshot and
 * lock elsewhere).  s->state_disp names it in messages.  Returns its
 * descriptor, or -1 logged.
 */
static int open_base_dir(bf_site_t *s);

/* The state directory, or s->opts.state_sub inside it (made when missing,
 * refused when a symlink): `serve` keeps its caches apart, so that a
 * preview (drafts, a localhost baseurl, its own output) and the published
 * build do not each find the other's caches stale. */
static int open_state_dir(bf_site_t *s)
{
    int base = open_base_dir(s);
    const char *sub = s->opts.state_sub;
    if (base < 0 || !sub)
        return base;
    const char *disp = bf_arena_sprintf(s->arena, "%s/%s", s->state_disp, sub);
    int fd = -1;
    if (!disp)
        bf_log_error("out of memory");
    else if (mkdirat(base, sub, 0777) < 0 && errno != EEXIST)
        bf_log_at(BF_LOG_ERROR, disp, 0, 0, "cannot create directory: %s", strerror(errno));
    else if ((fd = openat(base, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        bf_log_at(BF_LOG_ERROR, disp, 0, 0, "%s", errno == ELOOP || errno == ENOTDIR
                  ? "is a symlink or not a directory; bengal-farm keeps its state there: remove it"
                  : strerror(errno));
    else
        s->state_disp = disp;
    close(base);
    return fd;
}

static int open_base_dir(bf_site_t *s)
{
    const char *given = s->opts.cache_dir;
    if (!given || !*given)
        given = getenv("BENGAL_CACHE_DIR");
    if (given && *given) {
        s->state_disp = given;
        if (bf_fs_mkdir_p(given, 0777) < 0) {
            bf_log_at(BF_LOG_ERROR, given, 0, 0, "cannot create the state directory: %s",
                      strerror(errno));
            return -1;
        }
        int fd = open(given, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            bf_log_at(BF_LOG_ERROR, given, 0, 0, "cannot open the state directory: %s",
                      strerror(errno));
        return fd;
    }
    const char *rel = s->config.cache_dir;
    s->state_disp = bf_site_disp(s, rel);
    int cur = dup(s->root_fd);
    char comp[BF_PATH_MAX];
    for (const char *p = rel; cur >= 0 && *p;) {
        size_t n = strcspn(p, "/");
        snprintf(comp, sizeof comp, "%.*s", (int)n, p);
        p += n;
        p += *p == '/';
        if (mkdirat(cur, comp, 0777) < 0 && errno != EEXIST) {
            bf_log_at(BF_LOG_ERROR, s->state_disp, 0, 0, "cannot create directory: %s%s",
                      strerror(errno), errno == EROFS ? " (a read-only site: give the state "
                      "directory elsewhere with --cache-dir or BENGAL_CACHE_DIR)" : "");
            close(cur);
            return -1;
        }
        int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const char *at = bf_site_disp(s, bf_arena_strndup(s->arena, rel, (size_t)(p - rel) -
                                                           (p[-1] == '/')));
        if (next < 0 && (errno == ELOOP || errno == ENOTDIR))
            bf_log_at(BF_LOG_ERROR, at, 0, 0, "is a symlink or not a directory; bengal-farm "
                      "keeps its state there: remove it");
        else if (next < 0)
            bf_log_at(BF_LOG_ERROR, at, 0, 0, "cannot open: %s", strerror(errno));
        close(cur);
        cur = next;
    }
    return cur;
}

/* SITE/.bengal/lock, locked (flock) for as long as *fd stays open: two
 * builds of one site would share the snapshot.  Opened with O_NOFOLLOW:
 * a symlink there is refused, never written through.  The holder's pid
 * is in the file, for the message.  0, or -1 logged. */
static int lock_site(bf_site_t *s, int state, int *fd)
{
    const char *path = bf_arena_sprintf(s->arena, "%s/lock", s->state_disp);
    char pid[32] = "";
    *fd = openat(state, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (*fd < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot open: %s%s", strerror(errno),
                  errno == ELOOP ? " (a symlink: remove it)" : "");
        return -1;
    }
    if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
        ssize_t n = read(*fd, pid, sizeof pid - 1);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        bf_log_error("another bengal-farm (pid %s) is building %s; wait for it or stop it",
                     *pid ? pid : "?", s->opts.site_dir);
        close(*fd);
        *fd = -1;
        return -1;
    }
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(*fd, 0) < 0 || pwrite(*fd, pid, (size_t)n, 0) != n) { /* a hint only */ }
    return 0;
}

/* Under the lock: what a build that was killed while writing the
 * snapshot left ("snapshot.bfs.new", its temporaries) goes. */
static void clean_state(int state)
{
    int fd = dup(state);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "snapshot.bfs.new", 16) == 0)
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

int bf_state_take(bf_site_t *s, int *state, int *lock)
{
    *lock = -1;
    if ((*state = open_state_dir(s)) < 0)
        return -1;
    if (lock_site(s, *state, lock) < 0) {
        close(*state);
        *state = -1;
        return -1;
    }
    clean_state(*state);
    return 0;
}

int bf_state_write_snapshot(bf_site_t *s, int state, bf_snap_t **snap, size_t *bytes)
{
    const char *path = bf_arena_sprintf(s->arena, "%s/snapshot.bfs", s->state_disp);
    const char *tmp = bf_arena_sprintf(s->arena, "%s/snapshot.bfs.new", s->state_disp);
    int rc = -1;
    *snap = NULL;
    int frozen = bf_freeze_site_at(s, state, "snapshot.bfs.new", tmp, bytes);
    /* The tables (and every page's body) are in the file now: give their
     * memory back before the farm forks, rather than hold a copy of the
     * site's text in the coordinator for the whole build. */
    bf_snapw_free(s->snapw);
    s->snapw = NULL;
    if (frozen < 0)
        goto out;
    if (bf_snap_open(tmp, snap) < 0) {
        bf_log_error("internal error: the snapshot just written fails validation");
        unlinkat(state, "snapshot.bfs.new", 0);
        goto out;
    }
    struct stat st;
    if (fstatat(state, "snapshot.bfs", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
        bf_log_at(BF_LOG_WARN, path, 0, 0, "is not a regular file: replaced");
        bf_fs_remove_at(state, "snapshot.bfs");
    }
    if (renameat(state, "snapshot.bfs.new", state, "snapshot.bfs") < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot rename: %s", strerror(errno));
        unlinkat(state, "snapshot.bfs.new", 0);
        bf_snap_close(*snap);
        *snap = NULL;
        goto out;
    }
    rc = 0;
out:
    return rc;
}

