//! CRIU's plugin loader as a library with CRIU's exact C ABI.
//!
//! CRIU links this library instead of its `criu/plugin.c`: it exports
//! `cr_plugin_init`, `cr_plugin_fini`, `criu_get_image_dir` and the data
//! symbol `cr_plugin_ctl` that CRIU's `run_plugins` macro walks, plus one
//! typed function per hook (`cr_plugin_run_*`) and a few calls for hosts
//! that are not CRIU. Rust programs use [`api`]; the inspection tool uses
//! [`probe`]. Everything else is private to the crate.
//!
//! # Module map
//!
//! Data flows one way: the C and Rust faces call the loader, the loader
//! calls the rooms that check and load, and those write the registry that
//! dispatch walks. `host` and `logging` are leaves every room may use.
//!
//! | module | concern |
//! |---|---|
//! | `capi` | the exported C functions (init, fini, setters, built-ins) |
//! | [`api`] | the Rust API over the same registry |
//! | `loader` | `cr_plugin_init` / `cr_plugin_fini`: the order of the steps |
//! | `folder` | which folder, which files, which order |
//! | `policy` | trust, missing symbols, strict mode |
//! | `descriptor` | descriptor checks (symbol, numbers, hooks), legacy plugins |
//! | `dl` | the dynamic linker, wrapped; the start-up objects' symbol tables |
//! | `elf` | the one reader of dynamic sections and symbol tables |
//! | `registry` | the records of loaded plugins, and their lock |
//! | `name_index` | the loaded plugins' names, for the duplicate check |
//! | `ctl` | the exported `cr_plugin_ctl` and the size of the host's copy |
//! | `list` | CRIU's intrusive list |
//! | `reentry` | calls into the loader from plugin code it runs, refused |
//! | `fallible` | allocation that fails cleanly, messages without allocating |
//! | `dispatch` | hook chain walks and the typed `cr_plugin_run_*` functions |
//! | `host` | what comes from CRIU: its symbols, the setters' values |
//! | `logging` | into CRIU's log |
//! | `escape` | untrusted bytes made safe for a log or a terminal |
//! | [`abi`] | the `#[repr(C)]` layouts and constants |
//! | `hooks`, `hook_table` | [`Hook`], [`HookSet`], the one list of hooks |
//!
//! Internals are out of reach from outside the crate:
//!
//! ```compile_fail
//! // The registry (and every other internal room) is private.
//! let _ = criu_plugin::registry::write();
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, unreachable_pub)]

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
/// that it judges files with the loader's own checks: the folder choice and
/// order, the descriptor and trust checks, and reading a plugin's symbols
/// from its file or from its loaded image.
pub mod probe {
    pub use crate::descriptor::{
        BadSymbol, DESC_FIELDS, FileDescriptor, FilePlugin, LegacyParts, Refusal, Version,
        check_numbers, check_symbol_kind, check_symbol_size, desc_bytes, filled_hooks,
        name_in_file, name_of,
    };
    pub use crate::dl::{Library, global_symbol};
    pub use crate::elf::{Dynamic, ElfError, ElfFile, Image, Load, Rela, Symbol};
    pub use crate::escape::{Escaped, escape};
    pub use crate::folder::{Candidate, PluginDir, Source, locate};
    pub use crate::host::{DEFAULT_PLUGIN_DIR, secure_execution};
    pub use crate::policy::{
        SKIP_ENV, STRICT_ENV, missing_symbols, parse_strict, path_concern, strict_requested_by_env,
        untrusted_writer,
    };
    pub use crate::verdict::{
        AfterOpen, BeforeOpen, FolderVerdict, Judged, NameTaken, Refusal as Refused, Verdict,
        Warning, after_open, before_open, folder as folder_verdict,
    };
    use std::ffi::CStr;

    /// How many bytes of a file's head the loader reads for its check
    /// before `dlopen` ([`loadable_end`]).
    pub const HEADER_READ: usize = crate::elf::HEADER_READ;

    pub use crate::elf::READ_LIMIT;

    /// Where the loadable segments of the ELF file whose first bytes are
    /// `head` (of a file of `size` bytes) end in the file: the loader's
    /// check before `dlopen`, which refuses a file shorter than that (and
    /// one whose program headers lie past its end: `ElfError::Truncated`).
    /// It reads only the ELF header's class and byte order and the program
    /// headers, not the file's type.
    pub fn loadable_end(head: &[u8], size: u64) -> Result<u64, ElfError> {
        crate::elf::loadable_end(head, size)
    }

    /// The plugins the loader does not load (`CRIU_PLUGIN_SKIP`, or the
    /// host's `cr_plugin_set_skip`): comma-separated plugin names or file
    /// names of the plugin folder. A named plugin is never opened.
    pub struct SkipList(crate::policy::SkipList);

    impl SkipList {
        /// The list the loader reads from the environment when its host
        /// sets none, `CRIU_PLUGIN_SKIP`: `Ok(None)` when it is unset or
        /// names nothing; `Err` with the loader's warning when the variable
        /// is ignored (secure-execution mode).
        pub fn from_env() -> Result<Option<SkipList>, String> {
            crate::policy::SkipList::from_env().map(|s| s.map(SkipList))
        }

        /// The list `list`, as the loader takes it from its host
        /// (`cr_plugin_set_skip`); `source` names it in messages. `None`
        /// when it names nothing. A NUL byte ends it.
        pub fn parse(list: &[u8], source: &'static str) -> Option<SkipList> {
            let end = list.iter().position(|&b| b == 0).unwrap_or(list.len());
            let list = std::ffi::CString::new(&list[..end]).unwrap_or_default();
            crate::policy::SkipList::new(list, source).map(SkipList)
        }

        /// Where the list comes from (`CRIU_PLUGIN_SKIP`, or the `source`
        /// given to [`SkipList::parse`]).
        pub fn source(&self) -> &'static str {
            self.0.source
        }

        /// Its entries, as the loader takes them: trimmed, empty ones left
        /// out, at most 64.
        pub fn entries(&self) -> impl Iterator<Item = &[u8]> {
            self.0.entries()
        }

        /// Whether the list names the plugin whose file is called `file` in
        /// its folder, or (when known) whose plugin name is `name`, as the
        /// loader decides; the entry that does is marked as matched. The
        /// loader asks with the file name alone first, then, reading the
        /// name from the file (at most [`READ_LIMIT`] bytes of it: a
        /// descriptor's name, a legacy plugin's path), with both.
        pub fn names(&mut self, file: &[u8], name: Option<&[u8]>) -> bool {
            self.0.names(file, name).is_some()
        }

        /// The entries no call to [`SkipList::names`] matched.
        pub fn unmatched(&self) -> impl Iterator<Item = &[u8]> {
            self.0.unmatched()
        }

        /// The loader's warning when the list names more plugins than it
        /// takes.
        pub fn too_many_warning(&self) -> Option<String> {
            self.0.too_many().map(|w| w.to_string())
        }

        /// The loader's warning for each entry that matched no plugin of
        /// `folder` (`None`: there is no plugin folder), once every plugin
        /// was asked about.
        pub fn unmatched_warnings(&self, folder: Option<&CStr>) -> Vec<String> {
            self.0
                .unmatched()
                .map(|e| self.0.unmatched_warning(e, folder).to_string())
                .collect()
        }
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
