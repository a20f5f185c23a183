/*
 * tests/e2e/shard_test.c - sharded builds (issue 15, coordinator/shard.h):
 * `plan`, `build --shard I/N`, `merge`, run here as plain processes (the
 * Slurm job array is tests/slow/slurm-shards.sh).
 *
 * The contract: the merged output equals a one-machine build of the same
 * site at the same build time, byte for byte; a shard that runs twice
 * writes the same files; and a missing, unfinished, damaged or foreign
 * shard, or a second merge at once, is a clear error or a correct result,
 * never a mixed tree: the previous output stays as it was.
 */
#include "tests/e2e/helpers.h"

TestSuite(shard, .fini = e2e_cleanup, .timeout = 240);

#define EPOCH "1900000000"

typedef struct {
    char *site, *shared, *out;
} sharded_t;

static void sh_ok(const char *cmd)
{
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c", cmd, NULL);
    cr_assert_eq(r.status, 0, "%s: %s", cmd, r.err);
    e2e_run_free(&r);
}

/* The features fixture with a generated docs site's sections beside it:
 * static files, bundles, math, taxonomies, and enough pages that each of
 * three shards has several waves. */
static sharded_t setup(void)
{
    setenv("SOURCE_DATE_EPOCH", EPOCH, 1);
    unsetenv("SLURM_ARRAY_TASK_ID");
    unsetenv("SLURM_ARRAY_TASK_COUNT");
    unsetenv("JOB_COMPLETION_INDEX");
    sharded_t s = {e2e_site("features"), NULL, NULL};
    char *gen = e2e_fmt("%s/gen", e2e_tmpdir());
    sh_ok(e2e_fmt("python3 '%s/perf/gensite.py' --sections 2 --subsections 3 --pages 40 "
                  "--page-bytes 1500 '%s' >/dev/null && cp -r '%s/content/.' '%s/content/'",
                  e2e_top(), gen, gen, s.site));
    char *top = e2e_tmpdir();
    s.shared = e2e_fmt("%s/shared", top);
    s.out = e2e_fmt("%s/out", top);
    return s;
}

static void run_ok(e2e_run_t *r, const char *what)
{
    e2e_assert_no_crash(r);
    cr_assert_eq(r->status, 0, "%s: exit %d: %s", what, r->status, r->err);
}

static void plan(const sharded_t *s, const char *n)
{
    e2e_run_t r;
    e2e_bf(&r, "plan", "--shards", n, "--cache-dir", s->shared, s->site, NULL);
    run_ok(&r, "plan");
    cr_assert(e2e_match(r.out, "^plan: [0-9]+ pages in [0-9]+ shards", REG_EXTENDED), "%s", r.out);
    e2e_run_free(&r);
}

static void shard(const sharded_t *s, const char *which)
{
    e2e_run_t r;
    e2e_bf(&r, "build", "-j", "2", "--shard", which, "--cache-dir", s->shared, s->site, NULL);
    run_ok(&r, which);
    e2e_run_free(&r);
}

static int merge(const sharded_t *s, e2e_run_t *r)
{
    e2e_bf(r, "merge", "--shards", "3", "-j", "2", "--cache-dir", s->shared, "-o", s->out, s->site,
           NULL);
    e2e_assert_no_crash(r);
    return r->status;
}

static void merge_ok(const sharded_t *s)
{
    e2e_run_t r;
    merge(s, &r);
    run_ok(&r, "merge");
    e2e_run_free(&r);
}

/* A merge that must fail with a message matching pattern, and leave OUT
 * as it was (before: e2e_tree of it, or NULL when there was none). */
static void merge_refused(const sharded_t *s, const char *pattern, const char *before)
{
    e2e_run_t r;
    cr_assert_neq(merge(s, &r), 0, "the merge succeeded: %s", r.err);
    cr_assert(e2e_match(r.err, pattern, REG_EXTENDED), "no /%s/ in: %s", pattern, r.err);
    if (before)
        cr_assert_str_eq(e2e_tree(s->out), before, "the published output changed");
    else
        cr_assert(!e2e_exists(s->out), "an output was published");
    e2e_run_free(&r);
}

static void all_shards(const sharded_t *s)
{
    shard(s, "0/3");
    shard(s, "1/3");
    shard(s, "2/3");
}

/* What one machine makes of the site at the same build time. */
static char *one_machine(const sharded_t *s)
{
    return e2e_clean_tree(s->site, NULL);
}

Test(shard, three_shards_merged_equal_a_one_machine_build)
{
    sharded_t s = setup();
    plan(&s, "3");
    all_shards(&s);
    e2e_run_t r;
    merge(&s, &r);
    run_ok(&r, "merge");
    /* the shards' pages are taken, not rendered again */
    cr_assert(e2e_match(r.out, "[0-9]+ rendered, [0-9]{3} reused", REG_EXTENDED), "%s", r.out);
    cr_assert(e2e_match(r.out, "[1-9][0-9]* linked", REG_EXTENDED), "%s", r.out);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_tree(s.out), one_machine(&s));
    /* every shard rendered a part; none rendered list pages */
    for (int i = 0; i < 3; i++) {
        char *idx = e2e_fmt("%s/shards/%d/out/index.html", s.shared, i);
        cr_assert(!e2e_exists(idx), "shard %d rendered the home page", i);
        cr_assert(e2e_exists(e2e_fmt("%s/shards/%d/done", s.shared, i)));
    }
}

Test(shard, warnings_are_reported_once_by_the_merge_as_by_one_build)
{
    sharded_t s = setup();
    e2e_write_str(e2e_fmt("%s/content/broken-a.md", s.site),
                  "---\ntitle: Broken A\n---\n\nSee [gone](/no/such/page/).\n");
    e2e_write_str(e2e_fmt("%s/content/broken-b.md", s.site),
                  "---\ntitle: Broken B\n---\n\nSee [[no/such/ref]].\n");
    plan(&s, "3");
    all_shards(&s);
    e2e_run_t r, one;
    merge(&s, &r);
    run_ok(&r, "merge");
    char *clean = e2e_fmt("%s/clean", e2e_tmpdir());
    sh_ok(e2e_fmt("cp -a '%s' '%s' && rm -rf '%s/.bengal' '%s/public'", s.site, clean, clean,
                  clean));
    e2e_bf(&one, "-j", "2", clean, NULL);
    run_ok(&one, "one-machine build");
    /* the same warnings, in the same order, with the site's paths */
    char *merged = e2e_own(strdup(r.err)), *single = e2e_own(strdup(one.err));
    cr_assert_eq(e2e_count(merged, "broken-a.md"), 1, "%s", merged);
    cr_assert_eq(e2e_count(merged, "broken-b.md"), 1, "%s", merged);
    size_t n_warn = e2e_count(single, "warning:");
    cr_assert_gt(n_warn, 0);
    cr_assert_eq(e2e_count(merged, "warning:"), n_warn, "merged:\n%s\none machine:\n%s", merged,
                 single);
    e2e_run_free(&r);
    e2e_run_free(&one);
    cr_assert_str_eq(e2e_tree(s.out), e2e_tree(e2e_fmt("%s/public", clean)));
}

Test(shard, a_retried_shard_writes_the_same_files)
{
    sharded_t s = setup();
    plan(&s, "3");
    shard(&s, "1/3");
    char *first = e2e_tree(e2e_fmt("%s/shards/1/out", s.shared));
    char *done = e2e_own_file(e2e_fmt("%s/shards/1/done", s.shared), NULL);
    sh_ok(e2e_fmt("rm -rf '%s/shards/1'", s.shared)); /* retried on another node */
    shard(&s, "1/3");
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/shards/1/out", s.shared)), first);
    cr_assert_str_eq(e2e_own_file(e2e_fmt("%s/shards/1/done", s.shared), NULL), done);
    shard(&s, "1/3"); /* and again over its own output: nothing changed */
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/shards/1/out", s.shared)), first);
}

Test(shard, a_shard_killed_mid_way_is_named_and_its_retry_completes_the_build)
{
    sharded_t s = setup();
    plan(&s, "3");
    all_shards(&s);
    merge_ok(&s);
    char *published = e2e_tree(s.out);
    /* a page changes; shard 1 is killed mid-way through its next build */
    sh_ok(e2e_fmt("for f in '%s'/content/*/*/page-00*.md; do printf '\\nedited\\n' >> \"$f\"; done",
                  s.site));
    plan(&s, "3");
    shard(&s, "0/3");
    shard(&s, "2/3");
    e2e_run_t r;
    setenv("BENGAL_FAULT", "writer-crash:files=3", 1);
    e2e_bf(&r, "build", "-j", "2", "--shard", "1/3", "--cache-dir", s.shared, s.site, NULL);
    unsetenv("BENGAL_FAULT");
    e2e_assert_no_crash(&r);
    cr_assert_neq(r.status, 0, "the killed shard succeeded");
    e2e_run_free(&r);
    merge_refused(&s, "shard 1 of 3 has not finished", published);
    shard(&s, "1/3"); /* the retry */
    merge_ok(&s);
    cr_assert_str_eq(e2e_tree(s.out), one_machine(&s));
}

Test(shard, a_damaged_shard_output_is_an_error_naming_the_file_and_shard)
{
    sharded_t s = setup();
    plan(&s, "3");
    all_shards(&s);
    /* one page file of shard 0 changes after it finished (bit rot, a
     * stray process, a half-synced shared volume) */
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c", e2e_fmt("cd '%s/shards/0/out' && find . -name index.html | sort | "
                                     "head -1", s.shared), NULL);
    cr_assert_eq(r.status, 0);
    char *victim = e2e_own(strndup(r.out + 2, strcspn(r.out + 2, "\n")));
    e2e_run_free(&r);
    cr_assert(*victim, "shard 0 has no page");
    sh_ok(e2e_fmt("cd '%s/shards/0/out' && cp '%s' x && rm '%s' && sed 's/</[/' x > '%s' && "
                  "rm x", s.shared, victim, victim, victim));
    merge_refused(&s, e2e_fmt("%s: other than shard 0 recorded .* build shard 0 again with "
                              "--no-cache", e2e_re_escape(victim)), NULL);
    /* as the message says: its own output is not trusted either */
    e2e_bf(&r, "build", "-q", "--no-cache", "--shard", "0/3", "--cache-dir", s.shared, s.site,
           NULL);
    run_ok(&r, "shard 0 --no-cache");
    e2e_run_free(&r);
    /* a shard whose page cache was replaced after it finished */
    sh_ok(e2e_fmt("cp '%s/shards/2/state/pages' '%s/shards/1/state/pages'", s.shared, s.shared));
    merge_refused(&s, "page cache of shard 1 is not the one it finished with", NULL);
    shard(&s, "1/3");
    merge_ok(&s);
    cr_assert_str_eq(e2e_tree(s.out), one_machine(&s));
}

Test(shard, shards_of_another_plan_or_site_are_refused)
{
    sharded_t s = setup();
    plan(&s, "3");
    all_shards(&s);
    merge_ok(&s);
    char *published = e2e_tree(s.out);
    /* planned again at another time: the old shards are foreign */
    setenv("SOURCE_DATE_EPOCH", "1900000500", 1);
    plan(&s, "3");
    merge_refused(&s, "shard 0 of 3 belongs to another plan", published);
    /* the site changed after the plan: the shard refuses to build */
    e2e_write_str(e2e_fmt("%s/content/late.md", s.site), "---\ntitle: Late\n---\n\nlate\n");
    e2e_run_t r;
    e2e_bf(&r, "build", "--shard", "0/3", "--cache-dir", s.shared, s.site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    cr_assert(e2e_match(r.err, "is not the site that was planned", 0), "%s", r.err);
    cr_assert(!e2e_exists(e2e_fmt("%s/shards/0/done", s.shared)));
    e2e_run_free(&r);
    /* a plan of 2 shards: a merge of 3 is refused before it reads any */
    plan(&s, "2");
    e2e_bf(&r, "merge", "--shards", "3", "--cache-dir", s.shared, "-o", s.out, s.site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(e2e_match(r.err, "the plan in .* has 2 shards", 0), "%s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_tree(s.out), published);
}

Test(shard, two_merges_at_once_give_one_correct_tree)
{
    sharded_t s = setup();
    plan(&s, "3");
    all_shards(&s);
    char *cmd = e2e_fmt("'%s' merge -q -j 2 --cache-dir '%s' -o '%s' '%s'", e2e_bin(), s.shared,
                        s.out, s.site);
    e2e_run_t r;
    /* both at once; each prints its exit status */
    e2e_runl(&r, "sh", "-c", e2e_fmt("(%s; echo \"a=$?\") & (%s; echo \"b=$?\") & wait", cmd, cmd),
             NULL);
    cr_assert(e2e_match(r.out, "a=0", 0) || e2e_match(r.out, "b=0", 0), "%s\n%s", r.out, r.err);
    if (!e2e_match(r.out, "a=0", 0) || !e2e_match(r.out, "b=0", 0))
        cr_assert(e2e_match(r.err, "(locked|busy|in use|another)", REG_EXTENDED | REG_ICASE),
                  "the loser said: %s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_tree(s.out), one_machine(&s));
    cr_assert(!e2e_exists(e2e_fmt("%s.staging/index.html", s.out)) ||
              e2e_standby_ok(s.out));
}

Test(shard, an_edit_renders_again_in_its_shard_alone)
{
    sharded_t s = setup();
    plan(&s, "3");
    all_shards(&s);
    merge_ok(&s);
    sh_ok(e2e_fmt("printf '\\nOne more line.\\n' >> '%s/content/getting-started/basics/page-003.md'",
                  s.site));
    plan(&s, "3");
    int rendered = 0;
    for (int i = 0; i < 3; i++) {
        e2e_run_t r;
        e2e_bf(&r, "build", "-j", "2", "--shard", e2e_fmt("%d/3", i), "--cache-dir", s.shared,
               s.site, NULL);
        run_ok(&r, "shard");
        int n = 0;
        const char *m = strstr(r.out, " rendered, ");
        cr_assert(m, "shard %d did not reuse: %s", i, r.out);
        while (m > r.out && m[-1] >= '0' && m[-1] <= '9')
            m--;
        n = atoi(m);
        rendered += n;
        e2e_run_free(&r);
    }
    cr_assert_eq(rendered, 1, "the shards rendered %d pages for one edit", rendered);
    merge_ok(&s);
    cr_assert_str_eq(e2e_tree(s.out), one_machine(&s));
}

Test(shard, shard_options_are_checked)
{
    sharded_t s = setup();
    e2e_run_t r;
    e2e_bf(&r, "build", "--shard", "0/3", s.site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(e2e_match(r.err, "needs --cache-dir", 0), "%s", r.err);
    e2e_run_free(&r);
    e2e_bf(&r, "build", "--shard", "0/3", "--cache-dir", s.shared, s.site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(e2e_match(r.err, "no plan here: run `bengal-farm plan", 0), "%s", r.err);
    e2e_run_free(&r);
    plan(&s, "3");
    const char *bad[] = {"3/3", "1", "a/3", "-1/3", "1/0", "auto"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        e2e_bf(&r, "build", "--shard", bad[i], "--cache-dir", s.shared, s.site, NULL);
        cr_assert_eq(r.status, 2, "--shard %s: %s", bad[i], r.err);
        cr_assert(e2e_match(r.err, "--shard", 0), "%s", r.err);
        e2e_run_free(&r);
    }
    e2e_bf(&r, "build", "--shard", "1/4", "--cache-dir", s.shared, s.site, NULL);
    cr_assert(e2e_match(r.err, "the plan in .* has 3 shards", 0), "%s", r.err);
    e2e_run_free(&r);
    e2e_bf(&r, "build", "--shard", "0/3", "-o", s.out, "--cache-dir", s.shared, s.site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    e2e_run_free(&r);
    /* --shard auto: the index from Slurm or Kubernetes, the count from the plan */
    setenv("SLURM_ARRAY_TASK_ID", "2", 1);
    setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
    shard(&s, "auto");
    cr_assert(e2e_exists(e2e_fmt("%s/shards/2/done", s.shared)));
    setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
    e2e_bf(&r, "build", "--shard", "auto", "--cache-dir", s.shared, s.site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    e2e_run_free(&r);
    unsetenv("SLURM_ARRAY_TASK_ID");
    unsetenv("SLURM_ARRAY_TASK_COUNT");
    setenv("JOB_COMPLETION_INDEX", "0", 1);
    shard(&s, "auto");
    cr_assert(e2e_exists(e2e_fmt("%s/shards/0/done", s.shared)));
    unsetenv("JOB_COMPLETION_INDEX");
    /* shard 1 is missing: the merge names it, and publishes nothing */
    merge_refused(&s, "shard 1 of 3 has not finished", NULL);
}

Test(shard, a_merge_with_two_writers_shares_out_the_pages_it_links)
{
    sharded_t s = setup();
    plan(&s, "3");
    all_shards(&s);
    setenv("BENGAL_WRITERS", "2", 1); /* -j 2: each writer links half the pages */
    e2e_run_t r;
    e2e_bf(&r, "merge", "-v", "-j", "2", "--cache-dir", s.shared, "-o", s.out, s.site, NULL);
    run_ok(&r, "merge");
    cr_assert(e2e_match(r.err, "2 writers for 2 workers", 0), "%s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_tree(s.out), one_machine(&s));
    /* what both writers placed is in the manifest and the page cache: the
     * next merge over it keeps every page and file */
    sh_ok(e2e_fmt("printf '\\nedited\\n' >> '%s/content/about.md'", s.site));
    plan(&s, "3");
    all_shards(&s);
    merge(&s, &r);
    run_ok(&r, "merge again");
    cr_assert(e2e_match(r.out, " 0 written, [0-9]+ kept, [0-9]+ linked", REG_EXTENDED) ||
                  e2e_match(r.out, " [1-9] written, [0-9]+ kept", REG_EXTENDED),
              "%s", r.out);
    e2e_run_free(&r);
    unsetenv("BENGAL_WRITERS");
    cr_assert_str_eq(e2e_tree(s.out), one_machine(&s));
}
