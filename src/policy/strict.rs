//! Strict mode: the host's setting, else `CRIU_PLUGIN_STRICT`.

use std::ffi::CStr;
use std::sync::atomic::{AtomicU8, Ordering};

/// Environment variable that turns strict mode on (`1`) or off (`0`).
pub const STRICT_ENV: &CStr = c"CRIU_PLUGIN_STRICT";

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
pub(crate) fn parse_strict(value: &[u8]) -> bool {
    matches!(
        value.to_ascii_lowercase().as_slice(),
        b"1" | b"yes" | b"on" | b"true"
    )
}

/// Whether the environment asks for strict mode (`CRIU_PLUGIN_STRICT`).
pub fn strict_requested_by_env() -> bool {
    crate::host::env(STRICT_ENV).is_some_and(|v| parse_strict(v.to_bytes()))
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

#[cfg(test)]
mod tests {
    use super::*;

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
