#!/bin/sh
# perf/scale.sh [BIN] - what a page costs at 10k, 100k and 1,000,000 pages
# (issue 14: time and memory per page within 1.25x of the 10k figures).
#
# Sites: perf/gensite.py --seed 1 with short pages (--page-bytes, default
# 800: a million pages of the usual 4.3 KB would be 4.3 GB of markdown),
# the same shape at every size:
#     10k   --sections 10  --subsections 10  --pages 100
#     100k  --sections 10  --subsections 100 --pages 100
#     1m    --sections 100 --subsections 100 --pages 100
# generated once under WORK (default /var/tmp/bf-scale, on the disk) and
# kept (a stamp records the arguments).  Each size is built once (SIZES,
# default "10k 100k 1m"), -j J (default: the CPUs), into an empty output
# directory and a fresh state directory on the same disk, through
# build/treemem: wall, user and system time of the whole process tree and
# the sum of every process's peak RSS (an upper bound, perf/treemem.c).
# Outputs are removed only after every size has run (ext4 is slow to
# create files where a large tree was just deleted: perf/RESULTS.md).
# Prints one line per size and the per-page figures relative to 10k.
set -eu
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/bengal-farm}")
WORK=${WORK:-/var/tmp/bf-scale}
SIZES=${SIZES:-"10k 100k 1m"}
PAGE_BYTES=${PAGE_BYTES:-800}
J=${J:-$(nproc)}
make -s build/treemem
TREEMEM=$(realpath build/treemem)
export SOURCE_DATE_EPOCH=4102444800 # 2100: every generated page is in the past
mkdir -p "$WORK"

args_of() {
    case $1 in
    10k) echo "--sections 10 --subsections 10 --pages 100" ;;
    100k) echo "--sections 10 --subsections 100 --pages 100" ;;
    1m) echo "--sections 100 --subsections 100 --pages 100" ;;
    *) echo "perf/scale.sh: unknown size $1 (10k, 100k, 1m)" >&2 && exit 2 ;;
    esac
}

for size in $SIZES; do
    args="$(args_of "$size") --page-bytes $PAGE_BYTES --seed 1"
    site=$WORK/site-$size
    if [ "$(cat "$site.stamp" 2>/dev/null)" != "$args" ]; then
        rm -rf "$site" "$site.stamp"
        echo "== generating $site ($args)" >&2
        # shellcheck disable=SC2086 # the arguments are words on purpose
        python3 perf/gensite.py $args "$site" >&2
        echo "$args" >"$site.stamp"
    fi
done
sync

for size in $SIZES; do
    out=$WORK/out-$size state=$WORK/state-$size
    rm -rf "$out" "$out.staging" "$state" "$WORK/mem-$size"
    echo "== building $size" >&2
    "$TREEMEM" -o "$WORK/mem-$size" "$BIN" -q -j "$J" --cache-dir "$state" -o "$out" \
        --stats-json "$WORK/stats-$size.json" "$WORK/site-$size"
done

python3 - "$WORK" $SIZES <<'PY'
import json, os, sys
work, sizes = sys.argv[1], sys.argv[2:]
rows = []
for size in sizes:
    wall, user, sys_, peak, procs, largest = open(os.path.join(work, "mem-" + size)).read().split()[:6]
    st = json.load(open(os.path.join(work, "stats-%s.json" % size)))
    pages = st["pages"]
    snap = os.path.getsize(os.path.join(work, "state-" + size, "snapshot.bfs"))
    rows.append((size, pages, float(wall), float(user), float(sys_), int(peak), int(procs),
                 int(largest), snap, st["phases"]))
print("%-5s %8s %8s %8s %8s %10s %10s %9s %9s %9s %8s" % (
    "size", "pages", "wall s", "user s", "sys s", "peak MB", "largest", "wall µs/p",
    "cpu µs/p", "KB/page", "snap MB"))
base = None
for size, pages, wall, user, sys_, peak, procs, largest, snap, ph in rows:
    per = (wall / pages * 1e6, (user + sys_) / pages * 1e6, peak / pages)
    base = base or per
    print("%-5s %8d %8.1f %8.1f %8.1f %10.0f %10.0f %9.0f %9.0f %9.2f %8.0f" % (
        size, pages, wall, user, sys_, peak / 1024, largest / 1024, per[0], per[1], per[2],
        snap / 2**20))
    print("      phases: %s; per page vs %s: wall %.2fx, cpu %.2fx, memory %.2fx" % (
        ", ".join("%s %.1f s" % kv for kv in ph.items()), sizes[0],
        per[0] / base[0], per[1] / base[1], per[2] / base[2]))
PY
echo "outputs left in $WORK/out-*: remove them when done (rm -rf $WORK)" >&2
