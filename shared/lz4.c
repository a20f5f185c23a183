/*
 * shared/lz4.c - the lz4 adapter (see lz4.h).
 */
#include "shared/lz4.h"

#include <errno.h>
#include <lz4.h>

size_t bf_lz4_max_input(void)
{
    return LZ4_MAX_INPUT_SIZE;
}

int bf_lz4_compress(const void *src, size_t n, bf_buf_t *out)
{
    if (n > LZ4_MAX_INPUT_SIZE) {
        errno = EFBIG;
        return -1;
    }
    int bound = LZ4_compressBound((int)n);
    if (bf_buf_grow(out, (size_t)bound) < 0)
        return -1;
    int k = LZ4_compress_default(src, out->data + out->len, (int)n, bound);
    if (k <= 0 && n > 0) {
        errno = EIO;
        return -1;
    }
    out->len += (size_t)k;
    out->data[out->len] = '\0';
    return 0;
}

int bf_lz4_decompress(const void *src, size_t n, size_t n_out, bf_buf_t *out)
{
    if (n > LZ4_MAX_INPUT_SIZE || n_out > (size_t)1 << 30) {
        errno = EILSEQ;
        return -1;
    }
    if (bf_buf_grow(out, n_out) < 0)
        return -1;
    int k = LZ4_decompress_safe(src, out->data + out->len, (int)n, (int)n_out);
    if (k < 0 || (size_t)k != n_out) {
        errno = EILSEQ;
        return -1;
    }
    out->len += n_out;
    out->data[out->len] = '\0';
    return 0;
}
