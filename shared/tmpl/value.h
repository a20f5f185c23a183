/*
 * shared/tmpl/value.h - values of the template language.
 *
 * A bf_tv_t is 16 bytes, passed and stored by value: a kind, flags, a
 * 32-bit auxiliary word and one pointer-sized payload.  Nothing in it owns
 * memory: strings, lists and maps point into an arena (the per-render arena
 * for values made while rendering, the environment's arena for literals of
 * compiled templates), into a bf_value_t tree, or into a host's own data
 * (the snapshot, read zero-copy).
 *
 * Kinds:
 *   UNDEF  an undefined name or attribute: u.undef is the compiled node
 *          that produced it (for the error message), or NULL.  With flag
 *          ABSENT it marks an argument that was not given or a variable
 *          slot not assigned yet; it never escapes into user values.
 *   NULL, BOOL, INT (int64), FLOAT (double)
 *   STR    u.s and aux = length in bytes (not NUL-terminated, valid UTF-8);
 *          flag SAFE: markup that output never escapes (|safe, macros ...)
 *   LIST   u.list, a growable array; flag TUPLE only changes printing
 *   MAP    u.map, insertion-ordered, any value as key (strings in practice)
 *   TREE   u.tree, a list or map node of a shared/value.h tree, read in
 *          place (scalar nodes are turned into INT, STR ... when read)
 *   OBJ    u.obj, an object of a class (vtable) with aux as an index the
 *          class may use: how hosts expose their records without copying.
 *          A snapshot-backed page is {OBJ, obj = &page_class_instance,
 *          aux = page id}; internal objects (loop, macro, namespace) use
 *          the same mechanism.
 *
 * Invariants: values are immutable once shared, except lists built by
 * list.append() and namespace objects, which are mutable by design (as in
 * Jinja).  A STR length fits in 32 bits (longer results are an error).
 */
#ifndef BF_SHARED_TMPL_VALUE_H
#define BF_SHARED_TMPL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/value.h"

typedef struct bf_tmpl_rt bf_tmpl_rt_t; /* one render, see rt.h */

typedef enum {
    BF_TV_UNDEF = 0,
    BF_TV_NULL,
    BF_TV_BOOL,
    BF_TV_INT,
    BF_TV_FLOAT,
    BF_TV_STR,
    BF_TV_LIST,
    BF_TV_MAP,
    BF_TV_TREE,
    BF_TV_OBJ,
} bf_tv_kind_t;

enum {
    BF_TV_F_SAFE = 1,   /* STR: markup, never escaped again */
    BF_TV_F_TUPLE = 2,  /* LIST: printed as (a, b) */
    BF_TV_F_ABSENT = 4, /* UNDEF: argument not given / slot not assigned */
};

typedef struct bf_tv_list bf_tv_list_t;
typedef struct bf_tv_map bf_tv_map_t;
typedef struct bf_tmpl_obj bf_tmpl_obj_t;

typedef struct {
    uint8_t kind;  /* bf_tv_kind_t */
    uint8_t flags; /* BF_TV_F_* */
    uint16_t pad;
    uint32_t aux; /* STR: byte length; OBJ: index for the class */
    union {
        bool b;
        int64_t i;
        double f;
        const char *s;
        bf_tv_list_t *list;
        bf_tv_map_t *map;
        const bf_value_t *tree;
        bf_tmpl_obj_t *obj;
        const void *undef;
    } u;
} bf_tv_t;
_Static_assert(sizeof(bf_tv_t) == 16, "template value is two words");

struct bf_tv_list {
    uint32_t n, cap;
    bf_tv_t *items;
};

struct bf_tv_map {
    uint32_t n, cap;
    bf_tv_t *keys;
    bf_tv_t *vals;
};

/* A name as compiled: attribute and variable names carry their length and
 * a hash (bf_tv_name_hash) computed once at compile time, so lookups in
 * maps and hosts can compare hashes first.  hash 0 means "not computed". */
typedef struct {
    const char *s;
    uint32_t len;
    uint32_t hash;
} bf_tmpl_name_t;

/* FNV-1a of a name: the hash of bf_tmpl_name_t. */
static inline uint32_t bf_tv_name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The 16 bits of a name hash kept in a map key's pad field; never 0, so
 * that 0 can mean "no hash stored" (a key put in without bf_tv_map_set). */
static inline uint16_t bf_tv_hash16(uint32_t h)
{
    uint16_t x = (uint16_t)(h ^ (h >> 16));
    return x ? x : 1;
}

/* Arguments of a call: positional, then keywords. */
typedef struct {
    const bf_tv_t *pos;
    size_t npos;
    const bf_tmpl_name_t *kw_names;
    const bf_tv_t *kw;
    size_t nkw;
} bf_tmpl_args_t;

typedef enum {
    BF_TMPL_SHAPE_PLAIN = 0, /* attributes only: truthy, not iterable */
    BF_TMPL_SHAPE_SEQ,       /* len + item(i): a list */
    BF_TMPL_SHAPE_MAP,       /* len + item(i) = key i + get_item(key) */
} bf_tmpl_shape_t;

/*
 * A class of objects.  Callbacks may be NULL where said.  Return values:
 * 1 found / done (*out set), 0 absent (the caller makes an undefined), -1
 * error, reported first with bf_tmpl_rt_error().  Values put in *out must
 * live as long as the render (the snapshot, the render arena).
 */
typedef struct bf_tmpl_class {
    const char *name; /* type name in messages: "page" */
    bf_tmpl_shape_t shape;
    int (*get_attr)(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                    bf_tv_t *out);
    size_t (*len)(bf_tv_t self);                                   /* SEQ, MAP */
    int (*item)(bf_tmpl_rt_t *rt, bf_tv_t self, size_t i, bf_tv_t *out); /* SEQ, MAP */
    /* MAP: self[key]; NULL: string keys go to get_attr. */
    int (*get_item)(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t key, bf_tv_t *out);
    /* Callable objects; NULL when not callable.  1 or -1. */
    int (*call)(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_args_t *args, bf_tv_t *out);
    /* self.name(args): 1 done, 0 no such method (then self.name is looked
     * up and called), -1 error.  NULL: no methods. */
    int (*call_method)(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                       const bf_tmpl_args_t *args, bf_tv_t *out);
    /* str(self) as a STR; NULL prints the class name in angle brackets. */
    int (*to_str)(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t *out);
} bf_tmpl_class_t;

/* Every object starts with its class; hosts embed this header. */
struct bf_tmpl_obj {
    const bf_tmpl_class_t *cls;
};

/* Constructors (no allocation). */
static inline bf_tv_t bf_tv_undef(const void *where)
{
    bf_tv_t v = {.kind = BF_TV_UNDEF};
    v.u.undef = where;
    return v;
}
static inline bf_tv_t bf_tv_absent(void)
{
    bf_tv_t v = {.kind = BF_TV_UNDEF, .flags = BF_TV_F_ABSENT};
    return v;
}
static inline bf_tv_t bf_tv_null(void)
{
    bf_tv_t v = {.kind = BF_TV_NULL};
    return v;
}
static inline bf_tv_t bf_tv_bool(bool b)
{
    bf_tv_t v = {.kind = BF_TV_BOOL};
    v.u.b = b;
    return v;
}
static inline bf_tv_t bf_tv_int(int64_t i)
{
    bf_tv_t v = {.kind = BF_TV_INT};
    v.u.i = i;
    return v;
}
static inline bf_tv_t bf_tv_float(double f)
{
    bf_tv_t v = {.kind = BF_TV_FLOAT};
    v.u.f = f;
    return v;
}
/* s[0..n) must outlive the value; n < 2^32. */
static inline bf_tv_t bf_tv_str(const char *s, size_t n)
{
    bf_tv_t v = {.kind = BF_TV_STR, .aux = (uint32_t)n};
    v.u.s = s;
    return v;
}
static inline bf_tv_t bf_tv_safe_str(const char *s, size_t n)
{
    bf_tv_t v = bf_tv_str(s, n);
    v.flags = BF_TV_F_SAFE;
    return v;
}
static inline bf_tv_t bf_tv_list(bf_tv_list_t *l)
{
    bf_tv_t v = {.kind = BF_TV_LIST};
    v.u.list = l;
    return v;
}
static inline bf_tv_t bf_tv_map(bf_tv_map_t *m)
{
    bf_tv_t v = {.kind = BF_TV_MAP};
    v.u.map = m;
    return v;
}
static inline bf_tv_t bf_tv_obj(bf_tmpl_obj_t *o, uint32_t index)
{
    bf_tv_t v = {.kind = BF_TV_OBJ, .aux = index};
    v.u.obj = o;
    return v;
}
static inline bool bf_tv_is_absent(bf_tv_t v)
{
    return v.kind == BF_TV_UNDEF && (v.flags & BF_TV_F_ABSENT);
}

/* A value tree node read as a template value: scalars become scalars,
 * lists and maps become TREE (read in place).  NULL gives NULL. */
bf_tv_t bf_tv_from_value(const bf_value_t *v);

/* Strings made in an arena: a copy of s[0..n) (NULL on OOM or n >= 4 GiB;
 * out is then left unchanged and -1 returned). */
int bf_tv_str_dup(bf_arena_t *a, const char *s, size_t n, bf_tv_t *out);

/* Lists and maps in an arena.  NULL / -1 on OOM. */
bf_tv_list_t *bf_tv_list_new(bf_arena_t *a, size_t cap);
int bf_tv_list_push(bf_arena_t *a, bf_tv_list_t *l, bf_tv_t v);
bf_tv_map_t *bf_tv_map_new(bf_arena_t *a, size_t cap);
/* Sets key to val, replacing an equal key's value in place.  Maps must be
 * filled through this function: it records the key's hash (in its pad). */
int bf_tv_map_set(bf_arena_t *a, bf_tv_map_t *m, bf_tv_t key, bf_tv_t val);
/* Value of a key equal to key, or NULL. */
bf_tv_t *bf_tv_map_get(const bf_tv_map_t *m, bf_tv_t key);
bf_tv_t *bf_tv_map_get_str(const bf_tv_map_t *m, const char *s, size_t n);
/* The same with a compiled name (uses its hash). */
bf_tv_t *bf_tv_map_get_name(const bf_tv_map_t *m, const bf_tmpl_name_t *name);

/* Python truth: false for None, False, 0, 0.0, "", empty containers. */
bool bf_tv_truthy(bf_tv_t v);
/* Python ==, deep; int, float and bool compare as numbers. */
bool bf_tv_eq(bf_tv_t a, bf_tv_t b);
/* Ordering (numbers, strings bytewise = code points, lists and tuples
 * lexicographic).  0 and *res < 0, 0, > 0; -1 if the kinds do not order. */
int bf_tv_cmp(bf_tv_t a, bf_tv_t b, int *res);

/* Type name for messages: "string", "int", "list", "map", class name ... */
const char *bf_tv_type_name(bf_tv_t v);

/* Length of STR in code points (Python len()). */
size_t bf_tv_utf8_len(const char *s, size_t n);

/* Appends Python's repr() of a float ("1.0", "1e+20", "inf"); -1 on OOM. */
int bf_tv_put_float(bf_buf_t *b, double f);
#endif
