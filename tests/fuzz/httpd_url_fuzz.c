/*
 * tests/fuzz/httpd_url_fuzz.c - libFuzzer target for the preview server's
 * request-path decoder, bf_httpd_url_path() (coordinator/httpd.h).
 *
 * The decoder is what stands between a request line and a file opened
 * beneath the served directory, so it is held to an independent oracle: a
 * second, deliberately naive implementation written from the header
 * (decode everything first, then split at '/', drop empty components,
 * refuse NUL, backslash, "." and ".."), which must agree on every input:
 * the same answer, the same errno, the same path, the same directory flag.
 * What is accepted is checked once more against shared/fs.h's rule
 * (bf_path_check), and must decode to itself when encoded again.  out is
 * malloc'd to exactly cap bytes, so a write past it is an ASan report.
 *
 * Input layout: byte 0 chooses cap (0: BF_PATH_MAX, 1..3: small caps
 * around the decoded length, else the byte itself); the rest is the URL,
 * NUL bytes included (the length is passed, not found by strlen).
 *
 *   make fuzz
 *   build/fuzz/httpd_url_fuzz -max_total_time=60 tests/fuzz/corpus/httpd_url
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coordinator/httpd.h"
#include "shared/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The escape at u[i] ('%' and two hex digits) as a byte, or -1; by
 * strtol, not by the decoder's own digit table. */
static int escape_at(const uint8_t *u, size_t n, size_t i)
{
    if (i + 2 >= n || !isxdigit(u[i + 1]) || !isxdigit(u[i + 2]))
        return -1;
    char hex[3] = {(char)u[i + 1], (char)u[i + 2], '\0'};
    return (int)strtol(hex, NULL, 16);
}

/* The rule from the header, written again: 0 with the path (malloc'd) and
 * the flag, or -1 with the errno the header names. */
static int ref_decode(const uint8_t *u, size_t n, char **path, bool *dir, int *err)
{
    *err = EINVAL;
    if (n == 0 || u[0] != '/')
        return -1;
    char *d = malloc(n + 1); /* decoding never lengthens */
    size_t dn = 0;
    for (size_t i = 0; i < n; i++) {
        if (u[i] != '%') {
            d[dn++] = (char)u[i];
            continue;
        }
        int byte = escape_at(u, n, i);
        if (byte < 0) {
            free(d);
            return -1;
        }
        d[dn++] = (char)byte;
        i += 2;
    }
    /* Components: the empty ones dropped, the others kept as they are. */
    char *p = malloc(dn + 1);
    size_t pn = 0;
    size_t start = 0;
    int rc = 0;
    for (size_t i = 0; i <= dn; i++) {
        if (i < dn && d[i] != '/')
            continue;
        size_t len = i - start;
        const char *c = d + start;
        start = i + 1;
        if (len == 0)
            continue;
        if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            rc = -1;
        if (memchr(c, '\0', len) || memchr(c, '\\', len))
            rc = -1;
        if (pn > 0)
            p[pn++] = '/';
        memcpy(p + pn, c, len);
        pn += len;
    }
    p[pn] = '\0';
    *dir = pn == 0 || d[dn - 1] == '/';
    free(d);
    if (rc == 0 && pn >= BF_PATH_MAX) {
        *err = ENAMETOOLONG;
        rc = -1;
    }
    if (rc < 0) {
        free(p);
        return -1;
    }
    *path = p;
    return 0;
}

/* "/" + out with every byte outside [A-Za-z0-9._~-] and '/' as %XX. */
static char *encode(const char *s)
{
    size_t n = strlen(s);
    char *e = malloc(3 * n + 2);
    size_t k = 0;
    e[k++] = '/';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == '~' || c == '-' || c == '/')
            e[k++] = (char)c;
        else
            k += (size_t)sprintf(e + k, "%%%02X", c);
    }
    e[k] = '\0';
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 3 * BF_PATH_MAX)
        return 0;
    uint8_t mode = data[0];
    const uint8_t *url = data + 1;
    size_t n = size - 1;

    char *want = NULL;
    bool want_dir = false;
    int want_err = 0;
    int want_rc = ref_decode(url, n, &want, &want_dir, &want_err);

    /* A cap that is big enough, just enough, or short by a little. */
    size_t need = want_rc == 0 ? strlen(want) + 1 : n + 1;
    size_t cap = mode == 0 ? BF_PATH_MAX : mode > 3 ? mode : need + 1 > mode ? need + 1 - mode : 0;
    char *out = malloc(cap ? cap : 1);
    bool dir = false;
    errno = 0;
    int rc = bf_httpd_url_path((const char *)url, n, out, cap, &dir);
    int err = errno;

    bool fits = want_rc == 0 && need <= cap;
    if (want_rc == 0 && !fits) {
        /* The oracle's answer, had out been large enough. */
        if (rc != -1 || err != ENAMETOOLONG)
            abort();
    } else if (rc != want_rc) {
        abort();
    } else if (rc < 0) {
        /* A path too long for cap may be found before a later bad byte:
         * either reason is right then. */
        if (err != want_err && err != ENAMETOOLONG)
            abort();
    } else {
        if (strcmp(out, want) != 0 || dir != want_dir)
            abort();
        size_t len = strlen(out);
        if (len > 0 && bf_path_check(out, len, NULL) != 0)
            abort();
        /* Encoded again, it decodes to itself. */
        char *again = encode(out);
        char *back = malloc(BF_PATH_MAX);
        bool dir2;
        if (bf_httpd_url_path(again, strlen(again), back, BF_PATH_MAX, &dir2) != 0 ||
            strcmp(back, out) != 0 || dir2 != (len == 0))
            abort();
        free(back);
        free(again);
    }
    if (cap > 0 && rc < 0 && memchr(out, '\0', cap) == NULL)
        abort(); /* out is NUL-terminated even on failure */
    free(out);
    free(want);
    return 0;
}
