//! The C ABI shared with CRIU and its plugins: constants and `#[repr(C)]`
//! layouts, identical to CRIU's `criu-plugin.h` and `plugin.h`.
//!
//! The C headers in `include/` are generated from these definitions by
//! `build.rs`; the layouts are checked from C by `ctests/t_layout.c`.

use std::ffi::{c_char, c_int, c_uint, c_void};

/// Number of hook slots: `CR_PLUGIN_HOOK__MAX` (15 today; 10 in CRIU 3.17,
/// 12 in 4.0 to 4.1.1, 13 in 4.2). Hooks are only ever appended.
pub const CR_PLUGIN_HOOK__MAX: usize = 15;

/// Builds a plugin interface version number, `CRIU_PLUGIN_GEN_VERSION(a, b, c)`.
pub const fn gen_version(major: u32, minor: u32, sublevel: u32) -> u32 {
    (major << 16) + (minor << 8) + sublevel
}

/// The newest plugin interface version this loader accepts (0.2.0).
pub const CRIU_PLUGIN_VERSION: u32 = gen_version(0, 2, 0);
/// The version given to legacy plugins, which have no descriptor (0.1.0).
pub const CRIU_PLUGIN_VERSION_OLD: u32 = gen_version(0, 1, 0);

/// Splits a version number into its `(major, minor, sublevel)` parts.
pub const fn version_parts(version: u32) -> (u32, u32, u32) {
    (version >> 16, (version >> 8) & 0xff, version & 0xff)
}

/// A plugin's `init(stage)` entry point.
pub type InitFn = unsafe extern "C" fn(stage: c_int) -> c_int;
/// A plugin's `exit(stage, ret)` entry point.
pub type ExitFn = unsafe extern "C" fn(stage: c_int, ret: c_int);

/// The plugin descriptor a plugin exports as the data symbol `CR_PLUGIN_DESC`
/// (C: `cr_plugin_desc_t`).
///
/// A plugin built against an older header has a shorter `hooks` array and
/// says so in `max_hooks`: slots at or past `max_hooks` must never be read.
#[repr(C)]
#[derive(Debug)]
pub struct CrPluginDesc {
    /// The plugin's name, a NUL-terminated string.
    pub name: *const c_char,
    /// Called once when the plugin is loaded; non-zero refuses the plugin.
    pub init: Option<unsafe extern "C" fn(stage: c_int) -> c_int>,
    /// Called once when the plugin is unloaded, with the operation's outcome.
    pub exit: Option<unsafe extern "C" fn(stage: c_int, ret: c_int)>,
    /// Interface version the plugin was built for: `CRIU_PLUGIN_GEN_VERSION(a, b, c)`.
    pub version: c_uint,
    /// Number of valid slots in `hooks`.
    pub max_hooks: c_uint,
    /// Hook functions by hook number; NULL where the plugin has none.
    pub hooks: [*mut c_void; CR_PLUGIN_HOOK__MAX],
}

/// A circular doubly linked list node (C: `struct list_head`), laid out as
/// CRIU's `include/common/list.h` has it: `prev` first, then `next` (the
/// reverse of the Linux kernel's), since CRIU's `run_plugins` reads `next`
/// at offset 8.
#[repr(C)]
#[derive(Debug)]
pub struct ListHead {
    /// The previous node; the list's head node when this is the first entry.
    pub prev: *mut ListHead,
    /// The next node; the list's head node when this is the last entry.
    pub next: *mut ListHead,
}

/// The loader's record of one loaded plugin (C: `plugin_desc_t`), linked into
/// `cr_plugin_ctl.head` by `list` and into each hook chain by `link[hook]`.
#[repr(C)]
#[derive(Debug)]
pub struct PluginDesc {
    /// The plugin's descriptor (its own `CR_PLUGIN_DESC`, or one synthesised
    /// for a legacy plugin).
    pub d: *mut CrPluginDesc,
    /// Node in `cr_plugin_ctl.head`, the list of all plugins in load order.
    pub list: ListHead,
    /// The `dlopen` handle; NULL for a built-in plugin.
    pub dlhandle: *mut c_void,
    /// Node in `cr_plugin_ctl.hook_chain[i]`, for each hook `i`.
    pub link: [ListHead; CR_PLUGIN_HOOK__MAX],
}

/// The loader's exported state (C: `cr_plugin_ctl_t`), walked directly by
/// CRIU's `run_plugins` macro.
#[repr(C)]
#[derive(Debug)]
pub struct CrPluginCtl {
    /// Every loaded plugin, in load order, through `plugin_desc_t.list`.
    pub head: ListHead,
    /// For each hook, the plugins that implement it, in load order, through
    /// `plugin_desc_t.link[hook]`.
    pub hook_chain: [ListHead; CR_PLUGIN_HOOK__MAX],
}

/// Stage values passed to `cr_plugin_init`, `init` and `exit`.
pub mod stage {
    use std::ffi::c_int;
    /// `CR_PLUGIN_STAGE__DUMP`
    pub const DUMP: c_int = 0;
    /// `CR_PLUGIN_STAGE__PRE_DUMP`
    pub const PRE_DUMP: c_int = 1;
    /// `CR_PLUGIN_STAGE__RESTORE`
    pub const RESTORE: c_int = 2;
    /// `CR_PLUGIN_STAGE_MAX`
    pub const MAX: c_int = 3;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn layouts_match_criu() {
        assert_eq!(size_of::<CrPluginDesc>(), 32 + 8 * CR_PLUGIN_HOOK__MAX);
        assert_eq!(offset_of!(CrPluginDesc, version), 24);
        assert_eq!(offset_of!(CrPluginDesc, max_hooks), 28);
        assert_eq!(offset_of!(CrPluginDesc, hooks), 32);
        assert_eq!(offset_of!(PluginDesc, list), 8);
        assert_eq!(offset_of!(PluginDesc, dlhandle), 24);
        assert_eq!(offset_of!(PluginDesc, link), 32);
        assert_eq!(size_of::<CrPluginCtl>(), 256);
        assert_eq!(offset_of!(ListHead, prev), 0);
        assert_eq!(offset_of!(ListHead, next), 8);
    }

    #[test]
    fn version_maths() {
        assert_eq!(CRIU_PLUGIN_VERSION, 0x200);
        assert_eq!(CRIU_PLUGIN_VERSION_OLD, 0x100);
        assert_eq!(gen_version(1, 2, 3), 0x10203);
        assert_eq!(version_parts(0x30201), (3, 2, 1));
        assert_eq!(version_parts(gen_version(0, 3, 0)), (0, 3, 0));
    }
}
