/*
 * coordinator/site.h - the mutable site tree built by discovery.
 *
 * Discovery (DESIGN §4 step 1) turns a site folder into this tree; the
 * planner picks templates and cuts waves; freeze.c serialises the result
 * into the snapshot.  Everything lives in one arena owned by bf_site_t and
 * dies with bf_site_free().  Only the coordinator sees this structure:
 * workers read the snapshot.
 *
 * Order is part of the contract: children, pages and terms are sorted
 * deterministically (never by readdir order), so the same input gives a
 * byte-identical snapshot.
 */
#ifndef BF_COORDINATOR_SITE_H
#define BF_COORDINATOR_SITE_H

#include <stdbool.h>
#include <stdint.h>

#include "coordinator/assets.h"
#include "coordinator/config.h"
#include "coordinator/srccache.h"
#include "shared/arena.h"
#include "shared/scout.h"
#include "shared/strmap.h"
#include "shared/tmpl/env.h"
#include "shared/date.h"
#include "shared/value.h"
#include "shared/vec.h"
#include "snapshot-format/snapshot.h"
#include "snapshot-format/writer.h"

typedef struct bf_section bf_section_t;
typedef struct bf_page bf_page_t;
typedef struct bf_term bf_term_t;
typedef struct bf_incdoc bf_incdoc_t;     /* coordinator/include.c */
typedef struct bf_includes bf_includes_t; /* coordinator/include.c */

struct bf_page {
    uint32_t id;             /* index in site->pages (snapshot page id) */
    bf_snap_kind_t kind;
    uint16_t flags;          /* BF_SNAP_PF_* */
    bf_section_t *section;   /* see bf_snap_page_t.section */
    uint32_t tax;            /* TAXONOMY/TERM: taxonomy index */
    bf_term_t *term;         /* TERM only */
    const char *source;      /* "content/docs/a.md", NULL if virtual */
    const char *path;        /* "docs/a" */
    const char *stem;        /* URL component before slug: "a" */
    const char *title, *nav_title, *description, *summary;
    const char *slug, *url, *output, *template, *type, *ref_id;
    bf_date_t date, lastmod;
    int32_t weight;
    uint64_t hash;           /* of the whole file */
    uint64_t fm_hash;        /* of the file up to its body (front matter) */
    uint64_t body_off;       /* in the snapshot's BODIES (s->snapw) */
    size_t body_len;
    unsigned body_line;
    bf_incdoc_t *inc;        /* its include directives (include.h), or NULL */
    uint64_t includes_hash;  /* of every file it includes; 0 for none */
    bf_value_t *meta;        /* front matter map (cascade applied) */
    bf_value_t *params;      /* meta minus the known keys */
    bf_vec_t aliases;        /* const char * URLs */
    bf_vec_t resources;      /* const char * site-relative files */
    bf_vec_t terms;          /* bf_term_t * */
    bf_page_t *prev, *next;
    uint32_t wave;
};

struct bf_section {
    uint32_t id;
    const char *name, *path;  /* "guide", "docs/guide"; "" for the root */
    const char *dir;          /* "content/docs/guide" */
    bf_section_t *parent;
    unsigned depth;
    bf_page_t *index;         /* list page (virtual if no _index.md) */
    bf_value_t *cascade;      /* effective cascade map, or NULL */
    bf_vec_t regular;         /* bf_page_t *, sorted */
    bf_vec_t children;        /* bf_section_t *, sorted */
    bf_vec_t pages;           /* regular + children's index pages, sorted */
};

struct bf_term {
    uint32_t id;
    uint32_t tax;             /* taxonomy index */
    const char *name, *slug;
    bf_page_t *page;
    bf_vec_t pages;           /* bf_page_t *, date desc then title */
};

typedef struct {
    const char *name;         /* plural */
    bf_page_t *page;          /* its list page */
    bf_vec_t terms;           /* bf_term_t *, sorted by slug */
} bf_taxonomy_t;

typedef struct bf_menu_item bf_menu_item_t;
struct bf_menu_item {
    uint32_t id, menu;
    const char *name, *url, *identifier, *parent_id;
    const char *file;         /* where it was declared, for messages */
    unsigned line, col;
    bf_page_t *page;
    int32_t weight;
    bf_menu_item_t *parent;
    bf_vec_t children;        /* sorted by weight, name */
};

typedef struct {
    const char *name;
    bf_vec_t items;           /* top level, sorted */
    bf_vec_t all;             /* every item, in id order */
} bf_menu_t;

typedef struct {
    uint32_t level;
    uint32_t seq;             /* creation order, the tie-break of sorting */
    bf_section_t *section;    /* NULL for mixed */
    const char *template;
    bf_vec_t pages;
    size_t weight;            /* pages, list pages counted by their pagers */
} bf_wave_t;

#define BF_SITE_MAX_CONFIGS 16

typedef struct {
    const char *site_dir;     /* as given on the command line */
    const char *environment;  /* -e: bengal.ENV.yaml is merged over
                                 bengal.yaml; NULL: none */
    const char *baseurl;      /* --baseurl: replaces the config's; NULL */
    const char *const *configs; /* --config files merged after those, */
    size_t n_configs;         /* in order (at most BF_SITE_MAX_CONFIGS) */
    const char *cache_dir;    /* --cache-dir, or NULL: BENGAL_CACHE_DIR,
                                 else the config's build.cache_dir */
    const char *state_sub;    /* a directory of its own inside that one
                                 (serve: "serve"), or NULL */
    bool drafts, future, strict;
    int64_t now;              /* SOURCE_DATE_EPOCH or time(NULL) */
    size_t wave_size;         /* largest wave of pages; 0: default 64 */
    unsigned scouts;          /* threads that read and parse content files
                                 (discover.c); 0 or 1: the walk's own */
    const bf_tmpl_embed_t *theme; /* the embedded theme's templates, which
                                 planning chooses from after templates/
                                 (bf_farm_roles_t.theme); NULL: none */
} bf_site_opts_t;

typedef struct {
    bf_arena_t *arena;
    bf_arena_t *scout_arena[BF_SCOUT_MAX_THREADS]; /* one a scout thread:
                                 the front matter it parsed lives there */
    int root_fd;              /* the site directory, opened once by
                                 bf_site_load; every read of the site goes
                                 beneath it (shared/fs.h), so nothing is
                                 read through a symlink that leaves it */
    bf_snapw_t *snapw;        /* the snapshot being built: bodies go there
                                 as files are read, never copied twice */
    bf_site_opts_t opts;
    bf_config_t config;
    bf_value_t *data;         /* map of data/ files, or NULL */
    bf_section_t *root;
    bf_vec_t sections;        /* bf_section_t *, depth-first order = id */
    bf_vec_t pages;           /* bf_page_t *, id order */
    bf_vec_t regular;         /* every regular page, sorted (site.pages) */
    bf_vec_t fence_langs;     /* char *: the info words of the code fences
                                 discovery saw, each once (discover.c) */
    bf_strmap_t fence_seen;   /* of fence_langs */
    bf_taxonomy_t taxonomies[BF_CONFIG_MAX_TAXONOMIES];
    size_t n_taxonomies;
    bf_vec_t terms;           /* bf_term_t *, id order */
    bf_vec_t menus;           /* bf_menu_t * */
    bf_vec_t menu_items;      /* bf_menu_item_t *, id order */
    bf_vec_t waves;           /* bf_wave_t *, sorted by level */
    uint32_t level_waves[BF_SNAP_LEVELS + 1];
    bf_katex_t katex;         /* KaTeX to publish for math pages, */
    bool has_katex;           /* when found (coordinator/assets.h) */
    const char *state_disp;   /* the state directory, for messages (set
                                 when it is opened) */
    int64_t next_change;      /* the date of the first future page left
                                 out (INT64_MAX: none): from then on the
                                 site is another one */
    bf_srccache_t *srcs;      /* what the last build parsed (srccache.h),
                                 or NULL: every file is parsed */
    bf_includes_t *includes;  /* the include directives found (include.h),
                                 or NULL: none */
} bf_site_t;

/* "site/content/a.md" for messages: rel prefixed by the site directory as
 * the user gave it ("content/a.md" when that was "."). Arena string. */
const char *bf_site_disp(bf_site_t *s, const char *rel);

/* true if name, an entry of the site directory dir (site-relative), is
 * valid UTF-8; else reports "dir/name: error: the file name is not valid
 * UTF-8; rename it" (invalid bytes shown as \xNN) and returns false.
 * Every name that reaches the snapshot must be UTF-8 (FORMAT.md 6). */
bool bf_site_name_ok(bf_site_t *s, const char *dir, const char *name);

/* Reports an error at a value's position (v may be NULL) in the file rel
 * (site-relative); counted in bf_ctx.n_errors like every error. */
void bf_site_error_at(bf_site_t *s, const char *rel, const bf_value_t *v,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
