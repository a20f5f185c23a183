/*
 * tests/worker/md_code_test.c - fenced code blocks in the markdown
 * adapter: the info string's options (worker/md_code.h), the HTML of a
 * block with a highlighter, title, line numbers and marked lines, and
 * that plain mode stays cmark-gfm's to the byte.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "shared/arena.h"
#include "worker/highlight.h"
#include "worker/markdown.h"
#include "worker/md_code.h"

static bf_md_t *md;
static bf_hl_t *hl;
static bf_arena_t *arena;

static void setup(void)
{
    cr_assert_eq(bf_md_init(), 0);
    md = bf_md_new();
    hl = bf_hl_new();
    arena = bf_arena_create(0);
    cr_assert(md && hl && arena);
}

static void teardown(void)
{
    bf_md_free(md);
    bf_hl_free(hl);
    bf_arena_destroy(arena);
}

TestSuite(code, .init = setup, .fini = teardown);

static bf_md_fence_t fence(const char *info)
{
    bf_md_fence_t f;
    bf_md_fence_parse(info, strlen(info), &f);
    return f;
}

static bool lang_is(const bf_md_fence_t *f, const char *lang)
{
    return f->lang_len == strlen(lang) && memcmp(f->lang, lang, f->lang_len) == 0;
}

static bool title_is(const bf_md_fence_t *f, const char *t)
{
    return f->title && f->title_len == strlen(t) && memcmp(f->title, t, f->title_len) == 0;
}

/* ---- the info string ------------------------------------------------------ */

Test(code, fence_language_only)
{
    bf_md_fence_t f = fence("python");
    cr_assert(lang_is(&f, "python"));
    cr_assert(!f.title && !f.linenos && f.n_ranges == 0);
    f = fence("");
    cr_assert_eq(f.lang_len, 0);
    f = fence("  c++  ");
    cr_assert(lang_is(&f, "c++"));
}

Test(code, fence_all_options)
{
    bf_md_fence_t f = fence("python {3-5,9} title=\"app.py\" linenos");
    cr_assert(lang_is(&f, "python"));
    cr_assert(title_is(&f, "app.py"));
    cr_assert(f.linenos);
    cr_assert_eq(f.n_ranges, 2);
    cr_assert_eq(f.ranges[0].from, 3);
    cr_assert_eq(f.ranges[0].to, 5);
    cr_assert_eq(f.ranges[1].from, 9);
    cr_assert_eq(f.ranges[1].to, 9);
    for (uint32_t n = 1; n <= 10; n++)
        cr_assert_eq(bf_md_fence_marked(&f, n), (n >= 3 && n <= 5) || n == 9, "line %u", n);
}

/* As VitePress, MkDocs and Docusaurus write them. */
Test(code, fence_other_tools_spellings)
{
    bf_md_fence_t f = fence("js{4}");
    cr_assert(lang_is(&f, "js"));
    cr_assert(f.n_ranges == 1 && f.ranges[0].from == 4 && f.ranges[0].to == 4);
    f = fence("yaml hl_lines=\"2 4-6\" linenums=\"1\"");
    cr_assert(lang_is(&f, "yaml"));
    cr_assert(f.n_ranges == 2 && f.ranges[1].from == 4 && f.ranges[1].to == 6);
    cr_assert(f.linenos);
    f = fence("jsx title='/src/App.js' showLineNumbers");
    cr_assert(title_is(&f, "/src/App.js"));
    cr_assert(f.linenos);
    f = fence("sh title=install.sh linenos=false");
    cr_assert(title_is(&f, "install.sh"));
    cr_assert(!f.linenos);
}

/* Nothing breaks it: unknown words are ignored, ranges are clamped and
 * bounded, quotes may be unclosed. */
Test(code, fence_garbage_is_ignored)
{
    bf_md_fence_t f = fence("c {0,9-3,x,-,5-,99999999999} title=\"unclosed");
    cr_assert(lang_is(&f, "c"));
    cr_assert(title_is(&f, "unclosed"));
    cr_assert_eq(f.n_ranges, 2); /* 3-9 and 5; 0 and the huge one dropped */
    cr_assert(f.ranges[0].from == 3 && f.ranges[0].to == 9);
    cr_assert(f.ranges[1].from == 5 && f.ranges[1].to == 5);
    f = fence("c {1");
    cr_assert_eq(f.n_ranges, 1);
    f = fence("c foo bar=baz title= linenos");
    cr_assert(f.linenos);
    char many[400] = "c {";
    for (int i = 1; i <= 60; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%d,", i);
    f = fence(many);
    cr_assert_eq(f.n_ranges, BF_MD_FENCE_RANGES);
}

/* ---- the block in a page -------------------------------------------------- */

#define NEED_GRAMMARS()                                                                            \
    do {                                                                                           \
        if (!bf_hl_language(0, NULL))                                                              \
            cr_skip_test("no grammar compiled in");                                                \
    } while (0)

static const char *render(const char *text, unsigned flags, bf_hl_t *h)
{
    bf_md_result_t r;
    bf_md_page_t in = {.body = text,
                       .body_len = strlen(text),
                       .flags = flags,
                       .extensions = flags & BF_MD_PLAIN ? 0 : BF_MD_EXT_ALL,
                       .hl = h};
    cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
    return bf_arena_strndup(arena, r.html, r.html_len);
}

Test(code, highlighted_block_in_a_page)
{
    NEED_GRAMMARS();
    cr_assert_str_eq(render("```c\nint x;\n```\n", 0, hl),
                     "<pre><code class=\"language-c\"><span class=\"hl-type\">int</span> "
                     "<span class=\"hl-variable\">x</span><span class=\"hl-delimiter\">;"
                     "</span>\n</code></pre>\n");
}

Test(code, title_lines_and_marks)
{
    NEED_GRAMMARS();
    cr_assert_str_eq(render("```c {2} title=\"a<b.c\" linenos\nint x;\nx = 1;\n```\n", 0, hl),
                     "<div class=\"code-block\"><div class=\"code-title\">a&lt;b.c</div>\n"
                     "<pre class=\"linenos\"><code class=\"language-c\">"
                     "<span class=\"line\"><span class=\"hl-type\">int</span> "
                     "<span class=\"hl-variable\">x</span><span class=\"hl-delimiter\">;"
                     "</span>\n</span>"
                     "<span class=\"line hl\"><span class=\"hl-variable\">x</span> "
                     "<span class=\"hl-operator\">=</span> <span class=\"hl-number\">1</span>"
                     "<span class=\"hl-delimiter\">;</span>\n</span>"
                     "</code></pre>\n</div>\n");
}

/* Options work without a highlighter (markdown.highlight: false). */
Test(code, options_without_highlighting)
{
    cr_assert_str_eq(render("```python {1}\na < b\n\n```\n", 0, NULL),
                     "<pre><code class=\"language-python\"><span class=\"line hl\">a &lt; b\n"
                     "</span><span class=\"line\">\n</span></code></pre>\n");
    cr_assert_str_eq(render("```python\na < b\n```\n", 0, NULL),
                     "<pre><code class=\"language-python\">a &lt; b\n</code></pre>\n");
}

/* An unknown language is plain, as before (the page lists it among its
 * languages, which the caller notes for the build's warning). */
Test(code, unknown_language_plain)
{
    cr_assert_str_eq(render("```cobol\nx < 1\n```\n", 0, hl),
                     "<pre><code class=\"language-cobol\">x &lt; 1\n</code></pre>\n");
}

/* Plain mode is cmark-gfm's output, whatever the highlighter and the info
 * string say. */
Test(code, plain_mode_is_cmark_gfm)
{
    static const char *const docs[] = {
        "```python {2} title=\"x\" linenos\nimport os\nx = 1\n```\n",
        "```c\nint x;\n```\n",
        "```js{4}\nx\n```\n",
        "    indented\n",
        "```\nno info\n```\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char *ref = cmark_markdown_to_html(docs[i], strlen(docs[i]), CMARK_OPT_DEFAULT);
        cr_assert_str_eq(render(docs[i], BF_MD_PLAIN, hl), ref, "%s", docs[i]);
        free(ref);
    }
}

/* The page's metadata sees the language without its glued braces. */
Test(code, code_languages_of_the_page)
{
    bf_md_result_t r;
    const char *text = "```js{4}\nx\n```\n\n```mermaid\ngraph\n```\n";
    bf_md_page_t in = {
        .body = text, .body_len = strlen(text), .extensions = BF_MD_EXT_ALL, .hl = hl};
    cr_assert_eq(bf_md_render(md, arena, &in, &r), 0);
    cr_assert_eq(r.n_code_langs, 2);
    cr_assert_str_eq(r.code_langs[0], "js");
    cr_assert(r.flags & BF_MD_HAS_MERMAID);
    cr_assert(r.flags & BF_MD_HAS_CODE);
}
