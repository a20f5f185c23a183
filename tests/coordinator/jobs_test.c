/*
 * tests/coordinator/jobs_test.c - default -j and memory limit from fake
 * cgroup trees.
 *
 * Each test builds ROOT/proc/self/cgroup and ROOT/sys/fs/cgroup/... in a
 * fresh temporary directory and points the reader at it.  Online CPUs and
 * affinity are the real ones of the test process, so expected values are
 * computed from them; quotas of one CPU make the cgroup the deciding limit
 * on any machine, so those "why" strings are exact.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/jobs.h"

static char root[64];

static void make_root(void)
{
    strcpy(root, "/tmp/bf-jobs-test-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    unsetenv("BENGAL_JOBS");
}

static void remove_root(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    (void)system(cmd);
}

/* Writes ROOT/rel (creating directories), text as given. */
static void put(const char *rel, const char *text)
{
    char path[512], cmd[600];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    cr_assert_eq(system(cmd), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void mkdirs(const char *rel)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", root, rel);
    cr_assert_eq(system(cmd), 0);
}

static unsigned hw_cpus(unsigned *online, unsigned *aff)
{
    cpu_set_t set;
    cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0);
    *online = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    *aff = (unsigned)CPU_COUNT(&set);
    return *aff < *online ? *aff : *online;
}

static unsigned cpus(const char *desc_want)
{
    char desc[64];
    unsigned n = bf_jobs_cgroup_cpus(root, desc, sizeof desc);
    cr_assert_str_eq(desc, desc_want);
    return n;
}

TestSuite(jobs, .init = make_root, .fini = remove_root);

Test(jobs, parse_accepts_only_small_positive_integers)
{
    unsigned n = 0;
    cr_assert_eq(bf_jobs_parse("1", &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(bf_jobs_parse("32", &n), 0);
    cr_assert_eq(n, 32);
    cr_assert_eq(bf_jobs_parse("1024", &n), 0);
    cr_assert_eq(n, 1024);
    const char *range[] = {"0", "1025", "99999999999999999999999"};
    for (size_t i = 0; i < 3; i++) {
        errno = 0;
        cr_assert_eq(bf_jobs_parse(range[i], &n), -1, "%s", range[i]);
        cr_assert_eq(errno, ERANGE, "%s", range[i]);
    }
    const char *bad[] = {"", "abc", "-1", "+2", " 2", "2 ", "2x", "0x10", "1.5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        errno = 0;
        cr_assert_eq(bf_jobs_parse(bad[i], &n), -1, "\"%s\"", bad[i]);
        cr_assert_eq(errno, EINVAL, "\"%s\"", bad[i]);
    }
    cr_assert_eq(n, 1024);
}

Test(jobs, v2_quota_rounds_up)
{
    put("proc/self/cgroup", "0::/user.slice/app.service\n");
    put("sys/fs/cgroup/user.slice/app.service/cpu.max", "150000 100000\n");
    cr_assert_eq(cpus("cpu.max 150000/100000"), 2);
    put("sys/fs/cgroup/user.slice/app.service/cpu.max", "200000 100000\n");
    cr_assert_eq(cpus("cpu.max 200000/100000"), 2);
    put("sys/fs/cgroup/user.slice/app.service/cpu.max", "1 100000\n");
    cr_assert_eq(cpus("cpu.max 1/100000"), 1);
    /* Without a period the kernel's default applies. */
    put("sys/fs/cgroup/user.slice/app.service/cpu.max", "250000\n");
    cr_assert_eq(cpus("cpu.max 250000/100000"), 3);

    unsigned online, aff;
    unsigned hw = hw_cpus(&online, &aff);
    put("sys/fs/cgroup/user.slice/app.service/cpu.max", "150000 100000\n");
    bf_jobs_t j;
    cr_assert_eq(bf_jobs_default(root, &j), 0);
    cr_assert_eq(j.cgroup, 2);
    cr_assert_eq(j.online, online);
    cr_assert_eq(j.affinity, aff);
    cr_assert_eq(j.jobs, hw < 2 ? hw : 2);
    cr_assert(!j.from_env);
}

Test(jobs, v2_quota_decides_and_says_why)
{
    put("proc/self/cgroup", "0::/\n");
    put("sys/fs/cgroup/cpu.max", "50000 100000\n");
    unsigned online, aff;
    hw_cpus(&online, &aff);
    bf_jobs_t j;
    cr_assert_eq(bf_jobs_default(root, &j), 0);
    cr_assert_eq(j.jobs, 1);
    cr_assert_eq(j.cgroup, 1);
    char want[192];
    snprintf(want, sizeof want, "cgroup cpu.max 50000/100000 -> 1 (online CPUs %u, affinity %u)",
             online, aff);
    cr_assert_str_eq(j.why, want);
}

Test(jobs, v2_max_is_no_limit)
{
    put("proc/self/cgroup", "0::/a\n");
    put("sys/fs/cgroup/a/cpu.max", "max 100000\n");
    put("sys/fs/cgroup/cpu.max", "max 100000\n");
    cr_assert_eq(cpus(""), 0);
    unsigned online, aff;
    unsigned hw = hw_cpus(&online, &aff);
    bf_jobs_t j;
    cr_assert_eq(bf_jobs_default(root, &j), 0);
    cr_assert_eq(j.cgroup, 0);
    cr_assert_eq(j.jobs, hw);
    char want[192];
    if (aff <= online)
        snprintf(want, sizeof want, "affinity %u (online CPUs %u, no cgroup cpu limit)", aff,
                 online);
    else
        snprintf(want, sizeof want, "online CPUs %u (affinity %u, no cgroup cpu limit)",
                 online, aff);
    cr_assert_str_eq(j.why, want);
}

Test(jobs, v2_limit_in_a_parent_applies)
{
    put("proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
    mkdirs("sys/fs/cgroup/kubepods/pod1/ctr"); /* no cpu.max at the leaf */
    put("sys/fs/cgroup/kubepods/pod1/cpu.max", "max 100000\n");
    put("sys/fs/cgroup/kubepods/cpu.max", "300000 100000\n");
    cr_assert_eq(cpus("cpu.max 300000/100000"), 3);
    /* The tightest level wins, wherever it is. */
    put("sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "400000 100000\n");
    cr_assert_eq(cpus("cpu.max 300000/100000"), 3);
    put("sys/fs/cgroup/cpu.max", "100000 100000\n");
    cr_assert_eq(cpus("cpu.max 100000/100000"), 1);
}

Test(jobs, v1_quota_and_period)
{
    put("proc/self/cgroup",
        "12:memory:/docker/abc\n"
        "4:cpu,cpuacct:/docker/abc\n"
        "1:name=systemd:/docker/abc\n"
        "0::/\n");
    put("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "250000\n");
    put("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
    /* v1 has the cpu controller: a v2 file is not consulted. */
    put("sys/fs/cgroup/cpu.max", "50000 100000\n");
    cr_assert_eq(cpus("cpu.cfs_quota_us 250000/100000"), 3);
    put("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "50000\n");
    cr_assert_eq(cpus("cpu.cfs_quota_us 250000/50000"), 5);
}

Test(jobs, v1_minus_one_is_no_limit)
{
    put("proc/self/cgroup", "3:cpu,cpuacct:/user.slice\n");
    put("sys/fs/cgroup/cpu,cpuacct/user.slice/cpu.cfs_quota_us", "-1\n");
    put("sys/fs/cgroup/cpu,cpuacct/user.slice/cpu.cfs_period_us", "100000\n");
    put("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    cr_assert_eq(cpus(""), 0);
    bf_jobs_t j;
    unsigned online, aff;
    cr_assert_eq(bf_jobs_default(root, &j), 0);
    cr_assert_eq(j.jobs, hw_cpus(&online, &aff));
}

Test(jobs, v1_plain_cpu_mount_and_container_without_cgroup_namespace)
{
    /* The container's own limit sits at the mount root; its path from
     * /proc does not exist in its view of the mount. */
    put("proc/self/cgroup", "5:cpuacct,cpu:/docker/0123456789abcdef\n");
    put("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "100000\n");
    put("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
    cr_assert_eq(cpus("cpu.cfs_quota_us 100000/100000"), 1);
}

Test(jobs, missing_or_malformed_files_mean_no_limit)
{
    cr_assert_eq(cpus(""), 0); /* no proc/self/cgroup at all */
    cr_assert_eq(bf_jobs_memory_limit(root), 0);
    put("proc/self/cgroup", "garbage\n0::relative/path\n");
    cr_assert_eq(cpus(""), 0);
    put("proc/self/cgroup", "0::/a/../../etc\n");
    put("sys/fs/cgroup/cpu.max", "100000 100000\n");
    cr_assert_eq(cpus(""), 0, "a path with .. is not followed at all");
    put("proc/self/cgroup", "0::/a\n");
    put("sys/fs/cgroup/a/cpu.max", "lots 100000\n");
    put("sys/fs/cgroup/cpu.max", "100000 0\n");
    cr_assert_eq(cpus(""), 0);
}

Test(jobs, bengal_jobs_overrides)
{
    put("proc/self/cgroup", "0::/\n");
    put("sys/fs/cgroup/cpu.max", "50000 100000\n");
    setenv("BENGAL_JOBS", "7", 1);
    bf_jobs_t j;
    cr_assert_eq(bf_jobs_default(root, &j), 0);
    cr_assert_eq(j.jobs, 7);
    cr_assert(j.from_env);
    cr_assert_eq(j.cgroup, 1);
    cr_assert_str_eq(j.why, "BENGAL_JOBS=7");
}

Test(jobs, bad_bengal_jobs_is_an_error)
{
    const char *bad[] = {"", "0", "-3", "four", "4x", "100000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("BENGAL_JOBS", bad[i], 1);
        bf_jobs_t j;
        errno = 0;
        cr_assert_eq(bf_jobs_default(root, &j), -1, "BENGAL_JOBS=\"%s\"", bad[i]);
        cr_assert_eq(errno, EINVAL);
    }
}

Test(jobs, v2_memory_max)
{
    put("proc/self/cgroup", "0::/app/worker\n");
    mkdirs("sys/fs/cgroup/app/worker");
    cr_assert_eq(bf_jobs_memory_limit(root), 0);
    put("sys/fs/cgroup/app/worker/memory.max", "max\n");
    cr_assert_eq(bf_jobs_memory_limit(root), 0);
    put("sys/fs/cgroup/app/memory.max", "2147483648\n");
    cr_assert_eq(bf_jobs_memory_limit(root), 2147483648ull);
    put("sys/fs/cgroup/app/worker/memory.max", "536870912\n");
    cr_assert_eq(bf_jobs_memory_limit(root), 536870912ull);
    put("sys/fs/cgroup/memory.max", "268435456\n");
    cr_assert_eq(bf_jobs_memory_limit(root), 268435456ull);
}

Test(jobs, v1_memory_limit_in_bytes)
{
    put("proc/self/cgroup", "9:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n");
    put("sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "9223372036854771712\n");
    put("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    cr_assert_eq(bf_jobs_memory_limit(root), 0, "the v1 'unlimited' value");
    put("sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "1073741824\n");
    cr_assert_eq(bf_jobs_memory_limit(root), 1073741824ull);
    /* A v2 file is not consulted when memory is a v1 controller. */
    put("sys/fs/cgroup/memory.max", "1000\n");
    cr_assert_eq(bf_jobs_memory_limit(root), 1073741824ull);
}

Test(jobs, the_real_root_gives_a_sane_answer)
{
    bf_jobs_t j;
    cr_assert_eq(bf_jobs_default(NULL, &j), 0);
    unsigned online, aff;
    unsigned hw = hw_cpus(&online, &aff);
    cr_assert_geq(j.jobs, 1);
    cr_assert_leq(j.jobs, hw);
    cr_assert_neq(j.why[0], '\0');
    cr_assert_eq(bf_jobs_default("/", &j), 0);
    cr_assert_leq(j.jobs, hw);
}
