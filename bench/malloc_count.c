/*
 * malloc_count.so: an LD_PRELOAD heap counter for the benchmarks.
 *
 * Replaces malloc, calloc, realloc, free and the aligned allocators (the set
 * glibc documents as replaceable; glibc's own internal allocations and the
 * dynamic linker's after start-up go through them too) with wrappers around
 * glibc's __libc_* entry points that count calls and bytes. A program reads
 * the counters with mc_snapshot(), found with dlsym(RTLD_DEFAULT, ...) so
 * that the benchmark binaries also run without the counter.
 *
 * "live" is the sum of malloc_usable_size() over blocks not yet freed, so a
 * difference of two snapshots is exactly the heap a piece of code kept.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "malloc_count.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t size);

static unsigned long n_allocs, n_frees, n_bytes;
static long n_live;

static void *counted(void *p, size_t requested)
{
	if (p) {
		__atomic_fetch_add(&n_allocs, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&n_bytes, requested, __ATOMIC_RELAXED);
		__atomic_fetch_add(&n_live, (long)malloc_usable_size(p), __ATOMIC_RELAXED);
	}
	return p;
}

static void uncount(void *p)
{
	if (p) {
		__atomic_fetch_add(&n_frees, 1, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&n_live, (long)malloc_usable_size(p), __ATOMIC_RELAXED);
	}
}

void mc_snapshot(struct mc_stats *s)
{
	s->allocs = __atomic_load_n(&n_allocs, __ATOMIC_RELAXED);
	s->frees = __atomic_load_n(&n_frees, __ATOMIC_RELAXED);
	s->bytes = __atomic_load_n(&n_bytes, __ATOMIC_RELAXED);
	s->live = __atomic_load_n(&n_live, __ATOMIC_RELAXED);
}

void *malloc(size_t size)
{
	return counted(__libc_malloc(size), size);
}

void *calloc(size_t n, size_t size)
{
	return counted(__libc_calloc(n, size), n * size);
}

void free(void *p)
{
	uncount(p);
	__libc_free(p);
}

void *realloc(void *p, size_t size)
{
	void *q;

	if (!p)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	uncount(p);
	q = __libc_realloc(p, size);
	if (!q) {
		/* p is still allocated: put it back. */
		__atomic_fetch_sub(&n_frees, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&n_live, (long)malloc_usable_size(p), __ATOMIC_RELAXED);
		return NULL;
	}
	return counted(q, size);
}

void *memalign(size_t align, size_t size)
{
	return counted(__libc_memalign(align, size), size);
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t size)
{
	return memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return memalign(page, (size + page - 1) & ~(page - 1));
}
