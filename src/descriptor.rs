//! Checking a plugin descriptor before anything of it is used: its symbol
//! (a data object large enough for what the loader reads), its numbers, and
//! which hooks it fills in; and the parts of a legacy plugin (one without a
//! descriptor).

use crate::abi::{CR_PLUGIN_HOOK__MAX, CRIU_PLUGIN_VERSION, CrPluginDesc, version_parts};
use crate::dl::Library;
use crate::elf::{ElfFile, Image, STT_COMMON, STT_OBJECT, Symbol};
use crate::hooks::{Hook, HookSet};
use std::ffi::{CStr, CString, c_void};
use std::ptr::NonNull;

/// Bytes of a descriptor before its hook slots: name, init, exit, version,
/// max_hooks.
pub(crate) const DESC_FIELDS: u64 = 32;

/// Bytes the loader reads of a descriptor whose `max_hooks` is `max_hooks`.
pub(crate) const fn desc_bytes(max_hooks: u32) -> u64 {
    let slots = if (max_hooks as usize) < CR_PLUGIN_HOOK__MAX {
        max_hooks as u64
    } else {
        CR_PLUGIN_HOOK__MAX as u64
    };
    DESC_FIELDS + 8 * slots
}

/// A version number shown as `a.b.c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub u32);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b, c) = version_parts(self.0);
        write!(f, "{a}.{b}.{c}")
    }
}

/// Why a descriptor is refused, with the values that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The plugin needs a newer interface than this loader's.
    VersionTooNew(u32),
    /// The plugin claims more hook slots than exist.
    TooManyHooks(u32),
    /// The plugin registers a hook the host's `cr_plugin_ctl` has no chain
    /// for (a CRIU linked against an older build of this library).
    HookNotCallable {
        /// The hook.
        hook: Hook,
        /// How many chains the host has.
        host_chains: usize,
    },
}

/// Why the symbol `CR_PLUGIN_DESC` cannot be a descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadSymbol {
    /// It is not a data object (a function, a thread-local variable, ...).
    NotData(&'static str),
    /// It is smaller than the descriptor's fields.
    TooSmall(u64),
    /// It is smaller than the fields and the hook slots its `max_hooks` claims.
    TooSmallForHooks {
        /// Its size.
        size: u64,
        /// Its `max_hooks`.
        max_hooks: u32,
    },
}

impl std::fmt::Display for BadSymbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            BadSymbol::NotData(kind) => {
                write!(f, "CR_PLUGIN_DESC is {kind}, not a data object")
            }
            BadSymbol::TooSmall(size) => write!(
                f,
                "CR_PLUGIN_DESC is {size} bytes, too small for a descriptor ({DESC_FIELDS} bytes)"
            ),
            BadSymbol::TooSmallForHooks { size, max_hooks } => write!(
                f,
                "CR_PLUGIN_DESC is {size} bytes, too small for max_hooks {max_hooks} ({} bytes)",
                desc_bytes(max_hooks)
            ),
        }
    }
}

/// Checks the symbol table's word on `CR_PLUGIN_DESC` before its fields are
/// read: a data object holding at least the fields.
pub(crate) fn check_symbol_kind(sym: &Symbol) -> Result<(), BadSymbol> {
    if sym.kind() != STT_OBJECT && sym.kind() != STT_COMMON {
        return Err(BadSymbol::NotData(sym.kind_words()));
    }
    if sym.size < DESC_FIELDS {
        return Err(BadSymbol::TooSmall(sym.size));
    }
    Ok(())
}

/// Checks that a descriptor symbol of `size` bytes holds the hook slots
/// that `max_hooks` makes the loader read.
pub(crate) fn check_symbol_size(size: u64, max_hooks: u32) -> Result<(), BadSymbol> {
    if size < desc_bytes(max_hooks) {
        return Err(BadSymbol::TooSmallForHooks { size, max_hooks });
    }
    Ok(())
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Refusal::VersionTooNew(v) => write!(
                f,
                "version {} is newer than the supported {}",
                Version(v),
                Version(CRIU_PLUGIN_VERSION)
            ),
            Refusal::TooManyHooks(n) => {
                write!(
                    f,
                    "max_hooks {n} is more than the supported {CR_PLUGIN_HOOK__MAX}"
                )
            }
            Refusal::HookNotCallable { hook, host_chains } => write!(
                f,
                "it registers hook {} ({}), which this CRIU cannot call: its cr_plugin_ctl has {host_chains} hook chains",
                hook.name(),
                hook.index()
            ),
        }
    }
}

/// What a valid descriptor tells the loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checked {
    /// The hooks it fills in.
    pub hooks: HookSet,
}

/// Checks the numbers of a descriptor, pure.
pub fn check_numbers(
    version: u32,
    max_hooks: u32,
    hooks: HookSet,
    host_chains: usize,
) -> Result<(), Refusal> {
    if version > CRIU_PLUGIN_VERSION {
        return Err(Refusal::VersionTooNew(version));
    }
    if max_hooks as usize > CR_PLUGIN_HOOK__MAX {
        return Err(Refusal::TooManyHooks(max_hooks));
    }
    if let Some(hook) = hooks.hooks().find(|h| h.index() >= host_chains) {
        return Err(Refusal::HookNotCallable { hook, host_chains });
    }
    Ok(())
}

/// Checks the descriptor at `desc`.
///
/// # Safety
/// `desc` points to a readable `cr_plugin_desc_t` whose hooks array has at
/// least `max_hooks` slots when `max_hooks` is within bounds.
pub(crate) unsafe fn check(
    desc: *const CrPluginDesc,
    host_chains: usize,
) -> Result<Checked, Refusal> {
    // SAFETY: caller's contract; the hooks are read only once max_hooks is
    // known to be within bounds.
    unsafe {
        let (version, max_hooks) = ((*desc).version, (*desc).max_hooks);
        check_numbers(version, max_hooks, HookSet::empty(), host_chains)?;
        let hooks = filled_hooks(desc);
        check_numbers(version, max_hooks, hooks, host_chains)?;
        Ok(Checked { hooks })
    }
}

/// The hooks `desc` fills in, reading only its first `max_hooks` slots.
///
/// # Safety
/// `desc` points to a descriptor whose `hooks` array has at least
/// `min(max_hooks, CR_PLUGIN_HOOK__MAX)` readable slots.
pub(crate) unsafe fn filled_hooks(desc: *const CrPluginDesc) -> HookSet {
    // SAFETY: caller's contract; slots are read one by one, never past max_hooks.
    unsafe {
        let max = ((*desc).max_hooks as usize).min(CR_PLUGIN_HOOK__MAX);
        let slots = (&raw const (*desc).hooks).cast::<*mut c_void>();
        Hook::ALL[..max]
            .iter()
            .filter(|h| !slots.add(h.index()).read().is_null())
            .fold(HookSet::empty(), |set, h| set | HookSet::of(*h))
    }
}

/// What a legacy plugin (no `CR_PLUGIN_DESC`) defines itself, from which the
/// loader builds its descriptor: only symbols of the plugin's own, never of
/// its dependencies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LegacyParts {
    /// `cr_plugin_init`.
    pub(crate) init: Option<NonNull<c_void>>,
    /// `cr_plugin_fini`.
    pub(crate) exit: Option<NonNull<c_void>>,
    /// Each hook's legacy symbol, by hook number.
    pub(crate) hooks: [Option<NonNull<c_void>>; CR_PLUGIN_HOOK__MAX],
}

impl LegacyParts {
    /// Reads them from the loaded `library`.
    pub(crate) fn of(library: &Library) -> LegacyParts {
        LegacyParts {
            init: library.own_symbol(c"cr_plugin_init"),
            exit: library.own_symbol(c"cr_plugin_fini"),
            hooks: Hook::ALL.map(|h| library.own_symbol(h.legacy_symbol_c())),
        }
    }

    /// The hooks it defines.
    pub(crate) fn hook_set(&self) -> HookSet {
        Hook::ALL
            .into_iter()
            .filter(|h| self.hooks[h.index()].is_some())
            .fold(HookSet::empty(), |set, h| set | HookSet::of(h))
    }
}

/// What a loaded plugin shows the loader: its `CR_PLUGIN_DESC` read as the
/// loader reads it, or the parts of a legacy plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadedPlugin {
    /// It defines `CR_PLUGIN_DESC`.
    Descriptor(LoadedDescriptor),
    /// It has no descriptor: a legacy plugin.
    Legacy {
        /// The hooks of its legacy symbols.
        hooks: HookSet,
        /// Whether it defines `cr_plugin_init`.
        init: bool,
        /// Whether it defines `cr_plugin_fini`.
        exit: bool,
    },
}

/// A loaded plugin's descriptor, as far as the loader reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedDescriptor {
    /// Its fields; `None` when the symbol table says the symbol is no
    /// descriptor (then `bad` says why and nothing of it is read).
    pub fields: Option<DescriptorFields>,
    /// Why the symbol cannot be a descriptor, if it cannot.
    pub bad: Option<BadSymbol>,
    /// The hook slots it fills in; `None` when they are not read (the
    /// symbol is too small for `max_hooks` slots).
    pub hooks: Option<HookSet>,
}

/// The fields of a descriptor before its hook slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptorFields {
    /// `name`, its bytes; `None`: NULL.
    pub name: Option<Vec<u8>>,
    /// `version`.
    pub version: u32,
    /// `max_hooks`.
    pub max_hooks: u32,
    /// Whether `init` is set.
    pub init: bool,
    /// Whether `exit` is set.
    pub exit: bool,
}

impl LoadedPlugin {
    /// Reads the plugin `library` holds, checking what the symbol table
    /// says of `CR_PLUGIN_DESC` (its kind, its size against `max_hooks`)
    /// before reading past what it vouches for. Sound under the contract of
    /// [`Library::open`]: the caller vouched that the library is a plugin,
    /// so a `CR_PLUGIN_DESC` it defines is a `cr_plugin_desc_t` whose name
    /// is NULL or a C string.
    pub fn read(library: &Library) -> LoadedPlugin {
        let Some(sym) = library.symbol(c"CR_PLUGIN_DESC") else {
            let parts = LegacyParts::of(library);
            return LoadedPlugin::Legacy {
                hooks: parts.hook_set(),
                init: parts.init.is_some(),
                exit: parts.exit.is_some(),
            };
        };
        // The symbol table's word on it, when the plugin defines it itself
        // (not one of its dependencies), before any field is read.
        let own = library
            .own_symbol_entry(c"CR_PLUGIN_DESC")
            .map(|(entry, _)| entry);
        if let Some(Err(bad)) = own.as_ref().map(check_symbol_kind) {
            return LoadedPlugin::Descriptor(LoadedDescriptor {
                fields: None,
                bad: Some(bad),
                hooks: None,
            });
        }
        let size = own.map(|entry| entry.size);
        let desc = sym.cast::<CrPluginDesc>().as_ptr();
        // SAFETY: by Library::open's contract CR_PLUGIN_DESC is a
        // cr_plugin_desc_t; when the symbol table gives its size, it holds
        // at least these fields (checked above); the library stays loaded
        // while `library` is borrowed.
        let fields = unsafe {
            let name = (*desc).name;
            DescriptorFields {
                // SAFETY: a non-NULL name is a C string (the plugin ABI).
                name: (!name.is_null()).then(|| CStr::from_ptr(name).to_bytes().to_vec()),
                version: (*desc).version,
                max_hooks: (*desc).max_hooks,
                init: (*desc).init.is_some(),
                exit: (*desc).exit.is_some(),
            }
        };
        // The loader reads only max_hooks slots, never past its own count,
        // and only of a symbol big enough to hold them.
        let bad = size.and_then(|size| check_symbol_size(size, fields.max_hooks).err());
        let readable = match size {
            Some(_) => bad.is_none(),
            None => fields.max_hooks as usize <= CR_PLUGIN_HOOK__MAX,
        };
        // SAFETY: the hooks array holds min(max_hooks, MAX) slots: the
        // symbol's size was checked, or the plugin ABI says so.
        let hooks = readable.then(|| unsafe { filled_hooks(desc) });
        LoadedPlugin::Descriptor(LoadedDescriptor {
            fields: Some(fields),
            bad,
            hooks,
        })
    }
}

/// What a plugin file says of itself before any of its code runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilePlugin {
    /// It defines `CR_PLUGIN_DESC`.
    Descriptor(FileDescriptor),
    /// It has no descriptor: a legacy plugin.
    Legacy {
        /// The hooks of its legacy symbols.
        hooks: HookSet,
        /// Whether it defines `cr_plugin_init`.
        init: bool,
        /// Whether it defines `cr_plugin_fini`.
        exit: bool,
    },
}

/// `CR_PLUGIN_DESC` as the file holds it, before any constructor ran (hooks
/// registered by constructors are not seen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDescriptor {
    /// The symbol, as the dynamic symbol table has it.
    pub symbol: Symbol,
    /// Why the symbol cannot be a descriptor, if it cannot.
    pub bad: Option<BadSymbol>,
    /// The name, when the file sets the pointer to a string it holds.
    pub name: Option<CString>,
    /// `version`.
    pub version: Option<u32>,
    /// `max_hooks`.
    pub max_hooks: Option<u32>,
    /// Hook slots the file itself sets (within the symbol and `max_hooks`).
    pub hooks: HookSet,
    /// Whether `init` is set.
    pub init: bool,
    /// Whether `exit` is set.
    pub exit: bool,
}

/// The name the skip list knows a plugin file by, read from the open `file`
/// (of `size` bytes, at `path`) without running any of its code: its
/// descriptor's name, a legacy plugin's path. At most
/// [`crate::elf::READ_LIMIT`] bytes are read.
pub fn name_in_file(file: &std::fs::File, size: u64, path: &CStr) -> Option<CString> {
    with_name_in_file(file, size, path, CStr::to_owned)
        .ok()
        .flatten()
}

/// [`name_in_file`], given to `f` where it lies in the file's image: the
/// loader's way, with no allocation beyond the reading of the file, whose
/// running out of memory is an error (a name not read is no name).
pub(crate) fn with_name_in_file<R>(
    file: &std::fs::File,
    size: u64,
    path: &CStr,
    f: impl FnOnce(&CStr) -> R,
) -> Result<Option<R>, crate::fallible::OutOfMemory> {
    let elf = match ElfFile::read(file, size, crate::elf::READ_LIMIT) {
        Ok(elf) => elf,
        Err(crate::elf::ElfError::OutOfMemory) => return Err(crate::fallible::OutOfMemory),
        Err(_) => return Ok(None),
    };
    let Some(dynamic) = elf.dynamic() else {
        return Ok(None);
    };
    let Some(symbol) = dynamic.lookup(c"CR_PLUGIN_DESC").filter(Symbol::is_defined) else {
        return Ok(Some(f(path)));
    };
    if check_symbol_kind(&symbol).is_err() {
        return Ok(None);
    }
    Ok(name_at(&dynamic, &symbol).map(f))
}

/// The name a descriptor at `symbol` points to in the file, when the file
/// sets that pointer to a string it holds.
fn name_at<'i>(dynamic: &crate::elf::Dynamic<'i, ElfFile>, symbol: &Symbol) -> Option<&'i CStr> {
    dynamic
        .pointer_at(symbol.value)
        .filter(|&p| p != 0)
        .and_then(|p| dynamic.image().c_str_at(p, 4096))
}

impl FilePlugin {
    /// Reads it from a whole file; `None` when the file has no dynamic
    /// section the reader can use.
    pub fn read(elf: &ElfFile) -> Option<FilePlugin> {
        let dynamic = elf.dynamic()?;
        let own = |name: &CStr| dynamic.lookup(name).filter(Symbol::is_defined);
        let Some(symbol) = own(c"CR_PLUGIN_DESC") else {
            return Some(FilePlugin::Legacy {
                hooks: Hook::ALL
                    .into_iter()
                    .filter(|h| own(h.legacy_symbol_c()).is_some())
                    .fold(HookSet::empty(), |set, h| set | HookSet::of(h)),
                init: own(c"cr_plugin_init").is_some(),
                exit: own(c"cr_plugin_fini").is_some(),
            });
        };
        let at = symbol.value;
        let mut d = FileDescriptor {
            symbol,
            bad: check_symbol_kind(&symbol).err(),
            name: None,
            version: None,
            max_hooks: None,
            hooks: HookSet::empty(),
            init: false,
            exit: false,
        };
        if d.bad.is_some() {
            return Some(FilePlugin::Descriptor(d));
        }
        let image = dynamic.image();
        d.version = image.u32_at(at.wrapping_add(24));
        d.max_hooks = image.u32_at(at.wrapping_add(28));
        if let Some(max) = d.max_hooks {
            d.bad = check_symbol_size(symbol.size, max).err();
        }
        d.name = name_at(&dynamic, &symbol).map(CStr::to_owned);
        d.init = dynamic.pointer_is_set(at.wrapping_add(8));
        d.exit = dynamic.pointer_is_set(at.wrapping_add(16));
        let slots = ((symbol.size.saturating_sub(DESC_FIELDS)) / 8)
            .min(u64::from(d.max_hooks.unwrap_or(0)))
            .min(CR_PLUGIN_HOOK__MAX as u64) as usize;
        d.hooks = Hook::ALL[..slots]
            .iter()
            .filter(|h| dynamic.pointer_is_set(at + DESC_FIELDS + 8 * h.index() as u64))
            .fold(HookSet::empty(), |set, h| set | HookSet::of(*h));
        Some(FilePlugin::Descriptor(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::gen_version;

    #[test]
    fn accepts_current_and_older_versions() {
        assert_eq!(
            check_numbers(gen_version(0, 2, 0), 15, HookSet::empty(), 15),
            Ok(())
        );
        assert_eq!(
            check_numbers(gen_version(0, 1, 0), 10, HookSet::empty(), 15),
            Ok(())
        );
        assert_eq!(check_numbers(0, 0, HookSet::empty(), 15), Ok(()));
    }

    #[test]
    fn refuses_newer_versions_with_values() {
        let r = check_numbers(gen_version(0, 3, 0), 15, HookSet::empty(), 15).unwrap_err();
        assert_eq!(r, Refusal::VersionTooNew(0x300));
        assert_eq!(
            r.to_string(),
            "version 0.3.0 is newer than the supported 0.2.0"
        );
        assert!(check_numbers(gen_version(0, 2, 1), 15, HookSet::empty(), 15).is_err());
        assert!(check_numbers(gen_version(1, 0, 0), 15, HookSet::empty(), 15).is_err());
    }

    #[test]
    fn refuses_too_many_hooks() {
        let r = check_numbers(0x200, 20, HookSet::empty(), 15).unwrap_err();
        assert_eq!(r.to_string(), "max_hooks 20 is more than the supported 15");
        assert_eq!(
            check_numbers(0x200, 16, HookSet::empty(), 15),
            Err(Refusal::TooManyHooks(16))
        );
    }

    #[test]
    fn refuses_hooks_the_host_cannot_call() {
        let hooks = HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking);
        assert_eq!(check_numbers(0x200, 15, hooks, 15), Ok(()));
        let r = check_numbers(0x200, 15, hooks, 12).unwrap_err();
        assert_eq!(
            r,
            Refusal::HookNotCallable {
                hook: Hook::PostForking,
                host_chains: 12
            }
        );
        assert!(r.to_string().contains("POST_FORKING"));
    }

    #[test]
    fn descriptor_symbols() {
        let sym = |info: u8, size: u64| Symbol {
            name: 1,
            info,
            shndx: 5,
            value: 0x4000,
            size,
        };
        assert_eq!(check_symbol_kind(&sym(0x11, 152)), Ok(()));
        assert_eq!(
            check_symbol_kind(&sym(0x12, 16)).unwrap_err().to_string(),
            "CR_PLUGIN_DESC is a function, not a data object"
        );
        assert_eq!(
            check_symbol_kind(&sym(0x11, 8)).unwrap_err().to_string(),
            "CR_PLUGIN_DESC is 8 bytes, too small for a descriptor (32 bytes)"
        );
        assert_eq!(check_symbol_size(112, 10), Ok(()));
        assert_eq!(check_symbol_size(152, 20), Ok(()));
        assert_eq!(
            check_symbol_size(112, 15).unwrap_err().to_string(),
            "CR_PLUGIN_DESC is 112 bytes, too small for max_hooks 15 (152 bytes)"
        );
        assert_eq!(desc_bytes(0), 32);
        assert_eq!(desc_bytes(u32::MAX), 152);
    }

    #[test]
    fn versions_print_as_triples() {
        assert_eq!(Version(0x200).to_string(), "0.2.0");
        assert_eq!(Version(gen_version(3, 17, 1)).to_string(), "3.17.1");
    }
}
