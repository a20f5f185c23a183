/*
 * shared/arena.c - block arena allocator (see arena.h).
 *
 * The arena is a singly linked chain of blocks in the order they were first
 * needed, and a cursor (cur) on the block being filled.  Every block before
 * cur is in use; blocks after cur are kept from earlier pages and are
 * reused, in chain order, when cur runs out.  Because a reset walks the same
 * chain again, a page that allocates the same pattern as an earlier one
 * finds every block it needs already there: after the first page the arena
 * stops calling malloc (the "steady state").
 *
 * An allocation larger than the block size gets a block of its own, sized
 * for it, inserted after cur; the tail of cur is abandoned.  A block that
 * is too small for a request is never skipped over: a new block is put in
 * front of it instead, so the chain order stays the order of first use.
 *
 * Invariants: cur is never NULL (the first block is made by create);
 * blocks up to and including cur have valid used counts; data of every
 * block starts BF_ARENA_ALIGN-aligned and used is a multiple of it.
 */
#include "shared/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BF_ARENA_DEFAULT_BLOCK (64 * 1024)

typedef struct bf_arena_block {
    struct bf_arena_block *next;
    size_t cap;  /* usable bytes after the header */
    size_t used; /* bytes handed out from this block */
} bf_arena_block_t;

/* The header is padded so that data starts aligned (malloc gives at least
 * max_align_t alignment, which is 16 on the targets we build for). */
#define BF_ARENA_HDR \
    ((sizeof(bf_arena_block_t) + BF_ARENA_ALIGN - 1) & ~(size_t)(BF_ARENA_ALIGN - 1))

_Static_assert(alignof(max_align_t) >= BF_ARENA_ALIGN,
               "malloc alignment is below BF_ARENA_ALIGN");

struct bf_arena {
    bf_arena_block_t *first;
    bf_arena_block_t *cur;
    size_t block_size;
    size_t n_blocks;
    size_t n_failed;    /* allocations that returned NULL */
};

static inline unsigned char *block_data(bf_arena_block_t *b)
{
    return (unsigned char *)b + BF_ARENA_HDR;
}

static bf_arena_block_t *block_new(size_t cap)
{
    if (cap > SIZE_MAX - BF_ARENA_HDR)
        return NULL;
    bf_arena_block_t *b = malloc(BF_ARENA_HDR + cap);
    if (!b)
        return NULL;
    b->next = NULL;
    b->cap = cap;
    b->used = 0;
    return b;
}

bf_arena_t *bf_arena_create(size_t block_size)
{
    if (block_size == 0)
        block_size = BF_ARENA_DEFAULT_BLOCK;
    if (block_size > SIZE_MAX / 2)
        return NULL;
    block_size = (block_size + BF_ARENA_ALIGN - 1) & ~(size_t)(BF_ARENA_ALIGN - 1);

    bf_arena_t *a = malloc(sizeof *a);
    if (!a)
        return NULL;
    a->first = block_new(block_size);
    if (!a->first) {
        free(a);
        return NULL;
    }
    a->cur = a->first;
    a->block_size = block_size;
    a->n_blocks = 1;
    a->n_failed = 0;
    return a;
}

void bf_arena_destroy(bf_arena_t *a)
{
    if (!a)
        return;
    bf_arena_block_t *b = a->first;
    while (b) {
        bf_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *bf_arena_alloc(bf_arena_t *a, size_t n)
{
    /* n == 0 still takes one aligned slot so that the pointer is unique. */
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - BF_ARENA_ALIGN)
        return NULL;
    n = (n + BF_ARENA_ALIGN - 1) & ~(size_t)(BF_ARENA_ALIGN - 1);

    bf_arena_block_t *b = a->cur;
    if (b->cap - b->used < n) {
        bf_arena_block_t *next = b->next;
        if (next && next->cap >= n) {
            next->used = 0;
            b = next;
        } else {
            size_t cap = n > a->block_size ? n : a->block_size;
            bf_arena_block_t *nb = block_new(cap);
            if (!nb) {
                a->n_failed++;
                return NULL;
            }
            nb->next = next;
            b->next = nb;
            a->n_blocks++;
            b = nb;
        }
        a->cur = b;
    }
    void *p = block_data(b) + b->used;
    b->used += n;
    return p;
}

void *bf_arena_zalloc(bf_arena_t *a, size_t n)
{
    void *p = bf_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *bf_arena_calloc(bf_arena_t *a, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return bf_arena_zalloc(a, count * size);
}

void *bf_arena_memdup(bf_arena_t *a, const void *p, size_t n)
{
    void *d = bf_arena_alloc(a, n);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

char *bf_arena_strndup(bf_arena_t *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *d = bf_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *bf_arena_strdup(bf_arena_t *a, const char *s)
{
    return bf_arena_strndup(a, s, strlen(s));
}

char *bf_arena_vsprintf(bf_arena_t *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *d = bf_arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *bf_arena_sprintf(bf_arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = bf_arena_vsprintf(a, fmt, ap);
    va_end(ap);
    return d;
}

bf_arena_mark_t bf_arena_mark(const bf_arena_t *a)
{
    bf_arena_mark_t m = {a->cur, a->cur->used};
    return m;
}

void bf_arena_release(bf_arena_t *a, bf_arena_mark_t m)
{
    /* Blocks after the mark stay in the chain and are reused in order. */
    bf_arena_block_t *b = m.block;
    a->cur = b;
    b->used = m.used;
}

void bf_arena_reset(bf_arena_t *a)
{
    a->cur = a->first;
    a->first->used = 0;
}

size_t bf_arena_used(const bf_arena_t *a)
{
    size_t total = 0;
    for (const bf_arena_block_t *b = a->first; b; b = b->next) {
        total += b->used;
        if (b == a->cur)
            break;
    }
    return total;
}

size_t bf_arena_blocks(const bf_arena_t *a)
{
    return a->n_blocks;
}

size_t bf_arena_failures(const bf_arena_t *a)
{
    return a->n_failed;
}
