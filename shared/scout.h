/*
 * shared/scout.h - an ordered parallel map: jobs run on a few threads,
 * their results are taken in job order on the calling thread.
 *
 * The snapshot engine's "scout": discovery reads and parses content files
 * on several threads while one thread (the caller) puts what they found
 * into the site in the order of the walk, so that the snapshot is the same
 * bytes whatever the number of threads or the timing.
 *
 * work(arg, job, thread, slot) runs on one of `threads` threads (thread in
 * [0, threads)), for every job in [0, n), at most `window` jobs ahead of
 * the consumer; slot = job % window names storage of the caller's that the
 * job owns until it is consumed (its buffers, its result).  work must not
 * touch anything shared but read-only data and what its thread or slot
 * owns; it does not log (a job that would have something to say records
 * that in its slot, and the consumer says it, in order).
 *
 * consume(arg, job, slot) runs on the calling thread, for job 0, 1, ... n-1
 * in order, each after its work has returned.  A consume that returns < 0
 * stops the run: no further job is consumed, the threads finish the job
 * they are in and stop, and bf_scout_run returns that value.
 *
 * threads <= 1, or a thread that cannot be created, runs the jobs on the
 * calling thread (work then consume, job by job): the results are the
 * same.  Every thread is joined before bf_scout_run returns (the
 * coordinator forks later, and a fork must see one thread).
 */
#ifndef BF_SHARED_SCOUT_H
#define BF_SHARED_SCOUT_H

#include <stddef.h>

#define BF_SCOUT_MAX_THREADS 16

typedef struct {
    size_t n;          /* jobs */
    unsigned threads;  /* at most BF_SCOUT_MAX_THREADS */
    size_t window;     /* slots: jobs done or in progress ahead of the consumer */
    void *arg;
    void (*work)(void *arg, size_t job, unsigned thread, size_t slot);
    int (*consume)(void *arg, size_t job, size_t slot);
} bf_scout_t;

/* Runs every job of sc; 0, or the first negative value of a consume. */
int bf_scout_run(const bf_scout_t *sc);

#endif
