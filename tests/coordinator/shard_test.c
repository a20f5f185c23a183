/*
 * tests/coordinator/shard_test.c - the pieces of coordinator/shard.h that
 * need no build: --shard parsing (I/N, auto from Slurm or Kubernetes), the
 * paths under SHARED, the plan record (round trip, damage, foreign), and
 * the shard records a merge checks.  The whole contract is
 * tests/e2e/shard_test.c.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coordinator/shard.h"
#include "shared/fs.h"

static char shared[64];

static void clean_env(void)
{
    unsetenv("SLURM_ARRAY_TASK_ID");
    unsetenv("SLURM_ARRAY_TASK_COUNT");
    unsetenv("JOB_COMPLETION_INDEX");
}

static void make_shared(void)
{
    clean_env();
    strcpy(shared, "/tmp/bf-shard-test-XXXXXX");
    cr_assert_not_null(mkdtemp(shared));
}

static void remove_shared(void)
{
    bf_fs_remove_tree(shared);
}

TestSuite(shard_unit, .init = clean_env);
TestSuite(shard_files, .init = make_shared, .fini = remove_shared);

Test(shard_unit, explicit_index_and_count)
{
    uint32_t i, n;
    const char *why = NULL;
    cr_assert_eq(bf_shard_parse("0/1", &i, &n, &why), 0);
    cr_assert_eq(i, 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(bf_shard_parse("41/100", &i, &n, &why), 0);
    cr_assert_eq(i, 41);
    cr_assert_eq(n, 100);
    const char *bad[] = {"", "/", "1", "3/3", "4/3", "a/3", "1/b", "-1/3", "1/-3", "+1/3",
                         "1/0", "1/4096", "1/3/", "99999999999999999999/3", " 1/3", "1 /3"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        why = NULL;
        cr_assert_eq(bf_shard_parse(bad[k], &i, &n, &why), -1, "\"%s\" accepted", bad[k]);
        cr_assert_not_null(why);
    }
}

Test(shard_unit, auto_takes_the_index_from_slurm_then_kubernetes)
{
    uint32_t i, n;
    const char *why = NULL;
    cr_assert_eq(bf_shard_parse("auto", &i, &n, &why), -1);
    cr_assert(strstr(why, "SLURM_ARRAY_TASK_ID") && strstr(why, "JOB_COMPLETION_INDEX"), "%s",
              why);
    setenv("JOB_COMPLETION_INDEX", "7", 1);
    cr_assert_eq(bf_shard_parse("auto", &i, &n, &why), 0);
    cr_assert_eq(i, 7);
    cr_assert_eq(n, 0, "the count comes from the plan");
    setenv("SLURM_ARRAY_TASK_ID", "2", 1); /* Slurm's wins */
    setenv("SLURM_ARRAY_TASK_COUNT", "5", 1);
    cr_assert_eq(bf_shard_parse("auto", &i, &n, &why), 0);
    cr_assert_eq(i, 2);
    cr_assert_eq(n, 5);
    setenv("SLURM_ARRAY_TASK_ID", "x", 1);
    cr_assert_eq(bf_shard_parse("auto", &i, &n, &why), -1);
    cr_assert(strstr(why, "SLURM_ARRAY_TASK_ID"), "%s", why);
    setenv("SLURM_ARRAY_TASK_ID", "1", 1);
    setenv("SLURM_ARRAY_TASK_COUNT", "0", 1);
    cr_assert_eq(bf_shard_parse("auto", &i, &n, &why), -1);
}

Test(shard_unit, paths_under_shared)
{
    char p[64];
    cr_assert_eq(bf_shard_path(p, sizeof p, "/s", BF_SHARD_NONE, "plan"), 0);
    cr_assert_str_eq(p, "/s/plan");
    cr_assert_eq(bf_shard_path(p, sizeof p, "/s", 12, "out"), 0);
    cr_assert_str_eq(p, "/s/shards/12/out");
    cr_assert_eq(bf_shard_path(p, sizeof p, "/s", 3, ""), 0);
    cr_assert_str_eq(p, "/s/shards/3");
    cr_assert_eq(bf_shard_path(p, 10, "/s", 12, "out"), -1, "cut short");
}

Test(shard_files, the_plan_round_trips_and_names_itself)
{
    bf_shard_plan_t a = {.count = 3, .now = 1900000000, .snapshot = {1, 2}}, b, c;
    cr_assert_eq(bf_shard_plan_save(shared, &a), 0);
    cr_assert_eq(bf_shard_plan_load(shared, &b), 0);
    cr_assert_eq(b.count, 3);
    cr_assert_eq(b.now, 1900000000);
    cr_assert(bf_digest_eq(b.snapshot, a.snapshot));
    cr_assert(bf_digest_eq(b.id, a.id));
    /* another snapshot, another time, another count: another plan */
    c = a;
    c.snapshot.hi++;
    cr_assert_eq(bf_shard_plan_save(shared, &c), 0);
    cr_assert(!bf_digest_eq(c.id, a.id));
    c = a;
    c.now++;
    cr_assert_eq(bf_shard_plan_save(shared, &c), 0);
    cr_assert(!bf_digest_eq(c.id, a.id));
}

Test(shard_files, a_missing_or_damaged_plan_is_refused)
{
    bf_shard_plan_t p = {.count = 2, .now = 1, .snapshot = {3, 4}};
    cr_assert_eq(bf_shard_plan_load(shared, &p), -1);
    cr_assert_eq(bf_shard_plan_save(shared, &p), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/plan/plan", shared);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    fseek(f, -3, SEEK_END);
    fputc('X', f); /* a byte of the payload: the checksum fails */
    fclose(f);
    cr_assert_eq(bf_shard_plan_load(shared, &p), -1);
}

Test(shard_files, the_merge_checks_every_shard_record)
{
    bf_shard_plan_t p = {.count = 3, .now = 5, .snapshot = {6, 7}};
    cr_assert_eq(bf_shard_plan_save(shared, &p), 0);
    cr_assert_eq(bf_shard_check_all(shared, &p), -1, "no shard has finished");
    for (uint32_t i = 0; i < 3; i++)
        cr_assert_eq(bf_shard_done(shared, &p, i), 0);
    cr_assert_eq(bf_shard_check_all(shared, &p), 0);
    /* a shard that starts again has no record until it finishes */
    cr_assert_eq(bf_shard_forget(shared, 1), 0);
    cr_assert_eq(bf_shard_check_all(shared, &p), -1);
    cr_assert_eq(bf_shard_done(shared, &p, 1), 0);
    /* records of another plan are foreign */
    bf_shard_plan_t q = p;
    q.now++;
    cr_assert_eq(bf_shard_plan_save(shared, &q), 0);
    cr_assert_eq(bf_shard_check_all(shared, &q), -1);
    /* a record copied from another shard's directory is foreign too */
    cr_assert_eq(bf_shard_check_all(shared, &p), 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp %s/shards/0/done %s/shards/2/done", shared, shared);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(bf_shard_check_all(shared, &p), -1);
}
