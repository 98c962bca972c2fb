/*
 * sparse.c: a modern plugin with only two hooks (DUMP_EXT_FILE and
 * RESUME_DEVICES_LATE) and the dummy init/exit: it must sit on those two
 * chains only.
 */
#include "criu-plugin.h"

static const char *PNAME(void)
{
	return "sparse";
}

#include "ct-plugin.h"

CR_PLUGIN_REGISTER_DUMMY("sparse")

CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_EXT_FILE, h_dump_ext_file)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, h_resume_devices_late)
