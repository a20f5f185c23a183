/*
 * tests/slow/failalloc.c - an LD_PRELOAD library for the fault campaign:
 * the N-th malloc, calloc or realloc of the process that loaded it
 * (FAILALLOC_N=N) returns NULL with ENOMEM, as an allocator out of memory
 * would.  Only the first process counts: children forked from it (the
 * farm's workers and writer) allocate normally, so the fault lands in the
 * coordinator.  FAILALLOC_COUNT=1 instead prints, at exit, how many
 * allocations the process made (the campaign's K).
 *
 * glibc routes its own internal allocations (strdup, fopen, qsort...)
 * through these symbols too, so those fail as well: a real out-of-memory.
 * Built by tests/slow/campaign.sh; not part of bengal-farm.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static long fail_at = -1, count;
static int counting;
static pid_t owner;

__attribute__((constructor)) static void init(void)
{
    const char *n = getenv("FAILALLOC_N"), *c = getenv("FAILALLOC_COUNT");
    owner = getpid();
    fail_at = n ? atol(n) : -1;
    counting = c && *c == '1';
}

__attribute__((destructor)) static void report(void)
{
    if (counting && getpid() == owner)
        fprintf(stderr, "failalloc: %ld allocations\n", count);
}

static int fail_now(void)
{
    if ((fail_at < 0 && !counting) || getpid() != owner)
        return 0;
    return ++count == fail_at;
}

void *malloc(size_t n)
{
    if (fail_now()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    if (fail_now()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (fail_now()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n);
}
