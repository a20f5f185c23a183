/*
 * tests/shared/utf8_test.c - strict UTF-8: the valid prefix length of
 * well-formed and ill-formed sequences.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "shared/utf8.h"

#define V(lit) bf_utf8_valid_prefix(lit, sizeof(lit) - 1)

Test(utf8, valid)
{
    cr_assert_eq(V(""), 0);
    cr_assert_eq(V("plain ascii text, longer than eight bytes"), 41);
    cr_assert_eq(V("caf\xC3\xA9"), 5);                 /* é */
    cr_assert_eq(V("\xE2\x82\xAC"), 3);                /* € */
    cr_assert_eq(V("\xF0\x9F\x98\x80"), 4);            /* U+1F600 */
    cr_assert_eq(V("\xF4\x8F\xBF\xBF"), 4);            /* U+10FFFF */
    cr_assert_eq(V("\xF0\x90\x80\x80"), 4);            /* U+10000 */
    cr_assert_eq(V("\xC2\x80"), 2);                    /* U+0080 */
    cr_assert_eq(V("\xE0\xA0\x80"), 3);                /* U+0800 */
    cr_assert_eq(V("\xED\x9F\xBF"), 3);                /* U+D7FF */
    cr_assert_eq(V("\xEE\x80\x80"), 3);                /* U+E000 */
    cr_assert_eq(V("\xEF\xBF\xBF"), 3);                /* U+FFFF */
    cr_assert_eq(V("a\0b"), 3);                        /* NUL is valid UTF-8 */
}

Test(utf8, overlong)
{
    cr_assert_eq(V("ab\xC0\xAF"), 2);         /* '/' in two bytes */
    cr_assert_eq(V("\xC1\xBF"), 0);
    cr_assert_eq(V("\xE0\x80\xAF"), 0);       /* '/' in three bytes */
    cr_assert_eq(V("\xE0\x9F\xBF"), 0);       /* U+07FF in three bytes */
    cr_assert_eq(V("\xF0\x80\x80\xAF"), 0);
    cr_assert_eq(V("\xF0\x8F\xBF\xBF"), 0);   /* U+FFFF in four bytes */
}

Test(utf8, surrogates)
{
    cr_assert_eq(V("x\xED\xA0\x80"), 1);      /* U+D800 */
    cr_assert_eq(V("\xED\xBF\xBF"), 0);       /* U+DFFF */
    cr_assert_eq(V("\xED\xA0\xBD\xED\xB8\x80"), 0); /* CESU-8 pair */
}

Test(utf8, above_max)
{
    cr_assert_eq(V("\xF4\x90\x80\x80"), 0);   /* U+110000 */
    cr_assert_eq(V("\xF5\x80\x80\x80"), 0);
    cr_assert_eq(V("\xF8\x88\x80\x80\x80"), 0);
    cr_assert_eq(V("\xFF"), 0);
    cr_assert_eq(V("\xFE"), 0);
}

Test(utf8, truncated_and_stray)
{
    cr_assert_eq(V("abc\xE2\x82"), 3);        /* € cut short at the end */
    cr_assert_eq(V("abc\xE2\x82x"), 3);       /* ... or by ASCII */
    cr_assert_eq(V("\xF0\x9F\x98"), 0);
    cr_assert_eq(V("\xC3"), 0);
    cr_assert_eq(V("ok\x80"), 2);             /* lone continuation */
    cr_assert_eq(V("\xC3\xA9\xA9"), 2);       /* one continuation too many */
    cr_assert_eq(V("\xE2\x82\xAC\xE2\x28\xA1"), 3);
}

Test(utf8, fast_path_boundaries)
{
    /* A bad byte at every offset of a long ASCII run. */
    char s[64];
    for (size_t bad = 0; bad < sizeof s; bad++) {
        memset(s, 'a', sizeof s);
        s[bad] = (char)0x80;
        cr_assert_eq(bf_utf8_valid_prefix(s, sizeof s), bad, "bad at %zu", bad);
    }
    /* Multibyte characters straddling the 8-byte windows. */
    char m[40];
    size_t n = 0;
    for (int i = 0; i < 10; i++) {
        m[n++] = 'x';
        m[n++] = (char)0xE2;
        m[n++] = (char)0x82;
        m[n++] = (char)0xAC;
    }
    cr_assert_eq(bf_utf8_valid_prefix(m, n), n);
    cr_assert_eq(bf_utf8_valid_prefix(m, n - 1), n - 3); /* last one cut */
}
