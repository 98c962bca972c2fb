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
 *
 * Output: one "key value" line per figure.
 */
#include "common.h"

#include <errno.h>
#include <limits.h>

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

static void startup(int cycles)
{
	double *wall = calloc((size_t)cycles, sizeof(double));
	double *cpu = calloc((size_t)cycles, sizeof(double));
	int c;

	if (!wall || !cpu || cycles < 1)
		die("startup: bad cycle count");
	for (c = 0; c < cycles; c++) {
		double t0 = now_ns(), c0 = cpu_ns();

		load();
		unload();
		cpu[c] = cpu_ns() - c0;
		wall[c] = now_ns() - t0;
	}
	printf("cold_ns %.0f\n", wall[0]);
	printf("cold_cpu_ns %.0f\n", cpu[0]);
	if (cycles > 1) {
		printf("warm_ns %.0f\n", median(wall + 1, cycles - 1));
		printf("warm_cpu_ns %.0f\n", median(cpu + 1, cycles - 1));
	}
	free(wall);
	free(cpu);
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
	else
		die("usage: HOST startup DIR CYCLES | dispatch DIR ITERS BATCHES CHAIN | mem DIR CALLS");
	return 0;
}
