/*
 * snapshot-format/dump.c - `bengal-farm snapshot dump` (see dump.h).
 *
 * Both forms walk a snapshot that bf_snap_open validated, so every id and
 * string is in bounds, value trees are at most BF_SNAP_MAX_DEPTH deep (the
 * value printers recurse, bounded by that) and menu items form a forest
 * (walked with an explicit stack: its depth is not bounded).
 *
 * Text: one line per record, fields as name=value, strings in double
 * quotes with C escapes, so that two dumps diff line by line.  JSON: one
 * object, one record per line, strings escaped per RFC 8259; pool strings
 * are valid UTF-8 (the reader checked), so only quotes, backslashes and
 * control characters need escaping.
 *
 * Write errors are not checked per call: ferror() at the end says whether
 * any output was lost.
 */
#include "snapshot-format/dump.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "shared/date.h"

typedef struct {
    const bf_snap_t *s;
    FILE *out;
} dump_t;

#define NAMES(a) (sizeof(a) / sizeof((a)[0]))

static const char *const site_flag_names[] = {
    "pretty_urls", "md_unsafe", "anchor_links", "out_sitemap", "out_rss",
    "out_search", "out_llms", "out_robots", "drafts", "future", "katex", "highlight",
};
static const char *const page_flag_names[] = {
    "draft", "bundle", "date", "lastmod", "no_toc", "virtual",
};

static int finish(FILE *out)
{
    if (fflush(out) != 0 || ferror(out))
        return -1;
    return 0;
}

/* RFC 3339 form of an epoch with its zone; "" on failure. */
static void rfc3339(int64_t t, int32_t tz, char *buf, size_t cap)
{
    bf_date_t d = {.epoch = t, .tz_min = tz, .has_time = 1};
    if (bf_date_rfc3339(&d, buf, cap) == 0)
        buf[0] = '\0';
}

/* ---- text --------------------------------------------------------------- */

static void text_bytes(dump_t *d, const char *p, size_t n)
{
    fputc('"', d->out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\')
            fprintf(d->out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", d->out);
        else if (c == '\t')
            fputs("\\t", d->out);
        else if (c < 0x20 || c == 0x7f)
            fprintf(d->out, "\\x%02x", c);
        else
            fputc(c, d->out);
    }
    fputc('"', d->out);
}

static void text_str(dump_t *d, bf_snap_str_t r)
{
    text_bytes(d, bf_snap_str(d->s, r), r.len);
}

static void text_id(dump_t *d, uint32_t id)
{
    if (id == BF_SNAP_NONE)
        fputc('-', d->out);
    else
        fprintf(d->out, "%" PRIu32, id);
}

static void text_ids(dump_t *d, bf_snap_range_t r)
{
    const uint32_t *ids = bf_snap_ids(d->s, r);
    fputc('[', d->out);
    for (uint32_t k = 0; k < r.count; k++)
        fprintf(d->out, k ? " %" PRIu32 : "%" PRIu32, ids[k]);
    fputc(']', d->out);
}

static void text_flags(dump_t *d, uint32_t flags, const char *const *names, size_t n)
{
    bool any = false;
    for (size_t b = 0; b < n; b++) {
        if (flags & (1u << b)) {
            fprintf(d->out, "%s%s", any ? "," : "", names[b]);
            any = true;
        }
    }
    if (!any)
        fputc('-', d->out);
}

/* A key is printed bare when it is plain ASCII, else quoted. */
static void text_key(dump_t *d, bf_snap_str_t k)
{
    const char *p = bf_snap_str(d->s, k);
    bool plain = k.len > 0;
    for (uint32_t i = 0; i < k.len && plain; i++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./",
                       p[i]) != NULL;
    if (plain)
        fwrite(p, 1, k.len, d->out);
    else
        text_str(d, k);
}

static void text_scalar(dump_t *d, const bf_snap_value_t *x)
{
    double f;
    switch (x->kind) {
    case BF_SNAP_V_NULL:
        fputs("null", d->out);
        break;
    case BF_SNAP_V_BOOL:
        fputs(x->v ? "true" : "false", d->out);
        break;
    case BF_SNAP_V_INT:
        fprintf(d->out, "%" PRId64, (int64_t)x->v);
        break;
    case BF_SNAP_V_FLOAT:
        memcpy(&f, &x->v, sizeof f);
        if (isnan(f))
            fputs(".nan", d->out); /* YAML's spelling */
        else if (isinf(f))
            fputs(f < 0 ? "-.inf" : ".inf", d->out);
        else
            fprintf(d->out, "%.17g", f);
        break;
    case BF_SNAP_V_STRING:
        text_str(d, (bf_snap_str_t){(uint32_t)x->v, x->n});
        break;
    case BF_SNAP_V_LIST:
        fputs("[]", d->out);
        break;
    default:
        fputs("{}", d->out);
        break;
    }
}

/* The children of list or map idx, one per line at indent; nested
 * containers below their key or dash.  Depth <= BF_SNAP_MAX_DEPTH. */
static void text_children(dump_t *d, uint32_t idx, int indent)
{
    const bf_snap_value_t *x = bf_snap_value(d->s, idx);
    for (uint32_t c = (uint32_t)x->v; c < x->v + x->n; c++) {
        const bf_snap_value_t *y = bf_snap_value(d->s, c);
        fprintf(d->out, "%*s", indent, "");
        if (x->kind == BF_SNAP_V_MAP) {
            text_key(d, y->key);
            fputc(':', d->out);
        } else {
            fputc('-', d->out);
        }
        bool nested = (y->kind == BF_SNAP_V_LIST || y->kind == BF_SNAP_V_MAP) && y->n > 0;
        if (!nested) {
            fputc(' ', d->out);
            text_scalar(d, y);
            fputc('\n', d->out);
        } else {
            fputc('\n', d->out);
            text_children(d, c, indent + 2);
        }
    }
}

/* "name: value" at indent, or "name:" and the children below. */
static void text_value(dump_t *d, const char *name, uint32_t idx, int indent)
{
    fprintf(d->out, "%*s%s:", indent, "", name);
    if (idx == BF_SNAP_NONE) {
        fputs(" -\n", d->out);
        return;
    }
    const bf_snap_value_t *x = bf_snap_value(d->s, idx);
    if ((x->kind == BF_SNAP_V_LIST || x->kind == BF_SNAP_V_MAP) && x->n > 0) {
        fputc('\n', d->out);
        text_children(d, idx, indent + 2);
    } else {
        fputc(' ', d->out);
        text_scalar(d, x);
        fputc('\n', d->out);
    }
}

static void text_site(dump_t *d)
{
    const bf_snap_header_t *h = bf_snap_header(d->s);
    const bf_snap_site_t *st = bf_snap_site(d->s);
    FILE *o = d->out;
    fprintf(o, "snapshot version=%" PRIu32 " size=%" PRIu64 " checksum=%016" PRIx64 "\n",
            h->version, h->file_size, h->body_checksum);
    fputs("site title=", o);
    text_str(d, st->title);
    fputs(" baseurl=", o);
    text_str(d, st->baseurl);
    fputs(" language=", o);
    text_str(d, st->language);
    fputs(" output_dir=", o);
    text_str(d, st->output_dir);
    fputs(" environment=", o);
    text_str(d, st->environment);
    fputs("\n  flags=", o);
    text_flags(d, st->flags, site_flag_names, NAMES(site_flag_names));
    fprintf(o, " toc_depth=%u-%u per_page=%" PRIu32 " build_time=%" PRId64 "\n", st->toc_min,
            st->toc_max, st->per_page, st->build_time);
    fprintf(o, "  home_page=%" PRIu32 " root_section=%" PRIu32 " level_waves=[%" PRIu32
               " %" PRIu32 " %" PRIu32 " %" PRIu32 "]\n",
            st->home_page, st->root_section, st->level_waves[0], st->level_waves[1],
            st->level_waves[2], st->level_waves[3]);
    fputs("  pages=", o);
    text_ids(d, st->pages);
    fputs("\n  by_path=", o);
    text_ids(d, st->by_path);
    fputs("\n  by_ref_id=", o);
    text_ids(d, st->by_ref_id);
    fputc('\n', o);
    text_value(d, "config", st->config, 2);
    text_value(d, "params", st->params, 2);
    text_value(d, "data", st->data, 2);
}

/* "  include off+len -> fragment N" per include directive of a body. */
static void text_includes(dump_t *d, bf_snap_range_t r)
{
    const bf_snap_include_t *inc = bf_snap_includes(d->s, r);
    for (uint32_t k = 0; k < r.count; k++)
        fprintf(d->out, "  include %" PRIu32 "+%" PRIu32 " -> fragment %" PRIu32 "\n",
                inc[k].off, inc[k].len, inc[k].fragment);
}

static void text_page(dump_t *d, uint32_t id)
{
    const bf_snap_page_t *p = bf_snap_page(d->s, id);
    char date[64];
    FILE *o = d->out;
    fprintf(o, "page %" PRIu32 " kind=%s url=", id, bf_snap_kind_name(p->kind));
    text_str(d, p->url);
    fputs(" output=", o);
    text_str(d, p->output);
    fputs(" template=", o);
    text_str(d, p->template);
    fputs(" title=", o);
    text_str(d, p->title);
    fputs(" wave=", o);
    text_id(d, p->wave);
    fputs(" section=", o);
    text_id(d, p->section);
    if (p->flags & BF_SNAP_PF_DATE) {
        rfc3339(p->date, p->date_tz, date, sizeof date);
        fprintf(o, " date=%s", date);
    }
    fprintf(o, " weight=%" PRId32 "\n", p->weight);
    if (p->params != BF_SNAP_NONE)
        text_value(d, "params", p->params, 2);
    text_includes(d, p->includes);
}

/* Included files, only when there are any (older dumps stay as they were). */
static void text_fragments(dump_t *d)
{
    for (uint32_t i = 0; i < bf_snap_count(d->s, BF_SNAP_T_FRAGMENTS); i++) {
        const bf_snap_fragment_t *f = bf_snap_fragment(d->s, i);
        fprintf(d->out, "fragment %" PRIu32 " source=", i);
        text_str(d, f->source);
        fprintf(d->out, " body_len=%" PRIu32 " body_line=%" PRIu32 "\n", f->body_len,
                f->body_line);
        text_includes(d, f->includes);
    }
}

static void text_sections(dump_t *d)
{
    for (uint32_t i = 0; i < bf_snap_count(d->s, BF_SNAP_T_SECTIONS); i++) {
        const bf_snap_section_t *x = bf_snap_section(d->s, i);
        fprintf(d->out, "section %" PRIu32 " path=", i);
        text_str(d, x->path);
        fputs(" name=", d->out);
        text_str(d, x->name);
        fprintf(d->out, " page=%" PRIu32 " parent=", x->page);
        text_id(d, x->parent);
        fprintf(d->out, " depth=%" PRIu32 "\n  pages=", x->depth);
        text_ids(d, x->pages);
        fputs("\n  regular_pages=", d->out);
        text_ids(d, x->regular_pages);
        fputs("\n  subsections=", d->out);
        text_ids(d, x->subsections);
        fputc('\n', d->out);
    }
}

static void text_taxonomies(dump_t *d)
{
    for (uint32_t i = 0; i < bf_snap_count(d->s, BF_SNAP_T_TAXONOMIES); i++) {
        const bf_snap_taxonomy_t *x = bf_snap_taxonomy(d->s, i);
        fprintf(d->out, "taxonomy %" PRIu32 " name=", i);
        text_str(d, x->name);
        fprintf(d->out, " page=%" PRIu32 " terms=", x->page);
        text_ids(d, x->terms);
        fputc('\n', d->out);
    }
    for (uint32_t i = 0; i < bf_snap_count(d->s, BF_SNAP_T_TERMS); i++) {
        const bf_snap_term_t *x = bf_snap_term(d->s, i);
        fprintf(d->out, "term %" PRIu32 " name=", i);
        text_str(d, x->name);
        fputs(" slug=", d->out);
        text_str(d, x->slug);
        fprintf(d->out, " taxonomy=%" PRIu32 " page=%" PRIu32 " pages=", x->taxonomy, x->page);
        text_ids(d, x->pages);
        fputc('\n', d->out);
    }
}

static void text_item(dump_t *d, uint32_t id, size_t depth)
{
    const bf_snap_menu_item_t *x = bf_snap_menu_item(d->s, id);
    int indent = 2 + 2 * (int)(depth < 32 ? depth : 32); /* keep lines short */
    fprintf(d->out, "%*s- item %" PRIu32 " name=", indent, "", id);
    text_str(d, x->name);
    fputs(" url=", d->out);
    text_str(d, x->url);
    fputs(" identifier=", d->out);
    text_str(d, x->identifier);
    fputs(" page=", d->out);
    text_id(d, x->page);
    fprintf(d->out, " weight=%" PRId32 "\n", x->weight);
}

/* Depth-first, explicit stack of {list, next position}: the reader proved
 * the items a forest, but not a shallow one. */
static int text_menus(dump_t *d)
{
    typedef struct {
        bf_snap_range_t r;
        uint32_t k;
    } frame_t;
    size_t cap = 16, top = 0;
    frame_t *st = malloc(cap * sizeof *st);
    if (!st)
        return -1;
    for (uint32_t m = 0; m < bf_snap_count(d->s, BF_SNAP_T_MENUS); m++) {
        const bf_snap_menu_t *menu = bf_snap_menu(d->s, m);
        fprintf(d->out, "menu %" PRIu32 " name=", m);
        text_str(d, menu->name);
        fputc('\n', d->out);
        st[0] = (frame_t){menu->items, 0};
        top = 1;
        while (top > 0) {
            frame_t *f = &st[top - 1];
            if (f->k == f->r.count) {
                top--;
                continue;
            }
            uint32_t id = bf_snap_ids(d->s, f->r)[f->k++];
            text_item(d, id, top - 1);
            bf_snap_range_t ch = bf_snap_menu_item(d->s, id)->children;
            if (ch.count == 0)
                continue;
            if (top == cap) {
                frame_t *n = realloc(st, 2 * cap * sizeof *st);
                if (!n) {
                    free(st);
                    return -1;
                }
                st = n;
                cap *= 2;
            }
            st[top++] = (frame_t){ch, 0};
        }
    }
    free(st);
    return 0;
}

static void text_waves(dump_t *d)
{
    for (uint32_t i = 0; i < bf_snap_count(d->s, BF_SNAP_T_WAVES); i++) {
        const bf_snap_wave_t *x = bf_snap_wave(d->s, i);
        fprintf(d->out, "wave %" PRIu32 " level=%" PRIu32 " section=", i, x->level);
        text_id(d, x->section);
        fputs(" template=", d->out);
        text_str(d, x->template);
        fputs(" pages=", d->out);
        text_ids(d, x->pages);
        fputc('\n', d->out);
    }
}

int bf_snap_dump_text(const bf_snap_t *s, FILE *out)
{
    dump_t d = {s, out};
    text_site(&d);
    for (uint32_t i = 0; i < bf_snap_count(s, BF_SNAP_T_PAGES); i++)
        text_page(&d, i);
    text_sections(&d);
    text_taxonomies(&d);
    if (text_menus(&d) < 0)
        return -1;
    text_waves(&d);
    text_fragments(&d);
    return finish(out);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_bytes(dump_t *d, const char *p, size_t n)
{
    fputc('"', d->out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '"':
            fputs("\\\"", d->out);
            break;
        case '\\':
            fputs("\\\\", d->out);
            break;
        case '\b':
            fputs("\\b", d->out);
            break;
        case '\f':
            fputs("\\f", d->out);
            break;
        case '\n':
            fputs("\\n", d->out);
            break;
        case '\r':
            fputs("\\r", d->out);
            break;
        case '\t':
            fputs("\\t", d->out);
            break;
        default:
            if (c < 0x20)
                fprintf(d->out, "\\u%04x", c);
            else
                fputc(c, d->out);
        }
    }
    fputc('"', d->out);
}

static void json_str(dump_t *d, const char *key, bf_snap_str_t r)
{
    fprintf(d->out, ",\"%s\":", key);
    json_bytes(d, bf_snap_str(d->s, r), r.len);
}

/* ,"key":id with NONE as null. */
static void json_id(dump_t *d, const char *key, uint32_t id)
{
    if (id == BF_SNAP_NONE)
        fprintf(d->out, ",\"%s\":null", key);
    else
        fprintf(d->out, ",\"%s\":%" PRIu32, key, id);
}

static void json_ids(dump_t *d, const char *key, bf_snap_range_t r)
{
    const uint32_t *ids = bf_snap_ids(d->s, r);
    fprintf(d->out, ",\"%s\":[", key);
    for (uint32_t k = 0; k < r.count; k++)
        fprintf(d->out, k ? ",%" PRIu32 : "%" PRIu32, ids[k]);
    fputc(']', d->out);
}

static void json_strs(dump_t *d, const char *key, bf_snap_range_t r)
{
    const bf_snap_str_t *v = bf_snap_strs(d->s, r);
    fprintf(d->out, ",\"%s\":[", key);
    for (uint32_t k = 0; k < r.count; k++) {
        if (k)
            fputc(',', d->out);
        json_bytes(d, bf_snap_str(d->s, v[k]), v[k].len);
    }
    fputc(']', d->out);
}

static void json_flags(dump_t *d, uint32_t flags, const char *const *names, size_t n)
{
    bool any = false;
    fputs(",\"flags\":[", d->out);
    for (size_t b = 0; b < n; b++) {
        if (flags & (1u << b)) {
            fprintf(d->out, "%s\"%s\"", any ? "," : "", names[b]);
            any = true;
        }
    }
    fputc(']', d->out);
}

/* Value idx as JSON; depth <= BF_SNAP_MAX_DEPTH (validated). */
static void json_value(dump_t *d, uint32_t idx)
{
    if (idx == BF_SNAP_NONE) {
        fputs("null", d->out);
        return;
    }
    const bf_snap_value_t *x = bf_snap_value(d->s, idx);
    double f;
    switch (x->kind) {
    case BF_SNAP_V_FLOAT:
        memcpy(&f, &x->v, sizeof f);
        if (isfinite(f))
            fprintf(d->out, "%.17g", f);
        else
            fputs("null", d->out);
        return;
    case BF_SNAP_V_STRING:
        json_bytes(d, bf_snap_str(d->s, (bf_snap_str_t){(uint32_t)x->v, x->n}), x->n);
        return;
    case BF_SNAP_V_LIST:
    case BF_SNAP_V_MAP:
        break;
    default:
        text_scalar(d, x); /* null, true/false and integers read the same */
        return;
    }
    bool map = x->kind == BF_SNAP_V_MAP;
    fputc(map ? '{' : '[', d->out);
    for (uint32_t c = (uint32_t)x->v; c < x->v + x->n; c++) {
        if (c != x->v)
            fputc(',', d->out);
        if (map) {
            bf_snap_str_t k = bf_snap_value(d->s, c)->key;
            json_bytes(d, bf_snap_str(d->s, k), k.len);
            fputc(':', d->out);
        }
        json_value(d, c);
    }
    fputc(map ? '}' : ']', d->out);
}

static void json_date(dump_t *d, const char *key, bool set, int64_t t, int32_t tz)
{
    char buf[64];
    if (!set) {
        fprintf(d->out, ",\"%s\":null", key);
        return;
    }
    rfc3339(t, tz, buf, sizeof buf);
    fprintf(d->out, ",\"%s\":\"%s\"", key, buf);
}

static void json_site(dump_t *d)
{
    const bf_snap_site_t *st = bf_snap_site(d->s);
    const bf_snap_header_t *h = bf_snap_header(d->s);
    FILE *o = d->out;
    fprintf(o, "\"site\":{\"version\":%" PRIu32 ",\"checksum\":\"%016" PRIx64 "\"", h->version,
            h->body_checksum);
    json_str(d, "title", st->title);
    json_str(d, "baseurl", st->baseurl);
    json_str(d, "language", st->language);
    json_str(d, "output_dir", st->output_dir);
    json_str(d, "environment", st->environment);
    json_flags(d, st->flags, site_flag_names, NAMES(site_flag_names));
    fprintf(o, ",\"toc_min\":%u,\"toc_max\":%u,\"per_page\":%" PRIu32, st->toc_min,
            st->toc_max, st->per_page);
    json_id(d, "home_page", st->home_page);
    json_id(d, "root_section", st->root_section);
    json_ids(d, "pages", st->pages);
    json_ids(d, "by_path", st->by_path);
    json_ids(d, "by_ref_id", st->by_ref_id);
    fprintf(o, ",\"level_waves\":[%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 "]",
            st->level_waves[0], st->level_waves[1], st->level_waves[2], st->level_waves[3]);
    fprintf(o, ",\"build_time\":%" PRId64 ",\"config\":", st->build_time);
    json_value(d, st->config);
    fputs(",\"params\":", o);
    json_value(d, st->params);
    fputs(",\"data\":", o);
    json_value(d, st->data);
    fputs("},\n", o);
}

static void json_includes(dump_t *d, bf_snap_range_t r)
{
    const bf_snap_include_t *inc = bf_snap_includes(d->s, r);
    fputs(",\"includes\":[", d->out);
    for (uint32_t k = 0; k < r.count; k++)
        fprintf(d->out, "%s{\"off\":%" PRIu32 ",\"len\":%" PRIu32 ",\"fragment\":%" PRIu32 "}",
                k ? "," : "", inc[k].off, inc[k].len, inc[k].fragment);
    fputc(']', d->out);
}

static void json_page(dump_t *d, uint32_t id)
{
    const bf_snap_page_t *p = bf_snap_page(d->s, id);
    FILE *o = d->out;
    fprintf(o, "{\"id\":%" PRIu32 ",\"kind\":\"%s\"", id, bf_snap_kind_name(p->kind));
    json_flags(d, p->flags, page_flag_names, NAMES(page_flag_names));
    json_id(d, "section", p->section);
    json_id(d, "term", p->term);
    json_id(d, "prev", p->prev);
    json_id(d, "next", p->next);
    json_id(d, "wave", p->wave);
    fprintf(o, ",\"weight\":%" PRId32, p->weight);
    json_date(d, "date", p->flags & BF_SNAP_PF_DATE, p->date, p->date_tz);
    json_date(d, "lastmod", p->flags & BF_SNAP_PF_LASTMOD, p->lastmod, p->lastmod_tz);
    json_str(d, "title", p->title);
    json_str(d, "nav_title", p->nav_title);
    json_str(d, "description", p->description);
    json_str(d, "summary", p->summary);
    json_str(d, "path", p->path);
    json_str(d, "source", p->source);
    json_str(d, "url", p->url);
    json_str(d, "output", p->output);
    json_str(d, "template", p->template);
    json_str(d, "type", p->type);
    json_str(d, "ref_id", p->ref_id);
    fprintf(o, ",\"content_hash\":\"%016" PRIx64 "\",\"body_off\":%" PRIu64
               ",\"body_len\":%" PRIu32 ",\"body_line\":%" PRIu32,
            p->content_hash, p->body_off, p->body_len, p->body_line);
    json_ids(d, "ancestors", p->ancestors);
    json_ids(d, "terms", p->terms);
    json_strs(d, "aliases", p->aliases);
    json_strs(d, "resources", p->resources);
    fputs(",\"params\":", o);
    json_value(d, p->params);
    json_includes(d, p->includes);
    fprintf(o, ",\"includes_hash\":\"%016" PRIx64 "\"}", p->includes_hash);
}

static void json_fragment(dump_t *d, uint32_t id)
{
    const bf_snap_fragment_t *x = bf_snap_fragment(d->s, id);
    fprintf(d->out, "{\"id\":%" PRIu32, id);
    json_str(d, "source", x->source);
    fprintf(d->out, ",\"body_off\":%" PRIu64 ",\"body_len\":%" PRIu32 ",\"body_line\":%" PRIu32,
            x->body_off, x->body_len, x->body_line);
    json_includes(d, x->includes);
    fputc('}', d->out);
}

static void json_section(dump_t *d, uint32_t id)
{
    const bf_snap_section_t *x = bf_snap_section(d->s, id);
    fprintf(d->out, "{\"id\":%" PRIu32, id);
    json_id(d, "page", x->page);
    json_id(d, "parent", x->parent);
    fprintf(d->out, ",\"depth\":%" PRIu32, x->depth);
    json_str(d, "name", x->name);
    json_str(d, "path", x->path);
    json_ids(d, "pages", x->pages);
    json_ids(d, "regular_pages", x->regular_pages);
    json_ids(d, "subsections", x->subsections);
    fputc('}', d->out);
}

static void json_taxonomy(dump_t *d, uint32_t id)
{
    const bf_snap_taxonomy_t *x = bf_snap_taxonomy(d->s, id);
    fprintf(d->out, "{\"id\":%" PRIu32, id);
    json_str(d, "name", x->name);
    json_id(d, "page", x->page);
    json_ids(d, "terms", x->terms);
    fputc('}', d->out);
}

static void json_term(dump_t *d, uint32_t id)
{
    const bf_snap_term_t *x = bf_snap_term(d->s, id);
    fprintf(d->out, "{\"id\":%" PRIu32, id);
    json_str(d, "name", x->name);
    json_str(d, "slug", x->slug);
    json_id(d, "taxonomy", x->taxonomy);
    json_id(d, "page", x->page);
    json_ids(d, "pages", x->pages);
    fputc('}', d->out);
}

static void json_menu(dump_t *d, uint32_t id)
{
    const bf_snap_menu_t *x = bf_snap_menu(d->s, id);
    fprintf(d->out, "{\"id\":%" PRIu32, id);
    json_str(d, "name", x->name);
    json_ids(d, "items", x->items);
    fputc('}', d->out);
}

static void json_menu_item(dump_t *d, uint32_t id)
{
    const bf_snap_menu_item_t *x = bf_snap_menu_item(d->s, id);
    fprintf(d->out, "{\"id\":%" PRIu32, id);
    json_str(d, "name", x->name);
    json_str(d, "url", x->url);
    json_str(d, "identifier", x->identifier);
    json_id(d, "menu", x->menu);
    json_id(d, "parent", x->parent);
    json_id(d, "page", x->page);
    fprintf(d->out, ",\"weight\":%" PRId32, x->weight);
    json_ids(d, "children", x->children);
    fputc('}', d->out);
}

static void json_wave(dump_t *d, uint32_t id)
{
    const bf_snap_wave_t *x = bf_snap_wave(d->s, id);
    fprintf(d->out, "{\"id\":%" PRIu32 ",\"level\":%" PRIu32, id, x->level);
    json_id(d, "section", x->section);
    json_str(d, "template", x->template);
    json_ids(d, "pages", x->pages);
    fputc('}', d->out);
}

/* "key": [ one record per line ] */
static void json_array(dump_t *d, const char *key, bf_snap_table_id_t t,
                       void (*rec)(dump_t *, uint32_t), bool last)
{
    uint32_t n = bf_snap_count(d->s, t);
    fprintf(d->out, "\"%s\":[", key);
    for (uint32_t i = 0; i < n; i++) {
        fputs(i ? ",\n" : "\n", d->out);
        rec(d, i);
    }
    fputs(last ? "]\n" : "],\n", d->out);
}

int bf_snap_dump_json(const bf_snap_t *s, FILE *out)
{
    dump_t d = {s, out};
    fputs("{\n", out);
    json_site(&d);
    json_array(&d, "pages", BF_SNAP_T_PAGES, json_page, false);
    json_array(&d, "sections", BF_SNAP_T_SECTIONS, json_section, false);
    json_array(&d, "taxonomies", BF_SNAP_T_TAXONOMIES, json_taxonomy, false);
    json_array(&d, "terms", BF_SNAP_T_TERMS, json_term, false);
    json_array(&d, "menus", BF_SNAP_T_MENUS, json_menu, false);
    json_array(&d, "menu_items", BF_SNAP_T_MENU_ITEMS, json_menu_item, false);
    json_array(&d, "waves", BF_SNAP_T_WAVES, json_wave, false);
    json_array(&d, "fragments", BF_SNAP_T_FRAGMENTS, json_fragment, true);
    fputs("}\n", out);
    return finish(out);
}
