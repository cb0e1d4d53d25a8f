#!/usr/bin/env bash
# aarch64 and riscv64 on their real kernels under qemu-system (issue 10): installs what is
# needed from Debian's packages (tools/cross/setup.sh), then runs the probe crate's tests in
# the arm64 (Debian 12's 6.1 and Debian 13's 6.12) and riscv64 (Debian 13's 6.12) VMs and the
# AArch32 compat probe in the arm64 VM. Times per VM boot go to target/cross/times.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n=== cross: %s\n' "$*"; }

step "setup"
tools/cross/setup.sh
export SIGSYS_CROSS_TIMES=$PWD/target/cross/times.txt
: >"$SIGSYS_CROSS_TIMES"
probe=(--manifest-path tools/cross/probe/Cargo.toml)

step "aarch64, Debian 12 kernel"
tools/cross/test.sh aarch64 "${probe[@]}"
step "aarch64, Debian 13 kernel"
SIGSYS_CROSS_KERNEL=arm64-trixie tools/cross/test.sh aarch64 "${probe[@]}"
step "riscv64, Debian 13 kernel"
tools/cross/test.sh riscv64 "${probe[@]}"
step "AArch32 compat (armhf program, arm64 kernel)"
tools/cross/compat.sh

step "VM runs (kernel, binary, seconds)"
cat "$SIGSYS_CROSS_TIMES"
echo "cross: $(($(date +%s) - start)) s in all"
