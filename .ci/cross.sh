#!/usr/bin/env bash
# aarch64 and riscv64 on their real kernels under qemu-system (issue 10): installs what is
# needed from Debian's packages (tools/cross/setup.sh), then runs the probe crate's tests in
# the arm64 (Debian 12's 6.1 and Debian 13's 6.12) and riscv64 (Debian 13's 6.12) VMs and the
# AArch32 compat probe in the arm64 VM; then the sigsys crate's own tests (unit and
# real-kernel) in the arm64 6.1 and riscv64 VMs (the real-kernel binary again on arm64
# 6.12), the same for arm (armv7-unknown-linux-gnueabihf binaries run by the arm64 kernels'
# compat layer, in the arm64 VM: 6.1, and the real-kernel binary on 6.12), its no-panic
# link proof for the three targets, and the one compile error of an unsupported target.
# Times per VM boot go to target/cross/times.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
last=$start
step() {
    local now; now=$(date +%s)
    printf '\n=== cross: %s (previous step %d s)\n' "$*" "$((now - last))"
    last=$now
}

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

# The test binaries that have tests on these architectures: every tests/*.rs but those
# whose crate is `#![cfg(target_arch = "x86_64")]` (they would build, boot a VM and run 0
# tests: about 7 builds and 30 s of VM per architecture saved). A test file made portable
# is picked up by dropping that line.
tests=()
for f in tests/*.rs; do
    grep -q '^#!\[cfg(target_arch = "x86_64")\]' "$f" || tests+=(--test "$(basename "$f" .rs)")
done
echo "cross: test binaries: ${tests[*]}"

# Built once per architecture, then all binaries in one boot (tools/cross/batch.sh), not
# one boot each.
built() { # arch: the test executables cargo built
    tools/cross/test.sh "$1" -p sigsys --lib "${tests[@]}" --no-run --message-format=json \
        | jq -r 'select(.executable != null) | .executable'
}
step "sigsys: unit and real-kernel tests, aarch64, Debian 12 kernel (one boot)"
mapfile -t bins < <(built aarch64)
[ "${#bins[@]}" -gt 0 ] || { echo "cross: no aarch64 test binaries built"; exit 1; }
SIGSYS_CROSS_ROOTFS=$PWD/target/cross/rootfs-arm64 tools/cross/batch.sh "${bins[@]}"
step "sigsys: real-kernel tests, aarch64, Debian 13 kernel"
SIGSYS_CROSS_KERNEL=arm64-trixie tools/cross/test.sh aarch64 -p sigsys --test kernel
step "sigsys: unit and real-kernel tests, riscv64, Debian 13 kernel (one boot)"
mapfile -t bins < <(built riscv64)
[ "${#bins[@]}" -gt 0 ] || { echo "cross: no riscv64 test binaries built"; exit 1; }
SIGSYS_CROSS_ROOTFS=$PWD/target/cross/rootfs-riscv64 tools/cross/batch.sh "${bins[@]}"
step "sigsys: unit and real-kernel tests, arm (armhf under arm64's compat layer), Debian 12 kernel (one boot)"
mapfile -t bins < <(built arm)
[ "${#bins[@]}" -gt 0 ] || { echo "cross: no arm test binaries built"; exit 1; }
tools/cross/batch.sh "${bins[@]}"
step "sigsys: real-kernel tests, arm, Debian 13 kernel"
SIGSYS_CROSS_KERNEL=arm64-trixie tools/cross/test.sh arm -p sigsys --test kernel
step "sigsys: no-panic link proof, aarch64, riscv64 and arm (run in the VM)"
tools/cross/test.sh aarch64 run --release --manifest-path checks/no_panic/Cargo.toml
tools/cross/test.sh riscv64 run --manifest-path checks/no_panic/Cargo.toml
tools/cross/test.sh arm run --release --manifest-path checks/no_panic/Cargo.toml
step "sigsys: an unsupported target stops with one compile error"
out=$(RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/cross/unsupported \
    /usr/bin/cargo check -p sigsys --lib --target powerpc64le-unknown-linux-gnu -Zbuild-std=core 2>&1 || true)
errors=$(grep -c '^error' <<<"$out" || true)
grep -q 'sigsys supports Linux on x86_64, aarch64, riscv64 and arm only' <<<"$out" || {
    echo "$out"; echo "cross: no compile_error for powerpc64le"; exit 1; }
# The compile_error itself, and cargo's "could not compile" line.
[ "$errors" -le 2 ] || { echo "$out"; echo "cross: $errors errors, expected one"; exit 1; }
echo "powerpc64le: one compile_error (as expected)"

step "VM runs (kernel, binary, seconds)"
cat "$SIGSYS_CROSS_TIMES"
echo "cross: $(($(date +%s) - start)) s in all"
