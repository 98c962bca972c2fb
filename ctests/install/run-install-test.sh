#!/bin/bash
# run-install-test.sh: the install test (make check-install).
#
#  A. `make install` into a temporary DESTDIR with PREFIX=/opt/criu-plugin-test
#     (LIBDIR, INCLUDEDIR and the pkg-config folder from their defaults);
#     checks the installed files, links and soname; compiles a C plugin
#     (plugin.c) and a C host (host.c) against the installed copy with only
#       PKG_CONFIG_PATH=$DESTDIR$LIBDIR/pkgconfig PKG_CONFIG_SYSROOT_DIR=$DESTDIR \
#           pkg-config --cflags --libs criu-plugin
#     runs the host, which loads the plugin through cr_plugin_set_libdir() and
#     calls its hooks; links the host statically too (pkg-config --static);
#     checks that the pkg-config variables plugindir and opts_layouts are
#     what the library reports (cr_plugin_default_dir(),
#     cr_plugin_opts_layouts()), and that the host, which has no `opts', is
#     told SIZE_MAX by cr_plugin_opts_libdir_offset(); installs again; `make
#     uninstall` must leave no file and no folder behind.
#  B. The build settings: `make install CRIU_PLUGIN_DEFAULT_DIR=/opt/x/
#     CRIU_OPTS_LAYOUTS=600:168` built in its own cargo target folder
#     (build/alt-target, so the main build is not disturbed; the first run
#     compiles everything, about a minute on 2 cores, later runs only what
#     changed), installed Debian-style (PREFIX=/usr, a multiarch LIBDIR): the
#     library and the pkg-config file must both say /opt/x/ and the verified
#     layouts followed by 600:168.
#     CHECK_INSTALL_REBUILD=0 skips this part.
#  C. `make uninstall` without the install manifest removes the files too.
#
# Prints one PASS or FAIL line per check and a closing
# "check-install: N passed, N failed" line; exits non-zero on any failure.
# CC (default cc), KEEP=1 keeps the work folder.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO" || exit 1

# A make that called us must not pass its command-line variables (PREFIX,
# DESTDIR, ...) to the makes below; the install folders come only from here.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL GNUMAKEFLAGS
unset DESTDIR PREFIX LIBDIR INCLUDEDIR BINDIR PKGCONFIGDIR NO_BUILD
CC=${CC:-cc}
CWARN=(-Wall -Wextra -Werror)
T0=$SECONDS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/criu-plugin-install-test.XXXXXX") || exit 1
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then
		echo "check-install: work folder kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

NPASS=0
NFAIL=0
pass() {
	echo "PASS: $*"
	NPASS=$((NPASS + 1))
}
fail() {
	echo "FAIL: $*"
	NFAIL=$((NFAIL + 1))
}
# check DESCRIPTION CMD...: PASS when CMD succeeds; else FAIL and its output.
check() {
	local what=$1
	shift
	if "$@" >"$WORK/check.log" 2>&1; then
		pass "$what"
	else
		fail "$what"
		tail -n 30 "$WORK/check.log" | sed 's/^/    /'
		return 1
	fi
}
# same A B: succeeds when A equals B, else says what differs.
same() {
	[ "$1" = "$2" ] || {
		echo "'$1' != '$2'"
		return 1
	}
}

read -r VERSION SOVERSION < <(make -s --no-print-directory -C "$REPO" print-version)
REALNAME=libcriu-plugin.so.$VERSION
SONAME=libcriu-plugin.so.$SOVERSION
CARGO_OUT=$(cd "$REPO" && realpath -m "${CARGO_TARGET_DIR:-target}")/release

# pc VARIANT_DESTDIR LIBDIR ARGS...: pkg-config on the staged install.
pc() {
	local dest=$1 libdir=$2
	shift 2
	PKG_CONFIG_PATH=$dest$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest pkg-config "$@"
}
# pcvar DESTDIR LIBDIR NAME: a pkg-config variable as written in the file
# (pkgconf would prefix PKG_CONFIG_SYSROOT_DIR to path-like values).
pcvar() {
	PKG_CONFIG_PATH=$1$2/pkgconfig pkg-config --variable="$3" criu-plugin
}
# no_files_left DIR: DIR holds no file or link (and says which if it does).
no_files_left() {
	local left
	left=$(find "$1" \( -type f -o -type l \) 2>/dev/null)
	[ -z "$left" ] || {
		echo "left behind:"
		echo "$left"
		return 1
	}
}
# build_and_run DEST LIBDIR TAG: compiles plugin.c and host.c against the
# install in DEST through pkg-config only, and runs the host on the plugin.
build_and_run() {
	local dest=$1 libdir=$2 tag=$3 cflags libs
	local out=$WORK/$tag
	mkdir -p "$out/plugins"
	cflags=$(pc "$dest" "$libdir" --cflags criu-plugin)
	libs=$(pc "$dest" "$libdir" --libs criu-plugin)
	echo "  ($tag) pkg-config --cflags --libs criu-plugin: $cflags $libs"
	# shellcheck disable=SC2086 # word splitting of pkg-config output is intended
	check "[$tag] C plugin compiles against the installed criu-plugin.h (-Wall -Wextra -Werror)" \
		"$CC" "${CWARN[@]}" -shared -fPIC $cflags -o "$out/plugins/install_test.so" "$HERE/plugin.c"
	# shellcheck disable=SC2086
	check "[$tag] C host compiles and links against the installed library" \
		"$CC" "${CWARN[@]}" $cflags -o "$out/host" "$HERE/host.c" $libs
	check "[$tag] the host needs $SONAME" \
		bash -c "readelf -d '$out/host' | grep -q 'NEEDED.*\[$SONAME\]'"
	check "[$tag] the host resolves $SONAME to the installed copy" \
		bash -c "LD_LIBRARY_PATH='$dest$libdir' ldd '$out/host' | grep -q '$SONAME => $dest$libdir/$SONAME'"
	LD_LIBRARY_PATH=$dest$libdir "$out/host" run "$out/plugins" >"$out/run.log" 2>&1
	local rc=$?
	if [ $rc = 0 ] && grep -q '^install_test plugin: init(0)$' "$out/run.log" &&
		grep -q '^install_test plugin: exit(0, 0)$' "$out/run.log"; then
		pass "[$tag] the host loads the plugin via cr_plugin_set_libdir and its typed hook calls answer ($(grep -c '^ok:' "$out/run.log") checks)"
	else
		fail "[$tag] the host loads the plugin via cr_plugin_set_libdir and its typed hook calls answer (exit $rc)"
		sed 's/^/    /' "$out/run.log"
	fi
	LD_LIBRARY_PATH=$dest$libdir "$out/host" info >"$out/info.log" 2>&1
}
# info_value TAG NAME: a value the host's "info" printed.
info_value() {
	sed -n "s/^$2=//p" "$WORK/$1/info.log"
}

# ---------------------------------------------------------------------------
echo "=== A. make install into a temporary DESTDIR, PREFIX=/opt/criu-plugin-test"
DA=$WORK/destA
PA=/opt/criu-plugin-test
LA=$PA/lib
if ! check "[A] make install DESTDIR=... PREFIX=$PA" \
	make --no-print-directory install DESTDIR="$DA" PREFIX=$PA; then
	echo "check-install: $NPASS passed, $NFAIL failed: make install failed, nothing more to check"
	exit 1
fi
grep -E '^ +(INSTALL|LINK)|^installed' "$WORK/check.log" | sed 's/^ */  /'

check "[A] $LA/$REALNAME is the release build, mode 755" \
	bash -c "[ -f '$DA$LA/$REALNAME' ] && [ ! -L '$DA$LA/$REALNAME' ] && [ \"\$(stat -c %a '$DA$LA/$REALNAME')\" = 755 ] && cmp '$CARGO_OUT/libcriu_plugin.so' '$DA$LA/$REALNAME'"
check "[A] $REALNAME has the soname $SONAME" \
	bash -c "readelf -d '$DA$LA/$REALNAME' | grep -q 'SONAME.*\[$SONAME\]'"
check "[A] soname link $SONAME -> $REALNAME" same "$(readlink "$DA$LA/$SONAME")" "$REALNAME"
check "[A] development link libcriu-plugin.so -> $SONAME" same "$(readlink "$DA$LA/libcriu-plugin.so")" "$SONAME"
check "[A] static library $LA/libcriu-plugin.a" cmp "$CARGO_OUT/libcriu_plugin.a" "$DA$LA/libcriu-plugin.a"
check "[A] headers in $PA/include/criu/" \
	bash -c "cmp include/criu-plugin.h '$DA$PA/include/criu/criu-plugin.h' && cmp include/criu-plugin-host.h '$DA$PA/include/criu/criu-plugin-host.h'"
check "[A] pkg-config file $LA/pkgconfig/criu-plugin.pc" test -f "$DA$LA/pkgconfig/criu-plugin.pc"
if [ -f "$CARGO_OUT/criu-plugin-inspect" ]; then
	check "[A] criu-plugin-inspect installed in $PA/bin" \
		bash -c "[ -x '$DA$PA/bin/criu-plugin-inspect' ] && cmp '$CARGO_OUT/criu-plugin-inspect' '$DA$PA/bin/criu-plugin-inspect'"
else
	check "[A] no criu-plugin-inspect built, none installed" test ! -e "$DA$PA/bin/criu-plugin-inspect"
fi
check "[A] pkg-config --modversion is $VERSION" same "$(pc "$DA" "$LA" --modversion criu-plugin)" "$VERSION"
check "[A] pkg-config --cflags --libs point into the staged tree" \
	same "$(pc "$DA" "$LA" --cflags --libs criu-plugin | xargs)" "-I$DA$PA/include/criu -L$DA$LA -lcriu-plugin"
check "[A] pkg-config: libdir=\${prefix}/lib, includedir=\${prefix}/include" \
	same "$(grep -E '^(prefix|libdir|includedir)=' "$DA$LA/pkgconfig/criu-plugin.pc" | xargs)" \
	"prefix=$PA libdir=\${prefix}/lib includedir=\${prefix}/include"

build_and_run "$DA" "$LA" A
check "[A] pkg-config plugindir = cr_plugin_default_dir() ($(info_value A default_dir))" \
	same "$(pcvar "$DA" "$LA" plugindir)" "$(info_value A default_dir)"
# The verified layouts, as src/opts_layouts.rs lists them.
VERIFIED_LAYOUTS=$(sed -n 's/^ *verified(\([0-9]*\), *\([0-9]*\),.*/\1:\2/p' src/opts_layouts.rs | paste -sd, -)
check "[A] pkg-config opts_layouts = cr_plugin_opts_layouts() ($(info_value A opts_layouts))" \
	same "$(pcvar "$DA" "$LA" opts_layouts)" "$(info_value A opts_layouts)"
# (plus those of a CRIU_OPTS_LAYOUTS the caller built with, not repeating any)
check "[A] the build knows the verified layouts ($VERIFIED_LAYOUTS${CRIU_OPTS_LAYOUTS:+ + $CRIU_OPTS_LAYOUTS})" \
	same "$(info_value A opts_layouts)" "$VERIFIED_LAYOUTS${CRIU_OPTS_LAYOUTS:+,$CRIU_OPTS_LAYOUTS}"
check "[A] cr_plugin_opts_libdir_offset() is SIZE_MAX in a host without opts" \
	same "$(info_value A opts_libdir_offset)" 18446744073709551615
check "[A] pkg-config soversion = $SOVERSION" same "$(pcvar "$DA" "$LA" soversion)" "$SOVERSION"

# A static link: libcriu-plugin.a and Libs.private (-rdynamic, like CRIU, so
# the plugin finds criu_get_image_dir in the executable).
mkdir -p "$WORK/A-static"
# shellcheck disable=SC2046
check "[A] C host links statically against libcriu-plugin.a (pkg-config --static)" \
	"$CC" "${CWARN[@]}" $(pc "$DA" "$LA" --cflags criu-plugin) -rdynamic -o "$WORK/A-static/host" "$HERE/host.c" \
	$(pc "$DA" "$LA" --libs-only-L criu-plugin) -l:libcriu-plugin.a \
	$(pc "$DA" "$LA" --static --libs-only-l criu-plugin | sed 's/-lcriu-plugin//')
check "[A] the static host needs no libcriu-plugin.so" \
	bash -c "! readelf -d '$WORK/A-static/host' | grep -q libcriu-plugin"
check "[A] the static host loads the plugin and calls its hooks" \
	"$WORK/A-static/host" run "$WORK/A/plugins"

check "[A] make install again (same variables) succeeds" \
	make --no-print-directory install NO_BUILD=1 DESTDIR="$DA" PREFIX=$PA
MANIFEST=$(make --no-print-directory -s show-install-manifest DESTDIR="$DA" PREFIX=$PA)
check "[A] the install manifest lists each path once" \
	bash -c "[ -s '$MANIFEST' ] && [ -z \"\$(sort '$MANIFEST' | uniq -d)\" ]"
check "[A] make uninstall" make --no-print-directory uninstall DESTDIR="$DA" PREFIX=$PA
check "[A] after uninstall the DESTDIR tree holds no files" no_files_left "$DA"
check "[A] after uninstall no folder made by the install is left" test ! -e "$DA"
check "[A] uninstall removed its manifest" test ! -e "$MANIFEST"

# ---------------------------------------------------------------------------
if [ "${CHECK_INSTALL_REBUILD:-1}" = 0 ]; then
	echo ""
	echo "SKIP: B. rebuild with CRIU_PLUGIN_DEFAULT_DIR=/opt/x/ (CHECK_INSTALL_REBUILD=0)"
else
	echo ""
	echo "=== B. make install CRIU_PLUGIN_DEFAULT_DIR=/opt/x/ CRIU_OPTS_LAYOUTS=600:168 (own target folder build/alt-target)"
	DB=$WORK/destB
	MA=$("$CC" -print-multiarch 2>/dev/null)
	LB=/usr/lib${MA:+/$MA}
	TB=$SECONDS
	if check "[B] make install (rebuild) CRIU_PLUGIN_DEFAULT_DIR=/opt/x/ CRIU_OPTS_LAYOUTS=600:168 PREFIX=/usr LIBDIR=$LB" \
		make --no-print-directory install CARGO_TARGET_DIR="$REPO/build/alt-target" \
		CRIU_PLUGIN_DEFAULT_DIR=/opt/x/ CRIU_OPTS_LAYOUTS=600:168 \
		DESTDIR="$DB" PREFIX=/usr LIBDIR="$LB"; then
		echo "  (build and install: $((SECONDS - TB)) s)"
		check "[B] pkg-config: prefix=/usr libdir=\${prefix}${LB#/usr}" \
			same "$(grep -E '^(prefix|libdir)=' "$DB$LB/pkgconfig/criu-plugin.pc" | xargs)" "prefix=/usr libdir=\${prefix}${LB#/usr}"
		build_and_run "$DB" "$LB" B
		check "[B] cr_plugin_default_dir() reports /opt/x/" same "$(info_value B default_dir)" /opt/x/
		check "[B] cr_plugin_opts_layouts() reports the verified layouts, then 600:168" \
			same "$(info_value B opts_layouts)" "$VERIFIED_LAYOUTS,600:168"
		check "[B] pkg-config plugindir is /opt/x/" same "$(pcvar "$DB" "$LB" plugindir)" /opt/x/
		check "[B] pkg-config opts_layouts = cr_plugin_opts_layouts() ($(info_value B opts_layouts))" \
			same "$(pcvar "$DB" "$LB" opts_layouts)" "$(info_value B opts_layouts)"
		check "[B] make uninstall" make --no-print-directory uninstall DESTDIR="$DB" PREFIX=/usr LIBDIR="$LB"
		check "[B] after uninstall the DESTDIR tree holds no files" no_files_left "$DB"
	fi
fi

# ---------------------------------------------------------------------------
echo ""
echo "=== C. make uninstall without the install manifest"
DC=$WORK/destC
check "[C] make install NO_BUILD=1 DESTDIR=... (default PREFIX)" make --no-print-directory install NO_BUILD=1 DESTDIR="$DC"
rm -f "$(make --no-print-directory -s show-install-manifest DESTDIR="$DC")"
check "[C] make uninstall without a manifest" make --no-print-directory uninstall DESTDIR="$DC"
check "[C] after uninstall the DESTDIR tree holds no files" no_files_left "$DC"

echo ""
echo "check-install: $NPASS passed, $NFAIL failed ($((SECONDS - T0)) s)"
[ "$NFAIL" = 0 ]
