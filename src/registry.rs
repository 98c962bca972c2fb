//! The records of loaded plugins: the `plugin_desc_t` each one has on the
//! lists of `cr_plugin_ctl` (see [`crate::ctl`]), what else the loader keeps
//! of it, and the lock that guards them.
//!
//! The C lists are the truth for dispatch; the Rust `Vec` (same order) owns
//! the records. Both change only under the registry lock, in
//! `cr_plugin_init` and `cr_plugin_fini`. A loaded plugin costs one
//! allocation, its `plugin_desc_t` (a legacy plugin also its synthesised
//! descriptor): the `dlopen` handle lives in the record's `dlhandle`, the
//! hooks it is chained for are its non-empty links, and the plugin's path
//! is the dynamic linker's own copy (`l_name`); the vectors are sized once
//! per init and freed at fini.

use crate::abi::{CR_PLUGIN_HOOK__MAX, CrPluginDesc, ListHead, PluginDesc};
use crate::ctl::{chain, head};
use crate::dl::{self, Library};
use crate::fallible::{OutOfMemory, try_box};
use crate::hooks::HookSet;
use crate::list;
use crate::name_index::NameIndex;
use std::ffi::{CStr, c_void};
use std::ptr::{NonNull, null_mut};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Where a plugin's code and descriptor come from, before it is recorded.
#[derive(Debug)]
pub(crate) enum Origin {
    /// A shared object from the plugin folder, closed at fini.
    File(Library),
    /// A descriptor the host registered, compiled into the program.
    Builtin,
}

/// A descriptor the loader built for a legacy plugin (one without
/// `CR_PLUGIN_DESC`); its name is the plugin's path, the dynamic linker's
/// copy of it, which lives as long as the plugin is loaded.
#[derive(Debug)]
pub(crate) struct SynthesisedDesc(pub(crate) Box<[CrPluginDesc; 1]>);

// SAFETY: the descriptor is plain data (pointers into the plugin it was made
// for), only reached through the registry lock.
unsafe impl Send for SynthesisedDesc {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for SynthesisedDesc {}

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
        let handle = match &self.origin {
            Origin::File(library) => library.as_ptr(),
            Origin::Builtin => null_mut(),
        };
        // SAFETY: the descriptor and the handle are live while `self` is.
        unsafe { name_of(self.desc, handle) }
    }

    /// The path of a plugin from a file.
    pub(crate) fn path(&self) -> Option<&CStr> {
        match &self.origin {
            // SAFETY: the library is open while `self` is.
            Origin::File(library) => unsafe { dl::object_path(library.as_ptr()) },
            Origin::Builtin => None,
        }
    }
}

/// The name of the plugin with descriptor `desc` and `dlopen` handle
/// `handle` (NULL for a built-in): the descriptor's, else its path.
///
/// # Safety
/// Both are live for the lifetime the caller gives the result.
unsafe fn name_of<'a>(desc: *const CrPluginDesc, handle: *mut c_void) -> Option<&'a CStr> {
    // SAFETY: caller's contract; the name is NULL or a C string that lives
    // as long as the descriptor (a legacy plugin's points at its l_name).
    unsafe {
        let name = (*desc).name;
        if !name.is_null() {
            return Some(CStr::from_ptr(name));
        }
        if handle.is_null() {
            None
        } else {
            dl::object_path(handle)
        }
    }
}

/// What the loader keeps of one loaded plugin: its `plugin_desc_t`, which
/// the lists of `cr_plugin_ctl` point into and CRIU's `run_plugins` reads.
#[repr(C)]
#[derive(Debug)]
struct Record {
    c: PluginDesc,
}

/// One loaded plugin: its record, linked into `cr_plugin_ctl`.
#[derive(Debug)]
pub(crate) struct Loaded(NonNull<Record>);

// SAFETY: a Loaded is only reached through the registry lock; its pointers
// are to heap memory and mapped plugin data, not to anything thread-bound.
unsafe impl Send for Loaded {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for Loaded {}

impl Loaded {
    /// Makes the record for the plugin and links it at the tail of
    /// `cr_plugin_ctl.head` and of the chain of every hook in `hooks`. On
    /// failure (out of memory) the plugin is handed back, unlinked. A legacy
    /// plugin's synthesised descriptor is handed back to be kept (in
    /// [`Registry::legacy`]) until the plugin is unloaded.
    ///
    /// # Safety
    /// `plugin.desc` stays valid until this value is dropped; every hook in
    /// `plugin.hooks` has a non-NULL slot in it and is below
    /// [`crate::ctl::host_chains`].
    pub(crate) unsafe fn link(
        plugin: Accepted,
    ) -> Result<(Loaded, Option<SynthesisedDesc>), (Accepted, OutOfMemory)> {
        let unlinked = || ListHead {
            next: null_mut(),
            prev: null_mut(),
        };
        let dlhandle = match &plugin.origin {
            Origin::File(library) => library.as_ptr(),
            Origin::Builtin => null_mut(),
        };
        let boxed = match try_box(Record {
            c: PluginDesc {
                d: plugin.desc,
                list: unlinked(),
                dlhandle,
                link: std::array::from_fn(|_| unlinked()),
            },
        }) {
            Ok(b) => b,
            Err(e) => return Err((plugin, e)),
        };
        let record = Box::into_raw(boxed).cast::<Record>();
        let Accepted {
            synthesised,
            hooks,
            origin,
            ..
        } = plugin;
        // The handle now belongs to the record (closed in Drop).
        if let Origin::File(library) = origin {
            library.into_raw();
        }
        // SAFETY: `record` is a fresh allocation; the lists are well formed
        // (reset by init, changed only here and in Drop under the lock); the
        // caller keeps each hook below host_chains.
        unsafe {
            let c = &raw mut (*record).c;
            list::init(&raw mut (*c).list);
            for i in 0..CR_PLUGIN_HOOK__MAX {
                list::init(&raw mut (*c).link[i]);
            }
            list::add_tail(&raw mut (*c).list, head());
            for hook in hooks.hooks() {
                list::add_tail(&raw mut (*c).link[hook.index()], chain(hook.index()));
            }
            // SAFETY: Box::into_raw never gives NULL.
            Ok((Loaded(NonNull::new_unchecked(record)), synthesised))
        }
    }

    fn record(&self) -> &Record {
        // SAFETY: the record is live for as long as self.
        unsafe { self.0.as_ref() }
    }

    /// The plugin's descriptor.
    pub(crate) fn desc(&self) -> *mut CrPluginDesc {
        self.record().c.d
    }

    /// The hooks chained for it: its links that are on a chain.
    pub(crate) fn hooks(&self) -> HookSet {
        let c = &self.record().c;
        crate::hooks::Hook::ALL
            .into_iter()
            // SAFETY: the links are initialised lists of this live record.
            .filter(|h| !unsafe { list::is_empty(&raw const c.link[h.index()]) })
            .fold(HookSet::empty(), |set, h| set | HookSet::of(h))
    }

    /// The name it goes by (see [`Accepted::name`]).
    pub(crate) fn name(&self) -> Option<&CStr> {
        // SAFETY: the descriptor and the handle live as long as the record.
        unsafe { name_of(self.record().c.d, self.record().c.dlhandle) }
    }

    /// The path of a plugin loaded from a file.
    pub(crate) fn path(&self) -> Option<&CStr> {
        let handle = self.record().c.dlhandle;
        // SAFETY: the handle is open as long as the record.
        (!handle.is_null())
            .then(|| unsafe { dl::object_path(handle) })
            .flatten()
    }
}

impl Drop for Loaded {
    fn drop(&mut self) {
        let record = self.0.as_ptr();
        // SAFETY: the record came from a one-element box in `link` and is
        // unlinked from every list before it is freed; nothing else frees
        // it. Its handle came from dlopen and is closed once, here, after
        // the record is off the lists and before its memory (and a legacy
        // plugin's descriptor, whose name is the object's l_name) goes.
        unsafe {
            let c = &raw mut (*record).c;
            list::del_init(&raw mut (*c).list);
            for i in 0..CR_PLUGIN_HOOK__MAX {
                if !list::is_empty(&raw const (*c).link[i]) {
                    list::del_init(&raw mut (*c).link[i]);
                }
            }
            let handle = (*c).dlhandle;
            if !handle.is_null() {
                drop(Library::from_raw(handle));
            }
            drop(Box::from_raw(record.cast::<[Record; 1]>()));
        }
    }
}

/// Everything the loader holds between `cr_plugin_init` and `cr_plugin_fini`.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    /// Loaded plugins in load order (the order of `cr_plugin_ctl.head`).
    pub(crate) plugins: Vec<Loaded>,
    /// The names of `plugins`, for duplicate detection.
    pub(crate) names: NameIndex,
    /// The descriptors synthesised for the legacy plugins among `plugins`,
    /// freed after those plugins are unloaded.
    pub(crate) legacy: Vec<SynthesisedDesc>,
    /// Descriptors registered by the host with `cr_plugin_register_builtin`,
    /// loaded first at every init, in registration order.
    pub(crate) builtins: Vec<BuiltinDesc>,
}

impl Registry {
    /// Whether `plugin` is a legacy plugin (its descriptor was synthesised).
    pub(crate) fn is_legacy(&self, plugin: &Loaded) -> bool {
        let desc = plugin.desc().cast_const();
        self.legacy.iter().any(|d| std::ptr::eq(d.0.as_ptr(), desc))
    }

    /// The index in `plugins` of the loaded plugin named `name`.
    pub(crate) fn find(&self, name: &CStr) -> Option<usize> {
        let plugins = &self.plugins;
        self.names
            .find(name.to_bytes(), |i| name_at(plugins, i))
            .map(|i| i as usize)
    }

    /// Room for `more` plugins, so that recording one never allocates.
    pub(crate) fn reserve(&mut self, more: usize) -> Result<(), OutOfMemory> {
        self.plugins.try_reserve(more)?;
        let held = self.plugins.len();
        let total = held.checked_add(more).ok_or(OutOfMemory)?;
        let plugins = &self.plugins;
        self.names
            .reserve(total, held as u32, |i| name_at(plugins, i))
    }

    /// Records a loaded plugin (its name, if it has one), in the room
    /// [`Registry::reserve`] made.
    pub(crate) fn push(&mut self, plugin: Loaded) {
        let index = self.plugins.len() as u32;
        if let Some(name) = plugin.name() {
            self.names.insert(name.to_bytes(), index);
        }
        self.plugins.push(plugin);
    }
}

/// The name of `plugins[index]`, as the name index reads it.
fn name_at(plugins: &[Loaded], index: u32) -> Option<&[u8]> {
    plugins.get(index as usize)?.name().map(CStr::to_bytes)
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
    names: NameIndex::new(),
    legacy: Vec::new(),
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
