#!/bin/sh
# perf/hl-site-bench.sh [BIN] - what build-time highlighting costs a full
# build (issue 12: at most 1.2x the same build without it), side by side in
# one run on the generated 10,000-page site.
#
# The site: perf/gensite.py --seed 1 (10,000 pages, the embedded theme; one
# fenced block per page in python, go, sh, yaml, json or c, all languages
# with a grammar), plus GENSITE_ARGS if set.  Two builds of the same site:
#
#   on   --config on.yaml   markdown.highlight: true (the default)
#   off  --config off.yaml  markdown.highlight: false
#
# both through the same --config merge, so that they differ in that one
# key.  Every build is a full one: a fresh state directory (--cache-dir,
# removed before each build) and an empty output, both on tmpfs with the
# site (WORK, default under /dev/shm) so that the disk's write-back does
# not drown the CPU difference; -j 2 for both (the same processes);
# SOURCE_DATE_EPOCH fixed.  One warm-up pair, then RUNS rounds (default
# 3) of on, off, each taking wall time and user+sys CPU of the whole
# process tree (GNU time: the coordinator waits for the workers and the
# writer) and the render phase (--stats-json).  Printed: median and
# min-max per row, the on/off ratio of the medians, and the median of the
# per-round ratios (a pair built back to back shares the machine's load).
# Then the code blocks of the last "on" output: how many, how many carry
# highlight spans, by language; and the "on" tree with its spans removed
# must equal the "off" tree (nothing else differs between the two).
set -eu
BIN=$(realpath "${1:-build/bengal-farm}")
RUNS=${RUNS:-3}
if [ -z "${WORK:-}" ]; then
    WORK=/var/tmp/bf-hl-site-bench
    [ -d /dev/shm ] && WORK=/dev/shm/bf-hl-site-bench
fi
GEN=$(dirname "$0")/gensite.py
export SOURCE_DATE_EPOCH=4102444800 # 2100: every generated page is in the past
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT # about 0.5 GB of tmpfs
# shellcheck disable=SC2086 # GENSITE_ARGS are words on purpose
python3 "$GEN" --seed 1 ${GENSITE_ARGS:-} "$WORK/site" >/dev/null
printf 'markdown:\n  highlight: true\n' >"$WORK/on.yaml"
printf 'markdown:\n  highlight: false\n' >"$WORK/off.yaml"

one() { # mode [keep]: a full build; appends "wall_ms cpu_ms user_ms sys_ms render_ms"
    rm -rf "$WORK/out" "$WORK/out.staging" "$WORK/state"
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$BIN" -q -j 2 --no-cache \
        --cache-dir "$WORK/state" --config "$WORK/$1.yaml" -o "$WORK/out" \
        --stats-json "$WORK/stats.json" "$WORK/site"
    render=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["phases"]["render"])' \
        "$WORK/stats.json")
    awk -v r="$render" '{printf "%d %d %d %d %d\n", $1 * 1000, ($2 + $3) * 1000, $2 * 1000,
                         $3 * 1000, r * 1000}' "$WORK/time" >>"$WORK/$1"
    if [ -n "${2:-}" ]; then
        rm -rf "$WORK/tree-$1"
        mv "$WORK/out" "$WORK/tree-$1"
    fi
}

one on
one off
rm -f "$WORK/on" "$WORK/off" # the warm-up pair is not counted
for r in $(seq 1 "$RUNS"); do
    keep=
    [ "$r" -eq "$RUNS" ] && keep=1
    one on $keep
    one off $keep
    echo "round $r done" >&2
done

stat_of() { # file column: median min max
    cut -d' ' -f"$2" "$WORK/$1" | sort -n |
        awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[1], v[NR]}'
}
echo "full builds of $(basename "$WORK")/site, -j 2, $RUNS rounds; ms, median (min-max)"
printf '%-4s %20s %20s %20s %20s %20s\n' build wall "user+sys" user sys render
for k in on off; do
    line=$(printf '%-4s' $k)
    for c in 1 2 3 4 5; do
        # shellcheck disable=SC2046 # three numbers, split on purpose
        set -- $(stat_of $k $c)
        line=$(printf '%s %20s' "$line" "$1 ($2-$3)")
    done
    echo "$line"
done
for col in 1:wall 2:user+sys 5:render; do
    c=${col%%:*} name=${col#*:}
    on=$(stat_of on "$c" | cut -d' ' -f1)
    off=$(stat_of off "$c" | cut -d' ' -f1)
    pair=$(paste -d' ' "$WORK/on" "$WORK/off" |
        awk -v c="$c" '{print $c / $(c + 5)}' | sort -n |
        awk '{v[NR]=$1} END {printf "%.2f (%.2f-%.2f)", v[int((NR+1)/2)], v[1], v[NR]}')
    printf 'on/off %-9s medians %.2f; per round %s\n' "$name" \
        "$(echo "$on $off" | awk '{print $1 / $2}')" "$pair"
done

# The code blocks of the last pair, and the trees compared without spans.
python3 - "$WORK/tree-on" "$WORK/tree-off" <<'PY'
import collections, os, re, sys
on, off = sys.argv[1], sys.argv[2]
pre = re.compile(r'<pre[^>]*><code(?: class="language-([^"]*)")?[^>]*>(.*?)</code></pre>', re.S)
span = re.compile(r'</?span[^>]*>')
blocks, lit = collections.Counter(), collections.Counter()
differ = []
for d, _, files in os.walk(on):
    for f in files:
        p = os.path.join(d, f)
        q = os.path.join(off, os.path.relpath(p, on))
        a = open(p, "rb").read().decode("utf-8", "replace")
        b = open(q, "rb").read().decode("utf-8", "replace") if os.path.exists(q) else None
        if f.endswith(".html"):
            for m in pre.finditer(a):
                lang = m.group(1) or "(none)"
                blocks[lang] += 1
                lit[lang] += 'class="hl-' in m.group(2)
        if b is None or (a != b and pre.sub(lambda m: span.sub("", m.group(0)), a) != b):
            differ.append(os.path.relpath(p, on))
print("code blocks in the HTML of the 'on' build: %d, %d with highlight spans (%s)"
      % (sum(blocks.values()), sum(lit.values()),
         ", ".join("%s %d/%d" % (k, lit[k], blocks[k]) for k in sorted(blocks))))
if differ:
    print("the 'on' tree without spans DIFFERS from the 'off' tree in %d files, e.g. %s"
          % (len(differ), differ[0]))
    sys.exit(1)
print("the 'on' tree without its spans equals the 'off' tree")
PY
