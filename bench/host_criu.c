/*
 * What CRIU gives its plugin loader, as a benchmark host provides it: `opts`
 * (libdir at CRIU 4.1.1's offset), print_on_level() and log_get_loglevel()
 * (CRIU's default level, LOG_WARN, so debug lines return at once, as in CRIU
 * without -v4), get_service_fd() and check_inventory_plugins(); and, so that
 * the generated plugins with imports (bench/plugin_template.c, as CRIU's
 * cuda_plugin) find every function they import, stubs of the other CRIU
 * functions cuda_plugin imports. Nothing calls the stubs.
 *
 * Its own translation unit, like CRIU's log.c: run_plugins()' pr_debug is a
 * real call that returns at once, not something the compiler can inline away.
 * The host binaries are linked with -rdynamic, as CRIU is, so that
 * libcriu-plugin finds these by name.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cr_options.h"
#include "log.h"
#include "servicefd.h"

struct cr_options opts;

static unsigned int current_loglevel = LOG_WARN;

void print_on_level(unsigned int loglevel, const char *format, ...)
{
	va_list ap;

	if (loglevel != LOG_MSG && loglevel > current_loglevel)
		return;
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
}

unsigned int log_get_loglevel(void)
{
	return current_loglevel;
}

int get_service_fd(enum sfd_type type)
{
	(void)type;
	return -1;
}

int check_inventory_plugins(void)
{
	return 0;
}

/* What cuda_plugin imports from CRIU besides the above; never called. */
#include "cuda_imports.h"

int add_inventory_plugin(const char *name)
{
	(void)name;
	return 0;
}

int check_and_remove_inventory_plugin(const char *name, int n)
{
	(void)name;
	(void)n;
	return 0;
}

int close_fds(int minfd)
{
	(void)minfd;
	return 0;
}

int compel_wait_task(int pid, int ppid, void *a, void *b, void *c, void *d)
{
	(void)pid;
	(void)ppid;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return 0;
}

void set_compel_interrupt_only_mode(void)
{
}

int alarm_timeouted(void)
{
	return 0;
}
