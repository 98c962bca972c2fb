/*
 * failmalloc.so, an LD_PRELOAD shim: fails allocations on request and
 * counts the heap bytes in use.
 *
 * It interposes malloc, calloc, realloc, posix_memalign, aligned_alloc,
 * memalign and free, and hands each call to the C library's own (found with
 * dlsym(RTLD_NEXT); dlsym may itself call calloc before that is known, so
 * those first calls are served from a static buffer that is never freed).
 *
 * The host controls it through these functions (found with dlsym):
 *   failmalloc_arm(n)    from now on, every allocation from the n-th on
 *                        (counting from 0) fails; n < 0 only counts
 *   failmalloc_disarm()  allocations succeed again
 *   failmalloc_allocs()  allocations attempted since the last arm
 *   failmalloc_failures() allocations failed since the last arm
 *   failmalloc_live()    bytes in use now (malloc_usable_size of every live
 *                        block the C library handed out)
 *   failmalloc_track(on) with FAILMALLOC_TRACE=1 in the environment, remember
 *                        a backtrace of each block allocated while on
 *   failmalloc_report()  print the remembered blocks that are still live,
 *                        with their backtraces, to stderr; returns their bytes
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void (*real_free)(void *);

/* Bootstrap: what dlsym allocates while the real functions are looked up. */
static char boot[1 << 16] __attribute__((aligned(64)));
static size_t boot_used;
static int resolving;

static int armed;
static long fail_from;
static long allocs;
static long failures;
static long live;

static int in_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

static void *boot_alloc(size_t size, size_t align)
{
	size_t start = (boot_used + align - 1) & ~(align - 1);

	if (start + size > sizeof(boot))
		return NULL;
	boot_used = start + size;
	return boot + start;
}

static void resolve(void)
{
	resolving = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
	real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
	if (!real_malloc || !real_calloc || !real_realloc || !real_posix_memalign || !real_aligned_alloc ||
	    !real_memalign || !real_free) {
		static const char msg[] = "failmalloc: cannot find the C library's allocator\n";

		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
}

/* Whether this allocation is to fail (and count it). */
static int should_fail(void)
{
	long k;

	if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE))
		return 0;
	k = __atomic_fetch_add(&allocs, 1, __ATOMIC_RELAXED);
	if (fail_from >= 0 && k >= fail_from) {
		__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
		return 1;
	}
	return 0;
}

/* Backtraces of blocks allocated while tracking (FAILMALLOC_TRACE=1). */
#define TRACE_SLOTS 4096
#define TRACE_FRAMES 24
struct trace {
	void *ptr;
	size_t size;
	int frames;
	void *frame[TRACE_FRAMES];
};
static struct trace traces[TRACE_SLOTS];
static int tracing, trace_enabled;
static __thread int in_trace;

static void trace_add(void *p, size_t size)
{
	int i;

	if (!__atomic_load_n(&tracing, __ATOMIC_ACQUIRE) || in_trace || !p)
		return;
	in_trace = 1;
	for (i = 0; i < TRACE_SLOTS; i++) {
		void *none = NULL;

		if (__atomic_compare_exchange_n(&traces[i].ptr, &none, p, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			traces[i].size = size;
			traces[i].frames = backtrace(traces[i].frame, TRACE_FRAMES);
			break;
		}
	}
	in_trace = 0;
}

static void trace_del(void *p)
{
	int i;

	if (!p || !trace_enabled)
		return;
	for (i = 0; i < TRACE_SLOTS; i++) {
		void *want = p;

		if (__atomic_compare_exchange_n(&traces[i].ptr, &want, NULL, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return;
	}
}

static void *account(void *p)
{
	if (p) {
		size_t size = malloc_usable_size(p);

		__atomic_fetch_add(&live, (long)size, __ATOMIC_RELAXED);
		trace_add(p, size);
	}
	return p;
}

static void unaccount(void *p)
{
	if (p) {
		__atomic_fetch_sub(&live, (long)malloc_usable_size(p), __ATOMIC_RELAXED);
		trace_del(p);
	}
}

void *malloc(size_t size)
{
	if (!real_malloc) {
		if (resolving)
			return boot_alloc(size, 16);
		resolve();
	}
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return account(real_malloc(size));
}

void *calloc(size_t n, size_t size)
{
	if (!real_calloc) {
		if (resolving) {
			if (size && n > SIZE_MAX / size)
				return NULL;
			return boot_alloc(n * size, 16); /* static, so zeroed */
		}
		resolve();
	}
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return account(real_calloc(n, size));
}

void *realloc(void *p, size_t size)
{
	void *q;

	if (!real_realloc) {
		if (resolving)
			return NULL;
		resolve();
	}
	if (in_boot(p)) {
		/* Moved out of the bootstrap buffer, which is never freed. */
		size_t have = (size_t)(boot + sizeof(boot) - (char *)p);

		q = malloc(size);
		if (q)
			memcpy(q, p, have < size ? have : size);
		return q;
	}
	if (p && size == 0) {
		/* glibc frees the block: that is no allocation. */
		unaccount(p);
		return real_realloc(p, 0);
	}
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	if (p) {
		size_t old = malloc_usable_size(p);

		trace_del(p);
		q = real_realloc(p, size);
		if (!q) {
			trace_add(p, old);
			return NULL;
		}
		__atomic_fetch_sub(&live, (long)old, __ATOMIC_RELAXED);
		return account(q);
	}
	return account(real_realloc(NULL, size));
}

int posix_memalign(void **out, size_t align, size_t size)
{
	int rc;

	if (!real_posix_memalign) {
		if (resolving) {
			*out = boot_alloc(size, align < 16 ? 16 : align);
			return *out ? 0 : ENOMEM;
		}
		resolve();
	}
	if (should_fail())
		return ENOMEM;
	rc = real_posix_memalign(out, align, size);
	if (rc == 0)
		account(*out);
	return rc;
}

/* aligned_alloc and memalign alike, through the real function *REAL. */
static void *aligned(void *(**real)(size_t, size_t), size_t align, size_t size)
{
	if (!*real) {
		if (resolving)
			return boot_alloc(size, align < 16 ? 16 : align);
		resolve();
	}
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return account((*real)(align, size));
}

void *aligned_alloc(size_t align, size_t size)
{
	return aligned(&real_aligned_alloc, align, size);
}

void *memalign(size_t align, size_t size)
{
	return aligned(&real_memalign, align, size);
}

void free(void *p)
{
	if (!p || in_boot(p))
		return;
	if (!real_free)
		resolve();
	unaccount(p);
	real_free(p);
}

void failmalloc_arm(long n)
{
	__atomic_store_n(&allocs, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&failures, 0, __ATOMIC_RELAXED);
	fail_from = n;
	__atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
}

void failmalloc_disarm(void)
{
	__atomic_store_n(&armed, 0, __ATOMIC_RELEASE);
}

long failmalloc_allocs(void)
{
	return __atomic_load_n(&allocs, __ATOMIC_RELAXED);
}

long failmalloc_failures(void)
{
	return __atomic_load_n(&failures, __ATOMIC_RELAXED);
}

long failmalloc_live(void)
{
	return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

/*
 * With FAILMALLOC_TRACE=1, backtrace() is called once at load time: its
 * first call loads libgcc_s, whose allocations must not land between the
 * host's two measurements.
 */
__attribute__((constructor)) static void trace_setup(void)
{
	const char *e = getenv("FAILMALLOC_TRACE");
	void *warm[2];

	if (e && !strcmp(e, "1")) {
		backtrace(warm, 2);
		trace_enabled = 1;
	}
}

void failmalloc_track(int on)
{
	__atomic_store_n(&tracing, on && trace_enabled, __ATOMIC_RELEASE);
}

long failmalloc_report(void)
{
	long bytes = 0;
	int i;

	for (i = 0; i < TRACE_SLOTS; i++) {
		char line[96];
		int len;

		if (!traces[i].ptr)
			continue;
		bytes += (long)traces[i].size;
		len = snprintf(line, sizeof(line), "failmalloc: still live: %zu bytes at %p, allocated at:\n",
			       traces[i].size, traces[i].ptr);
		if (len > 0 && write(2, line, (size_t)len) < 0)
			return bytes;
		backtrace_symbols_fd(traces[i].frame, traces[i].frames, 2);
	}
	return bytes;
}
