/*
 * A CRIU stand-in for the hostile-input tests. Like CRIU it is linked
 * -rdynamic and exports `opts` (libdir at offset 160, 504 bytes as in CRIU
 * 4.1.1), print_on_level() (every loader message goes to stdout as
 * "[LEVEL] text"), log_get_loglevel() (4, debug) and
 * check_inventory_plugins(). run.sh reads what it prints.
 *
 * Usage: host [WORD...], where each WORD is one of
 *   strict          cr_plugin_set_strict(1) first
 *   restore         the stage is restore (2), else dump (0)
 *   libdir=DIR      set opts.libdir (else the loader uses CRIU_LIBS_DIR)
 *   maps=TEXT       print how many lines of /proc/self/maps hold TEXT after
 *                   init and after fini ("mapped_after_init=N", ...)
 *   inv-reenter     check_inventory_plugins() calls cr_plugin_init(2)
 *   cycles=N        N rounds of init + fini, one "round I init=R moved=M"
 *                   line each, then "rounds=N moved=K"
 *   watch=PATH      with cycles: M is 1 when PATH is another inode after
 *                   init than before (someone renamed it meanwhile); K counts
 *                   those rounds
 *   min-moved=K     with watch: go on past N rounds until K rounds saw PATH
 *                   move, up to 20 N rounds
 *   failmalloc=N    the allocation-failure run (see failmalloc_run below);
 *                   needs failmalloc.so preloaded
 *
 * It always prints "init=R" (the last round's), "loaded NAME" for each
 * plugin in cr_plugin_ctl's list, "pause=R" (cr_plugin_run_pause_devices(42)
 * or, for CRIU's own loader, run_plugins) and "fini done".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "criu-plugin-host.h"
#include "../criu_log.h"

/*
 * CRIU 4.1.1's struct cr_options is 504 bytes with char *libdir at 160: the
 * loader reads only libdir, and checks that the symbol is large enough.
 */
struct fake_cr_options {
	char before[160];
	char *libdir;
	char after[504 - 160 - sizeof(char *)];
};
_Static_assert(sizeof(struct fake_cr_options) == 504, "CRIU 4.1.1's size");
_Static_assert(offsetof(struct fake_cr_options, libdir) == 160, "libdir's offset");
struct fake_cr_options opts;

#ifdef CRIU_C_LOADER
/* CRIU's service descriptors: CRIU's loader links against this; no images. */
int get_service_fd(int type);
int get_service_fd(int type)
{
	(void)type;
	return -1;
}
#endif

static int inv_reenter;

/* CRIU's restore-time check, called by the loader inside cr_plugin_init(2). */
int check_inventory_plugins(void)
{
	static int depth;

	printf("check_inventory_plugins\n");
	if (inv_reenter && depth == 0) {
		int inner;

		depth++;
		inner = cr_plugin_init(CR_PLUGIN_STAGE__RESTORE);
		depth--;
		printf("host inner=%d\n", inner);
	}
	fflush(stdout);
	return 0;
}

/* Lines of /proc/self/maps that hold `needle`, read without allocating. */
static int count_maps(const char *needle)
{
	static char buf[1 << 20];
	size_t len = 0, nlen = strlen(needle);
	ssize_t n;
	char *line, *end;
	int fd, count = 0;

	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (line = buf; line < buf + len; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			end = buf + len;
		*end = '\0';
		if (nlen && strstr(line, needle))
			count++;
	}
	return count;
}

static int pause_devices(void)
{
#ifdef CRIU_C_LOADER
	return run_plugins(PAUSE_DEVICES, 42);
#else
	return cr_plugin_run_pause_devices(42);
#endif
}

/*
 * Prints "loaded NAME" for each loaded plugin. Bytes that are not printable
 * ASCII show as '?': the host must not forge lines with the names the
 * injection cases give their plugins (only the library's own lines are
 * under test).
 */
static void list_loaded(void)
{
	struct list_head *pos;
	const unsigned char *c;

	for (pos = cr_plugin_ctl.head.next; pos != &cr_plugin_ctl.head; pos = pos->next) {
		plugin_desc_t *p = (plugin_desc_t *)((char *)pos - offsetof(plugin_desc_t, list));

		fputs("loaded ", stdout);
		for (c = (const unsigned char *)p->d->name; *c; c++)
			putchar(*c >= 0x20 && *c < 0x7f ? *c : '?');
		putchar('\n');
	}
}

/* The allocation-failure shim's controls (failmalloc.c), found at run time. */
struct failmalloc {
	void (*arm)(long n);
	void (*disarm)(void);
	long (*live)(void);
	long (*allocs)(void);
	long (*failures)(void);
	void (*track)(int on);
	long (*report)(void);
};

static int find_failmalloc(struct failmalloc *f)
{
	f->arm = (void (*)(long))dlsym(RTLD_DEFAULT, "failmalloc_arm");
	f->disarm = (void (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_disarm");
	f->live = (long (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_live");
	f->allocs = (long (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_allocs");
	f->failures = (long (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_failures");
	f->track = (void (*)(int))dlsym(RTLD_DEFAULT, "failmalloc_track");
	f->report = (long (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_report");
	return f->arm && f->disarm && f->live && f->allocs && f->failures && f->track && f->report ? 0 : -1;
}

/*
 * One run of the allocation-failure sweep: a warm-up init + fini (glibc and
 * the library allocate some things once, on first use), the live heap bytes
 * as a baseline, then an init during which every allocation from the n-th
 * on (counting from 0) fails, a fini, and the live bytes again.
 * n < 0: nothing fails; the line tells how many allocations init made.
 */
static int failmalloc_run(long n, int stage, const char *needle)
{
	struct failmalloc f;
	long base, after, allocs, failures;
	int rc;

	if (find_failmalloc(&f)) {
		printf("failmalloc.so is not preloaded\n");
		return 3;
	}
	/* stdout's buffer is allocated by the first printf: before the baseline. */
	printf("failmalloc run n=%ld\n", n);
	fflush(stdout);
	rc = cr_plugin_init(stage);
	printf("warmup init=%d\n", rc);
	cr_plugin_fini(stage, rc);
	printf("warmup mapped=%d\n", count_maps(needle));
	fflush(stdout);
	if (rc)
		return 4;

	base = f.live();
	f.track(1);
	f.arm(n < 0 ? -1 : n);
	rc = cr_plugin_init(stage);
	f.disarm();
	allocs = f.allocs();
	failures = f.failures();
	printf("init=%d allocs=%ld failed=%ld\n", rc, allocs, failures);
	printf("mapped_after_init=%d\n", count_maps(needle));
	list_loaded();
	fflush(stdout);
	cr_plugin_fini(stage, rc);
	printf("mapped_after_fini=%d\n", count_maps(needle));
	after = f.live();
	f.track(0);
	printf("leaked=%ld\n", after - base);
	fflush(stdout);
	if (after != base)
		f.report();
	return 0;
}

/* The inode PATH names now (0 when it names nothing). */
static ino_t inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

int main(int argc, char **argv)
{
	const char *needle = NULL, *watch = NULL;
	int rc = 0, stage = CR_PLUGIN_STAGE__DUMP;
	long i, cycles = 1, failmalloc = -2, min_moved = 0, moved = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "strict")) {
#ifdef CRIU_C_LOADER
			printf("CRIU's loader has no strict mode\n");
			return 2;
#else
			cr_plugin_set_strict(1);
#endif
		} else if (!strcmp(argv[i], "restore"))
			stage = CR_PLUGIN_STAGE__RESTORE;
		else if (!strncmp(argv[i], "libdir=", 7))
			opts.libdir = argv[i] + 7;
		else if (!strncmp(argv[i], "maps=", 5))
			needle = argv[i] + 5;
		else if (!strcmp(argv[i], "inv-reenter"))
			inv_reenter = 1;
		else if (!strncmp(argv[i], "cycles=", 7))
			cycles = atol(argv[i] + 7);
		else if (!strncmp(argv[i], "watch=", 6))
			watch = argv[i] + 6;
		else if (!strncmp(argv[i], "min-moved=", 10))
			min_moved = atol(argv[i] + 10);
		else if (!strncmp(argv[i], "failmalloc=", 11))
			failmalloc = atol(argv[i] + 11);
		else {
			fprintf(stderr, "host: unknown word %s\n", argv[i]);
			return 2;
		}
	}
	if (failmalloc > -2)
		return failmalloc_run(failmalloc, stage, needle ? needle : "/nonexistent/");

	if (cycles > 1) {
		for (i = 0; i < cycles || (watch && moved < min_moved && i < 20 * cycles); i++) {
			ino_t before = watch ? inode_of(watch) : 0;
			int m;

			rc = cr_plugin_init(stage);
			m = watch && inode_of(watch) != before;
			moved += m;
			printf("round %ld init=%d moved=%d\n", i, rc, m);
			fflush(stdout);
			cr_plugin_fini(stage, rc);
		}
		printf("rounds=%ld moved=%ld\n", i, moved);
		printf("fini done\n");
		return 0;
	}
	rc = cr_plugin_init(stage);
	printf("init=%d\n", rc);
	if (needle)
		printf("mapped_after_init=%d\n", count_maps(needle));
	list_loaded();
	printf("pause=%d\n", pause_devices());
	fflush(stdout);
	cr_plugin_fini(stage, rc);
	printf("fini done\n");
	if (needle)
		printf("mapped_after_fini=%d\n", count_maps(needle));
	return 0;
}
