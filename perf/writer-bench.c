/*
 * perf/writer-bench.c - what W writer processes absorb, fed at full speed.
 *
 * The writers are the real ones (bf_writer_main from build/libbengal.a, as
 * coordinator/farm.c starts it): the same shared layout (bf_farm_layout),
 * rings of the build's size (4 MiB, coordinator/build.c), a real output
 * directory prepared and staged by coordinator/output.h with a state
 * directory (so it saves its manifest), and the real site's snapshot (the
 * writer names each file's owner by its page).  With W > 1 writers (the
 * optional fifth argument), writer g drains its group of rings
 * (shared/farm.h, bf_farm_group) and the lead merges and publishes, as in
 * a build.  Only the workers are replaced: P producer processes push finished pages with bf_ring_push,
 * as worker/worker.c does, but without rendering anything.
 *
 * The pages are the output of a real build of the site: every file of
 * REFTREE (its paths, sizes and bytes) is read into memory before the
 * clock starts, each given the page id whose output it is (the snapshot's
 * page outputs; NONE for the rest, as for sitemap.xml).  Files go to the
 * producers in blocks of BLOCK consecutive paths, round robin, the way
 * workers take waves (a run of one section's pages).  The theme's files
 * (_bengal/) are left out: the writer writes those itself.
 *
 * The clock runs from the producers' start to the writer's exit: every
 * file staged, the manifest saved, the tree published by rename (an empty
 * output: the first build).  Also reported: when the last producer had
 * pushed its last page (the rest is the writers draining 4 MiB per ring
 * and publishing), the writers' CPU time (user, sys, summed over the W
 * writers), and their ring waits (full_waits > 0 and few empty waits:
 * the producers kept them busy).
 *
 * With two CPUs or more the writers are pinned to the first CPU this
 * process may use and the producers to the others, so the writers have a
 * core of their own.  On a 2-core machine W writers therefore share one
 * core: read their figures in files per writer CPU-second (what W cores
 * would absorb is W times one writer's share only if the kernel takes
 * their creates in parallel), and the wall time as that one core's.
 *
 *     sh perf/writer-bench.sh               (builds, makes the site, runs)
 *     build/writer_bench SITE REFTREE WORKDIR PRODUCERS [WRITERS]
 *
 * SITE holds .bengal/snapshot.bfs (a build of it ran); WORKDIR must not
 * exist: out/, out.staging, state/ are made in it and left for the driver
 * to check and remove.  One line of key=value pairs on stdout.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "coordinator/output.h"
#include "coordinator/writer.h"
#include "shared/arena.h"
#include "shared/ctx.h"
#include "shared/farm.h"
#include "shared/fs.h"
#include "shared/ring.h"
#include "shared/shm.h"
#include "shared/strmap.h"
#include "shared/tmpl/env.h"
#include "snapshot-format/reader.h"

#define RING_CAPACITY (4u << 20) /* the build's ring size (coordinator/build.c) */
#define BLOCK 64                 /* consecutive files a producer pushes */

typedef struct {
    char *path;     /* relative to REFTREE */
    size_t off, len;  /* in the payload buffer */
    uint32_t page;
} file_t;

typedef struct {
    file_t *v;
    size_t n, cap;
    char *data;
    size_t len, cap_data;
    size_t root_len;
} files_t;

static files_t g_files; /* nftw has no context pointer: the walk's only state */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "writer_bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int add_file(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
    files_t *f = &g_files;
    const char *rel = fpath + f->root_len + 1;
    if (type != FTW_F || ftw->level == 0 || strcmp(rel, BF_OUTPUT_MARKER) == 0 ||
        strncmp(rel, BF_TMPL_THEME_ASSETS_DIR "/", strlen(BF_TMPL_THEME_ASSETS_DIR) + 1) == 0)
        return 0;
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 16384;
        if (!(f->v = realloc(f->v, f->cap * sizeof *f->v)))
            die("realloc");
    }
    size_t len = (size_t)st->st_size;
    while (f->len + len > f->cap_data) {
        f->cap_data = f->cap_data ? 2 * f->cap_data : (64u << 20);
        if (!(f->data = realloc(f->data, f->cap_data)))
            die("realloc");
    }
    int fd = open(fpath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die(fpath);
    for (size_t got = 0; got < len;) {
        ssize_t k = read(fd, f->data + f->len + got, len - got);
        if (k <= 0)
            die(fpath);
        got += (size_t)k;
    }
    close(fd);
    f->v[f->n++] = (file_t){strdup(rel), f->len, len, BF_FARM_NONE};
    f->len += len;
    return 0;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(((const file_t *)a)->path, ((const file_t *)b)->path);
}

/* Each file's page: the page whose snapshot output it is, else NONE. */
static void assign_pages(const bf_snap_t *snap)
{
    bf_arena_t *arena = bf_arena_create(0);
    bf_strmap_t by_out = {0};
    uint32_t n = bf_snap_count(snap, BF_SNAP_T_PAGES);
    for (uint32_t i = 0; i < n; i++) {
        const char *out = bf_snap_str(snap, bf_snap_page(snap, i)->output);
        if (!bf_strmap_put(arena, &by_out, out, strlen(out), (void *)(uintptr_t)(i + 1)))
            die("out of memory");
    }
    for (size_t k = 0; k < g_files.n; k++) {
        uintptr_t id = (uintptr_t)bf_strmap_get(&by_out, g_files.v[k].path,
                                                strlen(g_files.v[k].path));
        if (id)
            g_files.v[k].page = (uint32_t)(id - 1);
    }
    bf_arena_destroy(arena);
}

/* Pins this process to the i-th CPU of the affinity mask (i < 0: to all
 * but the first).  No-op with a single CPU. */
static void pin(int i)
{
    cpu_set_t set, one;
    if (sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) < 2)
        return;
    CPU_ZERO(&one);
    int seen = 0;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        if ((i < 0 && seen > 0) || seen == i)
            CPU_SET(c, &one);
        seen++;
    }
    sched_setaffinity(0, sizeof one, &one);
}

static void producer(bf_ring_t *ring, unsigned k, unsigned p)
{
    bf_ctx_init(BF_ROLE_WORKER, (int)k);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    pin(-1);
    for (size_t b = (size_t)k * BLOCK; b < g_files.n; b += (size_t)p * BLOCK) {
        for (size_t i = b; i < b + BLOCK && i < g_files.n; i++) {
            const file_t *f = &g_files.v[i];
            if (bf_ring_push(ring, f->page, f->path, g_files.data + f->off, f->len) < 0) {
                fprintf(stderr, "writer_bench: producer %u: push: %s\n", k, strerror(errno));
                _exit(1);
            }
        }
    }
    _exit(0);
}

static double tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: writer_bench SITE REFTREE WORKDIR PRODUCERS [WRITERS]\n");
        return 2;
    }
    const char *site = argv[1], *ref = argv[2], *work = argv[3];
    unsigned p = (unsigned)atoi(argv[4]), nw = argc == 6 ? (unsigned)atoi(argv[5]) : 1;
    if (p < 1 || p > 1024 || nw < 1 || nw > p) {
        fprintf(stderr, "writer_bench: PRODUCERS from 1 to 1024, WRITERS from 1 to PRODUCERS\n");
        return 2;
    }
    bf_ctx_init(BF_ROLE_COORD, 0);

    /* the site: its snapshot (page ids, owners), and the real output's files */
    char path[BF_PATH_MAX];
    bf_snap_t *snap = NULL;
    snprintf(path, sizeof path, "%s/.bengal/snapshot.bfs", site);
    if (bf_snap_open(path, &snap) < 0)
        return 1;
    g_files.root_len = strlen(ref);
    if (nftw(ref, add_file, 64, FTW_PHYS) != 0)
        die(ref);
    qsort(g_files.v, g_files.n, sizeof *g_files.v, cmp_path);
    assign_pages(snap);
    size_t paged = 0;
    for (size_t k = 0; k < g_files.n; k++)
        paged += g_files.v[k].page != BF_FARM_NONE;

    /* the output, as a first build: prepared, locked, staged, with state */
    char out_path[BF_PATH_MAX], state_path[BF_PATH_MAX];
    snprintf(out_path, sizeof out_path, "%s/out", work);
    snprintf(state_path, sizeof state_path, "%s/state", work);
    if (mkdir(work, 0777) < 0 || mkdir(state_path, 0777) < 0)
        die(work);
    int state_fd = open(state_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int root_fd = open(site, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bf_output_t out;
    bool refused;
    if (state_fd < 0 || root_fd < 0)
        die("open");
    if (bf_output_prepare(&out, site, out_path, NULL, NULL, false, false, state_fd, true,
                          &refused) < 0 || bf_output_stage(&out, false) < 0)
        return 1;

    /* the shared region, laid out as the build's */
    bf_farm_layout_t lay;
    bf_shm_t shm;
    uint32_t n_pages = bf_snap_count(snap, BF_SNAP_T_PAGES);
    if (bf_farm_layout(p, nw, 1, n_pages, RING_CAPACITY, &lay) < 0 ||
        bf_shm_create(&shm, lay.total, "bf-writer-bench") < 0)
        die("shared memory");
    char *base = shm.base;
    bf_farm_ctl_t *ctl = (bf_farm_ctl_t *)base;
    bf_ring_bell_t *bells = (bf_ring_bell_t *)(base + lay.bells);
    bf_ring_t *rings = calloc(p, sizeof *rings);
    int *parts = calloc(nw, sizeof *parts);
    pid_t *writers = calloc(nw, sizeof *writers);
    if (!rings || !parts || !writers)
        die("calloc");
    ctl->magic = BF_FARM_MAGIC;
    ctl->n_slots = p;
    ctl->n_pages = n_pages;
    ctl->n_writers = nw;
    for (unsigned g = 0; g < nw; g++) {
        bf_ring_bell_init(&bells[g]);
        if ((parts[g] = memfd_create("bf-part", MFD_CLOEXEC)) < 0)
            die("memfd_create");
    }
    for (unsigned i = 0; i < p; i++) {
        void *mem = base + lay.rings + (size_t)i * lay.ring_size;
        if (bf_ring_init(mem, lay.ring_size) < 0 ||
            bf_ring_attach(&rings[i], mem, &bells[bf_farm_writer_of(i, p, nw)]) < 0)
            die("ring");
    }

    double t0 = now();
    for (unsigned g = 0; g < nw; g++) {
        unsigned first, count;
        bf_farm_group(g, p, nw, &first, &count);
        bf_writer_args_t wa = {
            .staging = out.staging, .output = out.path, .out = &out, .bell = &bells[g],
            .rings = rings + first, .n_rings = count, .first_ring = first, .writer = g,
            .n_writers = nw, .parts = nw > 1 ? parts : NULL, .ctl = ctl,
            .fault = {.kind = BF_FAULT_NONE}, .snap = snap, .site_dir = site,
            .root_fd = root_fd,
        };
        if ((writers[g] = fork()) < 0)
            die("fork");
        if (writers[g] == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            pin(0);
            bf_writer_main(&wa);
        }
    }
    pid_t *prod = calloc(p, sizeof *prod);
    for (unsigned k = 0; k < p; k++) {
        if ((prod[k] = fork()) < 0)
            die("fork");
        if (prod[k] == 0)
            producer(&rings[k], k, p);
    }
    double t_pushed = 0, t_done = 0, prod_cpu = 0, w_user = 0, w_sys = 0;
    int w_status = 0, bad = 0;
    unsigned writers_left = nw;
    for (unsigned left = p + nw; left;) {
        int status;
        struct rusage ru;
        pid_t pid = wait4(-1, &status, 0, &ru);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            die("wait4");
        left--;
        unsigned g = 0;
        while (g < nw && writers[g] != pid)
            g++;
        if (g < nw) {
            writers_left--;
            t_done = now(); /* the last writer's exit */
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                w_status = status;
            w_user += tv(ru.ru_utime);
            w_sys += tv(ru.ru_stime);
            if (left > writers_left) { /* a writer died before the producers ended */
                bad = 1;
                for (unsigned k = 0; k < p; k++)
                    kill(prod[k], SIGKILL);
            }
            continue;
        }
        prod_cpu += tv(ru.ru_utime) + tv(ru.ru_stime);
        bad |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        if (left == writers_left) { /* every producer has pushed its last page */
            t_pushed = now();
            for (unsigned w = 0; w < nw; w++) {
                unsigned first, count;
                bf_farm_group(w, p, nw, &first, &count);
                bf_ring_shutdown(&bells[w], rings + first, count);
            }
        }
    }
    if (bad || !WIFEXITED(w_status) || WEXITSTATUS(w_status) != 0) {
        fprintf(stderr, "writer_bench: the writer or a producer failed (writer status %d)\n",
                w_status);
        return 1;
    }
    uint64_t full = 0, bytes = 0, empty = 0;
    for (unsigned g = 0; g < nw; g++)
        empty += bf_ring_bell_empty_waits(&bells[g]);
    for (unsigned i = 0; i < p; i++) {
        bf_ring_stats_t st;
        bf_ring_stats(&rings[i], &st);
        full += st.full_waits;
        bytes += st.bytes;
    }
    double wall = t_done - t0;
    uint64_t written = atomic_load(&ctl->files_written);
    printf("producers=%u writers=%u files=%zu paged=%zu bytes=%llu written=%llu wall=%.4f pushed=%.4f "
           "files_per_s=%.0f mb_per_s=%.1f writer_user=%.3f writer_sys=%.3f "
           "files_per_cpu_s=%.0f producers_cpu=%.3f full_waits=%llu empty_waits=%llu\n",
           p, nw, g_files.n, paged, (unsigned long long)bytes, (unsigned long long)written, wall,
           t_pushed - t0, g_files.n / wall, bytes / wall / 1e6, w_user, w_sys,
           g_files.n / (w_user + w_sys), prod_cpu, (unsigned long long)full,
           (unsigned long long)empty);
    bf_output_release(&out);
    bf_shm_destroy(&shm);
    bf_snap_close(snap);
    return 0;
}
