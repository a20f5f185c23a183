/*
 * coordinator/freeze.c - site tree -> snapshot file (see freeze.h).
 *
 * A mechanical translation: pointers become ids, strings become pool
 * references, lists become ranges.  Lookup tables the workers need
 * (by_path, by_ref_id) are sorted here.
 */
#include "coordinator/freeze.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/include.h"
#include "shared/fs.h"
#include "shared/log.h"
#include "snapshot-format/writer.h"

#define ID(p) ((p) ? (p)->id : BF_SNAP_NONE)
#define MAX_ANCESTORS 256 /* discover.c stops at 128 levels */

/* The id of one element of a vector (pages, sections, terms, items). */
typedef uint32_t (*id_fn)(const void *);

static uint32_t page_id(const void *p) { return ((const bf_page_t *)p)->id; }
static uint32_t section_id(const void *p) { return ((const bf_section_t *)p)->id; }
static uint32_t term_id(const void *p) { return ((const bf_term_t *)p)->id; }
static uint32_t item_id(const void *p) { return ((const bf_menu_item_t *)p)->id; }

static bf_snap_range_t ids_of(bf_snapw_t *w, const bf_vec_t *v, id_fn f)
{
    uint32_t small[64] = {0}, *ids = v->n <= 64 ? small : malloc(v->n * sizeof(uint32_t));
    if (!ids)
        return bf_snapw_oom(w);
    for (size_t i = 0; i < v->n; i++)
        ids[i] = f(v->items[i]);
    bf_snap_range_t r = bf_snapw_ids(w, ids, v->n);
    if (ids != small)
        free(ids);
    return r;
}

static bf_snap_range_t strs_of(bf_snapw_t *w, const bf_vec_t *v)
{
    bf_snap_str_t small[16] = {{0}}, *strs = v->n <= 16 ? small : malloc(v->n * sizeof(*strs));
    if (!strs)
        return bf_snapw_oom(w);
    for (size_t i = 0; i < v->n; i++)
        strs[i] = bf_snapw_cstr(w, v->items[i]);
    bf_snap_range_t r = bf_snapw_strs(w, strs, v->n);
    if (strs != small)
        free(strs);
    return r;
}

static void add_page(bf_snapw_t *w, const bf_page_t *p)
{
    bf_snap_page_t r = {0};
    uint32_t anc[MAX_ANCESTORS];
    size_t n = 0;
    r.kind = (uint8_t)p->kind;
    r.flags = p->flags;
    r.section = p->section ? p->section->id : BF_SNAP_NONE;
    r.term = p->kind == BF_SNAP_TERM ? p->term->id
             : p->kind == BF_SNAP_TAXONOMY ? p->tax : BF_SNAP_NONE;
    r.prev = ID(p->prev);
    r.next = ID(p->next);
    r.wave = p->wave;
    r.weight = p->weight;
    r.date_tz = p->date.tz_min;
    r.lastmod_tz = p->lastmod.tz_min;
    r.title = bf_snapw_cstr(w, p->title);
    r.nav_title = bf_snapw_cstr(w, p->nav_title);
    r.description = bf_snapw_cstr(w, p->description);
    r.summary = bf_snapw_cstr(w, p->summary);
    r.path = bf_snapw_cstr(w, p->path);
    r.source = bf_snapw_cstr(w, p->source);
    r.url = bf_snapw_cstr(w, p->url);
    r.output = bf_snapw_cstr(w, p->output);
    r.template = bf_snapw_cstr(w, p->template);
    r.type = bf_snapw_cstr(w, p->type);
    r.ref_id = bf_snapw_cstr(w, p->ref_id);
    r.date = p->date.epoch;
    r.lastmod = p->lastmod.epoch;
    r.content_hash = p->hash;
    r.body_off = p->body_off;
    r.body_len = (uint32_t)p->body_len;
    r.body_line = p->body_line;
    /* ancestors: root first; a list page's own section is not its ancestor */
    const bf_section_t *sec = p->section;
    if (sec && p->kind != BF_SNAP_PAGE)
        sec = sec->parent;
    for (const bf_section_t *a = sec; a && n < MAX_ANCESTORS; a = a->parent)
        anc[n++] = a->id;
    for (size_t i = 0; i < n / 2; i++) {
        uint32_t t = anc[i];
        anc[i] = anc[n - 1 - i];
        anc[n - 1 - i] = t;
    }
    r.ancestors = bf_snapw_ids(w, anc, n);
    r.terms = ids_of(w, &p->terms, term_id);
    r.aliases = strs_of(w, &p->aliases);
    r.resources = strs_of(w, &p->resources);
    r.params = bf_snapw_value(w, p->params);
    r.includes = bf_include_freeze_page(w, p);
    r.includes_hash = p->includes_hash;
    bf_snapw_add(w, BF_SNAP_T_PAGES, &r);
}

static void add_section(bf_snapw_t *w, const bf_section_t *sec)
{
    bf_snap_section_t r = {0};
    r.page = sec->index->id;
    r.parent = ID(sec->parent);
    r.depth = sec->depth;
    r.name = bf_snapw_cstr(w, sec->name);
    r.path = bf_snapw_cstr(w, sec->path);
    r.pages = ids_of(w, &sec->pages, page_id);
    r.regular_pages = ids_of(w, &sec->regular, page_id);
    r.subsections = ids_of(w, &sec->children, section_id);
    bf_snapw_add(w, BF_SNAP_T_SECTIONS, &r);
}

static void add_taxonomies(bf_snapw_t *w, const bf_site_t *s)
{
    for (size_t t = 0; t < s->n_taxonomies; t++) {
        const bf_taxonomy_t *tx = &s->taxonomies[t];
        bf_snap_taxonomy_t r = {0};
        r.name = bf_snapw_cstr(w, tx->name);
        r.page = ID(tx->page);
        r.terms = ids_of(w, &tx->terms, term_id);
        bf_snapw_add(w, BF_SNAP_T_TAXONOMIES, &r);
    }
    for (size_t i = 0; i < s->terms.n; i++) {
        const bf_term_t *term = s->terms.items[i];
        bf_snap_term_t r = {0};
        r.name = bf_snapw_cstr(w, term->name);
        r.slug = bf_snapw_cstr(w, term->slug);
        r.taxonomy = term->tax;
        r.page = term->page->id;
        r.pages = ids_of(w, &term->pages, page_id);
        bf_snapw_add(w, BF_SNAP_T_TERMS, &r);
    }
}

static void add_menus(bf_snapw_t *w, const bf_site_t *s)
{
    for (size_t i = 0; i < s->menus.n; i++) {
        const bf_menu_t *m = s->menus.items[i];
        bf_snap_menu_t r = {0};
        r.name = bf_snapw_cstr(w, m->name);
        r.items = ids_of(w, &m->items, item_id);
        bf_snapw_add(w, BF_SNAP_T_MENUS, &r);
    }
    for (size_t i = 0; i < s->menu_items.n; i++) {
        const bf_menu_item_t *it = s->menu_items.items[i];
        bf_snap_menu_item_t r = {0};
        r.name = bf_snapw_cstr(w, it->name);
        r.url = bf_snapw_cstr(w, it->url);
        r.identifier = bf_snapw_cstr(w, it->identifier ? it->identifier : it->name);
        r.menu = it->menu;
        r.parent = ID(it->parent);
        r.page = ID(it->page);
        r.weight = it->weight;
        r.children = ids_of(w, &it->children, item_id);
        bf_snapw_add(w, BF_SNAP_T_MENU_ITEMS, &r);
    }
}

static void add_waves(bf_snapw_t *w, const bf_site_t *s)
{
    for (size_t i = 0; i < s->waves.n; i++) {
        const bf_wave_t *wv = s->waves.items[i];
        bf_snap_wave_t r = {0};
        r.level = wv->level;
        r.section = ID(wv->section);
        r.template = bf_snapw_cstr(w, wv->template);
        r.pages = ids_of(w, &wv->pages, page_id);
        bf_snapw_add(w, BF_SNAP_T_WAVES, &r);
    }
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp((*(bf_page_t *const *)a)->path, (*(bf_page_t *const *)b)->path);
}

static int cmp_ref(const void *a, const void *b)
{
    return strcmp((*(bf_page_t *const *)a)->ref_id, (*(bf_page_t *const *)b)->ref_id);
}

/* Page ids sorted by a key; only pages for which the key is set. */
static bf_snap_range_t sorted_ids(bf_snapw_t *w, const bf_site_t *s, bool ref)
{
    bf_vec_t v = {0};
    for (size_t i = 0; i < s->pages.n; i++) {
        bf_page_t *p = s->pages.items[i];
        if ((ref ? p->ref_id : p->path) && bf_vec_push(s->arena, &v, p) < 0)
            return bf_snapw_oom(w);
    }
    if (v.n > 1)
        qsort(v.items, v.n, sizeof(void *), ref ? cmp_ref : cmp_path);
    return ids_of(w, &v, page_id);
}

static void add_site(bf_snapw_t *w, const bf_site_t *s)
{
    const bf_config_t *c = &s->config;
    bf_snap_site_t r = {0};
    r.title = bf_snapw_cstr(w, c->title);
    r.baseurl = bf_snapw_cstr(w, c->baseurl);
    r.language = bf_snapw_cstr(w, c->language);
    r.output_dir = bf_snapw_cstr(w, c->output_dir);
    r.environment = bf_snapw_cstr(w, c->environment);
    r.flags = (c->pretty_urls ? BF_SNAP_SITE_PRETTY_URLS : 0) |
              (c->md_unsafe ? BF_SNAP_SITE_MD_UNSAFE : 0) |
              (c->anchor_links ? BF_SNAP_SITE_ANCHOR_LINKS : 0) |
              (c->out_sitemap ? BF_SNAP_SITE_OUT_SITEMAP : 0) |
              (c->out_rss ? BF_SNAP_SITE_OUT_RSS : 0) |
              (c->out_search ? BF_SNAP_SITE_OUT_SEARCH : 0) |
              (c->out_llms ? BF_SNAP_SITE_OUT_LLMS : 0) |
              (c->out_robots ? BF_SNAP_SITE_OUT_ROBOTS : 0) |
              (s->opts.drafts ? BF_SNAP_SITE_DRAFTS : 0) |
              (s->opts.future ? BF_SNAP_SITE_FUTURE : 0) |
              (s->has_katex ? BF_SNAP_SITE_KATEX : 0) |
              (c->highlight ? BF_SNAP_SITE_HIGHLIGHT : 0);
    r.toc_min = (uint8_t)c->toc_min;
    r.toc_max = (uint8_t)c->toc_max;
    r.per_page = c->per_page;
    r.home_page = s->root->index->id;
    r.root_section = s->root->id;
    r.config = bf_snapw_value(w, c->root);
    r.params = bf_snapw_value(w, c->params);
    r.data = bf_snapw_value(w, s->data);
    r.pages = ids_of(w, &s->regular, page_id);
    r.by_path = sorted_ids(w, s, false);
    r.by_ref_id = sorted_ids(w, s, true);
    memcpy(r.level_waves, s->level_waves, sizeof r.level_waves);
    r.build_time = s->opts.now;
    bf_snapw_add(w, BF_SNAP_T_SITE, &r);
}

int bf_freeze_site_at(const bf_site_t *s, int dirfd, const char *name, const char *disp,
                      size_t *bytes)
{
    bf_snapw_t *w = s->snapw;
    int rc = -1;
    add_site(w, s);
    bf_include_freeze(s, w); /* fragment ids first: pages name them */
    for (size_t i = 0; i < s->pages.n; i++)
        add_page(w, s->pages.items[i]);
    for (size_t i = 0; i < s->sections.n; i++)
        add_section(w, s->sections.items[i]);
    add_taxonomies(w, s);
    add_menus(w, s);
    add_waves(w, s);
    rc = bf_snapw_finish_at(w, dirfd, name, disp);
    struct stat st;
    if (rc == 0 && bytes)
        *bytes = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? (size_t)st.st_size : 0;
    return rc;
}

int bf_freeze_site(const bf_site_t *s, const char *path, size_t *bytes)
{
    char dir[BF_PATH_MAX];
    const char *name = bf_path_parent(path, dir, sizeof dir);
    int fd = name ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot write the snapshot: %s", strerror(errno));
        return -1;
    }
    int rc = bf_freeze_site_at(s, fd, name, path, bytes);
    close(fd);
    return rc;
}
