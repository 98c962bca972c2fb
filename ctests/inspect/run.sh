#!/bin/bash
# Tests of criu-plugin-inspect on folders of good and bad C plugins: the text
# and JSON output, the exit status, the default folder, the trust checks,
# and that no plugin's init is ever called.
# Usage: run.sh TOOL (the criu-plugin-inspect binary)
set -u
here=$(cd "$(dirname "$0")" && pwd)
TOOL=${1:?usage: run.sh TOOL}
TOOL=$(cd "$(dirname "$TOOL")" && pwd)/$(basename "$TOOL")
B=$here/build
CFLAGS="-Wall -Wextra -Werror -I$here/../../include -shared -fPIC"
umask 022
rm -rf "$B" && mkdir -p "$B"
unset CRIU_LIBS_DIR CRIU_PLUGIN_STRICT
. "$here/../checks.sh"
. "$here/lib.sh"
plugin() { # plugin OUT SOURCE [CFLAGS...]
	local out=$1 src=$2
	shift 2
	gcc $CFLAGS "$@" "$here/$src" -o "$out" || { echo "FAIL: building $out"; exit 1; }
}

# The mixed folder, files created in reverse load order.
M=$B/mixed
mkdir -p "$M"
mkdir "$M/z_dir.so"
plugin "$M/k_needs_fn.so" needs_criu.c -DONLY_FUNCTION -DNAME='"needs-fn"'
plugin "$M/j_exits.so" exits.c
plugin "$M/i_twin2.so" desc.c -DNAME='"twin"'
plugin "$M/h_twin1.so" desc.c -DNAME='"twin"'
plugin "$M/g_needs_criu.so" needs_criu.c
plugin "$M/f_crash.so" crash.c
echo "this is not a shared object" >"$M/e_not_elf.so"
plugin "$M/d_max20.so" desc.c -DNAME='"max20"' -DMAX_HOOKS=20
plugin "$M/c_too_new.so" desc.c -DNAME='"too-new"' -DVERSION='CRIU_PLUGIN_GEN_VERSION(0, 3, 0)'
plugin "$M/b_legacy.so" legacy.c -DMARKER="\"$B/marker-legacy\""
plugin "$M/a_good.so" good.c -DMARKER="\"$B/marker-good\""
echo "not a plugin: the name does not end in .so" >"$M/README"
cp "$M/a_good.so" "$M/a_good.so.1"

# 1. --help, --version and usage errors.
"$TOOL" --help >"$B/help.out" 2>&1
status "--help" 0 $?
expect "--help names every option, the default folder, the columns and the exit statuses" "$B/help.out" \
	'^Usage: criu-plugin-inspect ' '--json' '--strict' '--load-untrusted' '--timeout SECONDS' \
	'-h, --help' '-V, --version' 'CRIU_LIBS_DIR' 'default folder' 'CRIU_PLUGIN_STRICT' \
	'^  status ' '^  name ' '^  kind ' '^  version ' '^  max_hooks ' '^  hooks ' '^  init, exit ' '^  needs ' \
	'^  warning ' '^Exit status' '^  0  ' '^  1  ' '^  2  usage error' 'needs-host' 'not-loaded' 'refused'
default_dir=$(sed -n '/else the default folder, fixed when the library was built:$/{n;s/^ *//p}' "$B/help.out")
if [ -n "$default_dir" ]; then ok "--help shows the default folder ($default_dir)"; else ko "--help shows the default folder" "$B/help.out"; fi
"$TOOL" --version >"$B/version.out" 2>&1
status "--version" 0 $?
expect "--version prints the version" "$B/version.out" '^criu-plugin-inspect [0-9]+\.[0-9]+\.[0-9]+$'
for args in "--bogus" "$M $M" "--timeout" "--timeout soon $M" "--timeout=0 $M"; do
	# shellcheck disable=SC2086
	"$TOOL" $args >"$B/usage.out" 2>&1
	status "usage error ($args)" 2 $?
done
expect "a usage error says what is wrong and points to --help" "$B/usage.out" \
	'^criu-plugin-inspect: --timeout needs' "Try 'criu-plugin-inspect --help'"

# 2. The mixed folder, as text.
"$TOOL" "$M" >"$B/mixed.out" 2>"$B/mixed.err"
status "mixed folder" 1 $?
expect "header names the folder, its source and the loader's limits" "$B/mixed.out" \
	"^Plugin folder: $M \(from command line\)$" '^Loader: plugin versions up to 0\.2\.0, 15 hooks; strict mode off$'
expect_block "good plugin: loads, name, version, hooks registered by constructors, init not called" \
	"$B/mixed.out" a_good.so '^1\. a_good\.so$' '^   status +loads$' '^   name +good$' '^   kind +descriptor$' \
	'^   version +0\.2\.0$' '^   max_hooks +15$' '^   hooks +DUMP_UNIX_SK, POST_FORKING$' \
	'^   init +present \(not called\)$' '^   exit +present \(not called\)$'
expect_block "legacy plugin: loads, named by its path, 0.1.0, hooks from its symbols, a warning" \
	"$B/mixed.out" b_legacy.so '^   status +loads$' "^   name +$M/b_legacy\.so$" '^   kind +legacy$' \
	'^   version +0\.1\.0$' '^   hooks +DUMP_EXT_FILE, RESTORE_EXT_FILE$' '^   init +present \(not called\)$' \
	"^   warning +Generating dynamic descriptor for plugin .$M/b_legacy\.so.\. Won't work in next version of the program\. Please update your plugin\.$"
expect_block "version too new: refused with both versions" "$B/mixed.out" c_too_new.so \
	'^   status +refused: version 0\.3\.0 is newer than the supported 0\.2\.0$' '^   name +too-new$' '^   version +0\.3\.0$'
expect_block "max_hooks 20: refused with both numbers" "$B/mixed.out" d_max20.so \
	'^   status +refused: max_hooks 20 is more than the supported 15$' '^   name +max20$' '^   max_hooks +20$'
expect_block "not an ELF file: refused, with dlopen's error" "$B/mixed.out" e_not_elf.so \
	"^   status +refused: not an ELF file \(dlopen: $M/e_not_elf\.so: .+\)$"
expect_block "crash in a constructor: reported with the signal, name and version still shown" \
	"$B/mixed.out" f_crash.so '^   status +refused: crashed in its constructors: signal 11 \(SIGSEGV\)$' \
	'^   name +crash$' '^   version +0\.2\.0$'
expect_block "plugin needing CRIU's data and functions: needs-host, symbols named, descriptor read from the file" \
	"$B/mixed.out" g_needs_criu.so '^   status +needs-host' '^   needs +.*\bopts\b' '^   needs +.*\bprint_on_level\b' \
	'^   name +needs-criu$' '^   version +0\.2\.0$' '^   max_hooks +15$' \
	'^   hooks +DUMP_EXT_FILE \(from the file; hooks its constructors register are not known\)$' \
	'^   note +cannot be loaded outside CRIU \(dlopen: .*undefined symbol: opts\)'
expect_block "first of two plugins with the same name loads" "$B/mixed.out" h_twin1.so '^   status +loads$' '^   name +twin$'
expect_block "second of two plugins with the same name: its alternative, closed without its init" "$B/mixed.out" i_twin2.so \
	"^   status +alternative: closed without its init while $M/h_twin1\.so starts, unless that init fails \(the inspector calls no init\)$" \
	"^   alternatives +$M/h_twin1\.so \(expected to start\), $M/i_twin2\.so$"
expect_block "exit() in a constructor: refused with the status" "$B/mixed.out" j_exits.so \
	'^   status +refused: called exit\(3\) in its constructors' '^   name +exits$'
expect_block "plugin needing only a CRIU function: loads lazily, hooks known, symbol named" "$B/mixed.out" \
	k_needs_fn.so '^   status +needs-host' '^   needs +print_on_level$' '^   hooks +DUMP_EXT_FILE, RESTORE_EXT_FILE$'
expect_block "a folder entry that is not a file: refused in the loader's words" "$B/mixed.out" z_dir.so \
	'^   status +refused: it is a directory, not a regular file$'
expect "summary counts and the file where CRIU would stop" "$B/mixed.out" \
	'^Summary: 12 candidate files: 3 load, 2 need CRIU.s symbols, 6 refused, 1 later alternatives \(not started\)\.$' \
	'would fail at c_too_new\.so \(the first refused file\)'
if grep -Eq 'a_good\.so\.1|README' "$B/mixed.out"; then ko "only names ending in .so are candidates" "$B/mixed.out"; else ok "only names ending in .so are candidates"; fi
expect "what plugins print to stdout goes to stderr, not into the report" "$B/mixed.err" 'good\.c: a constructor writing to stdout'
if grep -q 'constructor writing' "$B/mixed.out"; then ko "stdout holds only the report" "$B/mixed.out"; else ok "stdout holds only the report"; fi

# 3. The mixed folder, as JSON.
"$TOOL" --json "$M" >"$B/mixed.json" 2>/dev/null
status "mixed folder --json" 1 $?
check_json "JSON: files in byte order of their names (created in reverse)" "$B/mixed.json" "
names = [p['file'] for p in d['plugins']]
assert names == sorted(names, key=lambda n: n.encode()), names
assert [p['position'] for p in d['plugins']] == list(range(1, len(names) + 1))
assert len(names) == 12, names"
check_json "JSON: folder, summary, first refused, exit status" "$B/mixed.json" "
assert d['folder'] == '$M' and d['folder_source'] == 'command line', d['folder']
assert d['folder_error'] is None and d['strict'] is False
assert d['supported_version'] == '0.2.0' and d['supported_max_hooks'] == 15
assert d['summary'] == {'candidates': 12, 'loads': 3, 'needs_host': 2, 'not_loaded': 0, 'skipped': 0, 'refused': 6, 'alternative': 1}, d['summary']
assert d['first_refused'] == '$M/c_too_new.so' and d['exit_status'] == 1"
check_json "JSON: the good plugin" "$B/mixed.json" "
p = P['a_good.so']
assert p['status'] == 'loads' and p['reason'] is None and p['kind'] == 'descriptor'
assert p['name'] == 'good' and p['version'] == '0.2.0' and p['version_number'] == 0x200 and p['max_hooks'] == 15
assert p['hooks'] == ['DUMP_UNIX_SK', 'POST_FORKING'] and p['hooks_complete'] is True
assert p['init'] == 'present' and p['exit'] == 'present' and p['loaded'] is True
assert p['missing_symbols'] == [] and p['warnings'] == [] and p['path'] == '$M/a_good.so'"
check_json "JSON: the legacy plugin" "$B/mixed.json" "
p = P['b_legacy.so']
assert p['status'] == 'loads' and p['kind'] == 'legacy' and p['name'] == '$M/b_legacy.so'
assert p['version'] == '0.1.0' and p['max_hooks'] == 15 and p['init'] == 'present' and p['exit'] == 'present'
assert p['hooks'] == ['DUMP_EXT_FILE', 'RESTORE_EXT_FILE'] and p['hooks_complete'] is True
assert any(w.startswith('Generating dynamic descriptor for plugin') for w in p['warnings'])"
check_json "JSON: refusals with their reasons" "$B/mixed.json" "
r = {f: P[f]['reason'] for f in P}
assert r['c_too_new.so'] == 'version 0.3.0 is newer than the supported 0.2.0', r
assert P['c_too_new.so']['version'] == '0.3.0' and P['c_too_new.so']['name'] == 'too-new'
assert r['d_max20.so'] == 'max_hooks 20 is more than the supported 15', r
assert P['d_max20.so']['max_hooks'] == 20
assert r['e_not_elf.so'].startswith('not an ELF file (dlopen: '), r
assert P['e_not_elf.so']['kind'] is None and P['e_not_elf.so']['loaded'] is False
assert r['f_crash.so'] == 'crashed in its constructors: signal 11 (SIGSEGV)', r
assert P['f_crash.so']['name'] == 'crash' and P['f_crash.so']['loaded'] is False
assert r['i_twin2.so'] is None and P['i_twin2.so']['status'] == 'alternative', r
assert P['i_twin2.so']['duplicate_of'] == '$M/h_twin1.so' and P['h_twin1.so']['status'] == 'loads'
assert P['h_twin1.so']['alternatives'] == P['i_twin2.so']['alternatives'] == ['$M/h_twin1.so', '$M/i_twin2.so']
assert P['a_good.so']['alternatives'] == [] and P['h_twin1.so']['duplicate_of'] is None
assert r['j_exits.so'].startswith('called exit(3) in its constructors'), r
assert r['z_dir.so'] == 'it is a directory, not a regular file', r
assert all(P[f]['status'] == 'refused' for f in ['c_too_new.so', 'd_max20.so', 'e_not_elf.so', 'f_crash.so', 'j_exits.so', 'z_dir.so'])"
check_json "JSON: plugins needing CRIU's symbols" "$B/mixed.json" "
p = P['g_needs_criu.so']
assert p['status'] == 'needs-host' and p['reason'] is None and p['loaded'] is False
assert sorted(p['missing_symbols']) == ['opts', 'print_on_level'], p['missing_symbols']
assert p['name'] == 'needs-criu' and p['version'] == '0.2.0' and p['max_hooks'] == 15 and p['kind'] == 'descriptor'
assert p['hooks'] == ['DUMP_EXT_FILE'] and p['hooks_complete'] is False
q = P['k_needs_fn.so']
assert q['status'] == 'needs-host' and q['loaded'] is True and q['missing_symbols'] == ['print_on_level']
assert q['hooks'] == ['DUMP_EXT_FILE', 'RESTORE_EXT_FILE'] and q['hooks_complete'] is True"

# 4. No init was ever called.
if [ -e "$B/marker-good" ] || [ -e "$B/marker-legacy" ]; then
	ko "no plugin's init is called" "$B/marker-good"
else
	ok "no plugin's init is called (the good and legacy plugins' markers are absent)"
fi

# 5. A folder where everything loads: exit status 0.
G=$B/good
mkdir -p "$G"
cp "$M/a_good.so" "$M/b_legacy.so" "$M/g_needs_criu.so" "$M/k_needs_fn.so" "$G/"
"$TOOL" "$G" >"$B/good.out" 2>/dev/null
status "folder without refusals (plugins needing CRIU's symbols included)" 0 $?
expect "its summary" "$B/good.out" '^Summary: 4 candidate files: 2 load, 2 need CRIU.s symbols\.$'

# 5b. A plugin that needs only what the loader library exports
# (criu_get_image_dir) loads, as it does in CRIU: the tool presents the
# library's exports to the plugins it opens.
X=$B/image-dir
mkdir -p "$X"
plugin "$X/image_dir.so" image_dir.c
"$TOOL" "$X" >"$B/image-dir.out" 2>&1
status "plugin needing only criu_get_image_dir" 0 $?
expect_block "plugin needing only criu_get_image_dir loads, with its hook" "$B/image-dir.out" image_dir.so \
	'^   status +loads$' '^   hooks +DUMP_EXT_FILE$'

# 6. The default folder: CRIU_LIBS_DIR, else the build-time default.
CRIU_LIBS_DIR=$G "$TOOL" --json >"$B/env.json" 2>/dev/null
status "default folder from CRIU_LIBS_DIR (good)" 0 $?
check_json "JSON: the folder comes from CRIU_LIBS_DIR" "$B/env.json" "
assert d['folder'] == '$G' and d['folder_source'] == 'CRIU_LIBS_DIR', (d['folder'], d['folder_source'])
assert len(d['plugins']) == 4"
CRIU_LIBS_DIR=$M "$TOOL" >"$B/env.out" 2>/dev/null
status "default folder from CRIU_LIBS_DIR (mixed)" 1 $?
expect "text names CRIU_LIBS_DIR as the source" "$B/env.out" "^Plugin folder: $M \(from CRIU_LIBS_DIR\)$"
env -u CRIU_LIBS_DIR "$TOOL" --json >"$B/default.json" 2>/dev/null
rc=$?
if [ $rc -le 1 ]; then ok "default folder without CRIU_LIBS_DIR: exit status $rc"; else ko "default folder: exit status $rc"; fi
check_json "JSON: without CRIU_LIBS_DIR, the build-time default folder, or none when it does not exist" "$B/default.json" "
import os
dflt = '$default_dir'
if os.path.exists(dflt):
    assert d['folder'] == dflt and d['folder_source'] == 'default', d
else:
    assert d['folder'] is None and d['plugins'] == [] and d['exit_status'] == 0, d
    assert any('no plugin folder' in n and dflt in n for n in d['notes']), d['notes']"

# 7. Folders that cannot be used, and an empty one.
"$TOOL" "$B/does-not-exist" >"$B/missing.out" 2>"$B/missing.err"
status "missing folder" 1 $?
expect "missing folder: the loader's error, on stderr" "$B/missing.err" \
	"^criu-plugin-inspect: Unable to open directory $B/does-not-exist: "
reject "missing folder: no error on stdout" "$B/missing.out" 'Unable to open'
expect "missing folder: the verdict on stdout" "$B/missing.out" 'would fail on the folder itself'
"$TOOL" --json "$B/does-not-exist" >"$B/missing.json" 2>"$B/missing-json.err"
status "missing folder --json" 1 $?
check_json "JSON: the folder error is a field, stdout is only JSON" "$B/missing.json" "
assert d['folder_error'].startswith('Unable to open directory $B/does-not-exist: '), d['folder_error']
assert d['exit_status'] == 1 and d['plugins'] == [] and d['schema'] == 1"
expect "missing folder --json: the error on stderr too" "$B/missing-json.err" '^criu-plugin-inspect: Unable to open directory'
mkdir -p "$B/empty"
"$TOOL" "$B/empty" >"$B/empty.out" 2>&1
status "empty folder" 0 $?
expect "empty folder: no candidates" "$B/empty.out" '^No candidate files \(\*\.so\): the loader loads no plugin\.$'

# 8. Trust: files and folders others may write.
T=$B/trust
mkdir -p "$T"
cp "$M/a_good.so" "$T/a_good.so"
chmod 0666 "$T/a_good.so"
"$TOOL" "$T" >"$B/trust.out" 2>&1
status "untrusted file (warning only)" 0 $?
expect_block "untrusted file: warned about, not loaded by the inspector, what the file says shown" "$B/trust.out" a_good.so \
	'^   status +not-loaded' "^   warning +Plugin file $T/a_good\.so is writable by its group and others \(mode 0666\)$" \
	'^   name +good$' '^   note +not loaded by the inspector'
"$TOOL" --load-untrusted --json "$T" >"$B/trust.json" 2>/dev/null
status "untrusted file with --load-untrusted" 0 $?
check_json "JSON: --load-untrusted loads it (hooks known), still warns" "$B/trust.json" "
p = P['a_good.so']
assert p['status'] == 'loads' and p['loaded'] is True and p['hooks'] == ['DUMP_UNIX_SK', 'POST_FORKING']
assert any('writable by its group and others' in w for w in p['warnings'])"
"$TOOL" --strict "$T" >"$B/trust-strict.out" 2>&1
status "untrusted file, --strict" 1 $?
expect_block "strict mode refuses the untrusted file" "$B/trust-strict.out" a_good.so \
	"^   status +refused: Plugin file $T/a_good\.so is writable by its group and others \(mode 0666\) \(strict mode\)$"
CRIU_PLUGIN_STRICT=1 "$TOOL" "$T" >"$B/trust-env.out" 2>&1
status "untrusted file, CRIU_PLUGIN_STRICT=1" 1 $?
expect "CRIU_PLUGIN_STRICT turns strict mode on" "$B/trust-env.out" 'strict mode on$'
chmod 0644 "$T/a_good.so"
chmod 0777 "$T"
"$TOOL" --json "$T" >"$B/trust-dir.json" 2>/dev/null
status "untrusted folder (warning only)" 0 $?
check_json "JSON: untrusted folder: warning, its files not loaded" "$B/trust-dir.json" "
assert any(w == 'Plugin folder $T is writable by its group and others (mode 0777)' for w in d['warnings']), d['warnings']
assert P['a_good.so']['status'] == 'not-loaded' and d['folder_error'] is None"
"$TOOL" --strict --json "$T" >"$B/trust-dir-strict.json" 2>/dev/null
status "untrusted folder, --strict" 1 $?
check_json "JSON: strict mode refuses the untrusted folder" "$B/trust-dir-strict.json" "
assert d['folder_error'].startswith('Refusing plugin folder $T') and d['folder_error'].endswith('(strict mode)'), d['folder_error']
assert d['strict'] is True and d['exit_status'] == 1"
chmod 0755 "$T"
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$T/a_good.so"
	"$TOOL" "$T" >"$B/owner.out" 2>&1
	status "file owned by another user (warning only)" 0 $?
	expect "a foreign owner is named" "$B/owner.out" \
		"^   warning +Plugin file $T/a_good\.so is owned by uid 65534, neither root nor the effective user 0$"
	chown 0 "$T/a_good.so"
else
	echo "SKIP: foreign owner (needs root)"
fi
if [ -e "$B/marker-good" ]; then ko "--load-untrusted does not call init either"; else ok "--load-untrusted does not call init either"; fi

# 9. A plugin whose constructor never returns is killed after --timeout.
H=$B/hang
mkdir -p "$H"
plugin "$H/hangs.so" hangs.c
start=$(date +%s)
"$TOOL" --timeout 1 "$H" >"$B/hang.out" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))
status "hanging constructor" 1 $rc
expect_block "a hanging constructor is killed and reported" "$B/hang.out" hangs.so \
	'^   status +refused: still running after 1 s in its constructors' '^   name +hangs$'
if [ $elapsed -le 5 ]; then ok "the hanging plugin was stopped in time (${elapsed}s)"; else ko "hanging plugin took ${elapsed}s"; fi

# 10. Hostile files: each gets a verdict, none crashes or hangs the tool.
# Every run is bounded by `timeout`; --timeout is long, so a verdict that
# names the file's kind shows it was not left to the child's timeout.
Z=$B/hostile
mkdir -p "$Z"
plugin "$Z/a_desc8.so" bad_desc.c
plugin "$Z/b_desc_fn.so" bad_desc.c -DAS_FUNCTION
plugin "$Z/c_few_slots.so" bad_desc.c -DFEW_SLOTS
head -c 4000 "$M/a_good.so" >"$Z/d_cut.so"
mkfifo "$Z/e_fifo.so"
printf '\177ELF' >"$Z/f_elf4.so"
printf '\177ELF\002' >"$Z/g_elf5.so"
truncate -s 4G "$Z/h_sparse.so"
cp "$M/a_good.so" "$Z/i_big_elf.so"
truncate -s 4G "$Z/i_big_elf.so"
cp "$M/h_twin1.so" "$Z/j_rela.so"
# .rela.dyn's section header claims 2^63-1 bytes; dlopen reads no section
# header, and neither may the tool.
python3 - "$Z/j_rela.so" <<'PY' || ko "patching .rela.dyn's sh_size"
import struct, sys
path = sys.argv[1]
b = bytearray(open(path, 'rb').read())
shoff, = struct.unpack_from('<Q', b, 0x28)
size, count, names = struct.unpack_from('<HHH', b, 0x3a)
strtab, = struct.unpack_from('<Q', b, shoff + names * size + 0x18)
done = False
for i in range(count):
    h = shoff + i * size
    at = strtab + struct.unpack_from('<I', b, h)[0]
    if bytes(b[at:b.index(0, at)]) == b'.rela.dyn':
        struct.pack_into('<Q', b, h + 0x20, (1 << 63) - 1)
        done = True
assert done, 'no .rela.dyn'
open(path, 'wb').write(b)
PY
ln -s /dev/null "$Z/k_chardev.so"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$Z/l_socket.so"
odd=$Z/$'m_new\nline\e[31m.so'
cp "$M/h_twin1.so" "$odd"
timeout 120 "$TOOL" --timeout 60 "$Z" >"$B/hostile.out" 2>"$B/hostile.err"
status "hostile folder (bounded run)" 1 $?
expect_block "8-byte CR_PLUGIN_DESC: refused with the loader's sentence" "$B/hostile.out" a_desc8.so \
	'^   status +refused: CR_PLUGIN_DESC is 8 bytes, too small for a descriptor \(32 bytes\)$' '^   kind +descriptor$'
expect_block "CR_PLUGIN_DESC a function: refused" "$B/hostile.out" b_desc_fn.so \
	'^   status +refused: CR_PLUGIN_DESC is a function, not a data object$'
expect_block "CR_PLUGIN_DESC smaller than its max_hooks' slots: refused, its fields still shown" \
	"$B/hostile.out" c_few_slots.so \
	'^   status +refused: CR_PLUGIN_DESC is 40 bytes, too small for max_hooks 15 \(152 bytes\)$' '^   name +few-slots$'
expect_block "a file cut to 4000 bytes: refused as truncated, not loaded" "$B/hostile.out" d_cut.so \
	'^   status +refused: it is truncated: its loadable segments need [0-9]+ bytes, the file has 4000$' \
	'^   note +not loaded by the inspector: the loader refuses it before dlopen$'
reject "the cut file was not loaded (no crash reported)" "$B/block.d_cut.so" 'SIGBUS|crashed'
expect_block "a FIFO: refused in the loader's words, never opened" "$B/hostile.out" e_fifo.so \
	'^   status +refused: it is a FIFO, not a regular file$'
expect_block "a 4-byte file starting with the ELF magic" "$B/hostile.out" f_elf4.so \
	'^   status +refused: malformed ELF file: the ELF header is cut short \(dlopen: '
expect_block "a 5-byte file starting with the ELF magic" "$B/hostile.out" g_elf5.so \
	'^   status +refused: malformed ELF file: the ELF header is cut short \(dlopen: '
expect_block "a 4 GiB sparse file: not an ELF file, its head only read" "$B/hostile.out" h_sparse.so \
	'^   status +refused: not an ELF file \(dlopen: '
expect_block "a 4 GiB plugin: loads, its content not read past its headers" "$B/hostile.out" i_big_elf.so \
	'^   status +loads$' '^   note +not read by the inspector: it is 4294967296 bytes, more than the 268435456 bytes'
expect_block "a section header with a huge size: ignored, the plugin loads" "$B/hostile.out" j_rela.so \
	'^   status +(loads|alternative: closed without its init while )' '^   name +twin$' '^   hooks +DUMP_EXT_MOUNT$'
expect_block "a character device: refused in the loader's words" "$B/hostile.out" k_chardev.so \
	'^   status +refused: it is a character device, not a regular file$'
expect_block "a socket: refused in the loader's words" "$B/hostile.out" l_socket.so \
	'^   status +refused: it is a socket, not a regular file$'
expect "a file name with a newline and an escape sequence is written escaped" "$B/hostile.out" \
	'^13\. m_new\\nline\\x1b\[31m\.so$'
if LC_ALL=C grep -q $'\e' "$B/hostile.out"; then ko "no escape byte in the text" "$B/hostile.out"; else ok "no escape byte in the text"; fi
sed -n '/^13\. /,/^$/p' "$B/hostile.out" >"$B/block.odd"
expect "the odd file is judged (its twin came first)" "$B/block.odd" \
	"^   status +alternative: closed without its init while $Z/j_rela\.so starts"
blockdev=$(find /dev -maxdepth 1 -type b 2>/dev/null | head -n1)
if [ -n "$blockdev" ]; then
	ZB=$B/hostile-blk
	mkdir -p "$ZB"
	ln -s "$blockdev" "$ZB/blk.so"
	timeout 60 "$TOOL" --timeout 30 "$ZB" >"$B/hostile-blk.out" 2>&1
	status "a block device (bounded run)" 1 $?
	expect_block "a block device: refused in the loader's words" "$B/hostile-blk.out" blk.so \
		'^   status +refused: it is a block device, not a regular file$'
else
	echo "SKIP: a block device (none in /dev)"
fi
timeout 120 "$TOOL" --json --timeout 60 "$Z" >"$B/hostile.json" 2>/dev/null
status "hostile folder --json (bounded run)" 1 $?
check_json "JSON: the odd name raw, every verdict as in the text" "$B/hostile.json" "
odd = 'm_new\nline\x1b[31m.so'
assert odd in P, list(P)
assert P['a_desc8.so']['reason'] == 'CR_PLUGIN_DESC is 8 bytes, too small for a descriptor (32 bytes)'
assert P['e_fifo.so']['reason'] == 'it is a FIFO, not a regular file'
assert P['d_cut.so']['reason'].endswith('the file has 4000') and P['d_cut.so']['loaded'] is False
assert P['i_big_elf.so']['status'] == 'loads' and P['j_rela.so']['status'] == 'loads'
assert len(P) == 13, len(P)"

# 11. A FILE operand: judged alone, in its folder.
"$TOOL" "$M/a_good.so" >"$B/file.out" 2>&1
status "FILE: a good plugin" 0 $?
expect_block "FILE: the file judged alone" "$B/file.out" a_good.so '^1\. a_good\.so$' '^   status +loads$' \
	'^   hooks +DUMP_UNIX_SK, POST_FORKING$'
expect "FILE: its folder named, only it judged" "$B/file.out" "^Plugin folder: $M \(from command line\)$" \
	'^Summary: 1 candidate file: 1 load\.$'
"$TOOL" "$M/c_too_new.so" >"$B/file-new.out" 2>&1
status "FILE: a refused plugin (the folder's others do not count)" 1 $?
expect "FILE: its refusal" "$B/file-new.out" '^   status +refused: version 0\.3\.0 is newer'
"$TOOL" --json "$M/i_twin2.so" >"$B/file.json" 2>/dev/null
status "FILE: a twin judged alone has no duplicate" 0 $?
check_json "JSON: inspected is file, the folder is the file's" "$B/file.json" "
assert d['schema'] == 1 and d['inspected'] == 'file' and d['folder'] == '$M', d
assert [p['path'] for p in d['plugins']] == ['$M/i_twin2.so']
assert d['plugins'][0]['status'] == 'loads' and d['plugins'][0]['duplicate_of'] is None"
(cd "$M" && "$TOOL" a_good.so) >"$B/file-bare.out" 2>&1
status "FILE: a bare file name in the current folder" 0 $?
expect "FILE: a bare name is opened as ./NAME, not searched for" "$B/file-bare.out" \
	'^Plugin folder: \. \(from command line\)$' '^   status +loads$'
cp "$M/a_good.so" "$B/plugin.so.1"
"$TOOL" "$B/plugin.so.1" >"$B/file-name.out" 2>&1
status "FILE: a name not ending in .so" 0 $?
expect "FILE: a name not ending in .so: judged, with a warning" "$B/file-name.out" '^   status +loads$' \
	'^   warning +the loader never loads this file from its folder: its name does not end in "\.so"$'
timeout 60 "$TOOL" --timeout 30 "$Z/e_fifo.so" >"$B/file-fifo.out" 2>&1
status "FILE: a FIFO (bounded run)" 1 $?
expect "FILE: a FIFO is refused, not opened" "$B/file-fifo.out" '^   status +refused: it is a FIFO, not a regular file$'
F=$B/file-trust
mkdir -p "$F"
cp "$M/a_good.so" "$F/a_good.so"
chmod 0777 "$F"
"$TOOL" "$F/a_good.so" >"$B/file-trust.out" 2>&1
status "FILE in an untrusted folder (warning only)" 0 $?
expect "FILE: its folder's trust is checked" "$B/file-trust.out" \
	"^warning: Plugin folder $F is writable by its group and others \(mode 0777\)$" '^   status +not-loaded'
"$TOOL" --strict "$F/a_good.so" >"$B/file-trust-strict.out" 2>"$B/file-trust-strict.err"
status "FILE in an untrusted folder, --strict" 1 $?
expect "FILE: strict mode refuses its folder (on stderr)" "$B/file-trust-strict.err" \
	"^criu-plugin-inspect: Refusing plugin folder $F: "
chmod 0755 "$F"
chmod 0666 "$F/a_good.so"
"$TOOL" --strict "$F/a_good.so" >"$B/file-trust-file.out" 2>&1
status "FILE untrusted, --strict" 1 $?
expect "FILE: its own trust is checked" "$B/file-trust-file.out" \
	"^   status +refused: Plugin file $F/a_good\.so is writable by its group and others \(mode 0666\) \(strict mode\)$"

# 12. Errors and usage go to stderr; stdout holds only the report.
"$TOOL" --bogus >"$B/usage-out.out" 2>"$B/usage-out.err"
status "usage error" 2 $?
if [ -s "$B/usage-out.out" ]; then ko "a usage error writes nothing on stdout" "$B/usage-out.out"; else ok "a usage error writes nothing on stdout"; fi
expect "a usage error is on stderr" "$B/usage-out.err" "^criu-plugin-inspect: unknown option '--bogus'$"
"$TOOL" $'--x\e[2J' >/dev/null 2>"$B/usage-esc.err"
if LC_ALL=C grep -q $'\e' "$B/usage-esc.err"; then ko "an odd option is escaped in the error" "$B/usage-esc.err"; else
	expect "an odd option is escaped in the error" "$B/usage-esc.err" "unknown option '--x\\\\x1b\[2J'"; fi
if [ -w /dev/full ]; then
	"$TOOL" --help >/dev/full 2>"$B/full.err"
	status "output that cannot be written" 2 $?
	expect "output that cannot be written: said on stderr" "$B/full.err" '^criu-plugin-inspect: cannot write the output: '
fi

# 13. Every JSON field the tool prints is documented in --help.
json_documented --schema "$B/mixed.json" "$B/hostile.json" "$B/file.json" "$B/missing.json"

echo "inspect: $pass passed, $fail failed"
[ $fail -eq 0 ]
