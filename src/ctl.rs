//! The exported `cr_plugin_ctl` that CRIU's `run_plugins` macro walks, and
//! how much of it the process really has.
//!
//! A CRIU linked against an older build of this library holds a smaller
//! copy of the symbol (a copy relocation): chains past its end must never be
//! touched. [`measure_host_chains`] finds the copy's size in the dynamic
//! symbol table of the object that holds it.

use crate::abi::{CR_PLUGIN_HOOK__MAX, CrPluginCtl, ListHead};
use crate::{dl, list};
use std::mem::size_of;
use std::sync::atomic::{AtomicUsize, Ordering};

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
#[allow(non_upper_case_globals, unreachable_pub)] // exported to C, for cbindgen
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

/// How many chains the process's copy of `cr_plugin_ctl` has, set by
/// [`measure_host_chains`]: fewer than this library's when CRIU was linked
/// against an older build (chains past its end must never be touched), or
/// more when it was linked against a newer build. The dynamic linker copied
/// only this library's 15 into that copy and left the rest zero; they are
/// made empty lists, so CRIU's `run_plugins` finds no plugin there instead
/// of following a NULL pointer.
static HOST_CHAINS: AtomicUsize = AtomicUsize::new(CR_PLUGIN_HOOK__MAX);

/// Address of the `cr_plugin_ctl` the process uses.
pub(crate) fn ctl() -> *mut CrPluginCtl {
    &raw mut cr_plugin_ctl
}

/// The list of every loaded plugin.
pub(crate) fn head() -> *mut ListHead {
    // SAFETY: a raw place projection into the static; nothing is read.
    unsafe { &raw mut (*ctl()).head }
}

/// Address of the chain of `hook`; only valid below [`host_chains`].
///
/// # Safety
/// `hook < host_chains()`.
#[inline(always)]
pub(crate) unsafe fn chain(hook: usize) -> *mut ListHead {
    // SAFETY: caller keeps hook within the host's copy; raw place projection only.
    unsafe { (&raw mut (*ctl()).hook_chain).cast::<ListHead>().add(hook) }
}

/// The number of this library's hook chains the host can walk.
#[inline(always)]
pub(crate) fn host_chains() -> usize {
    HOST_CHAINS.load(Ordering::Relaxed).min(CR_PLUGIN_HOOK__MAX)
}

/// Measures the process's copy of `cr_plugin_ctl` and records how many
/// chains it holds. Returns the size in bytes found, if the dynamic symbol
/// table gave one.
pub(crate) fn measure_host_chains() -> Option<usize> {
    let size = dl::symbol_size(ctl() as usize, c"cr_plugin_ctl")?;
    let chains = size.saturating_sub(size_of::<ListHead>()) / size_of::<ListHead>();
    HOST_CHAINS.store(chains, Ordering::Relaxed);
    Some(size)
}

/// How many chains the host's copy has past this library's (see
/// [`HOST_CHAINS`]).
pub(crate) fn host_extra_chains() -> usize {
    HOST_CHAINS
        .load(Ordering::Relaxed)
        .saturating_sub(CR_PLUGIN_HOOK__MAX)
}

/// Makes the chains of the host's copy past this library's count empty
/// lists (they are never linked to: no plugin can register those hooks here).
pub(crate) fn init_extra_chains() {
    let total = HOST_CHAINS.load(Ordering::Relaxed);
    for i in CR_PLUGIN_HOOK__MAX..total {
        // SAFETY: the host's copy holds `total` chains (its size in the
        // executable's symbol table); a raw place projection past our own
        // array's end, inside that copy.
        unsafe {
            let chain = (&raw mut (*ctl()).hook_chain).cast::<ListHead>().add(i);
            list::init(chain);
        }
    }
}

/// Resets `cr_plugin_ctl` to empty lists (within the host's copy).
///
/// # Safety
/// No record is linked any more, or the records still linked are about to
/// be forgotten on purpose.
pub(crate) unsafe fn reset_lists() {
    // SAFETY: the head and the first host_chains() chains are inside the
    // host's copy of cr_plugin_ctl.
    unsafe {
        list::init(head());
        for i in 0..host_chains() {
            list::init(chain(i));
        }
    }
    init_extra_chains();
}
