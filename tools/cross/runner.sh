#!/usr/bin/env bash
# Cargo runner (CARGO_TARGET_<TRIPLE>_RUNNER) for aarch64/riscv64 (and armhf, in the arm64 VM):
#   runner.sh BINARY [ARGS...]
# Packs the static BINARY as /test, with init.c as /init, into an initramfs, boots it as PID 1's
# child on a real Debian kernel under qemu-system, streams its stdout and stderr, and exits
# with its exit status (128+N if killed by signal N; 125 if the VM died without a status).
#
# Environment:
#   SIGSYS_CROSS_KERNEL   kernel name in target/cross/kernels/ (default: arm64-bookworm for
#                         aarch64 and armhf binaries, riscv64-trixie for riscv64)
#   SIGSYS_CROSS_SMP      virtual CPUs (default 2), SIGSYS_CROSS_MEM (MiB, default 1024)
#   SIGSYS_CROSS_TIMEOUT  seconds before the VM is killed (default 900)
#   SIGSYS_CROSS_VERBOSE  1: show the kernel's console output and the qemu command line
#   SIGSYS_CROSS_APPEND   more kernel command line (e.g. "loglevel=7" to see the boot)
#   SIGSYS_CROSS_TIMES    a file: one line "<binary> <seconds>" appended per run
#   SIGSYS_CROSS_ROOTFS   a directory copied into the VM's root (test.sh: strace and libc)
# The test sees the caller's RUST_*, CARGO*, SIGSYS_* and QUICKCHECK_* variables (plus
# SIGSYS_CROSS_ENV="NAME ..." for more), cwd /tmp (a tmpfs), no network, no host files.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${SIGSYS_CROSS_CACHE:-$root/target/cross}
bin=${1:?usage: runner.sh BINARY [ARGS...]}
shift

# e_machine, from the ELF header: 40 ARM, 183 AArch64, 243 RISC-V.
machine=$(od -An -t u2 -j 18 -N 2 "$bin" | tr -d ' ')
case $machine in
183 | 40) arch=aarch64 cc=aarch64-linux-gnu-gcc kernel=${SIGSYS_CROSS_KERNEL:-arm64-bookworm} ;;
243) arch=riscv64 cc=riscv64-linux-gnu-gcc kernel=${SIGSYS_CROSS_KERNEL:-riscv64-trixie} ;;
*) echo "runner: $bin: not an aarch64, arm or riscv64 ELF (e_machine $machine)" >&2; exit 126 ;;
esac
image=$cache/kernels/$kernel
[ -s "$image" ] || { echo "runner: no kernel $image: run tools/cross/setup.sh" >&2; exit 126; }

# init (static, target) and console (host), rebuilt when their source changes.
mkdir -p "$cache/bin"
build() { # out compiler source
    if [ ! -x "$1" ] || [ "$3" -nt "$1" ]; then
        "$2" -O2 -Wall -static -o "$1.$$" "$3" && mv -f "$1.$$" "$1"
    fi
}
build "$cache/bin/init-$arch" "$cc" "$here/init.c"
build "$cache/bin/console" "${HOST_CC:-cc}" "$here/console.c"

work=$(mktemp -d "${TMPDIR:-/tmp}/sigsys-cross.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/proc" "$work/root/sys" "$work/root/dev" "$work/root/tmp"
# SIGSYS_CROSS_ROOTFS: a tree added to the root first (test.sh: strace and its libc).
[ -n "${SIGSYS_CROSS_ROOTFS:-}" ] && cp -a "$SIGSYS_CROSS_ROOTFS/." "$work/root/"
# SIGSYS_CROSS_BATCH_DIR: the programs batch.sh runs in this one boot, as /t.
[ -n "${SIGSYS_CROSS_BATCH_DIR:-}" ] && cp -a "$SIGSYS_CROSS_BATCH_DIR" "$work/root/t"
cp "$cache/bin/init-$arch" "$work/root/init"
cp "$bin" "$work/root/test"
chmod 755 "$work/root/init" "$work/root/test"
if [ $# -gt 0 ]; then printf '%s\0' "$@" >"$work/root/args"; else : >"$work/root/args"; fi
{
    printf '%s\0' PATH=/ HOME=/tmp TERM=dumb
    env -0 | grep -zE '^(RUST_|CARGO|SIGSYS_|QUICKCHECK_)' | grep -zvE '^SIGSYS_CROSS_' || true
    for v in ${SIGSYS_CROSS_ENV:-}; do [ -n "${!v+x}" ] && printf '%s=%s\0' "$v" "${!v}"; done
} >"$work/root/env"
(cd "$work/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$work/initrd"

smp=${SIGSYS_CROSS_SMP:-2}
mem=${SIGSYS_CROSS_MEM:-1024}
append="panic=-1 quiet loglevel=3 rdinit=/init ${SIGSYS_CROSS_APPEND:-}"
case $arch in
aarch64)
    qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on)
    append="console=ttyAMA0 $append"
    ;;
riscv64)
    qemu=(qemu-system-riscv64 -M virt -bios default)
    append="console=ttyS0 $append"
    ;;
esac
qemu+=(-smp "$smp" -m "$mem" -nodefaults -no-user-config -display none -serial stdio
    -no-reboot -kernel "$image" -initrd "$work/initrd" -append "$append")
[ "${SIGSYS_CROSS_VERBOSE:-}" = 1 ] && echo "runner: ${qemu[*]}" >&2

start=$(date +%s.%N)
set +e
timeout -k 5 "${SIGSYS_CROSS_TIMEOUT:-900}" "${qemu[@]}" </dev/null | "$cache/bin/console"
st=("${PIPESTATUS[@]}")
set -e
if [ -n "${SIGSYS_CROSS_TIMES:-}" ]; then
    printf '%s %s %.2f\n' "$kernel" "$(basename "$bin")" "$(awk -v a="$(date +%s.%N)" -v b="$start" "BEGIN{print a-b}")" >>"$SIGSYS_CROSS_TIMES"
fi
[ "${st[0]}" = 124 ] && echo "runner: VM killed after ${SIGSYS_CROSS_TIMEOUT:-900} s" >&2
exit "${st[1]}"
