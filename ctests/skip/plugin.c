/*
 * A plugin for the skip-list tests; NAME is set on the command line. Its
 * constructor prints a line, so a run shows whether the file was opened at
 * all (a skipped plugin must never be: none of its code may run). With
 * LEGACY it has no descriptor and exports cr_plugin_init instead.
 */
#include <stdio.h>

#include "criu-plugin.h"

static void __attribute__((constructor)) announce(void)
{
	printf("%s constructor\n", NAME);
}

#ifdef LEGACY
int cr_plugin_init(void);
int cr_plugin_init(void)
{
	printf("%s init\n", NAME);
	return 0;
}
#else
static int plugin_init(int stage)
{
	printf("%s init %d\n", NAME, stage);
	return 0;
}

CR_PLUGIN_REGISTER(NAME, plugin_init, NULL)
#endif
