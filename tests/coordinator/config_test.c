/*
 * tests/coordinator/config_test.c - bengal.yaml loading (coordinator/config.h).
 *
 * Each test builds a real site directory under a fresh mkdtemp() directory
 * and chdir()s into it (criterion runs each test in its own child), so the
 * site is "site" and messages name "site/bengal.yaml".  stderr is pointed
 * at a temporary file and every message is compared exactly.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/config.h"
#include "shared/arena.h"
#include "shared/ctx.h"
#include "tests/capture.h"
#include "shared/fs.h"

static bf_arena_t *A;
static char tmpdir[64];

static void setup(void)
{
    A = bf_arena_create(0);
    cr_assert_not_null(A);
    bf_ctx.log_level = BF_LOG_INFO;
    bf_ctx.role = BF_ROLE_COORD;
    strcpy(tmpdir, "/tmp/bf-config-test-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    cr_assert_eq(chdir(tmpdir), 0);
    cr_assert_eq(mkdir("site", 0755), 0);
}

static void teardown(void)
{
    cr_assert_eq(chdir("/"), 0);
    bf_fs_remove_tree(tmpdir);
    bf_arena_destroy(A);
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}


/* Loads site_dir; checks the return code and the exact stderr output. */
static bf_config_t load(const char *site_dir, int want_rc, const char *want_err)
{
    bf_config_t c;
    char *err;
    int rc;

    int fd = open(site_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert(fd >= 0, "cannot open %s", site_dir);
    cap_start();
    rc = bf_config_load(A, fd, site_dir, NULL, &c);
    err = cap_end();
    close(fd);
    cr_assert_str_eq(err, want_err);
    cr_assert_eq(rc, want_rc);
    free(err);
    return c;
}

static bf_config_t load_yaml(const char *text, int want_rc, const char *want_err)
{
    put_file("site/bengal.yaml", text);
    return load("site", want_rc, want_err);
}

static void assert_defaults_but_title(const bf_config_t *c)
{
    cr_assert_str_eq(c->baseurl, "");
    cr_assert_str_eq(c->language, "en");
    cr_assert_str_eq(c->output_dir, "public");
    cr_assert_eq(c->pretty_urls, true);
    cr_assert_eq(c->md_unsafe, false);
    cr_assert_eq(c->anchor_links, false);
    cr_assert_eq(c->toc_min, 2);
    cr_assert_eq(c->toc_max, 4);
    cr_assert_eq(c->per_page, 10);
    cr_assert_eq(c->max_file_size, 16 << 20);
    cr_assert_eq(c->n_taxonomies, 2);
    cr_assert_str_eq(c->taxonomies[0].plural, "tags");
    cr_assert_str_eq(c->taxonomies[0].singular, "tag");
    cr_assert_str_eq(c->taxonomies[1].plural, "categories");
    cr_assert_str_eq(c->taxonomies[1].singular, "category");
    cr_assert_null(c->menus);
    cr_assert(c->out_sitemap && c->out_rss && c->out_search && c->out_llms && c->out_robots);
    cr_assert_null(c->params);
    cr_assert_str_eq(c->katex_dir, "/usr/share/javascript/katex");
    cr_assert_not_null(c->root);
    cr_assert_eq(c->root->kind, BF_VAL_MAP);
}

TestSuite(config, .init = setup, .fini = teardown);

Test(config, defaults_without_a_file)
{
    bf_config_t c;

    cr_assert_eq(mkdir("site/my-docs", 0755), 0);
    c = load("site/my-docs", 0, "");
    cr_assert_null(c.file);
    cr_assert_str_eq(c.title, "my-docs");
    cr_assert_eq(c.root->u.c.n, 0);
    assert_defaults_but_title(&c);

    cr_assert_eq(chdir("site/my-docs"), 0);
    c = load(".", 0, "");
    cr_assert_str_eq(c.title, "my-docs"); /* the directory's real name, not "." */
}

Test(config, empty_file_gives_defaults)
{
    bf_config_t c = load_yaml("# nothing yet\n", 0, "");

    cr_assert_str_eq(c.file, "site/bengal.yaml");
    cr_assert_str_eq(c.title, "site");
    assert_defaults_but_title(&c);
}

Test(config, every_key)
{
    bf_config_t c = load_yaml("title: My Docs\n"
                              "baseurl: https://example.org/docs/\n"
                              "language: fr\n"
                              "build:\n"
                              "  output_dir: out/site/\n"
                              "  pretty_urls: false\n"
                              "  max_file_size: 1048576\n"
                              "markdown:\n"
                              "  unsafe: true\n"
                              "  toc_depth: \"1-3\"\n"
                              "  anchor_links: true\n"
                              "pagination:\n"
                              "  per_page: 25\n"
                              "taxonomies:\n"
                              "  tags: tag\n"
                              "  authors: author\n"
                              "menus:\n"
                              "  main:\n"
                              "    - name: Home\n"
                              "      url: /\n"
                              "      weight: 1\n"
                              "    - name: Guide\n"
                              "      page: docs/guide\n"
                              "      identifier: guide\n"
                              "      children:\n"
                              "        - {name: Setup, page: docs/setup}\n"
                              "outputs:\n"
                              "  sitemap: false\n"
                              "  rss: false\n"
                              "  search: true\n"
                              "  llms: false\n"
                              "  robots: false\n"
                              "params:\n"
                              "  github: https://github.com/x/y\n"
                              "  nested: {a: 1}\n"
                              "math:\n"
                              "  katex_dir: vendor/katex\n",
                              0, "");

    cr_assert_str_eq(c.file, "site/bengal.yaml");
    cr_assert_str_eq(c.title, "My Docs");
    cr_assert_str_eq(c.baseurl, "https://example.org/docs");
    cr_assert_str_eq(c.language, "fr");
    cr_assert_str_eq(c.output_dir, "out/site");
    cr_assert_eq(c.pretty_urls, false);
    cr_assert_eq(c.max_file_size, 1048576);
    cr_assert_eq(c.md_unsafe, true);
    cr_assert_eq(c.toc_min, 1);
    cr_assert_eq(c.toc_max, 3);
    cr_assert_eq(c.anchor_links, true);
    cr_assert_eq(c.per_page, 25);
    cr_assert_eq(c.n_taxonomies, 2);
    cr_assert_str_eq(c.taxonomies[0].plural, "tags");
    cr_assert_str_eq(c.taxonomies[0].singular, "tag");
    cr_assert_str_eq(c.taxonomies[1].plural, "authors");
    cr_assert_str_eq(c.taxonomies[1].singular, "author");
    cr_assert_not_null(c.menus);
    cr_assert_eq(c.menus->kind, BF_VAL_MAP);
    cr_assert_eq(bf_value_get(c.menus, "main")->u.c.n, 2);
    cr_assert_eq(c.out_sitemap, false);
    cr_assert_eq(c.out_rss, false);
    cr_assert_eq(c.out_search, true);
    cr_assert_eq(c.out_llms, false);
    cr_assert_eq(c.out_robots, false);
    cr_assert_not_null(c.params);
    cr_assert_str_eq(bf_value_get(c.params, "github")->u.s.ptr, "https://github.com/x/y");
    cr_assert_eq(bf_value_path(c.root, "params.nested.a")->u.i, 1);
    cr_assert_str_eq(c.katex_dir, "vendor/katex");
    cr_assert_eq(c.root->u.c.n, 11);
}

Test(config, yml_is_accepted)
{
    bf_config_t c;

    put_file("site/bengal.yml", "title: Y\n");
    c = load("site", 0, "");
    cr_assert_str_eq(c.file, "site/bengal.yml");
    cr_assert_str_eq(c.title, "Y");
}

Test(config, file_names_for_dot_and_trailing_slash)
{
    put_file("site/bengal.yaml", "titel: x\n");
    load("site/", 0,
         "site/bengal.yaml:1:1: warning: unknown key \"titel\" (did you mean "
         "\"title\"?)\n");
    cr_assert_eq(chdir("site"), 0);
    load(".", 0,
         "bengal.yaml:1:1: warning: unknown key \"titel\" (did you mean "
         "\"title\"?)\n");
}

Test(config, toml_is_an_error)
{
    put_file("site/bengal.toml", "title = \"x\"\n");
    load("site", -1,
         "site/bengal.toml: error: TOML is not supported; write the config as bengal.yaml\n");
}

Test(config, yaml_and_yml_both_present)
{
    bf_config_t c;

    put_file("site/bengal.yaml", "title: A\n");
    put_file("site/bengal.yml", "title: B\n");
    c = load("site", -1,
             "bengal-farm: error: both \"site/bengal.yaml\" and \"site/bengal.yml\" exist; "
             "keep only one of them\n");
    cr_assert_str_eq(c.title, "site"); /* neither was read */
}

Test(config, invalid_yaml)
{
    load_yaml("title: x\nbuild: a: b\n", -1,
              "site/bengal.yaml:2:9: error: invalid YAML: mapping values are not allowed in "
              "this context\n");
    load_yaml("- a\n", -1,
              "site/bengal.yaml:1:1: error: the config must be a map of keys, "
              "not a list\n");
}

Test(config, wrong_types_are_all_reported)
{
    bf_config_t c = load_yaml("title: 1984\n"
                              "baseurl: [x]\n"
                              "build:\n"
                              "  pretty_urls: \"yes\"\n"
                              "  max_file_size: -1\n"
                              "markdown: true\n"
                              "pagination:\n"
                              "  per_page: 0\n"
                              "outputs:\n"
                              "  rss: 1\n"
                              "taxonomies: tags\n"
                              "menus: [a]\n"
                              "params: 3\n",
                              -1,
                              "site/bengal.yaml:1:8: error: \"title\" must be a string (put "
                              "the value in quotes)\n"
                              "site/bengal.yaml:2:10: error: \"baseurl\" must be a string, not "
                              "a list\n"
                              "site/bengal.yaml:4:16: error: \"build.pretty_urls\" must be "
                              "true or false\n"
                              "site/bengal.yaml:5:18: error: \"build.max_file_size\" must be a "
                              "positive integer\n"
                              "site/bengal.yaml:6:11: error: \"markdown\" must be a map of "
                              "keys, not a boolean\n"
                              "site/bengal.yaml:8:13: error: \"pagination.per_page\" must be a "
                              "positive integer\n"
                              "site/bengal.yaml:10:8: error: \"outputs.rss\" must be true or "
                              "false\n"
                              "site/bengal.yaml:11:13: error: \"taxonomies\" must map plural "
                              "names to singular ones (tags: tag)\n"
                              "site/bengal.yaml:12:8: error: \"menus\" must map menu names to "
                              "lists of items\n"
                              "site/bengal.yaml:13:9: error: \"params\" must be a map of keys, "
                              "not a number\n");

    /* fields keep their defaults when the value is wrong */
    cr_assert_str_eq(c.title, "site");
    cr_assert_eq(c.per_page, 10);
    cr_assert_eq(c.pretty_urls, true);
    cr_assert_eq(c.out_rss, true);
}

Test(config, unknown_keys_are_warnings_with_suggestions)
{
    size_t before = bf_ctx.n_warnings;
    bf_config_t c = load_yaml("titel: Docs\n"
                              "build:\n"
                              "  output_dri: out\n"
                              "  colour: blue\n"
                              "outputs:\n"
                              "  sitemaps: false\n"
                              "params:\n"
                              "  anything: goes\n"
                              "taxonomies:\n"
                              "  labels: label\n"
                              "zzzzzzzzzz: 1\n",
                              0,
                              "site/bengal.yaml:1:1: warning: unknown key \"titel\" (did you "
                              "mean \"title\"?)\n"
                              "site/bengal.yaml:11:1: warning: unknown key \"zzzzzzzzzz\"\n"
                              "site/bengal.yaml:3:3: warning: unknown key \"build.output_dri\" "
                              "(did you mean \"build.output_dir\"?)\n"
                              "site/bengal.yaml:4:3: warning: unknown key \"build.colour\"\n"
                              "site/bengal.yaml:6:3: warning: unknown key \"outputs.sitemaps\" "
                              "(did you mean \"outputs.sitemap\"?)\n");

    cr_assert_eq(bf_ctx.n_warnings, before + 5);
    cr_assert_str_eq(c.title, "site");
    cr_assert_str_eq(c.output_dir, "public");
    cr_assert_eq(c.n_taxonomies, 1);
    cr_assert_str_eq(c.taxonomies[0].singular, "label");
}

Test(config, toc_depth)
{
    bf_config_t c = load_yaml("markdown:\n  toc_depth: \"2-4\"\n", 0, "");
    cr_assert_eq(c.toc_min, 2);
    cr_assert_eq(c.toc_max, 4);

    c = load_yaml("markdown:\n  toc_depth: \"3\"\n", 0, "");
    cr_assert_eq(c.toc_min, 3);
    cr_assert_eq(c.toc_max, 3);

    c = load_yaml("markdown:\n  toc_depth: 6\n", 0, "");
    cr_assert_eq(c.toc_min, 6);
    cr_assert_eq(c.toc_max, 6);

    c = load_yaml("markdown:\n  toc_depth: 1-6\n", 0, "");
    cr_assert_eq(c.toc_min, 1);
    cr_assert_eq(c.toc_max, 6);

    static const char *bad[] = {"\"5-2\"", "\"0-3\"", "\"2-7\"", "7", "x", "\"2-\"", "[2, 4]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[64];
        snprintf(text, sizeof(text), "markdown:\n  toc_depth: %s\n", bad[i]);
        c = load_yaml(text, -1,
                      "site/bengal.yaml:2:14: error: \"markdown.toc_depth\" must be a range "
                      "of heading levels like \"2-4\" or one level like \"3\" (levels 1 to 6, "
                      "low to high)\n");
        cr_assert_eq(c.toc_min, 2);
        cr_assert_eq(c.toc_max, 4);
    }
}

Test(config, output_dir_is_checked)
{
    bf_config_t c = load_yaml("build:\n  output_dir: public/\n", 0, "");
    cr_assert_str_eq(c.output_dir, "public");

    load_yaml("build:\n  output_dir: content\n", -1,
              "site/bengal.yaml:2:15: error: \"build.output_dir\" cannot be inside "
              "\"content/\": the build reads that directory\n");
    load_yaml("build:\n  output_dir: static/out\n", -1,
              "site/bengal.yaml:2:15: error: \"build.output_dir\" cannot be inside "
              "\"static/\": the build reads that directory\n");
    load_yaml("build:\n  output_dir: .bengal\n", -1,
              "site/bengal.yaml:2:15: error: \"build.output_dir\" cannot be inside "
              "\".bengal/\": the build reads that directory\n");
    load_yaml("build:\n  output_dir: ../www\n", -1,
              "site/bengal.yaml:2:15: error: \"build.output_dir\" must be a relative path "
              "inside the site: \"../www\" contains \"..\"\n");
    load_yaml("build:\n  output_dir: /var/www\n", -1,
              "site/bengal.yaml:2:15: error: \"build.output_dir\" must be a relative path "
              "inside the site: \"/var/www\" is absolute\n");
    c = load_yaml("build:\n  output_dir: contents\n", 0, "");
    cr_assert_str_eq(c.output_dir, "contents");
}

Test(config, taxonomies_as_a_list)
{
    bf_config_t c = load_yaml("taxonomies: [tags, categories, authors, series]\n", 0, "");

    cr_assert_eq(c.n_taxonomies, 4);
    cr_assert_str_eq(c.taxonomies[0].singular, "tag");
    cr_assert_str_eq(c.taxonomies[1].singular, "category");
    cr_assert_str_eq(c.taxonomies[2].singular, "author");
    cr_assert_str_eq(c.taxonomies[3].plural, "series");

    c = load_yaml("taxonomies: []\n", 0, "");
    cr_assert_eq(c.n_taxonomies, 0);

    load_yaml("taxonomies: [tags, tags, a/b]\n", -1,
              "site/bengal.yaml:1:20: error: taxonomy \"tags\" is listed twice\n"
              "site/bengal.yaml:1:26: error: taxonomy name \"a/b\" must be one URL path "
              "segment\n");
    load_yaml("taxonomies:\n  tags: [x]\n", -1,
              "site/bengal.yaml:2:9: error: taxonomy \"tags\" needs its singular name as a "
              "string (tags: ...)\n");
}

Test(config, too_many_taxonomies)
{
    char text[1024] = "taxonomies: [";
    for (int i = 0; i < 17; i++)
        sprintf(text + strlen(text), "%st%02d", i ? ", " : "", i);
    strcat(text, "]\n");
    load_yaml(text, -1, "site/bengal.yaml:1:94: error: too many taxonomies (at most 16)\n");
}

Test(config, menus_are_checked)
{
    load_yaml("menus:\n"
              "  main:\n"
              "    - name: A\n"
              "    - url: /b\n"
              "    - name: C\n"
              "      url: /c\n"
              "      page: c\n"
              "      wieght: 2\n"
              "    - name: D\n"
              "      url: /d\n"
              "      weight: heavy\n"
              "      children: {name: x}\n"
              "    - just a string\n"
              "  footer: {name: x}\n",
              -1,
              "site/bengal.yaml:3:7: error: menu item in \"main\" needs \"url\" or \"page\"\n"
              "site/bengal.yaml:4:7: error: menu item in \"main\" needs a \"name\" string\n"
              "site/bengal.yaml:8:7: warning: unknown key \"wieght\" (did you mean "
              "\"weight\"?)\n"
              "site/bengal.yaml:7:13: error: menu item in \"main\" has both \"url\" and "
              "\"page\"; keep one\n"
              "site/bengal.yaml:11:15: error: menu item \"weight\" must be an integer\n"
              "site/bengal.yaml:12:17: error: menu \"main\" must be a list of items\n"
              "site/bengal.yaml:13:7: error: items of menu \"main\" must be maps with "
              "\"name\" and \"url\" or \"page\"\n"
              "site/bengal.yaml:14:11: error: menu \"footer\" must be a list of items\n");
}

Test(config, null_values_mean_defaults)
{
    bf_config_t c = load_yaml("title:\nbuild:\n  output_dir: ~\nmarkdown:\n", 0, "");

    cr_assert_str_eq(c.title, "site");
    cr_assert_str_eq(c.output_dir, "public");
    cr_assert_eq(c.toc_min, 2);
}
