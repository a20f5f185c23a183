/*
 * shared/tmpl/env.h - the template environment: loading and compiling.
 *
 * An environment holds every compiled template of a build.  The
 * coordinator makes one, gives it the search path (the site's templates/
 * directory, then a table of templates embedded in the binary), calls
 * bf_tmpl_env_compile_all() before forking, and the workers render from
 * it read-only (it is never written after compile_all, so fork shares its
 * pages).  Templates are found by name ("page.html", "partials/nav.html"):
 * each directory in order, then each embedded table; the first hit wins,
 * so a site overrides an embedded template by name.
 *
 * Compiling a template compiles the templates it names literally in
 * extends / include / import / from-import, and reports cycles that can
 * never end (extends cycles, unconditional include cycles) with the chain:
 *     base.html:1:1: error: template cycle: "base.html" -> "page.html" -> "base.html"
 *
 * Autoescape is on for templates whose name ends in .html, .htm, .xml,
 * .xhtml or .svg.  Jinja's defaults otherwise: one trailing newline of a
 * template is dropped (keep_trailing_newline false), no trim_blocks or
 * lstrip_blocks.
 *
 * Ownership: the environment owns everything (one arena); it copies
 * strings it is given, except embedded tables and filter definitions,
 * which must outlive it (they are static data).  Not thread-safe.
 *
 * Errors: every error is logged once (unless opts.quiet) in the
 * "name:line:col: error: ..." form with the source line and a caret, and
 * appended to opts.errors when given; functions return -1 when there were
 * errors (or on OOM).
 */
#ifndef BF_SHARED_TMPL_ENV_H
#define BF_SHARED_TMPL_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/tmpl/filters.h"
#include "shared/tmpl/value.h"

typedef struct bf_tmpl_env bf_tmpl_env_t;
typedef struct bf_tmpl bf_tmpl_t;

/* A file built into the binary (a template, or any static data a caller
 * keeps in the same form).  Tables end with a NULL name; src holds len
 * bytes. */
typedef struct {
    const char *name;
    const char *src;
    size_t len;
} bf_tmpl_embed_t;

typedef struct {
    bool keep_trailing_newline;
    bool quiet;       /* do not log errors */
    bf_buf_t *errors; /* if not NULL: every error's text is appended */
} bf_tmpl_env_opts_t;

/* opts may be NULL.  NULL on OOM. */
bf_tmpl_env_t *bf_tmpl_env_new(const bf_tmpl_env_opts_t *opts);
void bf_tmpl_env_free(bf_tmpl_env_t *env);
/* The environment's arena, for globals' values. */
bf_arena_t *bf_tmpl_env_arena(bf_tmpl_env_t *env);

/* Search path, in lookup order.  add_string is for tests and the CLI: a
 * named source (copied) looked up before directories.
 *
 * add_dir_at: the templates under rel (e.g. "templates"; "" for dirfd
 * itself) beneath the directory dirfd (the site root), which is dup'd
 * (the copy is the environment's, closed by bf_tmpl_env_free).
 * The walk and every load resolve rel/NAME with bf_fs_open_beneath
 * (shared/fs.h): a template file or directory that leaves dirfd through a
 * symlink is an error naming it ("site/templates/page.html: error: cannot
 * read: a symlink on the path leads outside the site, or is absolute"), never
 * read.  A missing rel holds no templates.  display prefixes template
 * file names in messages ("site/templates" gives
 * "site/templates/page.html:3:8").
 *
 * add_dir: the directory dir as the user named it (dir itself may be a
 * symlink), then as add_dir_at(fd of dir, "", dir): nothing under it may
 * lead out of it.  A missing dir holds no templates.
 *
 * Both return -1 (reported) if the directory cannot be opened or on OOM.
 *
 * add_embedded: the templates of table (not copied: static data), named
 * in messages "display/NAME" ("<theme>" gives "<theme>/base.html").
 * -1 on OOM. */
int bf_tmpl_env_add_dir(bf_tmpl_env_t *env, const char *dir);
int bf_tmpl_env_add_dir_at(bf_tmpl_env_t *env, int dirfd, const char *rel, const char *display);
int bf_tmpl_env_add_embedded(bf_tmpl_env_t *env, const bf_tmpl_embed_t *table,
                             const char *display);
int bf_tmpl_env_add_string(bf_tmpl_env_t *env, const char *name, const char *src, size_t len);

/* Filters, tests and global variables beyond the built-in ones (a later
 * definition of a name replaces an earlier or built-in one).  Must be
 * added before compiling.  Global values must live as long as env (use
 * bf_tmpl_env_arena). */
int bf_tmpl_env_add_filter(bf_tmpl_env_t *env, const bf_tmpl_filter_t *f);
int bf_tmpl_env_add_test(bf_tmpl_env_t *env, const bf_tmpl_filter_t *t);
int bf_tmpl_env_add_global(bf_tmpl_env_t *env, const char *name, bf_tv_t v);

/* The site's base URL for absolute_url / relative_url ("https://x.org/docs",
 * "/docs" or ""); copied. */
int bf_tmpl_env_set_baseurl(bf_tmpl_env_t *env, const char *baseurl);
const char *bf_tmpl_env_baseurl(const bf_tmpl_env_t *env);

/* Finds, parses and compiles one template and what it names.  *out is
 * set even when the template has errors (NULL only if not found).
 * Returns -1 if not found (reported: template "x" not found) or if it or
 * a template it names has an error. */
int bf_tmpl_env_load(bf_tmpl_env_t *env, const char *name, const bf_tmpl_t **out);
/* Compiles every template of the search path (the files under each
 * directory whose extension templates have: .html .htm .xml .txt .json
 * .js .css .svg .j2 .jinja .jinja2 .tmpl .tpl; and all embedded entries),
 * reporting all errors.  -1 if any.  Other files (an image, a README.md)
 * are left alone unless a template names them. */
int bf_tmpl_env_compile_all(bf_tmpl_env_t *env);

/* A compiled template by name, or NULL (never loads: usable after fork). */
const bf_tmpl_t *bf_tmpl_env_get(const bf_tmpl_env_t *env, const char *name, size_t len);
/* Names of the compiled templates, sorted (for listings). */
size_t bf_tmpl_env_count(const bf_tmpl_env_t *env);
const char *bf_tmpl_env_name(const bf_tmpl_env_t *env, size_t i);
/* Errors reported so far. */
size_t bf_tmpl_env_errors(const bf_tmpl_env_t *env);
/* Name of a compiled template. */
const char *bf_tmpl_name(const bf_tmpl_t *t);
bool bf_tmpl_ok(const bf_tmpl_t *t);

/* Internal to the engine (compile.c, rt.c, exec.c). */
const bf_tmpl_filter_t *bf_tmpl_env_lookup(const void *env, const char *name, size_t len,
                                           bool test);
bool bf_tmpl_env_global(const bf_tmpl_env_t *env, const char *name, size_t len, bf_tv_t *out);

#endif
