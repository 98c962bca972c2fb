#!/bin/bash
# Hostile input for the loader, through the C ABI: plugin folder entries that
# are not regular files, plugins that call into the loader from inside it,
# allocation failures, descriptors that lie, names that attack the log,
# untrusted folders on the path (and a race swapping them), truncated files.
# README.md beside this file lists every input and what the loader must do.
#
# Needs root (chown, mknod, a second user). Every run is bounded by timeout.
# Usage: run.sh LIBDIR (the folder holding libcriu-plugin.so)
#        run.sh --criu-c TARBALL: the same cases against CRIU's own loader,
#          criu/plugin.c from CRIU 4.1.1's release tarball, compiled into the
#          host (build-criu/, never committed); for comparison only: that
#          loader has none of the checks, so most cases fail there
#   HOSTILE_TIMEOUT   seconds each host run may take (default 20)
#   HOSTILE_SWEEP     the last allocation number of the sweep (default 300)
#   HOSTILE_ROUNDS    init + fini rounds during the race (default 200)
set -u
here=$(cd "$(dirname "$0")" && pwd)
CRIU_TARBALL=
if [ "${1:-}" = --criu-c ]; then
	CRIU_TARBALL=$(cd "$(dirname "${2:?usage: run.sh --criu-c TARBALL}")" && pwd)/$(basename "$2")
	B=$here/build-criu
else
	LIBDIR=${1:?usage: run.sh LIBDIR}
	LIBDIR=$(cd "$LIBDIR" && pwd)
	B=$here/build
fi
TMO=${HOSTILE_TIMEOUT:-20}
SWEEP=${HOSTILE_SWEEP:-300}
ROUNDS=${HOSTILE_ROUNDS:-200}
INC=$here/../../include
CFLAGS="-Wall -Wextra -Werror -I$INC"
NOBODY=65534
umask 022
unset CRIU_LIBS_DIR CRIU_PLUGIN_STRICT LD_PRELOAD
. "$here/../checks.sh"

if [ "$(id -u)" != 0 ]; then
	echo "FAIL: run.sh needs root (chown, mknod, a second user)"
	echo "hostile: 0 passed, 1 failed"
	exit 1
fi
rm -rf "$B" && mkdir -p "$B/so" "$B/out"
if [ -n "$CRIU_TARBALL" ]; then
	echo "loader: CRIU 4.1.1's own criu/plugin.c (from $CRIU_TARBALL)"
else
	echo "loader: $(readlink -f "$LIBDIR/libcriu-plugin.so")"
fi

# Every plugin folder lives under a fresh folder of /tmp, root's and 0755,
# so nothing depends on where the repository is.
T=$(mktemp -d /tmp/hostile.XXXXXX)
chmod 0755 "$T"
attacker_pid=
cleanup() {
	if [ -n "$attacker_pid" ]; then
		kill "$attacker_pid" 2>/dev/null
		wait "$attacker_pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The distinct bad inputs tried, one line each, into $B/inputs.
inputs=0
bad() {
	inputs=$((inputs + 1))
	echo "$1" >>"$B/inputs"
}

build() { # build OUT gcc-ARGS...
	local out=$1
	shift
	gcc $CFLAGS "$@" -o "$out" || {
		echo "FAIL: building $out"
		echo "hostile: $pass passed, $((fail + 1)) failed"
		exit 1
	}
}
plugin() { # plugin OUT C-STRING-LITERAL [CFLAGS...]: plugin.c named by the literal
	local out=$1 name=$2
	shift 2
	build "$out" -shared -fPIC "-DNAME=$name" "$@" "$here/plugin.c"
}
if [ -n "$CRIU_TARBALL" ]; then
	# CRIU's loader with the benchmark's stand-ins for CRIU's headers; its
	# code compares snprintf()'s int with sizeof, hence -Wno-sign-compare.
	mkdir -p "$B/criu"
	tar -xJf "$CRIU_TARBALL" -O criu-4.1.1/criu/plugin.c >"$B/criu/plugin.c" || exit 1
	shim=$here/../../bench/shim
	build "$B/criu/plugin.o" -O2 -Wno-sign-compare -I"$shim" -I"$shim/common" -c "$B/criu/plugin.c"
	build "$B/host" -DCRIU_C_LOADER -rdynamic "$here/host.c" "$B/criu/plugin.o" -ldl
else
	build "$B/host" -rdynamic "$here/host.c" -L"$LIBDIR" -lcriu-plugin -Wl,-rpath,"$LIBDIR" -ldl
fi
build "$B/failmalloc.so" -shared -fPIC "$here/failmalloc.c" -ldl
build "$B/attacker" "$here/attacker.c"
build "$B/mksock" "$here/mksock.c"
build "$B/elfpatch" "$here/elfpatch.c"
plugin "$B/so/good.so" '"good"'
plugin "$B/so/fa.so" '"fa"'
plugin "$B/so/fb.so" '"fb"'

# rx TEXT: TEXT as an extended regex matching itself.
rx() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }
# status_text RC: what a host's exit status means.
status_text() {
	case $1 in
	0) echo "exit status 0" ;;
	124 | 137) echo "hung: stopped by timeout after ${TMO}s" ;;
	*) if [ "$1" -gt 128 ]; then
		echo "killed by signal $(($1 - 128)) (SIG$(kill -l $(($1 - 128))))"
	else
		echo "exit status $1"
	fi ;;
	esac
}
# hrun OUT [ENV=VALUE...] -- [WORD...]: runs the host, bounded; its stdout and
# stderr in OUT, its exit status in OUT.rc.
hrun() {
	local out=$1
	shift
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	timeout -k 5 "$TMO" env "${envs[@]}" "$B/host" "$@" >"$out" 2>&1
	echo $? >"$out.rc"
}
# exited NAME OUT: the run ended by itself (no signal, no hang), status 0.
exited() {
	local rc
	rc=$(cat "$2.rc")
	if [ "$rc" = 0 ]; then ok "$1: exits normally"; else ko "$1: $(status_text "$rc")" "$2"; fi
}
# times NAME FILE COUNT PATTERN: exactly COUNT lines of FILE match PATTERN.
times() {
	local n
	n=$(grep -Ec -- "$4" "$2")
	if [ "$n" = "$3" ]; then ok "$1"; else ko "$1 ($n lines match $4, expected $3)" "$2"; fi
}
# nobyte NAME FILE BYTE-AS-$'..': FILE holds no such byte.
nobyte() {
	if LC_ALL=C grep -q -- "$3" "$2"; then ko "$1" "$2"; else ok "$1"; fi
}
# fixed NAME FILE TEXT: some line of FILE holds TEXT, byte for byte.
fixed() {
	if LC_ALL=C grep -qF -- "$3" "$2"; then ok "$1"; else ko "$1 (no line holds: $3)" "$2"; fi
}
# rolled_back CASE OUT: after a failed init nothing is mapped, and the good
# plugin, if its init ran, got exit(0, -1).
rolled_back() {
	if grep -q '^good init 0$' "$2"; then
		expect "$1: the plugin loaded before is finalised and unloaded" "$2" '^good exit 0 -1$' '^mapped_after_init=0$'
	else
		expect "$1: nothing stays loaded" "$2" '^mapped_after_init=0$'
	fi
}
# withgood DIR: a fresh plugin folder holding the good plugin as a.so, which
# loads before the entries each case adds (x.so, d.so, ...).
withgood() {
	mkdir -p "$1"
	cp "$B/so/good.so" "$1/a.so"
}
# folder DIR [PLUGIN...]: a fresh plugin folder holding copies of the plugins.
folder() {
	local d=$1
	shift
	mkdir -p "$d"
	[ $# -gt 0 ] && cp "$@" "$d/"
	return 0
}

########################################################################
# 1. Folder entries that are not regular files: refused, never opened (a
# FIFO would block open() forever). Each sorts after a good plugin (a.so),
# which must be finalised and unloaded again. The folder comes through
# opts.libdir here (CRIU's --libdir), through CRIU_LIBS_DIR elsewhere.
section_files() {
	not_regular() { # not_regular CASE KIND-TEXT ENTRY-NAME
		local case=$1 kind=$2 entry=$3 d=$T/$1 out=$B/out/$1.out
		hrun "$out" -- libdir="$d" maps="$d/"
		exited "$case" "$out"
		expect "$case: refused, naming what it is" "$out" \
			"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$d/$entry"): it is $kind, not a regular file$" '^init=-1$'
		rolled_back "$case" "$out"
	}
	withgood "$T/fifo"
	mkfifo "$T/fifo/x.so"
	bad "a FIFO x.so in the plugin folder"
	not_regular fifo "a FIFO" x.so
	withgood "$T/dir"
	mkdir "$T/dir/d.so"
	bad "a directory d.so in the plugin folder"
	not_regular dir "a directory" d.so
	withgood "$T/sock"
	if "$B/mksock" "$T/sock/s.so"; then
		bad "a Unix socket s.so in the plugin folder"
		not_regular sock "a socket" s.so
	else
		ko "cannot create a socket file to test"
	fi
	withgood "$T/chr"
	if mknod "$T/chr/c.so" c 1 3 2>"$B/out/mknod.err"; then
		bad "a character device c.so (1:3, as /dev/null) in the plugin folder"
		not_regular chr "a character device" c.so
	else
		ko "mknod of a character device failed: $(cat "$B/out/mknod.err")"
	fi
	withgood "$T/blk"
	if mknod "$T/blk/b.so" b 7 0 2>"$B/out/mknod.err"; then
		bad "a block device b.so (7:0, as /dev/loop0) in the plugin folder"
		not_regular blk "a block device" b.so
	else
		ko "mknod of a block device failed: $(cat "$B/out/mknod.err")"
	fi
	# A symlink to a FIFO elsewhere: the entry is judged by what it points to.
	withgood "$T/fifolink"
	mkfifo "$T/elsewhere.fifo"
	ln -s "$T/elsewhere.fifo" "$T/fifolink/y.so"
	bad "a symlink y.so to a FIFO outside the plugin folder"
	out=$B/out/fifolink.out
	hrun "$out" CRIU_LIBS_DIR="$T/fifolink" -- maps="$T/fifolink/"
	exited "symlink to a FIFO" "$out"
	expect "symlink to a FIFO: refused as a FIFO" "$out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/fifolink/y.so"): .*FIFO" '^init=-1$'
	# A dangling symlink: an error, not a hang or a crash.
	withgood "$T/dangling"
	ln -s "$T/no-such-file.so" "$T/dangling/z.so"
	bad "a dangling symlink z.so"
	out=$B/out/dangling.out
	hrun "$out" CRIU_LIBS_DIR="$T/dangling" -- maps="$T/dangling/"
	exited "dangling symlink" "$out"
	expect "dangling symlink: init fails with an error naming it" "$out" \
		"^\[1\] Error \([^)]*\): .*$(rx "$T/dangling/z.so")" '^init=-1$'
	rolled_back "dangling symlink" "$out"
	# A symlink to a regular plugin file still loads, in strict mode too.
	mkdir -p "$T/real"
	cp "$B/so/good.so" "$T/real/good.so"
	mkdir -p "$T/symlink"
	ln -s "$T/real/good.so" "$T/symlink/x.so"
	for mode in "" strict; do
		out=$B/out/symlink$mode.out
		hrun "$out" CRIU_LIBS_DIR="$T/symlink" -- $mode
		exited "symlink to a plugin ${mode:-(default)}" "$out"
		expect "symlink to a regular plugin file loads ${mode:+(strict mode)}" "$out" \
			'^good init 0$' '^init=0$' '^loaded good$' '^good exit 0 0$'
		reject "symlink to a regular plugin file: no error ${mode:+(strict mode)}" "$out" '^\[1\]'
	done
}

########################################################################
# 2. Re-entry: plugins (and CRIU's inventory check) calling into the loader
# from inside the loader. No deadlock; the inner call is refused with one
# error line; the outer call goes on as normal.
section_reenter() {
	reenter() { # reenter CASE NAME REENTER [WORD...]
		local case=$1 name=$2 mode=$3 d=$T/$1
		shift 3
		mkdir -p "$d"
		plugin "$d/p.so" "\"$name\"" -DREENTER="$mode"
		hrun "$B/out/$case.out" CRIU_LIBS_DIR="$d" -- maps="$d/" "$@"
		exited "$case" "$B/out/$case.out"
	}
	bad "a plugin whose init calls cr_plugin_init(0)"
	reenter reinit reinit 1
	out=$B/out/reinit.out
	expect "init calling cr_plugin_init: the inner call returns -1, the outer goes on" "$out" \
		'^reinit inner=-1$' '^init=0$' '^loaded reinit$' '^reinit exit 0 0$' '^fini done$' '^mapped_after_fini=0$'
	times "init calling cr_plugin_init: one error line, naming the plugin and the call" "$out" 1 \
		'^\[1\] Error \([^)]*\): Plugin "reinit" called cr_plugin_init\(\) from its init: refused$'
	times "init calling cr_plugin_init: no other error" "$out" 1 '^\[1\]'

	bad "a plugin whose init calls cr_plugin_fini(0, 0)"
	reenter refini refini 2
	out=$B/out/refini.out
	expect "init calling cr_plugin_fini: nothing is unloaded, init goes on" "$out" \
		'^refini inner fini returned$' '^init=0$' '^loaded refini$' '^fini done$' '^mapped_after_fini=0$'
	times "init calling cr_plugin_fini: one error line, naming the plugin and the call" "$out" 1 \
		'^\[1\] Error \([^)]*\): Plugin "refini" called cr_plugin_fini\(\) from its init: refused$'
	times "init calling cr_plugin_fini: exit runs once, from the outer fini" "$out" 1 '^refini exit '
	if [ "$(grep -En '^refini exit 0 0$' "$out" | cut -d: -f1)" -gt "$(grep -En '^pause=' "$out" | cut -d: -f1)" ] 2>/dev/null; then
		ok "init calling cr_plugin_fini: exit comes after the hooks ran, not inside init"
	else
		ko "init calling cr_plugin_fini: exit comes after the hooks ran, not inside init" "$out"
	fi

	bad "a plugin whose exit calls cr_plugin_init(0)"
	reenter exitinit exitinit 3
	out=$B/out/exitinit.out
	expect "exit calling cr_plugin_init: the inner call returns -1, fini completes" "$out" \
		'^init=0$' '^exitinit exit 0 0$' '^exitinit inner=-1$' '^fini done$' '^mapped_after_fini=0$'
	times "exit calling cr_plugin_init: one error line, naming the plugin and the call" "$out" 1 \
		'^\[1\] Error \([^)]*\): Plugin "exitinit" called cr_plugin_init\(\) from its exit: refused$'

	bad "a plugin whose RESTORE_INIT hook calls cr_plugin_init(2)"
	reenter rinit rinit 4 restore
	out=$B/out/rinit.out
	expect "RESTORE_INIT calling cr_plugin_init: the inner call returns -1, the outer init succeeds" "$out" \
		'^rinit restore_init$' '^rinit inner=-1$' '^init=0$' '^loaded rinit$' '^rinit exit 2 0$' '^mapped_after_fini=0$'
	times "RESTORE_INIT calling cr_plugin_init: one error line, naming the plugin and the call" "$out" 1 \
		'^\[1\] Error \([^)]*\): Plugin "rinit" called cr_plugin_init\(\) from its RESTORE_INIT hook: refused$'

	bad "CRIU's check_inventory_plugins() calling cr_plugin_init(2)"
	folder "$T/inv" "$B/so/good.so"
	out=$B/out/inv.out
	hrun "$out" CRIU_LIBS_DIR="$T/inv" -- restore inv-reenter maps="$T/inv/"
	exited "inventory check calling cr_plugin_init" "$out"
	expect "inventory check calling cr_plugin_init: the inner call returns -1, the outer init succeeds" "$out" \
		'^check_inventory_plugins$' '^host inner=-1$' '^init=0$' '^loaded good$' '^good exit 2 0$'
	times "inventory check calling cr_plugin_init: one error line" "$out" 1 \
		'^\[1\] Error \([^)]*\): .*cr_plugin_init\(\).*inventory check.*refused'

	bad "a plugin whose init runs a hook (cr_plugin_run_pause_devices)"
	reenter hookcall hookcall 5
	out=$B/out/hookcall.out
	expect "a hook call from init gets the chain's answer: -ENOTSUP when nothing answers" "$out" \
		'^hookcall pause=-95$' '^init=0$' '^loaded hookcall$'
	reject "a hook call from init is no error" "$out" '^\[1\]'
	plugin "$T/hookcall/a.so" '"answer"' -DPAUSE=7
	hrun "$out.2" CRIU_LIBS_DIR="$T/hookcall" --
	exited "hook call from init, after a plugin that answers" "$out.2"
	expect "a hook call from init gets the answer of a plugin loaded before" "$out.2" \
		'^answer pause 5$' '^hookcall pause=7$' '^init=0$' '^loaded answer$' '^loaded hookcall$'
}

########################################################################
# 3. Allocation failures: every allocation from the n-th of cr_plugin_init
# on fails (failmalloc.so). Each run must end normally; init returns 0 or
# -1, and -1 comes with an error line and leaves nothing mapped; after fini
# nothing is mapped and the heap is as it was before init.
section_failmalloc() {
	FM=$T/fm
	folder "$FM" "$B/so/fa.so" "$B/so/fb.so"
	fmrun() { # fmrun OUT N
		timeout -k 5 "$TMO" env CRIU_LIBS_DIR="$FM" LD_PRELOAD="$B/failmalloc.so" ${FMENV:-} \
			"$B/host" failmalloc="$2" maps="$FM/" >"$1" 2>&1
		echo $? >"$1.rc"
	}
	mkdir -p "$B/out/fm"
	fmrun "$B/out/fm/count.out" -1
	total=$(sed -n 's/^init=0 allocs=\([0-9]*\) failed=0$/\1/p' "$B/out/fm/count.out")
	if [ "$(cat "$B/out/fm/count.out.rc")" = 0 ] && [ -n "$total" ] && [ "$total" -gt 0 ]; then
		ok "failmalloc: the shim counts init's allocations ($total for two plugins) and nothing fails unarmed"
		expect "failmalloc: an init where nothing fails leaks nothing" "$B/out/fm/count.out" \
			'^leaked=0$' '^mapped_after_fini=0$'
	else
		ko "failmalloc: counting run" "$B/out/fm/count.out"
		total=0
	fi
	# fm_judge N OUT: prints why run N failed, nothing when it passed.
	fm_judge() {
		local n=$1 out=$2 rc res initrc failed why=()
		rc=$(cat "$out.rc")
		if [ "$rc" != 0 ]; then
			why+=("$(status_text "$rc")")
			res=$(grep -m1 -o 'memory allocation of [0-9]* bytes failed' "$out")
			[ -n "$res" ] && why+=("\"$res\"")
			res=$(grep -m1 -E "panicked at|fatal runtime error" "$out")
			[ -n "$res" ] && why+=("\"$res\"")
			grep -q '^warmup init=0$' "$out" || why+=("(in the warm-up)")
		fi
		res=$(grep -m1 '^init=' "$out")
		if [ -z "$res" ]; then
			[ "$rc" = 0 ] && why+=("no result line")
		else
			initrc=${res#init=}
			initrc=${initrc%% *}
			failed=${res##*failed=}
			case $initrc in
			0) ;;
			-1)
				sed -n '/^warmup mapped=/,/^init=/p' "$out" | grep -q '^\[1\] ' || why+=("init -1 without an error line")
				grep -q '^mapped_after_init=0$' "$out" || why+=("init -1 left a plugin mapped ($(grep -m1 '^mapped_after_init=' "$out"))")
				;;
			*) why+=("init returned $initrc") ;;
			esac
			[ "$n" -lt "$total" ] && [ "$failed" = 0 ] && why+=("no allocation failed (the shim did not bite)")
			grep -q '^mapped_after_fini=0$' "$out" || why+=("mapped after fini ($(grep -m1 '^mapped_after_fini=' "$out"))")
			res=$(sed -n 's/^leaked=//p' "$out")
			[ "$res" = 0 ] || why+=("heap after fini differs from before init by ${res:-?} bytes")
		fi
		[ ${#why[@]} -gt 0 ] && echo "${why[*]}"
	}
	fm_fail=0 fm_ok_init0=0 fm_ok_init1=0 fm_first=
	: >"$B/out/fm/kinds"
	for n in $(seq 0 "$SWEEP"); do
		out=$B/out/fm/$n.out
		fmrun "$out" "$n"
		why=$(fm_judge "$n" "$out")
		if [ -z "$why" ]; then
			ok "failmalloc n=$n: $(grep -m1 '^init=' "$out")"
			if grep -q '^init=0 ' "$out"; then fm_ok_init0=$((fm_ok_init0 + 1)); else fm_ok_init1=$((fm_ok_init1 + 1)); fi
		else
			ko "failmalloc n=$n: $why"
			fm_fail=$((fm_fail + 1))
			[ -z "$fm_first" ] && fm_first=$n
			# The kind of failure, numbers taken out, for the summary.
			echo "$why" | sed -E 's/[0-9]+ bytes/N bytes/g; s/by -?[0-9]+/by N/' >>"$B/out/fm/kinds"
		fi
	done
	bad "allocation failures at each of allocations 0..$SWEEP of an init of two plugins ($((SWEEP + 1)) runs)"
	echo "failmalloc: $((SWEEP + 1)) runs (init makes $total allocations): $fm_fail failed," \
		"$fm_ok_init0 passed with init 0, $fm_ok_init1 passed with init -1"
	if [ "$fm_fail" -gt 0 ]; then
		echo "failmalloc: the failures, by kind:"
		sort "$B/out/fm/kinds" | uniq -c | sort -rn | sed 's/^/    /'
		echo "failmalloc: the first failing run (n=$fm_first):"
		sed 's/^/    | /' "$B/out/fm/$fm_first.out" | head -40
		leaky=$(grep -l '^leaked=[1-9-]' "$B"/out/fm/[0-9]*.out 2>/dev/null | head -1)
		if [ -n "$leaky" ]; then
			n=$(basename "$leaky" .out)
			FMENV=FAILMALLOC_TRACE=1 fmrun "$B/out/fm/trace.out" "$n"
			echo "failmalloc: where the blocks still live after fini of run n=$n were allocated:"
			sed 's/^/    | /' "$B/out/fm/trace.out" | head -80
		fi
	fi
}

########################################################################
# 4. Descriptors that lie about what they are.
section_lying() {
	lying() { # lying CASE FLAG
		mkdir -p "$T/$1"
		build "$T/$1/$1.so" -shared -fPIC "$2" "$here/lying.c"
		hrun "$B/out/$1.out" CRIU_LIBS_DIR="$T/$1" -- maps="$T/$1/"
		exited "$1" "$B/out/$1.out"
	}
	bad "CR_PLUGIN_DESC is a function"
	lying func -DLYING_FUNC
	expect "CR_PLUGIN_DESC as a function: refused, never read or called" "$B/out/func.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/func/func.so"): CR_PLUGIN_DESC is a function, not a data object$" \
		'^init=-1$' '^mapped_after_init=0$'
	reject "CR_PLUGIN_DESC as a function: it is not called" "$B/out/func.out" 'CR_PLUGIN_DESC called'
	bad "CR_PLUGIN_DESC is an 8-byte data object"
	lying eight -DLYING_EIGHT
	expect "CR_PLUGIN_DESC of 8 bytes: refused" "$B/out/eight.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/eight/eight.so"): CR_PLUGIN_DESC is 8 bytes, too small for a descriptor \(32 bytes\)$" \
		'^init=-1$' '^mapped_after_init=0$'
	bad "CR_PLUGIN_DESC of 112 bytes (10 hook slots) claiming max_hooks 15"
	lying short15 -DLYING_SHORT=15
	expect "CR_PLUGIN_DESC of 112 bytes claiming 15 hooks: refused" "$B/out/short15.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/short15/short15.so")( \(\"short\"\))?: CR_PLUGIN_DESC is 112 bytes, too small for max_hooks 15 \(152 bytes\)$" \
		'^init=-1$' '^mapped_after_init=0$'
	reject "CR_PLUGIN_DESC of 112 bytes claiming 15 hooks: nothing past its end is called" "$B/out/short15.out" 'POISON'
	lying short10 -DLYING_SHORT=10
	expect "an honest 112-byte descriptor (CRIU 3.17's header, max_hooks 10) loads" "$B/out/short10.out" \
		'^short init 0$' '^init=0$' '^loaded short$' '^pause=-95$' '^short exit 0 0$'
	reject "an honest 112-byte descriptor: nothing past its end is read" "$B/out/short10.out" 'POISON|^\[1\]'
	bad "a PLT relocation (of a function nothing calls) naming a symbol far outside the symbol table"
	mkdir -p "$T/badplt"
	build "$T/badplt/badplt.so" -shared -fPIC "$here/unused_import.c"
	if "$B/elfpatch" "$T/badplt/badplt.so" --plt atoi 0x7ffffff0 >"$B/out/elfpatch.out" 2>&1; then
		hrun "$B/out/badplt.out" CRIU_LIBS_DIR="$T/badplt" --
		exited "a bogus PLT symbol index" "$B/out/badplt.out"
		expect "a bogus PLT symbol index: the plugin loads and runs, as with CRIU's loader (the import is never bound)" \
			"$B/out/badplt.out" '^unused-import init 0$' '^init=0$' '^unused-import exit 0 0$'
		reject "a bogus PLT symbol index: no error" "$B/out/badplt.out" '^\[1\]'
	else
		ko "elfpatch could not patch the plugin" "$B/out/elfpatch.out"
	fi
}

########################################################################
# 5. Names that attack the log: control bytes and invalid UTF-8 in file
# names, folder names and descriptor names are escaped (\n \r \t \\, \xHH
# for every other byte below 0x20, 0x7f and each byte that is not UTF-8).
section_log() {
	FORGED='[1] Error (cr-dump.c:1): FORGED'
	noforged() { # noforged CASE OUT
		reject "$1: no forged log line" "$2" "^$(rx "$FORGED")"
		nobyte "$1: no ESC byte in the output" "$2" $'\x1b'
	}
	mkdir -p "$T/inj1"
	echo "not a shared object" >"$T/inj1/a"$'\n'"$FORGED"$'\n'".so"
	bad "a file named \$'a\\n$FORGED\\n.so' (not ELF)"
	out=$B/out/inj1.out
	hrun "$out" CRIU_LIBS_DIR="$T/inj1" --
	exited "newline in a file name" "$out"
	noforged "newline in a file name" "$out"
	expect "newline in a file name: escaped as \\n in the error" "$out" \
		"^\[1\] Error \([^)]*\): Unable to load $(rx "$T/inj1/a\\n$FORGED\\n.so")" '^init=-1$'

	mkdir -p "$T/inj2"
	echo "not a shared object" >"$T/inj2/"$'\e[31mred.so'
	bad "a file named \$'\\e[31mred.so' (not ELF)"
	out=$B/out/inj2.out
	hrun "$out" CRIU_LIBS_DIR="$T/inj2" --
	exited "ESC in a file name" "$out"
	noforged "ESC in a file name" "$out"
	fixed "ESC in a file name: escaped as \\x1b" "$out" "Unable to load $T/inj2/\\x1b[31mred.so"

	mkdir -p "$T/inj3"
	cp "$B/so/good.so" "$T/inj3/"$'\e[32mgreen.so'
	bad "a good plugin file named \$'\\e[32mgreen.so'"
	out=$B/out/inj3.out
	hrun "$out" CRIU_LIBS_DIR="$T/inj3" --
	exited "ESC in a good plugin's file name" "$out"
	noforged "ESC in a good plugin's file name" "$out"
	expect "ESC in a good plugin's file name: it loads" "$out" '^init=0$' '^loaded good$'

	mkdir -p "$T/inj4"
	plugin "$T/inj4/p.so" '"x\n[1] Error (cr-dump.c:1): FORGED"' -DLABEL='"inj"'
	bad "a descriptor named \"x\\n$FORGED\""
	out=$B/out/inj4.out
	hrun "$out" CRIU_LIBS_DIR="$T/inj4" --
	exited "newline in a descriptor name" "$out"
	noforged "newline in a descriptor name" "$out"
	fixed "newline in a descriptor name: escaped as \\n" "$out" "x\\n$FORGED"
	expect "newline in a descriptor name: it loads" "$out" '^inj init 0$' '^init=0$'

	mkdir -p "$T/inj5"
	plugin "$T/inj5/p.so" '"t\tr\rb\\s\x01u\x7fv\xffw\xe2\x82(c\xc3\xa9z"' -DLABEL='"inj"'
	bad "a descriptor name holding tab, CR, backslash, 0x01, 0x7f, 0xff, a cut UTF-8 sequence and UTF-8"
	out=$B/out/inj5.out
	hrun "$out" CRIU_LIBS_DIR="$T/inj5" --
	exited "control bytes in a descriptor name" "$out"
	fixed "control bytes, backslash and invalid UTF-8 are escaped; valid UTF-8 is kept" "$out" \
		't\tr\rb\\s\x01u\x7fv\xffw\xe2\x82(c'$'\xc3\xa9''z'
	nobyte "no raw CR in the output" "$out" $'\r'
	nobyte "no raw 0x01 in the output" "$out" $'\x01'
	nobyte "no raw 0x7f in the output" "$out" $'\x7f'
	nobyte "no raw 0xff in the output" "$out" $'\xff'
	expect "control bytes in a descriptor name: it loads" "$out" '^inj init 0$' '^init=0$'

	D6=$T/"dir"$'\n'"$FORGED"
	mkdir -p "$D6"
	echo "not a shared object" >"$D6/z.so"
	bad "a plugin folder named \$'dir\\n$FORGED'"
	out=$B/out/inj6.out
	hrun "$out" CRIU_LIBS_DIR="$D6" --
	exited "newline in the folder name" "$out"
	noforged "newline in the folder name" "$out"
	fixed "newline in the folder name: escaped as \\n" "$out" "Unable to load $T/dir\\n$FORGED/z.so"
}

########################################################################
# 6. The trusted path: every folder from / down to the plugin folder (and to
# a symlinked plugin's target) is owned by root or the effective user, and
# writable by others only if sticky (the plugin folder itself: not at all).
# A warning by default, a refusal in strict mode.
section_trust() {
	trusted() { # trusted CASE LIBDIR: runs the host on LIBDIR, in both modes
		hrun "$B/out/$1.out" CRIU_LIBS_DIR="$2" --
		exited "$1" "$B/out/$1.out"
		hrun "$B/out/$1-strict.out" CRIU_LIBS_DIR="$2" -- strict
		exited "$1 (strict mode)" "$B/out/$1-strict.out"
	}
	folder "$T/t1/plugins" "$B/so/good.so"
	chown "$NOBODY" "$T/t1"
	bad "a parent of the plugin folder owned by uid $NOBODY"
	trusted t1 "$T/t1/plugins"
	expect "parent owned by another user: warned about" "$B/out/t1.out" \
		"^\[2\] Warn  \([^)]*\): Plugin folder $(rx "$T/t1/plugins"): folder $(rx "$T/t1") on (its path|the path to).* owned by uid $NOBODY\b" \
		'^init=0$' '^loaded good$'
	expect "parent owned by another user: refused in strict mode" "$B/out/t1-strict.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$T/t1/plugins"): .*$(rx "$T/t1") on (its path|the path to).*uid $NOBODY\b.*\(strict mode\)$" \
		'^init=-1$'
	reject "parent owned by another user: strict mode loads nothing" "$B/out/t1-strict.out" '^good init'

	folder "$T/t2/plugins" "$B/so/good.so"
	chmod 0777 "$T/t2"
	bad "a parent of the plugin folder with mode 0777 (no sticky bit)"
	trusted t2 "$T/t2/plugins"
	expect "world-writable parent: warned about" "$B/out/t2.out" \
		"^\[2\] Warn  \([^)]*\): Plugin folder $(rx "$T/t2/plugins"): folder $(rx "$T/t2") on (its path|the path to).*writable.*0777" '^init=0$'
	expect "world-writable parent: refused in strict mode" "$B/out/t2-strict.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$T/t2/plugins"): .*$(rx "$T/t2") on (its path|the path to).*writable.*\(strict mode\)$" \
		'^init=-1$'

	folder "$T/t3/plugins" "$B/so/good.so"
	chmod 1777 "$T/t3"
	trusted t3 "$T/t3/plugins"
	expect "a sticky world-writable parent (as /tmp) is fine" "$B/out/t3.out" '^init=0$' '^loaded good$'
	reject "a sticky world-writable parent: no warning" "$B/out/t3.out" '^\[[12]\]'
	expect "a sticky world-writable parent is fine in strict mode" "$B/out/t3-strict.out" '^init=0$' '^loaded good$'

	folder "$T/t4/plugins" "$B/so/good.so"
	chmod 1777 "$T/t4/plugins"
	bad "a plugin folder with mode 1777"
	trusted t4 "$T/t4/plugins"
	expect "a sticky world-writable plugin folder: warned about" "$B/out/t4.out" \
		"^\[2\] Warn  \([^)]*\): Plugin folder $(rx "$T/t4/plugins").*writable" '^init=0$'
	expect "a sticky world-writable plugin folder: refused in strict mode" "$B/out/t4-strict.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$T/t4/plugins"): .*writable.*\(strict mode\)$" '^init=-1$'

	folder "$T/t5/plugins"
	folder "$T/t5/theirs" "$B/so/good.so"
	chown "$NOBODY" "$T/t5/theirs"
	ln -s "$T/t5/theirs/good.so" "$T/t5/plugins/x.so"
	bad "a symlinked plugin whose target's folder is owned by uid $NOBODY"
	trusted t5 "$T/t5/plugins"
	expect "symlinked plugin in a foreign folder: warned about" "$B/out/t5.out" \
		"^\[2\] Warn  \([^)]*\): Plugin file $(rx "$T/t5/plugins/x.so"): folder $(rx "$T/t5/theirs") on (its path|the path to).*uid $NOBODY\b" \
		'^init=0$'
	expect "symlinked plugin in a foreign folder: refused in strict mode" "$B/out/t5-strict.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/t5/plugins/x.so"): .*$(rx "$T/t5/theirs") on (its path|the path to).*uid $NOBODY\b.*\(strict mode\)$" \
		'^init=-1$'
	reject "symlinked plugin in a foreign folder: not initialised in strict mode" "$B/out/t5-strict.out" '^good init'

	folder "$T/t6/mid/plugins" "$B/so/good.so"
	chown "$NOBODY" "$T/t6"
	bad "a grandparent of the plugin folder owned by uid $NOBODY"
	trusted t6 "$T/t6/mid/plugins"
	expect "grandparent owned by another user: refused in strict mode" "$B/out/t6-strict.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$T/t6/mid/plugins"): .*$(rx "$T/t6") on (its path|the path to).*uid $NOBODY\b.*\(strict mode\)$" \
		'^init=-1$'

	folder "$T/t7/theirs/plugins" "$B/so/good.so"
	chown "$NOBODY" "$T/t7/theirs"
	ln -s "$T/t7/theirs/plugins" "$T/t7/link"
	bad "a plugin folder given as a symlink into a folder owned by uid $NOBODY"
	trusted t7 "$T/t7/link"
	expect "plugin folder reached through a symlink into a foreign folder: refused in strict mode" "$B/out/t7-strict.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder .*\(strict mode\)$" '^init=-1$'
	reject "plugin folder reached through a symlink into a foreign folder: not initialised in strict mode" \
		"$B/out/t7-strict.out" '^good init'
}

# The race: P (owned by the attacker) holds trusted/ (root's, a root plugin
# printing TRUSTED) and evil/ (the attacker's, a plugin printing FOREIGN).
# The attacker swaps them without pause while the host, in strict mode,
# loads P/trusted again and again. FOREIGN must never run.
section_race() {
	P=$T/race
	mkdir -p "$P/trusted" "$P/evil"
	plugin "$P/trusted/p.so" '"p"' -DMSG='"TRUSTED"'
	plugin "$P/evil/p.so" '"p"' -DMSG='"FOREIGN"'
	chown "$NOBODY:$NOBODY" "$P" "$P/evil"
	bad "a race: the attacker (uid $NOBODY) swaps the plugin folder with its own while the loader runs"
	"$B/attacker" "$NOBODY" "$NOBODY" "$P/trusted" "$P/evil" >"$B/out/attacker.out" 2>&1 &
	attacker_pid=$!
	# until_ok CMD...: waits (up to 10 s) until CMD succeeds, while the attacker runs.
	until_ok() {
		local i
		for i in $(seq 200); do
			"$@" && return 0
			kill -0 "$attacker_pid" 2>/dev/null || return 1
			sleep 0.05
		done
		return 1
	}
	# swaps_now: how many swaps the attacker has made so far.
	swaps_now() {
		local before
		before=$(grep -c '^progress' "$B/out/attacker.out")
		kill -USR1 "$attacker_pid" 2>/dev/null
		until_ok eval '[ "$(grep -c "^progress" "$B/out/attacker.out")" -gt "$before" ]' &&
			sed -n 's/^progress swaps=//p' "$B/out/attacker.out" | tail -1
	}
	until_ok grep -q '^swapping$' "$B/out/attacker.out" || ko "race: the attacker does not swap" "$B/out/attacker.out"
	TMO_SAVE=$TMO
	TMO=$((TMO * 6))
	out=$B/out/race-strict.out
	s0=$(swaps_now)
	hrun "$out" CRIU_LIBS_DIR="$P/trusted" -- strict cycles="$ROUNDS" watch="$P/trusted" min-moved=20
	exited "race (strict mode, at least $ROUNDS rounds)" "$out"
	s1=$(swaps_now)
	if [ -n "$s0" ] && [ -n "$s1" ] && [ "$s1" -gt "$s0" ]; then
		ok "race: the attacker swapped the folders $((s1 - s0)) times during the strict rounds"
	else
		ko "race: the attacker did not swap during the strict rounds (${s0:-?} then ${s1:-?})" "$B/out/attacker.out"
	fi
	reject "race: the foreign plugin never runs in strict mode" "$out" '^FOREIGN$'
	rounds=$(sed -n 's/^rounds=\([0-9]*\) moved=.*/\1/p' "$out")
	moved=$(sed -n 's/^rounds=[0-9]* moved=//p' "$out")
	if [ "${moved:-0}" -gt 0 ]; then
		ok "race: the folder was swapped during $moved of $rounds strict rounds"
	else
		ko "race: the folder was never swapped during a strict round (${rounds:-?} rounds)" "$B/out/attacker.out"
	fi
	times "race: every round of strict mode refuses the folder (its parent is the attacker's)" "$out" "${rounds:-$ROUNDS}" \
		'^round [0-9]+ init=-1 '
	expect "race: the refusal names the attacker's folder on the path" "$out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$P/trusted"): .*$(rx "$P") on (its path|the path to).*uid $NOBODY\b.*\(strict mode\)$"
	out=$B/out/race-default.out
	hrun "$out" CRIU_LIBS_DIR="$P/trusted" -- cycles="$ROUNDS" watch="$P/trusted"
	exited "race (default mode, $ROUNDS rounds)" "$out"
	expect "race: without strict mode the attacker's folder on the path is warned about" "$out" \
		"^\[2\] Warn  \([^)]*\): Plugin folder $(rx "$P/trusted"): folder $(rx "$P") on (its path|the path to).*uid $NOBODY\b"
	TMO=$TMO_SAVE
	kill "$attacker_pid" 2>/dev/null
	wait "$attacker_pid"
	arc=$?
	attacker_pid=
	swaps=$(sed -n 's/^swaps=//p' "$B/out/attacker.out")
	if [ "$arc" = 0 ] && [ "${swaps:-0}" -gt 0 ]; then
		ok "race: the attacker ran as uid $NOBODY, swapped $swaps times in all, and stopped"
	else
		ko "race: the attacker did not run (status $arc)" "$B/out/attacker.out"
	fi
	echo "race: strict mode ran FOREIGN $(grep -c '^FOREIGN$' "$B/out/race-strict.out") times," \
		"TRUSTED $(grep -c '^TRUSTED$' "$B/out/race-strict.out") times in ${rounds:-?} rounds" \
		"(${moved:-?} with a swap during init); default mode ran FOREIGN" \
		"$(grep -c '^FOREIGN$' "$B/out/race-default.out") times, TRUSTED" \
		"$(grep -c '^TRUSTED$' "$B/out/race-default.out") times in $ROUNDS rounds"
}

########################################################################
# 7. Truncated plugins: their segments reach past the end of the file (a
# mapping past the end of a file raises SIGBUS when touched).
section_truncated() {
	segend=0
	while read -r off size; do
		[ $((off + size)) -gt "$segend" ] && segend=$((off + size))
	done < <(readelf -lW "$B/so/good.so" | awk '$1 == "LOAD" { print $2, $5 }')
	mkdir -p "$T/trunc" "$T/trunc2"
	head -c 4000 "$B/so/good.so" >"$T/trunc/t.so"
	bad "the first 4000 bytes of a good plugin"
	out=$B/out/trunc.out
	hrun "$out" CRIU_LIBS_DIR="$T/trunc" -- maps="$T/trunc/"
	exited "truncated plugin (4000 bytes)" "$out"
	expect "truncated plugin: refused, with the sizes" "$out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/trunc/t.so"): it is truncated: its loadable segments need [0-9]+ bytes, the file has 4000$" \
		'^init=-1$' '^mapped_after_init=0$'
	head -c $((segend - 1)) "$B/so/good.so" >"$T/trunc2/t.so"
	bad "a good plugin missing the last byte of its loadable segments ($((segend - 1)) of $segend bytes)"
	out=$B/out/trunc2.out
	hrun "$out" CRIU_LIBS_DIR="$T/trunc2" -- maps="$T/trunc2/"
	exited "plugin one byte short" "$out"
	expect "plugin one byte short of its segments: refused" "$out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/trunc2/t.so"): it is truncated: its loadable segments need $segend bytes, the file has $((segend - 1))$" \
		'^init=-1$'
}

# HOSTILE_ONLY="files reenter ..." runs only those sections.
for section in files reenter failmalloc lying log trust race truncated; do
	case " ${HOSTILE_ONLY:-$section} " in
	*" $section "*) "section_$section" ;;
	esac
done

echo "hostile: tried $inputs distinct bad inputs:"
sed 's/^/    /' "$B/inputs"
echo "hostile: $pass passed, $fail failed"
[ "$fail" = 0 ]
