#!/usr/bin/env python3
"""Generates src/fmt/xlat.rs: value-name tables taken from strace's own xlat files.

    tools/gen_strace_xlat.py [STRACE_GIT_DIR] > src/fmt/xlat.rs

STRACE_GIT_DIR is a git directory of strace's repository (default: the mirror at
/work/.mirror/strace+strace/repo; `git clone https://github.com/strace/strace` makes one);
the tables are read at tag v6.1. Each table keeps strace's entries and their order, which
is the order strace looks them up in (the first entry with a value wins).
"""
import re
import subprocess
import sys

TAG = "v6.1"
# (rust const name, xlat file, doc, headers for the names the file gives no value)
TABLES = [
    ("FS_MAGIC", "fsmagic", "`statfs`'s `f_type`: file system magic numbers (`<linux/magic.h>`).", []),
    ("ETHERNET_PROTOCOLS", "ethernet_protocols", "`socket(AF_PACKET, ...)` protocols and `sll_protocol` (`ETH_P_*`).", ["linux/if_ether.h"]),
    ("IFF_FLAGS", "iffflags", "`struct ifreq`'s `ifr_flags` (`IFF_*`).", ["linux/if.h"]),
    ("NETLINK_PROTOCOLS", "netlink_protocols", "`socket(AF_NETLINK, ...)` protocols (`NETLINK_*`).", ["linux/netlink.h"]),
    ("SOCK_OPTIONS", "sock_options", "`SOL_SOCKET` options (`SO_*`).", []),
    ("SOCK_IP_OPTIONS", "sock_ip_options", "`SOL_IP` options (`IP_*`).", ["linux/in.h"]),
    ("SOCK_IPV6_OPTIONS", "sock_ipv6_options", "`SOL_IPV6` options (`IPV6_*`).", ["linux/in6.h"]),
    ("SOCK_TCP_OPTIONS", "sock_tcp_options", "`SOL_TCP` options (`TCP_*`).", ["linux/tcp.h"]),
    ("SOCK_UDP_OPTIONS", "sock_udp_options", "`SOL_UDP` options (`UDP_*`).", ["linux/udp.h"]),
    ("SOCK_PACKET_OPTIONS", "sock_packet_options", "`SOL_PACKET` options (`PACKET_*`).", ["linux/if_packet.h"]),
    ("SOCK_RAW_OPTIONS", "sock_raw_options", "`SOL_RAW` options (`ICMP_FILTER`).", ["linux/icmp.h"]),
    ("TERM_IFLAGS", "term_iflags", "`struct termios`'s `c_iflag`.", ["asm/termbits.h"]),
    ("TERM_OFLAGS", "term_oflags", "`c_oflag`'s flags.", ["asm/termbits.h"]),
    ("TERM_OFLAGS_NLDLY", "term_oflags_nldly", "`c_oflag & NLDLY`.", ["asm/termbits.h"]),
    ("TERM_OFLAGS_CRDLY", "term_oflags_crdly", "`c_oflag & CRDLY`.", ["asm/termbits.h"]),
    ("TERM_OFLAGS_TABDLY", "term_oflags_tabdly", "`c_oflag & TABDLY`.", ["asm/termbits.h"]),
    ("TERM_OFLAGS_BSDLY", "term_oflags_bsdly", "`c_oflag & BSDLY`.", ["asm/termbits.h"]),
    ("TERM_OFLAGS_VTDLY", "term_oflags_vtdly", "`c_oflag & VTDLY`.", ["asm/termbits.h"]),
    ("TERM_OFLAGS_FFDLY", "term_oflags_ffdly", "`c_oflag & FFDLY`.", ["asm/termbits.h"]),
    ("BAUD_OPTIONS", "baud_options", "`c_cflag & CBAUD` (`B*`).", ["asm/termbits.h"]),
    ("TERM_CFLAGS_CSIZE", "term_cflags_csize", "`c_cflag & CSIZE`.", ["asm/termbits.h"]),
    ("TERM_CFLAGS", "term_cflags", "`c_cflag`'s flags.", ["asm/termbits.h"]),
    ("TERM_LFLAGS", "term_lflags", "`c_lflag`.", ["asm/termbits.h"]),
    ("STATX_ATTRS", "statx_attrs", "`statx`'s `stx_attributes` (`STATX_ATTR_*`).", []),
    ("CAPABILITIES", "cap", "Capabilities (`CAP_*`).", ["linux/capability.h"]),
    ("SECBITS", "secbits", "`prctl(PR_SET_SECUREBITS)` bits (`SECBIT_*`).", ["linux/securebits.h"]),
    ("SOCK_NETLINK_OPTIONS", "sock_netlink_options", "`SOL_NETLINK` options (`NETLINK_*`).", ["linux/netlink.h"]),
]


def resolve(names, headers):
    """The values of `names` as this machine's kernel headers define them (a C program)."""
    if not names:
        return {}
    import os
    import tempfile
    src = "".join(f"#include <{h}>\n" for h in ["stdio.h"] + headers)
    src += "int main(void) {\n"
    for n in names:
        # A name the headers lack is left out, as strace's xlat leaves it.
        src += f'#ifdef {n}\n    printf("%s %lld\\n", "{n}", (long long)({n}));\n#endif\n'
    src += "    return 0;\n}\n"
    with tempfile.TemporaryDirectory() as d:
        c, exe = os.path.join(d, "v.c"), os.path.join(d, "v")
        open(c, "w").write(src)
        subprocess.run(["gcc", "-o", exe, c], check=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    return {n: int(v) for n, v in (line.split() for line in out.splitlines())}


def x86_64_cond(line):
    """Whether an `#if`/`#ifdef`/`#ifndef` line of an xlat file holds on x86_64: its
    conditions name architectures (`defined __alpha__ || defined __mips__`)."""
    word, _, cond = line.partition(" ")
    if word in ("#ifdef", "#ifndef"):
        on = cond.strip() in ("__x86_64__", "X86_64")
        return on if word == "#ifdef" else not on
    expr = re.sub(r"defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)",
                  lambda m: str((m.group(1) or m.group(2)) in ("__x86_64__", "X86_64", "__linux__")), cond)
    expr = expr.replace("||", " or ").replace("&&", " and ").replace("!", " not ")
    return bool(eval(expr, {}, {}))


def entries(git, name, headers):
    """The (name, value) rows of `src/xlat/NAME.in` as strace builds them on x86_64: the
    `#if` branches for other architectures left out, names without a value taken from
    the kernel headers."""
    text = subprocess.run(
        ["git", "--git-dir", git, "show", f"{TAG}:src/xlat/{name}.in"],
        check=True, capture_output=True, text=True,
    ).stdout
    rows = []
    live = [True]  # one entry per open #if: whether its current branch is x86_64's
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#if"):
            on = x86_64_cond(line)
            live.append(on and live[-1])
            continue
        if line.startswith("#else"):
            live[-1] = not live[-1] and all(live[:-1])
            continue
        if line.startswith("#endif"):
            live.pop()
            continue
        if not line or line.startswith("#") or not live[-1]:
            continue
        parts = line.split(None, 1)
        rows.append((parts[0], value_of(parts[1]) if len(parts) > 1 else None))
    missing = [n for n, v in rows if v is None]
    if missing and not headers:
        raise SystemExit(f"{name}: no value for {missing} and no header to take it from")
    values = resolve(missing, headers)
    return [(n, v if v is not None else values[n]) for n, v in rows if v is not None or n in values]


def value_of(text):
    """An xlat entry's value: a number, or `(1 << N)` / `(1ULL << N)` as iffflags writes."""
    text = text.strip()
    m = re.fullmatch(r"\(\s*(\d+)(?:U?L{0,2})\s*<<\s*(\d+)\s*\)", text)
    if m:
        return int(m.group(1)) << int(m.group(2))
    return int(text.split()[0], 0)


IOC_ENTRY = re.compile(r'^\{\s*"([^"]+)",\s*"([^"]+)",\s*([^,]+),\s*([^,]+),\s*([^}]+?)\s*\},?$')


def ioctls(git):
    """strace's x86_64 `ioctlent0.h` as its `ioctlsort` makes it: the arch, common and
    ZFS tables; one entry per name (the first by name, then header, `asm/` before
    `asm-generic/`); sorted by code, then name; a name that starts with the previous
    name of the same code left out."""
    raw = []
    for path in ["src/linux/x86_64/ioctls_arch0.h", "src/linux/64/ioctls_inc.h", "src/ioctls_zfs.h"]:
        for line in show(git, path).splitlines():
            m = IOC_ENTRY.match(line.strip())
            if not m:
                continue
            info, name, d, tn, size = m.groups()
            env = {"_IOC_READ": 2, "_IOC_WRITE": 1, "_IOC_NONE": 0}
            d, tn, size = (eval(x, {}, env) for x in (d, tn, size))
            raw.append((info, name, (tn | (size << 16) | (d << 30)) & 0xFFFFFFFF))

    def info_key(info):
        # "asm/" sorts before "asm-generic/" (strace's exception to strcmp).
        return (0, info) if info.startswith("asm/") else (1, info) if info.startswith("asm-generic/") else (2, info)

    import functools

    def by_name_info(a, b):
        if a[1] != b[1]:
            return -1 if a[1].encode() < b[1].encode() else 1
        if a[0].startswith("asm/") and b[0].startswith("asm-generic/"):
            return -1
        if b[0].startswith("asm/") and a[0].startswith("asm-generic/"):
            return 1
        return (a[0].encode() > b[0].encode()) - (a[0].encode() < b[0].encode())

    raw.sort(key=functools.cmp_to_key(by_name_info))
    kept, seen = [], set()
    for info, name, code in raw:
        if name in seen:
            continue
        seen.add(name)
        kept.append((code, name))
    kept.sort(key=lambda e: (e[0], e[1].encode()))
    out = []
    for i, (code, name) in enumerate(kept):
        if i > 0 and kept[i - 1][0] == code and name.startswith(kept[i - 1][1]):
            continue
        out.append((code, name))
    return out


def show(git, path):
    return subprocess.run(["git", "--git-dir", git, "show", f"{TAG}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def main():
    git = sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/strace+strace/repo"
    commit = subprocess.run(
        ["git", "--git-dir", git, "rev-parse", f"{TAG}^{{commit}}"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    print("//! Value-name tables from strace's xlat files.")
    print("//!")
    print(f"//! Generated by `tools/gen_strace_xlat.py` from strace {TAG}'s `src/xlat/*.in`; do")
    print("//! not edit.")
    print(f"//! (strace commit {commit})")
    print()
    for const, name, doc, headers in TABLES:
        rows = entries(git, name, headers)
        print(f"/// {doc}")
        print("///")
        print(f"/// From `src/xlat/{name}.in`, in its order.")
        print("#[rustfmt::skip]")
        print(f"pub(super) static {const}: [(u64, &str); {len(rows)}] = [")
        for n, v in rows:
            print(f"    ({v:#x}, \"{n}\"),")
        print("];")
        print()
    rows = ioctls(git)
    print("/// `ioctl` request names: strace's x86_64 `ioctlent0.h` as its `ioctlsort` makes it")
    print("/// from `src/linux/x86_64/ioctls_arch0.h`, `src/linux/64/ioctls_inc.h` and")
    print("/// `src/ioctls_zfs.h`: sorted by code, then name; the names of one code are printed")
    print("/// joined by ` or `.")
    print("#[rustfmt::skip]")
    print(f"pub(super) static IOCTLS: [(u32, &str); {len(rows)}] = [")
    for code, name in rows:
        print(f"    ({code:#010x}, \"{name}\"),")
    print("];")


if __name__ == "__main__":
    main()
