# Sections 1 and 7 of the hostile input (run.sh sources it): folder entries
# that are not regular files, and plugins cut short.

########################################################################
# 1. Folder entries that are not regular files: refused, never opened (a
# FIFO would block open() forever). Each sorts after a good plugin (a.so),
# which must be finalised and unloaded again. The folder comes through
# opts.libdir here (CRIU's --libdir), through CRIU_LIBS_DIR elsewhere.
section_files() {
	not_regular() { # not_regular CASE KIND-TEXT ENTRY-NAME
		local case=$1 kind=$2 entry=$3 d=$T/$1 out=$B/out/$1.out
		hrun "$out" -- libdir="$d" maps="$d/"
		exited "$case" "$out"
		expect "$case: refused, naming what it is" "$out" \
			"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$d/$entry"): it is $kind, not a regular file$" '^init=-1$'
		rolled_back "$case" "$out"
	}
	# odd CASE KIND-TEXT ENTRY-NAME INPUT MAKER: MAKER PATH makes the entry
	# in a fresh folder $T/CASE beside a.so; INPUT says what it is.
	odd() {
		local case=$1 kind=$2 entry=$3 input=$4 maker=$5
		withgood "$T/$case"
		if "$maker" "$T/$case/$entry" 2>"$B/out/$case.err"; then
			bad "$input"
			not_regular "$case" "$kind" "$entry"
		else
			ko "cannot make $kind to test: $(cat "$B/out/$case.err")"
		fi
	}
	mkchr() { mknod "$1" c 1 3; }
	mkblk() { mknod "$1" b 7 0; }
	odd fifo "a FIFO" x.so "a FIFO x.so in the plugin folder" mkfifo
	odd dir "a directory" d.so "a directory d.so in the plugin folder" mkdir
	odd sock "a socket" s.so "a Unix socket s.so in the plugin folder" "$B/mksock"
	if needs_root "a character device in the plugin folder (mknod)"; then
		odd chr "a character device" c.so "a character device c.so (1:3, as /dev/null) in the plugin folder" mkchr
	fi
	if needs_root "a block device in the plugin folder (mknod)"; then
		odd blk "a block device" b.so "a block device b.so (7:0, as /dev/loop0) in the plugin folder" mkblk
	fi
	# A symlink to a FIFO elsewhere: the entry is judged by what it points to.
	withgood "$T/fifolink"
	mkfifo "$T/elsewhere.fifo"
	ln -s "$T/elsewhere.fifo" "$T/fifolink/y.so"
	tried fifolink "$T/fifolink" "a symlink y.so to a FIFO outside the plugin folder" "symlink to a FIFO" maps="$T/fifolink/"
	expect "symlink to a FIFO: refused as a FIFO" "$out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/fifolink/y.so"): .*FIFO" '^init=-1$'
	# A dangling symlink: an error, not a hang or a crash.
	withgood "$T/dangling"
	ln -s "$T/no-such-file.so" "$T/dangling/z.so"
	tried dangling "$T/dangling" "a dangling symlink z.so" "dangling symlink" maps="$T/dangling/"
	expect "dangling symlink: init fails with an error naming it" "$out" \
		"^\[1\] Error \([^)]*\): .*$(rx "$T/dangling/z.so")" '^init=-1$'
	rolled_back "dangling symlink" "$out"
	# A symlink to a regular plugin file still loads, in strict mode too.
	mkdir -p "$T/real"
	cp "$B/so/good.so" "$T/real/good.so"
	mkdir -p "$T/symlink"
	ln -s "$T/real/good.so" "$T/symlink/x.so"
	for mode in "" strict; do
		out=$B/out/symlink$mode.out
		hrun "$out" CRIU_LIBS_DIR="$T/symlink" -- $mode
		exited "symlink to a plugin ${mode:-(default)}" "$out"
		expect "symlink to a regular plugin file loads ${mode:+(strict mode)}" "$out" \
			'^good init 0$' '^init=0$' '^loaded good$' '^good exit 0 0$'
		reject "symlink to a regular plugin file: no error ${mode:+(strict mode)}" "$out" '^\[1\]'
	done
}

########################################################################
# 7. Truncated plugins: their segments reach past the end of the file (a
# mapping past the end of a file raises SIGBUS when touched).
section_truncated() {
	segend=0
	while read -r off size; do
		[ $((off + size)) -gt "$segend" ] && segend=$((off + size))
	done < <(readelf -lW "$B/so/good.so" | awk '$1 == "LOAD" { print $2, $5 }')
	mkdir -p "$T/trunc" "$T/trunc2"
	head -c 4000 "$B/so/good.so" >"$T/trunc/t.so"
	tried trunc "$T/trunc" "the first 4000 bytes of a good plugin" "truncated plugin (4000 bytes)" maps="$T/trunc/"
	expect "truncated plugin: refused, with the sizes" "$out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/trunc/t.so"): it is truncated: its loadable segments need [0-9]+ bytes, the file has 4000$" \
		'^init=-1$' '^mapped_after_init=0$'
	head -c $((segend - 1)) "$B/so/good.so" >"$T/trunc2/t.so"
	tried trunc2 "$T/trunc2" "a good plugin missing the last byte of its loadable segments ($((segend - 1)) of $segend bytes)" "plugin one byte short" maps="$T/trunc2/"
	expect "plugin one byte short of its segments: refused" "$out" \
		"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/trunc2/t.so"): it is truncated: its loadable segments need $segend bytes, the file has $((segend - 1))$" \
		'^init=-1$'
}
