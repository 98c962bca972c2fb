/*
 * ct-plugin.h: what the test plugins share.
 *
 * Every hook body records its call (plugin name, hook number, arguments) in
 * the test host through ct_plugin_hook() and returns what the test asked for.
 * The host callbacks are weak: in a host that does not export them (the
 * plain host, not linked -rdynamic) they are NULL and the plugins fall back
 * to fixed answers computed from their arguments.
 */
#ifndef CT_PLUGIN_H
#define CT_PLUGIN_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

/* Exported by the CRIU-like test host (host.c). */
extern int ct_plugin_init(const char *name, int stage, int image_dir) __attribute__((weak));
extern void ct_plugin_exit(const char *name, int stage, int ret) __attribute__((weak));
extern int ct_plugin_hook(const char *name, int hook, const char *args) __attribute__((weak));

/* The loader's function for plugins (resolved in the process's global scope). */
extern int criu_get_image_dir(void);

/* PNAME() gives the plugin's name; each plugin defines it before including. */
static const char *PNAME(void);

#define CT_UNUSED __attribute__((unused))

/* The images folder descriptor the plugin saw in its init. */
static int ct_seen_image_dir = -100;

/* The answer of hook `hook` when the host has no ct_plugin_hook. */
static CT_UNUSED int ct_fallback(int hook, int arg)
{
	switch (hook) {
	case 9: /* RESUME_DEVICES_LATE(pid): shows the argument arrived */
		return arg + 1;
	case 14: /* DUMP_DEVICES_LATE: what criu_get_image_dir() said in init */
		return ct_seen_image_dir;
	default:
		return 100 + hook;
	}
}

static CT_UNUSED int ct_call(int hook, const char *args, int arg)
{
	if (ct_plugin_hook)
		return ct_plugin_hook(PNAME(), hook, args);
	return ct_fallback(hook, arg);
}

static CT_UNUSED int ct_init_common(int stage)
{
	ct_seen_image_dir = criu_get_image_dir();
	if (ct_plugin_init)
		return ct_plugin_init(PNAME(), stage, ct_seen_image_dir);
	return 0;
}

static CT_UNUSED void ct_exit_common(int stage, int ret)
{
	if (ct_plugin_exit)
		ct_plugin_exit(PNAME(), stage, ret);
}

/*
 * The 15 hook bodies. Pointer arguments are shown by what they point to, and
 * output arguments are written so the caller can see the hook ran.
 */
static CT_UNUSED int h_dump_unix_sk(int fd, int id)
{
	char a[64];
	snprintf(a, sizeof(a), "%d,%d", fd, id);
	return ct_call(0, a, fd);
}

static CT_UNUSED int h_restore_unix_sk(int id)
{
	char a[64];
	snprintf(a, sizeof(a), "%d", id);
	return ct_call(1, a, id);
}

static CT_UNUSED int h_dump_ext_file(int fd, int id)
{
	char a[64];
	snprintf(a, sizeof(a), "%d,%d", fd, id);
	return ct_call(2, a, fd);
}

static CT_UNUSED int h_restore_ext_file(int id, bool *retry_needed)
{
	char a[64];
	snprintf(a, sizeof(a), "%d,%d", id, *retry_needed);
	*retry_needed = true;
	return ct_call(3, a, id);
}

static CT_UNUSED int h_dump_ext_mount(char *mountpoint, int id)
{
	char a[256];
	snprintf(a, sizeof(a), "%s,%d", mountpoint, id);
	return ct_call(4, a, id);
}

static CT_UNUSED int h_restore_ext_mount(int id, char *mountpoint, char *old_root, int *is_file)
{
	char a[256];
	snprintf(a, sizeof(a), "%d,%s,%s,%d", id, mountpoint, old_root, *is_file);
	*is_file = 1;
	return ct_call(5, a, id);
}

static CT_UNUSED int h_dump_ext_link(int index, int type, char *kind)
{
	char a[256];
	snprintf(a, sizeof(a), "%d,%d,%s", index, type, kind);
	return ct_call(6, a, index);
}

static CT_UNUSED int h_handle_device_vma(int fd, const struct stat *st)
{
	char a[64];
	snprintf(a, sizeof(a), "%d,%lld", fd, (long long)st->st_size);
	return ct_call(7, a, fd);
}

static CT_UNUSED int h_update_vma_map(const char *path, const uint64_t addr, const uint64_t old_pgoff,
				      uint64_t *new_pgoff, int *plugin_fd)
{
	char a[256];
	snprintf(a, sizeof(a), "%s,%#llx,%llu", path, (unsigned long long)addr, (unsigned long long)old_pgoff);
	*new_pgoff = old_pgoff + 1;
	*plugin_fd = 77;
	return ct_call(8, a, (int)old_pgoff);
}

static CT_UNUSED int h_resume_devices_late(int pid)
{
	char a[64];
	snprintf(a, sizeof(a), "%d", pid);
	return ct_call(9, a, pid);
}

static CT_UNUSED int h_pause_devices(int pid)
{
	char a[64];
	snprintf(a, sizeof(a), "%d", pid);
	return ct_call(10, a, pid);
}

static CT_UNUSED int h_checkpoint_devices(int pid)
{
	char a[64];
	snprintf(a, sizeof(a), "%d", pid);
	return ct_call(11, a, pid);
}

static CT_UNUSED int h_post_forking(void)
{
	return ct_call(12, "", 0);
}

static CT_UNUSED int h_restore_init(void)
{
	return ct_call(13, "", 0);
}

static CT_UNUSED int h_dump_devices_late(int id)
{
	char a[64];
	snprintf(a, sizeof(a), "%d", id);
	return ct_call(14, a, id);
}

#endif
