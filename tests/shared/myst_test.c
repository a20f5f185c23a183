/*
 * tests/shared/myst_test.c - the MyST directive lines that the markdown
 * adapter and the coordinator's include scan both read (shared/myst.h):
 * fences and options, which lines are include directives (and which are
 * not: code, indented, quoted), what each spans, the errors, line counting
 * as cmark-gfm counts, and the path rule of an include.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "shared/myst.h"

/* ---- fences and options ---- */

Test(myst, opening_fence)
{
    bf_myst_fence_t f;
    const char *s = ":::{note} A title  ";
    cr_assert(bf_myst_open(s, strlen(s), &f));
    cr_assert_eq(f.colons, 3);
    cr_assert_eq(f.name_len, 4);
    cr_assert_eq(memcmp(f.name, "note", 4), 0);
    cr_assert_eq(f.arg_len, 7);
    cr_assert_eq(memcmp(f.arg, "A title", 7), 0);
    s = "::::{tab-set}";
    cr_assert(bf_myst_open(s, strlen(s), &f));
    cr_assert_eq(f.colons, 4);
    cr_assert_eq(f.arg_len, 0);
    const char *no[] = {"::{note}", "::: {note}", ":::{}", ":::{no te}", ":::{note}x",
                        ":::{note", ":::note", ""};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        cr_assert(!bf_myst_open(no[i], strlen(no[i]), &f), "\"%s\"", no[i]);
}

Test(myst, closing_fence)
{
    cr_assert_eq(bf_myst_close(":::", 3), 3);
    cr_assert_eq(bf_myst_close(":::::  \t", 8), 5);
    cr_assert_eq(bf_myst_close("::", 2), 0);
    cr_assert_eq(bf_myst_close("::: x", 5), 0);
    cr_assert_eq(bf_myst_close(":::{note}", 9), 0);
}

Test(myst, option_line)
{
    const char *k, *v;
    size_t kn, vn;
    cr_assert(bf_myst_option(":class: wide  ", 14, &k, &kn, &v, &vn));
    cr_assert(kn == 5 && memcmp(k, "class", 5) == 0 && vn == 4 && memcmp(v, "wide", 4) == 0);
    cr_assert(bf_myst_option(":open:", 6, &k, &kn, &v, &vn));
    cr_assert(kn == 4 && vn == 0);
    cr_assert(!bf_myst_option(":a:b", 4, &k, &kn, &v, &vn));
    cr_assert(!bf_myst_option("::", 2, &k, &kn, &v, &vn));
    cr_assert(!bf_myst_option("class: x", 8, &k, &kn, &v, &vn));
}

/* ---- the include scan ---- */

#define MAX_FOUND 8

typedef struct {
    bf_myst_include_t inc[MAX_FOUND];
    char path[MAX_FOUND][64];
    size_t n;
} found_t;

static int collect(void *ctx, const bf_myst_include_t *inc)
{
    found_t *f = ctx;
    cr_assert(f->n < MAX_FOUND);
    cr_assert(inc->path_len < 64);
    memcpy(f->path[f->n], inc->path, inc->path_len);
    f->path[f->n][inc->path_len] = '\0';
    f->inc[f->n++] = *inc;
    return 0;
}

static found_t scan(const char *text)
{
    found_t f = {0};
    cr_assert_eq(bf_myst_includes(text, strlen(text), collect, &f), 0);
    return f;
}

/* The text an include spans. */
static const char *span(const char *text, const bf_myst_include_t *inc)
{
    static char buf[256];
    cr_assert(inc->len < sizeof buf);
    memcpy(buf, text + inc->off, inc->len);
    buf[inc->len] = '\0';
    return buf;
}

Test(myst, colon_include)
{
    const char *t = "Intro\n:::{include} ../a b.md \n:::\nAfter\n";
    found_t f = scan(t);
    cr_assert_eq(f.n, 1);
    cr_assert_null(f.inc[0].error);
    cr_assert_str_eq(f.path[0], "../a b.md");
    cr_assert_eq(f.inc[0].line, 2);
    cr_assert_str_eq(span(t, &f.inc[0]), ":::{include} ../a b.md \n:::\n");
    /* a longer closing fence closes it too; at the end without a newline */
    t = ":::{include} x.md\n:::::";
    f = scan(t);
    cr_assert(f.n == 1 && !f.inc[0].error);
    cr_assert_eq(f.inc[0].len, strlen(t));
}

Test(myst, fenced_include)
{
    const char *t = "A\n\n```{include} x.md\n```\nB\n~~~~ {include}  y/z.md\n\n~~~~\n";
    found_t f = scan(t);
    cr_assert_eq(f.n, 2);
    cr_assert(!f.inc[0].error && !f.inc[1].error);
    cr_assert_str_eq(f.path[0], "x.md");
    cr_assert_str_eq(span(t, &f.inc[0]), "```{include} x.md\n```\n");
    cr_assert_eq(f.inc[1].line, 6);
    cr_assert_str_eq(f.path[1], "y/z.md");
    cr_assert_str_eq(span(t, &f.inc[1]), "~~~~ {include}  y/z.md\n\n~~~~\n");
}

Test(myst, not_includes)
{
    /* inside code blocks (the syntax shown), quoted, indented 4, other
     * directives, a name that only starts with include */
    const char *t = "```markdown\n:::{include} a.md\n:::\n```\n"
                    "~~~\n```{include} b.md\n```\n~~~\n"
                    "> :::{include} c.md\n"
                    "    :::{include} d.md\n"
                    ":::{note}\ntext\n:::\n"
                    ":::{includes} e.md\n:::\n"
                    "```{include}f.md\n```\n"
                    "text with {include} in it\n";
    cr_assert_eq(scan(t).n, 0);
    /* a fence of four closes only at four */
    t = "````\n```\n:::{include} a.md\n:::\n````\n:::{include} b.md\n:::\n";
    found_t f = scan(t);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.path[0], "b.md");
    cr_assert_eq(f.inc[0].line, 6);
    /* a backtick fence's info holds no backtick: that line is no fence */
    t = "``` a`b\n:::{include} a.md\n:::\n";
    cr_assert_eq(scan(t).n, 1);
}

Test(myst, errors)
{
    found_t f = scan("  :::{include} a.md\n  :::\n");
    cr_assert_eq(f.n, 1);
    cr_assert(f.inc[0].error && strstr(f.inc[0].error, "indented"));
    f = scan(":::{include} a.md\n\n:::\n");
    cr_assert(f.n == 1 && f.inc[0].error && strstr(f.inc[0].error, "not closed"));
    cr_assert_eq(f.inc[0].err_line, 1);
    f = scan(":::{include} a.md\n:start-line: 3\n:::\n");
    cr_assert(f.n == 1 && f.inc[0].error && strstr(f.inc[0].error, "no options"));
    cr_assert_eq(f.inc[0].err_line, 2);
    f = scan(":::{include} a.md");
    cr_assert(f.n == 1 && f.inc[0].error && strstr(f.inc[0].error, "not closed"));
    f = scan(":::{include}\n:::\n");
    cr_assert(f.n == 1 && f.inc[0].error && strstr(f.inc[0].error, "without a path"));
    f = scan("```{include} a.md\ncontent\n```\n");
    cr_assert(f.n == 1 && f.inc[0].error && strstr(f.inc[0].error, "no content"));
    cr_assert_eq(f.inc[0].err_line, 2);
    f = scan("```{include} a.md\n:opt: x\n```\n");
    cr_assert(f.n == 1 && f.inc[0].error && strstr(f.inc[0].error, "no options"));
    f = scan("```{include} a.md\n");
    cr_assert(f.n == 1 && f.inc[0].error && strstr(f.inc[0].error, "not closed"));
    /* an indented fenced include is reported, and its block stays code */
    f = scan(" ```{include} a.md\n:::{include} b.md\n:::\n ```\n");
    cr_assert_eq(f.n, 1);
    cr_assert(f.inc[0].error && strstr(f.inc[0].error, "indented"));
}

Test(myst, lines_as_cmark_counts_them)
{
    /* \r\n is one line end, a lone \r is one, \n is one */
    const char *t = "a\r\nb\rc\n:::{include} x.md\r\n:::\r\nd\n";
    found_t f = scan(t);
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.inc[0].line, 4);
    cr_assert_str_eq(f.path[0], "x.md");
    cr_assert_str_eq(span(t, &f.inc[0]), ":::{include} x.md\r\n:::\r\n");
    t = "a\r:::{include} y.md\r:::\rb";
    f = scan(t);
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.inc[0].line, 2);
    cr_assert_str_eq(span(t, &f.inc[0]), ":::{include} y.md\r:::\r");
}

static int stop_at_first(void *ctx, const bf_myst_include_t *inc)
{
    ++*(int *)ctx;
    return 7;
}

Test(myst, callback_stops_the_scan)
{
    int calls = 0;
    const char *t = ":::{include} a\n:::\n:::{include} b\n:::\n";
    cr_assert_eq(bf_myst_includes(t, strlen(t), stop_at_first, &calls), 7);
    cr_assert_eq(calls, 1);
}

Test(myst, include_info)
{
    const char *p;
    size_t n;
    cr_assert(bf_myst_include_info("{include} a.md ", 15, &p, &n));
    cr_assert(n == 4 && memcmp(p, "a.md", 4) == 0);
    cr_assert(bf_myst_include_info("{include}", 9, &p, &n) && n == 0);
    cr_assert(!bf_myst_include_info("{include}a.md", 13, &p, &n));
    cr_assert(!bf_myst_include_info("python", 6, &p, &n));
    cr_assert(!bf_myst_include_info(NULL, 0, &p, &n));
}

/* ---- paths ---- */

static const char *resolve(const char *from, const char *path)
{
    static char out[128];
    const char *why = NULL;
    if (bf_myst_include_path(from, path, strlen(path), out, sizeof out, &why) < 0) {
        cr_assert_not_null(why);
        return why;
    }
    return out;
}

Test(myst, include_path)
{
    cr_assert_str_eq(resolve("content/docs/a.md", "b.md"), "content/docs/b.md");
    cr_assert_str_eq(resolve("content/docs/a.md", "../x/./y.md"), "content/x/y.md");
    cr_assert_str_eq(resolve("content/docs/a.md", "..//.snippets/n.md"),
                     "content/.snippets/n.md");
    cr_assert_str_eq(resolve("content/a.md", "a/b/../../c.md"), "content/c.md");
    cr_assert_str_eq(resolve("content/docs/a.md", "../../x.md"),
                     "leaves the content directory");
    cr_assert_str_eq(resolve("content/a.md", "../content/a.md"),
                     "leaves the content directory");
    cr_assert_str_eq(resolve("content/a.md", ".."), "leaves the content directory");
    cr_assert_str_eq(resolve("content/a.md", "."), "leaves the content directory");
    cr_assert(strstr(resolve("content/a.md", "/etc/passwd"), "absolute"));
    cr_assert(strstr(resolve("content/a.md", "a\\b.md"), "backslash"));
    cr_assert_str_eq(resolve("content/a.md", ""), "is empty");
    char nul[] = "a\0b";
    char out[64];
    const char *why;
    cr_assert_eq(bf_myst_include_path("content/a.md", nul, 3, out, sizeof out, &why), -1);
    cr_assert_str_eq(why, "contains a NUL byte");
    /* too long for the buffer: refused, never cut */
    char lng[200];
    memset(lng, 'x', sizeof lng - 1);
    lng[sizeof lng - 1] = '\0';
    cr_assert_str_eq(resolve("content/a.md", lng), "is too long");
}
