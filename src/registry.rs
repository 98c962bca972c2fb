//! The records of loaded plugins: the `plugin_desc_t` each one has on the
//! lists of `cr_plugin_ctl` (see [`crate::ctl`]), what those records point
//! to, and the lock that guards them.
//!
//! The C lists are the truth for dispatch; the Rust `Vec` (same order) owns
//! the memory and the `dlopen` handles. Both change only under the registry
//! lock, in `cr_plugin_init` and `cr_plugin_fini`. A loaded plugin costs two
//! allocations: its record and its path (a legacy plugin also its
//! synthesised descriptor); the vectors are sized once per init.

use crate::abi::{CR_PLUGIN_HOOK__MAX, CrPluginDesc, ListHead, PluginDesc};
use crate::ctl::{chain, head};
use crate::dl::Library;
use crate::fallible::{OutOfMemory, try_box};
use crate::hooks::HookSet;
use crate::list;
use std::ffi::{CStr, CString};
use std::ptr::{NonNull, null_mut};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Where a loaded plugin's code and descriptor come from.
#[derive(Debug)]
pub(crate) enum Origin {
    /// A shared object from the plugin folder, closed at fini.
    File {
        /// The `dlopen` handle. Declared first so it is closed first: the
        /// plugin's destructors run while its path is still held.
        library: Library,
        /// The path it was loaded from.
        path: CString,
    },
    /// A descriptor the host registered, compiled into the program.
    Builtin,
}

/// A descriptor the loader built for a legacy plugin (one without
/// `CR_PLUGIN_DESC`); its name is the plugin's path, which `Origin::File`
/// holds.
#[derive(Debug)]
pub(crate) struct SynthesisedDesc(pub(crate) Box<[CrPluginDesc; 1]>);

/// A plugin whose descriptor passed every check, ready to be initialised
/// and linked.
#[derive(Debug)]
pub(crate) struct Accepted {
    /// Its descriptor: in the plugin, in the host, or `synthesised`.
    pub(crate) desc: *mut CrPluginDesc,
    /// The descriptor built for a legacy plugin.
    pub(crate) synthesised: Option<SynthesisedDesc>,
    /// The hooks it fills in.
    pub(crate) hooks: HookSet,
    /// File or built-in.
    pub(crate) origin: Origin,
}

impl Accepted {
    /// The name it goes by: the descriptor's, else its path; `None` only
    /// for a built-in plugin without a name.
    pub(crate) fn name(&self) -> Option<&CStr> {
        name_of(self.desc, &self.origin)
    }
}

fn name_of(desc: *const CrPluginDesc, origin: &Origin) -> Option<&CStr> {
    // SAFETY: desc is live while its record or acceptance is (the plugin is
    // loaded, or the host keeps a built-in alive); its name is NULL or a C
    // string that lives as long (a legacy plugin's points into its path).
    let name = unsafe { (*desc).name };
    if !name.is_null() {
        // SAFETY: as above.
        return Some(unsafe { CStr::from_ptr(name) });
    }
    match origin {
        Origin::File { path, .. } => Some(path),
        Origin::Builtin => None,
    }
}

/// One loaded plugin: its C record (linked into `cr_plugin_ctl`) and what
/// that record points to.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The `plugin_desc_t` on the C lists; allocated here, freed in Drop.
    record: NonNull<PluginDesc>,
    /// The descriptor built for a legacy plugin, or None when the record
    /// points into the plugin's own `CR_PLUGIN_DESC`.
    pub(crate) synthesised: Option<SynthesisedDesc>,
    /// The hooks chained for this plugin.
    pub(crate) hooks: HookSet,
    /// File or built-in. Dropped last, after the record is off every list.
    pub(crate) origin: Origin,
}

// SAFETY: a Loaded is only reached through the registry lock; its pointers
// are to heap memory and mapped plugin data, not to anything thread-bound.
unsafe impl Send for Loaded {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for Loaded {}

impl Loaded {
    /// Makes the C record for the plugin and links it at the tail of
    /// `cr_plugin_ctl.head` and of the chain of every hook in `hooks`. On
    /// failure (out of memory) the plugin is handed back, unlinked.
    ///
    /// # Safety
    /// `plugin.desc` stays valid until this value is dropped; every hook in
    /// `plugin.hooks` has a non-NULL slot in it and is below
    /// [`crate::ctl::host_chains`].
    pub(crate) unsafe fn link(plugin: Accepted) -> Result<Loaded, (Accepted, OutOfMemory)> {
        let dlhandle = match &plugin.origin {
            Origin::File { library, .. } => library.as_ptr(),
            Origin::Builtin => null_mut(),
        };
        let unlinked = || ListHead {
            next: null_mut(),
            prev: null_mut(),
        };
        let boxed = match try_box(PluginDesc {
            d: plugin.desc,
            list: unlinked(),
            dlhandle,
            link: std::array::from_fn(|_| unlinked()),
        }) {
            Ok(b) => b,
            Err(e) => return Err((plugin, e)),
        };
        let record = Box::into_raw(boxed).cast::<PluginDesc>();
        // SAFETY: `record` is a fresh allocation; the lists are well formed
        // (reset by init, changed only here and in Drop under the lock); the
        // caller keeps each hook below host_chains.
        unsafe {
            list::init(&raw mut (*record).list);
            for i in 0..CR_PLUGIN_HOOK__MAX {
                list::init(&raw mut (*record).link[i]);
            }
            list::add_tail(&raw mut (*record).list, head());
            for hook in plugin.hooks.hooks() {
                list::add_tail(&raw mut (*record).link[hook.index()], chain(hook.index()));
            }
        }
        let Accepted {
            synthesised,
            hooks,
            origin,
            ..
        } = plugin;
        Ok(Loaded {
            // SAFETY: Box::into_raw never gives NULL.
            record: unsafe { NonNull::new_unchecked(record) },
            synthesised,
            hooks,
            origin,
        })
    }

    /// The plugin's descriptor.
    pub(crate) fn desc(&self) -> *mut CrPluginDesc {
        // SAFETY: the record is live for as long as self.
        unsafe { (*self.record.as_ptr()).d }
    }

    /// The name it goes by (see [`Accepted::name`]).
    pub(crate) fn name(&self) -> Option<&CStr> {
        name_of(self.desc(), &self.origin)
    }

    /// The path of a plugin loaded from a file.
    pub(crate) fn path(&self) -> Option<&CStr> {
        match &self.origin {
            Origin::File { path, .. } => Some(path),
            Origin::Builtin => None,
        }
    }
}

impl Drop for Loaded {
    fn drop(&mut self) {
        let record = self.record.as_ptr();
        // SAFETY: the record came from a one-element box in `link` and is
        // unlinked from every list before it is freed; nothing else frees it.
        unsafe {
            list::del_init(&raw mut (*record).list);
            for i in 0..CR_PLUGIN_HOOK__MAX {
                if !list::is_empty(&raw const (*record).link[i]) {
                    list::del_init(&raw mut (*record).link[i]);
                }
            }
            drop(Box::from_raw(record.cast::<[PluginDesc; 1]>()));
        }
        // `synthesised` and then `origin` (dlclose) drop after this body.
    }
}

/// Everything the loader holds between `cr_plugin_init` and `cr_plugin_fini`.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    /// Loaded plugins in load order (the order of `cr_plugin_ctl.head`).
    pub(crate) plugins: Vec<Loaded>,
    /// Indices into `plugins` sorted by name, for duplicate detection.
    pub(crate) by_name: Vec<u32>,
    /// Descriptors registered by the host with `cr_plugin_register_builtin`,
    /// loaded first at every init, in registration order.
    pub(crate) builtins: Vec<BuiltinDesc>,
}

impl Registry {
    /// The loaded plugin named `name`, if any.
    pub(crate) fn find(&self, name: &CStr) -> Result<usize, usize> {
        self.by_name.binary_search_by(|&i| {
            self.plugins[i as usize]
                .name()
                .map_or(&b""[..], CStr::to_bytes)
                .cmp(name.to_bytes())
        })
    }
}

/// A descriptor registered by the host; the host keeps it alive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BuiltinDesc(pub(crate) NonNull<CrPluginDesc>);
// SAFETY: the descriptor is host data that lives for the whole process (the
// registration contract); it is only read under the registry lock.
unsafe impl Send for BuiltinDesc {}
// SAFETY: as above.
unsafe impl Sync for BuiltinDesc {}

static REGISTRY: RwLock<Registry> = RwLock::new(Registry {
    plugins: Vec::new(),
    by_name: Vec::new(),
    builtins: Vec::new(),
});

/// The registry, for changing it (init, fini, registration).
pub(crate) fn write() -> RwLockWriteGuard<'static, Registry> {
    REGISTRY.write().unwrap_or_else(|e| e.into_inner())
}

/// The registry, for reading it or calling hooks from Rust.
pub(crate) fn read() -> RwLockReadGuard<'static, Registry> {
    REGISTRY.read().unwrap_or_else(|e| e.into_inner())
}
