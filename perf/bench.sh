#!/bin/sh
# perf/bench.sh - `make bench`: bengal-farm beside Hugo and two floors,
# side by side in one run, on generated sites (issue 14).
#
#     make bench                 the whole matrix, rows appended to perf/RESULTS.md
#     make bench SMALL=1         a quick check: 1k pages, one run, no Hugo,
#                                nothing recorded (the variables below still apply)
#     make bench BENCH_LARGE=1   adds the 100k-page site
#
# make builds build/bengal-farm, build/floor and build/treemem first; run
# by hand, `sh perf/bench.sh` expects them there.
#
# What runs.  For each site size, each file system and each mode, these
# commands in turns, A B C ... A B C ..., RUNS rounds after one untimed
# round (the warm-up: binaries, sources and page cache), so that the
# machine's noise falls on all of them alike:
#
#   bengal-farm -j1, -jN   N = nproc (BENCH_JOBS); the embedded docs theme
#   hugo                   Debian's hugo (apt-get install -y hugo when it is
#                          missing) on the Hugo twin of the same site, through
#                          perf/hugo's port of that theme (perf/hugo/mksite.py
#                          says what is compared and what differs)
#   CPU floor -j1, -jN     build/floor (perf/floor.c): read, cmark-gfm render,
#                          write OUT/path/index.html for every page, the pages
#                          split over as many forked processes as the build's
#                          workers; no templates: what bengal-farm adds is over it
#   I/O floor              `cp -rT` of bengal-farm -jN's output tree into
#                          another directory of the same file system: the
#                          same directories, files and bytes bengal-farm
#                          writes, from one process.  Why cp and one process:
#                          bengal-farm writes through one writer process, so
#                          the floor of that design is one process creating
#                          the same tree; cp is what anyone can repeat.  Its
#                          reads come from the page cache (the tree was just
#                          written), a small cost a build does not have
#
# Modes (BENCH_MODES, default "clean over"):
#   clean  into an empty directory: each command's output (and bengal-farm's
#          state directory) is removed before its run
#   over   over the previous output: each command finds its own output of
#          the run before.  For bengal-farm this is its incremental build:
#          the state directory (--cache-dir) of the previous build is kept
#          and nothing changed, so it checks and writes nothing; one more
#          row, bengal-farm -jN --no-cache, renders every page and rewrites
#          every file over the previous output, as Hugo does (Hugo does not
#          clean its destination); the floors rewrite their files, the I/O
#          floor copies onto its previous copy
#
# File systems (BENCH_FS, default "disk tmpfs"): outputs and state
# directories go to BENCH_DISK (/var/tmp/bf-bench) or BENCH_TMPFS
# (/dev/shm/bf-bench), removed at the end; a size is skipped on a file
# system with less than ~120 KB a page free (six outputs and the state).
# Every run starts after `sync`, so it does not pay for the write-back of
# the one before; what it leaves dirty when it exits is not counted
# (neither bengal-farm nor Hugo syncs by default).
#
# Sites (BENCH_PAGES, default "1k 10k"; BENCH_LARGE=1 adds 100k):
# perf/gensite.py --seed 1 with 10 sections x 10 subsections x 10, 100 or
# 1,000 pages, in build/bench/site-SIZE, and its Hugo twin in
# build/bench/hugo-SIZE, made again only when perf/gensite.py (for the
# twin: perf/hugo/, the theme's assets) changed.  The sources are read
# from there (from the page cache after the warm-up) on both file systems.
# SOURCE_DATE_EPOCH is fixed (Hugo: --clock) so that both leave out the
# same future-dated pages.  Pages per second: the site's .md sources over
# the wall time.
#
# Measures: every run goes through build/treemem (perf/treemem.c): wall
# time, user and system time of the whole process tree, and peak memory as
# the sum over every process of the tree of its peak RSS, read with ptrace
# as each process exits.  That sum is an upper bound: peaks of different
# processes are added as if simultaneous, and pages shared between
# processes (the snapshot mapping, the rings, what a worker inherits by
# fork) count once per process, which is harsh on bengal-farm's several
# processes and exact for Hugo's one (perf/treemem.c says why not a
# cgroup's memory.peak: on this machine it counts the output's page cache).
#
# Results: a table per configuration (perf/bench.py: median and min-max
# wall time, medians of the rest, pages/s, ratios of each build's median to
# Hugo's, to the CPU floor at the same -j and to the I/O floor), then one
# dated row per configuration, appended to perf/RESULTS.md when
# BENCH_RECORD=1 (the default, but not with SMALL=1) with the commit and
# the machine (CPU model, cores, memory, load; the file system's type is in
# the row).  Raw runs: build/bench/runs.txt (one line per run).
#
# Environment: RUNS (3), BENCH_PAGES, BENCH_LARGE, BENCH_FS, BENCH_MODES,
# BENCH_HUGO (1; 0 leaves Hugo out), BENCH_JOBS (nproc), BENCH_DISK,
# BENCH_TMPFS, BENCH_RECORD, SMALL.
#
# POSIX sh; `make bench` runs it with sh.  Not part of `make check` or CI.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
BIN=$top/build/bengal-farm
FLOOR=$top/build/floor
TREEMEM=$top/build/treemem
for b in "$BIN" "$FLOOR" "$TREEMEM"; do
    if [ ! -x "$b" ]; then
        echo "perf/bench.sh: \"$b\" is missing: run \`make bench\`" >&2
        exit 2
    fi
done

if [ "${SMALL:-0}" = 1 ]; then
    : "${BENCH_PAGES:=1k}" "${RUNS:=1}" "${BENCH_HUGO:=0}" "${BENCH_RECORD:=0}"
fi
RUNS=${RUNS:-3}
BENCH_PAGES=${BENCH_PAGES:-1k 10k}
if [ "${BENCH_LARGE:-0}" = 1 ]; then
    BENCH_PAGES="$BENCH_PAGES 100k"
fi
BENCH_FS=${BENCH_FS:-disk tmpfs}
BENCH_MODES=${BENCH_MODES:-clean over}
BENCH_HUGO=${BENCH_HUGO:-1}
BENCH_RECORD=${BENCH_RECORD:-1}
BENCH_DISK=${BENCH_DISK:-/var/tmp/bf-bench}
BENCH_TMPFS=${BENCH_TMPFS:-/dev/shm/bf-bench}
JOBS=${BENCH_JOBS:-$(nproc)}
export SOURCE_DATE_EPOCH=1700000000
clock=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

for size in $BENCH_PAGES; do
    case $size in
    1k | 10k | 100k) ;;
    *) echo "perf/bench.sh: unknown size \"$size\" (1k, 10k or 100k)" >&2 && exit 2 ;;
    esac
done
for fs in $BENCH_FS; do
    case $fs in
    disk | tmpfs) ;;
    *) echo "perf/bench.sh: unknown file system \"$fs\" (disk or tmpfs)" >&2 && exit 2 ;;
    esac
done

if [ "$BENCH_HUGO" = 1 ] && ! command -v hugo >/dev/null 2>&1; then
    echo "== hugo is missing: apt-get install -y hugo"
    SUDO=
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq hugo || true
    if ! command -v hugo >/dev/null 2>&1; then
        echo "perf/bench.sh: hugo could not be installed: BENCH_HUGO=0 leaves it out" >&2
        exit 2
    fi
fi

# ---- sites, cached in build/bench ----------------------------------------
cache=$top/build/bench
mkdir -p "$cache"
gen_stamp=$(cksum <perf/gensite.py)
hugo_stamp=$({
    cat perf/gensite.py worker/theme/assets/theme.css worker/theme/assets/theme.js
    find perf/hugo -type f | LC_ALL=C sort | xargs cat
} | cksum)

make_site() { # SIZE: build/bench/site-SIZE and hugo-SIZE, made when stale
    s=$cache/site-$1 h=$cache/hugo-$1
    case $1 in
    1k) per=10 ;;
    10k) per=100 ;;
    100k) per=1000 ;;
    esac
    if [ "$(cat "$s.stamp" 2>/dev/null)" != "$gen_stamp" ]; then
        rm -rf "$s" "$s.stamp" "$h" "$h.stamp"
        echo "== generating $s"
        python3 perf/gensite.py "$s" --sections 10 --subsections 10 --pages "$per" \
            --seed 1 >/dev/null
        echo "$gen_stamp" >"$s.stamp"
        # inputs newer than 2 s are "racy" for the incremental build
        # (coordinator/inputs.h): let the new files age first
        sleep 3
    fi
    if [ "$BENCH_HUGO" = 1 ] && [ "$(cat "$h.stamp" 2>/dev/null)" != "$hugo_stamp" ]; then
        rm -rf "$h" "$h.stamp"
        echo "== making its Hugo twin $h"
        python3 perf/hugo/mksite.py "$s" "$h"
        echo "$hugo_stamp" >"$h.stamp"
    fi
}

# ---- one run ---------------------------------------------------------------
labels() { # MODE: the commands of one round, in their order
    js=1
    [ "$JOBS" -gt 1 ] && js="1 $JOBS"
    for j in $js; do printf 'farm-j%s ' "$j"; done
    [ "$1" = over ] && printf 'farm-j%s-full ' "$JOBS"
    [ "$BENCH_HUGO" = 1 ] && printf 'hugo '
    for j in $js; do printf 'floor-j%s ' "$j"; done
    echo io
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
data=$cache/runs.txt
: >"$data"

# LABEL: one command under build/treemem, in this $mode, $round (0: the
# untimed warm-up), $site and $dir; a timed run adds its line to $data
one() {
    label=$1 out=$dir/out-$1 state=$dir/state-$1
    if [ "$mode" = clean ]; then
        rm -rf "$out" "$out.staging" "$state"
    fi
    sync
    rm -f "$work/line"
    set -- "$TREEMEM" -o "$work/line"
    case $label in
    farm-j*-full)
        j=${label#farm-j}
        set -- "$@" "$BIN" -q -j "${j%-full}" --no-cache --cache-dir "$state" -o "$out" "$site"
        ;;
    farm-j*) set -- "$@" "$BIN" -q -j "${label#farm-j}" --cache-dir "$state" -o "$out" "$site" ;;
    hugo) set -- "$@" hugo --quiet --clock "$clock" --destination "$out" -s "$hsite" ;;
    floor-j*) set -- "$@" "$FLOOR" -j "${label#floor-j}" "$site" "$out" ;;
    io) set -- "$@" cp -rT "$dir/out-farm-j$JOBS" "$out" ;;
    esac
    if ! "$@" >"$work/log" 2>&1; then
        cat "$work/log" >&2
        echo "perf/bench.sh: $label failed: $*" >&2
        exit 1
    fi
    if [ "$round" -gt 0 ]; then
        echo "$size $pages $fs $fstype $mode $label $round $(cat "$work/line")" >>"$data"
        printf '  %s %s %s round %s: %-14s ' "$size" "$fs" "$mode" "$round" "$label"
        awk '{ printf "%s s wall, %s user, %s sys, %.1f MB in %d process%s\n",
               $1, $2, $3, $4 / 1024, $5, $5 == 1 ? "" : "es" }' "$work/line"
    fi
}

count() { # DIR: its index.html files
    find "$1" -name index.html 2>/dev/null | wc -l
}

hugo_v=
if [ "$BENCH_HUGO" = 1 ]; then
    hugo_v=$(hugo version | awk '{ print $2 }')
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
machine="$cpu, $(nproc) cores, $mem; load $(cut -d' ' -f1-3 /proc/loadavg) at the start"
[ -n "$hugo_v" ] && machine="$machine; hugo $hugo_v"
echo "== $machine"
echo "== sizes: $BENCH_PAGES; file systems: $BENCH_FS; modes: $BENCH_MODES; RUNS=$RUNS; -j1 and -j$JOBS"

for size in $BENCH_PAGES; do
    make_site "$size"
    site=$cache/site-$size hsite=$cache/hugo-$size
    pages=$(find "$site/content" -name '*.md' | wc -l)
    for fs in $BENCH_FS; do
        dir=$BENCH_DISK
        [ "$fs" = tmpfs ] && dir=$BENCH_TMPFS
        rm -rf "$dir"
        mkdir -p "$dir"
        fstype=$(df -T "$dir" | awk 'NR == 2 { print $2 }')
        free_kb=$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')
        if [ "$free_kb" -lt $((pages * 120)) ]; then
            echo "perf/bench.sh: $size on $fs skipped: $dir has $free_kb KB free, needs ~$((pages * 120))" >&2
            continue
        fi
        for mode in $BENCH_MODES; do
            echo "== $size pages ($pages sources), $fs ($dir, $fstype), $mode"
            round=0
            for label in $(labels "$mode"); do one "$label"; done
            if [ "$mode" = clean ]; then
                printf '  index.html files: bengal-farm %s, floor %s' \
                    "$(count "$dir/out-farm-j$JOBS")" "$(count "$dir/out-floor-j$JOBS")"
                if [ "$BENCH_HUGO" = 1 ]; then
                    printf ', hugo %s (with its /page/1/ redirects)' "$(count "$dir/out-hugo")"
                fi
                echo
            fi
            round=1
            while [ "$round" -le "$RUNS" ]; do
                for label in $(labels "$mode"); do one "$label"; done
                round=$((round + 1))
            done
        done
        rm -rf "$dir"
    done
done

commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- . 2>/dev/null || commit="$commit-dirty"
if [ "$BENCH_RECORD" = 1 ]; then
    python3 perf/bench.py "$data" "$JOBS" --record perf/RESULTS.md --commit "$commit" \
        --machine "$machine"
    echo "== rows appended to perf/RESULTS.md"
else
    python3 perf/bench.py "$data" "$JOBS" --commit "$commit" --machine "$machine"
fi
