/*
 * tests/snapshot-format/snapfix.h - snapshots built for the tests.
 *
 * Header-only (static functions) because every *_test.c is its own binary.
 * fix_full() covers every table and field kind: home, section, page,
 * taxonomy and term pages, three sections, two taxonomies' worth of terms,
 * two menus with nested items, waves on all three levels, value trees with
 * every kind nested, aliases, resources, a body with NUL bytes and non-ASCII
 * strings, a page including a file that includes another.  The records as written are kept in fix_t so that a test can
 * compare what the reader returns with what went in, byte for byte.
 */
#ifndef BF_TESTS_SNAPFIX_H
#define BF_TESTS_SNAPFIX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/hash.h"
#include "shared/value.h"
#include "snapshot-format/writer.h"

#define FIX_PAGES 9
#define FIX_SECTIONS 3
#define FIX_TERMS 2
#define FIX_ITEMS 4
#define FIX_WAVES 4
#define FIX_FRAGMENTS 2

/* A body with NUL bytes in it (BODIES is bytes, not text). */
static const char fix_nul_body[] = "# Setup\0with\0NULs\n";
#define FIX_NUL_BODY_LEN (sizeof fix_nul_body - 1)

typedef struct {
    bf_snap_site_t site;
    bf_snap_page_t pages[FIX_PAGES];
    bf_snap_section_t sections[FIX_SECTIONS];
    bf_snap_taxonomy_t tax;
    bf_snap_term_t terms[FIX_TERMS];
    bf_snap_menu_t menus[2];
    bf_snap_menu_item_t items[FIX_ITEMS];
    bf_snap_wave_t waves[FIX_WAVES];
    bf_snap_fragment_t fragments[FIX_FRAGMENTS];
    uint32_t config, page3_params;
} fix_t;

static inline bf_value_t *fix_s(bf_arena_t *a, const char *s)
{
    return bf_value_string(a, s, strlen(s));
}

static inline bf_value_t *fix_i(bf_arena_t *a, int64_t i)
{
    bf_value_t *v = bf_value_new(a, BF_VAL_INT);
    v->u.i = i;
    return v;
}

static inline bf_value_t *fix_f(bf_arena_t *a, double f)
{
    bf_value_t *v = bf_value_new(a, BF_VAL_FLOAT);
    v->u.f = f;
    return v;
}

static inline void fix_put(bf_arena_t *a, bf_value_t *m, const char *k, bf_value_t *v)
{
    if (bf_value_map_put(a, m, k, strlen(k), v) < 0)
        abort();
}

static inline void fix_push(bf_arena_t *a, bf_value_t *l, bf_value_t *v)
{
    if (bf_value_list_push(a, l, v) < 0)
        abort();
}

/* config: every kind, nested lists and maps, empty containers, keys that
 * need quoting and escaping. */
static inline bf_value_t *fix_config(bf_arena_t *a)
{
    bf_value_t *m = bf_value_new(a, BF_VAL_MAP);
    bf_value_t *t = bf_value_new(a, BF_VAL_BOOL);
    t->u.b = true;
    fix_put(a, m, "title", fix_s(a, "Fixture \"site\""));
    fix_put(a, m, "answer", fix_i(a, -42));
    fix_put(a, m, "pi", fix_f(a, 3.25));
    fix_put(a, m, "on", t);
    fix_put(a, m, "nothing", bf_value_new(a, BF_VAL_NULL));
    bf_value_t *l = bf_value_new(a, BF_VAL_LIST);
    fix_push(a, l, fix_i(a, 1));
    fix_push(a, l, fix_s(a, "two"));
    bf_value_t *inner = bf_value_new(a, BF_VAL_LIST);
    fix_push(a, inner, fix_f(a, 0.5));
    fix_push(a, l, inner);
    bf_value_t *im = bf_value_new(a, BF_VAL_MAP);
    fix_put(a, im, "k", fix_s(a, "v"));
    fix_push(a, l, im);
    fix_put(a, m, "list", l);
    bf_value_t *n1 = bf_value_new(a, BF_VAL_MAP), *n2 = bf_value_new(a, BF_VAL_MAP);
    fix_put(a, n2, "c", bf_value_new(a, BF_VAL_LIST));
    fix_put(a, n1, "b", n2);
    fix_put(a, m, "nested", n1);
    fix_put(a, m, "empty", bf_value_new(a, BF_VAL_MAP));
    fix_put(a, m, "ключ", fix_s(a, "значение ✓"));
    fix_put(a, m, "tab\tkey", fix_s(a, "ctl\x01\x1f end\n"));
    fix_put(a, m, "inf", fix_f(a, 1.0 / 0.0));
    fix_put(a, m, "", fix_s(a, ""));
    return m;
}

static inline bf_snap_str_t fix_str(bf_snapw_t *w, const char *s)
{
    return bf_snapw_cstr(w, s);
}

static inline bf_snap_page_t fix_page(bf_snapw_t *w, uint8_t kind, const char *path, const char *url,
                               const char *output, const char *title)
{
    bf_snap_page_t p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.term = BF_SNAP_NONE;
    p.prev = p.next = BF_SNAP_NONE;
    p.params = BF_SNAP_NONE;
    p.path = fix_str(w, path);
    p.url = fix_str(w, url);
    p.output = fix_str(w, output);
    p.title = fix_str(w, title);
    p.template = fix_str(w, kind == BF_SNAP_PAGE ? "page.html" : "list.html");
    return p;
}

#define FIX_IDS(w, ...)                                                                  \
    bf_snapw_ids((w), (const uint32_t[]){__VA_ARGS__},                                   \
                 sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))

static inline bf_snapw_t *fix_full(fix_t *f)
{
    bf_snapw_t *w = bf_snapw_new();
    bf_arena_t *a = bf_arena_create(0);
    if (!w || !a)
        abort();
    memset(f, 0, sizeof *f);
    bf_snap_page_t *p = f->pages;

    /* Pages: 0 home, 1-2 sections, 3-5 regular, 6 taxonomy, 7-8 terms. */
    p[0] = fix_page(w, BF_SNAP_HOME, "", "/", "index.html", "Home");
    p[1] = fix_page(w, BF_SNAP_SECTION, "docs", "/docs/", "docs/index.html", "Docs");
    p[2] = fix_page(w, BF_SNAP_SECTION, "docs/guide", "/docs/guide/", "docs/guide/index.html",
                    "Guide");
    p[3] = fix_page(w, BF_SNAP_PAGE, "docs/intro", "/docs/intro/", "docs/intro/index.html",
                    "Intro");
    p[4] = fix_page(w, BF_SNAP_PAGE, "docs/guide/setup", "/docs/guide/setup/",
                    "docs/guide/setup/index.html", "Setup");
    p[5] = fix_page(w, BF_SNAP_PAGE, "docs/ünïcode", "/docs/ünïcode/",
                    "docs/ünïcode/index.html", "Ünïcödé 日本語 🐍");
    p[6] = fix_page(w, BF_SNAP_TAXONOMY, "tags", "/tags/", "tags/index.html", "Tags");
    p[7] = fix_page(w, BF_SNAP_TERM, "tags/go", "/tags/go/", "tags/go/index.html", "Go");
    p[8] = fix_page(w, BF_SNAP_TERM, "tags/c", "/tags/c/", "tags/c/index.html", "C");
    p[0].section = 0;
    p[1].section = 1;
    p[2].section = 2;
    p[3].section = 1;
    p[4].section = 2;
    p[5].section = 1;
    p[6].section = p[7].section = p[8].section = BF_SNAP_NONE;
    p[6].term = 0; /* taxonomy id */
    p[7].term = 0;
    p[8].term = 1;
    p[6].flags = p[7].flags = p[8].flags = BF_SNAP_PF_VIRTUAL;
    p[0].source = fix_str(w, "content/_index.md");
    p[1].source = fix_str(w, "content/docs/_index.md");
    p[2].flags = BF_SNAP_PF_VIRTUAL;
    p[3].source = fix_str(w, "content/docs/intro.md");
    p[4].source = fix_str(w, "content/docs/guide/setup/index.md");
    p[5].source = fix_str(w, "content/docs/ünïcode.md");
    p[3].prev = BF_SNAP_NONE, p[3].next = 5;
    p[5].prev = 3, p[5].next = BF_SNAP_NONE;
    p[3].flags = BF_SNAP_PF_DATE | BF_SNAP_PF_LASTMOD | BF_SNAP_PF_DRAFT | BF_SNAP_PF_NO_TOC;
    p[3].date = 1704441600; /* 2024-01-05T08:00:00Z */
    p[3].date_tz = 120;
    p[3].lastmod = 1704528000;
    p[3].lastmod_tz = -330;
    p[3].weight = -7;
    p[3].nav_title = fix_str(w, "Intro (nav)");
    p[3].description = fix_str(w, "An <intro> & \"quotes\"");
    p[3].summary = fix_str(w, "Line one\nline two\ttabbed");
    p[3].type = fix_str(w, "docs");
    p[3].content_hash = UINT64_C(0xfedcba9876543210);
    p[4].flags = BF_SNAP_PF_BUNDLE;
    p[4].ref_id = fix_str(w, "setup");
    p[5].ref_id = fix_str(w, "uni");
    p[4].weight = 3;

    const char *body3 = "Hello *world*.\n";
    p[3].body_off = bf_snapw_body(w, body3, strlen(body3));
    p[3].body_len = (uint32_t)strlen(body3);
    p[3].body_line = 5;
    p[4].body_off = bf_snapw_body(w, fix_nul_body, FIX_NUL_BODY_LEN);
    p[4].body_len = FIX_NUL_BODY_LEN;
    p[4].body_line = 1;
    const char *body5 = "Ünïcode body ✓\n:::{include} ../_snippets/a.md\n:::\n";
    p[5].body_off = bf_snapw_body(w, body5, strlen(body5));
    p[5].body_len = (uint32_t)strlen(body5);
    p[5].body_line = 3;
    /* page 5 includes fragment 0 (its lines 2-3), which includes 1 */
    const char *fa = "A snippet\n```{include} b.md\n```\n", *fb = "Leaf\n";
    f->fragments[0] = (bf_snap_fragment_t){fix_str(w, "content/_snippets/a.md"),
                                           bf_snapw_body(w, fa, strlen(fa)),
                                           (uint32_t)strlen(fa), 2, {0, 0}};
    f->fragments[1] = (bf_snap_fragment_t){fix_str(w, "content/_snippets/b.md"),
                                           bf_snapw_body(w, fb, strlen(fb)),
                                           (uint32_t)strlen(fb), 1, {0, 0}};
    f->fragments[0].includes =
        bf_snapw_includes(w, &(bf_snap_include_t){10, 22, 1}, 1);
    p[5].includes = bf_snapw_includes(w, &(bf_snap_include_t){19, 35, 0}, 1);
    p[5].includes_hash = UINT64_C(0x0123456789abcdef);

    p[1].ancestors = FIX_IDS(w, 0);
    p[2].ancestors = FIX_IDS(w, 0, 1);
    p[3].ancestors = p[5].ancestors = FIX_IDS(w, 0, 1); /* shared range */
    p[4].ancestors = FIX_IDS(w, 0, 1, 2);
    p[3].terms = FIX_IDS(w, 1, 0);
    p[5].terms = FIX_IDS(w, 0);
    bf_snap_str_t al[2] = {fix_str(w, "/old/intro/"), fix_str(w, "/older/intro.html")};
    p[3].aliases = bf_snapw_strs(w, al, 2);
    bf_snap_str_t rs[2] = {fix_str(w, "content/docs/guide/setup/diagram.png"),
                           fix_str(w, "content/docs/guide/setup/data file.csv")};
    p[4].resources = bf_snapw_strs(w, rs, 2);

    bf_value_t *pp = bf_value_new(a, BF_VAL_MAP);
    bf_value_t *tags = bf_value_new(a, BF_VAL_LIST);
    bf_value_t *f0 = bf_value_new(a, BF_VAL_BOOL);
    fix_push(a, tags, fix_s(a, "go"));
    fix_push(a, tags, fix_s(a, "c"));
    fix_put(a, pp, "toc", f0);
    fix_put(a, pp, "tags", tags);
    fix_put(a, pp, "author", fix_s(a, "Ada"));
    f->page3_params = p[3].params = bf_snapw_value(w, pp);
    p[5].params = bf_snapw_value(w, bf_value_new(a, BF_VAL_MAP));

    /* Waves: level 0 = 0, 1; level 1 = 2; level 2 = 3. */
    uint32_t wave_of[FIX_PAGES] = {2, 2, 2, 0, 1, 0, 2, 2, 2};
    for (int i = 0; i < FIX_PAGES; i++)
        p[i].wave = wave_of[i];
    bf_snap_wave_t *wv = f->waves;
    wv[0] = (bf_snap_wave_t){0, 1, fix_str(w, "page.html"), FIX_IDS(w, 3, 5)};
    wv[1] = (bf_snap_wave_t){0, 2, fix_str(w, "page.html"), FIX_IDS(w, 4)};
    wv[2] = (bf_snap_wave_t){1, BF_SNAP_NONE, fix_str(w, "list.html"),
                             FIX_IDS(w, 0, 1, 2, 6, 7, 8)};
    wv[3] = (bf_snap_wave_t){2, BF_SNAP_NONE, fix_str(w, "sitemap.xml"), {0, 0}};

    bf_snap_section_t *sc = f->sections;
    sc[0] = (bf_snap_section_t){0, BF_SNAP_NONE, 0, 0, {0, 0}, {0, 0}, FIX_IDS(w, 1),
                                {0, 0}, FIX_IDS(w, 1)};
    sc[1] = (bf_snap_section_t){1, 0, 1, 0, fix_str(w, "docs"), fix_str(w, "docs"),
                                FIX_IDS(w, 3, 5, 2), FIX_IDS(w, 3, 5), FIX_IDS(w, 2)};
    sc[2] = (bf_snap_section_t){2, 1, 2, 0, fix_str(w, "guide"), fix_str(w, "docs/guide"),
                                FIX_IDS(w, 4), FIX_IDS(w, 4), {0, 0}};

    f->tax = (bf_snap_taxonomy_t){fix_str(w, "tags"), 6, 0, FIX_IDS(w, 1, 0)};
    f->terms[0] = (bf_snap_term_t){fix_str(w, "Go"), fix_str(w, "go"), 0, 7, FIX_IDS(w, 3, 5)};
    f->terms[1] = (bf_snap_term_t){fix_str(w, "C"), fix_str(w, "c"), 0, 8, FIX_IDS(w, 3)};

    /* Menus: main = Docs > Intro, Tags; footer = About. */
    bf_snap_menu_item_t *it = f->items;
    it[0] = (bf_snap_menu_item_t){fix_str(w, "Docs"), fix_str(w, "/docs/"), fix_str(w, "docs"),
                                  0, BF_SNAP_NONE, 1, 10, FIX_IDS(w, 1)};
    it[1] = (bf_snap_menu_item_t){fix_str(w, "Intro"), fix_str(w, "/docs/intro/"), {0, 0},
                                  0, 0, 3, 0, {0, 0}};
    it[2] = (bf_snap_menu_item_t){fix_str(w, "Tags"), fix_str(w, "/tags/"), {0, 0},
                                  0, BF_SNAP_NONE, 6, 20, {0, 0}};
    it[3] = (bf_snap_menu_item_t){fix_str(w, "About"), fix_str(w, "https://example.org/about"),
                                  {0, 0}, 1, BF_SNAP_NONE, BF_SNAP_NONE, -1, {0, 0}};
    f->menus[0] = (bf_snap_menu_t){fix_str(w, "main"), FIX_IDS(w, 0, 2)};
    f->menus[1] = (bf_snap_menu_t){fix_str(w, "footer"), FIX_IDS(w, 3)};

    bf_snap_site_t *st = &f->site;
    st->title = fix_str(w, "Fixture \"site\"");
    st->baseurl = fix_str(w, "https://example.org/base");
    st->language = fix_str(w, "en");
    st->output_dir = fix_str(w, "public");
    st->environment = fix_str(w, "production");
    st->flags = BF_SNAP_SITE_PRETTY_URLS | BF_SNAP_SITE_OUT_SITEMAP | BF_SNAP_SITE_FUTURE;
    st->toc_min = 2;
    st->toc_max = 4;
    st->per_page = 10;
    st->home_page = 0;
    st->root_section = 0;
    f->config = st->config = bf_snapw_value(w, fix_config(a));
    bf_value_t *params = bf_value_new(a, BF_VAL_MAP);
    fix_put(a, params, "logo", fix_s(a, "logo.svg"));
    st->params = bf_snapw_value(w, params);
    st->data = BF_SNAP_NONE;
    st->pages = FIX_IDS(w, 3, 5, 4);
    st->by_path = FIX_IDS(w, 0, 1, 2, 4, 3, 5, 6, 8, 7);
    st->by_ref_id = FIX_IDS(w, 4, 5);
    st->level_waves[0] = 0;
    st->level_waves[1] = 2;
    st->level_waves[2] = 3;
    st->level_waves[3] = 4;
    st->build_time = 1700000000;

    bf_snapw_add(w, BF_SNAP_T_SITE, st);
    for (int i = 0; i < FIX_PAGES; i++)
        bf_snapw_add(w, BF_SNAP_T_PAGES, &p[i]);
    for (int i = 0; i < FIX_SECTIONS; i++)
        bf_snapw_add(w, BF_SNAP_T_SECTIONS, &sc[i]);
    bf_snapw_add(w, BF_SNAP_T_TAXONOMIES, &f->tax);
    for (int i = 0; i < FIX_TERMS; i++)
        bf_snapw_add(w, BF_SNAP_T_TERMS, &f->terms[i]);
    for (int i = 0; i < 2; i++)
        bf_snapw_add(w, BF_SNAP_T_MENUS, &f->menus[i]);
    for (int i = 0; i < FIX_ITEMS; i++)
        bf_snapw_add(w, BF_SNAP_T_MENU_ITEMS, &it[i]);
    for (int i = 0; i < FIX_WAVES; i++)
        bf_snapw_add(w, BF_SNAP_T_WAVES, &wv[i]);
    for (int i = 0; i < FIX_FRAGMENTS; i++)
        bf_snapw_add(w, BF_SNAP_T_FRAGMENTS, &f->fragments[i]);
    bf_arena_destroy(a);
    return w;
}

/* The smallest valid snapshot: site, home page, root section, one wave,
 * an empty config map. */
static inline bf_snapw_t *fix_minimal(void)
{
    bf_snapw_t *w = bf_snapw_new();
    bf_arena_t *a = bf_arena_create(0);
    if (!w || !a)
        abort();
    bf_snap_page_t home = fix_page(w, BF_SNAP_HOME, "", "/", "index.html", "Home");
    home.section = 0;
    home.wave = 0;
    bf_snap_section_t root = {0, BF_SNAP_NONE, 0, 0, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}};
    bf_snap_wave_t wave = {1, BF_SNAP_NONE, fix_str(w, "home.html"), FIX_IDS(w, 0)};
    bf_snap_site_t st;
    memset(&st, 0, sizeof st);
    st.title = fix_str(w, "Min");
    st.toc_min = st.toc_max = 2;
    st.per_page = 1;
    st.config = bf_snapw_value(w, bf_value_new(a, BF_VAL_MAP));
    st.params = st.data = BF_SNAP_NONE;
    st.by_path = FIX_IDS(w, 0);
    st.level_waves[2] = st.level_waves[3] = 1;
    bf_snapw_add(w, BF_SNAP_T_SITE, &st);
    bf_snapw_add(w, BF_SNAP_T_PAGES, &home);
    bf_snapw_add(w, BF_SNAP_T_SECTIONS, &root);
    bf_snapw_add(w, BF_SNAP_T_WAVES, &wave);
    bf_arena_destroy(a);
    return w;
}

/* The file image of a fixture (full or minimal); aborts on failure. */
static inline void fix_image(bf_buf_t *out, int full)
{
    fix_t f;
    bf_snapw_t *w = full ? fix_full(&f) : fix_minimal();
    if (bf_snapw_finish_mem(w, out) < 0)
        abort();
    bf_snapw_free(w);
}

/* Recomputes the header checksum of an image after a test changed it. */
static inline void fix_rehash(void *img, size_t len)
{
    bf_snap_header_t *h = img;
    h->body_checksum = bf_hash64((char *)img + sizeof *h, len - sizeof *h);
}

#endif
