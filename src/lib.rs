//! CRIU's plugin loader as a library with CRIU's exact C ABI.
//!
//! CRIU links this library instead of its `criu/plugin.c`: it exports
//! `cr_plugin_init`, `cr_plugin_fini`, `criu_get_image_dir` and the data
//! symbol `cr_plugin_ctl` that CRIU's `run_plugins` macro walks, plus one
//! typed function per hook (`cr_plugin_run_*`) and a few calls for hosts
//! that are not CRIU. Rust programs use [`api`].
//!
//! Module map: [`abi`] (C layouts), [`hooks`] (the hook table), [`registry`]
//! (the exported lists and what they point to), [`loader`] (init and fini),
//! [`folder`] (which folder, which files), [`descriptor`] (descriptor
//! checks), [`policy`] (trust, symbols, strict mode), [`dispatch`] (hook
//! chains), [`host`] (what comes from CRIU), [`logging`] (into CRIU's log),
//! [`dl`] and [`elf`] (dynamic linker and ELF helpers), [`capi`] (C exports),
//! [`inspect`] (what a folder holds, for `criu-plugin-inspect`).

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[macro_use]
mod hook_table;

pub mod abi;
pub mod api;
pub mod capi;
pub mod descriptor;
pub mod dispatch;
pub mod dl;
pub mod elf;
pub mod folder;
pub mod hooks;
pub mod host;
pub mod inspect;
pub mod loader;
pub mod logging;
pub mod policy;
pub mod registry;

pub use api::{Answer, PluginInfo, Stage};
pub use hooks::{Hook, HookSet};
pub use loader::InitError;
