/*
 * shared/tmpl/env.c - template environment (see env.h).
 *
 * Loading is a depth-first walk over literal references: a template is
 * marked "resolving" while its references load, so meeting a template in
 * that state is a cycle.  It is an error when every step of the cycle
 * always runs (top-level extends, include and import, not under a
 * condition or in a macro): such a template could never finish.  Cycles
 * through a condition are legal (recursive includes that stop) and are
 * caught at run time by the include depth limit.
 *
 * Template directories are read beneath a directory descriptor
 * (shared/fs.h, bf_fs_open_beneath): the walk and every load resolve
 * "rel/name" under it, so a template file or directory that is a symlink
 * leaving it is an error naming the file, never read.  Messages use the
 * directory's display name ("site/templates/page.html:3:8").
 */
#include "shared/tmpl/env.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/fs.h"
#include "shared/strmap.h"
#include "shared/tmpl/ast.h"
#include "shared/tmpl/compile.h"
#include "shared/tmpl/error.h"
#include "shared/tmpl/objects.h"
#include "shared/tmpl/parser.h"

#define MAX_TEMPLATE_SIZE ((size_t)16 << 20)
#define MAX_LOAD_DEPTH 64

typedef struct {
    const char *src;
    size_t len;
    const char *file; /* for messages; NULL: the template's name */
} source_t;

typedef struct {
    bf_tmpl_t *t;
    bool uncond; /* the edge to the next entry always runs */
} stack_ent_t;

/* A directory of the search path: templates are rel/NAME beneath fd. */
typedef struct {
    int fd;              /* owned, closed by bf_tmpl_env_free */
    const char *rel;     /* "templates", or "" for fd itself */
    const char *display; /* "site/templates", prefix of messages */
} tdir_t;

/* An embedded table and how messages name its templates. */
typedef struct {
    const bf_tmpl_embed_t *table;
    const char *display; /* "<theme>": "<theme>/base.html" */
} embeds_t;

struct bf_tmpl_env {
    bf_arena_t *a;
    bf_tmpl_diag_t diag;
    bool keep_trailing_newline;
    tdir_t **dirs;
    size_t ndirs;
    embeds_t **embeds;
    size_t nembeds;
    bf_strmap_t strings; /* name -> source_t */
    bf_strmap_t tmpls;   /* name -> bf_tmpl_t */
    bf_strmap_t globals; /* name -> bf_tv_t */
    bf_strmap_t refused; /* display paths reported unreadable: said once */
    const bf_tmpl_filter_t **filters;
    size_t nfilters;
    const bf_tmpl_filter_t **tests;
    size_t ntests;
    const char *baseurl;
    stack_ent_t stack[MAX_LOAD_DEPTH];
    size_t depth;
    const char **names; /* sorted compiled names, made on demand */
    size_t nnames;
};

bf_tmpl_env_t *bf_tmpl_env_new(const bf_tmpl_env_opts_t *opts)
{
    bf_arena_t *a = bf_arena_create(0);
    if (!a)
        return NULL;
    bf_tmpl_env_t *env = bf_arena_zalloc(a, sizeof *env);
    if (!env) {
        bf_arena_destroy(a);
        return NULL;
    }
    env->a = a;
    env->baseurl = "";
    if (opts) {
        env->keep_trailing_newline = opts->keep_trailing_newline;
        env->diag.quiet = opts->quiet;
        env->diag.text = opts->errors;
    }
    for (size_t i = 0; i < bf_tmpl_builtin_nfuncs; i++) {
        bf_tv_t *v = bf_arena_alloc(a, sizeof *v);
        if (!v)
            goto fail;
        *v = bf_tv_obj((bf_tmpl_obj_t *)&bf_tmpl_builtin_funcs[i].hdr, 0);
        const char *n = bf_tmpl_builtin_funcs[i].name;
        if (!bf_strmap_put(a, &env->globals, n, strlen(n), v))
            goto fail;
    }
    return env;
fail:
    bf_arena_destroy(a);
    return NULL;
}

void bf_tmpl_env_free(bf_tmpl_env_t *env)
{
    if (!env)
        return;
    for (size_t i = 0; i < env->ndirs; i++)
        close(env->dirs[i]->fd);
    bf_arena_destroy(env->a);
}

bf_arena_t *bf_tmpl_env_arena(bf_tmpl_env_t *env)
{
    return env->a;
}

static int push_ptr(bf_arena_t *a, void ***arr, size_t *n, void *p)
{
    /* Grows by one: these lists are a handful long. */
    void **na = bf_arena_alloc(a, (*n + 1) * sizeof *na);
    if (!na)
        return -1;
    if (*n)
        memcpy(na, *arr, *n * sizeof *na);
    na[(*n)++] = p;
    *arr = na;
    return 0;
}

/* Takes fd (closes it on failure too). */
static int add_tdir(bf_tmpl_env_t *env, int fd, const char *rel, const char *display)
{
    tdir_t *d = bf_arena_alloc(env->a, sizeof *d);
    if (d) {
        d->fd = fd;
        d->rel = bf_arena_strdup(env->a, rel);
        d->display = bf_arena_strdup(env->a, display);
    }
    if (!d || !d->rel || !d->display ||
        push_ptr(env->a, (void ***)&env->dirs, &env->ndirs, d) < 0) {
        close(fd);
        return -1;
    }
    return 0;
}

int bf_tmpl_env_add_dir(bf_tmpl_env_t *env, const char *dir)
{
    /* dir itself may be a symlink (the user named it); below it, nothing
     * may lead out. */
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0; /* holds no templates, as before it existed */
        bf_tmpl_diag_error(&env->diag, dir, NULL, 0, 0, 0, "cannot read directory: %s",
                           strerror(errno));
        return -1;
    }
    return add_tdir(env, fd, "", dir);
}

int bf_tmpl_env_add_dir_at(bf_tmpl_env_t *env, int dirfd, const char *rel, const char *display)
{
    int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        bf_tmpl_diag_error(&env->diag, display, NULL, 0, 0, 0, "cannot read directory: %s",
                           strerror(errno));
        return -1;
    }
    return add_tdir(env, fd, rel, display);
}

/* Reports that disp cannot be read, once: the walk meets a refused file,
 * then compile_all and every template naming it would look it up again. */
static void report_unreadable(bf_tmpl_env_t *env, const char *disp, const char *what, int err)
{
    size_t n = strlen(disp);
    if (bf_strmap_get(&env->refused, disp, n))
        return;
    char *key = bf_arena_strdup(env->a, disp);
    if (key)
        bf_strmap_put(env->a, &env->refused, key, n, key);
    bf_tmpl_diag_error(&env->diag, disp, NULL, 0, 0, 0, "cannot read%s: %s", what,
                       err == EFBIG ? "larger than 16 MiB" : bf_fs_beneath_why(err));
}

/* out = d->rel + "/" + name (or name alone), beneath d->fd; with
 * disp: d->display + "/" + name instead.  -1 if too long. */
static int tdir_path(const tdir_t *d, const char *name, bool disp, char *out, size_t cap)
{
    const char *base = disp ? d->display : d->rel;
    int n = snprintf(out, cap, "%s%s%s", base, *base && *name ? "/" : "", name);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int bf_tmpl_env_add_embedded(bf_tmpl_env_t *env, const bf_tmpl_embed_t *table,
                             const char *display)
{
    embeds_t *e = bf_arena_alloc(env->a, sizeof *e);
    if (!e || !(e->display = bf_arena_strdup(env->a, display ? display : "")))
        return -1;
    e->table = table;
    return push_ptr(env->a, (void ***)&env->embeds, &env->nembeds, e);
}

int bf_tmpl_env_add_string(bf_tmpl_env_t *env, const char *name, const char *src, size_t len)
{
    char *n = bf_arena_strdup(env->a, name);
    char *s = bf_arena_strndup(env->a, src, len);
    source_t *e = bf_arena_alloc(env->a, sizeof *e);
    if (!n || !s || !e)
        return -1;
    e->src = s;
    e->len = len;
    e->file = NULL;
    void *old = bf_strmap_put(env->a, &env->strings, n, strlen(n), e);
    if (!old)
        return -1;
    if (old != e) /* replace an earlier source of the same name */
        *(source_t *)old = *e;
    return 0;
}

int bf_tmpl_env_add_filter(bf_tmpl_env_t *env, const bf_tmpl_filter_t *f)
{
    return push_ptr(env->a, (void ***)&env->filters, &env->nfilters, (void *)f);
}

int bf_tmpl_env_add_test(bf_tmpl_env_t *env, const bf_tmpl_filter_t *t)
{
    return push_ptr(env->a, (void ***)&env->tests, &env->ntests, (void *)t);
}

int bf_tmpl_env_add_global(bf_tmpl_env_t *env, const char *name, bf_tv_t v)
{
    char *n = bf_arena_strdup(env->a, name);
    bf_tv_t *p = bf_arena_alloc(env->a, sizeof *p);
    if (!n || !p)
        return -1;
    *p = v;
    void *old = bf_strmap_put(env->a, &env->globals, n, strlen(n), p);
    if (!old)
        return -1;
    if (old != p)
        *(bf_tv_t *)old = v;
    return 0;
}

int bf_tmpl_env_set_baseurl(bf_tmpl_env_t *env, const char *baseurl)
{
    char *b = bf_arena_strdup(env->a, baseurl ? baseurl : "");
    if (!b)
        return -1;
    env->baseurl = b;
    return 0;
}

const char *bf_tmpl_env_baseurl(const bf_tmpl_env_t *env)
{
    return env->baseurl;
}

const bf_tmpl_filter_t *bf_tmpl_env_lookup(const void *envp, const char *name, size_t len,
                                           bool test)
{
    const bf_tmpl_env_t *env = envp;
    const bf_tmpl_filter_t *const *list = test ? env->tests : env->filters;
    size_t n = test ? env->ntests : env->nfilters;
    for (size_t i = n; i-- > 0;) {
        if (strlen(list[i]->name) == len && memcmp(list[i]->name, name, len) == 0)
            return list[i];
    }
    return test ? bf_tmpl_builtin_test(name, len) : bf_tmpl_builtin_filter(name, len);
}

bool bf_tmpl_env_global(const bf_tmpl_env_t *env, const char *name, size_t len, bf_tv_t *out)
{
    const bf_tv_t *v = bf_strmap_get(&env->globals, name, len);
    if (!v)
        return false;
    *out = *v;
    return true;
}

const bf_tmpl_t *bf_tmpl_env_get(const bf_tmpl_env_t *env, const char *name, size_t len)
{
    const bf_tmpl_t *t = bf_strmap_get(&env->tmpls, name, len);
    return t && t->state == 2 ? t : NULL;
}

size_t bf_tmpl_env_errors(const bf_tmpl_env_t *env)
{
    return env->diag.count;
}

const char *bf_tmpl_name(const bf_tmpl_t *t)
{
    return t->name;
}

bool bf_tmpl_ok(const bf_tmpl_t *t)
{
    return t->ok;
}

static bool autoescape_for(const char *name)
{
    static const char *const exts[] = {".html", ".htm", ".xml", ".xhtml", ".svg"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t e = strlen(exts[i]);
        if (n >= e && strcmp(name + n - e, exts[i]) == 0)
            return true;
    }
    return false;
}

/* Source of a template by name: strings, directories, embedded tables.
 * 1 found, 0 not found, -1 error (reported). */
static int find_source(bf_tmpl_env_t *env, const char *name, source_t *out)
{
    size_t n = strlen(name);
    const source_t *s = bf_strmap_get(&env->strings, name, n);
    if (s) {
        *out = *s;
        return 1;
    }
    const char *why = NULL;
    if (bf_path_check(name, n, &why) < 0) {
        bf_tmpl_diag_error(&env->diag, name, NULL, 0, 0, 0, "invalid template name (%s)",
                           why ? why : "bad path");
        return -1;
    }
    for (size_t i = 0; i < env->ndirs; i++) {
        const tdir_t *d = env->dirs[i];
        char rel[BF_PATH_MAX], disp[BF_PATH_MAX];
        if (tdir_path(d, name, false, rel, sizeof rel) < 0 ||
            tdir_path(d, name, true, disp, sizeof disp) < 0)
            continue;
        struct stat st;
        bf_buf_t b = BF_BUF_INIT;
        int rc = bf_fs_stat_at(d->fd, rel, &st);
        if (rc == 0 && !S_ISREG(st.st_mode))
            continue;
        if (rc < 0 && (errno == ENOENT || errno == ENOTDIR))
            continue; /* not in this directory */
        if (rc == 0)
            rc = bf_fs_read_file_at(d->fd, rel, MAX_TEMPLATE_SIZE, &b);
        if (rc < 0) {
            int e = errno;
            bf_buf_free(&b);
            report_unreadable(env, disp, " template", e);
            return -1;
        }
        char *copy = bf_arena_memdup(env->a, b.data ? b.data : "", b.len + 1);
        out->len = b.len;
        out->file = bf_arena_strdup(env->a, disp);
        bf_buf_free(&b);
        if (!copy || !out->file)
            return -1;
        out->src = copy;
        return 1;
    }
    for (size_t i = 0; i < env->nembeds; i++) {
        const char *display = env->embeds[i]->display;
        for (const bf_tmpl_embed_t *e = env->embeds[i]->table; e->name; e++) {
            if (strcmp(e->name, name) == 0) {
                out->src = e->src;
                out->len = e->len;
                out->file = bf_arena_sprintf(env->a, "%s%s%s", display, *display ? "/" : "",
                                             name);
                return out->file ? 1 : -1;
            }
        }
    }
    return 0;
}

static bool valid_utf8(bf_tmpl_env_t *env, const char *name, const char *s, size_t n)
{
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t w = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                 : (c & 0xf8) == 0xf0 ? 4 : 0;
        bool ok = w && i + w <= n && !(w == 2 && c < 0xc2);
        for (size_t k = 1; ok && k < w; k++)
            ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
        if (ok && w == 3) {
            unsigned cp = ((c & 0x0fu) << 12) | (((unsigned char)s[i + 1] & 0x3fu) << 6);
            ok = cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff);
        }
        if (ok && w == 4) {
            unsigned cp = ((c & 0x07u) << 18) | (((unsigned char)s[i + 1] & 0x3fu) << 12);
            ok = cp >= 0x10000 && cp <= 0x10ffff;
        }
        if (!ok || c == 0) { /* no excerpt: the line is not text */
            bf_tmpl_diag_error(&env->diag, name, NULL, 0, line, col,
                               c == 0 ? "NUL byte in template" : "invalid UTF-8 in template");
            return false;
        }
        if (c == '\n') {
            line++;
            col = 0;
        }
        i += w;
        col++;
    }
    return true;
}

static bf_tmpl_t *load(bf_tmpl_env_t *env, const char *name, const bf_tn_t *from,
                       const bf_tmpl_t *from_t, bool quiet_missing);

static void resolve_refs(bf_tmpl_env_t *env, bf_tmpl_t *t)
{
    for (size_t i = 0; i < t->nrefs; i++) {
        bf_tn_t *ref = t->refs[i];
        char *target = bf_arena_strndup(env->a, ref->a->lit.u.s, ref->a->lit.aux);
        if (!target)
            return;
        bf_tmpl_t *tt = bf_strmap_get(&env->tmpls, target, strlen(target));
        if (tt && tt->state == 1) {
            /* A cycle: the stack from tt to t, then back to tt. */
            size_t k = env->depth;
            while (k > 0 && env->stack[k - 1].t != tt)
                k--;
            bool definite = (ref->flags & BF_NF_TOPLEVEL) != 0;
            for (size_t j = k ? k - 1 : 0; j + 1 < env->depth; j++)
                definite &= env->stack[j].uncond;
            if (definite) {
                char chain[800];
                size_t len = 0;
                for (size_t j = k ? k - 1 : 0; j < env->depth && len < sizeof chain; j++)
                    len += (size_t)snprintf(chain + len, sizeof chain - len, "\"%s\" -> ",
                                            env->stack[j].t->name);
                if (len < sizeof chain)
                    snprintf(chain + len, sizeof chain - len, "\"%s\"", tt->name);
                bf_tmpl_diag_error(&env->diag, t->file, t->src, t->len, ref->a->line,
                                   ref->a->col, "template cycle: %s", chain);
                t->ok = false;
            }
            ref->ext = tt;
            continue;
        }
        env->stack[env->depth - 1].uncond = (ref->flags & BF_NF_TOPLEVEL) != 0;
        tt = load(env, target, ref, t, ref->flags & BF_NF_IGNORE_MISSING);
        if (tt)
            ref->ext = tt;
        else if (!(ref->flags & BF_NF_IGNORE_MISSING))
            t->ok = false;
    }
}

static bf_tmpl_t *load(bf_tmpl_env_t *env, const char *name, const bf_tn_t *from,
                       const bf_tmpl_t *from_t, bool quiet_missing)
{
    bf_tmpl_t *t = bf_strmap_get(&env->tmpls, name, strlen(name));
    if (t)
        return t;
    if (env->depth >= MAX_LOAD_DEPTH) {
        if (from)
            bf_tmpl_diag_error(&env->diag, from_t->file, from_t->src, from_t->len, from->line,
                               from->col, "templates reference each other too deeply (limit %d)",
                               MAX_LOAD_DEPTH);
        return NULL;
    }
    source_t src;
    int r = find_source(env, name, &src);
    if (r <= 0) {
        if (r == 0 && !quiet_missing) {
            if (from)
                bf_tmpl_diag_error(&env->diag, from_t->file, from_t->src, from_t->len,
                                   from->a->line, from->a->col, "template \"%s\" not found", name);
            else
                bf_tmpl_diag_error(&env->diag, NULL, NULL, 0, 0, 0, "template \"%s\" not found",
                                   name);
        }
        return NULL;
    }
    t = bf_arena_zalloc(env->a, sizeof *t);
    char *n = bf_arena_strdup(env->a, name);
    if (!t || !n || !bf_strmap_put(env->a, &env->tmpls, n, strlen(n), t))
        return NULL;
    t->name = n;
    t->file = src.file ? src.file : n;
    t->src = src.src;
    t->len = src.len;
    t->env = env;
    t->autoescape = autoescape_for(n);
    t->state = 1;
    size_t before = env->diag.count;
    /* Compiled even after syntax errors, to report unknown filters too. */
    if (valid_utf8(env, t->file, src.src, src.len) &&
        bf_tmpl_parse(env->a, t, env->keep_trailing_newline, &env->diag) == 0)
        bf_tmpl_compile(env->a, t, bf_tmpl_env_lookup, env, &env->diag);
    t->ok = env->diag.count == before;
    env->stack[env->depth].t = t;
    env->stack[env->depth].uncond = false;
    env->depth++;
    if (t->ok)
        resolve_refs(env, t);
    env->depth--;
    t->state = 2;
    env->names = NULL;
    return t;
}

int bf_tmpl_env_load(bf_tmpl_env_t *env, const char *name, const bf_tmpl_t **out)
{
    size_t before = env->diag.count;
    bf_tmpl_t *t = load(env, name, NULL, NULL, false);
    *out = t;
    return t && t->ok && env->diag.count == before ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct {
    char **v;
    size_t n, cap;
} names_t;

static int add_name(bf_tmpl_env_t *env, names_t *ns, const char *name)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 64;
        char **v = bf_arena_alloc(env->a, cap * sizeof *v);
        if (!v)
            return -1;
        if (ns->n)
            memcpy(v, ns->v, ns->n * sizeof *v);
        ns->v = v;
        ns->cap = cap;
    }
    ns->v[ns->n] = bf_arena_strdup(env->a, name);
    return ns->v[ns->n++] ? 0 : -1;
}

/* Does name end in an extension templates are written with?  Other files
 * under templates/ (images, notes, editor droppings) are not compiled
 * unless a template names them. */
static bool template_like(const char *name)
{
    static const char *const exts[] = {
        ".html", ".htm", ".xml", ".txt", ".json", ".js", ".css", ".svg",
        ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl",
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
        if (strcmp(dot, exts[i]) == 0)
            return true;
    return false;
}

/* Every template-like file under d->rel/sub, as names relative to
 * d->rel.  Entries are resolved beneath d->fd: one that leads out of it
 * through a symlink is an error naming it; one that does not resolve at
 * all (a dangling link) is skipped. */
static int walk(bf_tmpl_env_t *env, const tdir_t *d, const char *sub, int depth, names_t *ns)
{
    char path[BF_PATH_MAX], disp[BF_PATH_MAX];
    if (depth > 32 || tdir_path(d, sub, false, path, sizeof path) < 0 ||
        tdir_path(d, sub, true, disp, sizeof disp) < 0)
        return 0;
    DIR *dir = bf_fs_opendir_at(d->fd, path);
    if (!dir) {
        if (depth == 0 && errno != ENOENT) {
            report_unreadable(env, disp, " directory", errno);
            return -1;
        }
        return 0;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(dir)) && rc == 0) {
        if (e->d_name[0] == '.')
            continue;
        char name[BF_PATH_MAX], rel[BF_PATH_MAX];
        int w = snprintf(name, sizeof name, "%s%s%s", sub, *sub ? "/" : "", e->d_name);
        if (w < 0 || (size_t)w >= sizeof name || tdir_path(d, name, false, rel, sizeof rel) < 0)
            continue;
        struct stat st;
        if (bf_fs_stat_at(d->fd, rel, &st) < 0) {
            /* Reported and walked past: compile_all fails on the count,
             * after every other template has had its say. */
            int err = errno;
            char edisp[BF_PATH_MAX];
            if ((err == EXDEV || err == ELOOP) &&
                tdir_path(d, name, true, edisp, sizeof edisp) == 0)
                report_unreadable(env, edisp, "", err);
            continue;
        }
        if (S_ISDIR(st.st_mode))
            rc = walk(env, d, name, depth + 1, ns);
        else if (S_ISREG(st.st_mode) && template_like(e->d_name))
            rc = add_name(env, ns, name);
    }
    closedir(dir);
    return rc;
}

int bf_tmpl_env_compile_all(bf_tmpl_env_t *env)
{
    size_t before = env->diag.count;
    names_t ns = {0};
    for (size_t i = 0; i < env->strings.cap; i++) {
        if (env->strings.keys[i] && add_name(env, &ns, env->strings.keys[i]) < 0)
            return -1;
    }
    for (size_t i = 0; i < env->ndirs; i++) {
        if (walk(env, env->dirs[i], "", 0, &ns) < 0)
            return -1;
    }
    for (size_t i = 0; i < env->nembeds; i++) {
        for (const bf_tmpl_embed_t *e = env->embeds[i]->table; e->name; e++) {
            if (add_name(env, &ns, e->name) < 0)
                return -1;
        }
    }
    if (ns.n)
        qsort(ns.v, ns.n, sizeof *ns.v, cmp_str);
    for (size_t i = 0; i < ns.n; i++) {
        if (i && strcmp(ns.v[i], ns.v[i - 1]) == 0)
            continue;
        load(env, ns.v[i], NULL, NULL, false);
    }
    return env->diag.count == before ? 0 : -1;
}

size_t bf_tmpl_env_count(const bf_tmpl_env_t *env)
{
    return env->tmpls.n;
}

const char *bf_tmpl_env_name(const bf_tmpl_env_t *envc, size_t i)
{
    bf_tmpl_env_t *env = (bf_tmpl_env_t *)envc; /* the sorted list is a cache */
    if (!env->names) {
        const char **v = bf_arena_alloc(env->a, (env->tmpls.n + 1) * sizeof *v);
        if (!v)
            return NULL;
        size_t n = 0;
        for (size_t k = 0; k < env->tmpls.cap; k++) {
            if (env->tmpls.keys[k])
                v[n++] = env->tmpls.keys[k];
        }
        qsort(v, n, sizeof *v, cmp_str);
        env->names = v;
        env->nnames = n;
    }
    return i < env->nnames ? env->names[i] : NULL;
}
