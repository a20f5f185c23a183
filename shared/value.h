/*
 * shared/value.h - the in-memory value tree of YAML data.
 *
 * Front matter, bengal.yaml and the data/ YAML files are parsed into this small tree
 * (null, bool, int, float, string, list, map).  Nodes live in an arena and
 * are never freed one by one.  Maps keep the order the author wrote; a
 * later duplicate key is rejected by the parser, so keys are unique.
 * Strings are NUL-terminated and valid UTF-8 (the YAML reader checks), and
 * may also contain NUL bytes only if len says so (never from YAML).
 *
 * Every node remembers where it came from (line and column, 1-based) so
 * that later checks can say "file:line:col: ...".
 *
 * The snapshot writer serialises this tree as-is (snapshot-format/), and
 * the template engine reads it back from the snapshot, never from here.
 */
#ifndef BF_SHARED_VALUE_H
#define BF_SHARED_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/buf.h"

typedef enum {
    BF_VAL_NULL = 0,
    BF_VAL_BOOL = 1,
    BF_VAL_INT = 2,
    BF_VAL_FLOAT = 3,
    BF_VAL_STRING = 4,
    BF_VAL_LIST = 5,
    BF_VAL_MAP = 6,
} bf_val_kind_t;

typedef struct bf_value bf_value_t;

struct bf_value {
    bf_val_kind_t kind;
    uint32_t line, col;
    union {
        bool b;
        int64_t i;
        double f;
        struct {
            const char *ptr;
            size_t len;
        } s;
        struct {               /* LIST and MAP */
            bf_value_t **items; /* n values */
            const char **keys;  /* MAP only: n NUL-terminated keys */
            size_t *key_lens;   /* MAP only */
            size_t n, cap;
        } c;
    } u;
};

/* Constructors; NULL on OOM. */
bf_value_t *bf_value_new(bf_arena_t *a, bf_val_kind_t kind);
bf_value_t *bf_value_string(bf_arena_t *a, const char *s, size_t len);
/* Appends to a list; -1 on OOM. */
int bf_value_list_push(bf_arena_t *a, bf_value_t *list, bf_value_t *item);
/* Appends key -> item to a map (no duplicate check); -1 on OOM. */
int bf_value_map_put(bf_arena_t *a, bf_value_t *map, const char *key, size_t klen,
                     bf_value_t *item);

/* Lookup by key in a map (linear; maps are small); NULL if absent or if m
 * is NULL or not a map. */
bf_value_t *bf_value_get(const bf_value_t *m, const char *key);
/* Dotted path lookup: bf_value_path(cfg, "markdown.toc_depth"). */
bf_value_t *bf_value_path(const bf_value_t *m, const char *dotted);

/* Deep copy into arena a (cascade copies inherited values). NULL on OOM. */
bf_value_t *bf_value_copy(bf_arena_t *a, const bf_value_t *v);

/* v (NULL allowed) as bytes appended to out, positions included: the
 * discovery cache keeps parsed front matter so (coordinator/srccache.h).
 * 0, or -1 on OOM. */
int bf_value_save(const bf_value_t *v, bf_buf_t *out);
/* Reads what bf_value_save wrote from data[0..n) into a (strings copied,
 * NUL-terminated); *used gets the bytes read.  Every length and kind is
 * checked and nesting is limited to 64: bytes that are not a value are -1
 * with errno EILSEQ, never a crash; -1 with ENOMEM on OOM. */
int bf_value_load(bf_arena_t *a, const void *data, size_t n, size_t *used, bf_value_t **out);

/* Name of a kind for messages: "null", "bool", ..., "map". */
const char *bf_value_kind_name(bf_val_kind_t k);

#endif
