/*
 * criu_run.c: CRIU's side of the ABI, compiled the way CRIU compiles it and
 * without this project's host header: the plugin header CRIU includes
 * (criu-plugin.h, ours as a drop-in), CRIU's struct list_head (prev first,
 * as CRIU's include/common/list.h has it, unlike the kernel's), CRIU 4.1.1's
 * criu/include/plugin.h types, and its run_plugins macro exactly as it is
 * there, over a container_of / list_for_each_entry written here from
 * scratch (kernel style). This is how CRIU's code walks the library's lists
 * at every hook site.
 */
#include <errno.h>
#include <stddef.h>

#include "criu-plugin.h"

/* CRIU's logging, as CRIU's log.h declares it (the host defines it). */
#define LOG_DEBUG 4
extern void print_on_level(unsigned int loglevel, const char *format, ...) __attribute__((format(printf, 2, 3)));
#define pr_debug(fmt, ...) print_on_level(LOG_DEBUG, fmt, ##__VA_ARGS__)

/* CRIU's include/common/list.h: prev, then next. */
struct list_head {
	struct list_head *prev, *next;
};

/* container_of and list_for_each_entry, kernel style. */
#define container_of(ptr, type, member)                            \
	({                                                         \
		const typeof(((type *)0)->member) *__mptr = (ptr); \
		(type *)((char *)__mptr - offsetof(type, member)); \
	})

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member) list_entry((pos)->member.next, typeof(*(pos)), member)

#define list_for_each_entry(pos, head, member)                                                  \
	for (pos = list_first_entry(head, typeof(*pos), member); &pos->member != (head); \
	     pos = list_next_entry(pos, member))

/* CRIU 4.1.1, criu/include/plugin.h. */
typedef struct {
	struct list_head head;
	struct list_head hook_chain[CR_PLUGIN_HOOK__MAX];
} cr_plugin_ctl_t;

extern cr_plugin_ctl_t cr_plugin_ctl;

typedef struct {
	cr_plugin_desc_t *d;
	struct list_head list;
	void *dlhandle;
	struct list_head link[CR_PLUGIN_HOOK__MAX];
} plugin_desc_t;

#define run_plugins(__hook, ...)                                                                            \
	({                                                                                                  \
		plugin_desc_t *this;                                                                        \
		int __ret = -ENOTSUP;                                                                       \
                                                                                                            \
		list_for_each_entry(this, &cr_plugin_ctl.hook_chain[CR_PLUGIN_HOOK__##__hook],              \
				    link[CR_PLUGIN_HOOK__##__hook]) {                                       \
			pr_debug("plugin: `%s' hook %u -> %p\n", this->d->name, CR_PLUGIN_HOOK__##__hook,   \
				 this->d->hooks[CR_PLUGIN_HOOK__##__hook]);                                 \
			__ret = ((CR_PLUGIN_HOOK__##__hook##_t *)this->d->hooks[CR_PLUGIN_HOOK__##__hook])( \
				__VA_ARGS__);                                                               \
			if (__ret == -ENOTSUP)                                                              \
				continue;                                                                   \
			break;                                                                              \
		}                                                                                           \
		__ret;                                                                                      \
	})

#include "runner.h"

const struct ct_criu_layout ct_criu_layout = {
	.list_head_size = sizeof(struct list_head),
	.off_prev = offsetof(struct list_head, prev),
	.off_next = offsetof(struct list_head, next),
	.ctl_size = sizeof(cr_plugin_ctl_t),
	.ctl_off_head = offsetof(cr_plugin_ctl_t, head),
	.ctl_off_hook_chain = offsetof(cr_plugin_ctl_t, hook_chain),
	.pd_size = sizeof(plugin_desc_t),
	.pd_off_d = offsetof(plugin_desc_t, d),
	.pd_off_list = offsetof(plugin_desc_t, list),
	.pd_off_dlhandle = offsetof(plugin_desc_t, dlhandle),
	.pd_off_link = offsetof(plugin_desc_t, link),
};

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

const struct ct_runner ct_run_criu = {
	.how = "CRIU's run_plugins macro",
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
