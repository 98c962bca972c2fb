/*
 * t_layout.c: the C layouts against the ABI's numbers (x86-64), the hook
 * and stage numbers, the versions, the hook types, and the shared prefix
 * against Debian's real CRIU 3.17 header (layout317.c), compared through
 * numbers since both headers define the same names.
 */
#include <errno.h>

#include "ct.h"
#include "abi_numbers.h"

#define SIZE(t, n) CHECK_INT(sizeof(t), n)
#define OFF(t, f, n) CHECK_INT(offsetof(t, f), n)

TEST(layout_structs)
{
	plugin_desc_t pd;
	int i;

	SIZE(void *, 8);
	/* CRIU's include/common/list.h order: prev, then next. */
	SIZE(struct list_head, 16);
	OFF(struct list_head, prev, 0);
	OFF(struct list_head, next, 8);

	SIZE(cr_plugin_desc_t, 152);
	OFF(cr_plugin_desc_t, name, 0);
	OFF(cr_plugin_desc_t, init, 8);
	OFF(cr_plugin_desc_t, exit, 16);
	OFF(cr_plugin_desc_t, version, 24);
	OFF(cr_plugin_desc_t, max_hooks, 28);
	OFF(cr_plugin_desc_t, hooks, 32);
	SIZE(((cr_plugin_desc_t *)0)->version, 4);
	SIZE(((cr_plugin_desc_t *)0)->max_hooks, 4);
	SIZE(((cr_plugin_desc_t *)0)->hooks, 15 * 8);
	for (i = 0; i < 15; i++)
		CHECK_INT(offsetof(cr_plugin_desc_t, hooks[0]) + i * sizeof(void *), 32 + 8 * i);

	SIZE(plugin_desc_t, 272);
	OFF(plugin_desc_t, d, 0);
	OFF(plugin_desc_t, list, 8);
	OFF(plugin_desc_t, dlhandle, 24);
	OFF(plugin_desc_t, link, 32);
	SIZE(((plugin_desc_t *)0)->link, 15 * 16);
	for (i = 0; i < 15; i++)
		CHECK_INT((char *)&pd.link[i] - (char *)&pd, 32 + 16 * i);

	SIZE(cr_plugin_ctl_t, 256);
	OFF(cr_plugin_ctl_t, head, 0);
	OFF(cr_plugin_ctl_t, hook_chain, 16);
	SIZE(((cr_plugin_ctl_t *)0)->hook_chain, 15 * 16);
	SIZE(cr_plugin_ctl, 256);

	/* The types of the fields CRIU's code uses. */
	CHECK(__builtin_types_compatible_p(typeof(((cr_plugin_desc_t *)0)->init), int (*)(int)));
	CHECK(__builtin_types_compatible_p(typeof(((cr_plugin_desc_t *)0)->exit), void (*)(int, int)));
	CHECK(__builtin_types_compatible_p(typeof(((cr_plugin_desc_t *)0)->name), const char *));
	CHECK(__builtin_types_compatible_p(typeof(((cr_plugin_desc_t *)0)->version), unsigned int));
	CHECK(__builtin_types_compatible_p(typeof(((plugin_desc_t *)0)->d), cr_plugin_desc_t *));
	CHECK(__builtin_types_compatible_p(typeof(((plugin_desc_t *)0)->dlhandle), void *));
}

TEST(layout_numbers)
{
	static const int hooks[] = {
		CR_PLUGIN_HOOK__DUMP_UNIX_SK,	     CR_PLUGIN_HOOK__RESTORE_UNIX_SK,	 CR_PLUGIN_HOOK__DUMP_EXT_FILE,
		CR_PLUGIN_HOOK__RESTORE_EXT_FILE,    CR_PLUGIN_HOOK__DUMP_EXT_MOUNT,	 CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT,
		CR_PLUGIN_HOOK__DUMP_EXT_LINK,	     CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA, CR_PLUGIN_HOOK__UPDATE_VMA_MAP,
		CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, CR_PLUGIN_HOOK__PAUSE_DEVICES,	 CR_PLUGIN_HOOK__CHECKPOINT_DEVICES,
		CR_PLUGIN_HOOK__POST_FORKING,	     CR_PLUGIN_HOOK__RESTORE_INIT,	 CR_PLUGIN_HOOK__DUMP_DEVICES_LATE,
	};
	int i;

	for (i = 0; i < 15; i++)
		CHECK_INT(hooks[i], i);
	CHECK_INT(CR_PLUGIN_HOOK__MAX, 15);
	CHECK_INT(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_INT(CR_PLUGIN_STAGE__PRE_DUMP, 1);
	CHECK_INT(CR_PLUGIN_STAGE__RESTORE, 2);
	CHECK_INT(CR_PLUGIN_STAGE_MAX, 3);
	CHECK_INT(CRIU_PLUGIN_GEN_VERSION(0, 2, 0), 0x200);
	CHECK_INT(CRIU_PLUGIN_GEN_VERSION(3, 17, 1), 0x031101);
	CHECK_INT(CRIU_PLUGIN_VERSION, 0x200);
	CHECK_INT(CRIU_PLUGIN_VERSION_OLD, 0x100);
	CHECK_INT(ENOTSUP, 95);
}

/* The header's types against CRIU's own, as criu_run.c compiled them from
 * CRIU's list.h and plugin.h. */
TEST(layout_matches_criu_plugin_h)
{
	const struct ct_criu_layout *c = &ct_criu_layout;

	CHECK_INT(sizeof(struct list_head), c->list_head_size);
	CHECK_INT(offsetof(struct list_head, prev), c->off_prev);
	CHECK_INT(offsetof(struct list_head, next), c->off_next);
	CHECK_INT(sizeof(cr_plugin_ctl_t), c->ctl_size);
	CHECK_INT(offsetof(cr_plugin_ctl_t, head), c->ctl_off_head);
	CHECK_INT(offsetof(cr_plugin_ctl_t, hook_chain), c->ctl_off_hook_chain);
	CHECK_INT(sizeof(plugin_desc_t), c->pd_size);
	CHECK_INT(offsetof(plugin_desc_t, d), c->pd_off_d);
	CHECK_INT(offsetof(plugin_desc_t, list), c->pd_off_list);
	CHECK_INT(offsetof(plugin_desc_t, dlhandle), c->pd_off_dlhandle);
	CHECK_INT(offsetof(plugin_desc_t, link), c->pd_off_link);
}

#define T_OK(t, ...) __builtin_types_compatible_p(t, int(__VA_ARGS__))

TEST(layout_hook_types)
{
	CHECK(T_OK(CR_PLUGIN_HOOK__DUMP_UNIX_SK_t, int, int));
	CHECK(T_OK(CR_PLUGIN_HOOK__RESTORE_UNIX_SK_t, int));
	CHECK(T_OK(CR_PLUGIN_HOOK__DUMP_EXT_FILE_t, int, int));
	CHECK(T_OK(CR_PLUGIN_HOOK__RESTORE_EXT_FILE_t, int, bool *));
	CHECK(T_OK(CR_PLUGIN_HOOK__DUMP_EXT_MOUNT_t, char *, int));
	CHECK(T_OK(CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT_t, int, char *, char *, int *));
	CHECK(T_OK(CR_PLUGIN_HOOK__DUMP_EXT_LINK_t, int, int, char *));
	CHECK(T_OK(CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA_t, int, const struct stat *));
	CHECK(T_OK(CR_PLUGIN_HOOK__UPDATE_VMA_MAP_t, const char *, const uint64_t, const uint64_t, uint64_t *, int *));
	CHECK(T_OK(CR_PLUGIN_HOOK__RESUME_DEVICES_LATE_t, int));
	CHECK(T_OK(CR_PLUGIN_HOOK__PAUSE_DEVICES_t, int));
	CHECK(T_OK(CR_PLUGIN_HOOK__CHECKPOINT_DEVICES_t, int));
	CHECK(T_OK(CR_PLUGIN_HOOK__POST_FORKING_t, void));
	CHECK(T_OK(CR_PLUGIN_HOOK__RESTORE_INIT_t, void));
	CHECK(T_OK(CR_PLUGIN_HOOK__DUMP_DEVICES_LATE_t, int));
	/* The typed functions have the hooks' signatures. */
	CHECK(__builtin_types_compatible_p(typeof(cr_plugin_run_update_vma_map), CR_PLUGIN_HOOK__UPDATE_VMA_MAP_t));
	CHECK(__builtin_types_compatible_p(typeof(cr_plugin_run_restore_ext_file), CR_PLUGIN_HOOK__RESTORE_EXT_FILE_t));
	CHECK(__builtin_types_compatible_p(typeof(cr_plugin_run_post_forking), CR_PLUGIN_HOOK__POST_FORKING_t));
	CHECK(__builtin_types_compatible_p(typeof(cr_plugin_init), int(int)));
	CHECK(__builtin_types_compatible_p(typeof(cr_plugin_fini), void(int, int)));
	CHECK(__builtin_types_compatible_p(typeof(criu_get_image_dir), int(void)));
}

/* Our header against CRIU 3.17's: the descriptor's prefix (name, init,
 * exit, version, max_hooks, hooks[0..9]), the 10 hook numbers, stages and
 * versions are the same. */
TEST(layout_matches_criu_317_header)
{
	const struct abi_numbers *o = &abi_ours, *c = &abi_317;
	int i;

	CHECK_INT(c->hook_max, 10);
	CHECK_INT(o->hook_max, 15);
	CHECK_INT(c->desc_size, 32 + 10 * 8);
	CHECK_INT(o->desc_size, c->desc_size + (o->hook_max - c->hook_max) * c->hook_slot);
	CHECK_INT(o->off_name, c->off_name);
	CHECK_INT(o->off_init, c->off_init);
	CHECK_INT(o->off_exit, c->off_exit);
	CHECK_INT(o->off_version, c->off_version);
	CHECK_INT(o->off_max_hooks, c->off_max_hooks);
	CHECK_INT(o->off_hooks, c->off_hooks);
	CHECK_INT(o->hook_slot, c->hook_slot);
	CHECK_INT(o->size_name, c->size_name);
	CHECK_INT(o->size_init, c->size_init);
	CHECK_INT(o->size_exit, c->size_exit);
	CHECK_INT(o->size_version, c->size_version);
	CHECK_INT(o->size_max_hooks, c->size_max_hooks);
	for (i = 0; i < 10; i++) {
		ct_context = ct_fmt("hook %d", i);
		CHECK_INT(o->hooks[i], c->hooks[i]);
		CHECK_INT(c->hooks[i], i);
	}
	ct_context = NULL;
	for (i = 0; i < 4; i++)
		CHECK_INT(o->stages[i], c->stages[i]);
	for (i = 0; i < 6; i++)
		CHECK_INT(o->versions[i], c->versions[i]);
	/* Each header's hook types match the ABI table (RESTORE_EXT_FILE in its
	 * own era's form), and so do its legacy typedefs. */
	CHECK_INT(o->hook_types_ok, 0x3ff);
	CHECK_INT(c->hook_types_ok, 0x3ff);
	CHECK_INT(o->legacy_types_ok, 0x3ff);
	CHECK_INT(c->legacy_types_ok, 0x3ff);
}
