#!/bin/bash
# run-e2e.sh: the end-to-end test. For each CRIU release (4.1.1 and 4.2.1),
# builds it stock and with contrib/criu/criu-libcriu-plugin.patch against a
# staged install of this repository's library, then checkpoints and restores
# a live process with CRIU's own plugins, runs CRIU's zdtm plugin tests
# (also over RPC and with a page server), drives a dump and restore through
# CRIU's RPC interface and a real container runtime (runc), compares what
# both loaders log, loads plugins built with this project's header, and
# falls back from a failing alternative of the cuda plugin to CRIU's own.
# Prints one PASS or FAIL line per step and release, a closing "e2e: N
# passed, N failed, N not run" line, and exits non-zero on any failure. A
# step that cannot run FAILS; nothing is skipped. The one exception: a step
# needing a kernel feature this machine lacks (soft-dirty tracking for
# --pre, userfaultfd for --lazy-pages) says NOT RUN, loudly, and is counted
# as not run, never as passed.
#
# The steps live in steps-*.sh, the shared helpers in lib.sh; this file
# sets up, sources them and runs the steps.
#
# Needs root, ctests/e2e/deps.sh's packages, `make lib` done, and the
# network to Debian's archive the first time (tarballs are cached in .cache/).
#
# Environment:
#   CRIU_VERSION         releases to test, e.g. "4.2.1" (default: all of
#                        releases.sh, "4.1.1 4.2.1"; fewer says PARTIAL RUN)
#   E2E_STEPS            steps to run, default all (1-18; fewer says
#                        PARTIAL RUN and is not a full pass)
#   CRIU_PLUGIN_HEADER   this project's criu-plugin.h (default include/)
#   E2E_CACHE            cache folder (default <repo>/.cache)
#   E2E_REBUILD=1        rebuild CRIU even if the cached build is current
set -uo pipefail

# ---- patterns a maintainer may need to adjust ---------------------------------
# Step 7: the line this library logs when it refuses the version-0.3.0 plugin,
# like: Refusing plugin /path/e2e_bad_plugin.so: version 0.3.0 is newer than
# the supported 0.2.0
BAD_PLUGIN_RE='Refusing plugin .*e2e_bad_plugin\.so.*version 0\.3\.0'
# Step 4: the line (debug level) saying the library knows the layout of this
# CRIU's opts; %SIZE% and %OFFSET% are the release's (releases.sh). Like:
# The host's `opts' is 512 bytes: the layout of CRIU 4.2, 4.2.1, ...; --libdir
# is read at offset 160
OPTS_LAYOUT_RE="The host's .opts' is %SIZE% bytes: .*--libdir is read at offset %OFFSET%\$"
# ------------------------------------------------------------------------------

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export E2E_CACHE=${E2E_CACHE:-$REPO/.cache}
# shellcheck source=releases.sh
. "$HERE/releases.sh"
RELEASES=${CRIU_VERSION:-$CRIU_RELEASES_ALL}
ALL_STEPS="1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18"
STEPS=${E2E_STEPS:-$ALL_STEPS}
T_START=$SECONDS
# CRIU_VERSION is also one of CRIU's make variables: not beyond this point.
unset CRIU_VERSION MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS
# Debian's tools first: zdtm.py and crit run with Debian's python3 and its
# python3-yaml / python3-protobuf (a python3 earlier on PATH, say a pyenv
# shim, is not used).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
PY=/usr/bin/python3
# The inspection tool (make inspect), for step 5.
INSPECT=${CRIU_PLUGIN_INSPECT:-$REPO/target/release/criu-plugin-inspect}

# Descriptors above 2 the caller left open (a make job server's pipe, a
# harness's log) are closed here, so no process this test starts inherits
# one (counter.c closes its own as well). Bash reads this script through
# one of them; that one stays.
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] 2>/dev/null || continue
	[ "$(readlink "/proc/$$/fd/$fd" 2>/dev/null)" = "$HERE/run-e2e.sh" ] && continue
	eval "exec $fd>&-" 2>/dev/null
done

PLUGINS4="amdgpu_plugin cuda_plugin inventory_test_enabled_plugin inventory_test_disabled_plugin"

# shellcheck source=lib.sh
. "$HERE/lib.sh"
for f in build cycle inventory zdtm compare rpc runtime alternatives; do
	# shellcheck source=/dev/null
	. "$HERE/steps-$f.sh"
done

# ---- main -----------------------------------------------------------------------------------
echo "run-e2e: CRIU releases: $RELEASES; steps: $STEPS"
if [ "$(id -u)" != 0 ]; then
	loud "run-e2e needs root (CRIU dumps and restores processes): the test FAILS"
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi
for r in $RELEASES; do
	if ! criu_release "$r"; then
		echo "run-e2e: unknown CRIU release '$r' (known: $CRIU_RELEASES_ALL)" >&2
		exit 2
	fi
done
for s in $STEPS; do
	case " $ALL_STEPS " in
	*" $s "*) ;;
	*)
		echo "run-e2e: unknown step $s" >&2
		exit 2
		;;
	esac
done
mkdir -p "$E2E_CACHE/e2e-run"
COUNTER=$E2E_CACHE/e2e-run/counter
if ! gcc -O2 -Wall -Wextra -Werror -o "$COUNTER" "$HERE/counter.c"; then
	loud "could not build the workload"
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi
if ! "$PY" -c 'import yaml, google.protobuf' 2>/dev/null; then
	loud "$PY cannot import yaml and google.protobuf (Debian: python3-yaml python3-protobuf; run ctests/e2e/deps.sh)"
fi
# zdtm.py and the scripts it runs call `python3' and `python': both are
# Debian's, from a folder first on PATH.
PYBIN=$(mktemp -d /tmp/e2e-python.XXXXXX)
TMPDIRS+=("$PYBIN")
ln -s "$PY" "$PYBIN/python3"
ln -s "$PY" "$PYBIN/python"
export PATH=$PYBIN:$PATH

for r in $RELEASES; do
	use_release "$r"
	for s in $STEPS; do
		"step$s"
	done
done

passed=0
failed=0
notrun=0
echo ""
echo "=== summary ($((SECONDS - T_START)) s)"
for r in $RELEASES; do
	for s in $ALL_STEPS; do
		res=${RESULT[$r/$s]:-omitted}
		printf '  CRIU %s step %2s: %-7s %s\n' "$r" "$s" "$res" "${TITLE[$s]}"
		case $res in
		PASS) passed=$((passed + 1)) ;;
		FAIL) failed=$((failed + 1)) ;;
		"NOT RUN") notrun=$((notrun + 1)) ;;
		esac
	done
done
if [ "$STEPS" != "$ALL_STEPS" ] || [ "$RELEASES" != "$CRIU_RELEASES_ALL" ]; then
	echo "run-e2e: PARTIAL RUN (CRIU_VERSION=$RELEASES E2E_STEPS=$STEPS): this is not a full pass"
fi
if [ "$notrun" -gt 0 ]; then
	loud "$notrun step(s) NOT RUN: this machine lacks what they need; they are not counted as passed:"
	for r in $RELEASES; do
		for s in $ALL_STEPS; do
			[ -n "${NOT_RUN_WHY[$r/$s]:-}" ] && echo "!!!   NOT RUN CRIU $r step $s: ${NOT_RUN_WHY[$r/$s]}"
		done
	done
fi
echo "e2e: $passed passed, $failed failed, $notrun not run"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
