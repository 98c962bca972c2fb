//! The child's report: a line-based record, and how a child ended.

use super::*;

/// What the child found, as it reports it line by line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// `dlopen` returned: the constructors ran to the end.
    pub opened: bool,
    /// `dlopen`'s error text, escaped as the loader logs it.
    pub dlerror: Option<String>,
    /// Descriptor or legacy.
    pub kind: Option<Kind>,
    /// The descriptor's name, its bytes: `Some(None)` for a NULL name.
    pub name: Option<Option<Vec<u8>>>,
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
    /// Why `CR_PLUGIN_DESC` cannot be a descriptor (the loader's sentence);
    /// its fields were then not read, or not all.
    pub bad_symbol: Option<String>,
    /// Undefined symbols nothing in the child provides.
    pub missing: Vec<String>,
    /// The child finished its report.
    pub end: bool,
}

/// Escapes a record value: backslash and newline.
pub fn escape_value(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    for &b in value {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b => out.push(b),
        }
    }
    out
}

/// Undoes [`escape_value`].
pub fn unescape_value(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut bytes = value.iter();
    while let Some(&b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'n') => out.push(b'\n'),
            Some(&other) => out.push(other),
            None => out.push(b'\\'),
        }
    }
    out
}

/// One record line: `key` or `key value`, newline-terminated; the value
/// is any bytes.
pub fn record_line(key: &str, value: Option<&[u8]>) -> Vec<u8> {
    let mut line = key.as_bytes().to_vec();
    if let Some(v) = value {
        line.push(b' ');
        line.extend_from_slice(&escape_value(v));
    }
    line.push(b'\n');
    line
}

pub(crate) fn flag(value: &[u8]) -> Option<bool> {
    match value {
        b"1" => Some(true),
        b"0" => Some(false),
        _ => None,
    }
}

fn number(value: &[u8]) -> Option<u32> {
    std::str::from_utf8(value).ok()?.parse().ok()
}

fn text(value: Vec<u8>) -> String {
    String::from_utf8(value).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Record {
    /// Parses what the child wrote; unknown or torn lines are ignored.
    pub fn parse(bytes: &[u8]) -> Record {
        let mut r = Record::default();
        // Only complete lines: a child that died mid-write leaves a torn one.
        let complete = match bytes.iter().rposition(|&b| b == b'\n') {
            Some(end) => &bytes[..end],
            None => return r,
        };
        for line in complete.split(|&b| b == b'\n') {
            let (key, value) = match line.iter().position(|&b| b == b' ') {
                Some(at) => (&line[..at], unescape_value(&line[at + 1..])),
                None => (line, Vec::new()),
            };
            match key {
                b"opened" => r.opened = true,
                b"dlerror" => r.dlerror = Some(text(value)),
                b"descriptor" => r.kind = Some(Kind::Descriptor),
                b"legacy" => r.kind = Some(Kind::Legacy),
                b"name" => r.name = Some(Some(value)),
                b"noname" => r.name = Some(None),
                b"version" => r.version = number(&value),
                b"max_hooks" => r.max_hooks = number(&value),
                b"hooks" => r.hooks = number(&value).map(HookSet::from_bits_truncate),
                b"init" => r.init = flag(&value),
                b"exit" => r.exit = flag(&value),
                b"bad_symbol" => r.bad_symbol = Some(text(value)),
                b"missing" => r.missing.push(text(value)),
                b"end" => r.end = true,
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

pub(crate) fn seconds(d: Duration) -> String {
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
