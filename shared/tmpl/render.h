/*
 * shared/tmpl/render.h - rendering a compiled template.
 *
 * A worker renders many pages from one read-only environment: for each
 * page it passes the page's variables (a map, a value tree or a host
 * object whose attributes are the names: page, section, site ...), the
 * per-page arena (reset by the caller after the page) and its output
 * buffer.  Everything the render makes lives in that arena, except
 * fragments of {% cache %}, which go to the worker's cache (cache.h).
 *
 * Errors: the first error stops the render.  It is reported once as
 *     page.html:12:8: error: undefined variable "titel"
 *         12 |   <h1>{{ titel }}</h1>
 *            |          ^
 * with a note line per include/macro level when there is one; logged
 * through shared/log unless opts->quiet, and appended to opts->errors
 * when given.  The output buffer then holds a partial page: discard it.
 *
 * Limits (errors, never crashes): include depth 50, 500 nested calls or
 * the stack budget (opts->stack_limit, default 2 MiB of C stack), output
 * size (default 1 GiB), loop iterations + calls (max_steps, default
 * unlimited).
 */
#ifndef BF_SHARED_TMPL_RENDER_H
#define BF_SHARED_TMPL_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/tmpl/cache.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/profile.h"
#include "shared/tmpl/value.h"

typedef struct {
    bf_arena_t *arena;      /* required: values made while rendering */
    bf_tmpl_cache_t *cache; /* NULL: {% cache %} blocks render every time */
    bf_tmpl_profile_t *profile; /* NULL: no profiling (profile.h) */
    bf_tv_t context;        /* MAP, TREE map or OBJ; UNDEF: no variables */
    bf_buf_t *errors;       /* optional: error text is appended */
    bool quiet;             /* do not log the error */
    uint64_t max_steps;     /* 0: unlimited */
    size_t max_output;      /* 0: 1 GiB */
    size_t stack_limit;     /* 0: 2 MiB */
    /* Told about each {% cache %} block, so that the caller can keep with
     * a fragment what rendering it depended on and replay that when the
     * fragment is reused (NULL: not told); stages in cache.h. */
    void (*cache_note)(void *arg, const char *key, size_t klen, int stage);
    void *cache_note_arg;
} bf_tmpl_render_opts_t;

/* Renders t, appending to out.  0, or -1 after reporting the error. */
int bf_tmpl_render(const bf_tmpl_env_t *env, const bf_tmpl_t *t, const bf_tmpl_render_opts_t *o,
                   bf_buf_t *out);

/* Convenience: a map context from a shared/value.h map (NULL: none). */
bf_tv_t bf_tmpl_context_from_value(const bf_value_t *map);

#endif
