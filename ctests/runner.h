/*
 * runner.h: a way of running every hook (the library's typed functions, the
 * header's run_plugins, CRIU's own run_plugins). Includes only the plugin
 * header, so that criu_run.c can compile CRIU's own list and loader types.
 */
#ifndef CT_RUNNER_H
#define CT_RUNNER_H

#include "criu-plugin.h"

struct ct_runner {
	const char *how;
	int (*dump_unix_sk)(int fd, int id);
	int (*restore_unix_sk)(int id);
	int (*dump_ext_file)(int fd, int id);
	int (*restore_ext_file)(int id, bool *retry_needed);
	int (*dump_ext_mount)(char *mountpoint, int id);
	int (*restore_ext_mount)(int id, char *mountpoint, char *old_root, int *is_file);
	int (*dump_ext_link)(int index, int type, char *kind);
	int (*handle_device_vma)(int fd, const struct stat *st);
	int (*update_vma_map)(const char *path, const uint64_t addr, const uint64_t old_pgoff, uint64_t *new_pgoff,
			      int *plugin_fd);
	int (*resume_devices_late)(int pid);
	int (*pause_devices)(int pid);
	int (*checkpoint_devices)(int pid);
	int (*post_forking)(void);
	int (*restore_init)(void);
	int (*dump_devices_late)(int id);
};

/* The library's typed functions cr_plugin_run_<hook>. */
extern const struct ct_runner ct_run_lib;
/* The run_plugins macro of criu-plugin-host.h (hdr_run.c). */
extern const struct ct_runner ct_run_hdr;
/* CRIU 4.1.1's own run_plugins macro (criu_run.c; CRIU-like hosts only). */
extern const struct ct_runner ct_run_criu;

/* CRIU's view of the loader's data, as criu_run.c compiled it from CRIU's
 * list.h and plugin.h: sizes and offsets, compared with the library's. */
struct ct_criu_layout {
	unsigned long list_head_size, off_prev, off_next;
	unsigned long ctl_size, ctl_off_head, ctl_off_hook_chain;
	unsigned long pd_size, pd_off_d, pd_off_list, pd_off_dlhandle, pd_off_link;
};
extern const struct ct_criu_layout ct_criu_layout;

#endif
