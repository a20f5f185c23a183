/*
 * tests/worker/md_pack_test.c - a render result as bytes and back
 * (worker/markdown.h, "Results kept between builds"; worker/md_pack.c).
 *
 * A page with every part a result has (title, TOC, cross-references,
 * .md, path, anchor and external links, an image, code blocks, a table,
 * a footnote, math, an excerpt cut at <!--more-->, a broken [[x]]) is
 * rendered against the docs fixture's snapshot (tests/worker/docsnap.h),
 * saved and loaded: every field comes back equal, and the deps beside
 * the internal links too.  Bytes that are not a result (every strict
 * prefix, every byte changed in a few ways, a few hand-made lies) load as
 * -1 or as a result that holds together, never a crash: run it under
 * `make check-debug` (build/debug) for ASan and UBSan to watch.
 * bf_md_resolve gives the page the render resolved each XREF and MD link
 * to.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "snapshot-format/reader.h"
#include "tests/worker/docsnap.h"
#include "worker/markdown.h"

static bf_snap_t *snap;
static bf_md_t *md;
static bf_arena_t *arena, *arena2;
static bf_md_result_t res;
static bf_buf_t saved = BF_BUF_INIT;

#define SOURCE "content/docs/guide/page.md"

static const char page_body[] =
    "# The page title\n"
    "\n"
    "First paragraph, before the cut.\n"
    "\n"
    "<!--more-->\n"
    "\n"
    "## Links and references\n"
    "\n"
    "See [[docs/install]], [[id:writing|the writing guide]] and\n"
    "[the intro](../intro.md#what-it-is), or [[#code-blocks]].\n"
    "Outside: [example](https://example.org/x?y=1) and <mailto:a@example.org>.\n"
    "A path [docs](/docs/), a relative [file](data.csv) and [up](#links-and-references).\n"
    "An image ![diagram](bundle/diagram.png \"The diagram\").\n"
    "A broken [[no/such/page]] and a footnote[^note].\n"
    "\n"
    "### Code blocks\n"
    "\n"
    "```python\n"
    "print(\"hello\")\n"
    "```\n"
    "\n"
    "```sh\n"
    "ls -l\n"
    "```\n"
    "\n"
    "```python\n"
    "x = 1\n"
    "```\n"
    "\n"
    "#### Too deep for the TOC\n"
    "\n"
    "## Table and math\n"
    "\n"
    "| a | b |\n"
    "|---|---|\n"
    "| 1 | 2 |\n"
    "\n"
    "Inline math $x^2$ here.\n"
    "\n"
    ":::{tab-item} Lone\n"
    "A tab outside a tab-set.\n"
    ":::\n"
    "\n"
    ":::{dropdown} More\n"
    ":colour: red\n"
    "Hidden.\n"
    ":::\n"
    "\n"
    "[^note]: The footnote text.\n";

static void setup(void)
{
    snap = docsnap_open(NULL);
    cr_assert_eq(bf_md_init(), 0);
    md = bf_md_new();
    arena = bf_arena_create(0);
    arena2 = bf_arena_create(0);
    cr_assert(md && arena && arena2);
    bf_md_page_t in = {.body = page_body, .body_len = sizeof page_body - 1, .body_line = 5,
                       .source = SOURCE, .snap = snap, .flags = BF_MD_ANCHOR_LINKS,
                       .extensions = BF_MD_EXT_ALL, .toc_min = 2, .toc_max = 3};
    cr_assert_eq(bf_md_render(md, arena, &in, &res), 0);
    bf_buf_reset(&saved);
}

static void teardown(void)
{
    bf_md_free(md);
    bf_arena_destroy(arena);
    bf_arena_destroy(arena2);
    bf_buf_free(&saved);
    docsnap_close(snap);
}

TestSuite(md_pack, .init = setup, .fini = teardown, .timeout = 120);

/* What the render put in, first: the page exercises every field. */
static void assert_page_is_rich(const bf_md_result_t *r)
{
    cr_assert_geq(r->n_toc, 3, "toc: %zu", r->n_toc);
    cr_assert(r->toc_html_len > 0);
    cr_assert(r->title && strcmp(r->title, "The page title") == 0);
    cr_assert(r->excerpt_len > 0 && (r->flags & BF_MD_EXCERPT_MORE));
    cr_assert(r->flags & BF_MD_HAS_CODE);
    cr_assert(r->flags & BF_MD_HAS_TABLES);
    cr_assert(r->flags & BF_MD_HAS_FOOTNOTES);
    cr_assert(r->flags & BF_MD_HAS_MATH);
    cr_assert_eq(r->n_code_langs, 2, "code langs: %zu", r->n_code_langs);
    cr_assert_geq(r->n_external_links, 2);
    cr_assert_eq(r->n_images, 1);
    cr_assert_geq(r->n_diags, 1);
    bool diag[BF_MD_DIAG_KINDS] = {false};
    for (size_t i = 0; i < r->n_diags; i++)
        diag[r->diags[i].kind] = true;
    cr_assert(diag[BF_MD_DIAG_BROKEN_XREF] && diag[BF_MD_DIAG_MISNESTED] &&
                  diag[BF_MD_DIAG_BAD_OPTION],
              "the page lacks a kind of diagnostic");
    bool kinds[6] = {false};
    for (size_t i = 0; i < r->n_internal_links; i++)
        kinds[r->internal_links[i].kind] = true;
    cr_assert(kinds[BF_MD_LINK_XREF] && kinds[BF_MD_LINK_MD] && kinds[BF_MD_LINK_PATH] &&
                  kinds[BF_MD_LINK_RELATIVE] && kinds[BF_MD_LINK_ANCHOR],
              "the page lacks a kind of internal link");
    cr_assert(r->word_count > 10 && r->reading_time >= 1);
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool bytes_eq(const char *a, size_t na, const char *b, size_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

/* Links equal but for page, which a load leaves BF_MD_NONE (the caller
 * resolves XREF and MD links again, against today's snapshot). */
static void assert_links_eq(const bf_md_link_t *a, size_t na, const bf_md_link_t *b, size_t nb,
                            const char *what)
{
    cr_assert_eq(na, nb, "%s: %zu then %zu", what, na, nb);
    for (size_t i = 0; i < na; i++) {
        cr_assert_str_eq(a[i].target, b[i].target, "%s %zu", what, i);
        cr_assert(str_eq(a[i].fragment, b[i].fragment), "%s %zu: fragment", what, i);
        cr_assert_eq(a[i].line, b[i].line, "%s %zu: line", what, i);
        cr_assert_eq(a[i].kind, b[i].kind, "%s %zu: kind", what, i);
        cr_assert_eq(b[i].page, BF_MD_NONE, "%s %zu: a loaded link has a page", what, i);
    }
}

static void assert_result_eq(const bf_md_result_t *a, const bf_md_result_t *b)
{
    cr_assert(bytes_eq(a->html, a->html_len, b->html, b->html_len), "html differs");
    cr_assert_eq(b->html[b->html_len], '\0');
    cr_assert(bytes_eq(a->toc_html, a->toc_html_len, b->toc_html, b->toc_html_len));
    cr_assert_eq(a->n_toc, b->n_toc);
    for (size_t i = 0; i < a->n_toc; i++) {
        const bf_md_toc_item_t *x = &a->toc[i], *y = &b->toc[i];
        cr_assert(x->level == y->level && x->depth == y->depth && x->parent == y->parent &&
                      x->first_child == y->first_child && x->next_sibling == y->next_sibling,
                  "toc item %zu: the tree differs", i);
        cr_assert_str_eq(x->text, y->text);
        cr_assert_str_eq(x->id, y->id);
    }
    cr_assert(str_eq(a->title, b->title));
    cr_assert_eq(a->word_count, b->word_count);
    cr_assert_eq(a->reading_time, b->reading_time);
    cr_assert(bytes_eq(a->excerpt_html, a->excerpt_len, b->excerpt_html, b->excerpt_len));
    cr_assert_eq(a->flags, b->flags);
    cr_assert_eq(a->n_code_langs, b->n_code_langs);
    for (size_t i = 0; i < a->n_code_langs; i++)
        cr_assert_str_eq(a->code_langs[i], b->code_langs[i]);
    assert_links_eq(a->internal_links, a->n_internal_links, b->internal_links,
                    b->n_internal_links, "internal link");
    assert_links_eq(a->external_links, a->n_external_links, b->external_links,
                    b->n_external_links, "external link");
    assert_links_eq(a->images, a->n_images, b->images, b->n_images, "image");
    cr_assert_eq(a->n_diags, b->n_diags);
    for (size_t i = 0; i < a->n_diags; i++) {
        cr_assert_eq(a->diags[i].line, b->diags[i].line);
        cr_assert_eq(a->diags[i].kind, b->diags[i].kind);
        cr_assert(str_eq(a->diags[i].target, b->diags[i].target));
        cr_assert_str_eq(a->diags[i].message, b->diags[i].message);
    }
}

/* Everything a loaded result promises its users: lengths and NULs,
 * indexes inside their arrays, kinds in range, strings where one must
 * be.  Touches every byte (ASan sees a read out of bounds). */
static volatile unsigned sink;

static void touch(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sink += (unsigned char)s[i];
    cr_assert_eq(s[n], '\0');
}

static void assert_sound(const bf_md_result_t *r, const uint64_t *deps)
{
    cr_assert(r->html && r->toc_html && r->excerpt_html, "a loaded result lacks a string");
    touch(r->html, r->html_len);
    touch(r->toc_html, r->toc_html_len);
    touch(r->excerpt_html, r->excerpt_len);
    if (r->title)
        touch(r->title, strlen(r->title));
    for (size_t i = 0; i < r->n_toc; i++) {
        const bf_md_toc_item_t *t = &r->toc[i];
        cr_assert(t->level >= 1 && t->level <= 6);
        cr_assert(t->parent == BF_MD_NONE || t->parent < r->n_toc);
        cr_assert(t->first_child == BF_MD_NONE || t->first_child < r->n_toc);
        cr_assert(t->next_sibling == BF_MD_NONE || t->next_sibling < r->n_toc);
        cr_assert(t->text && t->id);
        touch(t->text, strlen(t->text));
        touch(t->id, strlen(t->id));
    }
    for (size_t i = 0; i < r->n_code_langs; i++)
        cr_assert_not_null(r->code_langs[i]);
    const bf_md_link_t *lists[3] = {r->internal_links, r->external_links, r->images};
    size_t ns[3] = {r->n_internal_links, r->n_external_links, r->n_images};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < ns[k]; i++) {
            cr_assert_not_null(lists[k][i].target);
            cr_assert_leq(lists[k][i].kind, BF_MD_LINK_EXTERNAL);
            cr_assert_eq(lists[k][i].page, BF_MD_NONE);
            if (k == 0)
                sink += (unsigned)deps[i];
        }
    for (size_t i = 0; i < r->n_diags; i++) {
        cr_assert_lt(r->diags[i].kind, BF_MD_DIAG_KINDS);
        cr_assert_not_null(r->diags[i].message);
        sink += bf_md_diag_is_broken(&r->diags[i]);
    }
}

/* deps as the render cache makes them: something for each link that
 * resolved, 0 for the rest. */
static uint64_t *make_deps(const bf_md_result_t *r)
{
    uint64_t *d = calloc(r->n_internal_links ? r->n_internal_links : 1, sizeof *d);
    cr_assert_not_null(d);
    for (size_t i = 0; i < r->n_internal_links; i++)
        d[i] = r->internal_links[i].page == BF_MD_NONE
                   ? 0
                   : 0x1234567800000000ull + r->internal_links[i].page * 3 + i;
    return d;
}

/* ---- round trip -------------------------------------------------------------- */

Test(md_pack, every_field_round_trips)
{
    assert_page_is_rich(&res);
    uint64_t *deps = make_deps(&res);
    cr_assert_eq(bf_md_result_save(&res, deps, &saved), 0);
    bf_md_result_t back;
    const uint64_t *d = NULL;
    cr_assert_eq(bf_md_result_load(arena2, saved.data, saved.len, &back, &d), 0);
    assert_result_eq(&res, &back);
    assert_sound(&back, d);
    cr_assert(res.n_internal_links == 0 || d, "no deps for %zu links", res.n_internal_links);
    for (size_t i = 0; i < res.n_internal_links; i++)
        cr_assert_eq(d[i], deps[i], "dep %zu", i);
    /* saved again, the same bytes */
    bf_buf_t again = BF_BUF_INIT;
    cr_assert_eq(bf_md_result_save(&back, d, &again), 0);
    cr_assert(bytes_eq(saved.data, saved.len, again.data, again.len),
              "a loaded result saves to other bytes");
    bf_buf_free(&again);
    free(deps);
}

/* The loaded result is the caller's: nothing in it points into the
 * saved bytes or into the bf_md_t (whose html the next render reuses). */
Test(md_pack, a_loaded_result_owns_its_memory)
{
    cr_assert_eq(bf_md_result_save(&res, NULL, &saved), 0);
    bf_md_result_t back;
    const uint64_t *d = NULL;
    char *copy = malloc(saved.len);
    cr_assert_not_null(copy);
    memcpy(copy, saved.data, saved.len);
    cr_assert_eq(bf_md_result_load(arena2, copy, saved.len, &back, &d), 0);
    memset(copy, 0x55, saved.len);
    free(copy);
    bf_md_page_t other = {.body = "other", .body_len = 5, .source = "content/x.md",
                          .extensions = BF_MD_EXT_ALL};
    bf_md_result_t r2;
    cr_assert_eq(bf_md_render(md, arena, &other, &r2), 0);
    assert_sound(&back, d);
    /* deps NULL at save: every link's dep is 0 */
    for (size_t i = 0; i < back.n_internal_links; i++)
        cr_assert_eq(d[i], 0);
    cr_assert(strstr(back.html, "The page title"), "the loaded html was overwritten");
}

/* Results with nothing in them, and with NULL strings where NULL is
 * allowed (title, a link's fragment, a diag's target). */
Test(md_pack, small_results_round_trip)
{
    bf_md_page_t empty = {.body = "", .body_len = 0, .source = "content/e.md",
                          .extensions = BF_MD_EXT_ALL};
    bf_md_result_t r;
    cr_assert_eq(bf_md_render(md, arena, &empty, &r), 0);
    cr_assert_eq(bf_md_result_save(&r, NULL, &saved), 0);
    bf_md_result_t back;
    const uint64_t *d = (const uint64_t *)1;
    cr_assert_eq(bf_md_result_load(arena2, saved.data, saved.len, &back, &d), 0);
    assert_result_eq(&r, &back);
    cr_assert_null(back.title);
    cr_assert_null(d, "deps for no link");

    bf_md_link_t l = {.target = "#x", .fragment = NULL, .page = BF_MD_NONE, .line = 3,
                      .kind = BF_MD_LINK_ANCHOR};
    bf_md_diag_t g = {.line = 9, .kind = BF_MD_DIAG_UNKNOWN_DIRECTIVE, .target = NULL,
                      .message = "unknown directive"};
    bf_md_result_t h = {.html = "", .toc_html = "", .excerpt_html = "", .reading_time = 1,
                        .internal_links = &l, .n_internal_links = 1, .diags = &g,
                        .n_diags = 1};
    uint64_t dep = 42;
    bf_buf_reset(&saved);
    cr_assert_eq(bf_md_result_save(&h, &dep, &saved), 0);
    cr_assert_eq(bf_md_result_load(arena2, saved.data, saved.len, &back, &d), 0);
    assert_result_eq(&h, &back);
    cr_assert_eq(d[0], 42);
}

/* ---- bytes that are not a result ------------------------------------------------ */

/* One load of n bytes (copied into a buffer of exactly n, so that ASan
 * sees any read past them): -1 and a cleared result, or 0 and a sound
 * one. */
static int load_one(const unsigned char *bytes, size_t n, const char *what, size_t at)
{
    unsigned char *b = malloc(n ? n : 1);
    cr_assert_not_null(b);
    if (n)
        memcpy(b, bytes, n);
    bf_md_result_t out;
    const uint64_t *d = NULL;
    memset(&out, 0x77, sizeof out);
    errno = 0;
    int rc = bf_md_result_load(arena2, b, n, &out, &d);
    if (rc < 0) {
        cr_assert(errno == EILSEQ || errno == ENOMEM, "%s %zu: errno %d", what, at, errno);
        cr_assert(out.html == NULL && out.n_toc == 0 && out.n_internal_links == 0 &&
                      out.n_diags == 0,
                  "%s %zu: a failed load left fields set", what, at);
    } else {
        cr_assert_eq(rc, 0, "%s %zu: %d", what, at, rc);
        assert_sound(&out, d);
    }
    free(b);
    bf_arena_reset(arena2);
    return rc;
}

Test(md_pack, every_strict_prefix_is_rejected)
{
    uint64_t *deps = make_deps(&res);
    cr_assert_eq(bf_md_result_save(&res, deps, &saved), 0);
    free(deps);
    const unsigned char *s = (const unsigned char *)saved.data;
    for (size_t n = 0; n < saved.len; n++)
        cr_assert_eq(load_one(s, n, "prefix of", n), -1, "a prefix of %zu bytes (of %zu) loads",
                     n, saved.len);
    /* and a byte more is not a result either */
    unsigned char *more = malloc(saved.len + 1);
    cr_assert_not_null(more);
    memcpy(more, s, saved.len);
    more[saved.len] = 0;
    cr_assert_eq(load_one(more, saved.len + 1, "trailing byte", 0), -1);
    free(more);
    cr_assert_eq(load_one(s, saved.len, "whole", 0), 0);
}

Test(md_pack, every_changed_byte_loads_or_is_rejected)
{
    uint64_t *deps = make_deps(&res);
    cr_assert_eq(bf_md_result_save(&res, deps, &saved), 0);
    free(deps);
    unsigned char *b = malloc(saved.len);
    cr_assert_not_null(b);
    static const unsigned char values[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x06, 0x20};
    size_t rejected = 0, loaded = 0;
    for (size_t at = 0; at < saved.len; at++) {
        for (size_t v = 0; v < sizeof values + 1; v++) {
            memcpy(b, saved.data, saved.len);
            /* the listed values, then the byte's own bits flipped */
            b[at] = v < sizeof values ? values[v] : (unsigned char)~b[at];
            if (load_one(b, saved.len, "byte", at) < 0)
                rejected++;
            else
                loaded++;
        }
    }
    free(b);
    cr_assert_gt(rejected, 0);
    cr_assert_gt(loaded, 0); /* a changed letter of the html is still a result */
}

/* Hand-made lies: counts far past the bytes, a NULL where a string must
 * be, kinds and levels out of range, TOC indexes out of the array. */
static void lie(bf_buf_t *b, uint32_t magic, uint32_t version)
{
    bf_buf_reset(b);
    bf_buf_append(b, &magic, 4);
    bf_buf_append(b, &version, 4);
}

static void put32(bf_buf_t *b, uint32_t v)
{
    bf_buf_append(b, &v, 4);
}

static void put64(bf_buf_t *b, uint64_t v)
{
    bf_buf_append(b, &v, 8);
}

static void put_s(bf_buf_t *b, const char *s)
{
    if (!s) {
        put32(b, 0xffffffffu);
        return;
    }
    put32(b, (uint32_t)strlen(s));
    bf_buf_puts(b, s);
}

/* A whole result with one TOC item and one internal link, the parts
 * given; the rest sound. */
static void lie_result(bf_buf_t *b, uint32_t n_toc, uint8_t level, uint32_t parent,
                       const char *html, uint32_t n_links, uint8_t kind, const char *target,
                       uint8_t diag_kind, const char *message)
{
    lie(b, 0x524d4642u, 2);
    put_s(b, html);
    put_s(b, "");           /* toc html */
    put32(b, n_toc);
    if (n_toc) {
        bf_buf_putc(b, level);
        bf_buf_putc(b, 0);
        put32(b, parent);
        put32(b, BF_MD_NONE);
        put32(b, BF_MD_NONE);
        put_s(b, "Heading");
        put_s(b, "heading");
    }
    put_s(b, NULL);         /* title */
    put64(b, 3);            /* words */
    put32(b, 1);            /* reading time */
    put_s(b, "");           /* excerpt */
    put32(b, 0);            /* flags */
    put32(b, 0);            /* code langs */
    put32(b, n_links);
    if (n_links) {
        put_s(b, target);
        put_s(b, NULL);
        put32(b, 1);
        bf_buf_putc(b, kind);
        put64(b, 0);
        put_s(b, NULL);     /* source: the page */
    }
    put32(b, 0);            /* external */
    put32(b, 0);            /* images */
    put32(b, 1);            /* diags */
    put32(b, 1);
    bf_buf_putc(b, diag_kind);
    put_s(b, "x");
    put_s(b, message);
    put_s(b, "content/_snippets/x.md"); /* source: an included file */
}

Test(md_pack, hand_made_lies_are_rejected)
{
    bf_buf_t b = BF_BUF_INIT;
    const unsigned char *p;
#define LOADS(what) load_one((p = (const unsigned char *)b.data), b.len, what, 0)
    lie_result(&b, 1, 2, BF_MD_NONE, "<p>x</p>", 1, BF_MD_LINK_XREF, "docs/intro",
               BF_MD_DIAG_BROKEN_XREF, "m");
    cr_assert_eq(LOADS("the sound lie"), 0, "the hand-made result does not load");
    lie_result(&b, 1, 0, BF_MD_NONE, "", 1, 0, "t", 0, "m");
    cr_assert_eq(LOADS("level 0"), -1);
    lie_result(&b, 1, 7, BF_MD_NONE, "", 1, 0, "t", 0, "m");
    cr_assert_eq(LOADS("level 7"), -1);
    lie_result(&b, 1, 2, 1, "", 1, 0, "t", 0, "m");
    cr_assert_eq(LOADS("parent out of the toc"), -1);
    lie_result(&b, 1, 2, BF_MD_NONE, NULL, 1, 0, "t", 0, "m");
    cr_assert_eq(LOADS("html NULL"), -1);
    lie_result(&b, 1, 2, BF_MD_NONE, "", 1, BF_MD_LINK_EXTERNAL + 1, "t", 0, "m");
    cr_assert_eq(LOADS("link kind"), -1);
    lie_result(&b, 1, 2, BF_MD_NONE, "", 1, 0, NULL, 0, "m");
    cr_assert_eq(LOADS("link target NULL"), -1);
    lie_result(&b, 1, 2, BF_MD_NONE, "", 1, 0, "t", BF_MD_DIAG_KINDS, "m");
    cr_assert_eq(LOADS("diag kind"), -1);
    lie_result(&b, 1, 2, BF_MD_NONE, "", 1, 0, "t", 0, NULL);
    cr_assert_eq(LOADS("diag message NULL"), -1);
    lie_result(&b, 0xffffffffu, 2, BF_MD_NONE, "", 1, 0, "t", 0, "m");
    cr_assert_eq(LOADS("toc count past the bytes"), -1);
    lie_result(&b, 0, 2, BF_MD_NONE, "", 0x40000000u, 0, "t", 0, "m");
    cr_assert_eq(LOADS("link count past the bytes"), -1);
    /* a string longer than the bytes */
    lie(&b, 0x524d4642u, 2);
    put32(&b, 0xfffffffeu);
    bf_buf_puts(&b, "short");
    cr_assert_eq(LOADS("string past the bytes"), -1);
    /* another magic, another version */
    lie_result(&b, 0, 2, BF_MD_NONE, "", 0, 0, "t", 0, "m");
    b.data[0] ^= 1;
    cr_assert_eq(LOADS("magic"), -1);
    b.data[0] ^= 1;
    b.data[4] = 1; /* before links and diagnostics had a source */
    cr_assert_eq(LOADS("version"), -1);
#undef LOADS
    (void)p;
    bf_buf_free(&b);
}

/* ---- resolving again ---------------------------------------------------------- */

/* What a reader of the pack does: load, then resolve each XREF and MD
 * link against the snapshot: the pages the render resolved them to. */
Test(md_pack, resolve_gives_the_pages_the_render_found)
{
    cr_assert_eq(bf_md_result_save(&res, NULL, &saved), 0);
    bf_md_result_t back;
    const uint64_t *d;
    cr_assert_eq(bf_md_result_load(arena2, saved.data, saved.len, &back, &d), 0);
    bf_buf_t tmp = BF_BUF_INIT;
    size_t xrefs = 0, mds = 0, resolved = 0;
    for (size_t i = 0; i < res.n_internal_links; i++) {
        const bf_md_link_t *l = &res.internal_links[i];
        uint32_t again = bf_md_resolve(snap, SOURCE, &back.internal_links[i], &tmp);
        uint32_t on_render = bf_md_resolve(snap, SOURCE, l, &tmp);
        cr_assert_eq(again, on_render, "link %zu \"%s\"", i, l->target);
        if (l->kind == BF_MD_LINK_XREF || l->kind == BF_MD_LINK_MD) {
            cr_assert_eq(again, l->page, "link %zu \"%s\" (kind %u): resolves to %u, the render "
                         "found %u", i, l->target, l->kind, again, l->page);
            xrefs += l->kind == BF_MD_LINK_XREF;
            mds += l->kind == BF_MD_LINK_MD;
            resolved += again != BF_MD_NONE;
        } else {
            cr_assert_eq(again, BF_MD_NONE, "link %zu of kind %u resolves", i, l->kind);
        }
    }
    cr_assert_geq(xrefs, 3);
    cr_assert_geq(mds, 1);
    cr_assert_geq(resolved, 3, "too few links resolved to check anything");
    /* the pages are the ones named */
    uint32_t install = bf_snap_find_path(snap, "docs/install", 12);
    uint32_t writing = bf_snap_find_ref_id(snap, "writing", 7);
    uint32_t intro = bf_snap_find_path(snap, "docs/intro", 10);
    cr_assert(install != BF_SNAP_NONE && writing != BF_SNAP_NONE && intro != BF_SNAP_NONE);
    bool seen[3] = {false};
    for (size_t i = 0; i < back.n_internal_links; i++) {
        uint32_t pg = bf_md_resolve(snap, SOURCE, &back.internal_links[i], &tmp);
        seen[0] |= pg == install;
        seen[1] |= pg == writing;
        seen[2] |= pg == intro && back.internal_links[i].kind == BF_MD_LINK_MD;
    }
    cr_assert(seen[0] && seen[1] && seen[2], "install %d, writing %d, intro by .md link %d",
              seen[0], seen[1], seen[2]);
    /* no snapshot: nothing resolves */
    for (size_t i = 0; i < back.n_internal_links; i++)
        cr_assert_eq(bf_md_resolve(NULL, SOURCE, &back.internal_links[i], &tmp), BF_MD_NONE);
    bf_buf_free(&tmp);
}
