/*
 * host.c: a minimal plugin host linked against the installed libcriu-plugin
 * (make check-install). Built with only
 *     cc $(pkg-config --cflags criu-plugin) -o host host.c $(pkg-config --libs criu-plugin)
 *
 *   host info      prints the build settings the library reports:
 *                  default_dir=<cr_plugin_default_dir()>
 *                  opts_libdir_offset=<cr_plugin_opts_libdir_offset()>
 *                  opts_layouts=<cr_plugin_opts_layouts()>, as SIZE:OFFSET,...
 *   host run DIR   loads the plugins of DIR (ctests/install/plugin.c) for
 *                  the dump stage through cr_plugin_set_libdir(), calls
 *                  their hooks and checks the answers; prints "ok: ..." or
 *                  "not ok: ..." per check; exits 1 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "criu-plugin-host.h"

static int failed;

static void expect(const char *what, int got, int want)
{
	if (got == want) {
		printf("ok: %s = %d\n", what, got);
	} else {
		printf("not ok: %s = %d, expected %d\n", what, got, want);
		failed = 1;
	}
	fflush(stdout);
}

static int run(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0) {
		perror(dir);
		return 1;
	}
	cr_plugin_set_libdir(dir);
	cr_plugin_set_image_dir_fd(fd);

	expect("cr_plugin_init(CR_PLUGIN_STAGE__DUMP)", cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	expect("cr_plugin_run_dump_ext_file(7, 42)", cr_plugin_run_dump_ext_file(7, 42), 7042);
	expect("run_plugins(DUMP_EXT_FILE, 7, 42)", run_plugins(DUMP_EXT_FILE, 7, 42), 7042);
	expect("cr_plugin_run_dump_ext_file(7, 0) (declined)", cr_plugin_run_dump_ext_file(7, 0), -ENOTSUP);
	expect("cr_plugin_run_dump_unix_sk(0, 0) (criu_get_image_dir())", cr_plugin_run_dump_unix_sk(0, 0), fd);
	expect("cr_plugin_run_restore_unix_sk(1) (no plugin has it)", cr_plugin_run_restore_unix_sk(1), -ENOTSUP);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	expect("cr_plugin_run_dump_ext_file(7, 42) after fini", cr_plugin_run_dump_ext_file(7, 42), -ENOTSUP);

	close(fd);
	return failed;
}

/* The table as "opts_layouts=SIZE:OFFSET,...": counted first, then fetched. */
static int print_layouts(void)
{
	size_t n = cr_plugin_opts_layouts(NULL, NULL, 0), i;
	size_t sizes[64], offsets[64];

	if (n == 0 || n > 64) {
		printf("not ok: cr_plugin_opts_layouts() counts %zu layouts\n", n);
		return 1;
	}
	if (cr_plugin_opts_layouts(sizes, offsets, n) != n) {
		printf("not ok: cr_plugin_opts_layouts() counts differently the second time\n");
		return 1;
	}
	printf("opts_layouts=");
	for (i = 0; i < n; i++)
		printf("%s%zu:%zu", i ? "," : "", sizes[i], offsets[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "info") == 0) {
		printf("default_dir=%s\n", cr_plugin_default_dir());
		printf("opts_libdir_offset=%zu\n", cr_plugin_opts_libdir_offset());
		printf("hook_max=%d\n", (int)CR_PLUGIN_HOOK__MAX);
		return print_layouts();
	}
	if (argc == 3 && strcmp(argv[1], "run") == 0)
		return run(argv[2]);
	fprintf(stderr, "usage: %s info | run PLUGIN_DIR\n", argv[0]);
	return 2;
}
