/*
 * p317.c: a plugin built against Debian's real CRIU 3.17 header
 * (/usr/include/criu/criu-plugin.h, CR_PLUGIN_HOOK__MAX = 10): its descriptor has 10
 * hook slots and max_hooks = 10. Registers DUMP_UNIX_SK and
 * RESUME_DEVICES_LATE with the 3.17 macros.
 */
#include <stdio.h>

/* By full path: a CRIU installed under /usr/local would come first on the
 * include path. The header's inline dummies have unused parameters. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include CRIU317_HEADER
#pragma GCC diagnostic pop

_Static_assert(CR_PLUGIN_HOOK__MAX == 10, "this must be the CRIU 3.17 header");

extern int ct_plugin_init(const char *name, int stage, int image_dir) __attribute__((weak));
extern void ct_plugin_exit(const char *name, int stage, int ret) __attribute__((weak));
extern int ct_plugin_hook(const char *name, int hook, const char *args) __attribute__((weak));

static int p_init(int stage)
{
	return ct_plugin_init ? ct_plugin_init("p317", stage, criu_get_image_dir()) : 0;
}

static void p_exit(int stage, int ret)
{
	if (ct_plugin_exit)
		ct_plugin_exit("p317", stage, ret);
}

static int p_dump_unix_sk(int fd, int id)
{
	char a[64];
	snprintf(a, sizeof(a), "%d,%d", fd, id);
	return ct_plugin_hook ? ct_plugin_hook("p317", 0, a) : 100;
}

static int p_resume_devices_late(int pid)
{
	char a[64];
	snprintf(a, sizeof(a), "%d", pid);
	return ct_plugin_hook ? ct_plugin_hook("p317", 9, a) : pid + 1;
}

CR_PLUGIN_REGISTER("p317", p_init, p_exit)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_UNIX_SK, p_dump_unix_sk)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, p_resume_devices_late)
