/*
 * shared/tmpl/embed.c - the theme embedded in the binary (see env.h).
 *
 * Empty for now: the default docs theme is generated into this table by
 * the theme's build step.  The table ends with a NULL name.
 */
#include "shared/tmpl/env.h"

const bf_tmpl_embed_t bf_tmpl_default_theme[] = {
    {NULL, NULL, 0},
};
