#!/bin/bash
# Puts CRIU 4.1.1's release tarball (criu_4.1.1.orig.tar.xz) into the cache
# folder (default: <repo>/.cache, git-ignored; override with E2E_CACHE) and
# checks its sha256. Idempotent: a cached tarball with the right checksum is
# kept as it is.
#
# Source: Debian's trixie archive. A deb-src entry for trixie (main) is added
# in its own sources file, then `apt-get source --download-only criu=4.1.1-1`
# fetches the tarball. The archive answers 404 for the .dsc and the
# .debian.tar.xz, so that command exits non-zero even when the tarball
# arrived: the checksum, not the exit code, decides.
#
# Exits non-zero, loudly, when the tarball cannot be had: the end-to-end test
# never passes by skipping.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${E2E_CACHE:-$REPO/.cache}

TARBALL_NAME=criu_4.1.1.orig.tar.xz
TARBALL_SHA256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
SOURCES_FILE=/etc/apt/sources.list.d/criu-e2e-trixie-src.sources

die() {
	echo "" >&2
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	echo "!!! fetch-criu: FAILED: $*" >&2
	echo "!!! The end-to-end test needs CRIU 4.1.1's source and cannot run." >&2
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	exit 1
}

sha_ok() {
	[ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$TARBALL_SHA256" ]
}

mkdir -p "$CACHE"
TARBALL=$CACHE/$TARBALL_NAME

if sha_ok "$TARBALL"; then
	echo "fetch-criu: $TARBALL present, sha256 ok"
	exit 0
fi
rm -f "$TARBALL"

[ "$(id -u)" = 0 ] || die "must run as root to add the deb-src entry (or place $TARBALL_NAME in $CACHE by hand)"
command -v apt-get >/dev/null || die "apt-get not found"

if [ ! -f "$SOURCES_FILE" ]; then
	echo "fetch-criu: adding $SOURCES_FILE (deb-src trixie main)"
	cat >"$SOURCES_FILE" <<'EOF'
# Added by ctests/e2e/fetch-criu.sh: lets `apt-get source` fetch CRIU's
# release tarball for the end-to-end test. Source entries only.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi

echo "fetch-criu: apt-get update"
# A failing update of some unrelated source must not stop us; whether the
# trixie source index arrived is checked by `apt-get source` below.
apt-get update -q >"$CACHE/apt-update.log" 2>&1 || echo "fetch-criu: apt-get update exited non-zero (see $CACHE/apt-update.log); trying anyway"

echo "fetch-criu: apt-get source --download-only criu=4.1.1-1 (404 for .dsc and .debian.tar.xz is expected)"
set +e
(cd "$CACHE" && apt-get source --download-only criu=4.1.1-1) >"$CACHE/apt-source.log" 2>&1
rc=$?
set -e
echo "fetch-criu: apt-get source exited $rc"

if [ ! -f "$TARBALL" ]; then
	tail -n 20 "$CACHE/apt-source.log" >&2 || true
	die "$TARBALL_NAME was not downloaded (log: $CACHE/apt-source.log)"
fi
if ! sha_ok "$TARBALL"; then
	got=$(sha256sum "$TARBALL" | cut -d' ' -f1)
	mv -f "$TARBALL" "$TARBALL.bad"
	die "$TARBALL_NAME has sha256 $got, expected $TARBALL_SHA256 (kept as $TARBALL.bad)"
fi
echo "fetch-criu: $TARBALL fetched, sha256 ok"
