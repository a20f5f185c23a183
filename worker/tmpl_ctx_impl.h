/*
 * worker/tmpl_ctx_impl.h - what tmpl_ctx.c and tmpl_ctx_nav.c share.
 *
 * Private to worker/tmpl_ctx*.c: nothing else includes it.  The contract
 * is worker/tmpl_ctx.h; this is the inside of it, split so that each
 * file stays readable (STYLE.md §11).
 *
 * Every class shares one shape of object: a header and a pointer back to
 * the context, one static-per-context instance per class (objs[]), with
 * the record's id in the value's aux word.  Only id lists and TOC child
 * lists are made per use, in the render arena (they need a range).
 * Attribute names are compared by length and bytes; pages have about 40
 * names, so a linear scan costs less than the HTML around it.
 *
 * The helpers below are static inline because they sit on the attribute
 * lookup path of every template expression; they follow the class
 * callback convention: return 1 with *out set, or bf_tmpl_rt_oom(rt).
 */
#ifndef BF_WORKER_TMPL_CTX_IMPL_H
#define BF_WORKER_TMPL_CTX_IMPL_H

#include <stdbool.h>
#include <string.h>

#include "shared/tmpl/rt.h"
#include "worker/tmpl_ctx.h"

typedef enum {
    K_ROOT = 0,
    K_PAGE,
    K_SECTION,
    K_SITE,
    K_TAXONOMY,
    K_TERM,
    K_MENU_ITEM,
    K_VMAP,
    K_VLIST,
    K_TAXONOMIES,
    K_MENUS,
    K_TOC_ITEM,
    K_PAGINATOR, /* aux: the list page */
    K_PAGER,     /* aux: the pager's number, of the current page */
    K_COUNT
} kind_t;

typedef struct {
    bf_tmpl_obj_t hdr;
    bf_tmpl_ctx_t *c;
} host_obj_t;

/* A list of ids (elem: the kind of record they name) from the IDS table,
 * or of TOC entries (elem K_TOC_ITEM, ids NULL, toc indexes in idx). */
typedef struct {
    bf_tmpl_obj_t hdr;
    bf_tmpl_ctx_t *c;
    kind_t elem;
    const uint32_t *ids;
    uint32_t n;
} id_list_t;

struct bf_tmpl_ctx {
    const bf_snap_t *s;
    const bf_snap_site_t *site;
    const bf_farm_summary_t *sums;
    bf_farm_deps_t *deps;      /* notes the summaries read, or NULL */
    _Atomic uint32_t *clock_read; /* set when a template reads
                                  site.build_time, or NULL */
    const bf_tmpl_ctx_page_t *cur;
    host_obj_t objs[K_COUNT];
    const char *base;      /* baseurl without a trailing '/' */
    size_t base_len;
    const char *base_path; /* its path part ("/docs" of "https://x.org/docs") */
    size_t base_path_len;
    uint32_t tags, categories; /* taxonomy ids, NONE when absent */
    uint32_t search_page;      /* page id of kind SEARCH, or NONE */
    uint32_t css_version, js_version; /* hashes of the theme's assets */
};

/* The class of id_list_t (tmpl_ctx.c). */
extern const bf_tmpl_class_t bf_tmpl_ctx_list_class;

/* The classes of tmpl_ctx_nav.c, for the context's table of kinds. */
extern const bf_tmpl_class_t bf_tmpl_ctx_taxonomy_class;
extern const bf_tmpl_class_t bf_tmpl_ctx_term_class;
extern const bf_tmpl_class_t bf_tmpl_ctx_menu_item_class;
extern const bf_tmpl_class_t bf_tmpl_ctx_taxonomies_class;
extern const bf_tmpl_class_t bf_tmpl_ctx_menus_class;
extern const bf_tmpl_class_t bf_tmpl_ctx_paginator_class;
extern const bf_tmpl_class_t bf_tmpl_ctx_pager_class;

/* What list page id lists (page.pages): a section's pages and
 * subsections, a term's pages; with sections false, a section's regular
 * pages only (tmpl_ctx_nav.c). */
bf_snap_range_t bf_tmpl_ctx_listing(const bf_snap_t *s, uint32_t id, bool sections);

#define IS(nm, lit) ((nm)->len == sizeof(lit) - 1 && memcmp((nm)->s, lit, sizeof(lit) - 1) == 0)

static inline bf_tmpl_ctx_t *ctx_of(bf_tv_t v)
{
    return ((host_obj_t *)v.u.obj)->c;
}

/* Notes the page whose record an object of kind k shows (shared/farm.h:
 * what a page read decides whether it can be reused). */
void bf_tmpl_ctx_note(bf_tmpl_ctx_t *c, kind_t k, uint32_t id);

static inline bf_tv_t obj(bf_tmpl_ctx_t *c, kind_t k, uint32_t id)
{
    if (id == BF_SNAP_NONE && k != K_VMAP)
        return bf_tv_null();
    if (c->deps)
        bf_tmpl_ctx_note(c, k, id);
    return bf_tv_obj(&c->objs[k].hdr, id);
}

static inline bf_tv_t str(const bf_tmpl_ctx_t *c, bf_snap_str_t x)
{
    return bf_tv_str(bf_snap_str(c->s, x), x.len);
}

static inline int ret(bf_tv_t *out, bf_tv_t v)
{
    *out = v;
    return 1;
}

static inline int list(bf_tmpl_rt_t *rt, bf_tmpl_ctx_t *c, kind_t elem, const uint32_t *ids,
                       uint32_t n, bf_tv_t *out)
{
    id_list_t *l = bf_arena_alloc(bf_tmpl_rt_arena(rt), sizeof *l);
    if (!l)
        return bf_tmpl_rt_oom(rt);
    *l = (id_list_t){.hdr = {&bf_tmpl_ctx_list_class}, .c = c, .elem = elem, .ids = ids, .n = n};
    *out = bf_tv_obj(&l->hdr, 0);
    return 1;
}

static inline int range(bf_tmpl_rt_t *rt, bf_tmpl_ctx_t *c, kind_t elem, bf_snap_range_t r,
                        bf_tv_t *out)
{
    return list(rt, c, elem, bf_snap_ids(c->s, r), r.count, out);
}

/* href: the URL with the base URL's path in front ("/docs" + "/a/"). */
static inline int href(bf_tmpl_rt_t *rt, const bf_tmpl_ctx_t *c, bf_snap_str_t url, bf_tv_t *out)
{
    if (!c->base_path_len)
        return ret(out, str(c, url));
    char *p = bf_arena_sprintf(bf_tmpl_rt_arena(rt), "%.*s%s", (int)c->base_path_len,
                               c->base_path, bf_snap_str(c->s, url));
    if (!p)
        return bf_tmpl_rt_oom(rt);
    return ret(out, bf_tv_str(p, strlen(p)));
}

#endif
