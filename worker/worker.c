/*
 * worker/worker.c - the worker process (see worker.h).
 *
 * The loop: finish the wave a dead predecessor left in this slot, if any;
 * then take waves of the current level with a fetch-add and claim each
 * with a CAS of its owner word (shared/farm.h) until the level is
 * exhausted; sweep the level for waves a dead worker took but never
 * claimed or that the coordinator released; sleep on the wake word until
 * the level is complete or waves are released, and go on.  Nothing here
 * spins: an idle worker is asleep in futex(2).
 */
#include "worker/worker.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/clock.h"
#include "shared/futex.h"
#include "shared/log.h"
#include "shared/ring.h"
#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/profile.h"
#include "shared/zstd.h"
#include "snapshot-format/reader.h"
#include "worker/highlight.h"
#include "worker/markdown.h"
#include "worker/render.h"
#include "worker/theme.h"

typedef struct {
    const bf_farm_worker_args_t *a;
    bf_farm_slot_t *slot;
    bf_render_t *r;
    bf_arena_t *arena;
    bf_buf_t out;
    bf_tmpl_profile_t *prof; /* --profile-templates: this process's counts */
    bf_farm_deps_t deps;     /* the summaries the list page being rendered
                                read (level 1, with a page cache) */
    bf_zstd_t *zstd;         /* --precompress: this process's compressor */
    bf_buf_t zout;           /* its output */
} worker_t;


static void die(int status, const char *why)
{
    if (why)
        bf_log_error("%s", why);
    _exit(status);
}

/* Test hook (BENGAL_FAULT): die here as a crash or the OOM killer would. */
static void maybe_fault(const worker_t *w, uint32_t page)
{
    const bf_fault_t *f = &w->a->fault;
    if (page != f->arg)
        return;
    if (f->kind == BF_FAULT_WORKER_CRASH_ALWAYS ||
        (f->kind == BF_FAULT_WORKER_CRASH && w->a->kills[page] == 0)) {
        signal(SIGSEGV, SIG_DFL); /* a real crash, even under ASan */
        raise(SIGSEGV);
    }
    if (f->kind == BF_FAULT_WORKER_OOM && w->a->kills[page] == 0)
        raise(SIGKILL);
    if (f->kind == BF_FAULT_WORKER_KILL_MID_RECORD &&
        !atomic_exchange(&w->a->ctl->fault_fired, 1))
        ((bf_ring_t *)w->a->ring)->kill_mid_record = true;
    while (f->kind == BF_FAULT_WORKER_HANG)
        pause();
}

/* Test hook (BENGAL_FAULT worker-rlimit-as): a memory limit on this
 * worker alone, arg MiB above what it maps at its start. */
static void limit_memory(const bf_fault_t *f)
{
    if (f->kind != BF_FAULT_WORKER_RLIMIT_AS)
        return;
    FILE *st = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (st) {
        if (fscanf(st, "%lu", &pages) != 1)
            pages = 0;
        fclose(st);
    }
    rlim_t lim = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)f->arg << 20);
    struct rlimit rl = {lim, lim};
    setrlimit(RLIMIT_AS, &rl);
}

static void push_bytes(worker_t *w, uint32_t id, const char *path, const void *data, size_t len)
{
    atomic_store_explicit(&w->slot->pushing, 1, memory_order_relaxed);
    if (bf_ring_push(w->a->ring, id, path, data, len) < 0)
        die(2, NULL); /* shut down (the build is stopping) or interrupted */
    atomic_store_explicit(&w->slot->pushing, 0, memory_order_relaxed);
}

/* --precompress: path.zst beside path, which holds data[0..n): the
 * one the trees already hold when path is unchanged (a KEEP record),
 * else compressed here (never in the writer: it is one process for all). */
static void push_zst(worker_t *w, uint32_t id, const char *path, const void *data, size_t n)
{
    char zpath[BF_PATH_MAX];
    if (!w->zstd || !bf_zstd_wanted(path) ||
        snprintf(zpath, sizeof zpath, "%s.zst", path) >= (int)sizeof zpath)
        return;
    uint32_t owner = id == BF_FARM_NONE ? BF_FARM_RECORD_NOPAGE : id;
    struct {
        uint64_t size;
        bf_digest_t digest;
    } kept;
    if (w->a->lookup && w->a->lookup(w->a->lookup_ctx, path, n, bf_hash128(data, n), zpath,
                                     &kept.size, &kept.digest)) {
        push_bytes(w, owner | BF_FARM_RECORD_KEEP, zpath, &kept, sizeof kept);
        return;
    }
    if (bf_zstd_compress(w->zstd, data, n, &w->zout) < 0)
        die(1, "out of memory compressing an output");
    push_bytes(w, id, zpath, w->zout.data, w->zout.len);
}

static void push(worker_t *w, uint32_t id, const char *path)
{
    const char *data = w->out.data ? w->out.data : "";
    push_bytes(w, id, path, data, w->out.len);
    push_zst(w, id, path, data, w->out.len);
}

/* --precompress: the .zst of every text file of static/ (symlinks are
 * not published: skipped) and of the theme's stylesheet and script (not
 * when static/ replaces them), after the first aggregate: a wave, so a
 * worker that dies here has it done again. */
static void zst_tree(worker_t *w, const char *rel, unsigned depth)
{
    DIR *d = bf_fs_opendir_at(w->a->root_fd, rel);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        char src[BF_PATH_MAX];
        struct stat st;
        if (snprintf(src, sizeof src, "%s/%s", rel, e->d_name) >= (int)sizeof src ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < 64)
            zst_tree(w, src, depth + 1);
        if (!S_ISREG(st.st_mode) || !bf_zstd_wanted(src))
            continue;
        bf_buf_reset(&w->out);
        if (bf_fs_read_file_at(w->a->root_fd, src, 0, &w->out) < 0)
            continue; /* the writer's copy says what is wrong with it */
        push_zst(w, BF_FARM_NONE, src + strlen("static/"), w->out.data ? w->out.data : "",
                 w->out.len);
    }
    if (d)
        closedir(d);
}

static void zst_static(worker_t *w)
{
    if (!w->zstd)
        return;
    zst_tree(w, "static", 0);
    const bf_snap_t *s = w->a->snap;
    for (uint32_t i = 0; i < bf_snap_count(s, BF_SNAP_T_PAGES); i++) {
        const bf_snap_page_t *p = bf_snap_page(s, i);
        const bf_snap_str_t *res = p->source.len ? bf_snap_strs(s, p->resources) : NULL;
        for (uint32_t k = 0; res && k < p->resources.count; k++) { /* bundle files */
            char to[BF_PATH_MAX];
            const char *src = bf_snap_str(s, res[k]);
            bf_buf_reset(&w->out);
            if (!bf_zstd_wanted(src) || !bf_snap_resource_output(s, p, k, to, sizeof to))
                continue;
            int fd = bf_fs_open_beneath(w->a->root_fd, src, O_RDONLY | O_NOFOLLOW, 0);
            if (fd < 0)
                continue; /* a symlink is not published (the writer says so) */
            close(fd);
            if (bf_fs_read_file_at(w->a->root_fd, src, 0, &w->out) == 0)
                push_zst(w, BF_FARM_NONE, to, w->out.data ? w->out.data : "", w->out.len);
        }
    }
    for (const bf_tmpl_embed_t *e = bf_theme_assets; e->name; e++) {
        char path[BF_PATH_MAX], over[BF_PATH_MAX + 8];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", BF_SNAP_THEME_DIR, e->name);
        snprintf(over, sizeof over, "static/%s", path);
        if (bf_fs_stat_at(w->a->root_fd, over, &st) == 0)
            continue; /* the site's own replaces it: done above */
        push_zst(w, BF_FARM_NONE, path, e->src, e->len);
    }
}

/* A regular page the coordinator found unchanged: its summary goes into
 * the table (list pages read it), its files are the writer's to keep.
 * 1 when reused. */
static int reuse_page(worker_t *w, uint32_t id)
{
    const bf_farm_summary_ref_t *r = &w->a->reused[id];
    if (!r->excerpt)
        return 0;
    bf_farm_summary_t *sum = &w->a->summaries[id];
    sum->word_count = r->word_count;
    sum->reading_time = r->reading_time;
    sum->flags = r->flags;
    sum->excerpt_len = r->excerpt_len;
    memcpy(sum->excerpt, r->excerpt, r->excerpt_len);
    sum->cache = BF_FARM_SUM_REUSED;
    atomic_store_explicit(&sum->ready, 1, memory_order_release);
    return 1;
}

/* A list page that may be reused (shared/farm.h): is what it read last
 * time still what it would read?  Then its files are reused (a REUSE
 * record) and 1 is returned. */
static int reuse_list_page(worker_t *w, uint32_t id, const char *path)
{
    const bf_farm_deps_ref_t *c = w->a->candidates ? &w->a->candidates[id] : NULL;
    if (!c || !c->ids ||
        !bf_digest_eq(bf_farm_deps_digest(w->a->page_meta, w->a->summaries, c->ids, c->n),
                      c->digest))
        return 0;
    push_bytes(w, id | BF_FARM_RECORD_REUSE, path, "", 0);
    w->a->summaries[id].cache |= BF_FARM_SUM_REUSED;
    return 1;
}

/* What page id read, with its digest, to the writer for the page cache
 * (DEPS record); a list page's digest covers the summaries too. */
static void push_deps(worker_t *w, uint32_t id, const char *path, bool list)
{
    bf_farm_deps_t *d = &w->deps;
    bf_farm_deps_finish(d);
    if (d->n > BF_FARM_DEPS_MAX)
        d->overflow = 1;
    if (d->overflow && list)
        return; /* every summary: not worth keeping, it renders next time */
    static const uint32_t all = BF_FARM_DEPS_ALL;
    const uint32_t *ids = d->overflow ? &all : d->ids;
    size_t n = d->overflow ? 1 : d->n;
    bf_digest_t dg = d->overflow ? w->a->all_meta
                                 : bf_farm_deps_digest(w->a->page_meta,
                                                       list ? w->a->summaries : NULL, ids, n);
    bf_buf_reset(&w->out);
    if (bf_buf_append(&w->out, &dg, sizeof dg) < 0 ||
        bf_buf_append(&w->out, ids, n * sizeof *ids) < 0)
        die(1, "out of memory");
    push_bytes(w, id | BF_FARM_RECORD_DEPS, path, w->out.data, w->out.len); /* no .zst */
}

/* Copies this process's profile into the slot's shared table (all of it:
 * the table holds the sums of every process that used the slot). */
static void save_profile(worker_t *w)
{
    bf_farm_profile_t *sp = w->a->profile;
    if (!sp || !w->prof)
        return;
    size_t n = bf_tmpl_profile_size(w->prof);
    uint32_t keep = n < BF_FARM_PROFILE_MAX ? (uint32_t)n : BF_FARM_PROFILE_MAX;
    if (keep) /* none yet: a first wave that was an aggregate (no table to copy) */
        memcpy(sp->e, bf_tmpl_profile_entries(w->prof), keep * sizeof sp->e[0]);
    sp->dropped = (uint32_t)(n - keep);
    atomic_store_explicit(&sp->n, keep, memory_order_release);
}

/* The highlighter's tally of languages it had no grammar for, copied
 * into the slot's shared table (all of it: the tally started from what
 * the slot's predecessors left, see load_langs). */
_Static_assert(BF_FARM_LANGS_MAX == BF_HL_UNKNOWN_MAX, "a slot's table holds the tally");
_Static_assert(BF_FARM_LANG_NAME == BF_HL_NAME_MAX + 1, "and its names");

static void save_langs(worker_t *w)
{
    bf_farm_langs_t *t = w->a->langs;
    bf_hl_t *hl = bf_render_highlighter(w->r);
    const char *name;
    uint32_t i = 0, pages;
    if (!t || !hl)
        return;
    for (; i < BF_FARM_LANGS_MAX && (name = bf_hl_unknown(hl, i, &pages)); i++) {
        snprintf(t->e[i].name, sizeof t->e[i].name, "%s", name);
        t->e[i].pages = pages;
    }
    if (i == 0)
        return; /* nothing to say: the table's pages stay untouched */
    uint32_t grammars = 0;
    while (bf_hl_language(grammars, NULL))
        grammars++;
    t->grammars = grammars;
    atomic_store_explicit(&t->n, i, memory_order_release);
}

static void load_langs(worker_t *w)
{
    const bf_farm_langs_t *t = w->a->langs;
    bf_hl_t *hl = bf_render_highlighter(w->r);
    if (!t || !hl)
        return;
    uint32_t n = atomic_load_explicit(&t->n, memory_order_acquire);
    for (uint32_t i = 0; i < n && i < BF_FARM_LANGS_MAX; i++)
        bf_hl_unknown_add(hl, t->e[i].name, strnlen(t->e[i].name, sizeof t->e[i].name),
                          t->e[i].pages);
}

/* Pagers 2.. of a list page, each pushed as it is rendered (pager 1 is the
 * page itself).  1 when a template failed, as bf_render_page(). */
static int push_pagers(worker_t *w, uint32_t id, uint32_t *warnings, uint32_t *errors)
{
    uint32_t np = bf_render_pagers(w->r, id);
    for (uint32_t n = 2; n <= np; n++) {
        const char *path;
        int rc = bf_render_pager(w->r, w->arena, id, n, &w->out, &path, warnings, errors);
        if (rc < 0)
            die(1, "out of memory");
        if (rc == 1)
            return 1;
        if (rc == 0)
            push(w, id, path);
        bf_arena_reset(w->arena); /* path lived in it */
    }
    return 0;
}

static void render_wave(worker_t *w, uint32_t wave, uint32_t from)
{
    const bf_snap_t *s = w->a->snap;
    const bf_snap_wave_t *wv = bf_snap_wave(s, wave);
    const uint32_t *ids = bf_snap_ids(s, wv->pages);
    uint64_t t0 = bf_clock_ns();
    atomic_store(&w->slot->done, from);
    atomic_store(&w->slot->wave, wave);
    if (wv->level == 2 && wv->pages.count == 0) {
        const char *path;
        if (w->a->fault.kind == BF_FAULT_AGGREGATE_CRASH_ALWAYS)
            raise(SIGKILL); /* test hook: as an OOM kill on the sitemap would */
        int rc;
        /* an aggregate may be several files (a sitemap index and its parts) */
        for (unsigned part = 0; (rc = bf_render_aggregate(w->r, wave, part, &w->out, &path)) == 0;
             part++)
            push(w, BF_FARM_NONE, path);
        if (rc < 0)
            die(1, "out of memory");
        if (wave == w->a->ctl->level_start[2])
            zst_static(w);
    }
    bool listing = wv->level == 1 && w->a->candidates;
    bool tracking = wv->level <= 1 && w->a->candidates;
    for (uint32_t i = from; i < wv->pages.count; i++) {
        uint32_t warnings = 0, errors = 0;
        const bf_snap_page_t *pg = bf_snap_page(s, ids[i]);
        if ((w->a->reused && reuse_page(w, ids[i])) ||
            (listing && reuse_list_page(w, ids[i], bf_snap_str(s, pg->output)))) {
            /* its files are in the published tree or the standby (the
             * writer keeps them), its summary is in the table: nothing
             * to render */
            atomic_store(&w->slot->done, i + 1);
            atomic_fetch_add(&w->a->ctl->pages_done, 1);
            atomic_fetch_add(&w->a->ctl->pages_reused, 1);
            continue;
        }
        maybe_fault(w, ids[i]);
        w->deps.n = 0;
        w->deps.overflow = 0;
        w->deps.on = tracking;
        int rc = bf_render_page(w->r, w->arena, ids[i], &w->out, &warnings, &errors);
        if (rc < 0)
            die(1, "out of memory");
        bf_arena_reset(w->arena);
        if (rc == 0) { /* 1: a template error, reported; the build will fail */
            const bf_snap_page_t *p = bf_snap_page(s, ids[i]);
            push(w, ids[i], bf_snap_str(s, p->output));
            for (uint32_t k = 0; k < p->aliases.count; k++) {
                const char *path;
                if (bf_render_alias(w->r, w->arena, ids[i], k, &w->out, &path) < 0)
                    die(1, "out of memory");
                push(w, ids[i], path);
            }
            bf_arena_reset(w->arena);
            rc = push_pagers(w, ids[i], &warnings, &errors);
            w->deps.on = 0;
            if (rc == 0 && tracking)
                push_deps(w, ids[i], bf_snap_str(s, pg->output), listing);
        }
        w->deps.on = 0;
        if (rc == 0 && !warnings && !errors)
            w->a->summaries[ids[i]].cache |= BF_FARM_SUM_CLEAN; /* reusable next build */
        atomic_store(&w->slot->done, i + 1);
        if (rc == 0)
            atomic_fetch_add(&w->a->ctl->pages_done, 1);
        atomic_fetch_add(&w->slot->pages, 1);
        if (warnings)
            atomic_fetch_add(&w->a->ctl->warnings, warnings);
        if (errors)
            atomic_fetch_add(&w->a->ctl->errors, errors);
        if (rc == 1) {
            /* A template that fails here fails on most pages: stop at the
             * first, as a compiler does, instead of repeating the message
             * for every page of the site.  Exit 2 is never retried. */
            atomic_store(&w->a->ctl->failed, 1);
            die(2, NULL);
        }
    }
    atomic_fetch_add(&w->slot->busy_ns, bf_clock_ns() - t0);
    save_profile(w);
    save_langs(w);
}

/* Counts a finished wave of level L; the one that ends the level moves
 * `level` on (past empty levels) and wakes every sleeping worker. */
static void wave_done(worker_t *w, uint32_t wave, uint32_t level)
{
    bf_farm_ctl_t *c = w->a->ctl;
    if (atomic_exchange(&w->a->finished_waves[wave], 1))
        return; /* counted by a predecessor that died just after */
    uint32_t count = c->level_start[level + 1] - c->level_start[level];
    if (atomic_fetch_add(&c->finished[level], 1) + 1 != count)
        return;
    uint32_t next = level + 1;
    while (next < BF_FARM_LEVELS && bf_farm_level_done(c, next)) /* empty, or not ours */
        next++;
    atomic_store(&c->level, next);
    atomic_fetch_add(&c->wake, 1);
    bf_futex_wake(&c->wake, -1);
}

/* Claims wave for this slot: 1 if it is ours now, 0 if another worker
 * (or a sweep) claimed it first. */
static int claim(worker_t *w, uint32_t wave)
{
    uint32_t free_ = 0;
    return atomic_compare_exchange_strong(&w->a->owners[wave], &free_, w->a->slot + 1);
}

static void render_claimed(worker_t *w, uint32_t wave, uint32_t level)
{
    render_wave(w, wave, 0);
    wave_done(w, wave, level); /* before the slot lets go of it */
    atomic_store(&w->slot->wave, BF_FARM_NONE);
}

/* The next wave of level from the cursor, claimed; BF_FARM_NONE when the
 * cursor has passed the level's end.  A wave claimed first by a sweeping
 * worker is skipped. */
static uint32_t take_next(worker_t *w, uint32_t level)
{
    bf_farm_ctl_t *c = w->a->ctl;
    for (;;) {
        uint32_t wave = c->level_start[level] + atomic_fetch_add(&c->next[level], 1);
        if (wave >= c->level_start[level + 1])
            return BF_FARM_NONE;
        const bf_fault_t *f = &w->a->fault;
        if (f->kind == BF_FAULT_WORKER_KILL_AT_CLAIM &&
            atomic_fetch_add(&c->claims, 1) + 1 == f->arg &&
            !atomic_exchange(&c->fault_fired, 1))
            raise(SIGKILL); /* test hook: between the fetch-add and the claim */
        if (claim(w, wave))
            return wave;
    }
}

/* A wave of level whose owner is 0 and which is not finished: taken by a
 * worker that died before claiming it, or released by the coordinator.
 * Claimed; BF_FARM_NONE when there is none. */
static uint32_t sweep(worker_t *w, uint32_t level)
{
    const bf_farm_ctl_t *c = w->a->ctl;
    for (uint32_t v = c->level_start[level]; v < c->level_start[level + 1]; v++)
        if (!atomic_load(&w->a->finished_waves[v]) && atomic_load(&w->a->owners[v]) == 0 &&
            claim(w, v))
            return v;
    return BF_FARM_NONE;
}

static uint32_t level_of(const bf_farm_ctl_t *c, uint32_t wave)
{
    uint32_t l = 0;
    while (l + 1 < BF_FARM_LEVELS && wave >= c->level_start[l + 1])
        l++;
    return l;
}

void bf_worker_main(const bf_farm_worker_args_t *a)
{
    worker_t w = {.a = a, .slot = &a->slots[a->slot]};
    bf_farm_ctl_t *c = a->ctl;
    char name[16];
    bf_ctx_init(BF_ROLE_WORKER, (int)a->slot);
    snprintf(name, sizeof name, "bf-worker-%u", a->slot);
    prctl(PR_SET_NAME, name);
    limit_memory(&a->fault);
    /* cmark-gfm's extensions are registered here, in each worker, not in
     * the coordinator before fork: cmark aborts when an allocation fails,
     * and the coordinator must survive out-of-memory with a message.  A
     * worker that dies so is replaced like any crash. */
    if (bf_md_init() < 0)
        die(1, "out of memory");
    w.r = bf_render_new(a->snap, a->summaries, a->site_dir);
    if (w.r) {
        bf_render_use_farm(w.r, a->ctl, a->broken_fd);
        bf_render_use_highlighter(w.r, a->hl);
    }
    w.arena = bf_arena_create(256 * 1024);
    if (!w.r || !w.arena)
        die(1, "out of memory");
    if (a->profile) {
        /* a predecessor in this slot may have counted already: go on from it */
        if (!(w.prof = bf_tmpl_profile_new()))
            die(1, "out of memory");
        bf_tmpl_profile_add(w.prof, a->profile->e,
                            atomic_load_explicit(&a->profile->n, memory_order_acquire));
    }
    if (bf_render_use_templates(w.r, a->tmpl_env, w.prof) < 0 ||
        bf_render_use_pack(w.r, a->pack, a->self) < 0)
        die(1, "out of memory");
    load_langs(&w);
    if (a->candidates)
        bf_render_track(w.r, &w.deps);
    for (const bf_tmpl_embed_t *e = bf_theme_assets; e->name; e++) {
        char rel[BF_PATH_MAX];
        snprintf(rel, sizeof rel, "static/%s/%s", BF_SNAP_THEME_DIR, e->name);
        struct stat st;
        bf_buf_reset(&w.out);
        if (fstatat(a->root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            bf_fs_read_file_at(a->root_fd, rel, 0, &w.out) == 0) /* the site replaces it */
            bf_render_theme_override(w.r, e->name, w.out.data ? w.out.data : "", w.out.len);
    }
    if (a->precompress && !(w.zstd = bf_zstd_new((int)a->precompress)))
        die(1, "out of memory");

    /* A replacement: drop whatever record the predecessor left open in
     * this ring, then finish the wave it held. */
    if (atomic_load(&w.slot->generation) > 1 && bf_ring_recover(a->ring) < 0)
        die(2, NULL);
    uint32_t resume = atomic_load(&w.slot->resume_wave);
    if (resume != BF_FARM_NONE) {
        render_wave(&w, resume, atomic_load(&w.slot->resume_at));
        wave_done(&w, resume, level_of(c, resume));
        atomic_store(&w.slot->wave, BF_FARM_NONE);
        atomic_store(&w.slot->resume_wave, BF_FARM_NONE);
    }
    for (;;) {
        /* wake is read before the level is looked at: a release or a level
         * change after this load makes the futex wait return at once */
        uint32_t seq = atomic_load(&c->wake);
        uint32_t level = atomic_load(&c->level);
        if (atomic_load(&c->failed))
            die(2, NULL);
        if (level >= BF_FARM_LEVELS)
            break;
        uint32_t wave = take_next(&w, level);
        if (wave == BF_FARM_NONE)
            wave = sweep(&w, level);
        if (wave != BF_FARM_NONE)
            render_claimed(&w, wave, level);
        else /* nothing left to take: sleep until the level ends or waves come back */
            bf_futex_wait(&c->wake, seq, 0);
    }
    bf_render_free(w.r);
    bf_tmpl_profile_free(w.prof);
    bf_arena_destroy(w.arena);
    bf_buf_free(&w.out);
    _exit(0);
}
