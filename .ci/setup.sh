#!/bin/bash
# Sets up a Debian machine for this repository and builds it: installs every
# system package the build and the tests need (.ci/deps.sh: make, gcc,
# pkg-config, valgrind, CRIU's build dependencies, Debian's python3 with
# python3-yaml and python3-protobuf, ...), then builds the library (make).
# Needs only bash, apt and cargo; run as root. Afterwards `make check` runs
# every test. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
make
