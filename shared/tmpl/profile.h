/*
 * shared/tmpl/profile.h - counters for --profile-templates.
 *
 * Each worker gives its renders one profile table (render opts .profile).
 * The engine counts, by name: time in each template (its whole run, with
 * what it includes and extends), time in each block, calls and time of
 * each macro/def, includes of each template, and calls of each filter.
 * Times are inclusive (a block's time counts in its template's too),
 * measured with CLOCK_MONOTONIC only while a table is attached, so an
 * unprofiled render pays one pointer test per call.
 *
 * Entries are plain fixed-size records (no pointers) so that a worker can
 * copy its table into shared memory or a pipe; the coordinator sums the
 * workers' tables with bf_tmpl_profile_add() and prints the top entries.
 *
 * Ownership: the table mallocs its entries; free it with
 * bf_tmpl_profile_free().  Not thread-safe.
 */
#ifndef BF_SHARED_TMPL_PROFILE_H
#define BF_SHARED_TMPL_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    BF_TPROF_TEMPLATE = 't',
    BF_TPROF_BLOCK = 'b',
    BF_TPROF_MACRO = 'm',
    BF_TPROF_INCLUDE = 'i',
    BF_TPROF_FILTER = 'f',
} bf_tprof_kind_t;

typedef struct {
    char kind;      /* bf_tprof_kind_t */
    char name[119]; /* "page.html", "page.html:content", "macros.html:link", "upper" */
    uint64_t calls;
    uint64_t ns;    /* inclusive; 0 for includes and filters */
} bf_tprof_entry_t;
_Static_assert(sizeof(bf_tprof_entry_t) == 136, "profile entry size");

typedef struct bf_tmpl_profile bf_tmpl_profile_t;

bf_tmpl_profile_t *bf_tmpl_profile_new(void); /* NULL on OOM */
void bf_tmpl_profile_free(bf_tmpl_profile_t *p);

/* Counts one call of kind/name (name cut to fit) taking ns.  Silently
 * drops it when memory runs out: profiling must not fail a build. */
void bf_tmpl_profile_count(bf_tmpl_profile_t *p, char kind, const char *name, size_t len,
                           uint64_t ns);
/* Adds every entry of src (another worker's table, as records). */
void bf_tmpl_profile_add(bf_tmpl_profile_t *p, const bf_tprof_entry_t *src, size_t n);

size_t bf_tmpl_profile_size(const bf_tmpl_profile_t *p);
const bf_tprof_entry_t *bf_tmpl_profile_entries(const bf_tmpl_profile_t *p);

/* Prints the top n entries of each kind, by time (calls for includes and
 * filters), as aligned text. */
void bf_tmpl_profile_print(const bf_tmpl_profile_t *p, FILE *f, size_t n);

/* Monotonic nanoseconds, for the engine's measurements. */
uint64_t bf_tmpl_profile_now(void);

#endif
