/*
 * tests/e2e/helpers.h - helpers for the end-to-end tests.
 *
 * The end-to-end tests run the real binary ($BF_BIN) on real fixture sites
 * ($BF_TOP/tests/sites/NAME) copied into a fresh directory under /tmp, and
 * look at its exit status, stdout, stderr and the files it leaves behind.
 * Nothing is mocked.
 *
 * Everything here is static inline so that a test file uses what it needs
 * without unused-function warnings.  Failures inside a helper (no BF_BIN,
 * fork failing, a fixture missing) fail the current test with a message
 * that says what to do, so the tests themselves stay short.
 *
 * Temporary directories made by e2e_tmpdir() / e2e_site() are recorded and
 * removed by e2e_cleanup(), which each suite runs as its .fini (criterion
 * runs .fini also after a failed assertion), so a failing test does not
 * leave a 100 MB file in /tmp.
 *
 * Ownership: strings returned by e2e_fmt(), e2e_tmpdir() and e2e_site()
 * belong to the helpers and are freed by e2e_cleanup(): do not free them.
 * e2e_run_t buffers are freed by e2e_run_free(); e2e_read_file() results
 * by the caller.  (Under `make check-debug` the tests run with LeakSanitizer
 * too, so they keep their own books tidy.)
 */
#ifndef BF_TESTS_E2E_HELPERS_H
#define BF_TESTS_E2E_HELPERS_H

#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A command that runs longer than this is killed and the test fails: a
 * hang must not stall the whole suite. */
#define E2E_TIMEOUT_MS 60000
#define E2E_MAX_ARGS 32
#define E2E_MAX_TMP 16
#define E2E_MAX_STRS 256

typedef struct {
    int status;      /* exit code; 128 + N when killed by signal N; -1 on timeout */
    char *out, *err; /* everything written to stdout / stderr, NUL-terminated */
    size_t out_len, err_len;
} e2e_run_t;

static char *e2e_tmp_dirs[E2E_MAX_TMP];
static int e2e_n_tmp;
static char *e2e_strs[E2E_MAX_STRS];
static int e2e_n_strs;

/* Hands a malloc'd string to the helpers, to be freed by e2e_cleanup(). */
static inline char *e2e_own(char *s)
{
    cr_assert(s, "out of memory");
    cr_assert(e2e_n_strs < E2E_MAX_STRS, "e2e_own: too many strings in one test");
    e2e_strs[e2e_n_strs++] = s;
    return s;
}

/* s escaped for use inside a POSIX extended regex (lives until cleanup). */
static inline char *e2e_re_escape(const char *s)
{
    char *out = e2e_own(malloc(2 * strlen(s) + 1)), *o = out;

    for (; *s; s++) {
        if (strchr(".[]()*+?{}|^$\\", *s))
            *o++ = '\\';
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* asprintf that fails the test instead of returning NULL.  The string lives
 * until e2e_cleanup(). */
static inline char *e2e_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *e2e_fmt(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0, "out of memory");
    return e2e_own(s);
}

/* $BF_BIN: the bengal-farm binary under test (set by `make check`). */
static inline const char *e2e_bin(void)
{
    const char *bin = getenv("BF_BIN");

    cr_assert(bin && *bin, "BF_BIN is not set: run the tests with `make check`, "
                           "or set BF_BIN to the path of build/bengal-farm");
    cr_assert(access(bin, X_OK) == 0, "BF_BIN=\"%s\" is not an executable: %s (run `make` first)",
              bin, strerror(errno));
    return bin;
}

/* $BF_TOP: the repository root (set by `make check`). */
static inline const char *e2e_top(void)
{
    const char *top = getenv("BF_TOP");

    cr_assert(top && *top, "BF_TOP is not set: run the tests with `make check`, "
                           "or set BF_TOP to the repository root");
    return top;
}

/* Appends what is readable on fd to *buf; returns 0 at EOF, 1 if more may
 * come. */
static inline int e2e_drain(int fd, char **buf, size_t *len, size_t *cap)
{
    char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (n <= 0)
        return 0;
    if (*len + (size_t)n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 4096;
        while (*len + (size_t)n + 1 > ncap)
            ncap *= 2;
        char *nb = realloc(*buf, ncap);
        cr_assert(nb, "out of memory");
        *buf = nb;
        *cap = ncap;
    }
    memcpy(*buf + *len, tmp, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = '\0';
    return 1;
}

static inline long e2e_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Runs argv[0] (looked up in PATH) with the test's environment and stdin
 * from /dev/null; captures stdout and stderr.  Fails the test only if the
 * command cannot be started at all. */
static inline void e2e_run(e2e_run_t *r, const char *const *argv)
{
    int po[2], pe[2];
    size_t ocap = 0, ecap = 0;

    memset(r, 0, sizeof *r);
    r->out = calloc(1, 1);
    r->err = calloc(1, 1);
    cr_assert(r->out && r->err, "out of memory");
    cr_assert(pipe2(po, O_CLOEXEC) == 0 && pipe2(pe, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);
        if (nul < 0 || dup2(nul, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
            _exit(126);
        execvp(argv[0], (char *const *)argv);
        dprintf(2, "e2e: cannot run \"%s\": %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);

    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    long deadline = e2e_now_ms() + E2E_TIMEOUT_MS;
    bool timed_out = false;
    while (open_fds > 0) {
        long left = deadline - e2e_now_ms();
        if (left <= 0) {
            timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        int n = poll(fds, 2, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        cr_assert(n >= 0, "poll: %s", strerror(errno));
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int more = i == 0 ? e2e_drain(fds[i].fd, &r->out, &r->out_len, &ocap)
                              : e2e_drain(fds[i].fd, &r->err, &r->err_len, &ecap);
            if (!more) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);

    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        cr_assert(errno == EINTR, "waitpid: %s", strerror(errno));
    if (timed_out)
        r->status = -1;
    else if (WIFEXITED(st))
        r->status = WEXITSTATUS(st);
    else
        r->status = 128 + WTERMSIG(st);
    cr_assert(r->status != -1, "\"%s\" did not finish within %d s", argv[0], E2E_TIMEOUT_MS / 1000);
}

/* e2e_runl(&r, "cp", "-a", src, dst, NULL) */
static inline void e2e_runl(e2e_run_t *r, const char *arg0, ...)
{
    const char *argv[E2E_MAX_ARGS + 1];
    int n = 0;
    va_list ap;

    argv[n++] = arg0;
    va_start(ap, arg0);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL) {
        cr_assert(n < E2E_MAX_ARGS, "e2e_runl: too many arguments");
        argv[n++] = a;
    }
    va_end(ap);
    argv[n] = NULL;
    e2e_run(r, argv);
}

/* Runs the binary under test: e2e_bf(&r, "snapshot", "build", dir, NULL). */
#define e2e_bf(r, ...) e2e_runl((r), e2e_bin(), __VA_ARGS__)

static inline void e2e_run_free(e2e_run_t *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* "sha256  ./path" of every regular file under dir, sorted: a whole
 * output tree as one string, to compare two builds (lives until cleanup). */
static inline char *e2e_tree(const char *dir)
{
    e2e_run_t r;
    char *cmd = e2e_fmt("cd '%s' && find . -type f | LC_ALL=C sort | xargs -r sha256sum", dir);
    e2e_runl(&r, "sh", "-c", cmd, NULL);
    cr_assert_eq(r.status, 0, "cannot list %s: %s", dir, r.err);
    char *t = e2e_own(strdup(r.out));
    e2e_run_free(&r);
    return t;
}

/* A fresh empty directory under /tmp, removed by e2e_cleanup(). */
static inline char *e2e_tmpdir(void)
{
    char *d = strdup("/tmp/bf-e2e-XXXXXX");

    cr_assert(d, "out of memory");
    cr_assert(mkdtemp(d), "mkdtemp: %s", strerror(errno));
    cr_assert(e2e_n_tmp < E2E_MAX_TMP, "too many temporary directories");
    e2e_tmp_dirs[e2e_n_tmp++] = d;
    return d;
}

/* Copies the fixture $BF_TOP/tests/sites/NAME to TMP/site (cp -a) and
 * returns "TMP/site".  The parent TMP is a private temporary directory too,
 * so tests may put files beside the site (e.g. a symlink target outside
 * it). */
static inline char *e2e_site(const char *name)
{
    char *src = e2e_fmt("%s/tests/sites/%s", e2e_top(), name);
    struct stat st;

    cr_assert(stat(src, &st) == 0 && S_ISDIR(st.st_mode), "fixture site \"%s\" is missing", src);
    char *dst = e2e_fmt("%s/site", e2e_tmpdir());
    e2e_run_t r;
    e2e_runl(&r, "cp", "-a", src, dst, NULL);
    cr_assert(r.status == 0, "cp -a %s %s failed: %s", src, dst, r.err);
    e2e_run_free(&r);
    /* A developer may have built the fixture in place: start clean. */
    char *dot = e2e_fmt("%s/.bengal", dst);
    e2e_runl(&r, "rm", "-rf", dot, NULL);
    e2e_run_free(&r);
    return dst;
}

/* Removes every directory made by e2e_tmpdir() and frees the helpers'
 * strings; the suites' .fini. */
static inline void e2e_cleanup(void)
{
    for (int i = 0; i < e2e_n_tmp; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execlp("rm", "rm", "-rf", e2e_tmp_dirs[i], (char *)NULL);
            _exit(127);
        }
        if (pid > 0)
            waitpid(pid, NULL, 0);
        free(e2e_tmp_dirs[i]);
    }
    e2e_n_tmp = 0;
    for (int i = 0; i < e2e_n_strs; i++)
        free(e2e_strs[i]);
    e2e_n_strs = 0;
}

/* The whole file, NUL-terminated, or NULL (errno set) if it cannot be
 * read.  *len (if not NULL) gets its size. */
static inline char *e2e_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 65536 * 2;
            char *nb = realloc(buf, cap);
            cr_assert(nb, "out of memory");
            buf = nb;
        }
        size_t got = fread(buf + n, 1, 65536, f);
        n += got;
        if (got < 65536)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* The number after "key": in a --stats-json file, or -1. */
static inline long e2e_stat_of(const char *stats, const char *key)
{
    char *json = e2e_read_file(stats, NULL);
    char *k = e2e_fmt("\"%s\":", key);
    const char *p = json ? strstr(json, k) : NULL;
    long n = -1;
    if (p)
        sscanf(p + strlen(k), "%ld", &n);
    free(json);
    return n;
}

/* e2e_read_file() whose result lives until e2e_cleanup(); NULL if the file
 * cannot be read. */
static inline char *e2e_own_file(const char *path, size_t *len)
{
    char *s = e2e_read_file(path, len);

    return s ? e2e_own(s) : NULL;
}

/* Writes (creates or replaces) a file; fails the test on error. */
static inline void e2e_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    cr_assert(f, "cannot create \"%s\": %s", path, strerror(errno));
    cr_assert(fwrite(data, 1, len, f) == len, "cannot write \"%s\"", path);
    cr_assert(fclose(f) == 0, "cannot write \"%s\": %s", path, strerror(errno));
}

/* Writes a string as a whole file. */
static inline void e2e_write_str(const char *path, const char *s)
{
    e2e_write_file(path, s, strlen(s));
}

/* The built file SITE/public/rel, which must exist (lives until cleanup). */
static inline char *e2e_out_file(const char *site, const char *rel)
{
    char *path = e2e_fmt("%s/public/%s", site, rel);
    char *s = e2e_own_file(path, NULL);

    cr_assert(s, "%s was not produced: %s", path, strerror(errno));
    return s;
}

static inline bool e2e_exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

/* POSIX extended regex search (REG_NEWLINE: '.' and [^x] stop at line ends,
 * ^ and $ match at them).  flags may add REG_ICASE. */
static inline bool e2e_match(const char *text, const char *pattern, int flags)
{
    regex_t re;
    int rc = regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE | REG_NOSUB | flags);

    cr_assert(rc == 0, "bad regex in test: %s", pattern);
    rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    return rc == 0;
}

/* Occurrences of needle in s (they may overlap). */
static inline size_t e2e_count(const char *s, const char *needle)
{
    size_t n = 0;

    for (const char *p = s; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* Number of '\n'-terminated lines in s. */
static inline size_t e2e_count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Whether a program is on PATH (for optional tools such as python3). */
static inline bool e2e_have(const char *prog)
{
    e2e_run_t r;
    char *cmd = e2e_fmt("command -v %s >/dev/null 2>&1", prog);

    e2e_runl(&r, "sh", "-c", cmd, NULL);
    bool ok = r.status == 0;
    e2e_run_free(&r);
    return ok;
}

/* Whether the binary under test highlights code (it was built with the
 * tree-sitter grammars: `version` lists them). */
static inline bool e2e_has_grammars(void)
{
    e2e_run_t r;
    e2e_runl(&r, e2e_bin(), "version", NULL);
    bool ok = r.status == 0 && strstr(r.out, "highlighting: ") &&
              !strstr(r.out, "highlighting: no grammar");
    e2e_run_free(&r);
    return ok;
}

/* The binary ended on its own (no signal, no timeout) and no sanitizer
 * reported anything: what every run must satisfy, whatever its input. */
#define e2e_assert_no_crash(r)                                                                     \
    do {                                                                                           \
        cr_assert((r)->status >= 0 && (r)->status < 128,                                           \
                  "bengal-farm crashed or was killed (status %d); stderr:\n%s", (r)->status,       \
                  (r)->err);                                                                       \
        cr_assert(!strstr((r)->err, "AddressSanitizer") && !strstr((r)->err, "LeakSanitizer") &&   \
                      !strstr((r)->err, "runtime error"),                                          \
                  "sanitizer report on stderr:\n%s", (r)->err);                                    \
    } while (0)

/* What a build leaves beside the output OUT: nothing, or the standby
 * tree (OUT.staging, the previous output kept for the next build to
 * patch): a directory of ours (it has the marker) with no temporary in
 * it.  A half-built tree is not left: the next build would remove it. */
static inline bool e2e_standby_ok(const char *out)
{
    const char *stg = e2e_fmt("%s.staging", out);
    if (!e2e_exists(stg))
        return true;
    if (!e2e_exists(e2e_fmt("%s/.bengal-output", stg)))
        return false;
    DIR *d = opendir(stg); /* no writer's temporary: .bengal-new, .bengal-new.G */
    struct dirent *e;
    bool ok = d != NULL;
    while (ok && (e = readdir(d)) != NULL)
        ok = strncmp(e->d_name, ".bengal-new", 11) != 0;
    if (d)
        closedir(d);
    return ok;
}

/* The tree a clean build of site makes (a copy without its state
 * directory, output and standby, built with -q -j 2 and extra, an
 * option or NULL), as e2e_tree() gives it: what an incremental build of
 * the same input must equal. */
static inline char *e2e_clean_tree(const char *site, const char *extra)
{
    char *clean = e2e_fmt("%s/clean", e2e_tmpdir());
    e2e_run_t r;
    e2e_runl(&r, "sh", "-c", e2e_fmt("cp -a '%s' '%s' && rm -rf '%s/.bengal' '%s/public' "
                                     "'%s/public.staging'", site, clean, clean, clean, clean),
             NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    e2e_run_free(&r);
    if (extra)
        e2e_bf(&r, "-q", "-j", "2", extra, clean, NULL);
    else
        e2e_bf(&r, "-q", "-j", "2", clean, NULL);
    cr_assert_eq(r.status, 0, "the clean build failed: %s", r.err);
    e2e_run_free(&r);
    return e2e_tree(e2e_fmt("%s/public", clean));
}

#endif
