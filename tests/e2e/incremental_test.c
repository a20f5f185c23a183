/*
 * tests/e2e/incremental_test.c - a rebuild over the previous build equals a
 * clean build of the same input, whatever changed.
 *
 * Incremental rebuilds keep state between builds (SITE/.bengal: caches, a
 * render cache, the manifest of the last output; a standby output tree
 * patched instead of rewritten).  The one invariant tested here: after ANY
 * change to the site, a rebuild with the same site directory, the same
 * .bengal and the same output directory (-o) publishes a tree that is
 * byte-for-byte the tree a clean build publishes (a copy of the site
 * without .bengal, built into an output directory that does not exist),
 * and no stale file or directory is left in it.
 *
 * Each test copies a fixture, builds it, checks the equality once, and
 * then applies its changes one at a time, each followed by a rebuild and
 * the same check; the sequence test chains many changes over one output,
 * since a standby tree two builds old shows bugs the first rebuild does
 * not.  The fault tests kill parts of a rebuild (BENGAL_FAULT hooks of
 * shared/farm.h, and SIGKILL of the coordinator): a build that fails must
 * leave the previous tree as it was, and the next build must still equal a
 * clean one.
 *
 * A full build passes all of these by construction; they are here to
 * catch the incremental machinery (the standby tree, the page cache, the
 * "nothing changed" fast path).  The one equality check is the manifest
 * comparison (tree_manifest / assert_same_tree): every regular file,
 * symlink and directory, with its relative path, type, permission bits,
 * size and an XXH3 hash of its bytes; a difference names the first path
 * that differs and how, with an excerpt of both files there.
 *
 * Inputs younger than two seconds are never trusted by their stat alone
 * ("racy"), so the tests of changes that stat cannot see (a symlink's
 * target, the clock, damaged state files) first let the fixture age
 * (settle(), 2.6 s); the others run at full speed and so exercise the
 * content-comparing paths.
 *
 * Every build runs with SOURCE_DATE_EPOCH (2025-06-15), as golden_test.c
 * does, so that the output depends on the input only; the clock tests move
 * it on purpose.
 */
#include "tests/e2e/helpers.h"

#include <dirent.h>
#include <limits.h>
#include <sys/prctl.h>
#include <xxhash.h>

#define EPOCH "1750000000"       /* 2025-06-15 */
#define EPOCH_LATER "1760000000" /* 2025-10-09 */

static const char *step_name; /* what the test is checking now, for messages */
static char *scratch;         /* one tmpdir per test for the clean builds */
static int n_clean;

static void setup(void)
{
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH, 1) == 0);
    unsetenv("BENGAL_FAULT");
    step_name = "first build";
    scratch = NULL;
    n_clean = 0;
}

static void cleanup(void);
TestSuite(incremental, .init = setup, .fini = cleanup, .timeout = 240);

/* Names the change being checked: failure messages say which one. */
static void step(const char *name)
{
    step_name = name;
}

/* snprintf into a PATH_MAX buffer; a path that does not fit fails the
 * test. */
static void pathf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pathf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, PATH_MAX, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0 && n < PATH_MAX, "a path too long for the test: %.200s...", buf);
}

/* ---- the tree manifest ---------------------------------------------------- */

typedef struct {
    char *path;     /* relative to the root, '/'-separated */
    char type;      /* 'f' regular, 'd' directory, 'l' symlink, 'o' other */
    unsigned mode;  /* permission bits */
    long long size; /* bytes (0 for a directory: its st_size is history) */
    uint64_t hash;  /* XXH3 of the bytes, or of the symlink's target */
} entry_t;

typedef struct {
    entry_t *v;
    size_t n, cap;
} manifest_t;

static void manifest_add(manifest_t *m, entry_t e)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 128;
        m->v = realloc(m->v, m->cap * sizeof *m->v);
        cr_assert(m->v, "out of memory");
    }
    m->v[m->n++] = e;
}

static void manifest_walk(manifest_t *m, const char *root, const char *rel)
{
    char dir[PATH_MAX];
    pathf(dir, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(dir);
    cr_assert(d, "[%s] cannot list \"%s\": %s", step_name, dir, strerror(errno));
    for (struct dirent *de; (de = readdir(d));) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char crel[PATH_MAX], path[PATH_MAX];
        pathf(crel, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        pathf(path, "%s/%s", root, crel);
        struct stat st;
        cr_assert(lstat(path, &st) == 0, "[%s] lstat \"%s\": %s", step_name, path, strerror(errno));
        entry_t e = {.path = strdup(crel), .mode = st.st_mode & 07777};
        cr_assert(e.path, "out of memory");
        if (S_ISREG(st.st_mode)) {
            size_t len = 0;
            char *data = e2e_read_file(path, &len);
            cr_assert(data, "[%s] cannot read \"%s\": %s", step_name, path, strerror(errno));
            e.type = 'f';
            e.size = (long long)len;
            e.hash = XXH3_64bits(data, len);
            free(data);
        } else if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(path, target, sizeof target);
            cr_assert(n >= 0, "[%s] readlink \"%s\": %s", step_name, path, strerror(errno));
            e.type = 'l';
            e.size = n;
            e.hash = XXH3_64bits(target, (size_t)n);
        } else if (S_ISDIR(st.st_mode)) {
            e.type = 'd';
        } else {
            e.type = 'o';
            e.size = (long long)st.st_size;
        }
        manifest_add(m, e);
        if (e.type == 'd')
            manifest_walk(m, root, crel);
    }
    closedir(d);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry_t *)a)->path, ((const entry_t *)b)->path);
}

/* The manifests not yet freed: a failed assertion leaves some, which the
 * suite's .fini frees (LeakSanitizer runs at the test's exit). */
#define MAX_LIVE 32
static manifest_t *live[MAX_LIVE];

static void manifest_free(manifest_t *m)
{
    if (!m)
        return;
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i] == m)
            live[i] = NULL;
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].path);
    free(m->v);
    free(m);
}

/* Every entry under root (not root itself), sorted by path (bytewise);
 * free it with manifest_free(). */
static manifest_t *tree_manifest(const char *root)
{
    manifest_t *m = calloc(1, sizeof *m);
    cr_assert(m, "out of memory");
    int slot = 0;
    while (slot < MAX_LIVE && live[slot])
        slot++;
    cr_assert(slot < MAX_LIVE, "too many manifests alive at once");
    live[slot] = m;
    manifest_walk(m, root, "");
    qsort(m->v, m->n, sizeof *m->v, entry_cmp);
    return m;
}

static void cleanup(void)
{
    for (int i = 0; i < MAX_LIVE; i++)
        manifest_free(live[i]);
    e2e_cleanup();
}

static const char *type_name(char t)
{
    return t == 'f' ? "file" : t == 'd' ? "directory" : t == 'l' ? "symlink" : "special file";
}

static void describe(char *buf, size_t cap, const entry_t *e)
{
    if (e->type == 'd')
        snprintf(buf, cap, "directory, mode %04o", e->mode);
    else
        snprintf(buf, cap, "%s, mode %04o, %lld bytes, xxh3 %016llx", type_name(e->type), e->mode,
                 e->size, (unsigned long long)e->hash);
}

/* Up to 70 bytes of data from off, non-printables escaped, into buf. */
static void excerpt(char *buf, size_t cap, const char *data, size_t len, size_t off)
{
    size_t o = 0;
    for (size_t i = off; i < len && i < off + 70 && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n')
            o += (size_t)snprintf(buf + o, cap - o, "\\n");
        else if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
    }
    buf[o] = '\0';
}

/* Where two regular files first differ, with an excerpt of each there. */
static void content_diff(char *buf, size_t cap, const char *pa, const char *pb)
{
    size_t la = 0, lb = 0;
    char *a = e2e_read_file(pa, &la), *b = e2e_read_file(pb, &lb);
    if (!a || !b) {
        snprintf(buf, cap, "(cannot read them again)");
        free(a);
        free(b);
        return;
    }
    size_t i = 0;
    while (i < la && i < lb && a[i] == b[i])
        i++;
    size_t from = i > 30 ? i - 30 : 0;
    char xa[512], xb[512];
    excerpt(xa, sizeof xa, a, la, from);
    excerpt(xb, sizeof xb, b, lb, from);
    snprintf(buf, cap, "first differing byte at offset %zu:\n    %s\n    %s", i, xa, xb);
    free(a);
    free(b);
}

/* NULL if the trees are the same; else a message (owned by the helpers)
 * naming the first differing path and counting the differences. */
static char *manifest_diff(const char *na, const char *ra, const manifest_t *a, const char *nb,
                           const char *rb, const manifest_t *b)
{
    size_t i = 0, j = 0, ndiff = 0;
    char first[4096] = "";
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i].path, b->v[j].path);
        char da[256], db[256];
        if (c < 0) {
            if (!ndiff++) {
                describe(da, sizeof da, &a->v[i]);
                snprintf(first, sizeof first, "\"%s\" is in the %s (%s) but not in the %s",
                         a->v[i].path, na, da, nb);
            }
            i++;
            continue;
        }
        if (c > 0) {
            if (!ndiff++) {
                describe(db, sizeof db, &b->v[j]);
                snprintf(first, sizeof first, "\"%s\" is in the %s (%s) but not in the %s",
                         b->v[j].path, nb, db, na);
            }
            j++;
            continue;
        }
        const entry_t *x = &a->v[i], *y = &b->v[j];
        if (x->type != y->type || x->mode != y->mode || x->size != y->size || x->hash != y->hash) {
            if (!ndiff++) {
                describe(da, sizeof da, x);
                describe(db, sizeof db, y);
                char more[1200] = "";
                /* an excerpt only from two trees still on disk (not a tree
                 * against its own earlier manifest) */
                if (x->type == 'f' && y->type == 'f' && strcmp(ra, rb) != 0 &&
                    (x->size != y->size || x->hash != y->hash)) {
                    char pa[PATH_MAX], pb[PATH_MAX];
                    pathf(pa, "%s/%s", ra, x->path);
                    pathf(pb, "%s/%s", rb, y->path);
                    content_diff(more, sizeof more, pa, pb);
                }
                snprintf(first, sizeof first, "\"%s\" differs: %s: %s; %s: %s%s%s", x->path, na, da,
                         nb, db, *more ? "; " : "", more);
            }
        }
        i++;
        j++;
    }
    if (!ndiff)
        return NULL;
    return e2e_fmt("%s (%s vs %s)\n  first difference: %s\n  %zu differing path%s in all", na, ra,
                   rb, first, ndiff, ndiff == 1 ? "" : "s");
}

/* Fails the test unless the two trees are the same, naming the first
 * path that differs. */
static void assert_same_tree(const char *what, const char *na, const char *ra, const manifest_t *a,
                             const char *nb, const char *rb, const manifest_t *b)
{
    char *d = manifest_diff(na, ra, a, nb, rb, b);
    cr_assert(!d, "[%s] %s: %s", step_name, what, d);
}

/* ---- builds --------------------------------------------------------------- */

/* Runs `bengal-farm -q -j 2 [extra] -o out site` with BENGAL_FAULT=fault
 * (if not NULL); the caller frees r. */
static void run_build(e2e_run_t *r, const char *site, const char *out, const char *fault,
                      const char *const *extra)
{
    const char *argv[E2E_MAX_ARGS + 1];
    int n = 0;
    argv[n++] = e2e_bin();
    argv[n++] = "-q";
    argv[n++] = "-j";
    argv[n++] = "2";
    for (; extra && *extra; extra++) {
        cr_assert(n < E2E_MAX_ARGS - 4, "too many build arguments");
        argv[n++] = *extra;
    }
    argv[n++] = "-o";
    argv[n++] = out;
    argv[n++] = site;
    argv[n] = NULL;
    if (fault)
        setenv("BENGAL_FAULT", fault, 1);
    e2e_run(r, argv);
    if (fault)
        unsetenv("BENGAL_FAULT");
}

static void build_ok(const char *site, const char *out, const char *const *extra)
{
    e2e_run_t r;
    run_build(&r, site, out, NULL, extra);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 0, "[%s] the build of %s failed (exit %d):\n%s", step_name, site,
                 r.status, r.err);
    e2e_run_free(&r);
}

static void sh(const char *cmd)
{
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c", cmd, NULL);
    cr_assert_eq(r.status, 0, "[%s] `%s` failed: %s", step_name, cmd, r.err);
    e2e_run_free(&r);
}

/* A clean build of what site holds now: a copy without .bengal, built
 * with the same arguments into an output that does not exist.  dir gets
 * the directory holding both (for clean_done), out the output. */
static void clean_build(const char *site, const char *const *extra, char dir[PATH_MAX],
                        char out[PATH_MAX])
{
    if (!scratch)
        scratch = e2e_tmpdir();
    pathf(dir, "%s/%d", scratch, ++n_clean);
    cr_assert_eq(mkdir(dir, 0777), 0, "mkdir %s: %s", dir, strerror(errno));
    char copy[PATH_MAX], dot[PATH_MAX];
    pathf(copy, "%s/site", dir); /* same name: a title may default to it */
    pathf(dot, "%s/.bengal", copy);
    e2e_run_t r;
    e2e_runl(&r, "cp", "-a", site, copy, NULL);
    cr_assert_eq(r.status, 0, "cp -a %s %s: %s", site, copy, r.err);
    e2e_run_free(&r);
    e2e_runl(&r, "rm", "-rf", dot, NULL);
    e2e_run_free(&r);
    pathf(out, "%s/out", dir);
    cr_assert(!e2e_exists(out));
    const char *saved = step_name;
    char label[256];
    snprintf(label, sizeof label, "%s (the clean build)", saved);
    step_name = label;
    build_ok(copy, out, extra);
    step_name = saved;
}

static void clean_done(const char *dir)
{
    e2e_run_t r;
    e2e_runl(&r, "rm", "-rf", dir, NULL);
    e2e_run_free(&r);
}

/* The published tree out equals a clean build of site (no build of out). */
static void out_equals_clean(const char *site, const char *out, const char *const *extra)
{
    char dir[PATH_MAX], cout[PATH_MAX];
    clean_build(site, extra, dir, cout);
    manifest_t *a = tree_manifest(out), *b = tree_manifest(cout);
    assert_same_tree("the rebuild differs from a clean build", "rebuild", out, a, "clean build",
                     cout, b);
    manifest_free(a);
    manifest_free(b);
    clean_done(dir);
}

/* Rebuilds site into out (it must succeed) and checks that the published
 * tree equals a clean build's, with the same extra arguments. */
static void rebuild_equals_clean_v(const char *site, const char *out, const char *const *extra)
{
    build_ok(site, out, extra);
    out_equals_clean(site, out, extra);
}

#define MAX_EXTRA 16

/* rebuild_equals_clean(site, out, "--drafts", NULL) */
static void rebuild_equals_clean(const char *site, const char *out, ...) __attribute__((sentinel));
static void rebuild_equals_clean(const char *site, const char *out, ...)
{
    const char *extra[MAX_EXTRA + 1];
    int n = 0;
    va_list ap;
    va_start(ap, out);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        cr_assert(n < MAX_EXTRA, "rebuild_equals_clean: too many arguments");
        extra[n++] = a;
    }
    va_end(ap);
    extra[n] = NULL;
    rebuild_equals_clean_v(site, out, extra);
}

/* The output beside the site: TMP/out for the site TMP/site. */
static char *out_of(const char *site)
{
    char *out = e2e_fmt("%s", site);
    char *slash = strrchr(out, '/');
    cr_assert(slash && !strcmp(slash, "/site"), "not a site made by e2e_site: %s", site);
    strcpy(slash, "/out");
    return out;
}

/* A copy of the fixture, built once into its output, which is checked
 * against a clean build; *out gets the output. */
static char *first_build(const char *fixture, char **out, ...) __attribute__((sentinel));
static char *first_build(const char *fixture, char **out, ...)
{
    const char *extra[MAX_EXTRA + 1];
    int n = 0;
    va_list ap;
    va_start(ap, out);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        cr_assert(n < MAX_EXTRA, "first_build: too many arguments");
        extra[n++] = a;
    }
    va_end(ap);
    extra[n] = NULL;
    char *site = e2e_site(fixture);
    *out = out_of(site);
    step("first build");
    rebuild_equals_clean_v(site, *out, extra);
    return site;
}

/* Waits until every file of the site is more than two seconds old, so that
 * a build may record its inputs by their stat(2) alone ("racy" files, too
 * young for their times to be trusted, are never recorded): the rebuilds
 * after it then exercise the paths that trust stat, not only those that
 * compare contents. */
static void settle(void)
{
    usleep(2600 * 1000);
}

/* first_build() of a fixture whose files are first left to age (settle()),
 * so that its builds may record their inputs. */
static char *first_build_settled(const char *fixture, char **out)
{
    char *site = e2e_site(fixture);
    *out = out_of(site);
    settle();
    step("first build");
    rebuild_equals_clean(site, *out, NULL);
    return site;
}

/* ---- changes to the site -------------------------------------------------- */

static void path_in(char buf[PATH_MAX], const char *site, const char *rel)
{
    pathf(buf, "%s/%s", site, rel);
}

static void mkdirs_for(const char *path)
{
    char dir[PATH_MAX];
    pathf(dir, "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        cr_assert(mkdir(dir, 0777) == 0 || errno == EEXIST, "mkdir %s: %s", dir, strerror(errno));
        *p = '/';
    }
}

/* Writes SITE/rel (and the directories above it). */
static void put(const char *site, const char *rel, const char *text)
{
    char p[PATH_MAX];
    path_in(p, site, rel);
    mkdirs_for(p);
    e2e_write_str(p, text);
}

/* Replaces the first occurrence of old with new in SITE/rel. */
static void edit(const char *site, const char *rel, const char *old, const char *new)
{
    char p[PATH_MAX];
    path_in(p, site, rel);
    size_t len = 0;
    char *s = e2e_read_file(p, &len);
    cr_assert(s, "[%s] cannot read %s: %s", step_name, p, strerror(errno));
    char *at = strstr(s, old);
    cr_assert(at, "[%s] \"%s\" is not in %s", step_name, old, p);
    size_t lo = strlen(old), ln = strlen(new), head = (size_t)(at - s);
    char *t = malloc(len - lo + ln + 1);
    cr_assert(t, "out of memory");
    memcpy(t, s, head);
    memcpy(t + head, new, ln);
    memcpy(t + head + ln, at + lo, len - head - lo + 1);
    e2e_write_file(p, t, len - lo + ln);
    free(s);
    free(t);
}

/* Removes SITE/rel, file or tree. */
static void rm(const char *site, const char *rel)
{
    char p[PATH_MAX];
    path_in(p, site, rel);
    cr_assert(e2e_exists(p), "[%s] %s does not exist", step_name, p);
    e2e_run_t r;
    e2e_runl(&r, "rm", "-rf", p, NULL);
    cr_assert_eq(r.status, 0, "rm -rf %s: %s", p, r.err);
    e2e_run_free(&r);
}

/* Renames SITE/from to SITE/to (making the directories above to). */
static void mv(const char *site, const char *from, const char *to)
{
    char a[PATH_MAX], b[PATH_MAX];
    path_in(a, site, from);
    path_in(b, site, to);
    mkdirs_for(b);
    cr_assert_eq(rename(a, b), 0, "[%s] rename %s %s: %s", step_name, a, b, strerror(errno));
}

/* Replaces old with new (the same length) in SITE/rel in place: the same
 * inode, the same size, and the old atime and mtime put back to the
 * nanosecond, so that only the bytes tell that the file changed. */
static void edit_same_stat(const char *site, const char *rel, const char *old, const char *new)
{
    cr_assert_eq(strlen(old), strlen(new), "edit_same_stat: \"%s\" and \"%s\" differ in length",
                 old, new);
    char p[PATH_MAX];
    path_in(p, site, rel);
    struct stat before, after;
    cr_assert_eq(stat(p, &before), 0, "stat %s: %s", p, strerror(errno));
    size_t len = 0;
    char *s = e2e_read_file(p, &len);
    cr_assert(s, "cannot read %s", p);
    char *at = strstr(s, old);
    cr_assert(at, "[%s] \"%s\" is not in %s", step_name, old, p);
    int fd = open(p, O_WRONLY);
    cr_assert(fd >= 0, "open %s: %s", p, strerror(errno));
    cr_assert_eq(pwrite(fd, new, strlen(new), at - s), (ssize_t)strlen(new), "pwrite %s", p);
    cr_assert_eq(close(fd), 0);
    free(s);
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    cr_assert_eq(utimensat(AT_FDCWD, p, times, 0), 0, "utimensat %s: %s", p, strerror(errno));
    cr_assert_eq(stat(p, &after), 0);
    cr_assert(after.st_ino == before.st_ino && after.st_size == before.st_size &&
                  after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
                  after.st_mtim.tv_nsec == before.st_mtim.tv_nsec,
              "[%s] %s: the edit changed more than the bytes", step_name, p);
}

/* ---- one change at a time ------------------------------------------------- */

Test(incremental, nothing_changed)
{
    char *out;
    char *site = first_build_settled("features", &out);
    manifest_t *first = tree_manifest(out);
    step("second build, nothing changed");
    rebuild_equals_clean(site, out, NULL);
    manifest_t *second = tree_manifest(out);
    assert_same_tree("a build with nothing changed changed the output", "first build", out, first,
                     "second build", out, second);
    step("third build, nothing changed");
    rebuild_equals_clean(site, out, NULL);
    manifest_t *third = tree_manifest(out);
    assert_same_tree("a build with nothing changed changed the output", "first build", out, first,
                     "third build", out, third);
    manifest_free(first);
    manifest_free(second);
    manifest_free(third);
}

Test(incremental, page_body_edited)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("a paragraph of docs/intro.md edited (its excerpt in lists and index.json)");
    edit(site, "content/docs/intro.md", "A short introduction", "A longer, edited introduction");
    rebuild_equals_clean(site, out, NULL);
    step("a heading of docs/intro.md edited (its TOC)");
    edit(site, "content/docs/intro.md", "## Next steps", "## Where to go next");
    rebuild_equals_clean(site, out, NULL);
    step("the body of blog/post-1.md edited (the blog list, the feed)");
    edit(site, "content/blog/post-1.md", "News number 1.", "News number 1, revised at length.");
    rebuild_equals_clean(site, out, NULL);
    step("math added to docs/intro.md (KaTeX is published with the site)");
    edit(site, "content/docs/intro.md", "## Where to go next",
         "Math: $x^2 + 1$.\n\n## Where to go next");
    rebuild_equals_clean(site, out, NULL);
    step("a mermaid block added to blog/post-1.md");
    edit(site, "content/blog/post-1.md", "News number 1",
         "```mermaid\ngraph TD; A-->B\n```\n\nNews number 1");
    rebuild_equals_clean(site, out, NULL);
    step("the math removed again (KaTeX goes)");
    edit(site, "content/docs/intro.md", "Math: $x^2 + 1$.\n\n", "");
    rebuild_equals_clean(site, out, NULL);
    step("docs/intro.md edited back");
    edit(site, "content/docs/intro.md", "A longer, edited introduction", "A short introduction");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, page_title_edited)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    /* Installing: in docs/guide's list, configure's prev, the tags basics
     * and cli, the category tutorial, intro's [[docs/guide/install]] text,
     * index.json, llms.txt, the sitemap, the alias /old/install/. */
    step("the title of docs/guide/install.md edited");
    edit(site, "content/docs/guide/install.md", "title: Installing", "title: Installing it all");
    rebuild_equals_clean(site, out, NULL);
    step("the title of pair/first.md edited");
    edit(site, "content/pair/first.md", "title: First of two", "title: The first one");
    rebuild_equals_clean(site, out, NULL);
    step("the weights of pair/first.md and pair/second.md swapped (order, prev/next)");
    edit(site, "content/pair/first.md", "weight: 1", "weight: 9");
    rebuild_equals_clean(site, out, NULL);
    step("the date of blog/post-1.md edited (blog order, the feed)");
    edit(site, "content/blog/post-1.md", "date: 2024-04-01", "date: 2024-06-01");
    rebuild_equals_clean(site, out, NULL);
    step("the title of the section docs/guide (_index.md) edited (breadcrumbs, sidebars)");
    edit(site, "content/docs/guide/_index.md", "title: Guide", "title: The Guide");
    rebuild_equals_clean(site, out, NULL);
    step("the menu name in the front matter of tuning.md edited (every page's menu)");
    edit(site, "content/docs/guide/advanced/tuning.md", "name: Tuning guide", "name: Tune it");
    rebuild_equals_clean(site, out, NULL);
    step("the title of docs/guide/install.md edited back");
    edit(site, "content/docs/guide/install.md", "title: Installing it all", "title: Installing");
    rebuild_equals_clean(site, out, NULL);
    /* syntax.md is titled by its leading "# Writing syntax", which its
     * body leaves out; with another title the body shows it.  The body and
     * its first line stay as they were, so the markdown kept from the last
     * build (the render pack) must not serve */
    step("a front matter title other than its first heading given to syntax.md");
    edit(site, "content/syntax.md", "description: Alerts, admonitions, tabs, figures and dropdowns.",
         "title: Syntax tour");
    rebuild_equals_clean(site, out, NULL);
    step("the title of syntax.md removed again (from its first heading)");
    edit(site, "content/syntax.md", "title: Syntax tour",
         "description: Alerts, admonitions, tabs, figures and dropdowns.");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, front_matter_edited)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("the alias of docs/guide/install.md changed (the old redirect goes)");
    edit(site, "content/docs/guide/install.md", "aliases: [/old/install/]",
         "aliases: [/older/install/, /oldest/install/]");
    rebuild_equals_clean(site, out, NULL);
    step("the tags of docs/guide/advanced/tuning.md changed (a term page goes, one comes)");
    edit(site, "content/docs/guide/advanced/tuning.md", "tags: [performance]",
         "tags: [speed, cli]");
    rebuild_equals_clean(site, out, NULL);
    step("a slug given to docs/guide/configure.md (its URL moves)");
    edit(site, "content/docs/guide/configure.md", "weight: 2\n", "weight: 2\nslug: config\n");
    rebuild_equals_clean(site, out, NULL);
    step("a url given to about.md");
    edit(site, "content/about.md", "title: About\n", "title: About\nurl: /who/we/are/\n");
    rebuild_equals_clean(site, out, NULL);
    step("a description and a summary changed (lists, index.json, llms.txt)");
    edit(site, "content/docs/guide/install.md", "Install it on any system.",
         "Install it anywhere.\nsummary: Build, then install.");
    rebuild_equals_clean(site, out, NULL);
    step("a cascade added to docs/_index.md (every docs page's params)");
    edit(site, "content/docs/_index.md", "title: Documentation\n",
         "title: Documentation\ncascade:\n  toc: false\n");
    rebuild_equals_clean(site, out, NULL);
    step("the cascade removed");
    edit(site, "content/docs/_index.md", "cascade:\n  toc: false\n", "");
    rebuild_equals_clean(site, out, NULL);
    step("the slug and the url removed again");
    edit(site, "content/docs/guide/configure.md", "slug: config\n", "");
    edit(site, "content/about.md", "url: /who/we/are/\n", "");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, page_removed)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("docs/guide/advanced/tuning.md removed (its tag, its menu entry)");
    rm(site, "content/docs/guide/advanced/tuning.md");
    rebuild_equals_clean(site, out, NULL);
    step("blog/post-3.md removed (blog/page/2/ goes)");
    rm(site, "content/blog/post-3.md");
    rebuild_equals_clean(site, out, NULL);
    step("pair/second.md removed");
    rm(site, "content/pair/second.md");
    rebuild_equals_clean(site, out, NULL);
    step("the leaf bundle docs/setup's resource notes.txt removed");
    rm(site, "content/docs/setup/notes.txt");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, page_added)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("pair/third.md added (pair/page/2/, a new tag)");
    put(site, "content/pair/third.md",
        "---\ntitle: Third of two\ndate: 2024-05-04\nweight: 4\ntags: [fresh, news]\n---\n\n"
        "A third page, see [[docs/intro]].\n");
    rebuild_equals_clean(site, out, NULL);
    step("docs/guide/advanced/more.md added");
    put(site, "content/docs/guide/advanced/more.md",
        "---\ntitle: More tuning\ndate: 2024-03-04\nweight: 2\ntags: [performance]\n---\n\n"
        "## More\n\nEven more workers.\n");
    rebuild_equals_clean(site, out, NULL);
    step("a leaf bundle docs/extra/ with a resource added");
    put(site, "content/docs/extra/index.md",
        "---\ntitle: Extra\ndate: 2024-02-03\nweight: 3\n---\n\nSee [the data](data.csv).\n");
    put(site, "content/docs/extra/data.csv", "a,b\n1,2\n");
    rebuild_equals_clean(site, out, NULL);
    step("content/.notes.md and content/docs/.draft/x.md added (ignored)");
    put(site, "content/.notes.md", "---\ntitle: Notes\n---\n\nIgnored.\n");
    put(site, "content/docs/.draft/x.md", "---\ntitle: X\n---\n\nIgnored.\n");
    rebuild_equals_clean(site, out, NULL);
    step("a new section news/ added");
    put(site, "content/news/_index.md", "---\ntitle: News\n---\n\nAll the news.\n");
    put(site, "content/news/one.md", "---\ntitle: One\ndate: 2024-07-01\n---\n\nOne item.\n");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, page_moved_to_another_section)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("blog/post-2.md moved to pair/ (blog loses its second pager, pair gains one)");
    mv(site, "content/blog/post-2.md", "content/pair/post-2.md");
    rebuild_equals_clean(site, out, NULL);
    step("docs/guide/configure.md moved to docs/ (its ../intro.md link breaks)");
    mv(site, "content/docs/guide/configure.md", "content/docs/configure.md");
    rebuild_equals_clean(site, out, NULL);
    step("docs/setup/notes.txt moved from the bundle to static/");
    mv(site, "content/docs/setup/notes.txt", "static/docs/setup/notes.txt");
    rebuild_equals_clean(site, out, NULL);
    step("both pages moved back");
    mv(site, "content/pair/post-2.md", "content/blog/post-2.md");
    mv(site, "content/docs/configure.md", "content/docs/guide/configure.md");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, cross_reference_target_renamed)
{
    char *out;
    char *site = e2e_site("features");
    out = out_of(site);
    /* A page linking to the targets both ways: [[ref]] and a .md link. */
    put(site, "content/docs/links.md",
        "---\ntitle: Links\ndate: 2024-02-05\nweight: 5\n---\n\n"
        "Install with [[docs/guide/install]] or [[docs/guide/install|the guide]].\n\n"
        "Tune with [the tuning page](guide/advanced/tuning.md#workers).\n");
    step("first build");
    rebuild_equals_clean(site, out, NULL);
    /* broken references are warnings: the builds still exit 0 */
    step("docs/guide/install.md renamed: [[docs/guide/install]] is broken");
    mv(site, "content/docs/guide/install.md", "content/docs/guide/installation.md");
    rebuild_equals_clean(site, out, NULL);
    step("docs/guide/advanced/tuning.md renamed: the .md link is broken");
    mv(site, "content/docs/guide/advanced/tuning.md", "content/docs/guide/advanced/tuning-it.md");
    rebuild_equals_clean(site, out, NULL);
    step("a new docs/guide/install.md: [[docs/guide/install]] resolves to another page");
    put(site, "content/docs/guide/install.md",
        "---\ntitle: A new install page\ndate: 2024-03-05\nweight: 3\n---\n\nNew.\n");
    rebuild_equals_clean(site, out, NULL);
    step("tuning-it.md renamed back: the .md link resolves again");
    mv(site, "content/docs/guide/advanced/tuning-it.md", "content/docs/guide/advanced/tuning.md");
    rebuild_equals_clean(site, out, NULL);
    step("the anchor the .md link points at renamed");
    edit(site, "content/docs/guide/advanced/tuning.md", "## Workers", "## Processes");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, template_edited)
{
    char *out;
    char *site = first_build("themed", &out, NULL);
    step("templates/page.html edited inside its {% cache %} block");
    edit(site, "templates/page.html", "{% cache \"nav:\" ~ section.path %}<ul>",
         "{% cache \"nav:\" ~ section.path %}<ul class=\"nav\">");
    rebuild_equals_clean(site, out, NULL);
    step("templates/base.html edited (every page extends it)");
    edit(site, "templates/base.html", "<footer>", "<footer class=\"edited\">Edited. ");
    rebuild_equals_clean(site, out, NULL);
    step("templates/list.html edited (taxonomy.html and term.html extend it)");
    edit(site, "templates/list.html", "<li>nothing here yet</li>", "<li>empty</li>");
    edit(site, "templates/list.html", "<ul class=\"terms\">", "<ul class=\"terms edited\">");
    rebuild_equals_clean(site, out, NULL);
    step("templates/docs/single.html added: docs pages use it instead of page.html");
    put(site, "templates/docs/single.html",
        "{% extends \"base.html\" %}\n{% block content %}<article class=\"docs\">"
        "<h1>{{ page.title }}</h1>{{ page.content }}</article>{% endblock %}\n");
    rebuild_equals_clean(site, out, NULL);
    step("templates/docs/single.html removed again");
    rm(site, "templates/docs");
    rebuild_equals_clean(site, out, NULL);
    step("templates/guide/single.html added (no page of type guide yet)");
    put(site, "templates/guide/single.html",
        "{% extends \"base.html\" %}\n{% block content %}<article class=\"guide\">"
        "{{ page.content }}</article>{% endblock %}\n");
    rebuild_equals_clean(site, out, NULL);
    step("the cascade of docs/_index.md: type docs -> guide (docs pages use guide/single.html)");
    edit(site, "content/docs/_index.md", "type: docs", "type: guide");
    rebuild_equals_clean(site, out, NULL);
    step("the cascade back to type docs");
    edit(site, "content/docs/_index.md", "type: guide", "type: docs");
    rebuild_equals_clean(site, out, NULL);
    step("templates/page.html edited back");
    edit(site, "templates/page.html", "<ul class=\"nav\">", "<ul>");
    rebuild_equals_clean(site, out, NULL);
}

/* What a regular page shows of the other pages (titles, dates, summaries,
 * counts, flags, resources: some of them documented as empty there) when
 * those pages' bodies, dates and bundles change. */
Test(incremental, other_pages_shown_on_a_regular_page)
{
    char *out;
    char *site = e2e_site("themed");
    out = out_of(site);
    edit(site, "templates/page.html", "<article>",
         "<ul class=\"others\">{% for p in site.regular_pages %}<li>{{ p.title }} "
         "{{ p.date }} {{ p.word_count }} {{ p.reading_time }} {{ p.has_math }} "
         "{{ p.has_code }} {{ p.has_tables }} [{{ p.summary }}] "
         "{% for r in p.resources %}{{ r }} {% endfor %}</li>{% endfor %}</ul>\n<article>");
    put(site, "content/docs/bundle/index.md",
        "---\ntitle: Bundle\ndate: 2023-01-11\nweight: 3\n---\n\nA bundle.\n");
    put(site, "content/docs/bundle/a.txt", "a\n");
    step("first build");
    rebuild_equals_clean(site, out, NULL);
    step("docs/intro.md's body edited (its summary and word count)");
    edit(site, "content/docs/intro.md", "Example is a command-line tool",
         "Example is a small and friendly command-line tool");
    rebuild_equals_clean(site, out, NULL);
    step("math and a table added to docs/intro.md");
    edit(site, "content/docs/intro.md", "## Next steps",
         "$e^x$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Next steps");
    rebuild_equals_clean(site, out, NULL);
    step("a resource added to docs/bundle");
    put(site, "content/docs/bundle/b.txt", "b\n");
    rebuild_equals_clean(site, out, NULL);
    step("a resource of docs/bundle removed");
    rm(site, "content/docs/bundle/a.txt");
    rebuild_equals_clean(site, out, NULL);
    step("the date of docs/install.md edited");
    edit(site, "content/docs/install.md", "date: 2023-01-12", "date: 2023-02-12");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, partial_edited)
{
    char *out;
    /* features' templates/partials/term.html overrides the theme's by
     * name; the theme's term.html and list.html include it. */
    char *site = first_build("features", &out, NULL);
    step("templates/partials/term.html edited");
    edit(site, "templates/partials/term.html", "Curated by", "Looked after by");
    rebuild_equals_clean(site, out, NULL);
    step("templates/partials/term.html removed: the theme's partial again");
    rm(site, "templates/partials/term.html");
    rebuild_equals_clean(site, out, NULL);
    step("templates/partials/term.html put back, different");
    put(site, "templates/partials/term.html",
        "<article><h1>{{ page.title }}</h1><p class=\"curator\">{{ site.data.team.lead.name }}"
        "</p></article>\n");
    rebuild_equals_clean(site, out, NULL);
    step("a site partial overriding the theme's partials/meta.html added (pages include it)");
    put(site, "templates/partials/meta.html", "<p class=\"meta\">{{ page.title }}</p>\n");
    rebuild_equals_clean(site, out, NULL);
    step("templates/partials/meta.html edited");
    edit(site, "templates/partials/meta.html", "class=\"meta\"", "class=\"meta edited\"");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, config_edited)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("the site title edited");
    edit(site, "bengal.yaml", "title: Feature Tour", "title: Feature Tour, edited");
    rebuild_equals_clean(site, out, NULL);
    step("params.description and params.version edited");
    edit(site, "bengal.yaml", "A tour of every feature", "An edited tour of each feature");
    edit(site, "bengal.yaml", "version: \"2.0\"", "version: \"2.1\"");
    rebuild_equals_clean(site, out, NULL);
    step("pagination.per_page 2 -> 1 (more pagers)");
    edit(site, "bengal.yaml", "per_page: 2", "per_page: 1");
    rebuild_equals_clean(site, out, NULL);
    step("pagination.per_page 1 -> 2 (the extra pagers go)");
    edit(site, "bengal.yaml", "per_page: 1", "per_page: 2");
    rebuild_equals_clean(site, out, NULL);
    step("baseurl edited (sitemap, feed, canonical links)");
    edit(site, "bengal.yaml", "https://features.example.org", "https://tour.example.net");
    rebuild_equals_clean(site, out, NULL);
    step("the Blog menu entry removed");
    edit(site, "bengal.yaml", "    - name: Blog\n      url: /blog/\n      weight: 20\n", "");
    rebuild_equals_clean(site, out, NULL);
    step("outputs.rss and outputs.llms turned off (rss.xml and llms.txt go)");
    edit(site, "bengal.yaml", "params:\n", "outputs:\n  rss: false\n  llms: false\n\nparams:\n");
    rebuild_equals_clean(site, out, NULL);
    step("outputs.rss and outputs.llms on again");
    edit(site, "bengal.yaml", "outputs:\n  rss: false\n  llms: false\n\n", "");
    rebuild_equals_clean(site, out, NULL);
    step("taxonomies: tags only (categories/ goes)");
    edit(site, "bengal.yaml", "params:\n", "taxonomies:\n  tags: tag\n\nparams:\n");
    rebuild_equals_clean(site, out, NULL);
    step("taxonomies back to the defaults");
    edit(site, "bengal.yaml", "taxonomies:\n  tags: tag\n\n", "");
    rebuild_equals_clean(site, out, NULL);
    step("markdown.anchor_links and markdown.toc_depth set");
    edit(site, "bengal.yaml", "params:\n",
         "markdown:\n  anchor_links: true\n  toc_depth: \"2-2\"\n\nparams:\n");
    rebuild_equals_clean(site, out, NULL);
    step("build.pretty_urls: false (every page moves)");
    edit(site, "bengal.yaml", "params:\n", "build:\n  pretty_urls: false\n\nparams:\n");
    rebuild_equals_clean(site, out, NULL);
    step("build.pretty_urls: true again");
    edit(site, "bengal.yaml", "build:\n  pretty_urls: false\n\n", "");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, data_file_edited)
{
    char *out;
    /* templates/partials/term.html prints site.data.team.lead and
     * site.data.project.info on every term page */
    char *site = first_build("features", &out, NULL);
    step("data/team.yaml edited");
    edit(site, "data/team.yaml", "Ada Lovelace", "Grace Hopper");
    rebuild_equals_clean(site, out, NULL);
    step("data/project/info.yaml edited");
    edit(site, "data/project/info.yaml", "license: MIT", "license: BSD-2-Clause");
    rebuild_equals_clean(site, out, NULL);
    step("data/team.yaml rewritten with another structure of the same keys");
    put(site, "data/team.yaml", "# rewritten\nlead: {role: editor, name: \"Ada L.\"}\n");
    rebuild_equals_clean(site, out, NULL);
    step("an unused data file added, then data/team.yaml edited back");
    put(site, "data/extra.yaml", "unused: true\n");
    put(site, "data/team.yaml", "lead:\n  name: Ada Lovelace\n  role: maintainer\n");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, static_files_changed)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("static/css/extra.css replaced");
    put(site, "static/css/extra.css", ".extra { color: #bf1f1f; }\n/* replaced */\n");
    rebuild_equals_clean(site, out, NULL);
    step("static/img/x.svg removed (img/ goes)");
    rm(site, "static/img/x.svg");
    rebuild_equals_clean(site, out, NULL);
    step("static/js/new.js added");
    put(site, "static/js/new.js", "console.log('new');\n");
    rebuild_equals_clean(site, out, NULL);
    step("static/js/new.js becomes a directory");
    rm(site, "static/js/new.js");
    put(site, "static/js/new.js/inner.txt", "a directory now\n");
    rebuild_equals_clean(site, out, NULL);
    step("static/js/new.js a file again");
    rm(site, "static/js/new.js");
    put(site, "static/js/new.js", "console.log('a file again');\n");
    rebuild_equals_clean(site, out, NULL);
    step("static/_bengal/theme.css added: it replaces the theme's stylesheet");
    put(site, "static/_bengal/theme.css", "body { color: #222; }\n");
    rebuild_equals_clean(site, out, NULL);
    step("static/_bengal/theme.css removed: the theme's stylesheet again");
    rm(site, "static/_bengal");
    rebuild_equals_clean(site, out, NULL);
    step("a bundle resource (docs/setup/diagram.svg) replaced");
    put(site, "content/docs/setup/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2\" height=\"2\"/>\n");
    rebuild_equals_clean(site, out, NULL);
    step("static/ removed whole");
    rm(site, "static");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, drafts_toggled)
{
    char *out;
    /* pair/draft.md has draft: true (tag news); empty/future.md is dated
     * 2999 */
    char *site = first_build("features", &out, NULL);
    step("--drafts");
    rebuild_equals_clean(site, out, "--drafts", NULL);
    step("without --drafts again");
    rebuild_equals_clean(site, out, NULL);
    step("--drafts --future");
    rebuild_equals_clean(site, out, "--drafts", "--future", NULL);
    step("--future");
    rebuild_equals_clean(site, out, "--future", NULL);
    step("neither");
    rebuild_equals_clean(site, out, NULL);
    step("pair/draft.md no longer a draft");
    edit(site, "content/pair/draft.md", "draft: true", "draft: false");
    rebuild_equals_clean(site, out, NULL);
    step("pair/draft.md a draft again");
    edit(site, "content/pair/draft.md", "draft: false", "draft: true");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, clock_moved)
{
    char *out;
    char *site = e2e_site("features");
    out = out_of(site);
    put(site, "content/blog/post-4.md",
        "---\ntitle: Post 4\ndate: 2025-07-01\ntags: [later]\n---\n\nNot yet.\n");
    step("first build: blog/post-4.md (2025-07-01) is in the future");
    rebuild_equals_clean(site, out, NULL);
    step("SOURCE_DATE_EPOCH moved past blog/post-4.md's date");
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH_LATER, 1) == 0);
    rebuild_equals_clean(site, out, NULL);
    step("SOURCE_DATE_EPOCH moved back");
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH, 1) == 0);
    rebuild_equals_clean(site, out, NULL);
}

/* The clock moved back after a build whose inputs were recorded: a page
 * that was past is in the future again and goes, although no file
 * changed (a record valid "until the next future page appears" says
 * nothing about a clock that goes back). */
Test(incremental, clock_moved_back_after_a_settled_build)
{
    char *out;
    char *site = e2e_site("features");
    out = out_of(site);
    put(site, "content/blog/post-4.md",
        "---\ntitle: Post 4\ndate: 2025-07-01\ntags: [later]\n---\n\nNot yet.\n");
    settle();
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH_LATER, 1) == 0);
    step("first build, after 2025-07-01: blog/post-4.md is published");
    rebuild_equals_clean(site, out, NULL);
    step("nothing changed (the inputs recorded)");
    rebuild_equals_clean(site, out, NULL);
    step("SOURCE_DATE_EPOCH moved back before 2025-07-01, no file changed");
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH, 1) == 0);
    rebuild_equals_clean(site, out, NULL);
    step("SOURCE_DATE_EPOCH forward again, no file changed");
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH_LATER, 1) == 0);
    rebuild_equals_clean(site, out, NULL);
}

/* site.build_time on every page: a new SOURCE_DATE_EPOCH changes every
 * page, though no file changed; also when the template reads it by a
 * computed name (no "build_time" in its text: a cache that keys on the
 * clock only when a template's text mentions build_time misses it). */
Test(incremental, build_time_shown_on_every_page)
{
    char *out;
    char *site = first_build("themed", &out, NULL);
    step("templates/base.html shows site.build_time");
    edit(site, "templates/base.html", "<footer>", "<footer>Built {{ site.build_time }}. ");
    rebuild_equals_clean(site, out, NULL);
    step("SOURCE_DATE_EPOCH moved, no file changed (site.build_time)");
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH_LATER, 1) == 0);
    rebuild_equals_clean(site, out, NULL);
    step("templates/base.html reads it as site[\"build\" ~ \"_time\"]");
    edit(site, "templates/base.html", "{{ site.build_time }}", "{{ site[\"build\" ~ \"_time\"] }}");
    rebuild_equals_clean(site, out, NULL);
    step("SOURCE_DATE_EPOCH moved back, no file changed (site[\"build\" ~ \"_time\"])");
    cr_assert(setenv("SOURCE_DATE_EPOCH", EPOCH, 1) == 0);
    rebuild_equals_clean(site, out, NULL);
}

/* Sources reached through symlinks inside the site (content, a template,
 * a data file, a directory of content), their targets outside content/,
 * templates/ and data/:
 * editing the file a symlink points at is a change, though the symlink
 * itself (its lstat) did not change. */
Test(incremental, symlink_targets_edited_after_a_settled_build)
{
    char *out;
    char *site = e2e_site("features");
    out = out_of(site);
    mv(site, "content/docs/intro.md", "shared/intro.md");
    mv(site, "templates/partials/term.html", "shared/term.html");
    mv(site, "data/team.yaml", "shared/team.yaml");
    char p[PATH_MAX];
    path_in(p, site, "content/docs/intro.md");
    cr_assert_eq(symlink("../../shared/intro.md", p), 0, "symlink: %s", strerror(errno));
    path_in(p, site, "templates/partials/term.html");
    cr_assert_eq(symlink("../../shared/term.html", p), 0, "symlink: %s", strerror(errno));
    path_in(p, site, "data/team.yaml");
    cr_assert_eq(symlink("../shared/team.yaml", p), 0, "symlink: %s", strerror(errno));
    put(site, "shared/guides/_index.md", "---\ntitle: Guides\n---\n\nThe guides.\n");
    put(site, "shared/guides/one.md", "---\ntitle: One\ndate: 2024-06-01\n---\n\nGuide one.\n");
    path_in(p, site, "content/guides");
    cr_assert_eq(symlink("../shared/guides", p), 0, "symlink: %s", strerror(errno));
    settle();
    step("first build, through the symlinks");
    rebuild_equals_clean(site, out, NULL);
    step("nothing changed (the inputs recorded)");
    rebuild_equals_clean(site, out, NULL);
    step("shared/intro.md (content/docs/intro.md links to it) edited");
    edit(site, "shared/intro.md", "A short introduction", "A symlinked introduction");
    rebuild_equals_clean(site, out, NULL);
    step("shared/term.html (templates/partials/term.html links to it) edited");
    edit(site, "shared/term.html", "Curated by", "Kept by");
    rebuild_equals_clean(site, out, NULL);
    step("shared/team.yaml (data/team.yaml links to it) edited");
    edit(site, "shared/team.yaml", "Ada Lovelace", "Grace Hopper");
    rebuild_equals_clean(site, out, NULL);
    step("shared/guides/one.md (in the directory content/guides links to) edited");
    edit(site, "shared/guides/one.md", "Guide one.", "Guide one, edited.");
    rebuild_equals_clean(site, out, NULL);
    step("shared/guides/two.md added (in the directory content/guides links to)");
    put(site, "shared/guides/two.md", "---\ntitle: Two\ndate: 2024-06-02\n---\n\nGuide two.\n");
    rebuild_equals_clean(site, out, NULL);
    step("content/docs/intro.md pointed at another file");
    put(site, "shared/intro2.md",
        "---\ntitle: Introduction\ndate: 2024-02-01\nweight: 1\n---\n\n"
        "Another introduction.\n");
    path_in(p, site, "content/docs/intro.md");
    cr_assert_eq(unlink(p), 0);
    cr_assert_eq(symlink("../../shared/intro2.md", p), 0, "symlink: %s", strerror(errno));
    rebuild_equals_clean(site, out, NULL);
}

/* The state directory's files lost or damaged between builds: a cache is
 * only ever a shortcut, so the output is still a clean build's. */
Test(incremental, state_files_lost_or_damaged)
{
    char *out;
    char *site = first_build_settled("features", &out);
    step("second build");
    rebuild_equals_clean(site, out, NULL);
    char *state = e2e_fmt("%s/.bengal", site);
    char names[16][256];
    int n = 0;
    DIR *d = opendir(state);
    cr_assert(d, "%s: %s", state, strerror(errno));
    for (struct dirent *de; (de = readdir(d)) && n < 16;) {
        char p[PATH_MAX];
        struct stat st;
        pathf(p, "%s/%s", state, de->d_name);
        if (de->d_name[0] != '.' && strcmp(de->d_name, "lock") != 0 && lstat(p, &st) == 0 &&
            S_ISREG(st.st_mode) && st.st_size > 0)
            snprintf(names[n++], sizeof names[0], "%s", de->d_name);
    }
    closedir(d);
    cr_assert_gt(n, 0, "no state file in %s", state);
    /* first with nothing else changed (a cache trusted most), then each
     * with a change to the site */
    for (int change = 0; change < 2; change++) {
        for (int i = 0; i < n; i++) {
            for (int how = 0; how < 3; how++) {
                char p[PATH_MAX], label[512];
                pathf(p, "%s/%s", state, names[i]);
                static const char *const hows[] = {"a byte flipped in the middle",
                                                   "cut to half its size", "removed"};
                snprintf(label, sizeof label, ".bengal/%s %s%s", names[i], hows[how],
                         change ? ", and a page edited" : "");
                step(label);
                struct stat st;
                if (lstat(p, &st) != 0 || st.st_size == 0)
                    continue; /* this build did not write it again */
                if (how == 0) {
                    int fd = open(p, O_RDWR);
                    cr_assert(fd >= 0, "%s: %s", p, strerror(errno));
                    unsigned char c;
                    cr_assert_eq(pread(fd, &c, 1, st.st_size / 2), 1);
                    c ^= 0x20;
                    cr_assert_eq(pwrite(fd, &c, 1, st.st_size / 2), 1);
                    close(fd);
                } else if (how == 1) {
                    cr_assert_eq(truncate(p, st.st_size / 2), 0, "%s: %s", p, strerror(errno));
                } else {
                    cr_assert_eq(unlink(p), 0, "%s: %s", p, strerror(errno));
                }
                if (change) {
                    char line[64];
                    snprintf(line, sizeof line, "News number 1 (%d.%d).", i, how);
                    put(site, "content/blog/post-1.md",
                        e2e_fmt("---\ntitle: Post 1\ndescription: The post number 1.\n"
                                "date: 2024-04-01\ntags: [news]\n---\n\n%s\n",
                                line));
                }
                rebuild_equals_clean(site, out, NULL);
            }
        }
    }
}

/* The output directory removed, or put back as a copy, between builds. */
Test(incremental, output_removed_or_replaced_between_builds)
{
    char *out;
    char *site = first_build_settled("features", &out);
    step("second build (the inputs recorded)");
    rebuild_equals_clean(site, out, NULL);
    step("the output removed");
    sh(e2e_fmt("rm -rf '%s'", out));
    rebuild_equals_clean(site, out, NULL);
    step("the output replaced by a copy of itself");
    sh(e2e_fmt("cp -a '%s' '%s.copy' && rm -rf '%s' && mv '%s.copy' '%s'", out, out, out, out,
               out));
    rebuild_equals_clean(site, out, NULL);
    step("the output replaced by a copy, and a page edited");
    sh(e2e_fmt("cp -a '%s' '%s.copy' && rm -rf '%s' && mv '%s.copy' '%s'", out, out, out, out,
               out));
    edit(site, "content/docs/intro.md", "A short introduction", "An edited introduction");
    rebuild_equals_clean(site, out, NULL);
    step("the standby tree beside the output removed, and a page edited");
    sh(e2e_fmt("rm -rf '%s.staging'", out));
    edit(site, "content/docs/intro.md", "An edited introduction", "A short introduction");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, jobs_changed)
{
    char *out;
    char *site = first_build("features", &out, "-j", "1", NULL);
    step("-j 2");
    rebuild_equals_clean(site, out, "-j", "2", NULL);
    step("-j 3");
    rebuild_equals_clean(site, out, "-j", "3", NULL);
    step("a page edited, -j 1");
    edit(site, "content/docs/intro.md", "A short introduction", "An introduction");
    rebuild_equals_clean(site, out, "-j", "1", NULL);
    step("a page added, -j 3");
    put(site, "content/pair/third.md", "---\ntitle: Third\ndate: 2024-05-04\n---\n\nThird.\n");
    rebuild_equals_clean(site, out, "-j", "3", NULL);
    step("a page removed, -j 2");
    rm(site, "content/blog/post-3.md");
    rebuild_equals_clean(site, out, "-j", "2", NULL);
}

/* The same site built into two outputs in turn: each rebuild of one must
 * not take the other's build for its own. */
Test(incremental, output_directory_alternated)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    char *other = e2e_fmt("%s2", out);
    step("the same site built into a second output");
    rebuild_equals_clean(site, other, NULL);
    step("a page edited, built into the first output");
    edit(site, "content/docs/intro.md", "A short introduction", "An edited introduction");
    rebuild_equals_clean(site, out, NULL);
    step("a page added, built into the second output");
    put(site, "content/pair/third.md", "---\ntitle: Third\ntags: [fresh]\n---\n\nThird.\n");
    rebuild_equals_clean(site, other, NULL);
    step("the page removed, built into the first output");
    rm(site, "content/pair/third.md");
    rebuild_equals_clean(site, out, NULL);
    step("the title edited, built into the second output");
    edit(site, "bengal.yaml", "title: Feature Tour", "title: Tour");
    rebuild_equals_clean(site, other, NULL);
    step("nothing changed, built into the first output");
    rebuild_equals_clean(site, out, NULL);
    step("nothing changed, built into the second output");
    rebuild_equals_clean(site, other, NULL);
}

/* Another site built into the same output in between: the trees of this
 * site's state directory were rewritten by someone else. */
Test(incremental, another_site_built_into_the_same_output)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("second build of the site");
    rebuild_equals_clean(site, out, NULL);
    char *docs = e2e_site("docs");
    step("another site (docs) built into the same output");
    rebuild_equals_clean(docs, out, NULL);
    step("the first site again, nothing changed");
    rebuild_equals_clean(site, out, NULL);
    step("the first site, a page edited");
    edit(site, "content/docs/intro.md", "A short introduction", "An edited introduction");
    rebuild_equals_clean(site, out, NULL);
    step("the other site again, a page edited");
    edit(docs, "content/about.md", "It is maintained", "Edited. It is maintained");
    rebuild_equals_clean(docs, out, NULL);
    step("the first site, a page added");
    put(site, "content/pair/third.md", "---\ntitle: Third\n---\n\nThird.\n");
    rebuild_equals_clean(site, out, NULL);
    step("the first site, nothing changed");
    rebuild_equals_clean(site, out, NULL);
}

/* Many changes in a row over one output: a standby tree two builds old is
 * patched, so bugs show on the 2nd and 3rd rebuild, and on changes that
 * undo an earlier one (A -> B -> A). */
Test(incremental, many_changes_in_a_row)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    manifest_t *first = tree_manifest(out);
    step("1: docs/intro.md body edited");
    edit(site, "content/docs/intro.md", "A short introduction", "A much longer introduction");
    rebuild_equals_clean(site, out, NULL);
    step("2: pair/third.md added");
    put(site, "content/pair/third.md",
        "---\ntitle: Third\ndate: 2024-05-04\nweight: 4\ntags: [fresh]\n---\n\nThird.\n");
    rebuild_equals_clean(site, out, NULL);
    step("3: the site title edited");
    edit(site, "bengal.yaml", "title: Feature Tour", "title: Tour de Force");
    rebuild_equals_clean(site, out, NULL);
    step("4: docs/intro.md edited back (its output as two builds ago)");
    edit(site, "content/docs/intro.md", "A much longer introduction", "A short introduction");
    rebuild_equals_clean(site, out, NULL);
    step("5: nothing changed");
    rebuild_equals_clean(site, out, NULL);
    step("6: pair/third.md removed");
    rm(site, "content/pair/third.md");
    rebuild_equals_clean(site, out, NULL);
    step("7: static/css/extra.css replaced, static/img/x.svg removed");
    put(site, "static/css/extra.css", "/* seven */\n");
    rm(site, "static/img/x.svg");
    rebuild_equals_clean(site, out, NULL);
    step("8: the title edited back, the partial edited");
    edit(site, "bengal.yaml", "title: Tour de Force", "title: Feature Tour");
    edit(site, "templates/partials/term.html", "Curated by", "Kept by");
    rebuild_equals_clean(site, out, NULL);
    step("9: blog/post-2.md moved to pair/, data/team.yaml edited");
    mv(site, "content/blog/post-2.md", "content/pair/post-2.md");
    edit(site, "data/team.yaml", "Ada Lovelace", "Grace Hopper");
    rebuild_equals_clean(site, out, NULL);
    step("10: with --drafts");
    rebuild_equals_clean(site, out, "--drafts", NULL);
    step("11: everything put back as the fixture was");
    rm(site, "content");
    rm(site, "static");
    rm(site, "templates");
    rm(site, "data");
    rm(site, "bengal.yaml");
    char *src = e2e_fmt("%s/tests/sites/features", e2e_top());
    sh(e2e_fmt("cd '%s' && cp -a content static templates data bengal.yaml '%s'/", src, site));
    rebuild_equals_clean(site, out, NULL);
    manifest_t *last = tree_manifest(out);
    assert_same_tree("the fixture built again differs from its first build", "first build", out,
                     first, "last build", out, last);
    manifest_free(first);
    manifest_free(last);
}

/* Edits that keep the size, the inode and (put back) the mtime: only a
 * hash of the content can tell that the file changed. */
Test(incremental, same_second_same_size_edits)
{
    char *out;
    char *site = first_build_settled("features", &out);
    step("second build, nothing changed (the inputs recorded)");
    rebuild_equals_clean(site, out, NULL);
    step("docs/intro.md: a same-size edit, mtime put back");
    edit_same_stat(site, "content/docs/intro.md", "A short introduction", "A brief introduction");
    rebuild_equals_clean(site, out, NULL);
    step("docs/intro.md: a second same-size edit in the same second, mtime put back");
    edit_same_stat(site, "content/docs/intro.md", "A brief introduction", "A terse introduction");
    rebuild_equals_clean(site, out, NULL);
    step("docs/intro.md: back to the first text, mtime put back");
    edit_same_stat(site, "content/docs/intro.md", "A terse introduction", "A short introduction");
    rebuild_equals_clean(site, out, NULL);
    step("docs/intro.md: its title, same size, mtime put back");
    edit_same_stat(site, "content/docs/intro.md", "title: Introduction", "title: Intraduction");
    rebuild_equals_clean(site, out, NULL);
}

Test(incremental, same_size_edits_of_other_inputs)
{
    char *out;
    char *site = first_build_settled("features", &out);
    step("second build, nothing changed (the inputs recorded)");
    rebuild_equals_clean(site, out, NULL);
    step("templates/partials/term.html: a same-size edit, mtime put back");
    edit_same_stat(site, "templates/partials/term.html", "Curated by", "Arranged b");
    rebuild_equals_clean(site, out, NULL);
    step("data/team.yaml: a same-size edit, mtime put back");
    edit_same_stat(site, "data/team.yaml", "Ada Lovelace", "Ann Lovelace");
    rebuild_equals_clean(site, out, NULL);
    step("static/css/extra.css: a same-size edit, mtime put back");
    edit_same_stat(site, "static/css/extra.css", "#1f5fbf", "#bf1f5f");
    rebuild_equals_clean(site, out, NULL);
    step("bengal.yaml: a same-size edit, mtime put back");
    edit_same_stat(site, "bengal.yaml", "title: Feature Tour", "title: Feature Tomb");
    rebuild_equals_clean(site, out, NULL);
    step("a bundle resource: a same-size edit, mtime put back");
    edit_same_stat(site, "content/docs/setup/notes.txt", "n", "N");
    rebuild_equals_clean(site, out, NULL);
    /* a file replaced by another (a new inode) with the same size and
     * mtime, as `cp -p` or a checkout may leave it */
    step("docs/guide/install.md replaced by a same-size, same-mtime file");
    char p[PATH_MAX], q[PATH_MAX];
    path_in(p, site, "content/docs/guide/install.md");
    pathf(q, "%s.new", p);
    sh(e2e_fmt("cp -p '%s' '%s' && sed -i 's/From source/From sauce/' '%s' && "
               "touch -r '%s' '%s' && mv '%s' '%s'",
               p, q, q, p, q, q, p));
    rebuild_equals_clean(site, out, NULL);
}

/* ---- faults during a rebuild ---------------------------------------------- */

/* A change that makes every page render again: the site title, and the
 * body of docs/intro.md (the page the faults name). */
static void change_everything(const char *site, int n)
{
    char title[64], line[64];
    snprintf(title, sizeof title, "title: Feature Tour %d", n);
    snprintf(line, sizeof line, "A short introduction (%d)", n);
    char p[PATH_MAX];
    path_in(p, site, "bengal.yaml");
    char *cfg = e2e_read_file(p, NULL);
    cr_assert(cfg);
    char *at = strstr(cfg, "title: Feature Tour");
    cr_assert(at);
    char *eol = strchr(at, '\n');
    char *t = malloc(strlen(cfg) + 64);
    cr_assert(t);
    sprintf(t, "%.*s%s%s", (int)(at - cfg), cfg, title, eol);
    e2e_write_str(p, t);
    free(t);
    free(cfg);
    path_in(p, site, "content/docs/intro.md");
    char *md = e2e_read_file(p, NULL);
    cr_assert(md);
    at = strstr(md, "A short introduction");
    cr_assert(at);
    eol = strstr(at, " with a [link");
    cr_assert(eol);
    t = malloc(strlen(md) + 64);
    cr_assert(t);
    sprintf(t, "%.*s%s%s", (int)(at - md), md, line, eol);
    e2e_write_str(p, t);
    free(t);
    free(md);
}

Test(incremental, faults_during_a_rebuild)
{
    static const struct {
        const char *fault;
        int status;     /* the exit status of the build with the fault */
        bool published; /* the new tree is live after it */
    } faults[] = {
        {"worker-crash:page=docs/intro", 0, true},
        {"worker-oom:page=docs/intro", 0, true},
        {"worker-kill-at-claim:claims=2", 0, true},
        {"worker-kill-mid-record:page=docs/intro", 0, true},
        {"writer-crash:files=1", 1, false},
        {"writer-crash:files=3", 1, false},
        {"writer-enospc:files=2", 1, false},
        {"worker-crash-always:page=docs/intro", 1, false},
        {"aggregate-crash-always", 1, false},
        {"writer-kill-after-swap", 0, true},
        {"build-kill-removing:removed=2", 128 + SIGKILL, true},
    };
    char *out;
    char *site = first_build("features", &out, NULL);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        char label[256];
        snprintf(label, sizeof label, "a rebuild with BENGAL_FAULT=%s", faults[i].fault);
        step(label);
        manifest_t *before = tree_manifest(out);
        change_everything(site, (int)i + 1);
        char cdir[PATH_MAX], cout[PATH_MAX];
        clean_build(site, NULL, cdir, cout);
        manifest_t *want = tree_manifest(cout);
        e2e_run_t r;
        run_build(&r, site, out, faults[i].fault, NULL);
        if (faults[i].status < 128)
            e2e_assert_no_crash(&r);
        cr_assert_eq(r.status, faults[i].status, "[%s] exit %d, not %d:\n%s", step_name, r.status,
                     faults[i].status, r.err);
        e2e_run_free(&r);
        manifest_t *now = tree_manifest(out);
        if (faults[i].published)
            assert_same_tree("the tree published by the build with the fault differs from a "
                             "clean build",
                             "output", out, now, "clean build", cout, want);
        else
            assert_same_tree("a failed build changed the published tree", "tree before", out,
                             before, "tree after", out, now);
        manifest_free(before);
        manifest_free(want);
        manifest_free(now);
        clean_done(cdir);
        snprintf(label, sizeof label, "the normal rebuild after BENGAL_FAULT=%s", faults[i].fault);
        step(label);
        rebuild_equals_clean(site, out, NULL);
    }
}

/* A rebuild (with BENGAL_FAULT=fault when not NULL) that must fail with
 * exit 1 and want (when not NULL) on stderr, leaving the published tree
 * as it was. */
static void rebuild_fails(const char *site, const char *out, const char *fault,
                          const char *want)
{
    manifest_t *before = tree_manifest(out);
    e2e_run_t r;
    run_build(&r, site, out, fault, NULL);
    e2e_assert_no_crash(&r);
    cr_assert_eq(r.status, 1, "[%s] exit %d:\n%s", step_name, r.status, r.err);
    cr_assert(!want || strstr(r.err, want), "[%s] stderr lacks \"%s\":\n%s", step_name, want,
              r.err);
    e2e_run_free(&r);
    manifest_t *now = tree_manifest(out);
    assert_same_tree("a failed build changed the published tree", "tree before", out, before,
                     "tree after", out, now);
    manifest_free(now);
    manifest_free(before);
}

/* Two failed rebuilds in a row, each with its own change, then one that
 * succeeds: both changes are in it. */
Test(incremental, two_failed_rebuilds_then_one)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    const char *faults[] = {"writer-crash:files=2", "writer-enospc:files=1"};
    for (int i = 0; i < 2; i++) {
        step(i ? "second failed rebuild" : "first failed rebuild");
        if (i)
            put(site, "content/pair/third.md", "---\ntitle: Third\n---\n\nThird.\n");
        else
            change_everything(site, 1);
        rebuild_fails(site, out, faults[i], NULL);
    }
    step("the rebuild after two failed ones");
    rebuild_equals_clean(site, out, NULL);
}

/* ---- the coordinator killed ------------------------------------------------ */

/* Starts a build in the background (stdout and stderr to log); returns
 * the coordinator's pid. */
static pid_t spawn_build(const char *site, const char *out, const char *fault,
                         const char *const *extra, const char *log)
{
    const char *argv[E2E_MAX_ARGS + 1];
    int n = 0;
    argv[n++] = e2e_bin();
    argv[n++] = "-q";
    argv[n++] = "-j";
    argv[n++] = "2";
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    argv[n++] = "-o";
    argv[n++] = out;
    argv[n++] = site;
    argv[n] = NULL;
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0, "prctl: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (fault)
            setenv("BENGAL_FAULT", fault, 1);
        int nul = open("/dev/null", O_RDONLY);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (nul < 0 || fd < 0 || dup2(nul, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* The state letter of /proc/PID/stat and its parent; 0 if it is gone. */
static char proc_state(pid_t pid, pid_t *ppid)
{
    char p[64], buf[1024];
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *rp = strrchr(buf, ')');
    char st = 0;
    int pp = 0;
    if (!rp || sscanf(rp + 1, " %c %d", &st, &pp) != 2)
        return 0;
    if (ppid)
        *ppid = pp;
    return st;
}

/* The children of pid (the writer and the workers), up to max. */
static int children_of(pid_t pid, pid_t *v, int max)
{
    int n = 0;
    DIR *d = opendir("/proc");
    cr_assert(d);
    for (struct dirent *de; (de = readdir(d)) && n < max;) {
        char *end;
        long p = strtol(de->d_name, &end, 10);
        if (*end || p <= 0)
            continue;
        pid_t pp = 0;
        char st = proc_state((pid_t)p, &pp);
        if (st && st != 'Z' && pp == pid)
            v[n++] = (pid_t)p;
    }
    closedir(d);
    return n;
}

/* SIGKILLs the coordinator pid and waits for it, and for every process it
 * forked: spawn_build made this process their subreaper, so the writer
 * and the workers, killed with the coordinator (PR_SET_PDEATHSIG), are
 * reaped here, and none of them still holds a lock when the next build
 * starts. */
static void kill_build(pid_t pid, const char *log)
{
    cr_assert_eq(kill(pid, SIGKILL), 0, "kill: %s", strerror(errno));
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        cr_assert(errno == EINTR, "waitpid: %s", strerror(errno));
    if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
        /* it ended on its own before the kill (the timed kills): fine if
         * it succeeded */
        char *l = e2e_own_file(log, NULL);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "[%s] the build ended with status 0x%x before the kill:\n%s", step_name, st,
                  l ? l : "");
    }
    long deadline = e2e_now_ms() + 20000;
    for (;;) {
        pid_t w = waitpid(-1, NULL, WNOHANG);
        if (w < 0 && errno == ECHILD)
            break;
        cr_assert(w >= 0 || errno == EINTR, "waitpid: %s", strerror(errno));
        if (w == 0) {
            cr_assert(e2e_now_ms() < deadline,
                      "[%s] a process of the build outlived its killed coordinator by 20 s",
                      step_name);
            usleep(5000);
        }
    }
}

Test(incremental, coordinator_killed_while_a_page_hangs)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    char *log = e2e_fmt("%s/../build.log", site);
    for (int round = 1; round <= 2; round++) {
        step(round == 1 ? "coordinator SIGKILLed while docs/intro hangs"
                        : "coordinator SIGKILLed again, after another change");
        change_everything(site, round);
        if (round == 2)
            put(site, "content/pair/third.md", "---\ntitle: Third\n---\n\nThird.\n");
        manifest_t *before = tree_manifest(out);
        static const char *const extra[] = {"--page-timeout", "0", NULL};
        pid_t pid = spawn_build(site, out, "worker-hang:page=docs/intro", extra, log);
        /* hanging: its children are up, and it is still running well after
         * a whole build of the fixture would have ended (~50 ms) */
        long start = e2e_now_ms(), seen = 0;
        for (;;) {
            int st = 0;
            pid_t w = waitpid(pid, &st, WNOHANG);
            char *l = w ? e2e_own_file(log, NULL) : NULL;
            cr_assert_eq(w, 0, "[%s] the build ended (status 0x%x) although a page hangs:\n%s",
                         step_name, st, l ? l : "");
            pid_t kids[8];
            if (!seen && children_of(pid, kids, 8) > 0)
                seen = e2e_now_ms();
            if (seen && e2e_now_ms() - seen > 400)
                break;
            cr_assert(e2e_now_ms() - start < 20000, "[%s] the build forked no process in 20 s",
                      step_name);
            usleep(10000);
        }
        kill_build(pid, log);
        manifest_t *now = tree_manifest(out);
        assert_same_tree("a killed build changed the published tree", "tree before", out, before,
                         "tree after", out, now);
        manifest_free(before);
        manifest_free(now);
        step(round == 1 ? "the rebuild after the killed build"
                        : "the rebuild after the second killed build");
        rebuild_equals_clean(site, out, NULL);
    }
}

/* The coordinator SIGKILLed at moments spread over a rebuild (before,
 * during and after the publish): the tree is the previous one or the new
 * one, whole, and the next build equals a clean build. */
Test(incremental, coordinator_killed_at_any_moment)
{
    static const int delays_ms[] = {0, 3, 8, 12, 16, 20, 24, 30, 45, 90};
    char *out;
    char *site = first_build("features", &out, NULL);
    char *log = e2e_fmt("%s/../build.log", site);
    for (size_t i = 0; i < sizeof delays_ms / sizeof delays_ms[0]; i++) {
        char label[128];
        snprintf(label, sizeof label, "coordinator SIGKILLed %d ms into a rebuild", delays_ms[i]);
        step(label);
        manifest_t *before = tree_manifest(out);
        change_everything(site, (int)i + 1);
        char cdir[PATH_MAX], cout[PATH_MAX];
        clean_build(site, NULL, cdir, cout);
        manifest_t *want = tree_manifest(cout);
        pid_t pid = spawn_build(site, out, NULL, NULL, log);
        usleep((useconds_t)delays_ms[i] * 1000);
        kill_build(pid, log);
        manifest_t *now = tree_manifest(out);
        char *as_before = manifest_diff("tree before", out, before, "tree after", out, now);
        char *as_new = manifest_diff("clean build", cout, want, "tree after", out, now);
        cr_assert(!as_before || !as_new,
                  "[%s] the published tree is neither the previous one nor the new one:\n"
                  "  against the previous: %s\n  against a clean build: %s",
                  step_name, as_before, as_new);
        manifest_free(before);
        manifest_free(want);
        manifest_free(now);
        clean_done(cdir);
        snprintf(label, sizeof label, "the rebuild after the kill at %d ms", delays_ms[i]);
        step(label);
        rebuild_equals_clean(site, out, NULL);
    }
}

/* SIGTERM while the writer is stalled: exit 143, nothing published; the
 * next build equals a clean one. */
Test(incremental, interrupted_rebuild)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    char *log = e2e_fmt("%s/../build.log", site);
    for (int sig = 0; sig < 2; sig++) {
        step(sig ? "a rebuild interrupted by SIGINT" : "a rebuild interrupted by SIGTERM");
        change_everything(site, sig + 1);
        manifest_t *before = tree_manifest(out);
        pid_t pid = spawn_build(site, out, "writer-stall:seconds=30", NULL, log);
        usleep(500000);
        cr_assert_eq(kill(pid, sig ? SIGINT : SIGTERM), 0);
        int st = 0;
        while (waitpid(pid, &st, 0) < 0)
            cr_assert(errno == EINTR);
        char *l = e2e_own_file(log, NULL);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == (sig ? 130 : 143), "[%s] status 0x%x:\n%s",
                  step_name, st, l ? l : "");
        manifest_t *now = tree_manifest(out);
        assert_same_tree("an interrupted build changed the published tree", "tree before", out,
                         before, "tree after", out, now);
        manifest_free(before);
        manifest_free(now);
        step(sig ? "the rebuild after SIGINT" : "the rebuild after SIGTERM");
        rebuild_equals_clean(site, out, NULL);
    }
}

/* ---- what a rebuild does not do again -------------------------------------- */

/* A rebuild with --stats-json into stats, then the tree against a clean
 * build (which writes no statistics). */
static void rebuild_with_stats(const char *site, const char *out, const char *stats)
{
    const char *extra[] = {"--stats-json", stats, NULL};
    build_ok(site, out, extra);
    out_equals_clean(site, out, NULL);
}

Test(incremental, unchanged_files_not_parsed_and_markdown_not_rendered_again)
{
    char *out;
    char *site = first_build("themed", &out, NULL);
    char *stats = e2e_fmt("%s/../stats.json", site);
    step("one page's body edited: that file alone is parsed");
    edit(site, "content/docs/intro.md", "Example is a command-line tool", "Example is a small command-line tool");
    rebuild_with_stats(site, out, stats);
    long files = e2e_stat_of(stats, "as_last_time") + 1;
    cr_assert_eq(e2e_stat_of(stats, "parsed"), 1, "[%s] %ld content files parsed", step_name,
                 e2e_stat_of(stats, "parsed"));
    cr_assert_gt(files, 3, "[%s] %ld content files", step_name, files);

    step("a template edited: every page renders, no markdown is parsed again");
    edit(site, "templates/base.html", "<footer>", "<footer class=\"edited\">");
    rebuild_with_stats(site, out, stats);
    cr_assert_eq(e2e_stat_of(stats, "parsed"), 0, "[%s] %ld files parsed", step_name,
                 e2e_stat_of(stats, "parsed"));
    long pages = e2e_stat_of(stats, "pages_rendered");
    cr_assert_eq(e2e_stat_of(stats, "markdown_from_cache"), files,
                 "[%s] markdown of %ld pages from the cache, %ld content files, %ld pages "
                 "rendered", step_name, e2e_stat_of(stats, "markdown_from_cache"), files, pages);

    step("the discovery cache and the render pack damaged: parsed and rendered again");
    char *sources = e2e_fmt("%s/.bengal/sources", site);
    size_t len = 0;
    char *bytes = e2e_read_file(sources, &len);
    cr_assert(bytes && len > 100, "[%s] no %s", step_name, sources);
    bytes[len / 2] ^= 0x55;
    e2e_write_file(sources, bytes, len);
    free(bytes);
    e2e_write_str(e2e_fmt("%s/.bengal/render/index", site), "not an index");
    edit(site, "templates/base.html", "<footer class=\"edited\">", "<footer>");
    rebuild_with_stats(site, out, stats);
    cr_assert_eq(e2e_stat_of(stats, "parsed"), files, "[%s] %ld files parsed", step_name,
                 e2e_stat_of(stats, "parsed"));
    cr_assert_eq(e2e_stat_of(stats, "markdown_from_cache"), 0, "[%s]", step_name);
}

/* ---- included files ----------------------------------------------------- */

/* The features fixture's docs/guide/install.md includes
 * .shared/requirements.md, which includes .shared/platforms.md (line 8,
 * fenced form). */
#define INSTALL "docs/guide/install/index.html"

/* out's file rel holds text. */
static void out_has(const char *out, const char *rel, const char *text)
{
    char *html = e2e_read_file(e2e_fmt("%s/%s", out, rel), NULL);
    cr_assert(html && strstr(html, text), "[%s] %s lacks \"%s\"", step_name, rel, text);
    free(html);
}

Test(incremental, included_file_edited)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    char *stats = e2e_fmt("%s/../stats.json", site);
    step("the file install.md includes edited: no page file is parsed again");
    edit(site, "content/.shared/requirements.md", "A C compiler and make",
         "A C11 compiler and GNU make");
    rebuild_with_stats(site, out, stats);
    out_has(out, INSTALL, "A C11 compiler and GNU make");
    cr_assert_eq(e2e_stat_of(stats, "parsed"), 0, "[%s]", step_name);
    cr_assert_gt(e2e_stat_of(stats, "as_last_time"), 10, "[%s]", step_name);
    /* the page, and index.json (its excerpt and word count) */
    cr_assert_eq(e2e_stat_of(stats, "written"), 2, "[%s]", step_name);
    step("the file that one includes edited (two levels down)");
    edit(site, "content/.shared/platforms.md", "Linux and the BSDs", "Linux, macOS and the BSDs");
    rebuild_equals_clean(site, out, NULL);
    out_has(out, INSTALL, "Tested on Linux, macOS and the BSDs.");
    step("the same edited again in place: same size, inode and times");
    edit_same_stat(site, "content/.shared/platforms.md", "macOS", "MacOS");
    rebuild_equals_clean(site, out, NULL);
    out_has(out, INSTALL, "Tested on Linux, MacOS and the BSDs.");
    step("a heading added to the included file (the page's TOC)");
    edit(site, "content/.shared/requirements.md", "A C11", "#### Compiler\n\nA C11");
    rebuild_equals_clean(site, out, NULL);
    out_has(out, INSTALL, "<h4 id=\"compiler\">Compiler</h4>");
    step("the include directive taken out of the page");
    edit(site, "content/docs/guide/install.md", ":::{include} ../../.shared/requirements.md\n:::\n",
         "");
    rebuild_equals_clean(site, out, NULL);
    step("and put back, as the fenced form");
    edit(site, "content/docs/guide/install.md", "## From source\n",
         "## From source\n\n```{include} ../../.shared/requirements.md\n```\n");
    rebuild_equals_clean(site, out, NULL);
    out_has(out, INSTALL, "<h4 id=\"compiler\">Compiler</h4>");
}

Test(incremental, included_file_removed_or_in_a_cycle)
{
    char *out;
    char *site = first_build("features", &out, NULL);
    step("an included file removed: an error at its directive, the site stays");
    rm(site, "content/.shared/platforms.md");
    rebuild_fails(site, out, NULL,
                  "content/.shared/requirements.md:8: error: cannot include \"platforms.md\" "
                  "(content/.shared/platforms.md): no such file");
    step("put back");
    put(site, "content/.shared/platforms.md", "Tested on Linux and the BSDs, again.");
    rebuild_equals_clean(site, out, NULL);
    out_has(out, INSTALL, "Tested on Linux and the BSDs, again.");
    step("platforms.md includes requirements.md back: a cycle, said where it closes");
    put(site, "content/.shared/platforms.md", "Tested.\n\n:::{include} requirements.md\n:::\n");
    rebuild_fails(site, out, NULL,
                  "content/.shared/platforms.md:3: error: include cycle: "
                  "content/.shared/requirements.md:8 includes content/.shared/platforms.md, "
                  "content/.shared/platforms.md:3 includes content/.shared/requirements.md\n");
    step("a page including itself");
    put(site, "content/.shared/platforms.md", "Tested.");
    edit(site, "content/about.md", "This page joins",
         ":::{include} about.md\n:::\n\nThis page joins");
    rebuild_fails(site, out, NULL,
                  "content/about.md:9: error: include cycle: content/about.md:9 includes "
                  "content/about.md\n");
    step("the cycles broken");
    edit(site, "content/about.md", ":::{include} about.md\n:::\n\n", "");
    rebuild_equals_clean(site, out, NULL);
}
