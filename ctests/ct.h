/*
 * ct.h: the C test harness shared by the test hosts.
 *
 * A host binary holds many test cases; `HOST --list` prints their names and
 * `HOST NAME` runs one in this fresh process (so the loader's state, the
 * dynamic linker's state and the environment start clean every time).
 * A failed check prints where and why and exits 1.
 */
#ifndef CT_H
#define CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "criu-plugin-host.h"

/* ---- cases and checks ---- */

typedef void (*ct_case_fn)(void);
void ct_register(const char *name, ct_case_fn fn);

#define TEST(n)                                                          \
	static void test_##n(void);                                      \
	__attribute__((constructor)) static void ct_register_##n(void)   \
	{                                                                \
		ct_register(#n, test_##n);                               \
	}                                                                \
	static void test_##n(void)

__attribute__((noreturn, format(printf, 3, 4))) void ct_fail(const char *file, int line, const char *fmt, ...);

#define CHECK(c)                                                         \
	do {                                                             \
		if (!(c))                                                \
			ct_fail(__FILE__, __LINE__, "check failed: %s", #c); \
	} while (0)

#define CHECK_INT(a, b)                                                                     \
	do {                                                                                \
		long long __a = (long long)(a), __b = (long long)(b);                       \
		if (__a != __b)                                                             \
			ct_fail(__FILE__, __LINE__, "%s == %s: got %lld, want %lld", #a, #b, __a, __b); \
	} while (0)

#define CHECK_STR(a, b)                                                                     \
	do {                                                                                \
		const char *__a = (a), *__b = (b);                                          \
		if (!__a || !__b || strcmp(__a, __b) != 0)                                  \
			ct_fail(__FILE__, __LINE__, "%s == %s:\n    got  \"%s\"\n    want \"%s\"", #a, #b, \
				__a ? __a : "(null)", __b ? __b : "(null)");                \
	} while (0)

/* Printed with a failure when set: what the case was doing. */
extern const char *ct_context;

/* Called before a failure exits (the CRIU-like host dumps its log). */
extern void ct_on_fail(void) __attribute__((weak));

/* ---- files and folders ---- */

/* A fresh temporary root for this case (mode 0755), removed at exit. */
const char *ct_tmp(void);
/* Makes ct_tmp()/NAME (mode 0700) and returns its path (owned by the harness). */
const char *ct_folder(const char *name);
/* Copies the built test plugin PLUGIN (e.g. "gp") into DIR as FILE (mode 0755). */
void ct_put(const char *dir, const char *plugin, const char *file);
/* Writes TEXT into DIR/FILE. */
void ct_write(const char *dir, const char *file, const char *text);
/* DIR/FILE, owned by the harness. */
const char *ct_path(const char *dir, const char *file);
/* Removes PATH and everything under it (works on paths longer than PATH_MAX). */
void ct_rm_rf(const char *path);
/* The folder of the built test plugins. */
const char *ct_plugins(void);

/* ---- the loader's lists ---- */

/* Number of plugins on cr_plugin_ctl.head. */
int ct_count(void);
/* Names (d->name) along cr_plugin_ctl.head, joined with ','. */
const char *ct_names(void);
/* Names along cr_plugin_ctl.hook_chain[hook] (through link[hook]), joined with ','. */
const char *ct_chain(int hook);
/* Whether the head and every hook chain is an empty list (points to itself). */
bool ct_lists_empty(void);
/* Whether every list is well formed: next->prev == self along it, it closes. */
bool ct_lists_consistent(void);
/* The record of the plugin named NAME, or NULL. */
plugin_desc_t *ct_find(const char *name);

/* ---- the process ---- */

/* Whether a line of /proc/self/maps contains S. */
bool ct_mapped(const char *s);

#include "runner.h"

/* Runs hook HOOK through R with the fixed arguments below. */
int ct_run_hook(const struct ct_runner *r, int hook);
/* What a test plugin records for hook HOOK called by ct_run_hook. */
const char *ct_hook_args(int hook);
/* Output arguments of the last ct_run_hook. */
extern bool ct_out_retry;
extern int ct_out_is_file;
extern uint64_t ct_out_new_pgoff;
extern int ct_out_plugin_fd;

/* ---- strings ---- */

/* A formatted string owned by the harness (freed at exit). */
const char *ct_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
