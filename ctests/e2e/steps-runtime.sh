# steps-runtime.sh, sourced by run-e2e.sh: a real container runtime, Debian's
# runc, checkpointing and restoring a busybox container with each CRIU
# build (`runc --criu PATH`), the plugins loaded through CRIU_LIBS_DIR
# (steps 14 and 15).
# shellcheck shell=bash

TITLE[14]="runc: checkpoint and restore a busybox container with the four plugins, stock and library alike"
TITLE[15]="runc: a restore whose images need a plugin removed from the folder fails with CRIU's message"

# The container's program: its descriptors are its own (the container's
# /dev/null, a fifo of its root file system: nothing of the host's, which
# would be external to CRIU), no child process (`read -t` on the fifo is
# its clock), and it writes its count to /count.
CTR_SCRIPT='exec </dev/null >/dev/null 2>&1; exec 3<>/tick; i=0; while :; do i=$((i+1)); echo $i >/count; read -t 0.1 x <&3; done'

# make_bundle DIR: an OCI bundle in DIR: rootfs/ with Debian's static
# busybox as /bin/sh and a fifo /tick, config.json from `runc spec`
# running CTR_SCRIPT without a terminal on a writable root
make_bundle() {
	local b=$1 bb
	bb=$(command -v busybox) || {
		bad "no busybox (Debian's busybox-static; run ctests/e2e/deps.sh)"
		return 1
	}
	if readelf -lW "$bb" 2>/dev/null | grep -q 'program interpreter'; then
		bad "$bb is not statically linked (Debian's busybox-static is)"
		return 1
	fi
	rm -rf "$b"
	mkdir -p "$b/rootfs/bin" "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/sys" "$b/rootfs/tmp"
	cp "$bb" "$b/rootfs/bin/busybox"
	ln -s busybox "$b/rootfs/bin/sh"
	mkfifo "$b/rootfs/tick"
	(cd "$b" && timeout 30 runc spec) || {
		bad "runc spec failed in $b"
		return 1
	}
	CTR_SCRIPT=$CTR_SCRIPT "$PY" - "$b/config.json" <<'EOF2' || {
import json, os, sys
with open(sys.argv[1]) as f:
    c = json.load(f)
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sh", "-c", os.environ["CTR_SCRIPT"]]
c["root"] = {"path": "rootfs", "readonly": False}
c["hostname"] = "e2e"
with open(sys.argv[1], "w") as f:
    json.dump(c, f, indent=1)
EOF2
		bad "could not write $b/config.json"
		return 1
	}
}

# runc_do SRC DIR ARGS...: runc with SRC's criu and the plugins of DIR
# (CRIU_LIBS_DIR, passed on to the criu swrk runc starts), the mocked
# cuda-checkpoint and its fault; at most 120 s; stdio not the caller's
runc_do() {
	local src=$1 dir=$2
	shift 2
	criu_env "$src" env CRIU_LIBS_DIR="$dir" runc --root "$RUNC_ROOT" --criu "$src/criu/criu" "$@" </dev/null
}
# ctr_pid ID: the pid of container ID's init (empty when it does not run)
ctr_pid() {
	local st
	st=$(timeout 20 runc --root "$RUNC_ROOT" state "$1" 2>/dev/null) || return 0
	grep -q '"status": "running"' <<<"$st" || return 0
	sed -n 's/^ *"pid": \([1-9][0-9]*\),$/\1/p' <<<"$st"
}
# ctr_count D: the container's count (D/count); it rewrites the file in
# place, so an empty read is tried again
ctr_count() {
	local c i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		c=$(cat "$1/count" 2>/dev/null)
		[ -n "$c" ] && break
		sleep 0.02
	done
	echo "${c:-0}"
}
# ctr_counting D: the count moves within a second and is past 10 (a
# restarted counter would be below the count at checkpoint)
ctr_counting() {
	local a b i
	for i in $(seq 30); do
		[ "$(ctr_count "$1")" -gt 10 ] 2>/dev/null && break
		sleep 0.1
	done
	a=$(ctr_count "$1")
	sleep 0.5
	b=$(ctr_count "$1")
	[ "$b" -gt "$a" ] 2>/dev/null && [ "$a" -gt 10 ]
}

# ctr_kind KIND BASE: for the build KIND (stock or lib) sets the caller's
# src (its tree), d (BASE/KIND, with img/, work/ and work-restore/) and id
# (its container's name)
ctr_kind() {
	src=$STOCK_SRC
	[ "$1" = lib ] && src=$LIB_SRC
	d=$2/$1
	id=e2e-$REL-$1-$$
	mkdir -p "$d/img" "$d/work" "$d/work-restore"
}

# ctr_start ID BUNDLE D: runs the container detached and waits for it to
# count (D/count is a link to its rootfs/count); checks its descriptors are
# all on its own mounts. Sets CTR_PID.
ctr_start() {
	local id=$1 b=$2 d=$3 fd mnt bad_fds=
	rm -f "$b/rootfs/count"
	ln -sfn "$b/rootfs/count" "$d/count"
	timeout 60 runc --root "$RUNC_ROOT" run -d --bundle "$b" "$id" </dev/null >"$d/run.out" 2>&1
	RUNC_CTRS+=("$RUNC_ROOT $id")
	CTR_PID=$(ctr_pid "$id")
	if [ -z "$CTR_PID" ] || ! ctr_counting "$d"; then
		bad "container $id did not start counting ($(tail -n 2 "$d/run.out" | tr '\n' ' '))"
		return 1
	fi
	for fd in /proc/"$CTR_PID"/fd/*; do
		mnt=$(awk '$1 == "mnt_id:" { print $2 }' "/proc/$CTR_PID/fdinfo/${fd##*/}" 2>/dev/null)
		# A descriptor the shell holds for a moment (it saves one at 10
		# while it redirects) may be gone by now: nothing to judge.
		[ -n "$mnt" ] || continue
		awk -v m="$mnt" '$1 == m { f = 1 } END { exit !f }' "/proc/$CTR_PID/mountinfo" ||
			bad_fds="$bad_fds ${fd##*/}->$(readlink "$fd")"
	done
	if [ -z "$bad_fds" ]; then
		ok "container $id counts (init pid $CTR_PID); its descriptors are on its own mounts: $(for fd in /proc/"$CTR_PID"/fd/*; do printf '%s->%s ' "${fd##*/}" "$(readlink "$fd")"; done)"
	else
		bad "container $id has descriptors on mounts not its own (external to CRIU):$bad_fds"
	fi
}

# ctr_checkpoint SRC DIR ID D: runc checkpoint with SRC's criu, the plugins
# of DIR; images in D/img, dump.log in D/work. Sets CTR_DUMPED, the count
# just before the checkpoint.
ctr_checkpoint() {
	local src=$1 dir=$2 id=$3 d=$4 rc
	CTR_DUMPED=$(ctr_count "$d")
	runc_do "$src" "$dir" checkpoint --image-path "$d/img" --work-path "$d/work" "$id" >"$d/checkpoint.out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then ok "runc checkpoint exited 0 (count $CTR_DUMPED before it)"; else
		bad "runc checkpoint exited $rc: $(tail -n 3 "$d/checkpoint.out" | tr '\n' ' ') (log $d/work/dump.log)"
		return 1
	fi
	[ -z "$(ctr_pid "$id")" ] && ok "the container is gone after the checkpoint" || bad "container $id still runs after the checkpoint"
	check_plugins_loaded "$d/work/dump.log" "$R_HOOKS" "$R_HOOKS"
	check_log "dump: cuda PAUSE_DEVICES (hook 10) called" "$d/work/dump.log" "plugin: \`cuda_plugin' hook 10 -> "
	check_log "dump: cuda CHECKPOINT_DEVICES (hook 11) called" "$d/work/dump.log" "plugin: \`cuda_plugin' hook 11 -> "
	check_log "dump: Dumping finished successfully" "$d/work/dump.log" "Dumping finished successfully"
}

# runc_ready BASE: both builds and runc are there; makes the bundle
# BASE/bundle and the state folder RUNC_ROOT = BASE/runc-root
runc_ready() {
	need stock && need lib || return 1
	command -v runc >/dev/null || {
		bad "no runc (Debian's runc; run ctests/e2e/deps.sh)"
		return 1
	}
	RUNC_ROOT=$1/runc-root
	mkdir -p "$RUNC_ROOT"
	make_bundle "$1/bundle" || return 1
	ok "bundle $1/bundle: rootfs with $(command -v busybox) (static) as /bin/sh; $(timeout 10 runc --version | head -n 1)"
}

step14() {
	begin 14
	local base=$WORK/step14 b dir kind src d id rc pid before L n_amd n_cuda
	b=$base/bundle
	runc_ready "$base" && plugin_folder "$STOCK"/plugins/*.so || {
		end
		return
	}
	dir=$PLUGIN_DIR
	for kind in stock lib; do
		ctr_kind "$kind" "$base"
		echo "  $kind: container $id, runc --criu $src/criu/criu"
		ctr_start "$id" "$b" "$d" || continue
		ctr_checkpoint "$src" "$dir" "$id" "$d" || continue
		runc_do "$src" "$dir" restore -d --image-path "$d/img" --work-path "$d/work-restore" --bundle "$b" "$id" >"$d/restore.out" 2>&1
		rc=$?
		pid=$(ctr_pid "$id")
		if [ "$rc" = 0 ] && [ -n "$pid" ]; then ok "runc restore -d exited 0; the container runs (init pid $pid)"; else
			bad "runc restore -d exited $rc, container pid '${pid}': $(tail -n 3 "$d/restore.out" | tr '\n' ' ') (log $d/work-restore/restore.log)"
		fi
		L=$d/work-restore/restore.log
		check_plugins_loaded "$L" "$R_HOOKS" "$R_HOOKS"
		n_amd=$(line_of "$L" "plugin: \`amdgpu_plugin' hook 9 -> ")
		n_cuda=$(line_of "$L" "plugin: \`cuda_plugin' hook 9 -> ")
		[ "$n_amd" -gt 0 ] && [ "$n_cuda" -gt "$n_amd" ] && ok "restore: RESUME_DEVICES_LATE chain, amdgpu then cuda" ||
			bad "restore: RESUME_DEVICES_LATE chain: lines amdgpu=$n_amd cuda=$n_cuda in $L"
		check_log "restore: Restore finished successfully" "$L" "Restore finished successfully"
		before=$(ctr_count "$d")
		if [ -n "$pid" ] && ctr_counting "$d" && [ "$before" -ge "$CTR_DUMPED" ]; then
			ok "the restored container counts on: $CTR_DUMPED before the checkpoint, $before -> $(ctr_count "$d") after restore"
		else
			bad "the restored container does not count on from $CTR_DUMPED (now $(ctr_count "$d"))"
		fi
		timeout 20 runc --root "$RUNC_ROOT" delete -f "$id" >/dev/null 2>&1
		{
			log_lines "$d/work/dump.log" | sed 's/^/dump:    /'
			log_lines "$L" | sed 's/^/restore: /'
		} >"$base/$kind.lines"
	done
	runtime_compare "$base"
	end
}

# runtime_compare BASE: BASE/stock.lines and BASE/lib.lines are the same
runtime_compare() {
	same_lines "dump.log and restore.log of both builds have the same $(wc -l <"$1/lib.lines" 2>/dev/null) plugin and hook lines in the same order ($(grep -c 'Plugin "' "$1/lib.lines" 2>/dev/null) Plugin lines, $(grep -c ' hook [0-9]* -> ' "$1/lib.lines" 2>/dev/null) hook calls)" \
		"$1/stock.lines" "$1/lib.lines" "$1/lines.diff"
}

step15() {
	begin 15
	local base=$WORK/step15 b dir kind src d id rc
	b=$base/bundle
	runc_ready "$base" || {
		end
		return
	}
	for kind in stock lib; do
		ctr_kind "$kind" "$base"
		# a folder of its own, which loses a plugin
		plugin_folder "$STOCK"/plugins/*.so || continue
		dir=$PLUGIN_DIR
		echo "  $kind: container $id, runc --criu $src/criu/criu, CRIU_LIBS_DIR=$dir"
		ctr_start "$id" "$b" "$d" || continue
		ctr_checkpoint "$src" "$dir" "$id" "$d" || continue
		# crit (the library build's) reads what the images require
		(cd "$LIB_SRC" && PYTHONPATH="$LIB_SRC/lib:$LIB_SRC/crit" timeout 60 "$PY" -m crit show "$d/img/inventory.img") >"$d/inventory.json" 2>&1
		check_log "crit: the images' inventory.img lists inventory_test_enabled_plugin" "$d/inventory.json" \
			'"inventory_test_enabled_plugin"'
		rm "$dir/inventory_test_enabled_plugin.so"
		ok "removed inventory_test_enabled_plugin.so from $dir: $(ls -U "$dir" | tr '\n' ' ')"
		runc_do "$src" "$dir" restore -d --image-path "$d/img" --work-path "$d/work-restore" --bundle "$b" "$id" >"$d/restore.out" 2>&1
		rc=$?
		sed 's/^/      runc: /' "$d/restore.out" | head -n 4
		[ "$rc" != 0 ] && ok "runc restore fails (exit $rc)" || bad "runc restore succeeded without a plugin the images need"
		check_log "runc says CRIU's restore failed" "$d/restore.out" "criu failed: type RESTORE"
		check_log "restore.log: CRIU's \"Missing required plugin\"" "$d/work-restore/restore.log" \
			"Error .*Missing required plugin: inventory_test_enabled_plugin\$"
		[ -z "$(ctr_pid "$id")" ] && ok "no container runs after the failed restore" || bad "container $id runs after the failed restore"
		timeout 20 runc --root "$RUNC_ROOT" delete -f "$id" >/dev/null 2>&1
		{
			log_lines "$d/work/dump.log" | sed 's/^/dump:    /'
			log_lines "$d/work-restore/restore.log" | sed 's/^/restore: /'
		} >"$base/$kind.lines"
	done
	runtime_compare "$base"
	end
}
