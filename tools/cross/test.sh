#!/usr/bin/env bash
# Runs cargo for aarch64 or riscv64 with Debian's rustc-web, the cross linker, static linking
# and tools/cross/runner.sh as the runner (each test binary boots in a real kernel under
# qemu-system). Run tools/cross/setup.sh once first.
#
#   tools/cross/test.sh aarch64|riscv64|arm [CARGO-SUBCOMMAND] [CARGO ARGS...] [-- TEST ARGS]
#
# arm: armv7-unknown-linux-gnueabihf (static armhf binaries, run by the arm64 kernels'
# compat layer in the arm64 VM), with Debian's armhf std from target/cross/sysroot-armhf.
# The subcommand defaults to `test`; `build`, `run`, `test`, `bench` are passed through. Examples:
#   tools/cross/test.sh aarch64 --manifest-path tools/cross/probe/Cargo.toml
#   tools/cross/test.sh riscv64 run --manifest-path tools/cross/probe/Cargo.toml
#   SIGSYS_CROSS_KERNEL=arm64-trixie tools/cross/test.sh aarch64 --lib --tests
# riscv64 builds std from rust-web-src (-Zbuild-std, RUSTC_BOOTSTRAP=1), in --release by
# default (CROSS-ARCH.md: debug static builds failed to link, R_RISCV_JAL against
# __syscall_error in glibc's libc.a; the probe crate links in debug, see the README).
# Builds go to target/cross/cargo/ (Debian's rustc 1.96 is not rustup's).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
arch=${1:?usage: test.sh aarch64|riscv64|arm [cargo subcommand] [args...]}
shift
sub=test
case ${1:-} in build | run | test | bench | check | clippy) sub=$1; shift ;; esac

case $arch in
aarch64 | arm64) triple=aarch64-unknown-linux-gnu; cc=aarch64-linux-gnu-gcc; extra=() ;;
arm | armv7 | armhf) triple=armv7-unknown-linux-gnueabihf; cc=arm-linux-gnueabihf-gcc; extra=()
    # Debian's armhf std (libstd-rust-web-dev:armhf), unpacked by setup.sh as a sysroot of
    # its own: no armhf dpkg architecture on the machine.
    sysroot=${SIGSYS_CROSS_CACHE:-$root/target/cross}/sysroot-armhf/usr
    [ -d "$sysroot/lib/rustlib/$triple" ] || { echo "test.sh: no armhf std in $sysroot: run tools/cross/setup.sh" >&2; exit 2; }
    SIGSYS_CROSS_RUSTFLAGS="--sysroot $sysroot ${SIGSYS_CROSS_RUSTFLAGS:-}" ;;
riscv64) triple=riscv64gc-unknown-linux-gnu; cc=riscv64-linux-gnu-gcc
    export RUSTC_BOOTSTRAP=1
    extra=(-Zbuild-std)
    # SIGSYS_CROSS_RISCV_DEBUG=1: debug profile (std builds ~2x faster; linked and ran for the
    # probe crate, but see the README on R_RISCV_JAL in larger binaries).
    [ "${SIGSYS_CROSS_RISCV_DEBUG:-}" = 1 ] || extra+=(--release) ;;
*) echo "test.sh: unknown arch $arch (aarch64, riscv64, arm)" >&2; exit 2 ;;
esac
for t in /usr/bin/rustc /usr/bin/cargo "$(command -v "$cc" || true)"; do
    [ -x "$t" ] || { echo "test.sh: $t missing: run tools/cross/setup.sh" >&2; exit 2; }
done

# strace and its libc in the VM (tests/strace_oracle.rs), when setup.sh has fetched them.
case $arch in aarch64 | arm64) rootfs=$root/target/cross/rootfs-arm64 ;; *) rootfs=$root/target/cross/rootfs-$arch ;; esac
if [ -d "$rootfs" ]; then export SIGSYS_CROSS_ROOTFS=${SIGSYS_CROSS_ROOTFS-$rootfs}; fi
key=$(echo "$triple" | tr 'a-z-' 'A-Z_')
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
export "CARGO_TARGET_${key}_LINKER=$cc"
export "CARGO_TARGET_${key}_RUSTFLAGS=-C target-feature=+crt-static ${SIGSYS_CROSS_RUSTFLAGS:-}"
export "CARGO_TARGET_${key}_RUNNER=$here/runner.sh"
export RUSTDOCFLAGS="-C target-feature=+crt-static"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target/cross/cargo}
# The C compiler for build scripts' cc crate, if any crate has one.
export "CC_${triple//-/_}=$cc"

# Arguments before `--` go to cargo; a bare `--` and what follows to the test binaries.
exec /usr/bin/cargo "$sub" --target "$triple" "${extra[@]}" "$@"
