/*
 * tests/fuzz/shard_fuzz.c - libFuzzer target for bf_shard_parse()
 * (coordinator/shard.h), the parser of `--shard I/N|auto` and of the
 * Slurm and Kubernetes variables behind `auto`.
 *
 * Input: byte 0 chooses where the rest goes (bits 0-1: the argument, or
 * "auto" with the rest as SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or
 * SLURM_ARRAY_TASK_COUNT); the rest, up to its first NUL.  Whatever is
 * accepted must be in range: I < BF_SHARD_MAX, N <= BF_SHARD_MAX, I < N
 * when N comes from the argument; whatever is refused says why.
 *
 *   make fuzz
 *   build/fuzz/shard_fuzz -max_total_time=60 tests/fuzz/corpus/shard
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coordinator/shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64)
        return 0;
    char text[64];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    static const char *const vars[] = {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX",
                                       "SLURM_ARRAY_TASK_COUNT"};
    for (size_t k = 0; k < 3; k++)
        unsetenv(vars[k]);
    unsigned mode = data[0] & 3;
    const char *arg = text;
    if (mode) {
        setenv(vars[mode - 1], text, 1);
        if (mode == 3)
            setenv("SLURM_ARRAY_TASK_ID", "1", 1);
        arg = "auto";
    }
    uint32_t index = UINT32_MAX, count = UINT32_MAX;
    const char *why = NULL;
    if (bf_shard_parse(arg, &index, &count, &why) < 0) {
        if (!why || !*why)
            abort(); /* a refusal says why */
        return 0;
    }
    if (index >= BF_SHARD_MAX || count > BF_SHARD_MAX)
        abort();
    if (!mode && (count == 0 || index >= count))
        abort();
    return 0;
}
