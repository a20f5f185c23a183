/*
 * worker/md_pack.c - a render result as bytes and back (markdown.h,
 * "Results kept between builds").
 *
 * Layout (little-endian, no padding): u32 magic "BFMR", u32 version, then
 * the fields of bf_md_result_t in declaration order.  A string is u32
 * length + bytes (no NUL), NULL being length 0xffffffff; an array is u32
 * count + items.  The bytes are read back from a file that a checksum
 * guards, yet read as if hostile: a reader that trusted them would turn a
 * bug elsewhere into a crash here.
 */
#include <errno.h>
#include <string.h>

#include "worker/markdown.h"

#define MAGIC 0x524d4642u /* "BFMR" */
#define VERSION 2u /* 2: the source of links and diagnostics */
#define NULL_STR 0xffffffffu

static int put32(bf_buf_t *b, uint32_t v)
{
    return bf_buf_append(b, &v, 4);
}

static int put64(bf_buf_t *b, uint64_t v)
{
    return bf_buf_append(b, &v, 8);
}

static int put_str(bf_buf_t *b, const char *s, size_t n)
{
    if (!s)
        return put32(b, NULL_STR);
    return n >= NULL_STR ? (errno = EFBIG, -1) : put32(b, (uint32_t)n) | bf_buf_append(b, s, n);
}

static int put_cstr(bf_buf_t *b, const char *s)
{
    return put_str(b, s, s ? strlen(s) : 0);
}

static int put_links(bf_buf_t *b, const bf_md_link_t *l, size_t n, const uint64_t *deps)
{
    int rc = put32(b, (uint32_t)n);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = put_cstr(b, l[i].target) | put_cstr(b, l[i].fragment) | put32(b, l[i].line) |
             bf_buf_putc(b, l[i].kind) | put64(b, deps ? deps[i] : 0) |
             put_cstr(b, l[i].source);
    return rc;
}

int bf_md_result_save(const bf_md_result_t *r, const uint64_t *deps, bf_buf_t *out)
{
    int rc = put32(out, MAGIC) | put32(out, VERSION) | put_str(out, r->html, r->html_len) |
             put_str(out, r->toc_html, r->toc_html_len) | put32(out, (uint32_t)r->n_toc);
    for (size_t i = 0; i < r->n_toc && rc == 0; i++) {
        const bf_md_toc_item_t *t = &r->toc[i];
        rc = bf_buf_putc(out, t->level) | bf_buf_putc(out, t->depth) | put32(out, t->parent) |
             put32(out, t->first_child) | put32(out, t->next_sibling) |
             put_cstr(out, t->text) | put_cstr(out, t->id);
    }
    rc |= put_cstr(out, r->title) | put64(out, r->word_count) | put32(out, r->reading_time) |
          put_str(out, r->excerpt_html, r->excerpt_len) | put32(out, r->flags) |
          put32(out, (uint32_t)r->n_code_langs);
    for (size_t i = 0; i < r->n_code_langs && rc == 0; i++)
        rc = put_cstr(out, r->code_langs[i]);
    rc |= put_links(out, r->internal_links, r->n_internal_links, deps) |
          put_links(out, r->external_links, r->n_external_links, NULL) |
          put_links(out, r->images, r->n_images, NULL) | put32(out, (uint32_t)r->n_diags);
    for (size_t i = 0; i < r->n_diags && rc == 0; i++)
        rc = put32(out, r->diags[i].line) | bf_buf_putc(out, r->diags[i].kind) |
             put_cstr(out, r->diags[i].target) | put_cstr(out, r->diags[i].message) |
             put_cstr(out, r->diags[i].source);
    return rc ? -1 : 0;
}

/* ---- reading ---- */

typedef struct {
    const unsigned char *p, *end;
    bf_arena_t *a;
    int bad;    /* the bytes are not a result */
    int oom;
} rd_t;

static uint32_t get32(rd_t *r)
{
    uint32_t v = 0;
    if (r->end - r->p < 4)
        r->bad = 1;
    else
        memcpy(&v, r->p, 4), r->p += 4;
    return v;
}

static uint64_t get64(rd_t *r)
{
    uint64_t v = 0;
    if (r->end - r->p < 8)
        r->bad = 1;
    else
        memcpy(&v, r->p, 8), r->p += 8;
    return v;
}

static uint8_t get8(rd_t *r)
{
    if (r->p == r->end) {
        r->bad = 1;
        return 0;
    }
    return *r->p++;
}

/* A string (NUL-terminated copy in the arena); NULL for a NULL string and
 * after any failure. */
static const char *get_str(rd_t *r, size_t *len)
{
    uint32_t n = get32(r);
    *len = 0;
    if (r->bad || n == NULL_STR)
        return NULL;
    if ((size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    char *s = bf_arena_strndup(r->a, (const char *)r->p, n);
    if (!s)
        r->oom = 1;
    r->p += n;
    *len = n;
    return s;
}

static const char *get_cstr(rd_t *r)
{
    size_t n;
    return get_str(r, &n);
}

/* A count of items of at least min bytes each, the array allocated. */
static void *get_array(rd_t *r, size_t *n, size_t size, size_t min)
{
    uint32_t k = get32(r);
    *n = 0;
    if (r->bad || k == 0)
        return NULL;
    if ((size_t)(r->end - r->p) / min < k) {
        r->bad = 1;
        return NULL;
    }
    void *v = bf_arena_zalloc(r->a, (size_t)k * size);
    if (!v)
        r->oom = 1;
    else
        *n = k;
    return v;
}

static bool index_ok(uint32_t i, size_t n)
{
    return i == BF_MD_NONE || i < n;
}

static bf_md_link_t *get_links(rd_t *r, size_t *n, uint64_t **deps)
{
    bf_md_link_t *l = get_array(r, n, sizeof *l, 4 + 4 + 4 + 1 + 8 + 4);
    if (deps && !(*deps = *n ? bf_arena_alloc(r->a, *n * sizeof **deps) : NULL) && *n)
        r->oom = 1;
    for (size_t i = 0; l && i < *n && !r->bad && !r->oom; i++) {
        l[i].target = get_cstr(r);
        l[i].fragment = get_cstr(r);
        l[i].line = get32(r);
        l[i].kind = get8(r);
        l[i].page = BF_MD_NONE;
        uint64_t d = get64(r);
        if (deps)
            (*deps)[i] = d;
        l[i].source = get_cstr(r);
        if (!l[i].target || l[i].kind > BF_MD_LINK_EXTERNAL)
            r->bad = 1;
    }
    return l;
}

int bf_md_result_load(bf_arena_t *arena, const void *data, size_t n, bf_md_result_t *out,
                      const uint64_t **deps)
{
    rd_t r = {.p = data, .end = (const unsigned char *)data + n, .a = arena};
    uint64_t *d = NULL;
    memset(out, 0, sizeof *out);
    if (get32(&r) != MAGIC || get32(&r) != VERSION)
        r.bad = 1;
    out->html = get_str(&r, &out->html_len);
    out->toc_html = get_str(&r, &out->toc_html_len);
    out->toc = get_array(&r, &out->n_toc, sizeof *out->toc, 1 + 1 + 12 + 8);
    for (size_t i = 0; out->toc && i < out->n_toc && !r.bad && !r.oom; i++) {
        bf_md_toc_item_t *t = &out->toc[i];
        t->level = get8(&r);
        t->depth = get8(&r);
        t->parent = get32(&r);
        t->first_child = get32(&r);
        t->next_sibling = get32(&r);
        t->text = get_cstr(&r);
        t->id = get_cstr(&r);
        if (t->level < 1 || t->level > 6 || !index_ok(t->parent, out->n_toc) ||
            !index_ok(t->first_child, out->n_toc) || !index_ok(t->next_sibling, out->n_toc) ||
            !t->text || !t->id)
            r.bad = 1;
    }
    out->title = get_cstr(&r);
    out->word_count = (size_t)get64(&r);
    out->reading_time = get32(&r);
    out->excerpt_html = get_str(&r, &out->excerpt_len);
    out->flags = get32(&r);
    out->code_langs = get_array(&r, &out->n_code_langs, sizeof *out->code_langs, 4);
    for (size_t i = 0; out->code_langs && i < out->n_code_langs && !r.bad && !r.oom; i++)
        if (!(out->code_langs[i] = get_cstr(&r)))
            r.bad = 1;
    out->internal_links = get_links(&r, &out->n_internal_links, &d);
    out->external_links = get_links(&r, &out->n_external_links, NULL);
    out->images = get_links(&r, &out->n_images, NULL);
    out->diags = get_array(&r, &out->n_diags, sizeof *out->diags, 4 + 1 + 12);
    for (size_t i = 0; out->diags && i < out->n_diags && !r.bad && !r.oom; i++) {
        bf_md_diag_t *g = &out->diags[i];
        g->line = get32(&r);
        g->kind = get8(&r);
        g->target = get_cstr(&r);
        g->message = get_cstr(&r);
        g->source = get_cstr(&r);
        if (g->kind >= BF_MD_DIAG_KINDS || !g->message)
            r.bad = 1;
    }
    if (!r.bad && !r.oom && (r.p != r.end || !out->html || !out->toc_html || !out->excerpt_html))
        r.bad = 1;
    if (r.bad || r.oom) {
        memset(out, 0, sizeof *out);
        errno = r.oom && !r.bad ? ENOMEM : EILSEQ;
        return -1;
    }
    *deps = d;
    return 0;
}
