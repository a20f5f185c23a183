/*
 * tests/coordinator/livereload_test.c - live reload: the snippet, where it
 * goes and where it does not, the overlay an error puts into pages, and
 * the event stream (reload, error, clear, heartbeat, a stop with clients
 * connected), through bf_httpd over real sockets, plus the text functions
 * of coordinator/livereload.h on their own.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <time.h>

#include "coordinator/httpd.h"
#include "coordinator/livereload.h"
#include "shared/buf.h"
#include "tests/coordinator/http_client.h"

TestSuite(livereload, .init = hc_setup, .fini = hc_teardown, .timeout = 60);

static bf_buf_t snippet(const char *error)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_livereload_snippet(&b, error), 0);
    return b;
}

/* ---- text ------------------------------------------------------------ */

Test(livereload, insert_at_the_last_body_end_tag)
{
    const char *cases[][2] = {
        {"<html><body>x</body></html>", "<html><body>x"},
        {"<BODY>x</BODY >", "<BODY>x"},
        {"<p>no end tag</p>", "<p>no end tag</p>"},
        {"<pre>&lt;/body&gt;</pre></body>", "<pre>&lt;/body&gt;</pre>"},
        {"<script>'</body>'</script></body>\n", "<script>'</body>'</script>"},
        {"", ""},
        {"</bod", "</bod"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *html = cases[i][0];
        cr_assert_eq(bf_livereload_insert_at(html, strlen(html)), strlen(cases[i][1]), "%s", html);
    }
}

Test(livereload, events_split_data_into_lines)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_livereload_event(&b, "reload", NULL), 0);
    cr_assert_str_eq(b.data, "event: reload\ndata: \n\n");
    bf_buf_reset(&b);
    cr_assert_eq(bf_livereload_event(&b, "error", "a.md:1:2: x\r\nline\rmore\nlast\n"), 0);
    cr_assert_str_eq(b.data, "event: error\ndata: a.md:1:2: x\ndata: line\ndata: more\n"
                             "data: last\ndata: \n\n");
    bf_buf_free(&b);
}

Test(livereload, the_snippet_escapes_the_error)
{
    bf_buf_t plain = snippet(NULL);
    cr_assert_str_eq(plain.data, "<script src=\"/__bengal/live.js\"></script>");
    bf_buf_t err = snippet("t.html:3:7: unknown <tag> & \"quote\"");
    cr_assert(strstr(err.data, "<pre>t.html:3:7: unknown &lt;tag&gt; &amp; &quot;quote&quot;"
                               "</pre>"),
              "%s", err.data);
    cr_assert(strstr(err.data, "id=\"__bengal-overlay\""));
    cr_assert(strstr(err.data, "data-bengal-dismiss"));
    cr_assert_null(strstr(err.data, "<tag>"));
    /* The script comes last, so that it finds the overlay. */
    size_t n = strlen(err.data);
    cr_assert_str_eq(err.data + n - plain.len, plain.data);
    bf_buf_free(&plain);
    bf_buf_free(&err);
}

Test(livereload, the_script_speaks_the_protocol)
{
    size_t len;
    const char *js = bf_livereload_script(&len);
    cr_assert_eq(strlen(js), len);
    const char *needles[] = {"new EventSource(\"/__bengal/events\")",
                             "addEventListener(\"reload\"",
                             "addEventListener(\"error\"",
                             "addEventListener(\"clear\"",
                             "addEventListener(\"hello\"",
                             "location.reload()",
                             ".textContent = text",
                             "\"Escape\""};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        cr_assert(strstr(js, needles[i]), "%s", needles[i]);
}

/* ---- injection ------------------------------------------------------ */

Test(livereload, injected_into_html_responses_only)
{
    bf_buf_t snip = snippet(NULL);
    const char *page = "<!doctype html><html><body><p>hi</p></body></html>\n";
    hc_puts("public/index.html", page);
    hc_puts("public/bare.html", "<p>no body tag</p>");
    hc_puts("public/upper.HTM", "<BODY>x</BODY>");
    hc_puts("public/style.css", "</body>");
    hc_puts("public/data.json", "{\"html\": \"</body>\"}");
    hc_puts("public/notes.txt", "</body>");
    hc_puts("public/feed.xml", "<rss></rss>");
    hc_start();

    hc_resp_t r = hc_get("/");
    char want[4096];
    snprintf(want, sizeof want, "<!doctype html><html><body><p>hi</p>%s</body></html>\n",
             snip.data);
    cr_assert_str_eq(r.body, want);
    char len[32];
    snprintf(len, sizeof len, "%zu", strlen(want));
    cr_assert_str_eq(hc_header(&r, "Content-Length"), len);
    hc_free(&r);

    r = hc_get("/bare.html");
    snprintf(want, sizeof want, "<p>no body tag</p>%s", snip.data);
    cr_assert_str_eq(r.body, want);
    hc_free(&r);
    r = hc_get("/upper.HTM");
    snprintf(want, sizeof want, "<BODY>x%s</BODY>", snip.data);
    cr_assert_str_eq(r.body, want);
    hc_free(&r);

    const char *untouched[][2] = {{"/style.css", "</body>"},
                                  {"/data.json", "{\"html\": \"</body>\"}"},
                                  {"/notes.txt", "</body>"},
                                  {"/feed.xml", "<rss></rss>"}};
    for (size_t i = 0; i < 4; i++) {
        r = hc_get(untouched[i][0]);
        cr_assert_str_eq(r.body, untouched[i][1], "%s", untouched[i][0]);
        hc_free(&r);
    }

    /* The file on disk is as it was. */
    FILE *f = fopen(hc_path("public/index.html"), "r");
    char disk[4096] = {0};
    fread(disk, 1, sizeof disk - 1, f);
    fclose(f);
    cr_assert_str_eq(disk, page);

    /* The script itself. */
    r = hc_get("/__bengal/live.js");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(hc_header(&r, "Content-Type"), "text/javascript; charset=utf-8");
    size_t jlen;
    const char *js = bf_livereload_script(&jlen);
    cr_assert_eq(r.len, jlen);
    cr_assert_eq(memcmp(r.body, js, jlen), 0);
    hc_free(&r);
    bf_buf_free(&snip);
}

Test(livereload, an_error_puts_the_overlay_into_pages_until_cleared)
{
    hc_puts("public/index.html", "<body>home</body>");
    hc_puts("public/404.html", "<body>lost</body>");
    hc_puts("public/style.css", "body{}");
    hc_start();

    hc_resp_t r = hc_get("/");
    char clean_etag[128];
    snprintf(clean_etag, sizeof clean_etag, "%s", hc_header(&r, "ETag"));
    hc_free(&r);

    const char *msg = "content/a.md:3:7: unknown key \"tittle\" (did you mean \"title\"?)\n"
                      "  <b>bold</b>";
    cr_assert_eq(bf_httpd_set_error(hc_srv, msg), 0);
    bf_buf_t err = snippet(msg);
    char want[8192];
    snprintf(want, sizeof want, "<body>home%s</body>", err.data);
    r = hc_get("/");
    cr_assert_str_eq(r.body, want);
    cr_assert(strstr(r.body, "&lt;b&gt;bold&lt;/b&gt;"));
    /* The page changed, so did its ETag: a cached copy is not "not modified". */
    cr_assert_str_neq(hc_header(&r, "ETag"), clean_etag);
    hc_free(&r);
    char hdr[256];
    snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", clean_etag);
    r = hc_do("GET", "/", hdr);
    cr_assert_eq(r.status, 200, HC_SHOW(r));
    hc_free(&r);
    /* The 404 page too; a stylesheet never. */
    r = hc_get("/missing");
    cr_assert_eq(r.status, 404);
    cr_assert(strstr(r.body, "__bengal-overlay"));
    hc_free(&r);
    r = hc_get("/style.css");
    cr_assert_str_eq(r.body, "body{}");
    hc_free(&r);

    /* Cleared: the page and its ETag are what they were. */
    bf_httpd_clear_error(hc_srv);
    r = hc_do("GET", "/", hdr);
    cr_assert_eq(r.status, 304, HC_SHOW(r));
    hc_free(&r);
    r = hc_get("/");
    cr_assert_null(strstr(r.body, "__bengal-overlay"));
    hc_free(&r);

    /* A reload clears it as well (the site built). */
    cr_assert_eq(bf_httpd_set_error(hc_srv, "x.md:1:1: bad"), 0);
    r = hc_get("/");
    cr_assert(strstr(r.body, "x.md:1:1: bad"));
    hc_free(&r);
    bf_httpd_reload(hc_srv);
    r = hc_get("/");
    cr_assert_null(strstr(r.body, "__bengal-overlay"));
    hc_free(&r);
    bf_buf_free(&err);
}

/* ---- the event stream ---------------------------------------------- */

Test(livereload, the_stream_carries_reload_error_and_clear)
{
    hc_start();
    hc_stream_t *s = malloc(sizeof *s);
    hc_stream_open(s);
    size_t at = 0;
    cr_assert(hc_stream_wait(s, &at, "event: hello\ndata: ", 5000), "%s", s->buf);
    cr_assert(strstr(s->buf, "Content-Type: text/event-stream"), "%s", s->buf);
    cr_assert(strstr(s->buf, "Cache-Control: no-cache"), "%s", s->buf);
    cr_assert(strstr(s->buf, "retry: 1000\n"), "%s", s->buf);

    bf_httpd_reload(hc_srv);
    cr_assert(hc_stream_wait(s, &at, "event: reload\ndata: \n\n", 5000), "%s", s->buf);

    cr_assert_eq(bf_httpd_set_error(hc_srv, "templates/page.html:12:5: unknown filter \"upp\"\n"
                                            "  {{ title | upp }}"),
                 0);
    cr_assert(hc_stream_wait(s, &at,
                             "event: error\n"
                             "data: templates/page.html:12:5: unknown filter \"upp\"\n"
                             "data:   {{ title | upp }}\n\n",
                             5000),
              "%s", s->buf);

    bf_httpd_clear_error(hc_srv);
    cr_assert(hc_stream_wait(s, &at, "event: clear\ndata: \n\n", 5000), "%s", s->buf);
    /* Clearing what is clear sends nothing. */
    bf_httpd_clear_error(hc_srv);
    bf_httpd_reload(hc_srv);
    cr_assert(hc_stream_wait(s, &at, "event: ", 5000));
    cr_assert_eq(strncmp(s->buf + at, "reload", 6), 0, "%s", s->buf + at);

    /* An error then a reload before the stream looks: the reload is news,
     * the error it cleared is not. */
    cr_assert_eq(bf_httpd_set_error(hc_srv, "stale"), 0);
    bf_httpd_reload(hc_srv);
    cr_assert(hc_stream_wait(s, &at, "event: reload", 5000));
    cr_assert_null(strstr(s->buf + at, "stale"));
    close(s->fd);
    free(s);
}

Test(livereload, every_client_gets_the_event_and_new_ones_the_error)
{
    hc_start();
    hc_stream_t *s[3];
    size_t at[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        s[i] = malloc(sizeof *s[i]);
        hc_stream_open(s[i]);
        cr_assert(hc_stream_wait(s[i], &at[i], "event: hello", 5000));
    }
    bf_httpd_reload(hc_srv);
    for (int i = 0; i < 3; i++)
        cr_assert(hc_stream_wait(s[i], &at[i], "event: reload", 5000), "client %d", i);

    /* A client that connects while an error is set hears it at once. */
    cr_assert_eq(bf_httpd_set_error(hc_srv, "a.md:1:1: broken"), 0);
    hc_stream_t *late = malloc(sizeof *late);
    hc_stream_open(late);
    size_t lat = 0;
    cr_assert(hc_stream_wait(late, &lat, "event: hello", 5000));
    cr_assert(hc_stream_wait(late, &lat, "event: error\ndata: a.md:1:1: broken\n\n", 5000), "%s",
              late->buf);

    /* The same boot id for every stream of one server. */
    char id[3][64];
    for (int i = 0; i < 2; i++) {
        const char *d = strstr(i ? late->buf : s[0]->buf, "event: hello\ndata: ") + 19;
        snprintf(id[i], sizeof id[i], "%.*s", (int)strcspn(d, "\n"), d);
    }
    cr_assert_str_eq(id[0], id[1]);
    cr_assert_eq(strlen(id[0]), 16);
    for (int i = 0; i < 3; i++) {
        close(s[i]->fd);
        free(s[i]);
    }
    close(late->fd);
    free(late);
}

Test(livereload, an_idle_stream_gets_heartbeats)
{
    hc_start_opts(150);
    hc_stream_t *s = malloc(sizeof *s);
    hc_stream_open(s);
    size_t at = 0;
    cr_assert(hc_stream_wait(s, &at, "event: hello", 5000));
    for (int i = 0; i < 3; i++)
        cr_assert(hc_stream_wait(s, &at, ": heartbeat\n\n", 3000), "%s", s->buf);
    close(s->fd);
    free(s);
}

Test(livereload, stop_ends_open_streams_and_returns)
{
    hc_puts("public/index.html", "<body>x</body>");
    hc_start();
    hc_stream_t *s = malloc(sizeof *s);
    hc_stream_open(s);
    size_t at = 0;
    cr_assert(hc_stream_wait(s, &at, "event: hello", 5000));
    /* A keep-alive connection left idle as well. */
    int idle = hc_connect();
    hc_send(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bf_httpd_stop(hc_srv);
    hc_srv = NULL;
    cr_assert_lt(hc_ms_since(&t0), 3000, "stop took %ld ms", hc_ms_since(&t0));

    /* The stream sees its end. */
    char buf[4096];
    ssize_t n;
    while ((n = recv(s->fd, buf, sizeof buf, 0)) > 0)
        ;
    cr_assert_eq(n, 0, "the stream was not closed: %s", strerror(errno));
    close(s->fd);
    close(idle);
    free(s);
}
