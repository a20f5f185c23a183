/*
 * shared/farm.c - layout of the farm's control region (see farm.h).
 */
#include "shared/farm.h"

#include <stdint.h>

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

int bf_farm_layout(uint32_t n_slots, uint32_t n_waves, uint32_t n_pages,
                   size_t ring_capacity, bf_farm_layout_t *out)
{
    size_t at = sizeof(bf_farm_ctl_t);
    out->ring_size = bf_ring_size_for(ring_capacity);
    /* n_pages and n_slots are 32-bit, so the products below fit in a
     * 64-bit size_t; the offsets are still checked as they add up. */
    _Static_assert(sizeof(size_t) >= 8, "64-bit sizes");
    if (!out->ring_size || n_slots == 0)
        return -1;
    if (add(&at, n_slots * sizeof(bf_farm_slot_t), 64, &out->slots) < 0 ||
        add(&at, n_waves, 64, &out->waves) < 0 ||
        add(&at, (size_t)n_waves * sizeof(uint32_t), 64, &out->owners) < 0 ||
        add(&at, n_pages, 64, &out->kills) < 0 ||
        add(&at, (size_t)n_pages * sizeof(bf_farm_summary_t), 64, &out->summaries) < 0 ||
        add(&at, (size_t)n_slots * sizeof(bf_farm_profile_t), 64, &out->profiles) < 0 ||
        add(&at, sizeof(bf_ring_bell_t), 64, &out->bell) < 0 ||
        add(&at, (size_t)n_slots * out->ring_size, 4096, &out->rings) < 0)
        return -1;
    out->total = at;
    return 0;
}
