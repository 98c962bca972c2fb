# Assertions and helpers shared by the shell-driven test suites (beyond/,
# skip/, hostile/, layouts/, inspect/, install/, distro/, the C harness's
# run-tests.sh, the build checks).
# Source it; it counts into $pass, $fail and $notrun (cases not run here).
pass=0 fail=0 notrun=0
# This folder (ctests/).
CTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# ok NAME: a passed check
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
# ko NAME [FILE]: a failed check, showing FILE
ko() {
	echo "FAIL: $1"
	fail=$((fail + 1))
	if [ -n "${2:-}" ] && [ -f "$2" ]; then sed 's/^/    | /' "$2"; fi
}
# needs_root CASE: true for root; for anyone else it says that CASE is not
# run, counts it (the summary line shows the count) and is false:
#   if needs_root "CASE"; then ...the case...; fi
needs_root() {
	[ "$(id -u)" = 0 ] && return 0
	echo "not run (needs root): $1"
	notrun=$((notrun + 1))
	return 1
}
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
# summary [SUITE]: the closing count line (SUITE defaults to the one suite
# named); fails when a check failed.
summary() {
	local skipped=
	[ "$notrun" -gt 0 ] && skipped=", $notrun not run (need root)"
	echo "${1:-$SUITE}: $pass passed, $fail failed$skipped"
	[ "$fail" -eq 0 ]
}

# suite NAME [BUILD]: begins a suite: NAME for its summary line, BUILD made
# afresh as its build folder $B, files made 0644 and folders 0755, none of
# the loader's environment variables set, and CFLAGS for the test programs
# (warnings are errors; the headers under test).
suite() {
	SUITE=$1
	if [ -n "${2:-}" ]; then
		B=$2
		rm -rf "$B" && mkdir -p "$B"
	fi
	umask 022
	unset CRIU_LIBS_DIR CRIU_PLUGIN_STRICT CRIU_PLUGIN_SKIP
	CFLAGS="-Wall -Wextra -Werror -I$CTESTS/../include"
}
# absdir DIR: DIR as an absolute path; absfile FILE: the same for a file.
absdir() { (cd "$1" && pwd); }
absfile() { printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"; }
# bounded CMD...: CMD, stopped after $CASE_TIMEOUT seconds (default 120).
bounded() { timeout -k 5 "${CASE_TIMEOUT:-120}" "$@"; }
# build OUT GCC-ARGS...: compiles with $CFLAGS; a build that fails ends the
# suite, as a failure.
build() {
	local out=$1
	shift
	# shellcheck disable=SC2086
	gcc $CFLAGS "$@" -o "$out" && return 0
	ko "building $out"
	summary
	exit 1
}
# shared OUT SOURCE [CFLAGS...]: SOURCE (a path relative to the suite's
# folder $here, or absolute) built as the shared object OUT.
shared() {
	local out=$1 src=$2
	shift 2
	case $src in /*) ;; *) src=$here/$src ;; esac
	build "$out" -shared -fPIC "$src" "$@"
}
# plugin OUT NAME [CFLAGS...]: the suite's test plugin ($PLUGIN_C, default
# plugin.c) built as OUT, named NAME (the text of a C string literal, so
# \n and \xHH are C escapes).
plugin() {
	local out=$1 name=$2
	shift 2
	shared "$out" "${PLUGIN_C:-plugin.c}" -DNAME="\"$name\"" "$@"
}
