#!/usr/bin/env python3
"""Regenerates the `CLASSES` table of sigsys-trace/src/classes.rs from strace's table.

    tools/gen_strace_classes.py [STRACE_GIT_DIR]

Reads strace v6.1's `src/linux/x86_64/syscallent.h` and the common entries it includes
(`src/linux/generic/syscallent-common.h`), maps the shorthand flags of each entry
(`src/sysent_shorthand_defs.h`: TD TF TI TN TP TS TM TST TLST TFST TSTA TSF TFSF TSFA PU
TC TCL) to the class bits of classes.rs, and rewrites the lines between
`// BEGIN GENERATED CLASSES` and `// END GENERATED CLASSES` in place. STRACE_GIT_DIR is a
git directory of strace's repository (default: /work/.mirror/strace+strace/repo).
"""
import os
import re
import subprocess
import sys

TAG = "v6.1"
BITS = {
    "TF": "FILE", "TI": "IPC", "TN": "NETWORK", "TP": "PROCESS", "TS": "SIGNAL",
    "TD": "DESC", "TM": "MEMORY", "TST": "STAT", "TLST": "LSTAT", "TSF": "STATFS",
    "TFSF": "FSTATFS", "TSFA": "STATFS_LIKE", "TFST": "FSTAT", "TSTA": "STAT_LIKE",
    "PU": "PURE", "TC": "CREDS", "TCL": "CLOCK",
}
# The order classes.rs writes the bits of one entry in (its constants' order).
ORDER = ["FILE", "IPC", "NETWORK", "PROCESS", "SIGNAL", "DESC", "MEMORY", "STAT", "LSTAT",
         "STATFS", "FSTATFS", "STATFS_LIKE", "FSTAT", "STAT_LIKE", "PURE", "CREDS", "CLOCK"]
ENTRY = re.compile(r'^\[\s*(?:BASE_NR\s*\+\s*)?(\d+)\]\s*=\s*\{\s*\w+,\s*([^,]*),\s*SEN\(\w+\),\s*"([^"]+)"')


def show(git, path):
    return subprocess.run(["git", "--git-dir", git, "show", f"{TAG}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def entries(git):
    text = show(git, "src/linux/x86_64/syscallent.h")
    text = text.replace('#include "syscallent-common.h"',
                        show(git, "src/linux/generic/syscallent-common.h"))
    out = {}
    for line in text.splitlines():
        m = ENTRY.match(line.strip())
        if not m:
            continue
        nr, flags, name = int(m.group(1)), m.group(2), m.group(3)
        bits = {BITS[f] for f in re.split(r"[|\s]+", flags) if f in BITS}
        out[nr] = (name, [b for b in ORDER if b in bits])
    return out


def main():
    git = sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/strace+strace/repo"
    rows = sorted(entries(git).values())
    table = ["pub static CLASSES: &[(&str, u32)] = &["]
    for name, bits in rows:
        table.append(f'    ("{name}", {" | ".join(bits) if bits else "0"}),')
    table.append("];")
    path = os.path.join(os.path.dirname(__file__), "..", "sigsys-trace", "src", "classes.rs")
    src = open(path).read()
    begin, end = "// BEGIN GENERATED CLASSES\n", "// END GENERATED CLASSES\n"
    head, rest = src.split(begin)
    _, tail = rest.split(end)
    open(path, "w").write(head + begin + "\n".join(table) + "\n" + end + tail)
    print(f"{len(rows)} entries written to {path}")


if __name__ == "__main__":
    main()
