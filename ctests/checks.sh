# Assertions shared by the shell-driven test suites (beyond/, inspect/,
# distro/, the build checks).
# Source it; it counts into $pass and $fail.
pass=0 fail=0
# ok NAME: a passed check
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
# ko NAME [FILE]: a failed check, showing FILE
ko() { echo "FAIL: $1"; fail=$((fail + 1)); [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    | /' "$2"; }
# expect NAME FILE PATTERN...: every extended regex matches a line of FILE
expect() {
	local name=$1 file=$2 p
	shift 2
	for p in "$@"; do
		grep -Eq -- "$p" "$file" || { ko "$name (no line matches: $p)" "$file"; return; }
	done
	ok "$name"
}
# reject NAME FILE PATTERN: no line of FILE matches
reject() {
	grep -Eq -- "$3" "$2" && { ko "$1 (unexpected: $3)" "$2"; return; }
	ok "$1"
}
# logged NAME CMD...: a check on CMD's exit status; its output goes to the
# file named by $logged_out (set by the caller, kept for further checks),
# shown on failure, and cargo test's result lines are always shown.
logged() {
	local name=$1
	shift
	local rc=0
	"$@" >"$logged_out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then ok "$name"; else ko "$name" "$logged_out"; fi
	grep -E '^test result:' "$logged_out" | sed 's/^/    /'
	return "$rc"
}
# copy_tree DEST: the repository's checked-in files (what a source package
# holds: no build output, no Cargo.lock changes) into DEST; needs $REPO.
copy_tree() { mkdir -p "$1" && (cd "$REPO" && git ls-files -z | xargs -0 cp -a --parents -t "$1"); }
# summary SUITE: the closing count line; fails when a check failed.
summary() { echo "$1: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
