/*
 * tests/snapshot-format/roundtrip_test.c - writer -> file -> reader.
 *
 * The fixture (snapfix.h) covers every table and field kind; these tests
 * write it to a real file, map it back with bf_snap_open and compare every
 * record byte for byte and every string, body, list and value by content.
 * Also: interning, determinism, the writer's sticky errors, the layout
 * numbers FORMAT.md documents, and a larger snapshot whose strings and id
 * lists cross the reader's fast paths (long strings, ranks over 64 ids).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/ctx.h"
#include "shared/fs.h"
#include "snapshot-format/reader.h"
#include "snapshot-format/writer.h"
#include "tests/snapshot-format/snapfix.h"

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/bf-snap-rt-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
    bf_fs_remove_tree(tmpdir);
}

static char *tmp_path(const char *name)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static void assert_str(const bf_snap_t *s, bf_snap_str_t r, const char *want)
{
    cr_assert_eq(r.len, strlen(want), "length of \"%s\"", want);
    cr_assert_str_eq(bf_snap_str(s, r), want);
}

static void assert_ids(const bf_snap_t *s, bf_snap_range_t r, const uint32_t *want, uint32_t n)
{
    cr_assert_eq(r.count, n);
    for (uint32_t k = 0; k < n; k++)
        cr_assert_eq(bf_snap_ids(s, r)[k], want[k], "id %u", k);
}

static bf_snap_t *open_full(fix_t *f)
{
    bf_snapw_t *w = fix_full(f);
    cr_assert_eq(bf_snapw_finish(w, tmp_path("snapshot.bfs")), 0);
    bf_snapw_free(w);
    bf_snap_t *s = NULL;
    cr_assert_eq(bf_snap_open(tmp_path("snapshot.bfs"), &s), 0);
    cr_assert_not_null(s);
    return s;
}

TestSuite(roundtrip, .init = setup, .fini = teardown);

Test(roundtrip, every_record_equal)
{
    fix_t f;
    bf_snap_t *s = open_full(&f);
    const bf_snap_header_t *h = bf_snap_header(s);
    cr_assert_eq(memcmp(h->magic, BF_SNAP_MAGIC, 8), 0);
    cr_assert_eq(h->version, BF_SNAP_VERSION);
    cr_assert_eq(h->header_size, 432);
    cr_assert_eq(h->table_count, BF_SNAP_T_COUNT);

    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_SITE), 1);
    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_PAGES), FIX_PAGES);
    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_SECTIONS), FIX_SECTIONS);
    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_TAXONOMIES), 1);
    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_TERMS), FIX_TERMS);
    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_MENUS), 2);
    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_MENU_ITEMS), FIX_ITEMS);
    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_WAVES), FIX_WAVES);

    cr_assert_eq(memcmp(bf_snap_site(s), &f.site, sizeof f.site), 0);
    for (uint32_t i = 0; i < FIX_PAGES; i++)
        cr_assert_eq(memcmp(bf_snap_page(s, i), &f.pages[i], sizeof f.pages[i]), 0, "page %u", i);
    for (uint32_t i = 0; i < FIX_SECTIONS; i++)
        cr_assert_eq(memcmp(bf_snap_section(s, i), &f.sections[i], sizeof f.sections[i]), 0);
    cr_assert_eq(memcmp(bf_snap_taxonomy(s, 0), &f.tax, sizeof f.tax), 0);
    for (uint32_t i = 0; i < FIX_TERMS; i++)
        cr_assert_eq(memcmp(bf_snap_term(s, i), &f.terms[i], sizeof f.terms[i]), 0);
    for (uint32_t i = 0; i < 2; i++)
        cr_assert_eq(memcmp(bf_snap_menu(s, i), &f.menus[i], sizeof f.menus[i]), 0);
    for (uint32_t i = 0; i < FIX_ITEMS; i++)
        cr_assert_eq(memcmp(bf_snap_menu_item(s, i), &f.items[i], sizeof f.items[i]), 0);
    for (uint32_t i = 0; i < FIX_WAVES; i++)
        cr_assert_eq(memcmp(bf_snap_wave(s, i), &f.waves[i], sizeof f.waves[i]), 0);
    cr_assert_eq(bf_snap_count(s, BF_SNAP_T_FRAGMENTS), FIX_FRAGMENTS);
    for (uint32_t i = 0; i < FIX_FRAGMENTS; i++)
        cr_assert_eq(memcmp(bf_snap_fragment(s, i), &f.fragments[i], sizeof f.fragments[i]), 0);
    bf_snap_close(s);
}

Test(roundtrip, strings_bodies_lists)
{
    fix_t f;
    bf_snap_t *s = open_full(&f);
    const bf_snap_site_t *st = bf_snap_site(s);
    assert_str(s, st->title, "Fixture \"site\"");
    assert_str(s, st->baseurl, "https://example.org/base");
    assert_str(s, st->language, "en");
    assert_str(s, st->output_dir, "public");
    cr_assert_eq(st->flags, BF_SNAP_SITE_PRETTY_URLS | BF_SNAP_SITE_OUT_SITEMAP |
                                BF_SNAP_SITE_FUTURE);
    cr_assert_eq(st->toc_min, 2);
    cr_assert_eq(st->toc_max, 4);
    cr_assert_eq(st->build_time, 1700000000);
    assert_ids(s, st->by_path, (uint32_t[]){0, 1, 2, 4, 3, 5, 6, 8, 7}, 9);

    const bf_snap_page_t *p3 = bf_snap_page(s, 3);
    cr_assert_eq(p3->kind, BF_SNAP_PAGE);
    assert_str(s, p3->title, "Intro");
    assert_str(s, p3->nav_title, "Intro (nav)");
    assert_str(s, p3->description, "An <intro> & \"quotes\"");
    assert_str(s, p3->summary, "Line one\nline two\ttabbed");
    assert_str(s, p3->path, "docs/intro");
    assert_str(s, p3->source, "content/docs/intro.md");
    assert_str(s, p3->url, "/docs/intro/");
    assert_str(s, p3->output, "docs/intro/index.html");
    assert_str(s, p3->template, "page.html");
    assert_str(s, p3->type, "docs");
    assert_str(s, p3->ref_id, "");
    cr_assert_eq(p3->date, 1704441600);
    cr_assert_eq(p3->date_tz, 120);
    cr_assert_eq(p3->lastmod_tz, -330);
    cr_assert_eq(p3->weight, -7);
    cr_assert_eq(p3->content_hash, UINT64_C(0xfedcba9876543210));
    cr_assert_eq(p3->body_len, 15);
    cr_assert_eq(memcmp(bf_snap_body(s, p3), "Hello *world*.\n", 15), 0);
    assert_ids(s, p3->ancestors, (uint32_t[]){0, 1}, 2);
    assert_ids(s, p3->terms, (uint32_t[]){1, 0}, 2);
    cr_assert_eq(p3->aliases.count, 2);
    assert_str(s, bf_snap_strs(s, p3->aliases)[0], "/old/intro/");
    assert_str(s, bf_snap_strs(s, p3->aliases)[1], "/older/intro.html");

    const bf_snap_page_t *p4 = bf_snap_page(s, 4);
    cr_assert_eq(p4->body_len, FIX_NUL_BODY_LEN);
    cr_assert_eq(memcmp(bf_snap_body(s, p4), fix_nul_body, FIX_NUL_BODY_LEN), 0);
    cr_assert_eq(p4->resources.count, 2);
    assert_str(s, bf_snap_strs(s, p4->resources)[1], "content/docs/guide/setup/data file.csv");
    assert_ids(s, p4->ancestors, (uint32_t[]){0, 1, 2}, 3);

    const bf_snap_page_t *p5 = bf_snap_page(s, 5);
    assert_str(s, p5->title, "Ünïcödé 日本語 🐍");
    assert_str(s, p5->path, "docs/ünïcode");
    cr_assert_eq(memcmp(bf_snap_body(s, p5), "Ünïcode body ✓\n:::{include}", 31), 0);
    const bf_snap_include_t *inc = bf_snap_includes(s, p5->includes);
    cr_assert_eq(p5->includes.count, 1);
    cr_assert_eq(inc[0].off, 19);
    cr_assert_eq(inc[0].off + inc[0].len, p5->body_len);
    const bf_snap_fragment_t *fa = bf_snap_fragment(s, inc[0].fragment);
    assert_str(s, fa->source, "content/_snippets/a.md");
    cr_assert_eq(memcmp(bf_snap_fragment_body(s, fa), "A snippet\n", 10), 0);
    cr_assert_eq(bf_snap_includes(s, fa->includes)[0].fragment, 1);
    cr_assert_eq(p5->ancestors.off, p3->ancestors.off); /* the shared range */

    const bf_snap_page_t *p7 = bf_snap_page(s, 7);
    cr_assert_eq(p7->kind, BF_SNAP_TERM);
    cr_assert_eq(p7->section, BF_SNAP_NONE);
    assert_str(s, bf_snap_term(s, p7->term)->slug, "go");
    assert_str(s, bf_snap_taxonomy(s, 0)->name, "tags");
    assert_ids(s, bf_snap_taxonomy(s, 0)->terms, (uint32_t[]){1, 0}, 2);

    const bf_snap_section_t *sec1 = bf_snap_section(s, 1);
    assert_str(s, sec1->path, "docs");
    assert_ids(s, sec1->pages, (uint32_t[]){3, 5, 2}, 3);
    assert_ids(s, sec1->regular_pages, (uint32_t[]){3, 5}, 2);
    assert_ids(s, sec1->subsections, (uint32_t[]){2}, 1);

    const bf_snap_menu_item_t *docs = bf_snap_menu_item(s, 0);
    assert_str(s, docs->identifier, "docs");
    assert_ids(s, docs->children, (uint32_t[]){1}, 1);
    cr_assert_eq(bf_snap_menu_item(s, 1)->parent, 0);
    assert_str(s, bf_snap_menu(s, 1)->name, "footer");

    const bf_snap_wave_t *w2 = bf_snap_wave(s, 2);
    cr_assert_eq(w2->level, 1);
    assert_ids(s, w2->pages, (uint32_t[]){0, 1, 2, 6, 7, 8}, 6);
    assert_str(s, bf_snap_wave(s, 3)->template, "sitemap.xml");
    bf_snap_close(s);
}

static const bf_snap_value_t *get(const bf_snap_t *s, uint32_t map, const char *key)
{
    uint32_t i = bf_snap_value_get(s, map, key);
    cr_assert_neq(i, BF_SNAP_NONE, "key %s", key);
    cr_assert_gt(i, map, "child after its parent");
    return bf_snap_value(s, i);
}

static void assert_vstr(const bf_snap_t *s, const bf_snap_value_t *v, const char *want)
{
    cr_assert_eq(v->kind, BF_SNAP_V_STRING);
    assert_str(s, (bf_snap_str_t){(uint32_t)v->v, v->n}, want);
}

Test(roundtrip, values)
{
    fix_t f;
    bf_snap_t *s = open_full(&f);
    uint32_t cfg = bf_snap_site(s)->config;
    cr_assert_eq(cfg, f.config);
    cr_assert_eq(bf_snap_value(s, cfg)->kind, BF_SNAP_V_MAP);
    cr_assert_eq(bf_snap_value(s, cfg)->n, 12);

    assert_vstr(s, get(s, cfg, "title"), "Fixture \"site\"");
    const bf_snap_value_t *v = get(s, cfg, "answer");
    cr_assert_eq(v->kind, BF_SNAP_V_INT);
    cr_assert_eq((int64_t)v->v, -42);
    v = get(s, cfg, "pi");
    double d;
    memcpy(&d, &v->v, sizeof d);
    cr_assert_eq(v->kind, BF_SNAP_V_FLOAT);
    cr_assert_eq(d, 3.25);
    v = get(s, cfg, "inf");
    memcpy(&d, &v->v, sizeof d);
    cr_assert(isinf(d) && d > 0);
    v = get(s, cfg, "on");
    cr_assert_eq(v->kind, BF_SNAP_V_BOOL);
    cr_assert_eq(v->v, 1);
    cr_assert_eq(get(s, cfg, "nothing")->kind, BF_SNAP_V_NULL);
    assert_vstr(s, get(s, cfg, "ключ"), "значение ✓");
    assert_vstr(s, get(s, cfg, "tab\tkey"), "ctl\x01\x1f end\n");
    assert_vstr(s, get(s, cfg, ""), "");
    cr_assert_eq(get(s, cfg, "empty")->kind, BF_SNAP_V_MAP);
    cr_assert_eq(get(s, cfg, "empty")->n, 0);

    /* list: [1, "two", [0.5], {k: v}] - children contiguous, after it */
    uint32_t li = bf_snap_value_get(s, cfg, "list");
    const bf_snap_value_t *l = bf_snap_value(s, li);
    cr_assert_eq(l->kind, BF_SNAP_V_LIST);
    cr_assert_eq(l->n, 4);
    cr_assert_gt(l->v, li);
    const bf_snap_value_t *c = bf_snap_value(s, (uint32_t)l->v);
    cr_assert_eq(c[0].kind, BF_SNAP_V_INT);
    cr_assert_eq(c[0].key.len, 0);
    assert_vstr(s, &c[1], "two");
    cr_assert_eq(c[2].kind, BF_SNAP_V_LIST);
    cr_assert_eq(c[2].n, 1);
    cr_assert_eq(c[3].kind, BF_SNAP_V_MAP);
    assert_vstr(s, get(s, (uint32_t)l->v + 3, "k"), "v");
    cr_assert_eq(bf_snap_value_get(s, li, "k"), BF_SNAP_NONE, "not a map");

    uint32_t nested = bf_snap_value_get(s, cfg, "nested");
    uint32_t b = bf_snap_value_get(s, nested, "b");
    const bf_snap_value_t *cl = get(s, b, "c");
    cr_assert_eq(cl->kind, BF_SNAP_V_LIST);
    cr_assert_eq(cl->n, 0);

    cr_assert_eq(bf_snap_value_get(s, cfg, "missing"), BF_SNAP_NONE);
    cr_assert_eq(bf_snap_value_get(s, cfg, "titl"), BF_SNAP_NONE);
    cr_assert_eq(bf_snap_value_get(s, BF_SNAP_NONE, "x"), BF_SNAP_NONE);

    uint32_t pp = bf_snap_page(s, 3)->params;
    cr_assert_eq(pp, f.page3_params);
    cr_assert_eq(get(s, pp, "toc")->v, 0);
    cr_assert_eq(get(s, pp, "tags")->n, 2);
    assert_vstr(s, get(s, pp, "author"), "Ada");
    assert_vstr(s, get(s, bf_snap_site(s)->params, "logo"), "logo.svg");
    cr_assert_eq(bf_snap_site(s)->data, BF_SNAP_NONE);
    bf_snap_close(s);
}

Test(roundtrip, lookups)
{
    fix_t f;
    bf_snap_t *s = open_full(&f);
    cr_assert_eq(bf_snap_find_path(s, "", 0), 0);
    cr_assert_eq(bf_snap_find_path(s, "docs", 4), 1);
    cr_assert_eq(bf_snap_find_path(s, "docs/intro", 10), 3);
    cr_assert_eq(bf_snap_find_path(s, "docs/guide/setup", 16), 4);
    cr_assert_eq(bf_snap_find_path(s, "docs/ünïcode", strlen("docs/ünïcode")), 5);
    cr_assert_eq(bf_snap_find_path(s, "tags/c", 6), 8);
    cr_assert_eq(bf_snap_find_path(s, "tags/go", 7), 7);
    cr_assert_eq(bf_snap_find_path(s, "docs/intro", 9), BF_SNAP_NONE, "prefix only");
    cr_assert_eq(bf_snap_find_path(s, "docs/introx", 11), BF_SNAP_NONE);
    cr_assert_eq(bf_snap_find_path(s, "zzz", 3), BF_SNAP_NONE);
    cr_assert_eq(bf_snap_find_ref_id(s, "setup", 5), 4);
    cr_assert_eq(bf_snap_find_ref_id(s, "uni", 3), 5);
    cr_assert_eq(bf_snap_find_ref_id(s, "", 0), BF_SNAP_NONE);
    cr_assert_eq(bf_snap_find_ref_id(s, "intro", 5), BF_SNAP_NONE);
    bf_snap_close(s);
}

Test(roundtrip, interning_and_determinism)
{
    bf_snapw_t *w = bf_snapw_new();
    bf_snap_str_t a = bf_snapw_cstr(w, "hello");
    bf_snap_str_t b = bf_snapw_str(w, "hello world", 5);
    bf_snap_str_t c = bf_snapw_cstr(w, "world");
    cr_assert_eq(a.off, 1, "the pool starts with one NUL");
    cr_assert_eq(a.len, 5);
    cr_assert_eq(b.off, a.off);
    cr_assert_neq(c.off, a.off);
    cr_assert_eq(bf_snapw_cstr(w, "").off, 0);
    cr_assert_eq(bf_snapw_cstr(w, NULL).len, 0);
    /* Enough strings to grow the intern table several times. */
    char buf[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "s%d", i);
        bf_snapw_cstr(w, buf);
    }
    uint32_t pool = bf_snapw_count(w, BF_SNAP_T_STRINGS);
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "s%d", i);
        bf_snapw_cstr(w, buf);
    }
    cr_assert_eq(bf_snapw_count(w, BF_SNAP_T_STRINGS), pool, "no string added twice");
    bf_snapw_free(w);

    bf_buf_t x = BF_BUF_INIT, y = BF_BUF_INIT;
    fix_image(&x, 1);
    fix_image(&y, 1);
    cr_assert_eq(x.len, y.len);
    cr_assert_eq(memcmp(x.data, y.data, x.len), 0, "same input, same bytes");
    cr_assert_eq(x.len % 8, 0);
    bf_buf_free(&x);
    bf_buf_free(&y);
}

/* The numbers FORMAT.md documents. */
Test(roundtrip, layout_matches_format_md)
{
    cr_assert_eq(sizeof(bf_snap_header_t), 432);
    cr_assert_eq(offsetof(bf_snap_header_t, version), 8);
    cr_assert_eq(offsetof(bf_snap_header_t, file_size), 24);
    cr_assert_eq(offsetof(bf_snap_header_t, body_checksum), 32);
    cr_assert_eq(offsetof(bf_snap_header_t, tables), 48);
    cr_assert_eq(offsetof(bf_snap_table_t, count), 16);
    cr_assert_eq(offsetof(bf_snap_value_t, key), 8);
    cr_assert_eq(offsetof(bf_snap_value_t, v), 16);
    cr_assert_eq(offsetof(bf_snap_site_t, flags), 32);
    cr_assert_eq(offsetof(bf_snap_site_t, config), 52);
    cr_assert_eq(offsetof(bf_snap_site_t, level_waves), 88);
    cr_assert_eq(offsetof(bf_snap_site_t, build_time), 104);
    cr_assert_eq(offsetof(bf_snap_page_t, title), 36);
    cr_assert_eq(offsetof(bf_snap_page_t, output), 92);
    cr_assert_eq(offsetof(bf_snap_page_t, ref_id), 116);
    cr_assert_eq(offsetof(bf_snap_page_t, pad1), 124);
    cr_assert_eq(offsetof(bf_snap_page_t, date), 128);
    cr_assert_eq(offsetof(bf_snap_page_t, body_off), 152);
    cr_assert_eq(offsetof(bf_snap_page_t, ancestors), 168);
    cr_assert_eq(offsetof(bf_snap_page_t, params), 200);
    cr_assert_eq(offsetof(bf_snap_page_t, includes), 208);
    cr_assert_eq(offsetof(bf_snap_page_t, includes_hash), 216);
    cr_assert_eq(offsetof(bf_snap_include_t, fragment), 8);
    cr_assert_eq(offsetof(bf_snap_fragment_t, body_off), 8);
    cr_assert_eq(offsetof(bf_snap_fragment_t, body_line), 20);
    cr_assert_eq(offsetof(bf_snap_fragment_t, includes), 24);
    cr_assert_eq(offsetof(bf_snap_section_t, name), 16);
    cr_assert_eq(offsetof(bf_snap_section_t, subsections), 48);
    cr_assert_eq(offsetof(bf_snap_taxonomy_t, terms), 16);
    cr_assert_eq(offsetof(bf_snap_term_t, pages), 24);
    cr_assert_eq(offsetof(bf_snap_menu_item_t, menu), 24);
    cr_assert_eq(offsetof(bf_snap_menu_item_t, children), 40);
    cr_assert_eq(offsetof(bf_snap_wave_t, pages), 16);

    /* Tables follow the header in enum order at 8-aligned offsets. */
    bf_buf_t x = BF_BUF_INIT;
    fix_image(&x, 1);
    const bf_snap_header_t *h = (const bf_snap_header_t *)x.data;
    cr_assert_eq(h->tables[BF_SNAP_T_BODIES].offset, 432, "BODIES first (version 4)");
    for (int t = 1; t < BF_SNAP_T_COUNT; t++) {
        uint64_t end = h->tables[t - 1].offset + h->tables[t - 1].size;
        cr_assert_eq(h->tables[t].offset, (end + 7) & ~(uint64_t)7, "table %d", t);
    }
    cr_assert_eq(h->tables[BF_SNAP_T_PAGES].elem_size, 224);
    cr_assert_eq(h->tables[BF_SNAP_T_INCLUDES].elem_size, 12);
    cr_assert_eq(h->tables[BF_SNAP_T_FRAGMENTS].elem_size, 32);
    cr_assert_eq(h->file_size, x.len);
    bf_buf_free(&x);
}

static bf_value_t *nest(bf_arena_t *a, int depth)
{
    bf_value_t *root = bf_value_new(a, BF_VAL_LIST), *cur = root;
    for (int i = 1; i < depth; i++) {
        bf_value_t *n = bf_value_new(a, BF_VAL_LIST);
        bf_value_list_push(a, cur, n);
        cur = n;
    }
    bf_value_list_push(a, cur, bf_value_new(a, BF_VAL_NULL));
    return root;
}

Test(roundtrip, writer_errors_are_sticky)
{
    bf_buf_t out = BF_BUF_INIT;
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 2);

    bf_snapw_t *w = bf_snapw_new();
    cr_assert_eq(bf_snapw_finish_mem(w, &out), -1, "no site record");
    bf_snapw_free(w);

    fix_t f;
    w = fix_full(&f);
    bf_snap_str_t s = bf_snapw_str(w, "a\0b", 3);
    cr_assert_eq(s.off, 0);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(bf_snapw_add(w, BF_SNAP_T_PAGES, &f.pages[0]), 0, "no-op once failed");
    cr_assert_eq(bf_snapw_finish_mem(w, &out), -1, "NUL inside a string");
    bf_snapw_free(w);

    w = fix_full(&f);
    bf_snapw_add(w, BF_SNAP_T_SITE, &f.site);
    cr_assert_eq(bf_snapw_finish_mem(w, &out), -1, "two site records");
    bf_snapw_free(w);

    bf_arena_t *a = bf_arena_create(0);
    w = fix_full(&f);
    cr_assert_eq(bf_snapw_value(w, nest(a, BF_SNAP_MAX_DEPTH)), 0);
    cr_assert_eq(bf_snapw_finish_mem(w, &out), -1, "too deep");
    bf_snapw_free(w);

    /* The deepest tree that is allowed round-trips. */
    w = fix_full(&f);
    uint32_t root = bf_snapw_value(w, nest(a, BF_SNAP_MAX_DEPTH - 1));
    cr_assert_neq(root, 0);
    cr_assert_eq(bf_snapw_finish_mem(w, &out), 0);
    bf_snapw_free(w);
    bf_snap_t *snap;
    cr_assert_eq(bf_snap_from_mem(out.data, out.len, "deep", &snap), 0);
    uint32_t i = root;
    for (int d = 0; d < BF_SNAP_MAX_DEPTH - 1; d++) {
        cr_assert_eq(bf_snap_value(snap, i)->kind, BF_SNAP_V_LIST);
        i = (uint32_t)bf_snap_value(snap, i)->v;
    }
    cr_assert_eq(bf_snap_value(snap, i)->kind, BF_SNAP_V_NULL);
    bf_snap_close(snap);

    w = fix_minimal();
    cr_assert_eq(bf_snapw_finish(w, "/nonexistent-dir/x.bfs"), -1);
    bf_snapw_free(w);
    dup2(saved, 2);
    bf_arena_destroy(a);
    bf_buf_free(&out);
}

Test(roundtrip, open_errors)
{
    bf_snap_t *s = (bf_snap_t *)1;
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    cr_assert_eq(bf_snap_open(tmp_path("missing.bfs"), &s), -1);
    cr_assert_null(s);
    FILE *fp = fopen(tmp_path("empty.bfs"), "w");
    fclose(fp);
    cr_assert_eq(bf_snap_open(tmp_path("empty.bfs"), &s), -1);
    cr_assert_eq(bf_snap_open(tmpdir, &s), -1, "a directory");
    dup2(saved, 2);
    bf_snap_close(NULL);
}

/* 3000 pages with long titles, one shared ancestors range and lists longer
 * than 64 ids: the reader's binary-searched NUL check and ranked id checks
 * see real work, and every page is found by path. */
/* Page i of a generated site: the home page, then "p/NNNNN", with its
 * output; no title, no body. */
static bf_snap_page_t numbered_page(bf_snapw_t *w, uint32_t i, bf_snap_range_t anc)
{
    char path[64], out[96];
    bf_snap_page_t p;
    memset(&p, 0, sizeof p);
    p.kind = i == 0 ? BF_SNAP_HOME : BF_SNAP_PAGE;
    p.term = p.prev = p.next = p.params = BF_SNAP_NONE;
    snprintf(path, sizeof path, i ? "p/%05u" : "", i);
    snprintf(out, sizeof out, i ? "p/%05u/index.html" : "index.html", i);
    p.path = bf_snapw_cstr(w, path);
    p.output = bf_snapw_cstr(w, out);
    p.ancestors = anc;
    return p;
}

/* After n pages 0..n-1 (ids all), the rest of a valid snapshot: the
 * root section holding them all, one wave, the site record. */
static void one_section_site(bf_snapw_t *w, bf_arena_t *a, const uint32_t *all, uint32_t n)
{
    bf_snap_range_t r = bf_snapw_ids(w, all, n);
    bf_snap_section_t root = {0, BF_SNAP_NONE, 0, 0, {0, 0}, {0, 0}, r, r, {0, 0}};
    bf_snapw_add(w, BF_SNAP_T_SECTIONS, &root);
    bf_snap_wave_t wave = {0, 0, bf_snapw_cstr(w, "page.html"), r};
    bf_snapw_add(w, BF_SNAP_T_WAVES, &wave);
    bf_snap_site_t st;
    memset(&st, 0, sizeof st);
    st.toc_min = 1, st.toc_max = 6, st.per_page = 10;
    st.config = bf_snapw_value(w, bf_value_new(a, BF_VAL_MAP));
    st.params = st.data = BF_SNAP_NONE;
    st.pages = st.by_path = r;
    st.level_waves[1] = st.level_waves[2] = st.level_waves[3] = 1;
    bf_snapw_add(w, BF_SNAP_T_SITE, &st);
}

Test(roundtrip, large)
{
    enum { N = 3000 };
    bf_snapw_t *w = bf_snapw_new();
    bf_arena_t *a = bf_arena_create(0);
    static uint32_t all[N];
    char path[64], title[256];
    bf_snap_range_t anc = bf_snapw_ids(w, (uint32_t[]){0}, 1);
    for (uint32_t i = 0; i < N; i++) {
        bf_snap_page_t p = numbered_page(w, i, anc);
        memset(title, 'x', 200);
        snprintf(title + 200, 56, " %u", i);
        p.title = bf_snapw_cstr(w, title);
        bf_snapw_add(w, BF_SNAP_T_PAGES, &p);
        all[i] = i;
    }
    one_section_site(w, a, all, N);
    cr_assert_eq(bf_snapw_finish(w, tmp_path("large.bfs")), 0);
    bf_snapw_free(w);
    bf_arena_destroy(a);

    bf_snap_t *s;
    cr_assert_eq(bf_snap_open(tmp_path("large.bfs"), &s), 0);
    for (uint32_t i = 0; i < N; i++) {
        snprintf(path, sizeof path, i ? "p/%05u" : "", i);
        cr_assert_eq(bf_snap_find_path(s, path, strlen(path)), i);
        cr_assert_eq(bf_snap_page(s, i)->title.len, 201 + snprintf(NULL, 0, "%u", i),
                     "page %u", i);
    }
    bf_snap_close(s);
}

/* A site of N pages whose bodies are 0 to ~40 KB, one of 3 MiB (more than
 * the spill's chunk at once), ~4 MB in all; spilled to an unnamed file in
 * dirfd unless it is -1. */
enum { SPILL_N = 200, SPILL_BIG = 3 << 20 };

static char *spill_body(uint32_t i, size_t *len)
{
    *len = i == 7 ? SPILL_BIG : (size_t)i * 997 % 40000;
    char *b = malloc(*len + 1);
    cr_assert_not_null(b);
    for (size_t k = 0; k < *len; k++)
        b[k] = (char)('a' + (k * 31 + i) % 26);
    return b;
}

static bf_snapw_t *spill_site(int dirfd)
{
    bf_snapw_t *w = bf_snapw_new();
    bf_arena_t *a = bf_arena_create(0);
    static uint32_t all[SPILL_N];
    if (dirfd >= 0)
        cr_assert_eq(bf_snapw_spill(w, dirfd), 0, "O_TMPFILE in %s: %s", tmpdir, strerror(errno));
    bf_snap_range_t anc = bf_snapw_ids(w, (uint32_t[]){0}, 1);
    for (uint32_t i = 0; i < SPILL_N; i++) {
        bf_snap_page_t p = numbered_page(w, i, anc);
        size_t len;
        char *body = spill_body(i, &len);
        p.body_off = bf_snapw_body(w, body, len);
        p.body_len = (uint32_t)len;
        free(body);
        bf_snapw_add(w, BF_SNAP_T_PAGES, &p);
        all[i] = i;
    }
    one_section_site(w, a, all, SPILL_N);
    bf_arena_destroy(a);
    return w;
}

/* Bodies spilled to a file while the site is read (bf_snapw_spill) give
 * the same file, byte for byte, through both finishers, and it reads back
 * (the checksum then computed from the file, not the mapping). */
Test(roundtrip, spilled_bodies_same_bytes)
{
    int dir = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(dir, 0);
    bf_snapw_t *mem = spill_site(-1), *spill = spill_site(dir);
    cr_assert_eq(bf_snapw_spill(spill, dir), -1, "only before the first body");
    cr_assert_eq(bf_snapw_finish(mem, tmp_path("mem.bfs")), 0);
    cr_assert_eq(bf_snapw_finish(spill, tmp_path("spill.bfs")), 0);
    bf_buf_t a = BF_BUF_INIT, b = BF_BUF_INIT, m = BF_BUF_INIT;
    cr_assert_eq(bf_snapw_finish_mem(spill, &m), 0);
    bf_snapw_free(mem);
    bf_snapw_free(spill);
    cr_assert_eq(bf_fs_read_file(tmp_path("mem.bfs"), 0, &a), 0);
    cr_assert_eq(bf_fs_read_file(tmp_path("spill.bfs"), 0, &b), 0);
    cr_assert_gt(a.len, (size_t)SPILL_BIG + 3000000);
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.data, b.data, a.len), 0, "the same bytes, spilled or not");
    cr_assert_eq(m.len, a.len);
    cr_assert_eq(memcmp(a.data, m.data, a.len), 0, "finish_mem of the spilled writer too");
    bf_buf_free(&a);
    bf_buf_free(&b);
    bf_buf_free(&m);

    bf_snap_t *s;
    cr_assert_eq(bf_snap_open(tmp_path("spill.bfs"), &s), 0);
    for (uint32_t i = 0; i < SPILL_N; i++) {
        size_t len;
        char *body = spill_body(i, &len);
        const bf_snap_page_t *p = bf_snap_page(s, i);
        cr_assert_eq(p->body_len, len, "page %u", i);
        cr_assert_eq(memcmp(bf_snap_body(s, p), body, len), 0, "page %u", i);
        free(body);
    }
    bf_snap_close(s);
    /* a byte of a body changed on the disk: bf_snap_open's checksum, read
     * from the file, sees it */
    int fd = open(tmp_path("spill.bfs"), O_WRONLY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(pwrite(fd, "#", 1, 4096 + 100000), 1);
    close(fd);
    cr_assert_eq(bf_snap_open(tmp_path("spill.bfs"), &s), -1);
    close(dir);
}

/* Spilled bodies finished into a directory of another filesystem (the
 * unnamed file cannot be linked there): copied into a new file, the same
 * bytes. */
Test(roundtrip, spilled_bodies_finished_elsewhere)
{
    struct stat a, b;
    char other[] = "/dev/shm/bf-snap-rt-XXXXXX";
    if (stat(tmpdir, &a) < 0 || stat("/dev/shm", &b) < 0 || a.st_dev == b.st_dev ||
        !mkdtemp(other))
        cr_skip_test("no second filesystem at /dev/shm");
    int dir = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(dir, 0);
    bf_snapw_t *mem = spill_site(-1), *spill = spill_site(dir);
    char *there = NULL;
    cr_assert_geq(asprintf(&there, "%s/spill.bfs", other), 0);
    cr_assert_eq(bf_snapw_finish(mem, tmp_path("mem.bfs")), 0);
    cr_assert_eq(bf_snapw_finish(spill, there), 0);
    bf_snapw_free(mem);
    bf_snapw_free(spill);
    bf_buf_t x = BF_BUF_INIT, y = BF_BUF_INIT;
    cr_assert_eq(bf_fs_read_file(tmp_path("mem.bfs"), 0, &x), 0);
    cr_assert_eq(bf_fs_read_file(there, 0, &y), 0);
    cr_assert_eq(x.len, y.len);
    cr_assert_eq(memcmp(x.data, y.data, x.len), 0, "copied, the same bytes");
    bf_buf_free(&x);
    bf_buf_free(&y);
    bf_fs_remove_tree(other);
    free(there);
    close(dir);
}

/*
 * The fuzz seeds in tests/fuzz/corpus/snapshot must stay valid snapshots of
 * the current version.  With BF_SNAP_SEED_DIR set, this (re)writes them:
 *     BF_SNAP_SEED_DIR=tests/fuzz/corpus/snapshot build/tests/snapshot-format/roundtrip_test
 */
Test(roundtrip, fuzz_seeds)
{
    const char *gen = getenv("BF_SNAP_SEED_DIR");
    if (gen) {
        bf_buf_t img = BF_BUF_INIT;
        fix_t f;
        bf_snapw_t *w = fix_minimal();
        cr_assert_eq(bf_snapw_finish_mem(w, &img), 0);
        char p[512];
        snprintf(p, sizeof p, "%s/minimal.bfs", gen);
        cr_assert_eq(bf_fs_write_atomic(p, img.data, img.len, 0), 0, "%s", p);
        bf_snapw_free(w);
        fix_image(&img, 1);
        snprintf(p, sizeof p, "%s/full.bfs", gen);
        cr_assert_eq(bf_fs_write_atomic(p, img.data, img.len, 0), 0);
        w = fix_full(&f);
        bf_snap_site_t *st = bf_snapw_rec(w, BF_SNAP_T_SITE, 0);
        st->data = st->config; /* a second reference to a tree */
        cr_assert_eq(bf_snapw_finish_mem(w, &img), 0);
        snprintf(p, sizeof p, "%s/full-data.bfs", gen);
        cr_assert_eq(bf_fs_write_atomic(p, img.data, img.len, 0), 0);
        bf_snapw_free(w);
        bf_buf_free(&img);
    }

    const char *top = getenv("BF_TOP");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/snapshot", top ? top : ".");
    DIR *d = opendir(dir);
    if (!d)
        return; /* run from elsewhere without BF_TOP: nothing to check */
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        bf_snap_t *s;
        cr_assert_eq(bf_snap_open(p, &s), 0, "seed %s", p);
        bf_snap_close(s);
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 3, "seeds in %s", dir);
}
