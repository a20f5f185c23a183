/*
 * worker/md_code.h - fenced code blocks outside plain mode: the fence's
 * info string read for its options, and the block written highlighted
 * (private to the markdown adapter; the fence parser has no cmark type
 * and is what tests and the fuzz target call).
 *
 * The info string: the language, then options in any order, as the
 * documentation tools people come from write them:
 *
 *     python {3-5,9} title="app.py" linenos
 *     js{4}                                  (VitePress: braces glued on)
 *     yaml hl_lines="2 4-6"                  (MkDocs / Pygments)
 *     jsx title='/src/App.js' showLineNumbers (Docusaurus)
 *
 *   {RANGES}, hl_lines="RANGES"  lines to mark (1-based; "3-5", "9";
 *                                separated by commas or spaces)
 *   title="..." / '...' / word   a title bar above the block
 *   linenos, linenums, showLineNumbers (or one of them =true / =table /
 *                                =inline)  line numbers
 * Anything else is ignored, so info strings of other tools do no harm.
 *
 * The HTML (documented for themes in man 7 bengal-farm-templates):
 *
 *   <pre><code class="language-LANG">CODE</code></pre>
 *
 * as cmark-gfm writes it, CODE highlighted (worker/highlight.h) when the
 * page is rendered with a highlighter; with line numbers or marked lines
 * each line of CODE is <span class="line">...\n</span> (class "line hl"
 * when marked) and the <pre> gets class="linenos" when numbered (the
 * numbers are CSS counters, so copying the code copies no number); with a
 * title the whole is wrapped:
 *
 *   <div class="code-block"><div class="code-title">TITLE</div>
 *   <pre>...</pre>
 *   </div>
 */
#ifndef BF_WORKER_MD_CODE_H
#define BF_WORKER_MD_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Marked ranges kept per block (more are ignored). */
#define BF_MD_FENCE_RANGES 32
/* Line numbers above this are ignored in ranges. */
#define BF_MD_FENCE_LINE_MAX 1000000u

typedef struct {
    const char *lang; /* into the info string; may be empty */
    size_t lang_len;
    const char *title; /* into the info string (not unescaped); NULL: none */
    size_t title_len;
    bool linenos;
    uint32_t n_ranges;
    struct {
        uint32_t from, to; /* 1-based, from <= to */
    } ranges[BF_MD_FENCE_RANGES];
} bf_md_fence_t;

/* Reads info[0..len) (cmark's fence info, any bytes) into f.  Never
 * fails: what it does not understand is ignored. */
void bf_md_fence_parse(const char *info, size_t len, bf_md_fence_t *f);

/* Is line n (1-based) in one of f's ranges? */
bool bf_md_fence_marked(const bf_md_fence_t *f, uint32_t n);

struct bf_md_walk;

/* Writes the block of fence f holding lit[0..n) into the walk's output
 * (see the top), highlighted with the page's highlighter when it has one;
 * an unknown language is written plain (and counted by the highlighter).
 * Errors are sticky in the walk (oom). */
void bf_md_code_write(struct bf_md_walk *w, const bf_md_fence_t *f, const char *lit, size_t n);

#endif
