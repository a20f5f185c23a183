/*
 * worker/md_directive.c - HTML of directives and GitHub alerts (see
 * md_directive.h).
 *
 * Each enter records in the node's state the tags that close what it
 * wrote (bf_md_admon_t.close), so that the exit and an excerpt cut inside
 * the block close exactly that.  Alerts are block quotes of cmark's core:
 * their state is a pointer to the kind, set as the node's user data.
 */
#include "worker/md_directive.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "worker/md_admon.h"
#include "worker/md_blocks.h"
#include "worker/md_inline.h"

/* ---- helpers ---- */

/* The line of a directive (of the text parsed: bf_md_diag maps it). */
static uint32_t line_of(const bf_md_walk_t *w, const bf_md_admon_t *st)
{
    return st->line;
}

static const bf_md_opt_t *opt_find(const bf_md_admon_t *st, const char *key)
{
    size_t n = strlen(key);
    for (const bf_md_opt_t *o = st->opts; o; o = o->next)
        if (o->key_len == n && memcmp(o->key, key, n) == 0)
            return o;
    return NULL;
}

/* Reports every option of st that is not in known (space-separated). */
static void opts_check(bf_md_walk_t *w, const bf_md_admon_t *st, const char *known)
{
    for (const bf_md_opt_t *o = st->opts; o; o = o->next) {
        const char *k = known;
        bool ok = false;
        while (*k && !ok) {
            size_t n = strcspn(k, " ");
            ok = n == o->key_len && memcmp(k, o->key, n) == 0;
            k += n + (k[n] == ' ');
        }
        if (!ok)
            bf_md_diag(w, BF_MD_DIAG_BAD_OPTION, o->line, o->key, o->key_len,
                       "unknown option \"%.*s\" of \"%.*s\" (it takes: %s)", (int)o->key_len,
                       o->key, (int)st->name_len, st->name, known);
    }
}

static bool is_class_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80;
}

/* Writes the space-separated class words of s, lowercased, each after a
 * space; bytes other than letters, digits, '-', '_' and non-ASCII ones
 * are dropped (they could not be in a class name anyway). */
static void put_classes(bf_md_walk_t *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        bool started = false;
        for (; i < n && s[i] != ' ' && s[i] != '\t'; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
            if (!is_class_char(c))
                continue;
            if (!started)
                bf_md_putc(w, ' ');
            started = true;
            bf_md_putc(w, (char)c);
        }
    }
}

/* ` class="BASE NAME extra"` then '>': NAME (may be NULL) and the words
 * of a :class: option. */
static void class_attr(bf_md_walk_t *w, const bf_md_admon_t *st, const char *base,
                       const char *name, size_t name_len)
{
    const bf_md_opt_t *extra = opt_find(st, "class");
    bf_md_puts(w, " class=\"");
    bf_md_puts(w, base);
    put_classes(w, name, name_len);
    if (extra)
        put_classes(w, extra->value, extra->value_len);
    bf_md_putc(w, '"');
}

/* A title written by the author: escaped, its words counted. */
static void put_title(bf_md_walk_t *w, const char *s, size_t n)
{
    bf_md_escape_html(w, s, n);
    bf_md_count_words(w, s, n);
    bf_md_word_break(w);
}

/* The default title of an admonition type: the theme's ("See also"),
 * else the type capitalised, as Python-Markdown does ("Abstract"). */
static void put_default_title(bf_md_walk_t *w, const char *name, size_t n)
{
    char low[32];
    if (n < sizeof(low)) {
        for (size_t i = 0; i < n; i++)
            low[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
        const char *t = bf_md_admon_default_title(low, n);
        if (t) {
            bf_md_puts(w, t);
            return;
        }
    }
    if (n && name[0] >= 'a' && name[0] <= 'z') {
        bf_md_putc(w, (char)(name[0] - 32));
        bf_md_escape_html(w, name + 1, n - 1);
    } else {
        bf_md_escape_html(w, name, n);
    }
}

static bool is_myst(cmark_node *node, bf_md_dir_t dir)
{
    if (!node || cmark_node_get_type(node) != bf_md_types()->t_admon)
        return false;
    const bf_md_admon_t *st = bf_md_admon_get(node);
    return st->syntax == BF_MD_SYN_MYST && st->dir == dir;
}

/* ---- admonitions ---- */

static void admonition(bf_md_walk_t *w, bf_md_admon_t *st, const char *kind, size_t kind_len,
                       bool titled)
{
    bool details = st->syntax == BF_MD_SYN_DETAILS || st->syntax == BF_MD_SYN_DETAILS_OPEN;
    bf_md_cr(w);
    bf_md_puts(w, details ? "<details" : "<div");
    class_attr(w, st, "admonition", kind, kind_len);
    if (st->syntax == BF_MD_SYN_DETAILS_OPEN)
        bf_md_puts(w, " open");
    bf_md_puts(w, ">\n");
    st->close = details ? "</details>" : "</div>";
    if (!titled && !details)
        return;
    bf_md_puts(w, details ? "<summary class=\"admonition-title\">" : "<p class=\"admonition-title\">");
    if (st->title_len)
        put_title(w, st->title, st->title_len);
    else
        put_default_title(w, st->name, st->name_len);
    bf_md_puts(w, details ? "</summary>\n" : "</p>\n");
}

/* !!! / ??? / ???+: every type is an admonition of that class; a title
 * "" means none (a <details> keeps its default one: it needs a summary). */
static void mkdocs(bf_md_walk_t *w, bf_md_admon_t *st)
{
    admonition(w, st, st->classes, st->classes_len, !st->has_title || st->title_len);
}

/* ---- tabs ---- */

static void tab_set(bf_md_walk_t *w, cmark_node *node, bf_md_admon_t *st)
{
    uint32_t k = 0;
    st->serial = ++w->tab_sets;
    for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
        if (is_myst(c, BF_MD_DIR_TAB_ITEM)) {
            if (opt_find(bf_md_admon_get(c), "selected"))
                st->selected = k;
            k++;
        } else {
            /* a block an extension made has no line: the closest before */
            cmark_node *at = c;
            while (at && cmark_node_get_start_line(at) <= 0)
                at = cmark_node_previous(at);
            uint32_t line = at ? (uint32_t)cmark_node_get_start_line(at) : line_of(w, st);
            bf_md_diag(w, BF_MD_DIAG_MISNESTED, line, st->name, st->name_len,
                       "a tab-set holds only tab-item directives, not this %s",
                       cmark_node_get_type_string(c));
        }
    }
    bf_md_cr(w);
    bf_md_puts(w, "<div");
    class_attr(w, st, "tab-set", NULL, 0);
    bf_md_puts(w, ">\n");
    st->close = "</div>";
}

static void tab_item(bf_md_walk_t *w, cmark_node *node, bf_md_admon_t *st)
{
    cmark_node *parent = cmark_node_parent(node);
    char base[48];

    if (!is_myst(parent, BF_MD_DIR_TAB_SET)) {
        bf_md_diag(w, BF_MD_DIAG_MISNESTED, line_of(w, st), st->name, st->name_len,
                   "tab-item outside a tab-set (put it between ::::{tab-set} and ::::)");
        return;
    }
    bf_md_admon_t *set = bf_md_admon_get(parent);
    if (!set->close)
        return; /* an unclosed tab-set: reported, shown as text */
    uint32_t ix = set->items++;
    int n = snprintf(base, sizeof(base), "tabs-%u-%u", (unsigned)set->serial, (unsigned)ix + 1);
    const char *id;
    long id_len = bf_md_ids_add(w->ids, base, (size_t)n, false, &id);
    if (id_len < 0) {
        w->oom = 1;
        return;
    }
    bf_md_cr(w);
    bf_md_puts(w, "<input type=\"radio\" class=\"tab-input\" name=\"tabs-");
    snprintf(base, sizeof(base), "%u", (unsigned)set->serial);
    bf_md_puts(w, base);
    bf_md_puts(w, "\" id=\"");
    bf_md_escape_html(w, id, (size_t)id_len);
    bf_md_puts(w, ix == set->selected ? "\" checked />\n" : "\" />\n");
    bf_md_puts(w, "<label");
    class_attr(w, st, "tab-label", NULL, 0);
    bf_md_puts(w, " for=\"");
    bf_md_escape_html(w, id, (size_t)id_len);
    bf_md_puts(w, "\" data-sync=\"");
    const bf_md_opt_t *sync = opt_find(st, "sync");
    if (sync && sync->value_len)
        bf_md_escape_html(w, sync->value, sync->value_len);
    else
        bf_md_escape_html(w, st->title, st->title_len);
    bf_md_puts(w, "\">");
    if (st->title_len) {
        put_title(w, st->title, st->title_len);
    } else {
        snprintf(base, sizeof(base), "Tab %u", (unsigned)ix + 1);
        bf_md_puts(w, base);
    }
    bf_md_puts(w, "</label>\n<div class=\"tab-panel\">\n");
    st->close = "</div>";
}

/* ---- figure and dropdown ---- */

static void figure(bf_md_walk_t *w, cmark_node *node, bf_md_admon_t *st)
{
    if (!st->title_len) {
        bf_md_diag(w, BF_MD_DIAG_BAD_OPTION, line_of(w, st), st->name, st->name_len,
                   "figure without an image (write :::{figure} path/to/image.png)");
        return;
    }
    const bf_md_opt_t *alt = opt_find(st, "alt");
    char *src = bf_arena_strndup(w->arena, st->title, st->title_len);
    if (!src) {
        w->oom = 1;
        return;
    }
    bf_md_cr(w);
    bf_md_puts(w, "<figure");
    class_attr(w, st, "figure", NULL, 0);
    bf_md_puts(w, ">\n<img src=\"");
    w->line = st->line;
    bf_md_link_target(w, src, true);
    bf_md_puts(w, "\" alt=\"");
    if (alt)
        bf_md_escape_html(w, alt->value, alt->value_len);
    bf_md_puts(w, "\" />\n");
    if (cmark_node_first_child(node)) {
        bf_md_puts(w, "<figcaption>\n");
        st->close = "</figcaption>\n</figure>";
    } else {
        st->close = "</figure>";
    }
}

static void dropdown(bf_md_walk_t *w, bf_md_admon_t *st)
{
    bf_md_cr(w);
    bf_md_puts(w, "<details");
    class_attr(w, st, "dropdown", NULL, 0);
    bf_md_puts(w, opt_find(st, "open") ? " open>\n" : ">\n");
    bf_md_puts(w, "<summary class=\"dropdown-title\">");
    if (st->title_len)
        put_title(w, st->title, st->title_len);
    else
        bf_md_puts(w, "Details");
    bf_md_puts(w, "</summary>\n");
    st->close = "</details>";
}

/* ---- the directive node ---- */

/* A MyST directive that was opened but never closed: shown as written, so
 * that the author sees what went wrong. */
static void unclosed(bf_md_walk_t *w, const bf_md_admon_t *st)
{
    bool admon = st->dir == BF_MD_DIR_ADMONITION;
    bf_md_diag(w, BF_MD_DIAG_UNCLOSED_ADMONITION, line_of(w, st), st->name, st->name_len,
               "unclosed %s \"%.*s\" (end it with a line of %u colons)",
               admon ? "admonition" : "directive", (int)st->name_len, st->name,
               (unsigned)st->colons);
    bf_md_cr(w);
    bf_md_puts(w, "<p>");
    bf_md_escape_html(w, st->fence, st->fence_len);
    bf_md_puts(w, "</p>\n");
}

void bf_md_directive_enter(bf_md_walk_t *w, cmark_node *node)
{
    bf_md_admon_t *st = bf_md_admon_get(node);

    bf_md_word_break(w);
    st->close = NULL;
    if (st->syntax != BF_MD_SYN_MYST) {
        mkdocs(w, st);
        return;
    }
    if (!st->closed) {
        unclosed(w, st);
        return;
    }
    /* the options each directive takes */
    static const char *const takes[] = {
        [BF_MD_DIR_ADMONITION] = "class",
        [BF_MD_DIR_TAB_SET] = "class",
        [BF_MD_DIR_TAB_ITEM] = "sync selected class",
        [BF_MD_DIR_FIGURE] = "alt class",
        [BF_MD_DIR_DROPDOWN] = "open class",
    };
    if (st->dir != BF_MD_DIR_UNKNOWN && st->dir != BF_MD_DIR_INCLUDE)
        opts_check(w, st, takes[st->dir]);
    switch ((bf_md_dir_t)st->dir) {
    case BF_MD_DIR_UNKNOWN:
        bf_md_diag(w, BF_MD_DIAG_UNKNOWN_DIRECTIVE, line_of(w, st), st->name, st->name_len,
                   "unknown directive \"%.*s\" (admonitions are note, tip, warning, danger, "
                   "important, info, example, seealso, caution, attention, error, hint; "
                   "other directives tab-set, tab-item, figure, dropdown, include)",
                   (int)st->name_len, st->name);
        break;
    case BF_MD_DIR_ADMONITION:
        admonition(w, st, st->name, st->name_len, true);
        break;
    case BF_MD_DIR_TAB_SET:
        tab_set(w, node, st);
        break;
    case BF_MD_DIR_TAB_ITEM:
        tab_item(w, node, st);
        break;
    case BF_MD_DIR_FIGURE:
        figure(w, node, st);
        break;
    case BF_MD_DIR_DROPDOWN:
        dropdown(w, st);
        break;
    case BF_MD_DIR_INCLUDE:
        bf_md_include_missed(w, st->line, st->title, st->title_len);
        break;
    }
}

void bf_md_directive_exit(bf_md_walk_t *w, cmark_node *node)
{
    const bf_md_admon_t *st = bf_md_admon_get(node);
    bf_md_word_break(w);
    if (st->close) {
        bf_md_cr(w);
        bf_md_puts(w, st->close);
        bf_md_putc(w, '\n');
    }
}

void bf_md_include_missed(bf_md_walk_t *w, uint32_t line, const char *path, size_t n)
{
    if (w->in->snap)
        bf_md_diag(w, BF_MD_DIAG_INCLUDE, line, path, n,
                   "include of \"%.*s\" not expanded: an include must start its own line, "
                   "outside block quotes and list items", (int)n, path);
    else
        bf_md_diag(w, BF_MD_DIAG_INCLUDE, line, path, n,
                   "include of \"%.*s\" not expanded: includes are expanded when a site is "
                   "built", (int)n, path);
}

const char *bf_md_directive_closer(cmark_node *node)
{
    if (cmark_node_get_type(node) == CMARK_NODE_BLOCK_QUOTE)
        return bf_md_is_alert(node) ? "</div>" : "</blockquote>";
    const bf_md_admon_t *st = bf_md_admon_get(node);
    return st->close ? st->close : "";
}

/* ---- GitHub alerts ---- */

static const char *const alert_kinds[] = {"note", "tip", "important", "warning", "caution"};

bool bf_md_is_alert(cmark_node *node)
{
    return cmark_node_get_user_data(node) != NULL;
}

/* The kind of the alert marker that starts para ("[!NOTE]" alone on the
 * first line), or NULL; *last is the marker's last text node. */
static const char *alert_marker(cmark_node *para, cmark_node **last)
{
    char text[16];
    size_t n = 0;
    cmark_node *c = cmark_node_first_child(para);

    for (; c && cmark_node_get_type(c) == CMARK_NODE_TEXT; c = cmark_node_next(c)) {
        const char *lit = cmark_node_get_literal(c);
        size_t len = strlen(lit);
        if (n + len > sizeof(text))
            return NULL;
        memcpy(text + n, lit, len);
        n += len;
        *last = c;
    }
    if (c && cmark_node_get_type(c) != CMARK_NODE_SOFTBREAK &&
        cmark_node_get_type(c) != CMARK_NODE_LINEBREAK)
        return NULL;
    if (n < 4 || text[0] != '[' || text[1] != '!' || text[n - 1] != ']')
        return NULL;
    for (size_t k = 0; k < sizeof(alert_kinds) / sizeof(alert_kinds[0]); k++)
        if (strlen(alert_kinds[k]) == n - 3 && strncasecmp(alert_kinds[k], text + 2, n - 3) == 0)
            return alert_kinds[k];
    return NULL;
}

bool bf_md_alert_enter(bf_md_walk_t *w, cmark_node *node)
{
    cmark_node *para = cmark_node_first_child(node), *last = NULL;
    const char *kind;

    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH ||
        !(kind = alert_marker(para, &last)))
        return false;
    /* the marker and the line break after it go; the rest of the
     * paragraph starts a line later */
    cmark_node *brk = cmark_node_next(last);
    for (cmark_node *c = cmark_node_first_child(para), *next; c != brk; c = next) {
        next = cmark_node_next(c);
        cmark_node_free(c);
    }
    if (brk) {
        cmark_node_free(brk);
        para->start_line++;
    }
    if (!cmark_node_first_child(para))
        cmark_node_free(para);
    cmark_node_set_user_data(node, (void *)kind);

    bf_md_word_break(w);
    bf_md_cr(w);
    bf_md_puts(w, "<div class=\"admonition ");
    bf_md_puts(w, kind);
    bf_md_puts(w, "\">\n<p class=\"admonition-title\">");
    bf_md_puts(w, bf_md_admon_default_title(kind, strlen(kind)));
    bf_md_puts(w, "</p>\n");
    return true;
}
