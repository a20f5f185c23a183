/*
 * coordinator/livereload.c - the live-reload script, the snippet injected
 * into served pages, and the event format (see livereload.h).
 *
 * The overlay's markup is written once, in OVERLAY_OPEN / OVERLAY_CLOSE:
 * the server puts the escaped message between them when it injects an
 * error into a page, and the script builds the same markup (with an empty
 * <pre> it fills through textContent) when an error arrives by event.  So
 * the markup holds no single quote or backslash: it is pasted into a
 * JavaScript string literal at compile time.
 */
#include "coordinator/livereload.h"

#include <string.h>
#include <strings.h>

#include "shared/html.h"

#define OVERLAY_ID "__bengal-overlay"
#define OVERLAY_OPEN                                                                               \
    "<div class=\"bf-box\"><button type=\"button\" aria-label=\"Dismiss\" "                        \
    "title=\"Dismiss (Esc)\" data-bengal-dismiss>&#215;</button>"                                  \
    "<h2>bengal-farm: the rebuild failed</h2><pre>"
#define OVERLAY_CLOSE "</pre><p>The page shows the last good build.</p></div>"

/* Styles live in the script (one <style> it adds), so an injected overlay
 * is unstyled only where scripts do not run at all. */
static const char script[] =
    "/* bengal-farm serve: live reload. Served only by the preview server, never part of a build. "
    "*/\n"
    "(function () {\n"
    "  \"use strict\";\n"
    "  if (window.__bengalLive) return;\n"
    "  window.__bengalLive = true;\n"
    "  var ID = \"" OVERLAY_ID "\";\n"
    "  var CSS = \"#\" + ID + \"{position:fixed;inset:0;z-index:2147483647;overflow:auto;\" +\n"
    "    \"padding:2em;background:rgba(16,16,20,.88);color:#eee;\" +\n"
    "    \"font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;\" +\n"
    "    \"text-align:left}\" +\n"
    "    \"#\" + ID + \" .bf-box{max-width:62em;margin:0 auto;padding:1em 1.5em;\" +\n"
    "    \"background:#2a1518;border-left:6px solid #e5484d;border-radius:4px}\" +\n"
    "    \"#\" + ID + \" h2{margin:0 0 .75em;font:bold 16px/1.3 system-ui,sans-serif;\" +\n"
    "    \"color:#ff9592}\" +\n"
    "    \"#\" + ID + \" pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;\" +\n"
    "    \"font:inherit;color:inherit;background:none}\" +\n"
    "    \"#\" + ID + \" p{margin:1em 0 0;font:13px system-ui,sans-serif;color:#bbb}\" +\n"
    "    \"#\" + ID + \" button{float:right;margin:-.3em -.6em 0 1em;padding:0 .3em;\" +\n"
    "    \"font:24px/1 system-ui,sans-serif;color:inherit;background:none;border:0;\" +\n"
    "    \"cursor:pointer}\";\n"
    "  function style() {\n"
    "    if (document.getElementById(ID + \"-style\")) return;\n"
    "    var s = document.createElement(\"style\");\n"
    "    s.id = ID + \"-style\";\n"
    "    s.textContent = CSS;\n"
    "    (document.head || document.documentElement).appendChild(s);\n"
    "  }\n"
    "  function hide() {\n"
    "    var o = document.getElementById(ID);\n"
    "    if (o) o.parentNode.removeChild(o);\n"
    "  }\n"
    "  function show(text) {\n"
    "    style();\n"
    "    var o = document.getElementById(ID);\n"
    "    if (!o) {\n"
    "      o = document.createElement(\"div\");\n"
    "      o.id = ID;\n"
    "      o.setAttribute(\"role\", \"alert\");\n"
    "      o.innerHTML = '" OVERLAY_OPEN OVERLAY_CLOSE "';\n"
    "      (document.body || document.documentElement).appendChild(o);\n"
    "    }\n"
    "    o.querySelector(\"pre\").textContent = text;\n"
    "  }\n"
    "  document.addEventListener(\"click\", function (e) {\n"
    "    var t = e.target;\n"
    "    if (t && t.closest && t.closest(\"[data-bengal-dismiss]\")) hide();\n"
    "  });\n"
    "  document.addEventListener(\"keydown\", function (e) {\n"
    "    if (e.key === \"Escape\") hide();\n"
    "  });\n"
    "  if (document.getElementById(ID)) style();\n"
    "  var boot = null, delay = 500;\n"
    "  function connect() {\n"
    "    var es = new EventSource(\"" BF_LIVERELOAD_EVENTS "\");\n"
    "    es.addEventListener(\"hello\", function (e) {\n"
    "      if (boot !== null && boot !== e.data) location.reload();\n"
    "      boot = e.data;\n"
    "      delay = 500;\n"
    "    });\n"
    "    es.addEventListener(\"reload\", function () {\n"
    "      hide();\n"
    "      location.reload();\n"
    "    });\n"
    "    es.addEventListener(\"clear\", hide);\n"
    "    /* \"error\" is both the server's event (a MessageEvent, with data) and\n"
    "     * EventSource's own connection error (a plain Event, without). */\n"
    "    es.addEventListener(\"error\", function (e) {\n"
    "      if (typeof e.data === \"string\") {\n"
    "        show(e.data);\n"
    "      } else if (es.readyState === EventSource.CLOSED) {\n"
    "        es.close();\n"
    "        setTimeout(connect, delay);\n"
    "        delay = Math.min(delay * 2, 5000);\n"
    "      }\n"
    "    });\n"
    "  }\n"
    "  connect();\n"
    "})();\n";

const char *bf_livereload_script(size_t *len)
{
    *len = sizeof script - 1;
    return script;
}

int bf_livereload_snippet(bf_buf_t *out, const char *error)
{
    if (error && (bf_buf_puts(out, "<div id=\"" OVERLAY_ID "\" role=\"alert\">" OVERLAY_OPEN) < 0 ||
                  bf_html_escape(out, error, strlen(error)) < 0 ||
                  bf_buf_puts(out, OVERLAY_CLOSE "</div>") < 0))
        return -1;
    return bf_buf_puts(out, "<script src=\"" BF_LIVERELOAD_SCRIPT "\"></script>");
}

size_t bf_livereload_insert_at(const char *html, size_t n)
{
    static const char tag[] = "</body";
    const size_t tn = sizeof tag - 1;
    for (size_t i = n; i >= tn; i--) {
        const char *p = html + i - tn;
        if (strncasecmp(p, tag, tn) == 0)
            return i - tn;
    }
    return n;
}

int bf_livereload_event(bf_buf_t *out, const char *name, const char *data)
{
    if (bf_buf_printf(out, "event: %s\n", name) < 0)
        return -1;
    const char *p = data ? data : "";
    for (;;) {
        size_t n = strcspn(p, "\r\n");
        if (bf_buf_puts(out, "data: ") < 0 || bf_buf_append(out, p, n) < 0 ||
            bf_buf_putc(out, '\n') < 0)
            return -1;
        p += n;
        if (*p == '\0')
            break;
        p += p[0] == '\r' && p[1] == '\n' ? 2 : 1;
    }
    return bf_buf_putc(out, '\n');
}
