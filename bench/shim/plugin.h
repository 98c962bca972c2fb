/*
 * Minimal stand-in for CRIU 4.1.1's criu/include/plugin.h, written for the
 * benchmark: the loader's types and the run_plugins() macro as CRIU 4.1.1
 * has them (ctests/criu_plugin_types.h: pr_debug per plugin, then the call,
 * on to the next on -ENOTSUP).
 * Compiled into CRIU's own criu/plugin.c (the C baseline) and into the host
 * harness, where it walks whichever loader's lists are linked in.
 */
#ifndef BENCH_SHIM_PLUGIN_H
#define BENCH_SHIM_PLUGIN_H

#include <errno.h>
#include "criu-plugin.h"
#include "common/compiler.h"
#include "common/list.h"
#include "log.h"

#ifndef CR_PLUGIN_DEFAULT
#define CR_PLUGIN_DEFAULT "/usr/lib/criu/"
#endif

void cr_plugin_fini(int stage, int err);
int cr_plugin_init(int stage);

/* The loader's types and the run_plugins call site, one copy for the
 * benchmark and the C harness. */
#include "../../ctests/criu_plugin_types.h"

#endif
