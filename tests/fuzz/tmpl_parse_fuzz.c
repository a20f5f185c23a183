/*
 * tests/fuzz/tmpl_parse_fuzz.c - libFuzzer target: lexer, parser and
 * compile pass of the template engine on arbitrary bytes.
 *
 * The input is one template (named t.html, so autoescape is on); it may
 * name itself in extends/include/import, which exercises cycle detection.
 * Errors are expected; crashes, leaks, hangs and sanitizer reports are
 * bugs.  Run: build/fuzz/tmpl_parse_fuzz -max_total_time=60 tests/fuzz/corpus/tmpl
 */
#include <stddef.h>
#include <stdint.h>

#include "shared/ctx.h"
#include "shared/tmpl/env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bf_ctx.log_level = BF_LOG_QUIET;
    bf_tmpl_env_opts_t o = {.quiet = true};
    bf_tmpl_env_t *env = bf_tmpl_env_new(&o);
    if (!env)
        return 0;
    if (bf_tmpl_env_add_string(env, "t.html", (const char *)data, size) == 0) {
        const bf_tmpl_t *t;
        (void)bf_tmpl_env_load(env, "t.html", &t);
    }
    bf_tmpl_env_free(env);
    return 0;
}
