/*
 * tests/e2e/serve_test.c - `bengal-farm serve`, end to end: the real
 * binary on a free port (--port 0), plain HTTP over sockets.  It builds
 * and serves the starter site (drafts in, the published output left
 * alone), answers 404 with the site's page, and after an edit rebuilds
 * and sends the reload event, after which the page has the new text; a
 * broken page sends an error event naming file:line while the last good
 * site is still served, and fixing it sends reload again; SIGTERM stops
 * it with status 0.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "helpers.h"

static pid_t serve_pid;
static int serve_out = -1; /* its stdout and stderr */

static void stop_serve(void)
{
    if (serve_pid > 0) {
        kill(serve_pid, SIGKILL);
        waitpid(serve_pid, NULL, 0);
        serve_pid = 0;
    }
}

TestSuite(serve, .fini = stop_serve);

/* Starts `bengal-farm serve --port 0 ARGS... SITE`; returns the port it
 * prints. */
static int start_serve(const char *site, const char *extra)
{
    int p[2];
    cr_assert(pipe(p) == 0);
    serve_pid = fork();
    cr_assert(serve_pid >= 0);
    if (serve_pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        if (extra)
            execl(e2e_bin(), e2e_bin(), "serve", "--port", "0", "-j", "2", extra, site, NULL);
        else
            execl(e2e_bin(), e2e_bin(), "serve", "--port", "0", "-j", "2", site, NULL);
        _exit(127);
    }
    close(p[1]);
    serve_out = p[0];
    char buf[4096];
    size_t n = 0;
    long deadline = e2e_now_ms() + 30000;
    while (e2e_now_ms() < deadline && n < sizeof buf - 1) {
        struct pollfd pf = {serve_out, POLLIN, 0};
        if (poll(&pf, 1, 1000) <= 0)
            continue;
        ssize_t k = read(serve_out, buf + n, sizeof buf - 1 - n);
        if (k <= 0)
            break;
        n += (size_t)k;
        buf[n] = '\0';
        const char *at = strstr(buf, "http://127.0.0.1:");
        if (at && strchr(at, '/') && strstr(buf, "built "))
            return atoi(at + 17);
    }
    cr_assert_fail("serve did not start:\n%.*s", (int)n, buf);
    return 0;
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    cr_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s", strerror(errno));
    return fd;
}

static void send_get(int fd, const char *path)
{
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Connection: close\r\n\r\n", path);
    cr_assert(write(fd, req, (size_t)n) == n);
}

/* GET path: the status, *body the whole response (headers included). */
static int get(int port, const char *path, char **body)
{
    int fd = connect_to(port);
    send_get(fd, path);
    size_t n = 0, cap = 0;
    char *b = NULL;
    int more;
    while ((more = e2e_drain(fd, &b, &n, &cap)) == 1) {
    }
    close(fd);
    *body = e2e_own(b ? b : strdup(""));
    int status = 0;
    sscanf(*body, "HTTP/1.%*d %d", &status);
    return status;
}

/* Reads the event stream fd until it holds want (true) or 20 s pass. */
static bool wait_event(int fd, const char *want, char **seen)
{
    static char buf[65536];
    static size_t n;
    long deadline = e2e_now_ms() + 20000;
    while (e2e_now_ms() < deadline) {
        buf[n] = '\0';
        char *at = strstr(buf, want);
        if (at) {
            *seen = e2e_fmt("%s", at);
            size_t rest = n - (size_t)(at + strlen(want) - buf);
            memmove(buf, at + strlen(want), rest);
            n = rest;
            return true;
        }
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, 500) <= 0)
            continue;
        ssize_t k = read(fd, buf + n, sizeof buf - 1 - n);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    *seen = e2e_fmt("%s", buf);
    return false;
}

Test(serve, serves_rebuilds_reloads_and_shows_errors)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    e2e_write_str(e2e_fmt("%s/content/docs/draft-page.md", site),
                  "---\ntitle: A draft\ndraft: true\n---\nNot yet.\n");
    int port = start_serve(site, NULL);
    char *body;

    cr_assert_eq(get(port, "/", &body), 200, "%s", body);
    cr_assert(strstr(body, "/__bengal/"), "no live-reload snippet in a served page:\n%.2000s",
              body);
    cr_assert_eq(get(port, "/docs/draft-page/", &body), 200, "drafts are served: %.500s", body);
    cr_assert_eq(get(port, "/no/such/page/", &body), 404, "%.500s", body);
    cr_assert_eq(get(port, "/../../etc/passwd", &body) / 100, 4, "%.500s", body);
    cr_assert(!e2e_exists(e2e_fmt("%s/public", site)), "serve wrote the published output");
    cr_assert(!strstr(e2e_own_file(e2e_fmt("%s/.bengal-serve/index.html", site), NULL),
                      "__bengal"), "the snippet went into a file on disk");

    int ev = connect_to(port);
    send_get(ev, "/__bengal/events");
    char *seen;
    cr_assert(wait_event(ev, "event: hello", &seen), "no hello event: %s", seen);

    /* an edit: rebuilt, reload sent, the new text served */
    e2e_write_str(e2e_fmt("%s/content/docs/draft-page.md", site),
                  "---\ntitle: A draft\ndraft: true\n---\nFresh words here.\n");
    cr_assert(wait_event(ev, "event: reload", &seen), "no reload after an edit: %s", seen);
    cr_assert_eq(get(port, "/docs/draft-page/", &body), 200);
    cr_assert(strstr(body, "Fresh words here."), "the edit is not served:\n%.3000s", body);

    /* a broken page: an error event with file:line, the last good site */
    e2e_write_str(e2e_fmt("%s/content/docs/bad.md", site), "---\ntitle: [broken\n---\nx\n");
    cr_assert(wait_event(ev, "event: error", &seen), "no error event: %s", seen);
    cr_assert(strstr(seen, "content/docs/bad.md:"), "the error names no file: %s", seen);
    cr_assert_eq(get(port, "/docs/draft-page/", &body), 200);
    cr_assert(strstr(body, "Fresh words here."), "the last good site is not served");
    cr_assert(strstr(body, "bad.md"), "a page served while broken has no overlay:\n%.3000s",
              body);

    /* fixed: reload again */
    e2e_write_str(e2e_fmt("%s/content/docs/bad.md", site), "---\ntitle: Fixed\n---\nx\n");
    cr_assert(wait_event(ev, "event: reload", &seen), "no reload after the fix: %s", seen);
    cr_assert_eq(get(port, "/docs/bad/", &body), 200, "%.500s", body);
    close(ev);

    kill(serve_pid, SIGTERM);
    int st;
    cr_assert_eq(waitpid(serve_pid, &st, 0), serve_pid);
    serve_pid = 0;
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "serve ended with %d", st);
}

Test(serve, no_drafts_and_a_taken_port)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    e2e_run_free(&r);
    e2e_write_str(e2e_fmt("%s/content/docs/draft-page.md", site),
                  "---\ntitle: A draft\ndraft: true\n---\nNot yet.\n");
    int port = start_serve(site, "--no-drafts");
    char *body;
    cr_assert_eq(get(port, "/docs/draft-page/", &body), 404, "%.300s", body);
    /* the same port again: a clear error, exit 2 */
    e2e_bf(&r, "serve", "--port", e2e_fmt("%d", port), site, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "error"), "%s", r.err);
    e2e_run_free(&r);
}

/* serve keeps its caches apart from the published build's: a build after
 * a preview renders nothing again (it re-rendered every page when both
 * shared one state directory, each finding the other's options). */
Test(serve, a_preview_leaves_the_published_builds_caches_alone)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    e2e_run_free(&r);
    e2e_bf(&r, "-q", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *serve_stats = e2e_fmt("%s/serve-stats.json", e2e_tmpdir());
    start_serve(site, e2e_fmt("--stats-json=%s", serve_stats));
    stop_serve();
    cr_assert_gt(e2e_stat_of(serve_stats, "pages"), 10, "serve --stats-json wrote its build's");
    e2e_bf(&r, "-q", "--stats-json", stats, site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert_gt(e2e_stat_of(stats, "pages"), 10);
    cr_assert_eq(e2e_stat_of(stats, "pages_rendered"), 0, "rendered %ld of %ld pages again",
                 e2e_stat_of(stats, "pages_rendered"), e2e_stat_of(stats, "pages"));
    struct stat st;
    cr_assert(stat(e2e_fmt("%s/.bengal/serve/snapshot.bfs", site), &st) == 0,
              "serve's state is in .bengal/serve");
}

/* The headless-Chromium test: a page open in the browser reloads itself
 * after an edit and shows it (tests/e2e/cdp_reload.py drives Chromium
 * through the DevTools protocol; a page that did not reload keeps its
 * window, and the count of loads in sessionStorage stays 1). */
Test(serve, an_open_page_reloads_after_an_edit, .timeout = 120)
{
    const char *chromium = e2e_have("chromium")           ? "chromium"
                           : e2e_have("chromium-browser") ? "chromium-browser"
                                                          : NULL;
    if (!chromium || !e2e_have("python3"))
        cr_skip_test("chromium or python3 is not installed (apt-get install chromium)");
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    e2e_run_free(&r);
    char *page = e2e_fmt("%s/content/docs/probe.md", site);
    e2e_write_str(page, "---\ntitle: Probe\n---\nOriginal words.\n");
    int port = start_serve(site, NULL);
    e2e_runl(&r, "python3", e2e_fmt("%s/tests/e2e/cdp_reload.py", e2e_top()), chromium,
             e2e_fmt("http://127.0.0.1:%d/docs/probe/", port), page,
             "---\ntitle: Probe\n---\nEdited words now.\n", NULL);
    cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
    e2e_run_free(&r);
}
