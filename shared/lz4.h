/*
 * shared/lz4.h - the one lz4 adapter: the render pack's blobs
 * (shared/pack.h), compressed by the process that makes them and
 * decompressed by the one that reads them, both in the hot path of a
 * rebuild, where lz4's speed (GB/s to decompress) matters more than
 * zstd's ratio.
 */
#ifndef BF_SHARED_LZ4_H
#define BF_SHARED_LZ4_H

#include <stddef.h>

#include "shared/buf.h"

/* Largest input bf_lz4_compress takes (lz4's own limit, ~2 GB). */
size_t bf_lz4_max_input(void);

/* Appends src[0..n) compressed to out.  0, or -1 (ENOMEM, or EFBIG past
 * bf_lz4_max_input()). */
int bf_lz4_compress(const void *src, size_t n, bf_buf_t *out);

/* Appends the n_out bytes that src[0..n) decompresses to to out.  0, or
 * -1: ENOMEM, or EILSEQ when src is not a block of exactly n_out bytes
 * (corrupt input never reads or writes outside the buffers). */
int bf_lz4_decompress(const void *src, size_t n, size_t n_out, bf_buf_t *out);

#endif
