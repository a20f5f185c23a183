/*
 * tests/e2e/state_test.c - the state directory between builds: where it is
 * (--cache-dir, BENGAL_CACHE_DIR, build.cache_dir; a read-only site with
 * the state elsewhere), that it may move or be shared, what a build does
 * with a cache file that is damaged or is not a file at all (one warning,
 * then what a clean build makes: shared/cachefile.h, coordinator/
 * manifest.h, pagecache.h, inputs.h), the render pack (shared/pack.h:
 * damaged, replaced by --no-cache, used after a config edit), and
 * `bengal-farm clean`.
 *
 * "The output equals a clean build" is checked against a copy of the
 * site's sources (cp -a: same bytes, same times) with no state and no
 * output, built into a fresh directory.
 */
#include "tests/e2e/helpers.h"

#include <limits.h>
#include <stdint.h>

/* A read-only bind mount to undo, also when a test fails half-way. */
static char mounted[PATH_MAX];

/* Undoes the bind mount; whether it is gone. */
static bool unmount_site(void)
{
    if (!mounted[0])
        return true;
    e2e_run_t r;
    e2e_runl(&r, "umount", mounted, NULL);
    bool ok = r.status == 0;
    e2e_run_free(&r);
    if (!ok) {
        e2e_runl(&r, "umount", "-l", mounted, NULL);
        ok = r.status == 0;
        e2e_run_free(&r);
    }
    mounted[0] = '\0';
    return ok;
}

static void setup(void)
{
    /* the tests say where the state goes */
    unsetenv("BENGAL_CACHE_DIR");
}

static void teardown(void)
{
    unmount_site();
    e2e_cleanup();
}

TestSuite(state, .init = setup, .fini = teardown, .timeout = 120);

#define EDITED_PAGE "content/docs/guide/b.md" /* of the docs fixture */

/* snprintf into a caller's buffer (the table tests make too many paths
 * for the helpers' string pool). */
static const char *pf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *pf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0 && (size_t)n < size, "path too long: %s", buf);
    return buf;
}

/* sh -c cmd, which must succeed. */
static void sh(const char *cmd)
{
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c", cmd, NULL);
    cr_assert_eq(r.status, 0, "`%s` failed: %s", cmd, r.err);
    e2e_run_free(&r);
}

/* Appends text to a file that must exist. */
static void append(const char *path, const char *text)
{
    size_t len;
    char *old = e2e_read_file(path, &len);
    cr_assert(old, "cannot read %s: %s", path, strerror(errno));
    size_t add = strlen(text);
    char *all = malloc(len + add);
    cr_assert(all, "out of memory");
    memcpy(all, old, len);
    memcpy(all + len, text, add);
    e2e_write_file(path, all, len + add);
    free(all);
    free(old);
}

/* e2e_tree() without the helpers' string pool: malloc'd, the caller's. */
static char *tree_of(const char *dir)
{
    char cmd[PATH_MAX + 128];
    e2e_run_t r;
    pf(cmd, sizeof cmd, "cd '%s' && find . -type f | LC_ALL=C sort | xargs -r sha256sum", dir);
    e2e_runl(&r, "sh", "-c", cmd, NULL);
    cr_assert_eq(r.status, 0, "cannot list %s: %s", dir, r.err);
    free(r.err);
    return r.out;
}

/* The tree a clean build of site's sources makes: site copied to
 * scratch/clean-tag/site without its state or output, built (fresh state
 * directory) into scratch/clean-tag/out.  malloc'd. */
static char *clean_tree(const char *site, const char *scratch, const char *tag)
{
    char dir[PATH_MAX], copy[PATH_MAX], out[PATH_MAX + 8], cmd[4 * PATH_MAX];
    pf(dir, sizeof dir, "%s/clean-%s", scratch, tag);
    pf(copy, sizeof copy, "%s/site", dir);
    pf(out, sizeof out, "%s/out", dir);
    pf(cmd, sizeof cmd,
       "rm -rf '%s' && mkdir -p '%s' && cp -a '%s' '%s' && cd '%s' && "
       "rm -rf .bengal state public public.staging public.lock",
       dir, dir, site, copy, copy);
    sh(cmd);
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", "-o", out, copy, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "the clean build of %s failed:\n%s", copy, r.err);
    e2e_run_free(&r);
    return tree_of(out);
}

/* Number of lines of s that contain "warning:". */
static unsigned warnings(const char *s)
{
    unsigned n = 0;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (memmem(s, len, "warning:", 8))
            n++;
        s += len + (nl != NULL);
    }
    return n;
}

/* The first line of s that contains "warning:" (malloc'd), or NULL. */
static char *first_warning(const char *s)
{
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (memmem(s, len, "warning:", 8))
            return strndup(s, len);
        s += len + (nl != NULL);
    }
    return NULL;
}

static long pages_reused(const char *stats)
{
    return e2e_stat_of(stats, "pages_reused");
}

/* Every name under dir, with the type, size and times of what is not a
 * directory: changes when anything is written there (lives until
 * cleanup). */
static char *listing(const char *dir)
{
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c",
             e2e_fmt("cd '%s' && find . \\( -type d -printf '%%p d\\n' \\) -o "
                     "-printf '%%p %%y %%s %%T@ %%C@\\n' | LC_ALL=C sort", dir),
             NULL);
    cr_assert_eq(r.status, 0, "cannot list %s: %s", dir, r.err);
    char *s = e2e_own(strdup(r.out));
    e2e_run_free(&r);
    return s;
}

/* The state files a build leaves (lock aside). */
static void assert_state_in(const char *dir)
{
    static const char *const files[] = {"snapshot.bfs", "manifest.0", "pages"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[PATH_MAX];
        pf(p, sizeof p, "%s/%s", dir, files[i]);
        cr_assert(e2e_exists(p), "no %s in the state directory %s", files[i], dir);
    }
}

/* Makes "  cache_dir: VALUE" the first line of the build: section of
 * SITE/bengal.yaml (the docs fixture has one), replacing the one this put
 * there before. */
static void config_cache_dir(const char *site, const char *value)
{
    const char *path = e2e_fmt("%s/bengal.yaml", site);
    char *yaml = e2e_own_file(path, NULL);
    cr_assert(yaml, "cannot read %s", path);
    char *at = strstr(yaml, "\nbuild:\n");
    cr_assert(at, "the fixture's bengal.yaml has no build: section");
    at += strlen("\nbuild:\n");
    const char *rest = at;
    if (strncmp(at, "  cache_dir: ", 13) == 0)
        rest = at + strcspn(at, "\n") + 1;
    e2e_write_str(path, e2e_fmt("%.*s  cache_dir: %s\n%s", (int)(at - yaml), yaml, value, rest));
}

/* bengal-farm -q -j 2 SITE, which must succeed. */
static void build_quiet(const char *site)
{
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "build of %s failed:\n%s", site, r.err);
    e2e_run_free(&r);
}

/* ---- where the state directory is ---------------------------------------- */

/* A read-only source tree builds and checks with the state and the output
 * elsewhere; without --cache-dir the build fails and says what to do. */
Test(state, read_only_site)
{
    if (geteuid() != 0)
        cr_skip_test("not root: cannot bind-mount the site read-only");
    e2e_bin(); /* fail here, not with the site mounted */
    char *site = e2e_site("docs");
    char *dir = e2e_tmpdir();
    char *cache = e2e_fmt("%s/cache", dir), *out = e2e_fmt("%s/out", dir);
    e2e_run_t r;
    e2e_runl(&r, "mount", "--bind", site, site, NULL);
    if (r.status != 0) {
        char *why = e2e_own(strdup(r.err));
        e2e_run_free(&r);
        cr_skip_test("cannot bind-mount %s (no permission here?): %s", site, why);
    }
    e2e_run_free(&r);
    snprintf(mounted, sizeof mounted, "%s", site);
    e2e_runl(&r, "mount", "-o", "remount,bind,ro", site, NULL);
    if (r.status != 0) {
        char *why = e2e_own(strdup(r.err));
        e2e_run_free(&r);
        unmount_site();
        cr_skip_test("cannot remount %s read-only: %s", site, why);
    }
    e2e_run_free(&r);

    /* everything runs with the site mounted; the assertions come after
     * the unmount */
    int probe = open(e2e_fmt("%s/probe", site), O_WRONLY | O_CREAT, 0644);
    int probe_errno = errno;
    if (probe >= 0)
        close(probe);
    char *before = listing(site);
    e2e_run_t plain, built, checked;
    e2e_bf(&plain, "-j", "2", site, NULL);
    e2e_bf(&built, "-j", "2", "--cache-dir", cache, "-o", out, site, NULL);
    e2e_bf(&checked, "check", "-j", "2", "--cache-dir", cache, site, NULL);
    char *after = listing(site);
    bool unmounted = unmount_site();

    cr_assert(unmounted, "cannot unmount %s", site);
    cr_assert(probe < 0 && probe_errno == EROFS, "the bind mount is not read-only");
    e2e_assert_no_crash(&plain);
    e2e_assert_no_crash(&built);
    e2e_assert_no_crash(&checked);
    cr_assert_neq(plain.status, 0, "a build of a read-only site with the state in it succeeded");
    cr_assert(strstr(plain.err, "--cache-dir"), "the error does not mention --cache-dir:\n%s",
              plain.err);
    cr_assert_eq(built.status, 0, "build with --cache-dir failed:\n%s", built.err);
    cr_assert_eq(checked.status, 0, "check with --cache-dir failed:\n%s", checked.err);
    assert_state_in(cache);
    cr_assert_str_eq(after, before, "something was written in the read-only site");
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal", site)));
    cr_assert(!e2e_exists(e2e_fmt("%s/public", site)));
    char *ref = clean_tree(site, dir, "ro");
    char *got = tree_of(out);
    cr_assert_str_eq(got, ref, "the output differs from a clean build's");
    free(got);
    free(ref);
    e2e_run_free(&plain);
    e2e_run_free(&built);
    e2e_run_free(&checked);
}

/* BENGAL_CACHE_DIR puts the state where --cache-dir would; --cache-dir
 * wins over it. */
Test(state, cache_dir_from_the_environment)
{
    char *site = e2e_site("docs");
    char *dir = e2e_tmpdir();
    char *env = e2e_fmt("%s/env", dir), *env2 = e2e_fmt("%s/env2", dir);
    char *flag = e2e_fmt("%s/flag", dir);
    e2e_run_t r;
    setenv("BENGAL_CACHE_DIR", env, 1);
    e2e_bf(&r, "-q", "-j", "2", site, NULL);
    unsetenv("BENGAL_CACHE_DIR");
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    assert_state_in(env);
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal", site)), "state written in SITE/.bengal too");
    cr_assert(e2e_exists(e2e_fmt("%s/public/index.html", site)));

    setenv("BENGAL_CACHE_DIR", env2, 1);
    e2e_bf(&r, "-q", "-j", "2", "--cache-dir", flag, site, NULL);
    unsetenv("BENGAL_CACHE_DIR");
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    assert_state_in(flag);
    cr_assert(!e2e_exists(env2), "BENGAL_CACHE_DIR was used although --cache-dir was given");
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal", site)));
}

/* check and snapshot build take --cache-dir too. */
Test(state, cache_dir_for_check_and_snapshot)
{
    char *site = e2e_site("docs");
    char *dir = e2e_tmpdir();
    char *c1 = e2e_fmt("%s/c1", dir), *c2 = e2e_fmt("%s/c2", dir);
    e2e_run_t r;
    e2e_bf(&r, "snapshot", "build", "-q", "--cache-dir", c1, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert(e2e_exists(e2e_fmt("%s/snapshot.bfs", c1)), "snapshot build ignored --cache-dir");
    e2e_bf(&r, "check", "-q", "-j", "2", "--cache-dir", c2, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal", site)), "state written in SITE/.bengal");
    cr_assert(!e2e_exists(e2e_fmt("%s/public", site)), "check wrote output");
}

/* build.cache_dir: a relative path inside the site; "../x" is refused. */
Test(state, cache_dir_from_the_config)
{
    char *site = e2e_site("docs");
    char *parent = e2e_fmt("%s/..", site);
    e2e_run_t r;
    config_cache_dir(site, "state");
    for (int i = 0; i < 2; i++) {
        e2e_bf(&r, "-q", "-j", "2", site, NULL);
        e2e_assert_no_crash(&r);
        cr_assert_eq(r.status, 0, "build %d: %s", i + 1, r.err);
        e2e_run_free(&r);
    }
    assert_state_in(e2e_fmt("%s/state", site));
    cr_assert(e2e_exists(e2e_fmt("%s/state/manifest.1", site)), "the second build kept no state");
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal", site)), "state written in SITE/.bengal too");

    config_cache_dir(site, "../x");
    const char *cmds[2] = {NULL, "check"};
    for (int i = 0; i < 2; i++) {
        if (cmds[i])
            e2e_bf(&r, cmds[i], "-j", "2", site, NULL);
        else
            e2e_bf(&r, "-j", "2", site, NULL);
        e2e_assert_no_crash(&r);
        cr_assert_eq(r.status, 1, "%s with build.cache_dir ../x: status %d\n%s",
                     cmds[i] ? cmds[i] : "build", r.status, r.err);
        cr_assert(strstr(r.err, "build.cache_dir"), "the error does not name build.cache_dir:\n%s",
                  r.err);
        e2e_run_free(&r);
        cr_assert(!e2e_exists(e2e_fmt("%s/x", parent)), "../x was made outside the site");
    }
}

/* ---- a state directory that moves, or serves two sites ------------------ */

Test(state, relocated_cache)
{
    char *site = e2e_site("docs");
    char *dir = e2e_tmpdir();
    char *a = e2e_fmt("%s/A", dir), *b = e2e_fmt("%s/B", dir);
    char *stats = e2e_fmt("%s/stats.json", dir);
    e2e_run_t r;
    for (int i = 0; i < 2; i++) {
        e2e_bf(&r, "-q", "-j", "2", "--cache-dir", a, site, NULL);
        e2e_assert_no_crash(&r);
        cr_assert_eq(r.status, 0, "build %d: %s", i + 1, r.err);
        e2e_run_free(&r);
    }
    assert_state_in(a);
    cr_assert(e2e_exists(e2e_fmt("%s/manifest.1", a)), "the second build kept no manifest");
    cr_assert_eq(rename(a, b), 0, "mv A B: %s", strerror(errno));
    append(e2e_fmt("%s/" EDITED_PAGE, site), "\nEdited after the move.\n");
    e2e_bf(&r, "-j", "2", "--cache-dir", b, "--stats-json", stats, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(warnings(r.err), 0, "the moved state directory was warned about:\n%s", r.err);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(a), "the old state directory was made again");
    long reused = pages_reused(stats);
    cr_assert_gt(reused, 0, "pages_reused %ld: the moved cache was not used\n%s", reused,
                 e2e_own_file(stats, NULL));
    char *ref = clean_tree(site, dir, "ref");
    char *got = tree_of(e2e_fmt("%s/public", site));
    cr_assert_str_eq(got, ref, "the output differs from a clean build's");
    free(got);
    free(ref);
}

Test(state, shared_cache_two_sites)
{
    static const char *const fixture[2] = {"docs", "features"};
    char *sites[2] = {e2e_site(fixture[0]), e2e_site(fixture[1])};
    static const char *const page[2] = {EDITED_PAGE, "content/about.md"};
    char *dir = e2e_tmpdir();
    char *cache = e2e_fmt("%s/cache", dir);
    char *outs[2] = {e2e_fmt("%s/out-docs", dir), e2e_fmt("%s/out-features", dir)};
    for (int round = 0; round < 3; round++) {
        for (int s = 0; s < 2; s++) {
            if (round > 0)
                append(e2e_fmt("%s/%s", sites[s], page[s]),
                       e2e_fmt("\nRound %d of site %d.\n", round, s));
            e2e_run_t r;
            e2e_bf(&r, "-j", "2", "--cache-dir", cache, "-o", outs[s], sites[s], NULL);
            e2e_assert_no_crash(&r);
            cr_assert_eq(r.status, 0, "round %d, %s: %s", round, fixture[s], r.err);
            /* the other site's files are valid, just not this site's:
             * nothing to warn about (checked, then the output anyway) */
            cr_expect_eq(warnings(r.err), 0, "round %d, %s: a warning with a shared state "
                         "directory:\n%s", round, fixture[s], r.err);
            e2e_run_free(&r);
            char tag[32];
            pf(tag, sizeof tag, "%d-%d", round, s);
            char *ref = clean_tree(sites[s], dir, tag);
            char *got = tree_of(outs[s]);
            cr_assert_str_eq(got, ref, "round %d: the output of %s is not a clean build's", round,
                             fixture[s]);
            free(got);
            free(ref);
        }
    }
    for (int s = 0; s < 2; s++)
        cr_assert(!e2e_exists(e2e_fmt("%s/.bengal", sites[s])));
}

/* A page cache written when the site had more pages is not damaged: the
 * pages it names are gone, that is all.  No warning (it said "malformed"
 * and threw the file away).  Removing pages changes the site's shape,
 * which every page's key covers (coordinator/pagecache.h), so nothing is
 * reused here: that is by design, not asserted either way. */
Test(state, removing_pages_is_not_a_damaged_cache)
{
    char *site = e2e_site("docs");
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    build_quiet(site);
    build_quiet(site);
    static const char *const gone[] = {"content/blog/faster-builds.md", "content/docs/guide/c.md",
                                       "content/about.md"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        cr_assert_eq(unlink(e2e_fmt("%s/%s", site, gone[i])), 0, "the fixture changed: %s",
                     gone[i]);
    e2e_run_t r;
    e2e_bf(&r, "-j", "2", "--stats-json", stats, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_eq(warnings(r.err), 0, "a warning after pages were removed:\n%s", r.err);
    e2e_run_free(&r);
    char *ref = clean_tree(site, e2e_tmpdir(), "ref");
    char *got = tree_of(e2e_fmt("%s/public", site));
    cr_assert_str_eq(got, ref, "the output is not a clean build's");
    free(got);
    free(ref);
}

/* ---- damaged cache files ------------------------------------------------- */

static const char *const cache_files[] = {"manifest.0", "manifest.1", "pages", "inputs",
                                          "snapshot.bfs"};
/* what the one warning about each says */
static const char *const cache_says[] = {"manifest 0", "manifest 1", "page cache",
                                         "record of the last build", "snapshot.bfs"};
/* the kind of each (shared/cachefile.h), for a file that must be made */
static const char cache_kinds[][5] = {"MANI", "MANI", "PAGE", "INPT", ""};
#define SNAPSHOT 4

enum { TRUNCATED, FLIPPED, VERSION_99, EMPTY, A_DIRECTORY, A_SYMLINK, N_DAMAGES };
static const char *const damage_names[] = {"truncated to 10 bytes", "bytes flipped",
                                           "version 99", "empty", "a directory", "a symlink"};

/* A cache file of the right kind with a 32-byte payload (its checksum is
 * wrong: it is about to be damaged anyway). */
static void make_cache_file(const char *path, const char *kind)
{
    unsigned char f[64] = {'B', 'F', 'C', 'F'};
    memcpy(f + 4, kind, 4);
    f[8] = 1;
    f[16] = 32;
    memset(f + 32, 'x', 32);
    e2e_write_file(path, f, sizeof f);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *s = e2e_read_file(from, &len);
    cr_assert(s, "cannot read %s: %s", from, strerror(errno));
    e2e_write_file(to, s, len);
    free(s);
}

/* Damages state/name in way `how`; a symlink points to outside, which
 * gets the file's bytes first. */
static void damage(const char *state, int file, int how, const char *outside)
{
    char path[PATH_MAX], donor[PATH_MAX];
    struct stat st;
    pf(path, sizeof path, "%s/%s", state, cache_files[file]);
    if (lstat(path, &st) != 0) {
        /* not there (manifest.1 after one build, inputs after a racy one):
         * made, to be damaged */
        pf(donor, sizeof donor, "%s/manifest.%d", state, file == 0);
        if (file <= 1 && e2e_exists(donor))
            copy_file(donor, path);
        else
            make_cache_file(path, cache_kinds[file][0] ? cache_kinds[file] : "XXXX");
    }
    switch (how) {
    case TRUNCATED:
        cr_assert_eq(truncate(path, 10), 0, "%s", strerror(errno));
        break;
    case FLIPPED: {
        size_t len;
        char *s = e2e_read_file(path, &len);
        cr_assert(s && len > 40, "%s is too short to flip bytes in", path);
        size_t mid = 32 + (len - 32) / 2;
        for (size_t i = mid; i < mid + 4 && i < len; i++)
            s[i] ^= 0x5a;
        e2e_write_file(path, s, len);
        free(s);
        break;
    }
    case VERSION_99: {
        const unsigned char v[4] = {99, 0, 0, 0};
        int fd = open(path, O_WRONLY);
        cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
        cr_assert_eq(pwrite(fd, v, 4, 8), 4);
        close(fd);
        break;
    }
    case EMPTY:
        e2e_write_file(path, "", 0);
        break;
    case A_DIRECTORY:
        cr_assert_eq(unlink(path), 0, "%s", strerror(errno));
        cr_assert_eq(mkdir(path, 0755), 0, "%s", strerror(errno));
        pf(donor, sizeof donor, "%s/inside.txt", path);
        e2e_write_str(donor, "a file in a directory where a cache file belongs\n");
        break;
    case A_SYMLINK:
        /* the target is the intact file: followed, it would be read as
         * valid (no warning), or written through (changed) */
        copy_file(path, outside);
        cr_assert_eq(unlink(path), 0, "%s", strerror(errno));
        cr_assert_eq(symlink(outside, path), 0, "%s", strerror(errno));
        break;
    }
}

/* One row of the table: site (prepared: built, with every state file it
 * gets) edited, state file `file` damaged in way `how`, built again. */
static void damaged_row(const char *base, int row, int file, int how)
{
    char site[PATH_MAX], state[PATH_MAX], path[PATH_MAX], outside[PATH_MAX], pub[PATH_MAX],
        tag[32], page[PATH_MAX];
    const char *what = damage_names[how], *name = cache_files[file];
    struct stat st;
    pf(site, sizeof site, "%s/site%d", base, row);
    pf(state, sizeof state, "%s/.bengal", site);
    pf(path, sizeof path, "%s/%s", state, name);
    pf(outside, sizeof outside, "%s/outside%d", base, row);
    pf(pub, sizeof pub, "%s/public", site);
    pf(tag, sizeof tag, "row%d", row);
    pf(page, sizeof page, "%s/" EDITED_PAGE, site);
    bool existed = lstat(path, &st) == 0 && S_ISREG(st.st_mode);

    /* a change, so that the build is not "nothing changed" */
    append(page, "\nEdited before the damage.\n");
    damage(state, file, how, outside);
    size_t outside_len = 0;
    char *outside_was = how == A_SYMLINK ? e2e_read_file(outside, &outside_len) : NULL;

    char *ref = clean_tree(site, base, tag);
    for (int pass = 0; pass < 2; pass++) {
        e2e_run_t r;
        e2e_bf(&r, "-j", "2", site, NULL);
        bool crashed = r.status < 0 || r.status >= 128 || strstr(r.err, "Sanitizer") ||
                       strstr(r.err, "runtime error");
        cr_expect(!crashed, "%s %s, build %d: crashed (status %d):\n%s", name, what, pass + 1,
                  r.status, r.err);
        cr_expect_eq(r.status, 0, "%s %s, build %d: status %d:\n%s", name, what, pass + 1,
                     r.status, r.err);
        unsigned w = warnings(r.err);
        if (pass == 1) {
            cr_expect_eq(w, 0, "%s %s: the build after the damaged one warns again (%u):\n%s",
                         name, what, w, r.err);
        } else if (file == SNAPSHOT || !existed) {
            cr_expect_leq(w, 1, "%s %s (existed before: %d): %u warnings:\n%s", name, what,
                          existed, w, r.err);
        } else {
            cr_expect_eq(w, 1, "%s %s: %u warnings, expected exactly one:\n%s", name, what, w,
                         r.err);
        }
        if (pass == 0 && w >= 1) {
            char *line = first_warning(r.err);
            cr_expect(line && strstr(line, cache_says[file]) &&
                          (file == SNAPSHOT || strstr(line, "state directory")),
                      "%s %s: the warning does not say what it is about: %s", name, what, line);
            free(line);
        }
        e2e_run_free(&r);
        char *got = tree_of(pub);
        cr_expect_str_eq(got, ref, "%s %s, build %d: the output is not a clean build's", name,
                         what, pass + 1);
        free(got);
        /* the bad thing was replaced (or removed), not kept */
        bool bad = lstat(path, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode));
        cr_expect(!bad, "%s %s, build %d: still %s in the state directory", name, what,
                  pass + 1, S_ISDIR(st.st_mode) ? "a directory" : "a symlink");
        if (outside_was) {
            size_t len = 0;
            char *now = e2e_read_file(outside, &len);
            cr_expect(now && len == outside_len && memcmp(now, outside_was, len) == 0,
                      "%s %s, build %d: the symlink's target outside the state directory "
                      "was modified", name, what, pass + 1);
            free(now);
        }
    }
    free(outside_was);
    free(ref);
}

/* Six copies of the docs fixture, one per row, built as the table needs
 * them.  standby: twice at once (two manifests, a standby, a page cache),
 * then once more when the sources are over 2 s old, so that the build
 * records its inputs (coordinator/inputs.h: racy inputs are never
 * recorded): every state file is there to be damaged.  Without: aged
 * first, then built twice, the second "nothing changed": one manifest,
 * no standby (manifest.1 is made, damaged).  One sleep for all six; then
 * a row each. */
static void damaged_table(int file, bool standby)
{
    char *base = e2e_tmpdir();
    char *src = e2e_fmt("%s/tests/sites/docs", e2e_top());
    char site[PATH_MAX], cmd[3 * PATH_MAX];
    for (int row = 0; row < N_DAMAGES; row++) {
        pf(site, sizeof site, "%s/site%d", base, row);
        pf(cmd, sizeof cmd, "cp -a '%s' '%s' && rm -rf '%s/.bengal' '%s/public'", src, site,
           site, site);
        sh(cmd);
    }
    int builds = standby ? 3 : 2, aged_from = standby ? 2 : 0;
    for (int pass = 0; pass < builds; pass++) {
        if (pass == aged_from)
            usleep(2200 * 1000);
        for (int row = 0; row < N_DAMAGES; row++) {
            e2e_run_t r;
            pf(site, sizeof site, "%s/site%d", base, row);
            e2e_bf(&r, "-q", "-j", "2", site, NULL);
            e2e_assert_no_crash(&r);
            cr_assert_eq(r.status, 0, "preparing %s: %s", site, r.err);
            e2e_run_free(&r);
        }
    }
    for (int row = 0; row < N_DAMAGES; row++)
        damaged_row(base, row, file, row);
}

Test(state, corrupt_manifest_0) { damaged_table(0, true); }
Test(state, corrupt_manifest_1) { damaged_table(1, true); }
Test(state, corrupt_pages) { damaged_table(2, true); }
Test(state, corrupt_inputs) { damaged_table(3, true); }
Test(state, corrupt_snapshot) { damaged_table(SNAPSHOT, true); }
Test(state, corrupt_manifest_0_without_standby) { damaged_table(0, false); }
Test(state, corrupt_manifest_1_without_standby) { damaged_table(1, false); }

/* ---- the render pack (STATE/render: shared/pack.h) ----------------------- */

/* A config edit no page's markdown sees: every page's key
 * (coordinator/pagecache.h) changes, so every page is rendered again,
 * its markdown from the render pack. */
static void config_title(const char *site, const char *title)
{
    char path[PATH_MAX];
    pf(path, sizeof path, "%s/bengal.yaml", site);
    char *yaml = e2e_read_file(path, NULL);
    cr_assert(yaml, "cannot read %s", path);
    char *at = strstr(yaml, "\ntitle: ");
    cr_assert(at, "the fixture's bengal.yaml has no title: line");
    at++;
    const char *rest = at + strcspn(at, "\n");
    char *all = NULL;
    cr_assert(asprintf(&all, "%.*stitle: %s%s", (int)(at - yaml), yaml, title, rest) > 0);
    e2e_write_str(path, all);
    free(all);
    free(yaml);
}

/* Pages of site's last snapshot that have a source file: those whose
 * markdown the render pack keeps. */
static long sourced_pages(const char *site)
{
    char snap[PATH_MAX];
    e2e_run_t r;
    pf(snap, sizeof snap, "%s/.bengal/snapshot.bfs", site);
    e2e_bf(&r, "snapshot", "dump", "--json", snap, NULL);
    cr_assert_eq(r.status, 0, "snapshot dump %s: %s", snap, r.err);
    long n = 0;
    for (const char *p = r.out; (p = strstr(p, "\"source\":\"")) != NULL; p += 10)
        n += p[10] != '"';
    e2e_run_free(&r);
    cr_assert_gt(n, 0, "no page with a source in %s", snap);
    return n;
}


/* The seg.* names in dir, each followed by a space, sorted (malloc'd);
 * the largest into biggest (if not NULL). */
static char *segments(const char *dir, char *biggest, size_t size)
{
    char cmd[PATH_MAX + 128];
    e2e_run_t r;
    pf(cmd, sizeof cmd, "cd '%s' && ls -S | grep '^seg\\.' | head -n 1 && "
       "ls | grep '^seg\\.' | LC_ALL=C sort | tr '\\n' ' '", dir);
    e2e_runl(&r, "sh", "-c", cmd, NULL);
    cr_assert_eq(r.status, 0, "no segment in %s: %s", dir, r.err);
    char *nl = strchr(r.out, '\n');
    cr_assert(nl, "no segment in %s", dir);
    if (biggest)
        pf(biggest, size, "%.*s", (int)(nl - r.out), r.out);
    char *names = strdup(nl + 1);
    cr_assert(names);
    e2e_run_free(&r);
    return names;
}

enum { PK_INDEX, PK_SEGMENT };
enum { PK_TRUNCATED, PK_FLIPPED, PK_VERSION, PK_EMPTY, PK_DIRECTORY, N_PACK_DAMAGES };
static const char *const pk_damage_names[] = {"truncated", "bytes flipped", "version 99",
                                              "empty", "a directory"};

/* Damages path (the index, or a segment: what) in way how. */
static void pack_damage(const char *path, int what, int how)
{
    size_t len;
    char *s = e2e_read_file(path, &len);
    cr_assert(s && len > 40, "%s is too short to damage", path);
    switch (how) {
    case PK_TRUNCATED:
        cr_assert_eq(truncate(path, (off_t)len / 2), 0, "%s", strerror(errno));
        break;
    case PK_FLIPPED:
        for (size_t i = len / 2; i < len / 2 + 4; i++)
            s[i] ^= 0x5a;
        e2e_write_file(path, s, len);
        break;
    case PK_VERSION: /* the cache header's, or the segment header's */
        s[what == PK_INDEX ? 8 : 4] = 99;
        e2e_write_file(path, s, len);
        break;
    case PK_EMPTY:
        e2e_write_file(path, "", 0);
        break;
    case PK_DIRECTORY: {
        char inside[PATH_MAX];
        cr_assert_eq(unlink(path), 0, "%s", strerror(errno));
        cr_assert_eq(mkdir(path, 0755), 0, "%s", strerror(errno));
        pf(inside, sizeof inside, "%s/inside.txt", path);
        e2e_write_str(inside, "a file in a directory where the render pack has a file\n");
        break;
    }
    }
    free(s);
}

/* One row: the docs fixture built, its config edited (so that every page
 * renders again, from the pack), what the pack has damaged, built: what
 * a clean build makes, with at most one warning (exactly one, naming
 * it, for the index).  Then edited and built once more: no warning, and
 * the pack is whole again (every page's markdown from it). */
static void pack_row(const char *base, int row, int what, int how)
{
    char site[PATH_MAX], render[PATH_MAX], path[PATH_MAX], stats[PATH_MAX], pub[PATH_MAX],
        tag[32], cmd[3 * PATH_MAX], seg[NAME_MAX + 1];
    const char *thing = what == PK_INDEX ? "render/index" : "a render segment";
    const char *how_s = pk_damage_names[how];
    pf(site, sizeof site, "%s/site%d", base, row);
    pf(render, sizeof render, "%s/.bengal/render", site);
    pf(stats, sizeof stats, "%s/stats%d.json", base, row);
    pf(pub, sizeof pub, "%s/public", site);
    pf(cmd, sizeof cmd, "cp -a '%s/tests/sites/docs' '%s' && rm -rf '%s/.bengal' '%s/public'",
       e2e_top(), site, site, site);
    sh(cmd);
    build_quiet(site);
    free(segments(render, seg, sizeof seg));
    if (what == PK_INDEX)
        pf(path, sizeof path, "%s/index", render);
    else
        pf(path, sizeof path, "%s/%s", render, seg);
    config_title(site, "Edited before the damage");
    pack_damage(path, what, how);

    for (int pass = 0; pass < 2; pass++) {
        pf(tag, sizeof tag, "pack%d-%d", row, pass);
        char *ref = clean_tree(site, base, tag);
        e2e_run_t r;
        e2e_bf(&r, "-j", "2", "--stats-json", stats, site, NULL);
        e2e_assert_no_crash(&r);
        cr_assert_eq(r.status, 0, "%s %s, build %d: status %d:\n%s", thing, how_s, pass + 1,
                     r.status, r.err);
        unsigned w = warnings(r.err);
        if (pass == 1) {
            cr_expect_eq(w, 0, "%s %s: the build after the damaged one warns (%u):\n%s", thing,
                         how_s, w, r.err);
        } else if (what == PK_INDEX) {
            char *line = first_warning(r.err);
            cr_expect_eq(w, 1, "%s %s: %u warnings, expected one:\n%s", thing, how_s, w, r.err);
            cr_expect(line && strstr(line, "render/index"),
                      "%s %s: the warning does not name the index: %s", thing, how_s, line);
            free(line);
        } else {
            cr_expect_leq(w, 1, "%s %s: %u warnings:\n%s", thing, how_s, w, r.err);
        }
        e2e_run_free(&r);
        char *got = tree_of(pub);
        cr_expect_str_eq(got, ref, "%s %s, build %d: the output is not a clean build's", thing,
                         how_s, pass + 1);
        free(got);
        free(ref);
        struct stat st;
        cr_expect(!(lstat(path, &st) == 0 && S_ISDIR(st.st_mode)),
                  "%s %s, build %d: still a directory in the render pack", thing, how_s,
                  pass + 1);
        if (pass == 0) { /* the damage was seen: those pages were rendered */
            long from = e2e_stat_of(stats, "markdown_from_cache"), want = sourced_pages(site);
            if (what == PK_INDEX)
                cr_expect_eq(from, 0, "%s %s: %ld pages' markdown from a damaged index", thing,
                             how_s, from);
            else if (how != PK_VERSION) /* a segment's header is checked when adopted */
                cr_expect_lt(from, want, "%s %s: every page's markdown from the pack", thing,
                             how_s);
        } else {
            long from = e2e_stat_of(stats, "markdown_from_cache"), want = sourced_pages(site);
            cr_expect_eq(from, want, "%s %s: after the damaged build, %ld pages' markdown from "
                         "the pack, expected %ld (the pack was not made whole again)",
                         thing, how_s, from, want);
        }
        config_title(site, "Edited after the damage");
    }
}

/* The render pack's index damaged in every way, then its biggest
 * segment: no build fails or warns more than once, none publishes what
 * a clean build would not. */
Test(state, damaged_render_pack)
{
    char *base = e2e_tmpdir();
    int row = 0;
    for (int how = 0; how < N_PACK_DAMAGES; how++)
        pack_row(base, row++, PK_INDEX, how);
    for (int how = 0; how < N_PACK_DAMAGES; how++)
        pack_row(base, row++, PK_SEGMENT, how);
}

/* --no-cache starts the pack again: no segment of the build before it is
 * left, and the pack it leaves is whole (a config edit then takes every
 * page's markdown from it). */
Test(state, no_cache_replaces_the_render_pack)
{
    char *site = e2e_site("docs");
    char *render = e2e_fmt("%s/.bengal/render", site);
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    build_quiet(site);
    config_title(site, "Second");
    build_quiet(site); /* two builds' segments */
    char *before = segments(render, NULL, 0);
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", "--no-cache", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_eq(warnings(r.err), 0, "%s", r.err);
    e2e_run_free(&r);
    char *after = segments(render, NULL, 0);
    for (char *name = strtok(before, " "); name; name = strtok(NULL, " "))
        cr_expect(!e2e_exists(e2e_fmt("%s/%s", render, name)),
                  "%s of the build before --no-cache was left (before: %s; now: %s)", name,
                  before, after);
    free(before);
    free(after);
    config_title(site, "Third");
    e2e_bf(&r, "-q", "-j", "2", "--stats-json", stats, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    long from = e2e_stat_of(stats, "markdown_from_cache"), want = sourced_pages(site);
    cr_assert_eq(from, want, "after --no-cache and a config edit: %ld pages' markdown from the "
                 "pack, expected %ld\n%s", from, want, e2e_own_file(stats, NULL));
    char *ref = clean_tree(site, e2e_tmpdir(), "ref");
    char *got = tree_of(e2e_fmt("%s/public", site));
    cr_assert_str_eq(got, ref, "the output is not a clean build's");
    free(got);
    free(ref);
}

/* A config edit no page's markdown sees: every page is rendered again,
 * and every page with a source file takes its markdown from the pack;
 * the output is a clean build's. */
Test(state, config_edit_takes_markdown_from_the_pack)
{
    char *site = e2e_site("docs");
    char *stats = e2e_fmt("%s/stats.json", e2e_tmpdir());
    build_quiet(site);
    config_title(site, "Example Docs, edited");
    e2e_run_t r;
    e2e_bf(&r, "-q", "-j", "2", "--stats-json", stats, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    char *json = e2e_own_file(stats, NULL);
    long from = e2e_stat_of(stats, "markdown_from_cache"), want = sourced_pages(site), reused = pages_reused(stats);
    cr_assert_eq(reused, 0, "a config edit reused pages: the test edits the wrong thing\n%s",
                 json);
    cr_assert_eq(from, want, "markdown_from_cache %ld, pages with a source %ld\n%s", from, want,
                 json);
    char *ref = clean_tree(site, e2e_tmpdir(), "ref");
    char *got = tree_of(e2e_fmt("%s/public", site));
    cr_assert_str_eq(got, ref, "the output is not a clean build's");
    free(got);
    free(ref);
}

/* ---- clean --------------------------------------------------------------- */

static void build_ok(const char *site, const char *cache, const char *out)
{
    e2e_run_t r;
    if (cache)
        e2e_bf(&r, "-q", "-j", "2", "--cache-dir", cache, "-o", out, site, NULL);
    else
        e2e_bf(&r, "-q", "-j", "2", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
}

/* Builds three times (editing a page before the third), so that there
 * is an output, its standby and a full state directory. */
static void build_thrice(const char *site, const char *cache, const char *out)
{
    build_ok(site, cache, out);
    build_ok(site, cache, out);
    append(e2e_fmt("%s/" EDITED_PAGE, site), "\nEdited.\n");
    build_ok(site, cache, out);
}

Test(state, clean)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site), *stg = e2e_fmt("%s/public.staging", site);
    char *lock = e2e_fmt("%s/public.lock", site), *state = e2e_fmt("%s/.bengal", site);
    e2e_run_t r;
    build_thrice(site, NULL, NULL);
    cr_assert(e2e_exists(pub) && e2e_exists(stg) && e2e_exists(state),
              "the builds left no output, standby or state to clean");
    e2e_write_str(lock, ""); /* a lock file left by a killed build */
    char *sources = listing(site);

    e2e_bf(&r, "clean", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(pub), "clean left public");
    cr_assert(!e2e_exists(stg), "clean left public.staging");
    cr_assert(!e2e_exists(lock), "clean left public.lock");
    cr_assert(!e2e_exists(state), "clean left .bengal");
    cr_assert(e2e_exists(e2e_fmt("%s/" EDITED_PAGE, site)), "clean removed a source");
    char *cleaned = listing(site);

    /* again: nothing to do, still fine, nothing left behind */
    e2e_bf(&r, "clean", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "second clean: %s", r.err);
    e2e_run_free(&r);
    cr_assert_str_eq(listing(site), cleaned, "the second clean changed the site");
    cr_assert_neq(strcmp(sources, cleaned), 0);

    /* a directory at the output that is not ours is refused and kept */
    cr_assert_eq(mkdir(pub, 0755), 0);
    e2e_write_str(e2e_fmt("%s/thesis.txt", pub), "years of work");
    e2e_bf(&r, "clean", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 2, "clean of a foreign output: status %d\n%s", r.status, r.err);
    e2e_run_free(&r);
    char *kept = e2e_own_file(e2e_fmt("%s/thesis.txt", pub), NULL);
    cr_assert(kept && strcmp(kept, "years of work") == 0, "clean touched a foreign output");

    /* --cache-dir and -o: those are removed, the site's public (foreign)
     * is not looked at */
    char *dir = e2e_tmpdir();
    char *cache = e2e_fmt("%s/cache", dir), *out = e2e_fmt("%s/out", dir);
    build_thrice(site, cache, out);
    cr_assert(e2e_exists(cache) && e2e_exists(out) && e2e_exists(e2e_fmt("%s.staging", out)));
    e2e_bf(&r, "clean", "--cache-dir", cache, "-o", out, site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(cache), "clean --cache-dir left the state directory");
    cr_assert(!e2e_exists(out), "clean -o left the output");
    cr_assert(!e2e_exists(e2e_fmt("%s.staging", out)), "clean -o left the standby");
    cr_assert(!e2e_exists(e2e_fmt("%s.lock", out)), "clean -o left the lock file");
    kept = e2e_own_file(e2e_fmt("%s/thesis.txt", pub), NULL);
    cr_assert(kept && strcmp(kept, "years of work") == 0, "clean -o touched the site's public");
}

/* A clean that is refused changes nothing: not the output, and it does
 * not leave a state directory where there was none. */
Test(state, refused_clean_leaves_the_site_as_it_was)
{
    char *site = e2e_site("docs");
    char *pub = e2e_fmt("%s/public", site);
    cr_assert_eq(mkdir(pub, 0755), 0);
    e2e_write_str(e2e_fmt("%s/thesis.txt", pub), "years of work");
    char *before = listing(site);
    e2e_run_t r;
    e2e_bf(&r, "clean", site, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 2, "status %d\n%s", r.status, r.err);
    e2e_run_free(&r);
    cr_assert(!e2e_exists(e2e_fmt("%s/.bengal", site)),
              "a refused clean made a state directory (.bengal) in the site");
    cr_assert_str_eq(listing(site), before, "a refused clean changed the site");
}
