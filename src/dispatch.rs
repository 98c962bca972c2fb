//! Hook chains: calling a hook on every plugin that has it, in load order,
//! until one answers something other than `-ENOTSUP`, exactly as CRIU's
//! `run_plugins` macro does. One exported C function per hook, expanded from
//! the hook table.

use crate::abi::{CrPluginDesc, ListHead, PluginDesc};
use crate::ctl::{chain, host_chains};
use crate::escape::Escaped;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::mem::offset_of;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The answer of a chain in which no plugin handled the call.
pub(crate) const DECLINED: c_int = -libc::ENOTSUP;

/// Hooks below this number take the fast path: the host has their chain
/// and no debug line is wanted. 0 while debug logging is on, so every call
/// takes the logging path. Set by [`refresh_fast_path`].
static FAST_CHAINS: AtomicUsize = AtomicUsize::new(0);

/// Recomputes the fast path's limit from the host's chains and the log
/// level; called when either may have changed (library load, each init).
pub(crate) fn refresh_fast_path() {
    let debug = log::max_level() >= log::LevelFilter::Debug;
    FAST_CHAINS.store(if debug { 0 } else { host_chains() }, Ordering::Relaxed);
}

/// Walks the chain of hook `hook`, calling `call` with each plugin's hook
/// function until one returns something other than `-ENOTSUP`.
///
/// # Safety
/// The chains are well formed (not changed concurrently: CRIU calls hooks
/// and `cr_plugin_init`/`cr_plugin_fini` from one thread), and `call` calls
/// the function with the hook's own C signature.
#[inline(always)]
pub(crate) unsafe fn walk(hook: usize, call: impl FnMut(*mut c_void) -> c_int) -> c_int {
    // One load and compare per call keeps the path as short as CRIU's
    // macro; hooks the host lacks and debug logging go out of line.
    if hook < FAST_CHAINS.load(Ordering::Relaxed) {
        // SAFETY: forwarded contract; hook is below the host's chains.
        unsafe { walk_chain(hook, call, |_, _| {}) }
    } else {
        // SAFETY: forwarded contract.
        unsafe { walk_slow(hook, call) }
    }
}

/// [`walk`] for a hook the host has no chain for, or with CRIU's debug line
/// before each call.
///
/// # Safety
/// As [`walk`].
#[cold]
#[inline(never)]
unsafe fn walk_slow(hook: usize, call: impl FnMut(*mut c_void) -> c_int) -> c_int {
    if hook >= host_chains() {
        return DECLINED;
    }
    // SAFETY: forwarded contract; hook is below the host's chains.
    unsafe { walk_chain(hook, call, |desc, f| log_call(desc, hook, f)) }
}

/// The chain walk itself, with `before` run ahead of each call.
///
/// # Safety
/// As [`walk`], with `hook` below the host's chains.
#[inline(always)]
unsafe fn walk_chain(
    hook: usize,
    mut call: impl FnMut(*mut c_void) -> c_int,
    before: impl Fn(*const CrPluginDesc, *mut c_void),
) -> c_int {
    // SAFETY: hook is within the host's chains; each node on the chain is
    // the link[hook] member of a live plugin_desc_t (container_of), whose
    // descriptor has a non-NULL hooks[hook] (checked at load).
    unsafe {
        let head = chain(hook);
        let mut node = (*head).next;
        while node != head {
            let record = node
                .byte_sub(offset_of!(PluginDesc, link) + hook * size_of::<ListHead>())
                .cast::<PluginDesc>();
            let desc = (*record).d;
            let f = (*desc).hooks[hook];
            before(desc, f);
            let ret = call(f);
            if ret != DECLINED {
                return ret;
            }
            node = (*node).next;
        }
    }
    DECLINED
}

/// Walks the chain of `hook` like [`walk`], calling `call` with each
/// plugin's descriptor and hook function (the loader uses it to know whose
/// code runs).
///
/// # Safety
/// As [`walk`].
pub(crate) unsafe fn walk_each(
    hook: usize,
    mut call: impl FnMut(*const CrPluginDesc, *mut c_void) -> c_int,
) -> c_int {
    if hook >= host_chains() {
        return DECLINED;
    }
    let current = std::cell::Cell::new(std::ptr::null::<CrPluginDesc>());
    // SAFETY: forwarded contract; hook is below the host's chains.
    unsafe {
        walk_chain(
            hook,
            |f| call(current.get(), f),
            |desc, f| {
                current.set(desc);
                if log::max_level() >= log::LevelFilter::Debug {
                    log_call(desc, hook, f);
                }
            },
        )
    }
}

/// CRIU's debug line for a hook call, in CRIU's words.
fn log_call(desc: *const CrPluginDesc, hook: usize, f: *mut c_void) {
    // SAFETY: desc is a live descriptor; its name is NULL or a C string.
    let name = unsafe {
        let n = (*desc).name;
        if n.is_null() {
            &b"(null)"[..]
        } else {
            CStr::from_ptr(n).to_bytes()
        }
    };
    log::debug!("plugin: `{}' hook {hook} -> {f:p}", Escaped(name));
}

macro_rules! typed_dispatch {
    ($(($num:literal, $variant:ident, $cname:literal, $legacy:literal, $typed:ident,
        ($($arg:ident: $argty:ty),*), $cargs:literal, $since:literal)),* $(,)?) => {
        $(
            #[doc = concat!("Runs hook `CR_PLUGIN_HOOK__", $cname, "` (", stringify!($num),
                ") like `run_plugins(", $cname, ", ...)`: the first answer other than ",
                "`-ENOTSUP`, or `-ENOTSUP` when no plugin handles it.\n\n# Safety\n",
                "The arguments are passed to plugin code as they are and must be valid ",
                "for the hook's C signature; not to be called while `cr_plugin_init` or ",
                "`cr_plugin_fini` runs on another thread.")]
            #[unsafe(no_mangle)]
            #[allow(unreachable_pub)] // exported to C, for cbindgen
            pub unsafe extern "C" fn $typed($($arg: $argty),*) -> c_int {
                type HookFn = unsafe extern "C" fn($($argty),*) -> c_int;
                // SAFETY: hook slot $num holds a function of this hook's C
                // signature (the plugin ABI); the caller vouches for the
                // arguments and for the chains.
                unsafe {
                    walk($num, move |f| {
                        let f = std::mem::transmute::<*mut c_void, HookFn>(f);
                        f($($arg),*)
                    })
                }
            }
        )*
    };
}

for_each_hook!(typed_dispatch);
