#!/usr/bin/env python3
"""perf/hugo/mksite.py - the Hugo twin of a generated site, for perf/bench.sh.

    python3 perf/hugo/mksite.py SITE HUGOSITE

SITE is a site made by perf/gensite.py; HUGOSITE (made, must not exist)
receives the same content/ (the only change: [[path|text]]
cross-references become [text](/path/), which a link render hook resolves
as bengal-farm resolves them), perf/hugo/content (the search page),
perf/hugo/layouts, the theme's stylesheet and script in static/_bengal/,
and a hugo.toml filled in from perf/hugo/hugo.toml.in and SITE's
bengal.yaml (title, baseurl, main menu).  Needs PyYAML (python3-yaml).

What is compared: a full build of the same pages at the same URLs through
equivalent templates.  perf/hugo/layouts is a port of bengal-farm's
embedded theme (worker/theme): same markup, the same stylesheet and
script files, and per page the same work (the sidebar shows the 31
entries around the reader in a level of more than 40): top bar with the
main menu and its active item, left navigation tree of the current
top-level section (trail open, current page marked), breadcrumbs, table
of contents (h2-h4), date, reading time, tags, prev/next in the section,
footer; sections and the home page with subsection cards (first 8 pages)
and a list of their regular pages, 10 a pager, with pager nav; taxonomy
page with term counts, term pages paginated 10 a pager; 404 and search
pages; rss.xml (20 newest), sitemap.xml, index.json (url, title,
description, excerpt, section, tags, word_count, reading_time, date for
every page), llms.txt and robots.txt.  Markdown: GFM (tables,
strikethrough, autolinks, task lists, footnotes), heading ids, no syntax
highlighting and no smart punctuation on either side (Hugo's Chroma and
typographer are off).  Both build with "now" = SOURCE_DATE_EPOCH (Hugo:
--clock), so both leave out the same future-dated pages.

What differs (see also the notes in the templates):
  - Hugo runs as one process with goroutines on every CPU; bengal-farm
    forks -jN workers plus a writer.
  - bengal-farm also writes its state (snapshot, caches) and collects
    broken links for its report; Hugo's link hook only marks them (class
    "xref broken"), as bengal does too.
  - Hugo spends roughly 30% of its time on the left navigation (110 links
    a page, each through html/template's escapers).  It cannot be a
    partialCached, since the current page is marked in it: bengal-farm
    renders it for every page too.
  - bengal-farm writes rss.xml, sitemap.xml, index.json and llms.txt in C;
    Hugo through templates (that is how a Hugo site does it).
  - The excerpt in index.json: bengal-farm's is the first paragraph,
    Hugo's .Summary the first 70 words.
  - Hugo writes a redirect page at every list's /page/1/ (an alias).
  - Reading time: Hugo's formula gives 1 minute less on ~28% of pages;
    pages of equal date may list in another order on term pages; Hugo
    title-cases term names in <title>.  Otherwise the two outputs match:
    ignoring whitespace and the TOC's <nav> wrapper, the markup between
    <body> and the footer is identical on every section, home, search and
    pager page and on 72% of regular pages (the 10k site, seed 1).
  - Not ported: the KaTeX and mermaid hooks (the site has neither).
"""

import os
import re
import shutil
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TPL = os.path.join(TOP, "perf", "hugo")


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


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mksite.py SITE HUGOSITE")
    site, hs = sys.argv[1:3]
    os.makedirs(hs)
    cfg = yaml.safe_load(open(os.path.join(site, "bengal.yaml"), encoding="utf-8"))
    menus = []
    for m in (cfg.get("menus") or {}).get("main") or []:
        menus += menu_item(m)
    text = open(os.path.join(TPL, "hugo.toml.in"), encoding="utf-8").read()
    text = (text.replace("@BASEURL@", str(cfg.get("baseurl", "")).rstrip("/"))
                .replace("@TITLE@", str(cfg.get("title", "")).replace('"', '\\"'))
                .replace("@MENUS@", "\n\n".join(menus)))
    open(os.path.join(hs, "hugo.toml"), "w", encoding="utf-8").write(text)

    # [[path]] and [[path|text]] -> [](/path/) and [text](/path/): Hugo's
    # own markdown link, resolved by layouts/_default/_markup/render-link.html.
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
    for f in os.listdir(os.path.join(TPL, "content")):
        shutil.copy(os.path.join(TPL, "content", f), os.path.join(hs, "content", f))
    shutil.copytree(os.path.join(TPL, "layouts"), os.path.join(hs, "layouts"))
    # The theme's stylesheet and script, as bengal-farm publishes them.
    os.makedirs(os.path.join(hs, "static", "_bengal"))
    for f in ("theme.css", "theme.js"):
        shutil.copy(os.path.join(TOP, "worker", "theme", "assets", f),
                    os.path.join(hs, "static", "_bengal", f))


if __name__ == "__main__":
    main()
