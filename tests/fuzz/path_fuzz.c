/*
 * tests/fuzz/path_fuzz.c - libFuzzer target for the site-relative path
 * rule of shared/fs.h: bf_path_check() and bf_path_join().
 *
 * bf_path_check() is what stands between content (url, slug, aliases, file
 * names) and a file written outside the output directory, so it is held to
 * an independent oracle: a second, deliberately naive implementation of
 * the rule written from the header, component by component.  The two must
 * agree on every input, and whatever is accepted is checked once more
 * against each clause of the rule (non-empty, shorter than BF_PATH_MAX, no
 * NUL, no leading '/', no backslash, no "", "." or ".." component).
 *
 * bf_path_join() must accept exactly what bf_path_check() accepts (and
 * fits), write exactly base + "/" + rel (no separator after a base that is
 * "" or already ends in '/'), never write past cap (the output buffer is
 * malloc'd to exactly cap bytes, so ASan sees one byte too many), and turn
 * a valid base and a valid rel into a valid path.
 *
 * Input layout (so that mutations reach every branch):
 *
 *   byte 0      flags: bits 0-1 how cap is chosen, bit 2 "long" mode
 *               (rel repeated up to a length around BF_PATH_MAX)
 *   byte 1      a parameter for cap / the long length
 *   bytes 2..   base, a NUL, rel; without a NUL, base is "" and rel is
 *               everything.  rel keeps its later NUL bytes for
 *               bf_path_check (which takes a length); bf_path_join sees it
 *               as a C string, up to its first NUL.
 *
 *   make fuzz
 *   build/fuzz/path_fuzz -max_total_time=60 tests/fuzz/corpus/path
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rule, written again from fs.h without looking at fs.c's loop. */
static bool ref_valid(const char *s, size_t n)
{
    if (n == 0 || n >= BF_PATH_MAX || s[0] == '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0' || s[i] == '\\')
            return false;
    const char *c = s, *end = s + n;
    for (;;) {
        const char *slash = memchr(c, '/', (size_t)(end - c));
        const char *ce = slash ? slash : end;
        size_t len = (size_t)(ce - c);
        if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        if (!slash)
            return true;
        c = slash + 1;
    }
}

/* Each clause of the rule on its own, for what bf_path_check accepted: a
 * disagreement with ref_valid() is caught above, this says which clause. */
static void assert_clauses(const char *s, size_t n)
{
    if (n == 0 || n >= BF_PATH_MAX || s[0] == '/' || memchr(s, '\0', n) || memchr(s, '\\', n))
        abort();
    if (s[n - 1] == '/')
        abort(); /* an empty last component */
    for (size_t i = 0; i < n; i++) {
        bool at_start = i == 0 || s[i - 1] == '/';
        if (!at_start)
            continue;
        if (s[i] == '/')
            abort(); /* "a//b" */
        if (s[i] == '.' && (i + 1 == n || s[i + 1] == '/'))
            abort(); /* "." */
        if (s[i] == '.' && i + 1 < n && s[i + 1] == '.' && (i + 2 == n || s[i + 2] == '/'))
            abort(); /* ".." */
    }
}

static void check_path(const char *s, size_t n)
{
    const char *why = NULL;
    errno = 0;
    int rc = bf_path_check(s, n, &why);
    int err = errno;
    if (rc != 0 && rc != -1)
        abort();
    if ((rc == 0) != ref_valid(s, n))
        abort();
    if (rc == 0) {
        assert_clauses(s, n);
    } else {
        /* Refused: a reason for the message and the errno the header names. */
        if (!why || !*why)
            abort();
        if (err != (n >= BF_PATH_MAX ? ENAMETOOLONG : EINVAL))
            abort();
    }
    /* why may be NULL, and the answer does not depend on it. */
    if (bf_path_check(s, n, NULL) != rc)
        abort();
}

static void check_join(const char *base, const char *rel, size_t cap)
{
    size_t blen = strlen(base), rlen = strlen(rel);
    bool valid = ref_valid(rel, rlen);
    size_t sep = blen > 0 && base[blen - 1] != '/' ? 1 : 0;
    size_t need = blen + sep + rlen + 1;

    char *out = malloc(cap); /* exactly cap: a write past it is an ASan report */
    if (!out && cap)
        return;
    errno = 0;
    int rc = bf_path_join(out, cap, base, rel);
    int err = errno;
    if (!valid) {
        if (rc != -1 || err != (rlen >= BF_PATH_MAX ? ENAMETOOLONG : EINVAL))
            abort();
    } else if (need > cap) {
        if (rc != -1 || err != ENAMETOOLONG)
            abort();
    } else {
        if (rc != 0)
            abort();
        if (memcmp(out, base, blen) != 0 || (sep && out[blen] != '/') ||
            memcmp(out + blen + sep, rel, rlen + 1) != 0)
            abort();
        /* A valid base joined to a valid rel is itself valid (when short
         * enough): joining never makes a path that climbs out. */
        size_t olen = need - 1;
        if (ref_valid(base, blen) && olen < BF_PATH_MAX && bf_path_check(out, olen, NULL) != 0)
            abort();
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 3 * BF_PATH_MAX)
        return 0;
    uint8_t flags = data[0], param = data[1];
    const char *body = (const char *)data + 2;
    size_t blen = size - 2;

    /* Split into base and rel at the first NUL. */
    const char *nul = memchr(body, '\0', blen);
    size_t base_len = nul ? (size_t)(nul - body) : 0;
    const char *rel = nul ? nul + 1 : body;
    size_t rel_len = nul ? blen - base_len - 1 : blen;

    char *base = malloc(base_len + 1);
    if (!base)
        return 0;
    memcpy(base, body, base_len);
    base[base_len] = '\0';

    /* Long mode: rel repeated to BF_PATH_MAX - 8 .. BF_PATH_MAX + 7 bytes,
     * the lengths around the limit that short inputs never reach. */
    char *r;
    size_t rn;
    if (flags & 4) {
        rn = BF_PATH_MAX - 8 + (param & 15);
        r = malloc(rn + 1);
        if (!r) {
            free(base);
            return 0;
        }
        for (size_t i = 0; i < rn; i++)
            r[i] = rel_len ? rel[i % rel_len] : 'a';
    } else {
        rn = rel_len;
        r = malloc(rn + 1);
        if (!r) {
            free(base);
            return 0;
        }
        memcpy(r, rel, rn);
    }
    r[rn] = '\0';

    check_path(r, rn);
    check_path(base, base_len);

    /* cap: plenty, a small one, one around the exact need, or the usual
     * BF_PATH_MAX buffer. */
    size_t rc_len = strlen(r);
    size_t need = base_len + 1 + rc_len + 1;
    size_t cap;
    switch (flags & 3) {
    case 0: cap = need + BF_PATH_MAX; break;
    case 1: cap = param; break;
    case 2: cap = need > 4 ? need - 4 + (param & 7) : (param & 7); break;
    default: cap = BF_PATH_MAX; break;
    }
    check_join(base, r, cap);

    free(r);
    free(base);
    return 0;
}
