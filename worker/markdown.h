/*
 * worker/markdown.h - the markdown adapter: one page's markdown to HTML
 * and everything the build needs from it, in one parse and one walk.
 *
 * This module (worker/markdown.c and its private helpers worker/md_*.c)
 * is the only code that includes or links cmark-gfm (STYLE 13).  No
 * cmark type appears in this header.
 *
 * How a page is rendered (bf_md_render):
 *   0. the body's include directives (MyST ":::{include} path", found and
 *      resolved by the coordinator: coordinator/include.h) are expanded
 *      as it is fed to the parser: each directive's lines are replaced by
 *      a blank line, the included file's body (its own includes expanded
 *      the same way) and a blank line, so the included markdown is parsed
 *      as if it were written there, in the same single parse (its link
 *      reference definitions and footnotes are the page's); relative
 *      links in it are relative to the page, as in MyST;
 *   1. one cmark-gfm parse of the body with the extensions table,
 *      strikethrough, autolink, tagfilter, tasklist, footnotes, and the
 *      two block extensions of this module: MyST directives (:::{note},
 *      tab-set, tab-item, figure, dropdown; md_admon.h) and MkDocs
 *      admonitions (!!! note, ??? note; md_mkdocs.h);
 *   2. one walk of the tree that writes the HTML (our own renderer, which
 *      gives byte-for-byte the output of cmark_render_html in plain mode)
 *      and, in the same visit of each node, heading ids, the TOC,
 *      cross-references, link rewriting, GitHub alerts (> [!NOTE]), code
 *      blocks highlighted with the caller's highlighter (worker/highlight.h;
 *      fence options in md_code.h), word count, excerpt, flags and link
 *      lists.  Nothing is done by rewriting the produced HTML
 *      (md_directive.h: the markup).
 *   bf_md_stats() counts parses, walks and visited nodes so that tests can
 *   prove the "one parse, one walk" property.
 *
 * Memory: cmark-gfm allocates through a cmark_mem of this module that
 * takes its memory from a private arena of the bf_md_t; the arena is reset
 * after every page, so after the first pages a render makes no malloc
 * call.  cmark's allocator has no context pointer, so the arena in use is
 * a process-wide "current arena" set for the duration of bf_md_render: the
 * one such global STYLE 4 allows.  A bf_md_t is therefore used by one
 * render at a time (processes are single-threaded; each worker has its
 * own after fork).
 *
 * Ownership of a result (bf_md_result_t):
 *   - html points into a buffer owned by the bf_md_t: valid until the next
 *     bf_md_render on the same bf_md_t or bf_md_free;
 *   - everything else (toc, toc_html, excerpt, arrays, their strings) is
 *     allocated in the caller's arena passed to bf_md_render and dies with
 *     it, but the source of a link or diagnostic in an included file,
 *     which is a string of the snapshot.  All strings are NUL-terminated
 *     UTF-8 (when the input was).
 *
 * Errors: bf_md_render returns -1 only when memory runs out (the caller's
 * arena, or the reusable buffers); the message is logged.  Running out of
 * memory inside cmark-gfm is logged and exits the process with status 1
 * (STYLE 6: fatal in a worker; the coordinator retries the wave).
 * Problems in the content (a cross-reference that does not resolve, a link
 * to a missing .md file, an unknown or unclosed directive, a misnested
 * tab-item, an unknown directive option, an include that could not be
 * expanded) are not errors
 * of the call: they are returned as diagnostics (bf_md_diag_t) with a
 * source line; bf_md_log_diags() prints them.
 */
#ifndef BF_WORKER_MARKDOWN_H
#define BF_WORKER_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "snapshot-format/reader.h"
#include "worker/highlight.h"

/* "No such index" in the result arrays (same value as BF_SNAP_NONE). */
#define BF_MD_NONE 0xffffffffu

/* Extensions (bf_md_page_t.extensions).  The admonition extension is part
 * of the non-plain mode, not of this set. */
enum {
    BF_MD_EXT_TABLE = 1u << 0,
    BF_MD_EXT_STRIKETHROUGH = 1u << 1,
    BF_MD_EXT_AUTOLINK = 1u << 2,
    BF_MD_EXT_TAGFILTER = 1u << 3,
    BF_MD_EXT_TASKLIST = 1u << 4,
    BF_MD_EXT_FOOTNOTES = 1u << 5,
    BF_MD_EXT_ALL = (1u << 6) - 1,
};

/* Options (bf_md_page_t.flags). */
enum {
    /* Raw HTML and dangerous URLs (javascript:, vbscript:, file:, data:
     * except images) are kept.  Default: dropped (markdown.unsafe). */
    BF_MD_UNSAFE = 1u << 0,
    /* A permalink <a class="anchor"> inside each heading
     * (markdown.anchor_links). */
    BF_MD_ANCHOR_LINKS = 1u << 1,
    /* Exactly cmark-gfm's output: no heading ids, no cross-references, no
     * admonitions, no link rewriting, no highlighting or fence options,
     * <!--more--> left alone.  Metadata is still collected. */
    BF_MD_PLAIN = 1u << 2,
};

/* Maps a cmark-gfm extension name ("table", ..., "footnotes") to its
 * BF_MD_EXT_* bit; 0 for an unknown name. */
unsigned bf_md_ext_from_name(const char *name);

/* One page to render.  Nothing is retained after bf_md_render returns. */
typedef struct {
    const char *body;       /* markdown, not necessarily NUL-terminated */
    size_t body_len;
    uint32_t body_line;     /* line of body[0] in the source file; 0 = 1 */
    /* Site-relative source path, "content/docs/intro.md": names the file
     * in diagnostics and is the base of relative .md links.  NULL: "-". */
    const char *source;
    /* Snapshot to resolve cross-references and .md links against; NULL:
     * every cross-reference and .md link is unresolved. */
    const bf_snap_t *snap;
    /* Prefix put before a page URL in rewritten links ("/sub" for a site
     * below a subpath; no trailing '/').  NULL: the path part of the
     * snapshot's baseurl ("" without a snapshot). */
    const char *url_prefix;
    unsigned flags;         /* BF_MD_UNSAFE | BF_MD_ANCHOR_LINKS | BF_MD_PLAIN */
    unsigned extensions;    /* BF_MD_EXT_*; the site uses BF_MD_EXT_ALL */
    /* Heading levels that go into the TOC (markdown.toc_depth); 0, 0 means
     * the default 2..4. */
    uint8_t toc_min, toc_max;
    /* Front matter summary (plain text), the excerpt when the body has no
     * <!--more--> marker; NULL/0 when absent. */
    const char *summary;
    size_t summary_len;
    /* The page's title, which its template prints (<h1>{{ page.title }}).
     * When the body begins with the heading the title is ("# Title" with
     * only blank lines before it, and the text bf_mdtitle_find gives
     * equal to title: the title was taken from it, or the front matter
     * repeats it), that heading is left out: it is not written, takes no
     * id and has no TOC entry, so the page shows its title once and the
     * ids and TOC describe what is on it.  NULL, or plain mode: every
     * heading is written. */
    const char *title;
    /* Highlighter of fenced code blocks (markdown.highlight), kept by the
     * caller across pages; NULL: code is not highlighted.  Not used in
     * plain mode.  Fence options (lines, title) work either way. */
    bf_hl_t *hl;
    /* The body's include directives (the snapshot's records: in order,
     * inside the body, naming fragments of snap), expanded before the
     * parse (step 0 above); NULL/0, or no snap: none.  Not in plain
     * mode, which stays exactly cmark-gfm's.  Includes nest
     * BF_MYST_INCLUDE_DEPTH deep at most and the whole text stays under
     * the body limit; past either, a directive is dropped with a
     * diagnostic (the coordinator refuses such sites before). */
    const bf_snap_include_t *includes;
    size_t n_includes;
} bf_md_page_t;

/* One TOC entry.  The items are in document order; the tree is given by
 * indexes (BF_MD_NONE when absent): a heading's parent is the closest
 * earlier heading of a smaller level, so skipped levels (h2 then h4) nest
 * without empty entries. */
typedef struct {
    uint8_t level;          /* 1..6 */
    uint8_t depth;          /* 0 for a top entry of the TOC */
    uint32_t parent;
    uint32_t first_child;
    uint32_t next_sibling;
    const char *text;       /* heading text, plain (not escaped) */
    const char *id;         /* its id attribute */
} bf_md_toc_item_t;

typedef enum {
    BF_MD_LINK_XREF = 0,    /* [[...]] cross-reference */
    BF_MD_LINK_MD,          /* relative link to a .md file */
    BF_MD_LINK_PATH,        /* site-absolute link, "/docs/intro/" */
    BF_MD_LINK_RELATIVE,    /* other relative link, "img/a.png", "../x/" */
    BF_MD_LINK_ANCHOR,      /* same-page link, "#part" */
    BF_MD_LINK_EXTERNAL,    /* has a scheme: https:, mailto: ... */
} bf_md_link_kind_t;

typedef struct {
    const char *target;     /* as written (URL, or the text inside [[ ]]) */
    const char *fragment;   /* "part" of "#part", or NULL */
    uint32_t page;          /* page id when resolved, else BF_MD_NONE */
    uint32_t line;          /* line in the source file */
    uint8_t kind;           /* bf_md_link_kind_t */
    /* The file the line is in when it is an included one (site-relative,
     * "content/_snippets/x.md"), else NULL: the page.  Where the link is
     * written only: it resolves against the page (bf_md_page_t.source). */
    const char *source;
} bf_md_link_t;

typedef enum {
    BF_MD_DIAG_BROKEN_XREF = 0, /* [[x]] resolves to no page */
    BF_MD_DIAG_BROKEN_LINK,     /* link to a .md file that is no page */
    BF_MD_DIAG_BROKEN_ANCHOR,   /* [[#x]] and no heading has id x */
    BF_MD_DIAG_UNKNOWN_DIRECTIVE, /* :::{foo} */
    BF_MD_DIAG_UNCLOSED_ADMONITION, /* a MyST directive without its closing fence */
    BF_MD_DIAG_MISNESTED,       /* a tab-item outside a tab-set, other blocks in one */
    BF_MD_DIAG_BAD_OPTION,      /* an unknown :option:, a figure without its image */
    BF_MD_DIAG_INCLUDE,         /* an include that is not expanded */
    BF_MD_DIAG_KINDS            /* how many kinds there are */
} bf_md_diag_kind_t;

typedef struct {
    uint32_t line;          /* line in the source file */
    uint8_t kind;           /* bf_md_diag_kind_t */
    const char *target;     /* what was referenced or named */
    const char *message;    /* complete message, lowercase, no location */
    const char *source;     /* as bf_md_link_t.source: NULL, the page */
} bf_md_diag_t;

/* Metadata flags (bf_md_result_t.flags). */
enum {
    BF_MD_HAS_MATH = 1u << 0,   /* $..$, $$..$$, \(..\), \[..\], ```math */
    BF_MD_HAS_CODE = 1u << 1,   /* a code block */
    BF_MD_HAS_MERMAID = 1u << 2, /* a ```mermaid block */
    BF_MD_HAS_TABLES = 1u << 3,
    BF_MD_HAS_FOOTNOTES = 1u << 4,
    BF_MD_EXCERPT_MORE = 1u << 5, /* excerpt ends at <!--more--> */
};

/* Words per minute of bf_md_result_t.reading_time. */
#define BF_MD_WPM 200
/* Words of a first-paragraph excerpt before it is cut ("..."). */
#define BF_MD_EXCERPT_WORDS 60

typedef struct {
    const char *html;       /* owned by the bf_md_t (see top) */
    size_t html_len;
    const char *toc_html;   /* nested <ul>; "" when there is no entry */
    size_t toc_html_len;
    bf_md_toc_item_t *toc;
    size_t n_toc;
    const char *title;      /* text of the first level-1 heading written
                               (not a title heading left out), or NULL */
    size_t word_count;      /* words of text, code and titles; not markup */
    uint32_t reading_time;  /* minutes at BF_MD_WPM, at least 1 */
    /* Excerpt as HTML: the content before <!--more-->; else the summary
     * (escaped, in a <p>); else the first top-level paragraph, cut after
     * BF_MD_EXCERPT_WORDS words; "" when there is none of these. */
    const char *excerpt_html;
    size_t excerpt_len;
    unsigned flags;         /* BF_MD_HAS_* */
    const char **code_langs; /* first word of code block info strings, */
    size_t n_code_langs;     /* each once, in order of first use */
    bf_md_link_t *internal_links; /* XREF, MD, PATH, RELATIVE, ANCHOR */
    size_t n_internal_links;
    bf_md_link_t *external_links;
    size_t n_external_links;
    bf_md_link_t *images;   /* kind says where the image src points */
    size_t n_images;
    bf_md_diag_t *diags;
    size_t n_diags;
} bf_md_result_t;

typedef struct bf_md bf_md_t;

typedef struct {
    uint64_t renders;       /* bf_md_render calls that succeeded */
    uint64_t parses;        /* cmark parses (cmark_parser_finish calls) */
    uint64_t walks;         /* tree walks */
    uint64_t nodes;         /* nodes entered by the walks */
} bf_md_stats_t;

/* Process-wide setup: registers cmark-gfm's core extensions and this
 * module's admonition extension and looks up the extension node types.
 * Call once before fork (the coordinator, or the CLI); later calls do
 * nothing.  Returns 0, or -1 (logged) if cmark-gfm's extensions are not
 * usable. */
int bf_md_init(void);

/* A renderer reused for many pages: reusable output buffers, scratch
 * vectors, the id table and cmark's arena.  NULL on OOM (logged).
 * bf_md_init() must have succeeded. */
bf_md_t *bf_md_new(void);
void bf_md_free(bf_md_t *md);

/* Renders one page (see the top of this file).  out is filled entirely;
 * arena receives every result but the html.  Returns 0, or -1 on OOM. */
int bf_md_render(bf_md_t *md, bf_arena_t *arena, const bf_md_page_t *in,
                 bf_md_result_t *out);

/* Counters since bf_md_new. */
void bf_md_stats(const bf_md_t *md, bf_md_stats_t *out);

/*
 * Results kept between builds (the render pack, shared/pack.h).
 *
 * bf_md_result_save appends r as bytes to out, with deps[i] (a digest of
 * what internal link i resolved to, 0 for nothing; NULL: all 0) beside
 * each internal link.  bf_md_result_load reads such bytes back into out
 * (everything in arena, html included) and points *deps at the digests
 * (arena); every length, index and kind is checked, and bytes that are
 * not a result are -1 (EILSEQ), never a crash.  0, or -1 (ENOMEM).
 * bf_md_resolve is the page a link of kind XREF or MD resolves to against
 * snap for a page at source, exactly as the render resolves it
 * (BF_MD_NONE for none, and for any other kind); tmp is scratch.
 */
int bf_md_result_save(const bf_md_result_t *r, const uint64_t *deps, bf_buf_t *out);
int bf_md_result_load(bf_arena_t *arena, const void *data, size_t n, bf_md_result_t *out,
                      const uint64_t **deps);
uint32_t bf_md_resolve(const bf_snap_t *snap, const char *source, const bf_md_link_t *l,
                       bf_buf_t *tmp);

/* Is d a broken cross-reference, link or anchor (an error under
 * --strict, listed at the end of a build)? */
bool bf_md_diag_is_broken(const bf_md_diag_t *d);

/* Logs each diagnostic of r as "source:line: warning: message" (the
 * diagnostic's own source when it is in an included file); broken
 * cross-references, links and anchors are errors when bf_ctx.strict is
 * set.  source NULL: "-".  Returns the number of errors logged. */
size_t bf_md_log_diags(const bf_md_result_t *r, const char *source);

/* Appends the GitHub-style slug of text (UTF-8) to out: lowercase,
 * punctuation and symbols dropped, each space to '-', letters, marks and
 * digits of every script kept (details in worker/md_slug.c).  The slug may
 * be empty (heading ids then use "section").  Returns 0, or -1 on OOM. */
int bf_md_slugify(const char *text, size_t len, bf_buf_t *out);

#endif
