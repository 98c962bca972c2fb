/*
 * util.c: the harness (case registry, checks, main), files and folders,
 * walking the loader's lists, the library's typed hook functions as a
 * runner, and the fixed hook arguments.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct.h"

/* ---- strings owned by the harness ---- */

static char **owned;
static size_t n_owned;

static char *own(char *s)
{
	char **grown = realloc(owned, (n_owned + 1) * sizeof(*owned));
	if (!grown || !s) {
		perror("out of memory");
		exit(2);
	}
	owned = grown;
	owned[n_owned++] = s;
	return s;
}

const char *ct_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return own(s);
}

/* ---- cases ---- */

struct ct_case {
	const char *name;
	ct_case_fn fn;
};
static struct ct_case cases[256];
static int n_cases;

void ct_register(const char *name, ct_case_fn fn)
{
	if (n_cases == (int)(sizeof(cases) / sizeof(cases[0]))) {
		fprintf(stderr, "too many test cases\n");
		exit(2);
	}
	cases[n_cases].name = name;
	cases[n_cases].fn = fn;
	n_cases++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ct_case *)a)->name, ((const struct ct_case *)b)->name);
}

const char *ct_context;

void ct_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	if (ct_context)
		fprintf(stderr, "[%s] ", ct_context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ct_on_fail)
		ct_on_fail();
	exit(1);
}

/* ---- files and folders ---- */

static char *tmp_root;

static void remove_tmp(void)
{
	size_t i;

	if (tmp_root) {
		ct_rm_rf(tmp_root);
		free(tmp_root);
		tmp_root = NULL;
	}
	for (i = 0; i < n_owned; i++)
		free(owned[i]);
	free(owned);
	owned = NULL;
	n_owned = 0;
}

const char *ct_tmp(void)
{
	if (!tmp_root) {
		const char *base = getenv("CT_TMPDIR");
		char *t;

		if (asprintf(&t, "%s/ctest-XXXXXX", base && *base ? base : "/tmp") < 0 || !mkdtemp(t)) {
			perror("mkdtemp");
			exit(2);
		}
		chmod(t, 0755);
		tmp_root = t;
	}
	return tmp_root;
}

const char *ct_folder(const char *name)
{
	const char *p = ct_fmt("%s/%s", ct_tmp(), name);

	if (mkdir(p, 0700) && errno != EEXIST)
		ct_fail(__FILE__, __LINE__, "mkdir %s: %s", p, strerror(errno));
	return p;
}

const char *ct_path(const char *dir, const char *file)
{
	return ct_fmt("%s/%s", dir, file);
}

const char *ct_plugins(void)
{
	const char *env = getenv("CT_PLUGINS");
	return env && *env ? env : CT_PLUGIN_DIR;
}

/* Copies SRC to DIR/FILE through a descriptor of DIR, so DIR may be longer
 * than a path can be. */
static void copy_into(const char *src, int dirfd, const char *file, const char *shown)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		ct_fail(__FILE__, __LINE__, "open %s: %s", src, strerror(errno));
	out = openat(dirfd, file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0)
		ct_fail(__FILE__, __LINE__, "create %s: %s", shown, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ct_fail(__FILE__, __LINE__, "write %s: %s", shown, strerror(errno));
	if (n < 0)
		ct_fail(__FILE__, __LINE__, "read %s: %s", src, strerror(errno));
	fchmod(out, 0755);
	close(in);
	close(out);
}

void ct_put(const char *dir, const char *plugin, const char *file)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		ct_fail(__FILE__, __LINE__, "open %s: %s", dir, strerror(errno));
	copy_into(ct_fmt("%s/%s.so", ct_plugins(), plugin), dfd, file, file);
	close(dfd);
}

void ct_write(const char *dir, const char *file, const char *text)
{
	const char *p = ct_path(dir, file);
	FILE *f = fopen(p, "w");

	if (!f)
		ct_fail(__FILE__, __LINE__, "create %s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static void rm_at(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		struct dirent *de;

		if (!d) {
			close(fd);
			return;
		}
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				rm_at(dirfd(d), de->d_name);
		closedir(d);
		unlinkat(parent, name, AT_REMOVEDIR);
	} else {
		unlinkat(parent, name, 0);
	}
}

void ct_rm_rf(const char *path)
{
	/* Folders made unreadable by a test become readable again first. */
	chmod(path, 0700);
	rm_at(AT_FDCWD, path);
}

/* ---- the loader's lists ---- */

#define CT_MAX_WALK 1000

static plugin_desc_t *of_list(struct list_head *node)
{
	return (plugin_desc_t *)((char *)node - offsetof(plugin_desc_t, list));
}

static plugin_desc_t *of_link(struct list_head *node, int hook)
{
	return (plugin_desc_t *)((char *)node - offsetof(plugin_desc_t, link) - hook * sizeof(struct list_head));
}

int ct_count(void)
{
	struct list_head *p;
	int n = 0;

	for (p = cr_plugin_ctl.head.next; p != &cr_plugin_ctl.head; p = p->next)
		if (++n > CT_MAX_WALK)
			ct_fail(__FILE__, __LINE__, "cr_plugin_ctl.head does not close");
	return n;
}

static const char *join(struct list_head *head, plugin_desc_t *(*of)(struct list_head *, int), int hook)
{
	char buf[16384] = "";
	struct list_head *p;
	size_t len = 0;
	int n = 0;

	for (p = head->next; p != head; p = p->next) {
		plugin_desc_t *pd = of(p, hook);
		const char *name = pd->d && pd->d->name ? pd->d->name : "(null)";

		if (++n > CT_MAX_WALK)
			ct_fail(__FILE__, __LINE__, "a list does not close");
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "," : "", name);
		if (len >= sizeof(buf))
			ct_fail(__FILE__, __LINE__, "list too long");
	}
	return ct_fmt("%s", buf);
}

static plugin_desc_t *of_list_any(struct list_head *node, int hook)
{
	(void)hook;
	return of_list(node);
}

const char *ct_names(void)
{
	return join(&cr_plugin_ctl.head, of_list_any, 0);
}

const char *ct_chain(int hook)
{
	return join(&cr_plugin_ctl.hook_chain[hook], of_link, hook);
}

bool ct_lists_empty(void)
{
	int i;

	if (cr_plugin_ctl.head.next != &cr_plugin_ctl.head || cr_plugin_ctl.head.prev != &cr_plugin_ctl.head)
		return false;
	for (i = 0; i < CR_PLUGIN_HOOK__MAX; i++)
		if (cr_plugin_ctl.hook_chain[i].next != &cr_plugin_ctl.hook_chain[i] ||
		    cr_plugin_ctl.hook_chain[i].prev != &cr_plugin_ctl.hook_chain[i])
			return false;
	return true;
}

static bool consistent(struct list_head *head)
{
	struct list_head *p = head;
	int n = 0;

	do {
		if (!p->next || !p->prev || p->next->prev != p || p->prev->next != p)
			return false;
		p = p->next;
		if (++n > CT_MAX_WALK)
			return false;
	} while (p != head);
	return true;
}

bool ct_lists_consistent(void)
{
	int i;

	if (!consistent(&cr_plugin_ctl.head))
		return false;
	for (i = 0; i < CR_PLUGIN_HOOK__MAX; i++)
		if (!consistent(&cr_plugin_ctl.hook_chain[i]))
			return false;
	return true;
}

plugin_desc_t *ct_find(const char *name)
{
	struct list_head *p;

	for (p = cr_plugin_ctl.head.next; p != &cr_plugin_ctl.head; p = p->next) {
		plugin_desc_t *pd = of_list(p);
		if (pd->d && pd->d->name && strcmp(pd->d->name, name) == 0)
			return pd;
	}
	return NULL;
}

/* ---- the process ---- */

bool ct_mapped(const char *s)
{
	char line[8192];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		ct_fail(__FILE__, __LINE__, "/proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (strstr(line, s))
			found = true;
	fclose(f);
	return found;
}

/* ---- running hooks ---- */

const struct ct_runner ct_run_lib = {
	.how = "typed functions",
	.dump_unix_sk = cr_plugin_run_dump_unix_sk,
	.restore_unix_sk = cr_plugin_run_restore_unix_sk,
	.dump_ext_file = cr_plugin_run_dump_ext_file,
	.restore_ext_file = cr_plugin_run_restore_ext_file,
	.dump_ext_mount = cr_plugin_run_dump_ext_mount,
	.restore_ext_mount = cr_plugin_run_restore_ext_mount,
	.dump_ext_link = cr_plugin_run_dump_ext_link,
	.handle_device_vma = cr_plugin_run_handle_device_vma,
	.update_vma_map = cr_plugin_run_update_vma_map,
	.resume_devices_late = cr_plugin_run_resume_devices_late,
	.pause_devices = cr_plugin_run_pause_devices,
	.checkpoint_devices = cr_plugin_run_checkpoint_devices,
	.post_forking = cr_plugin_run_post_forking,
	.restore_init = cr_plugin_run_restore_init,
	.dump_devices_late = cr_plugin_run_dump_devices_late,
};

bool ct_out_retry;
int ct_out_is_file;
uint64_t ct_out_new_pgoff;
int ct_out_plugin_fd;

static const char *const hook_args[CR_PLUGIN_HOOK__MAX] = {
	"3,4", "5", "6,7", "8,0", "/mnt/x,9", "10,/mnt/y,/old,0", "11,12,veth", "13,4096",
	"/dev/dri/card0,0x7f0000001000,5", "1234", "1235", "1236", "", "", "1237",
};

const char *ct_hook_args(int hook)
{
	return hook_args[hook];
}

int ct_run_hook(const struct ct_runner *r, int hook)
{
	char mnt[] = "/mnt/x", mnt2[] = "/mnt/y", old[] = "/old", kind[] = "veth";
	struct stat st;

	ct_out_retry = false;
	ct_out_is_file = 0;
	ct_out_new_pgoff = 0;
	ct_out_plugin_fd = -1;
	memset(&st, 0, sizeof(st));
	st.st_size = 4096;

	switch (hook) {
	case CR_PLUGIN_HOOK__DUMP_UNIX_SK:
		return r->dump_unix_sk(3, 4);
	case CR_PLUGIN_HOOK__RESTORE_UNIX_SK:
		return r->restore_unix_sk(5);
	case CR_PLUGIN_HOOK__DUMP_EXT_FILE:
		return r->dump_ext_file(6, 7);
	case CR_PLUGIN_HOOK__RESTORE_EXT_FILE:
		return r->restore_ext_file(8, &ct_out_retry);
	case CR_PLUGIN_HOOK__DUMP_EXT_MOUNT:
		return r->dump_ext_mount(mnt, 9);
	case CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT:
		return r->restore_ext_mount(10, mnt2, old, &ct_out_is_file);
	case CR_PLUGIN_HOOK__DUMP_EXT_LINK:
		return r->dump_ext_link(11, 12, kind);
	case CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA:
		return r->handle_device_vma(13, &st);
	case CR_PLUGIN_HOOK__UPDATE_VMA_MAP:
		return r->update_vma_map("/dev/dri/card0", 0x7f0000001000ULL, 5, &ct_out_new_pgoff, &ct_out_plugin_fd);
	case CR_PLUGIN_HOOK__RESUME_DEVICES_LATE:
		return r->resume_devices_late(1234);
	case CR_PLUGIN_HOOK__PAUSE_DEVICES:
		return r->pause_devices(1235);
	case CR_PLUGIN_HOOK__CHECKPOINT_DEVICES:
		return r->checkpoint_devices(1236);
	case CR_PLUGIN_HOOK__POST_FORKING:
		return r->post_forking();
	case CR_PLUGIN_HOOK__RESTORE_INIT:
		return r->restore_init();
	case CR_PLUGIN_HOOK__DUMP_DEVICES_LATE:
		return r->dump_devices_late(1237);
	}
	ct_fail(__FILE__, __LINE__, "no hook %d", hook);
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	int i;

	qsort(cases, n_cases, sizeof(cases[0]), by_name);
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < n_cases; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s --list | CASE\n", argv[0]);
		return 2;
	}
	atexit(remove_tmp);
	for (i = 0; i < n_cases; i++) {
		if (strcmp(cases[i].name, argv[1]) == 0) {
			cases[i].fn();
			return 0;
		}
	}
	fprintf(stderr, "%s: no test case %s\n", argv[0], argv[1]);
	return 2;
}
