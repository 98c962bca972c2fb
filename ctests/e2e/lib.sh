# lib.sh, sourced by run-e2e.sh: reporting, the checks, cleanup, the
# per-release paths and which builds a step can use. Every steps-*.sh uses them.
# shellcheck shell=bash

# ---- reporting ---------------------------------------------------------------
declare -A RESULT=()
# why a step was NOT RUN (the machine lacks a kernel feature), by REL/STEP
declare -A NOT_RUN_WHY=()
REL=
STEP=
STEP_OK=1
STEP_T0=0
TITLE=()

begin() {
	STEP=$1
	STEP_OK=1
	STEP_T0=$SECONDS
	echo ""
	echo "=== CRIU $REL step $STEP: ${TITLE[$STEP]}"
}
ok() { echo "  ok: $*"; }
bad() {
	echo "  FAIL: $*"
	STEP_OK=0
}
end() {
	local dt=$((SECONDS - STEP_T0)) r=FAIL
	[ "$STEP_OK" = 1 ] && r=PASS
	RESULT[$REL/$STEP]=$r
	echo "$r CRIU $REL step $STEP: ${TITLE[$STEP]} (${dt} s)"
}
# not_run WHY: ends a step that this machine cannot run (a kernel feature
# CRIU needs is missing), loudly; a failed check before it still fails it
not_run() {
	local dt=$((SECONDS - STEP_T0))
	if [ "$STEP_OK" != 1 ]; then
		end
		return
	fi
	RESULT[$REL/$STEP]="NOT RUN"
	NOT_RUN_WHY[$REL/$STEP]=$1
	loud "NOT RUN CRIU $REL step $STEP: $1"
	echo "NOT RUN CRIU $REL step $STEP: ${TITLE[$STEP]} (${dt} s)"
}
loud() {
	echo ""
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
	echo "!!! $*"
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
}
# check_log DESCRIPTION FILE ERE: FILE has a line matching ERE
check_log() {
	if grep -Eq -- "$3" "$2" 2>/dev/null; then
		ok "$1"
	else
		bad "$1: no line matching /$3/ in $2"
	fi
}
# check_no_log DESCRIPTION FILE ERE: FILE has no line matching ERE
check_no_log() {
	if grep -Eq -- "$3" "$2" 2>/dev/null; then
		bad "$1: $2 has: $(grep -E -m1 -- "$3" "$2" | cut -c1-200)"
	else
		ok "$1"
	fi
}
# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: got '$2', want '$3'"; fi
}
# first line number in FILE matching ERE (0 when none)
line_of() {
	local n
	n=$(grep -En -m1 -- "$2" "$1" 2>/dev/null | cut -d: -f1)
	echo "${n:-0}"
}

# ---- processes and folders this script made: cleaned up on exit ------------
PIDS=()
TMPDIRS=()
# runc containers (state folder and id, "ROOT ID") to delete on exit
RUNC_CTRS=()
COUNTER=
cleanup() {
	local p
	for p in "${RUNC_CTRS[@]}"; do
		# shellcheck disable=SC2086 # "ROOT ID"
		set -- $p
		timeout 20 runc --root "$1" delete -f "$2" >/dev/null 2>&1
	done
	for p in "${PIDS[@]}"; do
		# only if that pid is still one of ours (the workload or its unshare)
		if [ -n "$COUNTER" ] && grep -qF "$COUNTER" "/proc/$p/cmdline" 2>/dev/null; then
			kill -9 "$p" 2>/dev/null
		fi
	done
	for p in "${TMPDIRS[@]}"; do rm -rf "$p"; done
}
trap cleanup EXIT

want() { [[ " $STEPS " == *" $1 "* ]]; }

# ---- per-release paths (set by use_release) ----------------------------------
use_release() {
	REL=$1
	criu_release "$REL"
	STOCK=$E2E_CACHE/criu-$REL/stock
	LIB=$E2E_CACHE/criu-$REL/lib
	STOCK_SRC=$STOCK/$R_DIRNAME
	LIB_SRC=$LIB/$R_DIRNAME
	WORK=$E2E_CACHE/e2e-run/$REL
	rm -rf "$WORK"
	mkdir -p "$WORK"
}

# need KIND: the step uses the KIND (stock|lib) build of this release: the
# one step 1 (stock) or 2 (lib) made, or, when that step is not run, the one
# cached from an earlier run
declare -A BUILT=()
need() {
	local n=1 dir=$STOCK
	[ "$1" = lib ] && n=2 && dir=$LIB
	case ${BUILT[$REL/$1]:-} in
	yes) return 0 ;;
	no)
		bad "the $1 build of CRIU $REL failed (step $n): not running against it"
		return 1
		;;
	esac
	if [ -f "$dir/BUILD-KEY" ] && [ -x "$dir/$R_DIRNAME/criu/criu" ]; then
		ok "step $n not run: using the $1 build cached in $dir"
		return 0
	fi
	bad "no $1 build of CRIU $REL (step $n not run)"
	return 1
}
