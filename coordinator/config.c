/*
 * coordinator/config.c - loads and checks bengal.yaml (see config.h).
 *
 * The loader never stops at the first problem: every check runs, every
 * problem is logged where it was written (file:line:col), and the result
 * is -1 if any of them was an error.  A user fixing a config should see
 * the whole list at once, not one error per build.
 *
 * Invariants: every field of bf_config_t holds its default before the file
 * is read, and a field is only replaced by a value of the right type, so
 * even a failed load leaves a usable (default) config behind.  Strings
 * point into the arena (the value tree or copies), never into the file
 * buffer, which is freed before returning.
 */
#include "coordinator/config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "coordinator/yaml.h"
#include "shared/buf.h"
#include "shared/fs.h"
#include "shared/log.h"

#define CONFIG_MAX_BYTES ((size_t)16 << 20)
#define DEFAULT_MAX_FILE_SIZE ((size_t)16 << 20)

typedef struct {
    bf_arena_t *a;
    const char *file; /* name in messages */
    const bf_yaml_keys_t *keys;
    bf_config_t *cfg;
    bool bad;   /* an error was logged */
    bool quiet; /* the merged tree: each file's problems were said already */
} load_t;

static const char *const top_keys[] = {"title",    "baseurl",    "language",   "build",
                                       "markdown", "pagination", "taxonomies", "menus",
                                       "outputs",  "params",     "math",       NULL};
static const char *const math_keys[] = {"katex_dir", NULL};
static const char *const build_keys[] = {"output_dir",    "cache_dir", "pretty_urls",
                                         "max_file_size", "fsync",     "precompress",
                                         "precompress_level", NULL};
static const char *const markdown_keys[] = {"unsafe", "toc_depth", "anchor_links", "highlight",
                                            NULL};
static const char *const pagination_keys[] = {"per_page", NULL};
static const char *const outputs_keys[] = {"sitemap", "rss", "search", "llms", "robots", NULL};
static const char *const menu_item_keys[] = {"name",       "url",      "page", "weight",
                                             "identifier", "children", NULL};
/* Output must not land in a directory the build reads. */
static const char *const reserved_dirs[] = {"content", "templates", "static",
                                            "data",    ".bengal",   NULL};

static void cfg_error(load_t *L, const bf_value_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cfg_error(load_t *L, const bf_value_t *at, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (!L->quiet)
        bf_log_vat(BF_LOG_ERROR, L->file, at ? at->line : 0, at ? at->col : 0, fmt, ap);
    va_end(ap);
    L->bad = true;
}

/* "a list", "a number"... for "must be X, not Y" messages. */
static const char *a_kind(bf_val_kind_t k)
{
    switch (k) {
    case BF_VAL_NULL:
        return "null";
    case BF_VAL_BOOL:
        return "a boolean";
    case BF_VAL_INT:
    case BF_VAL_FLOAT:
        return "a number";
    case BF_VAL_STRING:
        return "a string";
    case BF_VAL_LIST:
        return "a list";
    default:
        return "a map";
    }
}

static void oom(load_t *L)
{
    cfg_error(L, NULL, "out of memory while loading the config");
}

/* Levenshtein distance, capped: anything longer than 64 bytes is "far". */
static size_t edit_distance(const char *s, const char *t)
{
    size_t n = strlen(s), m = strlen(t), row[65];

    if (n > 64 || m > 64)
        return SIZE_MAX;
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (s[i - 1] != t[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (!strcmp(*list, s))
            return true;
    return false;
}

/* Warns about each key of map m that is not in known, with a suggestion
 * when a known key is within edit distance 2.  prefix is "" or "build.". */
static void check_keys(load_t *L, const bf_value_t *m, const char *prefix, const char *const *known)
{
    for (size_t i = 0; i < m->u.c.n; i++) {
        const char *k = m->u.c.keys[i], *best = NULL;
        size_t best_d = 3;
        unsigned line, col;

        if (in_list(known, k) || L->quiet)
            continue;
        for (const char *const *p = known; *p; p++) {
            size_t d = edit_distance(k, *p);
            if (d < best_d) {
                best_d = d;
                best = *p;
            }
        }
        bf_yaml_key_pos(L->keys, m, i, &line, &col);
        if (best)
            bf_log_at(BF_LOG_WARN, L->file, line, col,
                      "unknown key \"%s%s\" (did you mean \"%s%s\"?)", prefix, k, prefix, best);
        else
            bf_log_at(BF_LOG_WARN, L->file, line, col, "unknown key \"%s%s\"", prefix, k);
    }
}

/* The value of key in m, or NULL when absent or written as null (a null
 * value means "not set": the default applies). */
static const bf_value_t *get(const bf_value_t *m, const char *key)
{
    const bf_value_t *v = bf_value_get(m, key);

    return v && v->kind != BF_VAL_NULL ? v : NULL;
}

static bool is_number(const bf_value_t *v)
{
    return v->kind == BF_VAL_INT || v->kind == BF_VAL_FLOAT || v->kind == BF_VAL_BOOL;
}

static void get_str(load_t *L, const bf_value_t *m, const char *key, const char *name,
                    const char **dst)
{
    const bf_value_t *v = get(m, key);

    if (!v)
        return;
    if (v->kind == BF_VAL_STRING)
        *dst = v->u.s.ptr;
    else if (is_number(v))
        cfg_error(L, v, "\"%s\" must be a string (put the value in quotes)", name);
    else
        cfg_error(L, v, "\"%s\" must be a string, not %s", name, a_kind(v->kind));
}

static void get_bool(load_t *L, const bf_value_t *m, const char *key, const char *name, bool *dst)
{
    const bf_value_t *v = get(m, key);

    if (!v)
        return;
    if (v->kind == BF_VAL_BOOL)
        *dst = v->u.b;
    else
        cfg_error(L, v, "\"%s\" must be true or false", name);
}

static bool get_posint(load_t *L, const bf_value_t *m, const char *key, const char *name,
                       uint64_t max, uint64_t *dst)
{
    const bf_value_t *v = get(m, key);

    if (!v)
        return false;
    if (v->kind != BF_VAL_INT || v->u.i < 1 || (uint64_t)v->u.i > max) {
        cfg_error(L, v, "\"%s\" must be a positive integer", name);
        return false;
    }
    *dst = (uint64_t)v->u.i;
    return true;
}

/* A section such as "build": NULL when absent; an error unless a map;
 * unknown keys inside it are warned about. */
static const bf_value_t *section(load_t *L, const bf_value_t *root, const char *name,
                                 const char *prefix, const char *const *known)
{
    const bf_value_t *v = get(root, name);

    if (!v)
        return NULL;
    if (v->kind != BF_VAL_MAP) {
        cfg_error(L, v, "\"%s\" must be a map of keys, not %s", name, a_kind(v->kind));
        return NULL;
    }
    check_keys(L, v, prefix, known);
    return v;
}

/* build.output_dir or build.cache_dir: a relative path inside the site,
 * not inside a directory the build reads. */
static void load_site_dir(load_t *L, const bf_value_t *build, const char *key, const char **out)
{
    const bf_value_t *v = get(build, key);
    const char *why = NULL, *s;
    size_t n;

    if (!v)
        return;
    if (v->kind != BF_VAL_STRING) {
        cfg_error(L, v, "\"build.%s\" must be a string", key);
        return;
    }
    s = v->u.s.ptr;
    n = v->u.s.len;
    while (n > 1 && s[n - 1] == '/') /* "public/" means "public" */
        n--;
    if (bf_path_check(s, n, &why) < 0) {
        cfg_error(L, v, "\"build.%s\" must be a relative path inside the site%s: \"%s\" %s",
                  key, strcmp(key, "cache_dir") == 0
                           ? " (--cache-dir or BENGAL_CACHE_DIR give one elsewhere)" : "",
                  s, why);
        return;
    }
    for (const char *const *r = reserved_dirs; *r; r++) {
        size_t rl = strlen(*r);
        if (strcmp(key, "cache_dir") == 0 && strcmp(*r, ".bengal") == 0)
            continue; /* the default state directory is where state goes */
        if (n >= rl && !memcmp(s, *r, rl) && (n == rl || s[rl] == '/')) {
            cfg_error(L, v,
                      "\"build.%s\" cannot be inside \"%s/\": the build "
                      "reads that directory",
                      key, *r);
            return;
        }
    }
    *out = n == v->u.s.len ? s : bf_arena_strndup(L->a, s, n);
    if (!*out)
        oom(L);
}

/* "2-4", "3" or 3: heading levels 1..6, low to high. */
static void load_toc_depth(load_t *L, const bf_value_t *md)
{
    const bf_value_t *v = get(md, "toc_depth");
    long lo = 0, hi = 0;

    if (!v)
        return;
    if (v->kind == BF_VAL_INT) {
        lo = hi = v->u.i >= 1 && v->u.i <= 6 ? (long)v->u.i : 0;
    } else if (v->kind == BF_VAL_STRING) {
        const char *s = v->u.s.ptr;
        if (v->u.s.len == 1 && s[0] >= '1' && s[0] <= '6')
            lo = hi = s[0] - '0';
        else if (v->u.s.len == 3 && s[0] >= '1' && s[0] <= '6' && s[1] == '-' && s[2] >= '1' &&
                 s[2] <= '6' && s[0] <= s[2]) {
            lo = s[0] - '0';
            hi = s[2] - '0';
        }
    }
    if (lo == 0) {
        cfg_error(L, v,
                  "\"markdown.toc_depth\" must be a range of heading levels like \"2-4\" "
                  "or one level like \"3\" (levels 1 to 6, low to high)");
        return;
    }
    L->cfg->toc_min = (unsigned)lo;
    L->cfg->toc_max = (unsigned)hi;
}

static bool taxonomy_name_ok(load_t *L, const bf_value_t *at, const char *plural)
{
    size_t n = strlen(plural);

    if (bf_path_check(plural, n, NULL) < 0 || memchr(plural, '/', n)) {
        cfg_error(L, at, "taxonomy name \"%s\" must be one URL path segment", plural);
        return false;
    }
    return true;
}

/* "tags" -> "tag", "categories" -> "category" (the list form). */
static const char *singular_of(load_t *L, const char *plural)
{
    size_t n = strlen(plural);
    char *s;

    if (n > 3 && !strcmp(plural + n - 3, "ies")) {
        s = bf_arena_sprintf(L->a, "%.*sy", (int)(n - 3), plural);
    } else if (n > 1 && plural[n - 1] == 's') {
        s = bf_arena_strndup(L->a, plural, n - 1);
    } else {
        return plural;
    }
    if (!s)
        oom(L);
    return s;
}

static void add_taxonomy(load_t *L, const bf_value_t *at, const char *plural, const char *singular)
{
    bf_config_t *c = L->cfg;

    if (c->n_taxonomies == BF_CONFIG_MAX_TAXONOMIES) {
        cfg_error(L, at, "too many taxonomies (at most %d)", BF_CONFIG_MAX_TAXONOMIES);
        return;
    }
    for (size_t i = 0; i < c->n_taxonomies; i++) {
        if (!strcmp(c->taxonomies[i].plural, plural)) {
            cfg_error(L, at, "taxonomy \"%s\" is listed twice", plural);
            return;
        }
    }
    c->taxonomies[c->n_taxonomies].plural = plural;
    c->taxonomies[c->n_taxonomies].singular = singular;
    c->n_taxonomies++;
}

/* taxonomies: {plural: singular, ...} or [plural, ...]. */
static void load_taxonomies(load_t *L, const bf_value_t *root)
{
    const bf_value_t *v = get(root, "taxonomies");

    if (!v)
        return; /* the defaults stay */
    L->cfg->n_taxonomies = 0;
    if (v->kind == BF_VAL_MAP) {
        for (size_t i = 0; i < v->u.c.n; i++) {
            const bf_value_t *s = v->u.c.items[i];
            const char *plural = v->u.c.keys[i];
            if (s->kind != BF_VAL_STRING || s->u.s.len == 0) {
                cfg_error(L, s,
                          "taxonomy \"%s\" needs its singular name as a string "
                          "(%s: ...)",
                          plural, plural);
                continue;
            }
            if (taxonomy_name_ok(L, s, plural))
                add_taxonomy(L, s, plural, s->u.s.ptr);
        }
    } else if (v->kind == BF_VAL_LIST) {
        for (size_t i = 0; i < v->u.c.n; i++) {
            const bf_value_t *p = v->u.c.items[i];
            if (p->kind != BF_VAL_STRING) {
                cfg_error(L, p, "\"taxonomies\" items must be names like \"tags\"");
                continue;
            }
            if (taxonomy_name_ok(L, p, p->u.s.ptr))
                add_taxonomy(L, p, p->u.s.ptr, singular_of(L, p->u.s.ptr));
        }
    } else {
        cfg_error(L, v,
                  "\"taxonomies\" must map plural names to singular ones "
                  "(tags: tag)");
    }
}

static void check_menu_items(load_t *L, const bf_value_t *list, const char *name);

/* Recursion follows "children", so it is bounded by the YAML depth limit. */
static void check_menu_item(load_t *L, const bf_value_t *it, const char *name)
{
    const bf_value_t *v, *url, *page;

    if (it->kind != BF_VAL_MAP) {
        cfg_error(L, it,
                  "items of menu \"%s\" must be maps with \"name\" and \"url\" or "
                  "\"page\"",
                  name);
        return;
    }
    check_keys(L, it, "", menu_item_keys);
    v = get(it, "name");
    if (!v || v->kind != BF_VAL_STRING)
        cfg_error(L, v ? v : it, "menu item in \"%s\" needs a \"name\" string", name);
    url = get(it, "url");
    page = get(it, "page");
    if (!url && !page)
        cfg_error(L, it, "menu item in \"%s\" needs \"url\" or \"page\"", name);
    else if (url && page)
        cfg_error(L, page, "menu item in \"%s\" has both \"url\" and \"page\"; keep one", name);
    if (url && url->kind != BF_VAL_STRING)
        cfg_error(L, url, "menu item \"url\" must be a string");
    if (page && page->kind != BF_VAL_STRING)
        cfg_error(L, page, "menu item \"page\" must be a string");
    if ((v = get(it, "weight")) && v->kind != BF_VAL_INT)
        cfg_error(L, v, "menu item \"weight\" must be an integer");
    if ((v = get(it, "identifier")) && v->kind != BF_VAL_STRING)
        cfg_error(L, v, "menu item \"identifier\" must be a string");
    if ((v = get(it, "children")))
        check_menu_items(L, v, name);
}

static void check_menu_items(load_t *L, const bf_value_t *list, const char *name)
{
    if (list->kind != BF_VAL_LIST) {
        cfg_error(L, list, "menu \"%s\" must be a list of items", name);
        return;
    }
    for (size_t i = 0; i < list->u.c.n; i++)
        check_menu_item(L, list->u.c.items[i], name);
}

static void load_menus(load_t *L, const bf_value_t *root)
{
    const bf_value_t *v = get(root, "menus");

    if (!v)
        return;
    if (v->kind != BF_VAL_MAP) {
        cfg_error(L, v, "\"menus\" must map menu names to lists of items");
        return;
    }
    for (size_t i = 0; i < v->u.c.n; i++)
        check_menu_items(L, v->u.c.items[i], v->u.c.keys[i]);
    L->cfg->menus = (bf_value_t *)v;
}

/* "https://x.org/docs/" -> "https://x.org/docs": URLs are built as
 * baseurl + "/path/". */
static void strip_slashes(load_t *L, const char **s)
{
    size_t n = strlen(*s);

    if (n == 0 || (*s)[n - 1] != '/')
        return;
    while (n > 0 && (*s)[n - 1] == '/')
        n--;
    char *t = bf_arena_strndup(L->a, *s, n);
    if (t)
        *s = t;
    else
        oom(L);
}

static void load_tree(load_t *L, const bf_value_t *root)
{
    bf_config_t *c = L->cfg;
    const bf_value_t *b, *md, *pg, *out, *par, *m;
    uint64_t n;

    check_keys(L, root, "", top_keys);
    get_str(L, root, "title", "title", &c->title);
    get_str(L, root, "baseurl", "baseurl", &c->baseurl);
    strip_slashes(L, &c->baseurl);
    get_str(L, root, "language", "language", &c->language);
    if ((b = section(L, root, "build", "build.", build_keys))) {
        load_site_dir(L, b, "output_dir", &c->output_dir);
        load_site_dir(L, b, "cache_dir", &c->cache_dir);
        get_bool(L, b, "pretty_urls", "build.pretty_urls", &c->pretty_urls);
        get_bool(L, b, "fsync", "build.fsync", &c->fsync);
        const bf_value_t *pz = get(b, "precompress");
        if (pz && pz->kind == BF_VAL_STRING && strcmp(pz->u.s.ptr, "zstd") == 0)
            c->precompress = true;
        else if (pz && pz->kind == BF_VAL_BOOL)
            c->precompress = pz->u.b;
        else if (pz && !(pz->kind == BF_VAL_STRING && strcmp(pz->u.s.ptr, "none") == 0))
            cfg_error(L, pz, "\"build.precompress\" must be zstd, none, true or false");
        if (get_posint(L, b, "precompress_level", "build.precompress_level", 22, &n))
            c->precompress_level = (unsigned)n;
        if (get_posint(L, b, "max_file_size", "build.max_file_size", SIZE_MAX, &n))
            c->max_file_size = (size_t)n;
    }
    if ((md = section(L, root, "markdown", "markdown.", markdown_keys))) {
        get_bool(L, md, "unsafe", "markdown.unsafe", &c->md_unsafe);
        get_bool(L, md, "anchor_links", "markdown.anchor_links", &c->anchor_links);
        get_bool(L, md, "highlight", "markdown.highlight", &c->highlight);
        load_toc_depth(L, md);
    }
    if ((pg = section(L, root, "pagination", "pagination.", pagination_keys)) &&
        get_posint(L, pg, "per_page", "pagination.per_page", UINT_MAX, &n))
        c->per_page = (unsigned)n;
    if ((out = section(L, root, "outputs", "outputs.", outputs_keys))) {
        get_bool(L, out, "sitemap", "outputs.sitemap", &c->out_sitemap);
        get_bool(L, out, "rss", "outputs.rss", &c->out_rss);
        get_bool(L, out, "search", "outputs.search", &c->out_search);
        get_bool(L, out, "llms", "outputs.llms", &c->out_llms);
        get_bool(L, out, "robots", "outputs.robots", &c->out_robots);
    }
    if ((m = section(L, root, "math", "math.", math_keys)))
        get_str(L, m, "katex_dir", "math.katex_dir", &c->katex_dir);
    load_taxonomies(L, root);
    load_menus(L, root);
    if ((par = get(root, "params"))) {
        if (par->kind == BF_VAL_MAP)
            c->params = (bf_value_t *)par;
        else
            cfg_error(L, par, "\"params\" must be a map of keys, not %s", a_kind(par->kind));
    }
}

static void set_defaults(bf_config_t *c)
{
    memset(c, 0, sizeof(*c));
    c->baseurl = "";
    c->language = "en";
    c->output_dir = "public";
    c->cache_dir = ".bengal";
    c->precompress_level = 19;
    c->pretty_urls = true;
    c->highlight = true;
    c->toc_min = 2;
    c->toc_max = 4;
    c->per_page = 10;
    c->katex_dir = BF_CONFIG_KATEX_DIR;
    c->max_file_size = DEFAULT_MAX_FILE_SIZE;
    c->taxonomies[0] = (bf_taxonomy_def_t){"tags", "tag"};
    c->taxonomies[1] = (bf_taxonomy_def_t){"categories", "category"};
    c->n_taxonomies = 2;
    c->out_sitemap = c->out_rss = c->out_search = c->out_llms = c->out_robots = true;
}

/* site_dir + "/" + name as the user would write it: "bengal.yaml" for
 * ".", "site/bengal.yaml" for "site" or "site/". */
static char *site_path(bf_arena_t *a, const char *site_dir, const char *name)
{
    size_t n = strlen(site_dir);

    while (n > 1 && site_dir[n - 1] == '/')
        n--;
    if (n == 0 || (n == 1 && site_dir[0] == '.'))
        return bf_arena_strdup(a, name);
    if (n == 1 && site_dir[0] == '/')
        return bf_arena_sprintf(a, "/%s", name);
    return bf_arena_sprintf(a, "%.*s/%s", (int)n, site_dir, name);
}

/* name beneath the site root.  Other failures (EACCES, a symlink out of
 * the site...) count as present: reading it will say why. */
static bool file_exists(int root_fd, const char *name)
{
    struct stat st;

    return bf_fs_stat_at(root_fd, name, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

/* The site directory's own name, the title of a site without one. */
static const char *dir_title(bf_arena_t *a, const char *site_dir)
{
    char *real = realpath(site_dir, NULL);
    const char *base = real ? real : site_dir, *slash, *t;
    size_t n = strlen(base);

    while (n > 1 && base[n - 1] == '/')
        n--;
    slash = memrchr(base, '/', n);
    if (slash) {
        n -= (size_t)(slash + 1 - base);
        base = slash + 1;
    }
    t = n == 0 || (n == 1 && base[0] == '.') ? bf_arena_strdup(a, "site")
                                             : bf_arena_strndup(a, base, n);
    free(real);
    return t;
}

/* Reads and parses name (beneath the site root, never through a symlink
 * that leaves it); *root stays NULL on failure (already logged). */
static void read_config(load_t *L, int root_fd, const char *name, bf_value_t **root)
{
    bf_buf_t buf = BF_BUF_INIT;
    bf_yaml_keys_t *keys = NULL;

    if (bf_fs_read_file_at(root_fd, name, CONFIG_MAX_BYTES, &buf) < 0) {
        if (errno == EFBIG)
            cfg_error(L, NULL, "config file is larger than 16 MiB");
        else
            cfg_error(L, NULL, "cannot read the config file: %s", bf_fs_beneath_why(errno));
        goto out;
    }
    if (bf_yaml_parse_keys(L->a, L->file, buf.data ? buf.data : "", buf.len, 1, NULL, root, &keys) <
        0) {
        L->bad = true;
        *root = NULL;
        goto out;
    }
    L->keys = keys;
out:
    bf_buf_free(&buf);
}

/* over merged into base, in place: maps key by key, deeply; anything
 * else (lists too) replaced.  -1 on OOM. */
static int merge(bf_arena_t *a, bf_value_t *base, const bf_value_t *over)
{
    for (size_t i = 0; i < over->u.c.n; i++) {
        const char *k = over->u.c.keys[i];
        bf_value_t *v = over->u.c.items[i];
        size_t j = 0;
        while (j < base->u.c.n && strcmp(base->u.c.keys[j], k) != 0)
            j++;
        if (j == base->u.c.n) {
            if (bf_value_map_put(a, base, k, over->u.c.key_lens[i], v) < 0)
                return -1;
        } else if (base->u.c.items[j]->kind == BF_VAL_MAP && v->kind == BF_VAL_MAP) {
            bf_value_t *copy = bf_value_copy(a, base->u.c.items[j]);
            if (!copy || merge(a, copy, v) < 0)
                return -1;
            base->u.c.items[j] = copy;
        } else {
            base->u.c.items[j] = v;
        }
    }
    return 0;
}

/* One more config file over the tree *root: name is read beneath the
 * site (rel) or as given (an absolute or cwd-relative --config path,
 * rel NULL); its own problems are reported against it.  Missing and
 * optional (bengal.ENV.yaml): nothing. */
static void layer(load_t *L, int root_fd, const char *rel, const char *disp, bool optional,
                  bf_value_t **root)
{
    bf_config_t scratch;
    bf_value_t *tree = NULL;
    load_t F = {.a = L->a, .file = disp, .cfg = &scratch};
    if (rel && optional && !file_exists(root_fd, rel))
        return;
    set_defaults(&scratch);
    if (rel) {
        read_config(&F, root_fd, rel, &tree);
    } else {
        bf_buf_t buf = BF_BUF_INIT;
        bf_yaml_keys_t *keys = NULL;
        if (bf_fs_read_file(disp, CONFIG_MAX_BYTES, &buf) < 0)
            cfg_error(&F, NULL, "cannot read the config file: %s", strerror(errno));
        else if (bf_yaml_parse_keys(F.a, disp, buf.data ? buf.data : "", buf.len, 1, NULL, &tree,
                                    &keys) < 0)
            F.bad = true, tree = NULL;
        F.keys = keys;
        bf_buf_free(&buf);
    }
    if (tree && tree->kind == BF_VAL_MAP) {
        load_tree(&F, tree); /* checked on its own: its positions, its name */
        if (!*root)
            *root = tree;
        else if (merge(L->a, *root, tree) < 0)
            oom(L);
    } else if (tree && tree->kind != BF_VAL_NULL) {
        cfg_error(&F, tree, "the config must be a map of keys, not %s", a_kind(tree->kind));
    }
    L->bad |= F.bad;
}

int bf_config_load(bf_arena_t *a, int root_fd, const char *site_dir,
                   const bf_config_layers_t *layers, bf_config_t *out)
{
    load_t L = {.a = a, .cfg = out};
    char *yaml = site_path(a, site_dir, "bengal.yaml");
    char *yml = site_path(a, site_dir, "bengal.yml");
    char *toml = site_path(a, site_dir, "bengal.toml");
    bf_value_t *root = NULL;
    bool has_yaml, has_yml;

    set_defaults(out);
    if (!yaml || !yml || !toml) {
        oom(&L);
        return -1;
    }
    if (file_exists(root_fd, "bengal.toml")) {
        bf_log_at(BF_LOG_ERROR, toml, 0, 0,
                  "TOML is not supported; write the config as bengal.yaml");
        L.bad = true;
    }
    has_yaml = file_exists(root_fd, "bengal.yaml");
    has_yml = file_exists(root_fd, "bengal.yml");
    if (has_yaml && has_yml) {
        bf_log_at(BF_LOG_ERROR, NULL, 0, 0, "both \"%s\" and \"%s\" exist; keep only one of them",
                  yaml, yml);
        L.bad = true;
    } else if (has_yaml || has_yml) {
        out->file = has_yaml ? yaml : yml;
        layer(&L, root_fd, has_yaml ? "bengal.yaml" : "bengal.yml", out->file, false, &root);
    }
    /* bengal.ENV.yaml, then each --config file, over it */
    const char *env = layers && layers->environment ? layers->environment : NULL;
    out->environment = env ? env : "production";
    if (env && (!*env || strchr(env, '/') || strchr(env, '.'))) {
        bf_log_error("environment \"%s\" is not a name (letters, digits, - and _)", env);
        L.bad = true;
    } else if (env) {
        const char *rel = bf_arena_sprintf(a, "bengal.%s.yaml", env);
        if (!rel)
            oom(&L);
        else
            layer(&L, root_fd, rel, site_path(a, site_dir, rel), true, &root);
    }
    for (size_t i = 0; layers && i < layers->n_files; i++)
        layer(&L, root_fd, NULL, layers->files[i], false, &root);
    /* the merged tree gives the values; its problems were said per file */
    L.quiet = true;
    L.file = out->file;
    if (root) {
        out->root = root;
        load_tree(&L, root);
    }
    if (!out->root && !(out->root = bf_value_new(a, BF_VAL_MAP)))
        oom(&L);
    if (layers && layers->baseurl) {
        out->baseurl = layers->baseurl;
        strip_slashes(&L, &out->baseurl);
    }
    if (!out->title && !(out->title = dir_title(a, site_dir)))
        oom(&L);
    return L.bad ? -1 : 0;
}

bf_digest_t bf_config_digest(const bf_config_t *c)
{
    bf_buf_t b = BF_BUF_INIT;
    bf_digest_t d = {0, 0};
    if (bf_value_save(c->root, &b) == 0 && bf_buf_printf(&b, "\n%s\n%s", c->environment,
                                                         c->baseurl) == 0)
        d = bf_hash128(b.data, b.len);
    else
        d.lo = 1; /* out of memory: a digest nothing matches */
    bf_buf_free(&b);
    return d;
}
