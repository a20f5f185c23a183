#!/bin/sh
# perf/hl-bench.sh - highlighting throughput on one core, in MB of code per
# second (see perf/hl_bench.c), on real source files this machine has:
# C headers (/usr/include), C++ (libstdc++'s headers), Python (the
# standard library) and JavaScript (npm's own code), about 2 MB of each,
# each file one code block.  Run from anywhere:
#     sh perf/hl-bench.sh [rounds]
# Builds build/libbengal.a and the grammars with make if needed, then
# build/hl_bench.  A language whose files are missing is skipped.
set -e
cd "$(dirname "$0")/.."
rounds=${1:-5}
make -s build/libbengal.a build/grammars/libgrammars.a
PKGS="libcmark-gfm yaml-0.1 liblz4 libzstd libxxhash tree-sitter"
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I. $(pkg-config --cflags $PKGS) \
    -o build/hl_bench perf/hl_bench.c build/libbengal.a build/grammars/libgrammars.a \
    $(pkg-config --libs $PKGS) -lm

# Files of one kind under a directory, in a stable order, up to ~2 MB.
pick() { # dir name-pattern
    [ -d "$1" ] || return 0
    find "$1" -type f -name "$2" -size -200k 2>/dev/null | LC_ALL=C sort |
        awk -v max=2000000 '{ cmd = "wc -c < \"" $0 "\""; cmd | getline n; close(cmd);
                               if (sum + n > max) exit; sum += n; print }'
}

run() { # lang files...
    lang=$1
    shift
    if [ $# -eq 0 ]; then
        echo "$lang: no files found, skipped"
        return 0
    fi
    build/hl_bench "$lang" "$rounds" "$@"
}

# shellcheck disable=SC2046 # the file lists are words on purpose
run c $(pick /usr/include '*.h')
cxx=$(ls -d /usr/include/c++/* 2>/dev/null | tail -n 1)
run cpp $(pick "${cxx:-/nonexistent}/bits" '*.h')
py=$(ls -d /usr/lib/python3.* 2>/dev/null | tail -n 1)
run python $(pick "${py:-/nonexistent}" '*.py')
run javascript $(pick /usr/lib/node_modules/npm/lib '*.js')
