/*
 * tests/e2e/browser_test.c - the starter site in a real browser.
 *
 * `bengal-farm new` + a build, served on loopback by python3's http.server,
 * opened in headless Chromium: the page renders (a screenshot is taken),
 * the console shows no error, the search box, driven by ?q=, finds a
 * known page in index.json, so does the search page (/search/?q=), and
 * the not-found page loads and links to the search page.  Skipped with a message where chromium or
 * python3 is not installed (.ci/run installs both).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "tests/e2e/helpers.h"

TestSuite(browser, .fini = e2e_cleanup, .timeout = 120);

static pid_t server;
static int port;

static bool listening(int p)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* python3 -m http.server on 127.0.0.1, serving dir; fails the test if it
 * does not come up within a few seconds. */
static void serve(const char *dir)
{
    port = 20000 + (int)(getpid() % 20000);
    server = fork();
    cr_assert(server >= 0);
    if (server == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* gone with the test, even if it fails */
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 1);
        dup2(nul, 2);
        char p[16];
        snprintf(p, sizeof p, "%d", port);
        execlp("python3", "python3", "-m", "http.server", p, "--bind", "127.0.0.1", "-d", dir,
               (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !listening(port); i++)
        usleep(50000);
    cr_assert(listening(port), "http.server did not start on port %d", port);
}

static void stop_server(void)
{
    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
        server = 0;
    }
}

static const char *chromium(void)
{
    return e2e_have("chromium") ? "chromium" : e2e_have("chromium-browser") ? "chromium-browser"
                                                                            : NULL;
}

Test(browser, starter_site_renders_and_search_finds_a_page, .timeout = 120)
{
    const char *chrome = chromium();
    if (!chrome || !e2e_have("python3"))
        cr_skip_test("chromium or python3 is not installed (apt-get install chromium)");
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_bf(&r, "new", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    e2e_bf(&r, "-q", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    serve(e2e_fmt("%s/public", site));

    char *profile = e2e_tmpdir(), *shot = e2e_fmt("%s/page.png", e2e_tmpdir());
    char *dir_flag = e2e_fmt("--user-data-dir=%s", profile);
    char *shot_flag = e2e_fmt("--screenshot=%s", shot);
    char *page = e2e_fmt("http://127.0.0.1:%d/docs/getting-started/", port);
    char *search = e2e_fmt("http://127.0.0.1:%d/docs/getting-started/?q=publish", port);
    const char *common[] = {"--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run", "--enable-logging=stderr",
                            "--v=0", "--virtual-time-budget=5000", dir_flag};

    const char *argv1[32] = {chrome};
    int n = 1;
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        argv1[n++] = common[i];
    argv1[n++] = "--window-size=1280,900";
    argv1[n++] = shot_flag;
    argv1[n++] = page;
    argv1[n] = NULL;
    e2e_run(&r, argv1);
    size_t png = 0;
    char *img = e2e_own_file(shot, &png);
    cr_assert(img && png > 10000, "no screenshot (%zu bytes); stderr:\n%s", png, r.err);
    cr_assert(!strstr(r.err, "Uncaught") && !strstr(r.err, "Failed to load resource"),
              "console errors:\n%s", r.err);
    e2e_run_free(&r);

    argv1[n - 3] = "--dump-dom";
    argv1[n - 2] = search;
    argv1[n - 1] = NULL;
    e2e_run(&r, argv1);
    cr_assert(e2e_match(r.out, "id=\"search-results\"[^>]*>.*<a href=\"/guides/publishing/\">"
                               "Publish the site", 0),
              "search did not find the page; DOM:\n%.4000s\nstderr:\n%s", r.out, r.err);
    cr_assert(!strstr(r.err, "Uncaught"), "console errors:\n%s", r.err);
    e2e_run_free(&r);

    /* the search page: every word must match, results as a list */
    argv1[n - 2] = e2e_fmt("http://127.0.0.1:%d/search/?q=publish+site", port);
    e2e_run(&r, argv1);
    cr_assert(e2e_match(r.out, "id=\"search-page-results\"[^>]*><li><a href=\"/guides/publishing/\">"
                               "Publish the site</a>", 0),
              "the search page did not find the page; DOM:\n%.6000s\nstderr:\n%s", r.out, r.err);
    cr_assert(e2e_match(r.out, "2 results for [^a-z]+publish site[^a-z<]+<", 0),
              "no result count; DOM:\n%.6000s", r.out);
    cr_assert(!strstr(r.err, "Uncaught") && !strstr(r.err, "Failed to load resource"),
              "console errors:\n%s", r.err);
    e2e_run_free(&r);

    /* the not-found page loads cleanly and offers the search page */
    argv1[n - 2] = e2e_fmt("http://127.0.0.1:%d/404.html", port);
    e2e_run(&r, argv1);
    cr_assert(e2e_match(r.out, "<a id=\"not-found-search\" href=\"/search/\">", 0),
              "no search link on the 404 page; DOM:\n%.6000s", r.out);
    cr_assert(!strstr(r.err, "Uncaught") && !strstr(r.err, "Failed to load resource"),
              "console errors:\n%s", r.err);
    e2e_run_free(&r);
    stop_server();
}
