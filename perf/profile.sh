#!/bin/sh
# perf/profile.sh - `make profile`: instructions per page of each phase of
# a build, counted by callgrind, so that a regression shows without timing
# noise (issue 14).
#
#     make profile                   prints the table
#     make profile PROFILE_RECORD=1  also appends a row to perf/RESULTS.md
#
# The site: the 1k-page site of perf/bench.sh (perf/gensite.py --seed 1,
# 10 x 10 x 10 pages, cached in build/bench/site-1k, made again when
# gensite.py changed).  One build, `bengal-farm -q -j1 --no-cache` into an
# empty directory with a fresh state directory, SOURCE_DATE_EPOCH fixed,
# under `valgrind --tool=callgrind --trace-children=yes`: one profile per
# process (coordinator, worker, writer).  Instruction counts do not depend
# on the machine's load (perf stat would need the VM to expose hardware
# counters; this one does not), so two commits compare by their rows: here
# the five phases repeat to the instruction from run to run; the rests and
# the writer, whose processes wait on each other, move by under 0.1%.
#
# The phases are the inclusive counts (callgrind_annotate --inclusive=yes)
# of one function each:
#
#   discover    bf_discover              coordinator: walk, read, front matter
#   snapshot    bf_state_write_snapshot  coordinator: freeze the snapshot
#   markdown    bf_md_render             worker (highlighting included)
#   templates   bf_tmpl_render           worker
#   writer      bf_writer_main           writer: the whole process
#
# plus the rest of the coordinator (its total less discover and snapshot:
# config, templates compiled, planning, supervision, publishing), the rest
# of the worker (bf_worker_main less markdown and templates) and the total
# of the build.  A forked child's profile also holds what its parent did
# before the fork (callgrind copies the counts), so each child is counted
# by its role's main function only, which holds all it did after the fork,
# and the coordinator's phases come from the coordinator's own profile.
# Per page: divided by the site's .md sources (1,111), as perf/bench.sh's
# pages per second.  Takes ~30 s (callgrind runs ~50x slower).
set -eu
cd "$(dirname "$0")/.."
BIN=build/bengal-farm
if [ ! -x "$BIN" ]; then
    echo "perf/profile.sh: \"$BIN\" is missing: run \`make profile\`" >&2
    exit 2
fi
for t in valgrind callgrind_annotate; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "perf/profile.sh: $t not found: apt-get install valgrind" >&2
        exit 2
    fi
done
export SOURCE_DATE_EPOCH=1700000000

# The site, as perf/bench.sh caches it.
site=build/bench/site-1k
stamp=$(cksum <perf/gensite.py)
if [ "$(cat "$site.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$site" "$site.stamp" build/bench/hugo-1k build/bench/hugo-1k.stamp
    mkdir -p build/bench
    echo "== generating $site"
    python3 perf/gensite.py "$site" --sections 10 --subsections 10 --pages 10 --seed 1 >/dev/null
    echo "$stamp" >"$site.stamp"
fi
pages=$(find "$site/content" -name '*.md' | wc -l)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
echo "== callgrind: $BIN -q -j1 --no-cache on $site ($pages pages)"
if ! valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$work/callgrind.%p" \
    "$BIN" -q -j1 --no-cache --cache-dir "$work/state" -o "$work/out" "$site" \
    >"$work/log" 2>&1; then
    cat "$work/log" >&2
    echo "perf/profile.sh: the build failed under callgrind" >&2
    exit 1
fi
for f in "$work"/callgrind.*; do
    callgrind_annotate --inclusive=yes --threshold=100 "$f" >"$f.txt" 2>/dev/null
done

row=$(python3 - "$pages" "$work" <<'PY'
import glob, re, sys

pages, work = int(sys.argv[1]), sys.argv[2]
line = re.compile(r"^\s*([\d,]+) \([\d.]+%\)\s+(?:\S+:)?(\w+) \[")
profiles = []
for path in sorted(glob.glob(work + "/callgrind.*.txt")):
    counts = {"TOTAL": 0}
    for text in open(path, encoding="utf-8", errors="replace"):
        if "PROGRAM TOTALS" in text:
            counts["TOTAL"] = int(text.split()[0].replace(",", ""))
        m = line.match(text)
        if m:
            counts.setdefault(m.group(2), int(m.group(1).replace(",", "")))
    profiles.append(counts)
roles = {"coordinator": [], "worker": [], "writer": []}
for c in profiles:
    role = ("worker" if "bf_worker_main" in c else
            "writer" if "bf_writer_main" in c else "coordinator")
    roles[role].append(c)
if len(roles["coordinator"]) != 1 or not roles["worker"] or len(roles["writer"]) != 1:
    sys.exit("perf/profile.sh: expected one coordinator, workers and one writer, got %s"
             % {k: len(v) for k, v in roles.items()})
co, wr = roles["coordinator"][0], roles["writer"][0]
def worker(fn):
    return sum(c.get(fn, 0) for c in roles["worker"])
phases = [
    ("discover", "coordinator", co.get("bf_discover", 0)),
    ("snapshot", "coordinator", co.get("bf_state_write_snapshot", 0)),
    ("coordinator, rest", "coordinator",
     co["TOTAL"] - co.get("bf_discover", 0) - co.get("bf_state_write_snapshot", 0)),
    ("markdown", "worker", worker("bf_md_render")),
    ("templates", "worker", worker("bf_tmpl_render")),
    ("worker, rest", "worker",
     worker("bf_worker_main") - worker("bf_md_render") - worker("bf_tmpl_render")),
    ("writer", "writer", wr.get("bf_writer_main", 0)),
]
total = co["TOTAL"] + worker("bf_worker_main") + wr.get("bf_writer_main", 0)
phases.append(("total", "all", total))
out = sys.stderr  # the table; stdout carries the row for RESULTS.md
print("%-18s %-12s %15s %12s" % ("phase", "process", "instructions", "per page"), file=out)
for name, proc, n in phases:
    print("%-18s %-12s %15s %12s" % (name, proc, "{:,}".format(n), "{:,}".format(n // pages)),
          file=out)
print("; ".join("%s %s" % (name, "{:,}".format(n // pages)) for name, _, n in phases))
PY
)
echo "== row: $row"
if [ "${PROFILE_RECORD:-0}" = 1 ]; then
    commit=$(git rev-parse --short HEAD)
    git diff --quiet HEAD -- . 2>/dev/null || commit="$commit-dirty"
    # shellcheck disable=SC2016 # the backquotes are markdown, not commands
    printf '| %s | %s | `make profile`: instructions per page (callgrind, %s; `bengal-farm -j1 --no-cache`, build/bench/site-1k: %s .md pages, empty output) | %s | deterministic: independent of the machine'"'"'s load; %s |\n' \
        "$(date +%F)" "$commit" "$(valgrind --version)" "$pages" "$row" \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" >>perf/RESULTS.md
    echo "== row appended to perf/RESULTS.md"
fi
