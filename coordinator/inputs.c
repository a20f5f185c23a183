/*
 * coordinator/inputs.c - the stat scan of a build's inputs (inputs.h).
 */
#include "coordinator/inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/cachefile.h"
#include "shared/fs.h"
#include "shared/log.h"

#define KIND BF_CACHE_KIND('I', 'N', 'P', 'T')
#define VERSION 1
#define NAME "inputs"

typedef struct {
    uint64_t ino, dev, size;
    int64_t mtime, ctime;
    uint32_t mode, len;
} entry_t;

static int64_t ns(struct timespec t)
{
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void add(bf_inputs_scan_t *sc, const char *path, size_t len, const struct stat *st)
{
    char buf[sizeof(entry_t) + BF_PATH_MAX];
    entry_t e = {st->st_ino, st->st_dev, (uint64_t)st->st_size, ns(st->st_mtim),
                 ns(st->st_ctim), st->st_mode, (uint32_t)len};
    if (len > BF_PATH_MAX)
        len = BF_PATH_MAX;
    memcpy(buf, &e, sizeof e);
    memcpy(buf + sizeof e, path, len);
    bf_digest_t d = bf_hash128(buf, sizeof e + len);
    sc->files.lo += d.lo;
    sc->files.hi += d.hi;
    sc->count++;
    if (e.mtime > sc->newest_ns)
        sc->newest_ns = e.mtime;
    if (e.ctime > sc->newest_ns)
        sc->newest_ns = e.ctime;
}

/* The directories being walked, outermost first: a symlink back to one
 * of them is a loop (discovery refuses it; the scan just stops). */
typedef struct {
    dev_t dev[64];
    ino_t ino[64];
    unsigned n;
} dir_stack_t;

/* Every entry below the directory fd (closed here), as prefix/name.  A
 * symlink counts twice: itself and what it points to (editing the target
 * is a change), and a symlinked directory is walked, as discovery does. */
static void walk(bf_inputs_scan_t *sc, int fd, const char *prefix, dir_stack_t *stk)
{
    DIR *d = fdopendir(fd);
    struct stat self;
    if (!d || fstat(fd, &self) < 0 || stk->n == 64) {
        if (d)
            closedir(d);
        else
            close(fd);
        return;
    }
    for (unsigned i = 0; i < stk->n; i++)
        if (stk->dev[i] == self.st_dev && stk->ino[i] == self.st_ino) {
            closedir(d);
            return;
        }
    stk->dev[stk->n] = self.st_dev;
    stk->ino[stk->n++] = self.st_ino;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        char path[BF_PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", prefix, e->d_name);
        struct stat st;
        if (n < 0 || (size_t)n >= sizeof path ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        add(sc, path, (size_t)n, &st);
        if (S_ISLNK(st.st_mode)) {
            if (fstatat(dirfd(d), e->d_name, &st, 0) < 0)
                continue; /* broken: its own stat says enough */
            add(sc, path, (size_t)n, &st);
        }
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub >= 0)
                walk(sc, sub, path, stk);
        }
    }
    stk->n--;
    closedir(d);
}

void bf_inputs_scan(int root_fd, const char *katex_dir, bf_inputs_scan_t *out)
{
    static const char *const dirs[] = {"content", "templates", "data", "static"};
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    memset(out, 0, sizeof *out);
    out->scanned_ns = ns(now);
    /* the config files at the top (bengal.yaml, ...); not the rest there:
     * the output, its lock and staging tree may be there */
    int top = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = top >= 0 ? fdopendir(top) : NULL;
    if (!d && top >= 0)
        close(top);
    for (struct dirent *e; d && (e = readdir(d));) {
        struct stat st;
        if (strncmp(e->d_name, "bengal.", 7) != 0 ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
            continue;
        add(out, e->d_name, strlen(e->d_name), &st);
        if (S_ISLNK(st.st_mode) && fstatat(dirfd(d), e->d_name, &st, 0) == 0)
            add(out, e->d_name, strlen(e->d_name), &st);
    }
    if (d)
        closedir(d);
    dir_stack_t stk = {.n = 0};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        struct stat st;
        /* missing, a symlink, not a directory: its state is in the digest
         * all the same (the build says what is wrong with it) */
        if (fstatat(root_fd, dirs[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
            add(out, dirs[i], strlen(dirs[i]), &st);
        int fd = openat(root_fd, dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0)
            walk(out, fd, dirs[i], &stk);
    }
    if (katex_dir && *katex_dir) {
        int fd = open(katex_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0)
            walk(out, fd, katex_dir, &stk);
    }
}

uint64_t bf_inputs_self(void)
{
    bf_hasher_t *h = bf_hasher_new(0);
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    char buf[65536];
    ssize_t n;
    uint64_t d = 0;
    while (h && fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
        bf_hasher_update(h, buf, (size_t)n);
    if (h && fd >= 0)
        d = bf_hasher_digest(h);
    if (fd >= 0)
        close(fd);
    bf_hasher_free(h);
    return d;
}

bf_digest_t bf_inputs_options(uint64_t self, bool drafts, bool future, bool strict,
                              unsigned precompress, const char *output, bf_digest_t config)
{
    bf_buf_t b = BF_BUF_INIT;
    bf_digest_t d = {0, 0};
    if (bf_buf_printf(&b, "%llx %d %d %d %u %llx %llx %s", (unsigned long long)self, drafts,
                      future, strict, precompress, (unsigned long long)config.lo,
                      (unsigned long long)config.hi, output) == 0)
        d = bf_hash128(b.data, b.len);
    bf_buf_free(&b);
    return d;
}

int bf_inputs_load(int state_fd, bf_inputs_t *rec)
{
    bf_buf_t b = BF_BUF_INIT;
    const char *why;
    int rc = bf_cache_read(state_fd, NAME, KIND, VERSION, 4096, &b, &why);
    if (rc == 1 && b.len != sizeof *rec) {
        rc = -1;
        why = "malformed";
    }
    if (rc == 1)
        memcpy(rec, b.data, sizeof *rec);
    else if (rc < 0)
        bf_log_warn("the record of the last build in the state directory is ignored (%s): "
                    "the site is read again", why);
    rc = rc == 1;
    bf_buf_free(&b);
    return rc;
}

int bf_inputs_save(int state_fd, const bf_inputs_t *rec)
{
    struct iovec iov = {(void *)rec, sizeof *rec};
    return bf_cache_write(state_fd, NAME, KIND, VERSION, &iov, 1, 0);
}

void bf_inputs_forget(int state_fd)
{
    unlinkat(state_fd, NAME, 0);
}
