#!/bin/bash
# Installs what building CRIU 4.1.1, its plugins and running its zdtm tests
# need on Debian bookworm, and the Python packages zdtm and crit need for the
# python3 on PATH. Run as root. Idempotent (apt-get and pip skip what is
# already there).
set -euo pipefail

DEB_PACKAGES=(
	# toolchain
	build-essential pkg-config
	# CRIU's build dependencies
	libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
	python3-protobuf libnl-3-dev libnet1-dev libcap-dev libbsd-dev
	libnftables-dev libaio-dev libgnutls28-dev uuid-dev
	# amdgpu plugin
	libdrm-dev
	# criu check / restore of the network namespace, zdtm
	iptables iproute2 libnl-route-3-dev
	# the test's own tools: unshare, setsid, pgrep, flock
	util-linux procps
)

PY_PACKAGES=('protobuf<5' pyyaml)

[ "$(id -u)" = 0 ] || { echo "deps.sh: must run as root" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
echo "deps.sh: apt-get update"
apt-get update -q
echo "deps.sh: apt-get install ${DEB_PACKAGES[*]}"
apt-get install -y -q --no-install-recommends "${DEB_PACKAGES[@]}"

PY=$(command -v python3) || { echo "deps.sh: no python3 on PATH" >&2; exit 1; }
echo "deps.sh: $PY -m pip install ${PY_PACKAGES[*]}"
"$PY" -m pip install -q --disable-pip-version-check --root-user-action=ignore "${PY_PACKAGES[@]}"
"$PY" -c 'import google.protobuf, yaml; print("deps.sh: python ok: protobuf", google.protobuf.__version__, "pyyaml", yaml.__version__)'
