/*
 * Compiled once per CRIU release with -DCRIU_PLUGIN_TARGET=<release> and
 * -DWANT_MAX=<that release's hook count>: the header must give the plugin
 * that release's CR_PLUGIN_HOOK__MAX, descriptor size and hook types.
 * With -DUSE_HOOK=<name> it registers that hook, which must fail to compile
 * when the release lacks it (run.sh checks both ways).
 */
#include <errno.h>
#include <stddef.h>

#include "criu-plugin.h"

_Static_assert(CR_PLUGIN_HOOK__MAX == WANT_MAX, "CR_PLUGIN_HOOK__MAX of the target release");
_Static_assert(sizeof(cr_plugin_desc_t) == 32 + 8 * WANT_MAX, "descriptor size of the target release");
_Static_assert(offsetof(cr_plugin_desc_t, hooks) == 32, "hooks offset");

CR_PLUGIN_REGISTER_DUMMY("target")

#ifdef RESTORE_FILE_OLD
/* CRIU up to 4.2: RESTORE_EXT_FILE(int id). */
static CR_PLUGIN_HOOK__RESTORE_EXT_FILE_t restore_file;
static int restore_file(int id)
{
	return id ? -ENOTSUP : 0;
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_FILE, restore_file)
#endif

#ifdef RESTORE_FILE_NEW
/* After 4.2: RESTORE_EXT_FILE(int id, bool *retry_needed). */
static CR_PLUGIN_HOOK__RESTORE_EXT_FILE_t restore_file;
static int restore_file(int id, bool *retry_needed)
{
	*retry_needed = false;
	return id ? -ENOTSUP : 0;
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_FILE, restore_file)
#endif

#ifdef USE_HOOK
#define HOOK_ID(n) CR_PLUGIN_HOOK__##n
#define HOOK_T(n) CR_PLUGIN_HOOK__##n##_t
#define USE(n)                                           \
	static int use_hook(void)                        \
	{                                                \
		return HOOK_ID(n) + (int)sizeof(HOOK_T(n) *); \
	}
USE(USE_HOOK)
int target_use(void);
int target_use(void)
{
	return use_hook();
}
#endif
