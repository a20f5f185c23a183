/*
 * snapshot-format/validate.c - checking a snapshot image (validate.h).
 *
 * Everything a reader may later dereference is checked here, once, so that
 * the accessors of reader.c are plain array indexing.  The rules are listed
 * in FORMAT.md ("What the reader checks"); this file is their
 * implementation, in that order: header, table directory, checksum, pool,
 * string lists, values, then each record table.  The first failure is
 * logged by bad() as one line and every check returns -1 from there.
 *
 * Cost: one pass over each table, so validation is linear in the file size
 * whatever the content.  Three things would not be with a naive check, and
 * are handled so:
 *   - strings are shared, so "no NUL inside [off, off+len)" would rescan a
 *     long string once per reference: long strings are checked against a
 *     sorted array of the pool's NUL positions instead (binary search);
 *   - ranges may overlap (pages of one section share an ancestors list),
 *     so "every id of the range is below N" would rescan shared ids: each
 *     kind of id gets a bitmap of the IDS entries that are out of range,
 *     with per-64 prefix counts, and a range is checked with two ranks;
 *   - trees (values, sections, menus) are checked with counters and seen
 *     marks, never by walking a path per node.
 * All validation is iterative; no input can make it recurse.
 *
 * Order matters inside: a check indexes a table through the layout only
 * after check_tables() has filled it, and follows an id or a range only
 * after checking it (check_id, check_ids), never through reader.h's
 * accessors, which assume a checked image.
 */
#include "snapshot-format/validate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/log.h"
#include "shared/utf8.h"
#include "snapshot-format/reader.h" /* bf_snap_kind_name, for one message */

#define TAB(l, t, type) ((const type *)(l)->tab[t])
#define POOL(l) TAB(l, BF_SNAP_T_STRINGS, char)
#define SITE(l) TAB(l, BF_SNAP_T_SITE, bf_snap_site_t)

static const uint32_t elem_sizes[BF_SNAP_T_COUNT] = {
    1, 1, sizeof(uint32_t), sizeof(bf_snap_str_t), sizeof(bf_snap_value_t),
    sizeof(bf_snap_site_t), sizeof(bf_snap_page_t), sizeof(bf_snap_section_t),
    sizeof(bf_snap_taxonomy_t), sizeof(bf_snap_term_t), sizeof(bf_snap_menu_t),
    sizeof(bf_snap_menu_item_t), sizeof(bf_snap_wave_t), sizeof(bf_snap_include_t),
    sizeof(bf_snap_fragment_t),
};
static const char *const table_names[BF_SNAP_T_COUNT] = {
    "BODIES", "STRINGS", "IDS", "STRREFS", "VALUES", "SITE", "PAGES",
    "SECTIONS", "TAXONOMIES", "TERMS", "MENUS", "MENU_ITEMS", "WAVES", "INCLUDES",
    "FRAGMENTS",
};
/* What an id indexes, for messages: "term 7 out of range (3 terms)". */
static const char *const id_names[BF_SNAP_T_COUNT] = {
    [BF_SNAP_T_VALUES] = "value", [BF_SNAP_T_PAGES] = "page",
    [BF_SNAP_T_SECTIONS] = "section", [BF_SNAP_T_TAXONOMIES] = "taxonomy",
    [BF_SNAP_T_TERMS] = "term", [BF_SNAP_T_MENUS] = "menu",
    [BF_SNAP_T_MENU_ITEMS] = "menu item", [BF_SNAP_T_WAVES] = "wave",
    [BF_SNAP_T_FRAGMENTS] = "fragment",
};

/* Same layout as FORMAT.md documents; a change here is a version bump. */
_Static_assert(offsetof(bf_snap_header_t, tables) == 48, "header tables");
_Static_assert(offsetof(bf_snap_site_t, level_waves) == 88, "site level_waves");
_Static_assert(offsetof(bf_snap_page_t, ancestors) == 168, "page ancestors");
_Static_assert(offsetof(bf_snap_page_t, includes_hash) == 216, "page includes_hash");
_Static_assert(offsetof(bf_snap_fragment_t, includes) == 24, "fragment includes");
_Static_assert(offsetof(bf_snap_section_t, name) == 16, "section name");
_Static_assert(offsetof(bf_snap_menu_item_t, children) == 40, "menu item children");

/* Bitmap of "bad" elements of a table with rank support: rank(pos) is the
 * number of bad elements in [0, pos), in O(1). */
typedef struct {
    uint64_t *bits;
    uint32_t *pre; /* pre[w]: bad elements in words [0, w) */
} mark_t;

enum { M_PAGE, M_SECTION, M_TERM, M_MENU_ITEM, M_PATH, M_COUNT };

typedef struct {
    bf_snap_layout_t *lay; /* filled by check_tables */
    const char *name; /* file name for messages */
    const char *rec;  /* record kind being checked ("page"), NULL: none */
    uint32_t idx;     /* its index, BF_SNAP_NONE: no index ("site") */
    uint32_t *nuls;   /* offsets of every NUL in the pool, ascending */
    uint32_t n_nuls;
    mark_t marks[M_COUNT];
    unsigned char *seen; /* scratch for tree checks */
    unsigned char *inc_seen; /* INCLUDES records claimed by a body */
    int fd;              /* >= 0: the file base maps, for the checksum */
} vctx_t;

static int bad(vctx_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Logs "name: error: corrupt snapshot: page 3: <msg>" and returns -1. */
static int bad(vctx_t *v, const char *fmt, ...)
{
    char msg[256], where[64] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (v->rec && v->idx != BF_SNAP_NONE)
        snprintf(where, sizeof where, "%s %u: ", v->rec, v->idx);
    else if (v->rec)
        snprintf(where, sizeof where, "%s: ", v->rec);
    bf_log_at(BF_LOG_ERROR, v->name, 0, 0, "corrupt snapshot: %s%s", where, msg);
    return -1;
}

static void at(vctx_t *v, const char *rec, uint32_t idx)
{
    v->rec = rec;
    v->idx = idx;
}

/* ---- header and table directory ---------------------------------------- */

static int check_header(vctx_t *v, const bf_snap_header_t *h, size_t size)
{
    if (memcmp(h->magic, BF_SNAP_MAGIC, sizeof h->magic) != 0) {
        bf_log_at(BF_LOG_ERROR, v->name, 0, 0, "not a bengal-farm snapshot (bad magic)");
        return -1;
    }
    if (h->version != BF_SNAP_VERSION) {
        if (h->version == __builtin_bswap32(BF_SNAP_VERSION))
            return bad(v, "version field is byte-swapped: written big-endian, "
                          "snapshots are little-endian");
        bf_log_at(BF_LOG_ERROR, v->name, 0, 0,
                  "snapshot format version %u, this bengal-farm reads version %u: "
                  "rebuild it with `bengal-farm snapshot build`",
                  h->version, BF_SNAP_VERSION);
        return -1;
    }
    if (h->endian != BF_SNAP_ENDIAN)
        return bad(v, "byte order mark is 0x%08x, expected 0x%08x (little-endian)",
                   h->endian, BF_SNAP_ENDIAN);
    if (h->flags != 0)
        return bad(v, "unknown header flags 0x%x", h->flags);
    if (h->header_size != sizeof *h)
        return bad(v, "header size %u, expected %zu", h->header_size, sizeof *h);
    if (h->file_size != size)
        return bad(v, "header says %llu bytes but the file has %zu (truncated?)",
                   (unsigned long long)h->file_size, size);
    if (h->table_count != BF_SNAP_T_COUNT)
        return bad(v, "table count %u, expected %d", h->table_count, BF_SNAP_T_COUNT);
    if (h->reserved != 0)
        return bad(v, "reserved header field is not zero");
    return 0;
}

/* XXH3-64 of the file's bytes [from, size), read from v->fd rather than
 * through the mapping: the checksum reads every byte of the file once,
 * and through the mapping each page read would stay in this process's
 * resident set (the bodies are most of a snapshot, and a worker touches
 * only its own pages' bodies later). */
static int file_checksum(vctx_t *v, uint64_t from, uint64_t size, uint64_t *sum)
{
    enum { CHUNK = 1 << 20 };
    unsigned char *buf = malloc(CHUNK);
    bf_hasher_t *hs = bf_hasher_new(0);
    int rc = -1;
    if (!buf || !hs) {
        bad(v, "out of memory");
        goto out;
    }
    while (from < size) {
        size_t want = size - from < CHUNK ? (size_t)(size - from) : CHUNK;
        if (bf_fs_pread_all(v->fd, buf, want, from) < 0) {
            bad(v, "cannot read it: %s", errno == EIO ? "it got shorter" : strerror(errno));
            goto out;
        }
        bf_hasher_update(hs, buf, want);
        from += want;
    }
    *sum = bf_hasher_digest(hs);
    rc = 0;
out:
    bf_hasher_free(hs);
    free(buf);
    return rc;
}

/* Tables in enum order, each at the first 8-aligned offset after the one
 * before, zero padding between, ending exactly at the end of the file. */
static int check_tables(vctx_t *v, const bf_snap_header_t *h, const unsigned char *base,
                        size_t size)
{
    uint64_t end = h->header_size;
    for (int t = 0; t < BF_SNAP_T_COUNT; t++) {
        const bf_snap_table_t *e = &h->tables[t];
        const char *tn = table_names[t];
        if (e->elem_size != elem_sizes[t])
            return bad(v, "table %s: element size %u, expected %u", tn, e->elem_size,
                       elem_sizes[t]);
        if (e->size != (uint64_t)e->count * e->elem_size)
            return bad(v, "table %s: size %llu is not %u elements of %u bytes", tn,
                       (unsigned long long)e->size, e->count, e->elem_size);
        if (e->offset % 8 != 0)
            return bad(v, "table %s: offset %llu is not 8-aligned", tn,
                       (unsigned long long)e->offset);
        if (e->offset < h->header_size)
            return bad(v, "table %s: offset %llu is inside the header", tn,
                       (unsigned long long)e->offset);
        if (e->offset > size || e->size > size - e->offset)
            return bad(v, "table %s: [%llu, +%llu) is past the end of the file", tn,
                       (unsigned long long)e->offset, (unsigned long long)e->size);
        if (e->offset < end)
            return bad(v, "table %s overlaps the one before it", tn);
        if (e->offset != ((end + 7) & ~(uint64_t)7))
            return bad(v, "unexpected gap before table %s", tn);
        for (uint64_t p = end; p < e->offset; p++) {
            if (base[p] != 0)
                return bad(v, "padding before table %s is not zero", tn);
        }
        v->lay->n[t] = e->count;
        v->lay->tab[t] = base + e->offset;
        end = e->offset + e->size;
    }
    for (int t = BF_SNAP_T_COUNT; t < BF_SNAP_MAX_TABLES; t++) {
        const bf_snap_table_t *e = &h->tables[t];
        if (e->offset || e->size || e->count || e->elem_size)
            return bad(v, "unused table entry %d is not zero", t);
    }
    if (end != size)
        return bad(v, "%llu bytes after the last table", (unsigned long long)(size - end));
    uint64_t sum;
    if (v->fd >= 0) {
        if (file_checksum(v, h->header_size, size, &sum) < 0)
            return -1;
    } else {
        sum = bf_hash64(base + h->header_size, size - h->header_size);
    }
    if (sum != h->body_checksum)
        return bad(v, "checksum mismatch (header %016llx, content %016llx)",
                   (unsigned long long)h->body_checksum, (unsigned long long)sum);
    return 0;
}

/* ---- strings ------------------------------------------------------------ */

static int check_pool(vctx_t *v)
{
    const char *pool = POOL(v->lay);
    uint32_t n = v->lay->n[BF_SNAP_T_STRINGS];
    at(v, "string pool", BF_SNAP_NONE);
    if (n == 0 || pool[0] != '\0')
        return bad(v, "does not start with a NUL byte");
    if (pool[n - 1] != '\0')
        return bad(v, "does not end with a NUL byte");
    size_t ok = bf_utf8_valid_prefix(pool, n);
    if (ok != n)
        return bad(v, "invalid UTF-8 at byte %zu", ok);
    uint32_t k = 0;
    for (const char *p = pool; (p = memchr(p, '\0', (size_t)(pool + n - p))); p++)
        k++;
    v->nuls = malloc((size_t)k * sizeof *v->nuls);
    if (!v->nuls)
        return bad(v, "out of memory");
    k = 0;
    for (const char *p = pool; (p = memchr(p, '\0', (size_t)(pool + n - p))); p++)
        v->nuls[k++] = (uint32_t)(p - pool);
    v->n_nuls = k;
    return 0;
}

/* Offset of the first NUL at or after off (one exists: the pool ends in
 * NUL and off is below its size). */
static uint32_t next_nul(const vctx_t *v, uint32_t off)
{
    uint32_t lo = 0, hi = v->n_nuls;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->nuls[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return v->nuls[lo];
}

/* A string starts right after a NUL (so strings never overlap and, the
 * pool being valid UTF-8, each one is), holds no NUL, and ends at one. */
static int check_str(vctx_t *v, bf_snap_str_t r, const char *field)
{
    const char *pool = POOL(v->lay);
    uint32_t n = v->lay->n[BF_SNAP_T_STRINGS];
    if (r.off >= n || r.len >= n - r.off)
        return bad(v, "%s out of bounds", field);
    if (pool[r.off + r.len] != '\0')
        return bad(v, "%s is not NUL-terminated", field);
    if (r.off > 0 && pool[r.off - 1] != '\0')
        return bad(v, "%s starts inside another string", field);
    bool nul_inside = r.len <= 64 ? memchr(pool + r.off, '\0', r.len) != NULL
                                  : next_nul(v, r.off) != r.off + r.len;
    if (nul_inside)
        return bad(v, "%s contains a NUL byte", field);
    return 0;
}

/* A string that names a file: a valid site-relative path (shared/fs.h). */
static int check_path(vctx_t *v, bf_snap_str_t r, const char *field)
{
    const char *why = NULL;
    if (check_str(v, r, field) < 0)
        return -1;
    if (bf_path_check(POOL(v->lay) + r.off, r.len, &why) < 0)
        return bad(v, "%s \"%.64s\" %s", field, POOL(v->lay) + r.off, why);
    return 0;
}

/* ---- ids and ranges ----------------------------------------------------- */

static int mark_init(mark_t *m, uint32_t n)
{
    size_t words = ((size_t)n + 63) / 64;
    m->bits = calloc(words + 1, sizeof *m->bits);
    m->pre = calloc(words + 1, sizeof *m->pre);
    return m->bits && m->pre ? 0 : -1;
}

static void mark_set(mark_t *m, uint32_t i)
{
    m->bits[i / 64] |= UINT64_C(1) << (i % 64);
}

static void mark_done(mark_t *m, uint32_t n)
{
    size_t words = ((size_t)n + 63) / 64;
    for (size_t w = 0; w < words; w++)
        m->pre[w + 1] = m->pre[w] + (uint32_t)__builtin_popcountll(m->bits[w]);
}

static uint32_t mark_rank(const mark_t *m, uint32_t pos)
{
    uint32_t w = pos / 64, r = pos % 64;
    uint32_t k = m->pre[w];
    if (r)
        k += (uint32_t)__builtin_popcountll(m->bits[w] & ((UINT64_C(1) << r) - 1));
    return k;
}

static void marks_free(vctx_t *v)
{
    for (int m = 0; m < M_COUNT; m++) {
        free(v->marks[m].bits);
        free(v->marks[m].pre);
    }
}

/* One pass over IDS: for each kind of id, which entries are too large. */
static int mark_ids(vctx_t *v)
{
    static const bf_snap_table_id_t target[4] = {
        BF_SNAP_T_PAGES, BF_SNAP_T_SECTIONS, BF_SNAP_T_TERMS, BF_SNAP_T_MENU_ITEMS};
    uint32_t n = v->lay->n[BF_SNAP_T_IDS];
    const uint32_t *ids = TAB(v->lay, BF_SNAP_T_IDS, uint32_t);
    for (int m = 0; m < 4; m++) {
        if (mark_init(&v->marks[m], n) < 0)
            return bad(v, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++) {
        for (int m = 0; m < 4; m++) {
            if (ids[i] >= v->lay->n[target[m]])
                mark_set(&v->marks[m], i);
        }
    }
    for (int m = 0; m < 4; m++)
        mark_done(&v->marks[m], n);
    return 0;
}

/* Every STRREFS entry is a valid string; marks those that are not paths. */
static int check_strrefs(vctx_t *v)
{
    uint32_t n = v->lay->n[BF_SNAP_T_STRREFS];
    const bf_snap_str_t *refs = TAB(v->lay, BF_SNAP_T_STRREFS, bf_snap_str_t);
    if (mark_init(&v->marks[M_PATH], n) < 0)
        return bad(v, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        at(v, "string list entry", i);
        if (check_str(v, refs[i], "string") < 0)
            return -1;
        if (bf_path_check(POOL(v->lay) + refs[i].off, refs[i].len, NULL) < 0)
            mark_set(&v->marks[M_PATH], i);
    }
    mark_done(&v->marks[M_PATH], n);
    return 0;
}

static int mark_of(bf_snap_table_id_t t)
{
    switch (t) {
    case BF_SNAP_T_PAGES:
        return M_PAGE;
    case BF_SNAP_T_SECTIONS:
        return M_SECTION;
    case BF_SNAP_T_TERMS:
        return M_TERM;
    default:
        return M_MENU_ITEM;
    }
}

/* r is a range of IDS whose ids all index table t. */
static int check_ids(vctx_t *v, bf_snap_range_t r, bf_snap_table_id_t t, const char *field)
{
    uint32_t n = v->lay->n[BF_SNAP_T_IDS];
    if (r.off > n || r.count > n - r.off)
        return bad(v, "%s out of bounds", field);
    const mark_t *m = &v->marks[mark_of(t)];
    if (mark_rank(m, r.off + r.count) == mark_rank(m, r.off))
        return 0;
    const uint32_t *ids = TAB(v->lay, BF_SNAP_T_IDS, uint32_t) + r.off;
    uint32_t k = 0;
    while (ids[k] < v->lay->n[t])
        k++;
    return bad(v, "%s: %s %u out of range (%u in the snapshot)", field, id_names[t],
               ids[k], v->lay->n[t]);
}

/* r is a range of STRREFS (whose entries are already checked). */
static int check_strs(vctx_t *v, bf_snap_range_t r, bool paths, const char *field)
{
    uint32_t n = v->lay->n[BF_SNAP_T_STRREFS];
    if (r.off > n || r.count > n - r.off)
        return bad(v, "%s out of bounds", field);
    const mark_t *m = &v->marks[M_PATH];
    if (!paths || mark_rank(m, r.off + r.count) == mark_rank(m, r.off))
        return 0;
    const bf_snap_str_t *refs = TAB(v->lay, BF_SNAP_T_STRREFS, bf_snap_str_t) + r.off;
    for (uint32_t k = 0; k < r.count; k++) {
        if (check_path(v, refs[k], field) < 0)
            return -1;
    }
    return bad(v, "%s: path index out of sync", field); /* cannot happen */
}

static int check_id(vctx_t *v, uint32_t id, bf_snap_table_id_t t, bool none_ok,
                    const char *field)
{
    if (id == BF_SNAP_NONE && none_ok)
        return 0;
    if (id >= v->lay->n[t])
        return bad(v, "%s: %s %u out of range (%u in the snapshot)", field, id_names[t],
                   id, v->lay->n[t]);
    return 0;
}

/* ---- values --------------------------------------------------------------- */

static int check_value_scalar(vctx_t *v, const bf_snap_value_t *x)
{
    switch (x->kind) {
    case BF_SNAP_V_NULL:
        return x->n || x->v ? bad(v, "null value with a payload") : 0;
    case BF_SNAP_V_BOOL:
        return x->n || x->v > 1 ? bad(v, "bool value is not 0 or 1") : 0;
    case BF_SNAP_V_INT:
    case BF_SNAP_V_FLOAT:
        return x->n ? bad(v, "number with a length") : 0;
    case BF_SNAP_V_STRING:
        if (x->v > UINT32_MAX)
            return bad(v, "string out of bounds");
        return check_str(v, (bf_snap_str_t){(uint32_t)x->v, x->n}, "string");
    default:
        return bad(v, "unknown value kind %u", x->kind);
    }
}

/* Keys of the children [first, first + n) of value i. */
static int check_child_keys(vctx_t *v, const bf_snap_value_t *vals, uint32_t i)
{
    const bf_snap_value_t *x = &vals[i];
    for (uint32_t c = (uint32_t)x->v; c < x->v + x->n; c++) {
        at(v, "value", c);
        if (x->kind == BF_SNAP_V_MAP) {
            if (check_str(v, vals[c].key, "key") < 0)
                return -1;
        } else if (vals[c].key.off || vals[c].key.len) {
            return bad(v, "list item has a key");
        }
    }
    at(v, "value", i);
    return 0;
}

/*
 * VALUES is a forest laid out breadth-first, tree after tree (writer.c):
 * scanning in index order, a list or map's children must start exactly
 * where the children claimed so far end.  That makes every value the child
 * of at most one parent, children come after parents, and the nodes of one
 * depth are contiguous, which is how the depth is counted without a stack.
 */
static int check_values(vctx_t *v)
{
    const bf_snap_value_t *vals = TAB(v->lay, BF_SNAP_T_VALUES, bf_snap_value_t);
    uint32_t n = v->lay->n[BF_SNAP_T_VALUES];
    uint64_t claimed = 0, level_end = 0;
    uint32_t depth = 0;
    for (uint32_t i = 0; i < n; i++) {
        const bf_snap_value_t *x = &vals[i];
        at(v, "value", i);
        if (i >= claimed) { /* nobody's child: the root of the next tree */
            depth = 0;
            level_end = claimed = (uint64_t)i + 1;
            if (x->key.off || x->key.len)
                return bad(v, "root value has a key");
        } else if (i == level_end) {
            depth++;
            level_end = claimed;
            if (depth >= BF_SNAP_MAX_DEPTH)
                return bad(v, "nested deeper than %d levels", BF_SNAP_MAX_DEPTH);
        }
        if (x->pad[0] || x->pad[1] || x->pad[2])
            return bad(v, "padding is not zero");
        if (x->kind != BF_SNAP_V_LIST && x->kind != BF_SNAP_V_MAP) {
            if (check_value_scalar(v, x) < 0)
                return -1;
            continue;
        }
        if (x->n == 0) {
            if (x->v <= i || x->v > n)
                return bad(v, "first child %llu out of range", (unsigned long long)x->v);
            continue;
        }
        if (x->v != claimed)
            return bad(v, "children start at %llu, expected %llu (breadth-first order)",
                       (unsigned long long)x->v, (unsigned long long)claimed);
        if (x->n > n - x->v)
            return bad(v, "children out of bounds");
        claimed = x->v + x->n;
        if (check_child_keys(v, vals, i) < 0)
            return -1;
    }
    return 0;
}

/* A value index that must be a map (or NONE if allowed). */
static int check_map(vctx_t *v, uint32_t idx, bool none_ok, const char *field)
{
    if (check_id(v, idx, BF_SNAP_T_VALUES, none_ok, field) < 0)
        return -1;
    if (idx != BF_SNAP_NONE && TAB(v->lay, BF_SNAP_T_VALUES, bf_snap_value_t)[idx].kind !=
                                   BF_SNAP_V_MAP)
        return bad(v, "%s is not a map", field);
    return 0;
}

/* ---- records ------------------------------------------------------------ */

/* Bytewise, a shorter prefix first: the order of by_path and by_ref_id,
 * checked here and relied on by the lookups of reader.c (validate.h). */
int bf_snap_key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

/* Dates must be what shared/date.h parses (years 0000-9999, a day of zone
 * offset either side) and zones +-23:59, so formatting cannot overflow. */
static int check_date(vctx_t *v, int64_t t, int32_t tz, const char *field)
{
    if (t < INT64_C(-62167219200) - 86400 || t > INT64_C(253402300799) + 86400)
        return bad(v, "%s %lld out of range (years 0-9999)", field, (long long)t);
    if (tz < -1439 || tz > 1439)
        return bad(v, "%s zone %d minutes out of range", field, tz);
    return 0;
}

static int check_site(vctx_t *v)
{
    const bf_snap_site_t *st = SITE(v->lay);
    const uint32_t known = (1u << 12) - 1; /* BF_SNAP_SITE_* */
    at(v, "site", BF_SNAP_NONE);
    if (check_str(v, st->title, "title") < 0 || check_str(v, st->baseurl, "baseurl") < 0 ||
        check_str(v, st->language, "language") < 0 ||
        check_str(v, st->output_dir, "output_dir") < 0 ||
        check_str(v, st->environment, "environment") < 0)
        return -1;
    if (st->flags & ~known)
        return bad(v, "unknown flags 0x%x", st->flags & ~known);
    if (st->toc_min < 1 || st->toc_min > st->toc_max || st->toc_max > 6)
        return bad(v, "toc depth %u-%u is not within 1-6", st->toc_min, st->toc_max);
    if (st->pad)
        return bad(v, "padding is not zero");
    if (st->per_page < 1)
        return bad(v, "per_page is 0");
    if (check_id(v, st->home_page, BF_SNAP_T_PAGES, false, "home_page") < 0 ||
        check_id(v, st->root_section, BF_SNAP_T_SECTIONS, false, "root_section") < 0 ||
        check_map(v, st->config, false, "config") < 0 ||
        check_map(v, st->params, true, "params") < 0 ||
        check_map(v, st->data, true, "data") < 0 ||
        check_ids(v, st->pages, BF_SNAP_T_PAGES, "pages") < 0 ||
        check_ids(v, st->by_path, BF_SNAP_T_PAGES, "by_path") < 0 ||
        check_ids(v, st->by_ref_id, BF_SNAP_T_PAGES, "by_ref_id") < 0)
        return -1;
    if (st->level_waves[0] != 0)
        return bad(v, "level_waves[0] is %u, not 0", st->level_waves[0]);
    for (int l = 0; l < BF_SNAP_LEVELS; l++) {
        if (st->level_waves[l + 1] < st->level_waves[l])
            return bad(v, "level_waves is not nondecreasing");
    }
    if (st->level_waves[BF_SNAP_LEVELS] != v->lay->n[BF_SNAP_T_WAVES])
        return bad(v, "level_waves ends at %u, there are %u waves",
                   st->level_waves[BF_SNAP_LEVELS], v->lay->n[BF_SNAP_T_WAVES]);
    return 0;
}

/* page.term and page.section mean different tables per kind. */
static int check_page_links(vctx_t *v, const bf_snap_page_t *p)
{
    bool listed = p->kind <= BF_SNAP_HOME;
    if (listed) {
        if (check_id(v, p->section, BF_SNAP_T_SECTIONS, false, "section") < 0)
            return -1;
    } else if (p->section != BF_SNAP_NONE) {
        return bad(v, "section of a %s page is not NONE", bf_snap_kind_name(p->kind));
    }
    if (p->kind == BF_SNAP_TERM)
        return check_id(v, p->term, BF_SNAP_T_TERMS, false, "term");
    if (p->kind == BF_SNAP_TAXONOMY)
        return check_id(v, p->term, BF_SNAP_T_TAXONOMIES, false, "term");
    if (p->term != BF_SNAP_NONE)
        return bad(v, "term is set on a page that is not a taxonomy or term");
    return 0;
}

/* The include directives r of a body of body_len bytes: in bounds of
 * INCLUDES, claimed by no other body (so that each is checked once and
 * validation stays linear), in order of off without overlap, inside the
 * body, each naming a fragment. */
static int check_includes(vctx_t *v, bf_snap_range_t r, uint32_t body_len)
{
    uint32_t n = v->lay->n[BF_SNAP_T_INCLUDES];
    const bf_snap_include_t *inc = TAB(v->lay, BF_SNAP_T_INCLUDES, bf_snap_include_t);
    uint64_t end = 0;
    if (r.off > n || r.count > n - r.off)
        return bad(v, "includes out of bounds");
    for (uint32_t i = r.off; i < r.off + r.count; i++) {
        if (v->inc_seen[i])
            return bad(v, "include %u is listed by two bodies", i);
        v->inc_seen[i] = 1;
        if (inc[i].len == 0 || inc[i].off < end || (uint64_t)inc[i].off + inc[i].len > body_len)
            return bad(v, "include %u: its bytes are empty, out of order or outside the body",
                       i);
        end = (uint64_t)inc[i].off + inc[i].len;
        if (check_id(v, inc[i].fragment, BF_SNAP_T_FRAGMENTS, false, "include") < 0)
            return -1;
    }
    return 0;
}

static int check_fragments(vctx_t *v)
{
    const bf_snap_fragment_t *f = TAB(v->lay, BF_SNAP_T_FRAGMENTS, bf_snap_fragment_t);
    uint32_t nb = v->lay->n[BF_SNAP_T_BODIES];
    for (uint32_t i = 0; i < v->lay->n[BF_SNAP_T_FRAGMENTS]; i++) {
        at(v, "fragment", i);
        if (check_path(v, f[i].source, "source") < 0)
            return -1;
        if (f[i].body_off > nb || f[i].body_len > nb - f[i].body_off)
            return bad(v, "body out of bounds");
        if (check_includes(v, f[i].includes, f[i].body_len) < 0)
            return -1;
    }
    return 0;
}

static int check_page(vctx_t *v, const bf_snap_page_t *p)
{
    const uint32_t known = (1u << 6) - 1; /* BF_SNAP_PF_* */
    uint32_t nb = v->lay->n[BF_SNAP_T_BODIES];
    if (p->kind >= BF_SNAP_KINDS)
        return bad(v, "unknown kind %u", p->kind);
    if (p->pad || p->pad1 || p->pad2)
        return bad(v, "padding is not zero");
    if (p->flags & ~known)
        return bad(v, "unknown flags 0x%x", p->flags & ~known);
    if (check_page_links(v, p) < 0 ||
        check_id(v, p->prev, BF_SNAP_T_PAGES, true, "prev") < 0 ||
        check_id(v, p->next, BF_SNAP_T_PAGES, true, "next") < 0 ||
        check_id(v, p->wave, BF_SNAP_T_WAVES, false, "wave") < 0)
        return -1;
    if ((p->flags & BF_SNAP_PF_DATE) && check_date(v, p->date, p->date_tz, "date") < 0)
        return -1;
    if ((p->flags & BF_SNAP_PF_LASTMOD) &&
        check_date(v, p->lastmod, p->lastmod_tz, "lastmod") < 0)
        return -1;
    if (check_str(v, p->title, "title") < 0 || check_str(v, p->nav_title, "nav_title") < 0 ||
        check_str(v, p->description, "description") < 0 ||
        check_str(v, p->summary, "summary") < 0 || check_str(v, p->path, "path") < 0 ||
        check_str(v, p->url, "url") < 0 || check_path(v, p->output, "output") < 0 ||
        check_str(v, p->template, "template") < 0 || check_str(v, p->type, "type") < 0 ||
        check_str(v, p->ref_id, "ref_id") < 0)
        return -1;
    if (p->source.len ? check_path(v, p->source, "source") < 0
                      : check_str(v, p->source, "source") < 0)
        return -1;
    if (p->body_off > nb || p->body_len > nb - p->body_off)
        return bad(v, "body out of bounds");
    if (check_ids(v, p->ancestors, BF_SNAP_T_SECTIONS, "ancestors") < 0 ||
        check_ids(v, p->terms, BF_SNAP_T_TERMS, "terms") < 0 ||
        check_strs(v, p->aliases, false, "aliases") < 0 ||
        check_strs(v, p->resources, true, "resources") < 0 ||
        check_map(v, p->params, true, "params") < 0 ||
        check_includes(v, p->includes, p->body_len) < 0)
        return -1;
    return 0;
}

/* Sections form one tree: parent NONE only for the root, depth one more
 * than the parent's (so parent chains end), and each section is listed in
 * at most one subsections list, its parent's (so walks down terminate and
 * visit each section once). */
static int check_sections(vctx_t *v)
{
    const bf_snap_section_t *sec = TAB(v->lay, BF_SNAP_T_SECTIONS, bf_snap_section_t);
    uint32_t n = v->lay->n[BF_SNAP_T_SECTIONS], root = SITE(v->lay)->root_section;
    const uint32_t *ids = TAB(v->lay, BF_SNAP_T_IDS, uint32_t);
    v->seen = calloc((size_t)n + 1, 1);
    if (!v->seen)
        return bad(v, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        const bf_snap_section_t *x = &sec[i];
        at(v, "section", i);
        if (x->pad)
            return bad(v, "padding is not zero");
        if (check_id(v, x->page, BF_SNAP_T_PAGES, false, "page") < 0 ||
            check_id(v, x->parent, BF_SNAP_T_SECTIONS, true, "parent") < 0 ||
            check_str(v, x->name, "name") < 0 || check_str(v, x->path, "path") < 0 ||
            check_ids(v, x->pages, BF_SNAP_T_PAGES, "pages") < 0 ||
            check_ids(v, x->regular_pages, BF_SNAP_T_PAGES, "regular_pages") < 0 ||
            check_ids(v, x->subsections, BF_SNAP_T_SECTIONS, "subsections") < 0)
            return -1;
        if ((x->parent == BF_SNAP_NONE) != (i == root))
            return bad(v, i == root ? "the root section has a parent"
                                    : "parent is NONE but this is not the root section");
        uint64_t want = x->parent == BF_SNAP_NONE ? 0 : (uint64_t)sec[x->parent].depth + 1;
        if (x->depth != want)
            return bad(v, "depth %u, expected %llu", x->depth, (unsigned long long)want);
        for (uint32_t k = 0; k < x->subsections.count; k++) {
            uint32_t c = ids[x->subsections.off + k];
            if (sec[c].parent != i || v->seen[c])
                return bad(v, "subsection %u is not a child listed once", c);
            v->seen[c] = 1;
        }
    }
    free(v->seen);
    v->seen = NULL;
    return 0;
}

static int check_taxonomies(vctx_t *v)
{
    const bf_snap_taxonomy_t *tx = TAB(v->lay, BF_SNAP_T_TAXONOMIES, bf_snap_taxonomy_t);
    const bf_snap_term_t *tm = TAB(v->lay, BF_SNAP_T_TERMS, bf_snap_term_t);
    for (uint32_t i = 0; i < v->lay->n[BF_SNAP_T_TAXONOMIES]; i++) {
        at(v, "taxonomy", i);
        if (tx[i].pad)
            return bad(v, "padding is not zero");
        if (check_str(v, tx[i].name, "name") < 0 ||
            check_id(v, tx[i].page, BF_SNAP_T_PAGES, false, "page") < 0 ||
            check_ids(v, tx[i].terms, BF_SNAP_T_TERMS, "terms") < 0)
            return -1;
    }
    for (uint32_t i = 0; i < v->lay->n[BF_SNAP_T_TERMS]; i++) {
        at(v, "term", i);
        if (check_str(v, tm[i].name, "name") < 0 || check_str(v, tm[i].slug, "slug") < 0 ||
            check_id(v, tm[i].taxonomy, BF_SNAP_T_TAXONOMIES, false, "taxonomy") < 0 ||
            check_id(v, tm[i].page, BF_SNAP_T_PAGES, false, "page") < 0 ||
            check_ids(v, tm[i].pages, BF_SNAP_T_PAGES, "pages") < 0)
            return -1;
    }
    return 0;
}

/* Claims item c for a list in menu m under parent (NONE: top level). */
static int claim_item(vctx_t *v, uint32_t c, uint32_t m, uint32_t parent, uint32_t *queue,
                      uint32_t *qlen)
{
    const bf_snap_menu_item_t *it = TAB(v->lay, BF_SNAP_T_MENU_ITEMS, bf_snap_menu_item_t);
    if (it[c].parent != parent || it[c].menu != m || v->seen[c])
        return bad(v, "menu item %u is not a child listed once", c);
    v->seen[c] = 1;
    queue[(*qlen)++] = c;
    return 0;
}

/* Menu items form one forest per menu: every item is reached exactly once
 * from its menu's top-level list through children lists that agree with
 * the items' parent and menu fields (so no cycles, no sharing). */
static int check_menus(vctx_t *v)
{
    const bf_snap_menu_t *mn = TAB(v->lay, BF_SNAP_T_MENUS, bf_snap_menu_t);
    const bf_snap_menu_item_t *it = TAB(v->lay, BF_SNAP_T_MENU_ITEMS, bf_snap_menu_item_t);
    const uint32_t *ids = TAB(v->lay, BF_SNAP_T_IDS, uint32_t);
    uint32_t n = v->lay->n[BF_SNAP_T_MENU_ITEMS], qlen = 0;
    for (uint32_t i = 0; i < n; i++) {
        at(v, "menu item", i);
        if (check_str(v, it[i].name, "name") < 0 || check_str(v, it[i].url, "url") < 0 ||
            check_str(v, it[i].identifier, "identifier") < 0 ||
            check_id(v, it[i].menu, BF_SNAP_T_MENUS, false, "menu") < 0 ||
            check_id(v, it[i].parent, BF_SNAP_T_MENU_ITEMS, true, "parent") < 0 ||
            check_id(v, it[i].page, BF_SNAP_T_PAGES, true, "page") < 0 ||
            check_ids(v, it[i].children, BF_SNAP_T_MENU_ITEMS, "children") < 0)
            return -1;
    }
    uint32_t *queue = malloc(((size_t)n + 1) * sizeof *queue);
    v->seen = calloc((size_t)n + 1, 1);
    if (!queue || !v->seen) {
        free(queue);
        return bad(v, "out of memory");
    }
    int rc = -1;
    for (uint32_t m = 0; m < v->lay->n[BF_SNAP_T_MENUS]; m++) {
        at(v, "menu", m);
        if (check_str(v, mn[m].name, "name") < 0 ||
            check_ids(v, mn[m].items, BF_SNAP_T_MENU_ITEMS, "items") < 0)
            goto out;
        for (uint32_t k = 0; k < mn[m].items.count; k++) {
            if (claim_item(v, ids[mn[m].items.off + k], m, BF_SNAP_NONE, queue, &qlen) < 0)
                goto out;
        }
    }
    for (uint32_t q = 0; q < qlen; q++) {
        uint32_t i = queue[q];
        at(v, "menu item", i);
        for (uint32_t k = 0; k < it[i].children.count; k++) {
            if (claim_item(v, ids[it[i].children.off + k], it[i].menu, i, queue, &qlen) < 0)
                goto out;
        }
    }
    at(v, "menu item", BF_SNAP_NONE);
    if (qlen != n) {
        uint32_t i = 0;
        while (v->seen[i])
            i++;
        at(v, "menu item", i);
        bad(v, "not reachable from its menu");
        goto out;
    }
    rc = 0;
out:
    free(queue);
    free(v->seen);
    v->seen = NULL;
    return rc;
}

static int check_waves(vctx_t *v)
{
    const bf_snap_wave_t *wv = TAB(v->lay, BF_SNAP_T_WAVES, bf_snap_wave_t);
    const uint32_t *lw = SITE(v->lay)->level_waves;
    uint32_t level = 0;
    for (uint32_t i = 0; i < v->lay->n[BF_SNAP_T_WAVES]; i++) {
        at(v, "wave", i);
        while (i >= lw[level + 1]) /* ends: lw[LEVELS] == count > i */
            level++;
        if (wv[i].level != level)
            return bad(v, "level %u, but site.level_waves puts it at level %u", wv[i].level,
                       level);
        if (check_id(v, wv[i].section, BF_SNAP_T_SECTIONS, true, "section") < 0 ||
            check_str(v, wv[i].template, "template") < 0 ||
            check_ids(v, wv[i].pages, BF_SNAP_T_PAGES, "pages") < 0)
            return -1;
    }
    return 0;
}

/* Page ids of r strictly increasing by the string field at field_off, so
 * that a binary search finds the one page with a key. */
static int check_sorted(vctx_t *v, bf_snap_range_t r, size_t field_off, const char *field)
{
    const uint32_t *ids = TAB(v->lay, BF_SNAP_T_IDS, uint32_t) + r.off;
    const bf_snap_page_t *pages = TAB(v->lay, BF_SNAP_T_PAGES, bf_snap_page_t);
    const char *pool = POOL(v->lay);
    bf_snap_str_t prev = {0, 0};
    at(v, "site", BF_SNAP_NONE);
    for (uint32_t k = 0; k < r.count; k++) {
        bf_snap_str_t cur;
        memcpy(&cur, (const char *)&pages[ids[k]] + field_off, sizeof cur);
        if (field_off == offsetof(bf_snap_page_t, ref_id) && cur.len == 0)
            return bad(v, "%s lists page %u, which has no ref_id", field, ids[k]);
        if (k > 0 && bf_snap_key_cmp(pool + prev.off, prev.len, pool + cur.off, cur.len) >= 0)
            return bad(v, "%s is not strictly sorted at entry %u (page %u)", field, k, ids[k]);
        prev = cur;
    }
    return 0;
}

static int check_records(vctx_t *v)
{
    const bf_snap_page_t *pages = TAB(v->lay, BF_SNAP_T_PAGES, bf_snap_page_t);
    const bf_snap_site_t *st = SITE(v->lay);
    if (check_site(v) < 0)
        return -1;
    if (!(v->inc_seen = calloc((size_t)v->lay->n[BF_SNAP_T_INCLUDES] + 1, 1)))
        return bad(v, "out of memory");
    for (uint32_t i = 0; i < v->lay->n[BF_SNAP_T_PAGES]; i++) {
        at(v, "page", i);
        if (check_page(v, &pages[i]) < 0)
            return -1;
    }
    if (check_sections(v) < 0 || check_taxonomies(v) < 0 || check_menus(v) < 0 ||
        check_waves(v) < 0 || check_fragments(v) < 0)
        return -1;
    if (check_sorted(v, st->by_path, offsetof(bf_snap_page_t, path), "by_path") < 0 ||
        check_sorted(v, st->by_ref_id, offsetof(bf_snap_page_t, ref_id), "by_ref_id") < 0)
        return -1;
    return 0;
}

/* ---- entry point -------------------------------------------------------- */

int bf_snap_validate(const unsigned char *base, size_t size, int fd, const char *name,
                     bf_snap_layout_t *out)
{
    vctx_t v = {.lay = out, .name = name, .idx = BF_SNAP_NONE, .fd = fd};
    const bf_snap_header_t *h = (const bf_snap_header_t *)base;
    int rc = -1;

    if (size < sizeof *h) {
        bad(&v, "%zu bytes, shorter than the %zu-byte header", size, sizeof *h);
        goto out;
    }
    if (check_header(&v, h, size) < 0 || check_tables(&v, h, base, size) < 0)
        goto out;
    if (out->n[BF_SNAP_T_SITE] != 1) {
        bad(&v, "%u site records, expected 1", out->n[BF_SNAP_T_SITE]);
        goto out;
    }
    if (check_pool(&v) < 0 || check_strrefs(&v) < 0 || mark_ids(&v) < 0 ||
        check_values(&v) < 0 || check_records(&v) < 0)
        goto out;
    rc = 0;
out:
    free(v.nuls);
    free(v.seen);
    free(v.inc_seen);
    marks_free(&v);
    return rc;
}
