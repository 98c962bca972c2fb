# steps-rpc.sh, sourced by run-e2e.sh: step 12, a dump and restore driven
# through CRIU's RPC interface (criu swrk) by rpc_client.py, with the plugin
# folder named in a CRIU configuration file the request names, as a
# container runtime does with its own configuration file.
# shellcheck shell=bash

TITLE[12]="RPC (criu swrk): dump and restore with the plugin folder from the request's config_file, stock and library alike"

# rpc_client SRC CONFIG LOG ARGS...: rpc_client.py over SRC's criu swrk with
# CONFIG as the request's config_file (images in $d/img, log LOG there);
# CRIU_LIBS_DIR is not set, so the plugins can only come from CONFIG
rpc_client() {
	local src=$1 cfg=$2 log=$3
	shift 3
	criu_env "$src" env -u CRIU_LIBS_DIR "$PY" "$HERE/rpc_client.py" --criu "$src/criu/criu" \
		--pb2 "$LIB_SRC/lib/pycriu" --images "$d/img" --config "$cfg" --log "$log" "$@"
}

step12() {
	begin 12
	need stock && need lib || {
		end
		return
	}
	local base=$WORK/step12 dir without kind src d rc dumped restored before L n_amd n_cuda so
	mkdir -p "$base"
	if [ ! -f "$LIB_SRC/lib/pycriu/rpc_pb2.py" ]; then
		bad "no rpc_pb2.py in $LIB_SRC/lib/pycriu (build-criu.sh makes it with crit)"
		end
		return
	fi
	plugin_folder "$STOCK"/plugins/*.so || {
		end
		return
	}
	dir=$PLUGIN_DIR
	plugin_folder "$STOCK/plugins/amdgpu_plugin.so" "$STOCK/plugins/cuda_plugin.so" \
		"$STOCK/plugins/inventory_test_disabled_plugin.so" || {
		end
		return
	}
	without=$PLUGIN_DIR
	echo "libdir $dir" >"$base/criu.conf"
	echo "libdir $without" >"$base/criu-without-enabled.conf"
	ok "config_file $base/criu.conf holds 'libdir $dir', $base/criu-without-enabled.conf 'libdir $without'"
	# nothing else gives the plugins: CRIU's default folder holds none
	so=$(ls /usr/lib/criu/*.so /usr/lib64/criu/*.so 2>/dev/null | head -n 1)
	[ -z "$so" ] && ok "CRIU's default plugin folder holds no plugin and CRIU_LIBS_DIR is unset: the plugins can only come from the config file" ||
		bad "a plugin in a default folder ($so) would blur where the plugins come from"
	for kind in stock lib; do
		src=$STOCK_SRC
		[ "$kind" = lib ] && src=$LIB_SRC
		d=$base/$kind
		mkdir -p "$d/img"
		if ! start_workload "$d"; then
			bad "$kind: workload did not start"
			continue
		fi
		rpc_client "$src" "$base/criu.conf" dump.log --pid "$WL_PID" dump >"$d/dump.out" 2>&1
		rc=$?
		dumped=$(count_of "$d")
		[ "$rc" = 0 ] || kill -9 "$WL_PID" 2>/dev/null
		reap_workload
		if [ "$rc" = 0 ]; then ok "$kind: dump through criu swrk: $(tail -n 1 "$d/dump.out") (count $dumped)"; else
			bad "$kind: rpc_client.py dump exited $rc: $(tail -n 2 "$d/dump.out" | tr '\n' ' ') (log $d/img/dump.log)"
			continue
		fi
		L=$d/img/dump.log
		check_log "$kind: dump.log: CRIU read the request's config file" "$L" "Would overwrite RPC settings with values from $base/criu\\.conf\$"
		check_plugins_loaded "$L" "$R_HOOKS" "$R_HOOKS"
		check_log "$kind: dump: cuda CHECKPOINT_DEVICES (hook 11) called" "$L" "plugin: \`cuda_plugin' hook 11 -> "
		check_log "$kind: dump: Dumping finished successfully" "$L" "Dumping finished successfully"
		[ "$kind" = lib ] && check_log "lib: dump.log: the loader names the config file's folder" "$L" "Loading plugins from $dir \\("

		# the folder the config file names decides: without the plugin the
		# images need, the restore fails with CRIU's message
		rpc_client "$src" "$base/criu-without-enabled.conf" restore-without-enabled.log \
			--pidfile "$d/restored-without.pid" restore >"$d/restore-without.out" 2>&1
		rc=$?
		[ -s "$d/restored-without.pid" ] && PIDS+=("$(cat "$d/restored-without.pid")") && kill -9 "$(cat "$d/restored-without.pid")" 2>/dev/null
		[ "$rc" = 1 ] && ok "$kind: restore with a config file naming a folder without inventory_test_enabled_plugin fails: $(tail -n 1 "$d/restore-without.out")" ||
			bad "$kind: that restore exited $rc, want 1 (CRIU's failure answer): $(tail -n 2 "$d/restore-without.out" | tr '\n' ' ')"
		check_log "$kind: its log has CRIU's \"Missing required plugin\"" "$d/img/restore-without-enabled.log" \
			"Missing required plugin: inventory_test_enabled_plugin"

		rpc_client "$src" "$base/criu.conf" restore.log --pidfile "$d/restored.pid" restore >"$d/restore.out" 2>&1
		rc=$?
		restored=$(cat "$d/restored.pid" 2>/dev/null)
		[ -n "$restored" ] && PIDS+=("$restored")
		[ "$rc" = 0 ] && ok "$kind: restore through criu swrk: $(tail -n 1 "$d/restore.out")" ||
			bad "$kind: rpc_client.py restore exited $rc: $(tail -n 2 "$d/restore.out" | tr '\n' ' ') (log $d/img/restore.log)"
		L=$d/img/restore.log
		check_log "$kind: restore.log: CRIU read the request's config file" "$L" "Would overwrite RPC settings with values from $base/criu\\.conf\$"
		check_plugins_loaded "$L" "$R_HOOKS" "$R_HOOKS"
		n_amd=$(line_of "$L" "plugin: \`amdgpu_plugin' hook 9 -> ")
		n_cuda=$(line_of "$L" "plugin: \`cuda_plugin' hook 9 -> ")
		[ "$n_amd" -gt 0 ] && [ "$n_cuda" -gt "$n_amd" ] && ok "$kind: restore: RESUME_DEVICES_LATE chain, amdgpu then cuda" ||
			bad "$kind: restore: RESUME_DEVICES_LATE chain: lines amdgpu=$n_amd cuda=$n_cuda in $L"
		[ "$kind" = lib ] && check_log "lib: restore.log: the loader names the config file's folder" "$L" "Loading plugins from $dir \\("
		if [ -n "$restored" ] && kill -0 "$restored" 2>/dev/null; then
			before=$(count_of "$d")
			if advancing "$d" && [ "$before" -ge "$dumped" ]; then
				ok "$kind: restored process runs on: count $dumped at dump, $before -> $(count_of "$d") after restore"
			else
				bad "$kind: restored counter does not go on from $dumped (now $(count_of "$d"))"
			fi
			kill -9 "$restored" 2>/dev/null
		else
			bad "$kind: restored process ${restored:-?} is not running"
		fi
		{
			log_lines "$d/img/dump.log" | sed 's/^/dump:    /'
			log_lines "$d/img/restore-without-enabled.log" | sed 's/^/without: /'
			log_lines "$d/img/restore.log" | sed 's/^/restore: /'
		} >"$base/$kind.lines"
	done
	same_lines "the library build logs the same $(wc -l <"$base/lib.lines") plugin lines in the same order ($(grep -c 'Plugin "' "$base/lib.lines") Plugin lines)" \
		"$base/stock.lines" "$base/lib.lines" "$base/lines.diff"
	end
}
