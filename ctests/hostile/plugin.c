/*
 * A test plugin for the hostile-input tests, shaped by the build:
 *   -DNAME='"n"'       its descriptor's name (required)
 *   -DLABEL='"l"'      the name it prints itself by (default: NAME)
 *   -DMSG='"TEXT"'     its init also prints TEXT on a line of its own
 *   -DPAUSE=N          it answers PAUSE_DEVICES with N
 *   -DINIT_RC=N        its init returns N (default 0)
 *   -DREENTER=K        it calls into the loader from inside the loader:
 *      1  init calls cr_plugin_init(0)
 *      2  init calls cr_plugin_fini(0, 0)
 *      3  exit calls cr_plugin_init(0)
 *      4  its RESTORE_INIT hook calls cr_plugin_init(2)
 *      5  init calls cr_plugin_run_pause_devices(5)
 * Every call into the loader happens at most once at a time (a loader that
 * let it through would otherwise load this plugin again, and again).
 * It prints "NAME init STAGE", "NAME exit STAGE RET", "NAME inner=R", ...
 */
#include <errno.h>
#include <stdio.h>

#include "criu-plugin.h"
#include "criu-plugin-host.h"

#ifndef NAME
#error "build with -DNAME='\"name\"'"
#endif
/* What it prints itself by (-DLABEL: a name that is no attack on the log). */
#ifndef LABEL
#define LABEL NAME
#endif
#ifndef INIT_RC
#define INIT_RC 0
#endif

#ifdef REENTER
static int depth;
#endif

static int plugin_init(int stage)
{
	printf("%s init %d\n", LABEL, stage);
#ifdef MSG
	printf("%s\n", MSG);
#endif
	fflush(stdout);
#if defined(REENTER) && (REENTER == 1 || REENTER == 2 || REENTER == 5)
	if (depth == 0) {
		depth++;
#if REENTER == 1
		printf("%s inner=%d\n", LABEL, cr_plugin_init(CR_PLUGIN_STAGE__DUMP));
#elif REENTER == 2
		cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
		printf("%s inner fini returned\n", LABEL);
#else
		printf("%s pause=%d\n", LABEL, cr_plugin_run_pause_devices(5));
#endif
		depth--;
	}
#endif
	fflush(stdout);
	return INIT_RC;
}

static void plugin_exit(int stage, int ret)
{
	printf("%s exit %d %d\n", LABEL, stage, ret);
	fflush(stdout);
#if defined(REENTER) && REENTER == 3
	if (depth == 0) {
		depth++;
		printf("%s inner=%d\n", LABEL, cr_plugin_init(CR_PLUGIN_STAGE__DUMP));
		depth--;
	}
#endif
	fflush(stdout);
}

CR_PLUGIN_REGISTER(NAME, plugin_init, plugin_exit)

#ifdef PAUSE
static int plugin_pause(int pid)
{
	printf("%s pause %d\n", LABEL, pid);
	fflush(stdout);
	return PAUSE;
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__PAUSE_DEVICES, plugin_pause)
#endif

#if defined(REENTER) && REENTER == 4
static int plugin_restore_init(void)
{
	printf("%s restore_init\n", LABEL);
	fflush(stdout);
	if (depth == 0) {
		depth++;
		printf("%s inner=%d\n", LABEL, cr_plugin_init(CR_PLUGIN_STAGE__RESTORE));
		depth--;
	}
	fflush(stdout);
	return 0;
}
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_INIT, plugin_restore_init)
#endif
