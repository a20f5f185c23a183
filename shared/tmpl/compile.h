/*
 * shared/tmpl/compile.h - resolving a parsed template in place.
 *
 * Scoping (Jinja's rules, Kida's let/export):
 *   - the template's top level writes the template context (a name ->
 *     value map shared by the whole inheritance chain, read by blocks,
 *     macros and included templates); let and export always write it;
 *   - for bodies, with bodies, macro/def bodies, call bodies and blocks
 *     are scopes of their own: set inside them makes a local that does not
 *     leak out; if/elif/else, filter, cache, autoescape are not scopes;
 *   - a local is a frame slot.  Until a slot is assigned (and again at
 *     each loop iteration) reading it reads the next outer binding, as
 *     Jinja copies outer values into an inner scope;
 *   - macros and call bodies see the locals of where they are defined
 *     (closures); blocks do not (unless "scoped"), they see the context.
 *
 * Also: filters and tests are looked up (unknown ones are errors) and
 * their arguments put in parameter order; outputs learn whether they
 * escape (autoescape of the template and {% autoescape %} blocks); break
 * and continue are checked to be in a loop; blocks are collected and
 * duplicates reported; literal template names are listed in t->refs.
 *
 * Errors are reported to d (all of them); returns 0, or -1 on OOM.
 */
#ifndef BF_SHARED_TMPL_COMPILE_H
#define BF_SHARED_TMPL_COMPILE_H

#include "shared/arena.h"
#include "shared/tmpl/ast.h"
#include "shared/tmpl/error.h"
#include "shared/tmpl/filters.h"

/* Where the compile pass finds filters and tests (builtins and the
 * environment's own): returns NULL for an unknown name. */
typedef const bf_tmpl_filter_t *(*bf_tmpl_lookup_fn)(const void *env, const char *name,
                                                     size_t len, bool test);

int bf_tmpl_compile(bf_arena_t *a, bf_tmpl_t *t, bf_tmpl_lookup_fn lookup, const void *env,
                    bf_tmpl_diag_t *d);

#endif
