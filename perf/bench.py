#!/usr/bin/env python3
"""perf/bench.py - the tables of perf/bench.sh (python3 standard library).

    python3 perf/bench.py DATA JOBS [--record RESULTS.md --commit C --machine M]

DATA holds one line per timed run, written by perf/bench.sh:

    SIZE PAGES FS FSTYPE MODE LABEL RUN WALL_S USER_S SYS_S PEAK_KB PROCS LARGEST_KB

(the last six fields are build/treemem's line).  For every configuration
(size, file system, mode) in the order they ran it prints one table: per
command the median and min-max wall time, median user and system time,
median peak memory summed over the process tree (and the number of
processes), pages per second (the site's .md sources over the median wall
time), and for bengal-farm and Hugo their median wall time as a multiple
of Hugo's, of the CPU floor at the same -j (Hugo: at -jN, its goroutines
use every core) and of the I/O floor, and their memory as a multiple of
Hugo's.  With --record, one row per configuration is appended to
RESULTS.md (the table there: date, commit, benchmark, figure, notes).
"""

import argparse
import collections
import datetime
import statistics

NAMES = {
    "farm-j{j}": "bengal-farm -j{j}",
    "farm-j{j}-full": "bengal-farm -j{j} --no-cache",
    "floor-j{j}": "CPU floor -j{j}",
}
MODES = {"clean": "into an empty directory",
         "over": "over the previous output"}


def name(label, jobs, mode="clean"):
    for j in sorted({1, jobs}):
        if mode == "over" and label == "farm-j%d" % j:
            return "bengal-farm -j%d incremental" % j  # state kept, nothing changed
        for k, v in NAMES.items():
            if label == k.format(j=j):
                return v.format(j=j)
    return {"hugo": "hugo", "io": "I/O floor (cp -r)"}.get(label, label)


def floor_of(label, jobs):
    """The CPU floor a command is compared with: the same -j (farm-jJ,
    farm-jJ-full: floor-jJ; hugo, whose goroutines use every core:
    floor-jN)."""
    if label.startswith("farm-j"):
        return "floor-" + label.split("-")[1]
    return "floor-j%d" % jobs


def load(path):
    configs = collections.OrderedDict()
    for line in open(path, encoding="utf-8"):
        f = line.split()
        if len(f) != 13:
            continue
        key = (f[0], f[2], f[4])
        c = configs.setdefault(key, {"pages": int(f[1]), "fstype": f[3],
                                     "runs": collections.OrderedDict()})
        c["runs"].setdefault(f[5], []).append(
            {"wall": float(f[7]), "user": float(f[8]), "sys": float(f[9]),
             "kb": int(f[10]), "procs": int(f[11])})
    return configs


def summary(runs):
    walls = [r["wall"] for r in runs]
    return {"wall": statistics.median(walls), "min": min(walls), "max": max(walls),
            "user": statistics.median(r["user"] for r in runs),
            "sys": statistics.median(r["sys"] for r in runs),
            "mb": statistics.median(r["kb"] for r in runs) / 1024,
            "procs": max(r["procs"] for r in runs), "n": len(runs)}


def ratio(a, b):
    return "%.2f" % (a / b) if b else "-"


def table(key, c, jobs):
    size, fs, mode = key
    s = {k: summary(v) for k, v in c["runs"].items()}
    n = max(x["n"] for x in s.values())
    print("\n== %s pages (%d sources), %s (%s), %s; %d run%s each, median (min-max)"
          % (size, c["pages"], fs, c["fstype"], MODES.get(mode, mode), n, "s"[:n != 1]))
    head = ("command", "wall s", "user s", "sys s", "peak MB (procs)", "pages/s",
            "t/hugo", "t/cpu floor", "t/io floor", "mem/hugo")
    fmt = "%-28s %-22s %7s %7s %16s %8s %7s %11s %10s %9s"
    print(fmt % head)
    hugo = s.get("hugo")
    for label, x in s.items():
        compared = label.startswith("farm") or label == "hugo"
        fl = s.get(floor_of(label, jobs)) if compared else None
        io = s.get("io") if compared else None
        print(fmt % (
            name(label, jobs, mode),
            "%.3f (%.3f-%.3f)" % (x["wall"], x["min"], x["max"]),
            "%.2f" % x["user"], "%.2f" % x["sys"],
            "%.1f (%d)" % (x["mb"], x["procs"]),
            "%.0f" % (c["pages"] / x["wall"]) if x["wall"] else "-",
            ratio(x["wall"], hugo["wall"]) if hugo and label.startswith("farm") else "",
            ratio(x["wall"], fl["wall"]) if fl else "",
            ratio(x["wall"], io["wall"]) if io else "",
            ratio(x["mb"], hugo["mb"]) if hugo and label.startswith("farm") else ""))
    return s


def row(key, c, s, jobs, commit, machine):
    size, fs, mode = key
    n = max(x["n"] for x in s.values())

    def t(label):
        x = s[label]
        return "%.2f s (%.2f-%.2f)" % (x["wall"], x["min"], x["max"])

    # the headline: the full build (over the previous output: the one
    # that renders every page, not the incremental one with nothing to do)
    lead = "farm-j%d" % jobs + ("-full" if mode == "over" else "")
    figs = []
    for label in s:
        if label.startswith("farm"):
            x = s[label]
            text = "%s %s, %.0f pages/s, %.0f MB in %d processes" % (
                name(label, jobs, mode), t(label), c["pages"] / x["wall"], x["mb"], x["procs"])
            figs.append("**%s**" % text if label == lead else text)
    if "hugo" in s:
        figs.append("hugo %s, %.0f MB" % (t("hugo"), s["hugo"]["mb"]))
    for label in dict.fromkeys(("floor-j1", "floor-j%d" % jobs, "io")):
        if label in s:
            figs.append("%s %s" % (name(label, jobs), t(label)))
    if lead in s:
        m = s[lead]
        r = []
        fl = s.get(floor_of(lead, jobs))
        if fl:
            r.append("%s× the CPU floor" % ratio(m["wall"], fl["wall"]))
        if "io" in s:
            r.append("%s× the I/O floor" % ratio(m["wall"], s["io"]["wall"]))
        if "hugo" in s:
            r.append("%s× Hugo's time, %s× its memory"
                     % (ratio(m["wall"], s["hugo"]["wall"]), ratio(m["mb"], s["hugo"]["mb"])))
        if r:
            figs.append("%s = **%s**" % (name(lead, jobs), ", ".join(r)))
    bench = ("`make bench`: %s site (%d sources), %s (%s), %s; medians (min-max) of %d "
             "interleaved run%s; memory: peak RSS summed over the process tree (build/treemem)"
             % (size, c["pages"], fs, c["fstype"], MODES.get(mode, mode), n, "s"[:n != 1]))
    return "| %s | %s | %s | %s | %s |\n" % (
        datetime.date.today().isoformat(), commit, bench, "; ".join(figs), machine)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("jobs", type=int)
    ap.add_argument("--record")
    ap.add_argument("--commit", default="?")
    ap.add_argument("--machine", default="")
    a = ap.parse_args()
    rows = []
    for key, c in load(a.data).items():
        s = table(key, c, a.jobs)
        rows.append(row(key, c, s, a.jobs, a.commit, a.machine))
    print("\n== rows for perf/RESULTS.md%s" % ("" if a.record else " (not recorded)"))
    print("".join(rows), end="")
    if a.record:
        with open(a.record, "a", encoding="utf-8") as f:
            f.write("".join(rows))


if __name__ == "__main__":
    main()
