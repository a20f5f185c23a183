/*
 * tests/shared/value_test.c - the value tree: constructors, order kept,
 * lookups by key and dotted path, deep copy.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "shared/value.h"

static bf_arena_t *A;

static void setup(void)
{
    A = bf_arena_create(0);
    cr_assert_not_null(A);
}

static void teardown(void)
{
    bf_arena_destroy(A);
}

static bf_value_t *int_v(int64_t i)
{
    bf_value_t *v = bf_value_new(A, BF_VAL_INT);
    v->u.i = i;
    return v;
}

TestSuite(value, .init = setup, .fini = teardown);

Test(value, new_is_zeroed)
{
    bf_value_t *v = bf_value_new(A, BF_VAL_MAP);
    cr_assert_eq(v->kind, BF_VAL_MAP);
    cr_assert_eq(v->u.c.n, 0);
    cr_assert_null(v->u.c.items);
    cr_assert_eq(v->line, 0);
    cr_assert_null(bf_value_get(v, "x"));
}

Test(value, string_is_copied_and_terminated)
{
    char src[] = "hello world";
    bf_value_t *v = bf_value_string(A, src, 5);
    src[0] = 'J';
    cr_assert_eq(v->kind, BF_VAL_STRING);
    cr_assert_eq(v->u.s.len, 5);
    cr_assert_str_eq(v->u.s.ptr, "hello");
}

Test(value, list_grows_in_order)
{
    bf_value_t *l = bf_value_new(A, BF_VAL_LIST);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(bf_value_list_push(A, l, int_v(i)), 0);
    cr_assert_eq(l->u.c.n, 100);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(l->u.c.items[i]->u.i, i);
    /* A map is not a list. */
    cr_assert_eq(bf_value_list_push(A, bf_value_new(A, BF_VAL_MAP), int_v(1)), -1);
}

Test(value, map_keeps_order_and_finds)
{
    bf_value_t *m = bf_value_new(A, BF_VAL_MAP);
    const char *keys[] = {"zeta", "alpha", "mid", "b"};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(bf_value_map_put(A, m, keys[i], strlen(keys[i]), int_v(i)), 0);
    for (int i = 0; i < 20; i++) {
        char k[16];
        int n = snprintf(k, sizeof k, "k%d", i);
        cr_assert_eq(bf_value_map_put(A, m, k, (size_t)n, int_v(100 + i)), 0);
    }
    cr_assert_eq(m->u.c.n, 24);
    for (int i = 0; i < 4; i++) {
        cr_assert_str_eq(m->u.c.keys[i], keys[i]);
        cr_assert_eq(m->u.c.key_lens[i], strlen(keys[i]));
        cr_assert_eq(bf_value_get(m, keys[i])->u.i, i);
    }
    cr_assert_eq(bf_value_get(m, "k19")->u.i, 119);
    cr_assert_null(bf_value_get(m, "k20"));
    cr_assert_null(bf_value_get(m, "alph")); /* prefix is not a match */
    cr_assert_null(bf_value_get(m, "alphab"));
    cr_assert_null(bf_value_get(NULL, "x"));
    cr_assert_null(bf_value_get(int_v(3), "x"));
}

Test(value, map_key_is_copied_with_length)
{
    bf_value_t *m = bf_value_new(A, BF_VAL_MAP);
    char key[] = "titleXXX";
    bf_value_map_put(A, m, key, 5, int_v(1));
    key[0] = 'T';
    cr_assert_str_eq(m->u.c.keys[0], "title");
    cr_assert_eq(bf_value_get(m, "title")->u.i, 1);
}

Test(value, dotted_path)
{
    bf_value_t *cfg = bf_value_new(A, BF_VAL_MAP);
    bf_value_t *md = bf_value_new(A, BF_VAL_MAP);
    bf_value_t *deep = bf_value_new(A, BF_VAL_MAP);
    bf_value_map_put(A, deep, "c", 1, int_v(7));
    bf_value_map_put(A, md, "toc_depth", 9, bf_value_string(A, "2-4", 3));
    bf_value_map_put(A, md, "b", 1, deep);
    bf_value_map_put(A, cfg, "markdown", 8, md);
    bf_value_map_put(A, cfg, "title", 5, bf_value_string(A, "T", 1));

    cr_assert_str_eq(bf_value_path(cfg, "markdown.toc_depth")->u.s.ptr, "2-4");
    cr_assert_eq(bf_value_path(cfg, "markdown.b.c")->u.i, 7);
    cr_assert_eq(bf_value_path(cfg, "markdown"), md);
    cr_assert_eq(bf_value_path(cfg, "title")->kind, BF_VAL_STRING);
    cr_assert_null(bf_value_path(cfg, "markdown.missing"));
    cr_assert_null(bf_value_path(cfg, "title.x")); /* through a string */
    cr_assert_null(bf_value_path(cfg, "markdown..b"));
    cr_assert_null(bf_value_path(cfg, ".markdown"));
    cr_assert_null(bf_value_path(cfg, "markdown."));
    cr_assert_null(bf_value_path(cfg, ""));
    cr_assert_null(bf_value_path(NULL, "a"));
}

Test(value, deep_copy_is_independent)
{
    bf_value_t *m = bf_value_new(A, BF_VAL_MAP);
    m->line = 3;
    m->col = 4;
    bf_value_t *l = bf_value_new(A, BF_VAL_LIST);
    bf_value_list_push(A, l, bf_value_string(A, "x", 1));
    bf_value_t *f = bf_value_new(A, BF_VAL_FLOAT);
    f->u.f = 2.5;
    bf_value_t *b = bf_value_new(A, BF_VAL_BOOL);
    b->u.b = true;
    bf_value_map_put(A, m, "list", 4, l);
    bf_value_map_put(A, m, "f", 1, f);
    bf_value_map_put(A, m, "b", 1, b);
    bf_value_map_put(A, m, "n", 1, bf_value_new(A, BF_VAL_NULL));

    bf_arena_t *other = bf_arena_create(0);
    bf_value_t *c = bf_value_copy(other, m);
    cr_assert_neq(c, m);
    cr_assert_eq(c->line, 3);
    cr_assert_eq(c->col, 4);
    cr_assert_eq(c->u.c.n, 4);
    cr_assert_str_eq(c->u.c.keys[1], "f");
    cr_assert_eq(bf_value_get(c, "f")->u.f, 2.5);
    cr_assert_eq(bf_value_get(c, "b")->u.b, true);
    cr_assert_eq(bf_value_get(c, "n")->kind, BF_VAL_NULL);
    bf_value_t *cl = bf_value_get(c, "list");
    cr_assert_neq(cl, l);
    cr_assert_neq(cl->u.c.items[0]->u.s.ptr, l->u.c.items[0]->u.s.ptr);
    cr_assert_str_eq(cl->u.c.items[0]->u.s.ptr, "x");

    /* Changing the copy leaves the original alone. */
    bf_value_list_push(other, cl, int_v(1));
    cr_assert_eq(l->u.c.n, 1);
    cr_assert_eq(cl->u.c.n, 2);
    bf_arena_destroy(other);
    cr_assert_null(bf_value_copy(A, NULL));
}

Test(value, kind_names)
{
    cr_assert_str_eq(bf_value_kind_name(BF_VAL_NULL), "null");
    cr_assert_str_eq(bf_value_kind_name(BF_VAL_BOOL), "bool");
    cr_assert_str_eq(bf_value_kind_name(BF_VAL_INT), "int");
    cr_assert_str_eq(bf_value_kind_name(BF_VAL_FLOAT), "float");
    cr_assert_str_eq(bf_value_kind_name(BF_VAL_STRING), "string");
    cr_assert_str_eq(bf_value_kind_name(BF_VAL_LIST), "list");
    cr_assert_str_eq(bf_value_kind_name(BF_VAL_MAP), "map");
}

/* Two trees equal in kind, position and content. */
static void assert_same(const bf_value_t *a, const bf_value_t *b)
{
    cr_assert((a == NULL) == (b == NULL));
    if (!a)
        return;
    cr_assert_eq(a->kind, b->kind);
    cr_assert_eq(a->line, b->line);
    cr_assert_eq(a->col, b->col);
    switch (a->kind) {
    case BF_VAL_NULL:
        break;
    case BF_VAL_BOOL:
        cr_assert_eq(a->u.b, b->u.b);
        break;
    case BF_VAL_INT:
        cr_assert_eq(a->u.i, b->u.i);
        break;
    case BF_VAL_FLOAT:
        cr_assert_eq(memcmp(&a->u.f, &b->u.f, sizeof a->u.f), 0);
        break;
    case BF_VAL_STRING:
        cr_assert_eq(a->u.s.len, b->u.s.len);
        cr_assert_eq(memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len), 0);
        cr_assert_eq(b->u.s.ptr[b->u.s.len], '\0');
        break;
    case BF_VAL_LIST:
    case BF_VAL_MAP:
        cr_assert_eq(a->u.c.n, b->u.c.n);
        for (size_t i = 0; i < a->u.c.n; i++) {
            if (a->kind == BF_VAL_MAP) {
                cr_assert_eq(a->u.c.key_lens[i], b->u.c.key_lens[i]);
                cr_assert_eq(memcmp(a->u.c.keys[i], b->u.c.keys[i], a->u.c.key_lens[i]), 0);
            }
            assert_same(a->u.c.items[i], b->u.c.items[i]);
        }
        break;
    }
}

static bf_value_t *sample(void)
{
    bf_value_t *m = bf_value_new(A, BF_VAL_MAP), *l = bf_value_new(A, BF_VAL_LIST);
    bf_value_t *t = bf_value_string(A, "Hello\0world", 11), *f = bf_value_new(A, BF_VAL_FLOAT);
    bf_value_t *b = bf_value_new(A, BF_VAL_BOOL), *n = bf_value_new(A, BF_VAL_NULL);
    t->line = 2;
    t->col = 8;
    f->u.f = -0.25;
    b->u.b = true;
    bf_value_list_push(A, l, int_v(-7));
    bf_value_list_push(A, l, bf_value_new(A, BF_VAL_MAP)); /* empty map */
    bf_value_map_put(A, m, "title", 5, t);
    bf_value_map_put(A, m, "tags", 4, l);
    bf_value_map_put(A, m, "ratio", 5, f);
    bf_value_map_put(A, m, "draft", 5, b);
    bf_value_map_put(A, m, "k\0ey", 4, n);
    m->line = 1;
    m->col = 1;
    return m;
}

Test(value, saved_and_loaded_with_positions)
{
    bf_value_t *m = sample(), *back;
    bf_buf_t b = BF_BUF_INIT;
    size_t used;
    cr_assert_eq(bf_value_save(m, &b), 0);
    cr_assert_eq(bf_value_save(NULL, &b), 0); /* a second value after it */
    size_t first = b.len - 1;
    cr_assert_eq(bf_value_load(A, b.data, b.len, &used, &back), 0);
    cr_assert_eq(used, first);
    assert_same(m, back);
    cr_assert_eq(bf_value_load(A, b.data + first, 1, &used, &back), 0);
    cr_assert_null(back);
    cr_assert_eq(used, 1);
    bf_buf_free(&b);
}

Test(value, damaged_bytes_are_refused_not_trusted)
{
    bf_buf_t b = BF_BUF_INIT;
    bf_value_t *back;
    size_t used;
    cr_assert_eq(bf_value_save(sample(), &b), 0);
    for (size_t n = 0; n < b.len; n++) /* every truncation */
        cr_assert_eq(bf_value_load(A, b.data, n, &used, &back), -1, "prefix of %zu bytes", n);
    for (size_t i = 0; i < b.len; i++) { /* every byte changed: no crash (ASan) */
        for (int x = 1; x < 256; x <<= 1) {
            b.data[i] ^= (char)x;
            if (bf_value_load(A, b.data, b.len, &used, &back) == 0)
                cr_assert_leq(used, b.len);
            b.data[i] ^= (char)x;
        }
    }
    /* a huge count with nothing behind it */
    unsigned char list[] = {BF_VAL_LIST, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f};
    cr_assert_eq(bf_value_load(A, list, sizeof list, &used, &back), -1);
    /* nesting deeper than the limit */
    bf_buf_t deep = BF_BUF_INIT;
    for (int i = 0; i < 100; i++) {
        unsigned char one[] = {BF_VAL_LIST, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
        bf_buf_append(&deep, one, sizeof one);
    }
    bf_buf_putc(&deep, BF_VAL_NULL);
    bf_buf_append(&deep, "\0\0\0\0\0\0\0\0", 8);
    cr_assert_eq(bf_value_load(A, deep.data, deep.len, &used, &back), -1);
    bf_buf_free(&deep);
    bf_buf_free(&b);
}
