/*
 * tests/shared/hash_test.c - XXH3 values are pinned: they are stored on
 * disk, so a change here is a format change.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "shared/hash.h"

Test(hash, known_values)
{
    cr_assert_eq(bf_hash64("", 0), 0x2D06800538D394C2ULL);
    cr_assert_eq(bf_hash64("a", 1), 0xE6C632B61E964E1FULL);
    cr_assert_eq(bf_hash64_seed("", 0, 0), 0x2D06800538D394C2ULL);
}

Test(hash, seed_changes_value)
{
    const char *s = "bengal-farm";
    cr_assert_eq(bf_hash64_seed(s, strlen(s), 0), bf_hash64(s, strlen(s)));
    cr_assert_neq(bf_hash64_seed(s, strlen(s), 1), bf_hash64(s, strlen(s)));
    cr_assert_neq(bf_hash64("ab", 2), bf_hash64("ba", 2));
}

Test(hash, streaming_matches_one_shot)
{
    char data[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i * 31 + 7);
    for (uint64_t seed = 0; seed < 3; seed++) {
        bf_hasher_t *h = bf_hasher_new(seed);
        cr_assert_not_null(h);
        /* Uneven pieces across the internal block boundaries. */
        size_t pos = 0, step = 1;
        while (pos < sizeof data) {
            size_t n = step < sizeof data - pos ? step : sizeof data - pos;
            bf_hasher_update(h, data + pos, n);
            pos += n;
            step = step * 3 + 1;
        }
        cr_assert_eq(bf_hasher_digest(h), bf_hash64_seed(data, sizeof data, seed));
        /* digest does not consume the state */
        cr_assert_eq(bf_hasher_digest(h), bf_hash64_seed(data, sizeof data, seed));
        bf_hasher_free(h);
    }
}

Test(hash, empty_stream)
{
    bf_hasher_t *h = bf_hasher_new(0);
    cr_assert_eq(bf_hasher_digest(h), 0x2D06800538D394C2ULL);
    bf_hasher_free(h);
    bf_hasher_free(NULL);
}
