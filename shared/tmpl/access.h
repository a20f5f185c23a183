/*
 * shared/tmpl/access.h - reading values with Jinja's rules: attributes,
 * items, slices, iteration, length, membership, mappings.
 *
 * Values come from anywhere (the render arena, value trees, host objects);
 * what these functions make (materialised item arrays, slices) goes to the
 * render arena.  Errors are recorded in rt (rt.h) and returned as -1.
 */
#ifndef BF_SHARED_TMPL_ACCESS_H
#define BF_SHARED_TMPL_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/tmpl/rt.h"
#include "shared/tmpl/value.h"

/* Attribute and item access with Jinja's rules: 1 found, 0 missing, -1
 * error.  getitem takes ints (negative from the end), strings, slices are
 * separate (bf_tmpl_slice). */
int bf_tmpl_getattr(bf_tmpl_rt_t *rt, bf_tv_t v, const bf_tmpl_name_t *name, bf_tv_t *out);
int bf_tmpl_getitem(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t key, bf_tv_t *out);
int bf_tmpl_slice(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t start, bf_tv_t stop, bf_tv_t step,
                  bf_tv_t *out);
/* Items to iterate (map: keys; string: characters).  The array may be
 * the list's own storage: do not modify it.  -1 if v is not iterable. */
int bf_tmpl_iter(bf_tmpl_rt_t *rt, bf_tv_t v, const bf_tv_t **items, size_t *n);
/* len(v); -1 if v has no length. */
int bf_tmpl_len(bf_tmpl_rt_t *rt, bf_tv_t v, size_t *n);
/* Map-like values (MAP, TREE map, OBJ of shape MAP): key i and value i. */
bool bf_tmpl_is_mapping(bf_tv_t v);
int bf_tmpl_map_items(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t **keys, bf_tv_t **vals, size_t *n);
/* "x in v". */
int bf_tmpl_contains(bf_tmpl_rt_t *rt, bf_tv_t v, bf_tv_t x, bool *res);
#endif
