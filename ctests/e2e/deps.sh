#!/bin/bash
# Installs what fetching and building CRIU 4.1.1 and 4.2.1, their plugins and
# tools, and running their zdtm tests need, from Debian packages only (no pip:
# Debian's python3 refuses it, and the modules come as python3-yaml and
# python3-protobuf). Run as root on Debian (bookworm or newer). Idempotent.
#
# zdtm.py and crit run with Debian's /usr/bin/python3 (run-e2e.sh puts
# /usr/bin first on their PATH); the last lines check that interpreter has
# the modules they import.
set -euo pipefail

DEB_PACKAGES=(
	# toolchain, the tarball, the archive's signing keys for apt-get source
	build-essential pkg-config xz-utils debian-archive-keyring
	# CRIU's build dependencies
	libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
	libnl-3-dev libnet1-dev libcap-dev libbsd-dev libnftables-dev libaio-dev
	libgnutls28-dev uuid-dev
	# amdgpu plugin
	libdrm-dev
	# zdtm and crit: Debian's python3 with its yaml and protobuf modules
	python3 python3-yaml python3-protobuf
	# criu check / restore of the network namespace, zdtm
	iptables iproute2 libnl-route-3-dev
	# the test's own tools: unshare, setsid, pgrep, flock; gdb reads
	# struct cr_options' layout from criu's debug information
	util-linux procps gdb
	# a real container runtime (runc checkpoint / restore through CRIU) and
	# a static busybox for the container's hand-made root file system
	runc busybox-static
)

[ "$(id -u)" = 0 ] || { echo "deps.sh: must run as root" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
echo "deps.sh: apt-get update"
apt-get update -q
echo "deps.sh: apt-get install ${DEB_PACKAGES[*]}"
apt-get install -y -q --no-install-recommends "${DEB_PACKAGES[@]}"

/usr/bin/python3 -c 'import yaml, google.protobuf; print("deps.sh: /usr/bin/python3 ok: protobuf", google.protobuf.__version__, "yaml", yaml.__version__)' ||
	{ echo "deps.sh: Debian's /usr/bin/python3 cannot import yaml and google.protobuf" >&2; exit 1; }
PATH=/usr/sbin:/usr/bin:/sbin:/bin python3 -c 'import sys, yaml, google.protobuf; assert sys.executable.startswith("/usr/bin/"), sys.executable' ||
	{ echo "deps.sh: python3 with /usr/bin first on PATH is not Debian's or lacks yaml/google.protobuf" >&2; exit 1; }
