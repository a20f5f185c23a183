/*
 * worker/tmpl_cli.h - "bengal-farm template": a debug command for theme
 * authors and tests, through the same engine the build uses.
 *
 *     bengal-farm template render --templates DIR [--templates DIR2]...
 *                 [--context FILE.yaml|json] [--baseurl URL] [--no-theme] NAME
 *     bengal-farm template check  --templates DIR... [--no-theme]
 *     bengal-farm template list   --templates DIR... [--no-theme]
 *
 * render compiles every template of the search path (the directories in
 * order, then the embedded theme unless --no-theme), then renders NAME
 * with the context file's top-level map as its variables and writes the
 * result to stdout.  check compiles everything and reports every error;
 * list prints the names of the templates found.
 *
 * The context file is YAML (so JSON too); this module may not include the
 * coordinator's YAML adapter, so the caller passes a loader:
 * load_context(arena, path) returns the parsed tree (a map, or NULL after
 * logging an error).  The lead wires bf_tmpl_cli_main into the program's
 * main as the "template" command with coordinator/yaml.h's loader; argv[0]
 * is the command name ("template").
 *
 * Exit status: 0 done, 1 template or context errors (reported on stderr
 * with file:line:col, the source line and a caret), 2 usage error, 3
 * internal failure (out of memory, unwritable output).
 */
#ifndef BF_WORKER_TMPL_CLI_H
#define BF_WORKER_TMPL_CLI_H

#include "shared/arena.h"
#include "shared/value.h"

typedef bf_value_t *(*bf_tmpl_cli_loader_t)(bf_arena_t *a, const char *path);

int bf_tmpl_cli_main(int argc, char **argv, bf_tmpl_cli_loader_t load_context);

#endif
