# Helpers shared by the criu-plugin-inspect suites (run.sh, images.sh,
# loader.sh). Source it after ../checks.sh; $B is the suite's build folder.

# status NAME WANT GOT: the exit status was WANT
status() {
	if [ "$2" = "$3" ]; then ok "$1: exit status $3"; else ko "$1: exit status $3, expected $2"; fi
}
# empty NAME FILE: FILE is empty
empty() { if [ -s "$2" ]; then ko "$1" "$2"; else ok "$1"; fi; }
# block OUT FILE: the text block of FILE (from "N. FILE" to the blank line),
# FILE as the text writes it (escaped), taken as it is
block() {
	F=$2 awk '$0 ~ "^[0-9]+\\. " && $2 == ENVIRON["F"] { on = 1 } on && /^$/ { exit } on' "$1"
}
# expect_block NAME OUT FILE PATTERN...: patterns match lines of FILE's block
expect_block() {
	local name=$1 out=$2 file=$3
	shift 3
	block "$out" "$file" >"$out.block"
	if [ ! -s "$out.block" ]; then
		ko "$name (no block for $file)" "$out"
		return
	fi
	expect "$name" "$out.block" "$@"
}
# check_json NAME FILE PYTHON: runs PYTHON with d = the parsed JSON and P
# its plugins by file name; a failed assertion, or JSON that does not
# parse, fails the case.
check_json() {
	local name=$1 file=$2 code=$3 err
	if err=$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
P = {p['file']: p for p in d.get('plugins', [])}
$code
" "$file" 2>&1); then
		ok "$name"
	else
		ko "$name: $(echo "$err" | tail -1)" "$file"
	fi
}
# json_documented [--schema] FILE... : every key of each JSON FILE is
# documented in the tool's --help (its "JSON (--json)" section); with
# --schema, each also says schema 1
json_documented() {
	local j schema=
	if [ "$1" = --schema ]; then
		schema="assert d['schema'] == 1"
		shift
	fi
	bounded "$TOOL" --help >"$B/help.txt"
	for j in "$@"; do
		check_json "JSON fields of $(basename "$j") are all documented in --help" "$j" "
import re
help = open('$B/help.txt').read()
section = help[help.index('\nJSON (--json)\n'):help.index('\nExit status\n')]
documented = set(re.findall(r'\"([a-z_]+)\"', section))
def keys(v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from keys(x)
    elif isinstance(v, list):
        for x in v:
            yield from keys(x)
missing = sorted(set(keys(d)) - documented)
assert not missing, missing
$schema"
	done
}
