#!/usr/bin/env python3
"""The module graph of the sigsys crate (src/), and its cycles.

Usage: python3 tools/modgraph.py [--edges] [--dot] [--allow=a,b,...] [SRC_DIR]

Every `.rs` file under SRC_DIR (default: the crate's src/) is a module: `lib.rs` is
`crate`, `a.rs` and `a/mod.rs` are `crate::a`, `a/b.rs` is `crate::a::b`. In each file's
code (comments, doc comments and string literals removed) the script finds the paths it
names: `crate::a::b`, `use crate::{a, b::c}` groups, `super::x`, `self::x`, and the
children a file declares with `mod x;` and then names as `x::`. A path is resolved to the
longest module it starts with; a name the crate root re-exports (`crate::Abi`, from
`pub use abi::Abi;` in lib.rs) is resolved to the module it comes from.

It reports two graphs:

- files: one node per module file (an edge from a child to its parent through `super::`
  counts, so a folder whose files use each other in a circle is reported);
- top-level modules: `crate::arch::x86_64::regs` counts as `arch`, `crate::pass::guard`
  as `pass`: the rooms of ARCHITECTURE.md.

For each, the strongly connected components with more than one module (Tarjan), i.e. the
cycles. `lib.rs` declares and re-exports every module; its edges are left out (they would
make every module that names `crate::Abi` part of a cycle through the root).

It also lists the lines of the arch-neutral modules (everything outside src/arch/) that
name an x86 register as a field or a `Reg::` variant: the rest of the crate goes through
the arch module's functions.

Exit status: 0 when there is no cycle at either level and no register named outside
src/arch/, 1 otherwise. `--allow=args,flags,fmt` reports a cycle among those top-level
modules (and their files) without failing: a known cycle being worked on, which CI
tolerates while it fails on any new one.
"""

import os
import re
import sys

REGISTERS = (
    "rax rbx rcx rdx rsi rdi rbp rsp rip r8 r9 r10 r11 r12 r13 r14 r15 "
    "eax ebx ecx edx esi edi ebp esp eip eflags"
).split()


def strip_code(text):
    """The text with comments, char and string literals blanked (line structure kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
            continue
        if text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("\n" * text.count("\n", i, j))
            i = j
            continue
        m = re.match(r'b?r(#*)"', text[i:])
        if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
            continue
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
            continue
        if c == "'":
            # A char literal ('a', '\n', '\u{..}'), not a lifetime ('a).
            m = re.match(r"'(\\.[^']*|[^\\'])'", text[i:])
            if m:
                out.append("' '")
                i += len(m.group(0))
                continue
        out.append(c)
        i += 1
    return "".join(out)


def lower_inline_modules(code):
    """Inside an inline `mod name { ... }` (a `mod tests`, say), `super::` is the file's own
    module: rewritten to `self::` so that paths resolve from the file."""
    out, i = [], 0
    for m in re.finditer(r"\bmod\s+\w+\s*\{", code):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += code[j] == "{"
            depth -= code[j] == "}"
            j += 1
        out.append(code[i : m.end()])
        out.append(re.sub(r"\bsuper::", "self::", code[m.end() : j]))
        i = j
    out.append(code[i:])
    return "".join(out)


def module_of(src, path):
    rel = os.path.relpath(path, src)[: -len(".rs")].split(os.sep)
    if rel == ["lib"]:
        return ("crate",)
    if rel[-1] == "mod":
        rel = rel[:-1]
    return ("crate",) + tuple(rel)


def expand_use_groups(code):
    """`use crate::{a, b::{c, d}}` -> the list of full paths `crate::a`, `crate::b::c`, ..."""
    paths = []
    for m in re.finditer(r"\buse\s+([^;]*);", code, re.S):
        paths.extend(expand(re.sub(r"\s+", "", m.group(1))))
    return paths


def expand(tree):
    depth, start = 0, None
    for i, c in enumerate(tree):
        if c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}":
            depth -= 1
    if start is None:
        return [re.sub(r"as\w+$", "", tree)] if tree else []
    prefix, inner = tree[:start], tree[start + 1 : tree.rindex("}")]
    parts, depth, cur = [], 0, ""
    for c in inner:
        if c == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += c == "{"
        depth -= c == "}"
        cur += c
    parts.append(cur)
    out = []
    for p in parts:
        if p == "self":
            out.append(prefix.rstrip(":"))
        elif p:
            out.extend(expand(prefix + p))
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    allowed = set()
    for a in flags:
        if a.startswith("--allow="):
            allowed |= set(filter(None, a[len("--allow=") :].split(",")))
    here = os.path.dirname(os.path.abspath(__file__))
    src = args[0] if args else os.path.join(os.path.dirname(here), "src")

    files = {}
    for root, _, names in os.walk(src):
        for name in sorted(names):
            if name.endswith(".rs"):
                path = os.path.join(root, name)
                files[module_of(src, path)] = path
    modules = set(files)

    code = {m: lower_inline_modules(strip_code(open(p).read())) for m, p in files.items()}

    # Names the root re-exports: `pub use abi::Abi;` makes `crate::Abi` mean `crate::abi`.
    root_alias = {}
    for p in expand_use_groups(code[("crate",)]):
        segs = p.split("::")
        if segs[0] != "crate":
            segs = ["crate"] + segs
        if len(segs) >= 3:
            root_alias[segs[-1]] = tuple(segs[:2])

    def resolve(segs):
        """The longest module that the path `segs` (starting at `crate`) lies in."""
        segs = tuple(segs)
        for k in range(len(segs), 0, -1):
            if segs[:k] in modules:
                if k == 1 and len(segs) > 1 and segs[1] in root_alias:
                    return root_alias[segs[1]]
                return segs[:k]
        return None

    edges = {m: set() for m in modules}
    for m, text in code.items():
        if m == ("crate",):
            continue
        children = set(re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, re.M))
        found = expand_use_groups(text)
        found += re.findall(r"\b((?:crate|super|self)(?:::\w+)+)", text)
        for child in children:
            found += ["self::" + child] if re.search(r"\b%s::" % child, text) else []
        for path in found:
            segs = path.split("::")
            if segs[0] == "crate":
                full = segs
            elif segs[0] == "super":
                # `super` is the parent module (of a/b.rs and of a/b/mod.rs alike: crate::a).
                base = list(m)
                while segs and segs[0] == "super":
                    segs, base = segs[1:], base[:-1]
                full = base + segs
            elif segs[0] == "self":
                full = list(m) + segs[1:]
            else:
                continue
            target = resolve(full)
            if target and target != m:
                edges[m].add(target)

    def top(mod):
        return mod[:2] if len(mod) > 1 else mod

    top_edges = {}
    for a, bs in edges.items():
        for b in bs:
            if top(a) != top(b):
                top_edges.setdefault(top(a), set()).add(top(b))
            top_edges.setdefault(top(b), set())
        top_edges.setdefault(top(a), set())

    def sccs(graph):
        index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

        def visit(v):
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(v)
            for w in sorted(graph.get(v, ())):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))

        sys.setrecursionlimit(10000)
        for v in sorted(graph):
            if v not in index:
                visit(v)
        return out

    name = lambda mod: "::".join(mod)
    if "--edges" in flags:
        for a in sorted(edges):
            print("%s -> %s" % (name(a), ", ".join(name(b) for b in sorted(edges[a])) or "-"))
        print()
    if "--dot" in flags:
        print("digraph sigsys {")
        for a in sorted(top_edges):
            for b in sorted(top_edges[a]):
                print('  "%s" -> "%s";' % (name(a), name(b)))
        print("}")
        return 0

    failed = False
    for label, graph in (("files", edges), ("top-level modules", top_edges)):
        cycles = sccs(graph)
        print("%s: %d modules, %d edges, %d cycle(s)" % (
            label, len(graph), sum(len(v) for v in graph.values()), len(cycles)))
        for comp in cycles:
            known = all(len(c) > 1 and c[1] in allowed for c in comp)
            # The files of one module naming each other (a module's re-exports used by its
            # submodules) are one room, not a cycle between concepts.
            tops = set(c[1] if len(c) > 1 else None for c in comp)
            internal = len(tops) == 1 and None not in tops
            failed = failed or not (known or internal)
            members = set(comp)
            tag = " (allowed)" if known else " (within one module)" if internal else ""
            print("  cycle%s: " % tag + ", ".join(name(c) for c in comp))
            for a in comp:
                for b in sorted(graph[a] & members):
                    print("    %s -> %s" % (name(a), name(b)))

    reg = re.compile(r"(?:\.(%s)\b(?!\s*\()|\bReg::\w+)" % "|".join(REGISTERS))
    arch_dir = os.path.join(src, "arch") + os.sep
    named = []
    for m, text in sorted(code.items()):
        if files[m].startswith(arch_dir):
            continue
        for no, line in enumerate(text.split("\n"), 1):
            if reg.search(line):
                named.append("%s:%d: %s" % (os.path.relpath(files[m], src), no, line.strip()))
    print("registers named outside src/arch/: %d" % len(named))
    for line in named:
        failed = True
        print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
