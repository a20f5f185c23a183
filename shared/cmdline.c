/*
 * shared/cmdline.c - options tables: parsing and help (see cmdline.h).
 */
#include "shared/cmdline.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PROG "bengal-farm"

static const bf_opt_t help_opt = {-1, "help", 'h', NULL, "show this help"};

static size_t n_opts(const bf_cmd_spec_t *spec)
{
    size_t n = 0;
    while (spec->opts && spec->opts[n].id)
        n++;
    return n;
}

static const bf_opt_t *find_long(const bf_cmd_spec_t *spec, const char *name, size_t len)
{
    for (size_t i = 0; i < n_opts(spec); i++)
        if (strlen(spec->opts[i].name) == len && memcmp(spec->opts[i].name, name, len) == 0)
            return &spec->opts[i];
    return len == 4 && memcmp(name, "help", 4) == 0 ? &help_opt : NULL;
}

static const bf_opt_t *find_short(const bf_cmd_spec_t *spec, char c)
{
    for (size_t i = 0; i < n_opts(spec); i++)
        if (spec->opts[i].short_name == c)
            return &spec->opts[i];
    return c == 'h' ? &help_opt : NULL;
}

static void see_help(const bf_cmd_spec_t *spec)
{
    fprintf(stderr, "; see \"" PROG " %s --help\"\n", spec->name);
}

static void unknown(const bf_cmd_spec_t *spec, const char *arg)
{
    size_t n = n_opts(spec), len = strcspn(arg, "=");
    const char **names = calloc(n + 1, sizeof *names);
    char *word = strndup(arg, len);
    const char *near = NULL;
    if (names && word && word[0] == '-' && word[1] == '-') {
        for (size_t i = 0; i < n; i++)
            names[i] = spec->opts[i].name;
        names[n] = "help";
        near = bf_cmd_closest(word + 2, names, n + 1);
    }
    fprintf(stderr, PROG ": error: unknown option \"%s\"", word ? word : arg);
    if (near)
        fprintf(stderr, " (did you mean \"--%s\"?)", near);
    see_help(spec);
    free(names);
    free(word);
}

static void opt_name(const bf_opt_t *o, char *out, size_t cap)
{
    if (o->name)
        snprintf(out, cap, "--%s", o->name);
    else
        snprintf(out, cap, "-%c", o->short_name);
}

int bf_cmd_bad_value(const bf_cmd_spec_t *spec, int id, const char *value, const char *what)
{
    char name[64] = "this option";
    for (size_t i = 0; i < n_opts(spec); i++)
        if (spec->opts[i].id == id)
            opt_name(&spec->opts[i], name, sizeof name);
    fprintf(stderr, PROG ": error: %s wants %s, not \"%s\"\n", name, what, value);
    return -1;
}

/* Moves the operand at i to the end of the operands gathered so far. */
static void keep_operand(char **argv, int *n_ops, int i)
{
    char *a = argv[i];
    memmove(argv + *n_ops + 2, argv + *n_ops + 1, (size_t)(i - *n_ops - 1) * sizeof *argv);
    argv[++*n_ops] = a;
}

/* One option found: --help noted, any other handed to the callback. */
static int take(const bf_opt_t *o, const char *val, bf_opt_fn on_opt, void *ctx, bool *help)
{
    if (o == &help_opt) {
        *help = true;
        return 0;
    }
    return on_opt(o->id, val, ctx);
}

int bf_cmd_parse(const bf_cmd_spec_t *spec, int argc, char **argv, bf_opt_fn on_opt, void *ctx,
                 int *n_operands)
{
    int n_ops = 0; /* operands are gathered in argv[1..n_ops] */
    bool help = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            for (int k = i + 1; k < argc; k++)
                keep_operand(argv, &n_ops, k);
            break;
        }
        if (a[0] != '-' || a[1] == '\0') {
            keep_operand(argv, &n_ops, i);
            continue;
        }
        if (a[1] == '-') { /* --name, --name=value, --name value */
            const char *eq = strchr(a + 2, '=');
            const bf_opt_t *o = find_long(spec, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
            if (!o) {
                unknown(spec, a);
                return -1;
            }
            const char *val = NULL;
            if (o->arg && eq) {
                val = eq + 1;
            } else if (o->arg && i + 1 < argc) {
                val = argv[++i];
            } else if (o->arg || eq) {
                fprintf(stderr, PROG ": error: --%s %s", o->name,
                        o->arg ? "needs a value" : "takes no value");
                see_help(spec);
                return -1;
            }
            if (take(o, val, on_opt, ctx, &help) < 0)
                return -1;
            continue;
        }
        for (const char *c = a + 1; *c; c++) { /* -DF, -j4, -j 4 */
            const bf_opt_t *o = find_short(spec, *c);
            if (!o) {
                fprintf(stderr, PROG ": error: unknown option \"-%c\"", *c);
                see_help(spec);
                return -1;
            }
            const char *val = NULL;
            if (o->arg) {
                if (c[1])
                    val = c + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                else {
                    fprintf(stderr, PROG ": error: -%c needs a value", *c);
                    see_help(spec);
                    return -1;
                }
            }
            if (take(o, val, on_opt, ctx, &help) < 0)
                return -1;
            if (val)
                break;
        }
    }
    if (help) {
        bf_cmd_help(spec, stdout);
        return 1;
    }
    /* the operands first, in order, after argv[0] */
    if ((size_t)n_ops < spec->min_operands || (size_t)n_ops > spec->max_operands) {
        const char *what = spec->operands ? spec->operands : "argument";
        if (spec->max_operands == 0)
            fprintf(stderr, PROG ": error: %s takes no %s, got \"%s\"", spec->name, what,
                    argv[1]);
        else if (spec->min_operands == spec->max_operands)
            fprintf(stderr, PROG ": error: %s needs %zu %s, got %d", spec->name,
                    spec->min_operands, what, n_ops);
        else
            fprintf(stderr, PROG ": error: %s takes at most %zu %s, got %d", spec->name,
                    spec->max_operands, what, n_ops);
        see_help(spec);
        return -1;
    }
    *n_operands = n_ops;
    return 0;
}

/* Writes text indented by ind after the first line, which starts at col. */
static void put_lines(FILE *to, const char *text, int col, int ind)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(to, "%*s%.*s\n", col, "", (int)n, p);
        col = ind;
        p += n + (p[n] == '\n');
    }
}

void bf_cmd_help(const bf_cmd_spec_t *spec, FILE *to)
{
    const char *prefix = "usage: ";
    for (const char *p = spec->usage; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(to, "%s" PROG " %.*s\n", prefix, (int)n, p);
        prefix = "       ";
        p += n + (p[n] == '\n');
    }
    if (spec->about) {
        fputc('\n', to);
        put_lines(to, spec->about, 0, 0);
    }
    fputs("\noptions:\n", to);
    for (size_t i = 0; i <= n_opts(spec); i++) {
        const bf_opt_t *o = i < n_opts(spec) ? &spec->opts[i] : &help_opt;
        char left[64];
        int k = snprintf(left, sizeof left, "  %c%c%s--%s%s%s", o->short_name ? '-' : ' ',
                         o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ",
                         o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fputs(left, to);
        if (k >= 24) { /* the help starts on the next line */
            fputc('\n', to);
            put_lines(to, o->help, 24, 24);
        } else {
            put_lines(to, o->help, 24 - k, 24);
        }
    }
    if (spec->epilog) {
        fputc('\n', to);
        put_lines(to, spec->epilog, 0, 0);
    }
}

/* Optimal string alignment distance, capped: 3 means "3 or more". */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64 || (n > m ? n - m : m - n) > 2)
        return 3;
    size_t d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < c)
                c = d[i - 2][j - 2] + 1;
            d[i][j] = c;
        }
    return d[n][m] > 3 ? 3 : d[n][m];
}

const char *bf_cmd_closest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL, *prefixed = NULL;
    size_t best_d = 3, n_prefixed = 0, wl = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
        if (wl && strncmp(names[i], word, wl) == 0) {
            prefixed = names[i];
            n_prefixed++;
        }
    }
    if (best)
        return best;
    return n_prefixed == 1 && wl >= 2 ? prefixed : NULL;
}
