#!/usr/bin/env python3
"""File-level import cycles in a library crate of the workspace: obssl's (src/) or the
mock's (crates/obssl-mock/src/), without main.rs and bin/.

Reads every `use` tree and every inline `crate::`/`super::`/`self::`/child-module path,
resolves it to the source file that defines the longest matching module prefix, and
reports strongly connected components of more than one file (Tarjan). Inline modules
(`mod tests { ... }`) count as part of their file; `super::` inside them resolves
from the inline module, so a test module's `use super::*` is not an edge.
Three views of files: every edge; without the edges of test modules (inline `mod tests`,
`src/tests/`, `*/tests.rs`); and without the edges between a module and its own
ancestors (a `mod.rs` using its children while they use items it defines).
A fourth view of modules: a top-level file or folder under SRC_DIR is one node
(`check.rs` and `check/` are one), test-module edges left out, `lib.rs` left out.
Usage: .ci/import-cycles.py [SRC_DIR] [--modules]
  (exit 1 when a cycle remains in any view; --modules prints the module graph and exits)
"""
import os, re, sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
src = args[0] if args else "src"

def module_of(rel):
    parts = rel[:-3].split("/")
    if parts == ["lib"]:
        return ()
    if parts[-1] == "mod":
        parts = parts[:-1]
    return tuple(parts)

files = {}
for root, _, names in os.walk(src):
    for n in names:
        if n.endswith(".rs"):
            rel = os.path.relpath(os.path.join(root, n), src)
            if rel == "main.rs" or rel.startswith("bin/"):
                continue
            files[module_of(rel)] = rel

def strip(text):
    """Blank out comments, strings and char literals, keeping offsets."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i); j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j): depth += 1; j += 2
                elif text.startswith("*/", j): depth -= 1; j += 2
                else: j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif (m := re.match(r'b?r(#*)"', text[i:i + 80])) and (i == 0 or not (text[i-1].isalnum() or text[i-1] == "_")):
            end = '"' + m.group(1)
            j = text.find(end, i + m.end()); j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c == "'" and (m := re.match(r"'(\\.|\\x..|\\u\{[0-9a-fA-F]+\}|[^\\'])'", text[i:i + 12])):
            out.append(" " * m.end()); i += m.end()
        else:
            out.append(c); i += 1
    return "".join(out)

def use_paths(tree):
    """Expand a use tree ('a::{b, c::d as e}') into segment lists."""
    tree = re.sub(r"\s+", "", tree)
    def parse(s, prefix):
        res, depth, start = [], 0, 0
        parts = []
        for k, ch in enumerate(s):
            if ch == "{": depth += 1
            elif ch == "}": depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:k]); start = k + 1
        parts.append(s[start:])
        for p in parts:
            if not p:
                continue
            if "{" in p:
                head, inner = p.split("{", 1)
                head = [x for x in head.split("::") if x]
                res += parse(inner[:-1], prefix + head)
            else:
                p = p.split("as")[0] if re.search(r"\bas\b", p) else p
                res.append(prefix + [x for x in re.sub(r"as\w+$", "", p).split("::") if x])
        return res
    return parse(tree, [])

edges = {}
for mod, rel in sorted(files.items()):
    text = strip(open(os.path.join(src, rel), encoding="utf-8").read())
    children = set(re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, re.M))
    # inline module spans
    spans = []
    for m in re.finditer(r"\bmod\s+(\w+)\s*\{", text):
        depth, j = 1, m.end()
        while j < len(text) and depth:
            if text[j] == "{": depth += 1
            elif text[j] == "}": depth -= 1
            j += 1
        spans.append((m.start(), j, m.group(1)))
    def in_test(pos):
        return rel.startswith("tests/") or rel.endswith("/tests.rs") or any(s[0] <= pos < s[1] and s[2] == "tests" for s in spans)
    def scope(pos):
        inner = [s for s in spans if s[0] <= pos < s[1]]
        inner.sort()
        return mod + tuple(s[2] for s in inner)
    found = []
    use_spans = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        use_spans.append((m.start(), m.end()))
        for p in use_paths(m.group(1)):
            found.append((m.start(), p, True))
    for m in re.finditer(r"(?<![\w:])((?:crate|super|self|\w+)(?:::\w+)+)", text):
        if any(a <= m.start() < b for a, b in use_spans):
            continue
        found.append((m.start(), m.group(1).split("::"), False))
    for pos, segs, is_use in found:
        here = scope(pos)
        local_children = children if here == mod else set()
        if segs[0] == "crate":
            base, rest = (), segs[1:]
        elif segs[0] in ("super", "self"):
            base = here
            rest = list(segs)
            while rest and rest[0] in ("super", "self"):
                if rest[0] == "super":
                    base = base[:-1]
                rest = rest[1:]
        elif segs[0] in local_children:
            base, rest = here, segs
        else:
            continue
        full = tuple(base) + tuple(rest)
        target = None
        for k in range(len(full), -1, -1):
            if full[:k] in files:
                target = files[full[:k]]
                break
        if target and target != rel:
            line = text.count("\n", 0, pos) + 1
            kinds = edges.setdefault(rel, {}).setdefault(target, [])
            kinds.append((in_test(pos), f"{rel}:{line} {'::'.join(segs)}"))

mod_of = {rel: mod for mod, rel in files.items()}
def related(a, b):
    ma, mb = mod_of[a], mod_of[b]
    return ma[:len(mb)] == mb or mb[:len(ma)] == ma

def top(rel):
    """The module a file belongs to: its top-level file or folder (check.rs and check/ are one)."""
    return mod_of[rel][0] if mod_of[rel] else "lib"

def module_graph():
    graph = {}
    for a, targets in edges.items():
        for b, why in targets.items():
            kept = [w for w in why if not w[0]]
            ta, tb = top(a), top(b)
            if kept and ta != tb and "lib" not in (ta, tb):
                graph.setdefault(ta, {}).setdefault(tb, []).extend(kept)
    return graph

def sccs_of(graph, nodes=None):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            out.append(comp)
    for v in sorted(nodes if nodes is not None else files.values()):
        if v not in index:
            visit(v)
    return [sorted(c) for c in out if len(c) > 1]

views = [
    ("every edge", lambda a, b, why: why),
    ("without test-module edges", lambda a, b, why: [w for w in why if not w[0]]),
    ("without test-module edges nor module <-> own ancestor edges",
     lambda a, b, why: [] if related(a, b) else [w for w in why if not w[0]]),
]
if "--modules" in sys.argv:
    for a, targets in sorted(module_graph().items()):
        print(f"{a} -> {', '.join(sorted(targets))}")
    sys.exit(0)

n_edges = sum(len(t) for t in edges.values())
print(f"{len(files)} source files, {n_edges} file-to-file import edges")
any_cycle = False
for name, keep in views:
    graph = {}
    for a, targets in edges.items():
        for b, why in targets.items():
            kept = keep(a, b, why)
            if kept:
                graph.setdefault(a, {})[b] = kept
    cycles = sccs_of(graph)
    any_cycle |= bool(cycles)
    print(f"== {name}: {len(cycles)} cycle(s)")
    for comp in cycles:
        print("CYCLE:", " <-> ".join(comp))
        for a in comp:
            for b, why in sorted(graph.get(a, {}).items()):
                if b in comp:
                    test, where = why[0]
                    print(f"  {a} -> {b}: {where}" + (" [test]" if test else "") + (f" (+{len(why)-1} more)" if len(why) > 1 else ""))
modules = module_graph()
nodes = sorted({top(r) for r in files.values()} - {"lib"})
cycles = sccs_of(modules, nodes)
any_cycle |= bool(cycles)
print(f"== modules ({len(nodes)}), without test-module edges: {len(cycles)} cycle(s)")
for comp in cycles:
    print("CYCLE:", " <-> ".join(comp))
    for a in comp:
        for b, why in sorted(modules.get(a, {}).items()):
            if b in comp:
                print(f"  {a} -> {b}: {why[0][1]}" + (f" (+{len(why)-1} more)" if len(why) > 1 else ""))
sys.exit(1 if any_cycle else 0)
