/*
 * tests/fuzz/value_fuzz.c - libFuzzer target for bf_value_load (shared/
 * value.h), which reads the front matter the discovery cache kept
 * (coordinator/srccache.h) back from the state directory.
 *
 * Any bytes must load as -1 or as a value, never crash or read past the
 * input (ASan).  A value that loads must save, and what it saves must
 * load again into a value that saves to the same bytes (a fixed point).
 *
 *   make fuzz
 *   build/fuzz/value_fuzz -max_total_time=60 tests/fuzz/corpus/value
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bf_arena_t *a = bf_arena_create(4096);
    bf_value_t *v, *w;
    size_t used, used2;
    bf_buf_t one = BF_BUF_INIT, two = BF_BUF_INIT;
    if (!a)
        abort();
    if (bf_value_load(a, data, size, &used, &v) == 0) {
        if (used > size)
            abort();
        if (bf_value_save(v, &one) < 0 || bf_value_load(a, one.data, one.len, &used2, &w) < 0 ||
            used2 != one.len || bf_value_save(w, &two) < 0 || one.len != two.len ||
            memcmp(one.data, two.data, one.len) != 0)
            abort();
    }
    bf_buf_free(&one);
    bf_buf_free(&two);
    bf_arena_destroy(a);
    return 0;
}
