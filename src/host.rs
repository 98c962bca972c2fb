//! The host bridge: what the loader needs from the program it runs in.
//!
//! Inside CRIU (linked `-rdynamic`) the loader reads `opts.libdir`, calls
//! `get_service_fd(IMG_FD_OFF)`, `check_inventory_plugins()` and logs through
//! `print_on_level`. Every one of these is looked up at run time, so the same
//! library also works in a CRIU that lacks some of them (3.17 has no inventory
//! check) and in a plain C program, which uses the setters in `capi` instead.
//!
//! `opts` is CRIU's private `struct cr_options`, whose layout changes
//! between releases. The library touches `opts.libdir` only when the size
//! of the host's `opts` (from the executable's dynamic symbol table) is
//! exactly one of the layouts it knows (`opts_layouts.rs`, plus those added
//! at build time with `CRIU_OPTS_LAYOUTS`), at that layout's offset; any
//! other `opts` is neither read nor written.

use crate::dl;
use crate::fallible::{OutOfMemory, try_cstring};
use std::ffi::{CStr, CString, c_char, c_int, c_uint};
use std::fmt;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

include!("opts_layouts.rs");
include!(concat!(env!("OUT_DIR"), "/opts_layouts_build.rs"));

/// Every layout of CRIU's `struct cr_options` this build knows: the
/// verified ones, then those added with `CRIU_OPTS_LAYOUTS`. Each size is
/// there once (build.rs refuses a second offset for a size).
pub(crate) fn opts_layouts() -> impl Iterator<Item = &'static OptsLayout> {
    VERIFIED_OPTS_LAYOUTS.iter().chain(BUILD_OPTS_LAYOUTS)
}

/// Every layout's `libdir` is 8-aligned and its 8 bytes inside the struct
/// (build.rs says so for `CRIU_OPTS_LAYOUTS`; this holds the build to it).
const LAYOUTS_FIT: () = {
    let tables = [VERIFIED_OPTS_LAYOUTS, BUILD_OPTS_LAYOUTS];
    let mut t = 0;
    while t < tables.len() {
        let mut i = 0;
        while i < tables[t].len() {
            let l = tables[t][i];
            assert!(l.libdir % 8 == 0 && l.libdir + 8 <= l.size);
            i += 1;
        }
        t += 1;
    }
};

/// The layout whose `struct cr_options` is `size` bytes, if this build
/// knows one.
fn layout_of_size(size: usize) -> Option<&'static OptsLayout> {
    let () = LAYOUTS_FIT;
    opts_layouts().find(|l| l.size == size)
}

/// The folder used when neither `--libdir` nor `CRIU_LIBS_DIR` names one,
/// fixed at build time with `CRIU_PLUGIN_DEFAULT_DIR` (CRIU's `CR_PLUGIN_DEFAULT`).
pub const DEFAULT_PLUGIN_DIR: &str = env!("CRIU_PLUGIN_DEFAULT_DIR");

/// CRIU's service descriptor number for the images folder (`IMG_FD_OFF`).
pub(crate) const IMG_FD_OFF: c_int = 2;

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
    /// What the host's `opts` is.
    opts: Opts,
}

/// The host's `opts`, as found (discovery does not log: the logger itself
/// uses the host; the loader reports it, [`Host::opts_report`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opts {
    /// No `opts` in the global scope: a host that is not CRIU.
    Absent,
    /// An `opts` whose size is a layout this build knows: `libdir` is at
    /// `addr`.
    Known {
        addr: usize,
        layout: &'static OptsLayout,
    },
    /// An `opts` of a size this build knows no layout for (`None`: its
    /// symbol has no size): it is neither read nor written.
    Unknown { size: Option<usize> },
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
        Host {
            print_on_level: host_fn!(c"print_on_level", PrintOnLevel),
            log_get_loglevel: host_fn!(c"log_get_loglevel", LogGetLoglevel),
            get_service_fd: host_fn!(c"get_service_fd", GetServiceFd),
            check_inventory_plugins: host_fn!(c"check_inventory_plugins", CheckInventoryPlugins),
            opts: find_opts(),
        }
    }

    /// The offset at which `opts.libdir` is read and written in this
    /// process: the offset of the known layout the host's `opts` has, else
    /// `None` (no `opts`, or one of a size this build knows no layout for).
    pub(crate) fn opts_libdir_offset(&self) -> Option<usize> {
        match self.opts {
            Opts::Known { layout, .. } => Some(layout.libdir),
            Opts::Absent | Opts::Unknown { .. } => None,
        }
    }

    /// What the loader says of the host's `opts` at each `cr_plugin_init`:
    /// the layout it uses (debug), or a warning for an `opts` it does not
    /// touch; nothing for a host without `opts`. The text is formatted when
    /// logged, without allocating.
    pub(crate) fn opts_report(&self) -> Option<(log::Level, OptsReport)> {
        match self.opts {
            Opts::Absent => None,
            Opts::Known { .. } => Some((log::Level::Debug, OptsReport(self.opts))),
            Opts::Unknown { .. } => Some((log::Level::Warn, OptsReport(self.opts))),
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
        let Opts::Known { addr, .. } = self.opts else {
            return None;
        };
        let slot = addr as *const *const c_char;
        // SAFETY: find_opts found `opts` a defined symbol whose size is
        // exactly that of a layout of CRIU's struct cr_options this build
        // knows, and `addr` is that layout's libdir, whose 8 bytes are inside
        // the symbol (LAYOUTS_FIT checks every entry); it is read unaligned in
        // case a host's `opts` is not a struct. CRIU keeps a NULL or a
        // NUL-terminated heap string there.
        unsafe {
            let value = slot.read_unaligned();
            (!value.is_null()).then(|| try_cstring(CStr::from_ptr(value)))
        }
    }

    /// Writes the chosen folder back to `opts.libdir`, as CRIU's own loader
    /// does, when the host's `opts` has a known layout and the field is
    /// still NULL.
    pub(crate) fn record_libdir(&self, dir: &CStr) {
        let Opts::Known { addr, .. } = self.opts else {
            return;
        };
        let slot = addr as *mut *mut c_char;
        // SAFETY: see opts_libdir. The string is malloc'd (strdup) because
        // CRIU frees or replaces option strings with free().
        unsafe {
            if slot.read_unaligned().is_null() {
                slot.write_unaligned(libc::strdup(dir.as_ptr()));
            }
        }
    }
}

/// Finds the host's `opts` and tells whether its layout is known: by the
/// size of its symbol, exactly one of the table's.
fn find_opts() -> Opts {
    let Some(opts) = dl::global_symbol(c"opts") else {
        return Opts::Absent;
    };
    let addr = opts.as_ptr() as usize;
    let size = dl::symbol_size(addr, c"opts").filter(|&size| size != 0);
    match size.and_then(layout_of_size) {
        Some(layout) => Opts::Known {
            addr: addr + layout.libdir,
            layout,
        },
        None => Opts::Unknown { size },
    }
}

/// The loader's line about the host's `opts` ([`Host::opts_report`]): for
/// an `opts` this build knows no layout for, what was found, what the
/// loader does instead, and how to fix it.
pub(crate) struct OptsReport(Opts);

impl fmt::Display for OptsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = KnownSizes;
        let effect = "opts.libdir is neither read nor written, so --libdir is ignored; \
                      plugins come from the folder of cr_plugin_set_libdir(), CRIU_LIBS_DIR or the default";
        match self.0 {
            Opts::Absent => Ok(()),
            Opts::Known { layout, .. } if layout.releases.is_empty() => write!(
                f,
                "The host's `opts' is {} bytes: a layout added at build time (CRIU_OPTS_LAYOUTS); \
                 --libdir is read at offset {}",
                layout.size, layout.libdir
            ),
            Opts::Known { layout, .. } => write!(
                f,
                "The host's `opts' is {} bytes: the layout of CRIU {}; --libdir is read at offset {}",
                layout.size, layout.releases, layout.libdir
            ),
            Opts::Unknown { size: Some(size) } => write!(
                f,
                "The host's `opts' is {size} bytes, not a layout of CRIU's struct cr_options this library knows \
                 ({known} bytes): {effect}. To use --libdir with this CRIU, rebuild the library with \
                 CRIU_OPTS_LAYOUTS={size}:OFFSET, OFFSET from: \
                 gdb -batch -ex 'print (size_t)&((struct cr_options *)0)->libdir' criu; \
                 or pass the plugin folder in CRIU_LIBS_DIR"
            ),
            Opts::Unknown { size: None } => write!(
                f,
                "The host's `opts' has no size in its dynamic symbol table, so it cannot be matched with a layout \
                 of CRIU's struct cr_options this library knows ({known} bytes): {effect}. \
                 Pass the plugin folder in CRIU_LIBS_DIR"
            ),
        }
    }
}

/// The sizes of the known layouts, as "472, 504, 512".
struct KnownSizes;

impl fmt::Display for KnownSizes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, layout) in opts_layouts().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", layout.size)?;
        }
        Ok(())
    }
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

/// `getenv` without allocating.
pub(crate) fn env(name: &CStr) -> Option<&'static CStr> {
    // SAFETY: getenv returns NULL or a pointer into the environment, valid
    // until the environment changes; CRIU does not change it while the
    // loader runs, and callers copy what they keep.
    let value = unsafe { libc::getenv(name.as_ptr()) };
    // SAFETY: a non-NULL getenv result is a NUL-terminated string.
    (!value.is_null()).then(|| unsafe { CStr::from_ptr(value) })
}

/// Whether the process runs in secure-execution mode (set-user-ID,
/// set-group-ID or file capabilities), where the environment must not
/// choose what code runs.
pub fn secure_execution() -> bool {
    // SAFETY: getauxval only reads the auxiliary vector.
    unsafe { libc::getauxval(libc::AT_SECURE) != 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_size_has_one_layout() {
        let sizes: Vec<usize> = opts_layouts().map(|l| l.size).collect();
        let mut unique = sizes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), sizes.len(), "a size twice in {sizes:?}");
    }

    #[test]
    fn only_exact_sizes_match() {
        for size in [472, 504, 512] {
            assert_eq!(layout_of_size(size).map(|l| l.libdir), Some(160));
        }
        for size in [0, 168, 471, 473, 511, 513] {
            let extra = BUILD_OPTS_LAYOUTS.iter().any(|l| l.size == size);
            assert_eq!(layout_of_size(size).is_some(), extra, "{size}");
        }
    }

    #[test]
    fn warning_names_the_size_and_the_remedies() {
        let w = OptsReport(Opts::Unknown { size: Some(600) }).to_string();
        assert!(w.starts_with("The host's `opts' is 600 bytes, not a layout"));
        let known = match BUILD_OPTS_LAYOUTS {
            [] => "472, 504, 512".to_owned(),
            // Built with CRIU_OPTS_LAYOUTS: its sizes follow.
            extra => std::iter::once("472, 504, 512".to_owned())
                .chain(extra.iter().map(|l| l.size.to_string()))
                .collect::<Vec<_>>()
                .join(", "),
        };
        assert_eq!(KnownSizes.to_string(), known);
        assert!(w.contains(&format!("({known} bytes)")), "{w}");
        assert!(w.contains("--libdir is ignored"));
        assert!(w.contains("CRIU_OPTS_LAYOUTS=600:OFFSET"));
        assert!(
            w.contains("gdb -batch -ex 'print (size_t)&((struct cr_options *)0)->libdir' criu")
        );
        assert!(w.ends_with("or pass the plugin folder in CRIU_LIBS_DIR"));
        let w = OptsReport(Opts::Unknown { size: None }).to_string();
        assert!(w.starts_with("The host's `opts' has no size in its dynamic symbol table"));
        assert!(
            !w.contains("CRIU_OPTS_LAYOUTS"),
            "no size to rebuild with: {w}"
        );
        assert!(w.ends_with("Pass the plugin folder in CRIU_LIBS_DIR"));
    }

    #[test]
    fn reports_follow_the_lookup() {
        let known = Host {
            print_on_level: None,
            log_get_loglevel: None,
            get_service_fd: None,
            check_inventory_plugins: None,
            opts: Opts::Known {
                addr: 0,
                layout: &VERIFIED_OPTS_LAYOUTS[1],
            },
        };
        assert_eq!(known.opts_libdir_offset(), Some(160));
        let (level, text) = known.opts_report().unwrap();
        assert_eq!(level, log::Level::Debug);
        assert_eq!(
            text.to_string(),
            "The host's `opts' is 504 bytes: the layout of CRIU 3.18, 3.19, 4.0, 4.1, 4.1.1; --libdir is read at offset 160"
        );
        let unknown = Host {
            opts: Opts::Unknown { size: Some(600) },
            ..known
        };
        assert_eq!(unknown.opts_libdir_offset(), None);
        assert_eq!(unknown.opts_report().unwrap().0, log::Level::Warn);
        // No opts at all: nothing to say, nothing to read.
        let absent = Host {
            opts: Opts::Absent,
            ..unknown
        };
        assert_eq!(absent.opts_libdir_offset(), None);
        assert!(absent.opts_report().is_none());
        static ADDED: OptsLayout = OptsLayout {
            size: 600,
            libdir: 168,
            releases: "",
        };
        let added = Host {
            opts: Opts::Known {
                addr: 0,
                layout: &ADDED,
            },
            ..absent
        };
        assert_eq!(added.opts_libdir_offset(), Some(168));
        assert_eq!(
            added.opts_report().unwrap().1.to_string(),
            "The host's `opts' is 600 bytes: a layout added at build time (CRIU_OPTS_LAYOUTS); --libdir is read at offset 168"
        );
        assert!(absent.opts_libdir().is_none());
    }
}
