/*
 * shared/tmpl/lexer.c - template tokens (see lexer.h).
 *
 * Text is scanned with memchr for '{'; only "{{", "{%" and "{#" open a
 * tag.  Inside a tag the end marker ("}}" or "%}", optionally preceded by
 * '-') is recognised only when no bracket is open, so dict literals such
 * as {{ {'a': {'b': 1}} }} work as in Jinja.  After a '.' a number is lexed
 * as an integer only, so x.0.1 is two index steps.
 */
#include "shared/tmpl/lexer.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    bf_arena_t *a;
    const char *name, *src, *end;
    const char *p;
    const char *line_start;
    uint32_t line;
    bf_tmpl_diag_t *d;
    bf_tok_t *toks;
    size_t n, cap;
    bool oom;
} lexer_t;

static const char *const tok_names[] = {
    [BF_TK_EOF] = "end of template", [BF_TK_DATA] = "text",
    [BF_TK_VAR_BEGIN] = "'{{'", [BF_TK_VAR_END] = "'}}'",
    [BF_TK_BLOCK_BEGIN] = "'{%'", [BF_TK_BLOCK_END] = "'%}'",
    [BF_TK_ERROR] = "error", [BF_TK_NAME] = "name",
    [BF_TK_INT] = "integer", [BF_TK_FLOAT] = "number",
    [BF_TK_STRING] = "string", [BF_TK_ADD] = "'+'",
    [BF_TK_SUB] = "'-'", [BF_TK_MUL] = "'*'",
    [BF_TK_DIV] = "'/'", [BF_TK_FLOORDIV] = "'//'",
    [BF_TK_MOD] = "'%'", [BF_TK_POW] = "'**'",
    [BF_TK_TILDE] = "'~'", [BF_TK_EQ] = "'=='",
    [BF_TK_NE] = "'!='", [BF_TK_LT] = "'<'",
    [BF_TK_LE] = "'<='", [BF_TK_GT] = "'>'",
    [BF_TK_GE] = "'>='", [BF_TK_ASSIGN] = "'='",
    [BF_TK_LPAREN] = "'('", [BF_TK_RPAREN] = "')'",
    [BF_TK_LBRACKET] = "'['", [BF_TK_RBRACKET] = "']'",
    [BF_TK_LBRACE] = "'{'", [BF_TK_RBRACE] = "'}'",
    [BF_TK_COMMA] = "','", [BF_TK_DOT] = "'.'",
    [BF_TK_COLON] = "':'", [BF_TK_PIPE] = "'|'",
    [BF_TK_COALESCE] = "'?\?'", [BF_TK_OPTDOT] = "'?.'",
    [BF_TK_OPTBRACKET] = "'?['",
};

const char *bf_tmpl_tok_desc(int type)
{
    if (type < 0 || (size_t)type >= sizeof tok_names / sizeof tok_names[0] || !tok_names[type])
        return "token";
    return tok_names[type];
}

/* The column of p, which must lie on the current line: for a pointer
 * behind line_start (a tag's opener once the cursor has passed the lines
 * the tag spans) the subtraction wraps to a column near 2^32 and the line
 * is wrong too.  An error that is reported after the cursor has moved on
 * takes its position with pos_of() before moving. */
static uint32_t col_of(const lexer_t *lx, const char *p)
{
    return (uint32_t)(p - lx->line_start) + 1;
}

typedef struct {
    uint32_t line, col;
} pos_t;

static pos_t pos_of(const lexer_t *lx, const char *p)
{
    return (pos_t){lx->line, col_of(lx, p)};
}

/* Moves the cursor to q, counting the newlines passed. */
static void advance_to(lexer_t *lx, const char *q)
{
    const char *p = lx->p;
    while (p < q) {
        const char *nl = memchr(p, '\n', (size_t)(q - p));
        if (!nl)
            break;
        lx->line++;
        lx->line_start = nl + 1;
        p = nl + 1;
    }
    lx->p = q;
}

static bf_tok_t *push(lexer_t *lx, int type, const char *at, const char *p, size_t len)
{
    if (lx->n == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 256;
        bf_tok_t *t = bf_arena_alloc(lx->a, cap * sizeof *t);
        if (!t) {
            lx->oom = true;
            return NULL;
        }
        if (lx->n)
            memcpy(t, lx->toks, lx->n * sizeof *t);
        lx->toks = t;
        lx->cap = cap;
    }
    bf_tok_t *t = &lx->toks[lx->n++];
    memset(t, 0, sizeof *t);
    t->type = (uint8_t)type;
    t->line = lx->line;
    t->col = col_of(lx, at);
    t->p = p;
    t->len = (uint32_t)len;
    return t;
}

static void error_pos(lexer_t *lx, pos_t at, const char *msg, const char *arg)
{
    bf_tmpl_diag_error(lx->d, lx->name, lx->src, (size_t)(lx->end - lx->src), at.line, at.col,
                       msg, arg);
}

/* An error at p on the current line. */
static void error_at(lexer_t *lx, const char *at, const char *msg, const char *arg)
{
    error_pos(lx, pos_of(lx, at), msg, arg);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Decodes a string literal starting at the quote; returns the end (after
 * the closing quote) or NULL if unterminated. */
static const char *lex_string(lexer_t *lx, const char *p, bf_tok_t *t)
{
    char q = *p++;
    const char *start = p;
    bool esc = false;
    while (p < lx->end && *p != q) {
        if (*p == '\\') {
            esc = true;
            if (p + 1 >= lx->end)
                return NULL;
            p++;
        }
        p++;
    }
    if (p >= lx->end)
        return NULL;
    if (!esc) {
        t->p = start;
        t->len = (uint32_t)(p - start);
        return p + 1;
    }
    /* Python escapes; an unknown escape keeps its backslash. */
    char *out = bf_arena_alloc(lx->a, (size_t)(p - start) + 1);
    if (!out) {
        lx->oom = true;
        return p + 1;
    }
    size_t o = 0;
    for (const char *s = start; s < p; s++) {
        if (*s != '\\') {
            out[o++] = *s;
            continue;
        }
        char c = *++s;
        unsigned long cp;
        int hex = 0;
        switch (c) {
        case 'n': out[o++] = '\n'; continue;
        case 't': out[o++] = '\t'; continue;
        case 'r': out[o++] = '\r'; continue;
        case '0': out[o++] = '\0'; continue;
        case 'a': out[o++] = '\a'; continue;
        case 'b': out[o++] = '\b'; continue;
        case 'f': out[o++] = '\f'; continue;
        case 'v': out[o++] = '\v'; continue;
        case '\\': case '\'': case '"': out[o++] = c; continue;
        case '\n': continue;
        case 'x': hex = 2; break;
        case 'u': hex = 4; break;
        case 'U': hex = 8; break;
        default:
            out[o++] = '\\';
            out[o++] = c;
            continue;
        }
        cp = 0;
        int k;
        for (k = 0; k < hex && s + 1 + k < p; k++) {
            char h = s[1 + k];
            int dv = is_digit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                   : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (dv < 0)
                break;
            cp = cp * 16 + (unsigned long)dv;
        }
        if (k < hex || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            out[o++] = '\\';
            out[o++] = c;
            continue;
        }
        s += hex;
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xc0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xe0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        } else {
            out[o++] = (char)(0xf0 | (cp >> 18));
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    out[o] = '\0';
    t->p = out;
    t->len = (uint32_t)o;
    return p + 1;
}

/* A number at p; after_dot: integers only.  Returns the end, NULL on a
 * bad literal (reported). */
static const char *lex_number(lexer_t *lx, const char *p, bool after_dot)
{
    const char *s = p;
    char buf[128];
    size_t n = 0;
    bool is_float = false;
    int base = 10;
    if (!after_dot && *p == '0' && p + 1 < lx->end &&
        (p[1] == 'x' || p[1] == 'X' || p[1] == 'o' || p[1] == 'O' || p[1] == 'b' || p[1] == 'B')) {
        base = (p[1] | 0x20) == 'x' ? 16 : (p[1] | 0x20) == 'o' ? 8 : 2;
        p += 2;
        while (p < lx->end && (is_digit(*p) || *p == '_' ||
                               (base == 16 && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')))) {
            if (*p != '_' && n < sizeof buf - 1)
                buf[n++] = *p;
            p++;
        }
    } else {
        while (p < lx->end && (is_digit(*p) || (*p == '_' && p + 1 < lx->end && is_digit(p[1])))) {
            if (*p != '_' && n < sizeof buf - 1)
                buf[n++] = *p;
            p++;
        }
        if (!after_dot && p + 1 < lx->end && *p == '.' && is_digit(p[1])) {
            is_float = true;
            if (n < sizeof buf - 1)
                buf[n++] = '.';
            p++;
            while (p < lx->end && (is_digit(*p) || (*p == '_' && p + 1 < lx->end && is_digit(p[1])))) {
                if (*p != '_' && n < sizeof buf - 1)
                    buf[n++] = *p;
                p++;
            }
        }
        if (!after_dot && p < lx->end && (*p == 'e' || *p == 'E')) {
            const char *q = p + 1;
            if (q < lx->end && (*q == '+' || *q == '-'))
                q++;
            if (q < lx->end && is_digit(*q)) {
                is_float = true;
                if (n < sizeof buf - 1)
                    buf[n++] = 'e';
                for (p++; p < lx->end && (is_digit(*p) || *p == '+' || *p == '-' || *p == '_');
                     p++) {
                    if ((*p == '+' || *p == '-') && p[-1] != 'e' && p[-1] != 'E')
                        break;
                    if (*p != '_' && n < sizeof buf - 1)
                        buf[n++] = *p;
                }
            }
        }
    }
    buf[n] = '\0';
    bf_tok_t *t = push(lx, is_float ? BF_TK_FLOAT : BF_TK_INT, s, s, (size_t)(p - s));
    if (!t)
        return p;
    errno = 0;
    if (is_float) {
        t->v.f = strtod(buf, NULL);
    } else {
        unsigned long long u = n ? strtoull(buf, NULL, base) : 0;
        if (errno || u > INT64_MAX || n == 0) {
            error_at(lx, s, "%s", n ? "integer literal too large" : "bad number literal");
            return NULL;
        }
        t->v.i = (int64_t)u;
    }
    return p;
}

/* Lexes the inside of a tag from lx->p up to and including its end.  var:
 * "}}" ends it, else "%}".  Returns false if the source ended first. */
static bool lex_tag(lexer_t *lx, bool var, bool *strip_after)
{
    const char close = var ? '}' : '%';
    int depth = 0;
    bool bad = false;
    const char *p = lx->p;
    *strip_after = false;
    for (;;) {
        while (p < lx->end && is_space(*p))
            p++;
        advance_to(lx, p);
        if (p >= lx->end)
            return false;
        if (depth == 0) {
            const char *q = p;
            bool minus = false;
            if (*q == '-' && q + 2 < lx->end && q[1] == close && q[2] == '}') {
                minus = true;
                q++;
            } else if (*q == '+' && !var && q + 2 <= lx->end && q[1] == '%' && q[2] == '}') {
                q++;
            }
            if (q + 1 < lx->end && q[0] == close && q[1] == '}') {
                if (bad)
                    push(lx, BF_TK_ERROR, p, p, 0);
                push(lx, var ? BF_TK_VAR_END : BF_TK_BLOCK_END, p, p, (size_t)(q + 2 - p));
                *strip_after = minus;
                advance_to(lx, q + 2);
                return true;
            }
        }
        char c = *p;
        int type = -1;
        size_t w = 1;
        char c1 = p + 1 < lx->end ? p[1] : '\0';
        if (is_ident_start(c) || (unsigned char)c >= 0x80) {
            const char *s = p;
            while (p < lx->end && (is_ident_start(*p) || is_digit(*p)))
                p++;
            if (p == s) {
                if (!bad)
                    error_at(lx, s, "unexpected character in tag%s", "");
                bad = true;
                while (p < lx->end && (unsigned char)*p >= 0x80)
                    p++;
                continue;
            }
            push(lx, BF_TK_NAME, s, s, (size_t)(p - s));
            continue;
        }
        if (is_digit(c)) {
            bool after_dot = lx->n && lx->toks[lx->n - 1].type == BF_TK_DOT;
            const char *q = lex_number(lx, p, after_dot);
            if (!q) {
                bad = true;
                while (p < lx->end && (is_digit(*p) || is_ident_start(*p)))
                    p++;
                continue;
            }
            p = q;
            continue;
        }
        if (c == '"' || c == '\'') {
            bf_tok_t tmp = {0};
            const char *q = lex_string(lx, p, &tmp);
            if (!q) {
                error_at(lx, p, "unterminated string%s", "");
                bad = true;
                /* Resume at the tag's end on this line, if there is one. */
                const char *nl = memchr(p, '\n', (size_t)(lx->end - p));
                const char *stop = nl ? nl : lx->end;
                const char *q2 = p + 1;
                while (q2 + 1 < stop && !(q2[0] == close && q2[1] == '}'))
                    q2++;
                p = q2 + 1 < stop ? q2 : stop;
                if (p > lx->p && p < stop && p[-1] == '-')
                    p--;
                continue;
            }
            bf_tok_t *t = push(lx, BF_TK_STRING, p, tmp.p, tmp.len);
            (void)t;
            p = q;
            continue;
        }
        switch (c) {
        case '+': type = BF_TK_ADD; break;
        case '-': type = BF_TK_SUB; break;
        case '*': type = c1 == '*' ? (w = 2, BF_TK_POW) : BF_TK_MUL; break;
        case '/': type = c1 == '/' ? (w = 2, BF_TK_FLOORDIV) : BF_TK_DIV; break;
        case '%': type = BF_TK_MOD; break;
        case '~': type = BF_TK_TILDE; break;
        case '=': type = c1 == '=' ? (w = 2, BF_TK_EQ) : BF_TK_ASSIGN; break;
        case '!': if (c1 == '=') { type = BF_TK_NE; w = 2; } break;
        case '<': type = c1 == '=' ? (w = 2, BF_TK_LE) : BF_TK_LT; break;
        case '>': type = c1 == '=' ? (w = 2, BF_TK_GE) : BF_TK_GT; break;
        case '(': type = BF_TK_LPAREN; depth++; break;
        case ')': type = BF_TK_RPAREN; depth -= depth > 0; break;
        case '[': type = BF_TK_LBRACKET; depth++; break;
        case ']': type = BF_TK_RBRACKET; depth -= depth > 0; break;
        case '{': type = BF_TK_LBRACE; depth++; break;
        case '}': type = BF_TK_RBRACE; depth -= depth > 0; break;
        case ',': type = BF_TK_COMMA; break;
        case '.': type = BF_TK_DOT; break;
        case ':': type = BF_TK_COLON; break;
        case '|': type = c1 == '>' ? (w = 2, BF_TK_PIPE) : BF_TK_PIPE; break;
        case '?':
            if (c1 == '?') { type = BF_TK_COALESCE; w = 2; }
            else if (c1 == '.') { type = BF_TK_OPTDOT; w = 2; }
            else if (c1 == '[') { type = BF_TK_OPTBRACKET; w = 2; depth++; }
            break;
        default: break;
        }
        if (type < 0) {
            if (!bad)
                error_at(lx, p, "unexpected character '%.1s' in tag", p);
            bad = true;
            p++;
            continue;
        }
        push(lx, type, p, p, w);
        p += w;
    }
}

/* {% raw %}: called with the cursor after the opening tag's "%}"; finds
 * {% endraw %} and emits the text between as DATA. */
static bool lex_raw(lexer_t *lx, pos_t tag_at, bool lstrip, bool *strip_after)
{
    const char *p = lx->p;
    for (;;) {
        const char *q = memchr(p, '{', (size_t)(lx->end - p));
        if (!q || q + 1 >= lx->end) {
            error_pos(lx, tag_at, "\"raw\" is never closed (missing \"endraw\")%s", "");
            return false;
        }
        p = q + 1;
        if (*p != '%')
            continue;
        const char *r = p + 1;
        bool rstrip = r < lx->end && *r == '-';
        if (r < lx->end && (*r == '-' || *r == '+'))
            r++;
        while (r < lx->end && is_space(*r))
            r++;
        if ((size_t)(lx->end - r) < 6 || memcmp(r, "endraw", 6) != 0)
            continue;
        r += 6;
        while (r < lx->end && is_space(*r))
            r++;
        bool minus = r < lx->end && *r == '-';
        if (r < lx->end && (*r == '-' || *r == '+'))
            r++;
        if ((size_t)(lx->end - r) < 2 || r[0] != '%' || r[1] != '}')
            continue;
        const char *s = lx->p, *e = q;
        if (lstrip)
            while (s < e && is_space(*s))
                s++;
        if (rstrip)
            while (e > s && is_space(e[-1]))
                e--;
        if (e > s) {
            advance_to(lx, s); /* count the newlines lstrip skipped */
            push(lx, BF_TK_DATA, s, s, (size_t)(e - s));
        }
        advance_to(lx, r + 2);
        *strip_after = minus;
        return true;
    }
}

int bf_tmpl_lex(bf_arena_t *a, const char *name, const char *src, size_t len,
                bool keep_trailing_newline, bf_tmpl_diag_t *d, bf_tokens_t *out)
{
    lexer_t lx = {.a = a, .name = name, .src = src, .end = src + len, .p = src,
                  .line_start = src, .line = 1, .d = d};
    if (!keep_trailing_newline && len && src[len - 1] == '\n') {
        lx.end--;
        if (lx.end > src && lx.end[-1] == '\r')
            lx.end--;
    }
    bool lstrip = false;
    while (lx.p < lx.end && !lx.oom) {
        /* Find the next tag opener. */
        const char *q = lx.p, *tag = NULL;
        while (q < lx.end) {
            const char *b = memchr(q, '{', (size_t)(lx.end - q));
            if (!b || b + 1 >= lx.end)
                break;
            if (b[1] == '{' || b[1] == '%' || b[1] == '#') {
                tag = b;
                break;
            }
            q = b + 1;
        }
        const char *text_end = tag ? tag : lx.end;
        const char *s = lx.p, *e = text_end;
        bool rstrip = tag && tag + 2 < lx.end && tag[2] == '-';
        if (lstrip)
            while (s < e && is_space(*s))
                s++;
        if (rstrip)
            while (e > s && is_space(e[-1]))
                e--;
        if (e > s) {
            advance_to(&lx, s);
            push(&lx, BF_TK_DATA, s, s, (size_t)(e - s));
        }
        advance_to(&lx, text_end);
        lstrip = false;
        if (!tag)
            break;

        const char *body = tag + 2;
        if (body < lx.end && (*body == '-' || *body == '+'))
            body++;
        if (tag[1] == '#') {
            const char *c = body;
            const char *close = NULL;
            while (c + 1 < lx.end) {
                const char *h = memchr(c, '#', (size_t)(lx.end - c - 1));
                if (!h)
                    break;
                if (h[1] == '}') {
                    close = h;
                    break;
                }
                c = h + 1;
            }
            if (!close) {
                error_at(&lx, tag, "comment is never closed (missing \"#}\")%s", "");
                break;
            }
            lstrip = close > body && close[-1] == '-';
            advance_to(&lx, close + 2);
            continue;
        }
        bool var = tag[1] == '{';
        /* An unclosed tag is reported at its opener, as an unclosed block
         * is: for "{{ x }" that is the line Jinja names too (its "unexpected
         * '}'", a line without a column), and for a tag that runs on to the
         * end it is where the mistake is, not the last line.  The opener's
         * position is taken now: lex_tag moves the cursor past the lines
         * the tag spans. */
        pos_t tag_pos = pos_of(&lx, tag);
        push(&lx, var ? BF_TK_VAR_BEGIN : BF_TK_BLOCK_BEGIN, tag, tag, (size_t)(body - tag));
        size_t begin_idx = lx.n - 1;
        advance_to(&lx, body);
        bool strip_after = false;
        if (!lex_tag(&lx, var, &strip_after)) {
            error_pos(&lx, tag_pos, "tag is never closed (missing \"%s\")", var ? "}}" : "%}");
            if (lx.n > begin_idx)
                lx.n = begin_idx; /* drop the partial tag */
            break;
        }
        lstrip = strip_after;
        /* {% raw %} */
        if (!var && lx.n == begin_idx + 3 && lx.toks[begin_idx + 1].type == BF_TK_NAME &&
            lx.toks[begin_idx + 1].len == 3 && memcmp(lx.toks[begin_idx + 1].p, "raw", 3) == 0) {
            lx.n = begin_idx;
            if (!lex_raw(&lx, tag_pos, lstrip, &strip_after))
                break;
            lstrip = strip_after;
        }
    }
    if (lx.oom)
        return -1;
    if (!push(&lx, BF_TK_EOF, lx.p, lx.p, 0))
        return -1;
    out->toks = lx.toks;
    out->n = lx.n;
    return 0;
}
