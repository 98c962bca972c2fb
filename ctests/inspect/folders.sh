# criu-plugin-inspect on folders of plugins (run.sh sources it, in order):
# the default folder, folders that cannot be used, trust, a
# constructor that never returns.

# 6. The default folder: CRIU_LIBS_DIR, else the build-time default.
CRIU_LIBS_DIR=$G bounded "$TOOL" --json >"$B/env.json" 2>/dev/null
status "default folder from CRIU_LIBS_DIR (good)" 0 $?
check_json "JSON: the folder comes from CRIU_LIBS_DIR" "$B/env.json" "
assert d['folder'] == '$G' and d['folder_source'] == 'CRIU_LIBS_DIR', (d['folder'], d['folder_source'])
assert len(d['plugins']) == 4"
CRIU_LIBS_DIR=$M bounded "$TOOL" >"$B/env.out" 2>/dev/null
status "default folder from CRIU_LIBS_DIR (mixed)" 1 $?
expect "text names CRIU_LIBS_DIR as the source" "$B/env.out" "^Plugin folder: $M \(from CRIU_LIBS_DIR\)$"
bounded env -u CRIU_LIBS_DIR "$TOOL" --json >"$B/default.json" 2>/dev/null
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
bounded "$TOOL" "$B/does-not-exist" >"$B/missing.out" 2>"$B/missing.err"
status "missing folder" 1 $?
expect "missing folder: the loader's error, on stderr" "$B/missing.err" \
	"^criu-plugin-inspect: Unable to open directory $B/does-not-exist: "
reject "missing folder: no error on stdout" "$B/missing.out" 'Unable to open'
expect "missing folder: the verdict on stdout" "$B/missing.out" 'would fail on the folder itself'
bounded "$TOOL" --json "$B/does-not-exist" >"$B/missing.json" 2>"$B/missing-json.err"
status "missing folder --json" 1 $?
check_json "JSON: the folder error is a field, stdout is only JSON" "$B/missing.json" "
assert d['folder_error'].startswith('Unable to open directory $B/does-not-exist: '), d['folder_error']
assert d['exit_status'] == 1 and d['plugins'] == [] and d['schema'] == 1"
expect "missing folder --json: the error on stderr too" "$B/missing-json.err" '^criu-plugin-inspect: Unable to open directory'
mkdir -p "$B/empty"
bounded "$TOOL" "$B/empty" >"$B/empty.out" 2>&1
status "empty folder" 0 $?
expect "empty folder: no candidates" "$B/empty.out" '^No candidate files \(\*\.so\): the loader loads no plugin\.$'

# 8. Trust: files and folders others may write.
T=$B/trust
mkdir -p "$T"
cp "$M/a_good.so" "$T/a_good.so"
chmod 0666 "$T/a_good.so"
bounded "$TOOL" "$T" >"$B/trust.out" 2>&1
status "untrusted file (warning only)" 0 $?
expect_block "untrusted file: warned about, not loaded by the inspector, what the file says shown" "$B/trust.out" a_good.so \
	'^   status +not-loaded' "^   warning +Plugin file $T/a_good\.so is writable by its group and others \(mode 0666\)$" \
	'^   name +good$' '^   note +not loaded by the inspector'
bounded "$TOOL" --load-untrusted --json "$T" >"$B/trust.json" 2>/dev/null
status "untrusted file with --load-untrusted" 0 $?
check_json "JSON: --load-untrusted loads it (hooks known), still warns" "$B/trust.json" "
p = P['a_good.so']
assert p['status'] == 'loads' and p['loaded'] is True and p['hooks'] == ['DUMP_UNIX_SK', 'POST_FORKING']
assert any('writable by its group and others' in w for w in p['warnings'])"
bounded "$TOOL" --strict "$T" >"$B/trust-strict.out" 2>&1
status "untrusted file, --strict" 1 $?
expect_block "strict mode refuses the untrusted file" "$B/trust-strict.out" a_good.so \
	"^   status +refused: Plugin file $T/a_good\.so is writable by its group and others \(mode 0666\) \(strict mode\)$"
CRIU_PLUGIN_STRICT=1 bounded "$TOOL" "$T" >"$B/trust-env.out" 2>&1
status "untrusted file, CRIU_PLUGIN_STRICT=1" 1 $?
expect "CRIU_PLUGIN_STRICT turns strict mode on" "$B/trust-env.out" 'strict mode on$'
chmod 0644 "$T/a_good.so"
chmod 0777 "$T"
bounded "$TOOL" --json "$T" >"$B/trust-dir.json" 2>/dev/null
status "untrusted folder (warning only)" 0 $?
check_json "JSON: untrusted folder: warning, its files not loaded" "$B/trust-dir.json" "
assert any(w == 'Plugin folder $T is writable by its group and others (mode 0777)' for w in d['warnings']), d['warnings']
assert P['a_good.so']['status'] == 'not-loaded' and d['folder_error'] is None"
bounded "$TOOL" --strict --json "$T" >"$B/trust-dir-strict.json" 2>/dev/null
status "untrusted folder, --strict" 1 $?
check_json "JSON: strict mode refuses the untrusted folder" "$B/trust-dir-strict.json" "
assert d['folder_error'].startswith('Refusing plugin folder $T') and d['folder_error'].endswith('(strict mode)'), d['folder_error']
assert d['strict'] is True and d['exit_status'] == 1"
chmod 0755 "$T"
if needs_root "file owned by another user (chown)"; then
	chown 65534 "$T/a_good.so"
	bounded "$TOOL" "$T" >"$B/owner.out" 2>&1
	status "file owned by another user (warning only)" 0 $?
	expect "a foreign owner is named" "$B/owner.out" \
		"^   warning +Plugin file $T/a_good\.so is owned by uid 65534, neither root nor the effective user 0$"
	chown 0 "$T/a_good.so"
fi
if [ -e "$B/marker-good" ]; then ko "--load-untrusted does not call init either"; else ok "--load-untrusted does not call init either"; fi

# 9. A plugin whose constructor never returns is killed after --timeout.
H=$B/hang
mkdir -p "$H"
shared "$H/hangs.so" hangs.c
start=$(date +%s)
bounded "$TOOL" --timeout 1 "$H" >"$B/hang.out" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))
status "hanging constructor" 1 $rc
expect_block "a hanging constructor is killed and reported" "$B/hang.out" hangs.so \
	'^   status +refused: still running after 1 s in its constructors' '^   name +hangs$'
if [ $elapsed -le 5 ]; then ok "the hanging plugin was stopped in time (${elapsed}s)"; else ko "hanging plugin took ${elapsed}s"; fi
