/*
 * tests/worker/markdown_directives_test.c - the block syntaxes writers
 * bring from other ecosystems (worker/md_directive.h): GitHub alerts,
 * MkDocs admonitions (!!!, ???, ???+), and the MyST directives tab-set,
 * tab-item, figure and dropdown, with their options, nesting, diagnostics
 * and edge cases (CRLF, tabs, unclosed and misnested blocks), and that
 * plain mode leaves all of it to cmark-gfm.
 *
 * The MyST admonitions themselves are in markdown_test.c, pathological
 * inputs in markdown_edge_test.c, the theme's styles in the golden site.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tests/worker/mdfix.h"

TestSuite(dir, .init = mdfix_setup, .fini = mdfix_teardown);

static const char *render_flags(const char *text, unsigned flags)
{
    return mdfix_render(text, flags, "content/docs/page.md", 1, NULL);
}

static const char *render(const char *text)
{
    return render_flags(text, 0);
}

static void plain_is_cmark(const char *text)
{
    char *want = mdfix_cmark_html(text, BF_MD_EXT_ALL, 0);
    cr_assert_str_eq(render_flags(text, BF_MD_PLAIN), want);
    free(want);
}

/* The result has exactly one diagnostic, of this kind and line. */
static void one_diag(bf_md_diag_kind_t kind, uint32_t line)
{
    cr_assert_eq(r.n_diags, 1);
    cr_assert_eq(r.diags[0].kind, kind);
    cr_assert_eq(r.diags[0].line, line);
}

#define ADMON(kind, title) "<div class=\"admonition " kind "\">\n<p class=\"admonition-title\">" \
                           title "</p>\n"

/* ---- GitHub alerts ---- */

Test(dir, alert_kinds)
{
    static const char *const kinds[][3] = {
        {"NOTE", "note", "Note"},          {"TIP", "tip", "Tip"},
        {"IMPORTANT", "important", "Important"}, {"WARNING", "warning", "Warning"},
        {"CAUTION", "caution", "Caution"},
    };
    char in[64], want[256];
    for (size_t i = 0; i < 5; i++) {
        snprintf(in, sizeof in, "> [!%s]\n> Body *text*.\n", kinds[i][0]);
        snprintf(want, sizeof want,
                 "<div class=\"admonition %s\">\n<p class=\"admonition-title\">%s</p>\n"
                 "<p>Body <em>text</em>.</p>\n</div>\n",
                 kinds[i][1], kinds[i][2]);
        cr_assert_str_eq(render(in), want);
        cr_assert_eq(r.n_diags, 0);
    }
    /* GitHub ignores the marker's case */
    cr_assert_str_eq(render("> [!Warning]\n> x\n"), ADMON("warning", "Warning") "<p>x</p>\n</div>\n");
    cr_assert_str_eq(render("> [!tip]\n> x\n"), ADMON("tip", "Tip") "<p>x</p>\n</div>\n");
}

/* GitHub has no custom title: anything after the marker on its line, a
 * marker that is not on the first line, or an unknown kind, keep the
 * block quote a quote. */
Test(dir, alert_marker_must_be_alone_on_the_first_line)
{
    cr_assert_str_eq(render("> [!NOTE] My title\n> x\n"),
                     "<blockquote>\n<p>[!NOTE] My title\nx</p>\n</blockquote>\n");
    cr_assert_str_eq(render("> x\n> [!NOTE]\n"),
                     "<blockquote>\n<p>x\n[!NOTE]</p>\n</blockquote>\n");
    cr_assert_str_eq(render("> [!FOO]\n> x\n"), "<blockquote>\n<p>[!FOO]\nx</p>\n</blockquote>\n");
    cr_assert_str_eq(render("> [!]\n"), "<blockquote>\n<p>[!]</p>\n</blockquote>\n");
    cr_assert_str_eq(render("> *[!NOTE]*\n"),
                     "<blockquote>\n<p><em>[!NOTE]</em></p>\n</blockquote>\n");
    cr_assert_str_eq(render("> # [!NOTE]\n"),
                     "<blockquote>\n<h1 id=\"note\">[!NOTE]</h1>\n</blockquote>\n");
    cr_assert_str_eq(render("[!NOTE]\n"), "<p>[!NOTE]</p>\n");
    cr_assert_eq(r.n_diags, 0);
}

Test(dir, alert_empty_and_line_breaks)
{
    /* nothing but the marker: the title alone */
    cr_assert_str_eq(render("> [!NOTE]\n"), ADMON("note", "Note") "</div>\n");
    cr_assert_str_eq(render("> [!NOTE]\n>\n> para\n"), ADMON("note", "Note") "<p>para</p>\n</div>\n");
    /* trailing spaces or a backslash after the marker are a hard break */
    cr_assert_str_eq(render("> [!NOTE]   \n> x\n"), ADMON("note", "Note") "<p>x</p>\n</div>\n");
    cr_assert_str_eq(render("> [!NOTE]\\\n> x\n"), ADMON("note", "Note") "<p>x</p>\n</div>\n");
    /* CRLF line ends, and a lazy continuation line */
    cr_assert_str_eq(render("> [!TIP]\r\n> a\r\nlazy\r\n"),
                     ADMON("tip", "Tip") "<p>a\nlazy</p>\n</div>\n");
}

Test(dir, alert_nested_content)
{
    cr_assert_str_eq(render("> [!WARNING]\n> - one\n> - two\n>\n> ```sh\n> rm -rf x\n> ```\n>\n"
                            "> > quoted\n"),
                     ADMON("warning", "Warning")
                     "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
                     "<pre><code class=\"language-sh\">rm -rf x\n</code></pre>\n"
                     "<blockquote>\n<p>quoted</p>\n</blockquote>\n</div>\n");
    /* inside a list item and inside an admonition */
    cr_assert_str_eq(render("- item\n\n  > [!NOTE]\n  > in list\n"),
                     "<ul>\n<li>\n<p>item</p>\n" ADMON("note", "Note")
                     "<p>in list</p>\n</div>\n</li>\n</ul>\n");
    cr_assert_str_eq(render(":::{tip}\n> [!CAUTION]\n> x\n:::\n"),
                     ADMON("tip", "Tip") ADMON("caution", "Caution") "<p>x</p>\n</div>\n</div>\n");
    /* a quote inside an alert can be an alert too */
    cr_assert_str_eq(render("> [!NOTE]\n> > [!TIP]\n> > x\n"),
                     ADMON("note", "Note") ADMON("tip", "Tip") "<p>x</p>\n</div>\n</div>\n");
}

/* Lines of the body keep their source line numbers (the marker line is
 * gone from the tree), and words are counted without the marker. */
Test(dir, alert_lines_and_words)
{
    render("intro\n\n> [!NOTE]\n> one [[missing]]\n> two [[gone]]\n");
    cr_assert_eq(r.n_diags, 2);
    cr_assert_eq(r.diags[0].line, 4);
    cr_assert_eq(r.diags[1].line, 5);
    cr_assert_eq(r.word_count, 5);
}

Test(dir, alert_excerpt_closes_the_div)
{
    render("> [!NOTE]\n> before <!--more--> after\n");
    cr_assert_str_eq(r.excerpt_html, ADMON("note", "Note") "<p>before </p></div>");
}

Test(dir, alert_plain_mode_is_cmark)
{
    plain_is_cmark("> [!NOTE]\n> Body.\n");
    cr_assert(strstr(r.html, "<blockquote>\n<p>[!NOTE]\nBody.</p>"), "%s", r.html);
}

/* ---- MkDocs admonitions ---- */

Test(dir, mkdocs_titles)
{
    cr_assert_str_eq(render("!!! note \"My *title*\"\n    Body *md*.\n"),
                     ADMON("note", "My *title*") "<p>Body <em>md</em>.</p>\n</div>\n");
    cr_assert_str_eq(render("!!! note\n    x\n"), ADMON("note", "Note") "<p>x</p>\n</div>\n");
    cr_assert_str_eq(render("!!!tip\n    x\n"), ADMON("tip", "Tip") "<p>x</p>\n</div>\n");
    cr_assert_str_eq(render("!!! seealso\n    x\n"), ADMON("seealso", "See also") "<p>x</p>\n</div>\n");
    /* Python-Markdown lowercases the class */
    cr_assert_str_eq(render("!!! Note\n    x\n"), ADMON("note", "Note") "<p>x</p>\n</div>\n");
    /* "" : no title at all */
    cr_assert_str_eq(render("!!! danger \"\"\n    x\n"),
                     "<div class=\"admonition danger\">\n<p>x</p>\n</div>\n");
    /* the title runs to the line's last quote */
    cr_assert_str_eq(render("!!! note \"a \"b\" c\"\n    x\n"),
                     ADMON("note", "a &quot;b&quot; c") "<p>x</p>\n</div>\n");
    cr_assert_eq(r.n_diags, 0);
}

/* An unknown type is an admonition of that class titled after it, as
 * MkDocs does (a theme can style it); more words are more classes. */
Test(dir, mkdocs_unknown_type_and_classes)
{
    cr_assert_str_eq(render("!!! abstract\n    x\n"), ADMON("abstract", "Abstract") "<p>x</p>\n</div>\n");
    cr_assert_eq(r.n_diags, 0);
    cr_assert_str_eq(render("!!! danger highlight  blink \"Don't\"\n    x\n"),
                     ADMON("danger highlight blink", "Don't") "<p>x</p>\n</div>\n");
    cr_assert_str_eq(render("!!! my_type-2\n    x\n"), ADMON("my_type-2", "My_type-2") "<p>x</p>\n</div>\n");
}

Test(dir, mkdocs_body_is_markdown)
{
    cr_assert_str_eq(render("!!! note\n    Para.\n\n    - a\n    - b\n\n    ```py\n    x = 1\n    ```\n\n"
                            "        indented code\n\n    !!! tip \"Inner\"\n        nested\n\n"
                            "    back in note\n\nafter\n"),
                     ADMON("note", "Note")
                     "<p>Para.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
                     "<pre><code class=\"language-py\">x = 1\n</code></pre>\n"
                     "<pre><code>indented code\n</code></pre>\n"
                     ADMON("tip", "Inner") "<p>nested</p>\n</div>\n"
                     "<p>back in note</p>\n</div>\n<p>after</p>\n");
    /* blank lines inside the body, even right after the opening line */
    cr_assert_str_eq(render("!!! note\n\n\n    x\n\n    y\n"),
                     ADMON("note", "Note") "<p>x</p>\n<p>y</p>\n</div>\n");
    /* an empty admonition: the next unindented line is outside */
    cr_assert_str_eq(render("!!! note\nnext\n"), ADMON("note", "Note") "</div>\n<p>next</p>\n");
}

/* Tabs count to the next multiple of 4 columns, as Python-Markdown and
 * cmark expand them. */
Test(dir, mkdocs_tab_indentation)
{
    cr_assert_str_eq(render("!!! note\n\tx\n  \ty\n\n\t\tcode\n"),
                     ADMON("note", "Note") "<p>x\ny</p>\n<pre><code>code\n</code></pre>\n</div>\n");
    cr_assert_str_eq(render("!!! note\n\t!!! tip\n\t\tdeep\n"),
                     ADMON("note", "Note") ADMON("tip", "Tip") "<p>deep</p>\n</div>\n</div>\n");
}

Test(dir, mkdocs_crlf)
{
    cr_assert_str_eq(render("!!! warning \"T\"\r\n    a\r\n\r\n    b\r\nout\r\n"),
                     ADMON("warning", "T") "<p>a</p>\n<p>b</p>\n</div>\n<p>out</p>\n");
    cr_assert_str_eq(render("??? note\r\n    x\r\n"),
                     "<details class=\"admonition note\">\n<summary class=\"admonition-title\">"
                     "Note</summary>\n<p>x</p>\n</details>\n");
}

Test(dir, mkdocs_collapsible)
{
    cr_assert_str_eq(render("??? question \"Why?\"\n    Because.\n"),
                     "<details class=\"admonition question\">\n<summary class=\"admonition-title\">"
                     "Why?</summary>\n<p>Because.</p>\n</details>\n");
    cr_assert_str_eq(render("???+ tip\n    Open.\n"),
                     "<details class=\"admonition tip\" open>\n<summary class=\"admonition-title\">"
                     "Tip</summary>\n<p>Open.</p>\n</details>\n");
    /* a <details> needs a summary: "" keeps the default one */
    cr_assert_str_eq(render("??? note \"\"\n    x\n"),
                     "<details class=\"admonition note\">\n<summary class=\"admonition-title\">"
                     "Note</summary>\n<p>x</p>\n</details>\n");
}

/* Python-Markdown ends the admonition at the first unindented line; cmark
 * would continue the body's paragraph there (a lazy line). */
Test(dir, mkdocs_unindented_line_ends_the_body)
{
    cr_assert_str_eq(render("!!! note\n    body\nafter\nmore\n"),
                     ADMON("note", "Note") "<p>body</p>\n</div>\n<p>after\nmore</p>\n");
    /* inside the body, a quote keeps CommonMark's lazy lines */
    cr_assert_str_eq(render("!!! tip\n    > q\n    lazy\n"),
                     ADMON("tip", "Tip") "<blockquote>\n<p>q\nlazy</p>\n</blockquote>\n</div>\n");
    /* a list item holding one */
    cr_assert_str_eq(render("- li\n\n  !!! note\n      x\n  after\n"),
                     "<ul>\n<li>\n<p>li</p>\n" ADMON("note", "Note")
                     "<p>x</p>\n</div>\n<p>after</p>\n</li>\n</ul>\n");
}

Test(dir, mkdocs_not_an_admonition)
{
    cr_assert_str_eq(render("!!!\n"), "<p>!!!</p>\n");
    cr_assert_str_eq(render("!!! \"only a title\"\n"), "<p>!!! &quot;only a title&quot;</p>\n");
    cr_assert_str_eq(render("!!!  note\n"), "<p>!!!  note</p>\n");
    cr_assert_str_eq(render("!!! note \"unterminated\n"), "<p>!!! note &quot;unterminated</p>\n");
    cr_assert_str_eq(render("!!! note \"T\" trailing\n"), "<p>!!! note &quot;T&quot; trailing</p>\n");
    cr_assert_str_eq(render("!!! wow!\n"), "<p>!!! wow!</p>\n");
    cr_assert_str_eq(render("    !!! note\n"), "<pre><code>!!! note\n</code></pre>\n");
    cr_assert_str_eq(render("?\?\?\?\n"), "<p>?\?\?\?</p>\n");
    /* it interrupts a paragraph, as in Python-Markdown */
    cr_assert_str_eq(render("para\n!!! note\n    x\n"),
                     "<p>para</p>\n" ADMON("note", "Note") "<p>x</p>\n</div>\n");
    cr_assert_eq(r.n_diags, 0);
}

Test(dir, mkdocs_words_and_plain_mode)
{
    render("!!! note \"Two words\"\n    three more here\n");
    cr_assert_eq(r.word_count, 5);
    plain_is_cmark("!!! note \"T\"\n    body\n\n??? tip\n    x\n\n???+ warning\n\tx\n");
    /* an indented line cannot interrupt a paragraph: it continues it */
    cr_assert(strstr(r.html, "<p>!!! note &quot;T&quot;\nbody</p>"), "%s", r.html);
}

/* ---- MyST tab-set / tab-item ---- */

#define TAB(set, ix, checked, sync, label)                                                    \
    "<input type=\"radio\" class=\"tab-input\" name=\"tabs-" set "\" id=\"tabs-" set "-" ix     \
    "\"" checked " />\n<label class=\"tab-label\" for=\"tabs-" set "-" ix "\" data-sync=\"" sync \
    "\">" label "</label>\n<div class=\"tab-panel\">\n"

Test(dir, tabs)
{
    cr_assert_str_eq(render("::::{tab-set}\n:::{tab-item} Linux\n`apt`\n:::\n:::{tab-item} macOS\n"
                            "brew\n:::\n::::\n"),
                     "<div class=\"tab-set\">\n"
                     TAB("1", "1", " checked", "Linux", "Linux") "<p><code>apt</code></p>\n</div>\n"
                     TAB("1", "2", "", "macOS", "macOS") "<p>brew</p>\n</div>\n"
                     "</div>\n");
    cr_assert_eq(r.n_diags, 0);
    /* equal fences work too: the innermost open directive takes each */
    cr_assert_str_eq(render(":::{tab-set}\n:::{tab-item} A\na\n:::\n:::{tab-item} B\nb\n:::\n:::\n"),
                     "<div class=\"tab-set\">\n" TAB("1", "1", " checked", "A", "A")
                     "<p>a</p>\n</div>\n" TAB("1", "2", "", "B", "B") "<p>b</p>\n</div>\n</div>\n");
}

/* :sync: names the key tabs are synchronised by (else the label);
 * :selected: is the tab checked first; labels are escaped. */
Test(dir, tabs_options)
{
    cr_assert_str_eq(render("::::{tab-set}\n:::{tab-item} C & C++\n:sync: c\nx\n:::\n"
                            ":::{tab-item} <Py>\n:selected:\ny\n:::\n::::\n"),
                     "<div class=\"tab-set\">\n"
                     TAB("1", "1", "", "c", "C &amp; C++") "<p>x</p>\n</div>\n"
                     TAB("1", "2", " checked", "&lt;Py&gt;", "&lt;Py&gt;") "<p>y</p>\n</div>\n"
                     "</div>\n");
    /* no label: "Tab N" */
    cr_assert_str_eq(render("::::{tab-set}\n:::{tab-item}\nx\n:::\n::::\n"),
                     "<div class=\"tab-set\">\n" TAB("1", "1", " checked", "", "Tab 1")
                     "<p>x</p>\n</div>\n</div>\n");
}

/* Each tab-set has its own radio group; the ids are the page's, so a
 * heading cannot take one. */
Test(dir, tabs_ids_are_unique_on_the_page)
{
    const char *one = "::::{tab-set}\n:::{tab-item} A\na\n:::\n::::\n";
    char in[256];
    snprintf(in, sizeof in, "## tabs-1-1\n\n%s\n%s", one, one);
    render(in);
    cr_assert(strstr(r.html, "<h2 id=\"tabs-1-1\">"), "%s", r.html);
    cr_assert(strstr(r.html, "name=\"tabs-1\" id=\"tabs-1-1-1\""), "%s", r.html);
    cr_assert(strstr(r.html, "for=\"tabs-1-1-1\""), "%s", r.html);
    cr_assert(strstr(r.html, "name=\"tabs-2\" id=\"tabs-2-1\""), "%s", r.html);
}

Test(dir, tabs_nesting)
{
    /* an admonition and an alert inside a tab; a tab-set inside a note */
    cr_assert_str_eq(render("::::{tab-set}\n:::{tab-item} A\n:::{note}\nn\n:::\n> [!TIP]\n> t\n:::\n"
                            "::::\n"),
                     "<div class=\"tab-set\">\n" TAB("1", "1", " checked", "A", "A")
                     ADMON("note", "Note") "<p>n</p>\n</div>\n" ADMON("tip", "Tip")
                     "<p>t</p>\n</div>\n</div>\n</div>\n");
    cr_assert_str_eq(render(":::::{note}\n::::{tab-set}\n:::{tab-item} A\na\n:::\n::::\n:::::\n"),
                     ADMON("note", "Note") "<div class=\"tab-set\">\n"
                     TAB("1", "1", " checked", "A", "A") "<p>a</p>\n</div>\n</div>\n</div>\n");
    cr_assert_eq(r.n_diags, 0);
}

Test(dir, tab_item_outside_a_tab_set)
{
    cr_assert_str_eq(render("intro\n\n:::{tab-item} Lone\ncontent\n:::\n"),
                     "<p>intro</p>\n<p>content</p>\n");
    one_diag(BF_MD_DIAG_MISNESTED, 3);
    cr_assert_str_eq(r.diags[0].message,
                     "tab-item outside a tab-set (put it between ::::{tab-set} and ::::)");
    /* inside another directive is outside a tab-set too */
    render(":::::{note}\n:::{tab-item} X\ny\n:::\n:::::\n");
    one_diag(BF_MD_DIAG_MISNESTED, 2);
}

Test(dir, tab_set_holds_only_tab_items)
{
    render("::::{tab-set}\n\nstray\n\n:::{tab-item} A\na\n:::\n::::\n");
    one_diag(BF_MD_DIAG_MISNESTED, 3);
    cr_assert(strstr(r.diags[0].message, "paragraph"), "%s", r.diags[0].message);
    cr_assert(strstr(r.html, "<p>stray</p>"), "%s", r.html);
}

/* An unclosed tab-set shows its fence as text, its tabs' content plainly,
 * and says where it was opened. */
Test(dir, tab_set_unclosed)
{
    cr_assert_str_eq(render("x\n\n::::{tab-set}\n:::{tab-item} A\na\n:::\n:::{tab-item} B\nb\n:::\n"),
                     "<p>x</p>\n<p>::::{tab-set}</p>\n<p>a</p>\n<p>b</p>\n");
    one_diag(BF_MD_DIAG_UNCLOSED_ADMONITION, 3);
    cr_assert_str_eq(r.diags[0].message,
                     "unclosed directive \"tab-set\" (end it with a line of 4 colons)");
}

/* ---- figure, dropdown, options ---- */

Test(dir, figure)
{
    cr_assert_str_eq(render("text\n\n:::{figure} img/arch diagram.png\n:alt: The \"parts\"\n"
                            "How the *parts* fit.\n:::\n"),
                     "<p>text</p>\n<figure class=\"figure\">\n<img src=\"img/arch%20diagram.png\" "
                     "alt=\"The &quot;parts&quot;\" />\n<figcaption>\n<p>How the <em>parts</em> "
                     "fit.</p>\n</figcaption>\n</figure>\n");
    cr_assert_eq(r.n_diags, 0);
    cr_assert_eq(r.n_images, 1);
    cr_assert_str_eq(r.images[0].target, "img/arch diagram.png");
    cr_assert_eq(r.images[0].kind, BF_MD_LINK_RELATIVE);
    cr_assert_eq(r.images[0].line, 3);
    /* no caption, no alt */
    cr_assert_str_eq(render(":::{figure} /a.svg\n:::\n"),
                     "<figure class=\"figure\">\n<img src=\"/a.svg\" alt=\"\" />\n</figure>\n");
    /* unsafe URLs are dropped as for images */
    cr_assert_str_eq(render(":::{figure} javascript:alert(1)\n:::\n"),
                     "<figure class=\"figure\">\n<img src=\"\" alt=\"\" />\n</figure>\n");
}

Test(dir, figure_without_image)
{
    cr_assert_str_eq(render(":::{figure}\ncaption\n:::\n"), "<p>caption</p>\n");
    one_diag(BF_MD_DIAG_BAD_OPTION, 1);
}

Test(dir, dropdown)
{
    cr_assert_str_eq(render(":::{dropdown} More *detail*\nHidden.\n:::\n"),
                     "<details class=\"dropdown\">\n<summary class=\"dropdown-title\">More "
                     "*detail*</summary>\n<p>Hidden.</p>\n</details>\n");
    cr_assert_str_eq(render(":::{dropdown}\n:open:\nx\n:::\n"),
                     "<details class=\"dropdown\" open>\n<summary class=\"dropdown-title\">"
                     "Details</summary>\n<p>x</p>\n</details>\n");
    cr_assert_eq(r.n_diags, 0);
}

/* Options are the ":key:" lines right after the fence; :class: adds
 * classes; an unknown one is reported with its line and dropped. */
Test(dir, options)
{
    cr_assert_str_eq(render(":::{note} T\n:class: Wide \"x\" y-z\nbody\n:::\n"),
                     "<div class=\"admonition note wide x y-z\">\n<p class=\"admonition-title\">T"
                     "</p>\n<p>body</p>\n</div>\n");
    cr_assert_eq(r.n_diags, 0);
    cr_assert_str_eq(render("a\n\n:::{dropdown} D\n:open:\n:colour: red\nbody\n:::\n"),
                     "<p>a</p>\n<details class=\"dropdown\" open>\n<summary class=\"dropdown-title\">"
                     "D</summary>\n<p>body</p>\n</details>\n");
    one_diag(BF_MD_DIAG_BAD_OPTION, 5);
    cr_assert_str_eq(r.diags[0].message,
                     "unknown option \"colour\" of \"dropdown\" (it takes: open class)");
    /* after content or a blank line, ":key:" is text */
    cr_assert_str_eq(render(":::{note}\n\n:class: x\n:::\n"),
                     ADMON("note", "Note") "<p>:class: x</p>\n</div>\n");
    cr_assert_str_eq(render(":::{note}\nx\n:open:\n:::\n"),
                     ADMON("note", "Note") "<p>x\n:open:</p>\n</div>\n");
    cr_assert_eq(r.n_diags, 0);
    /* CRLF option lines */
    cr_assert_str_eq(render(":::{figure} a.png\r\n:alt: A\r\ncap\r\n:::\r\n"),
                     "<figure class=\"figure\">\n<img src=\"a.png\" alt=\"A\" />\n<figcaption>\n"
                     "<p>cap</p>\n</figcaption>\n</figure>\n");
}

/* An excerpt cut inside a directive closes what the directive opened. */
Test(dir, excerpt_inside_directives)
{
    render("::::{tab-set}\n:::{tab-item} A\nbefore <!--more--> after\n:::\n::::\n");
    cr_assert_str_eq(r.excerpt_html, "<div class=\"tab-set\">\n" TAB("1", "1", " checked", "A", "A")
                                     "<p>before </p></div></div>");
    render(":::{figure} a.png\nbefore <!--more--> after\n:::\n");
    cr_assert_str_eq(r.excerpt_html, "<figure class=\"figure\">\n<img src=\"a.png\" alt=\"\" />\n"
                                     "<figcaption>\n<p>before </p></figcaption>\n</figure>");
    render("??? note\n    before <!--more--> after\n");
    cr_assert_str_eq(r.excerpt_html, "<details class=\"admonition note\">\n<summary class=\""
                                     "admonition-title\">Note</summary>\n<p>before </p></details>");
}

Test(dir, myst_plain_mode_is_cmark)
{
    plain_is_cmark("::::{tab-set}\n:::{tab-item} A\n:sync: a\nx\n:::\n::::\n\n"
                   ":::{figure} a.png\n:alt: y\ncap\n:::\n\n:::{dropdown} D\nz\n:::\n");
}
