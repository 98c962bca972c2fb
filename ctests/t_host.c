/*
 * t_host.c: the host bridge inside a CRIU-like host: criu_get_image_dir()
 * from get_service_fd(IMG_FD_OFF), also from a plugin's init; the plugin
 * folder from opts.libdir, CRIU_LIBS_DIR, the setter and the default, with
 * the choice written back to opts.libdir; CRIU's log lines and levels.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "host.h"

TEST(image_dir_from_service_fd)
{
	CHECK_INT(criu_get_image_dir(), CT_IMG_FD);
	/* It asked for IMG_FD_OFF = 2. */
	CHECK(ct_service_asked[0] == '2');
	CHECK(strspn(ct_service_asked, "2") == strlen(ct_service_asked));
}

TEST(image_dir_in_plugin_init)
{
	const char *dir = ct_folder("p");

	ct_put(dir, "gp", "a.so");
	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_INT(ct_init_image_dir, CT_IMG_FD);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
}

TEST(image_dir_setter_overrides)
{
	const char *dir = ct_folder("p");

	ct_put(dir, "gp", "a.so");
	ct_use(dir);
	cr_plugin_set_image_dir_fd(42);
	CHECK_INT(criu_get_image_dir(), 42);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_INT(ct_init_image_dir, 42);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	cr_plugin_set_image_dir_fd(-1);
	CHECK_INT(criu_get_image_dir(), CT_IMG_FD);
}

TEST(libdir_offset_is_160)
{
	CHECK_INT(cr_plugin_opts_libdir_offset(), 160);
	CHECK_INT(offsetof(struct ct_options, libdir), 160);
}

/* cr_plugin_init(DUMP) loads the plugins NAMES from DIR, which it writes
 * back to opts.libdir, as CRIU's loader does: a heap string, as CRIU's
 * option strings are, freed after fini. */
static void loads_written_back(const char *names, const char *dir)
{
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), names);
	CHECK_STR(opts.libdir, dir);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	free(opts.libdir);
	opts.libdir = NULL;
}

TEST(libdir_from_env_written_back)
{
	const char *dir = ct_folder("p");

	ct_put(dir, "gp", "a.so");
	CHECK(opts.libdir == NULL);
	CHECK_INT(setenv("CRIU_LIBS_DIR", dir, 1), 0);
	loads_written_back("a", dir);
}

TEST(libdir_opts_before_env)
{
	const char *d1 = ct_folder("p1"), *d2 = ct_folder("p2");

	ct_put(d1, "gp", "a.so");
	ct_put(d2, "gp", "b.so");
	ct_use(d1);
	CHECK_INT(setenv("CRIU_LIBS_DIR", d2, 1), 0);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), "a");
	CHECK(opts.libdir == d1); /* untouched */
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK(!ct_mapped(d1));
}

TEST(libdir_setter_in_criu_host)
{
	const char *d1 = ct_folder("p1"), *d2 = ct_folder("p2"), *d3 = ct_folder("p3");

	ct_put(d1, "gp", "a.so");
	ct_put(d2, "gp", "b.so");
	ct_put(d3, "gp", "c.so");
	CHECK_INT(setenv("CRIU_LIBS_DIR", d3, 1), 0);
	cr_plugin_set_libdir(d2);
	/* --libdir comes first. */
	ct_use(d1);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), "a");
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	/* Without it, the setter before CRIU_LIBS_DIR. */
	ct_use(NULL);
	loads_written_back("b", d2);
	/* Cleared: CRIU_LIBS_DIR. */
	cr_plugin_set_libdir(NULL);
	loads_written_back("c", d3);
}

TEST(libdir_default)
{
	const char *def = cr_plugin_default_dir();

	CHECK(def != NULL && def[0] == '/');
	unsetenv("CRIU_LIBS_DIR");
	if (access(def, F_OK) == 0) {
		/* The default folder exists: it is used and written back. */
		int rc = cr_plugin_init(CR_PLUGIN_STAGE__DUMP);
		CHECK_STR(opts.libdir, def);
		CHECK(ct_log_has(4, def));
		cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, rc);
		free(opts.libdir);
		opts.libdir = NULL;
	} else {
		/* No folder at all: no plugins, not an error. */
		CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
		CHECK(opts.libdir == NULL);
		CHECK_INT(ct_count(), 0);
		cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	}
}

TEST(log_plugin_line)
{
	ct_use_plugins("p", "gp", "b.so", "modern", "a.so", NULL);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	/* CRIU's wording, at LOG_DEBUG, once per plugin. */
	CHECK_INT(ct_log_count(4, "Plugin \"modern\" (version 512 hooks 15)"), 1);
	CHECK_INT(ct_log_count(4, "Plugin \"b\" (version 512 hooks 15)"), 1);
	CHECK_INT(ct_log_count(-1, "Plugin \"b\" (version"), 1);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
}

TEST(log_hook_line)
{
	const char *dir = ct_folder("p");
	plugin_desc_t *pd;

	ct_put(dir, "gp", "a.so");
	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	pd = ct_find("a");
	CHECK(pd != NULL);
	ct_log_clear();
	CHECK_INT(cr_plugin_run_dump_ext_file(6, 7), -ENOTSUP);
	/* The same line CRIU's run_plugins prints, with the function's address. */
	CHECK_INT(ct_log_count(4, ct_fmt("plugin: `a' hook 2 -> %p", pd->d->hooks[2])), 1);
	ct_log_clear();
	CHECK_INT(ct_run_hook(&ct_run_criu, CR_PLUGIN_HOOK__DUMP_EXT_FILE), -ENOTSUP);
	CHECK_INT(ct_log_count(4, ct_fmt("plugin: `a' hook 2 -> %p", pd->d->hooks[2])), 1);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
}

TEST(log_errors_at_error_level)
{
	const char *dir = ct_folder("p");

	ct_put(dir, "badver", "a.so");
	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), -1);
	CHECK(ct_log_has2(1, ct_path(dir, "a.so"), "version 0.3.0 is newer than the supported 0.2.0"));
	CHECK(!ct_log_has2(4, ct_path(dir, "a.so"), "version 0.3.0"));
}
