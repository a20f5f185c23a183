/*
 * coordinator/assets.c - KaTeX from the system (see assets.h).
 */
#include "coordinator/assets.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

/* dir/name if it is a file (or, with want_dir, a directory); else NULL. */
static const char *has(bf_arena_t *a, const char *dir, const char *name, bool want_dir,
                       int *oom)
{
    const char *p = bf_arena_sprintf(a, "%s/%s", dir, name);
    struct stat st;
    if (!p) {
        *oom = 1;
        return NULL;
    }
    if (stat(p, &st) < 0 || (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)))
        return NULL;
    return p;
}

int bf_assets_find_katex(bf_arena_t *a, const char *site_dir, const char *dir, bf_katex_t *out)
{
    int oom = 0;
    memset(out, 0, sizeof *out);
    if (!dir || !*dir)
        return 0;
    const char *base = dir[0] == '/' || !site_dir ? dir
                                                  : bf_arena_sprintf(a, "%s/%s", site_dir, dir);
    if (!base)
        return -1;
    out->dir = dir;
    out->css = has(a, base, "katex.min.css", false, &oom);
    out->js = has(a, base, "katex.min.js", false, &oom);
    if (!out->js)
        out->js = has(a, base, "katex.js", false, &oom);
    out->auto_render = has(a, base, "contrib/auto-render.min.js", false, &oom);
    if (!out->auto_render)
        out->auto_render = has(a, base, "contrib/auto-render.js", false, &oom);
    out->fonts = has(a, base, "fonts", true, &oom);
    if (oom)
        return -1;
    return out->css && out->js && out->auto_render && out->fonts;
}
