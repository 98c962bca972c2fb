/*
 * A test plugin; NAME is set on the command line. With NEEDS_MISSING it
 * calls a function no one provides (lazily bound, so it still loads); with
 * NEEDS_FROM_EVERYWHERE too, functions of the host, the C library, the loader
 * and its own dependency (libdep.so) besides it; with
 * POST_FORKING it also registers that hook (number 12).
 */
#include <errno.h>
#include <stdio.h>

#include "criu-plugin.h"

#ifdef NEEDS_MISSING
extern int criu_function_nobody_has(int);
#endif
#ifdef NEEDS_FROM_EVERYWHERE
#include <unistd.h>
/* One import from each place a plugin's lookups reach: the executable, the
 * C library, the loader library, the plugin's own dependency (dep.c). */
extern int beyond_host_function(int);
extern int beyond_dep_function(int);
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
#if defined(NEEDS_FROM_EVERYWHERE)
	return beyond_host_function(pid) + beyond_dep_function(getpid()) + (criu_get_image_dir() < -1) +
	       criu_function_nobody_has(pid);
#elif defined(NEEDS_MISSING)
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
