#!/bin/bash
# The everyday cargo commands a contributor or an IDE runs, in debug and in
# release: build of every target, tests, clippy and doc, for the whole
# workspace. Any warning fails (an output file collision is only a warning
# to cargo). Release runs in a target folder of its own, so that it does not
# rebuild what `make lib` built with panic = "abort" in target/release.
set -uo pipefail
cd "$(dirname "$0")/.."
CARGO=${1:-cargo}
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {
	local what=$1
	shift
	echo "  CARGO   $what"
	if ! timeout 1200 "$@" >"$log" 2>&1; then
		cat "$log"
		echo "FAIL: $what" >&2
		failed=$((failed + 1))
		return
	fi
	if grep -E '^(warning|error)(\[|:)' "$log" >/dev/null; then
		grep -E -A6 '^(warning|error)(\[|:)' "$log"
		echo "FAIL: $what: cargo warned" >&2
		failed=$((failed + 1))
	fi
	grep -E '^test result:' "$log" | sed 's/^/          /'
}

for profile in dev release; do
	flags=()
	[ "$profile" = release ] && flags=(--release --target-dir target/everyday)
	run "build --workspace --all-targets ($profile)" "$CARGO" build --workspace --all-targets "${flags[@]}"
	run "clippy --workspace --all-targets ($profile)" "$CARGO" clippy --workspace --all-targets "${flags[@]}" -- -D warnings
	run "test --workspace ($profile)" "$CARGO" test --workspace "${flags[@]}"
	run "doc --workspace --no-deps ($profile)" env RUSTDOCFLAGS="-D warnings" "$CARGO" doc --workspace --no-deps "${flags[@]}"
done
if [ "$failed" -ne 0 ]; then
	echo "cargo-everyday: $failed command(s) failed" >&2
	exit 1
fi
echo "cargo-everyday: every command passed in debug and release"
