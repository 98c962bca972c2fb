//! `criu-plugin-inspect`: what a plugin folder holds and what the loader
//! would do with each of its files, without calling any plugin's `init`.
//!
//! Every candidate file is opened with `dlopen(RTLD_LAZY)` in a child
//! process (`fork`): its constructors run there, so hooks registered with
//! `CR_PLUGIN_REGISTER_HOOK` are seen, and a plugin that crashes, calls
//! `exit()` or hangs in its constructors only takes the child down. The
//! child writes a small line-based record to a pipe and leaves with
//! `_exit`; the parent reads it, waits, and judges the file with the
//! loader's own checks (`probe::check_numbers`, the trust checks of
//! `probe::untrusted_writer` and `probe::path_concern`, the skip list of
//! `probe::SkipList`, duplicate names), in the loader's order.
//!
//! What the file says can also be read without running any of its code
//! (`ElfFile`): that is how a plugin that needs CRIU's own symbols (which
//! cannot be loaded outside CRIU) still shows its name and version.
//!
//! The parent is single-threaded when it forks.
//!
//! Parts: `args` (command line and help), `facts` (what is found about a
//! file), `record` (the child's report), `child` (the child process),
//! `judge` (the loader's checks, pure), `render` (JSON and text); this file
//! walks the folder and runs the tool.

use criu_plugin::abi::{CR_PLUGIN_HOOK__MAX, CRIU_PLUGIN_VERSION, CRIU_PLUGIN_VERSION_OLD};
use criu_plugin::probe::{self, ElfError, ElfFile, Escaped, Library, READ_LIMIT, Source, Version};
use criu_plugin::{Hook, HookSet};
use std::ffi::{CStr, CString, OsStr, OsString, c_int};
use std::fmt::Write as _;
use std::io::Write as _;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The tool's name, as in messages.
pub const TOOL: &str = "criu-plugin-inspect";

/// The version of the JSON layout (`"schema"`): raised when a field changes
/// meaning or goes away, not when one is added.
pub const SCHEMA: u32 = 1;

/// How long a plugin may take to load by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

mod args;
mod child;
mod facts;
mod images;
mod inventory;
mod judge;
mod record;
mod render;
#[cfg(test)]
mod tests;

use args::*;
use child::*;
use facts::*;
use images::*;
use judge::*;
use record::*;
use render::*;

// ---------------------------------------------------------------------------
// The folder
// ---------------------------------------------------------------------------

/// What the operand names: a folder (or none: the loader's), or one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inspected {
    /// A plugin folder: every candidate in it.
    Folder,
    /// One plugin file, judged alone in its folder.
    File,
}

impl Inspected {
    /// `folder` or `file`.
    pub fn word(self) -> &'static str {
        match self {
            Inspected::Folder => "folder",
            Inspected::File => "file",
        }
    }
}

/// The skip list the inspection applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Where it comes from: `CRIU_PLUGIN_SKIP` or `--skip`.
    pub source: &'static str,
    /// Its entries, as the loader takes them.
    pub names: Vec<Vec<u8>>,
}

/// The whole inspection. Paths are bytes; sentences (errors, warnings,
/// notes) have the names in them escaped, as the loader logs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// A folder or one file.
    pub inspected: Inspected,
    /// The folder inspected (a file's folder); `None`: there is none (no
    /// plugins).
    pub folder: Option<Vec<u8>>,
    /// Where the folder came from.
    pub source: Option<&'static str>,
    /// Why the loader would fail on the folder itself.
    pub folder_error: Option<String>,
    /// The skip list in force, if any.
    pub skip: Option<Skip>,
    /// Warnings about the folder and the skip list.
    pub warnings: Vec<String>,
    /// Notes about the folder choice.
    pub notes: Vec<String>,
    /// Whether strict mode was applied.
    pub strict: bool,
    /// The candidate files, in load order.
    pub files: Vec<FileReport>,
}

impl Report {
    fn count(&self, word: &str) -> usize {
        self.files
            .iter()
            .filter(|f| f.status.word() == word)
            .count()
    }

    /// The first file the loader would refuse.
    pub fn first_refused(&self) -> Option<&FileReport> {
        self.files.iter().find(|f| f.status.is_refused())
    }

    /// 1 when the loader would fail (a refused file, a refused or
    /// unreadable folder), else 0.
    pub fn exit_status(&self) -> i32 {
        i32::from(self.folder_error.is_some() || self.first_refused().is_some())
    }
}

pub(crate) fn source_word(source: Source) -> &'static str {
    match source {
        Source::Libdir => "--libdir",
        Source::Setter => "cr_plugin_set_libdir",
        Source::Environment => "CRIU_LIBS_DIR",
        Source::Default => "default",
    }
}

/// The folder of the plugin file `file`, as the loader would have it.
pub(crate) fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `file` as a path `dlopen` takes as a path: with a slash (a bare name
/// would be searched for in the library path).
pub(crate) fn with_slash(file: &Path) -> PathBuf {
    if file.as_os_str().as_bytes().contains(&b'/') {
        file.to_path_buf()
    } else {
        Path::new(".").join(file)
    }
}

/// Whether the operand names one file (anything that exists and is not a
/// folder) rather than a folder.
pub(crate) fn names_a_file(target: &Path) -> bool {
    std::fs::metadata(target).is_ok_and(|m| !m.is_dir())
}

/// The skip list the options give (`--skip`), else the environment's, as
/// the loader reads it; a warning of the loader's goes into `warnings`.
pub(crate) fn skip_list(opts: &Options, warnings: &mut Vec<String>) -> Option<probe::SkipList> {
    let skip = match &opts.skip {
        Some(list) => probe::SkipList::parse(list.as_bytes(), "--skip"),
        None => probe::SkipList::from_env().unwrap_or_else(|ignored| {
            warnings.push(ignored.to_string());
            None
        }),
    };
    if let Some(w) = skip.as_ref().and_then(probe::SkipList::too_many) {
        warnings.push(w.to_string());
    }
    skip
}

/// The loader's warning for each entry of `skip` that matched no plugin of
/// `folder` (`None`: there is no plugin folder).
fn unmatched_warnings<'a>(
    skip: &'a probe::SkipList,
    folder: Option<&'a CStr>,
) -> impl Iterator<Item = String> + 'a {
    skip.unmatched()
        .map(move |entry| skip.unmatched_warning(entry, folder).to_string())
}

/// Inspects the folder the options name (or the loader's), or the one file
/// they name, loading each candidate in a child process. Call it from a
/// single-threaded process.
pub fn inspect(opts: &Options) -> Report {
    let strict = opts.strict || probe::strict_requested_by_env();
    let mut report = Report {
        inspected: Inspected::Folder,
        folder: None,
        source: None,
        folder_error: None,
        skip: None,
        warnings: Vec::new(),
        notes: Vec::new(),
        strict,
        files: Vec::new(),
    };
    // The loader reads its skip list first, then chooses the folder.
    let mut skip = skip_list(opts, &mut report.warnings);
    report.skip = skip.as_ref().map(|s| Skip {
        source: s.source(),
        names: s.entries().map(<[u8]>::to_vec).collect(),
    });
    let file = opts
        .target
        .as_deref()
        .filter(|t| names_a_file(t))
        .map(with_slash);
    if file.is_some() {
        report.inspected = Inspected::File;
    }
    let nul = |what: &str| format!("the {what} name holds a NUL byte");
    let chosen = match (&opts.target, &file) {
        (_, Some(file)) => CString::new(folder_of(file).into_os_string().into_vec())
            .map(|d| (d, "command line"))
            .map_err(|_| nul("file")),
        (Some(dir), None) => CString::new(dir.as_os_str().as_bytes())
            .map(|d| (d, "command line"))
            .map_err(|_| nul("folder")),
        (None, None) => {
            if std::env::var_os("CRIU_LIBS_DIR").is_some() && probe::secure_execution() {
                report.notes.push(
                    "CRIU_LIBS_DIR is ignored: this process runs in secure-execution mode".into(),
                );
            }
            match probe::locate() {
                Ok(Some((dir, source))) => Ok((dir, source_word(source))),
                Err(e) => Err(e.to_string()),
                Ok(None) => {
                    report.notes.push(format!(
                        "no plugin folder: CRIU_LIBS_DIR is not set and the default folder {} does not exist, so the loader loads no plugin",
                        probe::DEFAULT_PLUGIN_DIR
                    ));
                    if let Some(skip) = &skip {
                        report.warnings.extend(unmatched_warnings(skip, None));
                    }
                    return report;
                }
            }
        }
    };
    let (dir, source) = match chosen {
        Ok(c) => c,
        Err(e) => {
            report.folder_error = Some(e);
            return report;
        }
    };
    report.folder = Some(dir.to_bytes().to_vec());
    report.source = Some(source);

    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    // Every folder from / down to the plugin folder, the folder itself
    // last, as the loader walks them.
    let folder_concern = probe::path_concern(&dir, true, euid);
    let concern = folder_concern.as_ref().map(|c| c as &dyn std::fmt::Display);
    match probe::folder_verdict(dir.to_bytes(), concern, strict) {
        probe::FolderVerdict::Go => {}
        probe::FolderVerdict::Warn(msg) => report.warnings.push(msg.to_string()),
        probe::FolderVerdict::Refuse(refusal) => report.folder_error = Some(refusal.to_string()),
    }
    let candidates: Vec<(Vec<u8>, CString)> = match &file {
        Some(file) => match CString::new(file.as_os_str().as_bytes()) {
            Ok(path) => {
                let name = file.file_name().map_or(&[][..], OsStrExt::as_bytes);
                vec![(name.to_vec(), path)]
            }
            Err(_) => {
                report.folder_error = Some(nul("file"));
                return report;
            }
        },
        None => match probe::PluginDir::open(&dir).and_then(|mut d| d.candidates()) {
            Ok(candidates) => candidates
                .into_iter()
                .map(|c| (c.name.into_bytes(), c.path))
                .collect(),
            Err(e) => {
                report.folder_error.get_or_insert(e.to_string());
                return report;
            }
        },
    };
    for (i, (name, path)) in candidates.iter().enumerate() {
        let ev = gather(
            i + 1,
            name,
            path,
            folder_concern.is_some(),
            opts,
            euid,
            skip.as_mut(),
        );
        let mut judged = judge(&ev, strict);
        if file.is_some() && !judged.file.ends_with(b".so") {
            judged.warnings.push(
                "the loader never loads this file from its folder: its name does not end in \".so\""
                    .into(),
            );
        }
        report.files.push(judged);
    }
    mark_alternatives(&mut report.files);
    // Alone, a FILE cannot tell which entries name other files of its
    // folder.
    if let (Some(skip), None) = (&skip, &file) {
        report.warnings.extend(unmatched_warnings(skip, Some(&dir)));
    }
    report
}

/// Whether `skip` names the plugin file `name` (at `path`, of `size`
/// bytes), as the loader asks: by its file name, then by the plugin name
/// read from the file. The list's source when it does.
pub(crate) fn skipped_by(
    skip: &mut probe::SkipList,
    name: &[u8],
    path: &CStr,
    size: u64,
) -> Option<String> {
    let named = skip.names(name, None).is_some()
        || name_for_skip(path, size)
            .is_some_and(|plugin| skip.names(name, Some(&plugin)).is_some());
    named.then(|| skip.source().to_string())
}

/// Collects the evidence on one file (`name` in its folder, at `path`):
/// whether the skip list names it, its trust, what it says, and (unless it
/// is skipped or untrusted) what loading it in a child shows.
pub(crate) fn gather(
    position: usize,
    name: &[u8],
    path: &CStr,
    folder_untrusted: bool,
    opts: &Options,
    euid: u32,
    skip: Option<&mut probe::SkipList>,
) -> Evidence {
    let p = Path::new(OsStr::from_bytes(path.to_bytes()));
    let meta = std::fs::metadata(p);
    // The loader asks the skip list only about regular files (the others
    // it refuses first), before any trust check.
    let skipped_by = match (skip, &meta) {
        (Some(skip), Ok(m)) if m.is_file() => skipped_by(skip, name, path, m.len()),
        _ => None,
    };
    let untrusted = meta
        .as_ref()
        .ok()
        .and_then(|m| probe::untrusted_writer(m.uid(), m.mode(), euid));
    // For a symbolic link, the path to its target, as the loader walks it.
    let is_link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    let path_concern =
        (is_link && skipped_by.is_none() && meta.as_ref().is_ok_and(|m| m.is_file()))
            .then(|| probe::path_concern(path, false, euid))
            .flatten();
    let facts = match &meta {
        Ok(m) => match probe::not_regular(m.mode()) {
            None => FileFacts::read(p),
            Some(kind) => FileFacts::unloadable(Unloadable::NotRegular(kind)),
        },
        Err(e) => FileFacts::unusable(e.to_string()),
    };
    let not_run = if let Some(source) = &skipped_by {
        Some(format!(
            "not loaded by the inspector: named in {source}, the loader never opens it"
        ))
    } else if facts.unloadable.is_some() {
        Some("not loaded by the inspector: the loader refuses it before dlopen".to_string())
    } else if (untrusted.is_some() || path_concern.is_some() || folder_untrusted)
        && !opts.load_untrusted
    {
        Some(
            "not loaded by the inspector: the file or its folder is untrusted (--load-untrusted loads it)"
                .to_string(),
        )
    } else {
        None
    };
    // SAFETY: the tool never starts a thread, so it is single-threaded here.
    let run = not_run
        .is_none()
        .then(|| unsafe { run_child(path, opts.timeout) });
    Evidence {
        position,
        path: path.to_bytes().to_vec(),
        facts,
        run,
        untrusted,
        path_concern,
        skipped_by,
        not_run,
    }
}

fn main() {
    // Keeps the library's C exports in the executable (build.rs exports
    // them dynamically) for the plugins the child loads.
    std::hint::black_box(probe::c_exports().count());
    std::process::exit(run(std::env::args_os().skip(1)));
}

/// Writes `text` to stdout; `false` (after saying why on stderr) when it
/// cannot be written.
fn print(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            error(&format!("cannot write the output: {e}"));
            false
        }
    }
}

/// An error on stderr, after the tool's name: a sentence whose names are
/// escaped already (control characters left in it are escaped too).
fn error(message: &str) {
    let _ = writeln!(std::io::stderr(), "{TOOL}: {}", Safe(message));
}

/// The exit status of a usage error, an unreadable inventory or output
/// that cannot be written.
const TROUBLE: i32 = 2;

/// The tool: parses `args` (without the program name), inspects, prints,
/// and returns the exit status.
fn run<I: IntoIterator<Item = OsString>>(args: I) -> i32 {
    let opts = match parse_args(args) {
        Ok(Command::Inspect(opts)) => opts,
        Ok(Command::Help) => return if print(&help_text()) { 0 } else { TROUBLE },
        Ok(Command::Version) => {
            let text = format!("{TOOL} {}\n", env!("CARGO_PKG_VERSION"));
            return if print(&text) { 0 } else { TROUBLE };
        }
        Err(e) => {
            // The message escapes what came from the command line itself.
            let _ = writeln!(
                std::io::stderr(),
                "{TOOL}: {e}\nTry '{TOOL} --help' for more information."
            );
            return TROUBLE;
        }
    };
    let (text, status) = match &opts.images {
        Some(images) => {
            if let Some(target) = opts.target.as_deref().filter(|t| names_a_file(t)) {
                let _ = writeln!(
                    std::io::stderr(),
                    "{TOOL}: with --images, give the plugin FOLDER, not a file ('{}')\nTry '{TOOL} --help' for more information.",
                    Escaped(target.as_os_str().as_bytes())
                );
                return TROUBLE;
            }
            // The inventory first: broken images need no plugin loaded.
            let (path, inventory) = match read_inventory(images) {
                Ok(found) => found,
                Err(e) => {
                    error(&e);
                    return TROUBLE;
                }
            };
            let check = RestoreCheck::new(images, &path, inventory, inspect(&opts));
            if let Some(e) = &check.report.folder_error {
                error(e);
            }
            let text = if opts.json {
                render_restore_json(&check)
            } else {
                render_restore_human(&check)
            };
            (text, check.exit_status())
        }
        None => {
            let report = inspect(&opts);
            if let Some(e) = &report.folder_error {
                error(e);
            }
            let text = if opts.json {
                render_json(&report)
            } else {
                render_human(&report)
            };
            (text, report.exit_status())
        }
    };
    if print(&text) { status } else { TROUBLE }
}
