/*
 * A modern plugin: a descriptor with init and exit, two hooks registered by
 * constructors (CR_PLUGIN_REGISTER_HOOK). Its init writes the file MARKER:
 * the inspector must never call it. A constructor also prints to stdout,
 * which must not end up in the inspector's output.
 */
#include <errno.h>
#include <stdio.h>

#include "criu-plugin.h"

#ifndef MARKER
#error "build with -DMARKER=\"path\""
#endif

static int good_init(int stage)
{
	FILE *f = fopen(MARKER, "w");

	if (f) {
		fprintf(f, "init(%d) was called\n", stage);
		fclose(f);
	}
	return 0;
}

static void good_exit(int stage, int ret)
{
	(void)stage;
	(void)ret;
}

CR_PLUGIN_REGISTER("good", good_init, good_exit)

static int good_dump_unix_sk(int fd, int id)
{
	(void)fd;
	(void)id;
	return -ENOTSUP;
}

static int good_post_forking(void)
{
	return 0;
}

CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_UNIX_SK, good_dump_unix_sk)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__POST_FORKING, good_post_forking)

static void __attribute__((constructor)) chatty(void)
{
	printf("good.c: a constructor writing to stdout\n");
	fflush(stdout);
}
