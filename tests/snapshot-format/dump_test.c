/*
 * tests/snapshot-format/dump_test.c - `snapshot dump`, text and JSON.
 *
 * Dumps the round-trip fixture (snapfix.h) to temp files and checks key
 * lines exactly; the JSON must parse with python3's json module (skipped
 * when python3 is missing) and its escapes must follow RFC 8259.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/fs.h"
#include "snapshot-format/dump.h"
#include "snapshot-format/reader.h"
#include "tests/snapshot-format/snapfix.h"

static char tmpdir[64];
static bf_buf_t img = BF_BUF_INIT;
static bf_snap_t *snap;

static void setup(void)
{
    strcpy(tmpdir, "/tmp/bf-snap-dump-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    fix_image(&img, 1);
    cr_assert_eq(bf_snap_from_mem(img.data, img.len, "fixture", &snap), 0);
}

static void teardown(void)
{
    bf_snap_close(snap);
    bf_buf_free(&img);
    bf_fs_remove_tree(tmpdir);
}

/* Dumps with fn into tmpdir/name and returns the file's contents. */
static char *dump_to(int (*fn)(const bf_snap_t *, FILE *), const char *name, char *path,
                     size_t cap)
{
    snprintf(path, cap, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fn(snap, f), 0);
    cr_assert_eq(fclose(f), 0);
    bf_buf_t b = BF_BUF_INIT;
    cr_assert_eq(bf_fs_read_file(path, 0, &b), 0);
    return b.data;
}

static void has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)); p++) {
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return;
    }
    cr_assert_fail("no line \"%s\" in:\n%s", line, text);
}

TestSuite(dump, .init = setup, .fini = teardown);

Test(dump, text)
{
    char path[128];
    char *t = dump_to(bf_snap_dump_text, "dump.txt", path, sizeof path);
    has_line(t, "site title=\"Fixture \\\"site\\\"\" baseurl=\"https://example.org/base\" "
                "language=\"en\" output_dir=\"public\" environment=\"production\"");
    has_line(t, "  flags=pretty_urls,out_sitemap,future toc_depth=2-4 per_page=10 "
                "build_time=1700000000");
    has_line(t, "  by_path=[0 1 2 4 3 5 6 8 7]");
    has_line(t, "page 3 kind=page url=\"/docs/intro/\" output=\"docs/intro/index.html\" "
                "template=\"page.html\" title=\"Intro\" wave=0 section=1 "
                "date=2024-01-05T10:00:00+02:00 weight=-7");
    has_line(t, "page 6 kind=taxonomy url=\"/tags/\" output=\"tags/index.html\" "
                "template=\"list.html\" title=\"Tags\" wave=2 section=- weight=0");
    has_line(t, "page 5 kind=page url=\"/docs/ünïcode/\" output=\"docs/ünïcode/index.html\" "
                "template=\"page.html\" title=\"Ünïcödé 日本語 🐍\" wave=0 section=1 weight=0");
    has_line(t, "section 1 path=\"docs\" name=\"docs\" page=1 parent=0 depth=1");
    has_line(t, "  pages=[3 5 2]");
    has_line(t, "taxonomy 0 name=\"tags\" page=6 terms=[1 0]");
    has_line(t, "term 0 name=\"Go\" slug=\"go\" taxonomy=0 page=7 pages=[3 5]");
    has_line(t, "menu 0 name=\"main\"");
    has_line(t, "  - item 0 name=\"Docs\" url=\"/docs/\" identifier=\"docs\" page=1 weight=10");
    has_line(t, "    - item 1 name=\"Intro\" url=\"/docs/intro/\" identifier=\"\" page=3 weight=0");
    has_line(t, "wave 2 level=1 section=- template=\"list.html\" pages=[0 1 2 6 7 8]");
    has_line(t, "wave 3 level=2 section=- template=\"sitemap.xml\" pages=[]");
    /* values, YAML-ish */
    has_line(t, "  config:");
    has_line(t, "    answer: -42");
    has_line(t, "    pi: 3.25");
    has_line(t, "    inf: .inf");
    has_line(t, "    nothing: null");
    has_line(t, "      - \"two\"");
    has_line(t, "        k: \"v\"");
    has_line(t, "        c: []");
    has_line(t, "    empty: {}");
    has_line(t, "    \"tab\\tkey\": \"ctl\\x01\\x1f end\\n\"");
    has_line(t, "    \"ключ\": \"значение ✓\"");
    has_line(t, "  data: -");
    has_line(t, "      - \"go\"");
    free(t);
}

Test(dump, json)
{
    char path[128];
    char *j = dump_to(bf_snap_dump_json, "dump.json", path, sizeof path);
    cr_assert(strncmp(j, "{\n\"site\":{\"version\":4,", 21) == 0, "%.40s", j);
    cr_assert(strstr(j, "\"environment\":\"production\""), "%s", j);
    cr_assert(strstr(j, "\"title\":\"Fixture \\\"site\\\"\""));
    cr_assert(strstr(j, "\"tab\\tkey\":\"ctl\\u0001\\u001f end\\n\""), "control escapes");
    cr_assert(strstr(j, "\"inf\":null"), "Inf is null");
    cr_assert(strstr(j, "\"list\":[1,\"two\",[0.5],{\"k\":\"v\"}]"));
    cr_assert(strstr(j, "\"nested\":{\"b\":{\"c\":[]}},\"empty\":{}"));
    cr_assert(strstr(j, "\"data\":null"));
    cr_assert(strstr(j, "{\"id\":3,\"kind\":\"page\",\"flags\":[\"draft\",\"date\",\"lastmod\","
                        "\"no_toc\"],\"section\":1,\"term\":null,\"prev\":null,\"next\":5,"
                        "\"wave\":0,\"weight\":-7,\"date\":\"2024-01-05T10:00:00+02:00\","
                        "\"lastmod\":\"2024-01-06T02:30:00-05:30\""));
    cr_assert(strstr(j, "\"summary\":\"Line one\\nline two\\ttabbed\""));
    cr_assert(strstr(j, "\"content_hash\":\"fedcba9876543210\""));
    cr_assert(strstr(j, "\"aliases\":[\"/old/intro/\",\"/older/intro.html\"]"));
    cr_assert(strstr(j, "\"params\":{\"toc\":false,\"tags\":[\"go\",\"c\"],\"author\":\"Ada\"}"));
    cr_assert(strstr(j, "{\"id\":1,\"name\":\"Intro\",\"url\":\"/docs/intro/\",\"identifier\":\"\","
                        "\"menu\":0,\"parent\":0,\"page\":3,\"weight\":0,\"children\":[]}"));
    cr_assert(strstr(j, "\"waves\":[\n{\"id\":0,\"level\":0,\"section\":1,"
                        "\"template\":\"page.html\",\"pages\":[3,5]}"));
    cr_assert(strstr(j, "\"menu_items\":[") && strstr(j, "\"terms\":[\n") &&
              strstr(j, "\"taxonomies\":[") && strstr(j, "\"sections\":[") &&
              strstr(j, "\"menus\":["));
    free(j);

    if (system("command -v python3 >/dev/null 2>&1") != 0)
        cr_skip_test("python3 is not installed");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 -m json.tool '%s' > /dev/null", path);
    cr_assert_eq(system(cmd), 0, "json.tool rejects %s", path);
    /* And the parsed content is what was written, not just well-formed. */
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
             "assert d[\"pages\"][5][\"title\"]==\"\\u00dcn\\u00efc\\u00f6d\\u00e9 "
             "\\u65e5\\u672c\\u8a9e \\U0001f40d\"; "
             "assert d[\"site\"][\"config\"][\"tab\\tkey\"]==\"ctl\\x01\\x1f end\\n\"; "
             "assert len(d[\"pages\"])==9 and d[\"pages\"][7][\"section\"] is None' '%s'",
             path);
    cr_assert_eq(system(cmd), 0, "content check of %s", path);
}

Test(dump, minimal)
{
    bf_buf_t m = BF_BUF_INIT;
    bf_snap_t *s;
    fix_image(&m, 0);
    cr_assert_eq(bf_snap_from_mem(m.data, m.len, "min", &s), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(bf_snap_dump_text(s, f), 0);
    fclose(f);
    has_line(buf, "page 0 kind=home url=\"/\" output=\"index.html\" template=\"list.html\" "
                  "title=\"Home\" wave=0 section=0 weight=0");
    has_line(buf, "  config: {}");
    has_line(buf, "  params: -");
    free(buf);
    f = open_memstream(&buf, &len);
    cr_assert_eq(bf_snap_dump_json(s, f), 0);
    fclose(f);
    cr_assert(strstr(buf, "\"taxonomies\":[],\n\"terms\":[],\n\"menus\":[],\n\"menu_items\":[],"),
              "%s", buf);
    free(buf);
    bf_snap_close(s);
    bf_buf_free(&m);
}

Test(dump, write_error)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        cr_skip_test("no /dev/full");
    cr_assert_eq(bf_snap_dump_text(snap, f), -1);
    fclose(f);
    f = fopen("/dev/full", "w");
    cr_assert_eq(bf_snap_dump_json(snap, f), -1);
    fclose(f);
}
