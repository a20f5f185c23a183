/*
 * tests/e2e/writers_test.c - several writer processes (issue 14, "many
 * cores"): W writers each drain a fixed group of rings into one staging
 * directory; the lead merges what the others placed, and one manifest and
 * one exchange publish it (coordinator/publish.h).
 *
 * BENGAL_WRITERS forces the writer count; with -j8 and 8 writers every
 * worker has a writer of its own, so two pages rendered by two workers go
 * through two writers.  Which worker renders which page is up to the
 * wave queue, so a test that needs two groups builds until the build says
 * (with -v) that the merge found what it checks (about one build in three
 * on 2 busy cores; at most 40).
 */
#include "coordinator/manifest.h"
#include "tests/e2e/helpers.h"

TestSuite(writers, .fini = e2e_cleanup, .timeout = 180);

/* Builds site with -j jobs, BENGAL_WRITERS=writers (NULL: the default)
 * and up to three options before the site (NULL: fewer). */
static void build_w(e2e_run_t *r, const char *site, const char *jobs, const char *writers,
                    const char *opt1, const char *opt2, const char *opt3)
{
    const char *argv[8] = {e2e_bin(), "-j", jobs};
    int n = 3;
    for (const char *const *o = (const char *const[]){opt1, opt2, opt3, NULL}; *o; o++)
        argv[n++] = *o;
    argv[n++] = site;
    argv[n] = NULL;
    if (writers)
        setenv("BENGAL_WRITERS", writers, 1);
    else
        unsetenv("BENGAL_WRITERS");
    e2e_run(r, argv);
    unsetenv("BENGAL_WRITERS");
    e2e_assert_no_crash(r);
}

static void build_ok_w(const char *site, const char *jobs, const char *writers)
{
    e2e_run_t r;
    build_w(&r, site, jobs, writers, "-q", NULL, NULL);
    cr_assert_eq(r.status, 0, "-j%s, %s writers: %s", jobs, writers ? writers : "default",
                 r.err);
    e2e_run_free(&r);
}

static void sh_ok(const char *cmd);

static void forget(const char *site)
{
    sh_ok(e2e_fmt("rm -rf '%s/public' '%s/public.staging' '%s/.bengal'", site, site, site));
}

static void sh_ok(const char *cmd)
{
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c", cmd, NULL);
    cr_assert_eq(r.status, 0, "%s: %s", cmd, r.err);
    e2e_run_free(&r);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The manifest that describes site/public (one of the state directory's
 * two slots), as sorted "path size digest" lines: what the build says it
 * published, whatever order the writers placed the files in. */
static char *published_manifest(const char *site)
{
    bf_tree_id_t id;
    cr_assert_eq(bf_tree_id(AT_FDCWD, e2e_fmt("%s/public", site), &id), 0, "%s",
                 strerror(errno));
    int state = open(e2e_fmt("%s/.bengal", site), O_RDONLY | O_DIRECTORY);
    cr_assert(state >= 0);
    bf_arena_t *a = bf_arena_create(0);
    char *out = NULL;
    for (unsigned slot = 0; slot < BF_MANIFEST_SLOTS && !out; slot++) {
        bf_manifest_t m;
        const char *why = NULL;
        bf_manifest_init(&m, a);
        if (bf_manifest_load(&m, state, slot, &why) != 1 || !bf_tree_id_eq(&m.id, &id))
            continue;
        char **lines = calloc(m.n + 1, sizeof *lines);
        size_t len = 1;
        cr_assert(lines);
        for (size_t i = 0; i < m.n; i++) {
            const bf_manifest_entry_t *e = &m.e[i];
            cr_assert(asprintf(&lines[i], "%.*s %llu %016llx%016llx\n", (int)e->len, e->path,
                               (unsigned long long)e->size, (unsigned long long)e->digest.hi,
                               (unsigned long long)e->digest.lo) > 0);
            len += strlen(lines[i]);
        }
        qsort(lines, m.n, sizeof *lines, cmp_line);
        out = e2e_own(calloc(1, len));
        for (size_t i = 0; i < m.n; i++) {
            strcat(out, lines[i]);
            free(lines[i]);
        }
        free(lines);
    }
    close(state);
    bf_arena_destroy(a);
    cr_assert(out, "no manifest describes %s/public", site);
    return out;
}

/* A page whose URL is another page's precompressed output: discovery
 * does not see it (FILE.zst is the writer's), the writers do. */
static void clash(const char *site)
{
    sh_ok(e2e_fmt("mkdir -p '%s/content/one' '%s/content/two'", site, site));
    e2e_write_str(e2e_fmt("%s/content/one/a.md", site), "---\ntitle: A\nurl: /x/\n---\n\nA.\n");
    e2e_write_str(e2e_fmt("%s/content/two/b.md", site),
                  "---\ntitle: B\nurl: /x/index.html.zst\n---\n\nB.\n");
}

Test(writers, same_tree_and_manifest_for_any_writer_count)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok_w(site, "2", NULL);
    char *tree = e2e_tree(pub), *man = published_manifest(site);
    cr_assert(strstr(man, "docs/intro/index.html "), "%s", man);
    static const char *const counts[] = {"1", "2", "4", NULL};
    for (int i = 0; i < 4; i++) {
        forget(site);
        build_ok_w(site, "8", counts[i]);
        cr_assert_str_eq(e2e_tree(pub), tree, "-j8 with %s writers", counts[i] ? counts[i] : "default");
        cr_assert_str_eq(published_manifest(site), man, "-j8 with %s writers",
                         counts[i] ? counts[i] : "default");
        cr_assert(e2e_standby_ok(pub));
    }
    /* and over the previous output (standby, links) with 4 */
    build_ok_w(site, "8", "4");
    build_ok_w(site, "8", "4");
    cr_assert_str_eq(e2e_tree(pub), tree);
    cr_assert_str_eq(published_manifest(site), man);
    cr_assert(e2e_standby_ok(pub));
}

Test(writers, count_grows_with_jobs_and_is_reported)
{
    char *site = e2e_site("docs");
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    static const struct {
        const char *jobs, *env, *want;
    } cases[] = {{"2", NULL, "1"}, {"4", NULL, "1"}, {"5", NULL, "2"}, {"8", NULL, "2"},
                 {"9", NULL, "3"}, {"2", "2", "2"}, {"2", "9", "2"}, {"8", "1", "1"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        e2e_run_t r;
        /* an edit each time: "nothing changed" would start no writer */
        e2e_write_str(e2e_fmt("%s/content/docs/intro.md", site),
                      e2e_fmt("---\ntitle: Intro\n---\n\nEdit %zu.\n", i));
        build_w(&r, site, cases[i].jobs, cases[i].env, "-v", "--stats-json", stats);
        cr_assert_eq(r.status, 0, "%s", r.err);
        cr_assert(e2e_match(r.err, e2e_fmt("debug: %s writers? for %s workers", cases[i].want,
                                           cases[i].jobs), 0),
                  "-j%s BENGAL_WRITERS=%s: %s", cases[i].jobs, cases[i].env, r.err);
        e2e_run_free(&r);
        char *json = e2e_own_file(stats, NULL);
        cr_assert(json && strstr(json, e2e_fmt("\"writers\": %s,", cases[i].want)),
                  "-j%s BENGAL_WRITERS=%s: %s", cases[i].jobs, cases[i].env, json);
    }
    e2e_run_t r;
    build_w(&r, site, "2", "0", NULL, NULL, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "BENGAL_WRITERS=\"0\" is not a number of writers"), "%s", r.err);
    e2e_run_free(&r);
}

/* Two pages at one output, rendered by workers of two writers: found
 * when the lead merges, named both, nothing published. */
Test(writers, a_clash_between_groups_names_both_and_publishes_nothing)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok_w(site, "2", NULL);
    char *before = e2e_tree(pub);
    clash(site);
    bool merged = false;
    for (int run = 0; run < 40 && !merged; run++) {
        e2e_run_t r;
        build_w(&r, site, "8", "8", "-v", "--precompress", NULL);
        cr_assert_eq(r.status, 1, "%s", r.err);
        cr_assert(e2e_match(r.err, "content/(two/b|one/a)\\.md: error: its output "
                                   "\"x/index\\.html\\.zst\" is also written by "
                                   ".*content/(one/a|two/b)\\.md", 0), "%s", r.err);
        cr_assert(e2e_match(r.err, "the writer process failed .*; the previous output is left "
                                   "as it was", 0), "%s", r.err);
        merged = strstr(r.err, "found merging writer") != NULL;
        e2e_run_free(&r);
        cr_assert_str_eq(e2e_tree(pub), before, "the previous output changed");
        cr_assert(e2e_standby_ok(pub), "a half-built staging tree left behind");
    }
    cr_assert(merged, "the two pages never went through two writers in 40 builds");
    /* and the site builds again once the clash is gone */
    sh_ok(e2e_fmt("rm '%s/content/two/b.md'", site));
    build_ok_w(site, "8", "8");
}

/* A writer that is not the lead dies: the build fails, nothing of it is
 * published, and the next build is whole. */
Test(writers, a_non_lead_writer_dying_fails_the_build_cleanly)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok_w(site, "2", NULL);
    char *before = e2e_tree(pub);
    static const char *const faults[] = {"writer-crash:files=0,writer=1",
                                         "writer-crash:files=1,writer=1",
                                         "writer-crash:files=0,writer=3",
                                         "writer-enospc:files=1,writer=1"};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        e2e_run_t r;
        e2e_write_str(e2e_fmt("%s/content/docs/intro.md", site),
                      e2e_fmt("---\ntitle: Intro %zu\n---\n\nChanged %zu.\n", i, i));
        setenv("BENGAL_FAULT", faults[i], 1);
        build_w(&r, site, "8", "4", NULL, NULL, NULL);
        unsetenv("BENGAL_FAULT");
        if (strstr(faults[i], "files=0") || r.status != 0) { /* files=1: if it had one */
            cr_assert_eq(r.status, 1, "%s: %s", faults[i], r.err);
            cr_assert(e2e_match(r.err, "the writer process failed \\((killed by signal 9 "
                                       "\\(Killed\\)|exit status 1), writer [13] of 4\\); the "
                                       "previous output is left as it was", 0), "%s: %s", faults[i], r.err);
            cr_assert_str_eq(e2e_tree(pub), before, "%s: the previous output changed", faults[i]);
            cr_assert(e2e_standby_ok(pub), "%s: staging left behind", faults[i]);
        }
        e2e_run_free(&r);
        build_ok_w(site, "8", "4");
        cr_assert_str_eq(e2e_tree(pub), e2e_clean_tree(site, NULL), "%s: then", faults[i]);
        e2e_write_str(e2e_fmt("%s/content/docs/intro.md", site), "---\ntitle: Intro\n---\n\nx\n");
        build_ok_w(site, "2", NULL);
        before = e2e_tree(pub);
    }
    /* the lead itself, as before */
    e2e_run_t r;
    setenv("BENGAL_FAULT", "writer-crash:files=0", 1);
    build_w(&r, site, "8", "4", NULL, NULL, NULL);
    unsetenv("BENGAL_FAULT");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "writer 0 of 4"), "%s", r.err);
    cr_assert_str_eq(e2e_tree(pub), before);
    e2e_run_free(&r);
    setenv("BENGAL_FAULT", "writer-crash:files=1,writer=x", 1);
    build_w(&r, site, "8", "4", NULL, NULL, NULL);
    unsetenv("BENGAL_FAULT");
    cr_assert_eq(r.status, 2, "%s", r.err);
    e2e_run_free(&r);
}

/* "outputs": {...} of a --stats-json file, as one string. */
static char *outputs_of(const char *stats)
{
    char *json = e2e_own_file(stats, NULL);
    cr_assert(json);
    char *o = strstr(json, "\"outputs\": {");
    cr_assert(o, "%s", json);
    char *end = strchr(o, '}');
    cr_assert(end);
    end[1] = '\0';
    return o;
}

/* Incremental builds over the previous output (a body edited, a page
 * removed, a title edited): the same files kept, linked, written and
 * removed, and the same tree, with 1 or 2 writers. */
Test(writers, incremental_builds_count_the_same_with_two_writers)
{
    char *site[2] = {e2e_site("docs"), e2e_site("docs")};
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    char *outs[2][4], *trees[2][4];
    for (int k = 0; k < 2; k++) {
        const char *w = k ? "2" : "1";
        for (int step = 0; step < 4; step++) {
            if (step == 1)
                e2e_write_str(e2e_fmt("%s/content/docs/intro.md", site[k]),
                              "---\ntitle: Intro\n---\n\nA new body.\n");
            if (step == 2)
                sh_ok(e2e_fmt("rm '%s/content/about.md'", site[k]));
            if (step == 3) /* the farm runs ("nothing changed" would not) */
                e2e_write_str(e2e_fmt("%s/content/docs/intro.md", site[k]),
                              "---\ntitle: Introduction\n---\n\nA new body.\n");
            e2e_run_t r;
            build_w(&r, site[k], "8", w, "-q", "--stats-json", stats);
            cr_assert_eq(r.status, 0, "%s", r.err);
            e2e_run_free(&r);
            outs[k][step] = outputs_of(stats);
            trees[k][step] = e2e_tree(e2e_fmt("%s/public", site[k]));
        }
    }
    for (int step = 0; step < 4; step++) {
        cr_assert_str_eq(outs[1][step], outs[0][step], "build %d", step);
        cr_assert_str_eq(trees[1][step], trees[0][step], "build %d", step);
    }
    cr_assert(strstr(outs[0][2], "\"removed\": 0") == NULL, "nothing removed: %s", outs[0][2]);
    cr_assert(strstr(outs[0][2], "\"kept\": 0,") == NULL, "nothing kept: %s", outs[0][2]);
}

/* The fault tests of reliability_test.c that concern rings and workers,
 * with two writers: a worker killed mid-record or at its claim, or
 * crashing on a page, is replaced in its slot, so its ring and writer. */
Test(writers, worker_faults_with_two_writers)
{
    char *site = e2e_site("docs");
    enum { ROWS = 120000 }; /* ~3 MB of HTML: more than half a 4 MiB ring */
    char *body = e2e_own(malloc(ROWS * 24 + 64));
    size_t n = (size_t)sprintf(body, "---\ntitle: Big\n---\n\n");
    for (int i = 0; i < ROWS; i++)
        n += (size_t)sprintf(body + n, "- item %d\n", i);
    e2e_write_file(e2e_fmt("%s/content/big.md", site), body, n);
    build_ok_w(site, "2", "1");
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    static const char *const faults[] = {"worker-kill-mid-record:page=big",
                                         "worker-crash:page=docs/intro",
                                         "worker-kill-at-claim:claims=1",
                                         "worker-kill-at-claim:claims=3"};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        e2e_run_t r;
        setenv("BENGAL_FAULT", faults[i], 1);
        build_w(&r, site, "4", "2", NULL, NULL, NULL);
        unsetenv("BENGAL_FAULT");
        cr_assert_eq(r.status, 0, "%s: %s", faults[i], r.err);
        e2e_run_free(&r);
        cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), want, "%s", faults[i]);
        cr_assert(e2e_standby_ok(e2e_fmt("%s/public", site)), "%s", faults[i]);
    }
}
