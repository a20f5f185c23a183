#!/bin/sh
# tests/fuzz/smoke.sh - `make fuzz-smoke`: every libFuzzer target for a few
# seconds on a copy of its seed corpus (tests/fuzz/corpus/NAME, where NAME
# is the target without "_fuzz", or its first word: tmpl_parse -> tmpl).
# Not a fuzzing campaign: a check in CI that each target still builds,
# starts, replays its seeds and survives a short run.  Exit 1 on a crash,
# a leak or a sanitizer report (the reproducer is left in build/fuzz/).
set -eu
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-10}
failed=0 ran=0
for bin in build/fuzz/*_fuzz; do
    name=$(basename "$bin" _fuzz)
    seeds=tests/fuzz/corpus/$name
    [ -d "$seeds" ] || seeds=tests/fuzz/corpus/${name%%_*}
    work=$(mktemp -d)
    [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
    if "$bin" -close_fd_mask=3 -max_total_time="$secs" -timeout=10 \
        -artifact_prefix=build/fuzz/"$name"- "$work" >"$work.log" 2>&1; then
        echo "fuzz $name: $(grep -o 'Done [0-9]* runs' "$work.log" | tail -n 1), no crash"
    else
        echo "fuzz $name: FAILED"
        tail -n 40 "$work.log"
        failed=$((failed + 1))
    fi
    ran=$((ran + 1))
    rm -rf "$work" "$work.log"
done
echo "fuzz: $ran targets, $failed failed"
[ "$failed" -eq 0 ] && [ "$ran" -gt 0 ]
