//! `criu-plugin-inspect`: what a plugin folder holds and what the loader
//! would do with each of its files, without calling any plugin's `init`.
//!
//! Every candidate file is opened with `dlopen(RTLD_LAZY)` in a child
//! process (`fork`): its constructors run there, so hooks registered with
//! `CR_PLUGIN_REGISTER_HOOK` are seen, and a plugin that crashes, calls
//! `exit()` or hangs in its constructors only takes the child down. The
//! child writes a small line-based record to a pipe and leaves with
//! `_exit`; the parent reads it, waits, and judges the file with the
//! loader's own checks ([`descriptor::check_numbers`], the trust check of
//! [`policy::untrusted_writer`], duplicate names), in the loader's order.
//!
//! What the file says can also be read without running any of its code
//! ([`Elf`]): that is how a plugin that needs CRIU's own symbols (which
//! cannot be loaded outside CRIU) still shows its name and version.
//!
//! The parent must be single-threaded when it forks ([`inspect`] is meant
//! for the tool's `main`).

use crate::abi::{CR_PLUGIN_HOOK__MAX, CRIU_PLUGIN_VERSION, CRIU_PLUGIN_VERSION_OLD, CrPluginDesc};
use crate::descriptor::{self, Version};
use crate::dl::{self, Library};
use crate::elf::Elf;
use crate::folder::{self, Source};
use crate::hooks::{Hook, HookSet};
use crate::{host, policy, registry};
use std::ffi::{CStr, CString, OsStr, OsString, c_int};
use std::fmt::Write as _;
use std::io::Write as _;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The tool's name, as in messages.
pub const TOOL: &str = "criu-plugin-inspect";

/// How long a plugin may take to load by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--json`: one JSON object instead of text.
    pub json: bool,
    /// `--strict`: judge as the loader does in strict mode.
    pub strict: bool,
    /// `--load-untrusted`: also run the code of files that fail the trust check.
    pub load_untrusted: bool,
    /// `--timeout SECONDS`: how long a plugin may take to load.
    pub timeout: Duration,
    /// The folder given on the command line, if any.
    pub folder: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            json: false,
            strict: false,
            load_untrusted: false,
            timeout: DEFAULT_TIMEOUT,
            folder: None,
        }
    }
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Inspect a folder.
    Inspect(Options),
    /// `--help`.
    Help,
    /// `--version`.
    Version,
}

fn parse_timeout(value: &OsStr) -> Result<Duration, String> {
    let text = value.to_string_lossy();
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "--timeout needs a number of seconds between 0 and 86400, not '{text}'"
        )),
    }
}

/// Parses the arguments (without the program name). The error is the
/// message for a usage error.
pub fn parse_args<I: IntoIterator<Item = OsString>>(args: I) -> Result<Command, String> {
    let mut opts = Options::default();
    let mut args = args.into_iter();
    let mut only_operands = false;
    while let Some(arg) = args.next() {
        let bytes = arg.as_bytes();
        if only_operands || !bytes.starts_with(b"-") || bytes == b"-" {
            if opts.folder.is_some() {
                return Err(format!(
                    "only one FOLDER may be given (extra: '{}')",
                    arg.to_string_lossy()
                ));
            }
            opts.folder = Some(PathBuf::from(arg));
            continue;
        }
        match bytes {
            b"--" => only_operands = true,
            b"-h" | b"--help" => return Ok(Command::Help),
            b"-V" | b"--version" => return Ok(Command::Version),
            b"--json" => opts.json = true,
            b"--strict" => opts.strict = true,
            b"--load-untrusted" => opts.load_untrusted = true,
            b"--timeout" => {
                let value = args
                    .next()
                    .ok_or_else(|| "--timeout needs a value (seconds)".to_string())?;
                opts.timeout = parse_timeout(&value)?;
            }
            _ if bytes.starts_with(b"--timeout=") => {
                opts.timeout = parse_timeout(OsStr::from_bytes(&bytes[10..]))?;
            }
            _ => return Err(format!("unknown option '{}'", arg.to_string_lossy())),
        }
    }
    Ok(Command::Inspect(opts))
}

/// The complete `--help` text.
pub fn help_text() -> String {
    format!(
        r#"Usage: {TOOL} [--json] [--strict] [--load-untrusted]
                           [--timeout SECONDS] [FOLDER]

Lists every candidate plugin file of a CRIU plugin folder and what the plugin
loader (libcriu-plugin, CRIU's cr_plugin_init) would do with it, without
calling any plugin's init or exit.

FOLDER
  The plugin folder to inspect. Without it, the folder the loader would use
  in this environment:
    1. the folder named by the environment variable CRIU_LIBS_DIR (ignored
       in secure-execution mode, set-user-ID or file capabilities, as the
       loader ignores it);
    2. else the default folder, fixed when the library was built:
         {default}
       if it exists;
    3. else none: the loader would load no plugin.
  Inside CRIU, its --libdir option comes before both: to inspect that
  folder, give it as FOLDER.

Options
  --json               Print one JSON object (described below) instead of text.
  --strict             Judge as the loader does in strict mode: a file or
                       folder that fails the trust check is refused instead
                       of warned about. The environment variable
                       {strict_env}=1 (also yes, on, true), which turns
                       the loader's strict mode on, does the same.
                       Symbols the tool cannot find are taken to come from
                       CRIU (needs-host), in strict mode too.
  --load-untrusted     Also load files that fail the trust check, or that
                       lie in a folder that fails it. By default the tool
                       does not run their code and shows only what can be
                       read from the file (status not-loaded).
  --timeout SECONDS    How long a plugin may take to load (default {timeout});
                       one still loading then is killed and refused.
  -h, --help           Print this text and exit.
  -V, --version        Print the tool's version and exit.

How files are inspected
  The candidates are the folder's entries whose names end in ".so", in load
  order: the byte order of their names. Each is opened with dlopen(RTLD_LAZY)
  in a child process, as the loader opens it: its constructors run there, so
  hooks registered with CR_PLUGIN_REGISTER_HOOK are seen, but its init and
  exit are never called, and a plugin that crashes, calls exit() or hangs in
  its constructors is reported without harming the tool. The tool then applies
  the loader's checks, in the loader's order: trust, loading, the
  descriptor's version and max_hooks, duplicate names, then symbols.

  A plugin that uses symbols only CRIU provides (opts, print_on_level, ...)
  cannot be loaded outside CRIU when it needs them at load time (data
  symbols), or loads but would fail when called (functions). Its undefined
  symbols that neither the C library, its own dependencies nor this tool
  provide are listed; what can be read from the file without running it (the
  descriptor's name, version and max_hooks, the hooks it sets statically,
  a legacy plugin's symbols) is still shown. The tool cannot tell a symbol
  CRIU provides from one CRIU lacks: check the list against your CRIU.

Output (text: one block per candidate file, numbered in load order)
  status     loads: the loader would load it (its init, not called here,
               may still fail);
             needs-host: it needs the symbols listed under "needs" from
               CRIU (the host) and passes every check that could be made;
             not-loaded: untrusted, so not loaded by the tool (see
               --load-untrusted); what the file says passes the checks;
             refused: WHY: the loader would refuse it, and why (not an ELF
               file, the dlopen error, crashed in its constructors: signal N
               (SIGxxx), version too new, max_hooks too big, duplicate name,
               untrusted in strict mode, ...).
  name       the descriptor's name (a legacy plugin is named by its path,
             as the loader names it).
  kind       descriptor (it exports CR_PLUGIN_DESC) or legacy (it exports
             cr_plugin_init and cr_plugin_<hook> functions instead;
             deprecated).
  version    the plugin interface version it was built for, as a.b.c (the
             loader supports up to {version}; legacy plugins are 0.1.0).
  max_hooks  the number of hook slots it claims (the loader knows {max}).
  hooks      the hooks it registers, by name, after its constructors ran;
             "(from the file)" when only what the file says is known.
  init, exit present or absent (never called by the tool).
  needs      the symbols it needs that nothing outside CRIU provides.
  warning    an untrusted file (writable by group or others, or owned by
             a user other than root or the effective user), a legacy plugin.
  note       how the information was obtained.
  A summary follows: counts per status, and the first refused file, at which
  CRIU's plugin initialisation would fail (one refused plugin fails it all).

JSON (--json)
  {{"folder": PATH or null, "folder_source": "command line", "CRIU_LIBS_DIR"
  or "default" (or null), "folder_error": null or the loader's error,
  "warnings": [...], "notes": [...], "strict": BOOL,
  "supported_version": "{version}", "supported_max_hooks": {max},
  "summary": {{"candidates": N, "loads": N, "needs_host": N, "not_loaded": N,
  "refused": N}}, "first_refused": PATH or null, "exit_status": N,
  "plugins": [{{"position": N, "file": NAME, "path": PATH, "status": "loads",
  "needs-host", "not-loaded" or "refused", "reason": null or WHY, "kind":
  "descriptor", "legacy" or null, "name", "version" ("a.b.c"),
  "version_number", "max_hooks", "hooks": [NAMES] (null when unknown),
  "hooks_complete": BOOL, "init" and "exit": "present", "absent" or null,
  "loaded": BOOL (whether the tool could load it), "missing_symbols": [...],
  "duplicate_of": null or PATH, "warnings": [...], "notes": [...]}}, ...]}}
  Unknown values are null.

Exit status
  0  no candidate would be refused (there may be none, some may need CRIU's
     symbols or carry warnings);
  1  at least one candidate would be refused, or the folder cannot be read
     or is refused (strict mode), so CRIU's plugin initialisation would fail;
  2  usage error.
"#,
        default = host::DEFAULT_PLUGIN_DIR,
        strict_env = policy::STRICT_ENV,
        timeout = DEFAULT_TIMEOUT.as_secs(),
        version = Version(CRIU_PLUGIN_VERSION),
        max = CR_PLUGIN_HOOK__MAX,
    )
}

// ---------------------------------------------------------------------------
// What the tool finds
// ---------------------------------------------------------------------------

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
    /// The loader would refuse it, for this reason.
    Refused(String),
}

impl Status {
    /// `loads`, `needs-host`, `not-loaded` or `refused`.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Loads => "loads",
            Status::NeedsHost => "needs-host",
            Status::NotLoaded => "not-loaded",
            Status::Refused(_) => "refused",
        }
    }

    /// Whether the loader would refuse the file.
    pub fn is_refused(&self) -> bool {
        matches!(self, Status::Refused(_))
    }
}

/// Everything known about one candidate file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// Position in load order, from 1.
    pub position: usize,
    /// The full path, as the loader builds it.
    pub path: String,
    /// The file name.
    pub file: String,
    /// The verdict.
    pub status: Status,
    /// Descriptor or legacy, when known.
    pub kind: Option<Kind>,
    /// The plugin's name (a legacy plugin's is its path).
    pub name: Option<String>,
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
    /// The earlier file that has the same plugin name.
    pub duplicate_of: Option<String>,
    /// Warnings the loader would log.
    pub warnings: Vec<String>,
    /// How the information was obtained.
    pub notes: Vec<String>,
}

impl FileReport {
    /// An empty report for `path`.
    pub fn new(position: usize, path: &str) -> FileReport {
        let file = path.rsplit('/').next().unwrap_or(path).to_owned();
        FileReport {
            position,
            path: path.to_owned(),
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
            duplicate_of: None,
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The name the loader registers it under (its path when the
    /// descriptor has no name, or for a legacy plugin), when known.
    pub fn loader_name(&self) -> Option<String> {
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
    /// Its `CR_PLUGIN_DESC`, if it defines one.
    pub descriptor: Option<StaticDescriptor>,
    /// Without a descriptor: the hooks of its legacy symbols.
    pub legacy_hooks: HookSet,
    /// Without a descriptor: whether it defines `cr_plugin_init`.
    pub legacy_init: bool,
    /// Without a descriptor: whether it defines `cr_plugin_fini`.
    pub legacy_exit: bool,
}

/// `CR_PLUGIN_DESC` as the file holds it before any constructor ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaticDescriptor {
    /// The name, when a relocation gives it.
    pub name: Option<String>,
    /// `version`.
    pub version: Option<u32>,
    /// `max_hooks`.
    pub max_hooks: Option<u32>,
    /// Hook slots set in the file itself.
    pub hooks: HookSet,
    /// Whether `init` is set in the file (a value or a relocation).
    pub init: bool,
    /// Whether `exit` is set in the file (a value or a relocation).
    pub exit: bool,
}

impl FileFacts {
    /// Facts about a file that cannot be read as ELF.
    pub fn unusable(why: impl Into<String>) -> FileFacts {
        FileFacts {
            elf_error: Some(why.into()),
            ..FileFacts::default()
        }
    }

    /// Reads the file at `path` (a regular file).
    pub fn read(path: &Path) -> FileFacts {
        match Elf::open(path) {
            Ok(elf) => FileFacts::of(&elf),
            Err(e) => FileFacts::unusable(e),
        }
    }

    /// The facts of a parsed ELF file.
    pub fn of(elf: &Elf) -> FileFacts {
        let symbols = elf.dynamic_symbols();
        let defines = |name: &str| symbols.iter().any(|s| s.defined && s.name == name);
        let Some(desc) = symbols
            .iter()
            .find(|s| s.defined && s.name == "CR_PLUGIN_DESC")
        else {
            return FileFacts {
                legacy_hooks: Hook::ALL
                    .into_iter()
                    .filter(|h| defines(h.legacy_symbol()))
                    .fold(HookSet::empty(), |set, h| set | HookSet::of(h)),
                legacy_init: defines("cr_plugin_init"),
                legacy_exit: defines("cr_plugin_fini"),
                ..FileFacts::default()
            };
        };
        let at = desc.value;
        let max_hooks = elf.u32_at_addr(at + 28);
        // Only slots that lie inside the symbol and below max_hooks.
        let slots_in_symbol = if desc.size >= 32 {
            ((desc.size - 32) / 8) as usize
        } else {
            0
        };
        // A pointer the file sets: a value, or a relocation to a local or
        // global function.
        let is_set = |vaddr: u64| elf.pointer_is_set(vaddr) || elf.has_relocation(vaddr);
        let slots = slots_in_symbol
            .min(CR_PLUGIN_HOOK__MAX)
            .min(max_hooks.unwrap_or(0) as usize);
        let hooks = Hook::ALL[..slots]
            .iter()
            .filter(|h| is_set(at + 32 + 8 * h.index() as u64))
            .fold(HookSet::empty(), |set, h| set | HookSet::of(*h));
        let set = |offset: u64| is_set(at + offset);
        FileFacts {
            descriptor: Some(StaticDescriptor {
                name: elf.string_via_pointer(at),
                version: elf.u32_at_addr(at + 24),
                max_hooks,
                hooks,
                init: set(8),
                exit: set(16),
            }),
            ..FileFacts::default()
        }
    }
}

// ---------------------------------------------------------------------------
// The child's record
// ---------------------------------------------------------------------------

/// What the child found, as it reports it line by line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// `dlopen` returned: the constructors ran to the end.
    pub opened: bool,
    /// `dlopen`'s error text.
    pub dlerror: Option<String>,
    /// Descriptor or legacy.
    pub kind: Option<Kind>,
    /// The descriptor's name: `Some(None)` for a NULL name.
    pub name: Option<Option<String>>,
    /// `version`.
    pub version: Option<u32>,
    /// `max_hooks`.
    pub max_hooks: Option<u32>,
    /// The hooks filled in.
    pub hooks: Option<HookSet>,
    /// Whether an init function is set.
    pub init: Option<bool>,
    /// Whether an exit function is set.
    pub exit: Option<bool>,
    /// Undefined symbols nothing in the child provides.
    pub missing: Vec<String>,
    /// The child finished its report.
    pub end: bool,
}

/// Escapes a record value: backslash and newline.
pub fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Undoes [`escape_value`].
pub fn unescape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// One record line: `key` or `key value`, newline-terminated.
pub fn record_line(key: &str, value: Option<&str>) -> String {
    match value {
        Some(v) => format!("{key} {}\n", escape_value(v)),
        None => format!("{key}\n"),
    }
}

fn flag(value: &str) -> Option<bool> {
    match value {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

impl Record {
    /// Parses what the child wrote; unknown or torn lines are ignored.
    pub fn parse(text: &str) -> Record {
        let mut r = Record::default();
        // Only complete lines: a child that died mid-write leaves a torn one.
        let complete = match text.rfind('\n') {
            Some(end) => &text[..end],
            None => "",
        };
        for line in complete.lines() {
            let (key, value) = match line.split_once(' ') {
                Some((k, v)) => (k, unescape_value(v)),
                None => (line, String::new()),
            };
            match key {
                "opened" => r.opened = true,
                "dlerror" => r.dlerror = Some(value),
                "descriptor" => r.kind = Some(Kind::Descriptor),
                "legacy" => r.kind = Some(Kind::Legacy),
                "name" => r.name = Some(Some(value)),
                "noname" => r.name = Some(None),
                "version" => r.version = value.parse().ok(),
                "max_hooks" => r.max_hooks = value.parse().ok(),
                "hooks" => r.hooks = value.parse().ok().map(HookSet::from_bits_truncate),
                "init" => r.init = flag(&value),
                "exit" => r.exit = flag(&value),
                "missing" => r.missing.push(value),
                "end" => r.end = true,
                _ => {}
            }
        }
        r
    }
}

/// How the child ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// `_exit` or `exit` with this status.
    Exited(i32),
    /// Killed by this signal.
    Signalled(i32),
    /// Still running after the timeout, then killed.
    TimedOut(Duration),
    /// No child could be run.
    Failed(String),
}

/// A child's record and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// What it reported.
    pub record: Record,
    /// How it ended.
    pub ending: Ending,
}

/// The conventional name of a signal number (`SIGSEGV`), or `"?"`.
pub fn signal_name(signal: i32) -> &'static str {
    const NAMES: [&str; 32] = [
        "?",
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    usize::try_from(signal)
        .ok()
        .and_then(|i| NAMES.get(i).copied())
        .unwrap_or("?")
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// Why a child that did not finish its report failed, given whether
/// `dlopen` had returned (`opened`).
pub fn ending_reason(ending: &Ending, opened: bool) -> String {
    let stage = if opened {
        "while its descriptor was read"
    } else {
        "in its constructors"
    };
    match ending {
        Ending::Signalled(s) => format!("crashed {stage}: signal {s} ({})", signal_name(*s)),
        Ending::Exited(code) if opened => format!("exited {stage} (status {code})"),
        Ending::Exited(code) => {
            format!("called exit({code}) {stage}, which would end CRIU")
        }
        Ending::TimedOut(d) => format!("still running after {} {stage} (hangs?)", seconds(*d)),
        Ending::Failed(why) => format!("the inspector could not load it: {why}"),
    }
}

/// Whether a `dlopen` error is about an unresolved symbol.
pub fn is_undefined_symbol_error(dlerror: &str) -> bool {
    dlerror.contains("undefined symbol")
}

/// The symbol a `dlopen` "undefined symbol: NAME" error names.
pub fn undefined_symbol_in(dlerror: &str) -> Option<&str> {
    let (_, rest) = dlerror.split_once("undefined symbol: ")?;
    let name = rest.split([' ', ',', '\t', '(']).next()?;
    (!name.is_empty()).then_some(name)
}

// ---------------------------------------------------------------------------
// Judging one file (pure)
// ---------------------------------------------------------------------------

fn fill_from_record(r: &mut FileReport, rec: &Record) {
    r.kind = rec.kind;
    match rec.kind {
        Some(Kind::Legacy) => {
            r.name = Some(r.path.clone());
            r.name_known = true;
            r.version = Some(CRIU_PLUGIN_VERSION_OLD);
            r.max_hooks = Some(CR_PLUGIN_HOOK__MAX as u32);
        }
        Some(Kind::Descriptor) => {
            r.name_known = rec.name.is_some();
            r.name = rec.name.clone().flatten();
            r.version = rec.version;
            r.max_hooks = rec.max_hooks;
        }
        None => {}
    }
    r.hooks = rec.hooks;
    r.hooks_complete = rec.hooks.is_some();
    r.init = rec.init;
    r.exit = rec.exit;
}

fn fill_from_facts(r: &mut FileReport, facts: &FileFacts) {
    if facts.elf_error.is_some() {
        return;
    }
    match &facts.descriptor {
        Some(d) => {
            r.kind = Some(Kind::Descriptor);
            r.name_known = d.name.is_some();
            r.name = d.name.clone();
            r.version = d.version;
            r.max_hooks = d.max_hooks;
            r.hooks = Some(d.hooks);
            r.hooks_complete = false;
            r.init = Some(d.init);
            r.exit = Some(d.exit);
        }
        None => {
            r.kind = Some(Kind::Legacy);
            r.name = Some(r.path.clone());
            r.name_known = true;
            r.version = Some(CRIU_PLUGIN_VERSION_OLD);
            r.max_hooks = Some(CR_PLUGIN_HOOK__MAX as u32);
            r.hooks = Some(facts.legacy_hooks);
            r.hooks_complete = true;
            r.init = Some(facts.legacy_init);
            r.exit = Some(facts.legacy_exit);
        }
    }
    r.notes
        .push("read from the file, without running any of its code".into());
}

/// What the inspector knows of one file before judging it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Position in load order, from 1.
    pub position: usize,
    /// The file's path.
    pub path: String,
    /// What the file says.
    pub facts: FileFacts,
    /// The child's findings; `None` when the file was not loaded.
    pub run: Option<Run>,
    /// Why the file is untrusted (the trust check's sentence), if it is.
    pub untrusted: Option<String>,
    /// Why the tool did not load the file, if it did not.
    pub skipped: Option<String>,
}

/// Judges one file as the loader would, checks in the loader's order:
/// trust, loading, descriptor numbers, (duplicates: see
/// [`mark_duplicates`]), symbols.
pub fn judge(ev: &Evidence, strict: bool) -> FileReport {
    let mut r = FileReport::new(ev.position, &ev.path);
    let mut refusal: Option<String> = None;
    if let Some(why) = &ev.untrusted {
        let msg = format!("Plugin file {} {why}", ev.path);
        if strict {
            refusal = Some(format!("{msg} (strict mode)"));
        } else {
            r.warnings.push(msg);
        }
    }
    match &ev.run {
        Some(run) if run.record.opened => {
            r.loaded = run.record.end;
            if run.record.kind.is_some() {
                fill_from_record(&mut r, &run.record);
            } else {
                fill_from_facts(&mut r, &ev.facts);
            }
            r.missing_symbols = run.record.missing.clone();
            if !run.record.end {
                refusal.get_or_insert_with(|| ending_reason(&run.ending, true));
            }
        }
        Some(run) if run.record.end => {
            let err = run.record.dlerror.clone().unwrap_or_default();
            if let Some(not_elf) = &ev.facts.elf_error {
                refusal.get_or_insert_with(|| format!("{not_elf} (dlopen: {err})"));
            } else if is_undefined_symbol_error(&err) {
                fill_from_facts(&mut r, &ev.facts);
                r.missing_symbols = run.record.missing.clone();
                if let Some(sym) = undefined_symbol_in(&err)
                    && !r.missing_symbols.iter().any(|s| s == sym)
                {
                    r.missing_symbols.insert(0, sym.to_owned());
                }
                r.notes.push(format!(
                    "cannot be loaded outside CRIU (dlopen: {err}); its constructors did not run"
                ));
            } else {
                refusal.get_or_insert_with(|| format!("Unable to load: {err}"));
            }
        }
        Some(run) => {
            fill_from_facts(&mut r, &ev.facts);
            refusal.get_or_insert_with(|| ending_reason(&run.ending, false));
        }
        None => {
            fill_from_facts(&mut r, &ev.facts);
            if let Some(why) = &ev.skipped {
                r.notes.push(why.clone());
            }
        }
    }
    if let (Some(version), Some(max_hooks)) = (r.version, r.max_hooks)
        && let Err(why) = descriptor::check_numbers(
            version,
            max_hooks,
            r.hooks.unwrap_or_default(),
            CR_PLUGIN_HOOK__MAX,
        )
    {
        refusal.get_or_insert_with(|| why.to_string());
    }
    if r.kind == Some(Kind::Legacy) {
        r.warnings.push(
            "legacy plugin (no CR_PLUGIN_DESC): deprecated; the loader builds a descriptor from its cr_plugin_* symbols"
                .into(),
        );
    }
    if r.kind == Some(Kind::Descriptor) && r.name_known && r.name.is_none() {
        r.notes
            .push("its descriptor has no name: the loader names it by its path".into());
    }
    r.status = match refusal {
        Some(why) => Status::Refused(why),
        None if !r.missing_symbols.is_empty() => Status::NeedsHost,
        None if ev.run.is_none() => Status::NotLoaded,
        None => Status::Loads,
    };
    r
}

/// Refuses, as the loader does, every file whose plugin name an earlier,
/// not refused, file already has.
pub fn mark_duplicates(files: &mut [FileReport]) {
    let mut taken: Vec<(String, String)> = Vec::new();
    for f in files.iter_mut() {
        if f.status.is_refused() {
            continue;
        }
        let Some(name) = f.loader_name() else {
            continue;
        };
        match taken.iter().find(|(n, _)| *n == name) {
            Some((_, first)) => {
                f.status = Status::Refused(format!(
                    "plugin name \"{name}\" is already taken by {first}"
                ));
                f.duplicate_of = Some(first.clone());
            }
            None => taken.push((name, f.path.clone())),
        }
    }
}

// ---------------------------------------------------------------------------
// The folder
// ---------------------------------------------------------------------------

/// The whole inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The folder inspected; `None`: there is none (no plugins).
    pub folder: Option<String>,
    /// Where the folder came from.
    pub source: Option<&'static str>,
    /// Why the loader would fail on the folder itself.
    pub folder_error: Option<String>,
    /// Warnings about the folder.
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

fn source_word(source: Source) -> &'static str {
    match source {
        Source::Libdir => "--libdir",
        Source::Setter => "cr_plugin_set_libdir",
        Source::Environment => "CRIU_LIBS_DIR",
        Source::Default => "default",
    }
}

/// Inspects the folder the options name (or the loader's), loading each
/// candidate in a child process. Call it from a single-threaded process.
pub fn inspect(opts: &Options) -> Report {
    let strict = opts.strict
        || std::env::var_os(policy::STRICT_ENV).is_some_and(|v| policy::parse_strict(v.as_bytes()));
    let mut report = Report {
        folder: None,
        source: None,
        folder_error: None,
        warnings: Vec::new(),
        notes: Vec::new(),
        strict,
        files: Vec::new(),
    };
    let chosen = match &opts.folder {
        Some(dir) => CString::new(dir.as_os_str().as_bytes())
            .map(|d| (d, "command line"))
            .map_err(|_| "the folder name holds a NUL byte".to_string()),
        None => {
            if std::env::var_os("CRIU_LIBS_DIR").is_some() && host::secure_execution() {
                report.notes.push(
                    "CRIU_LIBS_DIR is ignored: this process runs in secure-execution mode".into(),
                );
            }
            match folder::locate() {
                Some((dir, source)) => Ok((dir, source_word(source))),
                None => {
                    report.notes.push(format!(
                        "no plugin folder: CRIU_LIBS_DIR is not set and the default folder {} does not exist, so the loader loads no plugin",
                        host::DEFAULT_PLUGIN_DIR
                    ));
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
    let shown = dir.to_string_lossy().into_owned();
    report.folder = Some(shown.clone());
    report.source = Some(source);

    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    let dir_path = Path::new(OsStr::from_bytes(dir.to_bytes()));
    let folder_untrusted = std::fs::metadata(dir_path)
        .ok()
        .and_then(|m| policy::untrusted_writer(&m, euid));
    if let Some(why) = &folder_untrusted {
        let msg = format!("Plugin folder {shown} {why}");
        if strict {
            report.folder_error = Some(format!(
                "Refusing plugin folder {shown}: {msg} (strict mode)"
            ));
        } else {
            report.warnings.push(msg);
        }
    }
    let paths = match folder::candidates(&dir) {
        Ok(paths) => paths,
        Err(e) => {
            report.folder_error.get_or_insert(e);
            return report;
        }
    };
    for (i, path) in paths.iter().enumerate() {
        let ev = gather(i + 1, path, folder_untrusted.is_some(), opts, euid);
        report.files.push(judge(&ev, strict));
    }
    mark_duplicates(&mut report.files);
    report
}

/// Collects the evidence on one file: its trust, what it says, and (unless
/// it is untrusted) what loading it in a child shows.
fn gather(
    position: usize,
    path: &CStr,
    folder_untrusted: bool,
    opts: &Options,
    euid: u32,
) -> Evidence {
    let p = Path::new(OsStr::from_bytes(path.to_bytes()));
    let meta = std::fs::metadata(p);
    let untrusted = meta
        .as_ref()
        .ok()
        .and_then(|m| policy::untrusted_writer(m, euid));
    let facts = match &meta {
        Ok(m) if m.is_file() => FileFacts::read(p),
        Ok(_) => FileFacts::unusable("not a regular file"),
        Err(e) => FileFacts::unusable(e.to_string()),
    };
    let skipped = ((untrusted.is_some() || folder_untrusted) && !opts.load_untrusted).then(|| {
        "not loaded by the inspector: the file or its folder is untrusted (--load-untrusted loads it)"
            .to_string()
    });
    let run = skipped.is_none().then(|| run_child(path, opts.timeout));
    Evidence {
        position,
        path: path.to_string_lossy().into_owned(),
        facts,
        run,
        untrusted,
        skipped,
    }
}

// ---------------------------------------------------------------------------
// The child process
// ---------------------------------------------------------------------------

/// Writes record lines straight to the pipe, unbuffered, so what was
/// written before a crash reaches the parent.
struct RecordWriter(c_int);

impl RecordWriter {
    fn put(&self, key: &str, value: Option<&str>) {
        let line = record_line(key, value);
        let mut rest = line.as_bytes();
        while !rest.is_empty() {
            // SAFETY: `rest` is a live byte slice; the fd is our pipe's write end.
            let n = unsafe { libc::write(self.0, rest.as_ptr().cast(), rest.len()) };
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if n <= 0 {
                return;
            }
            rest = &rest[n as usize..];
        }
    }
}

/// Loads `path` and reports on it; never returns.
fn child_main(path: &CStr, fd: c_int) -> ! {
    // SAFETY: plain system calls on this process: no core files for plugins
    // that crash, and the plugins' chatter goes to stderr, never into the
    // tool's stdout (which may be JSON).
    unsafe {
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        libc::dup2(2, 1);
    }
    let out = RecordWriter(fd);
    match Library::open(path, libc::RTLD_LAZY) {
        Ok(library) => {
            out.put("opened", None);
            describe(&library, &out);
            for sym in policy::missing_symbols(&library) {
                out.put("missing", Some(&sym));
            }
            // Never dlclose: that would run the plugin's destructors.
            std::mem::forget(library);
        }
        Err(e) => {
            out.put("dlerror", Some(&e));
            if is_undefined_symbol_error(&e) {
                for sym in unresolved_in_file(path) {
                    out.put("missing", Some(&sym));
                }
            }
        }
    }
    out.put("end", None);
    // SAFETY: _exit ends the child at once, without running atexit handlers
    // or the plugin's destructors.
    unsafe { libc::_exit(0) }
}

/// Reports the loaded plugin's descriptor (or the one the loader would
/// build for a legacy plugin), the way the loader reads it.
fn describe(library: &Library, out: &RecordWriter) {
    let bit = |b: bool| Some(if b { "1" } else { "0" });
    match library.symbol(c"CR_PLUGIN_DESC") {
        Some(sym) => {
            out.put("descriptor", None);
            let desc = sym.cast::<CrPluginDesc>().as_ptr();
            // SAFETY: by the plugin ABI, CR_PLUGIN_DESC is a cr_plugin_desc_t;
            // the library stays loaded. A plugin that lies can only crash
            // this child, which the parent reports.
            let (version, max_hooks, init, exit) = unsafe {
                (
                    (*desc).version,
                    (*desc).max_hooks,
                    (*desc).init.is_some(),
                    (*desc).exit.is_some(),
                )
            };
            out.put("version", Some(&version.to_string()));
            out.put("max_hooks", Some(&max_hooks.to_string()));
            out.put("init", bit(init));
            out.put("exit", bit(exit));
            // SAFETY: as above; the name is NULL or a C string.
            match unsafe { descriptor::name_of(desc) } {
                Some(name) => out.put("name", Some(&name)),
                None => out.put("noname", None),
            }
            // The loader reads only max_hooks slots, never past its own
            // count; with a max_hooks too big, read the slots only if the
            // symbol is big enough to hold them all.
            let readable = max_hooks as usize <= CR_PLUGIN_HOOK__MAX
                || dl::symbol_size(desc as usize)
                    .is_some_and(|size| size >= std::mem::size_of::<CrPluginDesc>());
            if readable {
                // SAFETY: the hooks array holds min(max_hooks, MAX) slots:
                // the plugin ABI, or the symbol's size checked above.
                let hooks = unsafe { registry::filled_hooks(desc) };
                out.put("hooks", Some(&hooks.bits().to_string()));
            }
        }
        None => {
            out.put("legacy", None);
            let hooks = Hook::ALL
                .into_iter()
                .filter(|h| library.own_symbol(h.legacy_symbol_c()).is_some())
                .fold(HookSet::empty(), |set, h| set | HookSet::of(h));
            out.put("init", bit(library.own_symbol(c"cr_plugin_init").is_some()));
            out.put("exit", bit(library.own_symbol(c"cr_plugin_fini").is_some()));
            out.put("hooks", Some(&hooks.bits().to_string()));
        }
    }
}

/// For a file `dlopen` refused over an undefined symbol: every undefined,
/// non-weak symbol of its `.dynsym` that neither this process nor the
/// file's own dependencies provide.
fn unresolved_in_file(path: &CStr) -> Vec<String> {
    let p = Path::new(OsStr::from_bytes(path.to_bytes()));
    let Ok(elf) = Elf::open(p) else {
        return Vec::new();
    };
    let folder = p.parent().unwrap_or(Path::new("."));
    let deps: Vec<Library> = elf
        .needed()
        .iter()
        .filter_map(|name| {
            let by_name = CString::new(name.as_bytes()).ok()?;
            Library::open(&by_name, libc::RTLD_LAZY)
                .or_else(|e| {
                    // A dependency beside the plugin ($ORIGIN).
                    let beside = CString::new(folder.join(name).into_os_string().into_vec())
                        .map_err(|_| e)?;
                    Library::open(&beside, libc::RTLD_LAZY)
                })
                .ok()
        })
        .collect();
    elf.dynamic_symbols()
        .into_iter()
        .filter(|s| !s.defined && !s.weak)
        .filter(|s| {
            let Ok(name) = CString::new(s.name.as_str()) else {
                return false;
            };
            dl::global_symbol(&name).is_none() && deps.iter().all(|d| d.symbol(&name).is_none())
        })
        .map(|s| s.name)
        .collect()
}

fn close(fd: c_int) {
    // SAFETY: closing a descriptor this module opened and owns.
    unsafe { libc::close(fd) };
}

/// Loads `path` in a child process and collects its record, killing it
/// after `timeout`.
pub fn run_child(path: &CStr, timeout: Duration) -> Run {
    let failed = |what: &str| Run {
        record: Record::default(),
        ending: Ending::Failed(format!("{what}: {}", std::io::Error::last_os_error())),
    };
    let mut fds = [0 as c_int; 2];
    // SAFETY: pipe2 writes two descriptors into the two-element array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return failed("pipe");
    }
    let [read_end, write_end] = fds;
    // Nothing may sit in our stdout buffer: the child must not print it again.
    let _ = std::io::stdout().flush();
    // SAFETY: the tool is single-threaded (see the module docs), so the
    // child may allocate and call dlopen; it leaves only through _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        close(read_end);
        close(write_end);
        return failed("fork");
    }
    if pid == 0 {
        close(read_end);
        child_main(path, write_end);
    }
    close(write_end);
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    let mut timed_out = false;
    loop {
        if bytes.ends_with(b"\nend\n") || bytes == b"end\n" {
            break;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            timed_out = true;
            break;
        }
        let mut pfd = libc::pollfd {
            fd: read_end,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().clamp(1, c_int::MAX as u128) as c_int;
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        if rc == 0 {
            continue;
        }
        let mut chunk = [0u8; 4096];
        // SAFETY: reading into a local buffer of the given length.
        let n = unsafe { libc::read(read_end, chunk.as_mut_ptr().cast(), chunk.len()) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n as usize]);
    }
    close(read_end);
    let status = wait_for(pid, if timed_out { Instant::now() } else { deadline });
    let record = Record::parse(&String::from_utf8_lossy(&bytes));
    let ending = match status {
        None => Ending::TimedOut(timeout),
        Some(s) if libc::WIFSIGNALED(s) => Ending::Signalled(libc::WTERMSIG(s)),
        Some(s) => Ending::Exited(libc::WEXITSTATUS(s)),
    };
    Run { record, ending }
}

/// Reaps `pid`, killing it if it is still running at `deadline`. `None`:
/// it had to be killed.
fn wait_for(pid: libc::pid_t, deadline: Instant) -> Option<c_int> {
    let mut status: c_int = 0;
    loop {
        // SAFETY: waiting for our own child; status is a valid out-pointer.
        let rc = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if rc == pid {
            return Some(status);
        }
        if rc < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return Some(status);
        }
        if Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: killing and reaping our own child, not yet reaped.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
        while libc::waitpid(pid, &mut status, 0) < 0
            && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {}
    }
    None
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// A JSON string literal for `s`, quotes included.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_opt_str(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), json_string)
}

fn json_opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "null".to_string(), |v| v.to_string())
}

fn json_strings<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| json_string(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

fn hook_names(set: HookSet) -> Vec<&'static str> {
    set.hooks().map(Hook::name).collect()
}

fn presence(v: Option<bool>) -> Option<&'static str> {
    v.map(|p| if p { "present" } else { "absent" })
}

fn reason(status: &Status) -> Option<&str> {
    match status {
        Status::Refused(why) => Some(why),
        _ => None,
    }
}

/// The report as one JSON object.
pub fn render_json(report: &Report) -> String {
    let mut o = String::new();
    o.push_str("{\n");
    let _ = writeln!(
        o,
        "  \"folder\": {},",
        json_opt_str(report.folder.as_deref())
    );
    let _ = writeln!(o, "  \"folder_source\": {},", json_opt_str(report.source));
    let _ = writeln!(
        o,
        "  \"folder_error\": {},",
        json_opt_str(report.folder_error.as_deref())
    );
    let _ = writeln!(o, "  \"warnings\": {},", json_strings(&report.warnings));
    let _ = writeln!(o, "  \"notes\": {},", json_strings(&report.notes));
    let _ = writeln!(o, "  \"strict\": {},", report.strict);
    let _ = writeln!(
        o,
        "  \"supported_version\": {},",
        json_string(&Version(CRIU_PLUGIN_VERSION).to_string())
    );
    let _ = writeln!(o, "  \"supported_max_hooks\": {CR_PLUGIN_HOOK__MAX},");
    let _ = writeln!(
        o,
        "  \"summary\": {{\"candidates\": {}, \"loads\": {}, \"needs_host\": {}, \"not_loaded\": {}, \"refused\": {}}},",
        report.files.len(),
        report.count("loads"),
        report.count("needs-host"),
        report.count("not-loaded"),
        report.count("refused")
    );
    let _ = writeln!(
        o,
        "  \"first_refused\": {},",
        json_opt_str(report.first_refused().map(|f| f.path.as_str()))
    );
    let _ = writeln!(o, "  \"exit_status\": {},", report.exit_status());
    o.push_str("  \"plugins\": [");
    for (i, f) in report.files.iter().enumerate() {
        o.push_str(if i == 0 { "\n" } else { ",\n" });
        o.push_str(&json_file(f));
    }
    o.push_str(if report.files.is_empty() {
        "]\n"
    } else {
        "\n  ]\n"
    });
    o.push_str("}\n");
    o
}

fn json_file(f: &FileReport) -> String {
    let fields = [
        ("position", f.position.to_string()),
        ("file", json_string(&f.file)),
        ("path", json_string(&f.path)),
        ("status", json_string(f.status.word())),
        ("reason", json_opt_str(reason(&f.status))),
        ("kind", json_opt_str(f.kind.map(Kind::word))),
        ("name", json_opt_str(f.name.as_deref())),
        (
            "version",
            json_opt_str(f.version.map(|v| Version(v).to_string()).as_deref()),
        ),
        ("version_number", json_opt(f.version)),
        ("max_hooks", json_opt(f.max_hooks)),
        (
            "hooks",
            f.hooks
                .map_or_else(|| "null".into(), |h| json_strings(&hook_names(h))),
        ),
        ("hooks_complete", f.hooks_complete.to_string()),
        ("init", json_opt_str(presence(f.init))),
        ("exit", json_opt_str(presence(f.exit))),
        ("loaded", f.loaded.to_string()),
        ("missing_symbols", json_strings(&f.missing_symbols)),
        ("duplicate_of", json_opt_str(f.duplicate_of.as_deref())),
        ("warnings", json_strings(&f.warnings)),
        ("notes", json_strings(&f.notes)),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("      {}: {v}", json_string(k)))
        .collect();
    format!("    {{\n{}\n    }}", body.join(",\n"))
}

fn field(o: &mut String, label: &str, value: &str) {
    let _ = writeln!(o, "   {label:<10} {value}");
}

/// The report as text: a header, one block per file, a summary.
pub fn render_human(report: &Report) -> String {
    let mut o = String::new();
    match (&report.folder, report.source) {
        (Some(folder), Some(source)) => {
            let _ = writeln!(o, "Plugin folder: {folder} (from {source})");
        }
        (Some(folder), None) => {
            let _ = writeln!(o, "Plugin folder: {folder}");
        }
        (None, _) => o.push_str("Plugin folder: none\n"),
    }
    let _ = writeln!(
        o,
        "Loader: plugin versions up to {}, {CR_PLUGIN_HOOK__MAX} hooks; strict mode {}",
        Version(CRIU_PLUGIN_VERSION),
        if report.strict { "on" } else { "off" }
    );
    for w in &report.warnings {
        let _ = writeln!(o, "warning: {w}");
    }
    for n in &report.notes {
        let _ = writeln!(o, "note: {n}");
    }
    if let Some(e) = &report.folder_error {
        let _ = writeln!(o, "error: {e}");
    }
    for f in &report.files {
        o.push('\n');
        render_file(&mut o, f);
    }
    o.push('\n');
    if report.folder.is_some() && report.files.is_empty() && report.folder_error.is_none() {
        o.push_str("No candidate files (*.so): the loader loads no plugin.\n");
    }
    if !report.files.is_empty() {
        let mut parts = Vec::new();
        for (word, label) in [
            ("loads", "load"),
            ("needs-host", "need CRIU's symbols"),
            ("not-loaded", "not loaded (untrusted)"),
            ("refused", "refused"),
        ] {
            let n = report.count(word);
            if n > 0 {
                parts.push(format!("{n} {label}"));
            }
        }
        let _ = writeln!(
            o,
            "Summary: {} candidate file{}: {}.",
            report.files.len(),
            if report.files.len() == 1 { "" } else { "s" },
            parts.join(", ")
        );
    }
    if let Some(f) = report.first_refused() {
        let _ = writeln!(
            o,
            "CRIU's plugin initialisation would fail at {} (the first refused file), and no plugin would be used.",
            f.file
        );
    } else if report.folder_error.is_some() {
        o.push_str("CRIU's plugin initialisation would fail on the folder itself.\n");
    }
    o
}

fn render_file(o: &mut String, f: &FileReport) {
    let _ = writeln!(o, "{}. {}", f.position, f.file);
    let status = match &f.status {
        Status::Refused(why) => format!("refused: {why}"),
        Status::NeedsHost => "needs-host: needs symbols from CRIU (see needs)".to_string(),
        Status::NotLoaded => "not-loaded: untrusted, not loaded by the inspector".to_string(),
        Status::Loads => "loads".to_string(),
    };
    field(o, "status", &status);
    let name = match (&f.name, f.name_known, f.kind) {
        (Some(n), _, _) => n.clone(),
        (None, true, _) => "(none: the loader names it by its path)".into(),
        (None, false, Some(_)) => "(unknown)".into(),
        (None, false, None) => "-".into(),
    };
    field(o, "name", &name);
    field(o, "kind", f.kind.map_or("-", Kind::word));
    field(
        o,
        "version",
        &f.version
            .map_or_else(|| "-".into(), |v| Version(v).to_string()),
    );
    field(o, "max_hooks", &json_opt(f.max_hooks).replace("null", "-"));
    let hooks = match f.hooks {
        None => "(unknown)".to_string(),
        Some(h) => {
            let names = hook_names(h);
            let list = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            if f.hooks_complete {
                list
            } else {
                format!("{list} (from the file; hooks its constructors register are not known)")
            }
        }
    };
    field(o, "hooks", &hooks);
    for (label, v) in [("init", f.init), ("exit", f.exit)] {
        let text = match v {
            Some(true) => "present (not called)",
            Some(false) => "absent",
            None => "(unknown)",
        };
        field(o, label, text);
    }
    if !f.missing_symbols.is_empty() {
        field(o, "needs", &f.missing_symbols.join(", "));
    }
    if let Some(first) = &f.duplicate_of {
        field(o, "duplicate", &format!("of {first}"));
    }
    for w in &f.warnings {
        field(o, "warning", w);
    }
    for n in &f.notes {
        field(o, "note", n);
    }
}

/// The tool: parses `args` (without the program name), inspects, prints,
/// and returns the exit status.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> i32 {
    let opts = match parse_args(args) {
        Ok(Command::Inspect(opts)) => opts,
        Ok(Command::Help) => {
            let _ = std::io::stdout().write_all(help_text().as_bytes());
            return 0;
        }
        Ok(Command::Version) => {
            let _ = writeln!(std::io::stdout(), "{TOOL} {}", env!("CARGO_PKG_VERSION"));
            return 0;
        }
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "{TOOL}: {e}\nTry '{TOOL} --help' for more information."
            );
            return 2;
        }
    };
    let report = inspect(&opts);
    let text = if opts.json {
        render_json(&report)
    } else {
        render_human(&report)
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    let _ = std::io::stdout().flush();
    report.exit_status()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::gen_version;

    fn args(list: &[&str]) -> Result<Command, String> {
        parse_args(list.iter().map(OsString::from))
    }

    fn loaded_record(name: &str, hooks: HookSet) -> Record {
        Record {
            opened: true,
            kind: Some(Kind::Descriptor),
            name: Some(Some(name.into())),
            version: Some(CRIU_PLUGIN_VERSION),
            max_hooks: Some(15),
            hooks: Some(hooks),
            init: Some(true),
            exit: Some(false),
            end: true,
            ..Record::default()
        }
    }

    fn evidence(path: &str, record: Option<Record>, ending: Ending) -> Evidence {
        Evidence {
            position: 1,
            path: path.into(),
            facts: FileFacts::default(),
            run: record.map(|record| Run { record, ending }),
            untrusted: None,
            skipped: None,
        }
    }

    fn static_facts(name: &str, version: u32) -> FileFacts {
        FileFacts {
            descriptor: Some(StaticDescriptor {
                name: Some(name.into()),
                version: Some(version),
                max_hooks: Some(15),
                hooks: HookSet::of(Hook::DumpExtFile),
                init: true,
                exit: false,
            }),
            ..FileFacts::default()
        }
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("plain"), r#""plain""#);
        assert_eq!(json_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(json_string("l1\nl2\r\t"), r#""l1\nl2\r\t""#);
        assert_eq!(
            json_string("\u{1}\u{8}\u{c}\u{1f}\u{7f}"),
            r#""\u0001\b\f\u001f\u007f""#
        );
        assert_eq!(json_string("é ✓ \u{2028}"), "\"é ✓ \\u2028\"");
        assert_eq!(json_string(""), r#""""#);
        assert_eq!(json_opt_str(None), "null");
        assert_eq!(json_strings(&["a", "\"b"]), r#"["a", "\"b"]"#);
        assert_eq!(json_strings::<&str>(&[]), "[]");
    }

    #[test]
    fn record_values_round_trip() {
        for v in [
            "",
            "x",
            "a b",
            "back\\slash",
            "new\nline",
            "\\n literal",
            "end\\",
        ] {
            assert_eq!(unescape_value(&escape_value(v)), v, "{v:?}");
            assert!(!escape_value(v).contains('\n'));
        }
        assert_eq!(record_line("end", None), "end\n");
        assert_eq!(record_line("name", Some("a\nb")), "name a\\nb\n");
    }

    #[test]
    fn records_parse() {
        let text = [
            record_line("opened", None),
            record_line("descriptor", None),
            record_line("version", Some("512")),
            record_line("max_hooks", Some("15")),
            record_line("init", Some("1")),
            record_line("exit", Some("0")),
            record_line("name", Some("odd name\nwith newline")),
            record_line("hooks", Some(&(1u32 << 12 | 1).to_string())),
            record_line("missing", Some("opts")),
            record_line("missing", Some("print_on_level")),
            record_line("something-new", Some("ignored")),
            record_line("end", None),
        ]
        .concat();
        let r = Record::parse(&text);
        assert!(r.opened && r.end);
        assert_eq!(r.kind, Some(Kind::Descriptor));
        assert_eq!(r.name, Some(Some("odd name\nwith newline".into())));
        assert_eq!((r.version, r.max_hooks), (Some(0x200), Some(15)));
        assert_eq!((r.init, r.exit), (Some(true), Some(false)));
        assert_eq!(
            r.hooks,
            Some(HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking))
        );
        assert_eq!(r.missing, ["opts", "print_on_level"]);

        // A child that died mid-line: the torn line is dropped.
        let torn = Record::parse("opened\ndescriptor\nversion 51");
        assert!(torn.opened && !torn.end);
        assert_eq!(torn.version, None);
        assert_eq!(Record::parse("noname\n").name, Some(None));
        assert_eq!(Record::parse(""), Record::default());
        assert_eq!(
            Record::parse("dlerror x.so: invalid ELF header\nend\n").dlerror,
            Some("x.so: invalid ELF header".into())
        );
    }

    #[test]
    fn signals_and_endings_read_well() {
        assert_eq!(signal_name(11), "SIGSEGV");
        assert_eq!(signal_name(6), "SIGABRT");
        assert_eq!(signal_name(7), "SIGBUS");
        assert_eq!(signal_name(9), "SIGKILL");
        assert_eq!(signal_name(0), "?");
        assert_eq!(signal_name(64), "?");
        assert_eq!(signal_name(-1), "?");
        assert_eq!(
            ending_reason(&Ending::Signalled(11), false),
            "crashed in its constructors: signal 11 (SIGSEGV)"
        );
        assert_eq!(
            ending_reason(&Ending::Signalled(7), true),
            "crashed while its descriptor was read: signal 7 (SIGBUS)"
        );
        assert_eq!(
            ending_reason(&Ending::Exited(3), false),
            "called exit(3) in its constructors, which would end CRIU"
        );
        assert_eq!(
            ending_reason(&Ending::TimedOut(Duration::from_secs(10)), false),
            "still running after 10 s in its constructors (hangs?)"
        );
        assert_eq!(
            ending_reason(&Ending::TimedOut(Duration::from_millis(1500)), false),
            "still running after 1.5 s in its constructors (hangs?)"
        );
    }

    #[test]
    fn undefined_symbols_in_dlerror() {
        let e = "/x/p.so: undefined symbol: opts";
        assert!(is_undefined_symbol_error(e));
        assert_eq!(undefined_symbol_in(e), Some("opts"));
        assert_eq!(
            undefined_symbol_in("/x/p.so: undefined symbol: foo, version GLIBC_9"),
            Some("foo")
        );
        assert!(!is_undefined_symbol_error("/x/p.so: invalid ELF header"));
        assert_eq!(undefined_symbol_in("/x/p.so: invalid ELF header"), None);
    }

    #[test]
    fn command_lines() {
        assert_eq!(args(&[]), Ok(Command::Inspect(Options::default())));
        let Ok(Command::Inspect(o)) = args(&["--json", "--strict", "/p", "--load-untrusted"])
        else {
            panic!("options")
        };
        assert!(o.json && o.strict && o.load_untrusted);
        assert_eq!(o.folder, Some(PathBuf::from("/p")));
        assert_eq!(o.timeout, DEFAULT_TIMEOUT);
        let Ok(Command::Inspect(o)) = args(&["--timeout", "2.5"]) else {
            panic!("--timeout")
        };
        assert_eq!(o.timeout, Duration::from_millis(2500));
        let Ok(Command::Inspect(o)) = args(&["--timeout=3", "--", "-odd"]) else {
            panic!("--timeout=, --")
        };
        assert_eq!(o.timeout, Duration::from_secs(3));
        assert_eq!(o.folder, Some(PathBuf::from("-odd")));
        assert_eq!(args(&["-h"]), Ok(Command::Help));
        assert_eq!(args(&["/p", "--help"]), Ok(Command::Help));
        assert_eq!(args(&["-V"]), Ok(Command::Version));
        assert!(
            args(&["--bogus"])
                .unwrap_err()
                .contains("unknown option '--bogus'")
        );
        assert!(args(&["/a", "/b"]).unwrap_err().contains("only one FOLDER"));
        assert!(args(&["--timeout"]).is_err());
        assert!(args(&["--timeout", "0"]).is_err());
        assert!(args(&["--timeout", "-1"]).is_err());
        assert!(args(&["--timeout=soon"]).is_err());
    }

    #[test]
    fn help_is_complete() {
        let h = help_text();
        for needle in [
            "--json",
            "--strict",
            "--load-untrusted",
            "--timeout SECONDS",
            "-h, --help",
            "-V, --version",
            "CRIU_LIBS_DIR",
            policy::STRICT_ENV,
            host::DEFAULT_PLUGIN_DIR,
            "secure-execution",
            "Exit status",
            "usage error",
            "needs-host",
            "not-loaded",
            "refused",
            "max_hooks",
            "legacy",
            "a.b.c",
            "\"missing_symbols\"",
        ] {
            assert!(h.contains(needle), "--help lacks {needle}");
        }
        assert!(
            h.lines().all(|l| l.chars().count() <= 80),
            "--help fits in 80 columns"
        );
    }

    #[test]
    fn judges_a_good_plugin() {
        let hooks = HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking);
        let r = judge(
            &evidence(
                "/d/a.so",
                Some(loaded_record("good", hooks)),
                Ending::Exited(0),
            ),
            false,
        );
        assert_eq!(r.status, Status::Loads);
        assert_eq!(r.file, "a.so");
        assert_eq!(r.name.as_deref(), Some("good"));
        assert_eq!(r.hooks, Some(hooks));
        assert!(r.hooks_complete && r.loaded);
        assert_eq!((r.init, r.exit), (Some(true), Some(false)));
        assert_eq!(r.loader_name().as_deref(), Some("good"));
    }

    #[test]
    fn judges_refusals_in_the_loaders_order() {
        let mut rec = loaded_record("new", HookSet::empty());
        rec.version = Some(gen_version(0, 3, 0));
        let r = judge(&evidence("/d/n.so", Some(rec), Ending::Exited(0)), false);
        assert_eq!(
            r.status,
            Status::Refused("version 0.3.0 is newer than the supported 0.2.0".into())
        );

        let mut rec = loaded_record("big", HookSet::empty());
        rec.max_hooks = Some(20);
        rec.hooks = None;
        let r = judge(&evidence("/d/b.so", Some(rec), Ending::Exited(0)), false);
        assert_eq!(
            r.status,
            Status::Refused("max_hooks 20 is more than the supported 15".into())
        );
        assert_eq!(r.hooks, None);

        // Trust comes first; in strict mode it is the reason.
        let mut ev = evidence(
            "/d/u.so",
            Some(loaded_record("u", HookSet::empty())),
            Ending::Exited(0),
        );
        ev.untrusted = Some("is writable by others (mode 0646)".into());
        assert_eq!(judge(&ev, false).status, Status::Loads);
        assert_eq!(
            judge(&ev, false).warnings,
            ["Plugin file /d/u.so is writable by others (mode 0646)"]
        );
        assert_eq!(
            judge(&ev, true).status,
            Status::Refused(
                "Plugin file /d/u.so is writable by others (mode 0646) (strict mode)".into()
            )
        );
    }

    #[test]
    fn judges_files_that_do_not_load() {
        // Not ELF.
        let mut ev = evidence(
            "/d/e.so",
            Some(Record {
                dlerror: Some("/d/e.so: file too short".into()),
                end: true,
                ..Record::default()
            }),
            Ending::Exited(0),
        );
        ev.facts = FileFacts::unusable("not an ELF file");
        let r = judge(&ev, false);
        assert_eq!(
            r.status,
            Status::Refused("not an ELF file (dlopen: /d/e.so: file too short)".into())
        );
        assert_eq!(r.kind, None);

        // Another dlopen error.
        ev.facts = FileFacts::default();
        ev.run.as_mut().unwrap().record.dlerror =
            Some("libdrm.so.2: cannot open shared object file".into());
        assert_eq!(
            judge(&ev, false).status,
            Status::Refused("Unable to load: libdrm.so.2: cannot open shared object file".into())
        );

        // A crash in the constructors still shows what the file says.
        let mut ev = evidence("/d/c.so", Some(Record::default()), Ending::Signalled(11));
        ev.facts = static_facts("crash", CRIU_PLUGIN_VERSION);
        let r = judge(&ev, false);
        assert_eq!(
            r.status,
            Status::Refused("crashed in its constructors: signal 11 (SIGSEGV)".into())
        );
        assert_eq!(r.name.as_deref(), Some("crash"));
        assert!(!r.loaded && !r.hooks_complete);

        // Crashed after dlopen returned.
        let rec = Record {
            opened: true,
            kind: Some(Kind::Descriptor),
            ..Record::default()
        };
        let r = judge(&evidence("/d/c.so", Some(rec), Ending::Signalled(7)), false);
        assert_eq!(
            r.status,
            Status::Refused("crashed while its descriptor was read: signal 7 (SIGBUS)".into())
        );
    }

    #[test]
    fn judges_plugins_that_need_criu() {
        // Data symbol: dlopen fails; the file is read instead.
        let mut ev = evidence(
            "/d/g.so",
            Some(Record {
                dlerror: Some("/d/g.so: undefined symbol: opts".into()),
                missing: vec!["print_on_level".into()],
                end: true,
                ..Record::default()
            }),
            Ending::Exited(0),
        );
        ev.facts = static_facts("gpu", CRIU_PLUGIN_VERSION);
        let r = judge(&ev, false);
        assert_eq!(r.status, Status::NeedsHost);
        assert_eq!(r.missing_symbols, ["opts", "print_on_level"]);
        assert_eq!(r.name.as_deref(), Some("gpu"));
        assert_eq!(r.hooks, Some(HookSet::of(Hook::DumpExtFile)));
        assert!(!r.hooks_complete && !r.loaded);
        assert_eq!((r.init, r.exit), (Some(true), Some(false)));

        // ... and it is still refused when what the file says is wrong.
        ev.facts = static_facts("gpu", gen_version(1, 0, 0));
        assert_eq!(
            judge(&ev, false).status,
            Status::Refused("version 1.0.0 is newer than the supported 0.2.0".into())
        );

        // Functions only: loads lazily, hooks known.
        let mut rec = loaded_record("fn", HookSet::of(Hook::RestoreExtFile));
        rec.missing = vec!["print_on_level".into()];
        let r = judge(&evidence("/d/k.so", Some(rec), Ending::Exited(0)), false);
        assert_eq!(r.status, Status::NeedsHost);
        assert!(r.loaded && r.hooks_complete);
    }

    #[test]
    fn judges_legacy_and_untrusted_files_from_the_file() {
        let mut ev = evidence("/d/l.so", None, Ending::Exited(0));
        ev.facts = FileFacts {
            legacy_hooks: HookSet::of(Hook::DumpExtFile),
            legacy_init: true,
            ..FileFacts::default()
        };
        ev.untrusted = Some("is writable by its group (mode 0664)".into());
        ev.skipped = Some("not loaded".into());
        let r = judge(&ev, false);
        assert_eq!(r.status, Status::NotLoaded);
        assert_eq!(r.kind, Some(Kind::Legacy));
        assert_eq!(r.name.as_deref(), Some("/d/l.so"));
        assert_eq!(r.version, Some(CRIU_PLUGIN_VERSION_OLD));
        assert_eq!(r.hooks, Some(HookSet::of(Hook::DumpExtFile)));
        assert!(r.hooks_complete);
        assert_eq!((r.init, r.exit), (Some(true), Some(false)));
        assert_eq!(r.warnings.len(), 2);
        assert!(judge(&ev, true).status.is_refused());
    }

    fn named(position: usize, path: &str, name: Option<&str>, status: Status) -> FileReport {
        let mut f = FileReport::new(position, path);
        f.kind = Some(Kind::Descriptor);
        f.name = name.map(Into::into);
        f.name_known = true;
        f.status = status;
        f
    }

    #[test]
    fn duplicates_name_the_first_file() {
        let mut files = vec![
            named(1, "/d/0.so", Some("twin"), Status::Refused("bad".into())),
            named(2, "/d/a.so", Some("twin"), Status::Loads),
            named(3, "/d/b.so", Some("other"), Status::NeedsHost),
            named(4, "/d/c.so", Some("twin"), Status::Loads),
            named(5, "/d/d.so", Some("twin"), Status::NotLoaded),
            named(6, "/d/e.so", None, Status::Loads),
            named(7, "/d/f.so", Some("/d/e.so"), Status::Loads),
        ];
        let mut unknown = FileReport::new(8, "/d/g.so");
        unknown.kind = Some(Kind::Descriptor);
        files.push(unknown);
        mark_duplicates(&mut files);
        let verdicts: Vec<_> = files.iter().map(|f| f.status.word()).collect();
        assert_eq!(
            verdicts,
            [
                "refused",
                "loads",
                "needs-host",
                "refused",
                "refused",
                "loads",
                "refused",
                "loads"
            ]
        );
        assert_eq!(
            files[3].status,
            Status::Refused("plugin name \"twin\" is already taken by /d/a.so".into())
        );
        assert_eq!(files[4].duplicate_of.as_deref(), Some("/d/a.so"));
        // A nameless descriptor goes by its path, as in the loader.
        assert_eq!(files[6].duplicate_of.as_deref(), Some("/d/e.so"));
    }

    fn sample_report() -> Report {
        let mut good = named(1, "/d/a.so", Some("good \"one\""), Status::Loads);
        good.version = Some(CRIU_PLUGIN_VERSION);
        good.max_hooks = Some(15);
        good.hooks = Some(HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking));
        good.hooks_complete = true;
        good.init = Some(true);
        good.exit = Some(false);
        good.loaded = true;
        let mut bad = named(
            2,
            "/d/b.so",
            Some("b"),
            Status::Refused("version 0.3.0 is newer than the supported 0.2.0".into()),
        );
        bad.version = Some(gen_version(0, 3, 0));
        bad.warnings.push("a\tb\nc".into());
        Report {
            folder: Some("/d".into()),
            source: Some("command line"),
            folder_error: None,
            warnings: vec![],
            notes: vec![],
            strict: false,
            files: vec![good, bad],
        }
    }

    #[test]
    fn json_report() {
        let j = render_json(&sample_report());
        for needle in [
            r#""folder": "/d","#,
            r#""folder_source": "command line","#,
            r#""supported_version": "0.2.0","#,
            r#""summary": {"candidates": 2, "loads": 1, "needs_host": 0, "not_loaded": 0, "refused": 1},"#,
            r#""first_refused": "/d/b.so","#,
            r#""exit_status": 1,"#,
            r#""name": "good \"one\"","#,
            r#""hooks": ["DUMP_UNIX_SK", "POST_FORKING"],"#,
            r#""init": "present","#,
            r#""exit": "absent","#,
            r#""reason": "version 0.3.0 is newer than the supported 0.2.0","#,
            r#""version": "0.3.0","#,
            r#""version_number": 768,"#,
            r#""max_hooks": null,"#,
            r#""hooks": null,"#,
            r#""warnings": ["a\tb\nc"],"#,
        ] {
            assert!(j.contains(needle), "JSON lacks {needle}:\n{j}");
        }
        assert_eq!(j.matches('{').count(), j.matches('}').count());
        assert_eq!(j.matches('[').count(), j.matches(']').count());
        assert!(!j.contains(",\n  }") && !j.contains(",\n    }"));
        let empty = Report {
            files: vec![],
            folder: None,
            source: None,
            ..sample_report()
        };
        assert!(render_json(&empty).contains("\"plugins\": []\n}"));
        assert!(render_json(&empty).contains("\"folder\": null,"));
    }

    #[test]
    fn text_report() {
        let t = render_human(&sample_report());
        for needle in [
            "Plugin folder: /d (from command line)\n",
            "Loader: plugin versions up to 0.2.0, 15 hooks; strict mode off\n",
            "1. a.so\n",
            "   status     loads\n",
            "   name       good \"one\"\n",
            "   hooks      DUMP_UNIX_SK, POST_FORKING\n",
            "   init       present (not called)\n",
            "   exit       absent\n",
            "2. b.so\n",
            "   status     refused: version 0.3.0 is newer than the supported 0.2.0\n",
            "   version    0.3.0\n",
            "   hooks      (unknown)\n",
            "Summary: 2 candidate files: 1 load, 1 refused.\n",
            "would fail at b.so (the first refused file)",
        ] {
            assert!(t.contains(needle), "text lacks {needle:?}:\n{t}");
        }
    }

    #[test]
    fn exit_statuses() {
        let mut r = sample_report();
        assert_eq!(r.exit_status(), 1);
        r.files.truncate(1);
        assert_eq!(r.exit_status(), 0);
        r.files[0].status = Status::NeedsHost;
        assert_eq!(r.exit_status(), 0);
        r.folder_error = Some("Unable to open directory /d".into());
        assert_eq!(r.exit_status(), 1);
    }
}
