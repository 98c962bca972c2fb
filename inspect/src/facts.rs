//! What the tool finds about a file: kinds, statuses, reports, static facts.

use super::*;

/// Descriptor or legacy plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// It exports `CR_PLUGIN_DESC`.
    Descriptor,
    /// It has no descriptor; the loader builds one from its `cr_plugin_*` symbols.
    Legacy,
}

impl Kind {
    /// `descriptor` or `legacy`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Descriptor => "descriptor",
            Kind::Legacy => "legacy",
        }
    }
}

/// The verdict on one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The loader would load it.
    Loads,
    /// It needs symbols only CRIU provides; every check that could be made passed.
    NeedsHost,
    /// Untrusted, so not loaded by the tool; what the file says passes.
    NotLoaded,
    /// Named in the skip list whose source this is (`CRIU_PLUGIN_SKIP`,
    /// `--skip`): the loader never opens it.
    Skipped(String),
    /// The loader would refuse it, for this reason (its sentence, names
    /// escaped).
    Refused(String),
    /// An alternative of a plugin name that an earlier file of the folder
    /// (its path here) is expected to start: the loader opens it and
    /// closes it without its init, unless that file's init fails.
    Alternative(Vec<u8>),
}

impl Status {
    /// `loads`, `needs-host`, `not-loaded`, `skipped`, `refused` or
    /// `alternative`.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Alternative(_) => "alternative",
            Status::Loads => "loads",
            Status::NeedsHost => "needs-host",
            Status::NotLoaded => "not-loaded",
            Status::Skipped(_) => "skipped",
            Status::Refused(_) => "refused",
        }
    }

    /// Whether the loader would refuse the file.
    pub fn is_refused(&self) -> bool {
        matches!(self, Status::Refused(_))
    }

    /// Whether the loader would start the file's plugin: neither refused,
    /// skipped nor an alternative of one expected to start.
    pub fn would_load(&self) -> bool {
        !matches!(
            self,
            Status::Refused(_) | Status::Skipped(_) | Status::Alternative(_)
        )
    }
}

/// Everything known about one candidate file. Paths and names are the
/// file system's (or the plugin's) bytes, made text only when rendered;
/// reasons, warnings and notes are sentences with every name in them
/// escaped, as the loader logs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// Position in load order, from 1.
    pub position: usize,
    /// The full path, as the loader builds it.
    pub path: Vec<u8>,
    /// The file name.
    pub file: Vec<u8>,
    /// The verdict.
    pub status: Status,
    /// Descriptor or legacy, when known.
    pub kind: Option<Kind>,
    /// The plugin's name (a legacy plugin's is its path).
    pub name: Option<Vec<u8>>,
    /// Whether `name` is known: `name == None` then means a NULL name.
    pub name_known: bool,
    /// The interface version it was built for.
    pub version: Option<u32>,
    /// Its `max_hooks`.
    pub max_hooks: Option<u32>,
    /// The hooks it registers, when known.
    pub hooks: Option<HookSet>,
    /// Whether `hooks` is all of them (its constructors ran, or legacy).
    pub hooks_complete: bool,
    /// Whether it has an init function (`None`: unknown).
    pub init: Option<bool>,
    /// Whether it has an exit function (`None`: unknown).
    pub exit: Option<bool>,
    /// Whether the tool loaded it (its constructors ran to the end).
    pub loaded: bool,
    /// Undefined symbols nothing outside CRIU provides.
    pub missing_symbols: Vec<String>,
    /// The files of its group of alternatives (its plugin name), in the
    /// order the loader tries them, itself included; empty when it has no
    /// alternative.
    pub alternatives: Vec<Vec<u8>>,
    /// Warnings the loader would log.
    pub warnings: Vec<String>,
    /// How the information was obtained.
    pub notes: Vec<String>,
}

impl FileReport {
    /// An empty report for `path`.
    pub fn new(position: usize, path: &[u8]) -> FileReport {
        let file = path.rsplit(|&b| b == b'/').next().unwrap_or(path).to_vec();
        FileReport {
            position,
            path: path.to_vec(),
            file,
            status: Status::Loads,
            kind: None,
            name: None,
            name_known: false,
            version: None,
            max_hooks: None,
            hooks: None,
            hooks_complete: false,
            init: None,
            exit: None,
            loaded: false,
            missing_symbols: Vec::new(),
            alternatives: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The name the loader registers it under (its path when the
    /// descriptor has no name, or for a legacy plugin), when known.
    pub fn loader_name(&self) -> Option<Vec<u8>> {
        match self.kind? {
            Kind::Legacy => Some(self.path.clone()),
            Kind::Descriptor if self.name_known => {
                Some(self.name.clone().unwrap_or_else(|| self.path.clone()))
            }
            Kind::Descriptor => None,
        }
    }
}

/// What the file itself says, read without running any of its code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFacts {
    /// Why the file is not a usable ELF file, if it is not.
    pub elf_error: Option<String>,
    /// Why the loader refuses the file before `dlopen`: the tool does not
    /// load it either.
    pub unloadable: Option<Unloadable>,
    /// Why the file's content was not read although its headers are sound
    /// (it is larger than [`READ_LIMIT`]): nothing is known of it.
    pub unread: Option<String>,
    /// What the file says of its plugin, as the loader's reader reads it
    /// (`None` when the file is not read).
    pub plugin: Option<probe::FilePlugin>,
}

/// Why the loader refuses a file before `dlopen`, and so when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unloadable {
    /// It is not a regular file (`dlopen` would block on a FIFO): the
    /// loader's first check, before trust. What it is, in words.
    NotRegular(&'static str),
    /// Its loadable segments reach past its end (mapping it would fault):
    /// checked after trust.
    Truncated(String),
}

impl Unloadable {
    /// The loader's sentence.
    pub fn why(&self) -> String {
        match self {
            Unloadable::NotRegular(kind) => probe::Refused::NotRegular(kind).to_string(),
            Unloadable::Truncated(why) => why.clone(),
        }
    }
}

/// The loader's check before `dlopen` on `file` (of `size` bytes), from
/// one read of its head, as the loader reads it.
pub fn truncation(file: &std::fs::File, size: u64) -> Option<ElfError> {
    let mut head = [0u8; probe::HEADER_READ];
    let n = std::os::unix::fs::FileExt::read_at(file, &mut head, 0).unwrap_or(0);
    probe::cut_short(&head[..n], size)
}

/// The plugin name the loader matches against its skip list, read as it
/// reads it from the file at `path` (of `size` bytes), without running any
/// of its code: a descriptor's name, a legacy plugin's path.
pub fn name_for_skip(path: &CStr, size: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY)
        .open(OsStr::from_bytes(path.to_bytes()))
        .ok()?;
    probe::name_in_file(&file, size, path).map(CString::into_bytes)
}

impl FileFacts {
    /// Facts about a file that cannot be read as ELF.
    pub fn unusable(why: impl Into<String>) -> FileFacts {
        FileFacts {
            elf_error: Some(why.into()),
            ..FileFacts::default()
        }
    }

    /// Facts about a file the loader refuses before `dlopen`.
    pub fn unloadable(why: Unloadable) -> FileFacts {
        FileFacts {
            elf_error: Some(why.why()),
            unloadable: Some(why),
            ..FileFacts::default()
        }
    }

    /// Reads the file at `path`: its headers first (one read of a few
    /// KiB), then, only if they are sound, the file holds every byte its
    /// segments map and it is at most [`READ_LIMIT`] bytes, the whole file.
    /// A path that is not (or no longer) a regular file is refused without
    /// blocking on it.
    pub fn read(path: &Path) -> FileFacts {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO swapped in after the caller's stat must not
        // make the open wait for a writer.
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)
        {
            Ok(file) => file,
            Err(e) => return FileFacts::unusable(format!("cannot open it: {e}")),
        };
        let meta = match file.metadata() {
            Ok(meta) => meta,
            Err(e) => return FileFacts::unusable(format!("cannot stat it: {e}")),
        };
        if let Some(kind) = probe::not_regular(meta.mode()) {
            return FileFacts::unloadable(Unloadable::NotRegular(kind));
        }
        let size = meta.len();
        // The loader's own check first: its verdict on a file cut short,
        // whatever the file's type.
        if let Some(e) = truncation(&file, size) {
            return FileFacts::unloadable(Unloadable::Truncated(e.to_string()));
        }
        // A file the loader's check passes is left to dlopen, as the loader
        // leaves it, even when this fuller reader finds it short.
        if let Err(e) = ElfFile::headers(&file, size).and_then(|head| head.complete()) {
            return FileFacts::unusable(e.to_string());
        }
        if size > READ_LIMIT {
            return FileFacts {
                unread: Some(format!(
                    "not read by the inspector: it is {size} bytes, more than the {READ_LIMIT} bytes it reads of a plugin"
                )),
                ..FileFacts::default()
            };
        }
        match ElfFile::read(&file, size, READ_LIMIT) {
            Ok(elf) => FileFacts::of(&elf),
            Err(e) => FileFacts::unusable(e.to_string()),
        }
    }

    /// The facts of a whole ELF file, as the loader's reader gives them.
    pub fn of(elf: &ElfFile) -> FileFacts {
        match probe::FilePlugin::read(elf) {
            None => {
                FileFacts::unusable("no dynamic section: not a shared object the loader can use")
            }
            plugin => FileFacts {
                plugin,
                ..FileFacts::default()
            },
        }
    }
}
