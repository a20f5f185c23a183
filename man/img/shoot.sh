#!/bin/sh
# man/img/shoot.sh - the README's screenshots of the starter site, again:
# `bengal-farm new`, a build, python3's http.server on loopback and
# headless Chromium.  Run from the top of the tree after `make`:
#     sh man/img/shoot.sh
# The dark shot sets the reader's preference (prefers-color-scheme: dark)
# with --force-dark-mode: the theme's colours follow that preference.  Each
# shot is cut by its window size, not scrolled (headless Chromium paints
# the scroll to a #fragment badly).
set -eu
bin=${BF_BIN:-build/bengal-farm}
out=man/img
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" new "$tmp/site" >/dev/null
"$bin" -q "$tmp/site"
port=$((20000 + $$ % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 -d "$tmp/site/public" >/dev/null 2>&1 &
server=$!
sleep 1
shot() { # name width height path [chromium option...]
    name=$1 width=$2 height=$3 path=$4
    shift 4
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$tmp/profile" --virtual-time-budget=3000 \
        --window-size="$width,$height" --screenshot="$out/$name.png" "$@" \
        "http://127.0.0.1:$port$path" >/dev/null 2>&1
}
shot page 1280 860 /docs/getting-started/
shot page-phone 390 844 /docs/getting-started/
shot home 1280 640 /
shot home-phone 390 844 /
shot tag 1280 420 /tags/basics/
shot search 1280 560 '/search/?q=site'
# a titled yaml block with a marked line, in light and in dark
shot code 1280 520 /docs/configuration/
shot code-dark 1280 520 /docs/configuration/ --force-dark-mode
# notes (MyST, GitHub's [!TIP], MkDocs), tabs and a dropdown
shot notes-tabs 1280 1150 /guides/first-page/
echo "screenshots in $out/"
