#!/usr/bin/env bash
# Installs what tools/cross/test.sh needs, from Debian's packages only, and fetches the
# arm64 and riscv64 kernels into target/cross/kernels/. Idempotent: a second run does
# nothing but check (about 1 s). Prints how long each step took.
#
# The machine's apt sources are not changed. Two things come from suites the machine does
# not list, read through a private apt configuration under target/cross/apt/:
#   - qemu-system-arm / qemu-system-misc from bookworm-backports (10.0): the machine's
#     preinstalled qemu-utils is 10.0 from there, and bookworm's own qemu-system 7.2
#     conflicts with it (installing 7.2 would remove qemu-utils);
#   - the riscv64 kernel from trixie (bookworm has no riscv64 port).
# One machine-wide change: `dpkg --add-architecture arm64` (for libstd-rust-web-dev:arm64,
# the prebuilt aarch64 std). riscv64's std is built from rust-web-src with -Zbuild-std;
# armhf's (for armv7-unknown-linux-gnueabihf, run in the arm64 VM) is unpacked from
# Debian's package into target/cross/sysroot-armhf without installing it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CACHE=${SIGSYS_CROSS_CACHE:-$ROOT/target/cross}
KDIR=$CACHE/kernels
APTDIR=$CACHE/apt
mkdir -p "$KDIR"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

t0=$(date +%s.%N)
step_start=$t0
step() { step_name=$1; step_start=$(date +%s.%N); }
done_step() {
    local now; now=$(date +%s.%N)
    printf "setup: %-50s %6.1f s\n" "$step_name" "$(awk -v a="$now" -v b="$step_start" "BEGIN{print a-b}")"
}

# Private apt configurations: the same archive as the machine's own sources, other suites,
# state under target/cross/apt/NAME. "qemu" (bookworm + bookworm-backports, amd64) installs
# qemu; "kernels" (bookworm + trixie, arm64 and riscv64) only downloads kernel packages.
archive_uri() {
    local uri
    uri=$(grep -hoE '^URIs: *http[^ ]*debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | sed 's/^URIs: *//')
    [ -n "$uri" ] || uri=$(grep -hoE '^deb +(\[[^]]*\] +)?http[^ ]*debian/? ' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $NF}')
    echo "${uri:-http://deb.debian.org/debian}"
}
apt_opts() { # name arches
    local d=$APTDIR/$1 a
    printf '%s ' -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$d/sources" \
        -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
    printf '%s ' -o "APT::Architecture=${2%%,*}" -o "APT::Architectures=" \
        -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false" \
        -o "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false" \
        -o "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false"
    for a in ${2//,/ }; do printf '%s ' -o "APT::Architectures::=$a"; done
}
private_index() { # name arches suites...
    local name=$1 arches=$2; shift 2
    local d=$APTDIR/$name
    [ -n "$(find "$d/updated" -mmin -1440 2>/dev/null)" ] && return
    mkdir -p "$d/sources" "$d/lists/partial" "$d/cache/archives/partial"
    cat >"$d/sources/cross.sources" <<SRC
Types: deb
URIs: $(archive_uri)
Suites: $*
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    # shellcheck disable=SC2046
    $SUDO apt-get -qq $(apt_opts "$name" "$arches") update >/dev/null
    touch "$d/updated"
}

need() { # packages not yet installed
    local p out=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || out+=("$p")
    done
    echo "${out[@]:-}"
}

step "dpkg architecture arm64"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq
fi
done_step

step "toolchains (rustc-web, cross gcc, arm64 std)"
pkgs=$(need rustc-web cargo-web rust-web-src libstd-rust-web-dev:arm64 \
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross \
    gcc-arm-linux-gnueabihf libc6-dev-armhf-cross cpio jq)
if [ -n "$pkgs" ]; then
    $SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null || {
        $SUDO apt-get update -qq; $SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null; }
fi
done_step

step "qemu-system-arm/misc 10.0 (bookworm-backports)"
if [ -n "$(need qemu-system-arm qemu-system-misc)" ]; then
    private_index qemu amd64 bookworm bookworm-updates bookworm-backports
    # -bios default boots riscv64 with the OpenSBI that qemu-system-data ships.
    # shellcheck disable=SC2046
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends \
        $(apt_opts qemu amd64) -t bookworm-backports install qemu-system-arm qemu-system-misc >/dev/null
fi
done_step

# Rust's std for armv7-unknown-linux-gnueabihf: Debian's libstd-rust-web-dev:armhf of the
# installed rustc-web's exact version, downloaded through a private apt configuration
# (bookworm and bookworm-security, armhf lists only) and unpacked as a sysroot of its own
# (target/cross/sysroot-armhf/usr, which test.sh passes as --sysroot): no armhf dpkg
# architecture on the machine, no armhf libc installed (static binaries link with the
# cross libc6-dev-armhf-cross).
armhf_std() {
    local out=$CACHE/sysroot-armhf ver d=$APTDIR/armhf tmp o
    ver=$(dpkg-query -W -f='${Version}' rustc-web)
    [ "$(cat "$out/version" 2>/dev/null)" = "$ver" ] && return
    if [ -z "$(find "$d/updated" -mmin -1440 2>/dev/null)" ]; then
        mkdir -p "$d/sources" "$d/lists/partial" "$d/cache/archives/partial"
        cat >"$d/sources/cross.sources" <<SRC
Types: deb
URIs: $(archive_uri)
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $(archive_uri | sed 's#/debian/*$#/debian-security#')
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
        # shellcheck disable=SC2046
        $SUDO apt-get -qq $(apt_opts armhf armhf) update >/dev/null
        touch "$d/updated"
    fi
    tmp=$(mktemp -d); chmod 777 "$tmp"
    o=$(apt_opts armhf armhf)
    # shellcheck disable=SC2086
    ( cd "$tmp" && apt-get -q=2 $o download "libstd-rust-web-dev:armhf=$ver" )
    rm -rf "$out.tmp" && mkdir -p "$out.tmp"
    dpkg-deb -x "$tmp"/libstd-rust-web-dev_*_armhf.deb "$out.tmp"
    echo "$ver" >"$out.tmp/version"
    rm -rf "$out" && mv "$out.tmp" "$out"
    rm -rf "$tmp"
}
step "armhf std (libstd-rust-web-dev:armhf as a sysroot)"
armhf_std
done_step

# A kernel: the newest linux-image-<ver>-<flavour> the metapackage depends on, extracted
# from its .deb without installing it.
fetch_kernel() { # arch suite metapackage out
    local arch=$1 suite=$2 meta=$3 out=$4
    [ -s "$KDIR/$out" ] && return
    private_index kernels arm64,riscv64 bookworm trixie
    local o dep ver deb tmp
    o="$(apt_opts kernels arm64,riscv64) -o APT::Default-Release=$suite"
    # shellcheck disable=SC2086
    dep=$(apt-cache $o depends "$meta:$arch" | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    dep=${dep%%:*}
    [ -n "$dep" ] || { echo "setup: no $meta:$arch in $suite" >&2; return 1; }
    tmp=$(mktemp -d); chmod 777 "$tmp"
    # shellcheck disable=SC2086
    ( cd "$tmp" && apt-get -q=2 $o download "$dep:$arch" )
    deb=$(ls "$tmp"/*.deb)
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinu[xz]-*' './boot/config-*'
    ver=$(basename "$(ls "$tmp"/boot/vmlinu[xz]-*)"); ver=${ver#vmlinu[xz]-}
    cp "$tmp"/boot/vmlinu[xz]-* "$KDIR/$out.tmp" && mv "$KDIR/$out.tmp" "$KDIR/$out"
    cp "$tmp"/boot/config-* "$KDIR/$out.config"
    echo "$ver ($(basename "$deb"))" >"$KDIR/$out.version"
    rm -rf "$tmp"
}

# SIGSYS_CROSS_KERNELS: which kernels (default all three).
kernels=${SIGSYS_CROSS_KERNELS:-arm64-bookworm arm64-trixie riscv64-trixie}
step "kernel index (bookworm + trixie, arm64 + riscv64)"
for k in $kernels; do [ -s "$KDIR/$k" ] || { private_index kernels arm64,riscv64 bookworm trixie; break; }; done
done_step
for k in $kernels; do
    step "kernel $k"
    case $k in
    arm64-bookworm) fetch_kernel arm64 bookworm linux-image-arm64 "$k" ;;
    arm64-trixie) fetch_kernel arm64 trixie linux-image-arm64 "$k" ;;
    riscv64-trixie) fetch_kernel riscv64 trixie linux-image-riscv64 "$k" ;;
    *) echo "setup: unknown kernel $k" >&2; exit 2 ;;
    esac
    done_step
done
# The strace of each architecture with its libc, as a tree the runner adds to the VM's root
# (SIGSYS_CROSS_ROOTFS; tests/strace_oracle.rs compares the crate's lines with it): arm64's
# from bookworm (strace 6.1, as on x86_64 here), riscv64's from trixie (6.13). strace needs
# only libc.so.6 and the dynamic loader.
strace_root() { # arch suite triplet loader
    local arch=$1 suite=$2 triplet=$3 ld=$4 out=$CACHE/rootfs-$1 tmp o
    [ -x "$out/usr/bin/strace" ] && return
    private_index kernels arm64,riscv64 bookworm trixie
    o="$(apt_opts kernels arm64,riscv64) -o APT::Default-Release=$suite"
    tmp=$(mktemp -d); chmod 777 "$tmp"
    # shellcheck disable=SC2086
    ( cd "$tmp" && apt-get -q=2 $o download "strace:$arch" "libc6:$arch" )
    mkdir -p "$tmp/x" "$out.tmp/usr/bin" "$out.tmp/lib/$triplet"
    for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$tmp/x"; done
    cp "$tmp/x/usr/bin/strace" "$out.tmp/usr/bin/"
    cp -L "$(find "$tmp/x" -path "*/$triplet/$ld" | head -n1)" "$out.tmp/lib/$ld"
    cp -L "$(find "$tmp/x" -path "*/$triplet/libc.so.6" | head -n1)" "$out.tmp/lib/$triplet/"
    rm -rf "$out" && mv "$out.tmp" "$out"
    rm -rf "$tmp"
}
step "strace and libc for the VMs (arm64, riscv64)"
strace_root arm64 bookworm aarch64-linux-gnu ld-linux-aarch64.so.1
strace_root riscv64 trixie riscv64-linux-gnu ld-linux-riscv64-lp64d.so.1
done_step

for k in "$KDIR"/*.version; do printf 'setup: kernel %-16s %s\n' "$(basename "$k" .version)" "$(cat "$k")"; done

step_name="total"; step_start=$t0; done_step
