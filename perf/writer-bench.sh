#!/bin/sh
# perf/writer-bench.sh - the writer's ceiling against one worker's output
# (issue 14, "many cores"):
#     RUNS=5 PRODUCERS="1 2 32" WRITERS="1" sh perf/writer-bench.sh
#     RUNS=3 PRODUCERS=32 WRITERS="1 2 4" sh perf/writer-bench.sh
#
# 1. One worker's production: the generated 10k site (gensite --seed 1,
#    SOURCE_DATE_EPOCH in 2100: every page in), built at -j1 RUNS times,
#    site and output on tmpfs, from --stats-json: files and bytes the
#    build wrote over the worker's busy time (the wall time it spent in
#    its waves, pushes included: every page, list page and aggregate).
# 2. What one writer absorbs: build/writer_bench (perf/writer-bench.c:
#    the real writer, PRODUCERS synthetic producers pushing that build's
#    very files as fast as the rings take them), RUNS times per producer
#    count, staging on tmpfs (/dev/shm) and on the disk (/var/tmp).
#    Each run starts after a sync.  On the disk the trees are removed only
#    at the end: on an ext4 without a journal (this VM's), inode
#    allocation skips every inode deleted in the last 12 hours whose
#    inode-table block is still cached (fs/ext4/ialloc.c,
#    recently_deleted), one lookup each, so a tree removed just before a
#    run makes that run's mkdir/creat CPU-bound in the kernel (perf: 60%
#    of the writer's time in recently_deleted).  Watch the writer's sys
#    time: it tells such runs.
# 3. The -j at which one writer saturates: writer files/s / worker files/s
#    (the same files, so MB/s gives the same ratio).
# With WRITERS="1 2 4", each producer count runs with W writers (each
# draining P/W rings, the lead merging and publishing, as a build with
# BENGAL_WRITERS=W).  The writers share the first CPU (the producers have
# the other): on a 2-core machine compare files per writer CPU-second, and
# read "ceiling -j" = W x that / one worker's files per CPU-second (4,700,
# perf/RESULTS.md) as what W cores of writers would absorb if the kernel
# takes their creates in parallel.
# Medians and the best run (min wall, max rate) of each; one line each.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
PRODUCERS=${PRODUCERS:-"1 2 32"}
WRITERS=${WRITERS:-1}
WORKER_FILES_PER_CPU_S=${WORKER_FILES_PER_CPU_S:-4700}
DISK=${DISK:-/var/tmp}
B=${BUILD:-build} # BUILD=build/x: another build directory (make BUILD=...)
make -s BUILD="$B" "$B/bengal-farm" "$B/libbengal.a" build/grammars/libgrammars.a
PKGS="libcmark-gfm yaml-0.1 liblz4 libzstd libxxhash tree-sitter libmicrohttpd"
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I. $(pkg-config --cflags $PKGS) \
    -o "$B/writer_bench" perf/writer-bench.c "$B/libbengal.a" build/grammars/libgrammars.a \
    $(pkg-config --libs $PKGS) -lm
bin=$(pwd)/$B/writer_bench
bf=$(pwd)/$B/bengal-farm
export SOURCE_DATE_EPOCH=4102444800
tmp=$(mktemp -d -p /dev/shm)
disk=$(mktemp -d -p "$DISK")
trap 'rm -rf "$tmp" "$disk"' EXIT
python3 perf/gensite.py --seed 1 "$tmp/site" >/dev/null

# median and best of a column of numbers (best: the smallest with "min",
# else the largest)
summary() { # min|max
    sort -g | awk -v best="$1" '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
        printf "%s (best %s)", m, best == "min" ? v[1] : v[NR] }'
}

echo "== one worker (-j1, tmpfs), $RUNS builds"
: >"$tmp/worker.txt"
for i in $(seq "$RUNS"); do
    rm -rf "$tmp/site/public" "$tmp/site/.bengal"
    "$bf" -q -j1 --stats-json "$tmp/stats.json" "$tmp/site"
    python3 - "$tmp/stats.json" >>"$tmp/worker.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
busy = d["workers"][0]["busy_seconds"]
o = d["outputs"]
print("%.0f %.0f %.1f %.4f %.4f %d %d" % (d["pages"] / busy, o["written"] / busy,
      o["bytes_written"] / busy / 1e6, busy, d["phases"]["render"], o["written"],
      o["bytes_written"]))
PY
done
wpages=$(cut -d' ' -f1 "$tmp/worker.txt" | summary max)
wfiles=$(cut -d' ' -f2 "$tmp/worker.txt" | summary max)
wmb=$(cut -d' ' -f3 "$tmp/worker.txt" | summary max)
read -r _ _ _ _ _ nfiles nbytes <"$tmp/worker.txt"
echo "worker: pages/s $wpages; files/s $wfiles; MB/s $wmb ($nfiles files, $nbytes bytes)"
wfiles_med=${wfiles%% *}

# the reference tree the producers push: this build's output
cp -a "$tmp/site/public" "$tmp/ref"

run_writer() { # label dir producers writers
    : >"$tmp/w.txt"
    for i in $(seq "$RUNS"); do
        sync
        wb="$2/wb-$3-$4-$i"
        "$bin" "$tmp/site" "$tmp/ref" "$wb" "$3" "$4" >>"$tmp/w.txt"
        if [ "$i" = 1 ] && ! diff -r "$tmp/ref" "$wb/out" >/dev/null; then
            echo "writer_bench: the staged tree differs from the reference" >&2
            exit 1
        fi
        [ "$2" = "$disk" ] || rm -rf "$wb"
    done
    col() { tr ' ' '\n' <"$tmp/w.txt" | sed -n "s/^$1=//p"; }
    fps=$(col files_per_s | summary max)
    cps=$(col files_per_cpu_s | summary max)
    echo "$1 P=$3 W=$4: wall s $(col wall | summary min); files/s $fps; MB/s $(col mb_per_s | summary max);" \
         "writer CPU s user $(col writer_user | summary min) sys $(col writer_sys | summary min);" \
         "files/CPU-s $(col files_per_cpu_s | summary max); full waits $(col full_waits | summary min);" \
         "empty waits $(col empty_waits | summary min); saturating -j $(echo "${fps%% *} $wfiles_med" |
         awk '{ printf "%.1f", $1 / $2 }'); ceiling -j ($4 cores of writers)" \
         "$(echo "${cps%% *} $4 $WORKER_FILES_PER_CPU_S" | awk '{ printf "%.1f", $1 * $2 / $3 }')"
}

echo "== writers $WRITERS, $RUNS runs per line (saturating -j = writer files/s / worker files/s, medians)"
for p in $PRODUCERS; do
    for w in $WRITERS; do
        run_writer tmpfs "$tmp" "$p" "$w"
    done
done
for p in $PRODUCERS; do
    for w in $WRITERS; do
        run_writer "disk($DISK)" "$disk" "$p" "$w"
    done
done
