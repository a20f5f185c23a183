/*
 * coordinator/include.c - include directives: scan, resolution, freeze
 * (see include.h).
 *
 * Every file looked at is one document (incdoc_t, by its site-relative
 * path): a page with includes gets one as it is scanned, a page without
 * any when something includes it, any other file when it is first read.
 * Resolution is a depth-first walk from each page over the documents,
 * with the usual three colours: a document being walked (VISITING) that
 * is reached again closes a cycle; one walked to the end (DONE) keeps
 * what the pages above it need (its height: how deep its includes nest,
 * its expanded size, its digest), so a file included by a thousand pages
 * is walked once.  A document that cannot be expanded is BAD for every
 * page that reaches it.  "Too deep" is the one relative failure (a file
 * nested 8 deep under one page may be 2 deep under another): the walk
 * gives up on the page, leaves the documents on the way unwalked, and
 * says it once per directive.  The walk recurses at most
 * BF_MYST_INCLUDE_DEPTH + 1 deep.
 */
#include "coordinator/include.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/discover.h"
#include "coordinator/frontmatter.h"
#include "shared/buf.h"
#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/log.h"
#include "shared/myst.h"

#define MAX_DEPTH BF_MYST_INCLUDE_DEPTH
/* A page with everything it includes: never more than the markdown
 * adapter takes (worker/markdown.c), whatever build.max_file_size says. */
#define MAX_EXPANDED ((uint64_t)512 << 20)

typedef struct {
    uint32_t off, len;      /* the directive's bytes in the body */
    uint32_t line;          /* its line in the file */
    const char *path;       /* as written (arena) */
    bf_incdoc_t *doc;       /* the file it names, once found */
} edge_t;

enum { NEW, VISITING, DONE, BAD };

struct bf_incdoc {
    const char *source;     /* "content/x.md" (arena) */
    uint64_t hash;          /* of the file's bytes */
    uint64_t body_off;      /* in the snapshot's BODIES */
    uint32_t body_len, body_line;
    edge_t *edges;
    size_t n_edges;
    int state;
    bool broken;            /* a directive of its own is unusable (said) */
    bool beneath;           /* known to open beneath content/ */
    bool included;          /* a file includes it: a fragment */
    uint32_t height;        /* DONE: how deep its includes nest (0: none) */
    const edge_t *deepest;  /* DONE: the edge to the deepest of them */
    uint64_t size;          /* DONE: its body with every include expanded */
    uint64_t digest;        /* DONE: of what it includes; 0 for nothing */
    uint32_t frag;          /* its fragment id once frozen, else NONE */
};

struct bf_includes {
    bf_strmap_t docs;       /* source -> bf_incdoc_t */
    bf_strmap_t failed;     /* sources that failed to load: said already */
    bf_strmap_t pages;      /* source -> bf_page_t, made when first needed */
    bool have_pages;
    bf_vec_t roots;         /* bf_page_t * with includes, in walk order */
    bf_strmap_t told;       /* "file:line" of every error said */
    int content_fd;
    bf_buf_t text;          /* the file being read */
};

/* One step of the walk: doc, and the edge being followed out of it. */
typedef struct {
    bf_incdoc_t *doc;
    const edge_t *edge;
} frame_t;

static bf_includes_t *state_of(bf_site_t *s)
{
    if (!s->includes && (s->includes = bf_arena_zalloc(s->arena, sizeof *s->includes)))
        s->includes->content_fd = -1;
    return s->includes;
}

/* Reports an error at file:line once (a directive reached from many pages
 * is one mistake).  Returns -1, or -2 on OOM. */
static int tell(bf_site_t *s, const char *file, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int tell(bf_site_t *s, const char *file, uint32_t line, const char *fmt, ...)
{
    bf_includes_t *R = s->includes;
    char *key = bf_arena_sprintf(s->arena, "%s:%u", file, (unsigned)line);
    va_list ap;
    void *was = key ? bf_strmap_put(s->arena, &R->told, key, strlen(key), key) : NULL;
    if (!was)
        return -2;
    if (was != key)
        return -1; /* said before */
    va_start(ap, fmt);
    char *msg = bf_arena_vsprintf(s->arena, fmt, ap);
    va_end(ap);
    if (!msg)
        return -2;
    bf_log_at(BF_LOG_ERROR, bf_site_disp(s, file), line, 0, "%s", msg);
    return -1;
}

/* ---- scanning ---- */

typedef struct {
    bf_site_t *s;
    const char *source;
    uint32_t line0;         /* file line of the body's line 1, minus 1 */
    edge_t *edges;
    size_t n, cap;
    int rc;
} scan_t;

static int on_include(void *ctx, const bf_myst_include_t *inc)
{
    scan_t *sc = ctx;
    bf_site_t *s = sc->s;
    if (inc->error) {
        bf_log_at(BF_LOG_ERROR, bf_site_disp(s, sc->source), sc->line0 + inc->err_line, 0,
                  "%s", inc->error);
        sc->rc = -1;
        return 0; /* and go on: one run says every mistake */
    }
    if (sc->n == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 4;
        edge_t *e = bf_arena_alloc(s->arena, cap * sizeof *e);
        if (!e)
            return sc->rc = -2;
        if (sc->n)
            memcpy(e, sc->edges, sc->n * sizeof *e);
        sc->edges = e;
        sc->cap = cap;
    }
    edge_t *e = &sc->edges[sc->n++];
    *e = (edge_t){(uint32_t)inc->off, (uint32_t)inc->len, sc->line0 + inc->line,
                  bf_arena_strndup(s->arena, inc->path, inc->path_len), NULL};
    return e->path ? 0 : (sc->rc = -2);
}

/* A new document for source, with the include directives of its body. */
static bf_incdoc_t *doc_new(bf_site_t *s, const char *source, const char *body, uint32_t body_len,
                            uint32_t body_line, int *rc)
{
    bf_incdoc_t *d = bf_arena_zalloc(s->arena, sizeof *d);
    scan_t sc = {s, source, body_line ? body_line - 1 : 0, NULL, 0, 0, 0};
    *rc = -2;
    if (!d || !state_of(s))
        return NULL;
    bf_myst_includes(body, body_len, on_include, &sc);
    if (sc.rc == -2 || !bf_strmap_put(s->arena, &s->includes->docs, source, strlen(source), d))
        return NULL;
    d->source = source;
    d->body_len = body_len;
    d->body_line = body_line ? body_line : 1;
    d->edges = sc.edges;
    d->n_edges = sc.n;
    d->frag = BF_SNAP_NONE;
    d->broken = sc.rc < 0; /* its usable directives are still followed */
    *rc = sc.rc;
    return d;
}

int bf_include_scan(bf_site_t *s, bf_page_t *p, const char *body)
{
    int rc;
    if (!memmem(body, p->body_len, "{include}", 9))
        return 0; /* nearly every page */
    bf_incdoc_t *d = doc_new(s, p->source, body, (uint32_t)p->body_len, p->body_line, &rc);
    if (!d)
        return rc;
    d->hash = p->hash;
    d->body_off = p->body_off;
    p->inc = d;
    if ((d->n_edges || d->broken) && bf_vec_push(s->arena, &s->includes->roots, p) < 0)
        return -2;
    return rc;
}

int bf_include_failed(bf_site_t *s, const char *rel)
{
    bf_includes_t *R = state_of(s);
    return R && bf_strmap_put(s->arena, &R->failed, rel, strlen(rel), (void *)rel) ? 0 : -1;
}

/* ---- finding what a directive names ---- */

static int index_pages(bf_site_t *s, bf_section_t *sec)
{
    bf_strmap_t *m = &s->includes->pages;
    bf_page_t *ix = sec->index;
    if (!(ix->flags & BF_SNAP_PF_VIRTUAL) && ix->source &&
        !bf_strmap_put(s->arena, m, ix->source, strlen(ix->source), ix))
        return -1;
    for (size_t i = 0; i < sec->regular.n; i++) {
        bf_page_t *p = sec->regular.items[i];
        if (!bf_strmap_put(s->arena, m, p->source, strlen(p->source), p))
            return -1;
    }
    for (size_t i = 0; i < sec->children.n; i++)
        if (index_pages(s, sec->children.items[i]) < 0)
            return -1;
    return 0;
}

/* The words for a failed read of an included file. */
static const char *read_why(int err)
{
    switch (err) {
    case ENOENT:
        return "no such file";
    case EXDEV:
        return "a symlink on the way leads outside the content directory, or is absolute";
    case EFBIG:
        return "it is larger than build.max_file_size";
    default:
        return bf_fs_beneath_why(err);
    }
}

/* The content directory, opened on first use. */
static int content_fd(bf_site_t *s)
{
    bf_includes_t *R = s->includes;
    if (R->content_fd < 0)
        R->content_fd = bf_fs_open_beneath(s->root_fd, "content", O_PATH | O_DIRECTORY, 0);
    return R->content_fd;
}

/* Reads the file source (site-relative) beneath content/ into a new
 * document.  NULL with *rc -1 after an error (reported: at the directive
 * when the file cannot be read, in the file when it is not markdown we
 * take), -2 on OOM. */
static bf_incdoc_t *read_doc(bf_site_t *s, const bf_incdoc_t *from, const edge_t *e,
                             const char *source, int *rc)
{
    bf_includes_t *R = s->includes;
    const char *disp = bf_site_disp(s, source);
    bf_fm_t fm;
    bf_yaml_limits_t lim = BF_YAML_LIMITS_DEFAULT;
    *rc = -2;
    if (content_fd(s) < 0)
        return *rc = tell(s, from->source, e->line, "cannot include \"%s\": %s", e->path,
                          read_why(errno)), NULL;
    bf_buf_reset(&R->text);
    if (bf_fs_read_file_at(R->content_fd, source + strlen("content/"), s->config.max_file_size,
                           &R->text) < 0)
        return *rc = tell(s, from->source, e->line, "cannot include \"%s\" (%s): %s", e->path,
                          source, read_why(errno)), NULL;
    const char *text = R->text.data ? R->text.data : "";
    size_t len = R->text.len;
    if (!disp)
        return NULL;
    if (bf_fm_parse(s->arena, disp, text, len, &lim, &fm) < 0 ||
        bf_discover_check_text(disp, text, len, (size_t)(fm.body - text)) < 0) {
        *rc = -1;
        return bf_include_failed(s, source) < 0 ? (*rc = -2, NULL) : NULL;
    }
    const char *body = fm.body;
    size_t body_len = fm.body_len;
    if (body == text && body_len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
        body += 3, body_len -= 3; /* a BOM starts a document, not the middle of one */
    bf_incdoc_t *d = doc_new(s, source, body, (uint32_t)body_len, fm.body_line, rc);
    if (!d)
        return NULL;
    d->hash = bf_hash64(text, len);
    d->body_off = bf_snapw_body(s->snapw, body, body_len);
    d->beneath = true;
    return d;
}

/* A page's document, whose file discovery read beneath the site root:
 * included, it must open beneath content/ as any included file does
 * (content/x.md may be a symlink to ../README.md).  d, or NULL with *rc. */
static bf_incdoc_t *beneath(bf_site_t *s, const bf_incdoc_t *from, const edge_t *e,
                            bf_incdoc_t *d, int *rc)
{
    struct stat st;
    if (d->beneath)
        return d;
    if (content_fd(s) < 0 ||
        bf_fs_stat_at(s->includes->content_fd, d->source + strlen("content/"), &st) < 0)
        return *rc = tell(s, from->source, e->line, "cannot include \"%s\" (%s): %s", e->path,
                          d->source, read_why(errno)), NULL;
    d->beneath = true;
    return d;
}

/* The document edge e of from names.  NULL with *rc as read_doc's. */
static bf_incdoc_t *find_doc(bf_site_t *s, const bf_incdoc_t *from, const edge_t *e, int *rc)
{
    bf_includes_t *R = s->includes;
    char path[BF_PATH_MAX];
    const char *why;
    *rc = -2;
    if (bf_myst_include_path(from->source, e->path, strlen(e->path), path, sizeof path, &why) < 0)
        return *rc = tell(s, from->source, e->line, "cannot include \"%s\": the path %s",
                          e->path, why), NULL;
    size_t n = strlen(path);
    bf_incdoc_t *d = bf_strmap_get(&R->docs, path, n);
    if (d)
        return beneath(s, from, e, d, rc);
    if (bf_strmap_get(&R->failed, path, n))
        return *rc = -1, NULL; /* its own error said what is wrong */
    if (!R->have_pages && index_pages(s, s->root) < 0)
        return NULL;
    R->have_pages = true;
    char *source = bf_arena_strndup(s->arena, path, n);
    bf_page_t *p = source ? bf_strmap_get(&R->pages, path, n) : NULL;
    if (!source || !p)
        return source ? read_doc(s, from, e, source, rc) : NULL;
    /* a page without includes (one with some has its document): its
     * body is in the snapshot already */
    if (!(d = doc_new(s, p->source, "", 0, p->body_line, rc)))
        return NULL;
    d->hash = p->hash;
    d->body_off = p->body_off;
    d->body_len = (uint32_t)p->body_len;
    return beneath(s, from, e, d, rc);
}

/* ---- the walk ---- */

/* "content/a.md:3 includes content/b.md, content/b.md:1 includes ..."
 * for the frames [from, to], then the deepest chain below the file the
 * last frame's edge names. */
static char *chain_text(bf_site_t *s, const frame_t *chain, unsigned from, unsigned to)
{
    bf_buf_t b = BF_BUF_INIT;
    int rc = 0;
    const bf_incdoc_t *d = NULL;
    const edge_t *e = NULL;
    for (unsigned k = from; k <= to + MAX_DEPTH + 1; k++) {
        if (k <= to) {
            d = chain[k].doc;
            e = chain[k].edge;
        } else if (!(d = e->doc) || d->state != DONE || !(e = d->deepest)) {
            break;
        }
        rc |= bf_buf_printf(&b, "%s%s:%u includes %s", k > from ? ", " : "", d->source,
                            (unsigned)e->line, e->doc ? e->doc->source : e->path);
    }
    char *t = rc ? NULL : bf_arena_strndup(s->arena, b.data ? b.data : "", b.len);
    bf_buf_free(&b);
    return t;
}

static int cycle(bf_site_t *s, const frame_t *chain, unsigned depth, const bf_incdoc_t *again)
{
    unsigned k = 0;
    while (chain[k].doc != again)
        k++;
    char *c = chain_text(s, chain, k, depth);
    const bf_incdoc_t *d = chain[depth].doc;
    return c ? tell(s, d->source, chain[depth].edge->line, "include cycle: %s", c) : -2;
}

static int too_deep(bf_site_t *s, const frame_t *chain, unsigned depth)
{
    char *c = chain_text(s, chain, 0, depth);
    const bf_incdoc_t *d = chain[depth].doc;
    return c ? tell(s, d->source, chain[depth].edge->line,
                    "includes nest more than %d deep: %s", MAX_DEPTH, c)
             : -2;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Walks doc, at depth below the page chain[0].doc (chain[0..depth) are
 * the documents above it), following every directive so that one run
 * says every mistake.  0: doc is DONE and fits at depth; -1: an error was
 * said, and doc is BAD, or fails at this depth only (too deep: left NEW);
 * -2: out of memory. */
static int walk(bf_site_t *s, bf_incdoc_t *doc, unsigned depth, frame_t *chain)
{
    uint32_t height = 0;
    uint64_t size = doc->body_len, digest = 0;
    const edge_t *deepest = NULL;
    bool failed = doc->broken;
    if (doc->state != NEW)
        return doc->state == DONE ? 0 : -1;
    doc->state = VISITING;
    chain[depth].doc = doc;
    for (size_t k = 0; k < doc->n_edges; k++) {
        edge_t *e = &doc->edges[k];
        int rc = 0;
        chain[depth].edge = e;
        if (!e->doc && !(e->doc = find_doc(s, doc, e, &rc))) {
            if (rc == -2)
                return -2;
            failed = true;
            continue;
        }
        bf_incdoc_t *c = e->doc;
        c->included = true;
        if (c->state == VISITING) {
            if (cycle(s, chain, depth, c) == -2)
                return -2;
            failed = true;
            continue;
        }
        if (depth + 1 <= MAX_DEPTH && (rc = walk(s, c, depth + 1, chain)) == -2)
            return -2;
        if (depth + 1 > MAX_DEPTH || (rc == 0 && depth + 1 + c->height > MAX_DEPTH) ||
            (rc < 0 && c->state == NEW)) {
            if (rc == 0 && too_deep(s, chain, depth) == -2)
                return -2;
            doc->state = NEW; /* it may be fine under a shallower page */
            return -1;
        }
        if (rc < 0) {
            failed = true;
            continue;
        }
        if (c->height + 1 > height) {
            height = c->height + 1;
            deepest = e;
        }
        size = add_sat(size, add_sat(c->size, 3)); /* its blank lines around */
        uint64_t rec[4] = {e->off, e->len, c->hash, c->digest};
        digest = bf_hash64_seed(rec, sizeof rec, digest);
        digest = bf_hash64_seed(c->source, strlen(c->source), digest);
    }
    if (failed) {
        doc->state = BAD;
        return -1;
    }
    doc->state = DONE;
    doc->height = height;
    doc->deepest = deepest;
    doc->size = size;
    doc->digest = digest ? digest : !!doc->n_edges; /* 0 is "includes nothing" */
    return 0;
}

int bf_include_resolve(bf_site_t *s)
{
    bf_includes_t *R = s->includes;
    frame_t chain[MAX_DEPTH + 2];
    int rc = 0;
    uint64_t limit = MAX_EXPANDED;
    if (s->config.max_file_size && s->config.max_file_size < limit)
        limit = s->config.max_file_size;
    for (size_t i = 0; R && i < R->roots.n && rc != -2; i++) {
        bf_page_t *p = R->roots.items[i];
        int r = walk(s, p->inc, 0, chain);
        if (r == 0 && p->inc->size > limit) {
            bf_log_at(BF_LOG_ERROR, bf_site_disp(s, p->source), 0, 0,
                      "with the files it includes the page is %llu bytes, over the limit of "
                      "%llu (raise build.max_file_size to allow it)",
                      (unsigned long long)p->inc->size, (unsigned long long)limit);
            r = -1;
        }
        if (r == 0)
            p->includes_hash = p->inc->digest;
        rc = r < rc ? r : rc;
    }
    if (R && R->content_fd >= 0)
        close(R->content_fd);
    if (R) {
        R->content_fd = -1;
        bf_buf_free(&R->text);
    }
    if (rc == -2)
        bf_log_error("out of memory while reading the site");
    return rc < 0 ? -1 : 0;
}

/* ---- the snapshot ---- */

static int cmp_docs(const void *a, const void *b)
{
    return strcmp((*(bf_incdoc_t *const *)a)->source, (*(bf_incdoc_t *const *)b)->source);
}

static bf_snap_range_t freeze_edges(bf_snapw_t *w, const bf_incdoc_t *d)
{
    bf_snap_include_t small[16] = {{0}}, *v = d->n_edges <= 16 ? small : malloc(d->n_edges * sizeof *v);
    if (!v)
        return bf_snapw_oom(w);
    for (size_t k = 0; k < d->n_edges; k++)
        v[k] = (bf_snap_include_t){d->edges[k].off, d->edges[k].len, d->edges[k].doc->frag};
    bf_snap_range_t r = bf_snapw_includes(w, v, d->n_edges);
    if (v != small)
        free(v);
    return r;
}

void bf_include_freeze(const bf_site_t *s, bf_snapw_t *w)
{
    bf_includes_t *R = s->includes;
    size_t n = 0;
    if (!R)
        return;
    bf_incdoc_t **v = malloc((R->docs.n + 1) * sizeof *v);
    if (!v) {
        bf_snapw_oom(w);
        return;
    }
    for (size_t i = 0; i < R->docs.cap; i++) {
        bf_incdoc_t *d = R->docs.keys[i] ? R->docs.vals[i] : NULL;
        if (d && d->included && d->state == DONE)
            v[n++] = d;
    }
    qsort(v, n, sizeof *v, cmp_docs);
    for (size_t i = 0; i < n; i++)
        v[i]->frag = (uint32_t)i;
    for (size_t i = 0; i < n; i++) {
        bf_snap_fragment_t f = {bf_snapw_cstr(w, v[i]->source), v[i]->body_off,
                                v[i]->body_len, v[i]->body_line, freeze_edges(w, v[i])};
        bf_snapw_add(w, BF_SNAP_T_FRAGMENTS, &f);
    }
    free(v);
}

bf_snap_range_t bf_include_freeze_page(bf_snapw_t *w, const bf_page_t *p)
{
    if (!p->inc || p->inc->state != DONE)
        return (bf_snap_range_t){0, 0};
    return freeze_edges(w, p->inc);
}
