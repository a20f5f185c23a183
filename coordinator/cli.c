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

#include "coordinator/build.h"
#include "coordinator/farm.h"
#include "coordinator/freeze.h"
#include "coordinator/inputs.h"
#include "coordinator/jobs.h"
#include "coordinator/load.h"
#include "coordinator/output.h"
#include "coordinator/state.h"
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
    "       bengal-farm markdown [--plain] [--unsafe] [--highlight] [-e EXT]... < FILE.md\n"
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
    "Prints the version of bengal-farm and the languages it highlights, with\n"
    "the tree-sitter grammar (package and version) of each.\n";

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


static void human_size(size_t n, char *out, size_t cap)
{
    if (n < 1024)
        snprintf(out, cap, "%zu B", n);
    else if (n < 1024 * 1024)
        snprintf(out, cap, "%.1f KiB", (double)n / 1024);
    else
        snprintf(out, cap, "%.1f MiB", (double)n / (1024 * 1024));
}


#define DEFAULT_PAGE_TIMEOUT 120

/* Parses the options of build (b != NULL) or snapshot build (b == NULL).
 * 0, 1 for --help (printed), or -1 for a usage error (printed). */
static int parse_site_opts(int argc, char **argv, const char *usage, bf_site_opts_t *o,
                           bf_build_opts_t *b)
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

static int cmd_snapshot_build(int argc, char **argv)
{
    bf_site_opts_t o = {0};
    int rc = parse_site_opts(argc, argv, usage_snapshot_build, &o, NULL);
    if (rc)
        return rc > 0 ? BF_EXIT_OK : BF_EXIT_USAGE;
    if (bf_build_time(&o.now) < 0)
        return BF_EXIT_USAGE;
    double t0 = bf_clock_seconds();
    bf_site_t *s;
    if (bf_site_load(&o, &s) < 0)
        return BF_EXIT_CONTENT;
    size_t bytes = 0;
    bf_snap_t *snap = NULL;
    int lock = -1, state = -1;
    rc = BF_EXIT_INTERNAL;
    if (bf_state_take(s, &state, &lock) < 0 || bf_state_write_snapshot(s, state, &snap, &bytes) < 0)
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

/* `build`, or `check` (check: render everything, write no output). */
static int cmd_build(int argc, char **argv, const bf_farm_roles_t *roles, bool check)
{
    bf_build_opts_t b = {.check = check, .roles = roles};
    bf_build_result_t res;
    int rc = parse_site_opts(argc, argv, check ? usage_check : usage_build, &b.site, &b);
    if (rc)
        return rc > 0 ? BF_EXIT_OK : BF_EXIT_USAGE;
    return bf_build_run(&b, &res);
}

static int cmd_version(int argc, char **argv, const bf_farm_roles_t *roles)
{
    int rc = only_help(argc, argv, usage_version);
    if (rc > 0)
        return show_help(usage_version);
    if (rc < 0)
        return usage_error(usage_version);
    printf("bengal-farm %s\n", BF_VERSION);
    const char *name, *package;
    size_t i = 0;
    for (; roles && roles->language && (name = roles->language(i, &package)); i++)
        printf("%s %-11s %s\n", i ? "             " : "highlighting:", name, package);
    if (i == 0)
        printf("highlighting: no grammar compiled in (built without them: code blocks are "
               "plain)\n");
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
    if (had_state && bf_state_take(s, &state, &lock) < 0)
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
            return cmd_version(argc - 1, argv + 1, roles);
        if (strcmp(cmd, "--version") == 0 && argc == 2)
            return cmd_version(1, argv + 1, roles);
        if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
            return show_help(usage_main);
    }
    return cmd_build(argc, argv, roles, false);
}

