/*
 * A CRIU stand-in for the tests of what the loader does beyond CRIU's own:
 * strict mode, trust and symbol checks, secure execution, built-in plugins
 * and version skew. It logs every loader message to stdout as "[LEVEL] text"
 * and reports what loaded and what the hooks answered; run.sh checks it.
 *
 * Usage: host [strict] [builtin] [post-forking]
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "criu-plugin-host.h"
#include "../criu_log.h"

/* CRIU's struct cr_options, reduced to what the loader reads: libdir at 160,
 * in CRIU 4.2's 512 bytes (a layout the library knows). */
struct fake_cr_options {
	char before[160];
	char *libdir;
	char after[344];
};
_Static_assert(sizeof(struct fake_cr_options) == 512, "CRIU 4.2's size");
struct fake_cr_options opts;

/* A function of the executable's own (linked -rdynamic, as CRIU is) that a
 * test plugin imports. */
int beyond_host_function(int x)
{
	return x;
}

static int builtin_init(int stage)
{
	printf("builtin init %d\n", stage);
	return 0;
}

static void builtin_exit(int stage, int ret)
{
	printf("builtin exit %d %d\n", stage, ret);
}

static int builtin_pause(int pid)
{
	printf("builtin pause %d\n", pid);
	return -ENOTSUP;
}

static cr_plugin_desc_t builtin = {
	.name = "builtin",
	.init = builtin_init,
	.exit = builtin_exit,
	.version = CRIU_PLUGIN_VERSION,
	.max_hooks = CR_PLUGIN_HOOK__MAX,
	.hooks = { [CR_PLUGIN_HOOK__PAUSE_DEVICES] = (void *)builtin_pause },
};

int main(int argc, char **argv)
{
	struct list_head *pos;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "strict"))
			cr_plugin_set_strict(1);
		else if (!strcmp(argv[i], "builtin") && cr_plugin_register_builtin(&builtin))
			return 10;
	}

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "post-forking"))
			printf("post_forking_before_init=%d\n", cr_plugin_run_post_forking());
	rc = cr_plugin_init(CR_PLUGIN_STAGE__DUMP);
	printf("init=%d\n", rc);
	for (pos = cr_plugin_ctl.head.next; pos != &cr_plugin_ctl.head; pos = pos->next) {
		plugin_desc_t *p = (plugin_desc_t *)((char *)pos - offsetof(plugin_desc_t, list));
		printf("loaded %s %s\n", p->d->name, p->dlhandle ? "dlopen" : "built-in");
	}
	printf("pause=%d\n", cr_plugin_run_pause_devices(42));
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "post-forking"))
			printf("post_forking=%d\n", cr_plugin_run_post_forking());
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	printf("fini done\n");
	return 0;
}
