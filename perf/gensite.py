#!/usr/bin/env python3
"""perf/gensite.py - generate a large, realistic documentation site.

    python3 perf/gensite.py OUTDIR [--sections 10] [--subsections 10]
                                   [--pages 100] [--seed 1]

writes OUTDIR/bengal.yaml, OUTDIR/content/_index.md and, for each of
--sections sections, an _index.md and --subsections subsections, each with
its own _index.md and --pages pages: 10 x 10 x 100 = 10,000 pages by
default.  Every page is about 5 KB of the markdown documentation sites are
made of (h2/h3 headings, paragraphs with inline code, emphasis and links,
lists, a table, a fenced code block with a language, [[cross/refs]] to
other generated pages) under YAML front matter with a title, a date spread
over several years, a weight, tags from a vocabulary of 50 and a
description.

The output depends only on the arguments: the same seed gives the same
bytes (random.Random(seed), sorted iteration, no clock).  It is fast: text
is assembled from pre-built fragments, 10,000 pages in a few seconds.
OUTDIR must not exist or be empty, so an old site is never mixed in.
"""

import argparse
import os
import random
import sys

WORDS = (
    "the a build page site section worker snapshot cache render template "
    "config option output file directory path index content markdown "
    "release version server client request response queue shard node "
    "cluster deploy pipeline token session handler module package library "
    "function value field record table column stream buffer limit timeout "
    "retry error warning log metric trace event schedule job task process "
    "thread memory disk network latency throughput fast large small new "
    "old default custom local remote shared private public secure stable "
    "with without for from into over under between before after when while "
    "each every all many some most can must should will may does is are"
).split()

TAGS = (
    "api auth backup cache cli cloud config containers cron database debugging "
    "deployment dns docker errors events faq getting-started grpc http ingress "
    "install kubernetes latency linux logging macos metrics migration monitoring "
    "networking oauth performance plugins postgres proxy python queues release "
    "rest scaling security sdk storage streaming testing tls troubleshooting "
    "upgrade webhooks"
).split()
assert len(TAGS) == 50

SECTION_NAMES = (
    "getting-started guides reference api tutorials operations security "
    "integrations concepts troubleshooting"
).split()

SUBSECTION_NAMES = (
    "basics configuration deployment monitoring scaling storage networking "
    "authentication plugins migration"
).split()

LANGS = {
    "python": "import {m}\n\nclient = {m}.Client(timeout={n})\nfor item in client.list(limit={n}):\n"
    "    print(item.name, item.{f})\n",
    "go": "package main\n\nimport \"fmt\"\n\nfunc main() {{\n\tfor i := 0; i < {n}; i++ {{\n"
    "\t\tfmt.Println(\"{m}\", i)\n\t}}\n}}\n",
    "sh": "export {M}_TIMEOUT={n}\n{m} --{f} {n} \\\n    --output public/ build\n",
    "yaml": "{m}:\n  {f}: {n}\n  enabled: true\n  targets:\n    - name: {m}-a\n    - name: {m}-b\n",
    "json": "{{\n  \"{m}\": {{\n    \"{f}\": {n},\n    \"enabled\": true\n  }}\n}}\n",
    "c": "int {m}_init(struct {m} *x)\n{{\n    x->{f} = {n};\n    return 0;\n}}\n",
}


def title_case(words):
    return " ".join(w.capitalize() for w in words)


class Gen:
    def __init__(self, rng, paths):
        self.rng = rng
        self.paths = paths  # every page's lookup path, for [[cross/refs]]
        # Pre-built sentences: choosing among them is much cheaper than
        # building every sentence word by word.
        self.sentences = [self._sentence() for _ in range(600)]

    def _sentence(self):
        rng = self.rng
        n = rng.randint(8, 18)
        words = [rng.choice(WORDS) for _ in range(n)]
        i = rng.randrange(n)
        r = rng.random()
        if r < 0.2:
            words[i] = "`%s_%s`" % (rng.choice(WORDS), rng.choice(WORDS))
        elif r < 0.35:
            words[i] = "**%s**" % words[i]
        elif r < 0.45:
            words[i] = "[%s](https://example.org/%s/)" % (words[i], rng.choice(WORDS))
        return " ".join(words).capitalize() + "."

    def paragraph(self):
        k = self.rng.randint(3, 6)
        return " ".join(self.rng.choice(self.sentences) for _ in range(k))

    def xref(self):
        target = self.rng.choice(self.paths)
        if self.rng.random() < 0.5:
            return "[[%s]]" % target
        return "[[%s|%s]]" % (target, " ".join(self.rng.sample(WORDS, 2)))

    def listing(self):
        rng = self.rng
        lines = []
        ordered = rng.random() < 0.4
        for i in range(rng.randint(3, 6)):
            mark = "%d." % (i + 1) if ordered else "-"
            text = rng.choice(self.sentences)
            if rng.random() < 0.25:
                text += " See " + self.xref() + "."
            lines.append("%s %s" % (mark, text))
        return "\n".join(lines)

    def table(self):
        rng = self.rng
        cell = {
            "Name": lambda: "`%s`" % rng.choice(WORDS),
            "Type": lambda: rng.choice(["string", "int", "bool", "list", "map"]),
            "Default": lambda: str(rng.randint(0, 100)),
            "Description": lambda: " ".join(rng.choice(WORDS) for _ in range(5)),
            "Since": lambda: "%d.%d" % (rng.randint(1, 3), rng.randint(0, 9)),
            "Required": lambda: rng.choice(["yes", "no"]),
        }
        cols = ["Name"] + rng.sample(["Type", "Default", "Description", "Since", "Required"], 3)
        rows = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
        for _ in range(rng.randint(3, 5)):
            rows.append("| " + " | ".join(cell[c]() for c in cols) + " |")
        return "\n".join(rows)

    def code(self):
        rng = self.rng
        lang = rng.choice(sorted(LANGS))
        m = rng.choice(WORDS)
        body = LANGS[lang].format(m=m, M=m.upper(), f=rng.choice(WORDS), n=rng.randint(1, 500))
        return "```%s\n%s```" % (lang, body)

    def page_body(self, target=4300):
        rng = self.rng
        parts = [self.paragraph(), self.paragraph() + " Start with " + self.xref() + "."]
        size = sum(len(p) for p in parts)
        h = 0
        while size < target:
            h += 1
            heading = title_case(rng.sample(WORDS, rng.randint(2, 4)))
            block = ["## %s" % heading, self.paragraph()]
            kind = h % 4
            if kind == 1:
                block.append(self.listing())
            elif kind == 2:
                block.append(self.code())
            elif kind == 3:
                block.append(self.table())
            else:
                block.append("### %s" % title_case(rng.sample(WORDS, 2)))
                block.append(self.paragraph() + " Related: " + self.xref() + ".")
            block.append(self.paragraph())
            text = "\n\n".join(block)
            parts.append(text)
            size += len(text)
        return "\n\n".join(parts) + "\n"


def yaml_str(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def name_of(names, i):
    return names[i] if i < len(names) else "%s-%d" % (names[i % len(names)], i // len(names))


def main(argv):
    ap = argparse.ArgumentParser(description="Generate a large documentation site.")
    ap.add_argument("outdir")
    ap.add_argument("--sections", type=int, default=10)
    ap.add_argument("--subsections", type=int, default=10)
    ap.add_argument("--pages", type=int, default=100, help="pages per subsection")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--page-bytes", type=int, default=4300,
                    help="body size a page grows to (default 4300; short pages for "
                         "the million-page site of perf/scale.sh)")
    a = ap.parse_args(argv)
    if min(a.sections, a.subsections, a.pages) < 1:
        ap.error("--sections, --subsections and --pages must be at least 1")
    if os.path.exists(a.outdir) and os.listdir(a.outdir):
        ap.error("%s exists and is not empty" % a.outdir)

    rng = random.Random(a.seed)
    sections = [name_of(SECTION_NAMES, i) for i in range(a.sections)]
    subsections = [name_of(SUBSECTION_NAMES, j) for j in range(a.subsections)]
    pages = []  # (section, subsection, stem)
    for s in sections:
        for sub in subsections:
            for k in range(a.pages):
                pages.append((s, sub, "page-%03d" % (k + 1)))
    gen = Gen(rng, ["%s/%s/%s" % p for p in pages])

    content = os.path.join(a.outdir, "content")
    os.makedirs(content, exist_ok=True)
    total = a.sections * a.subsections * a.pages
    write(os.path.join(a.outdir, "bengal.yaml"),
          "# Generated by perf/gensite.py (seed %d): %d pages.\n"
          "title: Generated docs\n"
          "baseurl: https://perf.example.org\n"
          "menus:\n  main:\n%s"
          "params:\n  generator: perf/gensite.py\n  seed: %d\n"
          % (a.seed, total,
             "".join("    - name: %s\n      page: %s\n      weight: %d\n"
                     % (title_case(s.split("-")), s, (i + 1) * 10)
                     for i, s in enumerate(sections[:5])),
             a.seed))
    write(os.path.join(content, "_index.md"),
          "---\ntitle: Generated docs\ndescription: A generated site of %d pages.\n---\n\n%s\n"
          % (total, gen.paragraph()))

    # Dates: one per page, spread over 2015-2023, all in the past.
    base, span = 1420070400, 9 * 365 * 86400
    for si, s in enumerate(sections):
        sdir = os.path.join(content, s)
        os.makedirs(sdir, exist_ok=True)
        write(os.path.join(sdir, "_index.md"),
              "---\ntitle: %s\nweight: %d\ndescription: %s\n---\n\n%s\n"
              % (title_case(s.split("-")), (si + 1) * 10,
                 yaml_str(rng.choice(gen.sentences)), gen.paragraph()))
        for ji, sub in enumerate(subsections):
            ddir = os.path.join(sdir, sub)
            os.makedirs(ddir, exist_ok=True)
            write(os.path.join(ddir, "_index.md"),
                  "---\ntitle: %s\nweight: %d\n---\n\n%s\n"
                  % (title_case(sub.split("-")), (ji + 1) * 10, gen.paragraph()))
            for k in range(a.pages):
                ts = base + rng.randrange(span)
                y, mo, d = _ymd(ts)
                tags = rng.sample(TAGS, rng.randint(1, 4))
                title = title_case(rng.sample(WORDS, rng.randint(2, 5)))
                fm = ("---\ntitle: %s\ndate: %04d-%02d-%02d\nweight: %d\n"
                      "tags: [%s]\ndescription: %s\n---\n\n"
                      % (yaml_str(title), y, mo, d, rng.randint(1, 100), ", ".join(tags),
                         yaml_str(rng.choice(gen.sentences))))
                write(os.path.join(ddir, "page-%03d.md" % (k + 1)),
                      fm + gen.page_body(a.page_bytes))
    print("gensite: %d pages in %s" % (total, a.outdir))
    return 0


def _ymd(ts):
    """Civil date of an epoch timestamp (UTC), without the time module."""
    days = ts // 86400 + 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
