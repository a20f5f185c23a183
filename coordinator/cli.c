/*
 * coordinator/cli.c - commands and options (see cli.h).
 *
 * Option parsing is getopt_long per command; a command's --help prints its
 * usage to stdout and exits 0, a bad option prints it to stderr and exits
 * 2.  Everything a command does beyond parsing lives in its module.
 */
#include "coordinator/cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "coordinator/farm.h"
#include "coordinator/freeze.h"
#include "coordinator/inputs.h"
#include "coordinator/jobs.h"
#include "coordinator/load.h"
#include "coordinator/output.h"
#include "coordinator/scaffold.h"
#include "shared/clock.h"
#include "shared/fs.h"
#include "shared/hash.h"
#include "shared/log.h"
#include "shared/pack.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/profile.h"
#include "snapshot-format/dump.h"
#include "snapshot-format/reader.h"

static const char usage_main[] =
    "usage: bengal-farm [build] [options] [SITE]\n"
    "       bengal-farm new SITE\n"
    "       bengal-farm check [options] [SITE]\n"
    "       bengal-farm clean [options] [SITE]\n"
    "       bengal-farm snapshot build [options] [SITE]\n"
    "       bengal-farm snapshot dump [--json] FILE\n"
    "       bengal-farm markdown [--plain] [--unsafe] [-e EXT]... < FILE.md\n"
    "       bengal-farm template render --templates DIR [--context FILE] NAME\n"
    "       bengal-farm version\n"
    "\n"
    "commands:\n"
    "  build            build the site in SITE (default: the current directory)\n"
    "  new              create a starter documentation site in SITE\n"
    "  check            everything a build checks, without writing output\n"
    "  clean            remove the output and the state directory\n"
    "  snapshot build   discover SITE and write SITE/.bengal/snapshot.bfs\n"
    "  snapshot dump    print a snapshot file (--json: as JSON)\n"
    "  markdown         render markdown from stdin to HTML, as a build does\n"
    "  template         render, check or list templates (theme development)\n"
    "  version          print the version\n"
    "\n"
    "Run `bengal-farm COMMAND --help` for a command's options.\n";

static const char usage_build[] =
    "usage: bengal-farm [build] [options] [SITE]\n"
    "\n"
    "Builds the site in SITE (default: the current directory) with a farm of\n"
    "worker processes into its output directory, which is replaced in one\n"
    "atomic swap only when the whole site rendered.\n"
    "\n"
    "options:\n"
    "  -j, --jobs N        worker processes (default: the CPUs this process may\n"
    "                      use: online CPUs, affinity, cgroup quota; BENGAL_JOBS)\n"
    "  -o, --output DIR    output directory (default: build.output_dir, public);\n"
    "                      it must not exist, be empty or be a previous output\n"
    "      --force         replace DIR even if bengal-farm did not make it\n"
    "      --fsync         sync the new output to disk before publishing it\n"
    "                      (build.fsync)\n"
    "      --no-cache      ignore what earlier builds kept: render every page,\n"
    "                      write every file (the caches are rewritten)\n"
    "      --cache-dir DIR  the state directory: snapshot, caches, manifests\n"
    "                      (BENGAL_CACHE_DIR; default build.cache_dir, .bengal)\n"
    "      --precompress   FILE.zst beside every HTML, XML, JSON, CSS, JS and text\n"
    "                      output (build.precompress: zstd; level\n"
    "                      build.precompress_level, default 19)\n"
    "  -D, --drafts        include pages marked draft: true\n"
    "  -F, --future        include pages dated in the future\n"
    "      --strict        broken cross-references and links are errors\n"
    "  -k, --keep-going    skip a page that crashes workers; publish the rest\n"
    "      --page-timeout S  stop a worker that spends over S seconds on one page\n"
    "                      (default 120; 0: never)\n"
    "      --stats-json FILE  write build statistics as JSON\n"
    "      --no-progress    no progress line (it shows only on a terminal)\n"
    "      --profile-templates  print time per template and block, macro calls,\n"
    "                      includes and filter calls, summed over workers\n"
    "  -q, --quiet         print errors only\n"
    "  -v, --verbose       print more about what happens\n"
    "  -h, --help          show this help\n";

static const char usage_snapshot[] =
    "usage: bengal-farm snapshot build [options] [SITE]\n"
    "       bengal-farm snapshot dump [--json] FILE\n"
    "\n"
    "  build   discover SITE (default: .) and write the snapshot into its state\n"
    "          directory (SITE/.bengal/snapshot.bfs by default)\n"
    "  dump    print a snapshot: site, pages, sections, taxonomies, menus, waves\n";

static const char usage_snapshot_build[] =
    "usage: bengal-farm snapshot build [options] [SITE]\n"
    "\n"
    "Discovers the site in SITE (default: the current directory), checks it and\n"
    "writes the snapshot every build process maps: SITE/.bengal/snapshot.bfs.\n"
    "\n"
    "options:\n"
    "      --cache-dir DIR  the state directory (BENGAL_CACHE_DIR; default\n"
    "                   build.cache_dir, .bengal)\n"
    "  -D, --drafts     include pages marked draft: true\n"
    "  -F, --future     include pages dated in the future\n"
    "      --strict     treat warnings that can be errors as errors\n"
    "  -q, --quiet      print errors only\n"
    "  -v, --verbose    print more about what happens\n"
    "  -h, --help       show this help\n"
    "\n"
    "SOURCE_DATE_EPOCH, if set, is taken as the current time (reproducible\n"
    "snapshots).\n";

static const char usage_snapshot_dump[] =
    "usage: bengal-farm snapshot dump [--json] FILE\n"
    "\n"
    "Validates the snapshot FILE and prints its site, pages, sections,\n"
    "taxonomies, terms, menus and waves.\n"
    "\n"
    "options:\n"
    "      --json       print one JSON object instead of text\n"
    "  -h, --help       show this help\n";

static const char usage_check[] =
    "usage: bengal-farm check [options] [SITE]\n"
    "\n"
    "Does everything a build does to the site in SITE (default: the current\n"
    "directory): front matter, URLs, templates, every page rendered, cross-\n"
    "references and links checked; and writes no output.  Exit status 1 when\n"
    "there are errors, 0 when there are only warnings (they are printed).\n"
    "\n"
    "options:\n"
    "  -j, --jobs N        worker processes\n"
    "      --cache-dir DIR  the state directory (BENGAL_CACHE_DIR; default\n"
    "                      build.cache_dir, .bengal)\n"
    "  -D, --drafts        include pages marked draft: true\n"
    "  -F, --future        include pages dated in the future\n"
    "      --strict        broken cross-references and links are errors\n"
    "      --page-timeout S  stop a worker that spends over S seconds on one page\n"
    "  -q, --quiet         print errors only\n"
    "  -v, --verbose       print more about what happens\n"
    "  -h, --help          show this help\n";

static const char usage_clean[] =
    "usage: bengal-farm clean [options] [SITE]\n"
    "\n"
    "Removes what builds of the site in SITE (default: the current directory)\n"
    "made: the output directory, the previous output kept beside it\n"
    "(OUT.staging) and the state directory (snapshot, caches, manifests).  An\n"
    "output that bengal-farm did not make is refused, as a build refuses it.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR    the output directory (default: build.output_dir)\n"
    "      --cache-dir DIR  the state directory (BENGAL_CACHE_DIR; default\n"
    "                      build.cache_dir, .bengal)\n"
    "  -q, --quiet         print errors only\n"
    "  -h, --help          show this help\n";

static const char usage_new[] =
    "usage: bengal-farm new SITE\n"
    "\n"
    "Creates a starter documentation site in SITE, a new or empty directory:\n"
    "bengal.yaml, a home page, a docs section and a guides section.  Build it\n"
    "with: bengal-farm SITE\n"
    "\n"
    "options:\n"
    "  -h, --help       show this help\n";

static const char usage_version[] =
    "usage: bengal-farm version\n"
    "\n"
    "Prints the version of bengal-farm.\n";

static int usage_error(const char *usage)
{
    fputs(usage, stderr);
    return BF_EXIT_USAGE;
}

static int show_help(const char *usage)
{
    fputs(usage, stdout);
    return BF_EXIT_OK;
}

/* "now" for --future and the snapshot: SOURCE_DATE_EPOCH when set (the
 * reproducible-builds convention), else the clock. */
static int build_time(int64_t *now)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde) {
        *now = (int64_t)time(NULL);
        return 0;
    }
    char *end;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (errno || *end || v < 0) {
        bf_log_error("SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds", sde);
        return -1;
    }
    *now = v;
    return 0;
}

static void human_size(size_t n, char *out, size_t cap)
{
    if (n < 1024)
        snprintf(out, cap, "%zu B", n);
    else if (n < 1024 * 1024)
        snprintf(out, cap, "%.1f KiB", (double)n / 1024);
    else
        snprintf(out, cap, "%.1f MiB", (double)n / (1024 * 1024));
}

/* Options of `build` beyond those it shares with `snapshot build`. */
typedef struct {
    unsigned jobs;            /* 0: default */
    const char *output;       /* NULL: the config's */
    const char *stats_json;
    bool keep_going;
    bool no_progress;
    bool profile_templates;
    bool force;               /* replace an output bengal-farm did not make */
    bool fsync;               /* --fsync */
    bool no_cache;            /* --no-cache */
    bool precompress;         /* --precompress */
    unsigned page_timeout;    /* seconds; 0: no watchdog */
} build_opts_t;

#define DEFAULT_PAGE_TIMEOUT 120

/* Parses the options of build (b != NULL) or snapshot build (b == NULL).
 * 0, 1 for --help (printed), or -1 for a usage error (printed). */
static int parse_site_opts(int argc, char **argv, const char *usage, bf_site_opts_t *o,
                           build_opts_t *b)
{
    static const struct option longs[] = {
        {"drafts", no_argument, NULL, 'D'}, {"future", no_argument, NULL, 'F'},
        {"strict", no_argument, NULL, 'S'}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
        {"jobs", required_argument, NULL, 'j'}, {"output", required_argument, NULL, 'o'},
        {"keep-going", no_argument, NULL, 'k'}, {"stats-json", required_argument, NULL, 'J'},
        {"profile-templates", no_argument, NULL, 'P'},
        {"no-progress", no_argument, NULL, 'N'},
        {"page-timeout", required_argument, NULL, 'T'}, {"force", no_argument, NULL, 'f'},
        {"fsync", no_argument, NULL, 'Y'}, {"no-cache", no_argument, NULL, 'C'},
        {"cache-dir", required_argument, NULL, 'c'}, {"precompress", no_argument, NULL, 'Z'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    if (b)
        b->page_timeout = DEFAULT_PAGE_TIMEOUT;
    while ((c = getopt_long(argc, argv, b ? "+DFqvhj:o:k" : "+DFqvh", longs, NULL)) != -1) {
        if (!b && (c == 'j' || c == 'o' || c == 'k' || c == 'J' || c == 'P' || c == 'N' ||
                   c == 'T' || c == 'f' || c == 'Y' || c == 'C' || c == 'Z'))
            c = '?'; /* build-only option */
        switch (c) {
        case 'c': o->cache_dir = optarg; break;
        case 'D': o->drafts = true; break;
        case 'F': o->future = true; break;
        case 'S': o->strict = bf_ctx.strict = true; break;
        case 'q': bf_ctx.log_level = BF_LOG_ERROR; break;
        case 'v': bf_ctx.log_level = BF_LOG_DEBUG; break;
        case 'h': show_help(usage); return 1;
        case 'o': b->output = optarg; break;
        case 'k': b->keep_going = true; break;
        case 'J': b->stats_json = optarg; break;
        case 'P': b->profile_templates = true; break;
        case 'N': b->no_progress = true; break;
        case 'f': b->force = true; break;
        case 'Y': b->fsync = true; break;
        case 'C': b->no_cache = true; break;
        case 'Z': b->precompress = true; break;
        case 'T': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (!*optarg || *end || v > 86400) {
                fprintf(stderr, "bengal-farm: error: --page-timeout wants seconds from 0 "
                                "to 86400, not \"%s\"\n", optarg);
                return -1;
            }
            b->page_timeout = (unsigned)v;
            break;
        }
        case 'j': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || v == 0 || v > 1024) {
                fprintf(stderr, "bengal-farm: error: -j wants a number of workers "
                                "from 1 to 1024, not \"%s\"\n", optarg);
                return -1;
            }
            b->jobs = (unsigned)v;
            break;
        }
        default: usage_error(usage); return -1;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "bengal-farm: error: one SITE directory expected, got %d\n",
                argc - optind);
        usage_error(usage);
        return -1;
    }
    o->site_dir = optind < argc ? argv[optind] : ".";
    return 0;
}

/*
 * The state directory: --cache-dir or BENGAL_CACHE_DIR, anywhere (the
 * user's choice, made when missing); else build.cache_dir (.bengal)
 * inside the site, each component made when missing and refused when it
 * is a symlink or not a directory (a site must not send the snapshot and
 * lock elsewhere).  s->state_disp names it in messages.  Returns its
 * descriptor, or -1 logged.
 */
static int open_state_dir(bf_site_t *s)
{
    const char *given = s->opts.cache_dir;
    if (!given || !*given)
        given = getenv("BENGAL_CACHE_DIR");
    if (given && *given) {
        s->state_disp = given;
        if (bf_fs_mkdir_p(given, 0777) < 0) {
            bf_log_at(BF_LOG_ERROR, given, 0, 0, "cannot create the state directory: %s",
                      strerror(errno));
            return -1;
        }
        int fd = open(given, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            bf_log_at(BF_LOG_ERROR, given, 0, 0, "cannot open the state directory: %s",
                      strerror(errno));
        return fd;
    }
    const char *rel = s->config.cache_dir;
    s->state_disp = bf_site_disp(s, rel);
    int cur = dup(s->root_fd);
    char comp[BF_PATH_MAX];
    for (const char *p = rel; cur >= 0 && *p;) {
        size_t n = strcspn(p, "/");
        snprintf(comp, sizeof comp, "%.*s", (int)n, p);
        p += n;
        p += *p == '/';
        if (mkdirat(cur, comp, 0777) < 0 && errno != EEXIST) {
            bf_log_at(BF_LOG_ERROR, s->state_disp, 0, 0, "cannot create directory: %s%s",
                      strerror(errno), errno == EROFS ? " (a read-only site: give the state "
                      "directory elsewhere with --cache-dir or BENGAL_CACHE_DIR)" : "");
            close(cur);
            return -1;
        }
        int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const char *at = bf_site_disp(s, bf_arena_strndup(s->arena, rel, (size_t)(p - rel) -
                                                           (p[-1] == '/')));
        if (next < 0 && (errno == ELOOP || errno == ENOTDIR))
            bf_log_at(BF_LOG_ERROR, at, 0, 0, "is a symlink or not a directory; bengal-farm "
                      "keeps its state there: remove it");
        else if (next < 0)
            bf_log_at(BF_LOG_ERROR, at, 0, 0, "cannot open: %s", strerror(errno));
        close(cur);
        cur = next;
    }
    return cur;
}

/* SITE/.bengal/lock, locked (flock) for as long as *fd stays open: two
 * builds of one site would share the snapshot.  Opened with O_NOFOLLOW:
 * a symlink there is refused, never written through.  The holder's pid
 * is in the file, for the message.  0, or -1 logged. */
static int lock_site(bf_site_t *s, int state, int *fd)
{
    const char *path = bf_arena_sprintf(s->arena, "%s/lock", s->state_disp);
    char pid[32] = "";
    *fd = openat(state, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (*fd < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot open: %s%s", strerror(errno),
                  errno == ELOOP ? " (a symlink: remove it)" : "");
        return -1;
    }
    if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
        ssize_t n = read(*fd, pid, sizeof pid - 1);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        bf_log_error("another bengal-farm (pid %s) is building %s; wait for it or stop it",
                     *pid ? pid : "?", s->opts.site_dir);
        close(*fd);
        *fd = -1;
        return -1;
    }
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(*fd, 0) < 0 || pwrite(*fd, pid, (size_t)n, 0) != n) { /* a hint only */ }
    return 0;
}

/* Under the lock: what a build that was killed while writing the
 * snapshot left ("snapshot.bfs.new", its temporaries) goes. */
static void clean_state(int state)
{
    int fd = dup(state);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "snapshot.bfs.new", 16) == 0)
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

/* Discovery's result frozen into SITE/.bengal/snapshot.bfs and mapped,
 * under the site's lock, which *lock keeps (the caller closes it when the
 * build is over; -1 when not taken).  It is written beside the old one
 * and validated before it replaces it: a snapshot that fails its own
 * check is never published.  0, or -1 logged. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The render pack after a build, failed or not (what the workers added is
 * right whatever happened next): it keeps the entries of the pages that
 * still have a source file (shared/pack.h). */
static void commit_pack(bf_pack_t *pack, const bf_snap_t *snap)
{
    uint32_t n = bf_snap_count(snap, BF_SNAP_T_PAGES), k = 0;
    uint64_t *live = malloc((n ? n : 1) * sizeof *live);
    if (!live)
        return; /* the pack stays as it was */
    for (uint32_t i = 0; i < n; i++) {
        const bf_snap_page_t *p = bf_snap_page(snap, i);
        if (p->source.len)
            live[k++] = bf_hash64(bf_snap_str(snap, p->source), p->source.len);
    }
    qsort(live, k, sizeof *live, cmp_u64);
    size_t u = 0;
    for (uint32_t i = 0; i < k; i++)
        if (!u || live[u - 1] != live[i])
            live[u++] = live[i];
    bf_pack_commit(pack, live, u);
    free(live);
}

/* The state directory, opened and locked (*state, *lock: -1 when not);
 * what a killed build left there goes.  0, or -1 logged. */
static int take_state(bf_site_t *s, int *state, int *lock)
{
    *lock = -1;
    if ((*state = open_state_dir(s)) < 0)
        return -1;
    if (lock_site(s, *state, lock) < 0) {
        close(*state);
        *state = -1;
        return -1;
    }
    clean_state(*state);
    return 0;
}

static int write_snapshot(bf_site_t *s, int state, bf_snap_t **snap, size_t *bytes)
{
    const char *path = bf_arena_sprintf(s->arena, "%s/snapshot.bfs", s->state_disp);
    const char *tmp = bf_arena_sprintf(s->arena, "%s/snapshot.bfs.new", s->state_disp);
    int rc = -1;
    *snap = NULL;
    int frozen = bf_freeze_site_at(s, state, "snapshot.bfs.new", tmp, bytes);
    /* The tables (and every page's body) are in the file now: give their
     * memory back before the farm forks, rather than hold a copy of the
     * site's text in the coordinator for the whole build. */
    bf_snapw_free(s->snapw);
    s->snapw = NULL;
    if (frozen < 0)
        goto out;
    if (bf_snap_open(tmp, snap) < 0) {
        bf_log_error("internal error: the snapshot just written fails validation");
        unlinkat(state, "snapshot.bfs.new", 0);
        goto out;
    }
    struct stat st;
    if (fstatat(state, "snapshot.bfs", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
        bf_log_at(BF_LOG_WARN, path, 0, 0, "is not a regular file: replaced");
        bf_fs_remove_at(state, "snapshot.bfs");
    }
    if (renameat(state, "snapshot.bfs.new", state, "snapshot.bfs") < 0) {
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot rename: %s", strerror(errno));
        unlinkat(state, "snapshot.bfs.new", 0);
        bf_snap_close(*snap);
        *snap = NULL;
        goto out;
    }
    rc = 0;
out:
    return rc;
}

static int cmd_snapshot_build(int argc, char **argv)
{
    bf_site_opts_t o = {0};
    int rc = parse_site_opts(argc, argv, usage_snapshot_build, &o, NULL);
    if (rc)
        return rc > 0 ? BF_EXIT_OK : BF_EXIT_USAGE;
    if (build_time(&o.now) < 0)
        return BF_EXIT_USAGE;
    double t0 = bf_clock_seconds();
    bf_site_t *s;
    if (bf_site_load(&o, &s) < 0)
        return BF_EXIT_CONTENT;
    size_t bytes = 0;
    bf_snap_t *snap = NULL;
    int lock = -1, state = -1;
    rc = BF_EXIT_INTERNAL;
    if (take_state(s, &state, &lock) < 0 || write_snapshot(s, state, &snap, &bytes) < 0)
        goto done;
    char size[32];
    human_size(bytes, size, sizeof size);
    if (bf_ctx.log_level < BF_LOG_ERROR)
        printf("snapshot: %u pages, %u sections, %u terms, %u waves -> %s (%s) in %.2f s\n",
               bf_snap_count(snap, BF_SNAP_T_PAGES), bf_snap_count(snap, BF_SNAP_T_SECTIONS),
               bf_snap_count(snap, BF_SNAP_T_TERMS), bf_snap_count(snap, BF_SNAP_T_WAVES),
               bf_arena_sprintf(s->arena, "%s/snapshot.bfs", s->state_disp), size,
               bf_clock_seconds() - t0);
    rc = BF_EXIT_OK;
done:
    if (snap)
        bf_snap_close(snap);
    if (lock >= 0)
        close(lock);
    if (state >= 0)
        close(state);
    bf_site_free(s);
    return rc;
}

static int cmd_snapshot_dump(int argc, char **argv)
{
    static const struct option longs[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, json = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", longs, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else if (c == 'h')
            return show_help(usage_snapshot_dump);
        else
            return usage_error(usage_snapshot_dump);
    }
    if (argc - optind != 1) {
        fprintf(stderr, "bengal-farm: error: snapshot dump needs exactly one FILE\n");
        return usage_error(usage_snapshot_dump);
    }
    bf_snap_t *snap;
    if (bf_snap_open(argv[optind], &snap) < 0)
        return BF_EXIT_CONTENT;
    int rc = json ? bf_snap_dump_json(snap, stdout) : bf_snap_dump_text(snap, stdout);
    if (fflush(stdout) != 0)
        rc = -1;
    bf_snap_close(snap);
    if (rc < 0) {
        bf_log_error("cannot write the dump: %s", strerror(errno));
        return BF_EXIT_INTERNAL;
    }
    return BF_EXIT_OK;
}

/* A command with no options but --help. */
static int only_help(int argc, char **argv, const char *usage)
{
    static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", longs, NULL)) != -1)
        return c == 'h' ? 1 : -1;
    return optind < argc ? -1 : 0;
}

static int cmd_snapshot(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "build") == 0)
        return cmd_snapshot_build(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "dump") == 0)
        return cmd_snapshot_dump(argc - 1, argv + 1);
    int rc = only_help(argc, argv, usage_snapshot);
    if (rc > 0)
        return show_help(usage_snapshot);
    if (argc >= 2 && argv[1][0] != '-')
        fprintf(stderr, "bengal-farm: error: unknown snapshot command \"%s\"\n", argv[1]);
    return usage_error(usage_snapshot);
}

/* Opens --stats-json's file before the build, so that a path that cannot
 * be written fails the build before anything is published (exit 2). */
static FILE *open_stats(const char *path)
{
    FILE *f = fopen(path, "a"); /* emptied when written: a failed build keeps the old */
    if (!f)
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot write the statistics: %s", strerror(errno));
    return f;
}

static int write_stats(FILE *f, const bf_farm_report_t *r, unsigned jobs,
                       const double phase[5], double total)
{
    if (ftruncate(fileno(f), 0) < 0) {
        fclose(f);
        return -1;
    }
    fprintf(f, "{\n  \"pages\": %u,\n  \"seconds\": %.6f,\n  \"pages_per_second\": %.1f,\n",
            r->pages, total, total > 0 ? r->pages / total : 0.0);
    fprintf(f, "  \"jobs\": %u,\n  \"warnings\": %u,\n  \"skipped\": %u,\n"
               "  \"respawns\": %u,\n",
            jobs, r->warnings, r->skipped, r->respawns);
    fprintf(f, "  \"phases\": {\"discover\": %.6f, \"snapshot\": %.6f, \"compile\": %.6f, "
               "\"render\": %.6f, \"publish\": %.6f},\n",
            phase[0], phase[1], phase[2], phase[3], phase[4]);
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    fprintf(f, "  \"peak_rss_kb\": {\"coordinator\": %ld, \"writer\": %llu, \"worker\": %llu},\n",
            self.ru_maxrss, (unsigned long long)r->writer_rss_kb,
            (unsigned long long)r->worker_rss_kb);
    fprintf(f, "  \"pages_rendered\": %u,\n  \"pages_reused\": %u,\n"
               "  \"markdown_from_cache\": %u,\n",
            r->pages - r->pages_reused, r->pages_reused, r->md_from_pack);
    fprintf(f, "  \"content_files\": {\"parsed\": %llu, \"as_last_time\": %llu},\n",
            (unsigned long long)r->files_parsed, (unsigned long long)r->files_unparsed);
    fprintf(f, "  \"outputs\": {\"written\": %llu, \"linked\": %llu, \"kept\": %llu, "
               "\"removed\": %llu, \"bytes_written\": %llu},\n",
            (unsigned long long)r->files_written, (unsigned long long)r->files_linked,
            (unsigned long long)r->files_kept, (unsigned long long)r->files_removed,
            (unsigned long long)r->bytes_written);
    fprintf(f, "  \"ring_full_waits\": %llu,\n  \"ring_empty_waits\": %llu,\n  \"workers\": [",
            (unsigned long long)r->full_waits, (unsigned long long)r->empty_waits);
    for (unsigned i = 0; i < jobs && i < 256; i++)
        fprintf(f, "%s\n    {\"pages\": %llu, \"busy_seconds\": %.6f, \"busy_fraction\": %.4f}",
                i ? "," : "", (unsigned long long)r->slot_pages[i], r->busy_ns[i] / 1e9,
                phase[3] > 0 ? r->busy_ns[i] / 1e9 / phase[3] : 0.0);
    fprintf(f, "\n  ]\n}\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* Bytes per ring: 4 MiB, less under a cgroup memory limit so that all the
 * rings together stay within an eighth of it (at least 64 KiB each). */
static size_t ring_capacity(unsigned jobs)
{
    uint64_t limit = bf_jobs_memory_limit(NULL);
    size_t cap = 4u << 20;
    if (limit && limit / 8 / jobs < cap)
        cap = limit / 8 / jobs > (64u << 10) ? (size_t)(limit / 8 / jobs) : 64u << 10;
    return cap;
}

/*
 * The template environment of a build, compiled before any fork so that
 * workers share it read-only: SITE/templates/ when it exists, then the
 * theme embedded in the binary.  Every error is reported (name:line:col,
 * with the source line) before -1 comes back; *env is then freed.
 */
static int compile_templates(bf_site_t *s, const bf_snap_t *snap, bf_tmpl_env_t **env)
{
    *env = bf_tmpl_env_new(NULL);
    if (!*env) {
        bf_log_error("out of memory");
        goto fail;
    }
    if (bf_tmpl_env_add_dir_at(*env, s->root_fd, "templates", bf_site_disp(s, "templates")) < 0)
        goto fail;
    if (bf_tmpl_env_add_embedded(*env, bf_tmpl_default_theme) < 0 ||
        bf_tmpl_env_set_baseurl(*env, bf_snap_str(snap, bf_snap_site(snap)->baseurl)) < 0)
        goto fail;
    if (bf_tmpl_env_compile_all(*env) < 0 || bf_arena_failures(bf_tmpl_env_arena(*env))) {
        if (bf_arena_failures(bf_tmpl_env_arena(*env))) {
            bf_log_error("out of memory compiling the templates; nothing was built, the "
                         "previous output is left as it was");
            goto fail;
        }
        size_t errs = bf_tmpl_env_errors(*env);
        bf_log_error("%zu template error%s; nothing was built, the previous output is left "
                     "as it was", errs, errs == 1 ? "" : "s");
        goto fail;
    }
    bf_log_debug("%zu templates compiled", bf_tmpl_env_count(*env));
    return 0;
fail:
    bf_tmpl_env_free(*env);
    *env = NULL;
    return -1;
}

static void on_stop(int sig)
{
    bf_ctx.stop_signal = sig;
}

/*
 * SIGINT/SIGTERM before the farm runs (discovery, snapshot, templates):
 * the handler only notes the signal, and the build stops at the next
 * phase with the usual message and 130/143 (nothing is published before
 * the farm).  SA_RESETHAND: a second one stops the process at once.  The
 * farm installs its own handler for its part (coordinator/farm.c).
 */
static void catch_front_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* 128 + the signal when one came (reported), else 0. */
static int interrupted(void)
{
    int sig = bf_ctx.stop_signal;
    if (!sig)
        return 0;
    bf_log_error("interrupted by signal %d; the previous output is left as it was", sig);
    return 128 + sig;
}

/* Would a build from these inputs make the tree OUT holds (inputs.h)? */
static bool unchanged(const bf_inputs_t *last, const bf_inputs_scan_t *scan, bf_digest_t options,
                      const bf_output_t *out, int64_t now)
{
    bf_tree_id_t id;
    return bf_digest_eq(last->files, scan->files) && bf_digest_eq(last->options, options) &&
           now >= last->built_at && now < last->valid_until && out->has_published &&
           bf_tree_id(AT_FDCWD, out->path, &id) == 0 && bf_tree_id_eq(&id, &last->published);
}

/* The fast path's report: the summary line, and the statistics. */
static int nothing_changed(const bf_inputs_t *last, const bf_output_t *out, FILE *stats,
                           double t0, unsigned jobs)
{
    double total = bf_clock_seconds() - t0;
    if (bf_ctx.log_level < BF_LOG_ERROR)
        printf("nothing changed since the last build: %u pages, in %.2f s -> %s\n", last->pages,
               total, out->path);
    if (!stats)
        return BF_EXIT_OK;
    bf_farm_report_t rep = {.pages = last->pages, .pages_reused = last->pages};
    double phase[5] = {0};
    if (write_stats(stats, &rep, jobs, phase, total) < 0) {
        bf_log_error("cannot write the statistics: %s", strerror(errno));
        return BF_EXIT_INTERNAL;
    }
    return BF_EXIT_OK;
}

/* `build`, or `check` (check: render everything, write no output). */
static int cmd_build(int argc, char **argv, const bf_farm_roles_t *roles, bool check)
{
    bf_site_opts_t o = {0};
    build_opts_t b = {0};
    int rc = parse_site_opts(argc, argv, check ? usage_check : usage_build, &o, &b);
    if (rc)
        return rc > 0 ? BF_EXIT_OK : BF_EXIT_USAGE;
    prctl(PR_SET_NAME, "bf-coord"); /* as ps and top show it, beside its children */
    if (build_time(&o.now) < 0)
        return BF_EXIT_USAGE;
    if (!b.jobs) {
        bf_jobs_t j;
        if (bf_jobs_default(NULL, &j) < 0)
            return BF_EXIT_USAGE;
        b.jobs = j.jobs;
        bf_log_debug("%u workers: %s", j.jobs, j.why);
    }
    bf_fault_t fault;
    if (bf_farm_parse_fault(getenv("BENGAL_FAULT"), &fault) < 0) {
        bf_log_error("BENGAL_FAULT=\"%s\" is not a fault this build knows", getenv("BENGAL_FAULT"));
        return BF_EXIT_USAGE;
    }
    FILE *stats = NULL;
    if (b.stats_json && !(stats = open_stats(b.stats_json)))
        return BF_EXIT_USAGE;
    catch_front_signals();
    double t0 = bf_clock_seconds(), phase[5] = {0};
    bf_site_t *s;
    if (bf_site_open(&o, &s) < 0) {
        if (stats)
            fclose(stats);
        return BF_EXIT_CONTENT;
    }
    bf_snap_t *snap = NULL;
    bf_tmpl_env_t *env = NULL;
    bf_tmpl_profile_t *prof = NULL;
    bf_output_t out;
    bf_pagecache_t pc = {0};
    bf_pack_t *pack = NULL;
    bf_srccache_t srcs = {0};
    uint64_t rep_files[2] = {0, 0}; /* content files parsed, as last time */
    bool refused;
    size_t bytes;
    int lock = -1, state = -1;
    out.lock_fd = -1;
    out.arena = NULL;
    rc = BF_EXIT_INTERNAL;
    if (take_state(s, &state, &lock) < 0)
        goto done;
    /* The output is checked (and locked) before anything is written: a
     * directory that is not ours is refused with the previous output, and
     * everything else, as it was. */
    rc = BF_EXIT_USAGE;
    if (bf_output_prepare(&out, o.site_dir,
                          b.output ? b.output : bf_site_disp(s, s->config.output_dir),
                          b.output ? NULL : s->config.output_dir,
                          s->config.file ? s->config.file : bf_site_disp(s, "bengal.yaml"),
                          b.force, check, state, b.no_cache, &refused) < 0) {
        rc = refused ? BF_EXIT_USAGE : BF_EXIT_INTERNAL;
        goto done;
    }
    if ((rc = interrupted()))
        goto done;
    bf_inputs_scan_t scan = {0};
    bf_inputs_t last = {0};
    bf_digest_t options = {0, 0};
    uint64_t self = check ? 0 : bf_inputs_self();
    unsigned zstd_level = b.precompress || s->config.precompress ? s->config.precompress_level : 0;
    if (!check) {
        bf_inputs_scan(s->root_fd, s->config.katex_dir, &scan);
        options = bf_inputs_options(self, o.drafts, o.future, o.strict, zstd_level, out.path);
        if (!b.no_cache && fault.kind == BF_FAULT_NONE && bf_inputs_load(state, &last) == 1 &&
            unchanged(&last, &scan, options, &out, o.now)) {
            rc = nothing_changed(&last, &out, stats, t0, b.jobs);
            stats = NULL;
            goto done;
        }
        bf_inputs_forget(state); /* until this build has published */
    }
    rc = BF_EXIT_CONTENT;
    if (bf_srccache_load(&srcs, state, s->state_disp, b.no_cache) < 0) {
        bf_log_error("out of memory while reading the site");
        goto done;
    }
    s->srcs = &srcs;
    int read = bf_site_read(s);
    bf_srccache_save(&srcs, state); /* what was parsed is right, errors or not */
    rep_files[0] = srcs.parsed;
    rep_files[1] = srcs.reused;
    bf_srccache_free(&srcs);
    s->srcs = NULL;
    if (read < 0)
        goto done;
    phase[0] = bf_clock_seconds() - t0;
    if ((rc = interrupted()))
        goto done;
    rc = BF_EXIT_INTERNAL;
    if (write_snapshot(s, state, &snap, &bytes) < 0)
        goto done;
    if ((rc = interrupted()))
        goto done;
    phase[1] = bf_clock_seconds() - t0 - phase[0];
    if (fault.page[0] &&
        (fault.arg = bf_snap_find_path(snap, fault.page, strlen(fault.page))) == BF_SNAP_NONE) {
        bf_log_error("BENGAL_FAULT names no page \"%s\"", fault.page);
        rc = BF_EXIT_USAGE;
        goto done;
    }
    /* a fault names a page to crash on: that page must render */
    if (!check && bf_pagecache_plan(&pc, s, snap, state, &out,
                                    b.no_cache || fault.kind != BF_FAULT_NONE, self,
                                    zstd_level) < 0)
        goto done;
    if (!check)
        pack = bf_pack_open(state, "render", bf_arena_sprintf(s->arena, "%s/render",
                                                               s->state_disp),
                            b.no_cache);
    double tc = bf_clock_seconds();
    if (compile_templates(s, snap, &env) < 0) {
        rc = BF_EXIT_CONTENT;
        goto done;
    }
    phase[2] = bf_clock_seconds() - tc;
    if ((rc = interrupted()))
        goto done;
    rc = BF_EXIT_INTERNAL;
    if (b.profile_templates && !(prof = bf_tmpl_profile_new())) {
        bf_log_error("out of memory");
        goto done;
    }
    bf_farm_opts_t fo = {
        .snap = snap, .site_dir = o.site_dir, .root_fd = s->root_fd,
        .output = check ? NULL : &out, .jobs = b.jobs,
        .ring_capacity = ring_capacity(b.jobs), .keep_going = b.keep_going, .fault = fault,
        .page_timeout = b.page_timeout, .fsync = b.fsync || s->config.fsync,
        .progress = !b.no_progress && bf_ctx.log_level < BF_LOG_ERROR && isatty(2),
        .tmpl_env = env, .profile = prof, .dry_run = check,
        .katex = s->has_katex ? &s->katex : NULL,
        .pages = check ? NULL : &pc,
        .precompress = zstd_level,
        .pack = pack, .self = self,
    };
    bf_farm_report_t rep;
    rc = bf_farm_run(&fo, roles, &rep);
    rep.files_parsed = rep_files[0];
    rep.files_unparsed = rep_files[1];
    if (pack)
        commit_pack(pack, snap);
    if (rep.math_pages && !s->has_katex && s->config.katex_dir && *s->config.katex_dir) {
        bf_log_warn("pages have math, but KaTeX is not in \"%s\": their TeX shows as text "
                    "(apt-get install libjs-katex, or set math.katex_dir)",
                    s->config.katex_dir);
        rep.warnings++;
    }
    if (prof) {
        fprintf(stderr, "template profile (%u workers):\n", b.jobs);
        bf_tmpl_profile_print(prof, stderr, 10);
    }
    if (!check && rc == 0 && rep.warnings == 0 && !rep.build_time_read &&
        scan.newest_ns < scan.scanned_ns - 2000000000LL) {
        /* published cleanly from inputs that were not racy: the next
         * build with the same scan has nothing to do */
        bf_inputs_t now = {0};
        now.files = scan.files;
        now.options = options;
        now.built_at = o.now;
        now.valid_until = s->next_change;
        now.pages = rep.pages;
        if (bf_tree_id(AT_FDCWD, out.path, &now.published) == 0)
            bf_inputs_save(state, &now);
    }
    phase[3] = rep.render_seconds;
    phase[4] = rep.publish_seconds;
    double total = bf_clock_seconds() - t0;
    if (stats) {
        if (write_stats(stats, &rep, b.jobs, phase, total) < 0) {
            bf_log_at(BF_LOG_ERROR, b.stats_json, 0, 0, "cannot write the statistics: %s",
                      strerror(errno));
            if (rc == 0)
                rc = BF_EXIT_INTERNAL;
        }
        stats = NULL;
    }
    if (check && rc == 0 && bf_ctx.log_level < BF_LOG_ERROR)
        printf("checked %u pages: %u warning%s, no errors\n", rep.pages, rep.warnings,
               rep.warnings == 1 ? "" : "s");
    else if ((rc == 0 || (rc == BF_EXIT_CONTENT && rep.skipped)) &&
             bf_ctx.log_level < BF_LOG_ERROR) {
        char warned[32] = "";
        if (rep.warnings)
            snprintf(warned, sizeof warned, ", %u warning%s", rep.warnings,
                     rep.warnings == 1 ? "" : "s");
        char reuse[160] = "";
        if (rep.pages_reused || rep.files_kept || rep.files_linked || rep.files_removed)
            snprintf(reuse, sizeof reuse, "; %u rendered, %u reused; files: %llu written, "
                     "%llu kept, %llu linked, %llu removed", rep.pages - rep.pages_reused,
                     rep.pages_reused, (unsigned long long)rep.files_written,
                     (unsigned long long)rep.files_kept, (unsigned long long)rep.files_linked,
                     (unsigned long long)rep.files_removed);
        printf("built %u pages in %.2f s (%.0f pages/s, %u workers%s)%s%s -> %s\n", rep.pages,
               total, total > 0 ? rep.pages / total : 0.0, b.jobs, reuse, warned,
               rc == 0 ? "" : ", with pages skipped", out.path);
    }
done:
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (stats)
        fclose(stats);
    bf_output_release(&out);
    bf_pagecache_free(&pc);
    bf_pack_close(pack);
    bf_srccache_free(&srcs);
    bf_tmpl_profile_free(prof);
    bf_tmpl_env_free(env);
    if (snap)
        bf_snap_close(snap);
    if (lock >= 0)
        close(lock); /* the children, which share it, have ended */
    if (state >= 0)
        close(state);
    bf_site_free(s);
    return rc;
}

static int cmd_version(int argc, char **argv)
{
    int rc = only_help(argc, argv, usage_version);
    if (rc > 0)
        return show_help(usage_version);
    if (rc < 0)
        return usage_error(usage_version);
    printf("bengal-farm %s\n", BF_VERSION);
    return BF_EXIT_OK;
}

/* `clean`: the output (ours only), its standby and lock, the state
 * directory; each under its lock, so a build running now is not cut
 * short. */
static int cmd_clean(int argc, char **argv)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'}, {"cache-dir", required_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bf_site_opts_t o = {0};
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+o:qh", longs, NULL)) != -1) {
        if (c == 'o')
            output = optarg;
        else if (c == 'c')
            o.cache_dir = optarg;
        else if (c == 'q')
            bf_ctx.log_level = BF_LOG_ERROR;
        else if (c == 'h')
            return show_help(usage_clean);
        else
            return usage_error(usage_clean);
    }
    if (argc - optind > 1) {
        fprintf(stderr, "bengal-farm: error: one SITE directory expected, got %d\n",
                argc - optind);
        return usage_error(usage_clean);
    }
    o.site_dir = optind < argc ? argv[optind] : ".";
    bf_site_t *s;
    if (bf_site_open(&o, &s) < 0)
        return BF_EXIT_CONTENT;
    int state = -1, lock = -1, rc = BF_EXIT_INTERNAL;
    bf_output_t out = {.lock_fd = -1};
    bool refused = false, had_state = false;
    /* a state directory that is not there is not made (to be removed) */
    const char *given = o.cache_dir ? o.cache_dir : getenv("BENGAL_CACHE_DIR");
    struct stat st;
    had_state = given && *given ? stat(given, &st) == 0
                                : fstatat(s->root_fd, s->config.cache_dir, &st, 0) == 0;
    if (had_state && take_state(s, &state, &lock) < 0)
        goto done;
    rc = BF_EXIT_USAGE;
    if (bf_output_prepare(&out, o.site_dir, output ? output : bf_site_disp(s, s->config.output_dir),
                          output ? NULL : s->config.output_dir,
                          s->config.file ? s->config.file : bf_site_disp(s, "bengal.yaml"),
                          false, false, state, true, &refused) < 0) {
        rc = refused ? BF_EXIT_USAGE : BF_EXIT_INTERNAL;
        goto done;
    }
    rc = BF_EXIT_INTERNAL;
    /* prepare removed the standby (fresh); the output is ours (checked) */
    bool had_output = lstat(out.path, &st) == 0;
    if (bf_output_remove(out.path, NULL, NULL) < 0) {
        bf_log_at(BF_LOG_ERROR, out.path, 0, 0, "cannot remove: %s", strerror(errno));
        goto done;
    }
    if (had_state && bf_fs_remove_tree(s->state_disp) < 0) {
        bf_log_at(BF_LOG_ERROR, s->state_disp, 0, 0, "cannot remove: %s", strerror(errno));
        goto done;
    }
    if (bf_ctx.log_level < BF_LOG_ERROR && (had_output || had_state))
        printf("removed %s%s%s\n", had_output ? out.path : "",
               had_output && had_state ? " and " : "", had_state ? s->state_disp : "");
    else if (bf_ctx.log_level < BF_LOG_ERROR)
        printf("nothing to remove\n");
    rc = BF_EXIT_OK;
done:
    bf_output_release(&out);
    if (lock >= 0)
        close(lock);
    if (state >= 0)
        close(state);
    bf_site_free(s);
    return rc;
}

/* `new SITE`: the starter site of coordinator/scaffold.c. */
static int cmd_new(int argc, char **argv)
{
    static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    if ((c = getopt_long(argc, argv, "+h", longs, NULL)) != -1)
        return c == 'h' ? show_help(usage_new) : usage_error(usage_new);
    if (argc - optind != 1) {
        fprintf(stderr, "bengal-farm: error: new needs one SITE directory, got %d\n",
                argc - optind);
        return usage_error(usage_new);
    }
    return bf_scaffold_new(argv[optind]) == 0 ? BF_EXIT_OK : BF_EXIT_CONTENT;
}

int bf_cli_main(int argc, char **argv, const bf_farm_roles_t *roles)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    if (argc >= 2) {
        const char *cmd = argv[1];
        if (strcmp(cmd, "snapshot") == 0)
            return cmd_snapshot(argc - 1, argv + 1);
        if (strcmp(cmd, "check") == 0)
            return cmd_build(argc - 1, argv + 1, roles, true);
        if (strcmp(cmd, "build") == 0)
            return cmd_build(argc - 1, argv + 1, roles, false);
        if (strcmp(cmd, "new") == 0)
            return cmd_new(argc - 1, argv + 1);
        if (strcmp(cmd, "clean") == 0)
            return cmd_clean(argc - 1, argv + 1);
        if (strcmp(cmd, "version") == 0)
            return cmd_version(argc - 1, argv + 1);
        if (strcmp(cmd, "--version") == 0 && argc == 2)
            return cmd_version(1, argv + 1);
        if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
            return show_help(usage_main);
    }
    return cmd_build(argc, argv, roles, false);
}
