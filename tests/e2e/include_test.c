/*
 * tests/e2e/include_test.c - MyST include directives through the real
 * binary: every mistake is an error at the directive's file:line, said
 * once and all in one run, the build fails (exit 1) and publishes
 * nothing; what the limits say (depth 8, the page's size with its
 * includes); nothing outside content/ is read, by path or by symlink;
 * diagnostics inside an included file name it; the snapshot dump lists
 * included files; `markdown` (no site) says it does not expand them.
 *
 * Edits of included files between builds are in incremental_test.c, the
 * expanded HTML in golden_test.c (the features site).
 */
#include "tests/e2e/helpers.h"

#define SECRET "SECRET-bf-41c2"

static void setup(void)
{
    cr_assert(setenv("SOURCE_DATE_EPOCH", "1700000000", 1) == 0);
}

TestSuite(include, .init = setup, .fini = e2e_cleanup, .timeout = 60);

/* Writes SITE/rel, making the directories above it. */
static void put(const char *site, const char *rel, const char *text)
{
    e2e_run_t r;
    char *path = e2e_fmt("%s/%s", site, rel);
    e2e_runl(&r, "sh", "-c", "mkdir -p \"$(dirname \"$1\")\"", "sh", path, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    e2e_write_str(path, text);
}

/* TMP/site with bengal.yaml and the given files (path, text, ...). */
static char *site_of(const char *first, ...) __attribute__((sentinel));
static char *site_of(const char *first, ...)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    va_list ap;
    e2e_run_t r;
    e2e_runl(&r, "mkdir", "-p", e2e_fmt("%s/content", site), NULL);
    e2e_run_free(&r);
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: Includes\n");
    va_start(ap, first);
    for (const char *rel = first; rel; rel = va_arg(ap, const char *))
        put(site, rel, va_arg(ap, const char *));
    va_end(ap);
    return site;
}

/* Builds site, which must fail with exit 1, publish nothing, and say
 * each of the lines of want (separated by '\n'; "@" stands for the site)
 * exactly once. */
static void fails_saying(const char *site, const char *want)
{
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "exit %d, want 1; stderr:\n%s", r.status, r.err);
    char *lines = e2e_fmt("%s", want);
    for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n")) {
        char *at = strchr(line, '@');
        char *msg = at ? (*at = '\0', e2e_fmt("%s%s%s", line, site, at + 1)) : line;
        cr_assert_eq(e2e_count(r.err, msg), 1, "\"%s\" said %zu times; stderr:\n%s", msg,
                     e2e_count(r.err, msg), r.err);
    }
    cr_assert(!e2e_exists(e2e_fmt("%s/public", site)), "a failed build published");
    e2e_run_free(&r);
}

Test(include, every_mistake_at_its_line_in_one_run)
{
    char *site = site_of(
        "content/a.md",
        "# A\n\n:::{include} ../../bengal.yaml\n:::\n\n:::{include} /etc/hostname\n:::\n\n"
        ":::{include} nothere.md\n:::\n\n  :::{include} parts/x.md\n  :::\n\n"
        ":::{include} parts/x.md\nno closing fence\n\n```{include} parts/x.md\n:start-line: 2\n```\n",
        "content/b.md", "# B\n\n:::{include} a.md\n:::\n",
        "content/parts/x.md", "X\n", NULL);
    fails_saying(site,
                 "@/content/a.md:3: error: cannot include \"../../bengal.yaml\": the path leaves "
                 "the content directory\n"
                 "@/content/a.md:6: error: cannot include \"/etc/hostname\": the path is absolute\n"
                 "@/content/a.md:9: error: cannot include \"nothere.md\" (content/nothere.md): no "
                 "such file\n"
                 "@/content/a.md:12: error: include directive indented\n"
                 "@/content/a.md:15: error: include directive not closed\n"
                 "@/content/a.md:19: error: an include takes no options\n");
}

Test(include, cycles_named_by_their_chain)
{
    char *site = site_of("content/p.md", "# P\n\n:::{include} parts/one.md\n:::\n",
                         "content/q.md", "# Q\n\n:::{include} parts/two.md\n:::\n",
                         "content/parts/one.md.txt", "", /* not a page, not included */
                         "content/.parts/x.md", "", NULL);
    put(site, "content/parts/one.md",
                  "---\ntitle: One\n---\nOne\n\n:::{include} two.md\n:::\n");
    put(site, "content/parts/two.md",
                  "Two\n\n:::{include} one.md\n:::\n");
    /* one cycle, reached from four pages (p, q, one and two are pages):
     * said once per directive that closes it */
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1);
    cr_assert(e2e_count(r.err, "include cycle") >= 1 && e2e_count(r.err, "include cycle") <= 2,
              "%s", r.err);
    cr_assert(strstr(r.err, "/content/parts/two.md:3: error: include cycle: "
                            "content/parts/one.md:6 includes content/parts/two.md, "
                            "content/parts/two.md:3 includes content/parts/one.md\n"),
              "%s", r.err);
    e2e_run_free(&r);
}

Test(include, nesting_deeper_than_eight)
{
    char *site = site_of("content/page.md", "# Deep\n\n:::{include} .n/1.md\n:::\n", NULL);
    for (int i = 1; i <= 9; i++)
        put(site, e2e_fmt("content/.n/%d.md", i),
                      i < 9 ? e2e_fmt("Level %d\n\n:::{include} %d.md\n:::\n", i, i + 1)
                            : "Bottom\n");
    fails_saying(site, "@/content/.n/8.md:3: error: includes nest more than 8 deep: "
                       "content/page.md:3 includes content/.n/1.md, content/.n/1.md:3 includes "
                       "content/.n/2.md");
    /* eight deep is fine */
    put(site, "content/.n/8.md", "Level 8\n");
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *html = e2e_out_file(site, "page/index.html");
    cr_assert(strstr(html, "<p>Level 1</p>") && strstr(html, "<p>Level 8</p>"), "%s", html);
}

Test(include, a_page_too_large_with_its_includes)
{
    char *site = site_of("bengal.yaml", "title: Big\nbuild:\n  max_file_size: 1000\n",
                         "content/page.md",
                         "# Big\n\n:::{include} .p/a.md\n:::\n:::{include} .p/a.md\n:::\n", NULL);
    char text[700];
    memset(text, 'x', sizeof text - 2);
    text[sizeof text - 2] = '\n';
    text[sizeof text - 1] = '\0';
    put(site, "content/.p/a.md", text);
    fails_saying(site, "@/content/page.md: error: with the files it includes the page is");
}

Test(include, nothing_outside_content)
{
    char *site = site_of("content/page.md", "# Page\n\n:::{include} leak.md\n:::\n",
                         "templates/secret.md", SECRET "\n", NULL);
    cr_assert_eq(symlink("../templates/secret.md", e2e_fmt("%s/content/leak.md", site)), 0);
    fails_saying(site, "@/content/page.md:3: error: cannot include \"leak.md\" "
                       "(content/leak.md): a symlink on the way leads outside the content "
                       "directory");
    /* a symlinked directory on the way, and a symlink that stays inside
     * content/ (followed) */
    put(site, "content/page.md",
                  "# Page\n\n:::{include} tpl/secret.md\n:::\n");
    cr_assert_eq(unlink(e2e_fmt("%s/content/leak.md", site)), 0);
    cr_assert_eq(symlink("../templates", e2e_fmt("%s/content/tpl", site)), 0);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(!strstr(r.out, SECRET) && !e2e_exists(e2e_fmt("%s/public", site)));
    e2e_run_free(&r);
    cr_assert_eq(unlink(e2e_fmt("%s/content/tpl", site)), 0);
    put(site, "content/.in/real.md", "Inside\n");
    cr_assert_eq(symlink(".in/real.md", e2e_fmt("%s/content/alias.md", site)), 0);
    put(site, "content/page.md", "# Page\n\n:::{include} alias.md\n:::\n");
    e2e_bf(&r, "-q", "-j", "2", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert(strstr(e2e_out_file(site, "page/index.html"), "<p>Inside</p>"));
}

Test(include, warnings_name_the_included_file)
{
    char *site = site_of("content/page.md",
                         "---\ntitle: Page\n---\nFirst\n\n:::{include} .p/part.md\n:::\n\n"
                         "Last [[page-nowhere]]\n",
                         "content/.p/part.md",
                         "---\nnote: skipped\n---\nA [[part-nowhere]] and :::{frob}\n\n"
                         ":::{frob}\nx\n:::\n", NULL);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, e2e_fmt("%s/content/.p/part.md:4: warning: unresolved "
                                    "cross-reference \"[[part-nowhere]]\"", site)), "%s", r.err);
    cr_assert(strstr(r.err, e2e_fmt("%s/content/.p/part.md:6: warning: unknown directive "
                                    "\"frob\"", site)), "%s", r.err);
    cr_assert(strstr(r.err, e2e_fmt("%s/content/page.md:9: warning: unresolved "
                                    "cross-reference \"[[page-nowhere]]\"", site)), "%s", r.err);
    e2e_run_free(&r);
    /* with --strict a broken reference is an error, listed by its file */
    e2e_bf(&r, "--strict", "-j", "2", site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, e2e_fmt("%s/content/.p/part.md:4: error:", site)), "%s", r.err);
    e2e_run_free(&r);
}

Test(include, snapshot_dump_lists_included_files)
{
    char *site = site_of("content/page.md", "# Page\n\n:::{include} .p/part.md\n:::\n",
                         "content/.p/part.md", "Part\n", NULL);
    e2e_run_t r;
    e2e_bf(&r, "snapshot", "build", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    e2e_bf(&r, "snapshot", "dump", e2e_fmt("%s/.bengal/snapshot.bfs", site), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "  include 8+28 -> fragment 0\n"), "%s", r.out);
    cr_assert(strstr(r.out, "fragment 0 source=\"content/.p/part.md\" body_len=5 body_line=1\n"),
              "%s", r.out);
    e2e_run_free(&r);
}

Test(include, markdown_command_does_not_expand)
{
    e2e_run_t r;
    const char *argv[] = {e2e_bin(), "markdown", NULL};
    char *in = e2e_fmt("%s/in.md", e2e_tmpdir());
    e2e_write_str(in, "Text\n\n:::{include} x.md\n:::\n");
    e2e_runl(&r, "sh", "-c", "\"$0\" markdown < \"$1\"", argv[0], in, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "<p>Text</p>\n");
    cr_assert(strstr(r.err, "<stdin>:3: warning: include of \"x.md\" not expanded: includes "
                            "are expanded when a site is built"), "%s", r.err);
    e2e_run_free(&r);
}
