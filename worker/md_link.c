/*
 * worker/md_link.c - link classification, relative .md links and
 * cross-reference targets (see md_link.h).
 *
 * Relative .md links are resolved the way MkDocs and Docusaurus do it:
 * against the directory of the file that contains them, with "." and ".."
 * segments applied, percent-escapes decoded, ".md" dropped, and index.md /
 * _index.md naming their directory.  Only the path is looked at; a query
 * string is ignored and the fragment is kept for the rewritten URL.
 */
#include "worker/md_link.h"

#include <string.h>

static bool is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bf_md_link_kind_t bf_md_link_classify(const char *url, size_t n)
{
    if (n > 0 && url[0] == '#')
        return BF_MD_LINK_ANCHOR;
    if (n > 1 && url[0] == '/' && url[1] == '/')
        return BF_MD_LINK_EXTERNAL;
    if (n > 0 && url[0] == '/')
        return BF_MD_LINK_PATH;
    if (n > 0 && is_alpha((unsigned char)url[0])) {
        for (size_t i = 1; i < n; i++) {
            unsigned char c = (unsigned char)url[i];
            if (c == ':')
                return BF_MD_LINK_EXTERNAL;
            if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
                break;
        }
    }
    return BF_MD_LINK_RELATIVE;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++) {
        char c = s[n - k + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != suf[i])
            return false;
    }
    return true;
}

/* Appends segment seg[0..n) to the normalised path that starts at
 * out->data[root] ("a/b", or empty), applying "." and "..".  Returns
 * false when ".." leaves the root. */
static bool push_segment(bf_buf_t *out, size_t root, const char *seg, size_t n, int *oom)
{
    if (n == 0 || (n == 1 && seg[0] == '.'))
        return true;
    if (n == 2 && seg[0] == '.' && seg[1] == '.') {
        if (out->len == root)
            return false;
        char *slash = memrchr(out->data + root, '/', out->len - root);
        bf_buf_truncate(out, slash ? (size_t)(slash - out->data) : root);
        return true;
    }
    if ((out->len > root && bf_buf_putc(out, '/') < 0) || bf_buf_append(out, seg, n) < 0)
        *oom = 1;
    return true;
}

/* Appends the segments of p[0..n); false when one climbs out. */
static bool push_path(bf_buf_t *out, size_t root, const char *p, size_t n, int *oom)
{
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && p[j] != '/')
            j++;
        if (!push_segment(out, root, p + i, j - i, oom))
            return false;
        i = j + 1;
    }
    return true;
}

/* Drops a trailing "index" or "_index" segment (a bundle or section). */
static void drop_index(bf_buf_t *out, size_t root)
{
    if (out->len == root)
        return;
    const char *last = memrchr(out->data + root, '/', out->len - root);
    size_t start = last ? (size_t)(last - out->data) + 1 : root;
    size_t k = out->len - start;
    if ((k == 5 && memcmp(out->data + start, "index", 5) == 0) ||
        (k == 6 && memcmp(out->data + start, "_index", 6) == 0))
        bf_buf_truncate(out, start > root ? start - 1 : root);
}

/* Longest relative link path we resolve; longer ones resolve to nothing. */
#define MD_LINK_MAX 1024

int bf_md_link_md_path(const char *source, const char *url, size_t n, bf_buf_t *out,
                       const char **frag, size_t *frag_len)
{
    char rel[MD_LINK_MAX];
    size_t plen = 0, rlen = 0;
    int oom = 0;

    *frag = NULL;
    *frag_len = 0;
    if (bf_md_link_classify(url, n) != BF_MD_LINK_RELATIVE)
        return 0;
    while (plen < n && url[plen] != '#' && url[plen] != '?')
        plen++;
    size_t ext = ends_with(url, plen, ".md") ? 3 : ends_with(url, plen, ".markdown") ? 9 : 0;
    if (ext == 0)
        return 0;
    const char *hash = memchr(url, '#', n);
    if (hash) {
        *frag = hash + 1;
        *frag_len = n - (size_t)(hash + 1 - url);
    }
    size_t root = out->len;
    if (plen - ext > sizeof(rel))
        return bf_buf_putc(out, '\x01') < 0 ? -1 : 1;
    for (size_t i = 0; i < plen - ext; i++) {
        int c = (unsigned char)url[i];
        if (c == '%' && i + 2 < plen - ext && hexval(url[i + 1]) >= 0 &&
            hexval(url[i + 2]) >= 0) {
            c = hexval(url[i + 1]) * 16 + hexval(url[i + 2]);
            i += 2;
        }
        rel[rlen++] = (char)c;
    }

    /* the base directory: source without "content/" and its file name */
    const char *src = source ? source : "";
    size_t slen = strlen(src);
    if (slen >= 8 && memcmp(src, "content/", 8) == 0) {
        src += 8;
        slen -= 8;
    }
    const char *slash = memrchr(src, '/', slen);
    size_t dlen = slash ? (size_t)(slash - src) : 0;

    bool ok = push_path(out, root, src, dlen, &oom) && push_path(out, root, rel, rlen, &oom);
    if (oom)
        return -1;
    if (!ok) {
        bf_buf_truncate(out, root);
        return bf_buf_putc(out, '\x01') < 0 ? -1 : 1;
    }
    drop_index(out, root);
    if (!out->data && bf_buf_grow(out, 1) < 0)
        return -1;
    return 1;
}

static const char *trim(const char *s, size_t *n)
{
    while (*n && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        (*n)--;
    }
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    return s;
}

bool bf_md_xref_parse(const char *s, size_t n, bf_md_xref_t *x)
{
    memset(x, 0, sizeof(*x));
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '[' || s[i] == ']')
            return false;
    const char *bar = memchr(s, '|', n);
    size_t tlen = bar ? (size_t)(bar - s) : n;
    x->target = trim(s, &tlen);
    x->target_len = tlen;
    if (bar) {
        size_t k = n - (size_t)(bar + 1 - s);
        x->text = trim(bar + 1, &k);
        x->text_len = k;
    }
    if (tlen == 0)
        return false;
    const char *p = x->target;
    size_t pl = tlen;
    if (pl >= 3 && memcmp(p, "id:", 3) == 0) {
        x->is_id = true;
        p += 3;
        pl -= 3;
    }
    const char *hash = memchr(p, '#', pl);
    if (hash) {
        x->frag = hash + 1;
        x->frag_len = pl - (size_t)(hash + 1 - p);
        pl = (size_t)(hash - p);
    }
    x->path = p;
    x->path_len = pl;
    if (x->is_id && pl == 0)
        return false;
    if (!x->is_id && pl == 0 && x->frag_len == 0)
        return false;
    return true;
}

uint32_t bf_md_find_page(const bf_snap_t *snap, const char *path, size_t n, bf_buf_t *tmp)
{
    int oom = 0;

    if (!snap)
        return BF_SNAP_NONE;
    bf_buf_reset(tmp);
    if (ends_with(path, n, ".md"))
        n -= 3;
    if (!push_path(tmp, 0, path, n, &oom) || oom)
        return BF_SNAP_NONE;
    drop_index(tmp, 0);
    return bf_snap_find_path(snap, tmp->data ? tmp->data : "", tmp->len);
}

uint32_t bf_md_xref_page(const bf_snap_t *snap, const bf_md_xref_t *x, bf_buf_t *tmp)
{
    if (!snap || (!x->is_id && x->path_len == 0))
        return BF_SNAP_NONE;
    return x->is_id ? bf_snap_find_ref_id(snap, x->path, x->path_len)
                    : bf_md_find_page(snap, x->path, x->path_len, tmp);
}

uint32_t bf_md_md_page(const bf_snap_t *snap, const bf_buf_t *path)
{
    if (!snap || !path->data || path->data[0] == '\x01')
        return BF_SNAP_NONE;
    return bf_snap_find_path(snap, path->data, path->len);
}

uint32_t bf_md_resolve(const bf_snap_t *snap, const char *source, const bf_md_link_t *l,
                       bf_buf_t *tmp)
{
    size_t n = strlen(l->target);
    if (l->kind == BF_MD_LINK_XREF) {
        bf_md_xref_t x;
        return bf_md_xref_parse(l->target, n, &x) ? bf_md_xref_page(snap, &x, tmp)
                                                  : BF_SNAP_NONE;
    }
    if (l->kind == BF_MD_LINK_MD) {
        const char *frag;
        size_t frag_len;
        bf_buf_reset(tmp);
        if (bf_md_link_md_path(source, l->target, n, tmp, &frag, &frag_len) == 1)
            return bf_md_md_page(snap, tmp);
    }
    return BF_SNAP_NONE;
}
