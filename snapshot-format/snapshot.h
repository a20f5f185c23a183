/*
 * snapshot-format/snapshot.h - the records of the snapshot file.
 *
 * The snapshot is the whole discovered site frozen into one flat file
 * (SITE/.bengal/snapshot.bfs) that every process maps read-only.  This
 * header is the byte layout; FORMAT.md beside it is the same as tables.
 *
 * Rules of the format:
 *   - all integers little-endian and fixed width; no pointers, only
 *     offsets and indexes; every record size is pinned by _Static_assert;
 *   - the file is a header followed by tables; each table is an array of
 *     fixed-size elements at an 8-aligned offset;
 *   - strings are {off, len} into the STRINGS pool, NUL-terminated there,
 *     valid UTF-8; {0, 0} is the empty string (the pool starts with NUL);
 *   - id lists are {off, count} ranges into the IDS table (uint32 each);
 *     what an id indexes (pages, sections, terms ...) is fixed by the field;
 *   - BF_SNAP_NONE (0xffffffff) is "no such record" where a field allows it;
 *   - the reader validates every one of these before anyone reads a field,
 *     so accessors (reader.h) do no checking.
 *
 * Writer: the coordinator (writer.h).  Readers: everyone (reader.h).
 */
#ifndef BF_SNAPSHOT_FORMAT_SNAPSHOT_H
#define BF_SNAPSHOT_FORMAT_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#define BF_SNAP_MAGIC "BFSNAP\r\n" /* 8 bytes; \r\n catches text-mode damage */
#define BF_SNAP_VERSION 4u /* 2: page kinds 5 and 6; 3: site.environment,
                              includes and fragments; 4: BODIES first */
#define BF_SNAP_ENDIAN 0x01020304u /* reads back 0x04030201 on big-endian */
#define BF_SNAP_NONE 0xffffffffu
#define BF_SNAP_LEVELS 3 /* 0 pages, 1 lists, 2 aggregates (DESIGN §4) */
/* Deepest value tree node (the root is depth 0): readers may recurse. */
/* Where KaTeX is published (site flag KATEX): katex.min.css,
 * katex.min.js, auto-render.min.js and fonts/ below it. */
#define BF_SNAP_KATEX_DIR "_bengal/katex"
/* Where the embedded theme's assets are published (worker/theme.h:
 * theme.css, theme.js), and where a site's static/ replaces them. */
#define BF_SNAP_THEME_DIR "_bengal"
#define BF_SNAP_MAX_DEPTH 256

typedef struct {
    uint32_t off; /* byte offset in the STRINGS pool */
    uint32_t len; /* bytes, excluding the NUL at pool[off + len] */
} bf_snap_str_t;

typedef struct {
    uint32_t off;   /* index of the first element in IDS (or STRREFS) */
    uint32_t count;
} bf_snap_range_t;

/* Tables, in file order.  BODIES first (version 4): the writer can then
 * stream them into the file as the site is read (writer.h,
 * bf_snapw_spill), hashing them on the way. */
typedef enum {
    BF_SNAP_T_BODIES = 0,  /* bytes: markdown bodies, page.body_off/len */
    BF_SNAP_T_STRINGS,     /* bytes: the string pool */
    BF_SNAP_T_IDS,         /* uint32_t */
    BF_SNAP_T_STRREFS,     /* bf_snap_str_t: lists of strings (aliases ...) */
    BF_SNAP_T_VALUES,      /* bf_snap_value_t */
    BF_SNAP_T_SITE,        /* bf_snap_site_t, exactly one */
    BF_SNAP_T_PAGES,       /* bf_snap_page_t */
    BF_SNAP_T_SECTIONS,    /* bf_snap_section_t */
    BF_SNAP_T_TAXONOMIES,  /* bf_snap_taxonomy_t */
    BF_SNAP_T_TERMS,       /* bf_snap_term_t */
    BF_SNAP_T_MENUS,       /* bf_snap_menu_t */
    BF_SNAP_T_MENU_ITEMS,  /* bf_snap_menu_item_t */
    BF_SNAP_T_WAVES,       /* bf_snap_wave_t, sorted by level */
    BF_SNAP_T_INCLUDES,    /* bf_snap_include_t: include directives */
    BF_SNAP_T_FRAGMENTS,   /* bf_snap_fragment_t: the files they include */
    BF_SNAP_T_COUNT
} bf_snap_table_id_t;

#define BF_SNAP_MAX_TABLES 16

typedef struct {
    uint64_t offset;    /* from the start of the file, 8-aligned */
    uint64_t size;      /* bytes == count * elem_size */
    uint32_t count;     /* elements (bytes for STRINGS and BODIES) */
    uint32_t elem_size; /* 1 for byte tables */
} bf_snap_table_t;
_Static_assert(sizeof(bf_snap_table_t) == 24, "table entry size");

typedef struct {
    char magic[8];          /* BF_SNAP_MAGIC */
    uint32_t version;       /* BF_SNAP_VERSION */
    uint32_t endian;        /* BF_SNAP_ENDIAN */
    uint32_t flags;         /* none defined: must be 0 */
    uint32_t header_size;   /* sizeof(bf_snap_header_t) */
    uint64_t file_size;     /* the whole file */
    uint64_t body_checksum; /* XXH3-64 of bytes [header_size, file_size) */
    uint32_t table_count;   /* BF_SNAP_T_COUNT */
    uint32_t reserved;      /* 0 */
    bf_snap_table_t tables[BF_SNAP_MAX_TABLES]; /* unused entries all 0 */
} bf_snap_header_t;
_Static_assert(sizeof(bf_snap_header_t) == 432, "header size");

/* Value tree (config, data files, front matter params).  Children of a
 * list or map are contiguous, after their parent: [v, v + n). */
typedef enum {
    BF_SNAP_V_NULL = 0,
    BF_SNAP_V_BOOL,
    BF_SNAP_V_INT,
    BF_SNAP_V_FLOAT,
    BF_SNAP_V_STRING,
    BF_SNAP_V_LIST,
    BF_SNAP_V_MAP,
} bf_snap_vkind_t;

typedef struct {
    uint8_t kind;      /* bf_snap_vkind_t */
    uint8_t pad[3];    /* 0 */
    uint32_t n;        /* STRING: length; LIST/MAP: number of children */
    bf_snap_str_t key; /* key when the parent is a MAP, else {0, 0} */
    uint64_t v;        /* BOOL 0/1, INT two's complement, FLOAT IEEE bits,
                        * STRING pool offset, LIST/MAP first child index */
} bf_snap_value_t;
_Static_assert(sizeof(bf_snap_value_t) == 24, "value size");

enum {
    BF_SNAP_SITE_PRETTY_URLS = 1u << 0,
    BF_SNAP_SITE_MD_UNSAFE = 1u << 1,
    BF_SNAP_SITE_ANCHOR_LINKS = 1u << 2,
    BF_SNAP_SITE_OUT_SITEMAP = 1u << 3,
    BF_SNAP_SITE_OUT_RSS = 1u << 4,
    BF_SNAP_SITE_OUT_SEARCH = 1u << 5,
    BF_SNAP_SITE_OUT_LLMS = 1u << 6,
    BF_SNAP_SITE_OUT_ROBOTS = 1u << 7,
    BF_SNAP_SITE_DRAFTS = 1u << 8, /* built with --drafts */
    BF_SNAP_SITE_FUTURE = 1u << 9, /* built with --future */
    BF_SNAP_SITE_KATEX = 1u << 10, /* KaTeX found: published at
                                      BF_SNAP_KATEX_DIR for math pages */
    BF_SNAP_SITE_HIGHLIGHT = 1u << 11, /* markdown.highlight */
};

typedef struct {
    bf_snap_str_t title, baseurl, language, output_dir;
    uint32_t flags;            /* BF_SNAP_SITE_* */
    uint8_t toc_min, toc_max;  /* markdown.toc_depth, 1..6 */
    uint16_t pad;              /* 0 */
    uint32_t per_page;         /* pagination.per_page, >= 1 */
    uint32_t home_page;        /* page id of the home page */
    uint32_t root_section;     /* section id of content/ */
    uint32_t config;           /* value index: the whole config map */
    uint32_t params;           /* value index (map) or NONE */
    uint32_t data;             /* value index (map of data/ files) or NONE */
    bf_snap_range_t pages;     /* every regular page, sorted (site.pages) */
    bf_snap_range_t by_path;   /* page ids sorted by page.path (bytewise) */
    bf_snap_range_t by_ref_id; /* page ids with a ref_id, sorted by it */
    uint32_t level_waves[BF_SNAP_LEVELS + 1]; /* waves of level L are
                                 [level_waves[L], level_waves[L+1]) */
    int64_t build_time;        /* epoch seconds: "now" for --future */
    bf_snap_str_t environment; /* -e NAME ("production" by default) */
} bf_snap_site_t;
_Static_assert(sizeof(bf_snap_site_t) == 120, "site size");

typedef enum {
    BF_SNAP_PAGE = 0,     /* a regular page or leaf bundle */
    BF_SNAP_SECTION = 1,  /* the list page of a section */
    BF_SNAP_HOME = 2,     /* the list page of the root section */
    BF_SNAP_TAXONOMY = 3, /* /tags/ */
    BF_SNAP_TERM = 4,     /* /tags/go/ */
    BF_SNAP_NOT_FOUND = 5,/* /404.html, made by the build, not listed */
    BF_SNAP_SEARCH = 6,   /* /search/, made by the build, not listed */
} bf_snap_kind_t;
#define BF_SNAP_KINDS 7

enum {
    BF_SNAP_PF_DRAFT = 1u << 0,
    BF_SNAP_PF_BUNDLE = 1u << 1,   /* leaf bundle (index.md) */
    BF_SNAP_PF_DATE = 1u << 2,     /* date is set */
    BF_SNAP_PF_LASTMOD = 1u << 3,  /* lastmod is set */
    BF_SNAP_PF_NO_TOC = 1u << 4,   /* front matter toc: false */
    BF_SNAP_PF_VIRTUAL = 1u << 5,  /* no source file (taxonomy, term, a
                                      section without _index.md) */
};

typedef struct {
    uint8_t kind;       /* bf_snap_kind_t */
    uint8_t pad;        /* 0 */
    uint16_t flags;     /* BF_SNAP_PF_* */
    uint32_t section;   /* section listing this page; for SECTION/HOME the
                           section it is the index of; NONE for TAXONOMY,
                           TERM, NOT_FOUND and SEARCH */
    uint32_t term;      /* TERM: term id; TAXONOMY: taxonomy id; else NONE */
    uint32_t prev, next;/* page ids in the section's order, or NONE */
    uint32_t wave;      /* wave id that renders this page */
    int32_t weight;
    int32_t date_tz, lastmod_tz; /* minutes east of UTC, as written */
    bf_snap_str_t title, nav_title, description, summary;
    bf_snap_str_t path;     /* lookup key: "docs/intro", "docs" for
                               docs/_index.md, "" for home; cross-refs */
    bf_snap_str_t source;   /* "content/docs/intro.md"; "" if VIRTUAL */
    bf_snap_str_t url;      /* "/docs/intro/" (no baseurl) */
    bf_snap_str_t output;   /* "docs/intro/index.html", checked relative */
    bf_snap_str_t template; /* chosen template name, e.g. "page.html" */
    bf_snap_str_t type, ref_id;
    uint32_t pad1;          /* 0; keeps date 8-aligned (was an unnamed hole) */
    int64_t date, lastmod;  /* epoch seconds, valid when the flag is set */
    uint64_t content_hash;  /* XXH3-64 of the source file's bytes */
    uint64_t body_off;      /* markdown after the front matter: BODIES */
    uint32_t body_len;
    uint32_t body_line;     /* 1-based line of the body's first byte */
    bf_snap_range_t ancestors; /* section ids, root first, own section last
                                  (for a SECTION page: its parent last) */
    bf_snap_range_t terms;     /* term ids, in taxonomy order */
    bf_snap_range_t aliases;   /* STRREFS: URLs that redirect here */
    bf_snap_range_t resources; /* STRREFS: bundle files, site-relative */
    uint32_t params;        /* value index of the front matter params map
                               (after cascade), or NONE */
    uint32_t pad2;          /* 0 */
    bf_snap_range_t includes; /* INCLUDES: the body's include directives,
                                 by offset; {0, 0} for none */
    uint64_t includes_hash; /* XXH3-64 of every file the page includes,
                               however deep, and where; 0 for none */
} bf_snap_page_t;
_Static_assert(sizeof(bf_snap_page_t) == 224, "page size");
_Static_assert(offsetof(bf_snap_page_t, date) == 128, "page date offset");

typedef struct {
    uint32_t page;      /* its list page (SECTION or HOME) */
    uint32_t parent;    /* section id, NONE for the root */
    uint32_t depth;     /* 0 for the root */
    uint32_t pad;       /* 0 */
    bf_snap_str_t name; /* directory name ("" for root) */
    bf_snap_str_t path; /* "docs/guide" */
    bf_snap_range_t pages;         /* regular pages and subsection pages,
                                      sorted: weight, date desc, title */
    bf_snap_range_t regular_pages; /* the regular pages only, same order */
    bf_snap_range_t subsections;   /* section ids, same order */
} bf_snap_section_t;
_Static_assert(sizeof(bf_snap_section_t) == 56, "section size");

typedef struct {
    bf_snap_str_t name;     /* plural, the config key: "tags" */
    uint32_t page;          /* the taxonomy's list page */
    uint32_t pad;
    bf_snap_range_t terms;  /* term ids sorted by name */
} bf_snap_taxonomy_t;
_Static_assert(sizeof(bf_snap_taxonomy_t) == 24, "taxonomy size");

typedef struct {
    bf_snap_str_t name;     /* as first written */
    bf_snap_str_t slug;     /* URL component */
    uint32_t taxonomy;
    uint32_t page;          /* the term's page */
    bf_snap_range_t pages;  /* page ids, date desc, then title */
} bf_snap_term_t;
_Static_assert(sizeof(bf_snap_term_t) == 32, "term size");

typedef struct {
    bf_snap_str_t name;     /* "main" */
    bf_snap_range_t items;  /* top-level menu item ids, by weight, name */
} bf_snap_menu_t;
_Static_assert(sizeof(bf_snap_menu_t) == 16, "menu size");

typedef struct {
    bf_snap_str_t name, url, identifier;
    uint32_t menu;          /* menu id */
    uint32_t parent;        /* menu item id or NONE */
    uint32_t page;          /* page id it points at, or NONE */
    int32_t weight;
    bf_snap_range_t children; /* menu item ids, by weight, name */
} bf_snap_menu_item_t;
_Static_assert(sizeof(bf_snap_menu_item_t) == 48, "menu item size");

typedef struct {
    uint32_t level;         /* 0, 1 or 2 */
    uint32_t section;       /* section of its pages, NONE for mixed/none */
    bf_snap_str_t template; /* template shared by all its pages */
    bf_snap_range_t pages;  /* page ids in render order */
} bf_snap_wave_t;
_Static_assert(sizeof(bf_snap_wave_t) == 24, "wave size");

/* An include directive (MyST {include}) in the body of a page or of a
 * fragment: bytes [off, off + len) of that body (the directive's lines,
 * line ends included) stand for the fragment's body, expanded the same
 * way, when the markdown is rendered (worker/markdown.h).  A body's
 * directives are in order of off and do not overlap. */
typedef struct {
    uint32_t off;           /* from the body's first byte: a line start */
    uint32_t len;           /* > 0 */
    uint32_t fragment;      /* fragment id */
} bf_snap_include_t;
_Static_assert(sizeof(bf_snap_include_t) == 12, "include size");

/* A file that pages include (content/_snippets/note.md): its body, as a
 * page's, is what follows its front matter. */
typedef struct {
    bf_snap_str_t source;   /* "content/_snippets/note.md", a valid path */
    uint64_t body_off;      /* BODIES */
    uint32_t body_len;
    uint32_t body_line;     /* 1-based line of the body's first byte */
    bf_snap_range_t includes; /* INCLUDES: its own include directives */
} bf_snap_fragment_t;
_Static_assert(sizeof(bf_snap_fragment_t) == 32, "fragment size");

#endif
