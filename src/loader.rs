//! `cr_plugin_init` and `cr_plugin_fini`: finding the plugin folder, loading,
//! checking, initialising and chaining each plugin, rolling back on failure,
//! and unloading.
//!
//! Every step that can fail logs one line naming the file and the reason and
//! fails the whole init, which then unloads what it loaded. Memory running
//! out is such a failure: nothing on these paths allocates infallibly.

use crate::abi::{CR_PLUGIN_HOOK__MAX, CRIU_PLUGIN_VERSION_OLD, CrPluginDesc, stage};
use crate::descriptor::{self, LegacyParts};
use crate::dl::Library;
use crate::elf::{self, ElfError, Segments};
use crate::escape::Escaped;
use crate::fallible::{OutOfMemory, try_box, try_format};
use crate::folder::{self, DirError, PluginDir};
use crate::host::host;
use crate::name_index::NameIndex;
use crate::policy::SkipList;
use crate::reentry::{self, Running};
use crate::registry::{self, Accepted, Loaded, Origin, Registry, SynthesisedDesc};
use crate::verdict::{self, AfterOpen, BeforeOpen, FolderVerdict, Judged, NameTaken, Verdict};
use crate::{ctl, dispatch, logging, policy};
use std::ffi::{CStr, c_char, c_int};
use std::fmt;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why `cr_plugin_init` failed; each is logged where it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            f.write_str("plugin initialisation failed (out of memory)")
        } else {
            f.write_str(&self.0)
        }
    }
}

impl std::error::Error for InitError {}

/// Logs `args` as an error and makes the error value (its text, when
/// memory allows).
fn fail(args: fmt::Arguments<'_>) -> InitError {
    log::error!("{args}");
    InitError(try_format(args).unwrap_or_default())
}

fn out_of_memory(what: fmt::Arguments<'_>) -> InitError {
    fail(format_args!("{what}: out of memory"))
}

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
        return Err(fail(format_args!(
            "A plugin session is open already: one at a time"
        )));
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
        return Err(fail(format_args!(
            "cr_plugin_init({stage_value}) while a Rust plugin session is open: refused"
        )));
    }
    init_unchecked(stage_value)
}

/// [`init`] for the open session.
pub(crate) fn init_unchecked(stage_value: c_int) -> Result<(), InitError> {
    logging::install();
    if let Err(refused) = reentry::check("cr_plugin_init") {
        return Err(fail(format_args!("{refused}")));
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
    let builtins = reg.builtins.len();
    reserve(reg, builtins)?;
    for i in 0..builtins {
        let desc = reg.builtins[i].0;
        // SAFETY: the host keeps registered descriptors alive; the name is
        // NULL or a C string.
        let name = unsafe { (*desc.as_ptr()).name };
        // SAFETY: as above.
        let name = (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) }.to_bytes());
        if let (Some(skip), Some(name)) = (skip.as_mut(), name) {
            if skip.names(b"", Some(name)).is_some() {
                log::info!(
                    "Skipping built-in plugin \"{}\": named in {}",
                    Escaped(name),
                    skip.source
                );
                continue;
            }
        }
        load_builtin(reg, stage_value, desc)?;
    }
    let dir = folder::choose()
        .map_err(|_| out_of_memory(format_args!("Unable to choose the plugin folder")))?;
    if let Some(path) = &dir {
        load_folder(reg, stage_value, path, skip.as_mut())?;
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
fn reserve(reg: &mut Registry, more: usize) -> Result<(), InitError> {
    reg.reserve(more)
        .map_err(|_| out_of_memory(format_args!("Unable to load {more} plugins")))
}

fn load_folder(
    reg: &mut Registry,
    stage_value: c_int,
    path: &CStr,
    mut skip: Option<&mut SkipList>,
) -> Result<(), InitError> {
    let shown = || Escaped(path.to_bytes());
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    let concern = policy::check_path(path, true, euid).err();
    let sentence = concern.as_ref().map(|c| c.sentence(path, true));
    match verdict::folder(
        path.to_bytes(),
        sentence.as_ref().map(|s| s as &dyn fmt::Display),
        policy::strict(),
    ) {
        FolderVerdict::Go => {}
        FolderVerdict::Warn(sentence) => log::warn!("{sentence}"),
        FolderVerdict::Refuse(refusal) => return Err(fail(format_args!("{refusal}"))),
    }
    let mut dir = PluginDir::try_open(path).map_err(|e| dir_error(&e))?;
    let names = dir.names().map_err(|e| dir_error(&e))?;
    reserve(reg, names.len())?;
    // Every candidate's path is built in this one buffer (names() keeps
    // only names whose path fits in PATH_MAX).
    let dir_len = dir.path().to_bytes().len();
    let mut full = Vec::new();
    if full.try_reserve_exact(libc::PATH_MAX as usize).is_err() {
        return Err(out_of_memory(format_args!(
            "Unable to load plugins from {}",
            shown()
        )));
    }
    full.extend_from_slice(dir.path().to_bytes());
    full.push(b'/');
    for (name, kind) in names.iter() {
        full.truncate(dir_len + 1);
        full.extend_from_slice(name.to_bytes_with_nul());
        // SAFETY: the folder's path and the entry's name are C strings, so
        // the only NUL is the name's terminator, at the end.
        let path = unsafe { CStr::from_bytes_with_nul_unchecked(&full) };
        let entry = Entry {
            dir: &dir,
            name,
            kind,
            path,
        };
        load_file(reg, stage_value, entry, euid, skip.as_deref_mut())?;
    }
    Ok(())
}

fn dir_error(e: &DirError) -> InitError {
    fail(format_args!("{e}"))
}

/// Logs the warnings of `judged` and says whether the loader goes on with
/// the file (`Ok(false)`: skipped); a refusal is logged and failed.
fn follow(judged: &Judged<'_>, path: &CStr, name: Option<&[u8]>) -> Result<bool, InitError> {
    for warning in judged.warnings() {
        log::warn!("{warning}");
    }
    match judged.verdict {
        Verdict::Go => Ok(true),
        Verdict::Skip(_) => Ok(false),
        Verdict::Refuse(refusal) => Err(fail(format_args!(
            "{}",
            refusal.logged(path.to_bytes(), name)
        ))),
    }
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
        return Err(fail(format_args!(
            "check_inventory_plugins() failed ({rc}): the images need a plugin that did not load"
        )));
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
        return Err(fail(format_args!("RESTORE_INIT hook failed with {rc}")));
    }
    Ok(())
}

/// One entry of the plugin folder.
struct Entry<'a> {
    /// The open folder.
    dir: &'a PluginDir,
    /// Its name in the folder.
    name: &'a CStr,
    /// What `readdir` said it is (`DT_*`).
    kind: u8,
    /// `folder/name`.
    path: &'a CStr,
}

/// Loads the plugin file `entry`.
#[allow(
    clippy::result_large_err,
    reason = "kept on the stack: no allocation when memory runs out"
)]
fn load_file(
    reg: &mut Registry,
    stage_value: c_int,
    entry: Entry<'_>,
    euid: u32,
    skip: Option<&mut SkipList>,
) -> Result<(), InitError> {
    let Entry {
        dir,
        name,
        kind,
        path,
    } = entry;
    let shown = || Escaped(path.to_bytes());
    let strict = policy::strict();
    // The readable segments of the file, from its program headers: reads of
    // its tables once loaded stay inside them.
    let mut segments = Segments::NONE;
    // What dlopen would map: the entry, symbolic links followed.
    if let Some(st) = dir.stat(name) {
        let mut ev = BeforeOpen {
            path: path.to_bytes(),
            not_regular: folder::not_regular(st.st_mode),
            ..BeforeOpen::default()
        };
        if ev.not_regular.is_none() {
            if let Some(skip) = skip {
                ev.skipped_by = skipped(skip, dir, name, path, st.st_size as u64);
            }
        }
        let untrusted = policy::untrusted(st.st_uid, st.st_mode, euid);
        let concern = if ev.not_regular.is_some() || ev.skipped_by.is_some() {
            None
        } else {
            // readdir says what the entry itself is; only a link (or an
            // entry of a file system that does not say) needs another look.
            let maybe_link = kind == libc::DT_LNK || kind == libc::DT_UNKNOWN;
            let is_link = maybe_link
                && dir
                    .stat_at(name, true)
                    .is_some_and(|l| l.st_mode & libc::S_IFMT == libc::S_IFLNK);
            if is_link {
                policy::check_path(path, false, euid).err()
            } else {
                None
            }
        };
        let sentence = concern.as_ref().map(|c| c.sentence(path, false));
        let complete = if ev.not_regular.is_some() || ev.skipped_by.is_some() {
            Ok(Segments::NONE)
        } else {
            check_complete(dir, name, st.st_size as u64)
        };
        ev.untrusted = untrusted.as_ref().map(|u| u as &dyn fmt::Display);
        ev.link_concern = sentence.as_ref().map(|s| s as &dyn fmt::Display);
        ev.truncated = complete.as_ref().err().map(|e| e as &dyn fmt::Display);
        if !follow(&verdict::before_open(&ev, strict), path, None)? {
            return Ok(());
        }
        segments = complete.unwrap_or(Segments::NONE);
    }

    let constructors = Running {
        who: path.as_ptr(),
        what: "its constructors",
    };
    // SAFETY: running the plugin's constructors is the loader's purpose; the
    // checks above decided whether this file may run.
    let opened = reentry::running(constructors, || unsafe {
        Library::try_open(path, libc::RTLD_LAZY)
    });
    let library = match opened {
        Ok(library) => library,
        Err(e) => {
            let ev = AfterOpen {
                path: path.to_bytes(),
                unloadable: Some(&e),
                ..AfterOpen::default()
            };
            // after_open refuses every file dlopen cannot open.
            follow(&verdict::after_open(&ev, strict), path, None)?;
            return Ok(());
        }
    };
    let segments = library.checked_segments(segments);

    // The plugin's dynamic section, read once for the descriptor's lookup
    // and the import check.
    let dynamic = library.dynamic();
    let found = match library.symbol_entry(dynamic.as_ref(), c"CR_PLUGIN_DESC") {
        Some((sym, addr)) => {
            let desc = addr.cast::<CrPluginDesc>().as_ptr();
            let bad = descriptor::check_symbol_kind(&sym).err().or_else(|| {
                // SAFETY: the symbol is a data object of at least the
                // fields' size (checked first), in the loaded plugin.
                let max_hooks = unsafe { (*desc).max_hooks };
                descriptor::check_symbol_size(sym.size, max_hooks).err()
            });
            if let Some(bad) = &bad {
                let ev = AfterOpen {
                    path: path.to_bytes(),
                    bad_symbol: Some(bad),
                    ..AfterOpen::default()
                };
                follow(&verdict::after_open(&ev, strict), path, None)?;
            }
            (desc, None)
        }
        None => {
            // Its name is the dynamic linker's copy of the path, which
            // lives as long as the plugin is loaded.
            // SAFETY: the library is open, and stays open while the
            // descriptor is used (the record closes it last).
            let l_name = unsafe { crate::dl::object_path(library.as_ptr()) }.unwrap_or(c"");
            let synth = synthesise_legacy(&library, l_name)
                .map_err(|_| out_of_memory(format_args!("Unable to load {}", shown())))?;
            (synth.0.as_ptr().cast_mut(), Some(synth))
        }
    };
    let (desc, synthesised) = found;
    // SAFETY: `desc` is the plugin's CR_PLUGIN_DESC, a data object holding
    // the fields and the max_hooks slots the check reads (checked above), or
    // our own synthesised descriptor; the library stays open while we use it.
    let checked = unsafe { descriptor::check(desc, ctl::host_chains()) };
    // SAFETY: as above; the name is NULL or a C string.
    let desc_name = unsafe { (*desc).name };
    // SAFETY: as above.
    let desc_name = (!desc_name.is_null()).then(|| unsafe { CStr::from_ptr(desc_name) });
    // Judged here, while the tables are at hand; said after the name check.
    let imports_missing = dynamic
        .as_ref()
        .is_some_and(|d| policy::any_missing(&library, d, Some(&segments)));
    let hooks = checked
        .as_ref()
        .map_or(crate::HookSet::empty(), |c| c.hooks);
    let plugin = Accepted {
        desc,
        synthesised,
        hooks,
        origin: Origin::File(library),
    };
    let missing = match &plugin.origin {
        Origin::File(library) => Some(policy::MissingList(library, Some(&segments))),
        Origin::Builtin => None,
    };
    let plugin_name = plugin.name().unwrap_or(c"");
    let first = checked
        .is_ok()
        .then(|| reg.find(plugin_name))
        .flatten()
        .map(|other| reg.plugins[other].path());
    let ev = AfterOpen {
        path: path.to_bytes(),
        legacy: plugin.synthesised.is_some(),
        descriptor: checked.as_ref().err(),
        name_taken: first.as_ref().map(|by| NameTaken {
            name: plugin_name.to_bytes(),
            by: by.map(CStr::to_bytes),
        }),
        missing: missing
            .as_ref()
            .filter(|_| imports_missing)
            .map(|m| m as &dyn fmt::Display),
        ..AfterOpen::default()
    };
    follow(
        &verdict::after_open(&ev, strict),
        path,
        desc_name.map(CStr::to_bytes),
    )?;
    start(reg, stage_value, plugin)
}

/// Whether the skip list names the plugin file `name` of `dir`, by its file
/// name or by the name its descriptor gives, read from the file without
/// loading it (a legacy plugin's name is its path); logs the skip.
fn skipped(
    skip: &mut SkipList,
    dir: &PluginDir,
    name: &CStr,
    path: &CStr,
    size: u64,
) -> Option<&'static str> {
    if skip.names(name.to_bytes(), None).is_some() {
        log::info!(
            "Skipping plugin {}: named in {}",
            Escaped(path.to_bytes()),
            skip.source
        );
        return Some(skip.source);
    }
    let file = dir.open_entry(name)?;
    let plugin_name = descriptor::name_in_file(&file, size, path)?;
    skip.names(name.to_bytes(), Some(plugin_name.to_bytes()))?;
    log::info!(
        "Skipping plugin {} (\"{}\"): named in {}",
        Escaped(path.to_bytes()),
        Escaped(plugin_name.to_bytes()),
        skip.source
    );
    Some(skip.source)
}

/// Refuses a file whose loadable segments reach past its end: mapping it
/// would kill the process with SIGBUS when a page past the end is touched.
/// One open, one read of the headers, one close. Gives the readable
/// segments the headers describe (none when they cannot be read).
fn check_complete(dir: &PluginDir, name: &CStr, size: u64) -> Result<Segments, ElfError> {
    let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); elf::HEADER_READ];
    let head = dir.read_head(name, &mut buf);
    match elf::load_layout(head, size) {
        Ok((end, _)) if end > size => Err(ElfError::Truncated {
            need: end,
            have: size,
        }),
        Ok((_, segments)) => Ok(segments),
        Err(e @ ElfError::Truncated { .. }) => Err(e),
        // Not ELF, or headers this check cannot read: dlopen judges.
        _ => Ok(Segments::NONE),
    }
}

fn load_builtin(
    reg: &mut Registry,
    stage_value: c_int,
    desc: NonNull<CrPluginDesc>,
) -> Result<(), InitError> {
    let desc = desc.as_ptr();
    // SAFETY: the host registered this descriptor and keeps it alive
    // (cr_plugin_register_builtin's contract).
    let checked = unsafe { descriptor::check(desc, ctl::host_chains()) }
        .map_err(|r| fail(format_args!("Refusing plugin (built-in): {r}")))?;
    let plugin = Accepted {
        desc,
        synthesised: None,
        hooks: checked.hooks,
        origin: Origin::Builtin,
    };
    if let Some(name) = plugin.name().filter(|name| reg.find(name).is_some()) {
        return Err(fail(format_args!(
            "Refusing built-in plugin \"{}\": the name is already taken",
            Escaped(name.to_bytes())
        )));
    }
    start(reg, stage_value, plugin)
}

/// Logs the descriptor, runs `init(stage)` and, when it succeeds, records
/// and chains the plugin.
fn start(reg: &mut Registry, stage_value: c_int, plugin: Accepted) -> Result<(), InitError> {
    let desc = plugin.desc;
    let name = plugin.name().map_or(&b"(built-in)"[..], CStr::to_bytes);
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
            let path = plugin.path().map(|p| Escaped(p.to_bytes()));
            let where_: &dyn fmt::Display = match &path {
                Some(p) => p,
                None => &"built-in",
            };
            let err = fail(format_args!(
                "Failed in init({stage_value}) of \"{}\" ({where_}): stage {}, returned {rc}",
                Escaped(name),
                stage_name(stage_value)
            ));
            // As CRIU's loader does: unloaded without its exit.
            unload(name_ptr(&plugin), plugin);
            return Err(err);
        }
    }
    link(reg, stage_value, plugin)
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

/// A descriptor for a legacy plugin, from the symbols it exports itself;
/// its name points at `path`, which must live as long as the plugin is
/// loaded (the dynamic linker's `l_name`).
fn synthesise_legacy(library: &Library, path: &CStr) -> Result<SynthesisedDesc, OutOfMemory> {
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
    let desc = try_box(CrPluginDesc {
        name: path.as_ptr(),
        init,
        exit,
        version: CRIU_PLUGIN_VERSION_OLD,
        max_hooks: CR_PLUGIN_HOOK__MAX as u32,
        hooks: parts
            .hooks
            .map(|h| h.map_or(std::ptr::null_mut(), |p| p.as_ptr())),
    })?;
    Ok(SynthesisedDesc(desc))
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
