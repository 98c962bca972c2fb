//! Why `cr_plugin_init` fails, logged where it happens.

use crate::fallible::try_format;
use std::fmt;

/// Why `cr_plugin_init` failed. Each is logged where it happens, and its
/// text is that log line (the C face returns -1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InitError {
    /// The call itself was refused: a session is open, or a plugin's code
    /// called in.
    Refused(String),
    /// The plugin folder cannot be read, or strict mode refuses it.
    Folder(String),
    /// A plugin (a file or a built-in) is refused or cannot be loaded.
    Plugin(String),
    /// A plugin's `init` failed.
    PluginInit(String),
    /// The restore stage's checks failed: the images' inventory, or a
    /// `RESTORE_INIT` hook.
    Restore(String),
    /// Memory ran out.
    OutOfMemory,
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Refused(line)
            | InitError::Folder(line)
            | InitError::Plugin(line)
            | InitError::PluginInit(line)
            | InitError::Restore(line) => f.write_str(line),
            InitError::OutOfMemory => f.write_str("plugin initialisation failed: out of memory"),
        }
    }
}

impl std::error::Error for InitError {}

/// Logs `args` as an error and makes the error value of that kind (with
/// the text, when memory allows).
pub(super) fn fail(kind: fn(String) -> InitError, args: fmt::Arguments<'_>) -> InitError {
    log::error!("{args}");
    try_format(args).map_or(InitError::OutOfMemory, kind)
}

pub(super) fn out_of_memory(what: fmt::Arguments<'_>) -> InitError {
    log::error!("{what}: out of memory");
    InitError::OutOfMemory
}
