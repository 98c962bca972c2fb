/*
 * legacy.c: a legacy plugin (no CR_PLUGIN_DESC) exporting every one of the
 * 15 legacy hook symbols and cr_plugin_init / cr_plugin_fini. The loader
 * must synthesise a descriptor (name = path, version 0.1.0, 15 hooks).
 */
#include "criu-plugin.h"

static const char *PNAME(void)
{
	return "legacy";
}

#include "ct-plugin.h"

#define EXPORT __attribute__((visibility("default")))

/* Legacy init/fini take no arguments; the loader calls them as init(stage)
 * and exit(stage, ret), which the C calling convention allows. */
EXPORT int cr_plugin_init(void);
EXPORT int cr_plugin_init(void)
{
	return ct_init_common(-1);
}

EXPORT void cr_plugin_fini(void);
EXPORT void cr_plugin_fini(void)
{
	ct_exit_common(-1, -1);
}

EXPORT cr_plugin_dump_unix_sk_t cr_plugin_dump_unix_sk;
EXPORT int cr_plugin_dump_unix_sk(int fd, int id)
{
	return h_dump_unix_sk(fd, id);
}

EXPORT cr_plugin_restore_unix_sk_t cr_plugin_restore_unix_sk;
EXPORT int cr_plugin_restore_unix_sk(int id)
{
	return h_restore_unix_sk(id);
}

EXPORT cr_plugin_dump_file_t cr_plugin_dump_file;
EXPORT int cr_plugin_dump_file(int fd, int id)
{
	return h_dump_ext_file(fd, id);
}

EXPORT cr_plugin_restore_file_t cr_plugin_restore_file;
EXPORT int cr_plugin_restore_file(int id, bool *retry_needed)
{
	return h_restore_ext_file(id, retry_needed);
}

EXPORT cr_plugin_dump_ext_mount_t cr_plugin_dump_ext_mount;
EXPORT int cr_plugin_dump_ext_mount(char *mountpoint, int id)
{
	return h_dump_ext_mount(mountpoint, id);
}

EXPORT cr_plugin_restore_ext_mount_t cr_plugin_restore_ext_mount;
EXPORT int cr_plugin_restore_ext_mount(int id, char *mountpoint, char *old_root, int *is_file)
{
	return h_restore_ext_mount(id, mountpoint, old_root, is_file);
}

EXPORT cr_plugin_dump_ext_link_t cr_plugin_dump_ext_link;
EXPORT int cr_plugin_dump_ext_link(int index, int type, char *kind)
{
	return h_dump_ext_link(index, type, kind);
}

EXPORT cr_plugin_handle_device_vma_t cr_plugin_handle_device_vma;
EXPORT int cr_plugin_handle_device_vma(int fd, const struct stat *st)
{
	return h_handle_device_vma(fd, st);
}

EXPORT cr_plugin_update_vma_map_t cr_plugin_update_vma_map;
EXPORT int cr_plugin_update_vma_map(const char *path, const uint64_t addr, const uint64_t old_pgoff,
				    uint64_t *new_pgoff, int *plugin_fd)
{
	return h_update_vma_map(path, addr, old_pgoff, new_pgoff, plugin_fd);
}

EXPORT cr_plugin_resume_devices_late_t cr_plugin_resume_devices_late;
EXPORT int cr_plugin_resume_devices_late(int pid)
{
	return h_resume_devices_late(pid);
}

EXPORT cr_plugin_pause_devices_t cr_plugin_pause_devices;
EXPORT int cr_plugin_pause_devices(int pid)
{
	return h_pause_devices(pid);
}

EXPORT cr_plugin_checkpoint_devices_t cr_plugin_checkpoint_devices;
EXPORT int cr_plugin_checkpoint_devices(int pid)
{
	return h_checkpoint_devices(pid);
}

EXPORT cr_plugin_post_forking_t cr_plugin_post_forking;
EXPORT int cr_plugin_post_forking(void)
{
	return h_post_forking();
}

EXPORT cr_plugin_restore_init_t cr_plugin_restore_init;
EXPORT int cr_plugin_restore_init(void)
{
	return h_restore_init();
}

EXPORT cr_plugin_dump_devices_late_t cr_plugin_dump_devices_late;
EXPORT int cr_plugin_dump_devices_late(int id)
{
	return h_dump_devices_late(id);
}
