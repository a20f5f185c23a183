#!/usr/bin/env bash
# perf/shards.sh - a sharded build against a one-machine build of the same
# generated site (issue 15): time, CPU and memory of each step, the
# volumes the steps exchange, and the two published trees compared byte
# for byte (exit 1 when they differ).
#
#     perf/shards.sh [PAGES] [SHARDS] [JOBS] [DIR]
#
# PAGES: pages per subsection of perf/gensite.py --seed 1 with 10 x 10
# subsections (100: the 10k site; 1000: 100k), SHARDS (3), JOBS: -j of
# every step (2), DIR: where the site, the shared directory and the
# outputs go (/dev/shm/bf-shards: tmpfs, so that CPU, not this VM's disk,
# is measured).  The shards run one after another, as N machines would
# each run one: the figures of one shard are those of one machine.  Every
# step runs through build/treemem (perf/treemem.c): wall, user, sys, the
# peak memory summed over the step's processes.
set -euo pipefail
cd "$(dirname "$0")/.."
PER=${1:-100}
N=${2:-3}
J=${3:-2}
DIR=${4:-/dev/shm/bf-shards}
BIN=$PWD/build/bengal-farm
TM=$PWD/build/treemem
make -s build/bengal-farm build/treemem
export SOURCE_DATE_EPOCH=1900000000 # one build time for every step and the one-machine build
site=$DIR/site-$PER
if [ ! -d "$site" ]; then
    mkdir -p "$DIR"
    python3 perf/gensite.py --seed 1 --sections 10 --subsections 10 --pages "$PER" "$site" >/dev/null
fi
rm -rf "$DIR/one" "$DIR/one.state" "$DIR/shared" "$DIR/out" "$DIR/out.lock" "$site/.bengal"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# step NAME CMD...: runs CMD through treemem, prints one row
step() {
    local name=$1 err
    shift
    err=$DIR/$(echo "$name" | tr ' /' '--').err
    : >"$log"
    "$TM" -o "$log" "$@" >/dev/null 2>"$err" || {
        echo "$name failed:"
        tail -5 "$err"
        exit 1
    }
    read -r wall user sys peak procs largest <"$log"
    printf '| %-12s | %7.2f | %7.2f | %6.2f | %8.0f | %8.0f |\n' "$name" "$wall" "$user" "$sys" \
        "$((peak / 1024))" "$((largest / 1024))"
}

echo "site: $(find "$site/content" -name '*.md' | wc -l) pages, $N shards, -j$J, in $DIR ($(df -T "$DIR" | awk 'NR==2 {print $2}'))"
echo
echo "| step         | wall s  | user s  | sys s  | peak MB  | largest MB |"
echo "|--------------|---------|---------|--------|----------|------------|"
step one-machine "$BIN" build -q -j "$J" --no-cache --cache-dir "$DIR/one.state" -o "$DIR/one" "$site"
step plan "$BIN" plan -q --shards "$N" --cache-dir "$DIR/shared" "$site"
for ((i = 0; i < N; i++)); do
    step "shard $i/$N" "$BIN" build -q -j "$J" --shard "$i/$N" --cache-dir "$DIR/shared" "$site"
done
step merge "$BIN" merge -q -j "$J" --shards "$N" --cache-dir "$DIR/shared" -o "$DIR/out" "$site"
step merge-again "$BIN" merge -q -j "$J" --shards "$N" --cache-dir "$DIR/shared" -o "$DIR/out" "$site"
echo
size() { du -sb "$1" 2>/dev/null | cut -f1; }
echo "snapshot: $(( $(size "$DIR/shared/plan/snapshot.bfs") / 1024 )) KiB"
for ((i = 0; i < N; i++)); do
    printf 'shard %d: %d pages, page cache (its summaries) %d KiB, output %d KiB\n' "$i" \
        "$(find "$DIR/shared/shards/$i/out" -name index.html | wc -l)" \
        "$(( $(size "$DIR/shared/shards/$i/state/pages") / 1024 ))" \
        "$(( $(size "$DIR/shared/shards/$i/out") / 1024 ))"
done
if diff -r "$DIR/one" "$DIR/out" >/dev/null; then
    echo "merged output == one-machine output: identical"
else
    echo "merged output != one-machine output:"
    diff -rq "$DIR/one" "$DIR/out" | head
    exit 1
fi
