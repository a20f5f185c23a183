/*
 * tests/coordinator/httpd_test.c - the preview server's files over real
 * HTTP: bytes and types, HEAD, index.html, the slash redirect, 404.html,
 * paths that try to leave the directory (raw, encoded, through symlinks),
 * ETag and Last-Modified with their 304s, and answers that stay whole
 * while the directory is swapped under the server.  Plus the request-path
 * decoder on its own.
 *
 * Each test starts bf_httpd on 127.0.0.1, port 0, over a fresh temporary
 * directory and talks to it with raw sockets (tests/coordinator/
 * http_client.h).  Live reload has its own file, livereload_test.c.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "coordinator/httpd.h"
#include "coordinator/livereload.h"
#include "shared/buf.h"
#include "shared/fs.h"
#include "tests/capture.h"
#include "tests/coordinator/http_client.h"

TestSuite(httpd, .init = hc_setup, .fini = hc_teardown, .timeout = 60);

/* The snippet a page gets while no error is set. */
static bf_buf_t plain_snippet(void)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_livereload_snippet(&b, NULL), 0);
    return b;
}

/* ---- the path decoder ---------------------------------------------- */

static void path_ok(const char *url, const char *want, bool want_dir)
{
    char out[BF_PATH_MAX];
    bool dir = !want_dir;
    cr_assert_eq(bf_httpd_url_path(url, strlen(url), out, sizeof out, &dir), 0, "%s", url);
    cr_assert_str_eq(out, want, "%s", url);
    cr_assert_eq(dir, want_dir, "%s", url);
}

static void path_bad(const char *url, size_t n, int err)
{
    char out[BF_PATH_MAX];
    bool dir;
    errno = 0;
    cr_assert_eq(bf_httpd_url_path(url, n, out, sizeof out, &dir), -1, "%s", url);
    cr_assert_eq(errno, err, "%s: errno %d", url, errno);
}

Test(httpd, url_path_decodes_and_cleans)
{
    path_ok("/", "", true);
    path_ok("//", "", true);
    path_ok("/index.html", "index.html", false);
    path_ok("/docs/", "docs", true);
    path_ok("/docs", "docs", false);
    path_ok("//docs//intro//", "docs/intro", true);
    path_ok("/a%20b/c%2Fd", "a b/c/d", false);
    path_ok("/%2fdocs%2F", "docs", true);
    path_ok("/caf%C3%A9.html", "caf\xc3\xa9.html", false);
    path_ok("/.well-known/x", ".well-known/x", false);
    path_ok("/a..b/...", "a..b/...", false);
    path_ok("/a+b", "a+b", false);
}

Test(httpd, url_path_refuses_what_leaves_or_is_malformed)
{
    const char *bad[] = {
        "",        "docs",       "http://h/x", "/..",       "/../x",       "/a/../b",
        "/a/..",   "/.",         "/a/./b",     "/%2e%2e/x", "/%2E%2E%2Fx", "/a/%2e%2e%2f..",
        "/..%2fx", "/a%00.html", "/%00",       "/a\\b",     "/a%5cb",      "/%5c..%5cx",
        "/bad%zz", "/bad%2",     "/bad%",      "/%%30"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        path_bad(bad[i], strlen(bad[i]), EINVAL);
    path_bad("/a\0b", 4, EINVAL); /* a raw NUL, when the length says there is more */

    /* Too long for out, or for any path. */
    char out[8];
    bool dir;
    cr_assert_eq(bf_httpd_url_path("/abcdefgh", 9, out, sizeof out, &dir), -1);
    cr_assert_eq(errno, ENAMETOOLONG);
    cr_assert_eq(out[sizeof out - 1], '\0');
    static char longurl[BF_PATH_MAX + 8];
    static char big[BF_PATH_MAX * 2];
    memset(longurl, 'a', sizeof longurl - 1);
    longurl[0] = '/';
    path_bad(longurl, strlen(longurl), ENAMETOOLONG);
    cr_assert_eq(bf_httpd_url_path(longurl, strlen(longurl), big, sizeof big, &dir), -1);
    cr_assert_eq(errno, ENAMETOOLONG);
}

/* ---- files ----------------------------------------------------------- */

Test(httpd, serves_files_with_their_bytes_and_type)
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
    static const unsigned char zst[] = {0x28, 0xb5, 0x2f, 0xfd, 0, 0x58, 0, 0};
    struct {
        const char *rel, *type;
    } files[] = {
        {"style.css", "text/css; charset=utf-8"},
        {"app.js", "text/javascript; charset=utf-8"},
        {"index.json", "application/json"},
        {"sitemap.xml", "application/xml"},
        {"logo.svg", "image/svg+xml"},
        {"img/photo.JPG", "image/jpeg"},
        {"anim.gif", "image/gif"},
        {"pic.webp", "image/webp"},
        {"favicon.ico", "image/x-icon"},
        {"fonts/a.woff2", "font/woff2"},
        {"robots.txt", "text/plain; charset=utf-8"},
        {"mod.wasm", "application/wasm"},
        {"app.js.map", "application/json"},
        {"doc.pdf", "application/pdf"},
        {"no-extension", "application/octet-stream"},
        {"archive.tar.unknown", "application/octet-stream"},
    };
    hc_put("public/logo.png", png, sizeof png);
    hc_put("public/index.html.zst", zst, sizeof zst);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "public/%s", files[i].rel);
        hc_puts(rel, files[i].rel); /* each file holds its own name */
    }
    hc_start();

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char target[128];
        snprintf(target, sizeof target, "/%s", files[i].rel);
        hc_resp_t r = hc_get(target);
        cr_assert_eq(r.status, 200, HC_SHOW(r));
        cr_assert_str_eq(r.body, files[i].rel);
        cr_assert_str_eq(hc_header(&r, "Content-Type"), files[i].type, "%s", target);
        cr_assert_str_eq(hc_header(&r, "Cache-Control"), "no-cache");
        hc_free(&r);
    }
    hc_resp_t r = hc_get("/logo.png");
    cr_assert_eq(r.len, sizeof png);
    cr_assert_eq(memcmp(r.body, png, sizeof png), 0);
    cr_assert_str_eq(hc_header(&r, "Content-Type"), "image/png");
    cr_assert_str_eq(hc_header(&r, "Content-Length"), "12");
    hc_free(&r);

    /* A precompressed output is the file it is, not an encoding of another. */
    r = hc_get("/index.html.zst");
    cr_assert_eq(r.len, sizeof zst);
    cr_assert_eq(memcmp(r.body, zst, sizeof zst), 0);
    cr_assert_str_eq(hc_header(&r, "Content-Type"), "application/zstd");
    cr_assert_null(hc_header(&r, "Content-Encoding"));
    hc_free(&r);

    /* Encoded names reach the file they name. */
    hc_puts("public/a b/caf\xc3\xa9.txt", "spaced");
    r = hc_get("/a%20b/caf%C3%A9.txt");
    cr_assert_eq(r.status, 200, HC_SHOW(r));
    cr_assert_str_eq(r.body, "spaced");
    hc_free(&r);

    /* An empty file is a 200 with no body. */
    hc_puts("public/empty.txt", "");
    r = hc_get("/empty.txt");
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.len, 0);
    cr_assert_str_eq(hc_header(&r, "Content-Length"), "0");
    hc_free(&r);
}

Test(httpd, head_has_the_length_and_no_body)
{
    hc_puts("public/style.css", "body { color: red }\n");
    hc_puts("public/index.html", "<html><body><p>home</p></body></html>\n");
    hc_start();

    hc_resp_t r = hc_do("HEAD", "/style.css", NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.len, 0, HC_SHOW(r));
    cr_assert_str_eq(hc_header(&r, "Content-Length"), "20");
    cr_assert_str_eq(hc_header(&r, "Content-Type"), "text/css; charset=utf-8");
    cr_assert_not_null(hc_header(&r, "ETag"));
    hc_free(&r);

    /* An HTML page's length is that of the page with the snippet in it. */
    hc_resp_t g = hc_get("/");
    r = hc_do("HEAD", "/", NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.len, 0);
    char want[32];
    snprintf(want, sizeof want, "%zu", g.len);
    cr_assert_str_eq(hc_header(&r, "Content-Length"), want);
    cr_assert_str_eq(hc_header(&r, "ETag"), hc_header(&g, "ETag"));
    hc_free(&r);
    hc_free(&g);
}

Test(httpd, other_methods_are_405)
{
    hc_puts("public/index.html", "<p>x</p>");
    hc_start();
    const char *methods[] = {"POST", "PUT", "DELETE", "OPTIONS"};
    for (size_t i = 0; i < 4; i++) {
        hc_resp_t r = hc_do(methods[i], "/index.html", "Content-Length: 0\r\n");
        cr_assert_eq(r.status, 405, "%s: " HC_SHOW(r), methods[i]);
        cr_assert_str_eq(hc_header(&r, "Allow"), "GET, HEAD");
        hc_free(&r);
    }
}

Test(httpd, directories_serve_index_html)
{
    bf_buf_t snip = plain_snippet();
    hc_puts("public/index.html", "<p>home</p>");
    hc_puts("public/docs/index.html", "<p>docs</p>");
    hc_puts("public/docs/intro/index.html", "<p>intro</p>");
    cr_assert_eq(mkdir(hc_path("public/empty"), 0755), 0);
    hc_start();

    const char *cases[][2] = {{"/", "<p>home</p>"},
                              {"/docs/", "<p>docs</p>"},
                              {"/docs/intro/", "<p>intro</p>"},
                              {"//docs//intro//", "<p>intro</p>"},
                              {"/docs/index.html", "<p>docs</p>"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hc_resp_t r = hc_get(cases[i][0]);
        cr_assert_eq(r.status, 200, "%s: " HC_SHOW(r), cases[i][0]);
        char want[4096];
        snprintf(want, sizeof want, "%s%s", cases[i][1], snip.data);
        cr_assert_str_eq(r.body, want, "%s", cases[i][0]);
        cr_assert_str_eq(hc_header(&r, "Content-Type"), "text/html; charset=utf-8");
        hc_free(&r);
    }
    /* A directory without index.html is not listed: 404. */
    hc_resp_t r = hc_get("/empty/");
    cr_assert_eq(r.status, 404, HC_SHOW(r));
    hc_free(&r);
    /* A file asked for as a directory is not there. */
    r = hc_get("/docs/index.html/");
    cr_assert_eq(r.status, 404, HC_SHOW(r));
    hc_free(&r);
    bf_buf_free(&snip);
}

Test(httpd, directory_without_slash_redirects)
{
    hc_puts("public/docs/index.html", "<p>docs</p>");
    hc_puts("public/a b/index.html", "<p>ab</p>");
    hc_start();

    hc_resp_t r = hc_get("/docs");
    cr_assert_eq(r.status, 301, HC_SHOW(r));
    cr_assert_str_eq(hc_header(&r, "Location"), "/docs/");
    hc_free(&r);

    r = hc_get("/docs?q=a%20b&x");
    cr_assert_eq(r.status, 301, HC_SHOW(r));
    cr_assert_str_eq(hc_header(&r, "Location"), "/docs/?q=a%20b&x");
    hc_free(&r);

    /* The location keeps the request's own encoding. */
    r = hc_get("/a%20b");
    cr_assert_eq(r.status, 301, HC_SHOW(r));
    cr_assert_str_eq(hc_header(&r, "Location"), "/a%20b/");
    hc_free(&r);
    r = hc_get("/a%20b/");
    cr_assert_eq(r.status, 200, HC_SHOW(r));
    hc_free(&r);
}

Test(httpd, missing_paths_get_404_html)
{
    bf_buf_t snip = plain_snippet();
    hc_puts("public/404.html", "<html><body><h1>Not here</h1></body></html>");
    hc_start();

    const char *missing[] = {"/nope", "/nope/", "/docs/intro/", "/nope.css"};
    for (size_t i = 0; i < 4; i++) {
        hc_resp_t r = hc_get(missing[i]);
        cr_assert_eq(r.status, 404, "%s: " HC_SHOW(r), missing[i]);
        char want[4096];
        snprintf(want, sizeof want, "<html><body><h1>Not here</h1>%s</body></html>", snip.data);
        cr_assert_str_eq(r.body, want);
        cr_assert_str_eq(hc_header(&r, "Content-Type"), "text/html; charset=utf-8");
        cr_assert_null(hc_header(&r, "ETag"));
        hc_free(&r);
    }
    /* A conditional request for a missing page is still a 404. */
    hc_resp_t r = hc_do("GET", "/nope", "If-None-Match: *\r\n");
    cr_assert_eq(r.status, 404, HC_SHOW(r));
    hc_free(&r);

    /* Without a 404.html: plain text. */
    cr_assert_eq(unlink(hc_path("public/404.html")), 0);
    r = hc_get("/nope");
    cr_assert_eq(r.status, 404, HC_SHOW(r));
    cr_assert_str_eq(hc_header(&r, "Content-Type"), "text/plain; charset=utf-8");
    cr_assert(strstr(r.body, "not found"));
    hc_free(&r);
    bf_buf_free(&snip);
}

Test(httpd, not_built_yet_is_503_until_it_is)
{
    bf_httpd_opts_t o = {.root = hc_path("public/later")};
    hc_srv = bf_httpd_start(&o);
    cr_assert_not_null(hc_srv);
    hc_resp_t r = hc_get("/");
    cr_assert_eq(r.status, 503, HC_SHOW(r));
    hc_free(&r);
    hc_puts("public/later/index.html", "<p>now</p>");
    r = hc_get("/");
    cr_assert_eq(r.status, 200, HC_SHOW(r));
    hc_free(&r);
}

/* ---- paths that try to leave -------------------------------------- */

static void refused(const char *target, int want)
{
    hc_resp_t r = hc_get(target);
    cr_assert_eq(r.status, want, "%s: " HC_SHOW(r), target);
    cr_assert_null(strstr(r.body, "TOP SECRET"), "%s leaked the secret", target);
    hc_free(&r);
}

Test(httpd, traversal_is_refused_raw_encoded_and_through_symlinks)
{
    hc_puts("public/index.html", "<p>home</p>");
    hc_puts("public/docs/index.html", "<p>docs</p>");
    hc_puts("public/style.css", "body{}");
    cr_assert_eq(symlink("../outside/secret.txt", hc_path("public/leak.txt")), 0);
    cr_assert_eq(symlink(hc_path("outside"), hc_path("public/absdir")), 0);
    cr_assert_eq(symlink("../outside", hc_path("public/reldir")), 0);
    cr_assert_eq(symlink("../../outside/secret.txt", hc_path("public/docs/up.txt")), 0);
    cr_assert_eq(symlink("style.css", hc_path("public/alias.css")), 0);
    cr_assert_eq(symlink("../style.css", hc_path("public/docs/shared.css")), 0);
    hc_start();

    const char *bad_requests[] = {
        "/../outside/secret.txt",
        "/docs/../../outside/secret.txt",
        "/%2e%2e/outside/secret.txt",
        "/%2E%2E%2Foutside%2Fsecret.txt",
        "/docs/..%2f..%2foutside/secret.txt",
        "/.%2e/outside/secret.txt",
        "/..\\outside\\secret.txt",
        "/..%5coutside%5csecret.txt",
        "/style.css%00.html",
        "/%00",
        "/./style.css",
        "/bad%zzescape",
        "/bad%2",
    };
    for (size_t i = 0; i < sizeof bad_requests / sizeof bad_requests[0]; i++)
        refused(bad_requests[i], 400);

    /* Symlinks out of the directory (relative or absolute, to a file or a
     * directory) are not there. */
    refused("/leak.txt", 404);
    refused("/absdir/secret.txt", 404);
    refused("/reldir/secret.txt", 404);
    refused("/reldir", 404);
    refused("/docs/up.txt", 404);
    /* An absolute-form target is not a path of the site. */
    hc_resp_t r = hc_get("http://localhost/style.css");
    cr_assert_neq(r.status, 200, HC_SHOW(r));
    hc_free(&r);

    /* Symlinks that stay inside are followed. */
    const char *inside[] = {"/alias.css", "/docs/shared.css"};
    for (size_t i = 0; i < 2; i++) {
        r = hc_get(inside[i]);
        cr_assert_eq(r.status, 200, "%s: " HC_SHOW(r), inside[i]);
        cr_assert_str_eq(r.body, "body{}");
        hc_free(&r);
    }
}

Test(httpd, a_fifo_is_not_served_and_does_not_block)
{
    cr_assert_eq(mkfifo(hc_path("public/pipe"), 0644), 0);
    hc_start();
    hc_resp_t r = hc_get("/pipe");
    cr_assert_eq(r.status, 404, HC_SHOW(r));
    hc_free(&r);
}

/* ---- conditional requests ------------------------------------------ */

Test(httpd, etag_answers_304)
{
    hc_puts("public/style.css", "body{}");
    hc_puts("public/page.html", "<body>x</body>");
    hc_start();

    const char *targets[] = {"/style.css", "/page.html"};
    for (size_t i = 0; i < 2; i++) {
        hc_resp_t r = hc_get(targets[i]);
        cr_assert_eq(r.status, 200);
        char etag[128], hdr[256];
        snprintf(etag, sizeof etag, "%s", hc_header(&r, "ETag"));
        cr_assert_eq(etag[0], '"', "a strong ETag: %s", etag);
        hc_free(&r);

        const char *matching[] = {"%s", "W/%s", "\"nope\", %s", "*"};
        for (size_t k = 0; k < 4; k++) {
            char fmt[64];
            snprintf(fmt, sizeof fmt, "If-None-Match: %s\r\n", matching[k]);
            snprintf(hdr, sizeof hdr, fmt, etag);
            r = hc_do("GET", targets[i], hdr);
            cr_assert_eq(r.status, 304, "%s %s" HC_SHOW(r), targets[i], hdr);
            cr_assert_eq(r.len, 0);
            cr_assert_str_eq(hc_header(&r, "ETag"), etag);
            cr_assert_str_eq(hc_header(&r, "Cache-Control"), "no-cache");
            hc_free(&r);
        }
        r = hc_do("GET", targets[i], "If-None-Match: \"nope\"\r\n");
        cr_assert_eq(r.status, 200);
        hc_free(&r);
    }

    /* A new file at the same path (the writer renames it in) is a new ETag. */
    hc_resp_t r = hc_get("/style.css");
    char before[128];
    snprintf(before, sizeof before, "%s", hc_header(&r, "ETag"));
    hc_free(&r);
    hc_puts("public/style.new", "body{color:red}");
    cr_assert_eq(rename(hc_path("public/style.new"), hc_path("public/style.css")), 0);
    char hdr[256];
    snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", before);
    r = hc_do("GET", "/style.css", hdr);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, "body{color:red}");
    cr_assert_str_neq(hc_header(&r, "ETag"), before);
    hc_free(&r);
}

Test(httpd, last_modified_answers_304)
{
    hc_puts("public/style.css", "body{}");
    /* 2001-09-09 01:46:40 UTC */
    struct timespec ts[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
    cr_assert_eq(utimensat(AT_FDCWD, hc_path("public/style.css"), ts, 0), 0);
    hc_start();

    hc_resp_t r = hc_get("/style.css");
    cr_assert_str_eq(hc_header(&r, "Last-Modified"), "Sun, 09 Sep 2001 01:46:40 GMT");
    hc_free(&r);

    const char *not_modified[] = {"Sun, 09 Sep 2001 01:46:40 GMT", "Mon, 10 Sep 2001 00:00:00 GMT"};
    for (size_t i = 0; i < 2; i++) {
        char hdr[128];
        snprintf(hdr, sizeof hdr, "If-Modified-Since: %s\r\n", not_modified[i]);
        r = hc_do("GET", "/style.css", hdr);
        cr_assert_eq(r.status, 304, "%s" HC_SHOW(r), hdr);
        cr_assert_eq(r.len, 0);
        hc_free(&r);
    }
    const char *modified[] = {"Sun, 09 Sep 2001 01:46:39 GMT", "Sun, 06 Nov 1994 08:49:37 GMT",
                              "not a date", "Sunday, 09-Sep-01 01:46:40 GMT"};
    for (size_t i = 0; i < 4; i++) {
        char hdr[128];
        snprintf(hdr, sizeof hdr, "If-Modified-Since: %s\r\n", modified[i]);
        r = hc_do("GET", "/style.css", hdr);
        cr_assert_eq(r.status, 200, "%s" HC_SHOW(r), hdr);
        cr_assert_str_eq(r.body, "body{}");
        hc_free(&r);
    }
    /* If-None-Match wins over If-Modified-Since. */
    r = hc_do("GET", "/style.css",
              "If-None-Match: \"nope\"\r\nIf-Modified-Since: Mon, 10 Sep 2001 00:00:00 GMT\r\n");
    cr_assert_eq(r.status, 200, HC_SHOW(r));
    hc_free(&r);
}

/* ---- the directory swapped under the server ------------------------ */

typedef struct {
    const char *a, *b;
    atomic_bool stop;
    atomic_int swaps;
} swapper_t;

static void *swap_loop(void *arg)
{
    swapper_t *s = arg;
    while (!atomic_load(&s->stop)) {
        if (renameat2(AT_FDCWD, s->a, AT_FDCWD, s->b, RENAME_EXCHANGE) == 0)
            atomic_fetch_add(&s->swaps, 1);
        sched_yield();
    }
    return NULL;
}

/* n bytes of c, then a marker line of c, as an HTML page or not. */
static char *filled(char c, size_t n, bool html)
{
    char *p = malloc(n + 64);
    cr_assert_not_null(p);
    size_t k = 0;
    if (html)
        k += (size_t)sprintf(p, "<html><body>");
    memset(p + k, c, n);
    k += n;
    if (html)
        k += (size_t)sprintf(p + k, "</body></html>");
    p[k] = '\0';
    return p;
}

/* Builds tree DIR with version c of each file. */
static void tree(const char *dir, char c, size_t scale)
{
    char rel[128];
    char *page = filled(c, 20000 * scale, true);
    snprintf(rel, sizeof rel, "%s/page.html", dir);
    hc_puts(rel, page);
    snprintf(rel, sizeof rel, "%s/docs/index.html", dir);
    hc_puts(rel, page);
    free(page);
    char *bin = filled(c, 200000 * scale, false);
    snprintf(rel, sizeof rel, "%s/big.bin", dir);
    hc_puts(rel, bin);
    free(bin);
}

/* The body is all a's or all b's between its fixed parts, never a mix. */
static char one_version(const hc_resp_t *r, bool html, bf_buf_t *snip)
{
    const char *p = r->body;
    size_t n = r->len;
    if (html) {
        size_t pre = strlen("<html><body>"), post = snip->len + strlen("</body></html>");
        cr_assert_geq(n, pre + post);
        cr_assert_eq(memcmp(p, "<html><body>", pre), 0);
        cr_assert_eq(memcmp(p + n - post, snip->data, snip->len), 0, "no snippet before </body>");
        p += pre;
        n -= pre + post;
    }
    char c = p[0];
    cr_assert(c == 'a' || c == 'b');
    cr_assert_eq(n, (c == 'a' ? 1 : 2) * (html ? 20000u : 200000u), "length %zu for %c", n, c);
    for (size_t i = 0; i < n; i++)
        if (p[i] != c)
            cr_assert_fail("byte %zu is %c in a response of %c's", i, p[i], c);
    char want[32];
    snprintf(want, sizeof want, "%zu", r->len);
    cr_assert_str_eq(hc_header(r, "Content-Length") ? hc_header(r, "Content-Length") : want, want);
    return c;
}

Test(httpd, responses_stay_whole_while_the_directory_is_swapped)
{
    bf_buf_t snip = plain_snippet();
    tree("public", 'a', 1);
    tree("staging", 'b', 2);
    hc_start();

    swapper_t s = {.a = hc_path("public"), .b = hc_path("staging")};
    char *keep_a = strdup(s.a), *keep_b = strdup(s.b); /* hc_path's buffers rotate */
    s.a = keep_a;
    s.b = keep_b;
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, swap_loop, &s), 0);

    const char *targets[] = {"/page.html", "/docs/", "/big.bin"};
    int seen[2] = {0, 0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int n = 0;
    for (; n < 600 && hc_ms_since(&t0) < 4000; n++) {
        const char *target = targets[n % 3];
        hc_resp_t r = hc_get(target);
        cr_assert_eq(r.status, 200, "%s: " HC_SHOW(r), target);
        char c = one_version(&r, n % 3 != 2, &snip);
        seen[c == 'b']++;
        hc_free(&r);
    }
    atomic_store(&s.stop, true);
    pthread_join(t, NULL);
    cr_assert_gt(atomic_load(&s.swaps), 10, "the directory was hardly swapped");
    cr_assert_gt(seen[0], 0, "never the old tree in %d requests", n);
    cr_assert_gt(seen[1], 0, "never the new tree in %d requests", n);
    free(keep_a);
    free(keep_b);
    bf_buf_free(&snip);
}

/* ---- the daemon ------------------------------------------------------ */

Test(httpd, a_port_in_use_is_an_error_that_says_so)
{
    hc_puts("public/index.html", "<p>x</p>");
    hc_start();
    char port[16];
    snprintf(port, sizeof port, ":%u:", (unsigned)bf_httpd_port(hc_srv));
    bf_httpd_opts_t o = {.root = hc_path("public"), .port = bf_httpd_port(hc_srv)};
    cap_start();
    bf_httpd_t *second = bf_httpd_start(&o);
    char *err = cap_end();
    cr_assert_null(second);
    cr_assert(strstr(err, "cannot listen on 127.0.0.1") && strstr(err, port) &&
                  strstr(err, "Address already in use"),
              "%s", err);
    free(err);

    o.port = 0;
    o.bind = "not-an-address.invalid";
    cap_start();
    second = bf_httpd_start(&o);
    err = cap_end();
    cr_assert_null(second);
    cr_assert(strstr(err, "cannot listen on \"not-an-address.invalid\""), "%s", err);
    free(err);
}

Test(httpd, listens_on_ipv6_loopback)
{
    int probe = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (probe < 0 || bind(probe, (struct sockaddr *)&a, sizeof a) < 0)
        cr_skip_test("no IPv6 loopback here");
    close(probe);
    hc_puts("public/x.txt", "six");
    bf_httpd_opts_t o = {.root = hc_path("public"), .bind = "::1"};
    bf_httpd_t *h = bf_httpd_start(&o);
    cr_assert_not_null(h);
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    a.sin6_port = htons(bf_httpd_port(h));
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    hc_send(fd, "GET /x.txt HTTP/1.0\r\n\r\n");
    char buf[1024];
    size_t len = 0;
    ssize_t n;
    while ((n = recv(fd, buf + len, sizeof buf - 1 - len, 0)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(fd);
    cr_assert(strstr(buf, " 200 ") && strstr(buf, "\r\n\r\nsix"), "%s", buf);
    bf_httpd_stop(h);
}

Test(httpd, stop_closes_every_descriptor)
{
    hc_puts("public/index.html", "<p>x</p>");
    int before = 0, after = 0;
    struct stat st;
    for (int fd = 0; fd < 1024; fd++)
        before += fstat(fd, &st) == 0;
    for (int round = 0; round < 3; round++) {
        hc_start();
        hc_resp_t r = hc_get("/");
        cr_assert_eq(r.status, 200);
        hc_free(&r);
        bf_httpd_stop(hc_srv);
        hc_srv = NULL;
    }
    for (int fd = 0; fd < 1024; fd++)
        after += fstat(fd, &st) == 0;
    cr_assert_eq(after, before, "%d descriptors before, %d after", before, after);
}
