/*
 * coordinator/link.h - ordering and cross-linking the site tree.
 *
 * Phase 3 of discovery, after fields.c: everything the workers would
 * otherwise compute again for every page is computed here, once.
 *   - sorting: a section's regular pages, subsections and pages (both
 *     merged) by weight (0 = unweighted, last), then date (newest first),
 *     then title, then path, so the order is total and deterministic;
 *   - ids: sections depth-first; pages depth-first (a section's list page,
 *     then its regular pages, then its subsections), then taxonomy and
 *     term pages; site->regular: every regular page in the same order;
 *   - prev/next within each section's regular pages;
 *   - taxonomies: terms from front matter (a string or a list), slugged,
 *     "Go" and "go" being one term; term pages sorted newest first; one
 *     list page per configured taxonomy (even with no terms yet, as Hugo
 *     does) and one page per term;
 *   - menus from the config and from front matter `menu:` (a name, a list
 *     of names, or a map name -> {name, weight, parent, identifier});
 *   - uniqueness: two pages (or a page and an alias) with one output path,
 *     two pages with one path, two pages with one `id` are errors naming
 *     both files.
 * Errors are reported and counted; returns -1 only on OOM.
 */
#ifndef BF_COORDINATOR_LINK_H
#define BF_COORDINATOR_LINK_H

#include "coordinator/site.h"

int bf_link_site(bf_site_t *s);

/* The page order described above, as a qsort comparator over bf_page_t *. */
int bf_link_cmp_pages(const void *a, const void *b);

#endif
