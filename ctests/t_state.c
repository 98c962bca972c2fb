/*
 * t_state.c: cr_plugin_ctl before the first init, cr_plugin_fini before any
 * init and twice, repeated init/fini cycles, and what is left after fini
 * (no plugin mapped, every list empty).
 */
#include <errno.h>

#include "host.h"

static const struct ct_runner *const runners[] = { &ct_run_lib, &ct_run_hdr, &ct_run_criu };

static void all_hooks_decline(void)
{
	size_t r;
	int h;

	for (r = 0; r < sizeof(runners) / sizeof(runners[0]); r++) {
		ct_context = runners[r]->how;
		for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++)
			CHECK_INT(ct_run_hook(runners[r], h), -ENOTSUP);
	}
	ct_context = NULL;
	CHECK_STR(ct_events(), "");
}

TEST(ctl_valid_before_init)
{
	/* Statically initialised: every list points to itself. */
	CHECK(ct_lists_empty());
	CHECK(ct_lists_consistent());
	CHECK_INT(ct_count(), 0);
	/* run_plugins before any init finds nothing to do. */
	all_hooks_decline();
}

TEST(fini_before_init)
{
	/* CRIU calls fini without init when a pre-dump action script fails. */
	cr_plugin_fini(CR_PLUGIN_STAGE__PRE_DUMP, -1);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK(ct_lists_empty());
	CHECK_STR(ct_events(), "");
	all_hooks_decline();

	/* And the loader still works afterwards. */
	ct_use_plugins("p", "gp", "a.so", NULL);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), "a");
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "init a 0;exit a 0 0");
}

/* Loads a mixed folder, checks everything is mapped and linked, then
 * finalises and checks nothing is left. */
TEST(fini_unloads_everything)
{
	const char *dir = ct_use_plugins("p", "gp", "a.so", "legacy", "l.so", "modern", "m.so", "sparse", "s.so",
					 "small", "sm.so", NULL);
	int h;

	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), ct_fmt("a,%s,modern,sparse,small", ct_path(dir, "l.so")));
	CHECK(ct_lists_consistent());
	CHECK(!ct_lists_empty());
	CHECK(ct_mapped(ct_path(dir, "a.so")));
	CHECK(ct_mapped(ct_path(dir, "l.so")));
	CHECK(ct_mapped(ct_path(dir, "m.so")));
	CHECK(ct_mapped(ct_path(dir, "s.so")));
	CHECK(ct_mapped(ct_path(dir, "sm.so")));
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++)
		CHECK(ct_chain(h)[0] != '\0');

	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	/* exit(stage, ret) in load order; sparse has the dummy exit, legacy's
	 * cr_plugin_fini records -1 -1 (it takes no arguments). */
	CHECK_STR(ct_events(), "exit a 0 0;exit legacy -1 -1;exit modern 0 0;exit small 0 0");
	CHECK(!ct_mapped(dir));
	CHECK(ct_lists_empty());
	CHECK_INT(ct_count(), 0);
	CHECK(ct_log_has(4, "Unloading plugin \"modern\""));

	/* Twice is harmless. */
	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "");
	CHECK(ct_lists_empty());
	all_hooks_decline();
}

TEST(fini_passes_stage_and_ret)
{
	ct_use_plugins("p", "gp", "a.so", "gp", "b.so", NULL);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__PRE_DUMP), 0);
	cr_plugin_fini(CR_PLUGIN_STAGE__PRE_DUMP, 42);
	CHECK_STR(ct_events(), "init a 1;init b 1;exit a 1 42;exit b 1 42");
}

TEST(init_fini_cycles)
{
	const char *dir = ct_use_plugins("p", "gp", "a.so", "legacy", "l.so", NULL);
	int stage;

	for (stage = 0; stage < CR_PLUGIN_STAGE_MAX; stage++) {
		ct_context = ct_fmt("cycle %d", stage);
		ct_events_clear();
		CHECK_INT(cr_plugin_init(stage), 0);
		CHECK_INT(ct_count(), 2);
		CHECK(ct_mapped(ct_path(dir, "a.so")));
		CHECK_INT(ct_run_hook(&ct_run_lib, CR_PLUGIN_HOOK__DUMP_UNIX_SK), -ENOTSUP);
		cr_plugin_fini(stage, 0);
		/* a's init runs again: it was really unloaded and loaded again. */
		if (stage == CR_PLUGIN_STAGE__RESTORE)
			CHECK_STR(ct_events(), "init a 2;init legacy -1;inventory;a.13();legacy.13();"
					       "a.0(3,4);legacy.0(3,4);exit a 2 0;exit legacy -1 -1");
		else
			CHECK_STR(ct_events(), ct_fmt("init a %d;init legacy -1;a.0(3,4);legacy.0(3,4);exit a %d 0;"
						      "exit legacy -1 -1", stage, stage));
		CHECK(!ct_mapped(dir));
		CHECK(ct_lists_empty());
	}
}

TEST(init_twice_without_fini)
{
	const char *dir = ct_use_plugins("p", "gp", "a.so", NULL);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	/* Loaded once, not twice; the lists are still well formed. */
	CHECK_INT(ct_count(), 1);
	CHECK_STR(ct_chain(0), "a");
	CHECK(ct_lists_consistent());
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}
