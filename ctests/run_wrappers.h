/*
 * run_wrappers.h: one function per hook, each calling run_plugins(), and the
 * ct_runner that lists them. Included by criu_run.c (CRIU's own macro) and
 * hdr_run.c (the macro of criu-plugin-host.h), which define run_plugins,
 * RUN_WRAPPERS_NAME and RUN_WRAPPERS_HOW first: the same calls, compiled
 * against each macro.
 */
#ifndef RUN_WRAPPERS_NAME
#error "define RUN_WRAPPERS_NAME and RUN_WRAPPERS_HOW before including run_wrappers.h"
#endif

static int dump_unix_sk(int fd, int id)
{
	return run_plugins(DUMP_UNIX_SK, fd, id);
}
static int restore_unix_sk(int id)
{
	return run_plugins(RESTORE_UNIX_SK, id);
}
static int dump_ext_file(int fd, int id)
{
	return run_plugins(DUMP_EXT_FILE, fd, id);
}
static int restore_ext_file(int id, bool *retry_needed)
{
	return run_plugins(RESTORE_EXT_FILE, id, retry_needed);
}
static int dump_ext_mount(char *mountpoint, int id)
{
	return run_plugins(DUMP_EXT_MOUNT, mountpoint, id);
}
static int restore_ext_mount(int id, char *mountpoint, char *old_root, int *is_file)
{
	return run_plugins(RESTORE_EXT_MOUNT, id, mountpoint, old_root, is_file);
}
static int dump_ext_link(int index, int type, char *kind)
{
	return run_plugins(DUMP_EXT_LINK, index, type, kind);
}
static int handle_device_vma(int fd, const struct stat *st)
{
	return run_plugins(HANDLE_DEVICE_VMA, fd, st);
}
static int update_vma_map(const char *path, const uint64_t addr, const uint64_t old_pgoff, uint64_t *new_pgoff,
			  int *plugin_fd)
{
	return run_plugins(UPDATE_VMA_MAP, path, addr, old_pgoff, new_pgoff, plugin_fd);
}
static int resume_devices_late(int pid)
{
	return run_plugins(RESUME_DEVICES_LATE, pid);
}
static int pause_devices(int pid)
{
	return run_plugins(PAUSE_DEVICES, pid);
}
static int checkpoint_devices(int pid)
{
	return run_plugins(CHECKPOINT_DEVICES, pid);
}
static int post_forking(void)
{
	return run_plugins(POST_FORKING);
}
static int restore_init(void)
{
	return run_plugins(RESTORE_INIT);
}
static int dump_devices_late(int id)
{
	return run_plugins(DUMP_DEVICES_LATE, id);
}

const struct ct_runner RUN_WRAPPERS_NAME = {
	.how = RUN_WRAPPERS_HOW,
	.dump_unix_sk = dump_unix_sk,
	.restore_unix_sk = restore_unix_sk,
	.dump_ext_file = dump_ext_file,
	.restore_ext_file = restore_ext_file,
	.dump_ext_mount = dump_ext_mount,
	.restore_ext_mount = restore_ext_mount,
	.dump_ext_link = dump_ext_link,
	.handle_device_vma = handle_device_vma,
	.update_vma_map = update_vma_map,
	.resume_devices_late = resume_devices_late,
	.pause_devices = pause_devices,
	.checkpoint_devices = checkpoint_devices,
	.post_forking = post_forking,
	.restore_init = restore_init,
	.dump_devices_late = dump_devices_late,
};
