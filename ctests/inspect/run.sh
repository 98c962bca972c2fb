#!/bin/bash
# Tests of criu-plugin-inspect on folders of good and bad C plugins: the text
# and JSON output, the exit status, the default folder, the trust checks,
# and that no plugin's init is ever called. The cases live in files by
# concern, sourced in this order: usage.sh, mixed.sh, folders.sh,
# odd-files.sh, file.sh.
# Usage: run.sh TOOL (the criu-plugin-inspect binary)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
. "$here/lib.sh"
TOOL=$(absfile "${1:?usage: run.sh TOOL}") || exit 2
suite inspect "$here/build"

# The mixed folder, files created in reverse load order.
M=$B/mixed
mkdir -p "$M"
mkdir "$M/z_dir.so"
shared "$M/k_needs_fn.so" needs_criu.c -DONLY_FUNCTION -DNAME='"needs-fn"'
shared "$M/j_exits.so" exits.c
shared "$M/i_twin2.so" desc.c -DNAME='"twin"'
shared "$M/h_twin1.so" desc.c -DNAME='"twin"'
shared "$M/g_needs_criu.so" needs_criu.c
shared "$M/f_crash.so" crash.c
echo "this is not a shared object" >"$M/e_not_elf.so"
shared "$M/d_max20.so" desc.c -DNAME='"max20"' -DMAX_HOOKS=20
shared "$M/c_too_new.so" desc.c -DNAME='"too-new"' -DVERSION='CRIU_PLUGIN_GEN_VERSION(0, 3, 0)'
shared "$M/b_legacy.so" legacy.c -DMARKER="\"$B/marker-legacy\""
shared "$M/a_good.so" good.c -DMARKER="\"$B/marker-good\""
echo "not a plugin: the name does not end in .so" >"$M/README"
cp "$M/a_good.so" "$M/a_good.so.1"

. "$here/usage.sh"
. "$here/mixed.sh"
. "$here/folders.sh"
. "$here/odd-files.sh"
. "$here/file.sh"

# 13. Every JSON field the tool prints is documented in --help.
json_documented --schema "$B/mixed.json" "$B/hostile.json" "$B/file.json" "$B/missing.json"

summary
