#!/usr/bin/env python3
# Every `TID tgkill(PID, T, 0)` line of a `-o FILE` trace must have TID == T.
import re, sys
bad = n = 0
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"(\d+) +tgkill\((\d+), (\d+), 0\)", line)
    if m:
        n += 1
        if m.group(1) != m.group(3):
            bad += 1
            if bad < 10: print("MISMATCH:", line.rstrip())
print(f"{n} tgkill lines, {bad} with another task's id")
sys.exit(1 if bad or n == 0 else 0)
