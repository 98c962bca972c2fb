#!/bin/bash
# Two builds of one commit in different folders give the same stripped
# shared library and static archive (make lib in each, from the checked-in
# files only).
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CARGO=${CARGO:-cargo}
work=$(mktemp -d /tmp/criu-plugin-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$REPO/ctests/checks.sh"

for tree in "$work/one/src" "$work/second-folder/x/src"; do
	mkdir -p "$tree"
	(cd "$REPO" && git ls-files -z | xargs -0 cp -a --parents -t "$tree")
	if ! (cd "$tree" && timeout 1200 env -u CARGO_TARGET_DIR make lib CARGO="$CARGO") >"$tree.log" 2>&1; then
		ko "make lib in $tree" "$tree.log"
		echo "reproducible: $pass passed, $fail failed"
		exit 1
	fi
done
a=$work/one/src/build/lib b=$work/second-folder/x/src/build/lib
for f in "libcriu-plugin.so.$(cd "$REPO" && make -s print-version | cut -d' ' -f1)" libcriu-plugin.a; do
	strip -o "$work/a.$f" "$a/$f" 2>/dev/null || strip --strip-debug -o "$work/a.$f" "$a/$f"
	strip -o "$work/b.$f" "$b/$f" 2>/dev/null || strip --strip-debug -o "$work/b.$f" "$b/$f"
	if cmp -s "$work/a.$f" "$work/b.$f"; then
		ok "$f: the same bytes (stripped) from two folders"
	else
		cmp "$work/a.$f" "$work/b.$f" | head -3 >"$work/diff"
		ko "$f differs between two folders" "$work/diff"
	fi
done
echo "reproducible: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
