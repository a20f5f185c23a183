/*
 * tests/fuzz/snapshot_fuzz.c - libFuzzer target for the snapshot reader.
 *
 * The reader promises that bf_snap_from_mem never reads out of bounds and
 * that a snapshot it accepts can be read through every accessor without a
 * check.  This target holds it to both: it validates the input and, when
 * accepted, walks every record, string, body, list and value and dumps the
 * whole snapshot (text and JSON) to /dev/null, so that a validation gap
 * turns into an ASan report.
 *
 * Random bytes would never get past the checksum, so the input is copied
 * into an 8-aligned buffer whose header gets the right file_size and
 * checksum patched in: the fuzzer then exercises the structural checks.
 *
 *   make fuzz
 *   build/fuzz/snapshot_fuzz -close_fd_mask=2 -max_total_time=60 tests/fuzz/corpus/snapshot
 *
 * (-close_fd_mask=2 hides the reader's one-line errors; sanitizer reports
 * still get through.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/ctx.h"
#include "shared/hash.h"
#include "snapshot-format/dump.h"
#include "snapshot-format/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static volatile uint64_t sink; /* keeps the reads from being optimised away */

static void touch(const bf_snap_t *s, bf_snap_str_t r)
{
    const char *p = bf_snap_str(s, r);
    if (strlen(p) != r.len)
        abort(); /* the reader promised no NUL inside */
    sink += r.len ? (unsigned char)p[r.len - 1] : 0;
}

static void touch_ids(const bf_snap_t *s, bf_snap_range_t r)
{
    const uint32_t *ids = bf_snap_ids(s, r);
    for (uint32_t k = 0; k < r.count; k++)
        sink += ids[k];
}

static void walk_pages(const bf_snap_t *s)
{
    for (uint32_t i = 0; i < bf_snap_count(s, BF_SNAP_T_PAGES); i++) {
        const bf_snap_page_t *p = bf_snap_page(s, i);
        touch(s, p->title);
        touch(s, p->path);
        touch(s, p->output);
        touch(s, p->ref_id);
        const char *b = bf_snap_body(s, p);
        for (uint32_t k = 0; k < p->body_len; k++)
            sink += (unsigned char)b[k];
        touch_ids(s, p->ancestors);
        touch_ids(s, p->terms);
        const bf_snap_str_t *al = bf_snap_strs(s, p->aliases);
        for (uint32_t k = 0; k < p->aliases.count; k++)
            touch(s, al[k]);
        const bf_snap_str_t *rs = bf_snap_strs(s, p->resources);
        for (uint32_t k = 0; k < p->resources.count; k++)
            touch(s, rs[k]);
        if (p->section != BF_SNAP_NONE)
            sink += bf_snap_section(s, p->section)->depth;
        if (p->kind == BF_SNAP_TERM)
            touch(s, bf_snap_term(s, p->term)->slug);
        if (p->kind == BF_SNAP_TAXONOMY)
            touch(s, bf_snap_taxonomy(s, p->term)->name);
        sink += bf_snap_wave(s, p->wave)->level;
        if (p->params != BF_SNAP_NONE)
            sink += bf_snap_value_get(s, p->params, "title");
    }
}

static void walk(const bf_snap_t *s)
{
    const bf_snap_site_t *st = bf_snap_site(s);
    walk_pages(s);
    for (uint32_t i = 0; i < bf_snap_count(s, BF_SNAP_T_SECTIONS); i++) {
        const bf_snap_section_t *x = bf_snap_section(s, i);
        /* parent chains end: depth decreases by one per step */
        uint32_t up = i, steps = 0;
        while (bf_snap_section(s, up)->parent != BF_SNAP_NONE) {
            up = bf_snap_section(s, up)->parent;
            if (++steps > x->depth)
                abort();
        }
        touch_ids(s, x->pages);
        touch_ids(s, x->subsections);
    }
    for (uint32_t i = 0; i < bf_snap_count(s, BF_SNAP_T_VALUES); i++) {
        const bf_snap_value_t *v = bf_snap_value(s, i);
        touch(s, v->key);
        if (v->kind == BF_SNAP_V_STRING)
            touch(s, (bf_snap_str_t){(uint32_t)v->v, v->n});
    }
    for (uint32_t i = 0; i < bf_snap_count(s, BF_SNAP_T_MENU_ITEMS); i++)
        touch_ids(s, bf_snap_menu_item(s, i)->children);
    /* Sorted lookups find what they list. */
    const uint32_t *bp = bf_snap_ids(s, st->by_path);
    for (uint32_t k = 0; k < st->by_path.count; k++) {
        bf_snap_str_t path = bf_snap_page(s, bp[k])->path;
        if (bf_snap_find_path(s, bf_snap_str(s, path), path.len) != bp[k])
            abort();
    }
    const uint32_t *br = bf_snap_ids(s, st->by_ref_id);
    for (uint32_t k = 0; k < st->by_ref_id.count; k++) {
        bf_snap_str_t id = bf_snap_page(s, br[k])->ref_id;
        if (bf_snap_find_ref_id(s, bf_snap_str(s, id), id.len) != br[k])
            abort();
    }
    sink += bf_snap_value_get(s, st->config, "title");
    bf_snap_dump_text(s, devnull);
    bf_snap_dump_json(s, devnull);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
        bf_ctx.log_level = BF_LOG_QUIET;
    }
    /* malloc's alignment satisfies the reader's 8-byte requirement. */
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    if (size >= sizeof(bf_snap_header_t)) {
        bf_snap_header_t h;
        memcpy(&h, buf, sizeof h);
        h.file_size = size;
        h.body_checksum = bf_hash64(buf + sizeof h, size - sizeof h);
        memcpy(buf, &h, sizeof h);
    }
    bf_snap_t *s = NULL;
    if (bf_snap_from_mem(buf, size, "fuzz.bfs", &s) == 0) {
        walk(s);
        bf_snap_close(s);
    }
    free(buf);
    return 0;
}
