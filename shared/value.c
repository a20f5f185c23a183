/*
 * shared/value.c - the in-memory value tree of YAML data (see value.h).
 *
 * Everything lives in the caller's arena.  Lists and maps grow by doubling:
 * the old arrays are abandoned in the arena (never freed one by one), which
 * costs at most as much again as the final arrays.  Keys and strings are
 * copied, so callers may pass parser buffers that do not outlive the call.
 */
#include "shared/value.h"

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
