/*
 * worker/md_cli.c - the "markdown" command (see md_cli.h).
 *
 * Reads all of stdin with read(2) and writes the HTML with write(2), so
 * that nothing is left in a stdio buffer when the caller (a test that
 * redirected the descriptors, or main) carries on.
 */
#include "worker/md_cli.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/cmdline.h"
#include "shared/log.h"
#include "worker/highlight.h"
#include "worker/markdown.h"

enum { O_PLAIN = 256, O_UNSAFE, O_ANCHORS, O_HIGHLIGHT };

static const bf_opt_t opts[] = {
    {O_PLAIN, "plain", 0, NULL, "exactly cmark-gfm's output: no heading ids, cross-\n"
                                "references, admonitions, fence options or link rewriting"},
    {O_HIGHLIGHT, "highlight", 0, NULL, "highlight fenced code blocks (as a site build does)"},
    {O_UNSAFE, "unsafe", 0, NULL, "keep raw HTML and dangerous URLs"},
    {O_ANCHORS, "anchor-links", 0, NULL, "add a permalink anchor to each heading"},
    {'e', "extension", 'e', "EXT", "enable an extension: table, strikethrough, autolink,\n"
                                   "tagfilter, tasklist, footnotes (default: none with\n"
                                   "--plain, all otherwise)"},
    {0},
};

static const bf_cmd_spec_t spec = {
    "markdown", "markdown [--plain] [--unsafe] [--anchor-links] [--highlight] [-e EXT]... < FILE.md",
    "Reads markdown on stdin and writes HTML on stdout, as a build renders a\n"
    "page's body (without a site: cross-references and .md links resolve to\n"
    "nothing).",
    opts, 0, 0, "argument", NULL,
};

typedef struct {
    bf_md_page_t *in;
    bool any_ext, highlight;
} args_t;

static int on_opt(int id, const char *arg, void *ctx)
{
    args_t *a = ctx;
    switch (id) {
    case O_PLAIN: a->in->flags |= BF_MD_PLAIN; break;
    case O_UNSAFE: a->in->flags |= BF_MD_UNSAFE; break;
    case O_ANCHORS: a->in->flags |= BF_MD_ANCHOR_LINKS; break;
    case O_HIGHLIGHT: a->highlight = true; break;
    case 'e': {
        unsigned bit = bf_md_ext_from_name(arg);
        if (!bit)
            return bf_cmd_bad_value(&spec, id, arg, "table, strikethrough, autolink, "
                                                    "tagfilter, tasklist or footnotes");
        a->in->extensions |= bit;
        a->any_ext = true;
        break;
    }
    }
    return 0;
}

static int read_all(int fd, bf_buf_t *b)
{
    for (;;) {
        if (bf_buf_grow(b, 65536) < 0)
            return -1;
        ssize_t n = read(fd, b->data + b->len, b->cap - b->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        b->len += (size_t)n;
        b->data[b->len] = '\0';
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int bf_md_cli_main(int argc, char **argv)
{
    bf_md_page_t in = {0};
    bf_md_result_t out;
    bf_buf_t body = BF_BUF_INIT;
    bf_md_t *md = NULL;
    bf_arena_t *arena = NULL;
    int rc = 3, n_operands;
    args_t a = {.in = &in};
    int prc = bf_cmd_parse(&spec, argc, argv, on_opt, &a, &n_operands);
    if (prc)
        return prc > 0 ? 0 : 2;
    bool any_ext = a.any_ext, highlight = a.highlight;

    if (!any_ext && !(in.flags & BF_MD_PLAIN))
        in.extensions = BF_MD_EXT_ALL;

    if (bf_md_init() < 0)
        return 3;
    if (read_all(0, &body) < 0) {
        bf_log_error("markdown: cannot read stdin: %s", strerror(errno));
        goto done;
    }
    md = bf_md_new();
    arena = bf_arena_create(0);
    if (highlight && !(in.hl = bf_hl_new()))
        goto done;
    if (!md || !arena) {
        bf_log_error("out of memory");
        goto done;
    }
    in.body = body.data ? body.data : "";
    in.body_len = body.len;
    in.body_line = 1;
    in.source = "<stdin>";
    if (bf_md_render(md, arena, &in, &out) < 0)
        goto done;
    bf_md_log_diags(&out, in.source);
    const char *lang;
    uint32_t n;
    for (size_t i = 0; i < out.n_code_langs && !(in.flags & BF_MD_PLAIN); i++)
        bf_hl_note(in.hl, out.code_langs[i], strlen(out.code_langs[i]));
    for (size_t i = 0; in.hl && (lang = bf_hl_unknown(in.hl, i, &n)); i++)
        bf_log_at(BF_LOG_WARN, in.source, 0, 0,
                  "code in \"%s\" not highlighted: no grammar for that language", lang);
    if (write_all(1, out.html, out.html_len) < 0) {
        bf_log_error("markdown: cannot write stdout: %s", strerror(errno));
        goto done;
    }
    rc = 0;
done:
    bf_md_free(md);
    bf_hl_free(in.hl);
    bf_arena_destroy(arena);
    bf_buf_free(&body);
    return rc;
}
