/*
 * coordinator/serve.h - `bengal-farm serve`: build, serve, watch, rebuild.
 *
 * The site is built (bf_build_run, environment "development" and drafts
 * and future pages unless told otherwise, the baseurl the server's own
 * http://HOST:PORT) into an output of its own, SITE/.bengal-serve (never
 * the site's published output), and served by coordinator/httpd.h.  Then
 * content/, templates/, static/, data/ and the config are watched
 * (coordinator/watch.h); each settled burst of changes rebuilds through
 * the same incremental build, and:
 *
 *   - a rebuild that succeeds swaps the tree under the server and sends
 *     every open page a reload event;
 *   - one that fails leaves the last good tree served, and its error
 *     messages (the file:line:col lines of the log, from every process of
 *     the build: stderr goes through a pipe the server reads while the
 *     build runs) show in an overlay on every open page and on the
 *     terminal, until a rebuild succeeds.
 *
 * SIGINT or SIGTERM stops it: the server closes and the command returns 0
 * (a signal during a build stops the build first, as for `build`).
 */
#ifndef BF_COORDINATOR_SERVE_H
#define BF_COORDINATOR_SERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "coordinator/build.h"

typedef struct {
    bf_build_opts_t build;  /* as for `build`; output NULL: STATE/serve */
    const char *bind;       /* NULL: 127.0.0.1 */
    uint16_t port;          /* 0 with port_set: the kernel picks */
    bool port_set;          /* else 1313 */
} bf_serve_opts_t;

/* Runs until a signal; the exit status (cli.h BF_EXIT_*). */
int bf_serve_run(bf_serve_opts_t *o);

#endif
