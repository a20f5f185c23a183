#!/bin/sh
# perf/hugo-bench.sh - bengal-farm against Hugo on the same generated site,
# side by side in one hyperfine run:
#     sh perf/hugo-bench.sh
#
# The site is perf/site-10k (perf/gensite.py --seed 1: 10,000 pages of
# ~5 KB under 10 sections x 10 subsections, 50 tags).  Hugo builds a copy
# of it made in a temp dir before timing: the same content/ (the only
# change: [[path|text]] cross-references become [text](/path/), which a
# link render hook resolves as bengal-farm resolves them), perf/hugo/content
# (the search page), perf/hugo/layouts and a hugo.toml filled in from
# perf/hugo/hugo.toml.in and the site's bengal.yaml (title, baseurl, main
# menu).  Both build with "now" = SOURCE_DATE_EPOCH (Hugo: --clock), so both
# leave out the same future-dated pages, and both write to tmpfs.
#
# What is compared: a full build, from nothing cached, of the same pages at
# the same URLs through equivalent templates.  perf/hugo/layouts is a port
# of bengal-farm's embedded theme (worker/theme): same markup, the same
# stylesheet and script files (worker/theme/assets, copied to static/), and
# per page the same work (the sidebar shows the 31 entries around the
# reader in a level of more than 40): top bar with the main
# menu and its active item, left navigation tree of the current top-level
# section (trail open, current page marked), breadcrumbs, table of contents
# (h2-h4), date, reading time, tags, prev/next in the section, footer;
# sections and the home page with subsection cards (first 8 pages) and a
# list of their regular pages, 10 a pager, with pager nav; taxonomy page
# with term counts, term pages paginated 10 a pager; 404 and search pages;
# rss.xml (20 newest), sitemap.xml, index.json (url, title, description,
# excerpt, section, tags, word_count, reading_time, date for every page),
# llms.txt and robots.txt.  Markdown: GFM (tables, strikethrough,
# autolinks, task lists, footnotes), heading ids, no syntax highlighting and
# no smart punctuation on either side (bengal-farm does neither, so Hugo's
# Chroma and typographer are off).  Each timed command starts from the
# previous run's output and removes it: bengal-farm swaps its staging tree
# in and deletes the old one inside the build, Hugo runs after `rm -rf`.
#
# What differs (see also the notes in the templates):
#   - Hugo runs as one process with goroutines on every CPU (2 here);
#     bengal-farm forks -jN workers plus a writer.  -j1 is one worker.
#   - bengal-farm also writes its snapshot (SITE/.bengal/snapshot.bfs,
#     ~52 MB) each build and collects broken links for its report; Hugo's
#     link hook only marks them (class "xref broken"), as bengal does too.
#   - Hugo spends roughly 30% of its time on the left navigation (110
#     links a page, each through html/template's escapers).  It cannot be
#     a partialCached, since the current page is marked in it: bengal-farm
#     renders it for every page too.
#   - bengal-farm writes rss.xml, sitemap.xml, index.json and llms.txt in
#     C; Hugo through templates (that is how a Hugo site does it).
#   - The excerpt in index.json: bengal-farm's is the first paragraph,
#     Hugo's .Summary the first 70 words.
#   - Hugo writes a redirect page at every list's /page/1/ (an alias): its
#     count of index.html files is shown with and without those.
#   - Reading time: Hugo's formula gives 1 minute less on ~28% of pages;
#     pages of equal date may list in another order on term pages; Hugo
#     title-cases term names in <title>.  Otherwise the two outputs match:
#     ignoring whitespace and the TOC's <nav> wrapper, the markup between
#     <body> and the footer is identical on every section, home, search
#     and pager page and on 72% of regular pages (perf/site-10k, seed 1).
#   - Not ported: the KaTeX and mermaid hooks (the site has neither).
#
# Then one more build of each, untimed, prints page counts and peak memory:
# /usr/bin/time -v's maximum RSS (for bengal-farm that is its largest single
# process, not the sum over coordinator, writer and workers) and, sampled
# every 20 ms, the peak of the sum of PSS over the whole process tree (what
# the build as a whole holds; shared pages split between processes).
#
# Environment: HUGO (default: hugo), RUNS (default 5).  Needs hugo (Debian:
# apt-get install hugo; tested with 0.111.3), hyperfine, python3 with
# PyYAML.
set -eu
cd "$(dirname "$0")/.."
HUGO=${HUGO:-hugo}
RUNS=${RUNS:-5}
if ! command -v "$HUGO" >/dev/null 2>&1; then
    echo "perf/hugo-bench.sh: \"$HUGO\" not found: apt-get install hugo" >&2
    exit 2
fi
if ! command -v hyperfine >/dev/null 2>&1; then
    echo "perf/hugo-bench.sh: hyperfine not found: apt-get install hyperfine" >&2
    exit 2
fi
make -s build/bengal-farm
site=perf/site-10k
if [ ! -f "$site/bengal.yaml" ]; then
    rm -rf "$site"
    python3 perf/gensite.py "$site" --sections 10 --subsections 10 --pages 100 --seed 1
fi
# The embedded docs theme, as perf/farm-bench.sh builds it.
rm -rf "$site/templates"
export SOURCE_DATE_EPOCH=1700000000
clock=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

# The Hugo site on the same disk as perf/site-10k; all output on tmpfs.
hs=$(mktemp -d /tmp/hugo-bench.XXXXXX)
out=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$hs" "$out"' EXIT INT TERM

python3 - "$site" "$hs" perf/hugo <<'PY'
import os, re, shutil, sys
import yaml

site, hs, tpl = sys.argv[1:4]
cfg = yaml.safe_load(open(os.path.join(site, "bengal.yaml"), encoding="utf-8"))

def q(s):
    return '"%s"' % str(s).replace("\\", "\\\\").replace('"', '\\"')

def menu_item(m, parent=None):
    lines = ["[[menus.main]]", "name = %s" % q(m["name"])]
    if "page" in m:
        lines.append("pageRef = %s" % q("/" + str(m["page"]).strip("/")))
    else:
        lines.append("url = %s" % q(m.get("url", "/")))
    if "weight" in m:
        lines.append("weight = %d" % int(m["weight"]))
    if parent:
        lines.append("parent = %s" % q(parent))
    out = ["\n".join(lines)]
    for c in m.get("children") or []:
        out += menu_item(c, m["name"])
    return out

menus = []
for m in ((cfg.get("menus") or {}).get("main") or []):
    menus += menu_item(m)
text = open(os.path.join(tpl, "hugo.toml.in"), encoding="utf-8").read()
text = (text.replace("@BASEURL@", str(cfg.get("baseurl", "")).rstrip("/"))
            .replace("@TITLE@", str(cfg.get("title", "")).replace('"', '\\"'))
            .replace("@MENUS@", "\n\n".join(menus)))
open(os.path.join(hs, "hugo.toml"), "w", encoding="utf-8").write(text)

# [[path]] and [[path|text]] -> [](/path/) and [text](/path/): Hugo's own
# markdown link, resolved by layouts/_default/_markup/render-link.html.
xref = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]*))?\]\]")
def link(m):
    return "[%s](/%s/)" % (m.group(2) or "", m.group(1).strip().strip("/"))

src = os.path.join(site, "content")
for d, dirs, files in os.walk(src):
    dirs.sort()
    od = os.path.join(hs, "content", os.path.relpath(d, src))
    os.makedirs(od, exist_ok=True)
    for f in files:
        data = open(os.path.join(d, f), encoding="utf-8").read()
        if f.endswith(".md"):
            data = xref.sub(link, data)
        open(os.path.join(od, f), "w", encoding="utf-8").write(data)
for f in os.listdir(os.path.join(tpl, "content")):
    shutil.copy(os.path.join(tpl, "content", f), os.path.join(hs, "content", f))
shutil.copytree(os.path.join(tpl, "layouts"), os.path.join(hs, "layouts"))
# The theme's stylesheet and script, as bengal-farm publishes them.
os.makedirs(os.path.join(hs, "static", "_bengal"))
for f in ("theme.css", "theme.js"):
    shutil.copy(os.path.join("worker", "theme", "assets", f), os.path.join(hs, "static", "_bengal", f))
PY

hugo_cmd="$HUGO --quiet --clock $clock"
echo "== $($HUGO version)"
echo "== hugo site: $hs (content copied from $site/content), output: $out"
# One untimed build of each first: errors show here, not as a hyperfine
# failure, and Hugo's own page table says what it built.
$HUGO --clock "$clock" --destination "$out/hugo" -s "$hs"
build/bengal-farm -q -j2 -o "$out/j2" "$site"

mem_flag=
if $HUGO help 2>/dev/null | grep -q -- --renderToMemory; then
    mem_flag=--renderToMemory
fi
set -- -n "hugo" "rm -rf $out/hugo && $hugo_cmd --destination $out/hugo -s $hs"
if [ -n "$mem_flag" ]; then
    set -- "$@" -n "hugo --renderToMemory" "$hugo_cmd --renderToMemory -s $hs"
fi
set -- "$@" \
    -n "bengal-farm -j1" "build/bengal-farm -q -j1 -o $out/j1 $site" \
    -n "bengal-farm -j2" "build/bengal-farm -q -j2 -o $out/j2 $site"
echo "== timing: $RUNS runs each after 1 warm-up"
hyperfine --warmup 1 --runs "$RUNS" --export-json "$out/times.json" "$@"

# Ratios of mean times, with the error of a quotient of two means.
python3 - "$out/times.json" <<'PY'
import json, math, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
def ratio(a, b):
    ma, sa, mb, sb = r[a]["mean"], r[a]["stddev"] or 0, r[b]["mean"], r[b]["stddev"] or 0
    q = ma / mb
    return "%.2f ± %.2f" % (q, q * math.sqrt((sa / ma) ** 2 + (sb / mb) ** 2))
print("\n== bengal-farm time / Hugo time (mean ± error; below 1: bengal-farm is faster)")
for j in ("bengal-farm -j1", "bengal-farm -j2"):
    line = "%-16s / hugo: %s" % (j, ratio(j, "hugo"))
    if "hugo --renderToMemory" in r:
        line += "    / hugo --renderToMemory: %s" % ratio(j, "hugo --renderToMemory")
    print(line)
PY

echo
echo "== pages written (index.html files; Hugo's /page/1/ redirects counted apart)"
count() { find "$1" -name index.html | wc -l; }
aliases=$(find "$out/hugo" -path '*/page/1/index.html' | wc -l)
echo "hugo:           $(count "$out/hugo") ($aliases of them /page/1/ redirects: $(( $(count "$out/hugo") - aliases )) pages)"
echo "bengal-farm:    $(count "$out/j2")"
echo "sitemap URLs:   hugo $(grep -c '<loc>' "$out/hugo/sitemap.xml"), bengal-farm $(grep -c '<loc>' "$out/j2/sitemap.xml")"
echo "index.json:     hugo $(grep -c '^{' "$out/hugo/index.json") entries, bengal-farm $(grep -c '^{' "$out/j2/index.json")"
echo "output bytes:   hugo $(du -sb "$out/hugo" | cut -f1), bengal-farm $(du -sb "$out/j2" | cut -f1)"

echo
echo "== peak memory (one more build of each)"
cat >"$out/peak.py" <<'PY'
# peak.py TIMEFILE CMD...: runs CMD under /usr/bin/time -v (when there is
# one) and samples every 20 ms the sums of Pss and Rss over CMD's process
# tree (/proc/PID/smaps_rollup; children from /proc/PID/task/*/children);
# prints time's maximum RSS (of the largest single process) and the peaks.
import os, subprocess, sys, time
def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out
def sample(pids):
    pss = rss = 0
    for p in pids:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss
timefile, cmd = sys.argv[1], sys.argv[2:]
timed = os.access("/usr/bin/time", os.X_OK)
child = subprocess.Popen((["/usr/bin/time", "-v", "-o", timefile] if timed else []) + cmd)
peak_pss = peak_rss = nproc = 0
while child.poll() is None:
    pids = tree(child.pid)[1 if timed else 0:]  # not time itself
    pss, rss = sample(pids)
    peak_pss, peak_rss, nproc = max(peak_pss, pss), max(peak_rss, rss), max(nproc, len(pids))
    time.sleep(0.02)
if child.returncode:
    sys.exit(child.returncode)
if timed:
    for line in open(timefile):
        if "Maximum resident set size" in line:
            print("max RSS of one process %.0f MB; " % (int(line.split()[-1]) / 1024), end="")
print("tree peak PSS %.0f MB, RSS %.0f MB (%d processes)"
      % (peak_pss / 1024, peak_rss / 1024, nproc))
PY
peak() {
    name=$1
    shift
    printf '%-22s ' "$name:"
    python3 "$out/peak.py" "$out/time.txt" "$@"
}
rm -rf "$out/hugo"
peak hugo $hugo_cmd --destination "$out/hugo" -s "$hs"
if [ -n "$mem_flag" ]; then
    peak "hugo $mem_flag" $hugo_cmd $mem_flag -s "$hs"
fi
peak "bengal-farm -j1" build/bengal-farm -q -j1 -o "$out/j1" "$site"
peak "bengal-farm -j2" build/bengal-farm -q -j2 -o "$out/j2" "$site"
