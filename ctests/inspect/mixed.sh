# criu-plugin-inspect on folders of plugins (run.sh sources it, in order):
# the mixed folder as text and as JSON, no init called, a folder where
# everything loads.

# 2. The mixed folder, as text.
bounded "$TOOL" "$M" >"$B/mixed.out" 2>"$B/mixed.err"
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
bounded "$TOOL" --json "$M" >"$B/mixed.json" 2>/dev/null
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
bounded "$TOOL" "$G" >"$B/good.out" 2>/dev/null
status "folder without refusals (plugins needing CRIU's symbols included)" 0 $?
expect "its summary" "$B/good.out" '^Summary: 4 candidate files: 2 load, 2 need CRIU.s symbols\.$'

# 5b. A plugin that needs only what the loader library exports
# (criu_get_image_dir) loads, as it does in CRIU: the tool presents the
# library's exports to the plugins it opens.
X=$B/image-dir
mkdir -p "$X"
shared "$X/image_dir.so" image_dir.c
bounded "$TOOL" "$X" >"$B/image-dir.out" 2>&1
status "plugin needing only criu_get_image_dir" 0 $?
expect_block "plugin needing only criu_get_image_dir loads, with its hook" "$B/image-dir.out" image_dir.so \
	'^   status +loads$' '^   hooks +DUMP_EXT_FILE$'
