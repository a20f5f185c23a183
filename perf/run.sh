#!/bin/sh
# perf/run.sh - `make bench`: time `bengal-farm snapshot build` on a
# generated 10,000-page site.
#
#   sh perf/run.sh /abs/path/to/bengal-farm
#
# Generates perf/site-10k with perf/gensite.py (seed 1) the first time, then
# times `snapshot build` on it with hyperfine when installed (1 warm-up, 10
# runs, beside `cat` of every source file as the floor), else with a loop
# of 5 runs.  Prints the summary line of the
# snapshot and checks that `snapshot dump --json` gives valid JSON.  Record
# figures worth keeping in perf/RESULTS.md with the date and the commit.
#
# POSIX sh: the GNUmakefile runs it with `sh`.  SOURCE_DATE_EPOCH is fixed
# so that every run builds exactly the same snapshot.
set -eu

bin=${1:?usage: sh perf/run.sh /path/to/bengal-farm}
cd "$(dirname "$0")/.."
site=perf/site-10k
export SOURCE_DATE_EPOCH=1700000000

if [ ! -x "$bin" ]; then
    echo "perf/run.sh: \"$bin\" is not an executable: run make first" >&2
    exit 2
fi
if [ ! -f "$site/bengal.yaml" ]; then
    rm -rf "$site"
    echo "== generating $site"
    python3 perf/gensite.py "$site" --sections 10 --subsections 10 --pages 100 --seed 1
fi

echo "== $bin snapshot build $site"
"$bin" snapshot build "$site"

echo "== timing"
if command -v hyperfine >/dev/null 2>&1; then
    # Side by side with the I/O floor (reading every source file once), so
    # the figure is a ratio on this machine, not a time from a noisy box.
    hyperfine --warmup 1 --runs 10 \
        -n "snapshot build" "$bin snapshot build -q $site" \
        -n "read every file (floor)" "find $site/content -type f -exec cat {} + >/dev/null"
else
    echo "(hyperfine not installed: 5 runs timed with date)"
    i=1 total=0 best=
    while [ "$i" -le 5 ]; do
        t0=$(date +%s.%N)
        "$bin" snapshot build -q "$site" >/dev/null
        t1=$(date +%s.%N)
        t=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
        echo "run $i: $t s"
        total=$(echo "$total $t" | awk '{ printf "%.3f", $1 + $2 }')
        best=$(echo "${best:-$t} $t" | awk '{ printf "%.3f", ($2 < $1 ? $2 : $1) }')
        i=$((i + 1))
    done
    echo "$total $best" |
        awk '{ printf "snapshot build: mean %.3f s, best %.3f s over 5 runs\n", $1 / 5, $2 }'
fi

echo "== snapshot dump --json"
"$bin" snapshot dump --json "$site/.bengal/snapshot.bfs" | python3 -m json.tool >/dev/null
echo "JSON ok ($(wc -c <"$site/.bengal/snapshot.bfs") bytes of snapshot)"
