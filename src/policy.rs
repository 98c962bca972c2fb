//! Checks beyond CRIU's own loader: who may write the plugin files, whether
//! a plugin's undefined symbols resolve, and strict mode, which turns the
//! warnings of both into refusals.
//!
//! By default these only warn, so every plugin that loads into CRIU today
//! still loads.

use crate::dl::{self, Library};
use std::ffi::CStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::atomic::{AtomicU8, Ordering};

/// Environment variable that turns strict mode on (`1`) or off (`0`).
pub const STRICT_ENV: &str = "CRIU_PLUGIN_STRICT";

const UNSET: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

/// Strict mode as set by the host (`cr_plugin_set_strict`); UNSET defers to
/// the environment.
static HOST_SETTING: AtomicU8 = AtomicU8::new(UNSET);
/// Strict mode in force for the current `cr_plugin_init`.
static IN_FORCE: AtomicU8 = AtomicU8::new(OFF);

/// Sets strict mode from the host; it overrides the environment.
pub(crate) fn set_strict(on: bool) {
    HOST_SETTING.store(if on { ON } else { OFF }, Ordering::Relaxed);
    IN_FORCE.store(if on { ON } else { OFF }, Ordering::Relaxed);
}

/// Whether strict mode is on.
pub(crate) fn strict() -> bool {
    IN_FORCE.load(Ordering::Relaxed) == ON
}

/// Parses the strict-mode variable's value: `1`, `yes`, `on`, `true` turn it on.
pub fn parse_strict(value: &[u8]) -> bool {
    matches!(
        value.to_ascii_lowercase().as_slice(),
        b"1" | b"yes" | b"on" | b"true"
    )
}

/// Whether the environment asks for strict mode (`CRIU_PLUGIN_STRICT`).
pub fn strict_requested_by_env() -> bool {
    std::env::var_os(STRICT_ENV).is_some_and(|v| parse_strict(v.as_bytes()))
}

/// Decides strict mode for this `cr_plugin_init`: the host's setting, else
/// the environment. The environment can only make the loader stricter, so it
/// is honoured in secure-execution mode too.
pub(crate) fn refresh_from_env() {
    let host = HOST_SETTING.load(Ordering::Relaxed);
    let on = match host {
        UNSET => strict_requested_by_env(),
        _ => host == ON,
    };
    IN_FORCE.store(if on { ON } else { OFF }, Ordering::Relaxed);
}

/// A warning in normal mode, a refusal (the message) in strict mode.
fn concern(message: String) -> Result<(), String> {
    if strict() {
        Err(format!("{message} (strict mode)"))
    } else {
        log::warn!("{message}");
        Ok(())
    }
}

/// Who may write a file with owner `uid` and `mode`, as a sentence, if
/// anyone untrusted can. Trusted: owned by root or the effective user `euid`,
/// not writable by group or others.
pub fn untrusted_writer(uid: u32, mode: u32, euid: u32) -> Option<String> {
    if uid != 0 && uid != euid {
        return Some(format!(
            "is owned by uid {uid}, neither root nor the effective user {euid}"
        ));
    }
    if mode & 0o022 != 0 {
        let who = match mode & 0o022 {
            0o020 => "its group",
            0o002 => "others",
            _ => "its group and others",
        };
        return Some(format!("is writable by {who} (mode {:04o})", mode & 0o7777));
    }
    None
}

/// Checks the owner and mode of a plugin file or folder (`what` names it in
/// the message, with `path`): a warning, or the refusal in strict mode.
pub(crate) fn check_trust(
    st: Option<libc::stat>,
    euid: u32,
    what: &str,
    path: &CStr,
) -> Result<(), String> {
    match st.and_then(|st| untrusted_writer(st.st_uid, st.st_mode, euid)) {
        Some(why) => concern(format!("{what} {} {why}", path.to_string_lossy())),
        None => Ok(()),
    }
}

/// The functions the plugin binds lazily that neither its own dependencies
/// nor the process's global scope provide.
pub fn missing_symbols(library: &Library) -> Vec<String> {
    let mut missing = Vec::new();
    library.for_each_lazy_import(|name| {
        if library.symbol(name).is_none() && dl::global_symbol(name).is_none() {
            missing.push(name.to_string_lossy().into_owned());
        }
    });
    missing
}

/// Reports the plugin's unresolvable symbols before any of its hooks can
/// run (with `RTLD_LAZY` they would otherwise fail in the middle of a dump).
pub(crate) fn check_symbols(library: &Library, path: &CStr) -> Result<(), String> {
    let missing = missing_symbols(library);
    if missing.is_empty() {
        return Ok(());
    }
    concern(format!(
        "Plugin {} needs symbols that nothing in this process provides: {}",
        path.to_string_lossy(),
        missing.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_rules() {
        assert_eq!(untrusted_writer(0, 0o100644, 0), None);
        assert_eq!(untrusted_writer(1000, 0o100755, 1000), None);
        assert_eq!(
            untrusted_writer(1000, 0o100644, 0).unwrap(),
            "is owned by uid 1000, neither root nor the effective user 0"
        );
        assert_eq!(
            untrusted_writer(0, 0o100664, 0).unwrap(),
            "is writable by its group (mode 0664)"
        );
        assert_eq!(
            untrusted_writer(0, 0o40757, 0).unwrap(),
            "is writable by others (mode 0757)"
        );
        assert_eq!(
            untrusted_writer(0, 0o41777, 0).unwrap(),
            "is writable by its group and others (mode 1777)"
        );
    }

    #[test]
    fn strict_values() {
        for on in [&b"1"[..], b"yes", b"ON", b"true"] {
            assert!(parse_strict(on));
        }
        for off in [&b"0"[..], b"", b"no", b"off", b"2"] {
            assert!(!parse_strict(off));
        }
    }
}
