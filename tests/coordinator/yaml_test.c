/*
 * tests/coordinator/yaml_test.c - the libyaml adapter (coordinator/yaml.h).
 *
 * Every refusal is checked with its exact message and position, read back
 * from stderr (fd 2 is pointed at a temporary file inside the test; each
 * criterion test runs in its own child, so nothing leaks between tests).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "coordinator/yaml.h"
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


static bf_value_t *parse_ok(const char *text, unsigned first_line)
{
    bf_value_t *v = NULL;
    char *err;
    int rc;

    cap_start();
    rc = bf_yaml_parse(A, "t.yaml", text, strlen(text), first_line, NULL, &v);
    err = cap_end();
    cr_assert_eq(rc, 0, "parse failed: %s", err);
    cr_assert_str_empty(err);
    free(err);
    cr_assert_not_null(v);
    return v;
}

/* Parses text (len bytes) expecting failure and exactly the message want. */
static void parse_err_n(const char *text, size_t len, const bf_yaml_limits_t *lim, const char *want)
{
    bf_value_t *v = (bf_value_t *)1;
    char *err;
    int rc;

    cap_start();
    rc = bf_yaml_parse(A, "t.yaml", text, len, 1, lim, &v);
    err = cap_end();
    cr_assert_eq(rc, -1, "parse of [%s] succeeded", text);
    cr_assert_null(v);
    cr_assert_str_eq(err, want);
    free(err);
}

static void parse_err(const char *text, const char *want)
{
    parse_err_n(text, strlen(text), NULL, want);
}

static const bf_value_t *at(const bf_value_t *m, const char *key)
{
    const bf_value_t *v = bf_value_get(m, key);
    cr_assert_not_null(v, "no key %s", key);
    return v;
}

static void assert_pos(const bf_value_t *v, unsigned line, unsigned col)
{
    cr_assert_eq(v->line, line, "line %u, want %u", v->line, line);
    cr_assert_eq(v->col, col, "col %u, want %u", v->col, col);
}

TestSuite(yaml, .init = setup, .fini = teardown);

Test(yaml, scalars_of_every_type)
{
    const bf_value_t *m = parse_ok("n1: ~\n"
                                   "n2: null\n"
                                   "n3: NULL\n"
                                   "n4:\n"
                                   "b1: true\n"
                                   "b2: False\n"
                                   "b3: TRUE\n"
                                   "i1: 42\n"
                                   "i2: -17\n"
                                   "i3: 0x1F\n"
                                   "i4: 0o17\n"
                                   "i5: +9223372036854775807\n"
                                   "i6: -9223372036854775808\n"
                                   "f1: 1.5\n"
                                   "f2: -2e3\n"
                                   "f3: .inf\n"
                                   "f4: -.Inf\n"
                                   "f5: .NaN\n"
                                   "f6: 9223372036854775808\n"
                                   "s1: hello world\n"
                                   "s2: 2024-01-05\n"
                                   "s3: yes\n"
                                   "s4: 0xFFFFFFFFFFFFFFFFFF\n"
                                   "s5: 1_000\n",
                                   1);
    cr_assert_eq(m->kind, BF_VAL_MAP);
    cr_assert_eq(m->u.c.n, 24);
    cr_assert_eq(at(m, "n1")->kind, BF_VAL_NULL);
    cr_assert_eq(at(m, "n2")->kind, BF_VAL_NULL);
    cr_assert_eq(at(m, "n3")->kind, BF_VAL_NULL);
    cr_assert_eq(at(m, "n4")->kind, BF_VAL_NULL);
    cr_assert_eq(at(m, "b1")->kind, BF_VAL_BOOL);
    cr_assert_eq(at(m, "b1")->u.b, true);
    cr_assert_eq(at(m, "b2")->u.b, false);
    cr_assert_eq(at(m, "b3")->u.b, true);
    cr_assert_eq(at(m, "i1")->kind, BF_VAL_INT);
    cr_assert_eq(at(m, "i1")->u.i, 42);
    cr_assert_eq(at(m, "i2")->u.i, -17);
    cr_assert_eq(at(m, "i3")->u.i, 31);
    cr_assert_eq(at(m, "i4")->u.i, 15);
    cr_assert_eq(at(m, "i5")->u.i, INT64_MAX);
    cr_assert_eq(at(m, "i6")->kind, BF_VAL_INT);
    cr_assert_eq(at(m, "i6")->u.i, INT64_MIN);
    cr_assert_eq(at(m, "f1")->kind, BF_VAL_FLOAT);
    cr_assert_eq(at(m, "f1")->u.f, 1.5);
    cr_assert_eq(at(m, "f2")->u.f, -2000.0);
    cr_assert(isinf(at(m, "f3")->u.f) && at(m, "f3")->u.f > 0);
    cr_assert(isinf(at(m, "f4")->u.f) && at(m, "f4")->u.f < 0);
    cr_assert(isnan(at(m, "f5")->u.f));
    /* too big for int64: the core schema's float pattern still matches */
    cr_assert_eq(at(m, "f6")->kind, BF_VAL_FLOAT);
    cr_assert_eq(at(m, "f6")->u.f, 9223372036854775808.0);
    cr_assert_eq(at(m, "s1")->kind, BF_VAL_STRING);
    cr_assert_str_eq(at(m, "s1")->u.s.ptr, "hello world");
    cr_assert_eq(at(m, "s1")->u.s.len, 11);
    cr_assert_str_eq(at(m, "s2")->u.s.ptr, "2024-01-05"); /* dates stay strings */
    cr_assert_str_eq(at(m, "s3")->u.s.ptr, "yes");        /* YAML 1.2: not a bool */
    cr_assert_str_eq(at(m, "s4")->u.s.ptr, "0xFFFFFFFFFFFFFFFFFF");
    cr_assert_str_eq(at(m, "s5")->u.s.ptr, "1_000");
}

Test(yaml, quoted_and_block_scalars_are_strings)
{
    const bf_value_t *m = parse_ok("a: '42'\n"
                                   "b: \"true\"\n"
                                   "c: |\n"
                                   "  line one\n"
                                   "  ~\n"
                                   "d: >\n"
                                   "  folded\n"
                                   "  text\n"
                                   "e: \"tab\\there\"\n"
                                   "f: ''\n",
                                   1);
    cr_assert_eq(at(m, "a")->kind, BF_VAL_STRING);
    cr_assert_str_eq(at(m, "a")->u.s.ptr, "42");
    cr_assert_str_eq(at(m, "b")->u.s.ptr, "true");
    cr_assert_str_eq(at(m, "c")->u.s.ptr, "line one\n~\n");
    cr_assert_str_eq(at(m, "d")->u.s.ptr, "folded text\n");
    cr_assert_str_eq(at(m, "e")->u.s.ptr, "tab\there");
    cr_assert_eq(at(m, "f")->kind, BF_VAL_STRING);
    cr_assert_eq(at(m, "f")->u.s.len, 0);
}

Test(yaml, explicit_core_tags)
{
    const bf_value_t *m = parse_ok("a: !!str 12\n"
                                   "b: !!int \"12\"\n"
                                   "c: !!float 3\n"
                                   "d: !!bool \"false\"\n"
                                   "e: !!null ''\n"
                                   "f: !!map {x: 1}\n"
                                   "g: !!seq [1]\n"
                                   "h: ! 12\n",
                                   1);
    cr_assert_eq(at(m, "a")->kind, BF_VAL_STRING);
    cr_assert_str_eq(at(m, "a")->u.s.ptr, "12");
    cr_assert_eq(at(m, "b")->kind, BF_VAL_INT);
    cr_assert_eq(at(m, "b")->u.i, 12);
    cr_assert_eq(at(m, "c")->kind, BF_VAL_FLOAT);
    cr_assert_eq(at(m, "c")->u.f, 3.0);
    cr_assert_eq(at(m, "d")->kind, BF_VAL_BOOL);
    cr_assert_eq(at(m, "d")->u.b, false);
    cr_assert_eq(at(m, "e")->kind, BF_VAL_NULL);
    cr_assert_eq(at(m, "f")->kind, BF_VAL_MAP);
    cr_assert_eq(at(m, "g")->kind, BF_VAL_LIST);
    cr_assert_eq(at(m, "h")->kind, BF_VAL_STRING);
}

Test(yaml, nested_maps_and_lists_keep_order)
{
    const bf_value_t *m = parse_ok("zeta: 1\n"
                                   "alpha:\n"
                                   "  - x\n"
                                   "  - {k: v, j: [1, 2]}\n"
                                   "  - - deep\n"
                                   "mid:\n"
                                   "  b: 2\n"
                                   "  a: 1\n",
                                   1);
    const bf_value_t *l, *fm, *inner, *mid;

    cr_assert_eq(m->u.c.n, 3);
    cr_assert_str_eq(m->u.c.keys[0], "zeta");
    cr_assert_str_eq(m->u.c.keys[1], "alpha");
    cr_assert_str_eq(m->u.c.keys[2], "mid");
    l = at(m, "alpha");
    cr_assert_eq(l->kind, BF_VAL_LIST);
    cr_assert_eq(l->u.c.n, 3);
    cr_assert_str_eq(l->u.c.items[0]->u.s.ptr, "x");
    fm = l->u.c.items[1];
    cr_assert_eq(fm->kind, BF_VAL_MAP);
    cr_assert_str_eq(fm->u.c.keys[0], "k");
    cr_assert_str_eq(fm->u.c.keys[1], "j");
    cr_assert_eq(at(fm, "j")->u.c.n, 2);
    cr_assert_eq(at(fm, "j")->u.c.items[1]->u.i, 2);
    inner = l->u.c.items[2];
    cr_assert_eq(inner->kind, BF_VAL_LIST);
    cr_assert_str_eq(inner->u.c.items[0]->u.s.ptr, "deep");
    mid = at(m, "mid");
    cr_assert_str_eq(mid->u.c.keys[0], "b");
    cr_assert_str_eq(mid->u.c.keys[1], "a");
    cr_assert_eq(bf_value_path(m, "mid.a")->u.i, 1);
}

Test(yaml, positions_with_first_line)
{
    const bf_value_t *m = parse_ok("title: Hello\n"
                                   "tags: [a, bb]\n"
                                   "sub:\n"
                                   "    x: 'q'\n",
                                   10);
    const bf_value_t *tags = at(m, "tags");
    unsigned line, col;
    bf_yaml_keys_t *keys;
    bf_value_t *v;

    assert_pos(m, 10, 1);
    assert_pos(at(m, "title"), 10, 8);
    assert_pos(tags, 11, 7);
    assert_pos(tags->u.c.items[0], 11, 8);
    assert_pos(tags->u.c.items[1], 11, 11);
    assert_pos(at(m, "sub"), 13, 5);
    assert_pos(bf_value_path(m, "sub.x"), 13, 8);

    /* the key side table */
    const char *text = "a: 1\n  # c\nsub:\n  key: 2\n";
    cr_assert_eq(bf_yaml_parse_keys(A, "t.yaml", text, strlen(text), 5, NULL, &v, &keys), 0);
    bf_yaml_key_pos(keys, v, 0, &line, &col);
    cr_assert_eq(line, 5);
    cr_assert_eq(col, 1);
    bf_yaml_key_pos(keys, v, 1, &line, &col);
    cr_assert_eq(line, 7);
    cr_assert_eq(col, 1);
    bf_yaml_key_pos(keys, at(v, "sub"), 0, &line, &col);
    cr_assert_eq(line, 8);
    cr_assert_eq(col, 3);
    bf_yaml_key_pos(keys, v, 2, &line, &col); /* out of range */
    cr_assert_eq(line, 0);
    bf_yaml_key_pos(NULL, v, 0, &line, &col);
    cr_assert_eq(col, 0);
}

Test(yaml, empty_document_is_null)
{
    cr_assert_eq(parse_ok("", 1)->kind, BF_VAL_NULL);
    cr_assert_eq(parse_ok("# only a comment\n\n", 1)->kind, BF_VAL_NULL);
    cr_assert_eq(parse_ok("---\n", 1)->kind, BF_VAL_NULL);
    cr_assert_eq(parse_ok("[]", 1)->u.c.n, 0);
}

Test(yaml, bom_is_skipped)
{
    const bf_value_t *m = parse_ok("\xEF\xBB\xBFtitle: x\n", 1);
    assert_pos(at(m, "title"), 1, 8);
}

Test(yaml, refuses_aliases_and_anchors)
{
    parse_err("a: 1\nb: *x\n", "t.yaml:2:4: error: YAML anchors and aliases are not supported\n");
    parse_err("a: &x 1\n", "t.yaml:1:4: error: YAML anchors and aliases are not supported\n");
    parse_err("- ok\n- &list [1]\n",
              "t.yaml:2:3: error: YAML anchors and aliases are not supported\n");
    parse_err("base: &b {x: 1}\n",
              "t.yaml:1:7: error: YAML anchors and aliases are not supported\n");
    parse_err("a:\n  <<: *base\n",
              "t.yaml:2:7: error: YAML anchors and aliases are not supported\n");
}

Test(yaml, alias_bomb_is_refused_quickly)
{
    /* The "billion laughs": nine levels of nine references each would
     * expand to 9^9 strings if aliases were followed. */
    char text[4096];
    size_t n = 0;
    struct timespec t0, t1;

    n += (size_t)snprintf(text + n, sizeof(text) - n, "a: &a [\"lol\"");
    for (int j = 1; j < 9; j++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, ",\"lol\"");
    n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n");
    for (char c = 'b'; c <= 'i'; c++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%c: &%c [*%c", c, c, c - 1);
        for (int j = 1; j < 9; j++)
            n += (size_t)snprintf(text + n, sizeof(text) - n, ",*%c", c - 1);
        n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n");
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    parse_err(text, "t.yaml:1:4: error: YAML anchors and aliases are not supported\n");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_lt((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec), 0.1e9);
    cr_assert_lt(bf_arena_used(A), 64 * 1024);
}

Test(yaml, refuses_duplicate_keys)
{
    parse_err("title: a\nx: 1\ntitle: b\n",
              "t.yaml:3:1: error: duplicate key \"title\" (first at line 1)\n");
    parse_err("m: {a: 1, b: 2, a: 3}\n",
              "t.yaml:1:17: error: duplicate key \"a\" (first at line 1)\n");
    /* the same name in different maps is fine */
    cr_assert_eq(parse_ok("a: {x: 1}\nb: {x: 2}\n", 1)->u.c.n, 2);
}

Test(yaml, duplicate_keys_in_a_large_map)
{
    /* past the size where the duplicate check switches to a hash index */
    char *text = malloc(1000 * 16 + 64);
    size_t n = 0;
    bf_value_t *v;

    for (int i = 0; i < 1000; i++)
        n += (size_t)sprintf(text + n, "key%d: %d\n", i, i);
    v = parse_ok(text, 1);
    cr_assert_eq(v->u.c.n, 1000);
    cr_assert_eq(at(v, "key999")->u.i, 999);
    sprintf(text + n, "key500: x\n");
    parse_err(text, "t.yaml:1001:1: error: duplicate key \"key500\" (first at line 501)\n");
    free(text);
}

Test(yaml, refuses_non_scalar_keys)
{
    parse_err("? [a, b]\n: 1\n", "t.yaml:1:3: error: YAML map keys must be scalars, not a list\n");
    parse_err("{{a: 1}: 2}\n", "t.yaml:1:2: error: YAML map keys must be scalars, not a map\n");
}

Test(yaml, refuses_multiple_documents)
{
    parse_err("a: 1\n---\nb: 2\n",
              "t.yaml:2:1: error: more than one YAML document is not supported\n");
    parse_err("--- 1\n--- 2\n",
              "t.yaml:2:1: error: more than one YAML document is not supported\n");
}

Test(yaml, refuses_unknown_tags)
{
    parse_err("a: !!binary aGVsbG8=\n",
              "t.yaml:1:4: error: unsupported YAML tag \"!!binary\" (known: !!str, !!int, "
              "!!float, !!bool, !!null, !!map, !!seq)\n");
    parse_err("a: !custom x\n",
              "t.yaml:1:4: error: unsupported YAML tag \"!custom\" (known: !!str, !!int, "
              "!!float, !!bool, !!null, !!map, !!seq)\n");
    parse_err("a: !!set {x}\n", "t.yaml:1:4: error: unsupported YAML tag \"!!set\" on a map\n");
    parse_err("a: !!map [1]\n", "t.yaml:1:4: error: unsupported YAML tag \"!!map\" on a list\n");
    parse_err("a: !!int 1.5\n", "t.yaml:1:4: error: \"1.5\" is not a valid !!int\n");
    parse_err("a: !!int 99999999999999999999\n",
              "t.yaml:1:4: error: integer \"99999999999999999999\" is out of range\n");
    parse_err("a: !!bool yes\n", "t.yaml:1:4: error: \"yes\" is not a valid !!bool\n");
    parse_err("a: !!null x\n", "t.yaml:1:4: error: \"x\" is not a valid !!null\n");
}

Test(yaml, syntax_errors_name_libyaml_problem)
{
    parse_err("title: x\ndate: a: b\n",
              "t.yaml:2:8: error: invalid YAML: mapping values are not allowed in this "
              "context\n");
    parse_err("a: [1, 2\n", "t.yaml:2:1: error: invalid YAML: did not find expected ',' or ']' "
                            "(while parsing a flow sequence at line 1)\n");
    parse_err("a: \"open\n", "t.yaml:2:1: error: invalid YAML: found unexpected end of stream "
                             "(while scanning a quoted scalar at line 1)\n");
    parse_err("a: b\n\tc: d\n",
              "t.yaml:2:1: error: invalid YAML: found a tab character that violates "
              "indentation (while scanning a plain scalar at line 1)\n");
}

Test(yaml, syntax_error_line_counts_from_first_line)
{
    bf_value_t *v;
    char *err;

    cap_start();
    cr_assert_eq(bf_yaml_parse(A, "content/a.md", "t: 1\nab: c: d\n", 12, 2, NULL, &v), -1);
    err = cap_end();
    cr_assert_str_eq(err, "content/a.md:3:6: error: invalid YAML: mapping values are not "
                          "allowed in this context\n");
    free(err);
}

Test(yaml, invalid_utf8_is_reported_with_position)
{
    parse_err("a: 1\ntitle: \"caf\xC3\xA9 \xFF\"\n",
              "t.yaml:2:14: error: invalid UTF-8: invalid leading UTF-8 octet (0xFF)\n");
    parse_err("title: ab\xC3(\n",
              "t.yaml:1:10: error: invalid UTF-8: invalid trailing UTF-8 octet (0x28)\n");
    /* overlong encoding of '/' and a UTF-16 surrogate */
    parse_err("t: \xC0\xAF\n",
              "t.yaml:1:4: error: invalid UTF-8: invalid length of a UTF-8 sequence\n");
    parse_err("t: \xED\xA0\x80\n",
              "t.yaml:1:4: error: invalid UTF-8: invalid Unicode character (0xD800)\n");
    parse_err("t: \xE2\x82(\n",
              "t.yaml:1:4: error: invalid UTF-8: invalid trailing UTF-8 octet (0x28)\n");
    parse_err("t: x\xE2\x82",
              "t.yaml:1:5: error: invalid UTF-8: incomplete UTF-8 octet sequence\n");
}

Test(yaml, refuses_nul_bytes)
{
    parse_err_n("a: b\0c\n", 7, NULL,
                "t.yaml:1:5: error: invalid YAML: control characters are not allowed "
                "(0x00)\n");
    parse_err("a: \"x\\0y\"\n",
              "t.yaml:1:4: error: NUL characters are not allowed in YAML strings\n");
}

Test(yaml, depth_limit)
{
    bf_yaml_limits_t lim = {3, 1000};
    bf_value_t *v;

    cr_assert_eq(bf_yaml_parse(A, "t.yaml", "a: {b: [1]}", 11, 1, &lim, &v), 0);
    parse_err_n("a: {b: [[1]]}", 13, &lim,
                "t.yaml:1:9: error: YAML nesting depth is over the limit of 3\n");
    parse_err_n("a:\n  b:\n    c:\n      d: 1\n", 25, &lim,
                "t.yaml:4:7: error: YAML nesting depth is over the limit of 3\n");
}

Test(yaml, deep_flow_list_is_refused)
{
    char text[401];

    memset(text, '[', 200);
    memset(text + 200, ']', 200);
    text[400] = '\0';
    parse_err(text, "t.yaml:1:65: error: YAML nesting depth is over the limit of 64\n");
}

Test(yaml, very_deep_input_does_not_exhaust_the_stack)
{
    size_t n = 1000000;
    char *text = malloc(n + 1);

    memset(text, '[', n);
    text[n] = '\0';
    parse_err(text, "t.yaml:1:65: error: YAML nesting depth is over the limit of 64\n");
    free(text);
}

Test(yaml, node_limit)
{
    bf_yaml_limits_t lim = {64, 5};
    bf_value_t *v;

    cr_assert_eq(bf_yaml_parse(A, "t.yaml", "[1, 2, 3, 4]", 12, 1, &lim, &v), 0);
    parse_err_n("[1, 2, 3, 4, 5, 6]", 18, &lim,
                "t.yaml:1:14: error: YAML document has more than 5 nodes\n");
    /* keys count too */
    parse_err_n("{a: 1, b: 2, c: 3}", 18, &lim,
                "t.yaml:1:14: error: YAML document has more than 5 nodes\n");
}

Test(yaml, errors_count_once)
{
    bf_value_t *v;
    size_t before = bf_ctx.n_errors;
    char *err;

    cap_start();
    cr_assert_eq(bf_yaml_parse(A, "t.yaml", "a: *x\nb: *y\n", 12, 1, NULL, &v), -1);
    err = cap_end();
    cr_assert_eq(bf_ctx.n_errors, before + 1);
    cr_assert_str_eq(err, "t.yaml:1:4: error: YAML anchors and aliases are not supported\n");
    free(err);
}
