/*
 * coordinator/build.c - one build of a site (see build.h).
 */
#include "coordinator/build.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "coordinator/cli.h"
#include "coordinator/inputs.h"
#include "coordinator/jobs.h"
#include "coordinator/load.h"
#include "coordinator/output.h"
#include "coordinator/pagecache.h"
#include "coordinator/srccache.h"
#include "coordinator/state.h"
#include "shared/clock.h"
#include "shared/hash.h"
#include "shared/log.h"
#include "shared/pack.h"
#include "shared/tmpl/env.h"
#include "shared/tmpl/profile.h"
#include "snapshot-format/reader.h"

int bf_build_time(int64_t *now)
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

/* Opens --stats-json's file before the build, so that a path that cannot
 * be written fails the build before anything is published (exit 2). */
static FILE *open_stats(const char *path)
{
    FILE *f = fopen(path, "a"); /* emptied when written: a failed build keeps the old */
    if (!f)
        bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot write the statistics: %s", strerror(errno));
    return f;
}

/* The phases of --stats-json, in this order: discover (config, output
 * and caches opened, the site read), snapshot, compile, render, publish
 * (the farm's, which overlap), then plan (the page cache planned, the
 * render pack opened, highlighting prepared: between the snapshot and the
 * farm) and rest (the caches saved after the farm, and whatever else):
 * total minus the others, so that they add up. */
enum { PH_DISCOVER, PH_SNAPSHOT, PH_COMPILE, PH_RENDER, PH_PUBLISH, PH_PLAN, PH_COUNT };

static int write_stats(FILE *f, const bf_farm_report_t *r, unsigned jobs,
                       const double phase[PH_COUNT], double total)
{
    if (ftruncate(fileno(f), 0) < 0) {
        fclose(f);
        return -1;
    }
    fprintf(f, "{\n  \"pages\": %u,\n  \"seconds\": %.6f,\n  \"pages_per_second\": %.1f,\n",
            r->pages, total, total > 0 ? r->pages / total : 0.0);
    fprintf(f, "  \"jobs\": %u,\n  \"writers\": %u,\n  \"warnings\": %u,\n"
               "  \"skipped\": %u,\n  \"respawns\": %u,\n",
            jobs, r->writers, r->warnings, r->skipped, r->respawns);
    double rest = total;
    for (int i = 0; i < PH_COUNT; i++)
        rest -= phase[i];
    fprintf(f, "  \"phases\": {\"discover\": %.6f, \"snapshot\": %.6f, \"compile\": %.6f, "
               "\"render\": %.6f, \"publish\": %.6f, \"plan\": %.6f, \"rest\": %.6f},\n",
            phase[PH_DISCOVER], phase[PH_SNAPSHOT], phase[PH_COMPILE], phase[PH_RENDER],
            phase[PH_PUBLISH], phase[PH_PLAN], rest > 0 ? rest : 0.0);
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
                phase[PH_RENDER] > 0 ? r->busy_ns[i] / 1e9 / phase[PH_RENDER] : 0.0);
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
static int compile_templates(bf_site_t *s, const bf_snap_t *snap, const bf_tmpl_embed_t *theme,
                             bf_tmpl_env_t **env)
{
    *env = bf_tmpl_env_new(NULL);
    if (!*env) {
        bf_log_error("out of memory");
        goto fail;
    }
    if (bf_tmpl_env_add_dir_at(*env, s->root_fd, "templates", bf_site_disp(s, "templates")) < 0)
        goto fail;
    if ((theme && bf_tmpl_env_add_embedded(*env, theme, "<theme>") < 0) ||
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
    double phase[PH_COUNT] = {0};
    if (write_stats(stats, &rep, jobs, phase, total) < 0) {
        bf_log_error("cannot write the statistics: %s", strerror(errno));
        return BF_EXIT_INTERNAL;
    }
    return BF_EXIT_OK;
}

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

/* A build rendering at least this many pages compiles the highlighting of
 * the fence languages discovery saw once, before the farm forks; a smaller
 * one (an edit under `serve`) leaves it to the workers, which compile only
 * the languages of the pages they render. */
#define HL_AHEAD_PAGES 256

/* The highlighter the workers inherit, its queries compiled (NULL: none,
 * each worker makes its own as needed). */
static void *highlighter(const bf_farm_roles_t *roles, const bf_site_t *s, uint32_t to_render)
{
    if (!s->config.highlight || to_render < HL_AHEAD_PAGES || !s->fence_langs.n ||
        !roles->hl_prepare)
        return NULL;
    void *hl = roles->hl_prepare((const char *const *)s->fence_langs.items, s->fence_langs.n,
                                 s->opts.scouts);
    if (hl)
        bf_log_debug("highlighting compiled for %zu fence languages before the fork",
                     s->fence_langs.n);
    return hl; /* out of memory: the workers make their own */
}

/* A shard renders its level-0 waves (*waves) and reuses only its own
 * pages; the merge takes every page the shards rendered cleanly.  0, or
 * -1 logged. */
static int shard_part(const bf_build_opts_t *b, const bf_snap_t *snap, bf_pagecache_t *pc,
                      uint8_t **waves)
{
    const bf_shard_job_t *job = b->shard;
    if (job->index == BF_SHARD_MERGE)
        return bf_shard_take(pc, snap, job->shared, &job->plan);
    uint32_t *owner = bf_shard_pages(snap, job->plan.count);
    if (!owner || !(*waves = bf_shard_waves(snap, job->index, job->plan.count))) {
        free(owner);
        return -1;
    }
    bf_pagecache_only(pc, owner, job->index);
    free(owner);
    return 0;
}

/* The build; bf_build_run() around it keeps the signal handlers. */
static int run(const bf_build_opts_t *opts, bf_build_result_t *res)
{
    bf_build_opts_t b = *opts;
    bf_site_opts_t o = b.site;
    o.theme = b.roles->theme;
    const bool check = b.check;
    int rc;
    prctl(PR_SET_NAME, "bf-coord"); /* as ps and top show it, beside its children */
    if (b.shard)
        o.now = b.shard->plan.now; /* every shard and the merge: one snapshot */
    if (!o.now && bf_build_time(&o.now) < 0)
        return BF_EXIT_USAGE;
    if (!b.jobs) {
        bf_jobs_t j;
        if (bf_jobs_default(NULL, &j) < 0)
            return BF_EXIT_USAGE;
        b.jobs = j.jobs;
        bf_log_debug("%u workers: %s", j.jobs, j.why);
    }
    if (!o.scouts)
        o.scouts = bf_jobs_scouts(b.jobs);
    unsigned writers;
    if (bf_jobs_writers(b.jobs, &writers) < 0)
        return BF_EXIT_USAGE;
    bf_log_debug("%u writer%s for %u workers%s", writers, writers == 1 ? "" : "s", b.jobs,
                 getenv("BENGAL_WRITERS") && *getenv("BENGAL_WRITERS") ? " (BENGAL_WRITERS)"
                                                                      : "");
    bf_fault_t fault;
    if (bf_farm_parse_fault(getenv("BENGAL_FAULT"), &fault) < 0) {
        bf_log_error("BENGAL_FAULT=\"%s\" is not a fault this build knows", getenv("BENGAL_FAULT"));
        return BF_EXIT_USAGE;
    }
    FILE *stats = NULL;
    if (b.stats_json && !(stats = open_stats(b.stats_json)))
        return BF_EXIT_USAGE;
    double t0 = bf_clock_seconds(), phase[PH_COUNT] = {0};
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
    void *hl = NULL; /* bf_hl_t * (worker/highlight.h), through b.roles */
    bf_pack_t *pack = NULL;
    bf_srccache_t srcs = {0};
    uint8_t *shard_waves = NULL; /* a shard's: the waves it renders */
    uint64_t rep_files[2] = {0, 0}; /* content files parsed, as last time */
    bool refused;
    size_t bytes;
    int lock = -1, state = -1;
    out.lock_fd = -1;
    out.arena = NULL;
    rc = BF_EXIT_INTERNAL;
    if (bf_state_take(s, &state, &lock) < 0)
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
        bf_digest_t config = bf_config_digest(&s->config);
        if (b.shard) { /* the fast path holds for the same plan and part */
            config.lo ^= b.shard->plan.id.lo;
            config.hi ^= b.shard->plan.id.hi + b.shard->index;
        }
        options = bf_inputs_options(self, o.drafts, o.future, o.strict, zstd_level, out.path,
                                    config);
        if (!b.no_cache && fault.kind == BF_FAULT_NONE && bf_inputs_load(state, &last) == 1 &&
            unchanged(&last, &scan, options, &out, o.now)) {
            rc = nothing_changed(&last, &out, stats, t0, b.jobs);
            stats = NULL;
            res->nothing_changed = true;
            res->report.pages = res->report.pages_reused = last.pages;
            snprintf(res->output, sizeof res->output, "%s", out.path);
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
    /* The bodies wait in the state directory, not in this process: a
     * site's text is most of the snapshot (1.7 GB at a million pages),
     * and the farm forks from here.  Where no unnamed file can be made
     * they stay in memory, as before. */
    bf_snapw_spill(s->snapw, state);
    int read = bf_site_read(s);
    bf_srccache_save(&srcs, state); /* what was parsed is right, errors or not */
    rep_files[0] = srcs.parsed;
    rep_files[1] = srcs.reused;
    bf_srccache_free(&srcs);
    s->srcs = NULL;
    if (read < 0)
        goto done;
    phase[PH_DISCOVER] = bf_clock_seconds() - t0;
    if ((rc = interrupted()))
        goto done;
    rc = BF_EXIT_INTERNAL;
    if (bf_state_write_snapshot(s, state, &snap, &bytes) < 0)
        goto done;
    if ((rc = interrupted()))
        goto done;
    phase[PH_SNAPSHOT] = bf_clock_seconds() - t0 - phase[PH_DISCOVER];
    double t_plan = bf_clock_seconds();
    if (b.shard && !bf_digest_eq(bf_shard_snapshot_digest(snap), b.shard->plan.snapshot)) {
        bf_log_error("%s is not the site that was planned: its snapshot differs from the "
                     "plan's in %s/plan (a source changed since, or other options were "
                     "given); run `bengal-farm plan` again, then every shard", o.site_dir,
                     b.shard->shared);
        rc = BF_EXIT_CONTENT;
        goto done;
    }
    if (fault.page[0] &&
        (fault.arg = bf_snap_find_path(snap, fault.page, strlen(fault.page))) == BF_SNAP_NONE) {
        bf_log_error("BENGAL_FAULT names no page \"%s\"", fault.page);
        rc = BF_EXIT_USAGE;
        goto done;
    }
    /* a fault names a page to crash on: that page must render */
    rc = BF_EXIT_INTERNAL;
    if (!check && bf_pagecache_plan(&pc, s, snap, state, &out,
                                    b.no_cache || fault.kind != BF_FAULT_NONE, self,
                                    zstd_level) < 0)
        goto done;
    if (b.shard && shard_part(&b, snap, &pc, &shard_waves) < 0) {
        rc = BF_EXIT_CONTENT; /* a shard to build again */
        goto done;
    }
    if (!check)
        pack = bf_pack_open(state, "render", bf_arena_sprintf(s->arena, "%s/render",
                                                               s->state_disp),
                            b.no_cache);
    double tc = bf_clock_seconds();
    phase[PH_PLAN] = tc - t_plan;
    if (compile_templates(s, snap, o.theme, &env) < 0) {
        rc = BF_EXIT_CONTENT;
        goto done;
    }
    phase[PH_COMPILE] = bf_clock_seconds() - tc;
    t_plan = bf_clock_seconds();
    if ((rc = interrupted()))
        goto done;
    rc = BF_EXIT_INTERNAL;
    if (b.profile_templates && !(prof = bf_tmpl_profile_new())) {
        bf_log_error("out of memory");
        goto done;
    }
    hl = highlighter(b.roles, s, check ? bf_snap_count(snap, BF_SNAP_T_PAGES) : pc.n_pages - pc.n_reused);
    bf_farm_opts_t fo = {
        .hl = hl, .snap = snap, .site_dir = o.site_dir, .root_fd = s->root_fd,
        .output = check ? NULL : &out, .jobs = b.jobs, .writers = writers,
        .ring_capacity = ring_capacity(b.jobs), .keep_going = b.keep_going, .fault = fault,
        .page_timeout = b.page_timeout, .fsync = b.fsync || s->config.fsync,
        .progress = !b.no_progress && bf_ctx.log_level < BF_LOG_ERROR && isatty(2),
        .tmpl_env = env, .profile = prof, .dry_run = check,
        .katex = s->has_katex ? &s->katex : NULL,
        .pages = check ? NULL : &pc,
        .precompress = zstd_level,
        .pack = pack, .self = self, .waves = shard_waves,
    };
    bf_farm_report_t rep;
    /* Every process the farm forks starts with this one's heap: give back
     * what discovery and the snapshot freed (the scouts' malloc arenas
     * above all) before it does. */
    malloc_trim(0);
    phase[PH_PLAN] += bf_clock_seconds() - t_plan;
    rc = bf_farm_run(&fo, b.roles, &rep);
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
    phase[PH_RENDER] = rep.render_seconds;
    phase[PH_PUBLISH] = rep.publish_seconds;
    double total = bf_clock_seconds() - t0;
    res->report = rep;
    res->seconds = total;
    if (!check)
        snprintf(res->output, sizeof res->output, "%s", out.path);
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
    free(shard_waves);
    if (stats)
        fclose(stats);
    bf_output_release(&out);
    bf_pagecache_free(&pc);
    bf_pack_close(pack);
    bf_srccache_free(&srcs);
    bf_tmpl_profile_free(prof);
    bf_tmpl_env_free(env);
    if (hl)
        b.roles->hl_free(hl);
    if (snap)
        bf_snap_close(snap);
    if (lock >= 0)
        close(lock); /* the children, which share it, have ended */
    if (state >= 0)
        close(state);
    bf_site_free(s);
    return rc;
}


int bf_build_run(const bf_build_opts_t *opts, bf_build_result_t *res)
{
    struct sigaction old_int, old_term;
    memset(res, 0, sizeof *res);
    sigaction(SIGINT, NULL, &old_int);
    sigaction(SIGTERM, NULL, &old_term);
    catch_front_signals(); /* first: a signal from here on is noted and said */
    res->status = run(opts, res);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return res->status;
}
