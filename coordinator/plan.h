/*
 * coordinator/plan.h - templates and waves.
 *
 * Phase 4 (DESIGN §3 template selection, §4 step 3):
 *
 * Template: front matter `template` (or `layout`) as written; else the
 * first that exists of <type>/single.html (list.html for list pages),
 * <top-level section>/single.html, then page.html for pages, home.html for
 * the home page, taxonomy.html / term.html for taxonomy and term pages,
 * and list.html for every list page; 404.html and search.html for the
 * not-found and search pages the build makes.  "Exists" means present in the site's
 * templates/ directory or in the embedded theme; when nothing exists the
 * last name of the chain is chosen, so the template engine names a
 * missing template precisely.
 *
 * Waves: level 0 holds every regular page, level 1 every list page
 * (sections, home, taxonomies, terms) and the not-found and search
 * pages, level 2 one wave per aggregate
 * output (sitemap.xml, rss.xml, index.json, llms.txt, robots.txt) with no
 * pages.  Within a level, pages are grouped into runs of one section and
 * one template, in the section's order, and a run heavier than the wave
 * size is cut into parts of about equal weight no heavier than it (a page
 * weighs 1, a list page the number of its pagers, so one tag of 2,000
 * pages does not sit in a wave with 49 others).  Waves of a level are
 * ordered heaviest first (longest-processing-time scheduling keeps N
 * workers busy to the end), ties by creation order.
 */
#ifndef BF_COORDINATOR_PLAN_H
#define BF_COORDINATOR_PLAN_H

#include "coordinator/site.h"

#define BF_PLAN_WAVE_SIZE 64

int bf_plan_site(bf_site_t *s);

#endif
