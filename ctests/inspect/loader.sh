#!/bin/bash
# criu-plugin-inspect against the loader itself: the trust walk (a folder
# on the path to the plugin folder, the path to a linked plugin's target),
# the skip list (CRIU_PLUGIN_SKIP, --skip, --images), names that are not
# UTF-8, and a truncated object that is not a shared object. Each verdict
# of the tool is checked, and where the loader says something, the tool
# must say the same sentence: a host built against the library (the
# loader, ctests/beyond/host.c) runs on the same folder.
# The trust walk and the secure-execution mode need root (chown to uid
# 65534, setcap); without it they are not run, and say so.
# Usage: loader.sh TOOL LIBDIR (the tool; the folder of libcriu-plugin.so)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
. "$here/lib.sh"
TOOL=$(absfile "${1:?usage: loader.sh TOOL LIBDIR}") || exit 2
LIBDIR=$(absdir "${2:?usage: loader.sh TOOL LIBDIR}") || exit 2
# Everything lives under a fresh folder of /tmp (0755, root's or the
# user's, under the sticky /tmp), so the trust walk does not depend on where
# the repository is.
T=$(mktemp -d /tmp/inspect-loader.XXXXXX)
chmod 0755 "$T"
trap 'rm -rf "$T"' EXIT
suite "inspect vs loader" "$T/build"

# json_print FILE EXPR: prints EXPR (d = the parsed JSON, P its plugins)
json_print() {
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
P = {p['file']: p for p in d.get('plugins', [])}
print($2)
" "$1"
}
# inspect OUT [ENV=VALUE...] -- ARGS...: the tool, bounded in time; stdout
# in OUT, stderr in OUT.err; returns its exit status.
inspect() {
	local out=$1
	shift
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	timeout 120 env "${envs[@]}" "$TOOL" --timeout 30 "$@" >"$out" 2>"$out.err"
}
# loader OUT DIR [ENV=VALUE...] -- [ARGS...]: the loader on DIR
# (CRIU_LIBS_DIR), bounded in time; what it logs and what loaded, in OUT.
loader() {
	local out=$1 dir=$2
	shift 2
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	timeout 60 env "${envs[@]}" CRIU_LIBS_DIR="$dir" "$B/host" "$@" >"$out" 2>&1
	echo "rc=$?" >>"$out"
}
# said OUT: the loader's warnings and errors, without their level and
# source location.
said() { sed -n 's/^\[[12]\] [A-Za-z]* *([^)]*): //p' "$1"; }
# same NAME SENTENCE OUT: the loader said SENTENCE, word for word.
same() {
	said "$3" >"$3.said"
	if [ -n "$2" ] && grep -Fxq -- "$2" "$3.said"; then
		ok "$1"
	else
		echo "    | the tool: $2"
		ko "$1 (the loader said otherwise)" "$3.said"
	fi
}
marked() { # marked OUT NAME MARKER: a plugin called NAME whose constructor writes MARKER
	shared "$1" desc.c -DNAME="\"$2\"" -DMARKER="\"$3\""
}
build "$B/host" -rdynamic "$here/../beyond/host.c" -L"$LIBDIR" -lcriu-plugin -Wl,-rpath,"$LIBDIR"
build "$B/mkinv" "$here/mkinv.c"

# 1. A folder on the path to the plugin folder is owned by uid 65534.
if needs_root "the trust walk: folders of uid 65534 on the path (chown)"; then
	O=$T/owned
	F=$O/plugins
	mkdir -p "$F" "$O/lib"
	marked "$F/a.so" folder-plugin "$T/opened-folder"
	chown 65534 "$O"
	want="Plugin folder $F: folder $O on its path is owned by uid 65534, neither root nor the effective user 0"
	inspect "$B/owned.out" -- "$F"
	status "a folder owned by uid 65534 on the path to the plugin folder (warning only)" 0 $?
	expect "it is warned about in the loader's words" "$B/owned.out" "^warning: $(printf '%s' "$want" | sed 's/[.[\*^$()+?{|]/\\&/g')$"
	expect_block "its plugin is untrusted: not loaded by the tool" "$B/owned.out" a.so \
		'^   status +not-loaded' '^   name +folder-plugin$'
	if [ -e "$T/opened-folder" ]; then ko "the plugin under the untrusted path was not opened"; else ok "the plugin under the untrusted path was not opened"; fi
	inspect "$B/owned.json" -- --json "$F"
	status "the same, --json" 0 $?
	check_json "JSON: the warning, no folder error" "$B/owned.json" "
assert d['warnings'] == ['$want'], d['warnings']
assert d['folder_error'] is None and d['exit_status'] == 0
assert P['a.so']['status'] == 'not-loaded'"
	loader "$B/owned.loader" "$F" --
	same "the loader warns in the same words" "$want" "$B/owned.loader"
	expect "the loader still loads it (a warning only)" "$B/owned.loader" '^init=0$' '^loaded folder-plugin dlopen$'
	rm -f "$T/opened-folder"

	inspect "$B/owned-strict.out" -- --strict "$F"
	status "the same folder, --strict: refused" 1 $?
	expect "the refusal is on stderr" "$B/owned-strict.out.err" \
		"^criu-plugin-inspect: Refusing plugin folder $F: Plugin folder $F: folder $O on its path is owned by uid 65534, .* \(strict mode\)$"
	expect "the verdict names the folder" "$B/owned-strict.out" 'would fail on the folder itself'
	inspect "$B/owned-strict.json" CRIU_PLUGIN_STRICT=1 -- --json "$F"
	status "the same folder, CRIU_PLUGIN_STRICT=1, --json" 1 $?
	check_json "JSON: the folder's refusal" "$B/owned-strict.json" "
assert d['folder_error'] == 'Refusing plugin folder $F: $want (strict mode)', d['folder_error']
assert d['strict'] is True and d['exit_status'] == 1 and d['warnings'] == []"
	loader "$B/owned-strict.loader" "$F" -- strict
	same "the loader refuses it in the same words" "$(json_print "$B/owned-strict.json" "d['folder_error']")" "$B/owned-strict.loader"
	expect "the loader's init fails" "$B/owned-strict.loader" '^init=-1$'

	# 2. A plugin file that is a symbolic link into a folder owned by 65534;
	# another into a trusted folder.
	L=$T/links
	R=$T/trusted
	mkdir -p "$L" "$R"
	marked "$O/lib/linked.so" linked "$T/opened-linked"
	marked "$R/plain.so" plain "$T/opened-plain"
	ln -s "$O/lib/linked.so" "$L/a_linked.so"
	ln -s "$R/plain.so" "$L/b_plain.so"
	want="Plugin file $L/a_linked.so: folder $O on the path to its target is owned by uid 65534, neither root nor the effective user 0"
	inspect "$B/link.out" -- "$L"
	status "a linked plugin whose target lies under a folder of uid 65534 (warning only)" 0 $?
	expect_block "it is warned about in the loader's words, and not loaded" "$B/link.out" a_linked.so \
		'^   status +not-loaded' "^   warning +$(printf '%s' "$want" | sed 's/[.[\*^$()+?{|]/\\&/g')$" '^   name +linked$'
	expect_block "a link to a trusted target: no warning, loaded" "$B/link.out" b_plain.so '^   status +loads$' '^   name +plain$'
	reject "only the untrusted link is warned about" "$B/link.out.block" 'warning'
	if [ -e "$T/opened-linked" ]; then ko "the untrusted link's target was not opened"; else ok "the untrusted link's target was not opened"; fi
	if [ -e "$T/opened-plain" ]; then ok "the trusted link's target was opened (by the tool's child)"; else ko "the trusted link's target was opened"; fi
	rm -f "$T"/opened-*
	inspect "$B/link.json" -- --json "$L"
	check_json "JSON: the link's warning" "$B/link.json" "
assert P['a_linked.so']['warnings'] == ['$want'], P['a_linked.so']['warnings']
assert P['a_linked.so']['status'] == 'not-loaded' and P['b_plain.so']['warnings'] == []
assert d['warnings'] == []"
	loader "$B/link.loader" "$L" --
	same "the loader warns about the link in the same words" "$want" "$B/link.loader"
	expect "the loader loads both (warnings only)" "$B/link.loader" '^init=0$' '^loaded linked dlopen$' '^loaded plain dlopen$'
	inspect "$B/link-untrusted.json" -- --json --load-untrusted "$L"
	check_json "--load-untrusted: the link loads, still warned about" "$B/link-untrusted.json" "
assert P['a_linked.so']['status'] == 'loads' and P['a_linked.so']['loaded'] is True
assert P['a_linked.so']['warnings'] == ['$want']"
	rm -f "$T"/opened-*
	inspect "$B/link-strict.out" -- --strict "$L"
	status "the linked plugin, --strict: refused" 1 $?
	expect_block "strict mode refuses the link, with the loader's sentence" "$B/link-strict.out" a_linked.so \
		"^   status +refused: $(printf '%s' "$want" | sed 's/[.[\*^$()+?{|]/\\&/g') \(strict mode\)$"
	expect_block "the trusted link still loads in strict mode" "$B/link-strict.out" b_plain.so '^   status +loads$'
	inspect "$B/link-strict.json" -- --json --strict "$L"
	loader "$B/link-strict.loader" "$L" -- strict
	same "the loader refuses the link in the same words" \
		"Refusing plugin $L/a_linked.so: $(json_print "$B/link-strict.json" "P['a_linked.so']['reason']")" "$B/link-strict.loader"
	expect "the loader's init fails" "$B/link-strict.loader" '^init=-1$'
fi

# 3. The skip list: by plugin name, by file name, --skip, names that
# match nothing. The skipped plugins' constructors write markers: the tool
# must not run them (and the others' markers show it runs theirs).
S=$T/skip
mkdir -p "$S"
marked "$S/10-amd.so" amdgpu_plugin "$T/opened-amd"
marked "$S/20-cuda.so" cuda_plugin "$T/opened-cuda"
shared "$S/30-old.so" legacy.c -DMARKER="\"$T/init-legacy\""
inspect "$B/skip-name.out" CRIU_PLUGIN_SKIP=amdgpu_plugin -- "$S"
status "CRIU_PLUGIN_SKIP by plugin name" 0 $?
expect "the skip list is shown" "$B/skip-name.out" '^Skip list: amdgpu_plugin \(from CRIU_PLUGIN_SKIP\)$'
expect_block "a plugin named by its plugin name is skipped" "$B/skip-name.out" 10-amd.so \
	'^   status +skipped: named in CRIU_PLUGIN_SKIP; the loader never opens it$' '^   name +amdgpu_plugin$'
expect_block "the others load" "$B/skip-name.out" 20-cuda.so '^   status +loads$'
expect "the summary counts it" "$B/skip-name.out" '^Summary: 3 candidate files: 2 load, 1 skipped\.$'
reject "no warning: the name matched" "$B/skip-name.out" '^warning:'
if [ -e "$T/opened-amd" ]; then ko "the skipped plugin's constructor did not run" "$T/opened-amd"; else ok "the skipped plugin's constructor did not run"; fi
if [ -e "$T/opened-cuda" ]; then ok "the other plugin's constructor ran (in the tool's child)"; else ko "the other plugin's constructor ran"; fi
rm -f "$T"/opened-*
inspect "$B/skip-name.json" CRIU_PLUGIN_SKIP=amdgpu_plugin -- --json "$S"
status "CRIU_PLUGIN_SKIP by plugin name, --json" 0 $?
check_json "JSON: the status, the summary, the list" "$B/skip-name.json" "
p = P['10-amd.so']
assert p['status'] == 'skipped' and p['reason'] is None and p['loaded'] is False, p
assert p['name'] == 'amdgpu_plugin' and p['kind'] == 'descriptor'
assert d['summary']['skipped'] == 1 and d['summary']['loads'] == 2 and d['exit_status'] == 0, d['summary']
assert d['skip'] == {'source': 'CRIU_PLUGIN_SKIP', 'names': ['amdgpu_plugin']}, d['skip']
assert d['first_refused'] is None"
if [ -e "$T/opened-amd" ]; then ko "--json: the skipped constructor did not run"; else ok "--json: the skipped constructor did not run"; fi
rm -f "$T"/opened-*
loader "$B/skip-name.loader" "$S" CRIU_PLUGIN_SKIP=amdgpu_plugin --
expect "the loader skips the same plugin" "$B/skip-name.loader" \
	"^\[3\] Skipping plugin $S/10-amd\.so \(\"amdgpu_plugin\"\): named in CRIU_PLUGIN_SKIP$" '^init=0$' \
	'^loaded cuda_plugin dlopen$' "^loaded $S/30-old\.so dlopen$"
reject "the loader does not load it" "$B/skip-name.loader" '^loaded amdgpu_plugin'
rm -f "$T"/opened-* "$T/init-legacy"

inspect "$B/skip-file.out" "CRIU_PLUGIN_SKIP= 20-cuda.so ,$S/30-old.so" -- "$S"
status "CRIU_PLUGIN_SKIP by file name, and a legacy plugin by its path" 0 $?
expect_block "a plugin named by its file name is skipped" "$B/skip-file.out" 20-cuda.so \
	'^   status +skipped: named in CRIU_PLUGIN_SKIP' '^   name +cuda_plugin$'
expect_block "a legacy plugin named by its path (its plugin name) is skipped" "$B/skip-file.out" 30-old.so \
	'^   status +skipped: named in CRIU_PLUGIN_SKIP' '^   kind +legacy$'
expect_block "the other loads" "$B/skip-file.out" 10-amd.so '^   status +loads$'
if [ -e "$T/opened-cuda" ]; then ko "the plugin skipped by file name was not opened"; else ok "the plugin skipped by file name was not opened"; fi
rm -f "$T"/opened-*

inspect "$B/skip-opt.out" CRIU_PLUGIN_SKIP=10-amd.so -- --skip ' 20-cuda.so , nvidia_plugin' "$S"
status "--skip, which overrides CRIU_PLUGIN_SKIP" 0 $?
expect "--skip is the list applied" "$B/skip-opt.out" '^Skip list: 20-cuda\.so, nvidia_plugin \(from --skip\)$'
expect_block "--skip skips the plugin it names" "$B/skip-opt.out" 20-cuda.so '^   status +skipped: named in --skip; the loader never opens it$'
expect_block "the variable is not used then" "$B/skip-opt.out" 10-amd.so '^   status +loads$'
expect "--skip: a name that matches no plugin is warned about" "$B/skip-opt.out" \
	"^warning: --skip names \"nvidia_plugin\", which is no plugin in $S$"
if [ -e "$T/opened-cuda" ]; then ko "--skip: the skipped plugin was not opened"; else ok "--skip: the skipped plugin was not opened"; fi
rm -f "$T"/opened-*
inspect "$B/skip-none.out" CRIU_PLUGIN_SKIP=amdgpu_plugin -- --skip= "$S"
status "--skip= (empty) skips nothing" 0 $?
reject "--skip= overrides the variable with an empty list" "$B/skip-none.out" 'skipped|^Skip list'
rm -f "$T"/opened-*

inspect "$B/skip-unmatched.json" CRIU_PLUGIN_SKIP=nvidia_plugin,cuda_plugin -- --json "$S"
status "a name that matches nothing (warning only)" 0 $?
want="CRIU_PLUGIN_SKIP names \"nvidia_plugin\", which is no plugin in $S"
check_json "JSON: the unmatched name is warned about, the other skips" "$B/skip-unmatched.json" "
assert d['warnings'] == ['CRIU_PLUGIN_SKIP names \"nvidia_plugin\", which is no plugin in $S'], d['warnings']
assert P['20-cuda.so']['status'] == 'skipped' and P['10-amd.so']['status'] == 'loads'"
loader "$B/skip-unmatched.loader" "$S" CRIU_PLUGIN_SKIP=nvidia_plugin,cuda_plugin --
same "the loader warns about the unmatched name in the same words" "$want" "$B/skip-unmatched.loader"
inspect "$B/skip-lone.out" CRIU_PLUGIN_SKIP=nvidia_plugin -- "$S/10-amd.so"
status "a FILE alone with a skip list" 0 $?
reject "a FILE alone cannot tell which names match its folder: no warning" "$B/skip-lone.out" '^warning:'
rm -f "$T"/opened-*

# In secure-execution mode (file capabilities, as another user) the
# variable is ignored with the loader's warning; --skip still applies.
if needs_root "secure-execution mode: CRIU_PLUGIN_SKIP ignored with a file capability (setcap)"; then
	cp "$TOOL" "$B/tool-cap"
	chmod -R a+rX "$T"
	if setcap cap_net_bind_service+ep "$B/tool-cap" 2>"$B/setcap.err"; then
		secure() { # secure OUT ARGS...: the tool with a capability, as uid 65534
			local out=$1
			shift
			timeout 120 env CRIU_PLUGIN_SKIP=amdgpu_plugin setpriv --reuid=65534 --regid=65534 --clear-groups \
				"$B/tool-cap" --timeout 30 "$@" >"$out" 2>"$out.err"
		}
		secure "$B/secure.json" --json "$S"
		status "secure-execution mode" 0 $?
		check_json "secure-execution mode: CRIU_PLUGIN_SKIP is ignored, with the loader's warning" "$B/secure.json" "
assert d['warnings'] == ['Ignoring CRIU_PLUGIN_SKIP=amdgpu_plugin in secure-execution mode (set-user-ID or file capabilities)'], d['warnings']
assert d['skip'] is None and P['10-amd.so']['status'] == 'loads', P['10-amd.so']"
		secure "$B/secure-opt.json" --json --skip amdgpu_plugin "$S"
		check_json "secure-execution mode: --skip still applies" "$B/secure-opt.json" "
assert d['warnings'] == [] and d['skip']['source'] == '--skip', d
assert P['10-amd.so']['status'] == 'skipped'"
	else
		ko "setcap failed: $(cat "$B/setcap.err")"
	fi
fi
rm -f "$T"/opened-* "$T/init-legacy"

# A skipped file never fails the inspection, and takes no name.
K=$T/skip-refused
mkdir -p "$K"
shared "$K/10-new.so" desc.c -DNAME='"too-new"' -DVERSION='CRIU_PLUGIN_GEN_VERSION(0, 3, 0)'
shared "$K/20-twin.so" desc.c -DNAME='"twin"'
shared "$K/30-twin.so" desc.c -DNAME='"twin"'
inspect "$B/refused.out" -- "$K"
status "a refused plugin and two alternatives, nothing skipped" 1 $?
expect_block "the second twin is the first one's alternative" "$B/refused.out" 30-twin.so \
	"^   status +alternative: closed without its init while $K/20-twin\.so starts"
inspect "$B/refused-skip.out" CRIU_PLUGIN_SKIP=too-new,20-twin.so -- "$K"
status "the refused plugin and the first twin skipped" 0 $?
expect_block "the refused plugin is skipped, not refused" "$B/refused-skip.out" 10-new.so '^   status +skipped: named in CRIU_PLUGIN_SKIP'
expect_block "a skipped twin takes no name: the other loads" "$B/refused-skip.out" 30-twin.so '^   status +loads$'
reject "no alternative" "$B/refused-skip.out" 'alternative'

loader "$B/refused-skip.loader" "$K" CRIU_PLUGIN_SKIP=too-new,20-twin.so --
expect "the loader agrees: init passes, the second twin loads" "$B/refused-skip.loader" '^init=0$' '^loaded twin dlopen$'

# --images: a restore that needs a skipped plugin fails, as in CRIU.
I=$T/images
mkdir -p "$I"
"$B/mkinv" "$I/inventory.img" cuda_plugin || { echo "FAIL: mkinv"; exit 1; }
inspect "$B/images.out" -- --images "$I" "$S"
status "--images: the needed plugin is there" 0 $?
expect "it is provided" "$B/images.out" '^  cuda_plugin +provided by 20-cuda\.so \("cuda_plugin", loads\)$'
rm -f "$T"/opened-*
inspect "$B/images-skip.out" -- --skip cuda_plugin --images "$I" "$S"
status "--images: the needed plugin is skipped (--skip)" 1 $?
expect "it is missing, and said to be skipped" "$B/images-skip.out" \
	'^  cuda_plugin +missing: 20-cuda\.so would provide it, but it is skipped \(named in --skip\)$' \
	'^Missing required plugin: cuda_plugin$' '^The restore would fail at cr_plugin_init: 1 plugin the images need is missing\.$'
reject "a skipped plugin is not listed as loaded" "$B/images-skip.out" '^Loaded, but needed by no recorded name: .*20-cuda'
inspect "$B/images-skip.json" CRIU_PLUGIN_SKIP=cuda_plugin -- --json --images "$I" "$S"
status "--images: the needed plugin is skipped (CRIU_PLUGIN_SKIP), --json" 1 $?
check_json "JSON: missing, not provided, not unneeded" "$B/images-skip.json" "
assert d['missing'] == ['cuda_plugin'] and d['satisfied'] is False and d['exit_status'] == 1, d
assert d['needed'][0]['provided_by'] is None
assert not any(u.endswith('20-cuda.so') for u in d['unneeded']), d['unneeded']
assert {p['file']: p['status'] for p in d['inspection']['plugins']}['20-cuda.so'] == 'skipped'"
if [ -e "$T/opened-cuda" ]; then ko "--images: the skipped plugin was not opened"; else ok "--images: the skipped plugin was not opened"; fi
rm -f "$T"/opened-*

# 4. Names that are not UTF-8: written \xHH, as the loader writes them.
U=$T/$'utf\xfe'
mkdir -p "$U"
shared "$U/"$'bad\xff.so' desc.c -DNAME='"n\xff"'
shared "$U/b.so" desc.c -DNAME='"b"'
chmod 0666 "$U/b.so"
inspect "$B/utf.out" -- "$U"
status "a folder and names that are not UTF-8" 0 $?
expect "the folder is written with \\xHH" "$B/utf.out" '^Plugin folder: .*/utf\\xfe \(from command line\)$'
expect_block "the file name is written with \\xHH" "$B/utf.out" 'bad\xff.so' '^2\. bad\\xff\.so$' \
	'^   status +loads$' '^   name +n\\xff$'
expect_block "a path in a warning is written with \\xHH" "$B/utf.out" b.so \
	'^   warning +Plugin file .*/utf\\xfe/b\.so is writable by its group and others \(mode 0666\)$'
if LC_ALL=C grep -q $'\xef\xbf\xbd' "$B/utf.out"; then ko "no U+FFFD in the text" "$B/utf.out"; else ok "no U+FFFD in the text"; fi
if LC_ALL=C grep -q $'[\xfe\xff]' "$B/utf.out"; then ko "no raw invalid byte in the text" "$B/utf.out"; else ok "no raw invalid byte in the text"; fi
inspect "$B/utf.json" -- --json "$U"
check_json "JSON: names as the bytes, invalid UTF-8 replaced by U+FFFD; sentences escaped" "$B/utf.json" "
p = P['bad\ufffd.so']
assert p['name'] == 'n\ufffd' and p['path'].endswith('/utf\ufffd/bad\ufffd.so'), p
assert d['folder'].endswith('/utf\ufffd'), d['folder']
assert P['b.so']['warnings'][0].startswith('Plugin file ') and '/utf\\\\xfe/b.so is writable' in P['b.so']['warnings'][0], P['b.so']['warnings']"
loader "$B/utf.loader" "$U" --
same "the loader writes the warning in the same words" "$(block "$B/utf.out" b.so | sed -En 's/^   warning +//p')" "$B/utf.loader"

# 5. A truncated ELF file whose type is not a shared object (ET_EXEC): the
# loader calls it truncated, before dlopen, whatever its type.
X=$T/exec
mkdir -p "$X"
shared "$B/whole.so" desc.c -DNAME='"exec"'
cp "$B/whole.so" "$X/cut.so"
printf '\002\000' | dd of="$X/cut.so" bs=1 seek=16 conv=notrunc status=none
truncate -s 4000 "$X/cut.so"
inspect "$B/exec.out" -- "$X"
status "a truncated ET_EXEC file" 1 $?
expect_block "it is refused as truncated, as the loader refuses it" "$B/exec.out" cut.so \
	'^   status +refused: it is truncated: its loadable segments need [0-9]+ bytes, the file has 4000$' \
	'^   note +not loaded by the inspector: the loader refuses it before dlopen$'
reject "not as not a shared object" "$B/exec.out.block" 'shared object'
inspect "$B/exec.json" -- --json "$X"
loader "$B/exec.loader" "$X" --
same "the loader refuses it in the same words" "Refusing plugin $X/cut.so: $(json_print "$B/exec.json" "P['cut.so']['reason']")" "$B/exec.loader"
cp "$B/whole.so" "$X/cut.so"
printf '\002\000' | dd of="$X/cut.so" bs=1 seek=16 conv=notrunc status=none
inspect "$B/exec-whole.out" -- "$X"
status "the same ET_EXEC file whole" 1 $?
expect_block "whole, it is left to dlopen (not truncated)" "$B/exec-whole.out" cut.so \
	'^   status +refused: not a supported ELF file: not a shared object \(ET_DYN\) \(dlopen: '

# 6. The JSON fields printed here (the skip list's among them) are all
# documented in --help.
# (owned-strict.json only where the trust walk ran)
json_documented "$B/skip-name.json" "$B/images-skip.json" $([ -e "$B/owned-strict.json" ] && echo "$B/owned-strict.json")

summary
