/*
 * tests/shared/farm_test.c - the farm's shared layout with several
 * writers: one doorbell per writer, rings still one per slot, the groups
 * contiguous, covering every slot once, and a ring attached to its
 * group's doorbell wakes that writer's reader only.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "shared/farm.h"
#include "shared/ring.h"
#include "shared/shm.h"

Test(farm, layout_has_a_doorbell_per_writer)
{
    bf_farm_layout_t one, four;
    cr_assert_eq(bf_farm_layout(8, 1, 10, 100, 64 * 1024, &one), 0);
    cr_assert_eq(bf_farm_layout(8, 4, 10, 100, 64 * 1024, &four), 0);
    cr_assert_eq(four.bells % 64, 0, "doorbells share no cache line");
    cr_assert_eq(four.rings % 4096, 0);
    cr_assert_geq(four.rings, four.bells + 4 * sizeof(bf_ring_bell_t), "bells overlap rings");
    cr_assert_geq(four.bells, four.langs + 8 * sizeof(bf_farm_langs_t));
    cr_assert_eq(four.ring_size, one.ring_size);
    cr_assert_eq(four.total - four.rings, 8 * four.ring_size, "one ring per slot");
    cr_assert_geq(four.total, one.total);
}

Test(farm, layout_refuses_bad_writer_counts)
{
    bf_farm_layout_t l;
    cr_assert_eq(bf_farm_layout(4, 0, 1, 1, 64 * 1024, &l), -1);
    cr_assert_eq(bf_farm_layout(4, 5, 1, 1, 64 * 1024, &l), -1, "more writers than rings");
    cr_assert_eq(bf_farm_layout(4, 4, 1, 1, 64 * 1024, &l), 0);
}

/* Every slot in exactly one group, groups contiguous and in order,
 * sizes differing by at most one, and bf_farm_writer_of agreeing. */
Test(farm, groups_partition_the_slots)
{
    for (unsigned n = 1; n <= 300; n++) {
        for (unsigned w = 1; w <= n && w <= 80; w++) {
            unsigned next = 0, lo = n, hi = 0;
            for (unsigned g = 0; g < w; g++) {
                unsigned first, count;
                bf_farm_group(g, n, w, &first, &count);
                cr_assert_eq(first, next, "n=%u w=%u g=%u", n, w, g);
                cr_assert_geq(count, 1, "n=%u w=%u g=%u: an empty group", n, w, g);
                for (unsigned s = first; s < first + count; s++)
                    cr_assert_eq(bf_farm_writer_of(s, n, w), g, "n=%u w=%u slot %u", n, w, s);
                lo = count < lo ? count : lo;
                hi = count > hi ? count : hi;
                next = first + count;
            }
            cr_assert_eq(next, n, "n=%u w=%u: slots left out", n, w);
            cr_assert_leq(hi - lo, 1, "n=%u w=%u: uneven groups", n, w);
        }
    }
}

/* Rings of group 1 ring group 1's doorbell; group 0's stays quiet. */
Test(farm, rings_ring_their_groups_doorbell)
{
    bf_farm_layout_t l;
    bf_shm_t shm;
    cr_assert_eq(bf_farm_layout(4, 2, 1, 1, 64 * 1024, &l), 0);
    cr_assert_eq(bf_shm_create(&shm, l.total, "bf-farm-test"), 0);
    char *base = shm.base;
    bf_ring_bell_t *bells = (bf_ring_bell_t *)(base + l.bells);
    bf_ring_t rings[4];
    for (unsigned g = 0; g < 2; g++)
        bf_ring_bell_init(&bells[g]);
    for (unsigned i = 0; i < 4; i++) {
        void *mem = base + l.rings + (size_t)i * l.ring_size;
        cr_assert_eq(bf_ring_init(mem, l.ring_size), 0);
        cr_assert_eq(bf_ring_attach(&rings[i], mem, &bells[bf_farm_writer_of(i, 4, 2)]), 0);
    }
    uint32_t seq0 = atomic_load(&bells[0].seq), seq1 = atomic_load(&bells[1].seq);
    cr_assert_eq(bf_ring_push(&rings[3], 7, "a/index.html", "x", 1), 0);
    cr_assert_eq(atomic_load(&bells[0].seq), seq0, "another group's writer was rung");
    cr_assert_neq(atomic_load(&bells[1].seq), seq1);
    /* a reader over group 1 refuses a ring of group 0 */
    errno = 0;
    cr_assert_null(bf_ring_reader_new(&bells[1], rings, 2, &(bf_ring_sink_t){0}));
    bf_shm_destroy(&shm);
}
