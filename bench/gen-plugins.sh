#!/bin/bash
# gen-plugins.sh OUTDIR COUNT INCLUDE_DIR CC CFLAGS...
#
# Compiles plugin_template.c COUNT times, as OUTDIR/all/bench_NNN.so with the
# plugin name "bench_NNN" (names must differ: the library refuses a second
# plugin of the same name), then makes the folders the benchmarks load:
# OUTDIR/nK for K in 1 4 16 64 512 (up to COUNT), each holding hard links to
# the first K plugins. Runs the compiler on every core.
set -euo pipefail

OUT=$1
COUNT=$2
INC=$3
CC=$4
shift 4
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

rm -rf "$OUT"
mkdir -p "$OUT/all"
# umask 022: the library warns about (strict mode: refuses) plugin files and
# folders that others can write.
umask 022
seq -f '%03g' 0 $((COUNT - 1)) |
	xargs -P "$(nproc)" -I{} "$CC" "$@" -fPIC -shared -I"$INC" -DBENCH_NAME='"bench_{}"' \
		-o "$OUT/all/bench_{}.so" "$HERE/plugin_template.c"
for k in 1 4 16 64 512; do
	[ "$k" -le "$COUNT" ] || continue
	mkdir -p "$OUT/n$k"
	for i in $(seq -f '%03g' 0 $((k - 1))); do
		ln "$OUT/all/bench_$i.so" "$OUT/n$k/bench_$i.so"
	done
done
echo "gen-plugins: $COUNT plugins in $OUT"
