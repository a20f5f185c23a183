/*
 * tests/e2e/farm_test.c - the render farm end to end: real fork, shared
 * memory, rings, writer and atomic publish, on the docs fixture site.
 *
 * Faults are injected through BENGAL_FAULT (shared/farm.h), set in the
 * test's own environment (criterion runs each test in its own process), so
 * the binary under test is the one users run.
 */
#include <sys/file.h>

#include "tests/e2e/helpers.h"

TestSuite(farm, .fini = e2e_cleanup, .timeout = 60);

static void build_ok(const char *site, const char *jobs)
{
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", jobs, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build -j%s failed:\n%s", jobs, r.err);
    e2e_run_free(&r);
}

Test(farm, same_tree_for_any_jobs)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "1");
    char *one = e2e_tree(pub);
    cr_assert(strstr(one, "./docs/intro/index.html\n"), "%s", one);
    cr_assert(strstr(one, "./sitemap.xml\n") && strstr(one, "./index.json\n"), "%s", one);
    build_ok(site, "2");
    cr_assert_str_eq(e2e_tree(pub), one);
    build_ok(site, "8");
    cr_assert_str_eq(e2e_tree(pub), one);
    build_ok(site, "8"); /* and again: runs are reproducible */
    cr_assert_str_eq(e2e_tree(pub), one);
    cr_assert(e2e_standby_ok(pub), "staging left behind");
}

Test(farm, more_workers_than_waves)
{
    char *site = e2e_site("docs");
    build_ok(site, "64");
    cr_assert(e2e_exists(e2e_fmt("%s/public/index.html", site)));
}

Test(farm, aggregates_are_valid)
{
    char *site = e2e_site("docs");
    build_ok(site, "2");
    if (e2e_have("xmllint")) { /* against tests/schemas/: the protocols, offline */
        e2e_run_t r;
        e2e_runl(&r, "xmllint", "--noout", "--schema",
                 e2e_fmt("%s/tests/schemas/sitemap.xsd", e2e_top()),
                 e2e_fmt("%s/public/sitemap.xml", site), NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        e2e_run_free(&r);
        e2e_runl(&r, "xmllint", "--noout", "--schema",
                 e2e_fmt("%s/tests/schemas/rss.xsd", e2e_top()),
                 e2e_fmt("%s/public/rss.xml", site), NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        e2e_run_free(&r);
    } else {
        cr_log_warn("xmllint is not installed: sitemap.xml and rss.xml not validated");
    }
    if (e2e_have("python3")) {
        e2e_run_t r;
        e2e_runl(&r, "python3", "-m", "json.tool", e2e_fmt("%s/public/index.json", site), NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        e2e_run_free(&r);
    }
    char *robots = e2e_own_file(e2e_fmt("%s/public/robots.txt", site), NULL);
    cr_assert(strstr(robots, "Sitemap: https://docs.example.org/sitemap.xml"), "%s", robots);
}

Test(farm, worker_crash_is_retried)
{
    char *site = e2e_site("docs");
    build_ok(site, "2");
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    setenv("BENGAL_FAULT", "worker-crash:page=docs/intro", 1);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.err, "content/docs/intro\\.md: warning: worker [0-9]+ killed by "
                               "signal 11 .* retrying", 0), "%s", r.err);
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), want);
    e2e_run_free(&r);
}

Test(farm, worker_oom_kill_is_retried)
{
    char *site = e2e_site("docs");
    build_ok(site, "1");
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    setenv("BENGAL_FAULT", "worker-oom:page=docs/guide/a", 1);
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "1", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), want);
    e2e_run_free(&r);
}

Test(farm, page_that_always_crashes_fails_the_build)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "2");
    char *before = e2e_tree(pub);
    setenv("BENGAL_FAULT", "worker-crash-always:page=docs/install", 1);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(e2e_match(r.err, "content/docs/install\\.md: error: rendering this page "
                               "killed two workers", 0), "%s", r.err);
    cr_assert_str_eq(e2e_tree(pub), before, "the previous output changed");
    cr_assert(e2e_standby_ok(pub), "staging left behind");
    e2e_run_free(&r);
}

Test(farm, keep_going_skips_the_page)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    setenv("BENGAL_FAULT", "worker-crash-always:page=docs/install", 1);
    e2e_run_t r;
    e2e_bf(&r, "-k", "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "skipped"), "%s", r.err);
    cr_assert(!e2e_exists(e2e_fmt("%s/docs/install/index.html", pub)));
    cr_assert(e2e_exists(e2e_fmt("%s/docs/intro/index.html", pub)));
    e2e_run_free(&r);
}

/* A page that never finishes (a worker stuck in a loop): the watchdog
 * kills the worker after --page-timeout, the page is retried once, then
 * the build fails naming it and the previous output stays. */
Test(farm, watchdog_stops_a_stuck_page)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "2");
    char *before = e2e_tree(pub);
    setenv("BENGAL_FAULT", "worker-hang:page=docs/intro", 1);
    e2e_run_t r;
    long t0 = e2e_now_ms();
    e2e_bf(&r, "--page-timeout", "1", "-j", "2", site, NULL);
    long ms = e2e_now_ms() - t0;
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(ms < 20000, "took %ld ms", ms);
    char *src = e2e_re_escape(e2e_fmt("%s/content/docs/intro.md", site));
    cr_assert(e2e_match(r.err, e2e_fmt("^%s: warning: worker [0-9]+ stuck for over 1 s on this "
                                       "page; retrying$", src), REG_NEWLINE), "%s", r.err);
    cr_assert(e2e_match(r.err, e2e_fmt("^%s: error: rendering this page killed two workers "
                                       "\\(stuck for over 1 s\\)$", src), REG_NEWLINE),
              "%s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_tree(pub), before);

    /* with --keep-going the rest is published */
    e2e_bf(&r, "-k", "--page-timeout", "1", "-j", "2", site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "(stuck for over 1 s); skipped"), "%s", r.err);
    cr_assert(!e2e_exists(e2e_fmt("%s/docs/intro/index.html", pub)));
    cr_assert(e2e_exists(e2e_fmt("%s/docs/install/index.html", pub)));
    e2e_run_free(&r);

    e2e_bf(&r, "--page-timeout", "soon", site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "--page-timeout wants seconds from 0 to 86400, not \"soon\""),
              "%s", r.err);
    e2e_run_free(&r);
}

/* A worker waiting for room in its ring behind a stalled writer (a slow
 * disk) is not stuck: with a 1 s timeout and a writer that sleeps 3 s
 * while a 6 MB page waits for a 4 MB ring, the build still succeeds. */
Test(farm, watchdog_spares_a_worker_waiting_for_the_writer)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/content/a", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/content/b", site), 0755) == 0);
    for (int i = 1; i <= 3; i++) /* the larger wave: rendered first */
        e2e_write_str(e2e_fmt("%s/content/a/p%d.md", site, i), "Small.\n");
    size_t n = 6u << 20;
    char *big = e2e_own(malloc(n));
    for (size_t i = 0; i < n; i++)
        big[i] = i % 64 == 63 ? '\n' : 'x';
    e2e_write_file(e2e_fmt("%s/content/b/big.md", site), big, n);
    setenv("BENGAL_FAULT", "writer-stall:seconds=3", 1);
    e2e_run_t r;
    e2e_bf(&r, "-q", "--page-timeout", "1", "-j", "1", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(!strstr(r.err, "stuck"), "%s", r.err);
    e2e_run_free(&r);
    cr_assert(e2e_exists(e2e_fmt("%s/public/b/big/index.html", site)));
}

/* Two builds of one site would share the snapshot and the staging
 * directory: the second one stops at once, naming the first. */
Test(farm, one_build_of_a_site_at_a_time)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "2");
    char *before = e2e_tree(pub);
    int fd = open(e2e_fmt("%s/.bengal/lock", site), O_RDWR);
    cr_assert(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0, "the lock file is not free");
    cr_assert(ftruncate(fd, 0) == 0 && pwrite(fd, "4242\n", 5, 0) == 5);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_eq(r.status, 3, "%s", r.err);
    cr_assert(strstr(r.err, e2e_fmt("bengal-farm: error: another bengal-farm (pid 4242) is "
                                    "building %s; wait for it or stop it\n", site)),
              "%s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_tree(pub), before);
    close(fd); /* released: builds go on */
    build_ok(site, "2");
}

Test(farm, writer_crash_keeps_previous_output)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "2");
    char *before = e2e_tree(pub);
    setenv("BENGAL_FAULT", "writer-crash:files=3", 1);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "the writer process failed"), "%s", r.err);
    cr_assert_str_eq(e2e_tree(pub), before);
    cr_assert(e2e_standby_ok(pub), "staging left behind");
    e2e_run_free(&r);
}

/* Processes of process group pg still alive. */
static int alive_in_group(pid_t pg)
{
    e2e_run_t r;
    e2e_runl(&r, "ps", "-o", "pid=", "-g", e2e_fmt("%d", (int)pg), NULL);
    int n = (int)e2e_count_lines(r.out);
    e2e_run_free(&r);
    return n;
}

Test(farm, sigterm_stops_everything)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "2");
    char *before = e2e_tree(pub);
    setenv("BENGAL_FAULT", "worker-hang:page=docs/intro", 1);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        setpgid(0, 0); /* its own group: the children are findable */
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 1);
        dup2(nul, 2);
        execl(e2e_bin(), e2e_bin(), "-j", "2", site, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    char *staging = e2e_fmt("%s.staging", pub);
    for (int i = 0; i < 100 && !e2e_exists(staging); i++)
        usleep(20000); /* until the farm is up */
    usleep(200000);
    long t0 = e2e_now_ms();
    kill(pid, SIGTERM);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(e2e_now_ms() - t0 < 5000, "took %ld ms to stop", e2e_now_ms() - t0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 143, "status %d", st);
    for (int i = 0; i < 50 && alive_in_group(pid); i++)
        usleep(20000);
    cr_assert_eq(alive_in_group(pid), 0, "children left behind");
    cr_assert_str_eq(e2e_tree(pub), before);
    cr_assert(e2e_standby_ok(pub), "a half-built staging tree left behind");
}

Test(farm, stats_json)
{
    char *site = e2e_site("docs");
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", "--stats-json", stats, site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *json = e2e_own_file(stats, NULL);
    cr_assert(json && strstr(json, "\"pages\": 24,"), "%s", json ? json : "(none)");
    if (e2e_have("python3")) {
        e2e_runl(&r, "python3", "-m", "json.tool", stats, NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        e2e_run_free(&r);
    }
}

Test(farm, bad_fault_spec_is_a_usage_error)
{
    char *site = e2e_site("docs");
    setenv("BENGAL_FAULT", "worker-crash:page=no/such/page", 1);
    e2e_run_t r;
    e2e_bf(&r, site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    e2e_run_free(&r);
}

Test(farm, strict_errors_keep_previous_output)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    build_ok(site, "2");
    char *before = e2e_tree(pub);
    char *bad = e2e_fmt("%s/content/broken.md", site);
    const char text[] = "---\ntitle: Broken\n---\n\nSee [[no/such/page]].\n";
    e2e_write_file(bad, text, sizeof text - 1);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL); /* a warning only: published */
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.err, "/content/broken\\.md:5: warning: unresolved cross-reference", 0),
              "%s", r.err);
    e2e_run_free(&r);
    char *with_warning = e2e_tree(pub);
    cr_assert_str_neq(with_warning, before);
    e2e_bf(&r, "--strict", "-j", "2", site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(e2e_match(r.err, "/content/broken\\.md:5: error: unresolved cross-reference", 0),
              "%s", r.err);
    cr_assert_str_eq(e2e_tree(pub), with_warning, "published despite errors");
    e2e_run_free(&r);
}

Test(farm, output_cannot_be_the_site_or_its_sources)
{
    char *site = e2e_site("docs");
    const char *bad[] = {site, e2e_fmt("%s/", site), e2e_fmt("%s/content/out", site),
                         e2e_fmt("%s/.bengal", site), "/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e2e_run_t r;
        e2e_bf(&r, "-o", bad[i], site, NULL);
        cr_assert_eq(r.status, 2, "-o %s: %s", bad[i], r.err);
        e2e_run_free(&r);
    }
    cr_assert(e2e_exists(e2e_fmt("%s/content/docs/intro.md", site)), "the site was touched");
    char *elsewhere = e2e_fmt("%s/new/dir/out/", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "-q", "-o", elsewhere, site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_exists(e2e_fmt("%sindex.html", elsewhere)));
    e2e_run_free(&r);
}

Test(farm, links_to_missing_pages_are_reported)
{
    char *site = e2e_site("docs");
    const char text[] = "---\ntitle: Links\n---\n\n[ok](/docs/intro/) [ok too](/docs/intro)\n"
                        "[gone](/docs/gone/#x) [file](/img/logo.png) [alias](/old/writing/)\n";
    e2e_write_file(e2e_fmt("%s/content/links.md", site), text, sizeof text - 1);
    e2e_run_t r;
    e2e_bf(&r, "-j", "1", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.err, "/content/links\\.md:6: warning: link to \"/docs/gone/\": "
                               "no such page$", 0), "%s", r.err);
    cr_assert_eq(e2e_count_lines(r.err), 1, "only the one broken link: %s", r.err);
    e2e_run_free(&r);
}

Test(farm, static_files_and_bundle_resources_are_published)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    /* a symlink out of the site is not published */
    cr_assert_eq(symlink("/etc/passwd", e2e_fmt("%s/static/passwd", site)), 0);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "static/passwd: warning: symlink not published"), "%s", r.err);
    e2e_run_free(&r);
    size_t n = 0;
    char *css = e2e_own_file(e2e_fmt("%s/css/x.css", pub), &n);
    char *want = e2e_own_file(e2e_fmt("%s/static/css/x.css", site), NULL);
    cr_assert(css && want && strcmp(css, want) == 0, "static/css/x.css not copied");
    cr_assert(e2e_exists(e2e_fmt("%s/docs/guide/bundle/diagram.png", pub)));
    cr_assert(e2e_exists(e2e_fmt("%s/docs/guide/bundle/data.csv", pub)));
    cr_assert(!e2e_exists(e2e_fmt("%s/passwd", pub)));
}

/* Issue 10 item 6: a static file at a page's output was silently dropped
 * ("the page wins"); now the build fails naming both, `check` too, and
 * the published site stays as it was. */
Test(farm, static_file_at_a_page_output_is_an_error_naming_both)
{
    char *site = e2e_site("docs");
    build_ok(site, "2");
    char *want = e2e_tree(e2e_fmt("%s/public", site));
    cr_assert_eq(mkdir(e2e_fmt("%s/static/about", site), 0777), 0);
    e2e_write_file(e2e_fmt("%s/static/about/index.html", site), "static", 6);
    const char *cmds[2] = {"build", "check"};
    for (int i = 0; i < 2; i++) {
        e2e_run_t r;
        e2e_bf(&r, cmds[i], "-j", "2", site, NULL);
        cr_assert_eq(r.status, 1, "%s: %s", cmds[i], r.err);
        cr_assert(e2e_match(r.err, "static/about/index\\.html: error: its output "
                                   "\"about/index\\.html\" is also written by .*/content/"
                                   "about\\.md", 0), "%s: %s", cmds[i], r.err);
        e2e_run_free(&r);
    }
    cr_assert_str_eq(e2e_tree(e2e_fmt("%s/public", site)), want);
}

Test(farm, alias_pages_redirect)
{
    char *site = e2e_site("docs");
    build_ok(site, "2");
    char *alias = e2e_own_file(e2e_fmt("%s/public/old/writing/index.html", site), NULL);
    cr_assert(alias, "no alias page");
    cr_assert(strstr(alias, "<meta http-equiv=\"refresh\" content=\"0; "
                            "url=https://docs.example.org/docs/guide/a/\">"), "%s", alias);
    cr_assert(strstr(alias, "<link rel=\"canonical\" href=\"https://docs.example.org/docs/guide/a/\">"),
              "%s", alias);
    cr_assert(strstr(alias, "<meta name=\"robots\" content=\"noindex\">"), "%s", alias);
    cr_assert(e2e_exists(e2e_fmt("%s/public/guide/writing-pages/index.html", site)));
}

Test(farm, check_writes_nothing)
{
    char *site = e2e_site("docs");
    e2e_run_t r;
    e2e_bf(&r, "check", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.out, "^checked 24 pages: 0 warnings, no errors$", 0), "%s", r.out);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(e2e_fmt("%s/public", site)), "check wrote the output");
    cr_assert(!e2e_exists(e2e_fmt("%s/public.staging", site)), "check left a staging dir");
    const char text[] = "---\ntitle: Broken\n---\n\nSee [[no/such/page]].\n";
    e2e_write_file(e2e_fmt("%s/content/broken.md", site), text, sizeof text - 1);
    e2e_bf(&r, "check", site, NULL); /* a warning: exit 0, printed */
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "broken.md:5: warning: unresolved cross-reference"), "%s", r.err);
    e2e_run_free(&r);
    e2e_bf(&r, "check", "--strict", site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(e2e_fmt("%s/public", site)), "check wrote the output");
}
