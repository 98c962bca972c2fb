/*
 * gp.c: the general test plugin, a modern one (CR_PLUGIN_REGISTER and a
 * CR_PLUGIN_REGISTER_HOOK constructor for each of the 15 hooks).
 *
 * Built twice: as modern.so with the fixed name "modern" (-DFIXED_NAME), and
 * as gp.so, whose name is its file name without ".so", found by a
 * constructor, so that copies of it under different names are different
 * plugins ("a.so" is plugin "a").
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "criu-plugin.h"

/*
 * With -DTAG_BY_FILE too (alt.so), the descriptor keeps the fixed name while
 * the plugin reports to the host under its file name, so that copies of it
 * are alternatives of one plugin that a test tells apart ("a1.so" is "a1").
 */
#ifdef FIXED_NAME
#define DESC_NAME FIXED_NAME
#else
#define DESC_NAME "gp-unnamed"
#endif

#if defined(FIXED_NAME) && !defined(TAG_BY_FILE)
static const char *PNAME(void)
{
	return FIXED_NAME;
}
#else
static char gp_name[256] = DESC_NAME;
static const char *PNAME(void)
{
	return gp_name;
}
#endif

#include "ct-plugin.h"

static int gp_init(int stage)
{
	return ct_init_common(stage);
}

static void gp_exit(int stage, int ret)
{
	ct_exit_common(stage, ret);
}

CR_PLUGIN_REGISTER(DESC_NAME, gp_init, gp_exit)

#if !defined(FIXED_NAME) || defined(TAG_BY_FILE)
static void __attribute__((constructor)) gp_set_name(void)
{
	Dl_info info;
	const char *base;
	size_t len;

	if (!dladdr(&CR_PLUGIN_DESC, &info) || !info.dli_fname)
		return;
	base = strrchr(info.dli_fname, '/');
	base = base ? base + 1 : info.dli_fname;
	len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".so") == 0)
		len -= 3;
	if (len >= sizeof(gp_name))
		len = sizeof(gp_name) - 1;
	memcpy(gp_name, base, len);
	gp_name[len] = '\0';
#ifndef FIXED_NAME
	CR_PLUGIN_DESC.name = gp_name;
#endif
}
#endif

CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_UNIX_SK, h_dump_unix_sk)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_UNIX_SK, h_restore_unix_sk)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_EXT_FILE, h_dump_ext_file)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_FILE, h_restore_ext_file)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_EXT_MOUNT, h_dump_ext_mount)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT, h_restore_ext_mount)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_EXT_LINK, h_dump_ext_link)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA, h_handle_device_vma)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__UPDATE_VMA_MAP, h_update_vma_map)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, h_resume_devices_late)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__PAUSE_DEVICES, h_pause_devices)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__CHECKPOINT_DEVICES, h_checkpoint_devices)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__POST_FORKING, h_post_forking)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_INIT, h_restore_init)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_DEVICES_LATE, h_dump_devices_late)
