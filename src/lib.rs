//! CRIU's plugin loader as a library with CRIU's exact C ABI.
//!
//! CRIU links this library instead of its `criu/plugin.c`: it exports
//! `cr_plugin_init`, `cr_plugin_fini`, `criu_get_image_dir` and the data
//! symbol `cr_plugin_ctl` that CRIU's `run_plugins` macro walks, plus one
//! typed function per hook (`cr_plugin_run_*`) and a few calls for hosts
//! that are not CRIU. Rust programs use [`api`]; the inspection tool uses
//! `probe` (behind the `probe` feature). Everything else is private to the
//! crate.
//!
//! # Module map
//!
//! Calls go one way (no import circle): the C and Rust faces call the loader;
//! the loader asks `verdict` what to do with each file, from what the
//! checking rooms (`folder`, `policy`, `descriptor`) find through `dl` and
//! `elf`, and records what it starts in `registry`, which `dispatch` walks.
//! `host` reads CRIU's symbols through `dl`; `logging` writes through
//! `host`'s logger; `escape` and `fallible` are leaves every room may use.
//!
//! | module | concern |
//! |---|---|
//! | `capi` | the exported C functions (init, fini, setters, built-ins) |
//! | [`api`] | the Rust API over the same registry |
//! | `loader` | `cr_plugin_init` / `cr_plugin_fini`: the order of the steps; `file` (one folder's files), `builtin` (plugins compiled into the host), `error` ([`InitError`]) |
//! | `verdict` | what happens to the folder and to each file, from what is known of them: the checks' order, strict mode, the sentences |
//! | `folder` | which folder, which files, which order |
//! | `policy` | `strict` mode, the `skip` list, `trust` (who may write), `imports` (missing symbols) |
//! | `descriptor` | descriptor checks (symbol, numbers, hooks), legacy plugins, a plugin read from its file or its loaded image |
//! | `dl` | the dynamic linker, wrapped; the start-up objects' symbol tables |
//! | `elf` | the one reader of ELF files and mapped objects: `headers`, `dynamic` (section, symbols, relocations), `lookup` (GNU hash) |
//! | `registry` | the records of loaded plugins, and their lock |
//! | `name_index` | the loaded plugins' names: which has a name (an alternative in use) |
//! | `ctl` | the exported `cr_plugin_ctl` and the size of the host's copy |
//! | `list` | CRIU's intrusive list |
//! | `reentry` | calls into the loader from plugin code it runs, refused |
//! | `dispatch` | hook chain walks and the typed `cr_plugin_run_*` functions |
//! | `host` | what comes from CRIU: its symbols, the setters' values, the environment |
//! | `logging` | into CRIU's log |
//! | `escape` | untrusted bytes made safe for a log or a terminal |
//! | `fallible` | allocation that fails cleanly, messages without allocating |
//! | [`abi`] | the `#[repr(C)]` layouts and constants |
//! | `hooks`, `hook_table` | [`Hook`], [`HookSet`], the one list of hooks |
//! | `probe` | the loader's checks and readers for `criu-plugin-inspect` (feature `probe`) |
//! | `fuzz` | the mutation helpers of `make fuzz` (feature `fuzzing`, and tests) |
//!
//! Internals are out of reach from outside the crate:
//!
//! ```compile_fail
//! // The registry (and every other internal room) is private.
//! let _ = criu_plugin::registry::write();
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, unreachable_pub)]
// What only `probe` reaches is public in its private room and unused
// without that feature.
#![cfg_attr(not(feature = "probe"), allow(dead_code, unreachable_pub))]

#[macro_use]
mod hook_table;

pub mod abi;
pub mod api;
mod capi;
mod ctl;
mod descriptor;
mod dispatch;
mod dl;
mod elf;
mod escape;
mod fallible;
mod folder;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzz;
mod hooks;
mod host;
mod list;
mod loader;
mod logging;
mod name_index;
mod policy;
mod reentry;
mod registry;
mod verdict;

pub use api::{Answer, InitError, PluginInfo, Stage};
pub use hooks::{Hook, HookSet};

/// What a tool that inspects plugins without CRIU needs from the loader, so
/// that it judges files with the loader's own checks and sentences: the
/// folder choice and order, the skip list, trust, the verdict on each file,
/// and reading a plugin's descriptor from its file or its loaded image.
/// Behind the `probe` cargo feature, which `criu-plugin-inspect` turns on:
/// an interface for that tool, with no stability promise.
#[cfg(feature = "probe")]
pub mod probe {
    pub use crate::descriptor::{
        BadSymbol, DescriptorFields, FileDescriptor, FilePlugin, LoadedDescriptor, LoadedPlugin,
        Refusal, Version, check_numbers, name_in_file,
    };
    pub use crate::dl::{DlError, Library, global_symbol};
    pub use crate::elf::{Dynamic, ElfError, ElfFile, HEADER_READ, READ_LIMIT, Symbol};
    pub use crate::escape::Escaped;
    pub use crate::fallible::{Errno, OutOfMemory};
    pub use crate::folder::{Candidate, DirError, PluginDir, Source, locate, not_regular};
    pub use crate::host::{DEFAULT_PLUGIN_DIR, secure_execution};
    pub use crate::policy::{
        SKIP_ENV, STRICT_ENV, SkipEnvIgnored, SkipList, TooMany, Unmatched, missing_symbols,
        path_concern, strict_requested_by_env, untrusted_writer,
    };
    pub use crate::verdict::{
        AfterOpen, BeforeOpen, FolderVerdict, InUse, Judged, NameTaken, Refusal as Refused,
        Verdict, Warning, after_open, before_open, folder as folder_verdict,
    };

    /// The loader's check before `dlopen` of the file whose first bytes
    /// (at most [`HEADER_READ`]) are `head`, of `size` bytes: why mapping it
    /// would fault (its loadable segments or its program headers reach past
    /// its end), if it would.
    pub fn cut_short(head: &[u8], size: u64) -> Option<ElfError> {
        crate::elf::mappable(head, size).err()
    }

    /// The addresses of the library's C exports (`cr_plugin_init`,
    /// `criu_get_image_dir`, `cr_plugin_ctl`, the typed hook calls, ...). A
    /// program that links the library statically and wants plugins it opens
    /// to find them, as they would in CRIU, keeps them alive by calling this
    /// and exports them dynamically (`-Wl,--export-dynamic-symbol=...`).
    pub fn c_exports() -> impl Iterator<Item = *const ()> {
        crate::capi::exports().into_iter().flatten().copied()
    }
}
