/*
 * plain.c: a plain C host, not CRIU: no opts, print_on_level,
 * get_service_fd or check_inventory_plugins, and not linked -rdynamic. The
 * plugin folder comes from cr_plugin_set_libdir() or CRIU_LIBS_DIR, the
 * images folder from cr_plugin_set_image_dir_fd(). Its plugins cannot reach
 * the test callbacks, so they answer from their arguments (ct-plugin.h).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ct.h"

TEST(plain_is_plain)
{
	static const char *const criu_names[] = { "opts", "print_on_level", "log_get_loglevel", "get_service_fd",
						  "check_inventory_plugins", "ct_plugin_hook" };
	size_t i;

	for (i = 0; i < sizeof(criu_names) / sizeof(criu_names[0]); i++) {
		ct_context = criu_names[i];
		CHECK(dlsym(RTLD_DEFAULT, criu_names[i]) == NULL);
	}
	ct_context = NULL;
	CHECK(dlsym(RTLD_DEFAULT, "cr_plugin_ctl") == (void *)&cr_plugin_ctl);
}

TEST(plain_ctl_before_init)
{
	int h;

	CHECK(ct_lists_empty());
	CHECK(ct_lists_consistent());
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		CHECK_INT(ct_run_hook(&ct_run_lib, h), -ENOTSUP);
		CHECK_INT(ct_run_hook(&ct_run_hdr, h), -ENOTSUP);
	}
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, -1);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, -1);
	CHECK(ct_lists_empty());
}

TEST(plain_image_dir_setter)
{
	/* No get_service_fd and no setting: -1. */
	CHECK_INT(criu_get_image_dir(), -1);
	cr_plugin_set_image_dir_fd(42);
	CHECK_INT(criu_get_image_dir(), 42);
	cr_plugin_set_image_dir_fd(7);
	CHECK_INT(criu_get_image_dir(), 7);
	cr_plugin_set_image_dir_fd(-1);
	CHECK_INT(criu_get_image_dir(), -1);
}

/* Loads a.so (gp) and l.so (legacy) and calls hooks. */
static void load_and_call(int stage, int imgfd)
{
	const struct ct_runner *const runners[] = { &ct_run_lib, &ct_run_hdr };
	size_t r;

	CHECK_INT(cr_plugin_init(stage), 0);
	CHECK_INT(ct_count(), 2);
	for (r = 0; r < 2; r++) {
		ct_context = runners[r]->how;
		/* The first plugin answers from its arguments... */
		CHECK_INT(ct_run_hook(runners[r], CR_PLUGIN_HOOK__RESUME_DEVICES_LATE), 1235);
		CHECK_INT(ct_run_hook(runners[r], CR_PLUGIN_HOOK__DUMP_EXT_LINK), 100 + 6);
		CHECK_INT(ct_run_hook(runners[r], CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT), 100 + 5);
		CHECK_INT(ct_out_is_file, 1);
		/* ...and with the images folder it saw in its init. */
		CHECK_INT(ct_run_hook(runners[r], CR_PLUGIN_HOOK__DUMP_DEVICES_LATE), imgfd);
	}
	ct_context = NULL;
}

TEST(plain_setter_libdir_and_image_dir)
{
	const char *dir = ct_folder("p");
	int imgfd = open(ct_tmp(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	CHECK(imgfd >= 0);
	ct_put(dir, "legacy", "l.so");
	ct_put(dir, "gp", "a.so");
	cr_plugin_set_libdir(dir);
	cr_plugin_set_image_dir_fd(imgfd);
	CHECK_INT(criu_get_image_dir(), imgfd);

	load_and_call(CR_PLUGIN_STAGE__DUMP, imgfd);
	CHECK_STR(ct_names(), ct_fmt("a,%s", ct_path(dir, "l.so")));
	CHECK(ct_mapped(ct_path(dir, "a.so")));
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
	cr_plugin_set_libdir(NULL);
	close(imgfd);
}

TEST(plain_env_libdir)
{
	const char *dir = ct_folder("p");

	ct_put(dir, "legacy", "l.so");
	ct_put(dir, "gp", "a.so");
	CHECK_INT(setenv("CRIU_LIBS_DIR", dir, 1), 0);
	load_and_call(CR_PLUGIN_STAGE__PRE_DUMP, -1);
	cr_plugin_fini(CR_PLUGIN_STAGE__PRE_DUMP, 0);
	CHECK(!ct_mapped(dir));
}

TEST(plain_setter_before_env)
{
	const char *d1 = ct_folder("p1"), *d2 = ct_folder("p2");

	ct_put(d1, "gp", "a.so");
	ct_put(d2, "gp", "b.so");
	CHECK_INT(setenv("CRIU_LIBS_DIR", d2, 1), 0);
	cr_plugin_set_libdir(d1);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), "a");
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	/* Cleared: the environment again. */
	cr_plugin_set_libdir(NULL);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), "b");
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
}

/* A host without check_inventory_plugins (like CRIU 3.17) restores. */
TEST(plain_restore_without_inventory)
{
	const char *dir = ct_folder("p");

	ct_put(dir, "gp", "a.so");
	ct_put(dir, "p317", "b.so");
	cr_plugin_set_libdir(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), 0);
	CHECK_STR(ct_names(), "a,p317");
	CHECK_STR(ct_chain(CR_PLUGIN_HOOK__RESUME_DEVICES_LATE), "a,p317");
	CHECK_STR(ct_chain(CR_PLUGIN_HOOK__PAUSE_DEVICES), "a");
	cr_plugin_fini(CR_PLUGIN_STAGE__RESTORE, 0);
	CHECK(ct_lists_empty());
}

/* Without CRIU's logger, errors go to stderr. */
TEST(plain_errors_on_stderr)
{
	const char *dir = ct_folder("p");
	const char *errfile = ct_path(ct_tmp(), "stderr.txt");
	char text[8192];
	int saved, fd, rc;
	ssize_t n;

	ct_put(dir, "gp", "a.so");
	ct_put(dir, "badver", "b.so");
	cr_plugin_set_libdir(dir);

	fflush(stderr);
	saved = dup(2);
	fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	rc = cr_plugin_init(CR_PLUGIN_STAGE__DUMP);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	CHECK_INT(rc, -1);
	fd = open(errfile, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	CHECK(n > 0);
	text[n] = '\0';
	CHECK(strstr(text, ct_path(dir, "b.so")) != NULL);
	CHECK(strstr(text, "version 0.3.0 is newer than the supported 0.2.0") != NULL);
	/* Debug lines are not printed without CRIU's logger. */
	CHECK(strstr(text, "Plugin \"a\" (version") == NULL);
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}
