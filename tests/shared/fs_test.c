/*
 * tests/shared/fs_test.c - path rule, join, mkdir -p, atomic writes,
 * bounded reads, and rm -rf that never follows symlinks.  Real files in a
 * fresh temporary directory per test.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/fs.h"

static char tmpdir[64];

static void make_tmp(void)
{
    strcpy(tmpdir, "/tmp/bf-fs-test-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmp(void)
{
    /* Plain system rm, independent of the code under test. */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    (void)system(cmd);
}

static char *tpath(const char *rel)
{
    static char buf[4][512];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 512, "%s/%s", tmpdir, rel);
    return p;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* ---- bf_path_check ---- */

static int check(const char *s)
{
    return bf_path_check(s, strlen(s), NULL);
}

Test(path, valid_paths)
{
    const char *ok[] = {"a", "a/b", "docs/intro/index.html", ".hidden", "a/.b",
                        "..a", "a..", "a/...", "x.y/z"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        cr_assert_eq(check(ok[i]), 0, "%s", ok[i]);
}

Test(path, invalid_paths)
{
    const char *bad[] = {"../x", "a/../b", "/abs", "a//b", "a\\b", ".", "", "a/./b",
                         "x/", "..", "a/..", "./a", "/", "a/.", "//"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *why = NULL;
        errno = 0;
        cr_assert_eq(bf_path_check(bad[i], strlen(bad[i]), &why), -1, "%s", bad[i]);
        cr_assert_not_null(why, "%s", bad[i]);
        cr_assert_eq(errno, EINVAL, "%s", bad[i]);
    }
}

Test(path, reasons)
{
    const char *why;
    cr_assert_eq(bf_path_check("a/../b", 6, &why), -1);
    cr_assert_str_eq(why, "contains \"..\"");
    cr_assert_eq(bf_path_check("/abs", 4, &why), -1);
    cr_assert_str_eq(why, "is absolute");
    cr_assert_eq(bf_path_check("a\0b", 3, &why), -1);
    cr_assert_str_eq(why, "contains a NUL byte");
    cr_assert_eq(bf_path_check("a//b", 4, &why), -1);
    cr_assert_str_eq(why, "contains an empty component");
    cr_assert_eq(bf_path_check("a/./b", 5, &why), -1);
    cr_assert_str_eq(why, "contains \".\"");
    cr_assert_eq(bf_path_check("", 0, &why), -1);
    cr_assert_str_eq(why, "is empty");
    cr_assert_eq(bf_path_check("a\\b", 3, &why), -1);
    cr_assert_str_eq(why, "contains a backslash");
}

Test(path, only_n_bytes_are_checked)
{
    /* "a/b" followed by garbage outside the given length. */
    cr_assert_eq(bf_path_check("a/b/../..", 3, NULL), 0);
    cr_assert_eq(bf_path_check("a/b\0", 4, NULL), -1);
}

Test(path, length_limit)
{
    char *s = malloc(BF_PATH_MAX + 1);
    memset(s, 'a', BF_PATH_MAX);
    s[BF_PATH_MAX] = '\0';
    errno = 0;
    cr_assert_eq(bf_path_check(s, BF_PATH_MAX, NULL), -1);
    cr_assert_eq(errno, ENAMETOOLONG);
    cr_assert_eq(bf_path_check(s, BF_PATH_MAX - 1, NULL), 0);
    free(s);
}

/* ---- bf_path_join ---- */

Test(path, join)
{
    char out[32];
    cr_assert_eq(bf_path_join(out, sizeof out, "public", "docs/a.html"), 0);
    cr_assert_str_eq(out, "public/docs/a.html");
    cr_assert_eq(bf_path_join(out, sizeof out, "", "x/y"), 0);
    cr_assert_str_eq(out, "x/y");
    cr_assert_eq(bf_path_join(out, sizeof out, "out/", "x"), 0);
    cr_assert_str_eq(out, "out/x");
    cr_assert_eq(bf_path_join(out, sizeof out, "/", "x"), 0);
    cr_assert_str_eq(out, "/x");
    errno = 0;
    cr_assert_eq(bf_path_join(out, sizeof out, "public", "../etc/passwd"), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(bf_path_join(out, sizeof out, "public", "/etc"), -1);
}

Test(path, join_exact_capacity)
{
    char out[8];
    cr_assert_eq(bf_path_join(out, 8, "abc", "def"), 0); /* 7 + NUL */
    cr_assert_str_eq(out, "abc/def");
    errno = 0;
    cr_assert_eq(bf_path_join(out, 7, "abc", "def"), -1);
    cr_assert_eq(errno, ENAMETOOLONG);
}

/* ---- bf_fs_mkdir_p ---- */

Test(fs, mkdir_p_nested_and_existing, .init = make_tmp, .fini = remove_tmp)
{
    struct stat st;
    cr_assert_eq(bf_fs_mkdir_p(tpath("a/b/c/d"), 0755), 0);
    cr_assert_eq(stat(tpath("a/b/c/d"), &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    /* Existing: fine, also with a trailing slash and doubled slashes. */
    cr_assert_eq(bf_fs_mkdir_p(tpath("a/b/c/d"), 0755), 0);
    cr_assert_eq(bf_fs_mkdir_p(tpath("a/b/"), 0755), 0);
    cr_assert_eq(bf_fs_mkdir_p(tpath("a//b//e"), 0755), 0);
    cr_assert_eq(stat(tpath("a/b/e"), &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
}

Test(fs, mkdir_p_over_file_is_enotdir, .init = make_tmp, .fini = remove_tmp)
{
    write_file(tpath("f"), "x");
    errno = 0;
    cr_assert_eq(bf_fs_mkdir_p(tpath("f"), 0755), -1);
    cr_assert_eq(errno, ENOTDIR);
    errno = 0;
    cr_assert_eq(bf_fs_mkdir_p(tpath("f/sub"), 0755), -1);
    cr_assert_eq(errno, ENOTDIR);
}

/* ---- bf_fs_write_atomic ---- */

Test(fs, write_atomic_creates_and_replaces, .init = make_tmp, .fini = remove_tmp)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_fs_write_atomic(tpath("out.html"), "first", 5, 0), 0);
    cr_assert_eq(bf_fs_read_file(tpath("out.html"), 0, &b), 0);
    cr_assert_str_eq(b.data, "first");

    cr_assert_eq(bf_fs_write_atomic(tpath("out.html"), "second!", 7, 1), 0);
    bf_buf_reset(&b);
    cr_assert_eq(bf_fs_read_file(tpath("out.html"), 0, &b), 0);
    cr_assert_str_eq(b.data, "second!");
    cr_assert_eq(b.len, 7);

    /* Empty content is a valid file. */
    cr_assert_eq(bf_fs_write_atomic(tpath("empty"), "", 0, 0), 0);
    struct stat st;
    cr_assert_eq(stat(tpath("empty"), &st), 0);
    cr_assert_eq(st.st_size, 0);

    /* No temporaries left behind. */
    cr_assert_eq(count_entries(tmpdir), 2);
    bf_buf_free(&b);
}

Test(fs, write_atomic_mode_follows_umask, .init = make_tmp, .fini = remove_tmp)
{
    mode_t old = umask(022);
    cr_assert_eq(bf_fs_write_atomic(tpath("m"), "x", 1, 0), 0);
    umask(old);
    struct stat st;
    cr_assert_eq(stat(tpath("m"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0644);
}

Test(fs, write_atomic_error_leaves_nothing, .init = make_tmp, .fini = remove_tmp)
{
    /* The target is a non-empty directory: rename fails after writing. */
    cr_assert_eq(mkdir(tpath("d"), 0755), 0);
    write_file(tpath("d/keep"), "k");
    errno = 0;
    cr_assert_eq(bf_fs_write_atomic(tpath("d"), "data", 4, 0), -1);
    cr_assert_neq(errno, 0);
    cr_assert_eq(count_entries(tmpdir), 1);
    cr_assert_eq(count_entries(tpath("d")), 1);

    /* Missing directory: the temporary cannot even be created. */
    errno = 0;
    cr_assert_eq(bf_fs_write_atomic(tpath("nope/x"), "data", 4, 0), -1);
    cr_assert_eq(errno, ENOENT);
}

/* ---- bf_fs_read_file ---- */

Test(fs, read_file_appends, .init = make_tmp, .fini = remove_tmp)
{
    write_file(tpath("a"), "hello\n");
    bf_buf_t b = BF_BUF_INIT;
    bf_buf_puts(&b, ">");
    cr_assert_eq(bf_fs_read_file(tpath("a"), 6, &b), 0); /* exactly max */
    cr_assert_str_eq(b.data, ">hello\n");
    cr_assert_eq(b.len, 7);
    bf_buf_free(&b);
}

Test(fs, read_file_too_big, .init = make_tmp, .fini = remove_tmp)
{
    write_file(tpath("big"), "0123456789");
    bf_buf_t b = BF_BUF_INIT;
    bf_buf_puts(&b, "keep");
    errno = 0;
    cr_assert_eq(bf_fs_read_file(tpath("big"), 9, &b), -1);
    cr_assert_eq(errno, EFBIG);
    cr_assert_str_eq(b.data, "keep"); /* unchanged */
    cr_assert_eq(b.len, 4);
    bf_buf_free(&b);
}

Test(fs, read_file_large_and_errors, .init = make_tmp, .fini = remove_tmp)
{
    size_t n = 1 << 20;
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 7);
    cr_assert_eq(bf_fs_write_atomic(tpath("bin"), data, n, 0), 0);
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_fs_read_file(tpath("bin"), 0, &b), 0);
    cr_assert_eq(b.len, n);
    cr_assert_eq(memcmp(b.data, data, n), 0);
    free(data);

    bf_buf_reset(&b);
    errno = 0;
    cr_assert_eq(bf_fs_read_file(tpath("missing"), 0, &b), -1);
    cr_assert_eq(errno, ENOENT);
    errno = 0;
    cr_assert_eq(bf_fs_read_file(tmpdir, 0, &b), -1);
    cr_assert_eq(errno, EISDIR);
    cr_assert_eq(b.len, 0);
    bf_buf_free(&b);
}

Test(fs, read_file_without_size, .init = make_tmp, .fini = remove_tmp)
{
    /* A pipe reports size 0: max still applies while reading. */
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], "abcdefgh", 8), 8);
    close(p[1]);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
    bf_buf_t b = BF_BUF_INIT;
    errno = 0;
    cr_assert_eq(bf_fs_read_file(path, 5, &b), -1);
    cr_assert_eq(errno, EFBIG);
    cr_assert_eq(b.len, 0);
    close(p[0]);

    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], "abc", 3), 3);
    close(p[1]);
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
    cr_assert_eq(bf_fs_read_file(path, 5, &b), 0);
    cr_assert_str_eq(b.data, "abc");
    close(p[0]);
    bf_buf_free(&b);
}

/* ---- bf_fs_remove_tree ---- */

Test(fs, remove_tree_nested_not_following_symlinks, .init = make_tmp, .fini = remove_tmp)
{
    cr_assert_eq(bf_fs_mkdir_p(tpath("tree/a/b/c"), 0755), 0);
    cr_assert_eq(bf_fs_mkdir_p(tpath("tree/empty"), 0755), 0);
    write_file(tpath("tree/top.txt"), "1");
    write_file(tpath("tree/a/b/c/deep.txt"), "2");
    write_file(tpath("tree/a/mid.txt"), "3");
    /* A directory outside the tree, reached through a symlink inside it. */
    cr_assert_eq(bf_fs_mkdir_p(tpath("outside/sub"), 0755), 0);
    write_file(tpath("outside/precious.txt"), "keep");
    write_file(tpath("outside/sub/also.txt"), "keep");
    cr_assert_eq(symlink(tpath("outside"), tpath("tree/a/link")), 0);
    cr_assert_eq(symlink(tpath("outside/precious.txt"), tpath("tree/flink")), 0);
    cr_assert_eq(symlink("/nonexistent/dangling", tpath("tree/dangling")), 0);

    cr_assert_eq(bf_fs_remove_tree(tpath("tree")), 0);

    struct stat st;
    errno = 0;
    cr_assert_eq(lstat(tpath("tree"), &st), -1);
    cr_assert_eq(errno, ENOENT);
    cr_assert_eq(stat(tpath("outside/precious.txt"), &st), 0);
    cr_assert_eq(stat(tpath("outside/sub/also.txt"), &st), 0);
    cr_assert_eq(count_entries(tpath("outside")), 2);
}

Test(fs, remove_tree_on_symlink_removes_only_link, .init = make_tmp, .fini = remove_tmp)
{
    cr_assert_eq(bf_fs_mkdir_p(tpath("target"), 0755), 0);
    write_file(tpath("target/f"), "x");
    cr_assert_eq(symlink(tpath("target"), tpath("link")), 0);
    cr_assert_eq(bf_fs_remove_tree(tpath("link")), 0);
    struct stat st;
    cr_assert_eq(lstat(tpath("link"), &st), -1);
    cr_assert_eq(stat(tpath("target/f"), &st), 0);
}

Test(fs, remove_tree_missing_and_file, .init = make_tmp, .fini = remove_tmp)
{
    cr_assert_eq(bf_fs_remove_tree(tpath("not-there")), 0);
    write_file(tpath("plain"), "x");
    cr_assert_eq(bf_fs_remove_tree(tpath("plain")), 0);
    cr_assert_eq(count_entries(tmpdir), 0);
}

/* ---- bf_fs_open_beneath and the *_at readers ---- */

/* tmpdir/site with site/a.txt, site/sub/b.txt, and outside/secret.txt
 * beside it; returns an O_DIRECTORY descriptor of site. */
static int make_site(void)
{
    cr_assert_eq(bf_fs_mkdir_p(tpath("site/sub"), 0755), 0);
    cr_assert_eq(bf_fs_mkdir_p(tpath("outside"), 0755), 0);
    write_file(tpath("site/a.txt"), "inside a");
    write_file(tpath("site/sub/b.txt"), "inside b");
    write_file(tpath("outside/secret.txt"), "secret");
    int fd = open(tpath("site"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert(fd >= 0);
    return fd;
}

/* Reads rel beneath root with open (the kernel path or the walk). */
static int read_with(int (*open_fn)(int, const char *, int, mode_t), int root, const char *rel,
                     char *out, size_t cap)
{
    int fd = open_fn(root, rel, O_RDONLY, 0);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, out, cap - 1);
    close(fd);
    out[n < 0 ? 0 : n] = '\0';
    return 0;
}

static void expect_refused(int (*open_fn)(int, const char *, int, mode_t), int root,
                           const char *rel, int want)
{
    char buf[64];
    errno = 0;
    cr_assert_eq(read_with(open_fn, root, rel, buf, sizeof buf), -1, "%s was opened", rel);
    cr_assert_eq(errno, want, "%s: errno %d (%s), want %d", rel, errno, strerror(errno), want);
}

Test(beneath, plain_files_and_inside_symlinks, .init = make_tmp, .fini = remove_tmp)
{
    int root = make_site();
    char buf[64];
    cr_assert_eq(symlink("a.txt", tpath("site/link.txt")), 0);
    cr_assert_eq(symlink("../a.txt", tpath("site/sub/up.txt")), 0);
    cr_assert_eq(symlink("sub", tpath("site/subdir")), 0);

    cr_assert_eq(read_with(bf_fs_open_beneath, root, "a.txt", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "inside a");
    cr_assert_eq(read_with(bf_fs_open_beneath, root, "sub/b.txt", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "inside b");
    cr_assert_eq(read_with(bf_fs_open_beneath, root, "link.txt", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "inside a");
    cr_assert_eq(read_with(bf_fs_open_beneath, root, "sub/up.txt", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "inside a");
    cr_assert_eq(read_with(bf_fs_open_beneath, root, "subdir/b.txt", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "inside b");
    errno = 0;
    cr_assert_eq(bf_fs_open_beneath(root, "missing", O_RDONLY, 0), -1);
    cr_assert_eq(errno, ENOENT);
    close(root);
}

Test(beneath, symlinks_out_dotdot_and_absolute_are_exdev, .init = make_tmp, .fini = remove_tmp)
{
    int root = make_site();
    cr_assert_eq(symlink("../outside/secret.txt", tpath("site/rel-out.txt")), 0);
    cr_assert_eq(symlink(tpath("outside/secret.txt"), tpath("site/abs-out.txt")), 0);
    /* Absolute even though it points inside: the site must be movable. */
    cr_assert_eq(symlink(tpath("site/a.txt"), tpath("site/abs-in.txt")), 0);
    cr_assert_eq(symlink("../../outside", tpath("site/sub/dir-out")), 0);
    cr_assert_eq(symlink("/etc", tpath("site/etc")), 0);

    expect_refused(bf_fs_open_beneath, root, "rel-out.txt", EXDEV);
    expect_refused(bf_fs_open_beneath, root, "abs-out.txt", EXDEV);
    expect_refused(bf_fs_open_beneath, root, "abs-in.txt", EXDEV);
    expect_refused(bf_fs_open_beneath, root, "sub/dir-out/secret.txt", EXDEV);
    expect_refused(bf_fs_open_beneath, root, "etc/passwd", EXDEV);
    expect_refused(bf_fs_open_beneath, root, "../outside/secret.txt", EXDEV);
    expect_refused(bf_fs_open_beneath, root, "sub/../a.txt", EXDEV);
    expect_refused(bf_fs_open_beneath, root, tpath("site/a.txt"), EXDEV);
    close(root);
}

Test(beneath, empty_and_dot_open_the_directory, .init = make_tmp, .fini = remove_tmp)
{
    int root = make_site();
    struct stat a, b;
    cr_assert_eq(fstat(root, &a), 0);
    for (int walk = 0; walk < 2; walk++) {
        int (*fn)(int, const char *, int, mode_t) =
            walk ? bf_fs_open_beneath_walk : bf_fs_open_beneath;
        for (int k = 0; k < 2; k++) {
            int fd = fn(root, k ? "." : "", O_RDONLY | O_DIRECTORY, 0);
            cr_assert(fd >= 0, "%s", strerror(errno));
            cr_assert_eq(fstat(fd, &b), 0);
            cr_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
            cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
            close(fd);
        }
    }
    close(root);
}

/* The fallback for kernels without openat2: no symlink at all. */
Test(beneath, walk_refuses_every_symlink, .init = make_tmp, .fini = remove_tmp)
{
    int root = make_site();
    char buf[64];
    cr_assert_eq(symlink("a.txt", tpath("site/link.txt")), 0);
    cr_assert_eq(symlink("sub", tpath("site/subdir")), 0);
    cr_assert_eq(symlink("../outside/secret.txt", tpath("site/out.txt")), 0);

    cr_assert_eq(read_with(bf_fs_open_beneath_walk, root, "a.txt", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "inside a");
    cr_assert_eq(read_with(bf_fs_open_beneath_walk, root, "sub/b.txt", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "inside b");
    cr_assert_eq(read_with(bf_fs_open_beneath_walk, root, "./sub//b.txt", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "inside b");

    expect_refused(bf_fs_open_beneath_walk, root, "link.txt", ELOOP);
    expect_refused(bf_fs_open_beneath_walk, root, "out.txt", ELOOP);
    expect_refused(bf_fs_open_beneath_walk, root, "subdir/b.txt", ELOOP);
    expect_refused(bf_fs_open_beneath_walk, root, "../outside/secret.txt", EXDEV);
    expect_refused(bf_fs_open_beneath_walk, root, "sub/../a.txt", EXDEV);
    expect_refused(bf_fs_open_beneath_walk, root, tpath("site/a.txt"), EXDEV);
    expect_refused(bf_fs_open_beneath_walk, root, "a.txt/x", ENOTDIR);
    expect_refused(bf_fs_open_beneath_walk, root, "nope/x", ENOENT);

    /* O_PATH and O_DIRECTORY would open or misname a last-component link. */
    errno = 0;
    cr_assert_eq(bf_fs_open_beneath_walk(root, "link.txt", O_PATH, 0), -1);
    cr_assert_eq(errno, ELOOP);
    errno = 0;
    cr_assert_eq(bf_fs_open_beneath_walk(root, "subdir", O_RDONLY | O_DIRECTORY, 0), -1);
    cr_assert_eq(errno, ELOOP);
    int fd = bf_fs_open_beneath_walk(root, "sub", O_RDONLY | O_DIRECTORY, 0);
    cr_assert(fd >= 0);
    cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
    close(root);
}

Test(beneath, read_stat_opendir_at, .init = make_tmp, .fini = remove_tmp)
{
    int root = make_site();
    cr_assert_eq(symlink("sub/b.txt", tpath("site/b-link")), 0);
    cr_assert_eq(symlink("../outside", tpath("site/out")), 0);
    bf_buf_t b = BF_BUF_INIT;

    cr_assert_eq(bf_fs_read_file_at(root, "b-link", 0, &b), 0);
    cr_assert_str_eq(b.data, "inside b");
    bf_buf_reset(&b);
    errno = 0;
    cr_assert_eq(bf_fs_read_file_at(root, "out/secret.txt", 0, &b), -1);
    cr_assert_eq(errno, EXDEV);
    cr_assert_eq(b.len, 0);
    errno = 0;
    cr_assert_eq(bf_fs_read_file_at(root, "a.txt", 3, &b), -1);
    cr_assert_eq(errno, EFBIG);

    struct stat st;
    cr_assert_eq(bf_fs_stat_at(root, "b-link", &st), 0);
    cr_assert(S_ISREG(st.st_mode)); /* the target's */
    cr_assert_eq(st.st_size, 8);
    errno = 0;
    cr_assert_eq(bf_fs_stat_at(root, "out", &st), -1);
    cr_assert_eq(errno, EXDEV);

    DIR *d = bf_fs_opendir_at(root, "sub");
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    cr_assert_eq(n, 1);
    errno = 0;
    cr_assert_null(bf_fs_opendir_at(root, "out"));
    cr_assert_eq(errno, EXDEV);
    errno = 0;
    cr_assert_null(bf_fs_opendir_at(root, "a.txt"));
    cr_assert_eq(errno, ENOTDIR);
    bf_buf_free(&b);
    close(root);
}

Test(beneath, why)
{
    cr_assert(strstr(bf_fs_beneath_why(EXDEV), "outside the site"));
    cr_assert(strstr(bf_fs_beneath_why(ELOOP), "symlink"));
    cr_assert_str_eq(bf_fs_beneath_why(ENOENT), strerror(ENOENT));
}

/* ---- bf_fs_write_atomic_at ---- */

Test(fs, write_atomic_at_replaces_a_symlink, .init = make_tmp, .fini = remove_tmp)
{
    int root = make_site();
    cr_assert_eq(symlink("../outside/secret.txt", tpath("site/out.html")), 0);
    struct iovec iov[2] = {{.iov_base = "new ", .iov_len = 4}, {.iov_base = "page", .iov_len = 4}};

    cr_assert_eq(bf_fs_write_atomic_at(root, "out.html", iov, 2, 1), 0);
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_fs_read_file(tpath("site/out.html"), 0, &b), 0);
    cr_assert_str_eq(b.data, "new page");
    struct stat st;
    cr_assert_eq(lstat(tpath("site/out.html"), &st), 0);
    cr_assert(S_ISREG(st.st_mode)); /* the link was replaced ... */
    bf_buf_reset(&b);
    cr_assert_eq(bf_fs_read_file(tpath("outside/secret.txt"), 0, &b), 0);
    cr_assert_str_eq(b.data, "secret"); /* ... not written through */

    errno = 0;
    cr_assert_eq(bf_fs_write_atomic_at(root, "sub/x", iov, 2, 0), -1);
    cr_assert_eq(errno, EINVAL);
    errno = 0;
    cr_assert_eq(bf_fs_write_atomic_at(root, "..", iov, 2, 0), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(count_entries(tpath("site")), 3); /* a.txt sub out.html: no temporary */
    bf_buf_free(&b);
    close(root);
}
