/*
 * t_restore.c: the restore stage. After every plugin is loaded, CRIU's
 * check_inventory_plugins() runs (failing fails init), then RESTORE_INIT:
 * a negative answer other than -ENOTSUP fails init, -ENOTSUP and 0 do not.
 * Neither runs at the dump or pre-dump stage.
 */
#include <errno.h>

#include "host.h"

static const char *load_ab(void)
{
	const char *dir = ct_folder("p");

	ct_put(dir, "gp", "b.so");
	ct_put(dir, "gp", "a.so");
	ct_use(dir);
	return dir;
}

TEST(restore_inventory_fails_init)
{
	const char *dir = load_ab();

	ct_inventory_rc = -1;
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), -1);
	/* After every plugin loaded; RESTORE_INIT never runs; rollback. */
	CHECK_STR(ct_events(), "init a 2;init b 2;inventory;exit a 2 -1;exit b 2 -1");
	CHECK(ct_log_has(1, "check_inventory_plugins"));
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}

TEST(restore_inventory_passes)
{
	load_ab();
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), 0);
	CHECK_STR(ct_events(), "init a 2;init b 2;inventory;a.13();b.13()");
	CHECK_STR(ct_names(), "a,b");
	cr_plugin_fini(CR_PLUGIN_STAGE__RESTORE, 0);
}

TEST(inventory_not_checked_when_dumping)
{
	int stage;

	load_ab();
	ct_inventory_rc = -1;
	ct_set_hook("a", CR_PLUGIN_HOOK__RESTORE_INIT, -EIO);
	for (stage = CR_PLUGIN_STAGE__DUMP; stage <= CR_PLUGIN_STAGE__PRE_DUMP; stage++) {
		ct_context = ct_fmt("stage %d", stage);
		ct_events_clear();
		CHECK_INT(cr_plugin_init(stage), 0);
		CHECK_STR(ct_events(), ct_fmt("init a %d;init b %d", stage, stage));
		cr_plugin_fini(stage, 0);
	}
}

TEST(restore_init_error_fails_init)
{
	const char *dir = load_ab();

	ct_set_hook("b", CR_PLUGIN_HOOK__RESTORE_INIT, -EIO);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), -1);
	CHECK_STR(ct_events(), "init a 2;init b 2;inventory;a.13();b.13();exit a 2 -1;exit b 2 -1");
	CHECK(ct_log_has2(1, "RESTORE_INIT", ct_fmt("%d", -EIO)));
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}

TEST(restore_init_enotsup_passes)
{
	load_ab();
	/* Both decline (the default answer). */
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), 0);
	CHECK_STR(ct_events(), "init a 2;init b 2;inventory;a.13();b.13()");
	CHECK_INT(ct_count(), 2);
	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__RESTORE, 0);
	CHECK_STR(ct_events(), "exit a 2 0;exit b 2 0");
}

TEST(restore_init_zero_passes_and_stops)
{
	load_ab();
	ct_set_hook("a", CR_PLUGIN_HOOK__RESTORE_INIT, 0);
	ct_set_hook("b", CR_PLUGIN_HOOK__RESTORE_INIT, -EIO);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), 0);
	/* a answered: b is not asked. */
	CHECK_STR(ct_events(), "init a 2;init b 2;inventory;a.13()");
	CHECK_INT(ct_count(), 2);
	cr_plugin_fini(CR_PLUGIN_STAGE__RESTORE, 0);
}

TEST(restore_init_positive_passes)
{
	load_ab();
	ct_set_hook("a", CR_PLUGIN_HOOK__RESTORE_INIT, 1);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), 0);
	CHECK_STR(ct_events(), "init a 2;init b 2;inventory;a.13()");
	cr_plugin_fini(CR_PLUGIN_STAGE__RESTORE, 0);
}

TEST(restore_without_plugins)
{
	/* The inventory check runs even with no plugin (the images may need one). */
	ct_use(ct_folder("empty"));
	ct_inventory_rc = -1;
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), -1);
	CHECK_STR(ct_events(), "inventory");
	ct_inventory_rc = 0;
	ct_events_clear();
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), 0);
	CHECK_STR(ct_events(), "inventory");
	cr_plugin_fini(CR_PLUGIN_STAGE__RESTORE, 0);
}
