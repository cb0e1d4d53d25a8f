#!/usr/bin/env bash
# Runs several static test binaries of one architecture in ONE boot of its VM (instead of
# one boot each, as cargo's runner does): they are packed into /t of the initramfs and
# batch.c, as /test, runs them in name order. Exit status: 0 if every binary exited 0.
#
#   tools/cross/batch.sh BINARY...      (environment as for runner.sh)
#
# .ci/cross.sh builds with `cargo test --no-run` and runs the binaries it lists here.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${SIGSYS_CROSS_CACHE:-$root/target/cross}
[ $# -gt 0 ] || { echo "usage: batch.sh BINARY..." >&2; exit 2; }
machine=$(od -An -t u2 -j 18 -N 2 "$1" | tr -d ' ')
case $machine in
# ARM (40): armhf binaries run under the arm64 kernel's compat layer, so the arm64 batch
# program runs them.
183 | 40) arch=aarch64 cc=aarch64-linux-gnu-gcc ;;
243) arch=riscv64 cc=riscv64-linux-gnu-gcc ;;
*) echo "batch: $1: not an aarch64, arm or riscv64 ELF" >&2; exit 126 ;;
esac
mkdir -p "$cache/bin"
multi=$cache/bin/batch-$arch
if [ ! -x "$multi" ] || [ "$here/batch.c" -nt "$multi" ]; then
    "$cc" -O2 -Wall -static -o "$multi.$$" "$here/batch.c" && mv -f "$multi.$$" "$multi"
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/sigsys-batch.XXXXXX")
trap 'rm -rf "$dir"' EXIT
for b in "$@"; do
    # The name without cargo's hash, so that the order is the files' order.
    name=$(basename "$b"); name=${name%-*}
    cp "$b" "$dir/$name"
done
SIGSYS_CROSS_BATCH_DIR=$dir "$here/runner.sh" "$multi"
