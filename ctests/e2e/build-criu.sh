#!/bin/bash
# build-criu.sh LOADER OUTDIR
#
# Builds CRIU 4.1.1 from the cached release tarball into OUTDIR, with
#   LOADER=c     CRIU's own plugin loader (criu/plugin.c), as released;
#   LOADER=rust  criu/plugin.c left out and libcriu-plugin linked in its place.
# and, from the same tree, the plugins and tools the end-to-end test uses.
#
# Environment:
#   LIBCRIU_PLUGIN_DIR  (LOADER=rust: required) folder holding libcriu-plugin.so
#                       and its soname libcriu-plugin.so.1; criu is linked with
#                       -L and -Wl,-rpath to it.
#   CRIU_PLUGIN_HEADER  this project's criu-plugin.h (default: the first of
#                       $LIBCRIU_PLUGIN_DIR/include/criu-plugin.h,
#                       $LIBCRIU_PLUGIN_DIR/../include/criu-plugin.h,
#                       <repo>/include/criu-plugin.h that exists). Without one,
#                       the plugins-ourhdr variant is not built.
#   E2E_CACHE           where the tarball is (default <repo>/.cache)
#   E2E_REBUILD=1       rebuild even when OUTDIR holds a build with the same key
#
# OUTDIR afterwards:
#   criu-4.1.1/          the built tree: criu/criu, crit, lib (pycriu), test/
#                        (zdtm's lib, the mocked test/cuda-checkpoint tool)
#   plugins/             amdgpu_plugin.so cuda_plugin.so
#                        inventory_test_enabled_plugin.so
#                        inventory_test_disabled_plugin.so (CRIU's header)
#   plugins-ourhdr/      the same four, cuda and the two inventory plugins
#                        compiled with this project's criu-plugin.h in place of
#                        CRIU's (amdgpu is the one from plugins/)
#   hdr-tree/            hard-linked copy of the tree in which
#                        criu/include/criu-plugin.h is this project's header
#   ourhdr-max-hooks     CR_PLUGIN_HOOK__MAX as this project's header says
#   criu-max-hooks       CR_PLUGIN_HOOK__MAX as CRIU 4.1.1's header says
#   criu-build.diff      (LOADER=rust) the change made to CRIU's Makefiles
#   build.log            everything make said
#   BUILD-KEY            the key of this build (inputs' hashes); a later call
#                        with the same key does nothing
set -euo pipefail

LOADER=${1:-}
OUTDIR=${2:-}
if [ -z "$LOADER" ] || [ -z "$OUTDIR" ] || { [ "$LOADER" != c ] && [ "$LOADER" != rust ]; }; then
	echo "usage: $0 c|rust OUTDIR" >&2
	exit 2
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${E2E_CACHE:-$REPO/.cache}
export E2E_CACHE=$CACHE
TARBALL=$CACHE/criu_4.1.1.orig.tar.xz
CRIU_DIRNAME=criu-4.1.1

# A make that called us must not leak its flags, jobserver or variables into
# CRIU's build; nor may the caller's compiler flags.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS CFLAGS LDFLAGS LIBS CPPFLAGS

die() {
	echo "build-criu: FAILED: $*" >&2
	exit 1
}

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
LOG=$OUTDIR/build.log

"$HERE/fetch-criu.sh"

# --- what this build depends on --------------------------------------------
LIBDIR=
if [ "$LOADER" = rust ]; then
	[ -n "${LIBCRIU_PLUGIN_DIR:-}" ] || die "LOADER=rust needs LIBCRIU_PLUGIN_DIR (a folder with libcriu-plugin.so)"
	LIBDIR=$(cd "$LIBCRIU_PLUGIN_DIR" && pwd) || die "LIBCRIU_PLUGIN_DIR=$LIBCRIU_PLUGIN_DIR is not a folder"
	[ -e "$LIBDIR/libcriu-plugin.so" ] || die "$LIBDIR/libcriu-plugin.so does not exist"
	[ -e "$LIBDIR/libcriu-plugin.so.1" ] || die "$LIBDIR/libcriu-plugin.so.1 (the soname) does not exist"
fi

HDR=${CRIU_PLUGIN_HEADER:-}
if [ -z "$HDR" ]; then
	for h in ${LIBDIR:+"$LIBDIR/include/criu-plugin.h" "$LIBDIR/../include/criu-plugin.h"} "$REPO/include/criu-plugin.h"; do
		if [ -f "$h" ]; then HDR=$h; break; fi
	done
fi
[ -z "$HDR" ] || [ -f "$HDR" ] || die "CRIU_PLUGIN_HEADER=$HDR does not exist"
[ -z "$HDR" ] || HDR=$(cd "$(dirname "$HDR")" && pwd)/$(basename "$HDR")

key() {
	echo "loader=$LOADER libdir=$LIBDIR header=$HDR"
	sha256sum "$TARBALL" "$HERE/build-criu.sh" | cut -d' ' -f1
	if [ -n "$LIBDIR" ]; then
		for f in "$LIBDIR"/libcriu-plugin.so*; do
			[ -f "$f" ] && echo "$(basename "$f") $(sha256sum <"$f" | cut -d' ' -f1)"
		done
	fi
	[ -z "$HDR" ] || echo "header $(sha256sum <"$HDR" | cut -d' ' -f1)"
}
KEY=$(key)
if [ "${E2E_REBUILD:-0}" != 1 ] && [ -f "$OUTDIR/BUILD-KEY" ] && [ "$(cat "$OUTDIR/BUILD-KEY")" = "$KEY" ]; then
	echo "build-criu: $OUTDIR is up to date (LOADER=$LOADER), not rebuilding"
	exit 0
fi

# --- fresh tree --------------------------------------------------------------
rm -f "$OUTDIR/BUILD-KEY"
rm -rf "${OUTDIR:?}/$CRIU_DIRNAME" "$OUTDIR/hdr-tree" "$OUTDIR/plugins" "$OUTDIR/plugins-ourhdr" \
	"$OUTDIR/criu-build.diff" "$OUTDIR/ourhdr-max-hooks" "$OUTDIR/criu-max-hooks"
: >"$LOG"
echo "build-criu: extracting $TARBALL into $OUTDIR"
tar -xJf "$TARBALL" -C "$OUTDIR"
SRC=$OUTDIR/$CRIU_DIRNAME
[ -f "$SRC/criu/Makefile.crtools" ] || die "$SRC does not look like CRIU's source"

run() { # run DESCRIPTION CMD...: appends output to the log; on failure shows its tail
	local what=$1
	shift
	local t0=$SECONDS
	echo "build-criu: $what" | tee -a "$LOG"
	if ! "$@" >"$LOG.step" 2>&1; then
		cat "$LOG.step" >>"$LOG"
		tail -n 40 "$LOG.step" >&2
		die "$what (full log: $LOG)"
	fi
	cat "$LOG.step" >>"$LOG"
	rm -f "$LOG.step"
	echo "build-criu:   ... $((SECONDS - t0)) s" | tee -a "$LOG"
}

# --- the swap: CRIU links libcriu-plugin instead of compiling plugin.c -----
MAKE_CRIU_VARS=()
if [ "$LOADER" = rust ]; then
	cp "$SRC/criu/Makefile.crtools" "$OUTDIR/Makefile.crtools.orig"
	cp "$SRC/criu/Makefile" "$OUTDIR/Makefile.orig"
	# 1. Leave criu/plugin.c out of criu/built-in.o.
	sed -i -e '/^obj-y[[:space:]]*+=[[:space:]]*plugin\.o[[:space:]]*$/d' "$SRC/criu/Makefile.crtools"
	# 2. Give the `criu' executable's link line (the rule for $(obj)/criu
	#    in criu/Makefile, the only one that links with -rdynamic -o $@
	#    after it) a variable that names the library.
	sed -i -e '/^\$(obj)\/criu:/,/-rdynamic/ s/ -rdynamic -o \$@$/ -rdynamic $(CRIU_PLUGIN_LIBS) -o $@/' "$SRC/criu/Makefile"
	if grep -q 'plugin\.o' "$SRC/criu/Makefile.crtools"; then
		die "could not remove plugin.o from criu/Makefile.crtools (CRIU's Makefiles changed?)"
	fi
	[ "$(grep -c 'CRIU_PLUGIN_LIBS' "$SRC/criu/Makefile")" = 1 ] ||
		die "could not add \$(CRIU_PLUGIN_LIBS) to the criu link line in criu/Makefile (CRIU's Makefiles changed?)"
	(
		cd "$OUTDIR"
		diff -u --label a/criu/Makefile.crtools --label b/criu/Makefile.crtools Makefile.crtools.orig "$CRIU_DIRNAME/criu/Makefile.crtools" || true
		diff -u --label a/criu/Makefile --label b/criu/Makefile Makefile.orig "$CRIU_DIRNAME/criu/Makefile" || true
	) >"$OUTDIR/criu-build.diff"
	rm -f "$OUTDIR/Makefile.crtools.orig" "$OUTDIR/Makefile.orig"
	echo "build-criu: change to CRIU's build ($OUTDIR/criu-build.diff):"
	sed 's/^/    /' "$OUTDIR/criu-build.diff"
	MAKE_CRIU_VARS=("CRIU_PLUGIN_LIBS=-L$LIBDIR -Wl,-rpath,$LIBDIR -lcriu-plugin")
	echo "build-criu: make criu ${MAKE_CRIU_VARS[*]}"
fi

cd "$SRC"
run "make -j2 criu" make -j2 criu "${MAKE_CRIU_VARS[@]}"
[ -x criu/criu ] || die "criu/criu was not built"
# The targets below depend on `criu'; they must see the same variables or
# make could relink it without the library.
run "make amdgpu_plugin" make -j2 amdgpu_plugin "${MAKE_CRIU_VARS[@]}"
run "make cuda_plugin" make -j2 cuda_plugin "${MAKE_CRIU_VARS[@]}"
run "make -C test/plugins (inventory test plugins)" \
	make -C test/plugins inventory_test_enabled_plugin.so inventory_test_disabled_plugin.so
run "make crit (and lib: pycriu, libcriu)" make -j2 crit "${MAKE_CRIU_VARS[@]}"
run "make -C test/zdtm/lib" make -j2 -C test/zdtm/lib
run "make -C test umount2 zdtm_ct" make -C test umount2 zdtm_ct
run "make -C test/cuda-checkpoint (mocked cuda-checkpoint)" make -C test/cuda-checkpoint

mkdir -p "$OUTDIR/plugins"
cp plugins/amdgpu/amdgpu_plugin.so plugins/cuda/cuda_plugin.so \
	test/plugins/inventory_test_enabled_plugin.so test/plugins/inventory_test_disabled_plugin.so \
	"$OUTDIR/plugins/"

max_hooks() { # max_hooks INCLUDE_DIR: prints CR_PLUGIN_HOOK__MAX of INCLUDE_DIR/criu-plugin.h
	local tmp
	tmp=$(mktemp -d)
	printf '#include <stdio.h>\n#include "criu-plugin.h"\nint main(void) { printf("%%d\\n", (int)CR_PLUGIN_HOOK__MAX); return 0; }\n' >"$tmp/m.c"
	gcc -iquote "$1" -o "$tmp/m" "$tmp/m.c" && "$tmp/m"
	rm -rf "$tmp"
}
max_hooks "$SRC/criu/include" >"$OUTDIR/criu-max-hooks"

# --- plugins compiled with this project's header in place of CRIU's --------
# The plugins' Makefiles compile with -iquote ../../include
# -iquote ../../criu/include ..., and CRIU's own headers that the cuda plugin
# includes (plugin.h) pull in "criu-plugin.h" from their own folder first, so
# an extra -iquote folder would not reach every include. Instead: a
# hard-linked copy of the built tree in which criu/include/criu-plugin.h IS
# this project's header, and the plugins rebuilt there.
if [ -n "$HDR" ]; then
	echo "build-criu: plugins with this project's header $HDR" | tee -a "$LOG"
	cp -al "$SRC" "$OUTDIR/hdr-tree"
	H=$OUTDIR/hdr-tree
	rm -f "$H/criu/include/criu-plugin.h" "$H/plugins/cuda/cuda_plugin.so" \
		"$H"/test/plugins/*.so
	cp "$HDR" "$H/criu/include/criu-plugin.h"
	max_hooks "$H/criu/include" >"$OUTDIR/ourhdr-max-hooks"
	# Called directly (the top-level targets would rebuild criu in the
	# hard-linked tree), so give them the ARCH the top-level Makefile
	# exports; CRIU's name for x86_64 is x86.
	case $(uname -m) in
	x86_64) CRIU_ARCH=x86 ;;
	aarch64) CRIU_ARCH=aarch64 ;;
	*) die "unsupported machine $(uname -m)" ;;
	esac
	run "make -C hdr-tree/plugins/cuda" make -C "$H/plugins/cuda" ARCH="$CRIU_ARCH" all
	run "make -C hdr-tree/test/plugins (inventory test plugins)" \
		make -C "$H/test/plugins" ARCH="$CRIU_ARCH" inventory_test_enabled_plugin.so inventory_test_disabled_plugin.so
	mkdir -p "$OUTDIR/plugins-ourhdr"
	cp "$OUTDIR/plugins/amdgpu_plugin.so" "$H/plugins/cuda/cuda_plugin.so" \
		"$H/test/plugins/inventory_test_enabled_plugin.so" "$H/test/plugins/inventory_test_disabled_plugin.so" \
		"$OUTDIR/plugins-ourhdr/"
	cmp -s "$HDR" "$H/criu/include/criu-plugin.h" || die "hdr-tree's criu-plugin.h is not $HDR"
	cmp -s "$HDR" "$SRC/criu/include/criu-plugin.h" && die "CRIU's tree was changed through the hard links"
else
	echo "build-criu: no criu-plugin.h of this project found: plugins-ourhdr not built" | tee -a "$LOG"
fi

echo "$KEY" >"$OUTDIR/BUILD-KEY"
echo "build-criu: done (LOADER=$LOADER) in $OUTDIR"
