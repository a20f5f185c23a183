/*
 * shared/farm.c - layout of the farm's control region (see farm.h).
 */
#include "shared/farm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/ring.h"

static int add(size_t *at, size_t n, size_t align, size_t *out)
{
    size_t a = (*at + align - 1) & ~(align - 1);
    if (a < *at || a > SIZE_MAX - n)
        return -1;
    *out = a;
    *at = a + n;
    return 0;
}

int bf_farm_layout(uint32_t n_slots, uint32_t n_writers, uint32_t n_waves, uint32_t n_pages,
                   size_t ring_capacity, bf_farm_layout_t *out)
{
    size_t at = sizeof(bf_farm_ctl_t);
    out->ring_size = bf_ring_size_for(ring_capacity);
    /* n_pages and n_slots are 32-bit, so the products below fit in a
     * 64-bit size_t; the offsets are still checked as they add up. */
    _Static_assert(sizeof(size_t) >= 8, "64-bit sizes");
    if (!out->ring_size || n_slots == 0 || n_writers == 0 || n_writers > n_slots)
        return -1;
    if (add(&at, n_slots * sizeof(bf_farm_slot_t), 64, &out->slots) < 0 ||
        add(&at, n_waves, 64, &out->waves) < 0 ||
        add(&at, (size_t)n_waves * sizeof(uint32_t), 64, &out->owners) < 0 ||
        add(&at, n_pages, 64, &out->kills) < 0 ||
        add(&at, (size_t)n_pages * sizeof(bf_farm_summary_t), 64, &out->summaries) < 0 ||
        add(&at, (size_t)n_slots * sizeof(bf_farm_profile_t), 64, &out->profiles) < 0 ||
        add(&at, (size_t)n_slots * sizeof(bf_farm_langs_t), 64, &out->langs) < 0 ||
        add(&at, (size_t)n_writers * sizeof(bf_ring_bell_t), 64, &out->bells) < 0 ||
        add(&at, (size_t)n_slots * out->ring_size, 4096, &out->rings) < 0)
        return -1;
    out->total = at;
    return 0;
}

unsigned bf_farm_writer_of(unsigned slot, unsigned n_slots, unsigned n_writers)
{
    return (unsigned)((uint64_t)slot * n_writers / n_slots);
}

void bf_farm_group(unsigned g, unsigned n_slots, unsigned n_writers, unsigned *first,
                   unsigned *count)
{
    /* the smallest slot s with s * W / N >= g is ceil(g * N / W) */
    uint64_t a = ((uint64_t)g * n_slots + n_writers - 1) / n_writers;
    uint64_t b = ((uint64_t)(g + 1) * n_slots + n_writers - 1) / n_writers;
    *first = (unsigned)a;
    *count = (unsigned)(b - a);
}

void bf_farm_deps_note(bf_farm_deps_t *d, uint32_t id)
{
    if (!d || !d->on || d->overflow)
        return;
    if (d->n && d->ids[d->n - 1] == id)
        return; /* the common repeat: one page read twice in a row */
    if (d->n >= 4 * BF_FARM_DEPS_MAX) { /* repeats included: finish counts */
        bf_farm_deps_finish(d);
        if (d->n >= BF_FARM_DEPS_MAX) {
            d->overflow = 1;
            return;
        }
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        uint32_t *ids = realloc(d->ids, cap * sizeof *ids);
        if (!ids) {
            d->overflow = 1;
            return;
        }
        d->ids = ids;
        d->cap = cap;
    }
    d->ids[d->n++] = id;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

void bf_farm_deps_finish(bf_farm_deps_t *d)
{
    if (!d->n || d->overflow)
        return;
    d->finishes++;
    qsort(d->ids, d->n, sizeof *d->ids, cmp_u32);
    size_t k = 1;
    for (size_t i = 1; i < d->n; i++)
        if (d->ids[i] != d->ids[k - 1])
            d->ids[k++] = d->ids[i];
    d->n = k;
}

bf_digest_t bf_farm_deps_digest(const bf_digest_t *meta, const bf_farm_summary_t *sums,
                                const uint32_t *ids, size_t n)
{
    bf_digest_t acc = {n, 0};
    for (size_t i = 0; i < n; i++) {
        struct {
            bf_digest_t meta;
            uint32_t id, words, minutes, flags, len;
            char excerpt[BF_FARM_EXCERPT_MAX];
        } rec;
        memset(&rec, 0, offsetof(__typeof__(rec), excerpt));
        rec.meta = meta[ids[i]];
        rec.id = ids[i];
        if (sums) {
            const bf_farm_summary_t *s = &sums[ids[i]];
            rec.len = s->excerpt_len <= BF_FARM_EXCERPT_MAX ? s->excerpt_len : 0;
            rec.words = s->word_count;
            rec.minutes = s->reading_time;
            rec.flags = s->flags;
            memcpy(rec.excerpt, s->excerpt, rec.len);
        }
        bf_digest_t d = bf_hash128(&rec, offsetof(__typeof__(rec), excerpt) + rec.len);
        /* order matters (ids are sorted): mix, not sum */
        acc.lo = (acc.lo ^ d.lo) * 0x9E3779B97F4A7C15ull + i;
        acc.hi = (acc.hi ^ d.hi) * 0xC2B2AE3D27D4EB4Full + i;
    }
    return acc;
}
