/*
 * coordinator/fields.c - cascade, front matter fields, filtering, URLs
 * (see fields.h).
 */
#include "coordinator/fields.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "shared/fs.h"
#include "shared/log.h"

/* ---- cascade ---------------------------------------------------------- */

/* A new map: the entries of own, then those of inherited that own lacks.
 * Either may be NULL.  Returns own itself when nothing is added. */
static bf_value_t *overlay(bf_arena_t *a, bf_value_t *own, const bf_value_t *inherited,
                           bool skip_cascade)
{
    if (!inherited || inherited->kind != BF_VAL_MAP || inherited->u.c.n == 0)
        return own;
    bf_value_t *m = bf_value_new(a, BF_VAL_MAP);
    if (!m)
        return NULL;
    if (own)
        for (size_t i = 0; i < own->u.c.n; i++)
            if (bf_value_map_put(a, m, own->u.c.keys[i], own->u.c.key_lens[i],
                                 own->u.c.items[i]) < 0)
                return NULL;
    for (size_t i = 0; i < inherited->u.c.n; i++) {
        const char *k = inherited->u.c.keys[i];
        if ((skip_cascade && strcmp(k, "cascade") == 0) || bf_value_get(own, k))
            continue;
        if (bf_value_map_put(a, m, k, inherited->u.c.key_lens[i], inherited->u.c.items[i]) < 0)
            return NULL;
    }
    return m;
}

static int apply_cascade(bf_site_t *s, bf_section_t *sec, const bf_value_t *inherited)
{
    bf_page_t *ip = sec->index;
    bf_value_t *own = bf_value_get(ip->meta, "cascade");
    if (own && own->kind != BF_VAL_MAP) {
        bf_site_error_at(s, ip->source, own, "\"cascade\" must be a map of keys, not %s",
                         bf_value_kind_name(own->kind));
        own = NULL;
    }
    /* The section's own page inherits from above, not its own cascade. */
    if (inherited && !(ip->meta = overlay(s->arena, ip->meta, inherited, true)) && inherited->u.c.n)
        return -1;
    sec->cascade = own ? overlay(s->arena, own, inherited, false) : (bf_value_t *)inherited;
    if (own && !sec->cascade)
        return -1;
    for (size_t i = 0; i < sec->regular.n; i++) {
        bf_page_t *p = sec->regular.items[i];
        bf_value_t *m = overlay(s->arena, p->meta, sec->cascade, true);
        if (!m && sec->cascade && sec->cascade->u.c.n)
            return -1;
        p->meta = m;
    }
    for (size_t i = 0; i < sec->children.n; i++)
        if (apply_cascade(s, sec->children.items[i], sec->cascade) < 0)
            return -1;
    return 0;
}

/* ---- typed access to front matter ------------------------------------- */

/* Scalar as text: strings as they are, numbers and bools formatted.  NULL
 * (after an error) for lists and maps; NULL silently for null. */
static const char *scalar_text(bf_site_t *s, bf_page_t *p, const char *key, bf_value_t *v)
{
    char tmp[64];
    switch (v->kind) {
    case BF_VAL_NULL:
        return NULL;
    case BF_VAL_STRING:
        return v->u.s.ptr;
    case BF_VAL_BOOL:
        return v->u.b ? "true" : "false";
    case BF_VAL_INT:
        snprintf(tmp, sizeof tmp, "%" PRId64, v->u.i);
        return bf_arena_strdup(s->arena, tmp);
    case BF_VAL_FLOAT:
        snprintf(tmp, sizeof tmp, "%g", v->u.f);
        return bf_arena_strdup(s->arena, tmp);
    default:
        bf_site_error_at(s, p->source, v, "\"%s\" must be text, not a %s", key,
                         bf_value_kind_name(v->kind));
        return NULL;
    }
}

static void get_date(bf_site_t *s, bf_page_t *p, const char *key, bf_value_t *v,
                     bf_date_t *out, uint16_t flag)
{
    size_t col = 0;
    if (v->kind == BF_VAL_NULL)
        return;
    if (v->kind != BF_VAL_STRING || bf_date_parse(v->u.s.ptr, v->u.s.len, out, &col) < 0) {
        bf_value_t at = *v;
        at.col += (uint32_t)col;
        bf_site_error_at(s, p->source, &at,
                         "\"%s\" is not a date: write YYYY-MM-DD or RFC 3339 "
                         "(2024-01-31T09:30:00Z)", key);
        return;
    }
    p->flags |= flag;
}

static bool get_bool(bf_site_t *s, bf_page_t *p, const char *key, bf_value_t *v)
{
    if (v->kind == BF_VAL_BOOL)
        return v->u.b;
    if (v->kind != BF_VAL_NULL)
        bf_site_error_at(s, p->source, v, "\"%s\" must be true or false", key);
    return false;
}

static bool is_taxonomy(const bf_site_t *s, const char *key)
{
    for (size_t i = 0; i < s->config.n_taxonomies; i++)
        if (strcmp(s->config.taxonomies[i].plural, key) == 0)
            return true;
    return false;
}

/* Copies known keys into fields and the rest into params. */
static int read_fields(bf_site_t *s, bf_page_t *p)
{
    const bf_value_t *m = p->meta;
    if (!m)
        return 0;
    for (size_t i = 0; i < m->u.c.n; i++) {
        const char *k = m->u.c.keys[i];
        bf_value_t *v = m->u.c.items[i];
        if (strcmp(k, "title") == 0) {
            const char *t = scalar_text(s, p, k, v);
            if (t)
                p->title = t;
        } else if (strcmp(k, "description") == 0) {
            p->description = scalar_text(s, p, k, v);
        } else if (strcmp(k, "summary") == 0) {
            p->summary = scalar_text(s, p, k, v);
        } else if (strcmp(k, "nav_title") == 0) {
            p->nav_title = scalar_text(s, p, k, v);
        } else if (strcmp(k, "slug") == 0) {
            p->slug = scalar_text(s, p, k, v);
        } else if (strcmp(k, "url") == 0) {
            p->url = scalar_text(s, p, k, v);
        } else if (strcmp(k, "type") == 0) {
            p->type = scalar_text(s, p, k, v);
        } else if (strcmp(k, "template") == 0 || strcmp(k, "layout") == 0) {
            p->template = scalar_text(s, p, k, v);
        } else if (strcmp(k, "id") == 0) {
            p->ref_id = scalar_text(s, p, k, v);
        } else if (strcmp(k, "date") == 0) {
            get_date(s, p, k, v, &p->date, BF_SNAP_PF_DATE);
        } else if (strcmp(k, "lastmod") == 0) {
            get_date(s, p, k, v, &p->lastmod, BF_SNAP_PF_LASTMOD);
        } else if (strcmp(k, "draft") == 0) {
            if (get_bool(s, p, k, v))
                p->flags |= BF_SNAP_PF_DRAFT;
        } else if (strcmp(k, "toc") == 0) {
            if (v->kind == BF_VAL_BOOL ? !v->u.b : get_bool(s, p, k, v))
                p->flags |= BF_SNAP_PF_NO_TOC;
        } else if (strcmp(k, "weight") == 0) {
            if (v->kind != BF_VAL_INT || v->u.i < INT32_MIN || v->u.i > INT32_MAX)
                bf_site_error_at(s, p->source, v, "\"weight\" must be an integer");
            else
                p->weight = (int32_t)v->u.i;
        } else if (strcmp(k, "aliases") == 0) {
            /* checked with the URLs */
        } else if (strcmp(k, "cascade") == 0 || strcmp(k, "menu") == 0 ||
                   is_taxonomy(s, k)) {
            /* cascade: apply_cascade; menu and taxonomies: link.c */
        } else {
            if (!p->params && !(p->params = bf_value_new(s->arena, BF_VAL_MAP)))
                return -1;
            if (bf_value_map_put(s->arena, p->params, k, m->u.c.key_lens[i], v) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- filtering -------------------------------------------------------- */

static bool dropped(bf_site_t *s, const bf_page_t *p)
{
    if ((p->flags & BF_SNAP_PF_DRAFT) && !s->opts.drafts)
        return true;
    if ((p->flags & BF_SNAP_PF_DATE) && p->date.epoch > s->opts.now && !s->opts.future) {
        if (p->date.epoch < s->next_change)
            s->next_change = p->date.epoch;
        return true;
    }
    return false;
}

static void filter(bf_site_t *s, bf_section_t *sec)
{
    size_t k = 0;
    for (size_t i = 0; i < sec->regular.n; i++)
        if (!dropped(s, sec->regular.items[i]))
            sec->regular.items[k++] = sec->regular.items[i];
    sec->regular.n = k;
    k = 0;
    for (size_t i = 0; i < sec->children.n; i++) {
        bf_section_t *c = sec->children.items[i];
        if (dropped(s, c->index))
            continue;
        sec->children.items[k++] = c;
        filter(s, c);
    }
    sec->children.n = k;
}

/* ---- URLs ------------------------------------------------------------- */

const char *bf_fields_output_of(bf_arena_t *a, const char *url)
{
    size_t n = strlen(url);
    if (n && url[n - 1] == '/')
        return bf_arena_sprintf(a, "%sindex.html", url + 1);
    return bf_arena_strdup(a, url + 1);
}

/* Does the last component of path[0..n) look like a file name? */
static bool has_extension(const char *path, size_t n)
{
    for (size_t i = n; i > 0 && path[i - 1] != '/'; i--)
        if (path[i - 1] == '.')
            return i > 1 && path[i - 2] != '/';
    return false;
}

/*
 * A URL the author wrote (url, aliases): "/a/b/", "a/b", "/a/b.html".
 * Returns it normalised (leading '/', trailing '/' unless it names a file)
 * or NULL after reporting what is wrong at v.
 */
static const char *norm_url(bf_site_t *s, bf_page_t *p, const char *key, bf_value_t *v,
                            const char *url)
{
    const char *why = NULL;
    if (strstr(url, "://") || url[0] == '#' || url[0] == '?')
        why = "must be a path on this site, like /docs/intro/";
    size_t start = url[0] == '/', end = strlen(url);
    if (end > start && url[end - 1] == '/')
        end--;
    if (!why && end > start && bf_path_check(url + start, end - start, &why) == 0)
        why = NULL;
    if (!why && (strchr(url, '?') || strchr(url, '#')))
        why = "cannot have a query or fragment";
    if (why) {
        bf_site_error_at(s, p->source, v, "%s \"%s\" is not a valid path: %s", key, url, why);
        return NULL;
    }
    if (end == start)
        return "/";
    bool file = has_extension(url + start, end - start);
    return bf_arena_sprintf(s->arena, "/%.*s%s", (int)(end - start), url + start,
                            file ? "" : "/");
}

/* The URL component of a file or directory name: spaces become '-'. */
static const char *component(bf_arena_t *a, const char *name)
{
    char *c = bf_arena_strdup(a, name);
    for (char *q = c; q && *q; q++)
        if (*q == ' ')
            *q = '-';
    return c;
}

static bf_value_t *meta_value(bf_page_t *p, const char *key)
{
    return bf_value_get(p->meta, key);
}

/* page URL from slug / stem inside the section's URL, or from `url`. */
static int page_url(bf_site_t *s, bf_page_t *p, const char *base)
{
    bf_arena_t *a = s->arena;
    if (p->url) {
        p->url = norm_url(s, p, "url", meta_value(p, "url"), p->url);
    } else {
        const char *comp = p->stem ? component(a, p->stem) : "";
        if (p->slug) {
            const char *why = NULL;
            if (bf_path_check(p->slug, strlen(p->slug), &why) < 0 || strchr(p->slug, '/')) {
                bf_site_error_at(s, p->source, meta_value(p, "slug"),
                                 "slug \"%s\" is not a valid URL component: %s", p->slug,
                                 why ? why : "it must be one path component, without '/'");
                return 0;
            }
            comp = component(a, p->slug);
        }
        if (!comp)
            return -1;
        if (p->kind == BF_SNAP_HOME)
            p->url = "/";
        else if (p->kind == BF_SNAP_PAGE && !s->config.pretty_urls)
            p->url = bf_arena_sprintf(a, "%s%s.html", base, comp);
        else
            p->url = bf_arena_sprintf(a, "%s%s/", base, comp);
        if (!p->url)
            return -1;
    }
    if (p->url && !(p->output = bf_fields_output_of(a, p->url)))
        return -1;
    bf_value_t *al = meta_value(p, "aliases");
    if (!al || al->kind == BF_VAL_NULL)
        return 0;
    if (al->kind != BF_VAL_LIST && al->kind != BF_VAL_STRING) {
        bf_site_error_at(s, p->source, al, "\"aliases\" must be a list of paths");
        return 0;
    }
    size_t n = al->kind == BF_VAL_LIST ? al->u.c.n : 1;
    for (size_t i = 0; i < n; i++) {
        bf_value_t *v = al->kind == BF_VAL_LIST ? al->u.c.items[i] : al;
        if (v->kind != BF_VAL_STRING) {
            bf_site_error_at(s, p->source, v, "an alias must be a path like /old/url/");
            continue;
        }
        const char *u = norm_url(s, p, "alias", v, v->u.s.ptr);
        if (u && bf_vec_push(a, &p->aliases, (void *)u) < 0)
            return -1;
    }
    return 0;
}

/* "getting-started" -> "Getting started": title of a section without one. */
static const char *humanize(bf_arena_t *a, const char *name)
{
    char *t = bf_arena_strdup(a, name);
    for (char *q = t; q && *q; q++)
        if (*q == '-' || *q == '_')
            *q = ' ';
    if (t && *t >= 'a' && *t <= 'z')
        *t = (char)(*t - 'a' + 'A');
    return t;
}

static int resolve_section(bf_site_t *s, bf_section_t *sec)
{
    bf_page_t *ip = sec->index;
    if (read_fields(s, ip) < 0)
        return -1;
    if (!ip->title)
        ip->title = sec->parent ? humanize(s->arena, sec->name) : s->config.title;
    for (size_t i = 0; i < sec->regular.n; i++) {
        bf_page_t *p = sec->regular.items[i];
        if (read_fields(s, p) < 0)
            return -1;
        if (!p->title)
            p->title = p->stem;
    }
    for (size_t i = 0; i < sec->children.n; i++)
        if (resolve_section(s, sec->children.items[i]) < 0)
            return -1;
    return 0;
}

static int assign_urls(bf_site_t *s, bf_section_t *sec)
{
    const char *base = sec->parent ? sec->parent->index->url : "/";
    if (page_url(s, sec->index, base ? base : "/") < 0)
        return -1;
    const char *own = sec->index->url ? sec->index->url : "/";
    if (sec->parent && has_extension(own, strlen(own))) {
        bf_site_error_at(s, sec->index->source, meta_value(sec->index, "url"),
                         "url \"%s\" of a section must be a directory (end it with '/')", own);
        own = "/";
    }
    for (size_t i = 0; i < sec->regular.n; i++)
        if (page_url(s, sec->regular.items[i], own) < 0)
            return -1;
    for (size_t i = 0; i < sec->children.n; i++)
        if (assign_urls(s, sec->children.items[i]) < 0)
            return -1;
    return 0;
}

int bf_fields_resolve(bf_site_t *s)
{
    if (apply_cascade(s, s->root, NULL) < 0 || resolve_section(s, s->root) < 0)
        return -1;
    filter(s, s->root);
    return assign_urls(s, s->root);
}

const char *bf_fields_slugify(bf_arena_t *a, const char *in)
{
    size_t n = strlen(in);
    char *out = bf_arena_alloc(a, n + 1);
    size_t k = 0;
    bool dash = false;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 0x80 || isalnum(c) || c == '_') {
            if (dash && k)
                out[k++] = '-';
            dash = false;
            out[k++] = (char)(c < 0x80 ? tolower(c) : c);
        } else {
            dash = true;
        }
    }
    out[k] = '\0';
    return out;
}
