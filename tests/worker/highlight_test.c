/*
 * tests/worker/highlight_test.c - the tree-sitter highlighter
 * (worker/highlight.h, worker/hl_query.h): spans of a few languages,
 * escaping, aliases, unknown languages and their tally, nested captures,
 * lines, and that the text comes back byte for byte (tags stripped,
 * entities undone) whatever the input.
 *
 * A binary built without grammars (offline) knows no language: the tests
 * that need one are skipped there, the others still run.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "worker/highlight.h"
#include "worker/hl_query.h"

static bf_hl_t *hl;
static bf_buf_t out = BF_BUF_INIT;

static void setup(void)
{
    hl = bf_hl_new();
    cr_assert_not_null(hl);
}

static void teardown(void)
{
    bf_hl_free(hl);
    bf_buf_free(&out);
}

TestSuite(hl, .init = setup, .fini = teardown);

static bool have(const char *lang)
{
    for (size_t i = 0; bf_hl_language(i, NULL); i++)
        if (strcmp(bf_hl_language(i, NULL), lang) == 0)
            return true;
    return false;
}

#define NEED(lang)                                                                                 \
    do {                                                                                           \
        if (!have(lang))                                                                           \
            cr_skip_test("no %s grammar compiled in", lang);                                       \
    } while (0)

/* Renders code as lang; returns the HTML (valid until the next call). */
static const char *hl_as(const char *lang, const char *code, int *rc, const bf_hl_lines_t *lines)
{
    bf_buf_reset(&out);
    int r = bf_hl_render(hl, lang, strlen(lang), code, strlen(code), lines, &out);
    if (rc)
        *rc = r;
    else
        cr_assert_geq(r, 0, "bf_hl_render failed");
    return out.data ? out.data : "";
}

/* The text of html: tags dropped, the four entities undone.  Also checks
 * that every <span ...> is closed, in order (no overlap). */
static char *text_of(const char *html)
{
    size_t n = strlen(html), o = 0;
    char *t = malloc(n + 1);
    int depth = 0;
    cr_assert_not_null(t);
    for (size_t i = 0; i < n;) {
        if (html[i] == '<') {
            const char *end = strchr(html + i, '>');
            cr_assert_not_null(end, "unterminated tag in %s", html);
            if (html[i + 1] == '/')
                depth--;
            else
                depth++;
            cr_assert_geq(depth, 0, "a tag closed that was not open: %s", html);
            i = (size_t)(end - html) + 1;
            continue;
        }
        static const struct {
            const char *ent;
            char c;
        } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
        bool done = false;
        for (size_t k = 0; k < 4 && !done; k++) {
            size_t el = strlen(ents[k].ent);
            if (strncmp(html + i, ents[k].ent, el) == 0) {
                t[o++] = ents[k].c;
                i += el;
                done = true;
            }
        }
        if (!done) {
            cr_assert(html[i] != '>' && html[i] != '"', "unescaped %c in %s", html[i], html);
            t[o++] = html[i++];
        }
    }
    cr_assert_eq(depth, 0, "unclosed tags: %s", html);
    t[o] = '\0';
    return t;
}

static void assert_round_trip(const char *lang, const char *code, const bf_hl_lines_t *lines)
{
    int rc;
    const char *html = hl_as(lang, code, &rc, lines);
    cr_assert_geq(rc, 0);
    char *t = text_of(html);
    cr_assert_str_eq(t, code, "%s: the text does not come back from\n%s", lang, html);
    free(t);
}

/* html has <span class="hl-CLS">TEXT</span>. */
#define assert_span(html, cls, text)                                                               \
    cr_assert(strstr((html), "<span class=\"hl-" cls "\">" text "</span>"),                        \
              "no hl-%s span around \"%s\" in:\n%s", cls, text, (html))

/* Lines wrapped in <L n> ... </L>. */
static int mark_line(void *arg, bf_buf_t *o, uint32_t n, bool start)
{
    (void)arg;
    return start ? bf_buf_printf(o, "<L%u>", n) : bf_buf_puts(o, "</L>");
}

static const bf_hl_lines_t lines = {mark_line, NULL};

/* ---- spans ---------------------------------------------------------------- */

Test(hl, c_spans)
{
    NEED("c");
    cr_assert_str_eq(hl_as("c", "int x = 42; /* n */\n", NULL, NULL),
                     "<span class=\"hl-type\">int</span> <span class=\"hl-variable\">x</span> "
                     "<span class=\"hl-operator\">=</span> <span class=\"hl-number\">42</span>"
                     "<span class=\"hl-delimiter\">;</span> "
                     "<span class=\"hl-comment\">/* n */</span>\n");
}

Test(hl, python_spans_and_escaping)
{
    NEED("python");
    /* < & > " are escaped as cmark-gfm escapes code; the apostrophe is not */
    cr_assert_str_eq(hl_as("python", "return a < 1 and \"it's\" & b\n", NULL, NULL),
                     "<span class=\"hl-keyword\">return</span> <span class=\"hl-variable\">a"
                     "</span> <span class=\"hl-operator\">&lt;</span> <span class=\"hl-number\">1"
                     "</span> <span class=\"hl-operator\">and</span> <span class=\"hl-string\">"
                     "&quot;it's&quot;</span> <span class=\"hl-operator\">&amp;</span> "
                     "<span class=\"hl-variable\">b</span>\n");
}

/* Dots of a capture name become dashes: @function.builtin */
Test(hl, capture_names_with_dots)
{
    NEED("python");
    const char *h = hl_as("python", "print(len(x))\n", NULL, NULL);
    assert_span(h, "function-builtin", "print");
}

/* A capture inside another is a span inside the other's: the escape in
 * the string, the interpolation in the f-string. */
Test(hl, nested_captures)
{
    NEED("python");
    cr_assert_str_eq(hl_as("python", "\"a\\n\" + f\"{y}\"", NULL, NULL),
                     "<span class=\"hl-string\">&quot;a<span class=\"hl-escape\">\\n</span>"
                     "&quot;</span> <span class=\"hl-operator\">+</span> "
                     "<span class=\"hl-string\">f&quot;<span class=\"hl-embedded\">"
                     "<span class=\"hl-punctuation-special\">{</span>"
                     "<span class=\"hl-variable\">y</span>"
                     "<span class=\"hl-punctuation-special\">}</span></span>&quot;</span>");
}

/* Two patterns capture one identifier: the later one wins (here the
 * function call over the catch-all @variable), once. */
Test(hl, later_pattern_wins_one_span_per_range)
{
    NEED("javascript");
    const char *h = hl_as("javascript", "go(1);\n", NULL, NULL);
    assert_span(h, "function", "go");
    cr_assert(!strstr(h, "hl-variable"), "%s", h);
}

/* #match? predicates are evaluated (a Rust regex, translated): an
 * all-caps identifier is a constant in C. */
Test(hl, match_predicate)
{
    NEED("c");
    const char *h = hl_as("c", "x = MAX_LEN + y;\n", NULL, NULL);
    assert_span(h, "constant", "MAX_LEN");
    assert_span(h, "variable", "y");
}

/* #any-of? and #eq?: Lua's builtin functions and self, JavaScript's
 * require */
Test(hl, any_of_and_eq_predicates)
{
    NEED("lua");
    NEED("javascript");
    const char *h = hl_as("lua", "print(mine(self))\n", NULL, NULL);
    assert_span(h, "function-builtin", "print");
    assert_span(h, "function-call", "mine");
    assert_span(h, "variable-builtin", "self");
    h = hl_as("javascript", "require(x); requires(x);\n", NULL, NULL);
    assert_span(h, "function-builtin", "require");
    assert_span(h, "function", "requires");
}

/* Go's query is written for "the first pattern wins" (grammars/
 * languages): a call is a function, not the catch-all variable. */
Test(hl, first_pattern_wins_where_the_query_says)
{
    NEED("go");
    const char *h = hl_as("go", "x := mine(s)\n", NULL, NULL);
    assert_span(h, "function", "mine");
    assert_span(h, "variable", "x");
}

/* Every language compiled in loads its query and highlights something. */
Test(hl, every_language_highlights)
{
    static const char *const sample =
        "# x\nx = 1\nif (a) { return \"s\"; } // c\n<a href=\"x\">t</a>\n[k]\nk: v\n";
    size_t n = 0;
    for (size_t i = 0; bf_hl_language(i, NULL); i++, n++) {
        const char *name = bf_hl_language(i, NULL);
        const char *h = hl_as(name, sample, NULL, NULL);
        cr_assert(strstr(h, "<span class=\"hl-"), "%s: nothing highlighted:\n%s", name, h);
        char *t = text_of(h);
        cr_assert_str_eq(t, sample, "%s: the text does not come back", name);
        free(t);
    }
    if (n == 0)
        cr_skip_test("no grammar compiled in");
    cr_assert_gt(bf_hl_bytes(hl), 0);
}

/* ---- names ---------------------------------------------------------------- */

Test(hl, aliases)
{
    static const struct {
        const char *alias, *name;
    } cases[] = {
        {"py", "python"},     {"Python", "python"},  {"c++", "cpp"},       {"CXX", "cpp"},
        {"h", "cpp"},         {"hpp", "cpp"},        {"c#", "csharp"},     {"cs", "csharp"},
        {"js", "javascript"}, {"jsx", "javascript"}, {"ts", "typescript"}, {"tsx", "tsx"},
        {"sh", "bash"},       {"shell", "bash"},     {"zsh", "bash"},      {"console", "bash"},
        {"jsonc", "json"},    {"yml", "yaml"},       {"toml", "toml"},     {"rs", "rust"},
        {"golang", "go"},     {"java", "java"},      {"html", "html"},     {"css", "css"},
        {"md", "markdown"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *c = bf_hl_canonical(cases[i].alias, strlen(cases[i].alias));
        cr_assert_not_null(c, "%s: no language", cases[i].alias);
        cr_assert_str_eq(c, cases[i].name, "%s", cases[i].alias);
    }
    cr_assert_null(bf_hl_canonical("cobol", 5));
    cr_assert_null(bf_hl_canonical("py", 1)); /* "p" */
    NEED("python");
    cr_assert(strstr(hl_as("PY", "def f(): pass\n", NULL, NULL), "hl-keyword"));
}

Test(hl, unknown_language_is_plain)
{
    int rc;
    cr_assert_str_eq(hl_as("cobol", "x < \"y\" & 'z'\n", &rc, NULL),
                     "x &lt; &quot;y&quot; &amp; 'z'\n");
    cr_assert_eq(rc, BF_HL_UNKNOWN);
    /* not languages: plain, not "unknown" */
    hl_as("text", "x\n", &rc, NULL);
    cr_assert_eq(rc, 0);
    hl_as("mermaid", "graph TD\n", &rc, NULL);
    cr_assert_eq(rc, 0);
    hl_as("", "x\n", &rc, NULL);
    cr_assert_eq(rc, 0);
    uint32_t n;
    cr_assert_null(bf_hl_unknown(hl, 0, &n), "rendering counts nothing: pages are noted");
}

/* A page's languages are noted once each: those without a grammar are
 * counted (in any case, as one), the others and "not a language" not. */
Test(hl, languages_noted_per_page)
{
    bf_hl_note(hl, "cobol", 5);
    bf_hl_note(hl, "COBOL", 5);
    bf_hl_note(hl, "fortran", 7);
    bf_hl_note(hl, "text", 4);
    bf_hl_note(hl, "mermaid", 7);
    bf_hl_note(NULL, "cobol", 5);
    if (have("python"))
        bf_hl_note(hl, "py", 2);
    uint32_t n;
    cr_assert_str_eq(bf_hl_unknown(hl, 0, &n), "cobol");
    cr_assert_eq(n, 2);
    cr_assert_str_eq(bf_hl_unknown(hl, 1, &n), "fortran");
    cr_assert_eq(n, 1);
    cr_assert_null(bf_hl_unknown(hl, 2, &n));
}

/* The tally is bounded: names past its size are counted under "...". */
Test(hl, unknown_tally_overflows_into_dots)
{
    char name[16];
    for (int i = 0; i < BF_HL_UNKNOWN_MAX + 10; i++) {
        int len = snprintf(name, sizeof name, "lang%d", i);
        bf_hl_unknown_add(hl, name, (size_t)len, 1);
    }
    bf_hl_unknown_add(hl, "lang0", 5, 4);
    uint32_t n;
    cr_assert_str_eq(bf_hl_unknown(hl, 0, &n), "lang0");
    cr_assert_eq(n, 5);
    cr_assert_str_eq(bf_hl_unknown(hl, BF_HL_UNKNOWN_MAX - 1, &n), "...");
    cr_assert_eq(n, 11);
    cr_assert_null(bf_hl_unknown(hl, BF_HL_UNKNOWN_MAX, &n));
    /* a long name is cut */
    bf_hl_t *h2 = bf_hl_new();
    bf_hl_unknown_add(h2, "averyveryveryveryverylonglanguagename", 37, 1);
    cr_assert_eq(strlen(bf_hl_unknown(h2, 0, &n)), BF_HL_NAME_MAX);
    bf_hl_free(h2);
}

/* ---- lines ---------------------------------------------------------------- */

/* A span open across a line end is closed before it and opened again
 * after: each line is well-formed HTML on its own. */
Test(hl, spans_reopened_across_lines)
{
    NEED("c");
    cr_assert_str_eq(hl_as("c", "/* a\nb */ x;\n", NULL, &lines),
                     "<L1><span class=\"hl-comment\">/* a\n</span></L>"
                     "<L2><span class=\"hl-comment\">b */</span> "
                     "<span class=\"hl-variable\">x</span>"
                     "<span class=\"hl-delimiter\">;</span>\n</L>");
}

Test(hl, lines_plain_and_without_a_final_newline)
{
    cr_assert_str_eq(hl_as("cobol", "a\n\nb", NULL, &lines), "<L1>a\n</L><L2>\n</L><L3>b</L>");
    cr_assert_str_eq(hl_as("cobol", "", NULL, &lines), "");
    /* no highlighter: plain, lines still wrapped, nothing counted */
    bf_buf_reset(&out);
    cr_assert_eq(bf_hl_render(NULL, "c", 1, "x<\ny", 4, &lines, &out), 0);
    cr_assert_str_eq(out.data, "<L1>x&lt;\n</L><L2>y</L>");
}

/* ---- the text comes back -------------------------------------------------- */

Test(hl, text_round_trips)
{
    static const char *const samples[] = {
        "int main(void) { char *s = \"<&>\\\"\"; return s[0] > 1 && 1 < 2; }\n",
        "/* unterminated comment\n\nstill <b> & ",
        "def f(x):\n    '''doc'''\n    return f\"{x!r}\" # \xc3\xa9\n",
        "\xff\xfe broken utf-8 \x80 \"\n",
        "",
        "\n\n\n",
        "{\"a\": [1, 2, {\"b\": null}], \"c\": \"\\u00e9\"}",
        "<?php echo \"<b>\" . $x; ?>\n<div class=\"a\">&amp;</div>\n",
    };
    size_t nl = 0;
    while (bf_hl_language(nl, NULL))
        nl++;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        for (size_t k = 0; k <= nl; k++) {
            const char *lang = k < nl ? bf_hl_language(k, NULL) : "cobol";
            assert_round_trip(lang, samples[i], NULL);
            assert_round_trip(lang, samples[i], &lines);
        }
    }
}

/* Random bytes through a few grammars: never a crash, always the text
 * back, tags balanced. */
Test(hl, random_bytes_round_trip)
{
    static const char alphabet[] = "abcXYZ019 \t\n{}()[]<>&\"'`/*#$\\;:=.,-+!?@%|~\x80\xff";
    const char *langs[] = {"c", "python", "javascript", "bash", "html", "yaml", "rust"};
    char code[200];
    srand(12);
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(rand() % (int)(sizeof code - 1));
        for (size_t i = 0; i < n; i++)
            code[i] = alphabet[rand() % (int)(sizeof alphabet - 1)];
        code[n] = '\0';
        for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++)
            assert_round_trip(langs[l], code, round % 2 ? &lines : NULL);
    }
}

/* A second block of a language reuses its parser and query: the same
 * output, and the same again after a block of another language. */
Test(hl, parsers_reused_across_blocks)
{
    NEED("rust");
    char *first = strdup(hl_as("rust", "fn main() { let v = vec![1]; }\n", NULL, NULL));
    hl_as("c", "int x;\n", NULL, NULL);
    cr_assert_str_eq(hl_as("rust", "fn main() { let v = vec![1]; }\n", NULL, NULL), first);
    free(first);
}

/* ---- Rust regexes to POSIX ------------------------------------------------ */

Test(hl, regex_translation)
{
    static const struct {
        const char *in, *out;
        bool icase;
    } ok[] = {
        {"^[A-Z][A-Z\\d_]*$", "^[A-Z][A-Z0-9_]*$", false},
        {"^\\d+\\.\\w$", "^[0-9]+\\.[A-Za-z0-9_]$", false},
        {"(?i)^select$", "^select$", true},
        {"^(?:a|b)+?$", "^(a|b)+$", false},
        {"[\\s,]", "[[:space:],]", false},
        {"^[]a]", "^[]a]", false},
        {"[[:upper:]]", "[[:upper:]]", false},
        {"a\\/b", "a/b", false},
    };
    static const char *const bad[] = {"\\p{Lu}", "(?=x)", "[a-z&&b]", "[\\D]", "[abc", "\\"};
    char ere[128];
    bool icase;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        cr_assert_eq(bf_hl_regex_to_ere(ok[i].in, strlen(ok[i].in), ere, sizeof ere, &icase), 0,
                     "%s", ok[i].in);
        cr_assert_str_eq(ere, ok[i].out, "%s", ok[i].in);
        cr_assert_eq(icase, ok[i].icase, "%s", ok[i].in);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(bf_hl_regex_to_ere(bad[i], strlen(bad[i]), ere, sizeof ere, &icase), -1, "%s",
                     bad[i]);
    cr_assert_eq(bf_hl_regex_to_ere("abcdef", 6, ere, 4, &icase), -1, "too long for out");
}

/* The coordinator compiles the fence languages discovery saw before the
 * fork: names and aliases each once, unknown ones skipped, on threads;
 * a later block of a prepared language compiles nothing more, one of
 * another language still compiles its own. */
Test(hl, prepare_compiles_each_language_once_ahead)
{
    NEED("python");
    NEED("yaml");
    NEED("go");
    const char *langs[] = {"python", "py", "YAML", "nosuch", "yml", "text"};
    cr_assert_eq(bf_hl_ready_count(hl), 0);
    cr_assert_eq(bf_hl_prepare(hl, langs, sizeof langs / sizeof *langs, 4), 0);
    cr_assert_eq(bf_hl_ready_count(hl), 2, "%zu languages made", bf_hl_ready_count(hl));
    const char *html = hl_as("py", "def f():\n    return 1\n", NULL, NULL);
    cr_assert(strstr(html, "hl-keyword"), "not highlighted after prepare: %s", html);
    cr_assert_eq(bf_hl_ready_count(hl), 2);
    hl_as("go", "package main\n", NULL, NULL);
    cr_assert_eq(bf_hl_ready_count(hl), 3);
    cr_assert_eq(bf_hl_prepare(hl, langs, 2, 2), 0, "preparing again");
    cr_assert_eq(bf_hl_ready_count(hl), 3);
}
