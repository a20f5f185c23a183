/*
 * coordinator/frontmatter.c - splits a markdown file into its YAML front
 * matter and its body (see frontmatter.h).
 *
 * The text is (ptr, len) and may hold NUL bytes: every scan is bounded by
 * len, never by a terminator.  Lines end at LF; a CR before the LF belongs
 * to the line ending, so CRLF files split the same way as LF files.  The
 * YAML block handed to the parser is the exact bytes between the fences,
 * and its first line is line 2 of the file, so YAML errors point into the
 * markdown file.
 */
#include "coordinator/frontmatter.h"

#include <stdbool.h>
#include <string.h>

#include "shared/log.h"

/* Is s[0..n) (one line without its LF) exactly fence, ignoring a CR and
 * trailing blanks? */
static bool is_fence(const char *s, size_t n, const char *fence)
{
    if (n > 0 && s[n - 1] == '\r')
        n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n == 3 && memcmp(s, fence, 3) == 0;
}

/* Length of the line at s[0..n) without its LF; *next is the offset of the
 * following line (n when this was the last). */
static size_t line_len(const char *s, size_t n, size_t *next)
{
    const char *lf = memchr(s, '\n', n);
    size_t l = lf ? (size_t)(lf - s) : n;

    *next = lf ? l + 1 : n;
    return l;
}

static const char *kind_noun(bf_val_kind_t k)
{
    switch (k) {
    case BF_VAL_LIST:
        return "a list";
    case BF_VAL_BOOL:
        return "a boolean";
    case BF_VAL_INT:
    case BF_VAL_FLOAT:
        return "a number";
    default:
        return "a string";
    }
}

int bf_fm_parse(bf_arena_t *a, const char *file, const char *text, size_t len,
                const bf_yaml_limits_t *lim, bf_fm_t *out)
{
    size_t pos = 0, next, l, block, bom = 0;
    unsigned line = 2;
    bf_value_t *v;

    /* The BOM is not content: the body never includes it. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        bom = 3;
    out->meta = NULL;
    out->body = text + bom;
    out->body_len = len - bom;
    out->body_line = 1;

    l = line_len(text + bom, len - bom, &next);
    if (!is_fence(text + bom, l, "---"))
        return 0; /* no front matter: all body */
    pos = bom + next;
    block = pos;
    for (;;) {
        if (pos >= len) {
            if (file)
                bf_log_at(BF_LOG_ERROR, file, 1, 1, "unterminated front matter: no closing \"---\"");
            return -1;
        }
        l = line_len(text + pos, len - pos, &next);
        if (is_fence(text + pos, l, "---") || is_fence(text + pos, l, "..."))
            break;
        pos += next;
        line++;
    }
    if (bf_yaml_parse(a, file, text + block, pos - block, 2, lim, &v) < 0)
        return -1;
    if (v->kind == BF_VAL_MAP) {
        out->meta = v->u.c.n > 0 ? v : NULL;
    } else if (v->kind != BF_VAL_NULL) {
        if (file)
            bf_log_at(BF_LOG_ERROR, file, v->line, v->col, "front matter must be a map of keys, not %s",
                  kind_noun(v->kind));
        return -1;
    }
    out->body = text + pos + next;
    out->body_len = len - pos - next;
    out->body_line = line + 1;
    return 0;
}
