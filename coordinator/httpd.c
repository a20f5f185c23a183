/*
 * coordinator/httpd.c - the preview server (see httpd.h): libmicrohttpd
 * in a thread per connection, files opened beneath the served directory,
 * the live-reload snippet and event stream of coordinator/livereload.h.
 *
 * Who touches what.  struct bf_httpd is written by bf_httpd_start() before
 * the daemon exists and read-only after, except the fields under mu: the
 * request threads read them (the snippet's state, the event counters), the
 * caller's thread writes them (reload, set_error, clear_error, stop).  A
 * stream_t belongs to the one connection thread that reads its stream.
 * Nothing else is shared: each request opens its own descriptors and
 * closes them (or hands them to libmicrohttpd, which closes them with the
 * response).
 *
 * The request path reaches the handler undecoded (the unescape callback
 * leaves it as it came) so that bf_httpd_url_path() is the one place that
 * decodes it, and sees an encoded NUL instead of a string cut short.
 */
#include "coordinator/httpd.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "coordinator/livereload.h"
#include "shared/buf.h"
#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/log.h"

#define DEFAULT_BIND "127.0.0.1"
#define HEARTBEAT_MS 15000
#define CONNECTION_LIMIT 256u
/* An idle keep-alive connection holds a thread: let it go after a minute.
 * Event streams have no timeout (their heartbeat finds dead peers). */
#define IDLE_TIMEOUT_S 60u
/* HTML is read whole to inject the snippet; a larger page is sent as it
 * is, without live reload. */
#define INJECT_MAX ((size_t)64 << 20)

struct bf_httpd {
    struct MHD_Daemon *daemon;
    char *root; /* absolute path of the served directory */
    uint16_t port;
    unsigned heartbeat_ms;
    char boot[17]; /* hex id of this server, the `hello` event's data */

    pthread_mutex_t mu;  /* guards what follows */
    pthread_cond_t cv;   /* broadcast when gen or stopping changes */
    bool stopping;       /* streams end, no new event is sent */
    uint64_t gen;        /* counts events; each stream knows the last it sent */
    uint64_t reload_gen; /* gen of the last reload */
    uint64_t error_gen;  /* gen of the last error set or cleared */
    char *error;         /* the message shown, NULL when none */
    time_t snippet_time; /* when the injected snippet last changed */
};

/* One event stream: what is formatted but not yet handed to MHD. */
typedef struct {
    bf_httpd_t *h;
    uint64_t seen; /* the gen this stream has told its client about */
    bf_buf_t out;
    size_t off; /* out[0..off) was handed over */
} stream_t;

/* ---- request paths -------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int bf_httpd_url_path(const char *url, size_t n, char *out, size_t cap, bool *dir)
{
    size_t j = 0;
    bool slash = true; /* the last byte decoded was '/' (or none yet) */
    if (cap == 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    out[0] = '\0';
    if (n == 0 || url[0] != '/') {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = url[i];
        if (c == '%') {
            int hi = i + 2 < n ? hex_digit(url[i + 1]) : -1;
            int lo = hi >= 0 ? hex_digit(url[i + 2]) : -1;
            if (lo < 0) {
                errno = EINVAL;
                return -1;
            }
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        /* A '/' is written only once a component follows it: leading,
         * doubled and trailing ones never reach out. */
        bool sep = slash && j > 0;
        slash = c == '/';
        if (slash)
            continue;
        if (j + sep + 1 >= cap || j + sep + 1 >= BF_PATH_MAX) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (sep)
            out[j++] = '/';
        out[j++] = c;
        out[j] = '\0';
    }
    *dir = slash;
    /* The rule of every site-relative path: no NUL, backslash, ".", ".." */
    return j == 0 ? 0 : bf_path_check(out, j, NULL);
}

/* ---- responses ------------------------------------------------------ */

static const struct {
    const char *ext, *type;
} mime_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"xml", "application/xml"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"zst", "application/zstd"},
    {"gz", "application/gzip"},
    {"zip", "application/zip"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"mp3", "audio/mpeg"},
};

/* Content-Type by the extension of path's last component. */
static const char *mime_type(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot = strrchr(base ? base : path, '.');
    for (size_t i = 0; dot && i < sizeof mime_types / sizeof mime_types[0]; i++)
        if (strcasecmp(dot + 1, mime_types[i].ext) == 0)
            return mime_types[i].type;
    return "application/octet-stream";
}

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), whatever the locale. */
static void http_date(time_t t, char out[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The IMF-fixdate form only (what browsers send back); -1 for others, so
 * that an odd If-Modified-Since means "send it all". */
static int parse_http_date(const char *s, time_t *t)
{
    struct tm tm = {0};
    char mon[4];
    int end = 0;
    const char *comma = strchr(s, ',');
    if (!comma ||
        sscanf(comma + 1, " %2d %3s %4d %2d:%2d:%2d GMT%n", &tm.tm_mday, mon, &tm.tm_year,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &end) != 6 ||
        end == 0)
        return -1;
    tm.tm_mon = -1;
    for (int i = 0; i < 12; i++)
        if (strcmp(mon, months[i]) == 0)
            tm.tm_mon = i;
    if (tm.tm_mon < 0)
        return -1;
    tm.tm_year -= 1900;
    *t = timegm(&tm);
    return *t == (time_t)-1 ? -1 : 0;
}

/* Whether If-None-Match's list (or "*") names etag; weak forms compare
 * equal to strong ones, as RFC 9110 has it for GET. */
static bool etag_listed(const char *list, const char *etag)
{
    size_t n = strlen(etag);
    for (const char *p = list; *p;) {
        p += strspn(p, " \t,");
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        size_t len = strcspn(p, ",");
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == n && memcmp(p, etag, n) == 0)
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

static bool not_modified(struct MHD_Connection *c, const char *etag, time_t mtime)
{
    const char *inm =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm)
        return etag_listed(inm, etag);
    const char *ims =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
    time_t since;
    return ims && parse_http_date(ims, &since) == 0 && mtime <= since;
}

static struct MHD_Response *text_response(const char *text);

/* Queues resp and drops our reference: MHD keeps its own until the
 * response is sent.  resp NULL (memory ran out, a file could not be
 * read) is a 500, or a closed connection when even that cannot be made. */
static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *resp)
{
    if (!resp) {
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        resp = text_response("500 internal server error\n");
        if (!resp)
            return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    enum MHD_Result ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static struct MHD_Response *text_response(const char *text)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (resp)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    return resp;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    return queue(c, status, text_response(text));
}

/* ---- files ---------------------------------------------------------- */

/* One request for a file of the site: the served directory as this
 * request opened it, so that all it reads comes from one tree. */
typedef struct {
    bf_httpd_t *h;
    struct MHD_Connection *c;
    int root;
} req_t;

/* The snippet as it stands, and when it last changed, read under the lock
 * once per response: its ETag, Last-Modified and body agree. */
static int snippet_now(bf_httpd_t *h, bf_buf_t *out, time_t *changed)
{
    pthread_mutex_lock(&h->mu);
    int rc = bf_livereload_snippet(out, h->error);
    *changed = h->snippet_time;
    pthread_mutex_unlock(&h->mu);
    return rc;
}

/* The HTML page of fd with the snippet in it, as a response. */
static struct MHD_Response *html_response(int fd, const bf_buf_t *snippet)
{
    bf_buf_t page = BF_BUF_INIT, body = BF_BUF_INIT;
    if (bf_fs_read_fd(fd, INJECT_MAX, &page) < 0)
        return NULL;
    size_t at = bf_livereload_insert_at(page.data ? page.data : "", page.len);
    struct MHD_Response *resp = NULL;
    if (bf_buf_grow(&body, page.len + snippet->len) == 0 &&
        bf_buf_append(&body, page.data, at) == 0 &&
        bf_buf_append(&body, snippet->data, snippet->len) == 0 &&
        bf_buf_append(&body, page.data + at, page.len - at) == 0) {
        size_t len;
        char *data = bf_buf_detach(&body, &len);
        resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
        if (!resp)
            free(data);
    }
    bf_buf_free(&page);
    bf_buf_free(&body);
    return resp;
}

/* Serves the regular file fd (taken: closed or handed to MHD) named path,
 * with status 200 (conditional) or 404 (the site's 404.html). */
static enum MHD_Result serve_file(req_t *r, int fd, const struct stat *st, const char *path,
                                  unsigned status)
{
    const char *type = mime_type(path);
    bool html = strncmp(type, "text/html", 9) == 0 && (uint64_t)st->st_size <= INJECT_MAX;
    bf_buf_t snippet = BF_BUF_INIT;
    time_t modified = st->st_mtime, changed;
    struct MHD_Response *resp = NULL;

    if (html) {
        if (snippet_now(r->h, &snippet, &changed) < 0)
            goto done;
        if (changed > modified)
            modified = changed;
    }
    /* The file's identity (a changed file is a new inode: the writer never
     * writes in place), and for HTML the snippet it carries. */
    char etag[96], date[32];
    snprintf(etag, sizeof etag, "\"%llx-%llx-%llx-%llx\"", (unsigned long long)st->st_ino,
             (unsigned long long)st->st_size,
             (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
                 (unsigned long long)st->st_mtim.tv_nsec,
             html ? (unsigned long long)bf_hash64(snippet.data, snippet.len) : 0ull);
    http_date(modified, date);

    if (status == MHD_HTTP_OK && not_modified(r->c, etag, modified)) {
        status = MHD_HTTP_NOT_MODIFIED;
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else if (html) {
        resp = html_response(fd, &snippet);
        fd = -1; /* bf_fs_read_fd closed it */
    } else if (st->st_size == 0) {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_fd64((uint64_t)st->st_size, fd);
        if (resp)
            fd = -1; /* MHD closes it with the response */
    }
    if (resp && status != MHD_HTTP_NOT_MODIFIED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (resp && status != MHD_HTTP_NOT_FOUND) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED, date);
    }
done:
    if (fd >= 0)
        close(fd);
    bf_buf_free(&snippet);
    return queue(r->c, status, resp);
}

/* Opens rel beneath the request's root, readable, without blocking on a
 * FIFO; fills st.  -1 with errno as bf_fs_open_beneath. */
static int open_file(req_t *r, const char *rel, struct stat *st)
{
    int fd = bf_fs_open_beneath(r->root, rel, O_RDONLY | O_NONBLOCK, 0);
    if (fd >= 0 && fstat(fd, st) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static bool missing(int err)
{
    return err == ENOENT || err == ENOTDIR || err == EXDEV || err == ELOOP || err == EACCES ||
           err == ENAMETOOLONG || err == EINVAL || err == ENXIO;
}

/* The site's 404.html with status 404, or a plain one. */
static enum MHD_Result not_found(req_t *r)
{
    struct stat st;
    int fd = open_file(r, "404.html", &st);
    if (fd >= 0 && S_ISREG(st.st_mode))
        return serve_file(r, fd, &st, "404.html", MHD_HTTP_NOT_FOUND);
    if (fd >= 0)
        close(fd);
    return reply_text(r->c, MHD_HTTP_NOT_FOUND, "404 page not found\n");
}

/* Appends one query argument, as it came (the unescape callback left it
 * encoded), to the redirect's location. */
static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    bf_buf_t *loc = cls;
    bool first = strchr(loc->data, '?') == NULL;
    int rc = bf_buf_printf(loc, "%c%s%s%s", first ? '?' : '&', key, value ? "=" : "",
                           value ? value : "");
    return rc == 0 ? MHD_YES : MHD_NO;
}

/* "/dir" names a directory: 301 to "/dir/", as nginx does, so that the
 * page's relative links resolve beneath it. */
static enum MHD_Result redirect_slash(req_t *r, const char *url)
{
    bf_buf_t loc = BF_BUF_INIT;
    struct MHD_Response *resp = NULL;
    if (bf_buf_printf(&loc, "%s/", url) == 0) {
        MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, add_arg, &loc);
        resp = text_response("301 moved permanently\n");
    }
    if (resp)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, loc.data);
    bf_buf_free(&loc);
    return queue(r->c, MHD_HTTP_MOVED_PERMANENTLY, resp);
}

static enum MHD_Result serve_path(req_t *r, const char *url, const char *path, bool dir)
{
    struct stat st;
    char index[BF_PATH_MAX];
    int fd = open_file(r, path, &st);
    if (fd >= 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        if (!dir)
            return redirect_slash(r, url);
        if (bf_path_join(index, sizeof index, path, "index.html") < 0)
            return not_found(r);
        path = index;
        fd = open_file(r, path, &st);
    } else if (fd >= 0 && dir) {
        close(fd); /* "/a.html/" */
        return not_found(r);
    }
    if (fd < 0)
        return missing(errno) ? not_found(r) : queue(r->c, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    if (!S_ISREG(st.st_mode)) {
        close(fd); /* a FIFO, a socket, a device */
        return not_found(r);
    }
    return serve_file(r, fd, &st, path, MHD_HTTP_OK);
}

/* ---- the event stream ----------------------------------------------- */

/* Formats what happened since the stream's last look; under mu. */
static int stream_events(bf_httpd_t *h, stream_t *s)
{
    int rc = 0;
    if (h->reload_gen > s->seen)
        rc = bf_livereload_event(&s->out, "reload", NULL);
    /* A reload clears the error; one set (or cleared) after it is news. */
    if (rc == 0 && h->error_gen > s->seen && h->error_gen > h->reload_gen)
        rc = bf_livereload_event(&s->out, h->error ? "error" : "clear", h->error);
    s->seen = h->gen;
    return rc;
}

/* Waits for an event, or the heartbeat's time; -1 when the server stops
 * (or memory ran out): the stream ends. */
static int stream_wait(stream_t *s)
{
    bf_httpd_t *h = s->h;
    struct timespec beat;
    clock_gettime(CLOCK_MONOTONIC, &beat);
    beat.tv_sec += (time_t)(h->heartbeat_ms / 1000);
    beat.tv_nsec += (long)(h->heartbeat_ms % 1000) * 1000000L;
    if (beat.tv_nsec >= 1000000000L) {
        beat.tv_sec++;
        beat.tv_nsec -= 1000000000L;
    }
    bf_buf_reset(&s->out);
    s->off = 0;

    int rc = 0;
    pthread_mutex_lock(&h->mu);
    while (!h->stopping && s->seen == h->gen && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&h->cv, &h->mu, &beat);
    if (h->stopping)
        rc = -1;
    else if (s->seen != h->gen)
        rc = stream_events(h, s);
    else
        rc = bf_buf_puts(&s->out, ": heartbeat\n\n");
    pthread_mutex_unlock(&h->mu);
    return rc;
}

/* MHD's content reader: runs in the connection's own thread, so it may
 * block until there is something to send. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream_t *s = cls;
    if (s->off == s->out.len && stream_wait(s) < 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = s->out.len - s->off < max ? s->out.len - s->off : max;
    memcpy(buf, s->out.data + s->off, n);
    s->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    stream_t *s = cls;
    bf_buf_free(&s->out);
    free(s);
}

static enum MHD_Result serve_events(bf_httpd_t *h, struct MHD_Connection *c)
{
    stream_t *s = calloc(1, sizeof *s);
    if (!s)
        return MHD_NO;
    s->h = h;
    pthread_mutex_lock(&h->mu);
    s->seen = h->gen;
    int rc = bf_buf_puts(&s->out, "retry: 1000\n");
    if (rc == 0)
        rc = bf_livereload_event(&s->out, "hello", h->boot);
    if (rc == 0 && h->error)
        rc = bf_livereload_event(&s->out, "error", h->error);
    pthread_mutex_unlock(&h->mu);

    struct MHD_Response *resp =
        rc == 0
            ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, s, stream_free)
            : NULL;
    if (!resp) {
        stream_free(s);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
    return queue(c, MHD_HTTP_OK, resp);
}

static enum MHD_Result serve_script(struct MHD_Connection *c)
{
    size_t len;
    const char *js = bf_livereload_script(&len);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)js, MHD_RESPMEM_PERSISTENT);
    if (resp)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "text/javascript; charset=utf-8");
    return queue(c, MHD_HTTP_OK, resp);
}

/* ---- the daemon ----------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    bf_httpd_t *h = cls;
    /* The first call comes with the headers; answering then makes MHD
     * close the connection (a body might follow).  Answer on the next. */
    if (*con_cls == NULL) {
        *con_cls = h;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        *upload_size = 0; /* a body nobody asked for: read and dropped */
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        struct MHD_Response *resp = text_response("405 method not allowed\n");
        if (resp)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        return queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
    }
    if (strcmp(url, BF_LIVERELOAD_EVENTS) == 0)
        return serve_events(h, c);
    if (strcmp(url, BF_LIVERELOAD_SCRIPT) == 0)
        return serve_script(c);

    char path[BF_PATH_MAX];
    bool dir;
    if (bf_httpd_url_path(url, strlen(url), path, sizeof path, &dir) < 0)
        return reply_text(c, MHD_HTTP_BAD_REQUEST, "400 bad request path\n");
    req_t r = {.h = h, .c = c};
    r.root = open(h->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r.root < 0)
        return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "503 the site is not built yet\n");
    enum MHD_Result ret = serve_path(&r, url, path, dir);
    close(r.root);
    return ret;
}

/* MHD decodes the path before the handler sees it unless told otherwise;
 * bf_httpd_url_path() does it instead (see the top of the file). */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    return strlen(s);
}

/* A listening socket on bind:port, close-on-exec; its port in *bound. */
static int listen_on(const char *bind_addr, uint16_t port, uint16_t *bound)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *list = NULL;
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    int gai = getaddrinfo(bind_addr, service, &hints, &list);
    if (gai != 0) {
        bf_log_error("cannot listen on \"%s\": %s", bind_addr, gai_strerror(gai));
        return -1;
    }
    int fd = -1, err = 0, one = 1;
    for (struct addrinfo *a = list; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
                        bind(fd, a->ai_addr, a->ai_addrlen) < 0 || listen(fd, 64) < 0)) {
            err = errno;
            close(fd);
            fd = -1;
        } else if (fd < 0) {
            err = errno;
        }
    }
    freeaddrinfo(list);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (fd >= 0 && getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
        err = errno;
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        bool v6 = strchr(bind_addr, ':') != NULL;
        bf_log_error("cannot listen on %s%s%s:%u: %s", v6 ? "[" : "", bind_addr, v6 ? "]" : "",
                     (unsigned)port, strerror(err));
        return -1;
    }
    *bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                            : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* The root as an absolute path: the coordinator may change directory. */
static char *absolute(const char *root)
{
    bf_buf_t b = BF_BUF_INIT;
    char cwd[BF_PATH_MAX];
    if (root[0] != '/' && !getcwd(cwd, sizeof cwd))
        return NULL;
    if (bf_buf_printf(&b, "%s%s%s", root[0] == '/' ? "" : cwd, root[0] == '/' ? "" : "/", root) < 0)
        return NULL;
    return bf_buf_detach(&b, NULL);
}

static void free_httpd(bf_httpd_t *h)
{
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h->error);
    free(h->root);
    free(h);
}

bf_httpd_t *bf_httpd_start(const bf_httpd_opts_t *opts)
{
    const char *bind_addr = opts->bind ? opts->bind : DEFAULT_BIND;
    bf_httpd_t *h = calloc(1, sizeof *h);
    if (!h) {
        bf_log_error("cannot start the server: %s", strerror(errno));
        return NULL;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* heartbeats ignore clock changes */
    pthread_cond_init(&h->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&h->mu, NULL);
    h->heartbeat_ms = opts->heartbeat_ms ? opts->heartbeat_ms : HEARTBEAT_MS;
    h->root = absolute(opts->root);
    if (!h->root) {
        bf_log_error("cannot serve \"%s\": %s", opts->root, strerror(errno));
        goto fail;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct {
        struct timespec t;
        pid_t pid;
        const void *self;
    } seed = {now, getpid(), h};
    snprintf(h->boot, sizeof h->boot, "%016llx", (unsigned long long)bf_hash64(&seed, sizeof seed));

    int fd = listen_on(bind_addr, opts->port, &h->port);
    if (fd < 0)
        goto fail;
    /* MHD's threads inherit this mask: signals stay with the caller's
     * thread, the one with the handlers and the rebuild loop. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    h->daemon = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
        NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_UNESCAPE_CALLBACK,
        keep_escaped, NULL, MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S, MHD_OPTION_END);
    int err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!h->daemon) {
        /* Some versions close a socket they were given when they fail,
         * some do not; no other thread opens descriptors at start. */
        if (fcntl(fd, F_GETFD) >= 0)
            close(fd);
        bf_log_error("cannot start the server on port %u: %s", (unsigned)h->port,
                     strerror(err ? err : EINVAL));
        goto fail;
    }
    return h;

fail:
    free_httpd(h);
    return NULL;
}

uint16_t bf_httpd_port(const bf_httpd_t *h)
{
    return h->port;
}

void bf_httpd_reload(bf_httpd_t *h)
{
    pthread_mutex_lock(&h->mu);
    h->reload_gen = ++h->gen;
    if (h->error) {
        free(h->error);
        h->error = NULL;
        h->snippet_time = time(NULL);
    }
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

/* Replaces the error (NULL: clears it) and wakes the streams; under mu. */
static void change_error(bf_httpd_t *h, char *msg)
{
    free(h->error);
    h->error = msg;
    h->error_gen = ++h->gen;
    h->snippet_time = time(NULL);
    pthread_cond_broadcast(&h->cv);
}

int bf_httpd_set_error(bf_httpd_t *h, const char *msg)
{
    char *copy = strdup(msg);
    if (!copy)
        return -1;
    pthread_mutex_lock(&h->mu);
    change_error(h, copy);
    pthread_mutex_unlock(&h->mu);
    return 0;
}

void bf_httpd_clear_error(bf_httpd_t *h)
{
    pthread_mutex_lock(&h->mu);
    if (h->error)
        change_error(h, NULL);
    pthread_mutex_unlock(&h->mu);
}

void bf_httpd_stop(bf_httpd_t *h)
{
    if (!h)
        return;
    /* Streams waiting for an event wake up and end; then MHD closes the
     * connections and joins its threads. */
    pthread_mutex_lock(&h->mu);
    h->stopping = true;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    MHD_stop_daemon(h->daemon);
    free_httpd(h);
}
