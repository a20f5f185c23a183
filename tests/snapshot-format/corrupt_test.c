/*
 * tests/snapshot-format/corrupt_test.c - the reader refuses bad snapshots.
 *
 * Three kinds of damage, on valid images made by the writer:
 *   - truncation at every length: always refused;
 *   - every byte flipped: refused (the checksum or a header check), and,
 *     with the checksum recomputed so that the structural checks must do
 *     the work, either refused or accepted and then safe to walk in full;
 *   - one bad field at a time, checksum recomputed: refused with the
 *     message that names the field (stderr captured into a temp file).
 * Under `make check-debug` ASan proves that no case reads out of bounds.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/ctx.h"
#include "snapshot-format/dump.h"
#include "snapshot-format/reader.h"
#include "snapshot-format/writer.h"
#include "tests/capture.h"
#include "tests/snapshot-format/snapfix.h"

/* ---- stderr capture ------------------------------------------------------ */

static int saved_fd = -1;

static void quiet_begin(void)
{
    bf_ctx.log_level = BF_LOG_QUIET;
    saved_fd = dup(2);
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
    close(fd);
}

static void quiet_end(void)
{
    dup2(saved_fd, 2);
    close(saved_fd);
}

/* ---- images ------------------------------------------------------------- */

static bf_buf_t img = BF_BUF_INIT;

static void full(void)
{
    fix_image(&img, 1);
}

static void fini(void)
{
    bf_buf_free(&img);
}

static void *rec(bf_snap_table_id_t t, uint32_t i)
{
    const bf_snap_header_t *h = (const bf_snap_header_t *)img.data;
    return img.data + h->tables[t].offset + (size_t)i * h->tables[t].elem_size;
}

static bf_snap_header_t *hdr(void)
{
    return (bf_snap_header_t *)img.data;
}

static uint32_t count(bf_snap_table_id_t t)
{
    return hdr()->tables[t].count;
}

static bf_snap_page_t *page(uint32_t i)
{
    return rec(BF_SNAP_T_PAGES, i);
}

/* Reads every field through the accessors and dumps it: with ASan, any
 * validation gap becomes a report. */
static void walk(const bf_snap_t *s)
{
    FILE *null = fopen("/dev/null", "w");
    cr_assert_eq(bf_snap_dump_text(s, null), 0);
    cr_assert_eq(bf_snap_dump_json(s, null), 0);
    fclose(null);
    for (uint32_t i = 0; i < bf_snap_count(s, BF_SNAP_T_PAGES); i++) {
        const bf_snap_page_t *p = bf_snap_page(s, i);
        volatile size_t sum = strlen(bf_snap_str(s, p->title)) + strlen(bf_snap_str(s, p->path));
        const char *b = bf_snap_body(s, p);
        for (uint32_t k = 0; k < p->body_len; k++)
            sum += (unsigned char)b[k];
        bf_snap_find_path(s, bf_snap_str(s, p->path), p->path.len);
        bf_snap_find_ref_id(s, bf_snap_str(s, p->ref_id), p->ref_id.len);
        const bf_snap_include_t *inc = bf_snap_includes(s, p->includes);
        for (uint32_t k = 0; k < p->includes.count; k++) /* what the worker reads */
            sum += (unsigned char)b[inc[k].off + inc[k].len - 1] +
                   bf_snap_fragment(s, inc[k].fragment)->body_len;
    }
    for (uint32_t i = 0; i < bf_snap_count(s, BF_SNAP_T_FRAGMENTS); i++) {
        const bf_snap_fragment_t *f = bf_snap_fragment(s, i);
        const char *b = bf_snap_fragment_body(s, f);
        volatile size_t sum = strlen(bf_snap_str(s, f->source));
        for (uint32_t k = 0; k < f->body_len; k++)
            sum += (unsigned char)b[k];
        const bf_snap_include_t *inc = bf_snap_includes(s, f->includes);
        for (uint32_t k = 0; k < f->includes.count; k++)
            sum += (unsigned char)b[inc[k].off] + bf_snap_fragment(s, inc[k].fragment)->body_len;
        (void)sum;
    }
    bf_snap_value_get(s, bf_snap_site(s)->config, "title");
}

/* Loads the (possibly damaged) image; on success walks it. */
static int load(size_t len)
{
    bf_snap_t *s = NULL;
    int rc = bf_snap_from_mem(img.data, len, "x.bfs", &s);
    if (rc == 0) {
        walk(s);
        bf_snap_close(s);
    } else {
        cr_assert_null(s);
    }
    return rc;
}

/* Recomputes the checksum, loads, expects -1 and a message containing want. */
static void expect_bad(const char *want)
{
    fix_rehash(img.data, img.len);
    cap_start();
    int rc = load(img.len);
    char *err = cap_end();
    cr_assert_eq(rc, -1, "accepted; expected \"%s\"", want);
    cr_assert(strstr(err, want) != NULL, "message \"%s\" lacks \"%s\"", err, want);
    cr_assert(strncmp(err, "x.bfs: error: ", 14) == 0, "prefix of \"%s\"", err);
    cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "one line: \"%s\"", err);
    free(err);
}

TestSuite(corrupt, .init = full, .fini = fini);

Test(corrupt, valid_images_load)
{
    cr_assert_eq(load(img.len), 0);
    fix_image(&img, 0);
    cr_assert_eq(load(img.len), 0);
}

Test(corrupt, truncated_at_every_length)
{
    quiet_begin();
    for (size_t len = 0; len < img.len; len++)
        cr_assert_eq(load(len), -1, "length %zu", len);
    fix_image(&img, 0);
    for (size_t len = 0; len < img.len; len++)
        cr_assert_eq(load(len), -1, "length %zu", len);
    quiet_end();
}

Test(corrupt, every_byte_flipped)
{
    quiet_begin();
    for (size_t i = 0; i < img.len; i++) {
        img.data[i] ^= 0xff;
        cr_assert_eq(load(img.len), -1, "byte %zu", i);
        img.data[i] ^= 0xff;
    }
    quiet_end();
    cr_assert_eq(load(img.len), 0);
}

/* With the checksum patched, only the structural checks stand between a
 * flipped byte and the accessors: accepted images must walk cleanly. */
Test(corrupt, every_byte_flipped_checksum_fixed)
{
    static const unsigned char flips[] = {0xff, 0x01, 0x80};
    int accepted = 0, refused = 0;
    quiet_begin();
    for (size_t i = 0; i < img.len; i++) {
        for (size_t f = 0; f < sizeof flips; f++) {
            img.data[i] ^= flips[f];
            fix_rehash(img.data, img.len);
            if (load(img.len) == 0)
                accepted++;
            else
                refused++;
            img.data[i] ^= flips[f];
        }
    }
    quiet_end();
    /* Flips in titles, weights, hashes... are legal content; flips in ids,
     * offsets and kinds are not.  Both must happen. */
    cr_assert_gt(accepted, 100);
    cr_assert_gt(refused, 1000);
}

Test(corrupt, checksum)
{
    img.data[img.len - 1] ^= 1;
    cap_start();
    int rc = load(img.len);
    char *err = cap_end();
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err, "x.bfs: error: corrupt snapshot: checksum mismatch"), "%s", err);
    free(err);
}

Test(corrupt, header)
{
    hdr()->version = BF_SNAP_VERSION + 1;
    char *want = NULL;
    cr_assert(asprintf(&want, "snapshot format version %u, this bengal-farm reads version %u: "
                       "rebuild it with `bengal-farm snapshot build`",
                       BF_SNAP_VERSION + 1, BF_SNAP_VERSION) > 0);
    expect_bad(want);
    free(want);
    hdr()->version = BF_SNAP_VERSION;
    hdr()->endian = 0x04030201;
    expect_bad("corrupt snapshot: byte order mark is 0x04030201");
    hdr()->endian = BF_SNAP_ENDIAN;
    hdr()->magic[0] = 'X';
    expect_bad("not a bengal-farm snapshot (bad magic)");
    hdr()->magic[0] = 'B';
    hdr()->flags = 4;
    expect_bad("unknown header flags 0x4");
    hdr()->flags = 0;
    hdr()->file_size += 8;
    expect_bad("header says");
    hdr()->file_size -= 8;
    hdr()->table_count = 12;
    expect_bad("table count 12");
    hdr()->table_count = BF_SNAP_T_COUNT;
    hdr()->tables[BF_SNAP_MAX_TABLES - 1].count = 1;
    expect_bad("unused table entry 15");
    hdr()->tables[BF_SNAP_MAX_TABLES - 1].count = 0;
    cr_assert_eq(load(img.len), 0, "restored");
}

Test(corrupt, table_directory)
{
    bf_snap_table_t *t = &hdr()->tables[BF_SNAP_T_IDS];
    t->offset += 4;
    expect_bad("table IDS: offset");
    t->offset -= 4;
    t->elem_size = 8;
    expect_bad("table IDS: element size 8, expected 4");
    t->elem_size = 4;
    t->count += 8;
    expect_bad("table IDS: size");
    t->size += 32;
    expect_bad("table STRREFS overlaps the one before it");
    t->count -= 8;
    t->size -= 32;
    hdr()->tables[BF_SNAP_T_WAVES].size = UINT64_MAX - 7;
    expect_bad("table WAVES: size");
    hdr()->tables[BF_SNAP_T_WAVES].size = 0;
    hdr()->tables[BF_SNAP_T_WAVES].count = 0;
    hdr()->tables[BF_SNAP_T_WAVES].offset = UINT64_MAX - 7;
    expect_bad("table WAVES: [18446744073709551608, +0) is past the end of the file");
}

Test(corrupt, strings)
{
    uint32_t pool = count(BF_SNAP_T_STRINGS);
    bf_snap_page_t *p = page(3);
    bf_snap_str_t good = p->title;
    p->title.off = pool + 10;
    expect_bad("corrupt snapshot: page 3: title out of bounds");
    p->title.off = pool - 1;
    p->title.len = 1;
    expect_bad("page 3: title out of bounds");
    p->title = good;
    p->title.len -= 1;
    expect_bad("page 3: title is not NUL-terminated");
    p->title = good;
    p->title.off += 1;
    p->title.len -= 1;
    expect_bad("page 3: title starts inside another string");
    p->title = good;
    /* Cover this string and the next one: ends at a NUL, holds one. */
    const char *base = (const char *)rec(BF_SNAP_T_STRINGS, 0);
    const char *next_end = strchr(base + good.off + good.len + 1, '\0');
    p->title.len = (uint32_t)(next_end - (base + good.off));
    expect_bad("page 3: title contains a NUL byte");
    p->title = good;
    /* A long one takes the binary-search path. */
    const char *far = base + good.off;
    while (far - (base + good.off) < 100)
        far = strchr(far + 1, '\0');
    p->title.len = (uint32_t)(far - (base + good.off));
    expect_bad("page 3: title contains a NUL byte");
    p->title = good;
    ((char *)rec(BF_SNAP_T_STRINGS, good.off))[1] = (char)0xff;
    expect_bad("string pool: invalid UTF-8 at byte");
    ((char *)rec(BF_SNAP_T_STRINGS, good.off))[1] = 'n';
    *(char *)rec(BF_SNAP_T_STRINGS, 0) = 'x';
    expect_bad("string pool: does not start with a NUL byte");
    *(char *)rec(BF_SNAP_T_STRINGS, 0) = 0;
    bf_snap_str_t *ref = rec(BF_SNAP_T_STRREFS, 0);
    ref->len += 1;
    expect_bad("string list entry 0: string is not NUL-terminated");
}

Test(corrupt, ids_and_ranges)
{
    bf_snap_page_t *p = page(3);
    p->section = 99;
    expect_bad("page 3: section: section 99 out of range (3 in the snapshot)");
    p->section = 1;
    p->wave = BF_SNAP_NONE;
    expect_bad("page 3: wave: wave 4294967295 out of range");
    p->wave = 0;
    p->next = 9;
    expect_bad("page 3: next: page 9 out of range");
    p->next = 5;
    p->term = 0;
    expect_bad("page 3: term is set on a page that is not a taxonomy or term");
    p->term = BF_SNAP_NONE;
    page(6)->section = 0;
    expect_bad("page 6: section of a taxonomy page is not NONE");
    page(6)->section = BF_SNAP_NONE;
    page(7)->term = 2;
    expect_bad("page 7: term: term 2 out of range");
    page(7)->term = 0;
    bf_snap_range_t good = p->ancestors;
    p->ancestors.off = count(BF_SNAP_T_IDS) - 1;
    expect_bad("page 3: ancestors out of bounds");
    p->ancestors.off = UINT32_MAX;
    p->ancestors.count = 2;
    expect_bad("page 3: ancestors out of bounds");
    p->ancestors = good;
    uint32_t *id = rec(BF_SNAP_T_IDS, p->terms.off + 1);
    *id = 2;
    expect_bad("page 3: terms: term 2 out of range (2 in the snapshot)");
    *id = 0;
    p->aliases.count = count(BF_SNAP_T_STRREFS) + 1;
    expect_bad("page 3: aliases out of bounds");
    p->aliases.count = 2;
    p->body_len = count(BF_SNAP_T_BODIES) + 1;
    expect_bad("page 3: body out of bounds");
    p->body_len = 15;
    p->params = count(BF_SNAP_T_VALUES);
    expect_bad("page 3: params: value");
    const bf_snap_site_t *st = rec(BF_SNAP_T_SITE, 0);
    p->params = st->config + 1; /* config's first child: a string */
    expect_bad("page 3: params is not a map");
}

Test(corrupt, includes)
{
    bf_snap_page_t *p = page(5);
    bf_snap_include_t *inc = rec(BF_SNAP_T_INCLUDES, p->includes.off);
    bf_snap_fragment_t *f = rec(BF_SNAP_T_FRAGMENTS, 0);
    bf_snap_include_t good = *inc;
    inc->fragment = 2;
    expect_bad("page 5: include: fragment 2 out of range (2 in the snapshot)");
    inc->fragment = 0;
    inc->len = good.len + 1;
    expect_bad("page 5: include 1: its bytes are empty, out of order or outside the body");
    inc->len = 0;
    expect_bad("page 5: include 1: its bytes are empty");
    inc->len = good.len;
    inc->off = UINT32_MAX;
    expect_bad("page 5: include 1: its bytes");
    *inc = good;
    p->includes.count = 2;
    expect_bad("page 5: includes out of bounds");
    p->includes.count = 1;
    bf_snap_fragment_t *f1 = rec(BF_SNAP_T_FRAGMENTS, 1);
    f1->includes = f->includes; /* one directive, two bodies */
    expect_bad("fragment 1: include 0 is listed by two bodies");
    f1->includes = (bf_snap_range_t){0, 0};
    f->body_len = count(BF_SNAP_T_BODIES);
    expect_bad("fragment 0: body out of bounds");
    f->body_len = 32;
    f->source = (bf_snap_str_t){0, 0};
    expect_bad("fragment 0: source \"\" is empty");
}

Test(corrupt, kinds_flags_pads)
{
    bf_snap_page_t *p = page(3);
    p->kind = 7;
    expect_bad("page 3: unknown kind 7");
    p->kind = BF_SNAP_PAGE;
    p->flags |= 0x100;
    expect_bad("page 3: unknown flags 0x100");
    p->flags &= 0xff;
    p->pad1 = 1;
    expect_bad("page 3: padding is not zero");
    p->pad1 = 0;
    p->date_tz = 24 * 60;
    expect_bad("page 3: date zone 1440 minutes out of range");
    p->date_tz = 0;
    p->lastmod = INT64_MIN;
    expect_bad("page 3: lastmod -9223372036854775808 out of range");
    p->lastmod = 0;
    bf_snap_site_t *st = rec(BF_SNAP_T_SITE, 0);
    st->toc_max = 7;
    expect_bad("site: toc depth 2-7 is not within 1-6");
    st->toc_max = 4;
    st->per_page = 0;
    expect_bad("site: per_page is 0");
    st->per_page = 10;
    st->flags |= 1u << 12;
    expect_bad("site: unknown flags 0x1000");
    st->flags &= ~(1u << 12);
    bf_snap_taxonomy_t *tx = rec(BF_SNAP_T_TAXONOMIES, 0);
    tx->pad = 3;
    expect_bad("taxonomy 0: padding is not zero");
    tx->pad = 0;
    fix_rehash(img.data, img.len);
    cr_assert_eq(load(img.len), 0, "restored");
}

Test(corrupt, values)
{
    const bf_snap_site_t *st = rec(BF_SNAP_T_SITE, 0);
    uint32_t cfg = st->config;
    bf_snap_value_t *root = rec(BF_SNAP_T_VALUES, cfg);
    bf_snap_value_t *title = rec(BF_SNAP_T_VALUES, cfg + 1); /* "title" string */
    bf_snap_value_t *on = rec(BF_SNAP_T_VALUES, cfg + 4);    /* "on": true */
    uint64_t first = root->v;
    root->v = cfg;
    expect_bad("value ");
    expect_bad("breadth-first order");
    root->v = cfg - 1;
    expect_bad("breadth-first order");
    root->v = first;
    root->n = count(BF_SNAP_T_VALUES);
    expect_bad("children out of bounds");
    root->n = 12;
    title->kind = 9;
    expect_bad("unknown value kind 9");
    title->kind = BF_SNAP_V_STRING;
    uint64_t title_v = title->v;
    title->v = (uint64_t)1 << 40;
    expect_bad("string out of bounds");
    title->v = 0;
    expect_bad("string is not NUL-terminated");
    title->v = title_v;
    on->v = 2;
    expect_bad("bool value is not 0 or 1");
    on->v = 1;
    on->pad[1] = 1;
    expect_bad("padding is not zero");
    on->pad[1] = 0;
    on->key.len -= 1;
    expect_bad("key is not NUL-terminated");
    on->key.len += 1;
    root->key = on->key;
    expect_bad("root value has a key");
    root->key = (bf_snap_str_t){0, 0};
    ((bf_snap_site_t *)rec(BF_SNAP_T_SITE, 0))->config = cfg + 1;
    expect_bad("site: config is not a map");
}

/* A list nested BF_SNAP_MAX_DEPTH - 1 deep holding two nulls, then one null
 * turned into a list holding the other: one level too deep, in order. */
Test(corrupt, value_too_deep)
{
    bf_arena_t *a = bf_arena_create(0);
    bf_value_t *top = bf_value_new(a, BF_VAL_LIST), *cur = top;
    for (int i = 1; i < BF_SNAP_MAX_DEPTH - 1; i++) {
        bf_value_t *n = bf_value_new(a, BF_VAL_LIST);
        bf_value_list_push(a, cur, n);
        cur = n;
    }
    bf_value_list_push(a, cur, bf_value_new(a, BF_VAL_NULL));
    bf_value_list_push(a, cur, bf_value_new(a, BF_VAL_NULL));
    fix_t f;
    bf_snapw_t *w = fix_full(&f);
    bf_snap_site_t *st = bf_snapw_rec(w, BF_SNAP_T_SITE, 0);
    st->data = BF_SNAP_NONE;
    uint32_t r = bf_snapw_value(w, top);
    cr_assert_neq(r, 0);
    cr_assert_eq(bf_snapw_finish_mem(w, &img), 0);
    bf_snapw_free(w);
    bf_arena_destroy(a);
    cr_assert_eq(load(img.len), 0, "deepest allowed");

    uint32_t last = count(BF_SNAP_T_VALUES) - 1; /* the second null */
    bf_snap_value_t *deep = rec(BF_SNAP_T_VALUES, last - 2);
    bf_snap_value_t *n1 = rec(BF_SNAP_T_VALUES, last - 1);
    cr_assert_eq(deep->kind, BF_SNAP_V_LIST);
    cr_assert_eq(deep->n, 2);
    deep->n = 1;
    n1->kind = BF_SNAP_V_LIST;
    n1->n = 1;
    n1->v = last;
    expect_bad("nested deeper than 256 levels");
}

/* Bad content a careless caller of the writer could produce: the writer
 * writes it, the reader refuses it. */
static bf_snapw_t *w;
static fix_t fx;

static void written(void)
{
    w = fix_full(&fx);
}

static void finish_bad(const char *want)
{
    cr_assert_eq(bf_snapw_finish_mem(w, &img), 0);
    bf_snapw_free(w);
    w = NULL;
    expect_bad(want);
}

static void written_fini(void)
{
    bf_snapw_free(w);
    bf_buf_free(&img);
}

TestSuite(written, .init = written, .fini = written_fini);

Test(written, output_path)
{
    bf_snap_page_t *p = bf_snapw_rec(w, BF_SNAP_T_PAGES, 3);
    p->output = bf_snapw_cstr(w, "../x");
    finish_bad("corrupt snapshot: page 3: output \"../x\" contains \"..\"");
}

Test(written, output_absolute)
{
    bf_snap_page_t *p = bf_snapw_rec(w, BF_SNAP_T_PAGES, 2);
    p->output = bf_snapw_cstr(w, "/etc/passwd");
    finish_bad("page 2: output \"/etc/passwd\" is absolute");
}

Test(written, output_empty)
{
    bf_snap_page_t *p = bf_snapw_rec(w, BF_SNAP_T_PAGES, 0);
    p->output = bf_snapw_cstr(w, "");
    finish_bad("page 0: output \"\" is empty");
}

Test(written, resource_path)
{
    bf_snap_str_t r[2] = {bf_snapw_cstr(w, "ok.png"), bf_snapw_cstr(w, "a/../../secret")};
    bf_snap_page_t *p = bf_snapw_rec(w, BF_SNAP_T_PAGES, 4);
    p->resources = bf_snapw_strs(w, r, 2);
    finish_bad("page 4: resources \"a/../../secret\" contains \"..\"");
}

Test(written, by_path_unsorted)
{
    bf_snap_site_t *st = bf_snapw_rec(w, BF_SNAP_T_SITE, 0);
    st->by_path = bf_snapw_ids(w, (uint32_t[]){0, 1, 2, 3, 4}, 5);
    finish_bad("site: by_path is not strictly sorted at entry 4 (page 4)");
}

Test(written, by_path_duplicate)
{
    bf_snap_site_t *st = bf_snapw_rec(w, BF_SNAP_T_SITE, 0);
    st->by_path = bf_snapw_ids(w, (uint32_t[]){0, 1, 1}, 3);
    finish_bad("site: by_path is not strictly sorted at entry 2 (page 1)");
}

Test(written, by_ref_id_without_id)
{
    bf_snap_site_t *st = bf_snapw_rec(w, BF_SNAP_T_SITE, 0);
    st->by_ref_id = bf_snapw_ids(w, (uint32_t[]){3, 4}, 2);
    finish_bad("site: by_ref_id lists page 3, which has no ref_id");
}

Test(written, level_waves)
{
    bf_snap_wave_t *wv = bf_snapw_rec(w, BF_SNAP_T_WAVES, 1);
    wv->level = 1;
    finish_bad("wave 1: level 1, but site.level_waves puts it at level 0");
}

Test(written, level_waves_end)
{
    bf_snap_site_t *st = bf_snapw_rec(w, BF_SNAP_T_SITE, 0);
    st->level_waves[3] = 3;
    finish_bad("site: level_waves ends at 3, there are 4 waves");
}

Test(written, level_waves_order)
{
    bf_snap_site_t *st = bf_snapw_rec(w, BF_SNAP_T_SITE, 0);
    st->level_waves[1] = 4;
    finish_bad("site: level_waves is not nondecreasing");
}

Test(written, section_cycle)
{
    bf_snap_section_t *s1 = bf_snapw_rec(w, BF_SNAP_T_SECTIONS, 1);
    bf_snap_section_t *s0 = bf_snapw_rec(w, BF_SNAP_T_SECTIONS, 0);
    s0->subsections = (bf_snap_range_t){0, 0};
    s1->parent = 2; /* 1 -> 2 -> 1 */
    finish_bad("section 1: depth 1, expected 3");
}

Test(written, section_two_roots)
{
    bf_snap_section_t *s2 = bf_snapw_rec(w, BF_SNAP_T_SECTIONS, 2);
    s2->parent = BF_SNAP_NONE;
    s2->depth = 0;
    finish_bad("section 1: subsection 2 is not a child listed once");
}

Test(written, subsection_twice)
{
    bf_snap_section_t *s1 = bf_snapw_rec(w, BF_SNAP_T_SECTIONS, 1);
    s1->subsections = bf_snapw_ids(w, (uint32_t[]){2, 2}, 2);
    finish_bad("section 1: subsection 2 is not a child listed once");
}

Test(written, menu_detached_cycle)
{
    bf_snap_menu_item_t a = fx.items[1], b = fx.items[1];
    a.parent = 5;
    a.children = bf_snapw_ids(w, (uint32_t[]){5}, 1);
    b.parent = 4;
    b.children = bf_snapw_ids(w, (uint32_t[]){4}, 1);
    bf_snapw_add(w, BF_SNAP_T_MENU_ITEMS, &a);
    bf_snapw_add(w, BF_SNAP_T_MENU_ITEMS, &b);
    finish_bad("menu item 4: not reachable from its menu");
}

Test(written, menu_child_of_two)
{
    bf_snap_menu_item_t *tags = bf_snapw_rec(w, BF_SNAP_T_MENU_ITEMS, 2);
    tags->children = bf_snapw_ids(w, (uint32_t[]){1}, 1); /* Intro is Docs' child */
    finish_bad("menu item 2: menu item 1 is not a child listed once");
}

Test(written, menu_self_parent)
{
    bf_snap_menu_t *m = bf_snapw_rec(w, BF_SNAP_T_MENUS, 1);
    m->items = bf_snapw_ids(w, (uint32_t[]){3, 3}, 2);
    finish_bad("menu 1: menu item 3 is not a child listed once");
}

Test(written, no_site_pages)
{
    bf_snap_site_t *st = bf_snapw_rec(w, BF_SNAP_T_SITE, 0);
    st->home_page = BF_SNAP_NONE;
    finish_bad("site: home_page: page 4294967295 out of range (9 in the snapshot)");
}

Test(written, source_path)
{
    bf_snap_page_t *p = bf_snapw_rec(w, BF_SNAP_T_PAGES, 3);
    p->source = bf_snapw_cstr(w, "content//a.md");
    finish_bad("page 3: source \"content//a.md\" contains an empty component");
}
