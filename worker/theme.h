/*
 * worker/theme.h - the documentation theme built into the binary.
 *
 * The theme's sources are the files of worker/theme/: templates (*.html,
 * partials/) and assets/ (theme.css, theme.js).  make turns them into C
 * with worker/theme/embed.py, into build/gen/theme.c, whenever one of
 * them changes, and compiles that into every build (optimised, sanitizer,
 * fuzz); the tables below are its whole interface.  Nothing generated is
 * committed: a file under worker/theme/ is the only copy of the theme.
 *
 * The template engine (shared/tmpl) knows nothing of this theme: it takes
 * any embedded table (bf_tmpl_env_add_embedded).  Worker code includes
 * this header; the coordinator, which compiles the templates, plans the
 * pages against the theme's names and publishes its assets, gets the two
 * tables from coordinator/main.c (bf_farm_roles_t, STYLE 3).
 *
 * Both tables are static data, sorted by name, ending with a NULL name;
 * src holds len bytes followed by a NUL.
 */
#ifndef BF_WORKER_THEME_H
#define BF_WORKER_THEME_H

#include "shared/tmpl/env.h"

/* The templates, named by their path below worker/theme/ ("base.html",
 * "partials/lists.html"): looked up after a site's templates/, so a site
 * overrides one by name. */
extern const bf_tmpl_embed_t bf_theme_templates[];

/* The files of worker/theme/assets/, named by file name ("theme.css"):
 * published as they are under BF_SNAP_THEME_DIR (snapshot-format/
 * snapshot.h), unless the site's static/ has a file of that name. */
extern const bf_tmpl_embed_t bf_theme_assets[];

#endif
