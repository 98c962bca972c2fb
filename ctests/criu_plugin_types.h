/*
 * criu_plugin_types.h: what CRIU's own code assumes of its loader's state,
 * the facts of the ABI between CRIU and the loader it links (CRIU 4.1.1's
 * criu/include/plugin.h has the same). One copy, used by the C harness
 * (criu_run.c) and the benchmark's stand-in for CRIU's plugin.h
 * (bench/shim/plugin.h).
 *
 *   cr_plugin_ctl_t  the global cr_plugin_ctl: a list of every plugin, then
 *                    one chain a hook, CR_PLUGIN_HOOK__MAX of them
 *   plugin_desc_t    one loaded plugin: its descriptor, its place on the
 *                    list, its dlopen handle, its place on each chain
 *   run_plugins(HOOK, ARGS...)  CRIU's hook call site: the plugins on
 *                    HOOK's chain in order, each logged at debug level
 *                    first; the first answer other than -ENOTSUP is the
 *                    result, -ENOTSUP when none answers
 *
 * The includer provides, before including it: struct list_head (CRIU's,
 * prev first), list_for_each_entry, pr_debug, cr_plugin_desc_t and the
 * hook types (criu-plugin.h), and ENOTSUP (errno.h).
 */
#ifndef CT_CRIU_PLUGIN_TYPES_H
#define CT_CRIU_PLUGIN_TYPES_H

typedef struct {
	struct list_head head;
	struct list_head hook_chain[CR_PLUGIN_HOOK__MAX];
} cr_plugin_ctl_t;

extern cr_plugin_ctl_t cr_plugin_ctl;

typedef struct {
	cr_plugin_desc_t *d;
	struct list_head list;
	void *dlhandle;
	struct list_head link[CR_PLUGIN_HOOK__MAX];
} plugin_desc_t;

/* HOOK's number, its function type, and the plugin's function for it. */
#define CT_HOOK_ID(hook) CR_PLUGIN_HOOK__##hook
#define CT_HOOK_FN(pd, hook) ((CR_PLUGIN_HOOK__##hook##_t *)(pd)->d->hooks[CT_HOOK_ID(hook)])

#define run_plugins(__hook, ...)                                                              \
	({                                                                                    \
		plugin_desc_t *this;                                                          \
		int __ret = -ENOTSUP;                                                         \
                                                                                              \
		list_for_each_entry(this, &cr_plugin_ctl.hook_chain[CT_HOOK_ID(__hook)],      \
				    link[CT_HOOK_ID(__hook)]) {                               \
			pr_debug("plugin: `%s' hook %u -> %p\n", this->d->name, CT_HOOK_ID(__hook), \
				 this->d->hooks[CT_HOOK_ID(__hook)]);                         \
			__ret = CT_HOOK_FN(this, __hook)(__VA_ARGS__);                        \
			if (__ret != -ENOTSUP)                                                \
				break;                                                        \
		}                                                                             \
		__ret;                                                                        \
	})

#endif
