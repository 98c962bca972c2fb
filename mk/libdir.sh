#!/bin/sh
# libdir.sh [ROOT]: prints the platform's library folder, relative to a
# prefix: the default of LIBDIR ($(PREFIX)/<this>; mk/install.mk).
#
#   lib/<triplet>  where the system has a multiarch triplet (Debian, Ubuntu):
#                  `$CC -print-multiarch` (the compiler the library is
#                  linked with, so a cross compiler gives its target), else
#                  `dpkg-architecture -qDEB_HOST_MULTIARCH`; used when it is
#                  not empty and ROOT/usr/lib/<triplet> is a folder
#   lib64          where ROOT/usr/lib64 is a folder and not a symbolic link
#                  (Fedora, openSUSE)
#   lib            everywhere else (Arch, where /usr/lib64 -> lib; Alpine)
#
# The same choice as meson's and cargo-c's. ROOT (default /) is for the
# tests; so are CC (default cc) and DPKG_ARCHITECTURE (default
# dpkg-architecture; `false` skips it).
root=${1:-}
root=${root%/}
cc=${CC:-cc}
triplet=$($cc -print-multiarch 2>/dev/null) || triplet=
if [ -z "$triplet" ]; then
	triplet=$(${DPKG_ARCHITECTURE:-dpkg-architecture} -qDEB_HOST_MULTIARCH 2>/dev/null) || triplet=
fi
case $triplet in
*/* | .*) triplet= ;; # not a triplet: never a path of its own
esac
if [ -n "$triplet" ] && [ -d "$root/usr/lib/$triplet" ]; then
	echo "lib/$triplet"
elif [ -d "$root/usr/lib64" ] && [ ! -L "$root/usr/lib64" ]; then
	echo lib64
else
	echo lib
fi
