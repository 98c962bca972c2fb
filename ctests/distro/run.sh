#!/bin/bash
# make check-distro: builds the library the way a Debian package build
# does, in a Debian trixie (the stable release) root made with debootstrap
# from Debian's archive: trixie's own rustc and cargo (the MSRV, 1.85), its
# packaged crates (librust-*-dev, /usr/share/cargo/registry) instead of
# crates.io, offline, with Cargo.lock removed. Then cargo build and cargo
# test of both packages and make lib.
#
# The root is cached outside the clone (CRIU_PLUGIN_DISTRO_ROOT, default
# /var/cache/criu-plugin/trixie) and made the first time (about 3 minutes
# and 300 MB from Debian's archive). Needs root.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${CRIU_PLUGIN_DISTRO_ROOT:-/var/cache/criu-plugin/trixie}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PACKAGES="rustc cargo librust-libc-dev librust-bitflags-dev librust-log-dev make gcc libc6-dev"
. "$REPO/ctests/checks.sh"

[ "$(id -u)" = 0 ] || { echo "check-distro: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "check-distro: debootstrap is not installed (.ci/deps.sh installs it)" >&2; exit 1; }

in_root() {
	timeout 1800 chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/build/home CARGO_HOME=/build/home/.cargo DEBIAN_FRONTEND=noninteractive \
		/bin/sh -c "$1"
}

# The root: minbase, then the build's packages through apt inside it
# (debootstrap's --include does not resolve the crates' dependencies).
if [ ! -x "$ROOT/usr/bin/cargo" ]; then
	echo "check-distro: making a Debian trixie root in $ROOT (first run only)"
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	if ! timeout 1200 debootstrap --variant=minbase trixie "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1; then
		tail -20 "$ROOT.log"
		echo "FAIL: debootstrap trixie (log: $ROOT.log)" >&2
		exit 1
	fi
	if ! in_root "apt-get update -q && apt-get install -y -q --no-install-recommends $PACKAGES" >>"$ROOT.log" 2>&1; then
		tail -20 "$ROOT.log"
		echo "FAIL: installing $PACKAGES in the trixie root (log: $ROOT.log)" >&2
		exit 1
	fi
fi

# The tree as a source package has it: the checked-in files, no Cargo.lock,
# no target folder; cargo pointed at Debian's registry, offline (as dh-cargo
# sets it up).
rm -rf "$ROOT/build"
mkdir -p "$ROOT/build/src" "$ROOT/build/home/.cargo"
(cd "$REPO" && git ls-files -z | xargs -0 cp -a --parents -t "$ROOT/build/src")
rm -f "$ROOT/build/src/Cargo.lock"
cat >"$ROOT/build/home/.cargo/config.toml" <<'TOML'
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[net]
offline = true
TOML

echo "check-distro: $(in_root 'rustc --version'), crates: $(in_root 'ls /usr/share/cargo/registry | grep -E "^(libc|bitflags|log)-[0-9]" | tr "\n" " "')"
step() {
	local what=$1 cmd=$2 log
	log=$(mktemp)
	if in_root "cd /build/src && $cmd" >"$log" 2>&1; then
		ok "$what"
	else
		ko "$what" "$log"
	fi
	grep -E '^test result:' "$log" | sed 's/^/    /'
	rm -f "$log"
}
step "cargo build --release of criu-plugin (trixie, offline, no Cargo.lock)" "cargo build --release -p criu-plugin"
step "cargo build --release of criu-plugin-inspect" "cargo build --release -p criu-plugin-inspect"
step "cargo test of both packages" "cargo test --workspace"
step "make lib" "make lib && test -f build/lib/libcriu-plugin.so.1 && test -f build/lib/libcriu-plugin.a"
step "cbindgen is in no dependency list of the library" "! cargo tree -p criu-plugin -e all --prefix none | grep -q '^cbindgen '"
echo "check-distro: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
