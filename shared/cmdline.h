/*
 * shared/cmdline.h - one way to read a command's options, and to say
 * what they are.
 *
 * Every bengal-farm command (build, check, serve, new, clean, snapshot,
 * markdown, template, version) describes its options in a table of
 * bf_opt_t; the same table parses argv and writes `--help`, so the two
 * cannot disagree.  The rules are GNU's:
 *
 *   - options and operands may come in any order ("bengal-farm site -j2"
 *     and "bengal-farm -j2 site" are the same); "--" ends the options;
 *   - "--name VALUE" or "--name=VALUE"; "-j 4", "-j4"; flags combine
 *     ("-DF"); a lone "-" is an operand;
 *   - long names are matched exactly (no abbreviations: a later option
 *     can then never change what an old command line means).
 *
 * Errors are one line on stderr in the program's format,
 *   bengal-farm: error: unknown option "--jbos" (did you mean "--jobs"?);
 *   see "bengal-farm build --help"
 * and never the whole help.
 */
#ifndef BF_SHARED_CMDLINE_H
#define BF_SHARED_CMDLINE_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    int id;                /* what the callback gets (> 0); 0 ends a table */
    const char *name;      /* long name, without "--" */
    char short_name;       /* 0: none */
    const char *arg;       /* NULL: a flag; else the value's name ("N") */
    const char *help;      /* what it does; "\n" breaks lines */
} bf_opt_t;

typedef struct {
    const char *name;      /* "build", "snapshot build": for messages */
    const char *usage;     /* after "usage: bengal-farm ", one line per
                              form ("\n" between) */
    const char *about;     /* a paragraph for --help, or NULL */
    const bf_opt_t *opts;  /* ending with {0}; NULL: none but --help */
    size_t min_operands, max_operands;
    const char *operands;  /* what they are, for messages ("SITE") */
    const char *epilog;    /* more text after the options, or NULL */
} bf_cmd_spec_t;

/* Called for each option in order; arg is its value (NULL for a flag).
 * 0, or -1 after printing why (bf_cmd_bad_value). */
typedef int (*bf_opt_fn)(int id, const char *arg, void *ctx);

/*
 * Parses argv[1..argc) (argv[0] is the command's name) against spec.
 * The operands end up, in order, in argv[1..1 + *n_operands), the options
 * after them in their order (the array is permuted, so that parsing it
 * again gives the same result).  -h / --help print the help on stdout and return 1.  An
 * unknown option, a missing value or a wrong number of operands is
 * reported (one line) and returns -1; else 0.
 */
int bf_cmd_parse(const bf_cmd_spec_t *spec, int argc, char **argv, bf_opt_fn on_opt, void *ctx,
                 int *n_operands);

/* The help of spec: usage, about, options (with -h, --help), epilog. */
void bf_cmd_help(const bf_cmd_spec_t *spec, FILE *to);

/* Reports "bengal-farm: error: --opt wants WHAT, not "VALUE"" and
 * returns -1 (for callbacks). */
int bf_cmd_bad_value(const bf_cmd_spec_t *spec, int id, const char *value, const char *what);

/* Of names[0..n), the one closest to word (Damerau-Levenshtein distance
 * at most 2, or word a prefix of exactly one name), or NULL. */
const char *bf_cmd_closest(const char *word, const char *const *names, size_t n);

#endif
