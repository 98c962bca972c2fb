/* A plugin that calls exit(3) in its constructor: it would end CRIU. */
#include <stdlib.h>

#include "criu-plugin.h"

CR_PLUGIN_REGISTER_DUMMY("exits")

static void __attribute__((constructor)) leave_now(void)
{
	exit(3);
}
