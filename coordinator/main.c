/*
 * coordinator/main.c - the bengal-farm process, and the one place where
 * the roles meet.
 *
 * STYLE rule 3 keeps coordinator/ and worker/ apart: they share only
 * snapshot-format/ and shared/.  A fork-based farm still needs one spot
 * that knows both, because the coordinator starts worker code in its
 * children and some commands (`bengal-farm markdown`, `template`) are
 * worker code run directly.  That spot is this file: it hands worker entry
 * points, the embedded theme (worker/theme.h) and the highlighter a build
 * compiles before the fork (worker/highlight.h) to the coordinator's
 * command line (and the coordinator's YAML loader to the template
 * command); no other coordinator file includes worker/.
 */
#include <string.h>

#include "coordinator/cli.h"
#include "coordinator/yaml.h"
#include "worker/highlight.h"
#include "worker/md_cli.h"
#include "worker/theme.h"
#include "worker/tmpl_cli.h"
#include "worker/worker.h"

static int template_main(int argc, char **argv)
{
    return bf_tmpl_cli_main(argc, argv, bf_yaml_load_file);
}

/* The highlighter a build compiles before the fork (bf_farm_roles_t). */
static void *hl_prepare(const char *const *langs, size_t n, unsigned threads)
{
    bf_hl_t *hl = bf_hl_new();
    if (hl && bf_hl_prepare(hl, langs, n, threads) < 0) {
        bf_hl_free(hl);
        hl = NULL;
    }
    return hl;
}

static void hl_free(void *hl)
{
    bf_hl_free(hl);
}

int main(int argc, char **argv)
{
    static const bf_cli_roles_t roles = {
        {bf_worker_main, bf_hl_language, bf_theme_templates, bf_theme_assets, hl_prepare,
         hl_free},
        bf_md_cli_main, template_main};
    return bf_cli_main(argc, argv, &roles);
}
