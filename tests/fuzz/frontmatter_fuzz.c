/*
 * tests/fuzz/frontmatter_fuzz.c - libFuzzer target for the front matter
 * splitter and, through it, the libyaml adapter.
 *
 * Each input is a whole markdown file.  It is split with a fresh arena
 * (small blocks, so that values straddle block boundaries), the result is
 * checked against the contracts of frontmatter.h and value.h, and the arena
 * is destroyed: a crash, a sanitizer report, a leak or a broken invariant
 * (abort) is a bug.
 *
 *   make fuzz
 *   build/fuzz/frontmatter_fuzz -max_total_time=60 -close_fd_mask=2 \
 *       tests/fuzz/corpus/frontmatter
 *
 * The log level is BF_LOG_QUIET, which drops warnings; errors still reach
 * stderr by design of shared/log.c, hence -close_fd_mask=2 (libFuzzer keeps
 * its own output and sanitizer reports on a duplicate of stderr).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coordinator/frontmatter.h"
#include "shared/ctx.h"
#include "shared/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t n)
{
    if (!s || s[n] != '\0' || memchr(s, '\0', n) || bf_utf8_valid_prefix(s, n) != n)
        abort();
}

/* Recursion is bounded by the parser's depth limit (64). */
static void check_value(const bf_value_t *v, unsigned depth)
{
    if (!v || depth > 64 || v->line == 0 || v->col == 0)
        abort();
    switch (v->kind) {
    case BF_VAL_NULL:
    case BF_VAL_BOOL:
    case BF_VAL_INT:
    case BF_VAL_FLOAT:
        break;
    case BF_VAL_STRING:
        check_string(v->u.s.ptr, v->u.s.len);
        break;
    case BF_VAL_MAP:
        for (size_t i = 0; i < v->u.c.n; i++) {
            check_string(v->u.c.keys[i], v->u.c.key_lens[i]);
            for (size_t j = 0; j < i; j++)
                if (v->u.c.key_lens[j] == v->u.c.key_lens[i] &&
                    !memcmp(v->u.c.keys[j], v->u.c.keys[i], v->u.c.key_lens[i]))
                    abort(); /* duplicates must have been refused */
        }
        /* fall through */
    case BF_VAL_LIST:
        for (size_t i = 0; i < v->u.c.n; i++)
            check_value(v->u.c.items[i], depth + 1);
        break;
    default:
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    bf_arena_t *a;
    bf_fm_t fm;

    bf_ctx.log_level = BF_LOG_QUIET;
    a = bf_arena_create(512);
    if (!a)
        return 0;
    if (bf_fm_parse(a, "fuzz.md", text, size, NULL, &fm) == 0) {
        /* the body is always the tail of the text */
        if (fm.body < text || fm.body > text + size || fm.body + fm.body_len != text + size ||
            fm.body_line == 0)
            abort();
        if (fm.meta) {
            if (fm.meta->kind != BF_VAL_MAP || fm.meta->u.c.n == 0)
                abort();
            check_value(fm.meta, 1);
        }
    }
    bf_arena_destroy(a);
    return 0;
}
