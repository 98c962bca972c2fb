/*
 * The floor: the least any plugin loader must do. Lists the folder, and for
 * every *.so: dlopen(RTLD_LAZY) and dlsym("CR_PLUGIN_DESC"); later dlclose
 * them all in the same order. No heap of its own (a static handle table), no
 * checks, no init calls, no lists.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "floor.h"

#define FLOOR_MAX 16384

static void *handles[FLOOR_MAX];
static int loaded;

int floor_init(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		size_t len = strlen(de->d_name);
		void *h;

		if (len < 3 || strcmp(de->d_name + len - 3, ".so"))
			continue;
		if (loaded == FLOOR_MAX || (size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			goto err;
		h = dlopen(path, RTLD_LAZY);
		if (!h)
			goto err;
		handles[loaded++] = h;
		if (!dlsym(h, "CR_PLUGIN_DESC"))
			goto err;
	}
	closedir(d);
	return 0;
err:
	closedir(d);
	floor_fini();
	return -1;
}

void floor_fini(void)
{
	int i;

	for (i = 0; i < loaded; i++)
		dlclose(handles[i]);
	loaded = 0;
}
