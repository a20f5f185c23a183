/*
 * tests/shared/cachefile_test.c - the state directory's file envelope
 * (shared/cachefile.h): written whole or as a stream, read back, and what
 * a failed write leaves.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/cachefile.h"
#include "shared/fs.h"

#define KIND BF_CACHE_KIND('T', 'E', 'S', 'T')

static char dir[64];
static int dfd = -1;

static void setup(void)
{
    strcpy(dir, "/tmp/bf-cachefile-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(dfd, 0);
}

static void teardown(void)
{
    if (dfd >= 0)
        close(dfd);
    bf_fs_remove_tree(dir);
}

TestSuite(cachefile, .init = setup, .fini = teardown);

/* Byte i of the test payload. */
static unsigned char byte_at(size_t i)
{
    return (unsigned char)(i * 2654435761u >> 13);
}

/* Puts the payload [0, total) in pieces of growing size: small ones, ones
 * across the stream's 1 MiB chunk, one of several MiB at once. */
typedef struct {
    size_t total;
    size_t fail_at; /* fill fails after putting this much; 0: never */
} fill_arg_t;

static int fill(bf_cache_out_t *o, void *arg)
{
    const fill_arg_t *f = arg;
    static const size_t sizes[] = {1, 7, 4096, 100000, 1 << 20, 3 << 20, 65536, 999999};
    unsigned char *piece = malloc(3 << 20);
    cr_assert_not_null(piece);
    size_t at = 0;
    for (size_t k = 0; at < f->total; k++) {
        size_t n = sizes[k % (sizeof sizes / sizeof sizes[0])];
        if (n > f->total - at)
            n = f->total - at;
        for (size_t i = 0; i < n; i++)
            piece[i] = byte_at(at + i);
        cr_assert_eq(bf_cache_out_len(o), at);
        if (bf_cache_put(o, piece, n) < 0) {
            free(piece);
            return -1;
        }
        at += n;
        if (f->fail_at && at >= f->fail_at) {
            free(piece);
            errno = ENOSPC;
            return -1;
        }
    }
    free(piece);
    return 0;
}

Test(cachefile, a_streamed_payload_reads_back_whole)
{
    fill_arg_t f = {.total = (9 << 20) + 12345};
    cr_assert_eq(bf_cache_write_fill(dfd, "big", KIND, 3, fill, &f, 0), 0);
    bf_buf_t b = BF_BUF_INIT;
    const char *why = NULL;
    cr_assert_eq(bf_cache_read(dfd, "big", KIND, 3, 0, &b, &why), 1, "%s", why);
    cr_assert_eq(b.len, f.total);
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.data[i] != byte_at(i))
            cr_assert_fail("byte %zu differs", i);
    /* the same payload through bf_cache_write: the same file */
    struct iovec iov[2] = {{b.data, 5}, {b.data + 5, b.len - 5}};
    cr_assert_eq(bf_cache_write(dfd, "whole", KIND, 3, iov, 2, 0), 0);
    bf_buf_t x = BF_BUF_INIT, y = BF_BUF_INIT;
    cr_assert_eq(bf_fs_read_file_at(dfd, "big", 0, &x), 0);
    cr_assert_eq(bf_fs_read_file_at(dfd, "whole", 0, &y), 0);
    cr_assert_eq(x.len, y.len);
    cr_assert_eq(memcmp(x.data, y.data, x.len), 0, "streamed and whole differ");
    /* another version or kind is rejected */
    cr_assert_eq(bf_cache_read(dfd, "big", KIND, 4, 0, &b, &why), -1);
    cr_assert_eq(bf_cache_read(dfd, "big", BF_CACHE_KIND('O', 'T', 'H', 'R'), 3, 0, &b, &why), -1);
    bf_buf_free(&b);
    bf_buf_free(&x);
    bf_buf_free(&y);
}

Test(cachefile, a_failed_fill_leaves_the_old_file_and_no_temporary)
{
    fill_arg_t small = {.total = 1000};
    cr_assert_eq(bf_cache_write_fill(dfd, "f", KIND, 1, fill, &small, 0), 0);
    fill_arg_t broken = {.total = 5 << 20, .fail_at = 2 << 20};
    errno = 0;
    cr_assert_eq(bf_cache_write_fill(dfd, "f", KIND, 1, fill, &broken, 0), -1);
    cr_assert_eq(errno, ENOSPC);
    bf_buf_t b = BF_BUF_INIT;
    const char *why = NULL;
    cr_assert_eq(bf_cache_read(dfd, "f", KIND, 1, 0, &b, &why), 1, "%s", why);
    cr_assert_eq(b.len, 1000, "the earlier file is kept");
    bf_buf_free(&b);
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int others = 0;
    for (struct dirent *e; (e = readdir(d));)
        others += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "f");
    closedir(d);
    cr_assert_eq(others, 0, "a temporary was left");
}
