/*
 * A plugin that uses CRIU's own data and functions, as CRIU's plugins do:
 * `opts` (data: resolved by dlopen even with RTLD_LAZY, so it cannot be
 * loaded outside CRIU) and print_on_level (a function: bound lazily).
 * With -DONLY_FUNCTION it uses print_on_level only, and loads anywhere.
 *
 * DUMP_EXT_FILE is set in the descriptor itself (readable from the file);
 * RESTORE_EXT_FILE is registered by a constructor (known only once loaded).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "criu-plugin.h"

#ifndef NAME
#define NAME "needs-criu"
#endif

extern void print_on_level(unsigned int loglevel, const char *format, ...);

#ifndef ONLY_FUNCTION
struct cr_options {
	char before_libdir[160];
	char *libdir;
};
extern struct cr_options opts;
#define LIBDIR (opts.libdir ? opts.libdir : "-")
#else
#define LIBDIR "-"
#endif

static int needs_dump_file(int fd, int id)
{
	print_on_level(4, "dump file %d %d from %s\n", fd, id, LIBDIR);
	return -ENOTSUP;
}

static int needs_restore_file(int id, bool *retry_needed)
{
	(void)retry_needed;
	print_on_level(4, "restore file %d from %s\n", id, LIBDIR);
	return -ENOTSUP;
}

cr_plugin_desc_t CR_PLUGIN_DESC = {
	.name = NAME,
	.version = CRIU_PLUGIN_VERSION,
	.max_hooks = CR_PLUGIN_HOOK__MAX,
	.hooks = {
		[CR_PLUGIN_HOOK__DUMP_EXT_FILE] = (void *)needs_dump_file,
	},
};

CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_FILE, needs_restore_file)
