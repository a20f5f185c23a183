/*
 * coordinator/build.h - one build of a site, as a call.
 *
 * bf_build_run() is everything `bengal-farm build` and `check` do between
 * parsing the command line and exiting: the state directory and its lock,
 * the output policy, the "nothing changed" check, discovery, the
 * snapshot, the caches, the templates, the farm, the publish, the
 * statistics and the one-line summary.  It may be called many times in
 * one process (`serve` rebuilds through it): everything it makes is
 * freed before it returns, and the signal handlers it sets for its front
 * phases are put back as they were.
 *
 * Messages go to the log (stderr) as they happen; the summary line to
 * stdout unless the log level is BF_LOG_ERROR (-q).
 */
#ifndef BF_COORDINATOR_BUILD_H
#define BF_COORDINATOR_BUILD_H

#include <limits.h>
#include <stdbool.h>

#include "coordinator/farm.h"
#include "coordinator/shard.h"
#include "coordinator/site.h"

typedef struct {
    bf_site_opts_t site;      /* site_dir, cache_dir, drafts, future, strict;
                                 now is set by the call when 0 */
    bool check;               /* `check`: render everything, write nothing */
    unsigned jobs;            /* workers; 0: bf_jobs_default() */
    const char *output;       /* -o; NULL: the config's build.output_dir */
    const char *stats_json;   /* --stats-json FILE, or NULL */
    bool keep_going, no_progress, profile_templates, force, fsync, no_cache, precompress;
    unsigned page_timeout;    /* seconds; 0: no watchdog */
    const bf_farm_roles_t *roles;
    const bf_shard_job_t *shard; /* a shard of a sharded build, or its
                                 merge (coordinator/shard.h): the plan's
                                 build time, its snapshot proved; NULL:
                                 a whole build */
} bf_build_opts_t;

typedef struct {
    int status;               /* the exit status (cli.h: BF_EXIT_*) */
    bool nothing_changed;     /* the fast path: nothing was rebuilt */
    bf_farm_report_t report;  /* pages, warnings, files...; zero when the
                                 build stopped before the farm */
    double seconds;
    char output[PATH_MAX];    /* the output directory ("" when not known) */
} bf_build_result_t;

/* SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else
 * the clock.  -1 (logged) when it is set but not a number of seconds. */
int bf_build_time(int64_t *now);

/* One build.  Returns res->status. */
int bf_build_run(const bf_build_opts_t *opts, bf_build_result_t *res);

#endif
