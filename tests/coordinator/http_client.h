/*
 * tests/coordinator/http_client.h - a tiny HTTP/1.1 client over plain
 * sockets, and a served directory, for the tests of coordinator/httpd.
 *
 * hc_setup() makes a fresh temporary directory ROOT with ROOT/public (what
 * the server serves) and ROOT/outside (what it must never show);
 * hc_start() starts bf_httpd on 127.0.0.1, port 0, over ROOT/public.
 * hc_request() sends raw bytes (so that a test can send what no well-behaved
 * client would: "..", %00, backslashes), reads the response to EOF
 * (requests say "Connection: close"), and splits it into status, headers
 * and body, undoing chunked transfer coding.  Every socket has a 10 s
 * receive timeout: a server that hangs fails the test instead of blocking
 * it.  Header-only with static state: every test file is its own binary
 * and criterion runs each test in its own process.
 */
#ifndef BF_TESTS_HTTP_CLIENT_H
#define BF_TESTS_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "coordinator/httpd.h"

static char hc_root[64];
static bf_httpd_t *hc_srv;

static inline char *hc_path(const char *rel)
{
    static char buf[4][512];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 512, "%s/%s", hc_root, rel);
    return p;
}

/* Writes ROOT/rel with n bytes of data (creating directories). */
static inline void hc_put(const char *rel, const void *data, size_t n)
{
    char cmd[700];
    char *path = hc_path(rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    cr_assert_eq(system(cmd), 0);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static inline void hc_puts(const char *rel, const char *text)
{
    hc_put(rel, text, strlen(text));
}

static inline void hc_setup(void)
{
    strcpy(hc_root, "/tmp/bf-httpd-test-XXXXXX");
    cr_assert_not_null(mkdtemp(hc_root));
    cr_assert_eq(mkdir(hc_path("public"), 0755), 0);
    hc_puts("outside/secret.txt", "TOP SECRET\n");
}

static inline void hc_teardown(void)
{
    bf_httpd_stop(hc_srv);
    hc_srv = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", hc_root);
    (void)system(cmd);
}

static inline void hc_start_opts(unsigned heartbeat_ms)
{
    bf_httpd_opts_t o = {.root = hc_path("public"), .heartbeat_ms = heartbeat_ms};
    hc_srv = bf_httpd_start(&o);
    cr_assert_not_null(hc_srv);
    cr_assert_neq(bf_httpd_port(hc_srv), 0);
}

static inline void hc_start(void)
{
    hc_start_opts(0);
}

static inline int hc_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(fd, 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(bf_httpd_port(hc_srv))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0, "connect: %s", strerror(errno));
    return fd;
}

static inline void hc_send(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        cr_assert_gt(w, 0, "send: %s", strerror(errno));
        s += w;
        n -= (size_t)w;
    }
}

typedef struct {
    int status;
    char *head; /* the status line and headers, NUL-terminated */
    char *body; /* malloc'd, NUL-terminated (may hold NULs) */
    size_t len;
} hc_resp_t;

static inline void hc_free(hc_resp_t *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* The value of header name (copied into a static buffer), or NULL. */
static inline const char *hc_header(const hc_resp_t *r, const char *name)
{
    static char val[4][1024];
    static int k;
    size_t n = strlen(name);
    for (const char *p = strstr(r->head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            v += strspn(v, " ");
            char *out = val[k++ % 4];
            size_t len = strcspn(v, "\r");
            snprintf(out, sizeof val[0], "%.*s", (int)len, v);
            return out;
        }
    }
    return NULL;
}

/* Undoes chunked transfer coding in place. */
static inline void hc_dechunk(hc_resp_t *r)
{
    char *in = r->body, *end = r->body + r->len, *out = r->body;
    while (in < end) {
        char *stop;
        unsigned long n = strtoul(in, &stop, 16);
        char *data = strstr(stop, "\r\n");
        cr_assert_not_null(data, "bad chunk");
        data += 2;
        if (n == 0)
            break;
        cr_assert_leq(data + n, end, "chunk past the end");
        memmove(out, data, n);
        out += n;
        in = data + n + 2;
    }
    r->len = (size_t)(out - r->body);
    r->body[r->len] = '\0';
}

/* Sends raw, reads the whole response. */
static inline hc_resp_t hc_request(const char *raw)
{
    int fd = hc_connect();
    hc_send(fd, raw);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    cr_assert_not_null(buf);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            cr_assert_not_null(buf);
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        cr_assert_geq(n, 0, "recv: %s", strerror(errno));
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    char *sep = strstr(buf, "\r\n\r\n");
    cr_assert_not_null(sep, "no end of headers in %s", buf);
    hc_resp_t r = {0};
    size_t hlen = (size_t)(sep - buf) + 2;
    r.head = strndup(buf, hlen);
    r.len = len - hlen - 2;
    r.body = malloc(r.len + 1);
    memcpy(r.body, sep + 4, r.len);
    r.body[r.len] = '\0';
    free(buf);
    cr_assert_eq(sscanf(r.head, "HTTP/1.%*d %d", &r.status), 1, "%s", r.head);
    const char *te = hc_header(&r, "Transfer-Encoding");
    if (te && strcasecmp(te, "chunked") == 0)
        hc_dechunk(&r);
    return r;
}

/* METHOD target with extra header lines (each ending in \r\n, or ""). */
static inline hc_resp_t hc_do(const char *method, const char *target, const char *extra)
{
    char req[8192];
    snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s\r\n",
             method, target, extra ? extra : "");
    return hc_request(req);
}

static inline hc_resp_t hc_get(const char *target)
{
    return hc_do("GET", target, NULL);
}

/* A status line, a header and a body length that a test can print. */
#define HC_SHOW(r) "status %d, %zu bytes:\n%s\n%.300s", (r).status, (r).len, (r).head, (r).body

/* An open event stream: what arrived so far (chunk framing included). */
typedef struct {
    int fd;
    char buf[1 << 16];
    size_t len;
} hc_stream_t;

static inline void hc_stream_open(hc_stream_t *s)
{
    s->fd = hc_connect();
    s->len = 0;
    s->buf[0] = '\0';
    hc_send(s->fd, "GET /__bengal/events HTTP/1.1\r\nHost: localhost\r\n"
                   "Accept: text/event-stream\r\n\r\n");
}

static inline long hc_ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Reads until needle has arrived after offset *from (then *from moves past
 * it) or ms have passed; whether it arrived.  A closed stream ends the
 * wait too. */
static inline bool hc_stream_wait(hc_stream_t *s, size_t *from, const char *needle, int ms)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        char *hit = strstr(s->buf + *from, needle);
        if (hit) {
            *from = (size_t)(hit - s->buf) + strlen(needle);
            return true;
        }
        long left = ms - hc_ms_since(&t0);
        if (left <= 0 || s->len + 1 >= sizeof s->buf)
            return false;
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t n = recv(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len, 0);
        if (n <= 0)
            return false;
        s->len += (size_t)n;
        s->buf[s->len] = '\0';
    }
}

#endif
