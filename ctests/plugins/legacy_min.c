/*
 * legacy_min.c: a legacy plugin with one hook (cr_plugin_dump_file) and no
 * cr_plugin_init / cr_plugin_fini, linked against libcriu-plugin itself. A
 * dlsym() through its handle finds the loader's own cr_plugin_init in that
 * dependency: the loader must not take it for the plugin's init (which would
 * re-enter the loader).
 */
#include "criu-plugin.h"

static const char *PNAME(void)
{
	return "legacy_min";
}

#include "ct-plugin.h"

__attribute__((visibility("default"))) cr_plugin_dump_file_t cr_plugin_dump_file;
__attribute__((visibility("default"))) int cr_plugin_dump_file(int fd, int id)
{
	return h_dump_ext_file(fd, id);
}
