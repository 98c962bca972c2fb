/*
 * t_load.c: loading and calling plugins: a modern plugin and a legacy one
 * with every hook, each hook checked on its chain and called with its
 * arguments through the library's typed functions, the header's run_plugins
 * and CRIU's own run_plugins; hooks registered by constructors; several
 * plugins in one folder in byte order; plugins with fewer hook slots.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

#include "host.h"

static const struct ct_runner *const runners[] = { &ct_run_lib, &ct_run_hdr, &ct_run_criu };
#define N_RUNNERS ((int)(sizeof(runners) / sizeof(runners[0])))

static const char *const legacy_symbols[CR_PLUGIN_HOOK__MAX] = {
	"cr_plugin_dump_unix_sk",    "cr_plugin_restore_unix_sk",  "cr_plugin_dump_file",
	"cr_plugin_restore_file",    "cr_plugin_dump_ext_mount",   "cr_plugin_restore_ext_mount",
	"cr_plugin_dump_ext_link",   "cr_plugin_handle_device_vma", "cr_plugin_update_vma_map",
	"cr_plugin_resume_devices_late", "cr_plugin_pause_devices", "cr_plugin_checkpoint_devices",
	"cr_plugin_post_forking",    "cr_plugin_restore_init",     "cr_plugin_dump_devices_late",
};

/* Whether ADDR lies in the loaded object whose file name contains FILE. */
static bool in_object(void *addr, const char *file)
{
	Dl_info info;

	return addr && dladdr(addr, &info) && info.dli_fname && strstr(info.dli_fname, file);
}

/* Calls every hook through every runner; plugin NAME (alone on the chains,
 * SHOWN in the log: its descriptor's name) answers 1000 + hook and must see
 * the arguments. */
static void call_every_hook(const char *name, const char *shown)
{
	int r, h;

	for (r = 0; r < N_RUNNERS; r++) {
		for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
			ct_context = ct_fmt("%s, hook %d", runners[r]->how, h);
			ct_events_clear();
			ct_log_clear();
			CHECK_INT(ct_run_hook(runners[r], h), 1000 + h);
			CHECK_STR(ct_events(), ct_fmt("%s.%d(%s)", name, h, ct_hook_args(h)));
			if (h == CR_PLUGIN_HOOK__RESTORE_EXT_FILE)
				CHECK(ct_out_retry);
			if (h == CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT)
				CHECK_INT(ct_out_is_file, 1);
			if (h == CR_PLUGIN_HOOK__UPDATE_VMA_MAP) {
				CHECK_INT(ct_out_new_pgoff, 6);
				CHECK_INT(ct_out_plugin_fd, 77);
			}
			/* CRIU's macro and the library both log CRIU's line. */
			if (runners[r] == &ct_run_criu || runners[r] == &ct_run_lib)
				CHECK_INT(ct_log_count(4, ct_fmt("plugin: `%s' hook %d -> 0x", shown, h)), 1);
		}
	}
	ct_context = NULL;
}

TEST(modern_plugin_all_hooks)
{
	const char *dir = ct_folder("p");
	plugin_desc_t *pd;
	int h;

	ct_put(dir, "modern", "modern.so");
	ct_use(dir);
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++)
		ct_set_hook("modern", h, 1000 + h);

	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_events(), "init modern 0");
	CHECK(ct_log_has(4, "Plugin \"modern\" (version 512 hooks 15)"));

	/* The record: the plugin's own descriptor, its dlopen handle. */
	CHECK_INT(ct_count(), 1);
	pd = ct_find("modern");
	CHECK(pd != NULL);
	CHECK(pd->dlhandle != NULL);
	CHECK(pd->d == dlsym(pd->dlhandle, "CR_PLUGIN_DESC"));
	CHECK_INT(pd->d->version, CRIU_PLUGIN_VERSION);
	CHECK_INT(pd->d->max_hooks, CR_PLUGIN_HOOK__MAX);
	/* Every hook was filled in by a constructor and is on its chain. */
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		ct_context = ct_fmt("hook %d", h);
		CHECK(pd->d->hooks[h] != NULL);
		CHECK_STR(ct_chain(h), "modern");
		CHECK(pd->link[h].next == &cr_plugin_ctl.hook_chain[h]);
		CHECK(pd->link[h].prev == &cr_plugin_ctl.hook_chain[h]);
	}
	ct_context = NULL;

	call_every_hook("modern", "modern");

	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "exit modern 0 0");
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}

TEST(legacy_plugin_all_hooks)
{
	const char *dir = ct_folder("p");
	const char *path = ct_path(dir, "legacy.so");
	plugin_desc_t *pd;
	int h;

	ct_put(dir, "legacy", "legacy.so");
	ct_use(dir);
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++)
		ct_set_hook("legacy", h, 1000 + h);

	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	/* Its cr_plugin_init ran (it takes no stage and records -1). */
	CHECK_STR(ct_events(), "init legacy -1");
	CHECK_INT(ct_init_image_dir, CT_IMG_FD);
	CHECK(ct_log_has2(2, "Generating dynamic descriptor", path));
	CHECK(ct_log_has(4, ct_fmt("Plugin \"%s\" (version 256 hooks 15)", path)));

	/* The synthesised descriptor: name = path, 0.1.0, 15 hooks, each from
	 * its legacy symbol, init and exit from cr_plugin_init/fini. */
	pd = ct_find(path);
	CHECK(pd != NULL);
	CHECK_INT(ct_count(), 1);
	CHECK(pd->dlhandle != NULL);
	CHECK(dlsym(pd->dlhandle, "CR_PLUGIN_DESC") == NULL);
	CHECK_INT(pd->d->version, CRIU_PLUGIN_VERSION_OLD);
	CHECK_INT(pd->d->max_hooks, CR_PLUGIN_HOOK__MAX);
	CHECK(pd->d->init == (int (*)(int))dlsym(pd->dlhandle, "cr_plugin_init"));
	CHECK(pd->d->exit == (void (*)(int, int))dlsym(pd->dlhandle, "cr_plugin_fini"));
	CHECK(in_object((void *)pd->d->init, path));
	CHECK(in_object((void *)pd->d->exit, path));
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		ct_context = legacy_symbols[h];
		CHECK(pd->d->hooks[h] != NULL);
		CHECK(pd->d->hooks[h] == dlsym(pd->dlhandle, legacy_symbols[h]));
		CHECK_STR(ct_chain(h), path);
	}
	ct_context = NULL;

	call_every_hook("legacy", path);

	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "exit legacy -1 -1");
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}

/* A legacy plugin without init/fini that links libcriu-plugin: the loader
 * must not take its own cr_plugin_init/cr_plugin_fini for the plugin's. */
TEST(legacy_plugin_without_init)
{
	const char *dir = ct_folder("p");
	const char *path = ct_path(dir, "legacy_min.so");
	plugin_desc_t *pd;
	int h;

	ct_put(dir, "legacy_min", "legacy_min.so");
	ct_use(dir);
	ct_set_hook("legacy_min", CR_PLUGIN_HOOK__DUMP_EXT_FILE, 5);

	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	pd = ct_find(path);
	CHECK(pd != NULL);
	/* dlsym through the handle does find the loader's cr_plugin_init. */
	CHECK(in_object(dlsym(pd->dlhandle, "cr_plugin_init"), "libcriu-plugin.so"));
	CHECK(in_object(pd->d->hooks[CR_PLUGIN_HOOK__DUMP_EXT_FILE], path));
	CHECK(pd->d->init == NULL);
	CHECK(pd->d->exit == NULL);
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		ct_context = ct_fmt("hook %d", h);
		if (h == CR_PLUGIN_HOOK__DUMP_EXT_FILE)
			CHECK_STR(ct_chain(h), path);
		else
			CHECK_STR(ct_chain(h), "");
	}
	ct_context = NULL;
	CHECK_INT(ct_run_hook(&ct_run_criu, CR_PLUGIN_HOOK__DUMP_EXT_FILE), 5);
	CHECK_STR(ct_events(), "legacy_min.2(6,7)");
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}

/* Several plugins in one folder: loaded, initialised, chained and
 * finalised in byte order of their file names, whatever readdir says. */
TEST(several_plugins_byte_order)
{
	/* Byte order: "10" < "9" < "B" < "_x" < "a" < "b"; created in reverse. */
	static const char *const files[] = { "b.so", "a.so", "_x.so", "B.so", "9.so", "10.so" };
	const char *want = "10,9,B,_x,a,b";
	const char *dir = ct_folder("p");
	const char *sub;
	char order[256] = "";
	struct dirent *de;
	size_t i;
	DIR *d;
	int h;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		ct_put(dir, "gp", files[i]);
	/* Entries that are not plugins. */
	ct_write(dir, "notes.txt", "not a plugin\n");
	ct_write(dir, "c.so.1", "not a plugin\n");
	ct_write(dir, "so", "not a plugin\n");
	ct_write(dir, "d.SO", "not a plugin\n");
	sub = ct_path(dir, "sub");
	CHECK_INT(mkdir(sub, 0700), 0);
	ct_put(sub, "gp", "e.so");
	ct_use(dir);

	/* For the record: the order readdir gives here. */
	d = opendir(dir);
	CHECK(d != NULL);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".so") && strlen(de->d_name) > 3 &&
		    strcmp(de->d_name + strlen(de->d_name) - 3, ".so") == 0)
			snprintf(order + strlen(order), sizeof(order) - strlen(order), "%s%.*s", order[0] ? "," : "",
				 (int)strlen(de->d_name) - 3, de->d_name);
	closedir(d);
	if (strcmp(order, want) == 0)
		fprintf(stderr, "note: readdir happens to give byte order here\n");

	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_events(), "init 10 0;init 9 0;init B 0;init _x 0;init a 0;init b 0");
	CHECK_STR(ct_names(), want);
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		ct_context = ct_fmt("hook %d", h);
		CHECK_STR(ct_chain(h), want);
	}
	ct_context = NULL;
	CHECK(ct_lists_consistent());
	CHECK(!ct_mapped(ct_path(sub, "e.so")));
	CHECK(!ct_mapped("c.so.1"));

	/* Every plugin declines: each is called once, in load order. */
	ct_events_clear();
	CHECK_INT(ct_run_hook(&ct_run_criu, CR_PLUGIN_HOOK__PAUSE_DEVICES), -ENOTSUP);
	CHECK_STR(ct_events(), "10.10(1235);9.10(1235);B.10(1235);_x.10(1235);a.10(1235);b.10(1235)");

	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "exit 10 0 0;exit 9 0 0;exit B 0 0;exit _x 0 0;exit a 0 0;exit b 0 0");
	CHECK(!ct_mapped(dir));
}

/* A plugin with two hooks sits on those two chains only. */
TEST(sparse_plugin_on_its_chains_only)
{
	int h;

	ct_use_plugins("p", "gp", "a.so", "sparse", "m.so", "gp", "z.so", NULL);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_names(), "a,sparse,z");
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		ct_context = ct_fmt("hook %d", h);
		if (h == CR_PLUGIN_HOOK__DUMP_EXT_FILE || h == CR_PLUGIN_HOOK__RESUME_DEVICES_LATE)
			CHECK_STR(ct_chain(h), "a,sparse,z");
		else
			CHECK_STR(ct_chain(h), "a,z");
	}
	ct_context = NULL;
	ct_set_hook("sparse", CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, 9);
	ct_events_clear();
	CHECK_INT(ct_run_hook(&ct_run_criu, CR_PLUGIN_HOOK__RESUME_DEVICES_LATE), 9);
	CHECK_STR(ct_events(), "a.9(1234);sparse.9(1234)");
	ct_events_clear();
	CHECK_INT(ct_run_hook(&ct_run_lib, CR_PLUGIN_HOOK__RESUME_DEVICES_LATE), 9);
	CHECK_STR(ct_events(), "a.9(1234);sparse.9(1234)");
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK(ct_lists_empty());
}

/* A hand-made descriptor with 10 hook slots and max_hooks = 10, followed by
 * poison where hooks 10..14 would be: never read, never chained. */
TEST(smaller_max_hooks)
{
	const char *dir = ct_folder("p");
	int r, h;

	ct_put(dir, "small", "small.so");
	ct_put(dir, "gp", "z.so");
	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_events(), "init small 0;init z 0");
	CHECK(ct_log_has(4, "Plugin \"small\" (version 512 hooks 10)"));
	CHECK_INT(ct_find("small")->d->max_hooks, 10);
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		ct_context = ct_fmt("hook %d", h);
		if (h == CR_PLUGIN_HOOK__DUMP_UNIX_SK || h == CR_PLUGIN_HOOK__RESUME_DEVICES_LATE)
			CHECK_STR(ct_chain(h), "small,z");
		else
			CHECK_STR(ct_chain(h), "z");
	}
	ct_set_hook("small", CR_PLUGIN_HOOK__DUMP_UNIX_SK, 21);
	for (r = 0; r < N_RUNNERS; r++) {
		ct_context = runners[r]->how;
		ct_events_clear();
		CHECK_INT(ct_run_hook(runners[r], CR_PLUGIN_HOOK__DUMP_UNIX_SK), 21);
		CHECK_STR(ct_events(), "small.0(3,4)");
		for (h = 10; h < CR_PLUGIN_HOOK__MAX; h++) {
			ct_events_clear();
			CHECK_INT(ct_run_hook(runners[r], h), -ENOTSUP);
			CHECK_STR(ct_events(), ct_fmt("z.%d(%s)", h, ct_hook_args(h)));
		}
	}
	ct_context = NULL;
	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "exit small 0 0;exit z 0 0");
	CHECK(ct_lists_empty());
}

/* A plugin compiled against Debian's real CRIU 3.17 header. */
TEST(criu_317_plugin)
{
	const char *dir = ct_folder("p");
	int r, h;

	ct_put(dir, "p317", "p317.so");
	ct_put(dir, "gp", "z.so");
	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_STR(ct_events(), "init p317 0;init z 0");
	CHECK_INT(ct_init_image_dir, CT_IMG_FD);
	CHECK(ct_log_has(4, "Plugin \"p317\" (version 512 hooks 10)"));
	for (h = 0; h < CR_PLUGIN_HOOK__MAX; h++) {
		ct_context = ct_fmt("hook %d", h);
		if (h == CR_PLUGIN_HOOK__DUMP_UNIX_SK || h == CR_PLUGIN_HOOK__RESUME_DEVICES_LATE)
			CHECK_STR(ct_chain(h), "p317,z");
		else
			CHECK_STR(ct_chain(h), "z");
	}
	ct_set_hook("p317", CR_PLUGIN_HOOK__RESUME_DEVICES_LATE, 55);
	for (r = 0; r < N_RUNNERS; r++) {
		ct_context = runners[r]->how;
		ct_events_clear();
		CHECK_INT(ct_run_hook(runners[r], CR_PLUGIN_HOOK__RESUME_DEVICES_LATE), 55);
		CHECK_STR(ct_events(), "p317.9(1234)");
		ct_events_clear();
		CHECK_INT(ct_run_hook(runners[r], CR_PLUGIN_HOOK__DUMP_UNIX_SK), -ENOTSUP);
		CHECK_STR(ct_events(), "p317.0(3,4);z.0(3,4)");
	}
	ct_context = NULL;
	ct_events_clear();
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 1);
	CHECK_STR(ct_events(), "exit p317 0 1;exit z 0 1");
	CHECK(!ct_mapped(dir));
}
