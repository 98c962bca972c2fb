#!/bin/bash
# Installs every system package the build and the tests need (Debian, root),
# from Debian's archive only (no pip). Idempotent. Used by .ci/setup.sh and
# `make deps` / `make setup`; needs nothing but bash and apt (make comes from
# here).
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "deps.sh: run as root (apt-get)" >&2; exit 1; }
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# gcc/make for the C harness; valgrind and gcc's sanitizers for the checked
# runs; criu for Debian's CRIU 3.17 header (layout test); libcap2-bin for
# setcap (secure-execution test); pkg-config for the install test; groff and
# man for the manual page test; debootstrap for the build in Debian stable
# (make check-distro); rpm for rpmspec (make check-rpmspec).
apt-get install -y -q --no-install-recommends \
	build-essential make pkg-config valgrind criu libcap2-bin util-linux procps python3 \
	groff-base man-db debootstrap rpm

# Building and running the real CRIU 4.1.1 and 4.2.1 (make e2e).
bash ctests/e2e/deps.sh

command -v cargo >/dev/null || { echo "deps.sh: cargo (Rust) is required" >&2; exit 1; }
# make check runs cargo fmt and cargo clippy: Debian's cargo comes without
# them (packages rustfmt and rust-clippy); a rustup toolchain has them.
if ! cargo fmt --version >/dev/null 2>&1; then
	apt-get install -y -q --no-install-recommends rustfmt
fi
if ! cargo clippy --version >/dev/null 2>&1; then
	apt-get install -y -q --no-install-recommends rust-clippy
fi
cargo fmt --version >/dev/null 2>&1 || { echo "deps.sh: cargo fmt is not available" >&2; exit 1; }
cargo clippy --version >/dev/null 2>&1 || { echo "deps.sh: cargo clippy is not available" >&2; exit 1; }
