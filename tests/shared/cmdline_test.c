/*
 * tests/shared/cmdline_test.c - option tables (shared/cmdline.h): options
 * anywhere, "--", --name=value, -j4 and -DF, a second parse of the same
 * array, help, one-line errors with the closest name.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <string.h>

#include "shared/cmdline.h"

enum { O_LONG = 256 };

static const bf_opt_t opts[] = {
    {'j', "jobs", 'j', "N", "workers"},
    {'D', "drafts", 'D', NULL, "drafts"},
    {'F', "future", 'F', NULL, "future"},
    {O_LONG, "cache-dir", 0, "DIR", "state"},
    {0},
};
static const bf_cmd_spec_t spec = {"build", "build [options] [SITE]", "Builds.", opts, 0, 1,
                                   "SITE directory", NULL};

typedef struct {
    char seen[256];
} got_t;

static int on_opt(int id, const char *arg, void *ctx)
{
    got_t *g = ctx;
    size_t n = strlen(g->seen);
    snprintf(g->seen + n, sizeof g->seen - n, "%s%d=%s", n ? " " : "",
             id < 256 ? id : 0, arg ? arg : "-");
    return 0;
}

static int parse(int argc, char **argv, got_t *g, int *n)
{
    memset(g, 0, sizeof *g);
    return bf_cmd_parse(&spec, argc, argv, on_opt, g, n);
}

Test(cmdline, options_anywhere_and_every_spelling)
{
    char *argv[] = {"build", "site", "-j4", "-DF", "--cache-dir=/s", "--jobs", "2", NULL};
    got_t g;
    int n;
    cr_assert_eq(parse(7, argv, &g, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(argv[1], "site");
    cr_assert_str_eq(g.seen, "106=4 68=- 70=- 0=/s 106=2");
    /* parsing the permuted array again gives the same */
    got_t again;
    cr_assert_eq(parse(7, argv, &again, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(argv[1], "site");
    cr_assert_str_eq(again.seen, g.seen);
}

Test(cmdline, double_dash_ends_the_options)
{
    char *argv[] = {"build", "-D", "--", "-j", NULL};
    got_t g;
    int n;
    cr_assert_eq(parse(4, argv, &g, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(argv[1], "-j");
    cr_assert_str_eq(g.seen, "68=-");
}

Test(cmdline, errors_and_help, .init = cr_redirect_stderr)
{
    char *bad[] = {"build", "--jbos", "2", NULL};
    got_t g;
    int n;
    cr_assert_eq(parse(3, bad, &g, &n), -1);
    char *missing[] = {"build", "-j", NULL};
    cr_assert_eq(parse(2, missing, &g, &n), -1);
    char *flagval[] = {"build", "--drafts=yes", NULL};
    cr_assert_eq(parse(2, flagval, &g, &n), -1);
    char *two[] = {"build", "a", "b", NULL};
    cr_assert_eq(parse(3, two, &g, &n), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "bengal-farm: error: unknown option \"--jbos\" (did you mean \"--jobs\"?); see "
        "\"bengal-farm build --help\"\n"
        "bengal-farm: error: -j needs a value; see \"bengal-farm build --help\"\n"
        "bengal-farm: error: --drafts takes no value; see \"bengal-farm build --help\"\n"
        "bengal-farm: error: build takes at most 1 SITE directory, got 2; see "
        "\"bengal-farm build --help\"\n");
}

Test(cmdline, closest_name)
{
    const char *names[] = {"build", "check", "serve", "clean", "new"};
    cr_assert_str_eq(bf_cmd_closest("buidl", names, 5), "build");
    cr_assert_str_eq(bf_cmd_closest("serv", names, 5), "serve");
    cr_assert_str_eq(bf_cmd_closest("chekc", names, 5), "check");
    cr_assert_null(bf_cmd_closest("frobnicate", names, 5));
    cr_assert_str_eq(bf_cmd_closest("cle", names, 5), "clean");
}
