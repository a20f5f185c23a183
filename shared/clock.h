/*
 * shared/clock.h - the monotonic clock, for timings (phases, busy time,
 * template profiles).  Never goes back; unaffected by clock changes.
 */
#ifndef BF_SHARED_CLOCK_H
#define BF_SHARED_CLOCK_H

#include <stdint.h>

/* Nanoseconds since an arbitrary start. */
uint64_t bf_clock_ns(void);
/* The same in seconds. */
double bf_clock_seconds(void);

#endif
