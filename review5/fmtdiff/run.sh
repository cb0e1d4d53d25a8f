#!/bin/sh
# Differential test of the formatter: main's crate against HEAD~2's, on the same random
# calls and memory. Usage: run.sh [N] [SEED]. Exit 0 and "same" when every line matches.
set -e
cd "$(dirname "$0")"
D=../../target/sigsys-old
rm -rf $D && mkdir -p $D
git -C "$(git rev-parse --show-toplevel)" archive c7297f6 | tar -C $D -xf -  # main~2 at review time
T=$(cd ../.. && pwd)/target/fmtdiff
(cd new && CARGO_TARGET_DIR=$T cargo build -q --release)
(cd old && CARGO_TARGET_DIR=$T cargo build -q --release)
$T/release/fmtdiff-new "$@" > $T/new.txt
$T/release/fmtdiff-old "$@" > $T/old.txt
if cmp -s $T/new.txt $T/old.txt; then echo same; else diff $T/old.txt $T/new.txt | head -20; exit 1; fi
