/*
 * coordinator/shard.c - one site built by several machines (see shard.h).
 *
 * Files under SHARED (cache files, shared/cachefile.h, so each carries a
 * checksum and is replaced atomically):
 *
 *     plan/            the plan's state directory (snapshot.bfs, lock)
 *     plan/plan        "PLAN": u32 count, u32 zero, i64 now,
 *                      u64 snapshot_lo, snapshot_hi
 *     shards/I/state/  shard I's state directory (its page cache...)
 *     shards/I/out/    shard I's output tree
 *     shards/I/done    "SHRD": u64 plan_lo, plan_hi, u32 index, count,
 *                      u64 pages_lo, pages_hi, u32 has_pages, zero
 *     merge/           the merge's state directory
 */
#include "coordinator/shard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/cachefile.h"
#include "shared/fs.h"
#include "shared/log.h"

#define PLAN_KIND BF_CACHE_KIND('P', 'L', 'A', 'N')
#define DONE_KIND BF_CACHE_KIND('S', 'H', 'R', 'D')
#define FORMAT_VERSION 1

typedef struct {
    uint32_t count, zero;
    int64_t now;
    uint64_t snap_lo, snap_hi;
} plan_rec_t;

typedef struct {
    uint64_t plan_lo, plan_hi;
    uint32_t index, count;
    uint64_t pages_lo, pages_hi;
    uint32_t has_pages, zero;
} done_rec_t;

bf_digest_t bf_shard_snapshot_digest(const bf_snap_t *snap)
{
    size_t len;
    const void *p = bf_snap_bytes(snap, &len);
    return bf_hash128(p, len);
}

uint32_t bf_shard_of(const bf_snap_t *snap, uint32_t wave, uint32_t count)
{
    const bf_snap_wave_t *w = bf_snap_wave(snap, wave);
    if (w->pages.count == 0)
        return 0;
    const char *out = bf_snap_str(snap, bf_snap_page(snap, bf_snap_ids(snap, w->pages)[0])->output);
    return (uint32_t)(bf_hash64(out, strlen(out)) % count);
}

uint8_t *bf_shard_waves(const bf_snap_t *snap, uint32_t index, uint32_t count)
{
    uint32_t n = bf_snap_count(snap, BF_SNAP_T_WAVES);
    const bf_snap_site_t *site = bf_snap_site(snap);
    uint8_t *mine = calloc(n ? n : 1, 1);
    if (!mine) {
        bf_log_error("out of memory");
        return NULL;
    }
    for (uint32_t w = site->level_waves[0]; w < site->level_waves[1]; w++)
        mine[w] = bf_shard_of(snap, w, count) == index;
    return mine;
}

uint32_t *bf_shard_pages(const bf_snap_t *snap, uint32_t count)
{
    uint32_t n = bf_snap_count(snap, BF_SNAP_T_PAGES);
    const bf_snap_site_t *site = bf_snap_site(snap);
    uint32_t *owner = malloc((n ? n : 1) * sizeof *owner);
    if (!owner) {
        bf_log_error("out of memory");
        return NULL;
    }
    memset(owner, 0xff, (n ? n : 1) * sizeof *owner); /* BF_SHARD_NONE */
    for (uint32_t w = site->level_waves[0]; w < site->level_waves[1]; w++) {
        const bf_snap_wave_t *wv = bf_snap_wave(snap, w);
        const uint32_t *ids = bf_snap_ids(snap, wv->pages);
        uint32_t k = bf_shard_of(snap, w, count);
        for (uint32_t i = 0; i < wv->pages.count; i++)
            owner[ids[i]] = k;
    }
    return owner;
}

static int index_of(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v >= BF_SHARD_MAX) /* strtoul takes " -1" */
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int bf_shard_parse(const char *arg, uint32_t *index, uint32_t *count, const char **why)
{
    *count = 0;
    if (strcmp(arg, "auto") == 0) {
        const char *v = getenv("SLURM_ARRAY_TASK_ID"), *name = "SLURM_ARRAY_TASK_ID";
        if (!v || !*v) {
            v = getenv("JOB_COMPLETION_INDEX");
            name = "JOB_COMPLETION_INDEX";
        }
        if (!v || !*v) {
            *why = "auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor "
                   "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set";
            return -1;
        }
        if (index_of(v, index) < 0) {
            *why = strcmp(name, "SLURM_ARRAY_TASK_ID") == 0
                       ? "auto: SLURM_ARRAY_TASK_ID is not a shard number"
                       : "auto: JOB_COMPLETION_INDEX is not a shard number";
            return -1;
        }
        const char *n = getenv("SLURM_ARRAY_TASK_COUNT");
        if (strcmp(name, "SLURM_ARRAY_TASK_ID") == 0 && n && *n &&
            (index_of(n, count) < 0 || *count == 0)) {
            *why = "auto: SLURM_ARRAY_TASK_COUNT is not a number of shards";
            return -1;
        }
        return 0;
    }
    const char *slash = strchr(arg, '/');
    char first[16];
    if (!slash || (size_t)(slash - arg) >= sizeof first) {
        *why = "expected I/N (shard I of N, from 0) or auto";
        return -1;
    }
    memcpy(first, arg, (size_t)(slash - arg));
    first[slash - arg] = '\0';
    if (index_of(first, index) < 0 || index_of(slash + 1, count) < 0 || *count == 0 ||
        *index >= *count) {
        *why = "expected I/N with 0 <= I < N <= 4095";
        return -1;
    }
    return 0;
}

int bf_shard_path(char *out, size_t cap, const char *shared, uint32_t index, const char *what)
{
    int n = index == BF_SHARD_NONE ? snprintf(out, cap, "%s/%s", shared, what)
                                   : snprintf(out, cap, "%s/shards/%u%s%s", shared, index,
                                              *what ? "/" : "", what);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* dir (made when missing), opened; -1 logged. */
static int open_dir(const char *dir)
{
    int fd = -1;
    if (bf_fs_mkdir_p(dir, 0777) < 0 ||
        (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "cannot open: %s", strerror(errno));
    return fd;
}

/* Writes record rec (size bytes) as name in dir (made when missing).  0,
 * or -1 logged (what says which record). */
static int write_record(const char *dir, const char *name, uint32_t kind, const void *rec,
                        size_t size, const char *what)
{
    int fd = open_dir(dir);
    if (fd < 0)
        return -1;
    struct iovec iov = {(void *)rec, size};
    int rc = bf_cache_write(fd, name, kind, FORMAT_VERSION, &iov, 1, 1);
    if (rc < 0)
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "cannot write %s: %s", what, strerror(errno));
    close(fd);
    return rc;
}

/* Reads record name of dir into rec (exactly size bytes): 1, 0 when
 * there is none, -1 rejected (*why). */
static int read_record(const char *dir, const char *name, uint32_t kind, void *rec, size_t size,
                       const char **why)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bf_buf_t b = BF_BUF_INIT;
    *why = "malformed";
    int rc = fd < 0 ? 0 : bf_cache_read(fd, name, kind, FORMAT_VERSION, 0, &b, why);
    if (fd >= 0)
        close(fd);
    if (rc == 1 && b.len != size) {
        *why = "malformed";
        rc = -1;
    }
    if (rc == 1)
        memcpy(rec, b.data, size);
    bf_buf_free(&b);
    return rc;
}

static bf_digest_t plan_id(const plan_rec_t *r)
{
    return bf_hash128(r, sizeof *r);
}

int bf_shard_plan_save(const char *shared, bf_shard_plan_t *p)
{
    char dir[BF_PATH_MAX];
    if (bf_shard_path(dir, sizeof dir, shared, BF_SHARD_NONE, "plan") < 0) {
        bf_log_error("%s: path too long", shared);
        return -1;
    }
    plan_rec_t r = {p->count, 0, p->now, p->snapshot.lo, p->snapshot.hi};
    p->id = plan_id(&r);
    return write_record(dir, "plan", PLAN_KIND, &r, sizeof r, "the plan");
}

int bf_shard_plan_load(const char *shared, bf_shard_plan_t *p)
{
    char dir[BF_PATH_MAX];
    if (bf_shard_path(dir, sizeof dir, shared, BF_SHARD_NONE, "plan") < 0) {
        bf_log_error("%s: path too long", shared);
        return -1;
    }
    plan_rec_t r;
    const char *why;
    int rc = read_record(dir, "plan", PLAN_KIND, &r, sizeof r, &why);
    if (rc == 1 && r.count > 0 && r.count <= BF_SHARD_MAX) {
        *p = (bf_shard_plan_t){r.count, r.now, {r.snap_lo, r.snap_hi}, plan_id(&r)};
        return 0;
    }
    if (rc == 0)
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "no plan here: run `bengal-farm plan SITE --shards N "
                  "--cache-dir %s` first", shared);
    else
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "the plan is unreadable (%s): run `bengal-farm "
                  "plan` again", why);
    return -1;
}

int bf_shard_forget(const char *shared, uint32_t index)
{
    char dir[BF_PATH_MAX];
    if (bf_shard_path(dir, sizeof dir, shared, index, "") < 0) {
        bf_log_error("%s: path too long", shared);
        return -1;
    }
    int fd = open_dir(dir);
    if (fd < 0)
        return -1;
    int rc = unlinkat(fd, "done", 0) < 0 && errno != ENOENT ? -1 : 0;
    if (rc == 0)
        rc = fsync(fd); /* gone before anything of the new build is */
    if (rc < 0)
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "cannot remove the shard's record: %s",
                  strerror(errno));
    close(fd);
    return rc;
}

int bf_shard_done(const char *shared, const bf_shard_plan_t *p, uint32_t index)
{
    char dir[BF_PATH_MAX], state[BF_PATH_MAX];
    if (bf_shard_path(dir, sizeof dir, shared, index, "") < 0 ||
        bf_shard_path(state, sizeof state, shared, index, "state") < 0) {
        bf_log_error("%s: path too long", shared);
        return -1;
    }
    int sfd = open(state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bf_digest_t pages = {0, 0};
    const char *why = "";
    int has = sfd < 0 ? 0 : bf_pagecache_digest(sfd, &pages, &why);
    if (sfd >= 0)
        close(sfd);
    if (has < 0) {
        bf_log_at(BF_LOG_ERROR, state, 0, 0, "the shard's page cache is unreadable (%s)", why);
        return -1;
    }
    done_rec_t r = {p->id.lo, p->id.hi, index, p->count, pages.lo, pages.hi, (uint32_t)has, 0};
    return write_record(dir, "done", DONE_KIND, &r, sizeof r, "the shard's record");
}

/* Shard index's record for plan p into *r: 0, or -1 after one error
 * naming the shard and what to do. */
static int load_done(const char *shared, const bf_shard_plan_t *p, uint32_t index, done_rec_t *r)
{
    char dir[BF_PATH_MAX];
    if (bf_shard_path(dir, sizeof dir, shared, index, "") < 0) {
        bf_log_error("%s: path too long", shared);
        return -1;
    }
    const char *why;
    int rc = read_record(dir, "done", DONE_KIND, r, sizeof *r, &why);
    if (rc == 0) {
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "shard %u of %u has not finished: build it "
                  "(bengal-farm build --shard %u/%u)", index, p->count, index, p->count);
        return -1;
    }
    if (rc < 0) {
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "shard %u of %u has a corrupt record (%s): build "
                  "it again", index, p->count, why);
        return -1;
    }
    if (r->plan_lo != p->id.lo || r->plan_hi != p->id.hi || r->index != index ||
        r->count != p->count) {
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "shard %u of %u belongs to another plan (it was "
                  "built as shard %u of %u of another snapshot or build time): build it again",
                  index, p->count, r->index, r->count);
        return -1;
    }
    return 0;
}

int bf_shard_check_all(const char *shared, const bf_shard_plan_t *p)
{
    int rc = 0;
    for (uint32_t i = 0; i < p->count; i++) {
        done_rec_t r;
        if (load_done(shared, p, i, &r) < 0)
            rc = -1;
    }
    return rc;
}

int bf_shard_take(bf_pagecache_t *pc, const bf_snap_t *snap, const char *shared,
                  const bf_shard_plan_t *p)
{
    /* the pages of each shard, bucketed once: ids[start[k]..start[k+1]) */
    uint32_t n = bf_snap_count(snap, BF_SNAP_T_PAGES);
    uint32_t *owner = bf_shard_pages(snap, p->count);
    uint32_t *start = calloc(p->count + 2, sizeof *start);
    uint32_t *ids = malloc((n ? n : 1) * sizeof *ids);
    int rc = -1;
    if (!owner || !start || !ids) {
        bf_log_error("out of memory");
        goto done;
    }
    for (uint32_t id = 0; id < n; id++)
        if (owner[id] != BF_SHARD_NONE)
            start[owner[id] + 2]++;
    for (uint32_t k = 2; k < p->count + 2; k++)
        start[k] += start[k - 1];
    for (uint32_t id = 0; id < n; id++) /* start[k + 1]: where shard k's next id goes */
        if (owner[id] != BF_SHARD_NONE)
            ids[start[owner[id] + 1]++] = id;
    uint32_t taken = 0;
    for (uint32_t i = 0; i < p->count; i++) {
        done_rec_t r;
        char state[BF_PATH_MAX], tree[BF_PATH_MAX], label[32];
        if (load_done(shared, p, i, &r) < 0)
            goto done;
        if (bf_shard_path(state, sizeof state, shared, i, "state") < 0 ||
            bf_shard_path(tree, sizeof tree, shared, i, "out") < 0) {
            bf_log_error("%s: path too long", shared);
            goto done;
        }
        snprintf(label, sizeof label, "shard %u", i);
        int fd = open(state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        bf_digest_t d = {0, 0};
        int taken_here = 0;
        uint32_t stale = 0;
        if (fd >= 0) {
            taken_here = bf_pagecache_add_source(pc, snap, fd, tree, label, ids + start[i],
                                                 start[i + 1] - start[i], &d, &stale);
            close(fd);
        }
        if (taken_here < 0)
            goto done;
        bool has = pc->n_sources && pc->sources[pc->n_sources - 1].file.len;
        if (fd < 0 || has != (r.has_pages != 0) || d.lo != r.pages_lo || d.hi != r.pages_hi) {
            bf_log_at(BF_LOG_ERROR, state, 0, 0, "the page cache of shard %u is not the one "
                      "it finished with (changed since): build shard %u again", i, i);
            goto done;
        }
        if (stale)
            bf_log_warn("shard %u: %u of its pages were rendered by another bengal-farm or "
                        "with other options than this merge's: rendered again here", i, stale);
        bf_log_debug("shard %u: %d pages taken from %s", i, taken_here, tree);
        taken += (uint32_t)taken_here;
    }
    bf_log_debug("%u pages taken from %u shards", taken, p->count);
    rc = 0;
done:
    free(ids);
    free(start);
    free(owner);
    return rc;
}
