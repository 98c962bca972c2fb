# Sections 4 and 5 of the hostile input (run.sh sources it): what plugins
# and names claim: descriptors that lie, names that attack the log.

########################################################################
# 4. Descriptors that lie about what they are.
section_lying() {
	lying() { # lying CASE FLAG
		mkdir -p "$T/$1"
		shared "$T/$1/$1.so" lying.c "$2"
		hrun "$B/out/$1.out" CRIU_LIBS_DIR="$T/$1" -- maps="$T/$1/"
		exited "$1" "$B/out/$1.out"
	}
	bad "CR_PLUGIN_DESC is a function"
	lying func -DLYING_FUNC
	expect "CR_PLUGIN_DESC as a function: refused, never read or called" "$B/out/func.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/func/func.so"): CR_PLUGIN_DESC is a function, not a data object$" \
		'^init=-1$' '^mapped_after_init=0$'
	reject "CR_PLUGIN_DESC as a function: it is not called" "$B/out/func.out" 'CR_PLUGIN_DESC called'
	bad "CR_PLUGIN_DESC is an 8-byte data object"
	lying eight -DLYING_EIGHT
	expect "CR_PLUGIN_DESC of 8 bytes: refused" "$B/out/eight.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/eight/eight.so"): CR_PLUGIN_DESC is 8 bytes, too small for a descriptor \(32 bytes\)$" \
		'^init=-1$' '^mapped_after_init=0$'
	bad "CR_PLUGIN_DESC of 112 bytes (10 hook slots) claiming max_hooks 15"
	lying short15 -DLYING_SHORT=15
	expect "CR_PLUGIN_DESC of 112 bytes claiming 15 hooks: refused" "$B/out/short15.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/short15/short15.so")( \(\"short\"\))?: CR_PLUGIN_DESC is 112 bytes, too small for max_hooks 15 \(152 bytes\)$" \
		'^init=-1$' '^mapped_after_init=0$'
	reject "CR_PLUGIN_DESC of 112 bytes claiming 15 hooks: nothing past its end is called" "$B/out/short15.out" 'POISON'
	lying short10 -DLYING_SHORT=10
	expect "an honest 112-byte descriptor (CRIU 3.17's header, max_hooks 10) loads" "$B/out/short10.out" \
		'^short init 0$' '^init=0$' '^loaded short$' '^pause=-95$' '^short exit 0 0$'
	reject "an honest 112-byte descriptor: nothing past its end is read" "$B/out/short10.out" 'POISON|^\[1\]'
	bad "a PLT relocation (of a function nothing calls) naming a symbol far outside the symbol table"
	mkdir -p "$T/badplt"
	shared "$T/badplt/badplt.so" unused_import.c
	if "$B/elfpatch" "$T/badplt/badplt.so" --plt atoi 0x7ffffff0 >"$B/out/elfpatch.out" 2>&1; then
		hrun "$B/out/badplt.out" CRIU_LIBS_DIR="$T/badplt" --
		exited "a bogus PLT symbol index" "$B/out/badplt.out"
		expect "a bogus PLT symbol index: the plugin loads and runs, as with CRIU's loader (the import is never bound)" \
			"$B/out/badplt.out" '^unused-import init 0$' '^init=0$' '^unused-import exit 0 0$'
		reject "a bogus PLT symbol index: no error" "$B/out/badplt.out" '^\[1\]'
	else
		ko "elfpatch could not patch the plugin" "$B/out/elfpatch.out"
	fi
}

########################################################################
# 5. Names that attack the log: control bytes and invalid UTF-8 in file
# names, folder names and descriptor names are escaped (\n \r \t \\, \xHH
# for every other byte below 0x20, 0x7f and each byte that is not UTF-8).
section_log() {
	FORGED='[1] Error (cr-dump.c:1): FORGED'
	noforged() { # noforged CASE OUT
		reject "$1: no forged log line" "$2" "^$(rx "$FORGED")"
		nobyte "$1: no ESC byte in the output" "$2" $'\x1b'
	}
	mkdir -p "$T/inj1"
	echo "not a shared object" >"$T/inj1/a"$'\n'"$FORGED"$'\n'".so"
	tried inj1 "$T/inj1" "a file named \$'a\\n$FORGED\\n.so' (not ELF)" "newline in a file name"
	noforged "newline in a file name" "$out"
	expect "newline in a file name: escaped as \\n in the error" "$out" \
		"^\[1\] Error \([^)]*\): Unable to load $(rx "$T/inj1/a\\n$FORGED\\n.so")" '^init=-1$'

	mkdir -p "$T/inj2"
	echo "not a shared object" >"$T/inj2/"$'\e[31mred.so'
	tried inj2 "$T/inj2" "a file named \$'\\e[31mred.so' (not ELF)" "ESC in a file name"
	noforged "ESC in a file name" "$out"
	fixed "ESC in a file name: escaped as \\x1b" "$out" "Unable to load $T/inj2/\\x1b[31mred.so"

	mkdir -p "$T/inj3"
	cp "$B/so/good.so" "$T/inj3/"$'\e[32mgreen.so'
	tried inj3 "$T/inj3" "a good plugin file named \$'\\e[32mgreen.so'" "ESC in a good plugin's file name"
	noforged "ESC in a good plugin's file name" "$out"
	expect "ESC in a good plugin's file name: it loads" "$out" '^init=0$' '^loaded good$'

	mkdir -p "$T/inj4"
	plugin "$T/inj4/p.so" 'x\n[1] Error (cr-dump.c:1): FORGED' -DLABEL='"inj"'
	tried inj4 "$T/inj4" "a descriptor named \"x\\n$FORGED\"" "newline in a descriptor name"
	noforged "newline in a descriptor name" "$out"
	fixed "newline in a descriptor name: escaped as \\n" "$out" "x\\n$FORGED"
	expect "newline in a descriptor name: it loads" "$out" '^inj init 0$' '^init=0$'

	mkdir -p "$T/inj5"
	plugin "$T/inj5/p.so" 't\tr\rb\\s\x01u\x7fv\xffw\xe2\x82(c\xc3\xa9z' -DLABEL='"inj"'
	tried inj5 "$T/inj5" "a descriptor name holding tab, CR, backslash, 0x01, 0x7f, 0xff, a cut UTF-8 sequence and UTF-8" "control bytes in a descriptor name"
	fixed "control bytes, backslash and invalid UTF-8 are escaped; valid UTF-8 is kept" "$out" \
		't\tr\rb\\s\x01u\x7fv\xffw\xe2\x82(c'$'\xc3\xa9''z'
	nobyte "no raw CR in the output" "$out" $'\r'
	nobyte "no raw 0x01 in the output" "$out" $'\x01'
	nobyte "no raw 0x7f in the output" "$out" $'\x7f'
	nobyte "no raw 0xff in the output" "$out" $'\xff'
	expect "control bytes in a descriptor name: it loads" "$out" '^inj init 0$' '^init=0$'

	D6=$T/"dir"$'\n'"$FORGED"
	mkdir -p "$D6"
	echo "not a shared object" >"$D6/z.so"
	tried inj6 "$D6" "a plugin folder named \$'dir\\n$FORGED'" "newline in the folder name"
	noforged "newline in the folder name" "$out"
	fixed "newline in the folder name: escaped as \\n" "$out" "Unable to load $T/dir\\n$FORGED/z.so"
}
