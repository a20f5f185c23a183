/*
 * tests/tmpl/tmpl_errors_test.c - template errors (exact messages with
 * the source line and caret) and pathological templates that must end
 * with a result or a clear error, never a crash or a hang.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "tests/tmpl/helpers.h"

Test(errors, missing_endif)
{
    EXPECT_ERROR("<p>\n{% if x %}yes\n", "{x: 1}",
                 "t.txt:2:1: error: \"if\" is never closed (missing \"endif\" or \"end\")\n"
                 "    2 | {% if x %}yes\n"
                 "      | ^\n");
}

Test(errors, unknown_filter)
{
    EXPECT_ERROR("{{ x|bogus }}", "{x: 1}",
                 "t.txt:1:6: error: unknown filter \"bogus\"\n"
                 "    1 | {{ x|bogus }}\n"
                 "      |      ^\n");
}

Test(errors, undefined_variable)
{
    EXPECT_ERROR("<h1>{{ titel }}</h1>", "{title: T}",
                 "t.txt:1:8: error: undefined variable \"titel\"\n"
                 "    1 | <h1>{{ titel }}</h1>\n"
                 "      |        ^\n");
}

Test(errors, undefined_attribute)
{
    EXPECT_ERROR("{{ page.params.colour }}", "{page: {params: {color: red}}}",
                 "t.txt:1:16: error: \"page.params\" has no attribute \"colour\"\n"
                 "    1 | {{ page.params.colour }}\n"
                 "      |                ^\n");
    /* The first missing link is reported, not the last. */
    EXPECT_ERROR("{{ a.b.c }}", "{a: {}}",
                 "t.txt:1:6: error: \"a\" has no attribute \"b\"\n"
                 "    1 | {{ a.b.c }}\n"
                 "      |      ^\n");
}

Test(errors, undefined_in_condition_and_loop)
{
    EXPECT_ERROR("{% if flag %}x{% endif %}", NULL,
                 "t.txt:1:7: error: undefined variable \"flag\"\n"
                 "    1 | {% if flag %}x{% endif %}\n"
                 "      |       ^\n");
    EXPECT_ERROR("{% for p in pages %}{% endfor %}", NULL,
                 "t.txt:1:13: error: undefined variable \"pages\"\n"
                 "    1 | {% for p in pages %}{% endfor %}\n"
                 "      |             ^\n");
}

Test(errors, include_cycle_compile_time)
{
    bf_buf_reset(&tmpl_err);
    char *out = render_files(NULL, "t.html", "{% include 'a.html' %}", "a.html",
                             "A{% include 'b.html' %}", "b.html", "B{% include 'a.html' %}", NULL);
    cr_assert_null(out);
    cr_assert_str_eq(tmpl_err.data,
                     "b.html:1:13: error: template cycle: \"a.html\" -> \"b.html\" -> \"a.html\"\n"
                     "    1 | B{% include 'a.html' %}\n"
                     "      |             ^\n");
}

Test(errors, include_cycle_run_time)
{
    /* A cycle under a condition compiles; at run time it hits the limit. */
    bf_buf_reset(&tmpl_err);
    char *out = render_files("{go: true}", "a.html", "{% if go %}{% include 'b.html' %}{% endif %}",
                             "b.html", "{% include 'a.html' %}", NULL);
    cr_assert_null(out);
    cr_assert_str_eq(tmpl_err.data,
                     "a.html:1:12: error: include cycle (include depth limit 50): "
                     "\"b.html\" -> \"a.html\" -> \"b.html\"\n"
                     "    1 | {% if go %}{% include 'b.html' %}{% endif %}\n"
                     "      |            ^\n");
}

Test(errors, extends_cycle)
{
    bf_buf_reset(&tmpl_err);
    char *out = render_files(NULL, "a.html", "{% extends 'b.html' %}", "b.html",
                             "{% extends 'a.html' %}", NULL);
    cr_assert_null(out);
    cr_assert_str_eq(tmpl_err.data,
                     "b.html:1:12: error: template cycle: \"a.html\" -> \"b.html\" -> \"a.html\"\n"
                     "    1 | {% extends 'a.html' %}\n"
                     "      |            ^\n");
}

Test(errors, all_syntax_errors_at_once)
{
    bf_buf_reset(&tmpl_err);
    char *out = render_txt("{{ a + }}\n{% for %}{% endfor %}\n{{ b|nope }}\n{% bogus %}", NULL);
    cr_assert_null(out);
    cr_assert_str_eq(tmpl_err.data,
                     "t.txt:1:8: error: unexpected '}}', expected an expression\n"
                     "    1 | {{ a + }}\n"
                     "      |        ^\n"
                     "t.txt:2:8: error: unexpected '%}', expected a variable name\n"
                     "    2 | {% for %}{% endfor %}\n"
                     "      |        ^\n"
                     "t.txt:4:4: error: unknown tag \"bogus\"\n"
                     "    4 | {% bogus %}\n"
                     "      |    ^\n"
                     "t.txt:3:6: error: unknown filter \"nope\"\n"
                     "    3 | {{ b|nope }}\n"
                     "      |      ^\n");
}

Test(errors, misplaced_tags)
{
    EXPECT_ERROR("{% for x in y %}{% endif %}", NULL,
                 "t.txt:1:20: error: unexpected \"endif\", expected \"endfor\" or \"end\" to close "
                 "\"for\" from line 1\n"
                 "    1 | {% for x in y %}{% endif %}\n"
                 "      |                    ^\n");
    EXPECT_ERROR("{% endfor %}", NULL,
                 "t.txt:1:4: error: unexpected \"endfor\" outside of any block\n"
                 "    1 | {% endfor %}\n"
                 "      |    ^\n");
    EXPECT_ERROR("{% break %}", NULL,
                 "t.txt:1:1: error: \"break\" outside of a loop\n"
                 "    1 | {% break %}\n"
                 "      | ^\n");
    EXPECT_ERROR("{{ 1 is frobbed }}", NULL,
                 "t.txt:1:6: error: unknown test \"frobbed\"\n"
                 "    1 | {{ 1 is frobbed }}\n"
                 "      |      ^\n");
    EXPECT_ERROR("{% block a %}{% endblock %}{% block a %}{% endblock %}", NULL,
                 "t.txt:1:28: error: block \"a\" defined twice (first at line 1)\n"
                 "    1 | {% block a %}{% endblock %}{% block a %}{% endblock %}\n"
                 "      |                            ^\n");
    EXPECT_ERROR("{{ 'abc }}", NULL,
                 "t.txt:1:4: error: unterminated string\n"
                 "    1 | {{ 'abc }}\n"
                 "      |    ^\n");
    EXPECT_ERROR("{{ x", NULL,
                 "t.txt:1:1: error: tag is never closed (missing \"}}\")\n"
                 "    1 | {{ x\n"
                 "      | ^\n");
}

/* A tag left open on one line with more lines after it: the lexer used to
 * take the opener's column after moving past those lines, which wrapped
 * around (3:4294967274).  The error points at the opener; Jinja names the
 * same line ("unexpected '}'", no column). */
Test(errors, unclosed_tag_before_more_lines)
{
    EXPECT_ERROR("a\n<h1>{{ x }</h1>\nb\n", NULL,
                 "t.txt:2:5: error: tag is never closed (missing \"}}\")\n"
                 "    2 | <h1>{{ x }</h1>\n"
                 "      |     ^\n");
    EXPECT_ERROR("a\n  {%\nif x\n", NULL,
                 "t.txt:2:3: error: tag is never closed (missing \"%}\")\n"
                 "    2 |   {%\n"
                 "      |   ^\n");
    /* Two mistakes, two messages, both on the line they are on. */
    EXPECT_ERROR("a\n{{ \"abc\ndef\n", NULL,
                 "t.txt:2:4: error: unterminated string\n"
                 "    2 | {{ \"abc\n"
                 "      |    ^\n"
                 "t.txt:2:1: error: tag is never closed (missing \"}}\")\n"
                 "    2 | {{ \"abc\n"
                 "      | ^\n");
}

/* The same for {% raw %} whose own tag spans lines: the error is at the
 * raw tag, not past the end of the line the cursor reached. */
Test(errors, unclosed_raw_spanning_lines)
{
    EXPECT_ERROR("a\n {% raw\n%}x\ny\n", NULL,
                 "t.txt:2:2: error: \"raw\" is never closed (missing \"endraw\")\n"
                 "    2 |  {% raw\n"
                 "      |  ^\n");
}

/* A filter or test without a name is one mistake, reported once. */
Test(errors, missing_filter_or_test_name_reported_once)
{
    EXPECT_ERROR("{{ x|\n}}", "{x: 1}",
                 "t.txt:2:1: error: unexpected '}}', expected a name\n"
                 "    2 | }}\n"
                 "      | ^\n");
    EXPECT_ERROR("{{ x is }}", "{x: 1}",
                 "t.txt:1:9: error: unexpected '}}', expected a name\n"
                 "    1 | {{ x is }}\n"
                 "      |         ^\n");
}

Test(errors, runtime_errors)
{
    EXPECT_ERROR("{{ 1 / 0 }}", NULL,
                 "t.txt:1:6: error: division by zero\n"
                 "    1 | {{ 1 / 0 }}\n"
                 "      |      ^\n");
    EXPECT_ERROR("{{ 'a' + 1 }}", NULL,
                 "t.txt:1:8: error: unsupported operand types for +: string and int\n"
                 "    1 | {{ 'a' + 1 }}\n"
                 "      |        ^\n");
    EXPECT_ERROR("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", NULL,
                 "t.txt:1:34: error: \"m\" takes at most 1 argument, 2 given\n"
                 "    1 | {% macro m(a) %}{% endmacro %}{{ m(1, 2) }}\n"
                 "      |                                  ^\n");
    EXPECT_ERROR("{% include 'gone.html' %}", NULL,
                 "t.txt:1:12: error: template \"gone.html\" not found\n"
                 "    1 | {% include 'gone.html' %}\n"
                 "      |            ^\n");
}

Test(errors, dynamic_include_of_a_broken_template)
{
    bf_tmpl_env_t *env = tmpl_env();
    const char *t = "{% include name %}";
    bf_tmpl_env_add_string(env, "t.txt", t, strlen(t));
    bf_tmpl_env_add_string(env, "bad.txt", "{% if %}", 8);
    cr_assert_eq(bf_tmpl_env_compile_all(env), -1);
    bf_buf_reset(&tmpl_err);
    cr_assert_null(render_env(env, "t.txt", "{name: bad.txt}"));
    cr_assert_str_eq(tmpl_err.data, "t.txt:1:12: error: template \"bad.txt\" has errors\n"
                                    "    1 | {% include name %}\n"
                                    "      |            ^\n");
}

Test(errors, error_in_included_template_names_it)
{
    bf_buf_reset(&tmpl_err);
    char *out = render_files(NULL, "t.html", "x{% include 'part.html' %}", "part.html",
                             "line1\n{{ nope }}", NULL);
    cr_assert_null(out);
    cr_assert_str_eq(tmpl_err.data,
                     "part.html:2:4: error: undefined variable \"nope\"\n"
                     "    2 | {{ nope }}\n"
                     "      |    ^\n"
                     "t.html:1:2: note: included from here\n");
}

/* ---- pathological templates -------------------------------------------------------------- */

static char *repeat(const char *a, int n, const char *mid, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), lm = strlen(mid);
    char *s = tmpl_keep('f', malloc(la * (size_t)n + lb * (size_t)n + lm + 1)), *p = s;
    for (int i = 0; i < n; i++, p += la)
        memcpy(p, a, la);
    memcpy(p, mid, lm);
    p += lm;
    for (int i = 0; i < n; i++, p += lb)
        memcpy(p, b, lb);
    *p = '\0';
    return s;
}

Test(errors, notes_for_macro_calls)
{
    bf_buf_reset(&tmpl_err);
    char *out = render_files(NULL, "t.html", "{% from 'm.html' import f %}\n{{ f(1) }}", "m.html",
                             "{% macro f(x) %}{{ x + y }}{% endmacro %}", NULL);
    cr_assert_null(out);
    cr_assert_str_eq(tmpl_err.data,
                     "m.html:1:24: error: undefined variable \"y\"\n"
                     "    1 | {% macro f(x) %}{{ x + y }}{% endmacro %}\n"
                     "      |                        ^\n"
                     "t.html:2:4: note: called from here\n");
}

Test(pathological, ten_thousand_nested_ifs)
{
    char *src = repeat("{% if true %}", 10000, "x", "{% endif %}");
    bf_buf_reset(&tmpl_err);
    cr_assert_null(render_txt(src, NULL));
    cr_assert(strstr(tmpl_err.data, "error: blocks nested too deeply (limit 100)"), "%s",
              tmpl_err.data);
    /* One message, not one per level. */
    size_t count = 0;
    for (const char *p = tmpl_err.data; (p = strstr(p, "error:")); p++)
        count++;
    cr_assert_eq(count, 1, "%s", tmpl_err.data);
}

Test(pathological, deep_expressions)
{
    char *src = repeat("(", 100000, "1", ")");
    char *t = tmpl_keep('f', malloc(strlen(src) + 8));
    sprintf(t, "{{ %s }}", src);
    bf_buf_reset(&tmpl_err);
    cr_assert_null(render_txt(t, NULL));
    cr_assert(strstr(tmpl_err.data, "expression nested too deeply (limit 200)"), "%s",
              tmpl_err.data);
    src = repeat("[", 50000, "", "]");
    t = tmpl_keep('f', malloc(strlen(src) + 8));
    sprintf(t, "{{ %s }}", src);
    cr_assert_null(render_txt(t, NULL));
    src = repeat("not ", 50000, "1", "");
    t = tmpl_keep('f', malloc(strlen(src) + 8));
    sprintf(t, "{{ %s }}", src);
    cr_assert_null(render_txt(t, NULL));
    src = repeat("-", 50000, "1", "");
    t = tmpl_keep('f', malloc(strlen(src) + 8));
    sprintf(t, "{{ %s }}", src);
    cr_assert_null(render_txt(t, NULL));
}

Test(pathological, one_megabyte_template)
{
    /* 1 MiB of markup with a tag every 100 bytes. */
    size_t n = 1 << 20;
    char *src = tmpl_keep('f', malloc(n + 1));
    size_t o = 0;
    while (o + 100 < n) {
        memset(src + o, 'a', 87);
        memcpy(src + o + 87, "{{ x ~ 'y' }}", 13);
        o += 100;
    }
    memset(src + o, 'b', n - o);
    src[n] = '\0';
    char *out = render_txt(src, "{x: z}");
    cr_assert(out, "%s", tmpl_err.data);
    cr_assert_eq(strlen(out), (o / 100) * 89 + (n - o));
}

Test(pathological, runaway_recursion)
{
    bf_buf_reset(&tmpl_err);
    cr_assert_null(render_txt("{% def f(n) %}{{ f(n + 1) }}{% end %}{{ f(0) }}", NULL));
    cr_assert(strstr(tmpl_err.data, "error: recursion too deep"), "%s", tmpl_err.data);
    bf_buf_reset(&tmpl_err);
    cr_assert_null(render_files(NULL, "a.html", "{% include 'a.html' if true else 'x' %}", NULL));
    cr_assert(strstr(tmpl_err.data, "include cycle"), "%s", tmpl_err.data);
}

Test(pathological, huge_ranges_and_strings)
{
    bf_buf_reset(&tmpl_err);
    cr_assert_null(render_txt("{{ range(100000000)|length }}", NULL));
    cr_assert(strstr(tmpl_err.data, "range() of more than"), "%s", tmpl_err.data);
    cr_assert_null(render_txt("{{ 'x' * 1000000000000 }}", NULL));
    cr_assert_null(render_txt("{{ 2 ** 100 }}", NULL));
    cr_assert_null(render_txt("{{ [1] * 100000000000 }}", NULL));
}

Test(pathological, step_limit)
{
    bf_tmpl_env_t *env = tmpl_env();
    const char *src = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}";
    bf_tmpl_env_add_string(env, "t.txt", src, strlen(src));
    const bf_tmpl_t *t;
    cr_assert_eq(bf_tmpl_env_load(env, "t.txt", &t), 0);
    bf_arena_t *a = tmpl_keep('a', bf_arena_create(0));
    bf_buf_t out = BF_BUF_INIT;
    bf_buf_reset(&tmpl_err);
    bf_tmpl_render_opts_t o = {.arena = a, .max_steps = 1000000, .errors = &tmpl_err, .quiet = true};
    cr_assert_eq(bf_tmpl_render(env, t, &o, &out), -1);
    cr_assert(strstr(tmpl_err.data, "template takes too long"), "%s", tmpl_err.data);
    bf_buf_free(&out);
}

Test(pathological, garbage_input)
{
    const char *bad[] = {"{%", "{{", "{#", "{% if %}", "{{ }}", "{% for in %}", "}}{{", "{{ ) }}",
                         "{% set = %}", "{% macro %}", "{% call %}", "{% extends %}",
                         "{{ a[ }}", "{{ {1: } }}", "{{ 'a' 'b }}", "{% endblock %}{% block %}",
                         "{{ a.1.2.x }}", "{{ 9999999999999999999999 }}", "{% raw %}",
                         "{% filter %}x{% endfilter %}", "{{ x|default( }}", "\xff\xfe"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bf_buf_reset(&tmpl_err);
        cr_assert_null(render_txt(bad[i], NULL), "accepted: %s", bad[i]);
        cr_assert(tmpl_err.len > 0);
    }
}
