#!/bin/sh
# perf/md-bench.sh - the markdown adapter against plain cmark-gfm on one
# core (see perf/md_bench.c).  Run from the repository root:
#     sh perf/md-bench.sh [rounds] [iterations] [page.md]
# Builds build/libbengal.a with make if needed, then build/md_bench.
set -e
cd "$(dirname "$0")/.."
make -s build/libbengal.a build/grammars/libgrammars.a
PKGS="libcmark-gfm yaml-0.1 liblz4 libzstd libxxhash tree-sitter"
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -I. $(pkg-config --cflags $PKGS) \
    -o build/md_bench perf/md_bench.c build/libbengal.a build/grammars/libgrammars.a $(pkg-config --libs $PKGS) -lm
exec build/md_bench "$@"
