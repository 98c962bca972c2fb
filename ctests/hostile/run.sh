#!/bin/bash
# Hostile input for the loader, through the C ABI: plugin folder entries that
# are not regular files, plugins that call into the loader from inside it,
# allocation failures, descriptors that lie, names that attack the log,
# untrusted folders on the path (and a race swapping them), truncated files.
# README.md beside this file lists every input and what the loader must do.
# The sections live in files of their own, sourced here: entries.sh (not
# regular files, truncated files), reenter.sh, failmalloc.sh, claims.sh
# (lying descriptors, names that attack the log), trust.sh (the trusted
# path, the race); lib.sh holds their runners and checks.
#
# The cases that need root (chown, mknod, a second user) say so and are not
# run for anyone else. Every run is bounded by timeout.
# Usage: run.sh LIBDIR (the folder holding libcriu-plugin.so)
#        run.sh --criu-c TARBALL: the same cases against CRIU's own loader,
#          criu/plugin.c from CRIU 4.1.1's release tarball, compiled into the
#          host (build-criu/, never committed); for comparison only: that
#          loader has none of the checks, so most cases fail there
#   HOSTILE_TIMEOUT   seconds each host run may take (default 20)
#   HOSTILE_SWEEP     the last allocation number of the sweep (default 300)
#   HOSTILE_ROUNDS    init + fini rounds during the race (default 200)
#   HOSTILE_ONLY      the sections to run (default: all of them)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
CRIU_TARBALL=
if [ "${1:-}" = --criu-c ]; then
	CRIU_TARBALL=$(absfile "${2:?usage: run.sh --criu-c TARBALL}") || exit 2
	suite hostile "$here/build-criu"
else
	LIBDIR=$(absdir "${1:?usage: run.sh LIBDIR}") || exit 2
	suite hostile "$here/build"
fi
TMO=${HOSTILE_TIMEOUT:-20}
SWEEP=${HOSTILE_SWEEP:-300}
ROUNDS=${HOSTILE_ROUNDS:-200}
NOBODY=65534
unset LD_PRELOAD
mkdir -p "$B/so" "$B/out"
if [ -n "$CRIU_TARBALL" ]; then
	echo "loader: CRIU 4.1.1's own criu/plugin.c (from $CRIU_TARBALL)"
else
	echo "loader: $(readlink -f "$LIBDIR/libcriu-plugin.so")"
fi

# Every plugin folder lives under a fresh folder of /tmp, 0755 (root's, or
# the user's), so nothing depends on where the repository is.
T=$(mktemp -d /tmp/hostile.XXXXXX)
chmod 0755 "$T"
attacker_pid=
cleanup() {
	if [ -n "$attacker_pid" ]; then
		kill "$attacker_pid" 2>/dev/null
		wait "$attacker_pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$CRIU_TARBALL" ]; then
	# CRIU's loader with the benchmark's stand-ins for CRIU's headers; its
	# code compares snprintf()'s int with sizeof, hence -Wno-sign-compare.
	mkdir -p "$B/criu"
	tar -xJf "$CRIU_TARBALL" -O criu-4.1.1/criu/plugin.c >"$B/criu/plugin.c" || exit 1
	shim=$here/../../bench/shim
	build "$B/criu/plugin.o" -O2 -Wno-sign-compare -I"$shim" -I"$shim/common" -c "$B/criu/plugin.c"
	build "$B/host" -DCRIU_C_LOADER -rdynamic "$here/host.c" "$B/criu/plugin.o" -ldl
else
	build "$B/host" -rdynamic "$here/host.c" -L"$LIBDIR" -lcriu-plugin -Wl,-rpath,"$LIBDIR" -ldl
fi
build "$B/failmalloc.so" -shared -fPIC "$here/failmalloc.c" -ldl
build "$B/attacker" "$here/attacker.c"
build "$B/mksock" "$here/mksock.c"
build "$B/elfpatch" "$here/elfpatch.c"
plugin "$B/so/good.so" good
plugin "$B/so/fa.so" fa
plugin "$B/so/fb.so" fb
plugin "$B/so/fb-api.so" fb -DINIT_RC=-1 -DLABEL='"fb-api"'

. "$here/lib.sh"
. "$here/entries.sh"
. "$here/reenter.sh"
. "$here/failmalloc.sh"
. "$here/claims.sh"
. "$here/trust.sh"

for section in files reenter failmalloc lying log trust race truncated; do
	case " ${HOSTILE_ONLY:-$section} " in
	*" $section "*) "section_$section" ;;
	esac
done

echo "hostile: tried $inputs distinct bad inputs:"
sed 's/^/    /' "$B/inputs"
summary
