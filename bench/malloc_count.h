/* The counters of bench/malloc_count.c (LD_PRELOAD) and how to read them. */
#ifndef BENCH_MALLOC_COUNT_H
#define BENCH_MALLOC_COUNT_H

struct mc_stats {
	unsigned long allocs; /* successful malloc/calloc/realloc/memalign calls */
	unsigned long frees;  /* free() of a non-NULL block (realloc counts as both) */
	unsigned long bytes;  /* bytes requested by those calls */
	long live;            /* usable bytes in blocks not yet freed */
};

void mc_snapshot(struct mc_stats *s);

#endif
