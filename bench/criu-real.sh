#!/bin/bash
# criu-real.sh REPS
#
# Item 4 of the benchmarks: wall and CPU time of `criu dump` + `criu restore` of the
# same process with the cuda and inventory plugins, CRIU 4.1.1 with its own C
# loader against CRIU 4.1.1 linked with libcriu-plugin, alternating runs.
#
# Reuses the two CRIU 4.1.1 builds of the end-to-end test
# (ctests/e2e/build-criu.sh, run by `make e2e`): <cache>/criu-4.1.1/stock and
# <cache>/criu-4.1.1/lib (the lib build links the library staged when it was
# built). With BENCH_BUILD_CRIU=1 it runs that script for both first (a few
# minutes each; it rebuilds the lib build when the library changed). Without
# them it prints "unavailable REASON" and exits 0: the rest of `make bench`
# does not depend on it.
#
# Output, one line per run: "c|rust DUMP_SECONDS RESTORE_SECONDS DUMP_CPU_MS
# RESTORE_CPU_MS" (CPU: perf stat's task-clock of the command and the children
# it waits for; "-" where perf cannot count), after a
# "plugins NAME..." line and any "note TEXT" lines; or "unavailable REASON".
#
# Environment: E2E_CACHE (default <repo>/.cache), BENCH_CRIU_C and
# BENCH_CRIU_RUST (a built criu-4.1.1 tree each, overriding the cache).
set -uo pipefail

REPS=${1:-9}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=${E2E_CACHE:-$REPO/.cache}
WORK=$HERE/build/criu-real
COUNTER=$HERE/build/counter
PLUGINS="cuda_plugin inventory_test_enabled_plugin inventory_test_disabled_plugin"
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

unavailable() {
	echo "unavailable $*"
	exit 0
}

[ "$(id -u)" = 0 ] || unavailable "needs root (criu dump/restore)"
[ -x "$COUNTER" ] || unavailable "$COUNTER not built"

if [ "${BENCH_BUILD_CRIU:-0}" = 1 ]; then
	export E2E_CACHE=$CACHE
	for kind in stock lib; do
		"$REPO/ctests/e2e/build-criu.sh" 4.1.1 "$kind" "$CACHE/criu-4.1.1/$kind" >&2 ||
			unavailable "ctests/e2e/build-criu.sh 4.1.1 $kind failed"
	done
fi

TREE_C=${BENCH_CRIU_C:-$CACHE/criu-4.1.1/stock/criu-4.1.1}
TREE_RUST=${BENCH_CRIU_RUST:-$CACHE/criu-4.1.1/lib/criu-4.1.1}
declare -A CRIU=([c]=$TREE_C/criu/criu [rust]=$TREE_RUST/criu/criu)
for l in c rust; do
	[ -x "${CRIU[$l]}" ] ||
		unavailable "no CRIU 4.1.1 build with the $l loader at ${CRIU[$l]} (make e2e, or make bench BENCH_BUILD_CRIU=1)"
done
nm "${CRIU[c]}" | grep -E ' T cr_plugin_init$' >/dev/null || unavailable "${CRIU[c]} does not contain CRIU's own loader"
# The library's symbols are versioned: cr_plugin_init@LIBCRIU_PLUGIN_1.
nm "${CRIU[rust]}" | grep -E ' U cr_plugin_init(@.*)?$' >/dev/null || unavailable "${CRIU[rust]} is not linked with libcriu-plugin"

# The lib build runs the library staged when it was built: say so when that
# is not the one `make lib` made last (BENCH_BUILD_CRIU=1 brings it up to date).
loaded=$(ldd "${CRIU[rust]}" | awk '/libcriu-plugin/ { print $3 }')
if [ -n "$loaded" ] && ! cmp -s "$loaded" "$REPO/build/lib/libcriu-plugin.so.1"; then
	echo "note the CRIU with libcriu-plugin loads $loaded, not build/lib's library (make bench BENCH_BUILD_CRIU=1 rebuilds it)"
fi

# The same plugin files for both: those built in the C tree (CRIU's header).
rm -rf "$WORK"
mkdir -p "$WORK/plugins"
for p in $PLUGINS; do
	f=$TREE_C/../plugins/$p.so
	[ -f "$f" ] || unavailable "$f missing (build-criu.sh builds it)"
	cp "$f" "$WORK/plugins/"
done
MOCK=$TREE_C/test/cuda-checkpoint
[ -x "$MOCK/cuda-checkpoint" ] || unavailable "mocked cuda-checkpoint missing in $MOCK"

# CPU time of each command with everything it waits for (perf stat's
# task-clock, which counts children): less disturbed by a busy machine than
# wall time. Left out (wall time only) where perf cannot count.
PERF=
if perf stat -x, -e task-clock -o /dev/null -- true >/dev/null 2>&1; then
	PERF=perf
fi
# timed OUT CMD...: runs CMD; its CPU milliseconds go to OUT (when perf can).
timed() {
	local out=$1
	shift
	if [ -n "$PERF" ]; then
		perf stat -x, -e task-clock -o "$out" -- "$@"
	else
		"$@"
	fi
}
# cpu_ms OUT: what timed wrote ("-" without perf).
cpu_ms() {
	if [ -n "$PERF" ] && [ -s "$1" ]; then
		awk -F, '$3 ~ /^task-clock/ { print $1; found = 1 } END { if (!found) print "-" }' "$1"
	else
		echo -
	fi
}

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

# cycle LOADER DIR [VERBOSITY]: starts the workload (pid 1 of its own pid
# namespace, as in the e2e test), dumps it, restores it detached, kills it.
# Sets DUMP_S and RESTORE_S; returns non-zero on any failure.
cycle() {
	local l=$1 d=$2 v=${3:--v2} i wl=() rc t0 t1 t2 restored
	rm -rf "$d"
	mkdir -p "$d/img"
	unshare -pf setsid "$COUNTER" "$d/count" </dev/null >/dev/null 2>&1 &
	local u=$!
	PIDS+=("$u")
	for i in $(seq 50); do
		wl=$(pgrep -P "$u" | head -n1)
		[ -n "$wl" ] && [ -s "$d/count" ] && break
		sleep 0.05
	done
	[ -n "$wl" ] || return 1
	PIDS+=("$wl")
	t0=$EPOCHREALTIME
	PATH="$MOCK:$PATH" CRIU_FAULT=138 timed "$d/dump.cpu" "${CRIU[$l]}" dump -t "$wl" -D "$d/img" -o dump.log "$v" \
		--libdir "$WORK/plugins"
	rc=$?
	t1=$EPOCHREALTIME
	wait "$u" 2>/dev/null
	[ "$rc" = 0 ] || { echo "criu-real: $l dump failed ($d/img/dump.log)" >&2; return 1; }
	PATH="$MOCK:$PATH" CRIU_FAULT=138 timed "$d/restore.cpu" "${CRIU[$l]}" restore -d -D "$d/img" -o restore.log "$v" \
		--libdir "$WORK/plugins" --pidfile "$d/restored.pid"
	rc=$?
	t2=$EPOCHREALTIME
	restored=$(cat "$d/restored.pid" 2>/dev/null)
	if [ -n "$restored" ]; then
		PIDS+=("$restored")
		kill -9 "$restored" 2>/dev/null
		# Gone, or a zombie its new parent has yet to reap.
		for i in $(seq 100); do
			grep -Eq '^State:[[:space:]]+[^Z]' "/proc/$restored/status" 2>/dev/null || break
			sleep 0.01
		done
	fi
	[ "$rc" = 0 ] || { echo "criu-real: $l restore failed ($d/img/restore.log)" >&2; return 1; }
	DUMP_S=$(echo "$t1 - $t0" | bc -l)
	RESTORE_S=$(echo "$t2 - $t1" | bc -l)
	DUMP_CPU=$(cpu_ms "$d/dump.cpu")
	RESTORE_CPU=$(cpu_ms "$d/restore.cpu")
}

# One untimed run each at -v4: both load the three plugins and run them.
for l in c rust; do
	cycle "$l" "$WORK/check-$l" -v4 || unavailable "the $l CRIU could not dump and restore (see $WORK/check-$l)"
	for p in $PLUGINS; do
		for log in dump restore; do
			grep -q "Plugin \"$p\" (version" "$WORK/check-$l/img/$log.log" ||
				unavailable "$l CRIU's $log log does not show $p loaded"
		done
	done
	grep -q "cuda_plugin: pausing devices" "$WORK/check-$l/img/dump.log" ||
		unavailable "$l CRIU's cuda plugin did not pause devices"
done
echo "plugins $PLUGINS"

for r in $(seq "$REPS"); do
	if [ $((r % 2)) = 1 ]; then order="c rust"; else order="rust c"; fi
	for l in $order; do
		cycle "$l" "$WORK/run-$l" || unavailable "run $r of the $l CRIU failed"
		echo "$l $DUMP_S $RESTORE_S $DUMP_CPU $RESTORE_CPU"
	done
done
