#!/bin/bash
# The plugin header for a named CRIU release (CRIU_PLUGIN_TARGET): each
# release's hook count, descriptor size and hook types, hooks a release lacks
# rejected at compile time, and the host header refusing a target.
# Usage: run.sh INCLUDE_DIR BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
INC=${1:?usage: run.sh INCLUDE_DIR BUILD_DIR}
B=${2:?usage: run.sh INCLUDE_DIR BUILD_DIR}
mkdir -p "$B"
. "$here/../checks.sh"
CC="gcc -Wall -Wextra -Werror -std=gnu11 -I$INC -fPIC -shared"

compiles() { # compiles NAME ARGS...: the plugin builds
	local name=$1
	shift
	if $CC "$@" "$here/target.c" -o "$B/$name.so" 2>"$B/$name.err"; then ok "$name"; else ko "$name" "$B/$name.err"; fi
}
fails() { # fails NAME PATTERN ARGS...: the plugin does not build, for the reason PATTERN says
	local name=$1 pattern=$2
	shift 2
	if $CC "$@" "$here/target.c" -o "$B/$name.so" 2>"$B/$name.err"; then
		ko "$name (it compiled)"
	elif grep -Eq -- "$pattern" "$B/$name.err"; then
		ok "$name"
	else
		ko "$name (no error matching $pattern)" "$B/$name.err"
	fi
}

compiles "CRIU 3.17.1: 10 hooks" -DCRIU_PLUGIN_TARGET=31701 -DWANT_MAX=10 -DRESTORE_FILE_OLD -DUSE_HOOK=RESUME_DEVICES_LATE
fails "CRIU 3.17.1 has no PAUSE_DEVICES" "CR_PLUGIN_HOOK__PAUSE_DEVICES.*undeclared" -DCRIU_PLUGIN_TARGET=31701 -DWANT_MAX=10 -DUSE_HOOK=PAUSE_DEVICES
compiles "CRIU 4.0: 12 hooks" -DCRIU_PLUGIN_TARGET=40000 -DWANT_MAX=12 -DUSE_HOOK=CHECKPOINT_DEVICES
compiles "CRIU 4.1.1: 12 hooks, RESTORE_EXT_FILE(int id)" -DCRIU_PLUGIN_TARGET=40101 -DWANT_MAX=12 -DRESTORE_FILE_OLD
fails "CRIU 4.1.1 has no POST_FORKING" "CR_PLUGIN_HOOK__POST_FORKING.*undeclared" -DCRIU_PLUGIN_TARGET=40101 -DWANT_MAX=12 -DUSE_HOOK=POST_FORKING
fails "CRIU 4.1.1's RESTORE_EXT_FILE has one argument" "conflicting types for .restore_file" -DCRIU_PLUGIN_TARGET=40101 -DWANT_MAX=12 -DRESTORE_FILE_NEW
compiles "CRIU 4.2.1: 13 hooks" -DCRIU_PLUGIN_TARGET=40201 -DWANT_MAX=13 -DRESTORE_FILE_OLD -DUSE_HOOK=POST_FORKING
fails "CRIU 4.2.1 has no RESTORE_INIT" "CR_PLUGIN_HOOK__RESTORE_INIT.*undeclared" -DCRIU_PLUGIN_TARGET=40201 -DWANT_MAX=13 -DUSE_HOOK=RESTORE_INIT
compiles "no target: every hook, RESTORE_EXT_FILE(int id, bool *)" -DWANT_MAX=15 -DRESTORE_FILE_NEW -DUSE_HOOK=DUMP_DEVICES_LATE
fails "no target: RESTORE_EXT_FILE has two arguments" "conflicting types for .restore_file" -DWANT_MAX=15 -DRESTORE_FILE_OLD

# The host header describes the library's lists and refuses a target.
printf '#include "criu-plugin-host.h"\nint x;\n' >"$B/host-target.c"
if gcc -Wall -Wextra -Werror -I"$INC" -DCRIU_PLUGIN_TARGET=40101 -c "$B/host-target.c" -o "$B/host-target.o" 2>"$B/host-target.err"; then
	ko "criu-plugin-host.h refuses CRIU_PLUGIN_TARGET (it compiled)"
elif grep -q 'do not set CRIU_PLUGIN_TARGET' "$B/host-target.err"; then
	ok "criu-plugin-host.h refuses CRIU_PLUGIN_TARGET"
else
	ko "criu-plugin-host.h refuses CRIU_PLUGIN_TARGET (other error)" "$B/host-target.err"
fi

echo "target: $pass passed, $fail failed"
[ "$fail" = 0 ]
