// The one list of CRIU's plugin hooks. Everything hook-shaped in the crate
// (the `Hook` enum, the legacy symbol names, the typed dispatch functions) and
// in the generated C headers (the `CR_PLUGIN_HOOK__*` values, the `*_t` hook
// types, the typed function declarations) is expanded from this table, so a new
// hook is one new row.
//
// This file is also `include!`d by build.rs, so it holds only a macro and
// must not refer to anything else in the crate.
//
// Row: number, Rust variant, C name (after `CR_PLUGIN_HOOK__`), legacy
// symbol, typed dispatch function, Rust parameters, C parameters, and the
// first CRIU release that has the hook, as MAJOR * 10000 + MINOR * 100 +
// SUBLEVEL (0: every release this project knows; 40300: releases after 4.2,
// criu-dev as of 2025-11).

macro_rules! for_each_hook {
    ($m:ident) => {
        $m! {
            (0, DumpUnixSk, "DUMP_UNIX_SK", "cr_plugin_dump_unix_sk",
                cr_plugin_run_dump_unix_sk, (fd: c_int, id: c_int),
                "int fd, int id", 0),
            (1, RestoreUnixSk, "RESTORE_UNIX_SK", "cr_plugin_restore_unix_sk",
                cr_plugin_run_restore_unix_sk, (id: c_int),
                "int id", 0),
            (2, DumpExtFile, "DUMP_EXT_FILE", "cr_plugin_dump_file",
                cr_plugin_run_dump_ext_file, (fd: c_int, id: c_int),
                "int fd, int id", 0),
            (3, RestoreExtFile, "RESTORE_EXT_FILE", "cr_plugin_restore_file",
                cr_plugin_run_restore_ext_file, (id: c_int, retry_needed: *mut bool),
                "int id, bool *retry_needed", 0),
            (4, DumpExtMount, "DUMP_EXT_MOUNT", "cr_plugin_dump_ext_mount",
                cr_plugin_run_dump_ext_mount, (mountpoint: *mut c_char, id: c_int),
                "char *mountpoint, int id", 0),
            (5, RestoreExtMount, "RESTORE_EXT_MOUNT", "cr_plugin_restore_ext_mount",
                cr_plugin_run_restore_ext_mount,
                (id: c_int, mountpoint: *mut c_char, old_root: *mut c_char, is_file: *mut c_int),
                "int id, char *mountpoint, char *old_root, int *is_file", 0),
            (6, DumpExtLink, "DUMP_EXT_LINK", "cr_plugin_dump_ext_link",
                cr_plugin_run_dump_ext_link, (index: c_int, type_: c_int, kind: *mut c_char),
                "int index, int type, char *kind", 0),
            (7, HandleDeviceVma, "HANDLE_DEVICE_VMA", "cr_plugin_handle_device_vma",
                cr_plugin_run_handle_device_vma, (fd: c_int, stat: *const libc::stat),
                "int fd, const struct stat *stat", 31700),
            (8, UpdateVmaMap, "UPDATE_VMA_MAP", "cr_plugin_update_vma_map",
                cr_plugin_run_update_vma_map,
                (path: *const c_char, addr: u64, old_pgoff: u64, new_pgoff: *mut u64, plugin_fd: *mut c_int),
                "const char *path, const uint64_t addr, const uint64_t old_pgoff, uint64_t *new_pgoff, int *plugin_fd", 31700),
            (9, ResumeDevicesLate, "RESUME_DEVICES_LATE", "cr_plugin_resume_devices_late",
                cr_plugin_run_resume_devices_late, (pid: c_int),
                "int pid", 31700),
            (10, PauseDevices, "PAUSE_DEVICES", "cr_plugin_pause_devices",
                cr_plugin_run_pause_devices, (pid: c_int),
                "int pid", 40000),
            (11, CheckpointDevices, "CHECKPOINT_DEVICES", "cr_plugin_checkpoint_devices",
                cr_plugin_run_checkpoint_devices, (pid: c_int),
                "int pid", 40000),
            (12, PostForking, "POST_FORKING", "cr_plugin_post_forking",
                cr_plugin_run_post_forking, (),
                "void", 40200),
            (13, RestoreInit, "RESTORE_INIT", "cr_plugin_restore_init",
                cr_plugin_run_restore_init, (),
                "void", 40300),
            (14, DumpDevicesLate, "DUMP_DEVICES_LATE", "cr_plugin_dump_devices_late",
                cr_plugin_run_dump_devices_late, (id: c_int),
                "int id", 40300),
        }
    };
}
