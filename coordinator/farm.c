/*
 * coordinator/farm.c - fork and supervise the render farm (see farm.h).
 *
 * Writers: n_writers processes, writer g draining the rings of its group
 * of slots (shared/farm.h, bf_farm_group) through its own doorbell.  A
 * worker's replacement is forked into the same slot, so into the same
 * ring, group and writer.  Shutdown rings every doorbell; the lead
 * (writer 0) publishes once the others have recorded their parts
 * (coordinator/publish.h).  Any writer that fails before the lead has
 * published fails the build, with the previous output intact.
 */
#include "coordinator/farm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "coordinator/output.h"
#include "coordinator/writer.h"
#include "shared/clock.h"
#include "shared/fs.h"
#include "shared/futex.h"
#include "shared/log.h"
#include "shared/ring.h"
#include "shared/shm.h"

#define MAX_IDLE_DEATHS 3 /* workers dying outside any page, in a row */

typedef struct {
    const bf_farm_opts_t *o;
    const bf_farm_roles_t *roles;
    bf_shm_t shm;
    bf_farm_layout_t lay;
    bf_farm_ctl_t *ctl;
    bf_farm_slot_t *slots;
    bf_ring_bell_t *bells;       /* one per writer */
    bf_ring_t *rings;
    bf_farm_worker_args_t *args; /* one per slot */
    const char *staging;         /* NULL: nothing staged (`check`) */
    int broken_fd;               /* memfd of broken-link records */
    uint8_t *wave_deaths;        /* per wave: workers that died holding it
                                    outside any page (a site-wide output) */
    unsigned n_writers;
    pid_t *writers;              /* by index; 0 when exited */
    int *parts;                  /* per writer: its part (publish.h), or -1 */
    pid_t *workers;              /* by slot; 0 when exited */
    unsigned alive;
    unsigned idle_deaths;
    bf_farm_report_t *rep;
    double t_fork;               /* when the children were started */
    uint32_t to_render;          /* pages of the waves this build renders
                                    (a shard's part; else all): the
                                    progress line's total */
    struct watch {               /* per slot: what the watchdog last saw */
        uint32_t wave, done, generation;
        double since;            /* when it last changed */
        bool killed;             /* the watchdog stopped this process */
    } *watch;
} farm_t;

static void on_signal(int sig)
{
    if (sig == SIGALRM)
        bf_ctx.tick = 1;
    else
        bf_ctx.stop_signal = sig;
}

static void catch_signals(bool on)
{
    struct sigaction sa = {.sa_handler = on ? on_signal : SIG_DFL};
    sigemptyset(&sa.sa_mask); /* no SA_RESTART: waitpid must see EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
}

/* A timer interrupts waitpid a few times a second, for the progress line
 * (shared counters, never one update per page; only on a terminal, not
 * with -q or --no-progress) and for the watchdog. */
static void progress_timer(bool on)
{
    struct itimerval it = {{0, on ? 250000 : 0}, {0, on ? 250000 : 0}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void show_progress(farm_t *f, bool last)
{
    uint32_t done = atomic_load(&f->ctl->pages_done), total = f->to_render;
    double el = bf_clock_seconds() - f->t_fork, rate = el > 0 ? done / el : 0;
    double eta = rate > 0 && done < total ? (total - done) / rate : 0;
    char line[160];
    int n = done < total || last
                ? snprintf(line, sizeof line, "\r%u/%u pages  %.0f pages/s  ETA %.1f s \033[K%s",
                           done, total, rate, eta, last ? "\r\033[K" : "")
                : snprintf(line, sizeof line, "\r%u pages rendered; publishing...\033[K", total);
    if (write(2, line, (size_t)n) < 0) { /* progress is best effort */ }
}

/*
 * The watchdog: a worker whose (wave, page) has not moved for
 * page_timeout seconds while it holds a page, and which is not waiting
 * for room in its ring (a slow disk behind the writer), is stuck (a loop
 * in a template, a pathological input): it is killed, and its death is
 * handled as a crash, so the page is retried once and then fails the
 * build (or is skipped with --keep-going), named by its source file.
 */
static void watchdog(farm_t *f)
{
    double now = bf_clock_seconds();
    for (unsigned i = 0; i < f->o->jobs; i++) {
        struct watch *w = &f->watch[i];
        uint32_t wave = atomic_load(&f->slots[i].wave), done = atomic_load(&f->slots[i].done);
        uint32_t gen = atomic_load(&f->slots[i].generation);
        if (wave != w->wave || done != w->done || gen != w->generation ||
            atomic_load(&f->slots[i].pushing)) { /* waiting for the writer is no hang */
            *w = (struct watch){wave, done, gen, now, false};
            continue;
        }
        if (f->workers[i] > 0 && wave != BF_FARM_NONE && !w->killed &&
            now - w->since > f->o->page_timeout) {
            w->killed = true;
            kill(f->workers[i], SIGKILL);
        }
    }
}

/* In a new child: die with the coordinator, default signals. */
static void child_setup(pid_t parent, int oom_adj)
{
    catch_signals(false);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(2); /* the coordinator died before prctl took effect */
    if (oom_adj) {
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            char b[16];
            int n = snprintf(b, sizeof b, "%d", oom_adj);
            if (write(fd, b, (size_t)n) < 0) { /* not fatal: a hint */ }
            close(fd);
        }
    }
}

static int spawn_worker(farm_t *f, unsigned slot)
{
    pid_t parent = getpid();
    /* before fork: the child tells a first start from a replacement by it */
    atomic_fetch_add(&f->slots[slot].generation, 1);
    pid_t pid = fork();
    if (pid < 0) {
        bf_log_error("cannot start a worker: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        child_setup(parent, 500); /* the OOM killer takes workers first */
        f->roles->main(&f->args[slot]);
    }
    atomic_store(&f->slots[slot].pid, (uint32_t)pid);
    f->workers[slot] = pid;
    f->alive++;
    return 0;
}

static int spawn_writer(farm_t *f, unsigned g)
{
    unsigned first, count;
    bf_farm_group(g, f->o->jobs, f->n_writers, &first, &count);
    bf_writer_args_t wa = {
        .staging = f->staging, .output = f->o->output ? f->o->output->path : NULL,
        .out = f->o->output, .pages = f->o->pages,
        .sums = (bf_farm_summary_t *)((char *)f->shm.base + f->lay.summaries),
        .bell = &f->bells[g], .fsync = f->o->fsync,
        .rings = f->rings + first, .n_rings = count, .first_ring = first,
        .writer = g, .n_writers = f->n_writers, .parts = f->n_writers > 1 ? f->parts : NULL,
        .ctl = f->ctl, .fault = f->o->fault,
        .snap = f->o->snap, .site_dir = f->o->site_dir, .root_fd = f->o->root_fd,
        .dry_run = f->o->dry_run,
        .katex = f->o->katex, .theme_assets = f->roles->theme_assets, .part = f->o->waves != NULL,
    };
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        bf_log_error("cannot start a writer: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        child_setup(parent, 0);
        bf_writer_main(&wa);
    }
    f->writers[g] = pid;
    return 0;
}

/* Every group's doorbell: the rings are done (or the build stops). */
static void shutdown_rings(farm_t *f)
{
    for (unsigned g = 0; g < f->n_writers; g++) {
        unsigned first, count;
        bf_farm_group(g, f->o->jobs, f->n_writers, &first, &count);
        bf_ring_shutdown(&f->bells[g], f->rings + first, count);
    }
}

static int setup(farm_t *f)
{
    const bf_farm_opts_t *o = f->o;
    uint32_t n_pages = bf_snap_count(o->snap, BF_SNAP_T_PAGES);
    uint32_t n_waves = bf_snap_count(o->snap, BF_SNAP_T_WAVES);
    /* `check` writes nothing: one writer claims every path */
    f->n_writers = o->dry_run || !o->writers ? 1 : o->writers < o->jobs ? o->writers : o->jobs;
    if (bf_farm_layout(o->jobs, f->n_writers, n_waves, n_pages, o->ring_capacity, &f->lay) < 0 ||
        bf_shm_create(&f->shm, f->lay.total, "bf-farm") < 0) {
        bf_log_error("cannot create the shared memory of the farm: %s", strerror(errno));
        return -1;
    }
    char *base = f->shm.base;
    f->ctl = (bf_farm_ctl_t *)base;
    f->slots = (bf_farm_slot_t *)(base + f->lay.slots);
    f->bells = (bf_ring_bell_t *)(base + f->lay.bells);
    f->rings = calloc(o->jobs, sizeof(*f->rings));
    f->writers = calloc(f->n_writers, sizeof(*f->writers));
    f->parts = malloc(f->n_writers * sizeof(*f->parts));
    f->args = calloc(o->jobs, sizeof(*f->args));
    f->workers = calloc(o->jobs, sizeof(*f->workers));
    f->watch = calloc(o->jobs, sizeof(*f->watch));
    f->wave_deaths = calloc(n_waves ? n_waves : 1, 1);
    if (!f->rings || !f->args || !f->workers || !f->watch || !f->wave_deaths || !f->writers ||
        !f->parts) {
        bf_log_error("out of memory");
        return -1;
    }
    for (unsigned g = 0; g < f->n_writers; g++)
        f->parts[g] = -1;
    const bf_snap_site_t *site = bf_snap_site(o->snap);
    f->ctl->magic = BF_FARM_MAGIC;
    f->ctl->n_slots = o->jobs;
    f->ctl->n_waves = n_waves;
    f->ctl->n_pages = n_pages;
    f->ctl->n_writers = f->n_writers;
    memcpy(f->ctl->level_start, site->level_waves, sizeof f->ctl->level_start);
    /* waves that are not this build's are finished, owned by no slot */
    f->to_render = n_pages;
    for (uint32_t l = 0; o->waves && l < BF_FARM_LEVELS; l++) {
        for (uint32_t v = site->level_waves[l]; v < site->level_waves[l + 1]; v++) {
            if (o->waves[v])
                continue;
            f->to_render -= bf_snap_wave(o->snap, v)->pages.count;
            atomic_store((_Atomic uint8_t *)(base + f->lay.waves) + v, 1);
            atomic_store((_Atomic uint32_t *)(base + f->lay.owners) + v, BF_FARM_NONE);
            atomic_fetch_add(&f->ctl->finished[l], 1);
        }
    }
    uint32_t level = 0;
    while (level < BF_FARM_LEVELS && bf_farm_level_done(f->ctl, level))
        level++;
    atomic_store(&f->ctl->level, level);
    for (unsigned g = 0; g < f->n_writers; g++)
        bf_ring_bell_init(&f->bells[g]);
    for (unsigned g = 0; g < f->n_writers && f->n_writers > 1; g++) {
        /* closed in bf_farm_run */
        if ((f->parts[g] = memfd_create("bf-part", MFD_CLOEXEC)) < 0) {
            bf_log_error("cannot create the writers' records: %s", strerror(errno));
            return -1;
        }
    }
    if (o->pages) /* the reused pages with math: KaTeX is published for them too */
        atomic_store(&f->ctl->math_pages, bf_pagecache_math(o->pages));
    f->broken_fd = memfd_create("bf-broken", MFD_CLOEXEC);
    if (f->broken_fd < 0) {
        bf_log_error("cannot create the list of broken links: %s", strerror(errno));
        return -1;
    }
    for (unsigned i = 0; i < o->jobs; i++) {
        void *mem = base + f->lay.rings + (size_t)i * f->lay.ring_size;
        if (bf_ring_init(mem, f->lay.ring_size) < 0 ||
            bf_ring_attach(&f->rings[i], mem,
                           &f->bells[bf_farm_writer_of(i, o->jobs, f->n_writers)]) < 0) {
            bf_log_error("cannot set up ring %u: %s", i, strerror(errno));
            return -1;
        }
        atomic_store(&f->slots[i].wave, BF_FARM_NONE);
        atomic_store(&f->slots[i].resume_wave, BF_FARM_NONE);
        f->args[i] = (bf_farm_worker_args_t){
            .snap = o->snap, .ctl = f->ctl, .slots = f->slots,
            .finished_waves = (_Atomic uint8_t *)(base + f->lay.waves),
            .owners = (_Atomic uint32_t *)(base + f->lay.owners),
            .kills = (_Atomic uint8_t *)(base + f->lay.kills),
            .summaries = (bf_farm_summary_t *)(base + f->lay.summaries),
            .reused = o->pages ? o->pages->reused : NULL,
            .candidates = o->pages ? o->pages->candidates : NULL,
            .page_meta = o->pages ? o->pages->meta : NULL,
            .all_meta = o->pages ? o->pages->all_meta : (bf_digest_t){0, 0},
            .precompress = o->dry_run ? 0 : o->precompress,
            .lookup = o->output ? bf_output_lookup : NULL, .lookup_ctx = o->output,
            .root_fd = o->root_fd, .pack = o->dry_run ? NULL : o->pack, .self = o->self,
            .profile = o->profile ? (bf_farm_profile_t *)(base + f->lay.profiles) + i : NULL,
            .langs = (bf_farm_langs_t *)(base + f->lay.langs) + i,
            .broken_fd = f->broken_fd,
            .tmpl_env = o->tmpl_env, .hl = o->hl,
            .ring = &f->rings[i], .slot = i, .site_dir = o->site_dir, .fault = o->fault,
        };
    }
    /* staging beside the output: same filesystem, so the swap is a rename */
    if (o->dry_run)
        return 0; /* nothing is staged: nothing to remove */
    if (bf_output_stage(o->output, o->fsync) < 0)
        return -1;
    f->staging = o->output->staging;
    return 0;
}

/* Stops everything after a failure: children killed and reaped. */
static void stop_all(farm_t *f)
{
    atomic_store(&f->ctl->failed, 1);
    bf_futex_wake(&f->ctl->level, -1);
    bf_futex_wake(&f->ctl->writers_done, -1);
    shutdown_rings(f);
    for (unsigned i = 0; i < f->o->jobs; i++)
        if (f->workers[i] > 0)
            kill(f->workers[i], SIGKILL);
    for (unsigned g = 0; g < f->n_writers; g++)
        if (f->writers[g] > 0)
            kill(f->writers[g], SIGKILL);
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    memset(f->writers, 0, f->n_writers * sizeof *f->writers);
    f->alive = 0;
    if (f->staging)
        bf_output_unstage(f->o->output); /* half a tree, or the previous output */
}

/* After the writer died or the build was stopped: did the exchange that
 * publishes happen?  Then say so, rather than that nothing changed. */
static bool published(const farm_t *f)
{
    return f->staging && bf_output_published(f->o->output);
}

/* "site/content/x.md" of a page, for messages. */
/* rel (site-relative) as messages show it: beside the site directory. */
static void site_path(const farm_t *f, const char *rel, char *out, size_t cap)
{
    const char *dir = f->o->site_dir;
    if (!dir || strcmp(dir, ".") == 0)
        snprintf(out, cap, "%s", rel);
    else
        snprintf(out, cap, "%s/%s", dir, rel);
}

static void page_source(const farm_t *f, uint32_t page, char *out, size_t cap)
{
    const bf_snap_page_t *p = bf_snap_page(f->o->snap, page);
    site_path(f, bf_snap_str(f->o->snap, p->source.len ? p->source : p->output), out, cap);
}

/* ---- code languages without a grammar ------------------------------------ */

typedef struct {
    const char *name;
    uint32_t pages;
} lang_count_t;

static int cmp_lang(const void *pa, const void *pb)
{
    const lang_count_t *a = pa, *b = pb;
    if (a->pages != b->pages)
        return a->pages > b->pages ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* One warning for the whole build, from the workers' tables (every
 * worker has ended): the languages of code blocks written plain for want
 * of a grammar, with their numbers of pages, most first.  Returns 1 when
 * it warned. */
static unsigned warn_langs(const farm_t *f)
{
    lang_count_t all[BF_FARM_LANGS_MAX * 4];
    size_t n = 0;
    uint32_t grammars = 1, dropped = 0;
    for (unsigned s = 0; s < f->o->jobs; s++) {
        const bf_farm_langs_t *t = f->args[s].langs;
        uint32_t k = atomic_load_explicit(&t->n, memory_order_acquire);
        if (k)
            grammars = t->grammars;
        for (uint32_t i = 0; i < k && i < BF_FARM_LANGS_MAX; i++) {
            size_t j = 0;
            while (j < n && strncmp(all[j].name, t->e[i].name, BF_FARM_LANG_NAME) != 0)
                j++;
            if (j == n && n == sizeof all / sizeof all[0])
                dropped += t->e[i].pages;
            else if (j == n)
                all[n++] = (lang_count_t){t->e[i].name, t->e[i].pages};
            else
                all[j].pages += t->e[i].pages;
        }
    }
    if (!n)
        return 0;
    qsort(all, n, sizeof all[0], cmp_lang);
    char list[1024];
    size_t at = 0;
    for (size_t i = 0; i < n && at < sizeof list; i++)
        at += (size_t)snprintf(list + at, sizeof list - at, "%s%.*s (%u page%s)", i ? ", " : "",
                               BF_FARM_LANG_NAME, all[i].name, all[i].pages,
                               all[i].pages == 1 ? "" : "s");
    if (dropped && at < sizeof list)
        snprintf(list + at, sizeof list - at, ", others (%u)", dropped);
    if (grammars)
        bf_log_warn("code blocks written plain, no grammar for their language: %s", list);
    else
        bf_log_warn("code blocks written plain: this bengal-farm was built without its "
                    "grammars (run make deps where npm can fetch them, then make): %s",
                    list);
    return 1;
}

/* ---- the list of broken links and cross-references ----------------------- */

typedef struct {
    const bf_farm_broken_t *e;
    const char *source; /* the page's source, as the snapshot has it */
} broken_ref_t;

static int cmp_broken(const void *pa, const void *pb)
{
    const broken_ref_t *a = pa, *b = pb;
    int c = strcmp(a->source, b->source);
    if (!c && a->e->line != b->e->line)
        c = a->e->line < b->e->line ? -1 : 1;
    return c ? c : strcmp(a->e->message, b->e->message);
}

#define BROKEN_LISTED 1000 /* lines listed before "... and N more" (-v: all) */

/* Prints the records the workers wrote to the broken file, by file and
 * line, each once (a page rendered twice reports twice), the first
 * BROKEN_LISTED of them and a count of the rest; every worker has ended,
 * so the list is final. */
static void list_broken(farm_t *f)
{
    uint64_t n = atomic_load(&f->ctl->broken_n);
    size_t bytes = (size_t)n * sizeof(bf_farm_broken_t);
    if (!n)
        return;
    const bf_farm_broken_t *all = mmap(NULL, bytes, PROT_READ, MAP_SHARED, f->broken_fd, 0);
    broken_ref_t *refs = malloc((size_t)n * sizeof(*refs));
    if (all == MAP_FAILED || !refs) {
        bf_log_error("cannot list %llu broken links: %s", (unsigned long long)n,
                     strerror(errno));
        free(refs);
        if (all != MAP_FAILED)
            munmap((void *)all, bytes);
        return;
    }
    const bf_snap_t *snap = f->o->snap;
    uint32_t n_pages = bf_snap_count(snap, BF_SNAP_T_PAGES);
    uint32_t n_frags = bf_snap_count(snap, BF_SNAP_T_FRAGMENTS);
    size_t k = 0;
    for (uint64_t i = 0; i < n; i++) {
        const bf_farm_broken_t *e = &all[i];
        /* not ready: its worker died before writing it (the page was
         * rendered again, and reported again) */
        if (e->ready == BF_FARM_BROKEN_READY && e->page < n_pages &&
            memchr(e->message, '\0', sizeof e->message)) {
            bf_snap_str_t src = e->fragment < n_frags ? bf_snap_fragment(snap, e->fragment)->source
                                                      : bf_snap_page(snap, e->page)->source;
            refs[k++] = (broken_ref_t){e, bf_snap_str(snap, src)};
        }
    }
    qsort(refs, k, sizeof *refs, cmp_broken);
    size_t shown = 0, unique = 0;
    bool all_of_them = bf_ctx.log_level <= BF_LOG_DEBUG;
    for (size_t i = 0; i < k; i++) {
        if (i && cmp_broken(&refs[i - 1], &refs[i]) == 0)
            continue;
        unique++;
        if (!all_of_them && shown == BROKEN_LISTED)
            continue;
        char where[BF_PATH_MAX];
        if (refs[i].e->fragment < n_frags)
            site_path(f, refs[i].source, where, sizeof where);
        else
            page_source(f, refs[i].e->page, where, sizeof where);
        bf_log_at(refs[i].e->error ? BF_LOG_ERROR : BF_LOG_WARN, where, refs[i].e->line, 0,
                  "%s", refs[i].e->message);
        shown++;
    }
    if (unique > shown)
        bf_log_at(BF_LOG_WARN, NULL, 0, 0,
                  "... and %zu more broken links and cross-references (%zu in all; -v lists "
                  "every one)", unique - shown, unique);
    free(refs);
    munmap((void *)all, bytes);
}

static void describe(int status, char *out, size_t cap)
{
    if (WIFSIGNALED(status))
        snprintf(out, cap, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(out, cap, "exit status %d", WEXITSTATUS(status));
}

/* What a wave renders, for messages: a site-wide output by its name, a
 * run of pages by its first page's source. */
static void wave_name(const farm_t *f, uint32_t wave, char *out, size_t cap)
{
    const bf_snap_wave_t *w = bf_snap_wave(f->o->snap, wave);
    if (w->pages.count)
        page_source(f, bf_snap_ids(f->o->snap, w->pages)[0], out, cap);
    else
        snprintf(out, cap, "%s", bf_snap_str(f->o->snap, w->template));
}

/*
 * The dead worker of slot held these waves: `wave` (recorded in its slot:
 * the replacement in the same slot and ring resumes it) and any other it
 * claimed but had not recorded yet (killed between the claim and the
 * record).  Those are released, and sleeping workers woken to sweep them
 * up: no claimed wave is ever left without a worker.
 */
static void release_waves(farm_t *f, unsigned slot, uint32_t keep)
{
    const bf_farm_worker_args_t *a = &f->args[0];
    bool released = false;
    for (uint32_t v = 0; v < f->ctl->n_waves; v++) {
        if (v != keep && atomic_load(&a->owners[v]) == slot + 1 &&
            !atomic_load(&a->finished_waves[v])) {
            atomic_store(&a->owners[v], 0);
            released = true;
        }
    }
    if (released) {
        atomic_fetch_add(&f->ctl->wake, 1);
        bf_futex_wake(&f->ctl->wake, -1);
    }
}

/* A worker died holding `wave` at page index `at`.  Fills *resume_at;
 * 0 to go on, -1 when the build must fail (logged). */
static int died_in_wave(farm_t *f, unsigned slot, uint32_t wave, uint32_t at,
                        const char *how, uint32_t *resume_at)
{
    const bf_snap_wave_t *w = bf_snap_wave(f->o->snap, wave);
    *resume_at = at;
    if (at >= w->pages.count) {
        /* outside any page: a site-wide output (sitemap, feeds, search
         * index), or past its last page.  Two strikes, as for a page. */
        char name[BF_PATH_MAX];
        wave_name(f, wave, name, sizeof name);
        if (++f->wave_deaths[wave] >= 2) {
            bf_log_at(BF_LOG_ERROR, name, 0, 0, "rendering this output killed two workers "
                      "(%s); is the memory limit too low?", how);
            return -1;
        }
        bf_log_at(BF_LOG_WARN, name, 0, 0, "worker %u %s on this output; retrying", slot, how);
        return 0;
    }
    uint32_t page = bf_snap_ids(f->o->snap, w->pages)[at];
    _Atomic uint8_t *kills = f->args[0].kills;
    char src[BF_PATH_MAX + 256];
    page_source(f, page, src, sizeof src);
    if (atomic_fetch_add(&kills[page], 1) + 1 < 2) {
        bf_log_at(BF_LOG_WARN, src, 0, 0, "worker %u %s on this page; retrying", slot, how);
        return 0;
    }
    if (!f->o->keep_going) {
        bf_log_at(BF_LOG_ERROR, src, 0, 0, "rendering this page killed two workers (%s)", how);
        return -1;
    }
    bf_log_at(BF_LOG_ERROR, src, 0, 0, "rendering this page killed two workers (%s); skipped",
              how);
    f->rep->skipped++;
    *resume_at = at + 1;
    return 0;
}

/* A worker ended.  0 to go on, -1 when the build must fail. */
static int worker_ended(farm_t *f, unsigned slot, int status)
{
    bf_farm_slot_t *s = &f->slots[slot];
    f->workers[slot] = 0;
    f->alive--;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char how[96];
    describe(status, how, sizeof how);
    if (f->watch[slot].killed)
        snprintf(how, sizeof how, "stuck for over %u s", f->o->page_timeout);
    f->watch[slot].killed = false;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
        /* fatal, reported by the worker (a template error) or told to stop */
        bf_log_error("the build stopped on the error above; the previous output is "
                     "left as it was");
        return -1;
    }
    /* The wave it was rendering.  One its predecessor left it and that it
     * died before starting stays in resume_wave, owned by the slot. */
    uint32_t wave = atomic_load(&s->wave), at = atomic_load(&s->done);
    release_waves(f, slot, wave != BF_FARM_NONE ? wave : atomic_load(&s->resume_wave));
    atomic_store(&s->wave, BF_FARM_NONE); /* the replacement starts idle */
    if (wave == BF_FARM_NONE) {
        if (++f->idle_deaths > MAX_IDLE_DEATHS) {
            bf_log_error("workers keep dying outside any page (%s)", how);
            return -1;
        }
    } else {
        uint32_t resume_at;
        f->idle_deaths = 0;
        if (died_in_wave(f, slot, wave, at, how, &resume_at) < 0)
            return -1;
        atomic_store(&s->resume_at, resume_at);
        atomic_store(&s->resume_wave, wave);
    }
    f->rep->respawns++;
    return spawn_worker(f, slot);
}

/* After the lead published: the other writers counted themselves done
 * before it could, so they have exited or are exiting. */
static void reap_writers(farm_t *f)
{
    for (unsigned g = 1; g < f->n_writers; g++) {
        struct rusage ru;
        pid_t got = -1;
        while (f->writers[g] > 0 && (got = wait4(f->writers[g], NULL, 0, &ru)) < 0 &&
               errno == EINTR)
            ;
        if (got > 0 && (uint64_t)ru.ru_maxrss > f->rep->writer_rss_kb)
            f->rep->writer_rss_kb = (uint64_t)ru.ru_maxrss;
        f->writers[g] = 0;
    }
}

static int supervise(farm_t *f)
{
    bool shut = false;
    for (;;) {
        int status;
        struct rusage ru;
        pid_t pid = wait4(-1, &status, 0, &ru);
        if (bf_ctx.tick) {
            bf_ctx.tick = 0;
            if (f->o->progress)
                show_progress(f, false);
            if (f->o->page_timeout)
                watchdog(f);
        }
        unsigned g = 0;
        while (pid > 0 && g < f->n_writers && f->writers[g] != pid)
            g++;
        bool writer = pid > 0 && g < f->n_writers;
        if (pid > 0 && (uint64_t)ru.ru_maxrss > (writer ? f->rep->writer_rss_kb
                                                        : f->rep->worker_rss_kb)) {
            if (writer)
                f->rep->writer_rss_kb = (uint64_t)ru.ru_maxrss;
            else
                f->rep->worker_rss_kb = (uint64_t)ru.ru_maxrss;
        }
        if (bf_ctx.stop_signal) {
            int sig = bf_ctx.stop_signal;
            stop_all(f);
            if (published(f)) { /* the exchange came first: the build is done */
                bf_log_warn("interrupted by signal %d after the new output was published; "
                            "the build is complete", sig);
                return 0;
            }
            bf_log_error("interrupted by signal %d; the previous output is left as it was",
                         sig);
            return 128 + sig;
        }
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            bf_log_error("lost track of the children: %s", strerror(errno));
            stop_all(f);
            return 3;
        }
        if (writer) {
            f->writers[g] = 0;
            if (shut && g > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
                continue; /* its part is recorded: the lead publishes it */
            if (shut && g == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                reap_writers(f); /* done, or on their way out */
                return 0; /* published */
            }
            char how[96];
            describe(status, how, sizeof how);
            if (f->n_writers > 1)
                snprintf(how + strlen(how), sizeof how - strlen(how), ", writer %u of %u", g,
                         f->n_writers);
            stop_all(f);
            if (published(f)) { /* it died removing the previous output */
                bf_log_warn("the writer process failed (%s) after publishing the new "
                            "output; the build is complete", how);
                return 0;
            }
            bf_log_error("the writer process failed (%s); the previous output is "
                         "left as it was", how);
            return 1;
        }
        unsigned slot = 0;
        while (slot < f->o->jobs && f->workers[slot] != pid)
            slot++;
        if (slot == f->o->jobs)
            continue; /* not ours */
        if (worker_ended(f, slot, status) < 0) {
            stop_all(f);
            return 1;
        }
        if (f->alive == 0 && !shut) {
            uint32_t errors = atomic_load(&f->ctl->errors);
            if (errors) { /* --strict diagnostics, template errors */
                bf_log_error("%u error%s in the content or templates; the previous output "
                             "is left as it was", errors, errors == 1 ? "" : "s");
                stop_all(f);
                return 1;
            }
            /* every page is in a ring: let the writer drain and publish */
            f->rep->render_seconds = bf_clock_seconds() - f->t_fork;
            shut = true;
            shutdown_rings(f);
        }
    }
}

int bf_farm_run(const bf_farm_opts_t *o, const bf_farm_roles_t *roles, bf_farm_report_t *rep)
{
    farm_t f = {.o = o, .roles = roles, .rep = rep};
    int rc = 3;
    memset(rep, 0, sizeof *rep);
    /* Signals are caught before the staging directory exists, so that an
     * interrupt from now on removes it. */
    catch_signals(true);
    f.broken_fd = -1;
    if (setup(&f) < 0)
        goto out;
    if (bf_ctx.stop_signal) {
        bf_log_error("interrupted by signal %d; the previous output is left as it was",
                     bf_ctx.stop_signal);
        rc = 128 + bf_ctx.stop_signal;
        goto out;
    }
    f.t_fork = bf_clock_seconds();
    if (o->progress || o->page_timeout)
        progress_timer(true);
    bf_ctx.progress_line = o->progress; /* the children's messages clear it too */
    for (unsigned g = 0; g < f.n_writers; g++) {
        if (spawn_writer(&f, g) < 0) {
            stop_all(&f);
            goto out;
        }
    }
    for (unsigned i = 0; i < o->jobs; i++) {
        if (spawn_worker(&f, i) < 0) {
            stop_all(&f);
            goto out;
        }
    }
    rc = supervise(&f);
    progress_timer(false);
    bf_ctx.progress_line = false;
    if (o->progress)
        show_progress(&f, true);
    list_broken(&f);
    unsigned lang_warned = rc == 0 || rc == 1 ? warn_langs(&f) : 0;
    if (rc == 0 && rep->skipped)
        rc = 1;
    rep->publish_seconds = bf_clock_seconds() - f.t_fork - rep->render_seconds;
    rep->pages = atomic_load(&f.ctl->pages_done);
    rep->warnings = atomic_load(&f.ctl->warnings) + lang_warned;
    rep->math_pages = atomic_load(&f.ctl->math_pages);
    rep->writers = f.n_writers;
    for (unsigned g = 0; g < f.n_writers; g++)
        rep->empty_waits += bf_ring_bell_empty_waits(&f.bells[g]);
    rep->files_written = atomic_load(&f.ctl->files_written);
    rep->files_linked = atomic_load(&f.ctl->files_linked);
    rep->files_kept = atomic_load(&f.ctl->files_kept);
    rep->files_removed = atomic_load(&f.ctl->files_removed);
    rep->bytes_written = atomic_load(&f.ctl->bytes_written);
    rep->pages_reused = atomic_load(&f.ctl->pages_reused);
    rep->md_from_pack = atomic_load(&f.ctl->md_from_pack);
    rep->build_time_read = atomic_load(&f.ctl->build_time_read) != 0;
    for (unsigned i = 0; i < o->jobs; i++) {
        bf_ring_stats_t st;
        const bf_farm_profile_t *prof = f.args[i].profile;
        if (prof) /* every worker has ended: the tables are final */
            bf_tmpl_profile_add(o->profile, prof->e,
                                atomic_load_explicit(&prof->n, memory_order_acquire));
        bf_ring_stats(&f.rings[i], &st);
        rep->full_waits += st.full_waits;
        if (i < 256) {
            rep->busy_ns[i] = atomic_load(&f.slots[i].busy_ns);
            rep->slot_pages[i] = atomic_load(&f.slots[i].pages);
        }
    }
out:
    catch_signals(false);
    if (rc != 0 && rc != 1 && f.staging)
        bf_output_unstage(o->output);
    if (f.broken_fd >= 0)
        close(f.broken_fd);
    for (unsigned g = 0; f.parts && g < f.n_writers; g++)
        if (f.parts[g] >= 0)
            close(f.parts[g]);
    free(f.parts);
    free(f.writers);
    free(f.wave_deaths);
    bf_shm_destroy(&f.shm);
    free(f.rings);
    free(f.args);
    free(f.workers);
    free(f.watch);
    return rc;
}

int bf_farm_parse_fault(const char *spec, bf_fault_t *out)
{
    /* arg: what follows "name:"; "page=" also takes a content path.  def:
     * the argument when none is given. */
    static const struct {
        const char *name;
        bf_fault_kind_t kind;
        const char *arg;
        uint32_t def;
    } kinds[] = {
        {"worker-crash-always", BF_FAULT_WORKER_CRASH_ALWAYS, "page=", 0},
        {"worker-crash", BF_FAULT_WORKER_CRASH, "page=", 0},
        {"worker-oom", BF_FAULT_WORKER_OOM, "page=", 0},
        {"worker-hang", BF_FAULT_WORKER_HANG, "page=", 0},
        {"worker-kill-at-claim", BF_FAULT_WORKER_KILL_AT_CLAIM, "claims=", 1},
        {"worker-kill-mid-record", BF_FAULT_WORKER_KILL_MID_RECORD, "page=", 0},
        {"aggregate-crash-always", BF_FAULT_AGGREGATE_CRASH_ALWAYS, "", 0},
        {"worker-rlimit-as", BF_FAULT_WORKER_RLIMIT_AS, "mib=", 8},
        {"writer-crash", BF_FAULT_WRITER_CRASH, "files=", 1},
        {"writer-stall", BF_FAULT_WRITER_STALL, "seconds=", 5},
        {"writer-enospc", BF_FAULT_WRITER_ENOSPC, "files=", 1},
        {"writer-kill-after-swap", BF_FAULT_WRITER_KILL_AFTER_SWAP, "", 0},
        {"build-kill-removing", BF_FAULT_BUILD_KILL_REMOVING, "removed=", 1},
    };
    *out = (bf_fault_t){.kind = BF_FAULT_NONE, .arg = BF_FARM_NONE};
    if (!spec || !*spec)
        return 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].name), m = strlen(kinds[i].arg);
        if (strncmp(spec, kinds[i].name, n) != 0 || (spec[n] != '\0' && spec[n] != ':'))
            continue;
        out->kind = kinds[i].kind;
        out->arg = kinds[i].def;
        if (spec[n] == '\0')
            return 0;
        if (!m || strncmp(spec + n + 1, kinds[i].arg, m) != 0)
            return -1;
        const char *val = spec + n + 1 + m;
        char *end;
        unsigned long v = strtoul(val, &end, 10);
        bool to_writer = kinds[i].kind == BF_FAULT_WRITER_CRASH ||
                         kinds[i].kind == BF_FAULT_WRITER_STALL ||
                         kinds[i].kind == BF_FAULT_WRITER_ENOSPC;
        if (*val && end != val && to_writer && strncmp(end, ",writer=", 8) == 0) {
            char *end2;
            unsigned long g = strtoul(end + 8, &end2, 10);
            if (end2 == end + 8 || *end2 || g > 65535)
                return -1;
            out->writer = (uint32_t)g;
            end = end2;
        }
        if (*val && !*end && v <= UINT32_MAX) {
            out->arg = (uint32_t)v;
            return 0;
        }
        if (strcmp(kinds[i].arg, "page=") != 0 || !*val || strlen(val) >= sizeof out->page)
            return -1;
        strcpy(out->page, val); /* a content path: resolved with the snapshot */
        return 0;
    }
    return -1;
}
