#!/bin/bash
# fetch-criu.sh [VERSION]: puts the release tarball of CRIU VERSION (default:
# $CRIU_VERSION; one of releases.sh's) into the cache folder (default
# <repo>/.cache, git-ignored; override with E2E_CACHE) and checks its sha256.
# Idempotent: a cached tarball with the right checksum is kept as it is.
#
# Source: Debian's archive, through `apt-get source --download-only
# criu=<Debian version>` with a deb-src entry for the release's suite
# (4.1.1: trixie, 4.2.1: sid). The entry lives in a temporary sources folder
# and apt's lists for it in a temporary lists folder, both given to apt with
# -o options and removed on exit (trap): the system's sources and lists are
# neither read nor written, so nothing is left to refresh. The archive
# answers 404 for the .debian.tar.xz (4.1.1: also for the .dsc), so
# `apt-get source` exits non-zero even when the tarball arrived: the
# checksum, not the exit code, decides.
#
# Exits non-zero, loudly, when the tarball cannot be had: the end-to-end test
# never passes by skipping.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${E2E_CACHE:-$REPO/.cache}
VERSION=${1:-${CRIU_VERSION:-}}
# shellcheck source=releases.sh
. "$HERE/releases.sh"

die() {
	echo "" >&2
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	echo "!!! fetch-criu: FAILED: $*" >&2
	echo "!!! The end-to-end test needs CRIU ${VERSION:-?}'s source and cannot run." >&2
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	exit 1
}

[ -n "$VERSION" ] || die "usage: $0 VERSION (one of: $CRIU_RELEASES_ALL)"
criu_release "$VERSION" || die "unknown CRIU release '$VERSION' (known: $CRIU_RELEASES_ALL)"

sha_ok() {
	[ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$R_SHA256" ]
}

mkdir -p "$CACHE"
TARBALL=$CACHE/$R_TARBALL

if sha_ok "$TARBALL"; then
	echo "fetch-criu: $TARBALL present, sha256 ok"
	exit 0
fi
rm -f "$TARBALL"

command -v apt-get >/dev/null || die "apt-get not found (or place $R_TARBALL, sha256 $R_SHA256, in $CACHE by hand)"
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || die "no /usr/share/keyrings/debian-archive-keyring.gpg (package debian-archive-keyring)"

# An earlier version of this script left a deb-src entry in the system's
# sources; take it away (only a file that says it is ours) and refresh the
# lists so they match the sources again.
LEGACY=/etc/apt/sources.list.d/criu-e2e-trixie-src.sources
if [ -f "$LEGACY" ] && grep -q 'Added by ctests/e2e/fetch-criu.sh' "$LEGACY"; then
	echo "fetch-criu: removing $LEGACY (left by an earlier version) and refreshing apt's lists"
	rm -f "$LEGACY"
	apt-get update -q >"$CACHE/apt-update-system.log" 2>&1 || echo "fetch-criu: apt-get update exited non-zero (see $CACHE/apt-update-system.log)"
fi

# apt's private state for this fetch: the deb-src entry, its lists, the
# download folder. Removed on every exit.
APT_TMP=$(mktemp -d "$CACHE/apt-$VERSION.XXXXXX")
trap 'rm -rf "$APT_TMP"' EXIT
mkdir -p "$APT_TMP/sources.list.d" "$APT_TMP/lists/partial" "$APT_TMP/get"
cat >"$APT_TMP/sources.list.d/criu-e2e-$R_SUITE-src.sources" <<EOF
# ctests/e2e/fetch-criu.sh: CRIU $VERSION's release tarball. Source entries only.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $R_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
APT_OPTS=(
	-o Dir::Etc::SourceList=/dev/null
	-o "Dir::Etc::SourceParts=$APT_TMP/sources.list.d"
	-o "Dir::State::Lists=$APT_TMP/lists"
	-o Dir::Cache::pkgcache=
	-o Dir::Cache::srcpkgcache=
	-o APT::Sandbox::User=root
	# sid's Release file carries a Valid-Until date, which a mirror frozen
	# at a snapshot outlives; what is fetched is checked against the pinned
	# sha256 below, not against the index's freshness
	-o Acquire::Check-Valid-Until=false
	-q
)

echo "fetch-criu: apt-get update (deb-src $R_SUITE main only, lists in $APT_TMP)"
if ! apt-get "${APT_OPTS[@]}" update >"$CACHE/apt-update-$VERSION.log" 2>&1; then
	tail -n 20 "$CACHE/apt-update-$VERSION.log" >&2 || true
	die "apt-get update of deb-src $R_SUITE failed (log: $CACHE/apt-update-$VERSION.log)"
fi

echo "fetch-criu: apt-get source --download-only criu=$R_DEB_VERSION (a 404 for the .debian.tar.xz is expected)"
set +e
(cd "$APT_TMP/get" && apt-get "${APT_OPTS[@]}" source --download-only "criu=$R_DEB_VERSION") >"$CACHE/apt-source-$VERSION.log" 2>&1
rc=$?
set -e
echo "fetch-criu: apt-get source exited $rc"

if [ ! -f "$APT_TMP/get/$R_TARBALL" ]; then
	tail -n 20 "$CACHE/apt-source-$VERSION.log" >&2 || true
	die "$R_TARBALL was not downloaded (log: $CACHE/apt-source-$VERSION.log)"
fi
if ! sha_ok "$APT_TMP/get/$R_TARBALL"; then
	got=$(sha256sum "$APT_TMP/get/$R_TARBALL" | cut -d' ' -f1)
	mv -f "$APT_TMP/get/$R_TARBALL" "$TARBALL.bad"
	die "$R_TARBALL has sha256 $got, expected $R_SHA256 (kept as $TARBALL.bad)"
fi
mv -f "$APT_TMP/get/$R_TARBALL" "$TARBALL"
echo "fetch-criu: $TARBALL fetched, sha256 ok"
