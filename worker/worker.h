/*
 * worker/worker.h - the worker process.
 *
 * A worker takes whole waves from the shared queue (shared/farm.h),
 * renders their pages with its private pools (a per-page arena reset
 * after every page, the markdown renderer and output buffer reused) and
 * pushes each finished page into its own ring for the writer.
 *
 * Exit status (STYLE 9): 0 all levels done; 1 failed, the wave may be
 * retried by a fresh worker (out of memory, a crash is a signal); 2 fatal
 * (the ring was shut down: the build is being stopped).
 */
#ifndef BF_WORKER_WORKER_H
#define BF_WORKER_WORKER_H

#include "shared/farm.h"

/* The worker process.  Never returns. */
void bf_worker_main(const bf_farm_worker_args_t *a) __attribute__((noreturn));

#endif
