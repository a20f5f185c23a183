/*
 * shared/mdtitle.c - the title heading of a markdown page (see
 * mdtitle.h).
 *
 * A line scan, not a parse: fences are tracked by their first character
 * only, and setext headings are not titles.  That is the rule pages have
 * been titled by; what it finds is exactly a heading cmark-gfm parses as
 * an ATX h1 when it leads the page (only blank lines before it).
 */
#include "shared/mdtitle.h"

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Text of the heading line b[ts..te) without closing #s and {#id}. */
static const char *heading_text(const char *b, size_t ts, size_t te, size_t *len)
{
    while (te > ts && blank(b[te - 1]))
        te--;
    size_t k = te;
    while (k > ts && b[k - 1] == '#')
        k--;
    if (k < te && (k == ts || b[k - 1] == ' ')) /* closing #s */
        for (te = k; te > ts && b[te - 1] == ' ';)
            te--;
    if (te > ts + 3 && b[te - 1] == '}') { /* {#custom-id}, as md_inline.c */
        size_t open = te - 1;
        while (open > ts && b[open - 1] != '{')
            open--;
        bool id = open > ts && open + 1 < te - 1 && b[open] == '#';
        for (size_t i = open + 1; id && i < te - 1; i++)
            id = !blank(b[i]) && b[i] != '{' && b[i] != '}';
        if (id)
            for (te = open - 1; te > ts && blank(b[te - 1]);)
                te--;
    }
    while (ts < te && blank(b[ts]))
        ts++;
    *len = te - ts;
    return te > ts ? b + ts : NULL;
}

const char *bf_mdtitle_find(const char *b, size_t n, size_t *len, bool *leading)
{
    char fence = 0;
    bool first = true;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && b[e] != '\n')
            e++;
        size_t j = i, ind = 0;
        while (j < e && b[j] == ' ' && ind < 4)
            j++, ind++;
        if (ind < 4 && e - j >= 3 && (b[j] == '`' || b[j] == '~') && b[j + 1] == b[j] &&
            b[j + 2] == b[j]) {
            if (!fence)
                fence = b[j];
            else if (fence == b[j])
                fence = 0;
        } else if (!fence && ind < 4 && j + 1 < e && b[j] == '#' &&
                   (b[j + 1] == ' ' || b[j + 1] == '\t')) {
            const char *t = heading_text(b, j + 2, e, len);
            if (t) {
                if (leading)
                    *leading = first;
                return t;
            }
        }
        for (size_t k = i; k < e && first; k++)
            first = blank(b[k]);
        i = e + 1;
    }
    return NULL;
}
