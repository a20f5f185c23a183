/*
 * shared/zstd.h - the one zstd adapter: precompressed outputs (FILE.zst
 * beside a text file, for servers that send it as it is with
 * Content-Encoding: zstd).
 *
 * A compressor is made once per worker and reused for every file (zstd
 * keeps its tables between calls).  Output is one zstd frame with the
 * content size in its header, which `zstd -d` and every browser decode.
 */
#ifndef BF_SHARED_ZSTD_H
#define BF_SHARED_ZSTD_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/buf.h"

typedef struct bf_zstd bf_zstd_t;

/* level 1..22.  NULL on OOM. */
bf_zstd_t *bf_zstd_new(int level);
void bf_zstd_free(bf_zstd_t *z);

/* out (reset first) = src[0..n) compressed.  0, or -1 (ENOMEM, or EIO
 * with a zstd error). */
int bf_zstd_compress(bf_zstd_t *z, const void *src, size_t n, bf_buf_t *out);

/* Is path a text output worth a .zst: .html .htm .xml .json .css .js
 * .txt .svg .md .csv (by its extension, case as written)? */
bool bf_zstd_wanted(const char *path);

#endif
