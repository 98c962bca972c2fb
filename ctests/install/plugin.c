/*
 * plugin.c: a minimal CRIU plugin built against the installed criu-plugin.h
 * (make check-install). Compiled with only
 *     cc -shared -fPIC $(pkg-config --cflags criu-plugin) -o install_test.so plugin.c
 *
 *   DUMP_EXT_FILE(fd, id)  answers fd * 1000 + id; declines (-ENOTSUP) id 0
 *   DUMP_UNIX_SK(fd, id)   answers criu_get_image_dir(), a call back into the
 *                          loader library through the host
 *
 * init() and exit() print a line each, which the test looks for.
 */
#include <errno.h>
#include <stdio.h>

#include "criu-plugin.h"

static int install_test_init(int stage)
{
	printf("install_test plugin: init(%d)\n", stage);
	fflush(stdout);
	return 0;
}

static void install_test_exit(int stage, int ret)
{
	printf("install_test plugin: exit(%d, %d)\n", stage, ret);
	fflush(stdout);
}

CR_PLUGIN_REGISTER("install_test", install_test_init, install_test_exit)

/* Declared through the hook's type, so a wrong signature does not compile. */
static CR_PLUGIN_HOOK__DUMP_EXT_FILE_t install_test_dump_file;
static CR_PLUGIN_HOOK__DUMP_UNIX_SK_t install_test_dump_unix_sk;

static int install_test_dump_file(int fd, int id)
{
	if (id == 0)
		return -ENOTSUP;
	return fd * 1000 + id;
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_EXT_FILE, install_test_dump_file)

static int install_test_dump_unix_sk(int fd, int id)
{
	(void)fd;
	(void)id;
	return criu_get_image_dir();
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_UNIX_SK, install_test_dump_unix_sk)
