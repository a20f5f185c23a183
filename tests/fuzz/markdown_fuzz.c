/*
 * tests/fuzz/markdown_fuzz.c - libFuzzer target for the markdown adapter.
 *
 * The first byte picks the options (unsafe, extensions, anchor links); the
 * rest is the page.  Each input is rendered:
 *   - in plain mode, and compared byte for byte with cmark-gfm's own
 *     cmark_render_html on the same input and options (differential: any
 *     difference aborts), a highlighter given (plain mode must ignore it);
 *   - in site mode against a small snapshot (cross-references, .md links,
 *     MyST directives and their options, MkDocs admonitions, GitHub
 *     alerts, ids, TOC, excerpt, highlighted code blocks with fence
 *     options; with bit 0x40 of the first byte, the page titled by its
 *     first heading, so that a leading one is left out; include
 *     directives found by the coordinator's scan, shared/myst.h, naming
 *     the snapshot's included files, which nest, include themselves, end
 *     lines with CR or not at all), where the invariants of the result
 *     are checked: lengths, NUL termination, TOC tree indexes, line
 *     numbers inside the page or the included file they name.
 *
 *     make fuzz && build/fuzz/markdown_fuzz -max_total_time=60 \
 *         -dict=tests/fuzz/markdown.dict tests/fuzz/corpus/markdown
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/ctx.h"
#include "shared/mdtitle.h"
#include "shared/myst.h"
#include "shared/value.h"
#include "snapshot-format/reader.h"
#include "snapshot-format/writer.h"
#include "worker/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bf_md_t *md;
static bf_hl_t *hl;
static bf_arena_t *arena;
static bf_snap_t *snap;
static bf_buf_t img = BF_BUF_INIT;

/* Included files: one including another, one itself (cut at the depth
 * limit), CR line ends, no final newline, an open code fence. */
static const char *const frag_src[] = {"content/f/a.md", "content/f/b.md", "content/f/self.md",
                                       "content/f/cr.md", "content/f/fence.md"};
static const char *const frag_body[] = {
    "# A\n\n[[docs/a]] [^1]\n\n:::{include} b.md\n:::\n\n[^1]: note\n",
    "B [[nowhere]]\n:::{note}\nx",
    "S [[#x]]\n\n```{include} self.md\n```\n",
    "CR\r- [[gone]]\r\r    code\r",
    "```\nopen fence [[no]]\n",
};
#define N_FRAGS 5
#define FRAG_LINES 8 /* more than any fragment has */

static void build_snapshot(void)
{
    static const char *paths[] = {"", "docs", "docs/a", "docs/b/c"};
    static const char *urls[] = {"/", "/docs/", "/docs/a/", "/docs/b/c/"};
    bf_snapw_t *w = bf_snapw_new();
    bf_arena_t *a = bf_arena_create(0);
    char out[64];
    uint32_t ids[4] = {0, 1, 2, 3};
    bf_snap_range_t anc = bf_snapw_ids(w, (uint32_t[]){0}, 1);
    for (uint32_t i = 0; i < 4; i++) {
        bf_snap_page_t p;
        memset(&p, 0, sizeof p);
        p.kind = i ? BF_SNAP_PAGE : BF_SNAP_HOME;
        p.term = p.prev = p.next = p.params = BF_SNAP_NONE;
        snprintf(out, sizeof out, "%s%sindex.html", paths[i], i ? "/" : "");
        p.path = bf_snapw_cstr(w, paths[i]);
        p.url = bf_snapw_cstr(w, urls[i]);
        p.output = bf_snapw_cstr(w, out);
        p.title = bf_snapw_cstr(w, i == 2 ? "A & <b>" : "T");
        p.ref_id = bf_snapw_cstr(w, i == 2 ? "a" : "");
        p.ancestors = anc;
        bf_snapw_add(w, BF_SNAP_T_PAGES, &p);
    }
    bf_snap_range_t all = bf_snapw_ids(w, ids, 4);
    bf_snap_section_t root = {0, BF_SNAP_NONE, 0, 0, {0, 0}, {0, 0}, all, all, {0, 0}};
    bf_snapw_add(w, BF_SNAP_T_SECTIONS, &root);
    bf_snap_wave_t wave = {0, 0, bf_snapw_cstr(w, "page.html"), all};
    bf_snapw_add(w, BF_SNAP_T_WAVES, &wave);
    bf_snap_site_t st;
    memset(&st, 0, sizeof st);
    st.baseurl = bf_snapw_cstr(w, "https://x.org/base/");
    st.toc_min = 2, st.toc_max = 4, st.per_page = 10;
    st.config = bf_snapw_value(w, bf_value_new(a, BF_VAL_MAP));
    st.params = st.data = BF_SNAP_NONE;
    st.pages = st.by_path = all;
    st.by_ref_id = bf_snapw_ids(w, (uint32_t[]){2}, 1);
    st.level_waves[1] = st.level_waves[2] = st.level_waves[3] = 1;
    bf_snapw_add(w, BF_SNAP_T_SITE, &st);
    bf_snap_include_t inc_a = {(uint32_t)(strstr(frag_body[0], ":::{include}") - frag_body[0]),
                               sizeof(":::{include} b.md\n:::\n") - 1, 1};
    bf_snap_include_t inc_s = {(uint32_t)(strstr(frag_body[2], "```{include}") - frag_body[2]),
                               sizeof("```{include} self.md\n```\n") - 1, 2};
    for (int i = 0; i < N_FRAGS; i++) {
        bf_snap_fragment_t f = {bf_snapw_cstr(w, frag_src[i]),
                                bf_snapw_body(w, frag_body[i], strlen(frag_body[i])),
                                (uint32_t)strlen(frag_body[i]), (uint32_t)i + 1, {0, 0}};
        if (i == 0)
            f.includes = bf_snapw_includes(w, &inc_a, 1);
        if (i == 2)
            f.includes = bf_snapw_includes(w, &inc_s, 1);
        bf_snapw_add(w, BF_SNAP_T_FRAGMENTS, &f);
    }
    if (bf_snapw_finish_mem(w, &img) < 0 || bf_snap_from_mem(img.data, img.len, "fuzz", &snap) < 0)
        abort();
    bf_snapw_free(w);
    bf_arena_destroy(a);
}

static void init(void)
{
    bf_ctx_init(BF_ROLE_WORKER, 0);
    bf_ctx.log_level = BF_LOG_QUIET;
    if (bf_md_init() < 0)
        abort();
    cmark_gfm_core_extensions_ensure_registered();
    md = bf_md_new();
    hl = bf_hl_new();
    arena = bf_arena_create(0);
    build_snapshot();
}

static char *reference(const char *text, size_t len, unsigned exts, bool unsafe)
{
    static const char *names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
    int opts = (unsafe ? CMARK_OPT_UNSAFE : 0) |
               ((exts & BF_MD_EXT_FOOTNOTES) ? CMARK_OPT_FOOTNOTES : 0);
    cmark_parser *p = cmark_parser_new(opts);
    for (int i = 0; i < 5; i++)
        if (exts & (1u << i))
            cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(p, text, len);
    cmark_node *doc = cmark_parser_finish(p);
    char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
    cmark_node_free(doc);
    cmark_parser_free(p);
    return html;
}

#define CHECK(cond, what)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "markdown_fuzz: %s\n", what);                                 \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

static void check_result(const bf_md_result_t *r, uint32_t max_line)
{
    CHECK(r->html && strlen(r->html) == r->html_len, "html length");
    CHECK(strlen(r->toc_html) == r->toc_html_len, "toc_html length");
    CHECK(strlen(r->excerpt_html) == r->excerpt_len, "excerpt length");
    for (size_t i = 0; i < r->n_toc; i++) {
        const bf_md_toc_item_t *t = &r->toc[i];
        CHECK(t->level >= 1 && t->level <= 6 && t->id && t->text, "toc item");
        if (t->parent != BF_MD_NONE) {
            CHECK(t->parent < i, "toc parent after child");
            CHECK(r->toc[t->parent].level < t->level, "toc parent level");
            CHECK(t->depth == r->toc[t->parent].depth + 1, "toc depth");
        }
        CHECK(t->first_child == BF_MD_NONE || t->first_child > i, "toc first child");
        CHECK(t->next_sibling == BF_MD_NONE || t->next_sibling > i, "toc next sibling");
    }
    for (size_t i = 0; i < r->n_diags; i++) {
        const bf_md_diag_t *d = &r->diags[i];
        CHECK(d->message, "diagnostic message");
        CHECK(d->line >= 1 && d->line <= (d->source ? FRAG_LINES : max_line), "diagnostic line");
    }
    for (size_t i = 0; i < r->n_internal_links; i++) {
        const bf_md_link_t *l = &r->internal_links[i];
        CHECK(l->line >= 1 && l->line <= (l->source ? FRAG_LINES : max_line), "link line");
    }
}

/* The include directives of the page, as the coordinator finds them:
 * usable ones whose path names an included file. */
static bf_snap_include_t incs[64];
static size_t n_incs;

static int on_include(void *ctx, const bf_myst_include_t *inc)
{
    char path[256];
    const char *why;
    if (inc->error || n_incs == 64 ||
        bf_myst_include_path("content/docs/b/page.md", inc->path, inc->path_len, path,
                             sizeof path, &why) < 0)
        return 0;
    for (uint32_t k = 0; k < N_FRAGS; k++)
        if (strcmp(path, frag_src[k]) == 0)
            incs[n_incs++] = (bf_snap_include_t){(uint32_t)inc->off, (uint32_t)inc->len, k};
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!md)
        init();
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    unsigned exts = (opt & 1) ? BF_MD_EXT_ALL : (opt >> 2) & BF_MD_EXT_ALL;
    bool unsafe = (opt & 2) != 0;

    bf_md_page_t in = {.body = text, .body_len = len, .body_line = 1,
                       .flags = BF_MD_PLAIN | (unsafe ? BF_MD_UNSAFE : 0), .extensions = exts,
                       .hl = hl};
    bf_md_result_t r;
    bf_arena_reset(arena);
    if (bf_md_render(md, arena, &in, &r) < 0)
        abort();
    char *ref = reference(text, len, exts, unsafe);
    if (strlen(ref) != r.html_len || memcmp(ref, r.html, r.html_len) != 0) {
        fprintf(stderr, "plain mode differs from cmark_render_html\n--- cmark\n%s\n--- ours\n%s\n",
                ref, r.html);
        abort();
    }
    free(ref);

    uint32_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n'));
    in.flags = (unsafe ? BF_MD_UNSAFE : 0) | ((opt & 0x80) ? BF_MD_ANCHOR_LINKS : 0);
    in.snap = snap;
    n_incs = 0;
    bf_myst_includes(text, len, on_include, NULL);
    in.includes = incs;
    in.n_includes = n_incs;
    in.source = "content/docs/b/page.md";
    in.body_line = 1;
    bf_arena_reset(arena);
    size_t title_len;
    const char *title = (opt & 0x40) ? bf_mdtitle_find(text, len, &title_len, NULL) : NULL;
    in.title = title ? bf_arena_strndup(arena, title, title_len) : NULL;
    if (bf_md_render(md, arena, &in, &r) < 0)
        abort();
    check_result(&r, lines);
    return 0;
}
