//! Calls into the loader from inside the loader. While `cr_plugin_init` or
//! `cr_plugin_fini` runs plugin code (constructors, `init`, `exit`,
//! RESTORE_INIT, destructors) or CRIU's inventory check, that code may call
//! the loader again on the same thread; the registry lock is held, so such a
//! call would deadlock. It is refused instead, with a line that names the
//! plugin and the call. Hook calls from inside plugins still work: the typed
//! functions take no lock.

use crate::escape::Escaped;
use std::ffi::{CStr, c_char};
use std::fmt;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// The thread running `cr_plugin_init` or `cr_plugin_fini`, as
/// [`thread_mark`] names it (0: none).
static OWNER: AtomicUsize = AtomicUsize::new(0);
/// What code the owner is running, when it runs someone else's.
static RUNNING: AtomicPtr<Running> = AtomicPtr::new(std::ptr::null_mut());

/// Whose code the loader is running, and which of its entry points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Running {
    /// The plugin's name, or its path before its descriptor is known; NULL
    /// for CRIU's own code.
    pub(crate) who: *const c_char,
    /// `its init`, `its exit`, `its RESTORE_INIT hook`, ...
    pub(crate) what: &'static str,
}

thread_local! {
    static MARK: u8 = const { 0 };
}

/// The calling thread, as the address of its own copy of a thread-local
/// byte: distinct among live threads, never 0, and no system call
/// (`gettid` is one, two per init + fini). A thread that ends while it owns
/// the loader cannot (the owner is reset when init or fini returns), so a
/// later thread given the same address is never mistaken for it.
fn thread_mark() -> usize {
    MARK.with(|m| std::ptr::from_ref(m) as usize)
}

/// Whether the calling thread is inside `cr_plugin_init` or `cr_plugin_fini`.
/// One load when neither runs (the hook path), a thread-local address only
/// when one does.
#[inline]
pub(crate) fn inside() -> bool {
    let owner = OWNER.load(Ordering::Acquire);
    owner != 0 && owner == thread_mark()
}

/// Marks the calling thread as the loader's until the guard drops. Call with
/// the registry lock held.
pub(crate) struct Busy;

impl Busy {
    pub(crate) fn start() -> Busy {
        OWNER.store(thread_mark(), Ordering::Release);
        Busy
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        RUNNING.store(std::ptr::null_mut(), Ordering::Release);
        OWNER.store(0, Ordering::Release);
    }
}

/// Runs `f` (plugin or CRIU code) with `running` recorded, so a call back
/// into the loader can say whose code made it.
pub(crate) fn running<T>(running: Running, f: impl FnOnce() -> T) -> T {
    let mut slot = running;
    let before = RUNNING.swap(&raw mut slot, Ordering::AcqRel);
    let result = f();
    RUNNING.store(before, Ordering::Release);
    result
}

/// The refusal of a call made from inside the loader.
pub(crate) struct Refused {
    call: &'static str,
    running: Option<Running>,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.running {
            Some(Running { who, what }) if !who.is_null() => {
                // SAFETY: `who` points into the name or path of the plugin
                // whose code is running, alive for the whole call.
                let who = unsafe { CStr::from_ptr(who) }.to_bytes();
                let quoted = !who.starts_with(b"/");
                if quoted {
                    write!(f, "Plugin \"{}\"", Escaped(who))?;
                } else {
                    write!(f, "Plugin {}", Escaped(who))?;
                }
                write!(f, " called {}() from {what}: refused", self.call)
            }
            Some(Running { what, .. }) => {
                write!(f, "{}() called from {what}: refused", self.call)
            }
            None => write!(
                f,
                "{}() called from inside cr_plugin_init() or cr_plugin_fini(): refused",
                self.call
            ),
        }
    }
}

/// `Err` when the calling thread is inside the loader: the caller must not
/// take the registry lock, and logs the refusal.
pub(crate) fn check(call: &'static str) -> Result<(), Refused> {
    if !inside() {
        return Ok(());
    }
    let running = RUNNING.load(Ordering::Acquire);
    // SAFETY: a non-NULL RUNNING points at the `slot` of a `running` call
    // frame that is live on this very thread (we are inside it).
    let running = (!running.is_null()).then(|| unsafe { *running });
    Err(Refused { call, running })
}
