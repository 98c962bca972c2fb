/*
 * t_alt.c: alternatives, files of one folder whose descriptors give the same
 * plugin name. The first whose init succeeds is the plugin; a failed init
 * falls back to the next alternative in load order, with a warning; later
 * files of a name in use are closed without their init; when every
 * alternative fails, the init fails. Every copy of alt.so is plugin "alt"
 * and reports to the host under its file name ("a1.so" is "a1").
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "host.h"

/* The events of one hook call through the library's typed functions. */
static const char *pause_events(int want_rc)
{
	ct_events_clear();
	CHECK_INT(ct_run_hook(&ct_run_lib, CR_PLUGIN_HOOK__PAUSE_DEVICES), want_rc);
	return ct_events();
}

/* Makes the plugin folder of FILES ("alt:a1.so": the built plugin alt as
 * a1.so; NULL-terminated) and uses it as CRIU's --libdir. */
static const char *folder_of(const char *const *files)
{
	const char *dir = ct_folder("p");
	char plugin[32];
	const char *colon;

	for (; *files; files++) {
		colon = strchr(*files, ':');
		CHECK(colon && (size_t)(colon - *files) < sizeof(plugin));
		snprintf(plugin, sizeof(plugin), "%.*s", (int)(colon - *files), *files);
		ct_put(dir, plugin, colon + 1);
	}
	ct_use(dir);
	return dir;
}

/* After a failed init: no plugin listed, nothing of the folder mapped. */
static void nothing_left(const char *dir)
{
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}

TEST(alt_failed_init_falls_back_to_the_next)
{
	const char *dir = folder_of((const char *const[]){ "alt:a1.so", "gp:a15.so", "alt:a2.so", NULL });
	const char *a1 = ct_path(dir, "a1.so"), *a2 = ct_path(dir, "a2.so");

	ct_set_init("a1", -7);
	ct_set_hook("a2", CR_PLUGIN_HOOK__PAUSE_DEVICES, 5);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_events(), "init a1 0;init a15 0;init a2 0");
	/* One warning with the failure and the file tried next. */
	CHECK(ct_log_has2(2, ct_fmt("Failed in init(0) of \"alt\" (%s): stage dump, returned -7", a1),
			  ct_fmt("trying its alternative %s", a2)));
	CHECK_INT(ct_log_count(1, "alt"), 0);
	CHECK_STR(ct_names(), "a15,alt");
	CHECK(!ct_mapped(a1));
	CHECK(ct_mapped(a2));
	/* The hooks are the second alternative's. */
	CHECK_STR(pause_events(5), ct_fmt("a15.%d(%s);a2.%d(%s)", CR_PLUGIN_HOOK__PAUSE_DEVICES,
					  ct_hook_args(CR_PLUGIN_HOOK__PAUSE_DEVICES), CR_PLUGIN_HOOK__PAUSE_DEVICES,
					  ct_hook_args(CR_PLUGIN_HOOK__PAUSE_DEVICES)));
	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	/* The failed alternative got no exit, as after any failed init. */
	CHECK_STR(ct_events(), "exit a15 0 0;exit a2 0 0");
	nothing_left(dir);
}

TEST(alt_in_use_closes_the_later_ones_without_init)
{
	const char *dir = folder_of((const char *const[]){ "alt:a1.so", "alt:a2.so", "alt:a3.so", NULL });
	const char *a1 = ct_path(dir, "a1.so"), *a2 = ct_path(dir, "a2.so");

	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), 0);
	/* RESTORE_INIT (13) runs in a1 alone. */
	CHECK_STR(ct_events(), "init a1 2;inventory;a1.13()");
	CHECK(ct_log_has2(3, ct_fmt("Plugin %s (\"alt\") is an alternative of %s", a2, a1),
			  "which is in use: closed without its init"));
	CHECK_INT(ct_log_count(3, "is an alternative of"), 2);
	CHECK_INT(ct_log_count(2, "alt"), 0);
	CHECK_STR(ct_names(), "alt");
	CHECK(!ct_mapped(a2));
	CHECK(!ct_mapped(ct_path(dir, "a3.so")));
	cr_plugin_fini(CR_PLUGIN_STAGE__RESTORE, 0);
	CHECK(!ct_mapped(dir));
}

TEST(alt_every_alternative_fails)
{
	const char *dir = folder_of((const char *const[]){ "gp:0g.so", "alt:a1.so", "alt:a2.so", "alt:a3.so", "gp:z.so", NULL });
	const char *a3 = ct_path(dir, "a3.so");

	ct_set_init("a1", -1);
	ct_set_init("a2", 2);
	ct_set_init("a3", -3);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), -1);
	/* One line per alternative, with its reason; z.so is never reached. */
	CHECK_STR(ct_events(), "init 0g 0;init a1 0;init a2 0;init a3 0;exit 0g 0 -1");
	CHECK(ct_log_has2(2, "returned -1", ct_fmt("trying its alternative %s", ct_path(dir, "a2.so"))));
	CHECK(ct_log_has2(2, "returned 2", ct_fmt("trying its alternative %s", a3)));
	CHECK(ct_log_has2(1, ct_fmt("Failed in init(0) of \"alt\" (%s): stage dump, returned -3", a3),
			  "no alternative of \"alt\" is left (2 failed before it)"));
	nothing_left(dir);
}

TEST(alt_none_left_after_the_skip_list)
{
	const char *dir = folder_of((const char *const[]){ "alt:a1.so", "alt:a2.so", NULL });
	const char *a1 = ct_path(dir, "a1.so");

	ct_set_init("a1", -1);
	/* Skipped by its file name, a2.so is no alternative: the init fails
	 * at once, as CRIU's loader fails it. */
	CHECK_INT(cr_plugin_set_skip("a2.so"), 0);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), -1);
	CHECK_STR(ct_events(), "init a1 0");
	CHECK(ct_log_has(1, ct_fmt("Failed in init(0) of \"alt\" (%s): stage dump, returned -1", a1)));
	CHECK_INT(ct_log_count(-1, "alternative"), 0);
	nothing_left(dir);
}

TEST(alt_skipped_by_plugin_name_all_of_them)
{
	const char *dir = folder_of((const char *const[]){ "alt:a1.so", "gp:b.so", "alt:a2.so", NULL });

	CHECK_INT(cr_plugin_set_skip("alt"), 0);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_events(), "init b 0");
	CHECK_INT(ct_log_count(3, "named in cr_plugin_set_skip"), 2);
	CHECK_STR(ct_names(), "b");
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK(!ct_mapped(dir));
}

/* The host's calls for test plugins (host.c), exported to them. */
int ct_plugin_init(const char *name, int stage, int image_dir);
void ct_plugin_exit(const char *name, int stage, int ret);

/* A built-in plugin "alt", the first alternative of its name. */
static int builtin_init(int stage)
{
	return ct_plugin_init("builtin", stage, -1);
}

static void builtin_exit(int stage, int ret)
{
	ct_plugin_exit("builtin", stage, ret);
}

static cr_plugin_desc_t builtin_alt = {
	.name = "alt",
	.init = builtin_init,
	.exit = builtin_exit,
	.version = CRIU_PLUGIN_VERSION,
	.max_hooks = CR_PLUGIN_HOOK__MAX,
};

TEST(alt_builtin_comes_first)
{
	const char *dir = folder_of((const char *const[]){ "alt:a1.so", NULL });

	CHECK_INT(cr_plugin_register_builtin(&builtin_alt), 0);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_events(), "init builtin 0");
	CHECK(ct_log_has(3, ct_fmt("Plugin %s (\"alt\") is an alternative of the built-in plugin, which is in use",
				   ct_path(dir, "a1.so"))));
	CHECK(!ct_mapped(dir));
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "init builtin 0;exit builtin 0 0");
}

TEST(alt_failed_builtin_falls_back_to_a_file)
{
	const char *dir = folder_of((const char *const[]){ "alt:a1.so", NULL });
	const char *a1 = ct_path(dir, "a1.so");

	ct_set_init("builtin", -4);
	CHECK_INT(cr_plugin_register_builtin(&builtin_alt), 0);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_events(), "init builtin 0;init a1 0");
	CHECK(ct_log_has2(2, "Failed in init(0) of \"alt\" (built-in): stage dump, returned -4",
			  ct_fmt("trying its alternative %s", a1)));
	CHECK(ct_mapped(a1));
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "init builtin 0;init a1 0;exit a1 0 0");
	CHECK(!ct_mapped(dir));
}

TEST(alt_each_file_meets_the_trust_checks)
{
	const char *dir = folder_of((const char *const[]){ "alt:a1.so", "alt:a2.so", NULL });
	const char *a2 = ct_path(dir, "a2.so");

	CHECK_INT(chmod(a2, 0775), 0);
	ct_set_init("a1", -1);
	/* Strict mode refuses the alternative the failure falls back to. */
	cr_plugin_set_strict(1);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), -1);
	CHECK_STR(ct_events(), "init a1 0");
	CHECK(ct_log_has2(2, "returned -1", ct_fmt("trying its alternative %s", a2)));
	CHECK(ct_log_has2(1, ct_fmt("Refusing plugin %s: Plugin file %s is writable by its group", a2, a2),
			  "(strict mode)"));
	nothing_left(dir);
}
