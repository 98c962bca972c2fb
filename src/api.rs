//! The Rust API over the same registry the C ABI uses.
//!
//! ```no_run
//! use criu_plugin::api::{self, Answer, Stage};
//! api::init(Stage::Dump)?;
//! for p in api::plugins() {
//!     println!("{} {} {:?}", p.name, p.version, p.hooks);
//! }
//! if let Answer::Handled(rc) = api::pause_devices(1234) {
//!     println!("a plugin paused the devices: {rc}");
//! }
//! api::fini(Stage::Dump, 0);
//! # Ok::<(), criu_plugin::InitError>(())
//! ```

use crate::descriptor::Version;
use crate::dispatch::{self, DECLINED};
use crate::hooks::HookSet;
use crate::registry;
use crate::{host, loader, policy, reentry};
use std::ffi::{CStr, CString, c_char, c_int};
use std::path::PathBuf;

pub use crate::loader::InitError;

/// The stage a plugin session serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `criu dump`.
    Dump,
    /// `criu pre-dump`.
    PreDump,
    /// `criu restore`.
    Restore,
}

impl Stage {
    /// The C value (`CR_PLUGIN_STAGE__*`).
    pub const fn as_c(self) -> c_int {
        match self {
            Stage::Dump => crate::abi::stage::DUMP,
            Stage::PreDump => crate::abi::stage::PRE_DUMP,
            Stage::Restore => crate::abi::stage::RESTORE,
        }
    }
}

/// What a hook chain answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// No plugin has the hook, or every one answered `-ENOTSUP`.
    Declined,
    /// The first plugin that did not decline returned this.
    Handled(i32),
}

impl From<c_int> for Answer {
    fn from(rc: c_int) -> Answer {
        if rc == DECLINED {
            Answer::Declined
        } else {
            Answer::Handled(rc)
        }
    }
}

/// Loads every plugin for `stage` (see `cr_plugin_init`). Refused while a
/// [`Session`] is open.
pub fn init(stage: Stage) -> Result<(), InitError> {
    loader::init(stage.as_c())
}

/// Finalises and unloads every plugin (see `cr_plugin_fini`). Refused
/// while a [`Session`] is open (the session's end does it).
pub fn fini(stage: Stage, ret: i32) {
    loader::fini(stage.as_c(), ret)
}

/// A path holding a NUL byte, which no C string can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NulInPath(pub PathBuf);

impl std::fmt::Display for NulInPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the path {:?} holds a NUL byte", self.0)
    }
}

impl std::error::Error for NulInPath {}

/// Sets the plugin folder for a host without CRIU's `opts`; `None` clears
/// it. A path with a NUL byte is an error, and the setting stays as it was.
pub fn set_libdir(dir: Option<&std::path::Path>) -> Result<(), NulInPath> {
    use std::os::unix::ffi::OsStrExt;
    let dir = match dir {
        None => None,
        Some(d) => {
            Some(CString::new(d.as_os_str().as_bytes()).map_err(|_| NulInPath(d.to_path_buf()))?)
        }
    };
    host::set_libdir(dir);
    Ok(())
}

/// Sets the descriptor `criu_get_image_dir()` gives plugins.
pub fn set_image_dir_fd(fd: i32) {
    host::set_image_dir_fd(fd)
}

/// Turns strict mode on or off (see `cr_plugin_set_strict`).
pub fn set_strict(on: bool) {
    policy::set_strict(on)
}

/// Sets the plugins not to load (see `cr_plugin_set_skip`): names of
/// plugins or of files in the plugin folder; `None` defers to
/// `CRIU_PLUGIN_SKIP` again.
pub fn set_skip<'a>(names: Option<impl IntoIterator<Item = &'a str>>) {
    let list = names.map(|n| {
        let joined = n.into_iter().collect::<Vec<_>>().join(",");
        CString::new(joined.replace('\0', "")).unwrap_or_default()
    });
    policy::set_skip(list);
}

/// A loaded plugin, as seen from Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginInfo {
    /// The descriptor's name (the path, for a legacy plugin).
    pub name: String,
    /// The file it came from; `None` for a built-in plugin.
    pub path: Option<PathBuf>,
    /// The interface version it was built for, e.g. `0.2.0`.
    pub version: Version,
    /// The hooks it is chained for.
    pub hooks: HookSet,
    /// Whether it is a legacy plugin (no `CR_PLUGIN_DESC`).
    pub legacy: bool,
}

/// The loaded plugins, in load order (none while called from plugin code
/// that `init` or `fini` runs: the list is changing).
pub fn plugins() -> Vec<PluginInfo> {
    use std::os::unix::ffi::OsStrExt;
    if reentry::inside() {
        return Vec::new();
    }
    let reg = registry::read();
    reg.plugins
        .iter()
        .map(|p| PluginInfo {
            name: p.name().map_or_else(
                || "(built-in)".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            ),
            path: p
                .path()
                .map(|path| std::ffi::OsStr::from_bytes(path.to_bytes()).into()),
            // SAFETY: the plugin is loaded while the read guard is held.
            version: Version(unsafe { (*p.desc()).version }),
            hooks: p.hooks(),
            legacy: reg.is_legacy(p),
        })
        .collect()
}

/// Runs `call` with the registry held for reading, so no other thread can
/// unload a plugin in the middle of a hook call. From plugin code that the
/// loader runs (this thread holds the registry already) the chains are
/// stable and the call goes ahead without the lock.
fn locked<T>(call: impl FnOnce() -> T) -> T {
    if reentry::inside() {
        return call();
    }
    let _guard = registry::read();
    call()
}

/// The plugins of one operation, loaded by [`Session::init`] and finalised
/// when the session ends ([`Session::finish`], or drop). While a session is
/// open every other `cr_plugin_init`/`cr_plugin_fini` (and [`init`] and
/// [`fini`]) is refused, so its hook calls need no lock: each is the chain
/// walk alone, as fast as CRIU's `run_plugins`. One session at a time, used
/// from the thread that opened it (it is neither `Send` nor `Sync`).
///
/// ```no_run
/// use criu_plugin::api::{Answer, Session, Stage};
/// let session = Session::init(Stage::Dump)?;
/// if let Answer::Handled(rc) = session.pause_devices(1234) {
///     println!("a plugin paused the devices: {rc}");
/// }
/// session.finish(0);
/// # Ok::<(), criu_plugin::InitError>(())
/// ```
#[derive(Debug)]
pub struct Session {
    stage: Stage,
    /// Keeps the session on its thread.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Session {
    /// Loads every plugin for `stage`; fails when a session is open already
    /// or the plugins do not load (see `cr_plugin_init`).
    pub fn init(stage: Stage) -> Result<Session, InitError> {
        loader::start_session()?;
        match loader::init_unchecked(stage.as_c()) {
            Ok(()) => Ok(Session {
                stage,
                _not_send: std::marker::PhantomData,
            }),
            Err(e) => {
                loader::end_session();
                Err(e)
            }
        }
    }

    /// The loaded plugins, in load order.
    pub fn plugins(&self) -> Vec<PluginInfo> {
        plugins()
    }

    /// Ends the session: every plugin's `exit(stage, ret)`, then unloads
    /// them (`ret`: the operation's result, 0 for success).
    pub fn finish(self, ret: i32) {
        self.end(ret);
        std::mem::forget(self);
    }

    fn end(&self, ret: i32) {
        loader::fini_unchecked(self.stage.as_c(), ret);
        loader::end_session();
    }
}

impl Drop for Session {
    /// A session dropped without [`Session::finish`] ends as a failed
    /// operation: `exit(stage, -1)`.
    fn drop(&mut self) {
        self.end(-1);
    }
}

macro_rules! safe_hook {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) => $c:ident) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) -> Answer {
            // SAFETY: the arguments are plain values; the read guard keeps
            // the chains stable.
            locked(|| unsafe { dispatch::$c($($arg),*) }).into()
        }

        impl Session {
            $(#[$doc])*
            #[inline]
            pub fn $name(&self, $($arg: $ty),*) -> Answer {
                // SAFETY: the arguments are plain values; while the session
                // is open no init or fini can change the chains, and it is
                // used from its own thread only.
                unsafe { dispatch::$c($($arg),*) }.into()
            }
        }
    };
}

safe_hook!(/// `DUMP_UNIX_SK(fd, id)`.
    dump_unix_sk(fd: i32, id: i32) => cr_plugin_run_dump_unix_sk);
safe_hook!(/// `RESTORE_UNIX_SK(id)`.
    restore_unix_sk(id: i32) => cr_plugin_run_restore_unix_sk);
safe_hook!(/// `DUMP_EXT_FILE(fd, id)`.
    dump_ext_file(fd: i32, id: i32) => cr_plugin_run_dump_ext_file);
safe_hook!(/// `RESUME_DEVICES_LATE(pid)`.
    resume_devices_late(pid: i32) => cr_plugin_run_resume_devices_late);
safe_hook!(/// `PAUSE_DEVICES(pid)`.
    pause_devices(pid: i32) => cr_plugin_run_pause_devices);
safe_hook!(/// `CHECKPOINT_DEVICES(pid)`.
    checkpoint_devices(pid: i32) => cr_plugin_run_checkpoint_devices);
safe_hook!(/// `POST_FORKING()`.
    post_forking() => cr_plugin_run_post_forking);
safe_hook!(/// `RESTORE_INIT()`.
    restore_init() => cr_plugin_run_restore_init);
safe_hook!(/// `DUMP_DEVICES_LATE(id)`.
    dump_devices_late(id: i32) => cr_plugin_run_dump_devices_late);

/// `RESTORE_EXT_FILE(id, &retry_needed)`: the answer and whether the
/// plugin asked to be called again later.
pub fn restore_ext_file(id: i32) -> (Answer, bool) {
    // SAFETY: the read guard keeps the chains stable.
    locked(|| unsafe { raw::restore_ext_file(id) })
}

/// `HANDLE_DEVICE_VMA(fd, &stat)`.
pub fn handle_device_vma(fd: i32, stat: &libc::stat) -> Answer {
    // SAFETY: as above.
    locked(|| unsafe { raw::handle_device_vma(fd, stat) })
}

/// `UPDATE_VMA_MAP(path, addr, old_pgoff, &new_pgoff, &plugin_fd)`: the
/// answer, the new page offset and the descriptor the plugin gave.
pub fn update_vma_map(path: &CStr, addr: u64, old_pgoff: u64) -> (Answer, u64, i32) {
    // SAFETY: as above.
    locked(|| unsafe { raw::update_vma_map(path, addr, old_pgoff) })
}

/// The hook calls with out-parameters, shared by the free functions and
/// [`Session`]; each caller keeps the chains stable.
mod raw {
    use super::{Answer, dispatch};
    use std::ffi::CStr;

    /// # Safety
    /// No init or fini changes the chains during the call.
    pub(super) unsafe fn restore_ext_file(id: i32) -> (Answer, bool) {
        let mut retry = false;
        // SAFETY: `retry` outlives the call; the caller keeps the chains.
        let rc = unsafe { dispatch::cr_plugin_run_restore_ext_file(id, &mut retry) };
        (rc.into(), retry)
    }

    /// # Safety
    /// As [`restore_ext_file`].
    pub(super) unsafe fn handle_device_vma(fd: i32, stat: &libc::stat) -> Answer {
        // SAFETY: `stat` is valid for the call; the caller keeps the chains.
        unsafe { dispatch::cr_plugin_run_handle_device_vma(fd, stat) }.into()
    }

    /// # Safety
    /// As [`restore_ext_file`].
    pub(super) unsafe fn update_vma_map(
        path: &CStr,
        addr: u64,
        old_pgoff: u64,
    ) -> (Answer, u64, i32) {
        let (mut new_pgoff, mut plugin_fd) = (old_pgoff, -1);
        // SAFETY: `path` is a C string and the out-parameters outlive the
        // call; the caller keeps the chains.
        let rc = unsafe {
            dispatch::cr_plugin_run_update_vma_map(
                path.as_ptr(),
                addr,
                old_pgoff,
                &mut new_pgoff,
                &mut plugin_fd,
            )
        };
        (rc.into(), new_pgoff, plugin_fd)
    }
}

/// `DUMP_EXT_MOUNT(mountpoint, id)`.
///
/// # Safety
/// Plugins may write into `mountpoint`; it must be a writable C string
/// buffer as large as CRIU's (PATH_MAX).
pub unsafe fn dump_ext_mount(mountpoint: *mut c_char, id: i32) -> Answer {
    // SAFETY: caller's contract.
    locked(|| unsafe { dispatch::cr_plugin_run_dump_ext_mount(mountpoint, id) }).into()
}

/// `RESTORE_EXT_MOUNT(id, mountpoint, old_root, &is_file)`.
///
/// # Safety
/// As [`dump_ext_mount`], for both strings.
pub unsafe fn restore_ext_mount(
    id: i32,
    mountpoint: *mut c_char,
    old_root: *mut c_char,
    is_file: &mut i32,
) -> Answer {
    // SAFETY: caller's contract.
    locked(|| unsafe {
        dispatch::cr_plugin_run_restore_ext_mount(id, mountpoint, old_root, is_file)
    })
    .into()
}

/// `DUMP_EXT_LINK(index, type, kind)`.
///
/// # Safety
/// As [`dump_ext_mount`], for `kind`.
pub unsafe fn dump_ext_link(index: i32, type_: i32, kind: *mut c_char) -> Answer {
    // SAFETY: caller's contract.
    locked(|| unsafe { dispatch::cr_plugin_run_dump_ext_link(index, type_, kind) }).into()
}

impl Session {
    /// `RESTORE_EXT_FILE(id, &retry_needed)`: the answer and whether the
    /// plugin asked to be called again later.
    pub fn restore_ext_file(&self, id: i32) -> (Answer, bool) {
        // SAFETY: the session keeps the chains.
        unsafe { raw::restore_ext_file(id) }
    }

    /// `HANDLE_DEVICE_VMA(fd, &stat)`.
    pub fn handle_device_vma(&self, fd: i32, stat: &libc::stat) -> Answer {
        // SAFETY: the session keeps the chains.
        unsafe { raw::handle_device_vma(fd, stat) }
    }

    /// `UPDATE_VMA_MAP(path, addr, old_pgoff, &new_pgoff, &plugin_fd)`: the
    /// answer, the new page offset and the descriptor the plugin gave.
    pub fn update_vma_map(&self, path: &CStr, addr: u64, old_pgoff: u64) -> (Answer, u64, i32) {
        // SAFETY: the session keeps the chains.
        unsafe { raw::update_vma_map(path, addr, old_pgoff) }
    }
}
