/*
 * snapshot-format/reader.c - mapping a snapshot and reading it (reader.h).
 *
 * Opening is: map the file (or take the caller's buffer), hand the bytes to
 * bf_snap_validate() (validate.c), which checks every rule of FORMAT.md
 * section 6 and fills in where each table starts, and keep that layout.
 * Nothing in this file checks the image: a bf_snap_t exists only once the
 * validator has accepted it, so the accessors and lookups below are plain
 * array indexing and binary search, and cannot fail.
 *
 * The mapping is MAP_SHARED and read-only.  The writer replaces the file by
 * rename, never in place, so a mapped snapshot cannot shrink under us.
 */
#include "snapshot-format/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/log.h"
#include "snapshot-format/validate.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the snapshot format is little-endian; bengal-farm needs a little-endian host"
#endif

struct bf_snap {
    const unsigned char *base;
    size_t size;
    bool mapped;          /* munmap on close (bf_snap_open) or not (from_mem) */
    bf_snap_layout_t lay; /* filled by bf_snap_validate */
};

#define TAB(s, t, type) ((const type *)(s)->lay.tab[t])
#define POOL(s) TAB(s, BF_SNAP_T_STRINGS, char)

/* ---- open / close ------------------------------------------------------- */

/* bf_snap_from_mem, with the file p maps when fd >= 0 (validate.h). */
static int from_mem(const void *p, size_t len, int fd, const char *name, bf_snap_t **out)
{
    *out = NULL;
    if ((uintptr_t)p % 8 != 0) {
        bf_log_at(BF_LOG_ERROR, name, 0, 0, "snapshot buffer is not 8-byte aligned");
        return -1;
    }
    bf_snap_t *s = calloc(1, sizeof *s);
    if (!s) {
        bf_log_at(BF_LOG_ERROR, name, 0, 0, "cannot read the snapshot: out of memory");
        return -1;
    }
    s->base = p;
    s->size = len;
    if (bf_snap_validate(s->base, s->size, fd, name, &s->lay) < 0) {
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

int bf_snap_from_mem(const void *p, size_t len, const char *name, bf_snap_t **out)
{
    return from_mem(p, len, -1, name, out);
}

int bf_snap_open(const char *path, bf_snap_t **out)
{
    struct stat st;
    void *map = MAP_FAILED;
    size_t len = 0;
    *out = NULL;

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot open the snapshot: %s", strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot open the snapshot: not a regular file");
        goto fail;
    }
    if ((uint64_t)st.st_size < sizeof(bf_snap_header_t)) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0,
                  "corrupt snapshot: %lld bytes, shorter than the %zu-byte header",
                  (long long)st.st_size, sizeof(bf_snap_header_t));
        goto fail;
    }
    len = (size_t)st.st_size;
    map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot map the snapshot: %s", strerror(errno));
        goto fail;
    }
    if (from_mem(map, len, fd, path, out) < 0)
        goto fail;
    close(fd);
    (*out)->mapped = true;
    return 0;
fail:
    if (map != MAP_FAILED)
        munmap(map, len);
    if (fd >= 0)
        close(fd);
    return -1;
}

const void *bf_snap_bytes(const bf_snap_t *s, size_t *len)
{
    *len = s->size;
    return s->base;
}

void bf_snap_close(bf_snap_t *s)
{
    if (!s)
        return;
    if (s->mapped)
        munmap((void *)s->base, s->size);
    free(s);
}

/* ---- accessors: no checks, bf_snap_open did them ------------------------ */

const bf_snap_header_t *bf_snap_header(const bf_snap_t *s)
{
    return (const bf_snap_header_t *)s->base;
}

uint32_t bf_snap_count(const bf_snap_t *s, bf_snap_table_id_t t)
{
    return s->lay.n[t];
}

const bf_snap_site_t *bf_snap_site(const bf_snap_t *s)
{
    return TAB(s, BF_SNAP_T_SITE, bf_snap_site_t);
}

#define ACCESSOR(fn, type, t)                                                            \
    const type *fn(const bf_snap_t *s, uint32_t id)                                      \
    {                                                                                    \
        return TAB(s, t, type) + id;                                                     \
    }
ACCESSOR(bf_snap_page, bf_snap_page_t, BF_SNAP_T_PAGES)
ACCESSOR(bf_snap_section, bf_snap_section_t, BF_SNAP_T_SECTIONS)
ACCESSOR(bf_snap_taxonomy, bf_snap_taxonomy_t, BF_SNAP_T_TAXONOMIES)
ACCESSOR(bf_snap_term, bf_snap_term_t, BF_SNAP_T_TERMS)
ACCESSOR(bf_snap_menu, bf_snap_menu_t, BF_SNAP_T_MENUS)
ACCESSOR(bf_snap_menu_item, bf_snap_menu_item_t, BF_SNAP_T_MENU_ITEMS)
ACCESSOR(bf_snap_wave, bf_snap_wave_t, BF_SNAP_T_WAVES)
ACCESSOR(bf_snap_fragment, bf_snap_fragment_t, BF_SNAP_T_FRAGMENTS)
ACCESSOR(bf_snap_value, bf_snap_value_t, BF_SNAP_T_VALUES)

const char *bf_snap_str(const bf_snap_t *s, bf_snap_str_t r)
{
    return POOL(s) + r.off;
}

uint32_t bf_snap_taxonomy_named(const bf_snap_t *s, const char *name)
{
    uint32_t n = bf_snap_count(s, BF_SNAP_T_TAXONOMIES);
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(bf_snap_str(s, bf_snap_taxonomy(s, i)->name), name) == 0)
            return i;
    return BF_SNAP_NONE;
}

bf_snap_range_t bf_snap_page_terms_in(const bf_snap_t *s, const bf_snap_page_t *p, uint32_t tax)
{
    const uint32_t *ids = bf_snap_ids(s, p->terms);
    uint32_t a = 0, n = 0;
    while (a < p->terms.count && bf_snap_term(s, ids[a])->taxonomy != tax)
        a++;
    while (a + n < p->terms.count && bf_snap_term(s, ids[a + n])->taxonomy == tax)
        n++;
    return (bf_snap_range_t){p->terms.off + a, n};
}

uint32_t bf_snap_content_pages(const bf_snap_t *s)
{
    uint32_t n = bf_snap_count(s, BF_SNAP_T_PAGES);
    while (n && bf_snap_page(s, n - 1)->kind >= BF_SNAP_NOT_FOUND)
        n--;
    return n;
}

const char *bf_snap_kind_name(unsigned kind)
{
    static const char *const names[BF_SNAP_KINDS] = {
        "page", "section", "home", "taxonomy", "term", "404", "search",
    };
    return kind < BF_SNAP_KINDS ? names[kind] : "unknown";
}

const char *bf_snap_body(const bf_snap_t *s, const bf_snap_page_t *p)
{
    return TAB(s, BF_SNAP_T_BODIES, char) + p->body_off;
}

const char *bf_snap_fragment_body(const bf_snap_t *s, const bf_snap_fragment_t *f)
{
    return TAB(s, BF_SNAP_T_BODIES, char) + f->body_off;
}

const bf_snap_include_t *bf_snap_includes(const bf_snap_t *s, bf_snap_range_t r)
{
    return TAB(s, BF_SNAP_T_INCLUDES, bf_snap_include_t) + r.off;
}

const uint32_t *bf_snap_ids(const bf_snap_t *s, bf_snap_range_t r)
{
    return TAB(s, BF_SNAP_T_IDS, uint32_t) + r.off;
}

const bf_snap_str_t *bf_snap_strs(const bf_snap_t *s, bf_snap_range_t r)
{
    return TAB(s, BF_SNAP_T_STRREFS, bf_snap_str_t) + r.off;
}

uint32_t bf_snap_value_get(const bf_snap_t *s, uint32_t map, const char *key)
{
    if (map >= s->lay.n[BF_SNAP_T_VALUES])
        return BF_SNAP_NONE;
    const bf_snap_value_t *vals = TAB(s, BF_SNAP_T_VALUES, bf_snap_value_t);
    if (vals[map].kind != BF_SNAP_V_MAP)
        return BF_SNAP_NONE;
    size_t klen = strlen(key);
    for (uint64_t c = vals[map].v; c < vals[map].v + vals[map].n; c++) {
        bf_snap_str_t k = vals[c].key;
        if (k.len == klen && memcmp(POOL(s) + k.off, key, klen) == 0)
            return (uint32_t)c;
    }
    return BF_SNAP_NONE;
}

static uint32_t find_sorted(const bf_snap_t *s, bf_snap_range_t r, size_t field_off,
                            const char *key, size_t len)
{
    const uint32_t *ids = bf_snap_ids(s, r);
    uint32_t lo = 0, hi = r.count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const bf_snap_page_t *p = bf_snap_page(s, ids[mid]);
        bf_snap_str_t k;
        memcpy(&k, (const char *)p + field_off, sizeof k);
        int c = bf_snap_key_cmp(POOL(s) + k.off, k.len, key, len);
        if (c == 0)
            return ids[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return BF_SNAP_NONE;
}

uint32_t bf_snap_find_path(const bf_snap_t *s, const char *path, size_t len)
{
    return find_sorted(s, bf_snap_site(s)->by_path, offsetof(bf_snap_page_t, path), path,
                       len);
}

uint32_t bf_snap_find_ref_id(const bf_snap_t *s, const char *id, size_t len)
{
    return find_sorted(s, bf_snap_site(s)->by_ref_id, offsetof(bf_snap_page_t, ref_id), id,
                       len);
}

size_t bf_snap_resource_output(const bf_snap_t *s, const bf_snap_page_t *p, uint32_t k,
                               char *out, size_t cap)
{
    const char *src = bf_snap_str(s, p->source), *o = bf_snap_str(s, p->output);
    const char *r = bf_snap_str(s, bf_snap_strs(s, p->resources)[k]);
    const char *src_slash = strrchr(src, '/'), *out_slash = strrchr(o, '/');
    size_t dir_len = src_slash ? (size_t)(src_slash - src) + 1 : 0; /* "content/x/" */
    size_t out_dir = out_slash ? (size_t)(out_slash - o) + 1 : 0;
    int n = snprintf(out, cap, "%.*s%s", (int)out_dir, o, r + dir_len);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
