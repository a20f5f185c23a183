/*
 * worker/highlight.c - code blocks highlighted with tree-sitter (see
 * highlight.h); the compiled queries and their predicates are in
 * hl_query.c.
 *
 * One block: parse it (the language's parser, kept), run the query over
 * the tree (the one cursor, kept), keep the captures whose predicates
 * hold and that are highlights as spans [start, end) with their tag,
 * sort them by start (outer first), keep one span per range (the one of
 * the pattern that wins, grammars/languages), and write the text between
 * span boundaries escaped.  A stack of open spans keeps the tags nested:
 * a span is closed before its parent, and one that would cross its
 * parent's end (nodes of one tree never do; a grammar's quirk might) is
 * cut there.
 */
#include "worker/highlight.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <tree_sitter/api.h>

#include "shared/html.h"
#include "shared/log.h"
#include "shared/scout.h"
#include "worker/hl_grammars.h"
#include "worker/hl_query.h"

/* Matches in progress a cursor keeps before it drops the oldest. */
#define MATCH_LIMIT 256

/* The languages of grammars/languages with the other names fences give
 * them (separated by spaces). */
static const struct {
    const char *name, *aliases;
} names[] = {
    {"bash", "sh shell zsh console shell-session"},
    {"c", ""},
    {"cpp", "c++ cxx cc h hpp hxx"},
    {"csharp", "c# cs"},
    {"css", ""},
    {"go", "golang"},
    {"html", "htm xhtml"},
    {"java", ""},
    {"javascript", "js jsx mjs cjs node"},
    {"json", "jsonc"},
    {"lua", ""},
    {"make", "makefile mk"},
    {"markdown", "md"},
    {"php", ""},
    {"python", "py python3 py3"},
    {"ruby", "rb"},
    {"rust", "rs"},
    {"sql", "mysql postgresql postgres sqlite"},
    {"toml", ""},
    {"tsx", ""},
    {"typescript", "ts mts cts"},
    {"xml", "svg xsd xsl xslt"},
    {"yaml", "yml"},
};

/* Fences that say "not a language": plain, and not worth a warning. */
static const char *const plain_names[] = {
    "text",        "txt",          "plain",  "plaintext", "none",
    "nohighlight", "no-highlight", "output", "mermaid",   "math",
};

/* A language's parser and query, made at its first block.  state: 0 not
 * tried yet, 1 ready, -1 failed (its blocks are plain). */
typedef struct {
    const bf_hl_grammar_t *g;
    TSParser *parser;
    bf_hl_query_t *query;
    int state;
} lang_t;

typedef struct {
    uint32_t start, end;
    uint32_t capture;
    uint32_t rank; /* of one range, the highest rank wins: the
                      pattern index, or its complement where the
                      first pattern wins (bf_hl_grammar_t) */
} span_t;

typedef struct {
    char name[BF_HL_NAME_MAX + 1];
    uint32_t pages;
} unknown_t;

struct bf_hl {
    lang_t *langs; /* parallel to bf_hl_grammars */
    size_t n_langs;
    TSQueryCursor *cursor;
    span_t *spans; /* one block's, reused */
    size_t n_spans, cap_spans;
    uint32_t *stack; /* open spans (indexes into spans) */
    size_t cap_stack;
    unknown_t unknown[BF_HL_UNKNOWN_MAX];
    size_t n_unknown;
    uint64_t bytes;
};

/* The state of one block being written. */
typedef struct {
    span_t *spans;   /* the block's, sorted (hl's buffer) */
    uint32_t *stack; /* open spans: indexes into spans */
    const bf_hl_query_t *q;
    const char *code;
    bf_buf_t *out;
    const bf_hl_lines_t *lines;
    uint32_t pos;       /* code written up to here */
    uint32_t line;      /* lines started */
    bool at_line_start; /* the next byte starts a line not yet opened */
    size_t depth;       /* spans on the stack */
    int rc;
} emit_t;

/* ---- names ---- */

static bool name_is(const char *lang, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(lang, name, len) == 0;
}

/* Is lang one of the space-separated words of list? */
static bool in_list(const char *lang, size_t len, const char *list)
{
    while (*list) {
        size_t n = strcspn(list, " ");
        if (n == len && strncasecmp(lang, list, n) == 0)
            return true;
        list += n + (list[n] == ' ');
    }
    return false;
}

const char *bf_hl_canonical(const char *lang, size_t lang_len)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name_is(lang, lang_len, names[i].name) || in_list(lang, lang_len, names[i].aliases))
            return names[i].name;
    return NULL;
}

bool bf_hl_is_plain(const char *lang, size_t lang_len)
{
    for (size_t i = 0; i < sizeof plain_names / sizeof plain_names[0]; i++)
        if (name_is(lang, lang_len, plain_names[i]))
            return true;
    return lang_len == 0;
}

const char *bf_hl_language(size_t i, const char **package)
{
    for (size_t k = 0; bf_hl_grammars[k].name; k++) {
        if (k == i) {
            if (package)
                *package = bf_hl_grammars[k].package;
            return bf_hl_grammars[k].name;
        }
    }
    return NULL;
}

/* ---- the tally of unknown languages ---- */

static unknown_t *unknown_find(bf_hl_t *hl, const char *name)
{
    for (size_t i = 0; i < hl->n_unknown; i++)
        if (strcmp(hl->unknown[i].name, name) == 0)
            return &hl->unknown[i];
    return NULL;
}

void bf_hl_unknown_add(bf_hl_t *hl, const char *name, size_t name_len, uint32_t pages)
{
    char low[BF_HL_NAME_MAX + 1];
    size_t n = name_len < BF_HL_NAME_MAX ? name_len : BF_HL_NAME_MAX;
    for (size_t i = 0; i < n; i++)
        low[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
    low[n] = '\0';
    unknown_t *u = unknown_find(hl, low);
    if (!u && hl->n_unknown >= BF_HL_UNKNOWN_MAX - 1) {
        /* the last entry, "...", counts every name past the table's size */
        memcpy(low, "...", 4);
        u = unknown_find(hl, low);
    }
    if (!u) {
        u = &hl->unknown[hl->n_unknown++];
        memcpy(u->name, low, strlen(low) + 1);
    }
    u->pages += pages;
}

const char *bf_hl_unknown(const bf_hl_t *hl, size_t i, uint32_t *pages)
{
    if (i >= hl->n_unknown)
        return NULL;
    *pages = hl->unknown[i].pages;
    return hl->unknown[i].name;
}

uint64_t bf_hl_bytes(const bf_hl_t *hl)
{
    return hl->bytes;
}

/* ---- setup ---- */

bf_hl_t *bf_hl_new(void)
{
    bf_hl_t *hl = calloc(1, sizeof *hl);
    size_t n = 0;
    while (bf_hl_grammars[n].name)
        n++;
    if (hl) {
        hl->n_langs = n;
        hl->langs = calloc(n + 1, sizeof *hl->langs);
    }
    if (!hl || !hl->langs) {
        free(hl);
        bf_log_error("out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        hl->langs[i].g = &bf_hl_grammars[i];
    return hl;
}

void bf_hl_free(bf_hl_t *hl)
{
    if (!hl)
        return;
    for (size_t i = 0; i < hl->n_langs; i++) {
        if (hl->langs[i].parser)
            ts_parser_delete(hl->langs[i].parser);
        bf_hl_query_free(hl->langs[i].query);
    }
    if (hl->cursor)
        ts_query_cursor_delete(hl->cursor);
    free(hl->langs);
    free(hl->spans);
    free(hl->stack);
    free(hl);
}

/* A query the runtime compiled ahead (bf_hl_prepare), or not. */
typedef struct {
    bool done;
    TSQuery *ts;
    uint32_t off;
    TSQueryError err;
} compiled_t;

/* The language's parser and query, made now if this is its first block
 * (with c's query when c is done).  NULL when it has none (logged once). */
static lang_t *ready_from(bf_hl_t *hl, lang_t *l, compiled_t *c)
{
    if (l->state)
        return l->state > 0 ? l : NULL;
    l->state = -1;
    const TSLanguage *ts = l->g->language();
    uint32_t v = ts_language_version(ts);
    if (v < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || v > TREE_SITTER_LANGUAGE_VERSION) {
        bf_log_warn("highlighting: the %s grammar (%s) has ABI %u, the tree-sitter library "
                    "takes %u to %u: %s code blocks are not highlighted",
                    l->g->name, l->g->package, v, TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
                    TREE_SITTER_LANGUAGE_VERSION, l->g->name);
        return NULL;
    }
    if (!hl->cursor && !(hl->cursor = ts_query_cursor_new()))
        return NULL;
    ts_query_cursor_set_match_limit(hl->cursor, MATCH_LIMIT);
    l->parser = ts_parser_new();
    if (!l->parser || !ts_parser_set_language(l->parser, ts))
        return NULL;
    ts_parser_set_timeout_micros(l->parser, BF_HL_PARSE_TIMEOUT_US);
    if (c && c->done) {
        l->query = bf_hl_query_adopt(c->ts, l->g->name, c->off, c->err);
        c->ts = NULL;
    } else {
        l->query = bf_hl_query_new(ts, l->g->name, l->g->query, l->g->query_len);
    }
    if (!l->query)
        return NULL;
    l->state = 1;
    return l;
}

static lang_t *ready(bf_hl_t *hl, lang_t *l)
{
    return ready_from(hl, l, NULL);
}

static lang_t *find(bf_hl_t *hl, const char *lang, size_t len)
{
    const char *name = bf_hl_canonical(lang, len);
    if (!name)
        return NULL;
    for (size_t i = 0; i < hl->n_langs; i++)
        if (strcmp(hl->langs[i].g->name, name) == 0)
            return &hl->langs[i];
    return NULL;
}

/* ---- compiling ahead ---- */

typedef struct {
    bf_hl_t *hl;
    lang_t **langs; /* the languages to make, each once */
    compiled_t *c;
} prepare_t;

/* On any thread: the runtime's compile of one query, the slow part. */
static void compile_query(void *arg, size_t job, unsigned thread, size_t slot)
{
    prepare_t *p = arg;
    const bf_hl_grammar_t *g = p->langs[job]->g;
    const TSLanguage *ts = g->language();
    uint32_t v = ts_language_version(ts);
    if (v < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || v > TREE_SITTER_LANGUAGE_VERSION)
        return; /* ready_from says so */
    p->c[job].ts = ts_query_new(ts, g->query, (uint32_t)g->query_len, &p->c[job].off,
                                &p->c[job].err);
    p->c[job].done = true;
}

/* On the caller's thread, in order: the rest (it may log). */
static int adopt_query(void *arg, size_t job, size_t slot)
{
    prepare_t *p = arg;
    ready_from(p->hl, p->langs[job], &p->c[job]);
    return 0;
}

size_t bf_hl_ready_count(const bf_hl_t *hl)
{
    size_t n = 0;
    for (size_t i = 0; i < hl->n_langs; i++)
        n += hl->langs[i].state > 0;
    return n;
}

int bf_hl_prepare(bf_hl_t *hl, const char *const *langs, size_t n, unsigned threads)
{
    prepare_t p = {hl, calloc(n + 1, sizeof *p.langs), calloc(n + 1, sizeof *p.c)};
    size_t k = 0;
    if (!p.langs || !p.c) {
        free(p.langs);
        free(p.c);
        bf_log_error("out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        lang_t *l = find(hl, langs[i], strlen(langs[i]));
        bool dup = false;
        for (size_t j = 0; l && j < k; j++)
            dup |= p.langs[j] == l;
        if (l && !l->state && !dup)
            p.langs[k++] = l;
    }
    bf_scout_t sc = {.n = k, .threads = threads, .window = k ? k : 1, .arg = &p,
                     .work = compile_query, .consume = adopt_query};
    bf_scout_run(&sc);
    for (size_t i = 0; i < k; i++)
        if (p.c[i].ts) /* compiled, not adopted: cannot happen, but never leak */
            ts_query_delete(p.c[i].ts);
    free(p.langs);
    free(p.c);
    return 0;
}

void bf_hl_note(bf_hl_t *hl, const char *lang, size_t len)
{
    if (hl && !find(hl, lang, len) && !bf_hl_is_plain(lang, len))
        bf_hl_unknown_add(hl, lang, len, 1);
}

/* ---- spans ---- */

static int cmp_span(const void *pa, const void *pb)
{
    const span_t *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1; /* the outer first */
    if (a->rank != b->rank)
        return a->rank > b->rank ? -1 : 1; /* the winner first */
    return a->capture < b->capture ? -1 : a->capture > b->capture;
}

static int push_span(bf_hl_t *hl, span_t s)
{
    if (hl->n_spans == hl->cap_spans) {
        size_t cap = hl->cap_spans ? hl->cap_spans * 2 : 256;
        span_t *p = realloc(hl->spans, cap * sizeof *p);
        if (!p)
            return -1;
        hl->spans = p;
        hl->cap_spans = cap;
    }
    hl->spans[hl->n_spans++] = s;
    return 0;
}

/* The spans of one parsed block into hl->spans, sorted, one per range. */
static int collect(bf_hl_t *hl, const lang_t *l, TSNode root, const char *code)
{
    const bf_hl_query_t *q = l->query;
    TSQueryMatch m;
    hl->n_spans = 0;
    ts_query_cursor_exec(hl->cursor, bf_hl_query_ts(q), root);
    while (ts_query_cursor_next_match(hl->cursor, &m)) {
        if (!bf_hl_query_accept(q, &m, code))
            continue;
        for (uint16_t i = 0; i < m.capture_count; i++) {
            size_t tl;
            span_t s = {ts_node_start_byte(m.captures[i].node),
                        ts_node_end_byte(m.captures[i].node), m.captures[i].index,
                        l->g->first_wins ? ~(uint32_t)m.pattern_index : m.pattern_index};
            if (s.end > s.start && bf_hl_query_tag(q, s.capture, &tl) && push_span(hl, s) < 0)
                return -1;
        }
    }
    if (hl->n_spans > 1)
        qsort(hl->spans, hl->n_spans, sizeof *hl->spans, cmp_span);
    size_t k = 0;
    for (size_t i = 0; i < hl->n_spans; i++) {
        if (k && hl->spans[k - 1].start == hl->spans[i].start &&
            hl->spans[k - 1].end == hl->spans[i].end)
            continue; /* the same range: the winner was sorted first */
        hl->spans[k++] = hl->spans[i];
    }
    hl->n_spans = k;
    if (hl->cap_stack < k + 1) {
        uint32_t *st = realloc(hl->stack, (k + 1) * sizeof *st);
        if (!st)
            return -1;
        hl->stack = st;
        hl->cap_stack = k + 1;
    }
    return 0;
}

/* ---- writing ---- */

static void put(emit_t *e, const char *s, size_t n)
{
    if (e->rc == 0 && bf_buf_append(e->out, s, n) < 0)
        e->rc = -1;
}

static void open_tag(emit_t *e, uint32_t span)
{
    size_t n;
    const char *tag = bf_hl_query_tag(e->q, e->spans[span].capture, &n);
    put(e, tag, n);
}

/* Opens the next line (and the spans that go on into it) when nothing of
 * it is written yet. */
static void begin_line(emit_t *e)
{
    if (!e->at_line_start)
        return;
    e->at_line_start = false;
    e->line++;
    if (e->rc == 0 && e->lines->line(e->lines->arg, e->out, e->line, true) < 0)
        e->rc = -1;
    for (size_t i = 0; i < e->depth; i++)
        open_tag(e, e->stack[i]);
}

/* Closes the open spans and the line after its last byte. */
static void end_line(emit_t *e)
{
    for (size_t i = 0; i < e->depth; i++)
        put(e, "</span>", 7);
    if (e->rc == 0 && e->lines->line(e->lines->arg, e->out, e->line, false) < 0)
        e->rc = -1;
    e->at_line_start = true;
}

/* Writes the code up to `to`, escaped, line by line when asked. */
static void text_to(emit_t *e, uint32_t to)
{
    while (e->pos < to && e->rc == 0) {
        uint32_t n = to - e->pos;
        if (e->lines) {
            const char *nl = memchr(e->code + e->pos, '\n', n);
            begin_line(e);
            if (nl)
                n = (uint32_t)(nl - (e->code + e->pos)) + 1;
        }
        if (bf_html_escape_text(e->out, e->code + e->pos, n) < 0)
            e->rc = -1;
        e->pos += n;
        if (e->lines && e->code[e->pos - 1] == '\n')
            end_line(e);
    }
}

static void close_top(emit_t *e)
{
    text_to(e, e->spans[e->stack[e->depth - 1]].end);
    if (!e->at_line_start)
        put(e, "</span>", 7);
    e->depth--;
}

/* Writes code[0..len) with the n spans (q's tags) around their ranges. */
static int emit(span_t *spans, size_t n, uint32_t *stack, const bf_hl_query_t *q, const char *code,
                uint32_t len, const bf_hl_lines_t *lines, bf_buf_t *out)
{
    emit_t e = {.spans = spans,
                .stack = stack,
                .q = q,
                .code = code,
                .out = out,
                .lines = lines,
                .at_line_start = lines != NULL};
    for (size_t i = 0; i < n && e.rc == 0; i++) {
        span_t *s = &spans[i];
        while (e.depth && spans[stack[e.depth - 1]].end <= s->start)
            close_top(&e);
        if (e.depth && s->end > spans[stack[e.depth - 1]].end)
            s->end = spans[stack[e.depth - 1]].end; /* no crossing */
        if (s->end <= s->start)
            continue;
        text_to(&e, s->start);
        if (lines)
            begin_line(&e);
        open_tag(&e, (uint32_t)i);
        stack[e.depth++] = (uint32_t)i;
    }
    while (e.depth && e.rc == 0)
        close_top(&e);
    text_to(&e, len);
    if (lines && !e.at_line_start && e.rc == 0)
        end_line(&e); /* a last line without '\n' */
    return e.rc;
}

/* The code plain, escaped, its lines wrapped as asked. */
static int plain(const char *code, size_t len, const bf_hl_lines_t *lines, bf_buf_t *out)
{
    if (len > UINT32_MAX)
        return bf_html_escape_text(out, code, len);
    return emit(NULL, 0, NULL, NULL, code, (uint32_t)len, lines, out);
}

int bf_hl_render(bf_hl_t *hl, const char *lang, size_t lang_len, const char *code, size_t len,
                 const bf_hl_lines_t *lines, bf_buf_t *out)
{
    lang_t *l = hl ? find(hl, lang, lang_len) : NULL;
    if (!l) {
        if (!hl || bf_hl_is_plain(lang, lang_len))
            return plain(code, len, lines, out);
        return plain(code, len, lines, out) < 0 ? -1 : BF_HL_UNKNOWN;
    }
    /* tree-sitter counts bytes in uint32_t */
    if (len > UINT32_MAX / 2 || !ready(hl, l))
        return plain(code, len, lines, out);
    TSTree *tree = ts_parser_parse_string(l->parser, NULL, code, (uint32_t)len);
    if (!tree) { /* timed out: the parser must be reset for the next block */
        ts_parser_reset(l->parser);
        return plain(code, len, lines, out);
    }
    int rc = collect(hl, l, ts_tree_root_node(tree), code);
    ts_tree_delete(tree);
    if (rc < 0) {
        bf_log_error("out of memory");
        return -1;
    }
    hl->bytes += len;
    return emit(hl->spans, hl->n_spans, hl->stack, l->query, code, (uint32_t)len, lines, out);
}
