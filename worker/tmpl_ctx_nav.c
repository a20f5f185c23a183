/*
 * worker/tmpl_ctx_nav.c - the navigation of the template variables (see
 * tmpl_ctx.h): taxonomies and their terms, menus and their items, and the
 * paginator of a list page with its pagers.
 *
 * Part of the tmpl_ctx module: its contract is tmpl_ctx.h (the pagination
 * functions) and what it shares with tmpl_ctx.c is in tmpl_ctx_impl.h
 * (the context, the kinds, the helpers).  Like the rest of the module it
 * reads the mapped snapshot in place and allocates only in the render
 * arena.  The paginator and its pagers are computed from
 * bf_tmpl_ctx_paged(), the site's per_page and the current pager every
 * time they are read, so they never disagree with bf_tmpl_ctx_pagers(),
 * which the worker uses to decide how many pager files a list page writes.
 */
#include <string.h>

#include "worker/tmpl_ctx_impl.h"

/* ---- taxonomies, terms, menus --------------------------------------------- */

static int taxonomy_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    const bf_snap_taxonomy_t *t = bf_snap_taxonomy(c->s, self.aux);
    if (IS(name, "name"))
        return ret(out, str(c, t->name));
    if (IS(name, "terms"))
        return range(rt, c, K_TERM, t->terms, out);
    if (IS(name, "page"))
        return ret(out, obj(c, K_PAGE, t->page));
    if (IS(name, "title"))
        return ret(out, str(c, bf_snap_page(c->s, t->page)->title));
    if (IS(name, "href"))
        return href(rt, c, bf_snap_page(c->s, t->page)->url, out);
    if (IS(name, "url"))
        return ret(out, str(c, bf_snap_page(c->s, t->page)->url));
    return 0;
}

static int term_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    const bf_snap_term_t *t = bf_snap_term(c->s, self.aux);
    if (IS(name, "name") || IS(name, "title"))
        return ret(out, str(c, t->name));
    if (IS(name, "slug"))
        return ret(out, str(c, t->slug));
    if (IS(name, "pages"))
        return range(rt, c, K_PAGE, t->pages, out);
    if (IS(name, "count"))
        return ret(out, bf_tv_int(t->pages.count));
    if (IS(name, "page"))
        return ret(out, obj(c, K_PAGE, t->page));
    if (IS(name, "taxonomy"))
        return ret(out, obj(c, K_TAXONOMY, t->taxonomy));
    if (IS(name, "href"))
        return href(rt, c, bf_snap_page(c->s, t->page)->url, out);
    if (IS(name, "url"))
        return ret(out, str(c, bf_snap_page(c->s, t->page)->url));
    return 0;
}

static int term_str(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t *out)
{
    (void)rt;
    bf_tmpl_ctx_t *c = ctx_of(self);
    return ret(out, str(c, bf_snap_term(c->s, self.aux)->name));
}

const bf_tmpl_class_t bf_tmpl_ctx_taxonomy_class = {
    .name = "taxonomy", .get_attr = taxonomy_attr,
};
const bf_tmpl_class_t bf_tmpl_ctx_term_class = {
    .name = "term", .get_attr = term_attr, .to_str = term_str,
};

/* An item is active on its page; an item given by `url:` (no page) on
 * the page at that URL, a trailing '/' aside, as in Hugo. */
static bool menu_item_active(const bf_tmpl_ctx_t *c, const bf_snap_menu_item_t *m)
{
    if (!c->cur || c->cur->id == BF_SNAP_NONE)
        return false;
    if (m->page != BF_SNAP_NONE)
        return m->page == c->cur->id;
    bf_snap_str_t here = bf_snap_page(c->s, c->cur->id)->url;
    const char *a = bf_snap_str(c->s, m->url), *b = bf_snap_str(c->s, here);
    size_t na = m->url.len, nb = here.len;
    while (na > 1 && a[na - 1] == '/')
        na--;
    while (nb > 1 && b[nb - 1] == '/')
        nb--;
    return na == nb && memcmp(a, b, na) == 0;
}

static int menu_item_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                          bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    const bf_snap_menu_item_t *m = bf_snap_menu_item(c->s, self.aux);
    if (IS(name, "name") || IS(name, "title"))
        return ret(out, str(c, m->name));
    if (IS(name, "url"))
        return ret(out, str(c, m->url));
    if (IS(name, "href")) { /* site paths get the base path; others as written */
        if (m->url.len && bf_snap_str(c->s, m->url)[0] == '/')
            return href(rt, c, m->url, out);
        return ret(out, str(c, m->url));
    }
    if (IS(name, "identifier"))
        return ret(out, str(c, m->identifier));
    if (IS(name, "weight"))
        return ret(out, bf_tv_int(m->weight));
    if (IS(name, "page"))
        return ret(out, obj(c, K_PAGE, m->page));
    if (IS(name, "parent"))
        return ret(out, obj(c, K_MENU_ITEM, m->parent));
    if (IS(name, "children"))
        return range(rt, c, K_MENU_ITEM, m->children, out);
    if (IS(name, "has_children"))
        return ret(out, bf_tv_bool(m->children.count > 0));
    if (IS(name, "is_active"))
        return ret(out, bf_tv_bool(menu_item_active(c, m)));
    return 0;
}

const bf_tmpl_class_t bf_tmpl_ctx_menu_item_class = {
    .name = "menu item", .get_attr = menu_item_attr,
};

/* site.taxonomies: a mapping of taxonomy name to taxonomy. */
static size_t taxonomies_len(bf_tv_t self)
{
    return bf_snap_count(ctx_of(self)->s, BF_SNAP_T_TAXONOMIES);
}

static int taxonomies_item(bf_tmpl_rt_t *rt, bf_tv_t self, size_t i, bf_tv_t *out)
{
    (void)rt;
    bf_tmpl_ctx_t *c = ctx_of(self);
    return ret(out, str(c, bf_snap_taxonomy(c->s, (uint32_t)i)->name));
}

static int taxonomies_find(bf_tmpl_ctx_t *c, const char *k, size_t n, bf_tv_t *out)
{
    uint32_t count = bf_snap_count(c->s, BF_SNAP_T_TAXONOMIES);
    for (uint32_t i = 0; i < count; i++) {
        bf_snap_str_t nm = bf_snap_taxonomy(c->s, i)->name;
        if (nm.len == n && memcmp(bf_snap_str(c->s, nm), k, n) == 0)
            return ret(out, obj(c, K_TAXONOMY, i));
    }
    return 0;
}

static int taxonomies_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                           bf_tv_t *out)
{
    (void)rt;
    return taxonomies_find(ctx_of(self), name->s, name->len, out);
}

static int taxonomies_get(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t key, bf_tv_t *out)
{
    (void)rt;
    return key.kind == BF_TV_STR ? taxonomies_find(ctx_of(self), key.u.s, key.aux, out) : 0;
}

const bf_tmpl_class_t bf_tmpl_ctx_taxonomies_class = {
    .name = "taxonomies", .shape = BF_TMPL_SHAPE_MAP, .get_attr = taxonomies_attr,
    .len = taxonomies_len, .item = taxonomies_item, .get_item = taxonomies_get,
};

/* site.menus: a mapping of menu name to its list of top-level items. */
static size_t menus_len(bf_tv_t self)
{
    return bf_snap_count(ctx_of(self)->s, BF_SNAP_T_MENUS);
}

static int menus_item(bf_tmpl_rt_t *rt, bf_tv_t self, size_t i, bf_tv_t *out)
{
    (void)rt;
    bf_tmpl_ctx_t *c = ctx_of(self);
    return ret(out, str(c, bf_snap_menu(c->s, (uint32_t)i)->name));
}

static int menus_find(bf_tmpl_rt_t *rt, bf_tmpl_ctx_t *c, const char *k, size_t n, bf_tv_t *out)
{
    uint32_t count = bf_snap_count(c->s, BF_SNAP_T_MENUS);
    for (uint32_t i = 0; i < count; i++) {
        const bf_snap_menu_t *m = bf_snap_menu(c->s, i);
        if (m->name.len == n && memcmp(bf_snap_str(c->s, m->name), k, n) == 0)
            return range(rt, c, K_MENU_ITEM, m->items, out);
    }
    return 0;
}

static int menus_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    return menus_find(rt, ctx_of(self), name->s, name->len, out);
}

static int menus_get(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t key, bf_tv_t *out)
{
    return key.kind == BF_TV_STR ? menus_find(rt, ctx_of(self), key.u.s, key.aux, out) : 0;
}

const bf_tmpl_class_t bf_tmpl_ctx_menus_class = {
    .name = "menus", .shape = BF_TMPL_SHAPE_MAP, .get_attr = menus_attr,
    .len = menus_len, .item = menus_item, .get_item = menus_get,
};

/* ---- pagination ----------------------------------------------------------- */

bf_snap_range_t bf_tmpl_ctx_listing(const bf_snap_t *s, uint32_t id, bool sections)
{
    const bf_snap_page_t *p = bf_snap_page(s, id);
    if (p->kind == BF_SNAP_TERM)
        return bf_snap_term(s, p->term)->pages;
    if (p->kind == BF_SNAP_SECTION || p->kind == BF_SNAP_HOME) {
        const bf_snap_section_t *sec = bf_snap_section(s, p->section);
        return sections ? sec->pages : sec->regular_pages;
    }
    return (bf_snap_range_t){0, 0};
}

bf_snap_range_t bf_tmpl_ctx_paged(const bf_snap_t *s, uint32_t id)
{
    return bf_tmpl_ctx_listing(s, id, false);
}

uint32_t bf_tmpl_ctx_pagers(const bf_snap_t *s, uint32_t id)
{
    uint32_t n = bf_tmpl_ctx_paged(s, id).count, per = bf_snap_site(s)->per_page;
    return n ? n / per + (n % per != 0) : 1;
}

char *bf_tmpl_ctx_pager_url(bf_arena_t *a, const bf_snap_t *s, uint32_t id, uint32_t n)
{
    bf_snap_str_t url = bf_snap_page(s, id)->url;
    const char *u = bf_snap_str(s, url);
    if (n <= 1)
        return bf_arena_strndup(a, u, url.len);
    bool slash = url.len && u[url.len - 1] == '/';
    return bf_arena_sprintf(a, "%s%spage/%u/", u, slash ? "" : "/", n);
}

/* The pager rendered now, within 1..pagers of id. */
static uint32_t cur_pager(const bf_tmpl_ctx_t *c, uint32_t id)
{
    uint32_t n = c->cur && c->cur->id == id && c->cur->pager > 1 ? c->cur->pager : 1;
    uint32_t np = bf_tmpl_ctx_pagers(c->s, id);
    return n < np ? n : np;
}

/* The href of pager n of page id: its URL with the base path in front. */
static int pager_href(bf_tmpl_rt_t *rt, const bf_tmpl_ctx_t *c, uint32_t id, uint32_t n,
                      bf_tv_t *out)
{
    if (n <= 1)
        return href(rt, c, bf_snap_page(c->s, id)->url, out);
    bf_arena_t *a = bf_tmpl_rt_arena(rt);
    char *u = bf_tmpl_ctx_pager_url(a, c->s, id, n);
    char *h = u ? bf_arena_sprintf(a, "%.*s%s", (int)c->base_path_len, c->base_path, u) : NULL;
    return h ? ret(out, bf_tv_str(h, strlen(h))) : bf_tmpl_rt_oom(rt);
}

/* A pager entry's aux: its number, and GAP_BEFORE when the window left
 * pagers out before it. */
#define GAP_BEFORE 0x80000000u
#define WINDOW_SIDE 2 /* pagers shown either side of the current one */

/* paginator.window: what a navigation shows of np pagers around pager n,
 * the first and the last always, all of them up to 2 * WINDOW_SIDE + 3.
 * A list of at most 2 * WINDOW_SIDE + 3 entries whatever np is: listing
 * every pager on every pager is quadratic in a list's length (a tag of
 * 50,000 pages: 5,000 pagers of 5,000 links, 44 GB for a million-page
 * site's tags). */
static int pager_window(bf_tmpl_rt_t *rt, bf_tmpl_ctx_t *c, uint32_t np, uint32_t n,
                        bf_tv_t *out)
{
    bf_arena_t *a = bf_tmpl_rt_arena(rt);
    bf_tv_list_t *l = bf_tv_list_new(a, 2 * WINDOW_SIDE + 3);
    uint32_t lo = n > WINDOW_SIDE + 1 ? n - WINDOW_SIDE : 1, hi = n + WINDOW_SIDE;
    if (np <= 2 * WINDOW_SIDE + 3) {
        lo = 1;
        hi = np;
    }
    hi = hi < np ? hi : np;
    uint32_t last = 0;
    for (uint32_t i = 1; l && i <= np; i = i < lo ? lo : i == hi ? np : i + 1) {
        if (i != 1 && i != np && (i < lo || i > hi))
            continue;
        uint32_t aux = i | (last && i != last + 1 ? GAP_BEFORE : 0);
        if (bf_tv_list_push(a, l, obj(c, K_PAGER, aux)) < 0)
            l = NULL;
        last = i;
        if (i == np)
            break;
    }
    return l ? ret(out, bf_tv_list(l)) : bf_tmpl_rt_oom(rt);
}

static int paginator_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name,
                          bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    uint32_t id = self.aux, per = c->site->per_page;
    bf_snap_range_t all = bf_tmpl_ctx_paged(c->s, id);
    uint32_t np = bf_tmpl_ctx_pagers(c->s, id), n = cur_pager(c, id);
    if (IS(name, "pages")) {
        uint32_t start = (n - 1) * per, left = all.count - start; /* start <= count */
        if (!all.count)
            return list(rt, c, K_PAGE, NULL, 0, out);
        return list(rt, c, K_PAGE, bf_snap_ids(c->s, all) + start, left < per ? left : per, out);
    }
    if (IS(name, "number"))
        return ret(out, bf_tv_int(n));
    if (IS(name, "total_pages"))
        return ret(out, bf_tv_int(np));
    if (IS(name, "total"))
        return ret(out, bf_tv_int(all.count));
    if (IS(name, "per_page"))
        return ret(out, bf_tv_int(per));
    if (IS(name, "has_prev"))
        return ret(out, bf_tv_bool(n > 1));
    if (IS(name, "has_next"))
        return ret(out, bf_tv_bool(n < np));
    if (IS(name, "prev"))
        return n > 1 ? pager_href(rt, c, id, n - 1, out) : ret(out, bf_tv_null());
    if (IS(name, "next"))
        return n < np ? pager_href(rt, c, id, n + 1, out) : ret(out, bf_tv_null());
    if (IS(name, "first") || IS(name, "last"))
        return pager_href(rt, c, id, IS(name, "first") ? 1 : np, out);
    if (IS(name, "href") || IS(name, "url")) /* this pager's */
        return pager_href(rt, c, id, n, out);
    if (IS(name, "permalink")) { /* this pager's, absolute: its canonical URL */
        bf_arena_t *a = bf_tmpl_rt_arena(rt);
        char *u = bf_tmpl_ctx_pager_url(a, c->s, id, n);
        char *p = u ? bf_arena_sprintf(a, "%.*s%s", (int)c->base_len, c->base, u) : NULL;
        return p ? ret(out, bf_tv_str(p, strlen(p))) : bf_tmpl_rt_oom(rt);
    }
    if (IS(name, "pagers")) {
        bf_tv_list_t *l = bf_tv_list_new(bf_tmpl_rt_arena(rt), np);
        for (uint32_t i = 1; l && i <= np; i++)
            if (bf_tv_list_push(bf_tmpl_rt_arena(rt), l, obj(c, K_PAGER, i)) < 0)
                l = NULL;
        return l ? ret(out, bf_tv_list(l)) : bf_tmpl_rt_oom(rt);
    }
    if (IS(name, "window"))
        return pager_window(rt, c, np, n, out);
    return 0;
}

/* One entry of paginator.pagers: a pager of the current page. */
static int pager_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    bf_tmpl_ctx_t *c = ctx_of(self);
    if (!c->cur)
        return 0;
    uint32_t n = self.aux & ~GAP_BEFORE;
    if (IS(name, "number"))
        return ret(out, bf_tv_int(n));
    if (IS(name, "url") || IS(name, "href"))
        return pager_href(rt, c, c->cur->id, n, out);
    if (IS(name, "is_current"))
        return ret(out, bf_tv_bool(n == cur_pager(c, c->cur->id)));
    if (IS(name, "gap_before")) /* paginator.window left pagers out before it */
        return ret(out, bf_tv_bool(self.aux & GAP_BEFORE));
    return 0;
}

const bf_tmpl_class_t bf_tmpl_ctx_paginator_class = {
    .name = "paginator", .get_attr = paginator_attr,
};
const bf_tmpl_class_t bf_tmpl_ctx_pager_class = {.name = "pager", .get_attr = pager_attr};
