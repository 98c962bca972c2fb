//! Which folder the plugins come from, and which of its entries are plugins,
//! in which order. Reading a folder allocates twice per init (one buffer of
//! names, one index), never per entry, and fails cleanly when memory runs out.

use crate::escape::Escaped;
use crate::fallible::{Errno, OutOfMemory, try_cstring};
use crate::host::{self, DEFAULT_PLUGIN_DIR, env, host};
use std::ffi::{CStr, CString, c_char};
use std::fmt;

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

/// The environment variable that names the plugin folder.
pub(crate) const LIBS_DIR_ENV: &CStr = c"CRIU_LIBS_DIR";

/// Picks the folder as the loader does, without recording the choice:
/// `opts.libdir`, else the host's `cr_plugin_set_libdir`, else
/// `CRIU_LIBS_DIR` (ignored in secure-execution mode, with a warning), else
/// the default folder if it exists; `None`: no plugins (logged).
pub fn locate() -> Result<Option<(CString, Source)>, OutOfMemory> {
    if let Some(dir) = host().opts_libdir() {
        return Ok(Some((dir?, Source::Libdir)));
    }
    if let Some(dir) = host::libdir_setting()? {
        return Ok(Some((dir, Source::Setter)));
    }
    if let Some(dir) = env(LIBS_DIR_ENV) {
        if !host::secure_execution() {
            return Ok(Some((try_cstring(dir)?, Source::Environment)));
        }
        log::warn!(
            "Ignoring CRIU_LIBS_DIR={} in secure-execution mode (set-user-ID or file capabilities)",
            Escaped(dir.to_bytes())
        );
    }
    let default = default_dir();
    // SAFETY: access only reads the NUL-terminated path.
    if unsafe { libc::access(default.as_ptr(), libc::F_OK) } == 0 {
        return Ok(Some((try_cstring(default)?, Source::Default)));
    }
    log::info!(
        "No plugins: the default plugin folder {} does not exist ({}), no --libdir was given and CRIU_LIBS_DIR is not set{}",
        Escaped(DEFAULT_PLUGIN_DIR.as_bytes()),
        Errno::last(),
        if env(LIBS_DIR_ENV).is_some() {
            " (it is, but ignored in secure-execution mode)"
        } else {
            ""
        }
    );
    Ok(None)
}

/// The build-time default folder as a C string.
pub(crate) fn default_dir() -> &'static CStr {
    static DIR: &CStr = match CStr::from_bytes_with_nul(
        concat!(env!("CRIU_PLUGIN_DEFAULT_DIR"), "\0").as_bytes(),
    ) {
        Ok(s) => s,
        Err(_) => panic!("CRIU_PLUGIN_DEFAULT_DIR holds a NUL"),
    };
    DIR
}

/// [`locate`], then records the choice in `opts.libdir` as CRIU's loader does.
pub(crate) fn choose() -> Result<Option<CString>, OutOfMemory> {
    let Some((dir, source)) = locate()? else {
        return Ok(None);
    };
    log::debug!(
        "Loading plugins from {} ({source:?})",
        Escaped(dir.to_bytes())
    );
    host().record_libdir(&dir);
    Ok(Some(dir))
}

/// Whether a folder entry is a plugin candidate: its name ends in `.so`.
pub(crate) fn is_candidate(name: &[u8]) -> bool {
    name.len() >= 3 && name.ends_with(b".so")
}

/// Whether `dir/name` fits in `PATH_MAX` bytes with its NUL.
pub(crate) fn fits_path_max(dir: &[u8], name: &[u8]) -> bool {
    dir.len() + 1 + name.len() < libc::PATH_MAX as usize
}

/// `dir/name` as a C string (neither holds a NUL); `None` when memory runs
/// out.
pub(crate) fn joined(dir: &[u8], name: &[u8]) -> Option<CString> {
    let mut path = Vec::new();
    // Room for the NUL too: CString::new does not reallocate.
    path.try_reserve_exact(dir.len() + 1 + name.len() + 1)
        .ok()?;
    path.extend_from_slice(dir);
    path.push(b'/');
    path.extend_from_slice(name);
    CString::new(path).ok()
}

/// What kind of file a `st_mode` says, in words, when it is not a regular
/// file (`None` for a regular file).
pub fn not_regular(mode: u32) -> Option<&'static str> {
    match mode & libc::S_IFMT {
        libc::S_IFREG => None,
        libc::S_IFIFO => Some("a FIFO"),
        libc::S_IFSOCK => Some("a socket"),
        libc::S_IFCHR => Some("a character device"),
        libc::S_IFBLK => Some("a block device"),
        libc::S_IFDIR => Some("a directory"),
        libc::S_IFLNK => Some("a symbolic link"),
        _ => Some("a file of an unknown type"),
    }
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

/// Why a folder could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum DirError {
    /// `opendir` or `readdir` failed.
    Io {
        /// What was being done.
        what: &'static str,
        /// The folder.
        path: CString,
        /// `errno`.
        errno: Errno,
    },
    /// A candidate's path does not fit in `PATH_MAX`.
    TooLong {
        /// The folder.
        path: CString,
        /// The entry's name.
        name: Vec<u8>,
    },
    /// Memory ran out.
    OutOfMemory,
}

impl From<OutOfMemory> for DirError {
    fn from(_: OutOfMemory) -> DirError {
        DirError::OutOfMemory
    }
}

impl fmt::Display for DirError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DirError::Io { what, path, errno } => {
                write!(f, "{what} {}: {errno}", Escaped(path.to_bytes()))
            }
            DirError::TooLong { path, name } => write!(
                f,
                "Unable to build plugin path: it does not fit in PATH_MAX ({} bytes): {}/{}",
                libc::PATH_MAX,
                Escaped(path.to_bytes()),
                Escaped(name)
            ),
            DirError::OutOfMemory => f.write_str("Unable to read the plugin folder: out of memory"),
        }
    }
}

/// The names of a folder's candidates, in load order (byte order of the
/// names), in one buffer.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// The names, each followed by its NUL.
    bytes: Vec<u8>,
    /// Start, length (without the NUL) and `d_type` of each, in load order.
    index: Vec<(u32, u32, u8)>,
}

impl Names {
    /// How many there are.
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// The names, in load order, each with what `readdir` said of its type
    /// (`DT_REG`, `DT_LNK`, `DT_UNKNOWN`, ...).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&CStr, u8)> {
        self.index.iter().map(|&(start, len, kind)| {
            let with_nul = &self.bytes[start as usize..=(start + len) as usize];
            (CStr::from_bytes_with_nul(with_nul).unwrap_or(c""), kind)
        })
    }
}

impl PluginDir {
    /// Opens `path`.
    pub fn open(path: &CStr) -> Result<PluginDir, DirError> {
        let path = try_cstring(path)?;
        // SAFETY: path is NUL-terminated; opendir returns NULL or a handle we own.
        let dir = unsafe { libc::opendir(path.as_ptr()) };
        match std::ptr::NonNull::new(dir) {
            Some(dir) => Ok(PluginDir { dir, path }),
            None => Err(DirError::Io {
                what: "Unable to open directory",
                errno: Errno::last(),
                path,
            }),
        }
    }

    /// The folder's path.
    pub fn path(&self) -> &CStr {
        &self.path
    }

    fn fd(&self) -> libc::c_int {
        // SAFETY: the DIR is open, so dirfd gives its valid descriptor.
        unsafe { libc::dirfd(self.dir.as_ptr()) }
    }

    /// `fstat` of the folder itself.
    pub fn stat_self(&self) -> Option<libc::stat> {
        // SAFETY: the descriptor is valid; stat is plain data.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            (libc::fstat(self.fd(), &mut st) == 0).then_some(st)
        }
    }

    /// `stat` of the entry `name`, following symbolic links (what `dlopen`
    /// would map) unless `nofollow`, relative to the open folder.
    pub fn stat_at(&self, name: &CStr, nofollow: bool) -> Option<libc::stat> {
        let flags = if nofollow {
            libc::AT_SYMLINK_NOFOLLOW
        } else {
            0
        };
        // SAFETY: as in stat_self; name is NUL-terminated.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            (libc::fstatat(self.fd(), name.as_ptr(), &mut st, flags) == 0).then_some(st)
        }
    }

    /// `stat` of the entry `name`, following symbolic links.
    pub fn stat(&self, name: &CStr) -> Option<libc::stat> {
        self.stat_at(name, false)
    }

    /// Reads up to `buf.len()` bytes from the start of the entry `name`, a
    /// regular file, without blocking and without becoming a controlling
    /// terminal: how many were read (0 when it cannot be opened: `dlopen`
    /// then says why). The buffer need not be initialised.
    pub(crate) fn read_head<'b>(
        &self,
        name: &CStr,
        buf: &'b mut [std::mem::MaybeUninit<u8>],
    ) -> &'b [u8] {
        use std::os::fd::AsRawFd;
        let Some(file) = self.open_entry(name) else {
            return &[];
        };
        // SAFETY: pread writes at most buf.len() bytes into the buffer.
        let n = unsafe { libc::pread(file.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        let n = if n < 0 { 0 } else { n as usize };
        // SAFETY: pread initialised the first n bytes.
        unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) }
    }

    /// Opens the entry `name` for reading, without blocking (a FIFO must
    /// not wait for a writer) and without becoming a controlling terminal.
    pub(crate) fn open_entry(&self, name: &CStr) -> Option<std::fs::File> {
        use std::os::fd::FromRawFd;
        let flags = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY;
        // SAFETY: openat on our directory descriptor with a C string.
        let fd = unsafe { libc::openat(self.fd(), name.as_ptr(), flags) };
        // SAFETY: a descriptor openat just returned is ours to own.
        (fd >= 0).then(|| unsafe { std::fs::File::from_raw_fd(fd) })
    }

    /// The candidate names, in load order (byte order of the names).
    pub(crate) fn names(&mut self) -> Result<Names, DirError> {
        let mut names = Names::default();
        loop {
            // SAFETY: readdir on our open DIR; the entry it returns stays
            // valid until the next readdir, and its name is copied at once.
            // errno is cleared first to tell the end from an error.
            let entry = unsafe {
                *libc::__errno_location() = 0;
                libc::readdir(self.dir.as_ptr())
            };
            if entry.is_null() {
                let errno = Errno::last();
                if errno.0 == 0 {
                    break;
                }
                return Err(DirError::Io {
                    what: "Unable to read the libraries directory",
                    path: try_cstring(&self.path)?,
                    errno,
                });
            }
            // SAFETY: d_name is a NUL-terminated array inside the entry.
            let name = unsafe { CStr::from_ptr((*entry).d_name.as_ptr().cast::<c_char>()) };
            let name = name.to_bytes();
            if !is_candidate(name) {
                continue;
            }
            if !fits_path_max(self.path.to_bytes(), name) {
                let mut copy = Vec::new();
                copy.try_reserve_exact(name.len())
                    .map_err(OutOfMemory::from)?;
                copy.extend_from_slice(name);
                return Err(DirError::TooLong {
                    path: try_cstring(&self.path)?,
                    name: copy,
                });
            }
            let start = u32::try_from(names.bytes.len()).map_err(|_| OutOfMemory)?;
            names
                .bytes
                .try_reserve(name.len() + 1)
                .map_err(OutOfMemory::from)?;
            names.index.try_reserve(1).map_err(OutOfMemory::from)?;
            names.bytes.extend_from_slice(name);
            names.bytes.push(0);
            // SAFETY: the entry is still the one readdir returned.
            let kind = unsafe { (*entry).d_type };
            names.index.push((start, name.len() as u32, kind));
        }
        let bytes = &names.bytes;
        let key = |&(s, l, _): &(u32, u32, u8)| &bytes[s as usize..(s + l) as usize];
        // sort_unstable_by does not allocate.
        names.index.sort_unstable_by(|a, b| key(a).cmp(key(b)));
        if names.len() == 0 {
            log::debug!("No plugins (*.so) in {}", Escaped(self.path.to_bytes()));
        }
        Ok(names)
    }

    /// The candidate plugin files, in load order (byte order of their
    /// names).
    pub fn candidates(&mut self) -> Result<Vec<Candidate>, DirError> {
        let names = self.names()?;
        Ok(names
            .iter()
            .filter_map(|(name, _)| {
                Some(Candidate {
                    name: name.to_owned(),
                    path: joined(self.path.to_bytes(), name.to_bytes())?,
                })
            })
            .collect())
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
        let dir = std::env::temp_dir().join(format!("criu-plugin-order-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for n in ["b.so", "a.so", "B.so", "a0.so", "notes.txt"] {
            std::fs::write(dir.join(n), b"").unwrap();
        }
        let path = CString::new(dir.to_str().unwrap()).unwrap();
        let mut d = PluginDir::open(&path).unwrap();
        let names = d.names().unwrap();
        let got: Vec<&[u8]> = names.iter().map(|(n, _)| n.to_bytes()).collect();
        assert_eq!(got, vec![&b"B.so"[..], b"a.so", b"a0.so", b"b.so"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn paths_respect_path_max() {
        assert_eq!(
            joined(b"/usr/lib/criu", b"x.so").unwrap().as_c_str(),
            c"/usr/lib/criu/x.so"
        );
        // dir + '/' + name + NUL: PATH_MAX bytes fit, one more does not.
        let long = vec![b'a'; libc::PATH_MAX as usize - 5];
        assert!(!fits_path_max(&long, b"x.so"));
        let fits = vec![b'a'; libc::PATH_MAX as usize - 6];
        assert!(fits_path_max(&fits, b"x.so"));
        assert_eq!(
            joined(&fits, b"x.so").unwrap().as_bytes_with_nul().len(),
            libc::PATH_MAX as usize
        );
    }

    #[test]
    fn kinds_of_files() {
        assert_eq!(not_regular(libc::S_IFREG | 0o644), None);
        assert_eq!(not_regular(libc::S_IFIFO | 0o644), Some("a FIFO"));
        assert_eq!(not_regular(libc::S_IFDIR | 0o755), Some("a directory"));
    }
}
