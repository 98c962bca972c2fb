//! What the loader does with the plugin folder and with each candidate file
//! in it, decided from what is known of them: the order of the checks,
//! strict mode's part in them and the sentences they are logged with live
//! here, once. The loader feeds it what it finds as it goes, first what is
//! known before `dlopen` ([`before_open`]), then what the opened plugin
//! shows ([`after_open`]); the inspection tool feeds it what its child
//! process found. Pure: no I/O, no allocation.
//!
//! A feeder may leave unknown what it would only learn past a check that
//! refuses: that check comes first here, so the verdict is the same.

use crate::descriptor::Refusal as DescriptorRefusal;
use crate::escape::Escaped;
use std::fmt;

/// What is known of a candidate file before it is opened.
#[derive(Clone, Copy, Default)]
pub struct BeforeOpen<'a> {
    /// Its path, as the loader builds it (folder/name).
    pub path: &'a [u8],
    /// What it is, when it is not a regular file ("a FIFO").
    pub not_regular: Option<&'static str>,
    /// The source of the skip list that names it (asked of regular files
    /// only).
    pub skipped_by: Option<&'a str>,
    /// Why someone untrusted may write it ("is writable by its group").
    pub untrusted: Option<&'a dyn fmt::Display>,
    /// For a symbolic link: the loader's sentence on an untrusted place on
    /// the path to its target.
    pub link_concern: Option<&'a dyn fmt::Display>,
    /// Why mapping it would fault: its loadable segments reach past its end.
    pub truncated: Option<&'a dyn fmt::Display>,
}

/// What is known of a candidate file once `dlopen` was asked to open it.
#[derive(Clone, Copy, Default)]
pub struct AfterOpen<'a> {
    /// Its path, as in [`BeforeOpen`].
    pub path: &'a [u8],
    /// `dlopen`'s error, when it failed.
    pub unloadable: Option<&'a dyn fmt::Display>,
    /// Why its `CR_PLUGIN_DESC` cannot be a descriptor.
    pub bad_symbol: Option<&'a dyn fmt::Display>,
    /// Whether it has no `CR_PLUGIN_DESC` (a legacy plugin).
    pub legacy: bool,
    /// Why its descriptor's numbers are refused.
    pub descriptor: Option<&'a DescriptorRefusal>,
    /// The plugin already in use under its plugin name: this file is one
    /// of its alternatives.
    pub name_taken: Option<NameTaken<'a>>,
    /// The functions it binds lazily that nothing in the process provides
    /// (the list, as logged).
    pub missing: Option<&'a dyn fmt::Display>,
}

/// A plugin name and the plugin that has it already: the alternative of
/// that name in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameTaken<'a> {
    /// The name.
    pub name: &'a [u8],
    /// The file of the plugin that has it; `None`: a built-in plugin.
    pub by: Option<&'a [u8]>,
}

/// A warning the loader logs (in strict mode the concerns among them are
/// refusals instead).
#[derive(Clone, Copy)]
pub enum Warning<'a> {
    /// Someone untrusted may write the file.
    Untrusted {
        /// The file.
        path: &'a [u8],
        /// Why.
        why: &'a dyn fmt::Display,
    },
    /// Someone untrusted may change the path to a linked file's target (or
    /// to the plugin folder).
    Path(&'a dyn fmt::Display),
    /// A legacy plugin: the loader builds its descriptor.
    Legacy {
        /// The file.
        path: &'a [u8],
    },
    /// The plugin binds functions nothing provides.
    MissingImports {
        /// The file.
        path: &'a [u8],
        /// The functions.
        list: &'a dyn fmt::Display,
    },
}

impl fmt::Display for Warning<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Warning::Untrusted { path, why } => write!(f, "Plugin file {} {why}", Escaped(path)),
            Warning::Path(sentence) => write!(f, "{sentence}"),
            Warning::Legacy { path } => write!(
                f,
                "Generating dynamic descriptor for plugin `{}'. Won't work in next version of the program. Please update your plugin.",
                Escaped(path)
            ),
            Warning::MissingImports { path, list } => write!(
                f,
                "Plugin {} needs symbols that nothing in this process provides: {list}",
                Escaped(path)
            ),
        }
    }
}

/// Why the loader refuses a file. Displayed, it is the reason (as the
/// inspection tool shows it); [`Refusal::logged`] is the loader's line.
#[derive(Clone, Copy)]
pub enum Refusal<'a> {
    /// It is not a regular file (`dlopen` would block on a FIFO).
    NotRegular(&'static str),
    /// A concern that strict mode makes a refusal.
    Strict(Warning<'a>),
    /// Its loadable segments reach past its end.
    Truncated(&'a dyn fmt::Display),
    /// `dlopen` failed.
    Unloadable(&'a dyn fmt::Display),
    /// Its `CR_PLUGIN_DESC` cannot be a descriptor.
    BadSymbol(&'a dyn fmt::Display),
    /// Its descriptor's numbers.
    Descriptor(&'a DescriptorRefusal),
}

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Refusal::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            Refusal::Strict(warning) => write!(f, "{warning} (strict mode)"),
            Refusal::Truncated(why) => write!(f, "{why}"),
            Refusal::Unloadable(why) => write!(f, "Unable to load: {why}"),
            Refusal::BadSymbol(why) => write!(f, "{why}"),
            Refusal::Descriptor(why) => write!(f, "{why}"),
        }
    }
}

impl<'a> Refusal<'a> {
    /// The loader's log line for this refusal of the file at `path`, whose
    /// descriptor gives the name `name` (when it was read).
    pub fn logged(self, path: &'a [u8], name: Option<&'a [u8]>) -> Logged<'a> {
        Logged {
            refusal: self,
            path,
            name,
        }
    }
}

/// A refusal as the loader logs it (see [`Refusal::logged`]).
#[derive(Clone, Copy)]
pub struct Logged<'a> {
    refusal: Refusal<'a>,
    path: &'a [u8],
    name: Option<&'a [u8]>,
}

impl fmt::Display for Logged<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = Escaped(self.path);
        match (self.refusal, self.name) {
            (Refusal::Unloadable(why), _) => write!(f, "Unable to load {path}: {why}"),
            (Refusal::Descriptor(why), Some(name)) => {
                write!(f, "Refusing plugin {path} (\"{}\"): {why}", Escaped(name))
            }
            (refusal, _) => write!(f, "Refusing plugin {path}: {refusal}"),
        }
    }
}

/// What happens to a file (so far: [`before_open`] says whether it is
/// opened, [`after_open`] whether it is started).
#[derive(Clone, Copy)]
pub enum Verdict<'a> {
    /// Nothing stops it: go on.
    Go,
    /// Named in the skip list of this source: never opened, no other check
    /// applies.
    Skip(&'a str),
    /// Another alternative of its plugin name is in use: closed without
    /// its init (its constructors have run, as for every file opened).
    Spare(InUse<'a>),
    /// Refused: the whole init fails.
    Refuse(Refusal<'a>),
}

/// A file whose plugin name another alternative has. Displayed, it is the
/// loader's info line.
#[derive(Clone, Copy)]
pub struct InUse<'a> {
    /// The file.
    pub path: &'a [u8],
    /// Its name, and the alternative in use.
    pub taken: NameTaken<'a>,
}

impl fmt::Display for InUse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Plugin {} (\"{}\") is an alternative of ",
            Escaped(self.path),
            Escaped(self.taken.name)
        )?;
        match self.taken.by {
            Some(path) => write!(f, "{}", Escaped(path))?,
            None => f.write_str("the built-in plugin")?,
        }
        f.write_str(", which is in use: closed without its init")
    }
}

/// A verdict with the warnings of the checks that passed, in order.
#[derive(Clone, Copy)]
pub struct Judged<'a> {
    /// The verdict.
    pub verdict: Verdict<'a>,
    warnings: [Option<Warning<'a>>; 2],
}

impl<'a> Judged<'a> {
    fn go() -> Judged<'a> {
        Judged {
            verdict: Verdict::Go,
            warnings: [None; 2],
        }
    }

    /// The warnings, in the order the loader logs them.
    pub fn warnings(&self) -> impl Iterator<Item = Warning<'a>> + '_ {
        self.warnings.iter().flatten().copied()
    }

    /// Whether the verdict is still open: nothing refused or skipped yet.
    fn open(&self) -> bool {
        matches!(self.verdict, Verdict::Go)
    }

    fn refuse(&mut self, refusal: Refusal<'a>) {
        if self.open() {
            self.verdict = Verdict::Refuse(refusal);
        }
    }

    /// A concern: a warning, or in strict mode the refusal.
    fn concern(&mut self, warning: Warning<'a>, strict: bool) {
        if !self.open() {
            return;
        }
        if strict {
            self.verdict = Verdict::Refuse(Refusal::Strict(warning));
        } else if let Some(slot) = self.warnings.iter_mut().find(|w| w.is_none()) {
            *slot = Some(warning);
        }
    }

    fn warn(&mut self, warning: Warning<'a>) {
        if let (true, Some(slot)) = (self.open(), self.warnings.iter_mut().find(|w| w.is_none())) {
            *slot = Some(warning);
        }
    }
}

/// The checks before `dlopen`, in the loader's order: the file's type, the
/// skip list, trust (the file, the path to a linked file's target), a file
/// cut short.
pub fn before_open<'a>(ev: &BeforeOpen<'a>, strict: bool) -> Judged<'a> {
    let mut judged = Judged::go();
    if let Some(kind) = ev.not_regular {
        judged.refuse(Refusal::NotRegular(kind));
        return judged;
    }
    if let Some(source) = ev.skipped_by {
        judged.verdict = Verdict::Skip(source);
        return judged;
    }
    if let Some(why) = ev.untrusted {
        let path = ev.path;
        judged.concern(Warning::Untrusted { path, why }, strict);
    }
    if let Some(sentence) = ev.link_concern {
        judged.concern(Warning::Path(sentence), strict);
    }
    if let Some(why) = ev.truncated {
        judged.refuse(Refusal::Truncated(why));
    }
    judged
}

/// The checks once the file is open, in the loader's order: `dlopen`, the
/// descriptor's symbol, a legacy plugin, the descriptor's numbers, the
/// plugin name (a later alternative of a plugin in use is a spare), the
/// functions it binds.
pub fn after_open<'a>(ev: &AfterOpen<'a>, strict: bool) -> Judged<'a> {
    let mut judged = Judged::go();
    if let Some(why) = ev.unloadable {
        judged.refuse(Refusal::Unloadable(why));
    }
    if let Some(why) = ev.bad_symbol {
        judged.refuse(Refusal::BadSymbol(why));
    }
    if ev.legacy {
        judged.warn(Warning::Legacy { path: ev.path });
    }
    if let Some(why) = ev.descriptor {
        judged.refuse(Refusal::Descriptor(why));
    }
    if let (true, Some(taken)) = (judged.open(), ev.name_taken) {
        let path = ev.path;
        judged.verdict = Verdict::Spare(InUse { path, taken });
    }
    if let Some(list) = ev.missing {
        let path = ev.path;
        judged.concern(Warning::MissingImports { path, list }, strict);
    }
    judged
}

/// What happens to the plugin folder itself, from the loader's sentence on
/// an untrusted place on the path to it (if there is one).
#[derive(Clone, Copy)]
pub enum FolderVerdict<'a> {
    /// Nothing to say.
    Go,
    /// The sentence, logged as a warning.
    Warn(&'a dyn fmt::Display),
    /// Refused in strict mode.
    Refuse(FolderRefusal<'a>),
}

/// The strict-mode refusal of the plugin folder `path`.
#[derive(Clone, Copy)]
pub struct FolderRefusal<'a> {
    path: &'a [u8],
    concern: &'a dyn fmt::Display,
}

impl fmt::Display for FolderRefusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Refusing plugin folder {}: {} (strict mode)",
            Escaped(self.path),
            self.concern
        )
    }
}

/// The folder check: a concern is a warning, or in strict mode the refusal.
pub fn folder<'a>(
    path: &'a [u8],
    concern: Option<&'a dyn fmt::Display>,
    strict: bool,
) -> FolderVerdict<'a> {
    match concern {
        None => FolderVerdict::Go,
        Some(concern) if strict => FolderVerdict::Refuse(FolderRefusal { path, concern }),
        Some(concern) => FolderVerdict::Warn(concern),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(judged: &Judged<'_>) -> Option<String> {
        match judged.verdict {
            Verdict::Refuse(r) => Some(r.to_string()),
            _ => None,
        }
    }

    #[test]
    fn the_first_refusing_check_decides() {
        let ev = BeforeOpen {
            path: b"/p/a.so",
            untrusted: Some(&"is writable by its group (mode 0664)"),
            truncated: Some(&"it is truncated"),
            ..BeforeOpen::default()
        };
        let warned = before_open(&ev, false);
        assert_eq!(reason(&warned).as_deref(), Some("it is truncated"));
        let warnings: Vec<String> = warned.warnings().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            ["Plugin file /p/a.so is writable by its group (mode 0664)"]
        );
        let strict = before_open(&ev, true);
        assert_eq!(
            reason(&strict).as_deref(),
            Some("Plugin file /p/a.so is writable by its group (mode 0664) (strict mode)")
        );
        assert_eq!(strict.warnings().count(), 0);
    }

    #[test]
    fn a_skipped_file_meets_no_other_check() {
        let ev = BeforeOpen {
            path: b"/p/a.so",
            skipped_by: Some("CRIU_PLUGIN_SKIP"),
            untrusted: Some(&"is owned by uid 7"),
            truncated: Some(&"cut"),
            ..BeforeOpen::default()
        };
        let judged = before_open(&ev, true);
        assert!(matches!(judged.verdict, Verdict::Skip("CRIU_PLUGIN_SKIP")));
        assert_eq!(judged.warnings().count(), 0);
        let not_regular = BeforeOpen {
            not_regular: Some("a FIFO"),
            ..ev
        };
        assert_eq!(
            reason(&before_open(&not_regular, false)).as_deref(),
            Some("it is a FIFO, not a regular file")
        );
    }

    #[test]
    fn log_lines_name_the_file_and_the_plugin() {
        let version = DescriptorRefusal::TooManyHooks(99);
        let taken = NameTaken {
            name: b"twin",
            by: None,
        };
        let ev = AfterOpen {
            path: b"/p/b.so",
            descriptor: Some(&version),
            name_taken: Some(taken),
            ..AfterOpen::default()
        };
        let Verdict::Refuse(refusal) = after_open(&ev, false).verdict else {
            panic!("not refused");
        };
        assert_eq!(
            refusal.logged(b"/p/b.so", Some(b"b")).to_string(),
            format!("Refusing plugin /p/b.so (\"b\"): {version}")
        );
        let ev = AfterOpen {
            descriptor: None,
            missing: Some(&"not_asked"),
            ..ev
        };
        let judged = after_open(&ev, true);
        let Verdict::Spare(in_use) = judged.verdict else {
            panic!("not a spare");
        };
        assert_eq!(
            in_use.to_string(),
            "Plugin /p/b.so (\"twin\") is an alternative of the built-in plugin, which is in use: closed without its init"
        );
        let by_file = InUse {
            taken: NameTaken {
                by: Some(b"/p/a.so"),
                ..taken
            },
            ..in_use
        };
        assert!(
            by_file
                .to_string()
                .contains("alternative of /p/a.so, which")
        );
        let failed = Refusal::Unloadable(&"file too short");
        assert_eq!(failed.to_string(), "Unable to load: file too short");
        assert_eq!(
            failed.logged(b"/p/\x1b.so", None).to_string(),
            "Unable to load /p/\\x1b.so: file too short"
        );
    }

    #[test]
    fn missing_imports_warn_unless_strict() {
        let ev = AfterOpen {
            path: b"/p/m.so",
            legacy: true,
            missing: Some(&"nobody_has"),
            ..AfterOpen::default()
        };
        let judged = after_open(&ev, false);
        assert!(matches!(judged.verdict, Verdict::Go));
        assert_eq!(judged.warnings().count(), 2);
        assert_eq!(
            reason(&after_open(&ev, true)).as_deref(),
            Some(
                "Plugin /p/m.so needs symbols that nothing in this process provides: nobody_has (strict mode)"
            )
        );
        let concern = "Plugin folder /p is writable by others (mode 0777)";
        assert!(matches!(folder(b"/p", None, true), FolderVerdict::Go));
        assert!(matches!(
            folder(b"/p", Some(&concern), false),
            FolderVerdict::Warn(_)
        ));
        let FolderVerdict::Refuse(r) = folder(b"/p", Some(&concern), true) else {
            panic!("not refused");
        };
        assert_eq!(
            r.to_string(),
            format!("Refusing plugin folder /p: {concern} (strict mode)")
        );
    }
}
