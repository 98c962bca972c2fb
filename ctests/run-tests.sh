#!/bin/bash
# Runs every C test: each case of each host binary in a fresh process, then
# the checks on the built files. One line per test, then "N passed, M failed".
# Usage: run-tests.sh BUILD_DIR LIBDIR [JOBS]
# CT_WRAP: a command to run each case under (valgrind ...).
set -u
B=${1:?usage: run-tests.sh BUILD_DIR LIBDIR [JOBS]}
LIBDIR=${2:?usage: run-tests.sh BUILD_DIR LIBDIR [JOBS]}
JOBS=${3:-2}
LIB=$LIBDIR/libcriu-plugin.so
export CT_WRAP=${CT_WRAP:-}
export CT_TIMEOUT=${CT_TIMEOUT:-120}

res=$(mktemp -d "${TMPDIR:-/tmp}/ctests-results.XXXXXX")
trap 'chmod -R u+rwx "$res" 2>/dev/null; rm -rf "$res"' EXIT
# The cases' temporary folders go here too, so that a case killed by a
# signal or the timeout leaves nothing behind. Open to all: one case runs
# as nobody.
chmod 755 "$res"
mkdir -m 755 "$res/tmp"
export CT_TMPDIR=$res/tmp

# --- the cases of the host binaries, JOBS at a time ---
n=0
: >"$res/list"
for bin in host host-nopie host-alias plain; do
	cases=$("$B/$bin" --list) || { echo "FAIL $bin --list"; exit 1; }
	for c in $cases; do
		printf '%s %s %s\n' "$n" "$bin" "$c" >>"$res/list"
		n=$((n + 1))
	done
done

run_one() { # INDEX BIN CASE
	# shellcheck disable=SC2086
	timeout "$CT_TIMEOUT" $CT_WRAP "$B/$2" "$3" >"$res/$1.out" 2>&1
	echo $? >"$res/$1.rc"
}
export -f run_one
export B res
xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _ <"$res/list"

# ok, ko and the counts.
. "$(dirname "$0")/checks.sh"

while read -r i bin c; do
	rc=$(cat "$res/$i.rc" 2>/dev/null || echo missing)
	if [ "$rc" = 0 ]; then
		ok "$bin:$c"
		grep -h '^note:' "$res/$i.out" | sed 's/^/    /'
	else
		ko "$bin:$c (exit $rc)" "$res/$i.out"
	fi
done <"$res/list"

# --- checks on the built files ---
out=$res/static.out

# nm -DS: the loader's exports; cr_plugin_ctl is data of 256 bytes. (nm
# prints a versioned symbol as name@@NODE.)
V='(@@LIBCRIU_PLUGIN_[0-9.]+)?'
check_nm() {
	nm -DS --defined-only "$LIB" >"$out" 2>&1 || return 1
	for f in cr_plugin_init cr_plugin_fini criu_get_image_dir; do
		grep -Eq "^[0-9a-f]+ [0-9a-f]+ T $f$V\$" "$out" || { echo "no function $f" >>"$out"; return 1; }
	done
	grep -Eq "^[0-9a-f]+ 0+100 [DB] cr_plugin_ctl$V\$" "$out" || { echo "cr_plugin_ctl is not data of size 0x100" >>"$out"; return 1; }
	for h in dump_unix_sk restore_unix_sk dump_ext_file restore_ext_file dump_ext_mount restore_ext_mount \
		dump_ext_link handle_device_vma update_vma_map resume_devices_late pause_devices \
		checkpoint_devices post_forking restore_init dump_devices_late; do
		grep -Eq " T cr_plugin_run_$h$V\$" "$out" || { echo "no cr_plugin_run_$h" >>"$out"; return 1; }
	done
}
if check_nm; then ok "static:nm_exports"; else ko "static:nm_exports" "$out"; fi

# Exactly the C ABI exported, each symbol in its version node
# (libcriu-plugin.map), soname, full RELRO, no run path (check-library.sh).
if "$(dirname "$0")/check-library.sh" "$LIB" >"$out" 2>&1; then
	ok "static:exports_versioned"
	sed 's/^/    /' "$out"
else
	ko "static:exports_versioned" "$out"
fi

check_soname() {
	readelf -d "$LIB" >"$out" 2>&1 && grep -q 'Library soname: \[libcriu-plugin.so.1\]' "$out"
}
if check_soname; then ok "static:soname"; else ko "static:soname (want libcriu-plugin.so.1)" "$out"; fi

# The -no-pie host holds a copy of cr_plugin_ctl (R_X86_64_COPY); the PIE
# host is position independent.
check_copy_reloc() {
	{ readelf -hW "$B/host-nopie"; readelf -rW "$B/host-nopie"; } >"$out" 2>&1 || return 1
	grep -Eq 'Type:[[:space:]]+EXEC' "$out" || { echo "host-nopie is not EXEC" >>"$out"; return 1; }
	grep -Eq 'R_X86_64_COPY.*[[:space:]]cr_plugin_ctl(@LIBCRIU_PLUGIN_[0-9.]+)?( |$)' "$out" || { echo "no R_X86_64_COPY for cr_plugin_ctl" >>"$out"; return 1; }
	readelf -hW "$B/host" >"$out" 2>&1 && grep -Eq 'Type:[[:space:]]+DYN' "$out"
}
if check_copy_reloc; then ok "static:nopie_copy_relocation"; else ko "static:nopie_copy_relocation" "$out"; fi

# The CRIU-like host exports CRIU's symbols (opts big enough to hold libdir
# at 160); the plain host exports none of them.
check_host_exports() {
	nm -DS --defined-only "$B/host" >"$out" 2>&1 || return 1
	for f in print_on_level log_get_loglevel get_service_fd check_inventory_plugins; do
		grep -Eq " T $f\$" "$out" || { echo "host does not export $f" >>"$out"; return 1; }
	done
	size=$(awk '$4 == "opts" { print $2 }' "$out")
	[ -n "$size" ] && [ $((16#$size)) -ge 168 ] || { echo "opts missing or smaller than 168 bytes" >>"$out"; return 1; }
	nm -D --defined-only "$B/plain" >"$out" 2>&1 || return 1
	! grep -Eq ' (opts|print_on_level|get_service_fd|check_inventory_plugins)$' "$out"
}
if check_host_exports; then ok "static:host_exports"; else ko "static:host_exports" "$out"; fi

# The test plugins are what they claim to be.
check_plugins() {
	P=$B/plugins
	nm -D --defined-only "$P/legacy.so" >"$out" 2>&1 || return 1
	for s in cr_plugin_init cr_plugin_fini cr_plugin_dump_unix_sk cr_plugin_restore_unix_sk cr_plugin_dump_file \
		cr_plugin_restore_file cr_plugin_dump_ext_mount cr_plugin_restore_ext_mount cr_plugin_dump_ext_link \
		cr_plugin_handle_device_vma cr_plugin_update_vma_map cr_plugin_resume_devices_late \
		cr_plugin_pause_devices cr_plugin_checkpoint_devices cr_plugin_post_forking cr_plugin_restore_init \
		cr_plugin_dump_devices_late; do
		grep -Eq " T $s\$" "$out" || { echo "legacy.so lacks $s" >>"$out"; return 1; }
	done
	! grep -q CR_PLUGIN_DESC "$out" || { echo "legacy.so has a descriptor" >>"$out"; return 1; }
	nm -DS --defined-only "$P/p317.so" >"$out" 2>&1 || return 1
	grep -Eq '^[0-9a-f]+ 0+70 [DB] CR_PLUGIN_DESC$' "$out" || { echo "p317.so: CR_PLUGIN_DESC is not 112 bytes" >>"$out"; return 1; }
	nm -DS --defined-only "$P/gp.so" >"$out" 2>&1 || return 1
	grep -Eq '^[0-9a-f]+ 0+98 [DB] CR_PLUGIN_DESC$' "$out" || { echo "gp.so: CR_PLUGIN_DESC is not 152 bytes" >>"$out"; return 1; }
	readelf -dW "$P/legacy_min.so" >"$out" 2>&1 && grep -q 'NEEDED.*libcriu-plugin' "$out" ||
		{ echo "legacy_min.so does not link the library" >>"$out"; return 1; }
}
if check_plugins; then ok "static:test_plugins"; else ko "static:test_plugins" "$out"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
