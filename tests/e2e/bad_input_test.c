/*
 * tests/e2e/bad_input_test.c - bad sites fail cleanly.
 *
 * DESIGN §5: every error names the file (and line:col where there is one)
 * and says what is wrong; bad input never crashes the build and never
 * writes anything.  Each test copies a fixture under tests/sites/bad-* (or
 * makes the bad part at test time: a 100 MB file, symlinks that leave the
 * site) into a temporary directory, runs `snapshot build DIR`, and checks:
 *   - exit status 1, no signal, no sanitizer report;
 *   - an error on stderr matching the case's pattern, located at
 *     "DIR/content/FILE:LINE:COL: error: " (DIR as given on the command
 *     line), or "DIR/FILE: error: " when the error has no position;
 *   - no DIR/.bengal/snapshot.bfs, no file at all under DIR/.bengal, and the
 *     rest of DIR exactly as before (names, types, sizes, mtimes).
 * And a good snapshot from an earlier build survives a failed one.
 */
#include "tests/e2e/helpers.h"

static void setup(void)
{
    cr_assert(setenv("SOURCE_DATE_EPOCH", "1700000000", 1) == 0);
}

TestSuite(bad, .init = setup, .fini = e2e_cleanup, .timeout = 60);

/* Every entry of dir outside dir/.bengal with its type, size and mtime,
 * sorted: equal listings mean nothing was created, removed or written. */
static char *tree_listing(const char *dir)
{
    e2e_run_t r;

    e2e_runl(&r, "sh", "-c",
             "cd \"$1\" && find . -path ./.bengal -prune -o -printf '%p %y %s %T@\\n' | "
             "LC_ALL=C sort",
             "sh", dir, NULL);
    cr_assert_eq(r.status, 0, "listing %s failed: %s", dir, r.err);
    free(r.err);
    return e2e_own(r.out);
}

/* Files under dir/.bengal (empty when there is none). */
static char *bengal_files(const char *dir)
{
    e2e_run_t r;

    e2e_runl(&r, "sh", "-c", "[ ! -e \"$1/.bengal\" ] || find \"$1/.bengal\" ! -type d", "sh", dir,
             NULL);
    cr_assert_eq(r.status, 0, "listing %s/.bengal failed: %s", dir, r.err);
    free(r.err);
    return e2e_own(r.out);
}

/* Runs `snapshot build dir`, checks that it failed cleanly and wrote
 * nothing, and that stderr matches pattern (flags: 0 or REG_ICASE).  In
 * pattern, "@" stands for the escaped dir, so "^@/content/a\\.md:" pins
 * the site prefix. */
static e2e_run_t expect_failure(const char *dir, const char *pattern, int flags)
{
    char *before = tree_listing(dir);
    e2e_run_t r;

    e2e_bf(&r, "snapshot", "build", dir, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "expected exit 1 (content error), got %d; stderr:\n%s", r.status,
                 r.err);
    cr_assert(r.err_len > 0, "a failed build must say why on stderr");
    cr_assert(e2e_match(r.err, "error: ", 0), "no \"error: \" on stderr:\n%s", r.err);
    cr_assert(!strstr(r.out, "snapshot:"), "a failed build printed a summary:\n%s", r.out);

    /* Expand "@" to the escaped site directory. */
    char *esc = e2e_re_escape(dir);
    size_t cap = strlen(pattern) + 1;
    for (const char *p = pattern; *p; p++)
        cap += *p == '@' ? strlen(esc) : 0;
    char *re = malloc(cap), *o = re;
    cr_assert(re, "out of memory");
    for (const char *p = pattern; *p; p++) {
        if (*p == '@') {
            strcpy(o, esc);
            o += strlen(esc);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    cr_assert(e2e_match(r.err, re, flags), "stderr does not match /%s/%s:\n%s", re,
              flags & REG_ICASE ? "i" : "", r.err);

    char *snap = e2e_fmt("%s/.bengal/snapshot.bfs", dir);
    cr_assert(!e2e_exists(snap), "a failed build created %s", snap);
    char *left = bengal_files(dir);
    cr_assert_str_eq(left, "", "a failed build left files in .bengal:\n%s", left);
    char *after = tree_listing(dir);
    cr_assert_str_eq(after, before, "a failed build changed the site:\nbefore:\n%s\nafter:\n%s",
                     before, after);
    free(re);
    return r;
}

Test(bad, malformed_yaml)
{
    char *site = e2e_site("bad-yaml");
    e2e_run_t r = expect_failure(site, "^@/content/a\\.md:[0-9]+:[0-9]+: error: ", 0);
    e2e_run_free(&r);
}

Test(bad, unterminated_front_matter)
{
    char *site = e2e_site("bad-unterminated");
    e2e_run_t r = expect_failure(site, "^@/content/a\\.md:1:1: error: .*unterminated", 0);
    e2e_run_free(&r);
}

Test(bad, yaml_alias_bomb)
{
    char *site = e2e_site("bad-alias");
    e2e_run_t r =
        expect_failure(site, "^@/content/a\\.md:[0-9]+:[0-9]+: error: .*alias", REG_ICASE);
    e2e_run_free(&r);
}

Test(bad, invalid_utf8)
{
    char *site = e2e_site("bad-utf8");
    /* The bad bytes are in the title, on line 2 of the file. */
    e2e_run_t r = expect_failure(site, "^@/content/a\\.md:2:[0-9]+: error: .*UTF-8", 0);
    e2e_run_free(&r);
}

/* Invalid UTF-8 or a NUL byte in the body (not the front matter): an
 * error at the byte, before it can reach a title or the snapshot (the
 * site fuzzer found a heading of Latin-1 bytes failing the snapshot's own
 * validation). */
Test(bad, invalid_bytes_in_the_body)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/content/a.md", site), "---\ntitle: A\n---\n\n# caf\xe9 menu\n");
    e2e_run_t r = expect_failure(site,
                                 "^@/content/a\\.md:5:6: error: invalid UTF-8: content files "
                                 "must be UTF-8 \\(convert it, e\\.g\\. with iconv\\)\n$",
                                 0);
    e2e_run_free(&r);
    e2e_write_file(e2e_fmt("%s/content/a.md", site), "# Title\n\nab\0cd\n", 15);
    r = expect_failure(site, "^@/content/a\\.md:3:3: error: NUL byte in a content file\n$", 0);
    e2e_run_free(&r);
}

Test(bad, slug_with_dotdot)
{
    char *site = e2e_site("bad-slug");
    e2e_run_t r = expect_failure(site, "^@/content/a\\.md:3:[0-9]+: error: .*slug", 0);
    e2e_run_free(&r);
}

Test(bad, url_with_dotdot)
{
    char *site = e2e_site("bad-url");
    e2e_run_t r = expect_failure(site, "^@/content/a\\.md:3:[0-9]+: error: .*url", REG_ICASE);
    e2e_run_free(&r);
}

Test(bad, duplicate_url)
{
    char *site = e2e_site("bad-dup");
    e2e_run_t r = expect_failure(site, "^@/content/[ab]\\.md(:[0-9]+:[0-9]+)?: error: ", 0);

    cr_assert(strstr(r.err, "content/a.md") && strstr(r.err, "content/b.md"),
              "the duplicate URL error must name both files:\n%s", r.err);
    e2e_run_free(&r);
}

/* A template named in front matter that exists nowhere: an error at the
 * key, found when the site is read, not by a worker rendering the page. */
Test(bad, missing_template_in_front_matter)
{
    char *site = e2e_tmpdir();
    cr_assert(mkdir(e2e_fmt("%s/content", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/content/a.md", site), "---\ntitle: A\nlayout: nope.html\n---\n");
    e2e_run_t r = expect_failure(
        site, "^@/content/a\\.md:3:9: error: template \"nope\\.html\" is neither in "
              "templates/ nor in the theme\n",
        0);
    e2e_run_free(&r);
    /* found when it is there, however deep */
    cr_assert(mkdir(e2e_fmt("%s/templates", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/templates/a", site), 0755) == 0);
    cr_assert(mkdir(e2e_fmt("%s/templates/a/b", site), 0755) == 0);
    e2e_write_str(e2e_fmt("%s/templates/a/b/deep.html", site), "<p>{{ page.title }}</p>");
    e2e_write_str(e2e_fmt("%s/content/a.md", site), "---\ntitle: A\nlayout: a/b/deep.html\n---\n");
    e2e_bf(&r, "-q", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(e2e_out_file(site, "a/index.html"), "<p>A</p>");
}

Test(bad, toml_config)
{
    char *site = e2e_site("bad-toml");
    e2e_run_t r =
        expect_failure(site, "^@/bengal\\.toml(:[0-9]+:[0-9]+)?: error: .*yaml", REG_ICASE);

    cr_assert(strstr(r.err, "YAML") || strstr(r.err, "bengal.yaml"),
              "the error must tell the user to write YAML:\n%s", r.err);
    e2e_run_free(&r);
}

/* A file over the size limit (16 MiB by default) is refused before it is
 * read. */
Test(bad, file_over_size_limit)
{
    char *site = e2e_site("docs");
    char *big = e2e_fmt("%s/content/big.md", site);
    static const char para[] =
        "## A section\n\nSome **markdown** text with a [link](https://example.org) and "
        "`code`, repeated until the file is far too large.\n\n";
    size_t chunk_len = 1 << 20, plen = sizeof para - 1;
    char *chunk = malloc(chunk_len);

    cr_assert(chunk, "out of memory");
    for (size_t i = 0; i < chunk_len; i++)
        chunk[i] = para[i % plen];
    FILE *f = fopen(big, "wb");
    cr_assert(f, "cannot create %s", big);
    fputs("---\ntitle: Big\n---\n", f);
    for (int i = 0; i < 100; i++)
        cr_assert(fwrite(chunk, 1, chunk_len, f) == chunk_len, "short write to %s", big);
    cr_assert(fclose(f) == 0);
    free(chunk);

    e2e_run_t r =
        expect_failure(site, "^@/content/big\\.md(:[0-9]+:[0-9]+)?: error: .*limit", REG_ICASE);
    e2e_run_free(&r);
    unlink(big);
}

static void make_symlink(const char *target, const char *site, const char *link)
{
    char *path = e2e_fmt("%s/%s", site, link);

    cr_assert(symlink(target, path) == 0, "symlink %s -> %s: %s", path, target, strerror(errno));
}

Test(bad, symlinked_directory_outside_site)
{
    char *site = e2e_site("docs");

    make_symlink("/etc", site, "content/etc");
    e2e_run_t r =
        expect_failure(site, "^@/content/etc(:[0-9]+:[0-9]+)?: error: .*outside", REG_ICASE);
    e2e_run_free(&r);
}

Test(bad, symlinked_file_outside_site)
{
    char *site = e2e_site("docs");

    make_symlink("/etc/passwd", site, "content/passwd.md");
    e2e_run_t r = expect_failure(site, "^@/content/passwd\\.md(:[0-9]+:[0-9]+)?: error: .*outside",
                                 REG_ICASE);
    e2e_run_free(&r);
}

/* A relative link that climbs out of the site: SITE/../outside.md. */
Test(bad, relative_symlink_outside_site)
{
    char *site = e2e_site("docs");
    char *outside = e2e_fmt("%s/../outside.md", site);

    static const char outside_md[] = "# Outside\n\nNot part of the site.\n";
    e2e_write_file(outside, outside_md, sizeof outside_md - 1);
    make_symlink("../../outside.md", site, "content/up.md");
    e2e_run_t r =
        expect_failure(site, "^@/content/up\\.md(:[0-9]+:[0-9]+)?: error: .*outside", REG_ICASE);
    e2e_run_free(&r);
}

/* Symlinks that stay inside the site are ordinary files: one more page. */
Test(bad, symlinks_inside_site_are_accepted)
{
    char *site = e2e_site("docs");
    e2e_run_t r;

    make_symlink("intro.md", site, "content/docs/intro-link.md");
    cr_assert(mkdir(e2e_fmt("%s/snippets", site), 0755) == 0);
    static const char note_md[] = "# A shared note\n\nText.\n";
    e2e_write_file(e2e_fmt("%s/snippets/note.md", site), note_md, sizeof note_md - 1);
    make_symlink("../snippets/note.md", site, "content/note.md");

    e2e_bf(&r, "snapshot", "build", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "symlinks inside the site must be accepted; exit %d:\n%s", r.status,
                 r.err);
    /* The docs fixture has 24 pages (tests/e2e/cli_test.c); two more. */
    cr_assert(e2e_match(r.out, "^snapshot: 26 pages, 4 sections, 7 terms, ", 0),
              "expected 26 pages:\n%s", r.out);
    e2e_run_free(&r);
}

/* A failed build leaves the last good snapshot byte for byte. */
Test(bad, failed_build_keeps_previous_snapshot)
{
    char *site = e2e_site("docs");
    char *snap = e2e_fmt("%s/.bengal/snapshot.bfs", site);
    e2e_run_t r;

    e2e_bf(&r, "snapshot", "build", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "the docs fixture must build: exit %d:\n%s", r.status, r.err);
    e2e_run_free(&r);
    size_t n1 = 0, n2 = 0;
    char *good = e2e_own_file(snap, &n1);
    cr_assert(good, "no snapshot after a good build");

    static const char bad_md[] = "---\ntitle: [unclosed\n---\n\nBroken.\n";
    e2e_write_file(e2e_fmt("%s/content/docs/broken.md", site), bad_md, sizeof bad_md - 1);
    e2e_bf(&r, "snapshot", "build", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "expected exit 1, got %d:\n%s", r.status, r.err);
    char *re = e2e_fmt("^%s/content/docs/broken\\.md:[0-9]+:[0-9]+: error: ", e2e_re_escape(site));
    cr_assert(e2e_match(r.err, re, 0), "stderr does not match /%s/:\n%s", re, r.err);
    e2e_run_free(&r);

    char *after = e2e_own_file(snap, &n2);
    cr_assert(after, "the failed build removed the previous snapshot");
    cr_assert(n1 == n2 && memcmp(good, after, n1) == 0,
              "the failed build changed the previous snapshot");
    char *left = bengal_files(site);
    /* the good build's snapshot and its lock file (SITE/.bengal/lock), no more */
    cr_assert(strstr(left, e2e_fmt("%s\n", snap)) && strstr(left, "/.bengal/lock\n") &&
                  e2e_count_lines(left) == 2,
              "a failed build left files in .bengal:\n%s", left);
}

/* The snapshot cannot be written (SITE/.bengal is a file): an internal
 * failure, exit 3, with an error naming .bengal; the file is untouched. */
Test(bad, unwritable_bengal_dir)
{
    char *site = e2e_site("docs");
    char *dot = e2e_fmt("%s/.bengal", site);
    e2e_run_t r;

    e2e_write_file(dot, "keep\n", 5);
    e2e_bf(&r, "snapshot", "build", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 3, "expected exit 3 (internal failure), got %d:\n%s", r.status, r.err);
    char *re = e2e_fmt("^%s/\\.bengal(/[^:]*)?: error: ", e2e_re_escape(site));
    cr_assert(e2e_match(r.err, re, 0), "stderr does not match /%s/:\n%s", re, r.err);
    cr_assert(!strstr(r.out, "snapshot:"), "a failed build printed a summary:\n%s", r.out);
    char *left = e2e_own_file(dot, NULL);
    cr_assert(left && strcmp(left, "keep\n") == 0, "the failed build changed SITE/.bengal");
    e2e_run_free(&r);
}

/* A config menu item naming no page: the config file named once (it said
 * "site/site/bengal.yaml", the site's directory twice). */
Test(bad, menu_item_naming_no_page)
{
    char *site = e2e_site("docs");
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site),
                  "title: T\nmenus:\n  main:\n    - name: Setup\n      page: no/such\n");
    e2e_run_t r = expect_failure(site, "^@/bengal\\.yaml:5:13: error: menu item \"Setup\": "
                                       "no page \"no/such\"$", 0);
    e2e_run_free(&r);
}
