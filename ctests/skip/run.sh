#!/bin/bash
# Skipping plugins by name: CRIU_PLUGIN_SKIP and cr_plugin_set_skip, by
# plugin name and by file name, a skipped plugin never opened, names that
# match nothing warned about, the inventory check at restore, and the
# variable ignored in secure-execution mode (that one needs root: setcap).
# Usage: run.sh LIBDIR (the folder holding libcriu-plugin.so)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
LIBDIR=$(absdir "${1:?usage: run.sh LIBDIR}") || exit 2
suite skip "$here/build"
mkdir -p "$B/plugins"

plugin "$B/plugins/10-amd.so" amdgpu_plugin
plugin "$B/plugins/20-cuda.so" cuda_plugin
plugin "$B/plugins/30-inv.so" inventory_plugin
plugin "$B/plugins/40-old.so" old -DLEGACY
build "$B/host" -rdynamic "$here/host.c" -L"$LIBDIR" -lcriu-plugin -Wl,-rpath,"$LIBDIR"
export CRIU_LIBS_DIR=$B/plugins
run() { # run OUT [ENV=VALUE...] -- [ARGS...]
	local out=$1
	shift
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	timeout 20 env "${envs[@]}" "$B/host" "$@" >"$B/$out" 2>&1
	echo "rc=$?" >>"$B/$out"
}

# 1. Nothing skipped: all four load (the baseline the others differ from).
run all.out --
expect "without a skip list every plugin loads" "$B/all.out" '^loaded amdgpu_plugin$' '^loaded cuda_plugin$' \
	'^loaded inventory_plugin$' '^loaded 40-old.so$' '^init=0$'

# 2. By plugin name, from the environment: never opened.
run name.out CRIU_PLUGIN_SKIP=amdgpu_plugin --
expect "CRIU_PLUGIN_SKIP by plugin name: one info line" "$B/name.out" \
	'^\[3\] Skipping plugin .*/10-amd\.so \("amdgpu_plugin"\): named in CRIU_PLUGIN_SKIP$' '^init=0$' '^loaded cuda_plugin$'
reject "a skipped plugin is never opened (its constructor does not run)" "$B/name.out" '^amdgpu_plugin constructor$'
reject "a skipped plugin is not loaded" "$B/name.out" '^loaded amdgpu_plugin$'

# 3. By file name, with spaces and two entries; a legacy plugin by its file.
run file.out "CRIU_PLUGIN_SKIP= 20-cuda.so , 40-old.so" --
expect "CRIU_PLUGIN_SKIP by file names" "$B/file.out" \
	'^\[3\] Skipping plugin .*/20-cuda\.so: named in CRIU_PLUGIN_SKIP$' \
	'^\[3\] Skipping plugin .*/40-old\.so: named in CRIU_PLUGIN_SKIP$' '^loaded amdgpu_plugin$' '^init=0$'
reject "skipped by file name: never opened" "$B/file.out" '^(cuda_plugin|old) constructor$'

# 4. A name that matches nothing: a warning, and everything else loads.
run none.out CRIU_PLUGIN_SKIP=nvidia_plugin,cuda_plugin --
expect "a name that matches nothing is warned about" "$B/none.out" \
	'^\[2\] Warn  \([^)]*\): CRIU_PLUGIN_SKIP names "nvidia_plugin", which is no plugin in .*/plugins$' \
	'^loaded amdgpu_plugin$' '^init=0$'
reject "the name that matched is not warned about" "$B/none.out" 'names "cuda_plugin"'

# 5. The host's call overrides the environment; "" skips nothing.
run call.out CRIU_PLUGIN_SKIP=amdgpu_plugin -- skip=inventory_plugin
expect "cr_plugin_set_skip overrides the environment" "$B/call.out" \
	'^\[3\] Skipping plugin .*/30-inv\.so \("inventory_plugin"\): named in cr_plugin_set_skip$' '^loaded amdgpu_plugin$'
run empty.out CRIU_PLUGIN_SKIP=amdgpu_plugin -- skip=
expect "cr_plugin_set_skip(\"\") skips nothing" "$B/empty.out" '^loaded amdgpu_plugin$' '^loaded inventory_plugin$' '^init=0$'

# 6. Restore: images that need a skipped plugin fail CRIU's inventory check.
run restore.out CRIU_PLUGIN_SKIP=inventory_plugin REQUIRE=inventory_plugin -- restore
expect "restore needing a skipped plugin fails the inventory check" "$B/restore.out" \
	'^host: Missing required plugin: inventory_plugin$' '^init=-1$'
run restore-ok.out CRIU_PLUGIN_SKIP=amdgpu_plugin REQUIRE=inventory_plugin -- restore
expect "restore needing a plugin that is not skipped works" "$B/restore-ok.out" '^init=0$' '^loaded inventory_plugin$'

# 7. Secure execution: the variable is ignored (a warning), the call is not.
if needs_root "secure execution: CRIU_PLUGIN_SKIP is ignored with a file capability"; then
	S=$(mktemp -d /tmp/criu-plugin-skip.XXXXXX)
	chmod 755 "$S"
	mkdir -p "$S/lib"
	cp -P "$LIBDIR"/libcriu-plugin.so* "$S/lib/"
	build "$S/host-cap" -rdynamic "$here/host.c" -L"$S/lib" -lcriu-plugin -Wl,-rpath,"$S/lib"
	chmod -R a+rX "$S" "$B"
	if setcap cap_net_bind_service+ep "$S/host-cap" 2>"$B/setcap.err"; then
		timeout 20 env CRIU_PLUGIN_SKIP=amdgpu_plugin setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$S/host-cap" >"$B/secure.out" 2>&1
		expect "CRIU_PLUGIN_SKIP is ignored in secure-execution mode" "$B/secure.out" \
			'^\[2\] Warn  \([^)]*\): Ignoring CRIU_PLUGIN_SKIP=amdgpu_plugin in secure-execution mode'
	else
		ko "setcap failed: $(cat "$B/setcap.err")"
	fi
	rm -rf "$S"
fi

summary
