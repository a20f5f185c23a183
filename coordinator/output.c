/*
 * coordinator/output.c - the output directory's owner, lock and staging
 * (see output.h).
 */
#include "coordinator/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/log.h"

/* Fixed text: the output is deterministic, so the marker is too. */
#define MARKER_TEXT "made by bengal-farm: a build replaces this directory whole\n"

/* Is a equal to b, or below it? */
static bool within(const char *a, const char *b)
{
    size_t n = strlen(b);
    return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' || (n == 1 && b[0] == '/'));
}

/* 1 if dir (an open directory) holds a marker file, 0 if not. */
static int has_marker(int dir)
{
    struct stat st;
    return fstatat(dir, BF_OUTPUT_MARKER, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* 1 if the directory dir has no entries, 0 if it has, -1 on error. */
static int is_empty(int dir)
{
    int fd = dup(dir);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

/*
 * May a build replace (or remove) what is at path?  0 yes (also when
 * nothing is there), -1 refused or failed (logged).  what names it in
 * messages ("the output", "the staging directory").
 */
static int ours(const char *path, const char *what, bool force, bool *refused)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot use as %s: %s", what, strerror(errno));
        return -1;
    }
    *refused = true;
    if (S_ISLNK(st.st_mode)) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0,
                  "%s is a symlink; a build replaces its output, so give the directory "
                  "it points to instead", what);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0,
                  "%s exists and is not a directory; a build would replace it: choose "
                  "another output directory", what);
        return -1;
    }
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot open %s: %s", what, strerror(errno));
        *refused = false;
        return -1;
    }
    int empty = is_empty(dir), mine = has_marker(dir);
    close(dir);
    if (empty == 1 || mine || force) {
        *refused = false;
        return 0;
    }
    bf_log_at(BF_LOG_ERROR, path, 0, 0,
              "%s is a directory that bengal-farm did not make (it holds no %s), and a "
              "build replaces it whole: choose another output directory, empty this one, "
              "or pass --force to replace it", what, BF_OUTPUT_MARKER);
    return -1;
}

/*
 * build.output_dir from the config: every component below the site must
 * be a real directory (made when missing), not a symlink, so that a
 * site's config cannot aim the build at a directory elsewhere.  The last
 * component is left to ours().  0, or -1 logged.
 */
static int config_parents(const char *site_dir, const char *rel, const char *config_name,
                          bool *refused)
{
    int dir = open(site_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
    char part[BF_PATH_MAX];
    if (dir < 0) {
        bf_log_at(BF_LOG_ERROR, site_dir, 0, 0, "cannot open site: %s", strerror(errno));
        return -1;
    }
    for (const char *p = rel, *slash; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
        snprintf(part, sizeof part, "%.*s", (int)(slash - p), p);
        if (mkdirat(dir, part, 0777) < 0 && errno != EEXIST)
            goto fail;
        int sub = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0 && (errno == ELOOP || errno == ENOTDIR)) {
            *refused = true;
            bf_log_at(BF_LOG_ERROR, config_name, 0, 0,
                      "build.output_dir \"%s\" goes through \"%.*s\", which is a symlink or "
                      "not a directory; the output must be a directory inside the site "
                      "(or give -o DIR)", rel, (int)(slash - rel), rel);
            close(dir);
            return -1;
        }
        if (sub < 0)
            goto fail;
        close(dir);
        dir = sub;
    }
    rc = 0;
fail:
    if (rc < 0)
        bf_log_at(BF_LOG_ERROR, config_name, 0, 0, "cannot make build.output_dir \"%s\": %s",
                  rel, strerror(errno));
    close(dir);
    return rc;
}

/* The output must not be the site, hold it, or lie in its sources: it is
 * replaced on every build.  0, or -1 logged. */
static int not_the_site(const char *site_dir, const char *output, const char *parent_dir,
                        const char *base, bool *refused)
{
    char site[PATH_MAX], parent[PATH_MAX], out[2 * PATH_MAX + 2];
    if (!realpath(parent_dir, parent) || !realpath(site_dir, site)) {
        bf_log_at(BF_LOG_ERROR, output, 0, 0, "cannot use as output: %s", strerror(errno));
        return -1;
    }
    snprintf(out, sizeof out, "%s/%s", strcmp(parent, "/") ? parent : "", base);
    static const char *const reserved[] = {"content", "templates", "static", "data", ".bengal"};
    bool bad = within(site, out);
    for (size_t i = 0; !bad && i < sizeof reserved / sizeof reserved[0]; i++) {
        char r[PATH_MAX + 16];
        snprintf(r, sizeof r, "%s/%s", site, reserved[i]);
        bad = within(out, r);
    }
    if (bad) {
        *refused = true;
        bf_log_at(BF_LOG_ERROR, output, 0, 0,
                  "refusing to build into the site itself or its sources: the output "
                  "directory is replaced on every build");
        return -1;
    }
    return 0;
}

/* flock on OUT.lock, checking after the lock that the file we hold is
 * still the one at the path (a build that ended may have removed it). */
static int take_lock(bf_output_t *o)
{
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(o->lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0) {
            bf_log_at(BF_LOG_ERROR, o->lock_path, 0, 0, "cannot open: %s", strerror(errno));
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            char pid[32] = "";
            ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
            pid[n > 0 ? n : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            bf_log_error("another bengal-farm (pid %s) is building into %s; wait for it or "
                         "stop it", *pid ? pid : "?", o->path);
            close(fd);
            return -1;
        }
        struct stat held, now;
        if (fstat(fd, &held) == 0 && lstat(o->lock_path, &now) == 0 &&
            held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) { /* a hint */ }
            o->lock_fd = fd;
            return 0;
        }
        close(fd); /* unlinked by the build that held it: take the new one */
    }
    bf_log_at(BF_LOG_ERROR, o->lock_path, 0, 0, "cannot lock: it keeps being replaced");
    return -1;
}

/*
 * Which manifest slot describes the tree at path (-1: none); the slot is
 * loaded into m (initialised here).  Rejected slots were warned about by
 * load_slots.
 */
static int describe(bf_output_t *o, const char *path, bf_manifest_t *m, bool loaded[],
                    bf_manifest_t slots[])
{
    bf_tree_id_t id;
    if (bf_tree_id(AT_FDCWD, path, &id) < 0)
        return -1;
    for (unsigned k = 0; k < BF_MANIFEST_SLOTS; k++)
        if (loaded[k] && bf_tree_id_eq(&slots[k].id, &id)) {
            *m = slots[k];
            return (int)k;
        }
    return -1;
}

/* The manifests of OUT and OUT.staging, when the state directory has
 * them (under the output's lock). */
static void load_manifests(bf_output_t *o)
{
    bf_manifest_t slots[BF_MANIFEST_SLOTS];
    bool loaded[BF_MANIFEST_SLOTS] = {false};
    o->published_slot = -1;
    if (o->state_fd < 0 || !(o->arena = bf_arena_create(0)))
        return;
    for (unsigned k = 0; k < BF_MANIFEST_SLOTS; k++) {
        const char *why = NULL;
        bf_manifest_init(&slots[k], o->arena);
        int rc = bf_manifest_load(&slots[k], o->state_fd, k, &why);
        if (rc < 0) {
            bf_log_warn("the output manifest %u in the state directory is ignored (%s): "
                        "files are compared with nothing and written again", k, why);
            bf_manifest_drop(o->state_fd, k, false); /* said once, not every build */
        }
        loaded[k] = rc > 0;
    }
    o->published_slot = describe(o, o->path, &o->published, loaded, slots);
    o->has_published = o->published_slot >= 0;
    int standby = describe(o, o->staging, &o->standby, loaded, slots);
    o->has_standby = standby >= 0 && standby != o->published_slot;
    /* the new tree's manifest goes where the standby's was, or where
     * OUT's is not */
    o->new_slot = o->has_standby ? (unsigned)standby : o->published_slot == 0 ? 1 : 0;
}

int bf_output_prepare(bf_output_t *o, const char *site_dir, const char *output,
                      const char *config_rel, const char *config_name, bool force,
                      bool dry_run, int state_fd, bool fresh, bool *refused)
{
    *refused = false;
    memset(o, 0, sizeof *o);
    o->lock_fd = -1;
    o->state_fd = -1;
    o->published_slot = -1;
    size_t n = strlen(output);
    while (n > 1 && output[n - 1] == '/')
        n--; /* "public/": the staging directory goes beside it */
    if (n >= sizeof o->path) {
        *refused = true;
        bf_log_at(BF_LOG_ERROR, output, 0, 0, "the output path is too long");
        return -1;
    }
    snprintf(o->path, sizeof o->path, "%.*s", (int)n, output);
    snprintf(o->staging, sizeof o->staging, "%s.staging", o->path);
    snprintf(o->lock_path, sizeof o->lock_path, "%s.lock", o->path);

    char parent[BF_PATH_MAX];
    const char *base = bf_path_parent(o->path, parent, sizeof parent);
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        *refused = true;
        bf_log_at(BF_LOG_ERROR, output, 0, 0, "the output must name a directory of its own");
        return -1;
    }
    if (config_rel) {
        if (!dry_run && config_parents(site_dir, config_rel, config_name, refused) < 0)
            return -1;
    } else if (!dry_run && bf_fs_mkdir_p(parent, 0777) < 0) {
        bf_log_at(BF_LOG_ERROR, output, 0, 0, "cannot make its parent directory: %s",
                  strerror(errno));
        return -1;
    }
    if (dry_run && access(parent, F_OK) < 0)
        return 0; /* `check` makes nothing; there is nothing there to refuse */
    if (not_the_site(site_dir, output, parent, base, refused) < 0 ||
        ours(o->path, "the output", force, refused) < 0)
        return -1;
    if (dry_run)
        return 0;
    if (take_lock(o) < 0)
        return -1;
    /* Under the lock: a staging directory that no manifest describes (a
     * killed build's) goes; a described one is the standby. */
    if (ours(o->staging, "the staging directory", force, refused) < 0) {
        bf_output_release(o);
        return -1;
    }
    o->state_fd = state_fd;
    if (fresh && state_fd >= 0) /* --no-cache: nothing is compared, all is written */
        for (unsigned k = 0; k < BF_MANIFEST_SLOTS; k++)
            bf_manifest_drop(state_fd, k, false);
    load_manifests(o);
    if (!o->has_standby)
        bf_output_unstage(o);
    return 0;
}

int bf_output_stage(bf_output_t *o, bool do_sync)
{
    int fd = -1, dir = -1;
    struct stat st;
    if (o->has_standby) {
        /* the standby's manifest goes before the first change to it: a
         * build killed halfway leaves a tree nothing describes */
        unsigned slot = o->new_slot;
        if (bf_manifest_drop(o->state_fd, slot, do_sync) < 0 ||
            (dir = open(o->staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
            fstat(dir, &st) < 0) {
            bf_log_at(BF_LOG_ERROR, o->staging, 0, 0, "cannot take the standby tree: %s",
                      strerror(errno));
            if (dir >= 0)
                close(dir);
            return -1;
        }
        fd = openat(dir, BF_OUTPUT_MARKER, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0)
            close(fd);
        close(dir);
        o->staged_dev = st.st_dev;
        o->staged_ino = st.st_ino;
        return 0;
    }
    if (mkdir(o->staging, 0777) < 0 ||
        (dir = open(o->staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
        fstat(dir, &st) < 0 ||
        (fd = openat(dir, BF_OUTPUT_MARKER, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     0666)) < 0 ||
        write(fd, MARKER_TEXT, sizeof MARKER_TEXT - 1) != (ssize_t)sizeof MARKER_TEXT - 1 ||
        close(fd) < 0) {
        bf_log_at(BF_LOG_ERROR, o->staging, 0, 0, "cannot make the staging directory: %s",
                  strerror(errno));
        if (dir >= 0)
            close(dir);
        return -1;
    }
    close(dir);
    o->staged_dev = st.st_dev;
    o->staged_ino = st.st_ino;
    return 0;
}

bool bf_output_published(const bf_output_t *o)
{
    struct stat st;
    return o->staged_ino && lstat(o->path, &st) == 0 && S_ISDIR(st.st_mode) &&
           st.st_dev == o->staged_dev && st.st_ino == o->staged_ino;
}

void bf_output_unstage(const bf_output_t *o)
{
    if (!o->staging[0])
        return;
    if (o->state_fd >= 0) {
        bf_manifest_t m;
        bf_tree_id_t id;
        const char *why;
        bool described = false;
        bf_arena_t *a = bf_arena_create(0);
        for (unsigned k = 0; a && !described && k < BF_MANIFEST_SLOTS; k++) {
            bf_manifest_init(&m, a);
            described = bf_manifest_load(&m, o->state_fd, k, &why) > 0 &&
                        bf_tree_id(AT_FDCWD, o->staging, &id) == 0 &&
                        bf_tree_id_eq(&m.id, &id);
        }
        bf_arena_destroy(a);
        if (described)
            return; /* the next build patches it */
    }
    if (bf_output_remove(o->staging, NULL, NULL) < 0)
        bf_log_at(BF_LOG_WARN, o->staging, 0, 0, "cannot remove: %s", strerror(errno));
}

int bf_output_remove(const char *path, void (*each)(void *), void *arg)
{
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0)
        return errno == ENOENT ? 0 : bf_fs_remove_tree(path); /* not a directory */
    int fd = openat(dir, BF_OUTPUT_MARKER, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0)
        close(fd); /* an empty marker still marks; a failure shows below */
    int rc = 0, saved = 0, walk = dup(dir);
    DIR *d = walk >= 0 ? fdopendir(walk) : NULL;
    if (!d) {
        saved = errno;
        if (walk >= 0)
            close(walk);
        close(dir);
        errno = saved;
        return -1;
    }
    struct dirent *e;
    while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, BF_OUTPUT_MARKER) == 0)
            continue;
        if (each)
            each(arg);
        rc = bf_fs_remove_at(dir, e->d_name);
    }
    if (rc == 0 && errno != 0)
        rc = -1; /* readdir failed */
    saved = errno;
    closedir(d);
    if (rc == 0 && (unlinkat(dir, BF_OUTPUT_MARKER, 0) < 0 && errno != ENOENT))
        rc = -1, saved = errno;
    close(dir);
    if (rc == 0 && rmdir(path) < 0 && errno != ENOENT)
        rc = -1, saved = errno;
    errno = saved;
    return rc;
}

void bf_output_release(bf_output_t *o)
{
    bf_arena_destroy(o->arena);
    o->arena = NULL;
    if (o->lock_fd < 0)
        return;
    unlink(o->lock_path); /* while held: a waiter re-checks the path */
    close(o->lock_fd);
    o->lock_fd = -1;
}

/* The tree of the two that holds src as given, and path too. */
static int lookup_in(const bf_manifest_t *m, const char *src, uint64_t src_size,
                     bf_digest_t src_digest, const char *path, uint64_t *size,
                     bf_digest_t *digest)
{
    const bf_manifest_entry_t *a = bf_manifest_get(m, src, strlen(src));
    const bf_manifest_entry_t *b = a ? bf_manifest_get(m, path, strlen(path)) : NULL;
    if (!a || !b || a->size != src_size || !bf_digest_eq(a->digest, src_digest))
        return 0;
    *size = b->size;
    *digest = b->digest;
    return 1;
}

int bf_output_lookup(const void *ctx, const char *src, uint64_t src_size, bf_digest_t src_digest,
                     const char *path, uint64_t *size, bf_digest_t *digest)
{
    const bf_output_t *o = ctx;
    return (o->has_standby &&
            lookup_in(&o->standby, src, src_size, src_digest, path, size, digest)) ||
           (o->has_published &&
            lookup_in(&o->published, src, src_size, src_digest, path, size, digest));
}
