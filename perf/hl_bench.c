/*
 * perf/hl_bench.c - highlighting throughput on one core, in MB of code
 * per second.
 *
 * Reads the files given, then highlights each as one code block of the
 * language (bf_hl_render: parse, query, HTML), round after round, in one
 * process pinned to the first CPU it may use.  The first round is a
 * warm-up (it also makes the language's parser and query, as a worker
 * does on its first block); the best of the other rounds is reported (the
 * least disturbed), with the median.  Also reports the HTML size per byte
 * of code, and what writing the same code plain (escaped) costs, the
 * floor highlighting is added to.
 *
 *     sh perf/hl-bench.sh               (builds with make, picks files, runs)
 *     build/hl_bench LANG ROUNDS FILE...
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/buf.h"
#include "shared/html.h"
#include "worker/highlight.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void pin(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, &set)) {
            CPU_ZERO(&set);
            CPU_SET(c, &set);
            sched_setaffinity(0, sizeof set, &set);
            return;
        }
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    bf_buf_t b = BF_BUF_INIT;
    char chunk[65536];
    size_t n;
    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (bf_buf_append(&b, chunk, n) < 0)
            break;
    fclose(f);
    /* cmark never hands over a NUL: drop them */
    size_t k = 0;
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i])
            b.data[k++] = b.data[i];
    *len = k;
    return b.data ? b.data : strdup("");
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: hl_bench LANG ROUNDS FILE...\n");
        return 2;
    }
    const char *lang = argv[1];
    int rounds = atoi(argv[2]);
    int nf = argc - 3;
    char **code = calloc((size_t)nf, sizeof *code);
    size_t *len = calloc((size_t)nf, sizeof *len), total = 0;
    double *t = calloc((size_t)rounds + 1, sizeof *t);
    bf_hl_t *hl = bf_hl_new();
    bf_buf_t out = BF_BUF_INIT;
    if (!code || !len || !t || !hl || rounds < 2)
        return 2;
    pin();
    for (int i = 0; i < nf; i++) {
        if (!(code[i] = slurp(argv[3 + i], &len[i]))) {
            fprintf(stderr, "hl_bench: cannot read %s\n", argv[3 + i]);
            return 2;
        }
        total += len[i];
    }
    size_t html = 0;
    for (int r = 0; r <= rounds; r++) {
        double t0 = now();
        html = 0;
        for (int i = 0; i < nf; i++) {
            bf_buf_reset(&out);
            if (bf_hl_render(hl, lang, strlen(lang), code[i], len[i], NULL, &out) != 0) {
                fprintf(stderr, "hl_bench: no grammar for %s in this build\n", lang);
                return 1;
            }
            html += out.len;
        }
        t[r] = now() - t0;
    }
    double plain = 1e30;
    for (int r = 0; r < 3; r++) {
        double t0 = now();
        for (int i = 0; i < nf; i++) {
            bf_buf_reset(&out);
            bf_html_escape_text(&out, code[i], len[i]);
        }
        double d = now() - t0;
        plain = d < plain ? d : plain;
    }
    qsort(t + 1, (size_t)rounds, sizeof *t, cmp_double);
    double mb = (double)total / 1e6;
    printf("%-11s %3d files %7.2f MB  best %6.2f MB/s  median %6.2f MB/s  "
           "(html %.1fx the code; plain escaping %.0f MB/s)\n",
           lang, nf, mb, mb / t[1], mb / t[1 + rounds / 2], (double)html / (double)total,
           mb / plain);
    for (int i = 0; i < nf; i++)
        free(code[i]);
    free(code);
    free(len);
    free(t);
    bf_buf_free(&out);
    bf_hl_free(hl);
    return 0;
}
