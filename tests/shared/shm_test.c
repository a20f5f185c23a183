/*
 * tests/shared/shm_test.c - shared regions made before fork: rounding,
 * zero fill, sharing with a child, the name in /proc/self/maps, destroy.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/shm.h"

static size_t page(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

Test(shm, round_to_pages_with_overflow_check)
{
    size_t pg = page();
    cr_assert_eq(bf_shm_round(0), 0);
    cr_assert_eq(bf_shm_round(1), pg);
    cr_assert_eq(bf_shm_round(pg), pg);
    cr_assert_eq(bf_shm_round(pg + 1), 2 * pg);
    cr_assert_eq(bf_shm_round(SIZE_MAX), 0);
    cr_assert_eq(bf_shm_round(SIZE_MAX - pg + 2), 0);
}

Test(shm, bad_sizes_fail_cleanly)
{
    bf_shm_t s = {(void *)1, 1};
    errno = 0;
    cr_assert_eq(bf_shm_create(&s, 0, NULL), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_null(s.base);
    cr_assert_eq(s.size, 0);
    errno = 0;
    cr_assert_eq(bf_shm_create(&s, SIZE_MAX - 5, NULL), -1);
    cr_assert_eq(errno, ENOMEM);
    cr_assert_null(s.base);
    bf_shm_destroy(&s); /* empty: a no-op */
}

Test(shm, zeroed_shared_with_children_and_named)
{
    bf_shm_t s;
    size_t pg = page();
    cr_assert_eq(bf_shm_create(&s, 3 * pg - 100, "bf-shm-test"), 0);
    cr_assert_eq(s.size, 3 * pg);
    cr_assert_eq((uintptr_t)s.base % pg, 0);
    unsigned char *p = s.base;
    for (size_t i = 0; i < s.size; i++)
        cr_assert_eq(p[i], 0);

    /* A write by a child after fork is seen by the parent. */
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        memcpy(p + pg, "from the child", 15);
        _exit(0);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    cr_assert_str_eq((char *)p + pg, "from the child");

    /* Operators can tell the regions apart in /proc/PID/maps. */
    FILE *f = fopen("/proc/self/maps", "r");
    cr_assert_not_null(f);
    char line[512];
    bool named = false;
    while (fgets(line, sizeof line, f))
        named |= strstr(line, "memfd:bf-shm-test") != NULL;
    fclose(f);
    cr_assert(named);

    bf_shm_destroy(&s);
    cr_assert_null(s.base);
    cr_assert_eq(s.size, 0);
    bf_shm_destroy(&s);
}
