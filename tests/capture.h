/*
 * tests/capture.h - capturing what a test writes to stderr.
 *
 * cap_start() points fd 2 at a temporary file; cap_end() puts stderr back
 * and returns everything written meanwhile (malloc'd, NUL-terminated).
 * Header-only with static state: every test file is its own binary and
 * criterion runs each test in its own process.
 */
#ifndef BF_TESTS_CAPTURE_H
#define BF_TESTS_CAPTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int cap_saved_fd = -1, cap_fd = -1;

static inline void cap_start(void)
{
    char path[] = "/tmp/bf-test-stderr-XXXXXX";
    cap_fd = mkstemp(path);
    cr_assert_geq(cap_fd, 0);
    unlink(path); /* the open fd is all we need */
    fflush(stderr);
    cap_saved_fd = dup(2);
    cr_assert_geq(cap_saved_fd, 0);
    cr_assert_geq(dup2(cap_fd, 2), 0);
}

static inline char *cap_end(void)
{
    fflush(stderr);
    dup2(cap_saved_fd, 2);
    close(cap_saved_fd);
    off_t size = lseek(cap_fd, 0, SEEK_END);
    char *s = calloc(1, (size_t)size + 1);
    cr_assert_not_null(s);
    cr_assert_eq(pread(cap_fd, s, (size_t)size, 0), size);
    close(cap_fd);
    return s;
}

#endif
