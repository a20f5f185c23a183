#!/bin/sh
# perf/many-workers.sh - supervision and the level barriers with far more
# workers than cores (issue 14): full builds of a small generated site
# (gensite --sections 2 --subsections 2 --pages 50) and of the 10k site at
# -j2, -j64 and -j256 (JOBS), in turns, RUNS rounds, site and output on
# tmpfs.  Each tree must equal the -j2 one (diff -r); reported per -j: the
# median wall, user and sys seconds of the whole process tree
# (/usr/bin/time: the coordinator and every child it reaped), and the
# render and publish phases from --stats-json.
#     RUNS=3 JOBS="2 64 256" sh perf/many-workers.sh
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
JOBS=${JOBS:-"2 64 256"}
make -s build/bengal-farm
bf=$(pwd)/build/bengal-farm
export SOURCE_DATE_EPOCH=4102444800
tmp=$(mktemp -d -p /dev/shm)
trap 'rm -rf "$tmp"' EXIT
python3 perf/gensite.py --seed 1 --sections 2 --subsections 2 --pages 50 "$tmp/small" >/dev/null
python3 perf/gensite.py --seed 1 "$tmp/10k" >/dev/null

med() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for site in small 10k; do
    : >"$tmp/t.txt"
    for i in $(seq "$RUNS"); do
        for j in $JOBS; do
            rm -rf "$tmp/$site/.bengal" "$tmp/out-$j"
            /usr/bin/time -f "%e %U %S" -o "$tmp/time" \
                "$bf" -q -j"$j" -o "$tmp/out-$j" --stats-json "$tmp/st.json" "$tmp/$site"
            python3 - "$tmp/st.json" "$j" "$(cat "$tmp/time")" >>"$tmp/t.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(sys.argv[2], sys.argv[3], "%.3f %.3f %d" % (d["phases"]["render"], d["phases"]["publish"],
      d["respawns"]))
PY
            first=${JOBS%% *}
            if [ "$j" != "$first" ] && ! diff -r "$tmp/out-$first" "$tmp/out-$j" >/dev/null; then
                echo "$site: the -j$j tree differs from the -j$first tree" >&2
                exit 1
            fi
        done
    done
    for j in $JOBS; do
        col() { awk -v j="$j" -v c="$1" '$1 == j { print $c }' "$tmp/t.txt" | med; }
        echo "$site -j$j: wall $(col 2) s, user $(col 3) s, sys $(col 4) s, render $(col 5) s," \
             "publish $(col 6) s, respawns $(col 7); tree identical to -j${JOBS%% *}"
    done
done
