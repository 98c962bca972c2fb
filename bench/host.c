/*
 * The benchmark host. One source, three binaries (bench/Makefile):
 *
 *   host-c     CRIU 4.1.1's own criu/plugin.c linked in (the C baseline);
 *   host-rust  -DWITH_LIBRARY, linked with -lcriu-plugin (this project);
 *   floor      -DFLOOR, the dlopen/dlsym/dlclose loop of floor.c.
 *
 * Usage:
 *   HOST startup DIR CYCLES       cr_plugin_init + cr_plugin_fini over DIR,
 *                                 CYCLES times; prints the first (cold) and,
 *                                 with CYCLES > 1, the median of the others
 *                                 (warm), wall and process CPU time, in ns
 *   HOST dispatch DIR ITERS BATCHES CHAIN
 *                                 ns per PAUSE_DEVICES call through CRIU's
 *                                 run_plugins() macro (and, with the library,
 *                                 its typed cr_plugin_run_pause_devices()),
 *                                 median of BATCHES batches of ITERS calls
 *                                 (process CPU time: a busy machine that takes
 *                                 the CPU away does not count)
 *   HOST mem DIR CALLS            heap use of init, fini and dispatch (needs
 *                                 LD_PRELOAD=malloc_count.so)
 *   HOST probe DIR EXTRA REPS     for diagnosis: one init, then the user and
 *                                 system CPU time it took, how the dynamic
 *                                 linker's list of loaded objects lies in
 *                                 memory (objects, 4 KiB pages their
 *                                 struct link_map starts on, links that
 *                                 point back, links as long as the one
 *                                 before),
 *                                 the heap (mallinfo2), and the ns one
 *                                 dlopen(EXTRA) + dlclose costs with DIR's
 *                                 plugins loaded (median of REPS); then fini
 *
 * Output: one "key value" line per figure.
 */
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <link.h>
#include <malloc.h>
#include <sys/resource.h>

#ifdef FLOOR
#include "floor.h"
#else
#include "cr_options.h"
#include "plugin.h"
#endif

#ifdef WITH_LIBRARY
/* The library's typed call for PAUSE_DEVICES (include/criu-plugin-host.h;
 * declared here because that header's list types clash with CRIU's). */
int cr_plugin_run_pause_devices(int pid);
/* The same walk in C, in a shared object of its own (typed_ref.c). */
int typed_ref_pause_devices(int pid);
#endif

static const char *dir;

static void load(void)
{
#ifdef FLOOR
	if (floor_init(dir))
		die("floor: loading failed");
#else
	if (cr_plugin_init(CR_PLUGIN_STAGE__DUMP))
		die("cr_plugin_init failed");
#endif
}

static void unload(void)
{
#ifdef FLOOR
	floor_fini();
#else
	cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
#endif
}

/* Page faults the process has taken (minor: no I/O), for the cold cycle's
 * cost beyond its instructions and system calls. */
static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void startup(int cycles)
{
	double *wall = calloc((size_t)cycles, sizeof(double));
	double *cpu = calloc((size_t)cycles, sizeof(double));
	double *faults = calloc((size_t)cycles, sizeof(double));
	int c;

	if (!wall || !cpu || !faults || cycles < 1)
		die("startup: bad cycle count");
	for (c = 0; c < cycles; c++) {
		long f0 = minor_faults();
		double t0 = now_ns(), c0 = cpu_ns();

		load();
		unload();
		cpu[c] = cpu_ns() - c0;
		wall[c] = now_ns() - t0;
		faults[c] = (double)(minor_faults() - f0);
	}
	printf("cold_ns %.0f\n", wall[0]);
	printf("cold_faults %.0f\n", faults[0]);
	printf("cold_cpu_ns %.0f\n", cpu[0]);
	if (cycles > 1) {
		printf("warm_ns %.0f\n", median(wall + 1, cycles - 1));
		printf("warm_cpu_ns %.0f\n", median(cpu + 1, cycles - 1));
		printf("warm_faults %.0f\n", median(faults + 1, cycles - 1));
	}
	free(wall);
	free(cpu);
	free(faults);
}

#ifndef FLOOR
/* Number of plugins on the PAUSE_DEVICES chain; makes the last one answer 0. */
static int arm_chain(void)
{
	struct list_head *head = &cr_plugin_ctl.hook_chain[CR_PLUGIN_HOOK__PAUSE_DEVICES];
	plugin_desc_t *last;
	struct list_head *p;
	int *answer, n = 0;

	for (p = head->next; p != head; p = p->next) {
		plugin_desc_t *this = container_of(p, plugin_desc_t, link[CR_PLUGIN_HOOK__PAUSE_DEVICES]);

#ifdef WITH_LIBRARY
		/* The library loads in name order: walking `next` must meet the
		 * names in ascending order, or the host's list layout is not the
		 * library's. */
		if (n && strcmp(container_of(p->prev, plugin_desc_t, link[CR_PLUGIN_HOOK__PAUSE_DEVICES])->d->name,
				this->d->name) >= 0)
			die("the chain is not in load order: list_head layout mismatch?");
#endif
		if (this->dlhandle == NULL || this->d->hooks[CR_PLUGIN_HOOK__PAUSE_DEVICES] == NULL)
			die("a chain entry is not a loaded plugin with PAUSE_DEVICES");
		n++;
	}
	if (!n)
		die("empty PAUSE_DEVICES chain");
	last = container_of(head->prev, plugin_desc_t, link[CR_PLUGIN_HOOK__PAUSE_DEVICES]);
	answer = dlsym(last->dlhandle, "bench_answer");
	if (!answer)
		die("the last plugin has no bench_answer");
	*answer = 0;
	return n;
}

static void dispatch(long iters, int batches, int chain)
{
	double *macro = calloc((size_t)batches, sizeof(double));
	double *typed = calloc((size_t)batches, sizeof(double));
	double *ref = calloc((size_t)batches, sizeof(double));
	long i, sum = 0;
	int b;

	if (!macro || !typed || !ref || batches < 1 || iters < 1)
		die("dispatch: bad arguments");
	load();
	if (arm_chain() != chain)
		die("dispatch: the chain is not as long as asked");
	for (b = 0; b < batches; b++) {
		int k;

		/* Rotate which way goes first, so none always runs warm. */
		for (k = 0; k < 3; k++) {
			int way = (k + b) % 3;
			double t0;

			if (way == 0) {
				t0 = cpu_ns();
				for (i = 0; i < iters; i++)
					sum += run_plugins(PAUSE_DEVICES, (int)i);
				macro[b] = (cpu_ns() - t0) / (double)iters;
			}
#ifdef WITH_LIBRARY
			if (way == 1) {
				t0 = cpu_ns();
				for (i = 0; i < iters; i++)
					sum += cr_plugin_run_pause_devices((int)i);
				typed[b] = (cpu_ns() - t0) / (double)iters;
			}
			if (way == 2) {
				t0 = cpu_ns();
				for (i = 0; i < iters; i++)
					sum += typed_ref_pause_devices((int)i);
				ref[b] = (cpu_ns() - t0) / (double)iters;
			}
#endif
		}
	}
	if (sum != 0)
		die("dispatch: a chain answered something other than 0");
	printf("macro_ns %.3f\n", median(macro, batches));
#ifdef WITH_LIBRARY
	printf("typed_ns %.3f\n", median(typed, batches));
	printf("ref_ns %.3f\n", median(ref, batches));
#endif
	unload();
	free(macro);
	free(typed);
	free(ref);
}
#endif

static long delta_live(const struct mc_stats *a, const struct mc_stats *b)
{
	return b->live - a->live;
}

static void mem(long calls)
{
	mc_snapshot_fn *snap = mc_find();
	struct mc_stats s0, s1, s2, s3, s4;

	if (!snap)
		die("mem: run with LD_PRELOAD=malloc_count.so");
	/* Two plain cycles: the first may set up things once per process (in
	 * libc and the dynamic linker too), the second shows what each cycle
	 * keeps. */
	snap(&s0);
	load();
	snap(&s1);
	unload();
	snap(&s2);
	load();
	snap(&s3);
	unload();
	snap(&s4);
	printf("init_allocs %lu\n", s1.allocs - s0.allocs);
	printf("init_bytes %lu\n", s1.bytes - s0.bytes);
	printf("live_after_init %ld\n", delta_live(&s0, &s1));
	printf("live_after_fini %ld\n", delta_live(&s0, &s2));
	printf("init_allocs_again %lu\n", s3.allocs - s2.allocs);
	printf("init_bytes_again %lu\n", s3.bytes - s2.bytes);
	printf("live_after_init_again %ld\n", delta_live(&s2, &s3));
	printf("live_after_fini_again %ld\n", delta_live(&s2, &s4));
#ifndef FLOOR
	/* A third cycle, with hook calls. */
	{
		struct mc_stats a, b;
		long i, sum = 0;

		load();
		arm_chain();
		snap(&a);
		for (i = 0; i < calls; i++)
			sum += run_plugins(PAUSE_DEVICES, (int)i);
		snap(&b);
		printf("macro_allocs_per_call %.6f\n", (double)(b.allocs - a.allocs) / (double)calls);
#ifdef WITH_LIBRARY
		snap(&a);
		for (i = 0; i < calls; i++)
			sum += cr_plugin_run_pause_devices((int)i);
		snap(&b);
		printf("typed_allocs_per_call %.6f\n", (double)(b.allocs - a.allocs) / (double)calls);
#endif
		if (sum != 0)
			die("mem: a chain answered something other than 0");
		unload();
	}
#else
	(void)calls;
#endif
}

static double tv_ns(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e9 + (double)tv->tv_usec * 1e3;
}

static int cmp_ptr(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

static void probe(const char *extra, int reps)
{
	struct rusage r0, r1;
	struct link_map *m;
	unsigned long *pages;
	double *t;
	long n = 0, distinct = 0, i;
	int k;

	if (reps < 1)
		die("probe: bad repetition count");
	getrusage(RUSAGE_SELF, &r0);
	load();
	getrusage(RUSAGE_SELF, &r1);
	printf("init_user_ns %.0f\n", tv_ns(&r1.ru_utime) - tv_ns(&r0.ru_utime));
	printf("init_sys_ns %.0f\n", tv_ns(&r1.ru_stime) - tv_ns(&r0.ru_stime));
	printf("init_minflt %ld\n", r1.ru_minflt - r0.ru_minflt);
	{
		long back = 0, same = 0, prev = 0;

		for (m = _r_debug.r_map; m; m = m->l_next) {
			if (m->l_next) {
				long d = (long)((char *)m->l_next - (char *)m);

				back += d < 0;
				same += d == prev;
				prev = d;
			}
			n++;
		}
		/* How regular the list is in memory: links that point back, and
		 * links as long as the one before (a constant stride). */
		printf("link_map_backward_links %ld\n", back);
		printf("link_map_same_stride_links %ld\n", same);
		printf("link_map_last_stride %ld\n", prev);
	}
	pages = calloc((size_t)n, sizeof(*pages));
	t = calloc((size_t)reps, sizeof(*t));
	if (!pages || !t)
		die("probe: out of memory");
	for (i = 0, m = _r_debug.r_map; m; m = m->l_next)
		pages[i++] = (unsigned long)m >> 12;
	qsort(pages, (size_t)n, sizeof(*pages), cmp_ptr);
	for (i = 0; i < n; i++)
		distinct += !i || pages[i] != pages[i - 1];
	printf("objects %ld\n", n);
	printf("link_map_pages %ld\n", distinct);
	{
		struct mallinfo2 mi = mallinfo2();

		printf("heap_bytes %zu\n", mi.arena);
		printf("heap_free_chunks %zu\n", mi.ordblks);
		printf("heap_free_bytes %zu\n", mi.fordblks);
	}
	for (k = 0; k < reps; k++) {
		double t0 = cpu_ns();
		void *h = dlopen(extra, RTLD_LAZY);

		if (!h)
			die("probe: cannot open EXTRA");
		dlclose(h);
		t[k] = cpu_ns() - t0;
	}
	printf("extra_open_close_ns %.0f\n", median(t, reps));
	unload();
	free(pages);
	free(t);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: HOST startup|dispatch|mem DIR ...");
	dir = argv[2];
#ifndef FLOOR
	opts.libdir = strdup(dir);
#endif
	if (!strcmp(argv[1], "startup") && argc == 4)
		startup(atoi(argv[3]));
#ifndef FLOOR
	else if (!strcmp(argv[1], "dispatch") && argc == 6)
		dispatch(atol(argv[3]), atoi(argv[4]), atoi(argv[5]));
#endif
	else if (!strcmp(argv[1], "mem") && argc == 4)
		mem(atol(argv[3]));
	else if (!strcmp(argv[1], "probe") && argc == 5)
		probe(argv[3], atoi(argv[4]));
	else
		die("usage: HOST startup DIR CYCLES | dispatch DIR ITERS BATCHES CHAIN | mem DIR CALLS | probe DIR EXTRA REPS");
	return 0;
}
