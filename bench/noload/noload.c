/*
 * An experiment for the loader's missing-symbol check: can one
 * dlopen(path, RTLD_NOW | RTLD_NOLOAD) of a plugin already opened with
 * RTLD_LAZY replace the check that looks every lazily bound import up with
 * dlsym? And what does opening with RTLD_NOW from the start do?
 *
 *   noload facts OK_SO MISSING_SO
 *       prints, for a plugin whose imports all resolve (OK_SO) and one that
 *       imports a function nothing defines (MISSING_SO): whether each way
 *       binds the plugin's PLT slots, what it answers and what dlerror()
 *       says, whether constructors run again, whether the plugin stays
 *       loaded and usable after a failure.
 *   noload cost WAY SO
 *       runs one way once on SO (for callgrind --toggle-collect=way_*):
 *       lazy      dlopen(RTLD_LAZY)                                  (base)
 *       dlsym     dlopen(RTLD_LAZY), then per lazily bound import
 *                 dlsym(handle), else dlsym(RTLD_DEFAULT)  (the library now)
 *       noload    dlopen(RTLD_LAZY), then dlopen(RTLD_NOW | RTLD_NOLOAD)
 *                 and dlclose of that second handle
 *       now       dlopen(RTLD_NOW)
 *
 * The plugins (noload_plugin.c) count their constructor runs in
 * noload_ctor_runs, a variable of this program (-rdynamic).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int noload_ctor_runs;

static struct link_map *map_of(void *h)
{
	struct link_map *m = NULL;

	if (dlinfo(h, RTLD_DI_LINKMAP, &m))
		return NULL;
	return m;
}

struct plt {
	const Elf64_Rela *rela;
	size_t count;
	const Elf64_Sym *symtab;
	const char *strtab;
};

static int plt_of(const struct link_map *m, struct plt *p)
{
	const Elf64_Dyn *d;
	size_t size = 0;

	memset(p, 0, sizeof(*p));
	for (d = m->l_ld; d->d_tag != DT_NULL; d++) {
		/* glibc stores these already relocated. */
		switch (d->d_tag) {
		case DT_JMPREL: p->rela = (const Elf64_Rela *)d->d_un.d_ptr; break;
		case DT_PLTRELSZ: size = d->d_un.d_val; break;
		case DT_SYMTAB: p->symtab = (const Elf64_Sym *)d->d_un.d_ptr; break;
		case DT_STRTAB: p->strtab = (const char *)d->d_un.d_ptr; break;
		}
	}
	p->count = size / sizeof(Elf64_Rela);
	return p->rela && p->symtab && p->strtab ? 0 : -1;
}

/* How many of the object's undefined PLT imports are bound: their GOT slot
 * points outside the object (lazily, it points back into its own PLT). */
static void binding(void *h, int *bound, int *imports)
{
	struct link_map *m = map_of(h);
	struct plt p;
	size_t i;
	Dl_info self, there;

	*bound = *imports = 0;
	if (!m || plt_of(m, &p) || !dladdr((void *)p.rela, &self))
		return;
	for (i = 0; i < p.count; i++) {
		const Elf64_Sym *s = &p.symtab[ELF64_R_SYM(p.rela[i].r_info)];
		void *slot = *(void **)(m->l_addr + p.rela[i].r_offset);

		if (s->st_shndx != SHN_UNDEF)
			continue;
		(*imports)++;
		if (dladdr(slot, &there) && there.dli_fbase != self.dli_fbase)
			(*bound)++;
	}
}

static void state(const char *what, const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	int bound = 0, imports = 0;

	if (h) {
		binding(h, &bound, &imports);
		dlclose(h);
	}
	printf("  %-52s loaded %-3s bound %2d of %2d imports, constructor runs %d\n", what,
	       h ? "yes" : "no", bound, imports, noload_ctor_runs);
}

static void call_probe(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	int (*probe)(int);

	if (!h) {
		printf("  probe: not loaded\n");
		return;
	}
	*(void **)&probe = dlsym(h, "noload_probe");
	printf("  probe: noload_probe(20) = %d (a function of the plugin that imports nothing)\n",
	       probe ? probe(20) : -1);
	dlclose(h);
}

static void facts(const char *path)
{
	void *lazy, *now;
	const char *err;

	printf("%s\n", path);
	noload_ctor_runs = 0;
	lazy = dlopen(path, RTLD_LAZY);
	if (!lazy) {
		printf("  dlopen(RTLD_LAZY) failed: %s\n", dlerror());
		return;
	}
	state("after dlopen(RTLD_LAZY):", path);
	dlerror();
	now = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	err = dlerror();
	printf("  dlopen(RTLD_NOW | RTLD_NOLOAD) = %s, dlerror: %s\n", now ? "handle" : "NULL",
	       err ? err : "(none)");
	state("after it:", path);
	if (now)
		dlclose(now);
	call_probe(path);
	dlclose(lazy);
	state("after dlclose of the lazy handle:", path);

	noload_ctor_runs = 0;
	dlerror();
	now = dlopen(path, RTLD_NOW);
	err = dlerror();
	printf("  fresh dlopen(RTLD_NOW) = %s, dlerror: %s\n", now ? "handle" : "NULL",
	       err ? err : "(none)");
	state("after it:", path);
	if (now) {
		dlclose(now);
		return;
	}
	lazy = dlopen(path, RTLD_LAZY);
	state("then dlopen(RTLD_LAZY) again:", path);
	call_probe(path);
	if (lazy)
		dlclose(lazy);
}

/* The ways of `cost`, each its own function for --toggle-collect. */
__attribute__((noinline)) void *way_lazy(const char *path)
{
	return dlopen(path, RTLD_LAZY);
}

__attribute__((noinline)) void *way_dlsym(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY);
	struct link_map *m;
	struct plt p;
	size_t i;
	int missing = 0;

	if (!h || !(m = map_of(h)) || plt_of(m, &p))
		return h;
	for (i = 0; i < p.count; i++) {
		const Elf64_Sym *s = &p.symtab[ELF64_R_SYM(p.rela[i].r_info)];
		const char *name = p.strtab + s->st_name;

		if (s->st_shndx != SHN_UNDEF || ELF64_ST_BIND(s->st_info) == STB_WEAK)
			continue;
		if (!dlsym(h, name) && !dlsym(RTLD_DEFAULT, name))
			missing++;
	}
	if (missing)
		fprintf(stderr, "noload: %d missing\n", missing);
	return h;
}

__attribute__((noinline)) void *way_noload(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY), *now;

	if (!h)
		return h;
	now = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (now)
		dlclose(now);
	return h;
}

__attribute__((noinline)) void *way_now(const char *path)
{
	return dlopen(path, RTLD_NOW);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "facts")) {
		facts(argv[2]);
		facts(argv[3]);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "cost")) {
		void *(*way)(const char *) = !strcmp(argv[2], "lazy")     ? way_lazy
					     : !strcmp(argv[2], "dlsym")  ? way_dlsym
					     : !strcmp(argv[2], "noload") ? way_noload
					     : !strcmp(argv[2], "now")    ? way_now
									  : NULL;
		void *h;

		if (!way)
			return 2;
		h = way(argv[3]);
		if (!h) {
			fprintf(stderr, "noload: %s\n", dlerror());
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "usage: noload facts OK_SO MISSING_SO | noload cost lazy|dlsym|noload|now SO\n");
	return 2;
}
