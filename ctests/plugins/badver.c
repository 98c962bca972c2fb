/* badver.c: a descriptor claiming interface version 0.3.0, newer than the
 * loader's 0.2.0: refused before its init runs. */
#include "criu-plugin.h"

static const char *PNAME(void)
{
	return "badver";
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
	.name = "badver",
	.init = bad_init,
	.exit = bad_exit,
	.version = CRIU_PLUGIN_GEN_VERSION(0, 3, 0),
	.max_hooks = CR_PLUGIN_HOOK__MAX,
	.hooks = { [CR_PLUGIN_HOOK__DUMP_UNIX_SK] = (void *)h_dump_unix_sk },
};
