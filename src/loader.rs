//! `cr_plugin_init` and `cr_plugin_fini`: finding the plugin folder, loading,
//! checking, initialising and chaining each plugin, rolling back on failure,
//! and unloading.

use crate::abi::{CR_PLUGIN_HOOK__MAX, CRIU_PLUGIN_VERSION_OLD, CrPluginDesc, stage};
use crate::descriptor::{self, LegacyParts, Refusal};
use crate::dl::Library;
use crate::folder::{self, PluginDir};
use crate::host::{self, host};
use crate::registry::{self, Accepted, Loaded, Origin, Registry, SynthesisedDesc};
use crate::{ctl, dispatch, logging, policy};
use std::collections::HashMap;
use std::ffi::{CStr, c_int};
use std::ptr::NonNull;

/// Why `cr_plugin_init` failed; each is logged where it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InitError {}

fn fail(msg: String) -> InitError {
    log::error!("{msg}");
    InitError(msg)
}

/// `cr_plugin_init(stage)`: loads every plugin, or none.
pub(crate) fn init(stage_value: c_int) -> Result<(), InitError> {
    logging::install();
    let mut reg = registry::write();
    if !reg.plugins.is_empty() {
        log::warn!(
            "cr_plugin_init({stage_value}) called while {} plugins are still loaded; finalising them first",
            reg.plugins.len()
        );
        fini_locked(&mut reg, stage_value, -1);
    }
    if let Some(size) = ctl::measure_host_chains()
        && ctl::host_chains() < CR_PLUGIN_HOOK__MAX
    {
        log::warn!(
            "The host's cr_plugin_ctl is {size} bytes: {} hook chains where this library has {CR_PLUGIN_HOOK__MAX}; plugins using hook {} or later are refused",
            ctl::host_chains(),
            ctl::host_chains()
        );
    }
    if let Some(size) = host().opts_too_small {
        log::warn!(
            "The host's `opts' is {size} bytes, too small for libdir at offset {}: --libdir is not read",
            host::OPTS_LIBDIR_OFFSET
        );
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

/// Plugin names taken so far in this init, with the index of their plugin.
type Names = HashMap<String, usize>;

fn load_all(reg: &mut Registry, stage_value: c_int) -> Result<(), InitError> {
    let mut names = Names::new();
    for builtin in reg.builtins.clone() {
        load_builtin(reg, &mut names, stage_value, builtin.0)?;
    }
    if let Some(path) = folder::choose() {
        let mut dir = PluginDir::open(&path).map_err(fail)?;
        // SAFETY: geteuid has no preconditions.
        let euid = unsafe { libc::geteuid() };
        policy::check_trust(dir.stat_self(), euid, "Plugin folder", dir.path()).map_err(|why| {
            fail(format!(
                "Refusing plugin folder {}: {why}",
                path.to_string_lossy()
            ))
        })?;
        for candidate in dir.candidates().map_err(fail)? {
            let trust = policy::check_trust(
                dir.stat(&candidate.name),
                euid,
                "Plugin file",
                &candidate.path,
            );
            load_file(reg, &mut names, stage_value, &candidate.path, trust)?;
        }
    }
    if stage_value == stage::RESTORE {
        restore_checks()?;
    }
    Ok(())
}

/// The restore stage's last steps: CRIU's inventory check (the images name
/// the plugins they need), then RESTORE_INIT.
fn restore_checks() -> Result<(), InitError> {
    if let Some(rc) = host().check_inventory_plugins()
        && rc != 0
    {
        return Err(fail(format!(
            "check_inventory_plugins() failed ({rc}): the images need a plugin that did not load"
        )));
    }
    // SAFETY: the chains are well formed and only this thread changes them
    // (it holds the registry lock).
    let rc = unsafe { dispatch::cr_plugin_run_restore_init() };
    if rc < 0 && rc != -libc::ENOTSUP {
        return Err(fail(format!("RESTORE_INIT hook failed with {rc}")));
    }
    Ok(())
}

/// Loads the plugin file `path`, whose trust check gave `trust`.
fn load_file(
    reg: &mut Registry,
    names: &mut Names,
    stage_value: c_int,
    path: &CStr,
    trust: Result<(), String>,
) -> Result<(), InitError> {
    // Messages are built only when something goes wrong.
    let shown = || path.to_string_lossy();
    trust.map_err(|why| fail(format!("Refusing plugin {}: {why}", shown())))?;
    // SAFETY: running the plugin's constructors is the loader's purpose; the
    // trust check above decided whether this file may run.
    let library = unsafe { Library::open(path, libc::RTLD_LAZY) }
        .map_err(|e| fail(format!("Unable to load {}: {e}", shown())))?;

    let (desc, synthesised) = match library.symbol(c"CR_PLUGIN_DESC") {
        Some(d) => (d.cast::<CrPluginDesc>().as_ptr(), None),
        None => {
            let synth = synthesise_legacy(&library, path);
            log::warn!(
                "Generating dynamic descriptor for plugin `{}'. Won't work in next version of the program. Please update your plugin.",
                shown()
            );
            (&raw const *synth.desc as *mut CrPluginDesc, Some(synth))
        }
    };
    // SAFETY: `desc` is the plugin's exported CR_PLUGIN_DESC (the plugin ABI
    // says it is a cr_plugin_desc_t) or our own synthesised descriptor, and
    // the library stays open while we use it.
    let checked = unsafe { descriptor::check(desc, ctl::host_chains()) }
        .map_err(|r| refuse(&shown(), desc, r))?;
    // A descriptor without a name (or a legacy plugin) goes by its path.
    let name = checked.name.unwrap_or_else(|| shown().into_owned());
    if let Some(&other) = names.get(&name) {
        let first = reg.plugins[other]
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or("a built-in plugin".into());
        return Err(fail(format!(
            "Refusing plugin {}: plugin name \"{name}\" is already taken by {first}",
            shown()
        )));
    }
    policy::check_symbols(&library, path)
        .map_err(|why| fail(format!("Refusing plugin {}: {why}", shown())))?;

    let origin = Origin::File {
        path: path.to_owned(),
        library,
    };
    let plugin = Accepted {
        desc,
        name,
        synthesised,
        hooks: checked.hooks,
        origin,
    };
    start(reg, names, stage_value, plugin)
}

fn load_builtin(
    reg: &mut Registry,
    names: &mut Names,
    stage_value: c_int,
    desc: NonNull<CrPluginDesc>,
) -> Result<(), InitError> {
    let desc = desc.as_ptr();
    // SAFETY: the host registered this descriptor and keeps it alive
    // (cr_plugin_register_builtin's contract).
    let checked = unsafe { descriptor::check(desc, ctl::host_chains()) }
        .map_err(|r| refuse("(built-in)", desc, r))?;
    let name = checked
        .name
        .unwrap_or_else(|| format!("built-in plugin {}", reg.plugins.len()));
    if names.contains_key(&name) {
        return Err(fail(format!(
            "Refusing built-in plugin \"{name}\": the name is already taken"
        )));
    }
    let plugin = Accepted {
        desc,
        name,
        synthesised: None,
        hooks: checked.hooks,
        origin: Origin::Builtin,
    };
    start(reg, names, stage_value, plugin)
}

fn refuse(shown: &str, desc: *const CrPluginDesc, why: Refusal) -> InitError {
    // SAFETY: as in the callers; the name is only read when non-NULL.
    let name = unsafe { descriptor::name_of(desc) };
    match name {
        Some(name) => fail(format!("Refusing plugin {shown} (\"{name}\"): {why}")),
        None => fail(format!("Refusing plugin {shown}: {why}")),
    }
}

/// Logs the descriptor, runs `init(stage)` and, when it succeeds, records
/// and chains the plugin.
fn start(
    reg: &mut Registry,
    names: &mut Names,
    stage_value: c_int,
    plugin: Accepted,
) -> Result<(), InitError> {
    let (desc, name) = (plugin.desc, &plugin.name);
    // SAFETY: desc is valid (checked by descriptor::check) for as long as
    // `plugin.origin` keeps the plugin loaded or the host keeps a built-in alive.
    let (version, max_hooks, init_fn) =
        unsafe { ((*desc).version, (*desc).max_hooks, (*desc).init) };
    log::debug!("Plugin \"{name}\" (version {version} hooks {max_hooks})");
    for hook in plugin.hooks.hooks() {
        // SAFETY: `hooks` only holds slots below max_hooks.
        let f = unsafe { (*desc).hooks[hook.index()] };
        log::debug!("\t{:4} -> {:p}", hook.index(), f);
    }
    if let Some(init_fn) = init_fn {
        // SAFETY: calling the plugin's init is the loader's job; the plugin
        // ABI gives it the signature int (*)(int).
        let rc = unsafe { init_fn(stage_value) };
        if rc != 0 {
            let where_ = match &plugin.origin {
                Origin::File { path, .. } => path.to_string_lossy().into_owned(),
                Origin::Builtin => "built-in".to_owned(),
            };
            return Err(fail(format!(
                "Failed in init({stage_value}) of \"{name}\" ({where_}): stage {}, returned {rc}",
                stage_name(stage_value)
            )));
        }
    }
    names.insert(plugin.name.clone(), reg.plugins.len());
    // SAFETY: the hooks came from descriptor::check, which keeps them below
    // host_chains with non-NULL slots; desc outlives the record (see above).
    reg.plugins.push(unsafe { Loaded::link(plugin) });
    Ok(())
}

/// A descriptor for a legacy plugin, from the symbols it exports itself.
fn synthesise_legacy(library: &Library, path: &CStr) -> SynthesisedDesc {
    let name = path.to_owned();
    let parts = LegacyParts::of(library);
    // SAFETY: a legacy plugin's cr_plugin_init / cr_plugin_fini are
    // functions (the legacy ABI); calling them with extra arguments is
    // harmless in the C calling convention, as CRIU's loader does.
    let (init, exit) = unsafe {
        (
            parts.init.map(|p| std::mem::transmute(p.as_ptr())),
            parts.exit.map(|p| std::mem::transmute(p.as_ptr())),
        )
    };
    let desc = Box::new(CrPluginDesc {
        name: name.as_ptr(),
        init,
        exit,
        version: CRIU_PLUGIN_VERSION_OLD,
        max_hooks: CR_PLUGIN_HOOK__MAX as u32,
        hooks: parts
            .hooks
            .map(|h| h.map_or(std::ptr::null_mut(), |p| p.as_ptr())),
    });
    SynthesisedDesc { desc, _name: name }
}

/// `cr_plugin_fini(stage, ret)`: in load order, calls each plugin's
/// `exit(stage, ret)`, takes it off every list and unloads it.
pub(crate) fn fini(stage_value: c_int, ret: c_int) {
    let mut reg = registry::write();
    fini_locked(&mut reg, stage_value, ret);
}

fn fini_locked(reg: &mut Registry, stage_value: c_int, ret: c_int) {
    for plugin in std::mem::take(&mut reg.plugins) {
        // SAFETY: the plugin is still loaded; exit has the ABI's signature.
        unsafe {
            if let Some(exit) = (*plugin.desc()).exit {
                exit(stage_value, ret);
            }
        }
        log::debug!("Unloading plugin \"{}\"", plugin.name);
        drop(plugin);
    }
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
