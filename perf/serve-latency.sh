#!/bin/sh
# perf/serve-latency.sh [BIN] - how long `bengal-farm serve` takes from
# saving one page to the reload event an open browser tab gets, on the
# generated 10,000-page site (perf/gensite.py --seed 1), on the disk.
#
# serve is started on a free port; a client (python3, standard library
# only) holds the event stream open like the page's script does.  Each
# round appends a line to one page, then measures from the write's return
# to the "event: reload" line (inotify, the settle delay of
# coordinator/watch.h, the incremental rebuild, the swap, the event).
# RUNS rounds (default 5): median and min-max in ms, and the median of each
# phase of the rebuilds (serve --stats-json).  The target
# (issue 13) is 500 ms.
set -eu
BIN=$(realpath "${1:-build/bengal-farm}")
RUNS=${RUNS:-5}
WORK=${WORK:-/var/tmp/bf-serve-bench}
export SOURCE_DATE_EPOCH=4102444800
rm -rf "$WORK"
mkdir -p "$WORK"
python3 "$(dirname "$0")/gensite.py" --seed 1 "$WORK/site" >/dev/null
"$BIN" serve --port 0 -j 2 --stats-json "$WORK/stats.json" "$WORK/site" \
    >"$WORK/serve.out" 2>"$WORK/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
python3 - "$WORK" "$RUNS" <<'PY'
import json, os, re, socket, sys, time
work, runs = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 300
port = None
while time.time() < deadline and port is None:
    text = open(os.path.join(work, "serve.out")).read()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", text)
    if m and "built " in text:
        port = int(m.group(1))
    else:
        time.sleep(0.2)
if port is None:
    sys.exit("serve did not start: " + open(os.path.join(work, "serve.err")).read())
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /__bengal/events HTTP/1.1\r\nHost: x\r\n\r\n")
s.settimeout(60)
buf = b""
def wait_for(token):
    global buf
    while token not in buf:
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("the event stream ended")
        buf += chunk
    buf = buf[buf.index(token) + len(token):]
wait_for(b"event: hello")
pages = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(work, "site", "content"))
               for f in fs if f.endswith(".md") and f != "_index.md")
page = pages[500]
times, phases = [], []
for r in range(runs):
    time.sleep(1.5)  # apart from the last round's events
    with open(page, "a") as f:
        f.write("\nOne more line, round %d.\n" % r)
    t0 = time.monotonic()
    wait_for(b"event: reload")
    times.append((time.monotonic() - t0) * 1000)
    try:  # the rebuild's own phases (written before the event is sent)
        phases.append(json.load(open(os.path.join(work, "stats.json")))["phases"])
    except (OSError, ValueError, KeyError):
        pass
times.sort()
print("save -> reload event over %d edits of %s: median %.0f ms (min %.0f, max %.0f)" % (
    runs, os.path.relpath(page, work), times[len(times) // 2], times[0], times[-1]))
if phases:
    med = {k: sorted(p[k] for p in phases)[len(phases) // 2] * 1000 for k in phases[0]}
    print("  rebuild phases, medians: " + ", ".join("%s %.0f ms" % kv for kv in med.items()))
PY
