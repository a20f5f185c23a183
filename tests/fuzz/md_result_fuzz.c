/*
 * tests/fuzz/md_result_fuzz.c - libFuzzer target for bf_md_result_load
 * (worker/markdown.h, "Results kept between builds"), the reader of the
 * render pack's blobs.
 *
 * The loader promises that bytes which are not a result are -1, never a
 * crash, and that a result it accepts holds together: html, toc_html and
 * excerpt_html present and NUL-terminated at their lengths, every TOC
 * index inside the TOC, levels 1..6, kinds in range, a string wherever
 * one is required, one dep per internal link.  This target reads every
 * byte of what it accepts (the input is copied into a buffer of exactly
 * its size, so that ASan sees a read past it) and checks each promise;
 * then it saves the result and loads that again: the second load must
 * succeed and save to the same bytes (a loaded result is a result).
 *
 * The seeds (tests/fuzz/corpus/md_result/) are bf_md_result_save of a
 * few small pages rendered without a snapshot: a rich one (TOC, links of
 * every kind, an image, code, a table, a footnote, math, <!--more-->, an
 * unresolved [[x]]), one line, an empty page.
 *
 *   make fuzz
 *   build/fuzz/md_result_fuzz -max_total_time=60 tests/fuzz/corpus/md_result
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/ctx.h"
#include "worker/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bf_arena_t *arena;
static volatile uint64_t sink;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

static void touch(const char *s, size_t n)
{
    CHECK(s != NULL);
    for (size_t i = 0; i < n; i++)
        sink += (unsigned char)s[i];
    CHECK(s[n] == '\0');
}

static void touch_c(const char *s)
{
    touch(s, strlen(s));
}

static void check_links(const bf_md_link_t *l, size_t n)
{
    CHECK(n == 0 || l != NULL);
    for (size_t i = 0; i < n; i++) {
        touch_c(l[i].target);
        if (l[i].fragment)
            touch_c(l[i].fragment);
        CHECK(l[i].kind <= BF_MD_LINK_EXTERNAL);
        CHECK(l[i].page == BF_MD_NONE);
        sink += l[i].line;
    }
}

static void check(const bf_md_result_t *r, const uint64_t *deps)
{
    touch(r->html, r->html_len);
    touch(r->toc_html, r->toc_html_len);
    touch(r->excerpt_html, r->excerpt_len);
    if (r->title)
        touch_c(r->title);
    CHECK(r->n_toc == 0 || r->toc != NULL);
    for (size_t i = 0; i < r->n_toc; i++) {
        const bf_md_toc_item_t *t = &r->toc[i];
        CHECK(t->level >= 1 && t->level <= 6);
        CHECK(t->parent == BF_MD_NONE || t->parent < r->n_toc);
        CHECK(t->first_child == BF_MD_NONE || t->first_child < r->n_toc);
        CHECK(t->next_sibling == BF_MD_NONE || t->next_sibling < r->n_toc);
        touch_c(t->text);
        touch_c(t->id);
    }
    CHECK(r->n_code_langs == 0 || r->code_langs != NULL);
    for (size_t i = 0; i < r->n_code_langs; i++)
        touch_c(r->code_langs[i]);
    check_links(r->internal_links, r->n_internal_links);
    check_links(r->external_links, r->n_external_links);
    check_links(r->images, r->n_images);
    CHECK(r->n_internal_links == 0 || deps != NULL);
    for (size_t i = 0; i < r->n_internal_links; i++)
        sink += deps[i];
    CHECK(r->n_diags == 0 || r->diags != NULL);
    for (size_t i = 0; i < r->n_diags; i++) {
        CHECK(r->diags[i].kind < BF_MD_DIAG_KINDS);
        touch_c(r->diags[i].message);
        if (r->diags[i].target)
            touch_c(r->diags[i].target);
        sink += bf_md_diag_is_broken(&r->diags[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!arena) {
        bf_ctx.log_level = BF_LOG_QUIET;
        arena = bf_arena_create(0);
        if (!arena)
            abort();
    }
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    bf_md_result_t r;
    const uint64_t *deps = NULL;
    if (bf_md_result_load(arena, buf, size, &r, &deps) == 0) {
        check(&r, deps);
        /* a loaded result is a result: it saves, and loads back the same */
        bf_buf_t once = BF_BUF_INIT, twice = BF_BUF_INIT;
        bf_md_result_t r2;
        const uint64_t *deps2 = NULL;
        CHECK(bf_md_result_save(&r, deps, &once) == 0);
        CHECK(bf_md_result_load(arena, once.data, once.len, &r2, &deps2) == 0);
        check(&r2, deps2);
        CHECK(bf_md_result_save(&r2, deps2, &twice) == 0);
        CHECK(once.len == twice.len && memcmp(once.data, twice.data, once.len) == 0);
        bf_buf_free(&once);
        bf_buf_free(&twice);
    }
    free(buf);
    bf_arena_reset(arena);
    return 0;
}
