/*
 * layout_nums.h: fills a struct abi_numbers from whichever criu-plugin.h the
 * including file included. RESTORE_EXT_FILE_ARGS is the argument list of
 * that hook in that header.
 */
#include <stddef.h>

#include "abi_numbers.h"

#define T_OK(t, ...) __builtin_types_compatible_p(t, int(__VA_ARGS__))

#define ABI_NUMBERS(var)                                                                                    \
	const struct abi_numbers var = {                                                                    \
		.desc_size = sizeof(cr_plugin_desc_t),                                                      \
		.off_name = offsetof(cr_plugin_desc_t, name),                                               \
		.off_init = offsetof(cr_plugin_desc_t, init),                                               \
		.off_exit = offsetof(cr_plugin_desc_t, exit),                                               \
		.off_version = offsetof(cr_plugin_desc_t, version),                                         \
		.off_max_hooks = offsetof(cr_plugin_desc_t, max_hooks),                                     \
		.off_hooks = offsetof(cr_plugin_desc_t, hooks),                                             \
		.hook_slot = sizeof(((cr_plugin_desc_t *)0)->hooks[0]),                                     \
		.size_name = sizeof(((cr_plugin_desc_t *)0)->name),                                         \
		.size_init = sizeof(((cr_plugin_desc_t *)0)->init),                                         \
		.size_exit = sizeof(((cr_plugin_desc_t *)0)->exit),                                         \
		.size_version = sizeof(((cr_plugin_desc_t *)0)->version),                                   \
		.size_max_hooks = sizeof(((cr_plugin_desc_t *)0)->max_hooks),                               \
		.hook_max = CR_PLUGIN_HOOK__MAX,                                                            \
		.hooks = { CR_PLUGIN_HOOK__DUMP_UNIX_SK, CR_PLUGIN_HOOK__RESTORE_UNIX_SK,                   \
			   CR_PLUGIN_HOOK__DUMP_EXT_FILE, CR_PLUGIN_HOOK__RESTORE_EXT_FILE,                 \
			   CR_PLUGIN_HOOK__DUMP_EXT_MOUNT, CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT,               \
			   CR_PLUGIN_HOOK__DUMP_EXT_LINK, CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA,                \
			   CR_PLUGIN_HOOK__UPDATE_VMA_MAP, CR_PLUGIN_HOOK__RESUME_DEVICES_LATE },           \
		.stages = { CR_PLUGIN_STAGE__DUMP, CR_PLUGIN_STAGE__PRE_DUMP, CR_PLUGIN_STAGE__RESTORE,     \
			    CR_PLUGIN_STAGE_MAX },                                                          \
		.versions = { CRIU_PLUGIN_VERSION, CRIU_PLUGIN_VERSION_OLD, CRIU_PLUGIN_GEN_VERSION(1, 2, 3), \
			      CRIU_PLUGIN_VERSION_MAJOR, CRIU_PLUGIN_VERSION_MINOR,                          \
			      CRIU_PLUGIN_VERSION_SUBLEVEL },                                               \
		.hook_types_ok =                                                                            \
			(T_OK(CR_PLUGIN_HOOK__DUMP_UNIX_SK_t, int, int) << 0) |                             \
			(T_OK(CR_PLUGIN_HOOK__RESTORE_UNIX_SK_t, int) << 1) |                               \
			(T_OK(CR_PLUGIN_HOOK__DUMP_EXT_FILE_t, int, int) << 2) |                            \
			(T_OK(CR_PLUGIN_HOOK__RESTORE_EXT_FILE_t, RESTORE_EXT_FILE_ARGS) << 3) |            \
			(T_OK(CR_PLUGIN_HOOK__DUMP_EXT_MOUNT_t, char *, int) << 4) |                        \
			(T_OK(CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT_t, int, char *, char *, int *) << 5) |      \
			(T_OK(CR_PLUGIN_HOOK__DUMP_EXT_LINK_t, int, int, char *) << 6) |                    \
			(T_OK(CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA_t, int, const struct stat *) << 7) |        \
			(T_OK(CR_PLUGIN_HOOK__UPDATE_VMA_MAP_t, const char *, const uint64_t, const uint64_t, \
			      uint64_t *, int *) << 8) |                                                    \
			(T_OK(CR_PLUGIN_HOOK__RESUME_DEVICES_LATE_t, int) << 9),                            \
		.legacy_types_ok =                                                                          \
			(T_OK(cr_plugin_dump_unix_sk_t, int, int) << 0) |                                   \
			(T_OK(cr_plugin_restore_unix_sk_t, int) << 1) |                                     \
			(T_OK(cr_plugin_dump_file_t, int, int) << 2) |                                      \
			(T_OK(cr_plugin_restore_file_t, RESTORE_EXT_FILE_ARGS) << 3) |                      \
			(T_OK(cr_plugin_dump_ext_mount_t, char *, int) << 4) |                              \
			(T_OK(cr_plugin_restore_ext_mount_t, int, char *, char *, int *) << 5) |            \
			(T_OK(cr_plugin_dump_ext_link_t, int, int, char *) << 6) |                          \
			(T_OK(cr_plugin_handle_device_vma_t, int, const struct stat *) << 7) |              \
			(T_OK(cr_plugin_update_vma_map_t, const char *, const uint64_t, const uint64_t,     \
			      uint64_t *, int *) << 8) |                                                    \
			(T_OK(cr_plugin_resume_devices_late_t, int) << 9),                                  \
	}
