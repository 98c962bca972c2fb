#!/bin/bash
# run-e2e.sh: the end-to-end test (issue 3). Builds the released CRIU 4.1.1
# with libcriu-plugin linked in place of criu/plugin.c, then checkpoints and
# restores a live process with CRIU's own plugins and runs CRIU's zdtm plugin
# tests. Prints one PASS or FAIL line per step, a closing
# "e2e: N passed, N failed" line, and exits non-zero on any failure. A step
# that cannot run FAILS; nothing is skipped.
#
# Needs root, ctests/e2e/deps.sh's packages, and the network to Debian's
# archive the first time (the tarball is cached in .cache/).
#
# Environment:
#   LOADER=rust|c        rust (default): CRIU linked with libcriu-plugin;
#                        c: stock CRIU with its own loader (checks the recipe)
#   LIBCRIU_PLUGIN_DIR   folder with libcriu-plugin.so (default <repo>/build/lib)
#   CRIU_PLUGIN_HEADER   this project's criu-plugin.h (see build-criu.sh)
#   E2E_STEPS            steps to run, default "1 2 3 4 5 6 7" (a partial run
#                        says so and is not a full pass)
#   E2E_CACHE            cache folder (default <repo>/.cache)
#   E2E_REBUILD=1        rebuild CRIU even if the cached build is current
set -uo pipefail

# ---- patterns a maintainer may need to adjust ---------------------------------
# Step 6: the line this library logs when it refuses the version-0.3.0 plugin.
# Expected like: Refusing plugin /path/e2e_bad_plugin.so: version 0.3.0 is
# newer than the supported 0.2.0
BAD_PLUGIN_RE_RUST='e2e_bad_plugin\.so.*version'
# ... and what CRIU 4.1.1's own loader logs for it (LOADER=c).
BAD_PLUGIN_RE_C='Corrupted plugin .*/e2e_bad_plugin\.so'
# ------------------------------------------------------------------------------

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export E2E_CACHE=${E2E_CACHE:-$REPO/.cache}
LOADER=${LOADER:-rust}
STEPS=${E2E_STEPS:-1 2 3 4 5 6 7}
ALL_STEPS="1 2 3 4 5 6 7"
BUILD=$E2E_CACHE/criu-build-$LOADER
SRC=$BUILD/criu-4.1.1
CRIU=$SRC/criu/criu
WORK=$E2E_CACHE/e2e-run-$LOADER
T_START=$SECONDS

case $LOADER in
rust) BAD_PLUGIN_RE=$BAD_PLUGIN_RE_RUST ;;
c) BAD_PLUGIN_RE=$BAD_PLUGIN_RE_C ;;
*)
	echo "run-e2e: LOADER must be rust or c, not '$LOADER'" >&2
	exit 2
	;;
esac
export LIBCRIU_PLUGIN_DIR=${LIBCRIU_PLUGIN_DIR:-$REPO/build/lib}
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

PLUGINS4="amdgpu_plugin cuda_plugin inventory_test_enabled_plugin inventory_test_disabled_plugin"

# ---- reporting ---------------------------------------------------------------
declare -A RESULT=()
STEP=
STEP_OK=1
STEP_T0=0
TITLE=()
TITLE[1]="CRIU 4.1.1 builds and links with the loader"
TITLE[2]="criu check"
TITLE[3]="dump and restore a live process with the four plugins"
TITLE[4]="inventory.img names the enabled plugin; restore without it fails"
TITLE[5]="zdtm: busyloop00 with the inventory plugins; sigpending, pthread00 with mocked cuda"
TITLE[6]="a bad plugin (version 0.3.0) fails the dump cleanly"
TITLE[7]="cuda and inventory plugins built with this project's criu-plugin.h pass step 3"

begin() {
	STEP=$1
	STEP_OK=1
	STEP_T0=$SECONDS
	echo ""
	echo "=== step $STEP: ${TITLE[$STEP]} (LOADER=$LOADER)"
}
ok() { echo "  ok: $*"; }
bad() {
	echo "  FAIL: $*"
	STEP_OK=0
}
end() {
	local dt=$((SECONDS - STEP_T0))
	if [ "$STEP_OK" = 1 ]; then
		RESULT[$STEP]=PASS
		echo "PASS step $STEP: ${TITLE[$STEP]} (${dt} s)"
	else
		RESULT[$STEP]=FAIL
		echo "FAIL step $STEP: ${TITLE[$STEP]} (${dt} s)"
	fi
}
loud() {
	echo ""
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
	echo "!!! $*"
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
}
# check DESCRIPTION FILE ERE: FILE has a line matching ERE
check_log() {
	if grep -Eq -- "$3" "$2" 2>/dev/null; then
		ok "$1"
	else
		bad "$1: no line matching /$3/ in $2"
	fi
}
# first line number in FILE matching ERE (0 when none)
line_of() {
	local n
	n=$(grep -En -m1 -- "$2" "$1" 2>/dev/null | cut -d: -f1)
	echo "${n:-0}"
}
# regex-quote a plain string for grep -E
req() { printf '%s' "$1" | sed 's/[][\.*^$(){}|+?]/\\&/g'; }

# ---- processes this script started: killed by pid on exit ----------------------
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		# only if that pid is still one of ours (the workload or its unshare)
		if grep -qF "$COUNTER" "/proc/$p/cmdline" 2>/dev/null; then
			kill -9 "$p" 2>/dev/null
		fi
	done
}
trap cleanup EXIT

want() { [[ " $STEPS " == *" $1 "* ]]; }

# ---- workload -------------------------------------------------------------------
COUNTER=$WORK/counter
WL_UNSHARE=
WL_PID=
# start_workload DIR: counter as pid 1 of its own pid namespace, in the host
# mount namespace; sets WL_UNSHARE (unshare's pid) and WL_PID (its child, the
# pid CRIU dumps).
start_workload() {
	local d=$1 i
	WL_PID=
	rm -f "$d/count"
	unshare -pf setsid "$COUNTER" "$d/count" </dev/null >/dev/null 2>&1 &
	WL_UNSHARE=$!
	PIDS+=("$WL_UNSHARE")
	for i in $(seq 50); do
		WL_PID=$(pgrep -P "$WL_UNSHARE" | head -n1)
		if [ -n "$WL_PID" ] && [ -s "$d/count" ]; then
			PIDS+=("$WL_PID")
			return 0
		fi
		sleep 0.1
	done
	return 1
}
# reap_workload: after a dump, make sure unshare and its child are gone (a
# failed dump leaves them running) and reap unshare; never blocks for long.
reap_workload() {
	local i
	[ -n "$WL_UNSHARE" ] || return 0
	for i in $(seq 30); do
		kill -0 "$WL_UNSHARE" 2>/dev/null || break
		[ "$i" -gt 10 ] && kill -9 "$WL_PID" "$WL_UNSHARE" 2>/dev/null
		sleep 0.1
	done
	wait "$WL_UNSHARE" 2>/dev/null
	WL_UNSHARE=
}
count_of() { cat "$1/count" 2>/dev/null || echo 0; }
# advancing DIR: the counter in DIR/count moves within a second
advancing() {
	local a b
	a=$(count_of "$1")
	sleep 0.5
	b=$(count_of "$1")
	[ "$b" -gt "$a" ] 2>/dev/null
}
criu_env() { # criu_env CMD...: runs CMD (at most 120 s) with the mocked cuda-checkpoint first on PATH and fault 138
	PATH="$SRC/test/cuda-checkpoint:$PATH" CRIU_FAULT=138 timeout 120 "$@"
}

# check_plugins_loaded LOG PLUGINDIR EXPECTED-HOOKS-FOR-NON-AMDGPU
check_plugins_loaded() {
	local log=$1 hooks=$3 p re
	for p in $PLUGINS4; do
		if [ -n "$hooks" ] && [ "$p" != amdgpu_plugin ]; then
			re="^\([0-9.]+\) Plugin \"$p\" \(version 512 hooks $hooks\)"
		else
			re="^\([0-9.]+\) Plugin \"$p\" \(version 512 hooks [0-9]+\)"
		fi
		if [ -n "$hooks" ] && [ "$p" != amdgpu_plugin ]; then
			check_log "$(basename "$log"): plugin $p loaded (hooks $hooks)" "$log" "$re"
		else
			check_log "$(basename "$log"): plugin $p loaded" "$log" "$re"
		fi
	done
}

# cycle DIR PLUGINDIR HOOKS: step 3's dump and restore (also used by step 7)
cycle() {
	local d=$1 libdir=$2 hooks=$3 rc before after dumped restored n_amd n_cuda
	rm -rf "$d"
	mkdir -p "$d/img"
	if ! start_workload "$d"; then
		bad "workload did not start"
		return
	fi
	ok "workload running: pid $WL_PID (pid 1 of its pid namespace), count $(count_of "$d")"

	criu_env "$CRIU" dump -t "$WL_PID" -D "$d/img" -o dump.log -v4 --libdir "$libdir"
	rc=$?
	dumped=$(count_of "$d")
	if [ "$rc" = 0 ]; then
		ok "criu dump exited 0 (count at dump: $dumped)"
	else
		bad "criu dump exited $rc (log $d/img/dump.log)"
		kill -9 "$WL_PID" 2>/dev/null
	fi
	reap_workload
	local L=$d/img/dump.log
	check_plugins_loaded "$L" "$libdir" "$hooks"
	check_log "dump: cuda PAUSE_DEVICES (hook 10) called through the chain" "$L" "plugin: \`cuda_plugin' hook 10 -> "
	check_log "dump: cuda pauses the task" "$L" "cuda_plugin: pausing devices on pid $WL_PID\$"
	check_log "dump: cuda CHECKPOINT_DEVICES (hook 11) called through the chain" "$L" "plugin: \`cuda_plugin' hook 11 -> "
	check_log "dump: cuda checkpoints the task" "$L" "cuda_plugin: Checkpointing CUDA devices on pid $WL_PID "
	check_log "dump: cuda_plugin finished with err 0" "$L" "cuda_plugin: finished cuda_plugin stage 0 err 0\$"
	check_log "dump: amdgpu_plugin finished" "$L" "amdgpu_plugin: finished +amdgpu_plugin"
	check_log "dump: Dumping finished successfully" "$L" "Dumping finished successfully"
	if [ "$rc" != 0 ]; then
		return
	fi

	criu_env "$CRIU" restore -d -D "$d/img" -o restore.log -v4 --libdir "$libdir" --pidfile "$d/restored.pid"
	rc=$?
	restored=$(cat "$d/restored.pid" 2>/dev/null)
	[ -n "$restored" ] && PIDS+=("$restored")
	[ "$rc" = 0 ] && ok "criu restore exited 0 (restored pid $restored)" || bad "criu restore exited $rc (log $d/img/restore.log)"
	L=$d/img/restore.log
	check_plugins_loaded "$L" "$libdir" "$hooks"
	n_amd=$(line_of "$L" "plugin: \`amdgpu_plugin' hook 9 -> ")
	n_cuda=$(line_of "$L" "plugin: \`cuda_plugin' hook 9 -> ")
	if [ "$n_amd" -gt 0 ] && [ "$n_cuda" -gt "$n_amd" ]; then
		ok "restore: RESUME_DEVICES_LATE (hook 9) chain: amdgpu called first (line $n_amd), declined, then cuda (line $n_cuda)"
	else
		bad "restore: RESUME_DEVICES_LATE chain: want amdgpu's hook 9 line before cuda's, got lines amdgpu=$n_amd cuda=$n_cuda in $L"
	fi
	check_log "restore: cuda resumes the task" "$L" "cuda_plugin: resuming devices on pid [0-9]+\$"
	check_log "restore: cuda_plugin finished with err 0" "$L" "cuda_plugin: finished cuda_plugin stage 2 err 0\$"
	check_log "restore: Restore finished successfully" "$L" "Restore finished successfully"
	if [ -n "$restored" ] && kill -0 "$restored" 2>/dev/null; then
		before=$(count_of "$d")
		if advancing "$d"; then
			after=$(count_of "$d")
			if [ "$before" -ge "$dumped" ]; then
				ok "restored process runs on: count $dumped at dump, $before -> $after after restore"
			else
				bad "restored counter restarted: $dumped at dump, $before after restore"
			fi
		else
			bad "restored process's counter does not advance (stays at $(count_of "$d"))"
		fi
		kill -9 "$restored" 2>/dev/null
	else
		bad "restored process ${restored:-?} is not running"
	fi
}

# ---- step 1: build --------------------------------------------------------------------
step1() {
	begin 1
	local lib=$LIBCRIU_PLUGIN_DIR/libcriu-plugin.so
	if [ "$LOADER" = rust ] && [ ! -e "$lib" ]; then
		loud "$lib does not exist: build the library first (make lib at the repo top)"
		bad "no library at $lib"
		end
		return
	fi
	if ! "$HERE/fetch-criu.sh"; then
		loud "CRIU 4.1.1's source could not be fetched: the end-to-end test CANNOT RUN and FAILS"
		bad "no CRIU source"
		end
		return
	fi
	if ! "$HERE/build-criu.sh" "$LOADER" "$BUILD"; then
		bad "build-criu.sh $LOADER failed (log $BUILD/build.log)"
		end
		return
	fi
	ok "built in $BUILD"
	[ -f "$BUILD/criu-build.diff" ] && sed 's/^/      /' "$BUILD/criu-build.diff"
	if [ "$LOADER" = rust ]; then
		local nm_criu nm_lib relocs
		nm_criu=$(nm "$CRIU")
		nm_lib=$(nm -D --defined-only "$lib")
		relocs=$(readelf -rW "$CRIU")
		if grep -Eq '^ +U cr_plugin_init(@LIBCRIU_PLUGIN_[0-9.]+)?$' <<<"$nm_criu"; then ok "nm: cr_plugin_init is undefined (U) in criu"; else bad "nm: cr_plugin_init is not undefined in criu"; fi
		if grep -Eq '^ +U cr_plugin_fini(@LIBCRIU_PLUGIN_[0-9.]+)?$' <<<"$nm_criu"; then ok "nm: cr_plugin_fini is undefined (U) in criu"; else bad "nm: cr_plugin_fini is not undefined in criu"; fi
		if grep -Eq ' T cr_plugin_init(@@LIBCRIU_PLUGIN_[0-9.]+)?$' <<<"$nm_lib"; then ok "nm: cr_plugin_init is defined (T) in $(basename "$lib")"; else bad "nm: cr_plugin_init is not defined in $lib"; fi
		if grep -Eq ' [BD] cr_plugin_ctl(@@LIBCRIU_PLUGIN_[0-9.]+)?$' <<<"$nm_lib"; then ok "nm: cr_plugin_ctl is a data symbol of the library"; else bad "nm: cr_plugin_ctl is not a data symbol of $lib"; fi
		[ ! -e "$SRC/criu/plugin.o" ] && ok "criu/plugin.o was not built" || bad "criu/plugin.o was built"
		if grep -Eq 'R_X86_64_COPY .* cr_plugin_ctl' <<<"$relocs"; then ok "criu holds a copy of cr_plugin_ctl (R_X86_64_COPY)"; else bad "no R_X86_64_COPY relocation for cr_plugin_ctl in criu"; fi
		local resolved
		resolved=$(ldd "$CRIU" | awk '/libcriu-plugin/ {print $3}')
		if [ -n "$resolved" ] && [ "$(readlink -f "$resolved")" = "$(readlink -f "$LIBCRIU_PLUGIN_DIR/libcriu-plugin.so.1")" ]; then
			ok "ldd: criu finds libcriu-plugin.so.1 at $resolved (through its run path)"
		else
			bad "ldd: criu does not resolve libcriu-plugin.so.1 to $LIBCRIU_PLUGIN_DIR ($(ldd "$CRIU" | grep libcriu-plugin))"
		fi
	else
		if grep -Eq ' T cr_plugin_init$' <<<"$(nm "$CRIU")"; then ok "nm: cr_plugin_init is defined (T) in criu (its own plugin.c)"; else bad "nm: cr_plugin_init not defined in stock criu"; fi
	fi
	end
}

# ---- step 2: criu check -------------------------------------------------------------
step2() {
	begin 2
	local out rc
	out=$("$CRIU" check 2>&1)
	rc=$?
	echo "$out" | sed 's/^/      /'
	[ "$rc" = 0 ] && ok "criu check exited 0" || bad "criu check exited $rc"
	grep -q "Looks good" <<<"$out" && ok "criu check: Looks good." || bad "criu check did not say 'Looks good.'"
	end
}

# ---- step 3 -------------------------------------------------------------------------
step3() {
	begin 3
	cycle "$WORK/step3" "$BUILD/plugins" ""
	end
}

# ---- step 4: inventory --------------------------------------------------------------
step4() {
	begin 4
	local d=$WORK/step4 rc inv
	rm -rf "$d"
	mkdir -p "$d/img" "$d/without-enabled"
	cp "$BUILD/plugins/amdgpu_plugin.so" "$BUILD/plugins/cuda_plugin.so" \
		"$BUILD/plugins/inventory_test_disabled_plugin.so" "$d/without-enabled/"
	if ! start_workload "$d"; then
		bad "workload did not start"
		end
		return
	fi
	criu_env "$CRIU" dump -t "$WL_PID" -D "$d/img" -o dump.log -v4 --libdir "$BUILD/plugins"
	rc=$?
	[ "$rc" = 0 ] || kill -9 "$WL_PID" 2>/dev/null
	reap_workload
	[ "$rc" = 0 ] && ok "criu dump exited 0" || bad "criu dump exited $rc (log $d/img/dump.log)"
	inv=$(cd "$SRC" && PYTHONPATH="$SRC/lib:$SRC/crit${PYTHONPATH:+:$PYTHONPATH}" python3 -m crit show "$d/img/inventory.img" 2>&1)
	rc=$?
	echo "$inv" >"$d/inventory.json"
	if [ "$rc" = 0 ]; then ok "crit show inventory.img (saved as $d/inventory.json)"; else bad "crit show inventory.img exited $rc: $(echo "$inv" | tail -n 3)"; fi
	python3 - "$d/inventory.json" <<'EOF'
import json, sys
try:
    inv = json.load(open(sys.argv[1]))
    plugins = inv["entries"][0]["plugins_entry"]["plugins"]
except Exception as e:
    print("  FAIL: inventory.img has no plugins_entry.plugins list: %r" % (e,))
    sys.exit(1)
print("      plugins_entry.plugins = %s" % plugins)
sys.exit(0 if "inventory_test_enabled_plugin" in plugins and "inventory_test_disabled_plugin" not in plugins else 1)
EOF
	if [ $? = 0 ]; then
		ok "inventory.img lists inventory_test_enabled_plugin (and not the disabled one)"
	else
		bad "inventory.img's plugin list is wrong"
	fi
	criu_env "$CRIU" restore -d -D "$d/img" -o restore-without-enabled.log -v4 \
		--libdir "$d/without-enabled" --pidfile "$d/restored.pid"
	rc=$?
	if [ -s "$d/restored.pid" ]; then
		PIDS+=("$(cat "$d/restored.pid")")
		kill -9 "$(cat "$d/restored.pid")" 2>/dev/null
	fi
	[ "$rc" != 0 ] && ok "restore without the enabled plugin fails (exit $rc)" || bad "restore without inventory_test_enabled_plugin succeeded"
	check_log "restore log says the plugin is missing" "$d/img/restore-without-enabled.log" \
		"Missing required plugin: inventory_test_enabled_plugin"
	end
}

# ---- step 5: zdtm -------------------------------------------------------------------
# zdtm_run NAME PLUGIN... -- ZDTM ARGS...: runs zdtm.py with --keep-img always,
# then checks each kept dump/restore log shows each PLUGIN loaded
zdtm_run() {
	local name=$1 plugins=() log rc p f n
	shift
	while [ "$1" != -- ]; do
		plugins+=("$1")
		shift
	done
	shift
	log=$WORK/zdtm-$name.log
	rm -rf "$SRC/test/dump"
	echo "  running (in $SRC/test): ./zdtm.py run $* --keep-img always"
	(cd "$SRC/test" && timeout 300 ./zdtm.py run "$@" --keep-img always) >"$log" 2>&1
	rc=$?
	grep -E "^=+ Test .* (PASS|FAIL)" "$log" | sed 's/^/      /'
	if [ "$rc" = 0 ]; then ok "zdtm $name exited 0"; else
		bad "zdtm $name exited $rc (log $log)"
		tail -n 30 "$log" | sed 's/^/      | /'
	fi
	n=0
	for f in $(find "$SRC/test/dump" -name 'dump.log' -o -name 'restore.log' 2>/dev/null); do
		n=$((n + 1))
		for p in "${plugins[@]}"; do
			grep -Eq "Plugin \"$p\" \(version 512 hooks [0-9]+\)" "$f" ||
				bad "zdtm $name: ${f#"$SRC"/test/} does not show plugin $p loaded"
		done
	done
	if [ "$n" -ge 2 ]; then ok "zdtm $name: ${plugins[*]} loaded in all $n kept dump/restore logs"; else bad "zdtm $name: kept only $n dump/restore logs"; fi
	rm -rf "$SRC/test/dump"
}
step5() {
	begin 5
	zdtm_run inventory inventory_test_enabled_plugin inventory_test_disabled_plugin -- \
		-t zdtm/static/busyloop00 -f uns --criu-plugin inventory_test_enabled inventory_test_disabled
	zdtm_run cuda cuda_plugin -- \
		-t zdtm/static/sigpending -t zdtm/static/pthread00 -f uns --mocked-cuda-checkpoint --fault 138
	end
}

# ---- step 6: bad plugin ---------------------------------------------------------------
step6() {
	begin 6
	local d=$WORK/step6 rc
	rm -rf "$d"
	mkdir -p "$d/img" "$d/lib"
	cp "$BUILD"/plugins/*.so "$d/lib/"
	if gcc -Wall -Werror -shared -fPIC -iquote "$SRC/criu/include" -o "$d/lib/e2e_bad_plugin.so" "$HERE/bad_plugin.c"; then
		ok "built e2e_bad_plugin.so (descriptor version 0.3.0, CRIU's header)"
	else
		bad "could not build bad_plugin.c"
		end
		return
	fi
	if ! start_workload "$d"; then
		bad "workload did not start"
		end
		return
	fi
	criu_env "$CRIU" dump -t "$WL_PID" -D "$d/img" -o dump.log -v4 --libdir "$d/lib"
	rc=$?
	[ "$rc" != 0 ] && ok "criu dump fails (exit $rc)" || bad "criu dump succeeded with a version-0.3.0 plugin in --libdir"
	check_log "dump log has the loader's refusal" "$d/img/dump.log" "$BAD_PLUGIN_RE"
	grep -E -- "$BAD_PLUGIN_RE" "$d/img/dump.log" | head -n 3 | sed 's/^/      /'
	check_log "dump log ends in Dumping FAILED" "$d/img/dump.log" "Dumping FAILED"
	if grep -q "Dumping finished successfully" "$d/img/dump.log"; then bad "dump log says it finished successfully"; fi
	if kill -0 "$WL_PID" 2>/dev/null && advancing "$d"; then
		ok "the process is still running (pid $WL_PID, count $(count_of "$d"))"
	else
		bad "the process did not survive the failed dump"
	fi
	kill -9 "$WL_PID" 2>/dev/null
	reap_workload
	end
}

# ---- step 7: plugins built with this project's header -------------------------------------
step7() {
	begin 7
	local hooks
	if [ ! -d "$BUILD/plugins-ourhdr" ]; then
		bad "no plugins built with this project's criu-plugin.h (no header found; see build-criu.sh)"
		end
		return
	fi
	hooks=$(cat "$BUILD/ourhdr-max-hooks")
	ok "this project's header: CR_PLUGIN_HOOK__MAX = $hooks (CRIU 4.1.1's: $(cat "$BUILD/criu-max-hooks"))"
	cycle "$WORK/step7" "$BUILD/plugins-ourhdr" "$hooks"
	end
}

# ---- main -----------------------------------------------------------------------------------
echo "run-e2e: LOADER=$LOADER steps: $STEPS"
[ "$LOADER" = rust ] && echo "run-e2e: library: $LIBCRIU_PLUGIN_DIR"
if [ "$(id -u)" != 0 ]; then
	loud "run-e2e needs root (CRIU dumps and restores processes): the test FAILS"
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi
rm -rf "$WORK"
mkdir -p "$WORK"
if ! gcc -O2 -Wall -Werror -o "$COUNTER" "$HERE/counter.c"; then
	loud "could not build the workload"
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi

for s in $STEPS; do
	case $s in
	1 | 2 | 3 | 4 | 5 | 6 | 7) ;;
	*)
		echo "run-e2e: unknown step $s" >&2
		exit 2
		;;
	esac
	if [ "$s" != 1 ] && [ "${RESULT[1]:-}" != PASS ] && [ ! -x "$CRIU" ]; then
		begin "$s"
		bad "no CRIU build (step 1 did not pass)"
		end
		continue
	fi
	if [ "$s" != 1 ] && [ "${RESULT[1]:-}" = FAIL ]; then
		begin "$s"
		bad "step 1 failed: not running against a stale build"
		end
		continue
	fi
	"step$s"
done

passed=0
failed=0
echo ""
echo "=== summary (LOADER=$LOADER, $((SECONDS - T_START)) s)"
for s in $ALL_STEPS; do
	r=${RESULT[$s]:-not run}
	echo "  step $s: $r  ${TITLE[$s]}"
	case $r in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	esac
done
if [ "$STEPS" != "$ALL_STEPS" ]; then
	echo "run-e2e: PARTIAL RUN (E2E_STEPS=$STEPS): this is not a full pass"
fi
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
