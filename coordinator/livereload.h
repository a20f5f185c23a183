/*
 * coordinator/livereload.h - what `bengal-farm serve` adds to the pages it
 * serves so that a browser tab follows the rebuilds: the script, the HTML
 * snippet injected into pages, and the Server-Sent Events it listens to.
 *
 * Pure text, no I/O and no HTTP library: coordinator/httpd.c serves what
 * these functions produce (at BF_LIVERELOAD_SCRIPT and
 * BF_LIVERELOAD_EVENTS) and decides when.  Nothing here is ever written into
 * a built output; only responses of the preview server carry it.
 *
 * The protocol between the server and the script (event names and data):
 *
 *   hello   data: the server's boot id, sent first on every stream.  A
 *           script that sees a different id than before (the server was
 *           restarted and the site maybe rebuilt) reloads the page.
 *   reload  data: empty.  The page reloads.
 *   error   data: the message (file:line:col: text, several lines).  The
 *           script shows it in an overlay over the page (as text, never
 *           as markup), dismissable with its button or Escape.
 *   clear   data: empty.  The overlay goes away.
 *
 * A page served while an error is set carries the overlay already (the
 * snippet holds it, HTML-escaped), so a tab opened after the failure sees
 * it too.  The stream starts with "retry: 1000" so browsers reconnect
 * quickly after a restart; the script also reconnects itself when the
 * browser gives up.
 */
#ifndef BF_COORDINATOR_LIVERELOAD_H
#define BF_COORDINATOR_LIVERELOAD_H

#include <stddef.h>

#include "shared/buf.h"

/* The two paths the preview server keeps for itself (a file of the site at
 * either path is not served). */
#define BF_LIVERELOAD_SCRIPT "/__bengal/live.js"
#define BF_LIVERELOAD_EVENTS "/__bengal/events"

/* The script (JavaScript, UTF-8), a static string; its length in *len. */
const char *bf_livereload_script(size_t *len);

/* Appends the snippet injected into an HTML page: the overlay showing
 * error, HTML-escaped, when error is not NULL, then the <script> element
 * that loads BF_LIVERELOAD_SCRIPT.  0, or -1 (ENOMEM). */
int bf_livereload_snippet(bf_buf_t *out, const char *error);

/* Where in html[0..n) the snippet goes: at the last "</body" (any case),
 * or at the end when there is none. */
size_t bf_livereload_insert_at(const char *html, size_t n);

/* Appends one event: "event: NAME\n", one "data: " line per line of data
 * (split at \r\n, \r or \n, as EventSource splits them; NULL or "" is one
 * empty data line), then the empty line that ends the event.  0, or -1
 * (ENOMEM). */
int bf_livereload_event(bf_buf_t *out, const char *name, const char *data);

#endif
