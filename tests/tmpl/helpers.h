/*
 * tests/tmpl/helpers.h - rendering helpers for the template engine tests.
 *
 * render() compiles the given templates (name, source pairs; the first is
 * rendered) in a fresh environment, renders with a JSON/YAML context and
 * returns the output, or NULL with the error text in tmpl_err.  What the
 * helpers allocate is released at exit (tmpl_keep), so that LeakSanitizer
 * in the debug build stays quiet.
 */
#ifndef BF_TESTS_TMPL_HELPERS_H
#define BF_TESTS_TMPL_HELPERS_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "coordinator/yaml.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/render.h"

static bf_buf_t tmpl_err = BF_BUF_INIT;

/* Things to release at exit: 'f' free(), 'a' arena, 'e' environment,
 * 'c' fragment cache. */
static struct {
    char kind;
    void *p;
} tmpl_kept[4096];
static int tmpl_nkept;

static void tmpl_release(void)
{
    for (int i = tmpl_nkept; i-- > 0;) {
        switch (tmpl_kept[i].kind) {
        case 'a': bf_arena_destroy(tmpl_kept[i].p); break;
        case 'e': bf_tmpl_env_free(tmpl_kept[i].p); break;
        case 'c': bf_tmpl_cache_free(tmpl_kept[i].p); break;
        default: free(tmpl_kept[i].p); break;
        }
    }
    tmpl_nkept = 0;
    bf_buf_free(&tmpl_err);
}

static inline void *tmpl_keep(char kind, void *p)
{
    if (tmpl_nkept == 0)
        atexit(tmpl_release);
    if (p && tmpl_nkept < 4096) {
        tmpl_kept[tmpl_nkept].kind = kind;
        tmpl_kept[tmpl_nkept++].p = p;
    }
    return p;
}

static inline bf_tmpl_env_t *tmpl_env(void)
{
    static bf_tmpl_env_opts_t o;
    o.quiet = true;
    o.errors = &tmpl_err;
    return tmpl_keep('e', bf_tmpl_env_new(&o));
}

/* Renders t from env with the context text (JSON or YAML, may be NULL). */
static inline char *render_env(bf_tmpl_env_t *env, const char *name, const char *ctx)
{
    const bf_tmpl_t *t;
    if (bf_tmpl_env_load(env, name, &t) < 0)
        return NULL;
    bf_arena_t *a = tmpl_keep('a', bf_arena_create(0));
    bf_value_t *v = NULL;
    if (ctx && bf_yaml_parse(a, "ctx", ctx, strlen(ctx), 1, NULL, &v) < 0)
        return NULL;
    bf_buf_t out = BF_BUF_INIT;
    bf_tmpl_render_opts_t o = {.arena = a, .context = bf_tmpl_context_from_value(v),
                               .errors = &tmpl_err, .quiet = true};
    if (bf_tmpl_render(env, t, &o, &out) < 0) {
        bf_buf_free(&out);
        return NULL;
    }
    return tmpl_keep('f', out.data ? out.data : strdup(""));
}

/* render(ctx, name1, src1, name2, src2, ..., NULL) */
static inline char *render_files(const char *ctx, ...)
{
    bf_tmpl_env_t *env = tmpl_env();
    va_list ap;
    va_start(ap, ctx);
    const char *first = NULL;
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name)
            break;
        const char *src = va_arg(ap, const char *);
        if (!first)
            first = name;
        bf_tmpl_env_add_string(env, name, src, strlen(src));
    }
    va_end(ap);
    return render_env(env, first, ctx);
}

/* One template named t.html (autoescaped) or t.txt. */
static inline char *render_html(const char *src, const char *ctx)
{
    return render_files(ctx, "t.html", src, NULL);
}

static inline char *render_txt(const char *src, const char *ctx)
{
    return render_files(ctx, "t.txt", src, NULL);
}

#define EXPECT_TXT(src, ctx, want)                                                         \
    do {                                                                                   \
        char *got_ = render_txt(src, ctx);                                                 \
        cr_assert(got_, "render failed: %s", tmpl_err.data ? tmpl_err.data : "");          \
        cr_assert_str_eq(got_, want);                                                      \
    } while (0)

#define EXPECT_HTML(src, ctx, want)                                                        \
    do {                                                                                   \
        char *got_ = render_html(src, ctx);                                                \
        cr_assert(got_, "render failed: %s", tmpl_err.data ? tmpl_err.data : "");          \
        cr_assert_str_eq(got_, want);                                                      \
    } while (0)

/* The render fails and the error text is exactly want. */
#define EXPECT_ERROR(src, ctx, want)                                                       \
    do {                                                                                   \
        bf_buf_reset(&tmpl_err);                                                           \
        char *got_ = render_txt(src, ctx);                                                 \
        cr_assert_null(got_, "expected an error, got \"%s\"", got_ ? got_ : "");           \
        cr_assert_str_eq(tmpl_err.data ? tmpl_err.data : "", want);                        \
    } while (0)

#endif
