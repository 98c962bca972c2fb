/*
 * Patches one field of an ELF64 little-endian file, found by name through
 * the section headers:
 *   elfpatch FILE SECTION NEW_SIZE       the sh_size of section SECTION
 *   elfpatch FILE --plt FUNCTION INDEX   the symbol index of FUNCTION's PLT
 *                                        relocation (.rela.plt, .dynsym,
 *                                        .dynstr)
 * Numbers in C notation (0x...). Prints the old and the new value. Exits 1
 * when the file is not such an ELF file or has no such section or
 * relocation, 2 on a usage error.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *file;
static size_t size;

/* The header of the section named `want`, or NULL. */
static Elf64_Shdr *section(const char *want)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	Elf64_Shdr *sh;
	const Elf64_Shdr *names;
	int i;

	if (eh->e_shoff > size || eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shstrndx == SHN_UNDEF ||
	    eh->e_shstrndx >= eh->e_shnum || (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
		return NULL;
	sh = (Elf64_Shdr *)(file + eh->e_shoff);
	names = &sh[eh->e_shstrndx];
	for (i = 0; i < eh->e_shnum; i++) {
		/* The name must end inside the file. */
		if (names->sh_offset > size || sh[i].sh_name >= size - names->sh_offset ||
		    !memchr(file + names->sh_offset + sh[i].sh_name, 0, size - names->sh_offset - sh[i].sh_name))
			continue;
		if (!strcmp((const char *)file + names->sh_offset + sh[i].sh_name, want))
			return &sh[i];
	}
	return NULL;
}

/* Points the PLT relocation of `function` at symbol `index`. */
static int patch_plt(const char *path, const char *function, unsigned long index)
{
	const Elf64_Shdr *rela = section(".rela.plt"), *dynsym = section(".dynsym"), *dynstr = section(".dynstr");
	size_t i;

	if (!rela || !dynsym || !dynstr) {
		fprintf(stderr, "%s: no .rela.plt, .dynsym or .dynstr\n", path);
		return 1;
	}
	for (i = 0; i < rela->sh_size / sizeof(Elf64_Rela); i++) {
		Elf64_Rela *r = (Elf64_Rela *)(file + rela->sh_offset) + i;
		unsigned long sym = ELF64_R_SYM(r->r_info);
		const Elf64_Sym *s = (const Elf64_Sym *)(file + dynsym->sh_offset) + sym;

		if (strcmp((const char *)file + dynstr->sh_offset + s->st_name, function))
			continue;
		printf("%s: PLT relocation %zu (%s): symbol %lu -> %lu\n", path, i, function, sym, index);
		r->r_info = ELF64_R_INFO(index, ELF64_R_TYPE(r->r_info));
		return 0;
	}
	fprintf(stderr, "%s: no PLT relocation for %s\n", path, function);
	return 1;
}

int main(int argc, char **argv)
{
	Elf64_Shdr *sh;
	FILE *f;
	long len;
	int plt = argc == 5 && !strcmp(argv[2], "--plt"), rc;

	if (argc != 4 && !plt) {
		fprintf(stderr, "usage: elfpatch FILE SECTION NEW_SIZE | elfpatch FILE --plt FUNCTION INDEX\n");
		return 2;
	}
	f = fopen(argv[1], "r+b");
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(argv[1]);
		return 1;
	}
	size = (size_t)len;
	file = malloc(size + 1);
	if (!file || fread(file, 1, size, f) != size || size < sizeof(Elf64_Ehdr) || memcmp(file, ELFMAG, SELFMAG) ||
	    file[EI_CLASS] != ELFCLASS64 || file[EI_DATA] != ELFDATA2LSB) {
		fprintf(stderr, "%s: not a little-endian ELF64 file\n", argv[1]);
		return 1;
	}
	if (plt) {
		rc = patch_plt(argv[1], argv[3], strtoul(argv[4], NULL, 0));
	} else if ((sh = section(argv[2]))) {
		unsigned long long new_size = strtoull(argv[3], NULL, 0);

		printf("%s: section %s: sh_size 0x%llx -> 0x%llx\n", argv[1], argv[2], (unsigned long long)sh->sh_size,
		       new_size);
		sh->sh_size = new_size;
		rc = 0;
	} else {
		fprintf(stderr, "%s: no section %s\n", argv[1], argv[2]);
		rc = 1;
	}
	if (rc == 0 && (fseek(f, 0, SEEK_SET) || fwrite(file, 1, size, f) != size || fclose(f))) {
		perror(argv[1]);
		return 1;
	}
	return rc;
}
