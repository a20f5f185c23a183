/*
 * shared/value.c - the in-memory value tree of YAML data (see value.h).
 *
 * Everything lives in the caller's arena.  Lists and maps grow by doubling:
 * the old arrays are abandoned in the arena (never freed one by one), which
 * costs at most as much again as the final arrays.  Keys and strings are
 * copied, so callers may pass parser buffers that do not outlive the call.
 */
#include "shared/value.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

bf_value_t *bf_value_new(bf_arena_t *a, bf_val_kind_t kind)
{
    bf_value_t *v = bf_arena_zalloc(a, sizeof *v);
    if (v)
        v->kind = kind;
    return v;
}

bf_value_t *bf_value_string(bf_arena_t *a, const char *s, size_t len)
{
    bf_value_t *v = bf_value_new(a, BF_VAL_STRING);
    if (!v)
        return NULL;
    char *copy = bf_arena_strndup(a, s, len);
    if (!copy)
        return NULL;
    v->u.s.ptr = copy;
    v->u.s.len = len;
    return v;
}

/* Makes room for one more item (and key, for maps). */
static int container_grow(bf_arena_t *a, bf_value_t *c)
{
    if (c->u.c.n < c->u.c.cap)
        return 0;
    size_t cap = c->u.c.cap ? c->u.c.cap * 2 : 4;
    if (cap < c->u.c.cap || cap > SIZE_MAX / sizeof(void *))
        return -1;

    bf_value_t **items = bf_arena_alloc(a, cap * sizeof *items);
    if (!items)
        return -1;
    if (c->u.c.n)
        memcpy(items, c->u.c.items, c->u.c.n * sizeof *items);

    if (c->kind == BF_VAL_MAP) {
        const char **keys = bf_arena_alloc(a, cap * sizeof *keys);
        size_t *lens = bf_arena_alloc(a, cap * sizeof *lens);
        if (!keys || !lens)
            return -1;
        if (c->u.c.n) {
            memcpy(keys, c->u.c.keys, c->u.c.n * sizeof *keys);
            memcpy(lens, c->u.c.key_lens, c->u.c.n * sizeof *lens);
        }
        c->u.c.keys = keys;
        c->u.c.key_lens = lens;
    }
    c->u.c.items = items;
    c->u.c.cap = cap;
    return 0;
}

int bf_value_list_push(bf_arena_t *a, bf_value_t *list, bf_value_t *item)
{
    if (list->kind != BF_VAL_LIST || container_grow(a, list) < 0)
        return -1;
    list->u.c.items[list->u.c.n++] = item;
    return 0;
}

int bf_value_map_put(bf_arena_t *a, bf_value_t *map, const char *key, size_t klen,
                     bf_value_t *item)
{
    if (map->kind != BF_VAL_MAP)
        return -1;
    char *k = bf_arena_strndup(a, key, klen);
    if (!k || container_grow(a, map) < 0)
        return -1;
    size_t i = map->u.c.n++;
    map->u.c.items[i] = item;
    map->u.c.keys[i] = k;
    map->u.c.key_lens[i] = klen;
    return 0;
}

static bf_value_t *get_n(const bf_value_t *m, const char *key, size_t klen)
{
    if (!m || m->kind != BF_VAL_MAP)
        return NULL;
    for (size_t i = 0; i < m->u.c.n; i++) {
        if (m->u.c.key_lens[i] == klen && memcmp(m->u.c.keys[i], key, klen) == 0)
            return m->u.c.items[i];
    }
    return NULL;
}

bf_value_t *bf_value_get(const bf_value_t *m, const char *key)
{
    return get_n(m, key, strlen(key));
}

bf_value_t *bf_value_path(const bf_value_t *m, const char *dotted)
{
    const bf_value_t *v = m;
    const char *p = dotted;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 0)
            return NULL; /* "", "a..b", ".a" and "a." name nothing */
        v = get_n(v, p, n);
        if (!v || !dot)
            return (bf_value_t *)v;
        p = dot + 1;
    }
}

bf_value_t *bf_value_copy(bf_arena_t *a, const bf_value_t *v)
{
    if (!v)
        return NULL;
    bf_value_t *c = bf_value_new(a, v->kind);
    if (!c)
        return NULL;
    c->line = v->line;
    c->col = v->col;

    switch (v->kind) {
    case BF_VAL_STRING: {
        char *s = bf_arena_strndup(a, v->u.s.ptr, v->u.s.len);
        if (!s)
            return NULL;
        c->u.s.ptr = s;
        c->u.s.len = v->u.s.len;
        break;
    }
    case BF_VAL_LIST:
    case BF_VAL_MAP:
        for (size_t i = 0; i < v->u.c.n; i++) {
            bf_value_t *item = bf_value_copy(a, v->u.c.items[i]);
            if (!item)
                return NULL;
            int rc = v->kind == BF_VAL_LIST
                         ? bf_value_list_push(a, c, item)
                         : bf_value_map_put(a, c, v->u.c.keys[i], v->u.c.key_lens[i],
                                            item);
            if (rc < 0)
                return NULL;
        }
        break;
    default:
        c->u = v->u; /* null, bool, int, float: plain data */
        break;
    }
    return c;
}

const char *bf_value_kind_name(bf_val_kind_t k)
{
    switch (k) {
    case BF_VAL_NULL:
        return "null";
    case BF_VAL_BOOL:
        return "bool";
    case BF_VAL_INT:
        return "int";
    case BF_VAL_FLOAT:
        return "float";
    case BF_VAL_STRING:
        return "string";
    case BF_VAL_LIST:
        return "list";
    case BF_VAL_MAP:
        return "map";
    }
    return "unknown";
}

/* ---- bytes (bf_value_save / bf_value_load) ----
 *
 * A value is u8 kind (0xff: NULL pointer), u32 line, u32 col, then: BOOL
 * u8; INT i64; FLOAT f64; STRING u32 length + bytes; LIST u32 n + n
 * values; MAP u32 n + n (u32 key length + key, value). */

#define NO_VALUE 0xff
#define MAX_DEPTH 64

static int save_str(bf_buf_t *out, const char *s, size_t n)
{
    uint32_t k = (uint32_t)n;
    if (n > UINT32_MAX) {
        errno = EFBIG;
        return -1;
    }
    return bf_buf_append(out, &k, 4) | bf_buf_append(out, s, n);
}

int bf_value_save(const bf_value_t *v, bf_buf_t *out)
{
    if (!v)
        return bf_buf_putc(out, NO_VALUE);
    uint32_t pos[2] = {v->line, v->col};
    int rc = bf_buf_putc(out, (int)v->kind) | bf_buf_append(out, pos, sizeof pos);
    switch (v->kind) {
    case BF_VAL_NULL:
        break;
    case BF_VAL_BOOL:
        rc |= bf_buf_putc(out, v->u.b);
        break;
    case BF_VAL_INT:
        rc |= bf_buf_append(out, &v->u.i, 8);
        break;
    case BF_VAL_FLOAT:
        rc |= bf_buf_append(out, &v->u.f, 8);
        break;
    case BF_VAL_STRING:
        rc |= save_str(out, v->u.s.ptr, v->u.s.len);
        break;
    case BF_VAL_LIST:
    case BF_VAL_MAP: {
        uint32_t n = (uint32_t)v->u.c.n;
        rc |= bf_buf_append(out, &n, 4);
        for (size_t i = 0; i < v->u.c.n && rc == 0; i++) {
            if (v->kind == BF_VAL_MAP)
                rc |= save_str(out, v->u.c.keys[i], v->u.c.key_lens[i]);
            rc |= bf_value_save(v->u.c.items[i], out);
        }
        break;
    }
    }
    return rc ? -1 : 0;
}

typedef struct {
    const unsigned char *p, *end;
    bf_arena_t *a;
    int err; /* errno to fail with, 0 while all is well */
} vload_t;

static bool take(vload_t *r, void *to, size_t n)
{
    if (r->err || (size_t)(r->end - r->p) < n) {
        if (!r->err)
            r->err = EILSEQ;
        return false;
    }
    memcpy(to, r->p, n);
    r->p += n;
    return true;
}

static const char *take_str(vload_t *r, size_t *len)
{
    uint32_t n;
    if (!take(r, &n, 4))
        return NULL;
    if ((size_t)(r->end - r->p) < n) {
        r->err = EILSEQ;
        return NULL;
    }
    char *s = bf_arena_strndup(r->a, (const char *)r->p, n);
    if (!s)
        r->err = ENOMEM;
    r->p += n;
    *len = n;
    return s;
}

static bf_value_t *load_value(vload_t *r, unsigned depth)
{
    uint8_t kind;
    uint32_t pos[2];
    if (!take(r, &kind, 1) || kind == NO_VALUE)
        return NULL;
    if (kind > BF_VAL_MAP || depth > MAX_DEPTH || !take(r, pos, sizeof pos)) {
        r->err = r->err ? r->err : EILSEQ;
        return NULL;
    }
    bf_value_t *v = bf_value_new(r->a, (bf_val_kind_t)kind);
    if (!v) {
        r->err = ENOMEM;
        return NULL;
    }
    v->line = pos[0];
    v->col = pos[1];
    uint8_t b;
    uint32_t n;
    switch (v->kind) {
    case BF_VAL_NULL:
        break;
    case BF_VAL_BOOL:
        if (take(r, &b, 1))
            v->u.b = b != 0;
        break;
    case BF_VAL_INT:
        take(r, &v->u.i, 8);
        break;
    case BF_VAL_FLOAT:
        take(r, &v->u.f, 8);
        break;
    case BF_VAL_STRING:
        v->u.s.ptr = take_str(r, &v->u.s.len);
        break;
    case BF_VAL_LIST:
    case BF_VAL_MAP:
        if (!take(r, &n, 4))
            break;
        if ((size_t)(r->end - r->p) < n) { /* every item takes a byte at least */
            r->err = EILSEQ;
            break;
        }
        for (uint32_t i = 0; i < n && !r->err; i++) {
            const char *key = NULL;
            size_t klen = 0;
            if (v->kind == BF_VAL_MAP && !(key = take_str(r, &klen)))
                break;
            bf_value_t *item = load_value(r, depth + 1);
            if (!item && !r->err)
                r->err = EILSEQ; /* items are never NULL */
            if (r->err)
                break;
            if ((v->kind == BF_VAL_MAP ? bf_value_map_put(r->a, v, key, klen, item)
                                       : bf_value_list_push(r->a, v, item)) < 0)
                r->err = ENOMEM;
        }
        break;
    }
    return r->err ? NULL : v;
}

int bf_value_load(bf_arena_t *a, const void *data, size_t n, size_t *used, bf_value_t **out)
{
    vload_t r = {.p = data, .end = (const unsigned char *)data + n, .a = a};
    *out = load_value(&r, 0);
    if (r.err) {
        *out = NULL;
        errno = r.err;
        return -1;
    }
    *used = (size_t)(r.p - (const unsigned char *)data);
    return 0;
}
