//! The host bridge: what the loader needs from the program it runs in.
//!
//! Inside CRIU (linked `-rdynamic`) the loader reads `opts.libdir`, calls
//! `get_service_fd(IMG_FD_OFF)`, `check_inventory_plugins()` and logs through
//! `print_on_level`. Every one of these is looked up at run time, so the same
//! library also works in a CRIU that lacks some of them (3.17 has no inventory
//! check) and in a plain C program, which uses the setters in `capi` instead.

use crate::dl;
use crate::fallible::{OutOfMemory, try_cstring};
use std::ffi::{CStr, CString, c_char, c_int, c_uint};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

/// Offset of `char *libdir` in CRIU's `struct cr_options` (160 in CRIU 4.1.1
/// and 4.2), fixed at build time with `CRIU_OPTS_LIBDIR_OFFSET`.
pub(crate) const OPTS_LIBDIR_OFFSET: usize = parse_usize(env!("CRIU_PLUGIN_OPTS_LIBDIR_OFFSET"));

/// The folder used when neither `--libdir` nor `CRIU_LIBS_DIR` names one,
/// fixed at build time with `CRIU_PLUGIN_DEFAULT_DIR` (CRIU's `CR_PLUGIN_DEFAULT`).
pub const DEFAULT_PLUGIN_DIR: &str = env!("CRIU_PLUGIN_DEFAULT_DIR");

/// CRIU's service descriptor number for the images folder (`IMG_FD_OFF`).
pub(crate) const IMG_FD_OFF: c_int = 2;

const fn parse_usize(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut value = 0usize;
    let mut i = 0;
    assert!(!bytes.is_empty(), "empty number");
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "CRIU_OPTS_LIBDIR_OFFSET must be a decimal number"
        );
        value = value * 10 + (bytes[i] - b'0') as usize;
        i += 1;
    }
    value
}

type PrintOnLevel = unsafe extern "C" fn(c_uint, *const c_char, ...);
type LogGetLoglevel = unsafe extern "C" fn() -> c_uint;
type GetServiceFd = unsafe extern "C" fn(c_int) -> c_int;
type CheckInventoryPlugins = unsafe extern "C" fn() -> c_int;

/// The host's functions and data, as found in the global scope.
#[derive(Debug)]
pub(crate) struct Host {
    print_on_level: Option<PrintOnLevel>,
    log_get_loglevel: Option<LogGetLoglevel>,
    get_service_fd: Option<GetServiceFd>,
    check_inventory_plugins: Option<CheckInventoryPlugins>,
    /// Address of `opts.libdir`, when the host exports an `opts` large
    /// enough to hold it.
    opts_libdir: Option<usize>,
    /// Size of an `opts` found too small to hold `libdir` (reported by the
    /// loader; discovery itself must not log, the logger uses it).
    pub opts_too_small: Option<usize>,
}

/// The host, looked up once: the executable does not change.
pub(crate) fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(Host::discover)
}

macro_rules! host_fn {
    ($name:literal, $ty:ty) => {
        // SAFETY: a host that exports this CRIU name gives it CRIU's
        // signature; that is the contract of linking CRIU with -rdynamic.
        dl::global_symbol($name)
            .map(|p| unsafe { std::mem::transmute::<*mut std::ffi::c_void, $ty>(p.as_ptr()) })
    };
}

impl Host {
    fn discover() -> Host {
        let opts = find_opts_libdir();
        Host {
            print_on_level: host_fn!(c"print_on_level", PrintOnLevel),
            log_get_loglevel: host_fn!(c"log_get_loglevel", LogGetLoglevel),
            get_service_fd: host_fn!(c"get_service_fd", GetServiceFd),
            check_inventory_plugins: host_fn!(c"check_inventory_plugins", CheckInventoryPlugins),
            opts_libdir: opts.ok().flatten(),
            opts_too_small: opts.err(),
        }
    }

    /// Whether the host has CRIU's logger.
    pub(crate) fn has_criu_log(&self) -> bool {
        self.print_on_level.is_some()
    }

    /// CRIU's current log level (0..=4), when the host says.
    pub(crate) fn log_level(&self) -> Option<u32> {
        // SAFETY: CRIU's log_get_loglevel takes nothing and returns a number.
        self.log_get_loglevel.map(|f| unsafe { f() })
    }

    /// Writes one line (which must end in a newline) to CRIU's log at
    /// `level`. Returns false when the host has no CRIU logger.
    pub(crate) fn print(&self, level: c_uint, line: &CStr) -> bool {
        match self.print_on_level {
            Some(print) => {
                // SAFETY: "%s" consumes exactly the one string argument given.
                unsafe { print(level, c"%s".as_ptr(), line.as_ptr()) };
                true
            }
            None => false,
        }
    }

    /// `get_service_fd(IMG_FD_OFF)`, when the host has it.
    pub(crate) fn image_dir_fd(&self) -> Option<c_int> {
        // SAFETY: CRIU's get_service_fd takes a service number, returns an fd or -1.
        self.get_service_fd.map(|f| unsafe { f(IMG_FD_OFF) })
    }

    /// Runs CRIU's `check_inventory_plugins()`: `None` when the host has
    /// none (CRIU before 4.1), else its result (non-zero: a plugin the
    /// images need did not load).
    pub(crate) fn check_inventory_plugins(&self) -> Option<c_int> {
        // SAFETY: CRIU's check_inventory_plugins takes nothing and returns int.
        self.check_inventory_plugins.map(|f| unsafe { f() })
    }

    /// The folder CRIU was given with `--libdir`, if any.
    pub(crate) fn opts_libdir(&self) -> Option<Result<CString, OutOfMemory>> {
        let slot = self.opts_libdir? as *const *const c_char;
        // SAFETY: find_opts_libdir checked that `opts` is a data symbol at
        // least OPTS_LIBDIR_OFFSET + 8 bytes long, and the offset is CRIU's
        // layout for the version this library was built for. CRIU keeps a
        // NULL or a NUL-terminated heap string there.
        unsafe {
            let value = slot.read();
            (!value.is_null()).then(|| try_cstring(CStr::from_ptr(value)))
        }
    }

    /// Writes the chosen folder back to `opts.libdir`, as CRIU's own loader
    /// does, when the host has `opts` and the field is still NULL.
    pub(crate) fn record_libdir(&self, dir: &CStr) {
        let Some(slot) = self.opts_libdir else { return };
        let slot = slot as *mut *mut c_char;
        // SAFETY: see opts_libdir. The string is malloc'd (strdup) because
        // CRIU frees or replaces option strings with free().
        unsafe {
            if slot.read().is_null() {
                slot.write(libc::strdup(dir.as_ptr()));
            }
        }
    }
}

/// Finds `opts.libdir`: `Ok(None)` when the host has no `opts`, `Err(size)`
/// for an `opts` too small to hold it (a host that is not CRIU, or a CRIU
/// with another layout).
fn find_opts_libdir() -> Result<Option<usize>, usize> {
    let Some(opts) = dl::global_symbol(c"opts") else {
        return Ok(None);
    };
    let size = dl::symbol_size(opts.as_ptr() as usize, c"opts").unwrap_or(0);
    if size < OPTS_LIBDIR_OFFSET + std::mem::size_of::<*const c_char>() {
        return Err(size);
    }
    Ok(Some(opts.as_ptr() as usize + OPTS_LIBDIR_OFFSET))
}

/// Settings a host without CRIU's symbols gives through the C setters.
static LIBDIR_SETTING: Mutex<Option<CString>> = Mutex::new(None);
static IMAGE_DIR_FD_SETTING: AtomicI32 = AtomicI32::new(-1);

/// Sets (or, with `None`, clears) the plugin folder for hosts without `opts`.
pub(crate) fn set_libdir(dir: Option<CString>) {
    *LIBDIR_SETTING.lock().unwrap_or_else(|e| e.into_inner()) = dir;
}

/// The folder set with [`set_libdir`].
pub(crate) fn libdir_setting() -> Result<Option<CString>, OutOfMemory> {
    LIBDIR_SETTING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_deref()
        .map(try_cstring)
        .transpose()
}

/// Sets the images folder descriptor `criu_get_image_dir` returns (-1: unset).
pub(crate) fn set_image_dir_fd(fd: c_int) {
    IMAGE_DIR_FD_SETTING.store(fd, Ordering::Relaxed);
}

/// What `criu_get_image_dir()` answers: the setter's descriptor if one was
/// set, else CRIU's service descriptor, else -1.
pub(crate) fn image_dir_fd() -> c_int {
    let set = IMAGE_DIR_FD_SETTING.load(Ordering::Relaxed);
    if set >= 0 {
        return set;
    }
    host().image_dir_fd().unwrap_or(-1)
}

/// Whether the process runs in secure-execution mode (set-user-ID,
/// set-group-ID or file capabilities), where the environment must not
/// choose what code runs.
pub fn secure_execution() -> bool {
    // SAFETY: getauxval only reads the auxiliary vector.
    unsafe { libc::getauxval(libc::AT_SECURE) != 0 }
}
