/*
 * worker/md_admon.c - the MyST directive block extension (see
 * md_admon.h).
 *
 * cmark-gfm asks an open block extension two things for every line:
 * match_block ("does this line continue the block?", asked from the
 * outermost open container inwards) and, when no core block starts there,
 * try_opening_block.  A directive continues on every line (blank ones
 * too) until its closing fence; on that line match_block consumes the
 * rest of the line and marks the block closed, so the next line no longer
 * matches and cmark closes the block then.  Consuming the line matters: a
 * fence line left unconsumed would be taken as a lazy continuation of the
 * paragraph inside.  Option lines are consumed the same way.
 *
 * The fences and option lines are recognised by shared/myst.h, which the
 * coordinator's include scan uses too.
 *
 * The "open" state of nested blocks is read from cmark's internal node
 * flags (CMARK_NODE__OPEN): the public API does not expose it, and we need
 * it to leave a ':::' inside an open code block alone.
 */
#include "worker/md_admon.h"

#include <string.h>

#include <cmark-gfm/node.h>

#include "shared/myst.h"
#include "worker/md_render.h"

/* Admonition kinds: MyST's (docutils') and bengal's.  GitHub's alert
 * kinds (note, tip, important, warning, caution) are among them. */
static const char *const kinds[][2] = {
    {"note", "Note"},       {"tip", "Tip"},         {"warning", "Warning"},
    {"danger", "Danger"},   {"important", "Important"}, {"info", "Info"},
    {"example", "Example"}, {"seealso", "See also"}, {"caution", "Caution"},
    {"attention", "Attention"}, {"error", "Error"}, {"hint", "Hint"},
};

static const struct {
    const char *name;
    bf_md_dir_t dir;
} directives[] = {
    {"tab-set", BF_MD_DIR_TAB_SET},
    {"tab-item", BF_MD_DIR_TAB_ITEM},
    {"figure", BF_MD_DIR_FIGURE},
    {"dropdown", BF_MD_DIR_DROPDOWN},
    {"include", BF_MD_DIR_INCLUDE},
};

const char *bf_md_admon_default_title(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strlen(kinds[i][0]) == len && memcmp(kinds[i][0], name, len) == 0)
            return kinds[i][1];
    return NULL;
}

static bf_md_dir_t directive_of(const char *name, size_t len)
{
    if (bf_md_admon_default_title(name, len))
        return BF_MD_DIR_ADMONITION;
    for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
        if (strlen(directives[i].name) == len && memcmp(directives[i].name, name, len) == 0)
            return directives[i].dir;
    return BF_MD_DIR_UNKNOWN;
}

bf_md_admon_t *bf_md_admon_get(cmark_node *node)
{
    return (bf_md_admon_t *)cmark_node_get_user_data(node);
}

int bf_md_admon_line_end(const unsigned char *input, int len)
{
    while (len > 0 && (input[len - 1] == '\n' || input[len - 1] == '\r'))
        len--;
    return len;
}

/* Directives nest at most this deep; a deeper opening line is text.
 * Without a limit, n nested blocks cost n^2 (every line is matched against
 * every open directive), as cmark-gfm limits list nesting for the same
 * reason. */
#define ADMON_MAX_DEPTH 16

bool bf_md_admon_too_deep(cmark_node *parent)
{
    cmark_node_type t = bf_md_types()->t_admon;
    int depth = 0;
    for (cmark_node *n = parent; n; n = cmark_node_parent(n))
        if (cmark_node_get_type(n) == t && ++depth >= ADMON_MAX_DEPTH)
            return true;
    return false;
}

cmark_node *bf_md_admon_add(cmark_syntax_extension *ext, cmark_parser *parser,
                            cmark_node *parent, const unsigned char *input, int off, int end,
                            bf_md_syntax_t syn)
{
    cmark_node *node = cmark_parser_add_child(parser, parent, bf_md_types()->t_admon, off + 1);
    if (!node)
        return NULL;
    cmark_node_set_syntax_extension(node, ext);
    cmark_mem *mem = cmark_node_mem(node);
    bf_md_admon_t *st = mem->calloc(1, sizeof(*st));
    char *copy = mem->calloc(1, (size_t)(end - off) + 1);
    memcpy(copy, input + off, (size_t)(end - off));
    st->syntax = (uint8_t)syn;
    st->line = (uint32_t)cmark_parser_get_line_number(parser);
    st->fence = copy;
    st->fence_len = (size_t)(end - off);
    st->opts_tail = &st->opts;
    cmark_node_set_user_data(node, st);
    /* the opening line is ours: nothing else may start on it */
    cmark_parser_advance_offset(parser, (const char *)input,
                                end - cmark_parser_get_offset(parser), 0);
    return node;
}

static cmark_node *try_open(cmark_syntax_extension *ext, int indented, cmark_parser *parser,
                            cmark_node *parent, unsigned char *input, int len)
{
    bf_myst_fence_t f;
    if (indented)
        return NULL;
    int off = cmark_parser_get_first_nonspace(parser);
    int end = bf_md_admon_line_end(input, len);
    if (!bf_myst_open((const char *)input + off, (size_t)(end - off), &f) ||
        bf_md_admon_too_deep(parent))
        return NULL;
    cmark_node *node = bf_md_admon_add(ext, parser, parent, input, off, end, BF_MD_SYN_MYST);
    if (!node)
        return NULL;
    bf_md_admon_t *st = bf_md_admon_get(node);
    st->colons = f.colons;
    st->name = st->fence + (f.name - (const char *)input - off);
    st->name_len = f.name_len;
    st->title = st->fence + (f.arg - (const char *)input - off);
    st->title_len = f.arg_len;
    st->dir = (uint8_t)directive_of(st->name, st->name_len);
    return node;
}

/* True when a line that closes a fence of k colons belongs to a block
 * open inside container: an open fenced code block or HTML block, or an
 * open inner MyST directive that the fence also closes. */
static bool inner_takes(cmark_node *container, uint32_t k)
{
    const bf_md_types_t *t = bf_md_types();
    for (cmark_node *n = container->last_child; n && (n->flags & CMARK_NODE__OPEN);
         n = n->last_child) {
        cmark_node_type type = (cmark_node_type)n->type;
        if (type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK)
            return true;
        if (type == t->t_admon) {
            const bf_md_admon_t *st = bf_md_admon_get(n);
            if (st->syntax == BF_MD_SYN_MYST && !st->closed && st->colons <= k)
                return true;
        }
    }
    return false;
}

/* An option line ":key: value" at input[off..end): kept in st (allocated
 * with the node's memory) and consumed.  False when the line is none. */
static bool option(cmark_parser *parser, cmark_node *container, bf_md_admon_t *st,
                   const unsigned char *input, int off, int end)
{
    const char *line = (const char *)input + off, *key, *value;
    size_t key_len, value_len;
    if (!bf_myst_option(line, (size_t)(end - off), &key, &key_len, &value, &value_len))
        return false;
    cmark_mem *mem = cmark_node_mem(container);
    bf_md_opt_t *o = mem->calloc(1, sizeof(*o));
    char *copy = mem->calloc(1, (size_t)(end - off) + 1);
    memcpy(copy, line, (size_t)(end - off));
    o->key = copy + (key - line);
    o->key_len = key_len;
    o->value = copy + (value - line);
    o->value_len = value_len;
    o->line = (uint32_t)cmark_parser_get_line_number(parser);
    *st->opts_tail = o;
    st->opts_tail = &o->next;
    cmark_parser_advance_offset(parser, (const char *)input,
                                end - cmark_parser_get_offset(parser), 0);
    return true;
}

static int match(cmark_syntax_extension *ext, cmark_parser *parser, unsigned char *input,
                 int len, cmark_node *container)
{
    bf_md_admon_t *st = bf_md_admon_get(container);
    if (st->closed)
        return 0;
    int off = cmark_parser_get_first_nonspace(parser);
    int end = bf_md_admon_line_end(input, len);
    if (!st->opts_done) {
        if (!container->first_child && cmark_parser_get_indent(parser) < 4 &&
            option(parser, container, st, input, off, end))
            return 1;
        st->opts_done = true;
    }
    if (cmark_parser_get_indent(parser) >= 4)
        return 1;
    uint32_t k = bf_myst_close((const char *)input + off, (size_t)(end - off));
    if (k < st->colons || inner_takes(container, k))
        return 1;
    st->closed = true;
    cmark_parser_advance_offset(parser, (const char *)input,
                                end - cmark_parser_get_offset(parser), 0);
    return 1;
}

/* A directive may hold any block but a bare list item. */
static int can_contain(cmark_syntax_extension *ext, cmark_node *node, cmark_node_type child)
{
    return (child & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK && child != CMARK_NODE_ITEM;
}

static const char *type_string(cmark_syntax_extension *ext, cmark_node *node)
{
    return "admonition";
}

cmark_syntax_extension *bf_md_admon_ext(const char *name, cmark_open_block_func open,
                                        cmark_match_block_func matches)
{
    cmark_syntax_extension *ext = cmark_syntax_extension_new(name);
    if (!ext)
        return NULL;
    cmark_syntax_extension_set_open_block_func(ext, open);
    cmark_syntax_extension_set_match_block_func(ext, matches);
    cmark_syntax_extension_set_can_contain_func(ext, can_contain);
    cmark_syntax_extension_set_get_type_string_func(ext, type_string);
    return ext;
}

cmark_syntax_extension *bf_md_admon_new(cmark_node_type *type)
{
    cmark_syntax_extension *ext = bf_md_admon_ext("bf-admonition", try_open, match);
    if (ext)
        *type = cmark_syntax_extension_add_node(0);
    return ext;
}
