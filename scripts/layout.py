#!/usr/bin/python3
"""layout.py — checks the shape of daemon/ (the Architecture rules).

    layout.py [--graph] SRC BUILD

SRC is the daemon/ folder, BUILD the build folder holding the objects
(BUILD/<folder>/<file>.o).  Prints one "ok"/"not ok" line per rule and ends
with "N passed, N failed", like every test program of the suite:

- no include cycle between modules (a module is a .c and its .h);
- no link cycle between modules: object A uses a symbol that object B
  defines (nm -u / nm --defined-only), and the graph has no cycle;
- no cycle between folders either (includes across folders), so the
  folders can be read in one order: the order printed by --graph;
- each outside library is included from the files of one folder only
  (libetpan: its IMAP client in fetch/, its MIME parser in parse/ — two
  APIs of one package, each in one folder);
- no source file over 800 lines but those listed in LONG_OK, with why.
"""
import os
import re
import subprocess
import sys

MAX_LINES = 800
# One concern that reads better whole; say why here.
LONG_OK = {
}
# Library -> its header pattern and, when one folder is not the rule, the
# files allowed to include it (libetpan is two APIs: the IMAP client in
# fetch/, the MIME parser in parse/).
LIBS = {
    "libetpan": (r"libetpan/", [r"^fetch/imap[^/]*\.[ch]$",
                                r"^parse/mime[^/]*\.[ch]$"]),
    "libcurl": (r"curl/", None),
    "sqlite3": (r"sqlite3\.h", None),
    "PCRE2": (r"pcre2\.h", None),
    "GnuTLS": (r"gnutls/", None),
    "libical": (r"libical/", None),
    "jansson": (r"jansson\.h", None),
}

INCLUDE_LOCAL = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
INCLUDE_SYS = re.compile(r'^\s*#\s*include\s+<([^>]+)>', re.M)


def sources(src):
    out = []
    for d, _, files in os.walk(src):
        for f in files:
            if f.endswith((".c", ".h")):
                out.append(os.path.relpath(os.path.join(d, f), src))
    return sorted(out)


def module(path):
    return path[:-2]


def folder(path):
    return path.split("/")[0] if "/" in path else "."


def cycles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
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
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def order(graph):
    """Folders, dependencies first (graph must be acyclic)."""
    seen, out = set(), []

    def visit(v):
        if v in seen:
            return
        seen.add(v)
        for w in sorted(graph.get(v, ())):
            visit(w)
        out.append(v)

    for v in sorted(graph):
        visit(v)
    return out


def nm(paths, *args):
    """The symbols of each object, {path: [name...]}: one nm for them all,
    as each nm start loads binutils' LTO plugin (about 70 ms)."""
    r = subprocess.run(["nm", "-A", *args, *paths], capture_output=True,
                       text=True, check=True)
    out = {p: [] for p in paths}
    for line in r.stdout.splitlines():
        # -A: "path: [value] type name"; the path is one of ours.
        path, _, rest = line.partition(": ")
        if rest.strip() and path in out:
            out[path].append(rest.split()[-1])
    return out


def main(argv):
    graph_only = "--graph" in argv
    argv = [a for a in argv if a != "--graph"]
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    src, build = argv
    passed = failed = 0

    def check(cond, name, detail=()):
        nonlocal passed, failed
        if cond:
            passed += 1
            print("ok - " + name)
        else:
            failed += 1
            print("not ok - " + name)
            for d in detail:
                print("#   " + d)

    files = sources(src)
    text = {f: open(os.path.join(src, f), encoding="utf-8",
                    errors="replace").read() for f in files}
    known = set(files)

    inc, fold = {}, {}
    unresolved = []
    for f in files:
        m = module(f)
        inc.setdefault(m, set())
        for h in INCLUDE_LOCAL.findall(text[f]):
            if h not in known:
                unresolved.append("%s includes \"%s\"" % (f, h))
                continue
            if module(h) != m:
                inc[m].add(module(h))
            if folder(h) != folder(f):
                fold.setdefault(folder(f), set()).add(folder(h))
        fold.setdefault(folder(f), set())

    if graph_only:
        for fo in order(fold):
            print("%-10s -> %s" % (fo + "/", " ".join(
                d + "/" for d in sorted(fold[fo])) or "(nothing)"))
        return 0

    check(not unresolved, "every local include names a file of %s/ with its "
          "folder" % src.rstrip("/"), unresolved)
    c = cycles(inc)
    check(not c, "no include cycle between modules",
          [" -> ".join(x) for x in c])
    c = cycles(fold)
    check(not c, "no include cycle between folders",
          [" <-> ".join(x) for x in c])

    # Link level: who uses a symbol that whom defines.
    defs, uses, objs, paths = {}, {}, [], {}
    for f in files:
        if not f.endswith(".c"):
            continue
        o = os.path.join(build, module(f) + ".o")
        if not os.path.exists(o):
            continue
        objs.append(module(f))
        paths[module(f)] = o
    defined = nm(list(paths.values()), "--defined-only", "-g")
    undefined = nm(list(paths.values()), "-u")
    for m in objs:
        for s in defined[paths[m]]:
            defs[s] = m
        uses[m] = set(undefined[paths[m]])
    link = {m: {defs[s] for s in uses[m] if s in defs and defs[s] != m}
            for m in objs}
    check(len(objs) == sum(1 for f in files if f.endswith(".c")),
          "every source file has its object in %s (build first)" % build,
          sorted(set(module(f) for f in files if f.endswith(".c")) -
                 set(objs)))
    c = cycles(link)
    check(not c, "no link cycle between modules (nm)",
          [" -> ".join(x) for x in c])

    for lib, (pat, allowed) in LIBS.items():
        rx = re.compile(pat)
        users = sorted(f for f in files
                       if any(rx.match(h) for h in INCLUDE_SYS.findall(text[f])))
        if allowed is not None:
            others = [f for f in users
                      if not any(re.match(a, f) for a in allowed)]
            check(bool(users) and not others, "%s is included by %s only" %
                  (lib, " and ".join(allowed)), others or
                  ["nobody includes it"])
        else:
            dirs = sorted(set(folder(f) for f in users))
            check(len(dirs) == 1, "%s is included from one folder (%s)" %
                  (lib, ", ".join(d + "/" for d in dirs) or "none"), users)

    long_files = []
    for f in files:
        n = text[f].count("\n")
        if n > MAX_LINES and f not in LONG_OK:
            long_files.append("%s: %d lines" % (f, n))
    check(not long_files, "no file over %d lines (but %s)" % (
        MAX_LINES, ", ".join(sorted(LONG_OK)) or "none"), long_files)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
