#!/usr/bin/env python3
"""Checks a `sigsys-trace -o FILE` trace of a shell running children: no parent line about
a child (its `--- SIGCHLD {... si_pid=C ...}`, a `wait4(...) = C`) may come before the
child's `+++ exited` line (strace -f shows the end first), nor before the child's
`exit_group` line.
Run: sigsys-trace -o /tmp/loop.txt sh -c 'i=0; while [ $i -lt 300 ]; do /bin/true;
     i=$((i+1)); done'; python3 end_order.py /tmp/loop.txt      (want: 0 and 0)"""
import re
import sys

lines = open(sys.argv[1] if len(sys.argv) > 1 else "/tmp/loop.txt").read().splitlines()
exited, group = {}, {}
for i, l in enumerate(lines):
    m = re.match(r"(\d+) +\+\+\+ exited", l)
    if m:
        exited[m.group(1)] = i
    m = re.match(r"(\d+) +exit_group\(", l)
    if m:
        group[m.group(1)] = i
before_end = before_group = 0
for i, l in enumerate(lines):
    m = re.match(r"(\d+) +wait4\(.*= (\d+)$", l) or re.match(
        r"(\d+) +--- SIGCHLD .*si_pid=(\d+)", l
    )
    if m:
        c = m.group(2)
        before_end += exited.get(c, 1 << 60) > i
        before_group += group.get(c, 1 << 60) > i
print(f"parent lines about a child before its +++ exited: {before_end}")
print(f"parent lines about a child before its exit_group: {before_group}")
print(f"({len(exited)} processes)")
