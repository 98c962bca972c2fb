/*
 * One generated benchmark plugin (bench/gen-plugins.sh compiles it once per
 * name with -DBENCH_NAME='"bench_NNN"'): a descriptor, an init and two hooks,
 * PAUSE_DEVICES and CHECKPOINT_DEVICES. Both answer bench_answer, -ENOTSUP
 * unless the harness set it (it sets it to 0 in the last plugin of a chain).
 */
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
