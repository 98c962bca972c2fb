#!/bin/bash
# build-criu.sh VERSION KIND OUTDIR
#
# Builds CRIU VERSION (one of releases.sh's: 4.1.1, 4.2.1) from its cached
# release tarball (fetch-criu.sh) into OUTDIR, as
#   KIND=stock  CRIU as released, with its own plugin loader (criu/plugin.c);
#   KIND=lib    with contrib/criu/criu-libcriu-plugin.patch applied and
#               pkg-config finding this repository's library in a staged
#               install, so criu/plugin.c is left out and libcriu-plugin is
#               linked in its place,
# and, from the same tree, the plugins and tools the end-to-end test uses.
#
# Environment:
#   CRIU_PLUGIN_HEADER  (stock) this project's criu-plugin.h (default
#                       <repo>/include/criu-plugin.h)
#   E2E_CACHE           where the tarballs are (default <repo>/.cache)
#   E2E_REBUILD=1       rebuild even when OUTDIR holds a build with the same key
#
# OUTDIR afterwards, both kinds:
#   criu-VERSION/        the built tree: criu/criu, the plugins,
#                        test/cuda-checkpoint (CRIU's mocked cuda-checkpoint)
#   plugins/             amdgpu_plugin.so cuda_plugin.so
#                        inventory_test_enabled_plugin.so
#                        inventory_test_disabled_plugin.so (CRIU's header)
#   criu-max-hooks       CR_PLUGIN_HOOK__MAX as the release's header says
#   build.log            everything make said
#   BUILD-KEY            the key of this build (what it was built from); a
#                        later call with the same key does not rebuild
# KIND=stock also:
#   hdr-tree/            hard-linked copy of the tree in which
#                        criu/include/criu-plugin.h is this project's header
#   plugins-target/      amdgpu from plugins/; cuda and the two inventory
#                        plugins built in hdr-tree with
#                        -DCRIU_PLUGIN_TARGET=<this release> (releases.sh)
#   plugins-newest/      the same, built without CRIU_PLUGIN_TARGET (the
#                        header's newest hook set)
#   target-max-hooks, newest-max-hooks   CR_PLUGIN_HOOK__MAX of this project's
#                        header with and without the target
#   HDR-KEY              the key of the hdr-tree plugins
# KIND=lib also:
#   stage/               `make install PREFIX=OUTDIR/stage` of this repository
#   pkg-config.env       PKG_CONFIG_PATH (the folder of the staged
#                        criu-plugin.pc), `pkg-config --libs criu-plugin`, and
#                        the run path (`pkg-config --variable=libdir`)
#   patch.log            what `patch -p1 < criu-libcriu-plugin.patch` said
#   make-criu.log        `make criu V=1`, with Makefile.config's notes
#   criu-VERSION/        also crit, lib (pycriu), zdtm's lib, umount2, zdtm_ct
#   fallback/            the patched tree relinked in a copy without the
#                        library: criu-NO_LIBCRIU_PLUGIN (pkg-config finds the
#                        library, make NO_LIBCRIU_PLUGIN=1) and
#                        criu-no-pkgconfig (pkg-config does not find it),
#                        with the make logs of both
set -euo pipefail

VERSION=${1:-}
KIND=${2:-}
OUTDIR=${3:-}
if [ -z "$VERSION" ] || [ -z "$OUTDIR" ] || { [ "$KIND" != stock ] && [ "$KIND" != lib ]; }; then
	echo "usage: $0 VERSION stock|lib OUTDIR" >&2
	exit 2
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${E2E_CACHE:-$REPO/.cache}
export E2E_CACHE=$CACHE
PATCH=$REPO/contrib/criu/criu-libcriu-plugin.patch
# shellcheck source=releases.sh
. "$HERE/releases.sh"

die() {
	echo "build-criu: FAILED: $*" >&2
	exit 1
}
criu_release "$VERSION" || die "unknown CRIU release '$VERSION' (known: $CRIU_RELEASES_ALL)"
TARBALL=$CACHE/$R_TARBALL

# A make that called us must not leak its flags, jobserver or variables into
# CRIU's build; nor may the caller's compiler flags or pkg-config setting
# (CRIU_VERSION is also one of CRIU's make variables). Debian's tools (its
# python3) come first on PATH.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS CFLAGS LDFLAGS LIBS CPPFLAGS \
	CRIU_VERSION PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR LD_RUN_PATH NO_LIBCRIU_PLUGIN
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

case $(uname -m) in
x86_64) CRIU_ARCH=x86 ;;
*) die "the end-to-end test knows CRIU's layout on x86-64 only, not $(uname -m)" ;;
esac

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
LOG=$OUTDIR/build.log
SRC=$OUTDIR/$R_DIRNAME

"$HERE/fetch-criu.sh" "$VERSION"

run() { # run DESCRIPTION CMD...: appends output to the log (and keeps it in
	# $LOG.last); on failure shows its tail
	local what=$1 t0=$SECONDS
	shift
	echo "build-criu: $what" | tee -a "$LOG"
	if ! "$@" >"$LOG.step" 2>&1; then
		cat "$LOG.step" >>"$LOG"
		tail -n 40 "$LOG.step" >&2
		die "$what (full log: $LOG)"
	fi
	cat "$LOG.step" >>"$LOG"
	mv -f "$LOG.step" "$LOG.last"
	echo "build-criu:   ... $((SECONDS - t0)) s" | tee -a "$LOG"
}

max_hooks() { # max_hooks HEADER [CFLAGS...]: prints CR_PLUGIN_HOOK__MAX as HEADER says
	local hdr=$1 tmp
	shift
	tmp=$(mktemp -d)
	cp "$hdr" "$tmp/criu-plugin.h"
	printf '#include <stdio.h>\n#include "criu-plugin.h"\nint main(void) { printf("%%d\\n", (int)CR_PLUGIN_HOOK__MAX); return 0; }\n' >"$tmp/m.c"
	gcc "$@" -iquote "$tmp" -o "$tmp/m" "$tmp/m.c" && "$tmp/m"
	rm -rf "$tmp"
}

# tree_hash DIR: one line per file and link under DIR (path, content or target)
tree_hash() {
	(cd "$1" && find . \( -type f -o -type l \) -print | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f $(sha256sum <"$f" | cut -d' ' -f1)"; fi
	done) | sha256sum | cut -d' ' -f1
}

# --- the staged install of this repository (KIND=lib) ------------------------
MAKE_ENV=()
if [ "$KIND" = lib ]; then
	STAGE=$OUTDIR/stage
	rm -rf "$STAGE"
	echo "build-criu: make install PREFIX=$STAGE (this repository, the library make lib built)"
	# DESTDIR stays empty: the .pc file must name where the files are, for
	# CRIU's build finds the library through PKG_CONFIG_PATH alone. NO_BUILD:
	# install what `make lib` built; LDCONFIG=true: not the system's cache.
	if ! make -C "$REPO" install PREFIX="$STAGE" NO_BUILD=1 LDCONFIG=true >"$OUTDIR/install.log" 2>&1; then
		tail -n 20 "$OUTDIR/install.log" >&2
		die "make install PREFIX=$STAGE failed (log $OUTDIR/install.log; run make lib first)"
	fi
	PC=$(find "$STAGE" -name criu-plugin.pc)
	if [ -z "$PC" ] || [ "$(wc -l <<<"$PC")" != 1 ]; then
		die "the staged install has no single criu-plugin.pc (found: ${PC:-none})"
	fi
	PCDIR=$(dirname "$PC")
	PC_LIBS=$(PKG_CONFIG_PATH=$PCDIR pkg-config --libs criu-plugin) || die "pkg-config --libs criu-plugin failed with PKG_CONFIG_PATH=$PCDIR"
	PC_LIBDIR=$(PKG_CONFIG_PATH=$PCDIR pkg-config --variable=libdir criu-plugin) || die "pkg-config --variable=libdir criu-plugin failed"
	[ -d "$PC_LIBDIR" ] || die "pkg-config's libdir '$PC_LIBDIR' is not a folder"
	{
		echo "PKG_CONFIG_PATH=$PCDIR"
		echo "LIBS=$PC_LIBS"
		echo "LD_RUN_PATH=$PC_LIBDIR"
	} >"$OUTDIR/pkg-config.env.new"
	# The run path: criu must find the staged library without
	# LD_LIBRARY_PATH. CRIU's build drops -Wl, options from LDFLAGS, so give
	# GNU ld the run path through LD_RUN_PATH (used when no -rpath is given).
	MAKE_ENV=(env "PKG_CONFIG_PATH=$PCDIR" "LD_RUN_PATH=$PC_LIBDIR")
fi

key() {
	echo "kind=$KIND version=$VERSION outdir=$OUTDIR"
	sha256sum "$TARBALL" "$HERE/build-criu.sh" "$HERE/releases.sh" | cut -d' ' -f1
	if [ "$KIND" = lib ]; then
		sha256sum <"$PATCH" | cut -d' ' -f1
		echo "stage $(tree_hash "$STAGE")"
		cat "$OUTDIR/pkg-config.env.new"
	fi
}
KEY=$(key)
[ "$KIND" = lib ] && mv -f "$OUTDIR/pkg-config.env.new" "$OUTDIR/pkg-config.env"

if [ "${E2E_REBUILD:-0}" != 1 ] && [ -f "$OUTDIR/BUILD-KEY" ] && [ "$(cat "$OUTDIR/BUILD-KEY")" = "$KEY" ] && [ -x "$SRC/criu/criu" ]; then
	echo "build-criu: $OUTDIR (CRIU $VERSION, $KIND) is up to date, not rebuilding CRIU"
else
	# --- fresh tree --------------------------------------------------------
	rm -f "$OUTDIR/BUILD-KEY" "$OUTDIR/HDR-KEY"
	rm -rf "${OUTDIR:?}/$R_DIRNAME" "$OUTDIR/hdr-tree" "$OUTDIR/plugins" "$OUTDIR/plugins-target" \
		"$OUTDIR/plugins-newest" "$OUTDIR/fallback" "$OUTDIR/fallback-tree" "$OUTDIR/patch.log" \
		"$OUTDIR/make-criu.log" "$OUTDIR"/*-max-hooks
	: >"$LOG"
	echo "build-criu: extracting $TARBALL into $OUTDIR"
	tar -xJf "$TARBALL" -C "$OUTDIR"
	[ -f "$SRC/criu/Makefile.crtools" ] || die "$SRC does not look like CRIU's source"
	cd "$SRC"

	if [ "$KIND" = lib ]; then
		echo "build-criu: patch -p1 < $PATCH" | tee -a "$LOG"
		patch -p1 --no-backup-if-mismatch <"$PATCH" >"$OUTDIR/patch.log" 2>&1 ||
			{ cat "$OUTDIR/patch.log" >&2; die "the patch does not apply to CRIU $VERSION"; }
		sed 's/^/    /' "$OUTDIR/patch.log" | tee -a "$LOG"
		echo "build-criu: make with $(tr '\n' ' ' <"$OUTDIR/pkg-config.env")" | tee -a "$LOG"
	fi

	run "make -j2 criu V=1" "${MAKE_ENV[@]}" make -j2 criu V=1
	cp "$LOG.last" "$OUTDIR/make-criu.log"
	[ -x criu/criu ] || die "criu/criu was not built"
	# The targets below depend on `criu'; they see the same environment, so
	# make would relink it the same way.
	run "make amdgpu_plugin" "${MAKE_ENV[@]}" make -j2 amdgpu_plugin
	run "make cuda_plugin" "${MAKE_ENV[@]}" make -j2 cuda_plugin
	run "make -C test/plugins (inventory test plugins)" \
		make -C test/plugins inventory_test_enabled_plugin.so inventory_test_disabled_plugin.so
	run "make -C test/cuda-checkpoint (mocked cuda-checkpoint)" make -C test/cuda-checkpoint
	if [ "$KIND" = lib ]; then
		run "make crit (and lib: pycriu, libcriu)" "${MAKE_ENV[@]}" make -j2 crit
		run "make -C test/zdtm/lib" make -j2 -C test/zdtm/lib
		run "make -C test umount2 zdtm_ct" make -C test umount2 zdtm_ct
	fi

	mkdir -p "$OUTDIR/plugins"
	cp plugins/amdgpu/amdgpu_plugin.so plugins/cuda/cuda_plugin.so \
		test/plugins/inventory_test_enabled_plugin.so test/plugins/inventory_test_disabled_plugin.so \
		"$OUTDIR/plugins/"
	max_hooks "$SRC/criu/include/criu-plugin.h" >"$OUTDIR/criu-max-hooks"

	# --- the patched tree without the library ------------------------------
	# In a copy of the built tree, criu/criu and criu/built-in.o are removed
	# and `make criu` is run again: (1) pkg-config finds the library but
	# NO_LIBCRIU_PLUGIN=1 is given; (2) pkg-config does not find it (its
	# search path is a folder of links to every system .pc file but
	# criu-plugin.pc). Each time make must compile criu/plugin.c and link
	# criu without the library; run-e2e.sh checks the results.
	if [ "$KIND" = lib ]; then
		F=$OUTDIR/fallback
		FT=$OUTDIR/fallback-tree
		mkdir -p "$F/pkgconfig"
		for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
			for pc in "$d"/*.pc; do
				[ -e "$pc" ] || continue
				n=$(basename "$pc")
				[ "$n" = criu-plugin.pc ] || [ -e "$F/pkgconfig/$n" ] || ln -s "$pc" "$F/pkgconfig/$n"
			done
		done
		echo "build-criu: copy of the patched tree for the builds without the library" | tee -a "$LOG"
		cp -a "$SRC" "$FT"
		cd "$FT"
		rm -f criu/criu criu/built-in.o criu/plugin.o
		run "fallback: make criu NO_LIBCRIU_PLUGIN=1 V=1 (pkg-config finds criu-plugin)" \
			"${MAKE_ENV[@]}" make -j2 criu NO_LIBCRIU_PLUGIN=1 V=1
		cp "$LOG.last" "$F/make-NO_LIBCRIU_PLUGIN.log"
		cp criu/criu "$F/criu-NO_LIBCRIU_PLUGIN"
		rm -f criu/criu criu/built-in.o criu/plugin.o
		if env PKG_CONFIG_LIBDIR="$F/pkgconfig" pkg-config --exists criu-plugin; then
			die "pkg-config still finds criu-plugin with PKG_CONFIG_LIBDIR=$F/pkgconfig"
		fi
		run "fallback: make criu V=1 (pkg-config does not find criu-plugin)" \
			env PKG_CONFIG_LIBDIR="$F/pkgconfig" make -j2 criu V=1
		cp "$LOG.last" "$F/make-no-pkgconfig.log"
		cp criu/criu "$F/criu-no-pkgconfig"
		cd "$SRC"
		rm -rf "$FT"
	fi
	echo "$KEY" >"$OUTDIR/BUILD-KEY"
fi

# --- plugins compiled with this project's header (KIND=stock) ----------------
# The plugins' Makefiles compile with -iquote ../../include
# -iquote ../../criu/include ..., and CRIU's own headers that the cuda plugin
# includes (plugin.h) pull in "criu-plugin.h" from their own folder first, so
# an extra -iquote folder would not reach every include. Instead: a
# hard-linked copy of the built tree in which criu/include/criu-plugin.h IS
# this project's header (a file put in place of CRIU's, not an edit), and
# the plugins rebuilt there, once with CC="gcc -DCRIU_PLUGIN_TARGET=<this
# release>" and once without.
if [ "$KIND" = stock ]; then
	HDR=${CRIU_PLUGIN_HEADER:-$REPO/include/criu-plugin.h}
	[ -f "$HDR" ] || die "CRIU_PLUGIN_HEADER=$HDR does not exist"
	HKEY="$KEY
header $(sha256sum <"$HDR" | cut -d' ' -f1)"
	if [ "${E2E_REBUILD:-0}" != 1 ] && [ -f "$OUTDIR/HDR-KEY" ] && [ "$(cat "$OUTDIR/HDR-KEY")" = "$HKEY" ]; then
		echo "build-criu: plugins with this project's header are up to date"
	else
		rm -f "$OUTDIR/HDR-KEY"
		rm -rf "$OUTDIR/hdr-tree" "$OUTDIR/plugins-target" "$OUTDIR/plugins-newest"
		echo "build-criu: plugins with this project's header $HDR" | tee -a "$LOG"
		cp -al "$SRC" "$OUTDIR/hdr-tree"
		H=$OUTDIR/hdr-tree
		rm -f "$H/criu/include/criu-plugin.h"
		cp "$HDR" "$H/criu/include/criu-plugin.h"
		max_hooks "$HDR" "-DCRIU_PLUGIN_TARGET=$R_TARGET" >"$OUTDIR/target-max-hooks"
		max_hooks "$HDR" >"$OUTDIR/newest-max-hooks"
		for variant in target newest; do
			if [ $variant = target ]; then cc="gcc -DCRIU_PLUGIN_TARGET=$R_TARGET"; else cc=gcc; fi
			# the hard links to the stock build's plugins go first, so the
			# rebuild writes new files
			rm -f "$H/plugins/cuda/cuda_plugin.so" "$H"/test/plugins/*.so
			# Called directly (the top-level targets would rebuild criu in
			# the hard-linked tree), so give them the ARCH the top-level
			# Makefile exports.
			run "make -C hdr-tree/plugins/cuda CC='$cc'" make -C "$H/plugins/cuda" ARCH="$CRIU_ARCH" CC="$cc" all
			run "make -C hdr-tree/test/plugins CC='$cc' (inventory test plugins)" \
				make -C "$H/test/plugins" ARCH="$CRIU_ARCH" CC="$cc" \
				inventory_test_enabled_plugin.so inventory_test_disabled_plugin.so
			mkdir -p "$OUTDIR/plugins-$variant"
			cp "$OUTDIR/plugins/amdgpu_plugin.so" "$H/plugins/cuda/cuda_plugin.so" \
				"$H/test/plugins/inventory_test_enabled_plugin.so" "$H/test/plugins/inventory_test_disabled_plugin.so" \
				"$OUTDIR/plugins-$variant/"
		done
		cmp -s "$HDR" "$H/criu/include/criu-plugin.h" || die "hdr-tree's criu-plugin.h is not $HDR"
		cmp -s "$HDR" "$SRC/criu/include/criu-plugin.h" && die "CRIU's tree was changed through the hard links"
		echo "$HKEY" >"$OUTDIR/HDR-KEY"
	fi
fi

echo "build-criu: done (CRIU $VERSION, $KIND) in $OUTDIR"
