/*
 * coordinator/assets.h - files the theme needs from the system: KaTeX, for
 * pages with math.
 *
 * KaTeX is not embedded (a megabyte of script and fonts most sites never
 * use): it is taken from a directory laid out as KaTeX's distribution,
 * math.katex_dir (default /usr/share/javascript/katex, Debian's
 * libjs-katex; npm's katex/dist has the same layout).  It must hold
 * katex.min.css, katex.min.js (or katex.js), contrib/auto-render.min.js
 * (or contrib/auto-render.js) and fonts/.  Found, it is published only
 * when some page has math, under BF_SNAP_KATEX_DIR with the fixed names
 * katex.min.css, katex.min.js, auto-render.min.js and fonts/, which the
 * theme names (site.katex is the directory's href).  Not found, pages
 * with math keep their TeX as text and the build warns once.
 *
 * Paths are found by stat (symlinks followed: Debian links fonts/ into
 * /usr/share/fonts).  Strings live in the caller's arena.
 */
#ifndef BF_COORDINATOR_ASSETS_H
#define BF_COORDINATOR_ASSETS_H

#include "shared/arena.h"


typedef struct {
    const char *dir;                      /* as configured, for messages */
    const char *css, *js, *auto_render;   /* source files */
    const char *fonts;                    /* source directory */
} bf_katex_t;

/* Looks for KaTeX in dir (a relative dir is taken from site_dir).  1 and
 * *out filled when every part is there, 0 when something is missing,
 * -1 on out of memory. */
int bf_assets_find_katex(bf_arena_t *a, const char *site_dir, const char *dir, bf_katex_t *out);

#endif
