/*
 * tests/e2e/broken_links_test.c - broken internal links, unresolved
 * cross-references and anchors are listed at the end of the build (and of
 * `check`), sorted by file and line, each once, as warnings, or as errors
 * that fail the build under --strict; past the farm's list capacity they
 * are still all reported.
 */
#include "tests/e2e/helpers.h"

TestSuite(broken, .fini = e2e_cleanup, .timeout = 120);

/* Pages b.md and a.md (rendered by different workers, in whatever
 * order) with broken references; ok.md is what the good ones point at. */
static void write_broken(const char *site)
{
    e2e_write_str(e2e_fmt("%s/content/docs/b.md", site),
              "---\ntitle: B\n---\n\nSee [[docs/nope]].\n\nAnd [ok](/docs/ok/) [[docs/ok#part]].\n"
              "\n[gone](/old/page/)\n");
    e2e_write_str(e2e_fmt("%s/content/docs/a.md", site), "---\ntitle: A\n---\n\n[[#nowhere]]\n");
}

static char *make_site(void)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/content/docs", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: Links\n");
    e2e_write_str(e2e_fmt("%s/content/docs/ok.md", site), "---\ntitle: Ok\n---\n## Part\n");
    write_broken(site);
    return site;
}

static const char *want_list(const char *site, const char *level)
{
    return e2e_fmt("%s/content/docs/a.md:5: %s: no heading with id \"nowhere\" on this page\n"
                   "%s/content/docs/b.md:5: %s: unresolved cross-reference \"[[docs/nope]]\"\n"
                   "%s/content/docs/b.md:9: %s: link to \"/old/page/\": no such page\n",
                   site, level, site, level, site, level);
}

Test(broken, listed_sorted_once_at_the_end)
{
    char *site = make_site();
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, want_list(site, "warning"));
    cr_assert(e2e_match(r.out, "^built [0-9]+ pages in .*, 3 warnings -> ", 0), "%s", r.out);
    e2e_run_free(&r);

    e2e_bf(&r, "check", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, want_list(site, "warning"));
    cr_assert(e2e_match(r.out, "^checked [0-9]+ pages: 3 warnings, no errors$", 0), "%s", r.out);
    e2e_run_free(&r);
}

Test(broken, strict_makes_them_errors_and_keeps_the_old_site)
{
    char *site = make_site();
    e2e_run_t r;
    e2e_write_str(e2e_fmt("%s/content/docs/b.md", site), "---\ntitle: B\n---\nFine.\n");
    e2e_write_str(e2e_fmt("%s/content/docs/a.md", site), "---\ntitle: A\n---\nFine.\n");
    e2e_bf(&r, "-q", "--strict", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *before = e2e_own_file(e2e_fmt("%s/public/docs/b/index.html", site), NULL);
    cr_assert(before);

    write_broken(site);
    e2e_bf(&r, "--strict", site, NULL);
    cr_assert_eq(r.status, 1, "exit %d:\n%s", r.status, r.err);
    cr_assert(strstr(r.err, want_list(site, "error")), "%s", r.err);
    e2e_run_free(&r);
    char *after = e2e_own_file(e2e_fmt("%s/public/docs/b/index.html", site), NULL);
    cr_assert_str_eq(after, before, "the published site changed");
}

/* Issue 10 item 11: past 4,096 broken references, workers printed each
 * one themselves: unsorted, and again for a page rendered twice.  Now
 * every one is kept, sorted and listed once, the listing capped at 1,000
 * lines with a count of the rest; -v lists them all. */
Test(broken, more_than_the_list_holds_are_sorted_counted_and_capped)
{
    char *site = make_site();
    enum { N = 20000 };
    char *body = e2e_own(malloc(N * 32 + 64));
    size_t n = (size_t)sprintf(body, "---\ntitle: Many\n---\n");
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(body + n, "\n[x](/gone-%d/)\n", i);
    e2e_write_file(e2e_fmt("%s/content/docs/many.md", site), body, n);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(e2e_count_lines(r.err), 1001, "%zu lines", e2e_count_lines(r.err));
    cr_assert(strstr(r.err, "many.md:5: warning: link to \"/gone-0/\": no such page\n"));
    cr_assert(e2e_match(r.err, e2e_fmt("^bengal-farm: warning: \\.\\.\\. and %d more broken links "
                                       "and cross-references \\(%d in all; -v lists every "
                                       "one\\)$", N + 3 - 1000, N + 3), 0), "%s",
              r.err + (r.err_len > 400 ? r.err_len - 400 : 0));
    cr_assert(e2e_match(r.out, e2e_fmt(", %d warnings -> ", N + 3), 0), "%s", r.out);
    e2e_run_free(&r);

    e2e_bf(&r, "-v", "-j", "2", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* every one, once, in line order */
    int last = 0, seen = 0;
    for (const char *p = r.err; (p = strstr(p, "many.md:")) != NULL; p++) {
        int line = atoi(p + 8);
        cr_assert_gt(line, last, "line %d after %d: not sorted or not once", line, last);
        last = line;
        seen++;
    }
    cr_assert_eq(seen, N, "%d of %d listed", seen, N);
    e2e_run_free(&r);
}
