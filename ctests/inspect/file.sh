# criu-plugin-inspect on folders of plugins (run.sh sources it, in order):
# a FILE operand; errors and usage on stderr, the report alone on
# stdout.

# 11. A FILE operand: judged alone, in its folder.
bounded "$TOOL" "$M/a_good.so" >"$B/file.out" 2>&1
status "FILE: a good plugin" 0 $?
expect_block "FILE: the file judged alone" "$B/file.out" a_good.so '^1\. a_good\.so$' '^   status +loads$' \
	'^   hooks +DUMP_UNIX_SK, POST_FORKING$'
expect "FILE: its folder named, only it judged" "$B/file.out" "^Plugin folder: $M \(from command line\)$" \
	'^Summary: 1 candidate file: 1 load\.$'
bounded "$TOOL" "$M/c_too_new.so" >"$B/file-new.out" 2>&1
status "FILE: a refused plugin (the folder's others do not count)" 1 $?
expect "FILE: its refusal" "$B/file-new.out" '^   status +refused: version 0\.3\.0 is newer'
bounded "$TOOL" --json "$M/i_twin2.so" >"$B/file.json" 2>/dev/null
status "FILE: a twin judged alone has no duplicate" 0 $?
check_json "JSON: inspected is file, the folder is the file's" "$B/file.json" "
assert d['schema'] == 1 and d['inspected'] == 'file' and d['folder'] == '$M', d
assert [p['path'] for p in d['plugins']] == ['$M/i_twin2.so']
assert d['plugins'][0]['status'] == 'loads' and d['plugins'][0]['duplicate_of'] is None"
(cd "$M" && bounded "$TOOL" a_good.so) >"$B/file-bare.out" 2>&1
status "FILE: a bare file name in the current folder" 0 $?
expect "FILE: a bare name is opened as ./NAME, not searched for" "$B/file-bare.out" \
	'^Plugin folder: \. \(from command line\)$' '^   status +loads$'
cp "$M/a_good.so" "$B/plugin.so.1"
bounded "$TOOL" "$B/plugin.so.1" >"$B/file-name.out" 2>&1
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
bounded "$TOOL" "$F/a_good.so" >"$B/file-trust.out" 2>&1
status "FILE in an untrusted folder (warning only)" 0 $?
expect "FILE: its folder's trust is checked" "$B/file-trust.out" \
	"^warning: Plugin folder $F is writable by its group and others \(mode 0777\)$" '^   status +not-loaded'
bounded "$TOOL" --strict "$F/a_good.so" >"$B/file-trust-strict.out" 2>"$B/file-trust-strict.err"
status "FILE in an untrusted folder, --strict" 1 $?
expect "FILE: strict mode refuses its folder (on stderr)" "$B/file-trust-strict.err" \
	"^criu-plugin-inspect: Refusing plugin folder $F: "
chmod 0755 "$F"
chmod 0666 "$F/a_good.so"
bounded "$TOOL" --strict "$F/a_good.so" >"$B/file-trust-file.out" 2>&1
status "FILE untrusted, --strict" 1 $?
expect "FILE: its own trust is checked" "$B/file-trust-file.out" \
	"^   status +refused: Plugin file $F/a_good\.so is writable by its group and others \(mode 0666\) \(strict mode\)$"

# 12. Errors and usage go to stderr; stdout holds only the report.
bounded "$TOOL" --bogus >"$B/usage-out.out" 2>"$B/usage-out.err"
status "usage error" 2 $?
if [ -s "$B/usage-out.out" ]; then ko "a usage error writes nothing on stdout" "$B/usage-out.out"; else ok "a usage error writes nothing on stdout"; fi
expect "a usage error is on stderr" "$B/usage-out.err" "^criu-plugin-inspect: unknown option '--bogus'$"
bounded "$TOOL" $'--x\e[2J' >/dev/null 2>"$B/usage-esc.err"
if LC_ALL=C grep -q $'\e' "$B/usage-esc.err"; then ko "an odd option is escaped in the error" "$B/usage-esc.err"; else
	expect "an odd option is escaped in the error" "$B/usage-esc.err" "unknown option '--x\\\\x1b\[2J'"; fi
if [ -w /dev/full ]; then
	bounded "$TOOL" --help >/dev/full 2>"$B/full.err"
	status "output that cannot be written" 2 $?
	expect "output that cannot be written: said on stderr" "$B/full.err" '^criu-plugin-inspect: cannot write the output: '
fi
