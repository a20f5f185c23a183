/*
 * worker/tmpl_ctx.c - the snapshot as template variables (see tmpl_ctx.h).
 *
 * The context and the root, pages, sections, TOC entries, the site and
 * snapshot value trees, and the id lists that hold them.  Taxonomies,
 * terms, menus and the paginator are in tmpl_ctx_nav.c; the object shape,
 * the context struct and the helpers both files use are in
 * tmpl_ctx_impl.h (private to the module).  Each kind has one class,
 * bound in bf_tmpl_ctx_new() through classes[]; every kind of kind_t has
 * an entry there.
 */
#include "worker/tmpl_ctx.h"

#include <stdlib.h>
#include <string.h>

#include "shared/date.h"
#include "shared/hash.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/rt.h"
#include "worker/theme.h"
#include "worker/tmpl_ctx_impl.h"

static int permalink(bf_tmpl_rt_t *rt, const bf_tmpl_ctx_t *c, bf_snap_str_t url, bf_tv_t *out)
{
    char *p = bf_arena_sprintf(bf_tmpl_rt_arena(rt), "%.*s%s", (int)c->base_len, c->base,
                               bf_snap_str(c->s, url));
    if (!p)
        return bf_tmpl_rt_oom(rt);
    return ret(out, bf_tv_str(p, strlen(p)));
}

static int date(bf_tmpl_rt_t *rt, bool set, int64_t epoch, int32_t tz, bf_tv_t *out)
{
    if (!set)
        return ret(out, bf_tv_null());
    bf_date_t d = {.epoch = epoch, .tz_min = tz, .has_time = 1};
    char tmp[64];
    size_t n = bf_date_rfc3339(&d, tmp, sizeof tmp);
    return bf_tv_str_dup(bf_tmpl_rt_arena(rt), tmp, n, out) < 0 ? bf_tmpl_rt_oom(rt) : 1;
}

/* ---- value trees (params, data, config) -------------------------------- */

static bf_tv_t value(bf_tmpl_ctx_t *c, uint32_t idx)
{
    if (idx == BF_SNAP_NONE)
        return obj(c, K_VMAP, BF_SNAP_NONE); /* an empty map */
    const bf_snap_value_t *v = bf_snap_value(c->s, idx);
    switch (v->kind) {
    case BF_SNAP_V_BOOL: return bf_tv_bool(v->v != 0);
    case BF_SNAP_V_INT: return bf_tv_int((int64_t)v->v);
    case BF_SNAP_V_FLOAT: {
        double f;
        memcpy(&f, &v->v, sizeof f);
        return bf_tv_float(f);
    }
    case BF_SNAP_V_STRING:
        return bf_tv_str(bf_snap_str(c->s, (bf_snap_str_t){(uint32_t)v->v, v->n}), v->n);
    case BF_SNAP_V_LIST: return obj(c, K_VLIST, idx);
    case BF_SNAP_V_MAP: return obj(c, K_VMAP, idx);
    default: return bf_tv_null();
    }
}

static size_t vnode_len(bf_tv_t self)
{
    if (self.aux == BF_SNAP_NONE)
        return 0;
    return bf_snap_value(ctx_of(self)->s, self.aux)->n;
}

/* Child i of a list or map node: its value index. */
static uint32_t vchild(const bf_tmpl_ctx_t *c, uint32_t idx, size_t i)
{
    return (uint32_t)bf_snap_value(c->s, idx)->v + (uint32_t)i;
}

static int vlist_item(bf_tmpl_rt_t *rt, bf_tv_t self, size_t i, bf_tv_t *out)
{
    (void)rt;
    bf_tmpl_ctx_t *c = ctx_of(self);
    return ret(out, value(c, vchild(c, self.aux, i)));
}

static int vmap_item(bf_tmpl_rt_t *rt, bf_tv_t self, size_t i, bf_tv_t *out)
{
    (void)rt;
    bf_tmpl_ctx_t *c = ctx_of(self);
    return ret(out, str(c, bf_snap_value(c->s, vchild(c, self.aux, i))->key));
}

static int vmap_find(bf_tmpl_ctx_t *c, uint32_t idx, const char *k, size_t n, bf_tv_t *out)
{
    if (idx == BF_SNAP_NONE)
        return 0;
    const bf_snap_value_t *m = bf_snap_value(c->s, idx);
    for (uint32_t i = 0; i < m->n; i++) {
        const bf_snap_value_t *e = bf_snap_value(c->s, (uint32_t)m->v + i);
        if (e->key.len == n && memcmp(bf_snap_str(c->s, e->key), k, n) == 0)
            return ret(out, value(c, (uint32_t)m->v + i));
    }
    return 0;
}

static int vmap_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    (void)rt;
    return vmap_find(ctx_of(self), self.aux, name->s, name->len, out);
}

static int vmap_get(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t key, bf_tv_t *out)
{
    (void)rt;
    if (key.kind != BF_TV_STR)
        return 0;
    return vmap_find(ctx_of(self), self.aux, key.u.s, key.aux, out);
}

static const bf_tmpl_class_t vmap_class = {
    .name = "map", .shape = BF_TMPL_SHAPE_MAP, .get_attr = vmap_attr,
    .len = vnode_len, .item = vmap_item, .get_item = vmap_get,
};
static const bf_tmpl_class_t vlist_class = {
    .name = "list", .shape = BF_TMPL_SHAPE_SEQ, .len = vnode_len, .item = vlist_item,
};

/* ---- pages ---------------------------------------------------------------- */

/* The terms of taxonomy tax among a page's terms: a contiguous run, since
 * they are in taxonomy order. */
static int page_terms(bf_tmpl_rt_t *rt, bf_tmpl_ctx_t *c, const bf_snap_page_t *p, uint32_t tax,
                      bf_tv_t *out)
{
    return range(rt, c, K_TERM, bf_snap_page_terms_in(c->s, p, tax), out);
}

/* The current page's render, or NULL for another page. */
static const bf_md_result_t *cur_res(const bf_tmpl_ctx_t *c, uint32_t id)
{
    return c->cur && c->cur->id == id ? c->cur->res : NULL;
}

/* Another page's summary record, when it is safe to read: complete only
 * for list pages (level 1), see tmpl_ctx.h. */
static const bf_farm_summary_t *summary_of(const bf_tmpl_ctx_t *c, uint32_t id)
{
    if (!c->sums || !c->cur || bf_snap_page(c->s, c->cur->id)->kind == BF_SNAP_PAGE)
        return NULL;
    const bf_farm_summary_t *sum = &c->sums[id];
    bf_farm_deps_note(c->deps, id);
    return atomic_load_explicit(&sum->ready, memory_order_acquire) ? sum : NULL;
}

static int toc_list(bf_tmpl_rt_t *rt, bf_tmpl_ctx_t *c, const bf_md_result_t *res,
                    uint32_t parent, bf_tv_t *out);

static int page_counts(bf_tmpl_ctx_t *c, uint32_t id, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    const bf_md_result_t *res = cur_res(c, id);
    const bf_farm_summary_t *sum = res ? NULL : summary_of(c, id);
    if (IS(name, "summary")) {
        if (res)
            return ret(out, bf_tv_safe_str(res->excerpt_html, res->excerpt_len));
        return ret(out, sum ? bf_tv_safe_str(sum->excerpt, sum->excerpt_len)
                            : bf_tv_safe_str("", 0));
    }
    if (IS(name, "word_count"))
        return ret(out, bf_tv_int(res ? (int64_t)res->word_count : sum ? sum->word_count : 0));
    if (IS(name, "reading_time"))
        return ret(out, bf_tv_int(res ? res->reading_time : sum ? sum->reading_time : 0));
    unsigned flags = res ? res->flags : sum ? sum->flags : 0;
    if (IS(name, "has_math"))
        return ret(out, bf_tv_bool(flags & BF_MD_HAS_MATH));
    if (IS(name, "has_code"))
        return ret(out, bf_tv_bool(flags & BF_MD_HAS_CODE));
    if (IS(name, "has_mermaid"))
        return ret(out, bf_tv_bool(flags & BF_MD_HAS_MERMAID));
    if (IS(name, "has_tables"))
        return ret(out, bf_tv_bool(flags & BF_MD_HAS_TABLES));
    return 0;
}

static int page_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    const bf_snap_page_t *p = bf_snap_page(c->s, self.aux);
    const bf_md_result_t *res = cur_res(c, self.aux);
    if (IS(name, "title"))
        return ret(out, str(c, p->title));
    if (IS(name, "nav_title"))
        return ret(out, str(c, p->nav_title.len ? p->nav_title : p->title));
    if (IS(name, "description"))
        return ret(out, str(c, p->description));
    if (IS(name, "href") || IS(name, "relative_url"))
        return href(rt, c, p->url, out);
    if (IS(name, "url"))
        return ret(out, str(c, p->url));
    if (IS(name, "permalink") || IS(name, "absolute_url"))
        return permalink(rt, c, p->url, out);
    if (IS(name, "path"))
        return ret(out, str(c, p->path));
    if (IS(name, "source"))
        return ret(out, str(c, p->source));
    if (IS(name, "type"))
        return ret(out, str(c, p->type));
    if (IS(name, "id"))
        return ret(out, str(c, p->ref_id));
    if (IS(name, "template"))
        return ret(out, str(c, p->template));
    if (IS(name, "weight"))
        return ret(out, bf_tv_int(p->weight));
    if (IS(name, "draft"))
        return ret(out, bf_tv_bool(p->flags & BF_SNAP_PF_DRAFT));
    if (IS(name, "date"))
        return date(rt, p->flags & BF_SNAP_PF_DATE, p->date, p->date_tz, out);
    if (IS(name, "lastmod"))
        return p->flags & BF_SNAP_PF_LASTMOD
                   ? date(rt, true, p->lastmod, p->lastmod_tz, out)
                   : date(rt, p->flags & BF_SNAP_PF_DATE, p->date, p->date_tz, out);
    if (IS(name, "params"))
        return ret(out, value(c, p->params));
    if (IS(name, "content"))
        return ret(out, res ? bf_tv_safe_str(res->html, res->html_len) : bf_tv_safe_str("", 0));
    if (IS(name, "toc")) {
        bool show = res && !(p->flags & BF_SNAP_PF_NO_TOC);
        return ret(out, show ? bf_tv_safe_str(res->toc_html, res->toc_html_len)
                             : bf_tv_safe_str("", 0));
    }
    if (IS(name, "toc_items")) {
        if (!res || (p->flags & BF_SNAP_PF_NO_TOC))
            return list(rt, c, K_TOC_ITEM, NULL, 0, out);
        return toc_list(rt, c, res, BF_MD_NONE, out);
    }
    if (IS(name, "section"))
        return ret(out, obj(c, K_SECTION, p->section));
    if (IS(name, "prev"))
        return ret(out, obj(c, K_PAGE, p->prev));
    if (IS(name, "next"))
        return ret(out, obj(c, K_PAGE, p->next));
    if (IS(name, "ancestors"))
        return range(rt, c, K_SECTION, p->ancestors, out);
    if (IS(name, "terms"))
        return range(rt, c, K_TERM, p->terms, out);
    if (IS(name, "tags"))
        return page_terms(rt, c, p, c->tags, out);
    if (IS(name, "categories"))
        return page_terms(rt, c, p, c->categories, out);
    if (IS(name, "aliases") || IS(name, "resources")) {
        bf_snap_range_t r = IS(name, "aliases") ? p->aliases : p->resources;
        const bf_snap_str_t *ss = bf_snap_strs(c->s, r);
        bf_tv_list_t *l = bf_tv_list_new(bf_tmpl_rt_arena(rt), r.count);
        for (uint32_t i = 0; l && i < r.count; i++)
            if (bf_tv_list_push(bf_tmpl_rt_arena(rt), l, str(c, ss[i])) < 0)
                l = NULL;
        return l ? ret(out, bf_tv_list(l)) : bf_tmpl_rt_oom(rt);
    }
    if (IS(name, "pages")) /* what a list page lists */
        return range(rt, c, K_PAGE, bf_tmpl_ctx_listing(c->s, self.aux, true), out);
    if (IS(name, "term"))
        return ret(out, p->kind == BF_SNAP_TERM ? obj(c, K_TERM, p->term) : bf_tv_null());
    if (IS(name, "taxonomy")) {
        uint32_t tax = p->kind == BF_SNAP_TAXONOMY ? p->term
                       : p->kind == BF_SNAP_TERM   ? bf_snap_term(c->s, p->term)->taxonomy
                                                   : BF_SNAP_NONE;
        return ret(out, obj(c, K_TAXONOMY, tax));
    }
    if (IS(name, "kind"))
        return ret(out, bf_tv_str(bf_snap_kind_name(p->kind), strlen(bf_snap_kind_name(p->kind))));
    if (IS(name, "is_home"))
        return ret(out, bf_tv_bool(p->kind == BF_SNAP_HOME));
    if (IS(name, "is_section"))
        return ret(out, bf_tv_bool(p->kind == BF_SNAP_SECTION || p->kind == BF_SNAP_HOME));
    if (IS(name, "is_page"))
        return ret(out, bf_tv_bool(p->kind == BF_SNAP_PAGE));
    if (IS(name, "is_current"))
        return ret(out, bf_tv_bool(c->cur && c->cur->id == self.aux));
    return page_counts(c, self.aux, name, out);
}

static int page_str(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t *out)
{
    (void)rt;
    bf_tmpl_ctx_t *c = ctx_of(self);
    return ret(out, str(c, bf_snap_page(c->s, self.aux)->title));
}

static const bf_tmpl_class_t page_class = {
    .name = "page", .get_attr = page_attr, .to_str = page_str,
};

/* ---- TOC entries ---------------------------------------------------------- */

/* Entries whose parent is parent (BF_MD_NONE: the top ones), in order. */
static int toc_list(bf_tmpl_rt_t *rt, bf_tmpl_ctx_t *c, const bf_md_result_t *res,
                    uint32_t parent, bf_tv_t *out)
{
    uint32_t n = 0;
    for (size_t i = 0; i < res->n_toc; i++)
        n += res->toc[i].parent == parent;
    uint32_t *ids = bf_arena_alloc(bf_tmpl_rt_arena(rt), (n ? n : 1) * sizeof *ids);
    if (!ids)
        return bf_tmpl_rt_oom(rt);
    n = 0;
    for (size_t i = 0; i < res->n_toc; i++)
        if (res->toc[i].parent == parent)
            ids[n++] = (uint32_t)i;
    return list(rt, c, K_TOC_ITEM, ids, n, out);
}

static int toc_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    const bf_md_result_t *res = c->cur ? c->cur->res : NULL;
    if (!res || self.aux >= res->n_toc)
        return 0;
    const bf_md_toc_item_t *t = &res->toc[self.aux];
    if (IS(name, "title") || IS(name, "text"))
        return ret(out, bf_tv_str(t->text, strlen(t->text)));
    if (IS(name, "id"))
        return ret(out, bf_tv_str(t->id, strlen(t->id)));
    if (IS(name, "href") || IS(name, "url")) {
        char *h = bf_arena_sprintf(bf_tmpl_rt_arena(rt), "#%s", t->id);
        return h ? ret(out, bf_tv_str(h, strlen(h))) : bf_tmpl_rt_oom(rt);
    }
    if (IS(name, "level"))
        return ret(out, bf_tv_int(t->level));
    if (IS(name, "depth"))
        return ret(out, bf_tv_int(t->depth));
    if (IS(name, "children"))
        return toc_list(rt, c, res, self.aux, out);
    return 0;
}

static const bf_tmpl_class_t toc_item_class = {.name = "toc entry", .get_attr = toc_attr};

/* ---- sections ------------------------------------------------------------- */

/* Position in sec's pages of the entry on the current page's trail: the
 * page itself, or the list page of the subsection it lies in; -1 for none.
 * Lets a theme show a window of a long section around the reader (one C
 * scan instead of a template loop over every entry). */
static int64_t trail_index(const bf_tmpl_ctx_t *c, const bf_snap_section_t *sec)
{
    if (!c->cur || c->cur->id == BF_SNAP_NONE)
        return -1;
    const bf_snap_page_t *cur = bf_snap_page(c->s, c->cur->id);
    const uint32_t *ids = bf_snap_ids(c->s, sec->pages);
    const uint32_t *anc = bf_snap_ids(c->s, cur->ancestors);
    for (uint32_t i = 0; i < sec->pages.count; i++) {
        if (ids[i] == c->cur->id)
            return i;
        const bf_snap_page_t *p = bf_snap_page(c->s, ids[i]);
        if (p->kind != BF_SNAP_SECTION)
            continue;
        for (uint32_t k = 0; k < cur->ancestors.count; k++)
            if (anc[k] == p->section)
                return i;
    }
    return -1;
}

static int section_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    const bf_snap_section_t *sec = bf_snap_section(c->s, self.aux);
    const bf_snap_page_t *ip = bf_snap_page(c->s, sec->page);
    if (IS(name, "pages") || IS(name, "sorted_pages"))
        return range(rt, c, K_PAGE, sec->pages, out);
    if (IS(name, "regular_pages"))
        return range(rt, c, K_PAGE, sec->regular_pages, out);
    if (IS(name, "subsections") || IS(name, "sections"))
        return range(rt, c, K_SECTION, sec->subsections, out);
    if (IS(name, "parent"))
        return ret(out, obj(c, K_SECTION, sec->parent));
    if (IS(name, "index_page") || IS(name, "page"))
        return ret(out, obj(c, K_PAGE, sec->page));
    if (IS(name, "name"))
        return ret(out, str(c, sec->name));
    if (IS(name, "path"))
        return ret(out, str(c, sec->path));
    if (IS(name, "depth"))
        return ret(out, bf_tv_int(sec->depth));
    if (IS(name, "title"))
        return ret(out, str(c, ip->title));
    if (IS(name, "nav_title"))
        return ret(out, str(c, ip->nav_title.len ? ip->nav_title : ip->title));
    if (IS(name, "description"))
        return ret(out, str(c, ip->description));
    if (IS(name, "href") || IS(name, "relative_url"))
        return href(rt, c, ip->url, out);
    if (IS(name, "url"))
        return ret(out, str(c, ip->url));
    if (IS(name, "params"))
        return ret(out, value(c, ip->params));
    if (IS(name, "weight"))
        return ret(out, bf_tv_int(ip->weight));
    if (IS(name, "trail_index")) {
        int64_t i = trail_index(c, sec);
        return ret(out, i < 0 ? bf_tv_null() : bf_tv_int(i));
    }
    return 0;
}

static int section_str(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t *out)
{
    (void)rt;
    bf_tmpl_ctx_t *c = ctx_of(self);
    return ret(out, str(c, bf_snap_page(c->s, bf_snap_section(c->s, self.aux)->page)->title));
}

static const bf_tmpl_class_t section_class = {
    .name = "section", .get_attr = section_attr, .to_str = section_str,
};


/* ---- site and the root ---------------------------------------------------- */

static int site_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    const bf_snap_site_t *st = c->site;
    if (IS(name, "title"))
        return ret(out, str(c, st->title));
    if (IS(name, "baseurl"))
        return ret(out, bf_tv_str(c->base, c->base_len));
    if (IS(name, "language"))
        return ret(out, str(c, st->language));
    if (IS(name, "environment"))
        return ret(out, str(c, st->environment));
    if (IS(name, "params"))
        return ret(out, value(c, st->params));
    if (IS(name, "data"))
        return ret(out, value(c, st->data));
    if (IS(name, "config"))
        return ret(out, value(c, st->config));
    if (IS(name, "pages") || IS(name, "regular_pages"))
        return range(rt, c, K_PAGE, st->pages, out);
    if (IS(name, "sections"))
        return range(rt, c, K_SECTION, bf_snap_section(c->s, st->root_section)->subsections, out);
    if (IS(name, "root_section"))
        return ret(out, obj(c, K_SECTION, st->root_section));
    if (IS(name, "home"))
        return ret(out, obj(c, K_PAGE, st->home_page));
    if (IS(name, "theme_css") || IS(name, "theme_js")) { /* the writer publishes them */
        bool css = IS(name, "theme_css");
        char *h = bf_arena_sprintf(bf_tmpl_rt_arena(rt), "%.*s/" BF_SNAP_THEME_DIR
                                   "/theme.%s?v=%08x", (int)c->base_path_len, c->base_path,
                                   css ? "css" : "js", css ? c->css_version : c->js_version);
        return h ? ret(out, bf_tv_str(h, strlen(h))) : bf_tmpl_rt_oom(rt);
    }
    if (IS(name, "katex")) { /* KaTeX's directory, when it is published */
        if (!(st->flags & BF_SNAP_SITE_KATEX))
            return ret(out, bf_tv_null());
        char *h = bf_arena_sprintf(bf_tmpl_rt_arena(rt), "%.*s/" BF_SNAP_KATEX_DIR "/",
                                   (int)c->base_path_len, c->base_path);
        return h ? ret(out, bf_tv_str(h, strlen(h))) : bf_tmpl_rt_oom(rt);
    }
    if (IS(name, "search_page"))
        return ret(out, obj(c, K_PAGE, c->search_page));
    if (IS(name, "taxonomies"))
        return ret(out, obj(c, K_TAXONOMIES, 0));
    if (IS(name, "menus"))
        return ret(out, obj(c, K_MENUS, 0));
    if (IS(name, "build_time")) {
        if (c->clock_read) /* this page differs from one built at another time */
            atomic_store_explicit(c->clock_read, 1, memory_order_relaxed);
        return date(rt, true, st->build_time, 0, out);
    }
    return 0;
}

static const bf_tmpl_class_t site_class = {.name = "site", .get_attr = site_attr};

static int root_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    (void)rt;
    bf_tmpl_ctx_t *c = ctx_of(self);
    if (IS(name, "site"))
        return ret(out, obj(c, K_SITE, 0));
    if (!c->cur || c->cur->id == BF_SNAP_NONE)
        return 0;
    if (IS(name, "page"))
        return ret(out, obj(c, K_PAGE, c->cur->id));
    if (IS(name, "section"))
        return ret(out, obj(c, K_SECTION, bf_snap_page(c->s, c->cur->id)->section));
    if (IS(name, "paginator")) { /* list pages only */
        uint8_t kind = bf_snap_page(c->s, c->cur->id)->kind;
        bool list = kind != BF_SNAP_PAGE && kind <= BF_SNAP_TERM;
        return ret(out, list ? obj(c, K_PAGINATOR, c->cur->id) : bf_tv_null());
    }
    return 0;
}

static const bf_tmpl_class_t root_class = {.name = "context", .get_attr = root_attr};

/* ---- lists ---------------------------------------------------------------- */

static size_t list_len(bf_tv_t self)
{
    return ((const id_list_t *)self.u.obj)->n;
}

static int list_item(bf_tmpl_rt_t *rt, bf_tv_t self, size_t i, bf_tv_t *out)
{
    (void)rt;
    const id_list_t *l = (const id_list_t *)self.u.obj;
    if (i >= l->n)
        return 0;
    return ret(out, obj(l->c, l->elem, l->ids[i]));
}

const bf_tmpl_class_t bf_tmpl_ctx_list_class = {
    .name = "list", .shape = BF_TMPL_SHAPE_SEQ, .len = list_len, .item = list_item,
};

/* The class of each kind: bf_tmpl_ctx_new() binds objs[k] to classes[k]. */
static const bf_tmpl_class_t *const classes[K_COUNT] = {
    [K_ROOT] = &root_class,
    [K_PAGE] = &page_class,
    [K_SECTION] = &section_class,
    [K_SITE] = &site_class,
    [K_TAXONOMY] = &bf_tmpl_ctx_taxonomy_class,
    [K_TERM] = &bf_tmpl_ctx_term_class,
    [K_MENU_ITEM] = &bf_tmpl_ctx_menu_item_class,
    [K_VMAP] = &vmap_class,
    [K_VLIST] = &vlist_class,
    [K_TAXONOMIES] = &bf_tmpl_ctx_taxonomies_class,
    [K_MENUS] = &bf_tmpl_ctx_menus_class,
    [K_TOC_ITEM] = &toc_item_class,
    [K_PAGINATOR] = &bf_tmpl_ctx_paginator_class,
    [K_PAGER] = &bf_tmpl_ctx_pager_class,
};

/* A short hash of an embedded theme asset, for its URL's ?v=: a new
 * binary's stylesheet is fetched again, not taken from a browser cache. */
static uint32_t asset_version(const char *name)
{
    for (const bf_tmpl_embed_t *e = bf_theme_assets; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return (uint32_t)bf_hash64(e->src, e->len);
    return 0;
}

void bf_tmpl_ctx_track(bf_tmpl_ctx_t *c, bf_farm_deps_t *deps)
{
    c->deps = deps;
}

void bf_tmpl_ctx_asset_override(bf_tmpl_ctx_t *c, const char *name, const void *data, size_t len)
{
    uint32_t v = (uint32_t)bf_hash64(data, len);
    if (strcmp(name, "theme.css") == 0)
        c->css_version = v;
    else if (strcmp(name, "theme.js") == 0)
        c->js_version = v;
}

/* Every way a template reaches another page's record goes through an
 * object: a page, or a section, term, taxonomy or menu item that shows
 * its page's title and URL. */
void bf_tmpl_ctx_note(bf_tmpl_ctx_t *c, kind_t k, uint32_t id)
{
    uint32_t page = BF_SNAP_NONE;
    switch (k) {
    case K_ROOT: page = c->cur ? c->cur->id : BF_SNAP_NONE; break;
    case K_PAGE: page = id; break;
    case K_SECTION: page = bf_snap_section(c->s, id)->page; break;
    case K_TERM: page = bf_snap_term(c->s, id)->page; break;
    case K_TAXONOMY: page = bf_snap_taxonomy(c->s, id)->page; break;
    case K_MENU_ITEM: page = bf_snap_menu_item(c->s, id)->page; break;
    default: break;
    }
    if (page != BF_SNAP_NONE)
        bf_farm_deps_note(c->deps, page);
}

void bf_tmpl_ctx_watch_clock(bf_tmpl_ctx_t *c, _Atomic uint32_t *flag)
{
    c->clock_read = flag;
}

bf_tmpl_ctx_t *bf_tmpl_ctx_new(const bf_snap_t *snap, const bf_farm_summary_t *summaries)
{
    bf_tmpl_ctx_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->s = snap;
    c->site = bf_snap_site(snap);
    c->sums = summaries;
    for (int k = 0; k < K_COUNT; k++)
        c->objs[k] = (host_obj_t){.hdr = {classes[k]}, .c = c};
    c->base = bf_snap_str(snap, c->site->baseurl);
    c->base_len = c->site->baseurl.len;
    while (c->base_len && c->base[c->base_len - 1] == '/')
        c->base_len--;
    /* the path part: after "scheme://host", or all of it when relative */
    const char *sep = memmem(c->base, c->base_len, "://", 3);
    const char *path = c->base;
    if (sep) {
        const char *host = sep + 3, *end = c->base + c->base_len;
        path = memchr(host, '/', (size_t)(end - host));
        if (!path)
            path = end;
    }
    c->base_path = path;
    c->base_path_len = c->base_len - (size_t)(path - c->base);
    c->tags = bf_snap_taxonomy_named(snap, "tags");
    c->categories = bf_snap_taxonomy_named(snap, "categories");
    c->css_version = asset_version("theme.css");
    c->js_version = asset_version("theme.js");
    c->search_page = BF_SNAP_NONE;
    for (uint32_t i = bf_snap_content_pages(snap); i < bf_snap_count(snap, BF_SNAP_T_PAGES); i++)
        if (bf_snap_page(snap, i)->kind == BF_SNAP_SEARCH)
            c->search_page = i;
    /* a content page took its place (content/search.md): it is the one */
    if (c->search_page == BF_SNAP_NONE && (c->site->flags & BF_SNAP_SITE_OUT_SEARCH))
        c->search_page = bf_snap_find_path(snap, "search", 6);
    return c;
}

void bf_tmpl_ctx_free(bf_tmpl_ctx_t *c)
{
    free(c);
}

bf_tv_t bf_tmpl_ctx_root(bf_tmpl_ctx_t *c, const bf_tmpl_ctx_page_t *cur)
{
    c->cur = cur;
    return obj(c, K_ROOT, 0);
}

bf_tv_t bf_tmpl_ctx_page(bf_tmpl_ctx_t *c, uint32_t id)
{
    return obj(c, K_PAGE, id);
}

bf_tv_t bf_tmpl_ctx_section(bf_tmpl_ctx_t *c, uint32_t id)
{
    return obj(c, K_SECTION, id);
}

bf_tv_t bf_tmpl_ctx_site(bf_tmpl_ctx_t *c)
{
    return obj(c, K_SITE, 0);
}

bf_tv_t bf_tmpl_ctx_value(bf_tmpl_ctx_t *c, uint32_t idx)
{
    return value(c, idx);
}
