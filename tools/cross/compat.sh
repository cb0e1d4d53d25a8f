#!/usr/bin/env bash
# AArch32 compat: builds tools/cross/probe32.c as a static armhf program and runs it in the
# arm64 VM (CONFIG_COMPAT=y in Debian's arm64 kernels; qemu's -cpu max runs AArch32 at EL0).
#   tools/cross/compat.sh            (kernel: SIGSYS_CROSS_KERNEL, default arm64-bookworm)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${SIGSYS_CROSS_CACHE:-$root/target/cross}/bin/probe32
mkdir -p "$(dirname "$out")"
command -v arm-linux-gnueabihf-gcc >/dev/null || { echo "compat.sh: run tools/cross/setup.sh" >&2; exit 2; }
if [ ! -x "$out" ] || [ "$here/probe32.c" -nt "$out" ]; then
    arm-linux-gnueabihf-gcc -O2 -Wall -static -o "$out.$$" "$here/probe32.c" && mv -f "$out.$$" "$out"
fi
exec "$here/runner.sh" "$out" "$@"
