/*
 * Points the PLT relocation of one imported function of an ELF64
 * little-endian shared object at another symbol index, found through the
 * section headers (.rela.plt, .dynsym, .dynstr).
 * Usage: pltpatch FILE FUNCTION NEW_INDEX (NEW_INDEX in C notation)
 * Prints the old and the new index. Exits 1 when the file has no PLT
 * relocation for FUNCTION.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *file;
static long size;

static const Elf64_Shdr *section(const char *want)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(file + eh->e_shoff);
	const char *names = (const char *)file + sh[eh->e_shstrndx].sh_offset;
	int i;

	for (i = 0; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, want))
			return &sh[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const Elf64_Shdr *rela, *dynsym, *dynstr;
	unsigned long index;
	FILE *f;
	size_t i;

	if (argc != 4) {
		fprintf(stderr, "usage: pltpatch FILE FUNCTION NEW_INDEX\n");
		return 2;
	}
	index = strtoul(argv[3], NULL, 0);
	f = fopen(argv[1], "r+b");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < (long)sizeof(Elf64_Ehdr) || fseek(f, 0, SEEK_SET)) {
		perror(argv[1]);
		return 1;
	}
	file = malloc((size_t)size);
	if (!file || fread(file, 1, (size_t)size, f) != (size_t)size || memcmp(file, ELFMAG, SELFMAG) ||
	    file[EI_CLASS] != ELFCLASS64) {
		fprintf(stderr, "%s: not an ELF64 file\n", argv[1]);
		return 1;
	}
	rela = section(".rela.plt");
	dynsym = section(".dynsym");
	dynstr = section(".dynstr");
	if (!rela || !dynsym || !dynstr) {
		fprintf(stderr, "%s: no .rela.plt, .dynsym or .dynstr\n", argv[1]);
		return 1;
	}
	for (i = 0; i < rela->sh_size / sizeof(Elf64_Rela); i++) {
		Elf64_Rela *r = (Elf64_Rela *)(file + rela->sh_offset) + i;
		unsigned long sym = ELF64_R_SYM(r->r_info);
		const Elf64_Sym *s = (const Elf64_Sym *)(file + dynsym->sh_offset) + sym;

		if (strcmp((const char *)file + dynstr->sh_offset + s->st_name, argv[2]))
			continue;
		printf("%s: PLT relocation %zu (%s): symbol %lu -> %lu\n", argv[1], i, argv[2], sym, index);
		r->r_info = ELF64_R_INFO(index, ELF64_R_TYPE(r->r_info));
		if (fseek(f, 0, SEEK_SET) || fwrite(file, 1, (size_t)size, f) != (size_t)size || fclose(f)) {
			perror(argv[1]);
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "%s: no PLT relocation for %s\n", argv[1], argv[2]);
	return 1;
}
