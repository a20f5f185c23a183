/*
 * coordinator/publish.h - the end of the writers' work: one tree, one
 * manifest, one swap.
 *
 * A build has one writer process or several (coordinator/writer.h), each
 * draining a fixed group of rings into the same staging directory.  The
 * files go straight to their place in it, so placing files scales with
 * the writers; what must be done once for the whole tree is here:
 *
 *   - bf_publish_part(): a writer other than the lead (writer 0) records
 *     what it placed (every path with its size, digest and owning page,
 *     and the page-cache records of its pages) into its part, an unlinked
 *     memory file (memfd) the coordinator made before fork, then counts
 *     itself into ctl->writers_done and exits 0;
 *   - bf_publish_merge(): the lead, its own group drained, sleeps on
 *     ctl->writers_done until every part is recorded, then merges the
 *     parts into its tree: each path is claimed as the writer claimed it,
 *     so two groups writing one path is the same collision error, naming
 *     both owners, as two pages of one group (the build fails before the
 *     swap; the staging tree, whose bytes at that path are whichever
 *     writer renamed last, is left undescribed and removed);
 *   - then the lead copies the files that are not rendered (writer.c),
 *     and bf_publish_swap() removes the standby's stale files, saves the
 *     manifest and the page cache, syncs (--fsync) and does the one
 *     renameat2(RENAME_EXCHANGE).
 *
 * A part holds no pointers: records of fixed-width fields, each padded to
 * 8 bytes (see publish.c).  Parts are read only by the lead, after the
 * writer that wrote one counted itself done (the count is the release).
 *
 * Failure: a writer that fails exits 1 and the coordinator stops the
 * build (the previous output intact).  The lead describes a staging tree
 * it leaves behind (so the next build patches it rather than removes it)
 * only when its tree holds every writer's files (bf_writer_t.complete).
 */
#ifndef BF_COORDINATOR_PUBLISH_H
#define BF_COORDINATOR_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include "coordinator/manifest.h"
#include "coordinator/writer.h"
#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/strmap.h"

/* The record a ring is delivering: its path and bytes so far (a file is
 * written once whole, after its digest says whether it changed). */
typedef struct {
    bool open;
    uint32_t page;
    char path[BF_PATH_MAX];
    bf_buf_t data;
} bf_writer_file_t;

/*
 * A writer process's own state (process-local: it is never shared), used
 * by writer.c (draining, placing) and publish.c (merging, publishing).
 */
typedef struct {
    const bf_writer_args_t *a;
    int dirfd;                /* the staging directory */
    bf_arena_t *arena;
    char tmp[32];             /* this writer's temporary file name */
    bf_strmap_t dirs;         /* directories made so far */
    bf_strmap_t owners;       /* every file path -> who wrote it (a
                                 display string: "site/content/a.md",
                                 "site/static/x.png", "the generated
                                 sitemap.xml"), to catch collisions */
    const char **page_owner;  /* per page: its display string, made once */
    bf_writer_file_t *files;  /* one per ring */
    uint64_t written;         /* files written (new content) */
    uint64_t linked;          /* hard links to OUT's file of that content */
    uint64_t kept;            /* files the standby already had */
    uint64_t removed;         /* stale files removed from the standby */
    uint64_t bytes;           /* bytes of the files written */
    uint64_t begun;           /* files begun (the ENOSPC fault counts them) */
    bf_manifest_t tree;       /* the tree being made */
    int outfd;                /* OUT, to link unchanged files from; -1 */
    bool in_place;            /* a fresh staging directory nothing was
                                 linked into: files are written directly */
    bool complete;            /* tree describes every writer's files (one
                                 writer, or the parts merged cleanly) */
    bf_buf_t scratch;         /* a static file being copied */
    uint32_t *page_of;        /* per entry of tree: its page, or NONE */
    size_t page_cap;
    bf_farm_deps_ref_t *deps_of; /* per page: what a list page read (DEPS
                                 records), for the page cache */
    int *src_fd;              /* per page cache source (the merge's
                                 shards): its tree, opened when first
                                 read (-1 until then); NULL until one is */
} bf_writer_t;

/* The temporary file name of writer g (".bengal-new", ".bengal-new.1"...):
 * each writer has its own, claimed by every writer (no file may take it). */
void bf_writer_tmp_name(unsigned g, char *out, size_t cap);

/* Claims path for who; a collision is an error naming both (logged).
 * 0 or -1. */
int bf_writer_claim(bf_writer_t *w, const char *path, const char *who);

/* Who a record of page (NONE: a generated output) at path belongs to, as
 * messages and bf_writer_claim show it.  NULL out of memory. */
const char *bf_writer_owner(bf_writer_t *w, uint32_t page, const char *path);

/* Adds path (n bytes) to w's tree as page's.  0, or -1 out of memory. */
int bf_writer_add(bf_writer_t *w, const char *path, size_t n, uint64_t size, bf_digest_t d,
                  uint32_t page);

/* Not the lead: records w's tree and page-cache records in its part and
 * counts itself done.  0, or -1 logged. */
int bf_publish_part(bf_writer_t *w);

/* The lead: waits for the other writers' parts and merges them into w's
 * tree (a collision is logged, naming both).  0, or -1. */
int bf_publish_merge(bf_writer_t *w);

/* The lead: stale files removed, manifest and page cache saved, the
 * exchange.  0 published, or -1 logged. */
int bf_publish_swap(bf_writer_t *w);

/* A build that failed after files went into the staging directory: the
 * lead describes what it holds (when w->complete), so the next build
 * patches it rather than removing it. */
void bf_publish_describe_failed(bf_writer_t *w);

#endif
