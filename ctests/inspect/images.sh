#!/bin/bash
# Tests of criu-plugin-inspect --images DIR [FOLDER]: whether a restore of
# the images in DIR would find the plugins they need, on inventory images
# written by mkinv.c and on ones real CRIU wrote (inspect/testdata).
# Usage: images.sh TOOL (the criu-plugin-inspect binary)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../checks.sh"
. "$here/lib.sh"
TOOL=$(absfile "${1:?usage: images.sh TOOL}") || exit 2
DATA=$here/../../inspect/testdata
suite "inspect --images" "$here/build/images"
build "$B/mkinv" "$here/mkinv.c"
# The test plugin: desc.c, named by plugin's NAME.
PLUGIN_C=desc.c
# images DIR ARGS...: an images folder whose inventory mkinv writes
images() {
	local dir=$1
	shift
	mkdir -p "$dir"
	"$B/mkinv" "$dir/inventory.img" "$@" || { echo "FAIL: mkinv $*"; exit 1; }
}

# The plugin folder: "good" and "cuda_plugin_v2" load, "bad" is refused
# only in the folder with a refused file.
P=$B/plugins
mkdir -p "$P"
plugin "$P/a_good.so" good
plugin "$P/b_cuda.so" cuda_plugin
R=$B/with-refused
mkdir -p "$R"
cp "$P/a_good.so" "$R/"
plugin "$R/z_new.so" too-new -DVERSION='CRIU_PLUGIN_GEN_VERSION(0, 3, 0)'

# 1. Two plugins needed, the folder provides one.
images "$B/two" good amdgpu_plugin
bounded "$TOOL" --images "$B/two" "$P" >"$B/two.out" 2>"$B/two.err"
status "two plugins needed, one provided" 1 $?
expect "it names the images, the inventory and the folder" "$B/two.out" \
	"^Images: $B/two$" "^Inventory: $B/two/inventory\.img \(images version 2, dumped by CRIU run 00000000-test-run\)$" \
	"^Plugin folder: $P \(from command line\)$"
expect "it says which is provided and which is missing" "$B/two.out" \
	'^Plugins the images need \(2, as inventory\.img lists them\):$' \
	'^  good +provided by a_good\.so \("good", loads\)$' '^  amdgpu_plugin +missing$' \
	'^Missing required plugin: amdgpu_plugin$' \
	'^The restore would fail at cr_plugin_init: 1 plugin the images need is missing\.$'
expect "a plugin no name needs is listed" "$B/two.out" '^Loaded, but needed by no recorded name: b_cuda\.so \("cuda_plugin"\)'
empty "nothing on stderr" "$B/two.err"
bounded "$TOOL" --json --images "$B/two" "$P" >"$B/two.json" 2>/dev/null
status "two plugins needed, one provided, --json" 1 $?
check_json "JSON: needed, missing, satisfied, the folder's inspection" "$B/two.json" "
assert d['schema'] == 1 and d['images'] == '$B/two' and d['inventory'] == '$B/two/inventory.img'
assert d['img_version'] == 2 and d['plugins_recorded'] is True and d['dump_criu_run_id'] == '00000000-test-run'
assert d['needed'] == [
    {'name': 'good', 'provided_by': '$P/a_good.so', 'provider_name': 'good', 'provider_status': 'loads'},
    {'name': 'amdgpu_plugin', 'provided_by': None, 'provider_name': None, 'provider_status': None}], d['needed']
assert d['missing'] == ['amdgpu_plugin'] and d['unneeded'] == ['$P/b_cuda.so']
assert d['satisfied'] is False and d['exit_status'] == 1
i = d['inspection']
assert i['schema'] == 1 and i['folder'] == '$P' and len(i['plugins']) == 2 and i['exit_status'] == 0"

# 2. Satisfied, in any order; CRIU's prefix rule.
images "$B/both" cuda_plugin good
bounded "$TOOL" --images "$B/both" "$P" >"$B/both.out" 2>&1
status "both plugins provided" 0 $?
expect "satisfied" "$B/both.out" '^The restore would find every plugin the images need\.$'
reject "nothing missing" "$B/both.out" 'Missing required plugin'
images "$B/prefix" cuda_plugin_v2
bounded "$TOOL" --images "$B/prefix" "$P" >"$B/prefix.out" 2>&1
status "a recorded name that starts with a plugin's name (CRIU's strncmp)" 0 $?
expect "it is taken by that plugin" "$B/prefix.out" '^  cuda_plugin_v2 +provided by b_cuda\.so \("cuda_plugin", loads\)$'
images "$B/shorter" cuda
bounded "$TOOL" --images "$B/shorter" "$P" >"$B/shorter.out" 2>&1
status "a recorded name shorter than the plugin's" 1 $?
expect "it is missing" "$B/shorter.out" '^Missing required plugin: cuda$'
images "$B/twice" good good
bounded "$TOOL" --images "$B/twice" "$P" >"$B/twice.out" 2>&1
status "a name recorded twice, one plugin of that name" 1 $?
expect "one plugin takes one name" "$B/twice.out" '^Missing required plugin: good$'

# 3. No plugins_entry (a CRIU before 4.1), or an empty one.
images "$B/none" -n
bounded "$TOOL" --images "$B/none" "$P" >"$B/none.out" 2>&1
status "no plugin list" 0 $?
expect "no plugin list: nothing required" "$B/none.out" \
	'^The images record no plugin list \(written by a CRIU before 4\.1\): no plugin is required; every plugin that loads takes part\.$'
bounded "$TOOL" --json --images "$B/none" "$P" >"$B/none.json" 2>/dev/null
check_json "JSON: no plugin list" "$B/none.json" "
assert d['plugins_recorded'] is False and d['needed'] == [] and d['missing'] == [] and d['satisfied'] is True"
images "$B/empty-list" -e
bounded "$TOOL" --images "$B/empty-list" "$P" >"$B/empty-list.out" 2>&1
status "an empty plugin list" 0 $?
expect "an empty plugin list: nothing needed" "$B/empty-list.out" '^The images need no plugin \(their plugin list is empty\)\.$'

# 4. A refused file fails the restore even when every name is found.
bounded "$TOOL" --images "$B/none" "$R" >"$B/refused.out" 2>&1
status "a refused file in the folder" 1 $?
expect "a refused file: named as the cause" "$B/refused.out" \
	'^The restore would fail at cr_plugin_init: z_new\.so would be refused \(version 0\.3\.0 is newer than the supported 0\.2\.0\)\.$'
bounded "$TOOL" --images "$B/none" "$B/no-such-folder" >"$B/nofolder.out" 2>"$B/nofolder.err"
status "a plugin folder that cannot be read" 1 $?
expect "the folder's error on stderr" "$B/nofolder.err" "^criu-plugin-inspect: Unable to open directory $B/no-such-folder: "
expect "the verdict on stdout" "$B/nofolder.out" 'the plugin folder cannot be used'

# 5. Without FOLDER: the loader's folder (CRIU_LIBS_DIR here).
CRIU_LIBS_DIR=$P bounded "$TOOL" --images "$B/both" >"$B/env.out" 2>&1
status "the loader's folder (CRIU_LIBS_DIR)" 0 $?
expect "it names CRIU_LIBS_DIR as the source" "$B/env.out" "^Plugin folder: $P \(from CRIU_LIBS_DIR\)$"

# 6. Images written by CRIU 4.1.1 and re-encoded by crit 3.17.
R1=$B/real-plugins R2=$B/real-none R3=$B/real-317
mkdir -p "$R1" "$R2" "$R3"
cp "$DATA/inventory-4.1.1-plugins.img" "$R1/inventory.img"
cp "$DATA/inventory-4.1.1.img" "$R2/inventory.img"
cp "$DATA/inventory-3.17-crit.img" "$R3/inventory.img"
bounded "$TOOL" --json --images "$R1" "$P" >"$B/real1.json" 2>/dev/null
status "CRIU 4.1.1's images with two plugins, one provided" 1 $?
check_json "JSON: CRIU's images name inventory_test_enabled_plugin and cuda_plugin" "$B/real1.json" "
assert [n['name'] for n in d['needed']] == ['inventory_test_enabled_plugin', 'cuda_plugin'], d['needed']
assert d['missing'] == ['inventory_test_enabled_plugin'] and d['needed'][1]['provided_by'] == '$P/b_cuda.so'
assert d['dump_criu_run_id'] == '925014af-9f09-4318-b0df-1c02ac9773fe'"
Q=$B/real-folder
mkdir -p "$Q"
cp "$P/b_cuda.so" "$Q/"
plugin "$Q/c_inv.so" inventory_test_enabled_plugin
bounded "$TOOL" --images "$R1" "$Q" >"$B/real1.out" 2>&1
status "CRIU 4.1.1's images, both plugins provided" 0 $?
bounded "$TOOL" --images "$R2" "$P" >"$B/real2.out" 2>&1
status "CRIU 4.1.1's images without plugins (an empty list)" 0 $?
expect "an empty list" "$B/real2.out" 'The images need no plugin'
bounded "$TOOL" --images "$R3" "$P" >"$B/real3.out" 2>&1
status "crit 3.17's images (no plugin list)" 0 $?
expect "no plugin list" "$B/real3.out" 'record no plugin list'

# 7. Inventories that cannot be read: exit 2, the reason on stderr,
# nothing on stdout, no plugin loaded.
bad() { # bad NAME DIR PATTERN
	timeout 60 "$TOOL" --images "$2" "$P" >"$B/bad.out" 2>"$B/bad.err"
	status "$1" 2 $?
	expect "$1: said on stderr" "$B/bad.err" "^criu-plugin-inspect: cannot read the images' inventory: $3"
	empty "$1: nothing on stdout" "$B/bad.out"
	timeout 60 "$TOOL" --json --images "$2" "$P" >"$B/bad.out" 2>/dev/null
	status "$1, --json" 2 $?
	empty "$1, --json: nothing on stdout" "$B/bad.out"
}
mkdir -p "$B/missing"
bad "no inventory.img" "$B/missing" "$B/missing/inventory\.img: no such file \(is $B/missing a folder of CRIU images\?\)$"
bad "no images folder" "$B/nowhere" "$B/nowhere/inventory\.img: no such file"
mkdir -p "$B/cut" "$B/cut4" "$B/zero" "$B/foreign" "$B/fifo" "$B/dir/inventory.img" "$B/huge"
head -c 20 "$B/two/inventory.img" >"$B/cut/inventory.img"
bad "a truncated inventory.img" "$B/cut" "$B/cut/inventory\.img: truncated entry at byte 8: expected [0-9]+ bytes, got 12$"
head -c 3 "$B/two/inventory.img" >"$B/cut4/inventory.img"
bad "an inventory.img cut in its magic" "$B/cut4" "$B/cut4/inventory\.img: truncated magic at byte 0"
: >"$B/zero/inventory.img"
bad "an empty inventory.img" "$B/zero" "$B/zero/inventory\.img: empty file"
cp "$DATA/pstree-4.1.1.img" "$B/foreign/inventory.img"
bad "another image as inventory.img" "$B/foreign" \
	"$B/foreign/inventory\.img: not an inventory image: it starts with 0x54564319 \(common image header\) followed by 0x50273030 \(pstree image\)"
mkfifo "$B/fifo/inventory.img"
bad "a FIFO as inventory.img (bounded run)" "$B/fifo" "$B/fifo/inventory\.img: is a FIFO, not a regular file"
bad "a folder as inventory.img" "$B/dir" "$B/dir/inventory\.img: is a directory, not a regular file"
truncate -s 2M "$B/huge/inventory.img"
bad "a 2 MiB inventory.img" "$B/huge" "$B/huge/inventory\.img: larger than 1048576 bytes"

# 8. Usage.
bounded "$TOOL" --images >"$B/usage.out" 2>"$B/usage.err"
status "--images without DIR" 2 $?
expect "--images without DIR: said on stderr" "$B/usage.err" '^criu-plugin-inspect: --images needs a value'
bounded "$TOOL" --images "$B/two" "$P/a_good.so" >"$B/usage.out" 2>"$B/usage.err"
status "--images with a FILE" 2 $?
expect "--images with a FILE: said on stderr" "$B/usage.err" '^criu-plugin-inspect: with --images, give the plugin FOLDER, not a file'
empty "--images with a FILE: nothing on stdout" "$B/usage.out"

# 9. Every JSON field of --images is documented in --help.
json_documented "$B/two.json" "$B/none.json" "$B/real1.json"

summary
