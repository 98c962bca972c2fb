/*
 * Plugins whose CR_PLUGIN_DESC is not what it claims to be. One of:
 *   -DLYING_FUNC      CR_PLUGIN_DESC is a function
 *   -DLYING_EIGHT     CR_PLUGIN_DESC is an 8-byte data object (a pointer)
 *   -DLYING_SHORT=N   CR_PLUGIN_DESC is a 112-byte descriptor (10 hook slots,
 *                     as CRIU 3.17's header has it) claiming max_hooks N;
 *                     N = 10 is an honest old plugin, N = 15 a lie
 * No criu-plugin.h here: it declares CR_PLUGIN_DESC with the current type.
 *
 * In the short descriptor's case the 112 bytes are followed in memory by
 * five "poison" hook pointers, where slots 10..14 of a current descriptor
 * would be (slot 10 is PAUSE_DEVICES): a loader that reads past the
 * object's end chains them, and calling one prints "POISON".
 */
#include <stddef.h>
#include <stdio.h>

#if defined(LYING_FUNC)

void CR_PLUGIN_DESC(void);

void CR_PLUGIN_DESC(void)
{
	printf("CR_PLUGIN_DESC called\n");
}

#elif defined(LYING_EIGHT)

const char *CR_PLUGIN_DESC = "eight";

#elif defined(LYING_SHORT)

#include "../desc_slots.h"
CT_DESC_SLOTS(desc10, 10);

struct blob {
	struct desc10 desc;
	void *poison[5];
};

_Static_assert(sizeof(struct desc10) == 112, "CRIU 3.17's descriptor size");
_Static_assert(offsetof(struct blob, poison) == 112, "poison right after it");

static int short_init(int stage)
{
	printf("short init %d\n", stage);
	fflush(stdout);
	return 0;
}

static void short_exit(int stage, int ret)
{
	printf("short exit %d %d\n", stage, ret);
	fflush(stdout);
}

static int poison(void)
{
	printf("POISON\n");
	fflush(stdout);
	return 666;
}

/* The blob under a name of its own; CR_PLUGIN_DESC below is its first 112 bytes. */
__attribute__((used)) static struct blob blob __asm__("hostile_short_blob") = {
	.desc = {
		.name = "short",
		.init = short_init,
		.exit = short_exit,
		.version = (0 << 16) + (2 << 8) + 0,
		.max_hooks = LYING_SHORT,
	},
	.poison = { (void *)poison, (void *)poison, (void *)poison, (void *)poison, (void *)poison },
};

__asm__(".globl CR_PLUGIN_DESC\n"
	".type CR_PLUGIN_DESC, @object\n"
	".set CR_PLUGIN_DESC, hostile_short_blob\n"
	".size CR_PLUGIN_DESC, 112\n");

#else
#error "build with -DLYING_FUNC, -DLYING_EIGHT or -DLYING_SHORT=N"
#endif
