/*
 * A plugin whose descriptor's name, version and max_hooks come from the
 * build: -DNAME="\"x\"" -DVERSION=... -DMAX_HOOKS=... It registers
 * DUMP_EXT_MOUNT from a constructor. Built with -DMARKER="\"path\"", a
 * constructor writes that file: it shows whether anything opened the
 * plugin at all.
 */
#include <errno.h>
#include <stdio.h>

#include "criu-plugin.h"

#ifndef NAME
#error "build with -DNAME=\"name\""
#endif
#ifndef VERSION
#define VERSION CRIU_PLUGIN_VERSION
#endif
#ifndef MAX_HOOKS
#define MAX_HOOKS CR_PLUGIN_HOOK__MAX
#endif

cr_plugin_desc_t CR_PLUGIN_DESC = {
	.name = NAME,
	.version = VERSION,
	.max_hooks = MAX_HOOKS,
};

static int desc_dump_ext_mount(char *mountpoint, int id)
{
	(void)mountpoint;
	(void)id;
	return -ENOTSUP;
}

CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_EXT_MOUNT, desc_dump_ext_mount)

#ifdef MARKER
static void __attribute__((constructor)) desc_opened(void)
{
	FILE *f = fopen(MARKER, "w");

	if (f) {
		fputs("opened\n", f);
		fclose(f);
	}
}
#endif
