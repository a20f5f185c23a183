/*
 * shared/tmpl/ast.h - the compiled form of a template.
 *
 * The parser builds a tree of bf_tn_t nodes; the compile pass (compile.h)
 * then resolves it in place: variable names become frame slots where they
 * are local, filters and tests become function pointers with their
 * arguments in parameter order, literal template names become pointers to
 * compiled templates, and output nodes learn whether they escape.  The
 * renderer walks the resolved tree.  Everything lives in the environment's
 * arena, built once in the coordinator before fork and read-only after.
 *
 * Nodes share one layout; the fields used by each kind are listed below.
 * Lists (statement bodies, arguments, items) are chained through next.
 *
 *   LIT        lit
 *   NAME       name; slot >= 0: a frame slot, depth frames up the lexical
 *              chain, ext = bf_tres_t* next outer binding to try while the
 *              slot is unassigned; slot < 0: a context/global name.  As an
 *              assignment target slot < 0 means the template context.
 *   LIST TUPLE a = first item        DICT  a = first PAIR (a key, b value)
 *   KWARG      name = a value        PARAM name, a default, slot
 *   GETATTR    a object, name (flags OPT for ?.)
 *   GETITEM    a object, b index or SLICE (a, b, c, any NULL) (OPT: ?[)
 *   CALL       a callee, b first argument (KWARG for keywords)
 *   FILTER     a input, b first argument; after compile ext = the filter,
 *   TEST       argv/argc its arguments in parameter order (NULL = absent);
 *              TEST flags NEG for "is not"
 *   BINOP      op (BF_OP_*), a, b     CMP a, b = first CMPOP (op, a)
 *   AND OR COALESCE  a, b             NOT NEG POS  a
 *   COND       a value, b condition, c else value (may be NULL)
 *   TEXT       lit (STR)              OUTPUT a; flags ESC when autoescaping
 *   IF         a condition, body, orelse (flags NEG for unless)
 *   FOR        a target (NAME or TUPLE of NAMEs), b iterable, c filter
 *              condition, body, orelse; slot = loop object slot, slot0 ..
 *              slot1 the slots of the body (reset every iteration)
 *   SET        a target (NAME, TUPLE of NAMEs or GETATTR ns.x), b value
 *   SETBLOCK   a target NAME, body, c filter chain (FILTER, input NULL)
 *   BLOCK      name, body, ext = bf_tfn_t
 *   EXTENDS INCLUDE IMPORT FROMIMPORT  a name expression, ext = compiled
 *              template when the name is a literal (resolved by env.c);
 *              IMPORT b = target NAME; FROMIMPORT b = first PAIR (a source
 *              NAME, b target NAME); INCLUDE ext2 = bf_tcapture_t (locals
 *              passed to the included template)
 *   MACRO      a target NAME, b first PARAM, body, ext = bf_tfn_t
 *   CALLBLOCK  a CALL expression, b first PARAM of caller, body, ext = fn
 *   WITH       b first SET, body      CACHE a key, body
 *   AUTOESCAPE a literal, body        FILTERBLOCK c filter chain, body
 *   BREAK CONTINUE                    DO a
 */
#ifndef BF_SHARED_TMPL_AST_H
#define BF_SHARED_TMPL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/tmpl/value.h"

typedef enum {
    BF_N_LIT = 1,
    BF_N_NAME,
    BF_N_LIST,
    BF_N_TUPLE,
    BF_N_DICT,
    BF_N_PAIR,
    BF_N_KWARG,
    BF_N_PARAM,
    BF_N_GETATTR,
    BF_N_GETITEM,
    BF_N_SLICE,
    BF_N_CALL,
    BF_N_FILTER,
    BF_N_TEST,
    BF_N_BINOP,
    BF_N_CMP,
    BF_N_CMPOP,
    BF_N_AND,
    BF_N_OR,
    BF_N_NOT,
    BF_N_NEG,
    BF_N_POS,
    BF_N_COND,
    BF_N_COALESCE,
    /* statements */
    BF_N_TEXT,
    BF_N_OUTPUT,
    BF_N_IF,
    BF_N_FOR,
    BF_N_SET,
    BF_N_SETBLOCK,
    BF_N_BLOCK,
    BF_N_EXTENDS,
    BF_N_INCLUDE,
    BF_N_IMPORT,
    BF_N_FROMIMPORT,
    BF_N_MACRO,
    BF_N_CALLBLOCK,
    BF_N_WITH,
    BF_N_CACHE,
    BF_N_AUTOESCAPE,
    BF_N_FILTERBLOCK,
    BF_N_BREAK,
    BF_N_CONTINUE,
    BF_N_DO,
} bf_node_kind_t;

typedef enum {
    BF_OP_ADD = 1,
    BF_OP_SUB,
    BF_OP_MUL,
    BF_OP_DIV,
    BF_OP_FLOORDIV,
    BF_OP_MOD,
    BF_OP_POW,
    BF_OP_CONCAT, /* ~ */
    BF_OP_EQ,
    BF_OP_NE,
    BF_OP_LT,
    BF_OP_LE,
    BF_OP_GT,
    BF_OP_GE,
    BF_OP_IN,
    BF_OP_NOTIN,
} bf_op_t;

enum {
    BF_NF_OPT = 1 << 0,          /* GETATTR/GETITEM: ?. ?[ */
    BF_NF_NEG = 1 << 1,          /* TEST: is not; IF: unless */
    BF_NF_ESC = 1 << 2,          /* OUTPUT, FILTER, BINOP ~, MACRO...: autoescape on */
    BF_NF_RECURSIVE = 1 << 3,    /* FOR ... recursive */
    BF_NF_USES_LOOP = 1 << 4,    /* FOR: body reads "loop" */
    BF_NF_IGNORE_MISSING = 1 << 5,
    BF_NF_WITH_CONTEXT = 1 << 6, /* INCLUDE/IMPORT */
    BF_NF_LET = 1 << 7,          /* SET: let/export: template scope */
    BF_NF_SCOPED = 1 << 8,       /* BLOCK scoped */
    BF_NF_REQUIRED = 1 << 9,     /* BLOCK required */
    BF_NF_TOPLEVEL = 1 << 10,    /* EXTENDS/INCLUDE: not under a condition */
    BF_NF_FUNC = 1 << 11,        /* TEST: called with parentheses */
};

typedef struct bf_tn bf_tn_t;
typedef struct bf_tfn bf_tfn_t;
typedef struct bf_tmpl bf_tmpl_t;

struct bf_tn {
    uint8_t kind; /* bf_node_kind_t */
    uint8_t op;   /* bf_op_t */
    uint16_t flags;
    uint32_t line, col;
    bf_tn_t *next;
    bf_tn_t *a, *b, *c;
    bf_tn_t *body, *orelse;
    bf_tmpl_name_t name;
    bf_tv_t lit;
    int32_t slot;
    uint16_t depth;
    uint16_t argc;
    uint32_t slot0, slot1;
    bf_tn_t **argv;
    const void *ext;
    const void *ext2;
};

/* Next outer binding of a name, tried while a slot is unassigned. */
typedef struct bf_tres {
    int32_t slot; /* < 0: the context (dynamic lookup by name) */
    uint16_t depth;
    const struct bf_tres *outer;
} bf_tres_t;

/* Locals visible at an include or scoped block, passed on by name. */
typedef struct {
    size_t n;
    const bf_tn_t **names; /* NAME nodes resolved to their slots */
} bf_tcapture_t;

enum {
    BF_FN_CALLER = 1,  /* macro body reads "caller" */
    BF_FN_VARARGS = 2, /* ... "varargs" */
    BF_FN_KWARGS = 4,  /* ... "kwargs" */
};

/* A function: a template's root, a block, a macro or a call block body.
 * Macros and call bodies put caller, varargs and kwargs in slots 0-2,
 * then their parameters. */
struct bf_tfn {
    const char *name;
    const bf_tmpl_t *tmpl;
    bf_tn_t *body;
    bf_tn_t *params;
    uint32_t nparams;
    uint32_t nslots;
    uint32_t flags;   /* BF_FN_* */
    bool autoescape;  /* result of a call is markup */
};

#define BF_TMPL_MACRO_FIXED_SLOTS 3

/* A template.  Public code sees it as opaque (env.h). */
struct bf_tmpl {
    const char *name;
    const char *file; /* in messages: the path read ("site/templates/x.html"),
                         "<theme>/x.html" when embedded (the display
                         given to bf_tmpl_env_add_embedded), else the name */
    const char *src;
    size_t len;
    bf_tfn_t root;
    bool autoescape;
    bool ok;        /* parsed and compiled without error */
    int state;      /* env.c: 0 new, 1 resolving, 2 done */
    bf_tn_t *extends; /* the top-level extends statement, or NULL */
    bf_tn_t **blocks; /* BLOCK nodes, in source order */
    size_t nblocks;
    bf_tn_t **refs;   /* EXTENDS/INCLUDE/IMPORT/FROMIMPORT with a literal name */
    size_t nrefs;
    const void *env;
};

#endif
