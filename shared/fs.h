/*
 * shared/fs.h - filesystem helpers and path validation.
 *
 * Site-relative paths (content paths, URLs turned into output paths, slugs)
 * are validated here, in one place: bf_path_check() is the rule, and
 * bf_path_join() applies it before joining.  A valid relative path is
 * non-empty, has no NUL, does not start with '/', has no "." or ".."
 * component, no empty component ("a//b"), no backslash, and is at most
 * BF_PATH_MAX - 1 bytes.
 *
 * Reading a site goes through one resolution rule too:
 * bf_fs_open_beneath() and the *_at functions built on it open a path
 * relative to a directory descriptor (the site root) and refuse to leave
 * it, whatever the symlinks on the way say.  A symlink that stays inside
 * (content/b.md -> a.md, or -> ../shared/a.md) is followed.
 *
 * Errors: functions return 0, or -1 with errno set (EINVAL for a path that
 * breaks the rule, ENAMETOOLONG, EFBIG for a file over the size limit,
 * EXDEV and ELOOP for a path refused by bf_fs_open_beneath, or the errno
 * of the failing system call).  They do not log: the caller knows which
 * file the user should hear about.
 */
#ifndef BF_SHARED_FS_H
#define BF_SHARED_FS_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "shared/buf.h"

#define BF_PATH_MAX 4096

/* 0 when s[0..n) is a valid relative path as described above; else -1 and,
 * if why is not NULL, a static string saying what is wrong
 * ("contains \"..\"", "is absolute", "contains a NUL byte", ...). */
int bf_path_check(const char *s, size_t n, const char **why);

/* out = base + "/" + rel, after bf_path_check(rel).  base may be "" (then
 * out = rel).  cap is the size of out including the NUL. */
int bf_path_join(char *out, size_t cap, const char *base, const char *rel);

/* The directory holding path, into dir (cap bytes): "." for "a", "/" for
 * "/a", "x/y" for "x/y/a".  Returns path's last component, or NULL with
 * ENAMETOOLONG when the directory does not fit. */
const char *bf_path_parent(const char *path, char *dir, size_t cap);

/* mkdir -p; existing directories are fine, an existing non-directory is
 * ENOTDIR. */
int bf_fs_mkdir_p(const char *path, mode_t mode);

/* Writes len bytes to path atomically: a temporary file in the same
 * directory, fsync'd if do_sync, then rename(2) over path.  On error the
 * temporary is removed and path is untouched. */
int bf_fs_write_atomic(const char *path, const void *data, size_t len, int do_sync);
/* The same for a file made of n pieces, written in order (no copy into one
 * buffer first: the snapshot writer hands its tables over as they are). */
int bf_fs_write_atomic_iov(const char *path, const struct iovec *iov, size_t n, int do_sync);

/* Appends the whole file to out.  Files larger than max bytes fail with
 * EFBIG before anything is read (max 0: no limit). */
int bf_fs_read_file(const char *path, size_t max, bf_buf_t *out);
/* The same for a descriptor already open (read from where it stands);
 * fd is closed, whatever happens. */
int bf_fs_read_fd(int fd, size_t max, bf_buf_t *out);

/* rm -rf, not following symlinks; a missing path is success. */
int bf_fs_remove_tree(const char *path);
/* The same for the entry name of the open directory dirfd. */
int bf_fs_remove_at(int dirfd, const char *name);

/*
 * Opens rel beneath the directory dirfd: openat(dirfd, rel, flags, mode),
 * except that the path may not leave dirfd.  openat2(2) with
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS does the resolution: a ".."
 * that climbs above dirfd, an absolute rel, an absolute symlink (even one
 * that points back inside: the site must be movable) and a relative
 * symlink that resolves outside all fail with EXDEV.  Symlinks that stay
 * inside are followed, the last component too unless flags has
 * O_NOFOLLOW.  A ".." component in rel itself is EXDEV even when it would
 * stay inside: callers pass clean site-relative paths.  "" and "." open
 * dirfd itself.  O_CLOEXEC is always added; mode is used with O_CREAT.
 *
 * Where openat2 is missing (Linux before 5.6: ENOSYS) or filtered
 * (seccomp: EPERM), it falls back to bf_fs_open_beneath_walk().
 *
 * Returns the new descriptor, or -1 with errno: EXDEV (leaves dirfd),
 * ELOOP (a symlink loop; in the fallback, any symlink), EAGAIN (a rename
 * raced with the lookup several times in a row), or openat's errors.
 */
int bf_fs_open_beneath(int dirfd, const char *rel, int flags, mode_t mode);
/* The fallback, exposed so that tests can run it on any kernel: walks rel
 * one component at a time with O_NOFOLLOW and refuses every symlink
 * (ELOOP), inside or not, and every ".." and absolute rel (EXDEV). */
int bf_fs_open_beneath_walk(int dirfd, const char *rel, int flags, mode_t mode);

/* What a failed beneath-open means, for the user, as the end of "cannot
 * read: %s": "a symlink on the path leads outside the site, or is
 * absolute" for EXDEV, a symlink loop (or, without openat2, a symlink at
 * all) for ELOOP, and strerror(err) for anything else.  Static strings. */
const char *bf_fs_beneath_why(int err);

/* bf_fs_read_file() of rel beneath dirfd. */
int bf_fs_read_file_at(int dirfd, const char *rel, size_t max, bf_buf_t *out);
/* opendir() of rel beneath dirfd; the DIR owns the descriptor it opened
 * (closedir closes it).  NULL with errno as for bf_fs_open_beneath. */
DIR *bf_fs_opendir_at(int dirfd, const char *rel);
/* stat() of rel beneath dirfd: the target's, symlinks (inside) followed. */
int bf_fs_stat_at(int dirfd, const char *rel, struct stat *st);

/* bf_fs_write_atomic_iov() of the file name in the directory dirfd: name
 * is one component (no '/', not "." or "..": else EINVAL).  The temporary
 * is made with O_EXCL | O_NOFOLLOW beside it and renamed over name, so a
 * symlink already at name is replaced, never written through.  do_sync
 * also fsyncs dirfd, which must then not be an O_PATH descriptor. */
int bf_fs_write_atomic_at(int dirfd, const char *name, const struct iovec *iov, size_t n,
                          int do_sync);
/* bf_fs_write_atomic_at() with the content written by fill(fd, arg) into
 * the temporary (0, or -1 with errno set: nothing is renamed). */
int bf_fs_write_atomic_fill_at(int dirfd, const char *name, int (*fill)(int fd, void *arg),
                               void *arg, int do_sync);
/* Gives the open file fd (an O_TMPFILE, or any file) the name name in
 * dirfd, replacing what was there atomically (a link beside it, renamed
 * over it).  Needs /proc (the link is made through /proc/self/fd).  0,
 * or -1 with errno. */
int bf_fs_link_atomic_at(int fd, int dirfd, const char *name);
/* pread() of exactly n bytes at off, again after EINTR and short reads.
 * 0, or -1 with errno (EIO: the file ends first). */
int bf_fs_pread_all(int fd, void *buf, size_t n, uint64_t off);
/* write() of all len bytes, again after EINTR and short writes.  0 or -1. */
int bf_fs_write_all(int fd, const void *data, size_t len);
/* Appends len bytes of in from offset off to out (at its file position):
 * copy_file_range, in the kernel (a reflink where the filesystem shares
 * extents), else through a buffer.  0, or -1 with errno (EIO: in ends
 * before off + len). */
int bf_fs_copy_range(int out, int in, uint64_t off, uint64_t len);

#endif
