/*
 * tests/shared/mdtitle_test.c - the title heading scan that the
 * coordinator titles pages by and the markdown adapter leaves out of the
 * page: which heading, its text, and whether it leads the page.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "shared/mdtitle.h"

/* The title of body as a string ("" for none); *leading as found. */
static const char *title(const char *body, bool *leading)
{
    static char out[256];
    size_t len = 0;
    bool lead = false;
    const char *t = bf_mdtitle_find(body, strlen(body), &len, &lead);
    cr_assert(len < sizeof(out));
    memcpy(out, t ? t : "", t ? len : 0);
    out[t ? len : 0] = '\0';
    if (leading)
        *leading = t ? lead : false;
    return out;
}

Test(mdtitle, text)
{
    cr_assert_str_eq(title("# Hello world\n", NULL), "Hello world");
    cr_assert_str_eq(title("#   Spaced   \r\n", NULL), "Spaced");
    cr_assert_str_eq(title("#\tTab\n", NULL), "Tab");
    cr_assert_str_eq(title("# Closed ##\n", NULL), "Closed");
    cr_assert_str_eq(title("# C# is kept\n", NULL), "C# is kept");
    cr_assert_str_eq(title("   # Indented 3\n", NULL), "Indented 3");
    /* inline markdown is kept as written */
    cr_assert_str_eq(title("# The `bf` *tool*\n", NULL), "The `bf` *tool*");
    /* a custom id is the heading's id, not its text */
    cr_assert_str_eq(title("# Install {#setup}\n", NULL), "Install");
    cr_assert_str_eq(title("# Install {#set up}\n", NULL), "Install {#set up}");
    cr_assert_str_eq(title("# Sets {a, b}\n", NULL), "Sets {a, b}");
}

Test(mdtitle, which_heading)
{
    cr_assert_str_eq(title("", NULL), "");
    cr_assert_str_eq(title("## Second level\n", NULL), "");
    cr_assert_str_eq(title("#NoSpace\n", NULL), "");
    cr_assert_str_eq(title("    # code\n", NULL), "");
    cr_assert_str_eq(title("Setext\n======\n", NULL), "");
    /* empty headings are skipped */
    cr_assert_str_eq(title("# \n# {#id}\n# Real\n", NULL), "Real");
    /* not inside fences, of either kind */
    cr_assert_str_eq(title("```\n# not\n```\n~~~\n# no\n~~~\n# Yes\n", NULL), "Yes");
    cr_assert_str_eq(title("```\n# not\n~~~\n# still code\n```\n# Yes\n", NULL), "Yes");
}

Test(mdtitle, leading)
{
    bool lead;
    title("# Top\n", &lead);
    cr_assert(lead);
    title("\n  \r\n\t\n# After blank lines\n", &lead);
    cr_assert(lead);
    cr_assert_str_eq(title("Intro.\n\n# Later\n", &lead), "Later");
    cr_assert_not(lead);
    title("# \n# After an empty one\n", &lead);
    cr_assert_not(lead);
    title("```\n```\n# After code\n", &lead);
    cr_assert_not(lead);
}
