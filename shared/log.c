/*
 * shared/log.c - diagnostics to stderr (see log.h for the format).
 *
 * Each message is formatted into a stack buffer and written with one
 * write(2), so lines from concurrent processes never interleave (writes to
 * a pipe up to PIPE_BUF are atomic; to a terminal or file a single write is
 * as good as it gets).  A message longer than the buffer is cut and ends in
 * "...".  No allocation, no stdio: this is safe to call when memory has
 * run out.  errno is preserved so callers can log and then return it.
 */
#include "shared/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BF_LOG_BUF 4096

static const char *level_word(bf_log_level_t lvl)
{
    switch (lvl) {
    case BF_LOG_DEBUG:
        return "debug: ";
    case BF_LOG_WARN:
        return "warning: ";
    case BF_LOG_ERROR:
        return "error: ";
    default:
        return "";
    }
}

/* Appends to buf[*len..cap) like snprintf, clamping *len at cap. */
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n;
    if (*len > cap)
        *len = cap;
}

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return; /* nowhere left to report it */
        }
        p += w;
        n -= (size_t)w;
    }
}

static void put_prefix(char *buf, size_t cap, size_t *len)
{
    pid_t pid = bf_ctx.pid ? bf_ctx.pid : getpid();
    switch (bf_ctx.role) {
    case BF_ROLE_WORKER:
        put(buf, cap, len, "bf-worker-%d[%ld]: ", bf_ctx.worker_index, (long)pid);
        break;
    case BF_ROLE_WRITER:
        put(buf, cap, len, "bf-writer[%ld]: ", (long)pid);
        break;
    default:
        put(buf, cap, len, "bengal-farm[%ld]: ", (long)pid);
        break;
    }
}

void bf_log_vat(bf_log_level_t lvl, const char *file, unsigned line, unsigned col,
                const char *fmt, va_list ap)
{
    int saved_errno = errno;

    if (lvl == BF_LOG_WARN)
        bf_ctx.n_warnings++;
    else if (lvl == BF_LOG_ERROR)
        bf_ctx.n_errors++;

    /* BF_LOG_QUIET is a threshold only: errors still get through. */
    bf_log_level_t min = bf_ctx.log_level > BF_LOG_ERROR ? BF_LOG_ERROR
                                                         : bf_ctx.log_level;
    if (lvl < min)
        goto out;

    /* One byte of the buffer is kept free for the newline. */
    char buf[BF_LOG_BUF];
    const size_t cap = sizeof buf - 1;
    size_t len = 0;

    /* Every process words a message the same way ("file:line:col: error:
     * ...", or "bengal-farm: error: ..." without a file); with -v the
     * prefix names the process ("bf-worker-2[77]: error: ..."). */
    if (bf_ctx.progress_line)
        put(buf, cap, &len, "\r\033[K"); /* the progress line goes first */
    if (bf_ctx.log_level == BF_LOG_DEBUG) {
        put_prefix(buf, cap, &len);
        if (file)
            put(buf, cap, &len, "%s", file);
        else if (len >= 2)
            len -= 2; /* drop the prefix's ": ", the level word follows */
    } else {
        put(buf, cap, &len, "%s", file ? file : "bengal-farm");
    }
    if (line) {
        put(buf, cap, &len, ":%u", line);
        if (col)
            put(buf, cap, &len, ":%u", col);
    }
    put(buf, cap, &len, ": %s", level_word(lvl));

    if (len < cap) {
        va_list ap2;
        va_copy(ap2, ap);
        errno = saved_errno; /* so that %m works */
        int n = vsnprintf(buf + len, cap - len, fmt, ap2);
        va_end(ap2);
        if (n > 0)
            len += (size_t)n;
    }
    if (len >= cap) {
        /* vsnprintf kept cap - 1 bytes; end the cut line visibly. */
        len = cap - 1;
        memcpy(buf + len - 3, "...", 3);
    }
    buf[len++] = '\n';
    write_all(buf, len);

out:
    errno = saved_errno;
}

void bf_log_at(bf_log_level_t lvl, const char *file, unsigned line, unsigned col,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bf_log_vat(lvl, file, line, col, fmt, ap);
    va_end(ap);
}
