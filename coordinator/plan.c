/*
 * coordinator/plan.c - template selection and waves (see plan.h).
 */
#include "coordinator/plan.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "shared/fs.h"
#include "shared/log.h"
#include "shared/strmap.h"
#include "shared/tmpl/env.h"

/* Names of the templates in SITE/templates/ (two levels deep, as
 * "docs/single.html"); bf_plan_site adds the embedded theme's.  Read
 * beneath the site root: a templates/ that is a symlink out of the site
 * is an error here; below it, entries that cannot be listed (files, links
 * out) are left to the template compiler, which names each one. */
static int scan_templates(bf_site_t *s, bf_strmap_t *names, const char *sub, int depth)
{
    const char *dir = sub ? bf_arena_sprintf(s->arena, "templates/%s", sub) : "templates";
    DIR *d = dir ? bf_fs_opendir_at(s->root_fd, dir) : NULL;
    struct dirent *e;
    if (!d) {
        if (dir && !sub && errno != ENOENT && errno != ENOTDIR)
            bf_log_at(BF_LOG_ERROR, bf_site_disp(s, dir), 0, 0, "cannot read directory: %s",
                      bf_fs_beneath_why(errno));
        return dir ? 0 : -1;
    }
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        const char *name = sub ? bf_arena_sprintf(s->arena, "%s/%s", sub, e->d_name)
                               : bf_arena_strdup(s->arena, e->d_name);
        if (!name || !bf_strmap_put(s->arena, names, name, strlen(name), (void *)name))
            rc = -1;
        else if (depth < 2 && e->d_type != DT_REG)
            rc = scan_templates(s, names, name, depth + 1);
    }
    closedir(d);
    return rc;
}

static const char *top_section(const bf_page_t *p)
{
    const bf_section_t *sec = p->section;
    if (!sec || !sec->parent)
        return NULL;
    while (sec->parent->parent)
        sec = sec->parent;
    return sec->name;
}

static const char *choose(bf_site_t *s, const bf_strmap_t *names, const bf_page_t *p)
{
    const char *cand[6];
    size_t n = 0;
    bool list = p->kind != BF_SNAP_PAGE;
    const char *leaf = list ? "list.html" : "single.html";
    if (p->type)
        cand[n++] = bf_arena_sprintf(s->arena, "%s/%s", p->type, leaf);
    const char *top = top_section(p);
    if (top)
        cand[n++] = bf_arena_sprintf(s->arena, "%s/%s", top, leaf);
    switch (p->kind) {
    case BF_SNAP_PAGE: cand[n++] = "page.html"; break;
    case BF_SNAP_HOME: cand[n++] = "home.html"; break;
    case BF_SNAP_TAXONOMY: cand[n++] = "taxonomy.html"; break;
    case BF_SNAP_TERM: cand[n++] = "term.html"; break;
    case BF_SNAP_SECTION: break;
    case BF_SNAP_NOT_FOUND: return "404.html";
    case BF_SNAP_SEARCH: return "search.html";
    }
    if (list)
        cand[n++] = "list.html";
    for (size_t i = 0; i < n; i++)
        if (cand[i] && bf_strmap_get(names, cand[i], strlen(cand[i])))
            return cand[i];
    return cand[n - 1];
}

static bf_wave_t *new_wave(bf_site_t *s, uint32_t level, bf_section_t *sec, const char *tmpl)
{
    bf_wave_t *w = bf_arena_zalloc(s->arena, sizeof(*w));
    if (!w || bf_vec_push(s->arena, &s->waves, w) < 0)
        return NULL;
    w->level = level;
    w->seq = (uint32_t)s->waves.n;
    w->section = sec;
    w->template = tmpl;
    return w;
}

/* The work of rendering page p, in pages: one, or for a list page the
 * pagers it writes (a tag on 2,000 pages is 200 of them at 10 a pager). */
static size_t weight(const bf_site_t *s, const bf_page_t *p)
{
    size_t n = p->kind == BF_SNAP_TERM                                     ? p->term->pages.n
               : (p->kind == BF_SNAP_SECTION || p->kind == BF_SNAP_HOME) ? p->section->regular.n
                                                                          : 1;
    size_t per = s->config.per_page ? s->config.per_page : 1;
    return p->kind == BF_SNAP_PAGE || n <= per ? 1 : (n + per - 1) / per;
}

/* Cuts pages[0..n) (one section, one template) into waves of about equal
 * weight, at most the wave size each unless one page alone outweighs it:
 * wave k ends where the running weight reaches k+1 parts of the total. */
static int cut(bf_site_t *s, uint32_t level, bf_section_t *sec, bf_page_t **pages, size_t n)
{
    size_t max = s->opts.wave_size ? s->opts.wave_size : BF_PLAN_WAVE_SIZE, total = 0;
    for (size_t i = 0; i < n; i++)
        total += weight(s, pages[i]);
    size_t parts = (total + max - 1) / max, done = 0;
    bf_wave_t *w = NULL;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (!w) {
            if (!(w = new_wave(s, level, sec, pages[i]->template)))
                return -1;
        }
        size_t wt = weight(s, pages[i]);
        if (bf_vec_push(s->arena, &w->pages, pages[i]) < 0)
            return -1;
        w->weight += wt;
        done += wt;
        while (k < parts && done * parts >= total * (k + 1)) {
            k++;
            w = NULL; /* the part is full: the next page opens a wave */
        }
    }
    return 0;
}

/* Groups a list of pages (already in order) into runs of one template. */
static int runs(bf_site_t *s, uint32_t level, bf_section_t *sec, bf_vec_t *v)
{
    bf_page_t **pages = (bf_page_t **)v->items;
    for (size_t i = 0; i < v->n;) {
        size_t j = i + 1;
        while (j < v->n && strcmp(pages[j]->template, pages[i]->template) == 0)
            j++;
        if (cut(s, level, sec, pages + i, j - i) < 0)
            return -1;
        i = j;
    }
    return 0;
}

/* By level, then largest first, then creation order: a total order. */
static int cmp_waves(const void *pa, const void *pb)
{
    const bf_wave_t *a = *(bf_wave_t *const *)pa, *b = *(bf_wave_t *const *)pb;
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int plan_sections(bf_site_t *s, bf_section_t *sec)
{
    bf_vec_t lists = {0};
    if (runs(s, 0, sec, &sec->regular) < 0)
        return -1;
    for (size_t i = 0; i < sec->children.n; i++) {
        bf_section_t *c = sec->children.items[i];
        if (bf_vec_push(s->arena, &lists, c->index) < 0)
            return -1;
    }
    if (runs(s, 1, sec, &lists) < 0)
        return -1;
    for (size_t i = 0; i < sec->children.n; i++)
        if (plan_sections(s, sec->children.items[i]) < 0)
            return -1;
    return 0;
}

static int plan_taxonomies(bf_site_t *s)
{
    bf_vec_t lists = {0};
    for (size_t t = 0; t < s->n_taxonomies; t++)
        if (s->taxonomies[t].page && bf_vec_push(s->arena, &lists, s->taxonomies[t].page) < 0)
            return -1;
    if (runs(s, 1, NULL, &lists) < 0)
        return -1;
    for (size_t t = 0; t < s->n_taxonomies; t++) {
        bf_vec_t terms = {0};
        bf_taxonomy_t *tx = &s->taxonomies[t];
        for (size_t i = 0; i < tx->terms.n; i++)
            if (bf_vec_push(s->arena, &terms, ((bf_term_t *)tx->terms.items[i])->page) < 0)
                return -1;
        if (runs(s, 1, NULL, &terms) < 0)
            return -1;
    }
    return 0;
}

/* The pages the build makes (404, search) at level 1: a theme may list
 * pages with their summaries on them. */
static int plan_specials(bf_site_t *s)
{
    for (size_t i = 0; i < s->pages.n; i++) {
        bf_page_t *p = s->pages.items[i];
        bf_vec_t one = {0};
        if (p->kind >= BF_SNAP_NOT_FOUND &&
            (bf_vec_push(s->arena, &one, p) < 0 || runs(s, 1, NULL, &one) < 0))
            return -1;
    }
    return 0;
}

static int plan_aggregates(bf_site_t *s)
{
    const bf_config_t *c = &s->config;
    const struct { bool on; const char *name; } outs[] = {
        {c->out_sitemap, "sitemap.xml"}, {c->out_rss, "rss.xml"},
        {c->out_search, "index.json"},   {c->out_llms, "llms.txt"},
        {c->out_robots, "robots.txt"},
    };
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
        if (outs[i].on && !new_wave(s, 2, NULL, outs[i].name))
            return -1;
    return 0;
}

/* A template named in front matter must exist: otherwise the page could
 * not be rendered, and the build would find out only in a worker.  Names
 * deeper than the scan went are looked up as files. */
static void check_named(bf_site_t *s, const bf_strmap_t *names, const bf_page_t *p)
{
    const char *t = p->template;
    struct stat st;
    if (bf_strmap_get(names, t, strlen(t)))
        return;
    const char *rel = bf_arena_sprintf(s->arena, "templates/%s", t);
    if (!rel)
        return;
    int found = bf_path_check(t, strlen(t), NULL) == 0 ? bf_fs_stat_at(s->root_fd, rel, &st) : -1;
    if (found == 0 && S_ISREG(st.st_mode))
        return;
    if (found < 0 && (errno == EXDEV || errno == ELOOP || errno == EACCES))
        return; /* there, but refused: the template compiler says why */
    const bf_value_t *v = bf_value_get(p->meta, "template");
    bf_site_error_at(s, p->source, v ? v : bf_value_get(p->meta, "layout"),
                     "template \"%s\" is neither in templates/ nor in the theme", t);
}

int bf_plan_site(bf_site_t *s)
{
    bf_strmap_t names = {0};
    if (scan_templates(s, &names, NULL, 0) < 0)
        return -1;
    for (const bf_tmpl_embed_t *t = s->opts.theme; t && t->name; t++)
        if (!bf_strmap_put(s->arena, &names, t->name, strlen(t->name), (void *)t->name))
            return -1;
    for (size_t i = 0; i < s->pages.n; i++) {
        bf_page_t *p = s->pages.items[i];
        if (p->template)
            check_named(s, &names, p);
        else if (!(p->template = choose(s, &names, p)))
            return -1;
    }
    bf_vec_t home = {0};
    if (bf_vec_push(s->arena, &home, s->root->index) < 0 || runs(s, 1, s->root, &home) < 0 ||
        plan_sections(s, s->root) < 0 || plan_taxonomies(s) < 0 || plan_specials(s) < 0 ||
        plan_aggregates(s) < 0)
        return -1;
    if (s->waves.n > 1)
        qsort(s->waves.items, s->waves.n, sizeof(void *), cmp_waves);
    uint32_t level = 0;
    for (size_t i = 0; i < s->waves.n; i++) {
        bf_wave_t *w = s->waves.items[i];
        while (level <= w->level)
            s->level_waves[level++] = (uint32_t)i;
        for (size_t j = 0; j < w->pages.n; j++)
            ((bf_page_t *)w->pages.items[j])->wave = (uint32_t)i;
    }
    while (level <= BF_SNAP_LEVELS)
        s->level_waves[level++] = (uint32_t)s->waves.n;
    return 0;
}
