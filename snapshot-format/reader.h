/*
 * snapshot-format/reader.h - mapping and validating a snapshot.
 *
 * bf_snap_open() maps the file read-only (MAP_SHARED, so every process
 * shares the page cache) and validates all of it before returning: magic,
 * version, endianness, sizes, checksum, every table's bounds and alignment,
 * and every string, range, id and value index in every record (strings in
 * bounds, NUL-terminated, valid UTF-8; output paths valid relative paths;
 * ids below their table's count; value children after their parent).
 * After that the accessors below do no checks and cannot fail.
 *
 * The mapping is inherited across fork(): the coordinator opens and
 * validates once, workers and the writer just read.
 *
 * Errors: bf_snap_open() logs one message naming the file and what is
 * wrong ("x.bfs: corrupt snapshot: page 3: title out of bounds") and
 * returns -1.
 */
#ifndef BF_SNAPSHOT_FORMAT_READER_H
#define BF_SNAPSHOT_FORMAT_READER_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot-format/snapshot.h"

typedef struct bf_snap bf_snap_t;

int bf_snap_open(const char *path, bf_snap_t **out);
/* Validates len bytes at p (not copied: keep them alive and unchanged
 * while the snapshot is used).  name is used in messages.  p must be
 * 8-byte aligned (records hold uint64 fields). */
int bf_snap_from_mem(const void *p, size_t len, const char *name, bf_snap_t **out);
void bf_snap_close(bf_snap_t *s);
/* The whole file's bytes (*len of them): what a digest of it covers. */
const void *bf_snap_bytes(const bf_snap_t *s, size_t *len);

const bf_snap_header_t *bf_snap_header(const bf_snap_t *s);
uint32_t bf_snap_count(const bf_snap_t *s, bf_snap_table_id_t t);

const bf_snap_site_t *bf_snap_site(const bf_snap_t *s);
const bf_snap_page_t *bf_snap_page(const bf_snap_t *s, uint32_t id);
const bf_snap_section_t *bf_snap_section(const bf_snap_t *s, uint32_t id);
const bf_snap_taxonomy_t *bf_snap_taxonomy(const bf_snap_t *s, uint32_t id);
const bf_snap_term_t *bf_snap_term(const bf_snap_t *s, uint32_t id);
const bf_snap_menu_t *bf_snap_menu(const bf_snap_t *s, uint32_t id);
const bf_snap_menu_item_t *bf_snap_menu_item(const bf_snap_t *s, uint32_t id);
const bf_snap_wave_t *bf_snap_wave(const bf_snap_t *s, uint32_t id);
const bf_snap_fragment_t *bf_snap_fragment(const bf_snap_t *s, uint32_t id);
const bf_snap_value_t *bf_snap_value(const bf_snap_t *s, uint32_t idx);

/* The id of the taxonomy named name ("tags"), or BF_SNAP_NONE. */
uint32_t bf_snap_taxonomy_named(const bf_snap_t *s, const char *name);

/* The terms of p in taxonomy tax: a sub-range of p->terms (which is in
 * taxonomy order, so they are contiguous); empty when none. */
bf_snap_range_t bf_snap_page_terms_in(const bf_snap_t *s, const bf_snap_page_t *p, uint32_t tax);

/* Pages [0, n) are the site's; [n, count) are those the build makes (the
 * not-found and search pages), which come last (FORMAT.md 4.2). */
uint32_t bf_snap_content_pages(const bf_snap_t *s);

/* The name of a page kind, as templates see it (page.kind): "page",
 * "section", "home", "taxonomy", "term", "404", "search"; "unknown" past
 * them.  A static string. */
const char *bf_snap_kind_name(unsigned kind);

/* NUL-terminated string of a str field. */
const char *bf_snap_str(const bf_snap_t *s, bf_snap_str_t r);
/* Markdown body of a page (not NUL-terminated: use p->body_len). */
const char *bf_snap_body(const bf_snap_t *s, const bf_snap_page_t *p);
/* Where resource k of page p (a bundle's file, "content/x/shot.png") is
 * published: beside the page's output ("x/shot.png" for "x/index.html").
 * The length written (0 when it does not fit in cap bytes). */
size_t bf_snap_resource_output(const bf_snap_t *s, const bf_snap_page_t *p, uint32_t k,
                               char *out, size_t cap);
/* Markdown body of an included file (not NUL-terminated). */
const char *bf_snap_fragment_body(const bf_snap_t *s, const bf_snap_fragment_t *f);
/* The include directives of a range (a page's or fragment's includes). */
const bf_snap_include_t *bf_snap_includes(const bf_snap_t *s, bf_snap_range_t r);
const uint32_t *bf_snap_ids(const bf_snap_t *s, bf_snap_range_t r);
const bf_snap_str_t *bf_snap_strs(const bf_snap_t *s, bf_snap_range_t r);

/* Child lookup in a MAP value by key; BF_SNAP_NONE if absent/not a map. */
uint32_t bf_snap_value_get(const bf_snap_t *s, uint32_t map, const char *key);

/* Page lookups (binary search over site.by_path / by_ref_id); NONE if
 * not found. */
uint32_t bf_snap_find_path(const bf_snap_t *s, const char *path, size_t len);
uint32_t bf_snap_find_ref_id(const bf_snap_t *s, const char *id, size_t len);

#endif
