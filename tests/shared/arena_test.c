/*
 * tests/shared/arena_test.c - the block arena: alignment, large blocks,
 * mark/release, and the steady state (no new blocks after a reset).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "shared/arena.h"

Test(arena, alloc_is_aligned_and_distinct)
{
    bf_arena_t *a = bf_arena_create(256);
    cr_assert_not_null(a);
    char *prev = NULL;
    for (size_t n = 0; n < 40; n++) {
        char *p = bf_arena_alloc(a, n);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % BF_ARENA_ALIGN, 0, "n=%zu", n);
        cr_assert_neq(p, prev);
        memset(p, 0xab, n);
        prev = p;
    }
    bf_arena_destroy(a);
}

Test(arena, zero_size_pointers_are_unique)
{
    bf_arena_t *a = bf_arena_create(0);
    void *p = bf_arena_alloc(a, 0), *q = bf_arena_alloc(a, 0);
    cr_assert_not_null(p);
    cr_assert_not_null(q);
    cr_assert_neq(p, q);
    bf_arena_destroy(a);
}

Test(arena, used_counts_aligned_bytes)
{
    bf_arena_t *a = bf_arena_create(1024);
    cr_assert_eq(bf_arena_used(a), 0);
    bf_arena_alloc(a, 1);
    cr_assert_eq(bf_arena_used(a), 16);
    bf_arena_alloc(a, 17);
    cr_assert_eq(bf_arena_used(a), 48);
    bf_arena_reset(a);
    cr_assert_eq(bf_arena_used(a), 0);
    bf_arena_destroy(a);
}

Test(arena, strings_and_copies)
{
    bf_arena_t *a = bf_arena_create(64);
    char *s = bf_arena_strdup(a, "hello");
    cr_assert_str_eq(s, "hello");
    char *t = bf_arena_strndup(a, "abcdef", 3);
    cr_assert_str_eq(t, "abc");
    char *f = bf_arena_sprintf(a, "%s-%d-%03d", "x", 42, 7);
    cr_assert_str_eq(f, "x-42-007");
    /* Longer than a block: goes to its own block. */
    char *big = bf_arena_sprintf(a, "%0200d", 7);
    cr_assert_eq(strlen(big), 200);
    cr_assert_eq(big[199], '7');
    cr_assert_eq(big[0], '0');
    unsigned char raw[5] = {1, 0, 2, 0, 3};
    unsigned char *m = bf_arena_memdup(a, raw, sizeof raw);
    cr_assert_eq(memcmp(m, raw, sizeof raw), 0);
    /* Earlier strings are untouched by later blocks. */
    cr_assert_str_eq(s, "hello");
    cr_assert_str_eq(t, "abc");
    bf_arena_destroy(a);
}

Test(arena, zalloc_and_calloc_zero_memory)
{
    bf_arena_t *a = bf_arena_create(128);
    unsigned char *p = bf_arena_alloc(a, 100);
    memset(p, 0xff, 100);
    bf_arena_reset(a);
    unsigned char *z = bf_arena_zalloc(a, 100);
    cr_assert_eq(z, p); /* the same memory, reused */
    for (int i = 0; i < 100; i++)
        cr_assert_eq(z[i], 0);
    int *c = bf_arena_calloc(a, 10, sizeof(int));
    for (int i = 0; i < 10; i++)
        cr_assert_eq(c[i], 0);
    bf_arena_destroy(a);
}

Test(arena, overflowing_sizes_fail)
{
    bf_arena_t *a = bf_arena_create(128);
    cr_assert_null(bf_arena_calloc(a, SIZE_MAX / 2, 3));
    cr_assert_null(bf_arena_alloc(a, SIZE_MAX));
    cr_assert_null(bf_arena_alloc(a, SIZE_MAX - 8));
    cr_assert_null(bf_arena_strndup(a, "x", SIZE_MAX));
    /* The arena is still usable. */
    cr_assert_not_null(bf_arena_alloc(a, 8));
    bf_arena_destroy(a);
}

Test(arena, large_allocation_gets_own_block)
{
    bf_arena_t *a = bf_arena_create(256);
    cr_assert_eq(bf_arena_blocks(a), 1);
    char *big = bf_arena_alloc(a, 10000);
    cr_assert_not_null(big);
    memset(big, 1, 10000);
    cr_assert_eq(bf_arena_blocks(a), 2);
    cr_assert_eq(bf_arena_used(a), 10000);
    bf_arena_destroy(a);
}

Test(arena, mark_and_release)
{
    bf_arena_t *a = bf_arena_create(256);
    char *keep = bf_arena_strdup(a, "keep me");
    size_t used = bf_arena_used(a);
    bf_arena_mark_t m = bf_arena_mark(a);

    /* Fill several blocks past the mark, including a large one. */
    void *first_after = bf_arena_alloc(a, 100);
    for (int i = 0; i < 20; i++)
        memset(bf_arena_alloc(a, 100), 0xee, 100);
    memset(bf_arena_alloc(a, 4000), 0xee, 4000);
    cr_assert_gt(bf_arena_used(a), used + 2000);
    size_t blocks = bf_arena_blocks(a);

    bf_arena_release(a, m);
    cr_assert_eq(bf_arena_used(a), used);
    cr_assert_str_eq(keep, "keep me");
    /* The next allocation starts exactly where the mark was. */
    cr_assert_eq(bf_arena_alloc(a, 100), first_after);
    cr_assert_str_eq(keep, "keep me");

    /* Doing the same again reuses the kept blocks. */
    for (int i = 0; i < 20; i++)
        bf_arena_alloc(a, 100);
    bf_arena_alloc(a, 4000);
    cr_assert_eq(bf_arena_blocks(a), blocks);
    bf_arena_destroy(a);
}

Test(arena, nested_marks)
{
    bf_arena_t *a = bf_arena_create(128);
    bf_arena_mark_t m0 = bf_arena_mark(a);
    bf_arena_alloc(a, 50);
    bf_arena_mark_t m1 = bf_arena_mark(a);
    size_t u1 = bf_arena_used(a);
    for (int i = 0; i < 10; i++)
        bf_arena_alloc(a, 60);
    bf_arena_release(a, m1);
    cr_assert_eq(bf_arena_used(a), u1);
    bf_arena_release(a, m0);
    cr_assert_eq(bf_arena_used(a), 0);
    bf_arena_destroy(a);
}

/* A "page": mixed small and large allocations. */
static void page_pattern(bf_arena_t *a, int seed)
{
    for (int i = 0; i < 200; i++) {
        size_t n = (size_t)((i * 37 + seed) % 300) + 1;
        if (i % 50 == 7)
            n = 5000; /* larger than a block */
        char *p = bf_arena_alloc(a, n);
        cr_assert_not_null(p);
        memset(p, i & 0xff, n);
    }
}

Test(arena, steady_state_after_reset)
{
    bf_arena_t *a = bf_arena_create(1024);
    page_pattern(a, 0);
    size_t blocks = bf_arena_blocks(a);
    size_t used = bf_arena_used(a);
    cr_assert_gt(blocks, 5);

    for (int page = 0; page < 50; page++) {
        bf_arena_reset(a);
        cr_assert_eq(bf_arena_used(a), 0);
        page_pattern(a, 0);
        cr_assert_eq(bf_arena_blocks(a), blocks, "page %d malloc'd", page);
        cr_assert_eq(bf_arena_used(a), used);
    }
    bf_arena_destroy(a);
}

Test(arena, smaller_pages_need_no_blocks)
{
    bf_arena_t *a = bf_arena_create(1024);
    page_pattern(a, 0);
    size_t blocks = bf_arena_blocks(a);
    bf_arena_reset(a);
    for (int i = 0; i < 100; i++)
        bf_arena_alloc(a, 200);
    cr_assert_eq(bf_arena_blocks(a), blocks);
    bf_arena_destroy(a);
}
