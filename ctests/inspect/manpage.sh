#!/bin/bash
# Tests of criu-plugin-inspect's manual page (inspect/criu-plugin-inspect.1):
# it renders without warnings, it documents the options, the JSON fields
# and the exit statuses --help documents, in the same order, and
# `make install` installs it to $(MANDIR)/man1 (uninstall removes it).
# Usage: manpage.sh TOOL (the criu-plugin-inspect binary)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
TOOL=$(absfile "${1:?usage: manpage.sh TOOL}") || exit 2
REPO=$(cd "$here/../.." && pwd)
PAGE=$REPO/inspect/criu-plugin-inspect.1
suite "inspect manual page" "$here/build/man"

# 1. It renders without a warning (groff's, and man's when man-db is here).
renderers=0
if command -v groff >/dev/null; then
	renderers=$((renderers + 1))
	groff -man -ww -z -Tutf8 "$PAGE" 2>"$B/groff.err"
	if [ $? -eq 0 ] && [ ! -s "$B/groff.err" ]; then ok "groff renders it without a warning"; else ko "groff warns" "$B/groff.err"; fi
fi
if command -v man >/dev/null; then
	renderers=$((renderers + 1))
	MANWIDTH=80 man --warnings=w -l "$PAGE" >"$B/man.txt" 2>"$B/man.err"
	if [ $? -eq 0 ] && [ ! -s "$B/man.err" ]; then ok "man -l renders it without a warning"; else ko "man -l warns" "$B/man.err"; fi
	expect "man -l shows its sections" "$B/man.txt" '^NAME$' '^SYNOPSIS$' '^OPTIONS$' '^RESTORES$' '^JSON$' '^EXIT STATUS$'
fi
if [ $renderers -eq 0 ]; then
	ko "no groff nor man to render the manual page (apt-get install groff-base man-db)"
fi

# 2. The same options, JSON fields and exit statuses as --help, in order.
bounded "$TOOL" --help >"$B/help.txt" || ko "--help"
python3 - "$PAGE" "$B/help.txt" "$B" <<'PY'
import re, sys
page, help_file, out = sys.argv[1:]
src = open(page).read().split('\n')
help_text = open(help_file).read().split('\n')

def roff_args(rest):
    args, i = [], 0
    while i < len(rest):
        if rest[i] == ' ':
            i += 1
        elif rest[i] == '"':
            j = rest.index('"', i + 1)
            args.append(rest[i + 1:j])
            i = j + 1
        else:
            j = rest.find(' ', i)
            j = len(rest) if j < 0 else j
            args.append(rest[i:j])
            i = j
    return args

def roff_text(line):
    m = re.match(r'\.(B|I|BR|BI|IR|RB|RI|IB)\s+(.*)$', line)
    if not m:
        return line
    macro, rest = m.groups()
    args = roff_args(rest)
    text = ' '.join(args) if macro in ('B', 'I') else ''.join(args)
    return text.replace('\\-', '-').replace('\\(dq', '"').replace('\\e', '\\')

def man_tags(section, next_section):
    a, b = src.index('.SH ' + section), src.index('.SH ' + next_section)
    return [roff_text(src[k + 1]) for k in range(a, b) if src[k].startswith('.TP')]

def help_section(title, end):
    a = help_text.index(title)
    b = next(k for k in range(a + 1, len(help_text)) if help_text[k] == end)
    return help_text[a + 1:b]

options = [l[:23].strip() for l in help_section('Options', '') if l.startswith('  -')]
fields = [l[:24].strip() for l in help_section('JSON (--json)', '') if re.match(r'^( {2}| {4})"', l)]
exits = [l[2] for l in help_section('Exit status', '') if re.match(r'^  \d  ', l)]
results = [
    ('options', options, man_tags('OPTIONS', 'HOW FILES ARE INSPECTED')),
    ('JSON fields', fields, man_tags('JSON', 'EXIT STATUS')),
    ('exit statuses', exits, man_tags('EXIT STATUS', 'ENVIRONMENT')),
]
for what, from_help, from_man in results:
    with open(f'{out}/{what.replace(" ", "-")}.txt', 'w') as f:
        f.write('help: %r\nman:  %r\n' % (from_help, from_man))
PY
for what in options JSON-fields exit-statuses; do
	if grep -q . "$B/$what.txt" 2>/dev/null && python3 -c "
import ast, sys
h, m = [ast.literal_eval(l.split(':', 1)[1].strip()) for l in open(sys.argv[1])]
sys.exit(0 if h == m and h else 1)" "$B/$what.txt"; then
		ok "the manual page and --help document the same ${what//-/ }, in order"
	else
		ko "the manual page and --help differ in their ${what//-/ }" "$B/$what.txt"
	fi
done
expect "the options compared include every one --help names" "$B/options.txt" \
	"'--json'" "'--strict'" "'--load-untrusted'" "'--timeout SECONDS'" "'--images DIR'" "'-h, --help'" "'-V, --version'"
expect "the JSON fields compared include both objects' fields" "$B/JSON-fields.txt" \
	"'\"schema\"'" "'\"plugins\"'" "'\"missing_symbols\"'" "'\"needed\"'" "'\"provided_by\"'" "'\"inspection\"'"

# 3. make install puts it in $(MANDIR)/man1; make uninstall removes it.
# The library and the tool are stand-ins (NO_BUILD=1, CARGO_TARGET_DIR):
# only where the files go is tested here (ctests/install tests the rest).
FAKE=$B/target
mkdir -p "$FAKE/release"
for f in "libcriu-plugin.so.$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$REPO" print-version | cut -d' ' -f1)" libcriu_plugin.a criu-plugin-inspect; do echo stand-in >"$FAKE/release/$f"; done
submake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$REPO" "$@" NO_BUILD=1 CARGO_TARGET_DIR="$FAKE"; }
D=$B/dest
submake install DESTDIR="$D" PREFIX=/usr/local >"$B/install.log" 2>&1
if [ $? -eq 0 ]; then ok "make install (stand-ins, DESTDIR)"; else ko "make install" "$B/install.log"; fi
M1=$D/usr/local/share/man/man1/criu-plugin-inspect.1
if cmp -s "$PAGE" "$M1" && [ "$(stat -c %a "$M1")" = 644 ]; then ok "installed as \$(PREFIX)/share/man/man1/criu-plugin-inspect.1, mode 644"; else ko "the manual page in $M1" "$B/install.log"; fi
submake uninstall DESTDIR="$D" PREFIX=/usr/local >"$B/uninstall.log" 2>&1
if [ $? -eq 0 ] && [ ! -e "$M1" ] && [ -z "$(find "$D" -type f 2>/dev/null)" ]; then ok "make uninstall removes it"; else ko "make uninstall" "$B/uninstall.log"; fi
D2=$B/dest2
submake install DESTDIR="$D2" MANDIR=/opt/man >"$B/install2.log" 2>&1
if cmp -s "$PAGE" "$D2/opt/man/man1/criu-plugin-inspect.1"; then ok "MANDIR=/opt/man: installed in /opt/man/man1"; else ko "MANDIR" "$B/install2.log"; fi
rm -f "$(submake -s show-install-manifest DESTDIR="$D2")"
submake uninstall DESTDIR="$D2" MANDIR=/opt/man >"$B/uninstall2.log" 2>&1
if [ ! -e "$D2/opt/man/man1/criu-plugin-inspect.1" ]; then ok "make uninstall without its manifest removes it too"; else ko "uninstall without a manifest" "$B/uninstall2.log"; fi
submake install DESTDIR="$B/dest3" MANDIR=relative/man >"$B/install3.log" 2>&1
if [ $? -ne 0 ] && grep -q "MANDIR" "$B/install3.log"; then ok "a relative MANDIR is refused"; else ko "a relative MANDIR" "$B/install3.log"; fi

summary
