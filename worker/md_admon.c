/*
 * worker/md_admon.c - the admonition block extension (see md_admon.h).
 *
 * cmark-gfm asks an open block extension two things for every line:
 * match_block ("does this line continue the block?", asked from the
 * outermost open container inwards) and, when no core block starts there,
 * try_opening_block.  An admonition continues on every line (blank ones
 * too) until its closing fence; on that line match_block consumes the
 * rest of the line and marks the block closed, so the next line no longer
 * matches and cmark closes the block then.  Consuming the line matters: a
 * fence line left unconsumed would be taken as a lazy continuation of the
 * paragraph inside.
 *
 * The "open" state of nested blocks is read from cmark's internal node
 * flags (CMARK_NODE__OPEN): the public API does not expose it, and we need
 * it to leave a ':::' inside an open code block alone.
 */
#include "worker/md_admon.h"

#include <string.h>

#include <cmark-gfm/node.h>

#include "worker/md_render.h"

static const char *const kinds[][2] = {
    {"note", "Note"},       {"tip", "Tip"},         {"warning", "Warning"},
    {"danger", "Danger"},   {"important", "Important"}, {"info", "Info"},
    {"example", "Example"}, {"seealso", "See also"},
};

const char *bf_md_admon_default_title(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strlen(kinds[i][0]) == len && memcmp(kinds[i][0], name, len) == 0)
            return kinds[i][1];
    return NULL;
}

const bf_md_admon_t *bf_md_admon_get(cmark_node *node)
{
    return (const bf_md_admon_t *)cmark_node_get_user_data(node);
}

static bool is_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

/* Length of the line without its end-of-line bytes. */
static int line_end(const unsigned char *input, int len)
{
    while (len > 0 && (input[len - 1] == '\n' || input[len - 1] == '\r'))
        len--;
    return len;
}

/* Colons of a closing fence at input[off..end), or 0 if it is not one. */
static uint32_t closing_fence(const unsigned char *input, int off, int end)
{
    int i = off;
    while (i < end && input[i] == ':')
        i++;
    uint32_t n = (uint32_t)(i - off);
    while (i < end && (input[i] == ' ' || input[i] == '\t'))
        i++;
    return (n >= 3 && i == end) ? n : 0;
}

/* Admonitions nest at most this deep; a deeper fence is text.  Without a
 * limit, n nested fences cost n^2 (every line is matched against every
 * open admonition), as cmark-gfm limits list nesting for the same reason. */
#define ADMON_MAX_DEPTH 16

static bool too_deep(cmark_node *parent)
{
    cmark_node_type t = bf_md_types()->t_admon;
    int depth = 0;
    for (cmark_node *n = parent; n; n = cmark_node_parent(n))
        if (cmark_node_get_type(n) == t && ++depth >= ADMON_MAX_DEPTH)
            return true;
    return false;
}

static cmark_node *try_open(cmark_syntax_extension *ext, int indented, cmark_parser *parser,
                            cmark_node *parent, unsigned char *input, int len)
{
    if (indented)
        return NULL;
    int off = cmark_parser_get_first_nonspace(parser);
    int end = line_end(input, len);
    int i = off;
    while (i < end && input[i] == ':')
        i++;
    int colons = i - off;
    if (colons < 3 || i >= end || input[i] != '{')
        return NULL;
    int name = ++i;
    while (i < end && is_name_char(input[i]))
        i++;
    if (i == name || i >= end || input[i] != '}')
        return NULL;
    int name_end = i++;
    if (i < end && input[i] != ' ' && input[i] != '\t')
        return NULL;
    while (i < end && (input[i] == ' ' || input[i] == '\t'))
        i++;
    if (too_deep(parent))
        return NULL;
    int title_end = end;
    while (title_end > i && (input[title_end - 1] == ' ' || input[title_end - 1] == '\t'))
        title_end--;

    cmark_node *node = cmark_parser_add_child(parser, parent, bf_md_types()->t_admon,
                                              off + 1);
    if (!node)
        return NULL;
    cmark_node_set_syntax_extension(node, ext);
    cmark_mem *mem = cmark_node_mem(node);
    bf_md_admon_t *st = mem->calloc(1, sizeof(*st));
    char *copy = mem->calloc(1, (size_t)(end - off) + 1);
    memcpy(copy, input + off, (size_t)(end - off));
    st->colons = (uint32_t)colons;
    st->line = (uint32_t)cmark_parser_get_line_number(parser);
    st->fence = copy;
    st->fence_len = (size_t)(end - off);
    st->name = copy + (name - off);
    st->name_len = (size_t)(name_end - name);
    st->title = copy + (i - off);
    st->title_len = (size_t)(title_end - i);
    st->known = bf_md_admon_default_title(st->name, st->name_len) != NULL;
    cmark_node_set_user_data(node, st);
    /* the fence line is ours: nothing else may start on it */
    cmark_parser_advance_offset(parser, (const char *)input,
                                end - cmark_parser_get_offset(parser), 0);
    return node;
}

/* True when a line that closes a fence of k colons belongs to a block
 * open inside container: an open fenced code block or HTML block, or an
 * open inner admonition that the fence also closes. */
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
            if (!st->closed && st->colons <= k)
                return true;
        }
    }
    return false;
}

static int match(cmark_syntax_extension *ext, cmark_parser *parser, unsigned char *input,
                 int len, cmark_node *container)
{
    bf_md_admon_t *st = (bf_md_admon_t *)cmark_node_get_user_data(container);
    if (st->closed)
        return 0;
    if (cmark_parser_get_indent(parser) >= 4)
        return 1;
    int off = cmark_parser_get_first_nonspace(parser);
    int end = line_end(input, len);
    uint32_t k = closing_fence(input, off, end);
    if (k < st->colons || inner_takes(container, k))
        return 1;
    st->closed = true;
    cmark_parser_advance_offset(parser, (const char *)input,
                                end - cmark_parser_get_offset(parser), 0);
    return 1;
}

static int can_contain(cmark_syntax_extension *ext, cmark_node *node, cmark_node_type child)
{
    return (child & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK && child != CMARK_NODE_ITEM;
}

static const char *type_string(cmark_syntax_extension *ext, cmark_node *node)
{
    return "admonition";
}

cmark_syntax_extension *bf_md_admon_new(cmark_node_type *type)
{
    cmark_syntax_extension *ext = cmark_syntax_extension_new("bf-admonition");
    if (!ext)
        return NULL;
    cmark_syntax_extension_set_open_block_func(ext, try_open);
    cmark_syntax_extension_set_match_block_func(ext, match);
    cmark_syntax_extension_set_can_contain_func(ext, can_contain);
    cmark_syntax_extension_set_get_type_string_func(ext, type_string);
    *type = cmark_syntax_extension_add_node(0);
    return ext;
}
