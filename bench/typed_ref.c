/*
 * A reference for the typed-call figure: the same walk as run_plugins(), with
 * no logging, written in C and compiled into a shared object of its own
 * (build/libtyped_ref.so), so that it is called through the PLT and reaches
 * cr_plugin_ctl through the GOT, exactly like libcriu-plugin's
 * cr_plugin_run_pause_devices(). The gap between the two is the library's own
 * code; the gap between this and the macro is the price of any out-of-line call.
 */
#include "plugin.h"

int typed_ref_pause_devices(int pid);

int typed_ref_pause_devices(int pid)
{
	struct list_head *head = &cr_plugin_ctl.hook_chain[CR_PLUGIN_HOOK__PAUSE_DEVICES];
	struct list_head *p;

	for (p = head->next; p != head; p = p->next) {
		plugin_desc_t *this = container_of(p, plugin_desc_t, link[CR_PLUGIN_HOOK__PAUSE_DEVICES]);
		int ret = ((CR_PLUGIN_HOOK__PAUSE_DEVICES_t *)this->d->hooks[CR_PLUGIN_HOOK__PAUSE_DEVICES])(pid);

		if (ret != -ENOTSUP)
			return ret;
	}
	return -ENOTSUP;
}
