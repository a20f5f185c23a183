/*
 * worker/render.c - pages and aggregates to bytes (see render.h).
 */
#include "worker/render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/date.h"
#include "shared/html.h"
#include "shared/log.h"
#include "shared/pack.h"
#include "shared/strmap.h"
#include "shared/tmpl/render.h"
#include "worker/markdown.h"
#include "worker/tmpl_ctx.h"

struct bf_render {
    const bf_snap_t *s;
    const bf_snap_site_t *site;
    bf_farm_summary_t *sums;
    int broken_fd;           /* memfd of broken-link records; -1: log at once */
    bf_farm_ctl_t *ctl;      /* the farm's counters (math_pages), or NULL */
    bf_md_t *md;
    bf_hl_t *hl;             /* markdown.highlight: the code highlighter */
    const char *base; /* baseurl without a trailing '/' */
    size_t base_len;
    const char *site_dir;
    uint32_t sitemap_max;    /* URLs per sitemap file (50,000 by the protocol) */
    char part_path[32];      /* "sitemap-N.xml" of the part being rendered */
    bf_arena_t *urls_arena;  /* the URL set, built on first use */
    bf_strmap_t urls;        /* every page URL and alias */
    const bf_tmpl_env_t *env; /* the compiled templates (never NULL once
                                 bf_render_use_templates ran) */
    bf_tmpl_ctx_t *tctx;     /* page, section, site for templates */
    bf_tmpl_cache_t *cache;  /* {% cache %} fragments, for the whole build */
    bf_tmpl_profile_t *prof; /* --profile-templates, or NULL */
    bf_farm_deps_t *deps;    /* notes the summaries read, or NULL */
    /* What each stored {% cache %} fragment read, replayed when it is
     * reused: a page that shows a cached navigation depends on the pages
     * in it as much as the page that rendered it first. */
    bf_arena_t *frag_arena;
    bf_strmap_t frag_deps;   /* key -> frag_deps_t */
    struct {
        size_t mark;
        unsigned finishes;
    } frag_open[16];         /* fragments being rendered (nested) */
    unsigned n_frag_open;
    /* The render pack (shared/pack.h): markdown results of earlier
     * builds, read by their key; this process's new ones appended. */
    const bf_pack_t *pack;
    bf_pack_writer_t *packw;
    uint64_t self;           /* the binary's hash: part of every key */
    bf_buf_t packbuf, tmp;
    uint64_t pack_hits;
};

typedef struct {
    const uint32_t *ids;
    size_t n;
    bool all;                /* it read too many: everything */
} frag_deps_t;

/* Appends a string literal (only a literal: sizeof gives its length). */
#define PUT(out, lit) bf_buf_append(out, "" lit, sizeof(lit) - 1)

static const char *S(const bf_render_t *r, bf_snap_str_t x)
{
    return bf_snap_str(r->s, x);
}

bf_render_t *bf_render_new(const bf_snap_t *snap, bf_farm_summary_t *summaries,
                           const char *site_dir)
{
    bf_render_t *r = calloc(1, sizeof(*r));
    if (!r || !(r->md = bf_md_new())) {
        free(r);
        return NULL;
    }
    r->broken_fd = -1;
    r->s = snap;
    r->sitemap_max = 50000;
    r->site_dir = site_dir && strcmp(site_dir, ".") != 0 ? site_dir : NULL;
    r->site = bf_snap_site(snap);
    if ((r->site->flags & BF_SNAP_SITE_HIGHLIGHT) && !(r->hl = bf_hl_new())) {
        bf_md_free(r->md);
        free(r);
        return NULL;
    }
    r->sums = summaries;
    r->base = S(r, r->site->baseurl);
    r->base_len = r->site->baseurl.len;
    while (r->base_len && r->base[r->base_len - 1] == '/')
        r->base_len--;
    return r;
}

void bf_render_use_highlighter(bf_render_t *r, bf_hl_t *hl)
{
    if (!hl || !r->hl)
        return;
    bf_hl_free(r->hl);
    r->hl = hl;
}

void bf_render_free(bf_render_t *r)
{
    if (r) {
        bf_arena_destroy(r->urls_arena);
        bf_arena_destroy(r->frag_arena);
        bf_md_free(r->md);
        bf_hl_free(r->hl);
        bf_tmpl_ctx_free(r->tctx);
        bf_tmpl_cache_free(r->cache);
        bf_pack_writer_free(r->packw);
        bf_buf_free(&r->packbuf);
        bf_buf_free(&r->tmp);
        free(r);
    }
}

bf_hl_t *bf_render_highlighter(bf_render_t *r)
{
    return r->hl;
}

void bf_render_theme_override(bf_render_t *r, const char *name, const void *data, size_t len)
{
    if (r->tctx)
        bf_tmpl_ctx_asset_override(r->tctx, name, data, len);
}

void bf_render_track(bf_render_t *r, bf_farm_deps_t *deps)
{
    r->deps = deps;
    if (r->tctx)
        bf_tmpl_ctx_track(r->tctx, deps);
}

/* {% cache %} and the pages noted (see frag_deps in bf_render). */
static void cache_note(void *arg, const char *key, size_t klen, int stage)
{
    bf_render_t *r = arg;
    bf_farm_deps_t *d = r->deps;
    if (!d || !d->on)
        return;
    if (stage == BF_TMPL_CACHE_MISS) {
        if (r->n_frag_open < 16)
            r->frag_open[r->n_frag_open] = (__typeof__(r->frag_open[0])){d->n, d->finishes};
        r->n_frag_open++;
        return;
    }
    if (stage == BF_TMPL_CACHE_UNSTORED) {
        r->n_frag_open -= r->n_frag_open > 0;
        return;
    }
    if (stage == BF_TMPL_CACHE_STORED) {
        if (!r->n_frag_open--)
            return;
        if (!r->frag_arena && !(r->frag_arena = bf_arena_create(0)))
            return;
        frag_deps_t *f = bf_arena_zalloc(r->frag_arena, sizeof *f);
        char *k = bf_arena_strndup(r->frag_arena, key, klen);
        if (!f || !k)
            return;
        if (r->n_frag_open >= 16 || d->overflow ||
            d->finishes != r->frag_open[r->n_frag_open].finishes) {
            f->all = true; /* its list moved under it: take the safe side */
        } else {
            size_t mark = r->frag_open[r->n_frag_open].mark;
            f->n = d->n - mark;
            uint32_t *ids = bf_arena_alloc(r->frag_arena, f->n * sizeof *ids + 1);
            if (ids)
                memcpy(ids, d->ids + mark, f->n * sizeof *ids);
            f->ids = ids;
            f->all = !ids;
        }
        bf_strmap_put(r->frag_arena, &r->frag_deps, k, klen, f);
        return;
    }
    const frag_deps_t *f = bf_strmap_get(&r->frag_deps, key, klen);
    if (!f || f->all) {
        d->overflow = 1; /* stored before anything was noted, or too much */
        return;
    }
    for (size_t i = 0; i < f->n; i++)
        bf_farm_deps_note(d, f->ids[i]);
}

void bf_render_use_farm(bf_render_t *r, bf_farm_ctl_t *ctl, int broken_fd)
{
    r->ctl = ctl;
    r->broken_fd = broken_fd;
}

int bf_render_use_templates(bf_render_t *r, const void *env, bf_tmpl_profile_t *prof)
{
    r->env = env;
    r->prof = prof;
    if (!(r->tctx = bf_tmpl_ctx_new(r->s, r->sums)) || !(r->cache = bf_tmpl_cache_new(0)))
        return -1;
    if (r->ctl)
        bf_tmpl_ctx_watch_clock(r->tctx, &r->ctl->build_time_read);
    return 0;
}

static int esc(bf_buf_t *out, const bf_render_t *r, bf_snap_str_t x)
{
    return bf_html_escape(out, S(r, x), x.len);
}

static int abs_url(bf_buf_t *out, const bf_render_t *r, bf_snap_str_t url)
{
    return bf_html_escape(out, r->base, r->base_len) | esc(out, r, url);
}

/* The set of every URL the site publishes (pages and aliases), built once
 * per worker the first time a page links to a site path. */
static int url_set(bf_render_t *r)
{
    if (r->urls_arena)
        return 0;
    if (!(r->urls_arena = bf_arena_create(0)))
        return -1;
    uint32_t n = bf_snap_count(r->s, BF_SNAP_T_PAGES);
    for (uint32_t i = 0; i < n; i++) {
        const bf_snap_page_t *p = bf_snap_page(r->s, i);
        if (!bf_strmap_put(r->urls_arena, &r->urls, S(r, p->url), p->url.len, (void *)p))
            return -1;
        const bf_snap_str_t *al = bf_snap_strs(r->s, p->aliases);
        for (uint32_t k = 0; k < p->aliases.count; k++)
            if (!bf_strmap_put(r->urls_arena, &r->urls, S(r, al[k]), al[k].len, (void *)p))
                return -1;
    }
    return 0;
}

/* A broken link or cross-reference in page id's source: an error under
 * --strict, else a warning.  It goes to the farm's broken file (shared/
 * farm.h), which the coordinator lists at the end of the build; it is
 * logged now only outside a farm or when the record cannot be written. */
/* The fragment id of an included file (FRAGMENTS is sorted by source),
 * or NONE. */
static uint32_t fragment_id(const bf_render_t *r, const char *source)
{
    uint32_t lo = 0, hi = bf_snap_count(r->s, BF_SNAP_T_FRAGMENTS);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(S(r, bf_snap_fragment(r->s, mid)->source), source);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return BF_SNAP_NONE;
}

/* How messages name where a diagnostic or link is: the page (disp), or
 * the included file source (site-relative) it is in. */
static const char *where(bf_render_t *r, bf_arena_t *a, const char *disp, const char *source)
{
    if (!source)
        return disp;
    const char *w = r->site_dir ? bf_arena_sprintf(a, "%s/%s", r->site_dir, source) : source;
    return w ? w : source;
}

/* A broken link or reference at line of the page id, or of the included
 * file source (NULL: the page's own); disp names the page. */
static void report_broken(bf_render_t *r, bf_arena_t *a, uint32_t id, const char *disp,
                          const char *source, uint32_t line, const char *msg)
{
    if (r->ctl && r->broken_fd >= 0) {
        bf_farm_broken_t e = {.ready = BF_FARM_BROKEN_READY, .page = id, .line = line,
                              .error = bf_ctx.strict,
                              .fragment = source ? fragment_id(r, source) : BF_SNAP_NONE};
        size_t n = strlen(msg);
        if (n < sizeof e.message) {
            memcpy(e.message, msg, n + 1);
        } else { /* a huge link target: the listing shows its start */
            memcpy(e.message, msg, sizeof e.message - 4);
            memcpy(e.message + sizeof e.message - 4, "...", 4);
        }
        uint64_t i = atomic_fetch_add_explicit(&r->ctl->broken_n, 1, memory_order_relaxed);
        if (pwrite(r->broken_fd, &e, sizeof e, (off_t)(i * sizeof e)) == (ssize_t)sizeof e)
            return;
    }
    const char *w = where(r, a, disp, source);
    bf_log_at(bf_ctx.strict ? BF_LOG_ERROR : BF_LOG_WARN, w ? w : "-", line, 0, "%s", msg);
}

/* Diagnostics of a page's markdown: broken references through
 * report_broken(), the rest (unknown directives...) warned at once.
 * Returns the errors; the rest are added to *warnings. */
static uint32_t report_diags(bf_render_t *r, bf_arena_t *a, uint32_t id,
                             const bf_md_result_t *res, const char *disp, uint32_t *warnings)
{
    uint32_t errors = 0;
    for (size_t i = 0; i < res->n_diags; i++) {
        const bf_md_diag_t *d = &res->diags[i];
        if (bf_md_diag_is_broken(d)) {
            report_broken(r, a, id, disp, d->source, d->line, d->message);
            if (bf_ctx.strict) {
                errors++;
                continue;
            }
        } else {
            const char *w = where(r, a, disp, d->source);
            bf_log_at(BF_LOG_WARN, w ? w : "-", d->line, 0, "%s", d->message);
        }
        (*warnings)++;
    }
    return errors;
}

/*
 * Site-absolute links ("/docs/intro/") are checked against the pages of
 * the snapshot: one to no page is reported like a broken cross-reference.
 * Links to files ("/img/a.png": a dot in the last component) are left
 * alone, since static files are not pages.  Returns the errors (--strict).
 */
static uint32_t check_links(bf_render_t *r, bf_arena_t *a, uint32_t id,
                            const bf_md_result_t *res, const char *source, uint32_t *warnings)
{
    uint32_t errors = 0;
    for (size_t i = 0; i < res->n_internal_links; i++) {
        const bf_md_link_t *l = &res->internal_links[i];
        if (l->kind != BF_MD_LINK_PATH)
            continue;
        size_t n = strcspn(l->target, "#?");
        const char *last = l->target;
        for (size_t k = 0; k < n; k++)
            if (l->target[k] == '/')
                last = l->target + k + 1;
        if (memchr(last, '.', n - (size_t)(last - l->target)))
            continue;
        const char *key = n && l->target[n - 1] == '/'
                              ? bf_arena_strndup(a, l->target, n)
                              : bf_arena_sprintf(a, "%.*s/", (int)n, l->target);
        if (!key || url_set(r) < 0)
            return errors; /* out of memory: checking is best effort */
        if (bf_strmap_get(&r->urls, key, strlen(key)))
            continue;
        const char *msg = bf_arena_sprintf(a, "link to \"%.*s\": no such page", (int)n,
                                           l->target);
        if (!msg)
            return errors;
        report_broken(r, a, id, source, l->source, l->line, msg);
        if (bf_ctx.strict)
            errors++;
        else
            (*warnings)++;
    }
    return errors;
}

static void keep_summary(bf_render_t *r, uint32_t id, const bf_md_result_t *res,
                         const bf_snap_page_t *p)
{
    bf_farm_summary_t *sum = &r->sums[id];
    sum->word_count = (uint32_t)res->word_count;
    sum->reading_time = res->reading_time;
    sum->flags = res->flags;
    sum->excerpt_len = 0;
    if (res->excerpt_len <= BF_FARM_EXCERPT_MAX) {
        memcpy(sum->excerpt, res->excerpt_html, res->excerpt_len);
        sum->excerpt_len = (uint32_t)res->excerpt_len;
    } else if (p->description.len + 7 <= BF_FARM_EXCERPT_MAX) {
        /* too long to keep whole: the description stands in (cutting HTML
         * could leave a tag open) */
        bf_buf_t b = BF_BUF_INIT;
        if (PUT(&b, "<p>") == 0 && esc(&b, r, p->description) == 0 && PUT(&b, "</p>") == 0 &&
            b.len <= BF_FARM_EXCERPT_MAX) {
            memcpy(sum->excerpt, b.data, b.len);
            sum->excerpt_len = (uint32_t)b.len;
        }
        bf_buf_free(&b);
    }
    atomic_store_explicit(&sum->ready, 1, memory_order_release);
}

/* The page through its template.  A template error is the page's: it is
 * reported (the engine names template, line and column; the note names the
 * page) and counted, and the page is not published. */
static int with_template(bf_render_t *r, bf_arena_t *a, const bf_tmpl_t *t, uint32_t id,
                         uint32_t pager, const bf_md_result_t *res, const char *source,
                         bf_buf_t *out, uint32_t *errors)
{
    bf_tmpl_ctx_page_t cur = {.id = id, .res = res, .pager = pager};
    bf_tmpl_render_opts_t o = {
        .arena = a, .cache = r->cache, .profile = r->prof,
        .context = bf_tmpl_ctx_root(r->tctx, &cur),
        .cache_note = cache_note, .cache_note_arg = r,
    };
    int rc = bf_tmpl_render(r->env, t, &o, out);
    bf_tmpl_ctx_root(r->tctx, NULL); /* cur goes out of scope */
    if (rc == 0)
        return 0;
    bf_log_at(BF_LOG_INFO, source ? source : S(r, bf_snap_page(r->s, id)->output), 0, 0,
              "page not written: its template \"%s\" failed", bf_tmpl_name(t));
    bf_buf_reset(out);
    (*errors)++;
    return 1;
}

int bf_render_use_pack(bf_render_t *r, const bf_pack_t *pack, uint64_t self)
{
    r->pack = pack;
    r->self = self;
    return pack && !(r->packw = bf_pack_writer_new(pack)) ? -1 : 0;
}

uint64_t bf_render_pack_hits(const bf_render_t *r)
{
    return r->pack_hits;
}

/* What a page's markdown renders from, but for the pages its links
 * resolve to (checked one by one, link_digest): its body, where it is,
 * the options (highlighting among them), the baseurl, its title (a
 * leading heading that is the title is left out, bf_md_page_t.title), and
 * this binary. */
static bf_digest_t md_key(bf_render_t *r, const bf_md_page_t *in, uint64_t includes_hash)
{
    bf_digest_t body = bf_hash128(in->body, in->body_len);
    /* what the page includes: the digest of every file and where (the
     * bytes fed to the parser are the body's and theirs) */
    uint64_t nums[] = {r->self,       body.lo,     body.hi,     in->body_line,
                       in->flags,     in->extensions, in->toc_min, in->toc_max,
                       in->summary_len, in->hl != NULL, includes_hash};
    const bf_snap_str_t base = r->site->baseurl;
    bf_buf_t *b = &r->tmp;
    bf_buf_reset(b);
    if (PUT(b, "md-pack-2") | bf_buf_append(b, nums, sizeof nums) |
        bf_buf_append(b, in->summary ? in->summary : "", in->summary_len) |
        bf_buf_append(b, S(r, base), base.len) | bf_buf_putc(b, 0) | bf_buf_puts(b, in->source) |
        bf_buf_putc(b, 0) | bf_buf_puts(b, in->title ? in->title : ""))
        return (bf_digest_t){0, 0}; /* out of memory: a key nothing has */
    return bf_hash128(b->data, b->len);
}

/* What a link's HTML shows of the page it resolved to (its URL, and its
 * title for a cross-reference without text); 0 for no page. */
static uint64_t link_digest(bf_render_t *r, uint32_t page)
{
    if (page == BF_MD_NONE)
        return 0;
    const bf_snap_page_t *p = bf_snap_page(r->s, page);
    bf_buf_t *b = &r->tmp;
    bf_buf_reset(b);
    if (bf_buf_append(b, S(r, p->url), p->url.len) | bf_buf_putc(b, 0) |
        bf_buf_append(b, S(r, p->title), p->title.len))
        return 1; /* out of memory: matches nothing stored */
    return bf_hash64(b->data, b->len) | 2;
}

static bool resolves(const bf_md_link_t *l)
{
    return l->kind == BF_MD_LINK_XREF || l->kind == BF_MD_LINK_MD;
}

/* The page's markdown from the pack: 1 when its key is there and every
 * link it resolved resolves to a page that shows the same now (the
 * links' page ids are today's); 0 otherwise; -1 on OOM. */
static int from_pack(bf_render_t *r, bf_arena_t *a, const bf_md_page_t *in, bf_digest_t key,
                     bf_md_result_t *res)
{
    const uint64_t *deps;
    bf_buf_reset(&r->packbuf);
    int rc = bf_pack_get(r->pack, bf_hash64(in->source, strlen(in->source)), key, &r->packbuf);
    if (rc <= 0)
        return rc;
    if (bf_md_result_load(a, r->packbuf.data, r->packbuf.len, res, &deps) < 0)
        return errno == ENOMEM ? -1 : 0;
    for (size_t i = 0; i < res->n_internal_links; i++) {
        bf_md_link_t *l = &res->internal_links[i];
        if (!resolves(l))
            continue;
        l->page = bf_md_resolve(r->s, in->source, l, &r->tmp);
        if (link_digest(r, l->page) != deps[i])
            return 0;
    }
    r->pack_hits++;
    return 1;
}

/* A page's new markdown result into this process's segment of the pack
 * (best effort: the pack is a cache). */
static void to_pack(bf_render_t *r, bf_arena_t *a, const bf_md_page_t *in, bf_digest_t key,
                    const bf_md_result_t *res)
{
    uint64_t *deps = res->n_internal_links
                         ? bf_arena_alloc(a, res->n_internal_links * sizeof *deps)
                         : NULL;
    if (res->n_internal_links && !deps)
        return;
    for (size_t i = 0; i < res->n_internal_links; i++)
        deps[i] = resolves(&res->internal_links[i])
                      ? link_digest(r, res->internal_links[i].page)
                      : 0;
    bf_buf_reset(&r->packbuf);
    if (bf_md_result_save(res, deps, &r->packbuf) == 0)
        bf_pack_put(r->packw, bf_hash64(in->source, strlen(in->source)), key,
                    r->packbuf.data, r->packbuf.len);
}

/* Pager `pager` of page id (1 for any page).  Pagers after the first
 * render the same markdown again, but its diagnostics, links and summary
 * were the first pager's business. */
static int render(bf_render_t *r, bf_arena_t *a, uint32_t id, uint32_t pager, bf_buf_t *out,
                  uint32_t *warnings, uint32_t *errors)
{
    const bf_snap_page_t *p = bf_snap_page(r->s, id);
    bf_md_result_t res;
    bf_md_page_t in = {
        .body = bf_snap_body(r->s, p),
        .body_len = p->body_len,
        .body_line = p->body_line,
        .source = p->source.len ? S(r, p->source) : NULL,
        .snap = r->s,
        .flags = ((r->site->flags & BF_SNAP_SITE_MD_UNSAFE) ? BF_MD_UNSAFE : 0) |
                 ((r->site->flags & BF_SNAP_SITE_ANCHOR_LINKS) ? BF_MD_ANCHOR_LINKS : 0),
        .extensions = BF_MD_EXT_ALL,
        .toc_min = r->site->toc_min,
        .toc_max = r->site->toc_max,
        .summary = p->summary.len ? S(r, p->summary) : NULL,
        .summary_len = p->summary.len,
        .title = S(r, p->title),
        .hl = r->hl,
        .includes = bf_snap_includes(r->s, p->includes),
        .n_includes = p->includes.count,
    };
    /* a page with a source file may have its markdown in the pack */
    bf_digest_t key = {0, 0};
    int hit = 0;
    if (r->pack && in.source) {
        key = md_key(r, &in, p->includes_hash);
        if ((hit = from_pack(r, a, &in, key, &res)) < 0)
            return -1;
        if (hit && pager == 1 && r->ctl)
            atomic_fetch_add_explicit(&r->ctl->md_from_pack, 1, memory_order_relaxed);
    }
    if (!hit) {
        if (bf_md_render(r->md, a, &in, &res) < 0)
            return -1;
        if (r->packw && in.source && pager == 1)
            to_pack(r, a, &in, key, &res);
    }
    /* the page reads itself, and the pages its links resolved to (their
     * URLs and titles are in its HTML) */
    bf_farm_deps_note(r->deps, id);
    for (size_t i = 0; i < res.n_internal_links; i++)
        if (res.internal_links[i].page != BF_MD_NONE)
            bf_farm_deps_note(r->deps, res.internal_links[i].page);
    const char *disp = in.source && r->site_dir
                           ? bf_arena_sprintf(a, "%s/%s", r->site_dir, in.source)
                           : in.source;
    if (pager == 1) {
        *errors += report_diags(r, a, id, &res, disp ? disp : in.source, warnings);
        *errors += check_links(r, a, id, &res, disp ? disp : in.source, warnings);
        for (size_t i = 0; i < res.n_code_langs && r->hl; i++) /* the build's one warning */
            bf_hl_note(r->hl, res.code_langs[i], strlen(res.code_langs[i]));
        if ((res.flags & BF_MD_HAS_MATH) && r->ctl) /* the writer publishes KaTeX */
            atomic_fetch_add_explicit(&r->ctl->math_pages, 1, memory_order_relaxed);
    }
    if (p->kind == BF_SNAP_PAGE)
        keep_summary(r, id, &res, p);

    bf_buf_reset(out);
    const char *where = disp ? disp : in.source ? in.source : S(r, p->output);
    const bf_tmpl_t *t = bf_tmpl_env_get(r->env, S(r, p->template), p->template.len);
    if (!t) {
        /* Planning chose a template of templates/ or of the theme, and the
         * environment compiled them all; a file of templates/ without a
         * template's extension was not compiled, though (env.h). */
        bf_log_at(BF_LOG_ERROR, where, 0, 0,
                  "page not written: its template \"%s\" was not compiled (a template's "
                  "name ends in .html, .xml, .txt, .json, ...)", S(r, p->template));
        (*errors)++;
        return 1;
    }
    return with_template(r, a, t, id, pager, &res, where, out, errors);
}

int bf_render_page(bf_render_t *r, bf_arena_t *a, uint32_t id, bf_buf_t *out,
                   uint32_t *warnings, uint32_t *errors)
{
    return render(r, a, id, 1, out, warnings, errors);
}

uint32_t bf_render_pagers(const bf_render_t *r, uint32_t id)
{
    return bf_tmpl_ctx_pagers(r->s, id);
}

int bf_render_pager(bf_render_t *r, bf_arena_t *a, uint32_t id, uint32_t n, bf_buf_t *out,
                    const char **path, uint32_t *warnings, uint32_t *errors)
{
    const bf_snap_page_t *p = bf_snap_page(r->s, id);
    char *url = bf_tmpl_ctx_pager_url(a, r->s, id, n);
    if (!url || url_set(r) < 0 || !(*path = bf_arena_sprintf(a, "%sindex.html", url + 1)))
        return -1;
    if (bf_strmap_get(&r->urls, url, strlen(url))) {
        const char *where = p->source.len ? S(r, p->source) : S(r, p->output);
        if (p->source.len && r->site_dir)
            where = bf_arena_sprintf(a, "%s/%s", r->site_dir, where);
        bf_log_at(BF_LOG_WARN, where ? where : "-", 0, 0,
                  "pager %u not written: its URL \"%s\" is another page's", n, url);
        (*warnings)++;
        return 2;
    }
    return render(r, a, id, n, out, warnings, errors);
}

int bf_render_alias(bf_render_t *r, bf_arena_t *a, uint32_t id, uint32_t alias, bf_buf_t *out,
                    const char **path)
{
    const bf_snap_page_t *p = bf_snap_page(r->s, id);
    const char *url = S(r, bf_snap_strs(r->s, p->aliases)[alias]);
    size_t n = strlen(url);
    /* the snapshot's aliases are normalised site paths, "/old/" or "/a.html" */
    *path = n && url[n - 1] == '/' ? bf_arena_sprintf(a, "%sindex.html", url + 1)
                                   : bf_arena_strdup(a, url + 1);
    bf_buf_reset(out);
    int rc = PUT(out, "<!DOCTYPE html>\n<html lang=\"") | esc(out, r, r->site->language) |
             PUT(out, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>") |
             esc(out, r, p->title) |
             PUT(out, "</title>\n<meta name=\"robots\" content=\"noindex\">\n"
                      "<link rel=\"canonical\" href=\"") |
             abs_url(out, r, p->url) | PUT(out, "\">\n<meta http-equiv=\"refresh\" content=\"0; url=") |
             abs_url(out, r, p->url) | PUT(out, "\">\n</head>\n<body>\n<p>This page has moved to <a href=\"") |
             abs_url(out, r, p->url) | PUT(out, "\">") | esc(out, r, p->title) |
             PUT(out, "</a>.</p>\n</body>\n</html>\n");
    return rc || !*path ? -1 : 0;
}

/* ---- aggregates (level 2) ----------------------------------------------- */

static int rfc3339(bf_buf_t *out, int64_t epoch, int32_t tz)
{
    bf_date_t d = {.epoch = epoch, .tz_min = tz, .has_time = 1};
    char tmp[64];
    size_t n = bf_date_rfc3339(&d, tmp, sizeof tmp);
    return bf_buf_append(out, tmp, n);
}

/*
 * sitemap.xml: one <urlset> while the site has at most sitemap_max URLs;
 * past that (the protocol's limit is 50,000) part 0 is a <sitemapindex>
 * of sitemap-1.xml ... sitemap-K.xml and parts 1..K hold the URLs.
 */
static int sitemap(bf_render_t *r, unsigned part, bf_buf_t *out, const char **path)
{
    uint32_t n = bf_snap_content_pages(r->s), max = r->sitemap_max; /* no 404, search */
    uint32_t files = n <= max ? 0 : (n + max - 1) / max; /* 0: no index */
    if (part > files)
        return 1;
    if (files && part == 0) {
        int rc = PUT(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (uint32_t k = 1; k <= files; k++)
            rc |= PUT(out, "<sitemap><loc>") | bf_html_escape(out, r->base, r->base_len) |
                  bf_buf_printf(out, "/sitemap-%u.xml</loc></sitemap>\n", k);
        *path = "sitemap.xml";
        return rc | PUT(out, "</sitemapindex>\n") ? -1 : 0;
    }
    uint32_t from = files ? (part - 1) * max : 0, to = files && from + max < n ? from + max : n;
    if (files) {
        snprintf(r->part_path, sizeof r->part_path, "sitemap-%u.xml", part);
        *path = r->part_path;
    } else {
        *path = "sitemap.xml";
    }
    int rc = PUT(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (uint32_t i = from; i < to; i++) {
        const bf_snap_page_t *p = bf_snap_page(r->s, i);
        rc |= PUT(out, "<url><loc>") | abs_url(out, r, p->url) | PUT(out, "</loc>");
        if (p->flags & (BF_SNAP_PF_LASTMOD | BF_SNAP_PF_DATE)) {
            bool lm = p->flags & BF_SNAP_PF_LASTMOD;
            rc |= PUT(out, "<lastmod>") |
                  rfc3339(out, lm ? p->lastmod : p->date, lm ? p->lastmod_tz : p->date_tz) |
                  PUT(out, "</lastmod>");
        }
        rc |= PUT(out, "</url>\n");
    }
    return rc | PUT(out, "</urlset>\n") ? -1 : 0;
}

void bf_render_set_sitemap_max(bf_render_t *r, uint32_t max)
{
    r->sitemap_max = max ? max : 1;
}

static int robots(const bf_render_t *r, bf_buf_t *out)
{
    int rc = PUT(out, "User-agent: *\nAllow: /\n");
    if (r->site->flags & BF_SNAP_SITE_OUT_SITEMAP)
        rc |= PUT(out, "Sitemap: ") | bf_buf_append(out, r->base, r->base_len) |
              PUT(out, "/sitemap.xml\n");
    return rc;
}

typedef struct {
    int64_t date;
    uint32_t id;
} dated_t;

static int by_date_desc(const void *a, const void *b)
{
    const dated_t *x = a, *y = b;
    if (x->date != y->date)
        return x->date > y->date ? -1 : 1;
    return x->id < y->id ? -1 : 1;
}

static int rss(const bf_render_t *r, bf_buf_t *out)
{
    const uint32_t *all = bf_snap_ids(r->s, r->site->pages);
    dated_t *dated = malloc((r->site->pages.count + 1) * sizeof(*dated));
    uint32_t n = 0;
    if (!dated)
        return -1;
    for (uint32_t i = 0; i < r->site->pages.count; i++) {
        const bf_snap_page_t *p = bf_snap_page(r->s, all[i]);
        if (p->flags & BF_SNAP_PF_DATE)
            dated[n++] = (dated_t){p->date, all[i]};
    }
    qsort(dated, n, sizeof *dated, by_date_desc);
    int rc = PUT(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<rss version=\"2.0\">\n<channel>\n<title>") |
             esc(out, r, r->site->title) | PUT(out, "</title>\n<link>") |
             bf_html_escape(out, r->base, r->base_len) | PUT(out, "/</link>\n<description>") |
             esc(out, r, r->site->title) | PUT(out, "</description>\n");
    for (uint32_t i = 0; i < n && i < 20; i++) {
        const bf_snap_page_t *p = bf_snap_page(r->s, dated[i].id);
        char date[64];
        bf_date_t d = {.epoch = p->date, .tz_min = 0, .has_time = 1};
        size_t dn = bf_date_format(&d, "%a, %d %b %Y %H:%M:%S +0000", date, sizeof date);
        rc |= PUT(out, "<item><title>") | esc(out, r, p->title) | PUT(out, "</title><link>") |
              abs_url(out, r, p->url) | PUT(out, "</link><guid>") | abs_url(out, r, p->url) |
              PUT(out, "</guid><pubDate>") | bf_buf_append(out, date, dn) |
              PUT(out, "</pubDate>");
        if (p->description.len)
            rc |= PUT(out, "<description>") | esc(out, r, p->description) |
                  PUT(out, "</description>");
        rc |= PUT(out, "</item>\n");
    }
    free(dated);
    return rc | PUT(out, "</channel>\n</rss>\n");
}

/* Excerpt HTML as plain text for the search index: tags dropped. */
static int plain(bf_buf_t *out, const char *html, size_t n)
{
    bf_buf_t t = BF_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (html[i] == '<') {
            while (i < n && html[i] != '>')
                i++;
            continue;
        }
        rc |= bf_buf_putc(&t, html[i]);
    }
    rc |= bf_json_escape(out, t.data ? t.data : "", t.len);
    bf_buf_free(&t);
    return rc;
}

static int json_str(bf_buf_t *out, const bf_render_t *r, const char *key, bf_snap_str_t v)
{
    return PUT(out, "\"") | bf_buf_puts(out, key) | PUT(out, "\":\"") |
           bf_json_escape(out, S(r, v), v.len) | PUT(out, "\"");
}

/* "url": the page's href (the base URL's path, then the site path), like
 * the theme's links, so that search results work on a site served under
 * a path (https://x.github.io/proj/). */
static int json_href(bf_buf_t *out, const bf_render_t *r, bf_snap_str_t url)
{
    const char *path = strstr(r->base, "://");
    path = path ? strchr(path + 3, '/') : r->base;
    size_t n = path ? (size_t)(r->base + r->base_len - path) : 0;
    return PUT(out, "\"url\":\"") | bf_json_escape(out, path ? path : "", n) |
           bf_json_escape(out, S(r, url), url.len) | PUT(out, "\"");
}

static int search_index(const bf_render_t *r, bf_buf_t *out)
{
    const uint32_t *ids = bf_snap_ids(r->s, r->site->pages);
    uint32_t tags = bf_snap_taxonomy_named(r->s, "tags");
    int rc = PUT(out, "[");
    for (uint32_t i = 0; i < r->site->pages.count; i++) {
        const bf_snap_page_t *p = bf_snap_page(r->s, ids[i]);
        const bf_farm_summary_t *sum = &r->sums[ids[i]];
        const bf_snap_section_t *sec = bf_snap_section(r->s, p->section);
        rc |= bf_buf_puts(out, i ? ",\n{" : "\n{") | json_href(out, r, p->url) | PUT(out, ",") |
              json_str(out, r, "title", p->title) | PUT(out, ",") |
              json_str(out, r, "description", p->description) | PUT(out, ",\"excerpt\":\"") |
              plain(out, sum->excerpt, sum->excerpt_len) | PUT(out, "\",") |
              json_str(out, r, "section", bf_snap_page(r->s, sec->page)->title) |
              PUT(out, ",\"tags\":[");
        bf_snap_range_t tr = bf_snap_page_terms_in(r->s, p, tags);
        const uint32_t *terms = bf_snap_ids(r->s, tr);
        for (uint32_t k = 0; k < tr.count; k++) {
            const bf_snap_term_t *t = bf_snap_term(r->s, terms[k]);
            rc |= bf_buf_puts(out, k ? ",\"" : "\"") | bf_json_escape(out, S(r, t->name), t->name.len) |
                  PUT(out, "\"");
        }
        rc |= bf_buf_printf(out, "],\"word_count\":%u,\"reading_time\":%u,\"date\":",
                            sum->word_count, sum->reading_time);
        if (p->flags & BF_SNAP_PF_DATE)
            rc |= PUT(out, "\"") | rfc3339(out, p->date, p->date_tz) | PUT(out, "\"}");
        else
            rc |= PUT(out, "null}");
    }
    return rc | PUT(out, "\n]\n");
}

static int llms(const bf_render_t *r, bf_buf_t *out)
{
    int rc = PUT(out, "# ") | bf_buf_append(out, S(r, r->site->title), r->site->title.len) |
             PUT(out, "\n");
    uint32_t n = bf_snap_count(r->s, BF_SNAP_T_SECTIONS);
    for (uint32_t s = 0; s < n; s++) {
        const bf_snap_section_t *sec = bf_snap_section(r->s, s);
        const uint32_t *ids = bf_snap_ids(r->s, sec->regular_pages);
        if (!sec->regular_pages.count)
            continue;
        const bf_snap_page_t *ip = bf_snap_page(r->s, sec->page);
        rc |= PUT(out, "\n## ") | bf_buf_append(out, S(r, ip->title), ip->title.len) |
              PUT(out, "\n\n");
        for (uint32_t i = 0; i < sec->regular_pages.count; i++) {
            const bf_snap_page_t *p = bf_snap_page(r->s, ids[i]);
            rc |= PUT(out, "- [") | bf_buf_append(out, S(r, p->title), p->title.len) |
                  PUT(out, "](") | bf_buf_append(out, r->base, r->base_len) |
                  bf_buf_append(out, S(r, p->url), p->url.len) | PUT(out, ")");
            if (p->description.len)
                rc |= PUT(out, ": ") |
                      bf_buf_append(out, S(r, p->description), p->description.len);
            rc |= PUT(out, "\n");
        }
    }
    return rc;
}

int bf_render_aggregate(bf_render_t *r, uint32_t wave, unsigned part, bf_buf_t *out,
                        const char **path)
{
    static const struct {
        const char *name;
        int (*fn)(const bf_render_t *, bf_buf_t *);
    } aggs[] = {
        {"rss.xml", rss}, {"index.json", search_index}, {"llms.txt", llms},
        {"robots.txt", robots},
    };
    const bf_snap_wave_t *w = bf_snap_wave(r->s, wave);
    const char *name = S(r, w->template);
    bf_buf_reset(out);
    if (strcmp(name, "sitemap.xml") == 0)
        return sitemap(r, part, out, path);
    for (size_t i = 0; part == 0 && i < sizeof aggs / sizeof aggs[0]; i++) {
        if (strcmp(aggs[i].name, name) == 0) {
            *path = aggs[i].name;
            return aggs[i].fn(r, out) ? -1 : 0;
        }
    }
    return 1;
}
