# steps-inventory.sh, sourced by run-e2e.sh: steps 5 and 7, what the images require and
# what the loader refuses.
# shellcheck shell=bash

TITLE[5]="inventory.img names the enabled plugin; restore without it, or with it skipped, fails; criu-plugin-inspect --images agrees"
TITLE[7]="a bad plugin (version 0.3.0) fails the dump cleanly"

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
	dump_workload "$LIB_SRC" "$criu" "$d" "$d/img" "$LIB/plugins" || {
		end
		return
	}
	rc=$DUMP_RC
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
	dump_workload "$LIB_SRC" "$criu" "$d" "$d/img" "$d/lib" || {
		end
		return
	}
	rc=$DUMP_RC
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
