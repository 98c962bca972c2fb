/*
 * alias.c: only in host-alias, a CRIU-like host linked with zero-size
 * symbols at the addresses of its copy of cr_plugin_ctl and of opts
 * (-Wl,--defsym=NAME=cr_plugin_ctl). Linkers put such markers there by
 * themselves (_edata, __bss_start, __TMC_END__ start .bss, where copy
 * relocations land: an AddressSanitizer build of the host does it), and a
 * dladdr() of those addresses may then name the marker instead. The loader
 * must still see a 256-byte cr_plugin_ctl and CRIU's opts. This case checks
 * that the premise holds; every other case of the suite runs in this host.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>

#include "host.h"

static void premise(void *addr, const char *name)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info info;

	ct_context = name;
	CHECK(dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) != 0);
	CHECK(info.dli_saddr == addr);
	CHECK(sym != NULL);
	/* A zero-size alias answers for the address, not NAME. */
	CHECK(info.dli_sname != NULL && strcmp(info.dli_sname, name) != 0);
	CHECK_INT(sym->st_size, 0);
	ct_context = NULL;
}

TEST(alias_premise)
{
	premise(&cr_plugin_ctl, "cr_plugin_ctl");
	premise(&opts, "opts");
}
