/*
 * shared/pack.c - the render pack (see pack.h).
 */
#include "shared/pack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shared/cachefile.h"
#include "shared/fs.h"
#include "shared/log.h"
#include "shared/lz4.h"

#define SEG_MAGIC 0x53504642u   /* "BFPS" */
#define ENTRY_MAGIC 0x45504642u /* "BFPE" */
#define INDEX_KIND BF_CACHE_KIND('R', 'P', 'I', 'X')
/* Compaction: when the segments hold more than twice the live bytes (and
 * at least this much is dead), or there are more segments than this. */
#define DEAD_MIN ((uint64_t)1 << 20)
#define SEGS_MAX 64

typedef struct {
    uint32_t magic, version;
    uint64_t zero;
} seg_hdr_t;

typedef struct {
    uint32_t magic, clen, rlen, zero;
    uint64_t group, key_lo, key_hi, check; /* check: of the payload, seeded
                                               with the hash of the rest */
} entry_hdr_t;
_Static_assert(sizeof(entry_hdr_t) == 48, "entry header size");

/* An entry of the index, as it is on disk. */
typedef struct {
    uint64_t group, key_lo, key_hi;
    uint32_t seg, clen; /* seg: index into segs */
    uint64_t off;
} ent_t;
_Static_assert(sizeof(ent_t) == 40, "index entry size");

typedef struct {
    uint32_t id, zero;
    uint64_t len;       /* bytes that hold valid entries */
} seg_rec_t;

typedef struct {
    seg_rec_t rec;
    int fd;             /* -1: unreadable, its entries miss */
} seg_t;

struct bf_pack {
    int dir;
    char *disp;
    seg_t *segs;
    size_t n_segs;
    ent_t *ents;
    size_t n_ents;
};

struct bf_pack_writer {
    int dir;
    int fd;
    bool off;
    bf_buf_t buf;
};

static uint64_t entry_check(const entry_hdr_t *h, const void *payload)
{
    entry_hdr_t z = *h;
    z.check = 0;
    return bf_hash64_seed(payload, h->clen, bf_hash64(&z, sizeof z));
}

static void seg_name(char *out, size_t cap, uint32_t id)
{
    snprintf(out, cap, "seg.%u", id);
}

static void drop_segs(bf_pack_t *p)
{
    for (size_t i = 0; i < p->n_segs; i++)
        if (p->segs[i].fd >= 0)
            close(p->segs[i].fd);
    free(p->segs);
    p->segs = NULL;
    p->n_segs = 0;
}

/* Opens segment rec for reading: fd -1 when it is missing, not a regular
 * file or shorter than the index says (its entries then miss). */
static int open_seg(int dir, const seg_rec_t *rec)
{
    char name[32];
    struct stat st;
    seg_name(name, sizeof name, rec->id);
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
                    (uint64_t)st.st_size < rec->len)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* The index payload into p; false when it does not hold together. */
static bool parse_index(bf_pack_t *p, const unsigned char *d, size_t n)
{
    uint32_t ns, ne;
    if (n < 8)
        return false;
    memcpy(&ns, d, 4);
    memcpy(&ne, d + 4, 4);
    if (ns > 1u << 20 || ne > 1u << 30 ||
        n != 8 + (size_t)ns * sizeof(seg_rec_t) + (size_t)ne * sizeof(ent_t))
        return false;
    p->segs = calloc(ns ? ns : 1, sizeof *p->segs);
    p->ents = malloc((ne ? ne : 1) * sizeof *p->ents);
    if (!p->segs || !p->ents)
        return false;
    for (uint32_t i = 0; i < ns; i++) {
        memcpy(&p->segs[i].rec, d + 8 + (size_t)i * sizeof(seg_rec_t), sizeof(seg_rec_t));
        p->segs[i].fd = -1;
        p->n_segs++;
    }
    memcpy(p->ents, d + 8 + (size_t)ns * sizeof(seg_rec_t), (size_t)ne * sizeof(ent_t));
    p->n_ents = ne;
    for (uint32_t i = 0; i < ne; i++) {
        const ent_t *e = &p->ents[i];
        uint64_t len = e->seg < ns ? p->segs[e->seg].rec.len : 0;
        if (e->seg >= ns || e->off < sizeof(seg_hdr_t) || e->off > len ||
            len - e->off < sizeof(entry_hdr_t) + (uint64_t)e->clen ||
            (i && e->group <= p->ents[i - 1].group))
            return false;
    }
    for (uint32_t i = 0; i < ns; i++)
        p->segs[i].fd = open_seg(p->dir, &p->segs[i].rec);
    return true;
}

/* The directory name in state_fd, made if missing; something else at the
 * name (a file, a symlink) is removed first: the state directory is ours. */
static int open_dir(int state_fd, const char *name)
{
    for (int tries = 0; tries < 2; tries++) {
        if (mkdirat(state_fd, name, 0777) < 0 && errno != EEXIST)
            return -1;
        int fd = openat(state_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 || (errno != ENOTDIR && errno != ELOOP))
            return fd;
        if (bf_fs_remove_at(state_fd, name) < 0)
            return -1;
    }
    return -1;
}

bf_pack_t *bf_pack_open(int state_fd, const char *name, const char *disp, bool fresh)
{
    bf_pack_t *p = calloc(1, sizeof *p);
    if (!p || !(p->disp = strdup(disp))) {
        free(p);
        return NULL;
    }
    if ((p->dir = open_dir(state_fd, name)) < 0) {
        bf_log_warn("%s: cannot open the render pack: %s; pages are rendered without it",
                    disp, strerror(errno));
        free(p->disp);
        free(p);
        return NULL;
    }
    if (fresh)
        return p;
    bf_buf_t b = BF_BUF_INIT;
    const char *why = NULL;
    int rc = bf_cache_read(p->dir, "index", INDEX_KIND, BF_PACK_VERSION, 0, &b, &why);
    if (rc == 1 && !parse_index(p, (const unsigned char *)b.data, b.len)) {
        rc = -1;
        why = "its entries do not hold together";
    }
    if (rc < 0) {
        bf_log_warn("%s/index: ignored (%s); the render pack starts again", disp, why);
        drop_segs(p);
        p->n_ents = 0;
    }
    bf_buf_free(&b);
    return p;
}

void bf_pack_close(bf_pack_t *p)
{
    if (!p)
        return;
    drop_segs(p);
    free(p->ents);
    if (p->dir >= 0)
        close(p->dir);
    free(p->disp);
    free(p);
}

size_t bf_pack_count(const bf_pack_t *p)
{
    return p ? p->n_ents : 0;
}

static const ent_t *find(const bf_pack_t *p, uint64_t group)
{
    size_t lo = 0, hi = p->n_ents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->ents[mid].group < group)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n_ents && p->ents[lo].group == group ? &p->ents[lo] : NULL;
}

/* Reads entry e (header and payload) into b (reset); true when it is the
 * entry the index says, intact. */
static bool read_entry(const bf_pack_t *p, const ent_t *e, bf_buf_t *b)
{
    int fd = p->segs[e->seg].fd;
    size_t n = sizeof(entry_hdr_t) + e->clen;
    entry_hdr_t h;
    bf_buf_reset(b);
    if (fd < 0 || bf_buf_grow(b, n) < 0 || bf_fs_pread_all(fd, b->data, n, e->off) < 0)
        return false;
    b->len = n;
    memcpy(&h, b->data, sizeof h);
    return h.magic == ENTRY_MAGIC && h.clen == e->clen && h.group == e->group &&
           h.key_lo == e->key_lo && h.key_hi == e->key_hi &&
           entry_check(&h, b->data + sizeof h) == h.check;
}

int bf_pack_get(const bf_pack_t *p, uint64_t group, bf_digest_t key, bf_buf_t *out)
{
    const ent_t *e = p ? find(p, group) : NULL;
    if (!e || e->key_lo != key.lo || e->key_hi != key.hi)
        return 0;
    bf_buf_t raw = BF_BUF_INIT;
    int rc = 0;
    if (read_entry(p, e, &raw)) {
        entry_hdr_t h;
        memcpy(&h, raw.data, sizeof h);
        size_t len = out->len;
        if (bf_lz4_decompress(raw.data + sizeof h, h.clen, h.rlen, out) == 0)
            rc = 1;
        else if (errno == ENOMEM)
            rc = -1;
        else
            bf_buf_truncate(out, len);
    }
    bf_buf_free(&raw);
    return rc;
}

bf_pack_writer_t *bf_pack_writer_new(const bf_pack_t *p)
{
    bf_pack_writer_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->dir = p ? p->dir : -1;
    w->fd = -1;
    w->off = !p;
    return w;
}

void bf_pack_writer_free(bf_pack_writer_t *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    bf_buf_free(&w->buf);
    free(w);
}

static bool write_all(int fd, const void *buf, size_t n)
{
    while (n) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        buf = (const char *)buf + k;
        n -= (size_t)k;
    }
    return true;
}

int bf_pack_put(bf_pack_writer_t *w, uint64_t group, bf_digest_t key, const void *data,
                size_t n)
{
    if (w->off || n > UINT32_MAX)
        return -1;
    if (w->fd < 0) {
        char name[32];
        seg_hdr_t sh = {.magic = SEG_MAGIC, .version = BF_PACK_VERSION};
        snprintf(name, sizeof name, "new.%ld", (long)getpid());
        w->fd = openat(w->dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW |
                                         O_CLOEXEC, 0666);
        if (w->fd < 0 || !write_all(w->fd, &sh, sizeof sh)) {
            bf_log_debug("render pack: cannot write %s: %s", name, strerror(errno));
            w->off = true;
            return -1;
        }
    }
    entry_hdr_t h = {.magic = ENTRY_MAGIC, .rlen = (uint32_t)n, .group = group,
                     .key_lo = key.lo, .key_hi = key.hi};
    bf_buf_reset(&w->buf);
    if (bf_buf_append(&w->buf, &h, sizeof h) < 0 || bf_lz4_compress(data, n, &w->buf) < 0 ||
        w->buf.len - sizeof h > UINT32_MAX)
        return -1; /* this entry only */
    h.clen = (uint32_t)(w->buf.len - sizeof h);
    h.check = entry_check(&h, w->buf.data + sizeof h);
    memcpy(w->buf.data, &h, sizeof h);
    if (!write_all(w->fd, w->buf.data, w->buf.len)) {
        /* a torn entry ends the segment when it is scanned */
        bf_log_debug("render pack: write failed: %s", strerror(errno));
        w->off = true;
        return -1;
    }
    return 0;
}

/* ---- commit ---- */

typedef struct {
    ent_t e;
    size_t seq; /* later entries of a group win */
} cand_t;

static int cmp_cand(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->e.group != y->e.group)
        return x->e.group < y->e.group ? -1 : 1;
    return x->seq > y->seq ? -1 : x->seq < y->seq;
}

static bool is_live(const uint64_t *live, size_t n, uint64_t g)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (live[mid] < g)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && live[lo] == g;
}

static bool push_seg(bf_pack_t *p, uint32_t id, uint64_t len)
{
    seg_t *ns = realloc(p->segs, (p->n_segs + 1) * sizeof *ns);
    if (!ns)
        return false;
    p->segs = ns;
    ns[p->n_segs].rec = (seg_rec_t){.id = id, .len = len};
    ns[p->n_segs].fd = open_seg(p->dir, &ns[p->n_segs].rec);
    p->n_segs++;
    return true;
}

/* Segments are read through a window of this many bytes (or one entry,
 * when larger): a segment holds what a build's workers rendered, hundreds
 * of MB on a large site, and is never held whole. */
#define WINDOW ((size_t)1 << 20)

/* The bytes [at, at + len) of fd, size bytes long, through the window w,
 * which holds the file from *w_off on; NULL when the file ends first, or
 * on OOM (*oom). */
static const unsigned char *window(int fd, uint64_t size, bf_buf_t *w, uint64_t *w_off,
                                   uint64_t at, size_t len, bool *oom)
{
    if (at >= *w_off && at - *w_off <= w->len && len <= w->len - (at - *w_off))
        return (const unsigned char *)w->data + (at - *w_off);
    if (at > size || len > size - at)
        return NULL;
    size_t want = len > WINDOW ? len : WINDOW;
    if (want > size - at)
        want = (size_t)(size - at);
    bf_buf_reset(w);
    if (bf_buf_grow(w, want) < 0) {
        *oom = true;
        return NULL;
    }
    if (bf_fs_pread_all(fd, w->data, want, at) < 0)
        return NULL;
    w->len = want;
    *w_off = at;
    return (const unsigned char *)w->data;
}

/* The valid entries of a new segment (name), appended to *c; it becomes
 * seg.<id>.  false on OOM. */
static bool adopt(bf_pack_t *p, const char *name, uint32_t id, cand_t **c, size_t *n,
                  size_t *cap)
{
    bf_buf_t b = BF_BUF_INIT;
    seg_hdr_t sh;
    uint64_t end = sizeof sh, w_off = 0;
    bool ok = true, oom = false;
    struct stat st;
    int fd = openat(p->dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    const unsigned char *at = fd >= 0 && fstat(fd, &st) == 0
                                  ? window(fd, (uint64_t)st.st_size, &b, &w_off, 0, sizeof sh, &oom)
                                  : NULL;
    if (!at) {
        if (fd >= 0)
            close(fd);
        bf_buf_free(&b);
        unlinkat(p->dir, name, 0);
        return !oom;
    }
    uint64_t size = (uint64_t)st.st_size;
    memcpy(&sh, at, sizeof sh);
    uint32_t seg = (uint32_t)p->n_segs;
    while (sh.magic == SEG_MAGIC && sh.version == BF_PACK_VERSION &&
           size - end >= sizeof(entry_hdr_t)) {
        entry_hdr_t h;
        if (!(at = window(fd, size, &b, &w_off, end, sizeof h, &oom)))
            break;
        memcpy(&h, at, sizeof h);
        if (h.magic != ENTRY_MAGIC || h.clen > size - end - sizeof h ||
            !(at = window(fd, size, &b, &w_off, end, sizeof h + h.clen, &oom)) ||
            entry_check(&h, at + sizeof h) != h.check)
            break; /* torn by a kill, or a full disk: the segment ends here */
        if (*n == *cap) {
            cand_t *nc = realloc(*c, (*cap ? *cap * 2 : 1024) * sizeof *nc);
            if (!nc) {
                ok = false;
                break;
            }
            *c = nc;
            *cap = *cap ? *cap * 2 : 1024;
        }
        (*c)[*n] = (cand_t){{h.group, h.key_lo, h.key_hi, seg, h.clen, end}, *n};
        (*n)++;
        end += sizeof h + h.clen;
    }
    if (oom)
        ok = false;
    close(fd);
    bf_buf_free(&b);
    char to[32];
    seg_name(to, sizeof to, id);
    if (!ok || renameat(p->dir, name, p->dir, to) < 0 || !push_seg(p, id, end)) {
        /* its entries are not adopted */
        while (*n && (*c)[*n - 1].e.seg == seg)
            (*n)--;
        unlinkat(p->dir, name, 0);
        return ok;
    }
    return true;
}

/* Copies the entries of ents[0..n) into one new segment seg.<id> and
 * points them at it; false when it could not be written (the entries
 * stay where they were). */
static bool compact(bf_pack_t *p, ent_t *ents, size_t n, uint32_t id)
{
    seg_hdr_t sh = {.magic = SEG_MAGIC, .version = BF_PACK_VERSION};
    char to[32];
    bf_buf_t b = BF_BUF_INIT;
    uint64_t *offs = malloc((n ? n : 1) * sizeof *offs);
    int fd = openat(p->dir, "compact.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                    0666);
    bool ok = offs && fd >= 0 && write_all(fd, &sh, sizeof sh);
    uint64_t end = sizeof sh;
    for (size_t i = 0; ok && i < n; i++) {
        ok = read_entry(p, &ents[i], &b) && write_all(fd, b.data, b.len);
        offs[i] = end;
        end += b.len;
    }
    if (fd >= 0)
        close(fd);
    seg_name(to, sizeof to, id);
    if (ok && renameat(p->dir, "compact.tmp", p->dir, to) == 0) {
        drop_segs(p);
        ok = push_seg(p, id, end);
        for (size_t i = 0; ok && i < n; i++) {
            ents[i].seg = 0;
            ents[i].off = offs[i];
        }
    } else {
        unlinkat(p->dir, "compact.tmp", 0);
        ok = false;
    }
    free(offs);
    bf_buf_free(&b);
    return ok;
}

/* Drops from p the segments no entry of ents[0..n) points at (they are
 * then not in the index, and sweep() removes them). */
static void prune_segs(bf_pack_t *p, ent_t *ents, size_t n)
{
    uint32_t *map = calloc(p->n_segs ? p->n_segs : 1, sizeof *map);
    if (!map)
        return; /* they stay listed: harmless */
    for (size_t i = 0; i < n; i++)
        map[ents[i].seg] = 1;
    size_t k = 0;
    for (size_t i = 0; i < p->n_segs; i++) {
        if (!map[i]) {
            if (p->segs[i].fd >= 0)
                close(p->segs[i].fd);
            continue;
        }
        map[i] = (uint32_t)k;
        p->segs[k++] = p->segs[i];
    }
    p->n_segs = k;
    for (size_t i = 0; i < n; i++)
        ents[i].seg = map[ents[i].seg];
    free(map);
}

/* Removes the segments no entry of the index points at, leftovers of a
 * compaction and new segments that could not be adopted. */
static void sweep(bf_pack_t *p)
{
    DIR *d = fdopendir(dup(p->dir));
    struct dirent *de;
    if (!d)
        return;
    rewinddir(d);
    while ((de = readdir(d)) != NULL) {
        unsigned id;
        char rest;
        bool used = false;
        if (sscanf(de->d_name, "seg.%u%c", &id, &rest) != 1 &&
            strcmp(de->d_name, "compact.tmp") != 0)
            continue;
        for (size_t i = 0; i < p->n_segs && !used; i++)
            used = strncmp(de->d_name, "seg.", 4) == 0 && p->segs[i].rec.id == id;
        if (!used)
            bf_fs_remove_at(p->dir, de->d_name); /* a directory there too */
    }
    closedir(d);
}

int bf_pack_commit(bf_pack_t *p, const uint64_t *live, size_t n_live)
{
    if (!p)
        return 0;
    /* the new segments, and the first free segment number */
    DIR *d = fdopendir(dup(p->dir));
    char **news = NULL;
    size_t n_news = 0;
    uint32_t next = 0;
    struct dirent *de;
    if (!d)
        return -1;
    rewinddir(d);
    while ((de = readdir(d)) != NULL) {
        unsigned id;
        char rest;
        if (sscanf(de->d_name, "seg.%u%c", &id, &rest) == 1 && id >= next)
            next = id + 1;
        if (strncmp(de->d_name, "new.", 4) == 0) {
            char **nn = realloc(news, (n_news + 1) * sizeof *nn);
            if (nn && (nn[n_news] = strdup(de->d_name)))
                n_news++;
            if (nn)
                news = nn;
        }
    }
    closedir(d);

    cand_t *c = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    for (size_t i = 0; i < p->n_ents && ok; i++) {
        if (!is_live(live, n_live, p->ents[i].group) || p->segs[p->ents[i].seg].fd < 0)
            continue;
        if (n == cap) {
            cand_t *nc = realloc(c, (cap ? cap * 2 : 1024) * sizeof *nc);
            ok = nc != NULL;
            if (!ok)
                break;
            c = nc;
            cap = cap ? cap * 2 : 1024;
        }
        c[n] = (cand_t){p->ents[i], n};
        n++;
    }
    for (size_t i = 0; i < n_news; i++) {
        if (ok)
            ok = adopt(p, news[i], next++, &c, &n, &cap);
        free(news[i]);
    }
    free(news);
    if (n > 1)
        qsort(c, n, sizeof *c, cmp_cand);
    /* newest entry per live group */
    size_t k = 0;
    uint64_t live_bytes = 0, seg_bytes = 0;
    for (size_t i = 0; ok && i < n; i++) {
        if (!is_live(live, n_live, c[i].e.group) || (k && c[k - 1].e.group == c[i].e.group))
            continue;
        c[k++].e = c[i].e;
        live_bytes += sizeof(entry_hdr_t) + c[i].e.clen;
    }
    ent_t *ents = malloc((k ? k : 1) * sizeof *ents);
    ok = ok && ents;
    for (size_t i = 0; ok && i < k; i++)
        ents[i] = c[i].e;
    free(c);
    for (size_t i = 0; i < p->n_segs; i++)
        seg_bytes += p->segs[i].rec.len;
    if (ok && ((seg_bytes > 2 * live_bytes && seg_bytes - live_bytes > DEAD_MIN) ||
               p->n_segs > SEGS_MAX))
        compact(p, ents, k, next++); /* failed: the entries stay where they are */
    if (ok)
        prune_segs(p, ents, k);

    int rc = -1;
    struct stat st; /* something else at the index's name is ours to replace */
    if (fstatat(p->dir, "index", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
        bf_fs_remove_at(p->dir, "index");
    if (ok) {
        uint32_t hdr[2] = {(uint32_t)p->n_segs, (uint32_t)k};
        seg_rec_t *recs = malloc((p->n_segs ? p->n_segs : 1) * sizeof *recs);
        if (recs) {
            for (size_t i = 0; i < p->n_segs; i++)
                recs[i] = p->segs[i].rec;
            struct iovec iov[3] = {{hdr, sizeof hdr},
                                   {recs, p->n_segs * sizeof *recs},
                                   {ents, k * sizeof *ents}};
            rc = bf_cache_write(p->dir, "index", INDEX_KIND, BF_PACK_VERSION, iov, 3, 0);
            free(recs);
        }
    }
    if (rc == 0) {
        free(p->ents);
        p->ents = ents;
        p->n_ents = k;
        sweep(p);
    } else {
        /* the segments may have been pruned or compacted already: what p
         * held no longer matches them, so p is empty from now on (the
         * index on disk, still the old one, is right for its segments) */
        free(ents);
        free(p->ents);
        p->ents = NULL;
        p->n_ents = 0;
        bf_log_warn("%s/index: cannot write the render pack: %s", p->disp,
                    ok ? strerror(errno) : "out of memory");
    }
    return rc;
}
