/*
 * A test plugin; NAME is set on the command line. With NEEDS_MISSING it
 * calls a function no one provides (lazily bound, so it still loads); with
 * POST_FORKING it also registers that hook (number 12).
 */
#include <errno.h>
#include <stdio.h>

#include "criu-plugin.h"

#ifdef NEEDS_MISSING
extern int criu_function_nobody_has(int);
#endif

static int plugin_init(int stage)
{
	printf("%s init %d\n", NAME, stage);
	return 0;
}

static void plugin_exit(int stage, int ret)
{
	printf("%s exit %d %d\n", NAME, stage, ret);
}

static int plugin_pause(int pid)
{
	printf("%s pause %d\n", NAME, pid);
#ifdef NEEDS_MISSING
	return criu_function_nobody_has(pid);
#else
	return 7;
#endif
}

CR_PLUGIN_REGISTER(NAME, plugin_init, plugin_exit)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__PAUSE_DEVICES, plugin_pause)

#ifdef POST_FORKING
static int plugin_post_forking(void)
{
	printf("%s post_forking\n", NAME);
	return 0;
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__POST_FORKING, plugin_post_forking)
#endif
