/*
 * coordinator/jobs.c - default worker count and memory limit from CPUs,
 * affinity and cgroup files (see jobs.h).
 *
 * Every file under ROOT is read with a small bounded read; a missing or
 * malformed file means "no limit at this level", never an error.  Paths
 * from ROOT/proc/self/cgroup are used only if absolute and free of ".."
 * components, so a strange file cannot make us read outside the cgroup
 * mount.
 */
#include "coordinator/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/fs.h"
#include "shared/log.h"

#define CG_FILE_MAX 16384    /* /proc/self/cgroup is a few lines */
#define V1_UNLIMITED (1ull << 62) /* v1 reports "no limit" as ~2^63 */
#define CPUS_CAP (1u << 20)

/* Where the process sits in each hierarchy that matters. */
typedef struct {
    bool has_v2, has_cpu, has_mem;
    char v2[BF_PATH_MAX];       /* "0::PATH" */
    char cpu[BF_PATH_MAX];      /* v1 line listing the cpu controller */
    char cpu_ctrl[256];         /* its controller list, e.g. "cpu,cpuacct" */
    char mem[BF_PATH_MAX];      /* v1 line listing the memory controller */
} cg_where_t;

/* Reads at most n-1 bytes of path, NUL-terminated, trailing whitespace
 * trimmed.  -1 when it cannot be opened or read. */
static int read_small(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    int rc = 0;
    while (len < n - 1) {
        ssize_t k = read(fd, buf + len, n - 1 - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            rc = -1;
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    close(fd);
    buf[len] = '\0';
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
        buf[--len] = '\0';
    return rc;
}

/* Strict unsigned decimal: digits only, no sign, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
            return -1;
    }
    *out = v;
    return 0;
}

int bf_jobs_parse(const char *s, unsigned *out)
{
    uint64_t v;
    if (!s || parse_u64(s, &v) != 0) {
        /* All digits but too many of them is a range error. */
        bool digits = s && *s && strspn(s, "0123456789") == strlen(s);
        errno = digits ? ERANGE : EINVAL;
        return -1;
    }
    if (v == 0 || v > BF_JOBS_MAX) {
        errno = ERANGE;
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* Absolute, and no ".." component. */
static bool cg_path_ok(const char *p)
{
    if (p[0] != '/')
        return false;
    for (const char *c = p; (c = strstr(c, "..")); c += 2) {
        bool start = c[-1] == '/';
        bool end = c[2] == '/' || c[2] == '\0';
        if (start && end)
            return false;
    }
    return true;
}

static bool has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && strncmp(p, tok, n) == 0)
            return true;
        p += k + (p[k] == ',');
    }
    return false;
}

static void copy(char *dst, size_t n, const char *src, size_t len)
{
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Parses ROOT/proc/self/cgroup: "ID:CONTROLLERS:PATH" per line. */
static void cg_where(const char *root, cg_where_t *w)
{
    char path[BF_PATH_MAX];
    char *text = malloc(CG_FILE_MAX);
    memset(w, 0, sizeof *w);
    if (!text)
        return;
    snprintf(path, sizeof path, "%s/proc/self/cgroup", root);
    if (read_small(path, text, CG_FILE_MAX) != 0)
        text[0] = '\0';
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c1 = *c2 = '\0';
        const char *ctrls = c1 + 1, *p = c2 + 1;
        if (!cg_path_ok(p) || strlen(p) >= BF_PATH_MAX)
            continue;
        if (strcmp(line, "0") == 0 && *ctrls == '\0') {
            w->has_v2 = true;
            copy(w->v2, sizeof w->v2, p, strlen(p));
        } else {
            if (has_token(ctrls, "cpu")) {
                w->has_cpu = true;
                copy(w->cpu, sizeof w->cpu, p, strlen(p));
                copy(w->cpu_ctrl, sizeof w->cpu_ctrl, ctrls, strlen(ctrls));
            }
            if (has_token(ctrls, "memory")) {
                w->has_mem = true;
                copy(w->mem, sizeof w->mem, p, strlen(p));
            }
        }
    }
    free(text);
}

/* Calls visit(dir) for mount/cg, then each parent up to mount itself. */
static void walk_up(const char *mount, const char *cg,
                    void (*visit)(const char *dir, void *arg), void *arg)
{
    char rel[BF_PATH_MAX], dir[2 * BF_PATH_MAX];
    copy(rel, sizeof rel, cg + 1, strlen(cg + 1)); /* cg starts with '/' */
    for (;;) {
        size_t n = strlen(rel);
        while (n > 0 && rel[n - 1] == '/')
            rel[--n] = '\0';
        snprintf(dir, sizeof dir, "%s%s%s", mount, n ? "/" : "", rel);
        visit(dir, arg);
        if (n == 0)
            return;
        char *slash = strrchr(rel, '/');
        if (slash)
            *slash = '\0';
        else
            rel[0] = '\0';
    }
}

/* The tightest CPU limit seen while walking. */
typedef struct {
    unsigned cpus; /* 0: none yet */
    uint64_t quota, period;
} cpu_limit_t;

static void cpu_limit_take(cpu_limit_t *lim, uint64_t quota, uint64_t period)
{
    if (quota == 0 || period == 0)
        return;
    uint64_t c = quota / period + (quota % period != 0);
    unsigned cpus = c > CPUS_CAP ? CPUS_CAP : (unsigned)c;
    if (lim->cpus == 0 || cpus < lim->cpus) {
        lim->cpus = cpus;
        lim->quota = quota;
        lim->period = period;
    }
}

/* v2 cpu.max: "QUOTA PERIOD" or "max PERIOD" (PERIOD may be missing). */
static void visit_cpu_v2(const char *dir, void *arg)
{
    char path[2 * BF_PATH_MAX + 16], text[128];
    snprintf(path, sizeof path, "%s/cpu.max", dir);
    if (read_small(path, text, sizeof text) != 0)
        return;
    char *sp = strchr(text, ' ');
    uint64_t quota, period = 100000;
    if (sp)
        *sp = '\0';
    if (strcmp(text, "max") == 0 || parse_u64(text, &quota) != 0)
        return;
    if (sp && parse_u64(sp + 1, &period) != 0)
        return;
    cpu_limit_take(arg, quota, period);
}

/* v1 cpu.cfs_quota_us ("-1": none) over cpu.cfs_period_us. */
static void visit_cpu_v1(const char *dir, void *arg)
{
    char path[2 * BF_PATH_MAX + 32], text[64];
    uint64_t quota, period = 100000;
    snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", dir);
    if (read_small(path, text, sizeof text) != 0 || parse_u64(text, &quota) != 0)
        return;
    snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir);
    if (read_small(path, text, sizeof text) == 0 && parse_u64(text, &period) != 0)
        return;
    cpu_limit_take(arg, quota, period);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ROOT without trailing slashes ("/" becomes ""), so "%s/x" joins. */
static void root_prefix(char *out, size_t n, const char *root)
{
    if (!root)
        root = "/";
    size_t len = strlen(root);
    while (len > 0 && root[len - 1] == '/')
        len--;
    copy(out, n, root, len);
}

/* The v1 mount of a controller: the list as /proc shows it, then the
 * usual names.  Empty when none exists. */
static void v1_mount(char *out, size_t n, const char *pre, const char *ctrl_list,
                     const char *const *names)
{
    snprintf(out, n, "%s/sys/fs/cgroup/%s", pre, ctrl_list);
    if (ctrl_list[0] && is_dir(out))
        return;
    for (; *names; names++) {
        snprintf(out, n, "%s/sys/fs/cgroup/%s", pre, *names);
        if (is_dir(out))
            return;
    }
    out[0] = '\0';
}

unsigned bf_jobs_cgroup_cpus(const char *root, char *desc, size_t desc_size)
{
    char pre[BF_PATH_MAX], mount[2 * BF_PATH_MAX];
    cg_where_t *w = malloc(sizeof *w);
    cpu_limit_t lim = {0};
    const char *file = "cpu.max";

    if (desc && desc_size)
        desc[0] = '\0';
    if (!w)
        return 0;
    root_prefix(pre, sizeof pre, root);
    cg_where(pre, w);
    if (w->has_cpu) {
        static const char *const names[] = {"cpu,cpuacct", "cpuacct,cpu", "cpu", NULL};
        file = "cpu.cfs_quota_us";
        v1_mount(mount, sizeof mount, pre, w->cpu_ctrl, names);
        if (mount[0])
            walk_up(mount, w->cpu, visit_cpu_v1, &lim);
    } else if (w->has_v2) {
        snprintf(mount, sizeof mount, "%s/sys/fs/cgroup", pre);
        walk_up(mount, w->v2, visit_cpu_v2, &lim);
    }
    free(w);
    if (lim.cpus && desc && desc_size)
        snprintf(desc, desc_size, "%s %llu/%llu", file, (unsigned long long)lim.quota,
                 (unsigned long long)lim.period);
    return lim.cpus;
}

/* Memory: the smallest limit seen; 0 none yet. */
static void mem_take(uint64_t *lim, uint64_t v)
{
    if (v > 0 && (*lim == 0 || v < *lim))
        *lim = v;
}

static void visit_mem_v2(const char *dir, void *arg)
{
    char path[2 * BF_PATH_MAX + 16], text[64];
    uint64_t v;
    snprintf(path, sizeof path, "%s/memory.max", dir);
    if (read_small(path, text, sizeof text) == 0 && parse_u64(text, &v) == 0)
        mem_take(arg, v);
}

static void visit_mem_v1(const char *dir, void *arg)
{
    char path[2 * BF_PATH_MAX + 32], text[64];
    uint64_t v;
    snprintf(path, sizeof path, "%s/memory.limit_in_bytes", dir);
    if (read_small(path, text, sizeof text) == 0 && parse_u64(text, &v) == 0 &&
        v < V1_UNLIMITED)
        mem_take(arg, v);
}

uint64_t bf_jobs_memory_limit(const char *root)
{
    char pre[BF_PATH_MAX], mount[2 * BF_PATH_MAX];
    cg_where_t *w = malloc(sizeof *w);
    uint64_t lim = 0;
    if (!w)
        return 0;
    root_prefix(pre, sizeof pre, root);
    cg_where(pre, w);
    if (w->has_mem) {
        static const char *const names[] = {"memory", NULL};
        v1_mount(mount, sizeof mount, pre, "", names);
        if (mount[0])
            walk_up(mount, w->mem, visit_mem_v1, &lim);
    } else if (w->has_v2) {
        snprintf(mount, sizeof mount, "%s/sys/fs/cgroup", pre);
        walk_up(mount, w->v2, visit_mem_v2, &lim);
    }
    free(w);
    return lim;
}

/* CPUs in the affinity mask, growing the set for machines with more than
 * CPU_SETSIZE CPUs; 0 when unknown. */
static unsigned affinity_count(void)
{
    for (int n = 1024; n <= (1 << 20); n *= 2) {
        cpu_set_t *set = CPU_ALLOC(n);
        if (!set)
            return 0;
        size_t size = CPU_ALLOC_SIZE(n);
        if (sched_getaffinity(0, size, set) == 0) {
            int c = CPU_COUNT_S(size, set);
            CPU_FREE(set);
            return c > 0 ? (unsigned)c : 0;
        }
        CPU_FREE(set);
        if (errno != EINVAL)
            return 0;
    }
    return 0;
}

/* "<deciding limit> (<the others>)". */
static void explain(bf_jobs_t *j, const char *cg_desc)
{
    char cg[96], online[32], aff[32];
    if (j->cgroup)
        snprintf(cg, sizeof cg, "cgroup %s -> %u", cg_desc, j->cgroup);
    else
        snprintf(cg, sizeof cg, "no cgroup cpu limit");
    snprintf(online, sizeof online, "online CPUs %u", j->online);
    snprintf(aff, sizeof aff, "affinity %u", j->affinity);
    unsigned hw = j->affinity < j->online ? j->affinity : j->online;
    if (j->cgroup && j->cgroup <= hw)
        snprintf(j->why, sizeof j->why, "%s (%s, %s)", cg, online, aff);
    else if (j->affinity <= j->online)
        snprintf(j->why, sizeof j->why, "%s (%s, %s)", aff, online, cg);
    else
        snprintf(j->why, sizeof j->why, "%s (%s, %s)", online, aff, cg);
}

int bf_jobs_default(const char *root, bf_jobs_t *out)
{
    char cg_desc[64];
    memset(out, 0, sizeof *out);
    long on = sysconf(_SC_NPROCESSORS_ONLN);
    out->online = on > 0 ? (on > (long)CPUS_CAP ? CPUS_CAP : (unsigned)on) : 1;
    out->affinity = affinity_count();
    if (out->affinity == 0)
        out->affinity = out->online;
    out->cgroup = bf_jobs_cgroup_cpus(root, cg_desc, sizeof cg_desc);

    unsigned jobs = out->affinity < out->online ? out->affinity : out->online;
    if (out->cgroup && out->cgroup < jobs)
        jobs = out->cgroup;
    if (jobs > BF_JOBS_MAX)
        jobs = BF_JOBS_MAX;
    out->jobs = jobs ? jobs : 1;
    explain(out, cg_desc);

    const char *env = getenv("BENGAL_JOBS");
    if (env) {
        unsigned n;
        if (bf_jobs_parse(env, &n) != 0) {
            bf_log_error("invalid BENGAL_JOBS \"%s\" (expected a whole number from 1 to %d)",
                         env, BF_JOBS_MAX);
            errno = EINVAL;
            return -1;
        }
        out->jobs = n;
        out->from_env = true;
        snprintf(out->why, sizeof out->why, "BENGAL_JOBS=%u", n);
    }
    return 0;
}

unsigned bf_jobs_scouts(unsigned jobs)
{
    bf_jobs_t j;
    if (bf_jobs_default(NULL, &j) < 0)
        return 1;
    return jobs && jobs < j.jobs ? jobs : j.jobs;
}

int bf_jobs_writers(unsigned jobs, unsigned *out)
{
    const char *env = getenv("BENGAL_WRITERS");
    unsigned n = (jobs + BF_JOBS_PER_WRITER - 1) / BF_JOBS_PER_WRITER;
    if (env && *env && bf_jobs_parse(env, &n) < 0) {
        bf_log_error("BENGAL_WRITERS=\"%s\" is not a number of writers from 1 to %u", env,
                     BF_JOBS_MAX);
        errno = EINVAL;
        return -1;
    }
    *out = n < 1 ? 1 : n > jobs && jobs ? jobs : n;
    return 0;
}
