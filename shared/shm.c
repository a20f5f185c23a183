/*
 * shared/shm.c - shared memory regions made before fork() (see shm.h).
 *
 * Invariant: a non-empty bf_shm_t maps exactly size bytes at base, size a
 * multiple of the page size.
 */
#include "shared/shm.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

size_t bf_shm_round(size_t n)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    size_t r;

    if (n == 0 || __builtin_add_overflow(n, page - 1, &r))
        return 0;
    return r / page * page;
}

static void *map_memfd(size_t size, const char *name)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return MAP_FAILED;
    void *p = MAP_FAILED;
    if (ftruncate(fd, (off_t)size) == 0)
        p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return p;
}

int bf_shm_create(bf_shm_t *shm, size_t size, const char *name)
{
    shm->base = NULL;
    shm->size = 0;
    if (size == 0) {
        errno = EINVAL;
        return -1;
    }
    size_t rounded = bf_shm_round(size);
    if (rounded == 0 || rounded > (size_t)INT64_MAX) {
        errno = ENOMEM;
        return -1;
    }

    void *p = map_memfd(rounded, name ? name : "bf-shm");
    if (p == MAP_FAILED && errno == ENOSYS)
        p = mmap(NULL, rounded, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                 -1, 0);
    if (p == MAP_FAILED)
        return -1;
    shm->base = p;
    shm->size = rounded;
    return 0;
}

void bf_shm_destroy(bf_shm_t *shm)
{
    if (shm->base)
        munmap(shm->base, shm->size);
    shm->base = NULL;
    shm->size = 0;
}
