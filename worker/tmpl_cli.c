/*
 * worker/tmpl_cli.c - "bengal-farm template" (see tmpl_cli.h).
 */
#include "worker/tmpl_cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/cmdline.h"
#include "shared/log.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/render.h"
#include "worker/theme.h"

#define MAX_DIRS 16

enum { O_TEMPLATES = 256, O_CONTEXT, O_BASEURL, O_NO_THEME };

static const bf_opt_t opts[] = {
    {O_TEMPLATES, "templates", 0, "DIR", "a templates directory (repeatable; the first\n"
                                         "that has a name wins)"},
    {O_CONTEXT, "context", 0, "FILE", "render: the variables, from a YAML or JSON file"},
    {O_BASEURL, "baseurl", 0, "URL", "the site's baseurl for url filters"},
    {O_NO_THEME, "no-theme", 0, NULL, "without the theme embedded in bengal-farm"},
    {0},
};

static const bf_cmd_spec_t spec = {
    "template",
    "template render --templates DIR... [--context FILE] [--baseurl URL] [--no-theme] NAME\n"
    "template check --templates DIR... [--no-theme]\n"
    "template list --templates DIR... [--no-theme]",
    "Renders one template with a context (render), compiles every template and\n"
    "reports its errors (check), or lists the templates found (list): theme\n"
    "development without a site.",
    opts, 1, 2, "command and NAME", NULL,
};

typedef struct {
    const char *dirs[MAX_DIRS], *context, *baseurl;
    size_t ndirs;
    bool theme;
} args_t;

static int on_opt(int id, const char *arg, void *ctx)
{
    args_t *a = ctx;
    switch (id) {
    case O_TEMPLATES:
        if (a->ndirs == MAX_DIRS) {
            fprintf(stderr, "bengal-farm: error: at most %d --templates directories\n",
                    MAX_DIRS);
            return -1;
        }
        a->dirs[a->ndirs++] = arg;
        break;
    case O_CONTEXT: a->context = arg; break;
    case O_BASEURL: a->baseurl = arg; break;
    case O_NO_THEME: a->theme = false; break;
    }
    return 0;
}

static int write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int bf_tmpl_cli_main(int argc, char **argv, bf_tmpl_cli_loader_t load_context)
{
    args_t opt = {.baseurl = "", .theme = true};
    int n, rc = bf_cmd_parse(&spec, argc, argv, on_opt, &opt, &n);
    if (rc)
        return rc > 0 ? 0 : 2;
    const char *cmd = argv[1], *name = n > 1 ? argv[2] : NULL;
    bool render = strcmp(cmd, "render") == 0, check = strcmp(cmd, "check") == 0,
         list = strcmp(cmd, "list") == 0;
    if (!render && !check && !list) {
        fprintf(stderr, "bengal-farm: error: unknown template command \"%s\" (render, check "
                        "or list); see \"bengal-farm template --help\"\n", cmd);
        return 2;
    }
    if (render != (name != NULL)) {
        fprintf(stderr, "bengal-farm: error: template %s %s; see \"bengal-farm template "
                        "--help\"\n", cmd, render ? "needs a template NAME"
                                                  : "takes no NAME");
        return 2;
    }
    const char **dirs = opt.dirs, *context = opt.context, *baseurl = opt.baseurl;
    size_t ndirs = opt.ndirs;
    bool theme = opt.theme;
    if (context && !load_context) {
        bf_log_error("--context is not available in this build");
        return 2;
    }

    int status = 3;
    bf_tmpl_env_t *env = bf_tmpl_env_new(NULL);
    bf_arena_t *a = bf_arena_create(0);
    bf_buf_t out = BF_BUF_INIT;
    if (!env || !a) {
        bf_log_error("out of memory");
        goto done;
    }
    for (size_t i = 0; i < ndirs; i++) {
        if (access(dirs[i], R_OK | X_OK) < 0) {
            bf_log_error("cannot read templates directory \"%s\": %s", dirs[i], strerror(errno));
            status = 1;
            goto done;
        }
        if (bf_tmpl_env_add_dir(env, dirs[i]) < 0)
            goto done;
    }
    if (theme && bf_tmpl_env_add_embedded(env, bf_theme_templates, "<theme>") < 0)
        goto done;
    if (bf_tmpl_env_set_baseurl(env, baseurl) < 0)
        goto done;
    status = 1;
    int crc = bf_tmpl_env_compile_all(env);
    if (list) {
        for (size_t i = 0; i < bf_tmpl_env_count(env); i++)
            printf("%s\n", bf_tmpl_env_name(env, i));
        status = crc < 0 ? 1 : 0;
        goto done;
    }
    if (check) {
        if (crc == 0)
            fprintf(stderr, "%zu templates, no errors\n", bf_tmpl_env_count(env));
        status = crc < 0 ? 1 : 0;
        goto done;
    }
    const bf_tmpl_t *t = bf_tmpl_env_get(env, name, strlen(name));
    if (!t) {
        if (crc == 0)
            bf_log_error("template \"%s\" not found", name);
        goto done;
    }
    if (!bf_tmpl_ok(t))
        goto done; /* its errors were reported by compile_all */
    bf_value_t *ctx = NULL;
    if (context) {
        ctx = load_context(a, context);
        if (!ctx)
            goto done;
        if (ctx->kind != BF_VAL_MAP && ctx->kind != BF_VAL_NULL) {
            bf_log_at(BF_LOG_ERROR, context, 0, 0, "the context must be a map of names to values");
            goto done;
        }
    }
    bf_tmpl_render_opts_t o = {.arena = a, .context = bf_tmpl_context_from_value(ctx)};
    if (bf_tmpl_render(env, t, &o, &out) < 0)
        goto done;
    if (write_all(out.data ? out.data : "", out.len) < 0) {
        bf_log_error("cannot write the output: %s", strerror(errno));
        status = 3;
        goto done;
    }
    status = 0;
done:
    bf_buf_free(&out);
    bf_arena_destroy(a);
    bf_tmpl_env_free(env);
    return status;
}
