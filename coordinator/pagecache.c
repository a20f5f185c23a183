/*
 * coordinator/pagecache.c - reusing whole pages (see pagecache.h).
 *
 * Payload of the "pages" file (little-endian): u32 n, u32 zero, then n
 * entries, each
 *
 *     u64 key_lo, key_hi, deps_lo, deps_hi
 *     u32 name_len, word_count, reading_time, flags, excerpt_len, n_out,
 *         n_deps, list
 *     name, NUL (a source path; "@" and the output path for a list page),
 *     excerpt, NUL, zeros to a multiple of 8 bytes
 *     n_out x { u64 size, digest_lo, digest_hi; u32 path_len, zero }
 *     the n_out paths, each with its NUL, zeros to a multiple of 8
 *     n_deps x u32 page id, zeros to a multiple of 8
 *
 * so that a loaded cache points into the file's bytes, copying nothing.
 */
#include "coordinator/pagecache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/cachefile.h"
#include "shared/fs.h"
#include "shared/log.h"

#define KIND BF_CACHE_KIND('P', 'A', 'G', 'E')
#define NAME "pages"

typedef struct {
    uint64_t lo, hi, deps_lo, deps_hi;
    uint32_t src_len, word_count, reading_time, flags, excerpt_len, n_out, n_deps, list;
} rec_t;

typedef struct {
    uint64_t size, lo, hi;
    uint32_t len, zero;
} out_t;

/* ---- keys ---- */

static void put_str(bf_hasher_t *h, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) + 1 : 0;
    bf_hasher_update(h, &n, sizeof n);
    if (n)
        bf_hasher_update(h, s, n - 1);
}

static void put_u64(bf_hasher_t *h, uint64_t v)
{
    bf_hasher_update(h, &v, sizeof v);
}

/* Adds H(rel, bytes) of every regular file below rel (beneath root_fd;
 * "" for the top of the site, not recursing there) into *sum, in any
 * order (a sum does not care). */
static void sum_files(int root_fd, const char *rel, bool recurse, unsigned depth,
                      bf_digest_t *sum, bf_buf_t *scratch)
{
    DIR *d = bf_fs_opendir_at(root_fd, *rel ? rel : ".");
    if (!d)
        return; /* missing: nothing to add (a read error shows in the build) */
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        if (!*rel && strncmp(e->d_name, "bengal.", 7) != 0)
            continue; /* at the top, only the config files: the output may be there */
        char path[BF_PATH_MAX];
        int n = snprintf(path, sizeof path, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        struct stat st;
        if (n < 0 || (size_t)n >= sizeof path || fstatat(dirfd(d), e->d_name, &st, 0) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (recurse && depth < 32)
                sum_files(root_fd, path, true, depth + 1, sum, scratch);
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        bf_buf_reset(scratch);
        if (bf_fs_read_file_at(root_fd, path, 0, scratch) < 0)
            bf_buf_reset(scratch);
        if (bf_buf_append(scratch, path, (size_t)n + 1) < 0) /* the name, after the bytes */
            continue;
        bf_digest_t f = bf_hash128(scratch->data, scratch->len);
        sum->lo += f.lo;
        sum->hi += f.hi;
    }
    closedir(d);
}

static uint64_t page_id_of(const bf_page_t *p)
{
    return p ? p->id : UINT64_MAX;
}

static int site_key(bf_site_t *s, uint64_t self, unsigned precompress, bf_digest_t *out)
{
    bf_hasher_t *h = bf_hasher_new(BF_PAGECACHE_VERSION);
    bf_buf_t scratch = BF_BUF_INIT;
    if (!h)
        return -1;
    put_u64(h, self); /* a new build of bengal-farm renders anew */
    put_str(h, BF_PAGECACHE_BUILD_ID);
    put_u64(h, (uint64_t)s->opts.drafts | (uint64_t)s->opts.future << 1 |
                   (uint64_t)s->opts.strict << 2 | (uint64_t)s->has_katex << 3 |
                   (uint64_t)precompress << 8);
    bf_digest_t cfg = bf_config_digest(&s->config); /* -e, --config, --baseurl */
    put_u64(h, cfg.lo);
    put_u64(h, cfg.hi);
    bf_digest_t files = {0, 0};
    sum_files(s->root_fd, "", false, 0, &files, &scratch);
    sum_files(s->root_fd, "data", true, 0, &files, &scratch);
    sum_files(s->root_fd, "templates", true, 0, &files, &scratch);
    /* a site's own theme.css / theme.js: every page links it by its hash */
    sum_files(s->root_fd, "static/" BF_SNAP_THEME_DIR, false, 0, &files, &scratch);
    bf_buf_free(&scratch);
    put_u64(h, files.lo);
    put_u64(h, files.hi);
    /* the site's shape: which pages there are, where, in what order, at
     * what URLs (links are checked against them); not what they say */
    for (size_t i = 0; i < s->pages.n; i++) {
        const bf_page_t *p = s->pages.items[i];
        put_str(h, p->source);
        put_str(h, p->url);
        put_u64(h, (uint64_t)p->kind | (p->section ? (uint64_t)p->section->id : UINT32_MAX) << 32);
        for (size_t k = 0; k < p->aliases.n; k++)
            put_str(h, p->aliases.items[k]);
    }
    for (size_t i = 0; i < s->sections.n; i++) {
        const bf_section_t *sec = s->sections.items[i];
        put_u64(h, page_id_of(sec->index));
        for (size_t k = 0; k < sec->pages.n; k++)
            put_u64(h, page_id_of(sec->pages.items[k]));
        put_u64(h, UINT64_MAX);
    }
    for (size_t i = 0; i < s->terms.n; i++) {
        const bf_term_t *t = s->terms.items[i];
        put_u64(h, page_id_of(t->page));
        for (size_t k = 0; k < t->pages.n; k++)
            put_u64(h, page_id_of(t->pages.items[k]));
        put_u64(h, UINT64_MAX);
    }
    for (size_t i = 0; i < s->menu_items.n; i++) {
        const bf_menu_item_t *m = s->menu_items.items[i];
        put_u64(h, page_id_of(m->page));
        put_str(h, m->name);
        put_str(h, m->url);
    }
    uint64_t a = bf_hasher_digest(h);
    put_u64(h, a); /* a second, dependent half: 128 bits of key */
    *out = (bf_digest_t){a, bf_hasher_digest(h)};
    bf_hasher_free(h);
    return 0;
}

/* What another page can read of p: its front matter, the title it got
 * (perhaps from its first heading), URL, output, template, neighbours,
 * bundle files. */
static bf_digest_t page_meta(const bf_page_t *p)
{
    bf_hasher_t *h = bf_hasher_new(p->fm_hash);
    if (!h)
        return (bf_digest_t){0, 0};
    put_str(h, p->source);
    put_str(h, p->title);
    put_str(h, p->nav_title);
    put_str(h, p->description);
    put_str(h, p->url);
    put_str(h, p->output);
    put_str(h, p->template);
    put_u64(h, (uint64_t)p->kind | (uint64_t)p->flags << 8 |
                   (p->section ? (uint64_t)p->section->id : UINT32_MAX) << 32);
    put_u64(h, page_id_of(p->prev) ^ page_id_of(p->next) << 32);
    for (size_t k = 0; k < p->resources.n; k++)
        put_str(h, p->resources.items[k]);
    uint64_t a = bf_hasher_digest(h);
    put_u64(h, a);
    bf_digest_t d = {a, bf_hasher_digest(h)};
    bf_hasher_free(h);
    return d;
}

/* The page's name in the cache: its source, or "@" and its output for a
 * list page (which may have no file). */
static const char *cache_name(bf_arena_t *a, const bf_page_t *p, bool list)
{
    return list ? bf_arena_sprintf(a, "@%s", p->output) : p->source;
}

static bf_digest_t page_key(bf_digest_t site, const char *name, const bf_page_t *p)
{
    bf_digest_t k = site;
    uint64_t h = bf_hash64_seed(name, strlen(name), p->hash ^ p->includes_hash);
    k.lo ^= h;
    k.hi ^= bf_hash64_seed(&h, sizeof h, site.hi);
    return k;
}

/* ---- the file ---- */

/* The previous build's entries by source path.  Rejected: warned. */
static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* The previous build's entries by name.  Strings and id lists point into
 * the file's bytes, kept for the build (pc->file): nothing is copied.
 * Rejected: warned. */
static int load(bf_pagecache_t *pc, bf_buf_t *b, bf_arena_t *into, int state_fd,
                bf_strmap_t *by_name, const char *whose)
{
    const char *why = "malformed";
    int rc = bf_cache_read(state_fd, NAME, KIND, BF_PAGECACHE_VERSION, 0, b, &why);
    if (rc <= 0)
        goto out;
    rc = -1;
    why = "malformed";
    if (b->len < 8)
        goto out;
    uint32_t n;
    memcpy(&n, b->data, 4);
    size_t at = 8;
    for (uint32_t i = 0; i < n; i++) {
        rec_t r;
        if (b->len - at < sizeof r)
            goto out;
        memcpy(&r, b->data + at, sizeof r);
        at += sizeof r;
        /* name NUL, excerpt NUL, pad; outs; paths (each NUL), pad; deps, pad */
        if (r.src_len == 0 || r.excerpt_len > BF_FARM_EXCERPT_MAX ||
            b->len - at < (uint64_t)r.src_len + r.excerpt_len + 2)
            goto out;
        const char *name = b->data + at;
        const char *ex = name + r.src_len + 1;
        if (name[r.src_len] || ex[r.excerpt_len])
            goto out;
        at = pad8(at + r.src_len + 1 + r.excerpt_len + 1);
        if (at > b->len || r.n_out > (b->len - at) / sizeof(out_t))
            goto out;
        bf_pc_entry_t *e = bf_arena_zalloc(into, sizeof *e);
        bf_manifest_entry_t *outs = bf_arena_calloc(into, r.n_out + 1, sizeof *outs);
        if (!e || !outs)
            goto oom;
        size_t paths = at + (size_t)r.n_out * sizeof(out_t);
        for (uint32_t k = 0; k < r.n_out; k++) {
            out_t o;
            memcpy(&o, b->data + at + (size_t)k * sizeof o, sizeof o);
            if (o.len == 0 || b->len - paths < (size_t)o.len + 1 || b->data[paths + o.len])
                goto out;
            outs[k] = (bf_manifest_entry_t){b->data + paths, o.len, o.size, {o.lo, o.hi}};
            paths += o.len + 1;
        }
        at = pad8(paths);
        if (at > b->len || b->len - at < (size_t)r.n_deps * 4)
            goto out;
        const uint32_t *deps = (const uint32_t *)(b->data + at); /* 8-aligned */
        at = pad8(at + (size_t)r.n_deps * 4);
        if (at > b->len)
            goto out;
        *e = (bf_pc_entry_t){{r.lo, r.hi}, r.word_count, r.reading_time, r.flags,
                             r.excerpt_len, ex, r.n_out, outs, r.list != 0, r.n_deps, deps,
                             {r.deps_lo, r.deps_hi}};
        bool usable = true; /* a page it read is gone (the site shrank): not this one */
        bool all = r.n_deps == 1 && deps[0] == BF_FARM_DEPS_ALL;
        for (uint32_t k = 0; k < r.n_deps && !all; k++)
            usable &= deps[k] < pc->n_pages;
        if (usable && !bf_strmap_put(into, by_name, name, r.src_len, e))
            goto oom;
    }
    rc = at == b->len ? 1 : -1;
    goto out;
oom:
    why = "out of memory";
out:
    if (rc < 0 && !whose)
        bf_log_warn("the page cache in the state directory is ignored (%s): every page "
                    "renders", why);
    else if (rc < 0)
        bf_log_error("the page cache of %s is unreadable (%s)", whose, why);
    return rc;
}

/* Pads b with zeros to a multiple of 8 bytes.  0, or -1. */
/* Is the file in OUT or the standby with this content? */
static bool on_disk(const bf_output_t *o, const bf_manifest_entry_t *f)
{
    const bf_manifest_entry_t *e;
    if (o->has_standby && (e = bf_manifest_get(&o->standby, f->path, f->len)) &&
        e->size == f->size && bf_digest_eq(e->digest, f->digest))
        return true;
    return o->has_published && (e = bf_manifest_get(&o->published, f->path, f->len)) &&
           e->size == f->size && bf_digest_eq(e->digest, f->digest);
}

static void drop_loaded(bf_pagecache_t *pc)
{
    bf_buf_free(&pc->file);
    bf_arena_destroy(pc->loaded);
    pc->loaded = NULL;
}

/* Is e the entry of page id as it is now: same key, same main output? */
static bool matches(const bf_pagecache_t *pc, uint32_t id, const bf_pc_entry_t *e,
                    const char *output)
{
    return e && bf_digest_eq(e->key, pc->keys[id]) && e->n_out > 0 &&
           strcmp(e->out[0].path, output) == 0 && e->list == (pc->names[id][0] == '@');
}

/* Is what a regular page's entry read of other pages as it was? */
static bool read_the_same(const bf_pagecache_t *pc, const bf_pc_entry_t *e)
{
    bool all = e->n_deps == 1 && e->deps[0] == BF_FARM_DEPS_ALL;
    return bf_digest_eq(all ? pc->all_meta : bf_farm_deps_digest(pc->meta, NULL, e->deps,
                                                               e->n_deps),
                        e->deps_digest);
}

/* Page id is not rendered: its files are e's, in the trees or in source
 * `from` (0: none). */
static void reuse(bf_pagecache_t *pc, uint32_t id, const bf_pc_entry_t *e, uint16_t from)
{
    pc->reuse[id] = e;
    pc->reused[id] = (bf_farm_summary_ref_t){e->word_count, e->reading_time, e->flags,
                                             e->excerpt_len, e->excerpt};
    if (pc->from)
        pc->from[id] = from;
    pc->n_reused++;
}

int bf_pagecache_plan(bf_pagecache_t *pc, bf_site_t *s, const bf_snap_t *snap, int state_fd,
                      const bf_output_t *out, bool no_cache, uint64_t self,
                      unsigned precompress)
{
    memset(pc, 0, sizeof *pc);
    pc->n_pages = bf_snap_count(snap, BF_SNAP_T_PAGES);
    pc->arena = bf_arena_create(0);
    if (!pc->arena)
        goto oom;
    pc->keys = bf_arena_calloc(pc->arena, pc->n_pages + 1, sizeof *pc->keys);
    pc->reuse = bf_arena_calloc(pc->arena, pc->n_pages + 1, sizeof *pc->reuse);
    pc->reused = bf_arena_calloc(pc->arena, pc->n_pages + 1, sizeof *pc->reused);
    pc->candidate = bf_arena_calloc(pc->arena, pc->n_pages + 1, sizeof *pc->candidate);
    pc->candidates = bf_arena_calloc(pc->arena, pc->n_pages + 1, sizeof *pc->candidates);
    pc->names = bf_arena_calloc(pc->arena, pc->n_pages + 1, sizeof *pc->names);
    pc->meta = bf_arena_calloc(pc->arena, pc->n_pages + 1, sizeof *pc->meta);
    bf_digest_t site;
    if (!pc->keys || !pc->reuse || !pc->reused || !pc->candidate || !pc->candidates ||
        !pc->names || !pc->meta || site_key(s, self, precompress, &site) < 0)
        goto oom;
    for (uint32_t id = 0; id < pc->n_pages && id < s->pages.n; id++) {
        pc->meta[id] = page_meta(s->pages.items[id]);
        pc->all_meta.lo = (pc->all_meta.lo ^ pc->meta[id].lo) * 0x9E3779B97F4A7C15ull + id;
        pc->all_meta.hi = (pc->all_meta.hi ^ pc->meta[id].hi) * 0xC2B2AE3D27D4EB4Full + id;
    }
    /* level 0: regular pages with a file of their own; level 1: list
     * pages */
    const bf_snap_site_t *ss = bf_snap_site(snap);
    for (uint32_t w = ss->level_waves[0]; w < ss->level_waves[2]; w++) {
        const bf_snap_wave_t *wv = bf_snap_wave(snap, w);
        const uint32_t *ids = bf_snap_ids(snap, wv->pages);
        bool list = w >= ss->level_waves[1];
        for (uint32_t i = 0; i < wv->pages.count; i++) {
            const bf_page_t *p = ids[i] < s->pages.n ? s->pages.items[ids[i]] : NULL;
            if (!p || (!list && (!p->source || p->kind != BF_SNAP_PAGE)))
                continue;
            if (!(pc->names[ids[i]] = cache_name(pc->arena, p, list)))
                goto oom;
            pc->keys[ids[i]] = page_key(site, pc->names[ids[i]], p);
        }
    }
    bf_strmap_t by_name = {0};
    if (no_cache || state_fd < 0 || !out)
        return 0;
    if (!(pc->loaded = bf_arena_create(0)))
        goto oom;
    if (load(pc, &pc->file, pc->loaded, state_fd, &by_name, NULL) <= 0) {
        drop_loaded(pc);
        return 0;
    }
    bool any = false;
    for (uint32_t id = 0; id < pc->n_pages; id++) {
        const bf_page_t *p = s->pages.items[id];
        const char *name = pc->names[id];
        if (!name)
            continue;
        const bf_pc_entry_t *e = bf_strmap_get(&by_name, name, strlen(name));
        if (!matches(pc, id, e, p->output))
            continue;
        bool there = true;
        for (uint32_t k = 0; there && k < e->n_out; k++)
            there = on_disk(out, &e->out[k]);
        if (!there)
            continue;
        if (e->list) { /* the worker decides, once the summaries are known */
            any = true;
            pc->candidate[id] = e;
            pc->candidates[id] = (bf_farm_deps_ref_t){e->deps, e->n_deps, e->deps_digest};
            continue;
        }
        if (read_the_same(pc, e))
            reuse(pc, id, e, 0);
    }
    /* Nothing to reuse (a template, the config or the site's shape
     * changed): the file and its entries go before the farm forks, or
     * every worker would carry them. */
    if (!any && pc->n_reused == 0)
        drop_loaded(pc);
    return 0;
oom:
    bf_log_error("out of memory");
    return -1;
}

int bf_pagecache_add_source(bf_pagecache_t *pc, const bf_snap_t *snap, int state_fd,
                            const char *tree, const char *label, const uint32_t *ids,
                            size_t n, bf_digest_t *digest, uint32_t *stale)
{
    *digest = (bf_digest_t){0, 0};
    *stale = 0;
    if (!pc->from && !(pc->from = bf_arena_calloc(pc->arena, pc->n_pages + 1, sizeof *pc->from)))
        goto oom;
    if (pc->n_sources + 1 >= UINT16_MAX) {
        bf_log_error("more than %u sources of pages", UINT16_MAX - 2);
        return -1;
    }
    if (pc->n_sources == pc->sources_cap) { /* doubled in the arena */
        unsigned cap = pc->sources_cap ? 2 * pc->sources_cap : 8;
        bf_pc_source_t *grown = bf_arena_calloc(pc->arena, cap, sizeof *grown);
        if (!grown)
            goto oom;
        if (pc->n_sources)
            memcpy(grown, pc->sources, pc->n_sources * sizeof *grown);
        pc->sources = grown;
        pc->sources_cap = cap;
    }
    bf_pc_source_t *src = &pc->sources[pc->n_sources];
    *src = (bf_pc_source_t){.tree = bf_arena_strdup(pc->arena, tree),
                            .label = bf_arena_strdup(pc->arena, label)};
    if (!src->tree || !src->label)
        goto oom;
    int rc = load(pc, &src->file, pc->arena, state_fd, &src->by_name, label);
    if (rc < 0) {
        bf_buf_free(&src->file);
        return -1;
    }
    pc->n_sources++;
    if (rc == 0)
        return 0;
    *digest = bf_hash128(src->file.data, src->file.len);
    int taken = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = ids[i];
        const char *name = id < pc->n_pages ? pc->names[id] : NULL;
        if (!name || pc->reuse[id] || name[0] == '@')
            continue;
        const bf_pc_entry_t *e = bf_strmap_get(&src->by_name, name, strlen(name));
        if (matches(pc, id, e, bf_snap_str(snap, bf_snap_page(snap, id)->output)) &&
            read_the_same(pc, e)) {
            reuse(pc, id, e, (uint16_t)pc->n_sources);
            taken++;
        } else if (e) {
            (*stale)++;
        }
    }
    return taken;
oom:
    bf_log_error("out of memory");
    return -1;
}

int bf_pagecache_digest(int state_fd, bf_digest_t *digest, const char **why)
{
    bf_buf_t b = BF_BUF_INIT;
    *digest = (bf_digest_t){0, 0};
    int rc = bf_cache_read(state_fd, NAME, KIND, BF_PAGECACHE_VERSION, 0, &b, why);
    if (rc == 1)
        *digest = bf_hash128(b.data, b.len);
    bf_buf_free(&b);
    return rc;
}

void bf_pagecache_only(bf_pagecache_t *pc, const uint32_t *group, uint32_t k)
{
    for (uint32_t id = 0; id < pc->n_pages; id++) {
        if (group[id] == k)
            continue;
        if (pc->reuse && pc->reuse[id]) {
            pc->reuse[id] = NULL;
            pc->reused[id] = (bf_farm_summary_ref_t){0};
            pc->n_reused--;
        }
        if (pc->candidate && pc->candidate[id]) {
            pc->candidate[id] = NULL;
            pc->candidates[id] = (bf_farm_deps_ref_t){0};
        }
    }
}

uint32_t bf_pagecache_math(const bf_pagecache_t *pc)
{
    uint32_t math = 0;
    for (uint32_t id = 0; pc->reuse && id < pc->n_pages; id++)
        math += pc->reuse[id] && (pc->reuse[id]->flags & 1u) != 0; /* BF_MD_HAS_MATH */
    return math;
}

/* bf_pagecache_save's state while it writes. */
typedef struct {
    const bf_pagecache_t *pc;
    const bf_farm_summary_t *sums;
    const bf_manifest_t *tree;
    const bf_farm_deps_ref_t *deps_of;
    uint32_t *count, *start, *order; /* page id -> its outputs, in tree order */
} save_t;

/* Whether page id gets a record, and what it read (*deps). */
static bool saved(const save_t *sv, uint32_t id, bf_farm_deps_ref_t *deps)
{
    const bf_pagecache_t *pc = sv->pc;
    const bf_farm_summary_t *sum = &sv->sums[id];
    const char *name = pc->names[id];
    *deps = (bf_farm_deps_ref_t){NULL, 0, {0, 0}};
    if (!name || !sv->count[id] || !(sum->cache & (BF_FARM_SUM_CLEAN | BF_FARM_SUM_REUSED)) ||
        sum->excerpt_len > BF_FARM_EXCERPT_MAX)
        return false;
    bool list = name[0] == '@';
    /* a list page: what it read, from this build's render or, reused,
     * from the last */
    if ((sum->cache & BF_FARM_SUM_REUSED) && list && pc->candidates[id].ids)
        *deps = pc->candidates[id];
    else if ((sum->cache & BF_FARM_SUM_REUSED) && !list && pc->reuse[id])
        *deps = (bf_farm_deps_ref_t){pc->reuse[id]->deps, pc->reuse[id]->n_deps,
                                     pc->reuse[id]->deps_digest};
    else if ((sum->cache & BF_FARM_SUM_CLEAN) && sv->deps_of && sv->deps_of[id].ids)
        *deps = sv->deps_of[id];
    return deps->ids != NULL; /* else what it read is not known: it renders next time */
}

static int put_pad8(bf_cache_out_t *o)
{
    static const char zeros[8];
    uint64_t n = bf_cache_out_len(o);
    return bf_cache_put(o, zeros, (size_t)(pad8(n) - n));
}

/* The payload: the number of records, then each (rec_t, name, excerpt,
 * its outputs' out_t then paths, what it read), 8-aligned. */
static int put_records(bf_cache_out_t *o, void *arg)
{
    const save_t *sv = arg;
    const bf_pagecache_t *pc = sv->pc;
    uint32_t entries = 0, zero = 0;
    bf_farm_deps_ref_t deps;
    for (uint32_t id = 0; id < pc->n_pages; id++)
        entries += saved(sv, id, &deps);
    if (bf_cache_put(o, &entries, 4) < 0 || bf_cache_put(o, &zero, 4) < 0)
        return -1;
    for (uint32_t id = 0; id < pc->n_pages; id++) {
        if (!saved(sv, id, &deps))
            continue;
        const bf_farm_summary_t *sum = &sv->sums[id];
        const char *name = pc->names[id];
        bool list = name[0] == '@';
        uint32_t n = sv->count[id];
        const uint32_t *mine = sv->order + sv->start[id];
        size_t name_len = strlen(name);
        rec_t r = {pc->keys[id].lo, pc->keys[id].hi, deps.digest.lo, deps.digest.hi,
                   (uint32_t)name_len, list ? 0 : sum->word_count, list ? 0 : sum->reading_time,
                   list ? 0 : sum->flags, list ? 0 : sum->excerpt_len, n, deps.n, list};
        if (bf_cache_put(o, &r, sizeof r) < 0 || bf_cache_put(o, name, name_len + 1) < 0 ||
            bf_cache_put(o, sum->excerpt, r.excerpt_len) < 0 || bf_cache_put(o, &zero, 1) < 0 ||
            put_pad8(o) < 0)
            return -1;
        for (uint32_t k = 0; k < n; k++) {
            const bf_manifest_entry_t *e = &sv->tree->e[mine[k]];
            out_t t = {e->size, e->digest.lo, e->digest.hi, e->len, 0};
            if (bf_cache_put(o, &t, sizeof t) < 0)
                return -1;
        }
        for (uint32_t k = 0; k < n; k++) {
            const bf_manifest_entry_t *e = &sv->tree->e[mine[k]];
            if (bf_cache_put(o, e->path, e->len + 1) < 0) /* with its NUL */
                return -1;
        }
        if (put_pad8(o) < 0 ||
            (deps.n && bf_cache_put(o, deps.ids, (size_t)deps.n * sizeof *deps.ids) < 0) ||
            put_pad8(o) < 0)
            return -1;
    }
    return 0;
}

int bf_pagecache_save(const bf_pagecache_t *pc, const bf_snap_t *snap,
                      const bf_farm_summary_t *sums, const bf_manifest_t *tree,
                      const uint32_t *page_of, const bf_farm_deps_ref_t *deps_of, int state_fd,
                      bool do_sync)
{
    (void)snap;
    uint32_t n = pc->n_pages;
    save_t sv = {pc, sums, tree, deps_of, calloc((size_t)n + 1, sizeof(uint32_t)),
                 calloc((size_t)n + 2, sizeof(uint32_t)), calloc(tree->n + 1, sizeof(uint32_t))};
    int rc = -1;
    if (!sv.count || !sv.start || !sv.order)
        goto out;
    for (size_t i = 0; i < tree->n; i++)
        if (page_of[i] < n)
            sv.count[page_of[i]]++;
    for (uint32_t id = 0; id < n; id++)
        sv.start[id + 1] = sv.start[id] + sv.count[id];
    uint32_t *fill = calloc((size_t)n + 1, sizeof *fill);
    if (!fill)
        goto out;
    for (size_t i = 0; i < tree->n; i++) /* in tree order: the main output first */
        if (page_of[i] < n)
            sv.order[sv.start[page_of[i]] + fill[page_of[i]]++] = (uint32_t)i;
    free(fill);
    rc = bf_cache_write_fill(state_fd, NAME, KIND, BF_PAGECACHE_VERSION, put_records, &sv,
                             do_sync);
out:
    free(sv.count);
    free(sv.start);
    free(sv.order);
    return rc;
}

void bf_pagecache_forget(int state_fd)
{
    unlinkat(state_fd, NAME, 0);
}

void bf_pagecache_free(bf_pagecache_t *pc)
{
    drop_loaded(pc);
    for (unsigned k = 0; k < pc->n_sources; k++)
        bf_buf_free(&pc->sources[k].file);
    bf_arena_destroy(pc->arena);
    memset(pc, 0, sizeof *pc);
}
