/*
 * perf/md_bench.c - the markdown adapter against plain cmark-gfm.
 *
 * On one core (the process pins itself to the first CPU it may use), the
 * same ~5 KB documentation page (headings, paragraphs with inline markup,
 * nested lists, a table, code blocks, a quote, links, cross-references and
 * an admonition) is rendered over and over by:
 *
 *   cmark    the usual use of the library: cmark_parser_new, the five
 *            GFM extensions, footnotes, feed, finish, cmark_render_html,
 *            free everything (malloc);
 *   adapter  bf_md_render in site mode: heading ids, TOC, cross-references
 *            resolved against a snapshot, .md links rewritten, admonitions,
 *            excerpt, word count, flags and link lists, cmark on the arena.
 *
 * The two run in alternating rounds so that frequency changes hit both;
 * the best round of each is reported (the least disturbed), with the
 * median, and their ratio: the target is adapter/cmark <= 1.3.
 *
 *     sh perf/md-bench.sh            (builds with make, then runs)
 *     build/md_bench [rounds] [iterations-per-round] [file.md]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/ctx.h"
#include "shared/value.h"
#include "snapshot-format/reader.h"
#include "snapshot-format/writer.h"
#include "worker/markdown.h"

static void page(bf_buf_t *b)
{
    bf_buf_puts(b,
        "# Configuring the build farm\n\n"
        "The **build farm** renders every page of a site in parallel. This page\n"
        "explains how to configure it, with examples for `bengal.yaml` and the\n"
        "command line. See [[docs/intro]] first if you are new, and the\n"
        "[setup guide](setup.md) for installation.\n\n"
        ":::{note} Before you start\n"
        "You need a *recent* compiler and the `cmark-gfm` library.\n"
        ":::\n\n"
        "## Quick start\n\n"
        "1. Install the package with your package manager.\n"
        "2. Create a `bengal.yaml` at the root of the site:\n\n"
        "   ```yaml\n"
        "   title: My docs\n"
        "   baseurl: https://docs.example.org/\n"
        "   markdown:\n"
        "     toc_depth: 2-4\n"
        "   ```\n\n"
        "3. Run `bengal-farm -j8 site/` and open `public/index.html`.\n\n"
        "## Options\n\n"
        "Every option has a default; the table lists the ones most sites change.\n\n"
        "| Key | Default | Meaning |\n"
        "|:----|:-------:|--------:|\n"
        "| `title` | `\"\"` | Site title, shown in every page header |\n"
        "| `baseurl` | `\"\"` | Prefix of every absolute URL |\n"
        "| `build.output_dir` | `public` | Where the site is written |\n"
        "| `markdown.unsafe` | `false` | Keep raw HTML in content |\n"
        "| `pagination.per_page` | `10` | Items on a list page |\n\n"
        "### Markdown options\n\n"
        "The renderer follows *GitHub Flavored Markdown* with tables, task lists,\n"
        "~~strikethrough~~, autolinks such as https://example.org and footnotes[^1].\n"
        "Headings get ids automatically, and you can set one yourself:\n\n"
        "```markdown\n"
        "## Installation {#install}\n"
        "```\n\n"
        "- **Cross-references** link pages by path: `[[docs/intro]]`.\n"
        "- Links to `.md` files are rewritten, like [advanced](guide/advanced.md#tuning).\n"
        "- Admonitions use the MyST syntax:\n"
        "  - `note`, `tip`, `warning` and `danger`;\n"
        "  - `important`, `info`, `example` and `seealso`.\n\n"
        "### Templates\n\n"
        "Templates are compiled once, before the workers start. A page template\n"
        "receives `page`, `section` and `site`:\n\n"
        "```html\n"
        "<article>\n"
        "  <h1>{{ page.title }}</h1>\n"
        "  {{ page.content | safe }}\n"
        "</article>\n"
        "```\n\n"
        "> **Tip:** the default theme already has a sidebar, a search box and a\n"
        "> table of contents; override only the templates you need.\n\n"
        "## Performance\n\n"
        "On a 32-core machine a site of 100,000 pages builds in well under a\n"
        "minute. The numbers below come from the `perf/` directory:\n\n"
        "| Pages | Cores | Time | Memory |\n"
        "|------:|------:|-----:|-------:|\n"
        "| 10k | 8 | 3.1 s | 210 MB |\n"
        "| 100k | 32 | 19 s | 1.1 GB |\n\n"
        "### Tuning\n\n"
        "- [x] Use `-j` to match the container's CPU quota.\n"
        "- [ ] Put `.bengal/` on a fast disk.\n"
        "- [ ] Precompress with `--precompress` when the server supports it.\n\n"
        "For the details of each stage, read [the architecture](../design.md) and\n"
        "[[id:adv|the advanced guide]]. Questions go to <https://forum.example.org>.\n\n"
        "## Troubleshooting\n\n"
        "Most build failures come from the content, not from the farm. Every\n"
        "message names the file, the line and the column, and says what to do:\n\n"
        "```text\n"
        "content/docs/a.md:3:7: error: unknown key \"tittle\" (did you mean \"title\"?)\n"
        "```\n\n"
        "### A page fails to render\n\n"
        "1. Run the build again with `--keep-going` to see every failing page.\n"
        "2. Render the page alone: `bengal-farm markdown < content/docs/a.md`.\n"
        "3. Look for *unclosed* admonitions and unbalanced `{{ }}` in templates.\n\n"
        "A worker that crashes is replaced, and its wave is given to a new worker;\n"
        "a page that kills two workers is reported by its source path and the\n"
        "build fails, leaving the previous output **untouched**.\n\n"
        "### Links are reported as broken\n\n"
        "Internal links are checked against the list of pages after the render.\n"
        "A link such as [the old page](old/page.md) that points at nothing is a\n"
        "warning with the file and line; under `--strict` it is an error. Use\n"
        "cross-references (`[[docs/setup|setup]]`) when you can: they follow\n"
        "pages that move, and the link text defaults to the page title.\n\n"
        "| Symptom | Likely cause | Fix |\n"
        "|---------|--------------|-----|\n"
        "| Empty page | Template error | Check the template named in the log |\n"
        "| Missing CSS | Wrong `baseurl` | Set it to the deployed URL |\n"
        "| Slow build | Too few workers | Raise `-j` or the CPU quota |\n\n"
        "```c\n"
        "static int render_page(bf_md_t *md, const page_t *p)\n"
        "{\n"
        "    if (bf_md_render(md, arena, &in, &out) < 0)\n"
        "        return -1;\n"
        "    return push(out.html, out.html_len);\n"
        "}\n"
        "```\n\n"
        "### Output is not updated\n\n"
        "The farm publishes the new site in one step, by swapping the staging\n"
        "directory with `public/`. If the swap fails (a read-only file system, a\n"
        "directory on another device), the *old* site stays in place and the\n"
        "build exits with status 3. Check that `build.output_dir` and `.bengal/`\n"
        "are on the same file system, and that no other process holds them open.\n"
        "Incremental builds keep rendered markdown in `.bengal/cache`; remove it\n"
        "with `rm -rf .bengal/cache` to force a full rebuild.\n\n"
        "## See also\n\n"
        "- [[docs/setup]] for installing on Debian, Fedora and macOS;\n"
        "- [[docs/guide/advanced#caching]] for incremental builds;\n"
        "- the *templates* reference, and the `man bengal-farm` page.\n\n"
        "[^1]: Footnotes are numbered in the order they are referenced.\n");
}

/* A snapshot for the cross-references and .md links of the page. */
static bf_snap_t *snapshot(bf_buf_t *img)
{
    enum { N = 5 };
    static const char *paths[N] = {"", "design", "docs/guide/advanced", "docs/intro",
                                   "docs/setup"};
    static const char *urls[N] = {"/", "/design/", "/docs/guide/advanced/", "/docs/intro/",
                                  "/docs/setup/"};
    static const char *titles[N] = {"Home", "Design", "Advanced", "Introduction", "Setup"};
    bf_snapw_t *w = bf_snapw_new();
    bf_arena_t *a = bf_arena_create(0);
    uint32_t ids[N] = {0, 1, 2, 3, 4};
    char out[128];
    bf_snap_range_t anc = bf_snapw_ids(w, (uint32_t[]){0}, 1);
    for (uint32_t i = 0; i < N; i++) {
        bf_snap_page_t p;
        memset(&p, 0, sizeof p);
        p.kind = i ? BF_SNAP_PAGE : BF_SNAP_HOME;
        p.term = p.prev = p.next = p.params = BF_SNAP_NONE;
        snprintf(out, sizeof out, "%s%sindex.html", paths[i], i ? "/" : "");
        p.path = bf_snapw_cstr(w, paths[i]);
        p.url = bf_snapw_cstr(w, urls[i]);
        p.title = bf_snapw_cstr(w, titles[i]);
        p.output = bf_snapw_cstr(w, out);
        p.ref_id = bf_snapw_cstr(w, i == 2 ? "adv" : "");
        p.ancestors = anc;
        bf_snapw_add(w, BF_SNAP_T_PAGES, &p);
    }
    bf_snap_range_t all = bf_snapw_ids(w, ids, N);
    bf_snap_section_t root = {0, BF_SNAP_NONE, 0, 0, {0, 0}, {0, 0}, all, all, {0, 0}};
    bf_snapw_add(w, BF_SNAP_T_SECTIONS, &root);
    bf_snap_wave_t wave = {0, 0, bf_snapw_cstr(w, "page.html"), all};
    bf_snapw_add(w, BF_SNAP_T_WAVES, &wave);
    bf_snap_site_t st;
    memset(&st, 0, sizeof st);
    st.toc_min = 2, st.toc_max = 4, st.per_page = 10;
    st.config = bf_snapw_value(w, bf_value_new(a, BF_VAL_MAP));
    st.params = st.data = BF_SNAP_NONE;
    st.pages = st.by_path = all;
    st.by_ref_id = bf_snapw_ids(w, (uint32_t[]){2}, 1);
    st.level_waves[1] = st.level_waves[2] = st.level_waves[3] = 1;
    bf_snapw_add(w, BF_SNAP_T_SITE, &st);
    bf_snap_t *s = NULL;
    if (bf_snapw_finish_mem(w, img) < 0 || bf_snap_from_mem(img->data, img->len, "bench", &s) < 0)
        exit(3);
    bf_snapw_free(w);
    bf_arena_destroy(a);
    return s;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t sink;

static void run_cmark(const char *text, size_t len)
{
    static const char *names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
    cmark_parser *p = cmark_parser_new(CMARK_OPT_FOOTNOTES);
    for (int i = 0; i < 5; i++)
        cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(p, text, len);
    cmark_node *doc = cmark_parser_finish(p);
    char *html = cmark_render_html(doc, CMARK_OPT_FOOTNOTES, cmark_parser_get_syntax_extensions(p));
    sink += strlen(html);
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(p);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 30;
    int iters = argc > 2 ? atoi(argv[2]) : 300;
    bf_buf_t text = BF_BUF_INIT, img = BF_BUF_INIT;
    cpu_set_t cpus;

    bf_ctx_init(BF_ROLE_COORD, 0);
    if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
        for (int c = 0; c < CPU_SETSIZE; c++) {
            if (CPU_ISSET(c, &cpus)) {
                CPU_ZERO(&cpus);
                CPU_SET(c, &cpus);
                sched_setaffinity(0, sizeof(cpus), &cpus);
                break;
            }
        }
    }
    if (argc > 3) {
        FILE *f = fopen(argv[3], "rb");
        char tmp[65536];
        size_t n;
        if (!f) {
            perror(argv[3]);
            return 2;
        }
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            bf_buf_append(&text, tmp, n);
        fclose(f);
    } else {
        page(&text);
    }
    if (bf_md_init() < 0)
        return 3;
    cmark_gfm_core_extensions_ensure_registered();
    bf_snap_t *snap = snapshot(&img);
    bf_md_t *md = bf_md_new();
    bf_arena_t *arena = bf_arena_create(0);
    bf_md_page_t in = {.body = text.data, .body_len = text.len, .body_line = 1,
                       .source = "content/docs/build.md", .snap = snap,
                       .extensions = BF_MD_EXT_ALL};
    bf_md_result_t r;

    /* warm up, and show what the adapter found */
    for (int i = 0; i < 50; i++) {
        run_cmark(text.data, text.len);
        bf_arena_reset(arena);
        if (bf_md_render(md, arena, &in, &r) < 0)
            return 3;
    }
    printf("page: %zu bytes; adapter: %zu bytes of HTML, %zu TOC entries, %zu words, "
           "%zu internal links, %zu diagnostics\n",
           text.len, r.html_len, r.n_toc, r.word_count, r.n_internal_links, r.n_diags);

    double *tc = calloc((size_t)rounds, sizeof(double));
    double *ta = calloc((size_t)rounds, sizeof(double));
    double *tp = calloc((size_t)rounds, sizeof(double));
    bf_md_page_t plain = in;
    plain.flags = BF_MD_PLAIN;
    for (int k = 0; k < rounds; k++) {
        double t0 = now();
        for (int i = 0; i < iters; i++)
            run_cmark(text.data, text.len);
        double t1 = now();
        for (int i = 0; i < iters; i++) {
            bf_arena_reset(arena);
            bf_md_render(md, arena, &in, &r);
        }
        double t2 = now();
        for (int i = 0; i < iters; i++) {
            bf_arena_reset(arena);
            bf_md_render(md, arena, &plain, &r);
        }
        double t3 = now();
        tc[k] = (t1 - t0) / iters;
        ta[k] = (t2 - t1) / iters;
        tp[k] = (t3 - t2) / iters;
    }
    qsort(tc, (size_t)rounds, sizeof(double), cmp);
    qsort(ta, (size_t)rounds, sizeof(double), cmp);
    qsort(tp, (size_t)rounds, sizeof(double), cmp);
    int m = rounds / 2;
    printf("cmark   (parse + render_html, malloc): best %7.2f us  median %7.2f us\n",
           tc[0] * 1e6, tc[m] * 1e6);
    printf("adapter (bf_md_render, site mode):     best %7.2f us  median %7.2f us\n",
           ta[0] * 1e6, ta[m] * 1e6);
    printf("adapter (plain mode, no additions):    best %7.2f us  median %7.2f us\n",
           tp[0] * 1e6, tp[m] * 1e6);
    printf("ratio adapter/cmark: best %.3f  median %.3f  (target <= 1.3)\n", ta[0] / tc[0],
           ta[m] / tc[m]);
    printf("site mode / plain mode: best %.3f  median %.3f\n", ta[0] / tp[0], ta[m] / tp[m]);
    bf_md_free(md);
    bf_arena_destroy(arena);
    bf_snap_close(snap);
    return sink == 0;
}
