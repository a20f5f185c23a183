/*
 * coordinator/serve.c - build, serve, watch, rebuild (see serve.h).
 */
#include "coordinator/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coordinator/cli.h"
#include "coordinator/httpd.h"
#include "coordinator/watch.h"
#include "shared/buf.h"
#include "shared/log.h"

#define DEFAULT_PORT 1313
#define OVERLAY_LINES 20

/* ---- stderr through a pipe while a build runs ---- */

typedef struct {
    int rd;          /* the pipe's read end */
    int saved;       /* the real stderr */
    bf_buf_t text;   /* everything the build wrote there */
    pthread_t thread;
} tee_t;

static void *tee_main(void *arg)
{
    tee_t *t = arg;
    char buf[4096];
    for (;;) {
        ssize_t n = read(t->rd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t off = 0; off < n;) { /* the terminal sees it as it comes */
            ssize_t k = write(t->saved, buf + off, (size_t)(n - off));
            if (k <= 0 && errno != EINTR)
                break;
            off += k > 0 ? k : 0;
        }
        if (t->text.len < (1u << 20)) /* enough for an overlay */
            bf_buf_append(&t->text, buf, (size_t)n);
    }
    return NULL;
}

/* From now on fd 2 of this process and of the build's children is a pipe
 * that a thread copies to the real stderr and keeps.  -1: not teed. */
static int tee_start(tee_t *t)
{
    int p[2];
    memset(t, 0, sizeof *t);
    fflush(stderr);
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    t->rd = p[0];
    t->saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (t->saved < 0 || dup2(p[1], 2) < 0) {
        close(p[0]);
        close(p[1]);
        if (t->saved >= 0)
            close(t->saved);
        return -1;
    }
    close(p[1]);
    if (pthread_create(&t->thread, NULL, tee_main, t) != 0) {
        dup2(t->saved, 2);
        close(t->saved);
        close(t->rd);
        return -1;
    }
    return 0;
}

/* The real stderr back; once the build's processes have ended, the pipe
 * has no writer left and the thread sees its end. */
static void tee_stop(tee_t *t)
{
    fflush(stderr);
    dup2(t->saved, 2);
    pthread_join(t->thread, NULL);
    close(t->saved);
    close(t->rd);
}

/* The overlay's text: the error lines the build wrote (at most
 * OVERLAY_LINES), or a line that says it failed. */
static void error_text(const bf_buf_t *all, int status, bf_buf_t *out)
{
    size_t lines = 0;
    for (const char *p = all->data; p && p < all->data + all->len && lines < OVERLAY_LINES;) {
        const char *nl = memchr(p, '\n', (size_t)(all->data + all->len - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(all->data + all->len - p);
        if (memmem(p, n, ": error: ", 9)) {
            bf_buf_append(out, p, n);
            bf_buf_putc(out, '\n');
            lines++;
        }
        p += n + 1;
    }
    if (!lines)
        bf_buf_printf(out, "the build failed (exit status %d); see the terminal\n", status);
}

/* ---- the loop ---- */

typedef struct {
    bf_serve_opts_t *o;
    bf_httpd_t *h;
} serve_t;

/* One build, its outcome sent to the open pages.  false when a signal
 * stopped it (time to go). */
static bool build_once(serve_t *sv)
{
    tee_t tee;
    bf_build_result_t res;
    bool teed = tee_start(&tee) == 0;
    int status = bf_build_run(&sv->o->build, &res);
    if (teed)
        tee_stop(&tee);
    if (bf_ctx.stop_signal) {
        if (teed)
            bf_buf_free(&tee.text);
        return false;
    }
    if (status == BF_EXIT_OK) {
        bf_httpd_clear_error(sv->h);
        if (!res.nothing_changed)
            bf_httpd_reload(sv->h);
    } else {
        bf_buf_t msg = BF_BUF_INIT;
        error_text(teed ? &tee.text : &msg, status, &msg);
        bf_httpd_set_error(sv->h, msg.data ? msg.data : "the build failed");
        bf_buf_free(&msg);
        bf_log_warn("the last good site is still served; fix the error and save");
    }
    /* The summary line only now, after the reload was announced: a client
     * that reads it and then opens the event stream must not be sent the
     * reload of the build it has already seen (it was, now and then, under
     * load: a reload with nothing new, taken for the next edit's).  On a
     * terminal, stdout is line-buffered and the line is out already. */
    fflush(stdout);
    if (teed)
        bf_buf_free(&tee.text);
    return true;
}

static void on_signal(int sig)
{
    int e = errno;
    bf_ctx.stop_signal = sig;
    if (bf_ctx.wake_fd >= 0 && write(bf_ctx.wake_fd, "x", 1) < 0) { /* EINTR wakes it too */ }
    errno = e;
}

/* path relative to the site directory when it is inside it, else NULL. */
static const char *inside(const char *site, const char *path, char *buf, size_t cap)
{
    size_t n = strlen(site);
    while (n > 1 && site[n - 1] == '/')
        n--;
    if (strcmp(site, ".") == 0 && path[0] != '/' && strncmp(path, "../", 3) != 0)
        return snprintf(buf, cap, "%s", path[0] == '.' && path[1] == '/' ? path + 2 : path) <
                       (int)cap ? buf : NULL;
    if (strncmp(path, site, n) != 0 || path[n] != '/')
        return NULL;
    return snprintf(buf, cap, "%s", path + n + 1) < (int)cap ? buf : NULL;
}

int bf_serve_run(bf_serve_opts_t *o)
{
    bf_site_opts_t *so = &o->build.site;
    char out[PATH_MAX], baseurl[300], rel[PATH_MAX], rel_staging[PATH_MAX + 8];
    if (!o->build.output) {
        /* never the site's published output (a preview has drafts and a
         * localhost baseurl), nor the state directory (a build refuses to
         * publish into it) */
        snprintf(out, sizeof out, "%s/.bengal-serve", so->site_dir);
        o->build.output = out;
    }
    so->state_sub = "serve"; /* caches of its own: see state.c */
    bf_httpd_opts_t ho = {.root = o->build.output, .bind = o->bind,
                          .port = o->port_set ? o->port : DEFAULT_PORT};
    bf_httpd_t *h = bf_httpd_start(&ho);
    if (!h)
        return BF_EXIT_USAGE; /* reported: the port is taken, say */
    const char *host = o->bind && strcmp(o->bind, "0.0.0.0") != 0 && strcmp(o->bind, "::") != 0
                           ? o->bind
                           : "127.0.0.1";
    bool v6 = strchr(host, ':') != NULL;
    snprintf(baseurl, sizeof baseurl, "http://%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "",
             (unsigned)bf_httpd_port(h));
    if (!so->baseurl)
        so->baseurl = baseurl;
    printf("serving %s on %s/ (environment %s; Ctrl+C to stop)\n", so->site_dir, baseurl,
           so->environment);
    fflush(stdout);

    int p[2] = {-1, -1};
    int rc = BF_EXIT_INTERNAL;
    bf_watch_t *w = NULL;
    int site_fd = open(so->site_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (site_fd < 0) {
        bf_log_at(BF_LOG_ERROR, so->site_dir, 0, 0, "cannot open site: %s", strerror(errno));
        rc = BF_EXIT_CONTENT;
        goto done;
    }
    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
        bf_log_error("cannot make a pipe: %s", strerror(errno));
        goto done;
    }
    bf_ctx.wake_fd = p[1];
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    o->build.no_progress = true; /* stderr is a pipe while building */

    serve_t sv = {o, h};
    const char *ex[2];
    size_t n_ex = 0;
    if (inside(so->site_dir, o->build.output, rel, sizeof rel)) {
        snprintf(rel_staging, sizeof rel_staging, "%s.staging", rel);
        ex[n_ex++] = rel;
        ex[n_ex++] = rel_staging;
    }
    /* Watching before the first build: a save while it runs, or just
     * after, rebuilds (watched only once it was done, such a save was
     * lost, and the site served without it until the next one).  An
     * editor's save is a burst of a few ms: 50 ms of quiet ends it. */
    bf_watch_opts_t wo = {.exclude = ex, .n_exclude = n_ex, .settle_ms = 50,
                          .site_dir = so->site_dir};
    if (!(w = bf_watch_open(site_fd, &wo)))
        goto done;
    if (!build_once(&sv)) {
        rc = BF_EXIT_OK;
        goto done;
    }
    for (;;) {
        bf_watch_changes_t ch;
        bf_watch_status_t st = bf_watch_wait(w, -1, p[0], &ch);
        if (bf_ctx.stop_signal || st == BF_WATCH_INTERRUPTED)
            break;
        if (st != BF_WATCH_CHANGED)
            continue;
        if (bf_ctx.log_level < BF_LOG_ERROR)
            printf("changed: %s%s\n", ch.overflow ? "(many files)" : ch.n ? ch.paths[0] : "?",
                   ch.n > 1 ? " and more" : "");
        fflush(stdout);
        if (!build_once(&sv))
            break;
    }
    rc = BF_EXIT_OK;
done:
    if (bf_ctx.stop_signal && bf_ctx.log_level < BF_LOG_ERROR)
        printf("stopped\n");
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    bf_ctx.wake_fd = -1;
    bf_watch_free(w);
    bf_httpd_stop(h);
    if (p[0] >= 0) {
        close(p[0]);
        close(p[1]);
    }
    if (site_fd >= 0)
        close(site_fd);
    return rc;
}
