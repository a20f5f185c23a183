/*
 * tests/tmpl/tmpl_test.c - the template language: statements, scoping,
 * loops, inheritance, macros, imports, autoescape, Kida extensions.
 * (Operators, filters and tests are also covered by the Jinja2 corpus in
 * jinja_test.c; errors and limits are in tmpl_errors_test.c.)
 */
#include <criterion/criterion.h>

#include "tests/tmpl/helpers.h"

/* ---- output and whitespace ----------------------------------------------- */

Test(output, text_and_expressions)
{
    EXPECT_TXT("a{{ 1 + 2 }}b{{ 'x' ~ 3 }}", NULL, "a3bx3");
    EXPECT_TXT("{{ name }}", "{name: Ann}", "Ann");
    EXPECT_TXT("{{ none }}|{{ true }}|{{ 2.0 }}", NULL, "None|True|2.0");
}

Test(output, whitespace_control)
{
    EXPECT_TXT("a  {{- 1 -}}  b", NULL, "a1b");
    EXPECT_TXT("<ul>\n  {%- for x in [1, 2] %}\n  <li>{{ x }}</li>\n  {%- endfor %}\n</ul>", NULL,
               "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>");
    EXPECT_TXT("a {#- c -#} b", NULL, "ab");
    EXPECT_TXT("x\n", NULL, "x"); /* one trailing newline is dropped, as Jinja */
    EXPECT_TXT("x\n\n", NULL, "x\n");
}

Test(output, raw)
{
    EXPECT_TXT("{% raw %}{{ a }}{% b %}{% endraw %}", NULL, "{{ a }}{% b %}");
}

Test(output, autoescape)
{
    EXPECT_HTML("{{ s }}|{{ s|safe }}|{{ s|e }}", "{s: \"<a href='x'>&\"}",
                "&lt;a href=&#39;x&#39;&gt;&amp;|<a href='x'>&|&lt;a href=&#39;x&#39;&gt;&amp;");
    EXPECT_TXT("{{ s }}", "{s: \"<b>\"}", "<b>");
    EXPECT_HTML("{% autoescape false %}{{ s }}{% end %}{{ s }}", "{s: \"<b>\"}", "<b>&lt;b&gt;");
    EXPECT_HTML("{% macro m() %}<i>{% endmacro %}{{ m() }}", NULL, "<i>");
    EXPECT_HTML("{% set x %}<p>{% endset %}{{ x }}", NULL, "<p>");
    /* .xml escapes too, .txt does not */
    char *out = render_files("{v: \"<\"}", "feed.xml", "{{ v }}", NULL);
    cr_assert_str_eq(out, "&lt;");
}

/* ---- conditions --------------------------------------------------------------- */

Test(statements, if_elif_else)
{
    const char *t = "{% if n > 2 %}big{% elif n > 0 %}small{% else %}none{% endif %}";
    EXPECT_TXT(t, "{n: 5}", "big");
    EXPECT_TXT(t, "{n: 1}", "small");
    EXPECT_TXT(t, "{n: 0}", "none");
}

Test(statements, end_closes_any_block)
{
    EXPECT_TXT("{% if 1 %}{% for x in [1, 2] %}{{ x }}{% end %}{% end %}", NULL, "12");
    EXPECT_TXT("{% macro m() %}M{% end %}{% with a = 1 %}{{ a }}{{ m() }}{% end %}", NULL, "1M");
    EXPECT_TXT("{% def d(x) %}<{{ x }}>{% enddef %}{{ d(2) }}", NULL, "<2>");
}

Test(statements, unless)
{
    EXPECT_TXT("{% unless x %}no{% else %}yes{% end %}", "{x: false}", "no");
    EXPECT_TXT("{% unless x %}no{% else %}yes{% endunless %}", "{x: true}", "yes");
}

/* ---- loops ------------------------------------------------------------------------ */

Test(loops, loop_variables)
{
    EXPECT_TXT("{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}"
               "{{ loop.revindex0 }}{{ loop.first|int }}{{ loop.last|int }}{{ loop.length }} "
               "{% endfor %}",
               NULL, "1032103 2121003 3210013 ");
    EXPECT_TXT("{% for x in [1, 2, 3] %}{{ loop.previtem ?? '-' }}{{ x }}{{ loop.nextitem ?? '-' }} "
               "{% endfor %}",
               NULL, "-12 123 23- ");
    EXPECT_TXT("{% for x in [1, 2] %}{% for y in 'ab' %}{{ loop.depth }}{{ y }}{% endfor %}"
               "{{ loop.index }}{% endfor %}",
               NULL, "1a1b11a1b2");
}

Test(loops, else_and_empty)
{
    EXPECT_TXT("{% for x in [] %}{{ x }}{% else %}none{% endfor %}", NULL, "none");
    EXPECT_TXT("{% for x in [] %}{{ x }}{% empty %}none{% end %}", NULL, "none");
    EXPECT_TXT("{% for x in [1] %}{{ x }}{% empty %}none{% end %}", NULL, "1");
}

Test(loops, break_continue_filter)
{
    EXPECT_TXT("{% for x in range(10) %}{% if x == 5 %}{% break %}{% endif %}"
               "{% if x is odd %}{% continue %}{% endif %}{{ x }}{% endfor %}",
               NULL, "024");
    EXPECT_TXT("{% for x in range(6) if x % 3 == 0 %}{{ x }}/{{ loop.length }} {% endfor %}", NULL,
               "0/2 3/2 ");
}

Test(loops, unpacking_and_maps)
{
    EXPECT_TXT("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "{d: {a: 1, b: 2}}",
               "a=1;b=2;");
    EXPECT_TXT("{% for k in d %}{{ k }}{% endfor %}", "{d: {z: 1, a: 2}}", "za");
}

Test(loops, recursive)
{
    EXPECT_TXT("{% for n in tree recursive %}{{ n.name }}{% if n.kids %}({{ loop(n.kids) }}){% end %}"
               "{{ n.name }}{% endfor %}",
               "{tree: [{name: a, kids: [{name: b, kids: []}]}, {name: c, kids: []}]}", "a(bb)acc");
}

Test(loops, million_items)
{
    EXPECT_TXT("{% set ns = namespace(n=0) %}{% for i in range(1000000) %}"
               "{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}",
               NULL, "1000000");
}

/* ---- scoping ------------------------------------------------------------------------ */

Test(scoping, set_in_for_does_not_leak)
{
    EXPECT_TXT("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}", NULL,
               "21");
    EXPECT_TXT("{% for i in [1] %}{% set y = 2 %}{% endfor %}{{ y is defined }}", NULL, "False");
}

Test(scoping, set_in_if_leaks)
{
    EXPECT_TXT("{% if true %}{% set x = 2 %}{% endif %}{{ x }}", NULL, "2");
}

Test(scoping, let_and_export_reach_template_scope)
{
    EXPECT_TXT("{% for i in [1, 2] %}{% export last = i %}{% endfor %}{{ last }}", NULL, "2");
    EXPECT_TXT("{% let t = 'T' %}{% macro m() %}{{ t }}{% endmacro %}{{ m() }}", NULL, "T");
    EXPECT_TXT("{% with %}{% let z = 3 %}{% endwith %}{{ z }}", NULL, "3");
}

Test(scoping, with_block)
{
    EXPECT_TXT("{% with a = 1, b = 2 %}{{ a + b }}{% set c = 3 %}{% endwith %}"
               "{{ a is defined }}{{ c is defined }}",
               NULL, "3FalseFalse");
    EXPECT_TXT("{% with a = x %}{{ a }}{% end %}", "{x: 9}", "9");
}

Test(scoping, namespace)
{
    EXPECT_TXT("{% set ns = namespace(total=0) %}{% for x in [1, 2, 3] %}"
               "{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}",
               NULL, "6");
}

Test(scoping, user_variable_named_like_internal_state)
{
    /* Render state lives outside the variables: _template is a name. */
    EXPECT_TXT("{% set _template = 'mine' %}{{ _template }}{{ _depth ?? '' }}", NULL, "mine");
    EXPECT_TXT("{{ _template }}", "{_template: ctx}", "ctx");
}

Test(scoping, capture)
{
    EXPECT_TXT("{% capture c %}a{{ 1 }}{% end %}[{{ c }}]", NULL, "[a1]");
    EXPECT_TXT("{% set s | upper %}ab{% endset %}{{ s }}", NULL, "AB");
}

/* ---- macros ------------------------------------------------------------------------- */

Test(macros, defaults_keywords_varargs)
{
    EXPECT_TXT("{% macro m(a, b=2) %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}{{ m(1, 3) }}{{ m(b=5, a=4) }}",
               NULL, "121345");
    EXPECT_TXT("{% def m() %}{{ varargs|length }}{{ kwargs.k }}{% end %}{{ m(1, 2, k=3) }}", NULL,
               "23");
}

Test(macros, caller)
{
    EXPECT_TXT("{% macro box(t) %}[{{ t }}:{{ caller() }}]{% endmacro %}"
               "{% call box('x') %}body{% endcall %}",
               NULL, "[x:body]");
    EXPECT_TXT("{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}"
               "{% call(v) each([1, 2]) %}<{{ v }}>{% endcall %}",
               NULL, "<1><2>");
}

Test(macros, recursion_through_def)
{
    EXPECT_TXT("{% def count(n) %}{% if n > 0 %}{{ n }}{{ count(n - 1) }}{% end %}{% end %}"
               "{{ count(5) }}",
               NULL, "54321");
}

Test(macros, closures_see_definition_scope)
{
    EXPECT_TXT("{% for i in [1, 2] %}{% macro m() %}{{ i }}{% endmacro %}{{ m() }}{% endfor %}",
               NULL, "12");
}

/* ---- inheritance and includes ---------------------------------------------------------- */

Test(inheritance, three_levels_with_super)
{
    char *out = render_files(
        "{v: x}", "leaf.html", "{% extends 'mid.html' %}{% block t %}L({{ super() }}){% endblock %}",
        "mid.html",
        "{% extends 'base.html' %}{% block t %}M({{ super() }}){% endblock %}"
        "{% block b %}mid-b{% endblock %}",
        "base.html", "<{% block t %}B{% endblock %}|{% block b %}base-b{% endblock %}|{{ v }}>",
        NULL);
    cr_assert(out, "%s", tmpl_err.data);
    cr_assert_str_eq(out, "<L(M(B))|mid-b|x>");
}

Test(inheritance, child_sets_are_visible_to_blocks)
{
    char *out = render_files(NULL, "c.html",
                             "{% extends 'p.html' %}{% set title = 'T' %}{% block b %}{{ title }}"
                             "{% endblock %}",
                             "p.html", "[{% block b %}{% endblock %}]", NULL);
    cr_assert_str_eq(out, "[T]");
}

Test(inheritance, nested_blocks)
{
    char *out = render_files(NULL, "c.html", "{% extends 'p.html' %}{% block in %}I{% endblock %}",
                             "p.html", "{% block out %}({% block in %}i{% endblock %}){% endblock %}",
                             NULL);
    cr_assert_str_eq(out, "(I)");
}

Test(includes, context_and_isolation)
{
    char *out = render_files("{g: G}", "t.html",
                             "{% set a = 1 %}{% for i in [7] %}{% include 'i.html' %}{% endfor %}"
                             "{{ leaked is defined }}",
                             "i.html", "{{ g }}{{ a }}{{ i }}{% set leaked = 1 %}", NULL);
    cr_assert_str_eq(out, "G17False");
    out = render_files(NULL, "t.html", "{% include 'nope.html' ignore missing %}ok", NULL);
    cr_assert_str_eq(out, "ok");
}

Test(includes, recursive_include_that_stops)
{
    char *out = render_files("{n: 3}", "a.html",
                             "{{ n }}{% if n > 0 %}{% with n = n - 1 %}{% include 'a.html' %}"
                             "{% endwith %}{% endif %}",
                             NULL);
    cr_assert(out, "%s", tmpl_err.data);
    cr_assert_str_eq(out, "3210");
}

Test(imports, import_defs)
{
    const char *lib = "{% def hello(n) %}Hi {{ n }}{% end %}{% set version = 2 %}";
    char *out = render_files(NULL, "t.html",
                             "{% import 'lib.html' as lib %}{{ lib.hello('a') }} {{ lib.version }}",
                             "lib.html", lib, NULL);
    cr_assert_str_eq(out, "Hi a 2");
    out = render_files(NULL, "t.html", "{% from 'lib.html' import hello as h %}{{ h('b') }}",
                       "lib.html", lib, NULL);
    cr_assert_str_eq(out, "Hi b");
}

/* ---- Kida expressions ------------------------------------------------------------------- */

Test(expressions, null_coalescing_and_optional_chaining)
{
    EXPECT_TXT("{{ missing ?? 'd' }}|{{ n ?? 'd' }}|{{ z ?? 'd' }}", "{n: 0, z: null}", "d|0|d");
    EXPECT_TXT("{{ a.b.c ?? 'deep' }}", "{a: {}}", "deep");
    EXPECT_TXT("{{ u?.name ?? 'anon' }}|{{ v?.name }}", "{u: null, v: {name: V}}", "anon|V");
    EXPECT_TXT("{{ l?[5] ?? 'none' }}", "{l: [1]}", "none");
    EXPECT_TXT("{{ x |> upper |> replace('A', 'b') }}", "{x: aa}", "bb");
}

Test(expressions, default_filter_and_defined)
{
    EXPECT_TXT("{{ page.subtitle|default('') }}|{{ page.subtitle is defined }}", "{page: {}}",
               "|False");
}

/* ---- fragment cache ---------------------------------------------------------------------- */

Test(cache, fragment_outlives_render)
{
    bf_tmpl_env_t *env = tmpl_env();
    const char *src = "{% cache 'nav-' ~ section %}{{ counter }}{% end %}";
    bf_tmpl_env_add_string(env, "t.html", src, strlen(src));
    const bf_tmpl_t *t;
    cr_assert_eq(bf_tmpl_env_load(env, "t.html", &t), 0);
    bf_tmpl_cache_t *cache = tmpl_keep('c', bf_tmpl_cache_new(0));
    const char *ctxs[] = {"{section: a, counter: 1}", "{section: a, counter: 2}",
                          "{section: b, counter: 3}"};
    const char *want[] = {"1", "1", "3"};
    for (int i = 0; i < 3; i++) {
        bf_arena_t *a = bf_arena_create(0);
        bf_value_t *v;
        cr_assert_eq(bf_yaml_parse(a, "c", ctxs[i], strlen(ctxs[i]), 1, NULL, &v), 0);
        bf_buf_t out = BF_BUF_INIT;
        bf_tmpl_render_opts_t o = {.arena = a, .cache = cache,
                                   .context = bf_tmpl_context_from_value(v), .quiet = true};
        cr_assert_eq(bf_tmpl_render(env, t, &o, &out), 0);
        cr_assert_str_eq(out.data, want[i]);
        bf_arena_destroy(a); /* the fragment must survive the page arena */
        bf_buf_free(&out);
    }
    size_t hits, misses, n;
    bf_tmpl_cache_stats(cache, &hits, &misses, &n);
    cr_assert_eq(hits, 1);
    cr_assert_eq(misses, 2);
    cr_assert_eq(n, 2);
}

/* ---- host objects --------------------------------------------------------------------------- */

/* A host class standing in for snapshot records: page i has a title and
 * a list of the pages after it. */
typedef struct {
    bf_tmpl_obj_t hdr;
    int npages;
} fake_site_t;

static const bf_tmpl_class_t page_class;

static int page_attr(bf_tmpl_rt_t *rt, bf_tv_t self, const bf_tmpl_name_t *name, bf_tv_t *out)
{
    static const char *const titles[] = {"Zero", "One", "Two", "Three"};
    if (name->len == 5 && memcmp(name->s, "title", 5) == 0) {
        *out = bf_tv_str(titles[self.aux], strlen(titles[self.aux]));
        return 1;
    }
    if (name->len == 4 && memcmp(name->s, "next", 4) == 0) {
        fake_site_t *s = (fake_site_t *)self.u.obj;
        *out = (int)self.aux + 1 < s->npages ? bf_tv_obj(self.u.obj, self.aux + 1) : bf_tv_null();
        return 1;
    }
    return 0;
}

static int page_str(bf_tmpl_rt_t *rt, bf_tv_t self, bf_tv_t *out)
{
    return page_attr(rt, self, &(bf_tmpl_name_t){"title", 5, 0}, out) == 1 ? 0 : -1;
}

static const bf_tmpl_class_t page_class = {
    .name = "page", .get_attr = page_attr, .to_str = page_str,
};

Test(host, objects_by_index)
{
    static fake_site_t site = {{&page_class}, 4};
    bf_tmpl_env_t *env = tmpl_env();
    const char *src = "{{ p.title }}>{{ p.next.title }}>{{ p.next.next.next.next ?? 'end' }}|{{ p }}"
                      "|{{ p.nope ?? 'x' }}|{{ p == p.next }}";
    bf_tmpl_env_add_string(env, "t.txt", src, strlen(src));
    const bf_tmpl_t *t;
    cr_assert_eq(bf_tmpl_env_load(env, "t.txt", &t), 0);
    bf_arena_t *a = tmpl_keep('a', bf_arena_create(0));
    bf_tv_map_t *ctx = bf_tv_map_new(a, 1);
    bf_tv_map_set(a, ctx, bf_tv_str("p", 1), bf_tv_obj(&site.hdr, 1));
    bf_buf_t out = BF_BUF_INIT;
    bf_tmpl_render_opts_t o = {.arena = a, .context = bf_tv_map(ctx), .quiet = true};
    cr_assert_eq(bf_tmpl_render(env, t, &o, &out), 0);
    tmpl_keep('f', out.data);
    cr_assert_str_eq(out.data, "One>Two>end|One|x|False");
}

/* ---- filters beyond Jinja ---------------------------------------------------------------------- */

Test(filters, bengal_extras)
{
    EXPECT_TXT("{{ 'Hello, World! C++ tips_2'|slug }}", NULL, "hello-world-c-tips-2");
    EXPECT_TXT("{{ '2024-03-05T10:20:00Z'|date }}|{{ '2024-03-05'|date('%d %B %Y') }}", NULL,
               "2024-03-05|05 March 2024");
    EXPECT_TXT("{{ 0|date('%Y') }}", NULL, "1970");
    EXPECT_TXT("{{ pages|where('kind', 'doc')|map(attribute='t')|join }}",
               "{pages: [{kind: doc, t: a}, {kind: blog, t: b}, {kind: doc, t: c}]}", "ac");
    EXPECT_TXT("{{ pages|where('w', 2, 'gt')|map(attribute='t')|join }}",
               "{pages: [{w: 1, t: a}, {w: 3, t: b}]}", "b");
    EXPECT_TXT("{{ pages|where('tags', 'go', 'in')|map(attribute='t')|join }}",
               "{pages: [{tags: [go, c], t: a}, {tags: [py], t: b}]}", "a");
}

Test(filters, urls)
{
    bf_tmpl_env_t *env = tmpl_env();
    bf_tmpl_env_set_baseurl(env, "https://example.org/docs/");
    const char *src = "{{ '/a/b/'|absolute_url }} {{ 'a/'|relative_url }} {{ 'https://x.y/'|absolute_url }}";
    bf_tmpl_env_add_string(env, "t.txt", src, strlen(src));
    char *out = render_env(env, "t.txt", NULL);
    cr_assert_str_eq(out, "https://example.org/docs/a/b/ /docs/a/ https://x.y/");
}

/* ---- profiling ------------------------------------------------------------------------------ */

static const bf_tprof_entry_t *prof_find(const bf_tmpl_profile_t *p, char kind, const char *name)
{
    const bf_tprof_entry_t *e = bf_tmpl_profile_entries(p);
    for (size_t i = 0; i < bf_tmpl_profile_size(p); i++) {
        if (e[i].kind == kind && strcmp(e[i].name, name) == 0)
            return &e[i];
    }
    return NULL;
}

Test(profile, counts_templates_blocks_macros_includes_filters)
{
    bf_tmpl_env_t *env = tmpl_env();
    const char *page = "{% extends 'base.html' %}{% block body %}{% for i in [1, 2, 3] %}"
                       "{{ m(i) }}{% include 'inc.html' %}{% endfor %}{% endblock %}"
                       "{% macro m(x) %}{{ x|string|upper }}{% endmacro %}";
    const char *base = "<{% block body %}{% endblock %}>";
    bf_tmpl_env_add_string(env, "page.html", page, strlen(page));
    bf_tmpl_env_add_string(env, "base.html", base, strlen(base));
    bf_tmpl_env_add_string(env, "inc.html", "i", 1);
    const bf_tmpl_t *t;
    cr_assert_eq(bf_tmpl_env_load(env, "page.html", &t), 0);
    bf_tmpl_profile_t *p = bf_tmpl_profile_new();
    bf_arena_t *a = tmpl_keep('a', bf_arena_create(0));
    bf_buf_t out = BF_BUF_INIT;
    bf_tmpl_render_opts_t o = {.arena = a, .profile = p, .quiet = true};
    for (int k = 0; k < 2; k++)
        cr_assert_eq(bf_tmpl_render(env, t, &o, &out), 0);
    tmpl_keep('f', out.data);
    cr_assert_str_eq(out.data, "<1i2i3i><1i2i3i>");
    const bf_tprof_entry_t *e;
    cr_assert((e = prof_find(p, BF_TPROF_TEMPLATE, "page.html")) && e->calls == 2);
    cr_assert((e = prof_find(p, BF_TPROF_TEMPLATE, "base.html")) && e->calls == 2);
    cr_assert((e = prof_find(p, BF_TPROF_TEMPLATE, "inc.html")) && e->calls == 6);
    cr_assert((e = prof_find(p, BF_TPROF_BLOCK, "page.html:body")) && e->calls == 2);
    cr_assert((e = prof_find(p, BF_TPROF_MACRO, "page.html:m")) && e->calls == 6);
    cr_assert((e = prof_find(p, BF_TPROF_INCLUDE, "inc.html")) && e->calls == 6);
    cr_assert((e = prof_find(p, BF_TPROF_FILTER, "upper")) && e->calls == 6);
    cr_assert((e = prof_find(p, BF_TPROF_FILTER, "string")) && e->calls == 6);
    /* Summing another worker's table doubles the counts. */
    bf_tmpl_profile_t *sum = bf_tmpl_profile_new();
    bf_tmpl_profile_add(sum, bf_tmpl_profile_entries(p), bf_tmpl_profile_size(p));
    bf_tmpl_profile_add(sum, bf_tmpl_profile_entries(p), bf_tmpl_profile_size(p));
    cr_assert((e = prof_find(sum, BF_TPROF_MACRO, "page.html:m")) && e->calls == 12);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bf_tmpl_profile_print(sum, f, 10);
    fclose(f);
    cr_assert(strstr(text, "macros") && strstr(text, "page.html:m"), "%s", text);
    free(text);
    bf_tmpl_profile_free(sum);
    bf_tmpl_profile_free(p);
}

/* The escape scan works 16 bytes at a time with an overlapping tail:
 * put a special at every position of strings of every length. */
Test(output, escape_every_position)
{
    const char specials[] = "&<>\"'";
    const char *repl[] = {"&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
    for (int len = 1; len <= 40; len++) {
        for (int pos = 0; pos < len; pos++) {
            int k = (len + pos) % 5;
            char s[64], want[128], ctx[160];
            memset(s, 'a', (size_t)len);
            s[len] = '\0';
            s[pos] = specials[k];
            snprintf(want, sizeof want, "%.*s%s%s", pos, s, repl[k], s + pos + 1);
            /* JSON-escape the one special the context needs escaped. */
            snprintf(ctx, sizeof ctx, "{\"s\": \"%.*s%s%s\"}", pos, s, k == 3 ? "\\\"" : (char[]){specials[k], 0},
                     s + pos + 1);
            char *out = render_html("{{ s }}", ctx);
            cr_assert(out, "len %d pos %d: %s", len, pos, tmpl_err.data);
            cr_assert_str_eq(out, want, "len %d pos %d", len, pos);
        }
    }
}
