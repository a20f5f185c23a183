/*
 * tests/worker/tmpl_ctx_test.c - the snapshot as template variables: the
 * docs fixture (tests/sites/docs) is loaded and frozen in-process into a
 * snapshot under /tmp, and small templates read page, section, site,
 * taxonomies, menus, params and data through the host objects.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/tmpl/env.h"
#include "shared/tmpl/render.h"
#include "snapshot-format/reader.h"
#include "tests/worker/docsnap.h"
#include "worker/tmpl_ctx.h"

static bf_snap_t *snap;
static bf_tmpl_ctx_t *ctx;

static void setup(void)
{
    snap = docsnap_open(NULL);
    ctx = bf_tmpl_ctx_new(snap, NULL);
    cr_assert(ctx);
}

static void teardown(void)
{
    bf_tmpl_ctx_free(ctx);
    docsnap_close(snap);
}

TestSuite(tmpl_ctx, .init = setup, .fini = teardown);

/* Renders src for the page at path ("docs/install"); NULL on error. */
static char *render_for(const char *path, const char *src)
{
    static bf_buf_t errs = BF_BUF_INIT;
    bf_tmpl_env_opts_t eo = {.quiet = true, .errors = &errs};
    bf_tmpl_env_t *env = bf_tmpl_env_new(&eo);
    cr_assert(env);
    bf_tmpl_env_add_string(env, "t.html", src, strlen(src));
    const bf_tmpl_t *t;
    cr_assert_eq(bf_tmpl_env_load(env, "t.html", &t), 0, "%s", errs.data);
    uint32_t id = bf_snap_find_path(snap, path, strlen(path));
    cr_assert_neq(id, BF_SNAP_NONE, "no page %s", path);
    bf_tmpl_ctx_page_t cur = {.id = id};
    bf_arena_t *a = bf_arena_create(0);
    bf_buf_t out = BF_BUF_INIT;
    bf_tmpl_render_opts_t o = {.arena = a, .context = bf_tmpl_ctx_root(ctx, &cur),
                               .quiet = true, .errors = &errs};
    char *res = bf_tmpl_render(env, t, &o, &out) == 0 ? strdup(out.data ? out.data : "") : NULL;
    bf_buf_free(&out);
    bf_arena_destroy(a);
    bf_tmpl_env_free(env);
    return res;
}

#define EXPECT(path, src, want)                                                            \
    do {                                                                                   \
        char *got_ = render_for(path, src);                                                \
        cr_assert(got_, "render failed");                                                  \
        cr_assert_str_eq(got_, want);                                                      \
        free(got_);                                                                        \
    } while (0)

Test(tmpl_ctx, page_fields)
{
    EXPECT("docs/install", "{{ page.title }}|{{ page.url }}|{{ page.href }}|{{ page.kind }}",
           "Installation|/docs/install/|/docs/install/|page");
    EXPECT("docs/install", "{{ page.permalink }}", "https://docs.example.org/docs/install/");
    EXPECT("docs/install",
           "{{ page.date | date('%Y-%m-%d') }} {{ page.is_page }} {{ page.is_home }}",
           "2023-01-12 True False");
    EXPECT("docs/install", "{{ page.prev.title }}|{{ page.next ?? 'none' }}",
           "Introduction|none");
    EXPECT("docs/install", "{% for t in page.tags %}{{ t.name }}={{ t.href }}{% endfor %}",
           "setup=/tags/setup/");
    EXPECT("docs/install", "{{ page.ancestors | map(attribute='title') | join(',') }}",
           "Example Docs,Documentation");
    EXPECT("docs/install", "{{ page.type }}", "docs"); /* cascaded */
    /* no markdown render given: content is empty markup */
    EXPECT("docs/install", "[{{ page.content }}][{{ page.toc_items | length }}]", "[][0]");
    EXPECT("", "{{ page.is_home }} {{ page.kind }} {{ page.section.title }}",
           "True home Example Docs");
}

Test(tmpl_ctx, section_fields)
{
    EXPECT("docs/install", "{{ section.title }}|{{ section.href }}|{{ section.parent.title }}",
           "Documentation|/docs/|Example Docs");
    EXPECT("docs/intro", "{{ section.regular_pages | map(attribute='title') | join(',') }}",
           "Introduction,Installation");
    EXPECT("docs/intro", "{{ section.subsections | map(attribute='name') | join(',') }}",
           "guide");
    EXPECT("docs/intro", "{{ section.index_page.url }} {{ section.pages | length }}",
           "/docs/ 3");
}

Test(tmpl_ctx, site_fields)
{
    EXPECT("docs/intro", "{{ site.title }}|{{ site.baseurl }}|{{ site.params.version }}",
           "Example Docs|https://docs.example.org|1.4");
    EXPECT("docs/intro", "{{ site.params.repo.branch }} {{ site.params['show_edit_link'] }}",
           "main True");
    EXPECT("docs/intro", "{{ site.params.supported_platforms | join('/') }}",
           "linux/macos/freebsd");
    EXPECT("docs/intro", "{% for k in site.params.repo %}{{ k }};{% endfor %}", "url;branch;");
    EXPECT("docs/intro", "{{ site.params.footer_links[1].name }}", "Status");
    EXPECT("docs/intro", "{{ site.params.missing ?? 'dflt' }}", "dflt");
    EXPECT("docs/intro", "{% for m in site.menus.main %}{{ m.name }}{% if m.children %}"
                         "({{ m.children | map(attribute='name') | join(',') }}){% endif %};"
                         "{% endfor %}",
           "Docs(Introduction,Installation);Blog;GitHub;");
    EXPECT("docs/intro", "{{ site.taxonomies.tags.terms | map(attribute='name') | join(',') }}",
           "cli,config,performance,release,setup");
    EXPECT("docs/intro", "{{ site.sections | map(attribute='title') | join(',') }}",
           "Documentation,Blog");
}

/* Host maps answer the dict methods as the engine's own maps do. */
Test(tmpl_ctx, dict_methods_on_site_values)
{
    EXPECT("docs/intro", "{% for k, v in site.params.repo.items() %}{{ k }}={{ v }};{% endfor %}",
           "url=https://github.com/example/example-docs;branch=main;");
    EXPECT("docs/intro", "{{ site.params.repo.keys() | join(',') }}", "url,branch");
    EXPECT("docs/intro", "{{ site.params.repo.values() | last }}", "main");
    EXPECT("docs/intro", "{{ site.params.get('version') }} {{ site.params.get('nope', 'd') }}",
           "1.4 d");
    EXPECT("docs/intro", "{{ site.menus.keys() | join(',') }}", "main");
    EXPECT("docs/intro", "{{ site.taxonomies.keys() | join(',') }}", "tags,categories");
    EXPECT("docs/intro", "{{ site.params.supported_platforms.index('macos') }}", "1");
    char *got = render_for("docs/intro", "{{ site.params.nope() }}");
    cr_assert_null(got, "an unknown method is an error");
}

Test(tmpl_ctx, undefined_attribute_is_an_error)
{
    char *got = render_for("docs/intro", "{{ page.titel }}");
    cr_assert_null(got);
}
