/*
 * coordinator/writer.c - the writer process (see writer.h).
 */
#include "coordinator/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/arena.h"
#include "shared/fs.h"
#include "shared/log.h"
#include "shared/strmap.h"

typedef struct {
    int fd;          /* file being written, -1 */
    char path[BF_PATH_MAX];
} open_file_t;

typedef struct {
    const bf_writer_args_t *a;
    int dirfd;                /* the staging directory */
    bf_arena_t *arena;
    bf_strmap_t dirs;         /* directories made so far */
    open_file_t *files;       /* one per ring */
    uint64_t written;
} writer_t;

static int make_parents(writer_t *w, const char *path)
{
    for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
        size_t n = (size_t)(s - path);
        if (bf_strmap_get(&w->dirs, path, n))
            continue;
        char *dir = bf_arena_strndup(w->arena, path, n);
        if (!dir)
            return -1;
        if (mkdirat(w->dirfd, dir, 0777) < 0 && errno != EEXIST)
            return -1;
        if (!bf_strmap_put(w->arena, &w->dirs, dir, n, dir))
            return -1;
    }
    return 0;
}

static int on_begin(void *arg, unsigned ring, uint32_t page, const char *path, uint64_t len)
{
    writer_t *w = arg;
    open_file_t *f = &w->files[ring];
    const char *why = NULL;
    if (bf_path_check(path, strlen(path), &why) < 0) {
        bf_log_error("refusing to write \"%s\": %s", path, why);
        errno = EINVAL;
        return -1;
    }
    if (make_parents(w, path) < 0)
        goto fail;
    f->fd = openat(w->dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (f->fd < 0)
        goto fail;
    snprintf(f->path, sizeof f->path, "%s", path);
    return 0;
fail:
    bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot write in %s: %s", w->a->staging,
              strerror(errno));
    return -1;
}

static int on_data(void *arg, unsigned ring, const void *p, size_t n)
{
    writer_t *w = arg;
    open_file_t *f = &w->files[ring];
    for (const char *c = p; n;) {
        ssize_t k = write(f->fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            bf_log_at(BF_LOG_ERROR, f->path, 0, 0, "cannot write: %s", strerror(errno));
            return -1;
        }
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

static int on_end(void *arg, unsigned ring)
{
    writer_t *w = arg;
    open_file_t *f = &w->files[ring];
    int rc = close(f->fd);
    f->fd = -1;
    if (rc < 0) {
        bf_log_at(BF_LOG_ERROR, f->path, 0, 0, "cannot write: %s", strerror(errno));
        return -1;
    }
    w->written++;
    if (w->a->fault.kind == BF_FAULT_WRITER_CRASH && w->written >= w->a->fault.arg)
        raise(SIGKILL); /* test hook: the writer dies mid-build */
    return 0;
}

static void on_abandon(void *arg, unsigned ring)
{
    writer_t *w = arg;
    open_file_t *f = &w->files[ring];
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
        unlinkat(w->dirfd, f->path, 0); /* its successor writes it again */
    }
}

/* The one moment the output changes: swap staging and output. */
static int publish(const writer_t *w)
{
    const char *out = w->a->output, *stg = w->a->staging;
    if (renameat2(AT_FDCWD, stg, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
        if (bf_fs_remove_tree(stg) < 0) /* the old tree, now at stg */
            bf_log_at(BF_LOG_WARN, stg, 0, 0, "cannot remove the previous output: %s",
                      strerror(errno));
        return 0;
    }
    if (errno == ENOENT && rename(stg, out) == 0) /* first build */
        return 0;
    bf_log_at(BF_LOG_ERROR, out, 0, 0, "cannot publish the new output: %s", strerror(errno));
    return -1;
}

void bf_writer_main(const bf_writer_args_t *a)
{
    writer_t w = {.a = a};
    bf_ctx_init(BF_ROLE_WRITER, 0);
    prctl(PR_SET_NAME, "bf-writer");
    w.arena = bf_arena_create(0);
    w.files = calloc(a->n_rings, sizeof(*w.files));
    w.dirfd = open(a->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!w.arena || !w.files || w.dirfd < 0) {
        bf_log_at(BF_LOG_ERROR, a->staging, 0, 0, "cannot open: %s", strerror(errno));
        _exit(1);
    }
    for (unsigned i = 0; i < a->n_rings; i++)
        w.files[i].fd = -1;
    bf_ring_sink_t sink = {on_begin, on_data, on_end, on_abandon, &w};
    bf_ring_reader_t *rd = bf_ring_reader_new(a->bell, a->rings, a->n_rings, &sink);
    if (!rd || bf_ring_reader_run(rd) < 0) {
        if (rd && errno == EBADMSG)
            bf_log_error("corrupt ring: %s", bf_ring_reader_why(rd));
        _exit(1);
    }
    for (unsigned i = 0; i < a->n_rings; i++) {
        if (bf_ring_reader_open(rd, i)) {
            bf_log_error("a page of worker %u was left incomplete", i);
            _exit(1);
        }
    }
    if (atomic_load(&a->ctl->failed) || publish(&w) < 0)
        _exit(1);
    _exit(0);
}
