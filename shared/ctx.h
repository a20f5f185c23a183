/*
 * shared/ctx.h - the one mutable global of each process.
 *
 * STYLE.md allows exactly one per-process context: who this process is
 * (role, pid), how loud the log is, and how many warnings and errors it has
 * reported.  It is filled by bf_ctx_init() at start and again by each child
 * right after fork(); nothing else in the program keeps mutable global
 * state.  Signal handlers touch only the sig_atomic_t flags.
 */
#ifndef BF_SHARED_CTX_H
#define BF_SHARED_CTX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef enum {
    BF_ROLE_COORD = 0, /* the bengal-farm process itself */
    BF_ROLE_WRITER,
    BF_ROLE_WORKER,
} bf_role_t;

typedef enum {
    BF_LOG_DEBUG = 0,
    BF_LOG_INFO,
    BF_LOG_WARN,
    BF_LOG_ERROR,
    BF_LOG_QUIET, /* threshold only: print nothing below errors' level */
} bf_log_level_t;

typedef struct {
    bf_role_t role;
    int worker_index;        /* BF_ROLE_WORKER only */
    pid_t pid;
    bf_log_level_t log_level; /* messages below this are dropped */
    bool strict;             /* --strict: warnings that can be errors are */
    size_t n_warnings;
    size_t n_errors;
    volatile sig_atomic_t stop_signal; /* set by signal handlers only */
    volatile sig_atomic_t tick;        /* SIGALRM: time to show progress */
    int wake_fd;             /* a pipe's write end a signal handler writes
                                to, to wake a poll (serve); -1: none */
    bool progress_line;      /* a progress line may be on the terminal:
                                each message clears it first (set by the
                                coordinator before fork, inherited) */
} bf_ctx_t;

extern bf_ctx_t bf_ctx;

/* Resets the context for a (new) process: role, index, pid; counters 0. */
void bf_ctx_init(bf_role_t role, int worker_index);

#endif
