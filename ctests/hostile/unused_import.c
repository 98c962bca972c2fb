/*
 * A plugin with a lazily bound import that nothing calls (atoi): the
 * hostile suite points its PLT relocation at a symbol index far outside
 * the symbol table. The dynamic linker does not follow it before the first
 * call, so CRIU's loader loads the plugin; so must the library.
 */
#include <stdio.h>
#include <stdlib.h>

#include "criu-plugin.h"

static int unused_init(int stage)
{
	printf("unused-import init %d\n", stage);
	return 0;
}

static void unused_exit(int stage, int ret)
{
	printf("unused-import exit %d %d\n", stage, ret);
}

/* Never called: it only gives the object its PLT entry for atoi. */
int unused_import_caller(const char *s);
int unused_import_caller(const char *s)
{
	return atoi(s);
}

CR_PLUGIN_REGISTER("unused-import", unused_init, unused_exit)
