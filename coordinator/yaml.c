/*
 * coordinator/yaml.c - libyaml's event stream turned into a bf_value_t tree.
 *
 * The only file that includes <yaml.h> (STYLE 13).  We use the event API
 * (yaml_parser_parse), not libyaml's document loader, for two reasons: the
 * loader expands aliases (the "billion laughs" bomb) before we could say
 * no, and it builds its own tree that we would copy again.  Events arrive
 * in document order and are turned into values at once.
 *
 * Invariants:
 *   - open collections live on an explicit stack (frames), so input depth
 *     never becomes C stack depth; depth is bounded by lim.max_depth
 *   - every event obtained from libyaml is deleted before the next one
 *   - every failure logs exactly one error, where it is found, and unwinds
 *     through one cleanup label that frees all malloc'd scratch memory;
 *     only the value tree (and the optional key table) lives in the arena
 *   - key positions are kept on one stack of (line, col) pairs: the open
 *     map on top of the frame stack owns the pairs from its kbase upwards,
 *     one per key already stored (nkpos == kbase + 2 * n for the top map)
 */
#include "coordinator/yaml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "shared/buf.h"
#include "shared/fs.h"
#include "shared/log.h"

#define CORE_TAG "tag:yaml.org,2002:"
#define CORE_TAG_LEN (sizeof(CORE_TAG) - 1)

/* Maps with this many keys get a hash index for the duplicate check, so a
 * data file with a 100k-key map is not quadratic. */
#define HASH_FROM 16

typedef struct keyrec {
    const bf_value_t *map;
    const uint32_t *pos; /* n (line, col) pairs */
    size_t n;
    struct keyrec *next;
} keyrec_t;

struct bf_yaml_keys {
    keyrec_t *head;
};

typedef struct {
    bf_value_t *node; /* LIST or MAP being filled */
    size_t kbase;     /* MAP: index of its first key position in kpos */
    char *key;        /* MAP: key waiting for its value, or NULL */
    size_t klen;
    uint32_t kline, kcol;
    uint32_t *hash; /* MAP with many keys: index + 1 of each key, or 0 */
    size_t hcap;    /* power of two */
} frame_t;

typedef struct {
    bf_arena_t *a;
    const char *file;
    const char *text;
    size_t len;
    unsigned first_line;
    bf_yaml_limits_t lim;
    frame_t *st;
    size_t depth, st_cap;
    uint32_t *kpos; /* (line, col) pairs, see the invariants above */
    size_t nkpos, kpos_cap;
    size_t nodes;
    unsigned docs;
    bf_value_t *root;
    bf_yaml_keys_t *keys; /* NULL unless the caller asked for positions */
} ctx_t;

static uint32_t mark_line(const ctx_t *c, const yaml_mark_t *m)
{
    return (uint32_t)(m->line + c->first_line);
}

static uint32_t mark_col(const yaml_mark_t *m)
{
    return (uint32_t)(m->column + 1);
}

static void err_at(const ctx_t *c, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void err_at(const ctx_t *c, const yaml_mark_t *m, const char *fmt, ...)
{
    va_list ap;

    if (!c->file)
        return; /* a trial parse (yaml.h) */
    va_start(ap, fmt);
    bf_log_vat(BF_LOG_ERROR, c->file, m ? mark_line(c, m) : 0, m ? mark_col(m) : 0, fmt, ap);
    va_end(ap);
}

static int oom(const ctx_t *c)
{
    err_at(c, NULL, "out of memory while parsing YAML");
    return -1;
}

/* ---- core schema scalars ---------------------------------------------- */

static bool is_null(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '~') ||
           (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

static bool parse_bool(const char *s, size_t n, bool *b)
{
    if (n == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "True", 4) || !memcmp(s, "TRUE", 4))) {
        *b = true;
        return true;
    }
    if (n == 5 && (!memcmp(s, "false", 5) || !memcmp(s, "False", 5) || !memcmp(s, "FALSE", 5))) {
        *b = false;
        return true;
    }
    return false;
}

static int digit_val(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return 99;
}

/* 1: an integer that fits int64; 0: not integer-shaped; -1: integer-shaped
 * but out of range. */
static int parse_int(const char *s, size_t n, int64_t *out)
{
    unsigned base = 10;
    size_t i = 0;
    bool neg = false;
    uint64_t v = 0, limit;

    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
        base = s[1] == 'x' ? 16 : 8;
        i = 2;
    } else if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return 0;
    for (size_t j = i; j < n; j++)
        if ((unsigned)digit_val(s[j]) >= base)
            return 0;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        unsigned d = (unsigned)digit_val(s[i]);
        if (v > (limit - d) / base)
            return -1;
        v = v * base + d;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return 1;
}

static size_t skip_digits(const char *s, size_t i, size_t n)
{
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* s is NUL-terminated at s[n] (libyaml's scalar values are). */
static bool parse_float(const char *s, size_t n, double *out)
{
    size_t i = 0, j;
    char *end;

    if (n == 4 && (!memcmp(s, ".nan", 4) || !memcmp(s, ".NaN", 4) || !memcmp(s, ".NAN", 4))) {
        *out = NAN;
        return true;
    }
    if (n > 0 && (s[0] == '-' || s[0] == '+'))
        i = 1;
    if (n - i == 4 &&
        (!memcmp(s + i, ".inf", 4) || !memcmp(s + i, ".Inf", 4) || !memcmp(s + i, ".INF", 4))) {
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    /* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
    if (i < n && s[i] == '.') {
        j = skip_digits(s, i + 1, n);
        if (j == i + 1)
            return false;
    } else {
        j = skip_digits(s, i, n);
        if (j == i)
            return false;
        if (j < n && s[j] == '.')
            j = skip_digits(s, j + 1, n);
    }
    if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < n && (s[k] == '-' || s[k] == '+'))
            k++;
        j = skip_digits(s, k, n);
        if (j == k)
            return false;
    }
    if (j != n)
        return false;
    *out = strtod(s, &end);
    return end == s + n;
}

/* "tag:yaml.org,2002:int" -> "!!int" for messages. */
static void tag_name(const char *tag, char *buf, size_t cap)
{
    if (!strncmp(tag, CORE_TAG, CORE_TAG_LEN))
        snprintf(buf, cap, "!!%s", tag + CORE_TAG_LEN);
    else
        snprintf(buf, cap, "%s", tag);
}

/* Types the scalar of ev into v (kind and number; a STRING keeps pointing
 * into the event).  Plain scalars follow the core schema, other styles are
 * strings, explicit tags must fit their value. */
static int scalar_type(const ctx_t *c, const yaml_event_t *ev, bf_value_t *v)
{
    const char *s = (const char *)ev->data.scalar.value;
    const char *tag = (const char *)ev->data.scalar.tag;
    size_t n = ev->data.scalar.length;
    const char *want = NULL;
    char name[80];
    int r;

    memset(v, 0, sizeof(*v));
    v->kind = BF_VAL_STRING;
    v->u.s.ptr = s;
    v->u.s.len = n;
    if (tag && strcmp(tag, "!") != 0) {
        if (strncmp(tag, CORE_TAG, CORE_TAG_LEN) != 0)
            goto unknown;
        want = tag + CORE_TAG_LEN;
        if (!strcmp(want, "str"))
            return 0;
        if (strcmp(want, "int") && strcmp(want, "float") && strcmp(want, "bool") &&
            strcmp(want, "null"))
            goto unknown;
    } else if (tag || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return 0; /* quoted, block, or "!": a string */
    }
    if ((!want || !strcmp(want, "null")) && is_null(s, n)) {
        v->kind = BF_VAL_NULL;
        return 0;
    }
    if ((!want || !strcmp(want, "bool")) && parse_bool(s, n, &v->u.b)) {
        v->kind = BF_VAL_BOOL;
        return 0;
    }
    if (!want || !strcmp(want, "int")) {
        r = parse_int(s, n, &v->u.i);
        if (r == 1) {
            v->kind = BF_VAL_INT;
            return 0;
        }
        if (r == -1 && want) {
            err_at(c, &ev->start_mark, "integer \"%s\" is out of range", s);
            return -1;
        }
    }
    if ((!want || !strcmp(want, "float")) && parse_float(s, n, &v->u.f)) {
        v->kind = BF_VAL_FLOAT;
        return 0;
    }
    if (!want)
        return 0;
    err_at(c, &ev->start_mark, "\"%s\" is not a valid !!%s", s, want);
    return -1;

unknown:
    tag_name(tag, name, sizeof(name));
    err_at(c, &ev->start_mark,
           "unsupported YAML tag \"%s\" (known: !!str, !!int, !!float, !!bool, !!null, "
           "!!map, !!seq)",
           name);
    return -1;
}

/* ---- building the tree ------------------------------------------------ */

static size_t hash_key(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return (size_t)h;
}

static bool key_eq(const bf_value_t *m, size_t i, const char *s, size_t n)
{
    return m->u.c.key_lens[i] == n && !memcmp(m->u.c.keys[i], s, n);
}

/* Index of key s in the map of f, or -1. */
static long find_key(const frame_t *f, const char *s, size_t n)
{
    const bf_value_t *m = f->node;

    if (f->hash) {
        for (size_t h = hash_key(s, n) & (f->hcap - 1);; h = (h + 1) & (f->hcap - 1)) {
            uint32_t e = f->hash[h];
            if (e == 0)
                return -1;
            if (key_eq(m, e - 1, s, n))
                return (long)e - 1;
        }
    }
    for (size_t i = 0; i < m->u.c.n; i++)
        if (key_eq(m, i, s, n))
            return (long)i;
    return -1;
}

/* Keeps the hash index of f's map up to date after a key was appended:
 * builds it when the map reaches HASH_FROM keys, doubles it at half load. */
static int index_key(frame_t *f)
{
    const bf_value_t *m = f->node;
    size_t n = m->u.c.n, start = n - 1;

    if (n < HASH_FROM)
        return 0;
    if (!f->hash || n * 2 > f->hcap) {
        size_t cap = f->hcap ? f->hcap * 2 : 4 * HASH_FROM;
        uint32_t *h = calloc(cap, sizeof(*h));
        if (!h)
            return -1;
        free(f->hash);
        f->hash = h;
        f->hcap = cap;
        start = 0;
    }
    for (size_t i = start; i < n; i++) {
        size_t h = hash_key(m->u.c.keys[i], m->u.c.key_lens[i]) & (f->hcap - 1);
        while (f->hash[h])
            h = (h + 1) & (f->hcap - 1);
        f->hash[h] = (uint32_t)(i + 1);
    }
    return 0;
}

static int push_kpos(ctx_t *c, uint32_t line, uint32_t col)
{
    if (c->nkpos + 2 > c->kpos_cap) {
        size_t cap = c->kpos_cap ? c->kpos_cap * 2 : 64;
        uint32_t *p = realloc(c->kpos, cap * sizeof(*p));
        if (!p)
            return -1;
        c->kpos = p;
        c->kpos_cap = cap;
    }
    c->kpos[c->nkpos++] = line;
    c->kpos[c->nkpos++] = col;
    return 0;
}

/* Hangs v under the open collection (or makes it the root). */
static int attach(ctx_t *c, bf_value_t *v)
{
    frame_t *f;

    if (c->depth == 0) {
        c->root = v;
        return 0;
    }
    f = &c->st[c->depth - 1];
    if (f->node->kind == BF_VAL_LIST)
        return bf_value_list_push(c->a, f->node, v) < 0 ? oom(c) : 0;
    if (bf_value_map_put(c->a, f->node, f->key, f->klen, v) < 0 ||
        push_kpos(c, f->kline, f->kcol) < 0 || index_key(f) < 0)
        return oom(c);
    f->key = NULL;
    return 0;
}

static int count_node(ctx_t *c, const yaml_event_t *ev)
{
    if (++c->nodes > c->lim.max_nodes) {
        err_at(c, &ev->start_mark, "YAML document has more than %zu nodes", c->lim.max_nodes);
        return -1;
    }
    return 0;
}

/* A scalar where the open map expects a key. */
static int take_key(ctx_t *c, frame_t *f, const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    bf_value_t tmp;
    long i;

    if (scalar_type(c, ev, &tmp) < 0)
        return -1;
    i = find_key(f, s, n);
    if (i >= 0) {
        err_at(c, &ev->start_mark, "duplicate key \"%s\" (first at line %u)", s,
               (unsigned)c->kpos[f->kbase + 2 * (size_t)i]);
        return -1;
    }
    f->key = bf_arena_strndup(c->a, s, n);
    if (!f->key)
        return oom(c);
    f->klen = n;
    f->kline = mark_line(c, &ev->start_mark);
    f->kcol = mark_col(&ev->start_mark);
    return 0;
}

static int on_scalar(ctx_t *c, const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    frame_t *f = c->depth ? &c->st[c->depth - 1] : NULL;
    bf_value_t tmp, *v;

    if (count_node(c, ev) < 0)
        return -1;
    /* "\0" escapes are the one way YAML can make a NUL; strings and keys
     * must stay usable as C strings. */
    if (memchr(s, '\0', n)) {
        err_at(c, &ev->start_mark, "NUL characters are not allowed in YAML strings");
        return -1;
    }
    if (f && f->node->kind == BF_VAL_MAP && !f->key)
        return take_key(c, f, ev);
    if (scalar_type(c, ev, &tmp) < 0)
        return -1;
    if (tmp.kind == BF_VAL_STRING) {
        v = bf_value_string(c->a, s, n);
    } else {
        v = bf_value_new(c->a, tmp.kind);
        if (v)
            v->u = tmp.u;
    }
    if (!v)
        return oom(c);
    v->line = mark_line(c, &ev->start_mark);
    v->col = mark_col(&ev->start_mark);
    return attach(c, v);
}

static int on_start(ctx_t *c, const yaml_event_t *ev, bool is_map)
{
    const char *tag =
        (const char *)(is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
    const char *what = is_map ? "map" : "list";
    frame_t *f = c->depth ? &c->st[c->depth - 1] : NULL;
    bf_value_t *v;
    char name[80];

    if (count_node(c, ev) < 0)
        return -1;
    if (tag && strcmp(tag, "!") != 0 &&
        (strncmp(tag, CORE_TAG, CORE_TAG_LEN) != 0 ||
         strcmp(tag + CORE_TAG_LEN, is_map ? "map" : "seq") != 0)) {
        tag_name(tag, name, sizeof(name));
        err_at(c, &ev->start_mark, "unsupported YAML tag \"%s\" on a %s", name, what);
        return -1;
    }
    if (f && f->node->kind == BF_VAL_MAP && !f->key) {
        err_at(c, &ev->start_mark, "YAML map keys must be scalars, not a %s", what);
        return -1;
    }
    if (c->depth >= c->lim.max_depth) {
        err_at(c, &ev->start_mark, "YAML nesting depth is over the limit of %u", c->lim.max_depth);
        return -1;
    }
    v = bf_value_new(c->a, is_map ? BF_VAL_MAP : BF_VAL_LIST);
    if (!v)
        return oom(c);
    v->line = mark_line(c, &ev->start_mark);
    v->col = mark_col(&ev->start_mark);
    if (attach(c, v) < 0)
        return -1;
    if (c->depth == c->st_cap) {
        size_t cap = c->st_cap ? c->st_cap * 2 : 16;
        frame_t *st = realloc(c->st, cap * sizeof(*st));
        if (!st)
            return oom(c);
        c->st = st;
        c->st_cap = cap;
    }
    f = &c->st[c->depth++];
    memset(f, 0, sizeof(*f));
    f->node = v;
    f->kbase = c->nkpos;
    return 0;
}

static int on_end(ctx_t *c)
{
    frame_t *f = &c->st[c->depth - 1];
    const bf_value_t *m = f->node;

    if (m->kind == BF_VAL_MAP && c->keys && m->u.c.n > 0) {
        keyrec_t *r = bf_arena_alloc(c->a, sizeof(*r));
        uint32_t *pos = bf_arena_memdup(c->a, c->kpos + f->kbase, 2 * m->u.c.n * sizeof(uint32_t));
        if (!r || !pos)
            return oom(c);
        r->map = m;
        r->pos = pos;
        r->n = m->u.c.n;
        r->next = c->keys->head;
        c->keys->head = r;
    }
    if (m->kind == BF_VAL_MAP)
        c->nkpos = f->kbase;
    free(f->hash);
    f->hash = NULL;
    c->depth--;
    return 0;
}

static int on_event(ctx_t *c, const yaml_event_t *ev)
{
    const yaml_char_t *anchor = NULL;

    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (c->docs++ > 0) {
            err_at(c, &ev->start_mark, "more than one YAML document is not supported");
            return -1;
        }
        return 0;
    case YAML_ALIAS_EVENT:
        err_at(c, &ev->start_mark, "YAML anchors and aliases are not supported");
        return -1;
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(c);
    default:
        return 0; /* stream start/end, document end */
    }
    /* The start mark of a node with an anchor is the anchor itself. */
    if (anchor) {
        err_at(c, &ev->start_mark, "YAML anchors and aliases are not supported");
        return -1;
    }
    if (ev->type == YAML_SCALAR_EVENT)
        return on_scalar(c, ev);
    return on_start(c, ev, ev->type == YAML_MAPPING_START_EVENT);
}

/* Reader errors (bad UTF-8, control characters) carry a byte offset but no
 * mark: count lines and characters up to it ourselves, the way libyaml
 * counts them (CR LF, LF and lone CR end a line; columns in characters). */
static void reader_error(const ctx_t *c, const yaml_parser_t *p)
{
    size_t off = p->problem_offset < c->len ? p->problem_offset : c->len;
    yaml_mark_t m = {0, 0, 0};
    const char *what = "invalid YAML";

    /* libyaml points at the bad trailing byte; the user wants the start
     * of the broken sequence. */
    if (strstr(p->problem, "trailing"))
        while (off > 0 && (off >= c->len || ((unsigned char)c->text[off] & 0xC0) != 0xC0))
            off--;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)c->text[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 >= c->len || c->text[i + 1] != '\n'))) {
            m.line++;
            m.column = 0;
        } else if ((ch & 0xC0) != 0x80) {
            m.column++;
        }
    }
    if (strstr(p->problem, "UTF-8") || strstr(p->problem, "Unicode"))
        what = "invalid UTF-8";
    if (p->problem_value >= 0)
        err_at(c, &m, "%s: %s (0x%02X)", what, p->problem, (unsigned)p->problem_value);
    else
        err_at(c, &m, "%s: %s", what, p->problem);
}

static void parser_error(const ctx_t *c, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "unknown error";

    switch (p->error) {
    case YAML_MEMORY_ERROR:
        oom(c);
        return;
    case YAML_READER_ERROR:
        if (p->problem) {
            reader_error(c, p);
            return;
        }
        break;
    default:
        break;
    }
    if (p->context && p->context_mark.line != p->problem_mark.line)
        err_at(c, &p->problem_mark, "invalid YAML: %s (%s at line %u)", problem, p->context,
               mark_line(c, &p->context_mark));
    else if (p->context)
        err_at(c, &p->problem_mark, "invalid YAML: %s (%s)", problem, p->context);
    else
        err_at(c, &p->problem_mark, "invalid YAML: %s", problem);
}

int bf_yaml_parse_keys(bf_arena_t *a, const char *file, const char *text, size_t len,
                       unsigned first_line, const bf_yaml_limits_t *lim, bf_value_t **out,
                       bf_yaml_keys_t **keys)
{
    static const bf_yaml_limits_t deflim = BF_YAML_LIMITS_DEFAULT;
    ctx_t c = {.a = a, .file = file, .first_line = first_line ? first_line : 1};
    yaml_parser_t p;
    yaml_event_t ev;
    bool done = false;
    int rc = -1;

    *out = NULL;
    if (keys)
        *keys = NULL;
    /* A UTF-8 byte order mark is not content; dropping it here keeps the
     * columns of line 1 the ones an editor shows. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        text += 3;
        len -= 3;
    }
    c.text = text;
    c.len = len;
    c.lim = lim ? *lim : deflim;
    if (keys && !(c.keys = bf_arena_zalloc(a, sizeof(*c.keys))))
        return oom(&c);
    if (!yaml_parser_initialize(&p))
        return oom(&c);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    while (!done) {
        int r;
        if (!yaml_parser_parse(&p, &ev)) {
            parser_error(&c, &p);
            goto out;
        }
        r = on_event(&c, &ev);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (r < 0)
            goto out;
    }
    if (!c.root) { /* no document, or an empty one */
        c.root = bf_value_new(a, BF_VAL_NULL);
        if (!c.root) {
            oom(&c);
            goto out;
        }
        c.root->line = c.first_line;
        c.root->col = 1;
    }
    *out = c.root;
    if (keys)
        *keys = c.keys;
    rc = 0;
out:
    for (size_t i = 0; i < c.depth; i++)
        free(c.st[i].hash);
    free(c.st);
    free(c.kpos);
    yaml_parser_delete(&p);
    return rc;
}

int bf_yaml_parse(bf_arena_t *a, const char *file, const char *text, size_t len,
                  unsigned first_line, const bf_yaml_limits_t *lim, bf_value_t **out)
{
    return bf_yaml_parse_keys(a, file, text, len, first_line, lim, out, NULL);
}

void bf_yaml_key_pos(const bf_yaml_keys_t *k, const bf_value_t *m, size_t i, unsigned *line,
                     unsigned *col)
{
    *line = 0;
    *col = 0;
    for (const keyrec_t *r = k ? k->head : NULL; r; r = r->next) {
        if (r->map == m) {
            if (i < r->n) {
                *line = r->pos[2 * i];
                *col = r->pos[2 * i + 1];
            }
            return;
        }
    }
}

bf_value_t *bf_yaml_load_file(bf_arena_t *a, const char *path)
{
    bf_buf_t text = BF_BUF_INIT;
    bf_yaml_limits_t lim = BF_YAML_LIMITS_DEFAULT;
    bf_value_t *v = NULL;
    if (bf_fs_read_file(path, 64u << 20, &text) < 0)
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
    else if (bf_yaml_parse(a, path, text.data ? text.data : "", text.len, 1, &lim, &v) < 0)
        v = NULL;
    bf_buf_free(&text);
    return v;
}
