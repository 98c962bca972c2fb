/*
 * t_reject.c: every rejection. One bad plugin fails the whole init: the
 * plugins already loaded get exit(stage, -1) and are unloaded, the ones
 * after it are never loaded, init returns -1, and the error line names the
 * file and the reason. Folder problems: unreadable, not a folder, absent,
 * holding no plugin, a path too long.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

/* Folder a.so (good), m.so (BAD, or text when BAD is NULL), z.so (good);
 * init(STAGE) must fail with an error line holding m.so's path and REASON.
 * M_INIT: whether m's init runs (and fails). */
static void reject(int stage, const char *bad, const char *text, const char *reason, bool m_init)
{
	const char *dir = ct_folder("p");
	const char *m = ct_path(dir, "m.so");

	ct_put(dir, "gp", "z.so");
	if (bad)
		ct_put(dir, bad, "m.so");
	else
		ct_write(dir, "m.so", text);
	ct_put(dir, "gp", "a.so");
	ct_use(dir);

	CHECK_INT(cr_plugin_init(stage), -1);
	CHECK(ct_log_has2(1, m, reason));
	/* a was loaded and initialised, then finalised with -1; z never. */
	if (m_init)
		CHECK_STR(ct_events(), ct_fmt("init a %d;init m %d;exit a %d -1", stage, stage, stage));
	else
		CHECK_STR(ct_events(), ct_fmt("init a %d;exit a %d -1", stage, stage));
	CHECK(ct_lists_empty());
	CHECK_INT(ct_count(), 0);
	CHECK(!ct_mapped(dir));

	/* A fini after the failed init (as CRIU does) is harmless. */
	ct_events_clear();
	cr_plugin_fini(stage, -1);
	CHECK_STR(ct_events(), "");

	/* Without the bad file, the same folder loads. */
	CHECK_INT(unlink(m), 0);
	CHECK_INT(cr_plugin_init(stage), 0);
	CHECK_STR(ct_names(), "a,z");
	cr_plugin_fini(stage, 0);
	CHECK(!ct_mapped(dir));
}

TEST(reject_version_too_new)
{
	/* Refused before its init runs. */
	reject(CR_PLUGIN_STAGE__DUMP, "badver", NULL, "version 0.3.0 is newer than the supported 0.2.0", false);
}

TEST(reject_max_hooks_too_big)
{
	reject(CR_PLUGIN_STAGE__PRE_DUMP, "toomany", NULL, "max_hooks 20 is more than the supported 15", false);
}

TEST(reject_init_failing)
{
	/* m's init runs and fails; its exit is never called. */
	ct_set_init("m", -5);
	reject(CR_PLUGIN_STAGE__DUMP, "gp", NULL, "Failed in init(0) of", true);
	CHECK(ct_log_has2(1, "Failed in init(0) of \"m\"", "returned -5"));
}

TEST(reject_init_failing_restore)
{
	/* Rollback at the restore stage, before the inventory check. */
	ct_set_init("m", 1);
	reject(CR_PLUGIN_STAGE__RESTORE, "gp", NULL, "Failed in init(2) of", true);
}

TEST(reject_init_failing_others_get_exit)
{
	/* Three plugins loaded before the one that fails: all get exit(-1),
	 * in load order; the failing one gets no exit. */
	const char *dir = ct_use_plugins("p", "gp", "d.so", "gp", "c.so", "gp", "b.so", "gp", "a.so", NULL);
	ct_set_init("d", -1);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__PRE_DUMP), -1);
	CHECK_STR(ct_events(), "init a 1;init b 1;init c 1;init d 1;exit a 1 -1;exit b 1 -1;exit c 1 -1");
	CHECK(ct_log_has2(1, "Failed in init(1) of", ct_path(dir, "d.so")));
	CHECK(ct_lists_empty());
	CHECK(!ct_mapped(dir));
}

TEST(reject_not_elf)
{
	reject(CR_PLUGIN_STAGE__DUMP, NULL, "this is not an ELF file\n", "Unable to load", false);
}

TEST(reject_empty_so_file)
{
	reject(CR_PLUGIN_STAGE__DUMP, NULL, "", "Unable to load", false);
}

TEST(folder_absent)
{
	const char *dir = ct_path(ct_tmp(), "no-such-folder");

	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), -1);
	CHECK(ct_log_has2(1, "Unable to open directory", dir));
	CHECK_STR(ct_events(), "");
	CHECK(ct_lists_empty());
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, -1);
}

TEST(folder_is_a_file)
{
	const char *dir = ct_folder("p");
	const char *file = ct_path(dir, "plugins");

	ct_write(dir, "plugins", "a file, not a folder\n");
	ct_use(file);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), -1);
	CHECK(ct_log_has2(1, "Unable to open directory", file));
	CHECK(ct_lists_empty());
}

/* A folder the process may not read. As root, mode 000 does not stop
 * opendir(), so the case runs with the effective ids of nobody. */
TEST(folder_unreadable)
{
	const char *dir = ct_folder("p");
	uid_t uid = geteuid();
	gid_t gid = getegid();
	bool dropped = false;
	int rc;

	ct_put(dir, "gp", "a.so");
	CHECK_INT(chmod(dir, 0), 0);
	ct_use(dir);
	if (uid == 0) {
		CHECK_INT(setegid(65534), 0);
		CHECK_INT(seteuid(65534), 0);
		dropped = true;
	}
	/* The parent is open to all, the folder is not. */
	CHECK(faccessat(AT_FDCWD, ct_tmp(), X_OK, AT_EACCESS) == 0);
	CHECK(faccessat(AT_FDCWD, dir, R_OK, AT_EACCESS) != 0);
	rc = cr_plugin_init(CR_PLUGIN_STAGE__DUMP);
	if (dropped) {
		CHECK_INT(seteuid(uid), 0);
		CHECK_INT(setegid(gid), 0);
	}
	CHECK_INT(rc, -1);
	CHECK(ct_log_has2(1, "Unable to open directory", dir));
	CHECK(ct_log_has(1, "ermission denied"));
	CHECK_STR(ct_events(), "");
	CHECK(ct_lists_empty());
	CHECK_INT(chmod(dir, 0700), 0);
}

TEST(folder_without_plugins)
{
	const char *dir = ct_folder("p");

	ct_write(dir, "README", "no plugins here\n");
	ct_write(dir, "x.so.1", "not a plugin\n");
	ct_write(dir, "so", "not a plugin\n");
	ct_write(dir, "y.so~", "not a plugin\n");
	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	CHECK_INT(ct_count(), 0);
	CHECK(ct_lists_empty());
	CHECK_INT(ct_run_hook(&ct_run_criu, CR_PLUGIN_HOOK__DUMP_UNIX_SK), -ENOTSUP);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), "");

	/* An empty folder too. */
	ct_use(ct_folder("empty"));
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__RESTORE), 0);
	CHECK_INT(ct_count(), 0);
	cr_plugin_fini(CR_PLUGIN_STAGE__RESTORE, 0);
}

/* Makes a folder whose path is LEN bytes long (nested folders made through
 * descriptors) and returns its path and an open descriptor of it. */
static const char *deep_folder(size_t len, int *fd_out)
{
	char *path = strdup(ct_folder("long"));
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK(path != NULL);
	while (strlen(path) < len) {
		size_t left = len - strlen(path) - 1; /* minus the '/' */
		char comp[NAME_MAX + 1];
		size_t n = left > 200 ? 200 : left;
		char *longer;
		int sub;

		/* Never leave a remainder too short to make a component. */
		if (left > 200 && left - 200 < 2)
			n = 150;
		memset(comp, 'd', n);
		comp[n] = '\0';
		CHECK_INT(mkdirat(fd, comp, 0700), 0);
		sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CHECK(sub >= 0);
		close(fd);
		fd = sub;
		CHECK(asprintf(&longer, "%s/%s", path, comp) > 0);
		free(path);
		path = longer;
	}
	CHECK_INT(strlen(path), len);
	*fd_out = fd;
	{
		const char *owned = ct_fmt("%s", path);
		free(path);
		return owned;
	}
}

/* A file NAMELEN bytes long in DIRFD, copied from the gp plugin. */
static void put_named(int dirfd, size_t namelen)
{
	char name[NAME_MAX + 1];
	char buf[65536];
	ssize_t n;
	int in, out;

	CHECK(namelen > 3 && namelen <= NAME_MAX);
	memset(name, 'p', namelen - 3);
	memcpy(name + namelen - 3, ".so", 4);
	in = open(ct_fmt("%s/gp.so", ct_plugins()), O_RDONLY | O_CLOEXEC);
	out = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	CHECK(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, n) == n);
	close(in);
	close(out);
}

TEST(path_too_long)
{
	/* dir + '/' + name = PATH_MAX bytes: no room for the NUL. */
	size_t dirlen = PATH_MAX - 1 - 200;
	int fd;
	const char *dir = deep_folder(dirlen, &fd);

	put_named(fd, 200);
	close(fd);
	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), -1);
	CHECK(ct_log_has2(1, "PATH_MAX", dir));
	CHECK_STR(ct_events(), "");
	CHECK(ct_lists_empty());
}

TEST(path_just_fits)
{
	/* dir + '/' + name = PATH_MAX - 1 bytes: fits with its NUL, loads. */
	size_t dirlen = PATH_MAX - 2 - 200;
	int fd;
	const char *dir = deep_folder(dirlen, &fd);
	char name[201];

	put_named(fd, 200);
	close(fd);
	ct_use(dir);
	CHECK_INT(cr_plugin_init(CR_PLUGIN_STAGE__DUMP), 0);
	memset(name, 'p', 197);
	name[197] = '\0';
	CHECK_STR(ct_names(), name);
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	CHECK_STR(ct_events(), ct_fmt("init %s 0;exit %s 0 0", name, name));
	CHECK(ct_lists_empty());
}
