/*
 * shared/scout.c - the ordered parallel map (see scout.h).
 *
 * One mutex and two condition variables: `ready` wakes the consumer when a
 * job is done, `room` wakes the threads when the consumer has freed a
 * slot.  done[slot] holds job + 1 of the job that finished in it (0: none
 * yet), so the consumer waits for exactly its job.  A lock per job is
 * nothing beside reading and parsing a file.
 */
#include "shared/scout.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct {
    const bf_scout_t *sc;
    pthread_mutex_t mu;
    pthread_cond_t ready, room;
    size_t next;     /* the next job a thread takes */
    size_t consumed; /* jobs consumed so far */
    size_t *done;    /* per slot: job + 1 of the job done in it */
    bool stop;
} run_t;

typedef struct {
    run_t *r;
    unsigned index;
} thread_t;

static void *thread_main(void *p)
{
    thread_t *t = p;
    run_t *r = t->r;
    const bf_scout_t *sc = r->sc;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (!r->stop && r->next < sc->n && r->next >= r->consumed + sc->window)
            pthread_cond_wait(&r->room, &r->mu);
        if (r->stop || r->next >= sc->n) {
            pthread_mutex_unlock(&r->mu);
            return NULL;
        }
        size_t job = r->next++;
        pthread_mutex_unlock(&r->mu);
        sc->work(sc->arg, job, t->index, job % sc->window);
        pthread_mutex_lock(&r->mu);
        r->done[job % sc->window] = job + 1;
        pthread_cond_signal(&r->ready);
        pthread_mutex_unlock(&r->mu);
    }
}

static int run_inline(const bf_scout_t *sc)
{
    for (size_t i = 0; i < sc->n; i++) {
        sc->work(sc->arg, i, 0, 0);
        int rc = sc->consume(sc->arg, i, 0);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Consumes every job in order as the threads finish them. */
static int consume_all(run_t *r)
{
    const bf_scout_t *sc = r->sc;
    for (size_t i = 0; i < sc->n; i++) {
        size_t slot = i % sc->window;
        pthread_mutex_lock(&r->mu);
        while (r->done[slot] != i + 1)
            pthread_cond_wait(&r->ready, &r->mu);
        pthread_mutex_unlock(&r->mu);
        int rc = sc->consume(sc->arg, i, slot);
        pthread_mutex_lock(&r->mu);
        r->consumed = i + 1;
        if (rc < 0)
            r->stop = true;
        pthread_cond_broadcast(&r->room);
        pthread_mutex_unlock(&r->mu);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int bf_scout_run(const bf_scout_t *sc)
{
    unsigned want = sc->threads < BF_SCOUT_MAX_THREADS ? sc->threads : BF_SCOUT_MAX_THREADS;
    if (want <= 1 || sc->n <= 1 || sc->window == 0)
        return run_inline(sc);
    run_t r = {.sc = sc, .done = calloc(sc->window, sizeof(size_t))};
    thread_t ts[BF_SCOUT_MAX_THREADS];
    pthread_t ids[BF_SCOUT_MAX_THREADS];
    unsigned started = 0;
    if (!r.done)
        return run_inline(sc);
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.ready, NULL);
    pthread_cond_init(&r.room, NULL);
    for (; started < want; started++) {
        ts[started] = (thread_t){&r, started};
        if (pthread_create(&ids[started], NULL, thread_main, &ts[started]) != 0)
            break;
    }
    int rc;
    if (started == 0) {
        rc = run_inline(sc);
    } else {
        rc = consume_all(&r);
        for (unsigned i = 0; i < started; i++)
            pthread_join(ids[i], NULL);
    }
    pthread_cond_destroy(&r.room);
    pthread_cond_destroy(&r.ready);
    pthread_mutex_destroy(&r.mu);
    free(r.done);
    return rc;
}
