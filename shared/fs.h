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
 * Errors: functions return 0, or -1 with errno set (EINVAL for a path that
 * breaks the rule, ENAMETOOLONG, EFBIG for a file over the size limit, or
 * the errno of the failing system call).  They do not log: the caller knows
 * which file the user should hear about.
 */
#ifndef BF_SHARED_FS_H
#define BF_SHARED_FS_H

#include <stddef.h>
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

/* rm -rf, not following symlinks; a missing path is success. */
int bf_fs_remove_tree(const char *path);

#endif
