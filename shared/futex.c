/*
 * shared/futex.c - futex(2) wrappers (see futex.h).
 */
#include "shared/futex.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int bf_futex_wait(_Atomic uint32_t *word, uint32_t expected, unsigned timeout_ms)
{
    struct timespec ts = {.tv_sec = timeout_ms / 1000,
                          .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
    long rc = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, expected,
                      timeout_ms ? &ts : NULL, NULL, 0);
    if (rc == -1 && errno == EAGAIN)
        return 0; /* the word had already changed */
    return rc == -1 ? -1 : 0;
}

void bf_futex_wake(_Atomic uint32_t *word, int n)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, n < 0 ? INT_MAX : n, NULL, NULL, 0);
}
