/*
 * A plugin whose CR_PLUGIN_DESC cannot be a descriptor, which the loader
 * refuses before reading any of its fields: by default 8 bytes of data;
 * -DAS_FUNCTION: a function; -DFEW_SLOTS: the descriptor's fields and one
 * hook slot (40 bytes) with max_hooks 15, which would make the loader read
 * 15 slots. criu-plugin.h is not included: it declares CR_PLUGIN_DESC as a
 * descriptor.
 */

/* CRIU_PLUGIN_VERSION (0.2.0) and CR_PLUGIN_HOOK__MAX. */
#define VERSION_0_2_0 0x200u
#define HOOKS 15u

#if defined(AS_FUNCTION)
void CR_PLUGIN_DESC(void);
void CR_PLUGIN_DESC(void)
{
}
#elif defined(FEW_SLOTS)
#include "../desc_slots.h"
CT_DESC_SLOTS(few_slots, 1);
struct few_slots CR_PLUGIN_DESC = {
	.name = "few-slots",
	.version = VERSION_0_2_0,
	.max_hooks = HOOKS,
};
#else
unsigned long CR_PLUGIN_DESC = VERSION_0_2_0;
#endif
