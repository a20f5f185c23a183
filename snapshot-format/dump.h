/*
 * snapshot-format/dump.h - `bengal-farm snapshot dump`.
 *
 * Prints a validated snapshot: site, pages, sections, taxonomies and terms,
 * menus, waves and values (params, data).  The text form is for people and
 * stable enough to diff; the JSON form is one JSON object with the same
 * content (keys: site, pages, sections, taxonomies, terms, menus,
 * menu_items, waves, fragments), strings escaped per RFC 8259.  Included
 * files (fragments) and include directives are printed in the text form
 * only when the site has some.
 */
#ifndef BF_SNAPSHOT_FORMAT_DUMP_H
#define BF_SNAPSHOT_FORMAT_DUMP_H

#include <stdio.h>

#include "snapshot-format/reader.h"

/* 0, or -1 on a write error (errno set). */
int bf_snap_dump_text(const bf_snap_t *s, FILE *out);
int bf_snap_dump_json(const bf_snap_t *s, FILE *out);

#endif
