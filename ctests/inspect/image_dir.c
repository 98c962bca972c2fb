/*
 * A plugin that needs only criu_get_image_dir(), which the loader library
 * itself exports: once as a function it calls (bound lazily), once as a
 * pointer in its data (bound when it is loaded). It loads wherever the
 * library's exports are visible, as in CRIU, so the inspector must not
 * report it as needing CRIU.
 */
#include <errno.h>

#include "criu-plugin.h"

static int (*const image_dir_fn)(void) = criu_get_image_dir;

static int dump_file(int fd, int id)
{
	(void)fd;
	(void)id;
	return criu_get_image_dir() >= 0 && image_dir_fn() >= 0 ? 0 : -ENOTSUP;
}

CR_PLUGIN_REGISTER_DUMMY("image-dir")
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_EXT_FILE, dump_file)
