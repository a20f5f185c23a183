/*
 * tests/fuzz/highlight_fuzz.c - libFuzzer target for fenced code blocks:
 * the fence info parser (worker/md_code.h) and the highlighter
 * (worker/highlight.h) over every grammar compiled in.
 *
 * Held to what the headers promise, whatever the bytes:
 *   - bf_md_fence_parse: the language and the title lie inside the info
 *     string, at most BF_MD_FENCE_RANGES ranges, each 1 <= from <= to <=
 *     BF_MD_FENCE_LINE_MAX;
 *   - bf_hl_render: never fails but on out of memory, every tag it writes
 *     is closed in order (no overlap), stripping the tags and undoing the
 *     four entities gives back the code byte for byte, and with lines each
 *     line of the code is wrapped once.
 *
 * Input layout:
 *
 *   byte 0      the language: i-th compiled in, or (past the last) an
 *               unknown one
 *   byte 1      bit 0: wrap lines
 *   bytes 2..   the info string up to the first '\n', then the code
 *
 *   make fuzz
 *   build/fuzz/highlight_fuzz -max_total_time=60 tests/fuzz/corpus/highlight
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "worker/highlight.h"
#include "worker/md_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Code longer than this is cut: tree-sitter's error recovery on garbage
 * is slow enough to make a run crawl, and the length adds no branch. */
#define CODE_MAX 4096

static bf_hl_t *hl;
static bf_buf_t out;

static void check_fence(const char *info, size_t n)
{
    bf_md_fence_t f;
    bf_md_fence_parse(info, n, &f);
    if (f.lang < info || f.lang + f.lang_len > info + n)
        abort();
    if (f.title && (f.title < info || f.title + f.title_len > info + n))
        abort();
    if (f.n_ranges > BF_MD_FENCE_RANGES)
        abort();
    for (uint32_t i = 0; i < f.n_ranges; i++)
        if (f.ranges[i].from < 1 || f.ranges[i].from > f.ranges[i].to ||
            f.ranges[i].to > BF_MD_FENCE_LINE_MAX)
            abort();
}

static int wrap(void *arg, bf_buf_t *o, uint32_t n, bool start)
{
    (void)arg;
    (void)n;
    return bf_buf_puts(o, start ? "<L>" : "</L>");
}

/* Strips the tags of html (checking their nesting), undoes the entities
 * and compares with code; counts the <L> wrappers. */
static void check_html(const char *html, size_t n, const char *code, size_t len, size_t *lines)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
    size_t o = 0, depth = 0;
    *lines = 0;
    for (size_t i = 0; i < n;) {
        if (html[i] == '<') {
            const char *end = memchr(html + i, '>', n - i);
            if (!end)
                abort();
            if (html[i + 1] == '/') {
                if (depth-- == 0)
                    abort();
            } else {
                depth++;
                *lines += html[i + 1] == 'L';
            }
            i = (size_t)(end - html) + 1;
            continue;
        }
        char c = html[i];
        size_t adv = 1;
        if (c == '>' || c == '"')
            abort(); /* must have been escaped */
        for (size_t k = 0; k < 4 && c == '&'; k++) {
            size_t el = strlen(ents[k].ent);
            if (n - i >= el && memcmp(html + i, ents[k].ent, el) == 0) {
                c = ents[k].c;
                adv = el;
                break;
            }
        }
        if (o >= len || code[o] != c)
            abort();
        o++;
        i += adv;
    }
    if (depth != 0 || o != len)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!hl && !(hl = bf_hl_new()))
        abort();
    if (size < 2)
        return 0;
    size_t nl = 0;
    while (bf_hl_language(nl, NULL))
        nl++;
    const char *lang = data[0] < nl ? bf_hl_language(data[0], NULL) : "no-such-lang";
    bool by_line = data[1] & 1;
    const char *rest = (const char *)data + 2;
    size_t rest_len = size - 2;
    const char *eol = memchr(rest, '\n', rest_len);
    size_t info_len = eol ? (size_t)(eol - rest) : rest_len;
    check_fence(rest, info_len);

    /* the code as cmark gives it: a C string (no NUL inside) */
    const char *code = eol ? eol + 1 : rest + rest_len;
    size_t len = (size_t)(rest + rest_len - code);
    if (len > CODE_MAX)
        len = CODE_MAX;
    char *c = malloc(len + 1);
    if (!c)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (code[i] != '\0')
            c[k++] = code[i];
    c[k] = '\0';

    bf_hl_lines_t lines = {wrap, NULL};
    bf_buf_reset(&out);
    if (bf_hl_render(hl, lang, strlen(lang), c, k, by_line ? &lines : NULL, &out) < 0)
        abort();
    size_t wrapped;
    check_html(out.data ? out.data : "", out.len, c, k, &wrapped);
    if (by_line) {
        size_t want = 0;
        for (size_t i = 0; i < k; i++)
            want += c[i] == '\n';
        want += k && c[k - 1] != '\n';
        if (wrapped != want)
            abort();
    }
    free(c);
    return 0;
}
