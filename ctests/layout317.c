/* layout317.c: the ABI numbers of Debian's real CRIU 3.17 header
 * (/usr/include/criu/criu-plugin.h, package criu). */
/* By full path: a CRIU installed under /usr/local would come first on the
 * include path. The header's inline dummies have unused parameters. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include CRIU317_HEADER
#pragma GCC diagnostic pop

_Static_assert(CR_PLUGIN_HOOK__MAX == 10, "not the CRIU 3.17 header");

/* Before 2025, RESTORE_EXT_FILE took only the id. */
#define RESTORE_EXT_FILE_ARGS int
#include "layout_nums.h"

ABI_NUMBERS(abi_317);
