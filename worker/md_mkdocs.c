/*
 * worker/md_mkdocs.c - the MkDocs admonition block extension (see
 * md_mkdocs.h).
 *
 * The body's indentation is matched the way cmark matches a list item's:
 * match_block consumes 4 columns of a line indented that much, accepts a
 * blank line, and refuses anything else, which closes the block.
 *
 * cmark would then take an unindented line that follows a paragraph of
 * the body as a lazy continuation of that paragraph (its rule for quotes
 * and list items); Python-Markdown ends the admonition there, and writers
 * expect that, so try_opening_block (offered every line that starts no
 * core block) opens a paragraph of its own for such a line.  That needs
 * the open flags of cmark's internal node struct, as md_admon.c does.
 */
#include "worker/md_mkdocs.h"

#include <string.h>

#include <cmark-gfm/node.h>

#include "worker/md_admon.h"
#include "worker/md_render.h"

static bool is_class_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c >= 0x80;
}

/* The syntax of the marker at input[i..end) and its length, or -1. */
static int marker(const unsigned char *input, int i, int end, bf_md_syntax_t *syn)
{
    if (end - i < 3)
        return -1;
    if (memcmp(input + i, "!!!", 3) == 0) {
        *syn = BF_MD_SYN_MKDOCS;
        return 3;
    }
    if (memcmp(input + i, "???", 3) != 0)
        return -1;
    if (i + 3 < end && input[i + 3] == '+') {
        *syn = BF_MD_SYN_DETAILS_OPEN;
        return 4;
    }
    *syn = BF_MD_SYN_DETAILS;
    return 3;
}

/* Unmatched open blocks looked at for a lazy line: cmark looks at none
 * (a lazy line costs it nothing), so a chain of thousands of nested
 * quotes followed by thousands of lazy lines must not cost their product
 * here.  Deeper than this, the line is left to cmark's lazy rule. */
#define LAZY_MAX_DEPTH 64

/* Would the line be a lazy continuation of a paragraph inside an MkDocs
 * block that it did not match?  parent is the innermost container the
 * line matched; everything open below it was not matched. */
static bool lazy_in_body(cmark_node *parent)
{
    cmark_node_type t_admon = bf_md_types()->t_admon;
    bool inside = false;
    int depth = 0;
    if (parent->type == CMARK_NODE_PARAGRAPH)
        return false;
    for (cmark_node *n = parent->last_child;
         n && (n->flags & CMARK_NODE__OPEN) && depth++ < LAZY_MAX_DEPTH; n = n->last_child) {
        if (n->type == t_admon && bf_md_admon_get(n)->syntax != BF_MD_SYN_MYST)
            inside = true;
        else if (n->type == CMARK_NODE_PARAGRAPH)
            return inside;
    }
    return false;
}

static cmark_node *try_open(cmark_syntax_extension *ext, int indented, cmark_parser *parser,
                            cmark_node *parent, unsigned char *input, int len)
{
    bf_md_syntax_t syn;
    if (!indented && !cmark_parser_is_blank(parser) && lazy_in_body(parent))
        return cmark_parser_add_child(parser, parent, CMARK_NODE_PARAGRAPH,
                                      cmark_parser_get_first_nonspace(parser) + 1);
    if (indented)
        return NULL;
    int off = cmark_parser_get_first_nonspace(parser);
    int end = bf_md_admon_line_end(input, len);
    int i = off, m = marker(input, off, end, &syn);
    if (m < 0)
        return NULL;
    i += m;
    if (i < end && input[i] == ' ')
        i++;
    /* classes: words separated by spaces */
    int cls = i, cls_end = i;
    while (i < end && is_class_char(input[i])) {
        while (i < end && is_class_char(input[i]))
            i++;
        cls_end = i;
        while (i < end && input[i] == ' ')
            i++;
    }
    if (cls_end == cls)
        return NULL;
    /* an optional "title": up to the last quote of the line */
    int title = -1, title_end = -1;
    if (i < end && input[i] == '"' && i > cls_end) {
        int q = end;
        while (q > i + 1 && input[q - 1] != '"')
            q--;
        if (q > i + 1) {
            title = i + 1;
            title_end = q - 1;
            i = q;
        }
    }
    while (i < end && (input[i] == ' ' || input[i] == '\t'))
        i++;
    if (i != end || bf_md_admon_too_deep(parent))
        return NULL;

    cmark_node *node = bf_md_admon_add(ext, parser, parent, input, off, end, syn);
    if (!node)
        return NULL;
    bf_md_admon_t *st = bf_md_admon_get(node);
    int first = cls;
    while (first < cls_end && input[first] != ' ')
        first++;
    st->dir = BF_MD_DIR_ADMONITION;
    st->closed = st->opts_done = true;
    st->name = st->fence + (cls - off);
    st->name_len = (size_t)(first - cls);
    st->classes = st->fence + (cls - off);
    st->classes_len = (size_t)(cls_end - cls);
    st->has_title = title >= 0;
    if (st->has_title) {
        st->title = st->fence + (title - off);
        st->title_len = (size_t)(title_end - title);
    }
    return node;
}

static int match(cmark_syntax_extension *ext, cmark_parser *parser, unsigned char *input,
                 int len, cmark_node *container)
{
    if (cmark_parser_get_indent(parser) >= 4) {
        cmark_parser_advance_offset(parser, (const char *)input, 4, 1);
        return 1;
    }
    return cmark_parser_is_blank(parser);
}

cmark_syntax_extension *bf_md_mkdocs_new(void)
{
    return bf_md_admon_ext("bf-mkdocs", try_open, match);
}
