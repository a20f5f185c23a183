/*
 * tests/fuzz/tmpl_render_fuzz.c - libFuzzer target: compile and render
 * arbitrary templates with a fixed context.
 *
 * The context has strings (with HTML specials and UTF-8), numbers, a
 * list of maps, a nested map and an empty list; two helper templates
 * (a layout with blocks and a macro library) can be extended, included
 * and imported.  Limits are tight (100,000 steps, 1 MiB output) so that
 * every input ends quickly.  Errors are expected; crashes, leaks, hangs
 * and sanitizer reports are bugs.
 * Run: build/fuzz/tmpl_render_fuzz -max_total_time=60 tests/fuzz/corpus/tmpl
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shared/ctx.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char layout[] =
    "<h1>{% block title %}T{% endblock %}</h1>{% block body %}{{ page.title }}{% endblock %}";
static const char macros[] =
    "{% macro link(p, cls='') %}<a class=\"{{ cls }}\" href=\"{{ p.url }}\">{{ p.title }}</a>"
    "{% endmacro %}{% def box() %}[{{ caller() }}]{% end %}{% set version = 3 %}";

static bf_tv_t str(const char *s)
{
    return bf_tv_str(s, strlen(s));
}

static bf_tv_t page(bf_arena_t *a, const char *title, const char *url, int w)
{
    bf_tv_map_t *m = bf_tv_map_new(a, 4);
    if (!m)
        return bf_tv_null();
    bf_tv_map_set(a, m, str("title"), str(title));
    bf_tv_map_set(a, m, str("url"), str(url));
    bf_tv_map_set(a, m, str("weight"), bf_tv_int(w));
    bf_tv_map_set(a, m, str("ratio"), bf_tv_float(w / 3.0));
    return bf_tv_map(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bf_ctx.log_level = BF_LOG_QUIET;
    bf_tmpl_env_opts_t o = {.quiet = true};
    bf_tmpl_env_t *env = bf_tmpl_env_new(&o);
    bf_arena_t *a = bf_arena_create(0);
    bf_buf_t out = BF_BUF_INIT;
    if (!env || !a)
        goto done;
    bf_tmpl_env_add_string(env, "layout.html", layout, sizeof layout - 1);
    bf_tmpl_env_add_string(env, "macros.html", macros, sizeof macros - 1);
    bf_tmpl_env_add_string(env, "t.html", (const char *)data, size);
    bf_tmpl_env_set_baseurl(env, "https://example.org/docs");
    const bf_tmpl_t *t;
    if (bf_tmpl_env_compile_all(env) < 0 || bf_tmpl_env_load(env, "t.html", &t) < 0)
        goto done;

    bf_tv_map_t *ctx = bf_tv_map_new(a, 8);
    bf_tv_list_t *pages = bf_tv_list_new(a, 3);
    bf_tv_map_t *site = bf_tv_map_new(a, 4);
    if (!ctx || !pages || !site)
        goto done;
    pages->items[pages->n++] = page(a, "Intro <&>", "/intro/", 2);
    pages->items[pages->n++] = page(a, "Setup \xc3\xa9t\xc3\xa9", "/setup/", 1);
    pages->items[pages->n++] = page(a, "Zed \"q\" 'a'", "/z/", 3);
    bf_tv_map_set(a, site, str("title"), str("Site"));
    bf_tv_map_set(a, site, str("pages"), bf_tv_list(pages));
    bf_tv_map_set(a, site, str("params"), bf_tv_map(bf_tv_map_new(a, 0)));
    bf_tv_map_set(a, ctx, str("page"), pages->items[0]);
    bf_tv_map_set(a, ctx, str("site"), bf_tv_map(site));
    bf_tv_map_set(a, ctx, str("n"), bf_tv_int(7));
    bf_tv_map_set(a, ctx, str("f"), bf_tv_float(2.5));
    bf_tv_map_set(a, ctx, str("s"), str("a<b>&c \xe2\x98\x83"));
    bf_tv_map_set(a, ctx, str("empty"), bf_tv_list(bf_tv_list_new(a, 0)));
    bf_tv_map_set(a, ctx, str("none"), bf_tv_null());

    bf_tmpl_cache_t *cache = bf_tmpl_cache_new(1 << 20);
    bf_tmpl_render_opts_t ro = {.arena = a, .cache = cache, .context = bf_tv_map(ctx),
                                .quiet = true, .max_steps = 100000, .max_output = 1 << 20};
    (void)bf_tmpl_render(env, t, &ro, &out);
    bf_tmpl_cache_free(cache);
done:
    bf_buf_free(&out);
    bf_arena_destroy(a);
    bf_tmpl_env_free(env);
    return 0;
}
