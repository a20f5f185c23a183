/*
 * coordinator/writer.c - a writer process (see writer.h): drains its
 * group of rings and places each file in the staging directory (kept,
 * linked from OUT, or written); the lead also places the files that are
 * not rendered.  Merging the writers' work and publishing it is
 * coordinator/publish.c's.
 *
 * Invariants: a path is claimed (bf_writer_claim) before anything is
 * written there; a changed file is written whole to this writer's
 * temporary and renamed into place (an inode may be shared with OUT by a
 * hard link: never written in place); a directory is created once per
 * writer, EEXIST being another writer's (or the standby's) directory.
 */
#include "coordinator/writer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/output.h"
#include "coordinator/publish.h"
#include "shared/arena.h"
#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/log.h"
#include "shared/tmpl/env.h"
#include "shared/strmap.h"

/* "site/rel" as messages show a file of the site ("rel" for "."). */
static const char *site_path(bf_writer_t *w, const char *rel)
{
    const char *dir = w->a->site_dir;
    if (!dir || strcmp(dir, ".") == 0)
        return rel;
    return bf_arena_sprintf(w->arena, "%s/%s", dir, rel);
}

/*
 * Records that who writes path.  0 if path is new, or was written by the
 * same who before (a page rendered again after its worker died); 1 if
 * someone else wrote it (*had: who), -1 out of memory.
 */
static int claim_path(bf_writer_t *w, const char *path, const char *who, const char **had)
{
    size_t n = strlen(path);
    const char *seen = bf_strmap_get(&w->owners, path, n);
    if (seen) {
        *had = seen;
        return strcmp(seen, who) == 0 ? 0 : 1;
    }
    char *key = bf_arena_strndup(w->arena, path, n);
    return key && bf_strmap_put(w->arena, &w->owners, key, n, (void *)who) ? 0 : -1;
}

/* Claims path for who; a collision is an error naming both.  0 or -1. */
int bf_writer_claim(bf_writer_t *w, const char *path, const char *who)
{
    const char *had = NULL;
    int rc = claim_path(w, path, who, &had);
    if (rc == 1) {
        /* said at a file of the site where one of the two is ("the
         * generated sitemap.xml" is not a place to fix anything) */
        bool made = strncmp(who, "the ", 4) == 0 && strncmp(had, "the ", 4) != 0;
        bf_log_at(BF_LOG_ERROR, made ? had : who, 0, 0, "its output \"%s\" is also written by "
                  "%s: give one of them another URL or name", path, made ? who : had);
    }
    else if (rc < 0)
        bf_log_error("out of memory");
    return rc ? -1 : 0;
}

/* Who a ring record belongs to, for claim_path: the page's source (the
 * site-relative path as messages show it), or a generated output. */
const char *bf_writer_owner(bf_writer_t *w, uint32_t page, const char *path)
{
    const bf_snap_t *s = w->a->snap;
    if (page == BF_FARM_NONE || page >= bf_snap_count(s, BF_SNAP_T_PAGES))
        return bf_arena_sprintf(w->arena, "the generated %s", path);
    if (w->page_owner[page])
        return w->page_owner[page];
    const bf_snap_page_t *p = bf_snap_page(s, page);
    const char *who = p->source.len ? site_path(w, bf_snap_str(s, p->source))
                                    : bf_arena_sprintf(w->arena, "the generated page %s",
                                                       bf_snap_str(s, p->url));
    return w->page_owner[page] = who;
}

static int make_parents(bf_writer_t *w, const char *path)
{
    for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
        size_t n = (size_t)(s - path);
        if (bf_strmap_get(&w->dirs, path, n))
            continue;
        char *dir = bf_arena_strndup(w->arena, path, n);
        if (!dir)
            return -1;
        if (mkdirat(w->dirfd, dir, 0777) < 0 && errno != EEXIST)
            return -1;
        if (!bf_strmap_put(w->arena, &w->dirs, dir, n, dir))
            return -1;
    }
    return 0;
}

/* Renames the temporary to path, replacing whatever is there (a
 * directory of the standby included).  0, or -1 with errno. */
static int into_place(bf_writer_t *w, const char *path)
{
    if (renameat(w->dirfd, w->tmp, w->dirfd, path) == 0)
        return 0;
    if ((errno != EISDIR && errno != ENOTEMPTY && errno != EEXIST) ||
        bf_fs_remove_at(w->dirfd, path) < 0)
        return -1;
    return renameat(w->dirfd, w->tmp, w->dirfd, path);
}

/* Writes data[0..len) as path under the staging directory: directly
 * into a fresh tree, else through w->tmp and a rename (an inode there
 * may be shared with OUT by a hard link: never written in place).  A
 * directory in the way (the standby had "x/" where "x" is now a file) is
 * removed.  0, or -1 with errno. */
static int write_new(bf_writer_t *w, const char *path, const void *data, size_t len)
{
    const char *name = w->in_place ? path : w->tmp;
    int fd = openat(w->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    for (const char *c = data; len;) {
        ssize_t k = write(fd, c, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        c += k;
        len -= (size_t)k;
    }
    if (close(fd) < 0)
        return -1;
    return w->in_place ? 0 : into_place(w, path);
}

/* Records that entry path of the new tree belongs to page (BF_FARM_NONE:
 * to no page), for the page cache.  0, or -1 out of memory. */
static int note_page(bf_writer_t *w, const char *path, size_t n, uint32_t page)
{
    const bf_manifest_entry_t *e = bf_manifest_get(&w->tree, path, n);
    size_t i = (size_t)(e - w->tree.e);
    if (w->page_cap < w->tree.cap) {
        uint32_t *p = realloc(w->page_of, w->tree.cap * sizeof *p);
        if (!p)
            return -1;
        w->page_of = p;
        w->page_cap = w->tree.cap;
    }
    w->page_of[i] = page;
    return 0;
}

int bf_writer_add(bf_writer_t *w, const char *path, size_t n, uint64_t size, bf_digest_t d,
                  uint32_t page)
{
    return bf_manifest_put(&w->tree, path, n, size, d) < 0 || note_page(w, path, n, page) < 0
               ? -1 : 0;
}

/* Hard-links path of the tree fromfd into place through the temporary.
 * 0, or -1 with errno (EXDEV: another filesystem). */
static int link_in(bf_writer_t *w, int fromfd, const char *path)
{
    return linkat(fromfd, path, w->dirfd, w->tmp, 0) < 0 ? -1 : into_place(w, path);
}

/*
 * A reused page's file from another tree (a shard's, for the merge:
 * pagecache.h sources): read back whole and checked against the size and
 * digest its entry recorded, so that a tree changed or damaged since is
 * an error, never published; then hard-linked, or written from what was
 * read where a link cannot be made (another filesystem).  0 placed, 1
 * refused (logged), -1 an I/O error (errno).
 */
static int from_source(bf_writer_t *w, unsigned k, const char *path, uint64_t len,
                       bf_digest_t d)
{
    const bf_pc_source_t *src = &w->a->pages->sources[k];
    if (!w->src_fd) {
        if (!(w->src_fd = bf_arena_alloc(w->arena, w->a->pages->n_sources * sizeof *w->src_fd)))
            return -1;
        for (unsigned i = 0; i < w->a->pages->n_sources; i++)
            w->src_fd[i] = -1;
    }
    int fd = w->src_fd[k];
    if (fd < 0 &&
        (fd = w->src_fd[k] = open(src->tree, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        bf_log_at(BF_LOG_ERROR, src->tree, 0, 0, "cannot open the output of %s: %s", src->label,
                  strerror(errno));
        return 1;
    }
    w->scratch.len = 0; /* read appends */
    int rc = bf_fs_read_file_at(fd, path, len + 1, &w->scratch);
    if (rc < 0 || w->scratch.len != len ||
        !bf_digest_eq(bf_hash128(w->scratch.data, w->scratch.len), d)) {
        bf_log_at(BF_LOG_ERROR, src->tree, 0, 0, "%s: %s than %s recorded (changed or damaged "
                  "since it finished): build %s again with --no-cache", path,
                  rc < 0 ? "missing or unreadable, not as" : "other", src->label, src->label);
        return 1;
    }
    if (link_in(w, fd, path) == 0) { /* place() made the parents */
        w->linked++;
        return 0;
    }
    unlinkat(w->dirfd, w->tmp, 0);
    if (write_new(w, path, w->scratch.data, w->scratch.len) < 0)
        return -1;
    w->written++;
    w->bytes += len;
    return 0;
}

/*
 * The new tree holds data[0..len) (digest d) at path.  Nothing to do when
 * the standby already has exactly that (kept); a hard link to OUT's file
 * when OUT has it (linked: no bytes written); else the bytes are written
 * (data NULL: a reused page's file, which OUT or the standby must have).
 * The entry goes into the new tree's manifest, as page's.  0, or -1
 * logged.
 */
static int place(bf_writer_t *w, uint32_t page, const char *path, const void *data, size_t len,
                 bf_digest_t d)
{
    const bf_output_t *o = w->a->out;
    size_t n = strlen(path);
    const bf_manifest_entry_t *e;
    if (o && o->has_standby && (e = bf_manifest_get(&o->standby, path, n)) && e->size == len &&
        bf_digest_eq(e->digest, d)) {
        w->kept++;
    } else {
        if (make_parents(w, path) < 0)
            goto fail;
        if (o && o->has_published && w->outfd >= 0 &&
            (e = bf_manifest_get(&o->published, path, n)) && e->size == len &&
            bf_digest_eq(e->digest, d) && link_in(w, w->outfd, path) == 0) {
            w->linked++;
        } else {
            unlinkat(w->dirfd, w->tmp, 0); /* a failed link's leftover, if any */
            const bf_pagecache_t *pc = w->a->pages;
            if (!data && pc && pc->from && page < pc->n_pages && pc->from[page]) {
                int rc = from_source(w, pc->from[page] - 1u, path, len, d);
                if (rc < 0)
                    goto fail;
                if (rc > 0)
                    return -1; /* logged */
                goto placed;
            }
            if (!data) {
                bf_log_at(BF_LOG_ERROR, path, 0, 0, "the previous output lost this file; "
                          "build again with --no-cache");
                return -1;
            }
            if (write_new(w, path, data, len) < 0)
                goto fail;
            w->written++;
            w->bytes += len;
        }
    }
placed:
    if (bf_writer_add(w, path, n, len, d, page) < 0) {
        bf_log_error("out of memory");
        return -1;
    }
    return 0;
fail:
    bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot write in %s: %s", w->a->staging,
              strerror(errno));
    return -1;
}

static int put_file(bf_writer_t *w, uint32_t page, const char *path, const void *data, size_t len)
{
    return place(w, page, path, data, len, bf_hash128(data, len));
}

/* The files of a page reused from the last build (pagecache.h), claimed
 * like rendered ones.  0, or -1 logged. */
static int place_entry(bf_writer_t *w, uint32_t id, const bf_pc_entry_t *e)
{
    for (uint32_t k = 0; e && k < e->n_out; k++) {
        const bf_manifest_entry_t *f = &e->out[k];
        const char *who = bf_writer_owner(w, id, f->path);
        if (!who || bf_writer_claim(w, f->path, who) < 0 ||
            place(w, id, f->path, NULL, f->size, f->digest) < 0)
            return -1;
    }
    return 0;
}

/* This writer's share of the regular pages reused (page id modulo the
 * writers: a merge links a whole site's files, which one writer would
 * do alone), before any record.  The files go into its tree like its
 * records', and the lead merges them with the rest (publish.h). */
static int place_reused(bf_writer_t *w)
{
    const bf_pagecache_t *pc = w->a->pages;
    unsigned n = w->a->n_writers ? w->a->n_writers : 1;
    for (uint32_t id = w->a->writer; pc && pc->n_reused && id < pc->n_pages; id += n)
        if (pc->reuse[id] && place_entry(w, id, pc->reuse[id]) < 0)
            return -1;
    return 0;
}

/* A record that is not a file (shared/farm.h): a list page reused, what
 * a page read, or a file the trees hold.  0, or -1 logged. */
static int on_special(bf_writer_t *w, uint32_t page, const char *path, const bf_buf_t *data)
{
    const bf_pagecache_t *pc = w->a->pages;
    uint32_t id = page & BF_FARM_RECORD_PAGE;
    if ((page & BF_FARM_RECORD_KEEP) == BF_FARM_RECORD_KEEP) {
        struct {
            uint64_t size;
            bf_digest_t digest;
        } kept;
        const char *why = NULL;
        uint32_t owner = id == BF_FARM_RECORD_NOPAGE ? BF_FARM_NONE : id;
        if (data->len != sizeof kept || bf_path_check(path, strlen(path), &why) < 0) {
            bf_log_error("internal error: a bad record for \"%s\"", path);
            return -1;
        }
        memcpy(&kept, data->data, sizeof kept);
        const char *who = bf_writer_owner(w, owner, path);
        if (!who || bf_writer_claim(w, path, who) < 0)
            return -1;
        return place(w, owner, path, NULL, kept.size, kept.digest);
    }
    if (!pc || id >= pc->n_pages) {
        bf_log_error("internal error: a record for page %u, which this build has not", id);
        return -1;
    }
    if (page & BF_FARM_RECORD_REUSE)
        return place_entry(w, id, pc->candidate[id]);
    bf_digest_t d;
    if (data->len < sizeof d || (data->len - sizeof d) % 4 || !w->deps_of)
        return 0; /* not kept: the page renders next time */
    memcpy(&d, data->data, sizeof d);
    uint32_t n = (uint32_t)((data->len - sizeof d) / 4);
    uint32_t *ids = bf_arena_alloc(w->arena, (size_t)n * 4 + 4); /* never NULL for n = 0 */
    if (ids)
        memcpy(ids, data->data + sizeof d, (size_t)n * 4);
    if (!ids) {
        bf_log_error("out of memory");
        return -1;
    }
    w->deps_of[id] = (bf_farm_deps_ref_t){ids, n, d};
    return 0;
}

static int on_begin(void *arg, unsigned ring, uint32_t page, const char *path, uint64_t len)
{
    bf_writer_t *w = arg;
    bf_writer_file_t *f = &w->files[ring];
    const char *why = NULL;
    if (page != BF_FARM_NONE && (page & (BF_FARM_RECORD_REUSE | BF_FARM_RECORD_DEPS))) {
        bf_buf_reset(&f->data); /* not a file of its own: claimed, if at all, at its end */
        snprintf(f->path, sizeof f->path, "%s", path);
        f->page = page;
        f->open = true;
        return 0;
    }
    if (bf_path_check(path, strlen(path), &why) < 0) {
        bf_log_error("refusing to write \"%s\": %s", path, why);
        errno = EINVAL;
        return -1;
    }
    const char *who = bf_writer_owner(w, page, path);
    if (!who || bf_writer_claim(w, path, who) < 0) {
        errno = EEXIST;
        return -1;
    }
    if (w->a->dry_run)
        return 0; /* `check`: the path is valid and free, nothing is written */
    w->begun++;
    bf_buf_reset(&f->data);
    if (len <= SIZE_MAX - 1 && bf_buf_grow(&f->data, (size_t)len) < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "out of memory");
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s", path);
    f->page = page;
    f->open = true;
    return 0;
}

static int on_data(void *arg, unsigned ring, const void *p, size_t n)
{
    bf_writer_t *w = arg;
    bf_writer_file_t *f = &w->files[ring];
    if (w->a->dry_run)
        return 0;
    if (w->a->fault.kind == BF_FAULT_WRITER_ENOSPC && w->a->fault.writer == w->a->writer &&
        w->begun == w->a->fault.arg) {
        bf_log_at(BF_LOG_ERROR, f->path, 0, 0, "cannot write: %s", strerror(ENOSPC));
        errno = ENOSPC; /* test hook: the disk is full */
        return -1;
    }
    if (bf_buf_append(&f->data, p, n) < 0) {
        bf_log_at(BF_LOG_ERROR, f->path, 0, 0, "out of memory");
        return -1;
    }
    return 0;
}

static int on_end(void *arg, unsigned ring)
{
    bf_writer_t *w = arg;
    bf_writer_file_t *f = &w->files[ring];
    if (w->a->dry_run)
        return 0;
    f->open = false;
    if (f->page != BF_FARM_NONE && (f->page & (BF_FARM_RECORD_REUSE | BF_FARM_RECORD_DEPS)))
        return on_special(w, f->page, f->path, &f->data);
    if (put_file(w, f->page, f->path, f->data.data ? f->data.data : "", f->data.len) < 0)
        return -1;
    if (f->data.cap > (1u << 20)) /* a huge page: give its memory back */
        bf_buf_free(&f->data);
    uint64_t done = w->written + w->linked + w->kept;
    bool mine = w->a->fault.writer == w->a->writer;
    if (mine && w->a->fault.kind == BF_FAULT_WRITER_CRASH && done >= w->a->fault.arg)
        raise(SIGKILL); /* test hook: the writer dies mid-build */
    if (mine && w->a->fault.kind == BF_FAULT_WRITER_STALL && done == 1)
        sleep(w->a->fault.arg); /* test hook: a disk that stalls; rings fill up */
    return 0;
}

static void on_abandon(void *arg, unsigned ring)
{
    bf_writer_t *w = arg;
    w->files[ring].open = false; /* its successor sends it again */
}

/* Copies the file src (a path as given, or beneath root_fd when it is not
 * -1) to dst below staging, as who (for collisions: see claim_path); a
 * symlink at src is skipped with a warning unless follow.  `check` only
 * claims dst.  0 done or skipped with a warning, -1 on an I/O error or a
 * collision (logged). */
static int copy_file(bf_writer_t *w, int root_fd, const char *src, const char *dst, bool follow,
                     const char *who)
{
    int in = -1, rc = -1;
    const char *why = NULL;
    if (bf_path_check(dst, strlen(dst), &why) < 0) {
        bf_log_at(BF_LOG_WARN, who, 0, 0, "not published: %s", why);
        return 0;
    }
    if (bf_writer_claim(w, dst, who) < 0)
        return -1;
    if (w->a->dry_run)
        return 0;
    in = root_fd >= 0 ? bf_fs_open_beneath(root_fd, src, O_RDONLY | (follow ? 0 : O_NOFOLLOW), 0)
                      : open(src, O_RDONLY | (follow ? 0 : O_NOFOLLOW) | O_CLOEXEC);
    if (in < 0) {
        if (errno == ELOOP || errno == EXDEV) {
            bf_log_at(BF_LOG_WARN, who, 0, 0, "symlink not published");
            return 0;
        }
        goto fail;
    }
    bf_buf_reset(&w->scratch);
    for (;;) {
        if (bf_buf_grow(&w->scratch, 65536) < 0)
            goto fail;
        ssize_t r = read(in, w->scratch.data + w->scratch.len, w->scratch.cap - w->scratch.len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto fail;
        if (r == 0)
            break;
        w->scratch.len += (size_t)r;
    }
    close(in);
    in = -1;
    rc = put_file(w, BF_FARM_NONE, dst, w->scratch.data, w->scratch.len);
    if (w->scratch.cap > (16u << 20))
        bf_buf_free(&w->scratch); /* a video: do not keep its size */
    return rc;
fail:
    bf_log_at(BF_LOG_ERROR, who, 0, 0, "cannot publish: %s", strerror(errno));
    if (in >= 0)
        close(in);
    return rc;
}

/* The tree src to <rel> in staging: SITE/static/ to the root (beneath
 * root_fd, symlinks skipped with a warning), or KaTeX's fonts (root_fd -1,
 * follow: Debian links them). */
static int copy_tree(bf_writer_t *w, int root_fd, const char *src, const char *rel,
                     unsigned depth, bool follow)
{
    DIR *d = root_fd >= 0 ? bf_fs_opendir_at(root_fd, src) : opendir(src);
    struct dirent *e;
    int rc = 0;
    if (!d) {
        if (errno == ENOENT && depth == 0)
            return 0;
        if (root_fd >= 0 && depth == 0 && (errno == ELOOP || errno == EXDEV)) {
            bf_log_at(BF_LOG_ERROR, site_path(w, src), 0, 0,
                      "is a symlink that leaves the site; nothing outside the site is "
                      "published");
            return -1;
        }
        bf_log_at(BF_LOG_ERROR, root_fd >= 0 ? site_path(w, src) : src, 0, 0,
                  "cannot read directory: %s", strerror(errno));
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *s = bf_arena_sprintf(w->arena, "%s/%s", src, e->d_name);
        char *r = *rel ? bf_arena_sprintf(w->arena, "%s/%s", rel, e->d_name)
                       : bf_arena_strdup(w->arena, e->d_name);
        const char *who = s && root_fd >= 0 ? site_path(w, s) : s;
        struct stat st;
        if (!s || !r || !who) {
            rc = -1;
            continue;
        }
        int st_rc = root_fd < 0 ? (follow ? stat(s, &st) : lstat(s, &st))
                                : fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW);
        if (st_rc < 0) {
            bf_log_at(BF_LOG_ERROR, who, 0, 0, "cannot stat: %s", strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode) && depth < 64) {
            rc = copy_tree(w, root_fd, s, r, depth + 1, follow);
        } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            rc = copy_file(w, root_fd, s, r, follow, who);
        }
    }
    closedir(d);
    return rc;
}

/* Resources of each page: beside its output ("docs/setup/index.html" gets
 * "content/docs/setup/shot.png" as "docs/setup/shot.png"). */
static int copy_resources(bf_writer_t *w)
{
    const bf_snap_t *s = w->a->snap;
    uint32_t n = bf_snap_count(s, BF_SNAP_T_PAGES);
    for (uint32_t i = 0; i < n; i++) {
        const bf_snap_page_t *p = bf_snap_page(s, i);
        if (!p->resources.count || !p->source.len)
            continue;
        const bf_snap_str_t *res = bf_snap_strs(s, p->resources);
        for (uint32_t k = 0; k < p->resources.count; k++) {
            const char *r = bf_snap_str(s, res[k]);
            char to[BF_PATH_MAX];
            const char *who = site_path(w, r);
            if (!bf_snap_resource_output(s, p, k, to, sizeof to)) {
                bf_log_at(BF_LOG_ERROR, r, 0, 0, "its output path is too long");
                return -1;
            }
            if (!who || copy_file(w, w->a->root_fd, r, to, false, who) < 0)
                return -1;
        }
    }
    return 0;
}

/* The embedded theme's stylesheet and script, under _bengal/.  A file of
 * that name in the site's static/ replaces it: that is how a site
 * restyles the theme (said with -v).  A page or anything else there is a
 * collision.  0, or -1 logged. */
static int write_theme_assets(bf_writer_t *w)
{
    for (const bf_tmpl_embed_t *e = w->a->theme_assets; e && e->name; e++) {
        const char *dst = bf_arena_sprintf(w->arena, "%s/%s", BF_SNAP_THEME_DIR, e->name);
        const char *who = dst ? bf_arena_sprintf(w->arena, "the theme's %s", dst) : NULL;
        const char *had = NULL;
        if (!who)
            return -1;
        int c = claim_path(w, dst, who, &had);
        if (c == 1 && strncmp(had, site_path(w, "static/"), strlen(site_path(w, "static/"))) == 0) {
            bf_log_debug("%s replaces %s", had, who);
            continue;
        }
        if (c != 0) {
            if (c == 1)
                bf_log_at(BF_LOG_ERROR, had, 0, 0, "its output \"%s\" is also written by %s: "
                          "give it another URL", dst, who);
            return -1;
        }
        if (w->a->dry_run)
            continue;
        if (put_file(w, BF_FARM_NONE, dst, e->src, e->len) < 0)
            return -1;
    }
    return 0;
}

/* KaTeX under its fixed names (coordinator/assets.h), when a page has
 * math.  0, or -1 after an I/O error (logged). */
static int copy_katex(bf_writer_t *w)
{
    const bf_katex_t *k = w->a->katex;
    if (!k || !atomic_load(&w->a->ctl->math_pages))
        return 0;
    const char *out = BF_SNAP_KATEX_DIR;
    const char *css = bf_arena_sprintf(w->arena, "%s/katex.min.css", out);
    const char *js = bf_arena_sprintf(w->arena, "%s/katex.min.js", out);
    const char *ar = bf_arena_sprintf(w->arena, "%s/auto-render.min.js", out);
    const char *fonts = bf_arena_sprintf(w->arena, "%s/fonts", out);
    if (!css || !js || !ar || !fonts)
        return -1;
    int rc = copy_file(w, -1, k->css, css, true, k->css) |
             copy_file(w, -1, k->js, js, true, k->js) |
             copy_file(w, -1, k->auto_render, ar, true, k->auto_render);
    if (copy_tree(w, -1, k->fonts, fonts, 1, true) < 0) {
        bf_log_at(BF_LOG_ERROR, k->fonts, 0, 0, "cannot publish KaTeX's fonts: %s",
                  strerror(errno));
        rc = -1;
    }
    return rc;
}

static void fail_exit(bf_writer_t *w)
{
    bf_publish_describe_failed(w);
    _exit(1);
}

/* What this writer did, added to the build's counts (shared/farm.h;
 * files_removed: the lead's, when it publishes). */
static void report(const bf_writer_t *w)
{
    atomic_fetch_add(&w->a->ctl->files_written, w->written);
    atomic_fetch_add(&w->a->ctl->files_linked, w->linked);
    atomic_fetch_add(&w->a->ctl->files_kept, w->kept);
    atomic_fetch_add(&w->a->ctl->bytes_written, w->bytes);
}

void bf_writer_tmp_name(unsigned g, char *out, size_t cap)
{
    if (g == 0)
        snprintf(out, cap, ".bengal-new");
    else
        snprintf(out, cap, ".bengal-new.%u", g);
}

/* The writer's state, before any record: the marker and every writer's
 * temporary are ours (nothing may replace them).  0, or -1 logged. */
static int start(bf_writer_t *w, const bf_writer_args_t *a)
{
    char name[32];
    w->arena = bf_arena_create(0);
    w->files = calloc(a->n_rings, sizeof(*w->files));
    w->page_owner = calloc(bf_snap_count(a->snap, BF_SNAP_T_PAGES) + 1, sizeof(*w->page_owner));
    w->dirfd = a->dry_run ? -1 : open(a->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!w->arena || !w->files || !w->page_owner || (w->dirfd < 0 && !a->dry_run)) {
        bf_log_at(BF_LOG_ERROR, a->staging, 0, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    bf_manifest_init(&w->tree, w->arena);
    if (a->pages && !a->dry_run &&
        !(w->deps_of = calloc(a->pages->n_pages + 1, sizeof *w->deps_of))) {
        bf_log_error("out of memory");
        return -1;
    }
    const bf_output_t *o = a->out;
    if (o && o->has_published)
        w->outfd = open(a->output, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    w->in_place = !a->dry_run && !(o && (o->has_standby || o->has_published));
    w->complete = a->n_writers <= 1;
    bf_writer_tmp_name(a->writer, w->tmp, sizeof w->tmp);
    if (!a->dry_run)
        unlinkat(w->dirfd, w->tmp, 0); /* a killed build's */
    if (claim_path(w, BF_OUTPUT_MARKER, "bengal-farm's output marker", &(const char *){0}) < 0)
        return -1;
    for (unsigned g = 0; g < a->n_writers || g == 0; g++) {
        bf_writer_tmp_name(g, name, sizeof name);
        char *key = bf_arena_strdup(w->arena, name);
        if (!key || claim_path(w, key, "bengal-farm's temporary file", &(const char *){0}) < 0)
            return -1;
    }
    return 0;
}

void bf_writer_main(const bf_writer_args_t *a)
{
    bf_writer_t w = {.a = a, .outfd = -1};
    bool lead = a->writer == 0;
    bf_ctx_init(BF_ROLE_WRITER, (int)a->writer);
    if (lead)
        prctl(PR_SET_NAME, "bf-writer");
    else {
        char name[16];
        snprintf(name, sizeof name, "bf-writer-%u", a->writer);
        prctl(PR_SET_NAME, name);
    }
    if (start(&w, a) < 0)
        _exit(1);
    if (!a->dry_run && place_reused(&w) < 0)
        fail_exit(&w);
    bf_ring_sink_t sink = {on_begin, on_data, on_end, on_abandon, &w};
    bf_ring_reader_t *rd = bf_ring_reader_new(a->bell, a->rings, a->n_rings, &sink);
    if (!rd || bf_ring_reader_run(rd) < 0) {
        if (rd && errno == EBADMSG)
            bf_log_error("corrupt ring: %s", bf_ring_reader_why(rd));
        fail_exit(&w);
    }
    for (unsigned i = 0; i < a->n_rings; i++) {
        if (bf_ring_reader_open(rd, i)) {
            bf_log_error("a page of worker %u was left incomplete", a->first_ring + i);
            fail_exit(&w);
        }
    }
    if (atomic_load(&a->ctl->failed))
        fail_exit(&w);
    if (a->fault.kind == BF_FAULT_WRITER_CRASH && a->fault.writer == a->writer &&
        w.written + w.linked + w.kept >= a->fault.arg)
        raise(SIGKILL); /* test hook: files=0 dies here, its rings drained */
    if (!lead) { /* the lead publishes what this writer placed */
        report(&w);
        _exit(bf_publish_part(&w) < 0 ? 1 : 0);
    }
    if (a->n_writers > 1 && bf_publish_merge(&w) < 0)
        fail_exit(&w);
    /* Files that are not rendered, after every page: a collision with a
     * page is found here, also by `check`, which writes nothing. */
    if (!a->part && (copy_tree(&w, a->root_fd, "static", "", 0, false) < 0 ||
                     copy_resources(&w) < 0 || copy_katex(&w) < 0 ||
                     write_theme_assets(&w) < 0))
        fail_exit(&w);
    if (a->dry_run)
        _exit(0); /* `check`: every page rendered, nothing to publish */
    report(&w);
    if (bf_publish_swap(&w) < 0)
        fail_exit(&w);
    _exit(0);
}
