#!/bin/bash
# run-install-test.sh: the install test (make check-install).
#
#  A. `make install` into a temporary DESTDIR with PREFIX=/opt/criu-plugin-test
#     (LIBDIR, INCLUDEDIR and the pkg-config folder from their defaults: LIBDIR
#     is $PREFIX/lib/<multiarch triplet> on Debian); checks the installed
#     files, links, soname and symbol versions (ctests/check-library.sh), the
#     headers in include/criu-plugin/; compiles a C plugin
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
#  S. `make install-strip`: the shared library, the static library and the
#     tool are smaller than their `make install` copies and hold no debug
#     sections; the library keeps its exports and versions; the C host (both
#     links) still loads the plugin; the tool still reads a plugin folder.
#  B. The build settings: `make install CRIU_PLUGIN_DEFAULT_DIR=/opt/x/
#     CRIU_OPTS_LAYOUTS=600:168` built in its own cargo target folder
#     (build/alt-target, so the main build is not disturbed; the first run
#     compiles everything, about a minute on 2 cores, later runs only what
#     changed), installed Debian-style (PREFIX=/usr, the default LIBDIR): the
#     library must say /opt/x/, the pkg-config file /opt/x, and the verified
#     layouts followed by 600:168.
#     CHECK_INSTALL_REBUILD=0 skips this part.
#  C. An explicit LIBDIR (LIBDIR=/usr/local/lib) is obeyed, and `make
#     uninstall` without the install manifest removes the files too.
#  D. Beside Debian's criu package: a Debian-style install (PREFIX=/usr,
#     default LIBDIR) puts no file or link at a path that `dpkg -L criu`
#     lists (the package must be installed: .ci/deps.sh installs it).
#  L. mk/libdir.sh, the default LIBDIR, on made-up roots: lib/<triplet>,
#     lib64, lib.
#  V. ctests/check-library.sh fails on libraries that are wrong: cargo's own
#     cdylib (no symbol versions), a link exporting one symbol too many, a
#     link missing one export.
#  P. The crate package: `cargo package --list` names only what builds the
#     crate (no ctests/, bench/, .ci/ ...), `cargo package --no-verify
#     --offline` makes the .crate with those files, and the crate builds
#     from them (unpacked, in build/package-target; CHECK_INSTALL_REBUILD=0
#     skips that build).
#
# Prints one PASS: or FAIL: line per check and a closing
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

# ok, ko and the counts.
. "$REPO/ctests/checks.sh"
# check DESCRIPTION CMD...: PASS when CMD succeeds; else FAIL and its output.
check() {
	local what=$1
	shift
	if "$@" >"$WORK/check.log" 2>&1; then
		ok "$what"
	else
		ko "$what"
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
CHECK_LIB=$REPO/ctests/check-library.sh

# The library folder a Debian system uses, which the default LIBDIR must be:
# lib/<DEB_HOST_MULTIARCH>. (This test runs on Debian: it needs dpkg for D.)
if ! DEB_MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null) || [ -z "$DEB_MA" ]; then
	echo "FAIL: dpkg-architecture -qDEB_HOST_MULTIARCH gave nothing: the install test needs Debian (dpkg-dev)"
	echo "check-install: 0 passed, 1 failed"
	exit 1
fi
LIBNAME=lib/$DEB_MA

# pc VARIANT_DESTDIR LIBDIR ARGS...: pkg-config on the staged install.
pc() {
	local dest=$1 libdir=$2
	shift 2
	PKG_CONFIG_PATH=$dest$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest pkg-config "$@"
}
# static_host DESTDIR TAG WHAT: the C host linked statically against the
# staged install's libcriu-plugin.a (WHAT names it), with what pkg-config
# --static says, into $WORK/TAG-static/host.
static_host() {
	local dest=$1 tag=$2
	mkdir -p "$WORK/$tag-static"
	# shellcheck disable=SC2046
	check "[$tag] C host links statically against $3" \
		"$CC" "${CWARN[@]}" $(pc "$dest" "$LA" --cflags criu-plugin) -rdynamic -o "$WORK/$tag-static/host" \
		"$HERE/host.c" $(pc "$dest" "$LA" --libs-only-L criu-plugin) -l:libcriu-plugin.a \
		$(pc "$dest" "$LA" --static --libs-only-l criu-plugin | sed 's/-lcriu-plugin//')
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
		ok "[$tag] the host loads the plugin via cr_plugin_set_libdir and its typed hook calls answer ($(grep -c '^ok:' "$out/run.log") checks)"
	else
		ko "[$tag] the host loads the plugin via cr_plugin_set_libdir and its typed hook calls answer (exit $rc)"
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
LA=$PA/$LIBNAME
if ! check "[A] make install DESTDIR=... PREFIX=$PA" \
	make --no-print-directory install DESTDIR="$DA" PREFIX=$PA; then
	echo "check-install: $pass passed, $fail failed: make install failed, nothing more to check"
	exit 1
fi
grep -E '^ +(INSTALL|LINK)|^installed' "$WORK/check.log" | sed 's/^ */  /'

check "[A] $LA/$REALNAME is the versioned link of the release build, mode 755" \
	bash -c "[ -f '$DA$LA/$REALNAME' ] && [ ! -L '$DA$LA/$REALNAME' ] && [ \"\$(stat -c %a '$DA$LA/$REALNAME')\" = 755 ] && cmp '$CARGO_OUT/$REALNAME' '$DA$LA/$REALNAME'"
check "[A] the default LIBDIR is \$(PREFIX)/$LIBNAME (Debian's multiarch folder)" test -d "$DA$LA"
check "[A] $REALNAME has the soname $SONAME" \
	bash -c "readelf -d '$DA$LA/$REALNAME' | grep -q 'SONAME.*\[$SONAME\]'"
check "[A] $REALNAME exports exactly the C ABI, each symbol in its version node (check-library.sh)" \
	"$CHECK_LIB" "$DA$LA/$REALNAME"
sed 's/^/    /' "$WORK/check.log"
check "[A] soname link $SONAME -> $REALNAME" same "$(readlink "$DA$LA/$SONAME")" "$REALNAME"
check "[A] development link libcriu-plugin.so -> $SONAME" same "$(readlink "$DA$LA/libcriu-plugin.so")" "$SONAME"
check "[A] static library $LA/libcriu-plugin.a" cmp "$CARGO_OUT/libcriu_plugin.a" "$DA$LA/libcriu-plugin.a"
check "[A] headers in $PA/include/criu-plugin/" \
	bash -c "cmp include/criu-plugin.h '$DA$PA/include/criu-plugin/criu-plugin.h' && cmp include/criu-plugin-host.h '$DA$PA/include/criu-plugin/criu-plugin-host.h'"
check "[A] nothing in $PA/include/criu/ (the folder of CRIU's own headers)" test ! -e "$DA$PA/include/criu"
check "[A] pkg-config file $LA/pkgconfig/criu-plugin.pc" test -f "$DA$LA/pkgconfig/criu-plugin.pc"
if [ -f "$CARGO_OUT/criu-plugin-inspect" ]; then
	check "[A] criu-plugin-inspect installed in $PA/bin" \
		bash -c "[ -x '$DA$PA/bin/criu-plugin-inspect' ] && cmp '$CARGO_OUT/criu-plugin-inspect' '$DA$PA/bin/criu-plugin-inspect'"
else
	check "[A] no criu-plugin-inspect built, none installed" test ! -e "$DA$PA/bin/criu-plugin-inspect"
fi
check "[A] pkg-config --modversion is $VERSION" same "$(pc "$DA" "$LA" --modversion criu-plugin)" "$VERSION"
check "[A] pkg-config --cflags --libs point into the staged tree" \
	same "$(pc "$DA" "$LA" --cflags --libs criu-plugin | xargs)" "-I$DA$PA/include/criu-plugin -L$DA$LA -lcriu-plugin"
check "[A] pkg-config: libdir=\${prefix}/$LIBNAME, includedir=\${prefix}/include" \
	same "$(grep -E '^(prefix|libdir|includedir)=' "$DA$LA/pkgconfig/criu-plugin.pc" | xargs)" \
	"prefix=$PA libdir=\${prefix}/$LIBNAME includedir=\${prefix}/include"

build_and_run "$DA" "$LA" A
# pkg-config shows the folder without its trailing slash.
check "[A] pkg-config plugindir = cr_plugin_default_dir() without a trailing slash ($(info_value A default_dir))" \
	same "$(pcvar "$DA" "$LA" plugindir)" "$(info_value A default_dir | sed 's|\(.\)/$|\1|')"
check "[A] pkg-config plugindir has no trailing slash" same "$(pcvar "$DA" "$LA" plugindir | grep -c '/$')" 0
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
static_host "$DA" A "libcriu-plugin.a (pkg-config --static)"
check "[A] the static host needs no libcriu-plugin.so" \
	bash -c "! readelf -d '$WORK/A-static/host' | grep -q libcriu-plugin"
check "[A] the static host loads the plugin and calls its hooks" \
	"$WORK/A-static/host" run "$WORK/A/plugins"

# ---------------------------------------------------------------------------
echo ""
echo "=== S. make install-strip into another DESTDIR, same PREFIX"
DS=$WORK/destS
if check "[S] make install-strip NO_BUILD=1 DESTDIR=... PREFIX=$PA" \
	make --no-print-directory install-strip NO_BUILD=1 DESTDIR="$DS" PREFIX=$PA; then
	grep -E '^ +(STRIP|INSTALL)' "$WORK/check.log" | sed 's/^ */  /'
	# smaller FILE_S FILE_A: FILE_S is smaller than FILE_A (says both sizes).
	smaller() {
		local s a
		s=$(stat -c %s "$1") && a=$(stat -c %s "$2") || return 1
		echo "$s < $a bytes"
		[ "$s" -lt "$a" ]
	}
	# no_debug FILE: no debug information section (for an archive: in any
	# member). .debug_gdb_scripts is not one: it is loaded with the program
	# (the name of Rust's pretty-printers for gdb), and strip keeps it.
	no_debug() {
		local n
		n=$(readelf -SW "$1" 2>/dev/null | grep '\.debug_' | grep -vc '\.debug_gdb_scripts')
		echo "$n debug sections"
		[ "$n" = 0 ]
	}
	check "[S] $REALNAME is smaller than make install's" smaller "$DS$LA/$REALNAME" "$DA$LA/$REALNAME"
	echo "    $(cat "$WORK/check.log")"
	check "[S] libcriu-plugin.a is smaller than make install's" smaller "$DS$LA/libcriu-plugin.a" "$DA$LA/libcriu-plugin.a"
	echo "    $(cat "$WORK/check.log")"
	check "[S] $REALNAME holds no debug sections" no_debug "$DS$LA/$REALNAME"
	check "[S] libcriu-plugin.a holds no debug sections" no_debug "$DS$LA/libcriu-plugin.a"
	check "[S] make install's $REALNAME does hold debug sections (the check above can fail)" \
		bash -c "readelf -SW '$DA$LA/$REALNAME' | grep -q '\.debug_'"
	check "[S] the stripped $REALNAME still exports exactly the C ABI with its versions and soname (check-library.sh)" \
		"$CHECK_LIB" "$DS$LA/$REALNAME"
	check "[S] the stripped $REALNAME still has its symbol table for the dynamic linker (.dynsym, .gnu.version_d)" \
		bash -c "readelf -SW '$DS$LA/$REALNAME' | grep -q '\.dynsym' && readelf -SW '$DS$LA/$REALNAME' | grep -q '\.gnu\.version_d'"
	build_and_run "$DS" "$LA" S
	static_host "$DS" S "the stripped libcriu-plugin.a"
	check "[S] the static host (stripped archive) loads the plugin and calls its hooks" \
		"$WORK/S-static/host" run "$WORK/S/plugins"
	if [ -f "$CARGO_OUT/criu-plugin-inspect" ]; then
		check "[S] criu-plugin-inspect is smaller than make install's" \
			smaller "$DS$PA/bin/criu-plugin-inspect" "$DA$PA/bin/criu-plugin-inspect"
		echo "    $(cat "$WORK/check.log")"
		check "[S] criu-plugin-inspect holds no debug sections" no_debug "$DS$PA/bin/criu-plugin-inspect"
		check "[S] the stripped criu-plugin-inspect reads a plugin folder" \
			bash -c "'$DS$PA/bin/criu-plugin-inspect' '$WORK/S/plugins' | grep -Eq '^ +name +install_test$'"
	fi
	check "[S] make uninstall" make --no-print-directory uninstall DESTDIR="$DS" PREFIX=$PA
	check "[S] after uninstall no folder made by the install is left" test ! -e "$DS"
fi

echo ""
echo "=== A. (continued) install again, uninstall"
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
	LB=/usr/$LIBNAME
	TB=$SECONDS
	if check "[B] make install (rebuild) CRIU_PLUGIN_DEFAULT_DIR=/opt/x/ CRIU_OPTS_LAYOUTS=600:168 PREFIX=/usr" \
		make --no-print-directory install CARGO_TARGET_DIR="$REPO/build/alt-target" \
		CRIU_PLUGIN_DEFAULT_DIR=/opt/x/ CRIU_OPTS_LAYOUTS=600:168 \
		DESTDIR="$DB" PREFIX=/usr; then
		echo "  (build and install: $((SECONDS - TB)) s)"
		check "[B] pkg-config: prefix=/usr libdir=\${prefix}${LB#/usr}" \
			same "$(grep -E '^(prefix|libdir)=' "$DB$LB/pkgconfig/criu-plugin.pc" | xargs)" "prefix=/usr libdir=\${prefix}${LB#/usr}"
		build_and_run "$DB" "$LB" B
		check "[B] cr_plugin_default_dir() reports /opt/x/" same "$(info_value B default_dir)" /opt/x/
		check "[B] cr_plugin_opts_layouts() reports the verified layouts, then 600:168" \
			same "$(info_value B opts_layouts)" "$VERIFIED_LAYOUTS,600:168"
		check "[B] pkg-config plugindir is /opt/x" same "$(pcvar "$DB" "$LB" plugindir)" /opt/x
		check "[B] pkg-config opts_layouts = cr_plugin_opts_layouts() ($(info_value B opts_layouts))" \
			same "$(pcvar "$DB" "$LB" opts_layouts)" "$(info_value B opts_layouts)"
		check "[B] the rebuilt library exports exactly the C ABI with its versions (check-library.sh)" \
			"$CHECK_LIB" "$DB$LB/$REALNAME"
		check "[B] make uninstall" make --no-print-directory uninstall DESTDIR="$DB" PREFIX=/usr
		check "[B] after uninstall the DESTDIR tree holds no files" no_files_left "$DB"
	fi
fi

# ---------------------------------------------------------------------------
echo ""
echo "=== C. an explicit LIBDIR; make uninstall without the install manifest"
DC=$WORK/destC
LC=/usr/local/lib
check "[C] make install NO_BUILD=1 DESTDIR=... LIBDIR=$LC (default PREFIX)" \
	make --no-print-directory install NO_BUILD=1 DESTDIR="$DC" LIBDIR=$LC
check "[C] the library, its links and the pkg-config file are in $LC" \
	bash -c "[ -f '$DC$LC/$REALNAME' ] && [ -L '$DC$LC/$SONAME' ] && [ -L '$DC$LC/libcriu-plugin.so' ] && [ -f '$DC$LC/libcriu-plugin.a' ] && [ -f '$DC$LC/pkgconfig/criu-plugin.pc' ]"
check "[C] nothing in /usr/local/$LIBNAME" test ! -e "$DC/usr/local/$LIBNAME"
check "[C] pkg-config: libdir=\${prefix}/lib" \
	same "$(grep -E '^libdir=' "$DC$LC/pkgconfig/criu-plugin.pc")" "libdir=\${prefix}/lib"
rm -f "$(make --no-print-directory -s show-install-manifest DESTDIR="$DC" LIBDIR=$LC)"
check "[C] make uninstall without a manifest" make --no-print-directory uninstall DESTDIR="$DC" LIBDIR=$LC
check "[C] after uninstall the DESTDIR tree holds no files" no_files_left "$DC"

# ---------------------------------------------------------------------------
echo ""
echo "=== D. beside Debian's criu package: no installed path is one of its files"
DD=$WORK/destD
DPKG_LIST=$WORK/dpkg-criu.list
dpkg -L criu >"$DPKG_LIST" 2>"$WORK/dpkg.err"
if [ ! -s "$DPKG_LIST" ]; then
	ko "[D] dpkg -L criu lists nothing: Debian's criu package must be installed for this test (.ci/deps.sh installs it)"
	sed 's/^/    /' "$WORK/dpkg.err"
else
	# clashes LIST: the paths of LIST that dpkg -L criu names (files,
	# links or folders alike: a file of ours where the package has a folder
	# clashes too).
	clashes() {
		grep -Fxf "$DPKG_LIST" "$1"
	}
	echo "  dpkg -L criu: $(wc -l <"$DPKG_LIST") paths"
	if check "[D] make install NO_BUILD=1 DESTDIR=... PREFIX=/usr (default LIBDIR)" \
		make --no-print-directory install NO_BUILD=1 DESTDIR="$DD" PREFIX=/usr; then
		(cd "$DD" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort) >"$WORK/ours.list"
		sed 's/^/    installed: /' "$WORK/ours.list"
		# The library (3), the archive, 2 headers, the .pc; the tool and its
		# manual page when the build made the tool.
		NPATHS=7
		[ -f "$CARGO_OUT/criu-plugin-inspect" ] && NPATHS=9
		check "[D] the install put its $NPATHS files and links in place" same "$(wc -l <"$WORK/ours.list")" $NPATHS
		check "[D] the library is in /usr/$LIBNAME, the headers in /usr/include/criu-plugin/" \
			bash -c "grep -qx '/usr/$LIBNAME/$REALNAME' '$WORK/ours.list' && grep -qx /usr/include/criu-plugin/criu-plugin.h '$WORK/ours.list' && grep -qx /usr/include/criu-plugin/criu-plugin-host.h '$WORK/ours.list'"
		# The comparison itself finds a clash: the package's first file.
		grep -v '^/\.$' "$DPKG_LIST" | while read -r p; do [ -f "$p" ] && { echo "$p"; break; }; done >"$WORK/probe.list"
		check "[D] the clash check finds a clash when there is one ($(cat "$WORK/probe.list"))" \
			bash -c "[ -s '$WORK/probe.list' ] && grep -Fxf '$DPKG_LIST' '$WORK/probe.list'"
		if clashes "$WORK/ours.list" >"$WORK/clash.list"; then
			ko "[D] installed paths that Debian's criu package owns:"
			sed 's/^/    /' "$WORK/clash.list"
		else
			ok "[D] no installed path is one that dpkg -L criu lists"
		fi
		check "[D] make uninstall" make --no-print-directory uninstall DESTDIR="$DD" PREFIX=/usr
		check "[D] after uninstall no folder made by the install is left" test ! -e "$DD"
	fi
fi

# ---------------------------------------------------------------------------
echo ""
echo "=== L. mk/libdir.sh (the default LIBDIR) on made-up roots"
R=$WORK/roots
mkdir -p "$R/multi/usr/lib/x86_64-linux-gnu" "$R/multi/usr/lib64" "$R/lib64/usr/lib64" "$R/lib64/usr/lib" \
	"$R/link/usr/lib" "$R/none/usr/lib"
ln -s lib "$R/link/usr/lib64"
printf '#!/bin/sh\necho x86_64-linux-gnu\n' >"$R/cc-multiarch"
printf '#!/bin/sh\nexit 0\n' >"$R/cc-none"
chmod +x "$R/cc-multiarch" "$R/cc-none"
# libdir ROOT CC DPKG_ARCHITECTURE: what mk/libdir.sh prints.
libdir() {
	CC=$2 DPKG_ARCHITECTURE=$3 sh "$REPO/mk/libdir.sh" "$1"
}
check "[L] the compiler's multiarch triplet, its folder present (a /usr/lib64 too, as on Debian): lib/x86_64-linux-gnu" \
	same "$(libdir "$R/multi" "$R/cc-multiarch" false)" lib/x86_64-linux-gnu
check "[L] a compiler without one, dpkg-architecture's triplet: lib/$DEB_MA when its folder is there" \
	bash -c "mkdir -p '$R/dpkg/usr/lib/$DEB_MA' && [ \"\$(CC='$R/cc-none' sh '$REPO/mk/libdir.sh' '$R/dpkg')\" = 'lib/$DEB_MA' ]"
check "[L] a triplet whose /usr/lib/<triplet> does not exist, /usr/lib64 a folder: lib64" \
	same "$(libdir "$R/lib64" "$R/cc-multiarch" false)" lib64
check "[L] no triplet, /usr/lib64 a folder (Fedora): lib64" same "$(libdir "$R/lib64" "$R/cc-none" false)" lib64
check "[L] no triplet, /usr/lib64 a link to lib (Arch): lib" same "$(libdir "$R/link" "$R/cc-none" false)" lib
check "[L] no triplet, no /usr/lib64: lib" same "$(libdir "$R/none" "$R/cc-none" false)" lib
check "[L] this machine (/, cc): lib/$DEB_MA" same "$(libdir / cc dpkg-architecture)" "$LIBNAME"
check "[L] make uses it: PREFIX=/x gives LIBDIR=/x/$LIBNAME (make show-install-dirs)" \
	bash -c "make --no-print-directory -s -C '$REPO' show-install-dirs PREFIX=/x | grep -x 'LIBDIR=/x/$LIBNAME'"
check "[L] and pkg-config's folder follows: PKGCONFIGDIR=/x/$LIBNAME/pkgconfig" \
	bash -c "make --no-print-directory -s -C '$REPO' show-install-dirs PREFIX=/x | grep -x 'PKGCONFIGDIR=/x/$LIBNAME/pkgconfig'"
check "[L] an explicit LIBDIR wins: LIBDIR=/y/lib" \
	bash -c "make --no-print-directory -s -C '$REPO' show-install-dirs PREFIX=/x LIBDIR=/y/lib | grep -x 'LIBDIR=/y/lib'"

# ---------------------------------------------------------------------------
echo ""
echo "=== V. check-library.sh rejects wrong libraries"
MAP=$REPO/libcriu-plugin.map
# relink_rejected MAP WORDS: links the shared library from the static
# library with MAP; check-library.sh must fail on it, saying WORDS.
relink_rejected() {
	local so=$WORK/V/relinked.so
	rm -f "$so"
	"$CC" -shared -o "$so" -Wl,--whole-archive "$CARGO_OUT/libcriu_plugin.a" -Wl,--no-whole-archive \
		-Wl,-soname,"$SONAME" -Wl,--version-script="$1" -Wl,-z,relro,-z,now -Wl,--gc-sections \
		${RELINK_LIBS:--static-libgcc} -lutil -lrt -lpthread -lm -ldl || return 1
	rejected "$so" "$2"
}
# rejected LIB WORDS: check-library.sh fails on LIB, saying WORDS.
rejected() {
	if "$CHECK_LIB" "$1" >"$WORK/V/reject.log" 2>&1; then
		echo "check-library.sh passed $1:"
		cat "$WORK/V/reject.log"
		return 1
	fi
	cat "$WORK/V/reject.log"
	grep -qF "$2" "$WORK/V/reject.log"
}
mkdir -p "$WORK/V"
if [ -f "$CARGO_OUT/libcriu_plugin.so" ]; then
	check "[V] cargo's own cdylib (no symbol versions) is rejected" \
		rejected "$CARGO_OUT/libcriu_plugin.so" "has version 'none', not @@LIBCRIU_PLUGIN_$SOVERSION"
else
	ko "[V] no $CARGO_OUT/libcriu_plugin.so (cargo build --release makes it)"
fi
check "[V] the relink below, with the map itself, passes" \
	bash -c "'$CC' -shared -o '$WORK/V/good.so' -Wl,--whole-archive '$CARGO_OUT/libcriu_plugin.a' -Wl,--no-whole-archive \
		-Wl,-soname,'$SONAME' -Wl,--version-script='$MAP' -Wl,-z,relro,-z,now -Wl,--gc-sections \
		-static-libgcc -lutil -lrt -lpthread -lm -ldl && '$CHECK_LIB' '$WORK/V/good.so'"
needs_gcc_s_rejected() { RELINK_LIBS=-lgcc_s relink_rejected "$MAP" "needs libgcc_s.so.1"; }
check "[V] a link that needs libgcc_s.so.1 (its unwinder not linked in) is rejected" needs_gcc_s_rejected
sed 's/^\tlocal:$/\t\trust_eh_personality;\n\tlocal:/' "$MAP" >"$WORK/V/extra.map"
check "[V] a link exporting one symbol more (rust_eh_personality) is rejected" \
	relink_rejected "$WORK/V/extra.map" "exported but not in the C ABI: rust_eh_personality"
grep -v $'^\t\tcr_plugin_set_strict;$' "$MAP" >"$WORK/V/missing.map"
check "[V] a link missing one export (cr_plugin_set_strict) is rejected" \
	relink_rejected "$WORK/V/missing.map" "not exported: cr_plugin_set_strict"
check "[V] the maps differ from libcriu-plugin.map" \
	bash -c "! cmp -s '$MAP' '$WORK/V/extra.map' && ! cmp -s '$MAP' '$WORK/V/missing.map'"
sed 's/LIBCRIU_PLUGIN_/LIBCRIU_PLUGIN_X/' "$MAP" >"$WORK/V/node.map"
check "[V] a link whose node has another name is rejected" \
	relink_rejected "$WORK/V/node.map" "not @@LIBCRIU_PLUGIN_$SOVERSION"

# ---------------------------------------------------------------------------
echo ""
echo "=== P. the crate package (cargo package)"
# cargo package writes into a target folder of its own here, and the .crate
# is built unpacked outside the workspace with its own target folder
# (build/package-target, kept for later runs): cargo package's own
# verification builds in the workspace's target folder, where its build of
# the packaged build.rs would then stand in for the workspace's own.
PKG_TARGET=$WORK/pkg-target
# The files that build the crate, and cargo's own (.cargo_vcs_info.json,
# Cargo.lock, Cargo.toml.orig).
PKG_ALLOWED='^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|LICENSE|build\.rs|libcriu-plugin\.map|include/[^/]+\.h|src/.+\.rs)$'
CARGO=${CARGO:-cargo}
if check "[P] cargo package --list --allow-dirty --offline" "$CARGO" package --list --allow-dirty --offline; then
	grep -v '^warning\|^ *|\|^ *=\|^$' "$WORK/check.log" | sort >"$WORK/pkg.list"
	echo "  $(wc -l <"$WORK/pkg.list") files: $(grep -c '^src/' "$WORK/pkg.list") in src/, $(grep -vc '^src/' "$WORK/pkg.list") others: $(grep -v '^src/' "$WORK/pkg.list" | xargs)"
	check "[P] no test, benchmark, CI or example path (ctests/ bench/ .ci/ examples/ inspect/ tests/ benches/)" \
		bash -c "! grep -E '^(ctests|bench|benches|\.ci|examples|inspect|tests|mk)/' '$WORK/pkg.list'"
	check "[P] every file is one that builds the crate" bash -c "! grep -Ev '$PKG_ALLOWED' '$WORK/pkg.list'"
	check "[P] what build.rs reads is there: include/criu-plugin.h, include/criu-plugin-host.h, src/hook_table.rs, libcriu-plugin.map" \
		bash -c "for f in include/criu-plugin.h include/criu-plugin-host.h src/hook_table.rs libcriu-plugin.map build.rs src/lib.rs LICENSE README.md; do grep -qx \"\$f\" '$WORK/pkg.list' || { echo \"missing \$f\"; exit 1; }; done"
	check "[P] every src/*.rs of the repository is in it" \
		bash -c "cd '$REPO' && for f in \$(git ls-files 'src/*.rs'); do grep -qx \"\$f\" '$WORK/pkg.list' || { echo \"missing \$f\"; exit 1; }; done"
	CRATE=$PKG_TARGET/package/criu-plugin-$VERSION.crate
	check "[P] cargo package --allow-dirty --no-verify --offline makes the .crate" \
		"$CARGO" package --allow-dirty --no-verify --offline --target-dir "$PKG_TARGET"
	check "[P] the .crate is there" test -s "$CRATE"
	check "[P] the .crate holds exactly the listed files" \
		bash -c "same() { [ \"\$1\" = \"\$2\" ] || { echo \"\$1\"; echo '!='; echo \"\$2\"; exit 1; }; }; same \"\$(tar -tzf '$CRATE' | sed 's|^criu-plugin-$VERSION/||' | sort)\" \"\$(cat '$WORK/pkg.list')\""
	check "[P] Cargo.toml carries documentation and homepage links" \
		bash -c "tar -xzOf '$CRATE' criu-plugin-$VERSION/Cargo.toml | grep -q '^documentation = \"https://docs.rs/criu-plugin\"' && tar -xzOf '$CRATE' criu-plugin-$VERSION/Cargo.toml | grep -q '^homepage = '"
	if [ "${CHECK_INSTALL_REBUILD:-1}" = 0 ]; then
		echo "SKIP: [P] building the crate from the .crate (CHECK_INSTALL_REBUILD=0)"
	else
		# tar -m: the files get the time of the extraction, not the .crate's;
		# with the .crate's (older than the last build in that target
		# folder) cargo would take the build script built there before for
		# current.
		mkdir -p "$WORK/unpacked"
		TP=$SECONDS
		check "[P] the crate builds from the .crate's files alone (unpacked; cargo build --offline --locked)" \
			bash -c "tar -xzmf '$CRATE' -C '$WORK/unpacked' && cd '$WORK/unpacked/criu-plugin-$VERSION' && \
				CARGO_TARGET_DIR='$REPO/build/package-target' '$CARGO' build --offline --locked"
		echo "  (build: $((SECONDS - TP)) s)"
	fi
fi

echo ""
echo "check-install: $pass passed, $fail failed ($((SECONDS - T0)) s)"
[ "$fail" = 0 ]
