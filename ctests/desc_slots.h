/*
 * desc_slots.h: the layout of a plugin descriptor (criu-plugin.h's
 * cr_plugin_desc_t) with another number of hook slots, for the test plugins
 * whose CR_PLUGIN_DESC is not the loader's 15-slot one: CRIU 3.17's 10
 * slots (plugins/small.c, hostile/lying.c), or fewer slots than its
 * max_hooks claims (inspect/bad_desc.c).
 *
 *   CT_DESC_SLOTS(TAG, N);  declares struct TAG, the descriptor with N slots
 */
#ifndef CT_DESC_SLOTS_H
#define CT_DESC_SLOTS_H

#define CT_DESC_SLOTS(tag, n)                          \
	struct tag {                                   \
		const char *name;                      \
		int (*init)(int stage);                \
		void (*exit)(int stage, int ret);      \
		unsigned int version;                  \
		unsigned int max_hooks;                \
		void *hooks[n];                        \
	}

#endif
