//! `cr_plugin_init` and `cr_plugin_fini`: finding the plugin folder, loading,
//! checking, initialising and chaining each plugin, rolling back on failure,
//! and unloading.
//!
//! Every step that can fail logs one line naming the file and the reason and
//! fails the whole init, which then unloads what it loaded. Memory running
//! out is such a failure: nothing on these paths allocates infallibly.

use crate::abi::{CR_PLUGIN_HOOK__MAX, CrPluginDesc, stage};
use crate::escape::Escaped;
use crate::fallible::OutOfMemory;
use crate::folder;
use crate::host::host;
use crate::name_index::NameIndex;
use crate::policy::SkipList;
use crate::reentry::{self, Running};
use crate::registry::{self, Accepted, Loaded, Registry};
use crate::{ctl, dispatch, logging, policy};
use std::ffi::{CStr, c_char, c_int};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

mod builtin;
mod error;
mod file;

pub(crate) use builtin::register as register_builtin;
pub use error::InitError;
use error::{fail, out_of_memory};

/// Whether a Rust [`crate::api::Session`] owns the loaded plugins: while
/// one does, its hook calls take no lock, so every other init and fini is
/// refused until it ends.
static SESSION: AtomicBool = AtomicBool::new(false);

/// Opens a session: `Err` when one is open already.
pub(crate) fn start_session() -> Result<(), InitError> {
    if SESSION
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return Err(fail(
            InitError::Refused,
            format_args!("A plugin session is open already: one at a time"),
        ));
    }
    Ok(())
}

/// Ends the session (after its fini, or its failed init).
pub(crate) fn end_session() {
    SESSION.store(false, Ordering::Release);
}

/// `cr_plugin_init(stage)`: loads every plugin, or none.
pub(crate) fn init(stage_value: c_int) -> Result<(), InitError> {
    if SESSION.load(Ordering::Acquire) {
        logging::install();
        return Err(fail(
            InitError::Refused,
            format_args!(
                "cr_plugin_init({stage_value}) while a Rust plugin session is open: refused"
            ),
        ));
    }
    init_unchecked(stage_value)
}

/// [`init`] for the open session.
pub(crate) fn init_unchecked(stage_value: c_int) -> Result<(), InitError> {
    logging::install();
    if let Err(refused) = reentry::check("cr_plugin_init") {
        return Err(fail(InitError::Refused, format_args!("{refused}")));
    }
    let mut reg = registry::write();
    let _busy = reentry::Busy::start();
    if !reg.plugins.is_empty() {
        log::warn!(
            "cr_plugin_init({stage_value}) called while {} plugins are still loaded; finalising them first",
            reg.plugins.len()
        );
        fini_locked(&mut reg, stage_value, -1);
    }
    let measured = ctl::measure_host_chains();
    if let Some(size) = measured.filter(|_| ctl::host_extra_chains() > 0) {
        log::debug!(
            "The host's cr_plugin_ctl is {size} bytes: {} hook chains past this library's {CR_PLUGIN_HOOK__MAX}, kept empty",
            ctl::host_extra_chains()
        );
    }
    if let Some(size) = measured.filter(|_| ctl::host_chains() < CR_PLUGIN_HOOK__MAX) {
        log::warn!(
            "The host's cr_plugin_ctl is {size} bytes: {} hook chains where this library has {CR_PLUGIN_HOOK__MAX}; plugins using hook {} or later are refused",
            ctl::host_chains(),
            ctl::host_chains()
        );
    }
    if let Some((level, what)) = host().opts_report() {
        log::log!(level, "{what}");
    }
    // The host's chains and CRIU's log level of this run.
    dispatch::refresh_fast_path();
    // SAFETY: the registry is empty, so no record is linked.
    unsafe { ctl::reset_lists() };
    policy::refresh_from_env();

    let result = load_all(&mut reg, stage_value);
    if result.is_err() {
        log::debug!(
            "Plugin initialisation failed; unloading {} plugins",
            reg.plugins.len()
        );
        fini_locked(&mut reg, stage_value, -1);
    }
    result
}

fn load_all(reg: &mut Registry, stage_value: c_int) -> Result<(), InitError> {
    reg.names.clear();
    let mut skip = SkipList::current()
        .map_err(|_| out_of_memory(format_args!("Unable to read the skip list")))?;
    let dir = folder::choose()
        .map_err(|_| out_of_memory(format_args!("Unable to choose the plugin folder")))?;
    builtin::load_all(reg, stage_value, dir.as_deref(), skip.as_mut())?;
    if let Some(path) = &dir {
        file::load_folder(reg, stage_value, path, skip.as_mut())?;
    }
    if let Some(skip) = &skip {
        skip.warn_unmatched(dir.as_deref());
    }
    if stage_value == stage::RESTORE {
        restore_checks()?;
    }
    Ok(())
}

/// Room for `more` plugins, so that recording a loaded plugin never fails.
pub(super) fn reserve(reg: &mut Registry, more: usize) -> Result<(), InitError> {
    reg.reserve(more)
        .map_err(|_| out_of_memory(format_args!("Unable to load {more} plugins")))
}

/// The restore stage's last steps: CRIU's inventory check (the images name
/// the plugins they need), then RESTORE_INIT.
fn restore_checks() -> Result<(), InitError> {
    let inventory = Running {
        who: std::ptr::null(),
        what: "the inventory check",
    };
    if let Some(rc) =
        reentry::running(inventory, || host().check_inventory_plugins()).filter(|&rc| rc != 0)
    {
        return Err(fail(
            InitError::Restore,
            format_args!(
                "check_inventory_plugins() failed ({rc}): the images need a plugin that did not load"
            ),
        ));
    }
    // SAFETY: the chains are well formed and only this thread changes them
    // (it holds the registry lock); RESTORE_INIT takes no arguments.
    let rc = unsafe {
        dispatch::walk_each(crate::hooks::Hook::RestoreInit.index(), |desc, f| {
            let who = if desc.is_null() {
                std::ptr::null()
            } else {
                (*desc).name
            };
            let running = Running {
                who,
                what: "its RESTORE_INIT hook",
            };
            let f =
                std::mem::transmute::<*mut std::ffi::c_void, unsafe extern "C" fn() -> c_int>(f);
            reentry::running(running, || f())
        })
    };
    if rc < 0 && rc != -libc::ENOTSUP {
        return Err(fail(
            InitError::Restore,
            format_args!("RESTORE_INIT hook failed with {rc}"),
        ));
    }
    Ok(())
}

/// Logs the descriptor, runs `init(stage)` and, when it succeeds, records
/// and chains the plugin.
///
/// When the init fails, `on_failure` decides (and logs) what follows:
/// `Ok` when an alternative is tried instead, else the init's error; the
/// plugin is unloaded without its exit either way, as CRIU's loader does.
pub(super) fn start(
    reg: &mut Registry,
    stage_value: c_int,
    plugin: Accepted,
    on_failure: &mut dyn FnMut(&InitFailed<'_>) -> Result<(), InitError>,
) -> Result<(), InitError> {
    let desc = plugin.desc;
    let shown_name = plugin.name().unwrap_or(c"(built-in)");
    let name = shown_name.to_bytes();
    // SAFETY: desc is valid (checked by descriptor::check) for as long as
    // `plugin.origin` keeps the plugin loaded or the host keeps a built-in alive.
    let (version, max_hooks, init_fn) =
        unsafe { ((*desc).version, (*desc).max_hooks, (*desc).init) };
    log::debug!(
        "Plugin \"{}\" (version {version} hooks {max_hooks})",
        Escaped(name)
    );
    if log::log_enabled!(log::Level::Debug) {
        for hook in plugin.hooks.hooks() {
            // SAFETY: `hooks` only holds slots below max_hooks.
            let f = unsafe { (*desc).hooks[hook.index()] };
            log::debug!("\t{:4} -> {:p}", hook.index(), f);
        }
    }
    if let Some(init_fn) = init_fn {
        let running = Running {
            who: name_ptr(&plugin),
            what: "its init",
        };
        // SAFETY: calling the plugin's init is the loader's job; the plugin
        // ABI gives it the signature int (*)(int).
        let rc = reentry::running(running, || unsafe { init_fn(stage_value) });
        if rc != 0 {
            let failed = InitFailed {
                name: shown_name,
                path: plugin.path(),
                stage_value,
                rc,
            };
            let outcome = on_failure(&failed);
            // As CRIU's loader does: unloaded without its exit.
            unload(name_ptr(&plugin), plugin);
            return outcome;
        }
    }
    link(reg, stage_value, plugin)
}

/// A plugin whose init failed. Displayed, it is the loader's line.
pub(super) struct InitFailed<'a> {
    /// Its plugin name.
    pub(super) name: &'a CStr,
    /// Its file; `None`: a built-in plugin.
    pub(super) path: Option<&'a CStr>,
    pub(super) stage_value: c_int,
    /// What its init returned.
    pub(super) rc: c_int,
}

impl fmt::Display for InitFailed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (stage_value, rc) = (self.stage_value, self.rc);
        write!(
            f,
            "Failed in init({stage_value}) of \"{}\" (",
            Escaped(self.name.to_bytes())
        )?;
        match self.path {
            Some(path) => write!(f, "{}", Escaped(path.to_bytes()))?,
            None => f.write_str("built-in")?,
        }
        write!(f, "): stage {}, returned {rc}", stage_name(stage_value))
    }
}

/// What follows a failed init when no alternative is left: the init fails.
pub(super) fn no_alternative(failed: &InitFailed<'_>) -> Result<(), InitError> {
    Err(fail(InitError::PluginInit, format_args!("{failed}")))
}

/// Records and chains an initialised plugin.
fn link(reg: &mut Registry, stage_value: c_int, plugin: Accepted) -> Result<(), InitError> {
    let desc = plugin.desc;
    if plugin.synthesised.is_some() && reg.legacy.try_reserve(1).is_err() {
        return Err(unrecorded(plugin, desc, stage_value));
    }
    // SAFETY: the hooks came from descriptor::check, which keeps them below
    // host_chains with non-NULL slots; desc outlives the record (see above).
    match unsafe { Loaded::link(plugin) } {
        Ok((loaded, synthesised)) => {
            // Every vector has room (reserve): these never allocate.
            reg.push(loaded);
            if let Some(synthesised) = synthesised {
                reg.legacy.push(synthesised);
            }
            Ok(())
        }
        Err((plugin, OutOfMemory)) => Err(unrecorded(plugin, desc, stage_value)),
    }
}

/// A plugin whose init ran but that could not be recorded (out of memory):
/// it gets its exit, as every initialised plugin does, and is unloaded.
fn unrecorded(plugin: Accepted, desc: *const CrPluginDesc, stage_value: c_int) -> InitError {
    let name = plugin.name().map_or(&b"(built-in)"[..], CStr::to_bytes);
    let err = out_of_memory(format_args!(
        "Unable to record plugin \"{}\"",
        Escaped(name)
    ));
    let who = name_ptr(&plugin);
    call_exit(desc, who, stage_value, -1);
    unload(who, plugin);
    err
}

/// The name of `plugin` as a C string pointer, for [`Running`].
fn name_ptr(plugin: &Accepted) -> *const c_char {
    plugin.name().map_or(std::ptr::null(), CStr::as_ptr)
}

/// Drops `value` (a plugin: its file is closed last), recording whose
/// destructors run.
fn unload<T>(who: *const c_char, value: T) {
    let running = Running {
        who,
        what: "its destructors",
    };
    reentry::running(running, || drop(value));
}

/// Calls the plugin's `exit(stage, ret)`, if it has one.
fn call_exit(desc: *const CrPluginDesc, who: *const c_char, stage_value: c_int, ret: c_int) {
    // SAFETY: the plugin is still loaded, so its descriptor is readable.
    if let Some(exit) = unsafe { (*desc).exit } {
        let running = Running {
            who,
            what: "its exit",
        };
        // SAFETY: exit has the plugin ABI's signature void (*)(int, int).
        reentry::running(running, || unsafe { exit(stage_value, ret) });
    }
}

/// `cr_plugin_fini(stage, ret)`: in load order, calls each plugin's
/// `exit(stage, ret)`, takes it off every list and unloads it.
pub(crate) fn fini(stage_value: c_int, ret: c_int) {
    if SESSION.load(Ordering::Acquire) {
        log::error!(
            "cr_plugin_fini({stage_value}, {ret}) while a Rust plugin session is open: refused"
        );
        return;
    }
    fini_unchecked(stage_value, ret);
}

/// [`fini`] for the open session.
pub(crate) fn fini_unchecked(stage_value: c_int, ret: c_int) {
    if let Err(refused) = reentry::check("cr_plugin_fini") {
        log::error!("{refused}");
        return;
    }
    let mut reg = registry::write();
    let _busy = reentry::Busy::start();
    fini_locked(&mut reg, stage_value, ret);
}

fn fini_locked(reg: &mut Registry, stage_value: c_int, ret: c_int) {
    // Nothing the loader allocated stays after fini.
    reg.names = NameIndex::new();
    for plugin in std::mem::take(&mut reg.plugins) {
        let who = plugin.name().map_or(std::ptr::null(), CStr::as_ptr);
        call_exit(plugin.desc(), who, stage_value, ret);
        log::debug!(
            "Unloading plugin \"{}\"",
            Escaped(plugin.name().map_or(&b"(built-in)"[..], CStr::to_bytes))
        );
        unload(who, plugin);
    }
    // The legacy descriptors outlive their plugins' exit calls, and go now.
    reg.legacy = Vec::new();
    // SAFETY: every record was unlinked as it was dropped.
    unsafe { ctl::reset_lists() };
}

/// A stage number as a word, for messages.
pub(crate) fn stage_name(stage_value: c_int) -> &'static str {
    match stage_value {
        stage::DUMP => "dump",
        stage::PRE_DUMP => "pre-dump",
        stage::RESTORE => "restore",
        _ => "unknown",
    }
}
