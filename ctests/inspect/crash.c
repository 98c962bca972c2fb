/* A plugin that crashes (SIGSEGV) in its constructor. */
#include <stdio.h>

#include "criu-plugin.h"

CR_PLUGIN_REGISTER_DUMMY("crash")

static void __attribute__((constructor)) crash_now(void)
{
	int *volatile nowhere = NULL;

	printf("crash.c: about to crash\n");
	fflush(stdout);
	*nowhere = 1;
}
