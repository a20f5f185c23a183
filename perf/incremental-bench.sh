#!/bin/sh
# perf/incremental-bench.sh [BIN] - what a rebuild costs against a clean
# build, side by side in one run, on the disk (not tmpfs: the publish step
# is what a disk makes expensive).
#
# The site: perf/gensite.py --seed 1 (10,000 pages, the embedded theme),
# copied to $WORK/site.  Each round, in this order:
#
#   clean    no state directory, an empty output: the reference
#   warm     the same again over it, one file rewritten with the same bytes
#            (a real build: the standby and caches exist after it)
#   nothing  nothing changed since
#   body     one page's body edited (a line appended)
#   title    one page's title edited
#   config   the site's title edited: every page renders again (the
#            templates run for every page), their markdown from the render
#            pack (STATE/render)
#   nopack   the same edit again with the render pack removed first: the
#            markdown of every page is parsed again (what the pack saves)
#
# all with -j 2 (the same processes for every row).  RUNS rounds (default
# 3); each row prints its median and min-max wall time and peak RSS of the
# largest process (GNU time's %M), and the ratio of each median to the
# clean build's.  After the last round the published tree is compared
# with a clean build of the edited site (it must be the same).
set -eu
BIN=$(realpath "${1:-build/bengal-farm}")
RUNS=${RUNS:-3}
WORK=${WORK:-/var/tmp/bf-incr-bench}
GEN=$(dirname "$0")/gensite.py
export SOURCE_DATE_EPOCH=4102444800 # 2100: every generated page is in the past
rm -rf "$WORK"
mkdir -p "$WORK"
python3 "$GEN" --seed 1 "$WORK/site" >/dev/null
OUT=$WORK/out
# the inputs must be older than the "racy" window (coordinator/inputs.h)
sleep 3

one() { # label: runs a build, appends "wall_ms rss_kb" to $WORK/label
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" -q -j 2 -o "$OUT" "$WORK/site"
    awk '{printf "%d %d\n", $1 * 1000, $2}' "$WORK/time" >>"$WORK/$1"
}
page=$(find "$WORK/site/content" -name '*.md' ! -name '_index.md' | LC_ALL=C sort | sed -n 500p)
for r in $(seq 1 "$RUNS"); do
    rm -rf "$OUT" "$OUT.staging" "$WORK/site/.bengal"; sync
    one clean
    # a build over the clean one keeps it as the standby (steady state);
    # the same bytes written again make it a real build, not "nothing"
    cp "$page" "$WORK/page" && cat "$WORK/page" >"$page"
    sleep 3 # inputs older than the "racy" window: the warm build records them
    one warm
    one nothing
    printf '\nOne more line, round %s.\n' "$r" >>"$page"
    one body
    sed -i "0,/^title: /s/^title: .*$/title: \"Edited title $r\"/" "$page"
    one title
    sed -i "s/^title: .*$/title: \"Generated docs $r\"/" "$WORK/site/bengal.yaml"
    one config
    sed -i "s/^title: .*$/title: \"Generated docs $r again\"/" "$WORK/site/bengal.yaml"
    rm -rf "$WORK/site/.bengal/render"
    one nopack
    echo "round $r done" >&2
done

stat_of() { # file column: median min max
    cut -d' ' -f"$2" "$WORK/$1" | sort -n |
        awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[1], v[NR]}'
}
clean_med=$(stat_of clean 1 | cut -d' ' -f1)
printf '%-8s %22s %22s %8s\n' build "wall ms (median min-max)" "RSS KB (median min-max)" "/clean"
for k in clean warm nothing body title config nopack; do
    set -- $(stat_of $k 1) $(stat_of $k 2)
    printf '%-8s %8s (%5s-%5s)    %8s (%6s-%6s) %7.1f%%\n' "$k" "$1" "$2" "$3" "$4" "$5" "$6" \
        "$(echo "$1 $clean_med" | awk '{print 100 * $1 / $2}')"
done

# the last tree against a clean build of the same input
cp -a "$WORK/site" "$WORK/fresh"
rm -rf "$WORK/fresh/.bengal"
"$BIN" -q -j 2 -o "$WORK/fresh-out" "$WORK/fresh"
if diff -r "$OUT" "$WORK/fresh-out" >/dev/null; then
    echo "the rebuilt tree equals a clean build"
else
    echo "the rebuilt tree DIFFERS from a clean build" && exit 1
fi
