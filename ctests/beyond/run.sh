#!/bin/bash
# Tests of what the loader does beyond CRIU's own loader, through the C ABI:
# deterministic order, strict mode, trust and symbol checks, secure
# execution, built-in plugins and version skew. The foreign owner and the
# secure execution need root (chown, setcap); without it they are not run.
# Usage: run.sh LIBDIR (the folder holding libcriu-plugin.so)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
LIBDIR=$(absdir "${1:?usage: run.sh LIBDIR}") || exit 2
suite beyond "$here/build"

build "$B/host" -rdynamic "$here/host.c" -L"$LIBDIR" -lcriu-plugin -Wl,-rpath,"$LIBDIR"
export CRIU_LIBS_DIR=$B/plugins

# 1. Load order is the byte order of the names, whatever order the folder
# lists them in: create them in reverse.
mkdir -p "$B/plugins"
for n in c b a; do plugin "$B/plugins/$n.so" "p$n"; done
bounded "$B/host" >"$B/order.out" 2>&1
if [ "$(grep -E '^loaded' "$B/order.out" | tr '\n' ' ')" = "loaded pa dlopen loaded pb dlopen loaded pc dlopen " ] &&
	[ "$(grep -E '^p. exit' "$B/order.out" | cut -c1-2 | tr '\n' ' ')" = "pa pb pc " ]; then
	ok "load, chain and fini order is the byte order of file names"
else
	ko "load order" "$B/order.out"
fi
expect "the chain stops at the first plugin that answers" "$B/order.out" '^pa pause 42$' '^pause=7$'
reject "later plugins are not called once one answered" "$B/order.out" '^pb pause'
rm -rf "$B/plugins"

# 2. Built-in plugins: first, initialised, chained, finalised, not dlopen'ed.
mkdir -p "$B/plugins"
plugin "$B/plugins/a.so" pa
bounded "$B/host" builtin >"$B/builtin.out" 2>&1
expect "built-in plugin loads first and is chained" "$B/builtin.out" \
	'^builtin init 0$' '^loaded builtin built-in$' '^loaded pa dlopen$' '^builtin pause 42$' '^pa pause 42$' \
	'^pause=7$' '^builtin exit 0 0$'
if [ "$(grep -E '^loaded' "$B/builtin.out" | head -1)" = "loaded builtin built-in" ]; then
	ok "built-in plugins come before the folder's"
else
	ko "built-in position" "$B/builtin.out"
fi

# 3. Missing symbols are named at load time: warning, or refusal in strict mode.
plugin "$B/plugins/m.so" needs-missing -DNEEDS_MISSING
bounded "$B/host" >"$B/missing.out" 2>&1
expect "an unresolvable symbol is reported by name before any hook runs" "$B/missing.out" \
	'^\[2\] Warn  \([^)]*\): Plugin .*/m.so needs symbols that nothing in this process provides: criu_function_nobody_has$' \
	'^loaded needs-missing dlopen$' '^init=0$'
CRIU_PLUGIN_STRICT=1 bounded "$B/host" >"$B/missing-strict.out" 2>&1
expect "strict mode (environment) refuses a plugin with missing symbols" "$B/missing-strict.out" \
	'^\[1\] Error \([^)]*\): Refusing plugin .*/m.so: .*criu_function_nobody_has \(strict mode\)$' '^init=-1$' '^pa exit 0 -1$'
bounded "$B/host" strict >"$B/missing-strict-call.out" 2>&1
expect "strict mode (C call) refuses a plugin with missing symbols" "$B/missing-strict-call.out" \
	'criu_function_nobody_has \(strict mode\)$' '^init=-1$'
CRIU_PLUGIN_STRICT=0 bounded "$B/host" >"$B/missing-off.out" 2>&1
expect "CRIU_PLUGIN_STRICT=0 keeps warnings" "$B/missing-off.out" '^init=0$'
rm -f "$B/plugins/m.so"
# Imports found in the executable, the C library, the loader library and the
# plugin's own dependency are not reported; the one nothing has is.
shared "$B/libdep.so" dep.c
plugin "$B/plugins/e.so" needs-from-everywhere -DNEEDS_MISSING -DNEEDS_FROM_EVERYWHERE -L"$B" -ldep -Wl,-rpath,"$B"
readelf -d "$B/plugins/e.so" | grep -q 'NEEDED.*\[libdep.so\]' || { echo "e.so does not need libdep.so"; exit 1; }
bounded "$B/host" >"$B/everywhere.out" 2>&1
expect "only the import nothing provides is reported, wherever the others are" "$B/everywhere.out" \
	'^\[2\] Warn  \([^)]*\): Plugin .*/e.so needs symbols that nothing in this process provides: criu_function_nobody_has$' \
	'^loaded needs-from-everywhere dlopen$' '^init=0$'
rm -f "$B/plugins/e.so"

# 4. Trust: files or folders others can write, or foreign owners.
chmod 666 "$B/plugins/a.so"
bounded "$B/host" >"$B/trust.out" 2>&1
expect "a plugin file writable by group and others is warned about" "$B/trust.out" \
	'^\[2\] Warn  \([^)]*\): Plugin file .*/a.so is writable by its group and others \(mode 0666\)$' '^init=0$'
CRIU_PLUGIN_STRICT=1 bounded "$B/host" >"$B/trust-strict.out" 2>&1
expect "strict mode refuses it" "$B/trust-strict.out" '^\[1\] Error \([^)]*\): Refusing plugin .*/a.so: .*\(strict mode\)$' '^init=-1$'
chmod 644 "$B/plugins/a.so"
if needs_root "a plugin owned by another user is warned about"; then
	chown 12345 "$B/plugins/a.so"
	bounded "$B/host" >"$B/owner.out" 2>&1
	expect "a plugin owned by another user is warned about" "$B/owner.out" \
		'^\[2\] Warn  \([^)]*\): Plugin file .*/a.so is owned by uid 12345, neither root nor the effective user 0$'
	chown 0 "$B/plugins/a.so"
fi
chmod 777 "$B/plugins"
bounded "$B/host" >"$B/folder.out" 2>&1
expect "a plugin folder writable by others is warned about" "$B/folder.out" '^\[2\] Warn  \([^)]*\): Plugin folder .*/plugins is writable by its group and others \(mode 0777\)$'
CRIU_PLUGIN_STRICT=1 bounded "$B/host" >"$B/folder-strict.out" 2>&1
expect "strict mode refuses the folder" "$B/folder-strict.out" '^\[1\] Error \([^)]*\): Refusing plugin folder .*/plugins: ' '^init=-1$'
expect "errors and warnings carry CRIU's prefixes with the library's source location" "$B/folder-strict.out" \
	'^\[1\] Error \(libcriu-plugin/src/[a-z_/]+\.rs:[0-9]+\): Refusing plugin folder '
expect "warnings carry CRIU's prefix" "$B/folder.out" '^\[2\] Warn  \(libcriu-plugin/src/[a-z_/]+\.rs:[0-9]+\): Plugin folder '
chmod 755 "$B/plugins"
bounded "$B/host" >"$B/clean.out" 2>&1
reject "a folder and files owned by root, mode 755/644, get no warning" "$B/clean.out" '^\[2\]'

# 5. Secure execution: with a file capability, CRIU_LIBS_DIR is ignored. The
# unprivileged user must reach everything, so it all goes under /tmp.
if needs_root "secure execution: CRIU_LIBS_DIR is ignored with a file capability"; then
	S=$(mktemp -d /tmp/criu-plugin-secure.XXXXXX)
	chmod 755 "$S"
	mkdir -p "$S/lib" "$S/plugins"
	cp -P "$LIBDIR"/libcriu-plugin.so* "$S/lib/"
	cp "$B/plugins/a.so" "$S/plugins/"
	build "$S/host" -rdynamic "$here/host.c" -L"$S/lib" -lcriu-plugin -Wl,-rpath,"$S/lib"
	cp "$S/host" "$S/host-cap"
	chmod -R a+rX "$S"
	if setcap cap_net_bind_service+ep "$S/host-cap" 2>"$B/setcap.err"; then
		CRIU_LIBS_DIR=$S/plugins bounded setpriv --reuid=65534 --regid=65534 --clear-groups "$S/host-cap" >"$B/secure.out" 2>&1
		expect "CRIU_LIBS_DIR is ignored in secure-execution mode" "$B/secure.out" \
			'^\[2\] Warn  \([^)]*\): Ignoring CRIU_LIBS_DIR=.*/plugins in secure-execution mode' '^init=0$'
		reject "no plugin is loaded from CRIU_LIBS_DIR then" "$B/secure.out" '^loaded'
		CRIU_LIBS_DIR=$S/plugins bounded setpriv --reuid=65534 --regid=65534 --clear-groups "$S/host" >"$B/insecure.out" 2>&1
		expect "without the capability the same user's CRIU_LIBS_DIR is used" "$B/insecure.out" '^loaded pa dlopen$'
	else
		ko "setcap failed: $(cat "$B/setcap.err")"
	fi
	rm -rf "$S"
fi

# 6. Version skew: a host linked against a build whose cr_plugin_ctl has 12
# chains (a 208-byte copy relocation) runs with this library.
mkdir -p "$B/old"
build "$B/old/libcriu-plugin.so" -shared -fPIC -Wl,-soname,libcriu-plugin.so.1 -DCHAINS=12 "$here/ctl.c"
build "$B/host-old" -no-pie -fno-pie -rdynamic "$here/host.c" -L"$B/old" -lcriu-plugin
if readelf -rW "$B/host-old" | grep -q 'R_X86_64_COPY.*cr_plugin_ctl' &&
	[ "$(nm -S "$B/host-old" | awk '/ cr_plugin_ctl$/ {print $2}')" = 00000000000000d0 ]; then
	ok "the old host holds a 208-byte copy of cr_plugin_ctl"
else
	ko "old host has no 208-byte copy relocation"
fi
LD_LIBRARY_PATH=$LIBDIR bounded "$B/host-old" post-forking >"$B/skew.out" 2>&1
expect "a host with 12 chains still loads plugins using hooks below 12" "$B/skew.out" \
	'^\[2\] Warn  \([^)]*\): The host.s cr_plugin_ctl is 208 bytes: 12 hook chains where this library has 15; plugins using hook 12 or later are refused$' '^loaded pa dlopen$' '^pause=7$' \
	'^post_forking_before_init=-95$' \
	'^post_forking=-95$'
plugin "$B/plugins/z.so" pz -DPOST_FORKING
LD_LIBRARY_PATH=$LIBDIR bounded "$B/host-old" post-forking >"$B/skew-refused.out" 2>&1
expect "a plugin registering a hook the host cannot call is refused, naming the hook" "$B/skew-refused.out" \
	'^\[1\] Error \([^)]*\): Refusing plugin .*/z.so \("pz"\): it registers hook POST_FORKING \(12\), which this CRIU cannot call: its cr_plugin_ctl has 12 hook chains$' \
	'^init=-1$' '^pa exit 0 -1$'
bounded "$B/host" post-forking >"$B/noskew.out" 2>&1
expect "the same plugin loads into a current host and its hook runs" "$B/noskew.out" '^pz post_forking$' '^post_forking=0$'

# 7. The other way round: a host linked against a newer build, whose
# cr_plugin_ctl has 20 chains (a 336-byte copy), runs with this library.
mkdir -p "$B/new"
build "$B/new/libcriu-plugin.so" -shared -fPIC -Wl,-soname,libcriu-plugin.so.1 -DCHAINS=20 "$here/ctl.c"
build "$B/host-new" -no-pie -fno-pie -rdynamic "$here/new_host.c" -L"$B/new" -lcriu-plugin
if [ "$(nm -S "$B/host-new" | awk '/ cr_plugin_ctl$/ {print $2}')" = 0000000000000150 ]; then
	ok "the newer host holds a 336-byte copy of cr_plugin_ctl"
else
	ko "newer host has no 336-byte copy"
fi
LD_LIBRARY_PATH=$LIBDIR timeout 20 "$B/host-new" >"$B/skew-new.out" 2>&1
echo "rc=$?" >>"$B/skew-new.out"
expect "a host with more chains than the library finds the extra ones empty, before and after init" "$B/skew-new.out" \
	'^before init: 20 chains walked, 20 empty$' '^init=0$' '^after init: 20 chains walked, [0-9]+ empty$' \
	'^after fini: 20 chains walked, 20 empty$' '^rc=0$'

summary
