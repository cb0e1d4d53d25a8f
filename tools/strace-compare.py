#!/usr/bin/env python3
"""Real programs under strace -f and under sigsys-trace, line for line (issue 14).

    tools/strace-compare.py [--tracer PATH] [--show N] [--opts '-y -v'] [-- PROGRAM ARGS...]

Without a program, runs a built-in list of everyday programs. Each runs twice with ASLR
off (setarch -R): `strace -f -o S` and `sigsys-trace -o T`. Tasks are matched in order of
first appearance; within a task, calls are matched by name in order (a call one side lacks
is skipped on that side). For each matched call the text after normalisation must be equal:
process ids are replaced by their match index, addresses (hex of 5+ digits) by 0xADDR,
alignment spaces before ` = ` collapsed, signal lines (`--- SIGCHLD {...} ---`) compared
like calls, getrandom's bytes replaced when written in hex, `<unfinished ...>`/`resumed` pairs joined.

Prints per program: calls strace shows, calls sigsys-trace shows, matched, identical (and
the percentage), and with --show N the first N differing pairs.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

PROGRAMS = [
    ["ls", "-la", "/usr"],
    ["sort", "/etc/passwd"],
    ["sh", "-c", "ls /usr | wc -l; cat /etc/hostname | grep -c ."],
    ["tar", "cf", "/dev/null", "/etc/hostname", "/etc/passwd"],
    ["gzip", "-c", "/etc/passwd"],
    ["find", "/usr/share/doc", "-maxdepth", "1", "-name", "a*"],
    ["git", "--version"],
    ["make", "-v"],
    ["perl", "-e", "print 1"],
    ["python3", "-c", "import json,os; print(json.dumps(os.listdir('/etc'))[:10])"],
    ["xargs", "-P", "2", "-n", "1", "echo"],
    ["bash", "-c", "for i in 1 2; do /bin/true; done"],
    ["date"],
    ["env", "-i", "/bin/true"],
    ["cp", "/etc/hostname", "/dev/null"],
]

HEX = re.compile(r"0x[0-9a-f]{5,}")


def parse(path):
    """task -> [(name, text)] in order; tasks in order of first appearance."""
    order, tasks, pending = [], {}, {}
    for raw in open(path, errors="replace"):
        raw = raw.rstrip("\n")
        m = re.match(r"^(\d+)\s+(.*)$", raw)
        if not m:
            continue
        pid, text = int(m.group(1)), m.group(2)
        if text.startswith("+++"):
            continue
        if text.endswith("<unfinished ...>"):
            # strace writes the call so far and then " <unfinished ...>": one space is its.
            head = text[: -len("<unfinished ...>")]
            pending[pid] = head[:-1] if head.endswith(" ") else head
            continue
        r = re.match(r"^<\.\.\. (\w+) resumed>\s?(.*)$", text)
        if r:
            text = pending.pop(pid, r.group(1) + "(") + r.group(2)
        # A signal line is named by its signal (`--- SIGCHLD`), a call by its name.
        name = text.split(" {", 1)[0] if text.startswith("---") else text.split("(", 1)[0]
        if pid not in tasks:
            order.append(pid)
            tasks[pid] = []
        tasks[pid].append((name, text))
    return order, tasks


def norm(text, ids, root=False):
    text = re.sub(r"\)\s+= ", ") = ", text)
    if root and text.startswith("getppid() = "):
        # The root's parent is strace itself, or sigsys-trace's launcher.
        text = "getppid() = <parent>"
    if text.startswith("getrandom("):
        # Random bytes differ between any two runs; only their escaping is compared.
        text = re.sub(r'^getrandom\("(\\x[0-9a-f]{2})*"', 'getrandom("<hex>"', text)
    for pid, k in ids.items():
        text = re.sub(r"\b%d\b" % pid, "<pid%d>" % k, text)
    # Inode numbers of pipes and sockets (`-y`: `3<pipe:[1416540]>`) differ between runs.
    text = re.sub(r"<(pipe|socket|anon_inode):\[\d+\]>", r"<\1:[INODE]>", text)
    # `-yy`: a socket's inode, its peer's, and ephemeral ports (`UNIX:[12->13]`,
    # `TCP:[127.0.0.1:40123->127.0.0.1:80]`): four or more digits in the brackets.
    text = re.sub(r"<([A-Za-z0-9/-]+):\[([^\]<>]*)\]>",
                  lambda m: "<%s:[%s]>" % (m.group(1), re.sub(r"\d{4,}", "N", m.group(2))), text)
    return HEX.sub("0xADDR", text)


def compare(s_path, t_path, show):
    so, st = parse(s_path)
    to, tt = parse(t_path)
    sids = {p: i for i, p in enumerate(so)}
    tids = {p: i for i, p in enumerate(to)}
    s_calls = sum(len(v) for v in st.values())
    t_calls = sum(len(v) for v in tt.values())
    matched = same = 0
    diffs = []
    for sp, tp in zip(so, to):
        a, b = st[sp], tt[tp]
        i = j = 0
        while i < len(a) and j < len(b):
            if a[i][0] != b[j][0]:
                # Skip the side whose next call appears sooner on the other side.
                ni = next((k for k in range(j, min(j + 20, len(b))) if b[k][0] == a[i][0]), None)
                if ni is None:
                    i += 1
                else:
                    j = ni
                continue
            matched += 1
            root = sp == so[0]
            x, y = norm(a[i][1], sids, root), norm(b[j][1], tids, root)
            if x == y:
                same += 1
            elif len(diffs) < show:
                diffs.append((x, y))
            i += 1
            j += 1
    return len(so), len(to), s_calls, t_calls, matched, same, diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracer", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "sigsys-trace"))
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--opts", default="", help="options for both tracers, e.g. '-y -v'")
    ap.add_argument("program", nargs="*")
    args = ap.parse_args()
    progs = [args.program] if args.program else PROGRAMS
    worst = 100.0
    for prog in progs:
        with tempfile.TemporaryDirectory() as d:
            s, t = os.path.join(d, "s"), os.path.join(d, "t")
            common = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                extra = args.opts.split()
                subprocess.run(["setarch", "-R", "strace", "-f"] + extra + ["-o", s] + prog, **common, timeout=120)
                subprocess.run(["setarch", "-R", args.tracer] + extra + ["-o", t] + prog, **common, timeout=120)
            except (FileNotFoundError, subprocess.TimeoutExpired) as e:
                print(f"{' '.join(prog)}: skipped ({e})")
                continue
            ts, tt_, sc, tc, m, same, diffs = compare(s, t, args.show)
            pct = 100.0 * same / m if m else 0.0
            worst = min(worst, pct)
            print(f"{' '.join(prog)[:50]:50} tasks {ts}/{tt_} calls {sc}/{tc} matched {m} identical {same} ({pct:.1f}%)")
            for x, y in diffs:
                print(f"    strace: {x[:160]}\n    ours:   {y[:160]}")
    print(f"worst: {worst:.1f}%")


if __name__ == "__main__":
    sys.exit(main())
