#!/bin/bash
# run-e2e.sh: the end-to-end test. For each CRIU release (4.1.1 and 4.2.1),
# builds it stock and with contrib/criu/criu-libcriu-plugin.patch against a
# staged install of this repository's library, then checkpoints and restores
# a live process with CRIU's own plugins, runs CRIU's zdtm plugin tests,
# compares what both loaders log, and loads plugins built with this
# project's header. Prints one PASS or FAIL line per step and release, a
# closing "e2e: N passed, N failed" line, and exits non-zero on any failure.
# A step that cannot run FAILS; nothing is skipped.
#
# Needs root, ctests/e2e/deps.sh's packages, `make lib` done, and the
# network to Debian's archive the first time (tarballs are cached in .cache/).
#
# Environment:
#   CRIU_VERSION         releases to test, e.g. "4.2.1" (default: all of
#                        releases.sh, "4.1.1 4.2.1"; fewer says PARTIAL RUN)
#   E2E_STEPS            steps to run, default "1 2 3 4 5 6 7 8 9 10" (fewer
#                        says PARTIAL RUN and is not a full pass)
#   CRIU_PLUGIN_HEADER   this project's criu-plugin.h (default include/)
#   E2E_CACHE            cache folder (default <repo>/.cache)
#   E2E_REBUILD=1        rebuild CRIU even if the cached build is current
set -uo pipefail

# ---- patterns a maintainer may need to adjust ---------------------------------
# Step 7: the line this library logs when it refuses the version-0.3.0 plugin,
# like: Refusing plugin /path/e2e_bad_plugin.so: version 0.3.0 is newer than
# the supported 0.2.0
BAD_PLUGIN_RE='Refusing plugin .*e2e_bad_plugin\.so.*version 0\.3\.0'
# Step 4: the line (debug level) saying the library knows the layout of this
# CRIU's opts; %SIZE% and %OFFSET% are the release's (releases.sh). Like:
# The host's `opts' is 512 bytes: the layout of CRIU 4.2, 4.2.1, ...; --libdir
# is read at offset 160
OPTS_LAYOUT_RE="The host's .opts' is %SIZE% bytes: .*--libdir is read at offset %OFFSET%\$"
# ------------------------------------------------------------------------------

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export E2E_CACHE=${E2E_CACHE:-$REPO/.cache}
# shellcheck source=releases.sh
. "$HERE/releases.sh"
RELEASES=${CRIU_VERSION:-$CRIU_RELEASES_ALL}
ALL_STEPS="1 2 3 4 5 6 7 8 9 10"
STEPS=${E2E_STEPS:-$ALL_STEPS}
T_START=$SECONDS
# CRIU_VERSION is also one of CRIU's make variables: not beyond this point.
unset CRIU_VERSION MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS
# Debian's tools first: zdtm.py and crit run with Debian's python3 and its
# python3-yaml / python3-protobuf (a python3 earlier on PATH, say a pyenv
# shim, is not used).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
PY=/usr/bin/python3
# The inspection tool (make inspect), for step 5.
INSPECT=${CRIU_PLUGIN_INSPECT:-$REPO/target/release/criu-plugin-inspect}

# Descriptors above 2 the caller left open (a make job server's pipe, a
# harness's log) are closed here, so no process this test starts inherits
# one (counter.c closes its own as well). Bash reads this script through
# one of them; that one stays.
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] 2>/dev/null || continue
	[ "$(readlink "/proc/$$/fd/$fd" 2>/dev/null)" = "$HERE/run-e2e.sh" ] && continue
	eval "exec $fd>&-" 2>/dev/null
done

PLUGINS4="amdgpu_plugin cuda_plugin inventory_test_enabled_plugin inventory_test_disabled_plugin"

# ---- reporting ---------------------------------------------------------------
declare -A RESULT=()
REL=
STEP=
STEP_OK=1
STEP_T0=0
TITLE=()
TITLE[1]="stock CRIU builds with its own loader"
TITLE[2]="CRIU with the patch builds against the staged library (and without it)"
TITLE[3]="criu check"
TITLE[4]="dump and restore a live process with the four plugins"
TITLE[5]="inventory.img names the enabled plugin; restore without it, or with it skipped, fails; criu-plugin-inspect --images agrees"
TITLE[6]="zdtm: busyloop00 with the inventory plugins; sigpending, pthread00 with mocked cuda"
TITLE[7]="a bad plugin (version 0.3.0) fails the dump cleanly"
TITLE[8]="stock and library loaders log the same plugins and hook calls"
TITLE[9]="plugins built with this project's header (newest hooks) in the library build"
TITLE[10]="plugins built with this project's header for this release, in stock CRIU"

begin() {
	STEP=$1
	STEP_OK=1
	STEP_T0=$SECONDS
	echo ""
	echo "=== CRIU $REL step $STEP: ${TITLE[$STEP]}"
}
ok() { echo "  ok: $*"; }
bad() {
	echo "  FAIL: $*"
	STEP_OK=0
}
end() {
	local dt=$((SECONDS - STEP_T0)) r=FAIL
	[ "$STEP_OK" = 1 ] && r=PASS
	RESULT[$REL/$STEP]=$r
	echo "$r CRIU $REL step $STEP: ${TITLE[$STEP]} (${dt} s)"
}
loud() {
	echo ""
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
	echo "!!! $*"
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
}
# check_log DESCRIPTION FILE ERE: FILE has a line matching ERE
check_log() {
	if grep -Eq -- "$3" "$2" 2>/dev/null; then
		ok "$1"
	else
		bad "$1: no line matching /$3/ in $2"
	fi
}
# check_no_log DESCRIPTION FILE ERE: FILE has no line matching ERE
check_no_log() {
	if grep -Eq -- "$3" "$2" 2>/dev/null; then
		bad "$1: $2 has: $(grep -E -m1 -- "$3" "$2" | cut -c1-200)"
	else
		ok "$1"
	fi
}
# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: got '$2', want '$3'"; fi
}
# first line number in FILE matching ERE (0 when none)
line_of() {
	local n
	n=$(grep -En -m1 -- "$2" "$1" 2>/dev/null | cut -d: -f1)
	echo "${n:-0}"
}

# ---- processes and folders this script made: cleaned up on exit ------------
PIDS=()
TMPDIRS=()
COUNTER=
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		# only if that pid is still one of ours (the workload or its unshare)
		if [ -n "$COUNTER" ] && grep -qF "$COUNTER" "/proc/$p/cmdline" 2>/dev/null; then
			kill -9 "$p" 2>/dev/null
		fi
	done
	for p in "${TMPDIRS[@]}"; do rm -rf "$p"; done
}
trap cleanup EXIT

want() { [[ " $STEPS " == *" $1 "* ]]; }

# ---- per-release paths (set by use_release) ----------------------------------
use_release() {
	REL=$1
	criu_release "$REL"
	STOCK=$E2E_CACHE/criu-$REL/stock
	LIB=$E2E_CACHE/criu-$REL/lib
	STOCK_SRC=$STOCK/$R_DIRNAME
	LIB_SRC=$LIB/$R_DIRNAME
	WORK=$E2E_CACHE/e2e-run/$REL
	rm -rf "$WORK"
	mkdir -p "$WORK"
}

# ---- workload -------------------------------------------------------------------
WL_UNSHARE=
WL_PID=
# start_workload DIR: counter as pid 1 of its own pid namespace, in the host
# mount namespace; sets WL_UNSHARE (unshare's pid) and WL_PID (its child, the
# pid CRIU dumps). It is started with descriptor 9 open, which it must close.
start_workload() {
	local d=$1 i fds
	WL_PID=
	rm -f "$d/count"
	unshare -pf setsid "$COUNTER" "$d/count" </dev/null >/dev/null 2>&1 9<"$COUNTER" &
	WL_UNSHARE=$!
	PIDS+=("$WL_UNSHARE")
	for i in $(seq 50); do
		WL_PID=$(pgrep -P "$WL_UNSHARE" | head -n1)
		if [ -n "$WL_PID" ] && [ -s "$d/count" ]; then
			PIDS+=("$WL_PID")
			# Only 0, 1 and 2, once the counter is between two ticks (each
			# tick holds its count file open for a moment, as descriptor 3).
			for i in $(seq 20); do
				fds=$(ls "/proc/$WL_PID/fd" 2>/dev/null | sort -n | tr '\n' ' ')
				[ "$fds" = "0 1 2 " ] && break
				sleep 0.01
			done
			if [ "$fds" != "0 1 2 " ]; then
				bad "workload $WL_PID has descriptors '$fds', want only 0 1 2 (it was started with 9 open)"
			fi
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
# criu_env SRC CMD...: runs CMD (at most 120 s) with SRC's mocked
# cuda-checkpoint first on PATH and fault 138 (the mock's protocol)
criu_env() {
	local src=$1
	shift
	PATH="$src/test/cuda-checkpoint:$PATH" CRIU_FAULT=138 timeout 120 "$@"
}

# check_plugins_loaded LOG HOOKS-OF-AMDGPU HOOKS-OF-THE-OTHERS: every plugin
# logged as loaded, with its hook count
check_plugins_loaded() {
	local log=$1 p n
	for p in $PLUGINS4; do
		n=$3
		[ "$p" = amdgpu_plugin ] && n=$2
		check_log "$(basename "$log"): plugin $p loaded (version 512 hooks $n)" "$log" \
			"^\([ 0-9.]+\) Plugin \"$p\" \(version 512 hooks $n\)\$"
	done
}

# cycle CRIU SRC DIR PLUGINDIR AMDGPU-HOOKS OTHER-HOOKS: dump a running counter
# with CRIU (built in tree SRC) and the plugins of PLUGINDIR, restore it,
# check the logs and that it counts on
cycle() {
	local criu=$1 src=$2 d=$3 libdir=$4 h_amd=$5 h_other=$6 rc before after dumped restored n_amd n_cuda L
	rm -rf "$d"
	mkdir -p "$d/img"
	if ! start_workload "$d"; then
		bad "workload did not start"
		return
	fi
	ok "workload running: pid $WL_PID (pid 1 of its pid namespace, descriptors 0-2 only), count $(count_of "$d")"

	criu_env "$src" "$criu" dump -t "$WL_PID" -D "$d/img" -o dump.log -v4 --libdir "$libdir"
	rc=$?
	dumped=$(count_of "$d")
	if [ "$rc" = 0 ]; then
		ok "criu dump exited 0 (count at dump: $dumped)"
	else
		bad "criu dump exited $rc (log $d/img/dump.log)"
		grep -E 'Error|has .* assigned while max|Plugin ' "$d/img/dump.log" | head -n 5 | sed 's/^/      | /'
		kill -9 "$WL_PID" 2>/dev/null
	fi
	reap_workload
	L=$d/img/dump.log
	check_plugins_loaded "$L" "$h_amd" "$h_other"
	check_log "dump: cuda PAUSE_DEVICES (hook 10) called through the chain" "$L" "plugin: \`cuda_plugin' hook 10 -> "
	check_log "dump: cuda pauses the task" "$L" "cuda_plugin: pausing devices on pid $WL_PID\$"
	check_log "dump: cuda CHECKPOINT_DEVICES (hook 11) called through the chain" "$L" "plugin: \`cuda_plugin' hook 11 -> "
	check_log "dump: cuda checkpoints the task" "$L" "cuda_plugin: Checkpointing CUDA devices on pid $WL_PID "
	check_log "dump: cuda_plugin finished with err 0" "$L" "cuda_plugin: finished cuda_plugin stage 0 err 0\$"
	check_log "dump: amdgpu_plugin finished" "$L" "amdgpu_plugin: finished +amdgpu_plugin"
	check_log "dump: Dumping finished successfully" "$L" "Dumping finished successfully"
	[ "$rc" = 0 ] || return

	criu_env "$src" "$criu" restore -d -D "$d/img" -o restore.log -v4 --libdir "$libdir" --pidfile "$d/restored.pid"
	rc=$?
	restored=$(cat "$d/restored.pid" 2>/dev/null)
	[ -n "$restored" ] && PIDS+=("$restored")
	if [ "$rc" = 0 ]; then ok "criu restore exited 0 (restored pid $restored)"; else bad "criu restore exited $rc (log $d/img/restore.log)"; fi
	L=$d/img/restore.log
	check_plugins_loaded "$L" "$h_amd" "$h_other"
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

# nm_has DESCRIPTION FILE ERE [nm options]: a line of `nm` of FILE matches
nm_has() {
	local what=$1 f=$2 re=$3 out
	shift 3
	out=$(nm "$@" "$f" 2>&1)
	if grep -Eq -- "$re" <<<"$out"; then ok "$what"; else bad "$what: no nm line matching /$re/ in $f"; fi
}
# needs_lib FILE: FILE's dynamic section names libcriu-plugin
needs_lib() { grep -q 'NEEDED.*libcriu-plugin' <<<"$(readelf -d "$1" 2>/dev/null)"; }

# need KIND: the step uses the KIND (stock|lib) build of this release: the
# one step 1 (stock) or 2 (lib) made, or, when that step is not run, the one
# cached from an earlier run
declare -A BUILT=()
need() {
	local n=1 dir=$STOCK
	[ "$1" = lib ] && n=2 && dir=$LIB
	case ${BUILT[$REL/$1]:-} in
	yes) return 0 ;;
	no)
		bad "the $1 build of CRIU $REL failed (step $n): not running against it"
		return 1
		;;
	esac
	if [ -f "$dir/BUILD-KEY" ] && [ -x "$dir/$R_DIRNAME/criu/criu" ]; then
		ok "step $n not run: using the $1 build cached in $dir"
		return 0
	fi
	bad "no $1 build of CRIU $REL (step $n not run)"
	return 1
}

# fetched_and_built KIND DIR: fetches CRIU $REL's source and builds it as
# KIND (stock or lib) into DIR; says why and fails when either step does.
fetched_and_built() {
	if ! timeout 600 "$HERE/fetch-criu.sh" "$REL"; then
		loud "CRIU $REL's source could not be fetched: the end-to-end test CANNOT RUN and FAILS"
		bad "no CRIU $REL source"
		return 1
	fi
	if ! timeout 1800 "$HERE/build-criu.sh" "$REL" "$1" "$2"; then
		bad "build-criu.sh $REL $1 failed or timed out after 30 min (log $2/build.log)"
		return 1
	fi
}

# ---- step 1: the stock build ------------------------------------------------------
step1() {
	begin 1
	BUILT[$REL/stock]=no
	if ! fetched_and_built stock "$STOCK"; then
		end
		return
	fi
	BUILT[$REL/stock]=yes
	ok "built in $STOCK"
	local criu=$STOCK_SRC/criu/criu got
	nm_has "nm: cr_plugin_init is defined (T) in criu (its own plugin.c)" "$criu" ' T cr_plugin_init$'
	got=$(nm -S "$criu" 2>/dev/null)
	got=$(awk '$4 == "cr_plugin_ctl" && $3 ~ /^[BbDd]$/ { print $2 }' <<<"$got")
	check_eq "criu's own cr_plugin_ctl: its size is 16 * (1 + CR_PLUGIN_HOOK__MAX $R_HOOKS)" "$((16#${got:-0}))" "$((16 * (1 + R_HOOKS)))"
	if needs_lib "$criu"; then bad "stock criu needs libcriu-plugin"; else ok "stock criu does not need libcriu-plugin"; fi
	if grep -q LIBCRIU_PLUGIN "$STOCK_SRC/Makefile.config" "$STOCK_SRC/criu/Makefile" "$STOCK_SRC/criu/Makefile.crtools"; then
		bad "the stock tree has the patch applied"
	else
		ok "the stock tree is CRIU $REL as released (the patch is not applied)"
	fi
	[ -f "$STOCK_SRC/criu/plugin.o" ] && ok "criu/plugin.o was built" || bad "criu/plugin.o was not built"
	check_eq "CR_PLUGIN_HOOK__MAX of CRIU $REL's criu-plugin.h" "$(cat "$STOCK/criu-max-hooks" 2>/dev/null)" "$R_HOOKS"
	got=$(nm -S "$criu" 2>/dev/null)
	got=$(awk '$4 == "opts" { print $2 }' <<<"$got")
	check_eq "size of criu's opts (struct cr_options)" "$((16#${got:-0}))" "$R_OPTS_SIZE"
	got=$(timeout 60 gdb -batch -ex 'print (unsigned long)&((struct cr_options *)0)->libdir' "$criu" 2>/dev/null | sed -n 's/^\$1 = //p')
	check_eq "offsetof(struct cr_options, libdir) in criu's debug information" "$got" "$R_LIBDIR_OFF"
	end
}

# ---- step 2: the library build ---------------------------------------------------
step2() {
	begin 2
	BUILT[$REL/lib]=no
	if [ ! -e "$REPO/build/lib/libcriu-plugin.so.1" ]; then
		loud "$REPO/build/lib/libcriu-plugin.so.1 does not exist: build the library first (make lib at the repo top)"
		bad "no library built"
		end
		return
	fi
	if ! fetched_and_built lib "$LIB"; then
		end
		return
	fi
	BUILT[$REL/lib]=yes
	ok "built in $LIB"
	local criu=$LIB_SRC/criu/criu pcdir pclibs pclibdir resolved f
	pcdir=$(sed -n 's/^PKG_CONFIG_PATH=//p' "$LIB/pkg-config.env")
	pclibs=$(PKG_CONFIG_PATH=$pcdir pkg-config --libs criu-plugin | sed 's/ *$//')
	pclibdir=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir criu-plugin)
	ok "staged install: PKG_CONFIG_PATH=$pcdir; pkg-config --libs criu-plugin: $pclibs; libdir $pclibdir"

	# the patch, applied as it is
	sed 's/^/      /' "$LIB/patch.log"
	if [ "$(grep -c '^patching file' "$LIB/patch.log")" = 4 ] && ! grep -Eq 'Hunk|fuzz|FAILED|offset|reject' "$LIB/patch.log"; then
		ok "contrib/criu/criu-libcriu-plugin.patch applies to CRIU $REL with patch -p1, exactly (4 files, no offset, no fuzz)"
	else
		bad "the patch did not apply exactly (see $LIB/patch.log)"
	fi
	check_log "make: Makefile.config found criu-plugin with pkg-config" "$LIB/make-criu.log" \
		'^Note: Building with libcriu-plugin as the plugin loader\.$'
	if grep -qF -- " $pclibs " <<<"$(grep -E -- '-o criu/criu$' "$LIB/make-criu.log")"; then
		ok "criu's link line has \`pkg-config --libs criu-plugin\`"
	else
		bad "criu's link line in $LIB/make-criu.log does not have '$pclibs'"
	fi

	# the result
	# (nm names a versioned symbol name@NODE in criu, name@@NODE in the library)
	nm_has "nm: cr_plugin_init is undefined (U) in criu" "$criu" '^ +U cr_plugin_init(@LIBCRIU_PLUGIN_[0-9.]+)?$'
	nm_has "nm: cr_plugin_fini is undefined (U) in criu" "$criu" '^ +U cr_plugin_fini(@LIBCRIU_PLUGIN_[0-9.]+)?$'
	nm_has "nm: cr_plugin_ctl is B in criu (a copy of the library's)" "$criu" ' B cr_plugin_ctl(@LIBCRIU_PLUGIN_[0-9.]+)?$' -D
	nm_has "nm: cr_plugin_init is defined (T) in the staged library" "$pclibdir/libcriu-plugin.so" ' T cr_plugin_init(@@LIBCRIU_PLUGIN_[0-9.]+)?$' -D --defined-only
	nm_has "nm: cr_plugin_ctl is a data symbol of the staged library" "$pclibdir/libcriu-plugin.so" ' [BD] cr_plugin_ctl(@@LIBCRIU_PLUGIN_[0-9.]+)?$' -D --defined-only
	if grep -Eq 'R_X86_64_COPY .* cr_plugin_ctl' <<<"$(readelf -rW "$criu")"; then ok "criu holds a copy of cr_plugin_ctl (R_X86_64_COPY)"; else bad "no R_X86_64_COPY relocation for cr_plugin_ctl in criu"; fi
	[ ! -e "$LIB_SRC/criu/plugin.o" ] && ok "criu/plugin.o was not built" || bad "criu/plugin.o was built"
	resolved=$(ldd "$criu" | awk '/libcriu-plugin/ {print $3}')
	if [ -n "$resolved" ] && [ "$(readlink -f "$resolved")" = "$(readlink -f "$pclibdir/libcriu-plugin.so.1")" ]; then
		ok "ldd: criu finds libcriu-plugin.so.1 at $resolved (run path = pkg-config's libdir)"
	else
		bad "ldd: criu does not resolve libcriu-plugin.so.1 to $pclibdir ($(ldd "$criu" | grep libcriu-plugin))"
	fi
	# contrib/criu's patch puts -lc before the library: the dynamic linker
	# searches criu's DT_NEEDED in order, so lookups that end in libc do not
	# pass the loader's table.
	local needed
	needed=" $(readelf -dW "$criu" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | xargs) "
	if [[ $needed == *" libc.so.6 "*" libcriu-plugin.so.1 "* ]]; then
		ok "criu needs libc.so.6 before libcriu-plugin.so.1"
	else
		bad "criu's NEEDED list does not put libc.so.6 before libcriu-plugin.so.1:$needed"
	fi

	# the same patched tree, without the library (built in a copy: criu/criu
	# and criu/built-in.o removed, make criu run again)
	for f in NO_LIBCRIU_PLUGIN no-pkgconfig; do
		local fc=$LIB/fallback/criu-$f fl=$LIB/fallback/make-$f.log how
		if [ $f = NO_LIBCRIU_PLUGIN ]; then how="make NO_LIBCRIU_PLUGIN=1, pkg-config finding criu-plugin"; else how="pkg-config not finding criu-plugin"; fi
		check_log "patched tree, $how: Makefile.config chose criu/plugin.c" "$fl" \
			'^Note: Building with the built-in plugin loader \(criu/plugin\.c\)\.$'
		check_log "patched tree, $how: criu/plugin.c compiled" "$fl" '^gcc -c .* criu/plugin\.c( |$)'
		if grep -q -- '-lcriu-plugin' <<<"$(grep -E -- '-o criu/criu$' "$fl")"; then
			bad "patched tree, $how: criu linked with -lcriu-plugin"
		elif grep -Eq -- '-o criu/criu$' "$fl"; then
			ok "patched tree, $how: criu linked without -lcriu-plugin"
		else
			bad "patched tree, $how: no link line of criu/criu in $fl"
		fi
		nm_has "patched tree, $how: cr_plugin_init defined (T) in criu" "$fc" ' T cr_plugin_init$'
		if [ -x "$fc" ] && ! needs_lib "$fc"; then ok "patched tree, $how: criu does not need libcriu-plugin"; else bad "patched tree, $how: $fc missing or needs libcriu-plugin"; fi
	done
	if grep -q 'Looks good' <<<"$(timeout 60 "$LIB/fallback/criu-no-pkgconfig" check 2>&1)"; then
		ok "patched tree without pkg-config finding criu-plugin: its criu check says Looks good."
	else
		bad "$LIB/fallback/criu-no-pkgconfig check did not say Looks good."
	fi
	end
}

# ---- step 3: criu check ----------------------------------------------------------
step3() {
	begin 3
	local out rc kind src
	for kind in stock lib; do
		need "$kind" || continue
		src=$STOCK_SRC
		[ "$kind" = lib ] && src=$LIB_SRC
		out=$(timeout 60 "$src/criu/criu" check 2>&1)
		rc=$?
		echo "$out" | sed "s/^/      $kind: /"
		[ "$rc" = 0 ] && ok "$kind: criu check exited 0" || bad "$kind: criu check exited $rc"
		grep -q "Looks good" <<<"$out" && ok "$kind: criu check: Looks good." || bad "$kind: criu check did not say 'Looks good.'"
	done
	end
}

# ---- step 4: the four plugins ----------------------------------------------------
step4() {
	begin 4
	if need lib; then
		cycle "$LIB_SRC/criu/criu" "$LIB_SRC" "$WORK/step4" "$LIB/plugins" "$R_HOOKS" "$R_HOOKS"
		local re=${OPTS_LAYOUT_RE//%SIZE%/$R_OPTS_SIZE}
		check_log "dump: the library reads --libdir from CRIU $REL's opts ($R_OPTS_SIZE bytes, offset $R_LIBDIR_OFF)" \
			"$WORK/step4/img/dump.log" "${re//%OFFSET%/$R_LIBDIR_OFF}"
	fi
	end
}

# ---- step 5: inventory --------------------------------------------------------------
step5() {
	begin 5
	need lib || {
		end
		return
	}
	local d=$WORK/step5 rc inv criu=$LIB_SRC/criu/criu
	rm -rf "$d"
	mkdir -p "$d/img" "$d/without-enabled"
	cp "$LIB/plugins/amdgpu_plugin.so" "$LIB/plugins/cuda_plugin.so" \
		"$LIB/plugins/inventory_test_disabled_plugin.so" "$d/without-enabled/"
	if ! start_workload "$d"; then
		bad "workload did not start"
		end
		return
	fi
	criu_env "$LIB_SRC" "$criu" dump -t "$WL_PID" -D "$d/img" -o dump.log -v4 --libdir "$LIB/plugins"
	rc=$?
	[ "$rc" = 0 ] || kill -9 "$WL_PID" 2>/dev/null
	reap_workload
	[ "$rc" = 0 ] && ok "criu dump exited 0" || bad "criu dump exited $rc (log $d/img/dump.log)"
	inv=$(cd "$LIB_SRC" && PYTHONPATH="$LIB_SRC/lib:$LIB_SRC/crit" timeout 60 "$PY" -m crit show "$d/img/inventory.img" 2>&1)
	rc=$?
	echo "$inv" >"$d/inventory.json"
	if [ "$rc" = 0 ]; then ok "crit show inventory.img with $PY (saved as $d/inventory.json)"; else bad "crit show inventory.img exited $rc: $(echo "$inv" | tail -n 3)"; fi
	"$PY" - "$d/inventory.json" <<'EOF'
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
	criu_env "$LIB_SRC" "$criu" restore -d -D "$d/img" -o restore-without-enabled.log -v4 \
		--libdir "$d/without-enabled" --pidfile "$d/restored.pid"
	rc=$?
	if [ -s "$d/restored.pid" ]; then
		PIDS+=("$(cat "$d/restored.pid")")
		kill -9 "$(cat "$d/restored.pid")" 2>/dev/null
	fi
	[ "$rc" != 0 ] && ok "restore without the enabled plugin fails (exit $rc)" || bad "restore without inventory_test_enabled_plugin succeeded"
	check_log "restore log: CRIU's \"Missing required plugin\"" "$d/img/restore-without-enabled.log" \
		"Missing required plugin: inventory_test_enabled_plugin"

	# The same answer before the restore, from criu-plugin-inspect --images:
	# it reads inventory.img itself and judges the folder as the loader would.
	"$INSPECT" --json --images "$d/img" "$LIB/plugins" >"$d/images-all.json" 2>"$d/images-all.err"
	rc=$?
	[ "$rc" = 0 ] && ok "criu-plugin-inspect --images: the full plugin folder satisfies the images (exit 0)" ||
		bad "criu-plugin-inspect --images on the full folder exited $rc ($(tail -n 2 "$d/images-all.err"))"
	"$PY" - "$d/inventory.json" "$d/images-all.json" <<'EOF2'
import json, sys
crit = json.load(open(sys.argv[1]))["entries"][0]["plugins_entry"]["plugins"]
tool = json.load(open(sys.argv[2]))
names = [n["name"] for n in tool["needed"]]
ok = sorted(names) == sorted(crit) and tool["satisfied"] and not tool["missing"]
print("      the tool lists %s; crit lists %s" % (names, crit))
sys.exit(0 if ok else 1)
EOF2
	[ $? = 0 ] && ok "criu-plugin-inspect --images lists the plugins crit shows in inventory.img" ||
		bad "criu-plugin-inspect --images and crit disagree on inventory.img"
	"$INSPECT" --images "$d/img" "$d/without-enabled" >"$d/images-without.out" 2>&1
	rc=$?
	[ "$rc" = 1 ] && ok "criu-plugin-inspect --images: the folder without the enabled plugin does not (exit 1)" ||
		bad "criu-plugin-inspect --images on the folder without the enabled plugin exited $rc"
	check_log "criu-plugin-inspect --images names the missing plugin as CRIU would" "$d/images-without.out" \
		"^Missing required plugin: inventory_test_enabled_plugin$"

	# CRIU_PLUGIN_SKIP at restore: the loader never opens the skipped plugin,
	# and CRIU's own inventory check fails the restore.
	CRIU_PLUGIN_SKIP=inventory_test_enabled_plugin criu_env "$LIB_SRC" "$criu" restore -d -D "$d/img" \
		-o restore-skipped.log -v4 --libdir "$LIB/plugins" --pidfile "$d/restored-skip.pid"
	rc=$?
	if [ -s "$d/restored-skip.pid" ]; then
		PIDS+=("$(cat "$d/restored-skip.pid")")
		kill -9 "$(cat "$d/restored-skip.pid")" 2>/dev/null
	fi
	[ "$rc" != 0 ] && ok "restore with CRIU_PLUGIN_SKIP naming the enabled plugin fails (exit $rc)" ||
		bad "restore with the enabled plugin skipped succeeded"
	check_log "restore log: the loader skips the plugin" "$d/img/restore-skipped.log" \
		'Skipping plugin .*/inventory_test_enabled_plugin\.so \("inventory_test_enabled_plugin"\): named in CRIU_PLUGIN_SKIP'
	check_log "restore log: then CRIU's \"Missing required plugin\"" "$d/img/restore-skipped.log" \
		"Missing required plugin: inventory_test_enabled_plugin"
	end
}

# ---- step 6: zdtm -------------------------------------------------------------------
# zdtm_run NAME PLUGIN... -- ZDTM ARGS...: runs zdtm.py (Debian's python3)
# with --keep-img always, then checks each kept dump/restore log shows each
# PLUGIN loaded
zdtm_run() {
	local name=$1 plugins=() log rc p f n
	shift
	while [ "$1" != -- ]; do
		plugins+=("$1")
		shift
	done
	shift
	log=$WORK/zdtm-$name.log
	rm -rf "$LIB_SRC/test/dump"
	echo "  running (in $LIB_SRC/test): $PY ./zdtm.py run $* --keep-img always"
	(cd "$LIB_SRC/test" && timeout 300 "$PY" ./zdtm.py run "$@" --keep-img always) >"$log" 2>&1
	rc=$?
	grep -E "^=+ Test .* (PASS|FAIL)" "$log" | sed 's/^/      /'
	if [ "$rc" = 0 ]; then ok "zdtm $name exited 0"; else
		bad "zdtm $name exited $rc (log $log)"
		tail -n 30 "$log" | sed 's/^/      | /'
	fi
	n=0
	while read -r f; do
		n=$((n + 1))
		for p in "${plugins[@]}"; do
			grep -Eq "Plugin \"$p\" \(version 512 hooks $R_HOOKS\)" "$f" ||
				bad "zdtm $name: ${f#"$LIB_SRC"/test/} does not show plugin $p loaded (hooks $R_HOOKS)"
		done
	done < <(find "$LIB_SRC/test/dump" \( -name 'dump.log' -o -name 'restore.log' \) 2>/dev/null)
	if [ "$n" -ge 2 ]; then ok "zdtm $name: ${plugins[*]} loaded in all $n kept dump/restore logs"; else bad "zdtm $name: kept only $n dump/restore logs"; fi
	rm -rf "$LIB_SRC/test/dump"
}
step6() {
	begin 6
	if need lib; then
		zdtm_run inventory inventory_test_enabled_plugin inventory_test_disabled_plugin -- \
			-t zdtm/static/busyloop00 -f uns --criu-plugin inventory_test_enabled inventory_test_disabled
		zdtm_run cuda cuda_plugin -- \
			-t zdtm/static/sigpending -t zdtm/static/pthread00 -f uns --mocked-cuda-checkpoint --fault 138
	fi
	end
}

# ---- step 7: bad plugin ---------------------------------------------------------------
step7() {
	begin 7
	need lib || {
		end
		return
	}
	local d=$WORK/step7 rc criu=$LIB_SRC/criu/criu
	rm -rf "$d"
	mkdir -p "$d/img" "$d/lib"
	cp "$LIB"/plugins/*.so "$d/lib/"
	# CRIU's header alone, as a system header: it has unused parameters
	mkdir -p "$d/include"
	cp "$LIB_SRC/criu/include/criu-plugin.h" "$d/include/"
	if gcc -Wall -Wextra -Werror -shared -fPIC -isystem "$d/include" -o "$d/lib/e2e_bad_plugin.so" "$HERE/bad_plugin.c"; then
		ok "built e2e_bad_plugin.so (descriptor version 0.3.0, CRIU $REL's header)"
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
	criu_env "$LIB_SRC" "$criu" dump -t "$WL_PID" -D "$d/img" -o dump.log -v4 --libdir "$d/lib"
	rc=$?
	[ "$rc" != 0 ] && ok "criu dump fails (exit $rc)" || bad "criu dump succeeded with a version-0.3.0 plugin in --libdir"
	check_log "dump log has the loader's refusal" "$d/img/dump.log" "$BAD_PLUGIN_RE"
	grep -E -- "$BAD_PLUGIN_RE" "$d/img/dump.log" | head -n 3 | sed 's/^/      /'
	check_log "dump log ends in Dumping FAILED" "$d/img/dump.log" "Dumping FAILED"
	check_no_log "dump log does not say it finished successfully" "$d/img/dump.log" "Dumping finished successfully"
	if kill -0 "$WL_PID" 2>/dev/null && advancing "$d"; then
		ok "the process is still running (pid $WL_PID, count $(count_of "$d"))"
	else
		bad "the process did not survive the failed dump"
	fi
	kill -9 "$WL_PID" 2>/dev/null
	reap_workload
	end
}

# ---- step 8: the two loaders side by side ------------------------------------------
# name_ordered_dir FILE...: prints a new folder holding FILEs (copied) whose
# readdir order is the byte order of their names, so CRIU's loader (readdir
# order) and this library (name order) meet the plugins in the same order.
# Where files come back from readdir in creation order (or its reverse), as
# on tmpfs, populating the folder in name order (or its reverse) does that;
# the order is checked with `ls -U` (getdents order). Fails when neither
# works on this test's folder nor in /dev/shm.
name_ordered_dir() {
	local base d order want got f g
	want=$(for f in "$@"; do basename "$f"; done | LC_ALL=C sort | tr '\n' ' ')
	for base in "$WORK" /dev/shm; do
		[ -d "$base" ] && [ -w "$base" ] || continue
		for order in "" -r; do
			d=$(mktemp -d "$base/plugins-ordered.XXXXXX") || continue
			for g in $(for f in "$@"; do echo "$f"; done | LC_ALL=C sort $order); do cp "$g" "$d/"; done
			got=$(ls -U "$d" | tr '\n' ' ')
			if [ "$got" = "$want" ]; then
				echo "$d"
				return 0
			fi
			rm -rf "$d"
		done
	done
	return 1
}
# log_lines LOG: the lines of LOG both loaders must agree on: every
# `Plugin "..."` line with the table of hooks logged after it ("<TAB>   N ->
# ADDR"), and every "plugin: `NAME' hook N" line, without the timestamp, the
# pid prefix and addresses
log_lines() {
	grep -E "Plugin \"|plugin: \`[^']*' hook [0-9]+|^\([ 0-9.]+\) "$'\t'" *[0-9]+ -> " "$1" |
		sed -E -e 's/^\([ 0-9.]+\) *//' -e 's/^ *[0-9]+: +//' -e 's/0x[0-9a-f]+/ADDR/g'
}
# hook_tables LOG: "NAME: N N ..." for each plugin LOG shows loaded, with the
# hook numbers of its table
hook_tables() {
	awk -v tab="$(printf '\t')" '
		function flush() { if (name != "") print name ":" hooks; name = "" }
		/Plugin "[^"]*" \(version/ {
			flush(); match($0, /Plugin "[^"]*"/); name = substr($0, RSTART + 8, RLENGTH - 9); hooks = ""; next
		}
		name != "" && index($0, ") " tab) && / -> / {
			h = $0; sub(/^.*\) \t */, "", h); sub(/ -> .*$/, "", h); hooks = hooks " " h; next
		}
		{ flush() }
		END { flush() }' "$1"
}
step8() {
	begin 8
	need stock && need lib || {
		end
		return
	}
	local dir kind d criu src rc restored
	if ! dir=$(name_ordered_dir "$STOCK"/plugins/*.so); then
		bad "could not make a plugin folder whose readdir order is name order (tried $WORK and /dev/shm)"
		end
		return
	fi
	TMPDIRS+=("$dir")
	ok "plugin folder $dir, readdir order = name order: $(ls -U "$dir" | tr '\n' ' ')"
	for kind in stock lib; do
		d=$WORK/step8-$kind
		src=$STOCK_SRC
		[ "$kind" = lib ] && src=$LIB_SRC
		criu=$src/criu/criu
		rm -rf "$d"
		mkdir -p "$d/img"
		if ! start_workload "$d"; then
			bad "$kind: workload did not start"
			continue
		fi
		criu_env "$src" "$criu" dump -t "$WL_PID" -D "$d/img" -o dump.log -v4 --libdir "$dir"
		rc=$?
		[ "$rc" = 0 ] || kill -9 "$WL_PID" 2>/dev/null
		reap_workload
		if [ "$rc" = 0 ]; then ok "$kind: criu dump exited 0"; else bad "$kind: criu dump exited $rc (log $d/img/dump.log)"; fi
		criu_env "$src" "$criu" restore -d -D "$d/img" -o restore.log -v4 --libdir "$dir" --pidfile "$d/restored.pid"
		rc=$?
		restored=$(cat "$d/restored.pid" 2>/dev/null)
		if [ -n "$restored" ]; then
			PIDS+=("$restored")
			kill -9 "$restored" 2>/dev/null
		fi
		if [ "$rc" = 0 ]; then ok "$kind: criu restore exited 0"; else bad "$kind: criu restore exited $rc (log $d/img/restore.log)"; fi
		{
			log_lines "$d/img/dump.log" | sed 's/^/dump:    /'
			log_lines "$d/img/restore.log" | sed 's/^/restore: /'
		} >"$WORK/step8-$kind.lines"
	done
	local s=$WORK/step8-stock.lines l=$WORK/step8-lib.lines n
	n=$(grep -c 'Plugin "' "$s" 2>/dev/null)
	# four plugins loaded in each of dump and restore, and the hooks the
	# plugins have: PAUSE_DEVICES and CHECKPOINT_DEVICES on dump,
	# RESUME_DEVICES_LATE on restore
	if [ "${n:-0}" -ge 8 ] && grep -q "^dump: .* hook 10 " "$s" && grep -q "^dump: .* hook 11 " "$s" && grep -q "^restore: .* hook 9 " "$s"; then
		ok "stock: $(wc -l <"$s") lines to compare ($n Plugin lines; hooks 10 and 11 on dump, 9 on restore)"
	else
		bad "stock: too few lines to compare in $s"
	fi
	sed 's/^/      stock: /' "$s"
	# the hooks CRIU's plugins register, the same in 4.1.1 and 4.2.1
	local want="amdgpu_plugin: 2 3 7 8 9|cuda_plugin: 9 10 11|inventory_test_disabled_plugin:|inventory_test_enabled_plugin:"
	check_eq "stock dump: each plugin's hook table" "$(hook_tables "$WORK/step8-stock/img/dump.log" | tr '\n' '|' | sed 's/|$//')" "$want"
	if diff -u --label "stock CRIU $REL" --label "CRIU $REL + libcriu-plugin" "$s" "$l" >"$WORK/step8.diff"; then
		ok "the library build logs the same $(wc -l <"$l") lines in the same order"
	else
		bad "the logs differ (stock vs library):"
		sed 's/^/      | /' "$WORK/step8.diff"
	fi
	end
}

# ---- step 9: this project's header, newest hooks, library build ----------------------
step9() {
	begin 9
	need stock && need lib || {
		end
		return
	}
	local hooks
	hooks=$(cat "$STOCK/newest-max-hooks" 2>/dev/null)
	if [ ! -d "$STOCK/plugins-newest" ] || [ -z "$hooks" ]; then
		bad "no plugins built with this project's criu-plugin.h (see build-criu.sh)"
		end
		return
	fi
	ok "this project's header without CRIU_PLUGIN_TARGET: CR_PLUGIN_HOOK__MAX = $hooks (CRIU $REL's: $R_HOOKS)"
	cycle "$LIB_SRC/criu/criu" "$LIB_SRC" "$WORK/step9" "$STOCK/plugins-newest" "$R_HOOKS" "$hooks"
	end
}

# ---- step 10: this project's header for this release, stock CRIU --------------------
# header_types: what this project's header says with -DCRIU_PLUGIN_TARGET=R_TARGET
header_types() {
	local hdr=${CRIU_PLUGIN_HEADER:-$REPO/include/criu-plugin.h} t=$WORK/hdr-types
	mkdir -p "$t"
	cp "$hdr" "$t/criu-plugin.h"
	# RESTORE_EXT_FILE is (int id) up to 4.2.x, (int id, bool *retry_needed) after
	cat >"$t/types.c" <<EOF
#include "criu-plugin.h"
_Static_assert(CR_PLUGIN_HOOK__MAX == $R_HOOKS, "CR_PLUGIN_HOOK__MAX is not CRIU $REL's $R_HOOKS");
static CR_PLUGIN_HOOK__RESTORE_EXT_FILE_t restore_ext_file;
static int restore_ext_file(int id) { return id; }
int use(void);
int use(void) { return restore_ext_file(0); }
EOF
	if gcc -Wall -Wextra -Werror -c -iquote "$t" -DCRIU_PLUGIN_TARGET="$R_TARGET" -o "$t/types.o" "$t/types.c" >"$t/gcc.log" 2>&1; then
		ok "header with -DCRIU_PLUGIN_TARGET=$R_TARGET: CR_PLUGIN_HOOK__MAX is $R_HOOKS and RESTORE_EXT_FILE is (int id)"
	else
		bad "header with -DCRIU_PLUGIN_TARGET=$R_TARGET is not CRIU $REL's (max $R_HOOKS, RESTORE_EXT_FILE (int id)):"
		sed 's/^/      | /' "$t/gcc.log" | head -n 12
	fi
}
step10() {
	begin 10
	need stock || {
		end
		return
	}
	header_types
	local hooks
	hooks=$(cat "$STOCK/target-max-hooks" 2>/dev/null)
	if [ ! -d "$STOCK/plugins-target" ] || [ -z "$hooks" ]; then
		bad "no plugins built with this project's criu-plugin.h and CRIU_PLUGIN_TARGET (see build-criu.sh)"
		end
		return
	fi
	check_eq "CR_PLUGIN_HOOK__MAX of this project's header with -DCRIU_PLUGIN_TARGET=$R_TARGET" "$hooks" "$R_HOOKS"
	cycle "$STOCK_SRC/criu/criu" "$STOCK_SRC" "$WORK/step10" "$STOCK/plugins-target" "$R_HOOKS" "$R_HOOKS"
	end
}

# ---- main -----------------------------------------------------------------------------------
echo "run-e2e: CRIU releases: $RELEASES; steps: $STEPS"
if [ "$(id -u)" != 0 ]; then
	loud "run-e2e needs root (CRIU dumps and restores processes): the test FAILS"
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi
for r in $RELEASES; do
	if ! criu_release "$r"; then
		echo "run-e2e: unknown CRIU release '$r' (known: $CRIU_RELEASES_ALL)" >&2
		exit 2
	fi
done
for s in $STEPS; do
	case " $ALL_STEPS " in
	*" $s "*) ;;
	*)
		echo "run-e2e: unknown step $s" >&2
		exit 2
		;;
	esac
done
mkdir -p "$E2E_CACHE/e2e-run"
COUNTER=$E2E_CACHE/e2e-run/counter
if ! gcc -O2 -Wall -Wextra -Werror -o "$COUNTER" "$HERE/counter.c"; then
	loud "could not build the workload"
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi
if ! "$PY" -c 'import yaml, google.protobuf' 2>/dev/null; then
	loud "$PY cannot import yaml and google.protobuf (Debian: python3-yaml python3-protobuf; run ctests/e2e/deps.sh)"
fi

for r in $RELEASES; do
	use_release "$r"
	for s in $STEPS; do
		"step$s"
	done
done

passed=0
failed=0
echo ""
echo "=== summary ($((SECONDS - T_START)) s)"
for r in $RELEASES; do
	for s in $ALL_STEPS; do
		res=${RESULT[$r/$s]:-not run}
		printf '  CRIU %s step %2s: %-7s %s\n' "$r" "$s" "$res" "${TITLE[$s]}"
		case $res in
		PASS) passed=$((passed + 1)) ;;
		FAIL) failed=$((failed + 1)) ;;
		esac
	done
done
if [ "$STEPS" != "$ALL_STEPS" ] || [ "$RELEASES" != "$CRIU_RELEASES_ALL" ]; then
	echo "run-e2e: PARTIAL RUN (CRIU_VERSION=$RELEASES E2E_STEPS=$STEPS): this is not a full pass"
fi
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
