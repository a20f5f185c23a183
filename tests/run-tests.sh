#!/bin/sh
# Runs every criterion test binary given as an argument, lets each print its
# own summary ("Synthesis: Tested: N | Passing: N | Failing: N | Crashing: N"),
# and ends with one line that sums them all.  Exit status 1 if any failed.
passed=0 failed=0 status=0
for bin in "$@"; do
    echo "== $bin"
    out=$("$bin" --jobs 2 2>&1); rc=$?
    printf '%s\n' "$out"
    line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -n 1)
    t=$(printf '%s' "$line" | sed -n 's/.*Tested: *\([0-9]*\).*/\1/p')
    p=$(printf '%s' "$line" | sed -n 's/.*Passing: *\([0-9]*\).*/\1/p')
    if [ -z "$t" ] || [ "$rc" -ne 0 ]; then status=1; fi
    passed=$((passed + ${p:-0})); failed=$((failed + ${t:-1} - ${p:-0}))
    # a binary that failed without a failing test in its count (a timeout,
    # a crash of the runner) is one failure, not none
    if [ "$rc" -ne 0 ] && [ "${t:-1}" = "${p:-0}" ]; then failed=$((failed + 1)); fi
done
echo "tests: $passed passed, $failed failed"
exit $status
