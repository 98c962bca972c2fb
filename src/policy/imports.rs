//! Whether a loaded plugin's lazily bound functions resolve: a missing one
//! would kill CRIU at its first call.

use crate::dl::{self, Library};
use crate::elf::{Dynamic, MappedImage, Segments};
use crate::escape::Escaped;
use std::ffi::CStr;
use std::fmt;

/// Calls `f` with each function the plugin binds lazily (read from its
/// tables `dynamic`, inside `within` when given: see
/// [`Dynamic::lazy_imports`]) that neither its own dependencies nor the
/// process's global scope provide.
fn for_each_missing(
    library: &Library,
    dynamic: &Dynamic<'_, MappedImage>,
    within: Option<&Segments>,
    mut f: impl FnMut(&CStr),
) {
    for name in dynamic.lazy_imports(within) {
        // The executable, the C library and this library first, through
        // their own hash tables: nearly every import is there, and a dlsym
        // costs about ten times as much. Then the plugin's own
        // dependencies (what is left is mostly theirs, as a GPU plugin's
        // driver library), then the global scope as a whole: a dlsym that
        // fails costs glibc an error message (and allocations) that one
        // that succeeds does not.
        if !dl::defined_at_start_up(name)
            && library.symbol(name).is_none()
            && dl::global_symbol(name).is_none()
        {
            f(name);
        }
    }
}

/// The functions the plugin binds lazily that neither its own dependencies
/// nor the process's global scope provide, read as the loader reads them:
/// inside the readable segments of the file it was opened from.
pub fn missing_symbols(library: &Library) -> Vec<String> {
    let mut missing = Vec::new();
    if let Some(dynamic) = library.dynamic() {
        let segments = file_segments(library);
        for_each_missing(library, &dynamic, Some(&segments), |name| {
            missing.push(name.to_string_lossy().into_owned())
        });
    }
    missing
}

/// The readable segments the program headers of `library`'s file give, as
/// the loader reads them before `dlopen` (none when the file cannot be read
/// or does not describe the loaded object).
fn file_segments(library: &Library) -> Segments {
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: the library is open for as long as `library` is borrowed.
    let Some(path) = (unsafe { dl::object_path(library.as_ptr()) }) else {
        return Segments::NONE;
    };
    let Ok(file) = std::fs::File::open(std::ffi::OsStr::from_bytes(path.to_bytes())) else {
        return Segments::NONE;
    };
    let size = file.metadata().map_or(0, |m| m.len());
    match crate::elf::ElfFile::headers(&file, size) {
        Ok(headers) => library.checked_segments(headers.readable_segments()),
        Err(_) => Segments::NONE,
    }
}

/// Whether the plugin binds lazily (read from its tables `dynamic`, inside
/// `within`) a function that neither its own dependencies nor the
/// process's global scope provide.
pub(crate) fn any_missing(
    library: &Library,
    dynamic: &Dynamic<'_, MappedImage>,
    within: Option<&Segments>,
) -> bool {
    let mut any = false;
    for_each_missing(library, dynamic, within, |_| any = true);
    any
}

/// The plugin's unresolvable symbols (read inside the segments, when
/// given), for a message. Displays as a comma-separated list.
pub(crate) struct MissingList<'a>(pub(crate) &'a Library, pub(crate) Option<&'a Segments>);

impl fmt::Display for MissingList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(dynamic) = self.0.dynamic() else {
            return Ok(());
        };
        let mut first = true;
        let mut result = Ok(());
        for_each_missing(self.0, &dynamic, self.1, |name| {
            if result.is_ok() {
                let sep = if first { "" } else { ", " };
                result = write!(f, "{sep}{}", Escaped(name.to_bytes()));
                first = false;
            }
        });
        result
    }
}
