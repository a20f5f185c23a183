/*
 * coordinator/fields.h - from front matter to page fields and URLs.
 *
 * Phase 2 of discovery, top-down over the tree built by discover.c:
 *   1. cascade: a section's `cascade` map (merged over its parent's) is
 *      given to every descendant page and subsection for keys they do not
 *      set themselves;
 *   2. known front matter keys (DESIGN §1) are type-checked and copied
 *      into page fields; taxonomy keys are kept for link.c; everything
 *      else goes to page->params;
 *   3. drafts and future-dated pages are dropped unless --drafts/--future
 *      (a draft section drops its whole subtree);
 *   4. URLs and output paths: pretty URLs, `slug` (one path component),
 *      `url` (site-absolute, no ".."), aliases; every one validated with
 *      shared/fs.h's path rule.
 * Errors are reported at the offending value (file:line:col) and counted;
 * the phase goes on to report all of them.  Returns -1 only on OOM.
 */
#ifndef BF_COORDINATOR_FIELDS_H
#define BF_COORDINATOR_FIELDS_H

#include "coordinator/site.h"

int bf_fields_resolve(bf_site_t *s);

/* Output path of a normalised URL: "/" -> "index.html", "/a/" ->
 * "a/index.html", "/a.xml" -> "a.xml".  Arena string, NULL on OOM. */
const char *bf_fields_output_of(bf_arena_t *a, const char *url);

/* Lowercase, spaces and punctuation to single '-', letters and digits of
 * any script kept: "C++ Tips" -> "c-tips".  Used for taxonomy terms. */
const char *bf_fields_slugify(bf_arena_t *a, const char *s);

#endif
