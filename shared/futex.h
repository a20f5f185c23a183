/*
 * shared/futex.h - sleeping on a 32-bit word in shared memory.
 *
 * Thin wrappers over futex(2) without FUTEX_PRIVATE_FLAG: the words live
 * in MAP_SHARED memory used by several processes.  The waiting side never
 * spins and never sleep-polls: it sleeps until the word changes from the
 * value it saw (a spin would burn the container's CPU quota).
 */
#ifndef BF_SHARED_FUTEX_H
#define BF_SHARED_FUTEX_H

#include <stdatomic.h>
#include <stdint.h>

/* Sleeps while *word == expected, at most timeout_ms (0: no limit).
 * Returns 0 after a wake-up or when the word already differed, -1 with
 * errno ETIMEDOUT or EINTR.  Spurious wake-ups happen: re-check. */
int bf_futex_wait(_Atomic uint32_t *word, uint32_t expected, unsigned timeout_ms);

/* Wakes up to n sleepers on word (n < 0: all). */
void bf_futex_wake(_Atomic uint32_t *word, int n);

#endif
