/*
 * coordinator/discover.c - walking content/ (see discover.h).
 *
 * The walk is depth-first with names sorted by strcmp, so the tree (and
 * everything derived from it) is the same whatever order readdir returns.
 * Paths are handled site-relative ("content/docs/a.md"): every open is
 * bf_fs_open_beneath() of that path under the site's root_fd, so a
 * symlinked content/ or intermediate directory that leaves the site is
 * refused by the kernel at the moment of the open, whatever was checked
 * before.  The realpath() check in stat_entry() only words the message
 * ("symlink points outside the site root (to ...)"); it is not what keeps
 * the build inside.  Paths are joined to the site directory for messages.
 */
#include "coordinator/discover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/frontmatter.h"
#include "coordinator/include.h"
#include "shared/buf.h"
#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/log.h"
#include "shared/mdtitle.h"
#include "shared/scout.h"
#include "shared/utf8.h"

#define MAX_DIR_DEPTH 128

/* Files read ahead of the walk's thread: enough to keep every scout busy,
 * few enough that their bytes are nothing beside the snapshot's. */
#define SCOUT_WINDOW 256

typedef struct found found_t;

typedef struct {
    bf_site_t *s;
    char root_real[PATH_MAX];   /* realpath of the site root */
    size_t root_len;
    struct { dev_t dev; ino_t ino; } stack[MAX_DIR_DEPTH];
    unsigned depth;
    bf_yaml_limits_t lim;
    bf_vec_t loads;             /* load_t *: the page files, in walk order */
    found_t *found;             /* a slot's file, as its scout found it */
    bool trial;                 /* scouts read ahead (else the walk reads) */
} walk_t;

bf_page_t *bf_page_new(bf_site_t *s, bf_snap_kind_t kind, bf_section_t *sec)
{
    bf_page_t *p = bf_arena_zalloc(s->arena, sizeof(*p));
    if (!p)
        return NULL;
    p->kind = kind;
    p->section = sec;
    p->tax = BF_SNAP_NONE;
    return p;
}

bf_section_t *bf_section_new(bf_site_t *s, bf_section_t *parent, const char *name)
{
    bf_section_t *sec = bf_arena_zalloc(s->arena, sizeof(*sec));
    if (!sec)
        return NULL;
    sec->name = name;
    sec->parent = parent;
    if (parent) {
        sec->depth = parent->depth + 1;
        sec->path = parent->depth == 0 && !*parent->path
                        ? name
                        : bf_arena_sprintf(s->arena, "%s/%s", parent->path, name);
        sec->dir = bf_arena_sprintf(s->arena, "%s/%s", parent->dir, name);
        if (!sec->path || !sec->dir || bf_vec_push(s->arena, &parent->children, sec) < 0)
            return NULL;
    } else {
        sec->path = "";
        sec->dir = "content";
    }
    sec->index = bf_page_new(s, parent ? BF_SNAP_SECTION : BF_SNAP_HOME, sec);
    if (!sec->index)
        return NULL;
    sec->index->flags = BF_SNAP_PF_VIRTUAL;
    sec->index->path = sec->path;
    sec->index->stem = name;
    return sec;
}

/* Full path for realpath(), which has no *at form: site_dir/rel. */
static const char *full_path(walk_t *w, const char *rel)
{
    return bf_arena_sprintf(w->s->arena, "%s/%s", w->s->opts.site_dir, rel);
}

typedef struct {
    const char *name;
    unsigned char type; /* d_type: DT_REG lets the walk skip a stat() */
} entry_t;

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const entry_t *)a)->name, ((const entry_t *)b)->name);
}

/* Sorted, non-hidden entries of a directory; NULL + n 0 for an empty one.
 * A name that is not UTF-8 is reported and left out: it would become a
 * URL or a resource path in the snapshot, which holds only UTF-8. */
static entry_t *list_dir(walk_t *w, const char *rel, size_t *n)
{
    bf_site_t *s = w->s;
    DIR *d = bf_fs_opendir_at(s->root_fd, rel);
    entry_t *v = NULL;
    size_t cap = 0;
    *n = 0;
    if (!d) {
        bf_log_at(BF_LOG_ERROR, bf_site_disp(s, rel), 0, 0, "cannot read directory: %s",
                  bf_fs_beneath_why(errno));
        return NULL;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* hidden, "." and ".." */
        if (!bf_site_name_ok(s, rel, e->d_name))
            continue;
        if (*n == cap) {
            entry_t *nv = bf_arena_alloc(s->arena, (cap ? cap * 2 : 32) * sizeof(*nv));
            if (!nv) {
                closedir(d);
                *n = 0;
                return NULL;
            }
            if (*n)
                memcpy(nv, v, *n * sizeof(*nv));
            v = nv;
            cap = cap ? cap * 2 : 32;
        }
        v[*n].name = bf_arena_strdup(s->arena, e->d_name);
        v[*n].type = e->d_type;
        if (!v[(*n)++].name) {
            closedir(d);
            *n = 0;
            return NULL;
        }
    }
    closedir(d);
    if (*n > 1)
        qsort(v, *n, sizeof(*v), cmp_entries);
    return v;
}

/*
 * stat() with the symlink policy: a link must resolve inside the site
 * root, through relative links only (an absolute one breaks when the site
 * moves, and bf_fs_open_beneath refuses it).  A plain file (d_type
 * DT_REG) needs no stat: its size is checked as it is read.  Returns 0
 * with *st describing the target, 1 to skip the entry silently, -1 after
 * reporting an error.
 */
static int stat_entry(walk_t *w, const char *rel, unsigned char type, struct stat *st)
{
    if (type == DT_REG) { /* the common case: 10k files, no syscall */
        memset(st, 0, sizeof(*st));
        st->st_mode = S_IFREG;
        return 0;
    }
    int root = w->s->root_fd;
    const char *disp = bf_site_disp(w->s, rel);
    if (fstatat(root, rel, st, AT_SYMLINK_NOFOLLOW) < 0) {
        bf_log_at(BF_LOG_ERROR, disp, 0, 0, "cannot stat: %s", strerror(errno));
        return -1;
    }
    if (S_ISLNK(st->st_mode)) {
        const char *full = full_path(w, rel);
        char real[PATH_MAX], target[PATH_MAX];
        if (!full || !realpath(full, real)) {
            bf_log_at(BF_LOG_ERROR, disp, 0, 0, "broken symlink: %s", strerror(errno));
            return -1;
        }
        if (strncmp(real, w->root_real, w->root_len) != 0 ||
            (real[w->root_len] != '/' && real[w->root_len] != '\0')) {
            bf_log_at(BF_LOG_ERROR, disp, 0, 0,
                      "symlink points outside the site root (to \"%s\"); "
                      "copy the file into the site instead", real);
            return -1;
        }
        ssize_t tn = readlinkat(root, rel, target, sizeof target - 1);
        if (tn > 0 && target[0] == '/') {
            target[tn] = '\0';
            bf_log_at(BF_LOG_ERROR, disp, 0, 0,
                      "absolute symlink (to \"%s\"); make it relative, e.g. with ln -sr, "
                      "so that the site can move", target);
            return -1;
        }
        if (bf_fs_stat_at(root, rel, st) < 0) {
            bf_log_at(BF_LOG_ERROR, disp, 0, 0, "cannot stat: %s", bf_fs_beneath_why(errno));
            return -1;
        }
    }
    if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
        bf_log_at(BF_LOG_WARN, disp, 0, 0, "not a regular file or directory, skipped");
        return 1;
    }
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Title from the body's first ATX "# heading" outside code fences. */
static const char *title_from_body(bf_arena_t *a, const char *b, size_t n)
{
    size_t len;
    const char *t = bf_mdtitle_find(b, n, &len, NULL);
    return t ? bf_arena_strndup(a, t, len) : NULL;
}

/* A content file must be UTF-8 without NUL bytes: the title may come from
 * its first heading, and every string of the snapshot is UTF-8 (FORMAT.md
 * 6).  The front matter is left to the YAML reader. */
int bf_discover_check_text(const char *disp, const char *text, size_t len, size_t from)
{
    size_t bad = from + bf_utf8_valid_prefix(text + from, len - from);
    const char *nul = memchr(text + from, '\0', bad - from);
    if (nul)
        bad = (size_t)(nul - text);
    if (bad == len)
        return 0;
    if (!disp)
        return -1; /* a trial: the caller checks again to report it */
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < bad; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
            col++;
        }
    }
    bf_log_at(BF_LOG_ERROR, disp, line, col, "%s",
              nul ? "NUL byte in a content file"
                  : "invalid UTF-8: content files must be UTF-8 (convert it, e.g. with iconv)");
    return -1;
}

/* ---- reading pages: the scouts ---- */

/* A page's file as read and parsed, by a scout thread (a trial, which
 * reports nothing) or by the walk's thread (which reports). */
#define FENCE_LANGS 8    /* fence languages kept a file */
#define FENCE_LANG_MAX 32 /* bytes of one */

struct found {
    bf_buf_t text;
    struct {
        const char *p;     /* in text */
        size_t n;
    } lang[FENCE_LANGS];
    size_t n_langs;
    bool ok;               /* false: to be read again on the walk's thread,
                              which says what is wrong */
    bool cached;           /* src is the discovery cache's record rec */
    bf_srccache_rec_t rec;
    bf_src_t src;
};

/* The first word of the info string of each code fence in body[0..n)
 * ("```python {1,3}": "python"), up to FENCE_LANGS different ones: the
 * languages the coordinator compiles highlighting for before the farm
 * forks (worker/highlight.h).  A guess by lines, not a parse: a line of
 * backticks inside a code block counts, a fence in a quote does not;
 * either way a query is compiled for nothing or by a worker, as before. */
static void scan_fences(found_t *f, const char *b, size_t n)
{
    f->n_langs = 0;
    for (size_t i = 0; i < n && f->n_langs < FENCE_LANGS;) {
        const char *nl = memchr(b + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - b) : n, j = i, k;
        while (j < end && (b[j] == ' ' || b[j] == '\t'))
            j++;
        for (k = j; k < end && (b[k] == '`' || b[k] == '~') && b[k] == b[j]; k++)
            ;
        if (k - j >= 3) {
            while (k < end && (b[k] == ' ' || b[k] == '\t'))
                k++;
            size_t w = k;
            while (w < end && !strchr(" \t\r{`", b[w]))
                w++;
            bool seen = w == k || w - k > FENCE_LANG_MAX;
            for (size_t x = 0; x < f->n_langs && !seen; x++)
                seen = f->lang[x].n == w - k && memcmp(f->lang[x].p, b + k, w - k) == 0;
            if (!seen) {
                f->lang[f->n_langs].p = b + k;
                f->lang[f->n_langs++].n = w - k;
            }
        }
        i = end + 1;
    }
}

/* Reads and parses rel into f, allocating in a; disp NULL: a trial (no
 * message, nothing shared written: any thread).  0, or -1 (after an
 * error when disp is set). */
static int find(bf_site_t *s, bf_arena_t *a, const char *rel, const char *disp,
                const bf_yaml_limits_t *lim, found_t *f)
{
    size_t max = s->config.max_file_size;
    f->ok = f->cached = false;
    bf_buf_reset(&f->text);
    if (bf_fs_read_file_at(s->root_fd, rel, max, &f->text) < 0) {
        if (disp && errno == EFBIG)
            bf_log_at(BF_LOG_ERROR, disp, 0, 0,
                      "file is larger than the limit of %zu bytes "
                      "(raise build.max_file_size to allow it)", max);
        else if (disp)
            bf_log_at(BF_LOG_ERROR, disp, 0, 0, "cannot read: %s", bf_fs_beneath_why(errno));
        return -1;
    }
    const char *text = f->text.data ? f->text.data : "";
    size_t len = f->text.len;
    uint64_t hash = bf_hash64(text, len);
    int got = s->srcs ? bf_srccache_find(s->srcs, a, rel, hash, len, &f->src, &f->rec) : 0;
    if (got < 0) {
        if (disp)
            bf_log_error("out of memory while reading the site");
        return -1;
    }
    if (got == 0) { /* not the same bytes as last time: parsed now */
        bf_fm_t fm;
        if (bf_fm_parse(a, disp, text, len, lim, &fm) < 0 ||
            bf_discover_check_text(disp, text, len, (size_t)(fm.body - text)) < 0)
            return -1;
        f->src = (bf_src_t){.hash = hash, .len = len,
                            .fm_hash = bf_hash64(text, (size_t)(fm.body - text)),
                            .body_line = fm.body_line, .body_len = fm.body_len,
                            .title = title_from_body(a, fm.body, fm.body_len), .meta = fm.meta};
    }
    f->cached = got == 1;
    f->ok = true;
    scan_fences(f, text + len - f->src.body_len, (size_t)f->src.body_len);
    return 0;
}

/* What f found, into p, the snapshot's body table and the cache. */
static void adopt(bf_site_t *s, bf_page_t *p, const found_t *f)
{
    const char *text = f->text.data ? f->text.data : "";
    p->hash = f->src.hash;
    p->fm_hash = f->src.fm_hash;
    p->meta = f->src.meta;
    p->body_line = f->src.body_line;
    p->body_len = (size_t)f->src.body_len;
    p->title = f->src.title;
    /* Straight into the snapshot's body table (a page dropped later as a
     * draft leaves its bytes there, unreferenced: cheaper than a copy). */
    p->body_off = bf_snapw_body(s->snapw, text + f->text.len - p->body_len, p->body_len);
    for (size_t i = 0; i < f->n_langs; i++) { /* out of memory: not prepared */
        if (bf_strmap_get(&s->fence_seen, f->lang[i].p, f->lang[i].n))
            continue;
        char *name = bf_arena_strndup(s->arena, f->lang[i].p, f->lang[i].n);
        if (name && bf_strmap_put(s->arena, &s->fence_seen, name, f->lang[i].n, name) == name)
            bf_vec_push(s->arena, &s->fence_langs, name);
    }
    if (!s->srcs)
        return;
    /* out of memory: not kept, that is all */
    if (f->cached)
        bf_srccache_keep(s->srcs, f->rec);
    else
        bf_srccache_add(s->srcs, p->source, &f->src); /* the front matter before any cascade */
}

/* A page's file into p, from what a scout found in f, or read again here
 * when it found nothing (or a problem: it is reported now); then its
 * include directives, found in its body every build, whether the file was
 * parsed again or not (what it includes may have changed when it did not).
 * A page that fails is remembered, so that an include of it fails without
 * a second message.  0; -1 after an error (the page is left out); -2 on
 * OOM. */
static int load_page(walk_t *w, bf_page_t *p, const char *rel, found_t *f)
{
    bf_site_t *s = w->s;
    p->source = rel;
    int rc = f->ok ? 0 : find(s, s->arena, rel, bf_site_disp(s, rel), &w->lim, f);
    if (rc == 0) {
        adopt(s, p, f);
        const char *text = f->text.data ? f->text.data : "";
        rc = bf_include_scan(s, p, text + f->text.len - p->body_len);
    }
    if (rc == -2 || (rc < 0 && bf_include_failed(s, rel) < 0)) {
        bf_log_error("out of memory while reading the site");
        return -2;
    }
    return rc;
}

/* A page file the walk found: read by the scouts once the walk is done. */
typedef struct {
    bf_page_t *p;
    const char *rel;
    bool in_regular; /* p was hung in its section's pages: taken out if it fails */
} load_t;

static int enqueue(walk_t *w, bf_page_t *p, const char *rel, bool in_regular)
{
    load_t *l = bf_arena_alloc(w->s->arena, sizeof *l);
    if (!l)
        return -1;
    *l = (load_t){p, rel, in_regular};
    return bf_vec_push(w->s->arena, &w->loads, l);
}

static void scout_work(void *arg, size_t job, unsigned thread, size_t slot)
{
    walk_t *w = arg;
    const load_t *l = w->loads.items[job];
    found_t *f = &w->found[slot];
    if (w->trial)
        find(w->s, w->s->scout_arena[thread], l->rel, NULL, &w->lim, f);
    else
        f->ok = false; /* one thread: load_page reads it */
}

static int scout_consume(void *arg, size_t job, size_t slot)
{
    walk_t *w = arg;
    load_t *l = w->loads.items[job];
    int rc = load_page(w, l->p, l->rel, &w->found[slot]);
    if (rc == -2)
        return -1;
    if (rc == 0 && l->p->kind != BF_SNAP_PAGE) /* a section's _index.md */
        l->p->flags &= (uint16_t)~BF_SNAP_PF_VIRTUAL;
    if (rc < 0 && l->in_regular) { /* reported; left out (see visit_dir) */
        bf_vec_t *v = &l->p->section->regular;
        size_t k = 0;
        for (size_t i = 0; i < v->n; i++)
            if (v->items[i] != l->p)
                v->items[k++] = v->items[i];
        v->n = k;
    }
    return 0;
}

/* Reads every page the walk found, on s->opts.scouts threads.  0, or -1
 * on OOM. */
static int load_pages(walk_t *w)
{
    bf_site_t *s = w->s;
    unsigned threads = s->opts.scouts < BF_SCOUT_MAX_THREADS ? s->opts.scouts
                                                             : BF_SCOUT_MAX_THREADS;
    w->trial = threads > 1 && w->loads.n > 1;
    for (unsigned i = 0; w->trial && i < threads; i++)
        if (!s->scout_arena[i] && !(s->scout_arena[i] = bf_arena_create(1 << 20)))
            return -1;
    bf_scout_t sc = {.n = w->loads.n, .threads = w->trial ? threads : 1,
                     .window = w->trial ? SCOUT_WINDOW : 1, .arg = w,
                     .work = scout_work, .consume = scout_consume};
    w->found = calloc(sc.window, sizeof *w->found);
    if (!w->found)
        return -1;
    int rc = bf_scout_run(&sc);
    for (size_t i = 0; i < sc.window; i++)
        bf_buf_free(&w->found[i].text);
    free(w->found);
    w->found = NULL;
    return rc;
}

/* Every file below a bundle directory, as resources of its page. */
static int add_resources(walk_t *w, bf_page_t *p, const char *dir, bool top)
{
    size_t n;
    entry_t *ents = list_dir(w, dir, &n);
    for (size_t i = 0; i < n; i++) {
        if (top && strcmp(ents[i].name, "index.md") == 0)
            continue;
        const char *rel = bf_arena_sprintf(w->s->arena, "%s/%s", dir, ents[i].name);
        struct stat st;
        if (!rel)
            return -1;
        if (stat_entry(w, rel, ents[i].type, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (w->depth + 1 >= MAX_DIR_DEPTH) {
                bf_log_at(BF_LOG_ERROR, bf_site_disp(w->s, rel), 0, 0,
                          "directories nested too deep");
                continue;
            }
            w->depth++;
            int rc = add_resources(w, p, rel, false);
            w->depth--;
            if (rc < 0)
                return -1;
        } else if (bf_vec_push(w->s->arena, &p->resources, (void *)rel) < 0) {
            return -1;
        }
    }
    return 0;
}

static char *stem_of(bf_arena_t *a, const char *name)
{
    const char *dot = strrchr(name, '.');
    return bf_arena_strndup(a, name, dot ? (size_t)(dot - name) : strlen(name));
}

static int walk_section(walk_t *w, bf_section_t *sec);

/* Is (dev, ino) already a directory on the current path? */
static bool on_stack(const walk_t *w, const struct stat *st)
{
    for (unsigned i = 0; i < w->depth; i++)
        if (w->stack[i].dev == st->st_dev && w->stack[i].ino == st->st_ino)
            return true;
    return false;
}

static int visit_dir(walk_t *w, bf_section_t *sec, const char *name, const char *rel,
                     const struct stat *st)
{
    bf_site_t *s = w->s;
    if (on_stack(w, st) || w->depth + 1 >= MAX_DIR_DEPTH) {
        bf_log_at(BF_LOG_ERROR, bf_site_disp(s, rel), 0, 0,
                  on_stack(w, st) ? "symlink loop: this directory contains itself"
                                  : "directories nested too deep");
        return 0;
    }
    const char *index_rel = bf_arena_sprintf(s->arena, "%s/index.md", rel);
    struct stat ist;
    if (!index_rel)
        return -1;
    if (bf_fs_stat_at(s->root_fd, index_rel, &ist) == 0 && S_ISREG(ist.st_mode)) {
        /* A page that fails to load is reported and left out of the tree:
         * the build fails, and nothing downstream sees half a page. */
        bf_page_t *p = bf_page_new(s, BF_SNAP_PAGE, sec);
        struct stat lst;
        if (!p)
            return -1;
        if (stat_entry(w, index_rel, DT_UNKNOWN, &lst) != 0)
            return 0;
        if (enqueue(w, p, index_rel, true) < 0)
            return -1;
        p->flags |= BF_SNAP_PF_BUNDLE;
        p->stem = name;
        p->path = *sec->path ? bf_arena_sprintf(s->arena, "%s/%s", sec->path, name) : name;
        if (!p->path || bf_vec_push(s->arena, &sec->regular, p) < 0)
            return -1;
        w->stack[w->depth].dev = st->st_dev;
        w->stack[w->depth++].ino = st->st_ino;
        int rc = add_resources(w, p, rel, true);
        w->depth--;
        return rc;
    }
    bf_section_t *child = bf_section_new(s, sec, name);
    if (!child)
        return -1;
    w->stack[w->depth].dev = st->st_dev;
    w->stack[w->depth++].ino = st->st_ino;
    int rc = walk_section(w, child);
    w->depth--;
    return rc;
}

static int walk_section(walk_t *w, bf_section_t *sec)
{
    bf_site_t *s = w->s;
    size_t n;
    entry_t *ents = list_dir(w, sec->dir, &n);
    for (size_t i = 0; i < n; i++) {
        const char *name = ents[i].name;
        const char *rel = bf_arena_sprintf(s->arena, "%s/%s", sec->dir, name);
        struct stat st;
        if (!rel)
            return -1;
        if (stat_entry(w, rel, ents[i].type, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (visit_dir(w, sec, name, rel, &st) < 0)
                return -1;
        } else if (strcmp(name, "_index.md") == 0) {
            if (enqueue(w, sec->index, rel, false) < 0)
                return -1;
        } else if (ends_with(name, ".md")) {
            bf_page_t *p = bf_page_new(s, BF_SNAP_PAGE, sec);
            if (!p || enqueue(w, p, rel, true) < 0)
                return -1;
            p->stem = stem_of(s->arena, name);
            p->path = *sec->path ? bf_arena_sprintf(s->arena, "%s/%s", sec->path, p->stem)
                                 : p->stem;
            if (!p->stem || !p->path || bf_vec_push(s->arena, &sec->regular, p) < 0)
                return -1;
        } else if (bf_vec_push(s->arena, &sec->index->resources, (void *)rel) < 0) {
            return -1;
        }
    }
    return 0;
}

int bf_discover(bf_site_t *s)
{
    walk_t *w = calloc(1, sizeof(*w));
    int rc = -1;
    if (!w)
        goto done;
    w->s = s;
    w->lim = (bf_yaml_limits_t)BF_YAML_LIMITS_DEFAULT;
    if (!realpath(s->opts.site_dir, w->root_real)) {
        bf_log_at(BF_LOG_ERROR, s->opts.site_dir, 0, 0, "cannot open site: %s",
                  strerror(errno));
        goto done;
    }
    w->root_len = strlen(w->root_real);
    if (w->root_len == 1) /* the site is "/": everything is inside */
        w->root_len = 0;
    struct stat st;
    int found = bf_fs_stat_at(s->root_fd, "content", &st);
    if (found < 0 && errno != ENOENT && errno != ENOTDIR) {
        bf_log_at(BF_LOG_ERROR, bf_site_disp(s, "content"), 0, 0, "cannot read directory: %s",
                  bf_fs_beneath_why(errno));
        goto done;
    }
    if (found < 0 || !S_ISDIR(st.st_mode)) {
        bf_log_at(BF_LOG_ERROR, bf_site_disp(s, "content"), 0, 0,
                  "no content directory: a site keeps its markdown in content/");
        goto done;
    }
    s->root = bf_section_new(s, NULL, "");
    if (!s->root)
        goto done;
    w->stack[0].dev = st.st_dev;
    w->stack[0].ino = st.st_ino;
    w->depth = 1;
    rc = walk_section(w, s->root);
    if (rc == 0 && (rc = load_pages(w)) < 0)
        bf_log_error("out of memory while reading the site");
    if (rc == 0)
        bf_include_resolve(s); /* errors are counted; the pages stay (include.h) */
done:
    free(w);
    return rc;
}
