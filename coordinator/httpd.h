/*
 * coordinator/httpd.h - the preview server of `bengal-farm serve`: a
 * built site over HTTP, with live reload.  The one adapter for
 * libmicrohttpd; no type of it appears here.
 *
 * What it serves.  GET and HEAD (anything else: 405) of the files under
 * one directory, the published output, named by path at start:
 *
 *   - A request path is percent-decoded and cleaned by bf_httpd_url_path()
 *     below; one that would leave the directory ("..", encoded or not), or
 *     holds a NUL or a backslash, or a bad escape, is 400.  Files are then
 *     opened beneath the directory with shared/fs.h's bf_fs_open_beneath():
 *     a symlink that leads out of it (or is absolute) is 404, whatever it
 *     points at.
 *   - "/" and "/dir/" serve dir/index.html; "/dir" (a directory without the
 *     slash) is a 301 to "/dir/" (the query kept), as nginx and `hugo
 *     server` do.  A path that names nothing (or a directory without
 *     index.html, or a FIFO, ...) gets the site's 404.html with status 404,
 *     or a plain-text 404 when the site has none.
 *   - Content-Type from the extension (html, css, js, json, xml, svg, png,
 *     jpg, gif, webp, ico, woff2, txt, wasm, map, pdf, ...; application/zstd
 *     for .zst: a precompressed output is served as the file it is, never
 *     as a Content-Encoding), application/octet-stream otherwise.
 *   - Cache-Control: no-cache (a preview: the browser revalidates every
 *     time), an ETag (inode, size and mtime of the file, plus the state of
 *     the injected snippet for HTML) and Last-Modified; If-None-Match (which
 *     wins when both are sent) and If-Modified-Since answer 304.
 *   - Two paths are the server's own (coordinator/livereload.h):
 *     /__bengal/live.js, the script, and /__bengal/events, a Server-Sent
 *     Events stream (text/event-stream) that stays open, with a comment line
 *     every heartbeat (15 s) so that proxies and dead peers are noticed.
 *   - Every text/html response (pages, index.html, 404.html) gets the
 *     live-reload snippet just before its last "</body" (at the end when
 *     there is none), with Content-Length and ETag to match; while an error
 *     is set the snippet carries the overlay with the message (a page over
 *     64 MiB is sent as it is).  Files on disk are never changed, and no
 *     other response is touched.
 *
 * Swaps.  The build publishes by renameat2(RENAME_EXCHANGE) of the output
 * with its staging directory, under the running server.  Each request opens
 * the directory by path once, and everything it reads (the file, the
 * index.html, the 404.html) is opened beneath that one descriptor, so a
 * response is wholly the old tree or wholly the new one.  Files are sent
 * from their open descriptor (HTML is read whole first, to inject): the
 * writer never changes a published file in place (writer.h), so what was
 * opened is what is sent.  Until the directory exists, requests get 503.
 *
 * Threads.  libmicrohttpd runs in threads of its own: one that accepts, and
 * one per connection (so an event stream can wait on a condition variable
 * without holding up other clients).  bf_httpd_start() returns at once;
 * the calling thread (the coordinator's rebuild loop) stays free.  Those
 * threads start with every signal blocked, so SIGINT, SIGTERM, SIGCHLD and
 * SIGALRM keep going to the coordinator's own thread, and they never log
 * (the log's counters in bf_ctx are not for threads).  The state they
 * share with the caller (the event counter and the error message) is
 * behind one mutex; bf_httpd_reload(), bf_httpd_set_error() and
 * bf_httpd_clear_error() may be called from any thread, but start and stop
 * from one, with the server not used after stop.
 *
 * Forks.  The build forks its writer and workers while the server threads
 * run.  A child has only the forking thread, so it must not call anything
 * here.  It also inherits the server's sockets (close-on-exec does not
 * help without an exec): a connection the server closes during a build
 * is closed for the peer once the build's children have exited too.
 * Every response but the event stream carries its Content-Length, so
 * browsers do not wait for that close.
 *
 * Errors: bf_httpd_start() logs (with the address and the reason) and
 * returns NULL; the other calls cannot fail but for memory.
 */
#ifndef BF_COORDINATOR_HTTPD_H
#define BF_COORDINATOR_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bf_httpd bf_httpd_t;

typedef struct {
    const char *root;      /* the directory to serve (need not exist yet); a
                            * relative path is taken from the working
                            * directory at start */
    const char *bind;      /* address to listen on, IPv4 or IPv6 (or a host
                            * name: its first address that binds); NULL:
                            * "127.0.0.1" (loopback unless told) */
    uint16_t port;         /* 0: the kernel picks (see bf_httpd_port) */
    unsigned heartbeat_ms; /* event-stream heartbeat; 0: 15000 */
} bf_httpd_opts_t;

/* Starts serving; returns at once with the server running in its own
 * threads, or logs why not ("cannot listen on 127.0.0.1:1313: Address
 * already in use") and returns NULL.  opts is copied. */
bf_httpd_t *bf_httpd_start(const bf_httpd_opts_t *opts);

/* The port the server listens on (the kernel's pick when opts.port was 0). */
uint16_t bf_httpd_port(const bf_httpd_t *h);

/* After a successful rebuild: every connected page reloads (a `reload`
 * event), and the error, if one was set, is cleared (a site that built
 * has none). */
void bf_httpd_reload(bf_httpd_t *h);

/* After a failed rebuild: every connected page shows msg in an overlay (an
 * `error` event), and so does every HTML page served until the error is
 * cleared.  msg is copied; it is shown as text ("file:line:col: message",
 * lines kept).  0, or -1 (ENOMEM: the previous error stays). */
int bf_httpd_set_error(bf_httpd_t *h, const char *msg);

/* Takes the overlay away without a reload (a `clear` event), e.g. when the
 * file that broke the build was restored.  Nothing when no error is set. */
void bf_httpd_clear_error(bf_httpd_t *h);

/* Stops accepting, ends the event streams and the connections, joins every
 * thread and frees everything.  NULL is allowed. */
void bf_httpd_stop(bf_httpd_t *h);

/*
 * Decodes a request path (url[0..n), without its query) into a path
 * relative to the served directory: out is "" for the root, else a path
 * that passes shared/fs.h's bf_path_check().  %XX escapes are decoded
 * (a '%' not followed by two hex digits is an error), empty components
 * ("//", a leading or trailing '/') are dropped, and *dir tells whether the
 * request asked for a directory (the decoded path ends in '/', or is the
 * root).  cap is out's size, NUL included.
 *
 * Returns 0, or -1 with errno EINVAL (not starting with '/', a bad escape,
 * a NUL or a backslash, decoded or not, a "." or ".." component) or
 * ENAMETOOLONG (does not fit in cap, or BF_PATH_MAX; cap 0).  out is then
 * unspecified but NUL-terminated when cap > 0.
 */
int bf_httpd_url_path(const char *url, size_t n, char *out, size_t cap, bool *dir);

#endif
