/*
 * tests/worker/tmpl_cli_test.c - "bengal-farm template render|check|list"
 * on real files in a temporary directory, with the coordinator's YAML
 * loader as the context loader (as main.c wires it).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coordinator/yaml.h"
#include "shared/buf.h"
#include "shared/fs.h"
#include "worker/tmpl_cli.h"

static char dir[64];

static void put_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    bf_fs_mkdir_p(path, 0755);
    *slash = '/';
    cr_assert_eq(bf_fs_write_atomic(path, text, strlen(text), 0), 0);
}

static bf_value_t *load_yaml(bf_arena_t *a, const char *path)
{
    bf_buf_t b = BF_BUF_INIT;
    bf_value_t *v = NULL;
    if (bf_fs_read_file(path, 0, &b) < 0 ||
        bf_yaml_parse(a, path, b.data ? b.data : "", b.len, 1, NULL, &v) < 0)
        v = NULL;
    bf_buf_free(&b);
    return v;
}

static char *last_out, *last_err; /* freed by the next run and teardown */

/* Runs the command with stdout and stderr captured; returns the status. */
static int run(char **out, char **err, int argc, char **argv)
{
    free(last_out);
    free(last_err);
    char o[128], e[128];
    snprintf(o, sizeof o, "%s/.out", dir);
    snprintf(e, sizeof e, "%s/.err", dir);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0644), fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fo, 1);
    dup2(fe, 2);
    int rc = bf_tmpl_cli_main(argc, argv, load_yaml);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(fo);
    close(fe);
    bf_buf_t b = BF_BUF_INIT;
    bf_fs_read_file(o, 0, &b);
    *out = b.data ? b.data : strdup("");
    bf_buf_t c = BF_BUF_INIT;
    bf_fs_read_file(e, 0, &c);
    *err = c.data ? c.data : strdup("");
    last_out = *out;
    last_err = *err;
    return rc;
}

static void setup(void)
{
    strcpy(dir, "/tmp/bf-tmpl-cli-XXXXXX");
    cr_assert(mkdtemp(dir));
    put_file("base.html", "<title>{% block title %}{% endblock %}</title>{% block body %}{% endblock %}");
    put_file("page.html", "{% extends 'base.html' %}{% block title %}{{ page.title }}{% endblock %}"
                          "{% block body %}{% include 'partials/tags.html' %}{% endblock %}");
    put_file("partials/tags.html", "{% for t in page.tags %}[{{ t }}]{% endfor %}");
    put_file("ctx.yaml", "page:\n  title: A & B\n  tags: [x, y]\n");
    put_file("ctx.json", "{\"page\": {\"title\": \"J\", \"tags\": []}}");
}

static void teardown(void)
{
    free(last_out);
    free(last_err);
    last_out = last_err = NULL;
    bf_fs_remove_tree(dir);
}

TestSuite(tmpl_cli, .init = setup, .fini = teardown);

Test(tmpl_cli, render_with_yaml_and_json_context)
{
    char ctx[128], *out, *err;
    snprintf(ctx, sizeof ctx, "%s/ctx.yaml", dir);
    char *argv[] = {"template", "render", "--templates", dir, "--context", ctx, "page.html"};
    cr_assert_eq(run(&out, &err, 7, argv), 0, "%s", err);
    cr_assert_str_eq(out, "<title>A &amp; B</title>[x][y]");
    snprintf(ctx, sizeof ctx, "%s/ctx.json", dir);
    cr_assert_eq(run(&out, &err, 7, argv), 0, "%s", err);
    cr_assert_str_eq(out, "<title>J</title>");
}

Test(tmpl_cli, errors_and_usage)
{
    char *out, *err;
    char *a1[] = {"template", "render", "--templates", dir, "page.html"};
    cr_assert_eq(run(&out, &err, 5, a1), 1); /* page.title undefined */
    cr_assert(strstr(err, "page.html:1:"), "%s", err);
    cr_assert(strstr(err, "undefined variable \"page\""), "%s", err);
    char *a2[] = {"template", "render", "--templates", dir, "nope.html"};
    cr_assert_eq(run(&out, &err, 5, a2), 1);
    cr_assert(strstr(err, "template \"nope.html\" not found"), "%s", err);
    char *a3[] = {"template", "render", "--templates"};
    cr_assert_eq(run(&out, &err, 3, a3), 2);
    char *a4[] = {"template", "frobnicate"};
    cr_assert_eq(run(&out, &err, 2, a4), 2);
}

Test(tmpl_cli, check_and_list)
{
    char *out, *err;
    char *a1[] = {"template", "list", "--templates", dir, "--no-theme"};
    cr_assert_eq(run(&out, &err, 5, a1), 0, "%s", err);
    /* ctx.yaml is data, not a template (its extension is not one) */
    cr_assert_str_eq(out, "base.html\nctx.json\npage.html\npartials/tags.html\n");
    put_file("broken.html", "{% if x %}\n");
    char *a2[] = {"template", "check", "--templates", dir};
    cr_assert_eq(run(&out, &err, 4, a2), 1);
    cr_assert(strstr(err, "broken.html:1:1: error: \"if\" is never closed"), "%s", err);
}
