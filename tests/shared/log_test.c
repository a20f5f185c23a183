/*
 * tests/shared/log_test.c - exact text of diagnostics, level filter,
 * counters, role prefixes, truncation, one write per message.
 *
 * stderr is pointed at a temporary file with dup2 for the duration of a
 * capture; criterion runs each test in its own process, so bf_ctx starts
 * fresh in every test.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/ctx.h"
#include "shared/log.h"

typedef struct {
    int saved;
    int fd;
    char path[64];
} capture_t;

static void cap_start(capture_t *c)
{
    strcpy(c->path, "/tmp/bf-log-test-XXXXXX");
    c->fd = mkstemp(c->path);
    cr_assert_geq(c->fd, 0);
    c->saved = dup(STDERR_FILENO);
    cr_assert_geq(c->saved, 0);
    cr_assert_geq(dup2(c->fd, STDERR_FILENO), 0);
}

/* Restores stderr and returns what was written (malloc'd). */
static char *cap_end(capture_t *c)
{
    dup2(c->saved, STDERR_FILENO);
    close(c->saved);
    off_t size = lseek(c->fd, 0, SEEK_END);
    char *s = calloc(1, (size_t)size + 1);
    cr_assert_eq(pread(c->fd, s, (size_t)size, 0), size);
    close(c->fd);
    unlink(c->path);
    return s;
}

Test(log, error_with_location)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    capture_t c;
    cap_start(&c);
    bf_log_at(BF_LOG_ERROR, "content/docs/a.md", 3, 7, "unknown key \"%s\"", "tittle");
    char *s = cap_end(&c);
    cr_assert_str_eq(s, "content/docs/a.md:3:7: error: unknown key \"tittle\"\n");
    cr_assert_eq(bf_ctx.n_errors, 1);
    cr_assert_eq(bf_ctx.n_warnings, 0);
    free(s);
}

Test(log, line_without_column_and_no_location)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    capture_t c;
    cap_start(&c);
    bf_log_at(BF_LOG_WARN, "bengal.yaml", 0, 0, "unknown key \"foo\"");
    bf_log_at(BF_LOG_WARN, "bengal.yaml", 12, 0, "x");
    bf_log_at(BF_LOG_WARN, "bengal.yaml", 0, 5, "col without line is dropped");
    bf_log_error("cannot open \"%s\": %s", "x", "No such file or directory");
    char *s = cap_end(&c);
    cr_assert_str_eq(s, "bengal.yaml: warning: unknown key \"foo\"\n"
                        "bengal.yaml:12: warning: x\n"
                        "bengal.yaml: warning: col without line is dropped\n"
                        "bengal-farm: error: cannot open \"x\": No such file or directory\n");
    cr_assert_eq(bf_ctx.n_warnings, 3);
    cr_assert_eq(bf_ctx.n_errors, 1);
    free(s);
}

Test(log, info_has_no_level_word_debug_filtered)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    capture_t c;
    cap_start(&c);
    bf_log_info("built %d pages", 3);
    bf_log_debug("hidden");
    char *s = cap_end(&c);
    cr_assert_str_eq(s, "bengal-farm: built 3 pages\n");
    free(s);
}

Test(log, filtered_messages_still_count)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    bf_ctx.log_level = BF_LOG_ERROR;
    capture_t c;
    cap_start(&c);
    bf_log_warn("w1");
    bf_log_warn("w2");
    bf_log_info("i");
    bf_log_error("e");
    char *s = cap_end(&c);
    cr_assert_str_eq(s, "bengal-farm: error: e\n");
    cr_assert_eq(bf_ctx.n_warnings, 2);
    cr_assert_eq(bf_ctx.n_errors, 1);
    free(s);
}

Test(log, quiet_still_prints_errors)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    bf_ctx.log_level = BF_LOG_QUIET;
    capture_t c;
    cap_start(&c);
    bf_log_warn("w");
    bf_log_info("i");
    bf_log_error("e");
    char *s = cap_end(&c);
    cr_assert_str_eq(s, "bengal-farm: error: e\n");
    cr_assert_eq(bf_ctx.n_warnings, 1);
    free(s);
}

Test(log, worker_and_writer_prefix)
{
    /* the same words from every process; -v names the process */
    bf_ctx_init(BF_ROLE_WORKER, 3);
    bf_ctx.pid = 1234;
    capture_t c;
    cap_start(&c);
    bf_log_at(BF_LOG_ERROR, "a.md", 1, 2, "bad");
    bf_log_error("no file");
    bf_ctx.log_level = BF_LOG_DEBUG;
    bf_log_at(BF_LOG_ERROR, "a.md", 1, 2, "bad");
    bf_ctx_init(BF_ROLE_WRITER, 0);
    bf_ctx.pid = 77;
    bf_ctx.log_level = BF_LOG_DEBUG;
    bf_log_info("wrote %d files", 5);
    char *s = cap_end(&c);
    cr_assert_str_eq(s, "a.md:1:2: error: bad\n"
                        "bengal-farm: error: no file\n"
                        "bf-worker-3[1234]: a.md:1:2: error: bad\n"
                        "bf-writer[77]: wrote 5 files\n");
    free(s);
}

Test(log, a_message_clears_the_progress_line_first)
{
    bf_ctx_init(BF_ROLE_WORKER, 1);
    bf_ctx.progress_line = true;
    capture_t c;
    cap_start(&c);
    bf_log_warn("careful");
    char *s = cap_end(&c);
    cr_assert_str_eq(s, "\r\033[Kbengal-farm: warning: careful\n");
    free(s);
}

Test(log, debug_level_prefixes_coordinator)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    bf_ctx.pid = 42;
    bf_ctx.log_level = BF_LOG_DEBUG;
    capture_t c;
    cap_start(&c);
    bf_log_debug("forking %d workers", 4);
    char *s = cap_end(&c);
    cr_assert_str_eq(s, "bengal-farm[42]: debug: forking 4 workers\n");
    free(s);
}

Test(log, ctx_init_sets_pid_and_resets_counters)
{
    bf_ctx.n_errors = 5;
    bf_ctx.n_warnings = 6;
    bf_ctx.log_level = BF_LOG_WARN;
    bf_ctx_init(BF_ROLE_WORKER, 7);
    cr_assert_eq(bf_ctx.pid, getpid());
    cr_assert_eq(bf_ctx.role, BF_ROLE_WORKER);
    cr_assert_eq(bf_ctx.worker_index, 7);
    cr_assert_eq(bf_ctx.n_errors, 0);
    cr_assert_eq(bf_ctx.n_warnings, 0);
    cr_assert_eq(bf_ctx.log_level, BF_LOG_WARN); /* inherited, not reset */
}

Test(log, long_message_is_cut_with_dots)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    char *big = malloc(10000);
    memset(big, 'x', 9999);
    big[9999] = '\0';
    capture_t c;
    cap_start(&c);
    bf_log_error("%s", big);
    char *s = cap_end(&c);
    size_t n = strlen(s);
    cr_assert_eq(n, 4095);
    cr_assert_eq(strncmp(s, "bengal-farm: error: xxx", 23), 0);
    cr_assert_str_eq(s + n - 4, "...\n");
    cr_assert_eq(strchr(s, '\n'), s + n - 1);
    free(s);
    free(big);
}

Test(log, one_write_per_message_through_a_pipe)
{
    /* Through a pipe, each message must arrive whole in one read. */
    bf_ctx_init(BF_ROLE_COORD, 0);
    int p[2];
    cr_assert_eq(pipe(p), 0);
    int saved = dup(STDERR_FILENO);
    dup2(p[1], STDERR_FILENO);
    bf_log_at(BF_LOG_WARN, "f.md", 9, 1, "%s %d", "part", 2);
    dup2(saved, STDERR_FILENO);
    close(p[1]);
    char buf[256];
    ssize_t r = read(p[0], buf, sizeof buf - 1);
    cr_assert_gt(r, 0);
    buf[r] = '\0';
    cr_assert_str_eq(buf, "f.md:9:1: warning: part 2\n");
    cr_assert_eq(read(p[0], buf, sizeof buf), 0);
    close(p[0]);
}

Test(log, errno_is_preserved)
{
    bf_ctx_init(BF_ROLE_COORD, 0);
    capture_t c;
    cap_start(&c);
    errno = ENOENT;
    bf_log_error("cannot open \"x\": %m");
    int e = errno;
    char *s = cap_end(&c);
    cr_assert_eq(e, ENOENT);
    cr_assert_str_eq(s, "bengal-farm: error: cannot open \"x\": No such file or directory\n");
    free(s);
}
