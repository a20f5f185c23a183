/*
 * shared/fs.c - filesystem helpers and path validation (see fs.h).
 *
 * bf_path_check() is the single rule for site-relative paths; everything
 * that turns user input into a filesystem path goes through it (or through
 * bf_path_join, which applies it), so that no content can name a file
 * outside the output directory.
 *
 * Reads of the site go through bf_fs_open_beneath(): one place decides
 * what "inside the site" means, and the kernel (openat2) enforces it at
 * the moment of the open, so a symlink swapped in after a check cannot
 * lead the build out.
 *
 * Nothing here logs and nothing keeps state.  On failure errno is the one
 * the caller should report; cleanup paths save and restore it.
 */
#include "shared/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int bf_path_check(const char *s, size_t n, const char **why)
{
    const char *msg = NULL;
    int err = EINVAL;

    if (n == 0) {
        msg = "is empty";
    } else if (n >= BF_PATH_MAX) {
        msg = "is too long";
        err = ENAMETOOLONG;
    } else if (memchr(s, '\0', n)) {
        msg = "contains a NUL byte";
    } else if (s[0] == '/') {
        msg = "is absolute";
    } else if (memchr(s, '\\', n)) {
        msg = "contains a backslash";
    } else {
        /* Walk the components; a trailing '/' ends in an empty one. */
        size_t start = 0;
        for (size_t i = 0; i <= n && !msg; i++) {
            if (i < n && s[i] != '/')
                continue;
            size_t len = i - start;
            if (len == 0)
                msg = "contains an empty component";
            else if (len == 1 && s[start] == '.')
                msg = "contains \".\"";
            else if (len == 2 && s[start] == '.' && s[start + 1] == '.')
                msg = "contains \"..\"";
            start = i + 1;
        }
    }
    if (!msg)
        return 0;
    if (why)
        *why = msg;
    errno = err;
    return -1;
}

int bf_path_join(char *out, size_t cap, const char *base, const char *rel)
{
    size_t rlen = strlen(rel);
    if (bf_path_check(rel, rlen, NULL) < 0)
        return -1;

    size_t blen = strlen(base);
    /* A base that already ends in '/' ("/" or "out/") needs no separator. */
    size_t sep = blen > 0 && base[blen - 1] != '/' ? 1 : 0;
    if (blen > SIZE_MAX - sep - rlen - 1 || blen + sep + rlen + 1 > cap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(out, base, blen);
    if (sep)
        out[blen] = '/';
    memcpy(out + blen + sep, rel, rlen + 1);
    return 0;
}

/* 0 if path names a directory (following symlinks, like mkdir -p). */
static int is_dir(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int bf_fs_mkdir_p(const char *path, mode_t mode)
{
    char buf[BF_PATH_MAX];
    size_t n = strlen(path);
    if (n == 0) {
        errno = ENOENT;
        return -1;
    }
    if (n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);

    /* Create each prefix that ends before a '/', then the whole path. */
    for (size_t i = 1; i <= n; i++) {
        if (i < n && buf[i] != '/')
            continue;
        if (i < n && buf[i - 1] == '/')
            continue; /* "a//b": the prefix was already made */
        char saved = buf[i];
        buf[i] = '\0';
        int rc = mkdir(buf, mode);
        if (rc < 0 && errno == EEXIST)
            rc = is_dir(buf);
        buf[i] = saved;
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Opens a new file "<name>.tmp.XXXXXX" in dirfd with O_EXCL.  Done by
 * hand rather than with mkstemp so that the file gets 0666 minus the
 * umask, not 0600: the result is published to a web server. */
static int open_temp(int dirfd, const char *name, char *tmp, size_t cap)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
                 ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)tmp;

    for (int attempt = 0; attempt < 100; attempt++) {
        int n = snprintf(tmp, cap, "%s.tmp.XXXXXX", name);
        if (n < 0 || (size_t)n >= cap) {
            errno = ENAMETOOLONG;
            return -1;
        }
        for (int k = 0; k < 6; k++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            tmp[n - 6 + k] = digits[(x >> 33) % (sizeof digits - 1)];
        }
        int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int bf_fs_write_atomic(const char *path, const void *data, size_t len, int do_sync)
{
    struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
    return bf_fs_write_atomic_iov(path, &iov, 1, do_sync);
}

const char *bf_path_parent(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t dn = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    if (dn >= cap) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    memcpy(dir, !slash ? "." : path, dn);
    dir[dn] = '\0';
    return slash ? slash + 1 : path;
}

/* The path-based form is the _at one on the parent directory, so that
 * there is one implementation of "write beside, fsync, rename". */
int bf_fs_write_atomic_iov(const char *path, const struct iovec *iov, size_t n, int do_sync)
{
    char dir[BF_PATH_MAX];
    const char *name = bf_path_parent(path, dir, sizeof dir);
    if (!name)
        return -1;
    /* fsync needs a real descriptor; renameat is content with O_PATH,
     * which needs no read permission on the directory. */
    int dfd = open(dir, (do_sync ? O_RDONLY : O_PATH) | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int rc = bf_fs_write_atomic_at(dfd, name, iov, n, do_sync);
    int saved = errno;
    close(dfd);
    errno = saved;
    return rc;
}

typedef struct {
    const struct iovec *iov;
    size_t n;
} iov_fill_t;

static int fill_iov(int fd, void *arg)
{
    const iov_fill_t *f = arg;
    for (size_t i = 0; i < f->n; i++)
        if (write_all(fd, f->iov[i].iov_base, f->iov[i].iov_len) < 0)
            return -1;
    return 0;
}

int bf_fs_write_atomic_at(int dirfd, const char *name, const struct iovec *iov, size_t n,
                          int do_sync)
{
    iov_fill_t f = {iov, n};
    return bf_fs_write_atomic_fill_at(dirfd, name, fill_iov, &f, do_sync);
}

int bf_fs_pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    while (n) {
        ssize_t k = pread(fd, buf, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            return -1;
        }
        buf = (char *)buf + k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

int bf_fs_write_all(int fd, const void *data, size_t len)
{
    return write_all(fd, data, len);
}

int bf_fs_copy_range(int out, int in, uint64_t off, uint64_t len)
{
    bool in_kernel = true;
    char buf[1 << 16];
    while (len > 0) {
        size_t want = len < (1u << 30) ? (size_t)len : (1u << 30);
        ssize_t k;
        if (in_kernel) {
            loff_t from = (loff_t)off;
            k = copy_file_range(in, &from, out, NULL, want, 0);
            if (k < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                          errno == EOPNOTSUPP || errno == EBADF)) {
                in_kernel = false; /* another filesystem, or too old a kernel */
                continue;
            }
        } else {
            k = (ssize_t)(want < sizeof buf ? want : sizeof buf);
            if (bf_fs_pread_all(in, buf, (size_t)k, off) < 0 || write_all(out, buf, (size_t)k) < 0)
                return -1;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0) { /* the source is shorter than it should be */
            errno = EIO;
            return -1;
        }
        off += (uint64_t)k;
        len -= (uint64_t)k;
    }
    return 0;
}

int bf_fs_link_atomic_at(int fd, int dirfd, const char *name)
{
    char proc[64], tmp[BF_PATH_MAX];
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        errno = EINVAL;
        return -1;
    }
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    for (unsigned k = 0; k < 100; k++) {
        if (snprintf(tmp, sizeof tmp, "%s.lnk.%ld.%u", name, (long)getpid(), k) >= (int)sizeof tmp) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (linkat(AT_FDCWD, proc, dirfd, tmp, AT_SYMLINK_FOLLOW) == 0) {
            if (renameat(dirfd, tmp, dirfd, name) == 0)
                return 0;
            int e = errno;
            unlinkat(dirfd, tmp, 0);
            errno = e;
            return -1;
        }
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

int bf_fs_write_atomic_fill_at(int dirfd, const char *name, int (*fill)(int fd, void *arg),
                               void *arg, int do_sync)
{
    char tmp[BF_PATH_MAX];
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        errno = EINVAL;
        return -1;
    }
    int fd = open_temp(dirfd, name, tmp, sizeof tmp);
    if (fd < 0)
        return -1;

    if (fill(fd, arg) < 0)
        goto fail;
    if (do_sync && fsync(fd) < 0)
        goto fail;
    int rc = close(fd);
    fd = -1;
    if (rc < 0)
        goto fail;
    if (renameat(dirfd, tmp, dirfd, name) < 0)
        goto fail;
    if (do_sync && fsync(dirfd) < 0)
        return -1; /* the new content is in place, only durability is unsure */
    return 0;

fail:;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    unlinkat(dirfd, tmp, 0);
    errno = saved;
    return -1;
}

/* Appends what fd holds to out; closes fd, also on error. */
int bf_fs_read_fd(int fd, size_t max, bf_buf_t *out)
{
    size_t old_len = out->len;
    struct stat st;
    if (fstat(fd, &st) < 0)
        goto fail;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        goto fail;
    }
    if (max && st.st_size > 0 && (uintmax_t)st.st_size > max) {
        errno = EFBIG;
        goto fail;
    }
    if (st.st_size > 0 && (uintmax_t)st.st_size >= SIZE_MAX / 2) {
        errno = EFBIG;
        goto fail;
    }

    /* The size is a hint: the file may grow or shrink while we read, and
     * /proc or pipes report 0.  Read until EOF, enforcing max as we go. */
    size_t chunk = st.st_size > 0 ? (size_t)st.st_size + 1 : 8192;
    for (;;) {
        if (bf_buf_grow(out, chunk) < 0)
            goto fail;
        ssize_t r = read(fd, out->data + out->len, out->cap - out->len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (r == 0)
            break;
        out->len += (size_t)r;
        out->data[out->len] = '\0';
        if (max && out->len - old_len > max) {
            errno = EFBIG;
            goto fail;
        }
        chunk = 8192;
    }
    close(fd);
    return 0;

fail:;
    int saved = errno;
    close(fd);
    bf_buf_truncate(out, old_len);
    errno = saved;
    return -1;
}

int bf_fs_read_file(const char *path, size_t max, bf_buf_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -1 : bf_fs_read_fd(fd, max, out);
}

int bf_fs_read_file_at(int dirfd, const char *rel, size_t max, bf_buf_t *out)
{
    int fd = bf_fs_open_beneath(dirfd, rel, O_RDONLY, 0);
    return fd < 0 ? -1 : bf_fs_read_fd(fd, max, out);
}

/* Removes name (relative to parent) and, if it is a directory, everything
 * under it.  Directories are opened with O_NOFOLLOW and walked through
 * their descriptors, so a symlink is only ever unlinked, never entered,
 * even if someone swaps a directory for a link while we walk. */
static int remove_at(int parent, const char *name)
{
    if (unlinkat(parent, name, 0) == 0)
        return 0;
    if (errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;

    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (remove_at(fd, e->d_name) < 0) {
            rc = -1;
            break;
        }
        errno = 0;
    }
    if (rc == 0 && errno != 0)
        rc = -1; /* readdir failed */
    int saved = errno;
    closedir(d);
    errno = saved;
    if (rc < 0)
        return -1;
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

int bf_fs_remove_tree(const char *path)
{
    if (path[0] == '\0') {
        errno = ENOENT;
        return -1;
    }
    return remove_at(AT_FDCWD, path);
}

int bf_fs_remove_at(int dirfd, const char *name)
{
    return remove_at(dirfd, name);
}

/* ---- opening beneath a directory ---- */

/* Is the component s[0..n) ".."? */
static bool is_dotdot(const char *s, size_t n)
{
    return n == 2 && s[0] == '.' && s[1] == '.';
}

/* EXDEV for an absolute rel or a ".." component: both would name
 * something outside dirfd (or, for "a/../b", something a clean path
 * names without the detour).  0 otherwise. */
static int lexically_beneath(const char *rel)
{
    if (rel[0] == '/') {
        errno = EXDEV;
        return -1;
    }
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (is_dotdot(p, n)) {
            errno = EXDEV;
            return -1;
        }
        p += n;
        p += *p == '/';
    }
    return 0;
}

int bf_fs_open_beneath_walk(int dirfd, const char *rel, int flags, mode_t mode)
{
    char buf[BF_PATH_MAX];
    size_t len = strlen(rel);
    if (lexically_beneath(rel) < 0)
        return -1;
    if (len >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, rel, len + 1);

    /* cur is dirfd (not ours) or a directory we opened on the way. */
    int cur = dirfd, fd = -1;
    char *p = buf;
    for (;;) {
        while (*p == '/')
            p++;
        char *end = p + strcspn(p, "/");
        char *next = end;
        while (*next == '/')
            next++;
        bool last = *next == '\0';
        bool dir_wanted = *end == '/'; /* "a/" must be a directory */
        *end = '\0';
        if (*p == '\0' || strcmp(p, ".") == 0) {
            if (last) {
                fd = openat(cur, ".", flags | O_CLOEXEC, mode);
                break;
            }
            p = next;
            continue;
        }
        if (!last) {
            /* O_PATH | O_NOFOLLOW opens a symlink itself rather than
             * failing, so fstat can tell a link (ELOOP) from a file on the
             * way (ENOTDIR). */
            fd = openat(cur, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        } else {
            fd = openat(cur, p, flags | (dir_wanted ? O_DIRECTORY : 0) | O_NOFOLLOW | O_CLOEXEC,
                        mode);
            if (fd < 0 && errno == ENOTDIR) {
                /* O_DIRECTORY | O_NOFOLLOW on a symlink says ENOTDIR. */
                struct stat st;
                if (fstatat(cur, p, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                    errno = ELOOP;
            }
        }
        if (fd >= 0 && (!last || (flags & O_PATH))) {
            struct stat st;
            int err = 0;
            if (fstat(fd, &st) < 0)
                err = errno;
            else if (S_ISLNK(st.st_mode))
                err = ELOOP;
            else if (!last && !S_ISDIR(st.st_mode))
                err = ENOTDIR;
            if (err) {
                close(fd);
                fd = -1;
                errno = err;
            }
        }
        if (last || fd < 0)
            break;
        if (cur != dirfd)
            close(cur);
        cur = fd;
        fd = -1;
        p = next;
    }
    if (cur != dirfd) {
        int saved = errno;
        close(cur);
        errno = saved;
    }
    return fd;
}

int bf_fs_open_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
    if (lexically_beneath(rel) < 0)
        return -1;
    if (!*rel)
        rel = ".";
    struct open_how how = {
        .flags = (uint64_t)(unsigned)(flags | O_CLOEXEC),
        /* openat2 refuses a mode without O_CREAT / O_TMPFILE. */
        .mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    /* EAGAIN: a rename or mount raced with a ".." step; the kernel asks
     * for a retry rather than guess. */
    for (int attempt = 0; attempt < 8; attempt++) {
        long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
        if (fd >= 0)
            return (int)fd;
        if (errno == ENOSYS || errno == EPERM) {
            /* EPERM is also what a seccomp filter says; a real permission
             * problem comes back from the walk as EACCES or EPERM again. */
            return bf_fs_open_beneath_walk(dirfd, rel, flags, mode);
        }
        if (errno != EAGAIN)
            return -1;
    }
    return -1;
}

const char *bf_fs_beneath_why(int err)
{
    if (err == EXDEV)
        return "a symlink on the path leads outside the site, or is absolute";
    if (err == ELOOP)
        return "a symlink on the path loops, or symlinks cannot be checked on this system "
               "(no openat2)";
    return strerror(err);
}

DIR *bf_fs_opendir_at(int dirfd, const char *rel)
{
    int fd = bf_fs_open_beneath(dirfd, rel, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    return d;
}

int bf_fs_stat_at(int dirfd, const char *rel, struct stat *st)
{
    int fd = bf_fs_open_beneath(dirfd, rel, O_PATH, 0);
    if (fd < 0)
        return -1;
    int rc = fstat(fd, st);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}
