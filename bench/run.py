#!/usr/bin/env python3
"""The benchmark driver of `make bench`: runs every measurement side by side
and prints one table.

Every figure is the median over REPS repetitions; within a repetition the
variants run one after the other in an order that rotates from one repetition
to the next, so that a noisy, shared machine slows them all alike.

  1. start-up   build/floor, build/host-c, build/host-rust   `startup`
  2. dispatch   build/host-rust (macro, typed), build/host-c (macro),
                target/release/examples/bench_dispatch (Rust API)
  3. memory     the same under LD_PRELOAD=build/malloc_count.so (one run each:
                counts do not depend on timing)
  4. real CRIU  bench/criu-real.sh
  1b. counts    user-space instructions (callgrind) and system calls (strace)
                of one init + fini cycle: what the start-up times are made of

Usage: run.py [--reps N] [--criu-reps N] [--skip-criu] [--only PART]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
B = os.path.join(HERE, "build")
PLUGINS = os.path.join(B, "plugins")
RUST_EX = os.path.join(REPO, "target", "release", "examples", "bench_dispatch")
MALLOC = os.path.join(B, "malloc_count.so")

VARIANTS = {  # startup variants: label, binary
    "floor": ("floor: dlopen/dlsym/dlclose", os.path.join(B, "floor")),
    "c": ("C loader (CRIU 4.1.1 plugin.c)", os.path.join(B, "host-c")),
    "rust": ("libcriu-plugin", os.path.join(B, "host-rust")),
}
STARTUP_N = (1, 64, 512)
# cycles per process (the first is the cold one)
STARTUP_CYCLES = {1: 41, 64: 11, 512: 5}
CHAINS = (1, 4, 16)
DISPATCH_ITERS = {1: 2_000_000, 4: 1_000_000, 16: 300_000}
DISPATCH_BATCHES = 5
GOAL_STARTUP = 1.05
GOAL_TYPED = 1.10
GOAL_CRIU = 0.03


def run(cmd, env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    out = subprocess.run(cmd, env=e, check=True, capture_output=True, text=True)
    if out.stderr.strip():
        sys.stderr.write(out.stderr)
    vals = {}
    for line in out.stdout.splitlines():
        k, _, v = line.partition(" ")
        vals[k] = float(v)
    return vals


def rotate(seq, r):
    r %= len(seq)
    return list(seq[r:]) + list(seq[:r])


def machine():
    model, cores = "?", os.cpu_count()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
    except OSError:
        rev = "?"
    load = os.getloadavg()
    return (f"machine: {cores} cores, {model}, Linux {platform.release()}, "
            f"load average {load[0]:.2f} at start\n"
            f"library: {os.path.join(REPO, 'build/lib/libcriu-plugin.so')} (git {rev})")


def pratio(xs, ys):
    """Median of the per-repetition ratios x[i] / y[i]: runs of the same
    repetition are adjacent in time, so a slow spell of the machine cancels."""
    return statistics.median(x / y for x, y in zip(xs, ys))


def ci95(xs, ys):
    """95% bootstrap interval of pratio(xs, ys) (fixed seed: reproducible)."""
    import random
    rnd = random.Random(1)
    rs = [x / y for x, y in zip(xs, ys)]
    meds = sorted(statistics.median(rnd.choices(rs, k=len(rs))) for _ in range(2000))
    return meds[50], meds[1949]


def us(ns):
    return f"{ns / 1000:10.1f}"


def startup(reps):
    metrics = ("cold", "cold_cpu", "warm", "warm_cpu")
    res = {(v, n): {m: [] for m in metrics} for v in VARIANTS for n in STARTUP_N}
    for r in range(reps):
        for n in STARTUP_N:
            for v in rotate(list(VARIANTS), r):
                vals = run([VARIANTS[v][1], "startup", os.path.join(PLUGINS, f"n{n}"),
                            str(STARTUP_CYCLES[n])])
                for m in metrics:
                    res[(v, n)][m].append(vals[m + "_ns"])
    med = {k: {m: statistics.median(x) for m, x in d.items()} for k, d in res.items()}
    print(f"\n1. Start-up: cr_plugin_init(DUMP) + cr_plugin_fini over N generated plugins "
          f"(descriptor, init, 2 hooks)\n   microseconds; median of {reps} interleaved runs. "
          f"cold = the first cycle in a fresh process\n   (what CRIU pays), warm = median of "
          f"the next cycles in the same process.\n   wall = elapsed time; cpu = the process's "
          f"CPU time (user + system), which a busy machine\n   disturbs less. "
          f"Ratios: median over the repetitions of the ratio within each repetition\n")
    goals = []
    for title, ms in (("wall", ("cold", "warm")), ("cpu", ("cold_cpu", "warm_cpu"))):
        print(f"   {'N':>4}  {title + ' time':<32} {'cold us':>10} {'/floor':>7} {'/C':>6}   "
              f"{'warm us':>10} {'/floor':>7} {'/C':>6}")
        for n in STARTUP_N:
            for v in VARIANTS:
                row = f"   {n:>4}  {VARIANTS[v][0]:<32}"
                for m in ms:
                    x = med[(v, n)][m]
                    rf = pratio(res[(v, n)][m], res[("floor", n)][m])
                    rc = pratio(res[(v, n)][m], res[("c", n)][m])
                    row += f" {us(x)} {rf:7.3f} {rc:6.3f}  "
                    if v == "rust":
                        goals.append((n, m, rf, rc,
                                      ci95(res[(v, n)][m], res[("floor", n)][m])))
                print(row.rstrip())
        print()
    return med, goals


def dispatch(reps):
    procs = ["rust", "c", "api"]
    res = {(w, k): [] for w in ("macro_rust", "typed", "ref", "macro_c", "api") for k in CHAINS}
    for r in range(reps):
        for k in CHAINS:
            d = os.path.join(PLUGINS, f"n{k}")
            args = [d, str(DISPATCH_ITERS[k]), str(DISPATCH_BATCHES), str(k)]
            for p in rotate(procs, r):
                if p == "rust":
                    vals = run([VARIANTS["rust"][1], "dispatch"] + args)
                    res[("macro_rust", k)].append(vals["macro_ns"])
                    res[("typed", k)].append(vals["typed_ns"])
                    res[("ref", k)].append(vals["ref_ns"])
                elif p == "c":
                    vals = run([VARIANTS["c"][1], "dispatch"] + args)
                    res[("macro_c", k)].append(vals["macro_ns"])
                else:
                    vals = run([RUST_EX, "dispatch"] + args)
                    res[("api", k)].append(vals["rust_api_ns"])
    med = {key: statistics.median(v) for key, v in res.items()}
    labels = {
        "macro_rust": "run_plugins() macro, library's lists",
        "typed": "cr_plugin_run_pause_devices() (typed C)",
        "api": "criu_plugin::api::pause_devices (Rust)",
        "macro_c": "run_plugins() macro, C loader's lists",
        "ref": "reference: the walk in C, out of line",
    }
    print(f"\n2. Dispatch: ns (CPU time) per PAUSE_DEVICES call, chain of K plugins (the first "
          f"K-1 answer\n   -ENOTSUP); median of {reps} interleaved runs, each the median of "
          f"{DISPATCH_BATCHES} batches; log level WARN\n   (the macro's pr_debug calls "
          f"print_on_level, which returns at once; the library skips its debug line).\n"
          f"   reference = bench/typed_ref.c: the macro's walk without pr_debug, in a shared "
          f"object\n   of its own like the library's typed function (what any out-of-line "
          f"call costs)\n")
    print(f"   {'way':<42}" + "".join(f"{'K=' + str(k):>9} {'/macro':>7}" for k in CHAINS))
    for w in ("macro_rust", "typed", "api", "ref", "macro_c"):
        row = f"   {labels[w]:<42}"
        for k in CHAINS:
            row += f"{med[(w, k)]:9.2f} {pratio(res[(w, k)], res[('macro_rust', k)]):7.3f}"
        print(row)
    ratios = {k: (pratio(res[("typed", k)], res[("macro_rust", k)]),
                  ci95(res[("typed", k)], res[("macro_rust", k)])) for k in CHAINS}
    return med, ratios


def memory():
    env = {"LD_PRELOAD": MALLOC}
    m = {}
    for n in STARTUP_N:
        for v in VARIANTS:
            m[(v, n)] = run([VARIANTS[v][1], "mem", os.path.join(PLUGINS, f"n{n}"), "10000"], env)
    api = run([RUST_EX, "mem", os.path.join(PLUGINS, "n16"), "10000"], env)
    print("\n3. Memory (LD_PRELOAD heap counter, bench/malloc_count.c). Two init+fini cycles "
          "per process;\n   'first' includes what libc and ld.so set up once; 'again' is the "
          "second cycle.\n   The generated plugins allocate nothing themselves: every byte "
          "is the loader's or dlopen's.\n")
    print(f"   {'N':>4}  {'variant':<32} {'allocs':>7} {'bytes':>9} {'live@init':>10} "
          f"{'live@fini':>10} {'again':>7} {'loader B/plugin':>16}")
    per_plugin = {}
    for n in STARTUP_N:
        for v in VARIANTS:
            x, f = m[(v, n)], m[("floor", n)]
            # loader-attributable heap kept while N plugins are loaded, per plugin
            lp = (x["live_after_init_again"] - f["live_after_init_again"]) / n
            per_plugin[(v, n)] = lp
            print(f"   {n:>4}  {VARIANTS[v][0]:<32} {x['init_allocs_again']:7.0f} "
                  f"{x['init_bytes_again']:9.0f} {x['live_after_init_again']:10.0f} "
                  f"{x['live_after_fini']:10.0f} {x['live_after_fini_again']:7.0f} "
                  f"{lp:16.1f}")
    # slope 64 -> 512: cost of one more plugin, loader's share (minus the floor's)
    print("\n   per extra plugin (slope 64 -> 512), minus the floor's (= dlopen's own):")
    slopes = {}
    for v in ("c", "rust"):
        def slope(key, var):
            return (m[(var, 512)][key] - m[(var, 64)][key]) / (512 - 64)
        s = {k: slope(k, v) - slope(k, "floor") for k in
             ("init_allocs_again", "init_bytes_again", "live_after_init_again")}
        slopes[v] = s
        print(f"   {VARIANTS[v][0]:<32} {s['init_allocs_again']:6.1f} allocations, "
              f"{s['init_bytes_again']:7.1f} bytes allocated, "
              f"{s['live_after_init_again']:7.1f} bytes kept while loaded")
    fl = {n: m[("floor", n)] for n in STARTUP_N}
    print("\n   bytes still allocated after cr_plugin_fini, beyond the floor's "
          "(first cycle / each further cycle):")
    for v in ("c", "rust"):
        row = "   " + f"{VARIANTS[v][0]:<32}"
        for n in STARTUP_N:
            a = m[(v, n)]["live_after_fini"] - fl[n]["live_after_fini"]
            b = m[(v, n)]["live_after_fini_again"] - fl[n]["live_after_fini_again"]
            row += f"  N={n}: {a:.0f} / {b:.0f}"
        print(row)
    print("\n   allocations per hook call (10000 calls, K=N):")
    for n in STARTUP_N:
        r, c = m[("rust", n)], m[("c", n)]
        print(f"   N={n:<4} macro/library {r['macro_allocs_per_call']:.4f}   typed "
              f"{r['typed_allocs_per_call']:.4f}   macro/C loader {c['macro_allocs_per_call']:.4f}")
    print(f"   Rust API (K=16): {api['rust_api_allocs_per_call']:.4f}")
    return m, api, slopes


def counts(n=64):
    """Deterministic counts behind the start-up times (noise-free): user-space
    instructions inside init + fini (valgrind --tool=callgrind, toggled on the
    loader's two calls) and system calls per init + fini cycle (strace -c,
    difference of a 3-cycle and a 1-cycle run)."""
    import re
    import shutil
    import tempfile
    d = os.path.join(PLUGINS, f"n{n}")
    toggles = {"floor": ("floor_init", "floor_fini"), "c": ("cr_plugin_init", "cr_plugin_fini"),
               "rust": ("cr_plugin_init", "cr_plugin_fini")}
    ir, sc = {}, {}
    tmp = tempfile.mkdtemp(prefix="bench-counts-")
    cycles = 3
    for v in VARIANTS:
        if shutil.which("valgrind"):
            out = os.path.join(tmp, f"cg.{v}")
            subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
                           + [f"--toggle-collect={t}" for t in toggles[v]]
                           + [VARIANTS[v][1], "startup", d, str(cycles)],
                           check=True, capture_output=True, text=True)
            with open(out) as f:
                m = re.search(r"^summary:\s+(\d+)", f.read(), re.M)
            ir[v] = int(m.group(1)) / cycles if m else None
        if shutil.which("strace"):
            tot = []
            for c in (2, 4):
                out = os.path.join(tmp, f"st.{v}.{c}")
                subprocess.run(["strace", "-f", "-c", "-o", out, VARIANTS[v][1], "startup", d,
                                str(c)], check=True, capture_output=True, text=True)
                with open(out) as f:
                    m = re.search(r"^[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?total$",
                                  f.read(), re.M)
                tot.append(int(m.group(1)) if m else None)
            sc[v] = (tot[1] - tot[0]) / 2 if None not in tot else None
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"1b. Start-up, deterministic counts for one init + fini cycle over N={n} plugins (not "
          f"timed,\n   so not noisy):\n   user-space instructions executed inside the two calls "
          f"(callgrind), system calls\n   (strace -c); per plugin = beyond the floor, divided "
          f"by N\n")
    print(f"   {'variant':<32} {'instructions':>13} {'/floor':>7} {'per plugin':>11}   "
          f"{'syscalls':>9} {'per plugin':>11}")
    for v in VARIANTS:
        i = ir.get(v)
        c = sc.get(v)
        row = f"   {VARIANTS[v][0]:<32}"
        if i is not None and ir.get("floor"):
            row += f" {i:13.0f} {i / ir['floor']:7.3f} {(i - ir['floor']) / n:11.0f}   "
        else:
            row += f" {'(no valgrind)':>33}   "
        if c is not None and sc.get("floor") is not None:
            row += f"{c:9.0f} {(c - sc['floor']) / n:11.2f}"
        else:
            row += f"{'(no strace)':>21}"
        print(row)
    return ir, sc


def real_criu(reps):
    print(f"\n4. Real CRIU 4.1.1: criu dump + criu restore -d of one process with the cuda "
          f"(mocked cuda-checkpoint)\n   and the two inventory test plugins; the two CRIUs "
          f"alternate; median of {reps} runs each\n")
    out = subprocess.run(["bash", os.path.join(HERE, "criu-real.sh"), str(reps)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        print(f"   FAILED: criu-real.sh exited {out.returncode}")
        return None
    runs = {"c": [], "rust": []}
    for line in out.stdout.splitlines():
        w = line.split()
        if w[0] == "unavailable":
            print("   not run: " + line[len("unavailable "):])
            return None
        if w[0] in runs:
            runs[w[0]].append((float(w[1]), float(w[2])))
    print(f"   {'CRIU':<34} {'dump ms':>8} {'restore ms':>10} {'total ms':>9}")
    for l, label in (("c", "CRIU 4.1.1, its C loader"), ("rust", "CRIU 4.1.1 + libcriu-plugin")):
        d = statistics.median(x[0] for x in runs[l])
        r = statistics.median(x[1] for x in runs[l])
        t = statistics.median(x[0] + x[1] for x in runs[l])
        print(f"   {label:<34} {d * 1e3:8.1f} {r * 1e3:10.1f} {t * 1e3:9.1f}")
    # run i of each CRIU belong to the same alternating pair
    tr = [x[0] + x[1] for x in runs["rust"]]
    tc = [x[0] + x[1] for x in runs["c"]]
    ratio = pratio(tr, tc)
    lo, hi = ci95(tr, tc)
    print(f"   ratio libcriu-plugin / C loader (dump + restore; median of the pairs' ratios): "
          f"{ratio:.3f}\n   95% bootstrap interval of that median: {lo:.3f} .. {hi:.3f}")
    return ratio, lo, hi


def verdict(ok):
    return "MET   " if ok else "MISSED"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", "15")))
    ap.add_argument("--criu-reps", type=int, default=int(os.environ.get("BENCH_CRIU_REPS", "51")))
    ap.add_argument("--skip-criu", action="store_true")
    ap.add_argument("--only", choices=("startup", "dispatch", "memory", "counts", "criu"),
                    help="run one part (for experiments; no goal summary)")
    a = ap.parse_args()
    if a.reps < 5:
        sys.exit("run.py: at least 5 repetitions")
    t0 = time.time()
    print(machine())
    if a.only:
        {"startup": lambda: startup(a.reps), "dispatch": lambda: dispatch(a.reps),
         "memory": memory, "counts": counts, "criu": lambda: real_criu(a.criu_reps)}[a.only]()
        return
    st, sgoals = startup(a.reps)
    counts()
    dm, typed_ratios = dispatch(a.reps)
    mem, api, slopes = memory()
    ratio = None if a.skip_criu else real_criu(a.criu_reps)

    print("\nGoals")
    for m in ("cold", "warm", "cold_cpu", "warm_cpu"):
        worst_f = max(g[2] for g in sgoals if g[1] == m)
        worst_c = max(g[3] for g in sgoals if g[1] == m)
        ok = worst_f <= GOAL_STARTUP and worst_c <= 1.0
        detail = "; ".join(f"N={g[0]}: {g[2]:.3f}x floor (95% {g[4][0]:.2f}..{g[4][1]:.2f}), "
                           f"{g[3]:.3f}x C" for g in sgoals if g[1] == m)
        print(f"   {verdict(ok)} start-up ({m}) within 5% of the floor and no slower than "
              f"the C loader: {detail}")
    worst = max(r for r, _ in typed_ratios.values())
    detail = ", ".join(f"K={k}: {r:.3f} (95% {c[0]:.2f}..{c[1]:.2f})"
                       for k, (r, c) in typed_ratios.items())
    print(f"   {verdict(worst <= GOAL_TYPED)} typed function within 10% of the macro: {detail}")
    left = [mem[("rust", n)]["live_after_fini_again"] - mem[("floor", n)]["live_after_fini_again"]
            for n in STARTUP_N]
    left1 = [mem[("rust", n)]["live_after_fini"] - mem[("floor", n)]["live_after_fini"]
             for n in STARTUP_N]
    print(f"   {verdict(max(left) <= 0 and max(left1) <= 0)} 0 bytes left after cr_plugin_fini "
          f"(beyond dlopen's own): first cycle {max(left1):.0f}, further cycles {max(left):.0f}")
    per_call = max(max(mem[("rust", n)]["typed_allocs_per_call"],
                       mem[("rust", n)]["macro_allocs_per_call"]) for n in STARTUP_N)
    per_call = max(per_call, api["rust_api_allocs_per_call"])
    print(f"   {verdict(per_call == 0)} 0 allocations per dispatch: {per_call:.4f} "
          f"(macro, typed, Rust API)")
    if ratio is None:
        print("   n/a    real CRIU ratio 1.00 +- 0.03: not measured (see 4.)")
    else:
        r, lo, hi = ratio
        print(f"   {verdict(abs(r - 1) <= GOAL_CRIU)} real CRIU ratio 1.00 +- 0.03: {r:.3f} "
              f"(95% interval {lo:.3f} .. {hi:.3f}"
              f"{', includes 1.00' if lo <= 1 <= hi else ''})")
    print(f"\nbench: {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
