/*
 * shared/shm.h - shared memory regions made before fork().
 *
 * The coordinator creates every region it shares with its children (rings,
 * the doorbell, the wave queue, the summary table, supervision slots) before
 * it forks; each child inherits the mapping at the same address.  Nothing is
 * ever attached later, so no names, keys or files outlive the build.
 *
 * Implementation: memfd_create() + ftruncate() + mmap(MAP_SHARED), then the
 * fd is closed (the mapping keeps the memory alive).  memfd rather than a
 * plain MAP_SHARED|MAP_ANONYMOUS mapping only because the name shows up in
 * /proc/PID/maps and smaps ("/memfd:bf-rings (deleted)"), so an operator can
 * tell which region holds the memory.  When memfd_create() is unavailable
 * (ENOSYS from an old kernel or a seccomp filter) it falls back to an
 * anonymous shared mapping, which behaves the same for fork().  Both are
 * zero-filled, backed by shmem, and charged to the memory cgroup of the
 * process that first touches each page.
 *
 * Ownership: the bf_shm_t (a process-local handle) describes the mapping;
 * bf_shm_destroy() unmaps it in the calling process only.  Children that
 * inherited it simply exit.  The region holds no pointers (STYLE 8).
 *
 * Errors: 0 / -1 with errno (EINVAL for size 0, ENOMEM when the rounded
 * size overflows, or the errno of memfd_create/ftruncate/mmap).  No logging:
 * the caller knows what the region was for.
 */
#ifndef BF_SHARED_SHM_H
#define BF_SHARED_SHM_H

#include <stddef.h>

typedef struct {
    void *base;  /* page-aligned start of the mapping, NULL when empty */
    size_t size; /* mapped bytes: the requested size rounded up to pages */
} bf_shm_t;

/* Rounds n up to a whole number of pages; 0 when n is 0 or on overflow. */
size_t bf_shm_round(size_t n);

/* Maps a new zero-filled shared region of at least size bytes.  name (may
 * be NULL: "bf-shm") is for /proc/PID/maps only.  On error *shm is left
 * empty (base NULL, size 0). */
int bf_shm_create(bf_shm_t *shm, size_t size, const char *name);

/* Unmaps the region in this process and empties *shm; an empty or already
 * destroyed handle is fine. */
void bf_shm_destroy(bf_shm_t *shm);

#endif
