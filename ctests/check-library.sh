#!/bin/bash
# check-library.sh LIB: checks a built or installed libcriu-plugin.so.
#
#   - it exports exactly the C ABI: the functions and data that
#     include/criu-plugin-host.h declares, plus criu_get_image_dir()
#     (declared in include/criu-plugin.h), and nothing else (GNU ld adds
#     one absolute symbol per version node, named after the node; those are
#     allowed, nothing more);
#   - every export carries a symbol version, the node that
#     libcriu-plugin.map gives it (the default version, name@@NODE), and
#     the library defines exactly the nodes of the map; the map's first
#     node is LIBCRIU_PLUGIN_<major> (the major version in Cargo.toml), and
#     the map names exactly the header's exports;
#   - functions are FUNC, cr_plugin_ctl is OBJECT;
#   - soname libcriu-plugin.so.<major>, full RELRO (a GNU_RELRO segment and
#     BIND_NOW), no RPATH or RUNPATH, no text relocations;
#   - it needs only the C library and the dynamic linker (DT_NEEDED).
#
# Prints each problem; on success one line saying what was checked. Exits 1
# on any problem, 2 on a usage error.
set -uo pipefail

LIB=${1:?usage: check-library.sh LIB}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
HOST_H=$REPO/include/criu-plugin-host.h
PLUGIN_H=$REPO/include/criu-plugin.h
MAP=$REPO/libcriu-plugin.map
[ -e "$LIB" ] || { echo "check-library.sh: $LIB does not exist"; exit 2; }

problems=0
problem() {
	echo "$*"
	problems=$((problems + 1))
}

# The major version, read the way the Makefile reads it.
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$REPO/Cargo.toml" | head -n1)
MAJOR=${VERSION%%.*}
[ -n "$MAJOR" ] || { echo "check-library.sh: no version in Cargo.toml"; exit 2; }
BASE_NODE=LIBCRIU_PLUGIN_$MAJOR

# Names a header declares at file scope: functions (a line ending in ");"
# that is not a typedef, a macro or a static inline) and extern data.
declared() {
	awk '
		/^(typedef|static|#|DECLARE_)/ { next }
		/^extern "C"/ { next }
		/^extern [^(]*;$/ { name = $NF; sub(/;$/, "", name); sub(/^\**/, "", name); print name; next }
		/^[A-Za-z_][^(]*\(.*\);$/ { decl = $0; sub(/\(.*/, "", decl); n = split(decl, w, /[ *]+/); print w[n] }
	' "$1"
}
expected=$(declared "$HOST_H" | sort -u)
[ "$(echo "$expected" | grep -c .)" -ge 10 ] || problem "fewer than 10 declarations found in $HOST_H: the parser is broken"
if declared "$PLUGIN_H" | grep -qx criu_get_image_dir; then
	expected=$(printf '%s\ncriu_get_image_dir\n' "$expected" | sort -u)
else
	problem "$PLUGIN_H does not declare criu_get_image_dir()"
fi

# The map: "NAME NODE" per global name, and the nodes in order.
map_names=$(awk '
	/^[A-Za-z_][A-Za-z0-9_.]* *\{/ { node = $1; next }
	/^[ \t]*(global|local):/ { scope = $1; next }
	/^\}/ { node = ""; next }
	node != "" && scope == "global:" && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*;/ { n = $1; sub(/;$/, "", n); print n, node }
' "$MAP" | sort)
map_nodes=$(awk '/^[A-Za-z_][A-Za-z0-9_.]* *\{/ { print $1 }' "$MAP")
[ "$(echo "$map_nodes" | head -n1)" = "$BASE_NODE" ] ||
	problem "the first node of $MAP is '$(echo "$map_nodes" | head -n1)', not $BASE_NODE"
diff_map=$(diff <(echo "$expected") <(echo "$map_names" | cut -d' ' -f1 | sort -u))
[ -z "$diff_map" ] || problem "$MAP does not name exactly the header's exports (< header only, > map only):
$diff_map"

# The exports: defined, non-local dynamic symbols.
syms=$(readelf --dyn-syms -W "$LIB" 2>&1) || { echo "readelf --dyn-syms failed: $syms"; exit 1; }
defined=$(awk '$1 ~ /^[0-9]+:$/ && $7 != "UND" && $5 != "LOCAL" { print $4, $7, $8 }' <<<"$syms")
node_syms=0
got=""
while read -r type ndx name; do
	[ -n "$name" ] || continue
	base=${name%%@*}
	ver=${name#"$base"}
	if [ "$ndx" = ABS ] && [ "$type" = OBJECT ] && [ -z "$ver" ] && grep -qx "$name" <<<"$map_nodes"; then
		node_syms=$((node_syms + 1))
		continue
	fi
	got="$got$base"$'\n'
	want_node=$(awk -v n="$base" '$1 == n { print $2 }' <<<"$map_names")
	if [ -z "$want_node" ]; then
		problem "exported but not in the C ABI: $name ($type)"
		continue
	fi
	[ "$ver" = "@@$want_node" ] || problem "$base has version '${ver:-none}', not @@$want_node"
	case $base in
	cr_plugin_ctl) [ "$type" = OBJECT ] || problem "cr_plugin_ctl is $type, not OBJECT" ;;
	*) [ "$type" = FUNC ] || problem "$base is $type, not FUNC" ;;
	esac
done <<<"$defined"
missing=$(comm -23 <(echo "$expected") <(printf '%s' "$got" | sort -u))
[ -z "$missing" ] || problem "in the C ABI but not exported: $(echo "$missing" | xargs)"
dups=$(printf '%s' "$got" | sort | uniq -d)
[ -z "$dups" ] || problem "exported more than once: $(echo "$dups" | xargs)"

# The version definitions: the base entry (the soname) and the map's nodes.
vdefs=$(readelf -V -W "$LIB" 2>&1 | awk '/Version definition section/ { on = 1; next } /^Version (needs|symbols)/ { on = 0 } on && /Name:/ { print $NF }')
[ "$(echo "$vdefs" | head -n1)" = "libcriu-plugin.so.$MAJOR" ] ||
	problem "the base version definition is '$(echo "$vdefs" | head -n1)', not libcriu-plugin.so.$MAJOR"
[ "$(echo "$vdefs" | tail -n +2)" = "$map_nodes" ] ||
	problem "version nodes defined: '$(echo "$vdefs" | tail -n +2 | xargs)', the map's: '$(echo "$map_nodes" | xargs)'"

# Dynamic section and segments.
dyn=$(readelf -dW "$LIB" 2>&1)
grep -q "Library soname: \[libcriu-plugin.so.$MAJOR\]" <<<"$dyn" ||
	problem "soname is not libcriu-plugin.so.$MAJOR: $(grep SONAME <<<"$dyn")"
grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' <<<"$dyn" || problem "no BIND_NOW"
if grep -Eq '\((RPATH|RUNPATH)\)' <<<"$dyn"; then problem "has a run path: $(grep -E 'RPATH|RUNPATH' <<<"$dyn")"; fi
if grep -Eq '\(TEXTREL\)|TEXTREL' <<<"$dyn"; then problem "has text relocations"; fi
# Needs the C library and the dynamic linker only (the unwinder is linked
# in from libgcc_eh.a): no libgcc_s.so.1 in every CRIU process.
needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dyn" | sort | xargs)
case " $needed " in
*" libc.so."*) ;;
*) problem "does not need the C library (NEEDED: $needed)" ;;
esac
for lib in $needed; do
	case $lib in
	libc.so.* | ld-linux*.so.* | ld64.so.* | ld-linux.so.*) ;;
	*) problem "needs $lib (NEEDED: $needed): only the C library and the dynamic linker are expected" ;;
	esac
done
readelf -lW "$LIB" 2>&1 | grep -q GNU_RELRO || problem "no GNU_RELRO segment"

if [ "$problems" -gt 0 ]; then
	echo "$LIB: $problems problems"
	exit 1
fi
echo "$LIB: exactly the $(echo "$expected" | wc -l) exports of the C ABI, each in its node ($(echo "$map_nodes" | xargs)$([ "$node_syms" -gt 0 ] && echo " and $node_syms node symbol(s)")); soname libcriu-plugin.so.$MAJOR; RELRO, BIND_NOW; no run path; needs $needed"
