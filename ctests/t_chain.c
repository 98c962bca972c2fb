/*
 * t_chain.c: chain semantics, the same through the library's typed
 * functions, the header's run_plugins and CRIU's own run_plugins: -ENOTSUP
 * passes the call on, any other answer (0, positive, negative) stops the
 * chain and is the result; -ENOTSUP when every plugin declines.
 */
#include <errno.h>

#include "host.h"

static const struct ct_runner *const runners[] = { &ct_run_lib, &ct_run_hdr, &ct_run_criu };
#define N_RUNNERS ((int)(sizeof(runners) / sizeof(runners[0])))

static void load_abc(void)
{
	/* Created in reverse order; loaded a, b, c. */
	ct_use_plugins("p", "gp", "c.so", "gp", "b.so", "gp", "a.so", NULL);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), "a,b,c");
}

static void expect(int hook, int rc, const char *events)
{
	int r;

	for (r = 0; r < N_RUNNERS; r++) {
		ct_context = ct_fmt("%s, hook %d", runners[r]->how, hook);
		ct_events_clear();
		CHECK_INT(ct_run_hook(runners[r], hook), rc);
		CHECK_STR(ct_events(), events);
	}
	ct_context = NULL;
}

TEST(chain_enotsup_continues)
{
	load_abc();
	/* Nobody handles it: everyone is asked, in order; -ENOTSUP. */
	expect(CR_PLUGIN_HOOK__DUMP_UNIX_SK, -ENOTSUP, "a.0(3,4);b.0(3,4);c.0(3,4)");
	/* The last one handles it. */
	ct_set_hook("c", CR_PLUGIN_HOOK__POST_FORKING, 3);
	expect(CR_PLUGIN_HOOK__POST_FORKING, 3, "a.12();b.12();c.12()");
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
}

TEST(chain_value_stops)
{
	load_abc();
	/* b answers 7: c is not asked. */
	ct_set_hook("b", CR_PLUGIN_HOOK__DUMP_EXT_FILE, 7);
	ct_set_hook("c", CR_PLUGIN_HOOK__DUMP_EXT_FILE, 9);
	expect(CR_PLUGIN_HOOK__DUMP_EXT_FILE, 7, "a.2(6,7);b.2(6,7)");
	/* 0 stops the chain too. */
	ct_set_hook("a", CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, 0);
	ct_set_hook("b", CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, 1);
	expect(CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, 0, "a.9(1234)");
	/* So does an error other than -ENOTSUP. */
	ct_set_hook("b", CR_PLUGIN_HOOK__RESTORE_UNIX_SK, -EIO);
	expect(CR_PLUGIN_HOOK__RESTORE_UNIX_SK, -EIO, "a.1(5);b.1(5)");
	/* -EOPNOTSUPP is -ENOTSUP on Linux; -ENOSYS is not. */
	ct_set_hook("a", CR_PLUGIN_HOOK__CHECKPOINT_DEVICES, -ENOSYS);
	expect(CR_PLUGIN_HOOK__CHECKPOINT_DEVICES, -ENOSYS, "a.11(1236)");
	/* Output arguments come from the plugin that answered. */
	ct_set_hook("b", CR_PLUGIN_HOOK__UPDATE_VMA_MAP, 0);
	expect(CR_PLUGIN_HOOK__UPDATE_VMA_MAP, 0,
	       "a.8(/dev/dri/card0,0x7f0000001000,5);b.8(/dev/dri/card0,0x7f0000001000,5)");
	CHECK_INT(ct_out_new_pgoff, 6);
	CHECK_INT(ct_out_plugin_fd, 77);
	/* The chains are unchanged by the calls. */
	CHECK_STR(ct_chain(CR_PLUGIN_HOOK__DUMP_EXT_FILE), "a,b,c");
	CHECK(ct_lists_consistent());
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK(ct_lists_empty());
}

/* CRIU's run_plugins (walking the lists from C) and the library agree on
 * every hook for the same answers. */
TEST(chain_runners_agree)
{
	int h, r, want;
	const char *events;

	load_abc();
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		if (h % 3 == 0)
			ct_set_hook("a", h, 100 + h);
		else if (h % 3 == 1)
			ct_set_hook("b", h, -(100 + h));
	}
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		ct_context = ct_fmt("hook %d", h);
		ct_events_clear();
		want = ct_run_hook(&ct_run_lib, h);
		events = ct_events();
		if (h % 3 == 0)
			CHECK_INT(want, 100 + h);
		else if (h % 3 == 1)
			CHECK_INT(want, -(100 + h));
		else
			CHECK_INT(want, -ENOTSUP);
		for (r = 0; r < N_RUNNERS; r++) {
			ct_events_clear();
			CHECK_INT(ct_run_hook(runners[r], h), want);
			CHECK_STR(ct_events(), events);
		}
	}
	ct_context = NULL;
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
}
