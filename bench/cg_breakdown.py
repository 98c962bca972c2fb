#!/usr/bin/env python3
"""cg_breakdown.py: where a loader's instructions go, from a callgrind file.

    cg_breakdown.py [--own REGEX] [--per N] [--top K] FILE [BASE_FILE]

Reads a callgrind output file (valgrind --tool=callgrind, collected only
inside the loader's calls with --toggle-collect) and splits its total into
buckets: the instructions of the loader's own functions (those whose object
or source file matches --own) and, for every call from one of them to a
function outside, that call's inclusive cost, under the callee's name
(dlopen, dlsym, malloc, fstatat, the plugin's init, ...). Each instruction is
in exactly one bucket, so the buckets add up to the total.

--own defaults to the library (libcriu-plugin) and CRIU's plugin.c (the C
loader built into bench/build/host-c) and the floor (bench/floor.c).

With BASE_FILE, prints both and the difference; --per N divides by N (say,
the number of plugins times the cycles of the run) to give figures per
plugin and cycle. Used by bench/run.py (part 1b) and by hand for diagnosis.
"""
import argparse
import re
import sys
from collections import defaultdict

OWN = r"libcriu-plugin|libcriu_plugin|/criu/plugin\.c$|bench/floor\.c$"


def parse(path, own_re):
    """Returns (total, buckets): buckets maps a name to instructions."""
    own = re.compile(own_re)
    names = {"ob": {}, "fl": {}, "fn": {}}
    buckets = defaultdict(int)
    total = 0
    ob = fl = fn = None
    is_own = False
    cob = cfl = cfn = None
    in_call = False

    def name(kind, value):
        # "(id) name" defines a compressed name, "(id)" uses it.
        m = re.match(r"\((\d+)\)(?: (.*))?$", value)
        if not m:
            return value
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
        return names[kind].get(m.group(1), "?")

    def owned(o, f):
        return bool(own.search(o or "") or own.search(f or ""))

    with open(path) as f:
        for line in f:
            c0 = line[:1]
            if c0.isdigit() or c0 in ("+", "-", "*"):
                parts = line.split()
                if len(parts) < 2:
                    continue
                cost = int(parts[1])
                if in_call:
                    # The inclusive cost of the call announced by calls=.
                    in_call = False
                    if is_own and not owned(cob or ob, cfl or fl):
                        buckets[cfn] += cost
                        total += cost
                    cob = cfl = None
                elif is_own:
                    buckets["(own code) " + fn] += cost
                    total += cost
                continue
            key, _, value = line.rstrip("\n").partition("=")
            if key == "ob":
                ob = name("ob", value)
            elif key == "fl":
                fl = name("fl", value)
            elif key in ("fi", "fe"):
                name("fl", value)
            elif key == "fn":
                fn = name("fn", value)
                is_own = owned(ob, fl)
            elif key == "cob":
                cob = name("ob", value)
            elif key in ("cfi", "cfl"):
                cfl = name("fl", value)
            elif key == "cfn":
                cfn = name("fn", value)
            elif key == "calls":
                in_call = True
    return total, buckets


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--own", default=OWN)
    ap.add_argument("--per", type=float, default=1.0)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("file")
    ap.add_argument("base", nargs="?")
    a = ap.parse_args()
    t, b = parse(a.file, a.own)
    if a.base:
        t0, b0 = parse(a.base, a.own)
    else:
        t0, b0 = 0, {}
    keys = set(b) | set(b0)
    # Own code of both summed into one line each side, and also shown by function.
    rows = sorted(keys, key=lambda k: -abs(b.get(k, 0) - b0.get(k, 0)))
    p = a.per
    print(f"{'bucket':<60} {'file':>12} {'base':>12} {'difference':>12}")
    print(f"{'TOTAL':<60} {t / p:12.0f} {t0 / p:12.0f} {(t - t0) / p:12.0f}")
    own_t = sum(v for k, v in b.items() if k.startswith("(own code)"))
    own_0 = sum(v for k, v in b0.items() if k.startswith("(own code)"))
    print(f"{'(own code, all functions)':<60} {own_t / p:12.0f} {own_0 / p:12.0f} "
          f"{(own_t - own_0) / p:12.0f}")
    for k in rows[:a.top]:
        x, y = b.get(k, 0), b0.get(k, 0)
        print(f"{k[:60]:<60} {x / p:12.0f} {y / p:12.0f} {(x - y) / p:12.0f}")


if __name__ == "__main__":
    sys.exit(main())
