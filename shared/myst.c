/*
 * shared/myst.c - MyST directive lines and the include scan (see
 * myst.h).
 *
 * The scan walks the text line by line with one piece of state, the
 * fenced code block it is in (its character and length), which is all
 * that decides whether a line at column 1 can be a directive: indented
 * code needs 4 columns of indentation, and an include is only taken at
 * column 1.  HTML blocks are not tracked: an include line inside one is
 * expanded (the HTML block ends where the included text begins).
 */
#include "shared/myst.h"

#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

/* s[0..n) without the blanks at its end. */
static size_t trim_end(const char *s, size_t n)
{
    while (n && is_blank(s[n - 1]))
        n--;
    return n;
}

bool bf_myst_open(const char *s, size_t n, bf_myst_fence_t *out)
{
    size_t i = 0;
    while (i < n && s[i] == ':')
        i++;
    if (i < 3 || i >= n || s[i] != '{')
        return false;
    size_t name = ++i;
    while (i < n && is_name_char(s[i]))
        i++;
    if (i == name || i >= n || s[i] != '}')
        return false;
    size_t name_end = i++;
    if (i < n && !is_blank(s[i]))
        return false;
    while (i < n && is_blank(s[i]))
        i++;
    out->colons = (uint32_t)(name - 1);
    out->name = s + name;
    out->name_len = name_end - name;
    out->arg = s + i;
    out->arg_len = trim_end(s + i, n - i);
    return true;
}

uint32_t bf_myst_close(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ':')
        i++;
    size_t colons = i;
    while (i < n && is_blank(s[i]))
        i++;
    return colons >= 3 && i == n && colons <= UINT32_MAX ? (uint32_t)colons : 0;
}

bool bf_myst_option(const char *s, size_t n, const char **key, size_t *key_len,
                    const char **value, size_t *value_len)
{
    size_t i = 1;
    if (n == 0 || s[0] != ':')
        return false;
    while (i < n && is_name_char(s[i]))
        i++;
    if (i == 1 || i >= n || s[i] != ':' || (i + 1 < n && !is_blank(s[i + 1])))
        return false;
    *key = s + 1;
    *key_len = i - 1;
    i++;
    while (i < n && is_blank(s[i]))
        i++;
    *value = s + i;
    *value_len = trim_end(s + i, n - i);
    return true;
}

/* ---- the include scan ---- */

/* The current line of the scan. */
typedef struct {
    const char *t;
    size_t n;
    size_t at;      /* its first byte */
    size_t end;     /* its line end (or n) */
    size_t next;    /* the next line's first byte (or n) */
    size_t text;    /* its first non-blank byte */
    unsigned col;   /* the column of that byte, tabs to multiples of 4 */
    uint32_t line;  /* 1-based */
} cur_t;

/* Reads the line at c->at; false at the end of the text. */
static bool cur_load(cur_t *c)
{
    const char *t = c->t;
    size_t i = c->at;
    if (i >= c->n)
        return false;
    const char *lf = memchr(t + i, '\n', c->n - i);
    const char *cr = memchr(t + i, '\r', lf ? (size_t)(lf - t) - i : c->n - i);
    const char *e = cr ? cr : lf;
    c->end = e ? (size_t)(e - t) : c->n;
    c->next = !e ? c->n : c->end + (*e == '\r' && c->end + 1 < c->n && t[c->end + 1] == '\n' ? 2 : 1);
    unsigned col = 0;
    for (; i < c->end && is_blank(t[i]); i++)
        col = t[i] == '\t' ? (col + 4) & ~3u : col + 1;
    c->text = i;
    c->col = col;
    return true;
}

static void cur_next(cur_t *c)
{
    c->at = c->next;
    c->line++;
}

/* A code fence at the line's text: its character and length, and its
 * info string (leading blanks skipped); a backtick fence's info may not
 * hold a backtick (CommonMark). */
static bool code_fence(const cur_t *c, char *ch, size_t *len, const char **info, size_t *info_len)
{
    const char *s = c->t + c->text;
    size_t n = c->end - c->text, i = 0;
    if (c->col >= 4 || n < 3 || (s[0] != '`' && s[0] != '~'))
        return false;
    while (i < n && s[i] == s[0])
        i++;
    if (i < 3 || (s[0] == '`' && memchr(s + i, '`', n - i)))
        return false;
    *ch = s[0];
    *len = i;
    while (i < n && is_blank(s[i]))
        i++;
    *info = s + i;
    *info_len = n - i;
    return true;
}

/* Does the line close a code fence of ch x len? */
static bool code_fence_closes(const cur_t *c, char ch, size_t len)
{
    const char *s = c->t + c->text;
    size_t n = c->end - c->text, i = 0;
    if (c->col >= 4)
        return false;
    while (i < n && s[i] == ch)
        i++;
    if (i < len)
        return false;
    while (i < n && is_blank(s[i]))
        i++;
    return i == n;
}

bool bf_myst_include_info(const char *s, size_t n, const char **path, size_t *path_len)
{
    static const char tag[] = "{include}";
    size_t k = sizeof(tag) - 1;
    if (n < k || memcmp(s, tag, k) != 0 || (n > k && !is_blank(s[k])))
        return false;
    while (k < n && is_blank(s[k]))
        k++;
    *path = s + k;
    *path_len = trim_end(s + k, n - k);
    return true;
}

#define E_INDENTED                                                                           \
    "include directive indented: start it at the beginning of the line (includes inside "   \
    "lists and block quotes are not supported)"

static void fail(bf_myst_include_t *inc, const char *why, uint32_t line)
{
    if (!inc->error) {
        inc->error = why;
        inc->err_line = line;
    }
}

/* ":::{include} path" at c, then its closing fence on the next line. */
static void colon_include(cur_t *c, const bf_myst_fence_t *f, bf_myst_include_t *inc)
{
    const char *key, *value;
    size_t key_len, value_len;
    inc->len = c->next - c->at;
    if (c->col > 0) {
        fail(inc, E_INDENTED, c->line);
        return;
    }
    cur_t after = *c;
    cur_next(&after);
    if (!cur_load(&after) || after.col >= 4) {
        fail(inc, "include directive not closed: put its closing \":::\" on the next line "
                  "(an include has no content)", c->line);
    } else if (bf_myst_close(after.t + after.text, after.end - after.text) >= f->colons) {
        inc->len = after.next - c->at;
        *c = after; /* the closing line is the include's */
    } else if (bf_myst_option(after.t + after.text, after.end - after.text, &key, &key_len,
                              &value, &value_len)) {
        fail(inc, "an include takes no options", after.line);
    } else {
        fail(inc, "include directive not closed: put its closing \":::\" on the next line "
                  "(an include has no content)", c->line);
    }
}

/* "```{include} path" at c: the code block up to its closing fence, which
 * must hold nothing but blank lines.  The scan goes on after it. */
static void fenced_include(cur_t *c, char ch, size_t len, bf_myst_include_t *inc)
{
    const char *key, *value;
    size_t key_len, value_len;
    uint32_t open = c->line;
    for (;;) {
        cur_t after = *c;
        cur_next(&after);
        if (!cur_load(&after)) {
            fail(inc, "include fence not closed (an include has no content: close it on the "
                      "next line)", open);
            inc->len = c->next - inc->off;
            return;
        }
        *c = after;
        if (code_fence_closes(c, ch, len))
            break;
        if (c->text == c->end)
            continue;
        fail(inc,
             bf_myst_option(c->t + c->text, c->end - c->text, &key, &key_len, &value,
                            &value_len)
                 ? "an include takes no options"
                 : "an include has no content: close its fence on the next line",
             c->line);
    }
    inc->len = c->next - inc->off;
}

int bf_myst_includes(const char *text, size_t n, bf_myst_include_fn fn, void *ctx)
{
    cur_t c = {.t = text, .n = n, .line = 1};
    char fence = 0;
    if (!memmem(text, n, "{include}", 9))
        return 0; /* most pages: one fast search */
    size_t fence_len = 0;
    for (; cur_load(&c); cur_next(&c)) {
        const char *s = text + c.text, *info;
        size_t sn = c.end - c.text, info_len;
        char ch;
        bf_myst_fence_t f;
        bf_myst_include_t inc = {.off = c.at, .line = c.line};
        if (fence) {
            if (code_fence_closes(&c, fence, fence_len))
                fence = 0;
            continue;
        }
        if (code_fence(&c, &ch, &fence_len, &info, &info_len)) {
            if (!bf_myst_include_info(info, info_len, &inc.path, &inc.path_len)) {
                fence = ch;
                continue;
            }
            if (c.col > 0) { /* reported, and its block stays code */
                fail(&inc, E_INDENTED, c.line);
                inc.len = c.next - c.at;
                fence = ch;
            } else {
                fenced_include(&c, ch, fence_len, &inc);
            }
        } else if (c.col < 4 && bf_myst_open(s, sn, &f) && f.name_len == 7 &&
                   memcmp(f.name, "include", 7) == 0) {
            inc.path = f.arg;
            inc.path_len = f.arg_len;
            colon_include(&c, &f, &inc);
        } else {
            continue;
        }
        if (!inc.path_len)
            fail(&inc, "include without a path (write the file after {include})", inc.line);
        int rc = fn(ctx, &inc);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- paths ---- */

int bf_myst_include_path(const char *from, const char *path, size_t n, char *out, size_t cap,
                         const char **why)
{
    static const char top[] = "content/";
    const char *slash = strrchr(from, '/');
    size_t len = slash ? (size_t)(slash - from) : 0;
    *why = NULL;
    if (n == 0)
        *why = "is empty";
    else if (memchr(path, '\0', n))
        *why = "contains a NUL byte";
    else if (memchr(path, '\\', n))
        *why = "contains a backslash (separate directories with /)";
    else if (path[0] == '/')
        *why = "is absolute (write it relative to the file that includes it)";
    else if (len >= cap)
        *why = "is too long";
    if (*why)
        return -1;
    memcpy(out, from, len);
    for (size_t i = 0; i < n;) {
        const char *comp = path + i;
        const char *e = memchr(comp, '/', n - i);
        size_t k = e ? (size_t)(e - comp) : n - i;
        i += k + 1;
        if (k == 0 || (k == 1 && comp[0] == '.'))
            continue;
        if (k == 2 && comp[0] == '.' && comp[1] == '.') {
            while (len && out[len - 1] != '/')
                len--;
            if (len == 0) {
                *why = "leaves the content directory";
                return -1;
            }
            len--; /* the '/' */
            continue;
        }
        if (cap - len < k + 2) {
            *why = "is too long";
            return -1;
        }
        out[len++] = '/';
        memcpy(out + len, comp, k);
        len += k;
    }
    out[len] = '\0';
    if (len < sizeof(top) || memcmp(out, top, sizeof(top) - 1) != 0) {
        *why = "leaves the content directory";
        return -1;
    }
    return 0;
}
