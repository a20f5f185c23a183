/*
 * coordinator/load.c - the discovery pipeline (see load.h) and the site's
 * message helpers (site.h).
 */
#include "coordinator/load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coordinator/assets.h"
#include "coordinator/discover.h"
#include "coordinator/fields.h"
#include "coordinator/link.h"
#include "coordinator/plan.h"
#include "coordinator/yaml.h"
#include "shared/buf.h"
#include "shared/fs.h"
#include "shared/log.h"
#include "shared/utf8.h"

const char *bf_site_disp(bf_site_t *s, const char *rel)
{
    const char *dir = s->opts.site_dir;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (!rel)
        return dir;
    if (n == 1 && dir[0] == '.')
        return rel;
    const char *d = bf_arena_sprintf(s->arena, "%.*s/%s", (int)n, dir, rel);
    return d ? d : rel;
}

void bf_site_error_at(bf_site_t *s, const char *rel, const bf_value_t *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bf_log_vat(BF_LOG_ERROR, bf_site_disp(s, rel), v ? v->line : 0, v ? v->col : 0, fmt, ap);
    va_end(ap);
}

bool bf_site_name_ok(bf_site_t *s, const char *dir, const char *name)
{
    size_t n = strlen(name);
    if (bf_utf8_valid_prefix(name, n) == n)
        return true;
    /* The name as the user can type it back: valid runs as they are,
     * every other byte as \xNN. */
    bf_buf_t b = BF_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t ok = bf_utf8_valid_prefix(name + i, n - i);
        rc = bf_buf_append(&b, name + i, ok);
        i += ok;
        if (i < n && rc == 0)
            rc = bf_buf_printf(&b, "\\x%02X", (unsigned char)name[i++]);
    }
    /* Out of memory: the directory is still a place to look. */
    const char *rel = rc == 0 ? bf_arena_sprintf(s->arena, "%s/%s", dir, b.data) : NULL;
    bf_log_at(BF_LOG_ERROR, rel ? bf_site_disp(s, rel) : bf_site_disp(s, dir), 0, 0,
              "the file name is not valid UTF-8; rename it");
    bf_buf_free(&b);
    return false;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* data/a.yaml -> data.a; data/x/b.yml -> data.x.b.  rel is "data/...",
 * read beneath the site root: a data file or directory whose path leaves
 * the site through a symlink is an error, not read.  A missing data/ (or
 * an extensionless file taken for a directory) is nothing to load. */
static int load_data_dir(bf_site_t *s, const char *rel, bf_value_t *into, unsigned depth)
{
    DIR *d = bf_fs_opendir_at(s->root_fd, rel);
    struct dirent *e;
    bf_vec_t names = {0};
    if (!d) {
        if (errno != ENOENT && errno != ENOTDIR)
            bf_log_at(BF_LOG_ERROR, bf_site_disp(s, rel), 0, 0, "cannot read directory: %s",
                      bf_fs_beneath_why(errno));
        return 0;
    }
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && bf_site_name_ok(s, rel, e->d_name) &&
            bf_vec_push(s->arena, &names, bf_arena_strdup(s->arena, e->d_name)) < 0)
            break;
    closedir(d);
    if (names.n > 1)
        qsort(names.items, names.n, sizeof(void *), cmp_names);
    bf_yaml_limits_t lim = BF_YAML_LIMITS_DEFAULT;
    bf_buf_t text = BF_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        const char *name = names.items[i];
        const char *sub = bf_arena_sprintf(s->arena, "%s/%s", rel, name);
        const char *dot = strrchr(name, '.');
        bf_value_t *v = NULL;
        if (!name || !sub) {
            rc = -1;
        } else if (!dot && depth < 8) {
            if (!(v = bf_value_new(s->arena, BF_VAL_MAP)) ||
                load_data_dir(s, sub, v, depth + 1) < 0 ||
                bf_value_map_put(s->arena, into, name, strlen(name), v) < 0)
                rc = -1;
        } else if (dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0 ||
                           strcmp(dot, ".json") == 0)) {
            bf_buf_reset(&text);
            const char *disp = bf_site_disp(s, sub);
            if (bf_fs_read_file_at(s->root_fd, sub, s->config.max_file_size, &text) < 0) {
                bf_log_at(BF_LOG_ERROR, disp, 0, 0, "cannot read: %s", bf_fs_beneath_why(errno));
            } else if (bf_yaml_parse(s->arena, disp, text.data ? text.data : "", text.len, 1,
                                     &lim, &v) < 0) {
                /* reported */
            } else if (bf_value_map_put(s->arena, into, name, (size_t)(dot - name), v) < 0) {
                rc = -1;
            }
        }
    }
    bf_buf_free(&text);
    return rc;
}

static void site_destroy(bf_site_t *s)
{
    if (s) {
        if (s->root_fd >= 0)
            close(s->root_fd);
        bf_snapw_free(s->snapw);
        for (size_t i = 0; i < BF_SCOUT_MAX_THREADS; i++)
            bf_arena_destroy(s->scout_arena[i]);
        bf_arena_destroy(s->arena);
        free(s);
    }
}

void bf_site_free(bf_site_t *s)
{
    site_destroy(s);
}

int bf_site_open(const bf_site_opts_t *opts, bf_site_t **out)
{
    bf_site_t *s = calloc(1, sizeof(*s));
    size_t errors_before = bf_ctx.n_errors;
    *out = NULL;
    if (s)
        s->root_fd = -1;
    if (!s || !(s->arena = bf_arena_create(1 << 20)) || !(s->snapw = bf_snapw_new()))
        goto oom;
    s->opts = *opts;
    s->next_change = INT64_MAX;
    /* The site path itself may be a symlink (the user's choice); what is
     * below it is read beneath this descriptor and may not leave it. */
    s->root_fd = open(opts->site_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->root_fd < 0) {
        bf_log_at(BF_LOG_ERROR, opts->site_dir, 0, 0, "cannot open site: %s", strerror(errno));
        goto fail;
    }
    bf_config_layers_t layers = {opts->environment, opts->configs, opts->n_configs,
                                 opts->baseurl};
    if (bf_config_load(s->arena, s->root_fd, opts->site_dir, &layers, &s->config) < 0)
        goto fail;
    *out = s;
    return 0;
oom:
    bf_log_error("out of memory while reading the site");
fail:
    if (bf_ctx.n_errors == errors_before) /* a failure nobody reported: an allocation */
        bf_log_error("out of memory while reading the site");
    site_destroy(s);
    return -1;
}

int bf_site_read(bf_site_t *s)
{
    size_t errors_before = bf_ctx.n_errors;
    const bf_site_opts_t *opts = &s->opts;
    if (!(s->data = bf_value_new(s->arena, BF_VAL_MAP)) ||
        load_data_dir(s, "data", s->data, 0) < 0)
        goto oom;
    /* A page that failed to load is left out of the tree, so the later
     * phases still run and report their own problems in the same run. */
    if (bf_discover(s) < 0 && !s->root)
        goto fail;
    if (bf_fields_resolve(s) < 0 || bf_link_site(s) < 0)
        goto oom;
    if (bf_ctx.n_errors != errors_before)
        goto fail;
    if (bf_plan_site(s) < 0)
        goto oom;
    if (bf_ctx.n_errors != errors_before)
        goto fail;
    int k = bf_assets_find_katex(s->arena, opts->site_dir, s->config.katex_dir, &s->katex);
    if (k < 0)
        goto oom;
    s->has_katex = k == 1;
    return 0;
oom:
    bf_log_error("out of memory while reading the site");
fail:
    if (bf_ctx.n_errors == errors_before) /* a failure nobody reported: an allocation */
        bf_log_error("out of memory while reading the site");
    return -1;
}

int bf_site_load(const bf_site_opts_t *opts, bf_site_t **out)
{
    if (bf_site_open(opts, out) < 0)
        return -1;
    if (bf_site_read(*out) < 0) {
        site_destroy(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}
