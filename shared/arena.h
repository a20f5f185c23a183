/*
 * shared/arena.h - block arena allocator.
 *
 * Memory is taken from malloc'd blocks and given out by bumping a pointer;
 * single objects are never freed.  The whole arena is reset at once
 * (bf_arena_reset), or rolled back to a mark (bf_arena_release), which keeps
 * the blocks for reuse so that a per-page arena reaches a steady state and
 * stops calling malloc.
 *
 * Ownership: the arena owns every byte it returns; pointers die at the next
 * reset/release past them.  Not thread-safe (one arena, one process).
 *
 * Errors: allocation functions return NULL when malloc fails or the size
 * overflows.  The coordinator checks; a worker treats it as fatal (STYLE 6).
 */
#ifndef BF_SHARED_ARENA_H
#define BF_SHARED_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct bf_arena bf_arena_t;

/* A position in an arena: bf_arena_release() frees everything after it. */
typedef struct {
    void *block;
    size_t used;
} bf_arena_mark_t;

#define BF_ARENA_ALIGN 16

/* New arena whose blocks are at least block_size bytes (0: 64 KiB). */
bf_arena_t *bf_arena_create(size_t block_size);
void bf_arena_destroy(bf_arena_t *a);

/* n bytes aligned to BF_ARENA_ALIGN; n == 0 returns a valid unique pointer. */
void *bf_arena_alloc(bf_arena_t *a, size_t n);
void *bf_arena_zalloc(bf_arena_t *a, size_t n);
/* count * size with overflow check, zeroed. */
void *bf_arena_calloc(bf_arena_t *a, size_t count, size_t size);
/* Copies n bytes of s and adds a NUL. */
char *bf_arena_strndup(bf_arena_t *a, const char *s, size_t n);
char *bf_arena_strdup(bf_arena_t *a, const char *s);
char *bf_arena_sprintf(bf_arena_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *bf_arena_vsprintf(bf_arena_t *a, const char *fmt, va_list ap);
/* Copy of n bytes (no NUL added). */
void *bf_arena_memdup(bf_arena_t *a, const void *p, size_t n);

bf_arena_mark_t bf_arena_mark(const bf_arena_t *a);
void bf_arena_release(bf_arena_t *a, bf_arena_mark_t m);
/* Forget everything; keep the first block (and reuse the others). */
void bf_arena_reset(bf_arena_t *a);
/* Bytes handed out since creation or the last reset (statistics). */
size_t bf_arena_used(const bf_arena_t *a);
/* Blocks malloc'd so far, kept until destroy (statistics; lets tests check
 * that a reset arena reaches a steady state and stops calling malloc). */
size_t bf_arena_blocks(const bf_arena_t *a);
/* Allocations that failed (malloc returned NULL) since creation: a
 * safety net for code that builds a structure in many small steps and
 * could lose one of them to out-of-memory without noticing (the template
 * compiler: a token or a filter missing is a different template). */
size_t bf_arena_failures(const bf_arena_t *a);

#endif
