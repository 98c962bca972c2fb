//! The plugins not to load: `CRIU_PLUGIN_SKIP` or the host's list, by
//! plugin name or file name.

use crate::escape::Escaped;
use std::ffi::CStr;
use std::fmt;

/// Environment variable naming plugins not to load.
pub const SKIP_ENV: &CStr = c"CRIU_PLUGIN_SKIP";

/// [`SKIP_ENV`] as the source of a list, in messages.
fn env_source() -> &'static str {
    SKIP_ENV.to_str().unwrap_or_default()
}

/// The skip list set by the host (`cr_plugin_set_skip`); it overrides the
/// environment.
static SKIP_SETTING: std::sync::Mutex<Option<std::ffi::CString>> = std::sync::Mutex::new(None);

/// Sets the skip list from the host (`None`: defer to the environment again).
pub(crate) fn set_skip(list: Option<std::ffi::CString>) {
    *SKIP_SETTING.lock().unwrap_or_else(|e| e.into_inner()) = list;
}

/// At most this many names in a skip list; more are ignored, with a warning.
pub(crate) const SKIP_MAX: usize = 64;

/// The plugins not to load in this `cr_plugin_init`: names of plugins (a
/// descriptor's `name`) or of files in the folder, comma-separated.
pub struct SkipList {
    list: std::ffi::CString,
    /// Which entries matched a plugin, by position.
    matched: u64,
    /// Where the list came from, for messages.
    source: &'static str,
}

impl SkipList {
    /// The list in force: the host's, else `CRIU_PLUGIN_SKIP` (ignored in
    /// secure-execution mode: the environment must not change what a
    /// privileged run loads). `None` when empty.
    pub(crate) fn current() -> Result<Option<SkipList>, crate::fallible::OutOfMemory> {
        let host_list = SKIP_SETTING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
            .map(crate::fallible::try_cstring)
            .transpose()?;
        let (list, source) = if let Some(list) = host_list {
            (list, "cr_plugin_set_skip")
        } else {
            match env_list() {
                Ok(Some(value)) => (crate::fallible::try_cstring(value)?, env_source()),
                Ok(None) => return Ok(None),
                Err(ignored) => {
                    log::warn!("{ignored}");
                    return Ok(None);
                }
            }
        };
        let skip = SkipList::new(list, source);
        if let Some(too_many) = skip.as_ref().and_then(SkipList::too_many) {
            log::warn!("{too_many}");
        }
        Ok(skip)
    }

    /// The list `list` (comma-separated names) from `source`; `None` when
    /// it names nothing.
    pub(crate) fn new(list: std::ffi::CString, source: &'static str) -> Option<SkipList> {
        let skip = SkipList {
            list,
            matched: 0,
            source,
        };
        let empty = skip.entries().next().is_none();
        (!empty).then_some(skip)
    }

    /// The list the environment gives when the host sets none, as
    /// the loader reads it: `Err` with the loader's warning when
    /// it is ignored (secure-execution mode).
    pub fn from_env() -> Result<Option<SkipList>, SkipEnvIgnored<'static>> {
        Ok(env_list()?.and_then(|v| SkipList::new(v.to_owned(), env_source())))
    }

    /// The list `list`, as the loader takes it from its host
    /// (`cr_plugin_set_skip`); `source` names it in messages. `None` when
    /// it names nothing. A NUL byte ends it.
    pub fn parse(list: &[u8], source: &'static str) -> Option<SkipList> {
        let end = list.iter().position(|&b| b == 0).unwrap_or(list.len());
        SkipList::new(std::ffi::CString::new(&list[..end]).ok()?, source)
    }

    /// Where the list comes from, for messages.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The warning for a list of more than 64 names (`SKIP_MAX`), if it is one.
    pub fn too_many(&self) -> Option<TooMany> {
        let count = self
            .list
            .to_bytes()
            .split(|&b| b == b',')
            .filter(|e| !trim(e).is_empty())
            .count();
        (count > SKIP_MAX).then_some(TooMany(self.source))
    }

    /// The entries, trimmed, empty ones left out, at most 64 (`SKIP_MAX`).
    pub fn entries(&self) -> impl Iterator<Item = &[u8]> {
        self.list
            .to_bytes()
            .split(|&b| b == b',')
            .map(trim)
            .filter(|e| !e.is_empty())
            .take(SKIP_MAX)
    }

    /// The entry that names the plugin in file `file` (its name in the
    /// folder) or called `name`, if one does; it is marked as matched.
    pub fn names(&mut self, file: &[u8], name: Option<&[u8]>) -> Option<usize> {
        let hit = self.entry_naming(file, name)?;
        self.matched |= 1 << hit;
        Some(hit)
    }

    /// Whether an entry names the plugin in file `file` or called `name`, as
    /// [`SkipList::names`] decides, without marking it as matched.
    pub(crate) fn mentions(&self, file: &[u8], name: Option<&[u8]>) -> bool {
        self.entry_naming(file, name).is_some()
    }

    fn entry_naming(&self, file: &[u8], name: Option<&[u8]>) -> Option<usize> {
        self.entries()
            .position(|e| e == file || name.is_some_and(|n| n == e))
    }

    /// The entries that matched no plugin so far.
    pub fn unmatched(&self) -> impl Iterator<Item = &[u8]> {
        self.entries()
            .enumerate()
            .filter(|(i, _)| self.matched & (1 << i) == 0)
            .map(|(_, e)| e)
    }

    /// The warning about `entry`, which matched no plugin in `folder`.
    pub fn unmatched_warning<'a>(
        &self,
        entry: &'a [u8],
        folder: Option<&'a CStr>,
    ) -> Unmatched<'a> {
        Unmatched {
            source: self.source,
            entry,
            folder: folder.map_or(&b"(no plugin folder)"[..], CStr::to_bytes),
        }
    }

    /// Warns about every entry that matched no plugin.
    pub(crate) fn warn_unmatched(&self, folder: Option<&CStr>) {
        for e in self.unmatched() {
            log::warn!("{}", self.unmatched_warning(e, folder));
        }
    }
}

/// The loader's warning about a skip list of more than 64 names
/// (from the source held).
pub struct TooMany(&'static str);

impl fmt::Display for TooMany {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} names more than {SKIP_MAX} plugins; the rest are ignored",
            self.0
        )
    }
}

/// The loader's warning about a skip list's entry that matched no plugin.
pub struct Unmatched<'a> {
    source: &'static str,
    entry: &'a [u8],
    folder: &'a [u8],
}

impl fmt::Display for Unmatched<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} names \"{}\", which is no plugin in {}",
            self.source,
            Escaped(self.entry),
            Escaped(self.folder)
        )
    }
}

/// The loader's warning when `CRIU_PLUGIN_SKIP` (whose value is held) is
/// ignored in secure-execution mode.
pub struct SkipEnvIgnored<'a>(&'a [u8]);

impl fmt::Display for SkipEnvIgnored<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Ignoring {}={} in secure-execution mode (set-user-ID or file capabilities)",
            Escaped(SKIP_ENV.to_bytes()),
            Escaped(self.0)
        )
    }
}

/// `CRIU_PLUGIN_SKIP`'s value, if it is set; the warning instead when it
/// is ignored (secure-execution mode).
fn env_list() -> Result<Option<&'static CStr>, SkipEnvIgnored<'static>> {
    let Some(value) = crate::host::env(SKIP_ENV) else {
        return Ok(None);
    };
    if crate::host::secure_execution() {
        return Err(SkipEnvIgnored(value.to_bytes()));
    }
    Ok(Some(value))
}

fn trim(e: &[u8]) -> &[u8] {
    e.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_lists() {
        let list = |s: &str| SkipList::new(std::ffi::CString::new(s).unwrap(), "TEST");
        assert!(list("").is_none());
        assert!(list(" , ,").is_none());
        let mut skip = list(" a.so , gpu,,nvidia ").unwrap();
        let entries: Vec<&[u8]> = skip.entries().collect();
        assert_eq!(entries, [&b"a.so"[..], b"gpu", b"nvidia"]);
        assert_eq!(skip.names(b"a.so", None), Some(0));
        assert_eq!(skip.names(b"b.so", None), None);
        assert_eq!(skip.names(b"b.so", Some(b"gpu")), Some(1));
        let unmatched: Vec<&[u8]> = skip.unmatched().collect();
        assert_eq!(unmatched, [&b"nvidia"[..]]);
        assert_eq!(
            skip.unmatched_warning(b"nvidia", Some(c"/d\n")).to_string(),
            "TEST names \"nvidia\", which is no plugin in /d\\n"
        );
        assert_eq!(
            skip.unmatched_warning(b"x\xff", None).to_string(),
            "TEST names \"x\\xff\", which is no plugin in (no plugin folder)"
        );
        assert!(skip.too_many().is_none());
        let many: Vec<String> = (0..=SKIP_MAX).map(|i| format!("p{i}")).collect();
        let many = list(&many.join(",")).unwrap();
        assert_eq!(many.entries().count(), SKIP_MAX);
        assert_eq!(
            many.too_many().unwrap().to_string(),
            "TEST names more than 64 plugins; the rest are ignored"
        );
    }
}
