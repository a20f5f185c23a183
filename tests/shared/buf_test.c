/*
 * tests/shared/buf_test.c - the growable buffer and its invariants.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"

static void check_invariants(const bf_buf_t *b)
{
    cr_assert_leq(b->len, b->cap);
    if (b->cap == 0)
        cr_assert_eq(b->len, 0);
    if (b->data)
        cr_assert_eq(b->data[b->len], '\0');
}

Test(buf, zero_init_is_empty)
{
    bf_buf_t b = BF_BUF_INIT;
    check_invariants(&b);
    cr_assert_null(b.data);
    size_t len = 99;
    cr_assert_null(bf_buf_detach(&b, &len));
    cr_assert_eq(len, 0);
    bf_buf_free(&b);
}

Test(buf, append_puts_putc)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_buf_puts(&b, "hello"), 0);
    cr_assert_eq(bf_buf_putc(&b, ','), 0);
    cr_assert_eq(bf_buf_putc(&b, 0xC3), 0); /* int -> one byte */
    cr_assert_eq(bf_buf_append(&b, " world", 6), 0);
    cr_assert_eq(b.len, 13);
    cr_assert_eq(memcmp(b.data, "hello,\xC3 world", 13), 0);
    check_invariants(&b);
    bf_buf_free(&b);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
}

Test(buf, embedded_nul)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_buf_append(&b, "a\0b", 3), 0);
    cr_assert_eq(b.len, 3);
    cr_assert_eq(b.data[1], '\0');
    cr_assert_eq(b.data[2], 'b');
    check_invariants(&b);
    bf_buf_free(&b);
}

Test(buf, many_small_appends)
{
    bf_buf_t b = BF_BUF_INIT;
    for (int i = 0; i < 100000; i++)
        cr_assert_eq(bf_buf_putc(&b, 'a' + i % 26), 0);
    cr_assert_eq(b.len, 100000);
    for (int i = 0; i < 100000; i += 997)
        cr_assert_eq(b.data[i], 'a' + i % 26);
    check_invariants(&b);
    bf_buf_free(&b);
}

Test(buf, printf_grows)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_buf_printf(&b, "%d-%s", 12, "ab"), 0);
    cr_assert_str_eq(b.data, "12-ab");
    cr_assert_eq(bf_buf_printf(&b, "%0500d", 3), 0);
    cr_assert_eq(b.len, 505);
    cr_assert_eq(b.data[504], '3');
    cr_assert_eq(b.data[5], '0');
    cr_assert_eq(bf_buf_printf(&b, "%s", ""), 0);
    cr_assert_eq(b.len, 505);
    check_invariants(&b);
    bf_buf_free(&b);
}

Test(buf, printf_into_empty_buffer_with_empty_result)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_buf_printf(&b, "%s", ""), 0);
    cr_assert_eq(b.len, 0);
    check_invariants(&b);
    bf_buf_free(&b);
}

Test(buf, truncate_reset_keep_memory)
{
    bf_buf_t b = BF_BUF_INIT;
    bf_buf_puts(&b, "abcdef");
    bf_buf_truncate(&b, 3);
    cr_assert_str_eq(b.data, "abc");
    size_t cap = b.cap;
    char *data = b.data;
    bf_buf_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(b.data, "");
    cr_assert_eq(b.cap, cap);
    cr_assert_eq(b.data, data);
    check_invariants(&b);
    bf_buf_free(&b);
}

Test(buf, grow_reserves_room)
{
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_buf_grow(&b, 1000), 0);
    cr_assert_geq(b.cap, 1000);
    cr_assert_eq(b.len, 0);
    char *data = b.data;
    for (int i = 0; i < 1000; i++)
        bf_buf_putc(&b, 'x');
    cr_assert_eq(b.data, data); /* no reallocation needed */
    check_invariants(&b);
    bf_buf_free(&b);
}

Test(buf, overflow_fails_and_leaves_buffer)
{
    bf_buf_t b = BF_BUF_INIT;
    bf_buf_puts(&b, "abc");
    errno = 0;
    cr_assert_eq(bf_buf_grow(&b, SIZE_MAX - 1), -1);
    cr_assert_eq(errno, ENOMEM);
    cr_assert_eq(bf_buf_append(&b, "x", SIZE_MAX), -1);
    cr_assert_eq(b.len, 3);
    cr_assert_str_eq(b.data, "abc");
    check_invariants(&b);
    bf_buf_free(&b);
}

Test(buf, detach_hands_over)
{
    bf_buf_t b = BF_BUF_INIT;
    bf_buf_puts(&b, "own me");
    size_t len = 0;
    char *s = bf_buf_detach(&b, &len);
    cr_assert_str_eq(s, "own me");
    cr_assert_eq(len, 6);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
    free(s);
    /* Reusable after detach. */
    cr_assert_eq(bf_buf_puts(&b, "again"), 0);
    cr_assert_str_eq(b.data, "again");
    bf_buf_free(&b);
}
