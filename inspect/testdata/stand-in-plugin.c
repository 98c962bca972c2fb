#include <stddef.h>
#include "criu-plugin.h"

extern int add_inventory_plugin(const char *name);

/* Stand-in that only records the name "cuda_plugin" when images are written. */
static int stand_in_init(int stage)
{
	if (stage == CR_PLUGIN_STAGE__DUMP || stage == CR_PLUGIN_STAGE__PRE_DUMP)
		return add_inventory_plugin("cuda_plugin");
	return 0;
}

static void stand_in_fini(int stage, int ret)
{
	(void)stage;
	(void)ret;
}

CR_PLUGIN_REGISTER("cuda_plugin", stand_in_init, stand_in_fini)
