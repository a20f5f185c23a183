/*
 * tests/tmpl/jinja_test.c - conformance with real Jinja2.
 *
 * tests/tmpl/jinja/cases.txt holds templates, contexts and the output
 * Jinja2 rendered for them (tests/tmpl/jinja/gen.py makes it; see there
 * for the Jinja2 settings).  Every case must render to the same bytes.
 * Contexts are JSON, read with the coordinator's YAML loader (YAML is a
 * superset of JSON).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coordinator/yaml.h"
#include "shared/fs.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/render.h"

typedef struct {
    const char *name[8], *src[8];
    size_t len[8], nfiles;
    const char *ctx, *expect;
    size_t ctx_len, expect_len;
    int id;
} jcase_t;

static const char *cases_path(void)
{
    static char path[4096];
    const char *top = getenv("BF_TOP");
    snprintf(path, sizeof path, "%s/tests/tmpl/jinja/cases.txt", top ? top : ".");
    return path;
}

/* Reads "<tag> [name] <len>\n<bytes>\n" at *p. */
static int field(const char **p, const char *end, const char *tag, char *name, const char **data,
                 size_t *len)
{
    size_t tl = strlen(tag);
    if ((size_t)(end - *p) < tl || memcmp(*p, tag, tl) != 0)
        return -1;
    const char *s = *p + tl;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    if (!nl)
        return -1;
    char line[512];
    size_t ll = (size_t)(nl - s);
    if (ll >= sizeof line)
        return -1;
    memcpy(line, s, ll);
    line[ll] = '\0';
    if (name) {
        if (sscanf(line, " %255s %zu", name, len) != 2)
            return -1;
    } else if (sscanf(line, " %zu", len) != 1) {
        return -1;
    }
    *data = nl + 1;
    if ((size_t)(end - *data) < *len + 1)
        return -1;
    *p = *data + *len + 1;
    return 0;
}

static int render_case(const jcase_t *c, bf_buf_t *out, bf_buf_t *err)
{
    bf_arena_t *a = bf_arena_create(0);
    bf_tmpl_env_opts_t eo = {.quiet = true, .errors = err};
    bf_tmpl_env_t *env = bf_tmpl_env_new(&eo);
    int rc = -1;
    for (size_t i = 0; i < c->nfiles; i++)
        bf_tmpl_env_add_string(env, c->name[i], c->src[i], c->len[i]);
    const bf_tmpl_t *t;
    if (bf_tmpl_env_compile_all(env) < 0 || bf_tmpl_env_load(env, c->name[0], &t) < 0)
        goto done;
    bf_value_t *ctx = NULL;
    if (bf_yaml_parse(a, "context", c->ctx, c->ctx_len, 1, NULL, &ctx) < 0)
        goto done;
    bf_tmpl_render_opts_t o = {.arena = a, .context = bf_tmpl_context_from_value(ctx),
                               .errors = err, .quiet = true};
    rc = bf_tmpl_render(env, t, &o, out);
done:
    bf_tmpl_env_free(env);
    bf_arena_destroy(a);
    return rc;
}

Test(jinja, conformance)
{
    bf_buf_t file = BF_BUF_INIT;
    cr_assert_eq(bf_fs_read_file(cases_path(), 0, &file), 0, "cannot read %s", cases_path());
    const char *p = file.data, *end = file.data + file.len;
    int total = 0, failed = 0;
    static char names[8][256];
    while (p < end) {
        jcase_t c = {0};
        cr_assert_eq(sscanf(p, "#case %d", &c.id), 1, "bad case header");
        p = memchr(p, '\n', (size_t)(end - p)) + 1;
        while (p < end && memcmp(p, "@file", 5) == 0 && c.nfiles < 8) {
            size_t k = c.nfiles;
            cr_assert_eq(field(&p, end, "@file", names[k], &c.src[k], &c.len[k]), 0);
            c.name[k] = names[k];
            c.nfiles++;
        }
        cr_assert_eq(field(&p, end, "@context", NULL, &c.ctx, &c.ctx_len), 0);
        cr_assert_eq(field(&p, end, "@expect", NULL, &c.expect, &c.expect_len), 0);
        total++;
        bf_buf_t out = BF_BUF_INIT, err = BF_BUF_INIT;
        int rc = render_case(&c, &out, &err);
        if (rc < 0 || out.len != c.expect_len || memcmp(out.data, c.expect, out.len) != 0) {
            failed++;
            if (failed <= 40)
                fprintf(stderr, "case %d FAILED\n  template: %.*s\n  expected: [%.*s]\n  got:      [%.*s]\n%s",
                        c.id, (int)c.len[0], c.src[0], (int)c.expect_len, c.expect,
                        (int)out.len, out.data ? out.data : "", err.data ? err.data : "");
        }
        bf_buf_free(&out);
        bf_buf_free(&err);
    }
    bf_buf_free(&file);
    fprintf(stderr, "jinja conformance: %d of %d cases identical\n", total - failed, total);
    cr_assert_geq(total, 300, "only %d cases", total);
    cr_assert_eq(failed, 0, "%d of %d cases differ from Jinja2", failed, total);
}
