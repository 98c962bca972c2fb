//! Which folder the plugins come from, and which of its entries are plugins.

use crate::host::{self, DEFAULT_PLUGIN_DIR, host};
use std::ffi::{CStr, CString};
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
pub(crate) fn choose() -> Option<CString> {
    let (dir, source) = locate()?;
    log::debug!(
        "Loading plugins from {} ({source:?})",
        dir.to_string_lossy()
    );
    host().record_libdir(&dir);
    Some(dir)
}

/// Whether a folder entry is a plugin candidate: its name ends in `.so`.
pub(crate) fn is_candidate(name: &[u8]) -> bool {
    name.len() >= 3 && name.ends_with(b".so")
}

/// `dir/name`, if it fits in `PATH_MAX` bytes with its NUL.
pub(crate) fn join(dir: &[u8], name: &[u8]) -> Option<CString> {
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
pub(crate) fn sort(names: &mut [Vec<u8>]) {
    names.sort_unstable();
}

/// An open plugin folder (`opendir`), closed when dropped. The trust checks
/// use its descriptor (`fstat`, `fstatat`) rather than walking paths again.
#[derive(Debug)]
pub struct PluginDir {
    dir: std::ptr::NonNull<libc::DIR>,
    path: CString,
}

/// One candidate plugin file.
#[derive(Debug)]
pub struct Candidate {
    /// Its name in the folder.
    pub name: CString,
    /// `folder/name`.
    pub path: CString,
}

impl PluginDir {
    /// Opens `path`; the error is the message to log.
    pub fn open(path: &CStr) -> Result<PluginDir, String> {
        // SAFETY: path is NUL-terminated; opendir returns NULL or a handle we own.
        let dir = unsafe { libc::opendir(path.as_ptr()) };
        match std::ptr::NonNull::new(dir) {
            Some(dir) => Ok(PluginDir {
                dir,
                path: path.to_owned(),
            }),
            None => Err(format!(
                "Unable to open directory {}: {}",
                path.to_string_lossy(),
                std::io::Error::last_os_error()
            )),
        }
    }

    /// The folder's path.
    pub fn path(&self) -> &CStr {
        &self.path
    }

    /// `fstat` of the folder itself.
    pub fn stat_self(&self) -> Option<libc::stat> {
        // SAFETY: the DIR is open, so its descriptor is valid; stat is plain data.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            (libc::fstat(libc::dirfd(self.dir.as_ptr()), &mut st) == 0).then_some(st)
        }
    }

    /// `stat` of the entry `name` (following symbolic links: what `dlopen`
    /// would map), relative to the open folder.
    pub fn stat(&self, name: &CStr) -> Option<libc::stat> {
        // SAFETY: as in stat_self; name is NUL-terminated.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            (libc::fstatat(libc::dirfd(self.dir.as_ptr()), name.as_ptr(), &mut st, 0) == 0)
                .then_some(st)
        }
    }

    /// The candidate plugin files, in load order (byte order of their
    /// names). The error is the message to log.
    pub fn candidates(&mut self) -> Result<Vec<Candidate>, String> {
        let shown = self.path.to_string_lossy().into_owned();
        let mut names = Vec::new();
        loop {
            // SAFETY: readdir on our open DIR; the entry it returns stays
            // valid until the next readdir, and its name is copied at once.
            // errno is cleared first to tell the end from an error.
            let entry = unsafe {
                *libc::__errno_location() = 0;
                libc::readdir(self.dir.as_ptr())
            };
            if entry.is_null() {
                let err = std::io::Error::last_os_error();
                if err.raw_os_error() == Some(0) {
                    break;
                }
                return Err(format!(
                    "Unable to read the libraries directory {shown}: {err}"
                ));
            }
            // SAFETY: d_name is a NUL-terminated array inside the entry.
            let name = unsafe { CStr::from_ptr((*entry).d_name.as_ptr()) }.to_bytes();
            if is_candidate(name) {
                names.push(name.to_vec());
            }
        }
        sort(&mut names);
        if names.is_empty() {
            log::debug!("No plugins (*.so) in {shown}");
        }
        names
            .into_iter()
            .map(|name| {
                let path = join(self.path.to_bytes(), &name).ok_or_else(|| {
                    format!(
                        "Unable to build plugin path: {shown}/{} does not fit in PATH_MAX ({} bytes)",
                        String::from_utf8_lossy(&name),
                        libc::PATH_MAX
                    )
                })?;
                let name = CString::new(name).expect("directory entry names hold no NUL");
                Ok(Candidate { name, path })
            })
            .collect()
    }
}

impl Drop for PluginDir {
    fn drop(&mut self) {
        // SAFETY: the DIR came from opendir and is closed once, here.
        unsafe {
            libc::closedir(self.dir.as_ptr());
        }
    }
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
