#!/bin/sh
# perf/fsync-bench.sh [BIN] - the cost of --fsync: the 10k-page site
# (perf/gensite.py --seed 1) built into an empty directory on the disk
# (not tmpfs: there a sync costs nothing) without and with --fsync, in
# turns A B A B... (RUNS each, default 3), so that the machine's noise
# falls on both alike.  Prints each run and the medians.
set -eu
BIN=${1:-build/bengal-farm}
RUNS=${RUNS:-3}
SITE=${SITE:-/tmp/bf-site-10k}
OUT=${OUT:-/var/tmp/bf-fsync-out}
[ -d "$SITE" ] || python3 "$(dirname "$0")/gensite.py" --seed 1 "$SITE" >/dev/null
export SOURCE_DATE_EPOCH=1700000000
one() { # label, extra args
    rm -rf "$OUT" "$OUT.staging"; sync
    t0=$(date +%s%N)
    "$BIN" -q -j 2 -o "$OUT" "$@" "$SITE"
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 ))"
}
plain="" synced=""
for i in $(seq 1 "$RUNS"); do
    a=$(one); b=$(one --fsync)
    echo "run $i: plain ${a} ms, --fsync ${b} ms"
    plain="$plain $a"; synced="$synced $b"
done
med() { echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "median: plain $(med $plain) ms, --fsync $(med $synced) ms"
