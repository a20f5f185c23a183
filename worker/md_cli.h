/*
 * worker/md_cli.h - "bengal-farm markdown": markdown on stdin, HTML on
 * stdout, through the same adapter the build uses.
 *
 *     bengal-farm markdown [--plain] [--unsafe] [--anchor-links] [-e EXT]...
 *
 * --plain gives exactly cmark-gfm's output (no heading ids, cross-
 * references, admonitions or link rewriting), so that the GFM spec suite
 * can run against it; -e names an extension as cmark-gfm's own CLI does
 * (table, strikethrough, autolink, tagfilter, tasklist, footnotes).
 * Without -e: no extension with --plain (like cmark-gfm), all of them
 * otherwise (like a site build).  Diagnostics (unresolved cross-references:
 * there is no site here) go to stderr as warnings.
 *
 * coordinator/main.c runs it for "bengal-farm markdown ..." with argv
 * starting at the command name (argv[0] == "markdown").
 */
#ifndef BF_WORKER_MD_CLI_H
#define BF_WORKER_MD_CLI_H

/* Returns the exit status: 0 done, 2 usage error, 3 internal failure
 * (out of memory, unreadable input, unwritable output). */
int bf_md_cli_main(int argc, char **argv);

#endif
