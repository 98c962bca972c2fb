//! One plugin folder's files, each from the verdict before `dlopen` to
//! the verdict after it, then started.

use super::{InitError, InitFailed, fail, no_alternative, out_of_memory, reserve, start, unload};
use crate::abi::{CR_PLUGIN_HOOK__MAX, CRIU_PLUGIN_VERSION_OLD, CrPluginDesc};
use crate::ctl;
use crate::descriptor::{self, LegacyParts};
use crate::dl::Library;
use crate::elf::{self, ElfError, Segments};
use crate::escape::Escaped;
use crate::fallible::{OutOfMemory, try_box, try_cstring};
use crate::folder::{self, DirError, PluginDir};
use crate::policy::{self, SkipList};
use crate::reentry::{self, Running};
use crate::registry::{Accepted, Origin, Registry, SynthesisedDesc};
use crate::verdict::{self, AfterOpen, BeforeOpen, FolderVerdict, Judged, NameTaken, Verdict};
use std::ffi::{CStr, c_int};
use std::fmt;

pub(super) fn load_folder(
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
        FolderVerdict::Refuse(refusal) => {
            return Err(fail(InitError::Folder, format_args!("{refusal}")));
        }
    }
    let mut dir = PluginDir::open(path).map_err(|e| dir_error(&e))?;
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
    let mut tried = Tried::default();
    for (index, (name, kind)) in names.iter().enumerate() {
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
        let later = Later {
            dir: &dir,
            names: &names,
            from: index + 1,
        };
        load_file(
            reg,
            stage_value,
            entry,
            later,
            &mut tried,
            euid,
            skip.as_deref_mut(),
        )?;
    }
    Ok(())
}

/// The files after one in load order, where its alternatives are.
#[derive(Clone, Copy)]
struct Later<'a> {
    dir: &'a PluginDir,
    names: &'a folder::Names,
    from: usize,
}

impl Later<'_> {
    /// The first of these files that the skip list leaves and whose
    /// descriptor gives the plugin name `name`, read from the files
    /// without running any of their code: the alternative to try when the
    /// plugin of that name fails its init.
    fn alternative(&self, name: &[u8], skip: Option<&SkipList>) -> Option<std::ffi::CString> {
        let named = |file: &CStr, plugin: Option<&[u8]>| {
            skip.is_some_and(|s| s.mentions(file.to_bytes(), plugin))
        };
        self.names.iter().skip(self.from).find_map(|(file, _)| {
            let st = self
                .dir
                .stat(file)
                .filter(|st| folder::not_regular(st.st_mode).is_none())?;
            if named(file, None) {
                return None;
            }
            let path = folder::joined(self.dir.path().to_bytes(), file.to_bytes())?;
            let opened = self.dir.open_entry(file)?;
            // Memory running out here leaves no alternative: the init fails.
            let same = descriptor::with_name_in_file(&opened, st.st_size as u64, &path, |plugin| {
                plugin.to_bytes() == name
            })
            .ok()
            .flatten()?;
            (same && !named(file, Some(name))).then_some(path)
        })
    }
}

/// The alternative of the plugin folder `folder` to try when the built-in
/// plugin called `name` fails its init.
pub(super) fn alternative_in(
    folder: &CStr,
    name: &[u8],
    skip: Option<&SkipList>,
) -> Option<std::ffi::CString> {
    let mut dir = PluginDir::open(folder).ok()?;
    let names = dir.names().ok()?;
    let later = Later {
        dir: &dir,
        names: &names,
        from: 0,
    };
    later.alternative(name, skip)
}

/// The alternatives of one plugin name whose init failed so far.
#[derive(Default)]
pub(super) struct Tried {
    name: Option<std::ffi::CString>,
    count: u32,
}

impl Tried {
    /// What follows the failed init of `failed`: with `next` (its next
    /// alternative) a warning and `Ok`, that file is tried in its turn;
    /// without, the init fails, saying how many alternatives failed before.
    pub(super) fn after(
        &mut self,
        failed: &InitFailed<'_>,
        next: Option<&CStr>,
    ) -> Result<(), InitError> {
        let before = match &self.name {
            Some(name) if name.as_c_str() == failed.name => self.count,
            _ => 0,
        };
        let Some(next) = next else {
            if before == 0 {
                return no_alternative(failed);
            }
            return Err(fail(
                InitError::PluginInit,
                format_args!(
                    "{failed}; no alternative of \"{}\" is left ({before} failed before it)",
                    Escaped(failed.name.to_bytes())
                ),
            ));
        };
        log::warn!(
            "{failed}; trying its alternative {}",
            Escaped(next.to_bytes())
        );
        if before == 0 {
            let name = try_cstring(failed.name)
                .map_err(|_| out_of_memory(format_args!("Unable to try an alternative")))?;
            self.name = Some(name);
        }
        self.count = before + 1;
        Ok(())
    }
}

fn dir_error(e: &DirError) -> InitError {
    match e {
        DirError::OutOfMemory => out_of_memory(format_args!("Unable to read the plugin folder")),
        _ => fail(InitError::Folder, format_args!("{e}")),
    }
}

/// Logs the warnings of `judged` and says whether the loader goes on with
/// the file (`Ok(false)`: skipped, or a spare alternative, logged); a
/// refusal is logged and failed.
fn follow(judged: &Judged<'_>, path: &CStr, name: Option<&[u8]>) -> Result<bool, InitError> {
    for warning in judged.warnings() {
        log::warn!("{warning}");
    }
    match judged.verdict {
        Verdict::Go => Ok(true),
        Verdict::Skip(_) => Ok(false),
        Verdict::Spare(in_use) => {
            log::info!("{in_use}");
            Ok(false)
        }
        Verdict::Refuse(refusal) => Err(fail(
            InitError::Plugin,
            format_args!("{}", refusal.logged(path.to_bytes(), name)),
        )),
    }
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
    later: Later<'_>,
    tried: &mut Tried,
    euid: u32,
    mut skip: Option<&mut SkipList>,
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
            if let Some(skip) = skip.as_deref_mut() {
                ev.skipped_by =
                    skipped(skip, dir, name, path, st.st_size as u64).map_err(|_| {
                        out_of_memory(format_args!(
                            "Unable to read the plugin name of {}",
                            shown()
                        ))
                    })?;
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
        Library::open(path, libc::RTLD_LAZY)
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
    if !follow(
        &verdict::after_open(&ev, strict),
        path,
        desc_name.map(CStr::to_bytes),
    )? {
        // A later alternative of a plugin in use.
        unload(path.as_ptr(), plugin);
        return Ok(());
    }
    let skip = skip.as_deref();
    start(reg, stage_value, plugin, &mut |failed| {
        let next = later.alternative(failed.name.to_bytes(), skip);
        tried.after(failed, next.as_deref())
    })
}

/// Whether the skip list names the plugin file `name` of `dir`, by its file
/// name or by the name its descriptor gives, read from the file without
/// loading it (a legacy plugin's name is its path); logs the skip. Memory
/// running out while the name is read is an error: a name not read must not
/// let a skipped plugin load.
fn skipped(
    skip: &mut SkipList,
    dir: &PluginDir,
    name: &CStr,
    path: &CStr,
    size: u64,
) -> Result<Option<&'static str>, OutOfMemory> {
    if skip.names(name.to_bytes(), None).is_some() {
        log::info!(
            "Skipping plugin {}: named in {}",
            Escaped(path.to_bytes()),
            skip.source()
        );
        return Ok(Some(skip.source()));
    }
    let Some(file) = dir.open_entry(name) else {
        return Ok(None);
    };
    let skipped = descriptor::with_name_in_file(&file, size, path, |plugin_name| {
        skip.names(name.to_bytes(), Some(plugin_name.to_bytes()))?;
        log::info!(
            "Skipping plugin {} (\"{}\"): named in {}",
            Escaped(path.to_bytes()),
            Escaped(plugin_name.to_bytes()),
            skip.source()
        );
        Some(skip.source())
    })?;
    Ok(skipped.flatten())
}

/// Refuses a file whose loadable segments reach past its end: mapping it
/// would kill the process with SIGBUS when a page past the end is touched.
/// One open, one read of the headers, one close. Gives the readable
/// segments the headers describe (none when they cannot be read).
fn check_complete(dir: &PluginDir, name: &CStr, size: u64) -> Result<Segments, ElfError> {
    let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); elf::HEADER_READ];
    elf::mappable(dir.read_head(name, &mut buf), size)
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
