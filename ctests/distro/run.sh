#!/bin/bash
# make check-distro: builds the library the way a Debian package build
# does, in a Debian trixie (the stable release) root made with debootstrap
# from Debian's archive: trixie's own rustc and cargo (the MSRV, 1.85), its
# packaged crates (librust-*-dev, /usr/share/cargo/registry) instead of
# crates.io, offline, with Cargo.lock removed. Then cargo build and cargo
# test of both packages and make lib. Then the Debian packaging in debian/:
# dpkg-buildpackage -us -uc -b with only the Build-Depends installed and no
# network (a network namespace of its own), lintian, the packages' files
# against trixie's criu and libcriu-dev, and the installed packages used: a
# plugin built with the -dev package's header, listed by the installed
# criu-plugin-inspect, and a program linked with the library, whose
# dependency dpkg-shlibdeps derives from the symbols file.
#
# The root is cached outside the clone (CRIU_PLUGIN_DISTRO_ROOT, default
# /var/cache/criu-plugin/trixie) and made the first time (1.5 GB from
# Debian's archive, about a minute with a fast mirror). Needs root.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${CRIU_PLUGIN_DISTRO_ROOT:-/var/cache/criu-plugin/trixie}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The Build-Depends of debian/control, build-essential and lintian.
PACKAGES="rustc cargo librust-libc-dev librust-bitflags-dev librust-log-dev make gcc libc6-dev
	build-essential debhelper dpkg-dev lintian"
. "$REPO/ctests/checks.sh"

[ "$(id -u)" = 0 ] || { echo "check-distro: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "check-distro: debootstrap is not installed (.ci/deps.sh installs it)" >&2; exit 1; }

in_root() {
	timeout 1800 ${NO_NET:-} chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/build/home CARGO_HOME=/build/home/.cargo DEBIAN_FRONTEND=noninteractive \
		/bin/sh -c "$1"
}

# The root: minbase, then the build's packages through apt inside it
# (debootstrap's --include does not resolve the crates' dependencies).
if [ ! -x "$ROOT/usr/bin/cargo" ] || [ ! -x "$ROOT/usr/bin/lintian" ] || [ ! -x "$ROOT/usr/bin/dh" ]; then
	echo "check-distro: making a Debian trixie root in $ROOT (first run only)"
	if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
		rm -rf "$ROOT"
		mkdir -p "$ROOT"
	fi
	if [ ! -x "$ROOT/usr/bin/apt-get" ] && ! timeout 1200 debootstrap --variant=minbase trixie "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1; then
		tail -20 "$ROOT.log"
		echo "FAIL: debootstrap trixie (log: $ROOT.log)" >&2
		exit 1
	fi
	if ! in_root "apt-get update -q && apt-get install -y -q --no-install-recommends $(echo $PACKAGES)" >>"$ROOT.log" 2>&1; then
		tail -20 "$ROOT.log"
		echo "FAIL: installing $PACKAGES in the trixie root (log: $ROOT.log)" >&2
		exit 1
	fi
fi

# The tree as a source package has it: the checked-in files, no Cargo.lock,
# no target folder; cargo pointed at Debian's registry, offline (as dh-cargo
# sets it up).
rm -rf "$ROOT/build"
copy_tree "$ROOT/build/src"
rm -f "$ROOT/build/src/Cargo.lock"
mkdir -p "$ROOT/build/home/.cargo"
cp "$REPO/debian/cargo-config.toml" "$ROOT/build/home/.cargo/config.toml"
logged_out=$(mktemp)
trap 'rm -f "$logged_out"' EXIT

echo "check-distro: $(in_root 'rustc --version'), crates: $(in_root 'ls /usr/share/cargo/registry | grep -E "^(libc|bitflags|log)-[0-9]" | tr "\n" " "')"
# Every build step runs without network: a network namespace of its own.
offline() { NO_NET="unshare -n" in_root "$1"; }
step() { logged "$1" offline "cd /build/src && $2"; }
step "cargo build --release of criu-plugin (trixie, offline, no Cargo.lock)" "cargo build --release -p criu-plugin"
step "cargo build --release of criu-plugin-inspect" "cargo build --release -p criu-plugin-inspect"
step "cargo test of both packages" "cargo test --workspace"
step "make lib" "make lib && test -f build/lib/libcriu-plugin.so.1 && test -f build/lib/libcriu-plugin.a"
step "cbindgen is in no dependency list of the library" "! cargo tree -p criu-plugin -e all --prefix none | grep -q '^cbindgen '"

# The Debian packages, from the checked-in tree (debian/ included).
P=/build/pkg
copy_tree "$ROOT$P/criu-plugin"
in_root "dpkg --purge libcriu-plugin1 libcriu-plugin-dev criu-plugin-inspect; apt-get purge -y -q --autoremove criu libcriu-dev" >/dev/null 2>&1
log=$logged_out
logged "dpkg-buildpackage -us -uc -b (trixie, Build-Depends only, no network)" \
	offline "cd $P/criu-plugin && dpkg-checkbuilddeps && dpkg-buildpackage -us -uc -b" || { summary check-distro; exit 1; }
grep -E 'dpkg-gensymbols|warning' "$log" | sed 's/^/    /'
echo "    built: $(cd "$ROOT$P" && echo ./*.deb)"
for pkg in libcriu-plugin1 libcriu-plugin-dev criu-plugin-inspect; do
	[ -f "$(ls "$ROOT$P/${pkg}_"*.deb 2>/dev/null | head -1)" ] && ok "package $pkg built" || ko "package $pkg built"
done
# lintian: no error; the warnings left are listed in the README.
if in_root "cd $P && lintian --fail-on error --tag-display-limit 0 criu-plugin_*.changes" >"$log" 2>&1; then
	ok "lintian: no error"
else
	ko "lintian reports errors" "$log"
fi
sed 's/^/    lintian: /' "$log"
# The shared library's package holds the soname link and the library, and a
# symbols file for LIBCRIU_PLUGIN_1.
in_root "dpkg-deb --ctrl-tarfile $P/libcriu-plugin1_*.deb | tar -xO ./symbols" >"$log" 2>&1
grep -q '^ cr_plugin_init@LIBCRIU_PLUGIN_1 ' "$log" && ok "libcriu-plugin1 ships a symbols file (LIBCRIU_PLUGIN_1)" || ko "libcriu-plugin1 ships a symbols file" "$log"
# No file in common with trixie's criu and libcriu-dev.
in_root "cd /tmp && rm -f criu_*.deb libcriu-dev_*.deb && apt-get download -q criu libcriu-dev" >"$log" 2>&1 || ko "apt-get download criu libcriu-dev" "$log"
files_of() { for d in "$@"; do dpkg-deb -c "$d"; done | awk '{print $6}' | grep -v '/$' | sort -u; }
files_of "$ROOT"/tmp/criu_*.deb "$ROOT"/tmp/libcriu-dev_*.deb >"$log.theirs"
files_of "$ROOT$P"/*.deb >"$log.ours"
if [ -s "$log.theirs" ] && [ -s "$log.ours" ]; then
	comm -12 "$log.theirs" "$log.ours" >"$log"
	[ -s "$log" ] && ko "files in common with criu/libcriu-dev" "$log" || ok "no file in common with trixie's criu and libcriu-dev ($(wc -l <"$log.ours") files of ours)"
else
	ko "listing the packages' files"
fi
rm -f "$log.theirs" "$log.ours"
# Installed beside trixie's criu and libcriu-dev (dpkg refuses a file
# another package owns), then used: a plugin built with the -dev package's
# header, the installed tool listing its folder, and a program linked with
# the library. criu and its dependencies are removed again at the end, so
# the next package build sees only the Build-Depends.
if in_root "apt-get install -y -q --no-install-recommends criu libcriu-dev" >"$log" 2>&1; then
	if in_root "dpkg -i $P/libcriu-plugin1_*.deb $P/libcriu-plugin-dev_*.deb $P/criu-plugin-inspect_*.deb" >"$log" 2>&1; then
		ok "the three packages install beside trixie's criu $(in_root "dpkg-query -W -f '\${Version}' criu") and libcriu-dev"
	else
		ko "the three packages install beside criu and libcriu-dev" "$log"
	fi
else
	ko "apt-get install criu libcriu-dev in the trixie root" "$log"
fi
cat >"$ROOT/tmp/probe.c" <<'C'
#include <criu-plugin.h>
static int probe_init(int stage) { (void)stage; return 0; }
static void probe_exit(int stage, int ret) { (void)stage; (void)ret; }
CR_PLUGIN_REGISTER("distro_probe", probe_init, probe_exit)
C
cat >"$ROOT/tmp/host.c" <<'C'
#include <criu-plugin-host.h>
int main(void) { return cr_plugin_init(CR_PLUGIN_STAGE__DUMP) == 0 ? 0 : 1; }
C
if offline "rm -rf /tmp/pl && mkdir /tmp/pl && gcc -Wall -Wextra -Werror -I/usr/include/criu-plugin -shared -fPIC -o /tmp/pl/probe.so /tmp/probe.c && criu-plugin-inspect /tmp/pl" >"$log" 2>&1 &&
	grep -q distro_probe "$log"; then
	ok "installed criu-plugin-inspect lists a folder (a plugin built with the -dev header)"
else
	ko "installed criu-plugin-inspect lists a folder" "$log"
fi
if offline "cd /tmp && gcc -Wall -Wextra -Werror -I/usr/include/criu-plugin -o host host.c -lcriu-plugin && CRIU_LIBS_DIR=/tmp/pl ./host && mkdir -p debian && printf 'Source: x\n\nPackage: x\nArchitecture: any\n' >debian/control && dpkg-shlibdeps -O host" >"$log" 2>&1 &&
	grep -qE 'libcriu-plugin1 \(>= [0-9]' "$log"; then
	ok "a program linked with -lcriu-plugin runs; dpkg-shlibdeps: $(grep -oE 'libcriu-plugin1 \([^)]*\)' "$log")"
else
	ko "a program linked with -lcriu-plugin, dpkg-shlibdeps" "$log"
fi
in_root "dpkg --purge criu-plugin-inspect libcriu-plugin-dev libcriu-plugin1; apt-get purge -y -q --autoremove criu libcriu-dev; rm -rf /tmp/pl /tmp/host /tmp/debian /tmp/*.deb" >/dev/null 2>&1
summary check-distro
