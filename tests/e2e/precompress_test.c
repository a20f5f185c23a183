/*
 * tests/e2e/precompress_test.c - --precompress / build.precompress: a
 * FILE.zst beside every HTML, XML, JSON, CSS, JS and text output (pages,
 * aggregates, static files, bundle files, the theme's assets), which
 * `zstd -d` turns back into exactly FILE; unchanged ones are kept, not
 * compressed again; none when the option is off.
 */
#include "tests/e2e/helpers.h"

TestSuite(precompress, .fini = e2e_cleanup, .timeout = 120);

static void build(const char *site, const char *a1, const char *a2)
{
    e2e_run_t r;
    if (a2)
        e2e_bf(&r, "-q", "-j", "2", a1, a2, site, NULL);
    else if (a1)
        e2e_bf(&r, "-q", "-j", "2", a1, site, NULL);
    else
        e2e_bf(&r, "-q", "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
}

/* A shell check over the output dir: each text file has a .zst that
 * decompresses to it, and no .zst is left without its file.  Prints the
 * problems; the number of .zst files on the last line. */
static void check_tree(const char *out, bool want)
{
    const char *script =
        "cd \"$1\" || exit 9; n=0\n"
        "for f in $(find . -type f ! -name '*.zst'); do\n"
        "  case \"$f\" in *.html|*.htm|*.xml|*.json|*.css|*.js|*.txt|*.svg|*.md|*.csv)\n"
        "    if [ \"$2\" = yes ]; then\n"
        "      [ -f \"$f.zst\" ] || echo \"no $f.zst\"\n"
        "      zstd -dcq \"$f.zst\" | cmp -s - \"$f\" || echo \"$f.zst is not $f\"\n"
        "    fi;;\n"
        "  esac\n"
        "done\n"
        "for z in $(find . -name '*.zst'); do n=$((n+1)); [ -f \"${z%.zst}\" ] || echo \"$z alone\"; done\n"
        "[ \"$2\" = yes ] || [ $n -eq 0 ] || echo \"$n .zst files without --precompress\"\n"
        "echo \"zst=$n\"\n";
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c", script, "sh", out, want ? "yes" : "no", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(e2e_match(r.out, "^zst=[0-9]+\n$", 0), "%s", r.out);
    if (want)
        cr_assert(!e2e_match(r.out, "^zst=0\n$", 0), "no .zst at all");
    e2e_run_free(&r);
}

Test(precompress, every_text_output_has_its_zst)
{
    if (!e2e_have("zstd"))
        cr_skip_test("zstd is not installed (apt-get install zstd)");
    char *site = e2e_site("features");
    char *out = e2e_fmt("%s/public", site);
    build(site, "--precompress", NULL);
    check_tree(out, true);
    /* the theme's assets and a bundle's text file are outputs too */
    cr_assert(e2e_exists(e2e_fmt("%s/_bengal/theme.css.zst", out)));
    cr_assert(e2e_exists(e2e_fmt("%s/sitemap.xml.zst", out)));
    cr_assert(e2e_exists(e2e_fmt("%s/index.json.zst", out)));
}

Test(precompress, off_means_none_and_turning_it_off_removes_them)
{
    if (!e2e_have("zstd"))
        cr_skip_test("zstd is not installed (apt-get install zstd)");
    char *site = e2e_site("features");
    char *out = e2e_fmt("%s/public", site);
    build(site, NULL, NULL);
    check_tree(out, false);
    build(site, "--precompress", NULL);
    check_tree(out, true);
    build(site, NULL, NULL);
    check_tree(out, false);
    build(site, "--precompress", NULL);
    check_tree(out, true);
}

/* After one page changed, its .zst is new and the rest are kept: and the
 * tree is what a clean build with --precompress makes. */
Test(precompress, unchanged_zst_are_kept)
{
    if (!e2e_have("zstd"))
        cr_skip_test("zstd is not installed (apt-get install zstd)");
    char *site = e2e_site("docs");
    char *out = e2e_fmt("%s/public", site);
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site),
                  "title: Docs\nbaseurl: https://docs.example.org/\n"
                  "build:\n  precompress: zstd\n  precompress_level: 3\n");
    build(site, NULL, NULL);
    build(site, NULL, NULL);
    char *p = e2e_fmt("%s/content/docs/intro.md", site);
    size_t len;
    char *text = e2e_read_file(p, &len);
    cr_assert(text);
    e2e_write_file(p, e2e_fmt("%s\nOne more line.\n", text), len + 16);
    free(text);
    build(site, "--stats-json", stats);
    check_tree(out, true);
    char *json = e2e_own_file(stats, NULL);
    unsigned written = 999;
    const char *w = strstr(json, "\"written\": ");
    cr_assert(w, "%s", json);
    sscanf(w + 11, "%u", &written);
    cr_assert_lt(written, 20, "every .zst compressed again? %s", json);
    cr_assert_str_eq(e2e_tree(out), e2e_clean_tree(site, NULL));
}

Test(precompress, a_bad_setting_is_an_error)
{
    char *site = e2e_site("docs");
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), "title: Docs\nbuild:\n  precompress: gzip\n");
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(e2e_match(r.err, "bengal\\.yaml:3:16: error: \"build\\.precompress\" must be zstd", 0),
              "%s", r.err);
    e2e_run_free(&r);
}
