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
#include "shared/log.h"
#include "worker/highlight.h"
#include "worker/markdown.h"

/* Usage on fd (stdout for --help, stderr for a usage error). */
static void usage_to(int fd)
{
    static const char msg[] =
        "usage: bengal-farm markdown [--plain] [--unsafe] [--anchor-links] [--highlight]\n"
        "                            [-e EXT]...\n"
        "  reads markdown on stdin and writes HTML on stdout\n"
        "  --plain         exactly cmark-gfm's output: no heading ids, cross-references,\n"
        "                  admonitions, fence options or link rewriting\n"
        "  --highlight     highlight fenced code blocks (as a site build does)\n"
        "  --unsafe        keep raw HTML and dangerous URLs\n"
        "  --anchor-links  add a permalink anchor to each heading\n"
        "  -e EXT          enable an extension: table, strikethrough, autolink,\n"
        "                  tagfilter, tasklist, footnotes (default: none with --plain,\n"
        "                  all otherwise)\n";
    ssize_t r = write(fd, msg, sizeof(msg) - 1);
    (void)r;
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
    bool any_ext = false, highlight = false;
    int rc = 3;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--plain") == 0) {
            in.flags |= BF_MD_PLAIN;
        } else if (strcmp(a, "--unsafe") == 0) {
            in.flags |= BF_MD_UNSAFE;
        } else if (strcmp(a, "--anchor-links") == 0) {
            in.flags |= BF_MD_ANCHOR_LINKS;
        } else if (strcmp(a, "--highlight") == 0) {
            highlight = true;
        } else if (strcmp(a, "-e") == 0 || strcmp(a, "--extension") == 0) {
            unsigned bit = i + 1 < argc ? bf_md_ext_from_name(argv[i + 1]) : 0;
            if (!bit) {
                if (i + 1 < argc)
                    bf_log_error("markdown: unknown extension \"%s\"", argv[i + 1]);
                else
                    bf_log_error("markdown: \"%s\" needs an extension name", a);
                usage_to(2);
                return 2;
            }
            in.extensions |= bit;
            any_ext = true;
            i++;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage_to(1);
            return 0;
        } else {
            bf_log_error("markdown: unknown option \"%s\"", a);
            usage_to(2);
            return 2;
        }
    }
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
