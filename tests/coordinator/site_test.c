/*
 * tests/coordinator/site_test.c - discovery: the tree, its order, cascade,
 * URLs, taxonomies, menus and waves, from real files in a temp directory.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/load.h"
#include "coordinator/plan.h"
#include "shared/fs.h"
#include "shared/log.h"
#include "tests/capture.h"
#include "worker/theme.h"

static char site[64];

static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", site, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    cr_assert_eq(bf_fs_mkdir_p(path, 0777), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    strcpy(site, "/tmp/bf-site-XXXXXX");
    cr_assert(mkdtemp(site));
    bf_ctx_init(BF_ROLE_COORD, 0);
    bf_ctx.log_level = BF_LOG_QUIET;
}

static void teardown(void)
{
    bf_fs_remove_tree(site);
}

static bf_site_t *load(bool drafts, bool future)
{
    bf_site_opts_t o = {.site_dir = site, .drafts = drafts, .future = future,
                        .now = 1700000000, .theme = bf_theme_templates};
    bf_site_t *s = NULL;
    cr_assert_eq(bf_site_load(&o, &s), 0, "site failed to load");
    return s;
}

static bf_page_t *by_path(bf_site_t *s, const char *path)
{
    for (size_t i = 0; i < s->pages.n; i++) {
        bf_page_t *p = s->pages.items[i];
        if (p->path && strcmp(p->path, path) == 0)
            return p;
    }
    cr_assert_fail("no page %s", path);
    return NULL;
}

TestSuite(site, .init = setup, .fini = teardown);

Test(site, tree_and_urls)
{
    put("content/_index.md", "---\ntitle: Home\n---\nwelcome\n");
    put("content/docs/_index.md", "---\ntitle: Docs\n---\n");
    put("content/docs/intro.md", "# Introduction\n\ntext\n");
    put("content/docs/setup/index.md", "---\ntitle: Setup\n---\n");
    put("content/docs/setup/shot.png", "png");
    put("content/docs/setup/img/a.svg", "svg");
    put("content/docs/guide/deep.md", "---\nslug: other\n---\n");
    put("content/docs/.hidden.md", "---\ntitle: no\n---\n");
    put("content/x.md", "---\nurl: /custom/place/\naliases: [/old/x/, old2]\n---\n");
    bf_site_t *s = load(false, false);
    cr_assert_eq(s->sections.n, 3); /* root, docs, guide */
    bf_page_t *intro = by_path(s, "docs/intro");
    cr_assert_str_eq(intro->title, "Introduction"); /* from the first # heading */
    cr_assert_str_eq(intro->url, "/docs/intro/");
    cr_assert_str_eq(intro->output, "docs/intro/index.html");
    cr_assert_str_eq(intro->source, "content/docs/intro.md");
    bf_page_t *setup = by_path(s, "docs/setup");
    cr_assert(setup->flags & BF_SNAP_PF_BUNDLE);
    cr_assert_eq(setup->resources.n, 2);
    cr_assert_str_eq(setup->resources.items[0], "content/docs/setup/img/a.svg");
    cr_assert_str_eq(setup->resources.items[1], "content/docs/setup/shot.png");
    bf_page_t *guide = by_path(s, "docs/guide");
    cr_assert_eq(guide->kind, BF_SNAP_SECTION);
    cr_assert(guide->flags & BF_SNAP_PF_VIRTUAL);
    cr_assert_str_eq(guide->title, "Guide");
    cr_assert_str_eq(by_path(s, "docs/guide/deep")->url, "/docs/guide/other/");
    bf_page_t *x = by_path(s, "x");
    cr_assert_str_eq(x->url, "/custom/place/");
    cr_assert_eq(x->aliases.n, 2);
    cr_assert_str_eq(x->aliases.items[1], "/old2/");
    cr_assert_str_eq(by_path(s, "")->url, "/");
    cr_assert_str_eq(by_path(s, "")->output, "index.html");
    for (size_t i = 0; i < s->pages.n; i++)
        cr_assert_neq(strcmp(((bf_page_t *)s->pages.items[i])->title, "no"), 0);
    bf_site_free(s);
}

Test(site, order_prev_next)
{
    put("content/d/a.md", "---\ntitle: A\n---\n");               /* unweighted, undated */
    put("content/d/b.md", "---\ntitle: B\nweight: 2\n---\n");
    put("content/d/c.md", "---\ntitle: C\nweight: 1\n---\n");
    put("content/d/d.md", "---\ntitle: D\ndate: 2020-01-01\n---\n");
    put("content/d/e.md", "---\ntitle: E\ndate: 2021-06-01\n---\n");
    put("content/d/sub/_index.md", "---\ntitle: Sub\nweight: 3\n---\n");
    bf_site_t *s = load(false, false);
    bf_section_t *d = by_path(s, "d")->section;
    const char *want[] = {"C", "B", "E", "D", "A"};
    cr_assert_eq(d->regular.n, 5);
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(((bf_page_t *)d->regular.items[i])->title, want[i]);
    const char *all[] = {"C", "B", "Sub", "E", "D", "A"};
    cr_assert_eq(d->pages.n, 6);
    for (size_t i = 0; i < 6; i++)
        cr_assert_str_eq(((bf_page_t *)d->pages.items[i])->title, all[i]);
    bf_page_t *c = d->regular.items[0], *b = d->regular.items[1], *a = d->regular.items[4];
    cr_assert_null(c->prev);
    cr_assert_eq(c->next, b);
    cr_assert_eq(b->prev, c);
    cr_assert_null(a->next);
    bf_site_free(s);
}

Test(site, cascade)
{
    put("content/docs/_index.md", "---\ntitle: Docs\ncascade:\n  type: docs\n  color: red\n---\n");
    put("content/docs/a.md", "---\ntitle: A\ncolor: blue\n---\n");
    put("content/docs/sub/_index.md", "---\ntitle: S\ncascade: {color: green}\n---\n");
    put("content/docs/sub/b.md", "---\ntitle: B\n---\n");
    put("templates/docs/single.html", "x");
    bf_site_t *s = load(false, false);
    bf_page_t *a = by_path(s, "docs/a"), *b = by_path(s, "docs/sub/b");
    cr_assert_str_eq(a->type, "docs");
    cr_assert_str_eq(bf_value_get(a->params, "color")->u.s.ptr, "blue");
    cr_assert_str_eq(b->type, "docs");
    cr_assert_str_eq(bf_value_get(b->params, "color")->u.s.ptr, "green");
    cr_assert_str_eq(by_path(s, "docs/sub")->type, "docs");
    cr_assert_null(by_path(s, "docs")->type); /* not its own cascade */
    cr_assert_str_eq(a->template, "docs/single.html");
    bf_site_free(s);
}

Test(site, drafts_and_future)
{
    put("content/a.md", "---\ntitle: A\n---\n");
    put("content/d.md", "---\ntitle: D\ndraft: true\n---\n");
    put("content/f.md", "---\ntitle: F\ndate: 2099-01-01\n---\n");
    put("content/ds/_index.md", "---\ndraft: true\n---\n");
    put("content/ds/x.md", "---\ntitle: X\n---\n");
    bf_site_t *s = load(false, false);
    cr_assert_eq(s->regular.n, 1);
    cr_assert_eq(s->sections.n, 1);
    bf_site_free(s);
    s = load(true, true);
    cr_assert_eq(s->regular.n, 4);
    cr_assert_eq(s->sections.n, 2);
    bf_site_free(s);
}

Test(site, taxonomies)
{
    put("content/a.md", "---\ntitle: A\ndate: 2020-01-01\ntags: [Go, Rust]\n---\n");
    put("content/b.md", "---\ntitle: B\ndate: 2022-01-01\ntags: [go, go]\ncategories: x\n---\n");
    put("content/c.md", "---\ntitle: C\n---\n");
    bf_site_t *s = load(false, false);
    cr_assert_eq(s->n_taxonomies, 2);
    bf_taxonomy_t *tags = &s->taxonomies[0];
    cr_assert_str_eq(tags->name, "tags");
    cr_assert_eq(tags->terms.n, 2);
    bf_term_t *go = tags->terms.items[0];
    cr_assert_str_eq(go->slug, "go");
    cr_assert_str_eq(go->name, "go"); /* as first written, in site order (B first) */
    cr_assert_eq(go->pages.n, 2);
    cr_assert_str_eq(((bf_page_t *)go->pages.items[0])->title, "B"); /* newest first */
    cr_assert_str_eq(go->page->url, "/tags/go/");
    cr_assert_str_eq(tags->page->url, "/tags/");
    cr_assert_eq(by_path(s, "b")->terms.n, 2); /* go once, then x */
    cr_assert_eq(s->terms.n, 3);
    bf_site_free(s);
}

Test(site, menus)
{
    put("bengal.yaml", "title: T\nmenus:\n  main:\n    - {name: Docs, page: docs, weight: 2}\n"
                       "    - {name: GitHub, url: 'https://github.com/x', weight: 1}\n");
    put("content/docs/_index.md", "---\ntitle: Docs\n---\n");
    put("content/docs/a.md", "---\ntitle: A\nmenu: {main: {parent: Docs, weight: 5}}\n---\n");
    put("content/b.md", "---\ntitle: B\nmenu: footer\n---\n");
    bf_site_t *s = load(false, false);
    cr_assert_eq(s->menus.n, 2);
    bf_menu_t *footer = s->menus.items[0], *main = s->menus.items[1];
    cr_assert_str_eq(footer->name, "footer");
    cr_assert_eq(main->items.n, 2);
    bf_menu_item_t *gh = main->items.items[0], *docs = main->items.items[1];
    cr_assert_str_eq(gh->name, "GitHub");
    cr_assert_str_eq(docs->url, "/docs/");
    cr_assert_eq(docs->children.n, 1);
    cr_assert_str_eq(((bf_menu_item_t *)docs->children.items[0])->url, "/docs/a/");
    bf_site_free(s);
}

Test(site, waves)
{
    char name[64], text[64];
    for (int i = 0; i < 150; i++) {
        snprintf(name, sizeof name, "content/big/p%03d.md", i);
        snprintf(text, sizeof text, "---\ntitle: P%03d\n---\n", i);
        put(name, text);
    }
    put("content/big/special.md", "---\ntitle: zz\ntemplate: special.html\n---\n");
    put("templates/special.html", "{{ page.title }}");
    put("content/small/a.md", "---\ntitle: A\n---\n");
    put("templates/page.html", "x");
    bf_site_t *s = load(false, false);
    /* level 0: 150 pages -> 3 waves of 50; special; small -> 5 waves */
    cr_assert_eq(s->level_waves[0], 0);
    cr_assert_eq(s->level_waves[1], 5);
    bf_wave_t *w0 = s->waves.items[0];
    cr_assert_eq(w0->pages.n, 50);
    cr_assert_str_eq(w0->template, "page.html");
    bf_wave_t *last = s->waves.items[4];
    cr_assert_eq(last->pages.n, 1);
    size_t seen = 0;
    for (uint32_t i = 0; i < s->level_waves[1]; i++)
        seen += ((bf_wave_t *)s->waves.items[i])->pages.n;
    cr_assert_eq(seen, 152);
    for (size_t i = 0; i < s->pages.n; i++) {
        bf_page_t *p = s->pages.items[i];
        bf_wave_t *w = s->waves.items[p->wave];
        bool found = false;
        for (size_t j = 0; j < w->pages.n; j++)
            found |= w->pages.items[j] == p;
        cr_assert(found, "page %s not in its wave", p->path);
    }
    /* level 2: the five aggregates */
    cr_assert_eq(s->level_waves[3] - s->level_waves[2], 5);
    bf_site_free(s);
}

/* Loads a site that must fail; returns what was reported (malloc'd). */
static char *load_fails(void)
{
    bf_site_opts_t o = {.site_dir = site, .now = 1700000000, .theme = bf_theme_templates};
    bf_site_t *s = NULL;
    cap_start();
    int rc = bf_site_load(&o, &s);
    char *err = cap_end();
    cr_assert_eq(rc, -1);
    cr_assert_null(s);
    return err;
}

Test(site, duplicate_outputs)
{
    put("content/a.md", "---\nurl: /same/\n---\n");
    put("content/b.md", "---\nurl: /same/\n---\n");
    size_t before = bf_ctx.n_errors;
    char *err = load_fails();
    cr_assert_eq(bf_ctx.n_errors - before, 1);
    cr_assert(strstr(err, "/content/b.md:2:6: error: output \"same/index.html\" is also the "
                          "output of "), "%s", err);
    cr_assert(strstr(err, "/content/a.md\n"), "%s", err);
    free(err);
}

Test(site, alias_collides_with_page)
{
    put("content/a.md", "---\ntitle: A\n---\n");
    put("content/b.md", "---\naliases: [/a/]\n---\n");
    free(load_fails());
}

Test(site, section_and_page_collide)
{
    put("content/guide.md", "---\ntitle: G\n---\n");
    put("content/guide/_index.md", "---\ntitle: G2\n---\n");
    free(load_fails());
}

Test(site, bad_paths)
{
    put("content/a.md", "---\nslug: ../../etc\n---\n");
    put("content/b.md", "---\nurl: /../x\n---\n");
    put("content/c.md", "---\naliases: ['http://evil/']\n---\n");
    put("content/d.md", "---\nslug: a/b\n---\n");
    size_t before = bf_ctx.n_errors;
    char *err = load_fails();
    cr_assert_eq(bf_ctx.n_errors - before, 4, "every bad path reported");
    cr_assert(strstr(err, "/content/a.md:2:7: error: slug \"../../etc\" is not a valid URL "
                          "component: contains \"..\""), "%s", err);
    cr_assert(strstr(err, "/content/b.md:2:6: error: url \"/../x\" is not a valid path"),
              "%s", err);
    free(err);
}

Test(site, bad_field_types)
{
    put("content/a.md", "---\nweight: heavy\ndate: yesterday\ndraft: maybe\ntitle: [x]\n---\n");
    size_t before = bf_ctx.n_errors;
    char *err = load_fails();
    cr_assert_eq(bf_ctx.n_errors - before, 4);
    cr_assert(strstr(err, "/content/a.md:2:9: error: \"weight\" must be an integer"), "%s", err);
    free(err);
}

Test(site, symlinks)
{
    char link[512], target[512];
    put("content/real.md", "---\ntitle: R\n---\n");
    snprintf(link, sizeof link, "%s/content/inside.md", site);
    /* Relative: an absolute link is refused even when it points inside
     * (bf_fs_open_beneath), so that a site can move. */
    snprintf(target, sizeof target, "real.md");
    cr_assert_eq(symlink(target, link), 0);
    bf_site_t *s = load(false, false);
    cr_assert_eq(s->regular.n, 2);
    bf_site_free(s);
    snprintf(link, sizeof link, "%s/content/etc", site);
    cr_assert_eq(symlink("/etc", link), 0);
    char *err = load_fails();
    cr_assert(strstr(err, "/content/etc: error: symlink points outside the site root"), "%s", err);
    free(err);
}

Test(site, symlink_loop)
{
    char link[512], target[512];
    put("content/d/a.md", "x\n");
    snprintf(link, sizeof link, "%s/content/d/loop", site);
    snprintf(target, sizeof target, "."); /* relative: absolute links are refused anyway */
    cr_assert_eq(symlink(target, link), 0);
    char *err = load_fails();
    cr_assert(strstr(err, "/content/d/loop: error: symlink loop"), "%s", err);
    free(err);
}

Test(site, no_front_matter_no_heading)
{
    put("content/plain-file.md", "just text\n");
    bf_site_t *s = load(false, false);
    cr_assert_str_eq(by_path(s, "plain-file")->title, "plain-file");
    cr_assert_str_eq(by_path(s, "")->title, s->config.title);
    bf_site_free(s);
}

/* Waves are cut by weight: a term listed on 100 pages (100 pagers at one
 * a pager) makes a wave of its own, the light terms share one, and the
 * heaviest wave comes first in its level. */
Test(site, waves_weigh_list_pages_by_their_pagers)
{
    char name[64];
    put("bengal.yaml", "pagination:\n  per_page: 1\n");
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "content/p%03d.md", i);
        put(name, i == 0 ? "---\ntags: [heavy, light1, light2]\n---\n"
                         : "---\ntags: [heavy]\n---\n");
    }
    bf_site_t *s = load(false, false);
    bf_wave_t *heavy = NULL, *light = NULL;
    for (uint32_t i = s->level_waves[1]; i < s->level_waves[2]; i++) {
        bf_wave_t *w = s->waves.items[i];
        if (strcmp(w->template, "term.html") != 0)
            continue;
        for (size_t j = 0; j < w->pages.n; j++) {
            bf_page_t *p = w->pages.items[j];
            if (strcmp(p->term->slug, "heavy") == 0)
                heavy = w;
            else
                light = w;
        }
    }
    cr_assert(heavy && light && heavy != light, "the heavy term shares a wave");
    cr_assert_eq(heavy->pages.n, 1);
    cr_assert_eq(heavy->weight, 100);
    cr_assert_eq(light->pages.n, 2);
    cr_assert_eq(light->weight, 2);
    /* heaviest first: no wave of level 1 before it weighs less */
    for (uint32_t i = s->level_waves[1]; s->waves.items[i] != heavy; i++)
        cr_assert_geq(((bf_wave_t *)s->waves.items[i])->weight, heavy->weight);
    bf_site_free(s);
}
