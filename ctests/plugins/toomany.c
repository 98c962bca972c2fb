/* toomany.c: a descriptor claiming max_hooks = 20, more than the loader's
 * 15: refused before its init runs (and before its hooks are read). */
#include "criu-plugin.h"

static const char *PNAME(void)
{
	return "toomany";
}

#include "ct-plugin.h"

static int bad_init(int stage)
{
	return ct_init_common(stage);
}

static void bad_exit(int stage, int ret)
{
	ct_exit_common(stage, ret);
}

cr_plugin_desc_t CR_PLUGIN_DESC = {
	.name = "toomany",
	.init = bad_init,
	.exit = bad_exit,
	.version = CRIU_PLUGIN_VERSION,
	.max_hooks = 20,
	.hooks = { [CR_PLUGIN_HOOK__DUMP_UNIX_SK] = (void *)h_dump_unix_sk },
};
