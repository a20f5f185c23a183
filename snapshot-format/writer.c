/*
 * snapshot-format/writer.c - building a snapshot file (see writer.h).
 *
 * Each table grows in its own bf_buf_t; nothing is laid out until
 * bf_snapw_finish, which writes header, tables in enum order (each at an
 * 8-aligned offset, zero padding between), checksum, then the file in one
 * atomic rename.  Records are written as the host holds them: the project
 * targets little-endian hosts only, checked at compile time below.
 *
 * Invariants:
 *   - tab[BF_SNAP_T_STRINGS] starts with one NUL, so {0, 0} is "", and every
 *     interned string is followed by its NUL;
 *   - the intern table maps content -> pool offset; a slot with len 0 is
 *     empty (the empty string is never interned, it is always {0, 0});
 *   - once failed is set every append is a no-op returning a zero value,
 *     and finish reports err once.
 */
#include "snapshot-format/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/log.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the snapshot format is little-endian; bengal-farm needs a little-endian host"
#endif

/* Element size of each table, in table order (FORMAT.md "Tables"). */
static const uint32_t elem_sizes[BF_SNAP_T_COUNT] = {
    [BF_SNAP_T_STRINGS] = 1,
    [BF_SNAP_T_BODIES] = 1,
    [BF_SNAP_T_IDS] = sizeof(uint32_t),
    [BF_SNAP_T_STRREFS] = sizeof(bf_snap_str_t),
    [BF_SNAP_T_VALUES] = sizeof(bf_snap_value_t),
    [BF_SNAP_T_SITE] = sizeof(bf_snap_site_t),
    [BF_SNAP_T_PAGES] = sizeof(bf_snap_page_t),
    [BF_SNAP_T_SECTIONS] = sizeof(bf_snap_section_t),
    [BF_SNAP_T_TAXONOMIES] = sizeof(bf_snap_taxonomy_t),
    [BF_SNAP_T_TERMS] = sizeof(bf_snap_term_t),
    [BF_SNAP_T_MENUS] = sizeof(bf_snap_menu_t),
    [BF_SNAP_T_MENU_ITEMS] = sizeof(bf_snap_menu_item_t),
    [BF_SNAP_T_WAVES] = sizeof(bf_snap_wave_t),
    [BF_SNAP_T_INCLUDES] = sizeof(bf_snap_include_t),
    [BF_SNAP_T_FRAGMENTS] = sizeof(bf_snap_fragment_t),
};

typedef struct {
    uint64_t hash;
    uint32_t off, len; /* len 0: empty slot */
} intern_slot_t;

/* One pending node of bf_snapw_value's breadth-first walk. */
typedef struct {
    const bf_value_t *v;
    uint32_t depth;
} vqueue_t;

struct bf_snapw {
    bf_buf_t tab[BF_SNAP_T_COUNT];
    uint32_t count[BF_SNAP_T_COUNT];
    intern_slot_t *slots;
    size_t nslots, used; /* nslots is 0 or a power of two */
    vqueue_t *queue;     /* reused by every bf_snapw_value */
    size_t queue_cap;
    int spill_fd;        /* >= 0: BODIES go to this file (bf_snapw_spill) */
    bf_buf_t spill;      /* bodies not written to it yet */
    bf_hasher_t *spill_hash; /* of the bodies written to it */
    bool failed;
    char err[160]; /* the first error, reported by finish */
};

static void fail(bf_snapw_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(bf_snapw_t *w, const char *fmt, ...)
{
    if (w->failed)
        return;
    w->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
}

static const char *const table_names[BF_SNAP_T_COUNT] = {
    "bodies", "strings", "ids", "string lists", "values", "site", "pages",
    "sections", "taxonomies", "terms", "menus", "menu items", "waves", "includes",
    "fragments",
};

/* Room for n more elements at the end of table t; NULL (and failed) when a
 * limit or malloc says no.  The caller fills all n elements. */
static void *tab_push(bf_snapw_t *w, bf_snap_table_id_t t, size_t n)
{
    if (w->failed)
        return NULL;
    if (n > UINT32_MAX - w->count[t]) {
        fail(w, "the %s table is past its limit of %u elements", table_names[t],
             (unsigned)UINT32_MAX);
        return NULL;
    }
    bf_buf_t *b = &w->tab[t];
    size_t bytes = n * elem_sizes[t]; /* n < 2^32, elem <= 224: no overflow */
    if (bf_buf_grow(b, bytes) < 0) {
        fail(w, "out of memory");
        return NULL;
    }
    void *p = b->data + b->len;
    b->len += bytes;
    b->data[b->len] = '\0'; /* keep bf_buf_t's invariant */
    w->count[t] += (uint32_t)n;
    return p;
}

bf_snapw_t *bf_snapw_new(void)
{
    bf_snapw_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->spill_fd = -1;
    char *nul = tab_push(w, BF_SNAP_T_STRINGS, 1);
    if (!nul) {
        bf_snapw_free(w);
        return NULL;
    }
    *nul = '\0';
    return w;
}

void bf_snapw_free(bf_snapw_t *w)
{
    if (!w)
        return;
    for (int t = 0; t < BF_SNAP_T_COUNT; t++)
        bf_buf_free(&w->tab[t]);
    free(w->slots);
    free(w->queue);
    bf_buf_free(&w->spill);
    bf_hasher_free(w->spill_hash);
    if (w->spill_fd >= 0)
        close(w->spill_fd);
    free(w);
}

/* Bodies are written to the spill file a chunk at a time, where they will
 * stay: BODIES is the first table, right after the header. */
#define SPILL_CHUNK ((size_t)1 << 20)
#define SPILL_AT ((off_t)sizeof(bf_snap_header_t))
_Static_assert(sizeof(bf_snap_header_t) % 8 == 0, "BODIES starts right after the header");
_Static_assert(BF_SNAP_T_BODIES == 0, "BODIES is the first table");

int bf_snapw_spill(bf_snapw_t *w, int dirfd)
{
    if (w->spill_fd >= 0 || w->count[BF_SNAP_T_BODIES]) {
        errno = EINVAL;
        return -1;
    }
    int fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    if (lseek(fd, SPILL_AT, SEEK_SET) < 0 || !(w->spill_hash = bf_hasher_new(0))) {
        close(fd);
        errno = errno ? errno : ENOMEM;
        return -1;
    }
    w->spill_fd = fd;
    return 0;
}

static void spill_flush(bf_snapw_t *w)
{
    if (w->spill.len && !w->failed) {
        if (bf_fs_write_all(w->spill_fd, w->spill.data, w->spill.len) < 0)
            fail(w, "cannot write the bodies aside: %s", strerror(errno));
        else
            bf_hasher_update(w->spill_hash, w->spill.data, w->spill.len);
    }
    bf_buf_reset(&w->spill);
}

/* The bytes of table t, in memory or spilled. */
static uint64_t table_len(const bf_snapw_t *w, int t)
{
    return t == BF_SNAP_T_BODIES && w->spill_fd >= 0 ? w->count[t] : w->tab[t].len;
}

/* Doubles the intern table (or creates it); -1 on OOM. */
static int intern_grow(bf_snapw_t *w)
{
    size_t n = w->nslots ? w->nslots * 2 : 1024;
    intern_slot_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < w->nslots; i++) {
        intern_slot_t *o = &w->slots[i];
        if (o->len == 0)
            continue;
        size_t j = o->hash & (n - 1);
        while (s[j].len != 0)
            j = (j + 1) & (n - 1);
        s[j] = *o;
    }
    free(w->slots);
    w->slots = s;
    w->nslots = n;
    return 0;
}

bf_snap_range_t bf_snapw_oom(bf_snapw_t *w)
{
    fail(w, "out of memory");
    return (bf_snap_range_t){0, 0};
}

bf_snap_str_t bf_snapw_str(bf_snapw_t *w, const char *s, size_t len)
{
    bf_snap_str_t none = {0, 0};
    if (w->failed || len == 0)
        return none;
    /* The reader refuses NULs inside strings (C users would see a shorter
     * string than len says): catch it here, where the caller is known. */
    if (memchr(s, '\0', len)) {
        fail(w, "a string contains a NUL byte");
        return none;
    }
    if (w->used * 2 >= w->nslots && intern_grow(w) < 0) {
        fail(w, "out of memory");
        return none;
    }
    uint64_t h = bf_hash64(s, len);
    size_t mask = w->nslots - 1, j = h & mask;
    const char *pool = w->tab[BF_SNAP_T_STRINGS].data;
    for (; w->slots[j].len != 0; j = (j + 1) & mask) {
        intern_slot_t *sl = &w->slots[j];
        if (sl->hash == h && sl->len == len && memcmp(pool + sl->off, s, len) == 0)
            return (bf_snap_str_t){sl->off, sl->len};
    }
    /* Offsets and lengths are uint32 and the pool's count is too. */
    uint32_t off = w->count[BF_SNAP_T_STRINGS];
    if (len >= UINT32_MAX - off) {
        fail(w, "the string pool is past its limit of 4 GiB");
        return none;
    }
    char *p = tab_push(w, BF_SNAP_T_STRINGS, len + 1);
    if (!p)
        return none;
    memcpy(p, s, len);
    p[len] = '\0';
    w->slots[j] = (intern_slot_t){h, off, (uint32_t)len};
    w->used++;
    return (bf_snap_str_t){off, (uint32_t)len};
}

bf_snap_str_t bf_snapw_cstr(bf_snapw_t *w, const char *s)
{
    return s ? bf_snapw_str(w, s, strlen(s)) : (bf_snap_str_t){0, 0};
}

uint64_t bf_snapw_body(bf_snapw_t *w, const char *s, size_t len)
{
    uint64_t off = w->count[BF_SNAP_T_BODIES];
    if (w->failed)
        return 0;
    if (len == 0)
        return off;
    if (w->spill_fd >= 0) {
        if (len > UINT32_MAX - off) {
            fail(w, "the %s table is past its limit of %u elements", table_names[BF_SNAP_T_BODIES],
                 (unsigned)UINT32_MAX);
            return 0;
        }
        if (bf_buf_append(&w->spill, s, len) < 0) {
            fail(w, "out of memory");
            return 0;
        }
        w->count[BF_SNAP_T_BODIES] += (uint32_t)len;
        if (w->spill.len >= SPILL_CHUNK)
            spill_flush(w);
        return off;
    }
    char *p = tab_push(w, BF_SNAP_T_BODIES, len);
    if (!p)
        return 0;
    memcpy(p, s, len);
    return off;
}

/* Appends n elements of table t copied from src; the range, {0,0} if n is 0
 * or on failure. */
static bf_snap_range_t push_range(bf_snapw_t *w, bf_snap_table_id_t t, const void *src, size_t n)
{
    bf_snap_range_t r = {0, 0};
    if (n == 0 || w->failed)
        return r;
    uint32_t off = w->count[t];
    void *p = tab_push(w, t, n);
    if (!p)
        return r;
    memcpy(p, src, n * elem_sizes[t]);
    r.off = off;
    r.count = (uint32_t)n;
    return r;
}

bf_snap_range_t bf_snapw_ids(bf_snapw_t *w, const uint32_t *ids, size_t n)
{
    return push_range(w, BF_SNAP_T_IDS, ids, n);
}

bf_snap_range_t bf_snapw_strs(bf_snapw_t *w, const bf_snap_str_t *s, size_t n)
{
    return push_range(w, BF_SNAP_T_STRREFS, s, n);
}

bf_snap_range_t bf_snapw_includes(bf_snapw_t *w, const bf_snap_include_t *inc, size_t n)
{
    return push_range(w, BF_SNAP_T_INCLUDES, inc, n);
}

static bf_snap_value_t *value_at(bf_snapw_t *w, uint32_t i)
{
    return (bf_snap_value_t *)w->tab[BF_SNAP_T_VALUES].data + i;
}

/* Fills the record of one node, except v of a list or map (known only
 * when its children are appended). */
static void value_rec(bf_snapw_t *w, bf_snap_value_t *out, const bf_value_t *v, bf_snap_str_t key)
{
    bf_snap_value_t r = {0};
    r.key = key;
    switch (v->kind) {
    case BF_VAL_NULL:
        r.kind = BF_SNAP_V_NULL;
        break;
    case BF_VAL_BOOL:
        r.kind = BF_SNAP_V_BOOL;
        r.v = v->u.b ? 1 : 0;
        break;
    case BF_VAL_INT:
        r.kind = BF_SNAP_V_INT;
        r.v = (uint64_t)v->u.i;
        break;
    case BF_VAL_FLOAT:
        r.kind = BF_SNAP_V_FLOAT;
        memcpy(&r.v, &v->u.f, sizeof r.v);
        break;
    case BF_VAL_STRING: {
        bf_snap_str_t s = bf_snapw_str(w, v->u.s.ptr, v->u.s.len);
        r.kind = BF_SNAP_V_STRING;
        r.n = s.len;
        r.v = s.off;
        break;
    }
    case BF_VAL_LIST:
    case BF_VAL_MAP:
        r.kind = v->kind == BF_VAL_LIST ? BF_SNAP_V_LIST : BF_SNAP_V_MAP;
        if (v->u.c.n > UINT32_MAX)
            fail(w, "a list or map has more than %u items", (unsigned)UINT32_MAX);
        r.n = (uint32_t)v->u.c.n;
        break;
    default:
        fail(w, "a value has unknown kind %d", (int)v->kind);
        break;
    }
    *out = r;
}

static int queue_push(bf_snapw_t *w, size_t *len, const bf_value_t *v, uint32_t depth)
{
    if (*len == w->queue_cap) {
        size_t cap = w->queue_cap ? w->queue_cap * 2 : 64;
        vqueue_t *q = cap > SIZE_MAX / sizeof *q ? NULL : realloc(w->queue, cap * sizeof *q);
        if (!q) {
            fail(w, "out of memory");
            return -1;
        }
        w->queue = q;
        w->queue_cap = cap;
    }
    w->queue[(*len)++] = (vqueue_t){v, depth};
    return 0;
}

/*
 * Breadth-first: queue[i] is the node of record root + i, so the children
 * of each list or map are appended, contiguous, when their parent leaves
 * the queue - after the parent and after every earlier node's children.
 * The reader checks exactly this order.  No recursion: depth is data.
 */
uint32_t bf_snapw_value(bf_snapw_t *w, const bf_value_t *v)
{
    if (!v)
        return BF_SNAP_NONE;
    if (w->failed)
        return 0;
    uint32_t root = w->count[BF_SNAP_T_VALUES];
    size_t qlen = 0;
    bf_snap_value_t *rec = tab_push(w, BF_SNAP_T_VALUES, 1);
    if (!rec || queue_push(w, &qlen, v, 0) < 0)
        return 0;
    value_rec(w, rec, v, (bf_snap_str_t){0, 0});

    for (size_t qi = 0; qi < qlen && !w->failed; qi++) {
        const bf_value_t *node = w->queue[qi].v;
        uint32_t depth = w->queue[qi].depth;
        if (node->kind != BF_VAL_LIST && node->kind != BF_VAL_MAP)
            continue;
        size_t n = node->u.c.n;
        uint32_t first = w->count[BF_SNAP_T_VALUES];
        if (n > 0 && depth + 1 >= BF_SNAP_MAX_DEPTH) {
            fail(w, "a value is nested deeper than %d levels", BF_SNAP_MAX_DEPTH);
            break;
        }
        if (!tab_push(w, BF_SNAP_T_VALUES, n))
            break;
        for (size_t k = 0; k < n && !w->failed; k++) {
            const bf_value_t *c = node->u.c.items[k];
            bf_snap_str_t key = {0, 0};
            if (node->kind == BF_VAL_MAP)
                key = bf_snapw_str(w, node->u.c.keys[k], node->u.c.key_lens[k]);
            value_rec(w, value_at(w, first + (uint32_t)k), c, key);
            if (queue_push(w, &qlen, c, depth + 1) < 0)
                break;
        }
        value_at(w, root + (uint32_t)qi)->v = first;
    }
    return w->failed ? 0 : root;
}

static bool is_record_table(bf_snap_table_id_t t)
{
    return t >= BF_SNAP_T_SITE && t < BF_SNAP_T_COUNT;
}

uint32_t bf_snapw_add(bf_snapw_t *w, bf_snap_table_id_t t, const void *rec)
{
    if (w->failed)
        return 0;
    if (!is_record_table(t)) {
        fail(w, "bf_snapw_add: table %d is not a record table", (int)t);
        return 0;
    }
    if (t == BF_SNAP_T_SITE && w->count[t] == 1) {
        fail(w, "a second site record");
        return 0;
    }
    uint32_t i = w->count[t];
    void *p = tab_push(w, t, 1);
    if (!p)
        return 0;
    memcpy(p, rec, elem_sizes[t]);
    return i;
}

void *bf_snapw_rec(bf_snapw_t *w, bf_snap_table_id_t t, uint32_t i)
{
    if ((unsigned)t >= BF_SNAP_T_COUNT || i >= w->count[t])
        return NULL;
    return w->tab[t].data + (size_t)i * elem_sizes[t];
}

uint32_t bf_snapw_count(const bf_snapw_t *w, bf_snap_table_id_t t)
{
    return (unsigned)t < BF_SNAP_T_COUNT ? w->count[t] : 0;
}

/* Padding fields mean nothing; zero them so that the file is a function of
 * the content (and passes the reader's check) whatever the caller left in
 * them, e.g. after patching a record through bf_snapw_rec. */
static void zero_pads(bf_snapw_t *w)
{
    bf_snap_site_t *site = (bf_snap_site_t *)w->tab[BF_SNAP_T_SITE].data;
    for (uint32_t i = 0; i < w->count[BF_SNAP_T_SITE]; i++)
        site[i].pad = 0;
    bf_snap_page_t *pg = (bf_snap_page_t *)w->tab[BF_SNAP_T_PAGES].data;
    for (uint32_t i = 0; i < w->count[BF_SNAP_T_PAGES]; i++)
        pg[i].pad = 0, pg[i].pad1 = 0, pg[i].pad2 = 0;
    bf_snap_section_t *sec = (bf_snap_section_t *)w->tab[BF_SNAP_T_SECTIONS].data;
    for (uint32_t i = 0; i < w->count[BF_SNAP_T_SECTIONS]; i++)
        sec[i].pad = 0;
    bf_snap_taxonomy_t *tx = (bf_snap_taxonomy_t *)w->tab[BF_SNAP_T_TAXONOMIES].data;
    for (uint32_t i = 0; i < w->count[BF_SNAP_T_TAXONOMIES]; i++)
        tx[i].pad = 0;
}

static uint64_t align8(uint64_t x)
{
    return (x + 7) & ~(uint64_t)7;
}

/* The file as pieces: the header, then each table after its zero padding.
 * Fills h (checksum included) and iov; returns the number of pieces, or -1
 * after logging.  The tables are not copied: both finishers below write
 * straight from the writer's buffers, and a piece with no base is the
 * spilled BODIES, copied from the spill file. */
#define MAX_PIECES (1 + 2 * BF_SNAP_T_COUNT)

static int layout(bf_snapw_t *w, bf_snap_header_t *h, struct iovec *iov)
{
    static const unsigned char zeros[8];
    if (!w->failed && w->count[BF_SNAP_T_SITE] != 1)
        fail(w, "no site record");
    if (w->failed) {
        bf_log_error("cannot build the snapshot: %s", w->err);
        return -1;
    }
    if (w->spill_fd >= 0)
        spill_flush(w);
    zero_pads(w);
    memset(h, 0, sizeof *h);
    memcpy(h->magic, BF_SNAP_MAGIC, sizeof h->magic);
    h->version = BF_SNAP_VERSION;
    h->endian = BF_SNAP_ENDIAN;
    h->header_size = sizeof *h;
    h->table_count = BF_SNAP_T_COUNT;
    int n = 0;
    iov[n++] = (struct iovec){.iov_base = h, .iov_len = sizeof *h};
    uint64_t off = sizeof *h;
    /* spilled, the bodies are hashed already, and first in the file */
    bf_hasher_t *hs = w->spill_fd >= 0 ? bf_hasher_dup(w->spill_hash) : bf_hasher_new(0);
    if (!hs) {
        bf_log_error("cannot build the snapshot: out of memory");
        return -1;
    }
    for (int t = 0; t < BF_SNAP_T_COUNT; t++) {
        uint64_t pad = align8(off) - off;
        if (pad) {
            iov[n++] = (struct iovec){.iov_base = (void *)zeros, .iov_len = (size_t)pad};
            bf_hasher_update(hs, zeros, (size_t)pad);
        }
        off += pad;
        uint64_t len = table_len(w, t);
        h->tables[t].offset = off;
        h->tables[t].size = len;
        h->tables[t].count = w->count[t];
        h->tables[t].elem_size = elem_sizes[t];
        if (len && len == w->tab[t].len) {
            iov[n++] = (struct iovec){.iov_base = w->tab[t].data, .iov_len = w->tab[t].len};
            bf_hasher_update(hs, w->tab[t].data, w->tab[t].len);
        } else if (len) { /* the spilled BODIES, at SPILL_AT */
            iov[n++] = (struct iovec){.iov_base = NULL, .iov_len = (size_t)len};
        }
        off += len;
    }
    if (w->failed) {
        bf_hasher_free(hs);
        bf_log_error("cannot build the snapshot: %s", w->err);
        return -1;
    }
    h->file_size = off;
    h->body_checksum = bf_hasher_digest(hs);
    bf_hasher_free(hs);
    if (off > SIZE_MAX) {
        bf_log_error("cannot build the snapshot: it is too large for this host");
        return -1;
    }
    return n;
}

int bf_snapw_finish_mem(bf_snapw_t *w, bf_buf_t *out)
{
    bf_snap_header_t h;
    struct iovec iov[MAX_PIECES];
    int n = layout(w, &h, iov);
    if (n < 0)
        return -1;
    bf_buf_reset(out);
    for (int i = 0; i < n; i++) {
        size_t at = out->len;
        if (bf_buf_grow(out, iov[i].iov_len) < 0) {
            bf_log_error("cannot build the snapshot: out of memory");
            return -1;
        }
        if (iov[i].iov_base) {
            memcpy(out->data + at, iov[i].iov_base, iov[i].iov_len);
        } else if (bf_fs_pread_all(w->spill_fd, out->data + at, iov[i].iov_len,
                                   (uint64_t)SPILL_AT) < 0) {
            bf_log_error("cannot build the snapshot: cannot read the bodies back: %s",
                         strerror(errno));
            return -1;
        }
        out->len = at + iov[i].iov_len;
        out->data[out->len] = '\0';
    }
    return 0;
}

typedef struct {
    const struct iovec *iov;
    int n, spill_fd;
} pieces_t;

static int write_pieces(int fd, void *arg)
{
    const pieces_t *p = arg;
    for (int i = 0; i < p->n; i++) {
        int rc = p->iov[i].iov_base
                     ? bf_fs_write_all(fd, p->iov[i].iov_base, p->iov[i].iov_len)
                     : bf_fs_copy_range(fd, p->spill_fd, (uint64_t)SPILL_AT, p->iov[i].iov_len);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The spill file made the snapshot: the tables after the bodies, the
 * header over its place, and the file linked in as name (atomically).
 * 0, or -1 (then the caller copies it into a new file instead). */
static int finish_in_place(int fd, const struct iovec *iov, int n, int dirfd, const char *name)
{
    off_t end = SPILL_AT;
    for (int i = 1; i < n && !iov[i].iov_base; i++)
        end += (off_t)iov[i].iov_len;
    if (lseek(fd, end, SEEK_SET) < 0)
        return -1;
    for (int i = 1; i < n; i++)
        if (iov[i].iov_base && bf_fs_write_all(fd, iov[i].iov_base, iov[i].iov_len) < 0)
            return -1;
    if (pwrite(fd, iov[0].iov_base, iov[0].iov_len, 0) != (ssize_t)iov[0].iov_len)
        return -1;
    return bf_fs_link_atomic_at(fd, dirfd, name);
}

int bf_snapw_finish_at(bf_snapw_t *w, int dirfd, const char *name, const char *disp)
{
    bf_snap_header_t h;
    struct iovec iov[MAX_PIECES];
    int n = layout(w, &h, iov);
    if (n < 0)
        return -1;
    /* No fsync: the snapshot is rebuilt by every build; the rename alone
     * keeps readers from ever seeing half a file. */
    if (w->spill_fd >= 0 && finish_in_place(w->spill_fd, iov, n, dirfd, name) == 0)
        return 0;
    pieces_t p = {iov, n, w->spill_fd}; /* else a copy */
    if (bf_fs_write_atomic_fill_at(dirfd, name, write_pieces, &p, 0) < 0) {
        bf_log_at(BF_LOG_ERROR, disp, 0, 0, "cannot write the snapshot: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int bf_snapw_finish(bf_snapw_t *w, const char *path)
{
    char dir[BF_PATH_MAX];
    const char *name = bf_path_parent(path, dir, sizeof dir);
    int fd = name ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot write the snapshot: %s", strerror(errno));
        return -1;
    }
    int rc = bf_snapw_finish_at(w, fd, name, path);
    close(fd);
    return rc;
}
