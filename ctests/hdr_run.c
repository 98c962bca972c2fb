/*
 * hdr_run.c: every hook through the run_plugins macro of
 * criu-plugin-host.h itself.
 */
#include "ct.h"

#ifndef run_plugins
#error "criu-plugin-host.h defines no run_plugins"
#endif

#define RUN_WRAPPERS_NAME ct_run_hdr
#define RUN_WRAPPERS_HOW "criu-plugin-host.h run_plugins macro"
#include "run_wrappers.h"
