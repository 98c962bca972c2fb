/* Minimal stand-in for CRIU's xmalloc.h. */
#ifndef BENCH_SHIM_XMALLOC_H
#define BENCH_SHIM_XMALLOC_H

#include <stdlib.h>
#include <string.h>
#include "log.h"

#define __xalloc(op, size, ...)                                                            \
	({                                                                                 \
		void *___p = op(__VA_ARGS__);                                              \
		if (!___p)                                                                 \
			pr_err("%s: Can't allocate %li bytes\n", __func__, (long)(size)); \
		___p;                                                                      \
	})

#define xmalloc(size) __xalloc(malloc, size, size)
#define xzalloc(size) __xalloc(calloc, size, 1, size)
#define xstrdup(str) __xalloc(strdup, strlen(str) + 1, str)
#define xfree(p) free(p)

#endif
