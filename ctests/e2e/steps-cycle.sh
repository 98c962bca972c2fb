# steps-cycle.sh, sourced by run-e2e.sh: the workload, one dump and restore with
# its checks (cycle), and the steps built on it: 4, 9 and 10.
# shellcheck shell=bash

TITLE[4]="dump and restore a live process with the four plugins"
TITLE[9]="plugins built with this project's header (newest hooks) in the library build"
TITLE[10]="plugins built with this project's header for this release, in stock CRIU"

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

# dump_workload SRC CRIU DIR IMG LIBDIR: starts the workload in DIR and dumps
# it into IMG with CRIU (built in tree SRC) and the plugins of LIBDIR; DUMP_RC
# is criu's status. Fails, saying so, when the workload does not start. The
# caller kills and reaps the workload (a failed dump leaves it running).
dump_workload() {
	local src=$1 criu=$2 d=$3 img=$4 libdir=$5
	DUMP_RC=
	if ! start_workload "$d"; then
		bad "workload did not start"
		return 1
	fi
	criu_env "$src" "$criu" dump -t "$WL_PID" -D "$img" -o dump.log -v4 --libdir "$libdir"
	DUMP_RC=$?
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
