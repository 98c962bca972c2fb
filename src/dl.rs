//! A thin, owned wrapper over `dlopen`/`dlsym`/`dlclose`/`dlerror`.
//!
//! All dynamic-linker calls of the crate go through here, so the unsafe code
//! that touches handles sits in one place.

use std::ffi::{CStr, c_int, c_void};
use std::ptr::NonNull;

/// `dladdr1` flag: return the symbol table entry (`<dlfcn.h>`'s `RTLD_DL_SYMENT`).
const RTLD_DL_SYMENT: c_int = 1;
/// `dladdr1` flag: return the `struct link_map *` (`RTLD_DL_LINKMAP`).
const RTLD_DL_LINKMAP: c_int = 2;

/// The last `dlerror()` text, or a placeholder when there is none.
fn last_error() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated string owned by libc,
    // valid until the next dl* call on this thread; we copy it at once.
    unsafe {
        let msg = libc::dlerror();
        if msg.is_null() {
            "unknown dynamic linker error".to_owned()
        } else {
            CStr::from_ptr(msg).to_string_lossy().into_owned()
        }
    }
}

/// A shared object opened with `dlopen`, closed when dropped.
#[derive(Debug)]
pub struct Library {
    handle: NonNull<c_void>,
}

impl Library {
    /// Opens `path` with `flags` (`RTLD_LAZY`, ...). The error is `dlerror()`'s text.
    pub fn open(path: &CStr, flags: c_int) -> Result<Library, String> {
        // SAFETY: path is NUL-terminated. dlopen runs the object's
        // constructors; running plugin code is the purpose of the loader.
        let handle = unsafe { libc::dlopen(path.as_ptr(), flags) };
        NonNull::new(handle)
            .map(|handle| Library { handle })
            .ok_or_else(last_error)
    }

    /// The raw handle, as stored in `plugin_desc_t.dlhandle`.
    pub fn as_ptr(&self) -> *mut c_void {
        self.handle.as_ptr()
    }

    /// Looks `name` up in the object and its dependencies.
    pub fn symbol(&self, name: &CStr) -> Option<NonNull<c_void>> {
        // SAFETY: the handle is live (we own it) and name is NUL-terminated.
        NonNull::new(unsafe { libc::dlsym(self.handle.as_ptr(), name.as_ptr()) })
    }

    /// Looks `name` up, keeping it only if the object itself defines it, not
    /// one of its dependencies. A legacy plugin that lacks `cr_plugin_init`
    /// but links against this library must not have the loader's own
    /// `cr_plugin_init` mistaken for its init function.
    pub fn own_symbol(&self, name: &CStr) -> Option<NonNull<c_void>> {
        let sym = self.symbol(name)?;
        (defining_object(sym.as_ptr()) == Some(self.link_map())).then_some(sym)
    }

    /// The object's `struct link_map *`, used as its identity.
    fn link_map(&self) -> *mut c_void {
        let mut map: *mut c_void = std::ptr::null_mut();
        // SAFETY: RTLD_DI_LINKMAP stores one pointer into `map`; the handle is live.
        let rc = unsafe {
            libc::dlinfo(
                self.handle.as_ptr(),
                libc::RTLD_DI_LINKMAP,
                (&raw mut map).cast(),
            )
        };
        if rc == 0 { map } else { std::ptr::null_mut() }
    }
}

impl Drop for Library {
    fn drop(&mut self) {
        // SAFETY: the handle came from dlopen and is closed exactly once, here.
        // A failing dlclose leaves the object mapped, which is harmless.
        unsafe {
            libc::dlclose(self.handle.as_ptr());
        }
    }
}

/// The `struct link_map *` of the object that contains `addr`.
fn defining_object(addr: *const c_void) -> Option<*mut c_void> {
    // SAFETY: Dl_info is plain data; dladdr1 only writes it and the pointer.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let mut map: *mut c_void = std::ptr::null_mut();
        (libc::dladdr1(addr, &mut info, &raw mut map, RTLD_DL_LINKMAP) != 0).then_some(map)
    }
}

/// The size in bytes that the dynamic symbol table gives for the symbol at
/// address `addr`, as the process actually uses it. For a data symbol that a
/// non-PIE executable copied (a copy relocation) this is the executable's
/// size. `addr` is only compared, never dereferenced.
pub fn symbol_size(addr: usize) -> Option<usize> {
    let addr = addr as *const c_void;
    // SAFETY: as in defining_object; on success `sym` points into the loaded
    // object's read-only dynamic symbol table, which outlives this call.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let mut sym: *mut c_void = std::ptr::null_mut();
        if libc::dladdr1(addr, &mut info, &raw mut sym, RTLD_DL_SYMENT) == 0 || sym.is_null() {
            return None;
        }
        // dladdr1 may report the nearest symbol below addr; only trust an
        // exact match.
        if !std::ptr::eq(info.dli_saddr, addr) {
            return None;
        }
        Some((*sym.cast::<libc::Elf64_Sym>()).st_size as usize)
    }
}

/// Looks `name` up in the global scope (the executable and what it loaded
/// at start-up, this library included): how the loader finds CRIU's own
/// functions and data.
pub fn global_symbol(name: &CStr) -> Option<NonNull<c_void>> {
    // SAFETY: RTLD_DEFAULT is a valid pseudo-handle; name is NUL-terminated.
    NonNull::new(unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) })
}
