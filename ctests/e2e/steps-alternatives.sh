# steps-alternatives.sh, sourced by run-e2e.sh: step 18, two alternatives of
# the cuda plugin in one plugin folder.
# shellcheck shell=bash

TITLE[18]="two alternatives of cuda_plugin: the first fails its init, CRIU's own does the dump and restore (library); stock CRIU fails"

# alt_folder DIR: DIR/lib holds CRIU's cuda plugin and, under a name that
# sorts first, alt_plugin.c built as cuda_plugin-api.so with CRIU's header
alt_folder() {
	local d=$1
	mkdir -p "$d/lib" "$d/include"
	cp "$LIB/plugins/cuda_plugin.so" "$d/lib/"
	cp "$LIB_SRC/criu/include/criu-plugin.h" "$d/include/"
	gcc -Wall -Wextra -Werror -shared -fPIC -isystem "$d/include" \
		-o "$d/lib/cuda_plugin-api.so" "$HERE/alt_plugin.c"
}

# inventory_names IMG: the plugin names inventory.img records, one a line
inventory_names() {
	(cd "$LIB_SRC" && PYTHONPATH="$LIB_SRC/lib:$LIB_SRC/crit" timeout 60 "$PY" -m crit show "$1/inventory.img") |
		"$PY" -c 'import json, sys; print("\n".join(json.load(sys.stdin)["entries"][0]["plugins_entry"]["plugins"]))'
}

step18() {
	begin 18
	need lib || {
		end
		return
	}
	local d=$WORK/step18 rc criu=$LIB_SRC/criu/criu dumped restored before L api cuda
	rm -rf "$d"
	mkdir -p "$d/img"
	if alt_folder "$d"; then
		ok "built cuda_plugin-api.so (plugin \"cuda_plugin\", its init fails) beside CRIU's cuda_plugin.so"
	else
		bad "could not build alt_plugin.c"
		end
		return
	fi
	api=$d/lib/cuda_plugin-api.so
	cuda=$d/lib/cuda_plugin.so
	timeout 120 "$INSPECT" "$d/lib" >"$d/inspect.out" 2>&1
	check_log "criu-plugin-inspect: the group in the order the loader tries it" "$d/inspect.out" \
		"^   alternatives +${api//./\\.} \(expected to start\), ${cuda//./\\.}\$"
	check_log "criu-plugin-inspect: CRIU's cuda plugin is the later alternative" "$d/inspect.out" \
		"^   status +alternative: closed without its init while ${api//./\\.} starts"

	dump_workload "$LIB_SRC" "$criu" "$d" "$d/img" "$d/lib" || {
		end
		return
	}
	rc=$DUMP_RC
	dumped=$(count_of "$d")
	[ "$rc" = 0 ] && ok "criu dump exited 0 (count at dump: $dumped)" || bad "criu dump exited $rc (log $d/img/dump.log)"
	[ "$rc" = 0 ] || kill -9 "$WL_PID" 2>/dev/null
	reap_workload
	L=$d/img/dump.log
	check_log "dump: one warning: the first alternative failed, the next is tried" "$L" \
		"Failed in init\(0\) of \"cuda_plugin\" \(${api//./\\.}\): stage dump, returned -19; trying its alternative ${cuda//./\\.}\$"
	check_log "dump: CRIU's cuda plugin pauses the task (the failed one's hook, which fails, is not chained)" "$L" \
		"cuda_plugin: pausing devices on pid $WL_PID\$"
	check_log "dump: CRIU's cuda plugin checkpoints the task" "$L" "cuda_plugin: Checkpointing CUDA devices on pid $WL_PID "
	check_log "dump: Dumping finished successfully" "$L" "Dumping finished successfully"
	[ "$rc" = 0 ] || {
		end
		return
	}
	if inventory_names "$d/img" >"$d/inventory.names" 2>"$d/inventory.err" && grep -qx cuda_plugin "$d/inventory.names"; then
		ok "inventory.img names cuda_plugin ($(tr '\n' ' ' <"$d/inventory.names"))"
	else
		bad "inventory.img does not name cuda_plugin: $(cat "$d/inventory.names" "$d/inventory.err" | tr '\n' ' ')"
	fi

	criu_env "$LIB_SRC" "$criu" restore -d -D "$d/img" -o restore.log -v4 --libdir "$d/lib" --pidfile "$d/restored.pid"
	rc=$?
	restored=$(cat "$d/restored.pid" 2>/dev/null)
	[ -n "$restored" ] && PIDS+=("$restored")
	[ "$rc" = 0 ] && ok "criu restore exited 0 (restored pid $restored)" || bad "criu restore exited $rc (log $d/img/restore.log)"
	L=$d/img/restore.log
	check_log "restore: the same fallback" "$L" \
		"Failed in init\(2\) of \"cuda_plugin\" \(${api//./\\.}\): stage restore, returned -19; trying its alternative ${cuda//./\\.}\$"
	check_no_log "restore: no missing plugin (the alternative that started provides cuda_plugin)" "$L" "Missing required plugin"
	check_log "restore: CRIU's cuda plugin resumes the task" "$L" "cuda_plugin: resuming devices on pid [0-9]+\$"
	check_log "restore: Restore finished successfully" "$L" "Restore finished successfully"
	if [ -n "$restored" ] && kill -0 "$restored" 2>/dev/null && advancing "$d"; then
		before=$(count_of "$d")
		[ "$before" -ge "$dumped" ] && ok "restored process counts on: $dumped at dump, $before now" ||
			bad "restored counter restarted: $dumped at dump, $before now"
	else
		bad "restored process ${restored:-?} is not running, or its counter does not advance"
	fi
	[ -n "$restored" ] && kill -9 "$restored" 2>/dev/null

	# CRIU's own loader has no alternatives: the failed init fails the dump.
	if need stock; then
		mkdir -p "$d/stock-img"
		if dump_workload "$STOCK_SRC" "$STOCK_SRC/criu/criu" "$d" "$d/stock-img" "$d/lib"; then
			[ "$DUMP_RC" != 0 ] && ok "stock CRIU: the same folder fails the dump (exit $DUMP_RC)" ||
				bad "stock CRIU dumped with a plugin whose init fails"
			kill -9 "$WL_PID" 2>/dev/null
			reap_workload
		fi
	fi
	end
}
