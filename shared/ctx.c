/*
 * shared/ctx.c - the per-process context (see ctx.h).
 *
 * The log level and --strict are chosen by the coordinator before it forks
 * and are inherited by every child, so bf_ctx_init() leaves them alone; it
 * only says who this process is and clears the counters, which are per
 * process.  stop_signal belongs to the signal handlers and is not touched.
 */
#include "shared/ctx.h"

#include <unistd.h>

bf_ctx_t bf_ctx = {
    .role = BF_ROLE_COORD,
    .log_level = BF_LOG_INFO,
    .wake_fd = -1,
};

void bf_ctx_init(bf_role_t role, int worker_index)
{
    bf_ctx.role = role;
    bf_ctx.worker_index = role == BF_ROLE_WORKER ? worker_index : 0;
    bf_ctx.pid = getpid();
    bf_ctx.n_warnings = 0;
    bf_ctx.n_errors = 0;
    bf_ctx.wake_fd = -1; /* a child never writes to its parent's wake-up pipe */
}
