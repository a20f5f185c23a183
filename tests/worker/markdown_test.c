/*
 * tests/worker/markdown_test.c - the markdown adapter beyond the spec:
 * heading ids and slugs, the TOC, cross-references against a real
 * snapshot, .md links, admonitions, excerpts, words, flags, the
 * one-parse-one-walk counters, and that template syntax stays text.
 *
 * The spec conformance (plain mode == cmark-gfm) is markdown_spec_test.c;
 * pathological inputs and the CLI are markdown_edge_test.c.
 */
#include <criterion/criterion.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/ctx.h"
#include "shared/value.h"
#include "snapshot-format/reader.h"
#include "snapshot-format/writer.h"
#include "worker/markdown.h"
#include "tests/worker/mdfix.h"
#include "worker/md_link.h"

static bf_buf_t snap_img = BF_BUF_INIT;
static bf_snap_t *snap;

static void teardown(void)
{
    mdfix_teardown();
    if (snap)
        bf_snap_close(snap);
    bf_buf_free(&snap_img);
}

TestSuite(md, .init = mdfix_setup, .fini = teardown);

/* Renders text as a site page (all extensions, not plain). */
static const char *render_as(const char *text, unsigned flags, const char *source,
                             uint32_t body_line)
{
    return mdfix_render(text, flags, source, body_line, snap);
}

static const char *render(const char *text)
{
    return render_as(text, 0, "content/docs/page.md", 1);
}

/* A snapshot with a home page, a section page, pages with and without a
 * ref_id, a bundle and a page in a subsection; baseurl has a path. */
static void make_snapshot(void)
{
    static const struct {
        const char *path, *url, *title, *ref, *src;
    } pg[] = {
        {"", "/", "Home", "", "content/_index.md"},
        {"docs", "/docs/", "Documentation", "", "content/docs/_index.md"},
        {"docs/intro", "/docs/intro/", "Introduction", "intro", "content/docs/intro.md"},
        {"docs/setup", "/docs/setup/", "Setup & <Install>", "", "content/docs/setup/index.md"},
        {"docs/guide/advanced", "/docs/guide/advanced/", "Advanced", "adv",
         "content/docs/guide/advanced.md"},
    };
    enum { N = 5 };
    bf_snapw_t *w = bf_snapw_new();
    bf_arena_t *a = bf_arena_create(0);
    char out[128];
    uint32_t all[N] = {0, 1, 2, 3, 4};
    bf_snap_range_t anc = bf_snapw_ids(w, (uint32_t[]){0}, 1);
    for (uint32_t i = 0; i < N; i++) {
        bf_snap_page_t p;
        memset(&p, 0, sizeof p);
        p.kind = i == 0 ? BF_SNAP_HOME : BF_SNAP_PAGE;
        p.term = p.prev = p.next = p.params = BF_SNAP_NONE;
        snprintf(out, sizeof out, "%s%sindex.html", pg[i].path, i ? "/" : "");
        p.path = bf_snapw_cstr(w, pg[i].path);
        p.url = bf_snapw_cstr(w, pg[i].url);
        p.output = bf_snapw_cstr(w, out);
        p.title = bf_snapw_cstr(w, pg[i].title);
        p.ref_id = bf_snapw_cstr(w, pg[i].ref);
        p.source = bf_snapw_cstr(w, pg[i].src);
        p.ancestors = anc;
        bf_snapw_add(w, BF_SNAP_T_PAGES, &p);
    }
    bf_snap_range_t r_all = bf_snapw_ids(w, all, N);
    bf_snap_section_t root = {0, BF_SNAP_NONE, 0, 0, {0, 0}, {0, 0}, r_all, r_all, {0, 0}};
    bf_snapw_add(w, BF_SNAP_T_SECTIONS, &root);
    bf_snap_wave_t wave = {0, 0, bf_snapw_cstr(w, "page.html"), r_all};
    bf_snapw_add(w, BF_SNAP_T_WAVES, &wave);
    bf_snap_site_t st;
    memset(&st, 0, sizeof st);
    st.baseurl = bf_snapw_cstr(w, "https://example.org/sub/");
    st.toc_min = 2, st.toc_max = 4, st.per_page = 10;
    st.config = bf_snapw_value(w, bf_value_new(a, BF_VAL_MAP));
    st.params = st.data = BF_SNAP_NONE;
    st.pages = r_all;
    /* bytewise: "", "docs", "docs/guide/advanced", "docs/intro", "docs/setup" */
    st.by_path = bf_snapw_ids(w, (uint32_t[]){0, 1, 4, 2, 3}, N);
    st.by_ref_id = bf_snapw_ids(w, (uint32_t[]){4, 2}, 2); /* "adv", "intro" */
    st.level_waves[1] = st.level_waves[2] = st.level_waves[3] = 1;
    bf_snapw_add(w, BF_SNAP_T_SITE, &st);
    cr_assert_eq(bf_snapw_finish_mem(w, &snap_img), 0);
    bf_snapw_free(w);
    bf_arena_destroy(a);
    cr_assert_eq(bf_snap_from_mem(snap_img.data, snap_img.len, "test.bfs", &snap), 0);
}

static const char *slug(const char *s)
{
    static bf_buf_t b = BF_BUF_INIT;
    bf_buf_reset(&b);
    cr_assert_eq(bf_md_slugify(s, strlen(s), &b), 0);
    return b.data ? b.data : "";
}

/* ---- slugs and heading ids ---- */

Test(md, slugs)
{
    cr_assert_str_eq(slug("Hello World"), "hello-world");
    cr_assert_str_eq(slug("C++ & C#: Tips!"), "c--c-tips");
    cr_assert_str_eq(slug("snake_case and kebab-case"), "snake_case-and-kebab-case");
    cr_assert_str_eq(slug("Über die Straße"), "über-die-straße");
    cr_assert_str_eq(slug("ÀÉÎÕÜ Ÿ Ł Ő"), "àéîõü-ÿ-ł-ő");
    cr_assert_str_eq(slug("Привет, Мир"), "привет-мир");
    cr_assert_str_eq(slug("ΑΒΓ δ"), "αβγ-δ");
    cr_assert_str_eq(slug("日本語の見出し。"), "日本語の見出し");
    cr_assert_str_eq(slug("नमस्ते दुनिया"), "नमस्ते-दुनिया"); /* vowel signs kept */
    cr_assert_str_eq(slug("Emoji 🎉 party — “quoted”"), "emoji--party--quoted");
    cr_assert_str_eq(slug("Version 2.0 (beta)"), "version-20-beta");
    cr_assert_str_eq(slug("  two  spaces "), "--two--spaces-");
    cr_assert_str_eq(slug("!!!"), "");
    cr_assert_str_eq(slug("bad \xff byte"), "bad--byte");
}

Test(md, heading_ids_and_repeats)
{
    cr_assert_str_eq(render("# Intro\n\n## Intro\n\n### Intro\n"),
                     "<h1 id=\"intro\">Intro</h1>\n<h2 id=\"intro-1\">Intro</h2>\n"
                     "<h3 id=\"intro-2\">Intro</h3>\n");
    /* a literal "intro-1" taken first pushes the repeat further */
    cr_assert_str_eq(render("# Intro 1\n# Intro\n# Intro\n"),
                     "<h1 id=\"intro-1\">Intro 1</h1>\n<h1 id=\"intro\">Intro</h1>\n"
                     "<h1 id=\"intro-2\">Intro</h1>\n");
    cr_assert_str_eq(render("## *Emphasis* and `code` & [link](/x)\n"),
                     "<h2 id=\"emphasis-and-code--link\"><em>Emphasis</em> and <code>code</code>"
                     " &amp; <a href=\"/x\">link</a></h2>\n");
    cr_assert_str_eq(render("## !!!\n## ?!?\n"),
                     "<h2 id=\"section\">!!!</h2>\n<h2 id=\"section-1\">?!?</h2>\n");
}

Test(md, custom_ids)
{
    cr_assert_str_eq(render("## Title {#custom-id}\n"), "<h2 id=\"custom-id\">Title</h2>\n");
    cr_assert_eq(r.n_toc, 1);
    cr_assert_str_eq(r.toc[0].text, "Title");
    cr_assert_str_eq(r.toc[0].id, "custom-id");
    /* repeated custom ids are kept as written; a slug avoids them */
    cr_assert_str_eq(render("## A {#x}\n## B {#x}\n## X\n"),
                     "<h2 id=\"x\">A</h2>\n<h2 id=\"x\">B</h2>\n<h2 id=\"x-1\">X</h2>\n");
    /* not a custom id: empty, spaces, not at the end */
    cr_assert_str_eq(render("## T {#}\n"), "<h2 id=\"t-\">T {#}</h2>\n");
    cr_assert_str_eq(render("## T {#a b}\n"), "<h2 id=\"t-a-b\">T {#a b}</h2>\n");
    cr_assert_str_eq(render("## {#x} T\n"), "<h2 id=\"x-t\">{#x} T</h2>\n");
    cr_assert_str_eq(render("## *T* {#e}\n"), "<h2 id=\"e\"><em>T</em></h2>\n");
}

Test(md, anchor_links)
{
    cr_assert_str_eq(render_as("## Hi there\n", BF_MD_ANCHOR_LINKS, NULL, 1),
                     "<h2 id=\"hi-there\">Hi there<a class=\"anchor\" href=\"#hi-there\" "
                     "aria-hidden=\"true\">#</a></h2>\n");
}

Test(md, plain_mode_has_no_ids)
{
    cr_assert_str_eq(render_as("## Hi {#x}\n\n[[a]]\n\n:::{note}\nx\n:::\n", BF_MD_PLAIN,
                               NULL, 1),
                     "<h2>Hi {#x}</h2>\n<p>[[a]]</p>\n<p>:::{note}\nx\n:::</p>\n");
    cr_assert_eq(r.n_toc, 0);
    cr_assert_eq(r.n_diags, 0);
}

/* ---- the TOC ---- */

Test(md, toc_nesting_with_skipped_levels)
{
    render("# Page\n## A\n#### B\n### C\n## D\n###### F\n### E\n");
    /* level 1 and 6 are outside the default 2..4 */
    cr_assert_eq(r.n_toc, 5);
    const char *ids[] = {"a", "b", "c", "d", "e"};
    const uint8_t level[] = {2, 4, 3, 2, 3}, depth[] = {0, 1, 1, 0, 1};
    const uint32_t parent[] = {BF_MD_NONE, 0, 0, BF_MD_NONE, 3};
    const uint32_t first[] = {1, BF_MD_NONE, BF_MD_NONE, 4, BF_MD_NONE};
    const uint32_t next[] = {3, 2, BF_MD_NONE, BF_MD_NONE, BF_MD_NONE};
    for (int i = 0; i < 5; i++) {
        cr_assert_str_eq(r.toc[i].id, ids[i]);
        cr_assert_eq(r.toc[i].level, level[i], "item %d", i);
        cr_assert_eq(r.toc[i].depth, depth[i], "item %d", i);
        cr_assert_eq(r.toc[i].parent, parent[i], "item %d", i);
        cr_assert_eq(r.toc[i].first_child, first[i], "item %d", i);
        cr_assert_eq(r.toc[i].next_sibling, next[i], "item %d", i);
    }
    cr_assert_str_eq(r.toc_html, "<ul>\n"
                                 "<li><a href=\"#a\">A</a>\n"
                                 "<ul>\n"
                                 "<li><a href=\"#b\">B</a></li>\n"
                                 "<li><a href=\"#c\">C</a></li>\n"
                                 "</ul>\n"
                                 "</li>\n"
                                 "<li><a href=\"#d\">D</a>\n"
                                 "<ul>\n"
                                 "<li><a href=\"#e\">E</a></li>\n"
                                 "</ul>\n"
                                 "</li>\n"
                                 "</ul>\n");
    cr_assert_eq(strlen(r.toc_html), r.toc_html_len);
    cr_assert_str_eq(r.title, "Page");
}

Test(md, toc_depth_and_text)
{
    bf_md_page_t in = {.body = "# T\n## A & <b>\n### x\n", .body_len = 22,
                       .extensions = BF_MD_EXT_ALL, .toc_min = 1, .toc_max = 2};
    cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
    cr_assert_eq(r.n_toc, 2);
    cr_assert_str_eq(r.toc[1].text, "A & ");
    cr_assert_str_eq(r.toc_html, "<ul>\n<li><a href=\"#t\">T</a>\n<ul>\n"
                                 "<li><a href=\"#a--\">A &amp; </a></li>\n</ul>\n</li>\n</ul>\n");
    render("no headings\n");
    cr_assert_str_eq(r.toc_html, "");
    cr_assert_eq(r.n_toc, 0);
    cr_assert_null(r.toc);
    cr_assert_null(r.title);
}

/* ---- the title heading (bf_md_page_t.title) ---- */

static const char *render_titled(const char *text, const char *title, unsigned flags,
                                 uint8_t toc_min)
{
    bf_md_page_t in = {.body = text, .body_len = strlen(text), .extensions = BF_MD_EXT_ALL,
                       .title = title, .flags = flags, .toc_min = toc_min, .toc_max = 6};
    cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
    return r.html;
}

/* The heading the title came from is printed by the template: the body
 * leaves it out, with its id and TOC entry, so a later heading of the same
 * text gets the plain id and the TOC lists only what is on the page. */
Test(md, title_heading_left_out)
{
    cr_assert_str_eq(render_titled("\n# About this site\n\nText.\n\n## About this site\n",
                                   "About this site", 0, 1),
                     "<p>Text.</p>\n<h2 id=\"about-this-site\">About this site</h2>\n");
    cr_assert_eq(r.n_toc, 1);
    cr_assert_str_eq(r.toc[0].id, "about-this-site");
    cr_assert_eq(r.toc[0].depth, 0);
    cr_assert_eq(r.word_count, 4);
    cr_assert_null(r.title);
    /* [[#id]] of the left-out heading is a broken anchor: nothing has it */
    render_titled("# Install {#setup}\n\nSee [[#setup]].\n", "Install", 0, 0);
    cr_assert_str_eq(r.html, "<p>See <a class=\"xref\" href=\"#setup\">setup</a>.</p>\n");
    cr_assert_eq(r.n_diags, 1);
    cr_assert_eq(r.diags[0].kind, BF_MD_DIAG_BROKEN_ANCHOR);
}

Test(md, title_heading_kept_otherwise)
{
    /* another title (the front matter's) */
    cr_assert_str_eq(render_titled("# Heading\n", "Other", 0, 0), "<h1 id=\"heading\">Heading</h1>\n");
    /* not the first block */
    cr_assert_str_eq(render_titled("Intro.\n\n# T\n", "T", 0, 0),
                     "<p>Intro.</p>\n<h1 id=\"t\">T</h1>\n");
    /* a setext heading is no title heading */
    cr_assert_str_eq(render_titled("T\n=\n", "T", 0, 0), "<h1 id=\"t\">T</h1>\n");
    /* the text as written must be the title */
    cr_assert_str_eq(render_titled("# The `x`\n", "The x", 0, 0),
                     "<h1 id=\"the-x\">The <code>x</code></h1>\n");
    /* plain mode is cmark-gfm's output, and no title: nothing left out */
    cr_assert_str_eq(render_titled("# T\n", "T", BF_MD_PLAIN, 0), "<h1>T</h1>\n");
    cr_assert_str_eq(render_titled("# T\n", NULL, 0, 0), "<h1 id=\"t\">T</h1>\n");
}

/* ---- cross-references ---- */

Test(md, xref_forms)
{
    make_snapshot();
    cr_assert_str_eq(render("[[docs/intro]]"),
                     "<p><a class=\"xref\" href=\"/sub/docs/intro/\">Introduction</a></p>\n");
    cr_assert_str_eq(render("[[docs/intro|the intro]]"),
                     "<p><a class=\"xref\" href=\"/sub/docs/intro/\">the intro</a></p>\n");
    cr_assert_str_eq(render("[[ docs/intro | spaced ]]"),
                     "<p><a class=\"xref\" href=\"/sub/docs/intro/\">spaced</a></p>\n");
    cr_assert_str_eq(render("[[id:intro]]"),
                     "<p><a class=\"xref\" href=\"/sub/docs/intro/\">Introduction</a></p>\n");
    cr_assert_str_eq(render("[[id:adv#deep]]"),
                     "<p><a class=\"xref\" href=\"/sub/docs/guide/advanced/#deep\">Advanced</a>"
                     "</p>\n");
    cr_assert_str_eq(render("[[docs/intro#section]]"),
                     "<p><a class=\"xref\" href=\"/sub/docs/intro/#section\">Introduction</a></p>\n");
    cr_assert_str_eq(render("[[/docs/setup/]] [[docs/setup/index.md]] [[docs/_index]]"),
                     "<p><a class=\"xref\" href=\"/sub/docs/setup/\">Setup &amp; &lt;Install&gt;</a> "
                     "<a class=\"xref\" href=\"/sub/docs/setup/\">Setup &amp; &lt;Install&gt;</a> "
                     "<a class=\"xref\" href=\"/sub/docs/\">Documentation</a></p>\n");
    cr_assert_eq(r.n_diags, 0);
    cr_assert_eq(r.n_internal_links, 3);
    cr_assert_eq(r.internal_links[0].kind, BF_MD_LINK_XREF);
    cr_assert_eq(r.internal_links[0].page, 3);
    cr_assert_str_eq(r.internal_links[0].target, "/docs/setup/");
    cr_assert_eq(r.internal_links[2].page, 1);
}

Test(md, xref_same_page_anchor)
{
    make_snapshot();
    cr_assert_str_eq(render("See [[#usage]] and [[#later|below]].\n\n## Later\n\n## Usage\n"),
                     "<p>See <a class=\"xref\" href=\"#usage\">usage</a> and "
                     "<a class=\"xref\" href=\"#later\">below</a>.</p>\n"
                     "<h2 id=\"later\">Later</h2>\n<h2 id=\"usage\">Usage</h2>\n");
    cr_assert_eq(r.n_diags, 0);
    render("x\n\n[[#nowhere]]\n");
    cr_assert_eq(r.n_diags, 1);
    cr_assert_eq(r.diags[0].kind, BF_MD_DIAG_BROKEN_ANCHOR);
    cr_assert_eq(r.diags[0].line, 3);
    cr_assert_str_eq(r.diags[0].message, "no heading with id \"nowhere\" on this page");
}

Test(md, xref_broken)
{
    make_snapshot();
    cr_assert_str_eq(render_as("line one\n\ntext\nmore [[docs/nope]] here\n", 0,
                               "content/docs/a.md", 10),
                     "<p>line one</p>\n<p>text\nmore <a class=\"xref broken\" "
                     "data-target=\"docs/nope\">docs/nope</a> here</p>\n");
    cr_assert_eq(r.n_diags, 1);
    cr_assert_eq(r.diags[0].kind, BF_MD_DIAG_BROKEN_XREF);
    cr_assert_eq(r.diags[0].line, 13); /* body line 4, body starts at line 10 */
    cr_assert_str_eq(r.diags[0].target, "docs/nope");
    cr_assert_str_eq(r.diags[0].message, "unresolved cross-reference \"[[docs/nope]]\"");
    cr_assert_eq(r.internal_links[0].page, BF_MD_NONE);
    render("[[id:nope|Text]] [[docs/intro#]]");
    cr_assert_eq(r.n_diags, 1);
    cr_assert(strstr(r.html, "<a class=\"xref broken\" data-target=\"id:nope\">Text</a>"));
    /* without a snapshot every cross-reference is unresolved */
    bf_snap_close(snap);
    snap = NULL;
    render("[[docs/intro]]");
    cr_assert_str_eq(r.html, "<p><a class=\"xref broken\" data-target=\"docs/intro\">"
                             "docs/intro</a></p>\n");
}

Test(md, xref_not_in_code_and_not_malformed)
{
    make_snapshot();
    cr_assert_str_eq(render("`[[docs/intro]]`\n\n    [[docs/intro]]\n"),
                     "<p><code>[[docs/intro]]</code></p>\n<pre><code>[[docs/intro]]\n"
                     "</code></pre>\n");
    cr_assert_str_eq(render("```\n[[docs/intro]]\n```\n"),
                     "<pre><code>[[docs/intro]]\n</code></pre>\n");
    cr_assert_str_eq(render("[[]] [[ ]] [[a\nb]] [[x]"),
                     "<p>[[]] [[ ]] [[a\nb]] [[x]</p>\n");
    cr_assert_eq(r.n_diags, 0);
    cr_assert_str_eq(render("[[[docs/intro]]]"),
                     "<p>[<a class=\"xref\" href=\"/sub/docs/intro/\">Introduction</a>]</p>\n");
    /* inside emphasis and a table cell */
    cr_assert_str_eq(render("*see [[id:intro]]*\n"),
                     "<p><em>see <a class=\"xref\" href=\"/sub/docs/intro/\">Introduction</a>"
                     "</em></p>\n");
}

/* ---- relative .md links ---- */

Test(md, md_links_rewritten)
{
    make_snapshot();
    const char *src = "content/docs/guide/page.md";
    cr_assert_str_eq(render_as("[a](../intro.md) [b](advanced.md#part) [c](../setup/index.md) "
                               "[d](../_index.md) [e](../../_index.md) [f](./advanced.MD)",
                               0, src, 1),
                     "<p><a href=\"/sub/docs/intro/\">a</a> "
                     "<a href=\"/sub/docs/guide/advanced/#part\">b</a> "
                     "<a href=\"/sub/docs/setup/\">c</a> <a href=\"/sub/docs/\">d</a> "
                     "<a href=\"/sub/\">e</a> <a href=\"/sub/docs/guide/advanced/\">f</a></p>\n");
    cr_assert_eq(r.n_diags, 0);
    cr_assert_eq(r.n_internal_links, 6);
    cr_assert_eq(r.internal_links[1].kind, BF_MD_LINK_MD);
    cr_assert_eq(r.internal_links[1].page, 4);
    cr_assert_str_eq(r.internal_links[1].fragment, "part");
    cr_assert_str_eq(r.internal_links[1].target, "advanced.md#part");

    cr_assert_str_eq(render_as("[x](missing.md)\n[y](../../../../out.md)\n", 0, src, 5),
                     "<p><a href=\"missing.md\">x</a>\n<a href=\"../../../../out.md\">y</a></p>\n");
    cr_assert_eq(r.n_diags, 2);
    cr_assert_eq(r.diags[0].kind, BF_MD_DIAG_BROKEN_LINK);
    cr_assert_eq(r.diags[0].line, 5);
    cr_assert_eq(r.diags[1].line, 6);
    cr_assert_str_eq(r.diags[0].message, "link to \"missing.md\": no such page");
    /* plain mode leaves links alone and says nothing */
    cr_assert_str_eq(render_as("[a](../intro.md)", BF_MD_PLAIN, src, 1),
                     "<p><a href=\"../intro.md\">a</a></p>\n");
    cr_assert_eq(r.n_diags, 0);
}

Test(md, link_lists)
{
    render("[a](https://example.com/x) <https://b.org> www.c.net [d](/docs/x/#y) [e](img/z.png) "
           "[f](#top) ![i](pic.png) ![j](https://cdn.example.com/k.jpg)\n");
    cr_assert_eq(r.n_external_links, 3);
    cr_assert_str_eq(r.external_links[0].target, "https://example.com/x");
    cr_assert_str_eq(r.external_links[1].target, "https://b.org");
    cr_assert_str_eq(r.external_links[2].target, "http://www.c.net");
    cr_assert_eq(r.n_internal_links, 3);
    cr_assert_eq(r.internal_links[0].kind, BF_MD_LINK_PATH);
    cr_assert_str_eq(r.internal_links[0].fragment, "y");
    cr_assert_eq(r.internal_links[1].kind, BF_MD_LINK_RELATIVE);
    cr_assert_eq(r.internal_links[2].kind, BF_MD_LINK_ANCHOR);
    cr_assert_str_eq(r.internal_links[2].fragment, "top");
    cr_assert_eq(r.n_images, 2);
    cr_assert_str_eq(r.images[0].target, "pic.png");
    cr_assert_eq(r.images[0].kind, BF_MD_LINK_RELATIVE);
    cr_assert_eq(r.images[1].kind, BF_MD_LINK_EXTERNAL);
    cr_assert_eq(r.images[0].line, 1);
}

/* ---- admonitions ---- */

Test(md, admonition_basic_and_default_title)
{
    cr_assert_str_eq(render(":::{note} Be *careful*\nInside **bold**.\n\n- a\n- b\n:::\nafter\n"),
                     "<div class=\"admonition note\">\n"
                     "<p class=\"admonition-title\">Be *careful*</p>\n"
                     "<p>Inside <strong>bold</strong>.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
                     "</div>\n<p>after</p>\n");
    cr_assert_eq(r.n_diags, 0);
    cr_assert_str_eq(render(":::{seealso}\nx\n:::\n"),
                     "<div class=\"admonition seealso\">\n<p class=\"admonition-title\">See also"
                     "</p>\n<p>x</p>\n</div>\n");
    const char *kinds[] = {"note", "tip", "warning", "danger", "important", "info", "example"};
    for (size_t i = 0; i < 7; i++) {
        char in[64], want[64];
        snprintf(in, sizeof in, ":::{%s}\nx\n:::\n", kinds[i]);
        snprintf(want, sizeof want, "<div class=\"admonition %s\">", kinds[i]);
        cr_assert(strncmp(render(in), want, strlen(want)) == 0, "%s", kinds[i]);
    }
}

Test(md, admonition_nested)
{
    cr_assert_str_eq(render("::::{warning} Outer\nout\n:::{tip}\nin\n:::\nback out\n::::\n"),
                     "<div class=\"admonition warning\">\n<p class=\"admonition-title\">Outer</p>\n"
                     "<p>out</p>\n<div class=\"admonition tip\">\n<p class=\"admonition-title\">"
                     "Tip</p>\n<p>in</p>\n</div>\n<p>back out</p>\n</div>\n");
    /* equal fences: the innermost takes the first closing line */
    cr_assert_str_eq(render(":::{note}\n:::{tip}\nin\n:::\nmid\n:::\n"),
                     "<div class=\"admonition note\">\n<p class=\"admonition-title\">Note</p>\n"
                     "<div class=\"admonition tip\">\n<p class=\"admonition-title\">Tip</p>\n"
                     "<p>in</p>\n</div>\n<p>mid</p>\n</div>\n");
    cr_assert_eq(r.n_diags, 0);
}

Test(md, admonition_fence_in_code_and_lists)
{
    cr_assert_str_eq(render(":::{note}\n```\n:::\n```\n:::\n"),
                     "<div class=\"admonition note\">\n<p class=\"admonition-title\">Note</p>\n"
                     "<pre><code>:::\n</code></pre>\n</div>\n");
    cr_assert_str_eq(render("- item\n\n  :::{tip}\n  in list\n  :::\n- next\n"),
                     "<ul>\n<li>\n<p>item</p>\n<div class=\"admonition tip\">\n"
                     "<p class=\"admonition-title\">Tip</p>\n<p>in list</p>\n</div>\n</li>\n"
                     "<li>\n<p>next</p>\n</li>\n</ul>\n");
    /* a fence interrupts a paragraph; indented 4 it is code */
    cr_assert_str_eq(render("para\n:::{info}\nx\n:::\n"),
                     "<p>para</p>\n<div class=\"admonition info\">\n<p class=\"admonition-title\">"
                     "Info</p>\n<p>x</p>\n</div>\n");
    cr_assert_str_eq(render("    :::{note}\n"), "<pre><code>:::{note}\n</code></pre>\n");
    cr_assert_str_eq(render(":::{note}x\n"), "<p>:::{note}x</p>\n");
    cr_assert_str_eq(render("::{note}\n"), "<p>::{note}</p>\n");
}

Test(md, admonition_unknown_and_unclosed)
{
    cr_assert_str_eq(render("intro\n\n:::{frobnicate} T\n*content*\n:::\n"),
                     "<p>intro</p>\n<p><em>content</em></p>\n");
    cr_assert_eq(r.n_diags, 1);
    cr_assert_eq(r.diags[0].kind, BF_MD_DIAG_UNKNOWN_DIRECTIVE);
    cr_assert_eq(r.diags[0].line, 3);
    cr_assert_str_eq(r.diags[0].target, "frobnicate");

    cr_assert_str_eq(render("a\n\n:::{warning} Title\nrest *here*\n\nmore\n"),
                     "<p>a</p>\n<p>:::{warning} Title</p>\n<p>rest <em>here</em></p>\n"
                     "<p>more</p>\n");
    cr_assert_eq(r.n_diags, 1);
    cr_assert_eq(r.diags[0].kind, BF_MD_DIAG_UNCLOSED_ADMONITION);
    cr_assert_eq(r.diags[0].line, 3);
    cr_assert_str_eq(r.diags[0].message,
                     "unclosed admonition \"warning\" (end it with a line of 3 colons)");
}

/* ---- excerpt ---- */

Test(md, excerpt_more_marker)
{
    render("# T\n\nFirst para.\n\n<!--more-->\n\nRest.\n");
    cr_assert_str_eq(r.html, "<h1 id=\"t\">T</h1>\n<p>First para.</p>\n<p>Rest.</p>\n");
    cr_assert_str_eq(r.excerpt_html, "<h1 id=\"t\">T</h1>\n<p>First para.</p>");
    cr_assert(r.flags & BF_MD_EXCERPT_MORE);
    /* inline marker: open elements are closed */
    render("- *one <!-- more --> two*\n- three\n");
    cr_assert_str_eq(r.excerpt_html, "<ul>\n<li><em>one </em></li></ul>");
    cr_assert_str_eq(r.html, "<ul>\n<li><em>one  two</em></li>\n<li>three</li>\n</ul>\n");
}

Test(md, excerpt_summary_then_first_paragraph)
{
    bf_md_page_t in = {.body = "# T\n\nBody *para*.\n", .body_len = 18,
                       .extensions = BF_MD_EXT_ALL, .summary = "Sum & more",
                       .summary_len = 10};
    cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
    cr_assert_str_eq(r.excerpt_html, "<p>Sum &amp; more</p>");
    cr_assert_str_eq(r.html, "<h1 id=\"t\">T</h1>\n<p>Body <em>para</em>.</p>\n");
    render("# T\n\n- list first\n\nBody *para*.\n\nSecond.\n");
    cr_assert_str_eq(r.excerpt_html, "<p>Body <em>para</em>.</p>");
    cr_assert_eq(r.excerpt_len, strlen(r.excerpt_html));
    cr_assert_eq(r.flags & BF_MD_EXCERPT_MORE, 0);
    render("# Only a heading\n");
    cr_assert_str_eq(r.excerpt_html, "");
}

Test(md, excerpt_cut_after_n_words)
{
    bf_buf_t b = BF_BUF_INIT;
    bf_buf_puts(&b, "*");
    for (int i = 1; i <= 70; i++)
        bf_buf_printf(&b, "w%d%s", i, i == 30 ? "\n" : " ");
    bf_buf_puts(&b, "end*\n");
    render(b.data);
    /* 60 words, then the ellipsis and the closing tags */
    cr_assert(strncmp(r.excerpt_html, "<p><em>w1 w2 ", 13) == 0);
    const char *tail = "w59 w60\xe2\x80\xa6</em></p>";
    size_t tl = strlen(tail);
    cr_assert_geq(r.excerpt_len, tl);
    cr_assert_str_eq(r.excerpt_html + r.excerpt_len - tl, tail, "%s", r.excerpt_html);
    cr_assert_null(strstr(r.excerpt_html, "w61"));
    /* exactly 60 words: not cut */
    bf_buf_reset(&b);
    for (int i = 1; i <= 60; i++)
        bf_buf_printf(&b, "w%d ", i);
    render(b.data);
    cr_assert_null(strstr(r.excerpt_html, "\xe2\x80\xa6"));
    cr_assert(strstr(r.excerpt_html, "w60</p>"));
    bf_buf_free(&b);
}

/* ---- words and flags ---- */

Test(md, word_count_and_reading_time)
{
    render("# Title here\n\nHello *world*, foo**bar** [link text](http://x.y/z) `a b`.\n\n"
           "<div>raw html words</div>\n\n![alt words](p.png)\n\n```\ncode words\n```\n");
    /* Title here | Hello world, foobar link text a b. | code words */
    cr_assert_eq(r.word_count, 2 + 7 + 2, "%zu", r.word_count);
    cr_assert_eq(r.reading_time, 1);
    bf_buf_t b = BF_BUF_INIT;
    for (int i = 0; i < 401; i++)
        bf_buf_puts(&b, "word ");
    render(b.data);
    cr_assert_eq(r.word_count, 401);
    cr_assert_eq(r.reading_time, 3);
    render("");
    cr_assert_eq(r.word_count, 0);
    cr_assert_eq(r.reading_time, 1);
    cr_assert_str_eq(r.html, "");
    bf_buf_free(&b);
}

Test(md, metadata_flags_and_languages)
{
    render("Just text, $5 and $6.\n");
    cr_assert_eq(r.flags, 0);
    render("Inline $x^2$ math.\n");
    cr_assert_eq(r.flags, BF_MD_HAS_MATH);
    render("$$\na+b\n$$\n");
    cr_assert_eq(r.flags, BF_MD_HAS_MATH);
    render("As \\\\(x\\\\) says.\n");
    cr_assert_eq(r.flags, BF_MD_HAS_MATH);
    render("`$x$` in code\n");
    cr_assert_eq(r.flags, 0);
    render("```python\nx\n```\n\n```mermaid\ngraph\n```\n\n```python\ny\n```\n\n```\nz\n```\n"
           "\n| a |\n|---|\n| b |\n\nx[^1]\n\n[^1]: n\n");
    cr_assert_eq(r.flags, BF_MD_HAS_CODE | BF_MD_HAS_MERMAID | BF_MD_HAS_TABLES |
                              BF_MD_HAS_FOOTNOTES);
    cr_assert_eq(r.n_code_langs, 2);
    cr_assert_str_eq(r.code_langs[0], "python");
    cr_assert_str_eq(r.code_langs[1], "mermaid");
    render("```math\nx\n```\n");
    cr_assert_eq(r.flags, BF_MD_HAS_MATH | BF_MD_HAS_CODE);
    cr_assert(strstr(r.html, "<code class=\"language-math\">"));
}

Test(md, template_syntax_is_text)
{
    cr_assert_str_eq(render("{{ page.title }} and {% if x %}y{% endif %} {# c #}\n"),
                     "<p>{{ page.title }} and {% if x %}y{% endif %} {# c #}</p>\n");
    cr_assert_str_eq(render("`{{ x }}`\n"), "<p><code>{{ x }}</code></p>\n");
}

Test(md, safe_by_default)
{
    const char *in = "<script>alert(1)</script>\n\nx <b>y</b> [a](javascript:alert(1)) "
                     "![i](data:image/png;base64,AA) [d](data:text/html,x)\n";
    cr_assert_str_eq(render(in), "<!-- raw HTML omitted -->\n<p>x <!-- raw HTML omitted -->y"
                                 "<!-- raw HTML omitted --> <a href=\"\">a</a> "
                                 "<img src=\"data:image/png;base64,AA\" alt=\"i\" /> "
                                 "<a href=\"\">d</a></p>\n");
    /* unsafe keeps HTML, but tagfilter still defuses <script> */
    cr_assert_str_eq(render_as(in, BF_MD_UNSAFE, NULL, 1),
                     "&lt;script>alert(1)&lt;/script>\n<p>x <b>y</b> "
                     "<a href=\"javascript:alert(1)\">a</a> "
                     "<img src=\"data:image/png;base64,AA\" alt=\"i\" /> "
                     "<a href=\"data:text/html,x\">d</a></p>\n");
}

/* ---- one parse, one walk ---- */

static size_t count_nodes(const char *text)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_FOOTNOTES);
    const char *names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
    for (int i = 0; i < 5; i++)
        cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(p, text, strlen(text));
    cmark_node *doc = cmark_parser_finish(p);
    cmark_iter *it = cmark_iter_new(doc);
    size_t n = 0;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
        n += ev == CMARK_EVENT_ENTER;
    cmark_iter_free(it);
    cmark_node_free(doc);
    cmark_parser_free(p);
    return n;
}

Test(md, one_parse_one_walk_per_page)
{
    const char *pages[] = {
        "# A\n\ntext *em* [[x]] **b** `c`\n\n- a\n- b\n\n| t | u |\n|---|---|\n| 1 | 2 |\n",
        "x[^1] and ~~del~~ www.example.com\n\n[^1]: note\n\n> quote\n",
        "",
        "![img *alt*](x.png)\n\n---\n\n1. one\n2. two\n",
    };
    bf_md_stats_t st;
    size_t want_nodes = 0;
    for (size_t i = 0; i < 4; i++) {
        render_as(pages[i], BF_MD_PLAIN, NULL, 1);
        want_nodes += count_nodes(pages[i]);
    }
    bf_md_stats(md, &st);
    cr_assert_eq(st.renders, 4);
    cr_assert_eq(st.parses, 4, "one parse per page");
    cr_assert_eq(st.walks, 4, "one walk per page");
    cr_assert_eq(st.nodes, want_nodes, "each node entered exactly once (%zu)", want_nodes);
    /* the site mode too (admonitions, ids, TOC, xrefs, excerpt) */
    render("# T\n\n:::{note}\nx [[a]]\n:::\n\n## U\n");
    bf_md_stats(md, &st);
    cr_assert_eq(st.parses, 5);
    cr_assert_eq(st.walks, 5);
}

Test(md, renderer_reuse_is_independent)
{
    make_snapshot();
    render("# Same\n\n[[nope]]\n");
    char *first = strdup(r.html);
    size_t nd = r.n_diags;
    for (int i = 0; i < 50; i++) {
        render("# Other\n\n## Same\n\n| a |\n|---|\n| b |\n");
        render("# Same\n\n[[nope]]\n");
        cr_assert_str_eq(r.html, first);
        cr_assert_eq(r.n_diags, nd);
        bf_arena_reset(arena);
    }
    free(first);
}

Test(md, steady_state_no_heap_growth)
{
    make_snapshot();
    const char *page = "# T\n\n## A\n\ntext [[docs/intro]] [[nope]] [x](../intro.md) $x$\n\n"
                       ":::{note}\n| a |\n|---|\n| b |\n:::\n\n```c\nx\n```\n\nx[^1]\n\n[^1]: n\n";
    for (int i = 0; i < 5; i++) {
        bf_arena_reset(arena);
        render(page);
    }
    struct mallinfo2 before = mallinfo2();
    for (int i = 0; i < 200; i++) {
        bf_arena_reset(arena);
        render(page);
    }
    struct mallinfo2 after = mallinfo2();
    cr_assert_eq(after.uordblks, before.uordblks, "heap in use went from %zu to %zu bytes",
                 before.uordblks, after.uordblks);
}

Test(md, diagnostics_are_logged_with_file_and_line)
{
    make_snapshot();
    render_as("x\n\n[[docs/nope]]\n\n:::{frob}\ny\n:::\n", 0, "content/docs/a.md", 10);
    cr_assert_eq(r.n_diags, 2);
    char path[] = "/tmp/bf-md-logXXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    dup2(fd, 2);
    bf_ctx_init(BF_ROLE_WORKER, 0);
    size_t errors = bf_md_log_diags(&r, "content/docs/a.md");
    bf_ctx.strict = true;
    size_t strict_errors = bf_md_log_diags(&r, "content/docs/a.md");
    dup2(saved, 2);
    cr_assert_eq(errors, 0);
    cr_assert_eq(strict_errors, 1, "a broken reference is an error under --strict");
    char buf[2048] = {0};
    cr_assert_gt(pread(fd, buf, sizeof buf - 1, 0), 0);
    close(fd);
    unlink(path);
    cr_assert(strstr(buf, "content/docs/a.md:12: warning: unresolved cross-reference "
                          "\"[[docs/nope]]\"\n"), "%s", buf);
    cr_assert(strstr(buf, "content/docs/a.md:14: warning: unknown directive \"frob\""), "%s", buf);
    cr_assert(strstr(buf, "content/docs/a.md:12: error: unresolved cross-reference"), "%s", buf);
}

static const char *md_path(const char *source, const char *url, const char **frag)
{
    static bf_buf_t b = BF_BUF_INIT;
    size_t fl;
    bf_buf_reset(&b);
    int rc = bf_md_link_md_path(source, url, strlen(url), &b, frag, &fl);
    cr_assert_geq(rc, 0);
    return rc == 1 ? b.data : NULL;
}

Test(md, link_paths)
{
    const char *frag;
    cr_assert_eq(bf_md_link_classify("https://x", 9), BF_MD_LINK_EXTERNAL);
    cr_assert_eq(bf_md_link_classify("mailto:a@b", 10), BF_MD_LINK_EXTERNAL);
    cr_assert_eq(bf_md_link_classify("//cdn.x/y", 9), BF_MD_LINK_EXTERNAL);
    cr_assert_eq(bf_md_link_classify("/docs/", 6), BF_MD_LINK_PATH);
    cr_assert_eq(bf_md_link_classify("#top", 4), BF_MD_LINK_ANCHOR);
    cr_assert_eq(bf_md_link_classify("a/b:c", 5), BF_MD_LINK_RELATIVE);
    cr_assert_eq(bf_md_link_classify("x.md", 4), BF_MD_LINK_RELATIVE);
    cr_assert_str_eq(md_path("content/docs/a.md", "b.md", &frag), "docs/b");
    cr_assert_null(frag);
    cr_assert_str_eq(md_path("content/docs/a.md", "../c/d.md#x", &frag), "c/d");
    cr_assert_str_eq(frag, "x");
    cr_assert_str_eq(md_path("content/docs/a.md", "./my%20page.md?raw=1", &frag), "docs/my page");
    cr_assert_str_eq(md_path("content/docs/a.md", "sub/index.md", &frag), "docs/sub");
    cr_assert_str_eq(md_path("content/docs/a.md", "_index.md", &frag), "docs");
    cr_assert_str_eq(md_path("content/docs/a.md", "../_index.md", &frag), "");
    cr_assert_str_eq(md_path("content/a.md", "x.markdown", &frag), "x");
    cr_assert_str_eq(md_path("content/docs/a.md", "../../up.md", &frag), "\x01");
    cr_assert_null(md_path("content/docs/a.md", "b.mdx", &frag));
    cr_assert_null(md_path("content/docs/a.md", "/abs.md", &frag));
    cr_assert_null(md_path("content/docs/a.md", "https://x/y.md", &frag));
    cr_assert_null(md_path("content/docs/a.md", "img.png", &frag));
}
