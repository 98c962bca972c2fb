#!/bin/bash
# Tests of which layouts of CRIU's struct cr_options the library touches
# (make check-layouts): through C hosts whose `opts' has each size the
# library knows (472, 504, 512), sizes it does not know (600, 100), no size
# in the symbol table, or no `opts' at all; then the build setting
# CRIU_OPTS_LAYOUTS: bad values fail the build with a message, and a library
# built with CRIU_OPTS_LAYOUTS=600:168 (in build/alt-target, which the
# install test shares) reads a 600-byte `opts' at 168.
# Usage: run.sh LIBDIR (the folder holding libcriu-plugin.so)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
repo=$(cd "$here/../.." && pwd)
LIBDIR=$(absdir "${1:?usage: run.sh LIBDIR}") || exit 2
suite layouts "$here/build"
CARGO=${CARGO:-cargo}
ALT=$repo/build/alt-target

# What the top Makefile exports must not reach the builds below.
unset CRIU_OPTS_LAYOUTS CRIU_OPTS_LIBDIR_OFFSET CRIU_LIBS_DIR CRIU_PLUGIN_STRICT
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

# host OUT LIBFOLDER CFLAGS...: a host built with the given -D options.
host() {
	local out=$1 lib=$2
	shift 2
	build "$out" "$@" "$here/host.c" -L"$lib" -lcriu-plugin -Wl,-rpath,"$lib"
}
# run NAME HOST ARGS...: runs a host (10 s at most) into $B/NAME.out, and
# its exit status into $B/NAME.rc.
run() {
	local name=$1
	shift
	timeout 10 "$@" >"$B/$name.out" 2>&1
	echo $? >"$B/$name.rc"
}
# exited NAME CHECK: the run NAME ended normally (status 0, "done" printed).
exited() {
	if [ "$(cat "$B/$2.rc")" = 0 ] && grep -q '^done$' "$B/$2.out"; then
		ok "$1"
	else
		ko "$1 (exit status $(cat "$B/$2.rc"))" "$B/$2.out"
	fi
}
# count NAME FILE PATTERN N: exactly N lines of FILE match PATTERN.
count() {
	local n
	n=$(grep -Ec -- "$3" "$2")
	if [ "$n" = "$4" ]; then ok "$1"; else ko "$1 ($n lines match $3, not $4)" "$2"; fi
}

# Plugin folders: one for --libdir (opts.libdir), one for CRIU_LIBS_DIR,
# one for cr_plugin_set_libdir().
for d in libdir env setter; do
	mkdir -p "$B/$d"
	PLUGIN_C=$CTESTS/beyond/plugin.c plugin "$B/$d/p.so" "from-$d"
done
L=$B/libdir E=$B/env S=$B/setter
VERIFIED=$(sed -n 's/^ *verified(\([0-9]*\), *\([0-9]*\),.*/\1:\2/p' "$repo/src/opts_layouts.rs" | paste -sd, -)
if [ "$VERIFIED" = "472:160,504:160,512:160" ]; then
	ok "the verified layouts are 472:160, 504:160, 512:160 (src/opts_layouts.rs)"
else
	ko "the verified layouts are $VERIFIED, not 472:160,504:160,512:160: update this test and the README"
fi

# A warning in CRIU's log: level 2, CRIU's "Warn  (FILE:LINE): " prefix.
WP='^\[2\] Warn +\([^)]*\): '
WARN_RE="${WP}The host's \`opts' is"

# 1. Each size the library knows: --libdir is read at 160, and the folder
# chosen otherwise is written back when it was NULL.
declare -A RELEASE=([472]="3.17, 3.17.1" [504]="3.18, 3.19, 4.0, 4.1, 4.1.1" [512]="4.2, 4.2.1, criu-dev of 2025-11-16")
for size in 472 504 512; do
	host "$B/host-$size" "$LIBDIR" -rdynamic -DOPTS_SIZE="$size"
	run "known-$size" env CRIU_LIBS_DIR="$E" "$B/host-$size" 160="$L"
	exited "[$size] a host with a $size-byte opts runs" "known-$size"
	expect "[$size] --libdir (opts.libdir at 160) is read" "$B/known-$size.out" \
		'^loaded from-libdir$' '^offset=160$' \
		"^\[4\] The host's \`opts' is $size bytes: the layout of CRIU ${RELEASE[$size]}; --libdir is read at offset 160$"
	reject "[$size] CRIU_LIBS_DIR is not used then" "$B/known-$size.out" '^loaded from-env$'
	expect "[$size] opts.libdir, already set, is left as it was" "$B/known-$size.out" '^opts_unchanged=1$'
	reject "[$size] no warning" "$B/known-$size.out" '^\[2\]'

	run "known-$size-null" env CRIU_LIBS_DIR="$E" "$B/host-$size" 160=null
	exited "[$size] with opts.libdir NULL" "known-$size-null"
	expect "[$size] with opts.libdir NULL, CRIU_LIBS_DIR is used and written back at 160" "$B/known-$size-null.out" \
		'^loaded from-env$' "^at 160: written $E\$"
	count "[$size] nothing else in opts changes" "$B/known-$size-null.out" '^at [0-9]+:' 1

	run "known-$size-setter" "$B/host-$size" 160=null setter="$S"
	expect "[$size] the setter's folder is written back at 160" "$B/known-$size-setter.out" \
		'^loaded from-setter$' "^at 160: written $S\$"
done

# 2. A size it does not know (600), with a value at 160 that is no pointer:
# nothing is read or written, one warning per init, CRIU_LIBS_DIR is used.
host "$B/host-600" "$LIBDIR" -rdynamic -DOPTS_SIZE=600
run unknown-garbage env CRIU_LIBS_DIR="$E" "$B/host-600" 160=0x1 inits=2
exited "[600] a 600-byte opts with 0x1 at byte 160 does not crash the loader" unknown-garbage
count "[600] one warning per cr_plugin_init" "$B/unknown-garbage.out" "$WARN_RE" 2
expect "[600] the warning names the size, the known sizes, the effect and both remedies" "$B/unknown-garbage.out" \
	"${WP}The host's \`opts' is 600 bytes, not a layout of CRIU's struct cr_options this library knows \\(472, 504, 512 bytes\\): opts.libdir is neither read nor written, so --libdir is ignored; plugins come from the folder of cr_plugin_set_libdir\\(\\), CRIU_LIBS_DIR or the default. To use --libdir with this CRIU, rebuild the library with CRIU_OPTS_LAYOUTS=600:OFFSET, OFFSET from: gdb -batch -ex 'print \\(size_t\\)&\\(\\(struct cr_options \\*\\)0\\)->libdir' criu; or pass the plugin folder in CRIU_LIBS_DIR$"
count "[600] plugins load from CRIU_LIBS_DIR, at each init" "$B/unknown-garbage.out" '^loaded from-env$' 2
expect "[600] cr_plugin_opts_libdir_offset() is SIZE_MAX" "$B/unknown-garbage.out" '^offset=18446744073709551615$'
expect "[600] opts is not written" "$B/unknown-garbage.out" '^opts_unchanged=1$'

# ... with a valid folder at 160: not read either.
run unknown-valid env CRIU_LIBS_DIR="$E" "$B/host-600" 160="$L"
exited "[600] with a folder at 160" unknown-valid
expect "[600] a folder at 160 is not read: CRIU_LIBS_DIR is used" "$B/unknown-valid.out" '^loaded from-env$' '^opts_unchanged=1$'
reject "[600] the folder at 160 is not loaded from" "$B/unknown-valid.out" '^loaded from-libdir$'
count "[600] one warning" "$B/unknown-valid.out" "$WARN_RE" 1

# ... with NULL at 160 and the setter: the setter's folder, not written back.
run unknown-setter "$B/host-600" 160=null setter="$S"
expect "[600] the setter's folder is used and not written back" "$B/unknown-setter.out" \
	'^loaded from-setter$' '^opts_unchanged=1$' "$WARN_RE"

# 3. An opts too small to hold libdir at 160 (100 bytes).
host "$B/host-100" "$LIBDIR" -rdynamic -DOPTS_SIZE=100
run small env CRIU_LIBS_DIR="$E" "$B/host-100"
exited "[100] a host whose opts is 100 bytes runs" small
expect "[100] it is warned about by size, and CRIU_LIBS_DIR is used" "$B/small.out" \
	"${WP}The host's \`opts' is 100 bytes, not a layout" '^loaded from-env$' '^opts_unchanged=1$' '^offset=18446744073709551615$'

# 4. An opts whose symbol has no size (1024 bytes, 0x1 at 160).
host "$B/host-nosize" "$LIBDIR" -rdynamic -DOPTS_NOSIZE
if readelf -sW "$B/host-nosize" | awk '$8 == "opts" { print $3 }' | grep -qx 0; then
	ok "[no size] the host's opts has size 0 in its symbol table"
else
	ko "[no size] the host's opts has a size: $(readelf -sW "$B/host-nosize" | grep ' opts$')"
fi
run nosize env CRIU_LIBS_DIR="$E" "$B/host-nosize" 160=0x1
exited "[no size] a host whose opts has no size, 0x1 at 160, runs" nosize
expect "[no size] it is warned about, and CRIU_LIBS_DIR is used" "$B/nosize.out" \
	"${WP}The host's \`opts' has no size in its dynamic symbol table, so it cannot be matched with a layout of CRIU's struct cr_options this library knows \\(472, 504, 512 bytes\\): opts.libdir is neither read nor written, so --libdir is ignored; .*Pass the plugin folder in CRIU_LIBS_DIR$" \
	'^loaded from-env$' '^opts_unchanged=1$'

# 5. No opts at all: a plain C program (not -rdynamic, so the library logs
# warnings to stderr) and an -rdynamic one. No warning about opts.
host "$B/host-plain" "$LIBDIR" -DNO_OPTS
host "$B/host-noopts" "$LIBDIR" -rdynamic -DNO_OPTS
run plain env CRIU_LIBS_DIR="$E" "$B/host-plain"
run noopts env CRIU_LIBS_DIR="$E" "$B/host-noopts"
exited "[no opts] a plain C host runs" plain
expect "[no opts] the plain host loads from CRIU_LIBS_DIR" "$B/plain.out" '^loaded from-env$' '^offset=18446744073709551615$'
reject "[no opts] the plain host gets no warning about opts" "$B/plain.out" "opts'"
expect "[no opts] an -rdynamic host without opts loads from CRIU_LIBS_DIR" "$B/noopts.out" '^loaded from-env$'
reject "[no opts] and gets no message about opts" "$B/noopts.out" "opts'"

# 6. The table, as the C call reports it.
expect "cr_plugin_opts_layouts() reports the verified layouts" "$B/known-512.out" "^layouts=$VERIFIED\$"

# 7. The build setting. Bad values fail the build, saying what is wrong.
# (Only the build script runs; build/alt-target is the install test's.)
bad_setting() { # bad_setting NAME MESSAGE-REGEX VAR=VALUE...
	local name=$1 msg=$2 log=$B/setting-$3.log
	shift 2
	(cd "$repo" && timeout 600 env "$@" CARGO_TARGET_DIR="$ALT" "$CARGO" build --release --lib) >"$log" 2>&1
	local rc=$?
	if [ $rc != 0 ] && [ $rc != 124 ] && grep -Eq -- "$msg" "$log"; then
		ok "$name"
	else
		ko "$name (exit status $rc)" "$log"
	fi
}
bad_setting "CRIU_OPTS_LAYOUTS=600:164 fails: offset not 8-aligned" \
	"CRIU_OPTS_LAYOUTS: \`600:164': the offset of libdir must be a multiple of 8" CRIU_OPTS_LAYOUTS=600:164
bad_setting "CRIU_OPTS_LAYOUTS=160:160 fails: libdir does not fit" \
	"CRIU_OPTS_LAYOUTS: \`160:160': libdir \(8 bytes at offset 160\) does not fit in 160 bytes" CRIU_OPTS_LAYOUTS=160:160
bad_setting "CRIU_OPTS_LAYOUTS=0x258:168 fails: not decimal" \
	"CRIU_OPTS_LAYOUTS: \`0x258:168': the size must be a decimal number" CRIU_OPTS_LAYOUTS=0x258:168
bad_setting "CRIU_OPTS_LAYOUTS=600 fails: not SIZE:OFFSET" \
	"CRIU_OPTS_LAYOUTS: \`600' is not SIZE:OFFSET" CRIU_OPTS_LAYOUTS=600
bad_setting "CRIU_OPTS_LAYOUTS=600:168, fails: an empty entry" \
	"CRIU_OPTS_LAYOUTS: \`600:168,' has an empty entry" CRIU_OPTS_LAYOUTS=600:168,
bad_setting "CRIU_OPTS_LAYOUTS=512:168 fails: a verified size with another offset" \
	"CRIU_OPTS_LAYOUTS: \`512:168': size 512 is already in the table with libdir at 160 \(verified on CRIU 4.2, 4.2.1, criu-dev of 2025-11-16\)" \
	CRIU_OPTS_LAYOUTS=512:168
bad_setting "CRIU_OPTS_LAYOUTS=600:168,600:160 fails: two offsets for one size" \
	"CRIU_OPTS_LAYOUTS: \`600:160': size 600 is already in the table with libdir at 168 \(earlier in CRIU_OPTS_LAYOUTS\)" \
	CRIU_OPTS_LAYOUTS=600:168,600:160
bad_setting "CRIU_OPTS_LIBDIR_OFFSET=168 fails: the setting is gone, CRIU_OPTS_LAYOUTS named" \
	"CRIU_OPTS_LIBDIR_OFFSET=168: this setting is gone.*CRIU_OPTS_LAYOUTS=SIZE:OFFSET" CRIU_OPTS_LIBDIR_OFFSET=168

# A library built with CRIU_OPTS_LAYOUTS=600:168,512:160 (the second
# repeats a verified entry: accepted, not listed twice) reads a 600-byte
# opts at 168, and still knows the verified sizes.
if (cd "$repo" && timeout 900 env CRIU_OPTS_LAYOUTS=600:168,512:160 CARGO_TARGET_DIR="$ALT" "$CARGO" build --release --lib) \
	>"$B/extended-build.log" 2>&1; then
	ok "the library builds with CRIU_OPTS_LAYOUTS=600:168,512:160"
	X=$B/extended-lib
	mkdir -p "$X"
	cp "$ALT/release/libcriu_plugin.so" "$X/libcriu-plugin.so.1"
	ln -sf libcriu-plugin.so.1 "$X/libcriu-plugin.so"
	host "$B/host-600x" "$X" -rdynamic -DOPTS_SIZE=600
	host "$B/host-472x" "$X" -rdynamic -DOPTS_SIZE=472
	run extended env CRIU_LIBS_DIR="$E" "$B/host-600x" 160=0x1 168="$L"
	exited "[600, extended] a 600-byte opts with 0x1 at 160" extended
	expect "[600, extended] --libdir is read at 168, byte 160 is left alone" "$B/extended.out" \
		'^loaded from-libdir$' '^offset=168$' '^opts_unchanged=1$' \
		"^\[4\] The host's \`opts' is 600 bytes: a layout added at build time \\(CRIU_OPTS_LAYOUTS\\); --libdir is read at offset 168$"
	reject "[600, extended] no warning" "$B/extended.out" '^\[2\]'
	expect "[600, extended] cr_plugin_opts_layouts() lists the verified layouts, then 600:168" "$B/extended.out" \
		"^layouts=$VERIFIED,600:168\$"
	run extended-null env CRIU_LIBS_DIR="$E" "$B/host-600x" 168=null
	expect "[600, extended] the chosen folder is written back at 168" "$B/extended-null.out" \
		'^loaded from-env$' "^at 168: written $E\$"
	count "[600, extended] and nowhere else" "$B/extended-null.out" '^at [0-9]+:' 1
	run extended-472 env CRIU_LIBS_DIR="$E" "$B/host-472x" 160="$L"
	expect "[472, extended] the verified sizes still read at 160" "$B/extended-472.out" '^loaded from-libdir$' '^offset=160$'
else
	ko "the library builds with CRIU_OPTS_LAYOUTS=600:168,512:160" "$B/extended-build.log"
fi

summary
