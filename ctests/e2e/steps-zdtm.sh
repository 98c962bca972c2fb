# steps-zdtm.sh, sourced by run-e2e.sh: CRIU's zdtm test suite: step 6.
# shellcheck shell=bash

TITLE[6]="zdtm: busyloop00 with the inventory plugins; sigpending, pthread00 with mocked cuda"

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
