#!/bin/sh
# perf/farm-bench.sh - a full build against the floor (perf/floor.c), side
# by side in one hyperfine run on the generated 10,000-page site:
#     sh perf/farm-bench.sh
# Pages go through the embedded docs theme.  The figure is the ratio
# (issue 5 target: -j2 at most 1.5x the floor), plus the per-worker busy
# fraction of the render phase from --stats-json.
set -eu
cd "$(dirname "$0")/.."
make -s build/bengal-farm
PKGS="libcmark-gfm"
gcc -std=c11 -O2 -Wall -Wextra $(pkg-config --cflags $PKGS) -o build/floor perf/floor.c \
    $(pkg-config --libs $PKGS)
site=perf/site-10k
if [ ! -f "$site/bengal.yaml" ]; then
    python3 perf/gensite.py "$site" --sections 10 --subsections 10 --pages 100 --seed 1
fi
# Pages go through the embedded docs theme (worker/theme: top bar and menu,
# section nav, breadcrumbs, TOC, prev/next, tags, dates, footer).
rm -rf "$site/templates"
# Output on tmpfs when there is one: the figure is about CPU and the farm,
# not about this VM's disk, whose write-back stalls vary run to run by 5x.
out=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$out"' EXIT
hyperfine --warmup 1 --runs 5 \
    -n "floor (read + cmark_render_html + write, 1 process)" \
    "rm -rf $out/floor && build/floor $site $out/floor" \
    -n "bengal-farm -j1" "build/bengal-farm -q -j1 -o $out/j1 $site" \
    -n "bengal-farm -j2" "build/bengal-farm -q -j2 -o $out/j2 $site"
for j in 1 2; do
    build/bengal-farm -q -j$j -o "$out/j$j" --stats-json "$out/stats$j.json" "$site"
    python3 - "$out/stats$j.json" "$j" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
busy = ", ".join("%.0f%%" % (100 * w["busy_fraction"]) for w in d["workers"])
print("-j%s: %d pages in %.2f s; phases %s; workers busy %s; ring full/empty waits %d/%d"
      % (sys.argv[2], d["pages"], d["seconds"],
         {k: round(v, 3) for k, v in d["phases"].items()}, busy,
         d["ring_full_waits"], d["ring_empty_waits"]))
PY
done
