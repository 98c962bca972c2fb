/*
 * One generated benchmark plugin: a descriptor, an init and two hooks,
 * PAUSE_DEVICES and CHECKPOINT_DEVICES. Both answer bench_answer, -ENOTSUP
 * unless the harness set it (it sets it to 0 in the last plugin of a chain).
 *
 * bench/gen-plugins.py compiles it twice, with the name "bench_@@@@@" that it
 * then stamps with each plugin's number:
 *
 *   bare      as above: no function imported through the PLT;
 *   imports   -DBENCH_IMPORTS: also bench_uses_imports(), which calls, through
 *             the PLT, the 29 functions CRIU 4.1.1's cuda_plugin.so imports
 *             (`nm -D --undefined-only`): 22 of the C library and 7 of CRIU,
 *             which the bench hosts define (bench/host_criu.c); and, like
 *             cuda_plugin's resume_device, one of its own. Nothing calls it:
 *             it is there so that the plugin has cuda_plugin's lazily bound
 *             imports for the loader to deal with.
 */
#ifdef BENCH_IMPORTS
/* No inline versions from glibc's headers (at -O2 atoi() would become a call
 * of strtol()): CRIU compiles its plugins without -O, so they call atoi(). */
#define __NO_INLINE__ 1
#endif
#include <errno.h>
#include <stddef.h>
#include "criu-plugin.h"

#ifndef BENCH_NAME
#error "BENCH_NAME must be defined"
#endif

__attribute__((visibility("protected"))) int bench_answer = -ENOTSUP;

static int bench_init(int stage)
{
	return stage < 0 || stage >= CR_PLUGIN_STAGE_MAX;
}

CR_PLUGIN_REGISTER(BENCH_NAME, bench_init, NULL)

static int bench_pause_devices(int pid)
{
	(void)pid;
	return bench_answer;
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__PAUSE_DEVICES, bench_pause_devices)

static int bench_checkpoint_devices(int pid)
{
	(void)pid;
	return bench_answer;
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__CHECKPOINT_DEVICES, bench_checkpoint_devices)

#ifdef BENCH_IMPORTS
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* CRIU's functions that cuda_plugin calls (their real signatures do not
 * matter: nothing calls them here). */
void print_on_level(unsigned int loglevel, const char *format, ...);
#include "cuda_imports.h"

/* Defined here and called through the PLT, as cuda_plugin's resume_device. */
int bench_own_function(int x);
int bench_own_function(int x)
{
	return x + bench_answer;
}

/* Calls every import once, picked by `which` so that none is folded away. */
int bench_uses_imports(int which, char *buf, size_t len);
int bench_uses_imports(int which, char *buf, size_t len)
{
	struct stat st;
	int fds[2];

	switch (which) {
	case 0: free(buf); return 0;
	case 1: return *__errno_location();
	case 2: return strncmp(buf, "x", len);
	case 3: _exit(which);
	case 4: return (int)strlen(buf);
	case 5: return dup2(which, (int)len);
	case 6: return snprintf(buf, len, "%d", which);
	case 7: return close((int)len);
	case 8: return pipe(fds);
	case 9: return (int)read((int)len, buf, len);
	case 10: return fprintf(stderr, "%s", buf);
	case 11: return stat(buf, &st);
	case 12: return kill((int)len, which);
	case 13: return malloc(len) != NULL;
	case 14: return (int)ptrace(PTRACE_DETACH, (int)len, NULL, NULL);
	case 15: return strsignal(which) != NULL;
	case 16: return waitpid((int)len, NULL, 0);
	case 17: return execvp(buf, (char *const *)buf);
	case 18: return atoi(buf);
	case 19: return strerror(which) != NULL;
	case 20: return fork();
	case 21: return strstr(buf, "x") != NULL;
	case 22: print_on_level(4, "%s", buf); return 0;
	case 23: return add_inventory_plugin(buf);
	case 24: return check_and_remove_inventory_plugin(buf, (int)len);
	case 25: return close_fds((int)len);
	case 26: return compel_wait_task((int)len, -1, NULL, NULL, NULL, NULL);
	case 27: set_compel_interrupt_only_mode(); return 0;
	case 28: return alarm_timeouted();
	default: return bench_own_function(which);
	}
}
#endif
