/* A plugin whose constructor never returns. */
#include <unistd.h>

#include "criu-plugin.h"

CR_PLUGIN_REGISTER_DUMMY("hangs")

static void __attribute__((constructor)) wait_forever(void)
{
	for (;;)
		pause();
}
