/*
 * tests/shared/scout_test.c - the ordered parallel map.
 *
 * Real threads.  Each job writes what it computed into its slot (with its
 * job number and the thread it ran on); the consumer checks that it sees
 * every job once, in order, with the slot still holding that job's
 * result (a slot reused before its job was consumed would show another
 * job's number).  Jobs take uneven time, so that later jobs often finish
 * before earlier ones.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "shared/scout.h"

typedef struct {
    size_t job;
    uint64_t value;
    unsigned thread;
} slot_t;

typedef struct {
    slot_t *slots;
    size_t next;        /* the job the consumer expects */
    size_t stop_at;     /* consume returns -1 at this job (SIZE_MAX: never) */
    unsigned threads_seen;
    pthread_t consumer; /* consume must run on the calling thread */
} state_t;

static uint64_t value_of(size_t job)
{
    return (uint64_t)job * 0x9E3779B97F4A7C15ull;
}

static void work(void *arg, size_t job, unsigned thread, size_t slot)
{
    state_t *st = arg;
    if (job % 7 == 0) { /* uneven: let later jobs overtake this one */
        struct timespec ts = {0, 20000};
        nanosleep(&ts, NULL);
    }
    st->slots[slot] = (slot_t){job, value_of(job), thread};
}

static int consume(void *arg, size_t job, size_t slot)
{
    state_t *st = arg;
    cr_assert(pthread_equal(pthread_self(), st->consumer), "consume ran on another thread");
    cr_assert_eq(job, st->next, "job %zu consumed when %zu was due", job, st->next);
    cr_assert_eq(st->slots[slot].job, job, "slot %zu holds job %zu, not %zu", slot,
                 st->slots[slot].job, job);
    cr_assert_eq(st->slots[slot].value, value_of(job));
    st->threads_seen |= 1u << st->slots[slot].thread;
    st->next++;
    return job == st->stop_at ? -1 : 0;
}

static state_t run(size_t n, unsigned threads, size_t window, size_t stop_at, int *rc)
{
    state_t st = {.slots = calloc(window ? window : 1, sizeof(slot_t)), .stop_at = stop_at,
                  .consumer = pthread_self()};
    cr_assert(st.slots);
    bf_scout_t sc = {.n = n, .threads = threads, .window = window, .arg = &st, .work = work,
                     .consume = consume};
    *rc = bf_scout_run(&sc);
    free(st.slots);
    return st;
}

Test(scout, every_job_once_in_order_on_many_threads)
{
    int rc;
    state_t st = run(20000, 4, 7, SIZE_MAX, &rc);
    cr_assert_eq(rc, 0);
    cr_assert_eq(st.next, 20000, "%zu jobs consumed", st.next);
    cr_assert_gt(__builtin_popcount(st.threads_seen), 1, "every job ran on one thread");
}

Test(scout, a_window_of_one_slot_still_runs_in_order)
{
    int rc;
    state_t st = run(500, 3, 1, SIZE_MAX, &rc);
    cr_assert_eq(rc, 0);
    cr_assert_eq(st.next, 500);
}

Test(scout, one_thread_runs_on_the_caller)
{
    int rc;
    state_t st = run(1000, 1, 64, SIZE_MAX, &rc);
    cr_assert_eq(rc, 0);
    cr_assert_eq(st.next, 1000);
    cr_assert_eq(st.threads_seen, 1u, "thread index other than 0 with one thread");
}

Test(scout, no_jobs)
{
    int rc;
    state_t st = run(0, 4, 16, SIZE_MAX, &rc);
    cr_assert_eq(rc, 0);
    cr_assert_eq(st.next, 0);
}

Test(scout, a_failed_consume_stops_the_run)
{
    int rc;
    state_t st = run(10000, 4, 32, 500, &rc);
    cr_assert_eq(rc, -1);
    cr_assert_eq(st.next, 501, "consumed %zu jobs after the failure at 500", st.next);
}

Test(scout, more_threads_than_the_maximum_are_capped)
{
    int rc;
    state_t st = run(3000, 1000, 256, SIZE_MAX, &rc);
    cr_assert_eq(rc, 0);
    cr_assert_eq(st.next, 3000);
    cr_assert_eq(st.threads_seen >> BF_SCOUT_MAX_THREADS, 0u, "a thread index past the maximum");
}
