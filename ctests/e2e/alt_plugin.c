/* A build of "cuda_plugin" whose init fails, as a plugin for a newer driver
 * fails on a node without one. Step 18 of run-e2e.sh puts it beside CRIU's
 * own cuda plugin, under a file name that sorts first: the library tries it
 * first, then falls back to CRIU's. Its PAUSE_DEVICES hook fails, so a
 * loader that chained it after its failed init would fail the dump. */
#include <errno.h>

#include "criu-plugin.h"

static int alt_init(int stage)
{
	(void)stage;
	return -ENODEV;
}

static void alt_exit(int stage, int ret)
{
	(void)stage;
	(void)ret;
}

static int alt_pause_devices(int pid)
{
	(void)pid;
	return -EIO;
}

CR_PLUGIN_REGISTER("cuda_plugin", alt_init, alt_exit)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__PAUSE_DEVICES, alt_pause_devices)
