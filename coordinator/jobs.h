/*
 * coordinator/jobs.h - how many workers to fork, and how much memory the
 * build may use, as the container sees it.
 *
 * Default -j = min(online CPUs, CPUs in the sched_getaffinity mask, the
 * cgroup CPU quota rounded up).  The quota comes from cgroup v2 cpu.max
 * ("150000 100000" -> 2, "max 100000" -> no limit) or cgroup v1
 * cpu.cfs_quota_us / cpu.cfs_period_us (-1 -> no limit).  BENGAL_JOBS, when
 * set, overrides all of that.
 *
 * cgroup files are found from a root directory ("/" in production; tests
 * pass a fixture tree): the process's cgroup comes from
 * ROOT/proc/self/cgroup, and limits from ROOT/sys/fs/cgroup/<path>/cpu.max
 * (v2) or ROOT/sys/fs/cgroup/{cpu,cpuacct|cpu}/<path>/cpu.cfs_* (v1).  The
 * reader walks from <path> up to the mount root and takes the tightest
 * limit of any level: a limit set on a parent applies to its children, and
 * a container without a cgroup namespace sees its own limit at the mount
 * root under a path (/docker/ID) that does not exist there.  If the cpu
 * controller is bound to a v1 hierarchy, v1 is used; otherwise v2.
 * Unreadable or malformed cgroup files count as "no limit": the build
 * must not fail because /sys looks unusual.
 *
 * Online CPUs and affinity are those of the calling process, whatever the
 * root.
 */
#ifndef BF_COORDINATOR_JOBS_H
#define BF_COORDINATOR_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BF_JOBS_MAX 1024 /* the largest -j or BENGAL_JOBS accepted */

typedef struct {
    unsigned jobs;     /* the answer, 1..BF_JOBS_MAX */
    unsigned online;   /* online CPUs */
    unsigned affinity; /* CPUs in the affinity mask (online if unknown) */
    unsigned cgroup;   /* cgroup quota rounded up; 0 = no limit */
    bool from_env;     /* BENGAL_JOBS decided */
    /* For -v, e.g. "cgroup cpu.max 150000/100000 -> 2 (online CPUs 8,
     * affinity 8)": the deciding limit first, the others in parentheses;
     * or "BENGAL_JOBS=4". */
    char why[192];
} bf_jobs_t;

/* Parses a worker count: decimal digits only, 1..BF_JOBS_MAX.  0, or -1
 * with EINVAL (not a number) or ERANGE (0 or too large).  Does not log. */
int bf_jobs_parse(const char *s, unsigned *out);

/* Fills *out with the default worker count for root (NULL: "/").  Returns
 * -1 with EINVAL when BENGAL_JOBS is set but invalid (the error is logged,
 * naming the value); 0 otherwise. */
int bf_jobs_default(const char *root, bf_jobs_t *out);

/* Discovery's threads (bf_site_opts_t.scouts) for a build of `jobs`
 * workers (0: no workers): as many as there are CPUs to run them (-j32 on
 * 2 cores does not make the front faster), no more than the workers (-j1
 * asks for one process at a time).  1 when BENGAL_JOBS is invalid (the
 * build reports that itself). */
unsigned bf_jobs_scouts(unsigned jobs);

/* Writer processes for a build of `jobs` workers: one per
 * BF_JOBS_PER_WRITER workers, rounded up (one writer absorbs what ~6
 * workers make on tmpfs, 2-3 on a disk: perf/RESULTS.md), so -j1..-j4
 * keep one writer.  BENGAL_WRITERS=n, when set, forces n (for tests and
 * benchmarks); either way at most jobs.  Returns -1 with EINVAL when
 * BENGAL_WRITERS is not a number from 1 to BF_JOBS_MAX (logged); 0. */
#define BF_JOBS_PER_WRITER 4
int bf_jobs_writers(unsigned jobs, unsigned *out);

/* The cgroup CPU limit alone: the quota rounded up (at least 1), or 0 for
 * none.  desc (may be NULL) receives e.g. "cpu.max 150000/100000" or
 * "cpu.cfs_quota_us 150000/100000" or "". */
unsigned bf_jobs_cgroup_cpus(const char *root, char *desc, size_t desc_size);

/* The cgroup memory limit in bytes: the tightest of v2 memory.max, or of v1
 * memory.limit_in_bytes (values of 2^62 and more mean unlimited), from the
 * process's cgroup up to the mount root.  0 for none. */
uint64_t bf_jobs_memory_limit(const char *root);

#endif
