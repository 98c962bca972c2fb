/*
 * A legacy plugin: no CR_PLUGIN_DESC, only the cr_plugin_* symbols. Its
 * init writes the file MARKER: the inspector must never call it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "criu-plugin.h"

#ifndef MARKER
#error "build with -DMARKER=\"path\""
#endif

int cr_plugin_init(void);
void cr_plugin_fini(void);
int cr_plugin_dump_file(int fd, int id);
int cr_plugin_restore_file(int id, bool *retry_needed);

int cr_plugin_init(void)
{
	FILE *f = fopen(MARKER, "w");

	if (f) {
		fputs("legacy init was called\n", f);
		fclose(f);
	}
	return 0;
}

void cr_plugin_fini(void)
{
}

int cr_plugin_dump_file(int fd, int id)
{
	(void)fd;
	(void)id;
	return -ENOTSUP;
}

int cr_plugin_restore_file(int id, bool *retry_needed)
{
	(void)id;
	(void)retry_needed;
	return -ENOTSUP;
}
