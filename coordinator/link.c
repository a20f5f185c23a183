/*
 * coordinator/link.c - ordering and cross-linking (see link.h).
 */
#include "coordinator/link.h"

#include <stdlib.h>
#include <string.h>

#include "coordinator/discover.h"
#include "coordinator/fields.h"
#include "shared/log.h"
#include "shared/strmap.h"

/* ---- order ------------------------------------------------------------ */

static int cmp_weight(int32_t a, int32_t b)
{
    if (a == b)
        return 0;
    if (a == 0 || b == 0) /* unweighted pages come after weighted ones */
        return a == 0 ? 1 : -1;
    return a < b ? -1 : 1;
}

static int cmp_date_desc(const bf_page_t *a, const bf_page_t *b)
{
    bool da = a->flags & BF_SNAP_PF_DATE, db = b->flags & BF_SNAP_PF_DATE;
    if (da != db)
        return da ? -1 : 1;
    if (da && a->date.epoch != b->date.epoch)
        return a->date.epoch > b->date.epoch ? -1 : 1;
    return 0;
}

static int cmp_tail(const bf_page_t *a, const bf_page_t *b)
{
    int c = strcmp(a->title ? a->title : "", b->title ? b->title : "");
    return c ? c : strcmp(a->path ? a->path : "", b->path ? b->path : "");
}

int bf_link_cmp_pages(const void *pa, const void *pb)
{
    const bf_page_t *a = *(bf_page_t *const *)pa, *b = *(bf_page_t *const *)pb;
    int c = cmp_weight(a->weight, b->weight);
    if (!c)
        c = cmp_date_desc(a, b);
    return c ? c : cmp_tail(a, b);
}

static int cmp_by_date(const void *pa, const void *pb)
{
    const bf_page_t *a = *(bf_page_t *const *)pa, *b = *(bf_page_t *const *)pb;
    int c = cmp_date_desc(a, b);
    return c ? c : cmp_tail(a, b);
}

static int cmp_sections(const void *pa, const void *pb)
{
    const bf_section_t *a = *(bf_section_t *const *)pa, *b = *(bf_section_t *const *)pb;
    return bf_link_cmp_pages(&a->index, &b->index);
}

static void sort_vec(bf_vec_t *v, int (*cmp)(const void *, const void *))
{
    if (v->n > 1)
        qsort(v->items, v->n, sizeof(void *), cmp);
}

/* Sorts, numbers sections and pages depth-first, links prev/next. */
static int order_section(bf_site_t *s, bf_section_t *sec)
{
    bf_arena_t *a = s->arena;
    sort_vec(&sec->regular, bf_link_cmp_pages);
    sort_vec(&sec->children, cmp_sections);
    sec->id = (uint32_t)s->sections.n;
    sec->index->id = (uint32_t)s->pages.n;
    if (bf_vec_push(a, &s->sections, sec) < 0 || bf_vec_push(a, &s->pages, sec->index) < 0)
        return -1;
    for (size_t i = 0; i < sec->regular.n; i++) {
        bf_page_t *p = sec->regular.items[i];
        p->id = (uint32_t)s->pages.n;
        p->prev = i ? sec->regular.items[i - 1] : NULL;
        p->next = i + 1 < sec->regular.n ? sec->regular.items[i + 1] : NULL;
        if (bf_vec_push(a, &s->pages, p) < 0 || bf_vec_push(a, &sec->pages, p) < 0 ||
            bf_vec_push(a, &s->regular, p) < 0)
            return -1;
    }
    for (size_t i = 0; i < sec->children.n; i++) {
        bf_section_t *c = sec->children.items[i];
        if (bf_vec_push(a, &sec->pages, c->index) < 0 || order_section(s, c) < 0)
            return -1;
    }
    sort_vec(&sec->pages, bf_link_cmp_pages);
    return 0;
}

/* ---- taxonomies ------------------------------------------------------- */

static bf_page_t *virtual_page(bf_site_t *s, bf_snap_kind_t kind, const char *path,
                               const char *title)
{
    bf_page_t *p = bf_page_new(s, kind, NULL);
    if (!p)
        return NULL;
    p->flags = BF_SNAP_PF_VIRTUAL;
    p->id = (uint32_t)s->pages.n;
    p->path = path;
    p->title = title;
    p->url = bf_arena_sprintf(s->arena, "/%s/", path);
    p->output = p->url ? bf_fields_output_of(s->arena, p->url) : NULL;
    if (!p->path || !p->output || bf_vec_push(s->arena, &s->pages, p) < 0)
        return NULL;
    return p;
}

/* Adds page p to the term named by value v of taxonomy t. */
static int add_term(bf_site_t *s, bf_strmap_t *slugs, size_t t, bf_page_t *p,
                    const bf_value_t *v)
{
    bf_arena_t *a = s->arena;
    if (v->kind != BF_VAL_STRING && v->kind != BF_VAL_INT && v->kind != BF_VAL_FLOAT) {
        bf_site_error_at(s, p->source, v, "\"%s\" must be a list of names",
                         s->taxonomies[t].name);
        return 0;
    }
    const char *name = v->kind == BF_VAL_STRING ? v->u.s.ptr
                                                : bf_arena_sprintf(a, "%lld", (long long)v->u.i);
    if (v->kind == BF_VAL_FLOAT)
        name = bf_arena_sprintf(a, "%g", v->u.f);
    const char *slug = name ? bf_fields_slugify(a, name) : NULL;
    if (!slug)
        return -1;
    if (!*slug) {
        bf_site_error_at(s, p->source, v, "term \"%s\" has no letter or digit to make a URL of",
                         name);
        return 0;
    }
    bf_term_t *term = bf_strmap_get(&slugs[t], slug, strlen(slug));
    if (!term) {
        if (!(term = bf_arena_zalloc(a, sizeof(*term))))
            return -1;
        term->tax = (uint32_t)t;
        term->name = name;
        term->slug = slug;
        if (!bf_strmap_put(a, &slugs[t], slug, strlen(slug), term) ||
            bf_vec_push(a, &s->taxonomies[t].terms, term) < 0)
            return -1;
    }
    for (size_t i = 0; i < p->terms.n; i++)
        if (p->terms.items[i] == term)
            return 0; /* listed twice on one page */
    if (bf_vec_push(a, &term->pages, p) < 0 || bf_vec_push(a, &p->terms, term) < 0)
        return -1;
    return 0;
}

static int cmp_terms(const void *pa, const void *pb)
{
    const bf_term_t *a = *(bf_term_t *const *)pa, *b = *(bf_term_t *const *)pb;
    return strcmp(a->slug, b->slug);
}

static int build_taxonomies(bf_site_t *s)
{
    bf_arena_t *a = s->arena;
    bf_strmap_t slugs[BF_CONFIG_MAX_TAXONOMIES] = {{0}};
    size_t n_content = s->pages.n;
    s->n_taxonomies = s->config.n_taxonomies;
    for (size_t t = 0; t < s->n_taxonomies; t++) {
        s->taxonomies[t].name = s->config.taxonomies[t].plural;
        for (size_t i = 0; i < n_content; i++) {
            bf_page_t *p = s->pages.items[i];
            const bf_value_t *v = bf_value_get(p->meta, s->taxonomies[t].name);
            if (!v || v->kind == BF_VAL_NULL)
                continue;
            size_t n = v->kind == BF_VAL_LIST ? v->u.c.n : 1;
            for (size_t j = 0; j < n; j++)
                if (add_term(s, slugs, t, p, v->kind == BF_VAL_LIST ? v->u.c.items[j] : v) < 0)
                    return -1;
        }
    }
    for (size_t t = 0; t < s->n_taxonomies; t++) {
        bf_taxonomy_t *tx = &s->taxonomies[t];
        sort_vec(&tx->terms, cmp_terms);
        const char *title = bf_arena_strdup(a, tx->name);
        if (!title || !(tx->page = virtual_page(s, BF_SNAP_TAXONOMY, tx->name, title)))
            return -1;
        tx->page->tax = (uint32_t)t;
        if (title[0] >= 'a' && title[0] <= 'z')
            ((char *)title)[0] = (char)(title[0] - 'a' + 'A');
        for (size_t i = 0; i < tx->terms.n; i++) {
            bf_term_t *term = tx->terms.items[i];
            term->id = (uint32_t)s->terms.n;
            sort_vec(&term->pages, cmp_by_date);
            const char *path = bf_arena_sprintf(a, "%s/%s", tx->name, term->slug);
            if (!path || !(term->page = virtual_page(s, BF_SNAP_TERM, path, term->name)) ||
                bf_vec_push(a, &s->terms, term) < 0)
                return -1;
            term->page->tax = (uint32_t)t;
            term->page->term = term;
        }
    }
    return 0;
}

/* ---- menus ------------------------------------------------------------ */

typedef struct {
    bf_site_t *s;
    bf_strmap_t by_path;  /* page path -> page */
    bf_strmap_t menus;    /* name -> bf_menu_t */
} menu_ctx_t;

static bf_menu_t *menu_named(menu_ctx_t *m, const char *name)
{
    bf_arena_t *a = m->s->arena;
    bf_menu_t *menu = bf_strmap_get(&m->menus, name, strlen(name));
    if (menu)
        return menu;
    if (!(menu = bf_arena_zalloc(a, sizeof(*menu))))
        return NULL;
    menu->name = name;
    if (!bf_strmap_put(a, &m->menus, name, strlen(name), menu) ||
        bf_vec_push(a, &m->s->menus, menu) < 0)
        return NULL;
    return menu;
}

static const char *str_of(const bf_value_t *map, const char *key)
{
    const bf_value_t *v = bf_value_get(map, key);
    return v && v->kind == BF_VAL_STRING ? v->u.s.ptr : NULL;
}

static int32_t weight_of(const bf_value_t *map, int32_t dflt)
{
    const bf_value_t *v = bf_value_get(map, "weight");
    return v && v->kind == BF_VAL_INT && v->u.i >= INT32_MIN && v->u.i <= INT32_MAX
               ? (int32_t)v->u.i
               : dflt;
}

static bf_menu_item_t *new_item(menu_ctx_t *m, bf_menu_t *menu, bf_menu_item_t *parent,
                                const char *file, const bf_value_t *at)
{
    bf_arena_t *a = m->s->arena;
    bf_menu_item_t *it = bf_arena_zalloc(a, sizeof(*it));
    if (!it)
        return NULL;
    it->file = file;
    it->line = at ? at->line : 0;
    it->col = at ? at->col : 0;
    it->parent = parent;
    if (bf_vec_push(a, parent ? &parent->children : &menu->items, it) < 0)
        return NULL;
    return it;
}

/* Items of a config menu list (recursive through `children`). */
static int config_items(menu_ctx_t *m, bf_menu_t *menu, bf_menu_item_t *parent,
                        const bf_value_t *list, unsigned depth)
{
    bf_site_t *s = m->s;
    /* site-relative, as items from front matter have it (config.file is
     * already "site/bengal.yaml": messages would say the site twice) */
    const char *slash = s->config.file ? strrchr(s->config.file, '/') : NULL;
    const char *file = slash ? slash + 1 : s->config.file;
    if (!list || list->kind != BF_VAL_LIST || depth > 16)
        return 0;
    for (size_t i = 0; i < list->u.c.n; i++) {
        const bf_value_t *v = list->u.c.items[i];
        if (v->kind != BF_VAL_MAP)
            continue; /* config.c reported it */
        bf_menu_item_t *it = new_item(m, menu, parent, file, v);
        if (!it)
            return -1;
        it->name = str_of(v, "name");
        it->url = str_of(v, "url");
        it->identifier = str_of(v, "identifier");
        it->weight = weight_of(v, 0);
        const char *page = str_of(v, "page");
        if (page) {
            /* "docs/intro", "/docs/intro/" and "docs/intro/" all name it */
            const char *key = page + (page[0] == '/');
            size_t n = strlen(key);
            while (n && key[n - 1] == '/')
                n--;
            it->page = bf_strmap_get(&m->by_path, key, n);
            if (!it->page)
                bf_site_error_at(s, file, bf_value_get(v, "page"),
                                 "menu item \"%s\": no page \"%s\"",
                                 it->name ? it->name : "", page);
            else
                it->url = it->page->url;
        }
        if (!it->name)
            it->name = it->page ? it->page->title : "";
        if (!it->url)
            it->url = "";
        if (config_items(m, menu, it, bf_value_get(v, "children"), depth + 1) < 0)
            return -1;
    }
    return 0;
}

/* One front matter entry: page p in menu `name`, options in opt (map or
 * NULL). */
static int page_item(menu_ctx_t *m, bf_page_t *p, const char *name, const bf_value_t *opt,
                     const bf_value_t *at)
{
    bf_menu_t *menu = menu_named(m, name);
    bf_menu_item_t *it = menu ? new_item(m, menu, NULL, p->source, at) : NULL;
    if (!it)
        return -1;
    it->page = p;
    it->url = p->url;
    it->name = str_of(opt, "name");
    if (!it->name)
        it->name = p->nav_title ? p->nav_title : p->title;
    it->identifier = str_of(opt, "identifier");
    it->parent_id = str_of(opt, "parent");
    it->weight = weight_of(opt, p->weight);
    return 0;
}

static int page_menus(menu_ctx_t *m, bf_page_t *p)
{
    const bf_value_t *v = bf_value_get(p->meta, "menu");
    if (!v || v->kind == BF_VAL_NULL)
        return 0;
    if (v->kind == BF_VAL_STRING)
        return page_item(m, p, v->u.s.ptr, NULL, v);
    if (v->kind == BF_VAL_LIST) {
        for (size_t i = 0; i < v->u.c.n; i++) {
            const bf_value_t *e = v->u.c.items[i];
            if (e->kind != BF_VAL_STRING)
                bf_site_error_at(m->s, p->source, e, "\"menu\" entries must be menu names");
            else if (page_item(m, p, e->u.s.ptr, NULL, e) < 0)
                return -1;
        }
        return 0;
    }
    if (v->kind == BF_VAL_MAP) {
        for (size_t i = 0; i < v->u.c.n; i++)
            if (page_item(m, p, v->u.c.keys[i], v->u.c.items[i], v->u.c.items[i]) < 0)
                return -1;
        return 0;
    }
    bf_site_error_at(m->s, p->source, v,
                     "\"menu\" must be a menu name, a list of names or a map");
    return 0;
}

static int cmp_items(const void *pa, const void *pb)
{
    const bf_menu_item_t *a = *(bf_menu_item_t *const *)pa, *b = *(bf_menu_item_t *const *)pb;
    int c = cmp_weight(a->weight, b->weight);
    return c ? c : strcmp(a->name, b->name);
}

static int cmp_menus(const void *pa, const void *pb)
{
    return strcmp((*(bf_menu_t *const *)pa)->name, (*(bf_menu_t *const *)pb)->name);
}

/* Moves front matter items under their `parent`, then sorts and numbers. */
static int number_items(bf_site_t *s, bf_menu_t *menu, uint32_t menu_id, bf_vec_t *items)
{
    sort_vec(items, cmp_items);
    for (size_t i = 0; i < items->n; i++) {
        bf_menu_item_t *it = items->items[i];
        it->id = (uint32_t)s->menu_items.n;
        it->menu = menu_id;
        if (bf_vec_push(s->arena, &s->menu_items, it) < 0 ||
            bf_vec_push(s->arena, &menu->all, it) < 0 ||
            number_items(s, menu, menu_id, &it->children) < 0)
            return -1;
    }
    return 0;
}

static bf_menu_item_t *find_ident(bf_vec_t *items, const char *id)
{
    for (size_t i = 0; i < items->n; i++) {
        bf_menu_item_t *it = items->items[i];
        const char *ident = it->identifier ? it->identifier : it->name;
        if (strcmp(ident, id) == 0)
            return it;
        if ((it = find_ident(&it->children, id)))
            return it;
    }
    return NULL;
}

static int reparent(bf_site_t *s, bf_menu_t *menu)
{
    size_t k = 0;
    for (size_t i = 0; i < menu->items.n; i++) {
        bf_menu_item_t *it = menu->items.items[i];
        bf_menu_item_t *parent = it->parent_id ? find_ident(&menu->items, it->parent_id) : NULL;
        if (it->parent_id && (!parent || parent == it)) {
            bf_log_at(BF_LOG_WARN, bf_site_disp(s, it->file), it->line, it->col,
                      "menu \"%s\" has no item \"%s\" to be the parent; kept at the top",
                      menu->name, it->parent_id);
            parent = NULL;
        }
        if (!parent) {
            menu->items.items[k++] = it;
            continue;
        }
        it->parent = parent;
        if (bf_vec_push(s->arena, &parent->children, it) < 0)
            return -1;
    }
    menu->items.n = k;
    return 0;
}

static int build_menus(bf_site_t *s)
{
    menu_ctx_t m = {.s = s};
    for (size_t i = 0; i < s->pages.n; i++) {
        bf_page_t *p = s->pages.items[i];
        if (p->path && !bf_strmap_put(s->arena, &m.by_path, p->path, strlen(p->path), p))
            return -1;
    }
    const bf_value_t *cm = s->config.menus;
    for (size_t i = 0; cm && cm->kind == BF_VAL_MAP && i < cm->u.c.n; i++) {
        bf_menu_t *menu = menu_named(&m, cm->u.c.keys[i]);
        if (!menu || config_items(&m, menu, NULL, cm->u.c.items[i], 0) < 0)
            return -1;
    }
    for (size_t i = 0; i < s->pages.n; i++)
        if (page_menus(&m, s->pages.items[i]) < 0)
            return -1;
    sort_vec(&s->menus, cmp_menus);
    for (size_t i = 0; i < s->menus.n; i++) {
        bf_menu_t *menu = s->menus.items[i];
        if (reparent(s, menu) < 0 || number_items(s, menu, (uint32_t)i, &menu->items) < 0)
            return -1;
    }
    return 0;
}

/* ---- pages the build makes ---------------------------------------------- */

/* A page the build adds unless the site has one at that path or output:
 * content/search.md (or `url: /404.html`) replaces the theme's. */
static int special_page(bf_site_t *s, bf_snap_kind_t kind, const char *path,
                        const char *title, const char *url)
{
    const char *output = bf_fields_output_of(s->arena, url);
    if (!output)
        return -1;
    for (size_t i = 0; i < s->pages.n; i++) {
        const bf_page_t *p = s->pages.items[i];
        if (strcmp(p->path, path) == 0 || (p->output && strcmp(p->output, output) == 0))
            return 0;
    }
    bf_page_t *p = virtual_page(s, kind, path, title);
    if (!p)
        return -1;
    p->url = url;
    p->output = output;
    return 0;
}

/* The not-found page and (with the search index) the search page, after
 * every other page: FORMAT.md §4.2. */
static int build_specials(bf_site_t *s)
{
    if (special_page(s, BF_SNAP_NOT_FOUND, "404.html", "Page not found", "/404.html") < 0)
        return -1;
    if (s->config.out_search && special_page(s, BF_SNAP_SEARCH, "search", "Search", "/search/") < 0)
        return -1;
    return 0;
}

/* ---- uniqueness ------------------------------------------------------- */

static const char *origin(const bf_page_t *p)
{
    return p->source ? p->source : p->path;
}

/* Claims key for p in map; reports the clash naming both files.  Returns
 * 1 on a clash, 0 if the key was free, -1 on OOM. */
static int claim(bf_site_t *s, bf_strmap_t *map, const char *key, bf_page_t *p,
                 const char *what, const char *meta_key)
{
    bf_page_t *had = bf_strmap_put(s->arena, map, key, strlen(key), p);
    if (!had)
        return -1;
    if (had == p)
        return 0;
    const char *first = bf_site_disp(s, origin(had));
    bf_site_error_at(s, origin(p), bf_value_get(p->meta, meta_key),
                     "%s \"%s\" is also the %s of %s", what, key, what, first);
    return 1;
}

static int check_unique(bf_site_t *s)
{
    bf_strmap_t outputs = {0}, paths = {0}, ids = {0};
    for (size_t i = 0; i < s->pages.n; i++) {
        bf_page_t *p = s->pages.items[i];
        if (!p->output)
            continue; /* its URL was refused: already reported */
        int rc = claim(s, &outputs, p->output, p, "output", "url");
        if (rc == 0) /* one clash is one message, not one per key */
            rc = claim(s, &paths, p->path, p, "path", "slug");
        if (rc >= 0 && p->ref_id)
            rc = claim(s, &ids, p->ref_id, p, "id", "id");
        if (rc < 0)
            return -1;
    }
    for (size_t i = 0; i < s->pages.n; i++) {
        bf_page_t *p = s->pages.items[i];
        for (size_t j = 0; j < p->aliases.n; j++) {
            const char *out = bf_fields_output_of(s->arena, p->aliases.items[j]);
            if (!out || claim(s, &outputs, out, p, "output", "aliases") < 0)
                return -1;
        }
    }
    return 0;
}

int bf_link_site(bf_site_t *s)
{
    if (order_section(s, s->root) < 0)
        return -1;
    sort_vec(&s->regular, bf_link_cmp_pages);
    if (build_taxonomies(s) < 0 || build_menus(s) < 0 || build_specials(s) < 0)
        return -1;
    return check_unique(s);
}
