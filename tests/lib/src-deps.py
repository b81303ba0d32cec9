#!/usr/bin/env python3
"""The call graph between spawnd's source files, from their objects.

usage: src-deps.py BUILDDIR SRCDIR [FOLDER...]

Reads every object of src/ in BUILDDIR with nm(1): a file depends on
another when it uses a symbol the other defines.  Prints each
dependency as "a.c -> b.c" and, for every cycle (strongly connected
component of more than one file), a line "cycle: a.c b.c ...".  Given
the folders of src/ lowest layer first, also prints "upward: a.c ->
b.c" for each call from a folder to one later in the list, and
"unlisted: FOLDER" for a folder of objects the list does not name.
Exits 1 if there is a cycle, an upward call or an unlisted folder.
"""
import os
import subprocess
import sys


def objects(builddir):
    src = os.path.join(builddir, 'src')
    for top, _, files in os.walk(src):
        for f in sorted(files):
            if f.endswith('.o'):
                yield os.path.join(top, f)


def symbols(obj):
    out = subprocess.run(['nm', '--defined-only', '-g', obj],
                         capture_output=True, text=True, check=True).stdout
    defined = {line.split()[-1] for line in out.splitlines() if line.strip()}
    out = subprocess.run(['nm', '-u', obj],
                         capture_output=True, text=True, check=True).stdout
    used = {line.split()[-1] for line in out.splitlines() if line.strip()}
    return defined, used


def name_of(obj, builddir):
    rel = os.path.relpath(obj, os.path.join(builddir, 'src'))
    base = os.path.basename(rel)
    # automake names objects of per-target flags "TARGET-file.o"
    if '-' in base:
        base = base.split('-', 1)[1]
    return os.path.join(os.path.dirname(rel), base[:-2] + '.c')


def sccs(graph):
    """Tarjan's algorithm; returns the components of more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

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


def main():
    builddir = sys.argv[1]
    owner, uses = {}, {}
    for obj in objects(builddir):
        name = name_of(obj, builddir)
        if name == 'main.c':
            continue
        defined, used = symbols(obj)
        for s in defined:
            owner[s] = name
        uses[name] = used
    graph = {}
    for name, used in uses.items():
        graph[name] = {owner[s] for s in used if s in owner and owner[s] != name}
    for name in sorted(graph):
        for dep in sorted(graph[name]):
            print('%s -> %s' % (name, dep))
    cycles = sccs(graph)
    for comp in cycles:
        print('cycle: ' + ' '.join(comp))
    bad = upward(graph, sys.argv[3:]) if len(sys.argv) > 3 else 0
    return 1 if cycles or bad else 0


def upward(graph, layers):
    """Print the calls against the layer order; return how many."""
    rank = {folder: i for i, folder in enumerate(layers)}
    bad = 0
    for folder in sorted({os.path.dirname(n) for n in graph} - set(rank)):
        print('unlisted: ' + folder)
        bad += 1
    for name in sorted(graph):
        for dep in sorted(graph[name]):
            a, b = os.path.dirname(name), os.path.dirname(dep)
            if a in rank and b in rank and rank[b] > rank[a]:
                print('upward: %s -> %s' % (name, dep))
                bad += 1
    return bad


if __name__ == '__main__':
    sys.exit(main())
