/*
 * Overwrites the sh_size of one section header of an ELF64 little-endian
 * file, found by name through the section-name string table.
 * Usage: elfpatch FILE SECTION NEW_SIZE (NEW_SIZE in C notation: 0x...)
 * Prints the old size. Exits 1 when the file is not such an ELF file or has
 * no section of that name.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_at(FILE *f, long off, void *buf, size_t len)
{
	return fseek(f, off, SEEK_SET) == 0 && fread(buf, 1, len, f) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
	Elf64_Ehdr eh;
	Elf64_Shdr strtab, sh;
	unsigned long long new_size;
	char name[64];
	FILE *f;
	int i;

	if (argc != 4) {
		fprintf(stderr, "usage: elfpatch FILE SECTION NEW_SIZE\n");
		return 2;
	}
	new_size = strtoull(argv[3], NULL, 0);
	f = fopen(argv[1], "r+b");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	if (read_at(f, 0, &eh, sizeof(eh)) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shstrndx == SHN_UNDEF || eh.e_shstrndx >= eh.e_shnum) {
		fprintf(stderr, "%s: not a little-endian ELF64 file with section names\n", argv[1]);
		return 1;
	}
	if (read_at(f, (long)(eh.e_shoff + (Elf64_Off)eh.e_shstrndx * sizeof(Elf64_Shdr)), &strtab, sizeof(strtab))) {
		fprintf(stderr, "%s: cannot read the section-name table's header\n", argv[1]);
		return 1;
	}
	for (i = 0; i < eh.e_shnum; i++) {
		long at = (long)(eh.e_shoff + (Elf64_Off)i * sizeof(Elf64_Shdr));

		if (read_at(f, at, &sh, sizeof(sh)))
			break;
		if (sh.sh_name >= strtab.sh_size)
			continue;
		/* The name may end closer than 63 bytes before the end of the file. */
		memset(name, 0, sizeof(name));
		if (fseek(f, (long)(strtab.sh_offset + sh.sh_name), SEEK_SET) ||
		    fread(name, 1, sizeof(name) - 1, f) == 0)
			continue;
		if (strcmp(name, argv[2]))
			continue;
		printf("%s: section %d %s: sh_size 0x%llx -> 0x%llx\n", argv[1], i, name,
		       (unsigned long long)sh.sh_size, new_size);
		sh.sh_size = new_size;
		if (fseek(f, at, SEEK_SET) || fwrite(&sh, sizeof(sh), 1, f) != 1 || fclose(f)) {
			perror(argv[1]);
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "%s: no section %s\n", argv[1], argv[2]);
	return 1;
}
