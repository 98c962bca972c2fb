//! Allocation that can fail. `cr_plugin_init` and `cr_plugin_fini` must
//! answer -1 when memory runs out, as CRIU's C loader does, never abort the
//! process; every allocation on their paths goes through here or through
//! `try_reserve`, and messages are formatted without allocating.

use std::collections::TryReserveError;
use std::ffi::{CStr, CString, c_int};
use std::fmt;

/// Out of memory, for `?` on the loader's paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory;

impl From<TryReserveError> for OutOfMemory {
    fn from(_: TryReserveError) -> OutOfMemory {
        OutOfMemory
    }
}

impl fmt::Display for OutOfMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("out of memory")
    }
}

/// `value` on the heap, or `OutOfMemory`.
pub(crate) fn try_box<T>(value: T) -> Result<Box<[T; 1]>, OutOfMemory> {
    let mut v = Vec::new();
    v.try_reserve_exact(1)?;
    v.push(value);
    // A vector of length 1 and capacity 1 becomes a box without reallocating.
    match v.into_boxed_slice().try_into() {
        Ok(b) => Ok(b),
        Err(_) => Err(OutOfMemory),
    }
}

/// A copy of `s`, or `OutOfMemory`.
pub(crate) fn try_cstring(s: &CStr) -> Result<CString, OutOfMemory> {
    let bytes = s.to_bytes_with_nul();
    let mut v = Vec::new();
    v.try_reserve_exact(bytes.len())?;
    v.extend_from_slice(bytes);
    // The capacity is exactly the length, so no reallocation happens here.
    CString::from_vec_with_nul(v).map_err(|_| OutOfMemory)
}

/// `args` formatted into a new string, or `None` when memory runs out.
pub(crate) fn try_format(args: fmt::Arguments<'_>) -> Option<String> {
    struct Growing(String);
    impl fmt::Write for Growing {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.try_reserve(s.len()).map_err(|_| fmt::Error)?;
            self.0.push_str(s);
            Ok(())
        }
    }
    let mut out = Growing(String::new());
    fmt::write(&mut out, args).ok()?;
    Some(out.0)
}

/// A line formatted into a fixed buffer, cut short when it is full: how
/// log lines are built without allocating. Always NUL-terminated.
pub(crate) struct LineBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
    cut: bool,
}

impl<const N: usize> LineBuf<N> {
    /// An empty line.
    pub(crate) fn new() -> Self {
        LineBuf {
            buf: [0; N],
            len: 0,
            cut: false,
        }
    }

    /// Appends `bytes`, as much as fits (one byte stays for the NUL);
    /// NUL bytes are dropped.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == 0 {
                continue;
            }
            if self.len + 1 >= N {
                self.cut = true;
                return;
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
    }

    /// Ends the line with `tail` (a newline, say), cutting the text to
    /// make room for it; the result is NUL-terminated.
    pub(crate) fn finish(&mut self, tail: &[u8]) -> &CStr {
        let room = N - 1 - tail.len().min(N - 1);
        if self.len > room {
            self.len = room;
        }
        self.push(tail);
        self.buf[self.len] = 0;
        CStr::from_bytes_until_nul(&self.buf[..=self.len]).unwrap_or(c"")
    }

    /// The text so far.
    pub(crate) fn text(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Whether text was dropped because the buffer was full.
    pub(crate) fn was_cut(&self) -> bool {
        self.cut
    }
}

impl<const N: usize> fmt::Write for LineBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// An `errno` value shown as `strerror` says, without allocating (the
/// standard library's `io::Error` builds a `String` for it).
#[derive(Debug, Clone, Copy)]
pub struct Errno(pub(crate) c_int);

impl Errno {
    /// The calling thread's `errno`.
    pub(crate) fn last() -> Errno {
        Errno(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0 as std::ffi::c_char; 128];
        // SAFETY: the XSI strerror_r (what the libc crate binds on glibc)
        // writes a NUL-terminated message of at most buf.len() bytes.
        let rc = unsafe { libc::strerror_r(self.0, buf.as_mut_ptr(), buf.len()) };
        if rc != 0 {
            return write!(f, "error {}", self.0);
        }
        // SAFETY: strerror_r succeeded, so buf holds a NUL-terminated string.
        let msg = unsafe { CStr::from_ptr(buf.as_ptr()) };
        write!(f, "{} (os error {})", msg.to_string_lossy(), self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn line_buffers_cut_and_terminate() {
        let mut l = LineBuf::<8>::new();
        l.push(b"abc\0de");
        assert!(!l.was_cut());
        assert_eq!(l.finish(b"\n"), c"abcde\n");
        let mut l = LineBuf::<8>::new();
        write!(l, "0123456789").unwrap();
        assert!(l.was_cut());
        assert_eq!(l.finish(b"\n"), c"012345\n");
    }

    #[test]
    fn boxes_strings_and_errno() {
        assert_eq!(try_box(7u64).unwrap()[0], 7);
        assert_eq!(
            try_cstring(c"/usr/lib/criu").unwrap().as_c_str(),
            c"/usr/lib/criu"
        );
        assert_eq!(
            try_format(format_args!("{}-{}", 1, "a")).as_deref(),
            Some("1-a")
        );
        assert_eq!(
            Errno(libc::ENOENT).to_string(),
            "No such file or directory (os error 2)"
        );
    }
}
