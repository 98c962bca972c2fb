#!/bin/bash
# The everyday cargo commands a contributor or an IDE runs, in debug and in
# release: build of every target, tests, clippy and doc, for the whole
# workspace. Each must succeed without a warning (an output file collision
# is only a warning to cargo). Release runs in a target folder of its own,
# so that it does not rebuild what `make lib` built with panic = "abort" in
# target/release.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
CARGO=${1:-cargo}
. "$REPO/ctests/checks.sh"
logged_out=$(mktemp)
trap 'rm -f "$logged_out"' EXIT

cargo_check() {
	local what=$1
	shift
	logged "cargo $what" timeout 1200 "$@" || return
	reject "cargo $what: no warning" "$logged_out" '^(warning|error)(\[|:)'
}

for profile in dev release; do
	flags=()
	[ "$profile" = release ] && flags=(--release --target-dir target/everyday)
	cargo_check "build --workspace --all-targets ($profile)" "$CARGO" build --workspace --all-targets "${flags[@]}"
	cargo_check "clippy --workspace --all-targets ($profile)" "$CARGO" clippy --workspace --all-targets "${flags[@]}" -- -D warnings
	cargo_check "test --workspace ($profile)" "$CARGO" test --workspace "${flags[@]}"
	cargo_check "doc --workspace --no-deps ($profile)" env RUSTDOCFLAGS="-D warnings" "$CARGO" doc --workspace --no-deps "${flags[@]}"
done
# The features off by default: the tool's probe, the fuzzing helpers.
cargo_check "clippy --workspace --all-targets --all-features" "$CARGO" clippy --workspace --all-targets --all-features -- -D warnings
summary cargo-everyday
