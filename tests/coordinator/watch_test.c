/*
 * tests/coordinator/watch_test.c - the site watcher (coordinator/watch.h)
 * on a real temporary site, with real inotify.
 *
 * Each test makes SITE = /tmp/bf-watch-test-XXXXXX holding bengal.yaml,
 * content/{a.md,docs/intro.md}, templates/page.html, static/css/site.css,
 * public/index.html and .bengal/ (no data/), opens a watcher that excludes
 * public and .bengal, edits the site the way editors and tools do, and
 * looks at what bf_watch_wait() reports.  "No change" is a wait that
 * times out.  Timings are generous: the machine is shared.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "coordinator/watch.h"
#include "shared/clock.h"

#include "tests/capture.h"

static char site[64], outside[80]; /* outside: a directory beside the site */
static int site_fd = -1;
static const char *const excl[] = {"public", ".bengal"};
static const bf_watch_opts_t opts = {.exclude = excl, .n_exclude = 2};

/* A wait that gives "no change" its due. */
#define QUIET_MS 400

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[2200];
    snprintf(full, sizeof full, "cd '%s' && %s", site, cmd);
    cr_assert_eq(system(full), 0, "%s", cmd);
}

/* Writes SITE/rel (its directory must exist). */
static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", site, rel);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    strcpy(site, "/tmp/bf-watch-test-XXXXXX");
    cr_assert_not_null(mkdtemp(site));
    sh("mkdir -p content/docs templates static/css public .bengal");
    put("bengal.yaml", "title: t\n");
    put("content/a.md", "# A\n");
    put("content/docs/intro.md", "# Intro\n");
    put("templates/page.html", "{{ page.content }}\n");
    put("static/css/site.css", "body{}\n");
    put("public/index.html", "<p>\n");
    site_fd = open(site, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(site_fd, 0);
    snprintf(outside, sizeof outside, "%s-outside", site);
    cr_assert_eq(mkdir(outside, 0755), 0);
}

static void teardown(void)
{
    if (site_fd >= 0)
        close(site_fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", site, outside);
    (void)system(cmd);
}

TestSuite(watch, .init = setup, .fini = teardown, .timeout = 60);

static bf_watch_t *open_watch(const bf_watch_opts_t *o)
{
    bf_watch_t *w = bf_watch_open(site_fd, o);
    cr_assert_not_null(w);
    return w;
}

static bool has(const bf_watch_changes_t *ch, const char *path)
{
    for (size_t i = 0; i < ch->n; i++)
        if (strcmp(ch->paths[i], path) == 0)
            return true;
    return false;
}

static char *list(const bf_watch_changes_t *ch)
{
    static char buf[8192];
    buf[0] = '\0';
    for (size_t i = 0; i < ch->n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "", ch->paths[i]);
    return buf;
}

/* Waits for one change (at most 5 s) and checks it is exactly want (NULL
 * terminated), sorted. */
static void expect_exactly(bf_watch_t *w, const char *const *want)
{
    bf_watch_changes_t ch;
    cr_assert_eq(bf_watch_wait(w, 5000, -1, &ch), BF_WATCH_CHANGED);
    size_t n = 0;
    for (; want[n]; n++)
        cr_expect(n < ch.n && strcmp(ch.paths[n], want[n]) == 0, "paths: %s", list(&ch));
    cr_assert_eq(ch.n, n, "paths: %s", list(&ch));
    cr_expect_not(ch.overflow);
}

static void expect_quiet(bf_watch_t *w)
{
    bf_watch_changes_t ch;
    bf_watch_status_t st = bf_watch_wait(w, QUIET_MS, -1, &ch);
    cr_assert_eq(st, BF_WATCH_TIMEOUT, "unexpected change: %s",
                 st == BF_WATCH_CHANGED ? list(&ch) : "?");
}

Test(watch, one_edit_is_one_change_with_its_path)
{
    bf_watch_t *w = open_watch(&opts);
    put("content/a.md", "# A, edited\n");
    expect_exactly(w, (const char *[]){"content/a.md", NULL});
    expect_quiet(w);
    bf_watch_free(w);
}

Test(watch, nothing_changed_times_out_in_time)
{
    bf_watch_t *w = open_watch(NULL);
    bf_watch_changes_t ch;
    uint64_t t0 = bf_clock_ns();
    cr_assert_eq(bf_watch_wait(w, 200, -1, &ch), BF_WATCH_TIMEOUT);
    uint64_t ms = (bf_clock_ns() - t0) / 1000000;
    cr_expect(ms >= 200 && ms < 2000, "%llu ms", (unsigned long long)ms);
    cr_assert_eq(bf_watch_wait(w, 0, -1, &ch), BF_WATCH_TIMEOUT);
    bf_watch_free(w);
}

/* 50 files written 5 ms apart: one wake-up, or a few on a loaded machine,
 * and every path once. */
Test(watch, burst_of_fifty_edits_settles_into_one_change)
{
    bf_watch_t *w = open_watch(&opts);
    sh("mkdir content/many");
    expect_exactly(w, (const char *[]){"content/many", NULL});
    for (int i = 0; i < 50; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "content/many/p%02d.md", i);
        put(rel, "# p\n");
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    int wakeups = 0, seen[50] = {0};
    bf_watch_changes_t ch;
    while (bf_watch_wait(w, QUIET_MS, -1, &ch) == BF_WATCH_CHANGED) {
        wakeups++;
        for (size_t i = 0; i < ch.n; i++) {
            int k;
            cr_assert_eq(sscanf(ch.paths[i], "content/many/p%d.md", &k), 1, "%s", ch.paths[i]);
            seen[k]++;
            cr_assert(i == 0 || strcmp(ch.paths[i - 1], ch.paths[i]) < 0, "sorted, no repeats");
        }
    }
    cr_expect(wakeups >= 1 && wakeups <= 3, "%d wake-ups", wakeups);
    for (int k = 0; k < 50; k++)
        cr_expect_geq(seen[k], 1, "p%02d.md never reported", k);
    bf_watch_free(w);
}

/* A writer that never pauses (every 20 ms for 1.5 s) still gives a change
 * within max_delay_ms. */
Test(watch, constant_stream_still_triggers)
{
    bf_watch_opts_t o = opts;
    o.max_delay_ms = 300;
    bf_watch_t *w = open_watch(&o);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        for (int i = 0; i < 75; i++) {
            char path[512];
            snprintf(path, sizeof path, "%s/content/a.md", site);
            FILE *f = fopen(path, "w");
            if (f) {
                fprintf(f, "# A %d\n", i);
                fclose(f);
            }
            nanosleep(&(struct timespec){0, 20000000}, NULL);
        }
        _exit(0);
    }
    bf_watch_changes_t ch;
    cr_assert_eq(bf_watch_wait(w, 5000, -1, &ch), BF_WATCH_CHANGED);
    uint64_t t0 = bf_clock_ns();
    cr_assert_eq(bf_watch_wait(w, 5000, -1, &ch), BF_WATCH_CHANGED);
    uint64_t ms = (bf_clock_ns() - t0) / 1000000;
    cr_expect(ms < 900, "the second change came after %llu ms", (unsigned long long)ms);
    cr_expect(has(&ch, "content/a.md"), "%s", list(&ch));
    int status;
    waitpid(pid, &status, 0);
    bf_watch_free(w);
}

Test(watch, editor_saves_are_one_change_of_the_file)
{
    bf_watch_t *w = open_watch(&opts);
    /* sed -i, most IDEs: a temporary beside it renamed over it */
    put("content/sedAb12Cd", "# A, new\n");
    sh("mv content/sedAb12Cd content/a.md");
    expect_exactly(w, (const char *[]){"content/a.md", NULL});
    /* vim with backupcopy=no: the old file moved to a~, a new one
     * written, the backup removed; its probe file 4913 too */
    sh("mv content/a.md content/a.md~ && : > content/4913 && rm content/4913");
    put("content/a.md", "# A, vim\n");
    sh("chmod 644 content/a.md && rm content/a.md~");
    expect_exactly(w, (const char *[]){"content/a.md", NULL});
    /* truncate and write in place, then touch */
    int fd =
        open(strcat(strcpy((char[256]){0}, site), "/content/docs/intro.md"), O_WRONLY | O_TRUNC);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "# I\n", 4), 4);
    cr_assert_eq(write(fd, "more\n", 5), 5);
    close(fd);
    sh("touch content/docs/intro.md");
    expect_exactly(w, (const char *[]){"content/docs/intro.md", NULL});
    expect_quiet(w);
    bf_watch_free(w);
}

Test(watch, a_file_that_comes_and_goes_is_no_change)
{
    bf_watch_t *w = open_watch(&opts);
    sh("echo x > content/scratch && rm content/scratch");
    expect_quiet(w);
    bf_watch_free(w);
}

/* mkdir -p and files written at once: the files made before the new
 * directories' watches existed are found by reading them. */
Test(watch, new_nested_directories_and_their_files)
{
    bf_watch_t *w = open_watch(&opts);
    sh("mkdir -p content/a/b/c && echo x > content/a/b/c/f.md && echo y > content/a/b/g.md");
    expect_exactly(w, (const char *[]){"content/a", "content/a/b", "content/a/b/c",
                                       "content/a/b/c/f.md", "content/a/b/g.md", NULL});
    put("content/a/b/c/f.md", "# F\n");
    expect_exactly(w, (const char *[]){"content/a/b/c/f.md", NULL});
    sh("mkdir -p content/a/b/c/d/e");
    expect_exactly(w, (const char *[]){"content/a/b/c/d", "content/a/b/c/d/e", NULL});
    put("content/a/b/c/d/e/deep.md", "# D\n");
    expect_exactly(w, (const char *[]){"content/a/b/c/d/e/deep.md", NULL});
    bf_watch_free(w);
}

Test(watch, excluded_hidden_and_scratch_files_are_no_change)
{
    static const char *const ex[] = {"./public/", ".bengal", "static/gen"};
    bf_watch_opts_t o = opts;
    o.exclude = ex;
    o.n_exclude = 3;
    bf_watch_t *w = open_watch(&o);
    sh("echo x > public/index.html && mkdir -p public/docs && echo y > public/docs/i.html");
    sh("echo x > .bengal/lock && mkdir -p .git/objects && echo z > .git/HEAD");
    sh("echo x > content/foo.swp && echo x > content/.a.md.swp && echo x > content/a.md~");
    sh("echo x > content/.#a.md && echo x > 'content/#a.md#' && echo x > content/4913");
    sh("echo x > content/x.md___jb_tmp___");
    sh("mkdir -p content/.hidden/deep static/gen/x && echo x > content/.hidden/deep/h.md");
    sh("echo x > static/gen/x/out.css && echo x > README.md && mkdir -p other");
    expect_quiet(w);
    /* still watching what counts */
    put("static/css/site.css", "p{}\n");
    expect_exactly(w, (const char *[]){"static/css/site.css", NULL});
    bf_watch_free(w);
}

Test(watch, config_changes_are_flagged)
{
    bf_watch_t *w = open_watch(&opts);
    bf_watch_changes_t ch;
    put("bengal.yaml", "title: new\n");
    cr_assert_eq(bf_watch_wait(w, 5000, -1, &ch), BF_WATCH_CHANGED);
    cr_expect(ch.config);
    cr_expect(ch.n == 1 && has(&ch, "bengal.yaml"), "%s", list(&ch));
    put("bengal.staging.yaml", "baseurl: /s/\n");
    cr_assert_eq(bf_watch_wait(w, 5000, -1, &ch), BF_WATCH_CHANGED);
    cr_expect(ch.config && has(&ch, "bengal.staging.yaml"), "%s", list(&ch));
    put("content/a.md", "# A\n");
    cr_assert_eq(bf_watch_wait(w, 5000, -1, &ch), BF_WATCH_CHANGED);
    cr_expect_not(ch.config);
    /* an editor's backup of the config is not the config */
    sh("cp bengal.yaml bengal.yaml~ && cp bengal.yaml .bengal.yaml.swp");
    expect_quiet(w);
    bf_watch_free(w);
}

Test(watch, deleted_and_recreated_directories_and_roots)
{
    bf_watch_t *w = open_watch(&opts);
    size_t base, deferred;
    bf_watch_counts(w, &base, &deferred);
    cr_expect_eq(base, 6, "the site, content, docs, templates, static, css");
    cr_expect_eq(deferred, 0);
    sh("rm -rf content/docs");
    expect_exactly(w, (const char *[]){"content/docs", "content/docs/intro.md", NULL});
    sh("mkdir content/docs && echo x > content/docs/new.md");
    expect_exactly(w, (const char *[]){"content/docs", "content/docs/new.md", NULL});
    put("content/docs/new.md", "# New\n");
    expect_exactly(w, (const char *[]){"content/docs/new.md", NULL});
    /* a root itself */
    sh("rm -rf content");
    expect_exactly(w, (const char *[]){"content", "content/a.md", "content/docs",
                                       "content/docs/new.md", NULL});
    size_t n;
    bf_watch_counts(w, &n, &deferred);
    cr_expect_eq(n, base - 2, "content and docs unwatched");
    sh("mkdir content && echo x > content/b.md");
    expect_exactly(w, (const char *[]){"content", "content/b.md", NULL});
    put("content/b.md", "# B\n");
    expect_exactly(w, (const char *[]){"content/b.md", NULL});
    /* a root missing at the start */
    sh("mkdir -p data/nav && echo 'a: 1' > data/nav/menu.yaml");
    expect_exactly(w, (const char *[]){"data", "data/nav", "data/nav/menu.yaml", NULL});
    put("data/nav/menu.yaml", "a: 2\n");
    expect_exactly(w, (const char *[]){"data/nav/menu.yaml", NULL});
    bf_watch_counts(w, &n, &deferred);
    cr_expect_eq(n, base - 2 + 1 + 2, "content, data, data/nav");
    bf_watch_free(w);
}

Test(watch, directories_moved_in_out_and_renamed)
{
    bf_watch_t *w = open_watch(&opts);
    sh("mkdir '%s/sub' && echo x > '%s/sub/o.md'", outside, outside);
    sh("mv '%s' content/moved", outside);
    expect_exactly(
        w, (const char *[]){"content/moved", "content/moved/sub", "content/moved/sub/o.md", NULL});
    sh("mv content/moved content/renamed");
    expect_exactly(w, (const char *[]){"content/moved", "content/renamed", "content/renamed/sub",
                                       "content/renamed/sub/o.md", NULL});
    put("content/renamed/sub/o.md", "# O\n");
    expect_exactly(w, (const char *[]){"content/renamed/sub/o.md", NULL});
    sh("mv content/renamed '%s'", outside);
    expect_exactly(w, (const char *[]){"content/renamed", NULL});
    sh("echo y > '%s/sub/o.md' && mkdir '%s/sub/new'", outside, outside);
    expect_quiet(w);
    bf_watch_free(w);
}

/* content/shared -> ../shared stays in the site: followed, as discovery
 * follows it; content/out -> a directory outside: not. */
Test(watch, symlinks_inside_the_site_are_followed_outside_not)
{
    sh("mkdir shared && echo x > shared/s.md && ln -s ../shared content/shared");
    sh("ln -s '%s' content/out", outside);
    bf_watch_t *w = open_watch(&opts);
    put("shared/s.md", "# S\n");
    expect_exactly(w, (const char *[]){"content/shared/s.md", NULL});
    sh("echo y > '%s/o.md'", outside);
    expect_quiet(w);
    bf_watch_free(w);
}

/* A symlink made later is followed too; one that loops back is watched
 * once; removing the link stops the reports through it. */
Test(watch, symlinks_made_later_and_loops)
{
    sh("mkdir shared && echo x > shared/s.md");
    bf_watch_t *w = open_watch(&opts);
    size_t n0, n, deferred;
    bf_watch_counts(w, &n0, &deferred);
    sh("ln -s ../shared content/shared && ln -s . content/loop");
    expect_exactly(w,
                   (const char *[]){"content/loop", "content/shared", "content/shared/s.md", NULL});
    bf_watch_counts(w, &n, &deferred);
    cr_expect_eq(n, n0 + 1, "shared is one more watch, the loop none");
    put("shared/s.md", "# S\n");
    expect_exactly(w, (const char *[]){"content/shared/s.md", NULL});
    put("content/a.md", "# A\n");
    expect_exactly(w, (const char *[]){"content/a.md", NULL});
    sh("rm content/shared");
    expect_exactly(w, (const char *[]){"content/shared", NULL});
    bf_watch_counts(w, &n, &deferred);
    cr_expect_eq(n, n0);
    put("shared/s.md", "# S2\n");
    expect_quiet(w);
    bf_watch_free(w);
}

Test(watch, interrupt_fd_wakes_the_wait_and_keeps_what_was_seen)
{
    bf_watch_t *w = open_watch(&opts);
    int p[2];
    cr_assert_eq(pipe(p), 0);
    bf_watch_changes_t ch;
    cr_assert_eq(write(p[1], "x", 1), 1);
    uint64_t t0 = bf_clock_ns();
    cr_assert_eq(bf_watch_wait(w, 10000, p[0], &ch), BF_WATCH_INTERRUPTED);
    cr_expect_lt((bf_clock_ns() - t0) / 1000000, 1000);
    /* a change seen before the interrupt comes with the next wait */
    put("content/a.md", "# A2\n");
    usleep(20000);
    cr_assert_eq(bf_watch_wait(w, 0, p[0], &ch), BF_WATCH_INTERRUPTED);
    char c;
    cr_assert_eq(read(p[0], &c, 1), 1);
    expect_exactly(w, (const char *[]){"content/a.md", NULL});
    cr_expect_geq(bf_watch_fd(w), 0);
    close(p[0]);
    close(p[1]);
    bf_watch_free(w);
}

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    cr_assert_not_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

Test(watch, free_closes_every_descriptor)
{
    int before = open_fds();
    bf_watch_t *w = open_watch(&opts);
    cr_expect_gt(open_fds(), before);
    sh("mkdir -p content/x/y && echo x > content/x/y/z.md");
    expect_exactly(w, (const char *[]){"content/x", "content/x/y", "content/x/y/z.md", NULL});
    bf_watch_free(w);
    cr_expect_eq(open_fds(), before);
    bf_watch_free(NULL);
}

Test(watch, bad_roots_are_refused)
{
    static const char *const bad[] = {"content/docs"};
    bf_watch_opts_t o = {.roots = bad, .n_roots = 1};
    cap_start();
    bf_watch_t *w = bf_watch_open(site_fd, &o);
    char *err = cap_end();
    cr_expect_null(w);
    cr_expect(strstr(err, "\"content/docs\"") != NULL, "%s", err);
    free(err);
    bf_watch_free(w);
}

/* Files made while nobody reads: more events than the kernel's queue
 * holds (fs.inotify.max_queued_events, 16384 by default).  Then a
 * directory made during the overflow must be watched afterwards. */
Test(watch, queue_overflow_means_everything_changed)
{
    FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
    long max = 0;
    if (!f || fscanf(f, "%ld", &max) != 1 || max > 200000)
        cr_skip_test("fs.inotify.max_queued_events is %ld: too many events to make", max);
    fclose(f);
    bf_watch_t *w = open_watch(&opts);
    /* a file made and closed is two events (IN_CREATE, IN_CLOSE_WRITE) */
    for (long i = 0; i < max / 2 + 100; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/content/f%ld", site, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        cr_assert_geq(fd, 0);
        close(fd);
    }
    sh("mkdir -p content/late/er && echo x > content/late/er/l.md");
    bf_watch_changes_t ch;
    cr_assert_eq(bf_watch_wait(w, 5000, -1, &ch), BF_WATCH_CHANGED);
    cr_expect(ch.overflow);
    while (bf_watch_wait(w, QUIET_MS, -1, &ch) == BF_WATCH_CHANGED)
        ;
    put("content/late/er/l.md", "# L\n");
    expect_exactly(w, (const char *[]){"content/late/er/l.md", NULL});
    bf_watch_free(w);
}

/*
 * The watch limit, lowered in a user namespace of our own
 * (/proc/sys/user/max_inotify_watches there bounds only that namespace),
 * so that no other process on the machine sees it.  In a child: a
 * criterion test may have threads, and unshare(CLONE_NEWUSER) wants a
 * single-threaded caller.  The child's exit status says which step
 * failed; its stderr goes to a file.
 */
static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int limit_child(const char *errpath)
{
    char map[64];
    snprintf(map, sizeof map, "0 %d 1", (int)geteuid());
    if (unshare(CLONE_NEWUSER) < 0)
        return 10;
    if (write_file("/proc/self/setgroups", "deny") < 0 ||
        write_file("/proc/self/uid_map", map) < 0 ||
        write_file("/proc/self/gid_map", "0 0 1") < 0 ||
        write_file("/proc/sys/user/max_inotify_watches", "1") < 0)
        return 11;
    int efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (efd < 0 || dup2(efd, 2) < 0)
        return 12;
    bf_watch_t *w = bf_watch_open(site_fd, &opts);
    size_t watched, deferred;
    if (!w)
        return 13;
    bf_watch_counts(w, &watched, &deferred);
    if (watched != 1 || deferred != 3) /* the site; content, templates, static */
        return 14;
    /* below a deferred root: seen by the rescan, as the root's path */
    put("content/docs/intro.md", "# I, edited\n");
    bf_watch_changes_t ch;
    if (bf_watch_wait(w, 5000, -1, &ch) != BF_WATCH_CHANGED || ch.n != 1 ||
        strcmp(ch.paths[0], "content") != 0)
        return 15;
    if (bf_watch_wait(w, 1500, -1, &ch) != BF_WATCH_TIMEOUT)
        return 16;
    /* the limit raised: the next rescan watches them */
    if (write_file("/proc/sys/user/max_inotify_watches", "100") < 0)
        return 17;
    bf_watch_wait(w, 1500, -1, &ch);
    bf_watch_counts(w, &watched, &deferred);
    if (watched != 6 || deferred != 0)
        return 18;
    put("content/docs/intro.md", "# I, again\n");
    if (bf_watch_wait(w, 5000, -1, &ch) != BF_WATCH_CHANGED || ch.n != 1 ||
        strcmp(ch.paths[0], "content/docs/intro.md") != 0)
        return 19;
    bf_watch_free(w);
    return 0;
}

Test(watch, watch_limit_warns_once_and_falls_back_to_rescans)
{
    char errpath[128];
    snprintf(errpath, sizeof errpath, "%s/.bengal/stderr", site);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0)
        _exit(limit_child(errpath));
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "the child died (status %d)", status);
    if (WEXITSTATUS(status) == 10 || WEXITSTATUS(status) == 11)
        cr_skip_test("no user namespace of our own here (step %d): cannot lower the limit",
                     WEXITSTATUS(status));
    FILE *f = fopen(errpath, "r");
    char err[4096] = "";
    if (f) {
        err[fread(err, 1, sizeof err - 1, f)] = '\0';
        fclose(f);
    }
    cr_assert_eq(WEXITSTATUS(status), 0, "failed at step %d; stderr: %s", WEXITSTATUS(status), err);
    int warnings = 0;
    for (const char *p = err; (p = strstr(p, "warning:")); p++)
        warnings++;
    cr_expect_eq(warnings, 1, "%s", err);
    cr_expect(strstr(err, "fs.inotify.max_user_watches") != NULL, "%s", err);
}
