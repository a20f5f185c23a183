/*
 * shared/mdtitle.h - a markdown page's title heading, found without
 * parsing the page: the coordinator takes a page's title from it (when
 * the front matter has none), and the worker's markdown adapter leaves a
 * leading title heading out of the page's HTML, since the template prints
 * page.title (see worker/markdown.h, bf_md_page_t.title).  Both must agree
 * on which heading that is, so both use this scan.
 */
#ifndef BF_SHARED_MDTITLE_H
#define BF_SHARED_MDTITLE_H

#include <stdbool.h>
#include <stddef.h>

/* The text of the first ATX level-1 heading ("# Title", indented less
 * than 4 spaces) of body[0..n) outside ``` and ~~~ fences: the line's
 * text without the "# ", closing #s, a trailing {#custom-id} and
 * surrounding blanks, as written (inline markdown is not interpreted).
 * Returns a pointer into body and sets *len, or NULL (no such heading, or
 * its text is empty).  *leading (may be NULL) is set when only blank
 * lines come before the heading. */
const char *bf_mdtitle_find(const char *body, size_t n, size_t *len, bool *leading);

#endif
