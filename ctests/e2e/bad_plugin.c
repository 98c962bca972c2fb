/* A plugin that no loader supporting interface 0.2.0 may accept: its
 * descriptor claims interface version 0.3.0. Used by step 6 of run-e2e.sh:
 * a folder holding it must make `criu dump` fail cleanly. Its init succeeds,
 * so a loader that wrongly accepted it would let the dump succeed and the
 * test would notice. */
#include <stddef.h>

#include "criu-plugin.h"

static int bad_init(int stage)
{
	(void)stage;
	return 0;
}

static void bad_exit(int stage, int ret)
{
	(void)stage;
	(void)ret;
}

cr_plugin_desc_t CR_PLUGIN_DESC = {
	.name = "e2e_bad_plugin",
	.init = bad_init,
	.exit = bad_exit,
	.version = CRIU_PLUGIN_GEN_VERSION(0, 3, 0),
	.max_hooks = CR_PLUGIN_HOOK__MAX,
};
