/*
 * coordinator/scaffold.h - `bengal-farm new SITE`: a starter site.
 *
 * Writes a small documentation site into a new or empty directory: a
 * bengal.yaml (title, baseurl, a main menu, params), a home page, a docs
 * section (getting started, configuration, a page of examples) and a guides
 * section with two pages.  The files are string literals in scaffold.c; the
 * site uses the markdown features a build supports (headings, code, tables,
 * admonitions, cross-references, tags) and builds with no warnings under
 * --strict, so a new user's first build is clean.
 *
 * Invariant: nothing that already exists is ever overwritten.  The target
 * must be missing (it is made, parents too) or an empty directory.
 */
#ifndef BF_COORDINATOR_SCAFFOLD_H
#define BF_COORDINATOR_SCAFFOLD_H

/*
 * Creates the starter site in dir and prints one line on stdout saying how
 * to build it.  0, or -1 after logging why: dir exists and is not an empty
 * directory, or a directory or file cannot be created (files written before
 * the failure are left, so the user sees how far it got).
 */
int bf_scaffold_new(const char *dir);

#endif
