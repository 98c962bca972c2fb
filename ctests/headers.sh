#!/bin/bash
# make check-headers: the checked-in include/*.h and libcriu-plugin.map are
# what tools/headers generates from the sources; and the check does fail
# (naming the file) when a Rust definition changes, which `make headers`
# then repairs. The negative case runs on a copy of the tree.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CARGO=${CARGO:-cargo}
. "$REPO/ctests/checks.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

logged_out=$work/build.log
logged "tools/headers builds" timeout 900 "$CARGO" build --quiet --locked --manifest-path "$REPO/tools/headers/Cargo.toml" ||
	{ summary headers; exit 1; }
tool=$REPO/tools/headers/target/debug/criu-plugin-headers
if timeout 120 "$tool" --check "$REPO" >"$work/out" 2>&1; then ok "the checked-in headers and version script are current"; else ko "stale generated files: run make headers and commit" "$work/out"; fi

copy_tree "$work/tree"
# A changed field comment of plugin_desc_t must show in criu-plugin.h.
sed -i '0,/^pub struct CrPluginDesc {/s//pub struct CrPluginDesc {\n    \/\/\/ A comment the checked-in header does not have./' "$work/tree/src/abi.rs"
if timeout 120 "$tool" --check "$work/tree" >"$work/out" 2>&1; then
	ko "--check passes a tree whose Rust definitions changed" "$work/out"
else
	grep -q 'include/criu-plugin.h is stale' "$work/out" && ok "--check fails on a changed definition, naming include/criu-plugin.h" || ko "--check's message" "$work/out"
fi
timeout 120 "$tool" "$work/tree" >/dev/null 2>&1
grep -q 'A comment the checked-in header does not have' "$work/tree/include/criu-plugin.h" && ok "make headers' tool writes the change into the header" || ko "the tool writes the header"
timeout 120 "$tool" --check "$work/tree" >"$work/out" 2>&1 && ok "--check passes after the rewrite" || ko "--check after the rewrite" "$work/out"
summary headers
