/*
 * tests/e2e/discover_threads_test.c - discovery on several threads (the
 * scouts of coordinator/discover.c) gives what one thread gives.
 *
 * BENGAL_JOBS sets the number of CPUs the build believes it has, and so
 * the number of scout threads: 1 (the walk reads every file itself) or 4.
 * The snapshot must be the same bytes, with and without the discovery
 * cache; a site with bad files must fail with the same messages, in the
 * walk's order, whichever thread met the file first.  The site has more
 * pages than the scouts' window (256), so slots are reused.
 */
#include <limits.h>

#include "tests/e2e/helpers.h"

static void setup(void)
{
    cr_assert(setenv("SOURCE_DATE_EPOCH", "1700000000", 1) == 0);
}

TestSuite(discover_threads, .init = setup, .fini = e2e_cleanup, .timeout = 120);

#define PAGES 600

/* A site of PAGES pages in 6 sections, every tenth a leaf bundle, every
 * fourth titled by its heading, bad ones where bad(i) says.  (Paths in
 * local buffers: the helpers keep a bounded number of strings a test.) */
static char *make_site(bool (*bad)(int), const char *(*bad_text)(int))
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    char path[PATH_MAX], text[512];
    cr_assert(mkdir(site, 0755) == 0 && mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: Scouts\nbaseurl: /\n");
    for (int s = 0; s < 6; s++) {
        snprintf(path, sizeof path, "%s/content/s%d", site, s);
        cr_assert(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
        snprintf(path, sizeof path, "%s/content/s%d/_index.md", site, s);
        snprintf(text, sizeof text, "---\ntitle: Section %d\nweight: %d\n---\nAbout %d.\n", s,
                 s, s);
        e2e_write_str(path, text);
    }
    for (int i = 0; i < PAGES; i++) {
        if (i % 10 == 3) { /* a leaf bundle with a resource */
            snprintf(path, sizeof path, "%s/content/s%d/b%03d", site, i % 6, i);
            cr_assert(mkdir(path, 0755) == 0);
            snprintf(path, sizeof path, "%s/content/s%d/b%03d/data.txt", site, i % 6, i);
            e2e_write_str(path, "resource\n");
            snprintf(path, sizeof path, "%s/content/s%d/b%03d/index.md", site, i % 6, i);
        } else {
            snprintf(path, sizeof path, "%s/content/s%d/p%03d.md", site, i % 6, i);
        }
        if (bad && bad(i))
            snprintf(text, sizeof text, "%s", bad_text(i));
        else if (i % 4 == 0)
            snprintf(text, sizeof text, "# Heading %d\n\nBody of page %d.\n", i, i);
        else
            snprintf(text, sizeof text,
                     "---\ntitle: \"Page %d\"\ntags: [t%d, common]\nweight: %d\n"
                     "params:\n  n: %d\n---\n\nText %d with `code`.\n\n"
                     "```%s\nx = %d\n```\n",
                     i, i % 9, i, i * 3, i, i % 3 ? "python" : "yaml {1}", i);
        e2e_write_str(path, text);
    }
    return site;
}

static e2e_run_t snapshot_build(const char *site, const char *scouts, const char *state)
{
    e2e_run_t r;
    cr_assert(setenv("BENGAL_JOBS", scouts, 1) == 0);
    e2e_bf(&r, "snapshot", "build", "--cache-dir", state, site, NULL);
    unsetenv("BENGAL_JOBS");
    e2e_assert_no_crash(&r);
    return r;
}

Test(discover_threads, the_snapshot_is_the_same_bytes_with_one_or_four_threads)
{
    char *site = make_site(NULL, NULL);
    char *one = e2e_fmt("%s/state-1", e2e_tmpdir()), *four = e2e_fmt("%s/state-4", e2e_tmpdir());
    size_t len1, len4;
    for (int round = 0; round < 2; round++) { /* then again, through the discovery cache */
        e2e_run_t r1 = snapshot_build(site, "1", one);
        e2e_run_t r4 = snapshot_build(site, "4", four);
        cr_assert_eq(r1.status, 0, "round %d, one thread: %s", round, r1.err);
        cr_assert_eq(r4.status, 0, "round %d, four threads: %s", round, r4.err);
        char *a = e2e_read_file(e2e_fmt("%s/snapshot.bfs", one), &len1);
        char *b = e2e_read_file(e2e_fmt("%s/snapshot.bfs", four), &len4);
        cr_assert(a && b, "a snapshot is missing");
        cr_assert_eq(len1, len4, "round %d: %zu bytes with one thread, %zu with four", round, len1,
                     len4);
        cr_assert(memcmp(a, b, len1) == 0, "round %d: the snapshots differ", round);
        free(a);
        free(b);
        e2e_run_free(&r1);
        e2e_run_free(&r4);
    }
}

static bool is_bad(int i)
{
    return i == 5 || i == 254 || i == 255 || i == 256 || i == 413 || i == 599;
}

static const char *bad_text(int i)
{
    switch (i % 4) {
    case 0:
        return "---\ntitle: [unclosed\n---\nbody\n";       /* YAML */
    case 1:
        return "---\ntitle: no end\n\nbody without a fence\n"; /* unterminated */
    case 2:
        return "---\n- a list\n- not a map\n---\nbody\n";    /* not a map */
    default:
        return "---\ntitle: ok\n---\nbad byte \xff here\n";  /* UTF-8 */
    }
}

Test(discover_threads, bad_files_are_reported_alike_and_in_walk_order)
{
    char *site = make_site(is_bad, bad_text);
    e2e_run_t r1 = snapshot_build(site, "1", e2e_fmt("%s/st", e2e_tmpdir()));
    e2e_run_t r4 = snapshot_build(site, "4", e2e_fmt("%s/st", e2e_tmpdir()));
    cr_assert_eq(r1.status, 1, "one thread: exit %d: %s", r1.status, r1.err);
    cr_assert_eq(r4.status, 1, "four threads: exit %d: %s", r4.status, r4.err);
    cr_assert_str_eq(r4.err, r1.err, "four threads said\n%s\none said\n%s", r4.err, r1.err);
    /* one error per bad file, in the walk's order: sections, then names
     * (bundles "bNNN" before pages "pNNN") */
    const char *at = r1.err;
    int seen = 0;
    for (int s = 0; s < 6; s++) {
        for (int k = 0; k < 2 * PAGES; k += 6) {
            int i = k < PAGES ? k + s : k - PAGES + s;
            if (i >= PAGES || !is_bad(i) || (k < PAGES) != (i % 10 == 3))
                continue;
            char name[64];
            if (i % 10 == 3)
                snprintf(name, sizeof name, "/content/s%d/b%03d/index.md:", s, i);
            else
                snprintf(name, sizeof name, "/content/s%d/p%03d.md:", s, i);
            const char *hit = strstr(at, name);
            cr_assert(hit, "no error for %s after the earlier ones:\n%s", name, r1.err);
            at = hit + strlen(name);
            seen++;
        }
    }
    cr_assert_eq(seen, 6);
    cr_assert_eq(e2e_count(r1.err, "error: "), 6, "not one error per bad file:\n%s", r1.err);
    e2e_run_free(&r1);
    e2e_run_free(&r4);
}

/* The scouts also note the languages of the code fences, and a build of
 * that many pages compiles their highlighting once, before the fork. */
Test(discover_threads, fence_languages_are_compiled_before_the_fork)
{
    if (!e2e_has_grammars())
        cr_skip_test("no grammars compiled in");
    char *site = make_site(NULL, NULL);
    e2e_run_t r;
    e2e_bf(&r, "-v", "-j", "2", "--cache-dir", e2e_fmt("%s/st", e2e_tmpdir()), site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "highlighting compiled for 2 fence languages before the fork"),
              "no ahead compile of python and yaml:\n%s", r.err);
    char *page = e2e_out_file(site, "s1/p001/index.html");
    cr_assert(strstr(page, "hl-"), "page not highlighted:\n%s", page);
    e2e_run_free(&r);
}
