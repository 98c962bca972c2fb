//! A `log` backend that writes into CRIU's own log through `print_on_level`,
//! with CRIU's levels and, for errors and warnings, CRIU's prefixes
//! (`Error (file:line): `, `Warn  (file:line): `, with the library's own
//! source location), so the loader's messages land in `criu -o FILE -v4`
//! beside CRIU's and a grep for `Error (` finds them. Without CRIU's logger,
//! warnings and errors go to stderr. Nothing here allocates: a line is
//! formatted into a fixed buffer (cut at [`LINE_MAX`] bytes).

use crate::fallible::LineBuf;
use crate::host::host;
use log::{Level, LevelFilter, Log, Metadata, Record};
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The longest line written, newline included; longer ones are cut.
pub(crate) const LINE_MAX: usize = 8192;

/// Where the library's sources are, in the prefixes of error and warning
/// lines (CRIU's own read like `Error (criu/plugin.c:230): `).
const SOURCE_PREFIX: &str = "libcriu-plugin/";

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
        let mut line = LineBuf::<LINE_MAX>::new();
        let file = record.file().unwrap_or("?");
        let line_no = record.line().unwrap_or(0);
        let _ = match record.level() {
            Level::Error => write!(line, "Error ({SOURCE_PREFIX}{file}:{line_no}): "),
            Level::Warn => write!(line, "Warn  ({SOURCE_PREFIX}{file}:{line_no}): "),
            _ => Ok(()),
        };
        let _ = write!(line, "{}", record.args());
        let line = if line.was_cut() {
            line.finish(b"...\n")
        } else {
            line.finish(b"\n")
        };
        if !host().print(criu_level(record.level()), line) {
            let bytes = line.to_bytes();
            // SAFETY: writing a live byte slice to stderr; a short or failed
            // write only loses the message.
            unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
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
