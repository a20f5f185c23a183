/*
 * shared/utf8.h - UTF-8 validation.
 *
 * Strict: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
#ifndef BF_SHARED_UTF8_H
#define BF_SHARED_UTF8_H

#include <stddef.h>

/* Length of the longest valid prefix of s[0..n): n when all of it is
 * valid UTF-8, else the offset of the first bad byte. */
size_t bf_utf8_valid_prefix(const char *s, size_t n);

#endif
