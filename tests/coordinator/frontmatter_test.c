/*
 * tests/coordinator/frontmatter_test.c - splitting markdown files into
 * front matter and body (coordinator/frontmatter.h).
 *
 * Messages are read back from stderr (fd 2 is pointed at a temporary file
 * inside the test) and compared exactly.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coordinator/frontmatter.h"
#include "shared/arena.h"
#include "shared/ctx.h"
#include "tests/capture.h"

static bf_arena_t *A;

static void setup(void)
{
    A = bf_arena_create(0);
    cr_assert_not_null(A);
    bf_ctx.log_level = BF_LOG_INFO;
    bf_ctx.role = BF_ROLE_COORD;
}

static void teardown(void)
{
    bf_arena_destroy(A);
}


static bf_fm_t split_ok_n(const char *text, size_t len)
{
    bf_fm_t fm;
    char *err;
    int rc;

    memset(&fm, 0xAB, sizeof(fm));
    cap_start();
    rc = bf_fm_parse(A, "content/a.md", text, len, NULL, &fm);
    err = cap_end();
    cr_assert_eq(rc, 0, "split failed: %s", err);
    cr_assert_str_empty(err);
    free(err);
    return fm;
}

static bf_fm_t split_ok(const char *text)
{
    return split_ok_n(text, strlen(text));
}

static void split_err(const char *text, const char *want)
{
    bf_fm_t fm;
    char *err;
    int rc;

    cap_start();
    rc = bf_fm_parse(A, "content/a.md", text, strlen(text), NULL, &fm);
    err = cap_end();
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(err, want);
    free(err);
}

static void assert_body(const bf_fm_t *fm, const char *body, unsigned line)
{
    cr_assert_eq(fm->body_len, strlen(body), "body_len %zu, want %zu", fm->body_len, strlen(body));
    cr_assert(memcmp(fm->body, body, fm->body_len) == 0, "body [%.*s]", (int)fm->body_len,
              fm->body);
    cr_assert_eq(fm->body_line, line, "body_line %u, want %u", fm->body_line, line);
}

TestSuite(fm, .init = setup, .fini = teardown);

Test(fm, basic)
{
    const char *text = "---\ntitle: Hello\nweight: 3\n---\n# Body\n\ntext\n";
    bf_fm_t fm = split_ok(text);
    const bf_value_t *t;

    cr_assert_not_null(fm.meta);
    cr_assert_eq(fm.meta->kind, BF_VAL_MAP);
    cr_assert_eq(fm.meta->u.c.n, 2);
    t = bf_value_get(fm.meta, "title");
    cr_assert_str_eq(t->u.s.ptr, "Hello");
    cr_assert_eq(t->line, 2); /* lines count from the top of the file */
    cr_assert_eq(t->col, 8);
    cr_assert_eq(bf_value_get(fm.meta, "weight")->line, 3);
    assert_body(&fm, "# Body\n\ntext\n", 5);
    cr_assert_eq(fm.body, strstr(text, "# Body")); /* points into the caller's text */
}

Test(fm, no_front_matter)
{
    const char *text = "# Title\n---\nnot: meta\n";
    bf_fm_t fm = split_ok(text);

    cr_assert_null(fm.meta);
    cr_assert_eq(fm.body, text);
    assert_body(&fm, text, 1);

    fm = split_ok("");
    cr_assert_null(fm.meta);
    assert_body(&fm, "", 1);

    /* "----" and "--- x" are not fences */
    fm = split_ok("----\na: 1\n---\n");
    cr_assert_null(fm.meta);
    cr_assert_eq(fm.body_line, 1);
    fm = split_ok("--- x\na: 1\n---\n");
    cr_assert_null(fm.meta);
}

Test(fm, empty_front_matter)
{
    bf_fm_t fm = split_ok("---\n---\n");

    cr_assert_null(fm.meta);
    assert_body(&fm, "", 3);

    fm = split_ok("---\n# just a comment\n\n---\nbody");
    cr_assert_null(fm.meta);
    assert_body(&fm, "body", 5);

    fm = split_ok("---\n{}\n---\nx\n"); /* an empty map is no front matter */
    cr_assert_null(fm.meta);
    assert_body(&fm, "x\n", 4);
}

Test(fm, closing_dots_and_trailing_blanks)
{
    bf_fm_t fm = split_ok("---  \na: 1\n...\t\nbody\n");

    cr_assert_eq(bf_value_get(fm.meta, "a")->u.i, 1);
    assert_body(&fm, "body\n", 4);

    /* closing fence on the last line, without a newline */
    fm = split_ok("---\na: 1\n---");
    cr_assert_not_null(fm.meta);
    assert_body(&fm, "", 4);
}

Test(fm, crlf)
{
    bf_fm_t fm = split_ok("---\r\ntitle: Win\r\ntags: [a, b]\r\n---\r\nbody\r\nmore\r\n");
    const bf_value_t *t = bf_value_get(fm.meta, "title");

    cr_assert_str_eq(t->u.s.ptr, "Win");
    cr_assert_eq(t->u.s.len, 3);
    cr_assert_eq(t->line, 2);
    cr_assert_eq(bf_value_get(fm.meta, "tags")->line, 3);
    assert_body(&fm, "body\r\nmore\r\n", 5);
}

Test(fm, bom)
{
    bf_fm_t fm = split_ok("\xEF\xBB\xBF---\ntitle: B\n---\nbody\n");

    cr_assert_str_eq(bf_value_get(fm.meta, "title")->u.s.ptr, "B");
    cr_assert_eq(bf_value_get(fm.meta, "title")->line, 2);
    assert_body(&fm, "body\n", 4);

    /* without front matter the BOM is not part of the body either */
    fm = split_ok("\xEF\xBB\xBF# Hi\n");
    cr_assert_null(fm.meta);
    assert_body(&fm, "# Hi\n", 1);
}

Test(fm, unterminated)
{
    split_err("---\ntitle: x\n\nbody text\n",
              "content/a.md:1:1: error: unterminated front matter: no closing \"---\"\n");
    split_err("---\n", "content/a.md:1:1: error: unterminated front matter: no closing "
                       "\"---\"\n");
    split_err("---", "content/a.md:1:1: error: unterminated front matter: no closing "
                     "\"---\"\n");
}

Test(fm, must_be_a_map)
{
    split_err("---\n- a\n- b\n---\n",
              "content/a.md:2:1: error: front matter must be a map of keys, not a list\n");
    split_err("---\njust text\n---\n",
              "content/a.md:2:1: error: front matter must be a map of keys, not a string\n");
    split_err("---\n\n42\n---\n",
              "content/a.md:3:1: error: front matter must be a map of keys, not a number\n");
}

Test(fm, yaml_errors_point_into_the_file)
{
    split_err("---\ntitle: x\ndate: a: b\n---\n",
              "content/a.md:3:8: error: invalid YAML: mapping values are not allowed in "
              "this context\n");
    split_err("---\na: 1\nb: *x\n---\n",
              "content/a.md:3:4: error: YAML anchors and aliases are not supported\n");
    split_err("---\r\na: 1\r\na: 2\r\n---\r\n",
              "content/a.md:3:1: error: duplicate key \"a\" (first at line 2)\n");
    split_err("\xEF\xBB\xBF---\ntitle: \"bad \xFF\"\n---\n",
              "content/a.md:2:13: error: invalid UTF-8: invalid leading UTF-8 octet "
              "(0xFF)\n");
}

Test(fm, nul_bytes_in_text)
{
    /* a NUL in the body is the body's business; in the YAML it is an error */
    static const char text[] = "---\na: 1\n---\nx\0y\n";
    bf_fm_t fm = split_ok_n(text, sizeof(text) - 1);
    char *err;
    int rc;

    cr_assert_eq(fm.body_len, 4);
    cr_assert(memcmp(fm.body, "x\0y\n", 4) == 0);

    static const char bad[] = "---\na: \0\n---\n";
    cap_start();
    rc = bf_fm_parse(A, "content/a.md", bad, sizeof(bad) - 1, NULL, &fm);
    err = cap_end();
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(err, "content/a.md:2:4: error: invalid YAML: control characters are "
                          "not allowed (0x00)\n");
    free(err);
}

Test(fm, limits_are_passed_on)
{
    bf_yaml_limits_t lim = {1, 100};
    const char *text = "---\na: [1]\n---\n";
    bf_fm_t fm;
    char *err;

    cap_start();
    cr_assert_eq(bf_fm_parse(A, "content/a.md", text, strlen(text), &lim, &fm), -1);
    err = cap_end();
    cr_assert_str_eq(err, "content/a.md:2:4: error: YAML nesting depth is over the limit of 1\n");
    free(err);
}
