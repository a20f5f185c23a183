/*
 * shared/clock.c - the monotonic clock (see clock.h).
 */
#include "shared/clock.h"

#include <time.h>

uint64_t bf_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double bf_clock_seconds(void)
{
    return (double)bf_clock_ns() / 1e9;
}
