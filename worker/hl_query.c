/*
 * worker/hl_query.c - a language's highlight query, its span tags and its
 * predicates (see hl_query.h).
 *
 * Everything is made once per language and process, when its first block
 * is highlighted: the TSQuery, one start tag per capture, and the
 * predicates of every pattern in one flat array (pattern p owns
 * preds[first[p] .. first[p + 1])), their strings pointing into the
 * query's own string table.  Memory comes from one arena of the query,
 * except the compiled regular expressions, which regfree() releases.
 */
#include "worker/hl_query.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/log.h"

#define NO_CAPTURE UINT32_MAX

enum { P_EQ, P_MATCH, P_ANY_OF };

typedef struct {
    uint8_t op;
    bool neg;        /* the not- form */
    uint32_t cap;    /* capture whose text is tested */
    uint32_t cap2;   /* P_EQ with a capture: its id, else NO_CAPTURE */
    uint32_t s0, ns; /* P_EQ with a string, P_ANY_OF: strs[s0 .. s0 + ns) */
    uint32_t re;     /* P_MATCH: res[re] */
} pred_t;

typedef struct {
    const char *s;
    uint32_t len;
} str_t;

struct bf_hl_query {
    TSQuery *ts;
    bf_arena_t *arena;
    const char **tags; /* per capture: start tag, or NULL */
    size_t *tag_len;
    uint32_t *first; /* per pattern + 1: its first predicate */
    pred_t *preds;
    str_t *strs;
    regex_t *res;
    uint32_t n_res;
};

/* ---- capture names to classes ---- */

/* Captures that are not highlights: scopes, injections, editor hints. */
static bool not_a_highlight(const char *name, uint32_t len)
{
    static const char *const skip[] = {"local", "injection", "spell", "nospell", "conceal", "none"};
    if (len == 0 || name[0] == '_')
        return true;
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) {
        size_t n = strlen(skip[i]);
        if (len >= n && memcmp(name, skip[i], n) == 0 && (len == n || name[n] == '.'))
            return true;
    }
    return false;
}

/* "<span class=\"hl-function-builtin\">" for "function.builtin": dots and
 * anything else outside [A-Za-z0-9_-] become '-'. */
static const char *make_tag(bf_arena_t *a, const char *name, uint32_t len, size_t *out_len)
{
    static const char pre[] = "<span class=\"hl-", post[] = "\">";
    size_t n = sizeof pre - 1 + len + sizeof post - 1;
    char *t = bf_arena_alloc(a, n + 1);
    if (!t)
        return NULL;
    char *p = t;
    memcpy(p, pre, sizeof pre - 1);
    p += sizeof pre - 1;
    for (uint32_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        *p++ = ok ? c : '-';
    }
    memcpy(p, post, sizeof post);
    *out_len = n;
    return t;
}

/* ---- regular expressions ---- */

static int put(char *out, size_t cap, size_t *o, const char *s)
{
    size_t n = strlen(s);
    if (*o + n + 1 > cap)
        return -1;
    memcpy(out + *o, s, n);
    *o += n;
    out[*o] = '\0';
    return 0;
}

/* One escape \c: its ERE text inside a bracket expression or outside
 * (in buf when it is made up), NULL when it has none. */
static const char *escape_ere(char c, bool in_class, char buf[3])
{
    switch (c) {
    case 'd':
        return in_class ? "0-9" : "[0-9]";
    case 'w':
        return in_class ? "A-Za-z0-9_" : "[A-Za-z0-9_]";
    case 's':
        return in_class ? "[:space:]" : "[[:space:]]";
    case 'D':
        return in_class ? NULL : "[^0-9]";
    case 'W':
        return in_class ? NULL : "[^A-Za-z0-9_]";
    case 'S':
        return in_class ? NULL : "[^[:space:]]";
    case 'n':
        return "\n";
    case 't':
        return "\t";
    case 'b':
        return in_class ? NULL : "\\b"; /* glibc's extension */
    default:
        break;
    }
    /* \p{..}, \x.., \u.., letters: no POSIX form */
    if (c == '\0' || !strchr(".*?+()|[]{}^$/\\-#&~:\"'<>=!,@%`;", c))
        return NULL;
    /* in a bracket expression a backslash is literal and ']', '^', '-' are
     * positional: those would need reordering, not worth it */
    if (in_class && (c == ']' || c == '^' || c == '-'))
        return NULL;
    /* outside, characters special in an ERE keep their backslash */
    bool special = !in_class && strchr(".*?+()|[]{}^$\\", c);
    buf[0] = special ? '\\' : c;
    buf[1] = special ? c : '\0';
    buf[2] = '\0';
    return buf;
}

int bf_hl_regex_to_ere(const char *re, size_t len, char *out, size_t cap, bool *icase)
{
    size_t i = 0, o = 0;
    bool in_class = false;
    *icase = false;
    if (cap == 0)
        return -1;
    out[0] = '\0';
    if (len >= 4 && memcmp(re, "(?i)", 4) == 0) {
        *icase = true;
        i = 4;
    }
    while (i < len) {
        char c = re[i];
        char one[2] = {c, 0}, buf[3];
        const char *piece = one;
        if (c == '\\') {
            if (i + 1 >= len || !(piece = escape_ere(re[i + 1], in_class, buf)))
                return -1;
            i += 2;
        } else if (in_class) {
            if (c == ']') {
                in_class = false;
            } else if (c == '[') {
                if (i + 1 >= len || re[i + 1] != ':')
                    return -1; /* a nested class */
                const char *end = memchr(re + i, ']', len - i);
                if (!end || end[-1] != ':')
                    return -1;
                size_t n = (size_t)(end - (re + i)) + 1;
                if (o + n + 1 > cap)
                    return -1;
                memcpy(out + o, re + i, n);
                o += n;
                out[o] = '\0';
                i += n;
                continue;
            } else if ((c == '&' || c == '-' || c == '~') && i + 1 < len && re[i + 1] == c) {
                return -1; /* set operations */
            }
            i++;
        } else if (c == '[') {
            in_class = true;
            i++;
            if (put(out, cap, &o, "[") < 0)
                return -1;
            if (i < len && re[i] == '^') {
                piece = "^";
                i++;
                if (put(out, cap, &o, piece) < 0)
                    return -1;
            }
            if (i < len && re[i] == ']') { /* a leading ']' is literal */
                i++;
                if (put(out, cap, &o, "]") < 0)
                    return -1;
            }
            continue;
        } else if (c == '(' && i + 1 < len && re[i + 1] == '?') {
            if (i + 2 >= len || re[i + 2] != ':')
                return -1; /* flags or look-around */
            piece = "(";
            i += 3;
        } else if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < len &&
                   re[i + 1] == '?') {
            i += 2; /* lazy: the same matches for a yes/no question */
        } else {
            i++;
        }
        if (put(out, cap, &o, piece) < 0)
            return -1;
    }
    return in_class ? -1 : 0;
}

/* ---- predicates ---- */

static const char *str_of(const TSQuery *ts, const TSQueryPredicateStep *st, uint32_t *len)
{
    return ts_query_string_value_for_id(ts, st->value_id, len);
}

static bool is_op(const char *s, uint32_t len, const char *name)
{
    return strlen(name) == len && memcmp(s, name, len) == 0;
}

/* Compiles the regular expression of a #match? into q->res.  -1: none. */
static int add_regex(bf_hl_query_t *q, const char *s, uint32_t len)
{
    char ere[1024];
    bool icase;
    if (bf_hl_regex_to_ere(s, len, ere, sizeof ere, &icase) < 0)
        return -1;
    int fl = REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0);
    if (regcomp(&q->res[q->n_res], ere, fl) != 0)
        return -1;
    return (int)q->n_res++;
}

/* One predicate (steps st[0..n), without its Done) into p.  Returns 1 when
 * it was recorded, 0 when it is one that is ignored, -1 when the pattern
 * cannot be evaluated (it is disabled). */
static int add_pred(bf_hl_query_t *q, const TSQueryPredicateStep *st, uint32_t n, pred_t *p,
                    uint32_t *n_strs)
{
    const TSQuery *ts = q->ts;
    uint32_t len;
    if (n < 2 || st[0].type != TSQueryPredicateStepTypeString)
        return -1;
    const char *op = str_of(ts, &st[0], &len);
    memset(p, 0, sizeof *p);
    p->cap2 = NO_CAPTURE;
    if (is_op(op, len, "eq?") || is_op(op, len, "not-eq?"))
        p->op = P_EQ;
    else if (is_op(op, len, "match?") || is_op(op, len, "not-match?"))
        p->op = P_MATCH;
    else if (is_op(op, len, "any-of?") || is_op(op, len, "not-any-of?"))
        p->op = P_ANY_OF;
    else
        return 0;
    p->neg = len > 4 && memcmp(op, "not-", 4) == 0;
    if (st[1].type != TSQueryPredicateStepTypeCapture)
        return -1;
    p->cap = st[1].value_id;
    if (p->op == P_EQ && n == 3 && st[2].type == TSQueryPredicateStepTypeCapture) {
        p->cap2 = st[2].value_id;
        return 1;
    }
    if (p->op != P_ANY_OF && n != 3)
        return -1;
    p->s0 = *n_strs;
    for (uint32_t k = 2; k < n; k++) {
        if (st[k].type != TSQueryPredicateStepTypeString)
            return -1;
        str_t *s = &q->strs[(*n_strs)++];
        s->s = str_of(ts, &st[k], &s->len);
    }
    p->ns = n - 2;
    if (p->op == P_MATCH) {
        int re = add_regex(q, q->strs[p->s0].s, q->strs[p->s0].len);
        if (re < 0)
            return -1;
        p->re = (uint32_t)re;
    }
    return 1;
}

/* The predicates of every pattern; a pattern whose predicates cannot be
 * evaluated is disabled.  -1 on out of memory. */
static int compile_preds(bf_hl_query_t *q)
{
    uint32_t np = ts_query_pattern_count(q->ts), total = 0, n_preds = 0, n_strs = 0;
    for (uint32_t i = 0; i < np; i++) {
        uint32_t n;
        ts_query_predicates_for_pattern(q->ts, i, &n);
        total += n;
    }
    q->first = bf_arena_calloc(q->arena, np + 1, sizeof *q->first);
    q->preds = bf_arena_calloc(q->arena, total + 1, sizeof *q->preds);
    q->strs = bf_arena_calloc(q->arena, total + 1, sizeof *q->strs);
    q->res = calloc(total + 1, sizeof *q->res);
    if (!q->first || !q->preds || !q->strs || !q->res)
        return -1;
    for (uint32_t i = 0; i < np; i++) {
        uint32_t n, start = 0;
        const TSQueryPredicateStep *st = ts_query_predicates_for_pattern(q->ts, i, &n);
        q->first[i] = n_preds;
        for (uint32_t k = 0; k < n; k++) {
            if (st[k].type != TSQueryPredicateStepTypeDone)
                continue;
            int r = add_pred(q, st + start, k - start, &q->preds[n_preds], &n_strs);
            if (r < 0) {
                ts_query_disable_pattern(q->ts, i);
                n_preds = q->first[i];
                break;
            }
            n_preds += (uint32_t)r;
            start = k + 1;
        }
    }
    q->first[np] = n_preds;
    return 0;
}

/* The text of the first node of capture id in m; false if m has none. */
static bool capture_text(const TSQueryMatch *m, uint32_t id, const char *src, const char **s,
                         uint32_t *len)
{
    for (uint16_t i = 0; i < m->capture_count; i++) {
        if (m->captures[i].index == id) {
            uint32_t a = ts_node_start_byte(m->captures[i].node);
            uint32_t b = ts_node_end_byte(m->captures[i].node);
            *s = src + a;
            *len = b > a ? b - a : 0;
            return true;
        }
    }
    return false;
}

static bool holds(const bf_hl_query_t *q, const pred_t *p, const TSQueryMatch *m, const char *src)
{
    const char *s, *s2;
    uint32_t len, len2;
    bool r = false;
    if (!capture_text(m, p->cap, src, &s, &len))
        return true; /* an optional capture that is absent */
    switch (p->op) {
    case P_EQ:
        if (p->cap2 != NO_CAPTURE) {
            if (!capture_text(m, p->cap2, src, &s2, &len2))
                return true;
        } else {
            s2 = q->strs[p->s0].s;
            len2 = q->strs[p->s0].len;
        }
        r = len == len2 && memcmp(s, s2, len) == 0;
        break;
    case P_MATCH: {
        regmatch_t pm[1] = {{0, (regoff_t)len}};
        r = regexec(&q->res[p->re], s, 1, pm, REG_STARTEND) == 0;
        break;
    }
    case P_ANY_OF:
        for (uint32_t k = 0; k < p->ns && !r; k++) {
            const str_t *x = &q->strs[p->s0 + k];
            r = x->len == len && memcmp(x->s, s, len) == 0;
        }
        break;
    }
    return r != p->neg;
}

bool bf_hl_query_accept(const bf_hl_query_t *q, const TSQueryMatch *m, const char *src)
{
    for (uint32_t i = q->first[m->pattern_index]; i < q->first[m->pattern_index + 1]; i++)
        if (!holds(q, &q->preds[i], m, src))
            return false;
    return true;
}

/* ---- the query ---- */

static const char *const query_errors[] = {
    "no error",        "syntax error",       "unknown node type", "unknown field",
    "unknown capture", "impossible pattern", "language error",
};

bf_hl_query_t *bf_hl_query_new(const TSLanguage *lang, const char *name, const char *src,
                               size_t len)
{
    uint32_t off = 0;
    TSQueryError err = TSQueryErrorNone;
    TSQuery *ts = ts_query_new(lang, src, (uint32_t)len, &off, &err);
    return bf_hl_query_adopt(ts, name, off, err);
}

bf_hl_query_t *bf_hl_query_adopt(TSQuery *ts, const char *name, uint32_t off, TSQueryError err)
{
    bf_hl_query_t *q = calloc(1, sizeof *q);
    if (!q || !(q->arena = bf_arena_create(16 * 1024))) {
        if (ts)
            ts_query_delete(ts);
        goto oom;
    }
    q->ts = ts;
    if (!q->ts) {
        unsigned e = (unsigned)err < sizeof query_errors / sizeof query_errors[0] ? err : 0;
        bf_log_warn("highlighting: the %s grammar's highlight query does not load "
                    "(%s at byte %u): %s code blocks are not highlighted",
                    name, query_errors[e], off, name);
        bf_hl_query_free(q);
        return NULL;
    }
    uint32_t nc = ts_query_capture_count(q->ts);
    q->tags = bf_arena_calloc(q->arena, nc + 1, sizeof *q->tags);
    q->tag_len = bf_arena_calloc(q->arena, nc + 1, sizeof *q->tag_len);
    if (!q->tags || !q->tag_len)
        goto oom;
    for (uint32_t i = 0; i < nc; i++) {
        uint32_t n;
        const char *cn = ts_query_capture_name_for_id(q->ts, i, &n);
        if (not_a_highlight(cn, n))
            continue;
        if (!(q->tags[i] = make_tag(q->arena, cn, n, &q->tag_len[i])))
            goto oom;
    }
    if (compile_preds(q) < 0)
        goto oom;
    return q;
oom:
    bf_log_error("out of memory");
    bf_hl_query_free(q);
    return NULL;
}

void bf_hl_query_free(bf_hl_query_t *q)
{
    if (!q)
        return;
    for (uint32_t i = 0; i < q->n_res; i++)
        regfree(&q->res[i]);
    free(q->res);
    if (q->ts)
        ts_query_delete(q->ts);
    bf_arena_destroy(q->arena);
    free(q);
}

const TSQuery *bf_hl_query_ts(const bf_hl_query_t *q)
{
    return q->ts;
}

const char *bf_hl_query_tag(const bf_hl_query_t *q, uint32_t capture, size_t *len)
{
    *len = q->tag_len[capture];
    return q->tags[capture];
}
