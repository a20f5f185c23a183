/*
 * coordinator/cli.h - the bengal-farm command line.
 *
 *   bengal-farm [build] [options] [SITE]
 *   bengal-farm snapshot build [options] [SITE]
 *   bengal-farm snapshot dump [--json] FILE
 *   bengal-farm version
 *
 * Returns the process exit status (DESIGN §5): 0 done, 1 content errors,
 * 2 usage, 3 internal failure.
 */
#ifndef BF_COORDINATOR_CLI_H
#define BF_COORDINATOR_CLI_H

#include "shared/farm.h"

#define BF_VERSION "0.1.0"

enum { BF_EXIT_OK = 0, BF_EXIT_CONTENT = 1, BF_EXIT_USAGE = 2, BF_EXIT_INTERNAL = 3 };

/* The entry points of worker code that main.c hands over (STYLE 3: no
 * other coordinator file includes worker/). */
typedef struct {
    bf_farm_roles_t farm;                   /* the worker process */
    int (*markdown)(int argc, char **argv); /* `bengal-farm markdown` */
    int (*template)(int argc, char **argv); /* `bengal-farm template` */
} bf_cli_roles_t;

int bf_cli_main(int argc, char **argv, const bf_cli_roles_t *roles);

#endif
