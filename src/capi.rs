//! The exported C functions: CRIU's three entry points and the calls for
//! hosts that are not CRIU. (The typed hook functions are in `dispatch`, the
//! `cr_plugin_ctl` data symbol in `ctl`.)

// The functions are `pub` for cbindgen and exported by `#[no_mangle]`; Rust
// code outside the crate cannot reach this module.
#![allow(unreachable_pub)]

use crate::abi::CrPluginDesc;
use crate::{ctl, dispatch, host, loader, policy};
use std::ffi::{CStr, c_char, c_int};
use std::ptr::NonNull;

/// Loads, checks and initialises every plugin of the plugin folder for
/// `stage` (`CR_PLUGIN_STAGE__*`). Returns 0, or -1 when any plugin failed,
/// in which case none stays loaded.
#[unsafe(no_mangle)]
pub extern "C" fn cr_plugin_init(stage: c_int) -> c_int {
    match loader::init(stage) {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

/// Calls every plugin's `exit(stage, ret)` in load order and unloads it.
/// Harmless before `cr_plugin_init` and when called twice.
#[unsafe(no_mangle)]
pub extern "C" fn cr_plugin_fini(stage: c_int, ret: c_int) {
    loader::fini(stage, ret);
}

/// The file descriptor of the images folder, for plugins: the one given to
/// `cr_plugin_set_image_dir_fd`, else CRIU's `get_service_fd(IMG_FD_OFF)`,
/// else -1.
#[unsafe(no_mangle)]
pub extern "C" fn criu_get_image_dir() -> c_int {
    host::image_dir_fd()
}

/// Sets the plugin folder for hosts that have no CRIU `opts` (NULL clears
/// it). CRIU's `--libdir` still comes first where it exists.
///
/// # Safety
/// `dir` is NULL or a NUL-terminated string; it is copied.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cr_plugin_set_libdir(dir: *const c_char) {
    // SAFETY: caller's contract.
    let dir = (!dir.is_null()).then(|| unsafe { CStr::from_ptr(dir) }.to_owned());
    host::set_libdir(dir);
}

/// Sets the descriptor `criu_get_image_dir()` returns (-1: none).
#[unsafe(no_mangle)]
pub extern "C" fn cr_plugin_set_image_dir_fd(fd: c_int) {
    host::set_image_dir_fd(fd);
}

/// Turns strict mode on (non-zero) or off (0), overriding the environment
/// variable `CRIU_PLUGIN_STRICT`. In strict mode, plugin files or folders
/// writable by others and plugins with unresolvable symbols are refused
/// instead of warned about. Takes effect at the next `cr_plugin_init`.
#[unsafe(no_mangle)]
pub extern "C" fn cr_plugin_set_strict(on: c_int) {
    policy::set_strict(on != 0);
}

/// Sets the plugins not to load, for every later `cr_plugin_init`: a
/// comma-separated list of plugin names (a descriptor's `name`) or file
/// names in the plugin folder. A named plugin is never opened, so none of
/// its code runs. It overrides the environment variable `CRIU_PLUGIN_SKIP`;
/// NULL defers to the variable again, "" skips nothing.
///
/// # Safety
/// `list` is NULL or a NUL-terminated string; it is copied.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cr_plugin_set_skip(list: *const c_char) -> c_int {
    if list.is_null() {
        policy::set_skip(None);
        return 0;
    }
    // SAFETY: caller's contract.
    let list = unsafe { CStr::from_ptr(list) };
    match crate::fallible::try_cstring(list) {
        Ok(list) => {
            policy::set_skip(Some(list));
            0
        }
        Err(_) => -1,
    }
}

/// Registers a plugin compiled into the host. At every `cr_plugin_init` it
/// is checked, initialised and chained like a loaded plugin, before the
/// plugins of the folder, in registration order; it is never `dlclose`d.
/// Returns 0, or -1 for a NULL descriptor or one already registered.
///
/// # Safety
/// `desc` points to a `cr_plugin_desc_t` that lives as long as the process.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cr_plugin_register_builtin(desc: *const CrPluginDesc) -> c_int {
    match NonNull::new(desc.cast_mut()) {
        Some(desc) if loader::register_builtin(desc) => 0,
        _ => -1,
    }
}

/// The folder used when neither `--libdir` nor `CRIU_LIBS_DIR` names one,
/// as fixed at build time.
#[unsafe(no_mangle)]
pub extern "C" fn cr_plugin_default_dir() -> *const c_char {
    static DIR: &CStr = match CStr::from_bytes_with_nul(
        concat!(env!("CRIU_PLUGIN_DEFAULT_DIR"), "\0").as_bytes(),
    ) {
        Ok(s) => s,
        Err(_) => panic!("CRIU_PLUGIN_DEFAULT_DIR holds a NUL"),
    };
    DIR.as_ptr()
}

/// The offset at which the library reads and writes `opts.libdir` (CRIU's
/// `--libdir`) in this process: the offset of `libdir` in the layout of
/// CRIU's `struct cr_options` that the size of the host's `opts` matches
/// (`cr_plugin_opts_layouts`); `SIZE_MAX` when the process has no `opts`,
/// or one of a size the library knows no layout for, whose `opts` it
/// neither reads nor writes.
#[unsafe(no_mangle)]
pub extern "C" fn cr_plugin_opts_libdir_offset() -> usize {
    host::host().opts_libdir_offset().unwrap_or(usize::MAX)
}

/// The layouts of CRIU's `struct cr_options` the library knows, those
/// verified on CRIU releases first, then those added at build time
/// (`CRIU_OPTS_LAYOUTS=SIZE:OFFSET,...`): the library reads and writes
/// `opts.libdir` only when the size of the host's `opts` is one of these
/// sizes, at its offset. Stores, for each entry `i` below `n`, its size in
/// `sizes[i]` and the offset of `libdir` in `offsets[i]` (either array may
/// be NULL: not stored); returns the number of entries, which may be more
/// than `n`: call with `n` = 0 to count them.
///
/// # Safety
/// `sizes` and `offsets` are each NULL or point to `n` writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cr_plugin_opts_layouts(
    sizes: *mut usize,
    offsets: *mut usize,
    n: usize,
) -> usize {
    let mut count = 0;
    for (i, layout) in host::opts_layouts().enumerate() {
        if i < n {
            // SAFETY: caller's contract: a non-NULL array holds n entries,
            // and i < n.
            unsafe {
                if !sizes.is_null() {
                    sizes.add(i).write(layout.size);
                }
                if !offsets.is_null() {
                    offsets.add(i).write(layout.libdir);
                }
            }
        }
        count += 1;
    }
    count
}

/// Measures the host's `cr_plugin_ctl` as soon as the library is loaded
/// (the dynamic linker has done every relocation by then), so hook calls
/// before the first `cr_plugin_init` never read past a smaller copy.
#[used]
#[unsafe(link_section = ".init_array")]
static MEASURE_AT_LOAD: extern "C" fn() = {
    extern "C" fn measure_at_load() {
        ctl::measure_host_chains();
        ctl::init_extra_chains();
        dispatch::refresh_fast_path();
    }
    measure_at_load
};

macro_rules! typed_exports {
    ($(($num:literal, $variant:ident, $cname:literal, $legacy:literal, $typed:ident,
        ($($arg:ident: $argty:ty),*), $cargs:literal, $since:literal)),* $(,)?) => {
        [$(crate::dispatch::$typed as *const ()),*]
    };
}

/// The C entry points by address, for a program that links the library
/// statically and exports them to the plugins it opens (`probe::c_exports`).
pub(crate) fn exports() -> [&'static [*const ()]; 2] {
    [&C_ENTRY_POINTS.0, &TYPED.0]
}

/// Raw addresses are `Sync` here: they are only compared, never called.
struct Addresses<const N: usize>([*const (); N]);
// SAFETY: the addresses are plain numbers to the holder; nothing is shared.
unsafe impl<const N: usize> Sync for Addresses<N> {}

static C_ENTRY_POINTS: Addresses<12> = Addresses([
    cr_plugin_init as *const (),
    cr_plugin_fini as *const (),
    criu_get_image_dir as *const (),
    cr_plugin_set_libdir as *const (),
    cr_plugin_set_image_dir_fd as *const (),
    cr_plugin_set_strict as *const (),
    cr_plugin_set_skip as *const (),
    cr_plugin_register_builtin as *const (),
    cr_plugin_default_dir as *const (),
    cr_plugin_opts_libdir_offset as *const (),
    cr_plugin_opts_layouts as *const (),
    &raw const crate::ctl::cr_plugin_ctl as *const (),
]);

static TYPED: Addresses<{ crate::abi::CR_PLUGIN_HOOK__MAX }> =
    Addresses(for_each_hook!(typed_exports));
