//! Which folder the plugins come from, and which of its entries are plugins.

use crate::host::{self, DEFAULT_PLUGIN_DIR, host};
use crate::policy;
use std::ffi::{CStr, CString, OsStr};
use std::os::unix::ffi::OsStrExt;

/// Where the plugin folder came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// CRIU's `--libdir` (`opts.libdir`).
    Libdir,
    /// The host's `cr_plugin_set_libdir`.
    Setter,
    /// The environment variable `CRIU_LIBS_DIR`.
    Environment,
    /// The build-time default folder.
    Default,
}

/// Picks the folder without side effects: `opts.libdir`, else the setter,
/// else `CRIU_LIBS_DIR` (ignored in secure-execution mode), else the default
/// folder if it exists; `None`: no plugins.
pub fn locate() -> Option<(CString, Source)> {
    if let Some(dir) = host().opts_libdir() {
        return Some((dir, Source::Libdir));
    }
    if let Some(dir) = host::libdir_setting() {
        return Some((dir, Source::Setter));
    }
    if let Some(dir) = std::env::var_os("CRIU_LIBS_DIR") {
        if !host::secure_execution() {
            return CString::new(dir.as_bytes())
                .ok()
                .map(|d| (d, Source::Environment));
        }
        log::warn!(
            "Ignoring CRIU_LIBS_DIR={} in secure-execution mode (set-user-ID or file capabilities)",
            dir.to_string_lossy()
        );
    }
    let default = CString::new(DEFAULT_PLUGIN_DIR).expect("the default folder holds no NUL");
    // SAFETY: access only reads the NUL-terminated path.
    let exists = unsafe { libc::access(default.as_ptr(), libc::F_OK) } == 0;
    exists.then_some((default, Source::Default))
}

/// [`locate`], then records the choice in `opts.libdir` as CRIU's loader does.
pub fn choose() -> Option<CString> {
    let (dir, source) = locate()?;
    log::debug!(
        "Loading plugins from {} ({source:?})",
        dir.to_string_lossy()
    );
    host().record_libdir(&dir);
    Some(dir)
}

/// Whether a folder entry is a plugin candidate: its name ends in `.so`.
pub fn is_candidate(name: &[u8]) -> bool {
    name.len() >= 3 && name.ends_with(b".so")
}

/// `dir/name`, if it fits in `PATH_MAX` bytes with its NUL.
pub fn join(dir: &[u8], name: &[u8]) -> Option<CString> {
    let mut path = Vec::with_capacity(dir.len() + 1 + name.len());
    path.extend_from_slice(dir);
    path.push(b'/');
    path.extend_from_slice(name);
    if path.len() >= libc::PATH_MAX as usize {
        return None;
    }
    CString::new(path).ok()
}

/// Sorts candidate names in byte order: the documented load order.
pub fn sort(names: &mut [Vec<u8>]) {
    names.sort_unstable();
}

/// The candidate plugin files of `dir`, in load order (byte order of their
/// names). The error is the message to log.
pub fn candidates(dir: &CStr) -> Result<Vec<CString>, String> {
    let shown = dir.to_string_lossy();
    let path = std::path::Path::new(OsStr::from_bytes(dir.to_bytes()));
    policy::check_folder(dir).map_err(|why| format!("Refusing plugin folder {shown}: {why}"))?;
    let entries =
        std::fs::read_dir(path).map_err(|e| format!("Unable to open directory {shown}: {e}"))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| format!("Unable to read the libraries directory {shown}: {e}"))?;
        let name = entry.file_name().as_bytes().to_vec();
        if is_candidate(&name) {
            names.push(name);
        }
    }
    sort(&mut names);
    if names.is_empty() {
        log::debug!("No plugins (*.so) in {shown}");
    }
    names
        .iter()
        .map(|name| {
            join(dir.to_bytes(), name).ok_or_else(|| {
                format!(
                    "Unable to build plugin path: {shown}/{} does not fit in PATH_MAX ({} bytes)",
                    String::from_utf8_lossy(name),
                    libc::PATH_MAX
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_takes_names_ending_in_so() {
        assert!(is_candidate(b"amdgpu_plugin.so"));
        assert!(is_candidate(b".so"));
        assert!(!is_candidate(b"so"));
        assert!(!is_candidate(b"plugin.so.1"));
        assert!(!is_candidate(b"plugin.SO"));
        assert!(!is_candidate(b"README"));
    }

    #[test]
    fn order_is_byte_order() {
        let mut names: Vec<Vec<u8>> = vec![
            b"b.so".to_vec(),
            b"a.so".to_vec(),
            b"B.so".to_vec(),
            b"a0.so".to_vec(),
        ];
        sort(&mut names);
        assert_eq!(
            names,
            vec![
                b"B.so".to_vec(),
                b"a.so".to_vec(),
                b"a0.so".to_vec(),
                b"b.so".to_vec()
            ]
        );
    }

    #[test]
    fn join_respects_path_max() {
        assert_eq!(
            join(b"/usr/lib/criu", b"x.so").unwrap().as_bytes(),
            b"/usr/lib/criu/x.so"
        );
        let long = vec![b'a'; libc::PATH_MAX as usize - 5];
        assert!(join(&long, b"x.so").is_none());
        let fits = vec![b'a'; libc::PATH_MAX as usize - 6];
        assert_eq!(
            join(&fits, b"x.so").unwrap().as_bytes().len(),
            libc::PATH_MAX as usize - 1
        );
    }
}
