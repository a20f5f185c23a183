/*
 * coordinator/config.h - bengal.yaml.
 *
 * Loads SITE/bengal.yaml (or bengal.yml; both present is an error naming
 * both), applies defaults (DESIGN.md §1) and checks types.  No config file
 * at all is fine: every key has a default and the title is the site
 * directory's name.  SITE/bengal.toml is an error: "bengal.toml: TOML is
 * not supported; write the config as bengal.yaml".
 *
 * Known keys (defaults): title [dir name], baseurl [""], language [en],
 * build.output_dir [public], build.pretty_urls [true], build.fsync [false],
 * build.max_file_size [16 MiB, bytes], markdown.unsafe [false],
 * markdown.toc_depth ["2-4", or a single "3"], markdown.anchor_links
 * [false], markdown.highlight [true], pagination.per_page [10, >= 1],
 * taxonomies [{tags: tags, categories: categories}: plural -> singular],
 * menus.<name> [list of {name, url | page, weight, identifier, children}],
 * outputs.{sitemap,rss,search,llms,robots} [true], params [{}],
 * math.katex_dir [/usr/share/javascript/katex].
 * An unknown key is a warning with its position ("bengal.yaml:4:1: unknown
 * key \"titel\" (did you mean \"title\"?)"), suggested when the edit
 * distance is small.  A wrong type is an error ("bengal.yaml:3:12:
 * \"pagination.per_page\" must be a positive integer").
 *
 * build.output_dir must be a valid relative path (shared/fs.h) that is not
 * content/, templates/, static/, data/ or .bengal/.
 *
 * Details: a key written with a null value ("title:") counts as not set.
 * baseurl is kept without trailing '/' (URLs are baseurl + "/path/").
 * taxonomies may also be a list of plurals; the singular is then the
 * plural without its final "s" ("ies" becomes "y": categories -> category).
 * Messages name the file as joined from site_dir ("site/bengal.yaml", or
 * "bengal.yaml" when site_dir is ".").
 */
#ifndef BF_COORDINATOR_CONFIG_H
#define BF_COORDINATOR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/hash.h"
#include "shared/value.h"

#define BF_CONFIG_MAX_TAXONOMIES 16
/* Where Debian's libjs-katex puts KaTeX (math.katex_dir's default). */
#define BF_CONFIG_KATEX_DIR "/usr/share/javascript/katex"

typedef struct {
    const char *plural;   /* front matter key and URL: "tags" */
    const char *singular; /* "tag" */
} bf_taxonomy_def_t;

typedef struct {
    const char *file;       /* "site/bengal.yaml" as loaded, or NULL if none */
    bf_value_t *root;       /* whole config map (an empty map if no file) */
    const char *title, *baseurl, *language, *output_dir;
    const char *cache_dir;  /* build.cache_dir [.bengal]: the state directory,
                               inside the site (--cache-dir: anywhere) */
    bool pretty_urls, md_unsafe, anchor_links;
    bool highlight;         /* markdown.highlight: code blocks highlighted */
    bool fsync;             /* build.fsync: sync the output before publishing */
    bool precompress;       /* build.precompress: zstd (FILE.zst beside text
                               outputs) */
    unsigned precompress_level; /* build.precompress_level [19], 1..22 */
    unsigned toc_min, toc_max; /* 1 <= min <= max <= 6 */
    unsigned per_page;
    size_t max_file_size;
    bf_taxonomy_def_t taxonomies[BF_CONFIG_MAX_TAXONOMIES];
    size_t n_taxonomies;
    bf_value_t *menus;   /* MAP name -> LIST of items, or NULL */
    bool out_sitemap, out_rss, out_search, out_llms, out_robots;
    bf_value_t *params;  /* MAP, or NULL */
    const char *katex_dir; /* math.katex_dir: KaTeX to publish for math pages;
                              relative paths are relative to the site */
    const char *environment; /* -e NAME [production] (site.environment) */
} bf_config_t;

/* What the command line puts over bengal.yaml: SITE/bengal.ENV.yaml, then
 * each of files (paths as given), maps merged deeply (lists and other
 * values replaced); then baseurl replaces the config's.  Each file's
 * unknown keys and bad values are reported against that file. */
typedef struct {
    const char *environment;  /* NULL: production, no file merged */
    const char *const *files;
    size_t n_files;
    const char *baseurl;      /* NULL: the config's */
} bf_config_layers_t;

/* root_fd: the site directory, open; the config files are looked up and
 * read beneath it (shared/fs.h: a bengal.yaml that is a symlink leaving
 * the site is an error, not read).  site_dir: the same directory as the
 * user named it, for messages and the default title.  Logs every problem
 * found (warnings and all errors, not just the first) and returns -1 if
 * there was an error. */
int bf_config_load(bf_arena_t *a, int root_fd, const char *site_dir,
                   const bf_config_layers_t *layers, bf_config_t *out);

/* A digest of the config as loaded: the merged tree (every file and the
 * environment's), the environment's name and the baseurl.  A build's
 * caches are keyed by it, so --config, -e and --baseurl count as edits. */
bf_digest_t bf_config_digest(const bf_config_t *c);

#endif
