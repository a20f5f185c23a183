/*
 * perf/floor.c - the CPU floor a full build is measured against (issues 5
 * and 14): the least a static site generator can do with a site, forked
 * over as many processes as the build it is compared with.
 *
 *     build/floor [-j N] SITE OUT
 *
 * The parent walks SITE/content and sorts the paths of the .md files
 * (byte order), then forks N children (default 1).  Child k takes the
 * files whose index in that list is k modulo N: a stable split, the same
 * for every run, of roughly equal work.  For each file a child reads it,
 * renders it with plain cmark_parse_document + cmark_render_html (GFM
 * extensions on) and writes the result to OUT/<path>/index.html.  No
 * front matter, no templates, no links, no shared state: anything
 * bengal-farm does beyond this is overhead.  `-j 1` forks one child, so
 * that the work is never done by the process that walked the tree (a
 * build's coordinator does not render either).
 *
 * Exit 0 when every child rendered its share, 1 when one failed (it says
 * which file and why), 2 on a usage error.
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
#include <sys/wait.h>
#include <unistd.h>

/* The walk's result, filled by nftw's callback (which takes no context
 * pointer: this tool's one mutable global). */
static struct {
    char **paths;
    size_t n, cap;
} files;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".md") != 0)
        return 0;
    if (files.n == files.cap) {
        files.cap = files.cap ? 2 * files.cap : 1024;
        files.paths = realloc(files.paths, files.cap * sizeof *files.paths);
    }
    if (!files.paths || !(files.paths[files.n++] = strdup(path))) {
        fprintf(stderr, "floor: out of memory\n");
        return -1;
    }
    return 0;
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void mkdirs(char *path)
{
    for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0777);
        *s = '/';
    }
}

/* One page: read, parse, render, write.  Returns 0 or -1 (said why). */
static int render(const char *path, size_t content_len, const char *out_root,
                  cmark_llist *exts)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    char *buf = NULL;
    ssize_t got = -1;
    if (fd >= 0 && fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1)))
        got = read(fd, buf, (size_t)st.st_size);
    if (fd >= 0)
        close(fd);
    if (got < 0) {
        fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
        free(buf);
        return -1;
    }
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (cmark_llist *e = exts; e; e = e->next)
        cmark_parser_attach_syntax_extension(p, e->data);
    cmark_parser_feed(p, buf, (size_t)got);
    cmark_node *doc = cmark_parser_finish(p);
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
    size_t n = strlen(path);
    char out[8192];
    snprintf(out, sizeof out, "%s/%.*s/index.html", out_root, (int)(n - content_len - 3),
             path + content_len);
    mkdirs(out);
    FILE *f = fopen(out, "w");
    int rc = 0;
    if (!f || fputs(html, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "floor: %s: %s\n", out, strerror(errno));
        rc = -1;
    }
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(p);
    free(buf);
    return rc;
}

/* Child k of n: every file whose index is k modulo n.  Never returns. */
static void child_main(size_t k, size_t n, size_t content_len, const char *out_root)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_llist *exts = NULL;
    const char *names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        exts = cmark_llist_append(cmark_get_default_mem_allocator(), exts,
                                  cmark_find_syntax_extension(names[i]));
    for (size_t i = k; i < files.n; i += n)
        if (render(files.paths[i], content_len, out_root, exts) != 0)
            _exit(1);
    _exit(0);
}

int main(int argc, char **argv)
{
    long jobs = 1;
    int opt;
    while ((opt = getopt(argc, argv, "j:")) != -1) {
        char *end;
        jobs = opt == 'j' ? strtol(optarg, &end, 10) : -1;
        if (opt != 'j' || *end || jobs < 1 || jobs > 4096) {
            fprintf(stderr, "usage: floor [-j N] SITE OUT\n");
            return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: floor [-j N] SITE OUT\n");
        return 2;
    }
    char content[4096];
    snprintf(content, sizeof content, "%s/content", argv[optind]);
    const char *out_root = argv[optind + 1];
    if (nftw(content, collect, 32, FTW_PHYS) != 0) {
        fprintf(stderr, "floor: \"%s\": cannot walk it\n", content);
        return 1;
    }
    qsort(files.paths, files.n, sizeof *files.paths, by_bytes);
    if (mkdir(out_root, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "floor: \"%s\": %s\n", out_root, strerror(errno));
        return 1;
    }
    fflush(NULL); /* nothing buffered is written twice by the children */
    int failed = 0, status;
    for (long k = 0; k < jobs && !failed; k++) {
        pid_t pid = fork();
        if (pid == 0)
            child_main((size_t)k, (size_t)jobs, strlen(content), out_root);
        if (pid < 0) {
            fprintf(stderr, "floor: fork: %s\n", strerror(errno));
            failed = 1; /* the children started so far are still waited for */
        }
    }
    while (wait(&status) > 0)
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    if (failed)
        return 1;
    printf("floor: %zu pages, %ld processes\n", files.n, jobs);
    return 0;
}
