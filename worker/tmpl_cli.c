/*
 * worker/tmpl_cli.c - "bengal-farm template" (see tmpl_cli.h).
 */
#include "worker/tmpl_cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/log.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/render.h"

#define MAX_DIRS 16

static int usage(void)
{
    fputs("usage: bengal-farm template render --templates DIR... [--context FILE] "
          "[--baseurl URL] [--no-theme] NAME\n"
          "       bengal-farm template check --templates DIR... [--no-theme]\n"
          "       bengal-farm template list --templates DIR... [--no-theme]\n",
          stderr);
    return 2;
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
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    bool render = strcmp(cmd, "render") == 0, check = strcmp(cmd, "check") == 0,
         list = strcmp(cmd, "list") == 0;
    if (!render && !check && !list) {
        bf_log_error("unknown template command \"%s\" (render, check or list)", cmd);
        return usage();
    }
    const char *dirs[MAX_DIRS], *context = NULL, *baseurl = "", *name = NULL;
    size_t ndirs = 0;
    bool theme = true;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "--templates") == 0 || strcmp(a, "--context") == 0 ||
             strcmp(a, "--baseurl") == 0) && i + 1 >= argc) {
            bf_log_error("option \"%s\" needs a value", a);
            return usage();
        }
        if (strcmp(a, "--templates") == 0) {
            if (ndirs == MAX_DIRS) {
                bf_log_error("too many --templates directories (at most %d)", MAX_DIRS);
                return 2;
            }
            dirs[ndirs++] = argv[++i];
        } else if (strcmp(a, "--context") == 0) {
            context = argv[++i];
        } else if (strcmp(a, "--baseurl") == 0) {
            baseurl = argv[++i];
        } else if (strcmp(a, "--no-theme") == 0) {
            theme = false;
        } else if (a[0] == '-' && a[1]) {
            bf_log_error("unknown option \"%s\"", a);
            return usage();
        } else if (!name && render) {
            name = a;
        } else {
            bf_log_error("unexpected argument \"%s\"", a);
            return usage();
        }
    }
    if (render && !name) {
        bf_log_error("template render needs a template name");
        return usage();
    }
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
    if (theme && bf_tmpl_env_add_embedded(env, bf_tmpl_default_theme) < 0)
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
