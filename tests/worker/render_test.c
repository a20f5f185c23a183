/*
 * tests/worker/render_test.c - the aggregates of worker/render.c on the
 * docs fixture, frozen and mapped in-process: a sitemap past its URL
 * limit becomes an index and parts, every URL exactly once, each file
 * valid against tests/schemas/sitemap.xsd (when xmllint is installed).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot-format/reader.h"
#include "tests/worker/docsnap.h"
#include "worker/markdown.h"
#include "worker/render.h"

static bf_snap_t *snap;
static bf_render_t *r;
static bf_farm_summary_t *sums;

static void setup(void)
{
    char dir[4096];
    snap = docsnap_open(dir);
    cr_assert_eq(bf_md_init(), 0);
    sums = calloc(bf_snap_count(snap, BF_SNAP_T_PAGES), sizeof *sums);
    r = bf_render_new(snap, sums, dir);
    cr_assert(r && sums);
}

static void teardown(void)
{
    bf_render_free(r);
    free(sums);
    docsnap_close(snap);
}

TestSuite(render, .init = setup, .fini = teardown);

static uint32_t sitemap_wave(void)
{
    for (uint32_t i = 0; i < bf_snap_count(snap, BF_SNAP_T_WAVES); i++)
        if (strcmp(bf_snap_str(snap, bf_snap_wave(snap, i)->template), "sitemap.xml") == 0)
            return i;
    cr_assert_fail("no sitemap wave");
    return 0;
}

/* Pages a sitemap lists: all but the 404 and search pages the build made. */
static uint32_t listed_pages(void)
{
    uint32_t n = bf_snap_count(snap, BF_SNAP_T_PAGES), listed = 0;
    for (uint32_t i = 0; i < n; i++)
        listed += bf_snap_page(snap, i)->kind < BF_SNAP_NOT_FOUND;
    cr_assert_eq(n - listed, 2, "the fixture has a 404 and a search page");
    return listed;
}

/* Validates xml against the sitemap schema with xmllint, if there is one. */
static void assert_valid(const bf_buf_t *xml, const char *name)
{
    const char *top = getenv("BF_TOP");
    if (!top || system("command -v xmllint >/dev/null 2>&1") != 0)
        return;
    char path[] = "/tmp/bf-sitemap-XXXXXX", cmd[8192];
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, xml->data, xml->len), (ssize_t)xml->len);
    close(fd);
    snprintf(cmd, sizeof cmd,
             "xmllint --noout --schema %s/tests/schemas/sitemap.xsd %s >/dev/null 2>&1", top,
             path);
    int rc = system(cmd);
    unlink(path);
    cr_assert_eq(rc, 0, "%s does not validate against the sitemap schema", name);
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

Test(render, sitemap_is_one_file_under_the_limit)
{
    bf_buf_t out = BF_BUF_INIT;
    const char *path;
    uint32_t w = sitemap_wave(), pages = listed_pages();
    cr_assert_eq(bf_render_aggregate(r, w, 0, &out, &path), 0);
    cr_assert_str_eq(path, "sitemap.xml");
    cr_assert_eq(count(out.data, "<url><loc>"), pages);
    assert_valid(&out, path);
    cr_assert_eq(bf_render_aggregate(r, w, 1, &out, &path), 1, "a second part");
    bf_buf_free(&out);
}

Test(render, sitemap_past_the_limit_is_an_index_and_parts)
{
    bf_buf_t out = BF_BUF_INIT;
    const char *path;
    uint32_t w = sitemap_wave(), pages = listed_pages();
    bf_render_set_sitemap_max(r, 10); /* 22 listed pages: index + 3 parts */
    cr_assert_eq(bf_render_aggregate(r, w, 0, &out, &path), 0);
    cr_assert_str_eq(path, "sitemap.xml");
    cr_assert(strstr(out.data, "<sitemapindex"), "%s", out.data);
    cr_assert(strstr(out.data, "<loc>https://docs.example.org/sitemap-3.xml</loc>"), "%s",
              out.data);
    cr_assert_eq(count(out.data, "<sitemap>"), (pages + 9) / 10);
    assert_valid(&out, path);
    size_t urls = 0;
    unsigned part = 1;
    for (; bf_render_aggregate(r, w, part, &out, &path) == 0; part++) {
        char want[32];
        snprintf(want, sizeof want, "sitemap-%u.xml", part);
        cr_assert_str_eq(path, want);
        cr_assert(count(out.data, "<url><loc>") <= 10);
        assert_valid(&out, path);
        urls += count(out.data, "<url><loc>");
    }
    cr_assert_eq(part - 1, (pages + 9) / 10);
    cr_assert_eq(urls, pages, "every URL exactly once");
    bf_buf_free(&out);
}
