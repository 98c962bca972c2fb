# The runners and checks of the hostile-input sections (run.sh sources it).

# The distinct bad inputs tried, one line each, into $B/inputs.
inputs=0
: >"$B/inputs"
bad() {
	inputs=$((inputs + 1))
	echo "$1" >>"$B/inputs"
}

# rx TEXT: TEXT as an extended regex matching itself.
rx() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }
# status_text RC: what a host's exit status means.
status_text() {
	case $1 in
	0) echo "exit status 0" ;;
	124 | 137) echo "hung: stopped by timeout after ${TMO}s" ;;
	*) if [ "$1" -gt 128 ]; then
		echo "killed by signal $(($1 - 128)) (SIG$(kill -l $(($1 - 128))))"
	else
		echo "exit status $1"
	fi ;;
	esac
}
# hrun OUT [ENV=VALUE...] -- [WORD...]: runs the host, bounded; its stdout and
# stderr in OUT, its exit status in OUT.rc.
hrun() {
	local out=$1
	shift
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	timeout -k 5 "$TMO" env "${envs[@]}" "$B/host" "$@" >"$out" 2>&1
	echo $? >"$out.rc"
}
# tried RUN DIR INPUT CASE [WORD...]: the bad input INPUT, counted; the
# host run on the plugin folder DIR (CRIU_LIBS_DIR) with the WORDs, its
# output in $out ($B/out/RUN.out); the run ended normally.
tried() {
	local run=$1 dir=$2 input=$3 case=$4
	shift 4
	bad "$input"
	out=$B/out/$run.out
	hrun "$out" CRIU_LIBS_DIR="$dir" -- "$@"
	exited "$case" "$out"
}
# exited NAME OUT: the run ended by itself (no signal, no hang), status 0.
exited() {
	local rc
	rc=$(cat "$2.rc")
	if [ "$rc" = 0 ]; then ok "$1: exits normally"; else ko "$1: $(status_text "$rc")" "$2"; fi
}
# times NAME FILE COUNT PATTERN: exactly COUNT lines of FILE match PATTERN.
times() {
	local n
	n=$(grep -Ec -- "$4" "$2")
	if [ "$n" = "$3" ]; then ok "$1"; else ko "$1 ($n lines match $4, expected $3)" "$2"; fi
}
# nobyte NAME FILE BYTE-AS-$'..': FILE holds no such byte.
nobyte() {
	if LC_ALL=C grep -q -- "$3" "$2"; then ko "$1" "$2"; else ok "$1"; fi
}
# fixed NAME FILE TEXT: some line of FILE holds TEXT, byte for byte.
fixed() {
	if LC_ALL=C grep -qF -- "$3" "$2"; then ok "$1"; else ko "$1 (no line holds: $3)" "$2"; fi
}
# rolled_back CASE OUT: after a failed init nothing is mapped, and the good
# plugin, if its init ran, got exit(0, -1).
rolled_back() {
	if grep -q '^good init 0$' "$2"; then
		expect "$1: the plugin loaded before is finalised and unloaded" "$2" '^good exit 0 -1$' '^mapped_after_init=0$'
	else
		expect "$1: nothing stays loaded" "$2" '^mapped_after_init=0$'
	fi
}
# withgood DIR: a fresh plugin folder holding the good plugin as a.so, which
# loads before the entries each case adds (x.so, d.so, ...).
withgood() {
	mkdir -p "$1"
	cp "$B/so/good.so" "$1/a.so"
}
# folder DIR [PLUGIN...]: a fresh plugin folder holding copies of the plugins.
folder() {
	local d=$1
	shift
	mkdir -p "$d"
	[ $# -gt 0 ] && cp "$@" "$d/"
	return 0
}
