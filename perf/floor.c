/*
 * perf/floor.c - the floor a full build is measured against (issue 5):
 * the least a static site generator can do with a site.  It walks
 * SITE/content, reads every .md file, renders it with plain
 * cmark_parse_document + cmark_render_html (GFM extensions on), and writes
 * the result to OUT/<path>/index.html.  One process, no front matter, no
 * templates, no links: anything bengal-farm does beyond this is overhead.
 *
 *     build/floor SITE OUT
 */
#define _GNU_SOURCE
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *out_root;
static size_t content_len;
static cmark_llist *exts;
static long pages;

static void mkdirs(char *path)
{
    for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0777);
        *s = '/';
    }
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".md") != 0)
        return 0;
    int fd = open(path, O_RDONLY);
    char *buf = malloc((size_t)st->st_size + 1);
    ssize_t got = fd >= 0 && buf ? read(fd, buf, (size_t)st->st_size) : -1;
    if (fd >= 0)
        close(fd);
    if (got < 0) {
        perror(path);
        exit(1);
    }
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (cmark_llist *e = exts; e; e = e->next)
        cmark_parser_attach_syntax_extension(p, e->data);
    cmark_parser_feed(p, buf, (size_t)got);
    cmark_node *doc = cmark_parser_finish(p);
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
    char out[8192];
    snprintf(out, sizeof out, "%s/%.*s/index.html", out_root,
             (int)(n - content_len - 3), path + content_len);
    mkdirs(out);
    FILE *f = fopen(out, "w");
    if (!f || fputs(html, f) < 0 || fclose(f) != 0) {
        perror(out);
        exit(1);
    }
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(p);
    free(buf);
    pages++;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: floor SITE OUT\n");
        return 2;
    }
    cmark_gfm_core_extensions_ensure_registered();
    const char *names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        exts = cmark_llist_append(cmark_get_default_mem_allocator(), exts,
                                  cmark_find_syntax_extension(names[i]));
    char content[4096];
    snprintf(content, sizeof content, "%s/content", argv[1]);
    content_len = strlen(content);
    out_root = argv[2];
    mkdir(out_root, 0777);
    if (nftw(content, visit, 32, FTW_PHYS) != 0) {
        perror(content);
        return 1;
    }
    printf("floor: %ld pages\n", pages);
    return 0;
}
