# Assertions shared by the shell-driven test suites (beyond/, inspect/).
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
