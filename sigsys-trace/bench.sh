#!/bin/sh
# Benchmark of sigsys-trace against strace and the bare SIGSYS floor (not run in CI).
#
#   sigsys-trace/bench.sh            # builds the release binaries, prints a markdown table
#
# For each workload: untraced; `strace -f -o FILE`; `sigsys-trace -o FILE` (decoded lines
# sent to the launcher, written to FILE); `sigsys-trace --bare` (the floor: every call trapped
# by SUD and passed through by the same handler, nothing formatted or written). The runs are
# interleaved (untraced, traced, floor; strace in the first $STRACE_RUNS rounds, default 1)
# in $RUNS rounds (default 5), so that load from elsewhere falls on all of them alike; each
# time is the median of its runs and each ratio the median of the rounds' ratios. Wall-clock
# seconds, and CPU (user + system of the launcher and the program, from wait4) for the
# traced/floor ratio. Ratios: strace / sigsys-trace (target >= 25x), sigsys-trace / floor
# (target <= 1.2x).
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
STRACE_RUNS=${STRACE_RUNS:-1} # strace of dd takes most of a minute
PY=$(command -v /usr/bin/python3 || command -v python3)
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -p sigsys-trace >/dev/null 2>&1
T="$TARGET/release/sigsys-trace"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

row() { # name, command...
    name=$1
    shift
    "$PY" - "$RUNS" "$STRACE_RUNS" "$T" "$OUT" "$name" "$@" <<'PYEOF'
import os, statistics, subprocess, sys, time
runs, strace_runs, tracer, out, name = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:6]
cmd = sys.argv[6:]
def run(argv):
    start = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, use = os.wait4(p.pid, 0)
    return time.monotonic() - start, use.ru_utime + use.ru_stime
kinds = {
    "plain": cmd,
    "traced": [tracer, "-o", out + "/sigsys.txt", *cmd],
    "floor": [tracer, "--bare", *cmd],
    "strace": ["strace", "-f", "-o", out + "/strace.txt", *cmd],
}
got = {k: [] for k in kinds}
for r in range(runs):
    for k in ("plain", "traced", "floor", "strace"):
        if k != "strace" or r < strace_runs:
            got[k].append(run(kinds[k]))
with open(out + "/strace.txt") as f:
    calls = sum(1 for _ in f)
med = lambda k: statistics.median(w for w, _ in got[k])
ratio = lambda a, b, i: statistics.median(x[i] / y[i] for x, y in zip(got[a], got[b]))
print(f"| {name} | {calls} | {med('plain'):.3f} | {med('strace'):.3f} | {med('traced'):.3f} "
      f"| {med('floor'):.3f} | {med('strace') / med('traced'):.1f}x | {ratio('traced', 'floor', 0):.2f}x "
      f"| {ratio('traced', 'floor', 1):.2f}x |", flush=True)
PYEOF
}

echo "| workload | calls (strace lines) | untraced s | strace -f -o s | sigsys-trace -o s | floor (bare) s | strace / sigsys-trace | sigsys-trace / floor | CPU: sigsys-trace / floor |"
echo "|---|---|---|---|---|---|---|---|---|"
row "dd bs=1 count=200000" dd if=/dev/zero of=/dev/null bs=1 count=200000
row "find /usr/lib -name '*.so*'" find /usr/lib -name '*.so*'
row "python3 -c (listdir x200, stat x20000)" "$PY" -c 'import json,os
for i in range(200): json.dumps(os.listdir("/usr/lib"))
for i in range(20000): os.stat("/")'
# Multi-threaded: two threads of one process trapping at once (the tracer's per-thread
# state, alternate stacks and line batches), and two processes side by side (xargs -P2).
row "python3 threads (2 threads x stat x10000)" "$PY" -c 'import os,threading
def work():
    for i in range(10000): os.stat("/")
ts=[threading.Thread(target=work) for _ in range(2)]
[t.start() for t in ts]
[t.join() for t in ts]'
row "xargs -P2 (8 x ls -l /usr/lib)" sh -c 'for i in 1 2 3 4 5 6 7 8; do echo /usr/lib; done | xargs -P2 -n1 ls -l >/dev/null'
# Exec-heavy, as build systems and shell scripts are: every image starts through the
# loader, hands the launcher its memfd and waits for the acknowledgement.
row "sh: 200 x fork + exec /bin/true" sh -c 'for i in $(seq 200); do /bin/true; done'

best() { # best wall time of "$@" over $1 runs, stdout/stderr discarded
    n=$1
    shift
    b=""
    i=0
    while [ $i -lt "$n" ]; do
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
        i=$((i + 1))
    done
    printf '%.3f' "$b"
}

# strace's cost depends on where the scheduler puts it and its tracee; sigsys-trace runs in
# the tracee. The same dd with explicit placement (one run each; needs 2 CPUs).
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    DD="dd if=/dev/zero of=/dev/null bs=1 count=200000"
    echo
    echo "| dd bs=1 count=200000, placement | strace -f -o s | sigsys-trace -o s | floor (bare) s | strace / sigsys-trace | sigsys-trace / floor |"
    echo "|---|---|---|---|---|---|"
    # shellcheck disable=SC2086
    st=$(best 1 taskset -c 0 strace -f -o "$OUT/strace.txt" $DD)
    sg=$(best "$RUNS" taskset -c 0 "$T" -o "$OUT/sigsys.txt" $DD)
    floor=$(best "$RUNS" taskset -c 0 "$T" --bare $DD)
    printf '| all on one CPU | %s | %s | %s | %.1fx | %.2fx |\n' "$st" "$sg" "$floor" \
        "$(echo "$st / $sg" | bc -l)" "$(echo "$sg / $floor" | bc -l)"
    # shellcheck disable=SC2086
    st=$(best 1 taskset -c 0 strace -f -o "$OUT/strace.txt" taskset -c 1 $DD)
    sg=$(best "$RUNS" taskset -c 0 "$T" -o "$OUT/sigsys.txt" taskset -c 1 $DD)
    floor=$(best "$RUNS" taskset -c 0 "$T" --bare taskset -c 1 $DD)
    printf '| tracer on CPU 0, dd on CPU 1 | %s | %s | %s | %.1fx | %.2fx |\n' "$st" "$sg" \
        "$floor" "$(echo "$st / $sg" | bc -l)" "$(echo "$sg / $floor" | bc -l)"
fi
