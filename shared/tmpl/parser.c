/*
 * shared/tmpl/parser.c - statements (see parser.h; expressions in expr.c).
 *
 * subparse() reads statements until a block tag whose name is one of the
 * given end names ("elif", "else", "endif", "end" ...) and leaves the
 * cursor on that name; the statement that called it consumes it.  A tag
 * that looks like an end or middle tag but belongs to no open block is
 * an error; inside a block it is reported and then taken as the end of
 * the innermost block, so one misplaced tag yields one message.
 *
 * Block nesting is limited (BF_TMPL_MAX_BLOCK_DEPTH): deeper templates
 * stop parsing with one error rather than recursing without bound.
 */
#include "shared/tmpl/parser.h"

#include <stdio.h>
#include <string.h>

#include "shared/tmpl/expr.h"

typedef struct {
    bf_parser_t *p;
    int block_depth;
    bool abort;
} sp_t;

static bf_tn_t *subparse(sp_t *s, const char *const *ends, const char *opener,
                         const bf_tok_t *open_tok, bool *found);

/* At a tag's first token: flags the tag as already reported when the
 * lexer put an ERROR token in it. */
static void begin_tag(bf_parser_t *p)
{
    p->tag_err = false;
    for (size_t j = p->i + 1; j < p->n; j++) {
        int t = p->tk[j].type;
        if (t == BF_TK_ERROR) {
            p->tag_err = true;
            break;
        }
        if (t == BF_TK_BLOCK_END || t == BF_TK_VAR_END || t == BF_TK_EOF)
            break;
    }
}

/* Expects the end of the tag ("%}" or "}}"), skipping anything left. */
static void end_tag(bf_parser_t *p, int type)
{
    if (bf_p_cur(p)->type != type && bf_p_cur(p)->type != BF_TK_EOF) {
        const bf_tok_t *t = bf_p_cur(p);
        if (t->type == BF_TK_NAME)
            bf_p_error(p, t, "unexpected \"%.*s\", expected end of tag", (int)t->len, t->p);
        else
            bf_p_error(p, t, "unexpected %s, expected end of tag", bf_tmpl_tok_desc(t->type));
        while (p->tk[p->i].type != type && p->tk[p->i].type != BF_TK_EOF)
            p->i++;
    }
    if (bf_p_cur(p)->type == type)
        p->i++;
    p->tag_err = false;
}

static bool name_in(const bf_tok_t *t, const char *const *list)
{
    for (; list && *list; list++) {
        size_t n = strlen(*list);
        if (t->len == n && memcmp(t->p, *list, n) == 0)
            return true;
    }
    return false;
}

static bool looks_like_end(const bf_tok_t *t)
{
    static const char *const mids[] = {"elif", "else", "empty", NULL};
    return (t->len >= 3 && memcmp(t->p, "end", 3) == 0) || name_in(t, mids);
}

/* Body of a block statement and its end: consumes the end tag.  Middle
 * tags (else, elif) are left for the caller when listed in ends. */
static bf_tn_t *body_until(sp_t *s, const char *const *ends, const char *opener,
                           const bf_tok_t *open_tok, bool *found)
{
    if (++s->block_depth > BF_TMPL_MAX_BLOCK_DEPTH) {
        if (!s->abort)
            bf_tmpl_diag_error(s->p->d, s->p->t->file, s->p->t->src, s->p->t->len,
                               open_tok->line, open_tok->col,
                               "blocks nested too deeply (limit %d)", BF_TMPL_MAX_BLOCK_DEPTH);
        s->abort = true;
        s->block_depth--;
        *found = false;
        return NULL;
    }
    bf_tn_t *b = subparse(s, ends, opener, open_tok, found);
    s->block_depth--;
    return b;
}

/* Consumes the end name at the cursor and the rest of its tag. */
static void close_tag(bf_parser_t *p)
{
    bf_p_next(p);
    end_tag(p, BF_TK_BLOCK_END);
}

static bf_tn_t *stmt_if(sp_t *s, const bf_tok_t *at, bool unless)
{
    static const char *const if_ends[] = {"elif", "else", "endif", "end", NULL};
    static const char *const unless_ends[] = {"else", "endunless", "end", NULL};
    static const char *const if_else_ends[] = {"endif", "end", NULL};
    static const char *const unless_else_ends[] = {"endunless", "end", NULL};
    const char *const *ends = unless ? unless_ends : if_ends;
    const char *const *else_ends = unless ? unless_else_ends : if_else_ends;
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, BF_N_IF, at);
    if (!n)
        return NULL;
    if (unless)
        n->flags |= BF_NF_NEG;
    n->a = bf_p_expr(p);
    end_tag(p, BF_TK_BLOCK_END);
    bool found;
    bf_tn_t *cur = n;
    cur->body = body_until(s, ends, unless ? "unless" : "if", at, &found);
    while (found && !s->abort) {
        if (bf_p_is_name(p, "elif") && !unless) {
            const bf_tok_t *et = bf_p_cur(p);
            bf_p_next(p);
            bf_tn_t *e = bf_p_node(p, BF_N_IF, et);
            if (!e)
                return NULL;
            e->a = bf_p_expr(p);
            end_tag(p, BF_TK_BLOCK_END);
            cur->orelse = e;
            cur = e;
            cur->body = body_until(s, ends, "if", at, &found);
        } else if (bf_p_is_name(p, "else")) {
            close_tag(p);
            cur->orelse = body_until(s, else_ends, unless ? "unless" : "if", at, &found);
            if (found)
                close_tag(p);
            break;
        } else {
            close_tag(p);
            break;
        }
    }
    return n;
}

static bf_tn_t *stmt_for(sp_t *s, const bf_tok_t *at)
{
    static const char *const ends[] = {"else", "empty", "endfor", "end", NULL};
    static const char *const else_ends[] = {"endfor", "end", NULL};
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, BF_N_FOR, at);
    if (!n)
        return NULL;
    n->a = bf_p_target(p, true, false);
    if (!bf_p_skip_name(p, "in")) {
        const bf_tok_t *t = bf_p_cur(p);
        bf_p_error(p, t, "expected \"in\" after the loop variable");
    }
    n->b = bf_p_tuple(p, false, "recursive");
    if (bf_p_skip_name(p, "if"))
        n->c = bf_p_expr(p);
    if (bf_p_skip_name(p, "recursive"))
        n->flags |= BF_NF_RECURSIVE;
    end_tag(p, BF_TK_BLOCK_END);
    bool found;
    n->body = body_until(s, ends, "for", at, &found);
    if (found && (bf_p_is_name(p, "else") || bf_p_is_name(p, "empty"))) {
        close_tag(p);
        n->orelse = body_until(s, else_ends, "for", at, &found);
    }
    if (found)
        close_tag(p);
    return n;
}

/* set / let / export, both forms. */
static bf_tn_t *stmt_set(sp_t *s, const bf_tok_t *at, const char *kw)
{
    static const char *const ends[] = {"endset", "endlet", "endexport", "endcapture", "end", NULL};
    bf_parser_t *p = s->p;
    bool capture = strcmp(kw, "capture") == 0;
    bool let = strcmp(kw, "let") == 0 || strcmp(kw, "export") == 0;
    bf_tn_t *target = bf_p_target(p, !capture, !capture && !let);
    if (!capture && bf_p_cur(p)->type == BF_TK_ASSIGN) {
        bf_p_next(p);
        bf_tn_t *n = bf_p_node(p, BF_N_SET, at);
        if (!n)
            return NULL;
        n->a = target;
        n->b = bf_p_tuple(p, true, NULL);
        if (let)
            n->flags |= BF_NF_LET;
        end_tag(p, BF_TK_BLOCK_END);
        return n;
    }
    bf_tn_t *n = bf_p_node(p, BF_N_SETBLOCK, at);
    if (!n)
        return NULL;
    n->a = target;
    if (let)
        n->flags |= BF_NF_LET;
    if (target && target->kind != BF_N_NAME)
        bf_p_error(p, at, "a block \"%s\" assigns to a single name", kw);
    if (bf_p_cur(p)->type == BF_TK_PIPE) {
        bf_p_next(p);
        n->c = bf_p_filter_chain(p, NULL);
    }
    end_tag(p, BF_TK_BLOCK_END);
    bool found;
    n->body = body_until(s, ends, kw, at, &found);
    if (found)
        close_tag(p);
    return n;
}

static bf_tn_t *stmt_block(sp_t *s, const bf_tok_t *at)
{
    static const char *const ends[] = {"endblock", "end", NULL};
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, BF_N_BLOCK, at);
    if (!n)
        return NULL;
    const bf_tok_t *nt = bf_p_cur(p);
    if (nt->type != BF_TK_NAME) {
        bf_p_error(p, nt, "expected a block name");
    } else {
        bf_p_set_name(n, nt->p, nt->len);
        bf_p_next(p);
    }
    for (;;) {
        if (bf_p_skip_name(p, "scoped"))
            n->flags |= BF_NF_SCOPED;
        else if (bf_p_skip_name(p, "required"))
            n->flags |= BF_NF_REQUIRED;
        else
            break;
    }
    end_tag(p, BF_TK_BLOCK_END);
    bool found;
    n->body = body_until(s, ends, "block", at, &found);
    if (found) {
        bf_p_next(p);
        const bf_tok_t *t = bf_p_cur(p);
        if (t->type == BF_TK_NAME) {
            if (t->len != n->name.len || memcmp(t->p, n->name.s, t->len) != 0)
                bf_p_error(p, t, "\"endblock %.*s\" closes block \"%.*s\"", (int)t->len, t->p,
                           (int)n->name.len, n->name.s);
            bf_p_next(p);
        }
        end_tag(p, BF_TK_BLOCK_END);
    }
    return n;
}

/* "with context" / "without context" after include and import. */
static void context_modifier(bf_parser_t *p, bf_tn_t *n)
{
    if (bf_p_is_name(p, "with") && bf_p_peek(p)->type == BF_TK_NAME) {
        bf_p_next(p);
        if (!bf_p_skip_name(p, "context"))
            bf_p_error(p, bf_p_cur(p), "expected \"context\" after \"with\"");
        n->flags |= BF_NF_WITH_CONTEXT;
    } else if (bf_p_is_name(p, "without")) {
        bf_p_next(p);
        if (!bf_p_skip_name(p, "context"))
            bf_p_error(p, bf_p_cur(p), "expected \"context\" after \"without\"");
        n->flags &= (uint16_t)~BF_NF_WITH_CONTEXT;
    }
}

static bf_tn_t *stmt_include(sp_t *s, const bf_tok_t *at)
{
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, BF_N_INCLUDE, at);
    if (!n)
        return NULL;
    n->flags |= BF_NF_WITH_CONTEXT;
    n->a = bf_p_expr(p);
    if (bf_p_is_name(p, "ignore") && bf_p_peek(p)->type == BF_TK_NAME) {
        bf_p_next(p);
        if (!bf_p_skip_name(p, "missing"))
            bf_p_error(p, bf_p_cur(p), "expected \"missing\" after \"ignore\"");
        n->flags |= BF_NF_IGNORE_MISSING;
    }
    context_modifier(p, n);
    end_tag(p, BF_TK_BLOCK_END);
    return n;
}

static bf_tn_t *stmt_import(sp_t *s, const bf_tok_t *at, bool from)
{
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, from ? BF_N_FROMIMPORT : BF_N_IMPORT, at);
    if (!n)
        return NULL;
    n->a = bf_p_expr(p);
    if (!from) {
        if (!bf_p_skip_name(p, "as"))
            bf_p_error(p, bf_p_cur(p), "expected \"as\" after the imported template");
        n->b = bf_p_target(p, false, false);
    } else {
        if (!bf_p_skip_name(p, "import"))
            bf_p_error(p, bf_p_cur(p), "expected \"import\" after the template name");
        bf_tn_t **tail = &n->b;
        for (;;) {
            const bf_tok_t *t = bf_p_cur(p);
            if (t->type != BF_TK_NAME || bf_p_is_name(p, "with") || bf_p_is_name(p, "without"))
                break;
            bf_tn_t *pair = bf_p_node(p, BF_N_PAIR, t);
            if (!pair)
                return NULL;
            pair->a = bf_p_target(p, false, false);
            if (bf_p_skip_name(p, "as"))
                pair->b = bf_p_target(p, false, false);
            else
                pair->b = pair->a;
            *tail = pair;
            tail = &pair->next;
            if (bf_p_cur(p)->type != BF_TK_COMMA)
                break;
            bf_p_next(p);
        }
        if (!n->b)
            bf_p_error(p, bf_p_cur(p), "expected names to import");
    }
    context_modifier(p, n);
    end_tag(p, BF_TK_BLOCK_END);
    return n;
}

/* (a, b=1, ...) of a macro or call block. */
static void params(bf_parser_t *p, bf_tn_t **first)
{
    bf_tn_t **tail = first;
    bf_p_next(p); /* ( */
    bool defaults = false;
    while (bf_p_cur(p)->type != BF_TK_RPAREN) {
        const bf_tok_t *t = bf_p_cur(p);
        if (t->type != BF_TK_NAME) {
            bf_p_error(p, t, "expected a parameter name");
            return;
        }
        bf_tn_t *prm = bf_p_node(p, BF_N_PARAM, t);
        if (!prm)
            return;
        bf_p_set_name(prm, t->p, t->len);
        bf_p_next(p);
        if (bf_p_cur(p)->type == BF_TK_ASSIGN) {
            bf_p_next(p);
            prm->a = bf_p_expr(p);
            defaults = true;
        } else if (defaults) {
            bf_p_error(p, t, "parameter \"%.*s\" without a default follows one with a default",
                       (int)t->len, t->p);
        }
        *tail = prm;
        tail = &prm->next;
        if (bf_p_cur(p)->type != BF_TK_COMMA)
            break;
        bf_p_next(p);
    }
    bf_p_expect(p, BF_TK_RPAREN, "',' or ')'");
}

static bf_tn_t *stmt_macro(sp_t *s, const bf_tok_t *at, const char *kw)
{
    static const char *const ends[] = {"endmacro", "enddef", "end", NULL};
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, BF_N_MACRO, at);
    if (!n)
        return NULL;
    const bf_tok_t *nt = bf_p_cur(p);
    n->a = bf_p_target(p, false, false);
    if (nt->type == BF_TK_NAME)
        bf_p_set_name(n, nt->p, nt->len);
    if (bf_p_cur(p)->type == BF_TK_LPAREN)
        params(p, &n->b);
    else
        bf_p_error(p, bf_p_cur(p), "expected '(' after the %s name", kw);
    end_tag(p, BF_TK_BLOCK_END);
    bool found;
    n->body = body_until(s, ends, kw, at, &found);
    if (found)
        close_tag(p);
    return n;
}

static bf_tn_t *stmt_call(sp_t *s, const bf_tok_t *at)
{
    static const char *const ends[] = {"endcall", "end", NULL};
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, BF_N_CALLBLOCK, at);
    if (!n)
        return NULL;
    if (bf_p_cur(p)->type == BF_TK_LPAREN)
        params(p, &n->b);
    const bf_tok_t *et = bf_p_cur(p);
    n->a = bf_p_expr(p);
    if (n->a && n->a->kind != BF_N_CALL)
        bf_p_error(p, et, "expected a call after \"call\"");
    end_tag(p, BF_TK_BLOCK_END);
    bool found;
    n->body = body_until(s, ends, "call", at, &found);
    if (found)
        close_tag(p);
    return n;
}

static bf_tn_t *stmt_with(sp_t *s, const bf_tok_t *at)
{
    static const char *const ends[] = {"endwith", "end", NULL};
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, BF_N_WITH, at);
    if (!n)
        return NULL;
    bf_tn_t **tail = &n->b;
    while (bf_p_cur(p)->type == BF_TK_NAME) {
        bf_tn_t *set = bf_p_node(p, BF_N_SET, bf_p_cur(p));
        if (!set)
            return NULL;
        set->a = bf_p_target(p, false, false);
        bf_p_expect(p, BF_TK_ASSIGN, "'='");
        set->b = bf_p_expr(p);
        *tail = set;
        tail = &set->next;
        if (bf_p_cur(p)->type != BF_TK_COMMA)
            break;
        bf_p_next(p);
    }
    end_tag(p, BF_TK_BLOCK_END);
    bool found;
    n->body = body_until(s, ends, "with", at, &found);
    if (found)
        close_tag(p);
    return n;
}

/* cache, autoescape, filter: a header and a body. */
static bf_tn_t *stmt_simple_block(sp_t *s, const bf_tok_t *at, int kind, const char *kw)
{
    static const char *const cache_ends[] = {"endcache", "end", NULL};
    static const char *const ae_ends[] = {"endautoescape", "end", NULL};
    static const char *const filter_ends[] = {"endfilter", "end", NULL};
    bf_parser_t *p = s->p;
    bf_tn_t *n = bf_p_node(p, kind, at);
    if (!n)
        return NULL;
    const char *const *ends = kind == BF_N_CACHE ? cache_ends
                            : kind == BF_N_AUTOESCAPE ? ae_ends : filter_ends;
    if (kind == BF_N_FILTERBLOCK) {
        n->c = bf_p_filter_chain(p, NULL);
    } else {
        n->a = bf_p_expr(p);
        /* cache "key", ttl=... : options are accepted and ignored (the
         * fragment lives for the whole build). */
        while (kind == BF_N_CACHE && bf_p_cur(p)->type == BF_TK_COMMA) {
            bf_p_next(p);
            if (bf_p_cur(p)->type == BF_TK_NAME && bf_p_peek(p)->type == BF_TK_ASSIGN) {
                bf_p_next(p);
                bf_p_next(p);
            }
            bf_p_expr(p);
        }
    }
    end_tag(p, BF_TK_BLOCK_END);
    bool found;
    n->body = body_until(s, ends, kw, at, &found);
    if (found)
        close_tag(p);
    return n;
}

static bf_tn_t *statement(sp_t *s, const bf_tok_t *at)
{
    bf_parser_t *p = s->p;
    const bf_tok_t *t = bf_p_cur(p);
    char kw[16] = "";
    if (t->len < sizeof kw) {
        memcpy(kw, t->p, t->len);
        kw[t->len] = '\0';
    }
    bf_p_next(p);
    bf_tn_t *n;
    if (!strcmp(kw, "if") || !strcmp(kw, "unless"))
        return stmt_if(s, at, kw[0] == 'u');
    if (!strcmp(kw, "for"))
        return stmt_for(s, at);
    if (!strcmp(kw, "set") || !strcmp(kw, "let") || !strcmp(kw, "export") ||
        !strcmp(kw, "capture"))
        return stmt_set(s, at, kw);
    if (!strcmp(kw, "block"))
        return stmt_block(s, at);
    if (!strcmp(kw, "include"))
        return stmt_include(s, at);
    if (!strcmp(kw, "import") || !strcmp(kw, "from"))
        return stmt_import(s, at, kw[0] == 'f');
    if (!strcmp(kw, "macro") || !strcmp(kw, "def"))
        return stmt_macro(s, at, kw);
    if (!strcmp(kw, "call"))
        return stmt_call(s, at);
    if (!strcmp(kw, "with"))
        return stmt_with(s, at);
    if (!strcmp(kw, "cache"))
        return stmt_simple_block(s, at, BF_N_CACHE, kw);
    if (!strcmp(kw, "autoescape"))
        return stmt_simple_block(s, at, BF_N_AUTOESCAPE, kw);
    if (!strcmp(kw, "filter"))
        return stmt_simple_block(s, at, BF_N_FILTERBLOCK, kw);
    if (!strcmp(kw, "extends") || !strcmp(kw, "do")) {
        n = bf_p_node(p, kw[0] == 'e' ? BF_N_EXTENDS : BF_N_DO, at);
        if (!n)
            return NULL;
        n->a = bf_p_expr(p);
        end_tag(p, BF_TK_BLOCK_END);
        return n;
    }
    if (!strcmp(kw, "break") || !strcmp(kw, "continue")) {
        n = bf_p_node(p, kw[0] == 'b' ? BF_N_BREAK : BF_N_CONTINUE, at);
        end_tag(p, BF_TK_BLOCK_END);
        return n;
    }
    bf_p_error(p, t, "unknown tag \"%.*s\"", (int)t->len, t->p);
    end_tag(p, BF_TK_BLOCK_END);
    return NULL;
}

/* "endif" or "end" for messages. */
static void ends_text(char *buf, size_t cap, const char *opener)
{
    snprintf(buf, cap, "\"end%s\" or \"end\"", opener);
}

static bf_tn_t *subparse(sp_t *s, const char *const *ends, const char *opener,
                         const bf_tok_t *open_tok, bool *found)
{
    bf_parser_t *p = s->p;
    bf_tn_t *first = NULL, **tail = &first;
    *found = false;
    while (!s->abort && !p->oom) {
        const bf_tok_t *t = bf_p_cur(p);
        bf_tn_t *n = NULL;
        if (t->type == BF_TK_EOF) {
            if (opener) {
                char want[64];
                ends_text(want, sizeof want, opener);
                bf_tmpl_diag_error(p->d, p->t->file, p->t->src, p->t->len, open_tok->line,
                                   open_tok->col, "\"%s\" is never closed (missing %s)", opener,
                                   want);
            }
            return first;
        }
        if (t->type == BF_TK_DATA) {
            n = bf_p_node(p, BF_N_TEXT, t);
            if (n)
                n->lit = bf_tv_str(t->p, t->len);
            p->i++;
        } else if (t->type == BF_TK_VAR_BEGIN) {
            begin_tag(p);
            p->i++;
            n = bf_p_node(p, BF_N_OUTPUT, t);
            if (n)
                n->a = bf_p_tuple(p, true, NULL);
            end_tag(p, BF_TK_VAR_END);
        } else if (t->type == BF_TK_BLOCK_BEGIN) {
            begin_tag(p);
            p->i++;
            const bf_tok_t *nt = bf_p_cur(p);
            if (nt->type != BF_TK_NAME) {
                bf_p_error(p, nt, "expected a tag name after \"{%%\"");
                end_tag(p, BF_TK_BLOCK_END);
                continue;
            }
            if (name_in(nt, ends)) {
                *found = true;
                return first;
            }
            if (looks_like_end(nt)) {
                if (opener) {
                    char want[64];
                    ends_text(want, sizeof want, opener);
                    bf_p_error(p, nt, "unexpected \"%.*s\", expected %s to close \"%s\" from line %u",
                               (int)nt->len, nt->p, want, opener, open_tok->line);
                    *found = true; /* taken as the end of the innermost block */
                    return first;
                }
                bf_p_error(p, nt, "unexpected \"%.*s\" outside of any block", (int)nt->len, nt->p);
                end_tag(p, BF_TK_BLOCK_END);
                continue;
            }
            n = statement(s, t);
        } else {
            p->i++; /* stray token: cannot happen with the lexer's output */
            continue;
        }
        if (n) {
            *tail = n;
            tail = &n->next;
        }
    }
    return first;
}

int bf_tmpl_parse(bf_arena_t *a, bf_tmpl_t *t, bool keep_trailing_newline, bf_tmpl_diag_t *d)
{
    bf_tokens_t toks;
    if (bf_tmpl_lex(a, t->file, t->src, t->len, keep_trailing_newline, d, &toks) < 0)
        return -1;
    bf_parser_t p = {.a = a, .t = t, .d = d, .tk = toks.toks, .n = toks.n};
    sp_t s = {.p = &p};
    bool found;
    t->root.body = subparse(&s, NULL, NULL, NULL, &found);
    t->root.tmpl = t;
    t->root.name = t->name;
    return p.oom ? -1 : 0;
}
