/* Shared helpers of the benchmark programs: clock, medians, heap counter. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "malloc_count.h"

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* CPU time this process has used, ns (user + system). */
static inline double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Median of v[0..n) (sorts v). */
static inline double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef void mc_snapshot_fn(struct mc_stats *);

/* The LD_PRELOADed counter's snapshot function, or NULL without it. */
static inline mc_snapshot_fn *mc_find(void)
{
	mc_snapshot_fn *f;

	*(void **)&f = dlsym(RTLD_DEFAULT, "mc_snapshot");
	return f;
}

static inline void die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

#endif
