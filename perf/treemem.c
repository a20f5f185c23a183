/*
 * perf/treemem.c - run a command and measure its whole process tree:
 * wall time, user and system CPU time of every process, and peak memory
 * summed over every process (perf/bench.sh runs each timed command
 * through it).
 *
 *     build/treemem -o FILE CMD [ARG...]
 *
 * appends one line to FILE when CMD has exited:
 *
 *     WALL_S USER_S SYS_S SUM_PEAK_KB PROCESSES LARGEST_PEAK_KB
 *
 * and exits with CMD's status (128 + N when a signal N ended it).
 *
 * Peak memory.  Each process of the tree is followed with ptrace (fork,
 * vfork, clone and exit events only; the tree runs at full speed between
 * them) and, stopped at its exit, still holding its memory, its high-water
 * RSS (VmHWM in /proc/PID/status) is read.  SUM_PEAK_KB adds that peak
 * over every process (threads share theirs: one per thread group).  It is
 * an upper bound of what the tree held at any one time: the peaks of two
 * processes may not have been at the same moment, and a page mapped in
 * several processes (a shared snapshot mapping, shared-memory rings, the
 * heap a child inherits by fork) is counted in each that touched it.  It
 * is therefore harsh on a build of many processes and exact for one
 * process (Hugo): a ratio in bengal-farm's favour is not an artefact.
 * Not counted: the image a process had before it called exec (none of
 * the benchmarked commands exec).  Why not a cgroup's memory.peak: this
 * machine mounts cgroup v1 for memory, whose counter (like v2's) includes
 * the page cache and tmpfs pages of the files the build writes, i.e. the
 * output's size rather than the builder's memory.
 *
 * Times.  This process is a child subreaper, so orphans are reaped here;
 * every process of the tree is then reaped by a process of the tree or by
 * this one, and RUSAGE_CHILDREN holds their user and system time.
 *
 * The cost of tracing: each event (a fork, a thread, an exit) and each
 * signal delivered in the tree stops the process for a round trip to
 * this one: a few hundred microseconds per build here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    pid_t id;     /* thread group (process) id, or a thread's id */
    long peak_kb; /* thread group: its VmHWM at exit (0 for a thread) */
} seen_t;

typedef struct {
    seen_t *v;
    size_t n, cap;
} seen_set_t;

static seen_t *seen_find(seen_set_t *s, pid_t id)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].id == id)
            return &s->v[i];
    return NULL;
}

static seen_t *seen_add(seen_set_t *s, pid_t id)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        if (!(s->v = realloc(s->v, s->cap * sizeof *s->v))) {
            fprintf(stderr, "treemem: out of memory\n");
            exit(125);
        }
    }
    s->v[s->n] = (seen_t){id, 0};
    return &s->v[s->n++];
}

/* A stopped thread's process id and the process's VmHWM in KB. */
static int read_status(pid_t tid, pid_t *tgid, long *hwm_kb)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    *tgid = tid;
    *hwm_kb = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "Tgid:", 5) == 0)
            *tgid = (pid_t)atol(line + 5);
        else if (strncmp(line, "VmHWM:", 6) == 0)
            *hwm_kb = atol(line + 6);
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[1], "-o") != 0) {
        fprintf(stderr, "usage: treemem -o FILE CMD [ARG...]\n");
        return 125;
    }
    FILE *out = fopen(argv[2], "ae"); /* not inherited by CMD */
    if (!out) {
        fprintf(stderr, "treemem: \"%s\": %s\n", argv[2], strerror(errno));
        return 125;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t child = fork();
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) {
            fprintf(stderr, "treemem: ptrace: %s\n", strerror(errno));
            _exit(125);
        }
        raise(SIGSTOP); /* the parent sets the options, then continues us */
        execvp(argv[3], argv + 3);
        fprintf(stderr, "treemem: \"%s\": %s\n", argv[3], strerror(errno));
        _exit(127);
    }
    if (child < 0) {
        fprintf(stderr, "treemem: fork: %s\n", strerror(errno));
        return 125;
    }
    seen_set_t threads = {0}, procs = {0};
    int status, rc = 125;
    if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status))
        return 125;
    ptrace(PTRACE_SETOPTIONS, child, NULL,
           (void *)(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                    PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
    seen_add(&threads, child);
    ptrace(PTRACE_CONT, child, NULL, NULL);
    pid_t pid;
    while ((pid = waitpid(-1, &status, __WALL)) > 0 || (pid < 0 && errno == EINTR)) {
        if (pid < 0)
            continue;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == child)
                rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        if (!WIFSTOPPED(status))
            continue;
        int sig = WSTOPSIG(status), event = status >> 16, inject = 0;
        if (event == PTRACE_EVENT_EXIT) {
            pid_t tgid;
            long kb;
            if (read_status(pid, &tgid, &kb) == 0) {
                seen_t *p = seen_find(&procs, tgid);
                if (!p)
                    p = seen_add(&procs, tgid);
                if (kb > p->peak_kb)
                    p->peak_kb = kb;
            }
        } else if (event == 0 && !seen_find(&threads, pid)) {
            /* a new thread or process: its first stop is the SIGSTOP of
             * its automatic attach, not a signal of its own */
            seen_add(&threads, pid);
            inject = sig == SIGSTOP ? 0 : sig;
        } else if (event == 0) {
            inject = sig; /* a real signal: deliver it */
        }
        ptrace(PTRACE_CONT, pid, NULL, (void *)(long)inject);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    long sum = 0, largest = 0;
    for (size_t i = 0; i < procs.n; i++) {
        sum += procs.v[i].peak_kb;
        if (procs.v[i].peak_kb > largest)
            largest = procs.v[i].peak_kb;
    }
    fprintf(out, "%.3f %.3f %.3f %ld %zu %ld\n",
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, sum, procs.n,
            largest);
    if (fclose(out) != 0) {
        fprintf(stderr, "treemem: \"%s\": %s\n", argv[2], strerror(errno));
        return 125;
    }
    return rc;
}
