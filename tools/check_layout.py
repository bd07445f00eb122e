#!/usr/bin/env python3
"""Checks the folder dependency rule of README.md's "Repository layout" from the #include lines.

usage: check_layout.py [REPO_ROOT] [-v]
Prints each violation as `FROM -> TO: rule: file -> include` and exits 1 if there is one;
-v also prints the folder graph. Folders: engine/<feature> and widgets/<feature>; a feature's
subfolders (widgets/plots/sequence) belong to it."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(top, path):
    parts = os.path.relpath(path, top).split(os.sep)[:-1]
    return f"{top}/{parts[0]}" if parts else f"{top}/."


def include_graph(root):
    """{from_folder: {to_folder: [example "file -> include", ...]}}"""
    edges = {}
    for top in ("engine", "widgets"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if not f.endswith((".h", ".cpp")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, f), root)
                src = folder_of(top, path)
                with open(os.path.join(root, path), encoding="utf-8") as fh:
                    text = fh.read()
                for name in INCLUDE.findall(text):
                    for target_top in ("engine", "widgets"):
                        target = os.path.join(target_top, name)
                        if "/" in name and os.path.exists(os.path.join(root, target)):
                            dst = folder_of(target_top, target)
                            if dst != src:
                                edges.setdefault(src, {}).setdefault(dst, []).append(
                                    f"{path} -> {name}")
                            break
    return edges


def feature(folder):
    return folder.split("/")[1]


def rule_broken(src, dst):
    if src.startswith("engine/") and dst.startswith("widgets/"):
        return "engine/ never includes widgets/"
    if src == "widgets/document" and dst.startswith("widgets/"):
        return "widgets/document depends only on the engine"
    if src == "widgets/training" and feature(dst) in ("canvas", "plots", "inspector"):
        return "canvas, plots and inspector may use training, never the reverse"
    if (src.startswith("widgets/") and dst.startswith("widgets/")
            and feature(dst) in ("teaching", "export") and feature(src) != feature(dst)):
        return "nothing in widgets/ depends on teaching or export (only app/ does)"
    return None


def cycles(edges):
    """Strongly connected components with more than one folder (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    nodes = set(edges) | {d for targets in edges.values() for d in targets}
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(argv):
    root = next((a for a in argv[1:] if not a.startswith("-")), ".")
    edges = include_graph(root)
    problems = []
    for src in sorted(edges):
        for dst in sorted(edges[src]):
            why = rule_broken(src, dst)
            if why:
                problems.append(f"{src} -> {dst}: {why}: {edges[src][dst][0]}")
    for component in cycles(edges):
        inside = [f"{s} -> {d} ({edges[s][d][0]})" for s in component for d in edges.get(s, {})
                  if d in component]
        problems.append("include cycle between " + ", ".join(component) + ": " + "; ".join(inside))
    if "-v" in argv:
        for src in sorted(edges):
            print(src, "->", ", ".join(sorted(edges[src])))
    for p in problems:
        print(p)
    print(f"layout: {len(problems)} problem(s) in {len(edges)} folders")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
