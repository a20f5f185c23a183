/*
 * tests/e2e/reliability_test.c - issue 10's defects, one test each: data
 * outside the output, builds that never end, and reports that were not
 * true.  Each test failed on the code before its fix (checked by hand;
 * the fault hooks they use are BENGAL_FAULT kinds of shared/farm.h).
 */
#include "tests/e2e/helpers.h"

#include <dirent.h>
#include <sys/file.h>

TestSuite(reliability, .fini = e2e_cleanup, .timeout = 120);

static void build_ok(const char *site, const char *out)
{
    e2e_run_t r;
    if (out)
        e2e_bf(&r, "-q", "-j", "2", "-o", out, site, NULL);
    else
        e2e_bf(&r, "-q", "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build failed:\n%s", r.err);
    e2e_run_free(&r);
}

/* Runs a build with BENGAL_FAULT=fault; the result is the caller's. */
static void build_fault(e2e_run_t *r, const char *site, const char *fault)
{
    setenv("BENGAL_FAULT", fault, 1);
    e2e_bf(r, "-j", "2", site, NULL);
    unsetenv("BENGAL_FAULT");
    e2e_assert_no_crash(r);
}

static void no_leftovers(const char *site)
{
    cr_assert(e2e_standby_ok(e2e_fmt("%s/public", site)), "a half-built staging tree left behind");
    cr_assert(!e2e_exists(e2e_fmt("%s/public.lock", site)), "output lock left behind");
}

/* ---- data outside the output (items 1-3, 5) ------------------------------ */

/* 1: build.output_dir through a symlink to a directory outside the site
 * replaced and deleted that directory. */
Test(reliability, config_output_dir_through_a_symlink_is_refused)
{
    char *site = e2e_site("docs");
    char *outside = e2e_tmpdir();
    cr_assert_eq(mkdir(e2e_fmt("%s/docs", outside), 0777), 0);
    e2e_write_str(e2e_fmt("%s/docs/keep.txt", outside), "mine");
    cr_assert_eq(symlink(outside, e2e_fmt("%s/link", site)), 0);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: T\nbuild:\n  output_dir: link/docs\n");
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(e2e_match(r.err, "bengal\\.yaml: error: build\\.output_dir \"link/docs\" goes "
                               "through \"link\", which is a symlink", 0), "%s", r.err);
    char *kept = e2e_own_file(e2e_fmt("%s/docs/keep.txt", outside), NULL);
    cr_assert(kept && strcmp(kept, "mine") == 0, "the outside directory was touched");
    cr_assert(!e2e_exists(e2e_fmt("%s/docs.staging", outside)));
    e2e_run_free(&r);
}

/* 2: -o FILE replaced the file; -o DIR deleted an unrelated directory. */
Test(reliability, output_that_is_a_file_is_always_refused)
{
    char *site = e2e_site("docs");
    char *file = e2e_fmt("%s/notes.txt", e2e_tmpdir());
    e2e_write_str(file, "thesis");
    const char *force[2] = {NULL, "--force"};
    for (int i = 0; i < 2; i++) {
        e2e_run_t r;
        if (force[i])
            e2e_bf(&r, "-o", file, force[i], site, NULL);
        else
            e2e_bf(&r, "-o", file, site, NULL);
        cr_assert_eq(r.status, 2, "%s", r.err);
        cr_assert(e2e_match(r.err, "notes\\.txt: error: the output exists and is not a "
                                   "directory", 0), "%s", r.err);
        e2e_run_free(&r);
        char *kept = e2e_own_file(file, NULL);
        cr_assert(kept && strcmp(kept, "thesis") == 0, "the file was replaced");
    }
}

Test(reliability, output_directory_not_ours_needs_force)
{
    char *site = e2e_site("docs");
    char *home = e2e_fmt("%s/home", e2e_tmpdir());
    cr_assert_eq(mkdir(home, 0777), 0);
    e2e_write_str(e2e_fmt("%s/thesis.txt", home), "years of work");
    e2e_run_t r;
    e2e_bf(&r, "-o", home, site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(e2e_match(r.err, "home: error: the output is a directory that bengal-farm did not "
                               "make .* or pass --force to replace it$", 0), "%s", r.err);
    cr_assert(e2e_exists(e2e_fmt("%s/thesis.txt", home)));
    cr_assert(e2e_standby_ok(home));
    e2e_run_free(&r);
    /* an empty directory is fine, and a tree bengal-farm made is ours */
    char *empty = e2e_fmt("%s/empty", e2e_tmpdir());
    cr_assert_eq(mkdir(empty, 0777), 0);
    build_ok(site, empty);
    cr_assert(e2e_exists(e2e_fmt("%s/.bengal-output", empty)));
    build_ok(site, empty);
    /* --force replaces a directory */
    e2e_bf(&r, "-q", "-o", home, "--force", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(!e2e_exists(e2e_fmt("%s/thesis.txt", home)));
    cr_assert(e2e_exists(e2e_fmt("%s/index.html", home)));
    e2e_run_free(&r);
}

Test(reliability, output_that_is_a_symlink_is_refused)
{
    char *site = e2e_site("docs");
    char *dir = e2e_tmpdir();
    cr_assert_eq(symlink("/tmp", e2e_fmt("%s/out", dir)), 0);
    e2e_run_t r;
    e2e_bf(&r, "-o", e2e_fmt("%s/out", dir), "--force", site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(e2e_match(r.err, "out: error: the output is a symlink", 0), "%s", r.err);
    e2e_run_free(&r);
}

/* 3: .bengal/lock was opened without O_NOFOLLOW and truncated; a .bengal
 * symlink put the snapshot and lock outside the site. */
Test(reliability, state_directory_symlinks_are_refused)
{
    char *site = e2e_site("docs");
    char *victim = e2e_fmt("%s/victim.txt", e2e_tmpdir());
    e2e_write_str(victim, "precious");
    cr_assert_eq(mkdir(e2e_fmt("%s/.bengal", site), 0777), 0);
    cr_assert_eq(symlink(victim, e2e_fmt("%s/.bengal/lock", site)), 0);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_neq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.err, "\\.bengal/lock: error: cannot open: .*symlink", 0), "%s", r.err);
    char *kept = e2e_own_file(victim, NULL);
    cr_assert(kept && strcmp(kept, "precious") == 0, "the lock symlink was written through");
    e2e_run_free(&r);

    char *elsewhere = e2e_tmpdir();
    e2e_runl(&r, "rm", "-rf", e2e_fmt("%s/.bengal", site), NULL);
    e2e_run_free(&r);
    cr_assert_eq(symlink(elsewhere, e2e_fmt("%s/.bengal", site)), 0);
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_neq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.err, "\\.bengal: error: is a symlink or not a directory", 0), "%s",
              r.err);
    cr_assert_str_eq(e2e_tree(elsewhere), "", "something was written through .bengal");
    e2e_run_free(&r);
}

/* 5: two sites into one -o at once collided in OUT.staging. */
Test(reliability, output_is_locked)
{
    char *site = e2e_site("docs");
    char *out = e2e_fmt("%s/out", e2e_tmpdir());
    int fd = open(e2e_fmt("%s.lock", out), O_RDWR | O_CREAT, 0666);
    cr_assert(fd >= 0 && flock(fd, LOCK_EX) == 0);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", "-o", out, site, NULL);
    cr_assert_eq(r.status, 3, "%s", r.err);
    cr_assert(e2e_match(r.err, "another bengal-farm \\(pid .*\\) is building into .*/out; "
                               "wait for it or stop it", 0), "%s", r.err);
    cr_assert(!e2e_exists(out));
    e2e_run_free(&r);
    close(fd);
}

Test(reliability, two_sites_into_one_output_at_once)
{
    char *a = e2e_site("docs"), *b = e2e_site("features");
    char *out = e2e_fmt("%s/out", e2e_tmpdir());
    build_ok(a, out);
    char *tree_a = e2e_tree(out);
    build_ok(b, out);
    char *tree_b = e2e_tree(out);
    for (int trial = 0; trial < 5; trial++) {
        const char *cmd = e2e_fmt("'%s' -q -j 2 -o '%s' '%s' & p1=$!; '%s' -q -j 2 -o '%s' "
                                  "'%s' & p2=$!; wait $p1; s1=$?; wait $p2; echo $s1 $?",
                                  e2e_bin(), out, a, e2e_bin(), out, b);
        e2e_run_t r;
        e2e_runl(&r, "bash", "-c", cmd, NULL);
        int s1 = -1, s2 = -1;
        cr_assert_eq(sscanf(r.out, "%d %d", &s1, &s2), 2, "%s", r.out);
        cr_assert((s1 == 0 || s1 == 3) && (s2 == 0 || s2 == 3) && (s1 == 0 || s2 == 0),
                  "exits %d %d:\n%s", s1, s2, r.err);
        if (s1 == 3 || s2 == 3)
            cr_assert(strstr(r.err, "is building into"), "%s", r.err);
        char *now = e2e_tree(out);
        cr_assert(strcmp(now, tree_a) == 0 || strcmp(now, tree_b) == 0, "a mixed tree");
        cr_assert(e2e_standby_ok(out));
        e2e_run_free(&r);
    }
}

/* ---- collisions (item 6) ------------------------------------------------- */

static void page_with_url(const char *site, const char *url)
{
    e2e_write_str(e2e_fmt("%s/content/clash.md", site),
                  e2e_fmt("---\ntitle: Clash\nurl: %s\n---\n\nbody\n", url));
}

Test(reliability, a_page_at_a_generated_output_is_an_error)
{
    static const char *const urls[][2] = {
        {"/sitemap.xml", "sitemap\\.xml"}, {"/robots.txt", "robots\\.txt"},
        {"/rss.xml", "rss\\.xml"}, {"/llms.txt", "llms\\.txt"},
        {"/index.json", "index\\.json"}, {"/_bengal/theme.js", "_bengal/theme\\.js"},
    };
    char *site = e2e_site("docs");
    build_ok(site, NULL);
    char *before = e2e_tree(e2e_fmt("%s/public", site));
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        page_with_url(site, urls[i][0]);
        e2e_run_t r;
        e2e_bf(&r, "-j", "2", site, NULL);
        cr_assert_eq(r.status, 1, "%s: %s", urls[i][0], r.err);
        cr_assert(e2e_match(r.err, e2e_fmt("(content/clash\\.md: error: its output \"%s\" is also "
                                           "written by the (generated|theme's) %s)|(: error: its "
                                           "output \"%s\" is also written by .*content/clash\\.md)",
                                           urls[i][1], urls[i][1], urls[i][1]), 0),
                  "%s: %s", urls[i][0], r.err);
        e2e_run_free(&r);
        cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), before);
    }
}

Test(reliability, static_theme_css_is_a_documented_override)
{
    char *site = e2e_site("docs");
    cr_assert_eq(mkdir(e2e_fmt("%s/static/_bengal", site), 0777), 0);
    e2e_write_str(e2e_fmt("%s/static/_bengal/theme.css", site), "body{color:red}");
    e2e_run_t r;
    e2e_bf(&r, "-v", "-j", "2", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.err, "static/_bengal/theme\\.css replaces the theme's "
                               "_bengal/theme\\.css", 0), "%s", r.err);
    char *css = e2e_out_file(site, "_bengal/theme.css");
    cr_assert(css && strcmp(css, "body{color:red}") == 0);
    e2e_run_free(&r);
}

Test(reliability, a_bundle_resource_at_a_static_path_is_an_error)
{
    char *site = e2e_site("docs");
    /* content/docs/guide/bundle/diagram.png is published as
     * docs/guide/bundle/diagram.png: a static file there too */
    e2e_run_t r;
    e2e_runl(&r, "mkdir", "-p", e2e_fmt("%s/static/docs/guide/bundle", site), NULL);
    e2e_run_free(&r);
    e2e_write_str(e2e_fmt("%s/static/docs/guide/bundle/diagram.png", site), "x");
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(e2e_match(r.err, "error: its output \"docs/guide/bundle/diagram\\.png\" is also "
                               "written by .*/(static|content)/docs/guide/bundle/diagram\\.png", 0),
              "%s", r.err);
    e2e_run_free(&r);
}

/* ---- never hang (items 7, 8) -------------------------------------------- */

/* 7: a worker dying on a site-wide output was restarted forever. */
Test(reliability, a_site_wide_output_that_kills_workers_fails_the_build)
{
    char *site = e2e_site("docs");
    build_ok(site, NULL);
    char *before = e2e_tree(e2e_fmt("%s/public", site));
    e2e_run_t r;
    build_fault(&r, site, "aggregate-crash-always");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(e2e_match(r.err, "^(sitemap\\.xml|rss\\.xml|index\\.json|llms\\.txt|robots\\.txt): "
                               "error: rendering this output killed two workers", 0), "%s",
              r.err);
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), before);
    no_leftovers(site);
    e2e_run_free(&r);
}

/* The same under an address-space limit small enough to kill workers:
 * whatever the limit, the build ends, with a message, and the site is
 * either the new one or the previous one. */
Test(reliability, builds_under_a_memory_limit_end)
{
    if (!e2e_have("prlimit"))
        cr_skip("prlimit (util-linux) is not installed");
    /* The sanitizer build reserves terabytes of shadow address space: it
     * cannot even start under such a limit (make check runs this test). */
    e2e_run_t probe;
    e2e_runl(&probe, "prlimit", "--as=15000000", e2e_bin(), "version", NULL);
    int started = probe.status == 0;
    e2e_run_free(&probe);
    if (!started)
        cr_skip("this binary cannot start under a 15 MB address-space limit (a sanitizer "
                "build?)");
    char *site = e2e_site("docs");
    build_ok(site, NULL);
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    static const char *const limits[] = {"15000000", "20000000", "42000000"};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        e2e_run_t r;
        e2e_runl(&r, "prlimit", e2e_fmt("--as=%s", limits[i]), e2e_bin(), "-j", "2", site, NULL);
        cr_assert(r.status == 0 || r.status == 1 || r.status == 3, "--as=%s: exit %d\n%s",
                  limits[i], r.status, r.err);
        if (r.status)
            cr_assert(strstr(r.err, "error:"), "--as=%s: failed without a message", limits[i]);
        cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), want);
        no_leftovers(site);
        e2e_run_free(&r);
    }
}

/* 8: a worker killed between the fetch-add that takes a wave and the
 * record in its slot left the level incomplete forever. */
Test(reliability, a_worker_killed_between_claim_and_record_loses_nothing)
{
    char *site = e2e_site("docs");
    build_ok(site, NULL);
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    for (int n = 1; n <= 8; n++) {
        e2e_run_t r;
        build_fault(&r, site, e2e_fmt("worker-kill-at-claim:claims=%d", n));
        cr_assert_eq(r.status, 0, "claim %d: exit %d\n%s", n, r.status, r.err);
        cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), want, "claim %d", n);
        no_leftovers(site);
        e2e_run_free(&r);
    }
}

/* A worker killed with half a record in its ring (a page cut in chunks):
 * its replacement writes the page again, whole. */
Test(reliability, a_worker_killed_mid_record_is_replaced_cleanly)
{
    char *site = e2e_site("docs");
    enum { ROWS = 120000 }; /* ~3 MB of HTML: more than half a 4 MiB ring */
    char *body = e2e_own(malloc(ROWS * 24 + 64));
    size_t n = (size_t)sprintf(body, "---\ntitle: Big\n---\n\n");
    for (int i = 0; i < ROWS; i++)
        n += (size_t)sprintf(body + n, "- item %d\n", i);
    e2e_write_file(e2e_fmt("%s/content/big.md", site), body, n);
    build_ok(site, NULL);
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    e2e_run_t r;
    build_fault(&r, site, "worker-kill-mid-record:page=big");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.err, "content/big\\.md: warning: worker [0-9]+ killed by signal 9", 0),
              "%s", r.err);
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), want);
    e2e_run_free(&r);
}

/* ---- never misreport (items 9, 12, 14) ---------------------------------- */

/* 9: the writer killed after the exchange: the new tree was live, yet the
 * build said "the previous output is left as it was" and exited 1. */
Test(reliability, a_writer_killed_after_the_swap_reports_the_truth)
{
    char *site = e2e_site("docs");
    build_ok(site, NULL);
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    e2e_write_str(e2e_fmt("%s/content/new.md", site), "---\ntitle: New\n---\n\nnew page\n");
    e2e_run_t r;
    build_fault(&r, site, "writer-kill-after-swap");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.err, "the writer process failed \\(killed by signal 9.*\\) after "
                               "publishing the new output; the build is complete", 0), "%s",
              r.err);
    cr_assert(!strstr(r.err, "left as it was"), "%s", r.err);
    cr_assert(e2e_exists(e2e_fmt("%s/public/new/index.html", site)));
    cr_assert_str_neq(e2e_tree(e2e_fmt("%s/public", site)), want);
    no_leftovers(site);
    e2e_run_free(&r);
}

/* Found by the fault campaign in CI: a build killed (SIGKILL, the OOM
 * killer, a container stopped) while it removed the previous output after
 * the exchange could have removed the marker first; the half-removed
 * tree in OUT.staging was then "not ours", and every later build was
 * refused until someone removed it by hand.  Killed
 * after each number of top-level entries, the next build must go on. */
Test(reliability, a_removal_cut_short_leaves_a_tree_the_next_build_takes)
{
    char *site = e2e_site("docs");
    e2e_write_str(e2e_fmt("%s/content/new.md", site), "---\ntitle: New\n---\n\nnew page\n");
    build_ok(site, NULL);
    size_t n = 0; /* top-level entries, the marker included */
    DIR *d = opendir(e2e_fmt("%s/public", site));
    cr_assert(d);
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    cr_assert_gt(n, 3);
    for (size_t k = 1; k + 1 < n; k++) {
        e2e_write_str(e2e_fmt("%s/content/new.md", site),
                      e2e_fmt("---\ntitle: New %zu\n---\n\nnew page\n", k));
        e2e_run_t r;
        setenv("BENGAL_FAULT", e2e_fmt("build-kill-removing:removed=%zu", k), 1);
        e2e_bf(&r, "-q", "-j", "2", site, NULL);
        unsetenv("BENGAL_FAULT");
        cr_assert_eq(r.status, 128 + SIGKILL, "removed=%zu: %d %s", k, r.status, r.err);
        e2e_run_free(&r);
        cr_assert(e2e_exists(e2e_fmt("%s/public.staging", site)), "removed=%zu", k);
        build_ok(site, NULL);
        no_leftovers(site);
    }
}

/* 12: what a killed build left is cleaned by the next one: temporaries of
 * the snapshot, and a staging directory (ours: empty or with the marker);
 * a staging path holding someone else's files is refused. */
Test(reliability, leftovers_of_a_killed_build_are_cleaned)
{
    char *site = e2e_site("docs");
    cr_assert_eq(mkdir(e2e_fmt("%s/.bengal", site), 0777), 0);
    e2e_write_str(e2e_fmt("%s/.bengal/snapshot.bfs.new.tmp.Ab12Cd", site), "half");
    e2e_write_str(e2e_fmt("%s/.bengal/snapshot.bfs.new", site), "half");
    cr_assert_eq(mkdir(e2e_fmt("%s/public.staging", site), 0777), 0);
    e2e_write_str(e2e_fmt("%s/public.staging/.bengal-output", site), "x");
    e2e_write_str(e2e_fmt("%s/public.staging/half.html", site), "<p>");
    build_ok(site, NULL);
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal/snapshot.bfs.new.tmp.Ab12Cd", site)));
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal/snapshot.bfs.new", site)));
    no_leftovers(site);

    cr_assert_eq(mkdir(e2e_fmt("%s/public.staging", site), 0777), 0);
    e2e_write_str(e2e_fmt("%s/public.staging/mine.txt", site), "not bengal's");
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(e2e_match(r.err, "public\\.staging: error: the staging directory is a directory "
                               "that bengal-farm did not make", 0), "%s", r.err);
    cr_assert(e2e_exists(e2e_fmt("%s/public.staging/mine.txt", site)));
    e2e_run_free(&r);
}

/* A signal as soon as the farm starts (the stall holds the writer, the
 * build is interrupted with the staging directory made): nothing left. */
Test(reliability, an_interrupted_build_leaves_nothing)
{
    char *site = e2e_site("docs");
    build_ok(site, NULL);
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    for (int sig = 0; sig < 2; sig++) {
        const char *cmd = e2e_fmt("BENGAL_FAULT=writer-stall:seconds=30 '%s' -q -j 2 '%s' & "
                                  "sleep 0.5; kill -%s $!; wait $!; echo $?",
                                  e2e_bin(), site, sig ? "INT" : "TERM");
        e2e_run_t r;
        e2e_runl(&r, "bash", "-c", cmd, NULL);
        cr_assert_eq(atoi(r.out), sig ? 130 : 143, "%s\n%s", r.out, r.err);
        cr_assert(strstr(r.err, "interrupted by signal"), "%s", r.err);
        cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), want);
        no_leftovers(site);
        e2e_run_free(&r);
    }
}

/* 14: --stats-json into a missing directory published the site, then
 * exited 3. */
Test(reliability, stats_json_that_cannot_be_written_fails_before_the_build)
{
    char *site = e2e_site("docs");
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", "--stats-json", e2e_fmt("%s/no/such/dir/stats.json", site), site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(e2e_match(r.err, "stats\\.json: error: cannot write the statistics: No such file",
                        0), "%s", r.err);
    cr_assert(!e2e_exists(e2e_fmt("%s/public", site)), "published anyway");
    e2e_run_free(&r);
}

/* 15: --fsync syncs the staged tree before the exchange and the parent
 * after it (seen with strace where it is installed). */
Test(reliability, fsync_syncs_before_publishing)
{
    char *site = e2e_site("docs");
    e2e_run_t r;
    if (!e2e_have("strace")) {
        e2e_bf(&r, "-q", "-j", "2", "--fsync", site, NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        e2e_run_free(&r);
        cr_skip("strace is not installed: built with --fsync, the syncs not observed");
    }
    setenv("ASAN_OPTIONS", "detect_leaks=0", 1); /* LeakSanitizer cannot run under ptrace */
    e2e_runl(&r, "strace", "-f", "-e", "trace=syncfs,fsync,renameat2,rename", "-o",
             e2e_fmt("%s/trace", site), e2e_bin(), "-q", "-j", "2", "--fsync", site, NULL);
    unsetenv("ASAN_OPTIONS");
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *t = e2e_own_file(e2e_fmt("%s/trace", site), NULL);
    cr_assert(t);
    char *sync = strstr(t, "syncfs("), *ren = strstr(t, "rename");
    cr_assert(sync && ren && sync < ren, "no syncfs before the rename:\n%s", t);
    cr_assert(strstr(ren, "fsync("), "no fsync of the parent after the rename:\n%s", t);
}
