/* layout_ours.c: the ABI numbers of this project's criu-plugin.h. */
#include "criu-plugin.h"

#define RESTORE_EXT_FILE_ARGS int, bool *
#include "layout_nums.h"

ABI_NUMBERS(abi_ours);
