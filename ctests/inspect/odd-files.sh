# criu-plugin-inspect on folders of plugins (run.sh sources it, in order):
# hostile files, each judged without a crash or a hang.

# 10. Hostile files: each gets a verdict, none crashes or hangs the tool.
# Every run is bounded by `timeout`; --timeout is long, so a verdict that
# names the file's kind shows it was not left to the child's timeout.
Z=$B/hostile
mkdir -p "$Z"
shared "$Z/a_desc8.so" bad_desc.c
shared "$Z/b_desc_fn.so" bad_desc.c -DAS_FUNCTION
shared "$Z/c_few_slots.so" bad_desc.c -DFEW_SLOTS
head -c 4000 "$M/a_good.so" >"$Z/d_cut.so"
mkfifo "$Z/e_fifo.so"
printf '\177ELF' >"$Z/f_elf4.so"
printf '\177ELF\002' >"$Z/g_elf5.so"
truncate -s 4G "$Z/h_sparse.so"
cp "$M/a_good.so" "$Z/i_big_elf.so"
truncate -s 4G "$Z/i_big_elf.so"
cp "$M/h_twin1.so" "$Z/j_rela.so"
# .rela.dyn's section header claims 2^63-1 bytes; dlopen reads no section
# header, and neither may the tool.
python3 - "$Z/j_rela.so" <<'PY' || ko "patching .rela.dyn's sh_size"
import struct, sys
path = sys.argv[1]
b = bytearray(open(path, 'rb').read())
shoff, = struct.unpack_from('<Q', b, 0x28)
size, count, names = struct.unpack_from('<HHH', b, 0x3a)
strtab, = struct.unpack_from('<Q', b, shoff + names * size + 0x18)
done = False
for i in range(count):
    h = shoff + i * size
    at = strtab + struct.unpack_from('<I', b, h)[0]
    if bytes(b[at:b.index(0, at)]) == b'.rela.dyn':
        struct.pack_into('<Q', b, h + 0x20, (1 << 63) - 1)
        done = True
assert done, 'no .rela.dyn'
open(path, 'wb').write(b)
PY
ln -s /dev/null "$Z/k_chardev.so"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$Z/l_socket.so"
odd=$Z/$'m_new\nline\e[31m.so'
cp "$M/h_twin1.so" "$odd"
timeout 120 "$TOOL" --timeout 60 "$Z" >"$B/hostile.out" 2>"$B/hostile.err"
status "hostile folder (bounded run)" 1 $?
expect_block "8-byte CR_PLUGIN_DESC: refused with the loader's sentence" "$B/hostile.out" a_desc8.so \
	'^   status +refused: CR_PLUGIN_DESC is 8 bytes, too small for a descriptor \(32 bytes\)$' '^   kind +descriptor$'
expect_block "CR_PLUGIN_DESC a function: refused" "$B/hostile.out" b_desc_fn.so \
	'^   status +refused: CR_PLUGIN_DESC is a function, not a data object$'
expect_block "CR_PLUGIN_DESC smaller than its max_hooks' slots: refused, its fields still shown" \
	"$B/hostile.out" c_few_slots.so \
	'^   status +refused: CR_PLUGIN_DESC is 40 bytes, too small for max_hooks 15 \(152 bytes\)$' '^   name +few-slots$'
expect_block "a file cut to 4000 bytes: refused as truncated, not loaded" "$B/hostile.out" d_cut.so \
	'^   status +refused: it is truncated: its loadable segments need [0-9]+ bytes, the file has 4000$' \
	'^   note +not loaded by the inspector: the loader refuses it before dlopen$'
reject "the cut file was not loaded (no crash reported)" "$B/block.d_cut.so" 'SIGBUS|crashed'
expect_block "a FIFO: refused in the loader's words, never opened" "$B/hostile.out" e_fifo.so \
	'^   status +refused: it is a FIFO, not a regular file$'
expect_block "a 4-byte file starting with the ELF magic" "$B/hostile.out" f_elf4.so \
	'^   status +refused: malformed ELF file: the ELF header is cut short \(dlopen: '
expect_block "a 5-byte file starting with the ELF magic" "$B/hostile.out" g_elf5.so \
	'^   status +refused: malformed ELF file: the ELF header is cut short \(dlopen: '
expect_block "a 4 GiB sparse file: not an ELF file, its head only read" "$B/hostile.out" h_sparse.so \
	'^   status +refused: not an ELF file \(dlopen: '
expect_block "a 4 GiB plugin: loads, its content not read past its headers" "$B/hostile.out" i_big_elf.so \
	'^   status +loads$' '^   note +not read by the inspector: it is 4294967296 bytes, more than the 268435456 bytes'
expect_block "a section header with a huge size: ignored, the plugin loads" "$B/hostile.out" j_rela.so \
	'^   status +(loads|alternative: closed without its init while )' '^   name +twin$' '^   hooks +DUMP_EXT_MOUNT$'
expect_block "a character device: refused in the loader's words" "$B/hostile.out" k_chardev.so \
	'^   status +refused: it is a character device, not a regular file$'
expect_block "a socket: refused in the loader's words" "$B/hostile.out" l_socket.so \
	'^   status +refused: it is a socket, not a regular file$'
expect "a file name with a newline and an escape sequence is written escaped" "$B/hostile.out" \
	'^13\. m_new\\nline\\x1b\[31m\.so$'
if LC_ALL=C grep -q $'\e' "$B/hostile.out"; then ko "no escape byte in the text" "$B/hostile.out"; else ok "no escape byte in the text"; fi
sed -n '/^13\. /,/^$/p' "$B/hostile.out" >"$B/block.odd"
expect "the odd file is judged (its twin came first)" "$B/block.odd" \
	"^   status +alternative: closed without its init while $Z/j_rela\.so starts"
blockdev=$(find /dev -maxdepth 1 -type b 2>/dev/null | head -n1)
if [ -n "$blockdev" ]; then
	ZB=$B/hostile-blk
	mkdir -p "$ZB"
	ln -s "$blockdev" "$ZB/blk.so"
	timeout 60 "$TOOL" --timeout 30 "$ZB" >"$B/hostile-blk.out" 2>&1
	status "a block device (bounded run)" 1 $?
	expect_block "a block device: refused in the loader's words" "$B/hostile-blk.out" blk.so \
		'^   status +refused: it is a block device, not a regular file$'
else
	echo "SKIP: a block device (none in /dev)"
fi
timeout 120 "$TOOL" --json --timeout 60 "$Z" >"$B/hostile.json" 2>/dev/null
status "hostile folder --json (bounded run)" 1 $?
check_json "JSON: the odd name raw, every verdict as in the text" "$B/hostile.json" "
odd = 'm_new\nline\x1b[31m.so'
assert odd in P, list(P)
assert P['a_desc8.so']['reason'] == 'CR_PLUGIN_DESC is 8 bytes, too small for a descriptor (32 bytes)'
assert P['e_fifo.so']['reason'] == 'it is a FIFO, not a regular file'
assert P['d_cut.so']['reason'].endswith('the file has 4000') and P['d_cut.so']['loaded'] is False
assert P['i_big_elf.so']['status'] == 'loads' and P['j_rela.so']['status'] == 'loads'
assert len(P) == 13, len(P)"
