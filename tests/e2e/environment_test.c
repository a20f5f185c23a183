/*
 * tests/e2e/environment_test.c - environments and command-line overrides
 * of the config (issue 13): -e NAME / BENGAL_ENV merges bengal.NAME.yaml
 * over bengal.yaml (maps deeply, lists replaced), --config FILE merges
 * more files in order, --baseurl replaces the baseurl, site.environment
 * is there for templates, each file's unknown keys are warned about with
 * its own name and position, and the caches never mix two environments.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

static const char *const base_yaml =
    "title: Env site\n"
    "baseurl: https://prod.example.org\n"
    "params:\n"
    "  color: red\n"
    "  nested: {x: 1, y: 2}\n"
    "  list: [a, b]\n";

static const char *const staging_yaml =
    "baseurl: https://staging.example.org\n"
    "params:\n"
    "  nested: {y: 3}\n"
    "  list: [c]\n"
    "  colr: blue\n"; /* a typo of a param is fine: params are free */

static const char *const home_html =
    "env={{ site.environment }} base={{ site.baseurl }} color={{ site.params.color }} "
    "x={{ site.params.nested.x }} y={{ site.params.nested.y }} "
    "list={{ site.params.list | join(',') }}\n";

static char *make_site(void)
{
    char *site = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_runl(&r, "mkdir", "-p", e2e_fmt("%s/content", site), e2e_fmt("%s/templates", site),
             NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    e2e_write_str(e2e_fmt("%s/content/_index.md", site), "---\ntitle: Home\n---\nHi.\n");
    e2e_write_str(e2e_fmt("%s/bengal.yaml", site), base_yaml);
    e2e_write_str(e2e_fmt("%s/bengal.staging.yaml", site), staging_yaml);
    e2e_write_str(e2e_fmt("%s/templates/home.html", site), home_html);
    return site;
}

/* Builds site with the extra arguments and returns the home page. */
static char *home_of(const char *site, const char *a1, const char *a2, const char *a3,
                     const char *a4)
{
    e2e_run_t r;
    char *out = e2e_fmt("%s/../out", site);
    e2e_bf(&r, "-q", "-j", "1", "-o", out, site, a1, a2, a3, a4, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build %s %s: exit %d:\n%s", a1 ? a1 : "", a2 ? a2 : "",
                 r.status, r.err);
    e2e_run_free(&r);
    return e2e_own_file(e2e_fmt("%s/index.html", out), NULL);
}

Test(environment, production_is_the_default_and_env_files_merge_deeply)
{
    char *site = make_site();
    char *h = home_of(site, NULL, NULL, NULL, NULL);
    cr_assert(strstr(h, "env=production base=https://prod.example.org color=red x=1 y=2 "
                        "list=a,b"), "%s", h);
    h = home_of(site, "-e", "staging", NULL, NULL);
    cr_assert(strstr(h, "env=staging base=https://staging.example.org color=red x=1 y=3 "
                        "list=c"), "maps merge key by key, lists are replaced: %s", h);
    h = home_of(site, "--environment=staging", "--baseurl", "http://127.0.0.1:1313/", NULL);
    cr_assert(strstr(h, "env=staging base=http://127.0.0.1:1313 color=red"), "%s", h);
    /* an environment without a file is a name only */
    h = home_of(site, "-e", "qa", NULL, NULL);
    cr_assert(strstr(h, "env=qa base=https://prod.example.org color=red x=1 y=2"), "%s", h);
}

Test(environment, bengal_env_and_config_files_in_order)
{
    char *site = make_site();
    char *one = e2e_fmt("%s/one.yaml", e2e_tmpdir()), *two = e2e_fmt("%s/two.yaml", e2e_tmpdir());
    e2e_write_str(one, "params: {color: green, nested: {x: 10}}\n");
    e2e_write_str(two, "params: {color: black}\n");
    setenv("BENGAL_ENV", "staging", 1);
    char *h = home_of(site, "--config", one, "--config", two);
    unsetenv("BENGAL_ENV");
    cr_assert(strstr(h, "env=staging base=https://staging.example.org color=black x=10 y=3"),
              "bengal.yaml, then bengal.staging.yaml, then one.yaml, then two.yaml: %s", h);
}

Test(environment, unknown_keys_are_warned_in_the_file_that_has_them)
{
    char *site = make_site();
    e2e_write_str(e2e_fmt("%s/bengal.staging.yaml", site), "baseurl: https://s.example.org\n"
                                                          "titel: Oops\n");
    e2e_run_t r;
    e2e_bf(&r, "check", "-e", "staging", site, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "bengal.staging.yaml:2:1: warning: unknown key \"titel\" (did you "
                            "mean \"title\"?)"), "%s", r.err);
    cr_assert_null(strstr(r.err, "bengal.yaml:"), "the base file has no problem: %s", r.err);
    e2e_run_free(&r);
    char *bad = e2e_fmt("%s/bad.yaml", e2e_tmpdir());
    e2e_write_str(bad, "build: {pretty_urls: maybe}\n");
    e2e_bf(&r, "check", "--config", bad, site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, bad) && strstr(r.err, ":1:"), "the error names %s: %s", bad, r.err);
    e2e_run_free(&r);
    e2e_bf(&r, "check", "-e", "../x", site, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    e2e_run_free(&r);
}

Test(environment, switching_environments_never_mixes_caches)
{
    char *site = make_site();
    char *h = home_of(site, "-e", "staging", NULL, NULL);
    cr_assert(strstr(h, "env=staging"), "%s", h);
    h = home_of(site, NULL, NULL, NULL, NULL); /* the same output, the same state */
    cr_assert(strstr(h, "env=production base=https://prod.example.org"), "%s", h);
    cr_assert(strstr(e2e_own_file(e2e_fmt("%s/../out/sitemap.xml", site), NULL),
                     "https://prod.example.org/"), "the sitemap is production's too");
    h = home_of(site, "-e", "staging", NULL, NULL);
    cr_assert(strstr(h, "env=staging base=https://staging.example.org"), "%s", h);
}
