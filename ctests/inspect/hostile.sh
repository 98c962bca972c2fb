#!/bin/bash
# Hostile files for criu-plugin-inspect: ELF headers cut short, a section
# header claiming 2^63 bytes, a 4 GiB sparse file, an 8-byte descriptor, a
# FIFO, a file name holding newlines. The tool must judge each (refused),
# exit 1, never crash or hang, stay within 1 GiB of address space, and
# escape names in its report.
# ctests/hostile/README.md lists every input.
# Usage: hostile.sh TOOL (the criu-plugin-inspect binary)
#   HOSTILE_INSPECT_TIMEOUT  seconds one run of the tool may take (default 60)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
TOOL=$(absfile "${1:?usage: hostile.sh TOOL}") || exit 2
TMO=${HOSTILE_INSPECT_TIMEOUT:-60}
SRC=$here/../hostile
suite inspect-hostile "$SRC/build-inspect"
AS_LIMIT=$((1 << 30))
# The folders live under a fresh folder of /tmp (root's or the user's, 0755),
# so the trust checks do not depend on where the repository is.
T=$(mktemp -d /tmp/hostile-inspect.XXXXXX)
chmod 0755 "$T"
trap 'rm -rf "$T"' EXIT
inputs=0

build "$B/elfpatch" "$SRC/elfpatch.c"
PLUGIN_C=$SRC/plugin.c plugin "$B/good.so" good
shared "$B/desc8.so" "$SRC/lying.c" -DLYING_EIGHT
cp "$B/good.so" "$B/rela.so"
"$B/elfpatch" "$B/rela.so" .rela.dyn 0x7fffffffffffffff >"$B/elfpatch.out" || {
	echo "FAIL: patching .rela.dyn"
	exit 1
}

NL=$'n\nFAKE loads\n.so'
NL_SHOWN='n\nFAKE loads\n.so'
# make_input DIR NAME: creates the hostile input NAME in DIR.
make_input() {
	case $2 in
	e4.so) printf '\177ELF' >"$1/$2" ;;
	e5.so) printf '\177ELF\002' >"$1/$2" ;;
	rela.so) cp "$B/rela.so" "$1/$2" ;;
	big.so) truncate -s 4G "$1/$2" ;;
	desc8.so) cp "$B/desc8.so" "$1/$2" ;;
	fifo.so) mkfifo "$1/$2" ;;
	"$NL") echo "not a shared object" >"$1/$2" ;;
	esac
}
INPUTS=(e4.so e5.so rela.so big.so desc8.so fifo.so "$NL")
describe() {
	case $1 in
	e4.so) echo "a 4-byte file holding \\x7fELF" ;;
	e5.so) echo "a 5-byte file holding \\x7fELF\\x02" ;;
	rela.so) echo "a good plugin whose .rela.dyn section header says sh_size 0x7fffffffffffffff" ;;
	big.so) echo "a 4 GiB sparse file of zeros" ;;
	desc8.so) echo "a plugin whose CR_PLUGIN_DESC is an 8-byte object" ;;
	fifo.so) echo "a FIFO" ;;
	*) echo "a non-ELF file named \$'$NL_SHOWN'" ;;
	esac
}
# shown NAME: the name as the report writes it.
shown() { if [ "$1" = "$NL" ]; then echo "$NL_SHOWN"; else echo "$1"; fi; }

# inspect OUT ARGS...: the tool, bounded in time and address space; its
# stdout in OUT, stderr in OUT.err, exit status in OUT.rc.
inspect() {
	local out=$1
	shift
	timeout -k 5 "$TMO" prlimit --as=$AS_LIMIT "$TOOL" --timeout 5 "$@" >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}
# exit_one NAME OUT [WANT]: the tool exited WANT (default 1: a file
# refused), not crashed or hung.
exit_one() {
	local rc want=${3:-1}
	rc=$(cat "$2.rc")
	case $rc in
	"$want") ok "$1: exit status $want" ;;
	124 | 137) ko "$1: still running after ${TMO}s (stopped by timeout)" "$2.err" ;;
	101) ko "$1: exit status 101 (a Rust panic)" "$2.err" ;;
	*) if [ "$rc" -gt 128 ]; then
		ko "$1: killed by signal $((rc - 128)) (SIG$(kill -l $((rc - 128))))" "$2.err"
	else
		ko "$1: exit status $rc, expected $want" "$2.err"
	fi ;;
	esac
}
# block OUT NAME: the text block of the file shown as NAME.
block() {
	F=$2 awk 'match($0, /^[0-9]+\. /) { on = (substr($0, RLENGTH + 1) == ENVIRON["F"]) }
		on && /^$/ { exit } on' "$1"
}
# blockfile FILE: where verdict keeps FILE's block.
blockfile() { printf '%s/block.%s' "$B" "$(printf '%s' "$1" | tr -c 'a-zA-Z0-9.' _)"; }
# verdict NAME OUT FILE PATTERN...: FILE's block exists and the patterns
# match lines of it.
verdict() {
	local name=$1 out=$2 f=$3 sb
	shift 3
	sb=$(blockfile "$f")
	block "$out" "$(shown "$f")" >"$sb"
	if [ ! -s "$sb" ]; then
		ko "$name (no block for $(shown "$f"))" "$out"
		return
	fi
	expect "$name" "$sb" "$@"
}
# notin NAME OUT FILE PATTERN: FILE's block exists and no line of it matches.
notin() {
	local sb
	sb=$(blockfile "$3")
	block "$2" "$(shown "$3")" >"$sb"
	if [ ! -s "$sb" ]; then
		ko "$1 (no block for $(shown "$3"))" "$2"
		return
	fi
	reject "$1" "$sb" "$4"
}
# judge_text OUT WHAT FILE...: each FILE of the report is refused, as it
# should be; but rela.so, whose section headers dlopen never reads, loads
# alone (and beside good.so is its alternative, a second plugin "good").
judge_text() {
	local out=$1 what=$2 f
	shift 2
	for f in "$@"; do
		if [ "$f" = rela.so ] && [ "$what" = alone ]; then
			verdict "rela.so: loads, its section headers unread ($what)" "$out" "$f" '^   status +loads$' '^   name +good$'
			continue
		fi
		if [ "$f" = rela.so ]; then
			verdict "rela.so: an alternative of the \"good\" that starts ($what)" "$out" "$f" \
				'^   status +alternative: closed without its init while .*good\.so starts' '^   name +good$'
			continue
		fi
		verdict "$(shown "$f"): refused ($what)" "$out" "$f" '^   status +refused'
		case $f in
		desc8.so) notin "desc8.so is not reported as loading ($what)" "$out" "$f" '^   status +loads' ;;
		fifo.so)
			verdict "the FIFO is refused as not a regular file ($what)" "$out" "$f" \
				'^   status +refused: it is a FIFO, not a regular file$'
			notin "the FIFO is not reported as hanging ($what)" "$out" "$f" 'still running'
			;;
		esac
	done
	reject "no line of the report is or begins with 'FAKE loads' ($what)" "$out" '^FAKE loads'
}

# 1. Each hostile file alone in a folder.
for f in "${INPUTS[@]}"; do
	inputs=$((inputs + 1))
	echo "input $inputs: $(describe "$f")"
	d=$T/one-$inputs
	mkdir -p "$d"
	make_input "$d" "$f"
	out=$B/one-$inputs.out
	inspect "$out" "$d"
	if [ "$f" = rela.so ]; then exit_one "rela.so alone" "$out" 0; else exit_one "$(shown "$f") alone" "$out"; fi
	judge_text "$out" alone "$f"
done

# 2. All of them in one folder, with a good plugin.
A=$T/all
mkdir -p "$A"
for f in "${INPUTS[@]}"; do make_input "$A" "$f"; done
cp "$B/good.so" "$A/good.so"
start=$(date +%s)
inspect "$B/all.out" "$A"
elapsed=$(($(date +%s) - start))
exit_one "the whole folder" "$B/all.out"
echo "the whole folder took ${elapsed}s"
judge_text "$B/all.out" "whole folder" "${INPUTS[@]}"
verdict "the good plugin beside them loads" "$B/all.out" good.so '^   status +loads$' '^   name +good$'
expect "the newline file name is shown escaped" "$B/all.out" "^[0-9]+\. n\\\\nFAKE loads\\\\n\\.so$"

# 3. The same folder as JSON.
inspect "$B/all.json" --json "$A"
exit_one "the whole folder, --json" "$B/all.json"
reject "no line of the JSON is or begins with 'FAKE loads'" "$B/all.json" '^FAKE loads'
expect "JSON: the newline file name is escaped" "$B/all.json" '"n\\nFAKE loads\\n\.so"'
for f in "${INPUTS[@]}"; do
	# The object of each file names it, then (in some field) says refused
	# (rela.so, a second plugin "good": its alternative).
	want=refused
	[ "$f" = rela.so ] && want=alternative
	if F=$(shown "$f") W=$want awk 'index($0, "\"file\": \"" ENVIRON["F"] "\"") { on = 1 }
		on && index($0, "\"status\": \"" ENVIRON["W"] "\"") { found = 1; exit }
		on && /"status": *"/ { exit } END { exit !found }' "$B/all.json"; then
		ok "JSON: $(shown "$f") is $want (grep)"
	else
		ko "JSON: $(shown "$f") is $want (grep)" "$B/all.json"
	fi
done
PY=/usr/bin/python3
if [ -x "$PY" ]; then
	if err=$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
P = {p["file"]: p for p in d["plugins"]}
names = sys.argv[2:]
for n in names:
    assert n in P, "no entry for %r (have %r)" % (n, sorted(P))
    want = "alternative" if n == "rela.so" else "refused"
    assert P[n]["status"] == want, "%r: %r" % (n, P[n]["status"])
assert P["rela.so"]["duplicate_of"] == P["good.so"]["path"], P["rela.so"]["duplicate_of"]
assert P["fifo.so"]["reason"] == "it is a FIFO, not a regular file", P["fifo.so"]["reason"]
assert P["good.so"]["status"] == "loads", P["good.so"]["status"]
assert d["exit_status"] == 1, d["exit_status"]
' "$B/all.json" "${INPUTS[@]}" 2>&1); then
		ok "JSON parses (python3): every hostile file refused (rela.so an alternative of good.so), the FIFO in the loader's words, the good plugin loads"
	else
		ko "JSON (python3): $(echo "$err" | tail -1)" "$B/all.json"
	fi
else
	echo "NOTE: $PY is missing: the JSON was checked with grep only"
fi

# 4. A plugin whose unused import's PLT relocation names a symbol far
# outside its symbol table: the loader loads it (the dynamic linker follows
# the index only at the first call, and the loader's import check reads
# only inside the file's segments), so the tool says it loads, as the
# loader would, and its child does not crash reading it.
inputs=$((inputs + 1))
echo "input $inputs: a plugin whose unused import's PLT relocation names symbol 0x7ffffff0"
mkdir -p "$T/badplt"
shared "$T/badplt/badplt.so" "$SRC/unused_import.c"
if "$B/elfpatch" "$T/badplt/badplt.so" --plt atoi 0x7ffffff0 >"$B/elfpatch-plt.out" 2>&1; then
	inspect "$B/badplt.out" "$T/badplt"
	exit_one "the bogus PLT symbol index" "$B/badplt.out" 0
	verdict "the bogus PLT symbol index: loads, as with the loader" "$B/badplt.out" badplt.so \
		'^   status +loads$' '^   name +unused-import$'
	notin "the bogus PLT symbol index: no crash reported" "$B/badplt.out" badplt.so 'crashed|signal'
else
	ko "elfpatch could not patch the plugin" "$B/elfpatch-plt.out"
fi

echo "inspect-hostile: tried $inputs distinct bad inputs"
summary
