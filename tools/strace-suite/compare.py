#!/usr/bin/env python3
"""strace 6.1's test programs untraced, under strace -f and under sigsys-trace (issue 14).

    compare.py --tests DIR [--out DIR] [--strace strace] [--tracer PATH]
               [--jobs N] [--timeout S] [--only REGEX] [--reuse] [--top N] [--examples N]

Normally started by run.sh beside it, which builds the programs first. Each program of
DIR/pure_executables.list that was built runs three ways (untraced twice), with ASLR off (setarch -R),
stdin /dev/null, a timeout per run, each in a fresh directory DIR/NAME.dir (so `..` is
the tests directory, as in strace's own harness, and no run sees another's files):

    plain   the program alone
    strace  strace -f -o strace.trace
    ours    sigsys-trace -o ours.trace

Behaviour: the exit status and stdout of `ours` must equal `plain`'s. A program whose
stdout differs between two untraced runs (pids, times) is compared with its numbers masked.

Text: both traces are cut after the first execve result (strace's own start-up before it
is not the program's) and compared as tools/strace-compare.py does (tasks by first
appearance, calls matched by name in order, pids, addresses and alignment normalised,
<unfinished ...>/resumed joined, signal lines compared too). Per program: the percentage
of matched calls whose text is identical.

Writes OUT/report.txt (summary, every gap, every program) and OUT/runs/NAME/ (the runs'
stdout, stderr and traces); prints the summary with the --top ranked gaps.
"""
import argparse
import collections
import concurrent.futures
import difflib
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

# The matching and normalisation rules are strace-compare.py's: load it, do not copy it.
_spec = importlib.util.spec_from_file_location("strace_compare", os.path.join(HERE, "..", "strace-compare.py"))
sc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sc)

MODES = ("plain", "strace", "ours")


def programs(tests):
    """Names of pure_executables.list that were built, in the list's order."""
    names = []
    for line in open(os.path.join(tests, "pure_executables.list")):
        line = line.strip()
        if line and not line.startswith("#"):
            names.append(line)
    built = [n for n in names if os.access(os.path.join(tests, n), os.X_OK)]
    return names, built


def status_text(rc):
    if rc is None:
        return "timeout"
    if rc < 0:
        try:
            return "killed by " + signal.Signals(-rc).name
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit {rc}"


def run_one(cmd, cwd, timeout):
    """(status text, stdout bytes, stderr bytes); a hang is killed with its process group."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        # Whatever is left of the group (a timeout, or children outliving the program).
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if rc is None:
            p.wait()
        out.seek(0)
        err.seek(0)
        return status_text(rc), out.read(), err.read()


def load_program(name, args):
    """The record of an earlier run of NAME (--reuse), or None."""
    rundir = os.path.join(args.out, "runs", name)
    try:
        status = json.load(open(os.path.join(rundir, "status.json")))
        rec = {"name": name, "modified": status["modified"]}
        for mode in MODES + ("plain2",):
            out, err = (open(os.path.join(rundir, f"{mode}.{k}"), "rb").read().decode(errors="replace") for k in ("out", "err"))
            rec[mode] = (status[mode], out, err)
    except (OSError, ValueError, KeyError):
        return None
    rec.update(compare_text(os.path.join(rundir, "strace.trace"), os.path.join(rundir, "ours.trace")))
    return rec


def run_program(name, args):
    """Runs NAME three ways (and untraced once more); returns its record."""
    if args.reuse:
        rec = load_program(name, args)
        if rec:
            return rec
    rundir = os.path.join(args.out, "runs", name)
    os.makedirs(rundir, exist_ok=True)
    rec = {"name": name, "modified": []}
    exe = os.path.join(args.tests, name)
    backup = os.path.join(rundir, "program")
    shutil.copy2(exe, backup)
    original = open(backup, "rb").read()
    for mode in MODES + ("plain2",):
        cwd = os.path.join(args.tests, f"{name}.dir")
        shutil.rmtree(cwd, ignore_errors=True)
        os.makedirs(cwd)
        trace = os.path.join(rundir, f"{mode}.trace")
        if os.path.exists(trace):
            os.unlink(trace)
        tracer = {
            "strace": [args.strace, "-f", "-o", trace],
            "ours": [args.tracer, "-o", trace],
        }.get(mode, [])
        cmd = ["setarch", "-R"] + tracer + [os.path.join("..", name)]
        st, out, err = run_one(cmd, cwd, args.timeout)
        shutil.rmtree(cwd, ignore_errors=True)
        # A program may write to its own file (creat("../creat") expects ETXTBSY): put it
        # back, so the next run and the next suite run see the program built.
        if open(exe, "rb").read() != original:
            rec["modified"].append(mode)
            os.unlink(exe)
            shutil.copy2(backup, exe)
        with open(os.path.join(rundir, f"{mode}.out"), "wb") as f:
            f.write(out)
        with open(os.path.join(rundir, f"{mode}.err"), "wb") as f:
            f.write(err)
        rec[mode] = (st, out.decode(errors="replace"), err.decode(errors="replace"))
    os.unlink(backup)
    with open(os.path.join(rundir, "status.json"), "w") as f:
        json.dump({"modified": rec["modified"], **{m: rec[m][0] for m in MODES + ("plain2",)}}, f)
    rec.update(compare_text(os.path.join(rundir, "strace.trace"), os.path.join(rundir, "ours.trace")))
    return rec


def after_execve(path, dest):
    """Copies the trace PATH to DEST from the line after the first execve result."""
    lines = open(path, errors="replace").read().splitlines(True)
    for i, line in enumerate(lines):
        m = re.match(r"^\d+\s+(.*)$", line.rstrip("\n"))
        if m and m.group(1).startswith("execve(") and not m.group(1).endswith("<unfinished ...>"):
            lines = lines[i + 1 :]
            break
    with open(dest, "w") as f:
        f.writelines(lines)


def family(name):
    """A program without its variant suffix: ipc_msg-Xabbrev, ipc_msg-Xraw -> ipc_msg."""
    return re.split(r"-(?:-|X|yy?(?:-|$)|[vPe](?:-|$))", name, maxsplit=1)[0]


# Calls whose decoding depends on one argument (a request, an option): their gaps are
# broken down by strace's text of that argument (index from 0).
SELECTOR = {"ioctl": 1, "prctl": 0, "fcntl": 1, "ptrace": 0, "bpf": 0, "keyctl": 0, "setsockopt": 2,
            "getsockopt": 2, "socket": 0, "bind": 1, "sendto": 1, "sendmsg": 1, "recvmsg": 1, "connect": 1,
            "quotactl": 0, "semctl": 2, "msgctl": 1, "shmctl": 1, "seccomp": 0, "arch_prctl": 0}


def arg(text, k):
    """The k-th top-level argument of a call's text, or None."""
    head = text.split("(", 1)
    if len(head) < 2:
        return None
    depth, quoted, cur, args = 0, False, "", []
    prev = ""
    for ch in head[1]:
        if quoted:
            quoted = not (ch == '"' and prev != "\\")
        elif ch == '"':
            quoted = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                args.append(cur.strip())
                break
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(cur.strip())
            cur, prev = "", ch
            continue
        cur += ch
        prev = ch
    return args[k] if k < len(args) else None


def selector_key(name, text):
    a = arg(text, SELECTOR[name])
    if a is None:
        return "?"
    if name == "ioctl":
        a = re.sub(r"\(.*", "(...)", a)
        a = a if a.startswith("_IOC") else "EVIOC*" if a.startswith("EVIOC") else a.split("_")[0] + ("_*" if "_" in a else "")
    elif "{" in a:
        # The first field naming a constant: sa_family=AF_NETLINK, nlmsg_type=AUDIT_GET.
        m = re.search(r"(\w+)=([A-Z]\w*)", a) or re.search(r"(nlmsg_type)=(\w+)", a)
        a = f"{m.group(1)}={m.group(2)}" if m else "{...}"
    # A number (an option strace cannot name either) stands for all numbers.
    return mask(a) if re.match(r"^[-0-9]", a) else a


def call_name(text):
    return text.split(" {", 1)[0] if text.startswith("---") else text.split("(", 1)[0]


def compare_text(s_path, t_path):
    if not (os.path.exists(s_path) and os.path.exists(t_path)):
        return {"text": None}
    with tempfile.TemporaryDirectory() as d:
        s, t = os.path.join(d, "s"), os.path.join(d, "t")
        after_execve(s_path, s)
        after_execve(t_path, t)
        _, _, s_calls, t_calls, matched, same, diffs = sc.compare(s, t, 1 << 30)
        names = [collections.Counter(n for calls in sc.parse(p)[1].values() for n, _ in calls) for p in (s, t)]
    return {"text": (s_calls, t_calls, matched, same), "diffs": diffs, "names": names}


HEX = re.compile(r"0x[0-9a-f]{5,}")
# Numbers in any base, also inside strings ("7ffff7fbcf01"): what differs between two runs
# of the same program (pids, ports, inodes, times, addresses) but is not its format.
NUMBERS = re.compile(r"(?<![A-Za-z_])[0-9a-f]*[0-9][0-9a-f]*")


ESCAPES = re.compile(r"\\(x[0-9a-f]{2}|[0-7]{1,3})")


def mask(text):
    return NUMBERS.sub("N", ESCAPES.sub(r"\\N", text))


def norm_out(text, mask_numbers):
    text = HEX.sub("0xADDR", text)
    return mask(text) if mask_numbers else text


def behaviour(rec):
    """None when ours behaves as plain; else (also under strace?, description lines)."""
    (ps, po, _), (os_, oo, oe) = rec["plain"], rec["ours"]
    volatile = norm_out(po, False) != norm_out(rec["plain2"][1], False)
    a, b = norm_out(po, volatile), norm_out(oo, volatile)
    if ps == os_ and a == b and not rec.get("modified"):
        return None
    lines = [f"untraced {ps}, sigsys-trace {os_}" + (" (stdout compared with numbers masked)" if volatile else "")]
    if rec.get("modified"):
        lines.append("  the program's own file was changed by the run under: " + ", ".join(rec["modified"]) + " (restored)")
    if a != b:
        diff = list(difflib.unified_diff(a.splitlines(), b.splitlines(), "untraced", "sigsys-trace", lineterm="", n=0))
        (ss, so, _) = rec["strace"]
        # Programs that strace changes as well are the tracing itself (ptrace, getppid):
        # a shorter diff.
        n = 14 if ss == ps and norm_out(so, volatile) == a else 6
        lines += ["  " + x[:200] for x in diff[2:n]]
        if len(diff) > n:
            lines.append(f"  ... ({len(diff) - n} more diff lines)")
    if oe.strip():
        lines += ["  sigsys-trace stderr: " + x[:200] for x in oe.strip().splitlines()[:3]]
    (ss, so, _) = rec["strace"]
    both = ss != ps or norm_out(so, volatile) != a
    if both:
        lines.append(f"  under strace: {ss}" + (", stdout differs too" if norm_out(so, volatile) != a else ""))
    return both, lines


def quartiles(xs):
    if len(xs) < 2:
        return (xs[0],) * 3 if xs else (0.0,) * 3
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[1], q[2]


def report(recs, listed, built, args):
    head, gaps_out, progs_out = [], [], []
    with_text = [r for r in recs if r.get("text") and r["text"][2] > 0]
    pct = {r["name"]: 100.0 * r["text"][3] / r["text"][2] for r in with_text}
    vals = sorted(pct.values())
    q1, med, q3 = quartiles(vals)
    full = sorted(n for n, v in pct.items() if v == 100.0)
    tot_m = sum(r["text"][2] for r in with_text)
    tot_s = sum(r["text"][3] for r in with_text)
    mpct = sorted(100.0 * (r["text"][3] + sum(mask(x) == mask(y) for x, y in r["diffs"])) / r["text"][2] for r in with_text)
    head.append(f"strace v6.1 test programs: {len(listed)} listed, {len(built)} built, {len(recs)} run")
    head.append("untraced exit status: " + ", ".join(f"{k} x{v}" for k, v in count(r["plain"][0] for r in recs)))
    head.append(
        f"text: {len(with_text)} programs with matched calls; identical per program: "
        f"median {med:.1f}%, quartiles {q1:.1f}% / {q3:.1f}%, min {vals[0] if vals else 0:.1f}%, "
        f"mean {statistics.mean(vals) if vals else 0:.1f}%"
    )
    mq1, mmed, mq3 = quartiles(mpct)
    head.append(
        f"      with numbers masked too: median {mmed:.1f}%, quartiles {mq1:.1f}% / {mq3:.1f}%, "
        f"programs at 100%: {sum(v == 100.0 for v in mpct)}"
    )
    head.append(f"      all matched calls: {tot_s}/{tot_m} identical ({100.0 * tot_s / max(tot_m, 1):.1f}%)")
    head.append(f"      programs at 100%: {len(full)}")
    no_text = [r["name"] for r in recs if not r.get("text")]
    if no_text:
        head.append(f"      no trace from one tracer: {len(no_text)}: {' '.join(no_text)}")
    for mode, label in (("strace", "strace"), ("ours", "sigsys-trace")):
        bad = [f"{r['name']} ({r[mode][0]})" for r in recs if r[mode][0] == "timeout" or r[mode][0].startswith("killed")]
        head.append(f"hung or killed under {label}: {len(bad)}" + (": " + ", ".join(bad) if bad else ""))
    beh = [(r["name"], behaviour(r)) for r in recs]
    beh = [(n, b) for n, b in beh if b]
    for both, label in ((False, "only under sigsys-trace"), (True, "under strace as well")):
        part = [(n, lines) for n, (bo, lines) in beh if bo == both]
        head.append("")
        head.append(f"behave differently under sigsys-trace than untraced, {label}: {len(part)}")
        for n, lines in part:
            head.append(f"  {n}: {lines[0]}")
            head += ["  " + x for x in lines[1:]]

    # Gaps: differing call names, ranked by programs affected.
    gaps, values = {}, {}
    for r in with_text:
        for x, y in r["diffs"]:
            # Equal but for numbers: a value of this run (pid, port, time), not a format gap.
            g = (values if mask(x) == mask(y) else gaps).setdefault(call_name(x), {"progs": [], "pairs": 0, "ex": []})
            g["pairs"] += 1
            if call_name(x) in SELECTOR:
                g.setdefault("by", {}).setdefault(selector_key(call_name(x), x), set()).add(r["name"])
            if not g["progs"] or g["progs"][-1] != r["name"]:
                g["progs"].append(r["name"])
                # Examples from different families (bpf, not bpf and bpf-v) and texts.
                seen = {family(p) for p, _, _ in g["ex"]}
                texts = {mask(a) for _, a, _ in g["ex"]}
                if len(g["ex"]) < args.examples and family(r["name"]) not in seen and mask(x) not in texts:
                    g["ex"].append((r["name"], x, y))
    ranked = sorted(gaps.items(), key=lambda kv: (-len(kv[1]["progs"]), -kv[1]["pairs"], kv[0]))
    vranked = sorted(values.items(), key=lambda kv: (-len(kv[1]["progs"]), -kv[1]["pairs"], kv[0]))
    head.append("")
    head.append(
        f"calls differing only in numbers (pids, ports, inodes, times, addresses in strings): "
        f"{sum(g['pairs'] for g in values.values())} in {len(vranked)} names: "
        + ", ".join(f"{n} ({len(g['progs'])})" for n, g in vranked[:25])
    )
    gaps_out.append(f"differing calls (format, not only numbers), by programs affected ({len(ranked)} names):")
    for i, (name, g) in enumerate(ranked, 1):
        fams = len({family(p) for p in g["progs"]})
        gaps_out.append(f"{i:3}. {name}: {len(g['progs'])} programs ({fams} families), {g['pairs']} calls")
        if g.get("by"):
            subs = sorted(g["by"].items(), key=lambda kv: (-len(kv[1]), kv[0]))
            gaps_out.append("       by argument: " + ", ".join(f"{k} {len(v)}" for k, v in subs[:12]) + (f", ... ({len(subs)} in all)" if len(subs) > 12 else ""))
        for prog, x, y in g["ex"]:
            gaps_out.append(f"       [{prog}]")
            gaps_out.append(f"       strace: {x[:240]}")
            gaps_out.append(f"       ours:   {y[:240]}")

    # Calls one side shows more often than the other (unmatched, so not in the gaps).
    extra = []
    for side, other, label in ((0, 1, "strace shows more often than sigsys-trace"), (1, 0, "sigsys-trace shows more often than strace")):
        by = {}
        for r in with_text:
            for n, c in (r["names"][side] - r["names"][other]).items():
                e = by.setdefault(n, [0, 0, r["name"]])
                e[0] += 1
                e[1] += c
        rows = sorted(by.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        extra.append(f"calls {label}, by programs ({len(rows)} names):")
        extra += [f"  {n}: {e[0]} programs, {e[1]} calls (e.g. {e[2]})" for n, e in rows[: args.top // 2]]
    progs_out.append("per program: untraced / strace / sigsys-trace status; strace calls, ours calls, matched, identical")
    for r in recs:
        t = r.get("text")
        tt = f"{t[0]:5} {t[1]:5} {t[2]:5} {t[3]:5} {pct.get(r['name'], 0.0):5.1f}%" if t else "  (no trace)"
        progs_out.append(f"  {r['name']:36} {r['plain'][0]:>10} {r['strace'][0]:>10} {r['ours'][0]:>10}  {tt}")

    # The first --top entries, each with its example lines.
    keep, on = [], True
    for line in gaps_out:
        m = re.match(r"^\s*(\d+)\. ", line)
        if m:
            on = int(m.group(1)) <= args.top
        if on:
            keep.append(line)
    summary = head + [""] + keep + [""] + extra
    full_report = head + [""] + gaps_out + [""] + extra + [""] + progs_out
    return "\n".join(summary) + "\n", "\n".join(full_report) + "\n"


def count(items):
    d = {}
    for x in items:
        d[x] = d.get(x, 0) + 1
    return sorted(d.items(), key=lambda kv: -kv[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tests", required=True, help="strace's built tests directory")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "strace-suite"))
    ap.add_argument("--strace", default="strace")
    ap.add_argument("--tracer", default=os.path.join(ROOT, "target", "release", "sigsys-trace"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--only", help="regex: only programs whose name matches")
    ap.add_argument("--reuse", action="store_true", help="compare the runs of an earlier suite run again, run only the missing")
    ap.add_argument("--top", type=int, default=40, help="ranked gaps in the printed summary")
    ap.add_argument("--examples", type=int, default=2, help="example pairs per gap")
    args = ap.parse_args()
    args.tests = os.path.abspath(args.tests)
    args.out = os.path.abspath(args.out)
    args.tracer = os.path.abspath(args.tracer)
    listed, built = programs(args.tests)
    todo = [n for n in built if not args.only or re.search(args.only, n)]
    recs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(run_program, n, args): n for n in todo}
        for k, f in enumerate(concurrent.futures.as_completed(futs), 1):
            n = futs[f]
            try:
                recs[n] = f.result()
            except Exception as e:  # one program's trouble is recorded, not fatal
                print(f"{n}: {e!r}", file=sys.stderr)
            if k % 50 == 0:
                print(f"== {k}/{len(todo)} programs run", file=sys.stderr)
    ordered = [recs[n] for n in todo if n in recs]
    summary, full = report(ordered, listed, built, args)
    path = os.path.join(args.out, "report.txt")
    with open(path, "w") as f:
        f.write(full)
    sys.stdout.write(summary)
    print(f"\nfull report: {path}")


if __name__ == "__main__":
    sys.exit(main())
