/*
 * Writes a CRIU inventory image for the tests of --images.
 *
 *   mkinv FILE NAME...   images version 2 whose plugins_entry lists NAMEs
 *   mkinv FILE -e        with an empty plugins_entry (no plugin needed)
 *   mkinv FILE -n        without plugins_entry (a CRIU before 4.1)
 *
 * The layout: the inventory magic and the entry's size (32-bit
 * little-endian words), then the protobuf inventory_entry: field 1
 * img_version, field 12 plugins_entry (its field 12: one string per name),
 * field 13 dump_criu_run_id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INVENTORY_MAGIC 0x58313116u

static unsigned char entry[1 << 16];
static size_t used;

static void put(const void *bytes, size_t len)
{
	if (len > sizeof(entry) - used) {
		fprintf(stderr, "mkinv: the entry is too long\n");
		exit(2);
	}
	memcpy(entry + used, bytes, len);
	used += len;
}

static void put_varint(uint64_t value)
{
	unsigned char byte;

	do {
		byte = value & 0x7f;
		value >>= 7;
		if (value)
			byte |= 0x80;
		put(&byte, 1);
	} while (value);
}

/* A length-delimited field (wire type 2). */
static void put_bytes(unsigned int field, const void *bytes, size_t len)
{
	put_varint((uint64_t)field << 3 | 2);
	put_varint(len);
	put(bytes, len);
}

static void put_word(FILE *f, uint32_t word)
{
	unsigned char b[4] = { word & 0xff, word >> 8 & 0xff, word >> 16 & 0xff, word >> 24 };

	fwrite(b, 1, sizeof(b), f);
}

int main(int argc, char **argv)
{
	unsigned char names[1 << 15];
	size_t names_len = 0;
	static const char run_id[] = "00000000-test-run";
	FILE *f;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: mkinv FILE NAME... | mkinv FILE -e | mkinv FILE -n\n");
		return 2;
	}
	put_varint(1 << 3 | 0); /* img_version = 2 */
	put_varint(2);
	if (strcmp(argv[2], "-n") != 0) {
		for (i = 2; i < argc && strcmp(argv[2], "-e") != 0; i++) {
			size_t len = strlen(argv[i]);
			unsigned char key = 12 << 3 | 2;

			if (len > 127 || names_len + 2 + len > sizeof(names)) {
				fprintf(stderr, "mkinv: names of at most 127 bytes\n");
				return 2;
			}
			names[names_len++] = key;
			names[names_len++] = (unsigned char)len;
			memcpy(names + names_len, argv[i], len);
			names_len += len;
		}
		put_bytes(12, names, names_len);
	}
	put_bytes(13, run_id, strlen(run_id));

	f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	put_word(f, INVENTORY_MAGIC);
	put_word(f, (uint32_t)used);
	fwrite(entry, 1, used, f);
	if (fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
