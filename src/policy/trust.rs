//! Who may write a plugin file and every folder on the way to it.

use crate::escape::Escaped;
use std::ffi::{CStr, c_int};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Untrusted {
    /// Owned by neither root nor the effective user.
    Owner {
        /// The owner.
        uid: u32,
        /// The effective user.
        euid: u32,
    },
    /// Writable by its group or others.
    Writable {
        /// The mode.
        mode: u32,
    },
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Untrusted::Owner { uid, euid } => write!(
                f,
                "is owned by uid {uid}, neither root nor the effective user {euid}"
            ),
            Untrusted::Writable { mode } => {
                let who = match mode & 0o022 {
                    0o020 => "its group",
                    0o002 => "others",
                    _ => "its group and others",
                };
                write!(f, "is writable by {who} (mode {:04o})", mode & 0o7777)
            }
        }
    }
}

/// The trust rule for a plugin file or the plugin folder: owned by root or
/// the effective user `euid`, not writable by group or others.
pub(crate) fn untrusted(uid: u32, mode: u32, euid: u32) -> Option<Untrusted> {
    if uid != 0 && uid != euid {
        return Some(Untrusted::Owner { uid, euid });
    }
    (mode & 0o022 != 0).then_some(Untrusted::Writable { mode })
}

/// The rule for a folder on the way to the plugin folder: as [`untrusted`],
/// but a sticky folder (`/tmp`) may be writable by others, since they can
/// neither remove nor rename what they do not own in it.
pub(crate) fn untrusted_ancestor(uid: u32, mode: u32, euid: u32) -> Option<Untrusted> {
    match untrusted(uid, mode, euid) {
        Some(Untrusted::Writable { .. }) if mode & libc::S_ISVTX != 0 => None,
        other => other,
    }
}

/// Who may write a file with owner `uid` and `mode`, as a sentence, if
/// anyone untrusted can (the rule for plugin files and the plugin folder).
pub fn untrusted_writer(uid: u32, mode: u32, euid: u32) -> Option<String> {
    untrusted(uid, mode, euid).map(|u| u.to_string())
}

/// Bytes on the stack, filled from the front (`len` of them) or from the
/// back (from `start`), and never zeroed: the walk runs at every init, and
/// clearing its 12 KiB of buffers each time is most of its cost.
struct StackBytes<const N: usize> {
    buf: [std::mem::MaybeUninit<u8>; N],
}

impl<const N: usize> StackBytes<N> {
    fn new() -> Self {
        StackBytes {
            buf: [const { std::mem::MaybeUninit::uninit() }; N],
        }
    }

    /// `buf[from..to]`, which the caller has written.
    fn get(&self, from: usize, to: usize) -> &[u8] {
        let part = &self.buf[from..to];
        // SAFETY: callers only read what they wrote (PathText: the first
        // `len` bytes; Pending: from `start` on); MaybeUninit<u8> has u8's
        // layout.
        unsafe { std::slice::from_raw_parts(part.as_ptr().cast(), part.len()) }
    }

    /// Writes `bytes` at `at`.
    fn put(&mut self, at: usize, bytes: &[u8]) {
        for (slot, &b) in self.buf[at..at + bytes.len()].iter_mut().zip(bytes) {
            slot.write(b);
        }
    }
}

/// A path on the stack, for walking and for messages.
struct PathText {
    buf: StackBytes<{ libc::PATH_MAX as usize }>,
    len: usize,
}

impl PathText {
    fn root() -> PathText {
        let mut p = PathText {
            buf: StackBytes::new(),
            len: 1,
        };
        p.buf.put(0, b"/");
        p
    }

    fn bytes(&self) -> &[u8] {
        self.buf.get(0, self.len)
    }

    /// The path as a C string (a NUL written after it: `push` keeps room).
    fn c_str(&mut self) -> &CStr {
        self.buf.put(self.len, b"\0");
        let bytes = self.buf.get(0, self.len + 1);
        // Components never hold a NUL (they come from C strings, and the
        // kernel stores none in a link's target).
        CStr::from_bytes_until_nul(bytes).unwrap_or(c"")
    }

    /// Appends a component; false when it does not fit.
    fn push(&mut self, name: &[u8]) -> bool {
        let sep = usize::from(self.len > 1);
        if self.len + sep + name.len() >= libc::PATH_MAX as usize {
            return false;
        }
        if sep == 1 {
            self.buf.put(self.len, b"/");
        }
        self.buf.put(self.len + sep, name);
        self.len += sep + name.len();
        true
    }

    fn pop(&mut self) {
        let bytes = self.bytes();
        let mut len = bytes.len();
        while len > 1 && bytes[len - 1] != b'/' {
            len -= 1;
        }
        if len > 1 {
            len -= 1;
        }
        self.len = len;
    }
}

/// The components still to walk: written from the back, as symbolic
/// links' targets are put in front of what is left.
struct Pending {
    buf: StackBytes<{ 2 * libc::PATH_MAX as usize }>,
    start: usize,
}

impl Pending {
    const SIZE: usize = 2 * libc::PATH_MAX as usize;

    fn new() -> Pending {
        Pending {
            buf: StackBytes::new(),
            start: Pending::SIZE,
        }
    }

    fn rest(&self) -> &[u8] {
        self.buf.get(self.start, Pending::SIZE)
    }

    /// Puts `bytes` and a `/` in front of what is left; false when they do
    /// not fit.
    fn put_front(&mut self, bytes: &[u8]) -> bool {
        if bytes.len() + 1 > self.start {
            return false;
        }
        self.start -= 1;
        self.buf.put(self.start, b"/");
        self.start -= bytes.len();
        self.buf.put(self.start, bytes);
        true
    }

    /// Takes the next component (shorter than `name`) off the front,
    /// slashes before it skipped: `None` when nothing is left, `Some(None)`
    /// when it is too long.
    fn next_component<'n>(&mut self, name: &'n mut [u8; 256]) -> Option<Option<&'n CStr>> {
        let rest = self.rest();
        let skip = rest.iter().take_while(|&&b| b == b'/').count();
        let rest = &rest[skip..];
        if rest.is_empty() {
            self.start = Pending::SIZE;
            return None;
        }
        let len = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
        if len >= name.len() {
            return Some(None);
        }
        name[..len].copy_from_slice(&rest[..len]);
        name[len] = 0;
        self.start += skip + len;
        Some(CStr::from_bytes_with_nul(&name[..=len]).ok())
    }

    /// Whether only slashes are left.
    fn is_empty(&self) -> bool {
        self.rest().iter().all(|&b| b == b'/')
    }
}

/// An untrusted place on the path to a plugin folder or file.
pub(crate) struct PathConcern {
    /// `folder`, `symbolic link` or `file`.
    kind: &'static str,
    /// Where it is (absolute).
    at: PathText,
    /// What is wrong with it.
    why: Untrusted,
    /// Whether it is the end of the path (the folder or file itself).
    last: bool,
}

impl PathConcern {
    /// Whether the concern is the folder or file itself, not one on the way.
    pub(crate) fn is_last(&self) -> bool {
        self.last
    }

    /// What is wrong, without where.
    pub(crate) fn why(&self) -> Untrusted {
        self.why
    }
}

impl fmt::Display for PathConcern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.kind, Escaped(self.at.bytes()), self.why)
    }
}

impl PathConcern {
    /// The concern with where it is relative to what is checked, e.g.
    /// `folder /srv on its path is owned by uid 1000, ...`.
    pub(crate) fn placed<'a>(&'a self, place: &'a str) -> impl fmt::Display + 'a {
        struct Placed<'a>(&'a PathConcern, &'a str);
        impl fmt::Display for Placed<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let c = self.0;
                write!(
                    f,
                    "{} {} {} {}",
                    c.kind,
                    Escaped(c.at.bytes()),
                    self.1,
                    c.why
                )
            }
        }
        Placed(self, place)
    }
}

/// The loader's sentence for `concern`, found by [`check_path`] on `path`:
/// the plugin folder when `last_is_dir` (`Plugin folder DIR is writable
/// ...` for the folder itself, `Plugin folder DIR: folder A on its path
/// ...` for one on the way), else a plugin file that is a symbolic link
/// (`Plugin file PATH: folder A on the path to its target ...`).
pub(crate) struct ConcernSentence<'a> {
    path: &'a CStr,
    concern: &'a PathConcern,
    last_is_dir: bool,
}

impl fmt::Display for ConcernSentence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = Escaped(self.path.to_bytes());
        let c = self.concern;
        match (self.last_is_dir, c.is_last()) {
            (true, true) => write!(f, "Plugin folder {path} {}", c.why()),
            (true, false) => write!(f, "Plugin folder {path}: {}", c.placed("on its path")),
            (false, _) => write!(
                f,
                "Plugin file {path}: {}",
                c.placed("on the path to its target")
            ),
        }
    }
}

impl PathConcern {
    /// The loader's sentence for this concern on `path` (see
    /// [`ConcernSentence`]).
    pub(crate) fn sentence<'a>(&'a self, path: &'a CStr, last_is_dir: bool) -> ConcernSentence<'a> {
        ConcernSentence {
            path,
            concern: self,
            last_is_dir,
        }
    }
}

/// What the loader says of the path to `path`, if anything: the path
/// walked from `/` as the loader walks it (`last_is_dir`: `path` is the
/// plugin folder; else a plugin file that is a symbolic link), and the
/// sentence it logs, a warning or, in strict mode, the reason of its
/// refusal. Names in it are escaped, as in the loader's log.
pub fn path_concern(path: &CStr, last_is_dir: bool, euid: u32) -> Option<String> {
    check_path(path, last_is_dir, euid)
        .err()
        .map(|c| c.sentence(path, last_is_dir).to_string())
}

fn fstatat(dir: c_int, name: &CStr, flags: c_int) -> Option<libc::stat> {
    // SAFETY: stat is plain data; fstatat only writes it.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        (libc::fstatat(dir, name.as_ptr(), &mut st, flags) == 0).then_some(st)
    }
}

/// At most this many symbolic links are followed on one path (the kernel's
/// own limit).
const MAX_LINKS: u32 = 40;

/// Checks every folder (and symbolic link) from `/` down to `path`, as sudo
/// and OpenSSH do, following symbolic links the way the kernel does: each
/// must be owned by root or `euid`; folders on the way may be writable by
/// others only when sticky; the last one (the plugin folder when
/// `last_is_dir`, else the plugin file) not at all. `Ok` also when the path
/// cannot be walked (a missing file, a loop): opening it fails later with
/// the system's own reason.
#[allow(
    clippy::result_large_err,
    reason = "kept on the stack: no allocation when memory runs out"
)]
pub(crate) fn check_path(path: &CStr, last_is_dir: bool, euid: u32) -> Result<(), PathConcern> {
    // The components still to walk, in a buffer that symbolic links'
    // targets are put in front of.
    let mut pending = Pending::new();
    let mut at = PathText::root();
    let p = path.to_bytes();
    if !p.starts_with(b"/") {
        let mut cwd = [0u8; libc::PATH_MAX as usize];
        // SAFETY: getcwd writes a NUL-terminated path of at most cwd.len() bytes.
        if unsafe { libc::getcwd(cwd.as_mut_ptr().cast(), cwd.len()) }.is_null() {
            return Ok(());
        }
        let cwd = CStr::from_bytes_until_nul(&cwd).map_or(&b""[..], CStr::to_bytes);
        if !pending.put_front(p) || !pending.put_front(cwd) {
            return Ok(());
        }
    } else if !pending.put_front(p) {
        return Ok(());
    }
    // Every folder is judged once, when it is entered: by the rule for the
    // last one when nothing follows, else by the rule for one on the way.
    let judge = |st: &libc::stat, last: bool| {
        if last && last_is_dir {
            untrusted(st.st_uid, st.st_mode, euid)
        } else {
            untrusted_ancestor(st.st_uid, st.st_mode, euid)
        }
    };
    // One stat per component, of the path walked so far (which holds no
    // symbolic link: those are replaced by their targets), not following
    // the last link. Judging by path is as safe as judging open folders:
    // only a folder's owner (root or `euid`, or nobody else once the walk
    // has judged it) can change what its entries are.
    let Some(st) = fstatat(libc::AT_FDCWD, c"/", libc::AT_SYMLINK_NOFOLLOW) else {
        return Ok(());
    };
    if let Some(why) = judge(&st, pending.is_empty()) {
        let last = pending.is_empty() && last_is_dir;
        return Err(PathConcern {
            kind: "folder",
            at,
            why,
            last,
        });
    }
    let mut links = 0;
    let mut name = [0u8; 256];
    loop {
        let comp = match pending.next_component(&mut name) {
            None => return Ok(()),
            // Too long to be a name, or not one: opening it fails later.
            Some(None) => return Ok(()),
            Some(Some(comp)) => comp,
        };
        let last = pending.is_empty();
        match comp.to_bytes() {
            b"." => continue,
            b".." => at.pop(),
            comp => {
                if !at.push(comp) {
                    return Ok(());
                }
            }
        }
        let Some(st) = fstatat(libc::AT_FDCWD, at.c_str(), libc::AT_SYMLINK_NOFOLLOW) else {
            return Ok(());
        };
        match st.st_mode & libc::S_IFMT {
            libc::S_IFDIR => {
                if let Some(why) = judge(&st, last) {
                    let last = last && last_is_dir;
                    return Err(PathConcern {
                        kind: "folder",
                        at,
                        why,
                        last,
                    });
                }
            }
            libc::S_IFLNK => {
                if st.st_uid != 0 && st.st_uid != euid {
                    let why = Untrusted::Owner {
                        uid: st.st_uid,
                        euid,
                    };
                    return Err(PathConcern {
                        kind: "symbolic link",
                        at,
                        why,
                        last: false,
                    });
                }
                links += 1;
                if links > MAX_LINKS {
                    return Ok(());
                }
                let mut target = [0u8; libc::PATH_MAX as usize];
                // SAFETY: readlinkat of a path names the link itself (the
                // last component is not followed) and writes at most
                // target.len() bytes.
                let n = unsafe {
                    libc::readlinkat(
                        libc::AT_FDCWD,
                        at.c_str().as_ptr(),
                        target.as_mut_ptr().cast(),
                        target.len(),
                    )
                };
                if n <= 0 || n as usize >= target.len() {
                    return Ok(());
                }
                let target = &target[..n as usize];
                if !pending.put_front(target) {
                    return Ok(());
                }
                // The link is not a folder on the way: its target is.
                at.pop();
                if target.starts_with(b"/") {
                    at = PathText::root();
                }
            }
            _ if last && !last_is_dir => {
                if let Some(why) = untrusted(st.st_uid, st.st_mode, euid) {
                    return Err(PathConcern {
                        kind: "file",
                        at,
                        why,
                        last: true,
                    });
                }
                return Ok(());
            }
            _ => return Ok(()),
        }
    }
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
        // A sticky folder on the way is fine; not as the plugin folder.
        assert_eq!(untrusted_ancestor(0, 0o41777, 0), None);
        assert!(untrusted_ancestor(0, 0o40777, 0).is_some());
        assert!(untrusted_ancestor(65534, 0o41777, 0).is_some());
    }

    #[test]
    fn path_walk_finds_untrusted_folders() {
        use std::os::unix::fs::PermissionsExt;
        // SAFETY: geteuid has no preconditions.
        let euid = unsafe { libc::geteuid() };
        let base = std::env::temp_dir().join(format!("criu-plugin-walk-{}", std::process::id()));
        let open = base.join("open");
        let inner = open.join("plugins");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o755)).unwrap();
        let c = |p: &std::path::Path| std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        let err = check_path(&c(&inner), true, euid).unwrap_err().to_string();
        assert!(
            err.starts_with("folder ")
                && err.ends_with("/open is writable by its group and others (mode 0777)"),
            "{err}"
        );
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(check_path(&c(&inner), true, euid).is_ok());
        // A link on the way is followed; its target's folders count.
        let link = base.join("link");
        std::os::unix::fs::symlink(&inner, &link).unwrap();
        assert!(check_path(&c(&link), true, euid).is_ok());
        std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let err = check_path(&c(&link), true, euid).unwrap_err().to_string();
        assert!(
            err.ends_with("/open/plugins is writable by its group and others (mode 1777)"),
            "{err}"
        );
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn path_concerns_in_the_loader_s_words() {
        use std::os::unix::fs::PermissionsExt;
        // SAFETY: geteuid has no preconditions.
        let euid = unsafe { libc::geteuid() };
        let base = std::env::temp_dir().join(format!("criu-plugin-words-{}", std::process::id()));
        let open = base.join("open");
        let inner = open.join("plugins");
        std::fs::create_dir_all(&inner).unwrap();
        let mode = |p: &std::path::Path, m| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        mode(&base, 0o755);
        mode(&open, 0o757);
        mode(&inner, 0o755);
        let c = |p: &std::path::Path| std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        let (b, o, i) = (base.display(), open.display(), inner.display());
        assert_eq!(
            path_concern(&c(&inner), true, euid).unwrap(),
            format!("Plugin folder {i}: folder {o} on its path is writable by others (mode 0757)")
        );
        // The folder itself keeps its words.
        mode(&open, 0o755);
        mode(&inner, 0o775);
        assert_eq!(
            path_concern(&c(&inner), true, euid).unwrap(),
            format!("Plugin folder {i} is writable by its group (mode 0775)")
        );
        mode(&inner, 0o755);
        assert_eq!(path_concern(&c(&inner), true, euid), None);
        // A plugin file that is a link into a folder others may write.
        std::fs::write(inner.join("real.so"), b"").unwrap();
        mode(&inner.join("real.so"), 0o644);
        let link = base.join("x.so");
        std::os::unix::fs::symlink(inner.join("real.so"), &link).unwrap();
        assert_eq!(path_concern(&c(&link), false, euid), None);
        mode(&open, 0o777);
        assert_eq!(
            path_concern(&c(&link), false, euid).unwrap(),
            format!(
                "Plugin file {b}/x.so: folder {o} on the path to its target is writable by its group and others (mode 0777)"
            )
        );
        std::fs::remove_dir_all(&base).unwrap();
    }
}
