/*
 * shared/tmpl/profile.c - --profile-templates counters (see profile.h).
 *
 * An open-addressing table of indexes into a growing array of records,
 * keyed by kind and name.  Lookups happen once per counted call; the
 * table stays small (templates, blocks, macros and filters of one theme).
 */
#include "shared/tmpl/profile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/clock.h"
#include "shared/hash.h"

struct bf_tmpl_profile {
    bf_tprof_entry_t *e;
    size_t n, cap;
    uint32_t *slots; /* index + 1, 0 = empty */
    size_t nslots;   /* power of two, >= 2 * cap */
};

bf_tmpl_profile_t *bf_tmpl_profile_new(void)
{
    return calloc(1, sizeof(bf_tmpl_profile_t));
}

void bf_tmpl_profile_free(bf_tmpl_profile_t *p)
{
    if (!p)
        return;
    free(p->e);
    free(p->slots);
    free(p);
}

uint64_t bf_tmpl_profile_now(void)
{
    return bf_clock_ns();
}

static uint64_t key_hash(char kind, const char *name, size_t len)
{
    return bf_hash64_seed(name, len, (uint64_t)(unsigned char)kind);
}

static int grow(bf_tmpl_profile_t *p)
{
    size_t cap = p->cap ? p->cap * 2 : 64;
    bf_tprof_entry_t *e = realloc(p->e, cap * sizeof *e);
    if (!e)
        return -1;
    p->e = e;
    size_t nslots = cap * 2;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < p->n; i++) {
        size_t len = strnlen(p->e[i].name, sizeof p->e[i].name);
        size_t h = (size_t)key_hash(p->e[i].kind, p->e[i].name, len) & (nslots - 1);
        while (slots[h])
            h = (h + 1) & (nslots - 1);
        slots[h] = (uint32_t)i + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->nslots = nslots;
    p->cap = cap;
    return 0;
}

static bf_tprof_entry_t *find(bf_tmpl_profile_t *p, char kind, const char *name, size_t len)
{
    if (len > sizeof p->e[0].name - 1)
        len = sizeof p->e[0].name - 1;
    if (p->n == p->cap && grow(p) < 0)
        return NULL;
    size_t h = (size_t)key_hash(kind, name, len) & (p->nslots - 1);
    while (p->slots[h]) {
        bf_tprof_entry_t *e = &p->e[p->slots[h] - 1];
        if (e->kind == kind && strnlen(e->name, sizeof e->name) == len &&
            memcmp(e->name, name, len) == 0)
            return e;
        h = (h + 1) & (p->nslots - 1);
    }
    bf_tprof_entry_t *e = &p->e[p->n];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    memcpy(e->name, name, len);
    p->slots[h] = (uint32_t)++p->n;
    return e;
}

void bf_tmpl_profile_count(bf_tmpl_profile_t *p, char kind, const char *name, size_t len,
                           uint64_t ns)
{
    bf_tprof_entry_t *e = find(p, kind, name, len);
    if (e) {
        e->calls++;
        e->ns += ns;
    }
}

void bf_tmpl_profile_add(bf_tmpl_profile_t *p, const bf_tprof_entry_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bf_tprof_entry_t *e =
            find(p, src[i].kind, src[i].name, strnlen(src[i].name, sizeof src[i].name));
        if (e) {
            e->calls += src[i].calls;
            e->ns += src[i].ns;
        }
    }
}

size_t bf_tmpl_profile_size(const bf_tmpl_profile_t *p)
{
    return p->n;
}

const bf_tprof_entry_t *bf_tmpl_profile_entries(const bf_tmpl_profile_t *p)
{
    return p->e;
}

static int by_cost(const void *a, const void *b)
{
    const bf_tprof_entry_t *x = *(const bf_tprof_entry_t *const *)a;
    const bf_tprof_entry_t *y = *(const bf_tprof_entry_t *const *)b;
    if (x->ns != y->ns)
        return x->ns < y->ns ? 1 : -1;
    if (x->calls != y->calls)
        return x->calls < y->calls ? 1 : -1;
    return strcmp(x->name, y->name); /* deterministic order */
}

void bf_tmpl_profile_print(const bf_tmpl_profile_t *p, FILE *f, size_t n)
{
    static const struct {
        char kind;
        const char *title;
    } kinds[] = {{BF_TPROF_TEMPLATE, "templates"}, {BF_TPROF_BLOCK, "blocks"},
                 {BF_TPROF_MACRO, "macros"},       {BF_TPROF_INCLUDE, "includes"},
                 {BF_TPROF_FILTER, "filters"}};
    const bf_tprof_entry_t **v = malloc((p->n ? p->n : 1) * sizeof *v);
    if (!v)
        return;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t m = 0;
        for (size_t i = 0; i < p->n; i++) {
            if (p->e[i].kind == kinds[k].kind)
                v[m++] = &p->e[i];
        }
        if (!m)
            continue;
        qsort(v, m, sizeof *v, by_cost);
        /* a kind whose time is not measured (no entry has any) shows its
         * calls only, not columns of zeros */
        bool timed = false;
        for (size_t i = 0; i < m && !timed; i++)
            timed = v[i]->ns > 0;
        if (timed)
            fprintf(f, "%-62s %10s %12s %10s\n", kinds[k].title, "calls", "total ms",
                    "us/call");
        else
            fprintf(f, "%-62s %10s\n", kinds[k].title, "calls");
        for (size_t i = 0; i < m && i < n; i++) {
            double ms = (double)v[i]->ns / 1e6;
            double per = v[i]->calls ? (double)v[i]->ns / 1e3 / (double)v[i]->calls : 0;
            if (timed)
                fprintf(f, "  %-60s %10llu %12.3f %10.2f\n", v[i]->name,
                        (unsigned long long)v[i]->calls, ms, per);
            else
                fprintf(f, "  %-60s %10llu\n", v[i]->name, (unsigned long long)v[i]->calls);
        }
    }
    free(v);
}
