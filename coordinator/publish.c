/*
 * coordinator/publish.c - the writers' parts merged, the tree published
 * (see publish.h).
 *
 * A part, written once by its writer with write(2) and read once by the
 * lead through mmap, is a header then records, every record padded to 8
 * bytes, little-endian fixed-width fields (this machine's order: a part
 * never leaves the build):
 *
 *     header   u32 magic "PART", u32 entries, u32 deps, u32 pad
 *     entry    u64 size, 16 digest, u32 page (NONE: none), u32 len, path[len]
 *     deps     u32 page, u32 n, 16 digest, u32 ids[n]
 *
 * Entries come in the writer's tree order, so a page's files keep the
 * order its worker sent them in (the page cache lists the main output
 * first): all of a page's files go through one ring, so one writer.
 */
#include "coordinator/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/output.h"
#include "coordinator/pagecache.h"
#include "shared/ctx.h"
#include "shared/fs.h"
#include "shared/futex.h"
#include "shared/log.h"

#define PART_MAGIC 0x54524150u /* "PART" */

typedef struct {
    uint32_t magic, entries, deps, pad;
} part_head_t;

typedef struct {
    uint64_t size;
    bf_digest_t digest;
    uint32_t page, len;
} part_entry_t;
_Static_assert(sizeof(part_entry_t) == 32, "part entry size");

typedef struct {
    uint32_t page, n;
    bf_digest_t digest;
} part_deps_t;
_Static_assert(sizeof(part_deps_t) == 24, "part deps size");

static int pad8(bf_buf_t *b)
{
    static const char zero[8];
    return bf_buf_append(b, zero, (8 - b->len % 8) % 8);
}

int bf_publish_part(bf_writer_t *w)
{
    const bf_writer_args_t *a = w->a;
    bf_buf_t b = BF_BUF_INIT;
    part_head_t h = {PART_MAGIC, (uint32_t)w->tree.n, 0, 0};
    int rc = -1;
    uint32_t n_pages = a->pages ? a->pages->n_pages : 0;
    for (uint32_t id = 0; w->deps_of && id < n_pages; id++)
        h.deps += w->deps_of[id].ids != NULL;
    if (bf_buf_append(&b, &h, sizeof h) < 0)
        goto out;
    for (size_t i = 0; i < w->tree.n; i++) {
        const bf_manifest_entry_t *e = &w->tree.e[i];
        part_entry_t r = {e->size, e->digest, w->page_of[i], e->len};
        if (bf_buf_append(&b, &r, sizeof r) < 0 || bf_buf_append(&b, e->path, e->len) < 0 ||
            pad8(&b) < 0)
            goto out;
    }
    for (uint32_t id = 0; w->deps_of && id < n_pages; id++) {
        const bf_farm_deps_ref_t *d = &w->deps_of[id];
        part_deps_t r = {id, d->n, d->digest};
        if (d->ids && (bf_buf_append(&b, &r, sizeof r) < 0 ||
                       bf_buf_append(&b, d->ids, (size_t)d->n * 4) < 0 || pad8(&b) < 0))
            goto out;
    }
    int fd = a->parts[a->writer];
    for (size_t at = 0; at < b.len;) {
        ssize_t k = pwrite(fd, b.data + at, b.len - at, (off_t)at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            goto out;
        at += (size_t)k;
    }
    rc = 0;
    /* the count publishes the part (release); the lead sleeps on it */
    atomic_fetch_add(&a->ctl->writers_done, 1);
    bf_futex_wake(&a->ctl->writers_done, 1);
out:
    if (rc < 0)
        bf_log_error("writer %u cannot record what it wrote: %s", a->writer, strerror(errno));
    bf_buf_free(&b);
    return rc;
}

/* Every other writer has recorded its part (or the build failed: -1). */
static int wait_parts(bf_writer_t *w)
{
    bf_farm_ctl_t *ctl = w->a->ctl;
    for (;;) {
        uint32_t done = atomic_load(&ctl->writers_done);
        if (done >= w->a->n_writers - 1)
            return 0;
        if (atomic_load(&ctl->failed))
            return -1; /* the coordinator stops us */
        if (bf_futex_wait(&ctl->writers_done, done, 1000) < 0 && errno == EINTR &&
            bf_ctx.stop_signal)
            return -1;
    }
}

/* Part g into w's tree.  0, or -1 (a collision or a bad part, logged). */
static int merge_part(bf_writer_t *w, unsigned g)
{
    int fd = w->a->parts[g];
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(part_head_t)) {
        bf_log_error("internal error: writer %u left no record of what it wrote", g);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    const char *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        bf_log_error("cannot read what writer %u wrote: %s", g, strerror(errno));
        return -1;
    }
    /* kept mapped: deps lists point into it until the page cache is saved */
    part_head_t h;
    memcpy(&h, p, sizeof h);
    size_t at = sizeof h;
    uint32_t n_pages = w->a->pages ? w->a->pages->n_pages : 0;
    if (h.magic != PART_MAGIC)
        goto bad;
    for (uint32_t i = 0; i < h.entries; i++) {
        part_entry_t e;
        if (size - at < sizeof e)
            goto bad;
        memcpy(&e, p + at, sizeof e);
        at += sizeof e;
        if (e.len >= BF_PATH_MAX || size - at < e.len)
            goto bad;
        char *path = bf_arena_strndup(w->arena, p + at, e.len);
        at += (e.len + 7u) & ~7u;
        const char *who = path ? bf_writer_owner(w, e.page, path) : NULL;
        if (!who) {
            bf_log_error("out of memory");
            return -1;
        }
        if (bf_writer_claim(w, path, who) < 0) {
            w->complete = false; /* two writers wrote there: unknown bytes */
            bf_log_debug("found merging writer %u's files into the lead's", g);
            return -1;
        }
        if (bf_writer_add(w, path, e.len, e.size, e.digest, e.page) < 0) {
            bf_log_error("out of memory");
            return -1;
        }
    }
    for (uint32_t i = 0; i < h.deps; i++) {
        part_deps_t d;
        if (size - at < sizeof d)
            goto bad;
        memcpy(&d, p + at, sizeof d);
        at += sizeof d;
        if (d.page >= n_pages || (size - at) / 4 < d.n || !w->deps_of)
            goto bad;
        w->deps_of[d.page] = (bf_farm_deps_ref_t){(const uint32_t *)(p + at), d.n, d.digest};
        at += ((size_t)d.n * 4 + 7u) & ~(size_t)7u;
    }
    return 0;
bad:
    bf_log_error("internal error: writer %u's record of what it wrote is damaged", g);
    return -1;
}

int bf_publish_merge(bf_writer_t *w)
{
    if (wait_parts(w) < 0)
        return -1;
    w->complete = false; /* until every part is in */
    for (unsigned g = 1; g < w->a->n_writers; g++)
        if (merge_part(w, g) < 0)
            return -1;
    w->complete = true;
    return 0;
}

/* --fsync: the staged tree reaches the disk before it is published, so a
 * power loss after the exchange cannot leave empty files in it.  syncfs
 * writes back every file of the filesystem in one call, far cheaper than
 * an fsync per file. */
static int sync_staging(const bf_writer_t *w)
{
    if (!w->a->fsync || syncfs(w->dirfd) == 0)
        return 0;
    bf_log_at(BF_LOG_ERROR, w->a->staging, 0, 0, "cannot sync: %s", strerror(errno));
    return -1;
}

/* --fsync: the rename itself reaches the disk (the directory holding the
 * output).  A failure here is only warned: the tree is published. */
static void sync_parent(const bf_writer_t *w)
{
    if (!w->a->fsync)
        return;
    char parent[BF_PATH_MAX];
    int fd = bf_path_parent(w->a->output, parent, sizeof parent)
                 ? open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0 || fsync(fd) < 0)
        bf_log_at(BF_LOG_WARN, parent, 0, 0, "cannot sync: %s", strerror(errno));
    if (fd >= 0)
        close(fd);
}

/* The build-kill-removing fault's countdown: when it reaches 0, the
 * whole build is killed (the coordinator first, so it cannot clean up). */
static void kill_countdown(void *arg)
{
    uint32_t *left = arg;
    if (*left == 0) {
        kill(getppid(), SIGKILL);
        raise(SIGKILL);
    }
    --*left;
}

/* The standby's files that the new tree does not have, and the
 * directories they leave empty. */
static void remove_stale(bf_writer_t *w)
{
    const bf_output_t *o = w->a->out;
    if (!o || !o->has_standby)
        return;
    for (size_t i = 0; i < o->standby.n; i++) {
        const bf_manifest_entry_t *e = &o->standby.e[i];
        if (bf_manifest_get(&w->tree, e->path, e->len))
            continue;
        if (unlinkat(w->dirfd, e->path, 0) < 0 && errno != ENOENT) {
            bf_log_at(BF_LOG_WARN, e->path, 0, 0, "cannot remove from %s: %s", w->a->staging,
                      strerror(errno));
            continue;
        }
        w->removed++;
        char dir[BF_PATH_MAX];
        snprintf(dir, sizeof dir, "%s", e->path);
        for (char *slash; (slash = strrchr(dir, '/'));) {
            *slash = '\0';
            if (unlinkat(w->dirfd, dir, AT_REMOVEDIR) < 0)
                break; /* not empty: its parents are not either */
        }
    }
}

/* The new tree's manifest, saved under the staging directory's identity
 * (which the exchange carries to OUT).  A failure only costs the next
 * build its comparisons: warned. */
static void save_manifest(bf_writer_t *w, bf_manifest_t *m)
{
    const bf_output_t *o = w->a->out;
    if (!o || o->state_fd < 0)
        return;
    if (bf_tree_id(AT_FDCWD, w->a->staging, &m->id) < 0 && errno == EOPNOTSUPP) {
        /* no birth times on this filesystem: no manifests (manifest.h) */
        bf_log_debug("%s: no birth time here: every build writes every file",
                     w->a->staging);
        return;
    }
    if (!m->id.ino || bf_manifest_save(m, o->state_fd, o->new_slot, w->a->fsync) < 0)
        bf_log_warn("cannot save the output manifest (%s): the next build writes every file "
                    "again", strerror(errno));
}

/* Every writer's temporary (all are done with them): none is published,
 * none is left in a tree a manifest describes. */
static void remove_tmp(bf_writer_t *w)
{
    char name[32];
    for (unsigned g = 0; g < w->a->n_writers || g == 0; g++) {
        bf_writer_tmp_name(g, name, sizeof name);
        unlinkat(w->dirfd, name, 0);
    }
}

/* A build that failed after files went into the staging directory:
 * describe what it holds now (the standby's files, some replaced), so the
 * next build patches it rather than removing it.  A fresh tree written in
 * place may hold a half-written file: it is not described (removed by
 * the next build). */
void bf_publish_describe_failed(bf_writer_t *w)
{
    const bf_output_t *o = w->a->out;
    if (!o || w->in_place || w->a->dry_run || w->a->writer != 0 || !w->complete ||
        (!o->has_standby && !w->tree.n))
        return; /* nothing staged worth keeping, or not known whole: the tree goes */
    bf_manifest_t m;
    bf_manifest_init(&m, w->arena);
    for (size_t i = 0; o->has_standby && i < o->standby.n; i++) {
        const bf_manifest_entry_t *e = &o->standby.e[i];
        if (bf_manifest_put(&m, e->path, e->len, e->size, e->digest) < 0)
            return;
    }
    for (size_t i = 0; i < w->tree.n; i++) {
        const bf_manifest_entry_t *e = &w->tree.e[i];
        if (bf_manifest_put(&m, e->path, e->len, e->size, e->digest) < 0)
            return;
    }
    remove_tmp(w);
    save_manifest(w, &m);
}

/* The one moment the output changes: swap staging and output.  The old
 * tree, now at the staging path, stays as the next build's standby when a
 * manifest describes it; otherwise it is removed. */
int bf_publish_swap(bf_writer_t *w)
{
    const char *out = w->a->output, *stg = w->a->staging;
    const bf_output_t *o = w->a->out;
    remove_stale(w);
    atomic_fetch_add(&w->a->ctl->files_removed, w->removed);
    remove_tmp(w);
    save_manifest(w, &w->tree);
    if (o && o->state_fd >= 0 && atomic_load(&w->a->ctl->build_time_read))
        bf_pagecache_forget(o->state_fd); /* pages that show the time of their build */
    else if (o && o->state_fd >= 0 && w->a->pages && w->a->sums &&
        bf_pagecache_save(w->a->pages, w->a->snap, w->a->sums, &w->tree, w->page_of,
                          w->deps_of, o->state_fd, w->a->fsync) < 0)
        bf_log_warn("cannot save the page cache (%s): the next build renders every page",
                    strerror(errno));
    if (sync_staging(w) < 0)
        return -1;
    if (renameat2(AT_FDCWD, stg, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
        if (w->a->fault.kind == BF_FAULT_WRITER_KILL_AFTER_SWAP)
            raise(SIGKILL); /* test hook: published, the old tree not yet removed */
        uint32_t left = w->a->fault.arg;
        bool kill_all = w->a->fault.kind == BF_FAULT_BUILD_KILL_REMOVING;
        sync_parent(w);
        if (o && o->has_published && !kill_all)
            return 0; /* the old tree is the next build's standby */
        if (o && o->published_slot >= 0) /* a tree being removed is described by nothing */
            bf_manifest_drop(o->state_fd, (unsigned)o->published_slot, false);
        if (bf_output_remove(stg, kill_all ? kill_countdown : NULL, &left) < 0) /* the old tree */
            bf_log_at(BF_LOG_WARN, stg, 0, 0, "cannot remove the previous output: %s",
                      strerror(errno));
        return 0;
    }
    if (errno == ENOENT && rename(stg, out) == 0) { /* first build */
        sync_parent(w);
        return 0;
    }
    bf_log_at(BF_LOG_ERROR, out, 0, 0, "cannot publish the new output: %s", strerror(errno));
    return -1;
}
