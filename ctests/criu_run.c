/*
 * criu_run.c: CRIU's side of the ABI, compiled the way CRIU compiles it and
 * without this project's host header: the plugin header CRIU includes
 * (criu-plugin.h, ours as a drop-in), CRIU's struct list_head (prev first,
 * as CRIU's include/common/list.h has it, unlike the kernel's), the types
 * of CRIU 4.1.1's criu/include/plugin.h and its run_plugins call site
 * (criu_plugin_types.h, shared with the benchmark), over a container_of /
 * list_for_each_entry written here from scratch (kernel style). This is how CRIU's code walks the library's lists
 * at every hook site.
 */
#include <errno.h>
#include <stddef.h>

#include "criu-plugin.h"

/* CRIU's logging, as CRIU's log.h declares it (the host defines it). */
#define LOG_DEBUG 4
extern void print_on_level(unsigned int loglevel, const char *format, ...) __attribute__((format(printf, 2, 3)));
#define pr_debug(fmt, ...) print_on_level(LOG_DEBUG, fmt, ##__VA_ARGS__)

/* CRIU's include/common/list.h: prev, then next. */
struct list_head {
	struct list_head *prev, *next;
};

/* container_of and list_for_each_entry, kernel style. */
#define container_of(ptr, type, member)                            \
	({                                                         \
		const typeof(((type *)0)->member) *__mptr = (ptr); \
		(type *)((char *)__mptr - offsetof(type, member)); \
	})

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member) list_entry((pos)->member.next, typeof(*(pos)), member)

#define list_for_each_entry(pos, head, member)                                                  \
	for (pos = list_first_entry(head, typeof(*pos), member); &pos->member != (head); \
	     pos = list_next_entry(pos, member))

/* What CRIU 4.1.1's criu/include/plugin.h declares: the loader's types and
 * the run_plugins call site. */
#include "criu_plugin_types.h"

#include "runner.h"

const struct ct_criu_layout ct_criu_layout = {
	.list_head_size = sizeof(struct list_head),
	.off_prev = offsetof(struct list_head, prev),
	.off_next = offsetof(struct list_head, next),
	.ctl_size = sizeof(cr_plugin_ctl_t),
	.ctl_off_head = offsetof(cr_plugin_ctl_t, head),
	.ctl_off_hook_chain = offsetof(cr_plugin_ctl_t, hook_chain),
	.pd_size = sizeof(plugin_desc_t),
	.pd_off_d = offsetof(plugin_desc_t, d),
	.pd_off_list = offsetof(plugin_desc_t, list),
	.pd_off_dlhandle = offsetof(plugin_desc_t, dlhandle),
	.pd_off_link = offsetof(plugin_desc_t, link),
};

#define RUN_WRAPPERS_NAME ct_run_criu
#define RUN_WRAPPERS_HOW "CRIU's run_plugins macro"
#include "run_wrappers.h"
