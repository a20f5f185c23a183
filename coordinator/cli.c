/*
 * coordinator/cli.c - commands and options (see cli.h).
 *
 * One table names every command (name, summary, handler); each command's
 * options are a bf_opt_t table (shared/cmdline.h) that both parses its
 * argv and writes its --help.  Options that mean the same thing in two
 * commands are one entry of the same tables below.  Everything a command
 * does beyond parsing lives in its module (build.h, state.h, output.h,
 * scaffold.h, the worker's markdown and template commands).
 */
#include "coordinator/cli.h"
#include "coordinator/jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coordinator/build.h"
#include "coordinator/load.h"
#include "coordinator/output.h"
#include "coordinator/scaffold.h"
#include "coordinator/serve.h"
#include "coordinator/shard.h"
#include "coordinator/state.h"
#include "shared/clock.h"
#include "shared/cmdline.h"
#include "shared/fs.h"
#include "shared/log.h"
#include "snapshot-format/dump.h"
#include "snapshot-format/reader.h"

#define DEFAULT_PAGE_TIMEOUT 120

/* Option ids: the short letter where there is one. */
enum {
    O_CACHE_DIR = 256, O_STRICT, O_STATS_JSON, O_PROFILE, O_NO_PROGRESS, O_PAGE_TIMEOUT,
    O_FORCE, O_FSYNC, O_NO_CACHE, O_PRECOMPRESS, O_JSON, O_BASEURL, O_CONFIG, O_BIND, O_PORT,
    O_NO_DRAFTS, O_SHARD, O_SHARDS,
};

#define OPT_JOBS {'j', "jobs", 'j', "N", "worker processes (default: the CPUs this process may\n" \
                  "use: online CPUs, affinity, cgroup quota; BENGAL_JOBS)"}
#define OPT_OUTPUT {'o', "output", 'o', "DIR", "output directory (default: build.output_dir, " \
                    "public);\nit must be missing, empty or a previous output"}
#define OPT_CACHE_DIR {O_CACHE_DIR, "cache-dir", 0, "DIR", "the state directory: snapshot, " \
                       "caches, manifests\n(BENGAL_CACHE_DIR; default build.cache_dir, .bengal)"}
#define OPT_DRAFTS {'D', "drafts", 'D', NULL, "include pages marked draft: true"}
#define OPT_FUTURE {'F', "future", 'F', NULL, "include pages dated in the future"}
#define OPT_STRICT {O_STRICT, "strict", 0, NULL, "broken cross-references and links are errors"}
#define OPT_ENV {'e', "environment", 'e', "NAME", "merge bengal.NAME.yaml over bengal.yaml " \
                 "(BENGAL_ENV;\ndefault production; serve: development)"}
#define OPT_CONFIG {O_CONFIG, "config", 0, "FILE", "merge FILE over the config (repeatable, " \
                    "in order)"}
#define OPT_BASEURL {O_BASEURL, "baseurl", 0, "URL", "use URL as the site's baseurl"}
#define OPT_TIMEOUT {O_PAGE_TIMEOUT, "page-timeout", 0, "S", "stop a worker that spends over " \
                     "S seconds on one page\n(default 120; 0: never)"}
#define OPT_STATS {O_STATS_JSON, "stats-json", 0, "FILE", "write build statistics as JSON " \
                   "(serve: each\nrebuild's, over the last)"}
#define OPT_QUIET {'q', "quiet", 'q', NULL, "print errors only"}
#define OPT_VERBOSE {'v', "verbose", 'v', NULL, "print more about what happens"}

static const bf_opt_t build_opts[] = {
    OPT_JOBS, OPT_OUTPUT,
    {O_FORCE, "force", 0, NULL, "replace DIR even if bengal-farm did not make it"},
    {O_FSYNC, "fsync", 0, NULL, "sync the new output to disk before publishing it\n"
                                "(build.fsync)"},
    {O_NO_CACHE, "no-cache", 0, NULL, "ignore what earlier builds kept: render every page,\n"
                                      "write every file (the caches are rewritten)"},
    OPT_CACHE_DIR,
    {O_PRECOMPRESS, "precompress", 0, NULL, "FILE.zst beside every HTML, XML, JSON, CSS, JS\n"
                                            "and text output (build.precompress: zstd)"},
    OPT_DRAFTS, OPT_FUTURE, OPT_STRICT, OPT_ENV, OPT_CONFIG, OPT_BASEURL,
    {'k', "keep-going", 'k', NULL, "skip a page that crashes workers; publish the rest"},
    OPT_TIMEOUT,
    {O_SHARD, "shard", 0, "I/N", "render shard I of N of a planned sharded build into\n"
                                 "the --cache-dir's shards/I/ (auto: I from\n"
                                 "SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, N from\n"
                                 "the plan); see `bengal-farm plan`"},
    OPT_STATS,
    {O_NO_PROGRESS, "no-progress", 0, NULL, "no progress line (it shows only on a terminal)"},
    {O_PROFILE, "profile-templates", 0, NULL, "print time per template and block, summed over\n"
                                              "workers"},
    OPT_QUIET, OPT_VERBOSE, {0},
};

static const bf_opt_t serve_opts[] = {
    {O_BIND, "bind", 0, "ADDR", "address to listen on (default 127.0.0.1: this machine\n"
                                "only; 0.0.0.0 for every interface)"},
    {O_PORT, "port", 'p', "PORT", "port (default 1313; 0: any free port, printed)"},
    {O_NO_DRAFTS, "no-drafts", 0, NULL, "leave drafts and future pages out (they are in by\n"
                                        "default, as with hugo server)"},
    OPT_OUTPUT, OPT_JOBS, OPT_CACHE_DIR, OPT_STRICT, OPT_ENV, OPT_CONFIG, OPT_BASEURL,
    OPT_STATS, OPT_QUIET, OPT_VERBOSE, {0},
};

static const bf_opt_t check_opts[] = {
    OPT_JOBS, OPT_CACHE_DIR, OPT_DRAFTS, OPT_FUTURE, OPT_STRICT, OPT_ENV, OPT_CONFIG,
    OPT_BASEURL, OPT_TIMEOUT, OPT_QUIET, OPT_VERBOSE, {0},
};

static const bf_opt_t snapshot_build_opts[] = {
    OPT_CACHE_DIR, OPT_DRAFTS, OPT_FUTURE, OPT_STRICT, OPT_ENV, OPT_CONFIG, OPT_BASEURL,
    OPT_QUIET, OPT_VERBOSE, {0},
};

#define OPT_SHARDS(what) {O_SHARDS, "shards", 0, "N", what}

static const bf_opt_t plan_opts[] = {
    OPT_SHARDS("the number of shards (1 to 4095)"),
    OPT_CACHE_DIR, OPT_DRAFTS, OPT_FUTURE, OPT_STRICT, OPT_ENV, OPT_CONFIG, OPT_BASEURL,
    OPT_QUIET, OPT_VERBOSE, {0},
};

static const bf_opt_t merge_opts[] = {
    OPT_SHARDS("the number of shards (checked against the plan's)"),
    OPT_CACHE_DIR, OPT_JOBS, OPT_OUTPUT,
    {O_FORCE, "force", 0, NULL, "replace DIR even if bengal-farm did not make it"},
    {O_FSYNC, "fsync", 0, NULL, "sync the new output to disk before publishing it\n"
                                "(build.fsync)"},
    OPT_DRAFTS, OPT_FUTURE, OPT_STRICT, OPT_ENV, OPT_CONFIG, OPT_BASEURL,
    {O_PRECOMPRESS, "precompress", 0, NULL, "FILE.zst beside every HTML, XML, JSON, CSS, JS\n"
                                            "and text output (build.precompress: zstd)"},
    OPT_TIMEOUT,
    OPT_STATS,
    {O_NO_PROGRESS, "no-progress", 0, NULL, "no progress line (it shows only on a terminal)"},
    OPT_QUIET, OPT_VERBOSE, {0},
};

static const bf_opt_t clean_opts[] = {OPT_OUTPUT, OPT_CACHE_DIR, OPT_QUIET, {0}};

static const bf_opt_t dump_opts[] = {
    {O_JSON, "json", 0, NULL, "print one JSON object instead of text"}, {0},
};

static const bf_cmd_spec_t build_spec = {
    "build", "[build] [options] [SITE]",
    "Builds the site in SITE (default: the current directory) with a farm of\n"
    "worker processes into its output directory, which is replaced in one\n"
    "atomic swap only when the whole site rendered.",
    build_opts, 0, 1, "SITE directory",
    "SOURCE_DATE_EPOCH, if set, is taken as the current time.",
};

static const bf_cmd_spec_t check_spec = {
    "check", "check [options] [SITE]",
    "Does everything a build does to the site in SITE (default: the current\n"
    "directory): front matter, URLs, templates, every page rendered, cross-\n"
    "references and links checked; and writes no output.  Exit status 1 when\n"
    "there are errors, 0 when there are only warnings (they are printed).",
    check_opts, 0, 1, "SITE directory", NULL,
};

static const bf_cmd_spec_t serve_spec = {
    "serve", "serve [options] [SITE]",
    "Builds the site in SITE (default: the current directory) into a preview\n"
    "output of its own (SITE/.bengal-serve, not the published output), serves it on\n"
    "http://127.0.0.1:1313/, and rebuilds when content/, templates/, static/,\n"
    "data/ or the config change.  Open pages reload after a rebuild; a failed\n"
    "rebuild keeps the last good site served and shows its errors over the\n"
    "page and on the terminal.  Environment development by default.  Ctrl+C\n"
    "stops it.",
    serve_opts, 0, 1, "SITE directory", NULL,
};

static const bf_cmd_spec_t snapshot_build_spec = {
    "snapshot build", "snapshot build [options] [SITE]",
    "Discovers the site in SITE (default: the current directory), checks it and\n"
    "writes the snapshot every build process maps: SITE/.bengal/snapshot.bfs.",
    snapshot_build_opts, 0, 1, "SITE directory",
    "SOURCE_DATE_EPOCH, if set, is taken as the current time (reproducible\nsnapshots).",
};

static const bf_cmd_spec_t snapshot_dump_spec = {
    "snapshot dump", "snapshot dump [--json] FILE",
    "Validates the snapshot FILE and prints its site, pages, sections,\n"
    "taxonomies, terms, menus and waves.",
    dump_opts, 1, 1, "FILE", NULL,
};

static const bf_cmd_spec_t plan_spec = {
    "plan", "plan --shards N --cache-dir SHARED [options] [SITE]",
    "Plans a build of the site in SITE (default: the current directory) by N\n"
    "machines: discovers it and writes its snapshot and the plan (N, the\n"
    "build time, the snapshot's digest) to SHARED/plan/, a directory every\n"
    "machine sees.  Then `bengal-farm build --shard I/N --cache-dir SHARED`\n"
    "on each machine (a Slurm job array, a Kubernetes Indexed Job: --shard\n"
    "auto), then `bengal-farm merge`.  Options that change the site (-D, -F,\n"
    "-e, --config, --baseurl) must be the same in every step.",
    plan_opts, 0, 1, "SITE directory",
    "SOURCE_DATE_EPOCH, if set, is taken as the build time.",
};

static const bf_cmd_spec_t merge_spec = {
    "merge", "merge --cache-dir SHARED [--shards N] [options] [SITE]",
    "Ends a sharded build (see `bengal-farm plan`): checks that every shard\n"
    "finished, for this plan, then builds the site as one machine would,\n"
    "taking the pages the shards rendered from SHARED/shards/ (each file\n"
    "checked against its digest, then hard-linked, or copied across\n"
    "filesystems) and rendering the rest, and publishes the output in one\n"
    "atomic swap.  A missing, unfinished or foreign shard is an error naming\n"
    "it, and nothing is published.",
    merge_opts, 0, 1, "SITE directory", NULL,
};

static const bf_cmd_spec_t clean_spec = {
    "clean", "clean [options] [SITE]",
    "Removes what builds of the site in SITE (default: the current directory)\n"
    "made: the output directory, the previous output kept beside it\n"
    "(OUT.staging) and the state directory (snapshot, caches, manifests).  An\n"
    "output that bengal-farm did not make is refused, as a build refuses it.",
    clean_opts, 0, 1, "SITE directory", NULL,
};

static const bf_cmd_spec_t new_spec = {
    "new", "new SITE",
    "Creates a starter documentation site in SITE, a new or empty directory:\n"
    "bengal.yaml, a home page, a docs section and a guides section.  Build it\n"
    "with: bengal-farm SITE",
    NULL, 1, 1, "SITE directory", NULL,
};

static const bf_cmd_spec_t version_spec = {
    "version", "version",
    "Prints the version of bengal-farm and the languages it highlights, with\n"
    "the tree-sitter grammar (package and version) of each.",
    NULL, 0, 0, "argument", NULL,
};

/* ---- options shared by the site commands ---- */

typedef struct {
    const bf_cmd_spec_t *spec;
    bf_build_opts_t *b;
    const char *configs[BF_SITE_MAX_CONFIGS];
    bf_serve_opts_t *serve;   /* serve only */
    const char *shard;        /* build --shard */
    unsigned shards;          /* plan, merge --shards; 0: not given */
} site_args_t;

static int number(const bf_cmd_spec_t *spec, int id, const char *arg, unsigned long lo,
                  unsigned long hi, const char *what, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (!*arg || *end || errno || v < lo || v > hi || arg[0] == '-')
        return bf_cmd_bad_value(spec, id, arg, what);
    *out = (unsigned)v;
    return 0;
}

static int on_site_opt(int id, const char *arg, void *ctx)
{
    site_args_t *a = ctx;
    bf_build_opts_t *b = a->b;
    bf_site_opts_t *o = &b->site;
    switch (id) {
    case O_CACHE_DIR: o->cache_dir = arg; break;
    case 'D': o->drafts = true; break;
    case 'F': o->future = true; break;
    case O_STRICT: o->strict = bf_ctx.strict = true; break;
    case 'e': o->environment = arg; break;
    case O_BASEURL: o->baseurl = arg; break;
    case O_CONFIG:
        if (o->n_configs == BF_SITE_MAX_CONFIGS) {
            fprintf(stderr, "bengal-farm: error: at most %d --config files\n",
                    BF_SITE_MAX_CONFIGS);
            return -1;
        }
        a->configs[o->n_configs++] = arg;
        o->configs = a->configs;
        break;
    case 'q': bf_ctx.log_level = BF_LOG_ERROR; break;
    case 'v': bf_ctx.log_level = BF_LOG_DEBUG; break;
    case 'o': b->output = arg; break;
    case 'k': b->keep_going = true; break;
    case O_STATS_JSON: b->stats_json = arg; break;
    case O_PROFILE: b->profile_templates = true; break;
    case O_NO_PROGRESS: b->no_progress = true; break;
    case O_FORCE: b->force = true; break;
    case O_FSYNC: b->fsync = true; break;
    case O_NO_CACHE: b->no_cache = true; break;
    case O_PRECOMPRESS: b->precompress = true; break;
    case O_PAGE_TIMEOUT:
        return number(a->spec, id, arg, 0, 86400, "seconds from 0 to 86400", &b->page_timeout);
    case 'j':
        return number(a->spec, id, arg, 1, 1024, "a number of workers from 1 to 1024", &b->jobs);
    case O_BIND: a->serve->bind = arg; break;
    case O_SHARD: a->shard = arg; break;
    case O_SHARDS:
        return number(a->spec, id, arg, 1, BF_SHARD_MAX - 1, "a number of shards from 1 to 4095",
                      &a->shards);
    case O_NO_DRAFTS: o->drafts = o->future = false; break;
    case O_PORT: {
        unsigned port;
        if (number(a->spec, id, arg, 0, 65535, "a port from 0 to 65535", &port) < 0)
            return -1;
        a->serve->port = (uint16_t)port;
        a->serve->port_set = true;
        break;
    }
    }
    return 0;
}

/* Parses a site command's argv into *b (SITE defaults to "."); 0, 1 for
 * --help (printed), -1 for a usage error (printed).  The --config list
 * lives in *a, which must outlive b. */
static int parse_site(const bf_cmd_spec_t *spec, int argc, char **argv, site_args_t *a,
                      bf_build_opts_t *b, const char *default_env)
{
    int n;
    bf_serve_opts_t *serve = a->serve;
    *a = (site_args_t){.spec = spec, .b = b, .serve = serve};
    b->page_timeout = DEFAULT_PAGE_TIMEOUT;
    int rc = bf_cmd_parse(spec, argc, argv, on_site_opt, a, &n);
    if (rc)
        return rc;
    b->site.site_dir = n ? argv[1] : ".";
    if (!b->site.environment) {
        const char *env = getenv("BENGAL_ENV");
        b->site.environment = env && *env ? env : default_env;
    }
    return 0;
}

static int usage_status(int rc)
{
    return rc > 0 ? BF_EXIT_OK : BF_EXIT_USAGE;
}

/* ---- commands ---- */

/* SHARED of a sharded step: --cache-dir or BENGAL_CACHE_DIR, which it
 * needs; NULL after a usage message. */
static const char *shared_dir(const char *cmd, const bf_build_opts_t *b)
{
    const char *d = b->site.cache_dir ? b->site.cache_dir : getenv("BENGAL_CACHE_DIR");
    if (d && *d)
        return d;
    fprintf(stderr, "bengal-farm: error: %s needs --cache-dir SHARED: the directory the plan, "
            "the shards and the merge share\n", cmd);
    return NULL;
}

/* build --shard I/N: the plan's part I, into SHARED/shards/I/. */
static int build_shard(bf_build_opts_t *b, const site_args_t *a)
{
    bf_shard_job_t job = {0};
    uint32_t count;
    const char *why;
    char state[BF_PATH_MAX], out[BF_PATH_MAX];
    if (bf_shard_parse(a->shard, &job.index, &count, &why) < 0) {
        fprintf(stderr, "bengal-farm: error: --shard %s: %s\n", a->shard, why);
        return BF_EXIT_USAGE;
    }
    if (b->output) {
        fprintf(stderr, "bengal-farm: error: --shard writes into SHARED/shards/I/; -o is the "
                "merge's\n");
        return BF_EXIT_USAGE;
    }
    if (!(job.shared = shared_dir("build --shard", b)))
        return BF_EXIT_USAGE;
    if (bf_shard_plan_load(job.shared, &job.plan) < 0)
        return BF_EXIT_USAGE;
    if ((count && count != job.plan.count) || job.index >= job.plan.count) {
        fprintf(stderr, "bengal-farm: error: --shard %s: shard %u of %u, but the plan in %s has "
                "%u shards\n", a->shard, job.index, count ? count : job.plan.count, job.shared,
                job.plan.count);
        return BF_EXIT_USAGE;
    }
    if (bf_shard_path(state, sizeof state, job.shared, job.index, "state") < 0 ||
        bf_shard_path(out, sizeof out, job.shared, job.index, "out") < 0) {
        fprintf(stderr, "bengal-farm: error: %s: path too long\n", job.shared);
        return BF_EXIT_USAGE;
    }
    b->site.cache_dir = state;
    b->output = out;
    b->shard = &job;
    if (bf_shard_forget(job.shared, job.index) < 0)
        return BF_EXIT_INTERNAL;
    bf_build_result_t res;
    int rc = bf_build_run(b, &res);
    if (rc == BF_EXIT_OK && bf_shard_done(job.shared, &job.plan, job.index) < 0)
        rc = BF_EXIT_INTERNAL;
    if (rc == BF_EXIT_OK && bf_ctx.log_level < BF_LOG_ERROR)
        printf("shard %u of %u done -> %s/shards/%u\n", job.index, job.plan.count, job.shared,
               job.index);
    return rc;
}

static int cmd_build_or_check(int argc, char **argv, const bf_cli_roles_t *roles, bool check)
{
    bf_build_opts_t b = {.check = check, .roles = &roles->farm};
    site_args_t a = {0};
    bf_build_result_t res;
    int rc = parse_site(check ? &check_spec : &build_spec, argc, argv, &a, &b, "production");
    if (rc)
        return usage_status(rc);
    if (a.shard)
        return build_shard(&b, &a);
    return bf_build_run(&b, &res);
}

static int cmd_merge(int argc, char **argv, const bf_cli_roles_t *roles)
{
    bf_build_opts_t b = {.roles = &roles->farm};
    site_args_t a = {0};
    bf_shard_job_t job = {.index = BF_SHARD_MERGE};
    char state[BF_PATH_MAX];
    int rc = parse_site(&merge_spec, argc, argv, &a, &b, "production");
    if (rc)
        return usage_status(rc);
    if (!(job.shared = shared_dir("merge", &b)))
        return BF_EXIT_USAGE;
    if (bf_shard_plan_load(job.shared, &job.plan) < 0)
        return BF_EXIT_USAGE;
    if (a.shards && a.shards != job.plan.count) {
        fprintf(stderr, "bengal-farm: error: --shards %u, but the plan in %s has %u shards\n",
                a.shards, job.shared, job.plan.count);
        return BF_EXIT_USAGE;
    }
    if (bf_shard_check_all(job.shared, &job.plan) < 0) {
        bf_log_error("not merged: the previous output is left as it was");
        return BF_EXIT_CONTENT;
    }
    if (bf_shard_path(state, sizeof state, job.shared, BF_SHARD_NONE, "merge") < 0) {
        fprintf(stderr, "bengal-farm: error: %s: path too long\n", job.shared);
        return BF_EXIT_USAGE;
    }
    b.site.cache_dir = state;
    b.shard = &job;
    bf_build_result_t res;
    return bf_build_run(&b, &res);
}

static int cmd_serve(int argc, char **argv, const bf_cli_roles_t *roles)
{
    bf_serve_opts_t s = {.build = {.roles = &roles->farm}};
    site_args_t a = {.serve = &s};
    s.build.site.drafts = s.build.site.future = true;
    int rc = parse_site(&serve_spec, argc, argv, &a, &s.build, "development");
    if (rc)
        return usage_status(rc);
    return bf_serve_run(&s);
}

static int cmd_build(int argc, char **argv, const bf_cli_roles_t *roles)
{
    return cmd_build_or_check(argc, argv, roles, false);
}

static int cmd_check(int argc, char **argv, const bf_cli_roles_t *roles)
{
    return cmd_build_or_check(argc, argv, roles, true);
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

/* Discovery and the snapshot of b's site, in its state directory; with a
 * plan (`plan`), the plan written to its --cache-dir too. */
static int snapshot_site(const bf_build_opts_t *b, const bf_cli_roles_t *roles, const char *shared,
                         bf_shard_plan_t *plan)
{
    int rc;
    bf_site_opts_t o = b->site;
    if (bf_build_time(&o.now) < 0)
        return BF_EXIT_USAGE;
    o.scouts = bf_jobs_scouts(0);
    o.theme = roles->farm.theme;
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
    if (plan) {
        plan->now = o.now;
        plan->snapshot = bf_shard_snapshot_digest(snap);
        if (bf_shard_plan_save(shared, plan) < 0)
            goto done;
        rc = BF_EXIT_OK;
        if (bf_ctx.log_level >= BF_LOG_ERROR)
            goto done;
        uint32_t *owner = bf_shard_pages(snap, plan->count), n = bf_snap_count(snap, BF_SNAP_T_PAGES);
        uint32_t *per = calloc(plan->count + 1, sizeof *per); /* [count]: the merge's */
        uint32_t most = 0, least = UINT32_MAX;
        for (uint32_t id = 0; owner && per && id < n; id++)
            per[owner[id] == BF_SHARD_NONE ? plan->count : owner[id]]++;
        for (uint32_t k = 0; per && k < plan->count; k++) {
            most = per[k] > most ? per[k] : most;
            least = per[k] < least ? per[k] : least;
        }
        uint32_t left = per ? per[plan->count] : 0;
        free(per);
        free(owner);
        printf("plan: %u pages in %u shards (%u to %u pages each; %u list and generated pages "
               "for the merge), snapshot %s in %.2f s -> %s/plan\n", n, plan->count, least, most,
               left, size, bf_clock_seconds() - t0, shared);
        goto done;
    }
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

static int cmd_snapshot_build(int argc, char **argv, const bf_cli_roles_t *roles)
{
    bf_build_opts_t b = {0};
    site_args_t a = {0};
    int rc = parse_site(&snapshot_build_spec, argc, argv, &a, &b, "production");
    if (rc)
        return usage_status(rc);
    return snapshot_site(&b, roles, NULL, NULL);
}

static int cmd_plan(int argc, char **argv, const bf_cli_roles_t *roles)
{
    bf_build_opts_t b = {0};
    site_args_t a = {0};
    char dir[BF_PATH_MAX];
    int rc = parse_site(&plan_spec, argc, argv, &a, &b, "production");
    if (rc)
        return usage_status(rc);
    const char *shared = shared_dir("plan", &b);
    if (!shared)
        return BF_EXIT_USAGE;
    if (!a.shards) {
        fprintf(stderr, "bengal-farm: error: plan needs --shards N\n");
        return BF_EXIT_USAGE;
    }
    if (bf_shard_path(dir, sizeof dir, shared, BF_SHARD_NONE, "plan") < 0) {
        fprintf(stderr, "bengal-farm: error: %s: path too long\n", shared);
        return BF_EXIT_USAGE;
    }
    b.site.cache_dir = dir;
    bf_shard_plan_t plan = {.count = a.shards};
    return snapshot_site(&b, roles, shared, &plan);
}

static int on_json(int id, const char *arg, void *ctx)
{
    (void)id, (void)arg;
    *(int *)ctx = 1;
    return 0;
}

static int cmd_snapshot_dump(int argc, char **argv, const bf_cli_roles_t *roles)
{
    int json = 0, n;
    int rc = bf_cmd_parse(&snapshot_dump_spec, argc, argv, on_json, &json, &n);
    if (rc)
        return usage_status(rc);
    bf_snap_t *snap;
    if (bf_snap_open(argv[1], &snap) < 0)
        return BF_EXIT_CONTENT;
    rc = json ? bf_snap_dump_json(snap, stdout) : bf_snap_dump_text(snap, stdout);
    if (fflush(stdout) != 0)
        rc = -1;
    bf_snap_close(snap);
    if (rc < 0) {
        bf_log_error("cannot write the dump: %s", strerror(errno));
        return BF_EXIT_INTERNAL;
    }
    return BF_EXIT_OK;
}

/* `clean`: the output (ours only), its standby and lock, the state
 * directory; each under its lock, so a build running now is not cut
 * short. */
static int cmd_clean(int argc, char **argv, const bf_cli_roles_t *roles)
{
    bf_build_opts_t b = {0};
    site_args_t a = {0};
    int rc = parse_site(&clean_spec, argc, argv, &a, &b, "production");
    if (rc)
        return usage_status(rc);
    bf_site_opts_t o = b.site;
    const char *output = b.output;
    bf_site_t *s;
    if (bf_site_open(&o, &s) < 0)
        return BF_EXIT_CONTENT;
    int state = -1, lock = -1;
    bf_output_t out = {.lock_fd = -1};
    bool refused = false, had_state = false;
    rc = BF_EXIT_INTERNAL;
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

static int no_opt(int id, const char *arg, void *ctx)
{
    (void)id, (void)arg, (void)ctx;
    return 0;
}

/* `new SITE`: the starter site of coordinator/scaffold.c. */
static int cmd_new(int argc, char **argv, const bf_cli_roles_t *roles)
{
    int n, rc = bf_cmd_parse(&new_spec, argc, argv, no_opt, NULL, &n);
    if (rc)
        return usage_status(rc);
    return bf_scaffold_new(argv[1]) == 0 ? BF_EXIT_OK : BF_EXIT_CONTENT;
}

static int cmd_version(int argc, char **argv, const bf_cli_roles_t *roles)
{
    int n, rc = bf_cmd_parse(&version_spec, argc, argv, no_opt, NULL, &n);
    if (rc)
        return usage_status(rc);
    printf("bengal-farm %s\n", BF_VERSION);
    const char *name, *package;
    size_t i = 0;
    for (; roles->farm.language && (name = roles->farm.language(i, &package)); i++)
        printf("%s %-11s %s\n", i ? "             " : "highlighting:", name, package);
    if (i == 0)
        printf("highlighting: no grammar compiled in (built without them: code blocks are "
               "plain)\n");
    return BF_EXIT_OK;
}

static int cmd_markdown(int argc, char **argv, const bf_cli_roles_t *roles)
{
    return roles->markdown(argc, argv);
}

static int cmd_template(int argc, char **argv, const bf_cli_roles_t *roles)
{
    return roles->template(argc, argv);
}

static int cmd_snapshot(int argc, char **argv, const bf_cli_roles_t *roles);
static int cmd_help(int argc, char **argv, const bf_cli_roles_t *roles);

typedef struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv, const bf_cli_roles_t *roles);
} command_t;

static const command_t commands[] = {
    {"build", "build the site in SITE (default: the current directory)", cmd_build},
    {"check", "everything a build checks, without writing output", cmd_check},
    {"serve", "build, serve on http://127.0.0.1:1313/ and rebuild on changes", cmd_serve},
    {"new", "create a starter documentation site in SITE", cmd_new},
    {"clean", "remove the output and the state directory", cmd_clean},
    {"snapshot", "write (build) or print (dump) the snapshot of a site", cmd_snapshot},
    {"plan", "plan a build by N machines (then build --shard, merge)", cmd_plan},
    {"merge", "merge the shards of a planned build and publish it", cmd_merge},
    {"markdown", "render markdown from stdin to HTML, as a build does", cmd_markdown},
    {"template", "render, check or list templates (theme development)", cmd_template},
    {"version", "print the version", cmd_version},
    {"help", "show this help, or a command's (help COMMAND)", cmd_help},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command_t snapshot_commands[] = {
    {"build", "discover SITE and write its snapshot (STATE/snapshot.bfs)", cmd_snapshot_build},
    {"dump", "print a snapshot file (--json: as JSON)", cmd_snapshot_dump},
};

static void main_help(FILE *to)
{
    fputs("usage: bengal-farm [build] [options] [SITE]\n"
          "       bengal-farm COMMAND [options] [ARGS]\n"
          "\ncommands:\n", to);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(to, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun `bengal-farm COMMAND --help` for a command's options.\n", to);
}

/* The command named word in table[0..n), or NULL after "unknown ...
 * command" and the closest name (exit 2). */
static const command_t *find_command(const command_t *table, size_t n, const char *word,
                                     const char *what)
{
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].name, word) == 0)
            return &table[i];
        names[i] = table[i].name;
    }
    const char *near = bf_cmd_closest(word, names, n);
    fprintf(stderr, "bengal-farm: error: unknown %scommand \"%s\"", what, word);
    if (near)
        fprintf(stderr, " (did you mean \"%s\"?)", near);
    fprintf(stderr, "; see \"bengal-farm %s--help\"\n", *what ? "snapshot " : "");
    return NULL;
}

static int cmd_snapshot(int argc, char **argv, const bf_cli_roles_t *roles)
{
    size_t n = sizeof snapshot_commands / sizeof snapshot_commands[0];
    if (argc >= 2 && argv[1][0] != '-') {
        const command_t *c = find_command(snapshot_commands, n, argv[1], "snapshot ");
        return c ? c->run(argc - 1, argv + 1, roles) : BF_EXIT_USAGE;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: bengal-farm snapshot build [options] [SITE]\n"
               "       bengal-farm snapshot dump [--json] FILE\n\n");
        for (size_t i = 0; i < n; i++)
            printf("  %-8s %s\n", snapshot_commands[i].name, snapshot_commands[i].summary);
        return BF_EXIT_OK;
    }
    fprintf(stderr, "bengal-farm: error: snapshot needs a command, build or dump; see "
                    "\"bengal-farm snapshot --help\"\n");
    return BF_EXIT_USAGE;
}

static int cmd_help(int argc, char **argv, const bf_cli_roles_t *roles)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        main_help(stdout);
        return BF_EXIT_OK;
    }
    const command_t *c = find_command(commands, N_COMMANDS, argv[1], "");
    if (!c)
        return BF_EXIT_USAGE;
    char *args[] = {argv[1], "--help", NULL};
    return c->run(2, args, roles);
}

int bf_cli_main(int argc, char **argv, const bf_cli_roles_t *roles)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    if (argc < 2 || argv[1][0] == '-') {
        if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
            return cmd_help(1, argv, roles);
        if (argc == 2 && strcmp(argv[1], "--version") == 0)
            return cmd_version(1, argv, roles);
        return cmd_build(argc, argv, roles); /* bengal-farm [options] [SITE] */
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, argv[1]) == 0)
            return commands[i].run(argc - 1, argv + 1, roles);
    /* bengal-farm SITE [options]: a directory (or anything that exists)
     * is a site to build; any other word is a mistyped command */
    struct stat st;
    if (stat(argv[1], &st) == 0 || strchr(argv[1], '/'))
        return cmd_build(argc, argv, roles);
    find_command(commands, N_COMMANDS, argv[1], "");
    return BF_EXIT_USAGE;
}
