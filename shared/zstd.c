/*
 * shared/zstd.c - the zstd adapter (see zstd.h).
 */
#include "shared/zstd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

struct bf_zstd {
    ZSTD_CCtx *cctx;
};

bf_zstd_t *bf_zstd_new(int level)
{
    bf_zstd_t *z = calloc(1, sizeof *z);
    if (!z || !(z->cctx = ZSTD_createCCtx())) {
        free(z);
        return NULL;
    }
    if (ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_contentSizeFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_checksumFlag, 1))) {
        bf_zstd_free(z);
        return NULL;
    }
    return z;
}

void bf_zstd_free(bf_zstd_t *z)
{
    if (!z)
        return;
    ZSTD_freeCCtx(z->cctx);
    free(z);
}

int bf_zstd_compress(bf_zstd_t *z, const void *src, size_t n, bf_buf_t *out)
{
    size_t bound = ZSTD_compressBound(n);
    bf_buf_reset(out);
    if (bf_buf_grow(out, bound) < 0)
        return -1;
    size_t k = ZSTD_compress2(z->cctx, out->data, bound, src, n);
    if (ZSTD_isError(k)) {
        errno = EIO;
        return -1;
    }
    out->len = k;
    out->data[k] = '\0';
    return 0;
}

bool bf_zstd_wanted(const char *path)
{
    static const char *const exts[] = {".html", ".htm", ".xml", ".json", ".css", ".js",
                                       ".txt", ".svg", ".md", ".csv", NULL};
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot)
        return false;
    for (const char *const *e = exts; *e; e++)
        if (strcmp(dot, *e) == 0)
            return true;
    return false;
}
