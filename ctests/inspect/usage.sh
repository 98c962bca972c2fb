# criu-plugin-inspect on folders of plugins (run.sh sources it, in order):
# --help, --version and usage errors.

# 1. --help, --version and usage errors.
bounded "$TOOL" --help >"$B/help.out" 2>&1
status "--help" 0 $?
expect "--help names every option, the default folder, the columns and the exit statuses" "$B/help.out" \
	'^Usage: criu-plugin-inspect ' '--json' '--strict' '--load-untrusted' '--timeout SECONDS' \
	'-h, --help' '-V, --version' 'CRIU_LIBS_DIR' 'default folder' 'CRIU_PLUGIN_STRICT' \
	'^  status ' '^  name ' '^  kind ' '^  version ' '^  max_hooks ' '^  hooks ' '^  init, exit ' '^  needs ' \
	'^  warning ' '^Exit status' '^  0  ' '^  1  ' '^  2  usage error' 'needs-host' 'not-loaded' 'refused'
default_dir=$(sed -n '/else the default folder, fixed when the library was built:$/{n;s/^ *//p}' "$B/help.out")
if [ -n "$default_dir" ]; then ok "--help shows the default folder ($default_dir)"; else ko "--help shows the default folder" "$B/help.out"; fi
bounded "$TOOL" --version >"$B/version.out" 2>&1
status "--version" 0 $?
expect "--version prints the version" "$B/version.out" '^criu-plugin-inspect [0-9]+\.[0-9]+\.[0-9]+$'
for args in "--bogus" "$M $M" "--timeout" "--timeout soon $M" "--timeout=0 $M"; do
	# shellcheck disable=SC2086
	bounded "$TOOL" $args >"$B/usage.out" 2>&1
	status "usage error ($args)" 2 $?
done
expect "a usage error says what is wrong and points to --help" "$B/usage.out" \
	'^criu-plugin-inspect: --timeout needs' "Try 'criu-plugin-inspect --help'"
