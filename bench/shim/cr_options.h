/*
 * Minimal stand-in for CRIU's cr_options.h: an `opts` of CRIU 4.1.1's size
 * (504 bytes) whose `libdir` sits at offset 160, as in CRIU 4.1.1, so
 * libcriu-plugin finds it exactly as it does in CRIU (it reads opts.libdir
 * only in an `opts` whose size is a layout it knows).
 */
#ifndef BENCH_SHIM_CR_OPTIONS_H
#define BENCH_SHIM_CR_OPTIONS_H

#include <stdlib.h>
#include "xmalloc.h"

struct cr_options {
	char __before_libdir[160];
	char *libdir;
	char __after_libdir[336];
};
_Static_assert(sizeof(struct cr_options) == 504, "CRIU 4.1.1's struct cr_options is 504 bytes");

extern struct cr_options opts;

#define SET_CHAR_OPTS(__dest, __src)                     \
	do {                                             \
		char *__src_dup = xstrdup(__src);        \
		if (!__src_dup)                          \
			abort();                         \
		xfree(opts.__dest);                      \
		opts.__dest = __src_dup;                 \
	} while (0)

/* CRIU 4.1's restore-time check (criu/plugin.c calls it); the host has one. */
int check_inventory_plugins(void);

#endif
