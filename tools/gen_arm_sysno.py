#!/usr/bin/env python3
"""Generate src/arch/arm/map.rs for the `sigsys` crate: ARM (EABI) system calls mapped to
the x86_64 call of the same meaning and to the i386 call of the same name.

Inputs: src/arch/{arm,x86,x86_64}.rs of the `syscalls` crate (0.6.18), located as
tools/gen_sysno_tables.py does; the i386 rules of that script (I386_NEVER, I386_RENAMED),
which hold for ARM's table too (both are the old 32-bit table with `*64` and `*32` calls),
plus ARM_RENAMED below.

Usage: python3 tools/gen_arm_sysno.py
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_sysno_tables as g  # noqa: E402

OUT = os.path.join(g.ROOT, "src", "arch", "arm", "map.rs")
SCRIPT = "tools/gen_arm_sysno.py"

# ARM calls whose x86_64 counterpart has another name (arguments reordered by
# `canonical_args` in src/arch/arm/sysno.rs).
ARM_RENAMED = {
    "arm_fadvise64_64": "fadvise64",
    "arm_sync_file_range": "sync_file_range",
}


def main():
    arm_rows = g.parse_syscalls_enum(g.find_syscalls_src("arm.rs"))
    x86_names = {n for _, n in g.parse_syscalls_enum(g.find_syscalls_src("x86.rs"))}
    x64_names = {n for _, n in g.parse_syscalls_enum(g.find_syscalls_src("x86_64.rs"))}
    out = [g.HEADER.format(script=SCRIPT)]
    w = out.append
    w("""\
//! ARM (EABI) system calls mapped to x86_64's of the same meaning and to i386's of the same
//! name (syscalls %s), by name with the i386 rules of `tools/gen_sysno_tables.py` and the
//! renames in `ARM_RENAMED` of the generator.

use syscalls::arm::Sysno as ArmSysno;
use syscalls::x86::Sysno as X86Sysno;
use syscalls::x86_64::Sysno as X86_64Sysno;

/// The x86_64 call whose arguments mean the same (after `canonical_args`), or `None`.
#[rustfmt::skip]
pub(crate) const fn to_x86_64(nr: ArmSysno) -> Option<X86_64Sysno> {
    match nr {
""" % g.SYSCALLS_VERSION)
    mapped, only32 = 0, []
    for nr, name in arm_rows:
        target = ARM_RENAMED.get(name) or g.i386_target(name, x64_names)
        if target is not None:
            mapped += 1
            w("        ArmSysno::%s => Some(X86_64Sysno::%s),\n" % (g.ident(name), g.ident(target)))
        else:
            only32.append((nr, name))
    w("""\
        _ => None,
    }
}

/// The i386 call of the same name, for the ARM calls without an x86_64 counterpart that
/// i386 has too (`stat64`, `_llseek`, `mmap2`, ...): the typed layer's 32-bit signatures.
#[rustfmt::skip]
pub(crate) const fn to_i386(nr: ArmSysno) -> Option<X86Sysno> {
    match nr {
""")
    i386 = 0
    for nr, name in only32:
        if name in x86_names:
            i386 += 1
            w("        ArmSysno::%s => Some(X86Sysno::%s),\n" % (g.ident(name), g.ident(name)))
    w("""\
        _ => None,
    }
}
""")
    with open(OUT, "w") as f:
        f.write("".join(out))
    left = [n for _, n in only32 if n not in x86_names]
    print("arm: %d calls, %d to x86_64, %d more to i386 -> %s" % (len(arm_rows), mapped, i386, OUT))
    print("arm only: %s" % ", ".join(left))


if __name__ == "__main__":
    main()
