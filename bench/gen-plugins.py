#!/usr/bin/env python3
"""gen-plugins.py OUTDIR COUNT INCLUDE_DIR CC CFLAGS...

Makes the benchmark's plugins: plugin_template.c compiled twice, once bare and
once with -DBENCH_IMPORTS (cuda_plugin's lazily bound imports), each with the
placeholder name "bench_@@@@@", then stamped COUNT times as
OUTDIR/SET/all/bench_NNNNN.so with the name "bench_NNNNN" (names must differ:
the library refuses a second plugin of the same name; the files differ in
those five bytes only). Stamping instead of compiling COUNT times makes
10,000 plugins in seconds.

Then the folders the benchmarks load: OUTDIR/SET/nK for K in 1 4 16 64 512
1024 2048 4096 8192 10000 (up to COUNT), hard links to the first K plugins
(the dynamic linker tells objects apart by device and inode, so every file
of a folder is its own object).

The imports set is checked against the list it mirrors: its undefined,
non-weak dynamic symbols are exactly IMPORTS.
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PLACEHOLDER = b"bench_@@@@@"
FOLDERS = (1, 4, 16, 64, 512, 1024, 2048, 4096, 8192, 10000)
# What CRIU 4.1.1's cuda_plugin.so imports through the PLT (nm -D
# --undefined-only, its GLOB_DAT data imports opts, stderr, fi_strategy and
# parse_pid_status left out but stderr, which the template uses too).
IMPORTS = {
    "free", "__errno_location", "strncmp", "_exit", "strlen", "dup2", "snprintf",
    "close", "pipe", "read", "fprintf", "stat", "kill", "malloc", "ptrace", "strsignal",
    "waitpid", "execvp", "atoi", "strerror", "fork", "strstr",
    "print_on_level", "add_inventory_plugin", "check_and_remove_inventory_plugin",
    "close_fds", "compel_wait_task", "set_compel_interrupt_only_mode", "alarm_timeouted",
    "stderr",
}


def undefined(path):
    out = subprocess.run(["nm", "-D", "--undefined-only", path], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        kind, name = line.split()[-2:]
        if kind == "U":
            names.add(name.split("@")[0])
    return names


def main():
    out, count, inc, cc = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    cflags = sys.argv[5:]
    if not 1 <= count <= 99999:
        sys.exit("gen-plugins: COUNT must be 1..99999")
    shutil.rmtree(out, ignore_errors=True)
    os.umask(0o022)  # the library warns about plugin files others can write
    for kind, extra in (("bare", []), ("imports", ["-DBENCH_IMPORTS", "-fno-builtin"])):
        base = os.path.join(out, kind)
        os.makedirs(os.path.join(base, "all"))
        proto = os.path.join(base, "template.so")
        subprocess.run([cc] + cflags + extra + ["-fPIC", "-shared", "-I" + inc,
                        "-DBENCH_NAME=\"" + PLACEHOLDER.decode() + "\"", "-o", proto,
                        os.path.join(HERE, "plugin_template.c")], check=True)
        if kind == "imports" and undefined(proto) != IMPORTS:
            sys.exit(f"gen-plugins: {proto} imports {sorted(undefined(proto))}, "
                     f"expected {sorted(IMPORTS)}")
        with open(proto, "rb") as f:
            image = f.read()
        if image.count(PLACEHOLDER) != 1:
            sys.exit(f"gen-plugins: {proto} holds the placeholder name "
                     f"{image.count(PLACEHOLDER)} times, not once")
        at = image.index(PLACEHOLDER)
        for i in range(count):
            name = b"bench_%05d" % i
            path = os.path.join(base, "all", name.decode() + ".so")
            with open(path, "wb") as f:
                f.write(image[:at] + name + image[at + len(PLACEHOLDER):])
            os.chmod(path, 0o755)
        for k in FOLDERS:
            if k > count:
                continue
            d = os.path.join(base, f"n{k}")
            os.makedirs(d)
            for i in range(k):
                n = "bench_%05d.so" % i
                os.link(os.path.join(base, "all", n), os.path.join(d, n))
    print(f"gen-plugins: {count} plugins each, bare and with imports, in {out}")


if __name__ == "__main__":
    main()
