/*
 * small.c: a plugin whose descriptor is hand made with only 10 hook slots
 * (like one built against CRIU 3.17's header) and says max_hooks = 10.
 *
 * The 10-slot descriptor is followed in memory by five "poison" pointers
 * where a 15-slot descriptor would have hooks 10..14: a loader that read
 * past max_hooks would chain them, and calling them records "POISON".
 */
#include <stddef.h>

#include "criu-plugin.h"

static const char *PNAME(void)
{
	return "small";
}

#include "ct-plugin.h"

#include "../desc_slots.h"
CT_DESC_SLOTS(small_desc, 10);

static int poison(void)
{
	if (ct_plugin_hook)
		ct_plugin_hook("small", -1, "POISON");
	return 666;
}

static int small_init(int stage)
{
	return ct_init_common(stage);
}

static void small_exit(int stage, int ret)
{
	ct_exit_common(stage, ret);
}

struct small_blob {
	struct small_desc desc;
	void *poison[5];
};

_Static_assert(offsetof(struct small_blob, poison) == 32 + 10 * sizeof(void *), "layout");

/* The symbol CR_PLUGIN_DESC (criu-plugin.h declares it with the 15-slot
 * type, hence the asm name): a 10-slot descriptor, then the poison. */
__attribute__((visibility("default"))) struct small_blob small_blob __asm__("CR_PLUGIN_DESC") = {
	.desc = {
		.name = "small",
		.init = small_init,
		.exit = small_exit,
		.version = CRIU_PLUGIN_VERSION,
		.max_hooks = 10,
		.hooks = {
			[CR_PLUGIN_HOOK__DUMP_UNIX_SK] = (void *)h_dump_unix_sk,
			[CR_PLUGIN_HOOK__RESUME_DEVICES_LATE] = (void *)h_resume_devices_late,
		},
	},
	.poison = { (void *)poison, (void *)poison, (void *)poison, (void *)poison, (void *)poison },
};
