//! A `log` backend that writes into CRIU's own log through `print_on_level`,
//! with CRIU's levels, so the loader's messages land in `criu -o FILE -v4`
//! beside CRIU's. Without CRIU's logger, warnings and errors go to stderr.

use crate::host::host;
use log::{Level, LevelFilter, Log, Metadata, Record};
use std::ffi::CString;
use std::io::Write;
use std::sync::OnceLock;

/// CRIU's log levels (`criu-log.h`).
pub(crate) mod level {
    /// `LOG_MSG`
    pub(crate) const MSG: u32 = 0;
    /// `LOG_ERROR`
    pub(crate) const ERROR: u32 = 1;
    /// `LOG_WARN`
    pub(crate) const WARN: u32 = 2;
    /// `LOG_INFO`
    pub(crate) const INFO: u32 = 3;
    /// `LOG_DEBUG`
    pub(crate) const DEBUG: u32 = 4;
}

struct CriuLogger;

static LOGGER: CriuLogger = CriuLogger;

fn criu_level(level: Level) -> u32 {
    match level {
        Level::Error => level::ERROR,
        Level::Warn => level::WARN,
        Level::Info => level::INFO,
        Level::Debug | Level::Trace => level::DEBUG,
    }
}

impl Log for CriuLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let mut line = format!("{}\n", record.args()).into_bytes();
        line.retain(|&b| b != 0);
        let line = CString::new(line).expect("NUL bytes were removed");
        if !host().print(criu_level(record.level()), &line) {
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
    }

    fn flush(&self) {}
}

/// Routes the `log` crate into CRIU's log and follows CRIU's verbosity.
///
/// Called at every `cr_plugin_init`, since CRIU sets its level before.
/// When the program already installed another `log` backend (a Rust host
/// using the crate as a library) that one is kept, with its own level.
pub(crate) fn install() {
    static OURS: OnceLock<bool> = OnceLock::new();
    if !*OURS.get_or_init(|| log::set_logger(&LOGGER).is_ok()) {
        return;
    }
    let h = host();
    let filter = match h.log_level() {
        Some(level::MSG) | Some(level::ERROR) => LevelFilter::Error,
        Some(level::WARN) => LevelFilter::Warn,
        Some(level::INFO) => LevelFilter::Info,
        Some(_) => LevelFilter::Debug,
        // CRIU's print_on_level filters by itself.
        None if h.has_criu_log() => LevelFilter::Debug,
        None => LevelFilter::Warn,
    };
    log::set_max_level(filter);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_criu() {
        assert_eq!(criu_level(Level::Error), 1);
        assert_eq!(criu_level(Level::Warn), 2);
        assert_eq!(criu_level(Level::Info), 3);
        assert_eq!(criu_level(Level::Debug), 4);
        assert_eq!(criu_level(Level::Trace), 4);
    }
}
