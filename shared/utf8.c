/*
 * shared/utf8.c - strict UTF-8 validation (see utf8.h).
 *
 * Follows the well-formed byte sequences of Unicode Table 3-7: the second
 * byte's range depends on the lead byte, which excludes overlong forms
 * (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF) and code points above
 * U+10FFFF (F4 90-BF, F5-FF).  Most input is ASCII, so runs of it are
 * skipped eight bytes at a time.
 */
#include "shared/utf8.h"

#include <stdint.h>
#include <string.h>

size_t bf_utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        /* Fast path: eight ASCII bytes have no high bit set. */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= n)
            break;

        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }

        size_t len;
        unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return i; /* continuation byte, C0, C1 or F5-FF as a lead */
        }

        if (n - i < len)
            return i; /* truncated sequence */
        if (p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return i;
        }
        i += len;
    }
    return n;
}
