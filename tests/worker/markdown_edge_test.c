/*
 * tests/worker/markdown_edge_test.c - pathological inputs and the
 * "markdown" command.
 *
 * Pathological inputs (cmark-gfm's own list plus what our additions scan:
 * brackets for cross-references, '$' for math, colons for admonitions,
 * MkDocs indentation and lazy lines, alert markers, tabs, options)
 * must finish; each test has a generous criterion timeout, so a quadratic
 * path shows up as a failure, not as a slow suite.  They run in site mode
 * (every addition on) and in plain mode.
 *
 * The command is called as a function with stdin and stdout redirected to
 * files (criterion runs each test in its own process).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "worker/markdown.h"
#include "worker/md_cli.h"

static bf_buf_t in_buf = BF_BUF_INIT;

static void rep(const char *s, size_t times)
{
    for (size_t i = 0; i < times; i++)
        cr_assert_eq(bf_buf_puts(&in_buf, s), 0);
}

/* Renders in_buf in site mode and in plain mode; returns the site html
 * length. */
static size_t render_both(void)
{
    bf_md_result_t r;
    cr_assert_eq(bf_md_init(), 0);
    bf_md_t *md = bf_md_new();
    bf_arena_t *a = bf_arena_create(0);
    bf_md_page_t in = {.body = in_buf.data ? in_buf.data : "", .body_len = in_buf.len,
                       .extensions = BF_MD_EXT_ALL, .source = "content/p.md"};
    in.flags = BF_MD_PLAIN;
    cr_assert_eq(bf_md_render(md, a, &in, &r), 0);
    in.flags = BF_MD_ANCHOR_LINKS;
    cr_assert_eq(bf_md_render(md, a, &in, &r), 0);
    size_t n = r.html_len;
    cr_assert_eq(strlen(r.html), n);
    bf_md_free(md);
    bf_arena_destroy(a);
    bf_buf_free(&in_buf);
    return n;
}

TestSuite(patho, .timeout = 20);

Test(patho, nested_lists)
{
    rep("- ", 50000);
    rep("x\n", 1);
    cr_assert_gt(render_both(), 0);
}

Test(patho, nested_quotes)
{
    rep(">", 100000);
    rep(" x\n", 1);
    cr_assert_gt(render_both(), 0);
}

Test(patho, nested_lists_by_indent)
{
    for (int i = 0; i < 2000; i++) {
        for (int k = 0; k < i * 2; k++)
            bf_buf_putc(&in_buf, ' ');
        bf_buf_puts(&in_buf, "- item\n");
    }
    cr_assert_gt(render_both(), 0);
}

Test(patho, stars)
{
    rep("*", 100000);
    cr_assert_gt(render_both(), 0);
    rep("*a **a ", 30000);
    cr_assert_gt(render_both(), 0);
    rep("a_", 50000);
    cr_assert_gt(render_both(), 0);
}

Test(patho, open_brackets)
{
    rep("[", 50000);
    cr_assert_gt(render_both(), 0);
    rep("[", 50000);
    rep("a", 1);
    rep("]", 50000);
    cr_assert_gt(render_both(), 0);
    rep("[[", 50000);
    rep("]]", 50000);
    cr_assert_gt(render_both(), 0);
    rep("[[x|", 30000);
    rep("]]", 30000);
    cr_assert_gt(render_both(), 0);
    rep("[a](<b", 30000);
    cr_assert_gt(render_both(), 0);
    rep("![[a](", 30000);
    cr_assert_gt(render_both(), 0);
}

Test(patho, long_line)
{
    for (int i = 0; i < 10 * 1024 * 1024 / 8; i++)
        bf_buf_puts(&in_buf, "abc def ");
    cr_assert_gt(render_both(), 10 * 1024 * 1024);
    bf_buf_puts(&in_buf, "# ");
    for (int i = 0; i < 10 * 1024 * 1024 / 8; i++)
        bf_buf_puts(&in_buf, "Abc Def ");
    cr_assert_gt(render_both(), 10 * 1024 * 1024);
}

Test(patho, many_headings_and_ids)
{
    rep("## Same\n", 50000);
    rep("## Same 1\n", 1000);
    cr_assert_gt(render_both(), 0);
}

Test(patho, dollars_backticks_colons)
{
    rep("$a ", 100000);
    cr_assert_gt(render_both(), 0);
    rep("`", 50000);
    rep("a`", 50000);
    cr_assert_gt(render_both(), 0);
    rep(":::{note}\n", 20000);
    cr_assert_gt(render_both(), 0);
    rep(":::{note}\n> ", 5000);
    rep("x\n", 1);
    rep(":::\n", 5000);
    cr_assert_gt(render_both(), 0);
}

Test(patho, directives)
{
    /* MkDocs blocks each 4 columns deeper than the last (16 nest, the
     * rest is text) */
    for (int i = 0; i < 400; i++) {
        rep("    ", (size_t)i);
        rep("!!! note\n", 1);
    }
    cr_assert_gt(render_both(), 0);
    rep("!!! note\n", 50000);
    cr_assert_gt(render_both(), 0);
    /* lazy lines after a paragraph deep in quotes inside a body */
    rep("!!! note\n    ", 1);
    rep("> ", 5000);
    rep("x\n", 1);
    rep("lazy\n", 50000);
    cr_assert_gt(render_both(), 0);
    rep("> [!NOTE]\n> x\n\n", 30000);
    rep("> [!NOTE]\n", 30000);
    cr_assert_gt(render_both(), 0);
    rep("::::{tab-set}\n", 1);
    rep(":::{tab-item} T\n:sync: s\nx\n:::\n", 30000);
    rep("::::\n", 1);
    cr_assert_gt(render_both(), 0);
    rep(":::{figure} a.png\n", 1);
    rep(":alt: a\n", 100000);
    rep(":::\n", 1);
    cr_assert_gt(render_both(), 0);
    rep(":::{tab-item} x\n", 20000);
    rep("???+ x\n\t", 20000);
    cr_assert_gt(render_both(), 0);
}

/* Wide and long tables.  (cmark-gfm pads every row to the header's width,
 * so a wide header over many rows is quadratic in cmark-gfm itself: that
 * output really is that large, and is not tested here.) */
Test(patho, tables)
{
    rep("|a", 5000);
    rep("\n", 1);
    rep("|-", 5000);
    rep("\n", 1);
    rep("|b|\n", 20);
    cr_assert_gt(render_both(), 0);
    rep("|a|b|\n|-|-|\n", 1);
    rep("|[[x]]|*y*|\n", 30000);
    cr_assert_gt(render_both(), 0);
}

Test(patho, footnotes)
{
    for (int i = 0; i < 20000; i++)
        bf_buf_printf(&in_buf, "x[^%d] [^1]\n", i);
    for (int i = 0; i < 20000; i++)
        bf_buf_printf(&in_buf, "\n[^%d]: n [^%d]\n", i, i + 1);
    cr_assert_gt(render_both(), 0);
}

/* ---- the command ---- */

/* Runs bf_md_cli_main with input on stdin; returns its status and leaves
 * stdout in *out (malloc'd). */
static int run_cli(const char *input, char **out, int argc, char **argv)
{
    char in_path[] = "/tmp/bf-md-cli-inXXXXXX", out_path[] = "/tmp/bf-md-cli-outXXXXXX";
    int fin = mkstemp(in_path), fout = mkstemp(out_path);
    cr_assert(fin >= 0 && fout >= 0);
    cr_assert_eq(write(fin, input, strlen(input)), (ssize_t)strlen(input));
    lseek(fin, 0, SEEK_SET);
    int save_in = dup(0), save_out = dup(1), save_err = dup(2);
    int null = open("/dev/null", O_WRONLY);
    dup2(fin, 0);
    dup2(fout, 1);
    dup2(null, 2);
    int rc = bf_md_cli_main(argc, argv);
    dup2(save_in, 0);
    dup2(save_out, 1);
    dup2(save_err, 2);
    close(null);
    off_t len = lseek(fout, 0, SEEK_END);
    *out = calloc(1, (size_t)len + 1);
    cr_assert_eq(pread(fout, *out, (size_t)len, 0), len);
    close(fin);
    close(fout);
    unlink(in_path);
    unlink(out_path);
    return rc;
}

Test(cli, plain_with_extensions)
{
    char *out;
    char *argv[] = {"markdown", "--plain", "-e", "table", "-e", "strikethrough", NULL};
    int rc = run_cli("# T\n\n| a |\n|---|\n| ~~b~~ |\n\n[[x]] <b>\n", &out, 6, argv);
    cr_assert_eq(rc, 0);
    cr_assert_str_eq(out, "<h1>T</h1>\n<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n"
                          "<tbody>\n<tr>\n<td><del>b</del></td>\n</tr>\n</tbody>\n</table>\n"
                          "<p>[[x]] <!-- raw HTML omitted --></p>\n");
    free(out);
}

Test(cli, plain_without_extensions_is_commonmark)
{
    char *out;
    char *argv[] = {"markdown", "--plain", "--unsafe", NULL};
    cr_assert_eq(run_cli("| a |\n|---|\n\n~~s~~ <b>x</b>\n", &out, 3, argv), 0);
    cr_assert_str_eq(out, "<p>| a |\n|---|</p>\n<p>~~s~~ <b>x</b></p>\n");
    free(out);
}

Test(cli, site_mode_defaults)
{
    char *out;
    char *argv[] = {"markdown", NULL};
    cr_assert_eq(run_cli("## Hi\n\n:::{tip}\n~~x~~ [[nowhere]]\n:::\n", &out, 1, argv), 0);
    cr_assert_str_eq(out, "<h2 id=\"hi\">Hi</h2>\n<div class=\"admonition tip\">\n"
                          "<p class=\"admonition-title\">Tip</p>\n<p><del>x</del> "
                          "<a class=\"xref broken\" data-target=\"nowhere\">nowhere</a></p>\n"
                          "</div>\n");
    free(out);
}

Test(cli, usage_errors)
{
    char *out;
    char *a1[] = {"markdown", "-e", "nosuch", NULL};
    cr_assert_eq(run_cli("x", &out, 3, a1), 2);
    cr_assert_str_eq(out, "");
    free(out);
    char *a2[] = {"markdown", "--frob", NULL};
    cr_assert_eq(run_cli("x", &out, 2, a2), 2);
    free(out);
    char *a3[] = {"markdown", "-e", NULL};
    cr_assert_eq(run_cli("x", &out, 2, a3), 2);
    free(out);
    char *a4[] = {"markdown", "--help", NULL};
    cr_assert_eq(run_cli("x", &out, 2, a4), 0);
    free(out);
}

Test(cli, empty_input)
{
    char *out;
    char *argv[] = {"markdown", NULL};
    cr_assert_eq(run_cli("", &out, 1, argv), 0);
    cr_assert_str_eq(out, "");
    free(out);
}

/* The command as the program runs it ("bengal-farm markdown"), when make
 * check gives the binary. */
Test(cli, through_the_binary)
{
    const char *bin = getenv("BF_BIN");
    if (!bin || access(bin, X_OK) != 0)
        cr_skip_test("BF_BIN is not set or not executable (make check sets it)");
    char in_path[] = "/tmp/bf-md-binXXXXXX";
    int fd = mkstemp(in_path);
    const char *text = "## Hi\n\n| a |\n|---|\n| ~~b~~ |\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char cmd[8192], out[4096] = {0};
    snprintf(cmd, sizeof cmd, "'%s' markdown --plain -e table < '%s'", bin, in_path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    int status = pclose(p);
    unlink(in_path);
    cr_assert_eq(status, 0);
    cr_assert_eq(n, strlen(out));
    cr_assert_str_eq(out, "<h2>Hi</h2>\n<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n"
                          "<tbody>\n<tr>\n<td>~~b~~</td>\n</tr>\n</tbody>\n</table>\n");
}
