# steps-compare.sh, sourced by run-e2e.sh: the two loaders side by side (step 8) and
# the helpers every comparison uses.
# shellcheck shell=bash

TITLE[8]="stock and library loaders log the same plugins and hook calls"

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
# plugin_folder FILE...: a name_ordered_dir of FILEs, removed on exit, in
# PLUGIN_DIR; fails the step when none can be made
plugin_folder() {
	if ! PLUGIN_DIR=$(name_ordered_dir "$@"); then
		bad "could not make a plugin folder whose readdir order is name order (tried $WORK and /dev/shm)"
		return 1
	fi
	TMPDIRS+=("$PLUGIN_DIR")
	ok "plugin folder $PLUGIN_DIR, readdir order = name order: $(ls -U "$PLUGIN_DIR" | tr '\n' ' ')"
}
# same_lines WHAT STOCK LIB DIFF: the files STOCK and LIB (what the stock
# and the library build did) are the same; else the diff (in DIFF) is shown
same_lines() {
	if [ -s "$2" ] && diff -u --label "stock CRIU $REL" --label "CRIU $REL + libcriu-plugin" "$2" "$3" >"$4"; then
		ok "$1"
	else
		bad "$1: NOT SO; the diff, stock vs library ($4):"
		head -n 80 "$4" 2>/dev/null | sed 's/^/      | /'
	fi
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
		dump_workload "$src" "$criu" "$d" "$d/img" "$dir" || continue
		rc=$DUMP_RC
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
