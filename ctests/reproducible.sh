#!/bin/bash
# Two builds of one commit in different folders give the same stripped
# shared library and static archive (make lib in each, from the checked-in
# files only).
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CARGO=${CARGO:-cargo}
. "$REPO/ctests/checks.sh"
work=$(mktemp -d /tmp/criu-plugin-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
logged_out=$work/out

for tree in "$work/one/src" "$work/second-folder/x/src"; do
	copy_tree "$tree"
	logged "make lib in $tree" bash -c "cd '$tree' && timeout 1200 env -u CARGO_TARGET_DIR make lib CARGO='$CARGO'" ||
		{ summary reproducible; exit 1; }
done
a=$work/one/src/build/lib b=$work/second-folder/x/src/build/lib
for f in "libcriu-plugin.so.$(cd "$REPO" && make -s print-version | cut -d' ' -f1)" libcriu-plugin.a; do
	strip -o "$work/a.$f" "$a/$f"
	strip -o "$work/b.$f" "$b/$f"
	if cmp "$work/a.$f" "$work/b.$f" >"$work/diff" 2>&1; then
		ok "$f: the same bytes (stripped) from two folders"
	else
		ko "$f differs between two folders" "$work/diff"
	fi
done
summary reproducible
