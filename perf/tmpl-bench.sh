#!/bin/sh
# perf/tmpl-bench.sh - the template engine on a documentation page, one
# core (see perf/tmpl_bench.c).  Run from anywhere:
#     sh perf/tmpl-bench.sh [pages [dump]]
# Builds build/libbengal.a with make if needed, then build/tmpl_bench, and
# prints the best of 5 rounds in CPU microseconds per page (target <= 20).
set -e
cd "$(dirname "$0")/.."
make -s build/libbengal.a build/grammars/libgrammars.a
PKGS="libcmark-gfm yaml-0.1 liblz4 libzstd libxxhash tree-sitter"
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I. $(pkg-config --cflags $PKGS) \
    -o build/tmpl_bench perf/tmpl_bench.c build/libbengal.a build/grammars/libgrammars.a $(pkg-config --libs $PKGS) -lm
exec build/tmpl_bench "$@"
