//! The registry of loaded plugins: the exported `cr_plugin_ctl` lists that
//! CRIU's `run_plugins` walks, and the Rust-side records that own what each
//! list entry points to.
//!
//! The C lists are the truth for dispatch; the Rust `Vec` (same order) owns
//! the memory and the `dlopen` handles. Both change only under the registry
//! lock, in `cr_plugin_init` and `cr_plugin_fini`.

use crate::abi::{CR_PLUGIN_HOOK__MAX, CrPluginCtl, CrPluginDesc, ListHead, PluginDesc};
use crate::dl::{self, Library};
use crate::hooks::{Hook, HookSet};
use std::ffi::{CStr, CString, c_void};
use std::mem::size_of;
use std::ptr::{NonNull, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

macro_rules! empty_list {
    ($head:expr) => {
        // SAFETY: only the address of the static is taken, never a reference.
        ListHead {
            next: unsafe { $head },
            prev: unsafe { $head },
        }
    };
}

/// The loader's state as CRIU's C code sees it. Every list starts empty
/// (pointing at itself), so `run_plugins` and `cr_plugin_fini` before the
/// first `cr_plugin_init` find nothing to do.
///
/// In a non-PIE executable this symbol is copied into the executable (a copy
/// relocation); the library reaches it through the GOT, so the library and
/// CRIU always use the same copy.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static mut cr_plugin_ctl: CrPluginCtl = CrPluginCtl {
    head: empty_list!(&raw mut cr_plugin_ctl.head),
    hook_chain: [
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[0]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[1]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[2]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[3]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[4]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[5]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[6]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[7]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[8]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[9]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[10]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[11]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[12]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[13]),
        empty_list!(&raw mut cr_plugin_ctl.hook_chain[14]),
    ],
};

/// How many hook chains the process's `cr_plugin_ctl` really has. A CRIU
/// linked against an older build of this library holds a smaller copy of it;
/// chains past its end must never be touched. Set by [`measure_host_chains`].
static HOST_CHAINS: AtomicUsize = AtomicUsize::new(CR_PLUGIN_HOOK__MAX);

/// Address of the `cr_plugin_ctl` the process uses.
pub fn ctl() -> *mut CrPluginCtl {
    &raw mut cr_plugin_ctl
}

/// Address of the chain of `hook`; only valid below [`host_chains`].
///
/// # Safety
/// `hook < host_chains()`.
#[inline(always)]
pub unsafe fn chain(hook: usize) -> *mut ListHead {
    // SAFETY: caller keeps hook within the host's copy; raw place projection only.
    unsafe { (&raw mut (*ctl()).hook_chain).cast::<ListHead>().add(hook) }
}

/// The number of hook chains the host can walk.
#[inline(always)]
pub fn host_chains() -> usize {
    HOST_CHAINS.load(Ordering::Relaxed)
}

/// Measures the process's copy of `cr_plugin_ctl` and records how many
/// chains it holds. Returns the size in bytes found, if the dynamic symbol
/// table gave one.
pub fn measure_host_chains() -> Option<usize> {
    let size = dl::symbol_size(ctl() as usize, c"cr_plugin_ctl")?;
    let chains = size.saturating_sub(size_of::<ListHead>()) / size_of::<ListHead>();
    HOST_CHAINS.store(chains.min(CR_PLUGIN_HOOK__MAX), Ordering::Relaxed);
    Some(size)
}

/// Measures the host's `cr_plugin_ctl` as soon as the library is loaded
/// (the dynamic linker has done every relocation by then), so hook calls
/// before the first `cr_plugin_init` never read past a smaller copy.
#[used]
#[unsafe(link_section = ".init_array")]
static MEASURE_AT_LOAD: extern "C" fn() = {
    extern "C" fn measure_at_load() {
        measure_host_chains();
        crate::dispatch::refresh_fast_path();
    }
    measure_at_load
};

/// Intrusive list primitives over `ListHead`, kernel style.
pub mod list {
    use super::ListHead;

    /// Makes `head` an empty list.
    ///
    /// # Safety
    /// `head` is valid for writes.
    pub unsafe fn init(head: *mut ListHead) {
        // SAFETY: caller's contract.
        unsafe {
            (*head).next = head;
            (*head).prev = head;
        }
    }

    /// Appends `entry` at the tail of the list `head`.
    ///
    /// # Safety
    /// Both are valid; `head` is a well-formed list; `entry` is on no list.
    pub unsafe fn add_tail(entry: *mut ListHead, head: *mut ListHead) {
        // SAFETY: caller's contract; the four writes relink a valid list.
        unsafe {
            let prev = (*head).prev;
            (*entry).next = head;
            (*entry).prev = prev;
            (*prev).next = entry;
            (*head).prev = entry;
        }
    }

    /// Removes `entry` from its list and leaves it an empty list of its own.
    ///
    /// # Safety
    /// `entry` is valid and on a well-formed list (or empty).
    pub unsafe fn del_init(entry: *mut ListHead) {
        // SAFETY: caller's contract.
        unsafe {
            let (prev, next) = ((*entry).prev, (*entry).next);
            (*prev).next = next;
            (*next).prev = prev;
            init(entry);
        }
    }

    /// Whether the list `head` is empty.
    ///
    /// # Safety
    /// `head` is valid for reads.
    pub unsafe fn is_empty(head: *const ListHead) -> bool {
        // SAFETY: caller's contract.
        unsafe { std::ptr::eq((*head).next, head) }
    }
}

/// Where a loaded plugin's code and descriptor come from.
#[derive(Debug)]
pub enum Origin {
    /// A shared object from the plugin folder, closed at fini.
    File {
        /// The path it was loaded from.
        path: CString,
        /// The `dlopen` handle.
        library: Library,
    },
    /// A descriptor the host registered, compiled into the program.
    Builtin,
}

/// A descriptor the loader built for a legacy plugin (one without
/// `CR_PLUGIN_DESC`), with the name string it points to.
#[derive(Debug)]
pub struct SynthesisedDesc {
    /// The descriptor itself; boxed so its address is stable.
    pub desc: Box<CrPluginDesc>,
    /// Backing store of `desc.name`.
    pub _name: CString,
}

/// A plugin whose descriptor passed every check, ready to be initialised
/// and linked.
#[derive(Debug)]
pub struct Accepted {
    /// Its descriptor: in the plugin, in the host, or `synthesised`.
    pub desc: *mut CrPluginDesc,
    /// Its name, for messages and duplicate detection.
    pub name: String,
    /// The descriptor built for a legacy plugin.
    pub synthesised: Option<SynthesisedDesc>,
    /// The hooks it fills in.
    pub hooks: HookSet,
    /// File or built-in.
    pub origin: Origin,
}

/// One loaded plugin: its C record (linked into `cr_plugin_ctl`) and what
/// that record points to.
#[derive(Debug)]
pub struct Loaded {
    /// The `plugin_desc_t` on the C lists; allocated by `Box`, freed in Drop.
    record: NonNull<PluginDesc>,
    /// The plugin's name, for messages.
    pub name: String,
    /// The descriptor built for a legacy plugin, or None when the record
    /// points into the plugin's own `CR_PLUGIN_DESC`.
    pub synthesised: Option<SynthesisedDesc>,
    /// The hooks chained for this plugin.
    pub hooks: HookSet,
    /// File or built-in. Dropped last, after the record is off every list.
    pub origin: Origin,
}

// SAFETY: a Loaded is only reached through the registry lock; its pointers
// are to heap memory and mapped plugin data, not to anything thread-bound.
unsafe impl Send for Loaded {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for Loaded {}

impl Loaded {
    /// Makes the C record for the plugin and links it at the tail of
    /// `cr_plugin_ctl.head` and of the chain of every hook in `hooks`.
    ///
    /// # Safety
    /// `plugin.desc` stays valid until this value is dropped; every hook in
    /// `plugin.hooks` has a non-NULL slot in it and is below [`host_chains`].
    pub unsafe fn link(plugin: Accepted) -> Loaded {
        let Accepted {
            desc,
            name,
            synthesised,
            hooks,
            origin,
        } = plugin;
        let dlhandle = match &origin {
            Origin::File { library, .. } => library.as_ptr(),
            Origin::Builtin => null_mut(),
        };
        let record = Box::into_raw(Box::new(PluginDesc {
            d: desc,
            list: ListHead {
                next: null_mut(),
                prev: null_mut(),
            },
            dlhandle,
            link: std::array::from_fn(|_| ListHead {
                next: null_mut(),
                prev: null_mut(),
            }),
        }));
        // SAFETY: `record` is a fresh allocation; the lists are well formed
        // (reset by init, changed only here and in Drop under the lock); the
        // caller keeps each hook below host_chains.
        unsafe {
            list::init(&raw mut (*record).list);
            for i in 0..CR_PLUGIN_HOOK__MAX {
                list::init(&raw mut (*record).link[i]);
            }
            list::add_tail(&raw mut (*record).list, &raw mut (*ctl()).head);
            for hook in hooks.hooks() {
                list::add_tail(&raw mut (*record).link[hook.index()], chain(hook.index()));
            }
        }
        Loaded {
            record: NonNull::new(record).expect("Box::into_raw is never NULL"),
            name,
            synthesised,
            hooks,
            origin,
        }
    }

    /// The plugin's descriptor.
    pub fn desc(&self) -> *mut CrPluginDesc {
        // SAFETY: the record is live for as long as self.
        unsafe { (*self.record.as_ptr()).d }
    }

    /// The path of a plugin loaded from a file.
    pub fn path(&self) -> Option<&CStr> {
        match &self.origin {
            Origin::File { path, .. } => Some(path),
            Origin::Builtin => None,
        }
    }
}

impl Drop for Loaded {
    fn drop(&mut self) {
        let record = self.record.as_ptr();
        // SAFETY: the record was made by Box::into_raw in `link` and is
        // unlinked from every list before it is freed; nothing else frees it.
        unsafe {
            list::del_init(&raw mut (*record).list);
            for i in 0..CR_PLUGIN_HOOK__MAX {
                if !list::is_empty(&raw const (*record).link[i]) {
                    list::del_init(&raw mut (*record).link[i]);
                }
            }
            drop(Box::from_raw(record));
        }
        // `synthesised` and then `origin` (dlclose) drop after this body.
    }
}

/// Everything the loader holds between `cr_plugin_init` and `cr_plugin_fini`.
#[derive(Debug, Default)]
pub struct Registry {
    /// Loaded plugins in load order (the order of `cr_plugin_ctl.head`).
    pub plugins: Vec<Loaded>,
    /// Descriptors registered by the host with `cr_plugin_register_builtin`,
    /// loaded first at every init, in registration order.
    pub builtins: Vec<BuiltinDesc>,
}

/// A descriptor registered by the host; the host keeps it alive.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinDesc(pub NonNull<CrPluginDesc>);
// SAFETY: the descriptor is host data that lives for the whole process (the
// registration contract); it is only read under the registry lock.
unsafe impl Send for BuiltinDesc {}
// SAFETY: as above.
unsafe impl Sync for BuiltinDesc {}

static REGISTRY: RwLock<Registry> = RwLock::new(Registry {
    plugins: Vec::new(),
    builtins: Vec::new(),
});

/// The registry, for changing it (init, fini, registration).
pub fn write() -> RwLockWriteGuard<'static, Registry> {
    REGISTRY.write().unwrap_or_else(|e| e.into_inner())
}

/// The registry, for reading it or calling hooks from Rust.
pub fn read() -> RwLockReadGuard<'static, Registry> {
    REGISTRY.read().unwrap_or_else(|e| e.into_inner())
}

/// Resets `cr_plugin_ctl` to empty lists (within the host's copy).
///
/// # Safety
/// No record is linked any more (the registry is empty), or the records
/// still linked are about to be forgotten on purpose.
pub unsafe fn reset_lists() {
    // SAFETY: the head and the first host_chains() chains are inside the
    // host's copy of cr_plugin_ctl.
    unsafe {
        list::init(&raw mut (*ctl()).head);
        for i in 0..host_chains() {
            list::init(chain(i));
        }
    }
}

/// The hooks `desc` fills in, reading only its first `max_hooks` slots.
///
/// # Safety
/// `desc` points to a descriptor whose `hooks` array has at least
/// `min(max_hooks, CR_PLUGIN_HOOK__MAX)` readable slots.
pub unsafe fn filled_hooks(desc: *const CrPluginDesc) -> HookSet {
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
