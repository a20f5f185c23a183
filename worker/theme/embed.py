#!/usr/bin/env python3
"""Generate the C tables of the embedded theme (worker/theme.h) from the
files of worker/theme/.

Every *.html file under worker/theme/ becomes one entry of the table
bf_theme_templates, named by its path relative to worker/theme/
("base.html", "partials/lists.html"), in sorted order, with the file's
bytes as a C string literal.  The files of worker/theme/assets/ (the
stylesheet and the script, not templates) go to a second table,
bf_theme_assets, named by file name ("theme.css").  The output depends
only on the files' names and contents, so running it twice gives the
same file.

    python3 worker/theme/embed.py OUT.c

make runs it (GNUmakefile, "the embedded theme") to write
build/gen/theme.c whenever a file under worker/theme/ changes; the
output is part of the build, never committed.  The theme's directory is
found from this script's own location, so it runs from any working
directory.
"""
import os
import sys

THEME = os.path.dirname(os.path.abspath(__file__))

HEADER = """\
/*
 * The theme embedded in the binary (see worker/theme.h).
 *
 * GENERATED into the build by worker/theme/embed.py from the files of
 * worker/theme/, and rebuilt by make when one of them changes: do not
 * edit, and do not commit.  One entry per template, sorted by name; each
 * table ends with a NULL name.
 */
#include "worker/theme.h"

const bf_tmpl_embed_t bf_theme_templates[] = {
"""


def c_literal(data: bytes) -> str:
    """data as C string literal pieces, one source line per template line.

    '?' is escaped so that "??" never forms a trigraph (-std=c11 has
    them); bytes outside printable ASCII become three-digit octal escapes,
    which cannot swallow a following digit the way \\x escapes do."""
    if not data:
        return '        ""'
    lines, cur = [], []
    for b in data:
        c = chr(b)
        if c == "\n":
            cur.append("\\n")
            lines.append("".join(cur))
            cur = []
        elif c == "\\":
            cur.append("\\\\")
        elif c == '"':
            cur.append('\\"')
        elif c == "?":
            cur.append("\\?")
        elif c == "\t":
            cur.append("\\t")
        elif 0x20 <= b < 0x7F:
            cur.append(c)
        else:
            cur.append("\\%03o" % b)
    if cur:
        lines.append("".join(cur))
    return "\n".join('        "%s"' % l for l in lines)


def templates():
    found = []
    for dirpath, dirnames, filenames in os.walk(THEME):
        dirnames.sort()
        for f in filenames:
            if f.endswith(".html"):
                full = os.path.join(dirpath, f)
                found.append(os.path.relpath(full, THEME).replace(os.sep, "/"))
    return sorted(found)


def assets():
    d = os.path.join(THEME, "assets")
    return sorted(f for f in os.listdir(d) if not f.startswith(".")) if os.path.isdir(d) else []


def entry(path, name) -> str:
    with open(path, "rb") as fh:
        data = fh.read()
    return '    {"%s",\n%s,\n        %d},\n' % (name, c_literal(data), len(data))


def generate() -> str:
    out = [HEADER]
    for name in templates():
        out.append(entry(os.path.join(THEME, name), name))
    out.append("    {NULL, NULL, 0},\n};\n")
    out.append("\n/* worker/theme/assets/: files published as they are. */\n"
               "const bf_tmpl_embed_t bf_theme_assets[] = {\n")
    for name in assets():
        out.append(entry(os.path.join(THEME, "assets", name), name))
    out.append("    {NULL, NULL, 0},\n};\n")
    return "".join(out)


def main(argv) -> int:
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.stderr.write("usage: embed.py OUT.c\n")
        return 2
    out = argv[1]
    text = generate()
    # Written whole under a temporary name, then renamed: an interrupted
    # run leaves no half table for the next make to take as up to date.
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
